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
sample_weight, config, compiled, reference (see :func:`check_metric`).

Keras is imported inside the functions (``import lossviz.checks`` stays light); the
gradient check asks the backend's own autodiff (``tf.GradientTape`` on TensorFlow,
``jax.grad`` on JAX), see :func:`_gradient`.
Taught in: notebooks/03_custom_losses.ipynb
"""

from __future__ import annotations

import functools
import inspect
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lossviz._validation import check_integer, check_interval, check_one_of, fail, import_keras
from lossviz.reduction import reduce_values

__all__ = [
    "Finding",
    "CheckResult",
    "check_loss",
    "check_metric",
    "keras_loss_value",
    "LOSS_CHECKS",
    "METRIC_CHECKS",
]

LOSS_CHECKS = (
    "exception",
    "float32",
    "shape",
    "batch_size",
    "gradient",
    "sample_weight",
    "config",
    "registered",
    "compiled",
    "reference",
)
METRIC_CHECKS = (
    "exception",
    "dtype",
    "shape",
    "reset",
    "batches",
    "sample_weight",
    "config",
    "compiled",
    "reference",
)
INPUT_KINDS = ("regression", "binary", "categorical")
PASS, FAIL, SKIP = "pass", "fail", "skip"
_DEFAULT_TARGET_SHAPE = {"regression": (1,), "binary": (1,), "categorical": (3,)}


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: a stable ``code``, a ``status`` and a plain-words ``message``.

    ``status`` is "fail" (a problem), "pass" or "skip" (the check did not apply, or could
    not run because an earlier one failed).
    """

    code: str
    message: str
    status: str = FAIL

    @property
    def passed(self) -> bool:
        return self.status != FAIL

    def line(self) -> str:
        label = {PASS: "ok  ", FAIL: "FAIL", SKIP: "skip"}[self.status]
        return f"{label} {self.code}: {self.message}"


@dataclass
class CheckResult:
    """What ``check_loss`` / ``check_metric`` found: truthy iff every check passed.

    Attributes:
        subject: what was checked, e.g. "loss `my_mse`".
        checks: every :class:`Finding`, passed, failed and skipped, in the order run.
    """

    subject: str
    checks: list[Finding] = field(default_factory=list)

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


def _run(checks: list[Finding], code: str, check: Callable[[], tuple[str, str]]) -> str:
    """Run one check; an exception raised by the learner's code becomes its finding."""
    try:
        status, message = check()
    except Exception as error:  # the learner's code may raise anything
        status, message = FAIL, f"raised {_error_text(error)}"
    checks.append(Finding(code, message, status))
    return status


def _skip_rest(checks: list[Finding], codes, reason: str) -> None:
    done = {check.code for check in checks}
    checks.extend(Finding(code, reason, SKIP) for code in codes if code not in done)


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


def _call_check(loss: _LossUnderTest, y_true, y_pred, state: dict) -> tuple[str, str]:
    try:
        state["values"] = loss.per_sample(y_true, y_pred)
    except Exception as error32:
        try:
            loss.per_sample(y_true.astype(np.float64), y_pred.astype(np.float64), dtype="float64")
        except Exception:
            return FAIL, (
                f"calling it the way Keras does (float32 tensors of shape {y_true.shape}) "
                f"raised {_error_text(error32)}"
            )
        state["float32_error"] = error32
        return PASS, "it runs on float64 tensors (but see float32)"
    return PASS, f"runs on float32 tensors of shape {y_true.shape}"


def _float32_check(state: dict) -> tuple[str, str]:
    if "float32_error" in state:
        return FAIL, (
            "it works on float64 but fails on the float32 tensors Keras passes: "
            f"{_error_text(state['float32_error'])}. Hard-coded float64 constants or NumPy "
            "arrays mixed with tensors? Build constants with keras.ops.convert_to_tensor"
            "(..., dtype=y_pred.dtype)."
        )
    dtype = _dtype_name(state["values"])
    if dtype != "float32":
        return FAIL, f"returns {dtype} values on float32 inputs; Keras computes losses in float32"
    return PASS, "float32 in, float32 out"


def _shape_check(values_shape: tuple, batch_size: int) -> tuple[str, str]:
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


def _batch_size_check(loss, inputs, batch_size, target_shape, rng, values_shape) -> tuple[str, str]:
    other = batch_size + 5
    y_true, y_pred = _random_batch(inputs, other, target_shape, rng)
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


def _gradient_check(loss, y_true, y_pred) -> tuple[str, str]:
    gradient = _gradient(loss.keras, lambda prediction: loss.per_sample(y_true, prediction), y_pred)
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


def _sample_weight_check(loss, y_true, y_pred, rng, rtol, atol) -> tuple[str, str]:
    weights = _sample_weight(len(y_true), rng)
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


def _config_check(loss, y_true, y_pred, rng, rtol, atol) -> tuple[str, str]:
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


