"""Explorers of notebook 02 (probabilistic losses): binary and focal crossentropy
curves, and the softmax temperature."""

from __future__ import annotations

import numpy as np

from lossviz import losses, plots
from lossviz._explorer import Explorer
from lossviz.widgets._common import _checkbox, _dropdown, _float_slider, _padded, _static_legend, _static_title

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
        >>> from lossviz.widgets import crossentropy_explorer
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
        common = {"from_logits": params["from_logits"], "label_smoothing": params["label_smoothing"]}
        focal = {
            **common,
            "gamma": params["gamma"],
            "alpha": params["alpha"],
            "apply_class_balancing": params["apply_class_balancing"],
        }
        curves = {}
        for label in (1, 0):
            y_true = np.full_like(y_pred, float(label))
            curves[f"crossentropy, y={label}"] = losses.binary_crossentropy(y_true, y_pred, **common)
            curves[f"focal, y={label}"] = losses.binary_focal_crossentropy(y_true, y_pred, **focal)
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
            _, curves = self._curves({**self.params, "from_logits": from_logits, "label_smoothing": 0.0})
            self.loss_limits[from_logits] = _padded(0.0, float(curves["crossentropy, y=1"].max()))

    def _update(self, params):
        x, curves = self._curves(params)
        ax = self.artists.ax
        self.artists.update(curves, x=x, autoscale=False)
        ax.set(
            xlim=(x[0], x[-1]),
            ylim=self.loss_limits[params["from_logits"]],
            xlabel="logit z (p = sigmoid(z))" if params["from_logits"] else "predicted probability p",
        )
        self._results = {"x": x, **curves}

    def _readout(self):
        params = self.params
        call = (
            f"keras.losses.BinaryFocalCrossentropy(apply_class_balancing="
            f"{params['apply_class_balancing']}, alpha={params['alpha']:g}, "
            f"gamma={params['gamma']:g}, from_logits={params['from_logits']}, "
            f"label_smoothing={params['label_smoothing']:g})"
        )
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
        >>> from lossviz.widgets import softmax_temperature_explorer
        >>> explorer = softmax_temperature_explorer(temperature=5.0)
        >>> round(float(explorer.results["probabilities"].sum()), 12)
        1.0

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """

    name = "softmax_temperature"
    figsize = (8.0, 3.6)
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
        return losses.categorical_crossentropy(one_hot, self.logits[None, :] / temperatures[:, None], from_logits=True)

    def _build(self, figure):
        bars_ax, curve_ax = figure.subplots(1, 2, width_ratios=(1, 1.2))
        self.bars = plots.plot_probability_bars(
            np.full(len(self.logits), 1 / len(self.logits)), bars_ax, labels=[f"z={logit:g}" for logit in self.logits]
        )
        _static_title(bars_ax, "softmax(z / T)")
        self.curve = plots.plot_curve_family(
            self.temperatures,
            {"crossentropy": np.zeros_like(self.temperatures)},
            curve_ax,
            xlabel="temperature T",
            ylabel="categorical crossentropy",
            legend=False,
        )
        at_one = max(
            float(self._crossentropy(true_class, np.array([1.0]))[0]) for true_class in range(len(self.logits))
        )
        curve_ax.set_ylim(0.0, 1.1 * at_one)
        (self.marker,) = curve_ax.plot(
            [], [], "o", color=plots.TEST_COLOR, markersize=9, markeredgecolor="black", zorder=4
        )
        _static_title(curve_ax, "crossentropy of the true class")

    def _update(self, params):
        temperature, true_class = params["temperature"], params["true_class"]
        scaled = self.logits / temperature
        probabilities = np.exp(scaled - scaled.max())
        probabilities /= probabilities.sum()
        crossentropy = float(self._crossentropy(true_class, np.array([temperature]))[0])
        self.bars.update(probabilities, highlight=true_class)
        self.curve.update({"crossentropy": self._crossentropy(true_class, self.temperatures)}, autoscale=False)
        self.marker.set_data([temperature], [crossentropy])
        self._results = {"probabilities": probabilities, "crossentropy": crossentropy}

    def _readout(self):
        true_class = self.params["true_class"]
        probability = self._results["probabilities"][true_class]
        return [
            f"T = {self.params['temperature']:g}: p(true class {true_class}) = "
            f"{probability:.3f}, crossentropy = -log p = {self._results['crossentropy']:.3f}"
        ]

    def _moving_artists(self):
        return [*self.bars.bars, *self.bars.labels, self.curve.lines["crossentropy"], self.marker]
