"""Ranking metrics: curves and areas over every distinct threshold of the scores.

A sample is predicted positive when ``y_score >= t``. Sorting the scores once
(decreasing) and adding up the labels gives TP(t) and FP(t) for every distinct score
t at once (:func:`_counts_at_thresholds`, O(n log n)); each public function turns
those counts into its curve or area, with scikit-learn's names, results and warnings.

The sort is the whole cost. :func:`_sorted_by_score` is the readable reference (one
stable argsort), and it is what :func:`lossviz.standalone_source` copies. Where the
counts are taken, in :func:`_counts_at_thresholds`, an ``if fast_sort_applies(...)``
hands float scores to ``lossviz.metrics._fast_sort``: the same counts, found several
times faster by sorting integer keys that hold each score and its label. The
snippets leave that branch out, as they leave out the checks. Both paths are tested
against each other and against scikit-learn.
"""

from __future__ import annotations

import warnings
from functools import partial
from itertools import combinations

import numpy as np

from lossviz.metrics._checks import (
    check_auc_points,
    check_average_precision,
    check_binary_scores,
    check_roc_auc,
)
from lossviz.metrics._common import UndefinedMetricWarning, _as_scores, _squeeze_column
from lossviz.metrics._fast_sort import (
    fast_average_precision,
    fast_average_precision_applies,
    fast_counts_at_thresholds,
    fast_roc_auc,
    fast_roc_auc_applies,
    fast_roc_curve,
    fast_roc_curve_applies,
    fast_sort_applies,
)
from lossviz.metrics._registry import register_metric, registered_in


def _sorted_by_score(y_score, is_positive, sample_weight):
    """Scores in decreasing order, with their labels (and weights) carried along.

    A stable sort keeps tied samples in input order, so weights add up in
    scikit-learn's order and weighted results agree to the last bit.
    """
    order = np.argsort(-y_score, kind="stable")
    return y_score[order], is_positive[order], None if sample_weight is None else sample_weight[order]


def _counts_at_thresholds(is_positive, y_score, sample_weight=None):
    """(Weighted) FP and TP counts when predicting ``y_score >= t``, for every distinct score t.

    Returns ``(fps, tps, thresholds)``, thresholds decreasing; fps[-1] and tps[-1]
    are the total negative and positive weights (integer counts without weights).
    Samples of zero weight are dropped first, so they cannot create thresholds.
    """
    if sample_weight is not None:
        kept = sample_weight != 0
        is_positive, y_score, sample_weight = is_positive[kept], y_score[kept], sample_weight[kept]
    if fast_sort_applies(y_score, sample_weight):  # the same counts, sorted faster (_fast_sort.py)
        return fast_counts_at_thresholds(is_positive, y_score, sample_weight)
    score, positive, weight = _sorted_by_score(y_score, is_positive, sample_weight)
    # Ties form one threshold: keep the last index of each run of equal scores.
    last_of_run = np.append(np.flatnonzero(score[1:] != score[:-1]), len(score) - 1)
    if weight is None:
        tps = np.cumsum(positive)[last_of_run]
        fps = 1 + last_of_run - tps  # everything ranked so far that is not a positive
        return fps, tps, score[last_of_run]
    tps = np.cumsum(positive * weight, dtype=np.float64)[last_of_run]
    fps = np.cumsum(~positive * weight, dtype=np.float64)[last_of_run]
    return fps, tps, score[last_of_run]


