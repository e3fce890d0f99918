"""One-vs-rest rates of labels: precision, recall, F-beta, specificity, false positive rate, the report.

Every score here is a ratio of the one-vs-rest counts of a label l: TP (true l,
predicted l), FP (predicted l, true other), FN (true l, predicted other) and TN
(neither). :func:`~lossviz.metrics._counts._one_vs_rest_counts` computes them for all labels at once; each
public function writes its own ratio and then averages it:

* ``average="micro"`` pools the counts of every label first, then computes one
  score (for single-label multiclass input, micro precision = recall = F1 = accuracy);
* ``average="macro"`` takes the unweighted mean of the per-label scores: every
  label counts the same, however rare;
* ``average="weighted"`` weights that mean by each label's support (TP + FN);
* ``average="samples"`` (multilabel) computes the score of each row, then the mean;
* ``average="binary"`` reports the score of ``pos_label`` alone.

A 0/0 becomes ``zero_division`` ("warn": 0.0 and an :class:`UndefinedMetricWarning`,
as in scikit-learn). Each function starts with ``check_*`` calls (lossviz.metrics._checks)
that only raise for malformed input; the maths after them reads the input as given.
"""

from __future__ import annotations

import numpy as np

from lossviz.metrics._checks import check_report, check_set_metric
from lossviz.metrics._common import _squeeze_column
from lossviz.metrics._counts import _average, _divide, _one_vs_rest_counts
from lossviz.metrics._registry import register_metric, registered_in


