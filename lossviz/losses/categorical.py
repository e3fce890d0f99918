"""Categorical cross-entropy and its focal variant as NumPy twins, for one-hot or soft targets.

The conventions they share with the binary ones are in :mod:`lossviz.losses.crossentropy`.
"""

from __future__ import annotations

import warnings

import numpy as np

from lossviz._validation import fail, returns_like
from lossviz.losses._common import (
    EPSILON,
    NORMALIZES_PROBABILITIES,
    as_float_pair,
    check_class_axis,
    check_gamma,
    check_label_smoothing,
    check_probabilities_unless_logits,
    check_targets_in_unit_interval,
    clip_mask,
    clip_probabilities,
    normalize_backward,
    paired_arrays,
    softmax,
    softmax_backward,
    warn_user,
)
from lossviz.losses._registry import gradient_of, gradients_in, register_loss, registered_in


def _categorical_inputs(y_true, y_pred, from_logits, label_smoothing, axis, name):
    check_label_smoothing(label_smoothing)
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        fail("axis", "an integer axis", axis)
    y_true, y_pred = paired_arrays(y_true, y_pred, class_axis=axis)
    axis = check_class_axis(axis, y_pred.ndim)
    check_targets_in_unit_interval(y_true, "one-hot or soft labels")
    check_probabilities_unless_logits(y_pred, from_logits, NORMALIZES_PROBABILITIES)
    num_classes = y_pred.shape[axis]
    if not from_logits and np.any(np.sum(y_pred, axis=axis) == 0.0):
        received = "a row of zeros" if np.any(np.all(y_pred == 0.0, axis=axis)) else "a row summing to 0"
        fail(
            "y_pred",
            f"probabilities with a non-zero sum along axis {axis} (Keras divides by it and returns NaN)",
            f"Received: {received}",
        )
    if num_classes == 1:
        warnings.warn(
            f"In {name}, y_pred has a single class along axis {axis} (shape {y_pred.shape}): "
            "the loss is then constant; use binary_crossentropy for two classes.",
            UserWarning,
            stacklevel=3,
        )
    return y_true, y_pred, axis


def _smoothed(y_true, label_smoothing, num_classes):
    """Targets moved towards uniform: ``y (1 - ls) + ls / C``."""
    label_smoothing = float(label_smoothing)
    # Keras 3.15 divides by the size of the LAST axis even when axis != -1; the
    # number of classes is the size of `axis`, which is what is used here.
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes if label_smoothing else y_true


@returns_like(as_float_pair)
def check_categorical_inputs(y_true, y_pred, from_logits, label_smoothing, axis, name="categorical_crossentropy"):
    """Refuse rows summing to 0, bad smoothing, axis or shapes; warn on one class and on
    targets or probabilities outside [0, 1], which Keras accepts. Return the pair,
    unsmoothed, as :func:`as_float_pair` converts it."""
    return _categorical_inputs(y_true, y_pred, from_logits, label_smoothing, axis, name)[:2]


def _normalized_probabilities(y_pred, axis):
    total = np.sum(y_pred, axis=axis, keepdims=True)
    return y_pred / total, total


