"""Cross-entropy losses of Keras 3 as NumPy twins, with their hand-written gradients.

Conventions shared with Keras 3.15 (TensorFlow backend):

* probabilities are clipped to ``[1e-7, 1 - 1e-7]`` before any ``log``; inside the
  clipped region the loss is flat, so its gradient is exactly 0 there (TensorFlow's
  ``clip_by_value`` still passes the gradient on the bounds themselves);
* ``from_logits=True`` uses the stable logits formulas (``log_softmax``, the sigmoid
  cross-entropy ``max(x, 0) - x y + log(1 + exp(-|x|))``), never ``log(sigmoid(x))``;
* label smoothing moves targets towards uniform: ``y (1 - ls) + ls / 2`` for binary,
  ``y (1 - ls) + ls / C`` for C classes;
* "probabilities" outside [0, 1] and targets outside [0, 1] are accepted: Keras clips
  the first and uses the second as they are, and so do the twins, with a
  ``UserWarning`` naming the argument (such input is almost surely a mistake, often
  logits passed without ``from_logits=True``).
"""

from __future__ import annotations

import warnings

import numpy as np

from lossviz._validation import fail
from lossviz.losses._common import (
    CLIPS_THEN_NORMALIZES,
    EPSILON,
    NORMALIZES_PROBABILITIES,
    as_batch_array,
    as_float_pair,
    check_axis,
    check_gamma,
    check_integer_labels,
    check_keras_parameter,
    check_label_smoothing,
    check_probabilities_unless_logits,
    check_targets_in_unit_interval,
    clip_mask,
    finite_number,
    truncated_labels,
    warn_outside,
    log_softmax,
    normalize_backward,
    paired_arrays,
    per_sample_mean_gradient,
    sigmoid,
    softmax,
    softmax_backward,
    warn_user,
)

__all__ = [
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "sparse_categorical_crossentropy",
    "categorical_generalized_cross_entropy",
]


def _clip_probabilities(probabilities):
    return np.clip(probabilities, EPSILON, 1.0 - EPSILON)


# Binary cross-entropy and its focal variant.


def _binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis):
    label_smoothing = check_label_smoothing(label_smoothing)
    y_true, y_pred = paired_arrays(y_true, y_pred)
    check_targets_in_unit_interval(y_true, "binary targets or soft labels")
    check_probabilities_unless_logits(y_pred, from_logits)
    axis = check_axis(axis, y_pred.ndim)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return y_true, y_pred, axis


def check_binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis):
    """Refuse a bad axis or smoothing, bad shapes; warn on targets or probabilities
    outside [0, 1], which Keras accepts (it clips the probabilities)."""
    _binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis)


def _binary_crossentropy_elementwise(target, probability):
    clipped = _clip_probabilities(probability)
    return -(target * np.log(clipped) + (1.0 - target) * np.log(1.0 - clipped))


def _binary_crossentropy_elementwise_gradient(target, probability):
    clipped = _clip_probabilities(probability)
    slope = -(target / clipped - (1.0 - target) / (1.0 - clipped))
    return np.where(clip_mask(probability, EPSILON, 1.0 - EPSILON), slope, 0.0)


def _logits_binary_crossentropy_elementwise(target, logits):
    # max(x, 0) - x y + log(1 + exp(-|x|)) = -(y log sigmoid(x) + (1 - y) log sigmoid(-x)).
    return np.maximum(logits, 0.0) - logits * target + np.log1p(np.exp(-np.abs(logits)))


def _focal_bce(target, y_pred, probability, from_logits):
    """The cross-entropy inside the focal loss. For logits Keras's TensorFlow backend
    recovers them from its sigmoid (``_keras_logits``) and uses the unclipped logits
    formula; probabilities are clipped as usual."""
    if from_logits:
        return _logits_binary_crossentropy_elementwise(target, y_pred)
    return _binary_crossentropy_elementwise(target, probability)


