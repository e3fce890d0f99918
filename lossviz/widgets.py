"""Live explorers: a matplotlib figure plus ipywidgets controls, one call from a notebook.

An explorer builds its figure once (under ``plt.ioff()``, as in ipympl's examples),
then every control change updates the existing artists (``set_data``, ``set_array``,
``set_text``) and asks for a redraw; the figure is never rebuilt. Put an explorer as the
last expression of a cell to show it::

    from lossviz.widgets import regression_loss_explorer
    explorer = regression_loss_explorer()
    explorer                      # sliders + live figure
    explorer.set(loss="huber", delta=0.5)   # moves the sliders from code
    explorer.params               # {'loss': 'huber', 'delta': 0.5, ...}

Backends:
    * ipympl (``%matplotlib widget``; JupyterLab and nbmake): the figure canvas is itself
      a widget, shown below the controls. A slider moved in the browser redraws it at
      once (``canvas.draw()`` pushes the new frame), and a burst of values from one drag
      is drawn once, for the latest value. Changes made from code (``.set``) ask with
      ``draw_idle``, and the front end fetches the frame when it is ready.
    * anything else (inline, Agg under pytest): the figure is drawn on an Agg canvas
      and shown as an ``ipywidgets.Image`` PNG, refreshed on every change. Nothing waits
      for a front end, so explorers work headless.

All explorers are listed by :func:`explorers` (name -> zero-argument factory), and each
factory is importable by name, e.g. ``lossviz.widgets.threshold_explorer``.
"""

from __future__ import annotations

import asyncio
import io
import numbers
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar

import ipywidgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from lossviz import plots
from lossviz._validation import check_interval, fail

__all__ = [
    "Explorer",
    "explorers",
    "regression_loss_explorer",
    "outlier_fit_explorer",
    "crossentropy_explorer",
    "softmax_temperature_explorer",
    "class_weight_explorer",
    "threshold_explorer",
    "roc_pr_explorer",
    "imbalance_explorer",
    "batch_f1_explorer",
    "kfold_explorer",
]


# =========================================================================== base


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
        return figure
    # Outside pyplot: the figure is not registered with any backend, so the inline
    # backend does not print it a second time and it is freed with the explorer.
    figure = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


