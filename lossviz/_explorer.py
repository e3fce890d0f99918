"""The explorer base: controls, one figure, and updates that redraw only what moves.

An explorer builds its figure once (under ``plt.ioff()``, as in ipympl's examples) and
lays it out once. Its figure then has two layers:

* the static layer -- axes, ticks, labels, legends' frames, everything no control
  changes -- drawn once and kept as pixels (``canvas.copy_from_bbox``);
* the moving artists, which a subclass names in :meth:`Explorer._moving_artists`.

A control change updates the moving artists in place (``set_data``, ``set_array``,
``set_text``), restores the static pixels (``restore_region``), draws the moving
artists (``draw_artist``) and pushes the frame: on ipympl ``canvas.blit()`` sends it
as a full PNG; elsewhere (inline backend, Agg under pytest) the frame is encoded as
the PNG of an ``ipywidgets.Image``. The figure is drawn in full only when its size
changes or a control in :attr:`Explorer.layout_controls` (one that rescales an axis)
moves; a control that only moves one axis's ticks redraws that axis over a static layer
cached without it (:meth:`Explorer._relabelled`). ``tests/test_widgets.py`` holds every
fast frame equal to a full redraw. After a frame the figure is marked as not stale:
pyplot's ``post_execute`` hook, which ipykernel runs after every widget message, would
otherwise ask ipympl's front end for a second, full draw.

Matplotlib draws the children of an axes sorted by z-order, so a moving artist must be
drawn again with every artist above it in the same axes (a legend over a line, the
spines over a bar), and a later axes overlapping it (``twinx``) with it: those are
hidden from the static layer and redrawn too (:func:`redraw_order`). Putting a moving
artist above the ticks' z-order (1.5, see ``plots.ABOVE_TICKS``) keeps the costly tick
labels in the static layer.

On ipympl every pushed frame is a full frame, never a diff against the previous one:
the front end may drop a frame that a newer one overtakes, and a diff over a dropped
frame would leave stale pixels on the page (see :meth:`Explorer._render`).

Text is what an update pays for most: Agg lays out and rasterises every glyph of a moving
text on each draw. So the numbers that are a readout rather than part of the picture
(precision and recall, fitted slopes, a splitter's warnings) are shown in an
``ipywidgets.HTML`` readout under the controls (:meth:`Explorer._readout`, computed from
``results``), which the browser renders; the figure keeps fixed titles in its static
layer. :meth:`Explorer.static_figure` puts the readout in the figure's suptitle.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

import ipywidgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lossviz._layers import _Layers, png_bytes, redraw_order
from lossviz._validation import check_integer, check_interval, fail
from lossviz.session import read_seed

__all__ = ["Explorer", "png_bytes", "redraw_order", "registered_explorers"]

# {name: explorer class}, in the order the classes were defined; filled by
# Explorer.__init_subclass__ from each subclass's ``name``.
_REGISTRY: dict[str, type[Explorer]] = {}
#: The output type under which a displayed explorer names itself for the static site.
EXPLORER_MIME = "application/vnd.lossviz.explorer+json"


def registered_explorers() -> list[type[Explorer]]:
    """Every explorer class that sets ``name``, in the order they were defined.

    :func:`lossviz.widgets.explorers` builds its factories from this list.
    """
    return list(_REGISTRY.values())


def _uses_widget_backend() -> bool:
    """True when matplotlib's backend is ipympl (``%matplotlib widget`` / ``ipympl``)."""
    backend = str(matplotlib.get_backend()).lower()
    return "ipympl" in backend or backend in {"widget", "ipympl"}


