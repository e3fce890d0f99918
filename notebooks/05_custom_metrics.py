# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: jupyter,tags,-all
#     notebook_metadata_filter: kernelspec,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 Custom metrics: precision, recall and F1 done right
#
# **After this notebook you can**
# - derive accuracy, precision, recall, specificity, F1 and F-beta from TP / TN / FP / FN,
#   and say what micro, macro and weighted averaging really average;
# - explain, with numbers, why a metric written as a function of one batch is wrong;
# - write a stateful `keras.metrics.Metric` and check it against a reference.
#
# Many Keras 2 blog posts define precision, recall and F1 as functions of one batch
# (`tf.round`, `K.sum`) and pass them to `compile`. Keras averages those per-batch values
# over the epoch, which is not the precision of the epoch. We measure how wrong it is.

# %% [markdown]
# ## Setup

# %%
import lossviz

session = lossviz.setup()  # seed from LOSSVIZ_SEED (default 0), versions
seed = session.seed

from fractions import Fraction
from importlib.util import find_spec

import keras
import matplotlib.pyplot as plt
import numpy as np
import sklearn.metrics

import lossviz.data
import lossviz.keras_facts
import lossviz.keras_metrics
import lossviz.keras_models
import lossviz.losses
import lossviz.metrics
import lossviz.plots
import lossviz.widgets

# %% [markdown]
# ## Intuition: every metric is a ratio of cells of one matrix
#
# A tiny Keras model (logistic regression) on scikit-learn's breast cancer data. We make
# **1 = malignant** the positive class (scikit-learn codes it 0), because "positive" should
# mean the thing we are looking for. A sample is predicted positive when its score is above
# 0.5.

# %%
X_train, X_test, y_train, y_test = lossviz.data.breast_cancer_split(seed=seed, positive="malignant")
# Dense(1, activation="sigmoid") fitted with Adam: see lossviz/keras_models.py
model = lossviz.keras_models.fit_logistic_regression(X_train, y_train, epochs=5, seed=seed)
y_score = lossviz.keras_models.predict_scores(model, X_test)  # P(malignant), shape (n,)
y_pred = (y_score > 0.5).astype(int)
print(f"{len(y_test)} test samples, {y_test.sum()} malignant, {y_pred.sum()} predicted malignant")

# %%
matrix = lossviz.metrics.confusion_matrix(y_test, y_pred)
figure, ax = plt.subplots(figsize=(4, 3.5), layout="constrained")
lossviz.plots.plot_confusion_matrix(matrix, ax, labels=["benign", "malignant"],
                                    title="rows: truth, columns: prediction")
assert np.array_equal(matrix, sklearn.metrics.confusion_matrix(y_test, y_pred))
tn, fp, fn, tp = matrix.ravel()
assert tp + fn == y_test.sum() and tp + fp == y_pred.sum()

# %% [markdown]
# ## Formula
#
# With N = TP + TN + FP + FN samples (rows of the matrix are the truth):
#
# | metric | formula | reads as |
# |---|---|---|
# | accuracy | (TP + TN) / N | share of right decisions |
# | error rate | (FP + FN) / N = 1 - accuracy | share of wrong decisions |
# | precision | TP / (TP + FP) | of the predicted positives, how many are positive |
# | recall = TPR = sensitivity | TP / (TP + FN) | of the positives, how many we found |
# | specificity = TNR | TN / (TN + FP) | of the negatives, how many we cleared |
# | false positive rate (FPR) | FP / (FP + TN) = 1 - specificity | of the negatives, how many we flagged |
# | F1 | 2 P R / (P + R) = 2 TP / (2 TP + FP + FN) | harmonic mean of precision and recall |
# | F-beta | (1 + beta^2) P R / (beta^2 P + R) | recall counts beta times as much as precision |
#
# Precision and recall are **ratios of counts**. Keep that in mind: a mean of ratios is
# not the ratio of the summed counts.

# %% [markdown]
# ## Code: the lossviz twins beside scikit-learn
#
# Each formula is computed from the four counts, by `lossviz.metrics` and by
# scikit-learn; all three must agree.

# %%
n = tn + fp + fn + tp
by_formula = {
    "accuracy_score": (tp + tn) / n, "error_rate": (fp + fn) / n,
    "precision_score": tp / (tp + fp), "recall_score": tp / (tp + fn),
    "specificity_score": tn / (tn + fp), "false_positive_rate": fp / (fp + tn),
    "f1_score": 2 * tp / (2 * tp + fp + fn),
}
for name, value in by_formula.items():
    ours = getattr(lossviz.metrics, name)(y_test, y_pred)
    print(f"{name:20s} formula {value:.4f}  lossviz {ours:.4f}")
    assert np.isclose(ours, value)
for name in ("accuracy_score", "precision_score", "recall_score", "f1_score"):
    assert np.isclose(getattr(sklearn.metrics, name)(y_test, y_pred), by_formula[name])
# scikit-learn has no specificity: it is the recall of the negative class.
assert np.isclose(sklearn.metrics.recall_score(y_test, y_pred, pos_label=0),
                  by_formula["specificity_score"])

# %% [markdown]
# F-beta weighs recall beta times as much as precision: F2 sits closer to recall,
# F0.5 closer to precision, and F1 is F-beta with beta = 1.

# %%
precision, recall = by_formula["precision_score"], by_formula["recall_score"]
for beta in (0.5, 1.0, 2.0):
    formula = (1 + beta**2) * precision * recall / (beta**2 * precision + recall)
    ours = lossviz.metrics.fbeta_score(y_test, y_pred, beta=beta)
    assert np.isclose(ours, formula)
    assert np.isclose(ours, sklearn.metrics.fbeta_score(y_test, y_pred, beta=beta))
    print(f"F{beta:g} = {ours:.4f}   (precision {precision:.4f}, recall {recall:.4f})")
f_half, f_two = (lossviz.metrics.fbeta_score(y_test, y_pred, beta=b) for b in (0.5, 2.0))
assert abs(f_two - recall) < abs(f_half - recall)

# %% [markdown]
# The classification report prints precision, recall, F1 and support per class, and the
# averages explained in the next section. lossviz's report is scikit-learn's, to the
# character.

