"""Input checks of lossviz.metrics.calibration: malformed input raises a ValueError naming the argument.

Like :mod:`lossviz.metrics._checks`, each check only raises (or warns where
scikit-learn warns) and returns nothing the maths needs, so ``standalone_source``
leaves the calls out of a copied block. Where scikit-learn refuses an input (a
probability above 1, a class of ``y_true`` missing from ``labels`` ...) the check
refuses it too, in the package's one message shape.
"""

from __future__ import annotations

import warnings

import numpy as np

from lossviz._validation import check_finite, check_integer, check_one_of, check_same_length, fail
from lossviz.metrics._checks import check_sample_weight, label_targets, target_kind

STANDARD_BINARY = ([0, 1], [-1, 1], [0], [-1], [1])


def _probabilities(y_proba, name: str) -> np.ndarray:
    """Probabilities: a non-empty numeric 1-D or 2-D array of finite values in [0, 1]."""
    proba = np.asarray(y_proba)
    if proba.dtype.kind not in "biuf":
        fail(name, "numeric probabilities", f"Received: dtype {proba.dtype}")
    if proba.size == 0:
        fail(name, "a non-empty array of probabilities", proba)
    if proba.ndim not in (1, 2):
        fail(name, "shape (n_samples,) or (n_samples, n_classes)", f"Received: shape {proba.shape}")
    check_finite(proba, name)
    low, high = float(proba.min()), float(proba.max())
    if low < 0.0 or high > 1.0:
        hint = " (probabilities: apply a sigmoid or softmax to logits first)"
        fail(name, f"values in [0, 1]{hint}", f"Received: min={low:.6g}, max={high:.6g}")
    return proba


def _positive_weights(sample_weight, n_samples: int) -> None:
    check_sample_weight(sample_weight, n_samples)
    if sample_weight is not None and not np.any(np.asarray(sample_weight) > 0):
        fail("sample_weight", "at least one positive weight", "Received: weights that sum to 0")


def _is_standard_binary(classes: np.ndarray) -> bool:
    return classes.dtype.kind != "U" and any(
        len(classes) == len(pattern) and np.all(classes == pattern) for pattern in STANDARD_BINARY
    )


def check_class_probabilities(y_true, y_proba, *, labels, sample_weight, name="y_proba") -> None:
    """One probability column per class (a 1-D array is the second of two classes)."""
    proba = _probabilities(y_proba, name)
    kind, truth, classes = target_kind(y_true, "y_true")
    check_same_length(truth, proba, ("y_true", name))
    _positive_weights(sample_weight, len(truth))  # scikit-learn refuses all-zero weights, even for a sum
    if kind == "multilabel-indicator":
        if labels is not None or proba.ndim != 2 or proba.shape[1] != truth.shape[1]:
            expected = f"one column per label of the indicator matrix `y_true` ({truth.shape[1]}), and labels=None"
            fail(name, expected, f"Received: shape {proba.shape}, labels={labels!r}")
        return
    if labels is not None:
        listed = np.asarray(labels)
        if len(np.unique(listed)) < 2:
            fail("labels", "at least two distinct labels", listed)
        if not np.all(np.isin(truth, listed)):
            fail("y_true", f"only the labels passed in `labels` {listed.tolist()}", np.setdiff1d(truth, listed))
        if not np.array_equal(np.unique(listed), listed):
            warnings.warn(
                f"Labels passed were {listed.tolist()}. But this function assumes labels are ordered "
                f"lexicographically. Pass the ordered labels={np.unique(listed).tolist()} and ensure that the "
                "columns of y_prob correspond to this ordering.",
                UserWarning,
                stacklevel=3,
            )
        classes = np.unique(listed)
    elif len(classes) < 2:
        fail(
            "labels",
            "all the class labels, since `y_true` holds only one",
            f"Received: labels=None, y_true classes {classes.tolist()}",
        )
    columns = 2 if proba.ndim == 1 or proba.shape[1] == 1 else proba.shape[1]
    if columns != len(classes):
        where = "`labels`" if labels is not None else "`y_true` (or pass labels=)"
        fail(name, f"one column per class of {where}: {len(classes)}", f"Received: {columns} columns")
    if proba.ndim == 2 and proba.shape[1] > 1:
        row_sums = proba.sum(axis=1)
        if not np.allclose(row_sums, 1, rtol=np.sqrt(np.finfo(np.result_type(proba, np.float32)).eps), atol=0):
            warnings.warn(
                "The y_prob values do not sum to one. Make sure to pass probabilities.", UserWarning, stacklevel=3
            )


