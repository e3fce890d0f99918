"""Classification metrics and curves in NumPy, with scikit-learn's names and results.

Three groups live here, each written to be read (and copied):

* Label metrics computed from a confusion matrix: :func:`accuracy_score`,
  :func:`confusion_matrix`, :func:`precision_score`, :func:`recall_score`,
  :func:`f1_score`, :func:`fbeta_score`, :func:`precision_recall_fscore_support`,
  :func:`classification_report`, and the rates scikit-learn does not name:
  :func:`specificity_score`, :func:`false_positive_rate`, :func:`error_rate`.
* Ranking metrics computed from scores at every distinct threshold:
  :func:`roc_curve`, :func:`roc_auc_score`, :func:`precision_recall_curve`,
  :func:`average_precision_score`, :func:`auc`.
* Keras's threshold metrics, exact over every distinct threshold or bucketed the
  way Keras buckets them: :func:`precision_at_recall`, :func:`recall_at_precision`,
  :func:`sensitivity_at_specificity`, :func:`specificity_at_sensitivity`,
  :func:`keras_auc`; and :func:`batch_averaged`, what Keras reports for a metric
  written as a function of one batch.

Signatures, defaults and results are scikit-learn's (tests compare them with the
installed scikit-learn); undefined cases behave as scikit-learn does (an
:class:`UndefinedMetricWarning` and the ``zero_division`` value, or nan); malformed
input raises ``ValueError`` naming the argument.

Averaging, which many tutorials swap:

* ``average="micro"`` pools every decision first (the true-positive, false-positive
  and false-negative counts of all labels are added), then computes one score. For
  ROC AUC, the one-vs-rest problems are raveled into one long binary problem.
* ``average="macro"`` computes one score per label, then takes their unweighted
  mean: every label counts the same, however rare.
* ``average="weighted"`` is the macro mean weighted by each label's support (its
  number of true instances).

This module imports NumPy only.
"""

from __future__ import annotations

import warnings
from functools import partial
from itertools import combinations

import numpy as np

from lossviz._validation import check_finite, check_interval, check_one_of, check_same_length, fail

__all__ = [
    "UndefinedMetricWarning",
    "accuracy_score",
    "confusion_matrix",
    "precision_score",
    "recall_score",
    "f1_score",
    "fbeta_score",
    "precision_recall_fscore_support",
    "classification_report",
    "specificity_score",
    "false_positive_rate",
    "error_rate",
    "roc_curve",
    "roc_auc_score",
    "precision_recall_curve",
    "average_precision_score",
    "auc",
    "precision_at_recall",
    "recall_at_precision",
    "sensitivity_at_specificity",
    "specificity_at_sensitivity",
    "keras_auc",
    "batch_averaged",
]

_AVERAGES = (None, "binary", "micro", "macro", "weighted", "samples")
_KERAS_EPSILON = 1e-7  # keras.backend.epsilon()


class UndefinedMetricWarning(UserWarning):
    """A metric is undefined for this input (e.g. 0/0); a fallback value was returned.

    Plays the role of ``sklearn.exceptions.UndefinedMetricWarning`` (also a
    ``UserWarning``) without importing scikit-learn: silence both with
    ``warnings.simplefilter("ignore", UserWarning)``, or pass ``zero_division``.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     precision_score([0, 1], [0, 0])
        0.0
        >>> caught[0].category.__name__
        'UndefinedMetricWarning'

    Taught in: notebooks/05_custom_metrics.ipynb
    """


# ---------------------------------------------------------------------------
# Input checks for labels, scores and weights
# ---------------------------------------------------------------------------


