"""Named input cases for the loss twins, shared by every loss test.

Each list holds ``pytest.param(y_true, y_pred, id=...)`` with float64 arrays drawn
from fixed seeds. A loss is compared with Keras over every case of the kind it
accepts; the ids say what a case stresses.
"""

from __future__ import annotations

import numpy as np
import pytest


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _one_hot(labels, num_classes):
    return np.eye(num_classes)[labels]


def _softmax(logits, axis=-1):
    shifted = np.exp(logits - logits.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


# Regression: any real targets and predictions.
REGRESSION = [
    pytest.param(_rng(0).normal(size=(4, 3)), _rng(1).normal(size=(4, 3)), id="2d"),
    pytest.param(_rng(2).normal(size=(3, 4, 2)), _rng(3).normal(size=(3, 4, 2)), id="3d"),
    pytest.param(_rng(4).normal(size=(6, 1)), _rng(5).normal(size=(6, 1)), id="column"),
    pytest.param(_rng(6).normal(size=5), _rng(7).normal(size=(5, 1)), id="rank1-vs-column"),
    pytest.param(_rng(8).normal(size=(4, 3, 1)), _rng(9).normal(size=(4, 3)), id="trailing-1-squeezed"),
    pytest.param(np.zeros((2, 3)), np.array([[1e4, -1e4, 3.0], [-2e3, 0.5, 9e3]]), id="residuals-1e4"),
    pytest.param(np.full((2, 2), 0.3), np.full((2, 2), 0.3) + 1e-9, id="tiny-residuals"),
    pytest.param(np.array([[0.0, 1.0, -2.0]]), np.array([[1.0, 1.0, -1.0]]), id="residual-exactly-1"),
    # Targets of shape (B,): the mean over axis -1 averages the whole batch into one number.
    pytest.param(_rng(14).normal(size=5), _rng(15).normal(size=5), id="rank1-pair-one-number"),
]

# Non-negative targets and predictions (MSLE, Poisson, MAPE), with zeros.
NON_NEGATIVE = [
    pytest.param(_rng(10).poisson(3.0, size=(4, 3)).astype(float), _rng(11).gamma(2.0, size=(4, 3)), id="counts"),
    pytest.param(_rng(12).gamma(2.0, size=(2, 3, 4)), _rng(13).gamma(2.0, size=(2, 3, 4)), id="3d"),
    pytest.param(np.array([[0.0, 0.0, 5.0]]), np.array([[0.0, 2.0, 5.0]]), id="zeros"),
    pytest.param(np.array([[1e3, 2.0]]), np.array([[1.0, 1e3]]), id="wide-range"),
]

# MAPE also takes negative targets (it divides by |y_true|), and targets near 0.
MAPE_ONLY = [
    pytest.param(np.array([[-2.0, 3.0], [1e-9, 0.0]]), np.array([[1.0, 2.5], [0.5, 0.1]]), id="near-zero-targets"),
]

# MSLE clips negative predictions to 1e-7 (gradient 0 there).
MSLE_ONLY = [
    pytest.param(np.array([[1.0, 2.0, 0.0]]), np.array([[-0.5, 3.0, -2.0]]), id="negative-predictions"),
]

_binary_labels = _rng(20).integers(0, 2, size=(5, 4)).astype(float)

BINARY_PROBABILITIES = [
    pytest.param(_binary_labels, _rng(21).uniform(0.01, 0.99, size=(5, 4)), id="2d"),
    pytest.param(
        _rng(22).integers(0, 2, size=(2, 3, 4)).astype(float),
        _rng(23).uniform(0.01, 0.99, size=(2, 3, 4)),
        id="3d",
    ),
    pytest.param(np.array([[1.0, 0.0, 1.0, 0.0]]), np.array([[1.0, 0.0, 0.0, 1.0]]), id="exact-0-and-1-clipped"),
    pytest.param(np.array([[1.0, 0.0]]), np.array([[0.99999995, 5e-8]]), id="inside-the-clip-band"),
    pytest.param(_rng(24).uniform(size=(3, 2)), _rng(25).uniform(0.05, 0.95, size=(3, 2)), id="soft-labels"),
    pytest.param(
        _rng(26).integers(0, 2, size=6).astype(float), _rng(27).uniform(0.1, 0.9, size=(6, 1)), id="rank1-vs-column"
    ),
]

BINARY_LOGITS = [
    pytest.param(_binary_labels, _rng(30).normal(scale=3.0, size=(5, 4)), id="2d"),
    pytest.param(_rng(31).integers(0, 2, size=(2, 3, 4)).astype(float), _rng(32).normal(size=(2, 3, 4)), id="3d"),
    pytest.param(np.array([[1.0, 0.0, 1.0, 0.0]]), np.array([[100.0, -100.0, -100.0, 100.0]]), id="logits-100"),
    pytest.param(np.array([[0.3, 0.8, 0.5]]), np.array([[0.0, -2.0, 40.0]]), id="soft-labels"),
]

_class_labels = _rng(40).integers(0, 4, size=6)

CATEGORICAL_PROBABILITIES = [
    pytest.param(_one_hot(_class_labels, 4), _softmax(_rng(41).normal(size=(6, 4))), id="2d"),
    pytest.param(_one_hot(_rng(42).integers(0, 3, size=(2, 5)), 3), _softmax(_rng(43).normal(size=(2, 5, 3))), id="3d"),
    pytest.param(_one_hot(_class_labels, 4), _rng(44).uniform(0.1, 1.0, size=(6, 4)), id="rows-not-normalized"),
    pytest.param(
        np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]),
        np.array([[0.0, 1.0, 0.0], [0.0, 0.5, 0.5]]),
        id="exact-0-and-1-clipped",
    ),
    pytest.param(_softmax(_rng(45).normal(size=(3, 5))), _softmax(_rng(46).normal(size=(3, 5))), id="soft-labels"),
]

