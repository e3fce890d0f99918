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
# # 04 Weighting: sample, class and output weights, and how Keras reduces them
#
# **After this notebook you can**
# - predict to the last digit the loss and metrics Keras reports with `sample_weight`,
#   `class_weight` or `loss_weights`, and choose a reduction on purpose;
# - rebalance an imbalanced problem with `class_weight`, a weighted loss or oversampling,
#   knowing when they are the same thing;
# - avoid the weighting bugs of old posts: weights inside the loss, `metrics=` that
#   ignore weights, zero weights that still count.

# %% [markdown]
# ## Setup

# %%
import lossviz

session = lossviz.setup()  # seed from LOSSVIZ_SEED (default 0), versions
seed = session.seed

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import ops
from sklearn.linear_model import LogisticRegression

import lossviz.data
import lossviz.losses
import lossviz.widgets
from lossviz.keras_losses import WeightedBinaryCrossentropy
from lossviz.reduction import class_weight_to_sample_weight, reduce_values, weighted_mean

# %% [markdown]
# ## Intuition: zero weights still count in the default loss
#
# Four predictions with squared errors 1, 4, 9 and 16; the last two get weight 0. The
# default loss divides by **4 samples**, the weighted metric by the **total weight 2**.
# Same weights, two different "weighted means".

# %%
y_true = np.zeros((4, 1), "float32")
y_pred = np.array([[1.0], [2.0], [3.0], [4.0]], "float32")
weights = np.array([1.0, 1.0, 0.0, 0.0], "float32")
per_sample = lossviz.losses.mean_squared_error(y_true, y_pred)

reductions = {
    "unweighted mean": per_sample.mean(),
    "sum_over_batch_size (default loss)": reduce_values(per_sample, weights),
    "mean_with_sample_weight / weighted metric": reduce_values(per_sample, weights, reduction="mean_with_sample_weight"),
}
figure, ax = plt.subplots(figsize=(6.5, 3), layout="constrained")
ax.bar(range(4), per_sample, color=["C0", "C0", "lightgray", "lightgray"], label="per-sample loss (gray: weight 0)")
for (name, value), style in zip(reductions.items(), [":", "-", "--"]):
    ax.axhline(value, color="k", linestyle=style, label=f"{name}: {value:g}")
ax.set(xlabel="sample", ylabel="squared error", xticks=range(4))
ax.legend(fontsize=8)
assert list(reductions.values()) == [7.5, 1.25, 2.5]

# %% [markdown]
# ## Formula
#
# Per-sample losses $\ell_i$, weights $w_i$ (1 when none are given), $B$ values in the batch:
#
# | reduction | value |
# |---|---|
# | `"sum_over_batch_size"` (default; alias `"mean"`) | $\frac{1}{B}\sum_i w_i \ell_i$ |
# | `"mean_with_sample_weight"` (Keras >= 3.7, from its changelog; not measured here) | $\sum_i w_i \ell_i \,/\, \sum_i w_i$ |
# | `"sum"` | $\sum_i w_i \ell_i$ |
# | `None` / `"none"` | the vector $w_i \ell_i$ |
# | a metric in `weighted_metrics=` (`keras.metrics.Mean`) | $\sum_i w_i m_i \,/\, \sum_i w_i$ |
# | a metric in `metrics=` | $\frac{1}{B}\sum_i m_i$: weights ignored |
#
# `class_weight={c: v}` becomes $w_i = v_{c_i}$, with $c_i$ the argmax of a one-hot
# target (last axis longer than 1) or the rounded label; classes not listed weigh 1.
# `loss_weights=[a, b]` gives the total $a L_1 + b L_2$ of two outputs' losses.
# `lossviz.reduction` is all of this in NumPy: `reduce_values`,
# `class_weight_to_sample_weight`, `weighted_mean`.

# %% [markdown]
# ## Code: `lossviz.reduction` beside Keras
#
# Every reduction of `keras.losses.MeanSquaredError`, with the same weights.

