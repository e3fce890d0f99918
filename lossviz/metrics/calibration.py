"""Are the probabilities right? Proper scores, the reliability curve, its error, and imbalance-proof scores.

* :func:`brier_score_loss` and :func:`log_loss` are proper scoring rules: their
  expected value is smallest when the predicted probability is the true one.
* :func:`calibration_curve` gives the points of a reliability diagram, and
  :func:`expected_calibration_error` the mean gap between that curve and the diagonal.
* :func:`matthews_corrcoef` and :func:`balanced_accuracy_score` are label scores that
  a classifier cannot raise by always predicting the majority class.

Signatures, results, warnings and the inputs refused are the installed scikit-learn's
(``sklearn.metrics``, and ``sklearn.calibration.calibration_curve``); the expected
calibration error, which scikit-learn does not have, is defined in its docstring.
Each function starts with ``check_*`` calls that only raise for malformed input.
"""

from __future__ import annotations

import warnings

import numpy as np

from lossviz.metrics._calibration_checks import (
    check_binary_probabilities,
    check_brier,
    check_calibration_bins,
    check_class_probabilities,
    check_label_pair,
)
from lossviz.metrics._common import _squeeze_column
from lossviz.metrics._registry import register_metric, registered_in
from lossviz.metrics.labels import confusion_matrix


def _as_probabilities(y_proba) -> np.ndarray:
    """Probabilities as a float array (float32 stays float32, integers become float64)."""
    proba = np.asarray(y_proba)
    return proba if proba.dtype.kind == "f" else proba.astype(np.float64)


def _one_hot(y_true, labels=None) -> np.ndarray:
    """(n_samples, n_classes) indicator of each sample's class, classes sorted; an indicator matrix as is."""
    y_true = _squeeze_column(y_true)
    if y_true.ndim == 2:
        return y_true
    classes = np.unique(y_true if labels is None else labels)
    return (y_true[:, None] == classes).astype(np.int64)


def _weighted_mean(values, sample_weight, normalize=True):
    """Mean (or sum, normalize=False) of per-sample values, weighted by sample_weight."""
    if normalize:
        return np.average(values, weights=sample_weight)
    return np.sum(values) if sample_weight is None else np.dot(values, sample_weight)


@register_metric
def brier_score_loss(y_true, y_proba, *, sample_weight=None, pos_label=None, labels=None, scale_by_half="auto"):
    """Brier score: the (weighted) mean squared distance between one-hot labels and probabilities.

    brier = sum_i w_i sum_k (y_ik - p_ik)^2 / sum_i w_i, with y_ik = 1 when sample i
    is of class k. For 1-D ``y_proba`` (the positive class's probability p_i) the
    two columns are (1 - p_i, p_i), and ``scale_by_half="auto"`` halves the sum:
    brier = mean (y_i - p_i)^2, in [0, 1]. With three or more columns "auto" does
    not halve it (range [0, 2]).

    Args:
        y_true: Labels, shape (n_samples,).
        y_proba: Probabilities, shape (n_samples,) (positive class) or
            (n_samples, n_classes), columns in the sorted order of the classes.
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        pos_label: Positive class for 1-D ``y_proba``. Defaults to None: 1 when
            ``y_true`` is in {0, 1} or {-1, 1}, else the greater label.
        labels: All class labels, for 2-D ``y_proba`` when ``y_true`` misses some.
        scale_by_half: True, False or "auto" (halve for at most two columns).

    Returns:
        float.

    Raises:
        ValueError: probabilities outside [0, 1], a column count that does not
            match the classes, string labels without ``pos_label``, bad weights.

    Example:
        >>> brier_score_loss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3])
        0.0375

    Taught in: notebooks/12_calibration_and_imbalance.ipynb
    """
    check_brier(
        y_true, y_proba, sample_weight=sample_weight, pos_label=pos_label, labels=labels, scale_by_half=scale_by_half
    )
    y_true, y_proba = _squeeze_column(y_true), _as_probabilities(y_proba)
    if y_proba.ndim == 1 or y_proba.shape[1] == 1:  # the positive class's probability
        if pos_label is None:  # scikit-learn's rule: 1 for {0, 1} and {-1, 1}, else the greater label
            classes = np.unique(y_true)
            standard = any(np.array_equal(classes, c) for c in ([0, 1], [-1, 1], [0], [-1], [1]))
            pos_label = 1 if standard else classes[-1]
        positive = (y_true == pos_label).astype(np.int64)
        one_hot = np.stack((1 - positive, positive), axis=1)
        y_proba = np.stack((1 - y_proba.ravel(), y_proba.ravel()), axis=1)
    else:
        one_hot = _one_hot(y_true, labels)
    squared_distance = np.sum((one_hot.astype(y_proba.dtype) - y_proba) ** 2, axis=1)
    brier = _weighted_mean(squared_distance, sample_weight)
    if scale_by_half == "auto":
        scale_by_half = y_proba.shape[1] < 3
    return float(brier * 0.5 if scale_by_half else brier)


