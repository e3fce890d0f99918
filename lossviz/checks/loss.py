"""``check_loss``: the loss checks (``LOSS_CHECKS``), in the order they run.

Each check is registered with ``@_check("loss", code)``; see ``lossviz.checks`` for
the table of codes and :mod:`lossviz.checks._framework` for the loop that runs them.
The gradient check asks the backend's own autodiff (``tf.GradientTape`` on TensorFlow,
``jax.grad`` on JAX), see :func:`_gradient`.
Taught in: notebooks/03_custom_losses.ipynb
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from types import SimpleNamespace

import numpy as np

from lossviz._validation import fail
from lossviz.checks._common import (
    _checked_common,
    _compare,
    _dtype_name,
    _init_parameters,
    _keras,
    _name,
    _random_batch,
    _sample_weight,
    _tiny_model,
    _to_numpy,
)
from lossviz.checks._framework import FAIL, PASS, SKIP, _check, _codes, _error_text, _run_checks, _Stop
from lossviz.checks._loss_calls import _LossUnderTest
from lossviz.reduction import reduce_values


def _gradient(keras, function: Callable, x: np.ndarray) -> np.ndarray | None:
    """d sum(function(x)) / dx by the backend's own autodiff; None if nothing reaches x.

    TensorFlow returns None for a value computed without a differentiable path to x
    (a NumPy call, a cast, keras.ops.round); JAX differentiates rounding as 0 and
    raises on NumPy calls, which the check reports.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(tf.cast(tf.convert_to_tensor(function(x)), tf.float32))
        gradient = tape.gradient(total, x)
        return None if gradient is None else gradient.numpy()
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        return np.asarray(jax.grad(lambda v: jnp.sum(jnp.asarray(function(v), jnp.float32)))(jnp.asarray(x)))
    fail("KERAS_BACKEND", "'tensorflow' or 'jax' for the gradient check", f"Received: KERAS_BACKEND={backend!r}")


@_check("loss", "exception")
def _call_check(c) -> tuple[str, str]:
    if isinstance(c.fn, type) and issubclass(c.fn, c.keras.losses.Loss):  # build it with its defaults
        try:
            c.fn = c.fn()
        except Exception as error:
            raise _Stop(FAIL, f"raised {_error_text(error)}", "the loss class could not be built") from error
    c.loss = loss = _LossUnderTest(c.keras, c.fn)
    c.values_shape = None
    try:
        values = loss.per_sample(c.y_true, c.y_pred)
    except Exception as error32:
        try:
            loss.per_sample(c.y_true.astype(np.float64), c.y_pred.astype(np.float64), dtype="float64")
        except Exception:
            raise _Stop(
                FAIL,
                f"calling it the way Keras does (float32 tensors of shape {c.y_true.shape}) "
                f"raised {_error_text(error32)}",
                "the loss could not be called",
            ) from error32
        c.float32_error = error32
        return PASS, "it runs on float64 tensors (but see float32)"
    c.values, c.values_shape = values, tuple(_to_numpy(values).shape)
    return PASS, f"runs on float32 tensors of shape {c.y_true.shape}"


@_check("loss", "float32")
def _float32_check(c) -> tuple[str, str]:
    if c.values_shape is None:
        raise _Stop(
            FAIL,
            (
                "it works on float64 but fails on the float32 tensors Keras passes: "
                f"{_error_text(c.float32_error)}. Hard-coded float64 constants or NumPy "
                "arrays mixed with tensors? Build constants with keras.ops.convert_to_tensor"
                "(..., dtype=y_pred.dtype)."
            ),
            "the loss does not run on float32 tensors",
        )
    dtype = _dtype_name(c.values)
    if dtype != "float32":
        return FAIL, f"returns {dtype} values on float32 inputs; Keras computes losses in float32"
    return PASS, "float32 in, float32 out"


@_check("loss", "shape")
def _shape_check(c) -> tuple[str, str]:
    values_shape, batch_size = c.values_shape, c.batch_size
    expected = (batch_size,)
    if values_shape == expected:
        return PASS, f"one value per sample, shape {expected}"
    if values_shape == ():
        return FAIL, (
            f"returns a single number (shape ()) instead of one value per sample (shape {expected}). "
            "Keras can then only multiply it by the mean sample weight: sample_weight and class_weight "
            "no longer weight samples. Reduce only the last axis, e.g. keras.ops.mean(..., axis=-1), "
            "not the whole batch (the old K.mean(...) recipe)."
        )
    hint = (
        " The first axis must stay the batch."
        if not values_shape or values_shape[0] != batch_size
        else " Reduce the last axis, e.g. keras.ops.mean(..., axis=-1)."
    )
    return FAIL, f"returns shape {values_shape}; Keras expects one value per sample, shape {expected}.{hint}"


