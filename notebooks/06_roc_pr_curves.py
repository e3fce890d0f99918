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
# # 06 ROC and PR curves: every threshold at once
#
# **After this notebook you can**
# - read a ROC curve and a precision-recall curve as one threshold sliding over the
#   scores, and say what ROC AUC and average precision measure;
# - explain why PR curves drop under class imbalance while ROC curves do not, and why
#   Keras's `AUC` differs from scikit-learn's;
# - choose a threshold: for a target recall or specificity, or from the costs of errors.

# %% [markdown]
# ## Setup

# %%
import lossviz

session = lossviz.setup()  # seed from LOSSVIZ_SEED (default 0), versions
seed = session.seed

import math

import keras
import matplotlib.pyplot as plt
import numpy as np
import sklearn.metrics
import sklearn.preprocessing
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

import lossviz.data
import lossviz.keras_models
import lossviz.metrics
import lossviz.plots
import lossviz.widgets

# %% [markdown]
# ## Intuition: one threshold splits two histograms
#
# A tiny Keras model (logistic regression) scores scikit-learn's breast cancer data;
# **1 = malignant** is the positive class. Every threshold cuts the two score histograms:
# positives right of it are true positives, negatives right of it false positives. A ROC
# or PR curve is that cut moved over every possible threshold.

# %%
X_train, X_test, y_train, y_test = lossviz.data.breast_cancer_split(seed=seed, positive="malignant")
# Dense(1, activation="sigmoid") fitted with Adam: see lossviz/keras_models.py
model = lossviz.keras_models.fit_logistic_regression(X_train, y_train, epochs=5, seed=seed)
y_score = lossviz.keras_models.predict_scores(model, X_test)  # P(malignant), shape (n,)

figure, ax = plt.subplots(figsize=(6, 3), layout="constrained")
histograms = lossviz.plots.plot_score_histograms(y_test, y_score, ax, threshold=0.5)
assert histograms.positives.get_data().values.sum() == y_test.sum()

# %% [markdown]
# ## Formula
#
# For a threshold t, predict positive when the score s >= t (scikit-learn's curves;
# Keras's metrics use s > t, the same points for untied scores):
#
# - ROC curve: x = FPR(t) = FP / (FP + TN), y = TPR(t) = recall = TP / (TP + FN).
# - **ROC AUC** = the area under it = P(s+ > s-) + 1/2 P(s+ = s-): the probability that a
#   random positive scores above a random negative, ties counting one half.
# - PR curve: x = recall(t), y = precision(t) = TP / (TP + FP).
# - **Average precision** AP = sum_n (R_n - R_(n-1)) P_n: precision at each threshold,
#   weighted by the recall it adds (steps, no interpolation).
# - The **trapezoidal PR AUC** joins the points with straight lines instead. Straight
#   lines in PR space are optimistic: between two operating points A and B no threshold
#   lies on the line, and mixing the two classifiers (what is guaranteed achievable between
#   them) gives a precision that is the mean of P_A and P_B weighted by how many samples each predicts positive,
#   so it falls below the line's midpoint wherever precision falls with recall (Davis and
#   Goadrich, 2006). ROC space has no such problem: there the mixture lies on the line.

# %% [markdown]
# ## Code: curves and areas beside scikit-learn

# %%
fpr, tpr, roc_thresholds = lossviz.metrics.roc_curve(y_test, y_score)
sk_fpr, sk_tpr, sk_thresholds = sklearn.metrics.roc_curve(y_test, y_score)
assert np.allclose(fpr, sk_fpr) and np.allclose(tpr, sk_tpr)
assert np.allclose(roc_thresholds[1:], sk_thresholds[1:])  # [0] is +inf in both
roc_auc = lossviz.metrics.roc_auc_score(y_test, y_score)
assert np.isclose(roc_auc, sklearn.metrics.roc_auc_score(y_test, y_score))
assert np.isclose(roc_auc, lossviz.metrics.auc(fpr, tpr))  # the area under those points
print(f"ROC AUC {roc_auc:.5f} from {len(fpr)} curve points")


# %% [markdown]
# **AUC is a probability.** Compare every positive with every negative: count 1 when the
# positive scores higher, 1/2 for a tie. The mean over all pairs is the ROC AUC.

# %%
def pairwise_auc(y_true, scores):
    difference = scores[y_true == 1][:, None] - scores[y_true == 0][None, :]
    return np.mean((difference > 0) + 0.5 * (difference == 0))


pairs = y_test.sum() * (len(y_test) - y_test.sum())
print(f"{pairs} pairs: pairwise {pairwise_auc(y_test, y_score):.6f} = AUC {roc_auc:.6f}")
assert np.isclose(pairwise_auc(y_test, y_score), roc_auc)

# %% [markdown]
# Ties matter: round the scores to one decimal and some pairs tie. Counted as 1/2 they give
# the AUC of the rounded scores; counted as 0 (a common slip) the value is lower, by half
# the share of tied pairs.

