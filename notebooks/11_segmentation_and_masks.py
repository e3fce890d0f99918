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
# # 11 Segmentation and masks: metrics per pixel, per image, per time step
#
# **After this notebook you can**
# - compute IoU and Dice per image and per batch, and give each of Keras's `IoU`,
#   `MeanIoU`, `BinaryIoU` and `OneHotIoU` the input it expects;
# - tell the Dice loss from the Dice metric, and leave pixels out with `ignore_class`;
# - say which losses and metrics honour a sequence mask, and what each reduction then
#   divides by.

# %% [markdown]
# ## Setup

# %%
import lossviz

session = lossviz.setup()  # seed from LOSSVIZ_SEED (default 0), versions
seed = session.seed

import keras
import matplotlib.pyplot as plt
import numpy as np

import lossviz.data
import lossviz.losses
import lossviz.metrics
import lossviz.plots
import lossviz.reduction
import lossviz.widgets

# %% [markdown]
# ## Intuition: IoU is the green area over the coloured area
#
# Eight 32 x 32 images, each with a disc (class 1) and a square (class 2) on background
# (class 0), and the softmax output of an imperfect model (`lossviz.data.
# segmentation_masks`: its guess of each object is shifted and resized, plus noise). The
# predicted class of a pixel is the argmax. For the disc of one image: green pixels are
# right (TP), orange predicted but not there (FP), blue missed (FN).

# %%
labels, probabilities = lossviz.data.segmentation_masks(n=8, size=32, seed=seed)
predicted = probabilities.argmax(-1)  # class ids, (8, 32, 32)
figure, axes = plt.subplots(1, 3, figsize=(8, 3.2), layout="constrained")
axes[0].imshow(labels[0], cmap="viridis", vmin=0, vmax=2, interpolation="nearest")
axes[1].imshow(predicted[0], cmap="viridis", vmin=0, vmax=2, interpolation="nearest")
for ax, title in zip(axes[:2], ["true classes", "predicted (argmax)"]):
    ax.set(xticks=[], yticks=[], title=title)
errors = lossviz.plots.plot_mask_errors(labels[0] == 1, predicted[0] == 1, axes[2], title="class 1 (disc)")
kinds = np.bincount(errors.image.get_array().ravel(), minlength=4)  # TN, TP, FP, FN
print(f"disc of image 0: TP {kinds[1]}, FP {kinds[2]}, FN {kinds[3]}; IoU {kinds[1] / kinds[1:].sum():.3f}")
assert kinds[1] + kinds[3] == np.sum(labels[0] == 1)
assert np.isclose(kinds[1] / kinds[1:].sum(),
                  lossviz.metrics.iou(labels[0], predicted[0], num_classes=3, target_class_ids=[1]), atol=1e-6)

# %% [markdown]
# ## Formula
#
# For a class c, over the pixels considered: TP_c, FP_c, FN_c as for any classifier.
#
# - IoU_c (Jaccard) = TP_c / (TP_c + FP_c + FN_c); Keras's `MeanIoU` is the mean of IoU_c
#   over the classes with TP_c + FP_c + FN_c > 0.
# - Dice_c (F1) = 2 TP_c / (2 TP_c + FP_c + FN_c) = 2 IoU_c / (1 + IoU_c).
# - **Per batch** (what a Keras metric accumulates): the counts summed over all pixels of
#   all images, then the ratio. **Per image**: the ratio for each image, then the mean.
#   A mean of ratios is not the ratio of the sums: small objects weigh more per image.
# - The **Dice loss** is soft: 1 - 2 sum(y p) / (sum(y) + sum(p) + eps) on probabilities p,
#   summed (with Keras's default `axis=None`) over **every** axis, the batch included.

# %% [markdown]
# ## Code: the lossviz twins beside Keras's IoU metrics
#
# Each Keras class is stateful; `lossviz.metrics` has one function per class, named after
# it in snake case, with the constructor's arguments as keywords. On the 8 images:

