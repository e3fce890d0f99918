"""Keras's IoU metric classes against the lossviz functions named after them.

Each twin takes the class's constructor arguments as keywords; its value must equal
``result()`` after one ``update_state(y_true, y_pred, sample_weight)`` on the backend
KERAS_BACKEND names (run this file with KERAS_BACKEND=jax as well). Named cases cover
masks of several shapes, ``ignore_class`` inside and outside the range, integer and
float weights, both ``dtype``s, probabilities with and without ``sparse_y_pred``, one-hot
input on either axis and ``BinaryIoU`` thresholds; hypothesis draws the rest. Where Keras
accepts a dubious input the twin returns Keras's number and warns.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lossviz import metrics as lv
from lossviz._validation import import_keras

# Tier (conftest.py): compares with Keras
pytestmark = pytest.mark.keras

keras = import_keras()

CLASSES = {
    "iou": "IoU",
    "mean_iou": "MeanIoU",
    "binary_iou": "BinaryIoU",
    "one_hot_iou": "OneHotIoU",
    "one_hot_mean_iou": "OneHotMeanIoU",
}


def keras_value(name, y_true, y_pred, sample_weight=None, **options):
    """``result()`` of the Keras class after one ``update_state``, its own warnings silenced."""
    metric = getattr(keras.metrics, CLASSES[name])(**options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metric.update_state(y_true, y_pred, sample_weight=sample_weight)
        return float(metric.result())


def assert_twin_equals_keras(name, y_true, y_pred, sample_weight=None, **options):
    expected = keras_value(name, y_true, y_pred, sample_weight, **options)
    ours = getattr(lv, name)(y_true, y_pred, sample_weight=sample_weight, **options)
    np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-7, err_msg=f"{name}({options})")
    return ours


def _masks(shape, num_classes, seed, *, agree=0.7):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, num_classes, shape)
    y_pred = np.where(rng.random(shape) < agree, y_true, rng.integers(0, num_classes, shape))
    return y_true, y_pred


def _scores(y, num_classes, seed, axis=-1):
    """Softmax scores whose argmax is mostly ``y``, with the class axis at ``axis``."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(*y.shape, num_classes)) + 4.0 * np.eye(num_classes)[y]
    scores = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    return np.moveaxis(scores, -1, axis).astype(np.float32)


MASKS = _masks((4, 16, 16), 5, 0)
RNG = np.random.default_rng(1)
VOID = np.where(RNG.random(MASKS[0].shape) < 0.1, 255, MASKS[0])  # void pixels labelled 255
INT_WEIGHTS = RNG.integers(0, 4, MASKS[0].shape)
FLOAT_WEIGHTS = RNG.uniform(0.0, 2.0, MASKS[0].shape).astype(np.float32)

SPARSE_CASES = {
    "masks": (MASKS, {}),
    "flat": (tuple(y.ravel() for y in MASKS), {}),
    "channel-axis-of-1": ((MASKS[0][..., None], MASKS[1]), {}),
    "ignore-class-inside": (MASKS, {"ignore_class": 2}),
    "ignore-class-255": ((VOID, MASKS[1]), {"ignore_class": 255}),
    "integer-weights": (MASKS, {"sample_weight": INT_WEIGHTS}),
    "float-weights-float32-counts": (MASKS, {"sample_weight": FLOAT_WEIGHTS, "dtype": "float32"}),
    "scalar-weight": (MASKS, {"sample_weight": 3}),
    "float32-ids": (tuple(y.astype(np.float32) for y in MASKS), {}),
    "uint8-ids": (tuple(y.astype(np.uint8) for y in MASKS), {}),
    "absent-class": (_masks((2, 8, 8), 3, 2), {}),  # num_classes=5: classes 3 and 4 never occur
    "empty": ((np.zeros(0, int), np.zeros(0, int)), {}),
}


@pytest.mark.parametrize("case", list(SPARSE_CASES))
def test_mean_iou_and_iou_equal_keras(case):
    (y_true, y_pred), options = SPARSE_CASES[case]
    assert_twin_equals_keras("mean_iou", y_true, y_pred, num_classes=5, **options)
    for target_class_ids in ([0], [1, 3], [4, 4, 0]):
        assert_twin_equals_keras("iou", y_true, y_pred, num_classes=5, target_class_ids=target_class_ids, **options)


