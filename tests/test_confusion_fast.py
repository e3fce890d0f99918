"""The IoU family's confusion matrix: the bincount fast path, the readable masked path and scikit-learn agree.

``iou_metrics._iou_confusion_matrix`` takes ``_fast_confusion`` when every id is in
range, no class is ignored and there are no weights; unit weights force the readable
path on the same input, so the two are compared cell by cell. Both must equal
``sklearn.metrics.confusion_matrix`` of the pixels Keras keeps (labels=range(num_classes)).
Keras itself is compared in tests/test_keras_iou.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

from lossviz import metrics as lv
from lossviz.metrics._fast_confusion import (
    fast_confusion_applies,
    fast_confusion_matrix,
    fast_label_confusion_applies,
)
from lossviz.metrics.iou_metrics import _iou_confusion_matrix

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def kept_by_keras(y_true, y_pred, num_classes, ignore_class):
    kept = (y_true >= 0) & (y_true < num_classes) & (y_pred >= 0) & (y_pred < num_classes)
    return kept if ignore_class is None else kept & (y_true != ignore_class)


def sklearn_reference(y_true, y_pred, num_classes, ignore_class=None, sample_weight=None):
    kept = kept_by_keras(y_true, y_pred, num_classes, ignore_class)
    weight = None if sample_weight is None else sample_weight[kept]
    if not kept.any() or (weight is not None and not weight.any()):  # scikit-learn refuses these
        return np.zeros((num_classes, num_classes))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "A single label was found": labels= is given
        return sklearn_confusion_matrix(y_true[kept], y_pred[kept], labels=range(num_classes), sample_weight=weight)


@st.composite
def id_arrays(draw, *, inside=False):
    num_classes = draw(st.integers(1, 8))
    n = draw(st.integers(1, 60))
    low, high = (0, num_classes - 1) if inside else (-2, num_classes + 1)
    ids = st.lists(st.integers(low, high), min_size=n, max_size=n)
    dtype = draw(st.sampled_from([np.int64, np.int32, np.int16, np.float32]))
    return np.array(draw(ids), dtype), np.array(draw(ids), dtype), num_classes


@SETTINGS
@given(id_arrays(inside=True))
def test_fast_path_applies_in_range_and_equals_the_readable_path_and_sklearn(problem):
    y_true, y_pred, num_classes = problem
    flat_true, flat_pred = y_true.astype(np.int64), y_pred.astype(np.int64)
    assert fast_confusion_applies(flat_true, flat_pred, num_classes, None, None)
    fast = _iou_confusion_matrix(y_true, y_pred, num_classes, None, None, None)
    readable = _iou_confusion_matrix(y_true, y_pred, num_classes, None, np.ones(len(y_true), np.int64), None)
    assert fast.dtype == readable.dtype == np.int64
    np.testing.assert_array_equal(fast, readable)
    np.testing.assert_array_equal(fast, sklearn_reference(flat_true, flat_pred, num_classes))


@SETTINGS
@given(id_arrays(), st.sampled_from([None, 0, -1, 255]), st.booleans())
def test_ids_outside_the_range_and_the_ignored_class_are_left_out_as_keras_leaves_them(problem, ignore_class, weighted):
    y_true, y_pred, num_classes = problem
    flat_true, flat_pred = y_true.astype(np.int64), y_pred.astype(np.int64)
    weight = np.arange(len(y_true)) % 3 if weighted else None
    matrix = _iou_confusion_matrix(y_true, y_pred, num_classes, ignore_class, weight, None)
    np.testing.assert_array_equal(matrix, sklearn_reference(flat_true, flat_pred, num_classes, ignore_class, weight))
    outside = not kept_by_keras(flat_true, flat_pred, num_classes, None).all()
    ignored = ignore_class is not None and 0 <= ignore_class < num_classes
    assert fast_confusion_applies(flat_true, flat_pred, num_classes, ignore_class, weight) == (
        not (outside or ignored or weighted)
    )


def test_float_weights_count_in_the_requested_dtype():
    y_true, y_pred = np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2])
    weight = np.array([0.5, 1.5, 2.0, 0.25])
    truncated = _iou_confusion_matrix(y_true, y_pred, 3, None, weight, None)
    assert truncated.dtype == np.int64
    np.testing.assert_array_equal(truncated, sklearn_reference(y_true, y_pred, 3, sample_weight=np.trunc(weight)))
    float_counts = _iou_confusion_matrix(y_true, y_pred, 3, None, weight, "float32")
    assert float_counts.dtype == np.float32
    np.testing.assert_allclose(float_counts, sklearn_reference(y_true, y_pred, 3, sample_weight=weight))


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64])
def test_a_batch_of_masks_takes_the_fast_path_and_equals_sklearn(dtype):
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 21, (4, 64, 64)).astype(dtype)
    y_pred = np.where(rng.random(y_true.shape) < 0.8, y_true, rng.integers(0, 21, y_true.shape)).astype(dtype)
    flat_true, flat_pred = y_true.ravel().astype(np.int64), y_pred.ravel().astype(np.int64)
    assert fast_confusion_applies(flat_true, flat_pred, 21, 255, None)
    np.testing.assert_array_equal(
        fast_confusion_matrix(flat_true, flat_pred, 21), sklearn_reference(flat_true, flat_pred, 21)
    )


@SETTINGS
@given(id_arrays(inside=True), st.lists(st.integers(-1, 9), min_size=1, max_size=5, unique=True), st.booleans())
def test_confusion_matrix_of_small_ids_takes_the_fast_path_and_equals_sklearn(problem, labels, given_labels):
    """lossviz.metrics.confusion_matrix reads integer ids off one bincount table; scikit-learn sorts them."""
    y_true, y_pred, _ = problem
    y_true, y_pred = y_true.astype(np.int64), y_pred.astype(np.int64)
    labels = labels if given_labels and np.isin(y_true, labels).any() else None
    assert fast_label_confusion_applies(y_true, y_pred, labels, None, None)
    with warnings.catch_warnings(record=True) as ours_warned:
        warnings.simplefilter("always")
        ours = lv.confusion_matrix(y_true, y_pred, labels=labels)
    with warnings.catch_warnings(record=True) as sklearn_warned:
        warnings.simplefilter("always")
        theirs = sklearn_confusion_matrix(y_true, y_pred, labels=labels)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)
    assert len(ours_warned) == len(sklearn_warned)


@pytest.mark.parametrize("ignore_class", [0, 3, 20])
def test_an_ignored_class_inside_the_range_takes_the_masked_path(ignore_class):
    rng = np.random.default_rng(ignore_class)
    y_true, y_pred = rng.integers(0, 21, 500), rng.integers(0, 21, 500)
    assert not fast_confusion_applies(y_true, y_pred, 21, ignore_class, None)
    matrix = _iou_confusion_matrix(y_true, y_pred, 21, ignore_class, None, None)
    assert matrix[ignore_class].sum() == 0 < matrix.sum()
    np.testing.assert_array_equal(matrix, sklearn_reference(y_true, y_pred, 21, ignore_class))
