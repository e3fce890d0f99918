"""Every metric block of standalone_source runs alone and computes what the library and the reference compute.

For each metric or curve of lossviz.metrics, the numpy block runs by itself in a fresh
Python process on a few named cases (binary, imbalanced, ties, weighted, float32,
multiclass where the function accepts it). Its result must equal the library
function's exactly, and scikit-learn's (Keras's, for the Keras-named metrics; a
hand-worked mean for batch_averaged).
"""

from __future__ import annotations

import os
import warnings
from functools import cache, partial

import numpy as np
import pytest
from sklearn import metrics as sk
from test_standalone import run_alone

import lossviz.metrics as lv
from lossviz.standalone import code_lines, standalone_source

#: Every metric and curve of the registry (``@register_metric``).
METRIC_NAMES = list(lv.METRICS)


def _labels(n, positive_rate, seed, *, classes=2):
    rng = np.random.default_rng(seed)
    if classes == 2:
        y_true = (rng.random(n) < positive_rate).astype(np.int64)
        y_true[:2] = [0, 1]
    else:
        y_true = rng.integers(0, classes, n)
        y_true[:classes] = np.arange(classes)
    y_pred = np.where(rng.random(n) < 0.7, y_true, rng.integers(0, classes, n))
    return y_true, y_pred


def _scores(n, positive_rate, seed, *, decimals=None, dtype=np.float64):
    rng = np.random.default_rng(seed)
    y_true = (rng.random(n) < positive_rate).astype(np.int64)
    y_true[:2] = [0, 1]
    y_score = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.5 * y_true)))
    if decimals is not None:  # ties: many samples share a score
        y_score = np.round(y_score, decimals)
    return y_true, y_score.astype(dtype)


def _proba(n, classes, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, classes, n)
    y_true[:classes] = np.arange(classes)
    logits = rng.normal(size=(n, classes)) + 1.5 * np.eye(classes)[y_true]
    return y_true, np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)


def _weights(n, seed):
    return np.random.default_rng(seed).uniform(0.2, 3.0, n)


BINARY = _labels(60, 0.4, 1)
IMBALANCED = _labels(200, 0.05, 2)
WEIGHTED = (*_labels(50, 0.4, 3), _weights(50, 3))
FLOAT32_LABELS = tuple(y.astype(np.float32) for y in _labels(40, 0.5, 4))
MULTICLASS = _labels(90, 0, 5, classes=4)

LABEL_CASES = {
    "binary": (BINARY, {}),
    "imbalanced": (IMBALANCED, {}),
    "weighted": (WEIGHTED[:2], {"sample_weight": WEIGHTED[2]}),
    "float32-labels": (FLOAT32_LABELS, {}),
}
AVERAGED_CASES = {
    **LABEL_CASES,
    "multiclass-macro": (MULTICLASS, {"average": "macro"}),
    "multiclass-weighted": (MULTICLASS, {"average": "weighted", "sample_weight": _weights(90, 5)}),
    "multiclass-per-label": (MULTICLASS, {"average": None}),
}
MULTICLASS_CASES = {
    **LABEL_CASES,
    "multiclass": (MULTICLASS, {}),
    "multiclass-weighted": (MULTICLASS, {"sample_weight": _weights(90, 5)}),
}


def _indicators(n, labels, seed):
    rng = np.random.default_rng(seed)
    y_true = (rng.random((n, labels)) < 0.4).astype(np.int64)
    return y_true, np.where(rng.random((n, labels)) < 0.75, y_true, 1 - y_true)


MULTILABEL = _indicators(40, 4, 12)
MULTILABEL_CASES = {
    "multilabel": (MULTILABEL, {}),
    "multilabel-weighted": (MULTILABEL, {"sample_weight": _weights(40, 12)}),
}


