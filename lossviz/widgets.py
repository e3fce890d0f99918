"""Live explorers: a matplotlib figure plus ipywidgets controls, one call from a notebook.

Put an explorer as the last expression of a cell to show it::

    from lossviz.widgets import regression_loss_explorer
    explorer = regression_loss_explorer()
    explorer                      # sliders + live figure
    explorer.set(loss="huber", delta=0.5)   # moves the sliders from code
    explorer.params               # {'loss': 'huber', 'delta': 0.5, ...}

Each explorer is a class below, whose docstring describes its controls;
``<name>_explorer(seed=None, **params)`` builds one with those initial values (the data
follow ``seed``, by default the session's ``LOSSVIZ_SEED``), and
:func:`explorers` lists them all (name -> factory). How an update redraws only what
moves, on ipympl (``%matplotlib widget``) and headless (an ``ipywidgets.Image`` PNG), is
in :mod:`lossviz._explorer`.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

import ipywidgets
import numpy as np
import sklearn
from sklearn import model_selection
from sklearn.linear_model import LogisticRegression

from lossviz import losses, metrics, plots
from lossviz._explorer import Explorer, option_values
from lossviz.data import imbalanced_binary, regression_with_outliers, scored_binary

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

_option_values = option_values  # the tests' name for it


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


def _static_legend(legend, labels=None) -> None:
    """Fixed legend texts, drawn under the data: it then stays in the static layer
    (redrawing a legend costs more than the rest of an update); the numbers that
    change go in the explorer's readout."""
    for text, label in zip(legend.get_texts(), labels or [], strict=False):
        text.set_text(label)
    legend.set_zorder(1)


def _static_title(ax, text: str) -> None:
    """A title no control changes. It is drawn before the moving artists (z-order 1: a
    title never overlaps the data), so it stays in the static layer; the numbers that
    change go in the explorer's readout."""
    ax.title.set_text(text)
    ax.title.set_zorder(1)


def _padded(low: float, high: float, margin: float = 0.08) -> tuple[float, float]:
    """Axis limits around [low, high] with a margin (as lossviz.plots fits them)."""
    pad = (high - low) * margin or max(abs(high), 1.0) * margin
    return low - pad, high + pad


# ============================================================== regression losses

REGRESSION_LOSSES = ("mse", "mae", "huber", "log_cosh", "pseudo_huber", "general_robust")


class RegressionLossExplorer(Explorer):
    """Loss and gradient against the residual y_pred - y_true for regression losses.

    Curves of every loss in ``REGRESSION_LOSSES`` are drawn faintly, the chosen one in
    colour: mse, mae, huber (delta), log_cosh, pseudo_huber (delta) and Barron's
    general_robust (alpha, scale). Values come from ``lossviz.losses.residual_loss`` and
    ``residual_gradient``, the same code as the reference losses. Both panels keep the
    MSE curve's range for every loss and parameter, so bounded and unbounded gradients
    compare at a glance (a curve steeper than MSE leaves the top). ``results`` holds
    the residual and the chosen loss's loss and gradient.

    Controls:
        loss: one of REGRESSION_LOSSES ("huber").
        delta: in [0.1, 4] (1.0), for huber and pseudo_huber.
        alpha: in [-4, 2] (1.0), for general_robust.
        scale: in [0.2, 3] (1.0), for general_robust.

    Example:
        >>> explorer = regression_loss_explorer()
        >>> explorer.set(loss="huber", delta=2.0)
        >>> explorer.params["delta"], float(explorer.results["gradient"].max())
        (2.0, 2.0)

    Taught in: notebooks/01_regression_losses.ipynb
    """

    name = "regression_loss"
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
        loss_curves, gradient_curves = self._curves(self.params)
        self.artists = plots.plot_loss_and_gradient(
            self.residual, loss_curves, gradient_curves, figure.subplots(1, 2),
            highlight=self.params["loss"])
        for family, curve in ((self.artists.loss, loss_curves["mse"]),
                              (self.artists.gradient, gradient_curves["mse"])):
            family.ax.set_ylim(*_padded(float(curve.min()), float(curve.max())))
        _static_legend(self.artists.loss.ax.get_legend())

    def _update(self, params):
        loss_curves, gradient_curves = self._curves(params)
        self.artists.update(loss_curves, gradient_curves, highlight=params["loss"],
                            autoscale=False)
        self.artists.loss.ax.title.set_text(f"loss: {_call_text(params)}")
        self._results = {"residual": self.residual, "loss": loss_curves[params["loss"]],
                         "gradient": gradient_curves[params["loss"]]}

    def _moving_artists(self):
        return [*self.artists.loss.lines.values(), *self.artists.gradient.lines.values(),
                self.artists.loss.ax.title]