# %%
names = ["benign", "malignant"]
report = lossviz.metrics.classification_report(y_test, y_pred, target_names=names, digits=3)
print(report)
assert report == sklearn.metrics.classification_report(y_test, y_pred, target_names=names,
                                                       digits=3)

# %% [markdown]
# ## Several classes: micro, macro and weighted averaging
#
# With C classes every class gets its own one-vs-rest precision and recall. Three ways to
# turn them into one number:
#
# - **micro**: pool every decision first (add the TP, FP, FN of all classes), then one
#   ratio. With one label per sample, every wrong prediction is a FP for one class and a
#   FN for another, so micro precision = micro recall = micro F1 = accuracy.
# - **macro**: compute the score per class, then the plain mean: a rare class counts as
#   much as a common one.
# - **weighted**: the per-class scores averaged with weights = support (true samples per
#   class). Weighted recall always equals accuracy.
#
# A worked example: 10 animals, 5 cats (0), 3 dogs (1), 2 birds (2).

# %%
animal_true = np.array([0, 0, 0, 0, 0, 1, 1, 1, 2, 2])
animal_pred = np.array([0, 0, 0, 1, 1, 1, 1, 0, 2, 1])
print(lossviz.metrics.confusion_matrix(animal_true, animal_pred))
per_class = lossviz.metrics.precision_recall_fscore_support(animal_true, animal_pred)
# Column totals 4, 5, 1 are the predictions per class; row totals 5, 3, 2 the support.
class_precision = [Fraction(3, 4), Fraction(2, 5), Fraction(1, 1)]
class_recall = [Fraction(3, 5), Fraction(2, 3), Fraction(1, 2)]
class_f1 = [2 * p * r / (p + r) for p, r in zip(class_precision, class_recall)]
support = [5, 3, 2]
for ours, by_hand in zip(per_class, (class_precision, class_recall, class_f1, support)):
    assert np.allclose(ours, [float(value) for value in by_hand])
print("per-class F1:", [str(value) for value in class_f1])

# %% [markdown]
# Now the three averages, by hand (exact fractions) and by lossviz and scikit-learn:

# %%
per_class_scores = (class_precision, class_recall, class_f1)
by_hand = {  # (precision, recall, F1) as exact fractions
    "micro": (Fraction(6, 10),) * 3,  # 6 of 10 right: pooled TP = 6, FP = FN = 4
    "macro": tuple(sum(scores) / 3 for scores in per_class_scores),
    "weighted": tuple(sum(score * weight for score, weight in zip(scores, support)) / 10
                      for scores in per_class_scores),
}
for average, expected in by_hand.items():
    ours = lossviz.metrics.precision_recall_fscore_support(
        animal_true, animal_pred, average=average)[:3]
    theirs = sklearn.metrics.precision_recall_fscore_support(
        animal_true, animal_pred, average=average)[:3]
    print(f"{average:8s} P, R, F1 = {', '.join(map(str, expected))} = {np.round(ours, 4)}")
    assert np.allclose(ours, [float(value) for value in expected])
    assert np.allclose(ours, theirs)
assert np.isclose(by_hand["micro"][0], lossviz.metrics.accuracy_score(animal_true, animal_pred))
assert by_hand["weighted"][1] == by_hand["micro"][0]  # weighted recall = accuracy, exactly

# %% [markdown]
# Two common mix-ups, measured:
#
# - **Macro F1 is the mean of the per-class F1**, not the F1 of macro precision and macro
#   recall (a different number some tutorials compute).
# - **The micro / macro swap**: a widely copied post describes, for ROC curves, micro
#   averaging as "one curve per class, then the mean" and macro as "flatten all classes into
#   one curve". That is backwards: micro pools (flattens), macro averages per class, for
#   precision as for ROC (notebook 06 measures the ROC case). Flattening the one-hot
#   labels and predictions gives the micro precision:

# %%
macro_p, macro_r = (float(value) for value in by_hand["macro"][:2])
f1_of_macro_means = 2 * macro_p * macro_r / (macro_p + macro_r)
macro_f1 = lossviz.metrics.f1_score(animal_true, animal_pred, average="macro")
print(f"macro F1 {macro_f1:.4f}  vs  F1(macro P, macro R) {f1_of_macro_means:.4f}")
assert abs(macro_f1 - f1_of_macro_means) > 0.03
one_hot = np.eye(3, dtype=int)
flat_precision = lossviz.metrics.precision_score(one_hot[animal_true].ravel(),
                                                 one_hot[animal_pred].ravel())
assert np.isclose(flat_precision, float(by_hand["micro"][0]))
assert not np.isclose(flat_precision, macro_p)

# %% [markdown]
# ## Why a metric of one batch is wrong
#
# The recipe many Keras 2 posts copy: round the batch's predictions, count TP, FP, FN in
# **that batch**, return 2PR / (P + R), and pass the function to `compile(metrics=...)`.
# Keras calls it once per batch and logs the **mean of the batch values**, every batch
# counting once. lossviz keeps that recipe (in its common form with `+ K.epsilon()` in the
# denominators), clearly labelled wrong, as `lossviz.keras_metrics.batchwise_f1`, and the
# right one, a stateful metric that adds the counts over the epoch, as `StreamingF1`. We
# evaluate the same trained model with both at several batch sizes.

# %%
model.compile(loss="binary_crossentropy", metrics=[
    lossviz.keras_metrics.batchwise_f1, lossviz.keras_metrics.StreamingF1(name="streaming_f1")])
epoch_f1 = lossviz.metrics.f1_score(y_test, y_pred)
logged = {}
for batch_size in (143, 32, 8):
    logged[batch_size] = model.evaluate(X_test, y_test[:, None], batch_size=batch_size,
                                        verbose=0, return_dict=True)
    print(f"batch {batch_size:3d}: recipe {logged[batch_size]['batchwise_f1']:.4f}   "
          f"streaming {logged[batch_size]['streaming_f1']:.4f}   epoch F1 {epoch_f1:.4f}")

# %% [markdown]
# What the reader should see, asserted:
#
# - what Keras logged is exactly the mean of the recipe over the batches
#   (`lossviz.metrics.batch_averaged` recomputes it batch by batch);
# - with one batch holding the whole test set the recipe is right (one batch = the epoch);
#   with smaller batches it drifts from the epoch F1. How far depends on which samples
#   share a batch: this one order of the test set may drift more at 32 than at 8. On
#   average over orders the drift grows as batches shrink (measured in the next cell).

