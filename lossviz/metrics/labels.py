"""Label metrics that compare each prediction with its label: accuracy, error rate, confusion matrix.

The one-vs-rest rates built on the confusion matrix (precision, recall, F, specificity)
live in :mod:`lossviz.metrics.precision_recall`. Each function starts with ``check_*``
calls (lossviz.metrics._checks) that only raise for malformed input; the maths after
them reads the input as given.
"""

from __future__ import annotations

import warnings

import numpy as np

from lossviz.metrics._checks import check_accuracy_weights, check_confusion_matrix, check_label_targets
from lossviz.metrics._common import _squeeze_column
from lossviz.metrics._fast_confusion import fast_label_confusion_applies, fast_label_confusion_matrix
from lossviz.metrics._registry import register_metric, registered_in


@register_metric
def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Fraction (or weighted count) of samples whose predicted label is exactly right.

    accuracy = sum_i w_i [y_pred_i == y_true_i] / sum_i w_i, with w_i = 1 by default.
    For multilabel indicator matrices a sample counts only if its whole row matches
    (subset accuracy).

    Args:
        y_true: Labels, shape (n_samples,), or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape as ``y_true`` (labels, not scores).
        normalize: If False, return the (weighted) number of correct samples.
            Defaults to True.
        sample_weight: Weights, shape (n_samples,). Defaults to None (all 1).

    Returns:
        float.

    Raises:
        ValueError: mismatched lengths or kinds of target, scores instead of labels,
            or weights that sum to zero.

    Example:
        >>> accuracy_score([0, 1, 2, 3], [0, 2, 1, 3])
        0.5
        >>> accuracy_score([0, 1, 2, 3], [0, 2, 1, 3], normalize=False)
        2.0

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    check_label_targets(y_true, y_pred, sample_weight)
    check_accuracy_weights(sample_weight, normalize)
    y_true, y_pred = _squeeze_column(y_true), _squeeze_column(y_pred)
    # A multilabel row counts only if every label in it is right (subset accuracy).
    correct = np.all(y_true == y_pred, axis=1) if y_true.ndim == 2 else y_true == y_pred
    weight = np.ones(len(correct)) if sample_weight is None else np.asarray(sample_weight)
    return float(np.sum(correct * weight) / np.sum(weight) if normalize else np.sum(correct * weight))


@register_metric
def error_rate(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Fraction (or weighted count) of misclassified samples: 1 - accuracy.

    error_rate = sum_i w_i [y_pred_i != y_true_i] / sum_i w_i; for a binary problem
    that is (FP + FN) / (TP + TN + FP + FN). scikit-learn calls it ``zero_one_loss``.

    Args:
        y_true: Labels, shape (n_samples,), or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape as ``y_true``.
        normalize: If False, return the (weighted) number of errors. Defaults to True.
        sample_weight: Weights, shape (n_samples,). Defaults to None (all 1).

    Returns:
        float.

    Raises:
        ValueError: as :func:`accuracy_score`.

    Example:
        >>> error_rate([0, 1, 1, 0], [0, 1, 0, 1])
        0.5

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    correct = accuracy_score(y_true, y_pred, normalize=normalize, sample_weight=sample_weight)
    if normalize:
        return 1.0 - correct
    total = len(np.asarray(y_true)) if sample_weight is None else float(np.sum(sample_weight))
    return float(total - correct)


@register_metric
def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None):
    """Confusion matrix C with C[i, j] = (weighted) count of true label i predicted as j.

    Rows are true labels, columns predicted labels, both in the order of ``labels``.
    For binary 0/1 labels: ``tn, fp, fn, tp = confusion_matrix(y, p).ravel()``.
    ``normalize="true"`` divides each row by its sum (row i then holds the recall of
    label i on its diagonal), ``"pred"`` each column (precision on the diagonal),
    ``"all"`` the whole matrix; 0/0 becomes 0.

    Args:
        y_true: Labels, shape (n_samples,).
        y_pred: Predicted labels, shape (n_samples,).
        labels: Labels to index the matrix, shape (n_classes,). Defaults to None (the
            sorted labels present in either array); samples whose labels are not
            listed are left out.
        sample_weight: Weights, shape (n_samples,). Defaults to None. Integer (or no)
            weights give an integer matrix.
        normalize: None, "true", "pred" or "all". Defaults to None.

    Returns:
        ndarray of shape (n_classes, n_classes).

    Raises:
        ValueError: multilabel input, empty ``labels``, no listed label in ``y_true``,
            or a bad ``normalize``.

    Example:
        >>> confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])
        array([[2, 0, 0],
               [0, 0, 1],
               [1, 0, 2]])

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    check_confusion_matrix(y_true, y_pred, labels=labels, sample_weight=sample_weight, normalize=normalize)
    y_true, y_pred = _squeeze_column(y_true), _squeeze_column(y_pred)
    if fast_label_confusion_applies(y_true, y_pred, labels, sample_weight, normalize):
        return fast_label_confusion_matrix(y_true, y_pred, labels)  # the same counts, found faster
    labels = np.union1d(y_true, y_pred) if labels is None else np.asarray(labels)
    n_labels = len(labels)
    true_index, pred_index = _index_in(y_true, labels), _index_in(y_pred, labels)
    listed = (true_index >= 0) & (pred_index >= 0)  # samples of labels not listed are left out
    cell = true_index[listed] * n_labels + pred_index[listed]  # C[i, j] flattened
    weight = None if sample_weight is None else np.asarray(sample_weight)[listed]
    matrix = np.bincount(cell, weights=weight, minlength=n_labels * n_labels).reshape(n_labels, n_labels)
    if weight is None or weight.dtype.kind in "biu":  # integer (or no) weights count in integers
        matrix = matrix.astype(np.int64)
    if normalize is not None:
        axis = {"true": 1, "pred": 0, "all": None}[normalize]
        with np.errstate(all="ignore"):  # an empty row or column: 0/0 becomes 0
            matrix = np.nan_to_num(matrix / matrix.sum(axis=axis, keepdims=True))
    if matrix.shape == (1, 1):
        warnings.warn(
            "A single label was found in 'y_true' and 'y_pred'. For the confusion matrix to "
            "have the correct shape, use the 'labels' parameter to pass all known labels.",
            UserWarning,
            stacklevel=2,
        )
    return matrix


def _index_in(values, labels):
    """Position of each value in ``labels`` (-1 where it is not listed)."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    position = np.clip(np.searchsorted(sorted_labels, values), 0, len(labels) - 1)
    return np.where(sorted_labels[position] == values, order[position], -1)


__all__ = registered_in(__name__)
