"""lossviz.metrics against the installed scikit-learn, over many named random cases.

Each comparison runs both implementations on the same input and checks that they
agree on everything a user sees: the value (or array), whether a ValueError is
raised, and whether an UndefinedMetricWarning is emitted.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest
from sklearn import metrics as sk

from lossviz import metrics as lv

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def outcome(function, *args, warning="UndefinedMetricWarning", **kwargs):
    """(result, raised ValueError?, the messages of the warnings of class ``warning`` or a
    subclass) of one call; tests/test_metrics_calibration.py uses it too."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, raised = function(*args, **kwargs), False
        except ValueError:
            result, raised = None, True
    messages = {str(w.message) for w in caught if warning in [base.__name__ for base in w.category.__mro__]}
    return result, raised, sorted(messages)


def assert_same_value(ours, theirs, context=""):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), context
        for mine, reference in zip(ours, theirs):
            assert_same_value(mine, reference, context)
        return
    if theirs is None:
        assert ours is None, context
        return
    theirs_array, ours_array = np.asarray(theirs), np.asarray(ours)
    assert ours_array.shape == theirs_array.shape, f"{context}: shape {ours_array.shape} != {theirs_array.shape}"
    if theirs_array.dtype.kind in "iub":  # integer results (counts, supports) must stay integers
        assert ours_array.dtype.kind in "iub", f"{context}: dtype {ours_array.dtype} != {theirs_array.dtype}"
        np.testing.assert_array_equal(ours_array, theirs_array, err_msg=context)
    else:
        np.testing.assert_allclose(ours_array, theirs_array, rtol=1e-12, atol=1e-15, equal_nan=True, err_msg=context)


def assert_same_behaviour(name, *args, **kwargs):
    """Call lossviz.metrics.<name> and sklearn.metrics.<name>; demand the same outcome."""
    ours, ours_raised, ours_warned = outcome(getattr(lv, name), *args, **kwargs)
    theirs, theirs_raised, theirs_warned = outcome(getattr(sk, name), *args, **kwargs)
    context = f"{name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
    assert ours_raised == theirs_raised, f"{context}: ValueError lossviz={ours_raised} sklearn={theirs_raised}"
    assert bool(ours_warned) == bool(theirs_warned), (
        f"{context}: UndefinedMetricWarning lossviz={ours_warned} sklearn={theirs_warned}"
    )
    if not theirs_raised:
        assert_same_value(ours, theirs, context)
    return ours


# ---------------------------------------------------------------------------
# named label cases: (y_true, y_pred, candidate positive labels)
# ---------------------------------------------------------------------------


def _label_cases():
    rng = np.random.default_rng(0)
    cases = {}
    for n in (1, 7, 40):
        y = rng.integers(0, 2, n)
        cases[f"binary-01-n{n}"] = (y, np.where(rng.random(n) < 0.7, y, 1 - y), [1, 0])
    y = rng.integers(0, 2, 30)
    cases["binary-all-negative-pred"] = (y, np.zeros(30, int), [1, 0])
    cases["binary-single-class"] = (np.zeros(12, int), rng.integers(0, 2, 12), [1, 0])
    cases["binary-all-zero"] = (np.zeros(9, int), np.zeros(9, int), [1])
    cases["binary-minus-one-one"] = (rng.choice([-1, 1], 25), rng.choice([-1, 1], 25), [1, -1])
    cases["binary-bool"] = (rng.random(25) < 0.4, rng.random(25) < 0.5, [True, False])
    cases["binary-strings"] = (rng.choice(["cat", "dog"], 25), rng.choice(["cat", "dog"], 25), ["dog", "cat"])
    cases["binary-float-labels"] = (rng.integers(0, 2, 25).astype(float), rng.integers(0, 2, 25).astype(float), [1.0])
    for classes in (3, 4, 6):
        y = rng.integers(0, classes, 60)
        p = np.where(rng.random(60) < 0.6, y, rng.integers(0, classes, 60))
        cases[f"multiclass-{classes}"] = (y, p, [1])
    y = rng.integers(0, 5, 40)
    cases["multiclass-missing-in-pred"] = (y, np.where(y == 4, 0, y), [1])
    cases["multiclass-strings"] = (rng.choice(["a", "b", "c", "d"], 50), rng.choice(["a", "b", "c"], 50), ["a"])
    cases["multiclass-gapped-ints"] = (rng.choice([2, 5, 9], 40), rng.choice([2, 5, 9, 11], 40), [5])
    for labels in (3, 5):
        y = (rng.random((30, labels)) < 0.4).astype(int)
        p = np.where(rng.random((30, labels)) < 0.75, y, 1 - y)
        cases[f"multilabel-{labels}"] = (y, p, [1])
    y = (rng.random((20, 4)) < 0.3).astype(int)
    y[:, 2] = 0  # a label that never occurs
    cases["multilabel-empty-column"] = (y, (rng.random((20, 4)) < 0.3).astype(int), [1])
    return cases