# %%
for batch_size, values in logged.items():
    mean_of_batches = lossviz.metrics.batch_averaged(
        lossviz.keras_metrics.batchwise_f1, y_test[:, None], y_score[:, None], batch_size)
    assert np.isclose(values["batchwise_f1"], mean_of_batches, atol=1e-5), batch_size
recipe_gap = {size: epoch_f1 - values["batchwise_f1"] for size, values in logged.items()}
print("epoch F1 - logged recipe:", {size: round(gap, 4) for size, gap in recipe_gap.items()})
assert abs(recipe_gap[143]) < 1e-5


# %% [markdown]
# The same recipe in NumPy (checked against lossviz's Keras version on this order), then
# 200 random orders of the test set drawn from the notebook's `session.rng`: the mean gap
# per batch size.

# %%
def recipe_numpy(batch_true, batch_pred, eps=1e-7):  # batchwise_f1, with K.epsilon()
    rounded = np.round(batch_pred)
    tp, fp = np.sum(batch_true * rounded), np.sum((1 - batch_true) * rounded)
    precision, recall = tp / (tp + fp + eps), tp / (tp + np.sum(batch_true * (1 - rounded)) + eps)
    return 2 * precision * recall / (precision + recall + eps)


assert np.isclose(lossviz.metrics.batch_averaged(recipe_numpy, y_test, y_score, 8),
                  lossviz.metrics.batch_averaged(lossviz.keras_metrics.batchwise_f1, y_test, y_score, 8), atol=1e-5)
orders = [session.rng.permutation(len(y_test)) for _ in range(200)]
mean_gap = {size: np.mean([epoch_f1 - lossviz.metrics.batch_averaged(recipe_numpy, y_test[order], y_score[order], size)
                           for order in orders]) for size in (143, 32, 8)}
print("mean gap over 200 orders:", {size: round(float(gap), 4) for size, gap in mean_gap.items()})
assert abs(mean_gap[143]) < 1e-5 and mean_gap[143] < mean_gap[32] < mean_gap[8]  # 143: one batch, exact but for eps

# %% [markdown]
# **Division by zero.** With 8 samples per batch, a batch may hold no malignant sample:
# its recall is 0 / 0. How often? Over 2000 random orders of this test set, count the
# orders with at least one such batch.

# %%
has_empty_batch = [any(y_test[order][start:start + 8].sum() == 0 for start in range(0, len(y_test), 8))
                   for order in (session.rng.permutation(len(y_test)) for _ in range(2000))]
print(f"{np.mean(has_empty_batch):.0%} of the orders have a batch of 8 without a malignant sample")
assert 0.2 < np.mean(has_empty_batch) < 0.5  # often, but not always: build one on purpose


# %% [markdown]
# So we build such an order on purpose: 8 benign samples first, the rest shuffled. The
# recipe as the old post writes it (no epsilon) returns NaN for that batch, and one NaN
# batch makes the epoch's mean NaN. The `+ K.epsilon()` patch turns that batch into an F1
# of 0 instead: no NaN, but the mean is pulled down, which is just as wrong.

# %%
def recipe_without_epsilon(batch_true, batch_pred):  # the old post's F1, in NumPy
    rounded = np.round(batch_pred)
    tp, fp = np.sum(batch_true * rounded), np.sum((1 - batch_true) * rounded)
    fn = np.sum(batch_true * (1 - rounded))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        return 2 * precision * recall / (precision + recall)


benign = np.flatnonzero(y_test == 0)
order = np.concatenate([benign[:8], session.rng.permutation(np.setdiff1d(np.arange(len(y_test)), benign[:8]))])
true_ordered, score_ordered = y_test[order], y_score[order]

# %%
no_epsilon, raw_values = lossviz.metrics.batch_averaged(
    recipe_without_epsilon, true_ordered, score_ordered, 8, return_per_batch=True)
_, patched_values = lossviz.metrics.batch_averaged(
    lossviz.keras_metrics.batchwise_f1, true_ordered, score_ordered, 8, return_per_batch=True)
empty = np.array([true_ordered[start:start + 8].sum() == 0 for start in range(0, len(y_test), 8)])
print(f"batches without a positive: {np.flatnonzero(empty)}; without epsilon the epoch "
      f"value is {no_epsilon}; with it those batches score {patched_values[empty]}")
assert empty.any() and np.isnan(no_epsilon) and np.all(np.isnan(raw_values[empty]))
assert np.allclose(patched_values[empty], 0.0)

# %% [markdown]
# ## Explore: batch size against the gap
#
# The explorer uses 1000 scored samples with 10 % positives. Bars are the F1 of each batch
# (the patched recipe that adds `K.epsilon()` scores an empty batch 0 instead of NaN), the
# dashed line their mean (what Keras would log), the black line the F1 of the epoch. Drag
# the batch size down and watch the dashed line fall away.

# %%
batch_explorer = lossviz.widgets.batch_f1_explorer()
batch_explorer

# %% [markdown]
# The check, on the explorer's data (drawn from the notebook's seed) in their fixed order:
# at 256 and 64 samples per batch the epoch F1 and the mean of the batch F1 differ only
# by noise; from there down to 4 the gap grows at every step, and more and more batches
# hold no positive at all. (For one order that is typical, not guaranteed; on average
# over orders it holds, as measured above; here it held for seeds 0 to 99.)

# %%
gaps, empties = [], []
for batch_size in (256, 64, 16, 4):
    batch_explorer.set(batch_size=batch_size)
    results = batch_explorer.results
    gaps.append(results["epoch_f1"] - results["batch_mean"])
    empties.append(results["batches_without_positive"])
    print(f"batch {batch_size:3d}: gap {gaps[-1]:.3f}, batches without a positive "
          f"{empties[-1]}")
assert max(gaps[:2]) < gaps[2] < gaps[3]
assert gaps[-1] > 0.2 and empties[0] == 0 and empties[-1] > 100

# %% [markdown]
# ## The right ways
#
# **1. A stateful metric.** `StreamingF1` keeps three variables (TP, FP, FN) and adds each
# batch's counts to them in `update_state`; `result()` divides only at the end. Read it:
# `lossviz.keras_metrics.StreamingF1??`. Whatever the batch size, it logged the epoch F1:

# %%
for batch_size, values in logged.items():
    assert np.isclose(values["streaming_f1"], epoch_f1, atol=1e-6), batch_size
print(f"StreamingF1 = {epoch_f1:.4f} at batch sizes {sorted(logged)}")

# %% [markdown]
# **2. Keras's own metrics.** `Precision` and `Recall` are stateful too (positive means
# score > threshold, default 0.5). `F1Score` wants 2-D input `(batch, classes)`, and its
# default `threshold=None` marks each row's **argmax** as positive; give it a threshold for
# a single sigmoid output. They agree with the counts:

# %%
scores_2d, labels_2d = y_score[:, None], y_test[:, None].astype("float32")
keras_values = {}
for metric in (keras.metrics.Precision(), keras.metrics.Recall(),
               keras.metrics.F1Score(threshold=0.5)):
    metric.update_state(labels_2d, scores_2d)
    keras_values[metric.name] = float(np.squeeze(metric.result()))
print(keras_values)
assert np.isclose(keras_values["precision"], by_formula["precision_score"], atol=1e-6)
assert np.isclose(keras_values["recall"], by_formula["recall_score"], atol=1e-6)
assert np.isclose(keras_values["f1_score"], epoch_f1, atol=1e-6)

# %% [markdown]
# `F1Score` refuses 1-D input with a `ValueError` (shown and checked here):

# %%
message = "no error"
try:
    keras.metrics.F1Score(threshold=0.5).update_state(y_test.astype("float32"), y_score)
except ValueError as error:
    message = str(error)
    print(message)
assert "expects 2D inputs" in message

# %% [markdown]
# And without a threshold, a single sigmoid column is every row's argmax: **every sample
# counts as positive**, whatever its score (Keras only spares scores within 1e-9 of 0, so
# an all-zero row does not become all-positive). F1 is then close to the F1 of "always
# malignant", 2 pi / (1 + pi) with pi the positive fraction (keras-team/keras#19716).

# %%
argmax_f1 = keras.metrics.F1Score()  # threshold=None
argmax_f1.update_state(labels_2d, scores_2d)
keras_rule = (y_score > 1e-9).astype(int)  # the row's argmax, unless the score is ~0
always_positive = lossviz.metrics.f1_score(y_test, np.ones_like(y_test))
print(f"F1Score() {float(argmax_f1.result()[0]):.4f}; {keras_rule.mean():.0%} of samples "
      f"counted positive; 'always positive' {always_positive:.4f}; real F1 {epoch_f1:.4f}")
assert np.isclose(float(argmax_f1.result()[0]), lossviz.metrics.f1_score(y_test, keras_rule),
                  atol=1e-6)
assert keras_rule.mean() > 0.8 and float(argmax_f1.result()[0]) < epoch_f1 - 0.2
assert abs(float(argmax_f1.result()[0]) - always_positive) < 0.03  # close (seeds 0 to 9: at most 0.011 apart)
assert np.isclose(always_positive, 2 * y_test.mean() / (1 + y_test.mean()))
spared = keras.metrics.F1Score()  # a score of exactly 0 is not counted positive
spared.update_state(np.array([[1.0], [0.0]]), np.array([[0.3], [0.0]]))
assert np.isclose(float(spared.result()[0]), 1.0, atol=1e-6)  # 2/3 if the 0 counted positive


# %% [markdown]
# **3. A percentage error that respects sample weights.** Write the weighting into the
# state: keep sum(w * error) and sum(w), divide in `result()`. This is the mean absolute
# percentage error, error = 100 mean(|y - y_hat| / max(|y|, eps)) over each sample's last
# axis, as `keras.metrics.MeanAbsolutePercentageError` computes it. Without weights every
# sample has weight 1, so the count grows by the number of **samples** of the batch (not
# by 1 per batch); with weights, by their sum, one weight per sample value. That is what
# Keras's `Mean` does (`keras/src/metrics/reduction_metrics.py`).

# %%
class WeightedMAPE(keras.metrics.Metric):
    """sum(w * error) / sum(w) over batches; error = 100 mean(|y - y_hat| / max(|y|, eps), axis=-1)."""

    def __init__(self, name="weighted_mape", **kwargs):
        super().__init__(name=name, **kwargs)
        self.weighted_error = self.add_variable(shape=(), initializer="zeros", name="error")
        self.total_weight = self.add_variable(shape=(), initializer="zeros", name="weight")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = keras.ops.cast(y_true, self.dtype), keras.ops.cast(y_pred, self.dtype)
        scale = keras.ops.maximum(keras.ops.abs(y_true), keras.backend.epsilon())
        error = 100 * keras.ops.mean(keras.ops.abs(y_true - y_pred) / scale, axis=-1)  # (B,)
        weight = keras.ops.ones_like(error) if sample_weight is None else keras.ops.cast(sample_weight, self.dtype)
        weight = keras.ops.broadcast_to(weight, keras.ops.shape(error))  # one weight per sample value
        self.weighted_error.assign_add(keras.ops.sum(weight * error))
        self.total_weight.assign_add(keras.ops.sum(weight))  # no weights: the number of samples

    def result(self):
        return keras.ops.divide_no_nan(self.weighted_error, self.total_weight)


# %% [markdown]
# Fed in two batches of `(samples, 1)` columns, it matches Keras's
# `MeanAbsolutePercentageError` with the same weights and without, and scikit-learn's
# weighted MAPE; a weight of 0 removes a sample entirely.

# %%
targets = np.array([100.0, 10.0, 1.0, 50.0, 20.0, 5.0])[:, None]  # (samples, 1), as Dense(1) gives
predictions = np.array([90.0, 12.0, 2.0, 50.0, 25.0, 4.0])[:, None]
weights = np.array([1.0, 1.0, 0.0, 2.0, 1.0, 3.0])
weightings = {"weighted": weights, "unweighted": None}
mape_results = {}  # (ours, Keras's) per weighting
for kind, weighting in weightings.items():
    ours, theirs = WeightedMAPE(), keras.metrics.MeanAbsolutePercentageError()
    for part in (slice(0, 4), slice(4, 6)):  # two batches of different sizes
        batch_weight = None if weighting is None else weighting[part]
        ours.update_state(targets[part], predictions[part], sample_weight=batch_weight)
        theirs.update_state(targets[part], predictions[part], sample_weight=batch_weight)
    mape_results[kind] = (float(ours.result()), float(theirs.result()))