@register_metric
def log_loss(y_true, y_proba, *, normalize=True, sample_weight=None, labels=None):
    """Log loss (cross-entropy): minus the (weighted) mean log-probability of the true class.

    log_loss = -sum_i w_i sum_k y_ik log(p_ik) / sum_i w_i, with y_ik = 1 when
    sample i is of class k. Probabilities are clipped to [eps, 1 - eps], eps the
    machine epsilon of their dtype (2.2e-16 for float64, 1.2e-7 for float32), so a
    confident mistake costs at most -log(eps) (36.0 and 15.9) instead of inf.

    Args:
        y_true: Labels, shape (n_samples,), or an indicator matrix.
        y_proba: Probabilities, shape (n_samples,) (of the greater of two
            classes) or (n_samples, n_classes), columns in sorted class order.
        normalize: If False, return the (weighted) sum instead of the mean.
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        labels: All class labels, when ``y_true`` misses some. Defaults to None.

    Returns:
        float.

    Raises:
        ValueError: probabilities outside [0, 1], a single class without
            ``labels``, a column count that does not match the classes, bad weights.

    Example:
        >>> round(log_loss(["spam", "ham", "ham", "spam"], [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]), 6)
        0.216162

    Taught in: notebooks/12_calibration_and_imbalance.ipynb
    """
    check_class_probabilities(y_true, y_proba, labels=labels, sample_weight=sample_weight)
    y_proba = _as_probabilities(y_proba)
    if y_proba.ndim == 1 or y_proba.shape[1] == 1:  # the probability of the greater of two classes
        y_proba = np.stack((1 - y_proba.ravel(), y_proba.ravel()), axis=1)
    eps = np.finfo(y_proba.dtype).eps
    y_proba = np.clip(y_proba, eps, 1 - eps)
    one_hot = _one_hot(y_true, labels).astype(y_proba.dtype)
    per_sample = -np.sum(one_hot * np.log(y_proba), axis=1)
    return float(_weighted_mean(per_sample, sample_weight, normalize))