# %%
rounded = np.round(y_score, 1)
positives, negatives = rounded[y_test == 1], rounded[y_test == 0]
tie_share = np.mean(positives[:, None] == negatives[None, :])
ties_as_zero = np.mean(positives[:, None] > negatives[None, :])
rounded_auc = lossviz.metrics.roc_auc_score(y_test, rounded)
print(f"{tie_share:.1%} of pairs tie; ties as 1/2: {pairwise_auc(y_test, rounded):.4f}, "
      f"as 0: {ties_as_zero:.4f}, roc_auc_score: {rounded_auc:.4f}")
assert tie_share > 0 and np.isclose(pairwise_auc(y_test, rounded), rounded_auc)
assert np.isclose(rounded_auc - ties_as_zero, tie_share / 2)


# %% [markdown]
# **Average precision against the trapezoid.** scikit-learn's `average_precision_score`
# is the step sum; `auc(recall, precision)` the trapezoid. They are different numbers
# (here: the model, then 400 scores whose classes overlap much more). On both, AP is the
# larger, but that is no rule: where tied scores make one step of the curve gain recall
# and lose precision at once, the trapezoid is the larger (three samples, built on
# purpose, last). The gaps are small (on the model's scores below 1e-3) but far above
# float64 round-off (about 1e-16): they are different definitions, not rounding.

# %%
def ap_and_trapezoid(y_true, scores):
    precision, recall, _ = lossviz.metrics.precision_recall_curve(y_true, scores)
    average_precision = lossviz.metrics.average_precision_score(y_true, scores)
    assert np.isclose(average_precision, sklearn.metrics.average_precision_score(y_true, scores))
    return average_precision, lossviz.metrics.auc(recall, precision)


model_ap, model_trapezoid = ap_and_trapezoid(y_test, y_score)
overlap_ap, overlap_trapezoid = ap_and_trapezoid(*lossviz.data.scored_binary(n=400, seed=seed))
print(f"model:      AP {model_ap:.5f}, trapezoid {model_trapezoid:.5f}, gap {model_ap - model_trapezoid:+.1e}")
print(f"overlapping: AP {overlap_ap:.5f}, trapezoid {overlap_trapezoid:.5f}, gap {overlap_ap - overlap_trapezoid:+.1e}")
# Seeds 0 to 9: model gaps 1.2e-5 to 8e-5, overlapping gaps 1e-3 to 2.6e-3.
assert abs(model_ap - model_trapezoid) > 1e-6 and abs(overlap_ap - overlap_trapezoid) > 1e-4
assert abs(model_ap - model_trapezoid) < 1e-3
tied_ap, tied_trapezoid = ap_and_trapezoid(np.array([1, 1, 0]), np.array([0.9, 0.5, 0.5]))
print(f"tied:        AP {tied_ap:.5f}, trapezoid {tied_trapezoid:.5f}")
assert tied_trapezoid > tied_ap + 0.05  # 11/12 against 5/6

# %% [markdown]
# Why a straight line is optimistic, on two points of the overlapping scores: A at the
# first threshold reaching recall 0.5, B at the lowest threshold (recall 1). Mixing the two
# thresholds half and half predicts half of each one's positives.

# %%
overlap_true, overlap_score = lossviz.data.scored_binary(n=400, seed=seed)
precision, recall, _ = lossviz.metrics.precision_recall_curve(overlap_true, overlap_score)
a, b = np.flatnonzero(recall >= 0.5)[-1], 0  # curve points run from high recall to low
predicted = {k: overlap_true.sum() * recall[k] / precision[k] for k in (a, b)}  # TP / precision
mixed = (predicted[a] * precision[a] + predicted[b] * precision[b]) / (predicted[a] + predicted[b])
line = (precision[a] + precision[b]) / 2
print(f"A: recall {recall[a]:.2f}, precision {precision[a]:.3f}; B: recall {recall[b]:.2f}, "
      f"precision {precision[b]:.3f}; midpoint: line {line:.3f}, mixture {mixed:.3f}")
assert precision[a] > precision[b] and predicted[b] > predicted[a] and mixed < line

# %% [markdown]
# ## Explore: one threshold, three linked views
#
# Scores of 400 samples (30 % positive, classes overlapping). The slider picks one
# threshold; the dot moves on the ROC curve and the PR curve, and the confusion matrix
# shows the counts behind it. Move it up: fewer samples are flagged, so recall and FPR
# fall, and precision (here) rises.

# %%
roc_pr = lossviz.widgets.roc_pr_explorer()
roc_pr

# %% [markdown]
# The check: at thresholds 0.2, 0.5, 0.8 recall and FPR fall and precision rises, and
# each dot lies exactly on its curve.

# %%
all_fpr, all_tpr, _ = lossviz.metrics.roc_curve(roc_pr.y_true, roc_pr.y_score,
                                                drop_intermediate=False)