@register_metric
def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=True):
    """Receiver operating characteristic: (FPR, TPR) for every distinct threshold.

    A sample is predicted positive when ``y_score >= threshold``. For each distinct
    score t (decreasing), plus t = +inf where nothing is positive:

        TPR(t) = TP(t) / P        FPR(t) = FP(t) / N

    with P, N the total positive and negative weights. Computed with one sort and
    cumulative sums (O(n log n)).

    Args:
        y_true: Binary labels, shape (n_samples,).
        y_score: Scores for the positive class, shape (n_samples,); any real numbers
            (probabilities or logits), higher meaning more positive.
        pos_label: Positive label. Defaults to None (1, for labels {0, 1} or {-1, 1}).
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        drop_intermediate: Drop points collinear with their neighbours (the curve and
            its area do not change). Defaults to True.

    Returns:
        (fpr, tpr, thresholds): arrays of shape (n_points,); fpr and tpr increase,
        thresholds decrease from +inf. A rate without any sample of its class is nan,
        with an :class:`UndefinedMetricWarning`.

    Raises:
        ValueError: NaN/inf scores, lengths that differ, more than two classes without
            ``pos_label``, labels other than {0, 1}/{-1, 1} without ``pos_label``.

    Example:
        >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> fpr.tolist(), tpr.tolist()
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
        >>> thresholds.tolist()
        [inf, 0.8, 0.4, 0.35, 0.1]

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    check_binary_scores(y_true, y_score, sample_weight, pos_label)
    is_positive = _squeeze_column(y_true) == (1 if pos_label is None else pos_label)
    weight = None if sample_weight is None else np.asarray(sample_weight)
    if fast_roc_curve_applies(is_positive, _as_scores(y_score), weight, drop_intermediate):
        return fast_roc_curve(is_positive, _as_scores(y_score))  # the same curve, found faster (_fast_sort.py)
    fps, tps, thresholds = _counts_at_thresholds(is_positive, _as_scores(y_score), weight)
    if drop_intermediate and len(fps) > 2:
        # A point collinear with its neighbours adds nothing to the plot or the area.
        corner = np.logical_or(np.diff(fps, 2), np.diff(tps, 2))
        kept = np.flatnonzero(np.concatenate([[True], corner, [True]]))
        fps, tps, thresholds = fps[kept], tps[kept], thresholds[kept]
    fps, tps = np.append(0.0, fps), np.append(0.0, tps)  # threshold +inf: nothing positive
    thresholds = np.append(np.inf, thresholds.astype(np.float64))
    if fps[-1] <= 0:
        message = "No negative samples in y_true, false positive value should be meaningless"
        warnings.warn(message, UndefinedMetricWarning, stacklevel=2)
    if tps[-1] <= 0:
        message = "No positive samples in y_true, true positive value should be meaningless"
        warnings.warn(message, UndefinedMetricWarning, stacklevel=2)
    fpr = fps / fps[-1] if fps[-1] > 0 else np.full(fps.shape, np.nan)  # FPR = FP / N
    tpr = tps / tps[-1] if tps[-1] > 0 else np.full(tps.shape, np.nan)  # TPR = TP / P
    return fpr, tpr, thresholds


@register_metric
def precision_recall_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=False):
    """Precision and recall for every distinct threshold.

    Predicting positive when ``y_score >= t``: precision(t) = TP / (TP + FP) (0 when
    nothing is predicted positive), recall(t) = TP / P. The last point (precision 1,
    recall 0) has no threshold; it makes the curve start on the y axis.

    Args:
        y_true: Binary labels, shape (n_samples,).
        y_score: Scores for the positive class, shape (n_samples,).
        pos_label: Positive label. Defaults to None (1, for labels {0, 1} or {-1, 1}).
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        drop_intermediate: Keep only the ends of each run of equal recall.
            Defaults to False.

    Returns:
        (precision, recall, thresholds): precision and recall of shape
        (n_thresholds + 1,), recall decreasing; thresholds increasing, shape
        (n_thresholds,).

    Raises:
        ValueError: as :func:`roc_curve`.

    Example:
        >>> precision, recall, thresholds = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> precision.round(4).tolist()
        [0.5, 0.6667, 0.5, 1.0, 1.0]
        >>> recall.tolist()
        [1.0, 1.0, 0.5, 0.5, 0.0]

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    check_binary_scores(y_true, y_score, sample_weight, pos_label)
    is_positive = _squeeze_column(y_true) == (1 if pos_label is None else pos_label)
    weight = None if sample_weight is None else np.asarray(sample_weight)
    fps, tps, thresholds = _counts_at_thresholds(is_positive, _as_scores(y_score), weight)
    if drop_intermediate and len(fps) > 2:
        # Keep only the first and last point of every vertical run of equal recall.
        recall_changes = np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:]))
        kept = np.flatnonzero(np.concatenate([[True], recall_changes, [True]]))
        fps, tps, thresholds = fps[kept], tps[kept], thresholds[kept]
    predicted = tps + fps
    precision = np.divide(tps, predicted, out=np.zeros(tps.shape), where=predicted != 0)
    if tps[-1] == 0:
        warnings.warn("No positive class found in y_true, recall is set to one for all thresholds.", stacklevel=2)
        recall = np.ones(tps.shape)
    else:
        recall = tps / tps[-1]
    # Reverse so recall decreases, and close the curve at (recall 0, precision 1).
    return np.append(precision[::-1], 1.0), np.append(recall[::-1], 0.0), thresholds[::-1]


