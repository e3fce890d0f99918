"""Detect Keras behaviours that depend on the version or the backend.

A notebook that asserts a Keras bug breaks on the upgrade that fixes it. Instead it asks
one of these functions what the installed Keras does, teaches both outcomes, and asserts
whichever holds. Each function measures the behaviour (it never reads Keras's source
files, which move between versions) and takes the Keras object under test as an
optional argument, so the tests can hand it a stand-in that behaves like the fixed
version.

Facts detected (Keras 3.15 answers in brackets):

- :func:`huber_forgets_delta`: ``Huber(delta)`` loses ``delta`` in ``get_config`` [True;
  fixed upstream by keras-team/keras#23286].
- :func:`tversky_swaps_alpha_beta`: ``tversky`` applies ``alpha`` to FN, ``beta`` to FP
  [True].
- :func:`sklearn_clone_drops_fit_kwargs`: ``sklearn.base.clone`` of a
  ``keras.wrappers.SKLearnClassifier`` forgets ``fit_kwargs`` [True].
- :func:`scores_stored_logits`: a crossentropy scores a sigmoid/softmax output from the
  logits it stores, unclipped [True on TensorFlow, False on JAX and PyTorch].
- :func:`computes_float64`: float64 input is computed in float64 [True on TensorFlow,
  False on JAX without x64]; :func:`float_tolerance` sizes comparisons from the dtype.
- :func:`fit_refuses_a_loss_without_gradient`: ``fit`` raises on a loss through
  ``ops.round`` [True on TensorFlow; JAX differentiates rounding as 0].
- :func:`metrics_reach_their_output`: a metrics dict reaches the outputs it names [True;
  Keras 3.14.0 swapped them for list outputs and dict targets, keras-team/keras#22625].
- :func:`accuracy_for_multi_label`: "accuracy" on multi-label targets ["categorical"].
- :func:`backend_differences`: every row of :data:`BACKEND_DIFFERENCES` (the table of
  notebook 02, TensorFlow and JAX columns), measured on the backend in use.

Taught in: notebooks/01_regression_losses.ipynb, notebooks/02_probabilistic_losses.ipynb,
notebooks/03_custom_losses.ipynb, notebooks/05_custom_metrics.ipynb,
notebooks/07_kfold_cross_validation.ipynb, notebooks/10_multi_output_and_multi_label.ipynb
"""

from __future__ import annotations

import functools

import numpy as np

from lossviz._validation import check_one_of, import_keras

__all__ = [
    "huber_forgets_delta",
    "tversky_swaps_alpha_beta",
    "sklearn_clone_drops_fit_kwargs",
    "scores_stored_logits",
    "computes_float64",
    "float_tolerance",
    "fit_refuses_a_loss_without_gradient",
    "metrics_reach_their_output",
    "accuracy_for_multi_label",
    "backend_differences",
    "expected_backend_differences",
    "backend_differences_table",
    "BACKEND_DIFFERENCES",
    "MEASURED_BACKENDS",
    "TVERSKY_EXAMPLE",
]

#: The mask, soft prediction and weights the tversky check uses (notebook 02 shows them).
TVERSKY_EXAMPLE = {
    "y_true": np.array([[1.0, 1.0, 0.0, 0.0, 1.0]]),
    "y_pred": np.array([[0.9, 0.4, 0.6, 0.1, 0.8]]),
    "alpha": 0.7,
    "beta": 0.3,
}


def huber_forgets_delta(huber_class=None) -> bool:
    """Whether ``Huber(delta=0.5)`` comes back from its config with another ``delta``.

    A saved model stores its loss as ``get_config()`` and rebuilds it with
    ``from_config``; the check does that round trip and compares the loss of a residual
    of 2 before and after: ``delta |x| - delta^2 / 2`` is 0.875 with ``delta = 0.5`` and
    1.5 with the default ``delta = 1``.

    Args:
        huber_class: the loss class to test; ``keras.losses.Huber`` by default.

    Returns:
        True when the rebuilt loss computes another value (Keras <= 3.15), else False.

    Example:
        >>> huber_forgets_delta()  # Keras 3.15
        True

    Taught in: notebooks/03_custom_losses.ipynb
    """
    keras = import_keras()
    huber_class = keras.losses.Huber if huber_class is None else huber_class
    original = huber_class(delta=0.5)
    rebuilt = huber_class.from_config(original.get_config())
    y_true, y_pred = np.zeros((1, 1), "float32"), np.full((1, 1), 2.0, "float32")
    before = float(keras.ops.convert_to_numpy(original(y_true, y_pred)))
    after = float(keras.ops.convert_to_numpy(rebuilt(y_true, y_pred)))
    return bool(not np.isclose(before, after))