def binary_crossentropy(y_true, y_pred, *, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy per sample.

    With targets ``y`` smoothed to ``y (1 - ls) + ls / 2``::

        probabilities: p = clip(y_pred, 1e-7, 1 - 1e-7)
                       bce = -(y log p + (1 - y) log(1 - p))
        logits x:      bce = softplus(x) - x y = log(1 + exp(x)) - x y
        loss = mean(bce, axis=axis)

    The logits form equals the probability form with ``p = sigmoid(x)`` but never
    takes ``log(0)``: a logit of -100 with label 1 costs 100, where clipped
    probabilities would cap it at ``-log(1e-7) = 16.1``.

    Computed in ``y_pred``'s float dtype, as Keras's function form on TensorFlow: in
    float32, ``1 - 1e-7`` rounds to ``1 - 1.19e-7``, so a saturated wrong prediction
    costs 15.94 on one side and 16.12 on the other, exactly as in Keras. Integer input
    is computed in float32.

    Args:
        y_true: Targets in [0, 1] (labels or soft labels), shape ``(B, d0, ..., dN)``.
        y_pred: Probabilities in [0, 1] (clipped to ``[1e-7, 1 - 1e-7]``, as Keras
            does, with a warning when outside [0, 1]), or logits if ``from_logits``;
            same shape.
        from_logits: Whether ``y_pred`` holds logits. Defaults to False.
        label_smoothing: Float in [0, 1]. Defaults to 0.0.
        axis: Axis (or tuple of axes) to average over. Defaults to -1.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)`` (``axis`` removed).

    Raises:
        ValueError: On a non-finite ``label_smoothing``, a bad ``axis``, shapes that
            do not align, NaN/inf or empty input.

    Warns:
        UserWarning: On probabilities outside [0, 1] without ``from_logits`` (Keras
            clips them, so does the twin), on targets outside [0, 1] (used as they
            are) and on ``label_smoothing`` outside [0, 1] (applied as it is): Keras's
            number, with a warning naming the argument.

    Example:
        >>> import numpy as np
        >>> y_true = [[0.0, 1.0], [0.0, 0.0]]
        >>> np.round(binary_crossentropy(y_true, [[0.6, 0.4], [0.4, 0.6]]), 4)
        array([0.9163, 0.7136])
        >>> np.round(binary_crossentropy([[1.0]], [[-100.0]], from_logits=True), 4)
        array([100.])

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    check_binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis)
    y_true, y_pred = as_float_pair(y_true, y_pred)
    y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        # softplus(x) - x y = -(y log sigmoid(x) + (1 - y) log sigmoid(-x)), never log(0).
        elementwise = np.logaddexp(0.0, y_pred) - y_pred * y_true
    else:
        probability = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        elementwise = -(y_true * np.log(probability) + (1.0 - y_true) * np.log(1.0 - probability))
    return np.asarray(np.mean(elementwise, axis=axis))


def _binary_crossentropy_gradient(y_true, y_pred, *, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true, y_pred, axis = _binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis)
    if from_logits:
        elementwise = sigmoid(y_pred) - y_true
    else:
        elementwise = _binary_crossentropy_elementwise_gradient(y_true, y_pred)
    return per_sample_mean_gradient(elementwise, axis)


def check_binary_alpha(alpha) -> float:
    return check_keras_parameter(
        alpha, "alpha", 0.0, 1.0,
        "Keras weights class 1 by alpha and class 0 by 1 - alpha as they are, so one weight is negative",
    )  # fmt: skip


def _check_focal_base(y_true, y_pred, gamma, from_logits):
    """Refuse what makes Keras's focal factor NaN: ``(1 - p_t) ** gamma`` of a negative
    base (a probability outside [0, 1] on the wrong side) with a non-integer ``gamma``."""
    if from_logits or float(gamma).is_integer():
        return
    miss = 1.0 - (y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred))
    if np.any(miss < 0.0):
        fail(
            "y_pred",
            f"probabilities in [0, 1]: with gamma={gamma:g} (not an integer) Keras raises the negative "
            "1 - p_t of a probability outside [0, 1] to a fractional power and returns NaN",
            f"Received: min={float(y_pred.min()):.6g}, max={float(y_pred.max()):.6g}",
        )


