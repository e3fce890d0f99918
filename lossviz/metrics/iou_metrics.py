"""Keras's intersection-over-union metrics as functions: iou, mean_iou, binary_iou, one_hot_iou ...

Keras has them only as stateful classes (``keras.metrics.IoU``, ``MeanIoU``,
``BinaryIoU``, ``OneHotIoU``, ``OneHotMeanIoU``). Each function here takes the class's
constructor arguments as keywords and returns what ``result()`` gives after one
``update_state(y_true, y_pred, sample_weight)``, on either backend:

1. Class ids. With ``sparse_y_true=True`` / ``sparse_y_pred=True`` (IoU and MeanIoU's
   default) Keras CASTS the input to integers: it takes no argmax, so probabilities
   in [0, 1) all become class 0 (a warning says so). With ``sparse_*=False`` (the
   OneHot classes' default) it takes the argmax along ``axis``.
2. A confusion matrix of every pixel, weighted by ``sample_weight``: rows are true
   classes, columns predicted ones. Pixels whose label or prediction falls outside
   ``[0, num_classes)``, or whose label is ``ignore_class``, are left out. The matrix
   counts in INTEGERS unless ``dtype="float32"``: Keras 3.15 casts fractional weights
   to integers (0.3 becomes 0).
3. Per class c: IoU_c = TP_c / (TP_c + FP_c + FN_c + eps), with eps = 1e-7, in float32.
   Classes with no true and no predicted pixel are left out of the mean over
   ``target_class_ids``: result = sum(IoU) / (number of classes kept + eps).

Equal to Keras to float32 precision. The confusion matrix of integer ids takes a
faster path when nothing falls outside (:mod:`lossviz.metrics._fast_confusion`); the
blocks of ``standalone_source`` keep the readable one.
"""

from __future__ import annotations

import numpy as np

from lossviz.metrics._checks_overlap import check_binary_iou, check_iou, check_num_classes
from lossviz.metrics._fast_confusion import fast_confusion_applies, fast_confusion_matrix
from lossviz.metrics._registry import register_metric, registered_in

#: keras.backend.epsilon() in float32, the precision of Keras's result().
EPSILON = np.float32(1e-7)


def _iou_confusion_matrix(y_true, y_pred, num_classes, ignore_class, sample_weight, dtype):
    """Keras's ``_IoUBase.update_state`` on class ids: the (num_classes, num_classes) matrix.

    Everything is flattened and cast to integers (truncated toward zero, as Keras casts).
    """
    counts_dtype = np.int64 if dtype is None or "int" in dtype else np.dtype(dtype)
    y_true, y_pred = np.ravel(y_true), np.ravel(y_pred)
    if fast_confusion_applies(y_true, y_pred, num_classes, ignore_class, sample_weight):
        return fast_confusion_matrix(y_true, y_pred, num_classes).astype(counts_dtype, copy=False)
    y_true, y_pred = y_true.astype(np.int64), y_pred.astype(np.int64)
    weight = np.ones(1) if sample_weight is None else np.ravel(sample_weight).astype(counts_dtype)
    weight = np.broadcast_to(weight, y_true.shape)
    # Keras counts only ids in [0, num_classes), and never a label equal to ignore_class.
    counted = (y_true >= 0) & (y_true < num_classes) & (y_pred >= 0) & (y_pred < num_classes)
    if ignore_class is not None:
        counted &= y_true != ignore_class
    cell = num_classes * y_true[counted] + y_pred[counted]  # row: true class, column: predicted
    matrix = np.bincount(cell, weights=weight[counted], minlength=num_classes * num_classes)
    return matrix.reshape(num_classes, num_classes).astype(counts_dtype)


def _iou_result(matrix, target_class_ids):
    """Keras's ``IoU.result()``: the mean IoU of the target classes that occur, in float32."""
    predicted_total = matrix.sum(axis=0)  # TP + FP of each class
    true_total = matrix.sum(axis=1)  # TP + FN
    true_positives = np.diagonal(matrix)
    union = predicted_total + true_total - true_positives  # TP + FP + FN
    ids = np.asarray(target_class_ids)
    true_positives, union = true_positives[ids].astype(np.float32), union[ids].astype(np.float32)
    occurs = union > 1e-9  # a class with no true and no predicted pixel is left out of the mean
    per_class = np.where(occurs, true_positives / (union + EPSILON), np.float32(0.0))
    return float(np.sum(per_class) / (np.sum(occurs, dtype=np.float32) + EPSILON))


