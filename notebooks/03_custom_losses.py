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
# # 03 Custom losses: write one, check it, save it
#
# **After this notebook you can**
# - write a Keras 3 loss as a per-sample function of `keras.ops`, or as a registered
#   `keras.losses.Loss` subclass whose hyperparameter survives a save and a load;
# - translate a Keras 2 or blog-post loss (`K.mean(...)`, hard-coded weights) into one
#   that sample weights, any batch size and compiled training can trust;
# - check a loss with `lossviz.check_loss` (and a metric with `lossviz.check_metric`).

# %% [markdown]
# ## Setup

# %%
import lossviz

session = lossviz.setup()  # seed from LOSSVIZ_SEED (default 0), versions
seed = session.seed

import inspect
import tempfile
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import ops

import lossviz.keras_facts
import lossviz.losses
import lossviz.metrics
import lossviz.widgets
from lossviz.checks import keras_loss_value
from lossviz.keras_losses import OutputWeightedSquaredError, PseudoHuber

# %% [markdown]
# ## Intuition: you write one value per sample, Keras does the rest
#
# Six predictions, one of them (sample 5) badly off. We give one sample a weight from 0
# to 3 and read the loss Keras reports. Written per sample, the loss knows which sample
# was weighted: weighting the bad one moves it a lot, the good one hardly at all. Written
# the old way, averaged over the batch inside the function, both curves are the same
# line: Keras received one number and can only scale it.

# %%
y_true = np.arange(6, dtype="float32")[:, None]
y_pred = y_true + np.array([[0.1], [-0.2], [0.1], [0.0], [-0.1], [3.0]], "float32")


def mse_per_sample(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)  # shape (B,)


# %% [markdown]
# And the old way, wrong on purpose (`check_loss` reports it below):

# %% tags=["wrong-on-purpose"]
def mse_scalar(y_true, y_pred):  # the blog recipe K.mean(K.square(y_true - y_pred))
    return ops.mean(ops.square(y_true - y_pred))  # shape (): the batch is already averaged


# %%
weight_grid = np.linspace(0.0, 3.0, 13)


def sweep(loss, sample):
    weights = np.ones((len(weight_grid), 6), "float32")
    weights[:, sample] = weight_grid
    return np.array([keras_loss_value(loss, y_true, y_pred, w) for w in weights])


curves = {(kind, sample): sweep(loss, sample) for kind, loss in [("per-sample", mse_per_sample), ("scalar", mse_scalar)] for sample in (0, 5)}
figure, ax = plt.subplots(figsize=(6.5, 3.2), layout="constrained")
for (kind, sample), values in curves.items():
    ax.plot(weight_grid, values, "-" if kind == "per-sample" else "--", label=f"{kind} loss, weighting sample {sample}")
ax.set(xlabel="weight of one sample", ylabel="loss Keras reports")
ax.legend(fontsize=8)
assert np.allclose(curves["scalar", 0], curves["scalar", 5])  # cannot tell the samples apart
# Per sample, the weight acts on that sample's own loss: 9 for sample 5, 0.01 for sample 0.
assert np.ptp(curves["per-sample", 5]) > 100 * np.ptp(curves["per-sample", 0])

# %% [markdown]
# ## Formula
#
# For per-sample losses $\ell_i = \ell(y_i, \hat y_i)$ and sample weights $w_i$ (from
# `sample_weight=` or `class_weight=`, 1 otherwise), Keras reports, by default
# (`reduction="sum_over_batch_size"`):
#
# $$L = \frac{1}{B} \sum_{i=1}^{B} w_i \, \ell_i .$$
#
# **You write $\ell$**, returning shape `(B,)`; the weighting and the reduction happen
# once, in Keras (`lossviz.reduction.reduce_values` is the NumPy copy, notebook 04).
# If your function already returns the mean $\bar\ell$, Keras computes
# $\bar\ell \cdot \frac{1}{B}\sum_i w_i$: the weights only rescale it.
# Posts that say a custom loss "returns a scalar, the loss value" describe exactly this
# bug. Keras 3 accepts a scalar without a word, so nothing forces you: a
# loss **should** return one value per sample, or weights only rescale it (measured in
# the pitfalls below).
#
# `keras_loss_value(loss, y_true, y_pred, w)` used above is that computation: your
# function wrapped exactly as `model.compile(loss=...)` wraps it. Here is a real model
# reporting the same number.

