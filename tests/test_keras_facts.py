"""lossviz.keras_facts: each detection gives today's Keras answer, and the other answer
for a stand-in that behaves like the fixed version (or like another backend)."""

import os
from pathlib import Path

import keras
import numpy as np
import pytest
from keras import ops

from lossviz import keras_facts, keras_on_backend
from lossviz.keras_metrics import ROUTING_TARGETS, seen_by_each_output

# Tier (conftest.py): compares with Keras
pytestmark = pytest.mark.keras


class FixedHuber(keras.losses.Huber):
    """Huber as keras-team/keras#23286 fixes it: get_config keeps delta."""

    def __init__(self, delta=1.0, **kwargs):
        super().__init__(delta=delta, **kwargs)
        self.delta = delta

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


def documented_tversky(y_true, y_pred, alpha=0.5, beta=0.5):
    y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
    tp = ops.sum(y_true * y_pred)
    fp = ops.sum((1 - y_true) * y_pred)
    fn = ops.sum(y_true * (1 - y_pred))
    return 1 - tp / (tp + alpha * fp + beta * fn + keras.backend.epsilon())


class FixedSKLearnClassifier(keras.wrappers.SKLearnClassifier):
    """The wrapper with a clone that keeps fit_kwargs."""

    def __sklearn_clone__(self):
        return type(self)(
            model=self.model, warm_start=self.warm_start, model_kwargs=self.model_kwargs, fit_kwargs=self.fit_kwargs
        )


def plain_sigmoid(x):
    """A sigmoid whose output carries no logits: what JAX and PyTorch hand the loss."""
    return ops.convert_to_tensor(ops.convert_to_numpy(keras.activations.sigmoid(x)))


class PositionalMetricsModel(keras.Model):
    """Routes a metrics dict as Keras 3.14.0 did (keras-team/keras#22625): its entries,
    in the alphabetical order of their keys, paired with the outputs by position."""

    def compile(self, metrics=None, **kwargs):
        if isinstance(metrics, dict):
            metrics = [metrics[name] for name in sorted(metrics)]
        super().compile(metrics=metrics, **kwargs)


class DictTargetsInKeyOrderModel(keras.Model):
    """Pairs dict targets with a list of outputs as Keras 3.14.0 did (keras-team/keras#22625,
    seen by running its source): the targets in the alphabetical order of their keys,
    the outputs in the model's order."""

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        if isinstance(y, dict):
            y = [y[name] for name in sorted(y)]
        return super().compute_metrics(x, y, y_pred, sample_weight)


class PooledMetricsModel(keras.Model):
    """Hands every metric the mean of all outputs' targets: neither routing."""

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        y = list(y.values()) if isinstance(y, dict) else y
        pooled = (ops.mean(y[0]) + ops.mean(y[1])) / 2
        y = [ops.full_like(target, 1.0) * pooled for target in y]
        return super().compute_metrics(x, y, y_pred, sample_weight)


def test_metrics_reach_their_output_in_keras_3_15_and_not_when_positional():
    assert seen_by_each_output() == ROUTING_TARGETS
    assert keras_facts.metrics_reach_their_output() is True
    assert seen_by_each_output(PositionalMetricsModel) == {"zeta": 3.0, "alpha": 1.0}
    assert keras_facts.metrics_reach_their_output(PositionalMetricsModel) is False


def test_metrics_routing_check_catches_keras_3_14_0s_dict_targets():
    # 3.14.0 routed list targets right and dict targets wrong: the probe must use dict targets.
    assert seen_by_each_output(DictTargetsInKeyOrderModel) == {"zeta": 3.0, "alpha": 1.0}
    assert keras_facts.metrics_reach_their_output(DictTargetsInKeyOrderModel) is False


def test_metrics_routing_check_refuses_a_third_routing():
    with pytest.raises(RuntimeError, match="neither their own outputs' targets"):
        keras_facts.metrics_reach_their_output(PooledMetricsModel)


