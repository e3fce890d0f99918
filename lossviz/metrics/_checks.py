"""Input checks of lossviz.metrics: every malformed input raises a ValueError naming the argument.

Each public metric starts with one or two ``check_*`` calls from here and then does
its maths on the raw input. The checks only raise (and warn where scikit-learn warns
about an ignored argument, or where Keras's threshold metrics accept input that is
almost surely a mistake); they return nothing the maths needs, so
:func:`lossviz.standalone_source` can leave them out of a copied block.

The messages say what was expected and what arrived, in the package's one style
(:func:`lossviz._validation.fail`).
"""

from __future__ import annotations

import warnings

import numpy as np

from lossviz._validation import (
    check_finite,
    check_integer,
    check_interval,
    check_one_of,
    check_same_length,
    fail,
    warn_user,
)

AVERAGES = (None, "binary", "micro", "macro", "weighted", "samples")
CURVE_AVERAGES = ("macro", "weighted", "micro", "samples", None)

# ---------------------------------------------------------------------------
# Building blocks: classify a target as scikit-learn does
# ---------------------------------------------------------------------------


def _unique_sorted(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values; a few passes instead of a sort for binary labels and small class ids."""
    if values.dtype.kind in "biuf" and values.ndim == 1:
        low, high = values.min(), values.max()
        if low == high:
            return np.asarray([low])
        if values.dtype.kind in "iu" and low >= 0 and high < 2**16:  # class ids: count them, np.bincount
            return np.flatnonzero(np.bincount(values.astype(np.intp, copy=False))).astype(values.dtype)
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


def target_kind(y, name: str):
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
                "a 1-D array of class labels, or a 2-D indicator matrix of 0s and 1s (multilabel)",
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
            "class labels (integers, booleans or strings); threshold scores first, e.g. y_pred = y_score > 0.5",
            f"Received: continuous values such as {example!r}",
        )
    return ("binary" if len(classes) <= 2 else "multiclass"), array, classes


def check_sample_weight(sample_weight, n_samples: int) -> None:
    """Per-sample weights: None, or 1-D, one per sample, finite and non-negative."""
    if sample_weight is None:
        return
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


def _scores_1d(y_score, name: str = "y_score") -> np.ndarray:
    """Scores for one binary problem: a 1-D numeric array without NaN or inf."""
    scores = np.asarray(y_score)
    if scores.dtype.kind not in "biuf":
        fail(name, "numeric scores", f"Received: dtype {scores.dtype}")
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if scores.ndim != 1:
        fail(
            name,
            "a 1-D array of scores for the positive class (from a (n, 2) predict_proba output take column 1)",
            f"Received: an array of shape {scores.shape}",
        )
    if scores.size == 0:
        fail(name, "a non-empty array", scores)
    check_finite(scores, name)
    return scores


# ---------------------------------------------------------------------------
# Label metrics
# ---------------------------------------------------------------------------


def label_targets(y_true, y_pred, sample_weight=None):
    """Check that ``y_true`` and ``y_pred`` describe the same task; return ``(kind, present labels)``."""
    kind_true, y_true, classes_true = target_kind(y_true, "y_true")
    kind_pred, y_pred, classes_pred = target_kind(y_pred, "y_pred")
    check_same_length(y_true, y_pred, ("y_true", "y_pred"))
    multilabel = kind_true == "multilabel-indicator"
    if multilabel != (kind_pred == "multilabel-indicator"):
        fail("y_pred", f"the same kind of target as `y_true` ({kind_true})", f"Received: a {kind_pred} target")
    if multilabel:
        if y_true.shape != y_pred.shape:
            fail("y_pred", f"the shape of `y_true` {y_true.shape}", f"Received: shape {y_pred.shape}")
        kind, present = "multilabel-indicator", classes_true
    else:
        if (y_true.dtype.kind == "U") != (y_pred.dtype.kind == "U"):
            fail(
                "y_pred",
                "labels of the same kind as `y_true` (all strings or all numbers)",
                f"Received: y_true of dtype {y_true.dtype} and y_pred of dtype {y_pred.dtype}",
            )
        present = np.union1d(classes_true, classes_pred)
        kind = "binary" if len(present) <= 2 else "multiclass"
    check_sample_weight(sample_weight, len(y_true))
    return kind, present


def check_label_targets(y_true, y_pred, sample_weight=None) -> None:
    """Labels (not scores) of one kind and length, and valid weights."""
    label_targets(y_true, y_pred, sample_weight)


def check_zero_division(zero_division) -> None:
    """The value that replaces 0/0: "warn", 0.0, 1.0 or np.nan."""
    if isinstance(zero_division, str) and zero_division == "warn":
        return
    if isinstance(zero_division, int | float) and not isinstance(zero_division, bool):
        if zero_division in (0, 1) or np.isnan(zero_division):
            return
    fail("zero_division", '"warn", 0.0, 1.0 or np.nan', zero_division)


def check_set_metric(y_true, y_pred, *, labels, pos_label, average, sample_weight, zero_division, beta=1.0) -> None:
    """Everything a precision / recall / F / specificity call can get wrong, in scikit-learn's order."""
    check_zero_division(zero_division)
    check_interval(beta, "beta", 0.0, np.inf)
    kind, present = label_targets(y_true, y_pred, sample_weight)
    check_one_of(average, "average", AVERAGES)
    if average == "binary":
        if kind != "binary":
            options = [option for option in AVERAGES if option != "binary"]
            if kind == "multiclass":
                options.remove("samples")
            fail(
                "average",
                f"one of {options} for a {kind} target ('binary' scores the positive class of a two-class target)",
                "Received: average='binary'",
            )
        if pos_label not in present.tolist() and len(present) >= 2:
            fail("pos_label", f"one of the labels {present.tolist()}", pos_label)
        return
    if pos_label not in (None, 1):
        warnings.warn(
            f"Note that pos_label (set to {pos_label!r}) is ignored when average != 'binary' (got {average!r}). "
            "You may use labels=[pos_label] to specify a single positive class.",
            UserWarning,
            stacklevel=3,
        )
    if average == "samples" and kind != "multilabel-indicator":
        fail(
            "average",
            "None, 'micro', 'macro' or 'weighted' ('samples' averages over the rows of a multilabel indicator matrix)",
            "Received: average='samples'",
        )
    if labels is not None:
        labels = np.asarray(labels)
        if labels.size == 0:
            fail("labels", "at least one label", labels)
        if kind == "multilabel-indicator" and (labels.min() < 0 or labels.max() >= len(present)):
            fail("labels", f"column indices in [0, {len(present)}) for a multilabel target", labels)


def check_accuracy_weights(sample_weight, normalize) -> None:
    """A weighted mean needs at least one positive weight."""
    if sample_weight is not None and normalize and np.sum(sample_weight) == 0:
        fail("sample_weight", "at least one positive weight", "Received: weights that sum to 0")


def check_confusion_matrix(y_true, y_pred, *, labels, sample_weight, normalize) -> None:
    """1-D labels, and ``labels`` (if given) naming at least one label of ``y_true``."""
    check_one_of(normalize, "normalize", (None, "true", "pred", "all"))
    kind, _ = label_targets(y_true, y_pred, sample_weight)
    if kind == "multilabel-indicator":
        expected = "1-D class labels (for multilabel input use one matrix per column)"
        fail("y_true", expected, "Received: a multilabel indicator matrix")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.size == 0:
            fail("labels", "at least one label", labels)
        if not np.isin(target_kind(y_true, "y_true")[1], labels).any():
            fail("labels", "at least one label that occurs in `y_true`", labels)


def check_report(y_true, y_pred, *, labels, target_names, sample_weight, zero_division) -> None:
    """Targets, and one target name per label (a warning when ``labels`` is given)."""
    check_zero_division(zero_division)
    _, present = label_targets(y_true, y_pred, sample_weight)
    n_labels = len(present) if labels is None else len(labels)
    if target_names is not None and n_labels != len(target_names):
        if labels is not None:
            message = f"labels size, {n_labels}, does not match size of target_names, {len(target_names)}"
            warnings.warn(message, stacklevel=3)
        else:
            fail("target_names", f"one name per label ({n_labels})", f"Received: {len(target_names)} names")


# ---------------------------------------------------------------------------
# Ranking metrics
# ---------------------------------------------------------------------------


def check_binary_scores(y_true, y_score, sample_weight, pos_label) -> None:
    """One binary problem: labels with a known positive class, 1-D finite scores, weights."""
    kind, y_true, classes = target_kind(y_true, "y_true")
    if kind == "multilabel-indicator":
        fail(
            "y_true",
            "a 1-D array of binary labels (for a multilabel indicator matrix score each column, "
            "or use roc_auc_score / average_precision_score)",
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
            len(classes) == len(pattern) and np.all(classes == pattern) for pattern in ([0, 1], [-1, 1], [0], [-1], [1])
        )
        if not known:
            fail(
                "pos_label",
                "the label of the positive class; it may be None only when y_true takes values in {0, 1} or {-1, 1}",
                f"Received: pos_label=None with y_true classes {classes.tolist()}",
            )
    scores = _scores_1d(y_score)
    check_same_length(y_true, scores, ("y_true", "y_score"))
    check_sample_weight(sample_weight, len(scores))
    if sample_weight is not None and not np.any(np.asarray(sample_weight) != 0):
        fail("sample_weight", "at least one positive weight", "Received: all weights are 0")


def check_auc_points(x, y) -> None:
    """At least two points, ``x`` monotonic."""
    x, y = _scores_1d(x, "x"), _scores_1d(y, "y")
    check_same_length(x, y, ("x", "y"))
    if len(x) < 2:
        fail("x", "at least 2 points", x)
    steps = np.diff(x)
    if np.any(steps < 0) and not np.all(steps <= 0):
        fail("x", "monotonic values (increasing or decreasing)", x)


def _indicator_scores(y_score, n_samples, n_columns, what) -> None:
    scores = np.asarray(y_score)
    if scores.ndim != 2 or scores.shape != (n_samples, n_columns):
        fail("y_score", f"shape ({n_samples}, {n_columns}): one column per {what}", f"Received: shape {scores.shape}")
    if scores.dtype.kind not in "biuf":
        fail("y_score", "numeric scores", f"Received: dtype {scores.dtype}")
    check_finite(scores, "y_score")


def _check_multiclass_roc_auc(y_true, y_score, labels, multi_class, average, sample_weight, max_fpr) -> None:
    if max_fpr is not None and max_fpr != 1.0:
        fail("max_fpr", "None (partial AUC is only defined for binary targets)", max_fpr)
    if multi_class == "raise":
        fail("multi_class", "'ovr' or 'ovo' for a multiclass target", "Received: multi_class='raise'")
    if y_score.ndim != 2:
        expected = "shape (n_samples, n_classes): one probability column per class"
        fail("y_score", expected, f"Received: shape {y_score.shape}")
    _indicator_scores(y_score, len(y_true), y_score.shape[1], "class")
    row_sums = y_score.sum(axis=1)
    if not np.allclose(1, row_sums):
        fail(
            "y_score",
            f"probabilities whose rows sum to 1 for multi_class={multi_class!r} (apply a softmax to logits)",
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
        if len(classes) != y_score.shape[1]:
            fail("labels", f"one label per column of y_score ({y_score.shape[1]})", classes)
        if not np.isin(y_true, classes).all():
            unknown = np.setdiff1d(y_true, classes).tolist()
            fail("y_true", f"only the given labels {classes.tolist()}", f"Received: {unknown}")
    elif len(np.unique(y_true)) != y_score.shape[1]:
        expected = f"one column per class of y_true ({len(np.unique(y_true))}), or pass labels="
        fail("y_score", expected, f"Received: {y_score.shape[1]} columns")
    if multi_class == "ovo" and sample_weight is not None:
        fail("sample_weight", "None for multi_class='ovo'", "Received: an array")
    check_sample_weight(sample_weight, len(y_true))


def check_roc_auc(y_true, y_score, *, average, sample_weight, max_fpr, multi_class, labels) -> None:
    """Binary, multilabel or multiclass (ovr / ovo) input of :func:`roc_auc_score`."""
    check_one_of(multi_class, "multi_class", ("raise", "ovr", "ovo"))
    check_one_of(average, "average", CURVE_AVERAGES)
    if max_fpr is not None:
        check_interval(max_fpr, "max_fpr", 0.0, 1.0, low_open=True)
    kind, y_true, _ = target_kind(y_true, "y_true")
    score_array = np.asarray(y_score)
    if kind == "multiclass" or (kind == "binary" and score_array.ndim == 2 and score_array.shape[1] > 2):
        _check_multiclass_roc_auc(y_true, score_array, labels, multi_class, average, sample_weight, max_fpr)
    elif kind == "binary":
        check_same_length(y_true, _scores_1d(score_array), ("y_true", "y_score"))
        check_sample_weight(sample_weight, len(y_true))
    else:
        _indicator_scores(score_array, len(y_true), y_true.shape[1], "label")
        check_sample_weight(sample_weight, len(y_true))


def check_average_precision(y_true, y_score, *, average, pos_label, sample_weight) -> None:
    """Binary (with ``pos_label`` among the labels), multiclass or multilabel input."""
    check_one_of(average, "average", CURVE_AVERAGES)
    kind, y_true, classes = target_kind(y_true, "y_true")
    if kind == "binary":
        if len(classes) == 2 and pos_label not in classes.tolist():
            fail("pos_label", f"one of the labels {classes.tolist()}", pos_label)
        check_same_length(y_true, _scores_1d(y_score), ("y_true", "y_score"))
    else:
        if pos_label != 1:
            fail("pos_label", f"1 (fixed) for a {kind} target", pos_label)
        _indicator_scores(y_score, len(y_true), len(classes), "label")
    check_sample_weight(sample_weight, len(y_true))


# ---------------------------------------------------------------------------
# Keras's threshold metrics and batch averages
# ---------------------------------------------------------------------------


def check_keras_binary(y_true, y_score, sample_weight, *, align_ranks=True) -> None:
    """Keras-style binary input: numeric labels, finite scores of the same shape (up to a
    trailing axis of size 1, as Keras aligns them unless ``align_ranks`` is False), weights.

    Keras casts labels to bool and takes any weight: labels other than 0/1 and negative
    weights give Keras's number with a warning.
    """
    truth, scores = np.asarray(y_true), np.asarray(y_score)
    if truth.dtype.kind not in "biuf":
        fail("y_true", "binary labels 0 and 1", f"Received: dtype {truth.dtype}")
    if truth.size == 0:
        fail("y_true", "a non-empty array", truth)
    if truth.dtype.kind == "f":
        check_finite(truth, "y_true")
    values = _unique_sorted(truth.ravel())
    if not np.isin(values, (0, 1)).all():
        warn_user(
            f"y_true: expected binary labels 0 and 1; got {values.tolist()[:6]}. Keras casts labels to bool, "
            "so every non-zero label (-1 and 0.5 included) counts as positive; this twin returns the same number "
            "(more than two classes: score one class against the rest)."
        )
    if scores.dtype.kind not in "biuf":
        fail("y_score", "numeric scores", f"Received: dtype {scores.dtype}")
    trailing_one = truth.shape == scores.shape + (1,) or scores.shape == truth.shape + (1,)
    if truth.shape != scores.shape and not (align_ranks and trailing_one):
        fail(
            "y_score",
            f"the shape of `y_true` {truth.shape}" + (" up to a trailing axis of size 1" if align_ranks else ""),
            f"Received: shape {scores.shape}",
        )
    check_finite(scores, "y_score")
    if sample_weight is not None:
        weight = np.asarray(sample_weight, dtype=np.float64)
        check_finite(weight, "sample_weight")
        if weight.shape != truth.shape[: weight.ndim]:
            expected = f"shape {truth.shape[:1]} (one weight per sample) or {truth.shape}"
            fail("sample_weight", expected, f"Received: shape {weight.shape}")
        if np.any(weight < 0):
            warn_user(
                f"sample_weight: expected non-negative weights; got values down to {float(weight.min()):g}. "
                "Keras adds them to the counts as they are, so a negative weight removes a sample; "
                "this twin returns the same number."
            )


def _warn_scores_clipped(y_score) -> None:
    scores = np.asarray(y_score, dtype=np.float64)
    low, high = float(scores.min()), float(scores.max())
    if low < 0.0 or high > 1.0:
        warn_user(
            f"y_score: expected probabilities in [0, 1]; got values from {low:g} to {high:g}. Keras clips them to "
            "[0, 1] before counting at its thresholds, so every score above 1 (or below 0) ties with 1 (or 0); "
            "this twin returns the same number (logits need a sigmoid first)."
        )


def check_threshold_metric(y_true, y_score, target, target_name, *, num_thresholds, sample_weight) -> None:
    """Input of the *_at_* metrics: Keras binary input, a target rate in [0, 1], thresholds."""
    check_interval(target, target_name, 0.0, 1.0)
    check_keras_binary(y_true, y_score, sample_weight)
    if num_thresholds is not None:
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int | np.integer) or num_thresholds < 1:
            fail("num_thresholds", "None (exact, every distinct threshold) or an integer >= 1", num_thresholds)
        if num_thresholds > 1:  # Keras compares a single threshold directly, without clipping
            _warn_scores_clipped(y_score)


def check_keras_auc(
    y_true, y_score, *, num_thresholds, curve, summation_method, sample_weight, multi_label, from_logits=False
) -> None:
    """Options and input of :func:`keras_auc`."""
    check_one_of(curve.upper() if isinstance(curve, str) else curve, "curve", ("ROC", "PR", "PRGAIN"))
    method = summation_method.lower() if isinstance(summation_method, str) else summation_method
    check_one_of(method, "summation_method", ("interpolation", "minoring", "majoring"))
    if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int | np.integer) or num_thresholds < 2:
        fail("num_thresholds", "an integer > 1", num_thresholds)
    check_keras_binary(y_true, y_score, sample_weight, align_ranks=not multi_label)
    if multi_label and np.ndim(y_true) != 2:
        fail("y_true", "a 2-D array (n_samples, n_labels) for multi_label=True", f"Received: shape {np.shape(y_true)}")
    if not from_logits:
        _warn_scores_clipped(y_score)


def check_batches(metric_fn, y_true, y_pred, batch_size) -> None:
    """A callable metric, non-empty targets of one length, an integer batch size >= 1."""
    if not callable(metric_fn):
        fail("metric_fn", "a callable (y_true_batch, y_pred_batch) -> float", metric_fn)
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == 0 or len(y_true) == 0:
        fail("y_true", "a non-empty array", y_true)
    check_same_length(y_true, y_pred, ("y_true", "y_pred"))
    check_integer(batch_size, "batch_size", minimum=1)
