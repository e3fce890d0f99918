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
   float32 scores take 64-bit keys. Float64 scores take 64-bit keys when one bit is
   free (always for scores of one sign), one argsort otherwise.
3. After the sort, ``key & 1`` is the label in decreasing score order, ``key >> 1``
   tells the tied scores apart, and the thresholds are read back from the keys. ROC
   AUC needs no counts at all (:func:`fast_roc_auc`): the positions of the positives
   give the Mann-Whitney U, and ``np.searchsorted`` the tied pairs.

With weights the order inside ties matters (the weights are added up in input order,
as scikit-learn does, to get its sums to the last bit): float32 scores then take two
passes of NumPy's stable radix sort of 16-bit keys (the lower, then the upper half of
each rank). Float64 scores with weights, the one case left, take the readable stable
argsort.

``roc_curve`` (:func:`fast_roc_curve`) and the average precision
(:func:`fast_average_precision`) of unweighted float32 scores go further: they take no
count per threshold, only what their result needs (the fewer arrays of one entry per
sample, the fewer page faults).

``ranking._counts_at_thresholds`` calls :func:`fast_counts_at_thresholds` when
:func:`fast_sort_applies`, ``ranking._binary_roc_auc`` :func:`fast_roc_auc` when
:func:`fast_roc_auc_applies`, ``ranking.roc_curve`` :func:`fast_roc_curve` when
:func:`fast_roc_curve_applies` and ``ranking._binary_average_precision``
:func:`fast_average_precision` when :func:`fast_average_precision_applies`, each in an
``if`` that :func:`lossviz.standalone_source` drops, so the blocks it hands out keep the
readable code. Tests hold both paths to the same counts, curves and floats, and to
scikit-learn's results; ``bench/bench_metrics.py`` times them.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "fast_sort_applies",
    "fast_counts_at_thresholds",
    "fast_roc_auc_applies",
    "fast_roc_auc",
    "fast_roc_curve_applies",
    "fast_roc_curve",
    "fast_average_precision_applies",
    "fast_average_precision",
]

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
    """The scores' bits as signed integers in the order of the scores, with their greatest and least.

    Non-negative floats are ordered as their bits already; a negative float's lower
    bits count down as it grows, so they are flipped.
    """
    ordered = np.add(y_score, y_score.dtype.type(0)).view(_INTEGER_OF[y_score.dtype])  # -0.0 + 0.0 is +0.0
    ends = np.array([y_score.max(), y_score.min()]) + y_score.dtype.type(0)
    if ends[1] < 0:
        _flip_negative(ordered)
    greatest, least = _flip_negative(ends.view(ordered.dtype)).tolist()
    return ordered, greatest, least


def _flip_negative(bits):
    """Flip the lower bits of the negative entries, in place (its own inverse); returns ``bits``."""
    flip = bits >> (8 * bits.itemsize - 1)  # -1 for negative, 0 otherwise
    flip &= _LOW_BITS[bits.dtype]
    bits ^= flip
    return bits


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


def _sorted_keys(is_positive, y_score):
    """Sorted keys ``2 * (rank - half) + label`` (rank 0 for the greatest score) and the ``offset``
    that turns ``key >> 1`` back into the ordered bits; None for float64 scores with no bit free.

    ``rank - half`` lies in [-2**(bits-2), 2**(bits-2)), so doubling it cannot overflow. (In
    place, with few temporaries: fresh memory costs page faults, a third of the sort's time.)
    """
    ordered, greatest, least = _ordered_bits(y_score)
    if greatest - least >= 2 ** (8 * ordered.itemsize - 1):  # no bit free for the label
        if ordered.dtype == np.int64:  # float64 scores of both signs, far apart
            return None, None
        ordered = ordered.astype(np.int64)  # float32: 64-bit keys
    offset = _wrapped(greatest - 2 ** (8 * ordered.itemsize - 2), ordered.dtype)
    keys = np.subtract(offset, ordered, out=ordered)  # rank - half, exact modulo 2**bits
    keys <<= 1
    keys |= is_positive
    keys.sort()
    return keys, offset


