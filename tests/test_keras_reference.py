"""lossviz.keras_reference (the keras flavour of standalone_source) against Keras's built-ins.

Every loss written with keras.ops must give the built-in's per-sample values and the
built-in's gradient on every shared case of tests/cases.py (the same grid as the NumPy
twins in test_losses.py), float32 tolerance; pseudo_huber and general_robust, which
Keras lacks, are compared with the NumPy twins. Gradients come from the backend's own
autodiff (tf.GradientTape on TensorFlow, jax.grad on JAX).
"""

from __future__ import annotations

import ast
import pickle
import subprocess
import sys

import numpy as np
import pytest
from test_losses import SPECS, _kwargs_id
from test_standalone import _RUNNER

import lossviz.keras_reference as reference
import lossviz.losses as losses
from lossviz._validation import import_keras
from lossviz.standalone import code_lines, standalone_names, standalone_source

# Tier (conftest.py): compares with Keras
pytestmark = pytest.mark.keras

keras = import_keras()
ops = keras.ops

RTOL, ATOL = 1e-5, 1e-7


def atol_for(values):
    """ATOL, or 4 machine epsilons of the dtype Keras computed in when that is larger:
    float32 (JAX computes float64 input in float32) rounds values near 0 to about 1e-7."""
    return max(ATOL, 4 * float(np.finfo(np.asarray(values).dtype).eps))


def _jax_value_and_gradient(function, y_true, kwargs):
    """(values, d sum(values) / d y_pred) as a traceable function of y_pred, with jax.grad."""
    import jax

    def total(prediction):
        values = function(y_true, prediction, **kwargs)
        return jax.numpy.sum(values), values

    total_and_gradient = jax.value_and_grad(total, has_aux=True)

    def values_and_gradient(prediction):
        (_, values), gradient = total_and_gradient(prediction)
        return values, gradient

    return values_and_gradient


def value_and_gradient(function, y_true, y_pred, kwargs):
    """Per-sample values and d sum(values) / d y_pred, with the backend's own autodiff."""
    if keras.backend.backend() == "jax":
        import jax

        # One compiled function per case: op-by-op dispatch compiles every op for every
        # new shape and made this file take 8 minutes on JAX.
        values, gradient = jax.jit(_jax_value_and_gradient(function, y_true, kwargs))(jax.numpy.asarray(y_pred))
        return np.asarray(values), np.asarray(gradient)
    import tensorflow as tf

    prediction = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(prediction)
        values = function(y_true, prediction, **kwargs)
        total = ops.sum(values)
    return np.asarray(values), np.asarray(tape.gradient(total, prediction))


def builtin(name):
    """The Keras function after the rank alignment its loss classes apply."""
    from keras.src.losses.loss import squeeze_or_expand_to_same_rank

    function = getattr(keras.losses, name)

    def aligned(y_true, y_pred, **kwargs):
        if name in ("sparse_categorical_crossentropy", "categorical_generalized_cross_entropy", "circle", "ctc"):
            return function(ops.convert_to_tensor(y_true), y_pred, **kwargs)
        y_true, y_pred = squeeze_or_expand_to_same_rank(ops.convert_to_tensor(y_true), y_pred)
        return function(y_true, y_pred, **kwargs)

    return aligned


# Every case of one loss and one set of arguments on one xdist worker (make test runs
# with --dist loadgroup), so that the group is compiled once there (see keras_and_reference).
COMPARISONS = [
    pytest.param(spec, kwargs, case, id=f"{spec.name}[{_kwargs_id(kwargs)}]-{case.id}",
                 marks=pytest.mark.xdist_group(f"keras-reference-{spec.name}[{_kwargs_id(kwargs)}]"))
    for spec in SPECS
    for kwargs in spec.grid
    for case in spec.cases
]

_JAX_GROUPS: dict[tuple[str, str], dict | None] = {}


def keras_and_reference(spec, kwargs, case):
    """((value, gradient) of the Keras built-in, (value, gradient) of the keras block).

    On JAX every case of ``spec`` with ``kwargs`` goes through one ``jax.jit`` of all of
    them, cached: XLA's fixed cost per compilation (about 0.1 s on this machine, against
    well under 0.01 s to run) made this file the JAX pass's longest, and one compilation
    per group halves it. The numbers are those of one case at a time: the cases share no
    operation. If the group does not compile, each case is computed alone (and reports
    its own error).
    """
    if keras.backend.backend() == "jax":
        group = _jax_group(spec, kwargs)
        if group is not None:
            return group[case.id]
    y_true, y_pred = case.values
    return (value_and_gradient(builtin(spec.name), y_true, y_pred, spec.to_keras_kwargs(kwargs)),
            value_and_gradient(getattr(reference, spec.name), y_true, y_pred, kwargs))


def _jax_group(spec, kwargs):
    import jax

    key = (spec.name, _kwargs_id(kwargs))
    if key not in _JAX_GROUPS:
        functions = [(builtin(spec.name), spec.to_keras_kwargs(kwargs)), (getattr(reference, spec.name), kwargs)]
        per_case = [[_jax_value_and_gradient(function, case.values[0], function_kwargs)
                     for function, function_kwargs in functions] for case in spec.cases]

        def every_case(predictions):
            return [[pair(prediction) for pair in pairs] for pairs, prediction in zip(per_case, predictions)]

        try:
            results = jax.jit(every_case)([jax.numpy.asarray(case.values[1]) for case in spec.cases])
        except Exception:  # noqa: BLE001 - each case then runs alone and shows its own error
            _JAX_GROUPS[key] = None
        else:
            _JAX_GROUPS[key] = {
                case.id: tuple((np.asarray(value), np.asarray(gradient)) for value, gradient in pairs)
                for case, pairs in zip(spec.cases, results, strict=True)}
    return _JAX_GROUPS[key]


