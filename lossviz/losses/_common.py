"""Shared plumbing of the loss twins: input checks, Keras's rank alignment, stable maths.

Everything here is private. The public twins live in the sibling modules and are
re-exported by :mod:`lossviz.losses`.
"""

from __future__ import annotations

import numpy as np

from lossviz._validation import as_float_array, fail, returns_like, warn_user

#: ``keras.backend.epsilon()``: the clipping constant of every Keras loss.
EPSILON = 1e-7


def float_dtype(value) -> np.dtype:
    """The dtype a twin computes in: the input's float dtype, float32 for anything else.

    Keras's function form computes in ``y_pred``'s dtype on TensorFlow (float32 in,
    float32 out, its clipping included), and its loss classes cast integer input to
    float32 (``floatx``). Python lists and floats are float64, as NumPy makes them.
    """
    dtype = np.asarray(value).dtype
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float32)


def as_batch_array(value, name: str, dtype=None) -> np.ndarray:
    """A finite, non-empty float array (``dtype``, default its own float dtype) of rank >= 1."""
    array = as_float_array(value, name).astype(dtype or float_dtype(value), copy=False)
    if array.ndim == 0:
        fail(name, "an array with at least one dimension (samples first)", array)
    return array


def align_ranks(y_true, y_pred):
    """Keras's ``squeeze_or_expand_to_same_rank``: drop an extra trailing axis of size 1,
    or add it to a rank-1 partner, so ``(B,)`` against ``(B, 1)`` stays per sample."""
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        return (y_true, y_pred[:, np.newaxis]) if y_pred.ndim == 1 else (y_true[..., 0], y_pred)
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        return (y_true[:, np.newaxis], y_pred) if y_true.ndim == 1 else (y_true, y_pred[..., 0])
    return y_true, y_pred


def as_float_pair(y_true, y_pred):
    """``y_pred`` as a float array (float32 unless it is float), ``y_true`` cast to its
    dtype, ranks aligned as Keras's loss classes align them."""
    y_pred = np.asarray(y_pred)
    if not np.issubdtype(y_pred.dtype, np.floating):
        y_pred = y_pred.astype(np.float32)
    return align_ranks(np.asarray(y_true, dtype=y_pred.dtype), y_pred)


@returns_like(as_float_pair)
def check_pair(y_true, y_pred, *, class_axis: int | None = None):
    """Refuse NaN/inf, empty input and shapes that do not align (see :func:`paired_arrays`);
    return the pair as :func:`as_float_pair` converts it."""
    return paired_arrays(y_true, y_pred, class_axis=class_axis)


def paired_arrays(y_true, y_pred, *, class_axis: int | None = None):
    """Validate ``y_true`` and ``y_pred``, align their ranks and insist on equal shapes.

    Keras's loss classes only add or drop a trailing dimension of size 1; any other
    difference is refused rather than broadcast (Keras's bare functions would turn
    ``(3,)`` against ``(3, 3)`` into nonsense without a word). With ``class_axis`` the
    message explains a one-hot width mismatch, the usual cause.
    """
    dtype = float_dtype(y_pred)
    y_true = as_batch_array(y_true, "y_true", dtype)
    y_pred = as_batch_array(y_pred, "y_pred", dtype)
    true_shape, pred_shape = y_true.shape, y_pred.shape
    y_true, y_pred = align_ranks(y_true, y_pred)
    if y_true.shape == y_pred.shape:
        return y_true, y_pred
    if class_axis is not None and y_true.ndim == y_pred.ndim and -y_pred.ndim <= class_axis < y_pred.ndim:
        axis = class_axis % y_pred.ndim
        others_match = all(t == p for i, (t, p) in enumerate(zip(y_true.shape, y_pred.shape)) if i != axis)
        if others_match:
            fail(
                "y_true",
                f"one-hot targets with as many classes as `y_pred` along axis {class_axis} ({y_pred.shape[axis]})",
                f"Received: {y_true.shape[axis]} classes (y_true.shape={true_shape}, y_pred.shape={pred_shape})",
            )
    hint = ""
    if class_axis is not None and y_true.ndim == y_pred.ndim - 1:
        hint = "; integer class labels need sparse_categorical_crossentropy"
    fail(
        "y_pred",
        f"a shape that matches `y_true` {true_shape} up to a trailing dimension of size 1 "
        f"(Keras aligns ranks that way and never broadcasts){hint}",
        f"Received: y_pred.shape={pred_shape}",
    )