CATEGORICAL_LOGITS = [
    pytest.param(_one_hot(_class_labels, 4), _rng(50).normal(scale=2.0, size=(6, 4)), id="2d"),
    pytest.param(_one_hot(_rng(51).integers(0, 3, size=(2, 5)), 3), _rng(52).normal(size=(2, 5, 3)), id="3d"),
    pytest.param(
        np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]),
        np.array([[-100.0, 100.0, 0.0], [-100.0, 100.0, 0.0]]),
        id="logits-100",
    ),
    pytest.param(_softmax(_rng(53).normal(size=(3, 5))), _rng(54).normal(size=(3, 5)), id="soft-labels"),
]

# Integer labels (as floats, the way Loss.__call__ casts them).
SPARSE_PROBABILITIES = [
    pytest.param(_class_labels.astype(float), _softmax(_rng(60).normal(size=(6, 4))), id="2d"),
    pytest.param(
        _rng(61).integers(0, 3, size=(2, 5)).astype(float), _softmax(_rng(62).normal(size=(2, 5, 3))), id="3d"
    ),
    pytest.param(_class_labels[:, np.newaxis].astype(float), _softmax(_rng(63).normal(size=(6, 4))), id="labels-b1"),
    pytest.param(np.array([1.0, 0.0]), np.array([[0.0, 1.0, 0.0], [0.2, 0.5, 0.6]]), id="clipped-and-not-normalized"),
]

SPARSE_LOGITS = [
    pytest.param(_class_labels.astype(float), _rng(64).normal(scale=2.0, size=(6, 4)), id="2d"),
    pytest.param(_rng(65).integers(0, 3, size=(2, 5)).astype(float), _rng(66).normal(size=(2, 5, 3)), id="3d"),
    pytest.param(np.array([1.0, 0.0]), np.array([[-100.0, 100.0, 0.0], [-100.0, 100.0, 0.0]]), id="logits-100"),
]

# Labels of -1 are ignored (loss 0, gradient 0) with ignore_class=-1.
SPARSE_IGNORED = [
    pytest.param(
        np.array([1.0, -1.0, 3.0, -1.0]), _softmax(_rng(67).normal(size=(4, 4))), id="probabilities-ignore-minus-1"
    ),
    pytest.param(
        np.array([[0.0, -1.0, 2.0], [-1.0, 1.0, 1.0]]), _rng(68).normal(size=(2, 3, 3)), id="3d-ignore-minus-1"
    ),
]

# Generalized cross-entropy: labels (B,) and probabilities (B, C) away from 0.
GENERALIZED = [
    pytest.param(_class_labels.astype(float), _softmax(_rng(70).normal(size=(6, 4))), id="2d"),
    pytest.param(np.array([0.0, 1.0]), np.array([[1.0, 0.0], [0.3, 0.7]]), id="certain"),
    pytest.param(
        _rng(71).integers(0, 3, size=(2, 5)).astype(float), _softmax(_rng(72).normal(size=(2, 5, 3))), id="3d"
    ),
]

