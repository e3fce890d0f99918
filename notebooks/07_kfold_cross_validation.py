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
# # 07 k-fold cross-validation of a Keras model
#
# **After this notebook you can**
# - pick a scikit-learn splitter (KFold, StratifiedKFold, GroupKFold, TimeSeriesSplit)
#   that fits your data;
# - cross-validate a Keras model the right way: a fresh model per fold, preprocessing
#   fitted inside each fold, the best weights of each fold, and the mean *and* spread of
#   several metrics;
# - take the short path with `keras.wrappers.SKLearnClassifier` and scikit-learn's
#   `cross_validate`.
#
# One train/test split gives one number, and part of that number is the luck of the
# split. k-fold cross-validation cuts the rows into k folds and trains k models; each is
# tested on the one fold it never saw. Old Keras 2 posts get the loop subtly wrong: one
# model re-fitted fold after fold, or a scaler (or feature selection) fitted on all rows
# before splitting. Both make the score look better than the model is; we measure how much.

# %% [markdown]
# ## Setup

# %%
import lossviz

session = lossviz.setup()  # seed from LOSSVIZ_SEED (default 0), versions
seed = session.seed

import importlib.util
import logging

import keras
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import binom
from sklearn.datasets import load_breast_cancer
from sklearn.feature_selection import SelectKBest
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

import lossviz.keras_facts
import lossviz.metrics
import lossviz.plots
import lossviz.widgets
from lossviz.cv import check_fold_loop, cross_validate_keras

# Every fold builds a new model, so TensorFlow traces its predict step again and warns
# about "retracing". Here that is expected, not a bug: keep the warning out of the way.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

# %% [markdown]
# ## Intuition: every row is tested exactly once
#
# scikit-learn's breast cancer data: 569 tumours, 30 features, label 1 = benign. Each row
# of the diagram is one fold: the model of fold i trains on the light-blue samples and is
# tested on the red ones. `StratifiedKFold` keeps the class ratio of every test fold equal
# to the whole data's (bottom row: the classes).

# %%
X, y = load_breast_cancer(return_X_y=True)
splitter = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
figure, ax = plt.subplots(figsize=(8, 2.8), layout="constrained")
diagram = lossviz.plots.plot_cv_splits(splitter, X, y, ax=ax)

# %%
tested = np.concatenate([test for _, test in diagram.splits])
assert sorted(tested.tolist()) == list(range(len(X))), "every row is tested exactly once"
fold_ratios = [y[test].mean() for _, test in diagram.splits]
print("benign fraction per test fold:", np.round(fold_ratios, 3), "| all rows:", round(y.mean(), 3))
assert max(abs(ratio - y.mean()) for ratio in fold_ratios) < 0.01

# %% [markdown]
# ## Formula
#
# With folds $V_1, \dots, V_k$ (a partition of the rows) and $T_i$ = every row not in
# $V_i$: fit the preprocessing on $X[T_i]$, train a **new** model $f_i$ on $T_i$, and score
# it on the fold it never saw:
#
# $$M_i = M\big(y[V_i],\ f_i(X[V_i])\big), \qquad
#   \bar M = \frac{1}{k}\sum_{i=1}^{k} M_i, \qquad
#   s = \sqrt{\frac{1}{k}\sum_{i=1}^{k} (M_i - \bar M)^2}$$
#
# $\bar M$ estimates how a model trained this way does on new data; $s$ says how much that
# depends on which rows it got. Everything that learns from data (scaler, feature
# selection, early stopping) belongs inside $f_i$, i.e. sees $T_i$ only.

