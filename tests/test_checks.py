"""check_loss / check_metric: every finding is detected on a deliberately broken loss or
metric, and a correct one passes every check."""

import functools
import os
import re

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import ops  # noqa: E402
from sklearn.metrics import precision_score, recall_score  # noqa: E402

from lossviz import keras_facts  # noqa: E402
from lossviz import losses as twins  # noqa: E402
from lossviz.checks import (  # noqa: E402
    LOSS_CHECKS,
    METRIC_CHECKS,
    CheckResult,
    Finding,
    check_loss,
    check_metric,
    keras_loss_value,
)

# Tier (conftest.py): drives Keras and fits models
pytestmark = [pytest.mark.keras, pytest.mark.trains]

# ----------------------------------------------------------------------------------------
# Losses: one correct, and one deliberately broken per finding


def mse(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def numpy_mse(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2, axis=-1)


def scalar_mse(y_true, y_pred):  # the blog recipe: K.mean over the whole batch
    return ops.mean(ops.square(y_true - y_pred))


def rounded_mse(y_true, y_pred):
    return ops.mean(ops.square(y_true - ops.round(y_pred)), axis=-1)


def sign_loss(y_true, y_pred):
    return ops.mean(ops.sign(y_pred - y_true), axis=-1)


def numpy_only_mse(y_true, y_pred):
    return np.mean(np.square(np.asarray(y_true) - np.asarray(y_pred)), axis=-1)


def hard_coded_batch_weights(y_true, y_pred):  # a weight vector for batches of exactly 8
    weights = ops.convert_to_tensor([1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0])
    return mse(y_true, y_pred) * weights


def float64_constant(y_true, y_pred):
    return mse(y_true, y_pred) * ops.convert_to_tensor(np.ones(1))  # float64


def raises(y_true, y_pred):
    raise RuntimeError("forgot to finish this")


def off_by_half(y_true, y_pred):
    return 0.5 * mse(y_true, y_pred)


@keras.saving.register_keras_serializable(package="lossviz_tests")
class ScaledMSE(keras.losses.Loss):
    def __init__(self, scale=2.0, reduction="sum_over_batch_size", name="scaled_mse", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.scale = scale

    def call(self, y_true, y_pred):
        return self.scale * mse(y_true, y_pred)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


@keras.saving.register_keras_serializable(package="lossviz_tests")
class ForgetfulScaledMSE(ScaledMSE):
    def get_config(self):  # forgets `scale`
        return keras.losses.Loss.get_config(self)


@keras.saving.register_keras_serializable(package="lossviz_tests")
class IgnoresSampleWeight(ScaledMSE):
    def __call__(self, y_true, y_pred, sample_weight=None):
        return super().__call__(y_true, y_pred)


class UnregisteredScaledMSE(ScaledMSE):
    pass


@keras.saving.register_keras_serializable(package="lossviz_tests")
class NeedsAnArgument(keras.losses.Loss):
    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, y_true, y_pred):
        return self.scale * mse(y_true, y_pred)


@pytest.fixture(scope="module")
def correct_function_result():
    return check_loss(mse, reference=numpy_mse, verbose=False)


def test_a_correct_loss_function_passes_every_check(correct_function_result):
    result = correct_function_result
    assert result and result.findings == [] and result.codes == []
    assert [check.code for check in result.checks] == list(LOSS_CHECKS)
    assert {check.code for check in result.checks if check.status == "skip"} == {"config", "registered"}


def test_a_correct_loss_subclass_passes_every_check():
    result = check_loss(
        ScaledMSE(scale=3.0, reduction="sum"), reference=lambda t, p: 3 * numpy_mse(t, p), verbose=False
    )
    assert result, result.report()
    assert all(check.status == "pass" for check in result.checks)


def test_builtin_keras_losses_pass_against_the_lossviz_twins():
    assert check_loss(
        keras.losses.CategoricalCrossentropy(), twins.categorical_crossentropy, inputs="categorical", verbose=False
    )
    assert check_loss("binary_crossentropy", twins.binary_crossentropy, inputs="binary", verbose=False)
    assert check_loss(keras.losses.huber, twins.huber, target_shape=(3,), verbose=False)


BROKEN_LOSSES = {
    "scalar return": (scalar_mse, {}, {"shape", "sample_weight", "reference"}),
    "keras.ops.round": (rounded_mse, {}, {"gradient", "compiled", "reference"}),
    "zero gradient": (sign_loss, {}, {"gradient", "reference"}),
    "numpy only": (numpy_only_mse, {}, {"gradient", "compiled"}),
    "hard-coded batch weights": (hard_coded_batch_weights, {}, {"batch_size", "sample_weight", "reference"}),
    "float64 constant": (float64_constant, {}, {"float32"}),
    "raises": (raises, {}, {"exception"}),
    "wrong value": (off_by_half, {}, {"reference"}),
    "ignores sample_weight": (IgnoresSampleWeight(scale=1.0), {}, {"sample_weight"}),
    "config forgets an argument": (ForgetfulScaledMSE(scale=1.0), {}, {"config"}),
    "config loses a non-default argument": (ForgetfulScaledMSE(scale=3.0), {}, {"config", "reference"}),
    "class not registered": (UnregisteredScaledMSE(scale=1.0), {}, {"registered"}),
    "class cannot be built": (NeedsAnArgument, {}, {"exception"}),
}


@functools.cache
def broken_loss_result(case):
    loss, options, _ = BROKEN_LOSSES[case]
    return check_loss(loss, reference=numpy_mse, verbose=False, **options)


def expected_loss_codes(case):
    """The codes of BROKEN_LOSSES, where two depend on what the backend does (measured by
    lossviz.keras_facts, never read from the backend's name): without a gradient through
    rounding, fit raises ("compiled", TensorFlow; JAX differentiates rounding as 0); a
    float64 constant only leaks float64 where Keras computes float64 (not JAX)."""
    codes = set(BROKEN_LOSSES[case][2])
    if case == "keras.ops.round" and not keras_facts.fit_refuses_a_loss_without_gradient():
        codes.discard("compiled")
    if case == "float64 constant" and not keras_facts.computes_float64():
        codes.discard("float32")
    return codes


@pytest.mark.parametrize("case", BROKEN_LOSSES)
def test_each_broken_loss_is_reported_under_its_code(case):
    result = broken_loss_result(case)
    assert bool(result) is (not expected_loss_codes(case))
    assert set(result.codes) == expected_loss_codes(case), result.report()


def test_messages_say_what_is_wrong_and_how_to_fix_it():
    scalar = broken_loss_result("scalar return")
    assert "sample_weight and class_weight no longer weight samples" in scalar["shape"].message
    assert "keras.ops.mean(..., axis=-1)" in scalar["shape"].message
    hard = broken_loss_result("hard-coded batch weights")
    assert "batch of 13" in hard["batch_size"].message and "weight vector" in hard["batch_size"].message
    rounded = broken_loss_result("keras.ops.round")["gradient"].message
    assert ("keras.ops.round" if keras_facts.fit_refuses_a_loss_without_gradient() else "zero everywhere") in rounded
    assert "zero everywhere" in broken_loss_result("zero gradient")["gradient"].message
    assert "symbolic tensors" in broken_loss_result("numpy only")["compiled"].message
    assert "lacks ['scale']" in broken_loss_result("config forgets an argument")["config"].message
    assert "register_keras_serializable" in broken_loss_result("class not registered")["registered"].message
    wrong = broken_loss_result("wrong value")["reference"].message
    assert "differs from numpy_mse" in wrong and "rtol=0.0001" in wrong
    assert "forgot to finish this" in broken_loss_result("raises")["exception"].message


def test_the_builtin_huber_loses_delta_on_a_config_round_trip():
    # Keras <= 3.15 (keras-team/keras#23286): get_config() has no `delta`.
    result = check_loss(keras.losses.Huber(delta=0.5), verbose=False)
    assert result.codes == ["config"]
    assert check_loss(keras.losses.Huber(), verbose=False)  # the default delta survives


def test_scalar_loss_sample_weight_message_gives_both_numbers():
    message = broken_loss_result("scalar return")["sample_weight"].message
    reported, weighted = (float(n) for n in re.findall(r"(?:reports|gives) (\d+\.\d+)", message))
    assert not np.isclose(reported, weighted, rtol=1e-3)


def test_result_object_reports(correct_function_result, capsys):
    result = check_loss(scalar_mse, verbose=True)
    printed = capsys.readouterr().out
    assert printed.strip() == repr(result) == result.report()
    assert printed.startswith("check_loss(scalar_mse): 2 problems")
    assert "FAIL shape:" in printed and "ok   gradient:" in printed and "skip config:" in printed
    markdown = result._repr_markdown_()
    assert markdown.startswith("**check_loss(scalar_mse): 2 problems**") and "❌ `shape`" in markdown
    assert all(isinstance(f, Finding) and not f.passed for f in result.findings)
    assert repr(correct_function_result).startswith("check_loss(mse): all checks passed")
    with pytest.raises(KeyError, match="no check with code 'nope'"):
        result["nope"]
    assert bool(CheckResult("empty")) is True


def test_keras_loss_value_is_what_evaluate_reports():
    y_true = np.array([[0.0], [1.0], [2.0], [3.0]], "float32")
    y_pred = np.array([[0.5], [1.0], [4.0], [3.5]], "float32")
    weights = np.array([1.0, 0.0, 2.0, 0.5], "float32")
    for loss in (mse, scalar_mse, ScaledMSE(scale=2.0, reduction="sum")):
        identity = keras.Sequential([keras.Input((1,)), keras.layers.Identity()])
        identity.compile(loss=loss)
        reported = identity.evaluate(y_pred, y_true, sample_weight=weights, batch_size=4, verbose=0)
        assert keras_loss_value(loss, y_true, y_pred, weights) == pytest.approx(reported, rel=1e-6)
    with pytest.raises(ValueError, match="argument `loss`. Expected a loss function"):
        keras_loss_value("mse", y_true, y_pred)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: check_loss(42), r"argument `fn`. Expected a loss function"),
        (
            lambda: check_loss(mse, inputs="image"),
            r"argument `inputs`. Expected one of \{'regression', 'binary', 'categorical'\}",
        ),
        (lambda: check_loss(mse, batch_size=1), r"argument `batch_size`. Expected an integer >= 2"),
        (lambda: check_loss(mse, rtol=-1), r"argument `rtol`. Expected a number in \[0, inf\]"),
        (lambda: check_loss(mse, inputs="categorical", target_shape=(1,)), r"argument `target_shape`"),
        (
            lambda: check_metric(keras.metrics.Precision(), reference_input="probabilities"),
            r"argument `reference_input`",
        ),
        (
            lambda: check_metric(keras.metrics.Precision(), n_batches=1),
            r"argument `n_batches`. Expected an integer >= 2",
        ),
        (
            lambda: check_metric(keras.metrics.Precision(), threshold=2.0),
            r"argument `threshold`. Expected a number in \[0, 1\]",
        ),
        (lambda: check_metric("precision"), r"argument `metric`. Expected a keras.metrics.Metric"),
    ],
)
def test_calling_the_checker_wrongly_fails_loudly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ----------------------------------------------------------------------------------------
# Metrics


