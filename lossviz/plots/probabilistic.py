"""Figures of notebook 02 (probabilistic losses): bars of a probability distribution."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from lossviz._validation import fail
from lossviz.plots._common import ABOVE_TICKS, POSITIVE_COLOR, TRAIN_COLOR, _axes, _vector

# ------------------------------------------------------------ probability bars


@dataclass
class ProbabilityBarArtists:
    """Bars of :func:`plot_probability_bars`."""

    ax: Axes
    bars: list[Rectangle]
    labels: list[Text]

    def update(self, probabilities, *, highlight: int | None = None) -> None:
        """New bar heights (same number of classes); the highlighted class in colour."""
        probabilities = _vector(probabilities, "probabilities")
        if len(probabilities) != len(self.bars):
            fail("probabilities", f"{len(self.bars)} values", probabilities)
        for index, (bar, label, value) in enumerate(zip(self.bars, self.labels, probabilities, strict=True)):
            bar.set_height(value)
            bar.set_color(POSITIVE_COLOR if index == highlight else TRAIN_COLOR)
            label.set_position((bar.get_x() + bar.get_width() / 2, value))
            label.set_text(f"{value:.3f}")


def plot_probability_bars(
    probabilities, ax: Axes | None = None, *, labels=None, highlight: int | None = None, title: str | None = None
) -> ProbabilityBarArtists:
    """Draw a probability vector as labelled bars on a fixed [0, 1] scale.

    Args:
        probabilities: 1-D array (C,), e.g. a softmax output.
        ax: axes to draw on; None creates a new figure.
        labels: C class names (default "class 0", ...).
        highlight: index of a class drawn in colour (e.g. the true class).
        title: axes title.

    Returns:
        ProbabilityBarArtists (bars, labels) with an ``update`` method.

    Raises:
        ValueError: if ``probabilities`` is not a finite 1-D array.

    Example:
        >>> artists = plot_probability_bars([0.7, 0.2, 0.1], highlight=0)
        >>> [round(float(bar.get_height()), 1) for bar in artists.bars]
        [0.7, 0.2, 0.1]

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    probabilities = _vector(probabilities, "probabilities")
    size = len(probabilities)
    names = [str(label) for label in labels] if labels is not None else [f"class {index}" for index in range(size)]
    if len(names) != size:
        fail("labels", f"{size} class names", labels)
    ax = _axes(ax)
    container = ax.bar(names, np.zeros(size), color=TRAIN_COLOR, zorder=ABOVE_TICKS)
    texts = [
        ax.text(bar.get_x() + bar.get_width() / 2, 0.0, "", ha="center", va="bottom", fontsize="small")
        for bar in container
    ]
    ax.set(ylim=(0, 1.12), ylabel="probability", title=title)
    artists = ProbabilityBarArtists(ax=ax, bars=list(container), labels=texts)
    artists.update(probabilities, highlight=highlight)
    return artists
