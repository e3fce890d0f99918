"""Keras measured on the backend in use, said in one sentence.

A lesson cell should show the idea, not the branching on the backend. These helpers
measure what Keras does where the backend decides it, print one sentence ("on this
backend (jax), ...") and return the values for the notebook to assert.

- :func:`keras_gradient`: the gradient Keras's own autodiff gives a loss
  (TensorFlow's ``GradientTape`` or ``jax.grad``), not a twin's formula.
- :func:`on_this_backend`: one row of :data:`lossviz.keras_facts.BACKEND_DIFFERENCES`,
  measured, beside both columns of the table.

Taught in: notebooks/01_regression_losses.ipynb, notebooks/02_probabilistic_losses.ipynb
"""

from __future__ import annotations

import numpy as np

from lossviz._validation import check_one_of, import_keras
from lossviz.keras_facts import (
    BACKEND_DIFFERENCES,
    MEASURED_BACKENDS,
    backend_differences,
    expected_backend_differences,
)

__all__ = ["keras_gradient", "on_this_backend"]


def keras_gradient(loss, y_true, y_pred) -> np.ndarray:
    """The gradient of ``sum(loss(y_true, y_pred))`` with respect to ``y_pred``, by Keras's autodiff.

    The backend's own differentiation (``tf.GradientTape`` on TensorFlow, ``jax.grad`` on
    JAX) of the loss as Keras computes it, in float32: what training sees, not a
    twin's formula.

    Args:
        loss: a function ``(y_true, y_pred) -> values`` built from ``keras.ops``, such as
            ``keras.losses.mean_squared_logarithmic_error``.
        y_true: targets, shape (B, ...).
        y_pred: predictions, same shape.

    Returns:
        np.ndarray: float32, the shape of ``y_pred``.

    Raises:
        ValueError: on a backend other than TensorFlow or JAX.

    Example:
        >>> import keras
        >>> keras_gradient(keras.losses.mean_squared_error, np.zeros((1, 1)), np.ones((1, 1)))
        array([[2.]], dtype=float32)

    Taught in: notebooks/01_regression_losses.ipynb
    """
    keras = import_keras()
    y_true, y_pred = np.asarray(y_true, "float32"), np.asarray(y_pred, "float32")
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.constant(y_pred)
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(loss(tf.constant(y_true), x))
        return tape.gradient(total, x).numpy()
    check_one_of(backend, "KERAS_BACKEND", ("tensorflow", "jax"))
    import jax
    import jax.numpy as jnp

    return np.asarray(jax.grad(lambda x: jnp.sum(loss(jnp.asarray(y_true), x)))(jnp.asarray(y_pred)))


def on_this_backend(label: str) -> tuple[str, str]:
    """Measure one row of the backend table and say it in one sentence.

    Args:
        label: a key of :data:`lossviz.keras_facts.BACKEND_DIFFERENCES`, such as
            ``"bce(0, sigmoid(50))"``.

    Returns:
        ``(measured, expected)``: the value on the backend in use, and that backend's
        column of the table; equal when the table is right.

    Raises:
        ValueError: an unknown ``label``, or a backend the table has no column for.

    Example:
        >>> measured, expected = on_this_backend("bce(0, sigmoid(50))")  # doctest: +ELLIPSIS
        on this backend (...), `binary_crossentropy([[0]], sigmoid([[50.]]))`, ...
        >>> measured == expected
        True

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    check_one_of(label, "label", BACKEND_DIFFERENCES)
    backend = import_keras().backend.backend()
    expected = expected_backend_differences(backend)[label]
    measured = backend_differences([label])[label]
    what, *columns = BACKEND_DIFFERENCES[label]
    both = ", ".join(f"{name}: {value}" for name, value in zip(MEASURED_BACKENDS, columns))
    print(f"on this backend ({backend}), {what}: {measured} (table: {both})")
    return measured, expected