class Explorer:
    """Base of every explorer: controls, one figure, and updates in place.

    A subclass defines :meth:`_make_controls` ({parameter name: ipywidgets control}),
    :meth:`_build` (make axes and artists on ``self.figure``) and :meth:`_update`
    (change those artists for ``self.params``). The base wires the controls with
    ``observe``, redraws after each change, validates :meth:`set`, and displays itself.

    Attributes:
        figure: the matplotlib Figure (built once).
        controls: {parameter name: ipywidgets control}, in display order.
        widget: the container to display (controls above the figure).
        control_context: for tests and notebooks, the other parameter values under
            which a control has a visible effect (e.g. focal ``alpha`` only matters with
            ``apply_class_balancing=True``).

    Example:
        >>> class SlopeExplorer(Explorer):
        ...     def _make_controls(self):
        ...         return {"slope": ipywidgets.FloatSlider(value=1.0, min=-2.0, max=2.0)}
        ...     def _build(self, figure):
        ...         (self.line,) = figure.subplots().plot([0, 1], [0, 1])
        ...     def _update(self, params):
        ...         self.line.set_ydata([0, params["slope"]])
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

    figsize: ClassVar[tuple[float, float]] = (9.0, 3.6)
    control_context: ClassVar[dict[str, dict[str, Any]]] = {}

    def __init__(self, **initial: Any) -> None:
        self._init_controls(initial)
        self.figure = _new_figure(self.figsize)
        self._live_canvas = isinstance(self.figure.canvas, ipywidgets.DOMWidget)
        self._held = 0
        self._stale = False  # outside .set(): a scheduled redraw is pending
        self._build(self.figure)
        self._update(self.params)
        # Lay the figure out once, then freeze it: constrained layout on every redraw
        # would cost more than drawing the changed artists.
        self.figure.draw_without_rendering()
        self.figure.set_layout_engine("none")
        # Without a widget canvas the figure reaches the page as a PNG, re-encoded on
        # every change (the benchmark switches this off to time the draw alone).
        self._png_mirror = not self._live_canvas
        self._image = None if self._live_canvas else ipywidgets.Image(format="png")
        self._draw()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        controls_box = ipywidgets.HBox(
            list(self.controls.values()), layout=ipywidgets.Layout(flex_flow="row wrap"))
        view = self.figure.canvas if self._live_canvas else self._image
        self.widget = ipywidgets.VBox([controls_box, view])

    def _init_controls(self, initial: Mapping[str, Any]) -> None:
        self.controls: dict[str, ipywidgets.ValueWidget] = self._make_controls()
        # Initial values are validated like .set, but applied before anything observes.
        for name, value in self._validated(initial).items():
            self.controls[name].value = value
        self._results: dict[str, Any] = {}

    @classmethod
    def static_figure(cls, **params: Any) -> Figure:
        """A new stand-alone figure for these values: no controls, never updated.

        This is what rebuilding on every change (``ipywidgets.interact`` with inline
        plots) does for each slider step; the benchmark times it against :meth:`set`.
        Also handy for a static document.

        Raises:
            ValueError: for an unknown parameter or a value out of range.
        """
        snapshot = cls.__new__(cls)
        snapshot._init_controls(params)
        snapshot.figure = Figure(figsize=cls.figsize, layout="constrained")
        FigureCanvasAgg(snapshot.figure)
        snapshot._build(snapshot.figure)
        snapshot._update(snapshot.params)
        return snapshot.figure

    # -- to implement -----------------------------------------------------------------

    def _make_controls(self) -> dict[str, ipywidgets.ValueWidget]:
        raise NotImplementedError

    def _build(self, figure: Figure) -> None:
        raise NotImplementedError

    def _update(self, params: dict[str, Any]) -> None:
        raise NotImplementedError

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
                range / options (never clamped silently).
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
        if self._live_canvas:
            plt.close(self.figure)
        self.widget.close()

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)

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
                    f"Expected one of {{{expected}}}. Received: {name}={value!r}.")
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
            self._refresh(now=True)

    def _refresh(self, *, now: bool = False) -> None:
        self._stale = False
        self._update(self.params)
        self._draw(now=now)

    def _draw(self, *, now: bool = False) -> None:
        if not self._png_mirror:
            if now:  # render and push the frame (no round trip through the front end)
                self.figure.canvas.draw()
            else:
                self.figure.canvas.draw_idle()
            return
        canvas = self.figure.canvas
        canvas.draw()
        # Encode the pixels just drawn (print_png would draw a second time); fast
        # compression because the image is rewritten on every slider step.
        buffer = io.BytesIO()
        PILImage.fromarray(np.asarray(canvas.buffer_rgba())).save(
            buffer, format="png", compress_level=1)
        self._image.value = buffer.getvalue()


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
    if isinstance(control, ipywidgets.Dropdown | ipywidgets.ToggleButtons |
                  ipywidgets.RadioButtons | ipywidgets.SelectionSlider):
        options = _option_values(control)
        if value not in options:
            fail(name, f"one of {{{', '.join(repr(option) for option in options)}}}", value)
        return value
    if isinstance(control, ipywidgets.IntSlider | ipywidgets.BoundedIntText):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            fail(name, f"an integer in [{control.min}, {control.max}]", value)
        check_interval(value, name, control.min, control.max)
        return int(value)
    if isinstance(control, ipywidgets.FloatLogSlider):
        check_interval(value, name, control.base ** control.min, control.base ** control.max)
        return float(value)
    if isinstance(control, ipywidgets.FloatSlider | ipywidgets.BoundedFloatText):
        if isinstance(value, bool):
            fail(name, f"a number in [{control.min:g}, {control.max:g}]", value)
        check_interval(value, name, control.min, control.max)
        return float(value)
    raise TypeError(f"Explorer cannot validate a {type(control).__name__} control ({name}).")


def _option_values(control) -> list:
    """The values of a selection control (options may be values or (label, value) pairs)."""
    return [option[1] if isinstance(option, tuple) else option for option in control.options]


def _float_slider(value: float, low: float, high: float, step: float, description: str,
                  readout_format: str = ".2f") -> ipywidgets.FloatSlider:
    return ipywidgets.FloatSlider(
        value=value, min=low, max=high, step=step, description=description,
        readout_format=readout_format, continuous_update=True,
        style={"description_width": "initial"})


def _int_slider(value: int, low: int, high: int, description: str,
                step: int = 1) -> ipywidgets.IntSlider:
    return ipywidgets.IntSlider(value=value, min=low, max=high, step=step,
                                description=description,
                                style={"description_width": "initial"})


def _dropdown(value: Any, options, description: str) -> ipywidgets.Dropdown:
    return ipywidgets.Dropdown(value=value, options=options, description=description,
                               style={"description_width": "initial"})


def _checkbox(value: bool, description: str) -> ipywidgets.Checkbox:
    return ipywidgets.Checkbox(value=value, description=description, indent=False)


# ======================================================================= registry

_REGISTRY: dict[str, Callable[[], Explorer]] = {}


def _register(factory: Callable[..., Explorer]) -> Callable[..., Explorer]:
    _REGISTRY[factory.__name__] = factory
    return factory


def explorers() -> dict[str, Callable[[], Explorer]]:
    """All explorers, {name: factory}; each factory builds a ready explorer with no argument.

    Returns:
        dict name -> zero-argument callable returning an :class:`Explorer`.

    Example:
        >>> "regression_loss_explorer" in explorers()
        True

    Taught in: notebooks/00_start_here.ipynb
    """
    return dict(_REGISTRY)


# ============================================================== regression losses

REGRESSION_LOSSES = ("mse", "mae", "huber", "log_cosh", "pseudo_huber", "general_robust")


class RegressionLossExplorer(Explorer):
    """Loss and gradient against the residual for the regression losses."""

    figsize = (9.5, 3.6)
    control_context = {"delta": {"loss": "huber"}, "alpha": {"loss": "general_robust"},
                       "scale": {"loss": "general_robust"}}
    residual = np.linspace(-4.0, 4.0, 401)

    def _make_controls(self):
        return {
            "loss": _dropdown("huber", REGRESSION_LOSSES, "loss"),
            "delta": _float_slider(1.0, 0.1, 4.0, 0.1, "delta (huber, pseudo_huber)"),
            "alpha": _float_slider(1.0, -4.0, 2.0, 0.1, "alpha (general_robust)"),
            "scale": _float_slider(1.0, 0.2, 3.0, 0.1, "scale (general_robust)"),
        }

    def _curves(self, params):
        from lossviz import losses

        options = {"huber": {"delta": params["delta"]},
                   "pseudo_huber": {"delta": params["delta"]},
                   "general_robust": {"alpha": params["alpha"], "scale": params["scale"]}}
        loss_curves, gradient_curves = {}, {}
        for name in REGRESSION_LOSSES:
            kwargs = options.get(name, {})
            loss_curves[name] = losses.residual_loss(name, self.residual, **kwargs)
            gradient_curves[name] = losses.residual_gradient(name, self.residual, **kwargs)
        return loss_curves, gradient_curves

    def _build(self, figure):
        axes = figure.subplots(1, 2)
        loss_curves, gradient_curves = self._curves(self.params)
        self.artists = plots.plot_loss_and_gradient(
            self.residual, loss_curves, gradient_curves, axes,
            highlight=self.params["loss"])

    def _update(self, params):
        loss_curves, gradient_curves = self._curves(params)
        self.artists.update(loss_curves, gradient_curves, highlight=params["loss"])
        self.artists.loss.ax.set_title(f"loss: {_call_text(params)}")
        self._results = {"residual": self.residual, "loss": loss_curves[params["loss"]],
                         "gradient": gradient_curves[params["loss"]]}


def _call_text(params) -> str:
    name = params["loss"]
    if name in ("huber", "pseudo_huber"):
        return f"{name}(delta={params['delta']:g})"
    if name == "general_robust":
        return f"general_robust(alpha={params['alpha']:g}, scale={params['scale']:g})"
    return name


@_register
def regression_loss_explorer(**params: Any) -> RegressionLossExplorer:
    """Loss and gradient against the residual y_pred - y_true for regression losses.

    Curves of every loss in ``REGRESSION_LOSSES`` are drawn faintly, the chosen one in
    colour: mse, mae, huber (delta), log_cosh, pseudo_huber (delta) and Barron's
    general_robust (alpha, scale). Values come from ``lossviz.losses.residual_loss`` and
    ``residual_gradient``, the same code as the reference losses.

    Args:
        **params: initial control values: loss (one of REGRESSION_LOSSES, default
            "huber"), delta in [0.1, 4] (1.0), alpha in [-4, 2] (1.0), scale in
            [0.2, 3] (1.0).

    Returns:
        RegressionLossExplorer.

    Raises:
        ValueError: for an unknown parameter or a value out of range.

    Example:
        >>> explorer = regression_loss_explorer()
        >>> explorer.set(loss="huber", delta=2.0)
        >>> explorer.params["delta"]
        2.0

    Taught in: notebooks/01_regression_losses.ipynb
    """
    return RegressionLossExplorer(**params)


# ==================================================================== outlier fit

OUTLIER_FIT_LOSSES = ("mse", "mae", "huber")


def _fit_line(x: np.ndarray, y: np.ndarray, loss: str, iterations: int = 200,
              **loss_kwargs: Any) -> tuple[float, float]:
    """Slope and intercept minimising sum(loss(slope * x + intercept - y)).

    Iteratively reweighted least squares: at a minimum sum psi(r_i) (x_i, 1) = 0 with
    psi = d loss / d r; writing psi(r) = w(r) r turns that into a weighted
    least-squares problem with w = psi(r) / r, solved again with the new weights until
    the line stops moving. psi comes from ``lossviz.losses.residual_gradient``, the
    same code as the reference losses, so the fit minimises exactly that loss.
    """
    from lossviz import losses

    design = np.column_stack([x, np.ones_like(x)])
    coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
    for _ in range(iterations):
        residual = design @ coefficients - y
        # Keep |r| away from 0, where psi(r) / r is 0 / 0 (for MAE 1 / |r| explodes).
        residual = np.copysign(np.maximum(np.abs(residual), 1e-9), residual)
        weights = np.sqrt(losses.residual_gradient(loss, residual, **loss_kwargs) / residual)
        updated = np.linalg.lstsq(design * weights[:, None], y * weights, rcond=None)[0]
        converged = np.allclose(updated, coefficients, rtol=0.0, atol=1e-10)
        coefficients = updated
        if converged:
            break
    return float(coefficients[0]), float(coefficients[1])


class OutlierFitExplorer(Explorer):
    """Straight lines fitted under MSE, MAE and Huber to data with outliers."""

    figsize = (7.5, 4.2)
    control_context = {"outlier_size": {"outlier_fraction": 0.2},
                       "delta": {"outlier_fraction": 0.2}}

    def _make_controls(self):
        return {
            "outlier_fraction": _float_slider(0.1, 0.0, 0.5, 0.02, "outlier fraction"),
            "outlier_size": _float_slider(8.0, 0.0, 30.0, 0.5, "outlier size"),
            "delta": _float_slider(1.0, 0.1, 5.0, 0.1, "huber delta"),
        }

    def _fits(self, params):
        from lossviz.data import regression_with_outliers

        data = regression_with_outliers(outlier_fraction=params["outlier_fraction"],
                                        outlier_size=params["outlier_size"])
        fits = {name: _fit_line(data.x, data.y, name,
                                **({"delta": params["delta"]} if name == "huber" else {}))
                for name in OUTLIER_FIT_LOSSES}
        return data, fits

    def _build(self, figure):
        data, fits = self._fits(self.params)
        self.artists = plots.plot_fitted_lines(data.x, data.y, fits, figure.subplots(),
                                               is_outlier=data.is_outlier)

    def _update(self, params):
        data, fits = self._fits(params)
        self.artists.update(data.x, data.y, fits, is_outlier=data.is_outlier)
        self.artists.ax.set_title(
            f"{int(data.is_outlier.sum())} outliers pushed up by {params['outlier_size']:g}"
            f" (true slope {data.slope:g})")
        self._results = {"fits": fits, "data": data}


@_register
def outlier_fit_explorer(**params: Any) -> OutlierFitExplorer:
    """Outlier fraction and size -> straight lines fitted under MSE, MAE and Huber.

    Data: :func:`lossviz.data.regression_with_outliers` (60 points, outliers in the
    right half pushed up). Each line minimises the summed loss of the residuals, fitted
    in NumPy by iteratively reweighted least squares with the gradients of
    ``lossviz.losses`` (milliseconds, so the explorer follows the slider). Notebook 01
    fits the same data with a one-unit Keras model under each loss and asserts that the
    two fits agree. ``results["fits"]`` holds {loss: (slope, intercept)}.

    Args:
        **params: initial values: outlier_fraction in [0, 0.5] (0.1), outlier_size in
            [0, 30] (8.0), delta (Huber) in [0.1, 5] (1.0).

    Returns:
        OutlierFitExplorer.

    Raises:
        ValueError: for an unknown parameter or a value out of range.

    Example:
        >>> explorer = outlier_fit_explorer(outlier_fraction=0.2, outlier_size=20.0)
        >>> fits = explorer.results["fits"]
        >>> bool(abs(fits["huber"][0] - 1.5) < abs(fits["mse"][0] - 1.5))
        True

    Taught in: notebooks/01_regression_losses.ipynb
    """
    return OutlierFitExplorer(**params)


# ================================================================== crossentropy


class CrossentropyExplorer(Explorer):
    """Binary crossentropy and focal loss against the predicted probability or logit."""

    figsize = (8.0, 4.2)
    control_context = {"alpha": {"apply_class_balancing": True}}
    probability = np.linspace(0.001, 0.999, 400)
    logit = np.linspace(-8.0, 8.0, 400)

    def _make_controls(self):
        return {
            "label_smoothing": _float_slider(0.0, 0.0, 0.5, 0.01, "label_smoothing"),
            "gamma": _float_slider(2.0, 0.0, 5.0, 0.1, "focal gamma"),
            "alpha": _float_slider(0.25, 0.0, 1.0, 0.05, "focal alpha"),
            "apply_class_balancing": _checkbox(False, "apply_class_balancing"),
            "from_logits": _checkbox(False, "from_logits"),
        }

    def _curves(self, params):
        from lossviz import losses

        x = self.logit if params["from_logits"] else self.probability
        y_pred = x[:, None]
        common = {"from_logits": params["from_logits"],
                  "label_smoothing": params["label_smoothing"]}
        focal = {**common, "gamma": params["gamma"], "alpha": params["alpha"],
                 "apply_class_balancing": params["apply_class_balancing"]}
        curves = {}
        for label in (1, 0):
            y_true = np.full_like(y_pred, float(label))
            curves[f"crossentropy, y={label}"] = losses.binary_crossentropy(
                y_true, y_pred, **common)
            curves[f"focal, y={label}"] = losses.binary_focal_crossentropy(
                y_true, y_pred, **focal)
        return x, curves

    def _build(self, figure):
        x, curves = self._curves(self.params)
        ax = figure.subplots()
        self.artists = plots.plot_curve_family(x, curves, ax, ylabel="loss")
        for name, line in self.artists.lines.items():
            line.set_linestyle("-" if name.startswith("crossentropy") else "--")
        ax.legend(loc="upper center", fontsize="small", ncols=2)  # with the new styles
        self.note = ax.text(0.5, 0.45, "", transform=ax.transAxes, ha="center",
                            va="center", fontsize="small", color="dimgray")

    def _update(self, params):
        x, curves = self._curves(params)
        self.artists.update(curves, x=x)
        self.artists.ax.set_xlabel("logit z (p = sigmoid(z))" if params["from_logits"]
                                   else "predicted probability p")
        self.artists.ax.set_title(
            f"binary crossentropy and focal loss (gamma={params['gamma']:g}, "
            f"label_smoothing={params['label_smoothing']:g})")
        self.note.set_text("" if params["apply_class_balancing"] else
                           "alpha is ignored unless apply_class_balancing=True")
        self._results = {"x": x, **curves}


@_register
def crossentropy_explorer(**params: Any) -> CrossentropyExplorer:
    """Binary crossentropy and binary focal crossentropy against the prediction, y=1 and y=0.

    Curves come from ``lossviz.losses.binary_crossentropy`` and
    ``binary_focal_crossentropy`` (Keras 3 semantics): label smoothing lifts the floor
    of both curves; gamma flattens the focal loss where the prediction is already right;
    alpha only acts with ``apply_class_balancing=True`` (the Keras default ignores it);
    ``from_logits=True`` switches the x axis to logits.

    Args:
        **params: initial values: label_smoothing in [0, 0.5] (0.0), gamma in [0, 5]
            (2.0), alpha in [0, 1] (0.25), apply_class_balancing (False),
            from_logits (False).

    Returns:
        CrossentropyExplorer.

    Raises:
        ValueError: for an unknown parameter or a value out of range.

    Example:
        >>> explorer = crossentropy_explorer()
        >>> before = explorer.results["focal, y=1"].copy()
        >>> explorer.set(alpha=0.9)  # ignored: apply_class_balancing is False
        >>> bool((explorer.results["focal, y=1"] == before).all())
        True

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    return CrossentropyExplorer(**params)


