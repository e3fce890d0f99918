"""lossviz.keras_losses: the registered Loss subclasses against Keras, TensorFlow and NumPy."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from lossviz import losses as twins  # noqa: E402
from lossviz.checks import check_loss  # noqa: E402
from lossviz.keras_losses import OutputWeightedSquaredError, PseudoHuber, WeightedBinaryCrossentropy  # noqa: E402
from lossviz.reduction import class_weight_to_sample_weight  # noqa: E402

# Tier (conftest.py): compares with Keras
pytestmark = pytest.mark.keras

RNG = np.random.default_rng(1)
LABELS = RNG.integers(0, 2, size=(10, 1)).astype("float32")
LOGITS = RNG.normal(scale=3.0, size=(10, 1)).astype("float32")
PROBABILITIES = (1 / (1 + np.exp(-LOGITS))).astype("float32")


def per_sample(loss, y_true, y_pred):
    return keras.ops.convert_to_numpy(
        loss.call(keras.ops.convert_to_tensor(y_true), keras.ops.convert_to_tensor(y_pred))
    )


@pytest.mark.parametrize("delta", [0.1, 1.0, 3.0])
def test_pseudo_huber_equals_the_numpy_twin(delta):
    y_true = RNG.normal(size=(9, 2)).astype("float32")
    y_pred = (y_true + RNG.normal(scale=2.0, size=(9, 2)) * np.array([1.0, 1e-3])).astype("float32")
    got = per_sample(PseudoHuber(delta=delta), y_true, y_pred)
    np.testing.assert_allclose(got, twins.pseudo_huber(y_true, y_pred, delta=delta), rtol=1e-5, atol=1e-7)


def test_pseudo_huber_keeps_delta_where_keras_huber_loses_it():
    assert PseudoHuber.from_config(PseudoHuber(delta=0.5).get_config()).delta == 0.5
    assert "delta" not in keras.losses.Huber(delta=0.5).get_config()  # keras-team/keras#23286


def test_pos_weight_one_is_keras_binary_crossentropy():
    for y_pred, from_logits in ((PROBABILITIES, False), (LOGITS, True)):
        ours = per_sample(WeightedBinaryCrossentropy(from_logits=from_logits), LABELS, y_pred)
        theirs = keras.losses.binary_crossentropy(LABELS, y_pred, from_logits=from_logits)
        np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(theirs), rtol=1e-5, atol=1e-6)


def test_logits_path_is_tensorflow_weighted_cross_entropy():
    soft_labels = RNG.uniform(size=(10, 1)).astype("float32")
    ours = per_sample(WeightedBinaryCrossentropy(pos_weight=4.0, from_logits=True), soft_labels, LOGITS)
    theirs = tf.nn.weighted_cross_entropy_with_logits(soft_labels, LOGITS, pos_weight=4.0).numpy().mean(axis=-1)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_probability_path_is_the_clipped_numpy_formula():
    probabilities = np.array([[0.0], [1.0], [0.3], [0.9]], "float32")
    labels = np.array([[1.0], [0.0], [1.0], [0.0]], "float32")
    # Clipped in float32 like the tensors: 1 - eps is 0.99999988 there, not 0.9999999.
    eps = np.float32(1e-7)
    clipped = np.clip(probabilities, eps, np.float32(1) - eps).astype(float)
    expected = -(2.5 * labels * np.log(clipped) + (1 - labels) * np.log(1 - clipped)).mean(axis=-1)
    np.testing.assert_allclose(
        per_sample(WeightedBinaryCrossentropy(pos_weight=2.5), labels, probabilities), expected, rtol=1e-4
    )


def test_pos_weight_equals_class_weight_for_hard_labels():
    weights = class_weight_to_sample_weight(LABELS, {0: 1.0, 1: 3.0})
    class_weighted = keras.losses.BinaryCrossentropy()(LABELS, PROBABILITIES, sample_weight=weights)
    weighted_loss = WeightedBinaryCrossentropy(pos_weight=3.0)(LABELS, PROBABILITIES)
    np.testing.assert_allclose(float(weighted_loss), float(class_weighted), rtol=1e-6)


def test_targets_of_shape_b_are_aligned_not_broadcast():
    loss = WeightedBinaryCrossentropy(pos_weight=2.0, reduction=None)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loss(LABELS[:, 0], PROBABILITIES)),
        keras.ops.convert_to_numpy(loss(LABELS, PROBABILITIES)),
        rtol=1e-6,
    )


@pytest.mark.parametrize(
    ("true_shape", "pred_shape", "expected_shape"),
    [((4, 3), (4, 3, 1), (4,)), ((4, 3, 1), (4, 3), (4,)), ((4,), (4, 1), (4,)), ((4, 1), (4,), (4,))],
)
def test_pseudo_huber_aligns_ranks_like_keras_huber(true_shape, pred_shape, expected_shape):
    """Keras squeezes the extra trailing axis of size 1 (here once y_pred's, once y_true's);
    an earlier version expanded y_true instead and returned (4, 3) for the first case."""
    y_true = RNG.normal(size=true_shape).astype("float32")
    y_pred = RNG.normal(size=pred_shape).astype("float32")
    ours = keras.ops.convert_to_numpy(PseudoHuber(reduction=None)(y_true, y_pred))
    huber = keras.ops.convert_to_numpy(keras.losses.Huber(reduction=None)(y_true, y_pred))
    assert ours.shape == huber.shape == expected_shape
    np.testing.assert_allclose(ours, twins.pseudo_huber(y_true, y_pred), rtol=1e-5)


@pytest.mark.parametrize(
    "loss, name",
    [
        (PseudoHuber(delta=0.3, reduction="sum"), "lossviz>PseudoHuber"),
        (
            WeightedBinaryCrossentropy(pos_weight=3.0, from_logits=True, reduction="sum"),
            "lossviz>WeightedBinaryCrossentropy",
        ),
        (
            OutputWeightedSquaredError(output_weights=(0.3, 0.7), reduction="mean_with_sample_weight"),
            "lossviz>OutputWeightedSquaredError",
        ),
    ],
)
def test_config_round_trip_and_registration(loss, name):
    assert keras.saving.get_registered_name(type(loss)) == name
    rebuilt = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(loss))
    assert type(rebuilt) is type(loss)
    assert rebuilt.get_config() == loss.get_config()


def test_saved_model_reloads_with_the_same_loss(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=WeightedBinaryCrossentropy(pos_weight=5.0, from_logits=True))
    path = tmp_path / "weighted.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)  # no custom_objects: the class is registered
    assert isinstance(reloaded.loss, WeightedBinaryCrossentropy)
    assert reloaded.loss.pos_weight == 5.0 and reloaded.loss.from_logits
    features = RNG.normal(size=(10, 3)).astype("float32")
    assert reloaded.evaluate(features, LABELS, verbose=0) == pytest.approx(
        model.evaluate(features, LABELS, verbose=0), rel=1e-6
    )


def test_output_weighted_squared_error_is_the_weighted_sum_of_per_output_mse():
    y_true = RNG.normal(size=(12, 2)).astype("float32")
    y_pred = RNG.normal(size=(12, 2)).astype("float32")
    mse = keras.losses.MeanSquaredError()
    per_output = 0.3 * float(mse(y_true[:, :1], y_pred[:, :1])) + 0.7 * float(mse(y_true[:, 1:], y_pred[:, 1:]))
    assert float(OutputWeightedSquaredError((0.3, 0.7))(y_true, y_pred)) == pytest.approx(per_output, rel=1e-6)


def test_output_weighted_loss_equals_loss_weights_of_a_two_output_model():
    keras.utils.set_random_seed(0)
    features = keras.Input((3,))
    hidden = keras.layers.Dense(2)(features)
    first = keras.layers.Lambda(lambda t: t[:, :1], name="first")(hidden)
    second = keras.layers.Lambda(lambda t: t[:, 1:], name="second")(hidden)
    two_outputs = keras.Model(features, [first, second])
    two_outputs.compile(loss=["mse", "mse"], loss_weights=[0.3, 0.7])
    one_output = keras.Model(features, hidden)
    one_output.compile(loss=OutputWeightedSquaredError((0.3, 0.7)))
    x = RNG.normal(size=(16, 3)).astype("float32")
    y = RNG.normal(size=(16, 2)).astype("float32")
    total_two = two_outputs.evaluate(x, [y[:, :1], y[:, 1:]], verbose=0, return_dict=True)["loss"]
    total_one = one_output.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    assert total_one == pytest.approx(total_two, rel=1e-5)


def test_every_class_passes_every_check():
    def weighted_reference(y_true, y_pred):
        clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        return -(2.0 * y_true * np.log(clipped) + (1 - y_true) * np.log(1 - clipped)).mean(axis=-1)

    assert check_loss(WeightedBinaryCrossentropy(pos_weight=2.0), weighted_reference, inputs="binary", verbose=False)
    assert check_loss(PseudoHuber(delta=0.5), lambda t, p: twins.pseudo_huber(t, p, delta=0.5), verbose=False)
    assert check_loss(
        OutputWeightedSquaredError((0.3, 0.7)),
        lambda y_true, y_pred: (np.array([0.3, 0.7]) * (y_true - y_pred) ** 2).sum(axis=-1),
        target_shape=(2,),
        verbose=False,
    )


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: PseudoHuber(delta=-1.0), r"argument `delta`. Expected a number in \(0, inf\)"),
        (lambda: WeightedBinaryCrossentropy(pos_weight=0.0), r"argument `pos_weight`. Expected a number in \(0, inf\)"),
        (lambda: WeightedBinaryCrossentropy(pos_weight="heavy"), r"argument `pos_weight`. Expected a real number"),
        (
            lambda: OutputWeightedSquaredError(output_weights=(0.5, -1.0)),
            r"argument `output_weights`. Expected a flat list of non-negative",
        ),
        (
            lambda: OutputWeightedSquaredError(output_weights=[]),
            r"argument `output_weights`. Expected a non-empty array",
        ),
        (
            lambda: OutputWeightedSquaredError((0.3, 0.7))(np.zeros((2, 3)), np.zeros((2, 3))),
            r"argument `y_pred`. Expected 2 output columns",
        ),
    ],
)
def test_bad_arguments_fail_loudly(build, message):
    with pytest.raises(ValueError, match=message):
        build()
