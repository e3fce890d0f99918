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
# # 10 Multi-output and multi-label models: which head, which label
#
# **After this notebook you can**
# - compile a model with several outputs (losses, metrics and `loss_weights` by name, as a
#   dict or a list), read its log, and replace the `class_weight` Keras refuses there;
# - check which output's tensors each metric receives, on the Keras you have;
# - score a multi-label model honestly: per-label F1, mAP, per-label thresholds, samples
#   averaging, subset accuracy and Hamming loss, and know why "accuracy" and
#   `class_weight` mislead there.

# %% [markdown]
# ## Setup

# %%
import lossviz

session = lossviz.setup()  # seed from LOSSVIZ_SEED (default 0), versions
seed = session.seed

import keras
import matplotlib.pyplot as plt
import numpy as np
import sklearn.metrics
from sklearn.datasets import make_multilabel_classification
from sklearn.model_selection import train_test_split

import lossviz.keras_facts
import lossviz.keras_metrics
import lossviz.losses
import lossviz.metrics
import lossviz.reduction
import lossviz.widgets

# %% [markdown]
# ## Intuition: one input, two heads, one total
#
# A model with two outputs computes one loss per output and adds them, each times its
# `loss_weight`: the optimiser sees only the total. Here a tiny model reads 6 features and
# predicts a yes/no **kind** (sigmoid, binary crossentropy; a minority of the samples
# are "yes") and a real **size** (linear, mean squared error).

# %%
rng = np.random.default_rng(seed)
X = rng.normal(size=(600, 6)).astype("float32")
kind = (X @ rng.normal(size=6) + 0.5 * rng.normal(size=600) > 1.2).astype("float32")[:, None]
size = (X @ rng.normal(size=6) + 0.1 * rng.normal(size=600)).astype("float32")[:, None]
print(f"{len(X)} samples, {kind.mean():.0%} of kind 'yes'")
assert 0 < kind.mean() < 0.5


def two_head_model():
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((6,), name="features")
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    return inputs, keras.layers.Dense(1, activation="sigmoid", name="kind")(hidden), \
        keras.layers.Dense(1, name="size")(hidden)


# %%
inputs, kind_head, size_head = two_head_model()
model = keras.Model(inputs, {"kind": kind_head, "size": size_head})
loss_weights = {"kind": 1.0, "size": 0.2}
model.compile(optimizer=keras.optimizers.Adam(0.01), loss={"kind": "binary_crossentropy", "size": "mse"},
              loss_weights=loss_weights,
              metrics={"kind": [keras.metrics.BinaryAccuracy(name="acc")], "size": ["mae"]})
history = model.fit(X, {"kind": kind, "size": size}, epochs=5, batch_size=60, verbose=0)
logged = model.evaluate(X, {"kind": kind, "size": size}, batch_size=len(X), verbose=0, return_dict=True)
figure, ax = plt.subplots(figsize=(6, 2.6), layout="constrained")
parts = [loss_weights[name] * logged[f"{name}_loss"] for name in ("kind", "size")]
ax.barh(["total"], [parts[0]], color="C0", label=f"1.0 x kind_loss {logged['kind_loss']:.3f}")
ax.barh(["total"], [parts[1]], left=[parts[0]], color="C1", label=f"0.2 x size_loss {logged['size_loss']:.3f}")
ax.set(xlabel="loss after 5 epochs (evaluate)")
ax.legend(fontsize=8, loc="lower right")
assert np.isclose(logged["loss"], sum(parts), rtol=1e-5)

# %% [markdown]
# ## Formula
#
# **Several outputs** k = 1..K, each with its own loss L_k (reduced over the batch as in
# notebook 04) and weight w_k (`loss_weights`, 1 by default):
#
# total loss = sum_k w_k L_k.  The log shows `loss` (the total) and `<output>_loss` (each
# L_k, **unweighted**), and each metric as `<output>_<metric name>`.
#
# **Several labels** per sample: y is a 0/1 matrix (samples x L labels), p = sigmoid
# outputs, one per label. Binary crossentropy averages over the labels:
# BCE_i = -1/L sum_l [y_il log p_il + (1 - y_il) log(1 - p_il)]. With predictions
# yhat = (p > t):
#
# | score | formula | counts |
# |---|---|---|
# | binary accuracy | mean over cells of [yhat_il = y_il] = 1 - Hamming loss | every cell, mostly the easy zeros |
# | subset accuracy | mean over samples of [yhat_i = y_i, every label] | whole rows |
# | per-label F1_l | 2 TP_l / (2 TP_l + FP_l + FN_l), column l | each label alone |
# | macro F1 | mean_l F1_l | labels equally |
# | samples F1 | mean_i 2 TP_i / (2 TP_i + FP_i + FN_i), row i | samples equally |
# | mAP | mean_l average precision of column l (notebook 06) | rankings, no threshold |

