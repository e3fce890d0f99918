"""Explorers of notebook 06 (ROC and PR curves): the threshold, the operating point on
linked ROC and PR curves, and class imbalance."""

from __future__ import annotations

from typing import Any

import ipywidgets
import numpy as np

from lossviz import metrics, plots
from lossviz._explorer import Explorer
from lossviz.data import scored_binary
from lossviz.widgets._common import _float_slider, _matrix_artists, _static_legend, _static_title

# ================================================================ thresholds


def _threshold_scores(y_true, y_score, threshold: float) -> dict[str, Any]:
    """Confusion matrix and rates when ``y_score > threshold`` is predicted positive.

    Strictly greater, as Keras's Precision / Recall with ``thresholds=`` decide. With
    no predicted positive, precision is reported as 1.0 (scikit-learn's convention at
    the end of a PR curve), so the operating point stays on the curve.
    """
    y_pred = (y_score > threshold).astype(np.int64)
    matrix = metrics.confusion_matrix(y_true, y_pred, labels=[0, 1])
    return {
        "confusion_matrix": matrix,
        "precision": float(metrics.precision_score(y_true, y_pred, zero_division=1.0)),
        "recall": float(metrics.recall_score(y_true, y_pred, zero_division=0.0)),
        "f1": float(metrics.f1_score(y_true, y_pred, zero_division=0.0)),
        "false_positive_rate": float(metrics.false_positive_rate(y_true, y_pred, zero_division=0.0)),
    }


def _threshold_readout(threshold: float, scores: dict[str, Any]) -> str:
    return (
        f"predicted positive: score > {threshold:.2f}; precision {scores['precision']:.2f} · "
        f"recall {scores['recall']:.2f} · F1 {scores['f1']:.2f} · FPR {scores['false_positive_rate']:.2f}"
    )


def _threshold_slider() -> ipywidgets.FloatSlider:
    return _float_slider(0.5, 0.0, 1.0, 0.01, "threshold")


class ThresholdExplorer(Explorer):
    """Threshold -> confusion matrix, precision, recall and F1 on a fixed scored data set.

    Scores: :func:`lossviz.data.scored_binary` (400 samples, 30 % positives). A sample is
    predicted positive when its score is strictly greater than the threshold (Keras's
    rule); metrics come from ``lossviz.metrics``. ``results`` holds the confusion
    matrix, precision, recall, F1 and false positive rate; the readout shows the rates.

    Controls:
        threshold: in [0, 1] (0.5).

    Example:
        >>> from lossviz.widgets import threshold_explorer
        >>> explorer = threshold_explorer(threshold=0.2)
        >>> high_recall = explorer.results["recall"]
        >>> explorer.set(threshold=0.8)
        >>> bool(explorer.results["recall"] < high_recall)
        True

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """

    name = "threshold"
    seed_context = {}
    figsize = (8.0, 3.6)

    def _make_controls(self):
        return {"threshold": _threshold_slider()}

    def _build(self, figure):
        self.y_true, self.y_score = scored_binary(n=400, positive_fraction=0.3, seed=self.seed)
        histogram_ax, matrix_ax = figure.subplots(1, 2, width_ratios=(1.4, 1))
        self.histograms = plots.plot_score_histograms(self.y_true, self.y_score, histogram_ax, threshold=0.5)
        self.matrix = plots.plot_confusion_matrix(np.zeros((2, 2), int), matrix_ax)
        _static_legend(self.histograms.legend, ["negatives (y=0)", "positives (y=1)", "threshold"])
        _static_title(histogram_ax, "scores by class")
        _static_title(matrix_ax, "score > threshold")

    def _update(self, params):
        scores = _threshold_scores(self.y_true, self.y_score, params["threshold"])
        self.histograms.update(threshold=params["threshold"], relabel=False)
        self.matrix.update(scores["confusion_matrix"])
        self._results = scores

    def _readout(self):
        return [_threshold_readout(self.params["threshold"], self._results)]

    def _moving_artists(self):
        return [self.histograms.threshold_line, *_matrix_artists(self.matrix)]


