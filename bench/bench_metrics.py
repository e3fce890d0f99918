"""Exact ROC AUC, ROC curve and average precision: lossviz vs scikit-learn vs Keras.

Times, side by side in one run, on the same 1e6 float32 scores:

* lossviz.metrics (exact, every distinct threshold),
* sklearn.metrics (exact, the same results),
* keras.metrics.AUC(num_thresholds=200) (a bucketed approximation; reset, update,
  result on NumPy input, as a user would call it),
* np.sort of the same scores: the floor for any exact method that sorts,
* with ``--baseline REV``, lossviz.metrics as it was at git revision REV (a single
  ``lossviz/metrics.py`` or the ``lossviz/metrics/`` package), to compare a change
  with the code before it in the same run.

Candidates are timed round-robin (one call of each per round), so a load spike on a
shared machine hits all of them; the table shows medians over the rounds, with the
date, the machine and its load (``os.getloadavg()``) before and after. Besides wall
time, each call's process CPU time is kept: on a loaded machine the CPU-time ratio to
``np.sort`` moves less than the wall-time one.

Run:  .venv/bin/python bench/bench_metrics.py [--n 1000000] [--rounds 7] [--baseline 942c656]
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from functools import partial
from io import BytesIO
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn import metrics as sk  # noqa: E402

from lossviz import metrics as lv  # noqa: E402


def make_data(n: int, seed: int = 0):
    """Imbalanced binary labels (30 % positive) and float32 probabilities."""
    rng = np.random.default_rng(seed)
    y_true = (rng.random(n) < 0.3).astype(np.int64)
    logits = 1.5 * (2 * y_true - 1) + rng.normal(size=n)
    y_score = (1 / (1 + np.exp(-logits))).astype(np.float32)
    return y_true, y_score


def baseline_metrics(revision: str):
    """lossviz.metrics as it was at git ``revision``, imported from a temporary copy of its package."""
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "archive", revision, "lossviz"], cwd=root, capture_output=True, check=True).stdout
    folder = tempfile.mkdtemp(prefix="lossviz-baseline-")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    # Load the old package under its own name, next to the current one.
    saved = {name: module for name, module in sys.modules.items() if name == "lossviz" or name.startswith("lossviz.")}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, folder)
    try:
        old = importlib.import_module("lossviz.metrics")
    finally:
        sys.path.remove(folder)
        for name in [name for name in sys.modules if name == "lossviz" or name.startswith("lossviz.")]:
            del sys.modules[name]
        sys.modules.update(saved)
    return old


def keras_auc_callable(y_true, y_score):
    import keras

    metric = keras.metrics.AUC(num_thresholds=200)
    y_true32 = y_true.astype(np.float32)

    def run():
        metric.reset_state()
        metric.update_state(y_true32, y_score)
        return float(metric.result())

    return run


def time_round_robin(candidates: dict, rounds: int) -> tuple[dict, dict]:
    """Median wall and CPU seconds per candidate, calling each once per round (after a warm-up)."""
    for function in candidates.values():
        function()
    wall, cpu = {name: [] for name in candidates}, {name: [] for name in candidates}
    for _ in range(rounds):
        for name, function in candidates.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return (
        {name: float(np.median(values)) for name, values in wall.items()},
        {name: float(np.median(values)) for name, values in cpu.items()},
    )


def machine() -> str:
    """CPU model, cores, Python and NumPy versions."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__}"