def _masks(seed, *, void=False):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 4, (3, 12, 12))
    y_pred = np.where(rng.random(y_true.shape) < 0.7, y_true, rng.integers(0, 4, y_true.shape))
    if void:  # void pixels labelled 255
        y_true = np.where(rng.random(y_true.shape) < 0.1, 255, y_true)
    return y_true, y_pred


MASKS = _masks(13)
MASK_WEIGHTS = np.random.default_rng(14).integers(0, 3, MASKS[0].shape)
IOU_CASES = {
    "masks": (MASKS, {}),
    "void-ignored": (_masks(15, void=True), {"ignore_class": 255}),
    "ignore-class-inside": (MASKS, {"ignore_class": 1}),
    "weighted": (MASKS, {"sample_weight": MASK_WEIGHTS}),
    "float32-counts": (MASKS, {"sample_weight": _weights(432, 16).reshape(3, 12, 12), "dtype": "float32"}),
}
ONE_HOT_CASES = {
    case: ((np.eye(4)[y_true % 255], np.eye(4)[y_pred] * 0.8 + 0.05), kwargs)
    for case, ((y_true, y_pred), kwargs) in IOU_CASES.items()
    if case != "void-ignored"
}
BINARY_MASKS = (MASKS[0] % 2, ((MASKS[1] % 2) * 0.5 + np.random.default_rng(17).random(MASKS[1].shape) * 0.6))
BINARY_IOU_CASES = {
    "default": (BINARY_MASKS, {}),
    "class-1-threshold-0.3": (BINARY_MASKS, {"target_class_ids": [1], "threshold": 0.3}),
    "weighted": (BINARY_MASKS, {"sample_weight": MASK_WEIGHTS}),
    "float32-scores": ((BINARY_MASKS[0], BINARY_MASKS[1].astype(np.float32)), {"target_class_ids": [0]}),
}

SCORES = _scores(300, 0.4, 6)
TIES = _scores(300, 0.4, 7, decimals=1)
FLOAT32 = _scores(2000, 0.3, 8, decimals=3, dtype=np.float32)  # the library's packed sort
CURVE_CASES = {
    "binary": (SCORES, {}),
    "imbalanced": (_scores(400, 0.03, 9), {}),
    "ties": (TIES, {}),
    "weighted": (TIES, {"sample_weight": _weights(300, 7)}),
    "float32": (FLOAT32, {}),
}
MULTICLASS_SCORE_CASES = {
    **CURVE_CASES,
    "multiclass": (_proba(120, 3, 10), {"multi_class": "ovr"}),
}

PROBABILITY_CASES = {  # calibration_curve takes no weights: its entry leaves "weighted" out
    "binary": (SCORES, {}),
    "imbalanced": (_scores(400, 0.03, 9), {}),
    "float32": (FLOAT32, {}),
    "weighted": (TIES, {"sample_weight": _weights(300, 7)}),
}

KERAS_CASES = {
    "binary": (tuple(y.astype(np.float32) for y in SCORES), {}),
    "imbalanced": (tuple(y.astype(np.float32) for y in _scores(400, 0.03, 9)), {}),
    "ties": (tuple(y.astype(np.float32) for y in TIES), {}),
    "weighted": (tuple(y.astype(np.float32) for y in TIES), {"sample_weight": _weights(300, 7).astype(np.float32)}),
}


def _with(cases, *extra_args, **extra_kwargs):
    return {case: ((*args, *extra_args), {**kwargs, **extra_kwargs}) for case, (args, kwargs) in cases.items()}


def _threshold_cases(target):
    bucketed = _with(KERAS_CASES, target, num_thresholds=200)
    exact = {f"exact-{case}": call for case, call in _with(CURVE_CASES, target, return_threshold=False).items()}
    return {**bucketed, **exact}


