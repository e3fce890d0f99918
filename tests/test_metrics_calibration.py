"""lossviz.metrics.calibration against the installed scikit-learn, and ECE against a direct loop.

As in tests/test_metrics.py, each comparison runs both implementations on the same
named input and demands the same outcome: the value, whether a ValueError is raised,
and whether a UserWarning is emitted.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import calibration as sk_calibration
from sklearn import metrics as sk
from test_metrics import outcome

from lossviz import metrics as lv

SKLEARN = {
    "brier_score_loss": sk.brier_score_loss,
    "log_loss": sk.log_loss,
    "calibration_curve": sk_calibration.calibration_curve,
    "matthews_corrcoef": sk.matthews_corrcoef,
    "balanced_accuracy_score": sk.balanced_accuracy_score,
}


def assert_same_behaviour(name, *args, **kwargs):
    ours, ours_raised, ours_warned = outcome(getattr(lv, name), *args, warning="UserWarning", **kwargs)
    theirs, theirs_raised, theirs_warned = outcome(SKLEARN[name], *args, warning="UserWarning", **kwargs)
    context = f"{name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
    assert ours_raised == theirs_raised, f"{context}: ValueError lossviz={ours_raised} sklearn={theirs_raised}"
    assert bool(ours_warned) == bool(theirs_warned), f"{context}: warnings {ours_warned} vs {theirs_warned}"
    if not theirs_raised:
        if isinstance(theirs, tuple):
            assert len(ours) == len(theirs)
            for mine, reference in zip(ours, theirs):
                np.testing.assert_allclose(mine, reference, rtol=1e-12, atol=1e-15, err_msg=context)
        else:
            assert isinstance(ours, float), context
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15, err_msg=context)
    return ours_raised


RNG = np.random.default_rng(28)


def _binary(n, rate, *, dtype=np.float64, labels=(0, 1), sharp=1.5):
    y = (RNG.random(n) < rate).astype(int)
    y[:2] = [0, 1]
    p = 1 / (1 + np.exp(-(RNG.normal(size=n) + sharp * (2 * y - 1))))
    return np.asarray(labels)[y], p.astype(dtype)


def _multiclass(n, classes, *, dtype=np.float64):
    y = RNG.integers(0, classes, n)
    y[:classes] = np.arange(classes)
    logits = RNG.normal(size=(n, classes)) + 2 * np.eye(classes)[y]
    return y, (np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)).astype(dtype)


WEIGHT_60 = RNG.uniform(0.1, 3.0, 60)
PROBA_CASES = {
    "binary": _binary(60, 0.4),
    "imbalanced": _binary(300, 0.04),
    "float32": _binary(80, 0.3, dtype=np.float32),
    "minus-one-one": _binary(40, 0.5, labels=(-1, 1)),
    "gapped-ints": _binary(40, 0.5, labels=(3, 7)),
    "strings": _binary(40, 0.5, labels=("ham", "spam")),
    "one-class": (np.zeros(10, int), RNG.random(10)),
    "exact-zero-one": (np.array([0, 1, 1, 0, 1]), np.array([0.0, 1.0, 1.0, 1.0, 0.0])),
    "integer-proba": (np.array([0, 1, 1, 0]), np.array([0, 1, 1, 1])),
    "above-one": (np.array([0, 1, 1]), np.array([0.2, 1.2, 0.5])),
    "below-zero": (np.array([0, 1, 1]), np.array([-0.1, 0.7, 0.5])),
    "three-classes-1d": (np.array([0, 1, 2, 1]), np.array([0.2, 0.4, 0.9, 0.5])),
    "length": (np.array([0, 1, 1]), np.array([0.2, 0.4])),
    "on-bin-edges": ((RNG.random(64) < 0.5).astype(int), RNG.integers(0, 9, 64) / 8),  # multiples of 1/8
}
MULTI_CASES = {
    "three": _multiclass(90, 3),
    "four-float32": _multiclass(50, 4, dtype=np.float32),
    "two-columns": _multiclass(30, 2),
    "strings": (
        np.array(["a", "c", "b", "a"]),
        np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.2, 0.6, 0.2], [0.5, 0.3, 0.2]]),
    ),
    "not-summing": (np.array([0, 1, 2]), np.array([[0.5, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]])),
    "column-mismatch": (np.array([0, 1, 2, 1]), np.full((4, 2), 0.5)),
    "missing-class": (np.array([0, 2, 2, 0]), np.full((4, 3), 1 / 3)),
}


@pytest.mark.parametrize("case", PROBA_CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_brier_and_log_loss_of_1d_probabilities_match_sklearn(case, weighted):
    y_true, y_proba = PROBA_CASES[case]
    weight = RNG.uniform(0.1, 3.0, len(y_true)) if weighted and len(y_true) == len(y_proba) else None
    for pos_label in (None, y_true[-1]):
        assert_same_behaviour("brier_score_loss", y_true, y_proba, sample_weight=weight, pos_label=pos_label)
    for normalize in (True, False):
        assert_same_behaviour("log_loss", y_true, y_proba, sample_weight=weight, normalize=normalize)
    assert_same_behaviour("brier_score_loss", y_true, y_proba.reshape(-1, 1), scale_by_half=False)


@pytest.mark.parametrize("case", MULTI_CASES)
def test_brier_and_log_loss_of_class_columns_match_sklearn(case):
    y_true, y_proba = MULTI_CASES[case]
    weight = RNG.uniform(0.1, 3.0, len(y_true))
    classes = np.unique(y_true).tolist()
    all_labels = sorted(set(classes) | set(range(y_proba.shape[1]))) if y_true.dtype.kind != "U" else None
    for kwargs in ({}, {"sample_weight": weight}, {"labels": all_labels}, {"labels": classes[::-1]}):
        assert_same_behaviour("log_loss", y_true, y_proba, **kwargs)
        for scale_by_half in ("auto", True, False):
            assert_same_behaviour("brier_score_loss", y_true, y_proba, scale_by_half=scale_by_half, **kwargs)


def test_log_loss_clips_at_the_dtype_epsilon():
    for dtype in (np.float64, np.float32):
        y_true, y_proba = np.array([0, 1]), np.array([1.0, 1.0], dtype=dtype)
        assert lv.log_loss(y_true, y_proba) == pytest.approx(-np.log(np.finfo(dtype).eps) / 2, rel=1e-6)
        assert_same_behaviour("log_loss", y_true, y_proba)


@pytest.mark.parametrize("case", PROBA_CASES)
@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_calibration_curve_matches_sklearn(case, strategy):
    y_true, y_prob = PROBA_CASES[case]
    for n_bins in (1, 3, 5, 10):
        for pos_label in (None, y_true[-1]):
            assert_same_behaviour(
                "calibration_curve", y_true, y_prob, n_bins=n_bins, strategy=strategy, pos_label=pos_label
            )


def _label_pairs():
    cases = {}
    for classes in (2, 3, 5):
        y = RNG.integers(0, classes, 70)
        cases[f"classes-{classes}"] = (y, np.where(RNG.random(70) < 0.6, y, RNG.integers(0, classes, 70)))
    y = (RNG.random(200) < 0.05).astype(int)
    cases["majority-only"] = (y, np.zeros(200, int))
    cases["one-label"] = (np.ones(6, int), np.ones(6, int))
    cases["pred-has-extra-class"] = (np.array([0, 0, 1, 1]), np.array([0, 2, 1, 1]))
    cases["strings"] = (RNG.choice(["x", "y", "z"], 30), RNG.choice(["x", "y", "z"], 30))
    cases["inverse"] = (np.array([0, 1, 0, 1]), np.array([1, 0, 1, 0]))
    cases["multilabel"] = (np.eye(3, dtype=int), np.eye(3, dtype=int))
    cases["continuous"] = (np.array([0, 1, 1]), np.array([0.2, 0.7, 0.9]))
    return cases


LABEL_PAIRS = _label_pairs()


@pytest.mark.parametrize("case", LABEL_PAIRS)
def test_mcc_and_balanced_accuracy_match_sklearn(case):
    y_true, y_pred = LABEL_PAIRS[case]
    for weight in (None, RNG.uniform(0.1, 3.0, len(y_true)), RNG.integers(1, 4, len(y_true))):
        assert_same_behaviour("matthews_corrcoef", y_true, y_pred, sample_weight=weight)
        for adjusted in (False, True):
            assert_same_behaviour("balanced_accuracy_score", y_true, y_pred, sample_weight=weight, adjusted=adjusted)


def test_the_majority_class_scores_zero_mcc_and_chance_balanced_accuracy():
    y_true, y_pred = LABEL_PAIRS["majority-only"]
    assert lv.accuracy_score(y_true, y_pred) > 0.9
    assert lv.matthews_corrcoef(y_true, y_pred) == 0.0
    assert lv.balanced_accuracy_score(y_true, y_pred) == 0.5
    assert lv.balanced_accuracy_score(y_true, y_pred, adjusted=True) == 0.0


# ---------------------------------------------------------------------------
# Expected calibration error: its definition, written out as a loop
# ---------------------------------------------------------------------------


def ece_by_loop(y_true, y_prob, n_bins, strategy, sample_weight=None):
    """The docstring's definition, sample by sample: bin b holds e_(b-1) < p <= e_b, bin 0 also p = e_0."""
    weights = [1.0] * len(y_prob) if sample_weight is None else [float(w) for w in sample_weight]
    if strategy == "uniform":
        edges = [b / n_bins for b in range(n_bins + 1)]
    else:
        edges = [float(e) for e in np.percentile(y_prob, np.linspace(0, 1, n_bins + 1) * 100)]
    y_prob = [float(p) for p in y_prob]  # Python floats: float32 scalars would keep float32 arithmetic
    total = 0.0
    for b in range(n_bins):
        members = [
            i for i, p in enumerate(y_prob) if (b == 0 or p > edges[b]) and (b == n_bins - 1 or p <= edges[b + 1])
        ]
        bin_weight = sum(weights[i] for i in members)
        if bin_weight == 0:
            continue
        accuracy = sum(weights[i] * (y_true[i] == 1) for i in members) / bin_weight
        confidence = sum(weights[i] * p for i, p in enumerate(y_prob) if i in members) / bin_weight
        total += bin_weight * abs(accuracy - confidence)
    return total / sum(weights)