def load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--baseline", default=None, help="git revision of lossviz to time side by side")
    args = parser.parse_args()
    old = baseline_metrics(args.baseline) if args.baseline else None

    y_true, y_score = make_data(args.n)
    weight = np.random.default_rng(1).uniform(0.5, 2.0, size=args.n)
    y_score64 = y_score.astype(np.float64)

    # Same answers first: a fast wrong result is worth nothing.
    assert np.isclose(lv.roc_auc_score(y_true, y_score), sk.roc_auc_score(y_true, y_score), rtol=1e-12, atol=0)
    assert np.isclose(
        lv.average_precision_score(y_true, y_score), sk.average_precision_score(y_true, y_score), rtol=1e-12, atol=0
    )
    for ours, theirs in zip(lv.roc_curve(y_true, y_score), sk.roc_curve(y_true, y_score)):
        np.testing.assert_array_equal(ours, theirs)
    for implementation in [old] if old else []:
        assert implementation.roc_auc_score(y_true, y_score) == lv.roc_auc_score(y_true, y_score)

    keras_run = keras_auc_callable(y_true, y_score)
    exact = lv.roc_auc_score(y_true, y_score)
    print(f"n = {args.n:,} float32 scores, {int(y_true.sum()):,} positives, medians of {args.rounds} rounds")
    print(f"exact ROC AUC {exact:.6f}; keras.metrics.AUC(200) {keras_run():.6f}; "
          f"lossviz.keras_auc(200) {lv.keras_auc(y_true, y_score):.6f}\n")  # fmt: skip

    # (name, function, positional args, keyword args), called on lossviz, sklearn and the baseline
    cases = [
        ("roc_auc_score", "roc_auc_score", (y_true, y_score), {}),
        ("roc_curve", "roc_curve", (y_true, y_score), {}),
        ("average_precision_score", "average_precision_score", (y_true, y_score), {}),
        ("roc_auc_score, float64", "roc_auc_score", (y_true, y_score64), {}),
        ("roc_auc_score, weighted", "roc_auc_score", (y_true, y_score), {"sample_weight": weight}),
    ]
    for name, function, call_args, call_kwargs in cases[3:]:
        ours, theirs = (
            getattr(lv, function)(*call_args, **call_kwargs),
            getattr(sk, function)(*call_args, **call_kwargs),
        )
        assert np.isclose(ours, theirs, rtol=1e-12, atol=0), name
    candidates = {"np.sort": lambda: np.sort(y_score), "keras.metrics.AUC(200)": keras_run}
    implementations = {"lossviz": lv, "sklearn": sk, **({"baseline": old} if old else {})}
    for name, function, call_args, call_kwargs in cases:
        for label, module in implementations.items():
            candidates[f"{label} {name}"] = partial(getattr(module, function), *call_args, **call_kwargs)
    load_before = load()
    median, median_cpu = time_round_robin(candidates, args.rounds)

    print(f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {machine()}")
    print(f"load (1 / 5 / 15 min) before {load_before}, after {load()}\n")
    sort_ms, keras_ms = 1e3 * median["np.sort"], 1e3 * median["keras.metrics.AUC(200)"]
    columns = ["function (exact)", "lossviz"] + (["old"] if old else []) + ["scikit-learn", "sklearn / lossviz"]
    columns += (["old / lossviz"] if old else []) + ["Keras AUC(200) / lossviz", "lossviz / np.sort", "same, CPU time"]
    print("| " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * (len(columns) - 1))
    for name, *_ in cases:
        ours_ms, theirs_ms = 1e3 * median[f"lossviz {name}"], 1e3 * median[f"sklearn {name}"]
        cells = [name, f"{ours_ms:.1f} ms"] + ([f"{1e3 * median[f'baseline {name}']:.1f}"] if old else [])
        cells += [f"{theirs_ms:.1f}", f"{theirs_ms / ours_ms:.1f}x"]
        cells += [f"{1e3 * median[f'baseline {name}'] / ours_ms:.2f}x"] if old else []
        cpu_ratio = median_cpu[f"lossviz {name}"] / median_cpu["np.sort"]
        cells += [f"{keras_ms / ours_ms:.2f}x", f"{ours_ms / sort_ms:.2f}x", f"{cpu_ratio:.2f}x"]
        print("| " + " | ".join(cells) + " |")
    print(f"\nnp.sort(float32 scores): {sort_ms:.1f} ms;  keras.metrics.AUC(num_thresholds=200): {keras_ms:.1f} ms"
          + (f";  old = lossviz at {args.baseline}" if old else ""))  # fmt: skip


if __name__ == "__main__":
    main()
