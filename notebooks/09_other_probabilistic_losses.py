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
# # Other probabilistic losses: KL, Poisson, hinge, cosine, focal, dice and tversky
#
# **After this notebook you can**
# - say what KL divergence, Poisson, the hinge losses, cosine similarity, focal loss,
#   dice and tversky compute in Keras 3.15, beside a NumPy twin that agrees with it;
# - avoid their measured surprises: focal `alpha` ignored by default, tversky's swapped
#   weights, dice and tversky reducing over the whole batch, hinge's all-or-nothing
#   label mapping, and where Keras adds an epsilon;
# - write a per-image dice loss with `keras.ops` and check it.
#
# The crossentropies, `from_logits`, label smoothing and the table of backend differences
# are in [02 probabilistic losses](02_probabilistic_losses.ipynb); read it first. Every
# number the text quotes is computed in the cell below it and checked by an `assert`, or
# visibly marked *(not measured here)*.

# %% [markdown]
# ## Setup

# %%
import lossviz

session = lossviz.setup()  # seed from LOSSVIZ_SEED (default 0), versions
seed = session.seed

import keras
import numpy as np
from keras import ops

import lossviz.keras_facts
import lossviz.keras_on_backend
import lossviz.losses
import lossviz.plots
import lossviz.widgets

EPSILON = keras.backend.epsilon()
print("epsilon", EPSILON)

# %% [markdown]
# ## Intuition: a margin loss stops pushing, crossentropy never does
#
# For a label 1 and a raw score `x`, the hinge loss is `max(1 - x, 0)`: once the score
# clears the margin of 1 it is exactly 0, and the sample stops pulling. Binary
# crossentropy on the same score (as a logit) is `log(1 + exp(-x))`: smaller and smaller,
# never 0. The squared hinge is smooth at the margin and pulls harder far from it.

# %%
score = np.linspace(-3.0, 3.0, 601)[:, None]
label_1 = np.ones_like(score)
curves = {
    "hinge": lossviz.losses.hinge(label_1, score),
    "squared hinge": lossviz.losses.squared_hinge(label_1, score),
    "crossentropy (logits)": lossviz.losses.binary_crossentropy(label_1, score, from_logits=True),
}
lossviz.plots.plot_curve_family(score[:, 0], curves, xlabel="score x, label 1", ylabel="loss")
past_margin = score[:, 0] >= 1.0
print(f"at x = 3: hinge {curves['hinge'][-1]}, crossentropy {curves['crossentropy (logits)'][-1]:.4f}")
assert np.all(curves["hinge"][past_margin] == 0) and np.all(curves["crossentropy (logits)"] > 0)
slope = {name: np.gradient(values, score[:, 0]) for name, values in curves.items()}
far_wrong, near_margin = score[:, 0] < 0.4, (score[:, 0] > 0.95) & (score[:, 0] < 1.0)
assert np.all(np.abs(slope["squared hinge"][far_wrong]) > np.abs(slope["hinge"][far_wrong]))  # pulls harder
assert np.all(np.abs(slope["squared hinge"][near_margin]) < 0.11)  # smooth: its pull fades to 0 at the margin

