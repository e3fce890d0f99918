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
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, PolyCollection, QuadMesh
from matplotlib.colors import to_rgb
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from lossviz._validation import (as_float_array, check_integer, check_one_of,
                                 check_same_length, fail)

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
]

#: Colours used across lossviz figures, so a class or a role keeps its colour.
NEGATIVE_COLOR = "#4C72B0"
POSITIVE_COLOR = "#DD8452"
TRAIN_COLOR = "#9DB9E0"
TEST_COLOR = "#E4572E"
UNUSED_COLOR = "#EEEEEE"
CLASS_0_COLOR = "#8C8C8C"
#: z-order just above the ticks and grid lines (1.5 with matplotlib's default
#: ``axes.axisbelow="line"``). Lines, bars and images that a slider moves sit here or
#: higher, so an explorer redraws them without redrawing the tick labels (see
#: :mod:`lossviz._explorer`); ticks point outwards, so nothing visible changes.
ABOVE_TICKS = 1.6


def _axes(ax: Axes | None, **subplots_kwargs) -> Axes:
    if ax is None:
        _, ax = plt.subplots(**subplots_kwargs)
    elif not isinstance(ax, Axes):
        fail("ax", "a matplotlib Axes or None", ax)
    return ax


def _vector(values, name: str) -> np.ndarray:
    array = as_float_array(values, name)
    if array.ndim != 1:
        fail(name, "a 1-D array", f"Received: an array of shape {array.shape}")
    return array


def _legend(ax: Axes, handles: Sequence[Any], loc: str) -> Legend:
    return ax.legend(handles, [handle.get_label() for handle in handles], loc=loc,
                     fontsize="small")


def _relabel(legend: Legend, handles: Sequence[Any], handle: Any, label: str) -> None:
    # Changing an entry's text is much cheaper than building a new legend per update.
    handle.set_label(label)
    legend.get_texts()[list(handles).index(handle)].set_text(label)


# --------------------------------------------------------------------------- curves


@dataclass
class CurveFamilyArtists:
    """Lines of a family of curves drawn by :func:`plot_curve_family`."""

    ax: Axes
    lines: dict[str, Line2D]
    highlight: str | None = None

    def update(self, curves: Mapping[str, Any] | None = None, *, x=None, highlight=None,
               autoscale: bool = True) -> None:
        """Replace some curves' y values (and optionally x), and move the highlight.

        When ``autoscale`` is True, the y limits follow the highlighted curve (or all
        curves if none is highlighted) so that the curve being studied fills the axes.
        """
        if x is not None:
            x = _vector(x, "x")
            for line in self.lines.values():
                line.set_xdata(x)
        for name, values in (curves or {}).items():
            if name not in self.lines:
                fail("curves", f"names among {sorted(self.lines)}", f"Received: {name!r}")
            line = self.lines[name]
            values = _vector(values, name)
            check_same_length(line.get_xdata(), values, ("x", name))
            line.set_ydata(values)
        if highlight is not None:
            check_one_of(highlight, "highlight", self.lines)
            self.highlight = highlight
        _style_family(self.lines, self.highlight)
        if autoscale:
            _fit_limits(self.ax, [self.lines[self.highlight]] if self.highlight else
                        list(self.lines.values()))


def _style_family(lines: Mapping[str, Line2D], highlight: str | None) -> None:
    # Every curve keeps its own colour (the legend stays readable); the others fade.
    for index, (name, line) in enumerate(lines.items()):
        if highlight is None:
            line.set(color=f"C{index}", linewidth=2.0, alpha=1.0, zorder=2)
        elif name == highlight:
            line.set(color=f"C{index}", linewidth=2.8, alpha=1.0, zorder=3)
        else:
            line.set(color=f"C{index}", linewidth=1.0, alpha=0.35, zorder=ABOVE_TICKS)


def _fit_limits(ax: Axes, lines: Sequence[Line2D], margin: float = 0.08) -> None:
    """Set the axes limits to the data of ``lines`` (others may run off the axes)."""
    x = np.concatenate([np.asarray(line.get_xdata(), float) for line in lines])
    y = np.concatenate([np.asarray(line.get_ydata(), float) for line in lines])
    y = y[np.isfinite(y)]
    if y.size == 0:
        return
    low, high = float(y.min()), float(y.max())
    pad = (high - low) * margin or max(abs(high), 1.0) * margin
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(float(x.min()), float(x.max()))


