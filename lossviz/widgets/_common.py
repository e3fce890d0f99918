"""Controls and figure helpers that the explorer modules share: sliders, dropdowns and
checkboxes in one style, static legends and titles, padded limits, the moving
artists of a confusion matrix."""

from __future__ import annotations

from typing import Any

import ipywidgets

from lossviz import plots


def _float_slider(
    value: float, low: float, high: float, step: float, description: str, readout_format: str = ".2f"
) -> ipywidgets.FloatSlider:
    return ipywidgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=True,
        style={"description_width": "initial"},
    )


def _int_slider(value: int, low: int, high: int, description: str, step: int = 1) -> ipywidgets.IntSlider:
    return ipywidgets.IntSlider(
        value=value, min=low, max=high, step=step, description=description, style={"description_width": "initial"}
    )


def _dropdown(value: Any, options, description: str) -> ipywidgets.Dropdown:
    return ipywidgets.Dropdown(
        value=value, options=options, description=description, style={"description_width": "initial"}
    )


def _checkbox(value: bool, description: str) -> ipywidgets.Checkbox:
    return ipywidgets.Checkbox(value=value, description=description, indent=False)


def _static_legend(legend, labels=None) -> None:
    """Fixed legend texts, drawn under the data: it then stays in the static layer
    (redrawing a legend costs more than the rest of an update); the numbers that
    change go in the explorer's readout."""
    for text, label in zip(legend.get_texts(), labels or [], strict=False):
        text.set_text(label)
    legend.set_zorder(1)


def _static_title(ax, text: str) -> None:
    """A title no control changes. It is drawn before the moving artists (z-order 1: a
    title never overlaps the data), so it stays in the static layer; the numbers that
    change go in the explorer's readout."""
    ax.title.set_text(text)
    ax.title.set_zorder(1)


def _padded(low: float, high: float, margin: float = 0.08) -> tuple[float, float]:
    """Axis limits around [low, high] with a margin (as lossviz.plots fits them)."""
    pad = (high - low) * margin or max(abs(high), 1.0) * margin
    return low - pad, high + pad


def _matrix_artists(matrix: plots.ConfusionMatrixArtists, *, title: bool = False) -> list:
    cells = [matrix.image, *(text for row in matrix.texts for text in row)]
    return [*cells, matrix.ax.title] if title else cells
