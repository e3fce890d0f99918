"""How Keras turns per-sample losses and weights into one number, in NumPy.

Keras computes a loss in two steps: a per-sample function (``keras.losses.mean_squared_error``
and friends, or the ``call`` of a ``keras.losses.Loss``) and then ONE reduction,
``reduce_weighted_values`` in ``keras/src/losses/loss.py``. This module reproduces that
second step, the conversion ``model.fit(class_weight=...)`` does before it
(``keras/src/trainers/data_adapters/data_adapter_utils.py``), and the weighted mean that
mean-type metrics such as ``keras.metrics.Mean`` compute (which is NOT the loss's).

The three formulas side by side, for per-sample values ``l_i`` and weights ``w_i``
(``N`` = number of elements of ``l``)::

    "sum_over_batch_size" (default, alias "mean")  sum_i w_i l_i / N       zero weights still count
    "mean_with_sample_weight"                      sum_i w_i l_i / sum_i w_i
    "sum"                                          sum_i w_i l_i
    keras.metrics.Mean / weighted_metrics=         sum_i w_i l_i / sum_i w_i

Everything is float64 NumPy; Keras computes in float32, so the two agree to float32
precision. Taught in: notebooks/04_weighting.ipynb.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lossviz._validation import as_float_array, check_interval, check_one_of, describe, fail, warn_user
from lossviz.losses._common import align_ranks

__all__ = [
    "REDUCTIONS",
    "reduce_values",
    "reduce_weighted_values",
    "apply_mask",
    "circle_mask",
    "class_weight_to_sample_weight",
    "weighted_mean",
]

#: Every reduction ``keras.losses.Loss(reduction=...)`` accepts in Keras 3.15.
REDUCTIONS = ("sum_over_batch_size", "mean", "mean_with_sample_weight", "sum", "none", None)


def apply_mask(sample_weight, mask, *, reduction="sum_over_batch_size"):
    """Keras's ``apply_mask``: fold a mask into the sample weights, as ``Loss.__call__`` does.

    For the mean reductions ("sum_over_batch_size", "mean") an entry the mask keeps
    weighs ``total / valid`` (``total``: the mask's number of entries, ``valid``: how
    many it keeps; 0 when it keeps none) and a masked entry 0, so that the later
    ``sum(w * l) / total`` becomes ``sum(w * l) / valid``: masked steps are left out
    of the mean instead of counting as zeros. For "sum", "mean_with_sample_weight" and
    "none" the mask is cast to 0/1. The weights, when given, are multiplied in after
    Keras's rank alignment (a trailing axis of size 1 is squeezed or added).

    Args:
        sample_weight: weights broadcastable to ``mask``, or None.
        mask: boolean array, e.g. (B, T) from a ``Masking`` layer or ``mask_zero=True``.
        reduction: one of ``REDUCTIONS``. Defaults to "sum_over_batch_size".

    Returns:
        float64 array: the weights Keras reduces with (``sample_weight`` unchanged
        when ``mask`` is None).

    Raises:
        ValueError: for an unknown ``reduction``, non-finite input, or shapes that do
            not broadcast.

    Example:
        >>> apply_mask(None, np.array([True, True, False, False])).tolist()  # 4 entries, 2 kept
        [2.0, 2.0, 0.0, 0.0]

    Taught in: notebooks/11_segmentation_and_masks.ipynb
    """
    check_one_of(reduction, "reduction", REDUCTIONS)
    if mask is None:
        return None if sample_weight is None else as_float_array(sample_weight, "sample_weight")
    mask = _checked_mask(mask)
    if reduction in ("mean", "sum_over_batch_size"):
        valid = mask.sum()
        float_mask = np.where(mask != 0, mask.size / valid if valid else 0.0, 0.0)
    else:
        float_mask = mask
    if sample_weight is None:
        return float_mask
    float_mask, weights = align_ranks(float_mask, as_float_array(sample_weight, "sample_weight"))
    _warn_last_axis(weights, float_mask, "mask")
    return _broadcast(weights, float_mask, "sample_weight") * float_mask


def _warn_last_axis(weights: np.ndarray, target: np.ndarray, what: str) -> None:
    """A 1-D weight against (B, T) values broadcasts along T: Keras does it, silently."""
    if weights.ndim == 1 and target.ndim >= 2 and target.shape[-1] == weights.shape[0] > 1:
        warn_user(
            f"sample_weight: expected one weight per sample, shape ({target.shape[0]}, 1), against the {what} of "
            f"shape {target.shape}; got shape {weights.shape}. Keras broadcasts a 1-D weight along the LAST axis "
            "(entry t weighs w[t], whatever its sample); this twin returns the same number."
        )


def _checked_mask(mask) -> np.ndarray:
    """The mask as 0/1 floats; Keras casts any other number too, which this twin warns about."""
    mask = as_float_array(mask, "mask", allow_empty=True)
    if not np.isin(mask, (0.0, 1.0)).all():
        warn_user(
            "mask: expected booleans (True keeps an entry); got other numbers. Keras casts them to the loss's "
            "dtype, so they scale the entries they keep; this twin returns the same number."
        )
    return mask


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size"):
    """Keras's ``reduce_weighted_values``: weights, mask and reduction, as ``Loss.__call__`` applies them.

    Three steps, as in ``keras/src/losses/loss.py``:

    1. ``w = apply_mask(sample_weight, mask)`` (see :func:`apply_mask`): for the mean
       reductions a kept entry weighs total/valid, so the mean runs over the valid
       entries only.
    2. ``v = w * values`` after Keras's rank alignment (broadcasting).
    3. The reduction of ``v``::

           "sum_over_batch_size" / "mean":  sum(v) / v.size     (zero weights still count)
           "mean_with_sample_weight":       sum(v) / sum(w)     (sum(v) / v.size without w)
           "sum":                           sum(v)
           "none" / None:                   v, unreduced

       A division by zero gives 0 (Keras's ``divide_no_nan``); a scalar ``values``
       without weights is returned as it is.

    Where does a mask come from? ``Loss.__call__`` reads it from ``y_pred._keras_mask``
    (set by a ``Masking`` layer or ``Embedding(mask_zero=True)`` upstream) and from the
    per-sample values (``ignore_class``), and passes their AND here. With the default
    reduction the masked mean is sum(w * l * kept) / (number kept): NOT divided by the
    weights, and not by the batch size either.

    Args:
        values: per-sample (or per-step) losses, e.g. (B,) or (B, T).
        sample_weight: weights broadcastable to ``values`` after rank alignment, e.g.
            (B,) or (B, T). Defaults to None.
        mask: boolean array of the shape of ``values`` (or broadcastable to it).
            Defaults to None.
        reduction: one of ``REDUCTIONS``. Defaults to "sum_over_batch_size".

    Returns:
        A float, or the weighted values for "none"/None.

    Raises:
        ValueError: for an unknown ``reduction``, empty or non-finite input, or shapes
            that do not broadcast.

    Example:
        >>> losses = np.array([[1.0, 2.0, 9.0], [3.0, 9.0, 9.0]])  # two sequences, padded
        >>> kept = np.array([[True, True, False], [True, False, False]])
        >>> reduce_weighted_values(losses, mask=kept)  # (1 + 2 + 3) / 3 kept steps
        2.0

    Taught in: notebooks/11_segmentation_and_masks.ipynb
    """
    check_one_of(reduction, "reduction", REDUCTIONS)
    values = as_float_array(values, "values")
    if mask is not None:
        mask = np.asarray(mask)
        try:
            np.broadcast_shapes(np.shape(align_ranks(values, mask)[1]), values.shape)
        except ValueError:
            fail("mask", f"an array of the shape of `values` {values.shape} (or one that broadcasts to it)", mask)
    weights = apply_mask(sample_weight, mask, reduction=reduction)
    if weights is not None:
        values, weights = align_ranks(values, weights)
        if mask is None:
            _warn_last_axis(weights, values, "values")
        values = _broadcast(weights, values, "sample_weight") * values
    if reduction in (None, "none") or values.ndim == 0:
        return values if values.ndim else float(values)
    total = float(np.sum(values))
    if reduction == "sum":
        return total
    divisor = values.size
    if reduction == "mean_with_sample_weight" and weights is not None:
        # Keras divides by the sum of the weights as passed, not broadcast to `values`.
        divisor = float(np.sum(weights))
    return total / divisor if divisor else 0.0


def reduce_values(values, sample_weight=None, *, reduction="sum_over_batch_size", mask=None):
    """Reduce per-sample loss values exactly as ``keras.losses.Loss.__call__`` does.

    Formula, with ``l`` the values, ``w`` the sample weights (1 when None) and ``N`` the
    number of elements of ``l`` (after weighting)::

        "sum_over_batch_size" / "mean":  sum(w * l) / N
        "mean_with_sample_weight":       sum(w * l) / sum(w)   (sum(l) / N without weights)
        "sum":                           sum(w * l)
        "none" / None:                   w * l, unreduced

    A division by zero gives 0 (Keras's ``divide_no_nan``). A scalar ``values`` (the
    classic bug of a custom loss that already averaged) is multiplied by the weights
    and then reduced, so the weights can only rescale it: with "sum_over_batch_size"
    the result is ``l * mean(w)``, whatever sample carries which weight. The same
    function as :func:`reduce_weighted_values`, with the options as keywords.

    Args:
        values: per-sample losses, shape (B,) or (B, ...); a scalar is accepted and
            treated as Keras treats it.
        sample_weight: weights broadcastable to ``values`` after Keras's rank alignment
            (a trailing axis of length 1 is squeezed or added), typically shape (B,).
            Defaults to None (every weight 1).
        reduction: one of ``REDUCTIONS``. Defaults to "sum_over_batch_size".
        mask: optional boolean array shaped like ``values`` (Keras masks, e.g. from
            ``ignore_class``); False entries are left out. Defaults to None.

    Returns:
        A float for every reduction except "none"/None, which returns the weighted
        values as an array.

    Raises:
        ValueError: if ``reduction`` is unknown, if an array is empty or non-finite, or
            if ``sample_weight`` / ``mask`` cannot be broadcast to ``values``.

    Example:
        >>> losses = np.array([1.0, 2.0, 3.0, 4.0])
        >>> weights = np.array([1.0, 1.0, 0.0, 0.0])
        >>> reduce_values(losses, weights)  # (1 + 2) / 4: zero weights still count
        0.75
        >>> reduce_values(losses, weights, reduction="mean_with_sample_weight")  # (1 + 2) / 2
        1.5
        >>> reduce_values(losses, weights, reduction="sum")
        3.0

    Taught in: notebooks/04_weighting.ipynb
    """
    return reduce_weighted_values(values, sample_weight, mask, reduction)


def circle_mask(values) -> np.ndarray:
    """The mask ``keras.losses.circle`` attaches to its per-sample values: ``loss > 0``.

    A sample without a positive pair (no other sample of its label) gets a loss of
    exactly 0, and Keras masks it out: ``keras.losses.Circle()`` reduces with
    ``reduce_values(values, mask=circle_mask(values))``, the mean over the anchors that
    have a positive, not the mean over the batch.

    Args:
        values: per-sample Circle losses, shape (B,), e.g. from ``lossviz.losses.circle``.

    Returns:
        Boolean array of the shape of ``values``.

    Raises:
        ValueError: if ``values`` is empty or non-finite.

    Example:
        >>> losses = np.array([2.0, 0.0, 4.0])  # the middle sample has no positive
        >>> reduce_values(losses, mask=circle_mask(losses))  # (2 + 4) / 2, not / 3
        3.0

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    return as_float_array(values, "values") > 0.0


def _broadcast(weights: np.ndarray, values: np.ndarray, name: str) -> np.ndarray:
    try:
        np.broadcast_shapes(weights.shape, values.shape)
    except ValueError:
        fail(
            name,
            f"a shape that broadcasts to the per-sample values {values.shape}",
            f"Received: {name} of shape {weights.shape}",
        )
    return weights


def class_weight_to_sample_weight(y, class_weight):
    """Per-sample weights from ``class_weight``, as ``model.fit(class_weight=...)`` makes them.

    Formula: ``w_i = class_weight.get(c_i, 1.0)``, with the class ``c_i`` of sample ``i``
    read from its target: ``argmax(y_i)`` when ``y`` has a last axis longer than 1
    (one-hot or probabilities), else ``round(y_i)`` (NumPy rounds half to even, so a soft
    label of exactly 0.5 is class 0). Classes missing from ``class_weight`` weigh 1.0.

    Args:
        y: targets of shape (B,), (B, 1) (class ids or 0/1 labels) or (B, C) (one-hot).
        class_weight: mapping from integer class id to a non-negative finite weight.

    Returns:
        float64 array of shape (B,), the ``sample_weight`` Keras feeds to the loss.

    Raises:
        ValueError: if ``class_weight`` is not a mapping of integer ids to non-negative
            numbers, or ``y`` is empty, non-finite or of rank other than 1 or 2.

    Example:
        >>> class_weight_to_sample_weight(np.array([0, 1, 1, 2]), {0: 1.0, 1: 5.0})
        array([1., 5., 5., 1.])
        >>> class_weight_to_sample_weight(np.array([[0.1, 0.9], [0.8, 0.2]]), {1: 3.0})
        array([3., 1.])

    Taught in: notebooks/04_weighting.ipynb
    """
    weights_by_class = _checked_class_weight(class_weight)
    y = as_float_array(y, "y")
    if y.ndim not in (1, 2):
        fail("y", "targets of shape (B,), (B, 1) or (B, C)", f"Received: y of shape {y.shape}")
    if y.ndim == 2:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y[:, 0]
    classes = np.round(y).astype(np.int64)
    return np.array([weights_by_class.get(int(c), 1.0) for c in classes], dtype=np.float64)


def _checked_class_weight(class_weight) -> dict[int, float]:
    if not isinstance(class_weight, Mapping):
        fail("class_weight", "a dict mapping class ids to weights, e.g. {0: 1.0, 1: 5.0}", class_weight)
    checked = {}
    for key, weight in class_weight.items():
        if isinstance(key, bool) or not isinstance(key, (int, np.integer)):
            fail(
                "class_weight",
                "integer class ids as keys, e.g. {0: 1.0, 1: 5.0}",
                f"Received: a key {describe(key)}",
            )
        checked[int(key)] = check_interval(weight, f"class_weight[{int(key)}]", 0.0)
    return checked


def weighted_mean(values, sample_weight=None):
    """The weighted mean a ``keras.metrics.Mean`` (and every ``weighted_metrics=`` entry) keeps.

    Formula: ``sum_i w_i m_i / sum_i w_i``, where ``m_i`` is the mean of ``values`` over
    every axis but the first. Unlike the default loss reduction, samples of weight 0
    do not count in the denominator. 0 when every weight is 0.

    Args:
        values: per-sample metric values, shape (B,) or (B, ...).
        sample_weight: weights of shape (B,) or (B, 1). Defaults to None (all 1).

    Returns:
        A float.

    Raises:
        ValueError: if an array is empty or non-finite, or the weights do not have one
            entry per sample.

    Example:
        >>> weighted_mean(np.array([1.0, 3.0, 5.0, 7.0]), np.array([1.0, 1.0, 0.0, 0.0]))
        2.0

    Taught in: notebooks/04_weighting.ipynb
    """
    values = np.atleast_1d(as_float_array(values, "values"))
    samplewise = values.reshape(len(values), -1).mean(axis=1)
    if sample_weight is None:
        return float(samplewise.mean())
    weights = as_float_array(sample_weight, "sample_weight")
    if weights.ndim == 2 and weights.shape[1] == 1:
        weights = weights[:, 0]
    if weights.shape != samplewise.shape:
        fail(
            "sample_weight",
            f"one weight per sample, shape {samplewise.shape}",
            f"Received: sample_weight of shape {weights.shape}",
        )
    total_weight = float(weights.sum())
    return float(np.sum(weights * samplewise)) / total_weight if total_weight else 0.0
