"""k-fold cross-validation of Keras models on scikit-learn splitters, with joblib workers.

:func:`cross_validate_keras` is scikit-learn's ``cross_validate`` for a Keras model
written as a builder function. For every fold it

1. seeds Keras with ``keras.utils.set_random_seed(seed + fold)`` (Python, NumPy,
   TensorFlow and Keras's own generator), so a given ``seed`` gives the same numbers
   on every run, sequentially or in parallel;
2. fits a fresh clone of ``preprocess`` on the fold's training rows only and applies
   it to both parts (fitting it on all rows leaks the test fold into training);
3. builds a FRESH model with ``build_model()`` (re-fitting one model across folds lets
   it see every test fold in an earlier fold's training set);
4. fits it, optionally keeping the weights of its best epoch on an inner validation
   split (``best_weights=True``, a ``keras.callbacks.ModelCheckpoint`` per fold);
5. scores the predictions on the test fold with every metric.

It returns a :class:`CrossValidationResult`: one row per fold, and the mean and
standard deviation of each metric.

Parallel folds:
    Folds run through ``joblib.Parallel`` with process-based workers (joblib's default
    ``loky`` backend). Each worker limits TensorFlow to ``cpu_count // n_workers``
    intra- and inter-op threads, so two workers on two cores do not fight over them.
    ``n_jobs`` follows joblib and scikit-learn: ``None`` means 1 (sequential, in this
    process) unless a ``joblib.parallel_config`` context says otherwise; ``-1`` means
    one worker per core. The first parallel call starts the workers, and each pays
    TensorFlow's import once (several seconds); later calls reuse them.

Running the folds on a cluster:
    Because the folds go through joblib, a user with a cluster switches joblib's
    backend and leaves the call unchanged. With Dask (``pip install dask distributed``)::

        import joblib
        from dask.distributed import Client

        client = Client("tcp://scheduler-address:8786")  # or Client() for a local cluster
        with joblib.parallel_config(backend="dask"):
            result = cross_validate_keras(build_model, X, y, cv=5)

    With Ray (``pip install "ray[default]"``)::

        import joblib
        from ray.util.joblib import register_ray

        register_ray()
        with joblib.parallel_config(backend="ray"):
            result = cross_validate_keras(build_model, X, y, cv=5)

    Inside such a context ``n_jobs=None`` uses the backend's default (all the cluster's
    workers for Dask and Ray). lossviz neither imports nor requires Dask or Ray.
    Thread-based backends (``backend="threading"``) are not supported: Keras's seeds
    are global to a process, so folds sharing one would race for them.

Taught in: notebooks/07_kfold_cross_validation.ipynb
"""

from __future__ import annotations

import math
import numbers
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lossviz import metrics as _metrics
from lossviz._validation import check_finite, check_interval, check_same_length, describe, fail

__all__ = [
    "CrossValidationResult",
    "FoldLoopCheck",
    "check_fold_loop",
    "cross_validate_keras",
    "default_metrics",
]

# Columns every per-fold row has besides the metrics; metric names may not reuse them.
_RESERVED_COLUMNS = ("fold", "n_train", "n_test", "epochs", "best_epoch", "fit_time", "score_time")
# Rows predicted per call: a direct model call, see _predict.
_PREDICT_CHUNK = 4096


# ===================================================================== default metrics


def _probabilities(y_score: np.ndarray) -> np.ndarray:
    """Refuse logits where the default metrics need probabilities, naming the culprit."""
    low, high = float(np.min(y_score)), float(np.max(y_score))
    if low < 0.0 or high > 1.0:
        fail(
            "build_model",
            "a model whose outputs are probabilities (a sigmoid or softmax last layer) "
            "for the default metrics; for logits pass your own `metrics`",
            f"Received: predictions in [{low:.4g}, {high:.4g}]",
        )
    return y_score


def _positive_score(y_score) -> np.ndarray:
    """P(class 1) from a sigmoid output (n,) / (n, 1) or a two-column softmax (n, 2)."""
    y_score = np.asarray(y_score, dtype=np.float64)
    if y_score.ndim == 2 and y_score.shape[1] in (1, 2):
        y_score = y_score[:, -1]
    if y_score.ndim != 1:
        fail("build_model", "one sigmoid output or two softmax outputs for a binary target",
             f"Received: predictions of shape {y_score.shape}")
    return _probabilities(y_score)


def _predicted_label(y_score) -> np.ndarray:
    # Strictly greater, as keras.metrics.BinaryAccuracy(threshold=0.5) decides.
    return (_positive_score(y_score) > 0.5).astype(int)