def check_brier(y_true, y_proba, *, sample_weight, pos_label, labels, scale_by_half) -> None:
    """A binary target with 1-D probabilities, or one probability column per class."""
    if not (isinstance(scale_by_half, bool | np.bool_) or scale_by_half == "auto"):
        fail("scale_by_half", "True, False or 'auto'", scale_by_half)
    proba = _probabilities(y_proba, "y_proba")
    if proba.ndim == 2 and proba.shape[1] > 1:
        check_class_probabilities(y_true, proba, labels=labels, sample_weight=sample_weight)
        return
    kind, truth, classes = target_kind(y_true, "y_true")
    check_same_length(truth, proba, ("y_true", "y_proba"))
    _positive_weights(sample_weight, len(truth))
    if kind != "binary":
        fail(
            "y_true",
            "two classes for 1-D probabilities (pass one column per class instead)",
            f"Received: {kind} target, classes {classes.tolist()[:6]}",
        )
    if pos_label is None and classes.dtype.kind == "U" and not _is_standard_binary(classes):
        fail("pos_label", f"one of the labels {classes.tolist()} (string labels need pos_label)", pos_label)


def check_binary_probabilities(y_true, y_prob, *, pos_label, sample_weight=None, has_pos_label=True) -> None:
    """Binary labels whose positive class is known, 1-D probabilities of that class."""
    proba = _probabilities(y_prob, "y_prob")
    if proba.ndim == 2 and proba.shape[1] == 1:
        proba = proba[:, 0]
    if proba.ndim != 1:
        fail("y_prob", "a 1-D array: the probability of the positive class", f"Received: shape {proba.shape}")
    kind, truth, classes = target_kind(y_true, "y_true")
    check_same_length(truth, proba, ("y_true", "y_prob"))
    if kind != "binary":
        fail(
            "y_true", "binary labels (at most two classes)", f"Received: {kind} target, classes {classes.tolist()[:6]}"
        )
    if pos_label is None and not _is_standard_binary(classes):
        if not has_pos_label:  # the positive class is always 1
            fail("y_true", "labels in {0, 1} or {-1, 1} (1 is positive)", f"Received: classes {classes.tolist()}")
        expected = "the label of the positive class; it may be None only when y_true takes values in {0, 1} or {-1, 1}"
        fail("pos_label", expected, f"Received: pos_label=None with y_true classes {classes.tolist()}")
    _positive_weights(sample_weight, len(truth))


def check_calibration_bins(n_bins, strategy) -> None:
    """An integer number of bins >= 1 and a known strategy."""
    check_integer(n_bins, "n_bins", minimum=1)
    check_one_of(strategy, "strategy", ("uniform", "quantile"))


def check_label_pair(y_true, y_pred, sample_weight) -> None:
    """Binary or multiclass labels (not a multilabel matrix) of one length, valid weights."""
    kind, _ = label_targets(y_true, y_pred, sample_weight)
    if kind == "multilabel-indicator":
        fail("y_true", "binary or multiclass labels (1-D)", "Received: a multilabel indicator matrix")
    if sample_weight is not None and not np.any(np.asarray(sample_weight) > 0):
        fail("sample_weight", "at least one positive weight", "Received: weights that sum to 0")