@_check("loss", "batch_size")
def _batch_size_check(c) -> tuple[str, str]:
    loss, batch_size, values_shape = c.loss, c.batch_size, c.values_shape
    other = batch_size + 5
    y_true, y_pred = _random_batch(c.inputs, other, c.target_shape, c.rng)
    try:
        other_shape = tuple(_to_numpy(loss.per_sample(y_true, y_pred)).shape)
    except Exception as error:
        return FAIL, (
            f"works on a batch of {batch_size} but raised on a batch of {other}: {_error_text(error)}. "
            "Does it hard-code something of one batch size, such as a weight vector? The last batch "
            "of an epoch is usually smaller (100 samples with batch_size=32 end with a batch of 4)."
        )
    if values_shape == (batch_size,) and other_shape != (other,):
        return FAIL, (
            f"a batch of {batch_size} gives shape {values_shape} but a batch of {other} gives "
            f"{other_shape}: something in it depends on the batch size."
        )
    return PASS, f"also works on a batch of {other}"


@_check("loss", "gradient")
def _gradient_check(c) -> tuple[str, str]:
    gradient = _gradient(c.keras, lambda prediction: c.loss.per_sample(c.y_true, prediction), c.y_pred)
    if gradient is None:
        return FAIL, (
            "no gradient reaches y_pred, so the model cannot learn from this loss (fit stops with "
            "'No gradients provided for any variable'). Rounding (keras.ops.round), argmax, "
            "comparisons, casts to int and NumPy calls cut the gradient."
        )
    if not np.all(np.isfinite(gradient)):
        return FAIL, f"the gradient has {int((~np.isfinite(gradient)).sum())} NaN/inf entries at ordinary inputs"
    if not np.any(gradient):
        return FAIL, (
            "the gradient with respect to y_pred is zero everywhere on these inputs (a step "
            "function such as keras.ops.sign, or rounding, argmax or a comparison on JAX, which "
            "differentiates them as 0), so training would never move the weights."
        )
    return PASS, f"gradient present and non-zero (largest |d loss / d y_pred| = {np.abs(gradient).max():.3g})"


@_check("loss", "sample_weight")
def _sample_weight_check(c) -> tuple[str, str]:
    loss, y_true, y_pred, rtol, atol = c.loss, c.y_true, c.y_pred, c.rtol, c.atol
    weights = _sample_weight(len(y_true), c.rng)
    got = loss.weighted(y_true, y_pred, weights)
    # Each sample's own loss, computed alone: what weighting should weight.
    alone = [_to_numpy(loss.per_sample(y_true[i : i + 1], y_pred[i : i + 1])).ravel() for i in range(len(y_true))]
    if any(value.size != 1 for value in alone):
        return FAIL, (
            f"called on one sample it returns {alone[0].size} values, so samples cannot be weighted "
            "one by one; it must return one value per sample."
        )
    want = reduce_values(np.concatenate(alone), weights, reduction=loss.reduction)
    if math.isclose(got, want, rel_tol=rtol, abs_tol=atol):
        return PASS, (
            f"with sample_weight, Keras's loss {got:.6g} is the '{loss.reduction}' reduction of "
            "the weighted per-sample losses"
        )
    return FAIL, (
        f"with sample_weight (two samples weighted 0), Keras reports {got:.6g}, but weighting each "
        f"sample's own loss and reducing with '{loss.reduction}' gives {want:.6g}: sample_weight "
        "and class_weight do not weight samples as Keras intends. A loss must return per-sample "
        "values and leave the weighting to Keras (don't override __call__, don't hard-code weights)."
    )


