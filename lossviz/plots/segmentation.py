"""Figures of notebook 11 (segmentation and masks): a mask's errors pixel by pixel, and
IoU and Dice against the threshold that turns scores into a mask."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from lossviz._validation import as_float_array, fail
from lossviz.plots._common import ABOVE_TICKS, NEGATIVE_COLOR, POSITIVE_COLOR, TEST_COLOR, _axes, _vector

#: Pixel kinds of :func:`mask_error_kinds`, in the order of their codes 0..3.
MASK_ERROR_KINDS = ("true negative", "true positive", "false positive", "false negative")
_KIND_COLORS = ListedColormap(["#F4F4F4", "#55A868", POSITIVE_COLOR, NEGATIVE_COLOR])


def mask_error_kinds(mask_true, mask_pred) -> np.ndarray:
    """Code each pixel 0 (TN), 1 (TP), 2 (FP) or 3 (FN) from two boolean masks of one shape.

    Example:
        >>> mask_error_kinds([[True, False]], [[True, True]]).tolist()
        [[1, 2]]
    """
    mask_true, mask_pred = np.asarray(mask_true, bool), np.asarray(mask_pred, bool)
    if mask_true.shape != mask_pred.shape or mask_true.ndim != 2:
        fail("mask_pred", f"a 2-D mask of the shape of mask_true {mask_true.shape}", f"shape {mask_pred.shape}")
    kinds = np.zeros(mask_true.shape, np.int64)
    kinds[mask_true & mask_pred] = 1
    kinds[~mask_true & mask_pred] = 2
    kinds[mask_true & ~mask_pred] = 3
    return kinds


@dataclass
class MaskErrorArtists:
    """The error map of one mask: an image of pixel kinds, and its legend."""

    ax: Axes
    image: AxesImage

    def update(self, mask_true, mask_pred) -> None:
        """Show the pixel kinds of another pair of masks of the same shape."""
        self.image.set_data(mask_error_kinds(mask_true, mask_pred))


def plot_mask_errors(mask_true, mask_pred, ax: Axes | None = None, *, title: str | None = None) -> MaskErrorArtists:
    """Draw a predicted mask against the true one: TP green, FP orange, FN blue, TN grey.

    IoU = TP / (TP + FP + FN) is the green area over the coloured area.

    Args:
        mask_true: (H, W) boolean (or 0/1) true mask.
        mask_pred: (H, W) boolean predicted mask.
        ax: axes to draw on; None creates a new figure.
        title: axes title.

    Returns:
        MaskErrorArtists (image).

    Raises:
        ValueError: masks that are not 2-D or differ in shape.

    Example:
        >>> artists = plot_mask_errors([[1, 0], [1, 1]], [[1, 1], [0, 1]])
        >>> artists.image.get_array().tolist()
        [[1, 2], [3, 1]]

    Taught in: notebooks/11_segmentation_and_masks.ipynb
    """
    ax = _axes(ax)
    image = ax.imshow(mask_error_kinds(mask_true, mask_pred), cmap=_KIND_COLORS, vmin=-0.5, vmax=3.5,
                      interpolation="nearest", zorder=ABOVE_TICKS)  # fmt: skip
    ax.set(xticks=[], yticks=[])
    if title is not None:
        ax.set_title(title)
    handles = [Patch(color=_KIND_COLORS(code), label=kind) for code, kind in enumerate(MASK_ERROR_KINDS)]
    ax.legend(handles=handles[1:], loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3, fontsize="x-small",
              frameon=False, handlelength=1)  # fmt: skip
    return MaskErrorArtists(ax, image)


@dataclass
class ThresholdCurveArtists:
    """IoU and Dice against the threshold, and the point of the current threshold."""

    ax: Axes
    iou: Line2D
    dice: Line2D
    marker: Line2D
    points: Line2D

    def update(self, thresholds=None, iou=None, dice=None, *, threshold=None) -> None:
        """Replace the curves (all three arrays) and/or move the current threshold."""
        if thresholds is not None:
            thresholds = _vector(thresholds, "thresholds")
            self.iou.set_data(thresholds, _vector(iou, "iou"))
            self.dice.set_data(thresholds, _vector(dice, "dice"))
        if threshold is not None:
            threshold = float(threshold)
            self.marker.set_xdata([threshold, threshold])
            x, iou_curve = self.iou.get_data()
            dice_curve = self.dice.get_ydata()
            self.points.set_data(
                [threshold] * 2, [np.interp(threshold, x, iou_curve), np.interp(threshold, x, dice_curve)]
            )


def plot_threshold_curves(
    thresholds, iou, dice, ax: Axes | None = None, *, threshold: float = 0.5, title: str | None = None
) -> ThresholdCurveArtists:
    """Draw IoU and Dice of a thresholded score map against the threshold.

    Dice = 2 IoU / (1 + IoU), so the Dice curve lies above the IoU curve and peaks at the
    same threshold.

    Args:
        thresholds: (m,) increasing thresholds in [0, 1].
        iou: (m,) IoU at each threshold.
        dice: (m,) Dice at each threshold.
        ax: axes to draw on; None creates a new figure.
        threshold: the current threshold, marked by a vertical line (default 0.5).
        title: axes title.

    Returns:
        ThresholdCurveArtists (iou, dice, marker, points).

    Example:
        >>> artists = plot_threshold_curves([0, 0.5, 1], [0.2, 0.6, 0.0], [0.33, 0.75, 0.0])
        >>> list(artists.marker.get_xdata())
        [0.5, 0.5]

    Taught in: notebooks/11_segmentation_and_masks.ipynb
    """
    ax = _axes(ax)
    as_float_array(threshold, "threshold")
    (iou_line,) = ax.plot([], [], color="C0", linewidth=2, label="IoU", zorder=ABOVE_TICKS)
    (dice_line,) = ax.plot([], [], color="C1", linewidth=2, label="Dice", zorder=ABOVE_TICKS)
    marker = ax.axvline(threshold, color="grey", linestyle="--", linewidth=1, zorder=ABOVE_TICKS)
    (points,) = ax.plot([], [], "o", color=TEST_COLOR, markeredgecolor="black", zorder=4)
    ax.set(xlim=(0, 1), ylim=(-0.02, 1.02), xlabel="threshold (positive: score >= threshold)", ylabel="score")
    ax.grid(True, linewidth=0.4, alpha=0.5)
    ax.legend(handles=[iou_line, dice_line], loc="lower center", fontsize="small")
    if title is not None:
        ax.set_title(title)
    artists = ThresholdCurveArtists(ax, iou_line, dice_line, marker, points)
    artists.update(thresholds, iou, dice, threshold=threshold)
    return artists
