"""Explorer of notebook 12 (calibration and imbalance): temperature and class weight
against the reliability diagram, the probability histograms and the proper scores."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

from lossviz import metrics, plots
from lossviz._explorer import Explorer
from lossviz.data import imbalanced_binary
from lossviz.widgets._common import _float_slider, _static_legend, _static_title

# ====================================================================== calibration


class CalibrationExplorer(Explorer):
    """Temperature and class weight -> reliability diagram, probability histograms, Brier score, log loss and ECE.

    Data: :func:`lossviz.data.imbalanced_binary` (6000 samples, 10 % positives,
    separation 2); the first 2000 rows train, the other 4000 are held out, and every
    number is measured on the held-out rows. For each class weight w a scikit-learn
    ``LogisticRegression(class_weight={0: 1, 1: w})`` is fitted to the training rows
    (no approximation: one fit per slider position, cached), giving logits
    z = coef . x + intercept; the temperature T then scales them, p = sigmoid(z / T).

    On these Gaussian classes the logistic model is the true one, so w = 1, T = 1 is
    close to calibrated; a weight w shifts the fitted logit by about log w (the
    intercept's shift is in ``results``), pushing every probability up and the curve
    below the diagonal. T > 1 flattens the probabilities towards 0.5, T < 1 sharpens
    them. The dashed curve is the model at w = 1, T = 1. ``results`` holds the
    held-out probabilities, the calibration curve (10 uniform bins), ``brier``,
    ``log_loss``, ``ece`` (lossviz.metrics), coef, intercept, ``intercept_shift``
    (against w = 1), ``mean_probability`` and ``prevalence``; the readout shows the
    scores.

    Controls:
        temperature: T, in [0.25, 4] (1.0).
        class_weight: weight w of class 1, in [1, 20] (1.0).

    Example:
        >>> from lossviz.widgets import calibration_explorer
        >>> explorer = calibration_explorer()
        >>> calibrated_ece = explorer.results["ece"]
        >>> explorer.set(class_weight=9.0)
        >>> bool(explorer.results["ece"] > calibrated_ece)
        True

    Taught in: notebooks/12_calibration_and_imbalance.ipynb
    """

    name = "calibration"
    seed_context = {}
    figsize = (9.0, 4.0)
    n_train = 2000
    n_bins = 10

    def _make_controls(self):
        return {
            "temperature": _float_slider(1.0, 0.25, 4.0, 0.05, "temperature T"),
            "class_weight": _float_slider(1.0, 1.0, 20.0, 0.5, "weight of class 1 (minority)"),
        }

    def _build(self, figure):
        X, y = imbalanced_binary(n=6000, positive_fraction=0.1, separation=2.0, seed=self.seed)
        self.X_train, self.y_train = X[: self.n_train], y[: self.n_train]
        self.X_test, self.y_test = X[self.n_train :], y[self.n_train :]
        # A fit depends on the weight alone: a slider moved back and forth refits nothing.
        self._fitted = functools.lru_cache(maxsize=128)(self._fit)
        reliability_ax, histogram_ax = figure.subplots(1, 2, width_ratios=(1, 1.2))
        reference = self._scores(1.0, 1.0)
        self.reliability = plots.plot_reliability_diagram(
            reference["prob_true"],
            reference["prob_pred"],
            reliability_ax,
            label="T, w",
            reference=(reference["prob_true"], reference["prob_pred"]),
            reference_label="T = 1, w = 1",
        )
        self.histograms = plots.plot_probability_histograms(self.y_test, reference["probability"], histogram_ax)
        _static_legend(self.reliability.legend)
        _static_legend(self.histograms.legend)
        _static_title(reliability_ax, "held-out reliability, p = sigmoid(z / T)")
        _static_title(histogram_ax, "held-out probabilities by class")

    def _fit(self, class_weight: float) -> tuple[np.ndarray, float]:
        # newton-cholesky: exact for two features, and quick. The data are the
        # explorer's own (finite): scikit-learn's per-call checks are skipped.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            model = LogisticRegression(class_weight={0: 1.0, 1: class_weight}, solver="newton-cholesky")
            model.fit(self.X_train, self.y_train)
        return model.coef_[0].copy(), float(model.intercept_[0])

    def _scores(self, temperature: float, class_weight: float) -> dict[str, Any]:
        coef, intercept = self._fitted(class_weight)
        logit = self.X_test @ coef + intercept
        probability = np.exp(-np.logaddexp(0.0, -logit / temperature))  # sigmoid, without overflow
        prob_true, prob_pred = metrics.calibration_curve(self.y_test, probability, n_bins=self.n_bins)
        return {
            "probability": probability,
            "prob_true": prob_true,
            "prob_pred": prob_pred,
            "brier": metrics.brier_score_loss(self.y_test, probability),
            "log_loss": metrics.log_loss(self.y_test, probability),
            "ece": metrics.expected_calibration_error(self.y_test, probability, n_bins=self.n_bins),
            "coef": coef.copy(),
            "intercept": intercept,
            "intercept_shift": intercept - self._fitted(1.0)[1],
            "mean_probability": float(probability.mean()),
            "prevalence": float(self.y_test.mean()),
        }

    def _update(self, params):
        scores = self._scores(params["temperature"], params["class_weight"])
        self.reliability.update(scores["prob_true"], scores["prob_pred"])
        self.histograms.update(self.y_test, scores["probability"])
        self._results = scores

    def _readout(self):
        params, results = self.params, self._results
        return [
            f"T = {params['temperature']:.2f}, w = {params['class_weight']:g}: Brier {results['brier']:.4f}, "
            f"log loss {results['log_loss']:.4f}, ECE {results['ece']:.4f} ({len(self.y_test)} held-out samples)",
            f"mean probability {results['mean_probability']:.3f} vs prevalence {results['prevalence']:.3f}; "
            f"intercept shift {results['intercept_shift']:.2f} (log w = {np.log(params['class_weight']):.2f})",
        ]

    def _moving_artists(self):
        return [self.reliability.curve, self.histograms.negatives, self.histograms.positives]