@_check("loss", "config")
def _config_check(c) -> tuple[str, str]:
    loss, y_true, y_pred, rng, rtol, atol = c.loss, c.y_true, c.y_pred, c.rng, c.rtol, c.atol
    if not loss.is_loss_object:
        return SKIP, "a plain function has no config (it is saved by its registered name)"
    original = loss.obj
    cls = type(original)
    config = original.get_config()
    missing = [name for name in _init_parameters(cls) if name not in config]
    try:
        json.dumps(config)
    except TypeError as error:
        return FAIL, f"get_config() returns something JSON cannot store ({error}); use Python floats and lists"
    try:
        clone = cls.from_config(config)
    except Exception as error:
        return FAIL, (
            f"{cls.__name__}.from_config(get_config()) raised {_error_text(error)}. get_config must "
            "return every __init__ argument, merged into super().get_config()."
        )
    weights = _sample_weight(len(y_true), rng)
    rebuilt = _LossUnderTest(loss.keras, clone)
    same_values, detail = _compare(
        _to_numpy(rebuilt.per_sample(y_true, y_pred)), _to_numpy(loss.per_sample(y_true, y_pred)), rtol, atol
    )
    same_reduced = math.isclose(
        rebuilt.weighted(y_true, y_pred, weights), loss.weighted(y_true, y_pred, weights), rel_tol=rtol, abs_tol=atol
    )
    lost = f" get_config() lacks {missing}." if missing else ""
    if not (same_values and same_reduced):
        return FAIL, (
            f"the loss rebuilt by from_config(get_config()) computes something else ({detail}); a "
            f"saved and reloaded model would train with a different loss.{lost}"
        )
    if missing:
        return FAIL, (
            f"from_config(get_config()) happens to agree here, but get_config() lacks {missing}: those "
            "arguments fall back to their defaults when the model is loaded."
        )
    return PASS, f"from_config(get_config()) rebuilds the same loss ({sorted(config)})"


@_check("loss", "registered")
def _registered_check(c) -> tuple[str, str]:
    loss = c.loss
    if not loss.is_loss_object:
        return SKIP, "plain functions: see 03_custom_losses for registering them"
    keras = loss.keras
    cls = type(loss.obj)
    if cls.__module__.startswith("keras."):
        return PASS, f"{cls.__name__} is built into Keras"
    serialized = keras.saving.serialize_keras_object(loss.obj)
    try:
        rebuilt = keras.saving.deserialize_keras_object(serialized)
    except Exception as error:
        return FAIL, (
            f"keras.saving cannot rebuild {cls.__name__} ({_error_text(error, 120)}): load_model will "
            "fail. Decorate the class with @keras.saving.register_keras_serializable(package=...) "
            "or pass custom_objects= when loading."
        )
    if type(rebuilt) is not cls:
        return FAIL, f"keras.saving rebuilds a {type(rebuilt).__name__}, not a {cls.__name__}"
    return PASS, f"registered as {keras.saving.get_registered_name(cls)!r}"


@_check("loss", "compiled")
def _compiled_loss_check(c) -> tuple[str, str]:
    keras, loss, y_true, seed = c.keras, c.loss, c.y_true, c.seed
    model = _tiny_model(keras, c.inputs, c.target_shape, seed)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss=loss.obj, run_eagerly=False)
    features = np.random.default_rng(seed).normal(size=(len(y_true), 4)).astype(np.float32)
    try:
        logs = model.train_on_batch(features, y_true, return_dict=True)
    except Exception as error:
        if "No gradients provided" in str(error):
            hint = "No gradient reaches the weights: see the gradient check."
        else:
            hint = (
                "There y_true and y_pred are symbolic tensors: use keras.ops, not NumPy, .numpy() "
                "or Python if/for on tensor values."
            )
        return FAIL, (
            f"it fails inside a compiled training step (model.fit, run_eagerly=False): {_error_text(error)}. {hint}"
        )
    value = float(logs["loss"])
    if not np.isfinite(value):
        return FAIL, f"one compiled training step gave a non-finite loss ({value})"
    return PASS, f"one compiled training step ran (loss {value:.4g})"


@_check("loss", "reference")
def _reference_loss_check(c) -> tuple[str, str]:
    loss, reference, inputs, batch_size, target_shape, seed, rtol, atol = (
        c.loss,
        c.reference,
        c.inputs,
        c.batch_size,
        c.target_shape,
        c.seed,
        c.rtol,
        c.atol,
    )
    if reference is None:
        return SKIP, "no reference given"
    worst_detail = ""
    for draw in range(2):
        rng = np.random.default_rng([seed, 7, draw])
        y_true, y_pred = _random_batch(inputs, batch_size + 3 * draw, target_shape, rng)
        got = _to_numpy(loss.per_sample(y_true, y_pred))
        try:
            want = _to_numpy(reference(y_true.astype(np.float64), y_pred.astype(np.float64)))
        except Exception as error:
            return FAIL, f"the reference {_name(reference)} raised {_error_text(error)}"
        close, detail = _compare(got, want, rtol, atol)
        if not close:
            return FAIL, (
                f"differs from {_name(reference)} on random {inputs} inputs: {detail}; "
                f"tolerance rtol={rtol:g}, atol={atol:g}"
            )
        worst_detail = detail
    return PASS, f"equals {_name(reference)} on 2 random batches ({worst_detail})"


