"""Explorers of notebook 07 (k-fold cross-validation): the fold diagram of a splitter."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn import model_selection

from lossviz import plots
from lossviz._explorer import Explorer
from lossviz.widgets._common import _checkbox, _dropdown, _float_slider, _int_slider, _static_title

# ========================================================================= k-fold

SPLITTERS = ("KFold", "StratifiedKFold", "GroupKFold", "TimeSeriesSplit")


class KFoldExplorer(Explorer):
    """k, splitter and class imbalance -> the fold diagram of a scikit-learn splitter.

    50 samples sorted by class (positives last) in 10 groups of 5 consecutive samples
    (think: 5 rows per patient). Unshuffled KFold then puts all positives in the last
    folds; StratifiedKFold keeps the class ratio in every fold; GroupKFold never splits
    a group; TimeSeriesSplit always tests on the future. The splitter's warnings (too
    few members of a class for k folds) are shown in the readout. ``n_splits``
    changes the rows, so it also redraws the y axis. ``results`` holds the splitter,
    the number of positives, the splits, the positives in each test fold and the
    warnings.

    Controls:
        n_splits: k, in [2, 10] (5).
        splitter: one of SPLITTERS ("KFold").
        positive_fraction: in [0.04, 0.5] (0.2).
        shuffle: (False; ignored by TimeSeriesSplit), with ``random_state=seed``.

    Example:
        >>> from lossviz.widgets import kfold_explorer
        >>> explorer = kfold_explorer(splitter="KFold", n_splits=5)
        >>> explorer.results["test_positives"]
        [0, 0, 0, 0, 10]
        >>> explorer.set(splitter="StratifiedKFold")
        >>> explorer.results["test_positives"]
        [2, 2, 2, 2, 2]

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """

    name = "kfold"
    seed_context = {"splitter": "KFold", "shuffle": True}
    figsize = (8.0, 4.0)
    control_context = {"shuffle": {"splitter": "KFold"}}
    n_samples = 50
    group_size = 5
    title = "test fold of each split"

    def _make_controls(self):
        return {
            "n_splits": _int_slider(5, 2, 10, "k (n_splits)"),
            "splitter": _dropdown("KFold", SPLITTERS, "splitter"),
            "positive_fraction": _float_slider(0.2, 0.04, 0.5, 0.02, "positive fraction"),
            "shuffle": _checkbox(False, "shuffle"),
        }

    def _data(self, positive_fraction: float):
        # Sorted by class, as many CSV files are: what unshuffled KFold trips over.
        positives = max(1, round(self.n_samples * positive_fraction))
        y = (np.arange(self.n_samples) >= self.n_samples - positives).astype(np.int64)
        groups = np.arange(self.n_samples) // self.group_size
        return np.arange(self.n_samples, dtype=float)[:, None], y, groups

    def _splitter(self, params):
        splitter = getattr(model_selection, params["splitter"])
        if params["splitter"] == "TimeSeriesSplit":
            return splitter(n_splits=params["n_splits"])
        if params["shuffle"]:
            return splitter(n_splits=params["n_splits"], shuffle=True, random_state=self.seed)
        return splitter(n_splits=params["n_splits"])

    def _build(self, figure):
        X, y, groups = self._data(self.params["positive_fraction"])
        ax = figure.subplots()
        # The counts go in the readout, not in notes right of the rows: a moving text
        # costs about 1 ms to lay out plus 0.1 ms per glyph on every update.
        self.diagram = plots.plot_cv_splits(model_selection.KFold(2), X, y, groups, ax, notes=False)
        _static_title(ax, self.title)  # the splitter's name and numbers: in the readout

    def _update(self, params):
        X, y, groups = self._data(params["positive_fraction"])
        cv = self._splitter(params)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.diagram.update(cv, X, y, groups, title=self.title)
        messages = [str(warning.message) for warning in caught]
        self._results = {
            "splitter": cv,
            "positives": int(y.sum()),
            "splits": self.diagram.splits,
            "test_positives": [int(y[test].sum()) for _, test in self.diagram.splits],
            "warnings": messages,
        }

    def _readout(self):
        results = self._results
        sizes = ", ".join(str(len(test)) for _, test in results["splits"])
        positives = ", ".join(str(count) for count in results["test_positives"])
        return [
            f"{results['splitter']!r} on {results['positives']} positives of "
            f"{self.n_samples}: test folds of {sizes} samples with {positives} positives",
            *(f"warning: {message}" for message in results["warnings"]),
        ]

    def _moving_artists(self):
        return [self.diagram.cells]

    def _relabelled(self, changed):
        # k sets the rows: the y axis's ticks and limits. The x axis stays static.
        return [self.diagram.ax.yaxis] if "n_splits" in changed else []