LABEL_CASES = _label_cases()


def _kind(y_true, y_pred):
    if np.ndim(y_true) == 2:
        return "multilabel-indicator"
    return "binary" if len(np.union1d(y_true, y_pred)) <= 2 else "multiclass"


def _label_options(y_true, y_pred):
    """labels= variants: default, reversed order, a subset, with an absent extra label."""
    present = np.union1d(np.unique(y_true), np.unique(y_pred)) if np.ndim(y_true) == 1 else np.arange(y_true.shape[1])
    options = [None, present[::-1]]
    if len(present) > 2:
        options.append(present[:2])
    if np.ndim(y_true) == 1 and present.dtype.kind in "iu":
        options.append(np.append(present, present.max() + 7))
    return options


def _weight_options(n):
    rng = np.random.default_rng(n)
    weights = rng.uniform(0.1, 3.0, n)
    weights[rng.random(n) < 0.2] = 0.0
    return [None, weights, rng.integers(1, 4, n)]


ZERO_DIVISIONS = {"warn": "warn", "zero": 0.0, "one": 1.0, "nan": np.nan}
WEIGHT_KINDS = ["unweighted", "float-weights", "integer-weights"]


def _weight(kind, n):
    return _weight_options(n)[WEIGHT_KINDS.index(kind)]


def _averages(case):
    kind = _kind(*LABEL_CASES[case][:2])
    averages = [None, "micro", "macro", "weighted"]
    averages += ["binary"] if kind == "binary" else []
    averages += ["samples"] if kind == "multilabel-indicator" else []
    return averages


def _params(*dimensions):
    """pytest.params for the product of (name, values) dimensions, each value its own id part.

    A dimension's values may be a function of the case (the first dimension).
    """
    first_name, cases = dimensions[0]
    params = []
    for case in cases:
        combos = [((case,), [case])]
        for name, values in dimensions[1:]:
            values = values(case) if callable(values) else values
            combos = [(args + (value,), ids + [f"{name}={value}"]) for args, ids in combos for value in values]
        params += [pytest.param(*args, id="-".join(ids)) for args, ids in combos]
    return params


@pytest.mark.parametrize(
    "case, average, weight_kind, zero_division",
    _params(("case", LABEL_CASES), ("average", _averages), ("weight", WEIGHT_KINDS), ("zero_division", ZERO_DIVISIONS)),
)
def test_precision_recall_fscore_support_matches_sklearn(case, average, weight_kind, zero_division):
    y_true, y_pred, _ = LABEL_CASES[case]
    kwargs = dict(
        average=average, sample_weight=_weight(weight_kind, len(y_true)), zero_division=ZERO_DIVISIONS[zero_division]
    )
    assert_same_behaviour("precision_recall_fscore_support", y_true, y_pred, beta=0.5, **kwargs)


@pytest.mark.parametrize(
    "case, metric, average, weight_kind",
    _params(
        ("case", LABEL_CASES),
        ("metric", ["precision_score", "recall_score", "f1_score"]),
        ("average", _averages),
        ("weight", WEIGHT_KINDS),
    ),
)
def test_precision_recall_and_f1_match_sklearn(case, metric, average, weight_kind):
    y_true, y_pred, _ = LABEL_CASES[case]
    assert_same_behaviour(metric, y_true, y_pred, average=average, sample_weight=_weight(weight_kind, len(y_true)))


@pytest.mark.parametrize(
    "case, beta, average",
    _params(
        ("case", LABEL_CASES), ("beta", [0.0, 0.5, 2.0, np.inf]), ("average", [None, "macro", "weighted", "micro"])
    ),
)
def test_fbeta_matches_sklearn(case, beta, average):
    y_true, y_pred, _ = LABEL_CASES[case]
    assert_same_behaviour("fbeta_score", y_true, y_pred, beta=beta, average=average)


@pytest.mark.parametrize(
    "case, labels_index, average",
    _params(
        ("case", LABEL_CASES),
        ("labels", lambda case: range(len(_label_options(*LABEL_CASES[case][:2])))),
        ("average", [None, "micro", "macro", "weighted"]),
    ),
)
def test_labels_argument_matches_sklearn(case, labels_index, average):
    y_true, y_pred, _ = LABEL_CASES[case]
    labels = _label_options(y_true, y_pred)[labels_index]
    assert_same_behaviour("precision_recall_fscore_support", y_true, y_pred, labels=labels, average=average)


BINARY_CASES = [case for case in LABEL_CASES if _kind(*LABEL_CASES[case][:2]) == "binary"]


