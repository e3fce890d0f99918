"""Overlap (segmentation) losses of Keras 3 as NumPy twins: Dice and Tversky.

Both compare a soft predicted mask with a target mask through sums over ``axis``.
With the default ``axis=None`` the sums run over EVERYTHING, the batch included, and
the result is one number for the whole batch; pass e.g. ``axis=(1, 2, 3)`` for one
value per image.
"""

from __future__ import annotations

import numpy as np

from lossviz._validation import returns_like
from lossviz.losses._common import (
    EPSILON,
    as_float_pair,
    check_axis,
    check_keras_parameter,
    paired_arrays,
    warn_outside,
)
from lossviz.losses._registry import gradient_of, gradients_in, register_loss, registered_in


def _mask_inputs(y_true, y_pred, axis, name="dice"):
    y_true, y_pred = paired_arrays(y_true, y_pred)
    axis = check_axis(axis, y_pred.ndim, allow_none=True)
    for values, argument, what in ((y_true, "y_true", "a mask"), (y_pred, "y_pred", "probabilities")):
        warn_outside(
            values, argument, f"{what} in [0, 1]",
            f"Keras's {name} uses them as they are, so the loss may leave [0, 1]",
        )  # fmt: skip
    return y_true, y_pred, axis


@returns_like(as_float_pair)
def check_mask_inputs(y_true, y_pred, axis, name="dice"):
    """Refuse bad shapes or axes; warn about values outside [0, 1], which Keras accepts.
    Return the pair as :func:`as_float_pair` converts it."""
    return _mask_inputs(y_true, y_pred, axis, name)[:2]


