"""Figures of notebook 01 (regression losses): curve families, loss beside gradient,
and straight lines fitted under several losses.

``plot_curve_family`` is also what notebook 02 and the crossentropy explorer draw with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from lossviz._validation import check_one_of, check_same_length, fail
from lossviz.plots._common import ABOVE_TICKS, NEGATIVE_COLOR, TEST_COLOR, _axes, _legend, _relabel, _vector

# --------------------------------------------------------------------------- curves


@dataclass
class CurveFamilyArtists:
    """Lines of a family of curves drawn by :func:`plot_curve_family`."""

    ax: Axes
    lines: dict[str, Line2D]
    highlight: str | None = None

    def update(
        self, curves: Mapping[str, Any] | None = None, *, x=None, highlight=None, autoscale: bool = True
    ) -> None:
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
            _fit_limits(self.ax, [self.lines[self.highlight]] if self.highlight else list(self.lines.values()))


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


def plot_curve_family(
    x,
    curves: Mapping[str, Any],
    ax: Axes | None = None,
    *,
    highlight: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    legend: bool = True,
) -> CurveFamilyArtists:
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

    def update(self, loss=None, gradient=None, *, x=None, highlight=None, autoscale: bool = True) -> None:
        """Replace loss and gradient curves (arrays or {name: array}) and the highlight."""
        self.loss.update(_as_curves(loss, self.loss), x=x, highlight=highlight, autoscale=autoscale)
        self.gradient.update(_as_curves(gradient, self.gradient), x=x, highlight=highlight, autoscale=autoscale)


def _as_curves(values, family: CurveFamilyArtists | None = None) -> dict | None:
    if values is None or isinstance(values, Mapping):
        return values
    name = next(iter(family.lines)) if family is not None else "loss"
    return {name: values}


def plot_loss_and_gradient(
    x,
    loss,
    gradient,
    ax: Sequence[Axes] | None = None,
    *,
    highlight: str | None = None,
    xlabel: str = "residual  y_pred - y_true",
    label: str = "loss",
) -> LossGradientArtists:
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
        _, ax = plt.subplots(1, 2, figsize=(8, 3.2), layout="constrained")
    if len(ax) != 2:
        fail("ax", "a pair of Axes (loss, gradient) or None", ax)
    loss = _as_curves(loss) if not isinstance(loss, Mapping) else loss
    gradient = _as_curves(gradient) if not isinstance(gradient, Mapping) else gradient
    if not isinstance(loss, Mapping) or set(loss) != set(gradient):
        fail("gradient", f"the same curve names as `loss` ({sorted(loss)})", f"Received: {sorted(gradient)}")
    if label != "loss" and list(loss) == ["loss"]:
        loss, gradient = {label: loss["loss"]}, {label: gradient["loss"]}
    return LossGradientArtists(
        loss=plot_curve_family(x, loss, ax[0], highlight=highlight, xlabel=xlabel, ylabel="loss", title="loss"),
        gradient=plot_curve_family(
            x,
            gradient,
            ax[1],
            highlight=highlight,
            xlabel=xlabel,
            ylabel="d loss / d y_pred",
            title="gradient",
            legend=False,
        ),
    )


# ------------------------------------------------------------ fits with outliers


@dataclass
class FitArtists:
    """Points and fitted lines of :func:`plot_fitted_lines`."""

    ax: Axes
    inliers: PathCollection
    outliers: PathCollection
    lines: dict[str, Line2D]
    legend: Legend | None = None

    def update(
        self,
        x=None,
        y=None,
        lines: Mapping[str, tuple[float, float]] | None = None,
        *,
        is_outlier=None,
        rescale: bool = True,
        relabel: bool = True,
    ) -> None:
        """Move the points (x, y, is_outlier) and/or the lines {name: (slope, intercept)}.

        New points set the axes limits to their range unless ``rescale`` is False, and
        each line's legend entry shows its slope unless ``relabel`` is False (an
        explorer that keeps limits and legend fixed and shows the numbers elsewhere).
        """
        if x is not None:
            x = _vector(x, "x")
            y = _vector(y, "y")
            check_same_length(x, y, ("x", "y"))
            mask = np.zeros(len(x), bool) if is_outlier is None else np.asarray(is_outlier, bool)
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
                _relabel(self.legend, self._handles(), self.lines[name], f"{name}: slope {slope:.2f}")

    def _handles(self) -> list:
        return [self.inliers, self.outliers, *self.lines.values()]


def plot_fitted_lines(
    x, y, lines: Mapping[str, tuple[float, float]], ax: Axes | None = None, *, is_outlier=None
) -> FitArtists:
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
    outliers = ax.scatter([], [], s=30, color=TEST_COLOR, marker="D", label="outliers", zorder=2)
    line_artists = {}
    for index, name in enumerate(lines):
        (line_artists[name],) = ax.plot([], [], color=f"C{index + 2}", linewidth=2, zorder=3)
    artists = FitArtists(ax=ax, inliers=inliers, outliers=outliers, lines=line_artists)
    artists.legend = _legend(ax, artists._handles(), "upper left")
    artists.update(x, y, lines, is_outlier=is_outlier)
    ax.set(xlabel="x", ylabel="y")
    return artists
