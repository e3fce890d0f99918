"""lossviz.reduction against the installed Keras: Loss reductions, class_weight, Mean."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402
from keras.src.trainers.data_adapters.data_adapter_utils import class_weight_to_sample_weights  # noqa: E402

from lossviz.reduction import (  # noqa: E402
    REDUCTIONS,
    class_weight_to_sample_weight,
    reduce_values,
    weighted_mean,
)

# Tier (conftest.py): compares with Keras
pytestmark = pytest.mark.keras

RNG = np.random.default_rng(0)
Y_TRUE = RNG.normal(size=(6, 1)).astype("float32")
Y_PRED = RNG.normal(size=(6, 1)).astype("float32")
WEIGHT_CASES = {
    "none": None,
    "per-sample": np.array([0.0, 1.0, 2.0, 0.5, 0.0, 3.0], "float32"),
    "column": np.array([[1.0], [0.0], [2.0], [1.0], [1.0], [0.5]], "float32"),
    "all zero": np.zeros(6, "float32"),
    "python list": [1.0, 2.0, 1.0, 2.0, 1.0, 2.0],
}


class Passthrough(keras.losses.Loss):
    """A loss whose per-sample values are y_pred itself: Keras's reduction seen alone."""

    def call(self, y_true, y_pred):
        return y_pred


class ScalarMean(keras.losses.Loss):
    """The blog-post bug: the batch is averaged before Keras can weight it."""

    def call(self, y_true, y_pred):
        return keras.ops.mean(keras.ops.square(y_true - y_pred))


def keras_value(loss, y_true, y_pred, sample_weight=None):
    return keras.ops.convert_to_numpy(loss(y_true, y_pred, sample_weight=sample_weight))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", WEIGHT_CASES.values(), ids=WEIGHT_CASES.keys())
