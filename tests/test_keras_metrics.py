"""Keras's own metrics against lossviz's bucketed twins, and lossviz.keras_metrics against lossviz.metrics."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lossviz import metrics as lv  # noqa: E402
from lossviz.keras_metrics import (  # noqa: E402
    StreamingF1,
    StreamingPrecision,
    StreamingRecall,
    batchwise_f1,
    batchwise_precision,
    batchwise_recall,
)

# Tier (conftest.py): compares with Keras
pytestmark = pytest.mark.keras

RNG = np.random.default_rng(0)


def _scores(n, rng, *, edges=False):
    """Probabilities in [0, 1] correlated with the labels; optionally with exact 0, 1 and grid values."""
    y_true = (rng.random(n) < 0.4).astype(np.float32)
    y_score = (1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y_true)))).astype(np.float32)
    if edges:  # values on the thresholds themselves, where strict '>' matters
        y_score[:8] = [0.0, 1.0, 0.5, 0.25, 0.75, 0.0, 1.0, 1 / 3]
    return y_true, y_score


def keras_result(metric, batches):
    metric.reset_state()
    for batch in batches:
        metric.update_state(*batch)
    return float(metric.result())


CASES = {
    "plain": dict(n=300, edges=False, weighted=False),
    "edges": dict(n=300, edges=True, weighted=False),
    "weighted-edges": dict(n=300, edges=True, weighted=True),
    "tiny": dict(n=12, edges=True, weighted=True),
}


def _case(name):
    spec = CASES[name]
    rng = np.random.default_rng(len(name) + spec["n"])
    y_true, y_score = _scores(spec["n"], rng, edges=spec["edges"])
    weight = rng.integers(0, 4, spec["n"]).astype(np.float32) if spec["weighted"] else None
    return y_true, y_score, weight


# ---------------------------------------------------------------------------
# AUC
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("curve", ["ROC", "PR", "PRGAIN"])
def test_keras_auc_matches_keras_metrics_auc(case, curve):
    y_true, y_score, weight = _case(case)
    settings = [(n, "interpolation") for n in (3, 10, 200, 1000)]
    settings += [(n, method) for n in (7, 200) for method in ("minoring", "majoring")]
    for num_thresholds, summation_method in settings:
        metric = keras.metrics.AUC(num_thresholds=num_thresholds, curve=curve, summation_method=summation_method)
        expected = keras_result(metric, [(y_true, y_score, weight)])
        ours = lv.keras_auc(
                y_true, y_score, num_thresholds=num_thresholds, curve=curve,
                summation_method=summation_method, sample_weight=weight,
            )  # fmt: skip
        assert ours == pytest.approx(expected, abs=1e-6), (num_thresholds, summation_method)


def test_keras_auc_matches_keras_for_multi_column_input_flattened_and_multi_label():
    rng = np.random.default_rng(1)
    y_true = (rng.random((100, 3)) < 0.4).astype(np.float32)
    y_score = rng.random((100, 3)).astype(np.float32) * 0.7 + 0.3 * y_true
    for multi_label in (False, True):
        metric = keras.metrics.AUC(num_thresholds=50, multi_label=multi_label)
        expected = keras_result(metric, [(y_true, y_score)])
        assert lv.keras_auc(y_true, y_score, num_thresholds=50, multi_label=multi_label) == pytest.approx(
            expected, abs=1e-6
        )


def test_keras_auc_matches_keras_from_logits_and_out_of_range_scores():
    rng = np.random.default_rng(2)
    y_true = (rng.random(200) < 0.5).astype(np.float32)
    logits = (rng.normal(size=200) * 3 + y_true).astype(np.float32)
    metric = keras.metrics.AUC(num_thresholds=100, from_logits=True)
    assert lv.keras_auc(y_true, logits, num_thresholds=100, from_logits=True) == pytest.approx(
        keras_result(metric, [(y_true, logits)]), abs=1e-6
    )
    # without from_logits Keras clips the scores into [0, 1]; the twin does too, and warns
    metric = keras.metrics.AUC(num_thresholds=100)
    with pytest.warns(UserWarning, match=r"^y_score: expected probabilities in \[0, 1\].*Keras clips them to \[0, 1\]"):
        ours = lv.keras_auc(y_true, logits, num_thresholds=100)
    assert ours == pytest.approx(keras_result(metric, [(y_true, logits)]), abs=1e-6)


def test_keras_auc_over_batches_equals_one_call_on_all_samples():
    y_true, y_score, weight = _case("weighted-edges")
    metric = keras.metrics.AUC(num_thresholds=37)
    batches = [(y_true[i : i + 64], y_score[i : i + 64], weight[i : i + 64]) for i in range(0, len(y_true), 64)]
    assert lv.keras_auc(y_true, y_score, num_thresholds=37, sample_weight=weight) == pytest.approx(
        keras_result(metric, batches), abs=1e-6
    )


def test_keras_auc_differs_from_the_exact_auc_that_lossviz_computes():
    rng = np.random.default_rng(3)
    y_true = (rng.random(2000) < 0.3).astype(np.float32)
    y_score = (rng.random(2000) ** (2 - y_true)).astype(np.float32)  # crowded near 0
    keras_value = keras_result(keras.metrics.AUC(num_thresholds=10), [(y_true, y_score)])
    exact = lv.roc_auc_score(y_true, y_score)
    assert lv.keras_auc(y_true, y_score, num_thresholds=10) == pytest.approx(keras_value, abs=1e-6)
    assert abs(keras_value - exact) > 1e-3


# ---------------------------------------------------------------------------
# PrecisionAtRecall and friends
# ---------------------------------------------------------------------------

THRESHOLD_METRICS = {
    "precision_at_recall": (keras.metrics.PrecisionAtRecall, "recall"),
    "recall_at_precision": (keras.metrics.RecallAtPrecision, "precision"),
    "sensitivity_at_specificity": (keras.metrics.SensitivityAtSpecificity, "specificity"),
    "specificity_at_sensitivity": (keras.metrics.SpecificityAtSensitivity, "sensitivity"),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("name", list(THRESHOLD_METRICS))
def test_bucketed_threshold_metrics_match_keras(name, case):
    keras_class, _ = THRESHOLD_METRICS[name]
    y_true, y_score, weight = _case(case)
    settings = [(1, 0.3), (2, 0.7), (5, 0.0), (5, 0.5), (5, 1.0), (200, 0.3), (200, 0.8), (200, 0.95)]
    for num_thresholds, target in settings:
        expected = keras_result(keras_class(target, num_thresholds=num_thresholds), [(y_true, y_score, weight)])
        ours = getattr(lv, name)(y_true, y_score, target, num_thresholds=num_thresholds, sample_weight=weight)
        assert ours == pytest.approx(expected, abs=1e-6), (num_thresholds, target)


def test_exact_threshold_metric_is_the_limit_of_keras_buckets():
    """On scores from a grid of 1/100, Keras's 101 thresholds see every distinct score."""
    rng = np.random.default_rng(4)
    y_true = (rng.random(400) < 0.4).astype(np.float32)
    y_score = np.clip(np.round(rng.random(400) * 0.8 + 0.2 * y_true, 2), 0.01, 1.0).astype(np.float32)
    for name in THRESHOLD_METRICS:
        exact = getattr(lv, name)(y_true, y_score, 0.6)
        bucketed = getattr(lv, name)(y_true, y_score, 0.6, num_thresholds=101)
        keras_value = keras_result(THRESHOLD_METRICS[name][0](0.6, num_thresholds=101), [(y_true, y_score)])
        assert bucketed == pytest.approx(keras_value, abs=1e-6)
        assert exact == pytest.approx(keras_value, abs=1e-6), name


