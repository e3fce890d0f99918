"""Explorers on a static page: every position precomputed by the explorer itself.

The site (docs/build_site.py) shows each explorer live with no kernel: at build time
:func:`export` drives the explorer's own code to every position the page offers and
records what its figure holds, axes by axes -- lines, scatter points, rectangles
(bars, histogram bins, heatmap cells), texts and titles, as data coordinates and
colours -- plus the readout. The page draws that with Vega-Lite (docs/lossviz_live.js),
so every number it shows is the package's.

An explorer opts in with one class attribute, in its own module::

    class ThresholdExplorer(Explorer):
        name = "threshold"
        static_grid = StaticGrid()  # every joint position (101 here)

The positions of a control are the ones its notebook slider offers (min to max by step,
every option, both states of a checkbox). The page offers every joint position unless
``joint`` thins a control out: ``StaticGrid(joint={"outlier_size": (0, 10, 20, 30)})``
keeps every position of each control moved alone from the page's start, and for moves
of several controls the joint grid of the listed values (every value of a control not
listed); the page then shows the nearest joint position and says so.
``tests/test_static_site.py`` fails for a registered explorer without ``static_grid``,
and compares the export with the artists of the real explorer moved by ``.set()``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets
import numpy as np
from matplotlib import colors as mcolors
from matplotlib.axis import Axis
from matplotlib.category import StrCategoryLocator
from matplotlib.collections import LineCollection, PathCollection, PolyCollection, QuadMesh
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle, StepPatch
from matplotlib.spines import Spine
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator
from matplotlib.transforms import Transform

from lossviz._explorer import Explorer, option_values

__all__ = ["StaticGrid", "control_positions", "export", "page_positions", "scene"]

#: Significant digits of every exported number (the site test compares with rtol 1e-5).
DIGITS = 6
_SHAPES = {"o": "circle", "D": "diamond", "d": "diamond", "s": "square", "^": "triangle-up", "v": "triangle-down"}
_DASHES = {"-": None, "solid": None, "--": [6, 4], "dashed": [6, 4], ":": [2, 3], "dotted": [2, 3], "-.": [6, 3, 2, 3]}


@dataclass(frozen=True)
class StaticGrid:
    """Which positions of an explorer the static page offers (see the module docstring).

    Args:
        joint: {control: values} for the joint grid; a control left out joins it with
            every position of its slider. Each value must be a position of the control.
    """

    joint: Mapping[str, Sequence[Any]] = field(default_factory=dict)


def control_positions(control: ipywidgets.ValueWidget) -> list[Any]:
    """Every value a notebook control offers, in its order."""
    if isinstance(control, ipywidgets.Checkbox | ipywidgets.ToggleButton):
        return [False, True]
    if isinstance(control, ipywidgets.Dropdown | ipywidgets.ToggleButtons | ipywidgets.RadioButtons):
        return option_values(control)
    if isinstance(control, ipywidgets.IntSlider):
        return list(range(control.min, control.max + 1, control.step))
    if isinstance(control, ipywidgets.FloatSlider) and not isinstance(control, ipywidgets.FloatLogSlider):
        count = int(np.floor((control.max - control.min) / control.step + 1e-9)) + 1
        return [float(round(control.min + index * control.step, 10)) for index in range(count)]
    raise TypeError(f"no static positions for a {type(control).__name__} control")


def page_positions(explorer: Explorer, start: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{control: its positions} and the list of joint positions (as index tuples) the
    page offers around ``start``: each control alone, then the joint grid."""
    grid = type(explorer).static_grid
    if grid is None:
        raise ValueError(f"{type(explorer).__name__} has no static_grid: the site cannot show it live")
    values = {name: control_positions(control) for name, control in explorer.controls.items()}
    start_index = [_index(values[name], start[name], name) for name in values]
    joint = []
    for name, options in values.items():
        chosen = grid.joint.get(name, options)
        joint.append(sorted({_index(options, value, name) for value in chosen}))
    unknown = set(grid.joint) - set(values)
    if unknown:
        raise ValueError(f"StaticGrid.joint names no control of {type(explorer).__name__}: {sorted(unknown)}")
    keys = {tuple(start_index)}
    for axis, options in enumerate(values.values()):
        for index in range(len(options)):
            keys.add((*start_index[:axis], index, *start_index[axis + 1 :]))
    keys.update(itertools.product(*joint))
    return values, sorted(keys), joint


