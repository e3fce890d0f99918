"""Every loss of :mod:`lossviz.losses` written with ``keras.ops``: losses to copy, train and edit.

The NumPy twins explain what Keras computes; they cannot be trained (no gradient, no
compiled graph). The functions here are the same losses built from ``keras.ops`` only
(no TensorFlow-only call), so that ``model.compile(loss=huber)`` trains with them on the
TensorFlow and JAX backends, and a reader can change a line (a per-class ``alpha``, a
different clip) and train the changed loss. ``lossviz.standalone_source(name,
flavor="keras")`` hands out each one as a block that runs by itself.

Conventions, those of Keras's function form:

- ``y_pred`` is converted to a tensor and ``y_true`` cast to its dtype, so float32 in
  gives Keras's float32 result (its clipping included) and float64 gives float64;
  integer predictions are computed in float32, as Keras's loss classes do.
- Where one side has an extra trailing axis of size 1, ranks are aligned as Keras's loss
  classes align them (:func:`align_ranks`), so ``(B,)`` targets meet ``(B, 1)`` outputs
  sample by sample.
- Each returns per-sample values; ``compile`` or a ``keras.losses.Loss`` reduces them.

Out of scope: on TensorFlow, Keras's built-in crossentropies read the logits a sigmoid
or softmax layer stored on its output and score those, even with ``from_logits=False``;
these functions clip the probabilities they are given, as Keras does on JAX. Use
``from_logits=True`` with a linear last layer to get the stable path everywhere.

Where Keras's built-ins differ between backends, these follow TensorFlow's: with
``from_logits=True`` the binary focal loss scores the logits (Keras on JAX clips
``sigmoid(logits)``), and the sparse crossentropy of probabilities clips before it
renormalises (Keras on JAX renormalises first). Measured on JAX (jax 0.10.2, float32):
337 of the 344 value-and-gradient comparisons of ``tests/test_keras_reference.py`` hold;
the 7 others are those two differences.

Each function is tested against the Keras built-in (values and gradients) in
``tests/test_keras_reference.py``. Taught in: notebooks/03_custom_losses.ipynb
"""

from __future__ import annotations

from lossviz._validation import import_keras

import_keras()  # chooses the default backend before Keras is imported

import keras  # noqa: E402
from keras import ops  # noqa: E402

#: ``keras.backend.epsilon()``: the clipping constant of every Keras loss.
EPSILON = 1e-7


def align_ranks(y_true, y_pred):
    """Keras's ``squeeze_or_expand_to_same_rank``: fix ranks that differ by exactly one.

    A trailing axis of size 1 on the longer side is dropped, except that a rank-1
    partner gets the axis instead, so ``(B,)`` against ``(B, 1)`` is ``(B, 1)`` twice.
    """
    true_rank, pred_rank = len(y_true.shape), len(y_pred.shape)
    if true_rank == pred_rank + 1 and y_true.shape[-1] == 1:
        if pred_rank == 1:
            return y_true, ops.expand_dims(y_pred, -1)
        return ops.squeeze(y_true, -1), y_pred
    if pred_rank == true_rank + 1 and y_pred.shape[-1] == 1:
        if true_rank == 1:
            return ops.expand_dims(y_true, -1), y_pred
        return y_true, ops.squeeze(y_pred, -1)
    return y_true, y_pred


def as_tensors(y_true, y_pred):
    """``y_pred`` as a float tensor (float32 unless it already is float), ``y_true`` cast to it."""
    y_pred = ops.convert_to_tensor(y_pred)
    if not keras.backend.is_float_dtype(y_pred.dtype):
        y_pred = ops.cast(y_pred, "float32")
    return align_ranks(ops.cast(y_true, y_pred.dtype), y_pred)


# Regression.


def mean_squared_error(y_true, y_pred):
    """``loss = mean((y_pred - y_true) ** 2, axis=-1)``; shape ``(B, d0, ..., dN-1)``."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """``loss = mean(abs(y_true - y_pred), axis=-1)``.

    Written ``y_true - y_pred`` as in Keras: on JAX the slope of ``abs`` at exactly 0 is
    1, so the order decides the gradient's sign for a perfect prediction.
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``loss = 100 * mean(abs(y_true - y_pred) / max(abs(y_true), 1e-7), axis=-1)``."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    return 100.0 * ops.mean(ops.abs(y_true - y_pred) / ops.maximum(ops.abs(y_true), EPSILON), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """``loss = mean((log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1)) ** 2, axis=-1)``.

    Negative values on either side are clipped to 1e-7, as in Keras.
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    log_difference = ops.log(ops.maximum(y_pred, EPSILON) + 1.0) - ops.log(ops.maximum(y_true, EPSILON) + 1.0)
    return ops.mean(ops.square(log_difference), axis=-1)


