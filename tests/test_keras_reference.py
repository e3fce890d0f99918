"""lossviz.keras_reference (the keras flavour of standalone_source) against Keras's built-ins.

Every loss written with keras.ops, its block exec'd alone, must give the built-in's
per-sample values and the built-in's gradient on every shared case of tests/cases.py
(the same grid as the NumPy twins in test_losses.py), float32 tolerance; pseudo_huber
and general_robust, which Keras lacks, are compared with the NumPy twins. Gradients come from the backend's own
autodiff (tf.GradientTape on TensorFlow, jax.grad on JAX).
"""

from __future__ import annotations

import ast
import pickle
import subprocess
import sys
from functools import cache

import numpy as np
import pytest
from test_losses import OWN_SPECS, SPECS, _kwargs_id
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
EPS_MULTIPLE = 4


def atol_for(values):
    """ATOL, or 4 machine epsilons of the dtype Keras computed in when that is larger:
    float32 (JAX computes float64 input in float32) rounds values near 0 to about 1e-7."""
    return max(ATOL, EPS_MULTIPLE * float(np.finfo(np.asarray(values).dtype).eps))


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


@cache
def block(name):
    """The function the keras block of ``name`` defines, exec'd alone in an empty
    namespace: what a reader pastes, not lossviz.keras_reference's function (the proof
    header of the block cites the tests that compare it)."""
    namespace = {}
    exec(standalone_source(name, flavor="keras"), namespace)
    return namespace[name]


# Every case of one loss and one set of arguments on one xdist worker (make test runs
# with --dist loadgroup), so that the group is compiled once there (see keras_and_reference).
COMPARISONS = [
    pytest.param(
        spec,
        kwargs,
        case,
        id=f"{spec.name}[{_kwargs_id(kwargs)}]-{case.id}",
        marks=pytest.mark.xdist_group(f"keras-reference-{spec.name}[{_kwargs_id(kwargs)}]"),
    )
    for spec in SPECS
    for kwargs in spec.grid
    for case in spec.cases
]

_JAX_GROUPS: dict[tuple[str, str], dict | None] = {}


def keras_and_reference(spec, kwargs, case):
    """((value, gradient) of the Keras built-in, (value, gradient) of the keras block run alone).

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
    return (
        value_and_gradient(builtin(spec.name), y_true, y_pred, spec.to_keras_kwargs(kwargs)),
        value_and_gradient(block(spec.name), y_true, y_pred, kwargs),
    )


def _jax_group(spec, kwargs):
    import jax

    key = (spec.name, _kwargs_id(kwargs))
    if key not in _JAX_GROUPS:
        functions = [(builtin(spec.name), spec.to_keras_kwargs(kwargs)), (block(spec.name), kwargs)]
        per_case = [
            [
                _jax_value_and_gradient(function, case.values[0], function_kwargs)
                for function, function_kwargs in functions
            ]
            for case in spec.cases
        ]

        def every_case(predictions):
            return [[pair(prediction) for pair in pairs] for pairs, prediction in zip(per_case, predictions)]

        try:
            results = jax.jit(every_case)([jax.numpy.asarray(case.values[1]) for case in spec.cases])
        except Exception:  # noqa: BLE001 - each case then runs alone and shows its own error
            _JAX_GROUPS[key] = None
        else:
            _JAX_GROUPS[key] = {
                case.id: tuple((np.asarray(value), np.asarray(gradient)) for value, gradient in pairs)
                for case, pairs in zip(spec.cases, results, strict=True)
            }
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
    pytest.param(spec.name, kwargs, *case.values, id=f"{spec.name}[{_kwargs_id(kwargs)}]-{case.id}")
    for spec in OWN_SPECS
    for kwargs in spec.grid
    for case in spec.cases
]


@pytest.mark.parametrize(("name", "kwargs", "y_true", "y_pred"), ROBUST)
def test_losses_keras_lacks_equal_the_numpy_twin(name, kwargs, y_true, y_pred):
    value, gradient = value_and_gradient(block(name), y_true, y_pred, kwargs)
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
    imported = {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom) for alias in node.names
    }
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"keras", "ops"} and modules <= {"keras"}
    assert "tf." not in standalone_source(name, flavor="keras")


def _first_case(name):
    spec = next(spec for spec in SPECS + OWN_SPECS if spec.name == name)
    return spec.cases[0].values, spec.grid[0]


def test_every_keras_block_runs_alone():
    """All blocks in one fresh interpreter (Keras is imported once), each exec'd in its
    own empty namespace: a block that leans on a name it does not define fails."""
    names = sorted(losses.LOSSES)
    calls = {}
    for name in names:
        args, kwargs = _first_case(name)
        calls[name] = (standalone_source(name, flavor="keras"), args, kwargs)
    runner = _RUNNER.replace(
        'function = namespace[calls["function"]]\nresults = [function(*args, **kwargs) for args, kwargs in calls["calls"]]',
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
        np.testing.assert_allclose(
            result, np.asarray(getattr(reference, name)(*args, **kwargs)), rtol=1e-12, err_msg=name
        )


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_keras_block_trains_in_compile(name):
    """Usable in model.compile: the loss is a graph-compatible function of the built
    model's tensors (one train_on_batch step, finite loss)."""
    (y_true, y_pred), kwargs = _first_case(name)
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