def _index(options: list[Any], value: Any, name: str) -> int:
    for index, option in enumerate(options):
        if option == value or (isinstance(option, float) and np.isclose(option, value, rtol=0, atol=1e-9)):
            return index
    raise ValueError(f"{value!r} is not a position of control `{name}` ({options[:3]}...)")


# ------------------------------------------------------------------ what a figure holds


def _number(value: float) -> float | None:
    value = float(value)
    return float(f"{value:.{DIGITS}g}") if np.isfinite(value) else None


def _numbers(values: Iterable[float]) -> list[float | None]:
    return [_number(value) for value in np.asarray(values, dtype=float).ravel()]


def _colour(value) -> tuple[str, float]:
    rgba = mcolors.to_rgba(value)
    return mcolors.to_hex(rgba, keep_alpha=False), _number(rgba[3])


def _to_data(artist, ax, points: np.ndarray) -> np.ndarray:
    """Points in the artist's coordinates (or a transform's) -> the axes' data
    coordinates (an axhline's x in axes fractions, a text placed on an axis transform ...)."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    transform = artist if isinstance(artist, Transform) else artist.get_transform()
    if transform == ax.transData or not len(points):
        return points
    return ax.transData.inverted().transform(transform.transform(points))


def _rectangles(vertices_list, ax, artist) -> list[tuple[float, float, float, float]]:
    """Axis-aligned polygons (or their two corners) -> (x0, x1, y0, y1) in data coordinates.

    Every vertex must sit on the polygon's bounding box corners' x and y (a zero-height bar
    is still a rectangle); polygons of one size are converted at once (a fold diagram has
    hundreds)."""
    groups: dict[int, list[int]] = {}
    for index, vertices in enumerate(vertices_list):
        groups.setdefault(len(vertices), []).append(index)
    boxes: list = [None] * len(vertices_list)
    for count, indices in groups.items():
        stacked = np.asarray([vertices_list[index] for index in indices], dtype=float).reshape(-1, 2)
        points = _to_data(artist, ax, stacked).reshape(len(indices), count, 2)
        low, high = points.min(axis=1), points.max(axis=1)
        on_edges = (points == low[:, None, :]) | (points == high[:, None, :])
        if not on_edges.all():
            name = type(artist).__name__
            raise NotImplementedError(
                f"{name} holds a polygon that is not a rectangle: a static version cannot draw it"
            )
        for position, index in enumerate(indices):
            boxes[index] = (low[position, 0], high[position, 0], low[position, 1], high[position, 1])
    return boxes


def _rect_item(ax_index, boxes, facecolors, alpha) -> dict:
    facecolors = list(facecolors) if len(facecolors) else ["none"]
    colours = [_colour(facecolors[index % len(facecolors)]) for index in range(len(boxes))]
    opacity = [op if alpha is None else _number(alpha) for _, op in colours]
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    return {
        "t": "rect",
        "a": ax_index,
        "x": _numbers(boxes[:, 0]),
        "x2": _numbers(boxes[:, 1]),
        "y": _numbers(boxes[:, 2]),
        "y2": _numbers(boxes[:, 3]),
        "c": [hex_ for hex_, _ in colours],
        "op": opacity,
    }


def _line_item(ax_index: int, xy, colour: str, width, opacity, dashes) -> dict:
    """One polyline of the page's scene: a Line2D's line, or one segment of a LineCollection."""
    return {
        "t": "line",
        "a": ax_index,
        "x": _numbers(xy[:, 0]),
        "y": _numbers(xy[:, 1]),
        "c": colour,
        "w": width,
        "op": opacity,
        "d": dashes,
    }


def _artist_items(artist, ax, ax_index: int) -> list[dict]:
    """What one artist draws, as items of the page's scene ([] for what it does not show)."""
    if not artist.get_visible():
        return []
    if isinstance(artist, Line2D):
        xy = _to_data(artist, ax, artist.get_xydata())
        colour, alpha = _colour(artist.get_color())
        opacity = _number(artist.get_alpha() if artist.get_alpha() is not None else alpha)
        items = []
        if artist.get_linestyle() not in ("None", "", " ", "none"):
            dashes = _DASHES.get(artist.get_linestyle(), [4, 4])
            items.append(_line_item(ax_index, xy, colour, _number(artist.get_linewidth()), opacity, dashes))
        if artist.get_marker() not in (None, "None", "", " ", "none"):
            items.append(
                {
                    "t": "point",
                    "a": ax_index,
                    "x": _numbers(xy[:, 0]),
                    "y": _numbers(xy[:, 1]),
                    "c": [_colour(artist.get_markerfacecolor())[0]] * len(xy),
                    "s": _number(np.pi * (artist.get_markersize() / 2) ** 2 * 1.8),
                    "sh": _SHAPES.get(artist.get_marker(), "circle"),
                    "op": opacity,
                }
            )
        return items
    if isinstance(artist, PathCollection):
        offsets = np.asarray(artist.get_offsets(), dtype=float).reshape(-1, 2)
        if artist.get_offset_transform() != ax.transData and len(offsets):
            offsets = ax.transData.inverted().transform(artist.get_offset_transform().transform(offsets))
        facecolors = artist.get_facecolors()
        sizes = artist.get_sizes()
        return [
            {
                "t": "point",
                "a": ax_index,
                "x": _numbers(offsets[:, 0]),
                "y": _numbers(offsets[:, 1]),
                "c": [_colour(facecolors[index % len(facecolors)])[0] for index in range(len(offsets))]
                if len(facecolors)
                else [],
                "s": _number((sizes[0] if len(sizes) else 36.0) * 1.8),
                "sh": _marker_shape(artist),
                "op": _number(artist.get_alpha() if artist.get_alpha() is not None else 1.0),
            }
        ]
    if isinstance(artist, LineCollection):  # vlines, hlines, error bars: one line per segment
        colours = artist.get_colors()
        widths = artist.get_linewidths()
        items = []
        for index, segment in enumerate(artist.get_segments()):
            xy = _to_data(artist, ax, segment)
            colour, alpha = _colour(colours[index % len(colours)]) if len(colours) else ("#000000", 1.0)
            width = _number(widths[index % len(widths)]) if len(widths) else 1.0
            opacity = _number(artist.get_alpha() if artist.get_alpha() is not None else alpha)
            items.append(_line_item(ax_index, xy, colour, width, opacity, None))
        return items
    if isinstance(artist, QuadMesh):
        artist.update_scalarmappable()
        coordinates = artist.get_coordinates()
        rows, cols = coordinates.shape[0] - 1, coordinates.shape[1] - 1
        boxes = []
        for row in range(rows):
            for col in range(cols):
                corners = coordinates[row : row + 2, col : col + 2].reshape(-1, 2)
                boxes.extend(_rectangles([corners], ax, artist))
        return [_rect_item(ax_index, boxes, artist.get_facecolors(), artist.get_alpha())]
    if isinstance(artist, PolyCollection):
        artist.update_scalarmappable()
        boxes = _rectangles([path.vertices for path in artist.get_paths()], ax, artist)
        return [_rect_item(ax_index, boxes, artist.get_facecolors(), artist.get_alpha())] if boxes else []
    if isinstance(artist, StepPatch):
        values, edges, baseline = artist.get_data()
        baseline = 0.0 if baseline is None else baseline
        boxes = [(edges[i], edges[i + 1], min(baseline, v), max(baseline, v)) for i, v in enumerate(values)]
        return [_rect_item(ax_index, boxes, [artist.get_facecolor()], artist.get_alpha())]
    if isinstance(artist, AxesImage):
        # One rectangle per pixel, in its mapped colour (imshow's extent, origin "upper" or "lower").
        rgba = artist.to_rgba(artist.get_array())
        rows, cols = rgba.shape[:2]
        left, right, bottom, top = artist.get_extent()
        xs, ys = np.linspace(left, right, cols + 1), np.linspace(top, bottom, rows + 1)
        boxes = [
            (xs[c], xs[c + 1], min(ys[r], ys[r + 1]), max(ys[r], ys[r + 1])) for r in range(rows) for c in range(cols)
        ]
        return [_rect_item(ax_index, boxes, rgba.reshape(-1, 4), artist.get_alpha())]
    if isinstance(artist, Rectangle):
        if artist is ax.patch:
            return []
        bounds = artist.get_bbox()  # in the coordinates of the artist's data transform
        box = _rectangles([[(bounds.x0, bounds.y0), (bounds.x1, bounds.y1)]], ax, artist.get_data_transform())
        return [_rect_item(ax_index, box, [artist.get_facecolor()], artist.get_alpha())]
    if isinstance(artist, Axis | Spine | Legend | Text):
        return []  # the frame, ticks and legend are the axes item's; texts are _text_items'
    # Never dropped silently: a new kind of artist needs its export here (and a mark in
    # docs/lossviz_live.js), else the page would miss what the notebook shows.
    raise NotImplementedError(f"the static site cannot export a {type(artist).__name__} yet ({artist!r})")


