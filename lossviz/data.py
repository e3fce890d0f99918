"""Small seeded data sets for the notebooks and explorers (generated, or bundled with scikit-learn).

Everything here is offline and deterministic: the same arguments give the same arrays
on every machine. Generators draw all their random numbers from ``seed`` in a fixed
order, so moving one argument (say the outlier fraction) changes only what that
argument controls, which keeps an explorer's picture steady while a slider moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lossviz._validation import check_integer, check_interval, check_one_of, fail

__all__ = [
    "RegressionData",
    "regression_with_outliers",
    "imbalanced_binary",
    "scored_binary",
    "breast_cancer_split",
    "segmentation_masks",
]


def _positive_count(n: int, positive_fraction) -> int:
    positive_fraction = check_interval(positive_fraction, "positive_fraction", 0.0, 1.0, low_open=True, high_open=True)
    count = round(n * positive_fraction)
    if not 1 <= count <= n - 1:
        fail(
            "positive_fraction",
            f"a fraction giving between 1 and {n - 1} positives out of n={n}",
            f"Received: positive_fraction={positive_fraction!r} ({count} positives)",
        )
    return count


@dataclass(frozen=True)
class RegressionData:
    """A 1-D regression data set: inputs, targets, which points are outliers, true line.

    Unpacks as ``x, y, is_outlier = data``.
    """

    x: np.ndarray
    y: np.ndarray
    is_outlier: np.ndarray
    slope: float
    intercept: float

    def __iter__(self):
        return iter((self.x, self.y, self.is_outlier))


def regression_with_outliers(
    n: int = 60, outlier_fraction: float = 0.1, outlier_size: float = 8.0, seed: int = 0
) -> RegressionData:
    """Points on a line with Gaussian noise, some of them pushed up by ``outlier_size``.

    ``y = slope * x + intercept + noise`` with slope 1.5, intercept 1.0, ``x`` uniform
    in [0, 10] (sorted), noise ~ N(0, 1). Then ``round(outlier_fraction * n)`` points,
    taken from the right half of x, get ``y += outlier_size``. Outliers on one side of x
    tilt a least-squares line; a robust loss (MAE, Huber) resists them. The outliers for
    a larger fraction include those for a smaller one, so a slider adds points.

    Args:
        n: number of points, integer >= 4 (default 60).
        outlier_fraction: fraction of points made outliers, in [0, 0.5] (default 0.1).
        outlier_size: how far outliers are pushed up, in [0, 100] (default 8.0).
        seed: non-negative integer seed (default 0).

    Returns:
        RegressionData with x (n,), y (n,), is_outlier (n,) bool, slope, intercept.

    Raises:
        ValueError: for an argument out of its range.

    Example:
        >>> x, y, is_outlier = regression_with_outliers(n=20, outlier_fraction=0.25)
        >>> x.shape, int(is_outlier.sum()), bool(x[is_outlier].min() >= x[10])
        ((20,), 5, True)

    Taught in: notebooks/01_regression_losses.ipynb
    """
    n = check_integer(n, "n", minimum=4)
    outlier_fraction = check_interval(outlier_fraction, "outlier_fraction", 0.0, 0.5)
    outlier_size = check_interval(outlier_size, "outlier_size", 0.0, 100.0)
    rng = np.random.default_rng(check_integer(seed, "seed", minimum=0))
    slope, intercept = 1.5, 1.0
    x = np.sort(rng.uniform(0.0, 10.0, n))
    noise = rng.normal(0.0, 1.0, n)
    right_half = np.arange(n // 2, n)
    candidates = rng.permutation(right_half)
    is_outlier = np.zeros(n, dtype=bool)
    is_outlier[candidates[: round(outlier_fraction * n)]] = True
    y = slope * x + intercept + noise + outlier_size * is_outlier
    return RegressionData(x=x, y=y, is_outlier=is_outlier, slope=slope, intercept=intercept)


def imbalanced_binary(
    n: int = 400, positive_fraction: float = 0.1, separation: float = 2.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian classes in 2-D, with a rare positive class.

    Negatives ~ N(0, I), positives ~ N(mu, I) with mu = separation * (1, 1) / sqrt(2), so
    the class means are ``separation`` apart. Exactly ``round(n * positive_fraction)``
    samples are positive; rows are shuffled.

    Args:
        n: number of samples, integer >= 2 (default 400).
        positive_fraction: fraction of positives, in (0, 1) (default 0.1), giving at
            least one sample of each class.
        separation: distance between the class means, in [0, 10] (default 2.0).
        seed: non-negative integer seed (default 0).

    Returns:
        (X, y): X of shape (n, 2) float, y of shape (n,) int in {0, 1}.

    Raises:
        ValueError: for an argument out of its range.

    Example:
        >>> X, y = imbalanced_binary(n=100, positive_fraction=0.05)
        >>> X.shape, int(y.sum())
        ((100, 2), 5)

    Taught in: notebooks/04_weighting.ipynb
    """
    n = check_integer(n, "n", minimum=2)
    positives = _positive_count(n, positive_fraction)
    separation = check_interval(separation, "separation", 0.0, 10.0)
    rng = np.random.default_rng(check_integer(seed, "seed", minimum=0))
    y = np.zeros(n, dtype=np.int64)
    y[:positives] = 1
    X = rng.normal(0.0, 1.0, (n, 2)) + np.outer(y, np.full(2, separation / np.sqrt(2.0)))
    order = rng.permutation(n)
    return X[order], y[order]