# %%
one_hot_true = np.eye(3, dtype="float32")[labels]
pairs = [  # (Keras metric, its input, the lossviz twin's value)
    (keras.metrics.MeanIoU(num_classes=3), (labels, predicted),
     lossviz.metrics.mean_iou(labels, predicted, num_classes=3)),
    (keras.metrics.IoU(num_classes=3, target_class_ids=[1]), (labels, predicted),
     lossviz.metrics.iou(labels, predicted, num_classes=3, target_class_ids=[1])),
    (keras.metrics.OneHotIoU(num_classes=3, target_class_ids=[1, 2]), (one_hot_true, probabilities),
     lossviz.metrics.one_hot_iou(one_hot_true, probabilities, num_classes=3, target_class_ids=[1, 2])),
    (keras.metrics.BinaryIoU(target_class_ids=[1]), (labels == 1, probabilities[..., 1]),
     lossviz.metrics.binary_iou(labels == 1, probabilities[..., 1], target_class_ids=[1])),
]
for metric, (y_true, y_pred), twin in pairs:
    metric.update_state(y_true, y_pred)
    print(f"{type(metric).__name__:10s} Keras {float(metric.result()):.6f}  lossviz {twin:.6f}")
    assert np.isclose(float(metric.result()), twin, atol=1e-6)

# %% [markdown]
# And `MeanIoU` is the mean of the per-class IoU from the pooled confusion matrix, and
# Dice follows from IoU:

# %%
matrix = lossviz.metrics.confusion_matrix(labels.ravel(), predicted.ravel(), labels=[0, 1, 2])
tp = np.diag(matrix)
fp, fn = matrix.sum(0) - tp, matrix.sum(1) - tp
class_iou, class_dice = tp / (tp + fp + fn), 2 * tp / (2 * tp + fp + fn)
print("per-class IoU", np.round(class_iou, 4), "Dice", np.round(class_dice, 4))
assert np.isclose(class_iou.mean(), pairs[0][2], atol=1e-6)
assert np.isclose(class_iou[1], pairs[1][2], atol=1e-6)
assert np.allclose(class_dice, 2 * class_iou / (1 + class_iou))

# %% [markdown]
# ## Per image against per batch
#
# Keras's `MeanIoU` adds the confusion matrices of every batch, so `evaluate` reports the
# IoU of the whole data set as one big image. Papers and competitions often average the
# IoU (or Dice) **per image**. On the disc class of the 8 images:

# %%
per_image = np.array([lossviz.metrics.iou(labels[i], predicted[i], num_classes=3, target_class_ids=[1])
                      for i in range(8)])
pooled = pairs[1][2]
disc_pixels = (labels == 1).sum(axis=(1, 2))
print("disc pixels per image", disc_pixels)
print("IoU per image       ", np.round(per_image, 3))
print(f"mean per image {per_image.mean():.4f}, per batch (pooled) {pooled:.4f}")
assert not np.isclose(per_image.mean(), pooled, atol=1e-3)
weighted_by_union = np.average(per_image, weights=[((labels[i] == 1) | (predicted[i] == 1)).sum() for i in range(8)])
assert np.isclose(weighted_by_union, pooled, atol=1e-6)

# %% [markdown]
# The pooled IoU is the per-image IoU weighted by each image's union (TP + FP + FN):
# large objects dominate it. A model that misses small objects looks better per batch
# than per image. Which to report is a choice; say which one you did.

# %% [markdown]
# ## Explore: IoU and Dice against the threshold
#
# A binary mask comes from a score map and a threshold (Keras's `BinaryIoU` predicts a
# pixel inside when its score is at least the threshold). The explorer shows one image's
# disc score, the errors at the threshold, and IoU and Dice at every threshold. Move the
# threshold down: the mask grows, false negatives turn into true positives and
# background into false positives. Then try another image: the threshold with the best
# IoU moves from image to image.

# %%
iou_explorer = lossviz.widgets.iou_threshold_explorer()
iou_explorer