# %% [markdown]
# ## Code: losses, metrics and names by output
#
# **The log's names.** `history` and `evaluate` use the output names as prefixes; the
# total is `loss`. And the total is the weighted sum of the **unweighted** per-output
# losses, which the NumPy twins recompute:

# %%
print(sorted(history.history))
assert set(history.history) == {"loss", "kind_loss", "size_loss", "kind_acc", "size_mae"}
scores = model.predict(X, verbose=0)
by_twin = {"kind": lossviz.losses.binary_crossentropy(kind, scores["kind"]).mean(),
           "size": lossviz.losses.mean_squared_error(size, scores["size"]).mean()}
for name, value in by_twin.items():
    print(f"{name}_loss: Keras {logged[name + '_loss']:.6f}, twin {value:.6f}")
    assert np.isclose(logged[f"{name}_loss"], value, rtol=1e-5)
assert np.isclose(logged["loss"], sum(loss_weights[n] * by_twin[n] for n in by_twin), rtol=1e-5)

# %% [markdown]
# **Uneven batches.** Every `evaluate` above ran the 600 samples as one batch. In
# batches of 32 the last holds 24 samples. `loss` weighs each batch by its size, so it is
# the loss of all samples. Each `<output>_loss` is averaged over the batches either the
# same way or as the **plain mean of the batch values**, every batch counting once.
# Keras 3.15 weighs it by the batch size **as known when the step is traced**
# (`CompileLoss.call` in `keras/src/trainers/compile_utils.py`): TensorFlow's compiled
# step does not know it (plain mean), JAX's does, and so does a step run eagerly
# (`run_eagerly=True`) on either. The cell measures yours, then runs eagerly: with the
# plain mean, `loss` is no longer the weighted sum of the logged parts.

# %%
in_batches = model.evaluate(X, {"kind": kind, "size": size}, batch_size=32, verbose=0, return_dict=True)
starts, sizes = range(0, len(X), 32), [len(X[i:i + 32]) for i in range(0, len(X), 32)]
averaging = {}
for name, twin, target in [("kind", lossviz.losses.binary_crossentropy, kind),
                           ("size", lossviz.losses.mean_squared_error, size)]:
    values = [twin(target[i:i + 32], scores[name][i:i + 32]).mean() for i in starts]
    candidates = {"plain mean": np.mean(values), "weighted by batch size": np.average(values, weights=sizes)}
    averaging[name] = [way for way, value in candidates.items()
                       if np.isclose(in_batches[f"{name}_loss"], value, rtol=1e-5)]
recombined = sum(loss_weights[name] * in_batches[f"{name}_loss"] for name in loss_weights)
print(f"on {keras.backend.backend()}: <output>_loss is the {averaging['kind'][0]}; loss {in_batches['loss']:.6f}, "
      f"weighted sum of the logged parts {recombined:.6f}")
assert averaging["kind"] == averaging["size"] and len(averaging["kind"]) == 1
assert np.isclose(in_batches["loss"], logged["loss"], rtol=1e-5)
assert np.isclose(in_batches["loss"], recombined, rtol=1e-6) == (averaging["kind"] == ["weighted by batch size"])
model.compile(loss={"kind": "binary_crossentropy", "size": "mse"}, loss_weights=loss_weights, run_eagerly=True)
eager = model.evaluate(X, {"kind": kind, "size": size}, batch_size=32, verbose=0, return_dict=True)
assert all(np.isclose(eager[f"{name}_loss"], logged[f"{name}_loss"], rtol=1e-5) for name in loss_weights)

# %% [markdown]
# **The same as lists.** A model whose outputs are a list takes lists in the same order
# (metrics as a list of lists); the prefixes are then the output **layers'** names. The
# list model below shares the dict model's layers, so it scores the same numbers under
# the same names:

# %%
list_model = keras.Model(inputs, [kind_head, size_head])
list_model.compile(loss=["binary_crossentropy", "mse"], loss_weights=[1.0, 0.2],
                   metrics=[[keras.metrics.BinaryAccuracy(name="acc")], ["mae"]])
