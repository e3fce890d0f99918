"""Poisson, Kullback-Leibler and CTC losses of Keras 3 as NumPy twins."""

from __future__ import annotations

import warnings

import numpy as np

from lossviz._validation import as_float_array, fail, returns_like, warn_user
from lossviz.losses._common import (
    EPSILON,
    as_float_pair,
    clip_mask,
    float_dtype,
    log_softmax,
    logsumexp,
    paired_arrays,
    per_sample_mean_gradient,
    softmax,
    truncated_labels,
    warn_outside,
)
from lossviz.losses._registry import gradient_of, gradients_in, register_loss, registered_in


def _poisson_inputs(y_true, y_pred):
    y_true, y_pred = paired_arrays(y_true, y_pred)
    if np.any(y_pred + y_pred.dtype.type(EPSILON) <= 0.0):
        fail(
            "y_pred",
            "non-negative rates (Keras takes log(y_pred + 1e-7) and returns NaN or inf at or below -1e-7)",
            f"Received: min={float(y_pred.min()):.6g}",
        )
    warn_outside(
        y_pred, "y_pred", "non-negative rates",
        "Keras takes log(y_pred + 1e-7), finite just above -1e-7, and scores them as they are",
        high=np.inf,
    )  # fmt: skip
    warn_outside(
        y_true, "y_true", "non-negative counts",
        "Keras uses them as they are, so y_true * log(y_pred + 1e-7) turns a penalty into a reward",
        high=np.inf,
    )  # fmt: skip
    return y_true, y_pred


@returns_like(as_float_pair)
def check_poisson_inputs(y_true, y_pred):
    """Refuse rates at or below -1e-7 (Keras returns NaN or inf), bad shapes, NaN/inf,
    empty input; warn on negative counts or rates, which Keras scores. Return the pair
    as :func:`as_float_pair` converts it."""
    return _poisson_inputs(y_true, y_pred)


