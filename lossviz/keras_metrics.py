"""Keras-side precision, recall and F1: streaming metrics done right, and the batch-wise recipe done wrong.

* :class:`StreamingPrecision`, :class:`StreamingRecall`, :class:`StreamingF1`:
  ``keras.metrics.Metric`` subclasses that add up true positives, false positives
  and false negatives over every batch of an epoch and divide once at the end, so
  the epoch value is the metric of all samples (equal to
  ``lossviz.metrics.precision_score`` etc. on the thresholded predictions).
* :func:`batchwise_precision`, :func:`batchwise_recall`, :func:`batchwise_f1`: the
  recipe from old blog posts (Keras 2's ``K.round`` counts of one batch), kept as a
  clearly labelled WRONG example. Keras averages the per-batch values over the
  epoch, which is not the precision of the epoch;
  ``lossviz.metrics.batch_averaged`` computes what Keras reports, without Keras.

* :class:`MeanTarget` reports the mean of the targets it received, and
  :func:`seen_by_each_output` uses it to show which output's tensors each metric of a
  multi-output model gets (``lossviz.keras_facts.metrics_reach_their_output``).

Everything here is registered for saving (package "lossviz"), so a model compiled
with these metrics loads without ``custom_objects``. This module imports Keras
(after ``KERAS_BACKEND`` defaults to TensorFlow); the ``lossviz`` package never
imports it by itself. Keras 2 code used
``keras.backend`` (``K.sum``, ``K.round``); Keras 3 uses ``keras.ops``.
"""

from __future__ import annotations

import numpy as np

from lossviz._validation import import_keras

keras = import_keras()
ops = keras.ops

__all__ = [
    "StreamingPrecision",
    "StreamingRecall",
    "StreamingF1",
    "batchwise_precision",
    "batchwise_recall",
    "batchwise_f1",
    "MeanTarget",
    "seen_by_each_output",
    "ROUTING_TARGETS",
]