listed = list_model.evaluate(X, [kind, size], batch_size=len(X), verbose=0, return_dict=True)
print(listed)
assert set(listed) == set(logged)
assert all(np.isclose(listed[name], logged[name], rtol=1e-6) for name in logged)

# %% [markdown]
# **`loss_weights` scale the total, not the log.** With `size` weighted 0.2, the per-output
# losses logged are still the raw ones (checked above); only `loss` changes. A weight of
# 0 leaves a head out of the total, so out of the gradient, but its loss and metrics are
# still logged.

# %%
list_model.compile(loss=["binary_crossentropy", "mse"], loss_weights=[1.0, 0.0],
                   metrics=[[keras.metrics.BinaryAccuracy(name="acc")], ["mae"]])
kind_only = list_model.evaluate(X, [kind, size], batch_size=len(X), verbose=0, return_dict=True)
assert np.isclose(kind_only["size_loss"], logged["size_loss"], rtol=1e-6)
assert np.isclose(kind_only["size_mae"], logged["size_mae"], rtol=1e-6)
assert np.isclose(kind_only["loss"], logged["kind_loss"], rtol=1e-6)

# %% [markdown]
# ## Which head does each metric receive?
#
# A metric in `metrics={"kind": ..., "size": ...}` should be fed the targets and
# predictions of the output it is keyed by. Keras 3.14.0 broke that for a model whose
# outputs are a **list** and whose targets come as a **dict**: it lined the targets up in
# the alphabetical order of their keys against the outputs in the model's order
# (keras-team/keras#22625, fixed in 3.14.1), so a metric scored another head's targets,
# silently when the shapes fit, with a shape error when not (the report's case). Targets
# given as a list, and models with dict outputs, were routed right. *(This review ran the
# 3.14.0 and 3.14.1 sources once to see it; not run here: 3.14.0 is not installed.)* So
# we measure it on the Keras installed: `lossviz.keras_metrics.MeanTarget` reports the
# mean of the `y_true` it received, and `lossviz.keras_facts.metrics_reach_their_output()`
# compiles a model whose list of outputs `[zeta, alpha]` is not in alphabetical order,
# and feeds it a dict of targets, all 1 and all 3.
#
# - **Each metric gets its own output** (True): `zeta`'s metric sees 1.0, `alpha`'s 3.0.
# - **Swapped** (False): they see each other's targets, 3.0 and 1.0. Then give the
#   targets in the outputs' own structure (a list in the outputs' order), or upgrade;
#   listing the metrics in order (`metrics=[[...], [...]]`) did not help on 3.14.0
#   *(same run of its source)*. Check with `MeanTarget`.

# %%
routed_by_name = lossviz.keras_facts.metrics_reach_their_output()
seen = lossviz.keras_metrics.seen_by_each_output()
print(f"Keras {keras.__version__}: each metric reaches its own output: {routed_by_name}; seen {seen}")
expected = lossviz.keras_metrics.ROUTING_TARGETS
assert seen == (expected if routed_by_name else dict(zip(expected, reversed(expected.values()))))

# %% [markdown]
# The same check on our model (dict outputs and dict targets, which 3.14.0 routed right):
# the `kind` metric should see the share of "yes" (its targets' mean), the `size` metric
# the mean size.

# %%
model.compile(loss={"kind": "binary_crossentropy", "size": "mse"},
              metrics={"kind": [lossviz.keras_metrics.MeanTarget()],
                       "size": [lossviz.keras_metrics.MeanTarget()]})
means = model.evaluate(X, {"kind": kind, "size": size}, verbose=0, return_dict=True)
print({name: round(value, 4) for name, value in means.items() if "mean_target" in name})
own = (means["kind_mean_target"], means["size_mean_target"])
assert np.allclose(own, (kind.mean(), size.mean()) if routed_by_name else (size.mean(), kind.mean()), atol=1e-5)

# %% [markdown]
# ## `class_weight` with several outputs: refused, and what replaces it
#
# `fit(class_weight=...)` turns class weights into one weight per sample. With several
# outputs Keras cannot know which output's classes are meant, so it refuses:

# %%
class_weight = {0: 1.0, 1: 4.0}  # a "yes" counts 4 times
try:
    model.fit(X, {"kind": kind, "size": size}, class_weight=class_weight, epochs=1, verbose=0)
    refused = "no error"
except ValueError as error:
    refused = str(error)
print(refused)
assert "only supported for Models with a single output" in refused