def huber(y_true, y_pred, *, delta=1.0):
    """``h(x) = 0.5 x**2 if |x| <= delta else delta |x| - 0.5 delta**2``, ``x = y_pred - y_true``;
    ``loss = mean(h(x), axis=-1)``."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    error = y_pred - y_true
    quadratic = 0.5 * ops.square(error)
    linear = delta * ops.abs(error) - 0.5 * delta**2
    return ops.mean(ops.where(ops.abs(error) <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """``loss = mean(log(cosh(x)), axis=-1)``, ``x = y_pred - y_true``, as
    ``x + softplus(-2 x) - log 2`` so that large residuals do not overflow ``cosh``."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    error = y_pred - y_true
    # log(2) rounded to float32 first, as Keras does (its float64 result is off by 1.9e-9).
    log_2 = ops.cast(ops.log(2.0), y_pred.dtype)
    return ops.mean(error + ops.softplus(-2.0 * error) - log_2, axis=-1)


def l2_normalize(values, axis):
    """``x * min(1 / sqrt(sum(x**2)), 1 / 1e-7)`` along ``axis``: a zero vector stays 0."""
    inverse_norm = ops.rsqrt(ops.sum(ops.square(values), axis=axis, keepdims=True))
    return values * ops.minimum(inverse_norm, 1.0 / EPSILON)


def cosine_similarity(y_true, y_pred, *, axis=-1):
    """``loss = -sum(y_true / ||y_true|| * y_pred / ||y_pred||, axis=axis)``, in [-1, 1]."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    return -ops.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)


def pseudo_huber(y_true, y_pred, *, delta=1.0):
    """``h(x) = delta**2 (sqrt(1 + (x / delta)**2) - 1)``, ``loss = mean(h(x), axis=-1)``."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    scaled_squared = ops.square((y_pred - y_true) / delta)
    # sqrt(1 + z) - 1 == z / (sqrt(1 + z) + 1): no cancellation for tiny residuals.
    return ops.mean(delta**2 * scaled_squared / (ops.sqrt(1.0 + scaled_squared) + 1.0), axis=-1)


def general_robust(y_true, y_pred, *, alpha=1.0, scale=1.0):
    """Barron's general robust loss, ``z = ((y_pred - y_true) / scale)**2``::

        rho = |alpha - 2| / alpha * ((z / |alpha - 2| + 1) ** (alpha / 2) - 1)
        loss = mean(rho, axis=-1)

    with its limits ``z / 2`` (alpha = 2), ``log(z / 2 + 1)`` (alpha = 0) and
    ``1 - exp(-z / 2)`` (alpha = -inf). ``alpha`` is a Python number here; next to 0 and
    2 (within 1e-3) the textbook form loses digits in float32.
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    squared = ops.square((y_pred - y_true) / scale)
    if alpha == 2.0:
        rho = 0.5 * squared
    elif alpha == 0.0:
        rho = ops.log1p(0.5 * squared)
    elif alpha == float("-inf"):
        rho = -ops.expm1(-0.5 * squared)
    else:
        shift = abs(alpha - 2.0)
        # (1 + z / b) ** (alpha / 2) - 1 = expm1(alpha / 2 * log1p(z / b)): exact near z = 0.
        rho = shift / alpha * ops.expm1(0.5 * alpha * ops.log1p(squared / shift))
    return ops.mean(rho, axis=-1)


# Probabilistic and margin losses.


def poisson(y_true, y_pred):
    """``loss = mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1)``."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + EPSILON), axis=-1)