# %%
for reduction in ["sum_over_batch_size", "mean_with_sample_weight", "sum", None]:
    keras_value = ops.convert_to_numpy(keras.losses.MeanSquaredError(reduction=reduction)(y_true, y_pred, sample_weight=weights))
    numpy_value = reduce_values(per_sample, weights, reduction=reduction)
    print(f"{reduction!s:>24}: keras {keras_value}   lossviz {numpy_value}")
    assert np.allclose(keras_value, numpy_value, rtol=1e-6)

# %% [markdown]
# ### `sample_weight` in `evaluate` (and `fit`), `metrics=` against `weighted_metrics=`
#
# A model that outputs its input lets us choose the predictions. The loss, the same MSE
# as an ordinary metric and as a weighted metric: three different numbers, each exactly
# one line of the table above.

# %%
identity = keras.Sequential([keras.Input((1,)), keras.layers.Identity()])
identity.compile(
    loss="mse",
    metrics=[keras.metrics.MeanSquaredError(name="mse_metric")],
    weighted_metrics=[keras.metrics.MeanSquaredError(name="weighted_mse")],
)
logs = identity.evaluate(y_pred, y_true, sample_weight=weights, verbose=0, return_dict=True)
print(logs)
assert np.isclose(logs["loss"], reduce_values(per_sample, weights))  # 1.25: zeros counted
assert np.isclose(logs["mse_metric"], weighted_mean(per_sample))  # 7.5: weights ignored
assert np.isclose(logs["weighted_mse"], weighted_mean(per_sample, weights))  # 2.5

# %% [markdown]
# ### `class_weight` is `sample_weight` built from the classes
#
# `fit(class_weight=...)` converts to per-sample weights (for arrays, before the first
# step; for a `tf.data.Dataset` or `PyDataset`, batch by batch: from the Keras source).
# `class_weight_to_sample_weight` does the same conversion; training with either gives
# the very same model. The data: 400 points, 10 % positives
# (`lossviz.data.imbalanced_binary`).

# %%
X, y = lossviz.data.imbalanced_binary(n=400, positive_fraction=0.1, separation=2.0, seed=seed)
class_weight = {0: 1.0, 1: 9.0}
print(class_weight_to_sample_weight(y[:6], class_weight), class_weight_to_sample_weight(np.eye(2)[y[:6]], class_weight))


def train(**weighting):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
    model.fit(X, y[:, None], batch_size=100, epochs=3, shuffle=False, verbose=0, **weighting)
    return model


# %%
by_class = train(class_weight=class_weight)
by_sample = train(sample_weight=class_weight_to_sample_weight(y, class_weight))
for a, b in zip(by_class.get_weights(), by_sample.get_weights()):
    assert np.array_equal(a, b)
p = by_class.predict(X, verbose=0)
p_plain = train().predict(X, verbose=0)  # the same training without weights
print(f"identical weights; {(p > 0.5).mean():.0%} predicted positive for {y.mean():.0%} positives "
      f"({(p_plain > 0.5).mean():.0%} without weights)")
assert (p > 0.5).mean() > 2 * y.mean() and (p > 0.5).mean() > (p_plain > 0.5).mean()  # pushed towards the rare class

# %% [markdown]
# ### `loss_weights` for several outputs
#
# The total is the weighted sum; the per-output losses Keras logs are **unweighted**.

# %%
features = keras.Input((2,))
two_outputs = keras.Model(features, [keras.layers.Dense(1, activation="sigmoid")(features), keras.layers.Dense(1)(features)])
two_outputs.compile(loss=["binary_crossentropy", "mse"], loss_weights=[0.3, 0.7])
total, first, second = two_outputs.evaluate(X, [y[:, None], X[:, :1]], batch_size=400, verbose=0)
print(f"total {total:.4f} = 0.3 * {first:.4f} + 0.7 * {second:.4f}")
assert np.isclose(total, 0.3 * first + 0.7 * second, rtol=1e-5)