def plot_curve_family(x, curves: Mapping[str, Any], ax: Axes | None = None, *,
                      highlight: str | None = None, xlabel: str | None = None,
                      ylabel: str | None = None, title: str | None = None,
                      legend: bool = True) -> CurveFamilyArtists:
    """Draw several curves over the same x, optionally one highlighted, the rest faded.

    Args:
        x: 1-D array (n,) of x values shared by every curve.
        curves: mapping name -> 1-D array (n,) of y values; legend labels are the names.
        ax: axes to draw on; None creates a new figure.
        highlight: name of the curve to emphasise (others are drawn thin and faded);
            None draws every curve in its own colour.
        xlabel, ylabel, title: axis labels and title.
        legend: draw a legend when there is more than one curve.

    Returns:
        CurveFamilyArtists with ``lines`` {name: Line2D} and an ``update`` method.

    Raises:
        ValueError: if x or a curve is not a finite 1-D array of matching length, or
            ``highlight`` is not a curve name.

    Example:
        >>> import numpy as np
        >>> x = np.linspace(-2, 2, 5)
        >>> artists = plot_curve_family(x, {"square": x**2, "abs": abs(x)}, highlight="abs")
        >>> sorted(artists.lines), float(artists.lines["abs"].get_ydata()[0])
        (['abs', 'square'], 2.0)

    Taught in: notebooks/01_regression_losses.ipynb
    """
    ax = _axes(ax)
    x = _vector(x, "x")
    if not curves:
        fail("curves", "at least one curve", curves)
    lines = {}
    for name, values in curves.items():
        values = _vector(values, str(name))
        check_same_length(x, values, ("x", str(name)))
        (lines[name],) = ax.plot(x, values, label=name)
    if highlight is not None:
        check_one_of(highlight, "highlight", lines)
    artists = CurveFamilyArtists(ax=ax, lines=lines, highlight=highlight)
    artists.update()
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.axhline(0.0, color="black", linewidth=0.6, zorder=0)
    ax.axvline(0.0, color="black", linewidth=0.6, zorder=0)
    if legend and len(lines) > 1:
        ax.legend(loc="upper center", fontsize="small", ncols=min(3, len(lines)))
    return artists


@dataclass
class LossGradientArtists:
    """The loss panel and the gradient panel drawn by :func:`plot_loss_and_gradient`."""

    loss: CurveFamilyArtists
    gradient: CurveFamilyArtists

    def update(self, loss=None, gradient=None, *, x=None, highlight=None,
               autoscale: bool = True) -> None:
        """Replace loss and gradient curves (arrays or {name: array}) and the highlight."""
        self.loss.update(_as_curves(loss, self.loss), x=x, highlight=highlight,
                         autoscale=autoscale)
        self.gradient.update(_as_curves(gradient, self.gradient), x=x, highlight=highlight,
                             autoscale=autoscale)


def _as_curves(values, family: CurveFamilyArtists | None = None) -> dict | None:
    if values is None or isinstance(values, Mapping):
        return values
    name = next(iter(family.lines)) if family is not None else "loss"
    return {name: values}