# %%
weights = np.array([1, 1, 1, 1, 1, 0], "float32")  # leave the bad sample out
identity = keras.Sequential([keras.Input((1,)), keras.layers.Identity()])
identity.compile(loss=mse_per_sample)
reported = identity.evaluate(y_pred, y_true, sample_weight=weights, batch_size=6, verbose=0)
print(f"model.evaluate: {reported:.6f}   keras_loss_value: {keras_loss_value(mse_per_sample, y_true, y_pred, weights):.6f}")
assert np.isclose(reported, keras_loss_value(mse_per_sample, y_true, y_pred, weights), rtol=1e-6)
assert np.isclose(reported, (0.01 + 0.04 + 0.01 + 0.0 + 0.01) / 6, rtol=1e-5)

# %% [markdown]
# ## Code: three ways to write a loss in Keras 3
#
# **1. A per-sample function of `keras.ops`.** `keras.ops` is the backend-neutral NumPy-like
# API (it replaced `keras.backend`'s `K.mean`, `K.square`, ...). Reduce the last axis
# only. Beside it, the NumPy twin from `lossviz.losses` and Keras's own loss agree.

# %%
ours = ops.convert_to_numpy(mse_per_sample(y_true, y_pred))
twin = lossviz.losses.mean_squared_error(y_true, y_pred)
builtin = ops.convert_to_numpy(keras.losses.MeanSquaredError(reduction=None)(y_true, y_pred))
print(np.round(ours, 4))
assert ours.shape == (6,) and np.allclose(ours, twin, rtol=1e-6) and np.allclose(ours, builtin, rtol=1e-6)

# %% [markdown]
# **2. A `keras.losses.Loss` subclass with a hyperparameter.** Pseudo-Huber is not built
# into Keras; `delta` sets the scale where it turns from nearly quadratic to nearly
# linear (it is neither exactly: see "Explore" below). The class takes
# `reduction`, `name` and `dtype` and passes them on, computes per-sample values in
# `call`, and returns every `__init__` argument from `get_config` (merged with
# `super().get_config()`): that is what a saved model stores.

# %%
for method in (PseudoHuber.__init__, PseudoHuber.call, PseudoHuber.get_config):
    print(inspect.getsource(method))

# %%
residual_batch = np.array([[0.0, 0.1], [0.0, 2.0], [0.0, -8.0]], "float32")
zeros = np.zeros_like(residual_batch)  # y_true = 0, so y_pred is the residual
keras_side = ops.convert_to_numpy(PseudoHuber(delta=0.5).call(zeros, residual_batch))
numpy_side = lossviz.losses.pseudo_huber(zeros, residual_batch, delta=0.5)
print(keras_side, numpy_side)
assert np.allclose(keras_side, numpy_side, rtol=1e-5)

# %% [markdown]
# **3. Registered, so a saved model loads.** `@keras.saving.register_keras_serializable(package="lossviz")`
# on the class lets `keras.saving.load_model` find it by name (`"lossviz>PseudoHuber"`);
# `get_config` gives it back its `delta`.

# %%
folder = Path(tempfile.mkdtemp())
model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss=PseudoHuber(delta=0.5))
model.save(folder / "pseudo_huber.keras")
reloaded = keras.saving.load_model(folder / "pseudo_huber.keras")
print(keras.saving.get_registered_name(PseudoHuber), reloaded.loss.get_config())
assert isinstance(reloaded.loss, PseudoHuber) and reloaded.loss.delta == 0.5
assert keras.saving.get_registered_name(PseudoHuber) == "lossviz>PseudoHuber"


# %% [markdown]
# Without registration the model saves but does not load; `custom_objects=` is the
# other way to tell Keras where the class is. The class below is wrong on purpose: it is
# not registered.

# %% tags=["wrong-on-purpose"]
class UnregisteredPseudoHuber(PseudoHuber):
    pass


model.compile(optimizer="sgd", loss=UnregisteredPseudoHuber(delta=0.5))
model.save(folder / "unregistered.keras")
try:
    keras.saving.load_model(folder / "unregistered.keras")
    load_error = None
except TypeError as error:
    load_error = str(error)
print(load_error[:120])
assert load_error.startswith("Could not locate class 'UnregisteredPseudoHuber'")
fixed = keras.saving.load_model(folder / "unregistered.keras", custom_objects={"UnregisteredPseudoHuber": UnregisteredPseudoHuber})
assert fixed.loss.delta == 0.5

# %% [markdown]
# ### Hyperparameters in a closure or functools.partial
#
# "A loss takes only `y_true` and `y_pred`" is true of the function Keras calls, not of
# the one you write: `functools.partial` (or a function that returns a function) fixes the extra
# argument. Here the pinball loss of [01](01_regression_losses.ipynb#Exercise:-a-quantile-(pinball)-loss)
# with its quantile `q` as an argument, passed through `check_loss`:

# %%
import functools


def pinball(y_true, y_pred, q):
    error = y_true - y_pred
    return ops.mean(ops.maximum(q * error, (q - 1.0) * error), axis=-1)


def pinball_reference(y_true, y_pred, q=0.9):
    return np.mean(np.maximum(q * (y_true - y_pred), (q - 1.0) * (y_true - y_pred)), axis=-1)


pinball_check = lossviz.check_loss(functools.partial(pinball, q=0.9), reference=pinball_reference, verbose=False)
assert pinball_check, pinball_check.report()


# %% [markdown]
# It trains, but it does not save like the class above: `model.save` refuses a
# `partial` (it has no `get_config`), and a closure saves under its function's name
# without `q`, so loading needs `custom_objects=` with a function you rebuild, with
# whatever `q` you pass then. Use the `Loss` subclass when the model must be saved.

# %%
def make_pinball(q):
    def pinball_q(y_true, y_pred):
        return pinball(y_true, y_pred, q)
    return pinball_q


pinball_q = make_pinball(0.9)  # the closure passes the same checks as the partial
closure_check = lossviz.check_loss(pinball_q, reference=pinball_reference, verbose=False)
assert closure_check, closure_check.report()

# %%
model.compile(optimizer="sgd", loss=functools.partial(pinball, q=0.9))
try:
    model.save(folder / "partial.keras")
    partial_error = None
except TypeError as error:
    partial_error = str(error)
print(partial_error[:80])
assert partial_error.startswith("Cannot serialize object functools.partial")
model.compile(optimizer="sgd", loss=pinball_q)
model.save(folder / "closure.keras")
try:
    keras.saving.load_model(folder / "closure.keras")
    closure_error = None
except TypeError as error:
    closure_error = str(error)
assert closure_error.startswith("Could not locate function 'pinball_q'")
under = np.zeros((2, 1), "float32"), np.ones((2, 1), "float32")  # predictions 0 under targets 1
model.set_weights([np.zeros_like(w) for w in model.get_weights()])  # the model predicts 0
saved_value = model.evaluate(*under, verbose=0)  # q * 1
reloaded_q = keras.saving.load_model(folder / "closure.keras", custom_objects={"pinball_q": make_pinball(0.5)})
reloaded_value = reloaded_q.evaluate(*under, verbose=0)
print(f"closure saved with q = 0.9: loss {saved_value:.3f}; loaded with a q = 0.5 closure: {reloaded_value:.3f}")
assert np.isclose(saved_value, 0.9) and np.isclose(reloaded_value, 0.5)  # q was not saved


# %% [markdown]
# ### Weighting outputs: two regression targets, 0.3 and 0.7
#
# A model predicts two numbers and the second matters more. Two ways: one output of
# width 2 with a loss that weights its columns, or two outputs with
# `loss_weights=[0.3, 0.7]`. They give the same loss when the per-sample loss **sums**
# the weighted squared errors over the outputs (`OutputWeightedSquaredError`, or the
# function below).

# %%
def weighted_outputs_mse(y_true, y_pred):
    output_weights = ops.convert_to_tensor([0.3, 0.7], dtype=y_pred.dtype)  # per output, not per sample
    return ops.sum(output_weights * ops.square(y_true - y_pred), axis=-1)


features = keras.Input((3,))
head_a, head_b = keras.layers.Dense(1)(features), keras.layers.Dense(1)(features)
two_outputs = keras.Model(features, [head_a, head_b])
two_outputs.compile(loss=["mse", "mse"], loss_weights=[0.3, 0.7])
one_output = keras.Model(features, keras.layers.Concatenate()([head_a, head_b]))  # same layers

# %%
x = session.rng.normal(size=(32, 3)).astype("float32")
y = session.rng.normal(size=(32, 2)).astype("float32")
two_targets = [y[:, :1], y[:, 1:]]
totals = {"loss_weights": two_outputs.evaluate(x, two_targets, batch_size=32, verbose=0)[0]}
for name, loss in [("function", weighted_outputs_mse),
                   ("class", OutputWeightedSquaredError((0.3, 0.7)))]:
    one_output.compile(loss=loss)
    totals[name] = one_output.evaluate(x, y, batch_size=32, verbose=0)
print(totals)
assert np.allclose(list(totals.values()), totals["loss_weights"], rtol=1e-5)


# %% [markdown]
# `lossviz.check_loss` (explained under "Check a loss" below) passes the
# function and the class, on two-column targets, against a NumPy reference of the same formula:

# %%
def outputs_reference(y_true, y_pred):
    return np.sum(np.array([0.3, 0.7]) * (y_true - y_pred) ** 2, axis=-1)