@keras.saving.register_keras_serializable(package="lossviz_tests")
class CountingPrecision(keras.metrics.Metric):
    """Precision from weighted counts: the right way."""

    def __init__(self, threshold=0.5, name="counting_precision", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.threshold = threshold
        self.true_positives = self.add_variable(shape=(), initializer="zeros", name="true_positives")
        self.predicted_positives = self.add_variable(shape=(), initializer="zeros", name="predicted_positives")

    def _counts(self, y_true, y_pred, sample_weight):
        y_true = ops.cast(ops.reshape(y_true, (-1,)), self.dtype)
        predicted = ops.cast(ops.reshape(y_pred, (-1,)) > self.threshold, self.dtype)
        weights = (
            ops.ones_like(y_true) if sample_weight is None else ops.cast(ops.reshape(sample_weight, (-1,)), self.dtype)
        )
        return ops.sum(weights * y_true * predicted), ops.sum(weights * predicted)

    def update_state(self, y_true, y_pred, sample_weight=None):
        true_positives, predicted_positives = self._counts(y_true, y_pred, sample_weight)
        self.true_positives.assign_add(true_positives)
        self.predicted_positives.assign_add(predicted_positives)

    def result(self):
        return ops.divide_no_nan(self.true_positives, self.predicted_positives)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


class ForgetsToReset(CountingPrecision):
    def reset_state(self):
        self.predicted_positives.assign(0.0)  # true_positives keeps counting


class AveragesBatches(CountingPrecision):
    """The blog recipe as a stateful metric: the mean of per-batch precisions."""

    def update_state(self, y_true, y_pred, sample_weight=None):
        true_positives, predicted_positives = self._counts(y_true, y_pred, sample_weight)
        self.true_positives.assign_add(ops.divide_no_nan(true_positives, predicted_positives))
        self.predicted_positives.assign_add(1.0)


class IgnoresWeights(CountingPrecision):
    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(y_true, y_pred)


class NoSampleWeightArgument(CountingPrecision):
    def update_state(self, y_true, y_pred):
        super().update_state(y_true, y_pred)


class ResultInFloat64(CountingPrecision):
    def result(self):
        return ops.cast(super().result(), "float64")


class ForgetsThreshold(CountingPrecision):
    def get_config(self):
        return keras.metrics.Metric.get_config(self)


class UsesNumpy(CountingPrecision):
    def update_state(self, y_true, y_pred, sample_weight=None):
        predicted = (np.asarray(y_pred).reshape(-1) > self.threshold).astype("float32")
        truth = np.asarray(y_true).reshape(-1)
        weights = np.ones_like(truth) if sample_weight is None else np.asarray(sample_weight).reshape(-1)
        self.true_positives.assign_add(float((weights * truth * predicted).sum()))
        self.predicted_positives.assign_add(float((weights * predicted).sum()))


class CountsSamplesNotWeights(keras.metrics.Metric):
    """Mean absolute error whose count ignores the weights (the blog's PercentageError)."""

    def __init__(self, name="counts_samples", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = ops.abs(y_true - y_pred)
        if sample_weight is not None:
            error = error * ops.reshape(ops.cast(sample_weight, error.dtype), (-1, 1))
        self.total.assign_add(ops.sum(error))
        self.count.assign_add(ops.cast(ops.size(y_true), self.dtype))

    def result(self):
        return ops.divide_no_nan(self.total, self.count)


def batchwise_precision(y_true, y_pred):  # the old blog recipe, a stateless function
    predicted = ops.round(y_pred)
    return ops.sum(y_true * predicted) / (ops.sum(predicted) + keras.backend.epsilon())


def test_a_correct_metric_passes_every_check():
    result = check_metric(CountingPrecision(), reference=precision_score, verbose=False)
    assert result, result.report()
    assert [check.code for check in result.checks] == list(METRIC_CHECKS)
    assert all(check.status == "pass" for check in result.checks)


def test_builtin_metrics_pass_against_scikit_learn():
    assert check_metric(keras.metrics.Recall(), reference=recall_score, verbose=False)
    assert check_metric(keras.metrics.F1Score(average=None), inputs="categorical", result_shape=(3,), verbose=False)


BROKEN_METRICS = {
    "reset does not reset": (ForgetsToReset(), {"reset"}),
    "averages per-batch values": (AveragesBatches(), {"batches"}),
    "ignores sample_weight": (IgnoresWeights(), {"sample_weight"}),
    "no sample_weight argument": (NoSampleWeightArgument(), {"sample_weight", "compiled"}),
    "float64 result": (ResultInFloat64(), {"dtype"}),
    "config forgets an argument": (ForgetsThreshold(), {"config"}),
    "numpy in update_state": (UsesNumpy(), {"compiled"}),
    # One update over all the data is right; only batching (and weighting a scalar) is wrong.
    "stateless batch-wise function": (batchwise_precision, {"batches", "sample_weight"}),
}


@functools.cache
def broken_metric_result(case):
    return check_metric(BROKEN_METRICS[case][0], reference=precision_score, verbose=False)


def expected_metric_codes(case):
    """A float64 result() only stays float64 where Keras computes float64 (not JAX)."""
    if case == "float64 result" and not keras_facts.computes_float64():
        return set()
    return set(BROKEN_METRICS[case][1])


@pytest.mark.parametrize("case", BROKEN_METRICS)
def test_each_broken_metric_is_reported_under_its_code(case):
    result = broken_metric_result(case)
    assert bool(result) is (not expected_metric_codes(case))
    assert set(result.codes) == expected_metric_codes(case), result.report()


def test_metric_messages_name_the_problem():
    assert "remembers earlier data" in broken_metric_result("reset does not reset")["reset"].message
    assert "averages per-batch values" in broken_metric_result("averages per-batch values")["batches"].message
    assert "sample_weight is ignored" in broken_metric_result("ignores sample_weight")["sample_weight"].message
    assert "no sample_weight argument" in broken_metric_result("no sample_weight argument")["sample_weight"].message
    assert ("float64" if keras_facts.computes_float64() else "float32") in broken_metric_result("float64 result")[
        "dtype"
    ].message
    assert "one value per sample" in broken_metric_result("stateless batch-wise function")["sample_weight"].message


def test_a_weighted_metric_dividing_by_the_count_is_reported():
    result = check_metric(CountsSamplesNotWeights(), inputs="regression", verbose=False)
    assert result.codes == ["sample_weight"]
    assert check_metric(keras.metrics.MeanAbsoluteError(), inputs="regression", verbose=False)


def test_a_wrong_reference_value_is_reported():
    result = check_metric(CountingPrecision(), reference=recall_score, verbose=False)
    assert result.codes == ["reference"]
    assert "differs from recall_score" in result["reference"].message


def test_reference_receives_thresholded_labels_or_scores():
    seen = {}

    def spy(y_true, y_pred):
        seen["args"] = (y_true, y_pred)
        return precision_score(y_true, (y_pred > 0.5).astype(int))

    check_metric(CountingPrecision(), reference=spy, reference_input="scores", verbose=False)
    y_true, scores = seen["args"]
    assert y_true.shape == scores.shape == (24,) and set(np.unique(y_true)) == {0, 1}
    assert 0 < scores.min() and scores.max() < 1 and len(np.unique(scores)) > 2
    check_metric(CountingPrecision(threshold=0.7), reference=spy, threshold=0.7, verbose=False)
    assert set(np.unique(seen["args"][1])) <= {0, 1}


def test_a_metric_class_is_built_and_a_broken_constructor_reported():
    assert check_metric(CountingPrecision, verbose=False)
    assert check_metric(ForgetsThreshold, verbose=False).codes == ["config"]

    class NeedsThreshold(CountingPrecision):
        def __init__(self, threshold, **kwargs):
            super().__init__(threshold=threshold, **kwargs)

    result = check_metric(NeedsThreshold, verbose=False)
    assert result.codes == ["exception"] and "threshold" in result["exception"].message


# ----------------------------------------------------------------------------------------
# The gradient check on JAX: the backend's own autodiff (jax.grad), in a fresh interpreter


@pytest.mark.skipif(
    __import__("importlib").util.find_spec("jax") is None,
    reason="jax is not installed in this environment; the TensorFlow branch is tested above",
)
def test_the_gradient_check_uses_jax_grad_on_jax():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from keras import ops\n"
        "from lossviz.checks import check_loss\n"
        "good = check_loss(lambda t, p: ops.mean(ops.square(t - p), axis=-1), verbose=False)\n"
        "rounded = check_loss(lambda t, p: ops.mean(ops.square(t - ops.round(p)), axis=-1), verbose=False)\n"
        "print(good['gradient'].status.value, rounded['gradient'].status.value)\n"
    )
    env = {
        **os.environ,
        "KERAS_BACKEND": "jax",
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")]),
    }
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split()[-2:] == ["pass", "fail"]


def test_every_registered_check_is_documented_in_the_package_docstring():
    """The checks register themselves (``@_check(kind, code)``); the docstring that lists
    them for learners is the one list kept by hand, and this keeps it in step."""
    import lossviz.checks as checks
    from lossviz.checks._framework import _REGISTRY

    assert set(_REGISTRY) == {"loss", "metric", "fold_loop"}
    for kind, codes in (("loss", LOSS_CHECKS), ("metric", METRIC_CHECKS), ("fold_loop", checks.FOLD_LOOP_CHECKS)):
        assert codes == tuple(code for code, _ in _REGISTRY[kind])
        for code in codes:
            assert re.search(rf"\b{code}\b", checks.__doc__), (
                f"{kind} check {code!r} is missing from lossviz/checks/__init__.py"
            )
