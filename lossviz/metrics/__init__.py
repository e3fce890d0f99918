"""Classification metrics and curves in NumPy, with scikit-learn's names and results.

=======================  ==========================================================  ========
module                   functions                                                   notebook
=======================  ==========================================================  ========
``labels``               accuracy_score, error_rate, confusion_matrix                 05
``precision_recall``     precision_recall_fscore_support, precision_score,           05
                         recall_score, fbeta_score, f1_score, specificity_score,
                         false_positive_rate, classification_report
``ranking``              roc_curve, precision_recall_curve, auc, roc_auc_score,      06
                         average_precision_score
``keras_thresholds``     precision_at_recall, recall_at_precision,                   06
                         sensitivity_at_specificity, specificity_at_sensitivity,
                         keras_auc
``batch``                batch_averaged (what Keras logs for a batch-wise metric)    05
``_checks``              the input checks every public function starts with
``_fast_sort``           the library's faster sort for the ranking metrics
=======================  ==========================================================  ========

Signatures, defaults and results are scikit-learn's (tests compare them with the
installed scikit-learn); the Keras-named ones reproduce Keras's metric classes.
Undefined cases behave as scikit-learn does (an :class:`UndefinedMetricWarning` and
the ``zero_division`` value, or nan); malformed input raises ``ValueError`` naming
the argument.

Averaging, which many tutorials swap:

* ``average="micro"`` pools every decision first (the true-positive, false-positive
  and false-negative counts of all labels are added), then computes one score. For
  ROC AUC, the one-vs-rest problems are raveled into one long binary problem.
* ``average="macro"`` computes one score per label, then takes their unweighted
  mean: every label counts the same, however rare.
* ``average="weighted"`` is the macro mean weighted by each label's support (its
  number of true instances).

Readable and fast. Every public function is written to be read and copied: its
formula inline, after a short first step of ``check_*`` calls that only raise on
malformed input, so ``lossviz.standalone_source(name)`` hands out the function with
the helpers it needs and without the checks. The one place where speed needs less
readable code is the sort behind the ranking metrics: ``ranking._sorted_by_score``
is the readable stable argsort that snippets copy, and where the counts are taken
(``ranking._counts_at_thresholds``) an ``if fast_sort_applies(...)`` hands float
scores to ``_fast_sort``: the same counts, several times faster
(``bench/bench_metrics.py`` measures it against scikit-learn and Keras). Nothing is
swapped at import time. Tests hold both paths to scikit-learn's results.

This package imports NumPy only.
"""

from __future__ import annotations

from lossviz.metrics._common import UndefinedMetricWarning
from lossviz.metrics.batch import batch_averaged
from lossviz.metrics.keras_thresholds import (
    keras_auc,
    precision_at_recall,
    recall_at_precision,
    sensitivity_at_specificity,
    specificity_at_sensitivity,
)
from lossviz.metrics.labels import accuracy_score, confusion_matrix, error_rate
from lossviz.metrics.precision_recall import (
    classification_report,
    f1_score,
    false_positive_rate,
    fbeta_score,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
    specificity_score,
)
from lossviz.metrics.ranking import auc, average_precision_score, precision_recall_curve, roc_auc_score, roc_curve

__all__ = [
    "UndefinedMetricWarning",
    "accuracy_score",
    "confusion_matrix",
    "precision_score",
    "recall_score",
    "f1_score",
    "fbeta_score",
    "precision_recall_fscore_support",
    "classification_report",
    "specificity_score",
    "false_positive_rate",
    "error_rate",
    "roc_curve",
    "roc_auc_score",
    "precision_recall_curve",
    "average_precision_score",
    "auc",
    "precision_at_recall",
    "recall_at_precision",
    "sensitivity_at_specificity",
    "specificity_at_sensitivity",
    "keras_auc",
    "batch_averaged",
]