outputs_check = lossviz.check_loss(weighted_outputs_mse, reference=outputs_reference, target_shape=(2,), verbose=False)
assert outputs_check, outputs_check.report()
class_check = lossviz.check_loss(OutputWeightedSquaredError((0.3, 0.7)), reference=outputs_reference,
                                 target_shape=(2,), verbose=False)
assert class_check, class_check.report()

# %% [markdown]
# ### Start from Keras's own loss: `standalone_source(name, flavor="keras")`
#
# To change a built-in loss, start from its code. `lossviz.standalone_source` hands out
# every Keras loss written with `keras.ops` only, as a block that runs by itself (on
# TensorFlow or JAX). First: unmodified, it is the built-in.

# %%
focal_source = lossviz.standalone_source("categorical_focal_crossentropy", flavor="keras")
print(focal_source)
namespace = {}
exec(focal_source, namespace)  # what pasting the block into a cell does
labels = np.random.default_rng(seed).integers(0, 3, size=64)
targets = np.eye(3, dtype="float32")[labels]
logits = np.random.default_rng(seed + 1).normal(size=(64, 3)).astype("float32")
copied = namespace["categorical_focal_crossentropy"](targets, logits, from_logits=True)
builtin = keras.losses.categorical_focal_crossentropy(targets, logits, from_logits=True)
assert np.allclose(ops.convert_to_numpy(copied), ops.convert_to_numpy(builtin), rtol=1e-6)

# %% [markdown]
# Now edit it: one `alpha` per class instead of one number, class 2 (rare in the training
# data below) weighing most. In your code you would edit the pasted text; here the line is replaced in the
# string, so the cell fails if the snippet ever changes under it.

# %%
class_alpha = [0.2, 0.3, 0.5]
edited_source = focal_source.replace(
    "    alpha = ops.cast(alpha, y_pred.dtype)\n",
    f"    alpha = ops.cast({class_alpha}, y_pred.dtype)  # edited: one weight per class\n",
)
assert edited_source != focal_source
namespace = {}
exec(edited_source, namespace)
per_class_focal = namespace["categorical_focal_crossentropy"]
edited = ops.convert_to_numpy(per_class_focal(targets, logits, from_logits=True))
# Each sample's loss is rescaled by its class's alpha over the default 0.25.
assert np.allclose(edited / ops.convert_to_numpy(builtin), np.array(class_alpha)[labels] / 0.25, rtol=1e-5)

# %% [markdown]
# The edited loss passes `check_loss` on one-hot targets and softmax rows (the checks
# are explained under "Check a loss" below), and so does its logits form, which a model
# with a linear last layer trains with. It trains: a linear classifier on three seeded
# clusters (class 2 rare), compiled with it. The loss falls.

# %%
def per_class_focal_on_logits(y_true, y_pred):
    return per_class_focal(y_true, y_pred, from_logits=True)


edited_check = lossviz.check_loss(per_class_focal, inputs="categorical", verbose=False)
assert edited_check, edited_check.report()
logits_check = lossviz.check_loss(per_class_focal_on_logits, inputs="categorical", verbose=False)
assert logits_check, logits_check.report()

# %%
rng = np.random.default_rng(seed + 2)
classes = rng.choice(3, size=300, p=[0.45, 0.45, 0.1])
centres = np.array([[2.5, 0.0], [0.0, 2.5], [-1.5, -1.5]])
points = (centres[classes] + rng.normal(size=(300, 2))).astype("float32")
classifier = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])  # logits out
classifier.compile(optimizer=keras.optimizers.Adam(0.05), loss=per_class_focal_on_logits)
one_hot = np.eye(3, dtype="float32")[classes]
before = classifier.evaluate(points, one_hot, verbose=0)
classifier.fit(points, one_hot, epochs=20, batch_size=32, verbose=0)
after = classifier.evaluate(points, one_hot, verbose=0)
print(f"edited focal loss: {before:.4f} before training, {after:.4f} after 20 epochs")
assert after < before