# ========================================================== softmax temperature


class SoftmaxTemperatureExplorer(Explorer):
    """Softmax of fixed logits at a temperature, and the resulting crossentropy."""

    figsize = (9.0, 3.8)
    logits = np.array([3.0, 1.5, 0.5, -1.0])
    temperatures = np.linspace(0.1, 5.0, 200)

    def _make_controls(self):
        return {
            "temperature": _float_slider(1.0, 0.1, 5.0, 0.05, "temperature T"),
            "true_class": _dropdown(0, list(range(len(self.logits))), "true class"),
        }

    def _crossentropy(self, true_class: int, temperatures: np.ndarray) -> np.ndarray:
        from lossviz import losses

        one_hot = np.zeros((len(temperatures), len(self.logits)))
        one_hot[:, true_class] = 1.0
        return losses.categorical_crossentropy(
            one_hot, self.logits[None, :] / temperatures[:, None], from_logits=True)

    def _build(self, figure):
        bars_ax, curve_ax = figure.subplots(1, 2, width_ratios=(1, 1.2))
        self.bars = plots.plot_probability_bars(
            np.full(len(self.logits), 1 / len(self.logits)), bars_ax,
            labels=[f"z={logit:g}" for logit in self.logits])
        self.curve = plots.plot_curve_family(
            self.temperatures, {"crossentropy": np.zeros_like(self.temperatures)},
            curve_ax, xlabel="temperature T", ylabel="categorical crossentropy",
            legend=False)
        (self.marker,) = curve_ax.plot([], [], "o", color=plots.TEST_COLOR, markersize=9,
                                       markeredgecolor="black", zorder=4)

    def _update(self, params):
        from scipy.special import softmax

        temperature, true_class = params["temperature"], params["true_class"]
        probabilities = softmax(self.logits / temperature)
        crossentropy = float(self._crossentropy(true_class, np.array([temperature]))[0])
        # The loss shown must be the loss of the bars shown: -log p[true class].
        if not np.isclose(crossentropy, -np.log(probabilities[true_class]), rtol=1e-9):
            raise AssertionError(
                f"categorical_crossentropy {crossentropy} != -log p = "
                f"{-np.log(probabilities[true_class])}")
        self.bars.update(probabilities, highlight=true_class)
        self.bars.ax.set_title(f"softmax(z / T), T = {temperature:g}")
        self.curve.update({"crossentropy": self._crossentropy(true_class, self.temperatures)})
        self.curve.ax.set_ylim(bottom=0.0)
        self.marker.set_data([temperature], [crossentropy])
        self.curve.ax.set_title(f"crossentropy (true class {true_class}) = {crossentropy:.3f}")
        self._results = {"probabilities": probabilities, "crossentropy": crossentropy}