#: How a user hands values to a loss: NumPy arrays, the backend's tensors,
#: ``keras.Variable``s, and on TensorFlow ``tf.Variable``s (which ``ops.convert_to_tensor``
#: returns unchanged: a variable, without the ``ndim`` some of Keras's ops read).
INPUT_KINDS = ["numpy", "tensor", "keras.Variable", "tf.Variable"]


def as_kind(values, kind):
    if kind == "tf.Variable":
        if keras.backend.backend() != "tensorflow":
            pytest.skip(f"tf.Variable is TensorFlow's; this backend is {keras.backend.backend()}")
        import tensorflow as tf

        return tf.Variable(values)
    return {"numpy": np.asarray, "tensor": ops.convert_to_tensor, "keras.Variable": keras.Variable}[kind](values)


#: Every keras block (aliases name their target's block) with the first case and the
#: first arguments of each of its specs: sparse_categorical_crossentropy's ignore_class included.
BLOCK_CALLS = [
    pytest.param(name, spec, id=f"{name}[{_kwargs_id(spec.grid[0])}]")
    for name in standalone_names("keras")
    for spec in SPECS
    if spec.name == losses.ALIASES.get(name, name)
] + [pytest.param(name, None, id=f"{name}[defaults]") for name in ("pseudo_huber", "general_robust")]


@pytest.mark.parametrize("kind", INPUT_KINDS)
@pytest.mark.parametrize(("name", "spec"), BLOCK_CALLS)
def test_every_keras_block_alone_takes_arrays_tensors_and_variables(name, spec, kind):
    """Each keras block, exec'd alone, on y_true and y_pred given as ``kind``, equals the
    Keras built-in on the same values as tensors (the NumPy twin for the losses Keras
    lacks). The built-in is fed tensors because it does not take every kind itself: on
    JAX, Keras 3.15's sparse crossentropy with ``ignore_class`` fails on a keras.Variable."""
    target = losses.ALIASES.get(name, name)
    if spec is None:
        (y_true, y_pred), kwargs, keras_kwargs = SPECS[0].cases[0].values, {}, None
    else:
        (y_true, y_pred), kwargs = spec.cases[0].values, spec.grid[0]
        keras_kwargs = spec.to_keras_kwargs(kwargs)
    namespace = {}
    exec(standalone_source(name, flavor="keras"), namespace)
    value = np.asarray(namespace[target](as_kind(y_true, kind), as_kind(y_pred, kind), **kwargs))
    if keras_kwargs is None:
        expected = losses.get(target)(y_true, y_pred, **kwargs)
    else:
        expected = np.asarray(builtin(target)(as_kind(y_true, "tensor"), as_kind(y_pred, "tensor"), **keras_kwargs))
    assert value.shape == expected.shape
    np.testing.assert_allclose(value, expected, rtol=RTOL, atol=max(atol_for(value), atol_for(expected)))


@pytest.mark.parametrize("kind", INPUT_KINDS)
@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_crossentropy_reads_classes_on_any_axis(kind, from_logits):
    """axis=1 of (batch, classes, steps) scores what axis=-1 of the moved scores does,
    for variables too (TensorFlow's backend cannot apply ops.moveaxis to a tf.Variable)."""
    rng = np.random.default_rng(0)
    scores = rng.uniform(0.05, 1.0, size=(4, 3, 5)).astype("float32")
    labels = rng.integers(0, 3, size=(4, 5))
    namespace = {}
    exec(standalone_source("sparse_categorical_crossentropy", flavor="keras"), namespace)
    value = namespace["sparse_categorical_crossentropy"](
        as_kind(labels, kind), as_kind(scores, kind), from_logits=from_logits, axis=1
    )
    expected = keras.losses.sparse_categorical_crossentropy(labels, np.moveaxis(scores, 1, -1), from_logits=from_logits)
    np.testing.assert_allclose(np.asarray(value), np.asarray(expected), rtol=RTOL, atol=ATOL)