seen = []
for threshold in (0.2, 0.5, 0.8):
    roc_pr.set(threshold=threshold)
    results = roc_pr.results
    seen.append((results["recall"], results["false_positive_rate"], results["precision"]))
    dot = roc_pr.roc.point.get_xydata()[0]
    assert np.any(np.isclose(all_fpr, dot[0]) & np.isclose(all_tpr, dot[1]))
    assert results["confusion_matrix"].sum() == 400
    print(f"t={threshold}: recall {seen[-1][0]:.3f}, FPR {seen[-1][1]:.3f}, "
          f"precision {seen[-1][2]:.3f}")
recalls, fprs, precisions = np.array(seen).T
assert np.all(np.diff(recalls) < 0) and np.all(np.diff(fprs) < 0)
assert np.all(np.diff(precisions) > 0)

# %% [markdown]
# ## ROC against PR under class imbalance
#
# TPR is measured on the positives only and FPR on the negatives only, so neither depends
# on how many of each there are. Precision mixes the two classes. With pi the positive
# fraction:
#
# precision = TPR pi / (TPR pi + FPR (1 - pi))
#
# The same operating point, (FPR, TPR), has a much lower precision when positives are
# rare. Checked on the explorer's point at threshold 0.5, then moved to pi = 1 %:

# %%
roc_pr.set(threshold=0.5)
point = roc_pr.results
pi = roc_pr.y_true.mean()


def precision_from_rates(tpr, fpr, pi):
    return tpr * pi / (tpr * pi + fpr * (1 - pi))


assert np.isclose(precision_from_rates(point["recall"], point["false_positive_rate"], pi),
                  point["precision"])
rare = precision_from_rates(point["recall"], point["false_positive_rate"], 0.01)
print(f"precision at pi={pi:.2f}: {point['precision']:.3f}; same rates at pi=0.01: {rare:.3f}")
assert rare < point["precision"] / 10

# %% [markdown]
# The imbalance explorer draws both curves for 2000 scored samples; slide the positive
# fraction down. The ROC curve wobbles (fewer positives, noisier), the PR curve sinks
# towards its baseline, the positive fraction.

# %%
imbalance = lossviz.widgets.imbalance_explorer()
imbalance

# %%
imbalance.set(positive_fraction=0.5)
balanced = dict(imbalance.results)
imbalance.set(positive_fraction=0.02)
rare_positives = dict(imbalance.results)
print(f"positives 50 %: ROC AUC {balanced['roc_auc']:.3f}, AP {balanced['average_precision']:.3f}")
print(f"positives  2 %: ROC AUC {rare_positives['roc_auc']:.3f}, "
      f"AP {rare_positives['average_precision']:.3f}")
# 40 positives give the AUC a standard error of about 0.03 (seeds 0 to 99: at most 0.07 apart).
assert abs(rare_positives["roc_auc"] - balanced["roc_auc"]) < 0.1
assert balanced["average_precision"] - rare_positives["average_precision"] > 0.5

# %% [markdown]
# Which to report? ROC AUC answers "how well does the model rank?", independent of the
# class mix. When you care about the few positives you flag (fraud, disease), AP and the
# PR curve show what a user of the flags will see, and they say how rare positives are.

# %% [markdown]
# ## Keras's AUC is an approximation
#
# `keras.metrics.AUC` does not sort the scores. It counts TP, FP, TN, FN at
# `num_thresholds=200` evenly spaced thresholds in [0, 1] and sums trapezoids between
# them: all scores inside one bucket look tied. `lossviz.metrics.keras_auc` reproduces
# that bucketing in NumPy. On the model's scores, spread over [0, 1], the gap to the exact
# AUC is small:

# %%
keras_roc = keras.metrics.AUC()
keras_roc.update_state(y_test, y_score)
bucketed = lossviz.metrics.keras_auc(y_test, y_score)
print(f"Keras {float(keras_roc.result()):.6f}, lossviz.keras_auc {bucketed:.6f}, "
      f"exact {roc_auc:.6f}, gap {float(keras_roc.result()) - roc_auc:+.2e}")
assert np.isclose(float(keras_roc.result()), bucketed, atol=1e-6)
assert abs(bucketed - roc_auc) < 0.01

# %% [markdown]
# Now a **calibrated rare-event model**: 1 % positives, so honest probabilities are small
# and nearly every score falls into the first few of Keras's 200 buckets. We take scored
# data and map the scores through Bayes' rule to calibrated probabilities; the map is
# increasing, so the ranking and the exact AUC do not change.

# %%
separation, rare_fraction = 3.0, 0.01
rare_true, symmetric_score = lossviz.data.scored_binary(
    n=2000, positive_fraction=rare_fraction, separation=separation, seed=seed)
# scored_binary returns sigmoid(latent - separation / 2); undo it to get the latent score,
# N(0, 1) for negatives and N(separation, 1) for positives.
latent = np.log(symmetric_score / (1 - symmetric_score)) + separation / 2

# %% [markdown]
# Bayes' rule in log-odds: log P(+ | l) / P(- | l) = log N(l; separation, 1) / N(l; 0, 1)
# + log(pi / (1 - pi)). The ratio of the two Gaussian densities is
# exp(separation l - separation^2 / 2), so the log-odds are linear in l, and the calibrated
# probability is their sigmoid.