@_register
def softmax_temperature_explorer(**params: Any) -> SoftmaxTemperatureExplorer:
    """Temperature T -> softmax(z / T) of fixed logits, and the categorical crossentropy.

    Small T sharpens the distribution towards the largest logit (the loss of a wrong
    true class explodes), large T flattens it towards uniform (every loss tends to
    log C). The crossentropy comes from ``lossviz.losses.categorical_crossentropy``
    (``from_logits=True``) and is checked on every change against -log of the bar of
    the true class. ``results`` holds the probabilities and the crossentropy.

    Args:
        **params: initial values: temperature in [0.1, 5] (1.0), true_class in
            {0, 1, 2, 3} (0).

    Returns:
        SoftmaxTemperatureExplorer.

    Raises:
        ValueError: for an unknown parameter or a value out of range.

    Example:
        >>> explorer = softmax_temperature_explorer(temperature=5.0)
        >>> round(float(explorer.results["probabilities"].sum()), 12)
        1.0

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    return SoftmaxTemperatureExplorer(**params)


# =================================================================== class weight


class ClassWeightExplorer(Explorer):
    """Minority class weight -> boundary, confusion matrix and recall of a logistic model."""

    figsize = (9.0, 4.0)

    def _make_controls(self):
        return {"class_weight": _float_slider(1.0, 1.0, 30.0, 0.5,
                                              "weight of class 1 (minority)")}

    def _build(self, figure):
        from lossviz.data import imbalanced_binary

        self.X, self.y = imbalanced_binary(n=400, positive_fraction=0.1, separation=2.0)
        boundary_ax, matrix_ax = figure.subplots(1, 2, width_ratios=(1.3, 1))
        model = self._fit(self.params["class_weight"])
        self.boundary = plots.plot_linear_boundary(self.X, self.y, model.coef_[0],
                                                   model.intercept_[0], boundary_ax)
        self.matrix = plots.plot_confusion_matrix(np.zeros((2, 2), int), matrix_ax)

    def _fit(self, class_weight: float):
        from sklearn.linear_model import LogisticRegression

        # newton-cholesky: exact for few features, and far quicker here than lbfgs.
        return LogisticRegression(class_weight={0: 1.0, 1: class_weight},
                                  solver="newton-cholesky").fit(self.X, self.y)

    def _update(self, params):
        from lossviz import metrics

        model = self._fit(params["class_weight"])
        y_pred = model.predict(self.X)
        matrix = metrics.confusion_matrix(self.y, y_pred, labels=[0, 1])
        recall = metrics.recall_score(self.y, y_pred, zero_division=0.0)
        precision = metrics.precision_score(self.y, y_pred, zero_division=0.0)
        self.boundary.update(model.coef_[0], model.intercept_[0],
                             label=f"boundary, class_weight={{1: {params['class_weight']:g}}}")
        self.matrix.update(matrix, title=f"recall {recall:.2f}, precision {precision:.2f}")
        self._results = {"coef": model.coef_[0].copy(), "intercept": float(model.intercept_[0]),
                         "confusion_matrix": matrix, "recall": recall, "precision": precision}


@_register
def class_weight_explorer(**params: Any) -> ClassWeightExplorer:
    """Weight of the minority class -> decision boundary, confusion matrix and recall.

    A logistic regression (scikit-learn, ``class_weight={0: 1, 1: w}``) is fitted to
    :func:`lossviz.data.imbalanced_binary` (400 samples, 10 % positives). Raising w
    multiplies the loss of every positive sample, as Keras's ``fit(class_weight=...)``
    does: the boundary moves into the majority class, recall rises and precision falls.
    Counts and rates come from ``lossviz.metrics`` on the training data.

    Args:
        **params: initial values: class_weight in [1, 30] (1.0).

    Returns:
        ClassWeightExplorer.

    Raises:
        ValueError: for an unknown parameter or a value out of range.

    Example:
        >>> explorer = class_weight_explorer()
        >>> recall_unweighted = explorer.results["recall"]
        >>> explorer.set(class_weight=9.0)
        >>> bool(explorer.results["recall"] > recall_unweighted)
        True

    Taught in: notebooks/04_weighting.ipynb
    """
    return ClassWeightExplorer(**params)


# ================================================================ thresholds


def _threshold_scores(y_true, y_score, threshold: float) -> dict[str, Any]:
    """Confusion matrix and rates when ``y_score > threshold`` is predicted positive.

    Strictly greater, as Keras's Precision / Recall with ``thresholds=`` decide. With
    no predicted positive, precision is reported as 1.0 (scikit-learn's convention at
    the end of a PR curve), so the operating point stays on the curve.
    """
    from lossviz import metrics

    y_pred = (y_score > threshold).astype(np.int64)
    matrix = metrics.confusion_matrix(y_true, y_pred, labels=[0, 1])
    return {
        "confusion_matrix": matrix,
        "precision": float(metrics.precision_score(y_true, y_pred, zero_division=1.0)),
        "recall": float(metrics.recall_score(y_true, y_pred, zero_division=0.0)),
        "f1": float(metrics.f1_score(y_true, y_pred, zero_division=0.0)),
        "false_positive_rate": float(metrics.false_positive_rate(y_true, y_pred,
                                                                 zero_division=0.0)),
    }


def _threshold_slider() -> ipywidgets.FloatSlider:
    return _float_slider(0.5, 0.0, 1.0, 0.01, "threshold")


class ThresholdExplorer(Explorer):
    """A decision threshold on fixed scores -> confusion matrix, precision, recall, F1."""

    figsize = (9.0, 3.8)

    def _make_controls(self):
        return {"threshold": _threshold_slider()}

    def _build(self, figure):
        from lossviz.data import scored_binary

        self.y_true, self.y_score = scored_binary(n=400, positive_fraction=0.3)
        histogram_ax, matrix_ax = figure.subplots(1, 2, width_ratios=(1.4, 1))
        self.histograms = plots.plot_score_histograms(self.y_true, self.y_score,
                                                      histogram_ax, threshold=0.5)
        self.matrix = plots.plot_confusion_matrix(np.zeros((2, 2), int), matrix_ax)

    def _update(self, params):
        scores = _threshold_scores(self.y_true, self.y_score, params["threshold"])
        self.histograms.update(threshold=params["threshold"])
        self.histograms.ax.set_title(
            f"precision {scores['precision']:.2f} · recall {scores['recall']:.2f} · "
            f"F1 {scores['f1']:.2f}")
        self.matrix.update(scores["confusion_matrix"],
                           title=f"predicted positive: score > {params['threshold']:.2f}")
        self._results = scores


@_register
def threshold_explorer(**params: Any) -> ThresholdExplorer:
    """Threshold -> confusion matrix, precision, recall and F1 on a fixed scored data set.

    Scores: :func:`lossviz.data.scored_binary` (400 samples, 30 % positives). A sample is
    predicted positive when its score is strictly greater than the threshold (Keras's
    rule); metrics come from ``lossviz.metrics``. ``results`` holds the confusion
    matrix, precision, recall, F1 and false positive rate.

    Args:
        **params: initial values: threshold in [0, 1] (0.5).

    Returns:
        ThresholdExplorer.

    Raises:
        ValueError: for an unknown parameter or a value out of range.

    Example:
        >>> explorer = threshold_explorer(threshold=0.2)
        >>> high_recall = explorer.results["recall"]
        >>> explorer.set(threshold=0.8)
        >>> bool(explorer.results["recall"] < high_recall)
        True

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    return ThresholdExplorer(**params)


