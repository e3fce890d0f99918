"""Figures of notebook 05 (custom metrics): the confusion matrix and per-batch metric bars."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection, QuadMesh
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text

from lossviz._validation import as_float_array, check_integer, check_one_of, fail
from lossviz.plots._common import ABOVE_TICKS, TEST_COLOR, TRAIN_COLOR, _axes, _legend, _relabel, _vector

# ---------------------------------------------------------------- confusion matrix

_BINARY_CELL_NAMES = (("TN", "FP"), ("FN", "TP"))


@dataclass
class ConfusionMatrixArtists:
    """Heatmap and per-cell annotations of :func:`plot_confusion_matrix`.

    ``image`` is a ``QuadMesh`` (``pcolormesh``), one quad per cell: it draws in well
    under a millisecond, where an ``imshow`` image is resampled to the axes' pixels on
    every draw (about 7 ms here), which an explorer pays on each slider step.
    """

    ax: Axes
    image: QuadMesh
    texts: list[list[Text]]
    normalize: str = "true"

    def update(self, matrix, *, title: str | None = None) -> None:
        """Show a new matrix of counts (same shape): colours are rates, texts both."""
        counts = _counts_matrix(matrix, len(self.texts))
        rates = _rates(counts, self.normalize)
        self.image.set_array(rates)
        size = len(counts)
        for row in range(size):
            for col in range(size):
                name = _BINARY_CELL_NAMES[row][col] + "\n" if size == 2 else ""
                text = self.texts[row][col]
                text.set_text(f"{name}{counts[row, col]:d}\n{rates[row, col]:.0%}")
                text.set_color("white" if rates[row, col] > 0.55 else "black")
        if title is not None:
            self.ax.title.set_text(title)


def _counts_matrix(matrix, size: int | None = None) -> np.ndarray:
    counts = as_float_array(matrix, "matrix")
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or (size is not None and counts.shape[0] != size):
        expected = f"a ({size}, {size})" if size else "a square"
        fail("matrix", f"{expected} matrix of counts", f"Received: shape {counts.shape}")
    if (counts < 0).any() or (counts != np.round(counts)).any():
        fail("matrix", "non-negative integer counts", counts)
    return counts.astype(np.int64)


def _rates(counts: np.ndarray, normalize: str) -> np.ndarray:
    if normalize == "true":
        totals = counts.sum(axis=1, keepdims=True)
    elif normalize == "pred":
        totals = counts.sum(axis=0, keepdims=True)
    else:
        totals = np.full((1, 1), counts.sum())
    # An empty row (no sample of that class) has no rate; 0 keeps the colours defined.
    return np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)


def plot_confusion_matrix(
    matrix, ax: Axes | None = None, *, labels=None, normalize: str = "true", title: str | None = None
) -> ConfusionMatrixArtists:
    """Draw a confusion matrix as a heatmap annotated with counts and rates.

    Rows are true classes, columns predicted classes (scikit-learn's layout). With
    ``normalize="true"`` each cell's rate is count / row total, so the diagonal shows
    each class's recall (for binary: TN rate = specificity, TP rate = recall). The
    colour scale is fixed to [0, 1] so colours stay comparable while a slider moves.

    Args:
        matrix: (C, C) array of non-negative integer counts.
        ax: axes to draw on; None creates a new figure.
        labels: C class names (default 0..C-1).
        normalize: "true" (rows), "pred" (columns) or "all".
        title: axes title.

    Returns:
        ConfusionMatrixArtists (image: a QuadMesh, texts[row][col]) with an ``update`` method.

    Raises:
        ValueError: if the matrix is not square or holds non-integer counts, or
            ``normalize`` is not one of the three options.

    Example:
        >>> artists = plot_confusion_matrix([[50, 10], [5, 35]])
        >>> artists.texts[1][1].get_text()
        'TP\\n35\\n88%'

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    check_one_of(normalize, "normalize", ("true", "pred", "all"))
    counts = _counts_matrix(matrix)
    size = len(counts)
    labels = [str(label) for label in (labels if labels is not None else range(size))]
    if len(labels) != size:
        fail("labels", f"{size} class names", labels)
    ax = _axes(ax)
    edges = np.arange(size + 1) - 0.5  # cells centred on 0 .. size-1, as imshow puts them
    image = ax.pcolormesh(edges, edges, np.zeros((size, size)), cmap="Blues", vmin=0.0, vmax=1.0, zorder=ABOVE_TICKS)
    texts = [
        [ax.text(col, row, "", ha="center", va="center", fontsize="medium") for col in range(size)]
        for row in range(size)
    ]
    ax.set(
        xticks=range(size),
        yticks=range(size),
        xticklabels=labels,
        yticklabels=labels,
        xlabel="predicted class",
        ylabel="true class",
        aspect="equal",
        xlim=(edges[0], edges[-1]),
        ylim=(edges[-1], edges[0]),
    )  # row 0 on top
    artists = ConfusionMatrixArtists(ax=ax, image=image, texts=texts, normalize=normalize)
    artists.update(counts, title=title)
    return artists


# ------------------------------------------------------------ per-batch metric bars


@dataclass
class BatchMetricArtists:
    """Per-batch bars and the two reference lines of :func:`plot_batch_metric`."""

    ax: Axes
    bars: PolyCollection
    mean_line: Line2D
    epoch_line: Line2D
    legend: Legend | None = None

    def update(
        self,
        values,
        *,
        epoch_value: float | None = None,
        mean_value: float | None = None,
        metric_name: str = "F1",
        batch_size: int | None = None,
        n_samples: int | None = None,
        relabel: bool = True,
    ) -> None:
        """Show new per-batch values (any number of batches) and reference levels.

        With ``batch_size``, bars stand over the samples of their batch (x = sample
        index, fixed to [0, n_samples]); else over their batch number. The legend
        shows both levels unless ``relabel`` is False.
        """
        values = _vector(values, "values")
        if batch_size is None:
            self.bars.set_verts(_bar_vertices(values, np.arange(len(values) + 1) + 0.5))
            self.ax.set_xlim(0.5, len(values) + 0.5)
        else:
            batch_size = check_integer(batch_size, "batch_size", minimum=1)
            n_samples = check_integer(
                len(values) * batch_size if n_samples is None else n_samples, "n_samples", minimum=1
            )
            edges = np.minimum(np.arange(len(values) + 1) * batch_size, n_samples)
            self.bars.set_verts(_bar_vertices(values, edges))
            self.ax.set_xlim(0, n_samples)
        mean_value = float(np.mean(values)) if mean_value is None else float(mean_value)
        handles = (self.bars, self.mean_line, self.epoch_line)
        self.mean_line.set_ydata([mean_value] * 2)
        self.epoch_line.set_visible(epoch_value is not None)
        if epoch_value is not None:
            self.epoch_line.set_ydata([float(epoch_value)] * 2)
        if relabel:
            _relabel(self.legend, handles, self.mean_line, f"mean of batch {metric_name}: {mean_value:.3f}")
            _relabel(
                self.legend,
                handles,
                self.epoch_line,
                f"epoch {metric_name}: " + ("not given" if epoch_value is None else f"{float(epoch_value):.3f}"),
            )


def _bar_vertices(values: np.ndarray, edges: np.ndarray, width: float = 0.8) -> list[np.ndarray]:
    # Bars as polygons in one collection: its number of polygons can change on an
    # update, which a BarContainer's cannot. Bar i fills ``width`` of [edges[i], edges[i+1]].
    span = np.diff(edges)
    left = edges[:-1] + span * (1 - width) / 2
    right = left + span * width
    zeros = np.zeros_like(values)
    corners = np.stack(
        [np.column_stack(pair) for pair in ((left, zeros), (left, values), (right, values), (right, zeros))], axis=1
    )
    return list(corners)


def plot_batch_metric(
    values,
    ax: Axes | None = None,
    *,
    epoch_value: float | None = None,
    mean_value: float | None = None,
    metric_name: str = "F1",
    batch_size: int | None = None,
    n_samples: int | None = None,
) -> BatchMetricArtists:
    """Draw a metric computed batch by batch as bars, with their mean and the epoch value.

    The mean of the bars is what a metric written as a function of one batch reports
    for the epoch; the epoch line is the metric on all samples at once (what a stateful
    metric accumulates). The gap between the two lines is the error of the recipe.

    Args:
        values: 1-D array (n_batches,) of per-batch metric values.
        ax: axes to draw on; None creates a new figure.
        epoch_value: the metric over the whole epoch (hidden if None).
        mean_value: the level of the "mean" line; default ``mean(values)``.
        metric_name: name for the legend.
        batch_size: when given, the x axis is the sample index and each bar stands
            over its batch's samples (so the axis stays put when the batch size
            changes); else bars are numbered 1, 2, ...
        n_samples: the number of samples, where the last (maybe shorter) batch ends;
            default ``len(values) * batch_size``.

    Returns:
        BatchMetricArtists (bars, mean_line, epoch_line) with an ``update`` method.

    Raises:
        ValueError: if ``values`` is not a finite 1-D array.

    Example:
        >>> artists = plot_batch_metric([0.5, 1.0, 0.0], epoch_value=0.7)
        >>> len(artists.bars.get_paths()), artists.mean_line.get_ydata()[0]
        (3, 0.5)

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    ax = _axes(ax)
    bars = PolyCollection(
        [], facecolors=TRAIN_COLOR, edgecolors="none", label=f"batch {metric_name}", zorder=ABOVE_TICKS
    )
    ax.add_collection(bars)
    mean_line = ax.axhline(0.0, color=TEST_COLOR, linewidth=2, linestyle="--")
    epoch_line = ax.axhline(0.0, color="black", linewidth=2)
    ax.set(
        ylim=(0, 1.05), ylabel=metric_name, xlabel="batch" if batch_size is None else "sample index (one bar per batch)"
    )
    artists = BatchMetricArtists(
        ax=ax,
        bars=bars,
        mean_line=mean_line,
        epoch_line=epoch_line,
        legend=_legend(ax, (bars, mean_line, epoch_line), "lower right"),
    )
    artists.update(
        values,
        epoch_value=epoch_value,
        mean_value=mean_value,
        metric_name=metric_name,
        batch_size=batch_size,
        n_samples=n_samples,
    )
    return artists
