"""Figures of notebook 06 (ROC and PR curves): the two curves with an operating point,
and score histograms by class with a threshold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from lossviz._validation import check_same_length
from lossviz.plots._common import NEGATIVE_COLOR, POSITIVE_COLOR, TEST_COLOR, _axes, _legend, _relabel, _vector

# --------------------------------------------------------------------- ROC and PR


@dataclass
class CurveArtists:
    """A ROC or PR curve, its reference line and its operating point."""

    ax: Axes
    curve: Line2D
    reference: Line2D
    point: Line2D

    def update(self, x=None, y=None, *, operating_point=None, reference=None, title: str | None = None) -> None:
        """Replace the curve, move the operating point, the reference level, the title.

        ``reference`` is a y level (the PR baseline); the ROC diagonal never moves.
        """
        if x is not None or y is not None:
            x = _vector(x, "x")
            y = _vector(y, "y")
            check_same_length(x, y, ("x", "y"))
            self.curve.set_data(x, y)
        if operating_point is not None:
            point_x, point_y = (float(value) for value in operating_point)
            self.point.set_data([point_x], [point_y])
            self.point.set_visible(True)
        if reference is not None:
            self.reference.set_ydata([float(reference)] * 2)
        if title is not None:
            self.ax.title.set_text(title)  # set_title would make new transforms


def _unit_square(ax: Axes, xlabel: str, ylabel: str) -> None:
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), xlabel=xlabel, ylabel=ylabel, aspect="equal")
    ax.grid(True, linewidth=0.4, alpha=0.5)


def _point_artist(ax: Axes, operating_point) -> Line2D:
    (point,) = ax.plot(
        [np.nan],
        [np.nan],
        "o",
        color=TEST_COLOR,
        markersize=9,
        markeredgecolor="black",
        zorder=4,
        label="operating point",
    )
    point.set_visible(operating_point is not None)
    return point


def plot_roc_curve(
    fpr, tpr, ax: Axes | None = None, *, operating_point=None, title: str | None = "ROC curve"
) -> CurveArtists:
    """Draw a ROC curve (true positive rate against false positive rate).

    Args:
        fpr: 1-D array (m,) of false positive rates FP / (FP + TN), e.g. from
            ``lossviz.metrics.roc_curve``.
        tpr: 1-D array (m,) of true positive rates TP / (TP + FN).
        ax: axes to draw on; None creates a new figure.
        operating_point: optional (fpr, tpr) of one threshold, drawn as a dot.
        title: axes title (put the AUC here).

    Returns:
        CurveArtists (curve, reference = chance diagonal, point).

    Raises:
        ValueError: on arrays of different lengths or non-finite values.

    Example:
        >>> artists = plot_roc_curve([0, 0.5, 1], [0, 0.9, 1], operating_point=(0.5, 0.9))
        >>> artists.point.get_xydata().tolist()
        [[0.5, 0.9]]

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    ax = _axes(ax)
    (reference,) = ax.plot([0, 1], [0, 1], "--", color="grey", linewidth=1, label="chance")
    (curve,) = ax.plot([0, 1], [0, 1], color="C0", linewidth=2, label="ROC")
    artists = CurveArtists(ax, curve, reference, _point_artist(ax, operating_point))
    artists.update(fpr, tpr, operating_point=operating_point, title=title)
    _unit_square(ax, "false positive rate", "true positive rate (recall)")
    return artists


