"""Check a loss or a metric a learner wrote against Keras's conventions, in plain words.

``check_loss(fn)`` and ``check_metric(metric)`` run the learner's code the way Keras runs
it (float32 tensors, a compiled training step, sample weights, a save/load config round
trip) and report each problem as a :class:`Finding`: a stable short ``code`` that tests
can match, and a ``message`` that says what went wrong, what was measured and how to fix
it. They never raise because the learner's code is broken: an exception inside a check
becomes a finding of that check. They do raise ``ValueError`` when the checker itself is
called wrongly (an unknown ``inputs``, a batch of one sample).

Loss checks (``LOSS_CHECKS``, in the order they run):

=============  ==============================================================================
exception      it can be called the way Keras calls it (float32 tensors) without an error
float32        it works on float32 tensors and returns float32 values
shape          one value per sample, shape (B,); a scalar breaks sample weighting
batch_size     it also works on another batch size (a hard-coded vector breaks here)
gradient       a gradient reaches y_pred and is not zero everywhere, nor NaN
sample_weight  Keras's weighted loss equals the reduction of the weighted per-sample losses
config         a Loss subclass survives ``from_config(get_config())`` with the same values
registered     ``keras.saving`` can rebuild it without ``custom_objects=``
compiled       it trains inside a compiled step (``model.train_on_batch``, run_eagerly=False)
reference      its per-sample values equal ``reference(y_true, y_pred)`` on random inputs
=============  ==============================================================================

Metric checks (``METRIC_CHECKS``): exception, dtype, shape, reset, batches,
sample_weight, config, compiled, reference (see :func:`check_metric`). Fold-loop checks
(``FOLD_LOOP_CHECKS``): runs, scores, fresh_models, reference (see :func:`check_fold_loop`).

One framework: every check is a function ``check(context) -> (status, message)``
registered under its code with ``@_check(kind, code)``, in the order it runs; each
checker builds a shared context and calls :func:`_run_checks`, the one loop, which turns
the learner's exceptions into findings and skips the rest when a check raises ``_Stop``.
One result type (:class:`CheckResult` of :class:`Finding` with a :class:`Status`), one
printer (``CheckResult.report``).

Keras is imported inside the functions (``import lossviz.checks`` stays light); the
gradient check asks the backend's own autodiff (``tf.GradientTape`` on TensorFlow,
``jax.grad`` on JAX), see :func:`_gradient`.
Taught in: notebooks/03_custom_losses.ipynb
"""

from __future__ import annotations

import enum
import functools
import inspect
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np

from lossviz._validation import check_integer, check_interval, check_one_of, fail, import_keras
from lossviz.reduction import reduce_values

__all__ = [
    "Status",
    "Finding",
    "CheckResult",
    "check_loss",
    "check_metric",
    "check_fold_loop",
    "keras_loss_value",
    "LOSS_CHECKS",
    "METRIC_CHECKS",
    "FOLD_LOOP_CHECKS",
]

INPUT_KINDS = ("regression", "binary", "categorical")
_DEFAULT_TARGET_SHAPE = {"regression": (1,), "binary": (1,), "categorical": (3,)}


class Status(str, enum.Enum):
    """How one check ended; equal to its string value (``Status.FAIL == "fail"``)."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"  # the check did not apply, or an earlier one failed so it could not run


PASS, FAIL, SKIP = Status.PASS, Status.FAIL, Status.SKIP


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: a stable ``code``, a :class:`Status` and a plain-words ``message``."""

    code: str
    message: str
    status: Status = FAIL

    @property
    def passed(self) -> bool:
        return self.status != FAIL

    def line(self) -> str:
        label = {PASS: "ok  ", FAIL: "FAIL", SKIP: "skip"}[self.status]
        return f"{label} {self.code}: {self.message}"