def _call_text(params) -> str:
    name = params["loss"]
    if name in ("huber", "pseudo_huber"):
        return f"{name}(delta={params['delta']:g})"
    if name == "general_robust":
        return f"general_robust(alpha={params['alpha']:g}, scale={params['scale']:g})"
    return name


# ==================================================================== outlier fit

OUTLIER_FIT_LOSSES = ("mse", "mae", "huber")


def _fit_line(x: np.ndarray, y: np.ndarray, loss: str, iterations: int = 200,
              **loss_kwargs: Any) -> tuple[float, float]:
    """Slope and intercept minimising sum(loss(slope * x + intercept - y)).

    Iteratively reweighted least squares: at a minimum sum psi(r_i) (x_i, 1) = 0 with
    psi = d loss / d r; writing psi(r) = w(r) r turns that into a weighted
    least-squares problem with w = psi(r) / r, solved again with the new weights until
    the line stops moving. psi comes from ``lossviz.losses.residual_gradient``, the
    same code as the reference losses, so the fit minimises exactly that loss. Each
    step solves the 2 x 2 weighted normal equations in closed form (a slider step
    may take a hundred of them).
    """
    slope, intercept = np.polyfit(x, y, 1)
    for _ in range(iterations):
        residual = slope * x + intercept - y
        # Keep |r| away from 0, where psi(r) / r is 0 / 0 (for MAE 1 / |r| explodes).
        residual = np.copysign(np.maximum(np.abs(residual), 1e-9), residual)
        weights = losses.residual_gradient(loss, residual, **loss_kwargs) / residual
        weighted_x = weights * x
        total, sum_x, sum_xx = weights.sum(), weighted_x.sum(), weighted_x @ x
        sum_y, sum_xy = weights @ y, weighted_x @ y
        determinant = total * sum_xx - sum_x * sum_x
        updated = ((total * sum_xy - sum_x * sum_y) / determinant,
                   (sum_xx * sum_y - sum_x * sum_xy) / determinant)
        converged = max(abs(updated[0] - slope), abs(updated[1] - intercept)) <= 1e-10
        slope, intercept = updated
        if converged:
            break
    return float(slope), float(intercept)


class OutlierFitExplorer(Explorer):
    """Outlier fraction and size -> straight lines fitted under MSE, MAE and Huber.

    Data: :func:`lossviz.data.regression_with_outliers` (60 points, outliers in the
    right half pushed up). Each line minimises the summed loss of the residuals, fitted
    in NumPy by iteratively reweighted least squares with the gradients of
    ``lossviz.losses`` (milliseconds, so the explorer follows the slider). Notebook 01
    fits the same data with a one-unit Keras model under each loss and asserts that the
    two fits agree. The axes span the data at every slider position, so the points stay
    put while the lines tilt. ``results["fits"]`` holds {loss: (slope, intercept)}; the
    readout shows the slopes.

    Controls:
        outlier_fraction: in [0, 0.5] (0.1).
        outlier_size: in [0, 30] (8.0).
        delta: Huber's delta, in [0.1, 5] (1.0).

    Example:
        >>> explorer = outlier_fit_explorer(outlier_fraction=0.2, outlier_size=20.0)
        >>> fits = explorer.results["fits"]
        >>> bool(abs(fits["huber"][0] - 1.5) < abs(fits["mse"][0] - 1.5))
        True

    Taught in: notebooks/01_regression_losses.ipynb
    """

    name = "outlier_fit"
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
        return self._cached_fits(params["outlier_fraction"], params["outlier_size"],
                                 params["delta"])

    def _fit_lines(self, outlier_fraction: float, outlier_size: float, delta: float):
        data = regression_with_outliers(outlier_fraction=outlier_fraction,
                                        outlier_size=outlier_size, seed=self.seed)
        fits = {name: _fit_line(data.x, data.y, name,
                                **({"delta": delta} if name == "huber" else {}))
                for name in OUTLIER_FIT_LOSSES}
        return data, fits

    def _build(self, figure):
        # Data and fits depend on the three sliders alone: revisited values fit nothing.
        self._cached_fits = functools.lru_cache(maxsize=256)(self._fit_lines)
        data, fits = self._fits(self.params)
        self.artists = plots.plot_fitted_lines(data.x, data.y, fits, figure.subplots(),
                                               is_outlier=data.is_outlier)
        # Limits over the sliders' whole range: the most and the largest outliers.
        controls = self.controls
        extremes = [regression_with_outliers(outlier_fraction=fraction, outlier_size=size,
                                             seed=self.seed)
                    for fraction in (controls["outlier_fraction"].min,
                                     controls["outlier_fraction"].max)
                    for size in (controls["outlier_size"].min, controls["outlier_size"].max)]
        y = np.concatenate([extreme.y for extreme in extremes])
        self.artists.ax.set_ylim(*_padded(float(y.min()), float(y.max())))
        _static_legend(self.artists.legend, ["data", "outliers", *OUTLIER_FIT_LOSSES])
        _static_title(self.artists.ax, f"one line per loss (true slope {data.slope:g})")

    def _update(self, params):
        data, fits = self._fits(params)
        self.artists.update(data.x, data.y, fits, is_outlier=data.is_outlier, rescale=False,
                            relabel=False)
        self._results = {"fits": dict(fits), "data": data}

    def _readout(self):
        data, fits = self._results["data"], self._results["fits"]
        slopes = ", ".join(f"{name} {slope:.2f}" for name, (slope, _) in fits.items())
        return [f"{int(data.is_outlier.sum())} outliers pushed up by "
                f"{self.params['outlier_size']:g}; fitted slopes: {slopes} "
                f"(true slope {data.slope:g})"]

    def _moving_artists(self):
        artists = self.artists
        return [artists.inliers, artists.outliers, *artists.lines.values()]