@register_loss()
def poisson(y_true, y_pred):
    """Poisson loss per sample: the negative log-likelihood of counts, up to a constant.

    ``loss = mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1)``

    The dropped constant ``log(y_true!)`` makes the loss negative for some inputs; its
    minimum over ``y_pred`` sits at ``y_pred = y_true``. Rates must be non-negative
    (use an ``exp`` or ``softplus`` output).

    Args:
        y_true: Non-negative counts, shape ``(B, d0, ..., dN)`` (negative ones are
            scored as they are, with a warning).
        y_pred: Non-negative predicted rates, same shape as ``y_true``.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On rates at or below -1e-7 (Keras's ``log(y_pred + 1e-7)`` is then
            NaN or -inf), shapes that do not align, NaN/inf or empty input.

    Warns:
        UserWarning: On negative counts, or rates in (-1e-7, 0), which Keras scores as
            they are.

    Example:
        >>> import numpy as np
        >>> np.round(poisson([[2.0, 0.0]], [[2.0, 1.0]]), 4)
        array([0.8069])

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    y_true, y_pred = check_poisson_inputs(y_true, y_pred)
    return np.asarray(np.mean(y_pred - y_true * np.log(y_pred + EPSILON), axis=-1))


@gradient_of(poisson)
def _poisson_gradient(y_true, y_pred):
    y_true, y_pred = _poisson_inputs(y_true, y_pred)
    return per_sample_mean_gradient(1.0 - y_true / (y_pred + EPSILON))


@returns_like(as_float_pair)
def check_distributions(y_true, y_pred):
    """Refuse bad shapes, NaN/inf or empty input; warn on values outside [0, 1], which Keras
    clips. Return the pair as :func:`as_float_pair` converts it."""
    y_true, y_pred = paired_arrays(y_true, y_pred)
    for values, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        warn_outside(
            values, name, "a probability distribution, values in [0, 1]",
            "Keras clips them to [1e-7, 1] (a value above 1 counts as 1, below 0 as 1e-7)",
        )  # fmt: skip
    return y_true, y_pred


def _kl_inputs(y_true, y_pred):
    y_true, y_pred = check_distributions(y_true, y_pred)
    return np.clip(y_true, EPSILON, 1.0), y_pred


@register_loss(aliases=("kld",))
def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence per sample, ``KL(y_true || y_pred)``.

    ``loss = sum(t * log(t / p), axis=-1)`` with ``t = clip(y_true, 1e-7, 1)`` and
    ``p = clip(y_pred, 1e-7, 1)``.

    Because zeros are clipped to ``1e-7`` (not dropped), a class with ``y_true = 0``
    still contributes ``1e-7 * log(1e-7 / p)``, a tiny non-zero amount.

    Args:
        y_true: Target distributions, values in [0, 1] (clipped to ``[1e-7, 1]``),
            shape ``(B, d0, ..., C)``.
        y_pred: Predicted distributions, values in [0, 1] (clipped the same way), same shape.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On shapes that do not align, NaN/inf or empty input.

    Warns:
        UserWarning: On values outside [0, 1], which Keras clips to ``[1e-7, 1]`` (so
            does the twin, returning Keras's number).

    Example:
        >>> import numpy as np
        >>> np.round(kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]), 4)
        array([0.1438])

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    y_true, y_pred = check_distributions(y_true, y_pred)
    y_true, y_pred = np.clip(y_true, EPSILON, 1.0), np.clip(y_pred, EPSILON, 1.0)
    return np.asarray(np.sum(y_true * np.log(y_true / y_pred), axis=-1))


@gradient_of(kl_divergence)
def _kl_divergence_gradient(y_true, y_pred):
    clipped_true, y_pred = _kl_inputs(y_true, y_pred)
    clipped_pred = np.clip(y_pred, EPSILON, 1.0)
    return np.where(clip_mask(y_pred, EPSILON, 1.0), -clipped_true / clipped_pred, 0.0)


# Connectionist temporal classification.

BLANK = 0


def _ctc_inputs(y_true, y_pred):
    """Validate CTC inputs and return the label sequences without their padding."""
    labels = as_float_array(y_true, "y_true")
    logits = as_float_array(y_pred, "y_pred")  # float64: the recursion needs the digits
    if labels.ndim != 2:
        fail("y_true", "integer labels of shape (batch_size, max_length)", f"Received: y_true.shape={labels.shape}")
    if logits.ndim != 3:
        fail(
            "y_pred",
            "logits of shape (batch_size, time_steps, num_classes)",
            f"Received: y_pred.shape={logits.shape}",
        )
    if labels.shape[0] != logits.shape[0]:
        fail("y_pred", f"the batch size of `y_true` ({labels.shape[0]})", f"Received: {logits.shape[0]}")
    batch_size, time_steps, num_classes = logits.shape
    labels = truncated_labels(labels, "y_true").astype(np.int64)
    outside = (labels < 0) | (labels >= num_classes)
    if outside.any():
        warn_user(
            f"y_true: expected class labels in [1, {num_classes - 1}] for {num_classes} classes (0 is the blank); "
            f"got {int(labels[outside][0])}. Keras one-hot encodes such a label as a row of zeros, so every step "
            "emits it with log-probability 0 (probability 1) and the loss can turn negative; this twin returns "
            "the same number."
        )
    sequences = []
    for row in labels:
        length = int(np.count_nonzero(row != BLANK))
        # Keras takes the first `length` entries: a 0 inside the sequence is read as a
        # label (of the blank's class) and the last labels are dropped.
        sequence = row[:length]
        if np.any(sequence == BLANK):
            warnings.warn(
                f"ctc: a row of `y_true` has a 0 (the blank/padding) inside its labels: {row.tolist()}. "
                f"Keras counts its {length} non-zero labels and reads the first {length} entries, "
                f"{sequence.tolist()}, scoring 0 as a label and dropping the rest; so does this twin.",
                UserWarning,
                stacklevel=3,
            )
        repeats = int(np.sum(sequence[1:] == sequence[:-1]))
        if length + repeats > time_steps:
            fail(
                "y_pred",
                f"at least {length + repeats} time steps to emit the labels {sequence.tolist()} "
                "(one per label plus one blank between repeated labels); Keras returns a finite stand-in "
                "for an infinite loss there (about 710 on TensorFlow, 1e5 on JAX)",
                f"Received: {time_steps} time steps",
            )
        sequences.append(sequence)
    return sequences, logits


def _extended_with_blanks(sequence):
    """``[a, b]`` -> ``[blank, a, blank, b, blank]``, and where a jump over a blank is allowed."""
    extended = np.full(2 * len(sequence) + 1, BLANK, dtype=np.int64)
    extended[1::2] = sequence
    can_skip = np.zeros(len(extended), dtype=bool)
    # A label state may be reached from two states back unless it repeats that label;
    # a blank state never (its neighbour two back is a blank too). A label 0 inside a
    # sequence (see ctc) is a label state here, as in TensorFlow's ctc_loss.
    can_skip[2:] = extended[2:] != extended[:-2]
    return extended, can_skip


def _state_log_probs(log_probs, extended):
    """log p of each state's symbol at every step, shape (T, S). Keras one-hot encodes the
    labels, so a label outside [0, C) matches no class: its log-probability is 0."""
    inside = (extended >= 0) & (extended < log_probs.shape[-1])
    return np.where(inside, log_probs[:, np.where(inside, extended, BLANK)], 0.0)


def _ctc_forward(log_probs, extended, can_skip):
    """log alpha[t, s]: log-probability of all prefixes that emit ``extended[:s+1]`` by time t."""
    time_steps, length = log_probs.shape[0], len(extended)
    log_alpha = np.full((time_steps, length), -np.inf)
    emission = _state_log_probs(log_probs, extended)
    log_alpha[0, : min(2, length)] = emission[0, : min(2, length)]
    for t in range(1, time_steps):
        previous = log_alpha[t - 1]
        step, skip = np.full(length, -np.inf), np.full(length, -np.inf)
        step[1:] = previous[:-1]
        skip[2:] = previous[:-2]
        skip = np.where(can_skip, skip, -np.inf)
        log_alpha[t] = logsumexp(np.stack([previous, step, skip]), axis=0) + emission[t]
    return log_alpha


def _ctc_backward(log_probs, extended, can_skip):
    """log beta[t, s]: log-probability of all suffixes from state s at time t (emission at t included)."""
    time_steps, length = log_probs.shape[0], len(extended)
    log_beta = np.full((time_steps, length), -np.inf)
    emission = _state_log_probs(log_probs, extended)
    log_beta[-1, max(length - 2, 0) :] = emission[-1, max(length - 2, 0) :]
    # A jump from s to s + 2 is allowed when state s + 2 may be reached by skipping.
    skip_from = np.zeros(length, dtype=bool)
    skip_from[:-2] = can_skip[2:]
    for t in range(time_steps - 2, -1, -1):
        following = log_beta[t + 1]
        step, skip = np.full(length, -np.inf), np.full(length, -np.inf)
        step[:-1] = following[1:]
        skip[:-2] = following[2:]
        skip = np.where(skip_from, skip, -np.inf)
        log_beta[t] = logsumexp(np.stack([following, step, skip]), axis=0) + emission[t]
    return log_beta


def _ctc_log_likelihood(log_alpha):
    return logsumexp(log_alpha[-1, -2:], axis=0)


def check_ctc_inputs(y_true, y_pred):
    """Refuse bad ranks, labels or too few time steps; warn on a 0 inside a label row."""
    _ctc_inputs(y_true, y_pred)


@register_loss()
def ctc(y_true, y_pred):
    """Connectionist temporal classification loss per sample (Graves et al., 2006).

    ``loss = -log sum over alignments a of prod_t softmax(y_pred)[t, a_t]``, where the
    alignments are the length-T paths that collapse (merge repeats, drop blanks) to the
    label sequence. Computed with the forward algorithm in log space: with the labels
    interleaved with blanks, ``l' = [0, l1, 0, l2, ..., 0]``::

        alpha[t, s] = logsumexp(alpha[t-1, s], alpha[t-1, s-1], alpha[t-1, s-2]*)
                      + log_softmax(y_pred)[t, l'_s]
        loss = -logsumexp(alpha[T-1, -1], alpha[T-1, -2])

    (* only when ``l'_s`` is not blank and differs from ``l'_{s-2}``).

    Keras casts float64 logits to float32 for ``tf.nn.ctc_loss``; this twin runs the
    recursion in float64 (and returns the input's float dtype), so the two agree to
    about 1e-6 relative.

    Args:
        y_true: Integer labels in [1, C), shape ``(B, L)``, padded at the end with 0
            (0 is the blank). As in Keras, the label length is the number of non-zero
            entries, read from the start of the row: a 0 inside the row is scored as a
            label and the last labels are lost (with a warning).
        y_pred: Logits (not softmax outputs), shape ``(B, T, C)``.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B,)``.

    Raises:
        ValueError: On wrong ranks, too few time steps for a label sequence (Keras
            returns a backend-dependent stand-in for infinity), NaN/inf or empty input.

    Warns:
        UserWarning: On a 0 inside a label row, which Keras reads as described above;
            on labels outside [0, C), which Keras emits with log-probability 0; on
            non-integer labels, which Keras truncates toward zero.

    Example:
        >>> import numpy as np
        >>> # Uniform logits over 2 classes and 2 steps: 3 of the 4 paths read "1".
        >>> loss = ctc([[1]], np.zeros((1, 2, 2)))
        >>> np.round(loss, 6), np.round(-np.log(3 / 4), 6)
        (array([0.287682]), np.float64(0.287682))

    Taught in: notebooks/09_other_probabilistic_losses.ipynb
    """
    check_ctc_inputs(y_true, y_pred)
    labels = np.asarray(y_true).astype(np.int64)
    logits = np.asarray(y_pred, dtype=np.float64)  # the recursion needs the digits
    log_probs = logits - logsumexp(logits, axis=-1, keepdims=True)  # log_softmax
    losses = []
    for sample_log_probs, row in zip(log_probs, labels):
        # Keras's label length: the number of non-zero entries, read from the start.
        sequence = row[: np.count_nonzero(row)]
        log_alpha = _ctc_forward(sample_log_probs, *_extended_with_blanks(sequence))
        losses.append(-logsumexp(log_alpha[-1, -2:], axis=0))
    return np.asarray(losses, dtype=float_dtype(y_pred))


@gradient_of(ctc)
def _ctc_gradient(y_true, y_pred):
    sequences, logits = _ctc_inputs(y_true, y_pred)
    log_probs = log_softmax(logits, -1)
    gradient = softmax(logits, -1)
    for index, sequence in enumerate(sequences):
        extended, can_skip = _extended_with_blanks(sequence)
        log_alpha = _ctc_forward(log_probs[index], extended, can_skip)
        log_beta = _ctc_backward(log_probs[index], extended, can_skip)
        # Posterior of being in state s at time t; both alpha and beta include the
        # emission at t, so it is divided out once.
        emission = _state_log_probs(log_probs[index], extended)
        log_occupancy = log_alpha + log_beta - emission - _ctc_log_likelihood(log_alpha)
        occupancy = np.exp(log_occupancy)
        # d(-log p) / d logit[t, k] = softmax[t, k] * (occupancy of states with a class)
        # - occupancy of states labelled k; a label outside [0, C) has a constant emission.
        has_class = (extended >= 0) & (extended < logits.shape[-1])
        gradient[index] *= np.sum(occupancy[:, has_class], axis=1, keepdims=True)
        for state, symbol in enumerate(extended):
            if has_class[state]:
                gradient[index, :, symbol] -= occupancy[:, state]
    return gradient


__all__ = registered_in(__name__)
GRADIENTS = gradients_in(__name__)
