"""Explorers of notebook 10 (multi-output and multi-label models): one threshold per label."""

from __future__ import annotations

import numpy as np

from lossviz import plots
from lossviz._explorer import Explorer
from lossviz.data import scored_binary
from lossviz.widgets._common import _float_slider, _int_slider, _static_legend, _static_title
from lossviz.widgets._static import StaticGrid
from lossviz.widgets.segmentation import _CURVE_THRESHOLDS, _iou_and_dice, _overlap_counts

# ============================================================ label threshold

#: Positive share and class separation of each of the 8 labels: rare labels are common
#: in multi-label data, and their best threshold lies far from 0.5.
_LABELS = [(0.40, 2.0), (0.30, 1.8), (0.25, 1.5), (0.20, 1.5), (0.12, 1.4), (0.08, 1.6), (0.05, 1.2), (0.03, 1.8)]


class LabelThresholdExplorer(Explorer):
    """Label and threshold -> that label's scores, its F1 and Jaccard at every threshold.

    Data: 8 labels of 600 samples, each scored as :func:`lossviz.data.scored_binary`
    with its own positive share (40 % down to 3 %) and separation. A label is predicted
    when its score is at least the threshold. On one label (a column) F1 is the Dice
    coefficient and the Jaccard score is the IoU, so the curves are those of notebook
    11. ``results`` holds f1, jaccard, precision, recall, positive_share and
    best_threshold (the threshold of the best F1); the readout shows them.

    Controls:
        label: which label, in [0, 7] (0).
        threshold: in [0, 1] (0.5).

    Example:
        >>> from lossviz.widgets import label_threshold_explorer
        >>> explorer = label_threshold_explorer(label=7)
        >>> explorer.results["best_threshold"] > 0.5
        True

    Taught in: notebooks/10_multi_output_and_multi_label.ipynb
    """

    name = "label_threshold"
    seed_context = {}
    static_grid = StaticGrid()  # every joint position
    figsize = (8.0, 3.4)
    layout_controls = frozenset({"label"})  # rescales the histogram's counts

    def _make_controls(self):
        return {
            "label": _int_slider(0, 0, len(_LABELS) - 1, "label"),
            "threshold": _float_slider(0.5, 0.0, 1.0, 0.01, "threshold"),
        }

    def _build(self, figure):
        columns = [scored_binary(n=600, positive_fraction=share, separation=separation, seed=(self.seed + label) % 2**32)
                   for label, (share, separation) in enumerate(_LABELS)]  # fmt: skip
        self.y_true = np.stack([column[0] for column in columns], axis=1).astype(bool)
        self.y_score = np.stack([column[1] for column in columns], axis=1)
        histogram_ax, curve_ax = figure.subplots(1, 2, width_ratios=(1.2, 1))
        self.histograms = plots.plot_score_histograms(
            self.y_true[:, 0], self.y_score[:, 0], histogram_ax, threshold=0.5
        )
        _static_legend(self.histograms.legend, ["label absent", "label present", "threshold"])
        _static_title(histogram_ax, "scores of one label")
        zeros = np.zeros_like(_CURVE_THRESHOLDS)
        self.curves = plots.plot_threshold_curves(_CURVE_THRESHOLDS, zeros, zeros, curve_ax)
        self.curves.ax.set_xlabel("threshold (label predicted: score >= threshold)")
        _static_legend(self.curves.ax.get_legend(), ["Jaccard (IoU)", "F1 (Dice)"])
        _static_title(curve_ax, "this label at every threshold")

    def _update(self, params):
        label, threshold = params["label"], params["threshold"]
        y_true, y_score = self.y_true[:, label], self.y_score[:, label]
        jaccard_curve, f1_curve = _iou_and_dice(*_overlap_counts(y_true, y_score, _CURVE_THRESHOLDS))
        tp, fp, fn = (int(count[0]) for count in _overlap_counts(y_true, y_score, np.array([threshold])))
        jaccard, f1 = (float(value) for value in _iou_and_dice(tp, fp, fn))
        self.histograms.update(y_true, y_score, threshold=threshold, relabel=False)
        self.curves.update(_CURVE_THRESHOLDS, jaccard_curve, f1_curve, threshold=threshold)
        self.curves.points.set_data([threshold] * 2, [jaccard, f1])
        self._results = {
            "f1": f1,
            "jaccard": jaccard,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0,
            "positive_share": float(np.mean(y_true)),
            "best_threshold": float(_CURVE_THRESHOLDS[int(np.argmax(f1_curve))]),
        }

    def _readout(self):
        results = self._results
        return [
            f"label {self.params['label']} ({results['positive_share']:.0%} positive), score >= "
            f"{self.params['threshold']:.2f}: F1 {results['f1']:.3f} · Jaccard {results['jaccard']:.3f} · precision "
            f"{results['precision']:.3f} · recall {results['recall']:.3f} · best F1 at {results['best_threshold']:.3f}"
        ]

    def _moving_artists(self):
        histograms = self.histograms
        return [histograms.negatives, histograms.positives, histograms.threshold_line, self.curves.iou, self.curves.dice, self.curves.marker,
                self.curves.points]  # fmt: skip
