"""Keras's threshold metrics in NumPy: exact over every distinct threshold, or bucketed as Keras buckets.

:func:`precision_at_recall`, :func:`recall_at_precision`,
:func:`sensitivity_at_specificity` and :func:`specificity_at_sensitivity` maximise one
rate under a floor on another, over the thresholds of the scores. Exact mode
(``num_thresholds=None``) takes every distinct score as a threshold (positive when
``score >= t``), from the same counts as :func:`lossviz.metrics.roc_curve`; with an
integer ``num_thresholds`` they count at Keras's evenly spaced thresholds (positive
when ``score > t``), reproducing ``keras.metrics.PrecisionAtRecall`` and its kin.
:func:`keras_auc` reproduces ``keras.metrics.AUC``'s bucketed approximation.

Rates that are 0/0 count as 0, as Keras's ``divide_no_nan`` makes them. Inputs are
flattened like Keras's (every cell one decision) unless ``multi_label``.
"""

from __future__ import annotations

import numpy as np

from lossviz.metrics._checks import check_keras_auc, check_threshold_metric
from lossviz.metrics._registry import register_metric, registered_in
from lossviz.metrics.ranking import _counts_at_thresholds

_KERAS_EPSILON = 1e-7  # keras.backend.epsilon()


def _keras_binary_input(y_true, y_score, sample_weight, *, flatten=True):
    """Positives as booleans, scores, and weights spread to the labels' shape; flattened like Keras."""
    truth, scores = np.asarray(y_true), np.asarray(y_score)
    weight = None
    if sample_weight is not None:  # one weight per sample covers all of its cells
        weight = np.asarray(sample_weight, dtype=np.float64)
        weight = np.broadcast_to(weight.reshape(weight.shape + (1,) * (truth.ndim - weight.ndim)), truth.shape)
    if flatten:  # like Keras (multi_label=False), every cell is one decision
        truth, scores = truth.ravel(), scores.ravel()
        weight = None if weight is None else weight.ravel()
    return truth != 0, scores, weight  # Keras casts labels to bool


def _exact_confusion(is_positive, y_score, sample_weight):
    """TP, FP, TN, FN and thresholds for every operating point, including "nothing positive".

    A sample is positive when ``y_score >= threshold``; the first threshold is +inf.
    """
    fps, tps, thresholds = _counts_at_thresholds(is_positive, y_score, sample_weight)
    tps, fps = np.append(0.0, tps), np.append(0.0, fps)
    # The totals are the ends of the cumulative sums, so FN and TN reach exactly 0.
    return tps, fps, fps[-1] - fps, tps[-1] - tps, np.append(np.inf, thresholds.astype(np.float64))


def _keras_thresholds(num_thresholds: int, *, with_epsilon: bool) -> np.ndarray:
    """Keras's thresholds: 0, 1/(n-1), ..., 1; AUC moves the ends to -eps and 1+eps."""
    if num_thresholds == 1:
        return np.array([0.5])
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    ends = (0.0 - _KERAS_EPSILON, 1.0 + _KERAS_EPSILON) if with_epsilon else (0.0, 1.0)
    return np.array([ends[0], *inner, ends[1]])


def _keras_confusion(is_positive, y_score, sample_weight, num_thresholds, *, with_epsilon):
    """TP, FP, TN, FN at Keras's evenly spaced thresholds, bucketed exactly as Keras does.

    A sample is positive at threshold t when ``y_score > t`` (strict). Keras clips
    scores to [0, 1] in float32 and puts each in bucket ceil(score (n - 1)) - 1: it is
    above the thresholds 0 .. bucket. Counts per bucket, summed from the top, give
    the counts per threshold in one pass (O(n + num_thresholds)).
    """
    thresholds = _keras_thresholds(num_thresholds, with_epsilon=with_epsilon)
    weight = np.ones(len(y_score)) if sample_weight is None else sample_weight
    positive_weight, negative_weight = weight * is_positive, weight * ~is_positive
    if num_thresholds == 1:  # Keras compares directly instead of bucketing
        above = y_score.astype(np.float32) > thresholds[0]
        tp, fp = np.array([np.sum(positive_weight[above])]), np.array([np.sum(negative_weight[above])])
    else:
        scores = np.clip(y_score.astype(np.float32), 0.0, 1.0)
        bucket = np.ceil(scores * np.float32(num_thresholds - 1)) - 1
        if with_epsilon:
            bucket = np.maximum(bucket, 0)  # every score is above the first threshold, -eps
        bucket = bucket.astype(np.int64)
        counted = bucket >= 0  # a score of 0 is not above the threshold 0
        positives = np.bincount(bucket[counted], weights=positive_weight[counted], minlength=num_thresholds)
        negatives = np.bincount(bucket[counted], weights=negative_weight[counted], minlength=num_thresholds)
        # a score in bucket b is above the thresholds 0 .. b: add the buckets from the top
        tp, fp = np.cumsum(positives[::-1])[::-1], np.cumsum(negatives[::-1])[::-1]
    tn, fn = np.sum(negative_weight) - fp, np.sum(positive_weight) - tp
    return tp, fp, tn, fn, thresholds