# ================================================================== crossentropy


class CrossentropyExplorer(Explorer):
    """Binary crossentropy and binary focal crossentropy against the prediction, y=1 and y=0.

    Curves come from ``lossviz.losses.binary_crossentropy`` and
    ``binary_focal_crossentropy`` (Keras 3 semantics): label smoothing lifts the floor
    of both curves; gamma flattens the focal loss where the prediction is already right;
    alpha only acts with ``apply_class_balancing=True`` (the Keras default ignores it);
    ``from_logits=True`` switches the x axis to logits (a layout control). The y axis
    spans the crossentropy without smoothing, the largest of these curves. ``results``
    holds x and every curve; the readout shows the Keras call of the dashed curves.

    Controls:
        label_smoothing: in [0, 0.5] (0.0).
        gamma: focal gamma, in [0, 5] (2.0).
        alpha: focal alpha, in [0, 1] (0.25).
        apply_class_balancing: (False).
        from_logits: (False).

    Example:
        >>> explorer = crossentropy_explorer()
        >>> before = explorer.results["focal, y=1"].copy()
        >>> explorer.set(alpha=0.9)  # ignored: apply_class_balancing is False
        >>> bool((explorer.results["focal, y=1"] == before).all())
        True

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """

    name = "crossentropy"
    figsize = (8.0, 4.2)
    layout_controls = frozenset({"from_logits"})
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
        _static_legend(ax.legend(loc="upper center", fontsize="small", ncols=2))  # new styles
        _static_title(ax, "binary crossentropy (solid) and focal loss (dashed)")
        # y limits per x axis: the unsmoothed crossentropy is the highest of these curves.
        self.loss_limits = {}
        for from_logits in (False, True):
            _, curves = self._curves({**self.params, "from_logits": from_logits,
                                      "label_smoothing": 0.0})
            self.loss_limits[from_logits] = _padded(0.0, float(curves["crossentropy, y=1"].max()))

    def _update(self, params):
        x, curves = self._curves(params)
        ax = self.artists.ax
        self.artists.update(curves, x=x, autoscale=False)
        ax.set(xlim=(x[0], x[-1]), ylim=self.loss_limits[params["from_logits"]],
               xlabel="logit z (p = sigmoid(z))" if params["from_logits"]
               else "predicted probability p")
        self._results = {"x": x, **curves}

    def _readout(self):
        params = self.params
        call = (f"keras.losses.BinaryFocalCrossentropy(apply_class_balancing="
                f"{params['apply_class_balancing']}, alpha={params['alpha']:g}, "
                f"gamma={params['gamma']:g}, from_logits={params['from_logits']}, "
                f"label_smoothing={params['label_smoothing']:g})")
        if params["apply_class_balancing"]:
            return [call]
        return [call, "alpha is ignored unless apply_class_balancing=True"]

    def _moving_artists(self):
        return list(self.artists.lines.values())


# ========================================================== softmax temperature


