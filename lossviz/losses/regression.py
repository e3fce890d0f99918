"""Regression losses of Keras 3 as NumPy twins: MSE, MAE, MAPE, MSLE, Huber, log-cosh, cosine.

Every function takes ``(y_true, y_pred)`` of shape ``(B, d0, ..., dN)`` (a trailing
dimension of size 1 may be missing on one side, as in Keras) and returns the
per-sample loss of shape ``(B, d0, ..., dN-1)``: the mean over the last axis. The
residual is ``x = y_pred - y_true``; the elementwise parts (``squared_error``,
``huber_elementwise`` ...) are shared with :func:`lossviz.losses.residual_loss`.
"""

from __future__ import annotations

import math

import numpy as np

from lossviz._validation import check_interval
from lossviz.losses._common import (
    EPSILON,
    check_axis,
    check_pair,
    finite_number,
    paired_arrays,
    per_sample_mean_gradient,
    softplus,
    warn_outside,
    warn_user,
)
from lossviz.losses._registry import gradient_of, gradients_in, register_loss, registered_in

#: A Python float, so that float32 input stays float32 (NumPy keeps the array's dtype).
LOG_2 = math.log(2.0)


# Elementwise maths, one source for the per-sample losses and the residual plots.


def squared_error(residual):
    return np.square(residual)


def squared_error_gradient(residual):
    return 2.0 * residual


def absolute_error(residual):
    return np.abs(residual)


def absolute_error_gradient(residual):
    # sign(0) = 0: the subgradient TensorFlow's abs uses at the kink.
    return np.sign(residual)


def check_delta(delta) -> float:
    return check_interval(delta, "delta", 0.0, low_open=True)


def check_huber_delta(delta) -> float:
    """Keras's huber computes with any delta; <= 0 makes it linear everywhere (a warning)."""
    delta = finite_number(delta, "delta", "a finite number > 0")
    if delta <= 0.0:
        warn_user(
            f"delta: expected a number > 0; got {delta:g}. Keras computes with it as it is: no error is "
            "within delta, so the loss is delta |e| - delta^2 / 2 everywhere (negative or flat); "
            "this twin returns the same number."
        )
    return delta


def huber_elementwise(residual, delta):
    small = np.abs(residual) <= delta
    return np.where(small, 0.5 * np.square(residual), delta * np.abs(residual) - 0.5 * delta**2)


def huber_elementwise_gradient(residual, delta):
    # clip(residual, -delta, delta), written so that it also holds for delta <= 0.
    return np.where(np.abs(residual) <= delta, residual, delta * np.sign(residual))


def log_cosh_elementwise(residual):
    # log(cosh(x)) = x + softplus(-2x) - log 2: cosh overflows for |x| > ~710, this does not.
    return residual + softplus(-2.0 * residual) - LOG_2


def log_cosh_elementwise_gradient(residual):
    return np.tanh(residual)


# Per-sample losses.


@register_loss(aliases=("mse",), short=True)
def mean_squared_error(y_true, y_pred):
    """Mean squared error per sample.

    ``loss = mean((y_pred - y_true) ** 2, axis=-1)``

    Args:
        y_true: Targets, shape ``(B, d0, ..., dN)``.
        y_pred: Predictions, same shape as ``y_true`` (up to a trailing dimension of
            size 1 that Keras adds or drops).

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``. A 1-D ``(B,)`` pair is averaged over the
        whole batch into one number, exactly as in Keras: keep targets ``(B, 1)``.

    Raises:
        ValueError: On shapes that do not align, NaN/inf or empty input.

    Example:
        >>> import numpy as np
        >>> mean_squared_error(np.array([[0.0, 1.0], [0.0, 0.0]]),
        ...                    np.array([[1.0, 1.0], [1.0, 0.0]]))
        array([0.5, 0.5])

    Taught in: notebooks/01_regression_losses.ipynb
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    return np.asarray(np.mean(np.square(y_pred - y_true), axis=-1))


@gradient_of(mean_squared_error)
def _mean_squared_error_gradient(y_true, y_pred):
    y_true, y_pred = paired_arrays(y_true, y_pred)
    return per_sample_mean_gradient(squared_error_gradient(y_pred - y_true))


@register_loss(aliases=("mae",), short=True)
def mean_absolute_error(y_true, y_pred):
    """Mean absolute error per sample.

    ``loss = mean(abs(y_pred - y_true), axis=-1)``

    Args:
        y_true: Targets, shape ``(B, d0, ..., dN)``.
        y_pred: Predictions, same shape as ``y_true``.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On shapes that do not align, NaN/inf or empty input.

    Example:
        >>> mean_absolute_error([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])
        array([0.5, 0.5])

    Taught in: notebooks/01_regression_losses.ipynb
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    return np.asarray(np.mean(np.abs(y_pred - y_true), axis=-1))