def plot_pr_curve(
    recall,
    precision,
    ax: Axes | None = None,
    *,
    operating_point=None,
    baseline: float | None = None,
    title: str | None = "PR curve",
) -> CurveArtists:
    """Draw a precision-recall curve as steps, with the no-skill baseline.

    The baseline of a PR curve is the positive fraction (a random scorer's precision),
    which is why PR curves, unlike ROC curves, drop when positives become rare.

    Args:
        recall: 1-D array (m,), e.g. from ``lossviz.metrics.precision_recall_curve``.
        precision: 1-D array (m,).
        ax: axes to draw on; None creates a new figure.
        operating_point: optional (recall, precision) of one threshold.
        baseline: the positive fraction, drawn as a horizontal line (hidden if None).
        title: axes title (put the average precision here).

    Returns:
        CurveArtists (curve, reference = baseline, point).

    Raises:
        ValueError: on arrays of different lengths or non-finite values.

    Example:
        >>> artists = plot_pr_curve([1, 0.5, 0], [0.3, 0.8, 1], baseline=0.3)
        >>> [float(level) for level in artists.reference.get_ydata()]
        [0.3, 0.3]

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    ax = _axes(ax)
    (reference,) = ax.plot([0, 1], [0, 0], "--", color="grey", linewidth=1, label="no skill (positive fraction)")
    reference.set_visible(baseline is not None)
    (curve,) = ax.plot([0, 1], [1, 0], color="C1", linewidth=2, drawstyle="steps-post", label="PR")
    artists = CurveArtists(ax, curve, reference, _point_artist(ax, operating_point))
    artists.update(recall, precision, operating_point=operating_point, reference=baseline, title=title)
    _unit_square(ax, "recall", "precision")
    return artists


# ----------------------------------------------------- score histograms, threshold


@dataclass
class ScoreHistogramArtists:
    """Per-class score histograms and the threshold line of :func:`plot_score_histograms`."""

    ax: Axes
    negatives: Any  # StepPatch
    positives: Any  # StepPatch
    threshold_line: Line2D
    edges: np.ndarray
    legend: Legend | None = None

    def update(self, y_true=None, y_score=None, *, threshold: float | None = None, relabel: bool = True) -> None:
        """Re-histogram new scores (same bins) and/or move the threshold line (and its
        legend entry, unless ``relabel`` is False)."""
        if y_true is not None:
            negative_counts, positive_counts = _class_histograms(y_true, y_score, self.edges)
            self.negatives.set_data(negative_counts, self.edges)
            self.positives.set_data(positive_counts, self.edges)
            self.ax.set_ylim(0, 1.1 * max(negative_counts.max(), positive_counts.max(), 1))
        if threshold is not None:
            self.threshold_line.set_xdata([float(threshold)] * 2)
        if threshold is not None and relabel:
            _relabel(
                self.legend,
                (self.negatives, self.positives, self.threshold_line),
                self.threshold_line,
                f"threshold {float(threshold):.2f}",
            )


def _class_histograms(y_true, y_score, edges):
    y_true = np.asarray(y_true)
    y_score = _vector(y_score, "y_score")
    check_same_length(y_true, y_score, ("y_true", "y_score"))
    negative_counts, _ = np.histogram(y_score[y_true != 1], bins=edges)
    positive_counts, _ = np.histogram(y_score[y_true == 1], bins=edges)
    return negative_counts, positive_counts


def plot_score_histograms(
    y_true,
    y_score,
    ax: Axes | None = None,
    *,
    threshold: float | None = None,
    bins: int = 30,
    score_range: tuple[float, float] = (0.0, 1.0),
) -> ScoreHistogramArtists:
    """Draw the score distribution of each class and a decision threshold.

    Everything right of the threshold is predicted positive: negatives there are false
    positives, positives left of it false negatives.

    Args:
        y_true: (n,) labels in {0, 1}.
        y_score: (n,) scores (probabilities by default range).
        ax: axes to draw on; None creates a new figure.
        threshold: x position of the threshold line (hidden if None).
        bins: number of equal-width bins over ``score_range``.
        score_range: (low, high) range of the bins.

    Returns:
        ScoreHistogramArtists with an ``update`` method.

    Raises:
        ValueError: on arrays of different lengths.

    Example:
        >>> artists = plot_score_histograms([0, 0, 1], [0.1, 0.2, 0.9], threshold=0.5)
        >>> int(artists.positives.get_data().values.sum())
        1

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    ax = _axes(ax)
    edges = np.linspace(*score_range, bins + 1)
    negatives = ax.stairs(np.zeros(bins), edges, fill=True, alpha=0.6, color=NEGATIVE_COLOR, label="negatives (y=0)")
    positives = ax.stairs(np.zeros(bins), edges, fill=True, alpha=0.6, color=POSITIVE_COLOR, label="positives (y=1)")
    threshold_line = ax.axvline(0.5, color="black", linewidth=2, label="threshold")
    threshold_line.set_visible(threshold is not None)
    ax.set(xlim=score_range, xlabel="score", ylabel="samples")
    artists = ScoreHistogramArtists(
        ax,
        negatives,
        positives,
        threshold_line,
        edges,
        _legend(ax, (negatives, positives, threshold_line), "upper center"),
    )
    artists.update(y_true, y_score, threshold=threshold)
    return artists
