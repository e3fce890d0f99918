"""One fold of :func:`lossviz.cv.cross_validate_keras`: its own seed, and the estimator
around the user's ``build_model`` that scikit-learn clones, fits and scores.

Why each fold draws from a generator of its own is in :mod:`lossviz.cv` ("The same
numbers everywhere").

Taught in: notebooks/07_kfold_cross_validation.ipynb
"""

from __future__ import annotations

import contextlib
import hashlib
import numbers
import os
import random
import tempfile
import threading
from collections.abc import Callable

import numpy as np
from sklearn import model_selection
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from lossviz._validation import describe, fail, import_keras
from lossviz.session import _quiet_startup

_PREDICT_CHUNK = 4096  # rows per direct model call, see _KerasFold.raw_output


def _class_labels(y: np.ndarray) -> np.ndarray:
    """Integer labels from labels (n,) / (n, 1) or one-hot rows (n, C)."""
    return y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(len(y))


# ======================================================================= one fold's seed

_FOLD_LOCK = threading.RLock()
_fold_stream = threading.local()


class _FoldRandom:
    """Stands in for the ``random`` module where Keras draws its default seeds.

    Inside :func:`_seeded_fold` this thread's draws come from the fold's own generator;
    anywhere else (another thread, no fold running) from the ``random`` module as before.
    """

    def __getattr__(self, name):
        generator = getattr(_fold_stream, "generator", None)
        return getattr(random if generator is None else generator, name)


@contextlib.contextmanager
def _seeded_fold(keras, seed: int):
    """``keras.utils.set_random_seed(seed)``, with a Python generator no other thread shares."""
    # Keras's make_default_seed() calls seed_generator.python_random.randint: a private
    # name, so tests/test_cv.py (other threads drawing from random) fails if Keras moves it.
    from keras.src.random import seed_generator

    if not isinstance(seed_generator.python_random, _FoldRandom):
        seed_generator.python_random = _FoldRandom()
    with _FOLD_LOCK:
        keras.utils.set_random_seed(seed)
        _fold_stream.generator = random.Random(seed)  # the stream random.seed(seed) starts
        try:
            yield
        finally:
            _fold_stream.generator = None


def _prepare_process(threads: int | None):
    """Import Keras; in a worker, first limit TensorFlow to ``threads`` threads per pool,
    and start the backend there without its start-up lines (``session._quiet_startup``)."""
    if threads is None:
        return import_keras(), None
    # Read by TensorFlow's runtime when it starts, in case this import starts it.
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", str(threads))
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", str(threads))
    with _quiet_startup():
        keras = import_keras()
        applied = None
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            with contextlib.suppress(RuntimeError):  # the runtime started in an earlier fold
                tf.config.threading.set_intra_op_parallelism_threads(threads)
                tf.config.threading.set_inter_op_parallelism_threads(threads)
            applied = tf.config.threading.get_intra_op_parallelism_threads()
        keras.ops.convert_to_numpy(keras.ops.zeros(1))  # the runtime's first op logs too
    return keras, applied


def _rows_key(rows) -> str:
    """A fold's name for its training rows: sklearn passes ``rows[train]`` to ``fit``."""
    return hashlib.blake2b(np.asarray(rows, dtype=np.int64).tobytes(), digest_size=16).hexdigest()


def _start_backend_in_worker(threads, caller_pid) -> None:
    """Run while a worker unpickles a fold, before ``build_model`` (whose globals name
    ``keras``) imports Keras: start the backend there quietly, limited to ``threads``."""
    if caller_pid is not None and os.getpid() != caller_pid:
        _prepare_process(threads)


class _WorkerStart:
    def __init__(self, threads, caller_pid):
        self.args = (threads, caller_pid)

    def __reduce__(self):
        return _start_backend_in_worker, self.args


def _unpickle_fold(_started, kind, state):
    fold = kind.__new__(kind)
    fold.__setstate__(state)
    return fold


# ========================================================================= the estimator