def plot_loss_and_gradient(x, loss, gradient, ax: Sequence[Axes] | None = None, *,
                           highlight: str | None = None,
                           xlabel: str = "residual  y_pred - y_true",
                           label: str = "loss") -> LossGradientArtists:
    """Draw a loss and its gradient (or families of them) on two side-by-side axes.

    The gradient is d loss / d y_pred, the number backpropagation sends into the model:
    its shape against the residual (bounded or not, smooth or not) is what decides how
    hard an outlier pulls on the fit.

    Args:
        x: 1-D array (n,), the residual y_pred - y_true (or a predicted probability).
        loss: 1-D array (n,) of loss values, or a mapping name -> array for a family.
        gradient: same structure as ``loss``, the gradient with respect to y_pred.
        ax: a pair (loss axes, gradient axes); None creates a figure with two axes.
        highlight: for families, the name to emphasise.
        xlabel: label of both x axes.
        label: curve name when ``loss`` and ``gradient`` are plain arrays.

    Returns:
        LossGradientArtists with ``loss`` and ``gradient`` CurveFamilyArtists.

    Raises:
        ValueError: on arrays of the wrong shape or a bad ``ax``.

    Example:
        >>> import numpy as np
        >>> residual = np.linspace(-3, 3, 7)
        >>> artists = plot_loss_and_gradient(residual, residual**2, 2 * residual)
        >>> float(artists.gradient.lines["loss"].get_ydata()[-1])
        6.0

    Taught in: notebooks/01_regression_losses.ipynb
    """
    if ax is None:
        _, ax = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    if len(ax) != 2:
        fail("ax", "a pair of Axes (loss, gradient) or None", ax)
    loss = _as_curves(loss) if not isinstance(loss, Mapping) else loss
    gradient = _as_curves(gradient) if not isinstance(gradient, Mapping) else gradient
    if not isinstance(loss, Mapping) or set(loss) != set(gradient):
        fail("gradient", f"the same curve names as `loss` ({sorted(loss)})",
             f"Received: {sorted(gradient)}")
    if label != "loss" and list(loss) == ["loss"]:
        loss, gradient = {label: loss["loss"]}, {label: gradient["loss"]}
    return LossGradientArtists(
        loss=plot_curve_family(x, loss, ax[0], highlight=highlight, xlabel=xlabel,
                               ylabel="loss", title="loss"),
        gradient=plot_curve_family(x, gradient, ax[1], highlight=highlight, xlabel=xlabel,
                                   ylabel="d loss / d y_pred", title="gradient",
                                   legend=False),
    )


# --------------------------------------------------------------------- ROC and PR


@dataclass
class CurveArtists:
    """A ROC or PR curve, its reference line and its operating point."""

    ax: Axes
    curve: Line2D
    reference: Line2D
    point: Line2D

    def update(self, x=None, y=None, *, operating_point=None, reference=None,
               title: str | None = None) -> None:
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
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), xlabel=xlabel, ylabel=ylabel,
           aspect="equal")
    ax.grid(True, linewidth=0.4, alpha=0.5)


def _point_artist(ax: Axes, operating_point) -> Line2D:
    (point,) = ax.plot([np.nan], [np.nan], "o", color=TEST_COLOR, markersize=9,
                       markeredgecolor="black", zorder=4, label="operating point")
    point.set_visible(operating_point is not None)
    return point


def plot_roc_curve(fpr, tpr, ax: Axes | None = None, *, operating_point=None,
                   title: str | None = "ROC curve") -> CurveArtists:
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