class RocPrExplorer(Explorer):
    """Threshold -> the operating point on linked ROC and PR curves, and the confusion matrix.

    The curves (``lossviz.metrics.roc_curve``, ``precision_recall_curve``) trace every
    threshold at once; the dot is the one threshold the slider picks (positive when the
    score is strictly greater), so the same (FPR, recall, precision) appear in all three
    panels. Data as in :class:`ThresholdExplorer`; ``results`` as there.

    Controls:
        threshold: in [0, 1] (0.5).

    Example:
        >>> from lossviz.widgets import roc_pr_explorer
        >>> explorer = roc_pr_explorer(threshold=0.3)
        >>> point = explorer.roc.point.get_xydata()[0]
        >>> bool(point[1] == explorer.results["recall"])
        True

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """

    name = "roc_pr"
    seed_context = {}
    figsize = (8.0, 3.0)

    def _make_controls(self):
        return {"threshold": _threshold_slider()}

    def _build(self, figure):
        self.y_true, self.y_score = scored_binary(n=400, positive_fraction=0.3, seed=self.seed)
        roc_ax, pr_ax, matrix_ax = figure.subplots(1, 3)
        fpr, tpr, _ = metrics.roc_curve(self.y_true, self.y_score)
        precision, recall, _ = metrics.precision_recall_curve(self.y_true, self.y_score)
        auc = metrics.roc_auc_score(self.y_true, self.y_score)
        average_precision = metrics.average_precision_score(self.y_true, self.y_score)
        self.roc = plots.plot_roc_curve(fpr, tpr, roc_ax, title=f"ROC (AUC {auc:.3f})")
        self.pr = plots.plot_pr_curve(
            recall, precision, pr_ax, baseline=float(np.mean(self.y_true)), title=f"PR (AP {average_precision:.3f})"
        )
        self.matrix = plots.plot_confusion_matrix(np.zeros((2, 2), int), matrix_ax)
        _static_title(matrix_ax, "score > threshold")

    def _update(self, params):
        scores = _threshold_scores(self.y_true, self.y_score, params["threshold"])
        self.roc.update(operating_point=(scores["false_positive_rate"], scores["recall"]))
        self.pr.update(operating_point=(scores["recall"], scores["precision"]))
        self.matrix.update(scores["confusion_matrix"])
        self._results = scores

    def _readout(self):
        return [_threshold_readout(self.params["threshold"], self._results)]

    def _moving_artists(self):
        return [self.roc.point, self.pr.point, *_matrix_artists(self.matrix)]


class ImbalanceExplorer(Explorer):
    """Positive fraction and class separation -> ROC curve (AUC) against PR curve (AP).

    Scores from :func:`lossviz.data.scored_binary` (2000 samples): making positives rare
    leaves the ROC curve and its AUC almost unchanged (both its rates are per class)
    while the PR curve and average precision drop with the baseline precision, the
    positive fraction. ``results`` holds roc_auc, average_precision, positive_fraction.

    Controls:
        positive_fraction: in [0.01, 0.5] (0.3).
        separation: class separation, in [0, 4] (1.5).

    Example:
        >>> from lossviz.widgets import imbalance_explorer
        >>> explorer = imbalance_explorer(positive_fraction=0.5)
        >>> balanced = explorer.results
        >>> explorer.set(positive_fraction=0.02)
        >>> bool(explorer.results["average_precision"] < balanced["average_precision"] - 0.2)
        True

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """

    name = "imbalance"
    seed_context = {}
    figsize = (8.0, 4.0)
    n_samples = 2000

    def _make_controls(self):
        return {
            "positive_fraction": _float_slider(0.3, 0.01, 0.5, 0.01, "positive fraction"),
            "separation": _float_slider(1.5, 0.0, 4.0, 0.1, "class separation"),
        }

    def _build(self, figure):
        roc_ax, pr_ax = figure.subplots(1, 2)
        self.roc = plots.plot_roc_curve([0, 1], [0, 1], roc_ax)
        self.pr = plots.plot_pr_curve([1, 0], [0, 1], pr_ax, baseline=0.0)

    def _update(self, params):
        y_true, y_score = scored_binary(
            n=self.n_samples,
            positive_fraction=params["positive_fraction"],
            separation=params["separation"],
            seed=self.seed,
        )
        fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
        precision, recall, _ = metrics.precision_recall_curve(y_true, y_score)
        auc = float(metrics.roc_auc_score(y_true, y_score))
        average_precision = float(metrics.average_precision_score(y_true, y_score))
        self.roc.update(fpr, tpr, title=f"ROC: AUC {auc:.3f}")
        self.pr.update(recall, precision, reference=float(np.mean(y_true)), title=f"PR: AP {average_precision:.3f}")
        self._results = {
            "roc_auc": auc,
            "average_precision": average_precision,
            "positive_fraction": float(np.mean(y_true)),
        }

    def _moving_artists(self):
        return [self.roc.curve, self.roc.ax.title, self.pr.curve, self.pr.reference, self.pr.ax.title]