# %% [markdown]
# ## Formulas
#
# In the symbols of the `lossviz.losses` docstrings (`y` targets, `p` probabilities,
# `x` raw scores, `eps = 1e-7`):
#
# | loss | per sample |
# |---|---|
# | `kl_divergence` | `sum(t log(t / p))`, `t` and `p` clipped to `[eps, 1]` |
# | `poisson` | `mean(p - y log(p + eps))` (rates `p`, counts `y`) |
# | `binary_focal_crossentropy` | `mean(w (1 - p_t)**gamma bce)`, `p_t = y p + (1 - y)(1 - p)`; `w = y alpha + (1 - y)(1 - alpha)` **only if** `apply_class_balancing=True`, else `w = 1` |
# | `categorical_focal_crossentropy` | `sum(alpha (1 - p)**gamma (-y log p))`, `p` normalised and clipped as in categorical crossentropy |
# | `hinge` / `squared_hinge` | `mean(max(1 - y x, 0))` / `mean(max(1 - y x, 0)**2)`; 0/1 labels become -1/+1 when every label is 0 or 1 |
# | `categorical_hinge` | `max(max((1 - y) x) - sum(y x) + 1, 0)`: the true entry is masked to **0**, not removed |
# | `cosine_similarity` | `-sum(y / norm(y) * x / norm(x))`: **negative**, -1 when aligned |
# | `dice` | `1 - 2 sum(y p) / (sum(y) + sum(p) + eps)`, sums over `axis` (default: everything) |
# | `tversky(alpha, beta)` | `1 - TP / (TP + alpha FP + beta FN + eps)`, `TP = sum(y p)`, `FP = sum((1 - y) p)`, `FN = sum(y (1 - p))` (as documented) |

# %% [markdown]
# ## Code: the lossviz twins equal `keras.losses`
#
# Random outputs drawn from the notebook's seed: 200 samples, 10 classes (logits, their
# softmax and one-hot labels), and one binary column. Passed as float64: the twin computes
# in float64, Keras too on **TensorFlow** and in float32 on **JAX**, so the allowed gap
# follows from the dtype Keras returned (`lossviz.keras_facts.float_tolerance`: 16 machine
# epsilons of that dtype per unit of magnitude). Tversky is left out here: Keras 3.15
# does not compute its documented formula (pitfalls below).

# %%
rng = np.random.default_rng(seed)
logits = rng.normal(scale=3.0, size=(200, 10))
probabilities = ops.convert_to_numpy(ops.softmax(logits))
one_hot = keras.utils.to_categorical(rng.integers(0, 10, size=200), 10)
is_positive = rng.integers(0, 2, size=(200, 1)).astype("float64")
p_positive = rng.uniform(0.01, 0.99, size=(200, 1))
cases = {
    "binary_focal_crossentropy": (is_positive, p_positive, {"gamma": 2.0}),
    "categorical_focal_crossentropy": (one_hot, probabilities, {}),
    "kl_divergence": (one_hot * 0.9 + 0.01, probabilities, {}),
    "poisson": (one_hot, probabilities, {}),
    "hinge": (one_hot, logits, {}),
    "squared_hinge": (one_hot, logits, {}),
    "categorical_hinge": (one_hot, logits, {}),
    "cosine_similarity": (one_hot, probabilities, {}),
    "dice": (is_positive, p_positive, {}),
}

# %%
compared = lossviz.keras_on_backend.twins_against_keras(cases)
for name, (ours, theirs, gap, allowed) in compared.items():
    assert ours == theirs and gap <= allowed, name

# %% [markdown]
# ### KL divergence and Poisson
#
# KL divergence is crossentropy minus the entropy of the targets: `KL(t || p) =
# CE(t, p) - H(t)`. With one-hot targets `H = 0` and the two coincide; with soft targets
# (distillation) only KL reaches 0 at `p = t`. The Poisson loss is the negative
# log-likelihood of counts `y` under a rate `p`, without the constant `log(y!)`: it is
# smallest at `p = y` and can be negative.

# %%
soft = one_hot * 0.9 + 0.01  # label smoothing 0.1 over 10 classes
entropy = -np.sum(soft * np.log(soft), axis=-1)
kl = lossviz.losses.kl_divergence(soft, probabilities)
ce = lossviz.losses.categorical_crossentropy(soft, probabilities)
assert np.allclose(kl, ce - entropy, atol=1e-5)
assert np.allclose(lossviz.losses.kl_divergence(soft, soft), 0.0, atol=1e-12)

rates = np.linspace(0.1, 10.0, 991)[:, None]
poisson = lossviz.losses.poisson(np.full_like(rates, 3.0), rates)
print(f"Poisson loss for count 3: smallest at rate {rates[np.argmin(poisson), 0]:.2f}, value {poisson.min():.3f}")
assert np.isclose(rates[np.argmin(poisson), 0], 3.0) and poisson.min() < 0