def test_mse_class_equals_reduction_of_keras_per_sample_values(reduction, weights):
    per_sample = keras.ops.convert_to_numpy(keras.losses.mean_squared_error(Y_TRUE, Y_PRED))
    expected = keras_value(keras.losses.MeanSquaredError(reduction=reduction), Y_TRUE, Y_PRED, weights)
    np.testing.assert_allclose(reduce_values(per_sample, weights, reduction=reduction), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight_shape", [(4, 3), (4, 1), (1, 3)], ids=["elementwise", "per-row", "per-column"])
def test_unreduced_elementwise_values_are_weighted_like_keras(reduction, weight_shape):
    values = RNG.uniform(0, 2, size=(4, 3)).astype("float32")
    weights = RNG.uniform(0, 2, size=weight_shape).astype("float32")
    expected = keras_value(Passthrough(reduction=reduction), values, values, weights)
    np.testing.assert_allclose(reduce_values(values, weights, reduction=reduction), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_a_scalar_loss_is_only_rescaled_by_the_weights(reduction):
    weights = WEIGHT_CASES["per-sample"]
    scalar = float(np.mean((Y_TRUE - Y_PRED) ** 2))
    expected = keras_value(ScalarMean(reduction=reduction), Y_TRUE, Y_PRED, weights)
    np.testing.assert_allclose(reduce_values(scalar, weights, reduction=reduction), expected, rtol=1e-6)
    if reduction in ("sum_over_batch_size", "mean"):
        # Which sample carries which weight no longer matters: only the mean weight does.
        np.testing.assert_allclose(expected, scalar * weights.mean(), rtol=1e-6)
        shuffled = keras_value(ScalarMean(reduction=reduction), Y_TRUE, Y_PRED, weights[::-1].copy())
        np.testing.assert_allclose(shuffled, expected, rtol=1e-6)


def test_sum_over_batch_size_counts_zero_weights_and_mean_with_sample_weight_does_not():
    losses = np.array([1.0, 2.0, 3.0, 4.0])
    weights = np.array([1.0, 1.0, 0.0, 0.0])
    assert reduce_values(losses, weights) == pytest.approx(0.75)
    assert reduce_values(losses, weights, reduction="mean_with_sample_weight") == pytest.approx(1.5)
    assert reduce_values(losses, weights, reduction="sum") == pytest.approx(3.0)
    np.testing.assert_allclose(reduce_values(losses, weights, reduction=None), [1.0, 2.0, 0.0, 0.0])


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight", None])
@pytest.mark.parametrize("with_weights", [False, True])
def test_mask_from_ignore_class_is_reduced_like_keras(reduction, with_weights):
    labels = np.array([0, 2, 1, 2, 0, 1])
    probabilities = keras.ops.convert_to_numpy(keras.ops.softmax(RNG.normal(size=(6, 3)).astype("float32")))
    weights = WEIGHT_CASES["per-sample"] if with_weights else None
    loss = keras.losses.SparseCategoricalCrossentropy(ignore_class=2, reduction=reduction)
    expected = keras_value(loss, labels, probabilities, weights)
    per_sample = -np.log(probabilities[np.arange(6), labels])
    got = reduce_values(per_sample, weights, reduction=reduction, mask=labels != 2)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    reduction=st.sampled_from(REDUCTIONS),
    batch=st.integers(1, 9),
)
def test_any_values_and_weights_reduce_like_keras(data, reduction, batch):
    finite = st.floats(-1e3, 1e3, width=32)
    values = data.draw(arrays(np.float32, (batch,), elements=finite))
    weights = data.draw(arrays(np.float32, (batch,), elements=st.floats(0, 10, width=32)))
    expected = keras_value(Passthrough(reduction=reduction), values, values, weights)
    np.testing.assert_allclose(reduce_values(values, weights, reduction=reduction), expected, rtol=1e-4, atol=1e-3)


CLASS_WEIGHT_CASES = {
    "class ids": (np.array([0, 1, 2, 1, 0]), {0: 1.0, 1: 4.0, 2: 0.5}),
    "column of 0/1": (np.array([[0.0], [1.0], [1.0], [0.0]]), {0: 1.0, 1: 9.0}),
    "soft labels round half to even": (np.array([0.5, 0.51, 1.5, 0.49]), {0: 1.0, 1: 2.0, 2: 3.0}),
    "one-hot": (np.eye(3)[[2, 0, 1, 1]], {0: 1.0, 1: 2.0, 2: 5.0}),
    "probabilities use argmax": (np.array([[0.2, 0.8], [0.6, 0.4]]), {1: 3.0}),
    "unknown class weighs 1": (np.array([0, 3, 7]), {0: 2.0}),
}


@pytest.mark.parametrize("y, class_weight", CLASS_WEIGHT_CASES.values(), ids=CLASS_WEIGHT_CASES.keys())
def test_class_weight_conversion_equals_keras_data_adapter(y, class_weight):
    np.testing.assert_array_equal(
        class_weight_to_sample_weight(y, class_weight), class_weight_to_sample_weights(y, class_weight)
    )


@pytest.mark.trains
def test_fit_with_class_weight_equals_fit_with_the_converted_sample_weight():
    features = RNG.normal(size=(32, 3)).astype("float32")
    labels = (features[:, :1] + 0.5 * RNG.normal(size=(32, 1)) > 0.8).astype("float32")
    class_weight = {0: 1.0, 1: 6.0}

    def train(**weighting):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
        history = model.fit(features, labels, batch_size=8, epochs=2, shuffle=False, verbose=0, **weighting)
        return history.history["loss"], model.get_weights()

    loss_cw, weights_cw = train(class_weight=class_weight)
    loss_sw, weights_sw = train(sample_weight=class_weight_to_sample_weight(labels, class_weight))
    np.testing.assert_allclose(loss_cw, loss_sw, rtol=1e-6)
    for a, b in zip(weights_cw, weights_sw):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    # The weighting did something: without it the first epoch's loss differs.
    loss_plain, _ = train()
    assert abs(loss_plain[0] - loss_cw[0]) > 0.1


@pytest.mark.parametrize("weights", [None, np.array([1.0, 0.0, 2.0, 0.5]), np.array([[1.0], [0.0], [2.0], [0.5]])])
@pytest.mark.parametrize("shape", [(4,), (4, 3)])
def test_weighted_mean_equals_keras_mean_metric(weights, shape):
    values = RNG.normal(size=shape).astype("float32")
    metric = keras.metrics.Mean()
    metric.update_state(values, sample_weight=weights)
    np.testing.assert_allclose(weighted_mean(values, weights), float(metric.result()), rtol=1e-5, atol=1e-6)


def test_weighted_mean_divides_by_the_weights_the_loss_by_the_count():
    values = np.array([1.0, 3.0, 5.0, 7.0])
    weights = np.array([1.0, 1.0, 0.0, 0.0])
    assert weighted_mean(values, weights) == pytest.approx(2.0)
    assert reduce_values(values, weights) == pytest.approx(1.0)
    assert weighted_mean(values, np.zeros(4)) == 0.0


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: reduce_values([1.0], reduction="auto"),
            r"argument `reduction`. Expected one of .*Received: reduction='auto'",
        ),
        (lambda: reduce_values([], None), r"argument `values`. Expected a non-empty array"),
        (lambda: reduce_values([1.0, np.nan]), r"argument `values`. Expected finite values"),
        (
            lambda: reduce_values(np.ones(3), np.ones(4)),
            r"argument `sample_weight`. Expected a shape that broadcasts to the per-sample values \(3,\)",
        ),
        (
            lambda: reduce_values(np.ones(3), mask=np.ones(2)),
            r"argument `mask`. Expected an array of the shape of `values` \(3,\)",
        ),
        (
            lambda: class_weight_to_sample_weight([0, 1], [1.0, 2.0]),
            r"argument `class_weight`. Expected a dict mapping class ids",
        ),
        (
            lambda: class_weight_to_sample_weight([0, 1], {"a": 1.0}),
            r"argument `class_weight`. Expected integer class ids as keys",
        ),
        (
            lambda: class_weight_to_sample_weight([0, 1], {True: 1.0}),
            r"argument `class_weight`. Expected integer class ids",
        ),
        (
            lambda: class_weight_to_sample_weight([0, 1], {1: -2.0}),
            r"argument `class_weight\[1\]`. Expected a number in \[0, inf\]",
        ),
        (
            lambda: class_weight_to_sample_weight(np.zeros((2, 2, 2)), {1: 2.0}),
            r"argument `y`. Expected targets of shape \(B,\)",
        ),
        (
            lambda: weighted_mean([1.0, 2.0], [1.0]),
            r"argument `sample_weight`. Expected one weight per sample, shape \(2,\)",
        ),
    ],
)
def test_bad_input_fails_loudly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_keras_refuses_the_reduction_auto_of_keras_2():
    with pytest.raises(ValueError, match="reduction"):
        keras.losses.MeanSquaredError(reduction="auto")