@pytest.mark.parametrize("axis", [-1, 0])
@pytest.mark.parametrize("sparse_y_pred", [False, True])
def test_one_hot_iou_and_one_hot_mean_iou_equal_keras(axis, sparse_y_pred):
    y_true, y_pred = _masks((6, 7), 4, 3)
    y_true_one_hot = np.moveaxis(np.eye(4, dtype=np.float32)[y_true], -1, axis)
    y_pred_given = y_pred if sparse_y_pred else _scores(y_pred, 4, 4, axis)
    options = {"num_classes": 4, "sparse_y_pred": sparse_y_pred, "axis": axis}
    if sparse_y_pred and axis == 0:
        y_pred_given = y_pred  # class ids have no class axis
    assert_twin_equals_keras("one_hot_mean_iou", y_true_one_hot, y_pred_given, **options)
    assert_twin_equals_keras("one_hot_iou", y_true_one_hot, y_pred_given, target_class_ids=[0, 2], **options)


def test_scores_with_sparse_false_equal_keras_and_the_argmax_ids():
    y_true, y_pred = MASKS
    scores = _scores(y_pred, 5, 5)
    argmaxed = assert_twin_equals_keras("mean_iou", y_true, scores, num_classes=5, sparse_y_pred=False)
    assert argmaxed == lv.mean_iou(y_true, scores.argmax(axis=-1), num_classes=5)
    one_hot_truth = np.eye(5)[y_true]
    assert_twin_equals_keras("mean_iou", one_hot_truth, scores, num_classes=5, sparse_y_true=False, sparse_y_pred=False)


@pytest.mark.parametrize("threshold", [0.5, 0.3, 0.0, 0.7])
@pytest.mark.parametrize("target_class_ids", [(0, 1), [0], [1]])
def test_binary_iou_equals_keras(threshold, target_class_ids):
    rng = np.random.default_rng(6)
    y_true = rng.integers(0, 2, (3, 10, 10))
    y_score = np.clip(0.3 * y_true + 0.7 * rng.random((3, 10, 10)), 0, 1).astype(np.float32)
    y_score[0, 0, :4] = [threshold, np.nextafter(np.float32(threshold), 0), 0.5, 0.3]  # on the threshold
    options = {"threshold": threshold, "target_class_ids": target_class_ids}
    assert_twin_equals_keras("binary_iou", y_true, y_score, **options)
    assert_twin_equals_keras("binary_iou", y_true, y_score, sample_weight=rng.integers(0, 3, y_true.shape), **options)


# ---------------------------------------------------------------------------
# What Keras accepts although it is almost surely a mistake: Keras's number and a warning
# ---------------------------------------------------------------------------

DUBIOUS = [
    pytest.param("mean_iou", np.eye(5)[MASKS[0]], _scores(MASKS[1], 5, 7), None, {},
                 r"^y_pred: expected class ids \(integers in \[0, 5\)\); got values such as .*Keras casts them to integers",
                 id="one-hot-and-softmax-where-ids-are-expected"),
    pytest.param("mean_iou", MASKS[0] + 0.5, MASKS[1], None, {},
                 r"^y_true: expected class ids .* truncating toward zero", id="fractional-labels"),
    pytest.param("mean_iou", VOID, MASKS[1], None, {},
                 r"^y_true: expected class ids in \[0, 5\); got values from 0 to 255\. Keras leaves every pixel",
                 id="void-255-without-ignore-class"),
    pytest.param("mean_iou", MASKS[0], MASKS[1] - 1, None, {}, r"^y_pred: expected class ids in \[0, 5\); got values from -1",
                 id="negative-predictions"),
    pytest.param("mean_iou", *MASKS, FLOAT_WEIGHTS, {},
                 r"^sample_weight: expected integer weights .*\(0\.3 becomes 0\)", id="float-weights-integer-counts"),
    pytest.param("mean_iou", *MASKS, INT_WEIGHTS - 1, {}, r"^sample_weight: expected non-negative weights; got values down to -1",
                 id="negative-weights"),
    pytest.param("iou", *MASKS, None, {"target_class_ids": [-1]},
                 r"^target_class_ids: expected class ids in \[0, 5\); got \[-1\]\. Keras indexes", id="negative-target-id"),
    pytest.param("mean_iou", MASKS[0], _scores(MASKS[1], 7, 8), None, {"sparse_y_pred": False},
                 r"^y_pred: expected at most num_classes \(5\) scores along axis -1; got 7", id="more-scores-than-classes"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "y_true", "y_pred", "sample_weight", "options", "pattern"), DUBIOUS)