# %%
density_ratio = separation * latent - separation**2 / 2  # log N(l; sep, 1) - log N(l; 0, 1)
log_odds = density_ratio + np.log(rare_fraction / (1 - rare_fraction))
rare_score = 1 / (1 + np.exp(-log_odds))  # P(positive | score) for these classes
exact_rare = lossviz.metrics.roc_auc_score(rare_true, rare_score)
assert np.isclose(exact_rare, lossviz.metrics.roc_auc_score(rare_true, symmetric_score))
print(f"{np.mean(rare_score < 0.05):.1%} of the scores are below 0.05 "
      f"(the first 10 buckets); exact AUC {exact_rare:.4f}")
assert np.mean(rare_score < 0.05) > 0.9


# %% [markdown]
# How far off is Keras's bucketed AUC? Scores in one bucket are tied for Keras: a
# positive-negative pair in the same bucket counts 1/2 whatever the order of its two scores,
# so the gap to the exact AUC is at most **half the share of pairs that share a bucket**.
# Calibrated rare-event scores crowd the first buckets, so that share can be large; how
# much of it turns into a gap depends on where the few positives fall. More thresholds
# shrink the share (and cost memory and time in every `update_state`, *(not measured
# here)*):

# %%
def shared_bucket_share(y_true, scores, num_thresholds):
    """Share of (positive, negative) pairs whose scores fall between the same Keras thresholds."""
    thresholds = np.concatenate([[-1e-7], np.arange(1, num_thresholds - 1) / (num_thresholds - 1), [1 + 1e-7]])
    bucket = np.searchsorted(thresholds, scores, side="left")  # thresholds below each score
    return np.mean(bucket[y_true == 1][:, None] == bucket[y_true == 0][None, :])


# %%
gaps, shared = {}, {}
for num_thresholds in (200, 2000, 20000):
    metric = keras.metrics.AUC(num_thresholds=num_thresholds)
    metric.update_state(rare_true, rare_score)
    ours = lossviz.metrics.keras_auc(rare_true, rare_score, num_thresholds=num_thresholds)
    assert np.isclose(float(metric.result()), ours, atol=1e-6)
    gaps[num_thresholds] = ours - exact_rare
    shared[num_thresholds] = shared_bucket_share(rare_true, rare_score, num_thresholds)
    print(f"num_thresholds={num_thresholds:5d}: Keras {float(metric.result()):.5f}, gap to exact "
          f"{gaps[num_thresholds]:+.5f}, pairs sharing a bucket {shared[num_thresholds]:.2%}")
    assert abs(gaps[num_thresholds]) <= shared[num_thresholds] / 2 + 1e-6
assert shared[200] >= shared[2000] >= shared[20000]

# %% [markdown]
# The same holds for `AUC(curve="PR")`: a bucketed (Davis-Goadrich interpolated) area,
# not scikit-learn's average precision.

# %%
keras_pr = keras.metrics.AUC(curve="PR")
keras_pr.update_state(rare_true, rare_score)
bucketed_pr = lossviz.metrics.keras_auc(rare_true, rare_score, curve="PR")
rare_ap = lossviz.metrics.average_precision_score(rare_true, rare_score)
print(f"Keras PR AUC {float(keras_pr.result()):.4f}, lossviz {bucketed_pr:.4f}, AP {rare_ap:.4f}")
assert np.isclose(float(keras_pr.result()), bucketed_pr, atol=1e-5)
assert abs(bucketed_pr - rare_ap) > 1e-3

# %% [markdown]
# ## Several classes: micro and macro ROC
#
# A small softmax model on iris (3 classes), deliberately undertrained so the classes
# differ. Each class gives a one-vs-rest ROC curve. Then:
#
# - **micro**: ravel the one-hot labels and the probabilities into one long binary
#   problem (every sample-class pair is one decision) and draw **one** curve;
# - **macro**: compute each class's AUC (curve) and take the **plain mean**.
#
# A widely copied post states these the other way round (micro = average of the class
# curves, macro = flatten), and its comment on `roc_auc_score(average="micro")` says the
# same: both are backwards.

# %%
X, y = load_iris(return_X_y=True)
iris_train, iris_test, label_train, label_test = train_test_split(
    X, y, test_size=0.5, random_state=seed, stratify=y)
scaler = sklearn.preprocessing.StandardScaler().fit(iris_train)
keras.utils.set_random_seed(seed)  # the same start whatever ran before
softmax_model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
softmax_model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
softmax_model.fit(scaler.transform(iris_train), label_train, epochs=10, batch_size=32, verbose=0)
probabilities = keras.ops.convert_to_numpy(softmax_model(scaler.transform(iris_test)))
probabilities = probabilities.astype(np.float64)
one_hot = sklearn.preprocessing.label_binarize(label_test, classes=[0, 1, 2])

# %% [markdown]
# Both averages, computed both ways (by definition, and by `roc_auc_score`), in lossviz
# and scikit-learn:

# %%
per_class = [lossviz.metrics.roc_auc_score(one_hot[:, k], probabilities[:, k]) for k in range(3)]
micro_by_definition = lossviz.metrics.roc_auc_score(one_hot.ravel(), probabilities.ravel())
macro_by_definition = np.mean(per_class)
averages = {}
for average in ("micro", "macro"):
    averages[average] = lossviz.metrics.roc_auc_score(label_test, probabilities,
                                                      average=average, multi_class="ovr")
    assert np.isclose(averages[average], sklearn.metrics.roc_auc_score(
        label_test, probabilities, average=average, multi_class="ovr"))
print("per class", np.round(per_class, 4), "| micro", round(averages["micro"], 4),
      "| macro", round(averages["macro"], 4))
assert np.isclose(averages["micro"], micro_by_definition)
assert np.isclose(averages["macro"], macro_by_definition)
assert abs(averages["micro"] - averages["macro"]) > 1e-3

# %% [markdown]
# Plotted together: the class curves (thin), the micro curve (one curve of the raveled
# problem) and the macro curve (the mean of the class curves' TPR on a common FPR grid,
# whose area is close to, though not exactly, the mean of the class AUCs).

# %%
figure, ax = plt.subplots(figsize=(4.5, 4.5), layout="constrained")
micro_fpr, micro_tpr, _ = lossviz.metrics.roc_curve(one_hot.ravel(), probabilities.ravel())
lossviz.plots.plot_roc_curve(micro_fpr, micro_tpr, ax, title="iris, one-vs-rest")
grid = np.linspace(0, 1, 201)
class_tprs = []
for k in range(3):
    class_fpr, class_tpr, _ = lossviz.metrics.roc_curve(one_hot[:, k], probabilities[:, k])
    ax.plot(class_fpr, class_tpr, linewidth=0.8, label=f"class {k}: {per_class[k]:.3f}")
    class_tprs.append(np.interp(grid, class_fpr, class_tpr))
ax.plot(grid, np.mean(class_tprs, axis=0), "k:", linewidth=2,
        label=f"macro: {averages['macro']:.3f}")
ax.get_lines()[1].set_label(f"micro: {averages['micro']:.3f}")
ax.legend(loc="lower right", fontsize="small")
assert np.isclose(lossviz.metrics.auc(micro_fpr, micro_tpr), averages["micro"])
assert abs(lossviz.metrics.auc(grid, np.mean(class_tprs, axis=0)) - averages["macro"]) < 0.02

# %% [markdown]
# The same post calls `label_binarize(y, np.arange(n))`; scikit-learn now takes `classes`
# by keyword only, so that line raises a `TypeError`:

# %%
try:
    sklearn.preprocessing.label_binarize(label_test, np.arange(3))
    raised = None
except TypeError as error:
    raised = error
print(raised)
assert isinstance(raised, TypeError)

# %% [markdown]
# ### Keras's `AUC` on logits and on several classes
#
# `keras.metrics.AUC` clips each score to [0, 1] and sorts it into one of its buckets
# (`ceil(score * 199) - 1`, with 0 and the first bucket merged), so its ROC AUC is
# **exactly** the AUC of the bucket numbers, pairs in one bucket counting 1/2. With that in hand it lines up with
# scikit-learn, and the gap to the exact AUC is at most half the share of
# (positive, negative) pairs that share a bucket:
#
# - `multi_label=False` (the default) flattens (samples, classes) input into one binary
#   problem: scikit-learn's `average="micro"`;
# - `multi_label=True` computes one AUC per column and takes their plain mean:
#   `average="macro"`;
# - `from_logits=True` applies a sigmoid first. Without it, scores are clipped to [0, 1]:
#   every negative logit lands in the first bucket, every logit above 1 in the last.

# %%


def keras_buckets(scores, num_thresholds=200):
    """The bucket Keras's AUC puts each score in (its metrics_utils: clip, ceil, minus 1)."""
    clipped = np.clip(np.asarray(scores, "float32"), 0, 1)
    return np.maximum(np.ceil(clipped * np.float32(num_thresholds - 1)) - 1, 0)


def same_bucket_share(y_true, scores):
    buckets = keras_buckets(scores)
    return np.mean(buckets[y_true == 1][:, None] == buckets[y_true == 0][None, :])


# %%
bounds = {"micro": same_bucket_share(one_hot.ravel(), probabilities.ravel()) / 2,
          "macro": np.mean([same_bucket_share(one_hot[:, k], probabilities[:, k]) for k in range(3)]) / 2}
for multi_label, average in [(False, "micro"), (True, "macro")]:
    metric = keras.metrics.AUC(multi_label=multi_label)
    metric.update_state(one_hot, probabilities)
    on_buckets = sklearn.metrics.roc_auc_score(one_hot, keras_buckets(probabilities), average=average)
    exact = sklearn.metrics.roc_auc_score(one_hot, probabilities, average=average)
    print(f"multi_label={multi_label}: Keras {float(metric.result()):.6f}, scikit-learn {average} on "
          f"Keras's buckets {on_buckets:.6f}, exact {exact:.6f} (gap at most {bounds[average]:.6f})")
    assert np.isclose(float(metric.result()), on_buckets, atol=1e-6)
    assert abs(float(metric.result()) - exact) <= bounds[average] + 1e-6