@pytest.mark.parametrize("case", ["binary", "imbalanced", "float32", "minus-one-one", "exact-zero-one", "on-bin-edges"])
@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [1, 4, 10])
def test_ece_equals_its_definition_as_a_loop(case, strategy, n_bins):
    y_true, y_prob = PROBA_CASES[case]
    for weight in (None, RNG.uniform(0.1, 3.0, len(y_true))):
        ours = lv.expected_calibration_error(y_true, y_prob, n_bins=n_bins, strategy=strategy, sample_weight=weight)
        assert ours == pytest.approx(ece_by_loop(y_true, y_prob, n_bins, strategy, weight), rel=1e-9, abs=1e-12)


def test_ece_on_probabilities_at_bin_edges():
    """p = 0.5 with two uniform bins lies in the first bin, as calibration_curve puts it."""
    y_true, y_prob = np.array([1, 0]), np.array([0.5, 1.0])
    # first bin: |1 - 0.5|; second bin: |0 - 1.0|; the other rule would pool them: |1 - 1.5|
    assert lv.expected_calibration_error(y_true, y_prob, n_bins=2) == pytest.approx((0.5 + 1.0) / 2)
    assert ece_by_loop(y_true, y_prob, 2, "uniform") == pytest.approx((0.5 + 1.0) / 2)
    assert lv.expected_calibration_error([0, 1], [0.5, 0.5], n_bins=2) == 0.0


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_ece_is_the_count_weighted_gap_of_sklearns_calibration_curve(strategy):
    y_true, y_prob = PROBA_CASES["imbalanced"]
    prob_true, prob_pred = sk_calibration.calibration_curve(y_true, y_prob, n_bins=8, strategy=strategy)
    edges = np.linspace(0, 1, 9) if strategy == "uniform" else np.percentile(y_prob, np.linspace(0, 100, 9))
    counts = np.bincount(np.searchsorted(edges[1:-1], y_prob), minlength=8)
    expected = np.sum(counts[counts > 0] * np.abs(prob_true - prob_pred)) / len(y_prob)
    assert lv.expected_calibration_error(y_true, y_prob, n_bins=8, strategy=strategy) == pytest.approx(expected)


def test_ece_is_zero_for_perfectly_calibrated_bins_and_large_for_a_confident_mistake():
    # Each bin holds probability 0.25 or 0.75 and exactly that fraction of positives.
    y_prob = np.repeat([0.25, 0.75], 4)
    y_true = np.array([1, 0, 0, 0, 1, 1, 1, 0])
    assert lv.expected_calibration_error(y_true, y_prob, n_bins=4) == 0.0
    assert lv.expected_calibration_error([0, 1], [1.0, 0.0], n_bins=10) == 1.0


def test_all_zero_weights_are_refused_as_scikit_learn_refuses_them():
    y_true, y_proba = PROBA_CASES["binary"]
    zeros = np.zeros(len(y_true))
    for normalize in (True, False):
        assert assert_same_behaviour("log_loss", y_true, y_proba, sample_weight=zeros, normalize=normalize)
    assert assert_same_behaviour("brier_score_loss", y_true, y_proba, sample_weight=zeros)
    for name in ("matthews_corrcoef", "balanced_accuracy_score"):
        assert assert_same_behaviour(name, y_true, (y_proba > 0.5).astype(int), sample_weight=zeros)