@pytest.mark.parametrize(
    "case, pos_index", _params(("case", BINARY_CASES), ("pos_label", lambda case: range(len(LABEL_CASES[case][2]))))
)
def test_pos_label_matches_sklearn(case, pos_index):
    y_true, y_pred, positive_labels = LABEL_CASES[case]
    pos_label = positive_labels[pos_index]
    assert_same_behaviour("f1_score", y_true, y_pred, pos_label=pos_label)
    assert_same_behaviour("recall_score", y_true, y_pred, pos_label=pos_label, zero_division=1.0)


@pytest.mark.parametrize(
    "case, weight_kind, normalize",
    _params(("case", LABEL_CASES), ("weight", WEIGHT_KINDS), ("normalize", [True, False])),
)
def test_accuracy_and_error_rate_match_sklearn(case, weight_kind, normalize):
    y_true, y_pred, _ = LABEL_CASES[case]
    weight = _weight(weight_kind, len(y_true))
    assert_same_behaviour("accuracy_score", y_true, y_pred, normalize=normalize, sample_weight=weight)
    ours = lv.error_rate(y_true, y_pred, normalize=normalize, sample_weight=weight)
    theirs = sk.zero_one_loss(y_true, y_pred, normalize=normalize, sample_weight=weight)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)


SINGLE_LABEL_CASES = [case for case in LABEL_CASES if not case.startswith("multilabel")]


@pytest.mark.parametrize(
    "case, labels_index, normalize, weight_kind",
    _params(
        ("case", SINGLE_LABEL_CASES),
        ("labels", lambda case: range(len(_label_options(*LABEL_CASES[case][:2])))),
        ("normalize", [None, "true", "pred", "all"]),
        ("weight", WEIGHT_KINDS),
    ),
)
def test_confusion_matrix_matches_sklearn(case, labels_index, normalize, weight_kind):
    y_true, y_pred, _ = LABEL_CASES[case]
    labels = _label_options(y_true, y_pred)[labels_index]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the 1x1 warning, checked below
        assert_same_behaviour(
            "confusion_matrix",
            y_true,
            y_pred,
            labels=labels,
            sample_weight=_weight(weight_kind, len(y_true)),
            normalize=normalize,
        )


def test_confusion_matrix_warns_for_a_single_label_like_sklearn():
    with pytest.warns(UserWarning, match="single label"):
        matrix = lv.confusion_matrix([1, 1], [1, 1])
    assert matrix.tolist() == [[2]]