@register_metric
def precision_recall_fscore_support(
    y_true,
    y_pred,
    *,
    beta=1.0,
    labels=None,
    pos_label=1,
    average=None,
    warn_for=("precision", "recall", "f-score"),
    sample_weight=None,
    zero_division="warn",
):
    """Precision, recall, F-beta and support per label, or averaged.

    Per label l (one-vs-rest counts TP, FP, FN)::

        precision = TP / (TP + FP)        recall = TP / (TP + FN)
        F_beta = (1 + beta^2) TP / ((1 + beta^2) TP + beta^2 FN + FP)
               = (1 + beta^2) precision recall / (beta^2 precision + recall)
        support = TP + FN (true instances of l)

    ``average``: None returns one value per label; "binary" the values of
    ``pos_label`` (binary targets only); "micro" pools the counts of all labels and
    computes one value (for single-label multiclass input that equals accuracy);
    "macro" is the unweighted mean of the per-label values; "weighted" weights that
    mean by support; "samples" (multilabel) computes the values per row and averages
    them. A 0/0 becomes ``zero_division`` ("warn": 0.0 plus an
    :class:`UndefinedMetricWarning`; np.nan: left out of the average).

    Args:
        y_true: Labels (n_samples,) or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape as ``y_true``.
        beta: Weight of recall against precision, >= 0. Defaults to 1.0.
        labels: Labels to score (column indices for multilabel), and their order for
            average=None. Defaults to None (all present labels, sorted).
        pos_label: Label reported by average="binary". Defaults to 1.
        average: None, "binary", "micro", "macro", "weighted" or "samples".
            Defaults to None.
        warn_for: Which of "precision", "recall", "f-score" may warn. Defaults to all.
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        zero_division: "warn", 0.0, 1.0 or np.nan. Defaults to "warn".

    Returns:
        (precision, recall, fbeta, support): floats and support=None when averaged,
        else arrays of shape (n_labels,).

    Raises:
        ValueError: malformed targets, an ``average`` that does not fit the target,
            ``pos_label`` not among two present labels, bad ``beta`` / ``zero_division``.

    Example:
        >>> p, r, f, s = precision_recall_fscore_support([0, 1, 1, 2], [0, 1, 2, 2])
        >>> p.tolist(), r.tolist(), s.tolist()
        ([1.0, 1.0, 0.5], [1.0, 0.5, 1.0], [1, 2, 1])
        >>> precision_recall_fscore_support([0, 1, 1, 2], [0, 1, 2, 2], average="micro")
        (0.75, 0.75, 0.75, None)

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    check_set_metric(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division, beta=beta,
    )  # fmt: skip
    tp, fp, fn, _ = _one_vs_rest_counts(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average, sample_weight=sample_weight
    )
    support = tp + fn
    if average == "micro":  # pool the counts of every label, then compute one score
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    options = {"average": average, "zero_division": zero_division}
    precision = _divide(tp, tp + fp, "Precision", "predicted", "precision" in warn_for, **options)
    recall = _divide(tp, tp + fn, "Recall", "true", "recall" in warn_for, **options)
    if np.isposinf(beta):  # F_inf is the recall
        fbeta = recall
    elif beta == 0:  # F_0 is the precision
        fbeta = precision
    else:
        numerator, denominator = (1 + beta**2) * tp, beta**2 * (tp + fn) + (tp + fp)
        fbeta = _divide(numerator, denominator, "F-score", "true nor predicted", "f-score" in warn_for, **options)
    if average is None:
        return precision, recall, fbeta, support
    return tuple(_average(score, average, support, sample_weight) for score in (precision, recall, fbeta)) + (None,)


@register_metric
def precision_score(
    y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None, zero_division="warn"
):
    """Precision TP / (TP + FP): of the samples predicted positive, the fraction that are.

    See :func:`precision_recall_fscore_support` for ``average`` (micro pools the
    counts of every label; macro averages the per-label precisions).

    Args:
        y_true: Labels (n_samples,) or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape (threshold scores first).
        labels: Labels to score. Defaults to None (all present).
        pos_label: Positive label for average="binary". Defaults to 1.
        average: "binary", "micro", "macro", "weighted", "samples" or None.
            Defaults to "binary".
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        zero_division: Value for 0/0 ("warn", 0.0, 1.0, np.nan). Defaults to "warn".

    Returns:
        float, or ndarray of shape (n_labels,) when average=None.

    Raises:
        ValueError: as :func:`precision_recall_fscore_support`.

    Example:
        >>> precision_score([0, 1, 1, 0], [1, 1, 0, 0])
        0.5

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    check_set_metric(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip
    tp, fp, fn, _ = _one_vs_rest_counts(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average, sample_weight=sample_weight
    )
    support = tp + fn
    if average == "micro":
        tp, fp = tp.sum(keepdims=True), fp.sum(keepdims=True)
    precision = _divide(tp, tp + fp, "Precision", "predicted", True, average=average, zero_division=zero_division)
    return _average(precision, average, support, sample_weight)


@register_metric
def recall_score(
    y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None, zero_division="warn"
):
    """Recall (sensitivity, true positive rate) TP / (TP + FN): of the positives, the fraction found.

    See :func:`precision_recall_fscore_support` for ``average``.

    Args:
        y_true: Labels (n_samples,) or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape.
        labels: Labels to score. Defaults to None (all present).
        pos_label: Positive label for average="binary". Defaults to 1.
        average: "binary", "micro", "macro", "weighted", "samples" or None.
            Defaults to "binary".
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        zero_division: Value for 0/0 ("warn", 0.0, 1.0, np.nan). Defaults to "warn".

    Returns:
        float, or ndarray of shape (n_labels,) when average=None.

    Raises:
        ValueError: as :func:`precision_recall_fscore_support`.

    Example:
        >>> recall_score([0, 1, 1, 0], [1, 1, 0, 0])
        0.5

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    check_set_metric(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip
    tp, fp, fn, _ = _one_vs_rest_counts(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average, sample_weight=sample_weight
    )
    support = tp + fn
    if average == "micro":
        tp, fn = tp.sum(keepdims=True), fn.sum(keepdims=True)
    recall = _divide(tp, tp + fn, "Recall", "true", True, average=average, zero_division=zero_division)
    return _average(recall, average, support, sample_weight)


@register_metric
def fbeta_score(
    y_true, y_pred, *, beta, labels=None, pos_label=1, average="binary", sample_weight=None, zero_division="warn"
):
    """F-beta score: (1 + beta^2) TP / ((1 + beta^2) TP + beta^2 FN + FP).

    The weighted harmonic mean of precision and recall; beta > 1 favours recall,
    beta < 1 precision; beta=0 is precision, beta=inf recall. Macro F-beta is the
    mean of per-label F-beta, not the F-beta of the mean precision and recall.

    Args:
        y_true: Labels (n_samples,) or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape.
        beta: Weight of recall, >= 0 (required, keyword-only).
        labels: Labels to score. Defaults to None (all present).
        pos_label: Positive label for average="binary". Defaults to 1.
        average: "binary", "micro", "macro", "weighted", "samples" or None.
            Defaults to "binary".
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        zero_division: Value for 0/0 ("warn", 0.0, 1.0, np.nan). Defaults to "warn".

    Returns:
        float, or ndarray of shape (n_labels,) when average=None.

    Raises:
        ValueError: as :func:`precision_recall_fscore_support`.

    Example:
        >>> round(fbeta_score([0, 1, 1, 0], [1, 1, 1, 0], beta=2.0), 4)
        0.9091

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    check_set_metric(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division, beta=beta,
    )  # fmt: skip
    tp, fp, fn, _ = _one_vs_rest_counts(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average, sample_weight=sample_weight
    )
    support = tp + fn
    if average == "micro":
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    options = {"average": average, "zero_division": zero_division}
    if np.isposinf(beta):  # F_inf is the recall (scikit-learn does not warn for it here)
        fbeta = _divide(tp, tp + fn, "F-score", "true", False, **options)
    else:  # beta = 0 gives the precision tp / (tp + fp), again without a warning
        numerator, denominator = (1 + beta**2) * tp, beta**2 * (tp + fn) + (tp + fp)
        fbeta = _divide(numerator, denominator, "F-score", "true nor predicted", beta > 0, **options)
    return _average(fbeta, average, support, sample_weight)


@register_metric
def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None, zero_division="warn"):
    """F1 score: 2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall.

    Computed from counts, so it is defined (0) even when precision or recall alone is
    0/0 but the other is not. average="micro" pools TP, FP, FN over labels (equals
    accuracy for single-label multiclass input); "macro" averages per-label F1.

    Args:
        y_true: Labels (n_samples,) or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape.
        labels: Labels to score. Defaults to None (all present).
        pos_label: Positive label for average="binary". Defaults to 1.
        average: "binary", "micro", "macro", "weighted", "samples" or None.
            Defaults to "binary".
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        zero_division: Value for 0/0 ("warn", 0.0, 1.0, np.nan). Defaults to "warn".

    Returns:
        float, or ndarray of shape (n_labels,) when average=None.

    Raises:
        ValueError: as :func:`precision_recall_fscore_support`.

    Example:
        >>> f1_score([0, 1, 1, 0], [1, 1, 0, 0])
        0.5
        >>> round(f1_score([0, 1, 2, 2], [0, 2, 2, 2], average="macro"), 4)
        0.6

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    return fbeta_score(
        y_true, y_pred, beta=1.0, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip


@register_metric
def specificity_score(
    y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None, zero_division="warn"
):
    """Specificity (true negative rate) TN / (TN + FP): of the negatives, the fraction kept negative.

    Per label l the counts are one-vs-rest (TN: neither true nor predicted l). For a
    binary target it equals the recall of the negative class. ``average`` as in
    :func:`recall_score`: "micro" pools TN and FP over labels, "macro" averages the
    per-label specificities, "weighted" weights them by support (true instances of
    each label, as scikit-learn weights every per-label score). 0/0 (no negatives)
    becomes ``zero_division``.

    Args:
        y_true: Labels (n_samples,) or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape.
        labels: Labels to score. Defaults to None (all present).
        pos_label: Positive label for average="binary". Defaults to 1.
        average: "binary", "micro", "macro", "weighted", "samples" or None.
            Defaults to "binary".
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        zero_division: Value for 0/0 ("warn", 0.0, 1.0, np.nan). Defaults to "warn".

    Returns:
        float, or ndarray of shape (n_labels,) when average=None.

    Raises:
        ValueError: as :func:`precision_recall_fscore_support`.

    Example:
        >>> round(specificity_score([0, 0, 0, 1], [0, 1, 0, 1]), 4)
        0.6667

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    check_set_metric(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip
    tp, fp, fn, tn = _one_vs_rest_counts(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average, sample_weight=sample_weight
    )
    support = tp + fn
    if average == "micro":
        tn, fp = tn.sum(keepdims=True), fp.sum(keepdims=True)
    specificity = _divide(tn, tn + fp, "Specificity", "negative", True, average=average, zero_division=zero_division)
    return _average(specificity, average, support, sample_weight)


@register_metric
def false_positive_rate(
    y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None, zero_division="warn"
):
    """False positive rate (fall-out) FP / (FP + TN) = 1 - specificity.

    The x axis of a ROC curve. Counts and ``average`` as in :func:`specificity_score`
    ("micro" pools FP and TN of all labels). 0/0 (no negatives) becomes
    ``zero_division`` (not 1 - zero_division).

    Args:
        y_true: Labels (n_samples,) or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape.
        labels: Labels to score. Defaults to None (all present).
        pos_label: Positive label for average="binary". Defaults to 1.
        average: "binary", "micro", "macro", "weighted", "samples" or None.
            Defaults to "binary".
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        zero_division: Value for 0/0 ("warn", 0.0, 1.0, np.nan). Defaults to "warn".

    Returns:
        float, or ndarray of shape (n_labels,) when average=None.

    Raises:
        ValueError: as :func:`precision_recall_fscore_support`.

    Example:
        >>> round(false_positive_rate([0, 0, 0, 1], [0, 1, 0, 1]), 4)
        0.3333

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    check_set_metric(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip
    tp, fp, fn, tn = _one_vs_rest_counts(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average, sample_weight=sample_weight
    )
    support = tp + fn
    if average == "micro":
        fp, tn = fp.sum(keepdims=True), tn.sum(keepdims=True)
    rate = _divide(fp, fp + tn, "False positive rate", "negative", True, average=average, zero_division=zero_division)
    return _average(rate, average, support, sample_weight)


@register_metric
def classification_report(
    y_true,
    y_pred,
    *,
    labels=None,
    target_names=None,
    sample_weight=None,
    digits=2,
    output_dict=False,
    zero_division="warn",
):
    """Text (or dict) report of precision, recall, F1 and support per label and averaged.

    The same text and dict as scikit-learn: one row per label, then "accuracy" (the
    micro average, when every present label is reported for single-label data) or
    "micro avg", "macro avg", "weighted avg" and, for multilabel input, "samples avg".

    Args:
        y_true: Labels (n_samples,) or indicator matrix (n_samples, n_labels).
        y_pred: Predicted labels, same shape.
        labels: Labels to report. Defaults to None (all present).
        target_names: Display names for ``labels``, same order. Defaults to None.
        sample_weight: Weights, shape (n_samples,). Defaults to None.
        digits: Decimals in the text. Defaults to 2.
        output_dict: Return a dict of floats instead of text. Defaults to False.
        zero_division: Value for 0/0 ("warn", 0.0, 1.0, np.nan). Defaults to "warn".

    Returns:
        str, or dict {name: {"precision", "recall", "f1-score", "support"}} (and
        "accuracy": float).

    Raises:
        ValueError: malformed targets, or ``target_names`` of the wrong length when
            ``labels`` is not given.

    Example:
        >>> print(classification_report([0, 1, 2, 2], [0, 2, 2, 2], zero_division=0.0))
                      precision    recall  f1-score   support
        <BLANKLINE>
                   0       1.00      1.00      1.00         1
                   1       0.00      0.00      0.00         1
                   2       0.67      1.00      0.80         2
        <BLANKLINE>
            accuracy                           0.75         4
           macro avg       0.56      0.67      0.60         4
        weighted avg       0.58      0.75      0.65         4
        <BLANKLINE>

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    check_report(
        y_true, y_pred, labels=labels, target_names=target_names,
        sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip
    y_true, y_pred = _squeeze_column(y_true), _squeeze_column(y_pred)
    multilabel = y_true.ndim == 2
    present = np.arange(y_true.shape[1]) if multilabel else np.union1d(y_true, y_pred)
    labels_given = labels is not None
    labels = np.asarray(labels) if labels_given else present
    # The micro average equals accuracy when every label present is reported.
    micro_is_accuracy = not multilabel and (not labels_given or set(labels.tolist()) >= set(present.tolist()))
    if target_names is None:
        target_names = [f"{label}" for label in labels]
    headers = ["precision", "recall", "f1-score", "support"]
    options = {"labels": labels, "sample_weight": sample_weight, "zero_division": zero_division}
    per_label = precision_recall_fscore_support(y_true, y_pred, average=None, **options)
    rows = list(zip(target_names, *per_label))
    summary = []
    for average in ["micro", "macro", "weighted"] + (["samples"] if multilabel else []):
        heading = "accuracy" if average == "micro" and micro_is_accuracy else f"{average} avg"
        precision, recall, fscore, _ = precision_recall_fscore_support(y_true, y_pred, average=average, **options)
        summary.append((heading, precision, recall, fscore, np.sum(per_label[3])))
    if output_dict:
        report = {row[0]: dict(zip(headers, (float(value) for value in row[1:]))) for row in rows}
        for heading, *values in summary:
            report[heading] = dict(zip(headers, (float(value) for value in values)))
        if "accuracy" in report:
            report["accuracy"] = report["accuracy"]["precision"]
        return report
    width = max(max(len(name) for name in target_names), len("weighted avg"), digits)
    text = ("{:>{width}s} " + " {:>9}" * 4).format("", *headers, width=width) + "\n\n"
    row_format = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    for row in rows:
        text += row_format.format(*row, width=width, digits=digits)
    text += "\n"
    for heading, *values in summary:
        if heading == "accuracy":  # only the F column: accuracy has no precision/recall
            accuracy_format = "{:>{width}s} " + " {:>9.{digits}}" * 2 + " {:>9.{digits}f} {:>9}\n"
            text += accuracy_format.format(heading, "", "", *values[2:], width=width, digits=digits)
        else:
            text += row_format.format(heading, *values, width=width, digits=digits)
    return text


__all__ = registered_in(__name__)