# %% [markdown]
# Logits, built on purpose: 1000 samples, half positive, logit = +1 or -1 plus unit noise.
# With `from_logits=True` Keras scores the sigmoid of the logits; without it, the logits
# below 0 or above 1 tie in the end buckets, and the AUC drops. That is about three
# quarters of them ([the next section](06_roc_pr_curves.ipynb#Logits-into-thresholded-metrics)
# prints the share for your seed, beside the 76 % that the normal noise predicts).

# %%
rng = np.random.default_rng(seed)
logit_labels = np.repeat([0, 1], 500)
logit_scores = (2.0 * logit_labels - 1.0 + rng.normal(size=1000)).astype("float32")
results = {}
for from_logits in (True, False):
    metric = keras.metrics.AUC(from_logits=from_logits)
    metric.update_state(logit_labels, logit_scores)
    results[from_logits] = float(metric.result())
sigmoid = keras.ops.convert_to_numpy(keras.ops.sigmoid(logit_scores))
exact_logits = sklearn.metrics.roc_auc_score(logit_labels, logit_scores)
print(f"from_logits=True {results[True]:.4f}, from_logits=False {results[False]:.4f}, exact {exact_logits:.4f}")
assert np.isclose(results[True], sklearn.metrics.roc_auc_score(logit_labels, keras_buckets(sigmoid)), atol=1e-6)
assert np.isclose(results[False], sklearn.metrics.roc_auc_score(logit_labels, keras_buckets(logit_scores)), atol=1e-6)
assert abs(results[True] - exact_logits) <= same_bucket_share(logit_labels, sigmoid) / 2 + 1e-6
assert results[True] - results[False] > 0.02

# %% [markdown]
# ## Logits into thresholded metrics
#
# `BinaryAccuracy`, `Precision`, `Recall` and `AUC` assume their input is a probability.
# Fed logits (a `Dense(1)` without a sigmoid, trained with `from_logits=True`) they still
# run, and give other numbers:
#
# - `BinaryAccuracy()` and `Precision()` call a sample positive when its score is above
#   0.5: on a logit that is a probability above sigmoid(0.5) = 0.62, not 0.5;
# - `AUC()` places its thresholds in [0, 1] and clips the scores into that range: every
#   negative logit falls into the first bucket, every logit above 1 into the last, and
#   the scores in one bucket tie.
#
# Measured on the 1000 logits of the section above, against the right numbers
# (scikit-learn on the probabilities, threshold 0.5, and the exact ROC AUC):

# %%
probability = sigmoid.astype("float64")  # sigmoid of the logits, computed above by Keras
print(f"a logit of 0.5 is the probability {1 / (1 + math.exp(-0.5)):.4f}")


def keras_value(metric, scores):
    metric.update_state(logit_labels[:, None], scores[:, None])
    return float(metric.result())


right = {"accuracy": lossviz.metrics.accuracy_score(logit_labels, (probability > 0.5).astype(int)),
         "precision": lossviz.metrics.precision_score(logit_labels, (probability > 0.5).astype(int))}
on_logits = {"accuracy": keras_value(keras.metrics.BinaryAccuracy(), logit_scores),
             "precision": keras_value(keras.metrics.Precision(), logit_scores)}
at_062 = {"accuracy": lossviz.metrics.accuracy_score(logit_labels, (logit_scores > 0.5).astype(int)),
          "precision": lossviz.metrics.precision_score(logit_labels, (logit_scores > 0.5).astype(int))}
print(f"on logits {on_logits}\nright      {right}")
assert np.allclose(list(on_logits.values()), list(at_062.values()), atol=1e-6)  # threshold 0.62
assert np.any((logit_scores > 0) & (logit_scores <= 0.5))  # samples decided the wrong way
assert abs(on_logits["precision"] - right["precision"]) > 0.02  # other numbers (seeds 0 to 199: 0.04 to 0.10)

# %%
outside = np.mean((logit_scores < 0) | (logit_scores > 1))
normal_cdf = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # positives ~ N(1, 1), negatives ~ N(-1, 1)
expected = 0.5 * (normal_cdf(-1) + 0.5) + 0.5 * (normal_cdf(1) + normal_cdf(-2))
print(f"{outside:.1%} of the logits lie below 0 or above 1 (expected {expected:.1%}): AUC on logits "
      f"{results[False]:.4f}, exact {exact_logits:.4f}")
assert 0.70 < outside < 0.82 and abs(expected - 0.761) < 1e-3  # 73.4 % to 79.6 % for seeds 0 to 9
buckets = keras_buckets(logit_scores)  # Keras's buckets (they gave its AUC exactly, above)
assert np.all(buckets[logit_scores < 0] == 0) and np.all(buckets[logit_scores > 1] == 198)

# %% [markdown]
# The fix: apply the sigmoid first, or move the threshold to the logit 0
# (`BinaryAccuracy(threshold=0.0)`, `Precision(thresholds=0.0)`), or, for `AUC`, pass
# `from_logits=True`. Which metrics take `from_logits` (listed for your Keras: in 3.15 the
# crossentropy metrics and `AUC`, not the thresholded ones):