# %% [markdown]
# The replacement: a `sample_weight` per output, as a dict keyed like the targets, with
# the class weights looked up per sample for the head they belong to (`lossviz.reduction.
# class_weight_to_sample_weight` does Keras's lookup) and ones for the other head.
# Measured equal: on a model of the `kind` head alone, `class_weight` and that
# `sample_weight` train to **identical** weights; and the two-head model's `kind_loss`
# with the dict is the single head's weighted loss.

# %%
kind_weight = lossviz.reduction.class_weight_to_sample_weight(kind, class_weight)
trained = []
for fit_kwargs in ({"class_weight": class_weight}, {"sample_weight": kind_weight}):
    head_inputs, head, _ = two_head_model()
    single = keras.Model(head_inputs, head)
    single.compile(optimizer="sgd", loss="binary_crossentropy")
    single.fit(X, kind, epochs=2, batch_size=60, shuffle=False, verbose=0, **fit_kwargs)
    trained.append(single.get_weights())
assert all(np.array_equal(a, b) for a, b in zip(*trained))

# %%
sample_weight = {"kind": kind_weight, "size": np.ones(len(X), "float32")}
model.compile(loss={"kind": "binary_crossentropy", "size": "mse"})
two_heads = model.evaluate(X, {"kind": kind, "size": size}, sample_weight=sample_weight, batch_size=len(X),
                           verbose=0, return_dict=True)
single = keras.Model(inputs, kind_head)
single.compile(loss="binary_crossentropy")
one_head = single.evaluate(X, kind, sample_weight=kind_weight, batch_size=len(X), verbose=0, return_dict=True)
print(f"kind_loss with the dict {two_heads['kind_loss']:.6f}, single head weighted {one_head['loss']:.6f}")
assert np.isclose(two_heads["kind_loss"], one_head["loss"], rtol=1e-6)
assert np.isclose(two_heads["size_loss"], logged["size_loss"], rtol=1e-6)

# %% [markdown]
# ## Several labels per sample
#
# Now one output with L = 8 labels, any number of them on per sample (scikit-learn's
# `make_multilabel_classification`, 2 labels per sample on average, some samples with
# none). One sigmoid per label and binary crossentropy; half the samples train, a quarter
# validate (to choose thresholds), a quarter test. Some seeds draw a label so rare that a
# split has almost none of it (no AUC without a positive): those draw again.

# %%
for data_seed in range(seed, seed + 100_000, 1000):
    features, labels = make_multilabel_classification(n_samples=1500, n_features=20, n_classes=8, n_labels=2,
                                                      allow_unlabeled=True, random_state=data_seed)
    features = ((features - features.mean(0)) / features.std(0)).astype("float32")
    labels = labels.astype("float32")
    X_train, X_rest, Y_train, Y_rest = train_test_split(features, labels, test_size=0.5, random_state=seed)
    X_val, X_test, Y_val, Y_test = train_test_split(X_rest, Y_rest, test_size=0.5, random_state=seed)
    if min(Y.sum(0).min() for Y in (Y_train, Y_val, Y_test)) >= 5:  # every label in every split
        break
keras.utils.set_random_seed(seed)
tagger = keras.Sequential([keras.Input((20,)), keras.layers.Dense(8, activation="sigmoid")])
tagger.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
               metrics=["accuracy", keras.metrics.BinaryAccuracy(name="binary_accuracy")])
tagger.fit(X_train, Y_train, epochs=20, batch_size=64, verbose=0)
P_val, P_test = tagger.predict(X_val, verbose=0), tagger.predict(X_test, verbose=0)
print(f"labels per sample {labels.sum(1).mean():.2f}; positive share per label {np.round(labels.mean(0), 2)}")
assert abs(labels.sum(1).mean() - 2) < 0.2 and np.any(labels.sum(1) == 0)

# %% [markdown]
# ## Pitfall: "accuracy" on multi-label targets
#
# Old posts compile a multi-label model with `metrics=["accuracy"]` and report 90 %.
# Which accuracy that string means depends on the Keras version:
#
# - **Multi-backend Keras 2, and `tf.keras` up to TensorFlow 2.1** (with binary
#   crossentropy): binary accuracy, the share of **cells** right. Most cells are 0 and
#   easy, so it is high even for a model that predicts no label. *(From their source, not
#   run here.)*
# - **`tf.keras` from TensorFlow 2.2 (its `compile_utils`, from the source, not run here)
#   and Keras 3**: the string is resolved from the shapes only; with more than one column
#   it is **categorical** accuracy: does each row's highest score sit on the argmax of its
#   targets, which for a row with several labels is only the first of them (and label 0
#   for a row with none)?
#
# `lossviz.keras_facts.accuracy_for_multi_label()` measures which one yours computes.