def check_binary_focal_inputs(y_true, y_pred, gamma, from_logits, label_smoothing, axis):
    """As :func:`check_binary_inputs`, and refuse inputs for which Keras's focal factor is NaN."""
    y_true, y_pred, _ = _binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis)
    _check_focal_base(y_true, y_pred, gamma, from_logits)


def binary_focal_crossentropy(
    y_true,
    y_pred,
    *,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary focal cross-entropy per sample (Lin et al., 2017): easy examples count less.

    With ``p = sigmoid(y_pred)`` for logits (else ``y_pred``) and smoothed targets ``y``::

        p_t  = y p + (1 - y) (1 - p)                 # probability of the right answer
        bce  = binary_crossentropy(y, y_pred, from_logits)   # elementwise
        loss = mean(w * (1 - p_t) ** gamma * bce, axis=axis)

    ``w = y alpha + (1 - y) (1 - alpha)`` ONLY when ``apply_class_balancing=True``;
    by default ``alpha`` is ignored (a frequent misunderstanding). With logits the
    ``bce`` factor uses the stable, unclipped logits formula: Keras's code applies
    ``sigmoid`` first, but its TensorFlow backend remembers the logits of its own
    sigmoid and uses them (other backends would clip ``p``).

    Args:
        y_true: Targets in [0, 1], shape ``(B, d0, ..., dN)``.
        y_pred: Probabilities in [0, 1], or logits if ``from_logits``; same shape.
        apply_class_balancing: Whether to weight classes by ``alpha``. Defaults to False.
        alpha: Weight of class 1 in [0, 1] (class 0 gets ``1 - alpha``). Defaults to 0.25.
        gamma: Focusing parameter >= 0; 0 gives plain cross-entropy. Defaults to 2.0.
        from_logits: Whether ``y_pred`` holds logits. Defaults to False.
        label_smoothing: Float in [0, 1]. Defaults to 0.0.
        axis: Axis (or tuple of axes) to average over. Defaults to -1.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)`` (``axis`` removed).

    Raises:
        ValueError: On a non-finite ``gamma``, ``alpha`` or ``label_smoothing``, a
            probability outside [0, 1] that makes ``1 - p_t`` negative with a
            non-integer ``gamma`` (Keras returns NaN), a bad ``axis``, shapes that do not
            align, NaN/inf or empty input.

    Warns:
        UserWarning: On probabilities or targets outside [0, 1], which Keras accepts
            (the ``bce`` factor clips the probability, ``p_t`` uses it as it is), and on
            ``gamma < 0``, ``alpha`` or ``label_smoothing`` outside [0, 1].

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
        >>> np.round(binary_focal_crossentropy(y_true, y_pred, gamma=2.0), 4)
        array([0.3299, 0.2058])

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    check_binary_alpha(alpha)
    check_gamma(gamma)
    check_binary_focal_inputs(y_true, y_pred, gamma, from_logits, label_smoothing, axis)
    y_true, y_pred = as_float_pair(y_true, y_pred)
    y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        probability = np.exp(-np.logaddexp(0.0, -y_pred))  # sigmoid, without overflow
        bce = np.logaddexp(0.0, y_pred) - y_pred * y_true
    else:
        probability = y_pred
        clipped = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        bce = -(y_true * np.log(clipped) + (1.0 - y_true) * np.log(1.0 - clipped))
    p_t = y_true * probability + (1.0 - y_true) * (1.0 - probability)
    focal = np.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return np.asarray(np.mean(focal, axis=axis))