@pytest.mark.parametrize(
    "case, labels_index, zero_division, weight_kind",
    _params(
        ("case", LABEL_CASES),
        ("labels", lambda case: range(min(3, len(_label_options(*LABEL_CASES[case][:2]))))),
        ("zero_division", ["warn", "nan", "one"]),
        ("weight", WEIGHT_KINDS[:2]),
    ),
)
def test_classification_report_text_and_dict_match_sklearn(case, labels_index, zero_division, weight_kind):
    y_true, y_pred, _ = LABEL_CASES[case]
    labels = _label_options(y_true, y_pred)[labels_index]
    kwargs = dict(
        labels=labels, sample_weight=_weight(weight_kind, len(y_true)), digits=2 + labels_index,
        zero_division=ZERO_DIVISIONS[zero_division],
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = (
            lv.classification_report(y_true, y_pred, **kwargs),
            sk.classification_report(y_true, y_pred, **kwargs),
        )
        ours_dict = lv.classification_report(y_true, y_pred, output_dict=True, **kwargs)
        theirs_dict = sk.classification_report(y_true, y_pred, output_dict=True, **kwargs)
    assert ours == theirs, f"{case} {kwargs}\n{ours}\n{theirs}"
    assert list(ours_dict) == list(theirs_dict)
    for key, value in theirs_dict.items():
        mine = ours_dict[key]
        if isinstance(value, dict):  # a row: precision, recall, f1-score, support
            assert list(mine) == list(value)
            mine, value = tuple(mine.values()), tuple(value.values())
        assert_same_value(mine, value, f"{case} {key}")


def test_classification_report_with_target_names_matches_sklearn():
    y_true, y_pred = [0, 1, 2, 2, 1], [0, 2, 2, 2, 1]
    names = ["setosa", "versicolor", "virginica (long name)"]
    assert lv.classification_report(y_true, y_pred, target_names=names) == sk.classification_report(
        y_true, y_pred, target_names=names
    )


# ---------------------------------------------------------------------------
# specificity and false positive rate: scikit-learn's recall of the complemented labels
# ---------------------------------------------------------------------------


def _negative_rate_by_sklearn(y_true, y_pred, *, average, pos_label, sample_weight, zero_division, false_positive):
    """Specificity and false positive rate read off scikit-learn's recall_score.

    With T and P the one-vs-rest indicators of true and predicted label l, recall is
    TP / (TP + FN) of a (truth, prediction) pair, so the specificity TN / (TN + FP) of l
    is the recall of (not T, not P), and the false positive rate FP / (FP + TN) the
    recall of (not T, P). Only average="weighted" needs one more step: scikit-learn
    would weight by the support of "not l", lossviz weights by the support of l.
    """
    if np.ndim(y_true) == 2:
        true_is, pred_is = np.asarray(y_true), np.asarray(y_pred)
    else:
        labels = [pos_label] if average == "binary" else np.union1d(y_true, y_pred)
        true_is = (np.asarray(y_true)[:, None] == labels).astype(int)
        pred_is = (np.asarray(y_pred)[:, None] == labels).astype(int)
    truth, prediction = 1 - true_is, (pred_is if false_positive else 1 - pred_is)
    options = dict(sample_weight=sample_weight, zero_division=zero_division)
    if truth.shape[1] == 1:  # one label: a plain binary problem
        value = sk.recall_score(truth[:, 0], prediction[:, 0], average="binary", pos_label=1, **options)
        return np.array([value]) if average is None else value
    if average != "weighted":
        return sk.recall_score(truth, prediction, average=average, **options)
    per_label = sk.recall_score(truth, prediction, average=None, **options)
    support = np.sum(true_is * (1 if sample_weight is None else np.asarray(sample_weight)[:, None]), axis=0)
    defined = ~np.isnan(per_label)
    if not defined.any():
        return np.nan
    if np.sum(support[defined]) == 0:
        return float(np.mean(per_label[defined]))
    return float(np.average(per_label[defined], weights=support[defined]))


@pytest.mark.parametrize(
    "case, average, weight_kind, zero_division",
    _params(
        ("case", LABEL_CASES),
        ("average", _averages),
        ("weight", WEIGHT_KINDS),
        ("zero_division", ["warn", "one", "nan"]),
    ),
)
def test_specificity_and_false_positive_rate_match_sklearn_recall(case, average, weight_kind, zero_division):
    y_true, y_pred, positive_labels = LABEL_CASES[case]
    kwargs = dict(
        average=average, pos_label=positive_labels[0] if average == "binary" else 1,
        sample_weight=_weight(weight_kind, len(y_true)), zero_division=ZERO_DIVISIONS[zero_division],
    )  # fmt: skip
    for function, false_positive in ((lv.specificity_score, False), (lv.false_positive_rate, True)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = function(y_true, y_pred, **kwargs)
            expected = _negative_rate_by_sklearn(y_true, y_pred, false_positive=false_positive, **kwargs)
        assert_same_value(ours, expected, f"{function.__name__} {case} {kwargs}")


@pytest.mark.parametrize("zero_division", [0.0, 1.0], ids=["zero", "one"])
def test_specificity_and_false_positive_rate_by_hand(zero_division):
    """Exact fractions on a case worked by hand: y_true 0 0 0 1 1 2, y_pred 0 1 0 1 2 2."""
    y_true, y_pred = [0, 0, 0, 1, 1, 2], [0, 1, 0, 1, 2, 2]
    # label 0: TN 3, FP 0; label 1: TN 3, FP 1; label 2: TN 4, FP 1 (one-vs-rest counts)
    specificity = [Fraction(3, 3), Fraction(3, 4), Fraction(4, 5)]
    support = [3, 2, 1]
    options = dict(zero_division=zero_division)
    np.testing.assert_array_equal(
        lv.specificity_score(y_true, y_pred, average=None, **options), [float(v) for v in specificity]
    )
    np.testing.assert_array_equal(
        lv.false_positive_rate(y_true, y_pred, average=None, **options), [float(1 - v) for v in specificity]
    )
    assert lv.specificity_score(y_true, y_pred, average="macro") == pytest.approx(
        float(sum(specificity) / 3), rel=1e-15
    )
    weighted = sum(s * w for s, w in zip(specificity, support)) / sum(support)
    assert lv.specificity_score(y_true, y_pred, average="weighted") == pytest.approx(float(weighted), rel=1e-15)
    assert lv.specificity_score(y_true, y_pred, average="micro") == pytest.approx(
        float(Fraction(3 + 3 + 4, 3 + 4 + 5)), rel=1e-15
    )
    assert lv.false_positive_rate(y_true, y_pred, average="micro") == pytest.approx(float(Fraction(2, 12)), rel=1e-15)


@pytest.mark.parametrize("seed", range(10))
def test_binary_specificity_is_the_recall_of_the_negative_class(seed):
    rng = np.random.default_rng(3 + seed)
    y_true, y_pred = rng.integers(0, 2, 50), rng.integers(0, 2, 50)
    weight = rng.uniform(0, 2, 50)
    specificity = lv.specificity_score(y_true, y_pred, sample_weight=weight)
    assert specificity == pytest.approx(sk.recall_score(y_true, y_pred, pos_label=0, sample_weight=weight), rel=1e-12)
    assert lv.false_positive_rate(y_true, y_pred, sample_weight=weight) == pytest.approx(1 - specificity, rel=1e-12)


def test_specificity_warns_and_uses_zero_division_without_negatives():
    with pytest.warns(lv.UndefinedMetricWarning, match="Specificity is ill-defined"):
        assert lv.specificity_score([1, 1, 1], [1, 0, 1]) == 0.0
    assert lv.specificity_score([1, 1, 1], [1, 0, 1], zero_division=1.0) == 1.0
    assert lv.false_positive_rate([1, 1, 1], [1, 0, 1], zero_division=1.0) == 1.0
    assert np.isnan(lv.false_positive_rate([1, 1, 1], [1, 0, 1], zero_division=np.nan))


# ---------------------------------------------------------------------------
# named score cases: (y_true, y_score, pos_label)
# ---------------------------------------------------------------------------


def _score_cases():
    rng = np.random.default_rng(1)
    cases = {}
    for n in (2, 5, 30, 500):
        y = rng.integers(0, 2, n)
        y[:2] = [0, 1]
        cases[f"continuous-n{n}"] = (y, rng.normal(size=n) + y, None)
    y = rng.integers(0, 2, 300)
    cases["ties-one-decimal"] = (y, np.round(rng.random(300) * 0.6 + 0.4 * y, 1), None)
    cases["ties-three-values"] = (y, rng.choice([0.2, 0.5, 0.9], 300), None)
    cases["all-tied"] = (y, np.full(300, 0.5), None)
    cases["float32"] = (y, (rng.random(300) + 0.3 * y).astype(np.float32), None)
    cases["float32-ties-and-zeros"] = (y, np.round(rng.random(300) * 2 - 1, 1).astype(np.float32), None)
    cases["float16"] = (y, (rng.random(300) + 0.3 * y).astype(np.float16), None)
    cases["integer-scores"] = (y, rng.integers(-3, 4, 300), None)
    cases["labels-minus-one-one"] = (2 * y - 1, rng.normal(size=300) + y, None)
    cases["labels-bool"] = (y.astype(bool), rng.normal(size=300) + y, None)
    cases["labels-strings"] = (np.where(y == 1, "spam", "ham"), rng.normal(size=300) + y, "spam")
    cases["labels-1-2-pos-2"] = (y + 1, rng.normal(size=300) + y, 2)
    cases["labels-1-2-pos-1"] = (y + 1, rng.normal(size=300) - y, 1)
    cases["perfect"] = (y, y * 2.0 - 1, None)
    cases["reversed"] = (y, 1.0 - y, None)
    cases["no-positives"] = (np.zeros(20, int), rng.random(20), None)
    cases["no-negatives"] = (np.ones(20, int), rng.random(20), None)
    return cases


SCORE_CASES = _score_cases()


def _score_weights(n):
    rng = np.random.default_rng(n + 1)
    weights = rng.uniform(0.1, 3.0, n)
    weights[rng.random(n) < 0.15] = 0.0
    return [None, weights, rng.integers(1, 4, n)]


@pytest.mark.parametrize(
    "case, weight_kind, drop",
    _params(("case", SCORE_CASES), ("weight", WEIGHT_KINDS), ("drop_intermediate", [True, False])),
)
def test_curves_match_sklearn(case, weight_kind, drop):
    y_true, y_score, pos_label = SCORE_CASES[case]
    weight = _score_weights(len(y_true))[WEIGHT_KINDS.index(weight_kind)]
    kwargs = dict(pos_label=pos_label, sample_weight=weight, drop_intermediate=drop)
    fpr, tpr, thresholds = assert_same_behaviour("roc_curve", y_true, y_score, **kwargs)
    assert thresholds.dtype == np.float64 and thresholds[0] == np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "No positive class found" (a UserWarning in both)
        if y_score.dtype.kind == "f":
            _, _, pr_thresholds = assert_same_behaviour("precision_recall_curve", y_true, y_score, **kwargs)
            # float32 scores keep float32 thresholds, as in scikit-learn
            assert pr_thresholds.dtype == sk.precision_recall_curve(y_true, y_score, **kwargs)[2].dtype
        else:  # lossviz turns integer scores into floats (same values)
            ours, theirs = (
                lv.precision_recall_curve(y_true, y_score, **kwargs),
                sk.precision_recall_curve(y_true, y_score, **kwargs),
            )
            for mine, reference in zip(ours, theirs):
                np.testing.assert_array_equal(mine, reference)


@pytest.mark.parametrize(
    "case, weight_kind, max_fpr",
    _params(("case", SCORE_CASES), ("weight", WEIGHT_KINDS), ("max_fpr", [None, 0.05, 0.3])),
)
def test_binary_roc_auc_and_average_precision_match_sklearn(case, weight_kind, max_fpr):
    y_true, y_score, pos_label = SCORE_CASES[case]
    weight = _score_weights(len(y_true))[WEIGHT_KINDS.index(weight_kind)]
    assert_same_behaviour("roc_auc_score", y_true, y_score, sample_weight=weight, max_fpr=max_fpr)
    if max_fpr is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            assert_same_behaviour(
                "average_precision_score",
                y_true,
                y_score,
                sample_weight=weight,
                pos_label=1 if pos_label is None else pos_label,
            )


def test_single_class_roc_auc_warns_and_returns_nan_like_sklearn():
    with pytest.warns(lv.UndefinedMetricWarning, match="Only one class is present"):
        assert np.isnan(lv.roc_auc_score([1, 1, 1], [0.2, 0.5, 0.9]))
    with pytest.warns(lv.UndefinedMetricWarning, match="No negative samples"):
        fpr, tpr, _ = lv.roc_curve([1, 1, 1], [0.2, 0.5, 0.9])
    assert np.isnan(fpr).all() and tpr[-1] == 1.0


def _multiclass_case(n_classes, ties):
    rng = np.random.default_rng(2 + 10 * n_classes + ties)
    n = 80
    y_true = rng.integers(0, n_classes, n)
    y_true[:n_classes] = np.arange(n_classes)
    logits = rng.normal(size=(n, n_classes)) + 1.5 * np.eye(n_classes)[y_true]
    if ties:
        logits = np.round(logits)
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y_true, proba, rng.uniform(0, 2, n)


MULTICLASS_SCORE_CASES = [
    pytest.param(n, ties, id=f"{n}-classes{'-ties' if ties else ''}") for n in (3, 4, 6) for ties in (0, 1)
]


@pytest.mark.parametrize("n_classes, ties", MULTICLASS_SCORE_CASES)
@pytest.mark.parametrize("average", ["macro", "weighted", "micro", None])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_multiclass_ovr_roc_auc_matches_sklearn(n_classes, ties, average, weighted):
    y_true, proba, weight = _multiclass_case(n_classes, ties)
    sample_weight = weight if weighted else None
    assert_same_behaviour(
        "roc_auc_score", y_true, proba, multi_class="ovr", average=average, sample_weight=sample_weight
    )


@pytest.mark.parametrize("n_classes, ties", MULTICLASS_SCORE_CASES)
@pytest.mark.parametrize("average", ["macro", "weighted"])  # scikit-learn raises NotImplementedError for None
def test_multiclass_ovo_roc_auc_matches_sklearn(n_classes, ties, average):
    y_true, proba, _ = _multiclass_case(n_classes, ties)
    assert_same_behaviour("roc_auc_score", y_true, proba, multi_class="ovo", average=average)


@pytest.mark.parametrize("n_classes, ties", MULTICLASS_SCORE_CASES)
def test_multiclass_string_labels_and_average_precision_match_sklearn(n_classes, ties):
    y_true, proba, weight = _multiclass_case(n_classes, ties)
    names = np.array(list("abcdef"))[:n_classes]
    assert_same_behaviour("roc_auc_score", names[y_true], proba, multi_class="ovr")
    assert_same_behaviour("average_precision_score", y_true, proba)
    assert_same_behaviour("average_precision_score", y_true, proba, average="micro", sample_weight=weight)


def test_multiclass_roc_auc_with_labels_and_absent_class_matches_sklearn():
    rng = np.random.default_rng(5)
    y_true = rng.choice([0, 2, 3], 60)  # class 1 never occurs
    proba = rng.dirichlet(np.ones(4), 60)
    for multi_class in ("ovr", "ovo"):
        for average in ("macro", "weighted"):
            assert_same_behaviour(
                "roc_auc_score", y_true, proba, multi_class=multi_class, average=average, labels=[0, 1, 2, 3]
            )
    # two classes present, three columns: scikit-learn takes the multiclass route
    y_two = rng.choice([0, 2], 40)
    assert_same_behaviour("roc_auc_score", y_two, rng.dirichlet(np.ones(3), 40), multi_class="ovr", labels=[0, 1, 2])


def _multilabel_case(trial):
    rng = np.random.default_rng(4 + trial)
    n, n_labels = 30, (2, 3, 5)[trial]
    y_true = (rng.random((n, n_labels)) < 0.4).astype(int)
    y_true[0], y_true[1] = 0, 1
    y_score = rng.normal(size=(n, n_labels)) + y_true
    if trial == 1:
        y_score = np.round(y_score)  # ties
    if trial == 2:
        y_true[:, 0] = 1  # an undefined column: nan (macro) or ignored (weighted)
    return y_true, y_score, rng.uniform(0, 2, n)


MULTILABEL_CASES = [
    pytest.param(0, id="2-labels"),
    pytest.param(1, id="3-labels-ties"),
    pytest.param(2, id="5-labels-undefined-column"),
]


@pytest.mark.parametrize("trial", MULTILABEL_CASES)
@pytest.mark.parametrize("average", ["micro", "macro", "weighted", "samples", None])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_multilabel_roc_auc_and_average_precision_match_sklearn(trial, average, weighted):
    y_true, y_score, weight = _multilabel_case(trial)
    sample_weight = weight if weighted else None
    assert_same_behaviour("roc_auc_score", y_true, y_score, average=average, sample_weight=sample_weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert_same_behaviour("average_precision_score", y_true, y_score, average=average, sample_weight=sample_weight)


@pytest.mark.parametrize("trial", MULTILABEL_CASES)
def test_multilabel_partial_roc_auc_matches_sklearn(trial):
    y_true, y_score, _ = _multilabel_case(trial)
    assert_same_behaviour("roc_auc_score", y_true, y_score, average="macro", max_fpr=0.5)


def test_auc_matches_sklearn_and_accepts_decreasing_x():
    rng = np.random.default_rng(6)
    for n in (2, 3, 10, 100):
        x, y = np.sort(rng.random(n)), rng.random(n)
        assert_same_behaviour("auc", x, y)
        assert_same_behaviour("auc", x[::-1], y[::-1])
        assert lv.auc(x[::-1], y[::-1]) == pytest.approx(lv.auc(x, y), rel=1e-12)


def test_roc_auc_equals_the_pairwise_probability():
    """AUC = P(positive ranked above negative) + 0.5 P(tie), counted over all pairs."""
    rng = np.random.default_rng(7)
    y_true = rng.integers(0, 2, 200)
    y_score = np.round(rng.random(200) + 0.4 * y_true, 1)
    positive, negative = y_score[y_true == 1], y_score[y_true == 0]
    above = (positive[:, None] > negative[None, :]).mean()
    tied = (positive[:, None] == negative[None, :]).mean()
    assert lv.roc_auc_score(y_true, y_score) == pytest.approx(above + 0.5 * tied, rel=1e-12)


def test_large_float32_input_takes_the_packed_sort_and_matches_sklearn_exactly():
    rng = np.random.default_rng(8)
    y_true = rng.integers(0, 2, 50_000)
    y_score = np.round(rng.normal(size=50_000) + y_true, 3).astype(np.float32)  # many ties, negatives, zeros
    y_score[:10] = [0.0, -0.0, 0.0, -0.0, 1e-40, -1e-40, 3e38, -3e38, 0.0, 0.0]  # signed zeros, subnormals, extremes
    for ours, theirs in zip(lv.roc_curve(y_true, y_score), sk.roc_curve(y_true, y_score)):
        np.testing.assert_array_equal(ours, theirs)
    for ours, theirs in zip(
        lv.precision_recall_curve(y_true, y_score, drop_intermediate=True),
        sk.precision_recall_curve(y_true, y_score, drop_intermediate=True),
    ):
        np.testing.assert_array_equal(ours, theirs)
    assert lv.roc_auc_score(y_true, y_score) == pytest.approx(sk.roc_auc_score(y_true, y_score), rel=1e-13)
    assert lv.average_precision_score(y_true, y_score) == pytest.approx(
        sk.average_precision_score(y_true, y_score), rel=1e-13
    )


def test_weighted_curves_equal_sklearn_to_the_last_bit():
    """The stable sort adds tied weights in scikit-learn's order: identical floats."""
    rng = np.random.default_rng(14)
    y_true = rng.integers(0, 2, 5000)
    y_score = np.round(rng.normal(size=5000) + y_true, 2)
    weight = rng.uniform(0, 3, 5000)
    for curve in ("roc_curve", "precision_recall_curve"):
        for ours, theirs in zip(getattr(lv, curve)(y_true, y_score, sample_weight=weight),
                                getattr(sk, curve)(y_true, y_score, sample_weight=weight)):  # fmt: skip
            np.testing.assert_array_equal(ours, theirs)


# ---------------------------------------------------------------------------
# Keras-style threshold metrics, exact mode: brute force over every threshold
# ---------------------------------------------------------------------------


def _brute_force(y_true, y_score, weight, constrained, dependent, target):
    """Try every "score >= t" classifier (and the empty one) by hand."""
    weight = np.ones(len(y_true)) if weight is None else weight
    best = 0.0
    for threshold in np.append(np.unique(y_score), np.inf):
        predicted = y_score >= threshold
        tp = np.sum(weight * (predicted & (y_true == 1)))
        fp = np.sum(weight * (predicted & (y_true == 0)))
        fn = np.sum(weight * (~predicted & (y_true == 1)))
        tn = np.sum(weight * (~predicted & (y_true == 0)))
        rates = {
            "recall": tp / (tp + fn) if tp + fn else 0.0,
            "precision": tp / (tp + fp) if tp + fp else 0.0,
            "specificity": tn / (tn + fp) if tn + fp else 0.0,
        }
        if rates[constrained] >= target:
            best = max(best, rates[dependent])
    return best


THRESHOLD_METRICS = {
    "precision_at_recall": ("recall", "precision"),
    "recall_at_precision": ("precision", "recall"),
    "sensitivity_at_specificity": ("specificity", "recall"),
    "specificity_at_sensitivity": ("recall", "specificity"),
}


@pytest.mark.parametrize("target", [0.0, 0.3, 0.5, 0.8, 1.0])
@pytest.mark.parametrize("trial", range(12))
@pytest.mark.parametrize("name", list(THRESHOLD_METRICS))
def test_exact_threshold_metrics_match_brute_force(name, trial, target):
    constrained, dependent = THRESHOLD_METRICS[name]
    rng = np.random.default_rng(9 + trial)
    n = int(rng.integers(2, 40))
    y_true = rng.integers(0, 2, n)
    y_score = np.round(rng.normal(size=n) + y_true, 1 if trial % 2 else 3)
    weight = None if trial % 3 else rng.uniform(0.1, 2, n)
    value, threshold = getattr(lv, name)(y_true, y_score, target, sample_weight=weight, return_threshold=True)
    assert value == pytest.approx(_brute_force(y_true, y_score, weight, constrained, dependent, target), abs=1e-12)
    if threshold is not None:  # the reported threshold really reaches the value
        check = _brute_force(y_true, np.where(y_score >= threshold, 1.0, 0.0), weight, constrained, dependent, target)
        assert check == pytest.approx(value, abs=1e-12)


def test_exact_threshold_metric_reports_none_when_no_threshold_qualifies():
    # precision 1.0 is out of reach when the top score is a negative
    assert lv.recall_at_precision([1, 0], [0.2, 0.9], 1.0, return_threshold=True) == (0.0, None)
    assert lv.recall_at_precision([1, 0], [0.2, 0.9], 1.0) == 0.0


@pytest.mark.parametrize("seed", range(10))
def test_keras_auc_with_one_bucket_per_grid_score_is_exact(seed):
    """Scores on the thresholds' grid (1/8 .. 1; 0 would share the first bucket with
    1/8, the first threshold being -eps) get one bucket each: the bucketed AUC is exact."""
    rng = np.random.default_rng(10 + seed)
    y_true = rng.integers(0, 2, 100)
    y_true[:2] = [0, 1]
    y_score = rng.integers(1, 9, 100) / 8  # the thresholds of num_thresholds=9
    assert lv.keras_auc(y_true, y_score, num_thresholds=9) == pytest.approx(
        sk.roc_auc_score(y_true, y_score), abs=1e-12
    )


def test_keras_auc_approaches_the_exact_auc_as_buckets_grow():
    rng = np.random.default_rng(11)
    y_true = rng.integers(0, 2, 3000)
    y_score = 1 / (1 + np.exp(-(rng.normal(size=3000) + y_true)))
    exact = lv.roc_auc_score(y_true, y_score)
    errors = [abs(lv.keras_auc(y_true, y_score, num_thresholds=n) - exact) for n in (5, 50, 500, 50_000)]
    assert errors == sorted(errors, reverse=True) and errors[-1] < 1e-5 < errors[0]


# ---------------------------------------------------------------------------
# batch_averaged
# ---------------------------------------------------------------------------


def test_batch_averaged_is_the_plain_mean_of_per_batch_values():
    rng = np.random.default_rng(12)
    y_true, y_pred = rng.integers(0, 2, 103), rng.integers(0, 2, 103)

    def precision(t, p):
        return lv.precision_score(t, p, zero_division=0.0)

    mean, per_batch = lv.batch_averaged(precision, y_true, y_pred, 10, return_per_batch=True)
    assert len(per_batch) == 11  # ten full batches and one of 3 samples, counted the same
    expected = [
        sk.precision_score(y_true[i : i + 10], y_pred[i : i + 10], zero_division=0.0) for i in range(0, 103, 10)
    ]
    np.testing.assert_allclose(per_batch, expected, rtol=1e-12)
    assert mean == pytest.approx(np.mean(expected), rel=1e-12)
    assert lv.batch_averaged(precision, y_true, y_pred, batch_size=103) == pytest.approx(precision(y_true, y_pred))


def test_batch_averaged_recall_and_f1_fall_below_the_epoch_values():
    rng = np.random.default_rng(13)
    y_true = (rng.random(512) < 0.05).astype(int)  # rare positives: most batches of 16 have none
    y_pred = np.where(rng.random(512) < 0.9, y_true, 1 - y_true)

    def recall(t, p):
        return lv.recall_score(t, p, zero_division=0.0)

    def f1(t, p):
        return lv.f1_score(t, p, zero_division=0.0)

    assert lv.recall_score(y_true, y_pred) - lv.batch_averaged(recall, y_true, y_pred, 16) > 0.3
    assert lv.f1_score(y_true, y_pred) - lv.batch_averaged(f1, y_true, y_pred, 16) > 0.1