class SoftmaxTemperatureExplorer(Explorer):
    """Temperature T -> softmax(z / T) of fixed logits, and the categorical crossentropy.

    Small T sharpens the distribution towards the largest logit (the loss of a wrong
    true class explodes), large T flattens it towards uniform (every loss tends to
    log C). The crossentropy comes from ``lossviz.losses.categorical_crossentropy``
    (``from_logits=True``). The loss axis is the same for every true class, up to the
    largest loss at T = 1; a wrong class's loss at small T leaves the top (its value is
    in the readout). ``results`` holds the probabilities and the crossentropy.

    Controls:
        temperature: in [0.1, 5] (1.0).
        true_class: one of {0, 1, 2, 3} (0).

    Example:
        >>> explorer = softmax_temperature_explorer(temperature=5.0)
        >>> round(float(explorer.results["probabilities"].sum()), 12)
        1.0

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """

    name = "softmax_temperature"
    figsize = (9.0, 3.8)
    logits = np.array([3.0, 1.5, 0.5, -1.0])
    temperatures = np.linspace(0.1, 5.0, 200)

    def _make_controls(self):
        return {
            "temperature": _float_slider(1.0, 0.1, 5.0, 0.05, "temperature T"),
            "true_class": _dropdown(0, list(range(len(self.logits))), "true class"),
        }

    def _crossentropy(self, true_class: int, temperatures: np.ndarray) -> np.ndarray:
        one_hot = np.zeros((len(temperatures), len(self.logits)))
        one_hot[:, true_class] = 1.0
        return losses.categorical_crossentropy(
            one_hot, self.logits[None, :] / temperatures[:, None], from_logits=True)

    def _build(self, figure):
        bars_ax, curve_ax = figure.subplots(1, 2, width_ratios=(1, 1.2))
        self.bars = plots.plot_probability_bars(
            np.full(len(self.logits), 1 / len(self.logits)), bars_ax,
            labels=[f"z={logit:g}" for logit in self.logits])
        _static_title(bars_ax, "softmax(z / T)")
        self.curve = plots.plot_curve_family(
            self.temperatures, {"crossentropy": np.zeros_like(self.temperatures)},
            curve_ax, xlabel="temperature T", ylabel="categorical crossentropy",
            legend=False)
        at_one = max(float(self._crossentropy(true_class, np.array([1.0]))[0])
                     for true_class in range(len(self.logits)))
        curve_ax.set_ylim(0.0, 1.1 * at_one)
        (self.marker,) = curve_ax.plot([], [], "o", color=plots.TEST_COLOR, markersize=9,
                                       markeredgecolor="black", zorder=4)
        _static_title(curve_ax, "crossentropy of the true class")

    def _update(self, params):
        temperature, true_class = params["temperature"], params["true_class"]
        scaled = self.logits / temperature
        probabilities = np.exp(scaled - scaled.max())
        probabilities /= probabilities.sum()
        crossentropy = float(self._crossentropy(true_class, np.array([temperature]))[0])
        self.bars.update(probabilities, highlight=true_class)
        self.curve.update({"crossentropy": self._crossentropy(true_class, self.temperatures)},
                          autoscale=False)
        self.marker.set_data([temperature], [crossentropy])
        self._results = {"probabilities": probabilities, "crossentropy": crossentropy}

    def _readout(self):
        true_class = self.params["true_class"]
        probability = self._results["probabilities"][true_class]
        return [f"T = {self.params['temperature']:g}: p(true class {true_class}) = "
                f"{probability:.3f}, crossentropy = -log p = {self._results['crossentropy']:.3f}"]

    def _moving_artists(self):
        return [*self.bars.bars, *self.bars.labels, self.curve.lines["crossentropy"],
                self.marker]


# =================================================================== class weight