@dataclass
class CheckResult:
    """What a checker found: truthy iff every check passed.

    Attributes:
        subject: what was checked, e.g. "check_loss(my_mse)".
        checks: every :class:`Finding`, passed, failed and skipped, in the order run.
        values: what the checks measured, for code to use (e.g. check_fold_loop's
            ``scores``, ``reference`` and ``builds``).
    """

    subject: str
    checks: list[Finding] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        """The problems: the failed checks only."""
        return [check for check in self.checks if check.status == FAIL]

    @property
    def codes(self) -> list[str]:
        """The codes of the problems, e.g. ``["shape", "sample_weight"]``."""
        return [finding.code for finding in self.findings]

    def __getitem__(self, code: str) -> Finding:
        for check in self.checks:
            if check.code == code:
                return check
        raise KeyError(f"no check with code {code!r}; codes run: {[c.code for c in self.checks]}")

    def __bool__(self) -> bool:
        return not self.findings

    def _headline(self) -> str:
        problems = len(self.findings)
        verdict = "all checks passed" if not problems else f"{problems} problem{'s' * (problems > 1)}"
        return f"{self.subject}: {verdict}"

    def report(self) -> str:
        """The short plain-text report that ``verbose=True`` prints."""
        return "\n".join([self._headline(), *("  " + check.line() for check in self.checks)])

    def __repr__(self) -> str:
        return self.report()

    def _repr_markdown_(self) -> str:
        marks = {PASS: "✅", FAIL: "❌", SKIP: "➖"}
        lines = [f"**{self._headline()}**", ""]
        lines += [f"- {marks[c.status]} `{c.code}`: {c.message}" for c in self.checks]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The registry: named checks over a shared context, one loop

_REGISTRY: dict[str, list[tuple[str, Callable]]] = {"loss": [], "metric": [], "fold_loop": []}


def _check(kind: str, code: str):
    """Register ``function(context) -> (status, message)`` as check ``code`` of ``kind``, in order."""

    def register(function):
        _REGISTRY[kind].append((code, function))
        return function

    return register


class _Stop(Exception):
    """Raised by a check whose outcome leaves the later checks nothing to run on."""

    def __init__(self, status: Status, message: str, reason: str):
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason


def _run_checks(kind: str, subject: str, context: SimpleNamespace, verbose: bool) -> CheckResult:
    """Run every check of ``kind`` in order; the learner's exceptions become findings."""
    result = CheckResult(subject, values=context.values)
    skipped = None
    for code, check in _REGISTRY[kind]:
        if skipped is not None:
            result.checks.append(Finding(code, skipped, SKIP))
            continue
        try:
            status, message = check(context)
        except _Stop as stop:
            status, message, skipped = stop.status, stop.message, f"skipped: {stop.reason}"
        except Exception as error:  # the learner's code may raise anything
            status, message = FAIL, f"raised {_error_text(error)}"
        result.checks.append(Finding(code, message, Status(status)))
    if verbose:
        print(result.report())
    return result


# ---------------------------------------------------------------------------------------
# Shared helpers


def _keras():
    return import_keras()


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


def _error_text(error: BaseException, limit: int = 300) -> str:
    """One line naming the exception, short enough to read in a report."""
    text = " ".join(str(error).split()).rstrip(".")
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__




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
        >>> import keras
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


# ---------------------------------------------------------------------------------------
# check_loss


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
            raise _Stop(FAIL, f"calling it the way Keras does (float32 tensors of shape {c.y_true.shape}) "
                              f"raised {_error_text(error32)}", "the loss could not be called") from error32
        c.float32_error = error32
        return PASS, "it runs on float64 tensors (but see float32)"
    c.values, c.values_shape = values, tuple(_to_numpy(values).shape)
    return PASS, f"runs on float32 tensors of shape {c.y_true.shape}"