def warn_outside(values, name: str, expected: str, keras_does: str, low=0.0, high=1.0) -> None:
    """Warn (Keras accepts them) when ``values`` (array-like) leave ``[low, high]``: say what
    was expected, what arrived and what Keras does with it (the twin does the same)."""
    values = np.asarray(values)
    smallest, largest = float(values.min()), float(values.max())
    if smallest < low or largest > high:
        got = "values " + " and ".join(
            text
            for text, outside in ((f"down to {smallest:.6g}", smallest < low), (f"up to {largest:.6g}", largest > high))
            if outside
        )
        warn_user(f"{name}: expected {expected}; got {got}. {keras_does}; this twin returns the same number.")


#: What Keras's probability losses do with a "probability" outside [0, 1].
CLIPS_PROBABILITIES = (
    "Keras clips them to [1e-7, 1 - 1e-7] (a value above 1 scores as a sure 1, below 0 as a sure 0), "
    "so the loss stays finite and the mistake goes unnoticed; if they are logits, pass from_logits=True"
)
#: What Keras's crossentropies do with a target outside [0, 1].
USES_TARGETS = "Keras uses them as they are, unclipped, so the loss can even be negative"


#: The same, for the categorical crossentropies, which first divide each row by its sum.
NORMALIZES_PROBABILITIES = (
    "Keras divides each row by its sum, then clips to [1e-7, 1 - 1e-7], so the loss stays finite "
    "and the mistake goes unnoticed; if they are logits, pass from_logits=True"
)
#: The same, for the sparse crossentropy, which clips first and then divides by the row sum.
CLIPS_THEN_NORMALIZES = (
    "Keras clips them to [1e-7, 1 - 1e-7], then divides each row by its sum (on TensorFlow, as this "
    "twin; on JAX it divides first, like categorical_crossentropy), so the loss stays finite and the "
    "mistake goes unnoticed; if they are logits, pass from_logits=True"
)


def check_probabilities_unless_logits(
    y_pred: np.ndarray, from_logits: bool, keras_does: str = CLIPS_PROBABILITIES
) -> None:
    """Warn about ``y_pred`` outside [0, 1] when it is meant to hold probabilities."""
    if not from_logits:
        warn_outside(y_pred, "y_pred", "probabilities in [0, 1]", keras_does)


def check_targets_in_unit_interval(y_true: np.ndarray, what: str) -> None:
    """Warn about targets outside [0, 1], which Keras's crossentropies use unclipped."""
    warn_outside(y_true, "y_true", f"{what} in [0, 1]", USES_TARGETS)