def scored_binary(
    n: int = 1000, positive_fraction: float = 0.3, separation: float = 1.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Labels and classifier-like scores in (0, 1), for curves, thresholds and metrics.

    A latent score is N(0, 1) for negatives and N(separation, 1) for positives (the
    "binormal" model: its ROC AUC is Phi(separation / sqrt(2))); the returned score is
    sigmoid(latent - separation / 2), a probability-like number that is 0.5 midway
    between the classes. Exactly ``round(n * positive_fraction)`` samples are positive;
    samples are shuffled.

    Args:
        n: number of samples, integer >= 2 (default 1000).
        positive_fraction: fraction of positives, in (0, 1) (default 0.3).
        separation: distance between the class means of the latent score, in [0, 10]
            (default 1.5; 0 is a useless scorer).
        seed: non-negative integer seed (default 0).

    Returns:
        (y_true, y_score): y_true (n,) int in {0, 1}, y_score (n,) float in (0, 1).

    Raises:
        ValueError: for an argument out of its range.

    Example:
        >>> y_true, y_score = scored_binary(n=200, positive_fraction=0.25)
        >>> int(y_true.sum()), bool(y_score[y_true == 1].mean() > y_score[y_true == 0].mean())
        (50, True)

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    n = check_integer(n, "n", minimum=2)
    positives = _positive_count(n, positive_fraction)
    separation = check_interval(separation, "separation", 0.0, 10.0)
    rng = np.random.default_rng(check_integer(seed, "seed", minimum=0))
    y_true = np.zeros(n, dtype=np.int64)
    y_true[:positives] = 1
    latent = rng.normal(0.0, 1.0, n) + separation * y_true
    y_score = 1.0 / (1.0 + np.exp(-(latent - separation / 2.0)))
    order = rng.permutation(n)
    return y_true[order], y_score[order]


def breast_cancer_split(test_size: float = 0.25, seed: int = 0, *, positive: str = "benign"):
    """scikit-learn's bundled breast cancer data, split (stratified) and standardised.

    The scaler is fitted on the training part only (fitting it on all rows would leak
    the test set's statistics into training). Labels are scikit-learn's (0 = malignant,
    1 = benign) unless ``positive="malignant"`` makes the tumour we look for class 1.

    Args:
        test_size: fraction of the 569 samples held out, in (0, 1) (default 0.25).
        seed: non-negative integer seed of the split (default 0).
        positive: the class coded 1, ``"benign"`` (scikit-learn's coding, the default)
            or ``"malignant"``. The split is the same either way.

    Returns:
        (X_train, X_test, y_train, y_test): float arrays with 30 features, int labels.

    Raises:
        ValueError: for an argument out of its range.

    Example:
        >>> X_train, X_test, y_train, y_test = breast_cancer_split()
        >>> X_train.shape, X_test.shape, round(float(X_train.mean()), 6)
        ((426, 30), (143, 30), 0.0)
        >>> int(y_test.sum()), int(breast_cancer_split(positive="malignant")[3].sum())
        (90, 53)

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    test_size = check_interval(test_size, "test_size", 0.0, 1.0, low_open=True, high_open=True)
    check_one_of(positive, "positive", ("benign", "malignant"))
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=check_integer(seed, "seed", minimum=0), stratify=y
    )
    if positive == "malignant":  # after the split, so that both codings split alike
        y_train, y_test = 1 - y_train, 1 - y_test
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def segmentation_masks(n: int = 8, size: int = 32, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Masks of a disc (class 1) and a square (class 2) on background (class 0), and the
    softmax output of an imperfect segmentation model for them.

    Each image has a disc of radius 2 to 8 and a square of half-width 2 to 6 (painted
    over the disc, placed again when it would hide more than three quarters of the disc)
    at random places. The "model" sees each object slightly shifted and
    resized: its logit for a class is 1.5 times the signed distance (in pixels) inside
    its own guess of the object, plus smooth noise, so its errors sit along the edges,
    as a real model's do; a small object gets a lower IoU than a large one.

    Args:
        n: number of images, integer >= 1 (default 8).
        size: height and width in pixels, integer in [16, 512] (default 32).
        seed: non-negative integer seed (default 0).

    Returns:
        (labels, probabilities): labels (n, size, size) int64 class ids in {0, 1, 2};
        probabilities (n, size, size, 3) float32, each pixel's softmax over the classes.

    Raises:
        ValueError: for an argument out of its range.

    Example:
        >>> labels, probabilities = segmentation_masks(n=2, size=24)
        >>> labels.shape, probabilities.shape, sorted(np.unique(labels).tolist())
        ((2, 24, 24), (2, 24, 24, 3), [0, 1, 2])

    Taught in: notebooks/11_segmentation_and_masks.ipynb
    """
    n = check_integer(n, "n", minimum=1)
    size = check_integer(size, "size", minimum=16, maximum=512)
    rng = np.random.default_rng(check_integer(seed, "seed", minimum=0))
    row, column = np.mgrid[0:size, 0:size].astype(np.float64)
    labels = np.zeros((n, size, size), np.int64)
    logits = np.zeros((n, size, size, 3))
    for image in range(n):
        visible_share = 0.0
        while visible_share < 0.25:  # redraw a square that would hide most of the disc
            disc, square = rng.uniform(0.2 * size, 0.8 * size, (2, 2))
            radius, half_width = rng.uniform(2, 8), rng.uniform(2, 6)
            inside_disc = radius - np.hypot(row - disc[0], column - disc[1])
            inside_square = half_width - np.maximum(np.abs(row - square[0]), np.abs(column - square[1]))
            visible_share = np.sum((inside_disc > 0) & (inside_square <= 0)) / max(np.sum(inside_disc > 0), 1)
        shift, scale = rng.normal(0, 1.0, (2, 2)), rng.uniform(0.8, 1.2, 2)
        labels[image][inside_disc > 0] = 1
        labels[image][inside_square > 0] = 2
        guess_disc = radius * scale[0] - np.hypot(row - disc[0] - shift[0, 0], column - disc[1] - shift[0, 1])
        guess_square = half_width * scale[1] - np.maximum(
            np.abs(row - square[0] - shift[1, 0]), np.abs(column - square[1] - shift[1, 1])
        )
        noise = rng.normal(0, 1.0, (size // 4 + 1, size // 4 + 1, 3)).repeat(4, 0).repeat(4, 1)[:size, :size]
        logits[image, ..., 1] = 1.5 * guess_disc
        logits[image, ..., 2] = 1.5 * guess_square + 3.0 * (guess_square > 0)
        logits[image] += noise
    logits -= logits.max(axis=-1, keepdims=True)
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    return labels, probabilities.astype(np.float32)