class RocPrExplorer(Explorer):
    """A threshold moving one operating point on linked ROC and PR curves."""

    figsize = (11.0, 3.8)

    def _make_controls(self):
        return {"threshold": _threshold_slider()}

    def _build(self, figure):
        from lossviz import metrics
        from lossviz.data import scored_binary

        self.y_true, self.y_score = scored_binary(n=400, positive_fraction=0.3)
        roc_ax, pr_ax, matrix_ax = figure.subplots(1, 3)
        fpr, tpr, _ = metrics.roc_curve(self.y_true, self.y_score)
        precision, recall, _ = metrics.precision_recall_curve(self.y_true, self.y_score)
        auc = metrics.roc_auc_score(self.y_true, self.y_score)
        average_precision = metrics.average_precision_score(self.y_true, self.y_score)
        self.roc = plots.plot_roc_curve(fpr, tpr, roc_ax, title=f"ROC (AUC {auc:.3f})")
        self.pr = plots.plot_pr_curve(recall, precision, pr_ax,
                                      baseline=float(np.mean(self.y_true)),
                                      title=f"PR (AP {average_precision:.3f})")
        self.matrix = plots.plot_confusion_matrix(np.zeros((2, 2), int), matrix_ax)

    def _update(self, params):
        scores = _threshold_scores(self.y_true, self.y_score, params["threshold"])
        self.roc.update(operating_point=(scores["false_positive_rate"], scores["recall"]))
        self.pr.update(operating_point=(scores["recall"], scores["precision"]))
        self.matrix.update(scores["confusion_matrix"],
                           title=f"score > {params['threshold']:.2f}: "
                                 f"P {scores['precision']:.2f}, R {scores['recall']:.2f}")
        self._results = scores