def finite_number(value, name: str, expected: str = "a finite number") -> float:
    """``float(value)``, refusing what is not a number, NaN and inf."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        fail(name, "a real number", value)
    if not np.isfinite(number):
        fail(name, expected, value)
    return number


def check_keras_parameter(value, name: str, low: float, high: float, keras_does: str) -> float:
    """A finite number, returned as float. Outside ``[low, high]`` Keras still computes
    with it, and so does the twin, with a warning saying what Keras does."""
    number = finite_number(value, name)
    if number < low or number > high:
        warn_user(
            f"{name}: expected a number in [{low:g}, {high:g}]; got {number:g}. {keras_does}; "
            "this twin returns the same number."
        )
    return number


def check_label_smoothing(label_smoothing) -> float:
    return check_keras_parameter(
        label_smoothing, "label_smoothing", 0.0, 1.0,
        "Keras applies it as it is, so the smoothed targets y (1 - ls) + ls / C leave [0, 1]",
    )  # fmt: skip


FOCAL_GAMMA = (
    "Keras raises (1 - p) to it as it is: a negative gamma weights confident right answers "
    "more, not less (a perfect one costs inf)"
)


def check_gamma(gamma, keras_does: str = FOCAL_GAMMA) -> float:
    return check_keras_parameter(gamma, "gamma", 0.0, np.inf, keras_does)


def check_axis(axis, ndim: int, *, allow_none: bool = False, allow_tuple: bool = True):
    """Validate ``axis`` (an int, a tuple of ints, or None) against ``ndim`` dimensions.

    Returns the axis with negative entries kept (NumPy accepts them), as a tuple when
    several axes are given.
    """
    if axis is None:
        if allow_none:
            return None
        fail("axis", "an integer axis", axis)
    axes = axis if isinstance(axis, tuple) and allow_tuple else (axis,)
    for entry in axes:
        if isinstance(entry, (bool, np.bool_)) or not isinstance(entry, (int, np.integer)):
            fail("axis", "an integer or a tuple of integers" if allow_tuple else "an integer", axis)
        if not -ndim <= entry < ndim:
            fail("axis", f"an axis of an array with {ndim} dimension(s), in [{-ndim}, {ndim - 1}]", axis)
    if len({int(entry) % ndim for entry in axes}) != len(axes):
        fail("axis", "distinct axes", axis)
    return tuple(int(entry) for entry in axes) if isinstance(axis, tuple) else int(axis)


def truncated_labels(labels: np.ndarray, name: str) -> np.ndarray:
    """Keras casts float labels to integers, truncating toward zero; warn when that changes one."""
    truncated = np.trunc(labels)
    if np.any(truncated != labels):
        first = labels[truncated != labels].ravel()[0]
        others = int(np.sum(truncated != labels)) - 1
        warn_user(
            f"{name}: expected integer class labels; got {first:g}"
            + (f" and {others} more non-integer value(s)" if others else "")
            + f". Keras casts labels to integers, truncating toward zero, so {first:g} becomes class "
            f"{int(np.trunc(first))}; this twin returns the same number."
        )
    return truncated


def check_integer_labels(labels: np.ndarray, name: str, num_classes: int, *, ignore_class=None) -> np.ndarray:
    """Refuse labels outside ``[0, num_classes)`` (or ``ignore_class``); non-integer labels
    are truncated toward zero as Keras casts them, with a warning."""
    labels = truncated_labels(labels, name)
    valid = (labels >= 0) & (labels < num_classes)
    if ignore_class is not None:
        valid |= labels == ignore_class
    if not valid.all():
        first_bad = labels[~valid].ravel()[0]
        fail(
            name,
            f"class labels in [0, {num_classes - 1}] for {num_classes} classes"
            + ("" if ignore_class is None else f" (or ignore_class={ignore_class})"),
            f"Received: label {first_bad:g} (min={labels.min():g}, max={labels.max():g})",
        )
    return labels.astype(np.int64)


def clip_probabilities(probabilities):
    return np.clip(probabilities, EPSILON, 1.0 - EPSILON)


def check_class_axis(axis, ndim):
    """A single class axis (an int), checked as :func:`check_axis` checks it."""
    return check_axis(axis, ndim, allow_tuple=False)


def clip_mask(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Where ``np.clip(values, low, high)`` passes a gradient: TensorFlow's
    ``clip_by_value`` lets it through on the bounds themselves, and zeroes it outside."""
    return (values >= low) & (values <= high)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))`` without overflow for large ``|x|``."""
    return np.exp(-np.logaddexp(0.0, -x))


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))`` without overflow for large ``x``."""
    return np.logaddexp(0.0, x)


def logsumexp(x: np.ndarray, axis, keepdims: bool = False) -> np.ndarray:
    """``log(sum(exp(x)))`` shifted by the maximum so that nothing overflows."""
    shift = np.max(x, axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    with np.errstate(divide="ignore"):  # all -inf (nothing to sum) gives log(0) = -inf
        result = np.log(np.sum(np.exp(x - shift), axis=axis, keepdims=True)) + shift
    return result if keepdims else np.squeeze(result, axis=axis)


def log_softmax(logits: np.ndarray, axis: int) -> np.ndarray:
    return logits - logsumexp(logits, axis=axis, keepdims=True)


def softmax(logits: np.ndarray, axis: int) -> np.ndarray:
    return np.exp(log_softmax(logits, axis))


def softmax_backward(grad_probs: np.ndarray, probs: np.ndarray, axis: int) -> np.ndarray:
    """Chain rule through ``softmax``: ``s * (g - sum(g * s))`` along ``axis``."""
    return probs * (grad_probs - np.sum(grad_probs * probs, axis=axis, keepdims=True))


def normalize_backward(grad_normalized: np.ndarray, normalized: np.ndarray, total: np.ndarray, axis: int) -> np.ndarray:
    """Chain rule through ``p / sum(p)``: ``(g - sum(g * p / sum(p))) / sum(p)`` along ``axis``."""
    return (grad_normalized - np.sum(grad_normalized * normalized, axis=axis, keepdims=True)) / total


def per_sample_mean_gradient(elementwise_gradient: np.ndarray, axis=-1) -> np.ndarray:
    """The gradient of ``mean(f(x), axis)`` summed over samples: ``f'(x) / n``."""
    axes = axis if isinstance(axis, tuple) else (axis,)
    count = int(np.prod([elementwise_gradient.shape[a] for a in axes]))
    return elementwise_gradient / count