# %% [markdown]
# ### Hinge losses and the 0/1 -> -1/+1 mapping
#
# Hinge losses want labels -1/+1 and raw scores. Keras maps 0/1 labels to -1/+1, but only
# when **every** label in the call is 0 or 1. Categorical hinge asks the true class's score
# to beat the best wrong score by 1, **when some wrong score is positive**: Keras computes
# `max((1 - y) x)`, which sets the true entry to 0 instead of leaving it out, so when every
# wrong score is negative the true score must beat 0 by 1. Scores `[-3, 0.5, -3]` with true
# class 1 beat the best wrong score by 3.5 and still cost 0.5.

# %%
scores = np.array([[0.5, -2.0]])
zero_one, minus_plus = np.array([[1.0, 0.0]]), np.array([[1.0, -1.0]])
hinge_01 = float(keras.losses.hinge(zero_one, scores)[0])
print("hinge with labels 1/0:", hinge_01)  # margins 1 - 0.5 and max(1 - 2, 0): (0.5 + 0) / 2
assert hinge_01 == float(keras.losses.hinge(minus_plus, scores)[0]) == 0.25
assert np.isclose(float(keras.losses.squared_hinge(zero_one, scores)[0]), 0.125)

true_class_1 = np.array([[0.0, 1.0, 0.0]])
short_margin = float(keras.losses.categorical_hinge(true_class_1, np.array([[0.3, 0.9, 0.5]]))[0])
margin_met = float(keras.losses.categorical_hinge(true_class_1, np.array([[0.3, 1.6, 0.5]]))[0])
assert np.isclose(short_margin, 0.5 - 0.9 + 1) and margin_met == 0.0
all_wrong_negative = float(keras.losses.categorical_hinge(true_class_1, np.array([[-3.0, 0.5, -3.0]]))[0])
print(f"[-3, 0.5, -3], true class 1: margin 3.5, loss {all_wrong_negative}")
assert np.isclose(all_wrong_negative, max(0.0 - 0.5 + 1, 0))  # max over wrong = 0 (the masked true entry)
assert np.isclose(lossviz.losses.categorical_hinge(true_class_1, np.array([[-3.0, 0.5, -3.0]]))[0], 0.5)

# %% [markdown]
# ### Cosine similarity is a negative loss
#
# `keras.losses.cosine_similarity` is **minus** the cosine, so that minimising it aligns
# the vectors: -1 for the same direction, 0 for orthogonal, +1 for opposite. The metric
# `keras.metrics.CosineSimilarity` is the cosine itself, +1 when aligned. A loss curve
# going down to -0.9 is a good sign, not a bug.

# %%
target = np.array([[1.0, 2.0]])
for direction, expected in [([2.0, 4.0], -1.0), ([-2.0, 1.0], 0.0), ([-1.0, -2.0], 1.0)]:
    value = float(keras.losses.cosine_similarity(target, np.array([direction]))[0])
    assert np.isclose(value, expected, atol=1e-6), (direction, value)
metric = keras.metrics.CosineSimilarity()
metric.update_state(target, np.array([[2.0, 4.0]]))
assert np.isclose(float(metric.result()), 1.0)

# %% [markdown]
# ### Three rarer Keras losses: generalized crossentropy, circle and CTC
#
# Keras 3 ships three more losses that blog posts rarely show; each has its twin.
# - `categorical_generalized_cross_entropy(y_true, y_pred, q)`: integer labels against
#   probabilities, `(1 - p[y] ** q) / q`. It tends to crossentropy `-log p[y]` as `q -> 0`
#   and is `1 - p[y]` at `q = 1`, so a confidently wrong (perhaps mislabelled) sample
#   pulls less than under crossentropy.
# - `circle(y_true, y_pred)`: integer labels against L2-normalised embeddings, for metric
#   learning: it pulls pairs with the same label together and pushes the others apart.
# - `ctc(y_true, y_pred)`: label sequences padded with 0 (the blank) against per-step
#   logits `(B, T, C)`, summed over every alignment of the labels to the steps.
#
# Measured below on generated data, with the tolerance of the cell above.

