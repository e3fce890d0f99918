"""Segmentation metrics on 4.2 M labels: lossviz vs scikit-learn vs Keras vs the np.bincount floor.

A batch of 16 masks of 512 x 512 pixels with 21 classes (int64 class ids, 80 % of the
pixels predicted right), timed side by side in one run:

* the confusion matrix: ``lossviz.metrics.confusion_matrix`` against
  ``sklearn.metrics.confusion_matrix``,
* the mean IoU: ``lossviz.metrics.mean_iou`` against ``keras.metrics.MeanIoU(21)``
  (reset, update, result on NumPy input, as a user would call it) and against
  scikit-learn's confusion matrix with the IoU computed from it,
* the floor, ``np.bincount(num_classes * y_true + y_pred, minlength=num_classes**2)``:
  no check, no mask, nothing but the count,
* the same with probabilities (16, 512, 512, 21) float32 instead of predicted ids:
  the argmax is added to every side (``sparse_y_pred=False`` for lossviz and Keras).

Results are asserted equal first. Candidates are timed round-robin (one call of each
per round), medians over the rounds, with the date, the machine and its load
(``os.getloadavg()``) before and after, and each call's process CPU time beside the
wall time.

Run:  .venv/bin/python bench/bench_segmentation.py [--batch 16] [--size 512] [--rounds 5] [--no-probabilities]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from functools import partial
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn import metrics as sk  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_metrics import load, machine, time_round_robin  # noqa: E402

from lossviz import metrics as lv  # noqa: E402

NUM_CLASSES = 21


def make_masks(batch: int, size: int, seed: int = 0):
    """Class ids (batch, size, size): 80 % of the predictions right, the rest uniform."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, NUM_CLASSES, (batch, size, size))
    y_pred = np.where(rng.random(y_true.shape) < 0.8, y_true, rng.integers(0, NUM_CLASSES, y_true.shape))
    return y_true, y_pred


def make_probabilities(y_pred, seed: int = 1):
    """Float32 scores (..., 21) whose argmax is ``y_pred``, built one image at a time."""
    rng = np.random.default_rng(seed)
    scores = np.empty((*y_pred.shape, NUM_CLASSES), np.float32)
    for image in range(len(y_pred)):
        scores[image] = rng.random((*y_pred.shape[1:], NUM_CLASSES), dtype=np.float32)
        np.put_along_axis(scores[image], y_pred[image][..., None], 2.0, axis=-1)
    return scores / scores.sum(axis=-1, keepdims=True)


def floor(y_true, y_pred):
    return np.bincount(NUM_CLASSES * y_true.ravel() + y_pred.ravel(), minlength=NUM_CLASSES**2)


def floor_from_scores(y_true, scores):
    return floor(y_true, np.argmax(scores, axis=-1))


def sklearn_mean_iou(y_true, y_pred):
    """Mean IoU over the classes that occur, from scikit-learn's confusion matrix."""
    matrix = sk.confusion_matrix(y_true.ravel(), y_pred.ravel(), labels=np.arange(NUM_CLASSES))
    union = matrix.sum(axis=0) + matrix.sum(axis=1) - np.diag(matrix)
    return float(np.mean(np.diag(matrix)[union > 0] / union[union > 0]))


def keras_mean_iou(sparse_y_pred: bool):
    import keras

    metric = keras.metrics.MeanIoU(num_classes=NUM_CLASSES, sparse_y_pred=sparse_y_pred)

    def run(y_true, y_pred):
        metric.reset_state()
        metric.update_state(y_true, y_pred)
        return float(metric.result())

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-probabilities", action="store_true", help="skip the (B, H, W, 21) float32 rows")
    args = parser.parse_args()

    y_true, y_pred = make_masks(args.batch, args.size)
    flat_true, flat_pred = y_true.ravel(), y_pred.ravel()
    keras_ids, keras_scores = keras_mean_iou(True), keras_mean_iou(False)

    # Same answers first: a fast wrong result is worth nothing.
    expected = sk.confusion_matrix(flat_true, flat_pred)
    np.testing.assert_array_equal(lv.confusion_matrix(flat_true, flat_pred), expected)
    np.testing.assert_array_equal(floor(y_true, y_pred).reshape(NUM_CLASSES, NUM_CLASSES), expected)
    ours = lv.mean_iou(y_true, y_pred, num_classes=NUM_CLASSES)
    assert np.isclose(ours, keras_ids(y_true, y_pred), rtol=1e-6) and np.isclose(ours, sklearn_mean_iou(y_true, y_pred))

    rows = [  # (row, floor, {implementation: callable})
        ("confusion matrix", partial(floor, y_true, y_pred), {
            "lossviz": partial(lv.confusion_matrix, flat_true, flat_pred),
            "sklearn": partial(sk.confusion_matrix, flat_true, flat_pred),
        }),
        ("mean IoU", partial(floor, y_true, y_pred), {
            "lossviz": partial(lv.mean_iou, y_true, y_pred, num_classes=NUM_CLASSES),
            "sklearn": partial(sklearn_mean_iou, y_true, y_pred),
            "keras": partial(keras_ids, y_true, y_pred),
        }),
    ]  # fmt: skip
    scores = None
    if not args.no_probabilities:
        scores = make_probabilities(y_pred)
        ours = lv.mean_iou(y_true, scores, num_classes=NUM_CLASSES, sparse_y_pred=False)
        assert np.isclose(ours, keras_scores(y_true, scores), rtol=1e-6)
        rows.append(("mean IoU of probabilities (argmax)", partial(floor_from_scores, y_true, scores), {
            "lossviz": partial(lv.mean_iou, y_true, scores, num_classes=NUM_CLASSES, sparse_y_pred=False),
            "sklearn": lambda: sklearn_mean_iou(y_true, np.argmax(scores, axis=-1)),
            "keras": partial(keras_scores, y_true, scores),
        }))  # fmt: skip

    candidates = {}
    for row, floor_call, implementations in rows:
        candidates[f"floor {row}"] = floor_call
        candidates.update({f"{label} {row}": call for label, call in implementations.items()})
    load_before = load()
    median, median_cpu = time_round_robin(candidates, args.rounds)

    labels = y_true.size
    print(f"{args.batch} masks of {args.size} x {args.size}, {NUM_CLASSES} classes: {labels:,} int64 labels; "
          f"medians of {args.rounds} rounds")  # fmt: skip
    print(f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {machine()}")
    print(f"load (1 / 5 / 15 min) before {load_before}, after {load()}\n")
    columns = ["what", "floor", "lossviz", "scikit-learn", "Keras MeanIoU", "sklearn / lossviz", "Keras / lossviz",
               "lossviz / floor", "same, CPU time"]  # fmt: skip
    print("| " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * (len(columns) - 1))
    for row, _, implementations in rows:
        floor_ms, ours_ms = 1e3 * median[f"floor {row}"], 1e3 * median[f"lossviz {row}"]
        sklearn_ms = 1e3 * median[f"sklearn {row}"]
        keras_ms = 1e3 * median[f"keras {row}"] if "keras" in implementations else None
        cpu_ratio = median_cpu[f"lossviz {row}"] / median_cpu[f"floor {row}"]
        cells = [row, f"{floor_ms:.1f} ms", f"{ours_ms:.1f} ms", f"{sklearn_ms:.1f} ms"]
        cells += [f"{keras_ms:.1f} ms" if keras_ms else "-", f"{sklearn_ms / ours_ms:.1f}x"]
        cells += [f"{keras_ms / ours_ms:.2f}x" if keras_ms else "-", f"{ours_ms / floor_ms:.2f}x", f"{cpu_ratio:.2f}x"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
