"""What Keras reports for a metric written as a function of one batch: the mean over batches."""

from __future__ import annotations

import numpy as np

from lossviz.metrics._checks import check_batches
from lossviz.metrics._registry import register_metric, registered_in


@register_metric
def batch_averaged(metric_fn, y_true, y_pred, batch_size=32, *, return_per_batch=False):
    """The mean over batches of ``metric_fn(batch)``: what Keras logs for a batch-wise metric.

    A metric *function* passed to ``model.compile(metrics=[...])`` that returns one
    number per batch is averaged by Keras over the batches of the epoch, every batch
    (also the smaller last one) counting once:

        reported = (1 / B) sum_b metric_fn(y_true[batch b], y_pred[batch b])

    For precision, recall and F1 this is not the metric of the epoch: a mean of
    ratios is not the ratio of the summed counts, and batches without positives pull
    it down. Compare with the metric on all samples to measure the gap.

    Args:
        metric_fn: Callable ``(y_true_batch, y_pred_batch) -> float`` (NumPy).
        y_true: Targets, shape (n_samples, ...).
        y_pred: Predictions, shape (n_samples, ...).
        batch_size: Consecutive samples per batch, >= 1. Defaults to 32 (as fit).
        return_per_batch: Also return the per-batch values. Defaults to False.

    Returns:
        float, or (float, ndarray of shape (n_batches,)) with return_per_batch=True.

    Raises:
        ValueError: lengths that differ, empty input, or a bad ``batch_size``.

    Example:
        >>> from lossviz.metrics import precision_score
        >>> y_true = np.array([1, 0, 0, 0, 1, 1, 0, 1])
        >>> y_pred = np.array([1, 1, 0, 0, 1, 1, 1, 1])
        >>> round(precision_score(y_true, y_pred), 4)
        0.6667
        >>> batch_averaged(lambda t, p: precision_score(t, p, zero_division=0.0), y_true, y_pred, 4)
        0.625

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    check_batches(metric_fn, y_true, y_pred, batch_size)
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    starts = range(0, len(y_true), batch_size)
    values = np.array([float(metric_fn(y_true[s : s + batch_size], y_pred[s : s + batch_size])) for s in starts])
    mean = float(np.mean(values))
    return (mean, values) if return_per_batch else mean


__all__ = registered_in(__name__)