CASES = {
    "accuracy_score": MULTICLASS_CASES,
    "error_rate": MULTICLASS_CASES,
    "confusion_matrix": MULTICLASS_CASES,
    "classification_report": _with(MULTICLASS_CASES, digits=4),
    "precision_recall_fscore_support": _with(AVERAGED_CASES, beta=0.5),
    "precision_score": AVERAGED_CASES,
    "recall_score": AVERAGED_CASES,
    "f1_score": AVERAGED_CASES,
    "fbeta_score": _with(AVERAGED_CASES, beta=2.0),
    "specificity_score": AVERAGED_CASES,
    "false_positive_rate": AVERAGED_CASES,
    "roc_curve": CURVE_CASES,
    "precision_recall_curve": _with(CURVE_CASES, drop_intermediate=True),
    "roc_auc_score": MULTICLASS_SCORE_CASES,
    "average_precision_score": {**CURVE_CASES, "multiclass": (_proba(120, 3, 10), {})},
    "auc": {
        "increasing": ((np.array([0.0, 0.1, 0.4, 1.0]), np.array([0.0, 0.5, 0.7, 1.0])), {}),
        "decreasing": ((np.array([1.0, 0.6, 0.2, 0.0]), np.array([1.0, 0.9, 0.3, 0.0])), {}),
        "float32": ((np.float32([0.0, 0.25, 0.5, 1.0]), np.float32([0.1, 0.4, 0.8, 1.0])), {}),
    },
    "precision_at_recall": _threshold_cases(0.8),
    "recall_at_precision": _threshold_cases(0.7),
    "sensitivity_at_specificity": _threshold_cases(0.9),
    "specificity_at_sensitivity": _threshold_cases(0.6),
    "keras_auc": {
        **KERAS_CASES,
        "pr-curve": (KERAS_CASES["ties"][0], {"curve": "PR"}),
        "multi-label": (tuple(np.float32(y).reshape(20, 3) for y in _scores(60, 0.4, 11)), {"multi_label": True}),
    },
    "brier_score_loss": {
        **PROBABILITY_CASES,
        "multiclass": (_proba(120, 3, 10), {"sample_weight": _weights(120, 10)}),
        "multiclass-labels": ((_proba(40, 3, 12)[0] * 2, _proba(40, 3, 12)[1]), {"labels": [0, 2, 4]}),
    },
    "log_loss": {
        **PROBABILITY_CASES,
        "multiclass": (_proba(120, 3, 10), {"sample_weight": _weights(120, 10)}),
        "multiclass-sum": (_proba(60, 4, 13), {"normalize": False}),
    },
    "calibration_curve": {
        **_with({case: call for case, call in PROBABILITY_CASES.items() if case != "weighted"}, n_bins=10),
        "quantile": (SCORES, {"strategy": "quantile", "n_bins": 7}),
        "quantile-ties": (TIES, {"strategy": "quantile"}),
    },
    "expected_calibration_error": {
        **PROBABILITY_CASES,
        "quantile": (SCORES, {"strategy": "quantile", "n_bins": 7}),
        "quantile-ties-weighted": (TIES, {"strategy": "quantile", "sample_weight": _weights(300, 7)}),
    },
    "matthews_corrcoef": MULTICLASS_CASES,
    "balanced_accuracy_score": {**MULTICLASS_CASES, "adjusted": (MULTICLASS, {"adjusted": True})},
    "jaccard_score": {
        **AVERAGED_CASES,
        "multilabel-samples": (MULTILABEL, {"average": "samples"}),
        "multilabel-weighted-samples": (MULTILABEL, {"average": "samples", "sample_weight": _weights(40, 12)}),
        "multilabel-micro": (MULTILABEL, {"average": "micro"}),
    },
    "hamming_loss": {**MULTICLASS_CASES, **MULTILABEL_CASES},
    "multilabel_confusion_matrix": {
        **MULTICLASS_CASES,
        **MULTILABEL_CASES,
        "multilabel-samplewise": (MULTILABEL, {"samplewise": True, "sample_weight": _weights(40, 12)}),
    },
    "iou": _with(IOU_CASES, num_classes=4, target_class_ids=[0, 2]),
    "mean_iou": _with(IOU_CASES, num_classes=4),
    "binary_iou": BINARY_IOU_CASES,
    "one_hot_iou": _with(ONE_HOT_CASES, num_classes=4, target_class_ids=[3]),
    "one_hot_mean_iou": _with(ONE_HOT_CASES, num_classes=4),
    "batch_averaged": {
        # np.dot of 0/1 labels and predictions: the true positives of each batch
        "batches-of-7": ((np.dot, *BINARY, 7), {}),
        "one-batch": ((np.dot, *BINARY, 60), {}),
        "per-batch": ((np.dot, *IMBALANCED, 16), {"return_per_batch": True}),
    },
}


