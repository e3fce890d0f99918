"""What every metric family shares: the undefined-metric warning and the input as arrays."""

from __future__ import annotations

import numpy as np


class UndefinedMetricWarning(UserWarning):
    """A metric is undefined for this input (e.g. 0/0); a fallback value was returned.

    Plays the role of ``sklearn.exceptions.UndefinedMetricWarning`` (also a
    ``UserWarning``) without importing scikit-learn: silence both with
    ``warnings.simplefilter("ignore", UserWarning)``, or pass ``zero_division``.

    Example:
        >>> import warnings
        >>> from lossviz.metrics import precision_score
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     precision_score([0, 1], [0, 0])
        0.0
        >>> caught[0].category.__name__
        'UndefinedMetricWarning'

    Taught in: notebooks/05_custom_metrics.ipynb
    """


def _squeeze_column(y) -> np.ndarray:
    """``y`` as an array; a column (n, 1) is read as a 1-D array, as scikit-learn reads it."""
    y = np.asarray(y)
    return y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y


def _as_scores(y_score) -> np.ndarray:
    """Scores of one binary problem as a 1-D float array (float32 stays float32)."""
    scores = _squeeze_column(y_score)
    return scores if scores.dtype.kind == "f" else scores.astype(np.float64)