def _new_figure(figsize: tuple[float, float]) -> Figure:
    if _uses_widget_backend():
        # Under ioff pyplot neither shows the figure on creation nor at the end of the
        # cell: only the explorer's widget displays it, once.
        with plt.ioff():
            figure = plt.figure(figsize=figsize, layout="constrained")
        figure.canvas.header_visible = False
        figure.canvas.footer_visible = False
        figure.canvas.resizable = False
        # A draw() before the front end has set up the canvas (Run All does that) would
        # otherwise hand the browser a broken image: matplotlib/ipympl#472.
        figure.canvas.syncing_data_url = False
        # pyplot's callback asks for a full draw_idle on every artist change while
        # interactive mode is on; the explorer pushes its own frames.
        figure.stale_callback = None
        return figure
    # Outside pyplot: the figure is not registered with any backend, so the inline
    # backend does not print it a second time and it is freed with the explorer.
    figure = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


class Explorer:
    """Base of every explorer: controls, one figure, and updates in place.

    A subclass defines :meth:`_make_controls` ({parameter name: ipywidgets control}),
    :meth:`_build` (make axes and artists on ``self.figure``), :meth:`_update` (change
    those artists for ``self.params``) and :meth:`_moving_artists` (the artists
    ``_update`` may change when a control outside :attr:`layout_controls` moves); and,
    for a control that also moves an axis's ticks, :meth:`_relabelled`. The base wires
    the controls with ``observe``, validates :meth:`set`, redraws after each change and
    displays itself.

    Setting the class attribute ``name`` registers the subclass where it is defined
    (:meth:`__init_subclass__`, read by :func:`registered_explorers`):
    :func:`lossviz.widgets.explorers` then lists it as ``<name>_explorer``, and
    ``lossviz.widgets.<name>_explorer`` builds one. The tests and the benchmark take
    every explorer from there; a subclass without a ``name`` of its own is not listed.

    Args:
        seed: seed of the explorer's data (a non-negative integer). By default the
            session's seed, ``LOSSVIZ_SEED`` (what ``lossviz.setup()`` reads), so a
            notebook's explorers follow the notebook's seed. Explorers without random
            data (loss curves of fixed inputs) keep it and ignore it.
        **initial: initial control values, checked as in :meth:`set`.

    Attributes:
        seed: the data seed in use.
        figure: the matplotlib Figure (built once).
        controls: {parameter name: ipywidgets control}, in display order.
        readout: an ``ipywidgets.HTML`` under the controls with the numbers of
            :meth:`_readout` (hidden when there are none), updated with the figure.
        widget: the container to display (controls, readout, figure).
        layout_controls: controls that rescale an axis or move ticks; moving one
            redraws the whole figure (the benchmark lists them).
        control_context: for tests and notebooks, the other parameter values under
            which a control has a visible effect (e.g. focal ``alpha`` only matters with
            ``apply_class_balancing=True``).
        seed_context: for tests, None when the explorer has no random data (its
            figure ignores the seed), else the parameter values under which the seed
            changes the figure ({} when it always does).
        static_grid: how the static site shows it live with no kernel (a
            :class:`lossviz.widgets._static.StaticGrid`: the positions precomputed);
            None for no static version, which a test refuses for a registered explorer.

    Example:
        >>> class SlopeExplorer(Explorer):
        ...     def _make_controls(self):
        ...         return {"slope": ipywidgets.FloatSlider(value=1.0, min=-2.0, max=2.0)}
        ...     def _build(self, figure):
        ...         (self.line,) = figure.subplots().plot([0, 1], [0, 1])
        ...         self.line.axes.set_ylim(-2, 2)
        ...     def _update(self, params):
        ...         self.line.set_ydata([0, params["slope"]])
        ...     def _moving_artists(self):
        ...         return [self.line]
        >>> explorer = SlopeExplorer()
        >>> explorer.set(slope=-1.5)
        >>> explorer.line.get_ydata()[1], explorer.params
        (-1.5, {'slope': -1.5})
        >>> explorer.set(slope=3.0)
        Traceback (most recent call last):
        ...
        ValueError: Invalid value for argument `slope`. Expected a number in [-2, 2]. Received: slope=3.0.

    Taught in: notebooks/00_start_here.ipynb
    """

    name: ClassVar[str | None] = None
    figsize: ClassVar[tuple[float, float]] = (9.0, 3.6)
    layout_controls: ClassVar[frozenset[str]] = frozenset()
    control_context: ClassVar[dict[str, dict[str, Any]]] = {}
    seed_context: ClassVar[dict[str, Any] | None] = None
    static_grid: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # The name on the definition registers it, as Keras's register_keras_serializable
        # does: no list elsewhere to keep in step.
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if name is None:
            return
        if not (isinstance(name, str) and name.isidentifier()):
            fail("name", "an identifier (the factory is `<name>_explorer`)", name)
        known = _REGISTRY.get(name)
        if known is not None and ((known.__module__, known.__qualname__) != (cls.__module__, cls.__qualname__)):
            raise ValueError(
                f"Explorer name {name!r} of {cls.__module__}.{cls.__qualname__} "
                f"is taken by {known.__module__}.{known.__qualname__}."
            )
        _REGISTRY[name] = cls  # a module imported again replaces its own classes

    def __init__(self, *, seed: int | None = None, **initial: Any) -> None:
        self._init_controls(seed, initial)
        self.figure = _new_figure(self.figsize)
        self._live_canvas = isinstance(self.figure.canvas, ipywidgets.DOMWidget)
        self._held = 0
        self._stale = False  # outside .set(): a scheduled redraw is pending
        self._changed: set[str] = set()
        self._build(self.figure)
        self._update(self.params)
        self.readout = ipywidgets.HTML(layout=ipywidgets.Layout(display="none"))
        self._show_readout()
        # Lay the figure out once, then freeze it: the static layer stays valid, and
        # constrained layout on every redraw would cost more than the whole update.
        self.figure.draw_without_rendering()
        self.figure.set_layout_engine("none")
        self._layers = _Layers(self.figure)
        # Without a widget canvas the figure reaches the page as a PNG, re-encoded on
        # every change (the benchmark switches this off to time the draw alone).
        self._png_mirror = not self._live_canvas
        self._image = None if self._live_canvas else ipywidgets.Image(format="png")
        # Render now but push nothing: ipympl's front end asks for its first frame.
        self._render(full=True, push=not self._live_canvas)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        controls_box = ipywidgets.HBox(list(self.controls.values()), layout=ipywidgets.Layout(flex_flow="row wrap"))
        view = self.figure.canvas if self._live_canvas else self._image
        self.widget = ipywidgets.VBox([controls_box, self.readout, view])

    def _init_controls(self, seed: int | None, initial: Mapping[str, Any]) -> None:
        self.seed = read_seed() if seed is None else check_integer(seed, "seed", minimum=0, maximum=2**32 - 1)
        self.controls: dict[str, ipywidgets.ValueWidget] = self._make_controls()
        self._control_names = {id(control): name for name, control in self.controls.items()}
        # Initial values are validated like .set, but applied before anything observes.
        for name, value in self._validated(initial).items():
            self.controls[name].value = value
        self._results: dict[str, Any] = {}

    @classmethod
    def static_figure(cls, *, seed: int | None = None, **params: Any) -> Figure:
        """A new stand-alone figure for these values: no controls, never updated.

        This is what rebuilding on every change (``ipywidgets.interact`` with inline
        plots) does for each slider step. Also handy for a static document: the
        readout's lines (:meth:`_readout`) are the figure's suptitle.

        Raises:
            ValueError: for an unknown parameter, a value out of range or a bad seed.
        """
        snapshot = cls._headless(seed, params)
        lines = snapshot._readout()
        if lines:
            snapshot.figure.suptitle("\n".join(lines), fontsize="medium")
        return snapshot.figure

    @classmethod
    def _headless(cls, seed: int | None, params: dict[str, Any]) -> Explorer:
        """An explorer with its figure drawn for ``params`` on Agg and no widgets:
        ``_update`` alone, as :meth:`static_figure` and the site's export need it."""
        snapshot = cls.__new__(cls)
        snapshot._init_controls(seed, params)
        snapshot.figure = Figure(figsize=cls.figsize, layout="constrained")
        FigureCanvasAgg(snapshot.figure)
        snapshot._build(snapshot.figure)
        snapshot._update(snapshot.params)
        return snapshot

    # -- to implement -----------------------------------------------------------------

    def _make_controls(self) -> dict[str, ipywidgets.ValueWidget]:
        raise NotImplementedError

    def _build(self, figure: Figure) -> None:
        raise NotImplementedError

    def _update(self, params: dict[str, Any]) -> None:
        raise NotImplementedError

    def _moving_artists(self) -> list[Artist]:
        """Artists a control outside ``layout_controls`` may change (direct children
        of an axes or of the figure; an axes may move as a whole)."""
        raise NotImplementedError

    def _relabelled(self, changed: set[str]) -> list[Artist]:
        """Artists that the ``changed`` controls change besides the moving ones, such as
        an axis (``ax.yaxis``) whose ticks or limits a control moves (none by default).
        They are redrawn over a static layer cached without them, instead of the whole
        figure as for :attr:`layout_controls`; they must not overlap an axes that stays
        static."""
        return []

    def _readout(self) -> list[str]:
        """Lines of plain text for the readout under the controls, from ``self.results``
        and ``self.params`` (none by default). The browser renders them, so they cost
        the figure nothing; a number that is part of the picture stays in the figure."""
        return []

    # -- public API -------------------------------------------------------------------

    @property
    def params(self) -> dict[str, Any]:
        """Current value of every control, {parameter name: value}."""
        return {name: control.value for name, control in self.controls.items()}

    @property
    def results(self) -> dict[str, Any]:
        """The numbers the figure currently shows (fits, rates, AUC ...), for assertions."""
        return dict(self._results)

    def set(self, **params: Any) -> None:
        """Move controls from code, exactly as if the user had moved them.

        Values are checked first (all or nothing); then each control's value is set,
        so its observers fire synchronously, and the figure is redrawn once.

        Raises:
            ValueError: for an unknown parameter name, or a value outside the control's
                range / options (never clamped silently); nothing changes then.
        """
        values = self._validated(params)
        with self._hold():
            for name, value in values.items():
                self.controls[name].value = value

    def close(self) -> None:
        """Close the controls, the figure and its widget (frees them in a long session)."""
        self._stale = False  # a redraw already scheduled by a drag then does nothing
        for control in self.controls.values():
            control.unobserve(self._on_change, names="value")
            control.close()
        self.readout.close()
        if self._live_canvas:
            plt.close(self.figure)
        self.widget.close()

    def _repr_mimebundle_(self, **kwargs: Any):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        # What the static site needs to show this explorer live (docs/build_site.py);
        # front ends ignore a type they do not know.
        bundle[EXPLORER_MIME] = {"name": self.name, "seed": self.seed, "params": _jsonable(self.params)}
        return bundle

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        return f"{type(self).__name__}({values})"

    # -- machinery --------------------------------------------------------------------

    def _validated(self, params: Mapping[str, Any]) -> dict[str, Any]:
        values = {}
        for name, value in params.items():
            if name not in self.controls:
                expected = ", ".join(repr(known) for known in self.controls)
                raise ValueError(
                    f"Unknown parameter `{name}` for {type(self).__name__}. "
                    f"Expected one of {{{expected}}}. Received: {name}={value!r}."
                )
            values[name] = _checked_value(self.controls[name], name, value)
        return values

    @contextmanager
    def _hold(self) -> Iterator[None]:
        """Defer redrawing until the block ends (several controls, one redraw)."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._stale:
                self._refresh()

    def _on_change(self, change: Mapping[str, Any]) -> None:
        self._changed.add(self._control_names[id(change["owner"])])
        already_pending, self._stale = self._stale, True
        if self._held:
            return  # .set() redraws once when it is done
        loop = _running_loop() if self._live_canvas else None
        if loop is None:
            self._refresh()
        elif not already_pending:
            # A value from the browser, handled inside the kernel's event loop. Dragging
            # sends a burst of values, and drawing each one would queue frames behind
            # the mouse; the callback runs once the kernel is free and draws the latest.
            loop.call_soon(self._scheduled_refresh)

    def _scheduled_refresh(self) -> None:
        if self._stale:  # else .set() or close() came first
            self._refresh()

    def _refresh(self) -> None:
        changed, self._changed, self._stale = self._changed, set(), False
        self._update(self.params)
        self._show_readout()
        full = bool(changed & self.layout_controls)
        self._render(full=full, extra=() if full else self._relabelled(changed))

    def _show_readout(self) -> None:
        lines = self._readout()
        value = "<br>".join(html.escape(line, quote=False) for line in lines)
        if value != self.readout.value:  # an unchanged value sends nothing
            self.readout.value = value
            self.readout.layout.display = None if lines else "none"

    def _render(self, *, full: bool, push: bool = True, extra: Sequence[Artist] = ()) -> None:
        self._layers.draw([*self._moving_artists(), *extra], full=full)
        # The pixels are current, so the figure is not stale. Left stale (drawing single
        # artists does not clear the figure's flag), pyplot's post_execute hook, which
        # ipykernel also runs after every widget message, would find it stale in
        # interactive mode (%matplotlib widget) and call draw_idle: the browser would then
        # ask for a full canvas.draw() and a second frame after every slider step.
        self.figure.stale = False
        if not push:
            return
        if not self._png_mirror:
            if self._live_canvas:
                # A full frame, not the changed pixels: ipympl's front end shows a frame
                # only once its PNG has loaded, and a newer frame arriving first replaces
                # it unseen. A diff frame drawn over a dropped one leaves stale pixels until
                # the next full frame (matplotlib#19116, "Stale information drawn by
                # nbAgg"; key frames as suggested in matplotlib#19059; fast drags under
                # load froze figures in our browser test). A full frame is self-contained,
                # so a dropped one is simply superseded. _force_full is the flag
                # matplotlib's own resize and refresh handlers set.
                self.figure.canvas._force_full = True
                self.figure.canvas.blit(self.figure.bbox)
            return
        # The pixels just drawn (print_png would draw again).
        self._image.value = png_bytes(np.asarray(self.figure.canvas.buffer_rgba()))


def _jsonable(params: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value.item() if isinstance(value, np.generic) else value for name, value in params.items()}


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop running this call (the kernel's, for a comm message), else None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _checked_value(control: ipywidgets.ValueWidget, name: str, value: Any) -> Any:
    """Check ``value`` against the control's type, range or options; never clamp."""
    if isinstance(control, ipywidgets.Checkbox | ipywidgets.ToggleButton):
        if not isinstance(value, bool | np.bool_):
            fail(name, "True or False", value)
        return bool(value)
    if isinstance(
        control, ipywidgets.Dropdown | ipywidgets.ToggleButtons | ipywidgets.RadioButtons | ipywidgets.SelectionSlider
    ):
        options = option_values(control)
        if value not in options:
            fail(name, f"one of {{{', '.join(repr(option) for option in options)}}}", value)
        return value
    if isinstance(control, ipywidgets.IntSlider | ipywidgets.BoundedIntText):
        return check_integer(value, name, minimum=control.min, maximum=control.max)
    if isinstance(control, ipywidgets.FloatLogSlider):
        return check_interval(value, name, control.base**control.min, control.base**control.max)
    if isinstance(control, ipywidgets.FloatSlider | ipywidgets.BoundedFloatText):
        if isinstance(value, bool):
            fail(name, f"a number in [{control.min:g}, {control.max:g}]", value)
        return check_interval(value, name, control.min, control.max)
    raise TypeError(f"Explorer cannot validate a {type(control).__name__} control ({name}).")


def option_values(control) -> list:
    """The values of a selection control (options may be values or (label, value) pairs)."""
    return [option[1] if isinstance(option, tuple) else option for option in control.options]
