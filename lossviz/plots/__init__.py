"""Matplotlib figures for lossviz: an ``ax`` in, artists out, never ``show()``.

Every function takes ``ax=None`` (a new figure and axes are made with pyplot when it is
None), draws, and returns a small dataclass of the artists it made. Each dataclass has
an ``update`` method that changes those artists in place (``set_data``, ``set_array``,
``set_text``), which is what the explorers in :mod:`lossviz.widgets` call when a slider
moves: changing a few artists and redrawing is several times cheaper than building
the figure again.

The functions plot numbers they are given (curves, matrices, fitted coefficients);
computing them is the job of :mod:`lossviz.losses` and :mod:`lossviz.metrics`, so
there is one source for every formula.

One module per notebook topic, every name importable from here:

* ``regression`` (01): ``plot_curve_family``, ``plot_loss_and_gradient``,
  ``plot_fitted_lines``;
* ``probabilistic`` (02): ``plot_probability_bars``;
* ``weighting`` (04): ``plot_linear_boundary``;
* ``custom_metrics`` (05): ``plot_confusion_matrix``, ``plot_batch_metric``;
* ``roc_pr`` (06): ``plot_roc_curve``, ``plot_pr_curve``, ``plot_score_histograms``;
* ``kfold`` (07): ``plot_cv_splits``;
* ``calibration`` (12): ``plot_reliability_diagram``, ``plot_probability_histograms``;
* ``_common``: the colours, ``ABOVE_TICKS`` and the helpers they all use.
"""

# The colours and ABOVE_TICKS: public names of lossviz.plots, outside __all__ as before.
from lossviz.plots._common import (  # noqa: F401
    ABOVE_TICKS,
    CLASS_0_COLOR,
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    TEST_COLOR,
    TRAIN_COLOR,
    UNUSED_COLOR,
)
from lossviz.plots.calibration import (
    ProbabilityHistogramArtists,
    ReliabilityArtists,
    plot_probability_histograms,
    plot_reliability_diagram,
)
from lossviz.plots.custom_metrics import (
    BatchMetricArtists,
    ConfusionMatrixArtists,
    plot_batch_metric,
    plot_confusion_matrix,
)
from lossviz.plots.kfold import CvSplitArtists, plot_cv_splits
from lossviz.plots.probabilistic import ProbabilityBarArtists, plot_probability_bars
from lossviz.plots.regression import (
    CurveFamilyArtists,
    FitArtists,
    LossGradientArtists,
    plot_curve_family,
    plot_fitted_lines,
    plot_loss_and_gradient,
)
from lossviz.plots.roc_pr import (
    CurveArtists,
    ScoreHistogramArtists,
    plot_pr_curve,
    plot_roc_curve,
    plot_score_histograms,
)
from lossviz.plots.weighting import BoundaryArtists, plot_linear_boundary

__all__ = [
    "CurveFamilyArtists",
    "LossGradientArtists",
    "CurveArtists",
    "ConfusionMatrixArtists",
    "CvSplitArtists",
    "FitArtists",
    "BatchMetricArtists",
    "ScoreHistogramArtists",
    "BoundaryArtists",
    "ProbabilityBarArtists",
    "plot_curve_family",
    "plot_loss_and_gradient",
    "plot_roc_curve",
    "plot_pr_curve",
    "plot_confusion_matrix",
    "plot_cv_splits",
    "plot_fitted_lines",
    "plot_batch_metric",
    "plot_score_histograms",
    "plot_linear_boundary",
    "plot_probability_bars",
    "ReliabilityArtists",
    "ProbabilityHistogramArtists",
    "plot_reliability_diagram",
    "plot_probability_histograms",
]