# %%
accuracy_kind = lossviz.keras_facts.accuracy_for_multi_label()
evaluated = tagger.evaluate(X_test, Y_test, verbose=0, return_dict=True)
cell_accuracy = np.mean((P_test > 0.5) == Y_test)
argmax_accuracy = np.mean(P_test.argmax(1) == Y_test.argmax(1))
print(f'"accuracy" is {accuracy_kind} here: {evaluated["accuracy"]:.4f}; binary (cells) '
      f"{cell_accuracy:.4f}, categorical (argmax) {argmax_accuracy:.4f}")
assert np.isclose(evaluated["accuracy"], cell_accuracy if accuracy_kind == "binary" else argmax_accuracy,
                  atol=1e-6)
assert np.isclose(evaluated["binary_accuracy"], cell_accuracy, atol=1e-6)

# %% [markdown]
# Whichever it is, neither says how well the labels are found. Binary accuracy is
# inflated by the easy zeros: a model that predicts **no label at all** scores 1 minus the
# share of positive cells. Per-label F1 and mAP (mean average precision over the labels)
# count the positives:

# %%
Y_hat = (P_test > 0.5).astype(int)
per_label_f1 = sklearn.metrics.f1_score(Y_test, Y_hat, average=None)
macro_f1 = per_label_f1.mean()
mean_ap = sklearn.metrics.average_precision_score(Y_test, P_test, average="macro")
nothing = np.zeros_like(Y_hat)
nothing_accuracy = np.mean(nothing == Y_test)
print(f"binary accuracy {cell_accuracy:.3f} | predicting no label {nothing_accuracy:.3f} | "
      f"macro F1 {macro_f1:.3f} | mAP {mean_ap:.3f}")
print("per-label F1", np.round(per_label_f1, 2))
assert np.isclose(nothing_accuracy, 1 - Y_test.mean()) and nothing_accuracy > 0.65
assert sklearn.metrics.f1_score(Y_test, nothing, average="macro", zero_division=0) == 0
assert cell_accuracy > max(macro_f1, mean_ap) + 0.1

# %% [markdown]
# ## Keras's F1Score and AUC on real multi-label targets
#
# `keras.metrics.F1Score` takes the (samples, labels) matrices. With `threshold=0.5`
# each cell is its own decision, and `average=None` gives the per-label F1 above. Its
# default `threshold=None` marks each row's **argmax** as the one positive (every score
# equal to the row's maximum, in `keras/src/metrics/f_score_metrics.py`; ties aside):
# one label per sample, for a data set with about two per sample.

# %%
keras_f1 = keras.metrics.F1Score(threshold=0.5)
keras_f1.update_state(Y_test, P_test)
assert np.allclose(keras_f1.result(), per_label_f1, atol=1e-6)
argmax_f1 = keras.metrics.F1Score(average="macro")  # threshold=None
argmax_f1.update_state(Y_test, P_test)
one_per_row = np.eye(8, dtype=int)[P_test.argmax(1)]
print(f"F1Score(threshold=0.5) macro {macro_f1:.4f}; F1Score() (one label per row) {float(argmax_f1.result()):.4f}")
assert np.isclose(float(argmax_f1.result()), sklearn.metrics.f1_score(Y_test, one_per_row, average="macro"),
                  atol=1e-6)

# %% [markdown]
# `keras.metrics.AUC(multi_label=True)` computes one ROC AUC per label and averages them
# (scikit-learn's `average="macro"`); the default `multi_label=False` pools all cells
# (`"micro"`). Both on Keras's 200 thresholds, which `lossviz.metrics.keras_auc`
# reproduces (notebook 06):

# %%
for multi_label, average in [(True, "macro"), (False, "micro")]:
    keras_auc = keras.metrics.AUC(multi_label=multi_label)
    keras_auc.update_state(Y_test, P_test)
    twin = lossviz.metrics.keras_auc(Y_test, P_test, multi_label=multi_label)
    exact = sklearn.metrics.roc_auc_score(Y_test, P_test, average=average)
    print(f"multi_label={multi_label}: Keras {float(keras_auc.result()):.5f}, "
          f"lossviz.keras_auc {twin:.5f}, exact {average} {exact:.5f}")
    assert np.isclose(float(keras_auc.result()), twin, atol=1e-5)
    assert abs(twin - exact) < 0.01

