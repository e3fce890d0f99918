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
# # Start here: how Keras losses and metrics really behave
#
# **After this notebook you can**
# - find the notebook for the loss or metric you care about;
# - drag a slider and read what an explorer shows;
# - copy a reference implementation from `lossviz` into your own code.
#
# This collection is for people who learned Keras from blog posts and want to know what
# Keras 3 actually computes. Every number on screen is computed here, and every claim about
# what Keras, scikit-learn or the data do is checked by an `assert` in the cell below it,
# with two visible exceptions: a claim that cannot be measured here (PyTorch, which is
# not installed; release history; a behaviour over many data sets) is marked
# *(not measured here)* or "from the Keras source, not run here", and advice (such as
# "use StratifiedKFold for labels") is not an assert. If a notebook runs to the end, its
# measured claims held on your machine, your Keras version and backend, and your
# `LOSSVIZ_SEED`; where a fact depends on the Keras version or the backend, the notebook
# detects which case you are in and says so. The two index pages,
# [08](08_errata.ipynb) and [13](13_why_do_my_numbers_differ.ipynb), assert little
# themselves: each of their rows links to the section that measures and asserts it.

# %% [markdown]
# ## The map
#
# | # | notebook | what you will learn |
# |---|---|---|
# | 01 | [Regression losses](01_regression_losses.ipynb) | MSE, MAE, Huber, log-cosh, MAPE, MSLE and robust losses; outliers |
# | 02 | [Probabilistic losses](02_probabilistic_losses.ipynb) | crossentropies, from_logits, label smoothing, what differs across backends |
# | 09 | [Other probabilistic losses](09_other_probabilistic_losses.ipynb) | KL, Poisson, hinge, cosine, focal, dice, tversky (read after 02) |
# | 03 | [Custom losses](03_custom_losses.ipynb) | writing, checking and saving your own loss in Keras 3 |
# | 04 | [Weighting](04_weighting.ipynb) | sample_weight, class_weight, loss_weights, and how Keras reduces |
# | 05 | [Custom metrics](05_custom_metrics.ipynb) | precision, recall, F1 done right; why batch-wise metrics are wrong |
# | 06 | [ROC and PR curves](06_roc_pr_curves.ipynb) | thresholds, AUC, average precision, imbalance, Keras's bucketed AUC |
# | 07 | [k-fold cross-validation](07_kfold_cross_validation.ipynb) | splitters, a fresh model per fold, leakage, parallel folds |
# | 08 | [What old Keras posts get wrong](08_errata.ipynb) | the errata: each outdated line of five old posts, what is true now, and the section that measures it |
# | 10 | [Multi-output and multi-label models](10_multi_output_and_multi_label.ipynb) | losses, metrics and weights by output, which head a metric gets; multi-label F1, mAP, thresholds, Hamming loss |
# | 11 | [Segmentation and masks](11_segmentation_and_masks.ipynb) | IoU and Dice per image and per batch, the Keras IoU metrics and their inputs, Dice loss, masks and padding |
# | 12 | [Calibration and imbalance](12_calibration_and_imbalance.ipynb) | proper scores, reliability diagrams and ECE, temperature/Platt/isotonic, what class weights do to probabilities, imbalanced-data workflow |
# | 13 | [Why do my two numbers differ?](13_why_do_my_numbers_differ.ipynb) | the symptom index: two numbers that should agree and do not (fit against evaluate, Keras against scikit-learn, loss against metric), why, and the section that measures it |
#
# Each topic notebook (all but the index pages 08 and 13) follows the same path: goal,
# intuition, formula, code beside Keras, an explorer, the pitfalls old posts fall into
# (measured), an exercise, and a summary.

# %% [markdown]
# ## Setup
#
# Every notebook starts with this cell. `lossviz.setup()` reads one seed from the
# `LOSSVIZ_SEED` environment variable (default 0), seeds Keras with it, turns figures into
# live canvases (`%matplotlib widget`, ipympl; `LOSSVIZ_MATPLOTLIB=inline` for static
# figures), and prints the versions every number below depends on. Every data set,
# shuffle and Keras seed in a notebook derives from `seed` (`seed`, `seed + 1`, ...), so
# `LOSSVIZ_SEED=3 jupyter lab` reruns every claim on other data: `make test` runs each
# notebook with two seeds, and `make seed-sweep` with ten.

# %%
import lossviz

session = lossviz.setup()  # seed from LOSSVIZ_SEED (default 0), versions
seed = session.seed

import inspect

import numpy as np

import lossviz.losses
import lossviz.widgets