class ClassWeightExplorer(Explorer):
    """Weight of the minority class -> decision boundary, confusion matrix and recall.

    A logistic regression (scikit-learn, ``class_weight={0: 1, 1: w}``) is fitted to
    :func:`lossviz.data.imbalanced_binary` (400 samples, 10 % positives). Raising w
    multiplies the loss of every positive sample, as Keras's ``fit(class_weight=...)``
    does: the boundary moves into the majority class, recall rises and precision falls.
    Counts and rates come from ``lossviz.metrics`` on the training data. ``results``
    holds coef, intercept, confusion_matrix, recall and precision; the readout shows
    the last two.

    Controls:
        class_weight: weight of class 1, in [1, 30] (1.0).

    Example:
        >>> explorer = class_weight_explorer()
        >>> recall_unweighted = explorer.results["recall"]
        >>> explorer.set(class_weight=9.0)
        >>> bool(explorer.results["recall"] > recall_unweighted)
        True

    Taught in: notebooks/04_weighting.ipynb
    """

    name = "class_weight"
    figsize = (9.0, 4.0)

    def _make_controls(self):
        return {"class_weight": _float_slider(1.0, 1.0, 30.0, 0.5,
                                              "weight of class 1 (minority)")}

    def _build(self, figure):
        self.X, self.y = imbalanced_binary(n=400, positive_fraction=0.1, separation=2.0,
                                           seed=self.seed)
        boundary_ax, matrix_ax = figure.subplots(1, 2, width_ratios=(1.3, 1))
        # A fit depends on the weight alone: a slider moved back and forth refits nothing.
        self._scores = functools.lru_cache(maxsize=128)(self._fit_and_score)
        scores = self._scores(self.params["class_weight"])
        self.boundary = plots.plot_linear_boundary(self.X, self.y, scores["coef"],
                                                   scores["intercept"], boundary_ax)
        self.matrix = plots.plot_confusion_matrix(np.zeros((2, 2), int), matrix_ax)
        _static_legend(self.boundary.legend)
        _static_title(boundary_ax, "class_weight={0: 1, 1: w}")
        _static_title(matrix_ax, "confusion matrix")

    def _fit(self, class_weight: float) -> LogisticRegression:
        # newton-cholesky: exact for few features, and far quicker here than lbfgs. The
        # data are the explorer's own (finite, checked once): scikit-learn's per-call
        # input and parameter checks are skipped, which saves about a fifth of a fit.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return LogisticRegression(class_weight={0: 1.0, 1: class_weight},
                                      solver="newton-cholesky").fit(self.X, self.y)

    def _fit_and_score(self, class_weight: float) -> dict[str, Any]:
        model = self._fit(class_weight)
        y_pred = model.predict(self.X)
        return {"coef": model.coef_[0].copy(), "intercept": float(model.intercept_[0]),
                "confusion_matrix": metrics.confusion_matrix(self.y, y_pred, labels=[0, 1]),
                "recall": metrics.recall_score(self.y, y_pred, zero_division=0.0),
                "precision": metrics.precision_score(self.y, y_pred, zero_division=0.0)}

    def _update(self, params):
        scores = self._scores(params["class_weight"])
        self.boundary.update(scores["coef"], scores["intercept"])
        self.matrix.update(scores["confusion_matrix"])
        # Copies: the cached arrays stay as fitted whatever a reader does with results.
        self._results = {**scores, "coef": scores["coef"].copy(),
                         "confusion_matrix": scores["confusion_matrix"].copy()}

    def _readout(self):
        return [f"class_weight={{0: 1, 1: {self.params['class_weight']:g}}}: recall "
                f"{self._results['recall']:.2f}, precision {self._results['precision']:.2f}"]

    def _moving_artists(self):
        return [self.boundary.boundary, *_matrix_artists(self.matrix)]


def _matrix_artists(matrix: plots.ConfusionMatrixArtists, *, title: bool = False) -> list:
    cells = [matrix.image, *(text for row in matrix.texts for text in row)]
    return [*cells, matrix.ax.title] if title else cells


# ================================================================ thresholds


def _threshold_scores(y_true, y_score, threshold: float) -> dict[str, Any]:
    """Confusion matrix and rates when ``y_score > threshold`` is predicted positive.

    Strictly greater, as Keras's Precision / Recall with ``thresholds=`` decide. With
    no predicted positive, precision is reported as 1.0 (scikit-learn's convention at
    the end of a PR curve), so the operating point stays on the curve.
    """
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
    """Threshold -> confusion matrix, precision, recall and F1 on a fixed scored data set.

    Scores: :func:`lossviz.data.scored_binary` (400 samples, 30 % positives). A sample is
    predicted positive when its score is strictly greater than the threshold (Keras's
    rule); metrics come from ``lossviz.metrics``. ``results`` holds the confusion
    matrix, precision, recall, F1 and false positive rate; the readout shows the rates.

    Controls:
        threshold: in [0, 1] (0.5).

    Example:
        >>> explorer = threshold_explorer(threshold=0.2)
        >>> high_recall = explorer.results["recall"]
        >>> explorer.set(threshold=0.8)
        >>> bool(explorer.results["recall"] < high_recall)
        True

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """

    name = "threshold"
    figsize = (9.0, 3.8)

    def _make_controls(self):
        return {"threshold": _threshold_slider()}

    def _build(self, figure):
        self.y_true, self.y_score = scored_binary(n=400, positive_fraction=0.3, seed=self.seed)
        histogram_ax, matrix_ax = figure.subplots(1, 2, width_ratios=(1.4, 1))
        self.histograms = plots.plot_score_histograms(self.y_true, self.y_score,
                                                      histogram_ax, threshold=0.5)
        self.matrix = plots.plot_confusion_matrix(np.zeros((2, 2), int), matrix_ax)
        _static_legend(self.histograms.legend, ["negatives (y=0)", "positives (y=1)",
                                                "threshold"])
        _static_title(histogram_ax, "scores by class")
        _static_title(matrix_ax, "predicted positive: score > threshold")

    def _update(self, params):
        scores = _threshold_scores(self.y_true, self.y_score, params["threshold"])
        self.histograms.update(threshold=params["threshold"], relabel=False)
        self.matrix.update(scores["confusion_matrix"])
        self._results = scores

    def _readout(self):
        scores = self._results
        return [f"predicted positive: score > {self.params['threshold']:.2f}; precision "
                f"{scores['precision']:.2f} · recall {scores['recall']:.2f} · F1 {scores['f1']:.2f}"]

    def _moving_artists(self):
        return [self.histograms.threshold_line, *_matrix_artists(self.matrix)]