def _unique_sorted(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values; two passes instead of a sort for the common binary case."""
    if values.dtype.kind in "biuf" and values.ndim == 1:
        low, high = values.min(), values.max()
        if low == high:
            return np.asarray([low])
        if np.all((values == low) | (values == high)):
            return np.asarray([low, high])
    return np.unique(values)


def _label_array(y, name: str) -> np.ndarray:
    """``y`` as an array of class labels: numbers, booleans or strings, no NaN."""
    array = np.asarray(y)
    if array.dtype.kind == "O":
        if all(isinstance(value, str) for value in array.ravel()):
            array = array.astype(str)
        else:
            try:
                array = array.astype(np.float64)
            except (TypeError, ValueError):
                fail(name, "labels of one kind (all numbers or all strings)", array)
    if array.dtype.kind not in "biufU":
        fail(name, "class labels (integers, booleans or strings)", f"Received: dtype {array.dtype}")
    if array.size == 0:
        fail(name, "a non-empty array of class labels", array)
    if array.dtype.kind == "f":
        check_finite(array, name)
    return array


def _target(y, name: str):
    """Classify a target as scikit-learn does and return ``(kind, array, classes)``.

    ``kind`` is ``"binary"`` (at most two classes), ``"multiclass"`` (1-D, more than
    two classes) or ``"multilabel-indicator"`` (2-D matrix of 0/1, one column per
    label; its classes are the column indices).
    """
    array = _label_array(y, name)
    if array.ndim == 2 and array.shape[1] == 1:  # a column vector is a 1-D target
        array = array[:, 0]
    if array.ndim == 2:
        if array.dtype.kind == "U" or not np.isin(array, (0, 1)).all():
            fail(
                name,
                "a 1-D array of class labels, or a 2-D indicator matrix of 0s and 1s "
                "(multilabel)",
                f"Received: a 2-D array of shape {array.shape} with values other than 0 and 1",
            )
        return "multilabel-indicator", array, np.arange(array.shape[1])
    if array.ndim != 1:
        fail(name, "a 1-D array of class labels", f"Received: an array of shape {array.shape}")
    classes = _unique_sorted(array)
    if array.dtype.kind == "f" and np.any(classes != np.round(classes)):
        example = classes[classes != np.round(classes)][0]
        fail(
            name,
            "class labels (integers, booleans or strings); threshold scores first, "
            "e.g. y_pred = y_score > 0.5",
            f"Received: continuous values such as {example!r}",
        )
    return ("binary" if len(classes) <= 2 else "multiclass"), array, classes


def _sample_weight(sample_weight, n_samples: int):
    """Validate per-sample weights: 1-D, one per sample, finite, non-negative.

    Integer weights stay integers, so that e.g. a weighted confusion matrix of
    integer weights holds integers, as in scikit-learn.
    """
    if sample_weight is None:
        return None
    weight = np.asarray(sample_weight)
    if weight.dtype.kind not in "biuf":
        fail("sample_weight", "a 1-D array of numbers", weight)
    if weight.dtype.kind == "f":
        check_finite(weight, "sample_weight")
    if weight.ndim != 1:
        fail("sample_weight", "a 1-D array, one weight per sample", f"Received: shape {weight.shape}")
    if len(weight) != n_samples:
        fail("sample_weight", f"one weight per sample ({n_samples})", f"Received: {len(weight)}")
    if np.any(weight < 0):
        fail("sample_weight", "non-negative weights", f"Received: min={float(weight.min())}")
    return weight


def _check_targets(y_true, y_pred, sample_weight=None):
    """Check that ``y_true`` and ``y_pred`` describe the same classification task.

    Returns ``(kind, labels, y_true, y_pred, sample_weight)`` where ``labels`` are
    the sorted labels present in either array (the column indices for multilabel).
    """
    kind_true, y_true, classes_true = _target(y_true, "y_true")
    kind_pred, y_pred, classes_pred = _target(y_pred, "y_pred")
    check_same_length(y_true, y_pred, ("y_true", "y_pred"))
    multilabel = kind_true == "multilabel-indicator"
    if multilabel != (kind_pred == "multilabel-indicator"):
        fail("y_pred", f"the same kind of target as `y_true` ({kind_true})", f"Received: a {kind_pred} target")
    if multilabel:
        if y_true.shape != y_pred.shape:
            fail("y_pred", f"the shape of `y_true` {y_true.shape}", f"Received: shape {y_pred.shape}")
        labels = classes_true
        kind = "multilabel-indicator"
    else:
        if (y_true.dtype.kind == "U") != (y_pred.dtype.kind == "U"):
            fail(
                "y_pred",
                "labels of the same kind as `y_true` (all strings or all numbers)",
                f"Received: y_true of dtype {y_true.dtype} and y_pred of dtype {y_pred.dtype}",
            )
        labels = np.union1d(classes_true, classes_pred)
        kind = "binary" if len(labels) <= 2 else "multiclass"
    return kind, labels, y_true, y_pred, _sample_weight(sample_weight, len(y_true))


def _check_zero_division(zero_division):
    """Return the value that replaces 0/0 (0.0 for "warn")."""
    if isinstance(zero_division, str) and zero_division == "warn":
        return 0.0
    if isinstance(zero_division, (int, float)) and not isinstance(zero_division, bool):
        if zero_division in (0, 1):
            return float(zero_division)
        if np.isnan(zero_division):
            return np.nan
    fail("zero_division", '"warn", 0.0, 1.0 or np.nan', zero_division)


def _scores_1d(y_score, name: str = "y_score") -> np.ndarray:
    """Scores for one binary problem: a 1-D float array without NaN or inf."""
    scores = np.asarray(y_score)
    if scores.dtype.kind not in "biuf":
        fail(name, "numeric scores", f"Received: dtype {scores.dtype}")
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if scores.ndim != 1:
        fail(
            name,
            "a 1-D array of scores for the positive class (from a (n, 2) predict_proba "
            "output take column 1)",
            f"Received: an array of shape {scores.shape}",
        )
    if scores.size == 0:
        fail(name, "a non-empty array", scores)
    if scores.dtype.kind != "f":
        scores = scores.astype(np.float64)
    check_finite(scores, name)
    return scores


def _is_positive(y_true, pos_label) -> np.ndarray:
    """Boolean mask of the positive samples of a binary problem, as scikit-learn picks them.

    With ``pos_label=None`` the labels must be {0, 1} or {-1, 1} (or one of their
    values) and 1 is positive; any other labels need an explicit ``pos_label``.
    """
    kind, y_true, classes = _target(y_true, "y_true")
    if kind == "multilabel-indicator":
        fail(
            "y_true",
            "a 1-D array of binary labels (for a multilabel indicator matrix score each "
            "column, or use roc_auc_score / average_precision_score)",
            f"Received: shape {y_true.shape}",
        )
    if kind == "multiclass" and pos_label is None:
        fail(
            "y_true",
            "two classes (binary labels); pass pos_label= to score one class against the rest",
            f"Received: {len(classes)} classes {classes.tolist()}",
        )
    if pos_label is None:
        known = classes.dtype.kind != "U" and any(
            len(classes) == len(pattern) and np.all(classes == pattern)
            for pattern in ([0, 1], [-1, 1], [0], [-1], [1])
        )
        if not known:
            fail(
                "pos_label",
                "the label of the positive class; it may be None only when y_true takes "
                "values in {0, 1} or {-1, 1}",
                f"Received: pos_label=None with y_true classes {classes.tolist()}",
            )
        pos_label = 1
    return y_true == pos_label


# ---------------------------------------------------------------------------
# Label metrics: accuracy, confusion matrix, precision / recall / F
# ---------------------------------------------------------------------------


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
    kind, _, y_true, y_pred, sample_weight = _check_targets(y_true, y_pred, sample_weight)
    if kind == "multilabel-indicator":
        correct = np.all(y_true == y_pred, axis=1)
    else:
        correct = y_true == y_pred
    if sample_weight is None:
        return float(correct.mean() if normalize else correct.sum())
    if not normalize:
        return float(np.sum(correct * sample_weight))
    if np.sum(sample_weight) == 0:
        fail("sample_weight", "at least one positive weight", "Received: weights that sum to 0")
    return float(np.average(correct, weights=sample_weight))


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
    n_samples = len(np.asarray(y_true)) if sample_weight is None else float(np.sum(sample_weight))
    return float(n_samples - correct)


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
    check_one_of(normalize, "normalize", (None, "true", "pred", "all"))
    kind, present, y_true, y_pred, sample_weight = _check_targets(y_true, y_pred, sample_weight)
    if kind == "multilabel-indicator":
        fail(
            "y_true",
            "1-D class labels (for multilabel input use one matrix per column)",
            "Received: a multilabel indicator matrix",
        )
    if labels is None:
        labels = present
    else:
        labels = np.asarray(labels)
        if labels.size == 0:
            fail("labels", "at least one label", labels)
        if not np.isin(y_true, labels).any():
            fail("labels", "at least one label that occurs in `y_true`", labels)
    true_index = _index_in(y_true, labels)
    pred_index = _index_in(y_pred, labels)
    listed = (true_index >= 0) & (pred_index >= 0)
    n_labels = len(labels)
    cell = true_index[listed] * n_labels + pred_index[listed]
    if sample_weight is None or sample_weight.dtype.kind in "biu":
        weights = None if sample_weight is None else sample_weight[listed]
        counts = np.bincount(cell, weights=weights, minlength=n_labels * n_labels)
        matrix = counts.astype(np.int64).reshape(n_labels, n_labels)
    else:
        matrix = np.bincount(cell, weights=sample_weight[listed], minlength=n_labels * n_labels)
        matrix = matrix.reshape(n_labels, n_labels)
    if normalize is not None:
        with np.errstate(all="ignore"):
            if normalize == "true":
                matrix = matrix / matrix.sum(axis=1, keepdims=True)
            elif normalize == "pred":
                matrix = matrix / matrix.sum(axis=0, keepdims=True)
            else:
                matrix = matrix / matrix.sum()
        matrix = np.nan_to_num(matrix)
    if matrix.shape == (1, 1):
        warnings.warn(
            "A single label was found in 'y_true' and 'y_pred'. For the confusion matrix to "
            "have the correct shape, use the 'labels' parameter to pass all known labels.",
            UserWarning,
            stacklevel=2,
        )
    return matrix


def _index_in(values: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Position of each value in ``labels`` (-1 where it is not listed)."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    position = np.clip(np.searchsorted(sorted_labels, values), 0, len(labels) - 1)
    return np.where(sorted_labels[position] == values, order[position], -1)


def _weighted_count(indicator: np.ndarray, sample_weight, axis: int) -> np.ndarray:
    """Weighted number of True entries of a (n_samples, n_labels) matrix along ``axis``.

    Per label (axis=0) the weights are added sample by sample (np.bincount), the
    same order scikit-learn uses, so float results agree to the last bit.
    """
    if axis == 1:
        counts = indicator.sum(axis=1)
        return counts if sample_weight is None else counts * sample_weight
    rows, columns = np.nonzero(indicator)
    weights = None if sample_weight is None else sample_weight[rows]
    return np.bincount(columns, weights=weights, minlength=indicator.shape[1])


def _resolve_labels(kind, present, labels, average, pos_label):
    """The labels a set-wise metric scores, following scikit-learn's rules for ``average``."""
    check_one_of(average, "average", _AVERAGES)
    if average == "binary":
        if kind != "binary":
            options = [option for option in _AVERAGES if option != "binary"]
            if kind == "multiclass":
                options.remove("samples")
            fail(
                "average",
                f"one of {options} for a {kind} target ('binary' scores the positive "
                "class of a two-class target)",
                "Received: average='binary'",
            )
        if pos_label not in present.tolist() and len(present) >= 2:
            fail("pos_label", f"one of the labels {present.tolist()}", pos_label)
        return np.asarray([pos_label])
    if pos_label not in (None, 1):
        warnings.warn(
            f"Note that pos_label (set to {pos_label!r}) is ignored when average != 'binary' "
            f"(got {average!r}). You may use labels=[pos_label] to specify a single positive "
            "class.",
            UserWarning,
            stacklevel=3,
        )
    if average == "samples" and kind != "multilabel-indicator":
        fail(
            "average",
            "None, 'micro', 'macro' or 'weighted' ('samples' averages over the rows of a "
            "multilabel indicator matrix)",
            "Received: average='samples'",
        )
    if labels is None:
        return present
    labels = np.asarray(labels)
    if labels.size == 0:
        fail("labels", "at least one label", labels)
    if kind == "multilabel-indicator" and (labels.min() < 0 or labels.max() >= len(present)):
        fail("labels", f"column indices in [0, {len(present)}) for a multilabel target", labels)
    return labels


def _confusion_counts(y_true, y_pred, *, labels, pos_label, average, sample_weight):
    """One-vs-rest TP, FP, FN, TN per label (per sample for average="samples").

    Returns ``(tp, fp, fn, tn, sample_weight)``, arrays with one entry per label.
    """
    kind, present, y_true, y_pred, sample_weight = _check_targets(y_true, y_pred, sample_weight)
    labels = _resolve_labels(kind, present, labels, average, pos_label)
    if kind == "multilabel-indicator":
        true_is, pred_is = y_true[:, labels] != 0, y_pred[:, labels] != 0
    else:
        true_is = y_true[:, None] == labels[None, :]  # one column per label: one-vs-rest
        pred_is = y_pred[:, None] == labels[None, :]
    axis = 1 if average == "samples" else 0
    tp = _weighted_count(true_is & pred_is, sample_weight, axis)
    fp = _weighted_count(pred_is, sample_weight, axis) - tp
    fn = _weighted_count(true_is, sample_weight, axis) - tp
    if axis == 1:
        total = true_is.shape[1] * (1 if sample_weight is None else sample_weight)
    else:
        total = len(y_true) if sample_weight is None else np.sum(sample_weight)
    return tp, fp, fn, total - tp - fp - fn, sample_weight


def _pooled(*counts):
    """Micro averaging: add each count over all labels, leaving one pooled entry."""
    return tuple(np.atleast_1d(np.sum(count)) for count in counts)


def _divide(numerator, denominator, *, metric, undefined_when, average, warn, zero_division):
    """numerator / denominator, with ``zero_division`` (and a warning) where 0/0."""
    denominator = np.asarray(denominator, dtype=np.float64)
    undefined = denominator == 0
    result = np.asarray(numerator, dtype=np.float64) / np.where(undefined, 1, denominator)
    if not undefined.any():
        return result
    result[undefined] = _check_zero_division(zero_division)
    if warn and isinstance(zero_division, str):
        where = "samples" if average == "samples" else "labels"
        owner = "label" if average == "samples" else "sample"
        place = "due to" if result.shape[0] == 1 else f"in {where} with"
        warnings.warn(
            f"{metric} is ill-defined and being set to 0.0 {place} no {undefined_when} "
            f"{owner}s. Use `zero_division` parameter to control this behavior.",
            UndefinedMetricWarning,
            stacklevel=4,
        )
    return result


def _average(scores, weights):
    """Mean of per-label scores, skipping nan (zero_division=np.nan), optionally weighted."""
    if scores.shape[0] == 0:
        return np.nan
    defined = ~np.isnan(scores)
    if not defined.any():
        return np.nan
    if weights is None:
        return float(np.sum(np.where(defined, scores, 0.0)) / np.sum(defined))
    scores, weights = scores[defined], np.asarray(weights, dtype=np.float64)[defined]
    if np.sum(weights) == 0:  # every weight zero: fall back to the plain mean
        return float(np.mean(scores))
    return float(np.sum(scores * weights) / np.sum(weights))


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

    Per label l (one-vs-rest counts TP, FP, FN):

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
    _check_zero_division(zero_division)
    beta = check_interval(beta, "beta", 0.0, np.inf)
    tp, fp, fn, _, sample_weight = _confusion_counts(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average, sample_weight=sample_weight
    )
    predicted, actual = tp + fp, tp + fn
    if average == "micro":
        tp, predicted, actual = _pooled(tp, predicted, actual)
    common = {"average": average, "zero_division": zero_division}
    precision = _divide(
        tp, predicted, metric="Precision", undefined_when="predicted", warn="precision" in warn_for, **common
    )
    recall = _divide(tp, actual, metric="Recall", undefined_when="true", warn="recall" in warn_for, **common)
    if np.isposinf(beta):
        fbeta = recall
    elif beta == 0:
        fbeta = precision
    else:
        beta2 = beta**2
        fbeta = _divide(
            (1 + beta2) * np.asarray(tp, dtype=np.float64),
            beta2 * np.asarray(actual, dtype=np.float64) + np.asarray(predicted, dtype=np.float64),
            metric="F-score",
            undefined_when="true nor predicted",
            warn="f-score" in warn_for,
            **common,
        )
    if average is None:
        return precision, recall, fbeta, actual
    weights = {"weighted": actual, "samples": sample_weight}.get(average)
    return _average(precision, weights), _average(recall, weights), _average(fbeta, weights), None


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
    precision, _, _, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        warn_for=("precision",), sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip
    return precision


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
    _, recall, _, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        warn_for=("recall",), sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip
    return recall


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
    _, _, fbeta, _ = precision_recall_fscore_support(
        y_true, y_pred, beta=beta, labels=labels, pos_label=pos_label, average=average,
        warn_for=("f-score",), sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip
    return fbeta


def f1_score(
    y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None, zero_division="warn"
):
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


def _negative_rate(y_true, y_pred, *, labels, pos_label, average, sample_weight, zero_division, false_positive):
    """Specificity TN / (TN + FP), or false positive rate FP / (FP + TN), averaged."""
    _check_zero_division(zero_division)
    tp, fp, fn, tn, sample_weight = _confusion_counts(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average, sample_weight=sample_weight
    )
    support = tp + fn
    if average == "micro":
        fp, tn = _pooled(fp, tn)
    name = "False positive rate" if false_positive else "Specificity"
    rate = _divide(
        fp if false_positive else tn, fp + tn, metric=name, undefined_when="negative",
        average=average, warn=True, zero_division=zero_division,
    )  # fmt: skip
    if average is None:
        return rate
    return _average(rate, {"weighted": support, "samples": sample_weight}.get(average))


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
    return _negative_rate(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division, false_positive=False,
    )  # fmt: skip


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
    return _negative_rate(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division, false_positive=True,
    )  # fmt: skip


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
    kind, present, y_true, y_pred, sample_weight = _check_targets(y_true, y_pred, sample_weight)
    labels_given = labels is not None
    labels = np.asarray(labels) if labels_given else present
    # The micro average equals accuracy when every label present is reported.
    micro_is_accuracy = kind in ("binary", "multiclass") and (
        not labels_given or set(labels.tolist()) >= set(present.tolist())
    )
    if target_names is not None and len(labels) != len(target_names):
        if labels_given:
            warnings.warn(
                f"labels size, {len(labels)}, does not match size of target_names, {len(target_names)}",
                stacklevel=2,
            )
        else:
            fail("target_names", f"one name per label ({len(labels)})", f"Received: {len(target_names)} names")
    if target_names is None:
        target_names = ["%s" % label for label in labels]
    headers = ["precision", "recall", "f1-score", "support"]
    common = {"labels": labels, "sample_weight": sample_weight, "zero_division": zero_division}
    per_label = precision_recall_fscore_support(y_true, y_pred, average=None, **common)
    rows = list(zip(target_names, *per_label))
    averages = ["micro", "macro", "weighted"] + (["samples"] if kind == "multilabel-indicator" else [])
    summary = []
    for average in averages:
        heading = "accuracy" if average == "micro" and micro_is_accuracy else f"{average} avg"
        precision, recall, fscore, _ = precision_recall_fscore_support(y_true, y_pred, average=average, **common)
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


# ---------------------------------------------------------------------------
# Ranking metrics: curves over every distinct threshold
# ---------------------------------------------------------------------------


def _sort_descending(y_score, is_positive, sample_weight):
    """Scores in decreasing order, with their labels (and weights) carried along.

    Sorting is the whole cost of a ROC curve, and np.sort of floats is several times
    faster than np.argsort. Without weights we therefore sort the scores themselves
    with each label packed in: a float32 (or float16) widened to float64 has its 29
    lowest mantissa bits at zero, so the lowest bit can hold the label. Setting it
    moves the value by one float64 step, never past another float32 value, so the
    order of the scores is kept; rounding back to float32 recovers them. (We sort
    the negated scores: ascending order is then decreasing score, without a
    reversed copy.) Other inputs take one argsort, as scikit-learn does.
    """
    if sample_weight is None and y_score.dtype in (np.float16, np.float32):
        packed = np.negative(y_score, dtype=np.float64)
        packed_bits = packed.view(np.int64)
        packed_bits |= is_positive
        packed.sort()
        return np.negative(packed, dtype=y_score.dtype), packed_bits & 1, None
    if sample_weight is None:  # integer counts do not depend on the order inside ties
        order = np.argsort(-y_score)
        return y_score[order], is_positive[order], None
    # A stable sort keeps tied samples in input order, so weights add up in
    # scikit-learn's order and weighted results agree to the last bit.
    order = np.argsort(-y_score, kind="stable")
    return y_score[order], is_positive[order], sample_weight[order]


def _counts_at_thresholds(is_positive, y_score, sample_weight=None):
    """Weighted FP and TP counts when predicting ``y_score >= t``, for every distinct score t.

    Returns ``(fps, tps, thresholds)``, thresholds decreasing; fps[-1] and tps[-1]
    are the total negative and positive weights (integer counts without weights).
    Samples of zero weight are dropped first, so they cannot create thresholds.
    """
    if sample_weight is not None:
        kept = sample_weight != 0
        if not kept.any():
            fail("sample_weight", "at least one positive weight", "Received: all weights are 0")
        is_positive, y_score, sample_weight = is_positive[kept], y_score[kept], sample_weight[kept]
    score, positive, weight = _sort_descending(y_score, is_positive, sample_weight)
    # Ties form one threshold: keep the last index of each run of equal scores.
    last_of_run = np.append(np.flatnonzero(score[1:] != score[:-1]), len(score) - 1)
    if weight is None:
        tps = np.cumsum(positive)[last_of_run]
        fps = 1 + last_of_run - tps  # everything ranked so far that is not a positive
        return fps, tps, score[last_of_run]
    positive = positive.astype(np.float64)
    tps = np.cumsum(positive * weight)[last_of_run]
    fps = np.cumsum((1.0 - positive) * weight)[last_of_run]
    return fps, tps, score[last_of_run]


def _check_curve_input(y_true, y_score, sample_weight, pos_label):
    is_positive = _is_positive(y_true, pos_label)
    scores = _scores_1d(y_score)
    check_same_length(is_positive, scores, ("y_true", "y_score"))
    return is_positive, scores, _sample_weight(sample_weight, len(scores))


def _roc_from_counts(fps, tps, thresholds, drop_intermediate):
    if drop_intermediate and len(fps) > 2:
        # A point collinear with its neighbours adds nothing to the plot or the area.
        corner = np.logical_or(np.diff(fps, 2), np.diff(tps, 2))
        kept = np.flatnonzero(np.concatenate([[True], corner, [True]]))
        fps, tps, thresholds = fps[kept], tps[kept], thresholds[kept]
    fps = np.concatenate([[0.0], fps])  # threshold +inf: nothing predicted positive
    tps = np.concatenate([[0.0], tps])
    thresholds = np.concatenate([[np.inf], thresholds.astype(np.float64)])
    if fps[-1] <= 0:
        warnings.warn(
            "No negative samples in y_true, false positive value should be meaningless",
            UndefinedMetricWarning,
            stacklevel=3,
        )
        fpr = np.full(fps.shape, np.nan)
    else:
        fpr = fps / fps[-1]
    if tps[-1] <= 0:
        warnings.warn(
            "No positive samples in y_true, true positive value should be meaningless",
            UndefinedMetricWarning,
            stacklevel=3,
        )
        tpr = np.full(tps.shape, np.nan)
    else:
        tpr = tps / tps[-1]
    return fpr, tpr, thresholds


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
    is_positive, scores, sample_weight = _check_curve_input(y_true, y_score, sample_weight, pos_label)
    fps, tps, thresholds = _counts_at_thresholds(is_positive, scores, sample_weight)
    return _roc_from_counts(fps, tps, thresholds, drop_intermediate)


def _precision_recall_from_counts(fps, tps, thresholds, drop_intermediate):
    if drop_intermediate and len(fps) > 2:
        # Keep only the first and last point of every vertical run of equal recall.
        recall_changes = np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:]))
        kept = np.flatnonzero(np.concatenate([[True], recall_changes, [True]]))
        fps, tps, thresholds = fps[kept], tps[kept], thresholds[kept]
    predicted = tps + fps
    precision = np.divide(tps, predicted, out=np.zeros(tps.shape), where=predicted != 0)
    if tps[-1] == 0:
        warnings.warn("No positive class found in y_true, recall is set to one for all thresholds.", stacklevel=3)
        recall = np.ones(tps.shape)
    else:
        recall = tps / tps[-1]
    # Reverse so recall decreases, and close the curve at (recall 0, precision 1).
    return np.append(precision[::-1], 1.0), np.append(recall[::-1], 0.0), thresholds[::-1]


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
    is_positive, scores, sample_weight = _check_curve_input(y_true, y_score, sample_weight, pos_label)
    fps, tps, thresholds = _counts_at_thresholds(is_positive, scores, sample_weight)
    return _precision_recall_from_counts(fps, tps, thresholds, drop_intermediate)


