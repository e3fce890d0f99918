"""jaccard_score, hamming_loss, multilabel_confusion_matrix and the samples average against scikit-learn.

The named cases of test_metrics.py (binary, multiclass, strings, multilabel with an
empty column ...) with every ``average``, weight kind and ``zero_division``; then
hypothesis draws multilabel indicator matrices, where ``average="samples"`` lives.
Each comparison demands the same value, the same ValueError and the same
UndefinedMetricWarning as scikit-learn.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk
from test_metrics import (
    LABEL_CASES,
    WEIGHT_KINDS,
    ZERO_DIVISIONS,
    _averages,
    _label_options,
    _params,
    _weight,
    assert_same_behaviour,
)

from lossviz import metrics as lv

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    "case, average, weight_kind, zero_division",
    _params(("case", LABEL_CASES), ("average", _averages), ("weight", WEIGHT_KINDS), ("zero_division", ZERO_DIVISIONS)),
)
def test_jaccard_score_matches_sklearn(case, average, weight_kind, zero_division):
    y_true, y_pred, _ = LABEL_CASES[case]
    kwargs = dict(sample_weight=_weight(weight_kind, len(y_true)), zero_division=ZERO_DIVISIONS[zero_division])
    assert_same_behaviour("jaccard_score", y_true, y_pred, average=average, **kwargs)


LABELS_PARAMS = [
    pytest.param(case, index, id=f"{case}-labels={index}")
    for case, (y_true, y_pred, _) in LABEL_CASES.items()
    for index in range(len(_label_options(y_true, y_pred)))
]


@pytest.mark.parametrize("case, labels_index", LABELS_PARAMS)
def test_jaccard_labels_and_multilabel_confusion_matrix_labels_match_sklearn(case, labels_index):
    y_true, y_pred, _ = LABEL_CASES[case]
    labels = _label_options(y_true, y_pred)[labels_index]
    assert_same_behaviour("jaccard_score", y_true, y_pred, labels=labels, average=None)
    assert_same_behaviour("multilabel_confusion_matrix", y_true, y_pred, labels=labels)


@pytest.mark.parametrize("case, pos_index", _params(("case", LABEL_CASES), ("pos", [0, 1])))
def test_jaccard_pos_label_matches_sklearn(case, pos_index):
    y_true, y_pred, candidates = LABEL_CASES[case]
    pos_label = candidates[min(pos_index, len(candidates) - 1)]
    assert_same_behaviour("jaccard_score", y_true, y_pred, pos_label=pos_label)


@pytest.mark.parametrize(
    "case, weight_kind, samplewise",
    _params(("case", LABEL_CASES), ("weight", WEIGHT_KINDS), ("samplewise", [False, True])),
)
def test_multilabel_confusion_matrix_matches_sklearn(case, weight_kind, samplewise):
    y_true, y_pred, _ = LABEL_CASES[case]
    kwargs = dict(sample_weight=_weight(weight_kind, len(y_true)), samplewise=samplewise)
    assert_same_behaviour("multilabel_confusion_matrix", y_true, y_pred, **kwargs)


@pytest.mark.parametrize("case, weight_kind", _params(("case", LABEL_CASES), ("weight", WEIGHT_KINDS)))
def test_hamming_loss_matches_sklearn(case, weight_kind):
    y_true, y_pred, _ = LABEL_CASES[case]
    assert_same_behaviour("hamming_loss", y_true, y_pred, sample_weight=_weight(weight_kind, len(y_true)))


def test_hamming_loss_is_the_error_rate_for_1d_targets_and_counts_cells_for_multilabel():
    y_true, y_pred = np.array([[0, 1, 1], [1, 1, 0]]), np.array([[1, 1, 1], [1, 0, 0]])
    assert lv.hamming_loss(y_true, y_pred) == pytest.approx(2 / 6)
    assert lv.accuracy_score(y_true, y_pred) == 0.0  # subset accuracy: no row is right
    flat = LABEL_CASES["multiclass-4"][:2]
    assert lv.hamming_loss(*flat) == pytest.approx(lv.error_rate(*flat), abs=1e-15)


# ---------------------------------------------------------------------------
# hypothesis: multilabel indicator matrices, every average
# ---------------------------------------------------------------------------


@st.composite
def multilabel_problems(draw):
    """Indicator matrices (2-D, 2 to 5 labels), often with empty rows and columns; optional weights."""
    n_samples, n_labels = draw(st.integers(1, 12)), draw(st.integers(2, 5))
    cells = st.lists(st.integers(0, 1), min_size=n_samples * n_labels, max_size=n_samples * n_labels)
    y_true = np.array(draw(cells)).reshape(n_samples, n_labels)
    y_pred = np.array(draw(cells)).reshape(n_samples, n_labels)
    kind = draw(st.sampled_from(["none", "integer", "float"]))
    weight = None
    if kind == "integer":
        weight = np.array(draw(st.lists(st.integers(1, 4), min_size=n_samples, max_size=n_samples)))
    elif kind == "float":
        weight = np.array(draw(st.lists(st.floats(0.1, 3.0), min_size=n_samples, max_size=n_samples)))
    return y_true, y_pred, weight


SET_METRICS = [("precision_score", {}), ("recall_score", {}), ("f1_score", {}), ("fbeta_score", {"beta": 0.5}),
               ("jaccard_score", {}), ("precision_recall_fscore_support", {"beta": 2.0})]  # fmt: skip


@SETTINGS
@given(
    multilabel_problems(),
    st.sampled_from([None, "micro", "macro", "weighted", "samples"]),
    st.sampled_from(list(ZERO_DIVISIONS.values())),
)
def test_set_metrics_on_multilabel_input_match_sklearn_for_every_average(problem, average, zero_division):
    y_true, y_pred, weight = problem
    for name, extra in SET_METRICS:
        assert_same_behaviour(
            name, y_true, y_pred, average=average, sample_weight=weight, zero_division=zero_division, **extra
        )


@SETTINGS
@given(multilabel_problems(), st.booleans())
def test_multilabel_confusion_matrix_and_hamming_loss_match_sklearn(problem, samplewise):
    y_true, y_pred, weight = problem
    assert_same_behaviour("multilabel_confusion_matrix", y_true, y_pred, sample_weight=weight, samplewise=samplewise)
    assert_same_behaviour("hamming_loss", y_true, y_pred, sample_weight=weight)


@SETTINGS
@given(multilabel_problems())
def test_samples_average_is_the_weighted_mean_of_the_row_scores(problem):
    """What average="samples" means, computed row by row (empty rows: zero_division=1)."""
    y_true, y_pred, weight = problem
    rows = [lv.jaccard_score(t, p, zero_division=1.0) if (t | p).any() else 1.0 for t, p in zip(y_true, y_pred)]
    expected = np.average(rows, weights=weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = lv.jaccard_score(y_true, y_pred, average="samples", sample_weight=weight, zero_division=1.0)
    assert ours == pytest.approx(expected, abs=1e-12)


def test_jaccard_of_one_segmentation_class_is_its_iou():
    """On a mask, jaccard_score of class c equals Keras's IoU of c (to float32)."""
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 4, (3, 8, 8))
    y_pred = np.where(rng.random((3, 8, 8)) < 0.6, y_true, rng.integers(0, 4, (3, 8, 8)))
    per_class = lv.jaccard_score(y_true.ravel(), y_pred.ravel(), average=None)
    for c in range(4):
        assert lv.iou(y_true, y_pred, num_classes=4, target_class_ids=[c]) == pytest.approx(per_class[c], rel=1e-6)
    assert lv.mean_iou(y_true, y_pred, num_classes=4) == pytest.approx(per_class.mean(), rel=1e-6)


def test_all_zero_weights_with_samples_average_raise_like_sklearn():
    y = np.array([[0, 1], [1, 1]])
    with pytest.raises(ValueError):
        sk.jaccard_score(y, y, average="samples", sample_weight=[0, 0])
    with pytest.raises(ValueError, match=r"argument `sample_weight`.*at least one non-zero weight"):
        lv.jaccard_score(y, y, average="samples", sample_weight=[0, 0])