# keras.losses.Circle: a mask (loss > 0) leaves anchors without a positive out of the mean.

from lossviz.losses import circle  # noqa: E402
from lossviz.reduction import circle_mask  # noqa: E402

import cases  # noqa: E402


@pytest.mark.parametrize(("y_true", "y_pred"), cases.EMBEDDINGS)
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight"])
@pytest.mark.parametrize("kwargs", [{"gamma": 5.0}, {"gamma": 10.0, "margin": 0.25}, {}])
def test_circle_class_averages_only_anchors_with_a_positive(y_true, y_pred, reduction, kwargs):
    values = circle(y_true, y_pred, **kwargs)
    expected = float(keras.losses.Circle(reduction=reduction, dtype="float64", **kwargs)(y_true, y_pred))
    np.testing.assert_allclose(
        reduce_values(values, reduction=reduction, mask=circle_mask(values)), expected, rtol=1e-6
    )


def test_circle_mask_changes_the_mean_where_an_anchor_has_no_positive():
    y_true, y_pred = cases.EMBEDDINGS[2].values  # label 2 occurs once
    values = circle(y_true, y_pred, gamma=5.0)
    assert values[2] == 0.0 and np.all(values[:2] > 0.0)
    masked = reduce_values(values, mask=circle_mask(values))
    np.testing.assert_allclose(
        masked, float(keras.losses.Circle(gamma=5.0, dtype="float64")(y_true, y_pred)), rtol=1e-6
    )
    np.testing.assert_allclose(masked, values.sum() / 2)
    assert abs(masked - reduce_values(values)) > 0.01