def _trapezoid(x, y) -> float:
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0))


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
    x = _scores_1d(x, "x")
    y = _scores_1d(y, "y")
    check_same_length(x, y, ("x", "y"))
    if len(x) < 2:
        fail("x", "at least 2 points", x)
    direction = 1.0
    steps = np.diff(x)
    if np.any(steps < 0):
        if not np.all(steps <= 0):
            fail("x", "monotonic values (increasing or decreasing)", x)
        direction = -1.0
    return direction * _trapezoid(x, y)


def _binary_roc_auc(is_positive, y_score, sample_weight=None, max_fpr=None):
    if is_positive.all() or not is_positive.any():
        warnings.warn(
            "Only one class is present in y_true. ROC AUC score is not defined in that case.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
        return np.nan
    fps, tps, thresholds = _counts_at_thresholds(is_positive, y_score, sample_weight)
    if (max_fpr is None or max_fpr == 1) and fps[-1] > 0 and tps[-1] > 0:
        # Trapezoids on the counts from (0, 0), scaled to the unit square once:
        # the area under (FPR, TPR) without building the curve.
        area = np.sum(np.diff(fps) * (tps[1:] + tps[:-1])) + fps[0] * tps[0]
        return float(area / 2.0 / fps[-1] / tps[-1])
    fpr, tpr, _ = _roc_from_counts(fps, tps, thresholds, drop_intermediate=True)
    if max_fpr is None or max_fpr == 1:
        return _trapezoid(fpr, tpr)
    # Partial area up to max_fpr (the curve cut by linear interpolation) ...
    stop = np.searchsorted(fpr, max_fpr, "right")
    tpr_at_max = np.interp(max_fpr, fpr[stop - 1 : stop + 1], tpr[stop - 1 : stop + 1])
    partial = _trapezoid(np.append(fpr[:stop], max_fpr), np.append(tpr[:stop], tpr_at_max))
    # ... standardised (McClish 1989): 0.5 for a useless ranking, 1 for a perfect one.
    min_area, max_area = 0.5 * max_fpr**2, max_fpr
    return float(0.5 * (1 + (partial - min_area) / (max_area - min_area)))


def _average_binary_score(binary_metric, y_true, y_score, average, sample_weight):
    """Apply a binary metric to each column of indicator input and average.

    micro: every (sample, label) cell is one decision, raveled into one binary
    problem; macro: mean of the per-label scores; weighted: mean weighted by each
    label's (weighted) number of positives; samples: mean over rows; None: per label.
    """
    check_one_of(average, "average", (None, "micro", "macro", "weighted", "samples"))
    score_weight, average_weight = sample_weight, None
    if average == "micro":
        if sample_weight is not None:
            score_weight = np.repeat(sample_weight, y_true.shape[1])
        return binary_metric(y_true.ravel() == 1, y_score.ravel(), score_weight)
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


def _indicator_scores(y_score, n_samples, n_columns, what):
    scores = np.asarray(y_score)
    if scores.ndim != 2 or scores.shape != (n_samples, n_columns):
        expected = f"shape ({n_samples}, {n_columns}): one column per {what}"
        fail("y_score", expected, f"Received: shape {scores.shape}")
    if scores.dtype.kind not in "biuf":
        fail("y_score", "numeric scores", f"Received: dtype {scores.dtype}")
    check_finite(scores, "y_score")
    return scores.astype(np.float64) if scores.dtype.kind != "f" else scores


def _ovo_roc_auc(codes, y_score, average):
    """Hand & Till (2001): mean over class pairs of the AUC of a vs b and of b vs a."""
    present = np.unique(codes)
    pair_scores, prevalence = [], []
    for a, b in combinations(present, 2):
        in_pair = (codes == a) | (codes == b)
        a_vs_b = _binary_roc_auc(codes[in_pair] == a, y_score[in_pair, a])
        b_vs_a = _binary_roc_auc(codes[in_pair] == b, y_score[in_pair, b])
        pair_scores.append((a_vs_b + b_vs_a) / 2)
        prevalence.append(np.mean(in_pair))
    return float(np.average(pair_scores, weights=prevalence if average == "weighted" else None))


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
    check_one_of(multi_class, "multi_class", ("raise", "ovr", "ovo"))
    check_one_of(average, "average", ("macro", "weighted", "micro", "samples", None))
    if max_fpr is not None:
        max_fpr = check_interval(max_fpr, "max_fpr", 0.0, 1.0, low_open=True)
    kind, y_true, classes = _target(y_true, "y_true")
    score_array = np.asarray(y_score)
    if kind == "multiclass" or (kind == "binary" and score_array.ndim == 2 and score_array.shape[1] > 2):
        return _multiclass_roc_auc(y_true, score_array, labels, multi_class, average, sample_weight, max_fpr)
    if kind == "binary":
        scores = _scores_1d(score_array)
        check_same_length(y_true, scores, ("y_true", "y_score"))
        sample_weight = _sample_weight(sample_weight, len(scores))
        # The greater label is the positive class (scores are P(classes[1])).
        return _binary_roc_auc(y_true == classes[-1], scores, sample_weight, max_fpr)
    scores = _indicator_scores(score_array, len(y_true), y_true.shape[1], "label")
    sample_weight = _sample_weight(sample_weight, len(y_true))
    return _average_binary_score(partial(_binary_roc_auc, max_fpr=max_fpr), y_true, scores, average, sample_weight)


def _multiclass_roc_auc(y_true, y_score, labels, multi_class, average, sample_weight, max_fpr):
    if max_fpr is not None and max_fpr != 1.0:
        fail("max_fpr", "None (partial AUC is only defined for binary targets)", max_fpr)
    if multi_class == "raise":
        fail("multi_class", "'ovr' or 'ovo' for a multiclass target", "Received: multi_class='raise'")
    if y_score.ndim != 2:
        fail(
            "y_score",
            "shape (n_samples, n_classes): one probability column per class",
            f"Received: shape {y_score.shape}",
        )
    scores = _indicator_scores(y_score, len(y_true), y_score.shape[1], "class")
    row_sums = scores.sum(axis=1)
    if not np.allclose(1, row_sums):
        fail(
            "y_score",
            f"probabilities whose rows sum to 1 for multi_class={multi_class!r} (apply a "
            "softmax to logits)",
            f"Received: row sums from {row_sums.min():.6g} to {row_sums.max():.6g}",
        )
    allowed = ("micro", "macro", "weighted", None) if multi_class == "ovr" else ("macro", "weighted")
    if average not in allowed:
        fail("average", f"one of {allowed} for multi_class={multi_class!r}", f"Received: average={average!r}")
    if labels is not None:
        classes = np.asarray(labels)
        if len(np.unique(classes)) != len(classes):
            fail("labels", "unique labels", classes)
        if not np.array_equal(np.sort(classes), classes):
            fail("labels", "sorted labels", classes)
        if len(classes) != scores.shape[1]:
            fail("labels", f"one label per column of y_score ({scores.shape[1]})", classes)
        if not np.isin(y_true, classes).all():
            unknown = np.setdiff1d(y_true, classes).tolist()
            fail("y_true", f"only the given labels {classes.tolist()}", f"Received: {unknown}")
    else:
        classes = np.unique(y_true)
        if len(classes) != scores.shape[1]:
            fail(
                "y_score",
                f"one column per class of y_true ({len(classes)}), or pass labels=",
                f"Received: {scores.shape[1]} columns",
            )
    codes = np.searchsorted(classes, y_true)
    if multi_class == "ovo":
        if sample_weight is not None:
            fail("sample_weight", "None for multi_class='ovo'", "Received: an array")
        return _ovo_roc_auc(codes, scores, average)
    sample_weight = _sample_weight(sample_weight, len(y_true))
    one_hot = (codes[:, None] == np.arange(len(classes))).astype(np.int64)
    return _average_binary_score(_binary_roc_auc, one_hot, scores, average, sample_weight)


def _binary_average_precision(is_positive, y_score, sample_weight=None) -> float:
    fps, tps, _ = _counts_at_thresholds(is_positive, y_score, sample_weight)
    if tps[-1] == 0:  # as in scikit-learn: recall is taken as 1 everywhere, and AP is 0
        warnings.warn("No positive class found in y_true, recall is set to one for all thresholds.", stacklevel=3)
        return 0.0
    # A step function: the precision at each threshold (decreasing), weighted by the
    # recall it adds there. Every threshold predicts at least one sample positive.
    recall_gain = np.diff(tps, prepend=0) / tps[-1]
    precision = tps / (tps + fps)
    return float(max(0.0, np.sum(recall_gain * precision)))


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
    check_one_of(average, "average", ("macro", "weighted", "micro", "samples", None))
    kind, y_true, classes = _target(y_true, "y_true")
    if kind == "binary":
        if len(classes) == 2 and pos_label not in classes.tolist():
            fail("pos_label", f"one of the labels {classes.tolist()}", pos_label)
        scores = _scores_1d(y_score)
        check_same_length(y_true, scores, ("y_true", "y_score"))
        return _binary_average_precision(y_true == pos_label, scores, _sample_weight(sample_weight, len(scores)))
    if pos_label != 1:
        fail("pos_label", f"1 (fixed) for a {kind} target", pos_label)
    if kind == "multiclass":
        y_true = (y_true[:, None] == classes[None, :]).astype(np.int64)
    scores = _indicator_scores(y_score, len(y_true), y_true.shape[1], "label")
    sample_weight = _sample_weight(sample_weight, len(y_true))
    return _average_binary_score(_binary_average_precision, y_true, scores, average, sample_weight)


# ---------------------------------------------------------------------------
# Keras's threshold metrics, exact or with Keras's buckets
# ---------------------------------------------------------------------------


def _keras_binary_input(y_true, y_score, sample_weight, *, flatten=True):
    """Keras-style binary input: labels in {0, 1}, real scores, same shape; flattened."""
    truth = np.asarray(y_true)
    scores = np.asarray(y_score)
    if truth.dtype.kind not in "biuf":
        fail("y_true", "binary labels 0 and 1", f"Received: dtype {truth.dtype}")
    if truth.size == 0:
        fail("y_true", "a non-empty array", truth)
    if truth.dtype.kind == "f":
        check_finite(truth, "y_true")
    values = _unique_sorted(truth.ravel())
    if not np.isin(values, (0, 1)).all():
        fail(
            "y_true",
            "binary labels 0 and 1 (more than two classes: score one class against the rest)",
            f"Received: labels {values.tolist()[:6]}",
        )
    if scores.dtype.kind not in "biuf":
        fail("y_score", "numeric scores", f"Received: dtype {scores.dtype}")
    if truth.shape != scores.shape:
        fail("y_score", f"the shape of `y_true` {truth.shape}", f"Received: shape {scores.shape}")
    check_finite(scores, "y_score")
    weight = None
    if sample_weight is not None:
        weight = np.asarray(sample_weight, dtype=np.float64)
        check_finite(weight, "sample_weight")
        if weight.shape != truth.shape[: weight.ndim]:
            expected = f"shape {truth.shape[:1]} (one weight per sample) or {truth.shape}"
            fail("sample_weight", expected, f"Received: shape {weight.shape}")
        if np.any(weight < 0):
            fail("sample_weight", "non-negative weights", f"Received: min={float(weight.min())}")
        weight = np.broadcast_to(weight.reshape(weight.shape + (1,) * (truth.ndim - weight.ndim)), truth.shape)
    if flatten:  # like Keras (multi_label=False), every cell is one decision
        truth, scores = truth.ravel(), scores.ravel()
        weight = None if weight is None else weight.ravel()
    return truth == 1, scores, weight


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
    is_positive, scores, weight = _keras_binary_input(y_true, y_score, sample_weight)
    if num_thresholds is None:
        return _exact_confusion(is_positive, scores, weight)
    if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)) or num_thresholds < 1:
        fail("num_thresholds", "None (exact, every distinct threshold) or an integer >= 1", num_thresholds)
    return _keras_confusion(is_positive, scores, weight, int(num_thresholds), with_epsilon=False)