def tversky_swaps_alpha_beta(tversky=None) -> bool:
    """Whether ``tversky`` weights false negatives by ``alpha`` (documented: false positives).

    Documented: ``1 - TP / (TP + alpha FP + beta FN + eps)``. The check scores
    :data:`TVERSKY_EXAMPLE` (alpha 0.7, beta 0.3, so the two readings differ) and says
    which of the two formulas the value matches.

    Args:
        tversky: the function to test, ``(y_true, y_pred, alpha=, beta=)``;
            ``keras.losses.tversky`` by default.

    Returns:
        True when alpha and beta are swapped (Keras <= 3.15), False when the value is the
        documented one.

    Raises:
        RuntimeError: the value matches neither formula (the loss changed in another way).

    Example:
        >>> tversky_swaps_alpha_beta()  # Keras 3.15
        True

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    keras = import_keras()
    tversky = keras.losses.tversky if tversky is None else tversky
    y_true, y_pred = TVERSKY_EXAMPLE["y_true"], TVERSKY_EXAMPLE["y_pred"]
    alpha, beta = TVERSKY_EXAMPLE["alpha"], TVERSKY_EXAMPLE["beta"]
    tp, fp, fn = np.sum(y_true * y_pred), np.sum((1 - y_true) * y_pred), np.sum(y_true * (1 - y_pred))
    epsilon = keras.backend.epsilon()
    documented = 1 - tp / (tp + alpha * fp + beta * fn + epsilon)
    swapped = 1 - tp / (tp + beta * fp + alpha * fn + epsilon)
    value = float(keras.ops.convert_to_numpy(tversky(y_true, y_pred, alpha=alpha, beta=beta)))
    if np.isclose(value, documented, rtol=1e-5):
        return False
    if np.isclose(value, swapped, rtol=1e-5):
        return True
    raise RuntimeError(
        f"tversky gave {value:.6f}: neither the documented {documented:.6f} nor the swapped {swapped:.6f}"
    )


def _tiny_classifier(X, y):
    keras = import_keras()
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(y.shape[1], activation="softmax")])
    model.compile(loss="categorical_crossentropy")
    return model


def sklearn_clone_drops_fit_kwargs(wrapper_class=None) -> bool:
    """Whether ``sklearn.base.clone`` of a Keras scikit-learn wrapper loses ``fit_kwargs``.

    ``cross_validate`` clones the estimator for every fold, so fit arguments that the
    clone loses (epochs, batch size) are silently replaced by Keras's defaults.

    Args:
        wrapper_class: the wrapper to test; ``keras.wrappers.SKLearnClassifier`` by
            default (needs Keras >= 3.8).

    Returns:
        True when the clone's ``fit_kwargs`` differ from the original's (Keras 3.15).

    Example:
        >>> sklearn_clone_drops_fit_kwargs()  # Keras 3.15
        True

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    from sklearn.base import clone

    keras = import_keras()
    wrapper_class = keras.wrappers.SKLearnClassifier if wrapper_class is None else wrapper_class
    fit_kwargs = {"epochs": 2, "batch_size": 8}
    return bool(clone(wrapper_class(_tiny_classifier, fit_kwargs=dict(fit_kwargs))).fit_kwargs != fit_kwargs)