# ---------------------------------------------------------------------------
# Independent references: scikit-learn, Keras, or a hand-worked value
# ---------------------------------------------------------------------------


def _negative_recall(y_true, y_pred, label, sample_weight):
    """Specificity of ``label``: scikit-learn's recall of the class "not label"."""
    return sk.recall_score(y_true != label, y_pred != label, sample_weight=sample_weight)


def _specificity(y_true, y_pred, *, average="binary", sample_weight=None):
    if average == "binary":
        return sk.recall_score(y_true, y_pred, pos_label=0, sample_weight=sample_weight)
    labels = np.unique(y_true)
    per_label = np.array([_negative_recall(y_true, y_pred, label, sample_weight) for label in labels])
    if average is None:
        return per_label
    support = None
    if average == "weighted":  # weighted by each label's support, as scikit-learn weights every score
        support = [np.sum((y_true == label) * (1 if sample_weight is None else sample_weight)) for label in labels]
    return float(np.average(per_label, weights=support))


def _false_positive_rate(y_true, y_pred, **kwargs):
    return 1 - np.asarray(_specificity(y_true, y_pred, **kwargs))


def _sklearn_threshold_metric(name):
    """Best rate under a floor on another, read off scikit-learn's full ROC curve."""

    def reference(y_true, y_score, target, *, sample_weight=None, return_threshold=False):
        fpr, tpr, thresholds = sk.roc_curve(y_true, y_score, sample_weight=sample_weight, drop_intermediate=False)
        weight = np.ones(len(y_true)) if sample_weight is None else sample_weight
        positives, negatives = np.sum(weight * (y_true == 1)), np.sum(weight * (y_true == 0))
        predicted = tpr * positives + fpr * negatives
        precision = np.divide(tpr * positives, predicted, out=np.zeros_like(tpr), where=predicted > 0)
        rates = {"recall": tpr, "precision": precision, "specificity": 1 - fpr}
        constrained, dependent = {
            "precision_at_recall": ("recall", "precision"),
            "recall_at_precision": ("precision", "recall"),
            "sensitivity_at_specificity": ("specificity", "recall"),
            "specificity_at_sensitivity": ("recall", "specificity"),
        }[name]
        feasible = rates[constrained] >= target - 1e-12
        return float(np.max(rates[dependent][feasible])) if feasible.any() else 0.0

    return reference


KERAS_CLASSES = {
    "precision_at_recall": ("PrecisionAtRecall", "recall"),
    "recall_at_precision": ("RecallAtPrecision", "precision"),
    "sensitivity_at_specificity": ("SensitivityAtSpecificity", "specificity"),
    "specificity_at_sensitivity": ("SpecificityAtSensitivity", "sensitivity"),
}


@cache
def _keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from lossviz._validation import import_keras

    return import_keras()


def _keras_reference(name, *args, **kwargs):
    keras = _keras()
    if name == "keras_auc":
        y_true, y_score = args
        metric = keras.metrics.AUC(
            num_thresholds=200, curve=kwargs.get("curve", "ROC"), multi_label=kwargs.get("multi_label", False)
        )
    else:
        class_name, target_name = KERAS_CLASSES[name]
        y_true, y_score, target = args
        metric = getattr(keras.metrics, class_name)(**{target_name: target}, num_thresholds=kwargs["num_thresholds"])
    metric.update_state(y_true, y_score, sample_weight=kwargs.get("sample_weight"))
    return float(metric.result())