def _unweighted_counts(is_positive, y_score):
    keys, offset = _sorted_keys(is_positive, y_score)
    if keys is None:
        return _argsorted_counts(is_positive, y_score)
    positives_so_far = np.cumsum(keys & 1, dtype=np.int64)
    keys >>= 1  # rank - half: equal for tied scores
    last_of_run = _last_of_runs(keys)
    tps = positives_so_far[last_of_run]
    del positives_so_far
    threshold_bits = keys[last_of_run]
    np.subtract(offset, threshold_bits, out=threshold_bits)
    score_bits = _INTEGER_OF[y_score.dtype]
    thresholds = _flip_negative(threshold_bits.astype(score_bits, copy=False)).view(y_score.dtype)
    fps = np.add(last_of_run, 1, out=last_of_run)
    fps -= tps  # everything ranked so far that is not a positive
    return fps, tps, thresholds


def _last_of_runs(ranks):
    """The index of the last element of each run of equal values (the end included)."""
    run_ends = np.empty(len(ranks), dtype=bool)
    np.not_equal(ranks[1:], ranks[:-1], out=run_ends[:-1])
    run_ends[-1] = True
    return np.flatnonzero(run_ends)


def _weighted_counts(is_positive, y_score, sample_weight):
    """Float32 scores: a stable order from two passes of NumPy's radix sort.

    NumPy's stable argsort of 16-bit integers is a radix sort. Sorting the 32-bit ranks
    by their lower half, then (stably) by their upper half, orders them with tied
    scores in input order, as a stable argsort does, so the weights are added in
    scikit-learn's order; in about two thirds of the time of sorting 64-bit keys.
    """
    ordered, greatest, _ = _ordered_bits(y_score)  # int32: a span below 2**32
    greatest = np.uint32(greatest % 2**32)
    ranks = np.subtract(greatest, ordered.view(np.uint32))  # greatest - score bits, exact modulo 2**32
    order = np.argsort(ranks.astype(np.uint16), kind="stable")
    upper = (ranks >> 16).astype(np.uint16)
    order = order[np.argsort(upper[order], kind="stable")]
    ranks = ranks[order]
    last_of_run = _last_of_runs(ranks)
    threshold_bits = np.subtract(greatest, ranks[last_of_run]).view(np.int32)
    del ranks, upper
    positive, weight = is_positive[order], sample_weight[order]
    tps = np.cumsum(positive * weight, dtype=np.float64)[last_of_run]
    fps = np.cumsum(~positive * weight, dtype=np.float64)[last_of_run]
    return fps, tps, _flip_negative(threshold_bits).view(y_score.dtype)


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


def fast_roc_auc_applies(y_score, sample_weight, max_fpr) -> bool:
    """Whether :func:`fast_roc_auc` takes this problem: the full area of unweighted float scores.

    Example:
        >>> fast_roc_auc_applies(np.float32([0.2, 0.9]), None, None), fast_roc_auc_applies(np.float32([0.2]), None, 0.5)
        (True, False)

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    return sample_weight is None and (max_fpr is None or max_fpr == 1) and fast_sort_applies(y_score, None)


def fast_roc_auc(is_positive, y_score):
    """ROC AUC of one binary problem with both classes: the Mann-Whitney U from the sorted keys.

    In decreasing score order, the k-th positive (k from 0) at position i has
    N - (i - k) negatives below it, so without ties 2U = 2PN - 2 sum(i) + P(P - 1).
    Inside a run of tied scores the negatives sort first (label bit 0), so each pair
    of a tied positive and negative is missed there and counts 1/2 in U: add p * q
    for each run of p positives and q negatives, found with ``np.searchsorted``
    (``side="left"`` and ``"right"``). The area is 2U / 2 / N / P, with the same
    integer and the same divisions as ``ranking._binary_roc_auc``: the same float.

    Example:
        >>> fast_roc_auc(np.array([False, False, True, True]), np.float32([0.1, 0.4, 0.35, 0.8]))
        0.75

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    if y_score.dtype == np.float16:
        y_score = y_score.astype(np.float32)
    keys, _ = _sorted_keys(is_positive, y_score)
    if keys is None:  # float64 of both signs, far apart: the counts, after an argsort
        fps, tps, _ = _argsorted_counts(is_positive, y_score)
        twice_area = np.sum(np.diff(fps) * (tps[1:] + tps[:-1])) + fps[0] * tps[0]
        return float(twice_area / 2.0 / fps[-1] / tps[-1])
    positions = np.flatnonzero(keys & 1)
    n_positive = len(positions)
    n_negative = len(keys) - n_positive
    twice_u = 2 * n_positive * n_negative - 2 * int(positions.sum()) + n_positive * (n_positive - 1)
    # A negative key followed by the positive key of the same score: k ^ (k + 1) == 1 for even k only.
    mixed = keys[np.flatnonzero((keys[1:] ^ keys[:-1]) == 1)]
    if len(mixed):
        negatives = np.searchsorted(keys, mixed, "right") - np.searchsorted(keys, mixed, "left")
        positives = np.searchsorted(keys, mixed + 1, "right") - np.searchsorted(keys, mixed + 1, "left")
        twice_u += int(np.dot(negatives, positives))
    return float(np.int64(twice_u) / 2.0 / np.int64(n_negative) / np.int64(n_positive))


