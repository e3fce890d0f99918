"""Robust regression losses beyond Keras: pseudo-Huber and Barron's general robust loss.

Both follow the Keras regression convention: ``x = y_pred - y_true`` elementwise,
then the mean over the last axis gives one value per sample.

Reference: J. T. Barron, "A General and Adaptive Robust Loss Function", CVPR 2019
(arXiv:1701.03077).
"""

from __future__ import annotations

import math

import numpy as np

from lossviz._validation import check_interval
from lossviz.losses._common import check_pair, paired_arrays, per_sample_mean_gradient
from lossviz.losses._registry import gradient_of, gradients_in, register_loss, registered_in
from lossviz.losses.regression import check_delta


def pseudo_huber_elementwise(residual, delta):
    scaled_squared = np.square(residual / delta)
    # sqrt(1 + z) - 1 == z / (sqrt(1 + z) + 1): no cancellation for tiny residuals.
    return delta**2 * scaled_squared / (np.sqrt(1.0 + scaled_squared) + 1.0)


def pseudo_huber_elementwise_gradient(residual, delta):
    # hypot(1, x/delta) = sqrt(1 + (x/delta)^2) without overflowing the square.
    return residual / np.hypot(1.0, residual / delta)


@register_loss(keras=False)
def pseudo_huber(y_true, y_pred, *, delta=1.0):
    """Pseudo-Huber loss per sample: a smooth Huber, quadratic near 0 and linear far out.

    With ``x = y_pred - y_true``::

        h(x) = delta**2 * (sqrt(1 + (x / delta)**2) - 1)
        loss = mean(h(x), axis=-1)

    ``h(x) ~ x**2 / 2`` for ``|x| << delta`` and ``~ delta * |x|`` for ``|x| >> delta``;
    unlike Huber its every derivative is continuous. Not a Keras built-in.

    Args:
        y_true: Targets, shape ``(B, d0, ..., dN)``.
        y_pred: Predictions, same shape as ``y_true``.
        delta: Scale where the loss turns from quadratic to linear; must be > 0.
            Defaults to 1.0.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On ``delta <= 0``, shapes that do not align, NaN/inf or empty input.

    Example:
        >>> import numpy as np
        >>> np.round(pseudo_huber([[0.0, 0.0]], [[0.0, 3.0]], delta=4.0), 6)
        array([2.])

    Taught in: notebooks/01_regression_losses.ipynb
    """
    check_delta(delta)
    y_true, y_pred = check_pair(y_true, y_pred)
    return np.asarray(np.mean(pseudo_huber_elementwise(y_pred - y_true, delta), axis=-1))


@gradient_of(pseudo_huber)
def _pseudo_huber_gradient(y_true, y_pred, *, delta=1.0):
    delta = check_delta(delta)
    y_true, y_pred = paired_arrays(y_true, y_pred)
    return per_sample_mean_gradient(pseudo_huber_elementwise_gradient(y_pred - y_true, delta))


def check_robust_parameters(alpha, scale) -> tuple[float, float]:
    alpha = check_interval(alpha, "alpha", -np.inf, 2.0)
    scale = check_interval(scale, "scale", 0.0, low_open=True)
    return alpha, scale


def _log1p_ratio(numerator, denominator):
    """``log(1 + numerator / denominator)``, also when the ratio overflows (alpha next to 2)."""
    with np.errstate(over="ignore", divide="ignore"):
        ratio = numerator / denominator
        far = np.log(numerator) - math.log(denominator)  # a Python float: keeps float32 float32
    return np.where(np.isfinite(ratio), np.log1p(np.where(np.isfinite(ratio), ratio, 0.0)), far)


def _expm1_over(u):
    """``expm1(u) / u`` with its limit 1 at ``u = 0``; accurate for tiny ``u``."""
    safe = np.where(u == 0.0, 1.0, u)
    return np.where(u == 0.0, 1.0, np.expm1(safe) / safe)