class RocPrExplorer(Explorer):
    """Threshold -> the operating point on linked ROC and PR curves, and the confusion matrix.

    The curves (``lossviz.metrics.roc_curve``, ``precision_recall_curve``) trace every
    threshold at once; the dot is the one threshold the slider picks (positive when the
    score is strictly greater), so the same (FPR, recall, precision) appear in all three
    panels. Data as in :class:`ThresholdExplorer`; ``results`` as there.

    Controls:
        threshold: in [0, 1] (0.5).

    Example:
        >>> explorer = roc_pr_explorer(threshold=0.3)
        >>> point = explorer.roc.point.get_xydata()[0]
        >>> bool(point[1] == explorer.results["recall"])
        True

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """

    name = "roc_pr"
    figsize = (11.0, 3.8)

    def _make_controls(self):
        return {"threshold": _threshold_slider()}

    def _build(self, figure):
        self.y_true, self.y_score = scored_binary(n=400, positive_fraction=0.3, seed=self.seed)
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

    def _moving_artists(self):
        return [self.roc.point, self.pr.point, *_matrix_artists(self.matrix, title=True)]


class ImbalanceExplorer(Explorer):
    """Positive fraction and class separation -> ROC curve (AUC) against PR curve (AP).

    Scores from :func:`lossviz.data.scored_binary` (2000 samples): making positives rare
    leaves the ROC curve and its AUC almost unchanged (both its rates are per class)
    while the PR curve and average precision drop with the baseline precision, the
    positive fraction. ``results`` holds roc_auc, average_precision, positive_fraction.

    Controls:
        positive_fraction: in [0.01, 0.5] (0.3).
        separation: class separation, in [0, 4] (1.5).

    Example:
        >>> explorer = imbalance_explorer(positive_fraction=0.5)
        >>> balanced = explorer.results
        >>> explorer.set(positive_fraction=0.02)
        >>> bool(explorer.results["average_precision"] < balanced["average_precision"] - 0.2)
        True

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """

    name = "imbalance"
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
        y_true, y_score = scored_binary(n=self.n_samples,
                                        positive_fraction=params["positive_fraction"],
                                        separation=params["separation"], seed=self.seed)
        fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
        precision, recall, _ = metrics.precision_recall_curve(y_true, y_score)
        auc = float(metrics.roc_auc_score(y_true, y_score))
        average_precision = float(metrics.average_precision_score(y_true, y_score))
        self.roc.update(fpr, tpr, title=f"ROC: AUC {auc:.3f}")
        self.pr.update(recall, precision, reference=float(np.mean(y_true)),
                       title=f"PR: AP {average_precision:.3f}")
        self._results = {"roc_auc": auc, "average_precision": average_precision,
                         "positive_fraction": float(np.mean(y_true))}

    def _moving_artists(self):
        return [self.roc.curve, self.roc.ax.title, self.pr.curve, self.pr.reference,
                self.pr.ax.title]


# ====================================================================== batch F1


def _batch_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """F1 = 2 TP / (2 TP + FP + FN) of one batch of 0/1 labels; 0 for a batch with no
    positive at all (``zero_division=0``, as the K.epsilon recipe gives).

    ``metrics.f1_score`` checks its input on every call, which at batch size 4 (250
    batches) cost more than the whole redraw; tests compare this with scikit-learn.
    """
    true_positives = int(np.sum(y_true & y_pred))
    denominator = int(np.sum(y_true)) + int(np.sum(y_pred))  # 2 TP + FP + FN
    return 2 * true_positives / denominator if denominator else 0.0