# %%
import inspect

takes = sorted(name for name, value in vars(keras.metrics).items()
               if isinstance(value, type) and "from_logits" in inspect.signature(value).parameters)
print("from_logits:", takes)
assert "AUC" in takes and not {"BinaryAccuracy", "Precision", "Recall"} & set(takes)
fixed = {"accuracy": keras_value(keras.metrics.BinaryAccuracy(threshold=0.0), logit_scores),
         "precision": keras_value(keras.metrics.Precision(thresholds=0.0), logit_scores)}
on_probabilities = {"accuracy": keras_value(keras.metrics.BinaryAccuracy(), sigmoid),
                    "precision": keras_value(keras.metrics.Precision(), sigmoid)}
assert np.allclose(list(fixed.values()), list(right.values()), atol=1e-6)
assert np.allclose(list(on_probabilities.values()), list(right.values()), atol=1e-6)
assert np.isclose(keras_value(keras.metrics.AUC(), sigmoid), results[True], atol=1e-6)  # = from_logits=True

# %% [markdown]
# ## Choosing a threshold
#
# **For a target rate.** Keras's `PrecisionAtRecall(r)` reports the best precision among
# thresholds whose recall is at least r; `SensitivityAtSpecificity(s)` the best recall
# among those with specificity at least s. Keras only looks at its 200 evenly spaced
# thresholds; `lossviz.metrics` tries every distinct score (exact) or Keras's grid
# (`num_thresholds=200`). The exact value can only be higher: it searches more
# thresholds. How much higher depends on where the best threshold falls between two of
# Keras's thresholds; on the rare-event scores:

# %%
searches = [("PrecisionAtRecall", "precision_at_recall", 0.9),
            ("PrecisionAtRecall", "precision_at_recall", 0.5),
            ("SensitivityAtSpecificity", "sensitivity_at_specificity", 0.99),
            ("SensitivityAtSpecificity", "sensitivity_at_specificity", 0.7)]
found = {}
for keras_name, twin_name, target in searches:
    keras_metric = getattr(keras.metrics, keras_name)(target)
    keras_metric.update_state(rare_true, rare_score)
    twin = getattr(lossviz.metrics, twin_name)
    on_keras_grid = twin(rare_true, rare_score, target, num_thresholds=200)
    exact = twin(rare_true, rare_score, target)
    found[keras_name, target] = (float(keras_metric.result()), exact)
    print(f"{keras_name}({target}): Keras {float(keras_metric.result()):.4f}, "
          f"lossviz on Keras's grid {on_keras_grid:.4f}, exact {exact:.4f}")
    assert np.isclose(float(keras_metric.result()), on_keras_grid, atol=1e-6)
    assert exact >= on_keras_grid - 1e-12

# %% [markdown]
# Where the gap shows, built on purpose: 10 negatives and 3 positives, with one negative
# (0.5005) and one positive (0.5010) between the same two Keras thresholds (99/199 =
# 0.4975 and 100/199 = 0.5025). A threshold between those two scores finds every positive
# at specificity 0.7; Keras's grid either lets the negative in (specificity 0.6) or misses
# the positive, so it reports a sensitivity of 2/3.

# %%
built_true = np.array([0] * 6 + [0, 0, 0] + [0] + [1, 1, 1])
built_score = np.array([0.1] * 6 + [0.9, 0.9, 0.9] + [0.5005] + [0.5010, 0.95, 0.97])
keras_metric = keras.metrics.SensitivityAtSpecificity(0.7)
keras_metric.update_state(built_true, built_score)
exact = lossviz.metrics.sensitivity_at_specificity(built_true, built_score, 0.7)
print(f"SensitivityAtSpecificity(0.7): Keras {float(keras_metric.result()):.4f}, exact {exact:.4f}")
assert exact == 1.0 and np.isclose(float(keras_metric.result()), 2 / 3)

# %% [markdown]
# **From the costs of errors.** Say missing a malignant tumour (FN) costs 10 times as much
# as a false alarm (FP). The best threshold minimises the expected cost
# c_FP FP(t) + c_FN FN(t). Only the distinct scores need trying: between two of them the
# counts do not change.

# %%
cost_fp, cost_fn = 1.0, 10.0
n_negative, n_positive = np.sum(y_test == 0), np.sum(y_test == 1)


def total_cost(threshold):  # counted directly, predicting positive when score >= threshold
    predicted = y_score >= threshold
    false_positives = np.sum(predicted & (y_test == 0))
    false_negatives = np.sum(~predicted & (y_test == 1))
    return cost_fp * false_positives + cost_fn * false_negatives


fpr_all, tpr_all, candidates = lossviz.metrics.roc_curve(y_test, y_score, drop_intermediate=False)
costs = cost_fp * fpr_all * n_negative + cost_fn * (1 - tpr_all) * n_positive
best = np.argmin(costs)
print(f"best threshold {candidates[best]:.4f}: cost {costs[best]:.0f} "
      f"(FP {fpr_all[best] * n_negative:.0f}, FN {(1 - tpr_all[best]) * n_positive:.0f}); "
      f"threshold 0.5 costs {total_cost(0.5):.0f}")