def binary_accuracy_of_cells(y_true, y_pred):
    """What Keras 2 computed for "accuracy" with binary crossentropy."""
    return float(np.mean((y_pred > 0.5) == (y_true > 0.5)))


def test_accuracy_on_multi_label_is_categorical_in_keras_3_15_and_binary_in_keras_2():
    assert keras_facts.accuracy_for_multi_label() == "categorical"
    assert keras_facts.accuracy_for_multi_label(binary_accuracy_of_cells) == "binary"
    with pytest.raises(RuntimeError, match="neither binary"):
        keras_facts.accuracy_for_multi_label(lambda y_true, y_pred: 0.5)


def test_huber_forgets_delta_in_keras_3_15_and_not_when_fixed():
    assert keras_facts.huber_forgets_delta() is True  # pyproject pins keras<3.16
    assert keras_facts.huber_forgets_delta(FixedHuber) is False


def test_tversky_swap_detected_in_keras_3_15_and_not_when_fixed():
    assert keras_facts.tversky_swaps_alpha_beta() is True
    assert keras_facts.tversky_swaps_alpha_beta(documented_tversky) is False


def test_tversky_check_refuses_a_third_formula():
    with pytest.raises(RuntimeError, match="neither the documented"):
        keras_facts.tversky_swaps_alpha_beta(lambda y_true, y_pred, alpha, beta: ops.mean(y_pred))


def test_sklearn_clone_drops_fit_kwargs_in_keras_3_15_and_not_when_fixed():
    assert keras_facts.sklearn_clone_drops_fit_kwargs() is True
    assert keras_facts.sklearn_clone_drops_fit_kwargs(FixedSKLearnClassifier) is False


def test_stored_logits_read_on_tensorflow_only():
    assert keras_facts.scores_stored_logits() is (os.environ["KERAS_BACKEND"] == "tensorflow")
    assert keras_facts.scores_stored_logits(sigmoid=plain_sigmoid) is False


def test_stored_logits_check_uses_the_given_loss():
    clipped = lambda y_true, y_pred: keras.losses.binary_crossentropy(y_true, ops.clip(y_pred, 0.0, 1.0))  # noqa: E731
    assert keras_facts.scores_stored_logits(binary_crossentropy=clipped, sigmoid=plain_sigmoid) is False
    assert np.isclose(
        float(keras.losses.binary_crossentropy([[0.0]], plain_sigmoid(ops.convert_to_tensor([[50.0]])))[0]),
        15.94,
        atol=0.01,
    )


def test_backend_differences_equal_this_backends_column():
    """Run under each backend (make test runs this file on TensorFlow and JAX), so both
    columns of the table are measured."""
    measured = keras_facts.backend_differences()
    assert measured == keras_facts.expected_backend_differences(keras.backend.backend())
    assert list(measured) == list(keras_facts.BACKEND_DIFFERENCES)


def test_one_row_can_be_measured_alone_and_unknown_rows_are_refused():
    label = "mse dtype of float64 input"
    assert keras_facts.backend_differences([label]) == {
        label: keras_facts.expected_backend_differences(keras.backend.backend())[label]
    }
    with pytest.raises(ValueError, match="Invalid value for argument `labels`.*Received: labels='no such row'"):
        keras_facts.backend_differences(["no such row"])


def test_expected_differences_refuse_an_unmeasured_backend():
    with pytest.raises(ValueError, match="argument `backend`. Expected one of .*'jax'.*Received: backend='torch'"):
        keras_facts.expected_backend_differences("torch")


def test_the_columns_differ_where_the_backends_differ():
    tensorflow, jax = (keras_facts.expected_backend_differences(name) for name in ("tensorflow", "jax"))
    assert tensorflow.keys() == jax.keys()
    assert {label for label in tensorflow if tensorflow[label] == jax[label]} == {
        "its message says 'incompatible shapes'"
    }


def test_notebook_02_shows_the_table_of_both_columns():
    source = (Path(__file__).parents[1] / "notebooks" / "02_probabilistic_losses.py").read_text()
    table = "\n".join("# " + line for line in keras_facts.backend_differences_table().splitlines())
    assert table in source
    assert "expected_backend_differences(backend)" in source


