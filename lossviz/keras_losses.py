"""The Keras-side losses notebooks 03 and 04 teach: registered ``keras.losses.Loss`` subclasses.

Each class is the Keras 3 way to write a loss with a hyperparameter:

- ``call(y_true, y_pred)`` returns per-sample values built from ``keras.ops`` (never a
  batch mean: the reduction and the sample weights are applied once, by Keras);
- ``__init__`` accepts ``reduction``, ``name`` and ``dtype`` and passes them on;
- ``get_config`` merges the hyperparameters into ``super().get_config()``, so that
  ``from_config(get_config())`` rebuilds the same loss;
- ``@keras.saving.register_keras_serializable(package="lossviz")`` lets
  ``keras.saving.load_model`` find the class without ``custom_objects=``.

This module imports Keras (after choosing the TensorFlow backend if none was chosen);
``import lossviz`` does not import it. Every class is tested against a NumPy reference
in ``tests/test_keras_losses.py``.
"""

from __future__ import annotations

from lossviz._validation import as_float_array, check_interval, fail, import_keras

keras = import_keras()
ops = keras.ops

from lossviz.keras_reference import align_ranks  # noqa: E402

__all__ = ["PseudoHuber", "WeightedBinaryCrossentropy", "OutputWeightedSquaredError"]