# %% [markdown]
# The check: as the threshold rises, false positives never increase and false negatives
# never decrease; Dice = 2 IoU / (1 + IoU) everywhere; the explorer's IoU at 0.5 is
# `lossviz.metrics.binary_iou` of that image (which equals Keras's `BinaryIoU`, above); and
# the eight images do not share one best threshold.

# %%
seen = []
for threshold in (0.1, 0.3, 0.5, 0.7, 0.9):
    iou_explorer.set(threshold=threshold, image=0)
    seen.append(iou_explorer.results)
false_positives = [r["false_positives"] for r in seen]
false_negatives = [r["false_negatives"] for r in seen]
print("FP", false_positives, "FN", false_negatives)
assert np.all(np.diff(false_positives) <= 0) and np.all(np.diff(false_negatives) >= 0)
assert all(np.isclose(r["dice"], 2 * r["iou"] / (1 + r["iou"])) for r in seen)
at_half = lossviz.metrics.binary_iou(labels[0] == 1, probabilities[0, ..., 1], target_class_ids=[1])
assert np.isclose(seen[2]["iou"], at_half, atol=1e-6)
best_by_image = []
for image in range(8):
    iou_explorer.set(image=image)
    best_by_image.append(iou_explorer.results["best_threshold"])
print("best threshold per image", np.round(best_by_image, 2))
assert len(set(best_by_image)) > 1

# %% [markdown]
# ## Pitfalls: each IoU metric gets the wrong input
#
# **`MeanIoU` wants class ids, not probabilities.** Its default `sparse_y_pred=True` casts
# `y_pred` to integers without an argmax. Given the (8, 32, 32, 3) softmax output, it
# flattens 3 times more predictions than labels and fails on the shapes (the error's type
# depends on the backend; its message says "incompatible shapes" on both). The fix:
# `argmax` first, or `MeanIoU(num_classes=3, sparse_y_pred=False)`.

# %%
try:
    keras.metrics.MeanIoU(num_classes=3).update_state(labels, probabilities)
    message = "no error"
except Exception as error:  # InvalidArgumentError on TensorFlow, TypeError on JAX
    message = f"{type(error).__name__}: {error}"
print(message[:160])
assert "incompatible shapes" in message.lower()
fixed = keras.metrics.MeanIoU(num_classes=3, sparse_y_pred=False)
fixed.update_state(labels, probabilities)
assert np.isclose(float(fixed.result()), pairs[0][2], atol=1e-6)

# %% [markdown]
# **Worse when the shapes fit: one sigmoid per pixel.** A binary model outputs
# (8, 32, 32) probabilities of "disc", the shape of the mask. `MeanIoU(num_classes=2)`
# casts every probability below 1 to class 0: no pixel is ever predicted as the disc. No
# error, just a wrong number (tensorflow/tensorflow#39173). `BinaryIoU` thresholds first.

# %%
disc_true, disc_score = (labels == 1).astype("int32"), probabilities[..., 1]
cast = keras.metrics.MeanIoU(num_classes=2)
cast.update_state(disc_true, disc_score)
thresholded = keras.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.5)
thresholded.update_state(disc_true, disc_score)
print(f"MeanIoU on probabilities {float(cast.result()):.4f}; BinaryIoU {float(thresholded.result()):.4f}")
background_share = 1 - disc_true.mean()  # class 0's IoU when everything is predicted 0
assert np.isclose(float(cast.result()), background_share / 2, atol=1e-6)
assert np.isclose(float(thresholded.result()),
                  lossviz.metrics.mean_iou(disc_true, (disc_score >= 0.5).astype(int), num_classes=2), atol=1e-6)

# %% [markdown]
# **`OneHotIoU` wants one-hot targets.** Given the class ids as `y_true`, its argmax runs
# over the last axis of the (8, 32, 32) ids, and the shapes no longer pair up:

# %%
try:
    keras.metrics.OneHotIoU(num_classes=3, target_class_ids=[1]).update_state(labels, probabilities)
    message = "no error"
except Exception as error:  # the backend's own error type
    message = f"{type(error).__name__}: {error}"
print(message[:160])
assert "incompatible shapes" in message.lower()

# %% [markdown]
# | metric | `y_true` | `y_pred` | given the other kind |
# |---|---|---|---|
# | `IoU`, `MeanIoU` | class ids | class ids (`sparse_y_pred=False`: scores, argmax) | probabilities: shape error, or silently cast to 0 |
# | `BinaryIoU` | 0/1 | scores, `>= threshold` | - |
# | `OneHotIoU`, `OneHotMeanIoU` | one-hot | scores (argmax) | class ids: shape error |

# %% [markdown]
# ## `ignore_class`: leave pixels out
#
# Datasets mark pixels nobody should be scored on (borders, "void") with a label of
# their own. `ignore_class` drops the pixels whose **true** label is that class. Here
# every pixel with a differently labelled neighbour (up, down, left or right) becomes
# void, label 3, with `num_classes=4`: a band along each object's outline, one pixel on
# each side of it.

# %%
interior = np.ones_like(labels, dtype=bool)
for axis in (1, 2):
    for step in (1, -1):
        interior &= labels == np.roll(labels, step, axis=axis)
void_labels = np.where(interior, labels, 3)
ignored = keras.metrics.MeanIoU(num_classes=4, ignore_class=3)
ignored.update_state(void_labels, predicted)
kept = void_labels != 3
twin = lossviz.metrics.mean_iou(void_labels, predicted, num_classes=4, ignore_class=3)
by_hand = lossviz.metrics.mean_iou(labels[kept], predicted[kept], num_classes=3)
print(f"{1 - kept.mean():.1%} of pixels void; MeanIoU ignoring them {float(ignored.result()):.4f} "
      f"(lossviz {twin:.4f}, on the kept pixels {by_hand:.4f}); all pixels {pairs[0][2]:.4f}")
assert np.isclose(float(ignored.result()), twin, atol=1e-6) and np.isclose(twin, by_hand, atol=1e-6)
assert float(ignored.result()) > pairs[0][2]  # the borders are where the model errs

# %% [markdown]
# **Ignoring pixels is not ignoring a class in the mean.** To drop the background
# *pixels*, `ignore_class=0` works; but class 0 stays one of the classes `MeanIoU`
# averages, and with no true background pixel left every pixel predicted 0 is a false
# positive: its IoU is 0 and drags the mean down. To average the objects only, name them
# with `IoU(target_class_ids=[1, 2])`.

# %%
no_background = keras.metrics.MeanIoU(num_classes=3, ignore_class=0)
no_background.update_state(labels, predicted)
objects_only = keras.metrics.IoU(num_classes=3, target_class_ids=[1, 2], ignore_class=0)
objects_only.update_state(labels, predicted)
objects = labels != 0
per_class = [lossviz.metrics.iou(labels[objects], predicted[objects], num_classes=3, target_class_ids=[c])
             for c in range(3)]
print(f"MeanIoU(ignore_class=0) {float(no_background.result()):.4f}; per-class IoU on object pixels "
      f"{np.round(per_class, 4)}; IoU(target_class_ids=[1, 2]) {float(objects_only.result()):.4f}")
assert per_class[0] == 0 and np.isclose(float(no_background.result()), np.mean(per_class), atol=1e-6)
assert np.isclose(float(objects_only.result()), np.mean(per_class[1:]), atol=1e-6)

# %% [markdown]
# ## The Dice loss is not the Dice metric
#
# Three "Dice" numbers for the disc, all different:
#
# - `keras.losses.Dice()`: **soft** (probabilities, no threshold) and, with the default
#   `axis=None`, over **all** axes including the batch: one number for the batch, so it
#   cannot weight images (measured in [notebook 09](09_other_probabilistic_losses.ipynb)).
#   `1 - loss` is a soft pooled Dice.
# - the Dice **metric** per batch: hard masks (argmax), counts pooled.
# - the Dice metric **per image**, then the mean.