class BatchF1Explorer(Explorer):
    """Batch size -> F1 per batch, their mean (a batch-wise metric) and the epoch F1.

    Predictions: scores of :func:`lossviz.data.scored_binary` (1000 samples, 10 %
    positives) thresholded at 0.5. A metric written as a function of one batch, as in
    many Keras 2 blog posts, reports the mean of the bars; the right value is F1 on all
    samples (what a stateful ``keras.metrics.Metric`` accumulates). Small batches widen
    the gap, and batches with no positive score 0. Each bar stands over its batch's
    samples. Values come from ``lossviz.metrics.batch_averaged`` (per batch F1 from the
    batch's counts) and ``f1_score`` (the epoch).
    ``results`` holds batch_values, batch_mean, epoch_f1 and batches_without_positive;
    the readout shows the numbers.

    Controls:
        batch_size: in [4, 256] (32).

    Example:
        >>> explorer = batch_f1_explorer(batch_size=8)
        >>> gap = explorer.results["epoch_f1"] - explorer.results["batch_mean"]
        >>> bool(gap > 0.1), explorer.results["batches_without_positive"] > 0
        (True, True)

    Taught in: notebooks/05_custom_metrics.ipynb
    """

    name = "batch_f1"
    figsize = (9.0, 3.8)

    def _make_controls(self):
        return {"batch_size": _int_slider(32, 4, 256, "batch size")}

    def _build(self, figure):
        y_true, y_score = scored_binary(n=1000, positive_fraction=0.1, separation=2.0,
                                        seed=self.seed)
        self.y_true = y_true
        self.y_pred = (y_score > 0.5).astype(np.int64)
        self.bars = plots.plot_batch_metric([0.0], figure.subplots(), batch_size=len(y_true),
                                            n_samples=len(y_true))
        # Beside the axes, where neither the bars nor the two levels ever pass.
        self.bars.legend.set(loc="center left", bbox_to_anchor=(1.01, 0.5))
        _static_legend(self.bars.legend, ["batch F1", "mean of batch F1", "epoch F1"])
        _static_title(self.bars.ax, "F1 of each batch, their mean, and F1 of the epoch")

    def _update(self, params):
        batch_size = params["batch_size"]
        batch_mean, batch_values = metrics.batch_averaged(
            _batch_f1, self.y_true, self.y_pred, batch_size, return_per_batch=True)
        epoch_f1 = float(metrics.f1_score(self.y_true, self.y_pred))
        self.bars.update(batch_values, epoch_value=epoch_f1, mean_value=batch_mean,
                         batch_size=batch_size, n_samples=len(self.y_true), relabel=False)
        starts = range(0, len(self.y_true), batch_size)
        empty = sum(not self.y_true[start:start + batch_size].any() for start in starts)
        self._results = {"batch_values": batch_values, "batch_mean": batch_mean,
                         "epoch_f1": epoch_f1, "batches_without_positive": int(empty)}

    def _readout(self):
        results = self._results
        return [f"batch size {self.params['batch_size']}: {len(results['batch_values'])} "
                f"batches, {results['batches_without_positive']} without a positive; mean "
                f"of batch F1 {results['batch_mean']:.3f} vs epoch F1 {results['epoch_f1']:.3f}"]

    def _moving_artists(self):
        bars = self.bars
        return [bars.bars, bars.mean_line, bars.epoch_line]


# ========================================================================= k-fold

SPLITTERS = ("KFold", "StratifiedKFold", "GroupKFold", "TimeSeriesSplit")