print({kind: [round(value, 4) for value in pair] for kind, pair in mape_results.items()}, "(ours, Keras)")

# %%
for kind, (ours_value, keras_value) in mape_results.items():
    expected = 100 * sklearn.metrics.mean_absolute_percentage_error(
        targets, predictions, sample_weight=weightings[kind])
    assert np.allclose([ours_value, keras_value], expected, rtol=1e-6), kind
assert np.isclose(mape_results["unweighted"][0], 175 / 6)  # the six errors sum to 175 %: over 6 samples

# %% [markdown]
# And it passes the checker: uneven batches, weights 0/1/2, a `get_config` round trip, a
# compiled `model.evaluate`, and the lossviz MAPE twin as the reference (its per-sample
# values averaged, as `MeanMetricWrapper` averages them).

# %%
mape_check = lossviz.check_metric(WeightedMAPE, reference=lossviz.losses.mean_absolute_percentage_error,
                                  inputs="regression")
assert mape_check, mape_check.report()


# %% [markdown]
# ### Wrong on purpose: a MAPE of one number per batch
#
# The recipe-style version, a function returning one number per batch, cannot take
# per-sample weights at all: Keras must broadcast the weights onto that one number and
# fails. The error's type depends on the backend (**TensorFlow**: `InvalidArgumentError`;
# **JAX**: `ValueError`); `lossviz.keras_facts.backend_differences()` measures which one
# yours raises (notebook 02 has the table).

# %% tags=["wrong-on-purpose"]
def batch_mape(y_true, y_pred):  # WRONG: one number per batch
    return 100 * keras.ops.mean(keras.ops.abs((y_true - y_pred) / y_true))


error_name = "no error"
try:
    wrapped = keras.metrics.MeanMetricWrapper(batch_mape)
    wrapped.update_state(targets, predictions, sample_weight=weights)
except Exception as error:  # the backend's own error type
    error_name = type(error).__name__
    print(error_name, str(error).splitlines()[0][:100])
measured = lossviz.keras_facts.backend_differences(["weights on a one-number metric"])["weights on a one-number metric"]
print(f"on {keras.backend.backend()}: {error_name} (the backend's answer to the same mistake: {measured})")
assert error_name == measured != "no error"

# %% [markdown]
# ## Pitfalls, measured
#
# **`keras.metrics.Accuracy` is exact equality.** It compares `y_true == y_pred`, so on
# probabilities it only counts the scores a saturated sigmoid rounded to exactly 0.0 or
# 1.0 in float32. For scores use `BinaryAccuracy` (threshold 0.5), or the string
# `"accuracy"` in `compile`, which picks the right one from the shapes
# (keras-team/keras#18796).

# %%
exact = keras.metrics.Accuracy()
exact.update_state(labels_2d, scores_2d)
binary = keras.metrics.BinaryAccuracy()
binary.update_state(labels_2d, scores_2d)
print(f"Accuracy {float(exact.result()):.4f}  BinaryAccuracy {float(binary.result()):.4f}")
assert np.isclose(float(exact.result()), np.mean(y_score == y_test))
assert float(exact.result()) < float(binary.result()) - 0.5
assert np.isclose(float(binary.result()), by_formula["accuracy_score"], atol=1e-6)
model.compile(loss="binary_crossentropy", metrics=["accuracy"])  # the string: BinaryAccuracy here
by_string = model.evaluate(X_test, y_test[:, None], verbose=0, return_dict=True)["accuracy"]
assert np.isclose(by_string, float(binary.result()), atol=1e-6)

# %% [markdown]
# **`Precision` on softmax outputs flattens the classes.** Without `class_id` or `top_k`,
# Keras treats every cell of the (samples, classes) matrix as one binary decision with a
# 0.5 threshold. On the animals, with softmax probabilities whose argmax is the
# prediction above, that number is none of micro (0.6), macro or weighted precision
# (keras-team/keras#5400).

# %%
animal_probs = np.array([[.7, .2, .1], [.6, .3, .1], [.45, .3, .25], [.3, .6, .1],
                         [.4, .45, .15], [.1, .8, .1], [.3, .4, .3], [.5, .3, .2],
                         [.2, .2, .6], [.3, .4, .3]])
assert np.array_equal(animal_probs.argmax(axis=1), animal_pred)
flattened = keras.metrics.Precision()
flattened.update_state(one_hot[animal_true], animal_probs)
cells = lossviz.metrics.precision_score(one_hot[animal_true].ravel(),
                                        (animal_probs.ravel() > 0.5).astype(int))
weighted_p = float(by_hand["weighted"][0])
print(f"Keras Precision() {float(flattened.result()):.4f} = precision over the 30 cells "
      f"{cells:.4f}; micro 0.6, macro {macro_p:.4f}, weighted {weighted_p:.4f}")
assert np.isclose(float(flattened.result()), cells) and not np.isclose(cells, 0.6)
assert not np.isclose(cells, macro_p) and not np.isclose(cells, weighted_p)

# %% [markdown]
# The fix: `top_k=1` makes the argmax the one positive per row (micro precision), and
# `class_id=k, top_k=1` gives class k's precision; or use `F1Score(average="macro")`.

# %%
top_one = keras.metrics.Precision(top_k=1)
top_one.update_state(one_hot[animal_true], animal_probs)
assert np.isclose(float(top_one.result()), 0.6)
for k in range(3):
    per_class_metric = keras.metrics.Precision(class_id=k, top_k=1)
    per_class_metric.update_state(one_hot[animal_true], animal_probs)
    assert np.isclose(float(per_class_metric.result()), float(class_precision[k]))
macro_f1_keras = keras.metrics.F1Score(average="macro")
macro_f1_keras.update_state(one_hot[animal_true], animal_probs)
assert np.isclose(float(macro_f1_keras.result()), macro_f1, atol=1e-6)

# %% [markdown]
# **`metrics=` ignores sample weights; `weighted_metrics=` uses them.** Weigh each
# malignant sample 5 times as much and evaluate the same model with the same metric in
# both places; then the same weights as `fit(class_weight={0: 1, 1: 5})` (learning rate
# 0, so the weights stay): fit's log shows the same two numbers.

