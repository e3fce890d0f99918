"""Set-wise label metrics: the Jaccard score, the Hamming loss and one 2 x 2 matrix per label.

All three read the one-vs-rest counts of a label l (TP: true l and predicted l, FP:
predicted l only, FN: true l only, TN: neither) that
:func:`~lossviz.metrics._counts._one_vs_rest_counts` computes for every label at once,
and accept binary, multiclass and multilabel indicator targets, as scikit-learn does.
For a multilabel matrix, ``average="samples"`` (and ``samplewise=True``) counts each
row instead of each label: the score of every sample, then their mean.

Each function starts with ``check_*`` calls (lossviz.metrics._checks) that only raise
for malformed input; the maths after them reads the input as given.
"""

from __future__ import annotations

import numpy as np

from lossviz.metrics._checks import check_accuracy_weights, check_label_targets, check_set_metric
from lossviz.metrics._checks_overlap import check_jaccard, check_multilabel_confusion_matrix
from lossviz.metrics._common import _squeeze_column
from lossviz.metrics._counts import _divide, _one_vs_rest_counts
from lossviz.metrics._registry import register_metric, registered_in


@register_metric
def multilabel_confusion_matrix(y_true, y_pred, *, sample_weight=None, labels=None, samplewise=False):
    """One 2 x 2 confusion matrix per label (or per sample): ``[[TN, FP], [FN, TP]]``.

    Label l against the rest: TP counts the samples true and predicted l, FP those
    predicted l only, FN those true l only, TN the rest (weighted by
    ``sample_weight``). With ``samplewise=True`` (multilabel input only) the counts
    run over the labels of each row instead.

    Args:
        y_true: Labels (n_samples,) or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape as ``y_true``.
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        labels: Labels to report (column indices for multilabel), in this order.
            Defaults to None (all present labels, sorted).
        samplewise: One matrix per sample instead of per label. Defaults to False.

    Returns:
        ndarray of shape (n_labels, 2, 2), or (n_samples, 2, 2) when samplewise.
        Integer counts without weights.

    Raises:
        ValueError: malformed targets, ``samplewise=True`` on a 1-D target, or
            ``labels`` outside the columns of a multilabel target.

    Example:
        >>> multilabel_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])[1].tolist()
        [[2, 0], [1, 1]]

    Taught in: notebooks/10_multi_output_and_multi_label.ipynb
    """
    check_multilabel_confusion_matrix(y_true, y_pred, sample_weight=sample_weight, labels=labels, samplewise=samplewise)
    average = "samples" if samplewise else None
    tp, fp, fn, tn = _one_vs_rest_counts(
        y_true, y_pred, labels=labels, pos_label=1, average=average, sample_weight=sample_weight
    )
    return np.stack([tn, fp, fn, tp]).T.reshape(-1, 2, 2)


@register_metric
def jaccard_score(
    y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None, zero_division="warn"
):
    """Jaccard index (intersection over union) TP / (TP + FP + FN) of each label, or averaged.

    The size of the intersection of the true and predicted sets over the size of
    their union; for one segmentation class it is the IoU of its pixels. ``average``:
    None returns one value per label, "binary" that of ``pos_label``, "micro" pools
    TP, FP and FN of all labels first, "macro" is the unweighted mean, "weighted"
    weights it by support (TP + FN), "samples" (multilabel) scores each row and
    averages the rows (weighted by ``sample_weight``). 0/0 (neither true nor
    predicted) becomes ``zero_division``.

    Args:
        y_true: Labels (n_samples,) or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape as ``y_true``.
        labels: Labels to score (column indices for multilabel). Defaults to None.
        pos_label: Label reported by average="binary". Defaults to 1.
        average: "binary", "micro", "macro", "weighted", "samples" or None.
            Defaults to "binary".
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        zero_division: "warn" (0.0 and a warning), 0.0 or 1.0. Defaults to "warn".

    Returns:
        float, or ndarray of shape (n_labels,) when average=None.

    Raises:
        ValueError: as :func:`precision_recall_fscore_support`, zero_division=np.nan
            (which scikit-learn refuses here), and weights that are all zero for
            average="samples".

    Example:
        >>> round(jaccard_score([0, 1, 1, 1], [1, 1, 0, 1]), 4)
        0.5
        >>> jaccard_score([[0, 1, 1], [1, 1, 0]], [[1, 1, 1], [1, 0, 0]], average="samples")
        0.5833333333333333

    Taught in: notebooks/10_multi_output_and_multi_label.ipynb
    """
    check_set_metric(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip
    check_jaccard(sample_weight, average, zero_division)
    tp, fp, fn, _ = _one_vs_rest_counts(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average, sample_weight=sample_weight
    )
    support = tp + fn
    if average == "micro":  # pool the counts of every label, then one ratio
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    jaccard = _divide(
        tp, tp + fp + fn, "Jaccard", "true or predicted", True, average=average, zero_division=zero_division
    )
    if average is None:
        return jaccard
    weights = None
    if average == "weighted" and np.any(support):  # no support at all: the plain mean
        weights = support
    elif average == "samples":
        weights = sample_weight
    return float(np.average(jaccard, weights=weights))


@register_metric
def hamming_loss(y_true, y_pred, *, sample_weight=None):
    """Fraction of labels predicted wrong: mean over samples (and labels) of [y_pred != y_true].

    For 1-D targets it equals the error rate (1 - accuracy); for a multilabel
    indicator matrix it counts every wrong cell, so a row with one wrong label of
    five costs 1/5, where subset accuracy would count the whole row wrong:

        hamming = sum_i w_i * (wrong labels in row i) / (n_samples * n_labels * mean(w))

    Args:
        y_true: Labels (n_samples,) or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape as ``y_true``.
        sample_weight: Weights, shape (n_samples,). Defaults to None (all 1).

    Returns:
        float in [0, 1].

    Raises:
        ValueError: malformed targets, or weights that sum to zero.

    Example:
        >>> hamming_loss([[0, 1, 1], [1, 1, 0]], [[1, 1, 1], [1, 0, 0]])
        0.3333333333333333

    Taught in: notebooks/10_multi_output_and_multi_label.ipynb
    """
    check_label_targets(y_true, y_pred, sample_weight)
    check_accuracy_weights(sample_weight, True)
    y_true, y_pred = _squeeze_column(y_true), _squeeze_column(y_pred)
    if y_true.ndim == 1:
        return float(np.average(y_true != y_pred, weights=sample_weight))
    wrong_per_row = np.sum(y_true != y_pred, axis=1)
    if sample_weight is None:
        return float(np.sum(wrong_per_row) / y_true.size)
    mean_weight = np.average(sample_weight)
    return float(np.dot(wrong_per_row, sample_weight) / (y_true.size * mean_weight))


__all__ = registered_in(__name__)
