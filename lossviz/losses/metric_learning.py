"""Circle loss (Sun et al., 2020) of Keras 3 as a NumPy twin: metric learning on embeddings."""

from __future__ import annotations

import numpy as np

from lossviz._validation import check_interval, fail
from lossviz.losses._common import as_batch_array, check_gamma, logsumexp, sigmoid, truncated_labels
from lossviz.losses._registry import gradient_of, gradients_in, register_loss, registered_in


def _labels(values, name):
    labels = as_batch_array(values, name)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        fail(name, "integer labels of shape (batch_size,) or (batch_size, 1)", f"Received: {name}.shape={labels.shape}")
    return truncated_labels(labels, name).astype(np.int64)  # Keras casts them to int32


def _circle_inputs(y_true, y_pred, ref_labels, ref_embeddings, gamma, margin):
    gamma = check_gamma(
        gamma, "Keras scales the logits by it as it is, so a negative gamma rewards the pairs it should punish"
    )
    margin = check_interval(margin, "margin")
    labels = _labels(y_true, "y_true")
    embeddings = as_batch_array(y_pred, "y_pred")
    if embeddings.ndim != 2 or embeddings.shape[0] != labels.shape[0]:
        fail(
            "y_pred",
            f"embeddings of shape ({labels.shape[0]}, embedding_dim), one row per label",
            f"Received: y_pred.shape={embeddings.shape}",
        )
    references = embeddings if ref_embeddings is None else as_batch_array(ref_embeddings, "ref_embeddings")
    reference_labels = labels if ref_labels is None else _labels(ref_labels, "ref_labels")
    if references.ndim != 2 or references.shape[1] != embeddings.shape[1]:
        fail(
            "ref_embeddings",
            f"embeddings of shape (n_references, {embeddings.shape[1]})",
            f"Received: ref_embeddings.shape={references.shape}",
        )
    if reference_labels.shape[0] != references.shape[0]:
        fail(
            "ref_labels",
            f"one label per reference embedding ({references.shape[0]})",
            f"Received: {reference_labels.shape[0]} labels",
        )
    return labels, embeddings, reference_labels, references, gamma, margin


def _pair_masks(labels, reference_labels, remove_diagonal):
    positive = labels[:, np.newaxis] == reference_labels[np.newaxis, :]
    negative = ~positive
    if remove_diagonal:
        positive &= ~np.eye(len(labels), len(reference_labels), dtype=bool)
    return positive, negative


def _circle_terms(y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma, margin):
    labels, embeddings, reference_labels, references, gamma, margin = _circle_inputs(
        y_true, y_pred, ref_labels, ref_embeddings, gamma, margin
    )
    positive, negative = _pair_masks(labels, reference_labels, remove_diagonal)
    similarity = embeddings @ references.T
    distance = np.maximum(1.0 - similarity, 0.0)
    # Optimum for positives: distance 0 - margin; for negatives: 1 + margin. Pairs far
    # from their optimum get a larger weight (the "circle" decision boundary).
    positive_weight = np.maximum((margin + distance) * positive, 0.0)
    negative_weight = np.maximum((1.0 + margin - distance) * negative, 0.0)
    positive_logits = -gamma * positive_weight * (margin - distance)
    negative_logits = gamma * negative_weight * ((1.0 - margin) - distance)
    return {
        "embeddings": embeddings,
        "references": references,
        "gamma": gamma,
        "margin": margin,
        "positive": positive,
        "negative": negative,
        "similarity": similarity,
        "distance": distance,
        "positive_weight": positive_weight,
        "negative_weight": negative_weight,
        "positive_logits": np.where(positive, positive_logits, -np.inf),
        "negative_logits": np.where(negative, negative_logits, -np.inf),
    }


def check_circle_inputs(y_true, y_pred, ref_labels, ref_embeddings, gamma, margin):
    """Refuse mismatched shapes, NaN/inf or empty input; warn on non-integer labels or ``gamma < 0``."""
    _circle_inputs(y_true, y_pred, ref_labels, ref_embeddings, gamma, margin)


