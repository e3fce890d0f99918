"""Explorers of notebook 01 (regression losses): loss and gradient against the
residual, and straight lines fitted under MSE, MAE and Huber with outliers."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from lossviz import losses, plots
from lossviz._explorer import Explorer
from lossviz.data import regression_with_outliers
from lossviz.widgets._common import _dropdown, _float_slider, _padded, _static_legend, _static_title

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
        >>> from lossviz.widgets import regression_loss_explorer
        >>> explorer = regression_loss_explorer()
        >>> explorer.set(loss="huber", delta=2.0)
        >>> explorer.params["delta"], float(explorer.results["gradient"].max())
        (2.0, 2.0)

    Taught in: notebooks/01_regression_losses.ipynb
    """

    name = "regression_loss"
    figsize = (8.0, 3.4)
    control_context = {
        "delta": {"loss": "huber"},
        "alpha": {"loss": "general_robust"},
        "scale": {"loss": "general_robust"},
    }
    residual = np.linspace(-4.0, 4.0, 401)

    def _make_controls(self):
        return {
            "loss": _dropdown("huber", REGRESSION_LOSSES, "loss"),
            "delta": _float_slider(1.0, 0.1, 4.0, 0.1, "delta (huber, pseudo_huber)"),
            "alpha": _float_slider(1.0, -4.0, 2.0, 0.1, "alpha (general_robust)"),
            "scale": _float_slider(1.0, 0.2, 3.0, 0.1, "scale (general_robust)"),
        }

    def _curves(self, params):
        options = {
            "huber": {"delta": params["delta"]},
            "pseudo_huber": {"delta": params["delta"]},
            "general_robust": {"alpha": params["alpha"], "scale": params["scale"]},
        }
        loss_curves, gradient_curves = {}, {}
        for name in REGRESSION_LOSSES:
            kwargs = options.get(name, {})
            loss_curves[name] = losses.residual_loss(name, self.residual, **kwargs)
            gradient_curves[name] = losses.residual_gradient(name, self.residual, **kwargs)
        return loss_curves, gradient_curves

    def _build(self, figure):
        loss_curves, gradient_curves = self._curves(self.params)
        self.artists = plots.plot_loss_and_gradient(
            self.residual, loss_curves, gradient_curves, figure.subplots(1, 2), highlight=self.params["loss"]
        )
        for family, curve in ((self.artists.loss, loss_curves["mse"]), (self.artists.gradient, gradient_curves["mse"])):
            family.ax.set_ylim(*_padded(float(curve.min()), float(curve.max())))
        _static_legend(self.artists.loss.ax.get_legend())

    def _update(self, params):
        loss_curves, gradient_curves = self._curves(params)
        self.artists.update(loss_curves, gradient_curves, highlight=params["loss"], autoscale=False)
        self.artists.loss.ax.title.set_text(f"loss: {_call_text(params)}")
        self._results = {
            "residual": self.residual,
            "loss": loss_curves[params["loss"]],
            "gradient": gradient_curves[params["loss"]],
        }

    def _moving_artists(self):
        return [*self.artists.loss.lines.values(), *self.artists.gradient.lines.values(), self.artists.loss.ax.title]


def _call_text(params) -> str:
    name = params["loss"]
    if name in ("huber", "pseudo_huber"):
        return f"{name}(delta={params['delta']:g})"
    if name == "general_robust":
        return f"general_robust(alpha={params['alpha']:g}, scale={params['scale']:g})"
    return name


# ==================================================================== outlier fit

OUTLIER_FIT_LOSSES = ("mse", "mae", "huber")


def _fit_line(
    x: np.ndarray, y: np.ndarray, loss: str, iterations: int = 200, **loss_kwargs: Any
) -> tuple[float, float]:
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
        updated = ((total * sum_xy - sum_x * sum_y) / determinant, (sum_xx * sum_y - sum_x * sum_xy) / determinant)
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
        >>> from lossviz.widgets import outlier_fit_explorer
        >>> explorer = outlier_fit_explorer(outlier_fraction=0.2, outlier_size=20.0)
        >>> fits = explorer.results["fits"]
        >>> bool(abs(fits["huber"][0] - 1.5) < abs(fits["mse"][0] - 1.5))
        True

    Taught in: notebooks/01_regression_losses.ipynb
    """

    name = "outlier_fit"
    seed_context = {}
    figsize = (7.5, 4.2)
    control_context = {"outlier_size": {"outlier_fraction": 0.2}, "delta": {"outlier_fraction": 0.2}}

    def _make_controls(self):
        return {
            "outlier_fraction": _float_slider(0.1, 0.0, 0.5, 0.02, "outlier fraction"),
            "outlier_size": _float_slider(8.0, 0.0, 30.0, 0.5, "outlier size"),
            "delta": _float_slider(1.0, 0.1, 5.0, 0.1, "huber delta"),
        }

    def _fits(self, params):
        return self._cached_fits(params["outlier_fraction"], params["outlier_size"], params["delta"])

    def _fit_lines(self, outlier_fraction: float, outlier_size: float, delta: float):
        data = regression_with_outliers(outlier_fraction=outlier_fraction, outlier_size=outlier_size, seed=self.seed)
        fits = {
            name: _fit_line(data.x, data.y, name, **({"delta": delta} if name == "huber" else {}))
            for name in OUTLIER_FIT_LOSSES
        }
        return data, fits

    def _build(self, figure):
        # Data and fits depend on the three sliders alone: revisited values fit nothing.
        self._cached_fits = functools.lru_cache(maxsize=256)(self._fit_lines)
        data, fits = self._fits(self.params)
        self.artists = plots.plot_fitted_lines(data.x, data.y, fits, figure.subplots(), is_outlier=data.is_outlier)
        # Limits over the sliders' whole range: the most and the largest outliers.
        controls = self.controls
        extremes = [
            regression_with_outliers(outlier_fraction=fraction, outlier_size=size, seed=self.seed)
            for fraction in (controls["outlier_fraction"].min, controls["outlier_fraction"].max)
            for size in (controls["outlier_size"].min, controls["outlier_size"].max)
        ]
        y = np.concatenate([extreme.y for extreme in extremes])
        self.artists.ax.set_ylim(*_padded(float(y.min()), float(y.max())))
        _static_legend(self.artists.legend, ["data", "outliers", *OUTLIER_FIT_LOSSES])
        _static_title(self.artists.ax, f"one line per loss (true slope {data.slope:g})")

    def _update(self, params):
        data, fits = self._fits(params)
        self.artists.update(data.x, data.y, fits, is_outlier=data.is_outlier, rescale=False, relabel=False)
        self._results = {"fits": dict(fits), "data": data}

    def _readout(self):
        data, fits = self._results["data"], self._results["fits"]
        slopes = ", ".join(f"{name} {slope:.2f}" for name, (slope, _) in fits.items())
        return [
            f"{int(data.is_outlier.sum())} outliers pushed up by "
            f"{self.params['outlier_size']:g}; fitted slopes: {slopes} "
            f"(true slope {data.slope:g})"
        ]

    def _moving_artists(self):
        artists = self.artists
        return [artists.inliers, artists.outliers, *artists.lines.values()]