@_register
def roc_pr_explorer(**params: Any) -> RocPrExplorer:
    """Threshold -> the operating point on linked ROC and PR curves, and the confusion matrix.

    The curves (``lossviz.metrics.roc_curve``, ``precision_recall_curve``) trace every
    threshold at once; the dot is the one threshold the slider picks (positive when the
    score is strictly greater), so the same (FPR, recall, precision) appear in all three
    panels. Data as in :func:`threshold_explorer`.

    Args:
        **params: initial values: threshold in [0, 1] (0.5).

    Returns:
        RocPrExplorer.

    Raises:
        ValueError: for an unknown parameter or a value out of range.

    Example:
        >>> explorer = roc_pr_explorer(threshold=0.3)
        >>> point = explorer.roc.point.get_xydata()[0]
        >>> bool(point[1] == explorer.results["recall"])
        True

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    return RocPrExplorer(**params)


class ImbalanceExplorer(Explorer):
    """Class imbalance and separation -> ROC and PR curves side by side."""

    figsize = (8.0, 4.0)
    n_samples = 2000

    def _make_controls(self):
        return {
            "positive_fraction": _float_slider(0.3, 0.01, 0.5, 0.01, "positive fraction"),
            "separation": _float_slider(1.5, 0.0, 4.0, 0.1, "class separation"),
        }

    def _build(self, figure):
        roc_ax, pr_ax = figure.subplots(1, 2)
        self.roc = plots.plot_roc_curve([0, 1], [0, 1], roc_ax)
        self.pr = plots.plot_pr_curve([1, 0], [0, 1], pr_ax, baseline=0.0)

    def _update(self, params):
        from lossviz import metrics
        from lossviz.data import scored_binary

        y_true, y_score = scored_binary(n=self.n_samples,
                                        positive_fraction=params["positive_fraction"],
                                        separation=params["separation"])
        fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
        precision, recall, _ = metrics.precision_recall_curve(y_true, y_score)
        auc = float(metrics.roc_auc_score(y_true, y_score))
        average_precision = float(metrics.average_precision_score(y_true, y_score))
        self.roc.update(fpr, tpr, title=f"ROC: AUC {auc:.3f}")
        self.pr.update(recall, precision, reference=float(np.mean(y_true)),
                       title=f"PR: AP {average_precision:.3f}")
        self._results = {"roc_auc": auc, "average_precision": average_precision,
                         "positive_fraction": float(np.mean(y_true))}


@_register
def imbalance_explorer(**params: Any) -> ImbalanceExplorer:
    """Positive fraction and class separation -> ROC curve (AUC) against PR curve (AP).

    Scores from :func:`lossviz.data.scored_binary` (2000 samples): making positives rare
    leaves the ROC curve and its AUC almost unchanged (both its rates are per class)
    while the PR curve and average precision drop with the baseline precision, the
    positive fraction. ``results`` holds roc_auc, average_precision, positive_fraction.

    Args:
        **params: initial values: positive_fraction in [0.01, 0.5] (0.3), separation
            in [0, 4] (1.5).

    Returns:
        ImbalanceExplorer.

    Raises:
        ValueError: for an unknown parameter or a value out of range.

    Example:
        >>> explorer = imbalance_explorer(positive_fraction=0.5)
        >>> balanced = explorer.results
        >>> explorer.set(positive_fraction=0.02)
        >>> bool(explorer.results["average_precision"] < balanced["average_precision"] - 0.2)
        True

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    return ImbalanceExplorer(**params)