@_check("loss", "float32")
def _float32_check(c) -> tuple[str, str]:
    if c.values_shape is None:
        raise _Stop(FAIL, (
            "it works on float64 but fails on the float32 tensors Keras passes: "
            f"{_error_text(c.float32_error)}. Hard-coded float64 constants or NumPy "
            "arrays mixed with tensors? Build constants with keras.ops.convert_to_tensor"
            "(..., dtype=y_pred.dtype)."
        ), "the loss does not run on float32 tensors")
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
            "function such as keras.ops.sign?), so training would never move the weights."
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
    return [
        p.name
        for p in parameters
        if p.name not in skipped and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


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
            f"it fails inside a compiled training step (model.fit, run_eagerly=False): "
            f"{_error_text(error)}. {hint}"
        )
    value = float(logs["loss"])
    if not np.isfinite(value):
        return FAIL, f"one compiled training step gave a non-finite loss ({value})"
    return PASS, f"one compiled training step ran (loss {value:.4g})"


@_check("loss", "reference")
def _reference_loss_check(c) -> tuple[str, str]:
    loss, reference, inputs, batch_size, target_shape, seed, rtol, atol = (
        c.loss, c.reference, c.inputs, c.batch_size, c.target_shape, c.seed, c.rtol, c.atol)
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
    context = SimpleNamespace(keras=keras, fn=fn, reference=reference, inputs=inputs, batch_size=batch_size,
                              target_shape=target_shape, seed=seed, rtol=rtol, atol=atol, rng=rng,
                              y_true=y_true, y_pred=y_pred, values={})
    return _run_checks("loss", f"check_loss({_name(fn)})", context, verbose)


# ---------------------------------------------------------------------------------------
# check_metric


def _metric_factory(keras, metric) -> tuple[Callable | None, object | None, str]:
    """A zero-argument factory of fresh metrics, the instance given (if any), a description."""
    if isinstance(metric, type) and issubclass(metric, keras.metrics.Metric):
        return metric, None, metric.__name__
    if isinstance(metric, keras.metrics.Metric):
        cls = type(metric)

        def fresh():
            return cls.from_config(metric.get_config())

        return fresh, metric, f"{cls.__name__}({metric.name!r})"
    if callable(metric):
        name = _name(metric)
        # What compile(metrics=[fn]) does with a plain function: a mean of per-batch values.
        return (lambda: keras.metrics.MeanMetricWrapper(metric, name=name)), None, f"{name} (a function, as MeanMetricWrapper)"
    fail("metric", "a keras.metrics.Metric instance or subclass, or a metric function", metric)


def _metric_value(factory, batches, sample_weights=None) -> np.ndarray:
    metric = factory()
    for index, (y_true, y_pred) in enumerate(batches):
        if sample_weights is None:
            metric.update_state(y_true, y_pred)
        else:
            metric.update_state(y_true, y_pred, sample_weight=sample_weights[index])
    return _to_numpy(metric.result()).astype(np.float64)


def _split_sizes(total: int, n_batches: int) -> list[int]:
    """Uneven batch sizes proportional to 1, 2, ..., n: equal batches could hide averaging."""
    shares = np.arange(1, n_batches + 1)
    edges = np.round(np.cumsum(shares) / shares.sum() * total).astype(int)
    return list(np.diff(np.concatenate([[0], edges])))


def _accepts_sample_weight(metric) -> bool:
    try:
        parameters = inspect.signature(metric.update_state).parameters
    except (TypeError, ValueError):
        return True
    return "sample_weight" in parameters or any(p.kind == p.VAR_KEYWORD for p in parameters.values())


def _reference_arguments(inputs, reference_input, threshold, y_true, y_pred):
    """What the reference sees: labels (thresholded / argmax) or raw scores, 1-D when binary."""
    if inputs == "regression":
        return y_true.astype(np.float64), y_pred.astype(np.float64)
    if inputs == "binary":
        labels = y_true.reshape(-1).astype(int)
        if reference_input == "labels":
            return labels, (y_pred.reshape(-1) > threshold).astype(int)
        return labels, y_pred.reshape(-1).astype(np.float64)
    labels = np.argmax(y_true.reshape(-1, y_true.shape[-1]), axis=-1)
    if reference_input == "labels":
        return labels, np.argmax(y_pred.reshape(-1, y_pred.shape[-1]), axis=-1)
    return labels, y_pred.reshape(-1, y_pred.shape[-1]).astype(np.float64)