def _registered_check(loss) -> tuple[str, str]:
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


def _compiled_loss_check(loss, inputs, y_true, target_shape, seed) -> tuple[str, str]:
    keras = loss.keras
    model = _tiny_model(keras, inputs, target_shape, seed)
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


def _reference_loss_check(loss, reference, inputs, batch_size, target_shape, seed, rtol, atol) -> tuple[str, str]:
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
    result = CheckResult(f"check_loss({_name(fn)})")
    checks = result.checks
    if isinstance(fn, type) and issubclass(fn, keras.losses.Loss):
        built = {}

        def build():
            built["loss"] = fn()
            return PASS, f"{fn.__name__}() built with its default arguments"

        if _run(checks, "exception", build) == FAIL:
            _skip_rest(checks, LOSS_CHECKS, "skipped: the loss class could not be built")
            return _finish(result, verbose)
        checks.clear()
        fn = built["loss"]
    loss = _LossUnderTest(keras, fn)
    rng = np.random.default_rng(seed)
    y_true, y_pred = _random_batch(inputs, batch_size, target_shape, rng)
    state: dict = {}
    if _run(checks, "exception", lambda: _call_check(loss, y_true, y_pred, state)) == FAIL:
        _skip_rest(checks, LOSS_CHECKS, "skipped: the loss could not be called")
        return _finish(result, verbose)
    _run(checks, "float32", lambda: _float32_check(state))
    if "values" not in state:
        _skip_rest(checks, LOSS_CHECKS, "skipped: the loss does not run on float32 tensors")
        return _finish(result, verbose)
    values_shape = tuple(_to_numpy(state["values"]).shape)
    _run(checks, "shape", lambda: _shape_check(values_shape, batch_size))
    _run(checks, "batch_size", lambda: _batch_size_check(loss, inputs, batch_size, target_shape, rng, values_shape))
    _run(checks, "gradient", lambda: _gradient_check(loss, y_true, y_pred))
    _run(checks, "sample_weight", lambda: _sample_weight_check(loss, y_true, y_pred, rng, rtol, atol))
    _run(checks, "config", lambda: _config_check(loss, y_true, y_pred, rng, rtol, atol))
    _run(checks, "registered", lambda: _registered_check(loss))
    _run(checks, "compiled", lambda: _compiled_loss_check(loss, inputs, y_true, target_shape, seed))
    _run(
        checks,
        "reference",
        lambda: _reference_loss_check(loss, reference, inputs, batch_size, target_shape, seed, rtol, atol),
    )
    return _finish(result, verbose)