# %%
disc_prob = probabilities[..., 1]
soft_pooled = 1 - float(keras.losses.Dice()(disc_true.astype("float32"), disc_prob))
hard_true, hard_pred = labels == 1, predicted == 1
hard_pooled = 2 * np.sum(hard_true & hard_pred) / (hard_true.sum() + hard_pred.sum())
hard_per_image = np.mean([2 * np.sum(t & p) / (t.sum() + p.sum()) for t, p in zip(hard_true, hard_pred)])
print(f"1 - Dice loss {soft_pooled:.4f}; Dice pooled {hard_pooled:.4f}; Dice per image {hard_per_image:.4f}")
assert np.isclose(soft_pooled, 1 - lossviz.losses.dice(disc_true, disc_prob), atol=1e-6)
assert np.isclose(hard_pooled, class_dice[1]) and np.isclose(hard_per_image, np.mean(2 * per_image / (1 + per_image)))
assert min(abs(soft_pooled - hard_pooled), abs(hard_pooled - hard_per_image)) > 1e-3


# %% [markdown]
# For a loss **per image** (so that `sample_weight` weights images and a big object does
# not drown a small one), reduce over the pixel axes only. Keras's `Dice(axis=(1, 2))` does
# that; the same as a function, checked with `lossviz.check_loss` against the twin:

# %%
def dice_per_image(y_true, y_pred):
    axes = tuple(range(1, len(y_pred.shape)))
    overlap = keras.ops.sum(y_true * y_pred, axis=axes)
    total = keras.ops.sum(y_true, axis=axes) + keras.ops.sum(y_pred, axis=axes)
    return 1 - 2 * overlap / (total + keras.backend.epsilon())


check = lossviz.check_loss(dice_per_image, inputs="binary", target_shape=(4, 4),
                           reference=lambda y_true, y_pred: lossviz.losses.dice(y_true, y_pred, axis=(1, 2)))
assert check, check.report()
per_image_loss = keras.losses.Dice(axis=(1, 2), reduction=None)(disc_true.astype("float32"), disc_prob)
assert np.allclose(keras.ops.convert_to_numpy(per_image_loss), dice_per_image(disc_true.astype("float32"), disc_prob),
                   atol=1e-6)

# %% [markdown]
# ## Masks and padding: sequences of different lengths
#
# A batch of token sequences padded with 0 to 7 steps, one class label (of 3) per step.
# `Embedding(mask_zero=True)` makes a mask (True on real steps) that travels with the
# tensors to the loss. The model is untrained: what matters here is how its losses and
# metrics are reduced.

# %%
rng = np.random.default_rng(seed)
lengths = rng.permutation([7, 6, 5, 4, 3, 2])
tokens, steps = np.zeros((6, 7), "int32"), np.zeros((6, 7), "int32")
for row, length in enumerate(lengths):
    tokens[row, :length] = rng.integers(1, 10, length)
    steps[row, :length] = rng.integers(0, 3, length)
valid = tokens > 0  # the mask Keras will build
keras.utils.set_random_seed(seed)
tagger = keras.Sequential([keras.Input((7,), dtype="int32"), keras.layers.Embedding(10, 4, mask_zero=True),
                           keras.layers.Dense(3, activation="softmax")])
step_probabilities = tagger.predict(tokens, verbose=0)
step_loss = lossviz.losses.sparse_categorical_crossentropy(steps, step_probabilities)  # (6, 7), every step
print(f"{valid.sum()} real steps of {valid.size}; per-step losses {step_loss.shape}")

