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
# # 08 What old Keras posts get wrong: the errata
#
# **After this page you can**
# - look up a line you copied from an old Keras, TensorFlow or scikit-learn post and see
#   whether it still holds in Keras 3.15, TensorFlow 2.21 and scikit-learn 1.9;
# - jump to the notebook section that measures what is true now, with an `assert`.
#
# The posts are the five that readers of this collection most often arrive from
# (named by file, 000 to 004, in the table: 000 a Chinese post on custom losses, sample
# weights and metrics; 001 a Traditional-Chinese tour of the loss and metric classes; 002
# a translation of the Keras 2 loss docs; 003 a translated post on custom losses; 004 a
# post on custom binary metrics, k-fold loops and multi-class ROC). Each row paraphrases
# one statement that is wrong or outdated; the last column links the section that shows
# it (`tests/test_errata.py` checks that every link names a heading whose section
# asserts).

# %% [markdown]
# | post | what it says (paraphrased) | what is true now | shown and asserted in |
# |---|---|---|---|
# | 000_5801d236ba8c6e67.txt | Write a custom loss with the backend maths `K.mean`, `K.square`. | Keras 3 removed the maths from `keras.backend` (helpers such as `epsilon()` stay); write losses with `keras.ops`. | [03 From Keras 2](03_custom_losses.ipynb#From-Keras-2-(and-the-blog-posts)) |
# | 000_5801d236ba8c6e67.txt | A custom loss returns one number, the loss of the batch. | It returns one value per sample; a scalar turns `sample_weight` and `class_weight` into a rescaling of the batch mean. | [03 Pitfalls](03_custom_losses.ipynb#Pitfalls,-measured) |
# | 000_5801d236ba8c6e67.txt | Weight samples inside the loss by multiplying with `K.dot`. | `K.dot` was a matrix product, never an elementwise one, and left `keras.backend` with the rest of the maths; `ops.dot` of two vectors is one number. | [02 Keras 2 helpers](02_probabilistic_losses.ipynb#Keras-2-helpers-that-are-gone) |
# | 000_5801d236ba8c6e67.txt | A weight tensor `[1, 2, 3]` written into the loss weights each sample of the batch. | `(B, 1) * (3,)` broadcasts to `(B, 3)`: every sample gets every weight, and the value is mean(squared error) times mean(weights) for any batch size. | [04 Pitfalls](04_weighting.ipynb#Pitfalls,-measured) |
# | 000_5801d236ba8c6e67.txt | The `PercentageError` metric is weighted because it multiplies the errors by `sample_weight`. | Its count adds ones, so samples of weight 0 still count in the denominator; `check_metric` reports it. Keep sum(w) as the count. | [04 Pitfalls](04_weighting.ipynb#Pitfalls,-measured) |
# | 000_5801d236ba8c6e67.txt | The metric is written with `K.abs`, `K.clip`, `K.sum`, `K.ones_like`. | Those are `keras.ops` functions now; of the post's `K.` calls only `keras.backend.epsilon()` remains in `keras.backend`. | [05 Pitfalls](05_custom_metrics.ipynb#Pitfalls,-measured) |
# | 000_5801d236ba8c6e67.txt | A custom metric passed to `compile(metrics=[...])` receives the sample weights. | Metrics in `metrics=` ignore `sample_weight` and `class_weight`; only `weighted_metrics=` use them. | [05 Pitfalls](05_custom_metrics.ipynb#Pitfalls,-measured) |
# | 000_5801d236ba8c6e67.txt | The first layer takes `input_shape=(3,)`. | It still runs, with a warning; start the model with `keras.Input((3,))`. | [07 Keras 2 fold-loop lines](07_kfold_cross_validation.ipynb#Keras-2-fold-loop-lines-that-fail-or-mislead-in-Keras-3) |
# | 001_803acdf32417ff2e.txt | The loss classes are `binarycrossentropy`, `categoricalcrossentropy`, `sparsecategoricalcrossentropy`. | The classes are `BinaryCrossentropy`, `CategoricalCrossentropy`, `SparseCategoricalCrossentropy`; the run-together lower-case names are refused. | [02 Old posts](02_probabilistic_losses.ipynb#What-old-blog-posts-get-wrong) |
# | 001_803acdf32417ff2e.txt | The loss classes default to `reduction="auto"`. | `"auto"` is refused; the default is `"sum_over_batch_size"` (also `"mean_with_sample_weight"`, `"sum"`, `None`). | [02 Old posts](02_probabilistic_losses.ipynb#What-old-blog-posts-get-wrong) |
# | 001_803acdf32417ff2e.txt | Poisson loss is `y_pred - y_true * log(y_pred)`. | Keras takes `mean(y_pred - y_true * log(y_pred + eps))` over the last axis: finite (16.12) at a rate of 0, where the printed formula is infinite. | [09 Epsilon](09_other_probabilistic_losses.ipynb#Where-Keras-adds-an-epsilon) |
# | 001_803acdf32417ff2e.txt | KL divergence is `y_true * log(y_true / y_pred)`. | Keras clips both to `[eps, 1]` and sums over the last axis: finite where the printed formula gives NaN (a 0 target) or `inf` (a 0 prediction under a positive target). | [09 Epsilon](09_other_probabilistic_losses.ipynb#Where-Keras-adds-an-epsilon) |
# | 001_803acdf32417ff2e.txt | MAPE is `100 * abs(y_true - y_pred) / y_true`. | The denominator is `max(abs(y_true), 1e-7)`: no sign, no division by zero, but 1e8 % for a target of 0. | [01 MAPE](01_regression_losses.ipynb#MAPE-explodes-for-targets-near-0) |
# | 001_803acdf32417ff2e.txt | MSLE is the squared difference of `log(y + 1)` of target and prediction. | Both are clipped at 1e-7 first: every negative prediction scores like 0, with a gradient of 0. | [01 MSLE](01_regression_losses.ipynb#MSLE-silently-clips-negative-predictions) |
# | 001_803acdf32417ff2e.txt | Huber removes the outliers. | It keeps them, but caps each one's pull (the gradient) at `delta`. | [01 Explore](01_regression_losses.ipynb#Explore:-loss-and-gradient-against-the-residual) |
# | 001_803acdf32417ff2e.txt | log-cosh is `log((exp(x) + exp(-x)) / 2)`. | Keras computes `x + softplus(-2x) - log 2`; the printed form overflows to `inf` for residuals above about 89 in float32. | [01 log-cosh](01_regression_losses.ipynb#Naive-log(cosh(x))-overflows) |
# | 001_803acdf32417ff2e.txt | `AUC(...)` is listed with no `from_logits`, and `multi_label=False` without saying what it does. | `AUC(from_logits=True)` applies a sigmoid; without it logits are clipped to [0, 1]. `multi_label=False` flattens the classes (micro), `True` averages per-class AUCs (macro). | [06 Keras's AUC](06_roc_pr_curves.ipynb#Keras's-AUC-on-logits-and-on-several-classes) |
# | 001_803acdf32417ff2e.txt | `PrecisionAtRecall` is the precision at which recall reaches the target. | It is the best precision among Keras's 200 fixed thresholds whose recall reaches the target; the exact best can be higher. | [06 Choosing a threshold](06_roc_pr_curves.ipynb#Choosing-a-threshold) |
# | 001_803acdf32417ff2e.txt | Keras's binary and categorical crossentropy cannot weight samples: write a weighted loss. | Every loss takes `sample_weight`, and `fit(class_weight=...)` builds it from the labels. | [04 class_weight](04_weighting.ipynb#class_weight-is-sample_weight-built-from-the-classes) |
# | 002_cdc74149d41b2dbb.txt | The objective is the mean of the per-sample losses. | Keras adds every regularisation penalty and `add_loss` term to the loss it optimises and reports. | [04 Regularisation](04_weighting.ipynb#Regularisation-and-add_loss-in-the-reported-loss) |
# | 002_cdc74149d41b2dbb.txt | The mean runs over all data points. | Masks and `ignore_class` leave entries out of the sum and of the count; a weight of 0 leaves them in the count. | [04 Masks](04_weighting.ipynb#Masks-and-ignore_class-in-the-reduction) |
# | 002_cdc74149d41b2dbb.txt | `keras.losses.logcosh` and `keras.losses.huber_loss`. | The names are `log_cosh` and `huber`; the old ones are refused. | [01 Old posts](01_regression_losses.ipynb#What-old-blog-posts-get-wrong) |
# | 002_cdc74149d41b2dbb.txt | `keras.losses.kullback_leibler_divergence` and `cosine_proximity`. | Now `kl_divergence` and `cosine_similarity` (a negative loss). | [09 Old posts](09_other_probabilistic_losses.ipynb#What-old-blog-posts-get-wrong) |
# | 002_cdc74149d41b2dbb.txt | `keras.losses.is_categorical_crossentropy(loss)` tells which loss you have. | Gone; compare with `keras.losses.get(...)`. | [02 Keras 2 helpers](02_probabilistic_losses.ipynb#Keras-2-helpers-that-are-gone) |
# | 002_cdc74149d41b2dbb.txt | `to_categorical` comes from `keras.utils.np_utils`. | The module is gone: `keras.utils.to_categorical`. | [02 Keras 2 helpers](02_probabilistic_losses.ipynb#Keras-2-helpers-that-are-gone) |
# | 003_87e3d8cd2abdd2b2.txt | A loss can take only `y_true` and `y_pred`, nothing else. | Keras calls it with those two, but a closure or `functools.partial` (pinball with its `q`) carries hyperparameters; a `keras.losses.Loss` subclass with `get_config` also keeps them through save and load. | [03 Closure or partial](03_custom_losses.ipynb#Hyperparameters-in-a-closure-or-functools.partial) |
# | 003_87e3d8cd2abdd2b2.txt | The loss must use `y_pred`, or the gradient is undefined. | It depends on the backend: with no gradient path to `y_pred` (a loss that ignores it, or goes through `ops.round`) TensorFlow's `fit` raises "No gradients provided", while JAX differentiates it as 0 and trains silently without moving the weights; `check_loss` reports it (`gradient`) on both, checked at the end of this page. | [02 Backends](02_probabilistic_losses.ipynb#What-differs-across-backends) |
# | 003_87e3d8cd2abdd2b2.txt | Prefer Keras backend functions to NumPy in a loss. | The backend maths is gone; use `keras.ops`, which runs on every backend. | [03 From Keras 2](03_custom_losses.ipynb#From-Keras-2-(and-the-blog-posts)) |
# | 003_87e3d8cd2abdd2b2.txt | Weight two outputs 0.3 and 0.7 inside a custom MSE. | That equals `loss_weights=[0.3, 0.7]` on two outputs when the per-sample loss sums the weighted squared errors over the outputs. | [03 Weighting outputs](03_custom_losses.ipynb#Weighting-outputs:-two-regression-targets,-0.3-and-0.7) |
# | 003_87e3d8cd2abdd2b2.txt | A custom metric is written just like a custom loss function. | Keras averages a metric function's values over batches: right for per-sample metrics such as MAE, wrong for ratios such as precision, recall and F1 (use a stateful `Metric`). | [05 One batch](05_custom_metrics.ipynb#Why-a-metric-of-one-batch-is-wrong) |
# | 004_ad06910372634a61.txt | Keras's only binary classification metric is `binary_accuracy`. | Keras 3 ships stateful `Precision`, `Recall`, `F1Score`, `AUC` and more. | [05 The right ways](05_custom_metrics.ipynb#The-right-ways) |
# | 004_ad06910372634a61.txt | Precision, recall and F1 as functions of one batch (`tf.round`, `tf.reduce_sum`) in `compile(metrics=...)`. | Keras logs the mean of the batch values, not the epoch's precision, recall or F1; the gap grows as batches shrink. | [05 One batch](05_custom_metrics.ipynb#Why-a-metric-of-one-batch-is-wrong) |
# | 004_ad06910372634a61.txt | `TP / (TP + FP)` and `TP / (TP + FN)` with nothing guarding the denominator. | A batch without positives gives 0/0 = NaN, and one NaN batch makes the epoch's value NaN. | [05 One batch](05_custom_metrics.ipynb#Why-a-metric-of-one-batch-is-wrong) |
# | 004_ad06910372634a61.txt | The metrics printed during training evaluate the model. | They are running means over an epoch in which the model kept changing; `evaluate` after training gives another number. | [05 Running average](05_custom_metrics.ipynb#The-training-log-is-a-running-average) |
# | 004_ad06910372634a61.txt | `numpy.random.seed(seed)` makes the runs reproducible. | Keras 3 draws the seeds of its initial weights from Python's `random`, not NumPy: `random.seed` alone makes them reproducible, NumPy's seed does not; `keras.utils.set_random_seed(seed)` seeds Python, NumPy and the backend. | [07 Keras 2 fold-loop lines](07_kfold_cross_validation.ipynb#Keras-2-fold-loop-lines-that-fail-or-mislead-in-Keras-3) |
# | 004_ad06910372634a61.txt | `model = model.compile(...)` inside the fold loop. | `compile` returns `None`. | [07 Keras 2 fold-loop lines](07_kfold_cross_validation.ipynb#Keras-2-fold-loop-lines-that-fail-or-mislead-in-Keras-3) |
# | 004_ad06910372634a61.txt | Print `model.metrics_names[1]` with `scores[1]` from `evaluate`. | `metrics_names` is `["loss", "compile_metrics"]`; read values by name with `evaluate(..., return_dict=True)`. | [07 By name](07_kfold_cross_validation.ipynb#Read-results-by-name:-evaluate(return_dict=True)) |
# | 004_ad06910372634a61.txt | A new model per fold is all the loop needs. | Also call `keras.backend.clear_session()` at the start of each fold, so Keras's global state does not pile up: without it, layer names count up from fold to fold. | [07 clear_session](07_kfold_cross_validation.ipynb#One-session-per-fold:-keras.backend.clear_session()) |
# | 004_ad06910372634a61.txt | `from keras.wrappers.scikit_learn import KerasClassifier`. | Removed in TensorFlow/Keras 2.13 (July 2023), three minor releases before TensorFlow 2.16 brought Keras 3 (release history, *not measured here*); on Keras 2 use SciKeras (`scikeras.wrappers.KerasClassifier`), on Keras >= 3.8 `keras.wrappers.SKLearnClassifier`. | [07 Imports](07_kfold_cross_validation.ipynb#3.-Imports-from-before-Keras-3-and-scikit-learn-0.20) |
# | 004_ad06910372634a61.txt | `from sklearn.cross_validation import StratifiedKFold, cross_val_score`. | Removed in scikit-learn 0.20 (release history, *not measured here*): `sklearn.model_selection`. | [07 Imports](07_kfold_cross_validation.ipynb#3.-Imports-from-before-Keras-3-and-scikit-learn-0.20) |
# | 004_ad06910372634a61.txt | `StratifiedKFold(Y, n_folds=k, shuffle=True, random_state=seed)`. | `StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)`, labels given to `.split(X, y)`; `n_folds` is a `TypeError`. | [07 Keras 2 fold-loop lines](07_kfold_cross_validation.ipynb#Keras-2-fold-loop-lines-that-fail-or-mislead-in-Keras-3) |
# | 004_ad06910372634a61.txt | `KerasClassifier(build_fn=..., epochs=150, batch_size=10)` in `cross_val_score`. | `SKLearnClassifier(model=...)` calls the builder with `X` and `y` and wants a compiled model; in Keras 3.15 `clone` drops `fit_kwargs`, so pass epochs through `cross_validate(params=...)`. | [07 Short path](07_kfold_cross_validation.ipynb#The-short-path:-SKLearnClassifier-with-scikit-learn's-cross_validate) |
# | 004_ad06910372634a61.txt | `callbacks=[keras.callbacks.ModelCheckpoint()]` saves the weights. | The file path is required (a `TypeError` without it), and each fold needs its own. | [07 Keras 2 fold-loop lines](07_kfold_cross_validation.ipynb#Keras-2-fold-loop-lines-that-fail-or-mislead-in-Keras-3) |
# | 004_ad06910372634a61.txt | A binary classifier is a sigmoid output trained with MSE (or a softmax with crossentropy). | MSE's gradient vanishes where the sigmoid saturates: a model sure and wrong barely moves. Train sigmoid outputs with binary crossentropy. | [02 Sigmoid with MSE](02_probabilistic_losses.ipynb#A-sigmoid-output-trained-with-MSE) |
# | 004_ad06910372634a61.txt | Micro ROC: one curve per class, then the mean; macro: flatten all classes into one curve. | Backwards: micro flattens (pools every sample-class decision), macro averages the per-class curves or AUCs. | [06 Micro and macro](06_roc_pr_curves.ipynb#Several-classes:-micro-and-macro-ROC) |
# | 004_ad06910372634a61.txt | `roc_auc_score(..., average="micro")` computes one curve per class and averages them. | `average="micro"` ravels the label and score matrices into one binary problem. | [06 Micro and macro](06_roc_pr_curves.ipynb#Several-classes:-micro-and-macro-ROC) |
# | 004_ad06910372634a61.txt | `label_binarize(y, np.arange(n_class))`. | `classes` is keyword-only: `label_binarize(y, classes=...)`; the positional call is a `TypeError`. | [06 Micro and macro](06_roc_pr_curves.ipynb#Several-classes:-micro-and-macro-ROC) |
# | 004_ad06910372634a61.txt | `precision_recall_fscore_support(y, y_pred)` gives the macro scores. | Without `average` it returns per-class arrays; `average="macro"` gives their mean. | [05 Averaging](05_custom_metrics.ipynb#Several-classes:-micro,-macro-and-weighted-averaging) |
# | 004_ad06910372634a61.txt | Fit a model on all the data, then report its accuracy, confusion matrix and ROC AUC on the same rows. | Scores on the training rows measure memory: on coin-flip labels the same recipe scores 100 %, held-out folds about 50 % (inside the 99.9 % band of luck). | [07 Training data](07_kfold_cross_validation.ipynb#Scores-on-the-training-data) |
# | 004_ad06910372634a61.txt | Tune `C` by cross-validation (`LogisticRegressionCV`) and report the model on the same data. | The best score of a search is a maximum over candidates; put the search inside each outer fold (nested cross-validation). | [07 Nested CV](07_kfold_cross_validation.ipynb#Nested-cross-validation-when-you-tune) |

