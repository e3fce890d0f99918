"""Benchmark: 5-fold ``cross_validate_keras`` of notebook 07's model, sequential, loky and Dask.

Run by ``make bench`` (or ``.venv/bin/python bench/bench_cv.py``). The three engines run
side by side in one process, interleaved, on the same data, and must give the same
scores (every metric of every fold within 1e-9):

* sequential: ``n_jobs=1``, the folds run in this process;
* loky: ``n_jobs=2``, joblib's two worker processes;
* dask: ``joblib.parallel_config(backend="dask")`` on a ``LocalCluster`` of two
  single-threaded worker processes (no dashboard).

"cold" is the first parallel call (loky: starting two workers that import TensorFlow;
Dask: starting the cluster too); "warm" calls reuse the workers. The machine's load
average is printed too: on a shared machine the ratios move with it.
"""

from __future__ import annotations

import os
import statistics
import time

import joblib
import numpy as np
from distributed import Client, LocalCluster
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

from lossviz._validation import import_keras
from lossviz.cv import cross_validate_keras

keras = import_keras()

FOLDS = 5
REPEATS = 3
# The settings of notebooks/07_kfold_cross_validation.py (its build_model and FIT).
FIT = {"epochs": 4, "batch_size": 16}


def build_model():
    model = keras.Sequential(
        [
            keras.Input((30,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
    return model


def run(X, y, engine):
    started = time.perf_counter()
    kwargs = {"cv": FOLDS, "preprocess": StandardScaler, "fit_kwargs": FIT, "best_weights": True, "seed": 0}
    if engine == "dask":
        with joblib.parallel_config(backend="dask"):
            result = cross_validate_keras(build_model, X, y, **kwargs)
    else:
        result = cross_validate_keras(build_model, X, y, n_jobs={"sequential": 1, "loky": 2}[engine], **kwargs)
    return time.perf_counter() - started, result


def assert_same_scores(result, reference, engine):
    for name in reference.metric_names:
        np.testing.assert_allclose(
            result.scores(name), reference.scores(name), rtol=0, atol=1e-9, err_msg=f"{engine}: {name}"
        )


def main():
    X, y = load_breast_cancer(return_X_y=True)
    print(
        f"{FOLDS}-fold cross_validate_keras, breast cancer {X.shape}, {FIT}, best_weights=True; "
        f"{joblib.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    _, reference = run(X, y, "sequential")  # warms this process (TensorFlow's first graph)
    cold = {"loky": run(X, y, "loky")}
    started = time.perf_counter()
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster),
    ):
        seconds, result = run(X, y, "dask")
        cold["dask"] = (time.perf_counter() - started, result)
        times = {"sequential": [], "loky": [], "dask": []}
        for _ in range(REPEATS):
            for engine in times:
                seconds, result = run(X, y, engine)
                times[engine].append(seconds)
                assert_same_scores(result, reference, engine)
    for engine, (_seconds, result) in cold.items():
        assert_same_scores(result, reference, engine)
    sequential = statistics.median(times["sequential"])
    for engine, values in times.items():
        median = statistics.median(values)
        cold_text = f", cold {cold[engine][0]:6.2f} s" if engine in cold else ""
        print(
            f"  {engine:<10} warm {median:6.2f} s (median of {REPEATS}: {', '.join(f'{t:.2f}' for t in values)})"
            f"{cold_text}; sequential / {engine} = {sequential / median:.2f}x"
        )
    print(
        f"  every metric of every fold equal on all three engines (atol 1e-9); mean accuracy "
        f"{reference.summary['accuracy']['mean']:.4f}; load average now {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