@register_metric
def iou(
    y_true, y_pred, *, num_classes, target_class_ids, ignore_class=None, sparse_y_true=True, sparse_y_pred=True,
    axis=-1, sample_weight=None, dtype=None,
):  # fmt: skip
    """Keras's ``IoU``: mean intersection over union TP / (TP + FP + FN) of ``target_class_ids``.

    IoU_c = TP_c / (TP_c + FP_c + FN_c + eps) from the confusion matrix of all pixels;
    the result is the mean over the target classes that occur in ``y_true`` or
    ``y_pred`` (a single id gives that class's IoU). See the module docstring for
    the cast (no argmax with ``sparse_y_pred=True``) and the integer counts.

    Args:
        y_true: Class ids of any shape, e.g. masks (B, H, W); or one score per class
            along ``axis`` with sparse_y_true=False.
        y_pred: Class ids with the same number of entries; or scores along ``axis``
            with sparse_y_pred=False (the argmax is taken).
        num_classes: Number of classes; ids outside [0, num_classes) are left out.
        target_class_ids: Classes whose IoUs are averaged, e.g. [1].
        ignore_class: A label left out (e.g. 255 or -1 for void). Defaults to None.
        sparse_y_true: ``y_true`` holds class ids. Defaults to True.
        sparse_y_pred: ``y_pred`` holds class ids (cast, not argmaxed). Defaults to True.
        axis: Class axis for the argmax; -1 or 0. Defaults to -1.
        sample_weight: A scalar or one weight per label. Defaults to None.
        dtype: Counts' dtype: None (Keras's default, integers: fractional weights
            are truncated) or "float32". Defaults to None.

    Returns:
        float (computed in float32, as Keras).

    Raises:
        ValueError: NaN or inf, ids and scores that do not pair up, bad
            ``num_classes``, ``target_class_ids``, ``ignore_class``, ``axis`` or ``dtype``.

    Example:
        >>> round(iou([0, 0, 1, 1], [0, 1, 0, 1], num_classes=2, target_class_ids=[0]), 6)
        0.333333

    Taught in: notebooks/11_segmentation_and_masks.ipynb
    """
    check_iou(
        y_true, y_pred, num_classes=num_classes, target_class_ids=target_class_ids, ignore_class=ignore_class,
        sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis, sample_weight=sample_weight, dtype=dtype,
    )  # fmt: skip
    if not sparse_y_true:
        y_true = np.argmax(y_true, axis=axis)
    if not sparse_y_pred:
        y_pred = np.argmax(y_pred, axis=axis)
    matrix = _iou_confusion_matrix(y_true, y_pred, num_classes, ignore_class, sample_weight, dtype)
    return _iou_result(matrix, target_class_ids)


@register_metric
def mean_iou(
    y_true, y_pred, *, num_classes, ignore_class=None, sparse_y_true=True, sparse_y_pred=True, axis=-1,
    sample_weight=None, dtype=None,
):  # fmt: skip
    """Keras's ``MeanIoU``: the mean IoU over all ``num_classes`` classes that occur.

    mean over c of TP_c / (TP_c + FP_c + FN_c + eps), for c in range(num_classes)
    with TP_c + FP_c + FN_c > 0 (:func:`iou` with every class as a target).

    Args:
        y_true: Class ids, e.g. masks (B, H, W) (scores with sparse_y_true=False).
        y_pred: Class ids, same number (scores with sparse_y_pred=False: argmax).
        num_classes: Number of classes, e.g. 21.
        ignore_class: A label left out (e.g. 255). Defaults to None.
        sparse_y_true: ``y_true`` holds class ids. Defaults to True.
        sparse_y_pred: ``y_pred`` holds class ids (cast, not argmaxed). Defaults to True.
        axis: Class axis for the argmax; -1 or 0. Defaults to -1.
        sample_weight: A scalar or one weight per label. Defaults to None.
        dtype: None (integer counts) or "float32". Defaults to None.

    Returns:
        float.

    Raises:
        ValueError: as :func:`iou`.

    Example:
        >>> round(mean_iou([0, 0, 1, 1], [0, 1, 0, 1], num_classes=2), 6)
        0.333333

    Taught in: notebooks/11_segmentation_and_masks.ipynb
    """
    check_num_classes(num_classes)
    return iou(
        y_true, y_pred, num_classes=num_classes, target_class_ids=range(num_classes), ignore_class=ignore_class,
        sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis, sample_weight=sample_weight, dtype=dtype,
    )  # fmt: skip