# %% [markdown]
# ## Samples averaging, subset accuracy and Hamming loss
#
# Three more views of the same predictions, by scikit-learn and by hand:
#
# - `average="samples"`: the F1 of each **row** (its predicted labels against its true
#   ones), then the mean over rows. A row with no true and no predicted label has 0/0;
#   `zero_division=1` counts it as perfect.
# - **subset accuracy** (`accuracy_score` on 2-D input): the share of rows with every
#   label right. Strict: one wrong label fails the row.
# - **Hamming loss**: the share of wrong cells, 1 - binary accuracy.

# %%
tp, fp, fn = ((Y_hat == 1) & (Y_test == 1)).sum(1), ((Y_hat == 1) & (Y_test == 0)).sum(1), \
    ((Y_hat == 0) & (Y_test == 1)).sum(1)
row_f1 = np.where(tp + fp + fn == 0, 1.0, 2 * tp / np.maximum(2 * tp + fp + fn, 1))
views = {"samples F1": (sklearn.metrics.f1_score(Y_test, Y_hat, average="samples", zero_division=1), row_f1.mean()),
         "subset accuracy": (sklearn.metrics.accuracy_score(Y_test, Y_hat), np.mean(np.all(Y_hat == Y_test, axis=1))),
         "Hamming loss": (sklearn.metrics.hamming_loss(Y_test, Y_hat), np.mean(Y_hat != Y_test))}
for name, (theirs, by_hand) in views.items():
    print(f"{name:16s} scikit-learn {theirs:.4f}  by hand {by_hand:.4f}")
    assert np.isclose(theirs, by_hand)
assert np.isclose(views["Hamming loss"][0], 1 - cell_accuracy)
assert views["subset accuracy"][0] < macro_f1 < cell_accuracy

# %% [markdown]
# The lossviz twins give the same numbers, the Jaccard score (IoU of the label sets) and
# the per-label confusion matrices included:

# %%
twins = {"samples F1": lossviz.metrics.f1_score(Y_test, Y_hat, average="samples", zero_division=1),
         "subset accuracy": lossviz.metrics.accuracy_score(Y_test, Y_hat),
         "Hamming loss": lossviz.metrics.hamming_loss(Y_test, Y_hat)}
for name, value in twins.items():
    assert np.isclose(value, views[name][0]), name
for average in ("samples", "macro", "micro"):
    jaccard = lossviz.metrics.jaccard_score(Y_test, Y_hat, average=average, zero_division=1)
    assert np.isclose(jaccard, sklearn.metrics.jaccard_score(Y_test, Y_hat, average=average, zero_division=1))
per_label = lossviz.metrics.multilabel_confusion_matrix(Y_test, Y_hat)  # (labels, 2, 2): [[TN, FP], [FN, TP]]
assert np.array_equal(per_label, sklearn.metrics.multilabel_confusion_matrix(Y_test, Y_hat))
assert np.allclose(2 * per_label[:, 1, 1] / (2 * per_label[:, 1, 1] + per_label[:, 0, 1] + per_label[:, 1, 0]),
                   per_label_f1)


# %% [markdown]
# ## Per-label thresholds, chosen on validation data
#
# 0.5 is not the best threshold for every label: a rare label's scores rarely pass it.
# For each label, try every validation score (and 0.5) as threshold and keep the one with
# the best validation F1. On the validation data it can only help, since 0.5 is one of
# the candidates; on the test data, which chose nothing, it is an honest estimate.

# %%
def f1_at(column_true, column_score, thresholds):
    """F1 of one label when predicted at score > t, for each t (0 when nothing to find or found)."""
    predicted = column_score[None, :] > np.asarray(thresholds)[:, None]  # one row per threshold
    true_positives = np.sum(predicted & (column_true == 1), axis=1)
    return 2 * true_positives / np.maximum(predicted.sum(1) + np.sum(column_true == 1), 1)


def best_f1_threshold(column_true, column_score):
    """The threshold t (positive when score > t) with the best F1, among the scores and 0.5."""
    candidates = np.unique(np.append(column_score, 0.5))
    return candidates[int(np.argmax(f1_at(column_true, column_score, candidates)))]


