"""Explorers of notebook 04 (weighting): class weight against the decision boundary."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

from lossviz import metrics, plots
from lossviz._explorer import Explorer
from lossviz.data import imbalanced_binary
from lossviz.widgets._common import _float_slider, _matrix_artists, _static_legend, _static_title

# =================================================================== class weight


class ClassWeightExplorer(Explorer):
    """Weight of the minority class -> decision boundary, confusion matrix and recall.

    A logistic regression (scikit-learn, ``class_weight={0: 1, 1: w}``) is fitted to
    :func:`lossviz.data.imbalanced_binary` (400 samples, 10 % positives). Raising w
    multiplies the loss of every positive sample, as Keras's ``fit(class_weight=...)``
    does: the boundary moves into the majority class, recall rises and precision falls.
    Counts and rates come from ``lossviz.metrics`` on the training data. ``results``
    holds coef, intercept, confusion_matrix, recall and precision; the readout shows
    the last two.

    Controls:
        class_weight: weight of class 1, in [1, 30] (1.0).

    Example:
        >>> from lossviz.widgets import class_weight_explorer
        >>> explorer = class_weight_explorer()
        >>> recall_unweighted = explorer.results["recall"]
        >>> explorer.set(class_weight=9.0)
        >>> bool(explorer.results["recall"] > recall_unweighted)
        True

    Taught in: notebooks/04_weighting.ipynb
    """

    name = "class_weight"
    seed_context = {}
    figsize = (8.0, 3.8)

    def _make_controls(self):
        return {"class_weight": _float_slider(1.0, 1.0, 30.0, 0.5, "weight of class 1 (minority)")}

    def _build(self, figure):
        self.X, self.y = imbalanced_binary(n=400, positive_fraction=0.1, separation=2.0, seed=self.seed)
        boundary_ax, matrix_ax = figure.subplots(1, 2, width_ratios=(1.3, 1))
        # A fit depends on the weight alone: a slider moved back and forth refits nothing.
        self._scores = functools.lru_cache(maxsize=128)(self._fit_and_score)
        scores = self._scores(self.params["class_weight"])
        self.boundary = plots.plot_linear_boundary(self.X, self.y, scores["coef"], scores["intercept"], boundary_ax)
        self.matrix = plots.plot_confusion_matrix(np.zeros((2, 2), int), matrix_ax)
        _static_legend(self.boundary.legend)
        _static_title(boundary_ax, "class_weight={0: 1, 1: w}")
        _static_title(matrix_ax, "confusion matrix")

    def _fit(self, class_weight: float) -> LogisticRegression:
        # newton-cholesky: exact for few features, and far quicker here than lbfgs. The
        # data are the explorer's own (finite, checked once): scikit-learn's per-call
        # input and parameter checks are skipped, which saves about a fifth of a fit.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return LogisticRegression(class_weight={0: 1.0, 1: class_weight}, solver="newton-cholesky").fit(
                self.X, self.y
            )

    def _fit_and_score(self, class_weight: float) -> dict[str, Any]:
        model = self._fit(class_weight)
        y_pred = model.predict(self.X)
        return {
            "coef": model.coef_[0].copy(),
            "intercept": float(model.intercept_[0]),
            "confusion_matrix": metrics.confusion_matrix(self.y, y_pred, labels=[0, 1]),
            "recall": metrics.recall_score(self.y, y_pred, zero_division=0.0),
            "precision": metrics.precision_score(self.y, y_pred, zero_division=0.0),
        }

    def _update(self, params):
        scores = self._scores(params["class_weight"])
        self.boundary.update(scores["coef"], scores["intercept"])
        self.matrix.update(scores["confusion_matrix"])
        # Copies: the cached arrays stay as fitted whatever a reader does with results.
        self._results = {**scores, "coef": scores["coef"].copy(), "confusion_matrix": scores["confusion_matrix"].copy()}

    def _readout(self):
        return [
            f"class_weight={{0: 1, 1: {self.params['class_weight']:g}}}: recall "
            f"{self._results['recall']:.2f}, precision {self._results['precision']:.2f}"
        ]

    def _moving_artists(self):
        return [self.boundary.boundary, *_matrix_artists(self.matrix)]