def kl_divergence(y_true, y_pred):
    """``loss = sum(t * log(t / p), axis=-1)``, ``t, p`` clipped to ``[1e-7, 1]``."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    y_true, y_pred = ops.clip(y_true, EPSILON, 1.0), ops.clip(y_pred, EPSILON, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def signed_labels(y_true):
    """0/1 labels become -1/+1, but only when every label is 0 or 1 (Keras's rule)."""
    all_binary = ops.all(ops.logical_or(ops.equal(y_true, 0.0), ops.equal(y_true, 1.0)))
    return ops.where(all_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """``loss = mean(max(1 - y_true * y_pred, 0), axis=-1)``, labels -1/+1 (0/1 mapped)."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    return ops.mean(ops.maximum(1.0 - signed_labels(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """``loss = mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)``, labels -1/+1 (0/1 mapped)."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    return ops.mean(ops.square(ops.maximum(1.0 - signed_labels(y_true) * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """``loss = max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` along the last axis."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    positive = ops.sum(y_true * y_pred, axis=-1)
    negative = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(negative - positive + 1.0, 0.0)


# Cross-entropies. Out of scope (TensorFlow only): the built-ins score the logits a
# sigmoid/softmax layer stored on its output; these clip the probabilities they get.


def binary_crossentropy(y_true, y_pred, *, from_logits=False, label_smoothing=0.0, axis=-1):
    """Targets smoothed to ``y (1 - ls) + ls / 2``; then, along ``axis``::

        probabilities: p = clip(y_pred, 1e-7, 1 - 1e-7)
                       loss = mean(-(y log p + (1 - y) log(1 - p)))
        logits x:      loss = mean(softplus(x) - x y)

    A probability from a sigmoid layer is clipped here, not read back as a logit (that
    TensorFlow-only shortcut of the built-in is out of scope).
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        return ops.mean(ops.softplus(y_pred) - y_pred * y_true, axis=axis)
    probability = ops.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return ops.mean(-(y_true * ops.log(probability) + (1.0 - y_true) * ops.log(1.0 - probability)), axis=axis)


def binary_focal_crossentropy(
    y_true, y_pred, *, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """``p = sigmoid(y_pred)`` for logits, ``p_t = y p + (1 - y)(1 - p)``::

        loss = mean(w * (1 - p_t) ** gamma * bce(y, p), axis=axis)

    with ``bce`` the binary cross-entropy of each element, clipped to ``[eps, 1 - eps]``
    and ``w = y alpha + (1 - y)(1 - alpha)`` only when ``apply_class_balancing`` (else 1).
    For logits Keras applies the sigmoid and hands the result to the probability
    crossentropy, and so does this block: on TensorFlow that op reads the sigmoid's stored
    logits (``softplus(x) - x y``, no clipping), on JAX it clips ``p``. Beyond ``|x| > 16``
    the backends differ (notebook 02, "What differs across backends").
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        probability = ops.sigmoid(y_pred)
        bce = ops.binary_crossentropy(y_true, probability)  # the op Keras calls, so the backend decides
    else:
        probability = y_pred
        clipped = ops.clip(probability, EPSILON, 1.0 - EPSILON)
        bce = -(y_true * ops.log(clipped) + (1.0 - y_true) * ops.log(1.0 - clipped))
    p_t = y_true * probability + (1.0 - y_true) * (1.0 - probability)
    focal = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return ops.mean(focal, axis=axis)


def categorical_crossentropy(y_true, y_pred, *, from_logits=False, label_smoothing=0.0, axis=-1):
    """Targets smoothed to ``y (1 - ls) + ls / C`` (Keras counts C on the LAST axis)::

        probabilities: p = clip(y_pred / sum(y_pred), 1e-7, 1 - 1e-7); loss = -sum(y log p)
        logits x:      loss = -sum(y log_softmax(x))

    sums along ``axis``. The stored-logits shortcut of TensorFlow's built-in is out of scope.
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    if from_logits:
        return -ops.sum(y_true * ops.log_softmax(y_pred, axis=axis), axis=axis)
    probability = ops.clip(y_pred / ops.sum(y_pred, axis=axis, keepdims=True), EPSILON, 1.0 - EPSILON)
    return -ops.sum(y_true * ops.log(probability), axis=axis)


def categorical_focal_crossentropy(
    y_true, y_pred, *, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """``p = clip(q / sum(q), 1e-7, 1 - 1e-7)`` with ``q = softmax(y_pred)`` for logits::

        loss = sum(alpha * (1 - p) ** gamma * (-y log p), axis=axis)

    ``alpha`` is a number or one weight per class (it always applies). The stored-logits
    shortcut of TensorFlow's built-in is out of scope.
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    probability = ops.softmax(y_pred, axis=axis) if from_logits else y_pred
    probability = ops.clip(probability / ops.sum(probability, axis=axis, keepdims=True), EPSILON, 1.0 - EPSILON)
    alpha = ops.cast(alpha, y_pred.dtype)
    focal = alpha * ops.power(1.0 - probability, gamma) * (-y_true * ops.log(probability))
    return ops.sum(focal, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, *, from_logits=False, ignore_class=None, axis=-1):
    """``loss = -log p[y]`` for integer labels ``y``::

        logits x:      log p = log_softmax(x)
        probabilities: log p = log(c) - log(sum(c)),  c = clip(y_pred, 1e-7, 1 - 1e-7)

    Labels equal to ``ignore_class`` give 0; ``axis`` is the class axis of ``y_pred``.
    The stored-logits shortcut of TensorFlow's built-in is out of scope.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    labels = ops.cast(y_true, "int32")
    if len(labels.shape) == len(y_pred.shape):
        labels = ops.squeeze(labels, axis)
    valid = ops.ones_like(labels, dtype="bool") if ignore_class is None else ops.not_equal(labels, ignore_class)
    one_hot = ops.one_hot(ops.where(valid, labels, 0), y_pred.shape[axis], axis=axis, dtype=y_pred.dtype)
    if from_logits:
        log_probability = ops.log_softmax(y_pred, axis=axis)
    else:
        clipped = ops.clip(y_pred, EPSILON, 1.0 - EPSILON)
        log_probability = ops.log(clipped) - ops.log(ops.sum(clipped, axis=axis, keepdims=True))
    return ops.where(valid, -ops.sum(one_hot * log_probability, axis=axis), 0.0)


def categorical_generalized_cross_entropy(y_true, y_pred, *, q):
    """``loss = (1 - p[y] ** q) / q`` for integer labels ``y`` (not clipped), ``q`` in (0, 1)."""
    y_pred = ops.convert_to_tensor(y_pred)
    labels = ops.cast(y_true, "int32")
    if len(labels.shape) == len(y_pred.shape):
        labels = ops.squeeze(labels, -1)
    true_class_probability = ops.sum(y_pred * ops.one_hot(labels, y_pred.shape[-1], dtype=y_pred.dtype), axis=-1)
    return (1.0 - ops.power(true_class_probability, q)) / q


# Overlap, sequence and metric-learning losses.


def dice(y_true, y_pred, *, axis=None):
    """``loss = 1 - 2 sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + 1e-7)``, sums over
    ``axis`` (None: everything, the batch included)."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    overlap = ops.sum(y_true * y_pred, axis=axis)
    return 1.0 - 2.0 * overlap / (ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis) + EPSILON)


def tversky(y_true, y_pred, *, alpha=0.5, beta=0.5, axis=None):
    """``loss = 1 - TP / (TP + alpha FP + beta FN + 1e-7)`` with soft counts over ``axis``.

    As documented (and in the paper): ``alpha`` prices false positives. Keras <= 3.15's
    code applies ``alpha`` to false negatives; swap them to reproduce it.
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    true_positive = ops.sum(y_true * y_pred, axis=axis)
    false_positive = ops.sum((1.0 - y_true) * y_pred, axis=axis)
    false_negative = ops.sum(y_true * (1.0 - y_pred), axis=axis)
    return 1.0 - true_positive / (true_positive + alpha * false_positive + beta * false_negative + EPSILON)


def ctc(y_true, y_pred):
    """Connectionist temporal classification loss per sample, ``-log p(labels | logits)``.

    ``y_true`` (B, L): integer labels padded with 0 (the blank); the label length is the
    number of non-zero entries, and Keras reads that many entries from the start of the
    row (so a 0 inside a row is read as a label and the last label is lost).
    ``y_pred`` (B, T, C): logits. The forward algorithm is ``keras.ops.ctc_loss``.
    """
    labels = ops.cast(y_true, "int32")
    logits = ops.convert_to_tensor(y_pred)
    label_length = ops.sum(ops.cast(ops.not_equal(labels, 0), "int32"), axis=-1)
    logit_length = ops.full((logits.shape[0],), logits.shape[1], dtype="int32")
    return ops.ctc_loss(labels, logits, label_length, logit_length, mask_index=0)


def circle(y_true, y_pred, *, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """Circle loss (Sun et al., 2020) on L2-normalised embeddings ``y_pred`` (B, D).

    With cosine distances ``d = max(1 - y_pred @ ref_embeddings.T, 0)``, ``m = margin``::

        positives j (same label):  a_j = -gamma * max(m + d_j, 0) * (m - d_j)
        negatives j (other label): b_j =  gamma * max(1 + m - d_j, 0) * (1 - m - d_j)
        loss = softplus(logsumexp_j a_j + logsumexp_j b_j)

    A sample without a positive gets 0; ``keras.losses.Circle`` averages only over the
    others (see ``lossviz.reduction.circle_mask``).
    """
    embeddings = ops.convert_to_tensor(y_pred)
    labels = ops.reshape(ops.cast(y_true, "int32"), (-1, 1))
    references = embeddings if ref_embeddings is None else ops.convert_to_tensor(ref_embeddings)
    reference_labels = labels if ref_labels is None else ops.reshape(ops.cast(ref_labels, "int32"), (-1, 1))
    distance = ops.maximum(1.0 - ops.matmul(embeddings, ops.transpose(references)), 0.0)
    positive = ops.equal(labels, ops.transpose(reference_labels))
    negative = ops.logical_not(positive)
    if remove_diagonal:
        positive = ops.logical_and(positive, ops.logical_not(ops.eye(distance.shape[0], distance.shape[1], dtype="bool")))
    positive_weight = ops.maximum((margin + distance) * ops.cast(positive, distance.dtype), 0.0)
    negative_weight = ops.maximum((1.0 + margin - distance) * ops.cast(negative, distance.dtype), 0.0)
    positive_logits = ops.where(positive, -gamma * positive_weight * (margin - distance), float("-inf"))
    negative_logits = ops.where(negative, gamma * negative_weight * (1.0 - margin - distance), float("-inf"))
    return ops.softplus(ops.logsumexp(positive_logits, axis=1) + ops.logsumexp(negative_logits, axis=1))