# %%
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="binary_crossentropy",
              metrics=[keras.metrics.BinaryAccuracy(name="plain")],
              weighted_metrics=[keras.metrics.BinaryAccuracy(name="weighted")])
sample_weight = np.where(y_test == 1, 5.0, 1.0)
evaluated = model.evaluate(X_test, y_test[:, None], sample_weight=sample_weight,
                           verbose=0, return_dict=True)
weighted_accuracy = lossviz.metrics.accuracy_score(y_test, y_pred, sample_weight=sample_weight)
print(f"metrics=: {evaluated['plain']:.4f} (unweighted {by_formula['accuracy_score']:.4f})"
      f"   weighted_metrics=: {evaluated['weighted']:.4f} (weighted {weighted_accuracy:.4f})")
assert np.isclose(evaluated["plain"], by_formula["accuracy_score"], atol=1e-6)
assert np.isclose(evaluated["weighted"], weighted_accuracy, atol=1e-6)
assert not np.isclose(by_formula["accuracy_score"], weighted_accuracy)
fitted = model.fit(X_test, y_test[:, None], class_weight={0: 1.0, 1: 5.0}, batch_size=len(y_test),
                   epochs=1, verbose=0).history  # class_weight: metrics= ignore it too
assert np.allclose([fitted["plain"][-1], fitted["weighted"][-1]], [evaluated["plain"], evaluated["weighted"]], atol=1e-6)

# %% [markdown]
# **Old posts in a Keras 3 world.** The recipe above was written with `keras.backend`
# maths (`K.sum`, `K.round`, `K.epsilon`). Keras 3 removed the maths from `keras.backend`
# (only helpers such as `epsilon()` remain): use `keras.ops`. Other things those posts use
# are gone too: `keras.wrappers.scikit_learn` (removed in TensorFlow/Keras 2.13, before
# Keras 3, *(release history, not measured here)*; use `keras.wrappers.SKLearnClassifier`,
# or SciKeras on Keras 2),
# `sklearn.cross_validation` (use `sklearn.model_selection`), and positional `classes` in
# `label_binarize` (write `classes=`; notebook 06 shows the error).

# %%
assert not hasattr(keras.backend, "sum") and not hasattr(keras.backend, "round")
assert hasattr(keras.ops, "sum") and hasattr(keras.ops, "round")
assert keras.backend.epsilon() == 1e-7
assert find_spec("keras.wrappers.scikit_learn") is None
assert hasattr(keras.wrappers, "SKLearnClassifier")
assert find_spec("sklearn.cross_validation") is None

# %% [markdown]
# ## The training log is a running average
#
# The `loss` and metrics that `fit` prints for an epoch are not the model's score at the
# end of the epoch. Each batch is scored by the weights **before** its update, and the log
# is the running mean of those batch scores (batches weighted by their size). While the
# model is still learning, that mean carries the early, worse batches: it differs from
# `evaluate` on the same data after training.
#
# Built to show it: a line `y = 3x + 1` fitted from weights of 0 by SGD, 8 batches an
# epoch, 2 epochs. A callback records the weights before every batch, so each batch's
# MAE can be recomputed in NumPy. It reads them through the callback's `model`
# attribute, not the `line` variable: on **JAX**, `fit` keeps the weights outside the
# model during an epoch (reading `line.get_weights()` there raises a `TypeError` from the
# second batch on), and the callback's `model` syncs them back first; on TensorFlow both
# work. `lossviz.keras_on_backend.get_weights_during_fit()` measures it on your backend (cell
# after next).

# %%
keras.utils.set_random_seed(seed)
line_x = np.random.default_rng(seed).normal(size=(64, 1)).astype("float32")
line_y = 3 * line_x + 1
line = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros")])
line.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
before_batch = []
recorder = keras.callbacks.LambdaCallback(
    on_train_batch_begin=lambda batch, logs: before_batch.append(recorder.model.get_weights()))
history = line.fit(line_x, line_y, batch_size=8, epochs=2, shuffle=False, verbose=0,
                   callbacks=[recorder])
after = line.evaluate(line_x, line_y, batch_size=64, verbose=0, return_dict=True)

# %%
batch_mae = [np.mean(np.abs(line_x[8 * (b % 8):8 * (b % 8) + 8] @ kernel + bias
                            - line_y[8 * (b % 8):8 * (b % 8) + 8]))
             for b, (kernel, bias) in enumerate(before_batch)]
logged = history.history["mae"][-1]
print(f"last epoch: logged MAE {logged:.4f} = mean of its 8 batch MAEs "
      f"{np.mean(batch_mae[8:]):.4f}; evaluate after training {after['mae']:.4f}")
assert np.isclose(logged, np.mean(batch_mae[8:]), rtol=1e-5)
assert logged > 1.2 * after["mae"]

# %%
error = lossviz.keras_on_backend.get_weights_during_fit()  # the model variable, read from a callback
assert error == {"jax": "TypeError"}.get(keras.backend.backend(), "no error")

# %% [markdown]
# ## Dropout and batch normalisation: fit's log against evaluate
#
# Besides [the running mean](05_custom_metrics.ipynb#The-training-log-is-a-running-average),
# two more things make what `fit` logs differ from `evaluate` on the same data right after
# the epoch:
#
# - **training mode**: in `fit` every batch runs with dropout on, and batch normalisation
#   normalises with **that batch's** mean and variance; `evaluate` runs in inference mode:
#   no dropout, and batch normalisation uses its **moving** mean and variance;
# - **regularisation**: penalties such as `kernel_regularizer` are added to the loss, not
#   to the metrics.
#
# Each is measured alone on a tiny regression model: `Dense(8)` with an L2 penalty,
# `BatchNormalization`, `Dropout(0.5)`, `Dense(1)`, on 256 rows of unscaled features
# (mean 5, spread 3, as in many CSV files). The learning rate is **0**, so the weights
# never change during the epoch: there is no running-mean effect, and whatever still
# differs comes from the mode and the penalty.

# %%
keras.utils.set_random_seed(seed)
bn_x = np.random.default_rng(seed).normal(5.0, 3.0, size=(256, 4)).astype("float32")
bn_y = bn_x @ np.array([[1.0], [-2.0], [0.5], [1.0]], "float32")
frozen = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, kernel_regularizer=keras.regularizers.L2(0.01)),
                           keras.layers.BatchNormalization(), keras.layers.Dropout(0.5), keras.layers.Dense(1)])