HINGE = [
    pytest.param(2.0 * _binary_labels - 1.0, _rng(80).normal(size=(5, 4)), id="labels-pm1"),
    pytest.param(_binary_labels, _rng(81).normal(size=(5, 4)), id="labels-01-converted"),
    pytest.param(np.array([[1.0, -1.0, 0.0]]), np.array([[0.2, 0.3, 0.4]]), id="mixed-labels-not-converted"),
    pytest.param(np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([[1.0, -1.0], [-0.5, 2.0]]), id="margin-exactly-0"),
    pytest.param(_rng(82).integers(0, 2, size=(2, 3, 4)).astype(float), _rng(83).normal(size=(2, 3, 4)), id="3d"),
]

CATEGORICAL_HINGE = [
    pytest.param(_one_hot(_class_labels, 4), _rng(84).normal(size=(6, 4)), id="2d"),
    pytest.param(_one_hot(_rng(85).integers(0, 3, size=(2, 5)), 3), _rng(86).normal(size=(2, 5, 3)), id="3d"),
    pytest.param(np.array([[0.0, 1.0, 0.0]]), np.array([[0.5, 0.2, 0.5]]), id="tied-negatives"),
    pytest.param(np.array([[0.0, 1.0, 0.0]]), np.array([[0.0, 2.0, 1.0]]), id="margin-exactly-0"),
]

DISTRIBUTIONS = [
    pytest.param(_softmax(_rng(90).normal(size=(4, 3))), _softmax(_rng(91).normal(size=(4, 3))), id="2d"),
    pytest.param(_one_hot(_class_labels, 4), _softmax(_rng(92).normal(size=(6, 4))), id="one-hot-targets"),
    pytest.param(np.array([[0.5, 0.5, 0.0]]), np.array([[0.0, 0.4, 0.6]]), id="zeros-clipped"),
    pytest.param(_softmax(_rng(93).normal(size=(2, 3, 4))), _softmax(_rng(94).normal(size=(2, 3, 4))), id="3d"),
]

COSINE = REGRESSION[:5] + [
    pytest.param(np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [3.0, 4.0]]), id="zero-vectors"),
    pytest.param(np.array([[1.0, 2.0]]), np.array([[1e-9, 2e-9]]), id="norm-below-eps"),
]

MASKS = [
    pytest.param(
        _rng(100).integers(0, 2, size=(3, 4, 4, 1)).astype(float),
        _rng(101).uniform(size=(3, 4, 4, 1)),
        id="images",
    ),
    pytest.param(_rng(102).integers(0, 2, size=(4, 5)).astype(float), _rng(103).uniform(size=(4, 5)), id="2d"),
    pytest.param(np.array([[1.0, 1.0, 0.0, 0.0]]), np.array([[1.0, 0.0, 1.0, 0.0]]), id="hard-masks"),
]

# CTC: labels padded with 0 (the blank), logits (B, T, C).
SEQUENCES = [
    pytest.param(np.array([[1.0, 2.0, 0.0], [3.0, 3.0, 1.0]]), _rng(110).normal(size=(2, 6, 4)), id="with-repeat"),
    pytest.param(np.array([[2.0, 1.0]]), _rng(111).normal(scale=3.0, size=(1, 3, 3)), id="tight"),
    pytest.param(np.array([[0.0, 0.0], [1.0, 0.0]]), _rng(112).normal(size=(2, 4, 2)), id="empty-label"),
]


def _unit_rows(values):
    return values / np.linalg.norm(values, axis=1, keepdims=True)


# Circle: labels and L2-normalised embeddings.
EMBEDDINGS = [
    pytest.param(np.array([0.0, 0.0, 1.0, 1.0, 2.0, 2.0]), _unit_rows(_rng(120).normal(size=(6, 3))), id="pairs"),
    pytest.param(np.array([1.0, 1.0, 1.0, 0.0, 0.0]), _unit_rows(_rng(121).normal(size=(5, 4))), id="unbalanced"),
    # Label 2 occurs once: that sample has no positive pair and a loss of 0.
    pytest.param(np.array([0.0, 0.0, 2.0]), _unit_rows(_rng(122).normal(size=(3, 3))), id="lonely-label"),
]