def _batch_mean(metric_fn, y_true, y_pred, batch_size, *, return_per_batch=False):
    starts = range(0, len(y_true), batch_size)
    values = [metric_fn(y_true[start : start + batch_size], y_pred[start : start + batch_size]) for start in starts]
    return (float(np.mean(values)), np.array(values, dtype=float)) if return_per_batch else float(np.mean(values))


def _ece_from_sklearn_curve(y_true, y_prob, *, n_bins=10, strategy="uniform", sample_weight=None):
    """Unweighted: the count-weighted gap of scikit-learn's calibration curve. Weighted: each
    weighted sample repeated in proportion (weights scaled to integers) gives the same bins."""
    from sklearn.calibration import calibration_curve

    if sample_weight is not None:
        return _ece_weighted_by_hand(y_true, y_prob, n_bins, strategy, sample_weight)
    prob_true, prob_pred = calibration_curve(y_true, y_prob, n_bins=n_bins, strategy=strategy)
    edges = (
        np.linspace(0, 1, n_bins + 1)
        if strategy == "uniform"
        else np.percentile(y_prob, np.linspace(0, 100, n_bins + 1))
    )
    counts = np.bincount(np.searchsorted(edges[1:-1], y_prob), minlength=n_bins)
    return float(np.sum(counts[counts > 0] * np.abs(prob_true - prob_pred)) / len(y_prob))


def _ece_weighted_by_hand(y_true, y_prob, n_bins, strategy, sample_weight):
    edges = (
        np.linspace(0, 1, n_bins + 1)
        if strategy == "uniform"
        else np.percentile(y_prob, np.linspace(0, 100, n_bins + 1))
    )
    bins = np.searchsorted(edges[1:-1], y_prob)
    gaps = [
        abs(
            np.sum(sample_weight[bins == b] * (y_true[bins == b] == 1))
            - np.sum(sample_weight[bins == b] * y_prob[bins == b])
        )
        for b in range(n_bins)
    ]
    return float(np.sum(gaps) / np.sum(sample_weight))


IOU_CLASSES = {
    "iou": "IoU",
    "mean_iou": "MeanIoU",
    "binary_iou": "BinaryIoU",
    "one_hot_iou": "OneHotIoU",
    "one_hot_mean_iou": "OneHotMeanIoU",
}


def _keras_iou(name, *args, **kwargs):
    options = {key: value for key, value in kwargs.items() if key != "sample_weight"}
    metric = getattr(_keras().metrics, IOU_CLASSES[name])(**options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras's own warning about float weights counted in integers
        metric.update_state(*args, sample_weight=kwargs.get("sample_weight"))
    return float(metric.result())


def _sklearn(name):
    return f"sklearn.metrics.{name}", getattr(sk, name)


def reference_of(name, kwargs):
    """(what it is called, the function) that gives the reference value of this call:
    scikit-learn, Keras or a hand-worked formula. tools/proofs.py prints the name in the
    header of the block (lossviz/proofs.json)."""
    from sklearn.calibration import calibration_curve

    if name in IOU_CLASSES:
        return f"keras.metrics.{IOU_CLASSES[name]}", partial(_keras_iou, name)
    if name == "keras_auc" or (name in KERAS_CLASSES and kwargs.get("num_thresholds") is not None):
        label = "keras.metrics.AUC" if name == "keras_auc" else f"keras.metrics.{KERAS_CLASSES[name][0]}"
        return label, partial(_keras_reference, name)
    if name in KERAS_CLASSES:
        return "the best rate read off sklearn.metrics.roc_curve", _sklearn_threshold_metric(name)
    return {
        "error_rate": _sklearn("zero_one_loss"),
        "specificity_score": ("sklearn.metrics.recall_score of the negative class", _specificity),
        "false_positive_rate": ("1 - sklearn.metrics.recall_score of the negative class", _false_positive_rate),
        "calibration_curve": ("sklearn.calibration.calibration_curve", calibration_curve),
        "expected_calibration_error": (
            "the bins of sklearn.calibration.calibration_curve"
            if kwargs.get("sample_weight") is None
            else "a hand-worked weighted mean of the bins' gaps",  # calibration_curve takes no weights
            _ece_from_sklearn_curve,
        ),
        "batch_averaged": ("a hand-worked mean over batches", _batch_mean),
    }.get(name) or _sklearn(name)


def reference(name, args, kwargs):
    """The value scikit-learn, Keras or a hand-worked formula gives for this call."""
    _, function = reference_of(name, kwargs)
    return function(*args, **kwargs)


#: The tolerances of the comparison with the reference: Keras counts in float32.
KERAS_TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}
REFERENCE_TOLERANCE = {"rtol": 1e-12, "atol": 1e-15}


