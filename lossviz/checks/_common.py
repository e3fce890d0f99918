"""What the checkers share: their argument checks, random inputs, a tiny model, comparisons.

Keras is imported on first use, through ``lossviz._validation.import_keras`` (``_keras``).
Taught in: notebooks/03_custom_losses.ipynb
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from lossviz._validation import check_integer, check_interval, check_one_of, fail, import_keras

INPUT_KINDS = ("regression", "binary", "categorical")
_DEFAULT_TARGET_SHAPE = {"regression": (1,), "binary": (1,), "categorical": (3,)}


def _keras():
    return import_keras()


def _name(obj) -> str:
    if isinstance(obj, functools.partial):
        return _name(obj.func)
    if isinstance(obj, type):
        return obj.__name__
    return getattr(obj, "__name__", None) or type(obj).__name__


def _to_numpy(value) -> np.ndarray:
    keras = _keras()
    if isinstance(value, np.ndarray | np.generic | float | int | list | tuple):
        return np.asarray(value)
    return np.asarray(keras.ops.convert_to_numpy(value))


def _dtype_name(value) -> str:
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return type(value).__name__
    return _keras().backend.standardize_dtype(dtype)


def _checked_common(inputs, batch_size, seed, rtol, atol, target_shape):
    check_one_of(inputs, "inputs", INPUT_KINDS)
    check_integer(batch_size, "batch_size", minimum=2)
    check_integer(seed, "seed")
    check_interval(rtol, "rtol", 0.0)
    check_interval(atol, "atol", 0.0)
    if target_shape is None:
        return _DEFAULT_TARGET_SHAPE[inputs]
    try:
        shape = tuple(int(n) for n in target_shape)
    except TypeError:
        fail("target_shape", "a tuple of positive integers, e.g. (2,)", target_shape)
    if not shape or min(shape) < 1 or (inputs == "categorical" and shape[-1] < 2):
        fail("target_shape", "a non-empty tuple of positive integers (>= 2 classes if categorical)", target_shape)
    return shape


def _random_batch(inputs: str, batch_size: int, target_shape: tuple, rng) -> tuple[np.ndarray, np.ndarray]:
    """float32 (y_true, y_pred) of one kind, with both classes present where it matters."""
    shape = (batch_size, *target_shape)
    if inputs == "regression":
        y_true = rng.normal(size=shape)
        y_pred = y_true + rng.normal(scale=0.7, size=shape)
    elif inputs == "binary":
        y_true = rng.integers(0, 2, size=shape).astype(float)
        y_true.flat[0], y_true.flat[1] = 0.0, 1.0
        # Predictions lean towards the truth, like a model that learned something.
        y_pred = 1.0 / (1.0 + np.exp(-(1.5 * (2 * y_true - 1) + rng.normal(scale=1.5, size=shape))))
    else:
        n_classes = target_shape[-1]
        classes = rng.integers(0, n_classes, size=shape[:-1])
        classes.flat[: min(n_classes, classes.size)] = np.arange(min(n_classes, classes.size))
        y_true = np.eye(n_classes)[classes]
        logits = 2.0 * y_true + rng.normal(size=shape)
        y_pred = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    return y_true.astype(np.float32), y_pred.astype(np.float32)


def _sample_weight(batch_size: int, rng) -> np.ndarray:
    """Weights with two zeros and a spread of positive values, float32."""
    weights = rng.uniform(0.2, 3.0, size=batch_size)
    weights[rng.choice(batch_size, size=2, replace=False)] = 0.0
    return weights.astype(np.float32)


def _tiny_model(keras, inputs: str, target_shape: tuple, seed: int):
    """A 4-feature linear model with the right output shape and activation for ``inputs``."""
    activation = {"regression": None, "binary": "sigmoid", "categorical": "softmax"}[inputs]
    features = keras.Input(shape=(4,))
    # Seeded initialisers: the check must not consume the notebook's global random state.
    dense = keras.layers.Dense(
        int(np.prod(target_shape)),
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
    )(features)
    outputs = keras.layers.Reshape(target_shape)(dense) if len(target_shape) > 1 else dense
    if activation:
        outputs = keras.layers.Activation(activation)(outputs)
    return keras.Model(features, outputs)


def _fmt(values) -> str:
    array = np.asarray(values, dtype=np.float64)
    return f"{float(array):.6g}" if array.ndim == 0 else np.array2string(array, precision=6)


def _compare(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> tuple[bool, str]:
    """Whether two arrays agree, and a sentence on the worst difference."""
    if got.shape != want.shape:
        return False, f"shapes differ: {got.shape} here, {want.shape} in the reference"
    difference = np.abs(got.astype(np.float64) - want.astype(np.float64))
    if not difference.size:
        return True, "both empty"
    worst = np.unravel_index(np.argmax(difference), difference.shape)
    close = np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=False)
    where = f" at index {tuple(int(i) for i in worst)}" if difference.size > 1 else ""
    detail = f"max difference {difference[worst]:.3g}{where} ({float(got[worst]):.6g} vs {float(want[worst]):.6g})"
    return close, detail


def _init_parameters(cls) -> list[str]:
    """The ``__init__`` arguments a learner's get_config should return.

    Keras's own classes are left out: some store an argument only when it differs from
    what the others imply (AUC's thresholds); the value comparison still catches the ones
    that really lose an argument (Huber's delta in Keras <= 3.15).
    """
    if cls.__module__.startswith("keras."):
        return []
    skipped = {"self", "dtype"}
    try:
        parameters = inspect.signature(cls.__init__).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters if p.name not in skipped and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
