"""Malformed input to lossviz.metrics fails loudly: a ValueError naming the argument.

Every case calls one function with one thing wrong and matches the message, which
must name the argument, say what was expected, and what arrived.
"""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import metrics as lv

Y = np.array([0, 1, 1, 0, 1])
P = np.array([0, 1, 0, 0, 1])
S = np.array([0.1, 0.8, 0.4, 0.3, 0.9])
S_NAN = np.array([0.1, np.nan, 0.4, 0.3, 0.9])
Y3 = np.array([0, 1, 2, 2, 1, 0])
PROBA3 = np.array(
    [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.1, 0.1, 0.8], [0.3, 0.6, 0.1], [0.5, 0.3, 0.2]]
)

CASES = [
    # lengths that differ
    (
        "precision-length",
        lambda: lv.precision_score(Y, P[:4]),
        r"argument `y_pred`.*same number of samples as `y_true` \(5\).*Received: 4",
    ),
    ("accuracy-length", lambda: lv.accuracy_score(Y[:3], P), r"argument `y_pred`.*same number of samples.*Received: 5"),
    ("confusion-length", lambda: lv.confusion_matrix(Y, P[:2]), r"argument `y_pred`.*same number of samples"),
    (
        "roc-curve-length",
        lambda: lv.roc_curve(Y, S[:4]),
        r"argument `y_score`.*same number of samples as `y_true` \(5\)",
    ),
    ("roc-auc-length", lambda: lv.roc_auc_score(Y, S[:4]), r"argument `y_score`.*same number of samples"),
    (
        "average-precision-length",
        lambda: lv.average_precision_score(Y, S[:2]),
        r"argument `y_score`.*same number of samples",
    ),
    (
        "pr-curve-length",
        lambda: lv.precision_recall_curve(Y[:4], S),
        r"argument `y_score`.*same number of samples as `y_true` \(4\)",
    ),
    (
        "weight-length",
        lambda: lv.f1_score(Y, P, sample_weight=[1, 2]),
        r"argument `sample_weight`.*one weight per sample \(5\).*Received: 2",
    ),
    (
        "curve-weight-length",
        lambda: lv.roc_curve(Y, S, sample_weight=[1.0] * 6),
        r"argument `sample_weight`.*one weight per sample \(5\)",
    ),
    (
        "keras-auc-shape",
        lambda: lv.keras_auc(Y, S[:4]),
        r"argument `y_score`.*shape of `y_true` \(5,\).*Received: shape \(4,\)",
    ),
    ("at-recall-shape", lambda: lv.precision_at_recall(Y, S[:3], 0.5), r"argument `y_score`.*shape of `y_true`"),
    ("auc-length", lambda: lv.auc([0, 0.5, 1], [0, 1]), r"argument `y`.*same number of samples as `x` \(3\)"),
    (
        "batch-averaged-length",
        lambda: lv.batch_averaged(lv.recall_score, Y, P[:3]),
        r"argument `y_pred`.*same number of samples",
    ),
    # NaN / inf scores
    (
        "roc-curve-nan",
        lambda: lv.roc_curve(Y, S_NAN),
        r"argument `y_score`.*finite values.*1 non-finite value\(s\), the first .*nan.* at index \(1,\)",
    ),
    ("roc-auc-nan", lambda: lv.roc_auc_score(Y, S_NAN), r"argument `y_score`.*finite values"),
    (
        "roc-auc-inf",
        lambda: lv.roc_auc_score(Y, np.where(S > 0.5, np.inf, S)),
        r"argument `y_score`.*finite.*2 non-finite value\(s\), the first .*inf",
    ),
    ("average-precision-nan", lambda: lv.average_precision_score(Y, S_NAN), r"argument `y_score`.*finite values"),
    ("pr-curve-nan", lambda: lv.precision_recall_curve(Y, S_NAN), r"argument `y_score`.*finite values"),
    (
        "multilabel-auc-nan",
        lambda: lv.roc_auc_score(np.eye(3, dtype=int)[[0, 1, 2, 0]], np.full((4, 3), np.nan)),
        r"argument `y_score`.*finite values",
    ),
    (
        "ovr-nan",
        lambda: lv.roc_auc_score(Y3, np.where(PROBA3 > 0.7, np.nan, PROBA3), multi_class="ovr"),
        r"argument `y_score`.*finite",
    ),
    ("keras-auc-nan", lambda: lv.keras_auc(Y, S_NAN), r"argument `y_score`.*finite values"),
    ("at-specificity-nan", lambda: lv.sensitivity_at_specificity(Y, S_NAN, 0.5), r"argument `y_score`.*finite values"),
    ("nan-labels", lambda: lv.accuracy_score([0.0, np.nan, 1.0], [0, 1, 1]), r"argument `y_true`.*finite values"),
    (
        "nan-weight",
        lambda: lv.recall_score(Y, P, sample_weight=[1, np.nan, 1, 1, 1]),
        r"argument `sample_weight`.*finite values",
    ),
    ("auc-nan", lambda: lv.auc([0, np.nan, 1], [0, 1, 1]), r"argument `x`.*finite values"),
    # more than two classes for binary-only functions
    (
        "roc-curve-three-classes",
        lambda: lv.roc_curve(Y3, S.tolist() + [0.5]),
        r"argument `y_true`.*two classes.*pos_label=.*Received: 3 classes \[0, 1, 2\]",
    ),
    (
        "pr-curve-three-classes",
        lambda: lv.precision_recall_curve(Y3, np.arange(6.0)),
        r"argument `y_true`.*two classes.*Received: 3 classes",
    ),
    (
        "precision-binary-average-multiclass",
        lambda: lv.precision_score(Y3, Y3[::-1]),
        r"argument `average`.*for a multiclass target.*Received: average='binary'",
    ),
    ("specificity-binary-average-multiclass", lambda: lv.specificity_score(Y3, Y3), r"argument `average`.*multiclass"),
    (
        "roc-curve-multilabel",
        lambda: lv.roc_curve(np.eye(2, dtype=int), np.eye(2)),
        r"argument `y_true`.*1-D array of binary labels",
    ),
    # ovr / ovo probabilities
    (
        "ovr-rows-not-summing-to-one",
        lambda: lv.roc_auc_score(Y3, PROBA3 * 2, multi_class="ovr"),
        r"argument `y_score`.*rows sum to 1 for multi_class='ovr'.*Received: row sums from 2 to 2",
    ),
    (
        "ovo-rows-not-summing-to-one",
        lambda: lv.roc_auc_score(Y3, PROBA3 + 0.1, multi_class="ovo"),
        r"argument `y_score`.*rows sum to 1 for multi_class='ovo'",
    ),
    (
        "ovr-logits",
        lambda: lv.roc_auc_score(Y3, np.log(PROBA3), multi_class="ovr"),
        r"argument `y_score`.*apply a softmax to logits",
    ),
    (
        "multiclass-needs-multi-class",
        lambda: lv.roc_auc_score(Y3, PROBA3),
        r"argument `multi_class`.*'ovr' or 'ovo'.*Received: multi_class='raise'",
    ),
    (
        "multiclass-1d-scores",
        lambda: lv.roc_auc_score(Y3, np.linspace(0, 1, 6), multi_class="ovr"),
        r"argument `y_score`.*shape \(n_samples, n_classes\)",
    ),
    (
        "multiclass-wrong-columns",
        lambda: lv.roc_auc_score(Y3, PROBA3[:, :2] / PROBA3[:, :2].sum(1, keepdims=True), multi_class="ovr"),
        r"argument `y_score`.*one column per class of y_true \(3\)",
    ),
    (
        "ovo-with-weights",
        lambda: lv.roc_auc_score(Y3, PROBA3, multi_class="ovo", sample_weight=np.ones(6)),
        r"argument `sample_weight`.*None for multi_class='ovo'",
    ),
    (
        "ovo-average-none",
        lambda: lv.roc_auc_score(Y3, PROBA3, multi_class="ovo", average=None),
        r"argument `average`.*for multi_class='ovo'",
    ),
    (
        "ovr-average-samples",
        lambda: lv.roc_auc_score(Y3, PROBA3, multi_class="ovr", average="samples"),
        r"argument `average`.*for multi_class='ovr'",
    ),
    (
        "multiclass-max-fpr",
        lambda: lv.roc_auc_score(Y3, PROBA3, multi_class="ovr", max_fpr=0.5),
        r"argument `max_fpr`.*only defined for binary",
    ),
    (
        "multiclass-unsorted-labels",
        lambda: lv.roc_auc_score(Y3, PROBA3, multi_class="ovr", labels=[2, 1, 0]),
        r"argument `labels`.*sorted labels",
    ),
    (
        "multiclass-duplicate-labels",
        lambda: lv.roc_auc_score(Y3, PROBA3, multi_class="ovr", labels=[0, 1, 1]),
        r"argument `labels`.*unique labels",
    ),
    (
        "multiclass-labels-missing-class",
        lambda: lv.roc_auc_score(Y3, PROBA3, multi_class="ovr", labels=[0, 1, 3]),
        r"argument `y_true`.*only the given labels.*Received: \[2\]",
    ),
    # binary scores of the wrong shape
    (
        "binary-auc-two-proba-columns",
        lambda: lv.roc_auc_score(Y, np.c_[1 - S, S]),
        r"argument `y_score`.*1-D array of scores for the positive class.*take column 1.*Received: an array of shape \(5, 2\)",
    ),
    ("binary-curve-two-columns", lambda: lv.roc_curve(Y, np.c_[1 - S, S]), r"argument `y_score`.*take column 1"),
    (
        "multilabel-auc-wrong-shape",
        lambda: lv.roc_auc_score(np.eye(3, dtype=int)[[0, 1, 2, 0]], np.zeros((4, 2))),
        r"argument `y_score`.*shape \(4, 3\).*Received: shape \(4, 2\)",
    ),
    # labels versus scores
    (
        "scores-as-labels",
        lambda: lv.precision_score(Y, S),
        r"argument `y_pred`.*threshold scores first.*Received: continuous values such as",
    ),
    ("scores-as-labels-accuracy", lambda: lv.accuracy_score(Y, S), r"argument `y_pred`.*class labels"),
    (
        "mixed-label-kinds",
        lambda: lv.f1_score(["a", "b", "a"], [0, 1, 0], average="macro"),
        r"argument `y_pred`.*labels of the same kind as `y_true`",
    ),
    (
        "mixed-objects",
        lambda: lv.accuracy_score(np.array(["a", 1, None], dtype=object), ["a", "b", "c"]),
        r"argument `y_true`.*labels of one kind",
    ),
    (
        "multilabel-vs-multiclass",
        lambda: lv.f1_score(np.eye(3, dtype=int), [0, 1, 2], average="macro"),
        r"argument `y_pred`.*same kind of target as `y_true` \(multilabel-indicator\)",
    ),
    (
        "non-binary-indicator",
        lambda: lv.f1_score(np.full((3, 2), 2), np.eye(3, 2), average="macro"),
        r"argument `y_true`.*indicator matrix of 0s and 1s",
    ),
    (
        "string-labels-no-pos-label",
        lambda: lv.roc_curve(["ham", "spam", "spam"], [0.1, 0.9, 0.4]),
        r"argument `pos_label`.*may be None only when y_true takes values in \{0, 1\} or \{-1, 1\}.*\['ham', 'spam'\]",
    ),
    (
        "pos-label-absent",
        lambda: lv.precision_score(Y, P, pos_label=2),
        r"argument `pos_label`.*one of the labels \[0, 1\].*Received: pos_label=2",
    ),
    (
        "ap-pos-label-absent",
        lambda: lv.average_precision_score(Y, S, pos_label=3),
        r"argument `pos_label`.*one of the labels \[0, 1\]",
    ),
    (
        "ap-multiclass-pos-label",
        lambda: lv.average_precision_score(Y3, PROBA3, pos_label=2),
        r"argument `pos_label`.*1 \(fixed\) for a multiclass target",
    ),
    (
        "samples-average-multiclass",
        lambda: lv.recall_score(Y3, Y3, average="samples"),
        r"argument `average`.*'samples' averages over the rows of a multilabel",
    ),
    # option values
    (
        "unknown-average",
        lambda: lv.f1_score(Y, P, average="mean"),
        r"argument `average`.*Expected one of.*Received: average='mean'",
    ),
    ("auc-unknown-average", lambda: lv.roc_auc_score(Y, S, average="binary"), r"argument `average`"),
    (
        "zero-division",
        lambda: lv.precision_score(Y, P, zero_division=0.5),
        r"argument `zero_division`.*\"warn\", 0.0, 1.0 or np.nan.*Received: zero_division=0.5",
    ),
    (
        "negative-beta",
        lambda: lv.fbeta_score(Y, P, beta=-1.0),
        r"argument `beta`.*a number in \[0, inf\].*Received: beta=-1.0",
    ),
    ("max-fpr-zero", lambda: lv.roc_auc_score(Y, S, max_fpr=0.0), r"argument `max_fpr`.*\(0, 1\]"),
    ("max-fpr-above-one", lambda: lv.roc_auc_score(Y, S, max_fpr=1.5), r"argument `max_fpr`"),
    (
        "multi-class-option",
        lambda: lv.roc_auc_score(Y3, PROBA3, multi_class="ova"),
        r"argument `multi_class`.*Received: multi_class='ova'",
    ),
    (
        "normalize-option",
        lambda: lv.confusion_matrix(Y, P, normalize="rows"),
        r"argument `normalize`.*Received: normalize='rows'",
    ),
    ("confusion-labels-empty", lambda: lv.confusion_matrix(Y, P, labels=[]), r"argument `labels`.*at least one label"),
    (
        "confusion-labels-absent",
        lambda: lv.confusion_matrix(Y, P, labels=[5, 6]),
        r"argument `labels`.*at least one label that occurs in `y_true`",
    ),
    (
        "confusion-multilabel",
        lambda: lv.confusion_matrix(np.eye(3, dtype=int), np.eye(3, dtype=int)),
        r"argument `y_true`.*1-D class labels",
    ),
    (
        "multilabel-label-index",
        lambda: lv.f1_score(np.eye(3, dtype=int), np.eye(3, dtype=int), labels=[0, 3], average="macro"),
        r"argument `labels`.*column indices in \[0, 3\)",
    ),
    (
        "report-target-names",
        lambda: lv.classification_report(Y, P, target_names=["a", "b", "c"]),
        r"argument `target_names`.*one name per label \(2\).*Received: 3 names",
    ),
    (
        "negative-weight",
        lambda: lv.accuracy_score(Y, P, sample_weight=[1, -1, 1, 1, 1]),
        r"argument `sample_weight`.*non-negative weights",
    ),
    (
        "zero-weights-accuracy",
        lambda: lv.accuracy_score(Y, P, sample_weight=np.zeros(5)),
        r"argument `sample_weight`.*at least one positive weight",
    ),
    (
        "zero-weights-curve",
        lambda: lv.roc_curve(Y, S, sample_weight=np.zeros(5)),
        r"argument `sample_weight`.*at least one positive weight",
    ),
    (
        "weight-2d",
        lambda: lv.precision_score(Y, P, sample_weight=np.ones((5, 1))),
        r"argument `sample_weight`.*1-D array",
    ),
    ("empty-labels", lambda: lv.accuracy_score([], []), r"argument `y_true`.*non-empty"),
    ("empty-scores", lambda: lv.roc_curve([], []), r"argument `y_true`.*non-empty"),
    ("empty-scores-only", lambda: lv.average_precision_score([0, 1], []), r"argument `y_score`.*non-empty"),
    ("string-scores", lambda: lv.roc_curve(Y, list("abcde")), r"argument `y_score`.*numeric scores"),
    (
        "3d-labels",
        lambda: lv.accuracy_score(np.zeros((2, 2, 2)), np.zeros((2, 2, 2))),
        r"argument `y_true`.*1-D array of class labels",
    ),
    ("auc-one-point", lambda: lv.auc([0.5], [1.0]), r"argument `x`.*at least 2 points"),
    ("auc-not-monotonic", lambda: lv.auc([0, 1, 0.5], [0, 1, 1]), r"argument `x`.*monotonic values"),
    # Keras-style options
    (
        "keras-auc-curve",
        lambda: lv.keras_auc(Y, S, curve="AP"),
        r"argument `curve`.*'ROC', 'PR', 'PRGAIN'.*Received: curve='AP'",
    ),
    (
        "keras-auc-summation",
        lambda: lv.keras_auc(Y, S, summation_method="simpson"),
        r"argument `summation_method`.*'interpolation', 'minoring', 'majoring'",
    ),
    (
        "keras-auc-num-thresholds",
        lambda: lv.keras_auc(Y, S, num_thresholds=1),
        r"argument `num_thresholds`.*an integer > 1.*Received: num_thresholds=1",
    ),
    (
        "keras-auc-float-thresholds",
        lambda: lv.keras_auc(Y, S, num_thresholds=20.5),
        r"argument `num_thresholds`.*integer",
    ),
    (
        "keras-auc-multilabel-1d",
        lambda: lv.keras_auc(Y, S, multi_label=True),
        r"argument `y_true`.*2-D array \(n_samples, n_labels\) for multi_label=True",
    ),
    (
        "keras-auc-shape-beyond-trailing-1",
        lambda: lv.keras_auc(Y, S[:4]),
        r"argument `y_score`.*the shape of `y_true` \(5,\) up to a trailing axis of size 1.*Received: shape \(4,\)",
    ),
    (
        "keras-auc-multilabel-no-alignment",
        lambda: lv.keras_auc(Y[:4].reshape(2, 2), S[:4].reshape(2, 2, 1), multi_label=True),
        r"argument `y_score`.*the shape of `y_true` \(2, 2\). Received",
    ),
    (
        "at-recall-string-labels",
        lambda: lv.precision_at_recall(np.array(list("abcab")), S, 0.5),
        r"argument `y_true`.*binary labels 0 and 1.*dtype",
    ),
    (
        "keras-auc-weight-shape",
        lambda: lv.keras_auc(Y, S, sample_weight=np.ones(3)),
        r"argument `sample_weight`.*one weight per sample",
    ),
    (
        "at-recall-above-one",
        lambda: lv.precision_at_recall(Y, S, 1.2),
        r"argument `recall`.*a number in \[0, 1\].*Received: recall=1.2",
    ),
    ("at-precision-negative", lambda: lv.recall_at_precision(Y, S, -0.1), r"argument `precision`.*\[0, 1\]"),
    ("at-specificity-nan-target", lambda: lv.sensitivity_at_specificity(Y, S, float("nan")), r"argument `specificity`"),
    (
        "at-sensitivity-text",
        lambda: lv.specificity_at_sensitivity(Y, S, "high"),
        r"argument `sensitivity`.*a real number",
    ),
    (
        "at-num-thresholds",
        lambda: lv.precision_at_recall(Y, S, 0.5, num_thresholds=0),
        r"argument `num_thresholds`.*None \(exact, every distinct threshold\) or an integer >= 1",
    ),
    (
        "batch-size-zero",
        lambda: lv.batch_averaged(lv.recall_score, Y, P, 0),
        r"argument `batch_size`.*an integer >= 1.*Received: batch_size=0",
    ),
    ("batch-size-float", lambda: lv.batch_averaged(lv.recall_score, Y, P, batch_size=2.5), r"argument `batch_size`"),
    ("batch-metric-not-callable", lambda: lv.batch_averaged("f1", Y, P), r"argument `metric_fn`.*a callable"),
    # calibration: probabilities, classes, bins
    (
        "brier-above-one",
        lambda: lv.brier_score_loss(Y, S + 0.5),
        r"argument `y_proba`.*values in \[0, 1\].*Received: min=0.6, max=1.4",
    ),
    ("brier-nan", lambda: lv.brier_score_loss(Y, S_NAN), r"argument `y_proba`.*finite values"),
    ("brier-length", lambda: lv.brier_score_loss(Y, S[:3]), r"argument `y_proba`.*same number of samples"),
    ("brier-multiclass-1d", lambda: lv.brier_score_loss(Y3, S[:1].repeat(6)), r"argument `y_true`.*two classes"),
    (
        "brier-strings-no-pos-label",
        lambda: lv.brier_score_loss(np.array(["a", "b", "a", "b", "b"]), S),
        r"argument `pos_label`.*string labels need pos_label",
    ),
    ("brier-scale", lambda: lv.brier_score_loss(Y, S, scale_by_half="yes"), r"argument `scale_by_half`"),
    ("brier-columns", lambda: lv.brier_score_loss(Y3, PROBA3[:, :2]), r"argument `y_proba`.*one column per class"),
    ("brier-weights-zero", lambda: lv.brier_score_loss(Y, S, sample_weight=np.zeros(5)), r"`sample_weight`.*positive"),
    ("log-loss-negative", lambda: lv.log_loss(Y, S - 0.2), r"argument `y_proba`.*values in \[0, 1\]"),
    ("log-loss-one-class", lambda: lv.log_loss([1, 1, 1], [0.9, 0.8, 0.7]), r"argument `labels`.*only one"),
    ("log-loss-unlisted", lambda: lv.log_loss(Y3, PROBA3, labels=[0, 1, 3]), r"argument `y_true`.*passed in `labels`"),
    ("log-loss-one-label", lambda: lv.log_loss(Y3, PROBA3, labels=[1, 1]), r"argument `labels`.*two distinct labels"),
    ("log-loss-columns", lambda: lv.log_loss(Y, PROBA3[:5]), r"argument `y_proba`.*one column per class.*Received: 3"),
    ("log-loss-text", lambda: lv.log_loss(Y, np.array(["a"] * 5)), r"argument `y_proba`.*numeric probabilities"),
    (
        "calibration-curve-multiclass",
        lambda: lv.calibration_curve(Y3, S[:1].repeat(6)),
        r"argument `y_true`.*binary labels.*multiclass",
    ),
    ("calibration-curve-2d", lambda: lv.calibration_curve(Y3, PROBA3), r"argument `y_prob`.*a 1-D array"),
    (
        "calibration-curve-pos-label",
        lambda: lv.calibration_curve(Y + 1, S),
        r"argument `pos_label`.*None only when y_true takes values in \{0, 1\}",
    ),
    ("calibration-curve-bins", lambda: lv.calibration_curve(Y, S, n_bins=0), r"argument `n_bins`.*integer >= 1"),
    ("calibration-curve-bins-float", lambda: lv.calibration_curve(Y, S, n_bins=2.0), r"argument `n_bins`"),
    ("calibration-curve-strategy", lambda: lv.calibration_curve(Y, S, strategy="mass"), r"argument `strategy`"),
    ("ece-above-one", lambda: lv.expected_calibration_error(Y, S * 2), r"argument `y_prob`.*values in \[0, 1\]"),
    ("ece-strategy", lambda: lv.expected_calibration_error(Y, S, strategy="equal"), r"argument `strategy`"),
    ("ece-weights", lambda: lv.expected_calibration_error(Y, S, sample_weight=[1, 2]), r"`sample_weight`.*\(5\)"),
    (
        "ece-labels",
        lambda: lv.expected_calibration_error(Y * 2, S),
        r"argument `y_true`.*labels in \{0, 1\} or \{-1, 1\}.*Received: classes \[0, 2\]",
    ),
    ("mcc-multilabel", lambda: lv.matthews_corrcoef(np.eye(3), np.eye(3)), r"argument `y_true`.*binary or multiclass"),
    ("mcc-scores", lambda: lv.matthews_corrcoef(Y, S), r"argument `y_pred`.*class labels"),
    ("balanced-length", lambda: lv.balanced_accuracy_score(Y, P[:3]), r"argument `y_pred`.*same number of samples"),
    (
        "balanced-weights-zero",
        lambda: lv.balanced_accuracy_score(Y, P, sample_weight=np.zeros(5)),
        r"argument `sample_weight`.*at least one positive weight",
    ),
]


@pytest.mark.parametrize("call, message", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_malformed_input_raises_a_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message) as error:
        call()
    assert str(error.value).startswith("Invalid value for argument `")


def test_every_error_case_has_a_distinct_name():
    names = [case[0] for case in CASES]
    assert len(names) == len(set(names))