# ---------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------


def assert_equal(ours, theirs, *, rtol=0.0, atol=0.0, context=""):
    """Equal values (within tolerances) through tuples, dicts, strings and arrays."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and list(ours) == list(theirs), context
        for key in theirs:
            assert_equal(ours[key], theirs[key], rtol=rtol, atol=atol, context=f"{context}[{key!r}]")
    elif isinstance(theirs, tuple | list) and not isinstance(theirs, np.ndarray):
        assert isinstance(ours, tuple | list) and len(ours) == len(theirs), context
        for mine, other in zip(ours, theirs):
            assert_equal(mine, other, rtol=rtol, atol=atol, context=context)
    elif isinstance(theirs, str) or theirs is None:
        assert ours == theirs, f"{context}\n{ours}\n{theirs}"
    else:
        ours, theirs = np.asarray(ours), np.asarray(theirs)
        assert ours.shape == theirs.shape, f"{context}: shape {ours.shape} != {theirs.shape}"
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True, err_msg=context)


@cache
def alone_results(name):
    """The block of ``name`` run by itself in a fresh process, on every case of ``name``."""
    calls = list(CASES[name].values())
    return dict(zip(CASES[name], run_alone(standalone_source(name), name, calls)))


def test_every_metric_has_cases():
    assert sorted(CASES) == sorted(METRIC_NAMES)
    assert all(len(cases) >= 3 for cases in CASES.values())


def _reference_is_keras(name, case):
    """The reference of this case is computed by Keras."""
    return reference_of(name, CASES[name][case][1])[0].startswith("keras.")


@pytest.mark.parametrize(
    "name, case",
    [
        pytest.param(
            name, case, id=f"{name}-{case}", marks=[pytest.mark.keras] if _reference_is_keras(name, case) else []
        )
        for name in CASES
        for case in CASES[name]
    ],
)
def test_block_alone_equals_the_library_and_the_reference(name, case):
    args, kwargs = CASES[name][case]
    alone = alone_results(name)[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        library = getattr(lv, name)(*args, **kwargs)
        expected = reference(name, args, kwargs)
    assert_equal(alone, library, context=f"{name}[{case}] alone vs library")
    if _reference_is_keras(name, case):
        assert_equal(library, expected, **KERAS_TOLERANCE, context=f"{name}[{case}] vs Keras")
    else:
        assert_equal(library, expected, **REFERENCE_TOLERANCE, context=f"{name}[{case}] vs reference")


@pytest.mark.parametrize("name", METRIC_NAMES)
def test_block_is_short_and_leaves_validation_out(name):
    source = standalone_source(name)
    assert code_lines(source) <= 150, f"{name}: {code_lines(source)} lines of code"
    assert "check_" not in source and "fail(" not in source