@register_metric
def auc(x, y):
    """Area under a curve given by points, with the trapezoidal rule.

    area = sum_k (x[k+1] - x[k]) (y[k+1] + y[k]) / 2, made positive when x
    decreases. For the ROC area of scores use :func:`roc_auc_score`; for a PR curve
    prefer :func:`average_precision_score` (the trapezoid over-estimates it).

    Args:
        x: x coordinates, shape (n,), monotonic (increasing or decreasing), n >= 2.
        y: y coordinates, shape (n,).

    Returns:
        float.

    Raises:
        ValueError: fewer than 2 points, lengths that differ, non-monotonic ``x``.

    Example:
        >>> auc([0.0, 0.5, 1.0], [0.0, 1.0, 1.0])
        0.75

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    check_auc_points(x, y)
    x, y = _as_scores(x), _as_scores(y)
    area = np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0)
    return float(-area if x[-1] < x[0] else area)  # x may run either way


def _binary_roc_auc(is_positive, y_score, sample_weight=None, max_fpr=None):
    """ROC AUC of one binary problem (nan and a warning when one class is missing)."""
    if is_positive.all() or not is_positive.any():
        warnings.warn(
            "Only one class is present in y_true. ROC AUC score is not defined in that case.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
        return np.nan
    if fast_roc_auc_applies(y_score, sample_weight, max_fpr):  # the same area, sorted faster (_fast_sort.py)
        return fast_roc_auc(is_positive, y_score)
    if max_fpr is None or max_fpr == 1:
        fps, tps, _ = _counts_at_thresholds(is_positive, y_score, sample_weight)
        if fps[-1] > 0 and tps[-1] > 0:
            # Trapezoids on the counts from (0, 0), scaled to the unit square once:
            # the area under (FPR, TPR) without building the curve.
            area = np.sum(np.diff(fps) * (tps[1:] + tps[:-1])) + fps[0] * tps[0]
            return float(area / 2.0 / fps[-1] / tps[-1])
    fpr, tpr, _ = roc_curve(is_positive, y_score, sample_weight=sample_weight)
    if max_fpr is None or max_fpr == 1:  # a class of zero weight: nan, as roc_curve warned
        return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))
    # Partial area up to max_fpr (the curve cut by linear interpolation) ...
    stop = np.searchsorted(fpr, max_fpr, "right")
    tpr_at_max = np.interp(max_fpr, fpr[stop - 1 : stop + 1], tpr[stop - 1 : stop + 1])
    x, y = np.append(fpr[:stop], max_fpr), np.append(tpr[:stop], tpr_at_max)
    partial_area = np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0)
    # ... standardised (McClish 1989): 0.5 for a useless ranking, 1 for a perfect one.
    min_area, max_area = 0.5 * max_fpr**2, max_fpr
    return float(0.5 * (1 + (partial_area - min_area) / (max_area - min_area)))


def _average_binary_score(binary_metric, y_true, y_score, average, sample_weight):
    """A binary metric on each column of an indicator matrix, averaged.

    micro: every (sample, label) cell is one decision, raveled into one binary
    problem; macro: mean of the per-label scores; weighted: mean weighted by each
    label's (weighted) number of positives; samples: mean over rows; None: per label.
    """
    if average == "micro":
        weight = None if sample_weight is None else np.repeat(sample_weight, y_true.shape[1])
        return binary_metric(y_true.ravel() == 1, y_score.ravel(), weight)
    score_weight, average_weight = sample_weight, None
    if average == "weighted":
        average_weight = np.sum(y_true if sample_weight is None else y_true * sample_weight[:, None], axis=0)
        if np.isclose(np.sum(average_weight), 0):
            return 0.0
    if average == "samples":
        average_weight, score_weight = sample_weight, None
        problems = zip(y_true, y_score)  # one binary problem per row
    else:
        problems = zip(y_true.T, y_score.T)  # one binary problem per label (column)
    scores = np.array([binary_metric(truth == 1, score, score_weight) for truth, score in problems])
    if average is None:
        return scores
    if average_weight is not None:
        scores[average_weight == 0] = 0  # a zero-weight nan must not poison the mean
    return float(np.average(scores, weights=average_weight))


def _ovo_roc_auc(codes, y_score, average):
    """Hand & Till (2001): mean over class pairs of the AUC of a vs b and of b vs a."""
    pair_scores, prevalence = [], []
    for a, b in combinations(np.unique(codes), 2):
        in_pair = (codes == a) | (codes == b)
        a_vs_b = _binary_roc_auc(codes[in_pair] == a, y_score[in_pair, a])
        b_vs_a = _binary_roc_auc(codes[in_pair] == b, y_score[in_pair, b])
        pair_scores.append((a_vs_b + b_vs_a) / 2)
        prevalence.append(np.mean(in_pair))
    return float(np.average(pair_scores, weights=prevalence if average == "weighted" else None))


def _greater_label(y):
    """The greater of the labels (one pass for numbers; strings have no max ufunc)."""
    return y.max() if y.dtype.kind in "biuf" else np.unique(y)[-1]


@register_metric
def roc_auc_score(
    y_true, y_score, *, average="macro", sample_weight=None, max_fpr=None, multi_class="raise", labels=None
):
    """Area under the ROC curve, exact (every distinct threshold, ties counted half).

    Binary: AUC = P(score of a random positive > score of a random negative)
    + 0.5 P(equal) = trapezoidal area under :func:`roc_curve`. With ``max_fpr`` the
    partial area over FPR in [0, max_fpr] is standardised (McClish):
    0.5 (1 + (A - max_fpr^2 / 2) / (max_fpr - max_fpr^2 / 2)).

    Multilabel (indicator ``y_true``) and multiclass with ``multi_class="ovr"``: one
    one-vs-rest AUC per label; ``average="macro"`` takes their unweighted mean,
    "weighted" weights them by support, "micro" ravels all one-vs-rest problems into
    one and computes a single AUC (pooled decisions), "samples" (multilabel) one AUC
    per row, None returns the per-label AUCs. ``multi_class="ovo"``: Hand & Till's
    mean over class pairs ("macro", or "weighted" by pair prevalence). Multiclass
    scores must be probabilities: rows of ``y_score`` summing to 1.

    Args:
        y_true: Labels (n_samples,), or indicator matrix (n_samples, n_labels).
        y_score: Binary: scores of the greater label, shape (n_samples,).
            Multiclass/multilabel: shape (n_samples, n_classes), columns in the order
            of ``labels`` (sorted labels by default).
        average: "macro", "weighted", "micro", "samples" or None. Defaults to "macro".
        sample_weight: Weights, shape (n_samples,). Defaults to None (not allowed
            with "ovo").
        max_fpr: Upper FPR of a partial AUC, in (0, 1] (binary only). Defaults to None.
        multi_class: "raise", "ovr" or "ovo"; multiclass input needs "ovr" or "ovo".
            Defaults to "raise".
        labels: Multiclass labels indexing the columns of ``y_score``. Defaults to None.

    Returns:
        float, or ndarray (n_labels,) for average=None. A single class in ``y_true``
        gives nan and an :class:`UndefinedMetricWarning`.

    Raises:
        ValueError: malformed input (NaN scores, lengths, shapes), multiclass input
            without ``multi_class``, ovr/ovo rows that do not sum to 1, bad
            ``max_fpr``, ``average`` or ``labels``.

    Example:
        >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        0.75
        >>> proba = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.6, 0.3], [0.5, 0.1, 0.4]]
        >>> round(roc_auc_score([0, 1, 2, 2], proba, multi_class="ovr"), 4)
        0.8472
        >>> roc_auc_score([0, 1, 2, 2], proba, multi_class="ovo")
        0.875

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    check_roc_auc(
        y_true, y_score, average=average, sample_weight=sample_weight,
        max_fpr=max_fpr, multi_class=multi_class, labels=labels,
    )  # fmt: skip
    y_true, y_score = _squeeze_column(y_true), np.asarray(y_score)
    weight = None if sample_weight is None else np.asarray(sample_weight)
    if y_true.ndim == 2:  # multilabel: one binary problem per column
        return _average_binary_score(partial(_binary_roc_auc, max_fpr=max_fpr), y_true, y_score, average, weight)
    if y_score.ndim == 2 and y_score.shape[1] > 1:  # multiclass: one probability column per class
        classes = np.unique(y_true) if labels is None else np.asarray(labels)
        codes = np.searchsorted(classes, y_true)  # column of each sample's class
        if multi_class == "ovo":
            return _ovo_roc_auc(codes, y_score, average)
        one_hot = (codes[:, None] == np.arange(len(classes))).astype(np.int64)
        return _average_binary_score(_binary_roc_auc, one_hot, y_score, average, weight)
    # Binary: the scores are those of the greater label.
    return _binary_roc_auc(y_true == _greater_label(y_true), _as_scores(y_score), weight, max_fpr)


