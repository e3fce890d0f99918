"""Input Keras's threshold metrics accept although it is almost surely a mistake: the
lossviz twins return Keras's number and warn, naming the argument, what was expected
and what Keras did with it.

Keras casts labels to bool (so -1, 0.5 and 2 are positives), clips scores to [0, 1]
before bucketing them, adds negative weights to its counts as they are, and aligns a
trailing axis of size 1. Each case is built on purpose and compared with the Keras
metric class on the backend KERAS_BACKEND names.
"""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import metrics as lv
from lossviz._validation import import_keras

# Tier (conftest.py): compares with Keras
pytestmark = pytest.mark.keras

keras = import_keras()

rng = np.random.default_rng(0)
LABELS = rng.integers(0, 2, 60).astype("float32")
SCORES = rng.random(60).astype("float32")
WEIGHTS = np.where(np.arange(60) % 7 == 0, -1.0, 1.0).astype("float32")

METRICS = [
    pytest.param(lambda: keras.metrics.PrecisionAtRecall(0.5, num_thresholds=50),
                 lambda t, s, w: lv.precision_at_recall(t, s, 0.5, num_thresholds=50, sample_weight=w), id="precision_at_recall"),
    pytest.param(lambda: keras.metrics.RecallAtPrecision(0.5, num_thresholds=50),
                 lambda t, s, w: lv.recall_at_precision(t, s, 0.5, num_thresholds=50, sample_weight=w), id="recall_at_precision"),
    pytest.param(lambda: keras.metrics.SensitivityAtSpecificity(0.5, num_thresholds=50),
                 lambda t, s, w: lv.sensitivity_at_specificity(t, s, 0.5, num_thresholds=50, sample_weight=w),
                 id="sensitivity_at_specificity"),
    pytest.param(lambda: keras.metrics.SpecificityAtSensitivity(0.5, num_thresholds=50),
                 lambda t, s, w: lv.specificity_at_sensitivity(t, s, 0.5, num_thresholds=50, sample_weight=w),
                 id="specificity_at_sensitivity"),
    pytest.param(lambda: keras.metrics.AUC(), lambda t, s, w: lv.keras_auc(t, s, sample_weight=w), id="auc-roc"),
    pytest.param(lambda: keras.metrics.AUC(curve="PR"), lambda t, s, w: lv.keras_auc(t, s, curve="PR", sample_weight=w),
                 id="auc-pr"),
]  # fmt: skip

CASES = [
    pytest.param(LABELS * 0.5, SCORES, None, r"^y_true: expected binary labels 0 and 1; got \[0\.0, 0\.5\]\. Keras casts labels to bool",
                 id="soft-labels"),
    pytest.param(LABELS * 2 - 1, SCORES, None, r"^y_true: expected binary labels 0 and 1; got \[-1\.0, 1\.0\]\. .*-1 and 0\.5 included",
                 id="minus-one-plus-one"),
    pytest.param(LABELS * 2, SCORES, None, r"^y_true: expected binary labels 0 and 1; got \[0\.0, 2\.0\]", id="labels-0-2"),
    pytest.param(LABELS, SCORES * 3 - 1, None, r"^y_score: expected probabilities in \[0, 1\]; got values from -0\.\d+ to 1\.\d+\. Keras clips them",
                 id="scores-outside-0-1"),
    pytest.param(LABELS, SCORES, WEIGHTS, r"^sample_weight: expected non-negative weights; got values down to -1\. Keras adds them",
                 id="negative-weights"),
]  # fmt: skip


def _keras(make, y_true, y_score, sample_weight):
    metric = make()
    metric.update_state(y_true, y_score, sample_weight=sample_weight)
    return float(metric.result())


@pytest.mark.parametrize(("make_keras", "twin"), METRICS)
@pytest.mark.parametrize(("y_true", "y_score", "sample_weight", "pattern"), CASES)
def test_twin_returns_keras_value_and_warns(make_keras, twin, y_true, y_score, sample_weight, pattern):
    expected = _keras(make_keras, y_true, y_score, sample_weight)
    with pytest.warns(UserWarning, match=pattern) as record:
        ours = twin(y_true, y_score, sample_weight)
    assert all(warning.filename == __file__ for warning in record)
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("make_keras", "twin"), METRICS)
def test_a_trailing_axis_of_size_1_is_aligned_as_keras_aligns_it(make_keras, twin):
    expected = _keras(make_keras, LABELS[:, None], SCORES, None)
    np.testing.assert_allclose(twin(LABELS[:, None], SCORES, None), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(twin(LABELS, SCORES[:, None], None), expected, rtol=1e-5, atol=1e-6)


def test_labels_cast_to_bool_equal_their_0_1_version():
    """What the warning says Keras does, computed: -1/+1 labels are all positives."""
    with pytest.warns(UserWarning, match="y_true: expected binary labels"):
        signed = lv.keras_auc(LABELS * 2 - 1, SCORES, curve="PR")
    assert signed == lv.keras_auc(np.ones_like(LABELS), SCORES, curve="PR")


def test_exact_mode_and_logits_do_not_warn_about_scores():
    """Only Keras's bucketed counting clips scores; exact thresholds and logits need no clip."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lv.precision_at_recall(LABELS, SCORES * 3 - 1, 0.5)
        lv.keras_auc(LABELS, SCORES * 6 - 3, from_logits=True)