# %% [markdown]
# ## How to use a slider
#
# An explorer is a figure with controls. Drag the **delta** slider: the Huber loss is
# quadratic for residuals smaller than delta and linear beyond, and its gradient (right)
# is clipped at plus or minus delta. Pick another loss from the menu to compare.
#
# **No live figure?** Some front ends cannot show ipympl's `%matplotlib widget` canvases
# (which ones changes with their versions and settings; *not measured here*). There, set
# `os.environ["LOSSVIZ_MATPLOTLIB"] = "inline"` in a cell before the setup cell (or start
# Jupyter with `LOSSVIZ_MATPLOTLIB=inline` in its environment): the
# explorer then shows its figure as an image that each slider move redraws.

# %%
explorer = lossviz.widgets.regression_loss_explorer()
explorer


# %% [markdown]
# Explorers can also be moved from code with `.set(...)`: that is how the notebooks check
# what you should have seen. Here we move delta and check that the figure really changed.

# %%
def pixels(explorer):
    explorer.figure.canvas.draw()
    return np.asarray(explorer.figure.canvas.buffer_rgba()).copy()


before = pixels(explorer)
explorer.set(loss="huber", delta=0.5)
assert explorer.params["delta"] == 0.5
assert not np.array_equal(before, pixels(explorer)), "the figure did not change"
shown = explorer.results  # what the figure draws: quadratic inside delta, gradient clipped at delta
inside = np.abs(shown["residual"]) <= 0.5
assert np.allclose(shown["loss"][inside], 0.5 * shown["residual"][inside] ** 2)
assert np.max(np.abs(shown["gradient"])) == 0.5

# %% [markdown]
# ## How to copy a reference implementation
#
# Every loss and metric in `lossviz` is plain NumPy, written to be read. Print its source,
# or type `lossviz.losses.huber??` in a cell. Each one is tested against Keras or
# scikit-learn in the project's test suite (not run in this notebook; the cells below check
# `huber` against Keras), so you can paste it into your own code with confidence.

# %%
print(inspect.getsource(lossviz.losses.huber))

# %% [markdown]
# Here is the twin on a residual of 2 with delta = 1: past delta, Huber is
# delta * |residual| - delta^2 / 2 = 2 - 0.5 = 1.5.

# %%
value = lossviz.losses.huber(np.array([[0.0]]), np.array([[2.0]]), delta=1.0)
print(value)
assert np.allclose(value, [1.5])

# %% [markdown]
# ## A block that runs by itself: `standalone_source`
#
# `inspect.getsource` shows one function, but `huber` needs helpers from other files:
# pasted alone, it fails with `NameError`. `lossviz.standalone_source("huber")` returns
# the function with every helper and import it needs, as one block of NumPy code (the
# argument checks are left out; one comment line says so). `flavor="keras"` gives the
# same loss written with `keras.ops`, for `model.compile` (notebook 03).

# %%
huber_alone = {"np": np}  # a fresh namespace that has NumPy and nothing else
try:  # what pasting the printed source into a new notebook and calling it does
    exec(inspect.getsource(lossviz.losses.huber), huber_alone)
    huber_alone["huber"](np.zeros((1, 1)), np.ones((1, 1)))
    pasted_alone_error = None
except NameError as error:
    pasted_alone_error = str(error)
print(f"inspect.getsource(huber), pasted alone: NameError: {pasted_alone_error}")
assert pasted_alone_error is not None

# %%
print(lossviz.standalone_source("huber"))
assert "Argument validation is left out" in lossviz.standalone_source("huber")

# %% [markdown]
# The next cell is that output, pasted as is: it defines `huber` without `lossviz`. Its
# header says what it was tested equal to and by which test of this repository (the
# header is generated from the tests' own parameters, never typed).

# %%
# SPDX-License-Identifier: MIT
# huber, from lossviz 0.1.0: lossviz.standalone_source('huber').
# It runs by itself. Run alone, it was tested equal to:
#   keras.losses.huber (Keras 3.15 on TensorFlow 2.21): rtol 1e-06, atol 1e-10, in
#     float64; 27 cases
#   lossviz.losses.huber: identical, in float64 and float32; 54 cases
# by tests/test_standalone.py::test_numpy_loss_block_alone_equals_the_library_and_keras[huber]
# Argument validation is left out here; add your own checks if you need them.
import numpy as np


def align_ranks(y_true, y_pred):
    """Keras's ``squeeze_or_expand_to_same_rank``: drop an extra trailing axis of size 1,
    or add it to a rank-1 partner, so ``(B,)`` against ``(B, 1)`` stays per sample."""
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        return (y_true, y_pred[:, np.newaxis]) if y_pred.ndim == 1 else (y_true[..., 0], y_pred)
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        return (y_true[:, np.newaxis], y_pred) if y_true.ndim == 1 else (y_true, y_pred[..., 0])
    return y_true, y_pred