def plot_pr_curve(recall, precision, ax: Axes | None = None, *, operating_point=None,
                  baseline: float | None = None, title: str | None = "PR curve"
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
    (reference,) = ax.plot([0, 1], [0, 0], "--", color="grey", linewidth=1,
                           label="no skill (positive fraction)")
    reference.set_visible(baseline is not None)
    (curve,) = ax.plot([0, 1], [1, 0], color="C1", linewidth=2, drawstyle="steps-post",
                       label="PR")
    artists = CurveArtists(ax, curve, reference, _point_artist(ax, operating_point))
    artists.update(recall, precision, operating_point=operating_point, reference=baseline,
                   title=title)
    _unit_square(ax, "recall", "precision")
    return artists


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
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or (
            size is not None and counts.shape[0] != size):
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


def plot_confusion_matrix(matrix, ax: Axes | None = None, *, labels=None,
                          normalize: str = "true", title: str | None = None
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
    image = ax.pcolormesh(edges, edges, np.zeros((size, size)), cmap="Blues", vmin=0.0,
                          vmax=1.0, zorder=ABOVE_TICKS)
    texts = [[ax.text(col, row, "", ha="center", va="center", fontsize="medium")
              for col in range(size)] for row in range(size)]
    ax.set(xticks=range(size), yticks=range(size), xticklabels=labels, yticklabels=labels,
           xlabel="predicted class", ylabel="true class", aspect="equal",
           xlim=(edges[0], edges[-1]), ylim=(edges[-1], edges[0]))  # row 0 on top
    artists = ConfusionMatrixArtists(ax=ax, image=image, texts=texts, normalize=normalize)
    artists.update(counts, title=title)
    return artists


# ------------------------------------------------------------------ k-fold diagram


@dataclass
class CvSplitArtists:
    """The fold diagram of :func:`plot_cv_splits`.

    ``splits`` holds the (train indices, test indices) pairs last drawn, so a notebook
    can assert what the figure shows. ``row_notes`` are the texts right of the rows
    (each test fold's size and positives); notes beyond the current rows are hidden.
    With ``notes=False`` there are none (an explorer shows the numbers elsewhere: each
    text costs a redraw).
    """

    ax: Axes
    cells: PolyCollection
    row_notes: list[Text] = field(default_factory=list)
    picture: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 3)))
    splits: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    notes: bool = True

    def update(self, cv, X, y=None, groups=None, *, title: str | None = None) -> None:
        """Draw the folds of another splitter (or the same on other data); the title is
        ``title``, by default the splitter's name and number of splits."""
        with warnings.catch_warnings():
            # The diagram passes groups to every splitter to draw them; only the
            # splitter's own warnings (e.g. too few members per class) are news.
            warnings.filterwarnings("ignore", message="The groups parameter is ignored")
            splits = [(np.asarray(train), np.asarray(test))
                      for train, test in cv.split(X, y, groups)]
        n_samples = len(X)
        rows = [_fold_row(train, test, n_samples) for train, test in splits]
        labels = [f"fold {index + 1}" for index in range(len(splits))]
        notes = [_fold_summary(test, y) for _, test in splits]
        if y is not None:
            rows.append(_class_row(np.asarray(y)))
            labels.append("class")
            notes.append(f"{np.mean(np.asarray(y) == 1):.0%} positive")
        if groups is not None:
            rows.append(_group_row(np.asarray(groups)))
            labels.append("group")
            notes.append(f"{len(np.unique(groups))} groups")
        picture = np.stack(rows)
        # One square per sample and row: filling a few hundred squares costs a tenth of
        # resampling an image to the axes' size. Their places change with the shape only.
        if picture.shape != self.picture.shape:
            self.cells.set_verts(_cell_squares(*picture.shape[:2]))
        self.cells.set_facecolor(picture.reshape(-1, 3))
        self.picture = picture
        self.ax.set_yticks(range(len(rows)), labels)
        self.ax.set_ylim(len(rows) - 0.5, -0.5)
        self.ax.set_xlim(-0.5, n_samples - 0.5)
        # Plain texts in the axes (x in axes fraction, y in rows), not tick labels of a
        # twin axes: changing them then redraws a few texts, not a whole axes.
        while self.notes and len(self.row_notes) < len(notes):
            self.row_notes.append(self.ax.text(
                1.01, 0.0, "", transform=self.ax.get_yaxis_transform(), ha="left",
                va="center", fontsize="medium", clip_on=False))
        for row, note in enumerate(self.row_notes):
            note.set(y=row, text=notes[row] if row < len(notes) else "",
                     visible=row < len(notes))
        # The colour key lives in the x label, drawn with the axis under the cells: the
        # title then has only the few glyphs that change (each costs a draw).
        self.ax.title.set_text(f"{type(cv).__name__}: {len(splits)} splits" if title is None
                               else title)
        self.splits = splits


def _cell_squares(n_rows: int, n_columns: int) -> np.ndarray:
    """Corners of unit squares centred on (column, row), row by row: (n, 4, 2)."""
    rows, columns = np.divmod(np.arange(n_rows * n_columns), n_columns)
    corners = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])
    return np.stack([columns, rows], axis=1)[:, None, :] + corners


def _fold_row(train, test, n_samples: int) -> np.ndarray:
    row = np.tile(to_rgb(UNUSED_COLOR), (n_samples, 1))
    row[train] = to_rgb(TRAIN_COLOR)
    row[test] = to_rgb(TEST_COLOR)
    return row


def _class_row(y: np.ndarray) -> np.ndarray:
    return np.where((y == 1)[:, None], to_rgb(POSITIVE_COLOR), to_rgb(CLASS_0_COLOR))


def _group_row(groups: np.ndarray) -> np.ndarray:
    _, codes = np.unique(groups, return_inverse=True)
    palette = plt.get_cmap("tab20").colors
    return np.array([palette[code % len(palette)] for code in codes])