def _marker_shape(collection: PathCollection) -> str:
    paths = collection.get_paths()
    if paths and len(paths[0].vertices) == 5 and np.allclose(np.abs(paths[0].vertices[:4]).sum(axis=1), 0.5):
        return "diamond"
    return "circle"


def _text_items(ax, ax_index: int) -> list[dict]:
    items = []
    for text in ax.texts:
        if not text.get_visible() or not text.get_text():
            continue
        (x, y), colour = _to_data(text, ax, [text.get_position()])[0], _colour(text.get_color())[0]
        items.append(
            {
                "t": "text",
                "a": ax_index,
                "x": _number(x),
                "y": _number(y),
                "s": text.get_text(),
                "c": colour,
                "al": {"center": "center", "left": "left", "right": "right"}[text.get_horizontalalignment()],
                "bl": {"center": "middle", "bottom": "bottom", "top": "top", "baseline": "alphabetic"}.get(
                    text.get_verticalalignment(), "middle"
                ),
            }
        )
    if ax.title.get_text():
        items.append({"t": "title", "a": ax_index, "s": ax.title.get_text()})
    return items


def _ticks(axis) -> dict | None:
    """Ticks placed by hand (categories, rows of a diagram): their positions and labels."""
    if not isinstance(axis.get_major_locator(), FixedLocator | StrCategoryLocator):
        return None
    locations = list(axis.get_majorticklocs())
    return {"values": _numbers(locations), "labels": axis.get_major_formatter().format_ticks(locations)}