@register_loss(short=True)
def categorical_crossentropy(y_true, y_pred, *, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy per sample, for one-hot (or soft) targets.

    With targets smoothed to ``y (1 - ls) + ls / C`` (C classes along ``axis``)::

        probabilities: p = clip(y_pred / sum(y_pred), 1e-7, 1 - 1e-7)
                       loss = -sum(y log p, axis=axis)
        logits x:      loss = -sum(y log_softmax(x), axis=axis)

    Probabilities are renormalised to sum to 1 before clipping, as in Keras.

    Args:
        y_true: One-hot or soft targets in [0, 1], shape ``(B, d0, ..., C)``.
        y_pred: Probabilities in [0, 1], or logits if ``from_logits``; same shape.
        from_logits: Whether ``y_pred`` holds logits. Defaults to False.
        label_smoothing: Float in [0, 1]. Defaults to 0.0.
        axis: The class axis (an int). Defaults to -1.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of ``y_pred``'s shape without ``axis``.

    Raises:
        ValueError: On a one-hot width mismatch, a probability row summing to 0 (Keras
            returns NaN), a non-finite ``label_smoothing``, a bad ``axis``, shapes that
            do not align, NaN/inf or empty input.

    Warns:
        UserWarning: On probabilities outside [0, 1] without ``from_logits`` (Keras
            divides each row by its sum, then clips) and on targets outside [0, 1]
            (used as they are): Keras's number, with a warning naming the argument.

    Example:
        >>> import numpy as np
        >>> y_true = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
        >>> y_pred = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
        >>> np.round(categorical_crossentropy(y_true, y_pred), 4)
        array([0.0513, 2.3026])

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    y_true, y_pred = check_categorical_inputs(y_true, y_pred, from_logits, label_smoothing, axis)
    y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    if from_logits:
        shifted = y_pred - np.max(y_pred, axis=axis, keepdims=True)  # log_softmax, no overflow
        log_probability = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    else:
        log_probability = np.log(np.clip(y_pred / np.sum(y_pred, axis=axis, keepdims=True), EPSILON, 1.0 - EPSILON))
    return np.asarray(-np.sum(y_true * log_probability, axis=axis))


@gradient_of(categorical_crossentropy)
def _categorical_crossentropy_gradient(y_true, y_pred, *, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true, y_pred, axis = _categorical_inputs(
        y_true, y_pred, from_logits, label_smoothing, axis, "categorical_crossentropy"
    )
    y_true = _smoothed(y_true, label_smoothing, y_pred.shape[axis])
    if from_logits:
        # -sum(y log softmax(x)) = sum(y) logsumexp(x) - sum(y x). TensorFlow's fused op
        # returns softmax - y instead, which is only right when every target row sums to 1.
        return np.sum(y_true, axis=axis, keepdims=True) * softmax(y_pred, axis) - y_true
    normalized, total = _normalized_probabilities(y_pred, axis)
    clipped = clip_probabilities(normalized)
    d_normalized = np.where(clip_mask(normalized, EPSILON, 1.0 - EPSILON), -y_true / clipped, 0.0)
    return normalize_backward(d_normalized, normalized, total, axis)


def check_categorical_alpha(alpha, num_classes, axis, ndim):
    """A scalar or one weight per class, non-negative (class weights may exceed 1)."""
    try:
        weights = np.asarray(alpha, dtype=np.float64)
    except (TypeError, ValueError):
        fail("alpha", "a number or one weight per class", alpha)
    if weights.ndim > 1 or (weights.ndim == 1 and weights.shape[0] != num_classes):
        fail("alpha", f"a number or a sequence of {num_classes} class weights", weights)
    if not np.all(np.isfinite(weights)):
        fail("alpha", "finite weights", weights)
    if np.any(weights < 0.0):
        warn_user(
            f"alpha: expected non-negative class weights; got {float(weights.min()):g}. Keras multiplies "
            "the loss by it as it is, so the loss turns negative; this twin returns the same number."
        )
    if weights.ndim == 1:
        shape = [1] * ndim
        shape[axis] = num_classes
        weights = weights.reshape(shape)
    return weights


@register_loss()
def categorical_focal_crossentropy(
    y_true,
    y_pred,
    *,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Categorical focal cross-entropy per sample: confident right answers count less.

    With ``p = softmax(y_pred)`` for logits (else ``y_pred``), renormalised and clipped,
    ``p = clip(p / sum(p), 1e-7, 1 - 1e-7)``, and smoothed targets ``y``::

        loss = sum(alpha * (1 - p) ** gamma * (-y log p), axis=axis)

    Unlike the binary version, ``alpha`` always applies (a scalar, or one weight per class).

    Args:
        y_true: One-hot or soft targets in [0, 1], shape ``(B, d0, ..., C)``.
        y_pred: Probabilities in [0, 1], or logits if ``from_logits``; same shape.
        alpha: Non-negative scalar or sequence of C class weights. Defaults to 0.25.
        gamma: Focusing parameter >= 0. Defaults to 2.0.
        from_logits: Whether ``y_pred`` holds logits. Defaults to False.
        label_smoothing: Float in [0, 1]. Defaults to 0.0.
        axis: The class axis (an int). Defaults to -1.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of ``y_pred``'s shape without ``axis``.

    Raises:
        ValueError: On a non-finite ``gamma`` or ``alpha``, a mis-sized ``alpha``, a
            one-hot width mismatch, a probability row summing to 0 (Keras returns NaN),
            a bad ``axis``, shapes that do not align, NaN/inf or empty input.

    Warns:
        UserWarning: On probabilities or targets outside [0, 1], which Keras accepts
            (as for :func:`categorical_crossentropy`), and on ``gamma < 0``, a negative
            ``alpha`` or ``label_smoothing`` outside [0, 1].

    Example:
        >>> import numpy as np
        >>> y_true = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
        >>> y_pred = [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]
        >>> np.round(categorical_focal_crossentropy(y_true, y_pred), 6)
        array([2.63e-04, 6.75912e-01])

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    check_gamma(gamma)
    y_true, y_pred = check_categorical_inputs(
        y_true, y_pred, from_logits, label_smoothing, axis, "categorical_focal_crossentropy"
    )
    check_categorical_alpha(alpha, np.shape(y_pred)[axis], axis, np.ndim(y_pred))
    y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    alpha = np.asarray(alpha, dtype=y_pred.dtype)
    if alpha.ndim:  # one weight per class, laid along the class axis
        alpha = alpha.reshape((-1,) + (1,) * (y_pred.ndim - 1 - axis % y_pred.ndim))
    probability = y_pred
    if from_logits:
        probability = np.exp(y_pred - np.max(y_pred, axis=axis, keepdims=True))  # softmax, no overflow
    probability = np.clip(probability / np.sum(probability, axis=axis, keepdims=True), EPSILON, 1.0 - EPSILON)
    focal = alpha * np.power(1.0 - probability, gamma) * (-y_true * np.log(probability))
    return np.asarray(np.sum(focal, axis=axis))


@gradient_of(categorical_focal_crossentropy)
def _categorical_focal_crossentropy_gradient(
    y_true,
    y_pred,
    *,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    gamma = check_gamma(gamma)
    y_true, y_pred, axis = _categorical_inputs(
        y_true, y_pred, from_logits, label_smoothing, axis, "categorical_focal_crossentropy"
    )
    y_true = _smoothed(y_true, label_smoothing, y_pred.shape[axis])
    weights = check_categorical_alpha(alpha, y_pred.shape[axis], axis, y_pred.ndim)
    probabilities = softmax(y_pred, axis) if from_logits else y_pred
    normalized, total = _normalized_probabilities(probabilities, axis)
    clipped = clip_probabilities(normalized)
    miss = 1.0 - clipped  # >= 1e-7 after clipping, so miss ** (gamma - 1) is finite
    # d/dp [(1 - p)^gamma (-y log p)] = gamma (1 - p)^(gamma - 1) y log p - (1 - p)^gamma y / p
    d_clipped = weights * (
        gamma * np.power(miss, gamma - 1.0) * y_true * np.log(clipped) - np.power(miss, gamma) * y_true / clipped
    )
    d_normalized = np.where(clip_mask(normalized, EPSILON, 1.0 - EPSILON), d_clipped, 0.0)
    d_probabilities = normalize_backward(d_normalized, normalized, total, axis)
    if from_logits:
        return softmax_backward(d_probabilities, probabilities, axis)
    return d_probabilities


__all__ = registered_in(__name__)
GRADIENTS = gradients_in(__name__)