# %% [markdown]
# ### A hand-written weighted binary crossentropy
#
# `class_weight` is refused for several outputs, for generators, and together with
# `sample_weight` (keras-team/keras#20701; measured in the pitfalls). A loss that weights
# the positive term is an ordinary loss, so those refusals do not concern it.
# `lossviz.keras_losses.WeightedBinaryCrossentropy(pos_weight=9)` is
# $-\frac{1}{d}\sum (9\, y \log p + (1 - y)\log(1 - p))$ per sample, the sum over its
# $d$ label columns, and for 0/1 labels **in one output column** ($d = 1$) it equals
# `class_weight={0: 1, 1: 9}` with the ordinary loss.

# %%
with_class_weight = keras.losses.BinaryCrossentropy()(y[:, None], p, sample_weight=class_weight_to_sample_weight(y, class_weight))
with_weighted_loss = WeightedBinaryCrossentropy(pos_weight=9.0)(y[:, None], p)
print(float(with_class_weight), float(with_weighted_loss))
assert np.isclose(float(with_class_weight), float(with_weighted_loss), rtol=1e-6)

# %% [markdown]
# With several label columns (multi-label targets, shape `(B, 2)` here) they part ways.
# `class_weight` keys are then **columns**: Keras gives each row the weight of its
# argmax column, so a row with both labels on gets weight 1 (argmax 0) and a row with
# none weight 1 too; `pos_weight` weights every positive entry. Measured on what `fit`
# logs (learning rate 0, a model that outputs its input):

# %%
y_multi = np.array([[1, 1], [0, 1], [1, 0], [0, 0]] * 2, "float32")
p_multi = np.random.default_rng(seed).uniform(0.05, 0.95, size=(8, 2)).astype("float32")
passthrough = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, use_bias=False, kernel_initializer="identity")])
passthrough.compile(optimizer=keras.optimizers.SGD(0.0), loss="binary_crossentropy")
logged = passthrough.fit(p_multi, y_multi, class_weight=class_weight, batch_size=8, verbose=0).history["loss"][0]
row_weights = class_weight_to_sample_weight(y_multi, class_weight)
pos_weighted = float(WeightedBinaryCrossentropy(pos_weight=9.0)(y_multi, p_multi))
print(f"row weights {row_weights[:4]}; class_weight {logged:.4f}, pos_weight {pos_weighted:.4f}")
assert np.array_equal(row_weights[:4], [1.0, 9.0, 1.0, 1.0])
assert np.isclose(logged, float(keras.losses.BinaryCrossentropy()(y_multi, p_multi, sample_weight=row_weights)), rtol=1e-5)
assert not np.isclose(logged, pos_weighted, rtol=0.05)

# %% [markdown]
# ## Explore: class weight against the decision boundary
#
# A logistic regression on the same imbalanced data, with `class_weight={0: 1, 1: w}`.
# Drag the weight of the rare class: the boundary slides into the majority class, recall
# climbs, precision falls. The confusion matrix shows which errors you traded.

# %%
explorer = lossviz.widgets.class_weight_explorer()
explorer

# %% [markdown]
# Moved from code: from weight 1 to weight 9 recall must rise, precision fall, and more
# samples be predicted positive.

# %%
at_one = explorer.results
explorer.set(class_weight=9.0)
at_nine = explorer.results
print(f"recall {at_one['recall']:.2f} -> {at_nine['recall']:.2f}, precision {at_one['precision']:.2f} -> {at_nine['precision']:.2f}")
assert at_nine["recall"] > at_one["recall"] and at_nine["precision"] < at_one["precision"]
assert at_nine["confusion_matrix"][:, 1].sum() > at_one["confusion_matrix"][:, 1].sum()

# %% [markdown]
# ## Oversampling against weighting
#
# Repeating every positive 9 times or weighting it 9 is the same objective up to the
# denominator. With `"mean_with_sample_weight"` (divide by the total weight) they are
# exactly equal; with the default they differ by the constant factor
# $(N + 8P)/N$, which only rescales the gradient. Scikit-learn's logistic regression
# minimises a sum, so there the two fits coincide.