def check_metric(
    metric,
    reference=None,
    *,
    inputs="binary",
    batch_size=8,
    n_batches=3,
    target_shape=None,
    reference_input="labels",
    threshold=0.5,
    result_shape=(),
    seed=0,
    rtol=1e-4,
    atol=1e-6,
    verbose=True,
):
    """Run a stateful metric through Keras's conventions and report each problem in plain words.

    The data are ``n_batches * batch_size`` random samples of the kind ``inputs``, split
    into uneven batches (sizes proportional to 1, 2, ..., n_batches). The checks (see
    ``METRIC_CHECKS``): ``update_state`` and ``result`` run ("exception"); the result is
    float32 ("dtype") of shape ``result_shape`` ("shape"); after ``reset_state()`` the
    metric equals a fresh one ("reset"); updating batch by batch equals one update over
    all the data ("batches"; a metric that averages per-batch values fails it);
    ``sample_weight`` is honoured: weights 0/1/2 equal dropping the weight-0 samples and
    counting the weight-2 samples twice ("sample_weight"); ``from_config(get_config())``
    rebuilds it ("config"); it runs inside a compiled ``model.evaluate`` ("compiled");
    the result over all the data equals ``reference(y_true, y_pred)`` ("reference").

    What the reference receives (scikit-learn style):

    - "binary": 1-D 0/1 ``y_true``, and with ``reference_input="labels"`` the
      predictions thresholded as Keras's confusion metrics do, ``y_pred > threshold``
      (strictly); with "scores" the raw 1-D probabilities (for ``roc_auc_score``).
    - "categorical": class ids ``argmax(y_true)``; "labels" gives ``argmax(y_pred)``,
      "scores" the (N, C) probabilities.
    - "regression": the raw float arrays. A reference returning one value per sample
      (a loss twin) is averaged, as ``keras.metrics.MeanMetricWrapper`` averages.

    Args:
        metric: a ``keras.metrics.Metric`` instance (fresh copies come from
            ``from_config(get_config())``) or subclass (built with no arguments), or a
            metric function ``(y_true, y_pred) -> values`` (wrapped in
            ``keras.metrics.MeanMetricWrapper``, as ``compile(metrics=[fn])`` does).
        reference: callable giving the expected result, e.g.
            ``lossviz.metrics.precision_score``. Defaults to None (no comparison).
        inputs: "binary", "categorical" or "regression" test data. Defaults to "binary".
        batch_size: mean samples per batch, >= 2. Defaults to 8.
        n_batches: number of batches, >= 2. Defaults to 3.
        target_shape: shape of one sample's target. Defaults to None: (1,), or (3,)
            for categorical.
        reference_input: "labels" or "scores", see above. Defaults to "labels".
        threshold: the threshold for "labels" with binary inputs. Defaults to 0.5.
        result_shape: expected shape of ``result()``. Defaults to () (a scalar).
        seed: seed of the random inputs. Defaults to 0.
        rtol: relative tolerance of the comparisons. Defaults to 1e-4.
        atol: absolute tolerance of the comparisons. Defaults to 1e-6.
        verbose: print the short report. Defaults to True.

    Returns:
        CheckResult: truthy iff every check passed; ``.findings`` lists the problems.

    Raises:
        ValueError: if the checker is called wrongly (see ``check_loss``).

    Example:
        >>> import keras
        >>> result = check_metric(keras.metrics.Precision(), verbose=False)
        >>> bool(result)
        True

    Taught in: notebooks/03_custom_losses.ipynb
    """
    target_shape = _checked_common(inputs, batch_size, seed, rtol, atol, target_shape)
    check_one_of(reference_input, "reference_input", ("labels", "scores"))
    check_integer(n_batches, "n_batches", minimum=2)
    check_interval(threshold, "threshold", 0.0, 1.0)
    keras = _keras()
    factory, given, description = _metric_factory(keras, metric)
    total = batch_size * n_batches
    y_true, y_pred = _random_batch(inputs, total, target_shape, np.random.default_rng(seed))
    edges = np.cumsum([0, *_split_sizes(total, n_batches)])
    context = SimpleNamespace(
        keras=keras, metric=metric, fresh=factory, given=given, reference=reference, inputs=inputs,
        batch_size=batch_size, n_batches=n_batches, target_shape=target_shape, seed=seed, rtol=rtol, atol=atol,
        reference_input=reference_input, threshold=threshold, result_shape=tuple(result_shape), total=total,
        y_true=y_true, y_pred=y_pred, edges=edges, everything=[(y_true, y_pred)],
        batches=[(y_true[a:b], y_pred[a:b]) for a, b in zip(edges[:-1], edges[1:])], values={})
    return _run_checks("metric", f"check_metric({description})", context, verbose)