def _legend(ax) -> list[dict]:
    legend = ax.get_legend()
    if legend is None or not legend.get_visible():
        return []
    entries = []
    for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False):
        if handle is None or not text.get_text():
            continue
        if isinstance(handle, Line2D):
            colour = handle.get_color()
        elif hasattr(handle, "get_facecolor"):
            face = handle.get_facecolor()
            colour = face[0] if np.ndim(face) == 2 and len(face) else face
        else:
            continue
        entries.append({"label": text.get_text(), "c": _colour(colour)[0]})
    return entries


def _frame(figure: Figure, ax, ax_index: int) -> dict:
    """The axes itself: size, limits, scales, labels, categorical ticks, legend."""
    box = ax.get_position()
    width, height = figure.get_size_inches()
    return {
        "t": "axes",
        "a": ax_index,
        "width": int(round(box.width * width * 80)),
        "height": int(round(box.height * height * 80)),
        "xlim": _numbers(ax.get_xlim()),
        "ylim": _numbers(ax.get_ylim()),
        "xscale": ax.get_xscale(),
        "yscale": ax.get_yscale(),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "xticks": _ticks(ax.xaxis),
        "yticks": _ticks(ax.yaxis),
        "legend": _legend(ax),
    }


def scene(explorer: Explorer) -> list[dict]:
    """Everything the explorer's figure shows now, as the page's items (axes by axes)."""
    items = []
    for ax_index, ax in enumerate(explorer.figure.axes):
        items.append(_frame(explorer.figure, ax, ax_index))
        for artist in sorted(ax.get_children(), key=lambda artist: artist.get_zorder()):
            items.extend(_artist_items(artist, ax, ax_index))
        items.extend(_text_items(ax, ax_index))
    return items