# %% [markdown]
# ## Code: the Keras loop, done right
#
# `build_model` returns a **new** compiled model every time it is called.
# `lossviz.cv.cross_validate_keras` then runs, for fold i: seed with
# `keras.utils.set_random_seed(seed + i)`, fit a fresh `StandardScaler` on $X[T_i]$, build,
# train, and score $X[V_i]$ with several metrics. `best_weights=True` holds out 20 % of
# each training fold and restores the epoch with the lowest validation loss there
# (a `keras.callbacks.ModelCheckpoint(save_best_only=True, save_weights_only=True)` per
# fold); the test fold is never used to pick the epoch.
#
# Every fold pays for a new model: Keras traces (compiles) its training step again, and
# on a small data set that can cost more than the epochs themselves *(not measured
# here)*. This notebook trains its small models with plain SGD; that is a choice for
# these examples, not a lesson (Adam would do as well).

# %%
FIT = {"epochs": 4, "batch_size": 16}


def build_model():
    model = keras.Sequential([
        keras.Input((30,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
    return model


result = cross_validate_keras(build_model, X, y, cv=3, preprocess=StandardScaler, fit_kwargs=FIT, seed=seed,
                              best_weights=True, return_models=True)
result

# %% [markdown]
# The twin beside Keras: take fold 0's fitted scaler and model, and let Keras's own
# `keras.metrics.BinaryAccuracy` (threshold 0.5) score the same test fold.

# %%
train, test = result.indices[0]
scaler, model = result.preprocessors[0], result.models[0]
keras_accuracy = keras.metrics.BinaryAccuracy()
keras_accuracy.update_state(y[test][:, None], model(scaler.transform(X[test])))
keras_accuracy = float(keras_accuracy.result())
print(f"fold 0 accuracy: cross_validate_keras {result.folds[0]['accuracy']:.4f}, "
      f"keras.metrics.BinaryAccuracy {keras_accuracy:.4f}")
assert abs(keras_accuracy - result.folds[0]["accuracy"]) < 1e-6
np.testing.assert_allclose(scaler.mean_, X[train].mean(axis=0))  # fitted on T_0 only

# %% [markdown]
# Each fold restored the epoch whose validation loss was lowest, and the summary is mean
# and spread, not one lucky number. Read the spread with care: it is the **population**
# standard deviation (`np.std`, ddof=0) of k scores from folds whose training sets overlap
# (two folds share half their rows at k = 3), so the scores are correlated. It describes
# these k folds. It is not a standard error: s / sqrt(k) would understate the uncertainty of
# the mean, because the folds are not independent, and no estimator of that variance is
# unbiased for every data distribution (Bengio and Grandvalet, 2004; a published result,
# *not measured here*).

# %%
for fold, history in enumerate(result.histories):
    assert result.folds[fold]["best_epoch"] == int(np.argmin(history["val_loss"])) + 1
print("best epoch per fold:", [row["best_epoch"] for row in result.folds])
for name, stats in result.summary.items():
    print(f"{name:>9}: {stats['mean']:.3f} ± {stats['std']:.3f}")
assert result.summary["accuracy"]["mean"] > 0.93 and result.summary["roc_auc"]["mean"] > 0.97
assert result.summary["accuracy"]["std"] < 0.05
assert np.isclose(result.summary["accuracy"]["std"], np.std(result.scores("accuracy"), ddof=0))
assert result.summary["accuracy"]["std"] <= np.std(result.scores("accuracy"), ddof=1)  # ddof=0 is the smaller

# %% [markdown]
# ## Explore: k, splitter and imbalance
#
# 50 samples sorted by class (positives last, as many CSV files are), in 10 groups of 5
# consecutive rows (think: 5 scans per patient). Try unshuffled `KFold` with few positives,
# then `StratifiedKFold`, `GroupKFold` (a group never straddles train and test) and
# `TimeSeriesSplit` (always tests on the future).

# %%
explorer = lossviz.widgets.kfold_explorer()
explorer

# %% [markdown]
# What you should have seen, checked from code:

# %%
explorer.set(splitter="KFold", shuffle=False, n_splits=5, positive_fraction=0.2)
kfold_positives = explorer.results["test_positives"]
explorer.set(splitter="StratifiedKFold")
stratified_positives = explorer.results["test_positives"]
print("positives per test fold: KFold", kfold_positives, "| StratifiedKFold", stratified_positives)
assert kfold_positives.count(0) == 4  # four folds cannot even compute a recall
assert min(stratified_positives) == max(stratified_positives) == 2

groups = np.arange(50) // 5
explorer.set(splitter="GroupKFold")
assert all(not set(groups[tr]) & set(groups[te]) for tr, te in explorer.results["splits"])
explorer.set(splitter="TimeSeriesSplit")
assert all(tr.max() < te.min() for tr, te in explorer.results["splits"])

# %% [markdown]
# ## Pitfalls, measured
#
# To see a leak, use data with **nothing** to learn: 90 rows of 2000 noise features and
# coin-flip labels. An honest estimate of any model's accuracy here is about 0.5. Two folds
# keep this section fast. How far from 0.5 can luck alone go? Counting correct guesses on
# coin flips is binomial: on 90 rows, 99.9 % of honest accuracies fall in the band below,
# and on 45 rows (one fold) in a wider one. A leak shows as a score above its band.

# %%
rng = session.rng
X_noise = rng.normal(size=(90, 2000))
y_noise = rng.integers(0, 2, size=90)
NOISE_FIT = {"epochs": 5, "batch_size": 16}
noise_splits = list(StratifiedKFold(2, shuffle=True, random_state=seed).split(X_noise, y_noise))
chance_band = np.array(binom.interval(0.999, 90, 0.5)) / 90  # all 90 rows (two folds)
fold_band = np.array(binom.interval(0.999, 45, 0.5)) / 45  # one fold of 45 rows
print(f"chance: 90 rows {chance_band.round(3)}, one fold {fold_band.round(3)}")


def build_small_network():
    model = keras.Sequential([keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss="binary_crossentropy")
    return model


# %% [markdown]
# ### 1. Feature selection (or any preprocessing) fitted on all rows
#
# Picking the 20 features most correlated with the label *before* splitting lets every
# test fold vote on the features. Inside the folds (`preprocess=SelectKBest(k=20)`), each
# fold picks its own from $T_i$ only. A scaler fitted on all rows breaks the same rule (it
# hands the test folds' means and spreads to training), but it never looks at the labels:
# on these coin-flip labels it has nothing to leak, so it is not measured here. Steps that
# look at the labels (feature selection, target encoding, resampling) leak the most:

# %%
selected_on_all_rows = SelectKBest(k=20).fit_transform(X_noise, y_noise)  # WRONG: sees test folds
leaky = cross_validate_keras(build_small_network, selected_on_all_rows, y_noise, cv=noise_splits,
                             fit_kwargs=NOISE_FIT, seed=seed)
inside = cross_validate_keras(build_small_network, X_noise, y_noise, cv=noise_splits,
                              preprocess=SelectKBest(k=20), fit_kwargs=NOISE_FIT, seed=seed)
leak = leaky.summary["accuracy"]["mean"] - inside.summary["accuracy"]["mean"]
print(f"accuracy on coin flips: selected on all rows {leaky.summary['accuracy']['mean']:.3f}, "
      f"inside the folds {inside.summary['accuracy']['mean']:.3f}")
assert leaky.summary["accuracy"]["mean"] > chance_band[1]  # beyond luck: a leak (0.78 to 0.89 for seeds 0 to 9, TensorFlow)
assert chance_band[0] <= inside.summary["accuracy"]["mean"] <= chance_band[1]  # honest: luck


# %% [markdown]
# ### 2. One model re-fitted fold after fold
#
# The Keras 2 loop `model = build(); for train, test in folds: model.fit(...)` keeps the
# weights between folds, so from fold 2 on the model has already trained on the rows it is
# tested on. Fold 1 is still honest (the model is new); fold 2 tests on rows fold 1
# trained on. The set-up makes the leak certain, not lucky: a linear model (logistic
# regression as `Dense(1, sigmoid)`) on all 2000 noise columns memorises its 45 training
# rows (more columns than rows), and training on fold 2's rows moves its weights only along
# those rows, which in 2000 dimensions are nearly at right angles to fold 1's. So the
# memory of fold 1, that is of fold 2's test rows, survives.

# %%
def build_linear():
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="binary_crossentropy")
    return model


keras.utils.set_random_seed(seed)
model = build_linear()  # WRONG: built once, outside the loop
reused = []
for train, test in noise_splits:
    model.fit(X_noise[train], y_noise[train], verbose=0, **NOISE_FIT)
    y_score = keras.ops.convert_to_numpy(model(X_noise[test]))[:, 0]
    reused.append(np.mean((y_score > 0.5) == y_noise[test]))
print(f"accuracy per fold on coin flips, one model re-fitted: {np.round(reused, 3)}; "
      f"99.9 % luck band for one fold {fold_band.round(3)}")
assert fold_band[0] <= reused[0] <= fold_band[1]  # fold 1: luck
assert reused[1] > fold_band[1]  # fold 2: beyond luck, a leak (1.0 for seeds 0 to 9, both backends)

# %% [markdown]
# `cross_validate_keras` refuses a builder that hands back a model that was already trained:

# %%
try:
    cross_validate_keras(lambda: model, X_noise, y_noise, cv=noise_splits, fit_kwargs=NOISE_FIT, seed=seed)
except ValueError as error:
    print(f"ValueError: {error}")
    assert "already trained" in str(error)
else:
    raise AssertionError("a re-used model must be refused")

# %% [markdown]
# ### 3. Imports from before Keras 3 and scikit-learn 0.20
#
# `keras.wrappers.scikit_learn.KerasClassifier` (and `KerasRegressor`) was removed in
# TensorFlow/Keras 2.13 (July 2023), three minor releases before TensorFlow 2.16 brought
# Keras 3 (release history, not measured here). On Keras 2 its replacement is
# [SciKeras](https://github.com/adriangb/scikeras) (`scikeras.wrappers.KerasClassifier`, a
# separate package); Keras >= 3.8 has `keras.wrappers.SKLearnClassifier` and
# `SKLearnRegressor` (next section). `sklearn.cross_validation` became
# `sklearn.model_selection` (removed in scikit-learn 0.20). Measured here: the old modules
# are gone, the new ones are there.

# %%
for old, new in [("keras.wrappers.scikit_learn", "keras.wrappers"),
                 ("sklearn.cross_validation", "sklearn.model_selection")]:
    assert importlib.util.find_spec(old) is None and importlib.util.find_spec(new) is not None
    print(f"{old}: gone -> {new}")

# %% [markdown]
# ### Keras 2 fold-loop lines that fail or mislead in Keras 3
#
# Five lines copied from old k-fold posts, each checked below:
# - `model = model.compile(...)`: `compile` configures the model in place and returns
#   `None`, so the next line's `model.fit` fails.
# - `StratifiedKFold(y, n_folds=5, ...)`: the pre-0.18 signature. Now
#   `StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)` and the labels go to
#   `.split(X, y)`.
# - `numpy.random.seed(seed)` "for reproducible results": Keras 3 draws the seed of each
#   unseeded initializer from Python's `random` module, not from NumPy, so two models
#   built after the same NumPy seed differ, while `random.seed(seed)` alone makes their
#   initial weights equal (measured on this backend below).
#   `keras.utils.set_random_seed(seed)` seeds Python, NumPy and the backend at once: use it.
# - `callbacks=[keras.callbacks.ModelCheckpoint()]`: the file path is required (and
#   one path per fold, or every fold overwrites the last).
# - `Dense(10, input_shape=(3,))`: still runs, with a warning; start the model with
#   `keras.Input((3,))`.

# %%
import warnings

assert keras.Sequential([keras.Input((30,)), keras.layers.Dense(1)]).compile(loss="mse") is None
try:
    StratifiedKFold(y, n_folds=5, shuffle=True, random_state=seed)
    raise AssertionError("the old StratifiedKFold signature was accepted")
except TypeError as error:
    print(f"TypeError: {error}")
try:
    keras.callbacks.ModelCheckpoint()
    raise AssertionError("ModelCheckpoint() without a path was accepted")
except TypeError as error:
    print(f"TypeError: {error}")


# %%
def first_kernel(seed_with):
    seed_with(seed)
    layer = keras.layers.Dense(4)
    layer.build((None, 3))
    return keras.ops.convert_to_numpy(layer.kernel)


assert not np.array_equal(first_kernel(np.random.seed), first_kernel(np.random.seed))
assert np.array_equal(first_kernel(keras.utils.set_random_seed), first_kernel(keras.utils.set_random_seed))
assert lossviz.keras_on_backend.random_seed_alone_reproduces_weights()  # prints one sentence
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.Sequential([keras.layers.Dense(10, input_shape=(3,))])
assert any("input_shape" in str(warning.message) for warning in caught)
print("np.random.seed: different weights; keras.utils.set_random_seed: the same; input_shape warns")

# %% [markdown]
# ### Read results by name: `evaluate(return_dict=True)`
#
# Old loops print `model.metrics_names[1]` beside `scores[1]`. In Keras 3 `metrics_names`
# is `["loss", "compile_metrics"]`: every metric given to `compile` hides behind one
# name, so with two metrics the list of names is shorter than the list of values and
# `metrics_names[1]` names none of them. `evaluate(..., return_dict=True)` gives each value
# under its own name.

# %%
named = keras.Sequential([keras.Input((30,)), keras.layers.Dense(1, activation="sigmoid")])
named.compile(optimizer="sgd", loss="binary_crossentropy",
              metrics=["accuracy", keras.metrics.AUC(name="auc")])
scaled = StandardScaler().fit_transform(X)
values = named.evaluate(scaled, y, verbose=0)
by_name = named.evaluate(scaled, y, verbose=0, return_dict=True)
print(named.metrics_names, values, by_name)
assert named.metrics_names == ["loss", "compile_metrics"] and len(values) == 3
assert sorted(by_name) == ["accuracy", "auc", "loss"]
assert np.allclose([by_name["loss"], by_name["accuracy"], by_name["auc"]], values)


# %% [markdown]
# ### One session per fold: `keras.backend.clear_session()`
#
# Every layer and model you build is registered in Keras's global state: names count up
# (`dense_12`, `dense_13` ...) and, on TensorFlow, graphs traced for old models stay in
# memory for as long as anything refers to them *(not measured here)*. Call `keras.backend.clear_session()`
# at the start of each fold (then seed): each fold starts from the same clean state, and
# its layers get the same names, so weights and logs of different folds line up.
# It does not reset a model you kept *(not measured here)*: the fresh model still comes
# from `build_model()`.

# %%
def layer_names_per_fold(clear, folds=3):
    names = []
    for fold in range(folds):
        if clear:
            keras.backend.clear_session()
        keras.utils.set_random_seed(seed + fold)
        names.append(tuple(layer.name for layer in build_model().layers))
    return names


without, cleared = layer_names_per_fold(clear=False), layer_names_per_fold(clear=True)
print("without clear_session:", without, "\nwith clear_session:   ", cleared)
assert len(set(without)) == 3 and len(set(cleared)) == 1 and cleared[0] == ("dense", "dense_1")

# %% [markdown]
# ### Scores on the training data
#
# An old post fits scikit-learn's `LogisticRegression` on all of iris and then reports
# its accuracy, precision, confusion matrix and ROC AUC on the **same** rows. Those
# numbers measure memory, not prediction. On the coin-flip data (90 rows, 2000 features,
# nothing to learn) the same recipe scores every training row right, while the same model
# scored on held-out folds is at chance: inside the 99.9 % band of coin flips on 90 rows.

# %%
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

memoriser = LogisticRegression(max_iter=1000).fit(X_noise, y_noise)
on_training_rows = memoriser.score(X_noise, y_noise)
held_out = cross_val_score(LogisticRegression(max_iter=1000), X_noise, y_noise, cv=noise_splits)
print(f"accuracy on the training rows {on_training_rows:.3f}, on held-out folds {held_out.mean():.3f} "
      f"(luck band {chance_band.round(3)})")
assert on_training_rows == 1.0 and chance_band[0] <= held_out.mean() <= chance_band[1]

# %% [markdown]
# ## The short path: `SKLearnClassifier` with scikit-learn's `cross_validate`
#
# The wrapper calls `model(X=..., y=...)` with **one-hot** targets (one softmax column per
# class) and wants a compiled model back. Put the scaler in a `Pipeline` so it is fitted
# inside each fold. Two things to know, both checked below. In Keras 3.15,
# `sklearn.base.clone` (which `cross_validate` calls for every fold) drops the wrapper's
# `fit_kwargs` (`lossviz.keras_facts.sklearn_clone_drops_fit_kwargs()` tells you whether
# yours does); epochs passed through `cross_validate(params=...)` reach `fit` without going
# through `clone`, so they arrive whether or not clone drops `fit_kwargs` (measured: the
# history of every fold has those epochs): do that. And the wrapper has no
# `predict_proba`: its `decision_function` returns the (n, 2) softmax, which the `"roc_auc"`
# scorer refuses, so score ROC AUC on column 1 yourself.

# %%
from keras.wrappers import SKLearnClassifier
from sklearn.base import clone
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline


def build_for_sklearn(X, y):
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(y.shape[1], activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy")
    return model


drops = lossviz.keras_facts.sklearn_clone_drops_fit_kwargs()
cloned = clone(SKLearnClassifier(build_for_sklearn, fit_kwargs=FIT))
print(f"keras {keras.__version__}: clone drops fit_kwargs: {drops} (clone has {cloned.fit_kwargs})")
assert (cloned.fit_kwargs is None) if drops else (cloned.fit_kwargs == FIT)


# %%
def accuracy_and_roc_auc(estimator, X, y):
    softmax = estimator.decision_function(X)  # (n, 2); one predict per fold for both scores
    return {"accuracy": lossviz.metrics.accuracy_score(y, softmax.argmax(axis=1)),
            "roc_auc": lossviz.metrics.roc_auc_score(y, softmax[:, 1])}


pipeline = make_pipeline(StandardScaler(), SKLearnClassifier(build_for_sklearn))
fit_params = {f"sklearnclassifier__{key}": value for key, value in {**FIT, "verbose": 0}.items()}
keras.config.disable_interactive_logging()  # the wrapper's predict has no verbose switch
sk = cross_validate(pipeline, X, y, cv=StratifiedKFold(3, shuffle=True, random_state=seed),
                    scoring=accuracy_and_roc_auc, params=fit_params, return_estimator=True)
print(f"accuracy {sk['test_accuracy'].mean():.3f} ± {sk['test_accuracy'].std():.3f}, "
      f"ROC AUC {sk['test_roc_auc'].mean():.3f}")
assert all(len(est[-1].history_.epoch) == FIT["epochs"] for est in sk["estimator"])
assert sk["test_accuracy"].mean() > 0.93 and sk["test_roc_auc"].mean() > 0.97

# %% [markdown]
# The built-in `"roc_auc"` scorer finds no `predict_proba` and falls back to
# `decision_function`, whose two columns it refuses:

# %%
from sklearn.metrics import get_scorer

try:
    get_scorer("roc_auc")(sk["estimator"][0], X, y)
except ValueError as error:
    print(f"ValueError: {error}")
    assert f"shape ({len(X)}, 2)" in str(error)
else:
    raise AssertionError("the roc_auc scorer accepted a (n, 2) decision_function")
keras.config.enable_interactive_logging()

# %% [markdown]
# ## Nested cross-validation when you tune
#
# Tuning picks the candidate with the best cross-validated score. That best score is a
# maximum over candidates, so it is optimistic: it is not an estimate of the tuned model
# on new data. Nested cross-validation puts the whole search inside each outer fold: an
# inner `GridSearchCV` chooses on the outer training rows only, and the outer test fold
# scores the choice. Here a scaled logistic regression (fast; a `SKLearnClassifier` goes in
# the same place) with four values of `C`, three outer and three inner folds (52 small
# fits with the `liblinear` solver).

# %%
from sklearn.model_selection import GridSearchCV

search = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression(solver="liblinear")),
                      {"logisticregression__C": [0.01, 0.1, 1.0, 10.0]},
                      cv=StratifiedKFold(3, shuffle=True, random_state=seed))
nested = cross_validate(search, X, y, cv=StratifiedKFold(3, shuffle=True, random_state=seed + 1),
                        return_estimator=True, return_indices=True)
non_nested = clone(search).fit(X, y)
print(f"nested: {nested['test_score'].mean():.4f} ± {nested['test_score'].std():.4f}; "
      f"non-nested best_score_: {non_nested.best_score_:.4f} (C={non_nested.best_params_})")

# %% [markdown]
# Checked: each outer fold's search was fitted on that fold's training rows only (its
# scaler saw exactly those), its outer score is the tuned model scored on rows the search
# never saw, and `best_score_` is exactly the largest of the candidates' mean scores.

# %%
for search_fold, train, test, score in zip(nested["estimator"], nested["indices"]["train"],
                                           nested["indices"]["test"], nested["test_score"]):
    assert search_fold.best_estimator_[0].n_samples_seen_ == len(train)
    assert not set(train) & set(test)
    assert np.isclose(search_fold.score(X[test], y[test]), score)
    assert search_fold.best_score_ == search_fold.cv_results_["mean_test_score"].max()

# %% [markdown]
# ## Exercise: write the fold loop
#
# Write `fold_scores(build_model, X, y, splits)` that returns the ROC AUC of each fold.
# For fold `i` with `(train, test) = splits[i]`:
# 1. `keras.utils.set_random_seed(seed + i)` (`seed` is the notebook's, from the setup cell);
# 2. fit a `StandardScaler` on `X[train]` only and transform both parts;
# 3. build a **new** model with `build_model()` and fit it with `**EXERCISE_FIT, verbose=0`;
# 4. score `lossviz.metrics.roc_auc_score(y[test], model.predict(...)[:, 0])`.
#
# The checker counts the models you build and compares your scores with
# `cross_validate_keras` on the same folds.

# %%
EXERCISE_FIT = {"epochs": 2, "batch_size": 32}


def fold_scores(build_model, X, y, splits):
    scores = []
    for fold, (train, test) in enumerate(splits):
        pass  # your code: seed, scale, build, fit, score
    return scores


check = check_fold_loop(fold_scores, build_model, X, y, cv=2, metric=lossviz.metrics.roc_auc_score,
                        preprocess=StandardScaler, fit_kwargs=EXERCISE_FIT, seed=seed)


# %% jupyter={"source_hidden": true} tags=["solution"]
def fold_scores(build_model, X, y, splits):
    scores = []
    for fold, (train, test) in enumerate(splits):
        keras.utils.set_random_seed(seed + fold)
        scaler = StandardScaler().fit(X[train])
        model = build_model()
        model.fit(scaler.transform(X[train]), y[train], **EXERCISE_FIT, verbose=0)
        y_score = model.predict(scaler.transform(X[test]), verbose=0)[:, 0]
        scores.append(lossviz.metrics.roc_auc_score(y[test], y_score))
    return scores


check = check_fold_loop(fold_scores, build_model, X, y, cv=2, metric=lossviz.metrics.roc_auc_score,
                        preprocess=StandardScaler, fit_kwargs=EXERCISE_FIT, seed=seed)
assert check

# %% [markdown]
# ## Summary
#
# - Report the mean **and** the spread over k folds (a population std over correlated
#   folds, not a standard error of the mean); use `StratifiedKFold` for labels,
#   `GroupKFold` when rows come in groups, `TimeSeriesSplit` for time.
# - Build a fresh model in every fold, from a function; never re-fit one model.
# - Everything that learns from data goes inside the fold: scaler, feature selection,
#   early stopping / best-epoch choice. On coin-flip labels, selecting features on all rows
#   gave an accuracy beyond what luck gives (the 99.9 % binomial band); inside the folds, luck.
# - `lossviz.cv.cross_validate_keras` does all of this on scikit-learn's `cross_validate`,
#   with the same numbers for a seed sequentially, with `n_jobs` or on a Dask cluster
#   ([appendix](07_kfold_cross_validation.ipynb#Appendix:-parallel-folds,-and-a-Dask-cluster));
#   `keras.wrappers.SKLearnClassifier` + `cross_validate` is the short path (pass epochs
#   via `params=`).
#
# Where next: [05 custom metrics](05_custom_metrics.ipynb) for metrics you can trust per
# fold, [06 ROC and PR curves](06_roc_pr_curves.ipynb) for the ROC AUC reported here, or
# back to [the start](00_start_here.ipynb).

# %% [markdown]
# ## Appendix: parallel folds, and a Dask cluster
#
# This part is about `lossviz.cv`, not about k-fold itself. `cross_validate_keras` hands
# its folds to scikit-learn's `cross_validate`, which runs them through joblib: `n_jobs=2`
# gives two worker processes (each limited to its share of TensorFlow's threads), and `joblib.parallel_config(backend="dask")` sends them to a Dask
# cluster with no other change. The numbers must not depend on where a fold ran, yet a
# naive fold loop on Dask gives different ones. Keras draws the seed of every unseeded
# initializer from Python's process-wide `random` module, and a Dask worker's event loop
# draws from that module too (`dask.sizeof` samples the lists it measures, from Dask's
# source, *not measured here*) while a fold
# runs in another thread. One such draw between seeding and building is enough:

# %%
import random

keras.utils.set_random_seed(0)
quiet = build_model().get_weights()[0]
keras.utils.set_random_seed(0)
random.sample(range(100), 10)  # what a Dask worker's event loop may do meanwhile
moved = build_model().get_weights()[0]
print("initial weights changed by one random.sample:", not np.array_equal(moved, quiet))
assert not np.array_equal(moved, quiet)

# %% [markdown]
# So each fold of `cross_validate_keras` gives Keras a generator of its own,
# `random.Random(seed + fold)`: the stream `set_random_seed` starts, which no other thread
# can advance. Here is a real two-worker Dask cluster on this machine (no dashboard),
# against the same call in this process, on a small case:

# %%
import joblib
from dask.distributed import Client, LocalCluster

# The cluster's scheduler runs in this process and logs every start and stop at INFO.
logging.getLogger("distributed").setLevel(logging.ERROR)
SMALL = {"cv": 2, "preprocess": StandardScaler, "fit_kwargs": {"epochs": 2, "batch_size": 32}, "seed": 3}
here = cross_validate_keras(build_model, X, y, n_jobs=1, **SMALL)
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
        Client(cluster), joblib.parallel_config(backend="dask"):
    on_dask = cross_validate_keras(build_model, X, y, **SMALL)
on_dask

# %%
import os

print("processes that ran the folds:", [worker["pid"] for worker in on_dask.workers], "| this one:", os.getpid())
assert os.getpid() not in {worker["pid"] for worker in on_dask.workers}
for name in here.metric_names:
    np.testing.assert_allclose(on_dask.scores(name), here.scores(name), rtol=0, atol=1e-9)
print("every metric of every fold equal on Dask and here")