# ---------------------------------------------------------------------------
# Precision and Recall (thresholds 0.5) against lossviz.metrics on labels
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_keras_precision_and_recall_match_the_label_metrics(case):
    y_true, y_score, weight = _case(case)
    predicted = (y_score > 0.5).astype(int)  # Keras: strictly above the threshold
    for keras_class, ours in ((keras.metrics.Precision, lv.precision_score), (keras.metrics.Recall, lv.recall_score)):
        expected = keras_result(keras_class(), [(y_true, y_score, weight)])
        assert ours(y_true, predicted, sample_weight=weight, zero_division=0.0) == pytest.approx(expected, abs=1e-6)


# ---------------------------------------------------------------------------
# lossviz.keras_metrics
# ---------------------------------------------------------------------------


def _batches(rng, sizes, *, weighted):
    batches = []
    for size in sizes:
        y_true = (rng.random((size, 1)) < 0.35).astype(np.float32)
        y_score = rng.random((size, 1)).astype(np.float32) * 0.8 + 0.2 * y_true
        weight = rng.uniform(0, 2, size).astype(np.float32) if weighted else None
        batches.append((y_true, y_score, weight))
    batches.append(
        (
            np.zeros((5, 1), np.float32),
            np.full((5, 1), 0.2, np.float32),
            None if not weighted else np.ones(5, np.float32),
        )
    )
    return batches


