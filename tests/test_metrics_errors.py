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
ML = np.array([[0, 1], [1, 1], [0, 0]])
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
    # set-wise metrics (multilabel.py)
    ("jaccard-nan-zero-division", lambda: lv.jaccard_score(Y, P, zero_division=np.nan), r"argument `zero_division`"),
    (
        "jaccard-samples-zero-weights",
        lambda: lv.jaccard_score(ML, ML, average="samples", sample_weight=[0, 0, 0]),
        r"argument `sample_weight`.*at least one non-zero weight for average='samples'",
    ),
    ("jaccard-binary-multiclass", lambda: lv.jaccard_score(Y3, Y3), r"argument `average`.*multiclass"),
    ("jaccard-samples-1d", lambda: lv.jaccard_score(Y3, Y3, average="samples"), r"argument `average`.*multilabel"),
    (
        "mlcm-samplewise-1d",
        lambda: lv.multilabel_confusion_matrix(Y, P, samplewise=True),
        r"argument `samplewise`.*False for a 1-D target.*Received: samplewise=True",
    ),
    (
        "mlcm-label-column",
        lambda: lv.multilabel_confusion_matrix(ML, ML, labels=[0, 3]),
        r"argument `labels`.*column indices in \[0, 2\)",
    ),
    ("mlcm-length", lambda: lv.multilabel_confusion_matrix(Y, P[:3]), r"argument `y_pred`.*same number of samples"),
    ("hamming-zero-weights", lambda: lv.hamming_loss(Y, P, sample_weight=[0] * 5), r"argument `sample_weight`"),
    ("hamming-scores", lambda: lv.hamming_loss(Y, S), r"argument `y_pred`.*continuous values"),
    # Keras's IoU family (iou_metrics.py)
    ("iou-num-classes-zero", lambda: lv.mean_iou(Y, P, num_classes=0), r"argument `num_classes`.*an integer >= 1"),
    ("iou-num-classes-float", lambda: lv.mean_iou(Y, P, num_classes=2.5), r"argument `num_classes`"),
    (
        "iou-target-out-of-range",
        lambda: lv.iou(Y, P, num_classes=2, target_class_ids=[2]),
        r"argument `target_class_ids`.*class ids in \[0, num_classes=2\).*Received: target_class_ids=\[2\]",
    ),
    ("iou-target-empty", lambda: lv.iou(Y, P, num_classes=2, target_class_ids=[]), r"argument `target_class_ids`"),
    ("iou-target-float", lambda: lv.iou(Y, P, num_classes=2, target_class_ids=[0.5]), r"argument `target_class_ids`"),
    ("iou-ignore-class", lambda: lv.mean_iou(Y, P, num_classes=2, ignore_class=0.5), r"argument `ignore_class`"),
    ("iou-sparse-flag", lambda: lv.mean_iou(Y, P, num_classes=2, sparse_y_pred="no"), r"argument `sparse_y_pred`"),
    ("iou-axis", lambda: lv.one_hot_mean_iou(PROBA3, PROBA3, num_classes=3, axis=1), r"argument `axis`.*-1 or 0"),
    ("iou-dtype", lambda: lv.mean_iou(Y, P, num_classes=2, dtype="float8"), r"argument `dtype`"),
    ("iou-nan", lambda: lv.mean_iou(S_NAN, P, num_classes=2), r"argument `y_true`.*finite values"),
    (
        "iou-nan-scores",
        lambda: lv.one_hot_mean_iou(PROBA3, PROBA3 * np.nan, num_classes=3),
        r"argument `y_pred`.*finite",
    ),
    ("iou-strings", lambda: lv.mean_iou(["a", "b"], [0, 1], num_classes=2), r"argument `y_true`.*numeric array"),
    (
        "iou-sizes",
        lambda: lv.mean_iou(Y, P[:4], num_classes=2),
        r"argument `y_pred`.*one class id \(or one row of scores\) per label of `y_true` \(5\).*Received: 4",
    ),
    (
        "iou-scores-rows",
        lambda: lv.one_hot_mean_iou(PROBA3, PROBA3[:4], num_classes=3),
        r"argument `y_pred`.*per label of `y_true` \(6\).*Received: 4",
    ),
    (
        "iou-weight-shape",
        lambda: lv.mean_iou(Y, P, num_classes=2, sample_weight=[1, 2]),
        r"argument `sample_weight`.*a scalar or one weight per label \(5\).*Received: shape \(2,\)",
    ),
    (
        "iou-weight-nan",
        lambda: lv.mean_iou(Y, P, num_classes=2, sample_weight=S_NAN),
        r"argument `sample_weight`.*finite",
    ),
    ("binary-iou-target", lambda: lv.binary_iou(Y, S, target_class_ids=[2]), r"argument `target_class_ids`.*0 and 1"),
    ("binary-iou-threshold", lambda: lv.binary_iou(Y, S, threshold="high"), r"argument `threshold`.*a real number"),
    ("binary-iou-nan", lambda: lv.binary_iou(Y, S_NAN), r"argument `y_pred`.*finite"),
]


@pytest.mark.parametrize("call, message", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_malformed_input_raises_a_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message) as error:
        call()
    assert str(error.value).startswith("Invalid value for argument `")


def test_every_error_case_has_a_distinct_name():
    names = [case[0] for case in CASES]
    assert len(names) == len(set(names))
