"""The result of :func:`lossviz.cv.cross_validate_keras`: the per-fold table and its summary.

Taught in: notebooks/07_kfold_cross_validation.ipynb
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lossviz._validation import fail


def _format_value(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}" if math.isfinite(value) else str(value)
    return str(value)


@dataclass(repr=False)
class CrossValidationResult:
    """What :func:`cross_validate_keras` measured, fold by fold.

    Attributes:
        folds: one dict per fold (the per-fold table): ``fold``, ``n_train``,
            ``n_test``, one entry per metric, ``epochs`` (trained), ``best_epoch``
            (1-based, only with ``best_weights=True``), ``fit_time`` and
            ``score_time`` in seconds (fit_time covers preprocessing, building and
            fitting), as scikit-learn's ``cross_validate`` measured them.
        metric_names: the metric columns, in order.
        splitter: the splitter's class name.
        seed: the base seed; fold ``i`` was seeded with ``seed + i``.
        indices: (train, test) index arrays of every fold.
        histories: ``History.history`` of every fold (dict of per-epoch lists).
        preprocessors: the preprocessor fitted in each fold (None without ``preprocess``).
        models: the fitted Keras models, or None unless ``return_models=True``.
        workers: per fold, the process id it ran in and the TensorFlow intra-op
            thread limit set there (None when it ran in the calling process).
        wall_time: seconds for the whole call.

    ``print(result)`` (or the result as the last expression of a notebook cell) shows the
    per-fold table with a mean and a standard deviation row.
    """

    folds: list[dict[str, Any]]
    metric_names: tuple[str, ...]
    splitter: str
    seed: int
    indices: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    histories: list[dict[str, list[float]]] = field(default_factory=list)
    preprocessors: list[Any] = field(default_factory=list)
    models: list[Any] | None = None
    workers: list[dict[str, Any]] = field(default_factory=list)
    wall_time: float = float("nan")

    def scores(self, name: str) -> np.ndarray:
        """Per-fold values of one metric (or other numeric column), shape (n_folds,)."""
        columns = list(self.folds[0])
        if name not in columns:
            fail("name", f"one of {{{', '.join(repr(c) for c in columns)}}}", name)
        return np.array([row[name] for row in self.folds], dtype=np.float64)

    @property
    def summary(self) -> dict[str, dict[str, float]]:
        """``{metric: {"mean": ..., "std": ...}}``; std is NumPy's default (ddof=0)."""
        return {
            name: {"mean": float(np.mean(self.scores(name))), "std": float(np.std(self.scores(name)))}
            for name in self.metric_names
        }

    def _table(self) -> tuple[list[str], list[list[str]]]:
        columns = [c for c in self.folds[0] if c != "score_time"]
        rows = [
            [_format_value(row[c]) if c != "fit_time" else f"{row[c]:.2f} s" for c in columns] for row in self.folds
        ]
        for statistic in ("mean", "std"):
            rows.append(
                [
                    statistic
                    if c == "fold"
                    else _format_value(self.summary[c][statistic])
                    if c in self.metric_names
                    else ""
                    for c in columns
                ]
            )
        return columns, rows

    def _title(self) -> str:
        return f"{len(self.folds)}-fold cross-validation ({self.splitter}, seed={self.seed}) in {self.wall_time:.1f} s"

    def __str__(self) -> str:
        columns, rows = self._table()
        widths = [max(len(text) for text in column) for column in zip(columns, *rows)]
        lines = [self._title()]
        lines += ["  ".join(text.rjust(width) for text, width in zip(cells, widths)) for cells in [columns, *rows]]
        return "\n".join(lines)

    __repr__ = __str__

    def to_markdown(self) -> str:
        """The per-fold table with mean and std rows, as a Markdown table."""
        columns, rows = self._table()
        lines = [f"**{self._title()}**", "", "| " + " | ".join(columns) + " |", "|" + "---:|" * len(columns)]
        lines += ["| " + " | ".join(cells) + " |" for cells in rows]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()