# %%
labels = rng.integers(0, 10, size=200)
embeddings = rng.normal(size=(200, 8))
embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)  # circle expects unit vectors
sequences = rng.integers(1, 5, size=(4, 3))  # 4 label sequences of length 3 over symbols 1-4
# 12 steps, classes 0 (blank) to 4; float32, because Keras runs CTC in float32 on any input
# (float64 logits come back as float64 on TensorFlow, but rounded to float32 on the way)
step_logits = rng.normal(size=(4, 12, 5)).astype("float32")
rare = {
    "categorical_generalized_cross_entropy": (labels, probabilities, {"q": 0.5}),
    "circle": (labels, embeddings, {}),
    "ctc": (sequences, step_logits, {}),
}
for name, (ours, theirs, gap, allowed) in lossviz.keras_on_backend.twins_against_keras(rare).items():
    assert ours == theirs and gap <= allowed, name

# %%
p64 = probabilities.astype("float64")  # float32 (JAX's softmax) would cancel 1 - p**q at q = 1e-6
p_true = p64[np.arange(200), labels]
near_zero = lossviz.losses.categorical_generalized_cross_entropy(labels, p64, q=1e-6)
assert np.allclose(near_zero, -np.log(p_true), rtol=1e-4)  # q -> 0: crossentropy
at_one = lossviz.losses.categorical_generalized_cross_entropy(labels, p64, q=0.999999)
assert np.allclose(at_one, 1 - p_true, atol=1e-5)  # q -> 1: 1 - p[y]
print(f"q=1e-6: largest gap to -log p[y] {np.max(np.abs(near_zero + np.log(p_true))):.1e}")

# %% [markdown]
# ## Explore: focal loss against the prediction
#
# The crossentropy explorer of [02](02_probabilistic_losses.ipynb#Explore:-crossentropy-against-the-prediction)
# also draws the binary focal loss. Move `gamma` (focal loss flattens where the
# prediction is already right) and `alpha` (try it with and without
# `apply_class_balancing`).

# %%
focal_explorer = lossviz.widgets.crossentropy_explorer()
focal_explorer

# %% [markdown]
# What you should have seen: `alpha` does nothing until `apply_class_balancing=True`,
# then it multiplies the label-1 curve by `alpha`; `gamma = 0` turns the focal loss into
# plain crossentropy.

# %%
focal_explorer.set(gamma=2.0, alpha=0.25, apply_class_balancing=False, label_smoothing=0.0)
focal_default = focal_explorer.results["focal, y=1"].copy()
already_right = focal_explorer.results["x"] > 0.9  # label 1 predicted above 0.9: gamma 2 keeps under 1 %
assert np.all(focal_default[already_right] < 0.01 * focal_explorer.results["crossentropy, y=1"][already_right])
focal_explorer.set(alpha=0.9)
assert np.array_equal(focal_explorer.results["focal, y=1"], focal_default)  # ignored
focal_explorer.set(apply_class_balancing=True)
assert np.allclose(focal_explorer.results["focal, y=1"], 0.9 * focal_default)
focal_explorer.set(gamma=0.0, apply_class_balancing=False)
assert np.allclose(focal_explorer.results["focal, y=1"], focal_explorer.results["crossentropy, y=1"])

# %% [markdown]
# ## Pitfalls
#
# ### Focal loss ignores `alpha` unless `apply_class_balancing=True`
#
# Many posts tune `alpha=0.25` for rare positives. In Keras the default
# `apply_class_balancing=False` drops `alpha` entirely:

# %%
y_focal = np.array([[1.0, 0.0, 1.0, 0.0]])
p_focal = np.array([[0.9, 0.2, 0.3, 0.6]])
for balance in [False, True]:
    values = [float(keras.losses.binary_focal_crossentropy(y_focal, p_focal, alpha=alpha,
                                                           apply_class_balancing=balance)[0])
              for alpha in [0.25, 0.5, 0.9]]
    print(f"apply_class_balancing={balance}: alpha 0.25 / 0.5 / 0.9 -> {np.round(values, 4)}")
    assert (len(set(values)) == 1) == (not balance)

# %% [markdown]
# ### Tversky: Keras 3.15 swaps `alpha` and `beta`
#
# Documented (and in the paper): `alpha` prices false positives, `beta` false negatives.
# Keras 3.15's code applies `alpha` to FN and `beta` to FP (earlier Keras 3 releases do
# too and a later release fixes it, from the Keras history: *not measured here*, which
# is why the fix below detects it). Measured on one small mask:

# %%
mask = np.array([[1.0, 1.0, 0.0, 0.0, 1.0]])
soft_mask = np.array([[0.9, 0.4, 0.6, 0.1, 0.8]])
tp, fp, fn = np.sum(mask * soft_mask), np.sum((1 - mask) * soft_mask), np.sum(mask * (1 - soft_mask))


def documented(alpha, beta):
    return 1 - tp / (tp + alpha * fp + beta * fn + EPSILON)


keras_tversky = float(keras.losses.tversky(mask, soft_mask, alpha=0.7, beta=0.3))
print(f"TP {tp:.1f}, FP {fp:.1f}, FN {fn:.1f}; keras {keras_tversky:.4f}, documented {documented(0.7, 0.3):.4f}")
assert np.isclose(keras_tversky, documented(0.3, 0.7) if lossviz.keras_facts.tversky_swaps_alpha_beta()
                  else documented(0.7, 0.3))
assert np.isclose(lossviz.losses.tversky(mask, soft_mask, alpha=0.7, beta=0.3), documented(0.7, 0.3))

# %% [markdown]
# Fix: ask which Keras you have. `lossviz.keras_facts.tversky_swaps_alpha_beta()` scores
# this very example and says which formula the value matches. Where Keras swaps (3.15),
# pass the weights swapped (`keras.losses.Tversky(alpha=beta, beta=alpha)`, or the same
# to the function `keras.losses.tversky`); where it does not (after the upstream fix),
# pass them as documented. Choosing from the detection keeps your code right on both
# sides of the upgrade.

# %%
swapped = lossviz.keras_facts.tversky_swaps_alpha_beta()
print(f"keras {keras.__version__}: tversky swaps alpha and beta: {swapped}")
alpha, beta = (0.3, 0.7) if swapped else (0.7, 0.3)  # ask for FP weight 0.7, FN weight 0.3
assert np.isclose(float(keras.losses.tversky(mask, soft_mask, alpha=alpha, beta=beta)), documented(0.7, 0.3))
assert np.isclose(float(keras.losses.Tversky(alpha=alpha, beta=beta)(mask, soft_mask)), documented(0.7, 0.3))

# %% [markdown]
# ### Dice and tversky reduce over the whole batch by default
#
# With `axis=None` (the default of both) the sums run over every axis, the batch
# included: one number per call, so sample weights cannot weight images: Keras multiplies
# that one number by the mean weight (measured below with weights 1 and 0, which should
# give the first image's loss). Pass the non-batch axes for one value per sample. Tversky
# with `alpha = beta = 0.5` is dice (up to where the epsilon sits), so the swap above does
# not matter here.