def general_robust_elementwise(residual, alpha, scale):
    squared = np.square(residual / scale)
    if alpha == 2.0:
        return 0.5 * squared
    if alpha == 0.0:
        return np.log1p(0.5 * squared)
    if alpha == -np.inf:
        return -np.expm1(-0.5 * squared)
    # rho = b / alpha * ((z / b + 1) ** (alpha / 2) - 1) with b = |alpha - 2|, z = (x / c)^2.
    # The textbook form divides two vanishing numbers next to alpha = 0 and alpha = 2.
    # With L = log(1 + z / b) and u = alpha / 2 * L it is b * L / 2 * (expm1(u) / u),
    # and b * L = z * log1p(z / b) / (z / b): every factor stays well conditioned.
    shift = abs(alpha - 2.0)
    log_term = _log1p_ratio(squared, shift)
    exponent = 0.5 * alpha * log_term
    with np.errstate(over="ignore", invalid="ignore"):
        ratio = squared / shift
        log_over_ratio = np.where(ratio > 0.0, log_term / np.where(ratio > 0.0, ratio, 1.0), 1.0)
    bounded = exponent < 1.0
    near = 0.5 * squared * log_over_ratio * _expm1_over(np.where(bounded, exponent, 0.0))
    if alpha < 0.0 or np.all(bounded):
        return near
    # alpha in (0, 2) and a large power: b / alpha * (e^u - 1), with e^u taken in log space.
    with np.errstate(over="ignore"):
        grown = np.exp(math.log(shift / alpha) + np.where(bounded, 1.0, exponent)) - shift / alpha
    return np.where(bounded, near, grown)


def general_robust_elementwise_gradient(residual, alpha, scale):
    squared = np.square(residual / scale)
    slope = residual / scale**2
    if alpha == 2.0:
        return slope
    if alpha == 0.0:
        return slope / (0.5 * squared + 1.0)
    if alpha == -np.inf:
        return slope * np.exp(-0.5 * squared)
    # d rho / dx = x / c^2 * (z / |alpha - 2| + 1) ** (alpha / 2 - 1); the power is <= 1.
    shift = abs(alpha - 2.0)
    return slope * np.exp((0.5 * alpha - 1.0) * _log1p_ratio(squared, shift))


@register_loss(keras=False)
def general_robust(y_true, y_pred, *, alpha=1.0, scale=1.0):
    """Barron's general and adaptive robust loss per sample, one knob from L2 to Welsch.

    With ``x = y_pred - y_true`` and ``z = (x / scale)**2``::

        rho(x, alpha, c) = |alpha - 2| / alpha * ((z / |alpha - 2| + 1) ** (alpha / 2) - 1)
        loss = mean(rho, axis=-1)

    and its limits, computed exactly:

    ==========  ===================================  =====================
    alpha       rho(x, alpha, c)                     name
    ==========  ===================================  =====================
    2           z / 2                                L2 (MSE / 2)
    1           sqrt(z + 1) - 1                      Charbonnier / pseudo-Huber
    0           log(z / 2 + 1)                       Cauchy / Lorentzian
    -2          2 z / (z + 4)                        Geman-McClure
    -inf        1 - exp(-z / 2)                      Welsch / Leclerc
    ==========  ===================================  =====================

    Lower ``alpha`` means less influence of outliers: for ``alpha < 0`` the loss is
    bounded and its gradient falls back towards 0 for large residuals.

    Args:
        y_true: Targets, shape ``(B, d0, ..., dN)``.
        y_pred: Predictions, same shape as ``y_true``.
        alpha: Shape parameter in ``[-inf, 2]``. Defaults to 1.0 (Charbonnier).
        scale: Scale ``c > 0`` of the quadratic bowl around 0. Defaults to 1.0.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On ``alpha`` outside ``[-inf, 2]``, ``scale <= 0``, shapes that do
            not align, NaN/inf or empty input.

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = [[0.0, 0.0]], [[2.0, 0.0]]
        >>> np.round(general_robust(y_true, y_pred, alpha=0.0), 6)  # mean(log(3), 0)
        array([0.549306])
        >>> np.round(general_robust(y_true, y_pred, alpha=-2.0), 6)  # mean(1, 0)
        array([0.5])

    Taught in: notebooks/01_regression_losses.ipynb
    """
    check_robust_parameters(alpha, scale)
    y_true, y_pred = check_pair(y_true, y_pred)
    return np.asarray(np.mean(general_robust_elementwise(y_pred - y_true, float(alpha), scale), axis=-1))


@gradient_of(general_robust)
def _general_robust_gradient(y_true, y_pred, *, alpha=1.0, scale=1.0):
    alpha, scale = check_robust_parameters(alpha, scale)
    y_true, y_pred = paired_arrays(y_true, y_pred)
    return per_sample_mean_gradient(general_robust_elementwise_gradient(y_pred - y_true, alpha, scale))


__all__ = registered_in(__name__)
GRADIENTS = gradients_in(__name__)