def _binary_focal_crossentropy_gradient(
    y_true,
    y_pred,
    *,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    alpha, gamma = check_binary_alpha(alpha), check_gamma(gamma)
    y_true, y_pred, axis = _binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis)
    _check_focal_base(y_true, y_pred, gamma, from_logits)
    probability = sigmoid(y_pred) if from_logits else y_pred
    miss = y_true * (1.0 - probability) + (1.0 - y_true) * probability  # 1 - p_t
    bce = _focal_bce(y_true, y_pred, probability, from_logits)
    # d(miss)/dp = 1 - 2y; d(miss**gamma)/d(miss) = gamma miss**(gamma - 1), which is 0
    # for gamma = 0 and infinite at miss = 0 for 0 < gamma < 1 (a true vertical slope).
    with np.errstate(divide="ignore"):
        focal_slope = gamma * np.power(miss, gamma - 1.0) if gamma else np.zeros_like(miss)
    d_focal = focal_slope * (1.0 - 2.0 * y_true)
    if from_logits:
        sigmoid_slope = probability * (1.0 - probability)
        # A saturated sigmoid (p exactly 0 or 1) has slope 0; when that also makes
        # miss = 0, the limit of the product is 0, not 0 * inf.
        d_focal = np.where(sigmoid_slope > 0.0, d_focal * sigmoid_slope, 0.0)
        d_bce = sigmoid(y_pred) - y_true
    else:
        d_bce = _binary_crossentropy_elementwise_gradient(y_true, probability)
    gradient = d_focal * bce + np.power(miss, gamma) * d_bce
    if apply_class_balancing:
        gradient = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * gradient
    return per_sample_mean_gradient(gradient, axis)


# Categorical cross-entropy and its focal variant.


def _check_class_axis(axis, ndim):
    return check_axis(axis, ndim, allow_tuple=False)


def _categorical_inputs(y_true, y_pred, from_logits, label_smoothing, axis, name):
    label_smoothing = check_label_smoothing(label_smoothing)
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        fail("axis", "an integer axis", axis)
    y_true, y_pred = paired_arrays(y_true, y_pred, class_axis=axis)
    axis = _check_class_axis(axis, y_pred.ndim)
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
    if label_smoothing:
        # Keras 3.15 divides by the size of the LAST axis even when axis != -1; the
        # number of classes is the size of `axis`, which is what is used here.
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return y_true, y_pred, axis


def check_categorical_inputs(y_true, y_pred, from_logits, label_smoothing, axis, name="categorical_crossentropy"):
    """Refuse rows summing to 0, bad smoothing, axis or shapes; warn on one class and on
    targets or probabilities outside [0, 1], which Keras accepts."""
    _categorical_inputs(y_true, y_pred, from_logits, label_smoothing, axis, name)


def _normalized_probabilities(y_pred, axis):
    total = np.sum(y_pred, axis=axis, keepdims=True)
    return y_pred / total, total


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
    check_categorical_inputs(y_true, y_pred, from_logits, label_smoothing, axis)
    y_true, y_pred = as_float_pair(y_true, y_pred)
    y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    if from_logits:
        shifted = y_pred - np.max(y_pred, axis=axis, keepdims=True)  # log_softmax, no overflow
        log_probability = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    else:
        log_probability = np.log(np.clip(y_pred / np.sum(y_pred, axis=axis, keepdims=True), EPSILON, 1.0 - EPSILON))
    return np.asarray(-np.sum(y_true * log_probability, axis=axis))