# ====================================================================== batch F1


class BatchF1Explorer(Explorer):
    """Batch size -> per-batch F1, their mean, and the F1 of the whole epoch."""

    figsize = (9.0, 3.8)

    def _make_controls(self):
        return {"batch_size": _int_slider(32, 4, 256, "batch size")}

    def _build(self, figure):
        from lossviz.data import scored_binary

        y_true, y_score = scored_binary(n=1000, positive_fraction=0.1, separation=2.0)
        self.y_true = y_true
        self.y_pred = (y_score > 0.5).astype(np.int64)
        self.bars = plots.plot_batch_metric([0.0], figure.subplots())

    def _update(self, params):
        from lossviz import metrics

        batch_size = params["batch_size"]
        # zero_division=0: a batch without positives scores 0, as the K.epsilon recipe does.
        batch_mean, batch_values = metrics.batch_averaged(
            lambda y_true, y_pred: metrics.f1_score(y_true, y_pred, zero_division=0.0),
            self.y_true, self.y_pred, batch_size, return_per_batch=True)
        epoch_f1 = float(metrics.f1_score(self.y_true, self.y_pred))
        self.bars.update(batch_values, epoch_value=epoch_f1, mean_value=batch_mean)
        starts = range(0, len(self.y_true), batch_size)
        empty = sum(not self.y_true[start:start + batch_size].any() for start in starts)
        self.bars.ax.set_title(
            f"batch size {batch_size}: {len(batch_values)} batches, {empty} without a "
            f"positive; mean of batch F1 {batch_mean:.3f} vs epoch F1 {epoch_f1:.3f}")
        self._results = {"batch_values": batch_values, "batch_mean": batch_mean,
                         "epoch_f1": epoch_f1, "batches_without_positive": int(empty)}