def test_float64_detection_follows_the_dtype_computed():
    assert keras_facts.computes_float64() is (
        keras_facts.backend_differences(["mse dtype of float64 input"])["mse dtype of float64 input"] == "float64"
    )
    in_float32 = lambda y_true, y_pred: keras.losses.mean_squared_error(  # noqa: E731
        ops.cast(y_true, "float32"), ops.cast(y_pred, "float32")
    )
    assert keras_facts.computes_float64(in_float32) is False


@pytest.mark.parametrize(("dtype", "scale"), [("float32", 1.0), ("float64", 1.0), ("float32", 50.0), ("int64", 3.0)])
def test_float_tolerance_is_epsilons_of_the_dtype(dtype, scale):
    values = np.array([0.5, -scale], dtype=dtype)
    eps = np.finfo("float64" if dtype == "int64" else dtype).eps
    assert keras_facts.float_tolerance(values) == pytest.approx(16 * eps * max(1.0, scale))
    assert keras_facts.float_tolerance(values, ulps=2) == pytest.approx(2 * eps * max(1.0, scale))


def test_keras_gradient_is_the_backends_autodiff_of_the_keras_loss():
    y_true, y_pred = np.array([[1.0], [1.0], [0.0]]), np.array([[-0.5], [0.5], [2.0]])
    mse = keras_on_backend.keras_gradient(keras.losses.mean_squared_error, y_true, y_pred)
    assert mse.dtype == np.float32 and mse.shape == (3, 1)
    assert np.allclose(mse, 2 * (y_pred - y_true))
    msle = keras_on_backend.keras_gradient(keras.losses.mean_squared_logarithmic_error, y_true, y_pred)
    assert msle[0, 0] == 0.0 and msle[1, 0] < 0 < msle[2, 0]  # clipped below 0: no pull


def test_twins_against_keras_reports_shapes_gaps_and_the_allowed_gap(capsys):
    y_true, y_pred = np.array([[1.0, 0.0]]), np.array([[0.5, 2.0]])
    found = keras_on_backend.twins_against_keras({"mean_squared_error": (y_true, y_pred, {})})
    ours, theirs, gap, allowed = found["mean_squared_error"]
    expected = keras.ops.convert_to_numpy(keras.losses.mean_squared_error(y_true, y_pred))
    assert ours == theirs == (1,) and gap <= allowed == keras_facts.float_tolerance(expected)
    assert "mean_squared_error" in capsys.readouterr().out
    off = keras_on_backend.twins_against_keras({"huber": (y_true, y_pred, {"delta": 0.5})}, verbose=False)
    assert off["huber"][2] <= off["huber"][3] and not capsys.readouterr().out


def test_on_this_backend_measures_one_row_and_says_it(capsys):
    measured, expected = keras_on_backend.on_this_backend("bce(0, sigmoid(50))")
    assert measured == expected == keras_facts.backend_differences(["bce(0, sigmoid(50))"])["bce(0, sigmoid(50))"]
    said = capsys.readouterr().out
    assert said.startswith(f"on this backend ({keras.backend.backend()})") and "50.00" in said and "15.94" in said
    with pytest.raises(ValueError, match="argument `label`"):
        keras_on_backend.on_this_backend("no such row")


def test_get_weights_during_fit_raises_on_jax_only(capsys):
    backend = keras.backend.backend()
    error = keras_on_backend.get_weights_during_fit()
    assert error == ("TypeError" if backend == "jax" else "no error")
    assert capsys.readouterr().out == f"On {backend}, model.get_weights() inside fit: {error}.\n"


def test_random_seed_alone_fixes_the_weights_and_leaves_the_state(capsys):
    import random

    random.seed(7)
    expected = random.random()
    random.seed(7)
    assert keras_on_backend.random_seed_alone_reproduces_weights(verbose=False)
    assert random.random() == expected  # the helper restored Python's random state
    assert capsys.readouterr().out == ""