# %%
masks = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
predicted = np.array([[0.9, 0.8, 0.1], [0.5, 0.5, 0.2]])
for name in ["dice", "tversky"]:
    whole_batch = ops.convert_to_numpy(getattr(keras.losses, name)(masks, predicted))
    per_image = ops.convert_to_numpy(getattr(keras.losses, name)(masks, predicted, axis=-1))
    print(f"{name}: axis=None {whole_batch.round(4)} (shape {whole_batch.shape}); axis=-1 {per_image.round(4)}")
    assert whole_batch.shape == () and per_image.shape == (2,)
    twin = getattr(lossviz.losses, name)(masks, predicted, axis=-1)
    assert np.max(np.abs(per_image - twin)) <= lossviz.keras_facts.float_tolerance(per_image), name

# %%
first_image_only = np.array([1.0, 0.0])  # weights that should keep the first image's loss
dice_whole, dice_by_image = (ops.convert_to_numpy(keras.losses.dice(masks, predicted, axis=axis)) for axis in (None, -1))
weighted_whole = float(keras.losses.Dice()(masks, predicted, sample_weight=first_image_only))
weighted_per_image = float(keras.losses.Dice(axis=-1, reduction="mean_with_sample_weight")(
    masks, predicted, sample_weight=first_image_only))
print(f"weights 1, 0: axis=None {weighted_whole:.4f} (the batch's {float(dice_whole):.4f} x 0.5); "
      f"axis=-1 {weighted_per_image:.4f} (the first image's {dice_by_image[0]:.4f})")
assert np.isclose(weighted_whole, 0.5 * dice_whole, rtol=1e-5)
assert np.isclose(weighted_per_image, dice_by_image[0], rtol=1e-5)
tversky_per_image = ops.convert_to_numpy(keras.losses.tversky(masks, predicted, axis=-1))
assert np.allclose(tversky_per_image, dice_by_image, atol=1e-6)  # alpha = beta = 0.5: dice

# %% [markdown]
# ### Hinge with mixed labels
#
# The 0/1 mapping is all or nothing. One -1 label in the call and the 0 labels stay 0:
# `max(1 - 0 * x, 0) = 1` whatever the score. Here every score has the right sign with a
# margin of 2, yet the loss is 1/3 instead of 0.

# %%
mixed = float(keras.losses.hinge(np.array([[0.0, 1.0, -1.0]]), np.array([[-2.0, 2.0, -2.0]]))[0])
signed = float(keras.losses.hinge(np.array([[-1.0, 1.0, -1.0]]), np.array([[-2.0, 2.0, -2.0]]))[0])
print(f"mixed 0/1/-1 labels: {mixed:.4f}; all -1/+1: {signed}")
assert np.isclose(mixed, 1 / 3) and signed == 0.0

# %% [markdown]
# ### What old blog posts get wrong
#
# - *`cosine_proximity`, `kullback_leibler_divergence`.* Now `cosine_similarity` (a
#   negative loss, above) and `kl_divergence` (or `"kld"`); the old names are refused.
#   (The crossentropies' old names are in
#   [02's list](02_probabilistic_losses.ipynb#What-old-blog-posts-get-wrong).)

# %%
for old in ["cosine_proximity", "kullback_leibler_divergence"]:
    try:
        keras.losses.get(old)
        raise AssertionError(f"{old} is still accepted")
    except ValueError:
        pass
assert keras.losses.get("kld") is keras.losses.kl_divergence
assert keras.losses.get("cosine_similarity") is keras.losses.cosine_similarity

# %% [markdown]
# ### Where Keras adds an epsilon
#
# Old posts print the Poisson loss as `y_pred - y_true * log(y_pred)` and KL divergence as
# `y_true * log(y_true / y_pred)`. Keras 3.15 computes `mean(y_pred - y_true *
# log(y_pred + eps))`, and clips both KL inputs to `[eps, 1]` before `sum(...)` over the
# last axis. At the edges the printed formulas give `inf` or `NaN`; Keras gives finite
# numbers, bounded by `-log(eps) = 16.12` for these inputs.

# %%
with np.errstate(divide="ignore", invalid="ignore"):
    poisson_printed = 0.0 - 1.0 * np.log(0.0)  # count 1, rate 0
    kl_zero_target = np.sum([0.0, 1.0] * np.log(np.array([0.0, 1.0]) / [0.5, 0.5]))
    kl_zero_prediction = np.sum([1.0, 0.0] * np.log(np.array([1.0, 0.0]) / [0.0, 1.0]))
