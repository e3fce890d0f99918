# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
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
# Keras 3 actually computes. Every number on screen is computed here, and every claim the
# text makes is checked by an `assert` in the cell below it: if a notebook runs to the end,
# its claims held on your machine.

# %% [markdown]
# ## The map
#
# | # | notebook | what you will learn |
# |---|---|---|
# | 01 | [Regression losses](01_regression_losses.ipynb) | MSE, MAE, Huber, log-cosh, MAPE, MSLE and robust losses; outliers |
# | 02 | [Probabilistic losses](02_probabilistic_losses.ipynb) | crossentropies, from_logits, label smoothing, focal, dice, tversky |
# | 03 | [Custom losses](03_custom_losses.ipynb) | writing, checking and saving your own loss in Keras 3 |
# | 04 | [Weighting](04_weighting.ipynb) | sample_weight, class_weight, loss_weights, and how Keras reduces |
# | 05 | [Custom metrics](05_custom_metrics.ipynb) | precision, recall, F1 done right; why batch-wise metrics are wrong |
# | 06 | [ROC and PR curves](06_roc_pr_curves.ipynb) | thresholds, AUC, average precision, imbalance, Keras's bucketed AUC |
# | 07 | [k-fold cross-validation](07_kfold_cross_validation.ipynb) | splitters, a fresh model per fold, leakage, parallel folds |
#
# Each notebook follows the same path: goal, intuition, formula, code beside Keras, an
# explorer, the pitfalls old posts fall into (measured), an exercise, and a summary.

# %% [markdown]
# ## Setup
#
# Every notebook starts with this cell. `%matplotlib widget` turns figures into live
# canvases (ipympl); Keras is told to use TensorFlow before anything imports it.

# %%
import os

get_ipython().run_line_magic("matplotlib", os.environ.get("LOSSVIZ_MATPLOTLIB", "widget"))
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import inspect

import numpy as np

import lossviz
import lossviz.losses
import lossviz.widgets

print("lossviz", lossviz.__version__)

# %% [markdown]
# ## How to use a slider
#
# An explorer is a figure with controls. Drag the **delta** slider: the Huber loss is
# quadratic for residuals smaller than delta and linear beyond, and its gradient (right)
# is clipped at plus or minus delta. Pick another loss from the menu to compare.
#
# **No live figure?** Colab, VS Code without the ipympl extension and other front ends
# without ipympl cannot show `%matplotlib widget` canvases. There, set
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

# %% [markdown]
# ## How to copy a reference implementation
#
# Every loss and metric in `lossviz` is plain NumPy, written to be read. Print its source,
# or type `lossviz.losses.huber??` in a cell. Each one is tested against Keras (losses) or
# scikit-learn (metrics), so you can paste it into your own code with confidence.

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
# ## Summary
#
# - One notebook per topic; start with [01 regression losses](01_regression_losses.ipynb)
#   or jump to the topic you need.
# - Sliders redraw the figure at once; `.set(...)` moves them from code.
# - Reference implementations are NumPy, tested against Keras and scikit-learn: read them
#   with `inspect.getsource` and copy them.