# %% [markdown]
# The versions this table was checked against are printed below; the links point at
# sections whose asserts run again with whatever you have installed.

# %%
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras
import sklearn

import lossviz

print("lossviz", lossviz.__version__, "| keras", keras.__version__, "| backend", keras.backend.backend(),
      "| scikit-learn", sklearn.__version__)


# %% [markdown]
# ## Wrong on purpose: losses with no gradient path to `y_pred`
#
# Post 003's row on gradients, checked here: one loss ignores `y_pred`, one rounds it.
# `lossviz.check_loss` reports both under `gradient`, on TensorFlow (no gradient) and on
# JAX (a gradient of 0 everywhere).

# %% tags=["wrong-on-purpose"]
def ignores_prediction(y_true, y_pred):  # WRONG: y_pred never used
    return keras.ops.mean(keras.ops.square(y_true), axis=-1)


def rounded_mse(y_true, y_pred):  # WRONG: ops.round cuts the gradient
    return keras.ops.mean(keras.ops.square(y_true - keras.ops.round(y_pred)), axis=-1)


reports = {loss.__name__: lossviz.check_loss(loss, verbose=False) for loss in (ignores_prediction, rounded_mse)}
for name, report in reports.items():
    print(f"{name}: {report.codes}\n  {report['gradient'].line()}")
# on this backend, which of the two: no gradient at all (TensorFlow) or a gradient of 0 (JAX)
symptom = {"tensorflow": "no gradient reaches y_pred", "jax": "zero everywhere"}[keras.backend.backend()]
assert all("gradient" in report.codes and symptom in report["gradient"].line() for report in reports.values())

# %% [markdown]
# ## Summary
#
# - Most old lines fail loudly in Keras 3 (removed modules and names); the dangerous ones
#   run and give a wrong number: batch-wise metrics, weights inside the loss, `metrics=`
#   that ignore weights, scores on the training rows, flattened micro/macro swapped.
# - Start from [00 start here](00_start_here.ipynb) for the topics in order.
