"""``check_metric``: the metric checks (``METRIC_CHECKS``), in the order they run.

Each check is registered with ``@_check("metric", code)``; the checks share a context
that :func:`check_metric` builds (random data split into uneven batches, a factory of
fresh metrics).
Taught in: notebooks/03_custom_losses.ipynb
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import SimpleNamespace

import numpy as np

from lossviz._validation import check_integer, check_interval, check_one_of, fail
from lossviz.checks._common import (
    _checked_common,
    _compare,
    _dtype_name,
    _fmt,
    _init_parameters,
    _keras,
    _name,
    _random_batch,
    _tiny_model,
    _to_numpy,
)
from lossviz.checks._framework import FAIL, PASS, SKIP, _check, _codes, _error_text, _run_checks, _Stop


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
        return (
            (lambda: keras.metrics.MeanMetricWrapper(metric, name=name)),
            None,
            f"{name} (a function, as MeanMetricWrapper)",
        )
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
        keras=keras,
        metric=metric,
        fresh=factory,
        given=given,
        reference=reference,
        inputs=inputs,
        batch_size=batch_size,
        n_batches=n_batches,
        target_shape=target_shape,
        seed=seed,
        rtol=rtol,
        atol=atol,
        reference_input=reference_input,
        threshold=threshold,
        result_shape=tuple(result_shape),
        total=total,
        y_true=y_true,
        y_pred=y_pred,
        edges=edges,
        everything=[(y_true, y_pred)],
        batches=[(y_true[a:b], y_pred[a:b]) for a, b in zip(edges[:-1], edges[1:])],
        values={},
    )
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
        ignored = (
            " (it equals the unweighted result: sample_weight is ignored)"
            if _compare(got, unweighted, c.rtol, c.atol)[0]
            else ""
        )
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
        return FAIL, (
            f"result {_fmt(got)} differs from {_name(c.reference)} {_fmt(want)} on all {c.total} samples ({detail})"
        )
    return PASS, f"equals {_name(c.reference)} on {c.total} samples ({detail})"


METRIC_CHECKS = _codes("metric")