@register_metric
def binary_iou(y_true, y_pred, *, target_class_ids=(0, 1), threshold=0.5, sample_weight=None, dtype=None):
    """Keras's ``BinaryIoU``: the IoU of class 0 and/or 1 after ``y_pred >= threshold``.

    Predictions are class 1 where ``y_pred >= threshold`` (compared in float32) and 0
    elsewhere; labels are cast to integers. Then :func:`iou` with num_classes=2.

    Args:
        y_true: Labels 0 and 1, any shape.
        y_pred: Scores (probabilities or logits), same number of entries.
        target_class_ids: [0], [1] or (0, 1) (their mean). Defaults to (0, 1).
        threshold: Scores at or above it are class 1. Defaults to 0.5.
        sample_weight: A scalar or one weight per label. Defaults to None.
        dtype: None (integer counts) or "float32". Defaults to None.

    Returns:
        float.

    Raises:
        ValueError: NaN or inf, target ids other than 0 and 1, a bad threshold.

    Example:
        >>> round(binary_iou([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7], threshold=0.3), 6)
        0.333333

    Taught in: notebooks/11_segmentation_and_masks.ipynb
    """
    check_binary_iou(
        y_true, y_pred, target_class_ids=target_class_ids, threshold=threshold, sample_weight=sample_weight, dtype=dtype
    )
    predicted = np.asarray(y_pred, dtype=np.float32) >= np.float32(threshold)
    matrix = _iou_confusion_matrix(y_true, predicted, 2, None, sample_weight, dtype)
    return _iou_result(matrix, target_class_ids)


@register_metric
def one_hot_iou(
    y_true, y_pred, *, num_classes, target_class_ids, ignore_class=None, sparse_y_pred=False, axis=-1,
    sample_weight=None, dtype=None,
):  # fmt: skip
    """Keras's ``OneHotIoU``: :func:`iou` of one-hot labels (argmax) and scores (argmax).

    Both are turned into class ids by the argmax along ``axis`` (``y_pred`` only
    when ``sparse_y_pred=False``, the default), then IoU_c as in :func:`iou`.

    Args:
        y_true: One-hot labels, e.g. (B, H, W, num_classes).
        y_pred: Scores of the same shape (or class ids with sparse_y_pred=True).
        num_classes: Number of classes.
        target_class_ids: Classes whose IoUs are averaged.
        ignore_class: A class id left out. Defaults to None.
        sparse_y_pred: ``y_pred`` holds class ids. Defaults to False.
        axis: Class axis; -1 or 0. Defaults to -1.
        sample_weight: A scalar or one weight per pixel. Defaults to None.
        dtype: None (integer counts) or "float32". Defaults to None.

    Returns:
        float.

    Raises:
        ValueError: as :func:`iou`.

    Example:
        >>> labels, scores = np.eye(3)[[0, 1, 2, 2]], np.eye(3)[[0, 1, 1, 2]] * 0.9
        >>> round(one_hot_iou(labels, scores, num_classes=3, target_class_ids=[1, 2]), 6)
        0.5

    Taught in: notebooks/11_segmentation_and_masks.ipynb
    """
    return iou(
        y_true, y_pred, num_classes=num_classes, target_class_ids=target_class_ids, ignore_class=ignore_class,
        sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis, sample_weight=sample_weight, dtype=dtype,
    )  # fmt: skip


@register_metric
def one_hot_mean_iou(
    y_true, y_pred, *, num_classes, ignore_class=None, sparse_y_pred=False, axis=-1, sample_weight=None, dtype=None
):
    """Keras's ``OneHotMeanIoU``: :func:`mean_iou` of one-hot labels and scores (argmax of both).

    Args:
        y_true: One-hot labels, e.g. (B, H, W, num_classes).
        y_pred: Scores of the same shape (or class ids with sparse_y_pred=True).
        num_classes: Number of classes.
        ignore_class: A class id left out. Defaults to None.
        sparse_y_pred: ``y_pred`` holds class ids. Defaults to False.
        axis: Class axis; -1 or 0. Defaults to -1.
        sample_weight: A scalar or one weight per pixel. Defaults to None.
        dtype: None (integer counts) or "float32". Defaults to None.

    Returns:
        float.

    Raises:
        ValueError: as :func:`iou`.

    Example:
        >>> labels, scores = np.eye(3)[[0, 1, 2, 2]], np.eye(3)[[0, 1, 1, 2]] * 0.9
        >>> round(one_hot_mean_iou(labels, scores, num_classes=3), 6)
        0.666667

    Taught in: notebooks/11_segmentation_and_masks.ipynb
    """
    check_num_classes(num_classes)
    return iou(
        y_true, y_pred, num_classes=num_classes, target_class_ids=range(num_classes), ignore_class=ignore_class,
        sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis, sample_weight=sample_weight, dtype=dtype,
    )  # fmt: skip


__all__ = registered_in(__name__)