@_check("metric", "exception")
def _metric_runs(c) -> tuple[str, str]:
    try:
        if c.given is not None:
            try:
                c.fresh()
            except Exception:  # from_config fails: reuse the instance given, reset (see config)
                given = c.given

                def reuse():
                    given.reset_state()
                    return given

                c.fresh = reuse
        metric_object = c.fresh()
        metric_object.update_state(c.y_true, c.y_pred)
        c.value = metric_object.result()
    except Exception as error:
        raise _Stop(FAIL, f"raised {_error_text(error)}", "the metric could not be updated") from error
    return PASS, f"update_state and result run on {c.total} samples"


@_check("metric", "dtype")
def _metric_dtype(c) -> tuple[str, str]:
    dtype = _dtype_name(c.value)
    if dtype != "float32":
        return FAIL, f"result() is {dtype}; Keras metrics report float32 (cast in result())"
    return PASS, "result() is float32"


@_check("metric", "shape")
def _metric_shape(c) -> tuple[str, str]:
    shape = tuple(_to_numpy(c.value).shape)
    if shape != c.result_shape:
        return FAIL, f"result() has shape {shape}, expected {c.result_shape}"
    return PASS, f"result() has shape {shape}"


@_check("metric", "reset")
def _metric_reset(c) -> tuple[str, str]:
    metric_object = c.fresh()
    metric_object.update_state(c.y_true, c.y_pred)
    metric_object.reset_state()
    metric_object.update_state(*c.batches[0])
    got = _to_numpy(metric_object.result()).astype(np.float64)
    want = _metric_value(c.fresh, c.batches[:1])
    close, detail = _compare(got, want, c.rtol, c.atol)
    if not close:
        return FAIL, (
            f"after reset_state() the metric still remembers earlier data: {_fmt(got)} where a fresh "
            f"metric gives {_fmt(want)} ({detail}). reset_state must set every state variable back "
            "to its initial value (the base class does this; don't override it to do less)."
        )
    return PASS, "after reset_state() it equals a fresh metric"


@_check("metric", "batches")
def _metric_batches(c) -> tuple[str, str]:
    got = _metric_value(c.fresh, c.batches)
    want = _metric_value(c.fresh, c.everything)
    close, detail = _compare(got, want, c.rtol, c.atol)
    sizes = ", ".join(str(b - a) for a, b in zip(c.edges[:-1], c.edges[1:]))
    if not close:
        return FAIL, (
            f"updating over {c.n_batches} batches (sizes {sizes}) gives {_fmt(got)}, one update over "
            f"all {c.total} samples gives {_fmt(want)} ({detail}): the metric averages per-batch values "
            "(or keeps only the last batch). Accumulate counts or sums in state variables and "
            "divide only in result()."
        )
    return PASS, f"{c.n_batches} batches (sizes {sizes}) give the same result as one update"


