"""Cross-entropies for integer class labels as NumPy twins: sparse categorical, generalized.

The conventions they share with the other cross-entropies are in :mod:`lossviz.losses.crossentropy`.
"""

from __future__ import annotations

import numpy as np

from lossviz._validation import fail
from lossviz.losses._common import (
    CLIPS_THEN_NORMALIZES,
    EPSILON,
    as_batch_array,
    check_class_axis,
    check_integer_labels,
    check_probabilities_unless_logits,
    clip_mask,
    clip_probabilities,
    finite_number,
    softmax,
    truncated_labels,
    warn_outside,
    warn_user,
)
from lossviz.losses._registry import gradient_of, gradients_in, register_loss, registered_in


def _sparse_inputs(y_true, y_pred, from_logits, ignore_class, axis):
    y_pred = as_batch_array(y_pred, "y_pred")
    y_true = as_batch_array(y_true, "y_true")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        fail("axis", "an integer axis", axis)
    axis = check_class_axis(axis, y_pred.ndim) % y_pred.ndim
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


@register_loss(short=True)
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


@gradient_of(sparse_categorical_crossentropy)
def _sparse_categorical_crossentropy_gradient(y_true, y_pred, *, from_logits=False, ignore_class=None, axis=-1):
    one_hot, scores, valid, axis = _sparse_inputs(y_true, y_pred, from_logits, ignore_class, axis)
    if from_logits:
        gradient = softmax(scores, -1) - one_hot
    else:
        clipped = clip_probabilities(scores)
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


@register_loss()
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

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    check_generalized_inputs(y_true, y_pred, q)
    y_pred = np.asarray(y_pred)
    y_pred = y_pred if np.issubdtype(y_pred.dtype, np.floating) else y_pred.astype(np.float32)
    labels = np.asarray(y_true).astype(np.int64).reshape(y_pred.shape[:-1] + (1,))  # (B,) or (B, 1)
    # One-hot as Keras does: a label outside [0, C) matches no class, so its p is 0.
    true_class_probability = np.sum(y_pred * (np.arange(y_pred.shape[-1]) == labels), axis=-1)
    return np.asarray((1.0 - np.power(true_class_probability, q)) / q)


@gradient_of(categorical_generalized_cross_entropy)
def _categorical_generalized_cross_entropy_gradient(y_true, y_pred, *, q):
    one_hot, probabilities, q = _generalized_inputs(y_true, y_pred, q)
    true_class_probability = np.sum(probabilities * one_hot, axis=-1, keepdims=True)
    # -p^(q-1) is -inf at p = 0: the loss really is vertical there (no clipping in Keras).
    with np.errstate(divide="ignore"):
        slope = -np.power(true_class_probability, q - 1.0)
    return np.where(one_hot > 0.0, slope, 0.0)


__all__ = registered_in(__name__)
GRADIENTS = gradients_in(__name__)
