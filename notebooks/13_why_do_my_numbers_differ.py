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
# # 13 Why do my two numbers differ? A symptom index
#
# **After this page you can**
# - find the symptom you are seeing, in the words you would type into a search box;
# - read its cause in one line;
# - jump to the notebook section that measures it, with an `assert`, on your Keras and
#   your backend.
#
# Most questions users file against Keras have one shape: two numbers that should agree
# do not. The fit log against `evaluate`, Keras against scikit-learn, the loss against a
# metric, a hand computation against Keras. Each row below names one such pair, says why
# they differ, and links the section that shows it (`tests/test_errata.py` checks that
# every link names a heading whose section asserts, as it does for the
# [errata](08_errata.ipynb)).

# %% [markdown]
# | symptom | why | measured and asserted in |
# |---|---|---|
# | The loss and metrics `fit` prints for the last epoch are worse than `evaluate` on the same training data. | The log is the running mean of the epoch's batches, each scored with the weights **before** its update; `evaluate` scores the final weights. | [05 Running average](05_custom_metrics.ipynb#The-training-log-is-a-running-average) |
# | With `Dropout` or `BatchNormalization`, `fit`'s log and `evaluate` disagree even when the weights do not move. | `fit` runs the layers in training mode (dropout drops units, batch normalisation uses the batch's statistics); `evaluate` and `predict` run in inference mode (every unit, the moving averages). The same weights give other outputs in the two modes; which number is higher depends on the model *(the direction is not measured there)*. | [05 Dropout and batch normalisation](05_custom_metrics.ipynb#Dropout-and-batch-normalisation:-fit's-log-against-evaluate) |
# | The `loss` is higher than the same function passed as a metric (`loss="mse", metrics=["mse"]`). | The reported loss adds every `kernel_regularizer` penalty and `add_loss` term; a metric sees the data only. | [04 Regularisation](04_weighting.ipynb#Regularisation-and-add_loss-in-the-reported-loss) |
# | Keras's `F1Score` disagrees with scikit-learn's `f1_score` on a binary model. | `F1Score` wants 2-D input and, with `threshold=None`, marks each row's argmax positive: a single sigmoid column makes every sample positive (all but scores within 1e-9 of 0). Give it `threshold=0.5`. | [05 The right ways](05_custom_metrics.ipynb#The-right-ways) |
# | Keras's `AUC` is close to scikit-learn's `roc_auc_score` but not equal. | Keras counts at 200 fixed thresholds and sums trapezoids between them: scores in one bucket look tied. | [06 Keras's AUC](06_roc_pr_curves.ipynb#Keras's-AUC-is-an-approximation) |
# | Keras's `AUC` on several classes (or on logits) is far from scikit-learn's. | `multi_label=False` flattens the classes (scikit-learn's `average="micro"`); scores are clipped to [0, 1] unless `from_logits=True`. | [06 Keras's AUC on several classes](06_roc_pr_curves.ipynb#Keras's-AUC-on-logits-and-on-several-classes) |
# | `PrecisionAtRecall` is lower than the best precision I read off `precision_recall_curve`. | Keras searches its 200 evenly spaced thresholds only; the exact search tries every distinct score. | [06 Choosing a threshold](06_roc_pr_curves.ipynb#Choosing-a-threshold) |
# | `Precision()` on a softmax model matches none of scikit-learn's micro, macro or weighted precision. | Without `class_id` or `top_k` it flattens the (samples, classes) matrix into one binary problem at 0.5. | [05 Pitfalls](05_custom_metrics.ipynb#Pitfalls,-measured) |
# | `keras.metrics.Accuracy()` reports almost 0 for a model that classifies well. | It is exact equality of `y_true` and `y_pred`; on probabilities use `BinaryAccuracy` or the string `"accuracy"`. | [05 Pitfalls](05_custom_metrics.ipynb#Pitfalls,-measured) |
# | With `sample_weight`, the loss differs from the weighted metric of the same function. | The default loss divides by the number of samples (a weight of 0 still counts); a weighted metric divides by the sum of the weights. | [04 sample_weight in evaluate](04_weighting.ipynb#sample_weight-in-evaluate-(and-fit),-metrics=-against-weighted_metrics=) |
# | Giving half the batch a weight of 0 shrinks the loss (halves it when every error is equal), although no other sample changed. | `sum_over_batch_size` keeps the zero-weight samples in the count; `reduction="mean_with_sample_weight"` divides by the weights. | [04 Pitfalls](04_weighting.ipynb#Pitfalls,-measured) |
# | A metric gives the same number with and without `sample_weight` or `class_weight`. | Metrics in `metrics=` ignore weights; only `weighted_metrics=` use them. | [05 Pitfalls](05_custom_metrics.ipynb#Pitfalls,-measured) |
# | My custom loss ignores `sample_weight`: a weight of 0 does not remove the bad sample. | The loss returns one number per batch; weights can then only rescale it. Return one value per sample. | [03 Pitfalls](03_custom_losses.ipynb#Pitfalls,-measured) |
# | The total loss of a two-output model is not the sum of the per-output losses in the log. | The total is weighted by `loss_weights`; the logged per-output losses are not. | [04 loss_weights](04_weighting.ipynb#loss_weights-for-several-outputs) |
# | Crossentropy stays high and accuracy low with a linear output layer, or the loss differs from my hand-computed crossentropy. | `from_logits` does not match the output: `from_logits=False` reads logits as probabilities (clipped to [1e-7, 1 - 1e-7]; the categorical losses also divide each row by its sum); `from_logits=True` on a softmax output applies a second softmax, except on TensorFlow for a tensor straight from a Keras softmax (it warns and uses the stored logits). | [02 from_logits](02_probabilistic_losses.ipynb#from_logits-that-does-not-match-the-output-layer) |
# | The same crossentropy gives different numbers on TensorFlow and JAX. | On TensorFlow a tensor from a Keras sigmoid or softmax carries its logits and the loss uses them (unbounded); JAX clips the probabilities to [1e-7, 1 - 1e-7]. | [02 Backends](02_probabilistic_losses.ipynb#What-differs-across-backends) |
# | `BinaryAccuracy`, `Precision` or `AUC` look wrong on a model whose last layer outputs logits (`from_logits=True` in the loss). | Thresholded metrics assume probabilities: a logit is compared with 0.5 (not 0), and `AUC` clips logits to [0, 1]. Add a sigmoid, move the threshold to the logit 0 (`BinaryAccuracy(threshold=0.0)`, `Precision(thresholds=0.0)`), or use `AUC(from_logits=True)`. | [06 Logits into thresholded metrics](06_roc_pr_curves.ipynb#Logits-into-thresholded-metrics) |
# | A masked or padded sequence loss differs from my mean over all time steps. | A mask (`Masking`, `mask_zero=True`) and `ignore_class` leave entries out of the sum **and** the count; a weight of 0 leaves them in the count. | [04 Masks](04_weighting.ipynb#Masks-and-ignore_class-in-the-reduction) |
# | A metric I update myself on a padded sequence output differs from the compiled metric and the loss's masked mean. | The loss and the compiled metrics built on `Mean` (accuracy, crossentropy, MAE ...) read the model's mask and leave padded steps out of the sum and the count; the confusion-matrix metrics (`MeanIoU` measured there; `Precision`, `Recall`, `AUC`, `F1Score` from the Keras 3.15 source) score the padding even when compiled, and so does a metric object you update yourself, unless you pass the mask as `sample_weight`. | [11 Masks and padding](11_segmentation_and_masks.ipynb#Masks-and-padding:-sequences-of-different-lengths) |
# | My IoU (or Dice) averaged per image differs from Keras's `MeanIoU` over the batch. | `MeanIoU` adds the confusion matrices of every batch: the pooled IoU is the per-image IoU weighted by each image's union, so large objects dominate. | [11 Per image against per batch](11_segmentation_and_masks.ipynb#Per-image-against-per-batch) |
# | The precision, recall or F1 logged per batch (or my batch-wise F1 function) is not the epoch's value, and changes with the batch size. | Keras averages a metric function's batch values; a ratio of counts must add the counts over the epoch (a stateful `Metric`). | [05 One batch](05_custom_metrics.ipynb#Why-a-metric-of-one-batch-is-wrong) |
# | On a multi-label model, `metrics=["accuracy"]` disagrees with the per-label F1 and mAP, or with the 90 % an old post reports. | The string picks the accuracy from the shapes: on several sigmoid columns, Keras 3 compares the argmax of each row (categorical accuracy); multi-backend Keras 2 with a binary crossentropy compared every cell. | [10 "accuracy" on multi-label targets](10_multi_output_and_multi_label.ipynb#Pitfall:-"accuracy"-on-multi-label-targets) |
# | The metric of one output of a two-output model shows numbers that belong to the other output. | A metrics dict must reach the output it names; Keras 3.14.0 paired them by position (keras#22625, *from that report, not run here*). lossviz detects what your version does. | [10 Which head](10_multi_output_and_multi_label.ipynb#Which-head-does-each-metric-receive?) |
# | On TensorFlow, the logged `loss` of a multi-output model is not the `loss_weights`-weighted sum of the logged per-output losses. | With an uneven last batch, TensorFlow averages each per-output loss over the batches without their sizes (every batch counts once), while the total `loss` weighs each batch by its size (Keras 3.15; the section detects it on your backend). | [10 Code by output](10_multi_output_and_multi_label.ipynb#Code:-losses,-metrics-and-names-by-output) |
# | After `class_weight`, oversampling or a focal loss, the mean predicted probability is far above the positive rate. | For a logistic model that fits the data, a class weight w (or oversampling w times) shifts the logit by about log w: calibration traded for recall at 0.5. Focal loss instead squeezes the probabilities towards the middle, which with few positives also raises their mean. | [12 Training choices](12_calibration_and_imbalance.ipynb#What-training-choices-do-to-the-probabilities) |
# | My expected calibration error is clearly above 0 for a model that should be calibrated, and changes with the number of bins or of samples. | The ECE of a finite sample is biased upward: each bin's frequency is noisy, so the bias shrinks like one over the square root of n and grows with the number of bins. | [12 ECE of a perfect model](12_calibration_and_imbalance.ipynb#Checking-calibration:-the-ECE-of-a-perfect-model-is-not-0) |
# | Accuracy reads 0.9 on imbalanced data although the model never predicts the minority class. | Accuracy is the majority share for "all negative"; balanced accuracy (0.5), MCC (0) and PR-AUC against its baseline (the prevalence) say so. | [12 Imbalanced data](12_calibration_and_imbalance.ipynb#Imbalanced-data,-one-workflow) |

# %% [markdown]
# The versions below are the ones you run; the linked sections assert their claims again
# with them.

# %%
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras
import sklearn

import lossviz

print("lossviz", lossviz.__version__, "| keras", keras.__version__, "| backend", keras.backend.backend(),
      "| scikit-learn", sklearn.__version__)

# %% [markdown]
# ## Summary
#
# - Two numbers that should agree usually differ for one of four reasons: **when** they
#   were measured (running mean, training mode), **what** they include (penalties,
#   weights, masks), **how** they threshold or bucket (argmax, 0.5 on logits, 200
#   buckets), or **which** backend computed them.
# - Old blog lines that are simply wrong are in the [errata](08_errata.ipynb); the topics
#   in order start at [00 start here](00_start_here.ipynb).