# ------------------------------------------------------------------------- export


def _snapshot(explorer_class: type[Explorer], seed: int | None, start: Mapping[str, Any]) -> Explorer:
    """The explorer's figure and controls without the widget machinery: ``_update``
    alone per position, no drawing (what static_figure does, kept for every position)."""
    snapshot = explorer_class._headless(seed, dict(start))
    snapshot.figure.draw_without_rendering()  # the layout the notebook's figure has
    snapshot.figure.set_layout_engine("none")
    return snapshot


def export(
    explorer_class: type[Explorer],
    *,
    seed: int | None = None,
    positions: Iterable[tuple[int, ...]] | None = None,
    **start: Any,
) -> dict:
    """Every page position of ``explorer_class`` (see :func:`page_positions`) as JSON data.

    ``positions`` (index tuples, one index per control) exports only those (tests).

    Returns:
        {"name", "seed", "controls": [{name, label, values, start}], "joint": [indices per
        control], "positions": {"i,j,...": scene index}, "scenes": [[item index ...]],
        "items": [item], "arrays": [list], "readouts": [[line ...]] per scene}. Identical
        items are stored once, and so is every list of 16 values or more, which an item
        names as {"@": index in arrays}.
    """
    snapshot = _snapshot(explorer_class, seed, start)
    start = snapshot.params
    values, keys, joint = page_positions(snapshot, start)
    if positions is not None:
        keys = [tuple(key) for key in positions]
    names = list(values)
    item_index: dict[str, int] = {}
    array_index: dict[str, int] = {}
    arrays: list[list] = []
    items: list[dict] = []
    scene_index: dict[tuple, int] = {}
    scenes, readouts, positions = [], [], {}
    for key in keys:
        for name, index in zip(names, key, strict=True):
            snapshot.controls[name].value = values[name][index]
        snapshot._update(snapshot.params)
        ids = []
        for item in scene(snapshot):
            item = {key: _shared(value, arrays, array_index) for key, value in item.items()}
            text = json.dumps(item, sort_keys=True, separators=(",", ":"))
            if text not in item_index:
                item_index[text] = len(items)
                items.append(item)
            ids.append(item_index[text])
        readout = snapshot._readout()
        signature = (tuple(ids), tuple(readout))
        if signature not in scene_index:
            scene_index[signature] = len(scenes)
            scenes.append(ids)
            readouts.append(readout)
        positions[",".join(map(str, key))] = scene_index[signature]
    return {
        "name": explorer_class.name,
        "seed": snapshot.seed,
        "controls": [
            {
                "name": name,
                "label": str(getattr(snapshot.controls[name], "description", "") or name),
                "values": values[name],
                "start": names_index,
            }
            for name, names_index in zip(names, (_index(values[n], start[n], n) for n in names), strict=True)
        ],
        "joint": joint,
        "positions": positions,
        "scenes": scenes,
        "items": items,
        "arrays": arrays,
        "readouts": readouts,
        "digits": DIGITS,
    }


def _shared(value: Any, arrays: list[list], array_index: dict[str, int]) -> Any:
    """A long list -> {"@": its index in ``arrays``}, each distinct list stored once
    (a curve's x, a fold diagram's colours, a data set that a control leaves alone)."""
    if not (isinstance(value, list) and len(value) >= 16):
        return value
    text = json.dumps(value, separators=(",", ":"))
    if text not in array_index:
        array_index[text] = len(arrays)
        arrays.append(value)
    return {"@": array_index[text]}


def export_name(name: str, seed: int, params: Mapping[str, Any]) -> str:
    """A file name for the export of one explorer shown with these initial values."""
    digest = hashlib.sha1(json.dumps(dict(params), sort_keys=True, default=str).encode()).hexdigest()[:10]
    return f"{name}-{seed}-{digest}.json"
