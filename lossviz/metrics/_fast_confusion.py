"""The library's faster confusion matrix of integer class ids: one ``np.bincount``, no mask.

A confusion matrix of class ids in ``[0, num_classes)`` is a histogram of the cells
``num_classes * y_true + y_pred``: ``np.bincount`` counts 4 million of them in a few
milliseconds, about 40 times faster than ``sklearn.metrics.confusion_matrix``, which
first sorts the labels to find them. The readable code in :mod:`lossviz.metrics.iou_metrics`
does the same with Keras's mask in front (labels or predictions outside the range,
and ``ignore_class``, are left out), which costs a boolean array and a compress of
both inputs. When no id falls outside and no class is ignored, the mask keeps
everything, and :func:`fast_confusion_matrix` skips it:

* :func:`fast_confusion_applies` checks that in four reductions (the least and the
  greatest id of each array), far cheaper than the mask itself;
* :func:`fast_confusion_matrix` computes the cells in place and counts them.

``iou_metrics._iou_confusion_matrix`` calls it in an ``if fast_confusion_applies(...)`` that
:func:`lossviz.standalone_source` drops, so the blocks it hands out keep the readable
code. Tests hold both paths to the same matrices, to scikit-learn's and to Keras's;
``bench/bench_segmentation.py`` times them against ``np.bincount`` itself.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "fast_confusion_applies",
    "fast_confusion_matrix",
    "fast_label_confusion_applies",
    "fast_label_confusion_matrix",
]

#: The largest class id the scikit-learn-style fast path counts (its table has (id + 1)**2 cells).
MAX_CLASS_ID = 1023


def fast_confusion_applies(y_true, y_pred, num_classes, ignore_class, sample_weight) -> bool:
    """Whether every id of both flat integer arrays is counted: in range, none ignored, no weights.

    Example:
        >>> fast_confusion_applies(np.array([0, 2]), np.array([1, 2]), 3, None, None)
        True
        >>> fast_confusion_applies(np.array([0, 255]), np.array([1, 2]), 3, 255, None)
        False
    """
    if (
        sample_weight is not None
        or y_true.size == 0
        or y_true.dtype.kind not in "biu"
        or y_pred.dtype.kind not in "biu"
    ):
        return False  # weights, and float ids (which Keras truncates), take the readable code
    if ignore_class is not None and 0 <= ignore_class < num_classes:
        return False  # an ignored class inside the range needs the mask
    return bool(y_true.min() >= 0 and y_pred.min() >= 0 and y_true.max() < num_classes and y_pred.max() < num_classes)


def fast_confusion_matrix(y_true, y_pred, num_classes) -> np.ndarray:
    """``np.bincount(num_classes * y_true + y_pred)`` as a (num_classes, num_classes) int64 matrix.

    The cells are computed in one new array (the multiplication writes it, the
    addition adds into it), the least memory traffic NumPy allows.

    Example:
        >>> fast_confusion_matrix(np.array([0, 1, 1]), np.array([0, 1, 0]), 2).tolist()
        [[1, 0], [1, 1]]
    """
    cell = np.multiply(y_true, num_classes, dtype=np.intp)
    np.add(cell, y_pred, out=cell, casting="unsafe")  # ids below num_classes: any integer dtype fits
    return np.bincount(cell, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def fast_label_confusion_applies(y_true, y_pred, labels, sample_weight, normalize) -> bool:
    """Whether :func:`fast_label_confusion_matrix` gives ``labels.confusion_matrix``'s result.

    1-D non-negative integer labels up to :data:`MAX_CLASS_ID`, integer ``labels`` (or
    None), no weights, no normalisation.

    Example:
        >>> fast_label_confusion_applies(np.array([0, 2]), np.array([1, 2]), None, None, None)
        True
    """
    if sample_weight is not None or normalize is not None or y_true.ndim != 1 or y_true.size == 0:
        return False
    if y_true.dtype.kind not in "iu" or y_pred.dtype.kind not in "iu":
        return False
    if labels is not None and np.asarray(labels).dtype.kind not in "iu":
        return False
    return bool(min(y_true.min(), y_pred.min()) >= 0 and max(y_true.max(), y_pred.max()) <= MAX_CLASS_ID)


def fast_label_confusion_matrix(y_true, y_pred, labels) -> np.ndarray:
    """scikit-learn's confusion matrix of small class ids, read off the table of every id pair.

    One ``np.bincount`` counts each pair (true id, predicted id) in a table of
    (MAX_CLASS_ID + 1)**2 cells (its size fixed, so no pass looks for the largest id);
    the labels present are the ids whose row or column is not empty, and the matrix
    is the table's rows and columns of ``labels`` (an id outside the table gives zeros).

    Example:
        >>> fast_label_confusion_matrix(np.array([2, 0, 2]), np.array([0, 0, 2]), None).tolist()
        [[1, 0], [1, 1]]
    """
    table = fast_confusion_matrix(y_true, y_pred, MAX_CLASS_ID + 1)
    if labels is None:
        labels = np.flatnonzero(table.sum(axis=0) + table.sum(axis=1))
    labels = np.asarray(labels)
    inside = (labels >= 0) & (labels <= MAX_CLASS_ID)
    index = np.where(inside, labels, 0)
    matrix = table[np.ix_(index, index)] * (inside[:, None] & inside[None, :])  # ids outside: zeros
    if matrix.shape == (1, 1):  # the same warning as the readable code
        warnings.warn(
            "A single label was found in 'y_true' and 'y_pred'. For the confusion matrix to "
            "have the correct shape, use the 'labels' parameter to pass all known labels.",
            UserWarning,
            stacklevel=3,
        )
    return matrix