# %%
repeats = np.where(y == 1, 9, 1)
X_over, y_over = np.repeat(X, repeats, axis=0), np.repeat(y, repeats)
p_over = np.repeat(p, repeats, axis=0)
sample_weight = class_weight_to_sample_weight(y, class_weight)
oversampled = float(keras.losses.BinaryCrossentropy()(y_over[:, None], p_over))
mean_weighted = float(keras.losses.BinaryCrossentropy(reduction="mean_with_sample_weight")(y[:, None], p, sample_weight=sample_weight))
default_weighted = float(keras.losses.BinaryCrossentropy()(y[:, None], p, sample_weight=sample_weight))
assert np.isclose(oversampled, mean_weighted, rtol=1e-5)
assert np.isclose(default_weighted / oversampled, len(y_over) / len(y), rtol=1e-5)

# %%
weighted_fit = LogisticRegression(class_weight=class_weight, tol=1e-10, max_iter=1000).fit(X, y)
oversampled_fit = LogisticRegression(tol=1e-10, max_iter=1000).fit(X_over, y_over)
print(weighted_fit.coef_, oversampled_fit.coef_)
assert np.allclose(np.append(weighted_fit.coef_, weighted_fit.intercept_),
                   np.append(oversampled_fit.coef_, oversampled_fit.intercept_), rtol=1e-5)


# %% [markdown]
# With mini-batches in Keras they are no longer the same computation: oversampling changes
# how many steps an epoch has and which samples share a batch. Weighting keeps the data as
# it is. Counted by a callback during one epoch of `fit` with batches of 100:

# %%
class CountSteps(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.steps = 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1


def steps_in_one_epoch(X, y, **weighting):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    counter = CountSteps()
    model.fit(X, y[:, None], batch_size=100, epochs=1, verbose=0, callbacks=[counter], **weighting)
    return counter.steps


steps_weighted = steps_in_one_epoch(X, y, sample_weight=sample_weight)
steps_oversampled = steps_in_one_epoch(X_over, y_over)
print(f"steps in one epoch: weighted {steps_weighted}, oversampled {steps_oversampled} "
      f"({len(y)} and {len(y_over)} samples)")
assert steps_weighted == -(-len(y) // 100) and steps_oversampled == -(-len(y_over) // 100)
assert steps_oversampled > steps_weighted

# %% [markdown]
# ## Pitfalls, measured
#
# **Zero weights still count** (keras-team/keras#19740). Masking half a batch with weight
# 0 halves the default loss although no remaining sample changed. Want a mean over the
# weighted samples? Ask for `reduction="mean_with_sample_weight"` (added in #20410).

# %%
half_masked = np.array([1.0, 0.0, 1.0, 0.0], "float32")
equal_errors = np.ones((4, 1), "float32")
default_loss = float(keras.losses.MeanSquaredError()(y_true, equal_errors, sample_weight=half_masked))
mean_loss = float(keras.losses.MeanSquaredError(reduction="mean_with_sample_weight")(y_true, equal_errors, sample_weight=half_masked))
assert (default_loss, mean_loss) == (0.5, 1.0)

# %% [markdown]
# **`metrics=` ignore weights**: measured above, 7.5 against 2.5. Put the metrics that
# should see `sample_weight` or `class_weight` in `weighted_metrics=`.
#
# **`class_weight` is refused** with `sample_weight`, with Python generators and for
# several outputs (the model with two outputs from above). Build the weights yourself (`class_weight_to_sample_weight`) or use a
# weighted loss.

# %%
small = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
small.compile(loss="binary_crossentropy")
refusals = []
for arguments in [
    dict(x=X, y=y, sample_weight=np.ones(len(y)), class_weight=class_weight),
    dict(x=(batch for batch in [(X[:10], y[:10])]), steps_per_epoch=1, class_weight=class_weight),
]:
    try:
        small.fit(verbose=0, **arguments)
    except ValueError as error:
        refusals.append(str(error)[:80])
try:
    two_outputs.fit(X, [y[:, None], X[:, :1]], class_weight=class_weight, verbose=0)
except ValueError as error:
    refusals.append(str(error)[:80])
print(*refusals, sep="\n")
assert refusals[0].startswith("You cannot `class_weight` and `sample_weight`") and "generator" in refusals[1]
assert len(refusals) == 3 and "single output" in refusals[2]


# %% [markdown]
# **Weights inside the loss.** The blog recipe hard-codes `sample_weight = tf.constant([1, 2, 3])`
# in the loss and returns `K.mean(K.square(y_true - y_pred) * sample_weight)`: the
# product broadcasts to `(B, 3)`, so every sample gets every weight and the result is
# `mean(squared error) * mean(weights)`. Pass weights to `fit` instead (notebook 03 shows
# the per-sample version breaking on the last batch). The recipe, wrong on purpose:

# %% tags=["wrong-on-purpose"]
def blog_weighted_mse(y_true, y_pred):
    sample_weight = ops.convert_to_tensor([1.0, 2.0, 3.0])
    return ops.mean(ops.square(y_true - y_pred) * sample_weight)


blog_value = float(blog_weighted_mse(y_true[:3], y_pred[:3]))
intended = reduce_values(per_sample[:3], np.array([1.0, 2.0, 3.0]))
print(f"blog {blog_value:.4f}  intended {intended:.4f}")
assert np.isclose(blog_value, per_sample[:3].mean() * 2.0) and not np.isclose(blog_value, intended)


# %% [markdown]
# **A weighted metric that divides by the count.** The same post's `PercentageError`
# metric multiplies by `sample_weight` but adds `K.sum(K.ones_like(y_true))` to its count:
# weight-0 samples still count. `lossviz.check_metric` finds it (here in Keras 3 form).
# The Keras 3 form reshapes `sample_weight` to `(B, 1)` on purpose: the error has shape
# `(B, 1)` (one output column) and the weights arrive as `(B,)`. Multiplied directly,
# `(B, 1) * (B,)` broadcasts to `(B, B)`: every sample gets every weight, silently (the
# cell after the check shows it). The metric below is wrong on purpose (its count).

# %% tags=["wrong-on-purpose"]
class PercentageError(keras.metrics.Metric):
    def __init__(self, name="percentage_error", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total_error = self.add_variable(shape=(), initializer="zeros", name="total_error")
        self.total_count = self.add_variable(shape=(), initializer="zeros", name="total_count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = ops.abs(y_true - y_pred) / ops.maximum(ops.abs(y_true), keras.backend.epsilon())
        if sample_weight is not None:
            error = error * ops.reshape(ops.cast(sample_weight, error.dtype), (-1, 1))
        self.total_error.assign_add(ops.sum(error))
        self.total_count.assign_add(ops.cast(ops.size(y_true), "float32"))  # ignores the weights

    def result(self):
        return self.total_error / self.total_count


metric_report = lossviz.check_metric(PercentageError(), inputs="regression")
assert metric_report.codes == ["sample_weight"]

# %%
column_error = ops.convert_to_tensor([[0.1], [0.2], [0.3]])  # (B, 1), as update_state sees it
weights_in = ops.convert_to_tensor([1.0, 0.0, 0.0])  # (B,), as fit passes them
broadcast = column_error * weights_in  # the blog's product
reshaped = column_error * ops.reshape(weights_in, (-1, 1))
print(f"(B, 1) * (B,) -> {tuple(broadcast.shape)}, sum {float(ops.sum(broadcast)):.1f}; "
      f"reshaped -> {tuple(reshaped.shape)}, sum {float(ops.sum(reshaped)):.1f}")
assert tuple(broadcast.shape) == (3, 3) and np.isclose(float(ops.sum(broadcast)), 0.6)
assert tuple(reshaped.shape) == (3, 1) and np.isclose(float(ops.sum(reshaped)), 0.1)


# %% [markdown]
# ## Regularisation and `add_loss` in the reported loss
#
# The `loss` that `fit` and `evaluate` report is not only the loss you compiled. Keras adds
# every term in `model.losses`: the penalties of `kernel_regularizer=` (here
# `L2(0.01)`: 0.01 times the sum of the squared kernel entries) and whatever a layer passes
# to `self.add_loss(...)` (here a layer placed first that passes its input through and
# adds 0.1 times its mean square: a penalty on the features, constant in the weights).
# To the last digit: reported loss = data loss + the sum of those terms. A metric
# (`metrics=["mse"]`) sees the data only.

# %%
class ActivityPenalty(keras.layers.Layer):
    def call(self, inputs):
        self.add_loss(0.1 * ops.mean(ops.square(inputs)))
        return inputs


keras.utils.set_random_seed(seed)
regularised = keras.Sequential([keras.Input((2,)), ActivityPenalty(),
                                keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(0.01))])
regularised.compile(loss="mse", metrics=["mse"])
targets = X[:, :1] + 1.0
reported = regularised.evaluate(X, targets, batch_size=len(X), verbose=0, return_dict=True)

# %%
kernel = ops.convert_to_numpy(regularised.layers[-1].kernel)
data_loss = np.mean((ops.convert_to_numpy(regularised(X)) - targets) ** 2)
penalties = 0.01 * np.sum(kernel**2) + 0.1 * np.mean(X.astype("float32") ** 2)
print(f"reported {reported['loss']:.6f} = data {data_loss:.6f} + penalties {penalties:.6f}; metric {reported['mse']:.6f}")
assert np.isclose(reported["loss"], data_loss + penalties, rtol=1e-6)
assert np.isclose(reported["mse"], data_loss, rtol=1e-6) and penalties > 1e-3

# %% [markdown]
# ## Masks and `ignore_class` in the reduction
#
# Two ways Keras leaves entries out, and both change the **denominator**, unlike a weight
# of 0 (which still counts, above):
#
# - `SparseCategoricalCrossentropy(ignore_class=-1)` gives the ignored labels a loss of 0
#   and a mask; the mean runs over the labels that are left.
# - A mask carried by the model's output (`Masking` below; `Embedding(mask_zero=True)`
#   sets the same kind of mask, *not measured here*) is applied the same way: padded time
#   steps are left out of the sum and of the count.

# %%
rng = np.random.default_rng(seed)
labels = np.array([0, 2, -1, 1, -1, 2])  # two labels to ignore
logits = rng.normal(size=(6, 3)).astype("float32")
ignoring = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)(labels, logits))
log_softmax = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
kept = labels != -1
per_label = -log_softmax[kept, labels[kept]]
print(f"ignore_class: {ignoring:.6f} = sum / {kept.sum()} kept labels ({per_label.mean():.6f}), not / 6 ({per_label.sum() / 6:.6f})")
assert np.isclose(ignoring, per_label.mean(), rtol=1e-5)
assert not np.isclose(ignoring, per_label.sum() / 6)

# %%
steps = rng.normal(size=(4, 5, 2)).astype("float32")
steps[0, 3:], steps[1, 1:] = 0.0, 0.0  # padding: 6 of the 20 steps are all zeros
step_targets = rng.normal(size=(4, 5, 1)).astype("float32")
sequence_model = keras.Sequential([keras.Input((5, 2)), keras.layers.Masking(0.0), keras.layers.Dense(1)])
sequence_model.compile(loss="mse")
masked = sequence_model.evaluate(steps, step_targets, batch_size=4, verbose=0)
squared = (ops.convert_to_numpy(sequence_model(steps)) - step_targets)[..., 0] ** 2
real = np.any(steps != 0, axis=-1)
print(f"masked loss {masked:.6f}: mean over {real.sum()} real steps {squared[real].mean():.6f}, over all 20 {squared.mean():.6f}")
assert real.sum() == 14 and np.isclose(masked, squared[real].mean(), rtol=1e-5)
assert not np.isclose(masked, squared.mean())

# %% [markdown]
# ## Exercise: predict what `evaluate` reports
#
# Everything at once: the padded sequences of the masks section, a weight per sequence
# (0 for the second one), and an L2 penalty of 0.1 on the kernel. With a mask, Keras
# multiplies the sample weights by it, so the weights must broadcast against the mask's
# shape `(4, 5)`: pass `(4, 5)` (each sequence's weight repeated over its steps, as here)
# or `(4, 1)`; a plain `(4,)` vector raises a `ValueError` (measured in the second cell
# below). Write `predicted_loss(...)` in NumPy: the number `evaluate` prints, from the
# squared error of each step, the mask of real steps, the weights and the kernel.

# %%
keras.utils.set_random_seed(seed)
regularised = keras.Sequential([keras.Input((5, 2)), keras.layers.Masking(0.0),
                                keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(0.1))])
