"""Explorers of notebook 11 (segmentation and masks): IoU and Dice of a mask against the
threshold that makes it."""

from __future__ import annotations

import numpy as np

from lossviz import plots
from lossviz._explorer import Explorer
from lossviz.data import segmentation_masks
from lossviz.widgets._common import _float_slider, _int_slider, _static_title
from lossviz.widgets._static import StaticGrid

# ============================================================== IoU threshold

#: Thresholds of the curves: 0.005 apart, so a curve is drawn once per image.
_CURVE_THRESHOLDS = np.linspace(0.0, 1.0, 201)


def _overlap_counts(mask_true: np.ndarray, scores: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, ...]:
    """TP, FP, FN of ``scores >= t`` against ``mask_true`` for every t, from one sort."""
    order = np.sort(scores[mask_true])
    negatives = np.sort(scores[~mask_true])
    true_positives = order.size - np.searchsorted(order, thresholds, side="left")
    false_positives = negatives.size - np.searchsorted(negatives, thresholds, side="left")
    return true_positives, false_positives, order.size - true_positives


def _iou_and_dice(true_positives, false_positives, false_negatives) -> tuple[np.ndarray, np.ndarray]:
    """IoU = TP / (TP + FP + FN) and Dice = 2 TP / (2 TP + FP + FN); 1 when both masks are empty."""
    union = true_positives + false_positives + false_negatives
    iou = np.where(union > 0, true_positives / np.maximum(union, 1), 1.0)
    dice = np.where(union > 0, 2 * true_positives / np.maximum(union + true_positives, 1), 1.0)
    return iou, dice


class IouThresholdExplorer(Explorer):
    """Threshold -> the predicted mask of one image, its errors, and IoU and Dice.

    Data: :func:`lossviz.data.segmentation_masks` (8 images of 32 x 32). The true mask is
    the disc (class 1); the score is the model's probability of the disc. A pixel is
    predicted inside when its score is at least the threshold (Keras's ``BinaryIoU``
    rule, ``y_pred >= threshold``). Left: the scores; middle: TP, FP and FN at this threshold;
    right: IoU and Dice of this image at every threshold, the dots at the current one.
    ``results`` holds iou, dice, true_positives, false_positives, false_negatives and
    best_threshold (the threshold of the highest IoU on the curve); the readout shows them.

    Controls:
        threshold: in [0, 1] (0.5).
        image: which of the 8 images, in [0, 7] (0).

    Example:
        >>> from lossviz.widgets import iou_threshold_explorer
        >>> explorer = iou_threshold_explorer(threshold=0.1)
        >>> low = explorer.results
        >>> explorer.set(threshold=0.9)
        >>> explorer.results["false_positives"] <= low["false_positives"]
        True

    Taught in: notebooks/11_segmentation_and_masks.ipynb
    """

    name = "iou_threshold"
    seed_context = {}
    # Each control alone at every position; together, thresholds 0.25, 0.5 and 0.75 on every image.
    static_grid = StaticGrid(joint={"threshold": (0.25, 0.5, 0.75)})
    figsize = (8.0, 3.4)
    n_images = 8

    def _make_controls(self):
        return {
            "threshold": _float_slider(0.5, 0.0, 1.0, 0.01, "threshold"),
            "image": _int_slider(0, 0, self.n_images - 1, "image"),
        }

    def _build(self, figure):
        labels, probabilities = segmentation_masks(n=self.n_images, size=32, seed=self.seed)
        self.masks_true, self.scores = labels == 1, probabilities[..., 1]
        score_ax, error_ax, curve_ax = figure.subplots(1, 3, width_ratios=(1, 1, 1.6))
        self.score_image = score_ax.imshow(self.scores[0], cmap="gray", vmin=0, vmax=1, interpolation="nearest",
                                           zorder=plots.ABOVE_TICKS)  # fmt: skip
        score_ax.set(xticks=[], yticks=[])
        _static_title(score_ax, "score of class 1 (disc)")
        self.errors = plots.plot_mask_errors(self.masks_true[0], self.scores[0] >= 0.5, error_ax)
        _static_title(error_ax, "mask: score >= threshold")
        self.curves = plots.plot_threshold_curves(_CURVE_THRESHOLDS, *[np.zeros_like(_CURVE_THRESHOLDS)] * 2, curve_ax)
        _static_title(curve_ax, "this image at every threshold")

    def _update(self, params):
        image, threshold = params["image"], params["threshold"]
        mask_true, scores = self.masks_true[image], self.scores[image]
        iou_curve, dice_curve = _iou_and_dice(*_overlap_counts(mask_true, scores, _CURVE_THRESHOLDS))
        counts = _overlap_counts(mask_true, scores, np.array([threshold]))
        iou, dice = (float(value[0]) for value in _iou_and_dice(*counts))
        self.score_image.set_data(scores)
        self.errors.update(mask_true, scores >= threshold)
        self.curves.update(_CURVE_THRESHOLDS, iou_curve, dice_curve, threshold=threshold)
        self.curves.points.set_data([threshold] * 2, [iou, dice])
        self._results = {
            "iou": iou,
            "dice": dice,
            "true_positives": int(counts[0][0]),
            "false_positives": int(counts[1][0]),
            "false_negatives": int(counts[2][0]),
            "best_threshold": float(_CURVE_THRESHOLDS[int(np.argmax(iou_curve))]),
        }

    def _readout(self):
        results = self._results
        return [
            f"image {self.params['image']}, score >= {self.params['threshold']:.2f}: IoU {results['iou']:.3f} · "
            f"Dice {results['dice']:.3f} · TP {results['true_positives']} · FP {results['false_positives']} · "
            f"FN {results['false_negatives']} · best IoU at {results['best_threshold']:.3f}"
        ]

    def _moving_artists(self):
        return [self.score_image, self.errors.image, self.curves.iou, self.curves.dice, self.curves.marker,
                self.curves.points]  # fmt: skip
