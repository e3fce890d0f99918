"""k-fold cross-validation of a Keras model, on scikit-learn's ``cross_validate``.

:func:`cross_validate_keras` hands scikit-learn a ``Pipeline(preprocess, model)`` whose
last step is a small estimator around the user's ``build_model``; scikit-learn splits,
clones, dispatches the folds through joblib, times and scores them. What is Keras's own
lives in that estimator's ``fit``:

1. the fold is seeded with ``keras.utils.set_random_seed(seed + fold)``;
2. ``build_model()`` must return a NEW compiled model (re-fitting one model across folds
   lets it see every test fold in an earlier fold's training set);
3. ``best_weights=True`` keeps the weights of the best epoch on an inner validation split
   of the training fold (a ``keras.callbacks.ModelCheckpoint`` per fold);
4. in a worker process TensorFlow gets ``cpu_count // n_workers`` threads.

Preprocessing is the Pipeline's first step, so it is fitted on each training fold only.
Scores come from scikit-learn's scorers (``"accuracy"``, ``"roc_auc"``, ...) or from
``metric(y_true, y_score)`` functions of the model's raw predictions.

The same numbers everywhere:
    A fold's numbers depend on its seed only, not on the process that runs it nor on what
    ran there before: sequentially, in joblib's ``loky`` workers or on a Dask cluster
    (``with joblib.parallel_config(backend="dask"):``). Keras draws the seed of every
    unseeded initializer from Python's process-global ``random`` module, and a Dask
    worker's event-loop thread draws from that module too (``dask.sizeof`` samples the
    lists it measures) while a fold runs in another thread. So each fold gives Keras a
    generator of its own, ``random.Random(seed + fold)``: the same stream that
    ``set_random_seed`` starts, that no other thread can advance. Folds in one process
    run one at a time (TensorFlow's seed is process-global too).

Running the folds on a cluster (``dask[distributed]`` is a lossviz dependency)::

    import joblib
    from dask.distributed import Client

    client = Client("tcp://scheduler-address:8786")  # or Client() for a local cluster
    with joblib.parallel_config(backend="dask"):
        result = cross_validate_keras(build_model, X, y, cv=5)

Taught in: notebooks/07_kfold_cross_validation.ipynb
"""

from __future__ import annotations

import numbers
import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
from sklearn import model_selection
from sklearn.base import clone
from sklearn.metrics import get_scorer, mean_absolute_error, mean_squared_error
from sklearn.pipeline import Pipeline
from sklearn.utils.multiclass import type_of_target

from lossviz._cv_fold import _class_labels, _KerasFoldClassifier, _KerasFoldRegressor, _MetricScorer, _rows_key
from lossviz._cv_result import CrossValidationResult
from lossviz._validation import check_finite, check_integer, check_interval, check_same_length, describe, fail

__all__ = ["CrossValidationResult", "check_fold_loop", "cross_validate_keras", "default_metrics"]  # noqa: F822


