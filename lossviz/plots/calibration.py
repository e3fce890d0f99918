"""Figures of notebook 12 (calibration and imbalance): the reliability diagram and the
probability histogram of each class, both on fixed axes so that an update moves only
the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from lossviz._validation import check_integer, check_same_length, fail
from lossviz.plots._common import ABOVE_TICKS, NEGATIVE_COLOR, POSITIVE_COLOR, TEST_COLOR, _axes, _legend, _vector

# --------------------------------------------------------- reliability diagram


@dataclass
class ReliabilityArtists:
    """The diagonal, the calibration curve and an optional fixed reference of
    :func:`plot_reliability_diagram`."""

    ax: Axes
    diagonal: Line2D
    curve: Line2D
    reference: Line2D | None = None
    legend: Legend | None = None

    def update(self, prob_true, prob_pred) -> None:
        """Move the curve to new bins (their number may change: empty bins are left out)."""
        prob_true, prob_pred = _curve_points(prob_true, prob_pred)
        self.curve.set_data(prob_pred, prob_true)


def _curve_points(prob_true, prob_pred) -> tuple[np.ndarray, np.ndarray]:
    prob_true, prob_pred = _vector(prob_true, "prob_true"), _vector(prob_pred, "prob_pred")
    check_same_length(prob_true, prob_pred, ("prob_true", "prob_pred"))
    for name, values in (("prob_true", prob_true), ("prob_pred", prob_pred)):
        if values.size and (values.min() < 0 or values.max() > 1):
            fail(name, "fractions in [0, 1]", f"Received: min={values.min():.6g}, max={values.max():.6g}")
    return prob_true, prob_pred


def plot_reliability_diagram(
    prob_true,
    prob_pred,
    ax: Axes | None = None,
    *,
    label: str = "model",
    reference: tuple[Any, Any] | None = None,
    reference_label: str = "reference",
) -> ReliabilityArtists:
    """Draw a reliability diagram: fraction of positives against mean predicted probability.

    The inputs are what ``calibration_curve`` returns (one point per non-empty bin). A
    calibrated model lies on the diagonal; below it, the model is over-confident about
    the positive class (it predicts more than happens), above it under-confident.
    The axes span [0, 1] x [0, 1] whatever the points.

    Args:
        prob_true: (n_bins,) fraction of positives per bin.
        prob_pred: (n_bins,) mean predicted probability per bin.
        ax: axes to draw on; None creates a new figure.
        label: legend label of the curve.
        reference: optional fixed (prob_true, prob_pred) drawn dashed, e.g. the
            model before a change.
        reference_label: its legend label.

    Returns:
        ReliabilityArtists with an ``update`` method.

    Raises:
        ValueError: arrays of different lengths or values outside [0, 1].

    Example:
        >>> artists = plot_reliability_diagram([0.1, 0.5, 0.8], [0.2, 0.5, 0.7])
        >>> artists.curve.get_xydata().tolist()
        [[0.2, 0.1], [0.5, 0.5], [0.7, 0.8]]

    Taught in: notebooks/12_calibration_and_imbalance.ipynb
    """
    ax = _axes(ax)
    (diagonal,) = ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="perfectly calibrated")
    handles = [diagonal]
    reference_line = None
    if reference is not None:
        reference_true, reference_pred = _curve_points(*reference)
        (reference_line,) = ax.plot(
            reference_pred, reference_true, color=NEGATIVE_COLOR, linestyle="--", marker=".", label=reference_label
        )
        handles.append(reference_line)
    (curve,) = ax.plot([], [], color=TEST_COLOR, marker="o", linewidth=2, label=label, zorder=ABOVE_TICKS + 1)
    handles.append(curve)
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="mean predicted probability", ylabel="fraction of positives")
    ax.set_aspect("equal", adjustable="box")
    artists = ReliabilityArtists(ax, diagonal, curve, reference_line, _legend(ax, handles, "upper left"))
    artists.update(prob_true, prob_pred)
    return artists


# ------------------------------------------------------ probability histograms


@dataclass
class ProbabilityHistogramArtists:
    """Per-class histograms of predicted probabilities of :func:`plot_probability_histograms`."""

    ax: Axes
    negatives: Any  # StepPatch
    positives: Any  # StepPatch
    edges: np.ndarray
    legend: Legend | None = None

    def update(self, y_true, y_prob) -> None:
        """Re-histogram new probabilities into the same bins; the y axis stays as it is."""
        negative_share, positive_share = _class_shares(y_true, y_prob, self.edges)
        self.negatives.set_data(negative_share, self.edges)
        self.positives.set_data(positive_share, self.edges)


def _class_shares(y_true, y_prob, edges) -> tuple[np.ndarray, np.ndarray]:
    """The fraction of each class's samples in each bin (each class sums to 1)."""
    y_true = np.asarray(y_true)
    y_prob = _vector(y_prob, "y_prob")
    check_same_length(y_true, y_prob, ("y_true", "y_prob"))
    shares = []
    for is_class in (y_true != 1, y_true == 1):
        counts, _ = np.histogram(y_prob[is_class], bins=edges)
        shares.append(counts / max(int(is_class.sum()), 1))
    return shares[0], shares[1]


def plot_probability_histograms(
    y_true, y_prob, ax: Axes | None = None, *, bins: int = 20
) -> ProbabilityHistogramArtists:
    """Draw the distribution of predicted probabilities for each class, as shares of that class.

    Each class is normalised by its own size (its bars sum to 1), so a rare positive
    class stays visible beside a large negative one. The axes span [0, 1] x [0, 1].

    Args:
        y_true: (n,) labels in {0, 1}.
        y_prob: (n,) predicted probabilities of class 1.
        ax: axes to draw on; None creates a new figure.
        bins: number of equal-width bins over [0, 1] (default 20).

    Returns:
        ProbabilityHistogramArtists with an ``update`` method.

    Raises:
        ValueError: arrays of different lengths, or a bad ``bins``.

    Example:
        >>> artists = plot_probability_histograms([0, 0, 1], [0.1, 0.2, 0.9], bins=10)
        >>> float(artists.positives.get_data().values.sum())
        1.0

    Taught in: notebooks/12_calibration_and_imbalance.ipynb
    """
    bins = check_integer(bins, "bins", minimum=1)
    ax = _axes(ax)
    edges = np.linspace(0.0, 1.0, bins + 1)
    style = {"fill": True, "alpha": 0.55, "zorder": ABOVE_TICKS}
    negatives = ax.stairs(np.zeros(bins), edges, color=NEGATIVE_COLOR, label="negatives (y=0)", **style)
    positives = ax.stairs(np.zeros(bins), edges, color=POSITIVE_COLOR, label="positives (y=1)", **style)
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="predicted probability", ylabel="share of the class")
    artists = ProbabilityHistogramArtists(
        ax, negatives, positives, edges, _legend(ax, (negatives, positives), "upper center")
    )
    artists.update(y_true, y_prob)
    return artists