@register_loss(short=True)
def dice(y_true, y_pred, *, axis=None):
    """Dice loss: one minus the (soft) Dice coefficient.

    ``loss = 1 - 2 sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + 1e-7)``,
    sums over ``axis``.

    Args:
        y_true: Target mask in [0, 1], any shape ``(B, ...)``.
        y_pred: Predicted probabilities in [0, 1], same shape.
        axis: Axis or tuple of axes to sum over; None (the default) sums over all
            axes, the batch included.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        A 0-d array for ``axis=None``, else ``y_pred``'s shape without ``axis``.

    Raises:
        ValueError: On a bad ``axis``, shapes that do not align, NaN/inf or empty input.

    Warns:
        UserWarning: On values outside [0, 1], which Keras accepts and scores as they are.

    Example:
        >>> import numpy as np
        >>> y_true = [[1.0, 1.0, 0.0, 0.0]]
        >>> y_pred = [[1.0, 0.0, 1.0, 0.0]]
        >>> loss = dice(y_true, y_pred)  # 1 - 2 * 1 / (2 + 2)
        >>> loss.shape, round(float(loss), 6)
        ((), 0.5)

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    y_true, y_pred = check_mask_inputs(y_true, y_pred, axis)
    overlap = np.sum(y_true * y_pred, axis=axis)
    total = np.sum(y_true, axis=axis) + np.sum(y_pred, axis=axis) + EPSILON
    return np.asarray(1.0 - 2.0 * overlap / total)


@gradient_of(dice)
def _dice_gradient(y_true, y_pred, *, axis=None):
    y_true, y_pred, axis = _mask_inputs(y_true, y_pred, axis)
    overlap = np.sum(y_true * y_pred, axis=axis, keepdims=True)
    total = np.sum(y_true, axis=axis, keepdims=True) + np.sum(y_pred, axis=axis, keepdims=True) + EPSILON
    # d/dp [1 - 2 I / D] with dI/dp = y_true and dD/dp = 1.
    return -2.0 * (y_true * total - overlap) / np.square(total)


def check_tversky_weights(alpha, beta):
    keras_does = "Keras uses it as it is, so false alarms or misses lower the loss"
    return tuple(
        check_keras_parameter(value, name, 0.0, np.inf, keras_does)
        for value, name in ((alpha, "alpha"), (beta, "beta"))
    )


@register_loss()
def tversky(y_true, y_pred, *, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss (Salehi et al., 2017): Dice with separate prices for FP and FN.

    With soft counts summed over ``axis``::

        TP = sum(y_true * y_pred)
        FP = sum((1 - y_true) * y_pred)      # predicted, not there
        FN = sum(y_true * (1 - y_pred))      # there, missed
        loss = 1 - TP / (TP + alpha * FP + beta * FN + 1e-7)

    ``alpha = beta = 0.5`` gives the Dice loss; a larger ``beta`` punishes missed
    foreground more (better recall).

    This follows Keras's docstring and the paper. Keras <= 3.15's code applies
    ``alpha`` to FN and ``beta`` to FP, so ``keras.losses.tversky(y, p, alpha=a, beta=b)``
    equals ``tversky(y, p, alpha=b, beta=a)`` here; the two agree only when
    ``alpha == beta``.

    Args:
        y_true: Target mask in [0, 1], any shape ``(B, ...)``.
        y_pred: Predicted probabilities in [0, 1], same shape.
        alpha: Weight of false positives, >= 0 (negative: a warning). Defaults to 0.5.
        beta: Weight of false negatives, >= 0 (negative: a warning). Defaults to 0.5.
        axis: Axis or tuple of axes to sum over; None (the default) sums over all
            axes, the batch included.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        A 0-d array for ``axis=None``, else ``y_pred``'s shape without ``axis``.

    Raises:
        ValueError: On a non-finite ``alpha`` or ``beta``, a bad ``axis``, shapes that
            do not align, NaN/inf or empty input.

    Warns:
        UserWarning: On values outside [0, 1] and on negative ``alpha`` or ``beta``,
            which Keras accepts and scores as they are.

    Example:
        >>> import numpy as np
        >>> y_true = [[1.0, 1.0, 0.0, 0.0]]
        >>> y_pred = [[1.0, 0.0, 1.0, 0.0]]  # TP = 1, FP = 1, FN = 1
        >>> round(float(tversky(y_true, y_pred, alpha=0.7, beta=0.3)), 6)
        0.5
        >>> # One miss, no false alarm: only beta * FN = 0.3 counts.
        >>> round(float(tversky(y_true, [[1.0, 0.0, 0.0, 0.0]], alpha=0.7, beta=0.3)), 6)
        0.230769

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    check_tversky_weights(alpha, beta)
    y_true, y_pred = check_mask_inputs(y_true, y_pred, axis, "tversky")
    true_positive = np.sum(y_true * y_pred, axis=axis)
    false_positive = np.sum((1.0 - y_true) * y_pred, axis=axis)
    false_negative = np.sum(y_true * (1.0 - y_pred), axis=axis)
    denominator = true_positive + alpha * false_positive + beta * false_negative + EPSILON
    return np.asarray(1.0 - true_positive / denominator)


@gradient_of(tversky)
def _tversky_gradient(y_true, y_pred, *, alpha=0.5, beta=0.5, axis=None):
    alpha, beta = check_tversky_weights(alpha, beta)
    y_true, y_pred, axis = _mask_inputs(y_true, y_pred, axis, "tversky")
    true_positive = np.sum(y_true * y_pred, axis=axis, keepdims=True)
    false_positive = np.sum((1.0 - y_true) * y_pred, axis=axis, keepdims=True)
    false_negative = np.sum(y_true * (1.0 - y_pred), axis=axis, keepdims=True)
    denominator = true_positive + alpha * false_positive + beta * false_negative + EPSILON
    # dTP/dp = y, dFP/dp = 1 - y, dFN/dp = -y.
    d_denominator = y_true + alpha * (1.0 - y_true) - beta * y_true
    return -(y_true * denominator - true_positive * d_denominator) / np.square(denominator)


__all__ = registered_in(__name__)
GRADIENTS = gradients_in(__name__)
