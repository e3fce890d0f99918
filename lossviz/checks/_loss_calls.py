"""A loss called the ways Keras calls it, and the value Keras reports for one batch.

:class:`_LossUnderTest` wraps the learner's loss function or ``keras.losses.Loss`` for
the loss checks; :func:`keras_loss_value` is the public face of the same call.
Taught in: notebooks/03_custom_losses.ipynb
"""

from __future__ import annotations

from dataclasses import dataclass

from lossviz._validation import fail
from lossviz.checks._common import _keras, _to_numpy


@dataclass
class _LossUnderTest:
    """A loss function or Loss instance, called the ways Keras calls it."""

    keras: object
    obj: object  # the learner's function or keras.losses.Loss instance

    @property
    def is_loss_object(self) -> bool:
        return isinstance(self.obj, self.keras.losses.Loss)

    @property
    def reduction(self):
        return self.obj.reduction if self.is_loss_object else "sum_over_batch_size"

    def per_sample(self, y_true, y_pred, dtype="float32"):
        """The unreduced values, from float tensors as ``Loss.__call__`` converts them."""
        ops = self.keras.ops
        y_true = ops.convert_to_tensor(y_true, dtype=dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype=dtype)
        return (self.obj.call if self.is_loss_object else self.obj)(y_true, y_pred)

    def weighted(self, y_true, y_pred, sample_weight):
        """The loss Keras reports with ``sample_weight`` (the function wrapped as compile() does)."""
        if self.is_loss_object:
            loss = self.obj
        else:
            # compile(loss=fn) wraps a function in this class; Keras 3.15 does not export it.
            from keras.src.losses.losses import LossFunctionWrapper

            loss = LossFunctionWrapper(self.obj)
        value = _to_numpy(loss(y_true, y_pred, sample_weight=sample_weight))
        return float(value) if value.ndim == 0 else value


def keras_loss_value(loss, y_true, y_pred, sample_weight=None):
    """The loss Keras reports for one batch: ``loss`` reduced and weighted as ``fit`` does it.

    Formula: ``reduce(w * loss(y_true, y_pred))`` with the loss's own reduction; a plain
    function is wrapped in Keras's ``LossFunctionWrapper`` (default reduction
    "sum_over_batch_size"), exactly what ``model.compile(loss=fn)`` does, so this is
    the value ``model.evaluate`` would print for a model that outputs ``y_pred``, without
    building one.

    Args:
        loss: a loss function ``(y_true, y_pred) -> values`` or a ``keras.losses.Loss``.
        y_true: targets, shape (B, ...).
        y_pred: predictions, shape (B, ...).
        sample_weight: weights of shape (B,), or None. Defaults to None.

    Returns:
        float: the reduced loss (an array for a Loss with ``reduction=None``).

    Raises:
        ValueError: if ``loss`` is not callable. Errors of the loss itself propagate:
            this helper shows Keras's behaviour, errors included.

    Example:
        >>> import keras, numpy as np
        >>> def scalar_mse(y_true, y_pred):  # averages the batch itself
        ...     return keras.ops.mean(keras.ops.square(y_true - y_pred))
        >>> y_true, y_pred = np.zeros((2, 1)), np.array([[1.0], [3.0]])
        >>> keras_loss_value(scalar_mse, y_true, y_pred, np.array([1.0, 0.0]))  # 5 * 0.5
        2.5

    Taught in: notebooks/03_custom_losses.ipynb
    """
    if not callable(loss):
        fail("loss", "a loss function or a keras.losses.Loss", loss)
    return _LossUnderTest(_keras(), loss).weighted(y_true, y_pred, sample_weight)