@_register
def batch_f1_explorer(**params: Any) -> BatchF1Explorer:
    """Batch size -> F1 per batch, their mean (a batch-wise metric) and the epoch F1.

    Predictions: scores of :func:`lossviz.data.scored_binary` (1000 samples, 10 %
    positives) thresholded at 0.5. A metric written as a function of one batch, as in
    many Keras 2 blog posts, reports the mean of the bars; the right value is F1 on all
    samples (what a stateful ``keras.metrics.Metric`` accumulates). Small batches widen
    the gap, and batches with no positive score 0. Values come from
    ``lossviz.metrics.batch_averaged`` and ``f1_score``. ``results`` holds batch_values,
    batch_mean, epoch_f1 and batches_without_positive.

    Args:
        **params: initial values: batch_size in [4, 256] (32).

    Returns:
        BatchF1Explorer.

    Raises:
        ValueError: for an unknown parameter or a value out of range.

    Example:
        >>> explorer = batch_f1_explorer(batch_size=8)
        >>> gap = explorer.results["epoch_f1"] - explorer.results["batch_mean"]
        >>> bool(gap > 0.1), explorer.results["batches_without_positive"] > 0
        (True, True)

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    return BatchF1Explorer(**params)


# ========================================================================= k-fold

SPLITTERS = ("KFold", "StratifiedKFold", "GroupKFold", "TimeSeriesSplit")


class KFoldExplorer(Explorer):
    """k, splitter, shuffling and imbalance -> which samples each fold tests on."""

    figsize = (9.0, 4.2)
    control_context = {"shuffle": {"splitter": "KFold"}}
    n_samples = 50
    group_size = 5

    def _make_controls(self):
        return {
            "n_splits": _int_slider(5, 2, 10, "k (n_splits)"),
            "splitter": _dropdown("KFold", SPLITTERS, "splitter"),
            "positive_fraction": _float_slider(0.2, 0.04, 0.5, 0.02, "positive fraction"),
            "shuffle": _checkbox(False, "shuffle"),
        }

    def _data(self, positive_fraction: float):
        # Sorted by class, as many CSV files are: what unshuffled KFold trips over.
        positives = max(1, round(self.n_samples * positive_fraction))
        y = (np.arange(self.n_samples) >= self.n_samples - positives).astype(np.int64)
        groups = np.arange(self.n_samples) // self.group_size
        return np.arange(self.n_samples, dtype=float)[:, None], y, groups

    def _splitter(self, params):
        from sklearn import model_selection

        splitter = getattr(model_selection, params["splitter"])
        if params["splitter"] == "TimeSeriesSplit":
            return splitter(n_splits=params["n_splits"])
        if params["shuffle"]:
            return splitter(n_splits=params["n_splits"], shuffle=True, random_state=0)
        return splitter(n_splits=params["n_splits"])

    def _build(self, figure):
        from sklearn.model_selection import KFold

        X, y, groups = self._data(self.params["positive_fraction"])
        ax = figure.subplots()
        self.diagram = plots.plot_cv_splits(KFold(2), X, y, groups, ax)
        # The splitter's warnings go in a strip kept free below the axes.
        figure.get_layout_engine().set(rect=(0.0, 0.1, 1.0, 0.9))
        self.warning_text = figure.text(0.01, 0.01, "", ha="left", va="bottom",
                                        fontsize="small", color=plots.TEST_COLOR)
        self.warning_text.set_in_layout(False)

    def _update(self, params):
        X, y, groups = self._data(params["positive_fraction"])
        cv = self._splitter(params)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.diagram.update(cv, X, y, groups)
        messages = [str(warning.message) for warning in caught]
        self.warning_text.set_text("\n".join(f"warning: {message}" for message in messages))
        self._results = {
            "splits": self.diagram.splits,
            "test_positives": [int(y[test].sum()) for _, test in self.diagram.splits],
            "warnings": messages,
        }


@_register
def kfold_explorer(**params: Any) -> KFoldExplorer:
    """k, splitter and class imbalance -> the fold diagram of a scikit-learn splitter.

    50 samples sorted by class (positives last) in 10 groups of 5 consecutive samples
    (think: 5 rows per patient). Unshuffled KFold then puts all positives in the last
    folds; StratifiedKFold keeps the class ratio in every fold; GroupKFold never splits
    a group; TimeSeriesSplit always tests on the future. The splitter's warnings (too
    few members of a class for k folds) are shown under the diagram. ``results`` holds
    the splits, the positives in each test fold and the warnings.

    Args:
        **params: initial values: n_splits in [2, 10] (5), splitter in SPLITTERS
            ("KFold"), positive_fraction in [0.04, 0.5] (0.2), shuffle (False; ignored
            by TimeSeriesSplit).

    Returns:
        KFoldExplorer.

    Raises:
        ValueError: for an unknown parameter or a value out of range.

    Example:
        >>> explorer = kfold_explorer(splitter="KFold", n_splits=5)
        >>> explorer.results["test_positives"]
        [0, 0, 0, 0, 10]
        >>> explorer.set(splitter="StratifiedKFold")
        >>> explorer.results["test_positives"]
        [2, 2, 2, 2, 2]

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    return KFoldExplorer(**params)