def _categorical_crossentropy_gradient(y_true, y_pred, *, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true, y_pred, axis = _categorical_inputs(
        y_true, y_pred, from_logits, label_smoothing, axis, "categorical_crossentropy"
    )
    if from_logits:
        # -sum(y log softmax(x)) = sum(y) logsumexp(x) - sum(y x). TensorFlow's fused op
        # returns softmax - y instead, which is only right when every target row sums to 1.
        return np.sum(y_true, axis=axis, keepdims=True) * softmax(y_pred, axis) - y_true
    normalized, total = _normalized_probabilities(y_pred, axis)
    clipped = _clip_probabilities(normalized)
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

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    check_gamma(gamma)
    check_categorical_inputs(y_true, y_pred, from_logits, label_smoothing, axis, "categorical_focal_crossentropy")
    check_categorical_alpha(alpha, np.shape(y_pred)[axis], axis, np.ndim(y_pred))
    y_true, y_pred = as_float_pair(y_true, y_pred)
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
    weights = check_categorical_alpha(alpha, y_pred.shape[axis], axis, y_pred.ndim)
    probabilities = softmax(y_pred, axis) if from_logits else y_pred
    normalized, total = _normalized_probabilities(probabilities, axis)
    clipped = _clip_probabilities(normalized)
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


# Integer-label cross-entropies.


def _sparse_inputs(y_true, y_pred, from_logits, ignore_class, axis):
    y_pred = as_batch_array(y_pred, "y_pred")
    y_true = as_batch_array(y_true, "y_true")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        fail("axis", "an integer axis", axis)
    axis = _check_class_axis(axis, y_pred.ndim) % y_pred.ndim
    if axis != y_pred.ndim - 1:
        # TensorFlow raises "Only axis=-1 is currently supported"; JAX insists on labels of
        # shape y_pred.shape[:-1] and then mixes axes. Move the class axis last instead.
        fail(
            "axis",
            f"the last axis (-1 or {y_pred.ndim - 1}): Keras's sparse crossentropy raises for any "
            "other on TensorFlow; move the class axis last (np.moveaxis) first",
            f"Received: axis={axis}",
        )
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = np.squeeze(y_true, axis=axis)
    expected_shape = y_pred.shape[:axis] + y_pred.shape[axis + 1 :]
    if y_true.shape != expected_shape:
        fail(
            "y_true",
            f"integer class labels of shape {expected_shape} (y_pred.shape={y_pred.shape} "
            f"without its class axis {axis}); one-hot targets need categorical_crossentropy",
            f"Received: y_true.shape={y_true.shape}",
        )
    num_classes = y_pred.shape[axis]
    labels = check_integer_labels(y_true, "y_true", num_classes, ignore_class=ignore_class)
    check_probabilities_unless_logits(y_pred, from_logits, CLIPS_THEN_NORMALIZES)
    valid = np.ones(labels.shape, dtype=bool) if ignore_class is None else labels != ignore_class
    # Class axis last, so that labels index the last dimension.
    scores = np.moveaxis(y_pred, axis, -1)
    one_hot = np.eye(num_classes, dtype=y_pred.dtype)[np.where(valid, labels, 0)] * valid[..., np.newaxis]
    return one_hot, scores, valid, axis


def check_sparse_inputs(y_true, y_pred, from_logits, ignore_class, axis):
    """Refuse labels that are not integers in [0, C), bad shapes or axes, bad probabilities."""
    _sparse_inputs(y_true, y_pred, from_logits, ignore_class, axis)


def sparse_categorical_crossentropy(y_true, y_pred, *, from_logits=False, ignore_class=None, axis=-1):
    """Categorical cross-entropy per sample, for integer class labels.

    ``loss = -log p[y]`` with::

        logits x:      log p = log_softmax(x)
        probabilities: log p = log(c) - log(sum(c)),  c = clip(y_pred, 1e-7, 1 - 1e-7)

    For probabilities Keras takes ``log`` of the clipped values and feeds them to a
    softmax cross-entropy as if they were logits, so a row that does not sum to 1 is
    renormalised (after clipping); this twin does the same. Labels equal to
    ``ignore_class`` give a loss of 0 (Keras also masks them out of the mean).

    Args:
        y_true: Integer labels in [0, C), shape ``(B, d0, ...)`` (a trailing size-1
            axis is dropped).
        y_pred: Probabilities or logits with the class axis ``axis``: ``(B, d0, ..., C)``.
        from_logits: Whether ``y_pred`` holds logits. Defaults to False.
        ignore_class: Optional label to ignore (e.g. -1 or 255). Defaults to None.
        axis: The class axis of ``y_pred``; only -1 (the last), as Keras on
            TensorFlow, which raises for any other. Defaults to -1.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of ``y_pred``'s shape without ``axis``.

    Raises:
        ValueError: On labels outside [0, C) (Keras on TensorFlow raises too; JAX scores
            them 0), label shapes that do not match, a bad ``axis``, NaN/inf or empty input.

    Warns:
        UserWarning: On probabilities outside [0, 1] without ``from_logits`` (Keras
            clips them; on TensorFlow before renormalising, as here, on JAX after) and
            on non-integer labels (Keras truncates them toward zero, as here).

    Example:
        >>> import numpy as np
        >>> y_pred = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
        >>> np.round(sparse_categorical_crossentropy([1, 2], y_pred), 4)
        array([0.0513, 2.3026])

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    check_sparse_inputs(y_true, y_pred, from_logits, ignore_class, axis)
    y_pred = np.asarray(y_pred)
    y_pred = y_pred if np.issubdtype(y_pred.dtype, np.floating) else y_pred.astype(np.float32)
    labels = np.asarray(y_true).astype(np.int64)
    if labels.ndim == y_pred.ndim:
        labels = labels[..., 0]  # (B, 1) labels
    valid = np.full(labels.shape, True) if ignore_class is None else labels != ignore_class
    if from_logits:
        shifted = y_pred - np.max(y_pred, axis=-1, keepdims=True)  # log_softmax, no overflow
        log_probability = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    else:
        clipped = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        log_probability = np.log(clipped) - np.log(np.sum(clipped, axis=-1, keepdims=True))
    true_class = np.where(valid, labels, 0)[..., np.newaxis]
    loss = -np.take_along_axis(log_probability, true_class, axis=-1)[..., 0]
    return np.asarray(np.where(valid, loss, 0.0))


def _sparse_categorical_crossentropy_gradient(y_true, y_pred, *, from_logits=False, ignore_class=None, axis=-1):
    one_hot, scores, valid, axis = _sparse_inputs(y_true, y_pred, from_logits, ignore_class, axis)
    if from_logits:
        gradient = softmax(scores, -1) - one_hot
    else:
        clipped = _clip_probabilities(scores)
        gradient = 1.0 / np.sum(clipped, axis=-1, keepdims=True) - one_hot / clipped
        gradient = np.where(clip_mask(scores, EPSILON, 1.0 - EPSILON), gradient, 0.0)
    gradient = np.where(valid[..., np.newaxis], gradient, 0.0)
    return np.moveaxis(gradient, -1, axis)


def _generalized_inputs(y_true, y_pred, q):
    q = finite_number(q, "q", "a number in (0, 1)")
    if q == 0.0:
        fail("q", "a number in (0, 1) (Keras divides by q and returns NaN at 0)", q)
    if not 0.0 < q < 1.0:
        warn_user(
            f"q: expected a number in (0, 1); got {q:g}. Keras's function computes (1 - p ** q) / q "
            "as it is (its class CategoricalGeneralizedCrossEntropy refuses it); this twin returns the same number."
        )
    y_pred = as_batch_array(y_pred, "y_pred")
    labels = as_batch_array(y_true, "y_true", y_pred.dtype)
    if labels.shape == y_pred.shape[:-1] + (1,):
        labels = labels[..., 0]
    if labels.shape != y_pred.shape[:-1]:
        fail(
            "y_true",
            f"integer class labels of shape {y_pred.shape[:-1]} (y_pred.shape={y_pred.shape} "
            "without its class axis -1); one-hot targets need categorical_crossentropy",
            f"Received: y_true.shape={labels.shape}",
        )
    num_classes = y_pred.shape[-1]
    labels = truncated_labels(labels, "y_true")
    outside = (labels < 0) | (labels >= num_classes)
    if outside.any():
        warn_user(
            f"y_true: expected class labels in [0, {num_classes - 1}] for {num_classes} classes; got "
            f"{labels[outside].ravel()[0]:g}. Keras one-hot encodes such a label as a row of zeros, so its "
            f"probability is 0 and its loss 1/q = {1.0 / q:g}; this twin returns the same number."
        )
    one_hot = (np.arange(num_classes) == labels[..., np.newaxis]).astype(y_pred.dtype)
    true_class_probability = np.sum(y_pred * one_hot, axis=-1)
    if np.any(true_class_probability < 0.0):
        fail(
            "y_pred",
            "probabilities in [0, 1]: Keras raises a negative probability of the true class to the "
            "power q and returns NaN",
            f"Received: min={float(true_class_probability.min()):.6g} for a true class",
        )
    warn_outside(
        y_pred, "y_pred", "probabilities in [0, 1]",
        "Keras does not clip them here: (1 - p ** q) / q of a true-class probability above 1 is negative",
    )  # fmt: skip
    return one_hot, y_pred, q


def check_generalized_inputs(y_true, y_pred, q):
    """Refuse ``q`` outside (0, 1), label shapes that do not match and negative true-class
    probabilities (Keras returns NaN); warn on what Keras accepts: non-integer or
    out-of-range labels, probabilities above 1."""
    _generalized_inputs(y_true, y_pred, q)


def categorical_generalized_cross_entropy(y_true, y_pred, *, q):
    """Generalized cross-entropy per sample (Zhang & Sabuncu, 2018), robust to noisy labels.

    ``loss = (1 - p[y] ** q) / q`` with ``p[y]`` the predicted probability of the true
    class (not clipped). As ``q -> 0`` it tends to cross-entropy ``-log p[y]``; at
    ``q = 1`` it is ``1 - p[y]``, an MAE-like loss.

    Keras 3.15 documents labels of shape ``(B,)`` or ``(B, 1)`` but silently broadcasts
    ``(B, 1)`` into a ``(B, B)`` result; here ``(B, 1)`` is treated as ``(B,)``.

    Args:
        y_true: Integer labels in [0, C), shape ``(B,)`` or ``(B, 1)``
            (more generally ``y_pred.shape[:-1]``).
        y_pred: Probabilities in [0, 1], shape ``(B, C)``.
        q: Noise parameter in the open interval (0, 1); required, as in Keras's
            function (the class ``CategoricalGeneralizedCrossEntropy`` defaults to 0.5).

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B,)``.

    Raises:
        ValueError: On ``q = 0`` (Keras divides by it), a negative probability of the
            true class (Keras returns NaN), label shapes that do not match, NaN/inf or
            empty input.

    Warns:
        UserWarning: On what Keras accepts and scores: probabilities above 1 (not
            clipped: the loss goes negative), non-integer labels (truncated toward
            zero), labels outside [0, C) (a row of zeros: p = 0, loss 1/q), and ``q``
            outside (0, 1), which Keras's function computes with.

    Example:
        >>> import numpy as np
        >>> y_pred = [[0.7, 0.3], [0.2, 0.8]]
        >>> np.round(categorical_generalized_cross_entropy([0, 1], y_pred, q=0.5), 4)
        array([0.3267, 0.2111])

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    check_generalized_inputs(y_true, y_pred, q)
    y_pred = np.asarray(y_pred)
    y_pred = y_pred if np.issubdtype(y_pred.dtype, np.floating) else y_pred.astype(np.float32)
    labels = np.asarray(y_true).astype(np.int64).reshape(y_pred.shape[:-1] + (1,))  # (B,) or (B, 1)
    # One-hot as Keras does: a label outside [0, C) matches no class, so its p is 0.
    true_class_probability = np.sum(y_pred * (np.arange(y_pred.shape[-1]) == labels), axis=-1)
    return np.asarray((1.0 - np.power(true_class_probability, q)) / q)


def _categorical_generalized_cross_entropy_gradient(y_true, y_pred, *, q):
    one_hot, probabilities, q = _generalized_inputs(y_true, y_pred, q)
    true_class_probability = np.sum(probabilities * one_hot, axis=-1, keepdims=True)
    # -p^(q-1) is -inf at p = 0: the loss really is vertical there (no clipping in Keras).
    with np.errstate(divide="ignore"):
        slope = -np.power(true_class_probability, q - 1.0)
    return np.where(one_hot > 0.0, slope, 0.0)


GRADIENTS = {
    binary_crossentropy: _binary_crossentropy_gradient,
    binary_focal_crossentropy: _binary_focal_crossentropy_gradient,
    categorical_crossentropy: _categorical_crossentropy_gradient,
    categorical_focal_crossentropy: _categorical_focal_crossentropy_gradient,
    sparse_categorical_crossentropy: _sparse_categorical_crossentropy_gradient,
    categorical_generalized_cross_entropy: _categorical_generalized_cross_entropy_gradient,
}