class _StreamingConfusion(keras.metrics.Metric):
    """Running (weighted) TP, FP and FN of a binary classifier over all batches.

    A prediction is positive when ``y_pred > threshold`` (strictly, as in Keras);
    a label is positive when it is not 0. Inputs of any shape are flattened, every
    cell one decision. Subclasses define :meth:`result` from the three counts.
    """

    def __init__(self, threshold=0.5, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        threshold = float(threshold)
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(
                "Invalid value for argument `threshold`. Expected a number in [0, 1] "
                f"(a probability). Received: threshold={threshold!r}."
            )
        self.threshold = threshold
        self.true_positives = self.add_variable(shape=(), initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=(), initializer="zeros", name="false_positives")
        self.false_negatives = self.add_variable(shape=(), initializer="zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        actual = ops.cast(ops.not_equal(ops.reshape(y_true, ops.shape(y_pred)), 0), self.dtype)
        predicted = ops.cast(ops.greater(y_pred, self.threshold), self.dtype)
        if sample_weight is None:
            weight = ops.ones_like(y_pred)
        else:
            weight = ops.convert_to_tensor(sample_weight, dtype=self.dtype)
            while len(weight.shape) < len(y_pred.shape):  # one weight per sample, shared by its outputs
                weight = ops.expand_dims(weight, -1)
            weight = ops.broadcast_to(weight, ops.shape(y_pred))
        self.true_positives.assign_add(ops.sum(weight * actual * predicted))
        self.false_positives.assign_add(ops.sum(weight * (1.0 - actual) * predicted))
        self.false_negatives.assign_add(ops.sum(weight * actual * (1.0 - predicted)))

    def reset_state(self):
        for variable in (self.true_positives, self.false_positives, self.false_negatives):
            variable.assign(ops.zeros((), dtype=variable.dtype))

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


@keras.saving.register_keras_serializable(package="lossviz")
class StreamingPrecision(_StreamingConfusion):
    """Precision TP / (TP + FP) of all samples seen since the last reset (0 if no positive prediction).

    Counts are added over batches and divided once, so the epoch value equals
    ``lossviz.metrics.precision_score(y_true, y_pred > threshold, sample_weight=w,
    zero_division=0.0)`` on all samples of the epoch.

    Args:
        threshold: A prediction is positive when ``y_pred > threshold``. Defaults to 0.5.
        name: Metric name. Defaults to "streaming_precision".
        dtype: Dtype of the counts. Defaults to None (float32).

    Raises:
        ValueError: threshold outside [0, 1].

    Example:
        >>> metric = StreamingPrecision()
        >>> metric.update_state([1, 0, 1], [0.9, 0.8, 0.2])
        >>> metric.update_state([0, 0], [0.1, 0.3])
        >>> round(float(metric.result()), 4)
        0.5

    Taught in: notebooks/05_custom_metrics.ipynb
    """

    def result(self):
        return ops.divide_no_nan(self.true_positives, self.true_positives + self.false_positives)


@keras.saving.register_keras_serializable(package="lossviz")
class StreamingRecall(_StreamingConfusion):
    """Recall TP / (TP + FN) of all samples seen since the last reset (0 if no positive label).

    The epoch value equals ``lossviz.metrics.recall_score(y_true, y_pred > threshold,
    sample_weight=w, zero_division=0.0)`` on all samples of the epoch.

    Args:
        threshold: A prediction is positive when ``y_pred > threshold``. Defaults to 0.5.
        name: Metric name. Defaults to "streaming_recall".
        dtype: Dtype of the counts. Defaults to None (float32).

    Raises:
        ValueError: threshold outside [0, 1].

    Example:
        >>> metric = StreamingRecall()
        >>> metric.update_state([1, 0, 1], [0.9, 0.8, 0.2])
        >>> metric.update_state([1, 0], [0.7, 0.3])
        >>> round(float(metric.result()), 4)
        0.6667

    Taught in: notebooks/05_custom_metrics.ipynb
    """

    def result(self):
        return ops.divide_no_nan(self.true_positives, self.true_positives + self.false_negatives)


@keras.saving.register_keras_serializable(package="lossviz")
class StreamingF1(_StreamingConfusion):
    """F1 = 2 TP / (2 TP + FP + FN) of all samples seen since the last reset (0 if undefined).

    The harmonic mean of :class:`StreamingPrecision` and :class:`StreamingRecall`,
    from the summed counts: equal to ``lossviz.metrics.f1_score(y_true, y_pred >
    threshold, sample_weight=w, zero_division=0.0)`` on all samples of the epoch.

    Args:
        threshold: A prediction is positive when ``y_pred > threshold``. Defaults to 0.5.
        name: Metric name. Defaults to "streaming_f1".
        dtype: Dtype of the counts. Defaults to None (float32).

    Raises:
        ValueError: threshold outside [0, 1].

    Example:
        >>> metric = StreamingF1()
        >>> metric.update_state([1, 0, 1], [0.9, 0.8, 0.2])
        >>> round(float(metric.result()), 4)
        0.5

    Taught in: notebooks/05_custom_metrics.ipynb
    """

    def result(self):
        return ops.divide_no_nan(
            2.0 * self.true_positives, 2.0 * self.true_positives + self.false_positives + self.false_negatives
        )


def _rounded_counts(y_true, y_pred):
    """The blog recipe's counts of ONE batch: TP, predicted positives, actual positives."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.reshape(y_true, ops.shape(y_pred)), y_pred.dtype)
    true_positives = ops.sum(ops.round(ops.clip(y_true * y_pred, 0, 1)))
    predicted_positives = ops.sum(ops.round(ops.clip(y_pred, 0, 1)))
    possible_positives = ops.sum(ops.round(ops.clip(y_true, 0, 1)))
    return true_positives, predicted_positives, possible_positives


@keras.saving.register_keras_serializable(package="lossviz")
def batchwise_precision(y_true, y_pred):
    """WRONG, kept to measure: precision of ONE batch, as old blog posts compute it.

    TP / (predicted positives + eps) from ``round(clip(...))`` counts of the batch
    (round(p) is 1 exactly when p > 0.5). Passed to ``compile(metrics=[...])``, Keras
    logs the mean of these per-batch values over the epoch: a mean of ratios, not
    the precision of the epoch, and a batch without predicted positives adds 0.
    ``lossviz.metrics.batch_averaged`` reproduces the logged value in NumPy. Use
    :class:`StreamingPrecision` (or ``keras.metrics.Precision``) instead.

    Args:
        y_true: Binary labels of one batch, shape (batch, ...).
        y_pred: Probabilities, same shape.

    Returns:
        Scalar tensor.

    Example:
        >>> round(float(batchwise_precision([1, 0, 1, 0], [0.9, 0.7, 0.2, 0.1])), 4)
        0.5

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    true_positives, predicted_positives, _ = _rounded_counts(y_true, y_pred)
    return true_positives / (predicted_positives + keras.backend.epsilon())


@keras.saving.register_keras_serializable(package="lossviz")
def batchwise_recall(y_true, y_pred):
    """WRONG, kept to measure: recall of ONE batch, as old blog posts compute it.

    TP / (actual positives + eps) of the batch; Keras averages it over batches, and
    every batch without positives adds a 0. Use :class:`StreamingRecall` instead.

    Args:
        y_true: Binary labels of one batch, shape (batch, ...).
        y_pred: Probabilities, same shape.

    Returns:
        Scalar tensor.

    Example:
        >>> round(float(batchwise_recall([0, 0, 0, 0], [0.9, 0.7, 0.2, 0.1])), 4)
        0.0

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    true_positives, _, possible_positives = _rounded_counts(y_true, y_pred)
    return true_positives / (possible_positives + keras.backend.epsilon())


@keras.saving.register_keras_serializable(package="lossviz")
def batchwise_f1(y_true, y_pred):
    """WRONG, kept to measure: F1 of ONE batch, 2 p r / (p + r + eps), as old blog posts compute it.

    Keras averages the per-batch F1 over the epoch, which is neither the F1 of the
    epoch nor the F1 of the averaged precision and recall. Use :class:`StreamingF1`.

    Args:
        y_true: Binary labels of one batch, shape (batch, ...).
        y_pred: Probabilities, same shape.

    Returns:
        Scalar tensor.

    Example:
        >>> round(float(batchwise_f1([1, 0, 1, 0], [0.9, 0.7, 0.2, 0.1])), 4)
        0.5

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    precision = batchwise_precision(y_true, y_pred)
    recall = batchwise_recall(y_true, y_pred)
    return 2.0 * precision * recall / (precision + recall + keras.backend.epsilon())


@keras.saving.register_keras_serializable(package="lossviz")
class MeanTarget(keras.metrics.Metric):
    """The mean of every ``y_true`` value it received: which tensors reached this metric.

    Example:
        >>> metric = MeanTarget()
        >>> metric.update_state([[1.0], [3.0]], [[0.0], [0.0]])
        >>> float(metric.result())
        2.0

    Taught in: notebooks/10_multi_output_and_multi_label.ipynb
    """

    def __init__(self, name="mean_target", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(y_true, self.dtype)
        self.total.assign_add(ops.sum(y_true))
        self.count.assign_add(ops.cast(ops.size(y_true), self.dtype))

    def result(self):
        return ops.divide_no_nan(self.total, self.count)


#: The targets of :func:`seen_by_each_output`, per output, in the outputs' order (not the
#: alphabetical order of their names).
ROUTING_TARGETS = {"zeta": 1.0, "alpha": 3.0}


def seen_by_each_output(model_class=None) -> dict:
    """The mean target that the metric compiled for each output of a two-output model saw.

    A functional model with a LIST of outputs ``[zeta (B, 1), alpha (B, 2)]`` in that
    order, compiled with ``metrics={"zeta": MeanTarget(...), "alpha": MeanTarget(...)}``
    and evaluated on a DICT of targets keyed by output name, all 1.0 for ``zeta`` and
    all 3.0 for ``alpha``. That is the case Keras 3.14.0 got wrong (keras-team/keras#22625,
    fixed in 3.14.1): it lined dict targets up in the alphabetical order of their keys
    against the outputs in the model's order. With the targets as a list, or a model
    with dict outputs, 3.14.0 routed them right, so a probe on those would miss it.

    Args:
        model_class: built as ``model_class(inputs, outputs)``; ``keras.Model`` by default.

    Returns:
        ``{output name: mean target its metric saw}``; :data:`ROUTING_TARGETS` when each
        metric gets its own output's tensors.

    Example:
        >>> seen_by_each_output()  # Keras 3.15
        {'zeta': 1.0, 'alpha': 3.0}

    Taught in: notebooks/10_multi_output_and_multi_label.ipynb
    """
    model_class = keras.Model if model_class is None else model_class
    inputs = keras.Input((1,))
    outputs = [keras.layers.Dense(1, name="zeta")(inputs), keras.layers.Dense(2, name="alpha")(inputs)]
    model = model_class(inputs, outputs)
    model.compile(
        loss={name: "mse" for name in ROUTING_TARGETS},
        metrics={name: MeanTarget(name=f"seen_by_{name}") for name in ROUTING_TARGETS},
    )
    widths = {"zeta": 1, "alpha": 2}
    targets = {name: np.full((4, widths[name]), value, "float32") for name, value in ROUTING_TARGETS.items()}
    logged = model.evaluate(np.zeros((4, 1), "float32"), targets, verbose=0, return_dict=True)
    return {
        name: float(next(v for k, v in logged.items() if k.endswith(f"seen_by_{name}"))) for name in ROUTING_TARGETS
    }