regularised.compile(loss="mse")
step_weights = np.repeat(np.array([[1.0], [0.0], [2.0], [1.0]], "float32"), 5, axis=1)  # (4, 5)
reported = regularised.evaluate(steps, step_targets, sample_weight=step_weights, batch_size=4, verbose=0)
squared_errors = (ops.convert_to_numpy(regularised(steps)) - step_targets)[..., 0] ** 2  # (4, 5)
kernel = ops.convert_to_numpy(regularised.layers[-1].kernel)

# %%
per_sequence = step_weights[:, 0]
as_column = regularised.evaluate(steps, step_targets, sample_weight=per_sequence[:, None], batch_size=4, verbose=0)
try:
    regularised.evaluate(steps, step_targets, sample_weight=per_sequence, batch_size=4, verbose=0)
    raise AssertionError("weights of shape (4,) against a (4, 5) mask should raise")
except ValueError as error:
    print(f"(4, 1) weights: {as_column:.6f}, as with (4, 5); (4,) weights: ValueError: {str(error)[:90]}")
assert np.isclose(as_column, reported, rtol=1e-6)


# %%
def check_prediction(predicted_loss):
    """Compare a prediction with what evaluate reported; True when they agree."""
    guess = float(predicted_loss(squared_errors, real, step_weights, kernel))
    agrees = bool(np.isclose(guess, reported, rtol=1e-5))
    print(f"evaluate reports {reported:.6f}; your prediction {guess:.6f}: {'right' if agrees else 'not yet'}")
    return agrees


