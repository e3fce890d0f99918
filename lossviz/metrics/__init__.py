"""Classification metrics and curves in NumPy, with scikit-learn's names and results.

=======================  ==========================================================  ========
module                   functions                                                   notebook
=======================  ==========================================================  ========
``labels``               accuracy, error rate, the confusion matrix                  05
``precision_recall``     precision, recall, F-beta, specificity, false positive      05
                         rate, the classification report
``ranking``              ROC and precision-recall curves, their areas                06
``keras_thresholds``     Keras's threshold metrics (precision_at_recall ...) and     06
                         keras_auc
``batch``                batch_averaged (what Keras logs for a batch-wise metric)    05
``calibration``          Brier score, log loss, the calibration curve and its        12
                         expected error; MCC, balanced accuracy
``multilabel``           jaccard_score, hamming_loss, multilabel_confusion_matrix    10
``iou_metrics``          Keras's IoU family: iou, mean_iou, binary_iou,              11
                         one_hot_iou, one_hot_mean_iou
``_checks``              the input checks every public function starts with
``_calibration_checks``  the input checks of ``calibration``
``_counts``              the one-vs-rest counts behind the precision_recall scores
``_fast_sort``           the library's faster sort for the ranking metrics
``_checks_overlap``      the input checks of ``multilabel`` and ``iou_metrics``
``_fast_confusion``      the library's faster confusion matrix of integer class ids
``_registry``            ``register_metric`` and :data:`METRICS`, the one list
=======================  ==========================================================  ========

Each metric registers itself where it is defined (``@register_metric``):
:data:`METRICS` lists every one by name, and each is an attribute of this package.

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
from lossviz.metrics._registry import METRICS, register_metric

# Importing a family module registers its metrics (``@register_metric`` on each
# definition). This order is the order of METRICS, of __all__ and of the snippet table.
# isort: off
from lossviz.metrics import labels, precision_recall, ranking, keras_thresholds, batch, calibration  # noqa: F401
from lossviz.metrics import multilabel, iou_metrics  # noqa: F401
# isort: on

# Every metric is an attribute of this module: ``metrics.f1_score``.
globals().update(METRICS)

__all__ = ["UndefinedMetricWarning", *METRICS, "METRICS", "register_metric"]