@gradient_of(mean_absolute_error)
def _mean_absolute_error_gradient(y_true, y_pred):
    y_true, y_pred = paired_arrays(y_true, y_pred)
    return per_sample_mean_gradient(absolute_error_gradient(y_pred - y_true))


@register_loss(aliases=("mape",))
def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute percentage error per sample.

    ``loss = 100 * mean(abs(y_true - y_pred) / max(abs(y_true), 1e-7), axis=-1)``

    The denominator is floored at ``1e-7``, so a target of 0 does not divide by zero
    but a small error on it becomes enormous: MAPE explodes for targets near 0.

    Args:
        y_true: Targets, shape ``(B, d0, ..., dN)``.
        y_pred: Predictions, same shape as ``y_true``.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``, in percent.

    Raises:
        ValueError: On shapes that do not align, NaN/inf or empty input.

    Example:
        >>> mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 5.0]])
        array([37.5])

    Taught in: notebooks/01_regression_losses.ipynb
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    denominator = np.maximum(np.abs(y_true), EPSILON)
    return np.asarray(100.0 * np.mean(np.abs(y_true - y_pred) / denominator, axis=-1))


@gradient_of(mean_absolute_percentage_error)
def _mean_absolute_percentage_error_gradient(y_true, y_pred):
    y_true, y_pred = paired_arrays(y_true, y_pred)
    denominator = np.maximum(np.abs(y_true), EPSILON)
    return per_sample_mean_gradient(100.0 * np.sign(y_pred - y_true) / denominator)


@register_loss(aliases=("msle",))
def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared logarithmic error per sample.

    ``loss = mean((log(max(y_pred, 1e-7) + 1) - log(y_true + 1)) ** 2, axis=-1)``

    Like Keras, predictions below ``1e-7`` (a linear output layer produces negative
    values during training) are clipped to ``1e-7``; there the loss is flat and its
    gradient is 0. Keras clips negative targets silently too, which hides a data error:
    this twin returns Keras's value and emits a ``UserWarning`` naming ``y_true``.

    Args:
        y_true: Targets, shape ``(B, d0, ..., dN)``; negative ones are clipped (with a warning).
        y_pred: Predictions, same shape as ``y_true``.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On shapes that do not align, NaN/inf or empty input.

    Warns:
        UserWarning: On negative targets.

    Example:
        >>> import numpy as np
        >>> loss = mean_squared_logarithmic_error([[np.e - 1.0]], [[0.0]])
        >>> np.round(loss, 6)
        array([1.])

    Taught in: notebooks/01_regression_losses.ipynb
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    check_non_negative_targets(y_true)
    log_difference = np.log(np.maximum(y_pred, EPSILON) + 1.0) - np.log(np.maximum(y_true, EPSILON) + 1.0)
    return np.asarray(np.mean(np.square(log_difference), axis=-1))


@gradient_of(mean_squared_logarithmic_error)
def _mean_squared_logarithmic_error_gradient(y_true, y_pred):
    y_true, y_pred = paired_arrays(y_true, y_pred)
    check_non_negative_targets(y_true)
    clipped_pred = np.maximum(y_pred, EPSILON)
    log_difference = np.log(clipped_pred + 1.0) - np.log(np.maximum(y_true, EPSILON) + 1.0)
    # TensorFlow's maximum passes the gradient to y_pred on a tie, so y_pred == eps counts.
    passes = y_pred >= EPSILON
    return per_sample_mean_gradient(np.where(passes, 2.0 * log_difference / (clipped_pred + 1.0), 0.0))


def check_non_negative_targets(y_true):
    """Warn (Keras accepts them) about negative MSLE targets, almost surely a data error."""
    warn_outside(
        y_true, "y_true", "non-negative targets",
        "Keras's mean_squared_logarithmic_error clips them to 1e-7, scoring them as if they were 0",
        high=np.inf,
    )  # fmt: skip


@register_loss(short=True)
def huber(y_true, y_pred, *, delta=1.0):
    """Huber loss per sample: quadratic near 0, linear beyond ``delta``.

    With ``x = y_pred - y_true``::

        h(x) = 0.5 * x**2                    if |x| <= delta
               delta * |x| - 0.5 * delta**2  otherwise
        loss = mean(h(x), axis=-1)

    Args:
        y_true: Targets, shape ``(B, d0, ..., dN)``.
        y_pred: Predictions, same shape as ``y_true``.
        delta: Where the quadratic part turns linear; must be > 0. Defaults to 1.0.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On a non-finite ``delta``, shapes that do not align, NaN/inf or
            empty input.

    Warns:
        UserWarning: On ``delta <= 0``, which Keras computes with as it is.

    Example:
        >>> huber([[0.0, 0.0]], [[0.5, 3.0]], delta=1.0)
        array([1.3125])

    Taught in: notebooks/01_regression_losses.ipynb
    """
    check_huber_delta(delta)
    y_true, y_pred = check_pair(y_true, y_pred)
    error = y_pred - y_true
    quadratic = 0.5 * np.square(error)
    linear = delta * np.abs(error) - 0.5 * delta**2
    return np.asarray(np.mean(np.where(np.abs(error) <= delta, quadratic, linear), axis=-1))