STREAMING = {
    StreamingPrecision: lv.precision_score,
    StreamingRecall: lv.recall_score,
    StreamingF1: lv.f1_score,
}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("metric_class", list(STREAMING), ids=lambda c: c.__name__)
def test_streaming_metrics_equal_the_metric_of_all_samples(metric_class, weighted):
    rng = np.random.default_rng(5)
    batches = _batches(rng, [32, 32, 7, 50], weighted=weighted)
    y_true = np.concatenate([b[0] for b in batches]).ravel()
    y_score = np.concatenate([b[1] for b in batches]).ravel()
    weight = np.concatenate([b[2] for b in batches]) if weighted else None
    for threshold in (0.5, 0.3):
        streamed = keras_result(metric_class(threshold=threshold), batches)
        expected = STREAMING[metric_class](
            y_true, (y_score > threshold).astype(int), sample_weight=weight, zero_division=0.0
        )
        assert streamed == pytest.approx(expected, abs=1e-6)


def test_streaming_metrics_reset_and_serialise_their_threshold():
    metric = StreamingF1(threshold=0.3, name="f1_at_0.3")
    metric.update_state([1, 0, 1], [0.9, 0.4, 0.1])
    assert float(metric.result()) == pytest.approx(0.5)
    metric.reset_state()
    assert float(metric.result()) == 0.0
    assert all(float(v) == 0.0 for v in metric.variables)
    config = metric.get_config()
    assert config["threshold"] == 0.3 and config["name"] == "f1_at_0.3"
    clone = StreamingF1.from_config(config)
    assert clone.threshold == 0.3
    assert keras.saving.get_registered_name(StreamingF1) == "lossviz>StreamingF1"
    with pytest.raises(ValueError, match=r"argument `threshold`.*\[0, 1\].*Received: threshold=1.5"):
        StreamingRecall(threshold=1.5)


def _tiny_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer="sgd",
        loss="binary_crossentropy",
        metrics=[
            StreamingPrecision(name="streaming_precision"),
            StreamingRecall(name="streaming_recall"),
            StreamingF1(name="streaming_f1"),
            batchwise_precision,
            batchwise_recall,
            batchwise_f1,
        ],
    )
    return model


def test_model_logs_streaming_values_exactly_and_batchwise_values_as_batch_means(tmp_path):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(200, 4)).astype(np.float32)
    y = ((x[:, 0] + 0.8 * rng.normal(size=200)) > 1.0).astype(np.float32).reshape(-1, 1)  # ~20 % positive
    model = _tiny_model()
    logs = model.evaluate(x, y, batch_size=16, return_dict=True, verbose=0)
    y_prob = model.predict(x, batch_size=16, verbose=0)
    predicted = (y_prob > 0.5).astype(int)
    for key, metric in (
        ("streaming_precision", lv.precision_score),
        ("streaming_recall", lv.recall_score),
        ("streaming_f1", lv.f1_score),
    ):
        assert logs[key] == pytest.approx(metric(y, predicted, zero_division=0.0), abs=1e-5), key
    for key, metric in (
        ("batchwise_precision", lv.precision_score),
        ("batchwise_recall", lv.recall_score),
        ("batchwise_f1", lv.f1_score),
    ):

        def per_batch(t, p, metric=metric):
            return metric(t, (p > 0.5).astype(int), zero_division=0.0)

        assert logs[key] == pytest.approx(lv.batch_averaged(per_batch, y, y_prob, 16), abs=1e-5), key
    # the recipe is wrong: its logged recall is not the recall of the epoch
    assert abs(logs["batchwise_recall"] - logs["streaming_recall"]) > 0.01

    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)  # no custom_objects: the classes are registered
    reloaded_logs = loaded.evaluate(x, y, batch_size=16, return_dict=True, verbose=0)
    for key in logs:
        assert reloaded_logs[key] == pytest.approx(logs[key], abs=1e-6), key
    compiled = [metric for container in loaded.metrics for metric in getattr(container, "metrics", [])]
    assert {type(metric) for metric in compiled} >= {StreamingPrecision, StreamingRecall, StreamingF1}
    assert all(metric.threshold == 0.5 for metric in compiled if isinstance(metric, StreamingF1))


def test_batchwise_recipe_matches_its_numpy_twin_batch_by_batch():
    rng = np.random.default_rng(7)
    for _ in range(5):
        y_true = (rng.random(24) < 0.3).astype(np.float32)
        y_score = rng.random(24).astype(np.float32)
        y_score[:2] = [0.5, 0.5000001]  # round(0.5) is 0: the recipe's threshold is strict
        predicted = (y_score > 0.5).astype(int)
        expected = (
            lv.precision_score(y_true, predicted, zero_division=0.0),
            lv.recall_score(y_true, predicted, zero_division=0.0),
            lv.f1_score(y_true, predicted, zero_division=0.0),
        )
        values = [float(f(y_true, y_score)) for f in (batchwise_precision, batchwise_recall, batchwise_f1)]
        np.testing.assert_allclose(values, expected, atol=1e-6)