def _class_labels(y) -> np.ndarray:
    """Integer labels from labels (n,) / (n, 1) or one-hot rows (n, C)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    return y.reshape(len(y))


def binary_accuracy(y_true, y_score) -> float:
    """Accuracy of ``y_score > 0.5``: the fraction of samples on the right side."""
    return _metrics.accuracy_score(_class_labels(y_true), _predicted_label(y_score))


def binary_precision(y_true, y_score) -> float:
    """Precision TP / (TP + FP) of ``y_score > 0.5``."""
    return _metrics.precision_score(_class_labels(y_true), _predicted_label(y_score))


def binary_recall(y_true, y_score) -> float:
    """Recall TP / (TP + FN) of ``y_score > 0.5``."""
    return _metrics.recall_score(_class_labels(y_true), _predicted_label(y_score))


def binary_f1(y_true, y_score) -> float:
    """F1 = 2 TP / (2 TP + FP + FN) of ``y_score > 0.5``."""
    return _metrics.f1_score(_class_labels(y_true), _predicted_label(y_score))


def binary_roc_auc(y_true, y_score) -> float:
    """Exact ROC AUC of the scores (every distinct threshold, as scikit-learn)."""
    return _metrics.roc_auc_score(_class_labels(y_true), _positive_score(y_score))


def _argmax_label(y_score) -> np.ndarray:
    y_score = np.asarray(y_score, dtype=np.float64)
    if y_score.ndim != 2 or y_score.shape[1] < 2:
        fail("build_model", "one softmax output per class for a multiclass target",
             f"Received: predictions of shape {y_score.shape}")
    return _probabilities(y_score).argmax(axis=1)


def multiclass_accuracy(y_true, y_score) -> float:
    """Accuracy of the most probable class (argmax of the softmax output)."""
    return _metrics.accuracy_score(_class_labels(y_true), _argmax_label(y_score))


def multiclass_f1_macro(y_true, y_score) -> float:
    """Unweighted mean over the classes of the per-class F1 of the argmax class."""
    return _metrics.f1_score(_class_labels(y_true), _argmax_label(y_score), average="macro")


def _regression_pair(y_true, y_score) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, dtype=np.float64)
    y_score = np.asarray(y_score, dtype=np.float64).reshape(y_true.shape)
    return y_true, y_score


def mean_squared_error(y_true, y_score) -> float:
    """mean((y_true - y_pred)^2) over every sample and output."""
    y_true, y_score = _regression_pair(y_true, y_score)
    return float(np.mean((y_true - y_score) ** 2))


def mean_absolute_error(y_true, y_score) -> float:
    """mean(|y_true - y_pred|) over every sample and output."""
    y_true, y_score = _regression_pair(y_true, y_score)
    return float(np.mean(np.abs(y_true - y_score)))


def r2_score(y_true, y_score) -> float:
    """1 - SS_res / SS_tot, averaged over the outputs (scikit-learn's "uniform_average")."""
    y_true, y_score = _regression_pair(y_true, y_score)
    y_true, y_score = y_true.reshape(len(y_true), -1), y_score.reshape(len(y_score), -1)
    residual = np.sum((y_true - y_score) ** 2, axis=0)
    total = np.sum((y_true - y_true.mean(axis=0)) ** 2, axis=0)
    return float(np.mean(1.0 - residual / total))


_DEFAULT_METRICS: dict[str, dict[str, Callable]] = {
    "binary": {
        "accuracy": binary_accuracy,
        "precision": binary_precision,
        "recall": binary_recall,
        "f1": binary_f1,
        "roc_auc": binary_roc_auc,
    },
    "multiclass": {"accuracy": multiclass_accuracy, "f1_macro": multiclass_f1_macro},
    "regression": {"mse": mean_squared_error, "mae": mean_absolute_error, "r2": r2_score},
}


def default_metrics(task: str) -> dict[str, Callable]:
    """The metrics :func:`cross_validate_keras` reports when ``metrics=None``.

    Each is a function ``metric(y_true, y_score) -> float`` of the true targets of a
    test fold and the model's raw predictions on it:

    * ``"binary"`` (0/1 labels, one sigmoid output or a two-column softmax):
      accuracy, precision, recall and F1 of ``y_score > 0.5`` (Keras's threshold
      rule), and the exact ROC AUC of the scores; from :mod:`lossviz.metrics`.
    * ``"multiclass"`` (integer labels 0..C-1 or one-hot rows, softmax output):
      accuracy and macro F1 of the argmax class.
    * ``"regression"``: mean squared error, mean absolute error and R^2.

    Args:
        task: ``"binary"``, ``"multiclass"`` or ``"regression"``.

    Returns:
        dict name -> metric, a new dict you may extend:
        ``{**default_metrics("binary"), "mine": my_metric}``.

    Raises:
        ValueError: for an unknown task.

    Example:
        >>> sorted(default_metrics("binary"))
        ['accuracy', 'f1', 'precision', 'recall', 'roc_auc']
        >>> default_metrics("binary")["accuracy"]([0, 1, 1, 0], [0.2, 0.9, 0.4, 0.6])
        0.5

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    if task not in _DEFAULT_METRICS:
        fail("task", f"one of {{{', '.join(repr(t) for t in _DEFAULT_METRICS)}}}", task)
    return dict(_DEFAULT_METRICS[task])


# ========================================================================= the result


def _format_value(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}" if math.isfinite(value) else str(value)
    return str(value)


@dataclass(repr=False)
class CrossValidationResult:
    """What :func:`cross_validate_keras` measured, fold by fold.

    Attributes:
        folds: one dict per fold (the per-fold table): ``fold``, ``n_train``,
            ``n_test``, one entry per metric, ``epochs`` (trained), ``best_epoch``
            (1-based, only with ``best_weights=True``), ``fit_time`` and
            ``score_time`` in seconds (fit_time covers preprocessing, building and
            fitting).
        metric_names: the metric columns, in order.
        splitter: the splitter's class name.
        seed: the base seed; fold ``i`` was seeded with ``seed + i``.
        indices: (train, test) index arrays of every fold.
        histories: ``History.history`` of every fold (dict of per-epoch lists).
        preprocessors: the preprocessor fitted in each fold (None without
            ``preprocess``).
        models: the fitted Keras models, or None unless ``return_models=True``.
        workers: per fold, the process id it ran in and the TensorFlow intra-op
            thread limit set there (None when it ran in the calling process).
        wall_time: seconds for the whole call.

    The text and Markdown representations (``print(result)``, or the result as the
    last expression of a notebook cell) show the per-fold table with a mean and a
    standard deviation row.
    """

    folds: list[dict[str, Any]]
    metric_names: tuple[str, ...]
    splitter: str
    seed: int
    indices: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    histories: list[dict[str, list[float]]] = field(default_factory=list)
    preprocessors: list[Any] = field(default_factory=list)
    models: list[Any] | None = None
    workers: list[dict[str, Any]] = field(default_factory=list)
    wall_time: float = float("nan")

    def scores(self, name: str) -> np.ndarray:
        """Per-fold values of one metric (or other numeric column), shape (n_folds,)."""
        columns = list(self.folds[0])
        if name not in columns:
            fail("name", f"one of {{{', '.join(repr(c) for c in columns)}}}", name)
        return np.array([row[name] for row in self.folds], dtype=np.float64)

    @property
    def summary(self) -> dict[str, dict[str, float]]:
        """``{metric: {"mean": ..., "std": ...}}``; std is NumPy's default (ddof=0)."""
        return {
            name: {"mean": float(np.mean(self.scores(name))), "std": float(np.std(self.scores(name)))}
            for name in self.metric_names
        }

    def _table(self) -> tuple[list[str], list[list[str]]]:
        columns = [c for c in self.folds[0] if c != "score_time"]
        rows = [[_format_value(row[c]) if c != "fit_time" else f"{row[c]:.2f} s" for c in columns]
                for row in self.folds]
        for statistic in ("mean", "std"):
            rows.append([
                statistic if c == "fold"
                else _format_value(self.summary[c][statistic]) if c in self.metric_names
                else ""
                for c in columns
            ])
        return columns, rows

    def _title(self) -> str:
        return (f"{len(self.folds)}-fold cross-validation ({self.splitter}, seed={self.seed}) "
                f"in {self.wall_time:.1f} s")

    def __str__(self) -> str:
        columns, rows = self._table()
        widths = [max(len(text) for text in column) for column in zip(columns, *rows)]
        lines = [self._title()]
        for cells in [columns, *rows]:
            lines.append("  ".join(text.rjust(width) for text, width in zip(cells, widths)))
        return "\n".join(lines)

    __repr__ = __str__

    def to_markdown(self) -> str:
        """The per-fold table with mean and std rows, as a Markdown table."""
        columns, rows = self._table()
        lines = [f"**{self._title()}**", "", "| " + " | ".join(columns) + " |",
                 "|" + "---:|" * len(columns)]
        lines += ["| " + " | ".join(cells) + " |" for cells in rows]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


# ===================================================================== argument checks


def _check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        fail(name, f"an integer >= {minimum}", value)
    return int(value)


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
    from sklearn.utils.multiclass import type_of_target

    kind = type_of_target(y)
    if kind in ("binary", "multiclass"):
        labels = y.reshape(len(y))
    elif kind == "multilabel-indicator" and np.all(y.sum(axis=1) == 1):
        labels = y.argmax(axis=1)  # one-hot rows
    else:
        return "regression", None
    return ("binary" if len(np.unique(labels)) == 2 else "multiclass"), labels


def _splitter(cv, *, classification: bool, grouped: bool, seed: int):
    """An int becomes a shuffled (Stratified)(Group)KFold; anything else goes to check_cv."""
    from sklearn import model_selection

    if isinstance(cv, bool):
        fail("cv", "an integer >= 2, a scikit-learn splitter or an iterable of (train, test) index pairs", cv)
    if isinstance(cv, numbers.Integral):
        if cv < 2:
            fail("cv", "at least 2 folds (an integer >= 2), a scikit-learn splitter or an "
                       "iterable of (train, test) index pairs", cv)
        kind = {(False, False): model_selection.KFold,
                (True, False): model_selection.StratifiedKFold,
                (False, True): model_selection.GroupKFold,
                (True, True): model_selection.StratifiedGroupKFold}[classification, grouped]
        return kind(n_splits=int(cv), shuffle=True, random_state=seed)
    if not (hasattr(cv, "split") or isinstance(cv, Iterable)) or isinstance(cv, str):
        fail("cv", "an integer >= 2, a scikit-learn splitter or an iterable of (train, test) index pairs", cv)
    return model_selection.check_cv(cv)


def _check_metrics(metrics, task: str) -> dict[str, Callable]:
    if metrics is None:
        return default_metrics(task)
    if not isinstance(metrics, Mapping) or not metrics:
        fail("metrics", "a non-empty dict {name: metric(y_true, y_score) -> float}", metrics)
    for name, metric in metrics.items():
        if not isinstance(name, str) or name in _RESERVED_COLUMNS:
            fail("metrics", f"string names other than {_RESERVED_COLUMNS}", f"Received: a metric named {name!r}")
        if not callable(metric):
            fail("metrics", "callables metric(y_true, y_score) -> float",
                 f"Received: metrics[{name!r}]={describe(metric)}")
    return dict(metrics)


def _new_preprocessor(preprocess):
    """A fresh, unfitted transformer: a class is called, an instance cloned, a factory called."""
    from sklearn.base import clone

    if preprocess is None:
        return None
    if isinstance(preprocess, type):
        transformer = preprocess()
    elif hasattr(preprocess, "fit") and hasattr(preprocess, "transform"):
        transformer = clone(preprocess)
    elif callable(preprocess):
        transformer = preprocess()
    else:
        transformer = preprocess
    if not (hasattr(transformer, "fit") and hasattr(transformer, "transform")):
        fail("preprocess", "a scikit-learn transformer (with fit and transform), its class, "
                           "or a function returning one", preprocess)
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
    if best_weights:
        for key in ("validation_data", "validation_split"):
            if key in fit_kwargs:
                fail("fit_kwargs", f"no `{key}` with best_weights=True (the validation rows "
                                   "are split from each training fold, see validation_fraction)",
                     f"Received: fit_kwargs[{key!r}]")
    if fit_kwargs.get("sample_weight") is not None:
        weights = np.asarray(fit_kwargs["sample_weight"], dtype=np.float64)
        if weights.shape != (n_samples,):
            fail("fit_kwargs", f"a sample_weight of shape ({n_samples},), one weight per row of X "
                               "(it is split with the folds)",
                 f"Received: sample_weight of shape {weights.shape}")
        fit_kwargs["sample_weight"] = weights
    return fit_kwargs


def _check_n_jobs(n_jobs) -> int | None:
    if n_jobs is None:
        return None
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        fail("n_jobs", "None, a positive number of workers, or -1 for one per core", n_jobs)
    return int(n_jobs)


def _keras_backend_name() -> str:
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    return os.environ.get("KERAS_BACKEND", "tensorflow")


# ======================================================================== one fold


def _prepare_process(keras_backend: str, threads: int | None):
    """Import Keras in this process; in a worker, limit TensorFlow's thread pools first."""
    os.environ.setdefault("KERAS_BACKEND", keras_backend)
    if threads is not None and "tensorflow" not in sys.modules:
        # Read once by TensorFlow's runtime when it starts, hence before the import.
        os.environ["TF_NUM_INTRAOP_THREADS"] = str(threads)
        os.environ["TF_NUM_INTEROP_THREADS"] = str(threads)
    import keras

    applied = None
    if threads is not None and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:
            pass  # the runtime already started in this worker (an earlier fold set it)
        applied = tf.config.threading.get_intra_op_parallelism_threads()
    return keras, applied


def _checked_model(keras, build_model: Callable):
    model = build_model()
    expected = "a function returning a new, compiled keras.Model on every call"
    if not isinstance(model, keras.Model):
        fail("build_model", expected, f"Received: build_model() returned {describe(model)}")
    if not model.compiled:
        fail("build_model", expected, "Received: an uncompiled model (call model.compile(...) "
                                      "inside build_model)")
    steps = int(model.optimizer.iterations)
    if steps:
        fail("build_model", expected, f"Received: a model already trained for {steps} steps; "
                                      "build_model returns a model that was fitted before (every "
                                      "fold must start from fresh weights: create the model inside "
                                      "build_model)")
    return model


def _predict(keras, model, X: np.ndarray) -> np.ndarray:
    # model.predict traces a new tf.function for every fresh model (about 0.5 s per fold
    # for a tiny model, and TensorFlow then warns about retracing); calling the model on
    # chunks computes the same layers in inference mode.
    chunks = [keras.ops.convert_to_numpy(model(X[start:start + _PREDICT_CHUNK], training=False))
              for start in range(0, len(X), _PREDICT_CHUNK)]
    return np.concatenate(chunks)


def _inner_split(n_samples: int, labels: np.ndarray | None, fraction: float, seed: int):
    """(fit rows, validation rows) of a training fold, stratified when there are labels."""
    from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

    if labels is None:
        splitter = ShuffleSplit(n_splits=1, test_size=fraction, random_state=seed)
    else:
        splitter = StratifiedShuffleSplit(n_splits=1, test_size=fraction, random_state=seed)
    return next(splitter.split(np.zeros(n_samples), labels))


def _fit_best_weights(keras, model, X_train, y_train, labels, fit_args, callbacks, *,
                      fraction: float, monitor: str, seed: int):
    """Fit on part of the training fold; keep the weights of the best epoch on the rest."""
    inner, validation = _inner_split(len(y_train), labels, fraction, seed)
    if "sample_weight" in fit_args:
        fit_args["sample_weight"] = fit_args["sample_weight"][inner]
    with tempfile.TemporaryDirectory(prefix="lossviz-cv-") as folder:
        path = os.path.join(folder, "best.weights.h5")
        checkpoint = keras.callbacks.ModelCheckpoint(
            path, monitor=monitor, save_best_only=True, save_weights_only=True)
        history = model.fit(X_train[inner], y_train[inner],
                            validation_data=(X_train[validation], y_train[validation]),
                            callbacks=[*callbacks, checkpoint], **fit_args)
        if not os.path.exists(path):
            fail("monitor", f"a quantity logged by fit, one of {sorted(history.history)}", monitor)
        model.load_weights(path)
    best_epoch = history.history[monitor].index(checkpoint.best) + 1
    return history, best_epoch


def _run_fold(build_model, X, y, train, test, *, fold, seed, fit_kwargs, metrics, preprocess,
              stratify_labels, best_weights, validation_fraction, monitor, return_model,
              caller_pid, threads, keras_backend):
    """Preprocess, build, fit and score one fold; runs in a joblib worker or the caller."""
    in_worker = os.getpid() != caller_pid
    keras, applied_threads = _prepare_process(keras_backend, threads if in_worker else None)
    keras.utils.set_random_seed(seed + fold)

    started = time.perf_counter()
    X_train, X_test, y_train, y_test = X[train], X[test], y[train], y[test]
    preprocessor = _new_preprocessor(preprocess)
    if preprocessor is not None:
        preprocessor.fit(X_train, y_train)
        X_train, X_test = preprocessor.transform(X_train), preprocessor.transform(X_test)
    model = _checked_model(keras, build_model)

    fit_args = {"verbose": 0, **fit_kwargs}
    callbacks = list(fit_args.pop("callbacks", None) or [])
    if fit_args.get("sample_weight") is not None:
        fit_args["sample_weight"] = fit_args["sample_weight"][train]
    best_epoch = None
    if best_weights:
        labels = None if stratify_labels is None else stratify_labels[train]
        history, best_epoch = _fit_best_weights(
            keras, model, X_train, y_train, labels, fit_args, callbacks,
            fraction=validation_fraction, monitor=monitor, seed=seed + fold)
    else:
        history = model.fit(X_train, y_train, callbacks=callbacks, **fit_args)
    fit_time = time.perf_counter() - started

    started = time.perf_counter()
    y_score = _predict(keras, model, X_test)
    if y_score.ndim == 2 and y_score.shape[1] == 1 and y_test.ndim == 1:
        y_score = y_score[:, 0]
    scores = {}
    for name, metric in metrics.items():
        value = metric(y_test, y_score)
        if not isinstance(value, numbers.Real) and not (isinstance(value, np.ndarray) and value.size == 1):
            fail("metrics", "metrics returning one number",
                 f"Received: metrics[{name!r}] returned {describe(value)}")
        scores[name] = float(value)
    row = {"fold": fold, "n_train": len(train), "n_test": len(test), **scores,
           "epochs": len(history.epoch)}
    if best_weights:
        row["best_epoch"] = best_epoch
    row["fit_time"] = fit_time
    row["score_time"] = time.perf_counter() - started
    return {
        "row": row,
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
        "preprocessor": preprocessor,
        "model": model if return_model else None,
        "worker": {"pid": os.getpid(), "tf_threads": applied_threads},
    }


# ====================================================================== the function


def cross_validate_keras(
    build_model: Callable[[], Any],
    X,
    y,
    *,
    cv=5,
    groups=None,
    fit_kwargs: Mapping[str, Any] | None = None,
    metrics: Mapping[str, Callable] | None = None,
    preprocess=None,
    best_weights: bool = False,
    validation_fraction: float = 0.2,
    monitor: str = "val_loss",
    n_jobs: int | None = None,
    seed: int = 0,
    return_models: bool = False,
) -> CrossValidationResult:
    """Cross-validate a Keras model: a fresh model per fold, preprocessing inside each fold.

    For fold i with training rows T_i and test rows V_i: seed with ``seed + i``, fit
    ``preprocess`` on X[T_i], build ``model = build_model()``, fit it on the
    transformed X[T_i], predict the transformed X[V_i], and score
    ``metric(y[V_i], predictions)``. The summary is mean_i and std_i (ddof=0) of each
    metric.

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
            (train, test) index pairs. An integer gives ``StratifiedKFold`` for
            class labels (``KFold`` otherwise; their Group variants when ``groups``
            is given), shuffled with ``seed``. Defaults to 5.
        groups: optional group ids (n_samples,) for group-aware splitters.
        fit_kwargs: keyword arguments for ``model.fit`` (epochs, batch_size,
            callbacks, class_weight, ...); ``verbose`` defaults to 0. A
            ``sample_weight`` of shape (n_samples,) is split with the folds.
        metrics: dict name -> ``metric(y_true, y_score) -> float`` evaluated on each
            test fold with the model's raw predictions (a (n, 1) output is
            flattened to (n,)). Defaults to :func:`default_metrics` of the target.
        preprocess: a scikit-learn transformer (cloned per fold), its class, or a
            function returning one; fitted on each training fold only
            (``fit(X_train, y_train)``), then applied to both parts. Defaults to None.
        best_weights: if True, each fold holds out ``validation_fraction`` of its
            training rows (stratified for class labels), trains on the rest with a
            ``keras.callbacks.ModelCheckpoint(save_best_only=True,
            save_weights_only=True)`` on ``monitor`` in a temporary folder, and
            scores the weights of the best epoch. The test fold is never used to pick
            the epoch. Defaults to False.
        validation_fraction: fraction in (0, 1) held out with ``best_weights``.
            Defaults to 0.2.
        monitor: quantity the checkpoint watches, e.g. ``"val_loss"`` (default), or
            ``"val_auc"`` for a model compiled with ``metrics=["auc"]``; Keras infers
            whether to minimise or maximise it (and refuses a name it cannot find).
        n_jobs: parallel workers (joblib semantics): None means 1 unless inside
            ``joblib.parallel_config(n_jobs=...)``; -1 means one per core. Folds in
            worker processes give the same numbers as sequential ones.
        seed: non-negative integer; fold i runs after
            ``keras.utils.set_random_seed(seed + i)``. As that function does, this
            reseeds the global Python, NumPy and TensorFlow generators of every
            process that runs a fold, this one included. Defaults to 0.
        return_models: keep the fitted models in ``result.models``. Defaults to False.

    Returns:
        :class:`CrossValidationResult`: ``folds`` (one row per fold), ``summary``
        (mean and std per metric), ``scores(name)`` -> array (n_folds,), histories,
        indices and the fitted preprocessors.

    Raises:
        ValueError: ``X`` and ``y`` of different lengths, ``cv`` < 2,
            ``build_model`` not callable or not returning a new compiled
            ``keras.Model``, or another argument out of its range (each message
            names the argument).

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
        >>> summary = result.summary["roc_auc"]
        >>> bool(summary["mean"] == np.mean(result.scores("roc_auc")))
        True

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    import joblib

    started = time.perf_counter()
    if not callable(build_model):
        fail("build_model", "a function returning a new, compiled keras.Model on every call", build_model)
    X = _as_samples(X, "X")
    y = _as_samples(y, "y")
    check_same_length(X, y, ("X", "y"))
    if groups is not None:
        groups = np.asarray(groups)
        check_same_length(X, groups, ("X", "groups"))
    seed = _check_int(seed, "seed", 0)
    n_jobs = _check_n_jobs(n_jobs)
    if not isinstance(best_weights, bool):
        fail("best_weights", "True or False", best_weights)
    validation_fraction = check_interval(validation_fraction, "validation_fraction", 0.0, 1.0,
                                         low_open=True, high_open=True)
    if not isinstance(monitor, str):
        fail("monitor", "the name of a quantity logged by fit, e.g. 'val_loss'", monitor)
    task, stratify_labels = _task(y)
    if metrics is None and task == "binary" and not np.isin(np.unique(stratify_labels), (0, 1)).all():
        fail("y", "0/1 labels for a binary target (the default metrics threshold a sigmoid "
                  "output at 0.5)", f"Received: labels {np.unique(stratify_labels).tolist()}")
    metrics = _check_metrics(metrics, task)
    fit_kwargs = _check_fit_kwargs(fit_kwargs, len(X), best_weights)
    _new_preprocessor(preprocess)  # fail here, not in a worker

    splitter = _splitter(cv, classification=stratify_labels is not None,
                         grouped=groups is not None, seed=seed)
    split_y = y if stratify_labels is None else stratify_labels
    splits = [(np.asarray(train), np.asarray(test)) for train, test in splitter.split(X, split_y, groups)]

    n_workers = min(len(splits), joblib.effective_n_jobs(n_jobs))
    threads = max(1, joblib.cpu_count() // n_workers)
    jobs = (
        joblib.delayed(_run_fold)(
            build_model, X, y, train, test, fold=fold, seed=seed, fit_kwargs=fit_kwargs,
            metrics=metrics, preprocess=preprocess, stratify_labels=stratify_labels,
            best_weights=best_weights, validation_fraction=validation_fraction,
            monitor=monitor, return_model=return_models, caller_pid=os.getpid(),
            threads=threads, keras_backend=_keras_backend_name())
        for fold, (train, test) in enumerate(splits)
    )
    outcomes = joblib.Parallel(n_jobs=n_jobs, prefer="processes")(jobs)

    splitter_name = type(splitter).__name__
    if splitter_name == "_CVIterableWrapper":
        splitter_name = "given splits"
    return CrossValidationResult(
        folds=[outcome["row"] for outcome in outcomes],
        metric_names=tuple(metrics),
        splitter=splitter_name,
        seed=seed,
        indices=splits,
        histories=[outcome["history"] for outcome in outcomes],
        preprocessors=[outcome["preprocessor"] for outcome in outcomes],
        models=[outcome["model"] for outcome in outcomes] if return_models else None,
        workers=[outcome["worker"] for outcome in outcomes],
        wall_time=time.perf_counter() - started,
    )


# =================================================================== the exercise checker


@dataclass(repr=False)
class FoldLoopCheck:
    """Outcome of :func:`check_fold_loop`: truthy iff every check passed.

    Attributes:
        findings: what is wrong, one sentence each (empty when all is right).
        scores: the learner's per-fold scores (None if the loop failed).
        reference: :func:`cross_validate_keras`'s scores for the same folds.
        builds: how many models the loop built.
    """

    findings: list[str]
    scores: np.ndarray | None = None
    reference: np.ndarray | None = None
    builds: int = 0

    def __bool__(self) -> bool:
        return not self.findings

    def __str__(self) -> str:
        if not self.findings:
            return (f"check_fold_loop: passed ({self.builds} fresh models, scores equal to "
                    f"cross_validate_keras: {np.round(self.scores, 4).tolist()})")
        return "\n".join(["check_fold_loop: NOT passed", *(f"- {text}" for text in self.findings)])

    __repr__ = __str__


def check_fold_loop(fold_loop: Callable, build_model: Callable, X, y, *, cv, metric: Callable,
                    preprocess=None, fit_kwargs: Mapping[str, Any] | None = None,
                    seed: int = 0, atol: float = 1e-6) -> FoldLoopCheck:
    """Check a hand-written k-fold loop against :func:`cross_validate_keras`.

    The learner writes ``fold_loop(build_model, X, y, splits) -> one score per fold``
    that, for fold i and ``(train, test) = splits[i]``, calls
    ``keras.utils.set_random_seed(seed + i)``, fits a fresh ``preprocess`` on
    ``X[train]``, builds a model with ``build_model()``, fits it with ``fit_kwargs``
    and returns ``metric(y[test], predictions)``. The checker counts the models
    built, then compares the scores with ``cross_validate_keras`` on the same splits.
    It never raises because of the learner's code: an exception becomes a finding.

    Args:
        fold_loop: the learner's function.
        build_model: zero-argument function returning a new compiled model.
        X: inputs (n_samples, ...). y: targets (n_samples, ...).
        cv: number of folds or splitter; its splits are passed as a list of
            (train, test) index pairs.
        metric: ``metric(y_true, y_score) -> float``.
        preprocess: as in :func:`cross_validate_keras`. Defaults to None.
        fit_kwargs: as in :func:`cross_validate_keras`. Defaults to None.
        seed: base seed. Defaults to 0.
        atol: largest accepted difference per fold. Defaults to 1e-6.

    Returns:
        :class:`FoldLoopCheck`, also printed.

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
        >>> check = check_fold_loop(one_model_for_all_folds, build_model, X, y, cv=2,
        ...                         metric=default_metrics("binary")["accuracy"])  # doctest: +ELLIPSIS
        check_fold_loop: NOT passed
        - build_model was called 1 time(s) for 2 folds: ...
        >>> bool(check)
        False

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    if not callable(fold_loop):
        fail("fold_loop", "your function fold_loop(build_model, X, y, splits)", fold_loop)
    if not callable(metric):
        fail("metric", "a function metric(y_true, y_score) -> float", metric)
    X, y = _as_samples(X, "X"), _as_samples(y, "y")
    check_same_length(X, y, ("X", "y"))
    _, labels = _task(y)
    splitter = _splitter(cv, classification=labels is not None, grouped=False,
                         seed=_check_int(seed, "seed", 0))
    splits = [(np.asarray(train), np.asarray(test))
              for train, test in splitter.split(X, y if labels is None else labels)]

    built = []

    def counting_build_model():
        model = build_model()
        built.append(model)
        return model

    findings: list[str] = []
    try:
        scores = np.asarray(fold_loop(counting_build_model, X, y, splits), dtype=np.float64).reshape(-1)
    except Exception as error:  # the learner's bug is a finding, not a crash
        findings.append(f"fold_loop raised {type(error).__name__}: {error}")
        return _report(FoldLoopCheck(findings, builds=len(built)))
    if scores.shape != (len(splits),):
        findings.append(f"fold_loop returned {scores.size} score(s) for {len(splits)} folds: "
                        "return one score per fold")
        return _report(FoldLoopCheck(findings, builds=len(built)))
    if len(built) != len(splits):
        findings.append(
            f"build_model was called {len(built)} time(s) for {len(splits)} folds: call it "
            "inside the loop, so that every fold starts from fresh weights (a model re-fitted "
            "across folds has already trained on the later test folds)")
    reference = cross_validate_keras(
        build_model, X, y, cv=splits, metrics={"score": metric}, preprocess=preprocess,
        fit_kwargs=fit_kwargs, seed=seed, n_jobs=1).scores("score")
    for fold, (mine, theirs) in enumerate(zip(scores, reference)):
        if not abs(mine - theirs) <= atol:
            findings.append(
                f"fold {fold}: your score {mine:.4f}, cross_validate_keras {theirs:.4f}: seed "
                f"the fold with keras.utils.set_random_seed({seed} + fold) before building, fit "
                "the preprocessing on X[train] only, and train with the given fit_kwargs")
    return _report(FoldLoopCheck(findings, scores=scores, reference=reference, builds=len(built)))


def _report(check: FoldLoopCheck) -> FoldLoopCheck:
    print(check)
    return check
