"""The library's faster counts for the ranking metrics: ``ranking._counts_at_thresholds``, sorted faster.

Sorting the scores is the whole cost of a ROC curve, and NumPy sorts plain numbers
several times faster than it argsorts them. So instead of carrying the labels through
an argsort, we sort integer keys that hold both the score and the label:

1. A float's bits, read as a signed integer and with the lower bits of negative
   numbers flipped, are an integer in the same order as the floats (``_ordered_bits``;
   -0.0 is first turned into +0.0, so the two tie as they compare equal).
2. Counted down from the greatest of them, they run from 0 (the greatest score) up
   to the span of the scores. When that span leaves one bit free in 32 bits (always
   for float32 scores of one sign, such as probabilities), ``key = 2 * rank + label``
   sorts as a 32-bit integer, as fast as ``np.sort`` of the float32 scores; otherwise
   as a 64-bit integer (float64 scores have the same choice at 64 bits).
3. After the sort, ``key & 1`` is the label in decreasing score order, ``key >> 1``
   tells the tied scores apart, and the thresholds are read back from the keys.

With weights the order inside ties matters (the weights are added up in input order,
as scikit-learn does, to get its sums to the last bit): float32 scores are then sorted
as 64-bit keys ``rank * 2**32 + index``, the index breaking ties as a stable sort
does. Float64 scores with weights, the one case left, take the readable stable argsort.

``ranking._counts_at_thresholds`` calls :func:`fast_counts_at_thresholds` when
:func:`fast_sort_applies`, in an ``if`` that :func:`lossviz.standalone_source` drops,
so the blocks it hands out keep the readable sort. Tests hold both paths to the same
counts and to scikit-learn's results; ``bench/bench_metrics.py`` times them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["fast_sort_applies", "fast_counts_at_thresholds"]

_LOW_BITS = {np.dtype(np.int32): np.int32(0x7FFF_FFFF), np.dtype(np.int64): np.int64(0x7FFF_FFFF_FFFF_FFFF)}
_INTEGER_OF = {np.dtype(np.float32): np.int32, np.dtype(np.float64): np.int64}


def fast_sort_applies(y_score, sample_weight) -> bool:
    """Whether :func:`fast_counts_at_thresholds` takes these scores.

    Float16, float32 and float64 scores without weights, float16 and float32 scores
    with weights (fewer than 2**31 samples).

    Example:
        >>> fast_sort_applies(np.float32([0.2, 0.9]), None), fast_sort_applies(np.float64([0.2, 0.9]), np.ones(2))
        (True, False)

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    if y_score.ndim != 1 or len(y_score) >= 2**31:
        return False
    if y_score.dtype in (np.float16, np.float32):
        return True
    return y_score.dtype == np.float64 and sample_weight is None


def _ordered_bits(y_score):
    """The scores' bits as signed integers in the order of the scores, with their greatest and least."""
    ordered = np.add(y_score, y_score.dtype.type(0)).view(_INTEGER_OF[y_score.dtype])  # -0.0 + 0.0 is +0.0
    flip = ordered >> (8 * ordered.itemsize - 1)  # -1 for negative scores, 0 otherwise
    flip &= _LOW_BITS[ordered.dtype]
    ordered ^= flip  # a negative score's lower bits count down as it grows
    return ordered, int(ordered.max()), int(ordered.min())


def _from_ordered_bits(ordered, float_dtype):
    """Inverse of :func:`_ordered_bits`: the scores back from their ordered integers."""
    bits = ordered ^ ((ordered >> (8 * ordered.itemsize - 1)) & _LOW_BITS[ordered.dtype])
    return bits.view(float_dtype)


def _wrapped(value: int, dtype) -> np.integer:
    """``value`` modulo 2**bits as a signed integer of ``dtype`` (array arithmetic wraps the same way)."""
    bits = 8 * np.dtype(dtype).itemsize
    return np.dtype(dtype).type((value + 2 ** (bits - 1)) % 2**bits - 2 ** (bits - 1))


