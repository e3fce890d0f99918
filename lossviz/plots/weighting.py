"""Figures of notebook 04 (weighting): a linear decision boundary over 2-D data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from lossviz._validation import as_float_array, check_same_length, fail
from lossviz.plots._common import NEGATIVE_COLOR, POSITIVE_COLOR, _axes, _legend, _relabel

# ----------------------------------------------------------- decision boundary


@dataclass
class BoundaryArtists:
    """Points and linear decision boundary of :func:`plot_linear_boundary`."""

    ax: Axes
    negatives: PathCollection
    positives: PathCollection
    boundary: Line2D
    legend: Legend | None = None

    def update(self, coef, intercept: float, *, label: str | None = None) -> None:
        """Move the boundary coef . x + intercept = 0 (x in 2-D)."""
        first, second = (float(value) for value in np.ravel(coef))
        x_low, x_high = self.ax.get_xlim()
        if abs(second) > 1e-12:
            grid = np.array([x_low, x_high])
            self.boundary.set_data(grid, -(first * grid + float(intercept)) / second)
        else:
            # A vertical boundary: x1 = -intercept / coef_1.
            position = -float(intercept) / first
            self.boundary.set_data([position, position], list(self.ax.get_ylim()))
        if label is not None:
            _relabel(self.legend, (self.negatives, self.positives, self.boundary), self.boundary, label)


def plot_linear_boundary(
    X, y, coef, intercept: float, ax: Axes | None = None, *, label: str = "decision boundary"
) -> BoundaryArtists:
    """Draw 2-D points by class and the line where a linear model's score is 0.

    Args:
        X: (n, 2) features.
        y: (n,) labels in {0, 1}.
        coef: the two weights w of the score w . x + b.
        intercept: the bias b.
        ax: axes to draw on; None creates a new figure.
        label: legend label of the boundary.

    Returns:
        BoundaryArtists (negatives, positives, boundary) with an ``update`` method.

    Raises:
        ValueError: if X is not (n, 2) or y has another length.

    Example:
        >>> artists = plot_linear_boundary([[0, 0], [1, 1]], [0, 1], [1.0, 1.0], -1.0)
        >>> artists.boundary.get_xydata().shape
        (2, 2)

    Taught in: notebooks/04_weighting.ipynb
    """
    X = as_float_array(X, "X")
    if X.ndim != 2 or X.shape[1] != 2:
        fail("X", "an array of shape (n, 2)", f"Received: shape {X.shape}")
    y = np.asarray(y)
    check_same_length(X, y, ("X", "y"))
    ax = _axes(ax)
    negatives = ax.scatter(*X[y != 1].T, s=12, color=NEGATIVE_COLOR, alpha=0.6, label="class 0")
    positives = ax.scatter(*X[y == 1].T, s=22, color=POSITIVE_COLOR, marker="D", label="class 1 (minority)")
    pad = 0.05 * np.ptp(X, axis=0)
    ax.set(
        xlim=(X[:, 0].min() - pad[0], X[:, 0].max() + pad[0]),
        ylim=(X[:, 1].min() - pad[1], X[:, 1].max() + pad[1]),
        xlabel="feature 1",
        ylabel="feature 2",
    )
    (boundary,) = ax.plot([], [], color="black", linewidth=2, label=label)
    artists = BoundaryArtists(
        ax, negatives, positives, boundary, _legend(ax, (negatives, positives, boundary), "upper left")
    )
    artists.update(coef, intercept, label=label)
    return artists
