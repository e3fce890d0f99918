"""Keras measured on the backend in use, said in one sentence.

A lesson cell should show the idea, not the branching on the backend. These helpers
measure what Keras does where the backend decides it, print one sentence ("on this
backend (jax), ...") and return the values for the notebook to assert.

- :func:`keras_gradient`: the gradient Keras's own autodiff gives a loss
  (TensorFlow's ``GradientTape`` or ``jax.grad``), not a twin's formula.
- :func:`on_this_backend`: one row of :data:`lossviz.keras_facts.BACKEND_DIFFERENCES`,
  measured, beside both columns of the table.
- :func:`get_weights_during_fit`: ``model.get_weights()`` from a callback during fit
  ["no error" on TensorFlow, "TypeError" on JAX].
- :func:`random_seed_alone_reproduces_weights`: ``random.seed`` alone fixes the initial
  weights [True on Keras 3.15].
- :func:`twins_against_keras`: each loss's NumPy twin beside Keras's function, with the
  gap the dtype Keras computed in allows.

Taught in: notebooks/01_regression_losses.ipynb, notebooks/02_probabilistic_losses.ipynb,
notebooks/05_custom_metrics.ipynb, notebooks/07_kfold_cross_validation.ipynb,
notebooks/09_other_probabilistic_losses.ipynb
"""

from __future__ import annotations

import functools
import random

import numpy as np

from lossviz import losses
from lossviz._validation import check_one_of, import_keras
from lossviz.keras_facts import (
    BACKEND_DIFFERENCES,
    MEASURED_BACKENDS,
    _error_name,
    backend_differences,
    expected_backend_differences,
    float_tolerance,
)

__all__ = [
    "keras_gradient",
    "on_this_backend",
    "get_weights_during_fit",
    "random_seed_alone_reproduces_weights",
    "twins_against_keras",
]


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


def get_weights_during_fit(verbose: bool = True) -> str:
    """The error ("no error" if none) of ``model.get_weights()`` from a callback during fit.

    Read on the model variable at the second batch: JAX keeps the weights outside the
    model during an epoch (``TypeError``); a callback's ``self.model`` syncs them first.

    Example:
        >>> get_weights_during_fit(verbose=False) in ("no error", "TypeError")
        True

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    if verbose:
        print(f"On {import_keras().backend.backend()}, model.get_weights() inside fit: {_get_weights_during_fit()}.")
    return _get_weights_during_fit()


@functools.cache  # the backend cannot change after Keras is imported
def _get_weights_during_fit() -> str:
    keras, seen = import_keras(), []
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    read = keras.callbacks.LambdaCallback(
        on_train_batch_begin=lambda *_, **__: seen.append(_error_name(model.get_weights))
    )
    model.fit(np.ones((8, 1), "float32"), np.ones((8, 1), "float32"), batch_size=4, verbose=0, callbacks=[read])
    return seen[1]


def random_seed_alone_reproduces_weights(verbose: bool = True) -> bool:
    """Whether ``random.seed(s)`` alone fixes initial weights (another ``s``: others).

    Keras 3 draws each unseeded initializer's seed from Python's ``random``
    (``keras/src/random/seed_generator.py: make_default_seed``). The state is restored.

    Example:
        >>> random_seed_alone_reproduces_weights(verbose=False)  # Keras 3.15
        True

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    keras, state, kernels = import_keras(), random.getstate(), []
    for seed in (1, 1, 2):
        random.seed(seed)  # and nothing else: no keras.utils.set_random_seed, no NumPy seed
        kernels.append(keras.ops.convert_to_numpy(keras.layers.Dense(4).add_weight((3, 4))))
    random.setstate(state)
    same = np.array_equal(kernels[0], kernels[1]) and not np.array_equal(kernels[0], kernels[2])
    if verbose:
        print(f"On {import_keras().backend.backend()}, random.seed alone {'fixes' if same else 'leaves'} the weights.")
    return bool(same)


def twins_against_keras(cases: dict, verbose: bool = True) -> dict[str, tuple]:
    """Each loss's NumPy twin and Keras's function on the same input, and how far apart.

    Args:
        cases: {loss name: (y_true, y_pred, keyword arguments)}, each name a function of
            both ``lossviz.losses`` and ``keras.losses``.
        verbose: print one line per loss (shape, largest difference, Keras's dtype, the
            allowed difference).

    Returns:
        {name: (the twin's shape, Keras's shape, largest difference, allowed difference)}:
        the allowed one is :func:`lossviz.keras_facts.float_tolerance` of Keras's result,
        whose dtype is the one the backend computed in. The notebook asserts.

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    keras = import_keras()
    found = {}
    for name, (y_true, y_pred, options) in cases.items():
        ours = getattr(losses, name)(y_true, y_pred, **options)
        theirs = keras.ops.convert_to_numpy(getattr(keras.losses, name)(y_true, y_pred, **options))
        gap, allowed = float(np.max(np.abs(ours - theirs))), float_tolerance(theirs)
        if verbose:
            print(
                f"{name:38s} shape {str(ours.shape):8s} largest difference {gap:.1e} "
                f"({theirs.dtype}, allowed {allowed:.1e})"
            )
        found[name] = (ours.shape, theirs.shape, gap, allowed)
    return found
