"""Cross-entropy losses of Keras 3 as NumPy twins, with their hand-written gradients: binary here,
categorical in :mod:`~lossviz.losses.categorical`, integer labels in :mod:`~lossviz.losses.sparse`.

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

import numpy as np

from lossviz._validation import fail, returns_like
from lossviz.losses._common import (
    EPSILON,
    as_float_pair,
    check_axis,
    check_gamma,
    check_keras_parameter,
    check_label_smoothing,
    check_probabilities_unless_logits,
    check_targets_in_unit_interval,
    clip_mask,
    clip_probabilities,
    paired_arrays,
    per_sample_mean_gradient,
    sigmoid,
)
from lossviz.losses._registry import gradient_of, gradients_in, register_loss, registered_in

# Binary cross-entropy and its focal variant.


def _binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis):
    check_label_smoothing(label_smoothing)
    y_true, y_pred = paired_arrays(y_true, y_pred)
    check_targets_in_unit_interval(y_true, "binary targets or soft labels")
    check_probabilities_unless_logits(y_pred, from_logits)
    axis = check_axis(axis, y_pred.ndim)
    return y_true, y_pred, axis


def _smoothed(y_true, label_smoothing):
    """Binary targets moved towards 1/2: ``y (1 - ls) + ls / 2``."""
    label_smoothing = float(label_smoothing)
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing if label_smoothing else y_true


@returns_like(as_float_pair)
def check_binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis):
    """Refuse a bad axis or smoothing, bad shapes; warn on targets or probabilities
    outside [0, 1], which Keras accepts (it clips the probabilities). Return the pair,
    unsmoothed, as :func:`as_float_pair` converts it."""
    return _binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis)[:2]


def _binary_crossentropy_elementwise(target, probability):
    clipped = clip_probabilities(probability)
    return -(target * np.log(clipped) + (1.0 - target) * np.log(1.0 - clipped))


def _binary_crossentropy_elementwise_gradient(target, probability):
    clipped = clip_probabilities(probability)
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


@register_loss(aliases=("bce",), short=True)
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
    y_true, y_pred = check_binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis)
    y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        # softplus(x) - x y = -(y log sigmoid(x) + (1 - y) log sigmoid(-x)), never log(0).
        elementwise = np.logaddexp(0.0, y_pred) - y_pred * y_true
    else:
        probability = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        elementwise = -(y_true * np.log(probability) + (1.0 - y_true) * np.log(1.0 - probability))
    return np.asarray(np.mean(elementwise, axis=axis))


@gradient_of(binary_crossentropy)
def _binary_crossentropy_gradient(y_true, y_pred, *, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true, y_pred, axis = _binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis)
    y_true = _smoothed(y_true, label_smoothing)
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


@returns_like(as_float_pair)
def check_binary_focal_inputs(y_true, y_pred, gamma, from_logits, label_smoothing, axis):
    """As :func:`check_binary_inputs`, and refuse inputs for which Keras's focal factor is NaN."""
    y_true, y_pred, _ = _binary_inputs(y_true, y_pred, from_logits, label_smoothing, axis)
    _check_focal_base(_smoothed(y_true, label_smoothing), y_pred, gamma, from_logits)
    return y_true, y_pred


@register_loss(short=True)
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

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    check_binary_alpha(alpha)
    check_gamma(gamma)
    y_true, y_pred = check_binary_focal_inputs(y_true, y_pred, gamma, from_logits, label_smoothing, axis)
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


@gradient_of(binary_focal_crossentropy)
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
    y_true = _smoothed(y_true, label_smoothing)
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


# The categorical and integer-label cross-entropies and their checks, re-exported here;
# imported after the binary ones so that the registry lists the cross-entropies in this order.
from lossviz.losses.categorical import (  # noqa: E402, F401
    categorical_crossentropy,
    categorical_focal_crossentropy,
    check_categorical_alpha,
    check_categorical_inputs,
)
from lossviz.losses.sparse import (  # noqa: E402, F401
    categorical_generalized_cross_entropy,
    check_generalized_inputs,
    check_sparse_inputs,
    sparse_categorical_crossentropy,
)

__all__ = registered_in(__name__, "lossviz.losses.categorical", "lossviz.losses.sparse")
GRADIENTS = gradients_in(__name__, "lossviz.losses.categorical", "lossviz.losses.sparse")