def _divide_no_nan(numerator, denominator):
    """numerator / denominator with 0 where the denominator is 0 (keras.ops.divide_no_nan)."""
    numerator, denominator = np.asarray(numerator, dtype=np.float64), np.asarray(denominator, dtype=np.float64)
    result = np.zeros(np.broadcast(numerator, denominator).shape)
    return np.divide(numerator, denominator, out=result, where=denominator != 0)


def _confusion_at_thresholds(y_true, y_score, sample_weight, num_thresholds):
    """TP, FP, TN, FN and thresholds: exact (num_thresholds=None) or at Keras's thresholds."""
    is_positive, scores, weight = _keras_binary_input(y_true, y_score, sample_weight)
    if num_thresholds is None:
        return _exact_confusion(is_positive, scores, weight)
    return _keras_confusion(is_positive, scores, weight, int(num_thresholds), with_epsilon=False)


def _best_under_constraint(constrained, target, dependent, thresholds, return_threshold):
    """max of ``dependent`` over the thresholds where ``constrained >= target``.

    0.0 (and threshold None) when no threshold meets the constraint, as in Keras.
    Among thresholds with the best value, the one with the best constrained rate wins.
    """
    feasible = np.flatnonzero(constrained >= target)
    if feasible.size == 0:
        return (0.0, None) if return_threshold else 0.0
    best = feasible[np.lexsort((constrained[feasible], dependent[feasible]))[-1]]
    value = float(dependent[best])
    return (value, float(thresholds[best])) if return_threshold else value