# %% [markdown]
# ## From Keras 2 (and the blog posts)
#
# | Keras 2 / old posts | Keras 3 |
# |---|---|
# | `from keras import backend as K`; `K.mean`, `K.sum`, `K.square`, `K.abs`, `K.log`, `K.clip`, `K.round`, `K.dot` | `from keras import ops`; `ops.mean`, `ops.sum`, `ops.square`, `ops.abs`, `ops.log`, `ops.clip`, `ops.round`, `ops.dot` |
# | `K.epsilon()` | `keras.backend.epsilon()` (kept: configuration, not maths) |
# | `return K.mean(...)` over the whole batch | reduce the last axis only: `ops.mean(..., axis=-1)` |
# | `reduction="auto"` | gone: `"sum_over_batch_size"` (default), `"sum"`, `"mean_with_sample_weight"`, `None` |
# | `cosine_proximity`, `kullback_leibler_divergence` | `cosine_similarity`, `kl_divergence` |
# | custom objects passed at every load | `@keras.saving.register_keras_serializable()` |
#
# This is what a reader copying `K.mean(K.square(y_true - y_pred))` meets today:

# %% tags=["raises-exception"]
from keras import backend as K

K.mean(K.square(y_true - y_pred))

# %%
assert not hasattr(keras.backend, "mean") and not hasattr(keras.backend, "square")
assert keras.backend.epsilon() == 1e-7
assert not hasattr(keras.losses, "cosine_proximity") and not hasattr(keras.losses, "kullback_leibler_divergence")
try:
    keras.losses.MeanSquaredError(reduction="auto")
    auto_error = None
except ValueError as error:
    auto_error = str(error)
print(auto_error[:140])
assert "Received: reduction=auto" in auto_error

# %% [markdown]
# ## Explore: a loss with a hyperparameter
#
# The explorer draws Pseudo-Huber (and its relatives) against the residual
# $x = \hat y - y$. Pick `pseudo_huber` and drag `delta`: the loss is close to
# $x^2 / 2$ for $|x| \ll \delta$ and close to $\delta |x|$ for $|x| \gg \delta$, but only
# asymptotically: at $|x| = \delta$ it is 17 % below the quadratic. Its gradient (right)
# never exceeds $\delta$. A pull capped at $\delta$ can still dominate a batch of small
# residuals.

# %%
explorer = lossviz.widgets.regression_loss_explorer(loss="pseudo_huber", delta=1.0)
explorer

# %% [markdown]
# Moved from code: with `delta=0.5` every gradient on the plot stays within 0.5, and the
# curve is exactly what our Keras class computes, residual by residual. Then the two
# claims above: how far from quadratic, and what share of the pull the one bad sample
# (residual 3) of the intuition's six supplies with `delta=1`.

# %%
explorer.set(loss="pseudo_huber", delta=0.5)
shown = explorer.results
assert np.abs(shown["gradient"]).max() <= 0.5
residuals = shown["residual"][:, None].astype("float32")
per_residual = PseudoHuber(delta=0.5).call(np.zeros_like(residuals), residuals)
per_residual = ops.convert_to_numpy(per_residual)
assert np.allclose(per_residual, shown["loss"], rtol=1e-5, atol=1e-6)

at = np.array([0.01, 1.0, 100.0])  # |x| / delta
ratio_to_quadratic = lossviz.losses.residual_loss("pseudo_huber", at, delta=1.0) / (at**2 / 2)
print(f"pseudo-Huber / (x^2 / 2) at x = 0.01, 1, 100 delta: {np.round(ratio_to_quadratic, 4)}")
assert ratio_to_quadratic[0] > 0.9999 and abs(ratio_to_quadratic[1] - 2 * (np.sqrt(2) - 1)) < 1e-9
six_residuals = (y_pred - y_true)[:, 0]
pull = np.abs(lossviz.losses.residual_gradient("pseudo_huber", six_residuals, delta=1.0))
print(f"pull of each sample: {np.round(pull, 3)}; sample 5's share {pull[5] / pull.sum():.0%}")
assert pull[5] / pull.sum() > 0.5 and pull.max() <= 1.0

# %% [markdown]
# ## Pitfalls, measured
#
# **A loss that returns one number silently breaks sample weighting**
# (tensorflow/tensorflow#42446). Weight 0 on the bad sample should remove it. With the
# per-sample loss it does; the scalar loss still contains it, times the mean weight. And
# Keras says nothing: `evaluate` with the scalar loss runs without an error or a warning.

# %%
without_bad = keras_loss_value(mse_per_sample, y_true, y_pred, weights)
scalar_version = keras_loss_value(mse_scalar, y_true, y_pred, weights)
print(f"per-sample: {without_bad:.4f}   scalar: {scalar_version:.4f}")
assert np.isclose(scalar_version, float(np.mean((y_true - y_pred) ** 2)) * weights.mean(), rtol=1e-5)
assert scalar_version > 100 * without_bad
import warnings

identity.compile(loss=mse_scalar)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    silent = identity.evaluate(y_pred, y_true, sample_weight=weights, batch_size=6, verbose=0)
assert np.isclose(silent, scalar_version, rtol=1e-5) and not caught