frozen.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse", metrics=["mse"])
start = [keras.ops.convert_to_numpy(weight) for weight in frozen.trainable_weights]
history = frozen.fit(bn_x, bn_y, batch_size=32, epochs=1, shuffle=False, verbose=0)
fit_log = {name: values[-1] for name, values in history.history.items()}
evaluated = frozen.evaluate(bn_x, bn_y, batch_size=256, verbose=0, return_dict=True)
print(f"fit's log: loss {fit_log['loss']:.3f}, mse {fit_log['mse']:.3f}; "
      f"evaluate: loss {evaluated['loss']:.3f}, mse {evaluated['mse']:.3f}")
assert all(np.array_equal(old, keras.ops.convert_to_numpy(new)) for old, new in zip(start, frozen.trainable_weights))

# %% [markdown]
# **Regularisation is in the loss, not in the metric.** Loss and metric are both the MSE;
# they differ by the penalty 0.01 sum(kernel^2), in the log and in `evaluate` alike. A
# regularised model's `loss` is therefore above its `mse` metric even on a perfect fit.

# %%
kernel = keras.ops.convert_to_numpy(frozen.layers[0].kernel)
penalty = 0.01 * np.sum(kernel.astype("float64") ** 2)
in_log, in_evaluate = fit_log["loss"] - fit_log["mse"], evaluated["loss"] - evaluated["mse"]
print(f"penalty {penalty:.5f}; loss - mse: in fit's log {in_log:.5f}, in evaluate {in_evaluate:.5f}")
tolerance = lossviz.keras_facts.float_tolerance(np.float32([fit_log["loss"], evaluated["loss"]]), ulps=64)
assert np.allclose([in_log, in_evaluate], penalty, rtol=0, atol=tolerance)

# %% [markdown]
# **Batch normalisation keeps two sets of statistics.** In training mode it normalises
# with the batch's mean and variance, and moves its moving averages 1 % of the way
# towards them (momentum 0.99), even at a learning rate of 0: the layer updates them, not
# the optimizer. After 8 batches they have gone 1 - 0.99^8 = 7.7 % of the way from their
# start (mean 0, variance 1). Recomputed in NumPy from the 8 batches:

# %%
bias = keras.ops.convert_to_numpy(frozen.layers[0].bias)
hidden = bn_x @ kernel + bias  # what BatchNormalization receives
share = 0.01 * 0.99 ** np.arange(7, -1, -1)  # the weight of batch k in the moving average
moving_mean = sum(weight * part.mean(axis=0) for weight, part in zip(share, np.split(hidden, 8)))
moving_variance = 0.99**8 + sum(weight * part.var(axis=0) for weight, part in zip(share, np.split(hidden, 8)))
norm = frozen.layers[1]
assert np.allclose(keras.ops.convert_to_numpy(norm.moving_mean), moving_mean, rtol=1e-4, atol=1e-5)
assert np.allclose(keras.ops.convert_to_numpy(norm.moving_variance), moving_variance, rtol=1e-4)
print(f"data mean of the 8 units {np.round(hidden.mean(axis=0), 2)}\nmoving mean {np.round(moving_mean, 2)}")

# %% [markdown]
# `evaluate` normalises with those moving averages: by hand (moving statistics, dropout
# off) we get its MSE exactly. The same weights with the batch statistics, as in `fit`,
# give other outputs:

# %%
gamma, beta = (keras.ops.convert_to_numpy(weight) for weight in (norm.gamma, norm.beta))
last_kernel, last_bias = (keras.ops.convert_to_numpy(weight) for weight in frozen.layers[3].weights)


def head(normalised):  # BatchNormalization's scale and shift, dropout off, the last Dense
    return (normalised * gamma + beta) @ last_kernel + last_bias


inference = head((hidden - moving_mean) / np.sqrt(moving_variance + norm.epsilon))
batch_statistics = head((hidden - hidden.mean(axis=0)) / np.sqrt(hidden.var(axis=0) + norm.epsilon))
print(f"MSE by hand: moving statistics {np.mean((inference - bn_y) ** 2):.3f} (evaluate "
      f"{evaluated['mse']:.3f}), batch statistics {np.mean((batch_statistics - bn_y) ** 2):.3f}")
assert np.isclose(np.mean((inference - bn_y) ** 2), evaluated["mse"], rtol=1e-4)
assert np.max(np.abs(inference - batch_statistics)) > 0.5

# %% [markdown]
# **Dropout** in training mode zeroes each unit with probability 0.5 and doubles the
# others, with a new draw for every batch; in inference mode it passes its input through.
# So fit's log also carries the noise of the masks, which `evaluate` never sees.

# %%
ones = np.ones((256, 8), "float32")
dropped = keras.ops.convert_to_numpy(frozen.layers[2](ones, training=True))
passed = keras.ops.convert_to_numpy(frozen.layers[2](ones, training=False))
print(f"training mode: values {np.unique(dropped)}, share zeroed {np.mean(dropped == 0):.3f}")
assert set(np.unique(dropped)) == {0.0, 2.0} and np.array_equal(passed, ones)
assert 0.45 < np.mean(dropped == 0) < 0.55  # 2048 coin flips: 4.5 standard deviations either side


# %% [markdown]
# **How far apart, built on purpose.** On the model above both modes act at once, on an
# untrained model, and fit's log can land close to `evaluate`. To see each mode alone,
# take a model with one of them, the learning rate 0, and as targets **the model's own
# outputs in one mode**: then any error comes from the other mode, and its direction is
# known. Dropout makes fit's log the worse number; batch normalisation, here, `evaluate`.
#
# - `Dense(64, relu)` then `Dropout(0.8)`, targets from inference mode: `evaluate` is 0,
#   and fit's log is all dropout noise.
# - `BatchNormalization` first, on the unscaled features, targets from training mode (the
#   256 rows as one batch), fitted as one batch: fit's log is 0 up to rounding, and
#   `evaluate` uses moving averages that have gone only 1 - 0.99^2 = 2 % of the way to the
#   features' mean 5 and variance 9 (1 % in the call that made the targets, 1 % in `fit`).
#
# Both are shown as multiples of the targets' variance, the MSE of always predicting their
# mean. Over seeds 0-9, fit's log under dropout was 6.5 to 91 times it on TensorFlow and
# 12 to 61 on JAX; `evaluate` under batch normalisation 9.7 to 139 on TensorFlow and 4.1
# to 111 on JAX; over seeds 0-29 on both, the lowest were 5.4 and 2.8 *(this cell's code
# run once per seed and backend, not measured here)*. The assert asks for more than 1:
# worse than that constant.