# %% [markdown]
# **What each reduction divides by**, with the mask and per-step weights w (1 without
# weights), measured against the hand computation at rtol 1e-6 (Keras computes in float32):
#
# | reduction | value |
# |---|---|
# | `sum_over_batch_size` (default) | sum(w l over real steps) / **number of real steps** |
# | `sum` | sum(w l over real steps) |
# | `mean_with_sample_weight` | sum(w l over real steps) / **sum(w over real steps)** |
#
# Padded steps are left out of the numerator and of the denominator; they do not count as
# zeros. `lossviz.reduction.reduce_weighted_values` is the same reduction in NumPy.

# %%
step_weight = np.broadcast_to(np.linspace(0.5, 2.0, 6, dtype="float32")[:, None], valid.shape)
by_hand = {"sum_over_batch_size": lambda w: np.sum(w * step_loss * valid) / valid.sum(),
           "sum": lambda w: np.sum(w * step_loss * valid),
           "mean_with_sample_weight": lambda w: np.sum(w * step_loss * valid) / np.sum(w * valid)}
for reduction, formula in by_hand.items():
    tagger.compile(loss=keras.losses.SparseCategoricalCrossentropy(reduction=reduction))
    for weights in (None, step_weight):
        keras_value = tagger.evaluate(tokens, steps, sample_weight=weights, batch_size=6, verbose=0)
        w = np.ones(valid.shape) if weights is None else weights
        twin = lossviz.reduction.reduce_weighted_values(step_loss, weights, mask=valid, reduction=reduction)
        assert np.isclose(keras_value, formula(w), rtol=1e-6) and np.isclose(twin, formula(w), rtol=1e-6)
    print(f"{reduction:24s} weighted: Keras {keras_value:.6f}, by hand {formula(w):.6f}")

# %% [markdown]
# Without the mask the default loss would be the mean over all 42 steps, padding
# included, a different number:

# %%
print(f"masked mean {by_hand['sum_over_batch_size'](1.0):.6f}, mean over every step {step_loss.mean():.6f}")
assert not np.isclose(by_hand["sum_over_batch_size"](1.0), step_loss.mean(), rtol=1e-5)

# %% [markdown]
# **Metrics.** Only some compiled metrics honour the mask. The mask travels on the
# predictions, and the metrics built on `keras.metrics.Mean` (accuracy, crossentropy, MAE
# ..., in `metrics=` and `weighted_metrics=` alike) read it; the confusion-matrix metrics
# (`MeanIoU` and the IoU family, `Precision`, `Recall`, `AUC`, `F1Score`) do not, and score
# the padding too (in Keras 3.15 only `keras/src/metrics/reduction_metrics.py` reads the
# mask; measured here for accuracy and `MeanIoU`). A metric object you update yourself
# with NumPy predictions knows nothing of the mask: it scores the padding, unless you pass
# the mask as `sample_weight`.

# %%
tagger.compile(loss="sparse_categorical_crossentropy",
               metrics=["sparse_categorical_accuracy", keras.metrics.MeanIoU(3, sparse_y_pred=False, name="iou")],
               weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="weighted_accuracy")])
compiled = tagger.evaluate(tokens, steps, batch_size=6, verbose=0, return_dict=True)
right = step_probabilities.argmax(-1) == steps
step_class = step_probabilities.argmax(-1)
iou_every_step = lossviz.metrics.mean_iou(steps, step_class, num_classes=3)
iou_real_steps = lossviz.metrics.mean_iou(steps[valid], step_class[valid], num_classes=3)
print(f"compiled MeanIoU {compiled['iou']:.4f}: every step {iou_every_step:.4f}, real steps {iou_real_steps:.4f}")
assert np.isclose(compiled["iou"], iou_every_step, atol=1e-6) and not np.isclose(iou_every_step, iou_real_steps)
assert np.isclose(compiled["weighted_accuracy"], right[valid].mean(), atol=1e-6)
standalone = keras.metrics.SparseCategoricalAccuracy()
standalone.update_state(steps, step_probabilities)
with_mask = keras.metrics.SparseCategoricalAccuracy()
with_mask.update_state(steps, step_probabilities, sample_weight=valid)
print(f"compiled {compiled['sparse_categorical_accuracy']:.4f} (real steps {right[valid].mean():.4f}); "
      f"standalone {float(standalone.result()):.4f} (every step {right.mean():.4f}); with the mask "
      f"{float(with_mask.result()):.4f}")