def _argsorted_counts(is_positive, y_score):
    """The counts after one unstable argsort (integer counts do not depend on the order inside ties)."""
    order = np.argsort(-y_score)
    score, positive = y_score[order], is_positive[order]
    last_of_run = _last_of_runs(score)
    tps = np.cumsum(positive)[last_of_run]
    return 1 + last_of_run - tps, tps, score[last_of_run]


def _unweighted_counts(is_positive, y_score):
    ordered, greatest, least = _ordered_bits(y_score)
    score_bits = ordered.dtype
    if greatest - least >= 2 ** (8 * score_bits.itemsize - 1):  # no bit free for the label
        if score_bits == np.int64:  # float64 scores of both signs, far apart
            return _argsorted_counts(is_positive, y_score)
        ordered = ordered.astype(np.int64)  # float32: 64-bit keys
    # key = 2 * (rank - half) + label, rank 0 for the greatest score; rank - half lies
    # in [-2**(bits-2), 2**(bits-2)), so doubling it cannot overflow.
    offset = _wrapped(greatest - 2 ** (8 * ordered.itemsize - 2), ordered.dtype)
    keys = np.subtract(offset, ordered, out=ordered)  # rank - half, exact modulo 2**bits
    keys <<= 1
    keys |= is_positive
    keys.sort()
    ranks = keys >> 1  # equal for tied scores
    last_of_run = _last_of_runs(ranks)
    threshold_bits = np.subtract(offset, ranks[last_of_run]).astype(score_bits, copy=False)
    keys &= 1  # the labels, in decreasing score order
    tps = np.cumsum(keys, dtype=np.int64)[last_of_run]
    fps = 1 + last_of_run - tps  # everything ranked so far that is not a positive
    return fps, tps, _from_ordered_bits(threshold_bits, y_score.dtype)


def _last_of_runs(ranks):
    """The index of the last element of each run of equal values (the end included)."""
    run_ends = np.empty(len(ranks), dtype=bool)
    np.not_equal(ranks[1:], ranks[:-1], out=run_ends[:-1])
    run_ends[-1] = True
    return np.flatnonzero(run_ends)


def _weighted_counts(is_positive, y_score, sample_weight):
    ordered, greatest, _ = _ordered_bits(y_score)  # float32: int32, a span below 2**32
    half = 2**31
    keys = np.subtract(np.int64(greatest - half), ordered, dtype=np.int64)  # rank - half
    keys <<= 32
    keys |= np.arange(len(keys), dtype=np.int64)  # the index breaks ties: a stable order
    keys.sort()
    order = keys & 0xFFFF_FFFF
    ranks = keys >> 32
    last_of_run = _last_of_runs(ranks)
    positive, weight = is_positive[order], sample_weight[order]
    tps = np.cumsum(positive * weight, dtype=np.float64)[last_of_run]
    fps = np.cumsum(~positive * weight, dtype=np.float64)[last_of_run]
    threshold_ordered = (np.int64(greatest - half) - ranks[last_of_run]).astype(np.int32)
    return fps, tps, _from_ordered_bits(threshold_ordered, y_score.dtype)


def fast_counts_at_thresholds(is_positive, y_score, sample_weight=None):
    """``ranking._counts_at_thresholds`` for scores that :func:`fast_sort_applies` to: the same counts.

    ``sample_weight`` holds no zero (``_counts_at_thresholds`` drops them first).

    Example:
        >>> fps, tps, thresholds = fast_counts_at_thresholds(np.array([True, False, True]), np.float32([0.2, 0.9, 0.5]))
        >>> fps.tolist(), tps.tolist(), thresholds.tolist()
        ([1, 1, 1], [0, 1, 2], [0.8999999761581421, 0.5, 0.20000000298023224])

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    if y_score.dtype == np.float16:  # float16 widens to float32 exactly
        fps, tps, thresholds = fast_counts_at_thresholds(is_positive, y_score.astype(np.float32), sample_weight)
        return fps, tps, thresholds.astype(np.float16)
    if sample_weight is None:
        return _unweighted_counts(is_positive, y_score)
    return _weighted_counts(is_positive, y_score, sample_weight)