@gradient_of(huber)
def _huber_gradient(y_true, y_pred, *, delta=1.0):
    delta = check_huber_delta(delta)
    y_true, y_pred = paired_arrays(y_true, y_pred)
    return per_sample_mean_gradient(huber_elementwise_gradient(y_pred - y_true, delta))


@register_loss(short=True)
def log_cosh(y_true, y_pred):
    """Log-cosh loss per sample: like MSE/2 for small errors, like MAE for large ones.

    ``loss = mean(log(cosh(x)), axis=-1)`` with ``x = y_pred - y_true``, computed as
    ``x + softplus(-2 x) - log(2)`` so that residuals of 1e4 do not overflow ``cosh``.

    Args:
        y_true: Targets, shape ``(B, d0, ..., dN)``.
        y_pred: Predictions, same shape as ``y_true``.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On shapes that do not align, NaN/inf or empty input.

    Example:
        >>> import numpy as np
        >>> np.round(log_cosh([[0.0, 0.0]], [[1.0, -10000.0]]), 4)
        array([4999.8703])

    Taught in: notebooks/01_regression_losses.ipynb
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    error = y_pred - y_true
    # log(cosh(x)) = x + softplus(-2x) - log 2: cosh overflows for |x| > ~710, this does not.
    return np.asarray(np.mean(error + np.logaddexp(0.0, -2.0 * error) - LOG_2, axis=-1))


@gradient_of(log_cosh)
def _log_cosh_gradient(y_true, y_pred):
    y_true, y_pred = paired_arrays(y_true, y_pred)
    return per_sample_mean_gradient(log_cosh_elementwise_gradient(y_pred - y_true))


def _l2_normalize(values, axis):
    """Keras's ``normalize``: ``x * min(1 / sqrt(sum(x**2)), 1 / eps)``, so a zero vector stays 0."""
    squared_norm = np.sum(np.square(values), axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        inverse_norm = np.minimum(1.0 / np.sqrt(squared_norm), 1.0 / EPSILON)
    return values * inverse_norm, squared_norm, inverse_norm


@register_loss()
def cosine_similarity(y_true, y_pred, *, axis=-1):
    """Negative cosine similarity per sample: -1 for aligned vectors, 0 for orthogonal.

    ``loss = -sum(y_true / ||y_true|| * y_pred / ||y_pred||, axis=axis)``

    Norms are floored at ``1e-7``, so a zero vector gives 0 rather than NaN. The loss
    is the negative of the similarity so that minimising it aligns the vectors (the
    metric ``keras.metrics.CosineSimilarity`` is positive).

    Args:
        y_true: Targets, shape ``(B, d0, ..., dN)``.
        y_pred: Predictions, same shape as ``y_true``.
        axis: The axis (or tuple of axes) along which vectors are compared. Defaults to -1.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of ``y_pred``'s shape without ``axis``, values in [-1, 1].

    Raises:
        ValueError: On a bad ``axis``, shapes that do not align, NaN/inf or empty input.

    Example:
        >>> import numpy as np
        >>> np.round(cosine_similarity([[1.0, 0.0], [1.0, 1.0]], [[1.0, 1.0], [2.0, 2.0]]), 6)
        array([-0.707107, -1.      ])

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    check_axis(axis, y_pred.ndim)
    unit_true = _l2_normalize(y_true, axis)[0]
    unit_pred = _l2_normalize(y_pred, axis)[0]
    return np.asarray(-np.sum(unit_true * unit_pred, axis=axis))


@gradient_of(cosine_similarity)
def _cosine_similarity_gradient(y_true, y_pred, *, axis=-1):
    y_true, y_pred = paired_arrays(y_true, y_pred)
    axis = check_axis(axis, y_pred.ndim)
    unit_true = _l2_normalize(y_true, axis)[0]
    _, squared_norm, inverse_norm = _l2_normalize(y_pred, axis)
    # Where the norm is below eps the factor is the constant 1/eps: only the direct term stays.
    norm_is_live = squared_norm >= EPSILON**2
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse_norm_cubed = np.where(norm_is_live, squared_norm**-1.5, 0.0)
    projection = np.sum(unit_true * y_pred, axis=axis, keepdims=True)
    return -unit_true * inverse_norm + projection * y_pred * inverse_norm_cubed


__all__ = registered_in(__name__)
GRADIENTS = gradients_in(__name__)