@_check("metric", "sample_weight")
def _metric_sample_weight(c) -> tuple[str, str]:
    if not _accepts_sample_weight(c.fresh()):
        return FAIL, (
            "update_state has no sample_weight argument: weighted_metrics= and class_weight "
            "cannot use it. Accept sample_weight=None and weight what you count."
        )
    weight_rng = np.random.default_rng([c.seed, 11])
    unweighted = _metric_value(c.fresh, c.everything)
    for _ in range(10):
        weights = weight_rng.choice([0.0, 1.0, 2.0], size=c.total, p=[0.35, 0.4, 0.25]).astype(np.float32)
        if weights.sum() == c.total:
            continue  # a metric that divides by the sample count instead of sum(w) would pass
        repeats = weights.astype(int)
        expanded = [(np.repeat(c.y_true, repeats, axis=0), np.repeat(c.y_pred, repeats, axis=0))]
        want = _metric_value(c.fresh, expanded)
        if not _compare(unweighted, want, c.rtol, c.atol)[0]:
            break
    else:
        return SKIP, "inconclusive: weighting did not change the result on these data"
    try:
        got = _metric_value(c.fresh, c.everything, [weights])
    except Exception as error:
        return FAIL, (
            f"update_state(..., sample_weight=...) raised {_error_text(error)}. Weights need "
            "one value per sample to weight: a metric function must return one value per "
            "sample, not a batch summary."
        )
    close, detail = _compare(got, want, c.rtol, c.atol)
    if not close:
        ignored = (" (it equals the unweighted result: sample_weight is ignored)"
                   if _compare(got, unweighted, c.rtol, c.atol)[0] else "")
        return FAIL, (
            f"with weights 0/1/2 it gives {_fmt(got)}, but dropping the weight-0 samples and counting "
            f"the weight-2 samples twice gives {_fmt(want)} ({detail}){ignored}. weighted_metrics= and "
            "class_weight would report the wrong number."
        )
    return PASS, "weights 0/1/2 equal dropping / duplicating samples"


@_check("metric", "config")
def _metric_config(c) -> tuple[str, str]:
    if c.given is None and not isinstance(c.metric, type):
        return SKIP, "a metric function has no config (it is saved by its registered name)"
    subject = c.given if c.given is not None else c.metric()
    config = subject.get_config()
    try:
        clone = type(subject).from_config(config)
    except Exception as error:
        return FAIL, (
            f"{type(subject).__name__}.from_config(get_config()) raised {_error_text(error)}; "
            "get_config must return every __init__ argument merged into super().get_config()"
        )
    if clone.get_config() != config:
        return FAIL, "the metric rebuilt by from_config(get_config()) has a different config"
    missing = [name for name in _init_parameters(type(subject)) if name not in config]
    if missing:
        return FAIL, f"get_config() lacks {missing}: they fall back to their defaults on loading"
    return PASS, "from_config(get_config()) rebuilds it"


@_check("metric", "compiled")
def _metric_compiled(c) -> tuple[str, str]:
    model = _tiny_model(c.keras, c.inputs, c.target_shape, c.seed)
    loss = {"regression": "mse", "binary": "binary_crossentropy", "categorical": "categorical_crossentropy"}[c.inputs]
    model.compile(optimizer="sgd", loss=loss, metrics=[c.fresh()], run_eagerly=False)
    features = np.random.default_rng(c.seed).normal(size=(c.total, 4)).astype(np.float32)
    try:
        logs = model.evaluate(features, c.y_true, batch_size=c.batch_size, verbose=0, return_dict=True)
    except Exception as error:
        return FAIL, (
            f"it fails inside a compiled evaluation step (run_eagerly=False): {_error_text(error)}. "
            "Use keras.ops in update_state, not NumPy / scikit-learn / .numpy()."
        )
    return PASS, f"runs inside a compiled model.evaluate ({len(logs)} logged values)"