def _fold_summary(test, y) -> str:
    if y is None:
        return f"test {len(test)}"
    positives = int(np.sum(np.asarray(y)[test] == 1))
    return f"test {len(test)}, {positives} pos"


def plot_cv_splits(cv, X, y=None, groups=None, ax: Axes | None = None, *,
                   notes: bool = True) -> CvSplitArtists:
    """Draw which samples each fold of a scikit-learn splitter trains and tests on.

    One row per split (light blue = train, red = test, light grey = unused, as in
    TimeSeriesSplit), then a row of class labels (grey 0, orange 1) and a row of groups
    when given; the
    right-hand labels count each test fold's samples and positives, which shows at a
    glance whether a fold has no positive at all.

    Args:
        cv: any object with ``split(X, y, groups)`` (KFold, StratifiedKFold,
            GroupKFold, TimeSeriesSplit, ...).
        X: array-like (n_samples, ...) passed to ``cv.split``.
        y: optional labels (n_samples,), 0/1 for the class row.
        groups: optional group ids (n_samples,).
        ax: axes to draw on; None creates a new figure.
        notes: write each row's counts right of it (False: no ``row_notes``).

    Returns:
        CvSplitArtists (cells, picture, row_notes, splits) with an ``update`` method.

    Raises:
        ValueError: whatever the splitter raises for impossible settings.

    Example:
        >>> import numpy as np
        >>> from sklearn.model_selection import KFold
        >>> artists = plot_cv_splits(KFold(3), np.zeros((9, 1)))
        >>> [test.tolist() for _, test in artists.splits]
        [[0, 1, 2], [3, 4, 5], [6, 7, 8]]

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    ax = _axes(ax)
    # Not antialiased: squares sharing an edge then tile the rows without seams.
    cells = ax.add_collection(PolyCollection([], edgecolors="none", antialiased=False,
                                             zorder=ABOVE_TICKS), autolim=False)
    ax.set_xlabel("sample index (light blue = train, red = test)")
    artists = CvSplitArtists(ax=ax, cells=cells, notes=notes)
    artists.update(cv, X, y, groups)
    return artists


# ------------------------------------------------------------ fits with outliers


@dataclass
class FitArtists:
    """Points and fitted lines of :func:`plot_fitted_lines`."""

    ax: Axes
    inliers: PathCollection
    outliers: PathCollection
    lines: dict[str, Line2D]
    legend: Legend | None = None

    def update(self, x=None, y=None, lines: Mapping[str, tuple[float, float]] | None = None,
               *, is_outlier=None, rescale: bool = True, relabel: bool = True) -> None:
        """Move the points (x, y, is_outlier) and/or the lines {name: (slope, intercept)}.

        New points set the axes limits to their range unless ``rescale`` is False, and
        each line's legend entry shows its slope unless ``relabel`` is False (an
        explorer that keeps limits and legend fixed and shows the numbers elsewhere).
        """
        if x is not None:
            x = _vector(x, "x")
            y = _vector(y, "y")
            check_same_length(x, y, ("x", "y"))
            mask = (np.zeros(len(x), bool) if is_outlier is None
                    else np.asarray(is_outlier, bool))
            check_same_length(x, mask, ("x", "is_outlier"))
            self.inliers.set_offsets(np.column_stack([x[~mask], y[~mask]]))
            self.outliers.set_offsets(np.column_stack([x[mask], y[mask]]))
        if x is not None and rescale:
            self.ax.set_xlim(x.min() - 0.05 * np.ptp(x), x.max() + 0.05 * np.ptp(x))
            pad = 0.08 * (np.ptp(y) or 1.0)
            self.ax.set_ylim(y.min() - pad, y.max() + pad)
        grid = np.asarray(self.ax.get_xlim())
        for name, (slope, intercept) in (lines or {}).items():
            if name not in self.lines:
                fail("lines", f"names among {sorted(self.lines)}", f"Received: {name!r}")
            self.lines[name].set_data(grid, slope * grid + intercept)
            if relabel:
                _relabel(self.legend, self._handles(), self.lines[name],
                         f"{name}: slope {slope:.2f}")

    def _handles(self) -> list:
        return [self.inliers, self.outliers, *self.lines.values()]


def plot_fitted_lines(x, y, lines: Mapping[str, tuple[float, float]],
                      ax: Axes | None = None, *, is_outlier=None) -> FitArtists:
    """Draw data points (outliers in red) and straight lines fitted to them.

    Args:
        x: 1-D array (n,) of inputs.
        y: 1-D array (n,) of targets.
        lines: mapping name -> (slope, intercept), e.g. {"MSE": (2.1, 0.4)}.
        ax: axes to draw on; None creates a new figure.
        is_outlier: optional boolean mask (n,) of the points to draw as outliers.

    Returns:
        FitArtists (inliers, outliers, lines {name: Line2D}) with an ``update`` method.

    Raises:
        ValueError: on arrays of different lengths.

    Example:
        >>> artists = plot_fitted_lines([0, 1, 2], [0, 1, 9], {"MSE": (4.5, -1.5)},
        ...                             is_outlier=[False, False, True])
        >>> len(artists.outliers.get_offsets()), artists.lines["MSE"].get_label()
        (1, 'MSE: slope 4.50')

    Taught in: notebooks/01_regression_losses.ipynb
    """
    ax = _axes(ax)
    inliers = ax.scatter([], [], s=18, color=NEGATIVE_COLOR, label="data", zorder=2)
    outliers = ax.scatter([], [], s=30, color=TEST_COLOR, marker="D", label="outliers",
                          zorder=2)
    line_artists = {}
    for index, name in enumerate(lines):
        (line_artists[name],) = ax.plot([], [], color=f"C{index + 2}", linewidth=2,
                                        zorder=3)
    artists = FitArtists(ax=ax, inliers=inliers, outliers=outliers, lines=line_artists)
    artists.legend = _legend(ax, artists._handles(), "upper left")
    artists.update(x, y, lines, is_outlier=is_outlier)
    ax.set(xlabel="x", ylabel="y")
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

    def update(self, values, *, epoch_value: float | None = None,
               mean_value: float | None = None, metric_name: str = "F1",
               batch_size: int | None = None, n_samples: int | None = None,
               relabel: bool = True) -> None:
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
            n_samples = check_integer(len(values) * batch_size if n_samples is None else
                                      n_samples, "n_samples", minimum=1)
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
            _relabel(self.legend, handles, self.mean_line,
                     f"mean of batch {metric_name}: {mean_value:.3f}")
            _relabel(self.legend, handles, self.epoch_line, f"epoch {metric_name}: " + (
                "not given" if epoch_value is None else f"{float(epoch_value):.3f}"))


def _bar_vertices(values: np.ndarray, edges: np.ndarray, width: float = 0.8
                  ) -> list[np.ndarray]:
    # Bars as polygons in one collection: its number of polygons can change on an
    # update, which a BarContainer's cannot. Bar i fills ``width`` of [edges[i], edges[i+1]].
    span = np.diff(edges)
    left = edges[:-1] + span * (1 - width) / 2
    right = left + span * width
    zeros = np.zeros_like(values)
    corners = np.stack([np.column_stack(pair) for pair in
                        ((left, zeros), (left, values), (right, values), (right, zeros))],
                       axis=1)
    return list(corners)


def plot_batch_metric(values, ax: Axes | None = None, *, epoch_value: float | None = None,
                      mean_value: float | None = None, metric_name: str = "F1",
                      batch_size: int | None = None, n_samples: int | None = None
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
    bars = PolyCollection([], facecolors=TRAIN_COLOR, edgecolors="none",
                          label=f"batch {metric_name}", zorder=ABOVE_TICKS)
    ax.add_collection(bars)
    mean_line = ax.axhline(0.0, color=TEST_COLOR, linewidth=2, linestyle="--")
    epoch_line = ax.axhline(0.0, color="black", linewidth=2)
    ax.set(ylim=(0, 1.05), ylabel=metric_name,
           xlabel="batch" if batch_size is None else "sample index (one bar per batch)")
    artists = BatchMetricArtists(ax=ax, bars=bars, mean_line=mean_line, epoch_line=epoch_line,
                                 legend=_legend(ax, (bars, mean_line, epoch_line),
                                                "lower right"))
    artists.update(values, epoch_value=epoch_value, mean_value=mean_value,
                   metric_name=metric_name, batch_size=batch_size, n_samples=n_samples)
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

    def update(self, y_true=None, y_score=None, *, threshold: float | None = None,
               relabel: bool = True) -> None:
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
            _relabel(self.legend, (self.negatives, self.positives, self.threshold_line),
                     self.threshold_line, f"threshold {float(threshold):.2f}")


def _class_histograms(y_true, y_score, edges):
    y_true = np.asarray(y_true)
    y_score = _vector(y_score, "y_score")
    check_same_length(y_true, y_score, ("y_true", "y_score"))
    negative_counts, _ = np.histogram(y_score[y_true != 1], bins=edges)
    positive_counts, _ = np.histogram(y_score[y_true == 1], bins=edges)
    return negative_counts, positive_counts


def plot_score_histograms(y_true, y_score, ax: Axes | None = None, *,
                          threshold: float | None = None, bins: int = 30,
                          score_range: tuple[float, float] = (0.0, 1.0)
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
    negatives = ax.stairs(np.zeros(bins), edges, fill=True, alpha=0.6, color=NEGATIVE_COLOR,
                          label="negatives (y=0)")
    positives = ax.stairs(np.zeros(bins), edges, fill=True, alpha=0.6, color=POSITIVE_COLOR,
                          label="positives (y=1)")
    threshold_line = ax.axvline(0.5, color="black", linewidth=2, label="threshold")
    threshold_line.set_visible(threshold is not None)
    ax.set(xlim=score_range, xlabel="score", ylabel="samples")
    artists = ScoreHistogramArtists(ax, negatives, positives, threshold_line, edges,
                                    _legend(ax, (negatives, positives, threshold_line),
                                            "upper center"))
    artists.update(y_true, y_score, threshold=threshold)
    return artists


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
            _relabel(self.legend, (self.negatives, self.positives, self.boundary),
                     self.boundary, label)


def plot_linear_boundary(X, y, coef, intercept: float, ax: Axes | None = None, *,
                         label: str = "decision boundary") -> BoundaryArtists:
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
    negatives = ax.scatter(*X[y != 1].T, s=12, color=NEGATIVE_COLOR, alpha=0.6,
                           label="class 0")
    positives = ax.scatter(*X[y == 1].T, s=22, color=POSITIVE_COLOR, marker="D",
                           label="class 1 (minority)")
    pad = 0.05 * np.ptp(X, axis=0)
    ax.set(xlim=(X[:, 0].min() - pad[0], X[:, 0].max() + pad[0]),
           ylim=(X[:, 1].min() - pad[1], X[:, 1].max() + pad[1]),
           xlabel="feature 1", ylabel="feature 2")
    (boundary,) = ax.plot([], [], color="black", linewidth=2, label=label)
    artists = BoundaryArtists(ax, negatives, positives, boundary,
                              _legend(ax, (negatives, positives, boundary), "upper left"))
    artists.update(coef, intercept, label=label)
    return artists


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
        for index, (bar, label, value) in enumerate(zip(self.bars, self.labels,
                                                        probabilities, strict=True)):
            bar.set_height(value)
            bar.set_color(POSITIVE_COLOR if index == highlight else TRAIN_COLOR)
            label.set_position((bar.get_x() + bar.get_width() / 2, value))
            label.set_text(f"{value:.3f}")


def plot_probability_bars(probabilities, ax: Axes | None = None, *, labels=None,
                          highlight: int | None = None, title: str | None = None
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
    names = [str(label) for label in labels] if labels is not None else [
        f"class {index}" for index in range(size)]
    if len(names) != size:
        fail("labels", f"{size} class names", labels)
    ax = _axes(ax)
    container = ax.bar(names, np.zeros(size), color=TRAIN_COLOR, zorder=ABOVE_TICKS)
    texts = [ax.text(bar.get_x() + bar.get_width() / 2, 0.0, "", ha="center",
                     va="bottom", fontsize="small") for bar in container]
    ax.set(ylim=(0, 1.12), ylabel="probability", title=title)
    artists = ProbabilityBarArtists(ax=ax, bars=list(container), labels=texts)
    artists.update(probabilities, highlight=highlight)
    return artists