thresholds = np.array([best_f1_threshold(Y_val[:, label], P_val[:, label]) for label in range(8)])
print("per-label thresholds", np.round(thresholds, 2))
assert all(np.isclose(f1_at(Y_val[:, k], P_val[:, k], [thresholds[k]])[0],  # f1_at is scikit-learn's F1
                      sklearn.metrics.f1_score(Y_val[:, k], P_val[:, k] > thresholds[k])) for k in range(8))

# %%
f1_by = {name: {split: sklearn.metrics.f1_score(Y, P > t, average=None, zero_division=0)
                 for split, (Y, P) in {"validation": (Y_val, P_val), "test": (Y_test, P_test)}.items()}
         for name, t in {"0.5": 0.5, "tuned": thresholds}.items()}
for split in ("validation", "test"):
    print(f"{split:10s} macro F1 at 0.5 {f1_by['0.5'][split].mean():.3f}, tuned {f1_by['tuned'][split].mean():.3f}")
assert np.all(f1_by["tuned"]["validation"] >= f1_by["0.5"]["validation"] - 1e-12)

# %% [markdown]
# ## Explore: one threshold per label
#
# Eight labels with scores drawn for the purpose (positive shares from 40 % down to 3 %).
# Pick a label and move its threshold: the left panel shows its scores by class, the right
# its F1 and Jaccard score (on one label column these are exactly Dice and IoU, notebook
# 11) at every threshold, the dots at yours. The best threshold moves from label to
# label, and a rare label's F1 is fragile.

# %%
labels_explorer = lossviz.widgets.label_threshold_explorer()
labels_explorer

# %% [markdown]
# The check: at each label's best threshold (the best of the explorer's 201 thresholds)
# the F1 shown is scikit-learn's (`>=`) and beats every threshold of a coarser grid; and
# the eight best thresholds are not all the same.

# %%
best = []
for label in range(8):
    labels_explorer.set(label=label, threshold=0.5)
    best.append(labels_explorer.results["best_threshold"])
    labels_explorer.set(threshold=best[-1])
    column_true, column_score = labels_explorer.y_true[:, label], labels_explorer.y_score[:, label]
    assert np.isclose(labels_explorer.results["f1"], sklearn.metrics.f1_score(column_true, column_score >= best[-1]))
    assert labels_explorer.results["f1"] >= f1_at(column_true, column_score, np.linspace(0, 1, 21) - 1e-9).max() - 1e-9
print("best threshold per label", np.round(best, 3))
assert max(best) - min(best) > 0.1

# %% [markdown]
# ## Pitfall: `class_weight` on multi-label targets weighs each row by its argmax
#
# `fit(class_weight=...)` needs one class per sample. With several target columns Keras
# takes each row's **argmax**: a row is weighted by its first positive label only, and a
# row with no label by label 0. Measured: one epoch with `class_weight` and one with
# `sample_weight = class_weight[argmax]` train to identical weights.

# %%
label_weight = dict(enumerate((1 / (8 * Y_train.mean(0))).tolist()))  # rare labels weigh more
trained = []
for fit_kwargs in ({"class_weight": label_weight},
                   {"sample_weight": np.array([label_weight[k] for k in Y_train.argmax(1)])}):
    keras.utils.set_random_seed(seed)
    weighted = keras.Sequential([keras.Input((20,)), keras.layers.Dense(8, activation="sigmoid")])
    weighted.compile(optimizer="sgd", loss="binary_crossentropy")
    weighted.fit(X_train, Y_train, epochs=1, batch_size=50, shuffle=False, verbose=0, **fit_kwargs)
    trained.append(weighted.get_weights())
assert all(np.array_equal(a, b) for a, b in zip(*trained))

# %% [markdown]
# The consequence: the weight meant for a label reaches only the positives where it is
# the row's first label. For each label, the share of its positive rows that get its
# weight, and the share of rows with no label that get label 0's:

# %%
first_label = Y_train.argmax(1)
reached = np.array([np.mean(first_label[Y_train[:, label] == 1] == label) for label in range(8)])
unlabeled = Y_train.sum(1) == 0
print("share of each label's positive rows weighted by that label:", np.round(reached, 2))
print(f"{unlabeled.mean():.0%} of the rows have no label; all weighted {label_weight[0]:.2f}, label 0's weight")
assert np.all(reached[1:] < 1) and reached[-1] < 0.5  # every label after the first loses some
assert unlabeled.any()

# %% [markdown]
# The fix: weight inside the loss, per label. Binary crossentropy with one positive weight
# per label (the per-label version of notebook 04's `WeightedBinaryCrossentropy`),
# checked with `lossviz.check_loss` against its NumPy formula:

# %%
POS_WEIGHT = np.array([label_weight[k] for k in range(8)], "float32")


def per_label_bce(y_true, y_pred):
    p = keras.ops.clip(y_pred, keras.backend.epsilon(), 1 - keras.backend.epsilon())
    cells = POS_WEIGHT * y_true * -keras.ops.log(p) + (1 - y_true) * -keras.ops.log(1 - p)
    return keras.ops.mean(cells, axis=-1)


def per_label_bce_numpy(y_true, y_pred):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(POS_WEIGHT * y_true * -np.log(p) + (1 - y_true) * -np.log(1 - p), axis=-1)


check = lossviz.check_loss(per_label_bce, reference=per_label_bce_numpy, inputs="binary", target_shape=(8,))
assert check, check.report()


# %% [markdown]
# ## Exercise: per-label thresholds
#
# Write `per_label_thresholds(label_true, label_score)`: for (samples, labels) arrays,
# one threshold per label (a label is predicted when its score is **greater than** the
# threshold), each giving the best F1 that label can reach. The checker scores your
# thresholds on the validation data and on two built cases, label by label, against the
# best F1 found by trying every score. The start below uses 0.5 for every label: it is
# wrong on purpose.

# %%
def check_per_label_thresholds(function):
    rare = np.zeros((40, 2))
    rare[:3, 0], rare[::2, 1] = 1, 1
    rare_score = np.column_stack([np.linspace(0.4, 0.1, 40), np.tile([0.6, 0.4], 20)])
    problems = []
    for label_true, label_score in [(Y_val, P_val), (rare, rare_score)]:
        chosen = np.asarray(function(label_true, label_score), dtype=float)
        for label in range(label_true.shape[1]):
            column_true, column_score = label_true[:, label], label_score[:, label]
            best = f1_at(column_true, column_score, np.append(np.unique(column_score), -1.0)).max()
            got = f1_at(column_true, column_score, [chosen[label]])[0]
            if got < best - 1e-12:
                problems.append(f"label {label} of {label_true.shape}: F1 {got:.3f} at {chosen[label]:.3f}, best {best:.3f}")
    print("all labels reach their best F1" if not problems else "\n".join(problems))
    return not problems


# %% tags=["wrong-on-purpose"]
def per_label_thresholds(label_true, label_score):  # WRONG on purpose: one threshold for all
    return np.full(label_true.shape[1], 0.5)


assert not check_per_label_thresholds(per_label_thresholds)


# %% [markdown]
# Solution: for each label, try every score as threshold (and one below all of them, to
# predict every sample) and keep the best F1; `best_f1_threshold` above did the same with
# 0.5 added as a candidate.

# %% jupyter={"source_hidden": true} tags=["solution"]
def per_label_thresholds(label_true, label_score):
    chosen = []
    for label in range(label_true.shape[1]):
        candidates = np.append(np.unique(label_score[:, label]), -1.0)
        chosen.append(candidates[int(np.argmax(f1_at(label_true[:, label], label_score[:, label], candidates)))])
    return np.array(chosen)


assert check_per_label_thresholds(per_label_thresholds)

# %% [markdown]
# ## Summary
#
# - Several outputs: losses, metrics and `loss_weights` by output name (dict) or in the
#   outputs' order (lists). The total `loss` is the weighted sum of the per-output losses,
#   which are logged unweighted as `<output>_loss`; with uneven batches, in TensorFlow's
#   compiled step, those are plain means over batches while `loss` weighs batches by size.
# - Which head a metric gets depends on the Keras version (3.14.0 swapped them for list
#   outputs and dict targets): `lossviz.keras_facts.metrics_reach_their_output()` and
#   `MeanTarget` tell.
# - `class_weight` is refused with several outputs; pass `sample_weight` as a dict, the
#   class weights looked up per sample for their head.
# - Several labels: a sigmoid per label and binary crossentropy. "accuracy" is either
#   binary (inflated by the easy zeros) or categorical (argmax); report per-label F1,
#   mAP, samples-averaged F1, subset accuracy or Hamming loss, and choose a threshold per
#   label on validation data.
# - `F1Score` needs `threshold=` for multi-label targets; `AUC(multi_label=True)` is the
#   macro average over labels.
# - `class_weight` weighs each row by its argmax label: weight per label inside the loss.
#
# Next: [11 Segmentation and masks](11_segmentation_and_masks.ipynb).