def as_float_pair(y_true, y_pred):
    """``y_pred`` as a float array (float32 unless it is float), ``y_true`` cast to its
    dtype, ranks aligned as Keras's loss classes align them."""
    y_pred = np.asarray(y_pred)
    if not np.issubdtype(y_pred.dtype, np.floating):
        y_pred = y_pred.astype(np.float32)
    return align_ranks(np.asarray(y_true, dtype=y_pred.dtype), y_pred)


def huber(y_true, y_pred, *, delta=1.0):
    """Huber loss per sample: quadratic near 0, linear beyond ``delta``.

    With ``x = y_pred - y_true``::

        h(x) = 0.5 * x**2                    if |x| <= delta
               delta * |x| - 0.5 * delta**2  otherwise
        loss = mean(h(x), axis=-1)

    Args:
        y_true: Targets, shape ``(B, d0, ..., dN)``.
        y_pred: Predictions, same shape as ``y_true``.
        delta: Where the quadratic part turns linear; must be > 0. Defaults to 1.0.

    Returns:
        In ``y_pred``'s float dtype (float32 for integer input), as Keras computes it.
        Array of shape ``(B, d0, ..., dN-1)``.

    Raises:
        ValueError: On a non-finite ``delta``, shapes that do not align, NaN/inf or
            empty input.

    Warns:
        UserWarning: On ``delta <= 0``, which Keras computes with as it is.
    """
    y_true, y_pred = as_float_pair(y_true, y_pred)
    error = y_pred - y_true
    quadratic = 0.5 * np.square(error)
    linear = delta * np.abs(error) - 0.5 * delta**2
    return np.asarray(np.mean(np.where(np.abs(error) <= delta, quadratic, linear), axis=-1))


# %% [markdown]
# The pasted `huber` computes exactly what the library's twin computes, in float64 and in
# float32. The twins keep the input's dtype, as Keras's loss **functions**
# (`keras.losses.huber`) do on **TensorFlow**; on **JAX** Keras computes float64 input in
# float32 unless x64 is enabled (see
# [02's table of backend differences](02_probabilistic_losses.ipynb#What-differs-across-backends)).
# Keras's loss **classes** (`keras.losses.Huber()`, and what `compile` builds) cast both
# inputs to their own `dtype`, float32 by default, on TensorFlow too. Measured below.

# %%
rng = np.random.default_rng(seed)
y_true, y_pred = rng.normal(size=(8, 3)), rng.normal(scale=3.0, size=(8, 3))
for dtype in (np.float64, np.float32):
    pasted = huber(y_true.astype(dtype), y_pred.astype(dtype), delta=1.5)
    twin = lossviz.losses.huber(y_true.astype(dtype), y_pred.astype(dtype), delta=1.5)
    assert pasted.dtype == twin.dtype == dtype and np.array_equal(pasted, twin)
assert "lossviz" not in lossviz.standalone_source("huber").removeprefix(lossviz.standalone.proof_header("huber"))
print("pasted == lossviz.losses.huber")

# %%
import keras

import lossviz.keras_facts

as_function = keras.ops.convert_to_numpy(keras.losses.huber(y_true, y_pred)).dtype  # float64 arrays in
as_class = keras.ops.convert_to_numpy(keras.losses.Huber()(y_true, y_pred)).dtype
print(f"on {keras.backend.backend()}, float64 input: keras.losses.huber gives {as_function}, "
      f"keras.losses.Huber() gives {as_class}")
assert as_class == np.float32
assert (as_function == np.float64) == lossviz.keras_facts.computes_float64()

# %% [markdown]
# The pasted block is right by Keras's own measure too: `lossviz.check_loss` runs Keras's
# `huber` through its checks (notebook 03 explains them) with the pasted `huber` as the
# reference, so the two must agree on random inputs.

# %%
pasted_check = lossviz.check_loss("huber", reference=huber, verbose=False)
print(pasted_check["reference"].line())
assert pasted_check, pasted_check.report()

# %% [markdown]
# ## Summary
#
# - One notebook per topic; start with [01 regression losses](01_regression_losses.ipynb)
#   or jump to the topic you need.
# - Sliders redraw the figure at once; `.set(...)` moves them from code.
# - Reference implementations are NumPy, tested against Keras and scikit-learn: read them
#   with `inspect.getsource` and copy them.
