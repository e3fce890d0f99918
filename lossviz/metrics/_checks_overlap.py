"""Input checks of the overlap metrics (multilabel.py, iou_metrics.py): a ValueError naming the argument.

As in :mod:`lossviz.metrics._checks`, each check only raises, or warns where Keras
accepts input that is almost surely a mistake (probabilities where class ids are
expected, labels outside ``[0, num_classes)``, fractional weights counted in
integers); it returns nothing the maths needs, so ``standalone_source`` leaves it out.

The IoU checks read millions of pixels: each array is scanned a few times at most
(a sum for NaN, a minimum and a maximum for the range), never copied.
"""

from __future__ import annotations

import numbers

import numpy as np

from lossviz._validation import check_finite, check_integer, check_interval, check_one_of, fail, warn_user
from lossviz.metrics._checks import label_targets

#: The ``dtype`` values of the IoU metrics: None is Keras's default, an integer matrix.
IOU_DTYPES = (None, "int", "int32", "int64", "float32", "float64")


def check_multilabel_confusion_matrix(y_true, y_pred, *, sample_weight, labels, samplewise) -> None:
    """Targets of one kind, samplewise only for multilabel input, ``labels`` among the columns."""
    kind, present = label_targets(y_true, y_pred, sample_weight)
    multilabel = kind == "multilabel-indicator"
    if samplewise and not multilabel:
        fail("samplewise", "False for a 1-D target (samplewise counts the labels of each row)", samplewise)
    if labels is not None:
        labels = np.asarray(labels)
        if labels.size == 0:
            fail("labels", "at least one label", labels)
        if multilabel and (labels.min() < 0 or labels.max() >= len(present)):
            fail("labels", f"column indices in [0, {len(present)}) for a multilabel target", labels)


def check_jaccard(sample_weight, average, zero_division) -> None:
    """zero_division 0 or 1 (scikit-learn's jaccard_score takes no np.nan); with average="samples"
    the mean divides by the sum of the weights, so at least one must be non-zero."""
    if not (isinstance(zero_division, str) and zero_division == "warn") and zero_division not in (0, 1):
        fail("zero_division", '"warn", 0.0 or 1.0', zero_division)
    if average == "samples" and sample_weight is not None and not np.any(np.asarray(sample_weight)):
        fail("sample_weight", "at least one non-zero weight for average='samples'", "Received: all weights are 0")


# ---------------------------------------------------------------------------
# Keras's IoU metrics
# ---------------------------------------------------------------------------


def _numbers(y, name: str) -> np.ndarray:
    """A numeric (or boolean) array without NaN or inf; the sum finds a NaN in one pass."""
    array = np.asarray(y)
    if array.dtype.kind not in "biuf":
        fail(name, "a numeric array (class ids, or scores with sparse_*=False)", f"Received: dtype {array.dtype}")
    if array.dtype.kind == "f" and not np.isfinite(np.sum(array)):
        check_finite(array, name)  # the message with the first bad value (or nothing: a sum that overflowed)
    return array


def _check_class_ids(ids: np.ndarray, name: str, num_classes: int, ignore_class, sparse_flag: str) -> None:
    """Warn for what Keras casts silently: fractional ids, and ids it leaves out of the counts."""
    if ids.size == 0:
        return
    if ids.dtype.kind == "f":
        fractional = ids != np.trunc(ids)
        if fractional.any():
            example = float(ids.ravel()[np.argmax(fractional.ravel())])
            warn_user(
                f"{name}: expected class ids (integers in [0, {num_classes})); got values such as {example:g}. "
                "Keras casts them to integers, truncating toward zero (probabilities in [0, 1) all become class 0, "
                f"it takes no argmax); this twin returns the same number (pass {sparse_flag}=False for one score "
                "per class, or take the argmax first)."
            )
    low, high = ids.min(), ids.max()
    if low >= 0 and high < num_classes:
        return
    outside = (ids < 0) | (ids >= num_classes)
    if ignore_class is not None and name == "y_true":
        outside &= np.trunc(ids) != ignore_class  # the ignored class is left out on purpose
    if outside.any():
        warn_user(
            f"{name}: expected class ids in [0, {num_classes}); got values from {float(low):g} to {float(high):g}. "
            "Keras leaves every pixel whose label or prediction falls outside out of the confusion matrix "
            "(pass ignore_class= for a void label, or the right num_classes); this twin returns the same number."
        )


def _check_scores(scores: np.ndarray, name: str, num_classes: int, axis: int) -> None:
    """Scores with one column per class along ``axis`` (the argmax is taken there)."""
    if scores.ndim == 0 or not -scores.ndim <= axis < scores.ndim:
        fail("axis", f"an axis of `{name}` (shape {scores.shape}) holding one score per class", axis)
    if scores.shape[axis] > num_classes:
        warn_user(
            f"{name}: expected at most num_classes ({num_classes}) scores along axis {axis}; got "
            f"{scores.shape[axis]}. Keras takes the argmax and leaves classes >= {num_classes} out of the "
            "confusion matrix; this twin returns the same number."
        )