@_check("metric", "reference")
def _metric_reference(c) -> tuple[str, str]:
    if c.reference is None:
        return SKIP, "no reference given"
    arguments = _reference_arguments(c.inputs, c.reference_input, c.threshold, c.y_true, c.y_pred)
    try:
        want = _to_numpy(c.reference(*arguments)).astype(np.float64)
    except Exception as error:
        return FAIL, f"the reference {_name(c.reference)} raised {_error_text(error)}"
    if want.ndim and want.shape[0] == c.total and want.shape != c.result_shape:
        want = np.asarray(want.mean())
    got = _to_numpy(c.value).astype(np.float64)
    close, detail = _compare(got, want, c.rtol, c.atol)
    if not close:
        return FAIL, (f"result {_fmt(got)} differs from {_name(c.reference)} {_fmt(want)} on all {c.total} "
                      f"samples ({detail})")
    return PASS, f"equals {_name(c.reference)} on {c.total} samples ({detail})"


# ---------------------------------------------------------------------------------------
# check_fold_loop


def check_fold_loop(fold_loop: Callable, build_model: Callable, X, y, *, cv, metric: Callable,
                    preprocess=None, fit_kwargs=None, seed: int = 0, atol: float = 1e-6,
                    verbose: bool = True) -> CheckResult:
    """Check a hand-written k-fold loop against :func:`lossviz.cv.cross_validate_keras`.

    The learner writes ``fold_loop(build_model, X, y, splits) -> one score per fold``
    that, for fold i and ``(train, test) = splits[i]``, calls
    ``keras.utils.set_random_seed(seed + i)``, fits a fresh ``preprocess`` on
    ``X[train]``, builds a model with ``build_model()``, fits it with ``fit_kwargs``
    and returns ``metric(y[test], predictions)``. The checks (``FOLD_LOOP_CHECKS``):
    the loop runs ("runs"), returns one score per fold ("scores"), builds one model per
    fold ("fresh_models"), and each score is within ``atol`` of ``cross_validate_keras``
    on the same splits ("reference"). The learner's exceptions become findings.

    Args:
        fold_loop: the learner's function.
        build_model: zero-argument function returning a new compiled model.
        X: inputs (n_samples, ...).
        y: targets (n_samples, ...).
        cv: number of folds or splitter; its splits are passed as a list of
            (train, test) index pairs.
        metric: ``metric(y_true, y_score) -> float``.
        preprocess: as in ``cross_validate_keras``. Defaults to None.
        fit_kwargs: as in ``cross_validate_keras``. Defaults to None.
        seed: base seed. Defaults to 0.
        atol: largest accepted difference per fold. Defaults to 1e-6.
        verbose: print the short report. Defaults to True.

    Returns:
        CheckResult: truthy iff every check passed; ``.values`` holds ``scores`` (the
        learner's, or None), ``reference`` and ``builds`` (models built).

    Raises:
        ValueError: for invalid checker arguments (never for the learner's code).

    Example:
        >>> import numpy as np, keras
        >>> def build_model():
        ...     model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
        ...     model.compile(optimizer="sgd", loss="binary_crossentropy")
        ...     return model
        >>> X = np.random.default_rng(0).normal(size=(30, 2)); y = (X[:, 0] > 0).astype(int)
        >>> def one_model_for_all_folds(build_model, X, y, splits):
        ...     model = build_model()
        ...     return [float(np.mean((model.predict(X[test], verbose=0)[:, 0] > 0.5) == y[test]))
        ...             for train, test in splits]
        >>> check = check_fold_loop(one_model_for_all_folds, build_model, X, y, cv=2, verbose=False,
        ...                         metric=lambda y, y_score: float(np.mean((y_score > 0.5) == y)))
        >>> bool(check), check.codes, check.values["builds"]
        (False, ['fresh_models', 'reference'], 1)

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    from lossviz import cv as _cv

    if not callable(fold_loop):
        fail("fold_loop", "your function fold_loop(build_model, X, y, splits)", fold_loop)
    if not callable(metric):
        fail("metric", "a function metric(y_true, y_score) -> float", metric)
    X, y = _cv._as_samples(X, "X"), _cv._as_samples(y, "y")
    if len(X) != len(y):
        fail("y", f"the same number of samples as `X` ({len(X)})", f"Received: {len(y)}")
    _, labels = _cv._task(y)
    seed = check_integer(seed, "seed", minimum=0)
    splitter = _cv._splitter(cv, classification=labels is not None, grouped=False, seed=seed)
    splits = [(np.asarray(train), np.asarray(test)) for train, test in splitter.split(X, y if labels is None else labels)]
    context = SimpleNamespace(fold_loop=fold_loop, build_model=build_model, X=X, y=y, splits=splits, metric=metric,
                              preprocess=preprocess, fit_kwargs=fit_kwargs, seed=seed, atol=atol,
                              values={"scores": None, "reference": None, "builds": 0})
    return _run_checks("fold_loop", f"check_fold_loop({_name(fold_loop)})", context, verbose)


@_check("fold_loop", "runs")
def _fold_loop_runs(c) -> tuple[str, str]:
    built = []

    def counting_build_model():
        model = c.build_model()
        built.append(model)
        return model

    try:
        c.scores = c.fold_loop(counting_build_model, c.X, c.y, c.splits)
    except Exception as error:
        raise _Stop(FAIL, f"fold_loop raised {_error_text(error)}", "fold_loop did not run") from error
    finally:
        c.values["builds"] = len(built)
    return PASS, f"fold_loop ran on {len(c.splits)} folds"


@_check("fold_loop", "scores")
def _fold_loop_scores(c) -> tuple[str, str]:
    scores = np.asarray(c.scores, dtype=np.float64).reshape(-1)
    if scores.shape != (len(c.splits),):
        raise _Stop(FAIL, f"fold_loop returned {scores.size} score(s) for {len(c.splits)} folds: return one "
                          "score per fold", "no score per fold to compare")
    c.values["scores"] = scores
    return PASS, f"one score per fold: {np.round(scores, 4).tolist()}"


@_check("fold_loop", "fresh_models")
def _fold_loop_fresh_models(c) -> tuple[str, str]:
    builds, folds = c.values["builds"], len(c.splits)
    if builds != folds:
        return FAIL, (f"build_model was called {builds} time(s) for {folds} folds: call it inside the loop, "
                      "so that every fold starts from fresh weights (a model re-fitted across folds has "
                      "already trained on the later test folds)")
    return PASS, f"{builds} fresh models, one per fold"


@_check("fold_loop", "reference")
def _fold_loop_reference(c) -> tuple[str, str]:
    from lossviz.cv import cross_validate_keras

    reference = cross_validate_keras(c.build_model, c.X, c.y, cv=c.splits, metrics={"score": c.metric},
                                     preprocess=c.preprocess, fit_kwargs=c.fit_kwargs, seed=c.seed,
                                     n_jobs=1).scores("score")
    c.values["reference"] = reference
    wrong = [f"fold {fold}: your score {mine:.4f}, cross_validate_keras {theirs:.4f}"
             for fold, (mine, theirs) in enumerate(zip(c.values["scores"], reference))
             if not abs(mine - theirs) <= c.atol]
    if wrong:
        return FAIL, ("; ".join(wrong) + f". Seed each fold with keras.utils.set_random_seed({c.seed} + fold) "
                      "before building, fit the preprocessing on X[train] only, and train with the given fit_kwargs")
    return PASS, f"every score equals cross_validate_keras's (within {c.atol:g})"


LOSS_CHECKS = tuple(code for code, _ in _REGISTRY["loss"])
METRIC_CHECKS = tuple(code for code, _ in _REGISTRY["metric"])
FOLD_LOOP_CHECKS = tuple(code for code, _ in _REGISTRY["fold_loop"])
