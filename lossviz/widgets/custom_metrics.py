"""Explorers of notebook 05 (custom metrics): F1 per batch against the epoch's F1."""

from __future__ import annotations

import numpy as np

from lossviz import metrics, plots
from lossviz._explorer import Explorer
from lossviz.data import scored_binary
from lossviz.widgets._common import _int_slider, _static_legend, _static_title

# ====================================================================== batch F1


def _batch_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """F1 = 2 TP / (2 TP + FP + FN) of one batch of 0/1 labels; 0 for a batch with no
    positive at all (``zero_division=0``, as the K.epsilon recipe gives).

    ``metrics.f1_score`` checks its input on every call, which at batch size 4 (250
    batches) cost more than the whole redraw; tests compare this with scikit-learn.
    """
    true_positives = int(np.sum(y_true & y_pred))
    denominator = int(np.sum(y_true)) + int(np.sum(y_pred))  # 2 TP + FP + FN
    return 2 * true_positives / denominator if denominator else 0.0


class BatchF1Explorer(Explorer):
    """Batch size -> F1 per batch, their mean (a batch-wise metric) and the epoch F1.

    Predictions: scores of :func:`lossviz.data.scored_binary` (1000 samples, 10 %
    positives) thresholded at 0.5. A metric written as a function of one batch, as in
    many Keras 2 blog posts, reports the mean of the bars; the right value is F1 on all
    samples (what a stateful ``keras.metrics.Metric`` accumulates). Small batches widen
    the gap, and batches with no positive score 0. Each bar stands over its batch's
    samples. Values come from ``lossviz.metrics.batch_averaged`` (per batch F1 from the
    batch's counts) and ``f1_score`` (the epoch).
    ``results`` holds batch_values, batch_mean, epoch_f1 and batches_without_positive;
    the readout shows the numbers.

    Controls:
        batch_size: in [4, 256] (32).

    Example:
        >>> from lossviz.widgets import batch_f1_explorer
        >>> explorer = batch_f1_explorer(batch_size=8)
        >>> gap = explorer.results["epoch_f1"] - explorer.results["batch_mean"]
        >>> bool(gap > 0.1), explorer.results["batches_without_positive"] > 0
        (True, True)

    Taught in: notebooks/05_custom_metrics.ipynb
    """

    name = "batch_f1"
    seed_context = {}
    figsize = (8.0, 3.6)

    def _make_controls(self):
        return {"batch_size": _int_slider(32, 4, 256, "batch size")}

    def _build(self, figure):
        y_true, y_score = scored_binary(n=1000, positive_fraction=0.1, separation=2.0, seed=self.seed)
        self.y_true = y_true
        self.y_pred = (y_score > 0.5).astype(np.int64)
        self.bars = plots.plot_batch_metric([0.0], figure.subplots(), batch_size=len(y_true), n_samples=len(y_true))
        # Beside the axes, where neither the bars nor the two levels ever pass.
        self.bars.legend.set(loc="center left", bbox_to_anchor=(1.01, 0.5))
        _static_legend(self.bars.legend, ["batch F1", "mean of batch F1", "epoch F1"])
        _static_title(self.bars.ax, "F1 of each batch, their mean, and F1 of the epoch")

    def _update(self, params):
        batch_size = params["batch_size"]
        batch_mean, batch_values = metrics.batch_averaged(
            _batch_f1, self.y_true, self.y_pred, batch_size, return_per_batch=True
        )
        epoch_f1 = float(metrics.f1_score(self.y_true, self.y_pred))
        self.bars.update(
            batch_values,
            epoch_value=epoch_f1,
            mean_value=batch_mean,
            batch_size=batch_size,
            n_samples=len(self.y_true),
            relabel=False,
        )
        starts = range(0, len(self.y_true), batch_size)
        empty = sum(not self.y_true[start : start + batch_size].any() for start in starts)
        self._results = {
            "batch_values": batch_values,
            "batch_mean": batch_mean,
            "epoch_f1": epoch_f1,
            "batches_without_positive": int(empty),
        }

    def _readout(self):
        results = self._results
        return [
            f"batch size {self.params['batch_size']}: {len(results['batch_values'])} "
            f"batches, {results['batches_without_positive']} without a positive; mean "
            f"of batch F1 {results['batch_mean']:.3f} vs epoch F1 {results['epoch_f1']:.3f}"
        ]

    def _moving_artists(self):
        bars = self.bars
        return [bars.bars, bars.mean_line, bars.epoch_line]
