"""The one-vs-rest counts behind every precision / recall style score, and their ratio and mean.

:func:`_one_vs_rest_counts` gives the (weighted) TP, FP, FN and TN of every label at
once; :func:`_divide` turns a ratio of them into a score with scikit-learn's
``zero_division``; :func:`_average` averages per-label scores as ``average`` says.
Used by :mod:`lossviz.metrics.precision_recall`, copied by ``standalone_source`` into
the blocks that need them.
"""

from __future__ import annotations

import warnings

import numpy as np

from lossviz.metrics._common import UndefinedMetricWarning, _squeeze_column


def _one_vs_rest_counts(y_true, y_pred, *, labels, pos_label, average, sample_weight):
    """(Weighted) TP, FP, FN, TN of each label against the rest; of each row for average="samples".

    The labels scored are ``pos_label`` for average="binary", else ``labels``, by
    default every label present (the columns of a multilabel indicator matrix).
    """
    y_true, y_pred = _squeeze_column(y_true), _squeeze_column(y_pred)
    multilabel = y_true.ndim == 2
    if average == "binary":
        labels = [pos_label]
    elif labels is None:
        labels = np.arange(y_true.shape[1]) if multilabel else np.union1d(y_true, y_pred)
    labels = np.asarray(labels)
    if multilabel:  # label l is column l
        true_is, pred_is = y_true[:, labels] != 0, y_pred[:, labels] != 0
    else:  # one column per label: is the sample (predicted) of this label?
        true_is, pred_is = y_true[:, None] == labels, y_pred[:, None] == labels
    weight = None if sample_weight is None else np.asarray(sample_weight)
    axis = 1 if average == "samples" else 0
    tp = _weighted_count(true_is & pred_is, weight, axis)
    fp = _weighted_count(pred_is, weight, axis) - tp
    fn = _weighted_count(true_is, weight, axis) - tp
    if axis == 1:
        total = true_is.shape[1] * (1 if weight is None else weight)
    else:
        total = len(y_true) if weight is None else np.sum(weight)
    return tp, fp, fn, total - tp - fp - fn


def _weighted_count(indicator, sample_weight, axis):
    """Weighted number of True entries of a (n_samples, n_labels) matrix along ``axis``.

    Per label (axis=0) the weights are added sample by sample (np.bincount), the
    order scikit-learn uses, so float results agree to the last bit; without
    weights the counts stay integers.
    """
    if axis == 1:
        counts = indicator.sum(axis=1)
        return counts if sample_weight is None else counts * sample_weight
    rows, columns = np.nonzero(indicator)
    weights = None if sample_weight is None else sample_weight[rows]
    return np.bincount(columns, weights=weights, minlength=indicator.shape[1])


def _divide(numerator, denominator, metric, undefined_when, warn, *, average, zero_division):
    """numerator / denominator, with ``zero_division`` where 0/0 (and a warning for "warn")."""
    denominator = np.asarray(denominator, dtype=np.float64)
    undefined = denominator == 0
    result = np.asarray(numerator, dtype=np.float64) / np.where(undefined, 1, denominator)
    if not undefined.any():
        return result
    result[undefined] = 0.0 if zero_division == "warn" else zero_division
    if warn and zero_division == "warn":
        where, owner = ("samples", "label") if average == "samples" else ("labels", "sample")
        place = "due to" if result.shape[0] == 1 else f"in {where} with"
        warnings.warn(
            f"{metric} is ill-defined and being set to 0.0 {place} no {undefined_when} {owner}s. "
            "Use `zero_division` parameter to control this behavior.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
    return result


def _average(scores, average, support, sample_weight):
    """Per-label ``scores`` (average=None), or their mean as ``average`` says.

    "macro" and "micro" (one pooled score) take the plain mean, "weighted" weights by
    ``support``, "samples" by ``sample_weight``. Scores that are nan
    (zero_division=np.nan) are left out.
    """
    if average is None:
        return scores
    weights = {"weighted": support, "samples": sample_weight}.get(average)
    defined = ~np.isnan(scores)
    if not defined.any():
        return np.nan
    if weights is None:
        return float(np.mean(scores[defined]))
    scores, weights = scores[defined], np.asarray(weights, dtype=np.float64)[defined]
    if np.sum(weights) == 0:  # every weight zero: the plain mean
        return float(np.mean(scores))
    return float(np.sum(scores * weights) / np.sum(weights))