assert np.isclose(compiled["sparse_categorical_accuracy"], right[valid].mean(), atol=1e-6)
assert np.isclose(float(standalone.result()), right.mean(), atol=1e-6)
assert np.isclose(float(with_mask.result()), right[valid].mean(), atol=1e-6)

# %% [markdown]
# **One weight per sequence, against a mask.** The mask is (samples, steps), and Keras
# lines weights of shape (samples,) up with its **last** axis, the steps. With 6
# sequences of 7 steps they do not fit, and Keras raises (a `ValueError` on both
# backends):

# %%
try:
    tagger.evaluate(tokens, steps, sample_weight=np.linspace(0.5, 2.0, 6), batch_size=6, verbose=0)
    refused = "no error"
except ValueError as error:
    refused = str(error).splitlines()[0][:120]
print(refused)
assert refused != "no error"

# %% [markdown]
# With as many sequences as steps they fit, **silently**: step t of every sequence
# weighs w[t], as seven sequences (the six and the first again) show. Either way, give
# one weight per step: `np.broadcast_to(w[:, None], mask.shape)`, as above. (A fresh copy
# of the model: on JAX the `evaluate` that raised above leaves `tagger`'s weights unset
# *(seen while reviewing, not asserted here)*.)

# %%
fresh = keras.models.clone_model(tagger)
fresh.compile(loss="sparse_categorical_crossentropy")
tokens_7, steps_7 = np.concatenate([tokens, tokens[:1]]), np.concatenate([steps, steps[:1]])
valid_7, w_7 = tokens_7 > 0, np.linspace(0.5, 2.0, 7)
loss_7 = lossviz.losses.sparse_categorical_crossentropy(steps_7, fresh.predict(tokens_7, verbose=0))
silent = fresh.evaluate(tokens_7, steps_7, sample_weight=w_7, batch_size=7, verbose=0, return_dict=True)["loss"]
by_step, by_sequence = (np.sum(weight * loss_7 * valid_7) / valid_7.sum() for weight in (w_7[None, :], w_7[:, None]))
print(f"Keras {silent:.6f}; step t weighs w[t]: {by_step:.6f}; sequence i weighs w[i] (meant): {by_sequence:.6f}")
assert np.isclose(silent, by_step, rtol=1e-6) and not np.isclose(silent, by_sequence, rtol=1e-4)

# %% [markdown]
# **A `Masking` layer** does the same for float inputs: every step whose features are all
# equal to `mask_value` is masked.

# %%
features = np.where(valid[..., None], rng.normal(size=(6, 7, 2)), 0.0).astype("float32")
keras.utils.set_random_seed(seed)
masked_model = keras.Sequential([keras.Input((7, 2)), keras.layers.Masking(mask_value=0.0),
                                 keras.layers.Dense(3, activation="softmax")])
masked_model.compile(loss="sparse_categorical_crossentropy")
masked_loss = masked_model.evaluate(features, steps, batch_size=6, verbose=0)
per_step = lossviz.losses.sparse_categorical_crossentropy(steps, masked_model.predict(features, verbose=0))
assert np.isclose(masked_loss, per_step[valid].mean(), rtol=1e-6)

# %% [markdown]
# **`ignore_class` in sparse crossentropy** masks by label instead: label the padded steps
# with a class that does not exist (here -1) and the loss leaves them out, with no Keras
# mask at all; the reductions divide as in the table above.

# %%
padded_labels = np.where(valid, steps, -1)
for reduction in ("sum_over_batch_size", "sum"):
    loss = keras.losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction=reduction)
    value = float(loss(padded_labels, step_probabilities))
    assert np.isclose(value, by_hand[reduction](1.0), rtol=1e-6), reduction