class _KerasFold(BaseEstimator):
    """A scikit-learn estimator that builds, seeds and fits a fresh Keras model per fit.

    ``fit(X, y, rows=...)`` receives the training fold's row indices (a fit parameter
    scikit-learn splits with the folds) and looks up the fold's seed in ``seeds``.
    """

    def __init__(
        self,
        build_model=None,
        *,
        fit_kwargs=None,
        seeds=None,
        best_weights=False,
        validation_fraction=0.2,
        monitor="val_loss",
        threads=None,
        caller_pid=None,
        keep_model=True,
    ):
        self.build_model = build_model
        self.fit_kwargs = fit_kwargs
        self.seeds = seeds
        self.best_weights = best_weights
        self.validation_fraction = validation_fraction
        self.monitor = monitor
        self.threads = threads
        self.caller_pid = caller_pid
        self.keep_model = keep_model

    def __sklearn_clone__(self):
        # Share fit_kwargs (and its callbacks) as a plain fold loop would, instead of
        # clone's deep copy; parallel folds get their own copies by pickling anyway.
        return type(self)(**self.get_params(deep=False))

    def __getstate__(self):
        state = super().__getstate__()
        if not self.keep_model:
            state.pop("model_", None)  # do not ship a model nobody asked for
        return state

    def __reduce__(self):
        # _WorkerStart unpickles first: the backend starts before build_model is unpickled.
        return _unpickle_fold, (_WorkerStart(self.threads, self.caller_pid), type(self), self.__getstate__())

    def fit(self, X, y, *, rows, sample_weight=None):
        in_worker = os.getpid() != self.caller_pid
        keras, applied_threads = _prepare_process(self.threads if in_worker else None)
        seed = self.seeds[_rows_key(rows)]
        fit_args = {"verbose": 0, **(self.fit_kwargs or {})}
        callbacks = list(fit_args.pop("callbacks", None) or [])
        if sample_weight is not None:
            fit_args["sample_weight"] = sample_weight
        with _seeded_fold(keras, seed):
            self.model_ = _checked_model(keras, self.build_model)
            if self.best_weights:
                history = self._fit_best_weights(keras, X, y, fit_args, callbacks, seed)
            else:
                history = self.model_.fit(X, y, callbacks=callbacks, **fit_args)
        self.history_ = {key: [float(v) for v in values] for key, values in history.history.items()}
        self.epochs_ = len(history.epoch)
        self.worker_ = {"pid": os.getpid(), "tf_threads": applied_threads}
        self.classes_ = np.arange(max(2, int(np.prod(self.model_.output_shape[1:]))))
        self.one_hot_ = y.ndim == 2 and y.shape[1] > 1  # classifiers answer in the targets' form
        self.target_shape_ = y.shape[1:]
        return self

    def _fit_best_weights(self, keras, X, y, fit_args, callbacks, seed):
        """Fit on part of the training fold; keep the weights of the best epoch on the rest."""
        labels = _class_labels(y) if isinstance(self, ClassifierMixin) else None
        kind = model_selection.ShuffleSplit if labels is None else model_selection.StratifiedShuffleSplit
        inner, validation = next(
            kind(n_splits=1, test_size=self.validation_fraction, random_state=seed).split(np.zeros(len(y)), labels)
        )
        if "sample_weight" in fit_args:
            fit_args["sample_weight"] = fit_args["sample_weight"][inner]
        with tempfile.TemporaryDirectory(prefix="lossviz-cv-") as folder:
            path = os.path.join(folder, "best.weights.h5")
            checkpoint = keras.callbacks.ModelCheckpoint(
                path, monitor=self.monitor, save_best_only=True, save_weights_only=True
            )
            history = self.model_.fit(
                X[inner],
                y[inner],
                validation_data=(X[validation], y[validation]),
                callbacks=[*callbacks, checkpoint],
                **fit_args,
            )
            self.model_.load_weights(path)
        self.best_epoch_ = history.history[self.monitor].index(checkpoint.best) + 1
        return history

    def raw_output(self, X) -> np.ndarray:
        """The model's outputs; a direct call per chunk (``predict`` retraces every fresh model)."""
        from keras import ops

        chunks = [
            ops.convert_to_numpy(self.model_(X[start : start + _PREDICT_CHUNK], training=False))
            for start in range(0, len(X), _PREDICT_CHUNK)
        ]
        return np.concatenate(chunks)


class _KerasFoldClassifier(ClassifierMixin, _KerasFold):
    """Probabilities for scikit-learn's scorers: a sigmoid or softmax output."""

    def predict_proba(self, X) -> np.ndarray:
        output = self.raw_output(X).astype(np.float64)
        output = output.reshape(len(output), -1)
        low, high = float(output.min()), float(output.max())
        if low < 0.0 or high > 1.0:
            fail(
                "build_model",
                "a model whose outputs are probabilities (a sigmoid or softmax last "
                "layer) for these metrics; for logits pass your own `metrics`",
                f"Received: predictions in [{low:.4g}, {high:.4g}]",
            )
        return np.hstack([1.0 - output, output]) if output.shape[1] == 1 else output

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)
        if proba.shape[1] == 2:  # strictly greater, as keras.metrics.BinaryAccuracy(0.5)
            labels = (proba[:, 1] > 0.5).astype(int)
        else:
            labels = proba.argmax(axis=1)
        return np.eye(len(self.classes_), dtype=int)[labels] if self.one_hot_ else labels


class _KerasFoldRegressor(RegressorMixin, _KerasFold):
    def predict(self, X) -> np.ndarray:
        output = self.raw_output(X)
        return output.reshape(len(output), *self.target_shape_)


def _checked_model(keras, build_model: Callable):
    model = build_model()
    expected = "a function returning a new, compiled keras.Model on every call"
    if not isinstance(model, keras.Model):
        fail("build_model", expected, f"Received: build_model() returned {describe(model)}")
    if not model.compiled:
        fail("build_model", expected, "Received: an uncompiled model (call model.compile(...) inside build_model)")
    steps = int(model.optimizer.iterations)
    if steps:
        fail(
            "build_model",
            expected,
            f"Received: a model already trained for {steps} steps; build_model "
            "returns a model that was fitted before (every fold must start from "
            "fresh weights: create the model inside build_model)",
        )
    return model


class _MetricScorer:
    """A scorer ``(pipeline, X, y) -> metric(y, raw predictions)`` for a metric function."""

    def __init__(self, name: str, metric: Callable):
        self.name, self.metric = name, metric

    def __call__(self, pipeline, X, y) -> float:
        y_score = pipeline[-1].raw_output(pipeline[:-1].transform(X))
        if y_score.ndim == 2 and y_score.shape[1] == 1 and np.ndim(y) == 1:
            y_score = y_score[:, 0]
        value = self.metric(y, y_score)
        if not isinstance(value, numbers.Real) and not (isinstance(value, np.ndarray) and value.size == 1):
            fail(
                "metrics",
                "metrics returning one number",
                f"Received: metrics[{self.name!r}] returned {describe(value)}",
            )
        return float(value)
