"""The explorers' static versions (lossviz/widgets/_static.py): every registered explorer
has one, every position of each control alone is on its page, and the data the page
draws are the real explorer's, moved by ``.set()``, to the exported precision.

Tolerance: the export writes every number with ``_static.DIGITS`` (6) significant
digits, so numbers are compared with rtol 1e-5 (and atol 1e-9 for zeros).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from matplotlib.collections import PathCollection, PolyCollection, QuadMesh

from lossviz._explorer import registered_explorers
from lossviz.widgets import _static, explorers

RTOL, ATOL = 1e-5, 1e-9
EXPLORERS = [explorer_class.name for explorer_class in registered_explorers()]
BY_NAME = {explorer_class.name: explorer_class for explorer_class in registered_explorers()}


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_registered_explorer_has_a_static_version(name):
    grid = BY_NAME[name].static_grid
    assert isinstance(grid, _static.StaticGrid), (
        f"explorer {name!r} has no static version: set `static_grid = StaticGrid(...)` on its class "
        "(lossviz/widgets/_static.py says how), so that the site shows it live"
    )


def test_an_explorer_without_a_static_version_is_refused():
    class Bare(BY_NAME["threshold"]):
        static_grid = None

    with pytest.raises(ValueError, match="has no static_grid"):
        _static.export(Bare, seed=0)


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_position_of_each_control_alone_is_on_the_page(name):
    snapshot = _static._snapshot(BY_NAME[name], 0, {})
    values, keys, joint = _static.page_positions(snapshot, snapshot.params)
    start = tuple(_static._index(values[n], snapshot.params[n], n) for n in values)
    keys = set(keys)
    for axis, (control, options) in enumerate(values.items()):
        assert options == _static.control_positions(snapshot.controls[control])
        for index in range(len(options)):
            assert (*start[:axis], index, *start[axis + 1 :]) in keys, (control, options[index])
    # the joint grid: every combination of the joint values
    assert len(keys) >= np.prod([len(indices) for indices in joint])


def test_slider_positions_are_the_notebook_sliders():
    snapshot = _static._snapshot(BY_NAME["outlier_fit"], 0, {})
    fractions = _static.control_positions(snapshot.controls["outlier_fraction"])
    assert fractions[0] == 0.0 and fractions[-1] == 0.5 and len(fractions) == 26
    assert 0.1 in fractions
    assert _static.control_positions(snapshot.controls["outlier_size"])[:3] == [0.0, 0.5, 1.0]
    crossentropy = _static._snapshot(BY_NAME["crossentropy"], 0, {})
    assert _static.control_positions(crossentropy.controls["from_logits"]) == [False, True]


def _sampled_keys(name: str, count: int = 6) -> list[tuple[int, ...]]:
    snapshot = _static._snapshot(BY_NAME[name], 0, {})
    _, keys, _ = _static.page_positions(snapshot, snapshot.params)
    rng = np.random.default_rng(len(name))
    chosen = rng.choice(len(keys), size=min(count, len(keys)), replace=False)
    return sorted({keys[0], keys[-1], *(keys[index] for index in chosen)})


def _resolved(data: dict, index: int) -> dict:
    item = data["items"][index]
    return {
        key: data["arrays"][value["@"]] if isinstance(value, dict) and "@" in value else value
        for key, value in item.items()
    }


def _close(actual, expected, what):
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, what
    finite = np.isfinite(expected)
    assert np.array_equal(np.isnan(actual), ~finite), what
    np.testing.assert_allclose(actual[finite], expected[finite], rtol=RTOL, atol=ATOL, err_msg=what)


def _page_items(data: dict, key: tuple[int, ...]) -> list[dict]:
    scene = data["positions"][",".join(map(str, key))]
    return [_resolved(data, index) for index in data["scenes"][scene]]


def _in_data_coordinates(artist, ax, points):
    """The artist's points where the page puts them: in the axes' data coordinates."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    if artist.get_transform() == ax.transData or not len(points):
        return points
    return ax.transData.inverted().transform(artist.get_transform().transform(points))