# %% [markdown]
# **A weight vector hard-coded for one batch size breaks on another.** A blog post
# weights samples inside the loss with `tf.constant([1, 2, 3])` "of shape (batch_size,)".
# Written per sample, it works for batches of 3 and fails for every other size but one,
# such as the last, smaller batch of an epoch (8 samples with `batch_size=3` end with a
# batch of 2). A batch of 1 is worse: `(1,) * (3,)` broadcasts without an error and returns
# 3 values for 1 sample. The error type depends on the backend (**TensorFlow**:
# `InvalidArgumentError`, "Incompatible shapes"; **JAX**: `TypeError`, "incompatible shapes
# for broadcasting"); catch the message, which says the same on both. The loss below is
# wrong on purpose.

# %% tags=["wrong-on-purpose"]
def hard_coded_weights_mse(y_true, y_pred):
    sample_weight = ops.convert_to_tensor([1.0, 2.0, 3.0])
    return mse_per_sample(y_true, y_pred) * sample_weight


print(ops.convert_to_numpy(hard_coded_weights_mse(y_true[:3], y_pred[:3])))
assert ops.shape(hard_coded_weights_mse(y_true[:1], y_pred[:1])) == (3,)  # 1 sample, 3 values, no error
try:
    hard_coded_weights_mse(y_true[:2], y_pred[:2])
    batch_error = None
except Exception as error:
    batch_error = error
print(f"on {keras.backend.backend()}: {type(batch_error).__name__}: {str(batch_error).splitlines()[0][:120]}")
assert "incompatible shapes" in str(batch_error).lower()  # TensorFlow: "Incompatible shapes"; JAX: "incompatible shapes"
assert type(batch_error).__name__ == {"tensorflow": "InvalidArgumentError", "jax": "TypeError"}[keras.backend.backend()]

# %%
fit_model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
fit_model.compile(optimizer="sgd", loss=hard_coded_weights_mse)
try:
    fit_model.fit(np.zeros((8, 1)), np.ones((8, 1)), batch_size=3, epochs=1, verbose=0)
    fit_error = None
except Exception as error:
    fit_error = str(error)
print(fit_error.splitlines()[0][:120])
assert "incompatible shapes" in fit_error.lower()


# %% [markdown]
# The blog's own version, `K.mean(K.square(y_true - y_pred) * sample_weight)`, does not
# even fail: `(B, 1) * (3,)` broadcasts to `(B, 3)`, every sample is multiplied by every
# weight, and the result is `mean(squared error) * mean(weights)` for any batch size.
# Weights belong in `fit(sample_weight=...)` (notebook 04), not in the loss. Wrong on
# purpose:

# %% tags=["wrong-on-purpose"]
def blog_weighted_mse(y_true, y_pred):
    sample_weight = ops.convert_to_tensor([1.0, 2.0, 3.0])
    return ops.mean(ops.square(y_true - y_pred) * sample_weight)


for batch in (3, 6):
    value = float(blog_weighted_mse(y_true[:batch], y_pred[:batch]))
    assert np.isclose(value, float(np.mean((y_true[:batch] - y_pred[:batch]) ** 2)) * 2.0, rtol=1e-5)

# %% [markdown]
# **Keras's own `Huber(delta)` forgets `delta` on save** in Keras <= 3.15
# (keras-team/keras#23286, which also fixes `CosineSimilarity(axis)` and
# `SparseCategoricalCrossentropy(axis)`; the version and the fix are from the Keras issue
# tracker, *not measured here*): its `get_config` has no `delta`, so the reloaded
# model trains with `delta=1`. After the fix, the reloaded model computes the same loss.
# `lossviz.keras_facts.huber_forgets_delta()` measures which Keras you have; our
# `PseudoHuber` keeps its hyperparameter on both.

# %%
model.compile(optimizer="sgd", loss=keras.losses.Huber(delta=0.5))
model.save(folder / "huber.keras")
reloaded_huber = keras.saving.load_model(folder / "huber.keras")
probe_x, probe_y = np.zeros((2, 1), "float32"), np.array([[3.0], [0.0]], "float32")
before, after = model.evaluate(probe_x, probe_y, verbose=0), reloaded_huber.evaluate(probe_x, probe_y, verbose=0)
forgets = lossviz.keras_facts.huber_forgets_delta()
print(f"keras {keras.__version__}: before saving {before:.4f}, after loading {after:.4f}; forgets delta: {forgets}")
assert np.isclose(before, after) != forgets  # Keras <= 3.15 reloads with delta = 1
assert ("delta" in keras.losses.Huber(delta=0.5).get_config()) != forgets