def scores_stored_logits(binary_crossentropy=None, sigmoid=None) -> bool:
    """Whether a crossentropy scores a sigmoid output from its stored logits (no clipping).

    ``binary_crossentropy([[0]], sigmoid([[50]]))``: clipped probabilities give at most
    ``-log(1e-7 float32 distance from 1) = 15.94``; scoring the stored logit 50 gives 50.

    Args:
        binary_crossentropy: the loss function to test; ``keras.losses.binary_crossentropy``.
        sigmoid: the activation producing its input; ``keras.activations.sigmoid``.

    Returns:
        True when the value exceeds every clipped value, that is the loss read the logits
        (TensorFlow backend); False when the probabilities were clipped (JAX, PyTorch).

    Example:
        >>> import os
        >>> scores_stored_logits() == (os.environ["KERAS_BACKEND"] == "tensorflow")
        True

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    keras = import_keras()
    binary_crossentropy = keras.losses.binary_crossentropy if binary_crossentropy is None else binary_crossentropy
    sigmoid = keras.activations.sigmoid if sigmoid is None else sigmoid
    probability = sigmoid(keras.ops.convert_to_tensor([[50.0]]))
    value = float(np.squeeze(keras.ops.convert_to_numpy(binary_crossentropy(np.zeros((1, 1), "float32"), probability))))
    return bool(value > -np.log(keras.backend.epsilon()) + 1.0)


def computes_float64(mean_squared_error=None) -> bool:
    """Whether Keras computes float64 NumPy input in float64.

    TensorFlow keeps float64; JAX computes in float32 unless x64 is enabled
    (``jax.config.update("jax_enable_x64", True)``), so a twin in float64 can only agree
    with it to float32 precision.

    Args:
        mean_squared_error: the loss function to test; ``keras.losses.mean_squared_error``.

    Returns:
        True when the loss of float64 arrays comes back as float64.

    Example:
        >>> computes_float64() in (True, False)
        True

    Taught in: notebooks/01_regression_losses.ipynb, notebooks/02_probabilistic_losses.ipynb
    """
    keras = import_keras()
    mean_squared_error = keras.losses.mean_squared_error if mean_squared_error is None else mean_squared_error
    value = keras.ops.convert_to_numpy(mean_squared_error(np.zeros((1, 2)), np.ones((1, 2))))
    return bool(value.dtype == np.float64)


def float_tolerance(values, *, ulps: float = 16.0) -> float:
    """How far two correct computations of ``values`` may differ, in their own precision.

    ``ulps * np.finfo(dtype).eps * max(1, max |values|)``: a float32 result (JAX, or
    TensorFlow given float32) gets about 2e-6 per unit of magnitude, a float64 one 4e-15.
    The tolerance follows the dtype actually computed, never the backend's name.

    Args:
        values: the array whose precision sets the tolerance (integers count as float64).
        ulps: how many machine epsilons of the largest magnitude to allow (default 16).

    Returns:
        The absolute tolerance, a float.

    Example:
        >>> float_tolerance(np.ones(3, "float32")) == 16 * float(np.finfo("float32").eps)
        True

    Taught in: notebooks/01_regression_losses.ipynb, notebooks/02_probabilistic_losses.ipynb
    """
    values = np.asarray(values)
    dtype = values.dtype if np.issubdtype(values.dtype, np.floating) else np.float64
    scale = max(1.0, float(np.max(np.abs(values)))) if values.size else 1.0
    return float(ulps * np.finfo(dtype).eps * scale)


@functools.cache
def fit_refuses_a_loss_without_gradient() -> bool:
    """Whether ``model.fit`` raises on a loss that rounds the prediction (no gradient).

    TensorFlow's autodiff returns no gradient through ``keras.ops.round`` and ``fit``
    raises "No gradients provided"; JAX differentiates rounding as 0, so ``fit`` runs and
    the weights never move.

    Returns:
        True when fit raises (TensorFlow), False when it runs (JAX). Measured once per
        process (the backend cannot change after Keras is imported).

    Example:
        >>> fit_refuses_a_loss_without_gradient() in (True, False)
        True

    Taught in: notebooks/02_probabilistic_losses.ipynb, notebooks/03_custom_losses.ipynb
    """
    return _fit_through_round() == "raises ValueError"


def _fit_through_round() -> str:
    keras = import_keras()
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=lambda y_true, y_pred: keras.ops.mean((y_true - keras.ops.round(y_pred)) ** 2))
    before = [np.array(weight) for weight in model.get_weights()]
    try:
        model.fit(np.ones((4, 1), "float32"), np.full((4, 1), 3.0, "float32"), epochs=1, verbose=0)
    except ValueError:
        return "raises ValueError"
    moved = any(not np.array_equal(old, new) for old, new in zip(before, model.get_weights()))
    return "runs, weights moved" if moved else "runs, weights unchanged"


def metrics_reach_their_output(model_class=None) -> bool:
    """Whether a metrics dict sends each metric the tensors of the output it names.

    True when each output's metric saw that output's targets, False when they saw each
    other's (Keras 3.14.0 did, for list outputs and dict targets: keras-team/keras#22625), as measured by
    :func:`lossviz.keras_metrics.seen_by_each_output` on ``model_class`` (default
    ``keras.Model``); RuntimeError when they saw neither.

    Example:
        >>> metrics_reach_their_output()  # Keras 3.15
        True

    Taught in: notebooks/10_multi_output_and_multi_label.ipynb
    """
    from lossviz.keras_metrics import ROUTING_TARGETS, seen_by_each_output

    seen, own = seen_by_each_output(model_class), ROUTING_TARGETS
    for answer, expected in ((True, own), (False, dict(zip(own, reversed(own.values()), strict=True)))):
        if all(np.isclose(seen[name], expected[name]) for name in own):
            return answer
    raise RuntimeError(f"the metrics saw {seen}: neither their own outputs' targets {own} nor each other's")


def accuracy_for_multi_label(evaluate_accuracy=None) -> str:
    """Which accuracy ``compile(metrics=["accuracy"])`` computes on multi-label targets.

    On four rows of three labels "binary" (cells with ``(y_pred > 0.5) == y_true``; multi-backend
    Keras 2 with crossentropy) is 8/12, "categorical" (rows whose argmaxes agree) 3/4, measured by
    ``evaluate_accuracy(y_true, y_pred)`` (default: a compiled identity model), else RuntimeError.

    Example:
        >>> accuracy_for_multi_label()  # Keras 3.15
        'categorical'

    Taught in: notebooks/10_multi_output_and_multi_label.ipynb
    """
    y_true = np.array([[1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 1, 0]], "float32")
    y_pred = np.array([[0.9, 0.2, 0.4], [0.1, 0.3, 0.2], [0.2, 0.1, 0.8], [0.3, 0.6, 0.7]], "float32")
    value = (evaluate_accuracy or _compiled_accuracy)(y_true, y_pred)
    for kind, expected in (("binary", 8 / 12), ("categorical", 3 / 4)):
        if np.isclose(value, expected, atol=1e-6):
            return kind
    raise RuntimeError(f'"accuracy" gave {value:.6f}: neither binary (8/12) nor categorical (3/4) accuracy')


def _compiled_accuracy(y_true, y_pred) -> float:
    keras = import_keras()
    model = keras.Sequential([keras.Input((y_pred.shape[1],)), keras.layers.Identity()])
    model.compile(loss="binary_crossentropy", metrics=["accuracy"])
    return model.evaluate(y_pred, y_true, verbose=0, return_dict=True)["accuracy"]


def _error_name(call) -> str:
    try:
        call()
    except Exception as error:  # the backend's own error type is what we measure
        return type(error).__name__
    return "no error"


def _value(tensor, digits: int) -> str:
    return f"{float(np.squeeze(import_keras().ops.convert_to_numpy(tensor))):.{digits}f}"


def _rows(keras) -> dict:
    """Each row of :data:`BACKEND_DIFFERENCES`, measured: label -> (what it measures, call)."""
    import warnings

    ops, losses = keras.ops, keras.losses
    zero, one_hot = np.zeros((1, 1), "float32"), np.array([[1.0, 0.0]], "float32")

    def sigmoid(logit):
        return keras.activations.sigmoid(ops.convert_to_tensor([[logit]]))

    def softmax(logits):
        return keras.activations.softmax(ops.convert_to_tensor([logits]))

    def double_softmax():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = _value(losses.categorical_crossentropy(one_hot, softmax([2.0, 0.0]), from_logits=True), 4)
        warned = any("does not represent logits" in str(warning.message) for warning in caught)
        return value + (", warns" if warned else "")

    def shape_error_text():
        try:
            ops.add(np.ones(3, "float32"), np.ones(2, "float32"))
        except Exception as error:  # noqa: BLE001 - the message is what we measure
            return "yes" if "incompatible shapes" in str(error).lower() else "no"
        return "no error"

    def weighted_scalar_metric():
        metric = keras.metrics.MeanMetricWrapper(lambda y_true, y_pred: ops.mean(y_true - y_pred))
        metric.update_state(np.ones((5, 1), "float32"), np.ones((5, 1), "float32"), sample_weight=np.ones(5, "float32"))

    tiny = np.array([[1.0]]), np.array([[1.0 + 1e-9]])
    return {
        "bce(0, sigmoid(50))": lambda: _value(losses.binary_crossentropy(zero, sigmoid(50.0)), 2),
        "bce(0, sigmoid(200))": lambda: _value(losses.binary_crossentropy(zero, sigmoid(200.0)), 2),
        "cce([1, 0], softmax([0, 50]))": lambda: _value(
            losses.categorical_crossentropy(one_hot, softmax([0.0, 50.0])), 2
        ),
        "cce from_logits=True on softmax([2, 0])": double_softmax,
        "scce(0, [0.5, 2.0])": lambda: _value(
            losses.sparse_categorical_crossentropy(np.array([0]), np.array([[0.5, 2.0]], "float32")), 4
        ),
        "mse dtype of float64 input": lambda: str(ops.convert_to_numpy(losses.mean_squared_error(*tiny)).dtype),
        "mse(1, 1 + 1e-9) in float64": lambda: (
            f"{float(np.squeeze(ops.convert_to_numpy(losses.mean_squared_error(*tiny)))):.3g}"
        ),
        "ops.add of shapes (3,) and (2,)": lambda: _error_name(
            lambda: ops.add(np.ones(3, "float32"), np.ones(2, "float32"))
        ),
        "its message says 'incompatible shapes'": shape_error_text,
        "weights on a one-number metric": lambda: _error_name(weighted_scalar_metric),
        "fit on a loss through ops.round": _fit_through_round,
    }


#: Every measured backend difference: label -> (what is measured, TensorFlow value, JAX
#: value). Notebook 02 shows this table (a test checks its markdown against it) and
#: asserts :func:`backend_differences` equals the column of the backend it runs on.
BACKEND_DIFFERENCES = {
    "bce(0, sigmoid(50))": ("`binary_crossentropy([[0]], sigmoid([[50.]]))`, `from_logits=False`", "50.00", "15.94"),
    "bce(0, sigmoid(200))": ("the same with `sigmoid([[200.]])`: is the loss bounded?", "200.00", "15.94"),
    "cce([1, 0], softmax([0, 50]))": ("`categorical_crossentropy([[1, 0]], softmax([[0., 50.]]))`", "50.00", "16.12"),
    "cce from_logits=True on softmax([2, 0])": (
        "`categorical_crossentropy([[1, 0]], softmax([[2., 0.]]), from_logits=True)` (right: 0.1269)",
        "0.1269, warns",
        "0.3832",
    ),
    "scce(0, [0.5, 2.0])": (
        "`sparse_categorical_crossentropy([0], [[0.5, 2.0]])`: clip, then normalise?",
        "1.0986",
        "1.6094",
    ),
    "mse dtype of float64 input": ("dtype of `mean_squared_error` on float64 arrays", "float64", "float32"),
    "mse(1, 1 + 1e-9) in float64": ("`mean_squared_error([[1.]], [[1. + 1e-9]])`, float64 arrays", "1e-18", "0"),
    "ops.add of shapes (3,) and (2,)": (
        "error raised by `ops.add` of shapes (3,) and (2,)",
        "InvalidArgumentError",
        "TypeError",
    ),
    "its message says 'incompatible shapes'": ('its message says "incompatible shapes" (any case)', "yes", "yes"),
    "weights on a one-number metric": (
        "error raised by `MeanMetricWrapper(one number per batch)` given `sample_weight`",
        "InvalidArgumentError",
        "ValueError",
    ),
    "fit on a loss through ops.round": (
        "`model.fit` with a loss through `ops.round` (no gradient)",
        "raises ValueError",
        "runs, weights unchanged",
    ),
}
#: The backends whose column :data:`BACKEND_DIFFERENCES` holds, in column order.
MEASURED_BACKENDS = ("tensorflow", "jax")


def backend_differences(labels=None) -> dict:
    """Measure the rows of :data:`BACKEND_DIFFERENCES` on the backend in use.

    Args:
        labels: the row labels to measure; every row by default.

    Returns:
        ``{label: value}`` with each value formatted as in the table (a loss value, a
        dtype, an error type's name).

    Raises:
        ValueError: a label that is not a row of :data:`BACKEND_DIFFERENCES`.

    Example:
        >>> import keras
        >>> backend_differences() == expected_backend_differences(keras.backend.backend())
        True

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    rows = _rows(import_keras())
    labels = list(rows) if labels is None else list(labels)
    for label in labels:
        check_one_of(label, "labels", rows)
    return {label: rows[label]() for label in labels}


def expected_backend_differences(backend: str) -> dict:
    """The column of :data:`BACKEND_DIFFERENCES` for ``backend``: ``{label: value}``.

    Raises:
        ValueError: ``backend`` is not one of :data:`MEASURED_BACKENDS`.

    Example:
        >>> expected_backend_differences("jax")["bce(0, sigmoid(50))"]
        '15.94'
    """
    check_one_of(backend, "backend", MEASURED_BACKENDS)
    column = 1 + MEASURED_BACKENDS.index(backend)
    return {label: row[column] for label, row in BACKEND_DIFFERENCES.items()}


def backend_differences_table() -> str:
    """:data:`BACKEND_DIFFERENCES` as the markdown table notebook 02 shows.

    Example:
        >>> backend_differences_table().splitlines()[0]
        '| measured (Keras 3.15, float32 unless said) | TensorFlow | JAX |'
    """
    lines = ["| measured (Keras 3.15, float32 unless said) | TensorFlow | JAX |", "|---|---|---|"]
    lines += [f"| {what} | {tensorflow} | {jax} |" for what, tensorflow, jax in BACKEND_DIFFERENCES.values()]
    return "\n".join(lines)