def _fast_curve_applies(is_positive, y_score, sample_weight) -> bool:
    """Unweighted float16 or float32 scores of one dimension, with a positive."""
    if sample_weight is not None or y_score.dtype not in (np.float16, np.float32):
        return False
    return fast_sort_applies(y_score, None) and bool(is_positive.any())


def fast_roc_curve_applies(is_positive, y_score, sample_weight, drop_intermediate) -> bool:
    """Whether :func:`fast_roc_curve` takes this problem: unweighted float16 or float32 scores,
    both classes (no warning to give), ``drop_intermediate=True``.

    Example:
        >>> fast_roc_curve_applies(np.array([True, False]), np.float32([0.2, 0.9]), None, True)
        True

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    return (
        bool(drop_intermediate) and _fast_curve_applies(is_positive, y_score, sample_weight) and not is_positive.all()
    )


def fast_average_precision_applies(is_positive, y_score, sample_weight) -> bool:
    """Whether :func:`fast_average_precision` takes this problem: unweighted float16 or float32
    scores with a positive (no warning to give).

    Example:
        >>> fast_average_precision_applies(np.array([True, False]), np.float32([0.2, 0.9]), np.ones(2))
        False

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    return _fast_curve_applies(is_positive, y_score, sample_weight)


def _sorted_labels_and_ranks(is_positive, y_score):
    """Sorted keys split in place: (labels as uint8, ranks, the ``offset`` of ``_sorted_keys``)."""
    keys, offset = _sorted_keys(is_positive, y_score.astype(np.float32, copy=False))
    labels = np.bitwise_and(keys, 1, out=np.empty(len(keys), np.uint8), casting="unsafe")
    keys >>= 1  # rank - half: equal for tied scores
    return labels, keys, offset


def _run_ends(ranks):
    """Mask of the last element of each run of equal values."""
    run_end = np.empty(len(ranks), dtype=bool)
    np.not_equal(ranks[1:], ranks[:-1], out=run_end[:-1])
    run_end[-1] = True
    return run_end


