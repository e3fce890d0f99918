"""Properties every correct AUC (and friends) must have, checked with hypothesis."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lossviz import metrics as lv

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def binary_problems(draw, *, grid=False, min_size=2, max_size=40):
    """Labels with both classes, scores with (often) ties, optional positive weights.

    With ``grid`` the scores are multiples of 1/64 in [0, 1], so 1 - score is exact.
    """
    n = draw(st.integers(min_size, max_size))
    y_true = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    y_true[0], y_true[1] = 0, 1
    if grid:
        scores = np.array(draw(st.lists(st.integers(0, 64), min_size=n, max_size=n))) / 64.0
    else:
        scores = np.array(draw(st.lists(st.integers(-20, 20), min_size=n, max_size=n)), dtype=np.float64)
    weighted = draw(st.booleans())
    weight = np.array(draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)), dtype=np.float64) if weighted else None
    return y_true, scores, weight


@SETTINGS
@given(binary_problems())
def test_auc_and_average_precision_lie_in_the_unit_interval(problem):
    y_true, scores, weight = problem
    assert 0.0 <= lv.roc_auc_score(y_true, scores, sample_weight=weight) <= 1.0
    assert 0.0 <= lv.average_precision_score(y_true, scores, sample_weight=weight) <= 1.0
    assert 0.0 <= lv.keras_auc(y_true, (scores + 20) / 40, sample_weight=weight) <= 1.0 + 1e-12


@SETTINGS
@given(binary_problems(), st.sampled_from(["affine", "exp", "cube", "arctan", "logistic"]))
def test_auc_is_invariant_under_strictly_increasing_transforms(problem, transform):
    y_true, scores, weight = problem
    transformed = {
        "affine": 3.0 * scores + 1.0,
        "exp": np.exp(scores / 4.0),
        "cube": scores**3,
        "arctan": np.arctan(scores),
        "logistic": 1.0 / (1.0 + np.exp(-scores / 3.0)),
    }[transform]
    for metric in (lv.roc_auc_score, lv.average_precision_score):
        assert metric(y_true, transformed, sample_weight=weight) == pytest.approx(
            metric(y_true, scores, sample_weight=weight), abs=1e-12
        )


@SETTINGS
@given(binary_problems(grid=True))
def test_auc_of_reversed_scores_is_one_minus_auc(problem):
    y_true, scores, weight = problem
    auc = lv.roc_auc_score(y_true, scores, sample_weight=weight)
    assert lv.roc_auc_score(y_true, 1.0 - scores, sample_weight=weight) == pytest.approx(1.0 - auc, abs=1e-12)
    # swapping the classes instead reverses the ranking the same way
    assert lv.roc_auc_score(1 - y_true, scores, sample_weight=weight) == pytest.approx(1.0 - auc, abs=1e-12)


@SETTINGS
@given(binary_problems(grid=True), st.sampled_from([1, 2, 4, 8, 16, 32, 64]), st.booleans())
def test_keras_auc_is_the_exact_auc_of_the_bucket_indices(problem, bucket_width, reverse):
    """Keras's ROC AUC treats all scores in one bucket as tied, and nothing else.

    On the 1/64 grid with num_thresholds = 64 / width + 1, the score k/64 falls in
    bucket max(ceil(k / width) - 1, 0): the first bucket also holds 0, because the
    first threshold is -eps. The exact AUC of those bucket indices is Keras's AUC.
    """
    y_true, scores, weight = problem
    if reverse:
        scores = 1.0 - scores
    bucket = np.maximum(np.ceil(np.round(scores * 64) / bucket_width) - 1, 0)
    bucketed = lv.keras_auc(y_true, scores, num_thresholds=64 // bucket_width + 1, sample_weight=weight)
    assert bucketed == pytest.approx(lv.roc_auc_score(y_true, bucket, sample_weight=weight), abs=1e-12)


@SETTINGS
@given(binary_problems(), st.randoms(use_true_random=False))
def test_metrics_do_not_depend_on_sample_order(problem, random):
    y_true, scores, weight = problem
    order = np.array(random.sample(range(len(y_true)), len(y_true)))
    shuffled_weight = None if weight is None else weight[order]
    for metric in (lv.roc_auc_score, lv.average_precision_score):
        assert metric(y_true[order], scores[order], sample_weight=shuffled_weight) == pytest.approx(
            metric(y_true, scores, sample_weight=weight), abs=1e-12
        )
    for metric in (lv.precision_at_recall, lv.sensitivity_at_specificity):
        assert metric(y_true[order], scores[order], 0.5, sample_weight=shuffled_weight) == pytest.approx(
            metric(y_true, scores, 0.5, sample_weight=weight), abs=1e-12
        )


@SETTINGS
@given(binary_problems())
def test_integer_weights_equal_repeated_samples(problem):
    y_true, scores, weight = problem
    weight = np.ones(len(y_true)) if weight is None else weight
    repeats = weight.astype(int)
    y_repeated, scores_repeated = np.repeat(y_true, repeats), np.repeat(scores, repeats)
    for metric in (lv.roc_auc_score, lv.average_precision_score):
        assert metric(y_true, scores, sample_weight=weight) == pytest.approx(
            metric(y_repeated, scores_repeated), abs=1e-12
        )
    predicted = (scores > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for metric in (lv.precision_score, lv.recall_score, lv.f1_score, lv.specificity_score):
            assert metric(y_true, predicted, sample_weight=weight) == pytest.approx(
                metric(y_repeated, (scores_repeated > 0).astype(int)), abs=1e-12
            )


@SETTINGS
@given(binary_problems())
def test_threshold_metrics_lie_in_the_unit_interval_and_meet_their_constraint(problem):
    y_true, scores, weight = problem
    for target in (0.0, 0.5, 0.9):
        value, threshold = lv.precision_at_recall(y_true, scores, target, sample_weight=weight, return_threshold=True)
        assert 0.0 <= value <= 1.0
        if threshold is not None:
            predicted = (scores >= threshold).astype(int)
            assert lv.recall_score(y_true, predicted, sample_weight=weight) >= target - 1e-12
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                assert lv.precision_score(y_true, predicted, sample_weight=weight, zero_division=0.0) == pytest.approx(
                    value
                )


@SETTINGS
@given(binary_problems(grid=True))
def test_precision_recall_f1_stay_in_the_unit_interval(problem):
    y_true, scores, weight = problem
    predicted = (scores >= 0.5).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, r, f, _ = lv.precision_recall_fscore_support(y_true, predicted, sample_weight=weight, average="binary")
    assert 0.0 <= min(p, r, f) and max(p, r, f) <= 1.0
    assert min(p, r) - 1e-12 <= f <= max(p, r) + 1e-12  # a harmonic mean lies between its terms


# ---------------------------------------------------------------------------
# Calibration and imbalance-proof scores
# ---------------------------------------------------------------------------


@SETTINGS
@given(binary_problems(grid=True), st.randoms(use_true_random=False))
def test_probability_scores_lie_in_range_and_do_not_depend_on_sample_order(problem, random):
    y_true, probability, weight = problem
    order = np.array(random.sample(range(len(y_true)), len(y_true)))
    shuffled_weight = None if weight is None else weight[order]
    for strategy in ("uniform", "quantile"):
        ece = lv.expected_calibration_error(y_true, probability, strategy=strategy, sample_weight=weight)
        assert 0.0 <= ece <= 1.0
        shuffled = lv.expected_calibration_error(
            y_true[order], probability[order], strategy=strategy, sample_weight=shuffled_weight
        )
        assert shuffled == pytest.approx(ece, abs=1e-12)
    assert 0.0 <= lv.brier_score_loss(y_true, probability, sample_weight=weight) <= 1.0
    assert 0.0 <= lv.log_loss(y_true, probability, sample_weight=weight) <= -np.log(np.finfo(float).eps)
    for metric in (lv.brier_score_loss, lv.log_loss):
        assert metric(y_true[order], probability[order], sample_weight=shuffled_weight) == pytest.approx(
            metric(y_true, probability, sample_weight=weight), abs=1e-12
        )


@SETTINGS
@given(binary_problems(grid=True))
def test_calibration_scores_with_integer_weights_equal_repeated_samples(problem):
    y_true, probability, weight = problem
    weight = np.ones(len(y_true)) if weight is None else weight
    repeats = weight.astype(int)
    y_repeated, probability_repeated = np.repeat(y_true, repeats), np.repeat(probability, repeats)
    for metric in (lv.brier_score_loss, lv.log_loss, lv.expected_calibration_error):
        assert metric(y_true, probability, sample_weight=weight) == pytest.approx(
            metric(y_repeated, probability_repeated), abs=1e-12
        )
    predicted = (probability >= 0.5).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for metric in (lv.matthews_corrcoef, lv.balanced_accuracy_score):
            assert metric(y_true, predicted, sample_weight=weight) == pytest.approx(
                metric(y_repeated, (probability_repeated >= 0.5).astype(int)), abs=1e-12
            )


@SETTINGS
@given(binary_problems(grid=True))
def test_mcc_and_balanced_accuracy_stay_in_range_and_mcc_is_symmetric(problem):
    y_true, probability, weight = problem
    predicted = (probability >= 0.5).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mcc = lv.matthews_corrcoef(y_true, predicted, sample_weight=weight)
        assert -1.0 - 1e-12 <= mcc <= 1.0 + 1e-12
        assert lv.matthews_corrcoef(predicted, y_true, sample_weight=weight) == pytest.approx(mcc, abs=1e-12)
        assert lv.matthews_corrcoef(y_true, 1 - predicted, sample_weight=weight) == pytest.approx(-mcc, abs=1e-12)
        assert 0.0 <= lv.balanced_accuracy_score(y_true, predicted, sample_weight=weight) <= 1.0
    assert lv.matthews_corrcoef(y_true, y_true) == pytest.approx(1.0)
    assert lv.balanced_accuracy_score(y_true, y_true, adjusted=True) == pytest.approx(1.0)


@SETTINGS
@given(st.integers(1, 63))
def test_brier_and_log_loss_are_proper_the_true_probability_minimises_their_expectation(numerator):
    """E_y[score(y, q)] for y ~ Bernoulli(pi) is the weighted score of [1, 0] with weights [pi, 1 - pi]."""
    true_probability = numerator / 64
    candidates = np.arange(1, 64) / 64
    for metric in (lv.brier_score_loss, lv.log_loss):
        expected = [metric([1, 0], [q, q], sample_weight=[true_probability, 1 - true_probability]) for q in candidates]
        assert candidates[int(np.argmin(expected))] == true_probability