def __getattr__(name: str):
    # check_fold_loop, notebook 07's exercise checker, lives in lossviz.checks (one of its
    # registry), and lossviz.checks.fold_loop imports this module: re-exported on first
    # use (PEP 562), so neither module imports the other while it loads.
    if name == "check_fold_loop":
        from lossviz.checks import check_fold_loop

        return check_fold_loop
    raise AttributeError(f"module 'lossviz.cv' has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), "check_fold_loop"})


# Columns every per-fold row has besides the metrics; metric names may not reuse them.
_RESERVED_COLUMNS = ("fold", "n_train", "n_test", "epochs", "best_epoch", "fit_time", "score_time")

# A string names a scikit-learn scorer; a function is metric(y_true, y_score).
_DEFAULT_METRICS = {
    "binary": {"accuracy": "accuracy", "precision": "precision", "recall": "recall", "f1": "f1", "roc_auc": "roc_auc"},
    "multiclass": {"accuracy": "accuracy", "f1_macro": "f1_macro"},
    "regression": {"mse": mean_squared_error, "mae": mean_absolute_error, "r2": "r2"},
}


def default_metrics(task: str) -> dict[str, str | Callable]:
    """The metrics :func:`cross_validate_keras` reports when ``metrics=None``.

    * ``"binary"`` (0/1 labels; one sigmoid output or a two-column softmax): scikit-learn's
      scorers ``accuracy``, ``precision``, ``recall`` and ``f1`` of the prediction
      ``P(class 1) > 0.5`` (Keras's threshold rule), and ``roc_auc`` of P(class 1).
    * ``"multiclass"`` (integer labels 0..C-1 or one-hot rows, softmax output):
      ``accuracy`` and ``f1_macro`` of the argmax class.
    * ``"regression"``: scikit-learn's ``mean_squared_error`` and ``mean_absolute_error``
      of the raw outputs (as ``metric(y_true, y_score)`` functions, so they stay
      positive), and the ``r2`` scorer.

    Args:
        task: ``"binary"``, ``"multiclass"`` or ``"regression"``.

    Returns:
        dict name -> scikit-learn scorer name or ``metric(y_true, y_score)`` function, a
        new dict you may extend: ``{**default_metrics("binary"), "ap": "average_precision"}``.

    Raises:
        ValueError: for an unknown task.

    Example:
        >>> default_metrics("binary")
        {'accuracy': 'accuracy', 'precision': 'precision', 'recall': 'recall', 'f1': 'f1', 'roc_auc': 'roc_auc'}

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    if task not in _DEFAULT_METRICS:
        fail("task", f"one of {{{', '.join(repr(t) for t in _DEFAULT_METRICS)}}}", task)
    return dict(_DEFAULT_METRICS[task])


# ===================================================================== argument checks


def _as_samples(value, name: str) -> np.ndarray:
    """An array with one row per sample; numeric arrays must be finite."""
    array = np.asarray(value)
    if array.ndim == 0 or len(array) == 0:
        fail(name, "an array with one row per sample", array)
    if np.issubdtype(array.dtype, np.number):
        check_finite(array, name)
    return array


def _task(y: np.ndarray) -> tuple[str, np.ndarray | None]:
    """("binary" | "multiclass" | "regression", class labels to stratify on or None)."""
    kind = type_of_target(y)
    if not (kind in ("binary", "multiclass") or (kind == "multilabel-indicator" and np.all(y.sum(axis=1) == 1))):
        return "regression", None
    labels = _class_labels(y)
    return ("binary" if len(np.unique(labels)) == 2 else "multiclass"), labels


def _splitter(cv, *, classification: bool, grouped: bool, seed: int):
    """An int becomes a shuffled (Stratified)(Group)KFold; a splitter or index pairs go to check_cv."""
    expected = "an integer >= 2, a scikit-learn splitter or an iterable of (train, test) index pairs"
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool | np.bool_):
        kind = {
            (False, False): model_selection.KFold,
            (True, False): model_selection.StratifiedKFold,
            (False, True): model_selection.GroupKFold,
            (True, True): model_selection.StratifiedGroupKFold,
        }[classification, grouped]
        return kind(n_splits=check_integer(cv, "cv", minimum=2), shuffle=True, random_state=seed)
    if not (hasattr(cv, "split") or isinstance(cv, Iterable)) or isinstance(cv, str | bool | np.bool_):
        fail("cv", expected, cv)
    return model_selection.check_cv(cv)


def _scorers(metrics, task: str) -> dict[str, Any]:
    if metrics is None:
        metrics = default_metrics(task)
    if not isinstance(metrics, Mapping) or not metrics:
        fail("metrics", "a non-empty dict {name: scikit-learn scorer name or metric(y_true, y_score)}", metrics)
    scorers = {}
    for name, metric in metrics.items():
        if not isinstance(name, str) or name in _RESERVED_COLUMNS:
            fail("metrics", f"string names other than {_RESERVED_COLUMNS}", f"Received: a metric named {name!r}")
        if isinstance(metric, str):
            try:
                scorers[name] = get_scorer(metric)
            except ValueError:
                fail(
                    "metrics",
                    "scikit-learn scorer names (sklearn.metrics.get_scorer_names())",
                    f"Received: metrics[{name!r}]={metric!r}",
                )
        elif callable(metric):
            scorers[name] = _MetricScorer(name, metric)
        else:
            fail(
                "metrics",
                "scikit-learn scorer names or callables metric(y_true, y_score) -> float",
                f"Received: metrics[{name!r}]={describe(metric)}",
            )
    return scorers


def _new_preprocessor(preprocess, seed: int):
    """A fresh, unfitted transformer: a class is called, an instance cloned, a factory called."""
    if preprocess is None:
        return "passthrough"
    if isinstance(preprocess, type) or not hasattr(preprocess, "fit"):
        transformer = preprocess() if callable(preprocess) else preprocess
    else:
        transformer = clone(preprocess)
    if not (hasattr(transformer, "fit") and hasattr(transformer, "transform")):
        fail(
            "preprocess",
            "a scikit-learn transformer (with fit and transform), its class, or a function returning one",
            preprocess,
        )
    # A transformer left to NumPy's global generator would depend on what ran before it.
    if hasattr(transformer, "get_params") and transformer.get_params(deep=False).get("random_state", 0) is None:
        transformer.set_params(random_state=seed)
    return transformer


def _check_fit_kwargs(fit_kwargs, n_samples: int, best_weights: bool) -> dict[str, Any]:
    if fit_kwargs is None:
        return {}
    if not isinstance(fit_kwargs, Mapping):
        fail("fit_kwargs", "a dict of keyword arguments for model.fit", fit_kwargs)
    fit_kwargs = dict(fit_kwargs)
    for key in ("x", "y"):
        if key in fit_kwargs:
            fail("fit_kwargs", "no `x` or `y` (each fold passes its own rows)", f"Received: fit_kwargs[{key!r}]")
    for key in ("validation_data", "validation_split"):
        if best_weights and key in fit_kwargs:
            fail(
                "fit_kwargs",
                f"no `{key}` with best_weights=True (the validation rows are split from "
                "each training fold, see validation_fraction)",
                f"Received: fit_kwargs[{key!r}]",
            )
    if fit_kwargs.get("sample_weight") is not None:
        weights = np.asarray(fit_kwargs["sample_weight"], dtype=np.float64)
        if weights.shape != (n_samples,):
            fail(
                "fit_kwargs",
                f"a sample_weight of shape ({n_samples},), one weight per row of X (it is split with the folds)",
                f"Received: sample_weight of shape {weights.shape}",
            )
        fit_kwargs["sample_weight"] = weights
    return fit_kwargs


def _check_n_jobs(n_jobs) -> int | None:
    if n_jobs is not None and check_integer(n_jobs, "n_jobs") == 0:
        fail("n_jobs", "None, a positive number of workers, or -1 for one per core", n_jobs)
    return n_jobs if n_jobs is None else int(n_jobs)


# ========================================================================= the result


# ====================================================================== the function


def cross_validate_keras(
    build_model: Callable[[], Any],
    X,
    y,
    *,
    cv=5,
    groups=None,
    fit_kwargs: Mapping[str, Any] | None = None,
    metrics: Mapping[str, str | Callable] | None = None,
    preprocess=None,
    best_weights: bool = False,
    validation_fraction: float = 0.2,
    monitor: str = "val_loss",
    n_jobs: int | None = None,
    seed: int = 0,
    return_models: bool = False,
) -> CrossValidationResult:
    """Cross-validate a Keras model: a fresh model per fold, preprocessing inside each fold.

    For fold i with training rows T_i and test rows V_i: fit ``preprocess`` on X[T_i],
    seed with ``seed + i``, build ``model = build_model()``, fit it on the transformed
    X[T_i], and score the transformed X[V_i]. The summary is mean_i and std_i (ddof=0)
    of each metric. The folds run through ``sklearn.model_selection.cross_validate``.

    Args:
        build_model: zero-argument function returning a NEW compiled ``keras.Model``
            on every call (define the layers inside it). It must be picklable for
            ``n_jobs`` other than 1: a module-level function, or one defined in a
            notebook (joblib pickles those by value).
        X: array (n_samples, ...) of inputs.
        y: array (n_samples,) or (n_samples, n_outputs) of targets, as ``model.fit``
            expects them (0/1 labels for a sigmoid output, integer labels for
            sparse_categorical_crossentropy, one-hot rows for categorical_crossentropy).
            Integer-valued targets count as class labels (as in scikit-learn); for an
            integer-valued regression target pass ``cv=KFold(...)`` and
            ``metrics=default_metrics("regression")``.
        cv: number of folds (>= 2), a scikit-learn splitter, or an iterable of
            (train, test) index pairs. An integer gives ``StratifiedKFold`` for class
            labels (``KFold`` otherwise; their Group variants when ``groups`` is given),
            shuffled with ``seed``. Defaults to 5.
        groups: optional group ids (n_samples,) for group-aware splitters.
        fit_kwargs: keyword arguments for ``model.fit`` (epochs, batch_size, callbacks,
            class_weight, ...); ``verbose`` defaults to 0. A ``sample_weight`` of shape
            (n_samples,) is split with the folds.
        metrics: dict name -> scikit-learn scorer name (``"roc_auc"``, see
            ``sklearn.metrics.get_scorer_names()``) or ``metric(y_true, y_score) ->
            float`` of the model's raw predictions on the test fold (a (n, 1) output is
            flattened to (n,)). Defaults to :func:`default_metrics` of the target.
        preprocess: a scikit-learn transformer (cloned per fold), its class, or a
            function returning one; the Pipeline's first step, fitted on each training
            fold only (``fit(X_train, y_train)``). Defaults to None.
        best_weights: if True, each fold holds out ``validation_fraction`` of its
            training rows (stratified for class labels), trains on the rest with a
            ``keras.callbacks.ModelCheckpoint(save_best_only=True,
            save_weights_only=True)`` on ``monitor``, and scores the weights of the best
            epoch. The test fold is never used to pick the epoch. Defaults to False.
        validation_fraction: fraction in (0, 1) held out with ``best_weights``.
            Defaults to 0.2.
        monitor: quantity the checkpoint watches, e.g. ``"val_loss"`` (default); Keras
            infers whether to minimise or maximise it (and refuses a name it cannot find).
        n_jobs: parallel workers (joblib semantics): None means 1 unless inside
            ``joblib.parallel_config(...)`` (e.g. ``backend="dask"``); -1 means one per
            core. The numbers do not depend on it.
        seed: non-negative integer; fold i runs after ``keras.utils.set_random_seed(seed
            + i)``, which reseeds the global Python, NumPy and TensorFlow generators of
            every process that runs a fold, this one included. Defaults to 0.
        return_models: keep the fitted models in ``result.models``. Defaults to False.

    Returns:
        :class:`CrossValidationResult`: ``folds`` (one row per fold), ``summary`` (mean
        and std per metric), ``scores(name)`` -> array (n_folds,), histories, indices
        and the fitted preprocessors.

    Raises:
        ValueError: ``X`` and ``y`` of different lengths, ``cv`` neither an integer >= 2
            nor a splitter, ``build_model`` not callable or not returning a new compiled
            ``keras.Model``, or another argument out of its range (each message names
            the argument).

    Example:
        >>> import numpy as np, keras
        >>> def build_model():
        ...     model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
        ...     model.compile(optimizer="adam", loss="binary_crossentropy")
        ...     return model
        >>> X = np.random.default_rng(0).normal(size=(60, 2))
        >>> y = (X[:, 0] > 0).astype(int)
        >>> result = cross_validate_keras(build_model, X, y, cv=2, fit_kwargs={"epochs": 2})
        >>> [row["n_test"] for row in result.folds], result.metric_names
        ([30, 30], ('accuracy', 'precision', 'recall', 'f1', 'roc_auc'))
        >>> bool(result.summary["roc_auc"]["mean"] == np.mean(result.scores("roc_auc")))
        True

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    import joblib

    started = time.perf_counter()
    if not callable(build_model):
        fail("build_model", "a function returning a new, compiled keras.Model on every call", build_model)
    X, y = _as_samples(X, "X"), _as_samples(y, "y")
    check_same_length(X, y, ("X", "y"))
    if groups is not None:
        groups = np.asarray(groups)
        check_same_length(X, groups, ("X", "groups"))
    seed = check_integer(seed, "seed", minimum=0)
    n_jobs = _check_n_jobs(n_jobs)
    if not isinstance(best_weights, bool):
        fail("best_weights", "True or False", best_weights)
    validation_fraction = check_interval(
        validation_fraction, "validation_fraction", 0.0, 1.0, low_open=True, high_open=True
    )
    if not isinstance(monitor, str):
        fail("monitor", "the name of a quantity logged by fit, e.g. 'val_loss'", monitor)
    task, labels = _task(y)
    if metrics is None and task == "binary" and not np.isin(np.unique(labels), (0, 1)).all():
        fail(
            "y",
            "0/1 labels for a binary target (the default metrics threshold a sigmoid output at 0.5)",
            f"Received: labels {np.unique(labels).tolist()}",
        )
    scorers = _scorers(metrics, task)
    fit_kwargs = _check_fit_kwargs(fit_kwargs, len(X), best_weights)
    transformer = _new_preprocessor(preprocess, seed)

    splitter = _splitter(cv, classification=labels is not None, grouped=groups is not None, seed=seed)
    splits = [
        (np.asarray(train), np.asarray(test))
        for train, test in splitter.split(X, y if labels is None else labels, groups)
    ]
    seeds = {_rows_key(train): seed + fold for fold, (train, _) in enumerate(splits)}
    if len(seeds) < len(splits):
        fail(
            "cv",
            "folds with different training rows (a fold's seed is found from its rows)",
            "Received: two folds that train on the same rows",
        )

    n_workers = min(len(splits), joblib.effective_n_jobs(n_jobs))
    kind = _KerasFoldRegressor if labels is None else _KerasFoldClassifier
    model = kind(
        build_model,
        fit_kwargs={k: v for k, v in fit_kwargs.items() if k != "sample_weight"},
        seeds=seeds,
        best_weights=best_weights,
        validation_fraction=validation_fraction,
        monitor=monitor,
        threads=max(1, joblib.cpu_count() // n_workers),
        caller_pid=os.getpid(),
        keep_model=return_models,
    )
    params = {"model__rows": np.arange(len(X))}
    if fit_kwargs.get("sample_weight") is not None:
        params["model__sample_weight"] = fit_kwargs["sample_weight"]
    outcome = model_selection.cross_validate(
        Pipeline([("preprocess", transformer), ("model", model)]),
        X,
        y,
        cv=splits,
        scoring=scorers,
        params=params,
        n_jobs=n_jobs,
        return_estimator=True,
        error_score="raise",
    )

    fitted = [pipeline[-1] for pipeline in outcome["estimator"]]
    folds = []
    for fold, ((train, test), estimator) in enumerate(zip(splits, fitted)):
        row = {
            "fold": fold,
            "n_train": len(train),
            "n_test": len(test),
            **{name: float(outcome[f"test_{name}"][fold]) for name in scorers},
            "epochs": estimator.epochs_,
        }
        if best_weights:
            row["best_epoch"] = estimator.best_epoch_
        row.update(fit_time=float(outcome["fit_time"][fold]), score_time=float(outcome["score_time"][fold]))
        folds.append(row)
    splitter_name = type(splitter).__name__
    return CrossValidationResult(
        folds=folds,
        metric_names=tuple(scorers),
        splitter="given splits" if splitter_name == "_CVIterableWrapper" else splitter_name,
        seed=seed,
        indices=splits,
        histories=[estimator.history_ for estimator in fitted],
        preprocessors=[None if preprocess is None else pipeline[0] for pipeline in outcome["estimator"]],
        models=[estimator.model_ for estimator in fitted] if return_models else None,
        workers=[estimator.worker_ for estimator in fitted],
        wall_time=time.perf_counter() - started,
    )