class KFoldExplorer(Explorer):
    """k, splitter and class imbalance -> the fold diagram of a scikit-learn splitter.

    50 samples sorted by class (positives last) in 10 groups of 5 consecutive samples
    (think: 5 rows per patient). Unshuffled KFold then puts all positives in the last
    folds; StratifiedKFold keeps the class ratio in every fold; GroupKFold never splits
    a group; TimeSeriesSplit always tests on the future. The splitter's warnings (too
    few members of a class for k folds) are shown in the readout. ``n_splits``
    changes the rows, so it also redraws the y axis. ``results`` holds the splitter,
    the number of positives, the splits, the positives in each test fold and the
    warnings.

    Controls:
        n_splits: k, in [2, 10] (5).
        splitter: one of SPLITTERS ("KFold").
        positive_fraction: in [0.04, 0.5] (0.2).
        shuffle: (False; ignored by TimeSeriesSplit), with ``random_state=seed``.

    Example:
        >>> explorer = kfold_explorer(splitter="KFold", n_splits=5)
        >>> explorer.results["test_positives"]
        [0, 0, 0, 0, 10]
        >>> explorer.set(splitter="StratifiedKFold")
        >>> explorer.results["test_positives"]
        [2, 2, 2, 2, 2]

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """

    name = "kfold"
    figsize = (9.0, 4.2)
    control_context = {"shuffle": {"splitter": "KFold"}}
    n_samples = 50
    group_size = 5
    title = "test fold of each split"

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
        splitter = getattr(model_selection, params["splitter"])
        if params["splitter"] == "TimeSeriesSplit":
            return splitter(n_splits=params["n_splits"])
        if params["shuffle"]:
            return splitter(n_splits=params["n_splits"], shuffle=True, random_state=self.seed)
        return splitter(n_splits=params["n_splits"])

    def _build(self, figure):
        X, y, groups = self._data(self.params["positive_fraction"])
        ax = figure.subplots()
        # The counts go in the readout, not in notes right of the rows: a moving text
        # costs about 1 ms to lay out plus 0.1 ms per glyph on every update.
        self.diagram = plots.plot_cv_splits(model_selection.KFold(2), X, y, groups, ax,
                                            notes=False)
        _static_title(ax, self.title)  # the splitter's name and numbers: in the readout

    def _update(self, params):
        X, y, groups = self._data(params["positive_fraction"])
        cv = self._splitter(params)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.diagram.update(cv, X, y, groups, title=self.title)
        messages = [str(warning.message) for warning in caught]
        self._results = {
            "splitter": cv,
            "positives": int(y.sum()),
            "splits": self.diagram.splits,
            "test_positives": [int(y[test].sum()) for _, test in self.diagram.splits],
            "warnings": messages,
        }

    def _readout(self):
        results = self._results
        sizes = ", ".join(str(len(test)) for _, test in results["splits"])
        positives = ", ".join(str(count) for count in results["test_positives"])
        return [f"{results['splitter']!r} on {results['positives']} positives of "
                f"{self.n_samples}: test folds of {sizes} samples with {positives} positives",
                *(f"warning: {message}" for message in results["warnings"])]

    def _moving_artists(self):
        return [self.diagram.cells]

    def _relabelled(self, changed):
        # k sets the rows: the y axis's ticks and limits. The x axis stays static.
        return [self.diagram.ax.yaxis] if "n_splits" in changed else []


# ======================================================================= registry


def _factory(explorer_class: type[Explorer]) -> Callable[..., Explorer]:
    """``<name>_explorer(**params)``: a new ``explorer_class`` with these initial values."""
    def factory(**params: Any) -> Explorer:
        return explorer_class(**params)

    factory.__name__ = factory.__qualname__ = f"{explorer_class.name}_explorer"
    summary = explorer_class.__doc__.strip().splitlines()[0]
    factory.__doc__ = (
        f"{summary}\n\n    Builds a :class:`{explorer_class.__name__}`, whose docstring "
        f"describes the controls.\n\n    Args:\n        seed: seed of the data (default: "
        f"the session's, LOSSVIZ_SEED).\n        **params: initial control values.\n\n"
        f"    Returns:\n        {explorer_class.__name__}.\n\n    Raises:\n"
        f"        ValueError: for an unknown parameter, a value out of range or a bad seed.\n")
    return factory


regression_loss_explorer = _factory(RegressionLossExplorer)
outlier_fit_explorer = _factory(OutlierFitExplorer)
crossentropy_explorer = _factory(CrossentropyExplorer)
softmax_temperature_explorer = _factory(SoftmaxTemperatureExplorer)
class_weight_explorer = _factory(ClassWeightExplorer)
threshold_explorer = _factory(ThresholdExplorer)
roc_pr_explorer = _factory(RocPrExplorer)
imbalance_explorer = _factory(ImbalanceExplorer)
batch_f1_explorer = _factory(BatchF1Explorer)
kfold_explorer = _factory(KFoldExplorer)

_REGISTRY = {name: globals()[name] for name in __all__ if name.endswith("_explorer")}


def explorers() -> dict[str, Callable[..., Explorer]]:
    """All explorers, {name: factory}; each factory builds a ready explorer with no argument.

    Returns:
        dict name -> callable returning an :class:`Explorer` (keyword arguments set
        initial control values).

    Example:
        >>> "regression_loss_explorer" in explorers()
        True

    Taught in: notebooks/00_start_here.ipynb
    """
    return dict(_REGISTRY)