def test_keras_flavour_covers_every_loss():
    assert set(standalone_names("keras")) == set(losses.LOSSES) | set(losses.ALIASES)


@pytest.mark.parametrize(("spec", "kwargs", "case"), COMPARISONS)
def test_value_and_gradient_equal_the_keras_builtin(spec, kwargs, case):
    (expected_value, expected_gradient), (value, gradient) = keras_and_reference(spec, kwargs, case)
    assert value.shape == expected_value.shape
    np.testing.assert_allclose(value, expected_value, rtol=RTOL, atol=atol_for(expected_value))
    np.testing.assert_allclose(gradient, expected_gradient, rtol=RTOL, atol=atol_for(expected_gradient))


ROBUST = [
    ("pseudo_huber", {}),
    ("pseudo_huber", {"delta": 0.3}),
    ("general_robust", {}),
    ("general_robust", {"alpha": 2.0, "scale": 0.5}),
    ("general_robust", {"alpha": 0.0}),
    ("general_robust", {"alpha": -2.0, "scale": 2.0}),
    ("general_robust", {"alpha": float("-inf")}),
    ("general_robust", {"alpha": 0.5}),
]


@pytest.mark.parametrize(("name", "kwargs"), ROBUST)
@pytest.mark.parametrize(("y_true", "y_pred"), SPECS[0].cases)
def test_losses_keras_lacks_equal_the_numpy_twin(name, kwargs, y_true, y_pred):
    value, gradient = value_and_gradient(getattr(reference, name), y_true, y_pred, kwargs)
    np.testing.assert_allclose(value, losses.get(name)(y_true, y_pred, **kwargs), rtol=RTOL, atol=ATOL)
    expected_gradient = losses.gradient(name, y_true, y_pred, **kwargs)
    np.testing.assert_allclose(gradient.reshape(expected_gradient.shape), expected_gradient, rtol=RTOL, atol=ATOL)


def test_float32_saturation_gives_keras_float32_values():
    y_true = np.array([[1, 0, 1], [0, 1, 1]], dtype="float32")
    y_pred = np.array([[1, 1, 1], [1, 0, 1]], dtype="float32")
    ours = np.asarray(reference.binary_crossentropy(y_true, y_pred))
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, np.asarray(keras.losses.binary_crossentropy(y_true, y_pred)), rtol=1e-6)
    np.testing.assert_allclose(ours, [5.3141, 10.6868], atol=5e-5)


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_blocks_hold_no_tensorflow_only_call(name):
    tree = ast.parse(standalone_source(name, flavor="keras"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom) for alias in node.names}
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"keras", "ops"} and modules <= {"keras"}
    assert "tf." not in standalone_source(name, flavor="keras")


def _first_case(name):
    spec = next(spec for spec in SPECS if spec.name == name)
    return spec.cases[0].values, spec.grid[0]


def test_every_keras_block_runs_alone():
    """All blocks in one fresh interpreter (Keras is imported once), each exec'd in its
    own empty namespace: a block that leans on a name it does not define fails."""
    names = sorted(losses.LOSSES)
    calls = {}
    for name in names:
        args, kwargs = (SPECS[0].cases[0].values, {}) if name in dict(ROBUST) else _first_case(name)
        calls[name] = (standalone_source(name, flavor="keras"), args, kwargs)
    runner = _RUNNER.replace(
        "function = namespace[calls[\"function\"]]\nresults = [function(*args, **kwargs) for args, kwargs in calls[\"calls\"]]",
        "results = []\nfor name, (block, args, kwargs) in calls['blocks'].items():\n"
        "    space = {}\n    exec(block, space)\n    import numpy\n"
        "    results.append(numpy.asarray(space[name](*args, **kwargs)))",
    ).replace("exec(source[:calls_start], namespace)", "")
    assert "calls['blocks']" in runner
    payload = pickle.dumps({"blocks": calls}).hex()
    completed = subprocess.run(
        [sys.executable, "-I", "-c", runner],
        input=("\n#--calls--\n" + payload).encode(),
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode()[-3000:]
    results = pickle.loads(completed.stdout)
    for name, result in zip(names, results):
        _, args, kwargs = calls[name]
        np.testing.assert_allclose(result, np.asarray(getattr(reference, name)(*args, **kwargs)), rtol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_keras_block_trains_in_compile(name):
    """Usable in model.compile: the loss is a graph-compatible function of the built
    model's tensors (one train_on_batch step, finite loss)."""
    (y_true, y_pred), kwargs = (SPECS[0].cases[0].values, {}) if name in dict(ROBUST) else _first_case(name)
    y_true, y_pred = np.asarray(y_true, "float32"), np.asarray(y_pred, "float32")
    namespace = {}
    exec(standalone_source(name, flavor="keras"), namespace)
    function = namespace[name]
    loss = (lambda t, p: function(t, p, **kwargs)) if kwargs else function
    inputs = keras.Input(shape=y_pred.shape[1:])
    model = keras.Model(inputs, keras.layers.Identity()(inputs) + keras.layers.Dense(y_pred.shape[-1])(inputs) * 0.0)
    model.compile(optimizer="sgd", loss=loss)
    value = model.train_on_batch(y_pred, y_true)
    assert np.isfinite(value)


def test_keras_blocks_are_short():
    for name in losses.LOSSES:
        assert code_lines(standalone_source(name, flavor="keras")) <= 45, name