def _best_under_constraint(
    y_true, y_score, target, target_name, *, constrained, dependent, num_thresholds, sample_weight, return_threshold
):
    """max of the dependent rate over the thresholds where the constrained rate >= target.

    Returns 0.0 (and threshold None) when no threshold meets the constraint, as
    Keras does. Among thresholds with the best value, the one with the best
    constrained rate is reported.
    """
    target = check_interval(target, target_name, 0.0, 1.0)
    tp, fp, tn, fn, thresholds = _confusion_at_thresholds(y_true, y_score, sample_weight, num_thresholds)
    constrained, dependent = constrained(tp, fp, tn, fn), dependent(tp, fp, tn, fn)
    feasible = np.flatnonzero(constrained >= target)
    if feasible.size == 0:
        return (0.0, None) if return_threshold else 0.0
    best = feasible[np.lexsort((constrained[feasible], dependent[feasible]))[-1]]
    value = float(dependent[best])
    return (value, float(thresholds[best])) if return_threshold else value


def _recall(tp, fp, tn, fn):
    return _divide_no_nan(tp, tp + fn)


def _precision(tp, fp, tn, fn):
    return _divide_no_nan(tp, tp + fp)


def _specificity(tp, fp, tn, fn):
    return _divide_no_nan(tn, tn + fp)


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
        ValueError: labels other than 0/1, shapes that differ, NaN scores, a target
            outside [0, 1], or a bad num_thresholds.

    Example:
        >>> y_true = [0, 0, 1, 1, 1]
        >>> y_score = [0.1, 0.6, 0.4, 0.7, 0.9]
        >>> precision_at_recall(y_true, y_score, 1.0, return_threshold=True)
        (0.75, 0.4)

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    return _best_under_constraint(
        y_true, y_score, recall, "recall", constrained=_recall, dependent=_precision,
        num_thresholds=num_thresholds, sample_weight=sample_weight, return_threshold=return_threshold,
    )  # fmt: skip


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
        ValueError: labels other than 0/1, shapes that differ, NaN scores, a target
            outside [0, 1], or a bad num_thresholds.

    Example:
        >>> y_true = [0, 0, 1, 1, 1]
        >>> y_score = [0.1, 0.6, 0.4, 0.7, 0.9]
        >>> round(recall_at_precision(y_true, y_score, 1.0), 4)
        0.6667

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    return _best_under_constraint(
        y_true, y_score, precision, "precision", constrained=_precision, dependent=_recall,
        num_thresholds=num_thresholds, sample_weight=sample_weight, return_threshold=return_threshold,
    )  # fmt: skip


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
        ValueError: labels other than 0/1, shapes that differ, NaN scores, a target
            outside [0, 1], or a bad num_thresholds.

    Example:
        >>> y_true = [0, 0, 1, 1, 1]
        >>> y_score = [0.1, 0.6, 0.4, 0.7, 0.9]
        >>> round(sensitivity_at_specificity(y_true, y_score, 0.5), 4)
        1.0

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    return _best_under_constraint(
        y_true, y_score, specificity, "specificity", constrained=_specificity, dependent=_recall,
        num_thresholds=num_thresholds, sample_weight=sample_weight, return_threshold=return_threshold,
    )  # fmt: skip


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
        ValueError: labels other than 0/1, shapes that differ, NaN scores, a target
            outside [0, 1], or a bad num_thresholds.

    Example:
        >>> y_true = [0, 0, 1, 1, 1]
        >>> y_score = [0.1, 0.6, 0.4, 0.7, 0.9]
        >>> specificity_at_sensitivity(y_true, y_score, 0.6, return_threshold=True)
        (1.0, 0.7)

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    return _best_under_constraint(
        y_true, y_score, sensitivity, "sensitivity", constrained=_recall, dependent=_specificity,
        num_thresholds=num_thresholds, sample_weight=sample_weight, return_threshold=return_threshold,
    )  # fmt: skip


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
        y_true: Binary labels 0/1, any shape; flattened unless ``multi_label``.
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
        ValueError: labels other than 0/1, shapes that differ, NaN scores, bad
            ``num_thresholds``, ``curve`` or ``summation_method``.

    Example:
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
    curve = curve.upper() if isinstance(curve, str) else curve
    check_one_of(curve, "curve", ("ROC", "PR", "PRGAIN"))
    summation_method = summation_method.lower() if isinstance(summation_method, str) else summation_method
    check_one_of(summation_method, "summation_method", ("interpolation", "minoring", "majoring"))
    if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)) or num_thresholds < 2:
        fail("num_thresholds", "an integer > 1", num_thresholds)
    is_positive, scores, weight = _keras_binary_input(y_true, y_score, sample_weight, flatten=not multi_label)
    if from_logits:
        scores = 1.0 / (1.0 + np.exp(-scores.astype(np.float32)))
    if not multi_label:
        counts = _keras_confusion(is_positive, scores, weight, int(num_thresholds), with_epsilon=True)
        return _keras_area(*counts[:4], curve, summation_method)
    if is_positive.ndim != 2:
        fail("y_true", "a 2-D array (n_samples, n_labels) for multi_label=True", f"Received: shape {is_positive.shape}")
    areas = []
    for column in range(is_positive.shape[1]):
        column_weight = None if weight is None else weight[:, column]
        counts = _keras_confusion(
            is_positive[:, column], scores[:, column], column_weight, int(num_thresholds), with_epsilon=True
        )
        areas.append(_keras_area(*counts[:4], curve, summation_method))
    return float(np.mean(areas))