@pytest.mark.parametrize("name", EXPLORERS)
def test_page_data_are_the_real_explorers_artists(name):
    """At sampled page positions, the real explorer moved by .set() holds the lines,
    points, rectangles, texts, titles and readout that the exported page data draw."""
    keys = _sampled_keys(name)
    data = json.loads(json.dumps(_static.export(BY_NAME[name], seed=0, positions=keys)))
    explorer = explorers()[f"{name}_explorer"](seed=0)
    try:
        for key in keys:
            params = {control["name"]: control["values"][index] for control, index in zip(data["controls"], key)}
            explorer.set(**params)
            items = _page_items(data, key)
            where = f"{name} at {params}"
            assert explorer._readout() == data["readouts"][data["positions"][",".join(map(str, key))]], where
            for ax_index, ax in enumerate(explorer.figure.axes):
                mine = [item for item in items if item["a"] == ax_index]
                (frame,) = [item for item in mine if item["t"] == "axes"]
                _close(frame["xlim"], ax.get_xlim(), f"{where}: xlim of axes {ax_index}")
                _close(frame["ylim"], ax.get_ylim(), f"{where}: ylim of axes {ax_index}")
                assert frame["xlabel"] == ax.get_xlabel() and frame["ylabel"] == ax.get_ylabel(), where
                lines = [item for item in mine if item["t"] == "line"]
                drawn = [
                    line
                    for line in sorted(ax.lines, key=lambda artist: artist.get_zorder())
                    if line.get_visible() and line.get_linestyle() not in ("None", "")
                ]
                assert len(lines) == len(drawn), f"{where}: lines of axes {ax_index}"
                for item, line in zip(lines, drawn):
                    xy = _in_data_coordinates(line, ax, line.get_xydata())
                    _close(item["x"], xy[:, 0], f"{where}: x of {line.get_label()}")
                    _close(item["y"], xy[:, 1], f"{where}: y of {line.get_label()}")
                    assert item["c"] == _hex(line.get_color()), where
                points = [item for item in mine if item["t"] == "point"]
                scatter = [
                    np.asarray(child.get_offsets(), dtype=float).reshape(-1, 2)
                    for child in ax.collections
                    if isinstance(child, PathCollection) and child.get_visible()
                ]
                markers = [
                    line.get_xydata()
                    for line in ax.lines
                    if line.get_visible() and line.get_marker() not in (None, "None", "")
                ]
                expected = np.concatenate([*scatter, *markers]) if scatter or markers else np.zeros((0, 2))
                exported = np.array([(x, y) for item in points for x, y in zip(item["x"], item["y"])]).reshape(-1, 2)
                _close(_sorted_rows(exported), _sorted_rows(expected), f"{where}: points of axes {ax_index}")
                rects = [item for item in mine if item["t"] == "rect"]
                for child in ax.collections:
                    if isinstance(child, PolyCollection) and child.get_visible() and len(child.get_paths()):
                        boxes = np.array([[*path.vertices.min(0), *path.vertices.max(0)] for path in child.get_paths()])
                        assert any(
                            len(item["x"]) == len(boxes)
                            and np.allclose(item["x"], boxes[:, 0], rtol=RTOL)
                            and np.allclose(item["y2"], boxes[:, 3], rtol=RTOL)
                            for item in rects
                        ), f"{where}: bars or cells of axes {ax_index}"
                    if isinstance(child, QuadMesh):
                        assert any(len(item["x"]) == child.get_array().size for item in rects), where
                texts = sorted(item["s"] for item in mine if item["t"] == "text")
                assert texts == sorted(text.get_text() for text in ax.texts if text.get_visible() and text.get_text())
                titles = [item["s"] for item in mine if item["t"] == "title"]
                assert titles == ([ax.title.get_text()] if ax.title.get_text() else []), where
    finally:
        explorer.close()


def _hex(colour) -> str:
    from matplotlib import colors

    return colors.to_hex(colour, keep_alpha=False)


def _sorted_rows(points: np.ndarray) -> np.ndarray:
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    return points[np.lexsort((points[:, 1], points[:, 0]))] if len(points) else points


def test_a_joint_position_off_the_grid_is_not_exported_but_its_nearest_is():
    snapshot = _static._snapshot(BY_NAME["outlier_fit"], 0, {})
    values, keys, joint = _static.page_positions(snapshot, snapshot.params)
    keys = set(keys)
    off_grid = (values["outlier_fraction"].index(0.06), values["outlier_size"].index(12.5), values["delta"].index(0.7))
    assert off_grid not in keys
    # what docs/lossviz_live.js does: each control to its nearest value on the joint grid
    snapped = tuple(
        min(grid, key=lambda index, target=target: abs(index - target)) for grid, target in zip(joint, off_grid)
    )
    assert snapped in keys
    assert [
        values["outlier_fraction"][snapped[0]],
        values["outlier_size"][snapped[1]],
        values["delta"][snapped[2]],
    ] == [
        0.1,
        10.0,
        0.5,
    ]
    # the documented grid: each control alone (26 + 61 + 50 positions, the start counted once)
    # and the 6 x 7 x 4 joint grid, some positions shared
    assert len(keys) <= 26 + 61 + 50 - 2 + 6 * 7 * 4


def test_an_artist_the_page_cannot_draw_is_refused_not_dropped():
    from matplotlib.figure import Figure

    figure = Figure()
    ax = figure.subplots()
    ax.fill_between([0, 1, 2], [0, 1, 0])  # a polygon that is no rectangle
    with pytest.raises(NotImplementedError, match="not a rectangle"):
        _static._artist_items(ax.collections[0], ax, 0)
    (wedge,) = ax.pie([1.0])[0]
    with pytest.raises(NotImplementedError, match="cannot export a Wedge"):
        _static._artist_items(wedge, ax, 0)


def test_an_image_becomes_one_rectangle_per_pixel_in_its_colour():
    from matplotlib import colors
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    image = ax.imshow([[0.0, 1.0], [1.0, 0.0]], cmap="gray", extent=(0, 2, 0, 2))
    (item,) = _static._artist_items(image, ax, 0)
    assert len(item["x"]) == 4
    top_left = [index for index in range(4) if item["x"][index] == 0 and item["y2"][index] == 2]
    assert [item["c"][index] for index in top_left] == [colors.to_hex("black")]


def test_segments_become_lines():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    segments = ax.vlines([1.0, 2.0], 0.0, [3.0, 4.0], colors="red")
    items = _static._artist_items(segments, ax, 0)
    assert [(item["x"], item["y"], item["c"]) for item in items] == [
        ([1.0, 1.0], [0.0, 3.0], "#ff0000"),
        ([2.0, 2.0], [0.0, 4.0], "#ff0000"),
    ]