def fast_roc_curve(is_positive, y_score):
    """``roc_curve(..., drop_intermediate=True)`` for problems :func:`fast_roc_curve_applies` to: the same arrays.

    A point is dropped when the next distinct score holds as many positives and negatives
    as its own (the second differences of FP and TP are zero). So the inner samples of
    a run of three or more untied scores with one label never make a point; they are
    removed first, with 1-byte masks, and the readable test runs on what is left (about
    a fifth of the samples on a good classifier). A removed run has its neighbours' label,
    so ``(gap to the previous sample left) * label`` adds up to the true positives.
    (Fresh memory costs page faults, a third of the sort here: no int32 array per sample
    besides the keys.)

    Example:
        >>> fpr, tpr, thresholds = fast_roc_curve(np.array([False, False, True, True]), np.float32([0.1, 0.4, 0.35, 0.8]))
        >>> fpr.tolist(), tpr.tolist()
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    labels, ranks, offset = _sorted_labels_and_ranks(is_positive, y_score)
    run_end = _run_ends(ranks)
    # plain[i]: samples i and i + 1 are untied (runs of one) and share a label.
    plain = np.equal(labels[1:], labels[:-1], out=np.empty(len(labels) - 1, dtype=bool))
    plain &= run_end[1:]
    plain &= run_end[:-1]
    plain[1:] &= run_end[:-2]
    left = np.empty(len(labels), dtype=bool)
    left[0] = left[-1] = True
    np.logical_and(plain[1:], plain[:-1], out=left[1:-1])
    np.logical_not(left[1:-1], out=left[1:-1])
    position = np.flatnonzero(left)
    label = labels[position]
    del labels, plain, left
    last_of_run = np.flatnonzero(run_end[position])  # in the samples left
    tps_left = np.cumsum(label, dtype=np.int64)[last_of_run]
    corner = np.zeros(len(last_of_run), dtype=bool)
    corner[0] = corner[-1] = True
    for counts in (tps_left, last_of_run):  # the readable test (TP, and TP + FP), on what is left
        step = np.diff(counts)
        corner[1:-1] |= step[1:] != step[:-1]
    kept = last_of_run[corner]
    tps = np.cumsum(np.diff(position, prepend=-1) * label)[kept]
    at = position[kept]  # sample index of each kept threshold
    fps = at + 1 - tps
    threshold_bits = np.subtract(offset, ranks[at]).astype(np.int32, copy=False)
    thresholds = np.empty(len(at) + 1)
    thresholds[0] = np.inf
    thresholds[1:] = _flip_negative(threshold_bits).view(np.float32)
    fpr, tpr = np.zeros(len(at) + 1), np.zeros(len(at) + 1)
    np.divide(fps, np.float64(fps[-1]), out=fpr[1:])  # the readable FP / N, on float64 counts
    np.divide(tps, np.float64(tps[-1]), out=tpr[1:])
    return fpr, tpr, thresholds


def fast_average_precision(is_positive, y_score, chunk=1 << 16):
    """``ranking._binary_average_precision`` for problems :func:`fast_average_precision_applies` to: the same float.

    The readable sum has one term per distinct score (0 where no positive is added), and
    ``np.sum`` groups its terms by their positions: to get its float to the last bit, all
    the terms are kept, in order, in one float64 array. Everything else is taken from the
    sorted keys a chunk of samples at a time, so that apart from the keys and the terms
    no array per sample is allocated (fresh memory costs page faults, a third of the sort
    here).

    Example:
        >>> round(fast_average_precision(np.array([False, False, True, True]), np.float32([0.1, 0.4, 0.35, 0.8])), 4)
        0.8333

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    keys, _ = _sorted_keys(is_positive, y_score.astype(np.float32, copy=False))
    n, total = len(keys), np.count_nonzero(is_positive)
    terms = np.empty(n)  # the first `groups` hold the readable terms
    groups = positives = tps_before = 0
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        rank = keys[start : stop + 1] >> 1  # with the next key: does the chunk's last run end in it?
        run_end = np.ones(stop - start, dtype=bool)
        np.not_equal(rank[1:], rank[:-1], out=run_end[: len(rank) - 1])
        positives_so_far = np.cumsum(keys[start:stop] & 1, dtype=np.int32)  # n < 2**31
        tps = positives_so_far[run_end] + positives
        ranked = np.flatnonzero(run_end) + (start + 1)  # samples so far: TP + FP
        positives += int(positives_so_far[-1])
        if len(tps):  # the readable recall gain times the precision, term by term
            gain = np.diff(tps, prepend=tps_before)
            np.multiply(gain / total, tps / ranked, out=terms[groups : groups + len(tps)])
            groups, tps_before = groups + len(tps), tps[-1]
    return float(max(0.0, np.sum(terms[:groups])))
