"""Exact ROC AUC, ROC curve and average precision: lossviz vs scikit-learn vs Keras.

Times, side by side in one run, on the same 1e6 float32 scores:

* lossviz.metrics (exact, every distinct threshold),
* sklearn.metrics (exact, the same results),
* keras.metrics.AUC(num_thresholds=200) (a bucketed approximation; reset, update,
  result on NumPy input, as a user would call it),
* np.sort of the same scores: the floor for any exact method that sorts.

Candidates are timed round-robin (one call of each per round), so a load spike on a
shared machine hits all of them; the table shows medians over the rounds.

Run:  .venv/bin/python bench/bench_metrics.py [--n 1000000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import time

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


def keras_auc_callable(y_true, y_score):
    import keras

    metric = keras.metrics.AUC(num_thresholds=200)
    y_true32 = y_true.astype(np.float32)

    def run():
        metric.reset_state()
        metric.update_state(y_true32, y_score)
        return float(metric.result())

    return run


def time_round_robin(candidates: dict, rounds: int) -> dict:
    """Median seconds per candidate, calling each once per round (after a warm-up)."""
    for function in candidates.values():
        function()
    times = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, function in candidates.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: float(np.median(values)) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

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

    keras_run = keras_auc_callable(y_true, y_score)
    exact = lv.roc_auc_score(y_true, y_score)
    print(f"n = {args.n:,} float32 scores, {int(y_true.sum()):,} positives, medians of {args.rounds} rounds")
    print(f"exact ROC AUC {exact:.6f}; keras.metrics.AUC(200) {keras_run():.6f}; "
          f"lossviz.keras_auc(200) {lv.keras_auc(y_true, y_score):.6f}\n")  # fmt: skip

    cases = [
        ("roc_auc_score", lambda: lv.roc_auc_score(y_true, y_score), lambda: sk.roc_auc_score(y_true, y_score)),
        ("roc_curve", lambda: lv.roc_curve(y_true, y_score), lambda: sk.roc_curve(y_true, y_score)),
        (
            "average_precision_score",
            lambda: lv.average_precision_score(y_true, y_score),
            lambda: sk.average_precision_score(y_true, y_score),
        ),
        (
            "roc_auc_score, float64",
            lambda: lv.roc_auc_score(y_true, y_score64),
            lambda: sk.roc_auc_score(y_true, y_score64),
        ),
        (
            "roc_auc_score, weighted",
            lambda: lv.roc_auc_score(y_true, y_score, sample_weight=weight),
            lambda: sk.roc_auc_score(y_true, y_score, sample_weight=weight),
        ),
    ]
    candidates = {"np.sort": lambda: np.sort(y_score), "keras.metrics.AUC(200)": keras_run}
    for name, ours, theirs in cases:
        candidates[f"lossviz {name}"] = ours
        candidates[f"sklearn {name}"] = theirs
    median = time_round_robin(candidates, args.rounds)

    sort_ms, keras_ms = 1e3 * median["np.sort"], 1e3 * median["keras.metrics.AUC(200)"]
    header = f"| {'function (exact)':<26} | {'lossviz ms':>10} | {'sklearn ms':>10} | {'sklearn / lossviz':>17} | {'Keras AUC(200) / lossviz':>24} | {'lossviz / np.sort':>17} |"
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for name, _, _ in cases:
        ours_ms = 1e3 * median[f"lossviz {name}"]
        theirs_ms = 1e3 * median[f"sklearn {name}"]
        print(
            f"| {name:<26} | {ours_ms:>10.1f} | {theirs_ms:>10.1f} | {theirs_ms / ours_ms:>16.1f}x "
            f"| {keras_ms / ours_ms:>23.2f}x | {ours_ms / sort_ms:>16.1f}x |"
        )
    print(f"\nnp.sort(float32 scores): {sort_ms:.1f} ms;  keras.metrics.AUC(num_thresholds=200): {keras_ms:.1f} ms")


if __name__ == "__main__":
    main()