poisson_keras = float(keras.losses.poisson(np.array([[1.0]]), np.array([[0.0]]))[0])
kl_keras = ops.convert_to_numpy(keras.losses.kl_divergence(np.array([[0.0, 1.0], [1.0, 0.0]]),
                                                           np.array([[0.5, 0.5], [0.0, 1.0]])))
print(f"printed: {poisson_printed}, {kl_zero_target}, {kl_zero_prediction}; Keras: {poisson_keras:.4f}, {kl_keras.round(4)}")
assert np.isinf(poisson_printed) and np.isnan(kl_zero_target) and np.isnan(kl_zero_prediction)
assert np.isclose(poisson_keras, -np.log(EPSILON), rtol=1e-6)
assert np.allclose(kl_keras, [np.log(2) + EPSILON * np.log(EPSILON / 0.5), -np.log(EPSILON) + EPSILON * np.log(EPSILON)], rtol=1e-6)


# %% [markdown]
# ## Exercise: a dice loss per image
#
# `keras.losses.dice` with its default `axis=None` returns one number per batch (above).
# Write `dice_per_image(y_true, y_pred)` with `keras.ops`: the dice loss of each sample
# over its last axis, so that `sample_weight` can weight images. The reference is the
# lossviz twin with `axis=-1`.

# %%
def dice_reference(y_true, y_pred):
    """NumPy dice loss per sample, over the last axis."""
    return lossviz.losses.dice(y_true, y_pred, axis=-1)


assert np.allclose(dice_reference(masks, predicted), dice_by_image)


# %% [markdown]
# The version below is wrong on purpose: it is the formula of a blog post, summed over
# every axis, batch included. Run the checker, read its report, then fix the function.

# %% tags=["wrong-on-purpose"]
def dice_per_image(y_true, y_pred):
    # TODO: sum over the last axis only, so there is one value per sample.
    overlap = ops.sum(y_true * y_pred)
    return 1 - 2 * overlap / (ops.sum(y_true) + ops.sum(y_pred) + EPSILON)


# %%
result = lossviz.check_loss(dice_per_image, reference=dice_reference, inputs="binary", target_shape=(4,),
                            verbose=False)
result


# %% [markdown]
# ### Solution

# %% jupyter={"source_hidden": true} tags=["solution"]
def dice_per_image(y_true, y_pred):
    overlap = ops.sum(y_true * y_pred, axis=-1)
    return 1 - 2 * overlap / (ops.sum(y_true, axis=-1) + ops.sum(y_pred, axis=-1) + EPSILON)


result = lossviz.check_loss(dice_per_image, reference=dice_reference, inputs="binary", target_shape=(4,),
                            verbose=False)
assert result, result.codes
result

# %% [markdown]
# ## Summary
#
# - KL divergence is crossentropy minus the targets' entropy; the Poisson loss is smallest
#   at rate = count and can be negative; Keras adds an epsilon to both, so their edges
#   are finite where the printed formulas give `inf` or `NaN`.
# - Hinge losses map 0/1 labels to -1/+1 only when every label is 0 or 1; categorical
#   hinge masks the true entry to 0, so with every wrong score negative the true score
#   must beat 0 by 1. The cosine loss is negative: -1 when aligned.
# - Focal `alpha` needs `apply_class_balancing=True`; Keras 3.15's tversky swaps `alpha`
#   and `beta`; dice and tversky reduce over the batch unless you pass `axis`.
# - Generalized crossentropy runs from crossentropy (`q -> 0`) to `1 - p[y]` (`q = 1`);
#   circle and CTC have twins too, equal to Keras.
#
# **Next:** [03 custom losses](03_custom_losses.ipynb): writing, checking and saving your
# own loss as a `keras.losses.Loss`.