# %% [markdown]
# **Two outputs, weighted, then averaged.** The blog version multiplies the squared errors
# by `[0.3, 0.7]` and takes the **mean** over the outputs: that is simply
# `loss_weights=[0.15, 0.35]`, the intended loss divided by the number of outputs. Wrong
# on purpose:

# %% tags=["wrong-on-purpose"]
def blog_outputs_mse(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred) * ops.convert_to_tensor([0.3, 0.7]), axis=-1)


one_output.compile(loss=blog_outputs_mse)
ratio = totals["loss_weights"] / one_output.evaluate(x, y, batch_size=32, verbose=0)
two_outputs.compile(loss=["mse", "mse"], loss_weights=[0.15, 0.35])
halved = two_outputs.evaluate(x, two_targets, batch_size=32, verbose=0)[0]
assert np.isclose(ratio, 2.0, rtol=1e-5)
assert np.isclose(halved, one_output.evaluate(x, y, batch_size=32, verbose=0), rtol=1e-5)


# %% [markdown]
# Does halving the loss matter? It depends on the optimizer. Plain SGD steps along
# `learning_rate * gradient`, so half the loss is half the step: a silent factor of 2 on
# the learning rate. Adam and RMSprop divide the gradient by a running estimate of its own
# size, so a constant factor on the loss cancels, except where a gradient is as small as
# their `epsilon` (default 1e-7, checked below). Measured: the first training step from the
# same weights, blog loss against the summed one, with `epsilon=1e-12` so that only the
# optimizer's rule is measured (with the default, a weight with a near-zero gradient still
# feels a little of the factor; *not measured here*).