@keras.saving.register_keras_serializable(package="lossviz")
class PseudoHuber(keras.losses.Loss):
    """Pseudo-Huber loss, a smooth Huber: the Keras twin of ``lossviz.losses.pseudo_huber``.

    Formula, with ``x = y_pred - y_true``::

        h(x) = delta**2 * (sqrt(1 + (x / delta)**2) - 1)
        loss = mean(h(x), axis=-1)

    Quadratic (``x**2 / 2``) for ``|x| << delta``, linear (``delta * |x|``) far out, and
    its gradient ``x / sqrt(1 + (x / delta)**2)`` never exceeds ``delta``. Not a Keras
    built-in: the example of a loss with a hyperparameter. Unlike ``keras.losses.Huber``
    in Keras <= 3.15, ``delta`` survives a save / load (it is in ``get_config``).

    Args:
        delta: scale where the loss turns from quadratic to linear, > 0. Defaults to 1.0.
        reduction: a Keras reduction. Defaults to "sum_over_batch_size".
        name: name of the loss. Defaults to "pseudo_huber".
        dtype: computation dtype. Defaults to None (``keras.backend.floatx()``).

    Returns (when called): the reduced loss; ``call`` returns per-sample values of
    shape (B,) for inputs of shape (B, d).

    Raises:
        ValueError: if ``delta`` is not a positive finite number.

    Example:
        >>> import numpy as np
        >>> loss = PseudoHuber(delta=4.0, reduction=None)
        >>> keras.ops.convert_to_numpy(loss(np.array([[0.0, 0.0]]), np.array([[0.0, 3.0]])))
        array([2.], dtype=float32)

    Taught in: notebooks/03_custom_losses.ipynb
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="pseudo_huber", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.delta = check_interval(delta, "delta", 0.0, float("inf"), low_open=True, high_open=True)

    def call(self, y_true, y_pred):
        y_true, y_pred = align_ranks(y_true, y_pred)
        scaled_squared = ops.square((y_pred - y_true) / self.delta)
        # sqrt(1 + z) - 1 == z / (sqrt(1 + z) + 1): no cancellation for tiny residuals.
        per_element = self.delta**2 * scaled_squared / (ops.sqrt(1.0 + scaled_squared) + 1.0)
        return ops.mean(per_element, axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"delta": self.delta})
        return config


@keras.saving.register_keras_serializable(package="lossviz")
class WeightedBinaryCrossentropy(keras.losses.Loss):
    """Binary crossentropy whose positive term is multiplied by ``pos_weight``.

    Formula, with ``p`` the predicted probability clipped to [eps, 1 - eps] (eps = 1e-7,
    as in ``keras.losses.binary_crossentropy``) and ``y`` the target::

        loss = mean over the last axis of -(pos_weight * y * log(p) + (1 - y) * log(1 - p))

    With ``from_logits=True`` the stable form ``pos_weight * y * softplus(-x) +
    (1 - y) * softplus(x)`` of the logit ``x`` is used (the formula of
    ``tf.nn.weighted_cross_entropy_with_logits``). ``pos_weight=1`` is exactly Keras's
    binary crossentropy. For 0/1 labels in one column it equals ``class_weight={0: 1,
    1: pos_weight}`` in ``fit`` with the built-in loss (with several label columns
    class_weight weights each row by its argmax instead); unlike class_weight it also
    works for multi-output models, generators and soft labels.

    Args:
        pos_weight: weight of the positive term, > 0. Defaults to 1.0.
        from_logits: whether ``y_pred`` holds logits instead of probabilities.
            Defaults to False.
        reduction: a Keras reduction. Defaults to "sum_over_batch_size".
        name: name of the loss. Defaults to "weighted_binary_crossentropy".
        dtype: computation dtype. Defaults to None (``keras.backend.floatx()``).

    Returns (when called): the reduced loss; ``call`` returns per-sample values of
    shape (B,) for inputs of shape (B, 1) or (B, d).

    Raises:
        ValueError: if ``pos_weight`` is not a positive finite number.

    Example:
        >>> import numpy as np
        >>> loss = WeightedBinaryCrossentropy(pos_weight=3.0, reduction=None)
        >>> per_sample = loss(np.array([[1.0], [0.0]]), np.array([[0.5], [0.5]]))
        >>> np.round(keras.ops.convert_to_numpy(per_sample), 4)  # 3 log 2, then log 2
        array([2.0794, 0.6931], dtype=float32)
        >>> WeightedBinaryCrossentropy.from_config(loss.get_config()).pos_weight
        3.0

    Taught in: notebooks/03_custom_losses.ipynb, notebooks/04_weighting.ipynb
    """

    def __init__(
        self,
        pos_weight=1.0,
        from_logits=False,
        reduction="sum_over_batch_size",
        name="weighted_binary_crossentropy",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.pos_weight = check_interval(pos_weight, "pos_weight", 0.0, float("inf"), low_open=True, high_open=True)
        self.from_logits = bool(from_logits)

    def call(self, y_true, y_pred):
        y_true, y_pred = align_ranks(y_true, y_pred)
        if self.from_logits:
            positive_term = ops.softplus(-y_pred)
            negative_term = ops.softplus(y_pred)
        else:
            epsilon = keras.backend.epsilon()
            probability = ops.clip(y_pred, epsilon, 1.0 - epsilon)
            positive_term = -ops.log(probability)
            negative_term = -ops.log(1.0 - probability)
        per_element = self.pos_weight * y_true * positive_term + (1.0 - y_true) * negative_term
        return ops.mean(per_element, axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"pos_weight": self.pos_weight, "from_logits": self.from_logits})
        return config


@keras.saving.register_keras_serializable(package="lossviz")
class OutputWeightedSquaredError(keras.losses.Loss):
    """Squared error with one weight per output column, summed over the outputs.

    Formula, for targets with ``K`` columns and weights ``w_1..w_K``::

        loss = sum_k w_k * (y_true[:, k] - y_pred[:, k])^2

    A SUM over outputs, so that on one (B, K) output this loss equals a K-output model
    compiled with ``loss="mse"`` per output and ``loss_weights=[w_1, ..., w_K]``. The
    blog-post version multiplies by the weights and then takes the MEAN over the
    outputs, which is that total divided by K.

    Args:
        output_weights: one non-negative weight per output column, e.g. (0.3, 0.7).
        reduction: a Keras reduction. Defaults to "sum_over_batch_size".
        name: name of the loss. Defaults to "output_weighted_squared_error".
        dtype: computation dtype. Defaults to None (``keras.backend.floatx()``).

    Returns (when called): the reduced loss; ``call`` returns per-sample values of
    shape (B,) for inputs of shape (B, K).

    Raises:
        ValueError: if ``output_weights`` is empty, negative or not finite; when called
            on inputs whose last axis is not K long.

    Example:
        >>> import numpy as np
        >>> loss = OutputWeightedSquaredError(output_weights=(0.3, 0.7), reduction=None)
        >>> per_sample = loss(np.array([[0.0, 0.0]]), np.array([[1.0, 2.0]]))
        >>> np.round(keras.ops.convert_to_numpy(per_sample), 4)  # 0.3 * 1 + 0.7 * 4
        array([3.1], dtype=float32)

    Taught in: notebooks/03_custom_losses.ipynb
    """

    def __init__(
        self,
        output_weights=(1.0,),
        reduction="sum_over_batch_size",
        name="output_weighted_squared_error",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        weights = as_float_array(output_weights, "output_weights")
        if weights.ndim != 1 or (weights < 0).any():
            fail("output_weights", "a flat list of non-negative weights, one per output", weights)
        # A list of Python floats: get_config must stay JSON-serialisable for .keras files.
        self.output_weights = [float(weight) for weight in weights]

    def call(self, y_true, y_pred):
        if y_pred.shape[-1] is not None and y_pred.shape[-1] != len(self.output_weights):
            fail(
                "y_pred",
                f"{len(self.output_weights)} output columns, one per entry of output_weights",
                f"Received: y_pred of shape {tuple(y_pred.shape)}",
            )
        weights = ops.convert_to_tensor(self.output_weights, dtype=y_pred.dtype)
        return ops.sum(weights * ops.square(y_true - y_pred), axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"output_weights": list(self.output_weights)})
        return config