# %% [markdown]
# The starting point, wrong on purpose: the plain mean of every squared error.

# %% tags=["wrong-on-purpose"]
def predicted_loss(squared_errors, valid, step_weights, kernel):
    return np.mean(squared_errors)  # TODO: the mask, the weights and the penalty


check_prediction(predicted_loss)


# %% [markdown]
# ### Solution
#
# Weighted sum over the real steps, divided by the number of real steps (a weight of 0
# still counts, padding does not), plus the penalty, which no weight touches.

# %% jupyter={"source_hidden": true} tags=["solution"]
def predicted_loss(squared_errors, valid, step_weights, kernel):
    data_term = np.sum(step_weights * squared_errors * valid) / np.sum(valid)
    return data_term + 0.1 * np.sum(kernel**2)


assert check_prediction(predicted_loss)
as_reduced = reduce_values(squared_errors, step_weights, mask=real) + 0.1 * np.sum(kernel**2)
assert np.isclose(as_reduced, reported, rtol=1e-5)  # lossviz.reduction says the same

# %% [markdown]
# ## Summary
#
# - The default loss divides $\sum w_i \ell_i$ by the number of values, zero weights
#   included; `"mean_with_sample_weight"` and weighted metrics divide by $\sum w_i$.
# - `metrics=` ignore weights; `weighted_metrics=` use them.
# - `class_weight` is `sample_weight` made from the labels (`class_weight_to_sample_weight`);
#   a weighted loss does the same where `class_weight` is refused (for one label column;
#   with several, `class_weight` weights each row by its argmax column); oversampling is the
#   same objective up to a constant (exactly the same with `"mean_with_sample_weight"`), but
#   not the same number of steps.
# - `evaluate` with a mask, weights and a regulariser: the weighted sum over real steps,
#   divided by the number of real steps, plus the penalty.
# - `loss_weights` weight the outputs' losses in the total; the logged parts are unweighted.
#
# Next: [05 Custom metrics](05_custom_metrics.ipynb) (precision, recall and F1 that
# accumulate correctly) and [06 ROC and PR curves](06_roc_pr_curves.ipynb) (choosing the
# threshold the explorer above kept at 0.5).
