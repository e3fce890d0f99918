"""The library's sort for ranking metrics: the order of ``ranking._sorted_by_score``, faster.

Sorting is the whole cost of a ROC curve, and ``np.sort`` of floats is several times
faster than ``np.argsort``. Without weights we therefore sort float32 (or float16)
scores themselves with each label packed in: a float32 widened to float64 has its
29 lowest mantissa bits at zero, so the lowest bit can hold the label. Setting it
moves the value by one float64 step, never past another float32 value, so the
order of the scores is kept; rounding back to float32 recovers them. (We sort the
negated scores: ascending order is then decreasing score, without a reversed copy.)
Other unweighted input takes one unstable argsort (integer counts do not depend on
the order inside ties); weighted input the readable stable argsort.

``lossviz.metrics`` installs :func:`sorted_by_score` as
``lossviz.metrics.ranking._sorted_by_score`` when it is imported; the readable
version stays in ranking.py, where ``standalone_source`` copies it from.
"""

from __future__ import annotations

import numpy as np


def sorted_by_score(y_score, is_positive, sample_weight):
    """``(scores, labels, weights)`` in decreasing score order, as ``ranking._sorted_by_score``.

    Example:
        >>> scores, labels, _ = sorted_by_score(np.float32([0.2, 0.9, 0.5]), np.array([True, False, True]), None)
        >>> scores.tolist(), labels.tolist()
        ([0.8999999761581421, 0.5, 0.20000000298023224], [0, 1, 1])

    Taught in: notebooks/06_roc_pr_curves.ipynb
    """
    if sample_weight is None and y_score.dtype in (np.float16, np.float32):
        packed = np.negative(y_score, dtype=np.float64)
        packed_bits = packed.view(np.int64)
        packed_bits |= is_positive
        packed.sort()
        return np.negative(packed, dtype=y_score.dtype), packed_bits & 1, None
    if sample_weight is None:
        order = np.argsort(-y_score)
        return y_score[order], is_positive[order], None
    order = np.argsort(-y_score, kind="stable")
    return y_score[order], is_positive[order], sample_weight[order]