def _binary_average_precision(is_positive, y_score, sample_weight=None):
    """Average precision of one binary problem."""
    if fast_average_precision_applies(is_positive, y_score, sample_weight):
        return fast_average_precision(is_positive, y_score)  # the same float, found faster (_fast_sort.py)
    fps, tps, _ = _counts_at_thresholds(is_positive, y_score, sample_weight)
    if tps[-1] == 0:  # as in scikit-learn: recall is taken as 1 everywhere, and AP is 0
        warnings.warn("No positive class found in y_true, recall is set to one for all thresholds.", stacklevel=3)
        return 0.0
    # A step function: the precision at each threshold (decreasing), weighted by the
    # recall it adds there. Every threshold predicts at least one sample positive.
    recall_gain = np.diff(tps, prepend=0) / tps[-1]
    precision = tps / (tps + fps)
    return float(max(0.0, np.sum(recall_gain * precision)))


@register_metric
def average_precision_score(y_true, y_score, *, average="macro", pos_label=1, sample_weight=None):
    """Average precision: precision at each threshold weighted by the recall it adds.

    AP = sum_n (R_n - R_{n-1}) P_n over the distinct thresholds (decreasing), with
    P_n, R_n the precision and recall when predicting ``y_score >= t_n``. No
    interpolation: unlike the trapezoid under the PR curve it is not optimistic.
    Multilabel/multiclass input is scored one-vs-rest per label and averaged as in
    :func:`roc_auc_score` ("micro" ravels all one-vs-rest problems into one).

    Args:
        y_true: Binary labels (n_samples,), multiclass labels (n_samples,) or an
            indicator matrix (n_samples, n_labels).
        y_score: Scores, shape (n_samples,), or (n_samples, n_labels) for multiclass
            and multilabel input (columns in sorted label order).
        average: "macro", "weighted", "micro", "samples" or None. Defaults to "macro".
        pos_label: Positive label of binary input. Defaults to 1.
        sample_weight: Weights, shape (n_samples,). Defaults to None.

    Returns:
        float, or ndarray (n_labels,) for average=None.

    Raises:
        ValueError: malformed input, ``pos_label`` not among two present labels,
            ``pos_label`` other than 1 for multiclass/multilabel input.

    Example:
        >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
        0.8333

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    check_average_precision(y_true, y_score, average=average, pos_label=pos_label, sample_weight=sample_weight)
    y_true, y_score = _squeeze_column(y_true), _squeeze_column(y_score)
    weight = None if sample_weight is None else np.asarray(sample_weight)
    if y_score.ndim == 1:  # binary
        return _binary_average_precision(y_true == pos_label, _as_scores(y_score), weight)
    if y_true.ndim == 1:  # multiclass: one indicator column per class, one-vs-rest
        y_true = (y_true[:, None] == np.unique(y_true)).astype(np.int64)
    return _average_binary_score(_binary_average_precision, y_true, y_score, average, weight)


__all__ = registered_in(__name__)