@register_metric
def calibration_curve(y_true, y_prob, *, pos_label=None, n_bins=5, strategy="uniform"):
    """The points of a reliability diagram: fraction of positives against mean probability, per bin.

    Bin edges e_0 = 0 < e_1 < ... < e_B = 1 (``strategy="uniform"``), or the
    quantiles of ``y_prob`` (``"quantile"``: equal-mass bins). Sample i falls in
    bin b when e_(b-1) < p_i <= e_b (the first bin also holds p_i = e_0). For each
    non-empty bin b:

        prob_true_b = (positives in b) / n_b        prob_pred_b = (sum of p_i in b) / n_b

    Empty bins are left out, so both arrays can be shorter than ``n_bins``.

    Args:
        y_true: Binary labels, shape (n_samples,).
        y_prob: Probabilities of the positive class, shape (n_samples,).
        pos_label: The positive class. Defaults to None (1, for labels in {0, 1}
            or {-1, 1}).
        n_bins: Number of bins, an integer >= 1. Defaults to 5.
        strategy: "uniform" (equal width) or "quantile" (equal mass).

    Returns:
        (prob_true, prob_pred): two arrays of shape (n_non_empty_bins,).

    Raises:
        ValueError: more than two classes, an unknown positive class, probabilities
            outside [0, 1], a bad ``n_bins`` or ``strategy``.

    Example:
        >>> prob_true, prob_pred = calibration_curve([0, 0, 1, 1, 1], [0.1, 0.3, 0.6, 0.8, 0.9], n_bins=2)
        >>> prob_true.tolist(), prob_pred.round(4).tolist()
        ([0.0, 1.0], [0.2, 0.7667])

    Taught in: notebooks/12_calibration_and_imbalance.ipynb
    """
    check_calibration_bins(n_bins, strategy)
    check_binary_probabilities(y_true, y_prob, pos_label=pos_label)
    y_true, y_prob = _squeeze_column(y_true), _squeeze_column(y_prob)
    positive = y_true == (1 if pos_label is None else pos_label)
    if strategy == "quantile":
        edges = np.percentile(y_prob, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    bin_index = np.searchsorted(edges[1:-1], y_prob)  # bin b holds e_(b-1) < p <= e_b
    prob_sum = np.bincount(bin_index, weights=y_prob, minlength=n_bins)
    positive_count = np.bincount(bin_index, weights=positive, minlength=n_bins)
    count = np.bincount(bin_index, minlength=n_bins)
    filled = count != 0
    return positive_count[filled] / count[filled], prob_sum[filled] / count[filled]


@register_metric
def expected_calibration_error(y_true, y_prob, *, n_bins=10, strategy="uniform", sample_weight=None):
    """Expected calibration error: the weighted mean gap between the reliability curve and the diagonal.

    With the bins of :func:`calibration_curve` (same edges, same rule: bin b holds
    e_(b-1) < p_i <= e_b), weights w_i (1 by default), W_b = sum of w_i in bin b and
    W = sum_i w_i::

        acc_b  = sum_(i in b) w_i y_i / W_b        (fraction of positives)
        conf_b = sum_(i in b) w_i p_i / W_b        (mean probability)
        ECE    = sum_b (W_b / W) |acc_b - conf_b| = sum_b |sum_(i in b) w_i (y_i - p_i)| / W

    Empty bins add nothing. This is the positive-class ECE of a binary problem
    (the gap of the reliability diagram), not the top-label ECE of a multiclass
    classifier. "quantile" edges are the unweighted quantiles of ``y_prob``. The
    estimate is biased upwards with few samples per bin: within a bin the gap
    between two noisy means is never negative.

    Args:
        y_true: Binary labels in {0, 1} or {-1, 1} (1 is positive), shape (n_samples,).
        y_prob: Probabilities of the positive class, shape (n_samples,).
        n_bins: Number of bins, an integer >= 1. Defaults to 10.
        strategy: "uniform" (equal width) or "quantile" (equal mass).
        sample_weight: Weights, shape (n_samples,). Defaults to None.

    Returns:
        float in [0, 1].

    Raises:
        ValueError: as :func:`calibration_curve`, and bad weights.

    Example:
        >>> round(expected_calibration_error([0, 0, 1, 1, 1], [0.1, 0.3, 0.6, 0.8, 0.9], n_bins=2), 4)
        0.22

    Taught in: notebooks/12_calibration_and_imbalance.ipynb
    """
    check_calibration_bins(n_bins, strategy)
    check_binary_probabilities(y_true, y_prob, pos_label=None, sample_weight=sample_weight, has_pos_label=False)
    y_true, y_prob = _squeeze_column(y_true), _squeeze_column(y_prob)
    weight = np.ones(len(y_prob)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if strategy == "quantile":
        edges = np.percentile(y_prob, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    bin_index = np.searchsorted(edges[1:-1], y_prob)  # bin b holds e_(b-1) < p <= e_b
    # Per bin: sum of w_i y_i - sum of w_i p_i = W_b (acc_b - conf_b), in float64 as the weights.
    gap = np.bincount(bin_index, weights=weight * (y_true == 1) - weight * y_prob, minlength=n_bins)
    return float(np.sum(np.abs(gap)) / np.sum(weight))


@register_metric
def matthews_corrcoef(y_true, y_pred, *, sample_weight=None):
    """Matthews correlation coefficient: the correlation between true and predicted labels, in [-1, 1].

    From the (weighted) confusion matrix C, with t_k = sum_j C_kj (true count of k),
    p_k = sum_j C_jk (predicted count), c = trace(C) and s = sum(C):

        MCC = (c s - t . p) / sqrt((s^2 - p . p) (s^2 - t . t))

    For two classes this is (TP TN - FP FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)).
    +1 is a perfect prediction, 0 no better than chance (always predicting the
    majority class gives 0), -1 the exact opposite. A zero denominator gives 0.0.

    Args:
        y_true: Labels, shape (n_samples,).
        y_pred: Predicted labels, shape (n_samples,).
        sample_weight: Weights, shape (n_samples,). Defaults to None.

    Returns:
        float.

    Raises:
        ValueError: multilabel input, mismatched lengths, scores instead of labels.

    Example:
        >>> round(matthews_corrcoef([1, 1, 1, 0], [1, 0, 1, 1]), 4)
        -0.3333

    Taught in: notebooks/12_calibration_and_imbalance.ipynb
    """
    check_label_pair(y_true, y_pred, sample_weight)
    matrix = confusion_matrix(y_true, y_pred, sample_weight=sample_weight)
    true_count = matrix.sum(axis=1, dtype=np.float64)
    pred_count = matrix.sum(axis=0, dtype=np.float64)
    correct = np.trace(matrix, dtype=np.float64)
    total = pred_count.sum()
    covariance = correct * total - np.dot(true_count, pred_count)
    variance_product = (total**2 - np.dot(pred_count, pred_count)) * (total**2 - np.dot(true_count, true_count))
    return 0.0 if variance_product == 0 else float(covariance / np.sqrt(variance_product))


@register_metric
def balanced_accuracy_score(y_true, y_pred, *, sample_weight=None, adjusted=False):
    """Balanced accuracy: the mean of the recalls of the classes present in ``y_true``.

    balanced_accuracy = (1 / K) sum_k C_kk / sum_j C_kj over the K classes of
    ``y_true``. With ``adjusted=True`` chance scores 0 and perfection 1:
    (balanced_accuracy - 1/K) / (1 - 1/K). Always predicting the majority class
    scores 1/K (0 adjusted), however imbalanced the data.

    Args:
        y_true: Labels, shape (n_samples,).
        y_pred: Predicted labels, shape (n_samples,).
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        adjusted: Rescale so that chance is 0. Defaults to False.

    Returns:
        float.

    Raises:
        ValueError: multilabel input, mismatched lengths, scores instead of labels.

    Example:
        >>> balanced_accuracy_score([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1])
        0.625

    Taught in: notebooks/12_calibration_and_imbalance.ipynb
    """
    check_label_pair(y_true, y_pred, sample_weight)
    matrix = confusion_matrix(y_true, y_pred, sample_weight=sample_weight)
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.diagonal(matrix) / np.sum(matrix, axis=1)
    if np.any(np.isnan(recall)):  # a predicted class absent from y_true has no recall
        warnings.warn("y_pred contains classes not in y_true", UserWarning, stacklevel=2)
        recall = recall[~np.isnan(recall)]
    score = np.mean(recall)
    if adjusted:
        chance = 1 / len(recall)
        score = (score - chance) / (1 - chance)
    return float(score)


__all__ = registered_in(__name__)
