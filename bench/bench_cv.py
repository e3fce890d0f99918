"""Benchmark: 5-fold ``cross_validate_keras`` of notebook 07's model, n_jobs=2 against n_jobs=1.

Run by ``make bench`` (or ``.venv/bin/python bench/bench_cv.py``). Both settings run
side by side in one process, interleaved, on the same data, and must give the same
scores. Two n_jobs=2 times are reported:

* cold: the first parallel call, which starts two joblib (loky) worker processes that
  each import TensorFlow;
* warm: later calls, which reuse those workers (joblib keeps them for 300 s).

The machine's load average is printed too: on a shared machine the ratio moves with it.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import joblib
import keras
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

from lossviz.cv import cross_validate_keras

FOLDS = 5
REPEATS = 3
# The settings of notebooks/07_kfold_cross_validation.py (its build_model and FIT).
FIT = {"epochs": 4, "batch_size": 16}


def build_model():
    model = keras.Sequential([
        keras.Input((30,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
    return model


def run(X, y, n_jobs):
    started = time.perf_counter()
    result = cross_validate_keras(build_model, X, y, cv=FOLDS, preprocess=StandardScaler,
                                  fit_kwargs=FIT, best_weights=True, n_jobs=n_jobs, seed=0)
    return time.perf_counter() - started, result


def main():
    X, y = load_breast_cancer(return_X_y=True)
    print(f"{FOLDS}-fold cross_validate_keras, breast cancer {X.shape}, {FIT}; "
          f"{joblib.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    run(X, y, 1)  # warms this process (TensorFlow's first graph, sklearn imports)
    cold, reference = run(X, y, 2)
    times = {1: [], 2: []}
    for _ in range(REPEATS):
        for n_jobs in (1, 2):
            seconds, result = run(X, y, n_jobs)
            times[n_jobs].append(seconds)
            for name in reference.metric_names:
                np.testing.assert_array_equal(result.scores(name), reference.scores(name))
    sequential, parallel = statistics.median(times[1]), statistics.median(times[2])
    print(f"  n_jobs=1                      {sequential:6.2f} s  (median of {REPEATS}: "
          f"{', '.join(f'{t:.2f}' for t in times[1])})")
    print(f"  n_jobs=2, workers warm        {parallel:6.2f} s  (median of {REPEATS}: "
          f"{', '.join(f'{t:.2f}' for t in times[2])})")
    print(f"  n_jobs=2, cold (start + import TensorFlow in 2 workers) {cold:6.2f} s")
    print(f"  speedup n_jobs=2 / n_jobs=1: warm {sequential / parallel:.2f}x, "
          f"cold {sequential / cold:.2f}x; scores identical: yes")
    print(f"  mean accuracy {reference.summary['accuracy']['mean']:.4f}, "
          f"load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