twin = lossviz.losses.sparse_categorical_crossentropy(padded_labels, step_probabilities, ignore_class=-1)
assert np.allclose(twin[~valid], 0) and np.allclose(twin[valid], step_loss[valid], rtol=1e-6)
print(f"ignore_class=-1: {float(keras.losses.SparseCategoricalCrossentropy(ignore_class=-1)(padded_labels, step_probabilities)):.6f}")


# %% [markdown]
# ## Exercise: Dice per image
#
# Write `dice_scores(mask_true, mask_pred)`: for boolean masks of shape (images, H, W),
# the hard Dice 2 TP / (2 TP + FP + FN) of **each image**, shape (images,), and 1.0 for an
# image where both masks are empty (nothing to find, nothing found). The checker compares
# it with the counts on the 8 images and on two built cases. The start below is wrong on
# purpose: it pools the images.

# %%
def check_dice_scores(function):
    empty = np.zeros((2, 4, 4), bool)
    one = empty.copy()
    one[1, :2, :2] = True
    cases = [(labels == 1, predicted == 1), (labels == 2, predicted == 2), (empty, empty), (one, empty | one)]
    problems = []
    for mask_true, mask_pred in cases:
        tp = np.sum(mask_true & mask_pred, axis=(1, 2))
        denominator = np.sum(mask_true, axis=(1, 2)) + np.sum(mask_pred, axis=(1, 2))
        expected = np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 1.0)
        got = np.asarray(function(mask_true, mask_pred), dtype=float)
        if got.shape != expected.shape or not np.allclose(got, expected):
            problems.append(f"{len(mask_true)} images: expected {np.round(expected, 3)}, got {np.round(got, 3)}")
    print("all cases pass" if not problems else "\n".join(problems))
    return not problems


# %% tags=["wrong-on-purpose"]
def dice_scores(mask_true, mask_pred):  # WRONG on purpose: one pooled Dice for all images
    tp = np.sum(mask_true & mask_pred)
    return np.full(len(mask_true), 2 * tp / (mask_true.sum() + mask_pred.sum()))


with np.errstate(invalid="ignore"):
    passed = check_dice_scores(dice_scores)
assert not passed


# %% [markdown]
# Solution: count over the pixel axes only, and treat 0 / 0 as a perfect score.

# %% jupyter={"source_hidden": true} tags=["solution"]
def dice_scores(mask_true, mask_pred):
    tp = np.sum(mask_true & mask_pred, axis=(1, 2))
    denominator = np.sum(mask_true, axis=(1, 2)) + np.sum(mask_pred, axis=(1, 2))
    return np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 1.0)


assert check_dice_scores(dice_scores)

# %% [markdown]
# ## Summary
#
# - IoU = TP / (TP + FP + FN), Dice = 2 IoU / (1 + IoU). Keras's IoU metrics pool the
#   counts over every pixel they see (per batch, per epoch); per-image averages weigh
#   small objects more. Say which one you report.
# - `IoU`, `MeanIoU`: class ids (or `sparse_y_pred=False` for scores); `BinaryIoU`: scores
#   and a threshold; `OneHotIoU`: one-hot targets. Probabilities given to `MeanIoU` fail on
#   the shapes, or, for one sigmoid per pixel, are silently cast to class 0.
# - `ignore_class` drops pixels by their true label, not the class from the mean: use
#   `target_class_ids` for that.
# - The Dice loss is soft and, by default, one number for the whole batch; reduce over
#   the pixel axes for a per-image loss.
# - A mask (`mask_zero`, `Masking`, `ignore_class`) leaves padded steps out of the loss's
#   numerator and denominator; compiled mean-type metrics (accuracy, MAE ...) honour it,
#   compiled confusion-matrix metrics (IoU, precision, AUC ...) and a metric you update
#   yourself do not. Give `sample_weight` per step: one per sequence raises, or, when a
#   batch has as many sequences as steps, weighs the steps silently.
#
# Back to the start: [00 Start here](00_start_here.ipynb).