@register_metric
def precision_at_recall(y_true, y_score, recall, *, num_thresholds=None, sample_weight=None, return_threshold=False):
    """Best precision among the thresholds whose recall is at least ``recall``.

    max_t { TP(t) / (TP(t) + FP(t))  :  TP(t) / (TP(t) + FN(t)) >= recall }

    Args:
        y_true: Binary labels 0/1, any shape (flattened, like Keras).
        y_score: Scores, same shape. Exact mode takes any real scores; bucketed mode
            clips them to [0, 1] as Keras does.
        recall: Required recall, in [0, 1].
        num_thresholds: None (default): exact, every distinct score is a threshold
            (positive when score >= threshold) plus +inf. An integer n: Keras's n
            evenly spaced thresholds 0, 1/(n-1), ..., 1 (positive when score >
            threshold), reproducing keras.metrics.PrecisionAtRecall(num_thresholds=n).
        sample_weight: Weights, shape (n_samples,) or y_true's shape. Defaults to None.
        return_threshold: Also return the threshold reaching the value (None if no
            threshold meets the constraint). Defaults to False.

    Returns:
        float, or (float, threshold) with return_threshold=True. 0.0 when no
        threshold meets the constraint, as in Keras; rates that are 0/0 count as 0
        (Keras's divide_no_nan).

    Raises:
        ValueError: non-numeric labels, shapes that differ beyond a trailing axis of
            size 1, NaN scores, a target outside [0, 1], or a bad num_thresholds.

    Warns:
        UserWarning: on what Keras accepts and scores: labels other than 0/1 (cast to
            bool), negative weights, and with ``num_thresholds`` > 1 scores outside
            [0, 1] (clipped).

    Example:
        >>> y_true = [0, 0, 1, 1, 1]
        >>> y_score = [0.1, 0.6, 0.4, 0.7, 0.9]
        >>> precision_at_recall(y_true, y_score, 1.0, return_threshold=True)
        (0.75, 0.4)

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    check_threshold_metric(
        y_true, y_score, recall, "recall", num_thresholds=num_thresholds, sample_weight=sample_weight
    )
    tp, fp, tn, fn, thresholds = _confusion_at_thresholds(y_true, y_score, sample_weight, num_thresholds)
    recall_at_t = _divide_no_nan(tp, tp + fn)  # TP / (TP + FN)
    precision_at_t = _divide_no_nan(tp, tp + fp)  # TP / (TP + FP)
    return _best_under_constraint(recall_at_t, float(recall), precision_at_t, thresholds, return_threshold)


@register_metric
def recall_at_precision(y_true, y_score, precision, *, num_thresholds=None, sample_weight=None, return_threshold=False):
    """Best recall among the thresholds whose precision is at least ``precision``.

    max_t { TP(t) / (TP(t) + FN(t))  :  TP(t) / (TP(t) + FP(t)) >= precision }

    Args:
        y_true: Binary labels 0/1, any shape (flattened, like Keras).
        y_score: Scores, same shape. Exact mode takes any real scores; bucketed mode
            clips them to [0, 1] as Keras does.
        precision: Required precision, in [0, 1].
        num_thresholds: None (default): exact, every distinct score is a threshold
            (positive when score >= threshold) plus +inf. An integer n: Keras's n
            evenly spaced thresholds 0, 1/(n-1), ..., 1 (positive when score >
            threshold), reproducing keras.metrics.RecallAtPrecision(num_thresholds=n).
        sample_weight: Weights, shape (n_samples,) or y_true's shape. Defaults to None.
        return_threshold: Also return the threshold reaching the value (None if no
            threshold meets the constraint). Defaults to False.

    Returns:
        float, or (float, threshold) with return_threshold=True. 0.0 when no
        threshold meets the constraint, as in Keras; rates that are 0/0 count as 0
        (Keras's divide_no_nan).

    Raises:
        ValueError: non-numeric labels, shapes that differ beyond a trailing axis of
            size 1, NaN scores, a target outside [0, 1], or a bad num_thresholds.

    Warns:
        UserWarning: on what Keras accepts and scores: labels other than 0/1 (cast to
            bool), negative weights, and with ``num_thresholds`` > 1 scores outside
            [0, 1] (clipped).

    Example:
        >>> y_true = [0, 0, 1, 1, 1]
        >>> y_score = [0.1, 0.6, 0.4, 0.7, 0.9]
        >>> round(recall_at_precision(y_true, y_score, 1.0), 4)
        0.6667

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    check_threshold_metric(
        y_true, y_score, precision, "precision", num_thresholds=num_thresholds, sample_weight=sample_weight
    )
    tp, fp, tn, fn, thresholds = _confusion_at_thresholds(y_true, y_score, sample_weight, num_thresholds)
    precision_at_t = _divide_no_nan(tp, tp + fp)  # TP / (TP + FP)
    recall_at_t = _divide_no_nan(tp, tp + fn)  # TP / (TP + FN)
    return _best_under_constraint(precision_at_t, float(precision), recall_at_t, thresholds, return_threshold)


@register_metric
def sensitivity_at_specificity(
    y_true, y_score, specificity, *, num_thresholds=None, sample_weight=None, return_threshold=False
):
    """Best sensitivity (recall) among the thresholds whose specificity is at least ``specificity``.

    max_t { TP(t) / (TP(t) + FN(t))  :  TN(t) / (TN(t) + FP(t)) >= specificity }

    Args:
        y_true: Binary labels 0/1, any shape (flattened, like Keras).
        y_score: Scores, same shape. Exact mode takes any real scores; bucketed mode
            clips them to [0, 1] as Keras does.
        specificity: Required specificity (true negative rate), in [0, 1].
        num_thresholds: None (default): exact, every distinct score is a threshold
            (positive when score >= threshold) plus +inf. An integer n: Keras's n
            evenly spaced thresholds 0, 1/(n-1), ..., 1 (positive when score >
            threshold), reproducing keras.metrics.SensitivityAtSpecificity(num_thresholds=n).
        sample_weight: Weights, shape (n_samples,) or y_true's shape. Defaults to None.
        return_threshold: Also return the threshold reaching the value (None if no
            threshold meets the constraint). Defaults to False.

    Returns:
        float, or (float, threshold) with return_threshold=True. 0.0 when no
        threshold meets the constraint, as in Keras; rates that are 0/0 count as 0
        (Keras's divide_no_nan).

    Raises:
        ValueError: non-numeric labels, shapes that differ beyond a trailing axis of
            size 1, NaN scores, a target outside [0, 1], or a bad num_thresholds.

    Warns:
        UserWarning: on what Keras accepts and scores: labels other than 0/1 (cast to
            bool), negative weights, and with ``num_thresholds`` > 1 scores outside
            [0, 1] (clipped).

    Example:
        >>> y_true = [0, 0, 1, 1, 1]
        >>> y_score = [0.1, 0.6, 0.4, 0.7, 0.9]
        >>> round(sensitivity_at_specificity(y_true, y_score, 0.5), 4)
        1.0

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    check_threshold_metric(
        y_true, y_score, specificity, "specificity", num_thresholds=num_thresholds, sample_weight=sample_weight
    )
    tp, fp, tn, fn, thresholds = _confusion_at_thresholds(y_true, y_score, sample_weight, num_thresholds)
    specificity_at_t = _divide_no_nan(tn, tn + fp)  # TN / (TN + FP)
    sensitivity_at_t = _divide_no_nan(tp, tp + fn)  # TP / (TP + FN)
    return _best_under_constraint(specificity_at_t, float(specificity), sensitivity_at_t, thresholds, return_threshold)


@register_metric
def specificity_at_sensitivity(
    y_true, y_score, sensitivity, *, num_thresholds=None, sample_weight=None, return_threshold=False
):
    """Best specificity among the thresholds whose sensitivity (recall) is at least ``sensitivity``.

    max_t { TN(t) / (TN(t) + FP(t))  :  TP(t) / (TP(t) + FN(t)) >= sensitivity }

    Args:
        y_true: Binary labels 0/1, any shape (flattened, like Keras).
        y_score: Scores, same shape. Exact mode takes any real scores; bucketed mode
            clips them to [0, 1] as Keras does.
        sensitivity: Required sensitivity (recall), in [0, 1].
        num_thresholds: None (default): exact, every distinct score is a threshold
            (positive when score >= threshold) plus +inf. An integer n: Keras's n
            evenly spaced thresholds 0, 1/(n-1), ..., 1 (positive when score >
            threshold), reproducing keras.metrics.SpecificityAtSensitivity(num_thresholds=n).
        sample_weight: Weights, shape (n_samples,) or y_true's shape. Defaults to None.
        return_threshold: Also return the threshold reaching the value (None if no
            threshold meets the constraint). Defaults to False.

    Returns:
        float, or (float, threshold) with return_threshold=True. 0.0 when no
        threshold meets the constraint, as in Keras; rates that are 0/0 count as 0
        (Keras's divide_no_nan).

    Raises:
        ValueError: non-numeric labels, shapes that differ beyond a trailing axis of
            size 1, NaN scores, a target outside [0, 1], or a bad num_thresholds.

    Warns:
        UserWarning: on what Keras accepts and scores: labels other than 0/1 (cast to
            bool), negative weights, and with ``num_thresholds`` > 1 scores outside
            [0, 1] (clipped).

    Example:
        >>> y_true = [0, 0, 1, 1, 1]
        >>> y_score = [0.1, 0.6, 0.4, 0.7, 0.9]
        >>> specificity_at_sensitivity(y_true, y_score, 0.6, return_threshold=True)
        (1.0, 0.7)

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    check_threshold_metric(
        y_true, y_score, sensitivity, "sensitivity", num_thresholds=num_thresholds, sample_weight=sample_weight
    )
    tp, fp, tn, fn, thresholds = _confusion_at_thresholds(y_true, y_score, sample_weight, num_thresholds)
    sensitivity_at_t = _divide_no_nan(tp, tp + fn)  # TP / (TP + FN)
    specificity_at_t = _divide_no_nan(tn, tn + fp)  # TN / (TN + FP)
    return _best_under_constraint(sensitivity_at_t, float(sensitivity), specificity_at_t, thresholds, return_threshold)


def _keras_area(tp, fp, tn, fn, curve, summation_method):
    """Keras's AUC.result() from counts at decreasing-score thresholds (increasing t)."""
    if curve == "PR" and summation_method == "interpolation":
        # Davis & Goadrich (2006): between two thresholds TP and P = TP + FP move
        # linearly, so precision is integrated exactly along that segment.
        dtp = tp[:-1] - tp[1:]
        predicted = tp + fp
        dp = predicted[:-1] - predicted[1:]
        slope = _divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * predicted[1:]
        both_positive = (predicted[:-1] > 0) & (predicted[1:] > 0)
        ratio = np.where(both_positive, _divide_no_nan(predicted[:-1], np.maximum(predicted[1:], 0)), 1.0)
        increments = _divide_no_nan(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))
        return float(np.sum(increments))
    recall = _divide_no_nan(tp, tp + fn)
    if curve == "ROC":
        x, y = _divide_no_nan(fp, fp + tn), recall
    elif curve == "PR":
        x, y = recall, _divide_no_nan(tp, tp + fp)
    else:  # PRGAIN: precision and recall gains (Flach & Kull 2015), clipped as in Keras
        scale = _divide_no_nan(tp + fn, tn + fp)
        recall_gain = np.where(tp == 0, 0.0, 1.0 - scale * _divide_no_nan(fn, tp))
        precision_gain = np.where(tp == 0, 1.0, 1.0 - scale * _divide_no_nan(fp, tp))
        x, y = np.maximum(recall_gain, 0.0), precision_gain
    if summation_method == "interpolation":
        heights = (y[:-1] + y[1:]) / 2.0
    elif summation_method == "minoring":
        heights = np.minimum(y[:-1], y[1:])
    else:
        heights = np.maximum(y[:-1], y[1:])
    return float(np.sum((x[:-1] - x[1:]) * heights))


@register_metric
def keras_auc(
    y_true,
    y_score,
    *,
    num_thresholds=200,
    curve="ROC",
    summation_method="interpolation",
    sample_weight=None,
    multi_label=False,
    from_logits=False,
):
    """keras.metrics.AUC's bucketed approximation, reproduced in NumPy.

    Keras does not sort: it counts TP, FP, TN, FN at ``num_thresholds`` fixed
    thresholds t_0 = -eps, t_i = i / (num_thresholds - 1), t_last = 1 + eps
    (eps = 1e-7), a sample being positive when ``score > t`` after clipping scores to
    [0, 1]; then sums over consecutive thresholds:

    * ROC: x = FPR, y = TPR; PR: x = recall, y = precision; PRGAIN: gains.
    * "interpolation": trapezoids (ROC), or for PR Davis & Goadrich's interpolation
      (TP and TP + FP linear between thresholds); "minoring" / "majoring": the lower
      / upper rectangle of each step.

    All scores inside one bucket look tied: the ROC result with "interpolation" is
    exactly the AUC of the bucket indices ceil(score (n - 1)) - 1 (0 and the first
    bucket merged), so it differs from the exact :func:`roc_auc_score` (for PR, from
    :func:`average_precision_score`); raising ``num_thresholds`` brings it closer.

    Args:
        y_true: Binary labels 0/1, any shape; flattened unless ``multi_label``. As in
            Keras, any non-zero label counts as positive (with a warning).
        y_score: Probabilities (or logits with ``from_logits=True``), same shape.
        num_thresholds: Number of thresholds, > 1. Defaults to 200.
        curve: "ROC", "PR" or "PRGAIN". Defaults to "ROC".
        summation_method: "interpolation", "minoring" or "majoring". Defaults to
            "interpolation".
        sample_weight: Weights, shape (n_samples,) or y_true's shape. Defaults to None.
        multi_label: Treat each column of 2-D input as its own label and return the
            mean of the per-label AUCs. Defaults to False (every cell one decision).
        from_logits: Apply a sigmoid to ``y_score`` first. Defaults to False.

    Returns:
        float.

    Raises:
        ValueError: non-numeric labels, shapes that differ (beyond a trailing axis of
            size 1 unless ``multi_label``), NaN scores, bad ``num_thresholds``,
            ``curve`` or ``summation_method``.

    Warns:
        UserWarning: on what Keras accepts and scores: labels other than 0/1 (cast to
            bool), negative weights, scores outside [0, 1] without ``from_logits``
            (clipped).

    Example:
        >>> from lossviz.metrics import roc_auc_score
        >>> y_true = [0, 0, 1, 1]
        >>> y_score = [0.2, 0.3, 0.45, 0.8]
        >>> roc_auc_score(y_true, y_score)
        1.0
        >>> round(keras_auc(y_true, y_score, num_thresholds=3), 6)
        0.75
        >>> round(keras_auc(y_true, y_score), 6)
        1.0

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    check_keras_auc(
        y_true, y_score, num_thresholds=num_thresholds, curve=curve,
        summation_method=summation_method, sample_weight=sample_weight, multi_label=multi_label,
        from_logits=from_logits,
    )  # fmt: skip
    curve, summation_method = curve.upper(), summation_method.lower()
    is_positive, scores, weight = _keras_binary_input(y_true, y_score, sample_weight, flatten=not multi_label)
    if from_logits:
        scores = 1.0 / (1.0 + np.exp(-scores.astype(np.float32)))
    if not multi_label:
        counts = _keras_confusion(is_positive, scores, weight, int(num_thresholds), with_epsilon=True)
        return _keras_area(*counts[:4], curve, summation_method)
    areas = []  # one AUC per label (column), then their mean
    for column in range(is_positive.shape[1]):
        column_weight = None if weight is None else weight[:, column]
        counts = _keras_confusion(
            is_positive[:, column], scores[:, column], column_weight, int(num_thresholds), with_epsilon=True
        )
        areas.append(_keras_area(*counts[:4], curve, summation_method))
    return float(np.mean(areas))


__all__ = registered_in(__name__)
