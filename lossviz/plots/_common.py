"""What every lossviz figure shares: the colours, the z-order above the ticks, and
small helpers for axes, 1-D inputs and legends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.legend import Legend

from lossviz._validation import as_float_array, fail

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
    return ax.legend(handles, [handle.get_label() for handle in handles], loc=loc, fontsize="small")


def _relabel(legend: Legend, handles: Sequence[Any], handle: Any, label: str) -> None:
    # Changing an entry's text is much cheaper than building a new legend per update.
    handle.set_label(label)
    legend.get_texts()[list(handles).index(handle)].set_text(label)