# %% [markdown]
# Checked: the cost read from the curve is the cost counted directly, and no threshold on
# a fine grid of 2001 values does better. For a calibrated model theory says
# t = c_FP / (c_FP + c_FN) = 1/11; a small Keras model is not perfectly calibrated, so we
# print it but do not rely on it.

# %%
assert np.isclose(total_cost(candidates[best]), costs[best])
fine_grid = np.linspace(0, 1, 2001)
assert all(total_cost(t) >= costs[best] for t in fine_grid)
assert costs[best] <= total_cost(0.5)
print(f"cost at the theoretical threshold {cost_fp / (cost_fp + cost_fn):.3f}: "
      f"{total_cost(cost_fp / (cost_fp + cost_fn)):.0f}")

# %% [markdown]
# ## Exercise: the threshold for a target recall
#
# Write `threshold_for_recall(y_true, y_score, recall)` returning `(threshold, precision)`:
# among the thresholds t (predict positive when score >= t) whose recall is at least
# `recall`, the one with the **best precision**. The checker compares your precision with
# `lossviz.metrics.precision_at_recall` on several data sets and targets, and checks that
# your threshold really reaches the recall and that precision. The start below takes the
# highest threshold that reaches the recall: is that the best?

# %%
CASES = [(y_test, y_score), (rare_true, rare_score), lossviz.data.scored_binary(n=60, seed=seed + 3),
         lossviz.data.scored_binary(n=200, positive_fraction=0.1, separation=1.0, seed=seed + 1)]


def problem_with(function, y_true, scores, target):
    """What is wrong with `function` on one case, or None."""
    expected = lossviz.metrics.precision_at_recall(y_true, scores, target)
    threshold, precision = function(y_true, scores, target)
    predicted = scores >= threshold
    true_positives = np.sum(predicted & (y_true == 1))
    reached = true_positives / np.sum(y_true == 1)
    really = true_positives / max(np.sum(predicted), 1)  # the precision that threshold gives
    if reached >= target and np.isclose(precision, really) and np.isclose(precision, expected):
        return None
    return (f"n={len(y_true)}, recall {target}: yours {precision:.4f} at recall "
            f"{reached:.3f} (really {really:.4f}), best {expected:.4f}")


# %%
def check_threshold_for_recall(function):
    problems = [problem_with(function, y_true, scores, target)
                for y_true, scores in CASES for target in (0.5, 0.8, 0.95)]
    problems = [problem for problem in problems if problem is not None]
    print("all cases pass" if not problems else "\n".join(problems))
    return not problems


# %%
def threshold_for_recall(y_true, y_score, recall):
    positives = np.sum(y_true == 1)
    for threshold in np.unique(y_score)[::-1]:  # from the highest score down
        predicted = y_score >= threshold
        true_positives = np.sum(predicted & (y_true == 1))
        if true_positives / positives >= recall:
            return threshold, true_positives / np.sum(predicted)  # TODO: the best one?


passed = check_threshold_for_recall(threshold_for_recall)


# %% [markdown]
# Solution: compute recall and precision at every distinct score at once, keep the
# thresholds that reach the recall, take the best precision.

# %% jupyter={"source_hidden": true} tags=["solution"]
def threshold_for_recall(y_true, y_score, recall):
    thresholds = np.unique(y_score)
    predicted = y_score[None, :] >= thresholds[:, None]  # one row per threshold
    true_positives = np.sum(predicted & (y_true == 1), axis=1)
    recalls = true_positives / np.sum(y_true == 1)
    precisions = true_positives / np.sum(predicted, axis=1)
    feasible = np.flatnonzero(recalls >= recall)
    best = feasible[np.argmax(precisions[feasible])]
    return thresholds[best], precisions[best]


assert check_threshold_for_recall(threshold_for_recall)

# %% [markdown]
# ## Summary
#
# - A ROC curve plots TPR against FPR, a PR curve precision against recall, over every
#   threshold; ROC AUC is the probability that a positive outranks a negative (ties 1/2).
# - Average precision (steps) is not the trapezoidal PR area.
# - Class imbalance leaves ROC almost unchanged and sinks PR: precision mixes the classes.
# - Keras's `AUC`, `PrecisionAtRecall`, `SensitivityAtSpecificity` work on 200 fixed
#   thresholds: close on spread-out scores, visibly off on calibrated rare-event scores.
#   Raise `num_thresholds`, or compute exact values after training (`lossviz.metrics`).
# - Micro pools every sample-class decision into one curve; macro averages the class
#   curves. Not the other way round.
# - Pick thresholds from the goal: a target rate, or the costs of FP and FN.
# - Thresholded metrics assume probabilities: on logits, apply the sigmoid, move the
#   threshold to 0, or use `AUC(from_logits=True)`.
#
# Next: [07 k-fold cross-validation](07_kfold_cross_validation.ipynb).