def check_loss(
    fn,
    reference=None,
    *,
    inputs="regression",
    batch_size=8,
    target_shape=None,
    seed=0,
    rtol=1e-4,
    atol=1e-6,
    verbose=True,
):
    """Run a loss through Keras's conventions and report each problem in plain words.

    The checks, each reported under its code (see ``LOSS_CHECKS``): it can be called on
    float32 tensors ("exception", "float32"); it returns one value per sample, shape
    (B,) ("shape"); it works on another batch size ("batch_size"); a gradient reaches
    ``y_pred`` and is neither zero everywhere nor NaN ("gradient"); with
    ``sample_weight``, Keras's loss equals ``lossviz.reduction.reduce_values`` of the
    weighted per-sample losses, each computed on its sample alone ("sample_weight"); a
    ``keras.losses.Loss`` survives ``from_config(get_config())`` with the same values and
    every ``__init__`` argument in its config ("config") and is registered for
    ``keras.saving`` ("registered"); one compiled ``train_on_batch`` step of a tiny model
    runs ("compiled": ``run_eagerly=False`` and Keras's default ``jit_compile="auto"``,
    which is XLA on a GPU and a plain ``tf.function`` graph on a CPU); its per-sample values equal ``reference`` within
    ``|got - want| <= atol + rtol * |want|`` on two random batches ("reference").

    Args:
        fn: the loss: a function ``(y_true, y_pred) -> per-sample values``, a
            ``keras.losses.Loss`` instance, a Loss subclass (built with no arguments) or
            a Keras loss name such as "mse".
        reference: a callable returning the expected per-sample values, e.g. a
            ``lossviz.losses`` twin; called with float64 NumPy arrays. Defaults to None
            (no comparison).
        inputs: the random test data: "regression" (real targets), "binary" (0/1
            targets, probabilities in (0, 1)) or "categorical" (one-hot targets, softmax
            rows). Defaults to "regression".
        batch_size: samples per test batch, >= 2. Defaults to 8.
        target_shape: shape of one sample's target. Defaults to None: (1,) for
            regression and binary, (3,) for categorical; pass (2,) for two outputs.
        seed: seed of the random inputs. Defaults to 0.
        rtol: relative tolerance of the value comparisons. Defaults to 1e-4.
        atol: absolute tolerance of the value comparisons. Defaults to 1e-6.
        verbose: print the short report. Defaults to True.

    Returns:
        CheckResult: truthy iff every check passed; ``.findings`` lists the problems,
        ``.codes`` their codes, ``.checks`` every outcome.

    Raises:
        ValueError: if the checker is called wrongly (``fn`` not callable, an unknown
            ``inputs``, ``batch_size`` < 2, ...) or Keras's backend is neither
            TensorFlow nor JAX.
            A broken ``fn`` never raises: its problems are reported.

    Example:
        >>> import keras
        >>> def scalar_mse(y_true, y_pred):  # the old blog-post recipe
        ...     return keras.ops.mean(keras.ops.square(y_true - y_pred))
        >>> result = check_loss(scalar_mse, verbose=False)
        >>> bool(result), result.codes
        (False, ['shape', 'sample_weight'])

    Taught in: notebooks/03_custom_losses.ipynb
    """
    target_shape = _checked_common(inputs, batch_size, seed, rtol, atol, target_shape)
    keras = _keras()
    if isinstance(fn, str):
        fn = keras.losses.get(fn)
    if not callable(fn):
        fail("fn", "a loss function (y_true, y_pred) -> per-sample values, or a keras.losses.Loss", fn)
    rng = np.random.default_rng(seed)
    y_true, y_pred = _random_batch(inputs, batch_size, target_shape, rng)
    context = SimpleNamespace(
        keras=keras,
        fn=fn,
        reference=reference,
        inputs=inputs,
        batch_size=batch_size,
        target_shape=target_shape,
        seed=seed,
        rtol=rtol,
        atol=atol,
        rng=rng,
        y_true=y_true,
        y_pred=y_pred,
        values={},
    )
    return _run_checks("loss", f"check_loss({_name(fn)})", context, verbose)


LOSS_CHECKS = _codes("loss")
