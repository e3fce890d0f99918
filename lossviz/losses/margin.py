"""Hinge (margin) losses of Keras 3 as NumPy twins: hinge, squared_hinge, categorical_hinge.

Margin losses for classifiers that output raw scores. Labels are -1/+1; Keras maps
0/1 labels to -1/+1, but only when EVERY label in the call is 0 or 1.
"""

from __future__ import annotations

import numpy as np

from lossviz.losses._common import check_pair, paired_arrays, per_sample_mean_gradient
from lossviz.losses._registry import gradient_of, gradients_in, register_loss, registered_in


def _signed_labels(y_true):
    """Keras's ``convert_binary_labels_to_hinge``: 0/1 labels become -1/+1.

    The test looks at the whole array at once: a single label of 0.5 or -1 leaves all
    labels untouched, and then a 0 label means "no margin wanted", not class -1.
    """
    if np.all((y_true == 0.0) | (y_true == 1.0)):
        return 2.0 * y_true - 1.0
    return y_true


@register_loss()
def hinge(y_true, y_pred):
    """Hinge loss per sample.

    ``loss = mean(max(1 - y_true * y_pred, 0), axis=-1)`` with labels in {-1, +1}
    (0/1 labels are mapped to -1/+1 when every label is 0 or 1).

    Args:
        y_true: Labels -1/+1 (or 0/1), shape ``(B, d0, ..., dN)``.
        y_pred: Raw scores, same shape as ``y_true``.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On shapes that do not align, NaN/inf or empty input.

    Example:
        >>> hinge([[1.0, 0.0]], [[0.5, -2.0]])  # labels 0/1 become +1/-1
        array([0.25])

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    margin = 1.0 - _signed_labels(y_true) * y_pred
    return np.asarray(np.mean(np.maximum(margin, 0.0), axis=-1))


@gradient_of(hinge)
def _hinge_gradient(y_true, y_pred):
    y_true, y_pred = paired_arrays(y_true, y_pred)
    labels = _signed_labels(y_true)
    # On the kink (margin exactly 0) TensorFlow's maximum passes the gradient to the
    # margin, so the slope there is -y, not 0.
    active = 1.0 - labels * y_pred >= 0.0
    return per_sample_mean_gradient(np.where(active, -labels, 0.0))


@register_loss()
def squared_hinge(y_true, y_pred):
    """Squared hinge loss per sample.

    ``loss = mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)`` with labels in {-1, +1}
    (0/1 labels are mapped to -1/+1 when every label is 0 or 1).

    Args:
        y_true: Labels -1/+1 (or 0/1), shape ``(B, d0, ..., dN)``.
        y_pred: Raw scores, same shape as ``y_true``.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On shapes that do not align, NaN/inf or empty input.

    Example:
        >>> squared_hinge([[1.0, -1.0]], [[0.5, -2.0]])
        array([0.125])

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    margin = 1.0 - _signed_labels(y_true) * y_pred
    return np.asarray(np.mean(np.square(np.maximum(margin, 0.0)), axis=-1))


@gradient_of(squared_hinge)
def _squared_hinge_gradient(y_true, y_pred):
    y_true, y_pred = paired_arrays(y_true, y_pred)
    labels = _signed_labels(y_true)
    margin = np.maximum(1.0 - labels * y_pred, 0.0)
    return per_sample_mean_gradient(-2.0 * margin * labels)


@register_loss()
def categorical_hinge(y_true, y_pred):
    """Categorical (Crammer-Singer style) hinge loss per sample.

    ``pos = sum(y_true * y_pred)``, ``neg = max((1 - y_true) * y_pred)`` along the last
    axis; ``loss = max(neg - pos + 1, 0)``: the best wrong score should trail the true
    score by at least 1.

    Args:
        y_true: One-hot targets, shape ``(B, d0, ..., C)``.
        y_pred: Raw scores, same shape as ``y_true``.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On a one-hot width mismatch, shapes that do not align, NaN/inf or
            empty input.

    Example:
        >>> categorical_hinge([[0.0, 1.0, 0.0]], [[0.3, 0.9, 0.5]])
        array([0.6])

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    y_true, y_pred = check_pair(y_true, y_pred, class_axis=-1)
    positive = np.sum(y_true * y_pred, axis=-1)
    negative = np.max((1.0 - y_true) * y_pred, axis=-1)
    return np.asarray(np.maximum(negative - positive + 1.0, 0.0))


@gradient_of(categorical_hinge)
def _categorical_hinge_gradient(y_true, y_pred):
    y_true, y_pred = paired_arrays(y_true, y_pred, class_axis=-1)
    wrong_scores = (1.0 - y_true) * y_pred
    negative = np.max(wrong_scores, axis=-1, keepdims=True)
    positive = np.sum(y_true * y_pred, axis=-1, keepdims=True)
    # Tied maxima share the gradient equally, as TensorFlow's reduce_max does.
    is_max = wrong_scores == negative
    max_share = is_max / np.sum(is_max, axis=-1, keepdims=True)
    active = negative - positive + 1.0 >= 0.0
    return np.where(active, (1.0 - y_true) * max_share - y_true, 0.0)


__all__ = registered_in(__name__)
GRADIENTS = gradients_in(__name__)