def test_dubious_input_gives_keras_number_and_a_warning(name, y_true, y_pred, sample_weight, options, pattern):
    expected = keras_value(name, y_true, y_pred, sample_weight, num_classes=5, **options)
    with pytest.warns(UserWarning, match=pattern) as record:
        ours = getattr(lv, name)(y_true, y_pred, num_classes=5, sample_weight=sample_weight, **options)
    assert all(warning.filename == __file__ for warning in record)
    np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-7)


def test_probabilities_cast_to_class_ids_collapse_to_class_zero():
    """What the warning says, measured: MeanIoU(num_classes=2) on sigmoid probabilities
    counts every pixel as class 0 (tensorflow#39173); thresholding first (BinaryIoU) does not."""
    y_true = MASKS[0] % 2
    probabilities = np.clip(0.6 * y_true + 0.5 * RNG.random(y_true.shape), 0, 0.999).astype(np.float32)
    with pytest.warns(UserWarning, match="Keras casts them"):
        cast = assert_twin_equals_keras("mean_iou", y_true, probabilities, num_classes=2)
    assert cast == pytest.approx(lv.mean_iou(y_true, np.zeros_like(y_true), num_classes=2), rel=1e-7)
    thresholded = assert_twin_equals_keras("binary_iou", y_true, probabilities)
    with pytest.warns(UserWarning, match="Keras casts them"):
        assert lv.iou(y_true, probabilities, num_classes=2, target_class_ids=[1]) == 0.0  # class 1 never predicted
    assert cast <= 0.5 < 0.9 < thresholded


def test_clean_input_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lv.mean_iou(*MASKS, num_classes=5, sample_weight=INT_WEIGHTS)
        lv.mean_iou(VOID, MASKS[1], num_classes=5, ignore_class=255)
        lv.one_hot_mean_iou(np.eye(5)[MASKS[0]], _scores(MASKS[1], 5, 10), num_classes=5)
        lv.binary_iou(MASKS[0] % 2, np.float32(MASKS[1] % 2) * 3 - 1)


# ---------------------------------------------------------------------------
# hypothesis
# ---------------------------------------------------------------------------


@st.composite
def segmentation_problems(draw):
    """Small masks with ids in [-1, num_classes], an ignore class, weights of either kind."""
    num_classes = draw(st.integers(1, 6))
    n = draw(st.integers(1, 40))
    ids = st.lists(st.integers(-1, num_classes), min_size=n, max_size=n)
    y_true, y_pred = np.array(draw(ids)), np.array(draw(ids))
    ignore_class = draw(st.sampled_from([None, 0, num_classes - 1, -1, 255]))
    weight_kind = draw(st.sampled_from(["none", "integer", "float32"]))
    options = {"ignore_class": ignore_class}
    if weight_kind == "integer":
        options["sample_weight"] = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    elif weight_kind == "float32":
        weights = draw(st.lists(st.floats(0.0, 2.0, width=32), min_size=n, max_size=n))
        options |= {"sample_weight": np.array(weights, np.float32), "dtype": "float32"}
    targets = draw(st.lists(st.integers(0, num_classes - 1), min_size=1, max_size=3))
    return y_true, y_pred, num_classes, targets, options


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(segmentation_problems())
def test_any_small_problem_equals_keras(problem):
    y_true, y_pred, num_classes, targets, options = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # ids outside the range warn, on purpose here
        assert_twin_equals_keras("mean_iou", y_true, y_pred, num_classes=num_classes, **options)
        assert_twin_equals_keras("iou", y_true, y_pred, num_classes=num_classes, target_class_ids=targets, **options)