# %%
def against_own_outputs(middle, training):  # learning rate 0; targets: the model's own outputs
    model = keras.Sequential([keras.Input((4,)), *middle, keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    own = keras.ops.convert_to_numpy(model(bn_x, training=training))
    logged = model.fit(bn_x, own, batch_size=256, epochs=1, verbose=0).history["loss"][0]
    return model, logged / np.var(own), model.evaluate(bn_x, own, verbose=0) / np.var(own)


# %%
keras.utils.set_random_seed(seed)
_, dropout_log, dropout_evaluate = against_own_outputs(
    [keras.layers.Dense(64, activation="relu"), keras.layers.Dropout(0.8)], training=False)
keras.utils.set_random_seed(seed)
norm_model, norm_log, norm_evaluate = against_own_outputs(
    [keras.layers.BatchNormalization(), keras.layers.Dense(64, activation="relu")], training=True)
print(f"in units of the targets' variance: dropout: fit's log {dropout_log:.2f}, evaluate {dropout_evaluate:.2g}; "
      f"batch normalisation: fit's log {norm_log:.2g}, evaluate {norm_evaluate:.2f}")
moved = 1 - 0.99**2  # two updates of the moving averages, from mean 0 and variance 1
assert np.allclose(keras.ops.convert_to_numpy(norm_model.layers[0].moving_mean), moved * bn_x.mean(axis=0), rtol=1e-4)
assert np.allclose(keras.ops.convert_to_numpy(norm_model.layers[0].moving_variance),
                   1 - moved + moved * bn_x.var(axis=0), rtol=1e-4)
assert dropout_evaluate < 1e-6 < 1 < dropout_log and norm_log < 1e-6 < 1 < norm_evaluate


# %% [markdown]
# With a learning rate above 0 the running mean comes on top of these two. To compare a
# model with itself, compare `evaluate` with `evaluate`, never with the log of `fit`.

# %% [markdown]
# ## Exercise: a stateful specificity
#
# Write `Specificity`, a `keras.metrics.Metric` that reports TN / (TN + FP) for a single
# sigmoid output (positive when the score is above `threshold`) over **everything it has
# seen**, honouring `sample_weight`. The start below has one piece missing. The checker
# feeds it uneven batches, weights, a `get_config` round trip and a compiled
# `model.evaluate`, and compares it with `lossviz.metrics.specificity_score` on all
# samples at once. The starter is wrong on purpose: read the checker's report, then fix it.

# %% tags=["wrong-on-purpose"]
class Specificity(keras.metrics.Metric):
    def __init__(self, threshold=0.5, name="specificity", **kwargs):
        super().__init__(name=name, **kwargs)
        self.threshold = threshold
        self.true_negatives = self.add_variable(shape=(), initializer="zeros", name="tn")
        self.false_positives = self.add_variable(shape=(), initializer="zeros", name="fp")

    def update_state(self, y_true, y_pred, sample_weight=None):
        negative = 1 - keras.ops.cast(keras.ops.ravel(y_true), "float32")
        predicted = keras.ops.cast(keras.ops.ravel(y_pred) > self.threshold, "float32")
        weight = 1.0 if sample_weight is None else keras.ops.ravel(sample_weight)
        self.true_negatives.assign_add(keras.ops.sum(weight * negative * (1 - predicted)))
        # TODO: count the false positives as well

    def result(self):
        return keras.ops.divide_no_nan(self.true_negatives,
                                       self.true_negatives + self.false_positives)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


check = lossviz.check_metric(Specificity(), reference=lossviz.metrics.specificity_score)


# %% [markdown]
# Solution: count the false positives too (negatives with a score above the threshold).

# %% jupyter={"source_hidden": true} tags=["solution"]
class Specificity(keras.metrics.Metric):
    def __init__(self, threshold=0.5, name="specificity", **kwargs):
        super().__init__(name=name, **kwargs)
        self.threshold = threshold
        self.true_negatives = self.add_variable(shape=(), initializer="zeros", name="tn")
        self.false_positives = self.add_variable(shape=(), initializer="zeros", name="fp")

    def update_state(self, y_true, y_pred, sample_weight=None):
        negative = 1 - keras.ops.cast(keras.ops.ravel(y_true), "float32")
        predicted = keras.ops.cast(keras.ops.ravel(y_pred) > self.threshold, "float32")
        weight = 1.0 if sample_weight is None else keras.ops.ravel(sample_weight)
        self.true_negatives.assign_add(keras.ops.sum(weight * negative * (1 - predicted)))
        self.false_positives.assign_add(keras.ops.sum(weight * negative * predicted))

    def result(self):
        return keras.ops.divide_no_nan(self.true_negatives,
                                       self.true_negatives + self.false_positives)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


check = lossviz.check_metric(Specificity(), reference=lossviz.metrics.specificity_score)
assert check, check.report()

# %% [markdown]
# ## Summary
#
# - Every binary metric is a ratio of cells of the confusion matrix; lossviz's twins equal
#   scikit-learn's, and the classification report is the same text.
# - Micro pools all decisions (= accuracy for one label per sample), macro averages the
#   per-class scores, weighted averages them by support.
# - A metric function of one batch is averaged over batches: wrong for precision, recall
#   and F1, worse for small batches, NaN on a batch without positives. Use a stateful
#   `keras.metrics.Metric` (lossviz's `StreamingF1`) or Keras's `Precision`, `Recall`,
#   `F1Score(threshold=...)` with 2-D inputs.
# - `Accuracy` is exact equality, `Precision` flattens softmax columns, and only
#   `weighted_metrics=` use sample weights.
# - fit's log is not `evaluate`: a running mean over a changing model, dropout and batch
#   statistics in training mode, and regularisation penalties in the loss (not the metric).
#
# Next: [06 ROC and PR curves](06_roc_pr_curves.ipynb), every threshold at once.