def _finish(result: CheckResult, verbose: bool) -> CheckResult:
    if verbose:
        print(result.report())
    return result


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
    result_shape = tuple(result_shape)
    keras = _keras()
    factory, given, description = _metric_factory(keras, metric)
    result = CheckResult(f"check_metric({description})")
    checks = result.checks
    rng = np.random.default_rng(seed)
    total = batch_size * n_batches
    y_true, y_pred = _random_batch(inputs, total, target_shape, rng)
    edges = np.cumsum([0, *_split_sizes(total, n_batches)])
    batches = [(y_true[a:b], y_pred[a:b]) for a, b in zip(edges[:-1], edges[1:])]
    everything = [(y_true, y_pred)]
    state: dict = {}

    def first_run():
        if given is not None:
            try:
                factory()
            except Exception as error:
                state["config_error"] = error
                fresh_given = given

                def reuse():
                    fresh_given.reset_state()
                    return fresh_given

                state["factory"] = reuse
        metric_object = state.get("factory", factory)()
        metric_object.update_state(y_true, y_pred)
        state["result"] = metric_object.result()
        return PASS, f"update_state and result run on {total} samples"

    if _run(checks, "exception", first_run) == FAIL:
        _skip_rest(checks, METRIC_CHECKS, "skipped: the metric could not be updated")
        return _finish(result, verbose)
    fresh = state.get("factory", factory)
    value = state["result"]

    def dtype_check():
        dtype = _dtype_name(value)
        if dtype != "float32":
            return FAIL, f"result() is {dtype}; Keras metrics report float32 (cast in result())"
        return PASS, "result() is float32"

    def shape_check():
        shape = tuple(_to_numpy(value).shape)
        if shape != result_shape:
            return FAIL, f"result() has shape {shape}, expected {result_shape}"
        return PASS, f"result() has shape {shape}"

    def reset_check():
        metric_object = fresh()
        metric_object.update_state(y_true, y_pred)
        metric_object.reset_state()
        metric_object.update_state(*batches[0])
        got = _to_numpy(metric_object.result()).astype(np.float64)
        want = _metric_value(fresh, batches[:1])
        close, detail = _compare(got, want, rtol, atol)
        if not close:
            return FAIL, (
                f"after reset_state() the metric still remembers earlier data: {_fmt(got)} where a fresh "
                f"metric gives {_fmt(want)} ({detail}). reset_state must set every state variable back "
                "to its initial value (the base class does this; don't override it to do less)."
            )
        return PASS, "after reset_state() it equals a fresh metric"

    def batches_check():
        got = _metric_value(fresh, batches)
        want = _metric_value(fresh, everything)
        close, detail = _compare(got, want, rtol, atol)
        sizes = ", ".join(str(b - a) for a, b in zip(edges[:-1], edges[1:]))
        if not close:
            return FAIL, (
                f"updating over {n_batches} batches (sizes {sizes}) gives {_fmt(got)}, one update over "
                f"all {total} samples gives {_fmt(want)} ({detail}): the metric averages per-batch values "
                "(or keeps only the last batch). Accumulate counts or sums in state variables and "
                "divide only in result()."
            )
        return PASS, f"{n_batches} batches (sizes {sizes}) give the same result as one update"

    def sample_weight_check():
        probe = fresh()
        if not _accepts_sample_weight(probe):
            return FAIL, (
                "update_state has no sample_weight argument: weighted_metrics= and class_weight "
                "cannot use it. Accept sample_weight=None and weight what you count."
            )
        weight_rng = np.random.default_rng([seed, 11])
        unweighted = _metric_value(fresh, everything)
        for _ in range(10):
            weights = weight_rng.choice([0.0, 1.0, 2.0], size=total, p=[0.35, 0.4, 0.25]).astype(np.float32)
            if weights.sum() == total:
                continue  # a metric that divides by the sample count instead of sum(w) would pass
            repeats = weights.astype(int)
            expanded = [(np.repeat(y_true, repeats, axis=0), np.repeat(y_pred, repeats, axis=0))]
            want = _metric_value(fresh, expanded)
            if not _compare(unweighted, want, rtol, atol)[0]:
                break
        else:
            return SKIP, "inconclusive: weighting did not change the result on these data"
        try:
            got = _metric_value(fresh, everything, [weights])
        except Exception as error:
            return FAIL, (
                f"update_state(..., sample_weight=...) raised {_error_text(error)}. Weights need "
                "one value per sample to weight: a metric function must return one value per "
                "sample, not a batch summary."
            )
        close, detail = _compare(got, want, rtol, atol)
        if not close:
            ignored = " (it equals the unweighted result: sample_weight is ignored)" if _compare(got, unweighted, rtol, atol)[0] else ""
            return FAIL, (
                f"with weights 0/1/2 it gives {_fmt(got)}, but dropping the weight-0 samples and counting "
                f"the weight-2 samples twice gives {_fmt(want)} ({detail}){ignored}. weighted_metrics= and "
                "class_weight would report the wrong number."
            )
        return PASS, "weights 0/1/2 equal dropping / duplicating samples"

    def config_check():
        if given is None and not isinstance(metric, type):
            return SKIP, "a metric function has no config (it is saved by its registered name)"
        subject = given if given is not None else metric()
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

    def compiled_check():
        model = _tiny_model(keras, inputs, target_shape, seed)
        loss = {"regression": "mse", "binary": "binary_crossentropy", "categorical": "categorical_crossentropy"}[inputs]
        model.compile(optimizer="sgd", loss=loss, metrics=[fresh()], run_eagerly=False)
        features = np.random.default_rng(seed).normal(size=(total, 4)).astype(np.float32)
        try:
            logs = model.evaluate(features, y_true, batch_size=batch_size, verbose=0, return_dict=True)
        except Exception as error:
            return FAIL, (
                f"it fails inside a compiled evaluation step (run_eagerly=False): {_error_text(error)}. "
                "Use keras.ops in update_state, not NumPy / scikit-learn / .numpy()."
            )
        return PASS, f"runs inside a compiled model.evaluate ({len(logs)} logged values)"

    def reference_check():
        if reference is None:
            return SKIP, "no reference given"
        arguments = _reference_arguments(inputs, reference_input, threshold, y_true, y_pred)
        try:
            want = _to_numpy(reference(*arguments)).astype(np.float64)
        except Exception as error:
            return FAIL, f"the reference {_name(reference)} raised {_error_text(error)}"
        if want.ndim and want.shape[0] == total and want.shape != result_shape:
            want = np.asarray(want.mean())
        got = _to_numpy(value).astype(np.float64)
        close, detail = _compare(got, want, rtol, atol)
        if not close:
            return FAIL, f"result {_fmt(got)} differs from {_name(reference)} {_fmt(want)} on all {total} samples ({detail})"
        return PASS, f"equals {_name(reference)} on {total} samples ({detail})"

    for code, check in (
        ("dtype", dtype_check),
        ("shape", shape_check),
        ("reset", reset_check),
        ("batches", batches_check),
        ("sample_weight", sample_weight_check),
        ("config", config_check),
        ("compiled", compiled_check),
        ("reference", reference_check),
    ):
        _run(checks, code, check)
    return _finish(result, verbose)