def _check_weights(sample_weight, n_labels: int, dtype) -> None:
    weight = _numbers(sample_weight, "sample_weight")
    if weight.size not in (1, n_labels):
        fail(
            "sample_weight",
            f"a scalar or one weight per label ({n_labels}), e.g. the shape of `y_true`",
            f"Received: shape {weight.shape}",
        )
    if (dtype is None or "int" in dtype) and weight.dtype.kind == "f" and np.any(weight != np.trunc(weight)):
        warn_user(
            "sample_weight: expected integer weights (the IoU metrics count in integers unless dtype='float32'); "
            f"got values such as {float(weight.ravel()[np.argmax(weight.ravel() != np.trunc(weight.ravel()))]):g}. "
            "Keras casts them to integers, truncating toward zero (0.3 becomes 0); this twin returns the same number."
        )
    if weight.size and weight.min() < 0:
        warn_user(
            f"sample_weight: expected non-negative weights; got values down to {float(weight.min()):g}. "
            "Keras adds them to the confusion matrix as they are; this twin returns the same number."
        )


def check_iou(
    y_true, y_pred, *, num_classes, target_class_ids, ignore_class, sparse_y_true, sparse_y_pred, axis, sample_weight,
    dtype,
) -> None:  # fmt: skip
    """Everything ``keras.metrics.IoU(...)`` and its ``update_state`` accept, and what they refuse."""
    num_classes = check_integer(num_classes, "num_classes", minimum=1)
    ids = np.asarray(target_class_ids) if isinstance(target_class_ids, list | tuple | range | np.ndarray) else None
    if ids is None or ids.ndim != 1 or ids.size == 0 or ids.dtype.kind not in "iu":
        fail("target_class_ids", "a non-empty list of integer class ids", target_class_ids)
    if ids.max() >= num_classes or ids.min() < -num_classes:
        fail("target_class_ids", f"class ids in [0, num_classes={num_classes})", target_class_ids)
    if ids.min() < 0:
        warn_user(
            f"target_class_ids: expected class ids in [0, {num_classes}); got {ids.tolist()}. Keras indexes "
            "with them as Python does (-1 is the last class); this twin returns the same number."
        )
    if ignore_class is not None and (isinstance(ignore_class, bool) or not isinstance(ignore_class, numbers.Integral)):
        fail("ignore_class", "None or an integer class id (e.g. 255 or -1 for void pixels)", ignore_class)
    for flag, value in (("sparse_y_true", sparse_y_true), ("sparse_y_pred", sparse_y_pred)):
        if not isinstance(value, bool | np.bool_):
            fail(flag, "True (class ids) or False (one score per class, argmax taken)", value)
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or axis not in (-1, 0):
        fail("axis", "-1 or 0 (Keras's result() sums the IoUs of the classes over this axis as well)", axis)
    check_one_of(dtype, "dtype", IOU_DTYPES)
    truth, prediction = _numbers(y_true, "y_true"), _numbers(y_pred, "y_pred")
    sizes = []
    for array, name, sparse in ((truth, "y_true", sparse_y_true), (prediction, "y_pred", sparse_y_pred)):
        if sparse:
            _check_class_ids(array, name, num_classes, ignore_class, f"sparse_{name}")
            sizes.append(array.size)
        else:
            _check_scores(array, name, num_classes, axis)
            sizes.append(array.size // array.shape[axis])
    if sizes[0] != sizes[1]:
        fail(
            "y_pred",
            f"one class id (or one row of scores) per label of `y_true` ({sizes[0]})",
            f"Received: {sizes[1]} (shape {prediction.shape})",
        )
    if sample_weight is not None:
        _check_weights(sample_weight, sizes[0], dtype)


def check_num_classes(num_classes) -> None:
    """An integer >= 1 (mean_iou builds ``range(num_classes)`` from it)."""
    check_integer(num_classes, "num_classes", minimum=1)


def check_binary_iou(y_true, y_pred, *, target_class_ids, threshold, sample_weight, dtype) -> None:
    """``keras.metrics.BinaryIoU``: ids among 0 and 1, a finite threshold, scores of any sign."""
    if not isinstance(target_class_ids, list | tuple | range | np.ndarray) or not len(target_class_ids):
        fail("target_class_ids", "a non-empty list of class ids among 0 and 1, e.g. (0, 1)", target_class_ids)
    if not set(np.asarray(target_class_ids).tolist()) <= {0, 1}:
        fail("target_class_ids", "class ids among 0 and 1, e.g. (0, 1) or [1]", target_class_ids)
    check_interval(threshold, "threshold")
    _numbers(y_pred, "y_pred")
    check_iou(
        y_true, np.zeros(np.shape(y_pred), np.int8), num_classes=2, target_class_ids=target_class_ids,
        ignore_class=None, sparse_y_true=True, sparse_y_pred=True, axis=-1, sample_weight=sample_weight, dtype=dtype,
    )  # fmt: skip