# ---------------------------------------------------------------------------
# What Keras reports for a metric written as a function of one batch
# ---------------------------------------------------------------------------


def batch_averaged(metric_fn, y_true, y_pred, batch_size=32, *, return_per_batch=False):
    """The mean over batches of ``metric_fn(batch)``: what Keras logs for a batch-wise metric.

    A metric *function* passed to ``model.compile(metrics=[...])`` that returns one
    number per batch is averaged by Keras over the batches of the epoch, every batch
    (also the smaller last one) counting once:

        reported = (1 / B) sum_b metric_fn(y_true[batch b], y_pred[batch b])

    For precision, recall and F1 this is not the metric of the epoch: a mean of
    ratios is not the ratio of the summed counts, and batches without positives pull
    it down. Compare with the metric on all samples to measure the gap.

    Args:
        metric_fn: Callable ``(y_true_batch, y_pred_batch) -> float`` (NumPy).
        y_true: Targets, shape (n_samples, ...).
        y_pred: Predictions, shape (n_samples, ...).
        batch_size: Consecutive samples per batch, >= 1. Defaults to 32 (as fit).
        return_per_batch: Also return the per-batch values. Defaults to False.

    Returns:
        float, or (float, ndarray of shape (n_batches,)) with return_per_batch=True.

    Raises:
        ValueError: lengths that differ, empty input, or a bad ``batch_size``.

    Example:
        >>> y_true = np.array([1, 0, 0, 0, 1, 1, 0, 1])
        >>> y_pred = np.array([1, 1, 0, 0, 1, 1, 1, 1])
        >>> round(precision_score(y_true, y_pred), 4)
        0.6667
        >>> batch_averaged(lambda t, p: precision_score(t, p, zero_division=0.0), y_true, y_pred, 4)
        0.625

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    if not callable(metric_fn):
        fail("metric_fn", "a callable (y_true_batch, y_pred_batch) -> float", metric_fn)
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == 0 or len(y_true) == 0:
        fail("y_true", "a non-empty array", y_true)
    check_same_length(y_true, y_pred, ("y_true", "y_pred"))
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        fail("batch_size", "an integer >= 1", batch_size)
    starts = range(0, len(y_true), int(batch_size))
    values = np.array([float(metric_fn(y_true[s : s + batch_size], y_pred[s : s + batch_size])) for s in starts])
    mean = float(np.mean(values))
    return (mean, values) if return_per_batch else mean