@register_loss()
def circle(
    y_true,
    y_pred,
    *,
    ref_labels=None,
    ref_embeddings=None,
    remove_diagonal=True,
    gamma=80,
    margin=0.4,
):
    """Circle loss per sample: pull same-label embeddings together, push others apart.

    With cosine distances ``d = max(1 - y_pred @ ref_embeddings.T, 0)`` and ``m = margin``::

        positives j (same label):  a_j = -gamma * max(m + d_j, 0) * (m - d_j)
        negatives j (other label): b_j =  gamma * max(1 + m - d_j, 0) * (1 - m - d_j)
        loss = softplus(logsumexp_j a_j + logsumexp_j b_j)

    A sample without any positive (or any negative) pair gets a loss of 0. Embeddings
    should be L2-normalised (e.g. a ``UnitNormalization`` layer); this is not checked,
    as in Keras. Keras also attaches a mask ``loss > 0`` used by its mean reduction.

    Args:
        y_true: Integer labels, shape ``(B,)`` or ``(B, 1)``.
        y_pred: Embeddings, shape ``(B, D)``.
        ref_labels: Labels of the reference embeddings, shape ``(R,)``; defaults to
            ``y_true``.
        ref_embeddings: Reference embeddings, shape ``(R, D)``; defaults to ``y_pred``.
        remove_diagonal: Whether a sample is not its own positive. Defaults to True.
        gamma: Scale >= 0 of the similarity logits. Defaults to 80.
        margin: Relaxation margin. Defaults to 0.4.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B,)``.

    Raises:
        ValueError: On mismatched shapes, NaN/inf or empty input.

    Warns:
        UserWarning: On ``gamma < 0`` and on non-integer labels (Keras casts them to
            integers, truncating toward zero), which Keras accepts.

    Example:
        >>> import numpy as np
        >>> embeddings = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
        >>> np.round(circle([0, 0, 1, 1], embeddings, gamma=1.0), 4)  # perfectly separated
        array([0.897, 0.897, 0.897, 0.897])
        >>> np.round(circle([0, 0, 1, 1], embeddings, gamma=80.0), 4)  # the default scale
        array([0., 0., 0., 0.])

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    check_circle_inputs(y_true, y_pred, ref_labels, ref_embeddings, gamma, margin)
    embeddings = np.asarray(y_pred)
    embeddings = embeddings if np.issubdtype(embeddings.dtype, np.floating) else embeddings.astype(np.float32)
    labels = np.asarray(y_true).astype(np.int64).reshape(-1)
    references = embeddings if ref_embeddings is None else np.asarray(ref_embeddings, dtype=embeddings.dtype)
    reference_labels = labels if ref_labels is None else np.asarray(ref_labels).astype(np.int64).reshape(-1)
    positive = labels[:, np.newaxis] == reference_labels[np.newaxis, :]
    negative = ~positive
    if remove_diagonal:
        positive &= ~np.eye(len(labels), len(reference_labels), dtype=bool)
    distance = np.maximum(1.0 - embeddings @ references.T, 0.0)
    # Optimum for positives: distance -margin; for negatives: 1 + margin. Pairs far from
    # their optimum weigh more (the "circle" decision boundary).
    positive_logits = -gamma * np.maximum(margin + distance, 0.0) * (margin - distance)
    negative_logits = gamma * np.maximum(1.0 + margin - distance, 0.0) * (1.0 - margin - distance)
    positive_part = logsumexp(np.where(positive, positive_logits, -np.inf), axis=1)
    negative_part = logsumexp(np.where(negative, negative_logits, -np.inf), axis=1)
    return np.asarray(np.logaddexp(0.0, positive_part + negative_part))  # softplus


@gradient_of(circle)
def _circle_gradient(
    y_true,
    y_pred,
    *,
    ref_labels=None,
    ref_embeddings=None,
    remove_diagonal=True,
    gamma=80,
    margin=0.4,
):
    terms = _circle_terms(y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma, margin)
    gamma, margin, distance = terms["gamma"], terms["margin"], terms["distance"]
    positive, negative = terms["positive"], terms["negative"]
    positive_logits, negative_logits = terms["positive_logits"], terms["negative_logits"]
    positive_part = logsumexp(positive_logits, axis=1, keepdims=True)
    negative_part = logsumexp(negative_logits, axis=1, keepdims=True)
    # dL/d(positive_part) = dL/d(negative_part) = sigmoid(positive_part + negative_part).
    outer = sigmoid(positive_part + negative_part)
    with np.errstate(invalid="ignore"):
        positive_share = np.where(positive, np.exp(positive_logits - positive_part), 0.0)
        negative_share = np.where(negative, np.exp(negative_logits - negative_part), 0.0)
    # Chain through max(.., 0) weights (TensorFlow passes the gradient on a tie).
    d_positive = -gamma * ((margin + distance >= 0.0) * (margin - distance) - terms["positive_weight"])
    d_negative = -gamma * ((1.0 + margin - distance >= 0.0) * (1.0 - margin - distance) + terms["negative_weight"])
    d_distance = outer * (positive_share * d_positive + negative_share * d_negative)
    d_similarity = np.where(1.0 - terms["similarity"] >= 0.0, -d_distance, 0.0)
    gradient = d_similarity @ terms["references"]
    if ref_embeddings is None:
        # The batch is its own reference set: y_pred also sits on the right of the product.
        gradient = gradient + d_similarity.T @ terms["embeddings"]
    return gradient


__all__ = registered_in(__name__)
GRADIENTS = gradients_in(__name__)