# %%
def first_step(loss, optimizer):
    """The change of every weight after one training step on (x, y) from fixed weights."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    start = model.get_weights()
    model.compile(optimizer=optimizer, loss=loss)
    model.train_on_batch(x, y)
    return np.concatenate([(w - w0).ravel() for w, w0 in zip(model.get_weights(), start)])


# %%
step_ratio = {}
optimizers = {"SGD": lambda: keras.optimizers.SGD(learning_rate=0.01),
              "Adam": lambda: keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-12),
              "RMSprop": lambda: keras.optimizers.RMSprop(learning_rate=0.01, epsilon=1e-12)}
for name, make_optimizer in optimizers.items():
    blog = first_step(blog_outputs_mse, make_optimizer())
    summed = first_step(weighted_outputs_mse, make_optimizer())
    step_ratio[name] = np.linalg.norm(blog) / np.linalg.norm(summed)
print({name: round(float(value), 4) for name, value in step_ratio.items()})
assert np.isclose(step_ratio["SGD"], 0.5, rtol=1e-4)  # half the loss, half the step
assert abs(step_ratio["Adam"] - 1) < 1e-3 and abs(step_ratio["RMSprop"] - 1) < 1e-3
assert keras.optimizers.Adam().epsilon == keras.optimizers.RMSprop().epsilon == 1e-7

# %% [markdown]
# That cancelling holds for the data loss alone. A regulariser (or anything added with
# `add_loss`) is not halved with it: halving the data loss doubles the penalty's relative
# weight, and that moves the minimum under **every** optimizer. (Gradient clipping,
# `clipnorm=`, also sees the factor; *(not measured here)*.) Measured: Adam, 300
# full-batch steps, a kernel with an L2 penalty, on targets that depend on `x`; the
# halved loss ends with a smaller kernel.

# %%
y_linear = (x @ np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "float32")
            + 0.1 * session.rng.normal(size=(32, 2)).astype("float32"))


def trained_kernel_norm(loss, steps=300):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((3,))
    dense = keras.layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.05))
    model = keras.Model(inputs, dense(inputs))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss=loss)
    # one epoch over `steps` copies of the data: `steps` full-batch steps
    model.fit(np.tile(x, (steps, 1)), np.tile(y_linear, (steps, 1)), batch_size=32, shuffle=False, verbose=0)
    return float(np.linalg.norm(ops.convert_to_numpy(dense.kernel)))


kernel_norm = {name: trained_kernel_norm(loss) for name, loss in [("summed", weighted_outputs_mse),
                                                                   ("blog (halved)", blog_outputs_mse)]}
print({name: round(value, 3) for name, value in kernel_norm.items()})
assert kernel_norm["blog (halved)"] < 0.95 * kernel_norm["summed"]

# %% [markdown]
# ## Check a loss: `lossviz.check_loss`
#
# `lossviz.check_loss(fn, reference=None, ...)` runs a loss the way Keras runs it and
# reports each problem in plain words: per-sample shape; a gradient with respect to
# `y_pred` (present, not zero everywhere); float32 and a compiled training step; another
# batch size; `sample_weight` applied as Keras applies it; a `get_config` round trip and
# registration for a `Loss` class; and equality with `reference` (here the NumPy twin) on
# random inputs. It never raises on a broken loss: it reports.

# %%
report = lossviz.check_loss(mse_scalar, reference=lossviz.losses.mean_squared_error)

# %%
assert not report and report.codes == ["shape", "sample_weight", "reference"]
assert lossviz.check_loss(hard_coded_weights_mse, batch_size=3, verbose=False).codes == ["batch_size", "sample_weight"]
huber_codes = ["config"] if lossviz.keras_facts.huber_forgets_delta() else []
assert lossviz.check_loss(keras.losses.Huber(delta=0.5), verbose=False).codes == huber_codes
assert lossviz.check_loss(mse_per_sample, reference=lossviz.losses.mean_squared_error, verbose=False)
assert lossviz.check_loss(PseudoHuber(delta=0.5), verbose=False)

# %% [markdown]
# `lossviz.check_metric` does the same for a stateful metric: `reset_state` works,
# several batches equal one update over all the data, `sample_weight` is honoured, the
# result is float32 of the right shape, and it matches a reference (for probabilities
# the reference receives `y_pred > 0.5`, as Keras's Precision thresholds). Notebook 05
# writes metrics; here Keras's own `Precision` against the scikit-learn-named twin.

# %%
metric_report = lossviz.check_metric(keras.metrics.Precision(), reference=lossviz.metrics.precision_score)
assert metric_report


# %% [markdown]
# ## Exercise: translate a Keras 2 loss
#
# An old post defines log-cosh as
# `K.mean(K.log((K.exp(x) + K.exp(-x)) / 2))` with `x = y_pred - y_true`. Rewrite it
# for Keras 3 in the cell below so that `check_loss` passes against
# `lossviz.losses.log_cosh`. Bonus: make it finite for a residual of 100 (`exp(100)`
# overflows float32; $\log\cosh x = x + \mathrm{softplus}(-2x) - \log 2$ does not). The
# literal translation below is wrong on purpose: it is where you start.

# %% tags=["wrong-on-purpose"]
def my_log_cosh(y_true, y_pred):
    x = y_pred - y_true
    return ops.mean(ops.log((ops.exp(x) + ops.exp(-x)) / 2))  # a literal translation: fix it


my_report = lossviz.check_loss(my_log_cosh, reference=lossviz.losses.log_cosh)
literal_far = ops.convert_to_numpy(my_log_cosh(np.zeros((1, 1), "float32"), np.full((1, 1), 100.0, "float32")))
assert np.isinf(literal_far)  # exp(100) overflows float32


# %% [markdown]
# One solution (run it to compare):

# %% jupyter={"source_hidden": true} tags=["solution"]
def solution_log_cosh(y_true, y_pred):
    x = y_pred - y_true
    return ops.mean(x + ops.softplus(-2.0 * x) - np.log(2.0), axis=-1)


assert lossviz.check_loss(solution_log_cosh, reference=lossviz.losses.log_cosh)
far = ops.convert_to_numpy(solution_log_cosh(np.zeros((1, 1), "float32"), np.full((1, 1), 100.0, "float32")))
assert np.isfinite(far).all() and np.isclose(far[0], 100 - np.log(2.0), rtol=1e-6)

# %% [markdown]
# ## Summary
#
# - A loss should return **one value per sample**, built from `keras.ops`; Keras weights
#   and reduces it. Keras accepts a batch mean without a word, but then `sample_weight`
#   and `class_weight` only rescale it.
# - Hyperparameters live in a `keras.losses.Loss` subclass whose `get_config` returns
#   them; register it so `load_model` finds it (Keras's own `Huber` forgets `delta` up to 3.15).
#   A `functools.partial` or a closure carries them too, for training, but does not save them.
# - Never hard-code anything of batch size in a loss; weight samples in `fit`.
# - A constant factor on the loss (a mean where a sum was meant) scales plain SGD's step by
#   that factor; Adam and RMSprop cancel it on the data loss alone (measured: 0.5 against
#   1.000), but not once a regulariser or `add_loss` term is added: the factor then
#   moves the minimum under every optimizer (measured with an L2 penalty and Adam).
# - `lossviz.check_loss` / `lossviz.check_metric` say what is wrong before training does.
#
# Next: [04 Weighting](04_weighting.ipynb), where sample, class and output weights meet
# Keras's reductions, and [05 Custom metrics](05_custom_metrics.ipynb).
