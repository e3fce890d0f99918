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
# # Regression losses: MSE, MAE, Huber, log-cosh and robust losses
#
# **After this notebook you can**
# - read a loss from its gradient against the residual, and say how hard an outlier pulls;
# - pick a regression loss for data with outliers, having watched MSE, MAE and Huber fit a Keras model;
# - avoid the measured pitfalls: MAPE near 0, MSLE on negative predictions, naive
#   `log(cosh(x))`, and targets shaped `(B,)` instead of `(B, 1)`.
#
# Every number the text quotes is computed in the cell below it and checked by an `assert`,
# or visibly marked *(not measured here)*.

# %% [markdown]
# ## Setup

# %%
import lossviz

session = lossviz.setup()  # seed from LOSSVIZ_SEED (default 0), versions
seed = session.seed

import keras
import numpy as np
from keras import ops

import lossviz.data
import lossviz.keras_facts
import lossviz.keras_models
import lossviz.keras_on_backend
import lossviz.losses
import lossviz.plots
import lossviz.widgets

# %% [markdown]
# ## Intuition: the gradient is the pull
#
# Training moves each prediction along minus the gradient of its loss. So the gradient
# against the residual `x = y_pred - y_true` says how hard a point pulls the model:
# MSE pulls in proportion to the residual (an outlier 20 away pulls 20 times harder than
# a point 1 away), MAE pulls with the same force 1 whatever the distance, Huber and
# log-cosh behave like MSE near 0 and like MAE far away.

# %%
residual = np.linspace(-4.0, 4.0, 401)
names = ["mse", "mae", "huber", "log_cosh"]
curves = {name: lossviz.losses.residual_loss(name, residual) for name in names}
pulls = {name: lossviz.losses.residual_gradient(name, residual) for name in names}
lossviz.plots.plot_loss_and_gradient(residual, curves, pulls)

pull_at_4 = {name: pulls[name][-1] for name in names}
print({name: round(float(value), 4) for name, value in pull_at_4.items()})
assert pull_at_4["mse"] == 8.0 and pull_at_4["mae"] == 1.0 and pull_at_4["huber"] == 1.0
assert 0.999 < pull_at_4["log_cosh"] < 1.0  # tanh(4)
mse_pull = lossviz.losses.residual_gradient("mse", np.array([20.0, 1.0]))
assert mse_pull[0] == 20 * mse_pull[1]

# %% [markdown]
# ## Formulas
#
# In the symbols of the `lossviz.losses` docstrings: `x = y_pred - y_true` elementwise, and
# every Keras regression loss is the **mean over the last axis** of an elementwise term, so
# it returns one value per sample.
#
# | loss | elementwise term | gradient d/dx |
# |---|---|---|
# | `mean_squared_error` (mse) | `x**2` | `2 x` |
# | `mean_absolute_error` (mae) | `abs(x)` | `sign(x)` |
# | `huber(delta=1.0)` | `0.5 x**2` if `abs(x) <= delta`, else `delta * abs(x) - 0.5 delta**2` | `clip(x, -delta, delta)` |
# | `log_cosh` | `log(cosh(x))`, computed as `x + softplus(-2x) - log 2` | `tanh(x)` |
# | `mean_absolute_percentage_error` (mape) | `100 * abs(y_true - y_pred) / max(abs(y_true), 1e-7)` | |
# | `mean_squared_logarithmic_error` (msle) | `(log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1))**2` | |
# | `pseudo_huber(delta)` (not Keras) | `delta**2 * (sqrt(1 + (x / delta)**2) - 1)` | `x / sqrt(1 + (x / delta)**2)` |
# | `general_robust(alpha, scale)` (Barron, not Keras) | `abs(alpha - 2) / alpha * ((z / abs(alpha - 2) + 1)**(alpha / 2) - 1)`, `z = (x / scale)**2` | `x / scale**2 * (z / abs(alpha - 2) + 1)**(alpha / 2 - 1)` |
#
# Barron's `alpha` slides from L2 (`alpha = 2`: `z / 2`) through pseudo-Huber
# (`alpha = 1`) and Cauchy (`alpha = 0`) to Geman-McClure (`alpha = -2`). Two thresholds
# matter. For every `alpha < 1` (Cauchy and everything between 0 and 1 included) the
# gradient rises, peaks and falls back towards 0 for large residuals: the loss
# "redescends", and a falling gradient is a negative second derivative, so the loss is
# **not convex**. Only for `alpha < 0` is the loss itself bounded (by
# `abs(alpha - 2) / abs(alpha)`); Cauchy (`alpha = 0`, `log(z / 2 + 1)`) redescends but
# grows without bound. At `alpha = 1` and above the gradient never falls: convex. The
# cells check the table against `lossviz`.

# %%
x, delta = residual, 1.5
gradient = lossviz.losses.residual_gradient
assert np.allclose(gradient("huber", x, delta=delta), np.clip(x, -delta, delta))
assert np.allclose(gradient("log_cosh", x), np.tanh(x))
assert np.allclose(gradient("pseudo_huber", x, delta=delta), x / np.sqrt(1 + (x / delta) ** 2))
z = (x / delta) ** 2
robust = lossviz.losses.residual_loss("general_robust", x, alpha=-2.0, scale=delta)
assert np.allclose(robust, 2 * z / (z + 4))  # Geman-McClure
# pseudo-Huber(delta = c) is c**2 times Barron's alpha = 1 with scale c.
assert np.allclose(lossviz.losses.residual_loss("pseudo_huber", x, delta=delta),
                   delta**2 * lossviz.losses.residual_loss("general_robust", x, alpha=1.0, scale=delta))
assert np.allclose(lossviz.losses.residual_loss("general_robust", x, alpha=2.0), x**2 / 2)
for alpha in [1.5, 0.5, -2.0]:  # the gradient column of the table, Barron's row
    barron_pull = x / delta**2 * (z / abs(alpha - 2) + 1) ** (alpha / 2 - 1)
    assert np.allclose(gradient("general_robust", x, alpha=alpha, scale=delta), barron_pull)

# %%
far = np.array([10.0, 1e3, 1e6])  # residuals, scale 1
for alpha in [0.9, 0.5, 0.0, -2.0]:
    pull = gradient("general_robust", far, alpha=alpha, scale=1.0)
    loss = lossviz.losses.residual_loss("general_robust", far, alpha=alpha, scale=1.0)
    print(f"alpha {alpha:4}: gradient at 10, 1e3, 1e6: {np.round(pull, 6)}; loss: {np.round(loss, 3)}")
    assert pull[0] > pull[1] > pull[2]  # redescending, so not convex, for every alpha < 1
    assert (loss[2] < abs(alpha - 2) / abs(alpha)) if alpha < 0 else (loss[2] > 2 * loss[0])
for alpha in [1.0, 1.5]:  # the gradient never falls: convex
    assert np.all(np.diff(gradient("general_robust", np.linspace(0, 1e3, 1001), alpha=alpha, scale=1.0)) >= 0)

# %% [markdown]
# ## The data: a line with outliers
#
# `lossviz.data.regression_with_outliers` draws 60 points around `y = 1.5 x + 1` with
# unit Gaussian noise, then pushes 6 points up by 20: `outlier_fraction=0.1` is 10 % of all
# 60 points, all taken from the right half (6 of its 30 points, 20 %). Targets are shaped
# `(B, 1)`, like the output of a `Dense(1)` layer (the pitfalls section shows why). The
# points are drawn from the notebook's `seed`.

# %%
data = lossviz.data.regression_with_outliers(n=60, outlier_fraction=0.1, outlier_size=20.0, seed=seed)
x_train = data.x[:, None].astype("float32")
y_train = data.y[:, None].astype("float32")
print(f"{len(data.x)} points, {data.is_outlier.sum()} outliers, true slope {data.slope}")
assert x_train.shape == y_train.shape == (60, 1) and data.is_outlier.sum() == 6
assert (data.slope, data.intercept) == (1.5, 1.0)
assert np.all(data.x[data.is_outlier] >= np.sort(data.x)[30])  # all in the right half

# %% [markdown]
# How much of the total pull comes from the 6 outliers (10 % of the points)? At the true
# line, add up the absolute gradients of every point under each loss. Under MAE every point
# pulls 1, so the outliers' share is exactly their 10 %; Huber and log-cosh cap each pull
# at 1 too, while under MSE an outlier 20 away pulls over ten times harder than a typical
# point (the median outlier against the median other point, printed below). So the
# outliers supply most of MSE's pull and a minority of the others'.

# %%
true_line_residual = data.slope * data.x + data.intercept - data.y
share = {}
for name in names:
    pull = np.abs(lossviz.losses.residual_gradient(name, true_line_residual))
    share[name] = pull[data.is_outlier].sum() / pull.sum()
print({name: f"{value:.0%}" for name, value in share.items()})
assert share["mse"] > 0.5 > max(share["mae"], share["huber"], share["log_cosh"])
assert np.isclose(share["mae"], 0.1)
mse_pulls = np.abs(lossviz.losses.residual_gradient("mse", true_line_residual))
typical_ratio = np.median(mse_pulls[data.is_outlier]) / np.median(mse_pulls[~data.is_outlier])
print(f"MSE: the median outlier pulls {typical_ratio:.0f} times harder than the median other point")
assert typical_ratio > 10

# %% [markdown]
# ## Code: fit a Keras model with MSE, MAE and Huber
#
# A one-unit `Dense(1)` model is a straight line. The input is standardised inside the
# model (a `Normalization` layer with fixed mean and variance) so Adam converges in 150
# full-batch steps. The line is read back by calling the model at x = 0 and x = 1.

# %%
STEPS = 150


def fit_line_with_keras(loss, targets=y_train):
    """Fit a Dense(1) model with `loss` to (x_train, targets); return its (slope, intercept)."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(1,)),
        keras.layers.Normalization(mean=float(x_train.mean()), variance=float(x_train.var())),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.5), loss=loss)
    # = model.fit(x_train, targets, batch_size=60, epochs=STEPS, shuffle=False), only faster
    lossviz.keras_models.fit_steps(model, x_train, targets, steps=STEPS)
    at_0, at_1 = ops.convert_to_numpy(model(np.array([[0.0], [1.0]], dtype="float32")))[:, 0]
    return float(at_1 - at_0), float(at_0)


# %% [markdown]
# How far do the 6 outliers move each line? Fit each loss twice, with the outliers and with
# them pulled back down (`y - 20`), and compare the slopes. For MSE the move is known in
# closed form: least squares is linear in `y`, so adding 20 to the outliers adds
# `20 * sum((x_o - mean(x))) / sum((x - mean(x))**2)` to the slope (sums over outliers `o`
# in the numerator, over all points in the denominator).

# %%
keras_fits = {name: fit_line_with_keras(name) for name in ["mse", "mae", "huber"]}
y_clean = (data.y - 20.0 * data.is_outlier)[:, None].astype("float32")  # the same points, no outliers
clean_fits = {name: fit_line_with_keras(name, y_clean) for name in ["mse", "mae", "huber"]}
moved = {name: keras_fits[name][0] - clean_fits[name][0] for name in keras_fits}
centred = data.x - data.x.mean()
closed_form = 20.0 * centred[data.is_outlier].sum() / np.sum(centred**2)
print({name: f"slope {keras_fits[name][0]:.3f} (moved {moved[name]:+.3f})" for name in keras_fits})
assert abs(moved["mse"] - closed_form) < 0.01
assert moved["mse"] > 2 * max(abs(moved["mae"]), abs(moved["huber"]))

# %%
fit_artists = lossviz.plots.plot_fitted_lines(data.x, data.y, keras_fits, is_outlier=data.is_outlier)
assert fit_artists.lines["mse"].get_label() == f"mse: slope {keras_fits['mse'][0]:.2f}"

# %% [markdown]
# The same lines, fitted without Keras: SciPy's Nelder-Mead minimises the mean of each
# `lossviz.losses` twin over (slope, intercept). Both routes minimise the same function, so
# they must reach the same minimum. MAE's loss does rise on both sides of its best slope,
# but its valley is nearly flat: a slope 0.02 away from the best, with its own best
# intercept (the median residual), costs less than 1 % more (measured below). Two
# optimisers can stop at visibly different slopes with the same loss, so for MAE compare
# the loss only; MSE and Huber are curved at their minimum, so compare the slope too.

# %%
from scipy.optimize import minimize


def mean_loss(name, line):
    slope, intercept = line
    return getattr(lossviz.losses, name)(y_train, slope * x_train + intercept).mean()


numpy_fits = {name: tuple(minimize(lambda line, name=name: mean_loss(name, line), keras_fits[name],
                                   method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-12}).x)
              for name in ["mse", "mae", "huber"]}

# %%
for name in ["mse", "mae", "huber"]:
    keras_loss, numpy_loss = mean_loss(name, keras_fits[name]), mean_loss(name, numpy_fits[name])
    print(f"{name:5s} slope keras {keras_fits[name][0]:.3f} numpy {numpy_fits[name][0]:.3f}   "
          f"mean loss keras {keras_loss:.4f} numpy {numpy_loss:.4f}")
    assert abs(keras_loss - numpy_loss) < 1e-3 * numpy_loss
    if name != "mae":
        assert abs(keras_fits[name][0] - numpy_fits[name][0]) < 0.02


def mae_with_best_intercept(slope):  # for a fixed slope, the best MAE intercept is the median residual
    residual = data.y - slope * data.x
    return np.mean(np.abs(residual - np.median(residual)))


profile_slopes = np.linspace(1.0, 2.5, 15001)
mae_profile = np.array([mae_with_best_intercept(s) for s in profile_slopes])
best_slope = profile_slopes[np.argmin(mae_profile)]
rise = [mae_with_best_intercept(best_slope + step) / mae_profile.min() - 1 for step in (-0.02, 0.02)]
print(f"MAE: best slope {best_slope:.4f}; 0.02 either side costs {rise[0]:.3%} and {rise[1]:.3%} more")
assert all(0 < r < 0.01 for r in rise)  # rises on both sides (one minimum), but barely

# %% [markdown]
# ### The lossviz twins equal `keras.losses` on this data
#
# The predictions of the MSE line against the targets, through each Keras loss function
# and its NumPy twin. The twin computes in float64; Keras computes float64 input in
# float64 on the **TensorFlow** backend, and in float32 on **JAX** (unless x64 is
# enabled). So the allowed gap follows from the dtype Keras returned:
# `lossviz.keras_facts.float_tolerance` allows 16 machine epsilons of that dtype per unit
# of magnitude (about 4e-15 in float64, 2e-6 in float32). One visible exception: Keras's
# `log_cosh` subtracts `log(2)` rounded to float32, which is off by 1.9e-9 even in
# float64; the twin uses the exact constant. MSLE is compared on the non-negative targets
# only: Keras silently clips a negative target, and the twin returns the same clipped value
# with a warning (see the pitfalls).

# %%
slope, intercept = keras_fits["mse"]
y_true = data.y[:, None]
y_pred = slope * data.x[:, None] + intercept
for name in ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
             "mean_squared_logarithmic_error", "huber", "log_cosh"]:
    keep = y_true[:, 0] >= 0 if name == "mean_squared_logarithmic_error" else np.ones(60, bool)
    ours = getattr(lossviz.losses, name)(y_true[keep], y_pred[keep])
    theirs = ops.convert_to_numpy(getattr(keras.losses, name)(y_true[keep], y_pred[keep]))
    gap = np.max(np.abs(ours - theirs))
    allowed = lossviz.keras_facts.float_tolerance(theirs)
    if name == "log_cosh":  # plus the float32 rounding of the constant log(2)
        allowed += abs(float(np.float32(np.log(2))) - np.log(2))
    print(f"{name:32s} mean {ours.mean():10.4f}   largest difference {gap:.1e} "
          f"(computed in {theirs.dtype}, allowed {allowed:.1e})")
    assert ours.shape == theirs.shape == (keep.sum(),), name
    assert gap <= allowed, name
per_unit = {dtype: lossviz.keras_facts.float_tolerance(np.ones(1, dtype)) for dtype in ("float64", "float32")}
print(f"allowed per unit of magnitude: {per_unit}")
assert np.isclose(per_unit["float64"], 4e-15, rtol=0.15) and np.isclose(per_unit["float32"], 2e-6, rtol=0.1)
assert np.isclose(abs(float(np.float32(np.log(2))) - np.log(2)), 1.9e-9, rtol=0.05)

# %% [markdown]
# ## Explore: loss and gradient against the residual
#
# Pick a loss and move its parameters: `delta` for Huber and pseudo-Huber, `alpha` and
# `scale` for Barron's general robust loss. The chosen loss is in colour, the others faded.

# %%
explorer = lossviz.widgets.regression_loss_explorer()
explorer

# %% [markdown]
# What you should have seen, checked from code: Huber's gradient is capped at `delta`;
# Barron's loss with `alpha = -2` has a gradient that rises, peaks near the scale and falls
# back towards 0, so a far outlier pulls less than a near one (a "redescending" loss).

# %%
explorer.set(loss="huber", delta=1.5)
assert np.max(np.abs(explorer.results["gradient"])) == 1.5

explorer.set(loss="general_robust", alpha=-2.0, scale=1.0)
pull = np.abs(explorer.results["gradient"])
peak_at = explorer.results["residual"][np.argmax(pull)]
print(f"peak pull {pull.max():.3f} at |x| = {abs(peak_at):.2f}; pull at |x| = 4: {pull[-1]:.3f}")
assert pull[-1] < 0.25 * pull.max() and abs(abs(peak_at) - 2 / np.sqrt(3)) < 0.02
assert gradient("general_robust", np.array([100.0]), alpha=-2.0)[0] < 1e-4

# %% [markdown]
# Now move the outlier fraction and size. Robust losses resist a **minority** of outliers;
# when outliers are most of a region they are no longer outliers, and every loss follows
# them. Without outliers the three fits differ only by noise: less than 0.15 apart here,
# where a slope's standard error is about 0.045 (both computed below; over many data sets
# the gap stays around that size *(not measured here)*).

# %%
outliers = lossviz.widgets.outlier_fit_explorer(outlier_fraction=0.1, outlier_size=20.0, delta=1.0)
outliers

# %%
outliers.set(outlier_fraction=0.0)
slopes_clean = [slope for slope, _ in outliers.results["fits"].values()]
clean_x = lossviz.data.regression_with_outliers(outlier_fraction=0.0, seed=outliers.seed).x
standard_error = 1.0 / np.sqrt(np.sum((clean_x - clean_x.mean()) ** 2))  # least-squares slope, unit noise
print(f"no outliers: slopes {np.round(slopes_clean, 3)}; slope standard error {standard_error:.3f}")
assert max(slopes_clean) - min(slopes_clean) < 0.15 and 0.03 < standard_error < 0.06

outliers.set(outlier_fraction=0.4, outlier_size=25.0)  # 24 of the 30 points on the right
fits = outliers.results["fits"]
print({name: round(slope, 2) for name, (slope, _) in fits.items()})
assert min(abs(fits[name][0] - 1.5) for name in fits) > 2.5  # no loss survives that

# %% [markdown]
# ## When to use which
#
# | loss | use when | measured here |
# |---|---|---|
# | MSE | noise is roughly Gaussian, no gross outliers; you want the conditional mean | its slope moved by the closed-form amount, over twice as far as MAE's or Huber's; outliers supply most of its gradient |
# | MAE | heavy-tailed noise; you want the conditional median | outliers supply exactly their 10 % share of its pull |
# | Huber(delta) | MSE near the fit, MAE for outliers; set delta around the noise scale | moved less than half as far as MSE; gradient capped at delta |
# | log-cosh | like Huber with delta = 1, but smooth everywhere (gradient `tanh`) | outliers supply a minority of its pull, like Huber |
# | pseudo-Huber / general robust (write them yourself with `keras.ops`) | a smooth Huber, or a tunable robustness; every `alpha < 1` redescends (far outliers pull less) and is not convex; `alpha < 0` also bounds the loss | gradient back under 1e-4 at residual 100 (`alpha = -2`) |
# | MAPE | relative errors on targets far from 0 | explodes near 0 (below) |
# | MSLE | non-negative targets spanning orders of magnitude | silently flat for negative predictions (below) |
#
# No loss saves you when "outliers" are 40 % of the data in one region: the explorer showed
# every fit with a slope error over 2.5.

# %% [markdown]
# ## Pitfalls
#
# ### MAPE explodes for targets near 0
#
# The denominator is `max(abs(y_true), 1e-7)`: the same absolute error of 0.1 costs 10 %
# on a target of 1 and 100 000 000 % on a target of 0. One such sample dominates the batch.

# %%
targets = np.array([[1.0], [0.01], [1e-4], [0.0]])
mape = ops.convert_to_numpy(keras.losses.mean_absolute_percentage_error(targets, targets + 0.1))
print(mape)
assert np.allclose(mape, [10.0, 1e3, 1e5, 1e8])
assert np.allclose(mape, lossviz.losses.mape(targets, targets + 0.1))

# %% [markdown]
# Fix: use MAE (or Huber) on the original scale, or MAPE only for targets bounded away
# from 0. Old posts write MAPE as `100 * abs(y_true - y_pred) / y_true`: Keras takes the
# absolute value of the target and floors it at 1e-7, so there is no division by zero,
# only a huge number.
#
# ### MSLE silently clips negative predictions
#
# Keras computes `log(max(y_pred, 1e-7) + 1)`: every negative prediction counts as 0. A
# linear output layer that predicts -0.5 or -5 gets the same loss, and a gradient of 0,
# so nothing tells it to come back.

# %%
target = np.array([[1.0]])
msle = {prediction: float(keras.losses.mean_squared_logarithmic_error(target, np.array([[prediction]]))[0])
        for prediction in [0.0, -0.5, -5.0]}
print(msle)
assert msle[-0.5] == msle[-5.0] == msle[0.0] and np.isclose(msle[0.0], np.log(2) ** 2)
# Keras's own autodiff (tf.GradientTape or jax.grad) of its MSLE, at -0.5 and at +0.5:
keras_pull = lossviz.keras_on_backend.keras_gradient(keras.losses.mean_squared_logarithmic_error,
                                                     np.ones((2, 1)), np.array([[-0.5], [0.5]]))
print(f"Keras's gradient at -0.5: {keras_pull[0, 0]}, at 0.5: {keras_pull[1, 0]:.4f}")
assert keras_pull[0, 0] == 0.0 and keras_pull[1, 0] < 0  # negative side: no pull; positive side: pull up
assert lossviz.losses.gradient("msle", target, np.array([[-0.5]]))[0, 0] == keras_pull[0, 0]  # the twin agrees

# %% [markdown]
# Negative *targets* are clipped the same way, which hides a data error: Keras scores a
# target of -3 exactly like a target of 0. The lossviz twin returns Keras's value and
# warns, naming the argument and what Keras did.

# %%
import warnings

at_minus_3 = float(keras.losses.mean_squared_logarithmic_error(np.array([[-3.0]]), np.array([[1.0]]))[0])
at_0 = float(keras.losses.mean_squared_logarithmic_error(np.array([[0.0]]), np.array([[1.0]]))[0])
assert at_minus_3 == at_0
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    twin_value = float(lossviz.losses.msle(np.array([[-3.0]]), np.array([[1.0]]))[0])
print(caught[0].message)
assert np.isclose(twin_value, at_minus_3) and str(caught[0].message).startswith("y_true: expected non-negative")

# %% [markdown]
# Fix: give the model a non-negative output (`activation="softplus"` or `"relu"`), or
# train with MSE on `log1p(y)` and predict `expm1` of the output.
#
# ### Naive `log(cosh(x))` overflows
#
# `cosh(x)` overflows float32 for `abs(x)` above about 89 (float64: about 710), so a
# hand-written `log(cosh(x))` returns `inf` and the training step turns into NaN. Keras
# (and the lossviz twin) use `x + softplus(-2x) - log(2)`, which never overflows.

# %%
big = np.array([[10.0], [88.0], [90.0], [100.0]], dtype="float32")
naive = ops.convert_to_numpy(ops.log(ops.cosh(big)))[:, 0]
stable = ops.convert_to_numpy(keras.losses.log_cosh(np.zeros_like(big), big))
print("naive float32:", naive, "\nkeras float32:", stable)
assert np.isinf(naive[2:]).all() and np.isfinite(stable).all()
assert np.allclose(stable, big[:, 0] - np.log(2), rtol=1e-6)  # log cosh(x) ~ |x| - log 2
with np.errstate(over="ignore"):
    assert np.isinf(np.log(np.cosh(711.0)))
assert np.isclose(lossviz.losses.log_cosh([[0.0]], [[711.0]])[0], 711 - np.log(2))

# %% [markdown]
# ### Targets shaped `(B,)` instead of `(B, 1)`
#
# A `Dense(1)` model outputs `(B, 1)`. What happens with targets `y` of shape `(B,)`
# depends on **who** calls the loss. Here 4 samples whose per-sample squared errors are
# 0.25, 0.25, 0, 0.25 (mean 0.1875).
#
# Through `compile` (what `fit` and `evaluate` use) Keras squeezes or expands a trailing
# axis of size 1 before calling the loss, even your own function: the result is right.
# Calling a hand-written function yourself (a custom training loop, a test) does no such
# thing: `(B,) - (B, 1)` broadcasts to `(B, B)`, comparing every target with every
# prediction. The cell below is wrong on purpose: `blog_mse` is the old recipe, a scalar
# over everything.

# %% tags=["wrong-on-purpose"]
y_flat = np.array([0.0, 1.0, 2.0, 3.0], dtype="float32")  # (B,)
y_hat = np.array([[0.5], [1.5], [2.0], [3.5]], dtype="float32")  # (B, 1), like Dense(1)


def blog_mse(y_true, y_pred):  # the recipe of many old posts: a scalar over everything
    return ops.mean(ops.square(y_true - y_pred))


model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
model.compile(loss=blog_mse)
through_compile = float(model.compute_loss(y=y_flat, y_pred=y_hat))
called_directly = float(blog_mse(y_flat, y_hat))
print(f"through compile {through_compile}, called directly {called_directly}")
assert np.isclose(through_compile, 0.1875) and np.isclose(called_directly, 2.5625)
assert ops.shape(y_flat - y_hat) == (4, 4)

# %% [markdown]
# The second trap is the **mean over the last axis**. With both arrays `(B,)` (a model
# whose output was flattened), the last axis *is* the batch: the "per-sample" loss is one
# number for the whole batch. The value of the mean survives, but sample weights can no
# longer weight samples, they only rescale the batch mean. With `(B, 1)`, a weight of 1 on
# the first sample and 0 elsewhere gives that sample's loss over the batch size,
# 0.25 / 4 = 0.0625.

# %%
per_sample_flat = keras.losses.mean_squared_error(y_flat, y_hat[:, 0])
per_sample_column = keras.losses.mean_squared_error(y_flat[:, None], y_hat)
print(ops.shape(per_sample_flat), ops.shape(per_sample_column))
assert ops.shape(per_sample_flat) == () and ops.shape(per_sample_column) == (4,)

weights = np.array([1.0, 0.0, 0.0, 0.0], dtype="float32")
mse_loss = keras.losses.MeanSquaredError()
weighted_flat = float(mse_loss(y_flat, y_hat[:, 0], sample_weight=weights))
weighted_column = float(mse_loss(y_flat[:, None], y_hat, sample_weight=weights))
print(f"weighted: (B,) {weighted_flat}, (B, 1) {weighted_column}")
assert np.isclose(weighted_column, 0.0625) and np.isclose(weighted_flat, 0.1875 / 4)


# %% [markdown]
# Fix: keep targets and outputs `(B, 1)` (`y[:, None]`), and write your own losses to
# return one value per sample: `ops.mean(..., axis=-1)`, never a mean over everything. A
# scalar-returning loss has the same weighting problem inside `fit`:

# %%
def per_sample_mse(y_true, y_pred):  # the fix: reduce the last axis only
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


model.compile(loss=blog_mse)
scalar_loss_weighted = float(model.compute_loss(y=y_flat[:, None], y_pred=y_hat, sample_weight=weights))
model.compile(loss=per_sample_mse)
per_sample_weighted = float(model.compute_loss(y=y_flat[:, None], y_pred=y_hat, sample_weight=weights))
print(f"scalar loss {scalar_loss_weighted}, per-sample loss {per_sample_weighted}")
assert np.isclose(per_sample_weighted, 0.0625) and np.isclose(scalar_loss_weighted, 0.1875 / 4)

# %% [markdown]
# `lossviz.check_loss` ([03 custom losses](03_custom_losses.ipynb)) confirms the fix: one
# value per sample, weights, gradient, a compiled step, and the NumPy twin as reference.

# %%
fixed_check = lossviz.check_loss(per_sample_mse, reference=lossviz.losses.mean_squared_error, verbose=False)
assert fixed_check, fixed_check.report()
fixed_check

# %% [markdown]
# ### What old blog posts get wrong
#
# - *"A loss returns a scalar (the mean over the batch)."* Keras 3 wants one value per
#   sample; a scalar breaks `sample_weight` and `class_weight` (measured just above).
# - *`from keras import backend as K` and `K.mean`, `K.square`.* The Keras 2 backend maths
#   is gone; use `keras.ops` (`ops.mean`, `ops.square`), which runs on TensorFlow and JAX
#   alike (this notebook runs on both in `make test`).
# - *`keras.losses.logcosh`, `huber_loss`.* The Keras 3 names are `log_cosh` and `huber`;
#   the old strings are refused.

# %%
assert not hasattr(keras.backend, "mean") and not hasattr(keras.backend, "square")
for old, new in [("logcosh", "log_cosh"), ("huber_loss", "huber")]:
    try:
        keras.losses.get(old)
        raise AssertionError(f"{old} is still accepted")
    except ValueError:
        pass
    assert keras.losses.get(new).__name__ == new

# %% [markdown]
# ## Exercise: a quantile (pinball) loss
#
# MSE estimates the conditional mean, MAE the median. To predict the 90th percentile (an
# upper bound that is exceeded 10 % of the time) use the **pinball loss** with
# `q = 0.9`. With the error `e = y_true - y_pred`:
#
# `loss = mean(max(q * e, (q - 1) * e), axis=-1)`
#
# Under-predicting (`e > 0`) costs `q` per unit, over-predicting costs `1 - q`. Equivalently
# it is a tilted absolute error: `0.5 * abs(e) + (q - 0.5) * e`, which gives the reference
# below, built from the lossviz MAE twin (at `q = 0.5` it is half the MAE).

# %%
QUANTILE = 0.9


def quantile_reference(y_true, y_pred):
    """NumPy pinball loss per sample: 0.5 * MAE + (q - 0.5) * mean(y_true - y_pred)."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    tilt = (QUANTILE - 0.5) * np.mean(y_true - y_pred, axis=-1)
    return 0.5 * lossviz.losses.mean_absolute_error(y_true, y_pred) + tilt


e = np.array([[2.0, -2.0]])  # under by 2 costs 0.9 * 2, over by 2 costs 0.1 * 2
assert np.isclose(quantile_reference(e, np.zeros_like(e))[0], (0.9 * 2 + 0.1 * 2) / 2)


# %% [markdown]
# Write `quantile_loss(y_true, y_pred)` with `keras.ops` so that it trains inside `fit`. The
# version below is wrong on purpose, deliberately unfinished: it is MAE, not tilted, and it
# returns one number for the whole batch. Run the checker, read what it reports, then fix
# the function.

# %% tags=["wrong-on-purpose"]
def quantile_loss(y_true, y_pred):
    error = y_true - y_pred
    # TODO: weight under-prediction (error > 0) by QUANTILE, over-prediction by 1 - QUANTILE,
    # and return one value per sample.
    return ops.mean(ops.abs(error))


# %%
result = lossviz.check_loss(quantile_loss, reference=quantile_reference, inputs="regression", verbose=False)
result


# %% [markdown]
# ### Solution
#
# `ops.maximum` of the two tilted lines, averaged over the last axis only.

# %% jupyter={"source_hidden": true} tags=["solution"]
def quantile_loss(y_true, y_pred):
    error = y_true - y_pred
    return ops.mean(ops.maximum(QUANTILE * error, (QUANTILE - 1.0) * error), axis=-1)


result = lossviz.check_loss(quantile_loss, reference=quantile_reference, inputs="regression", verbose=False)
assert result, result.codes
result

# %% [markdown]
# What it estimates: over constant predictions `c`, the pinball loss is smallest at the
# 90th percentile of the targets.

# %%
candidates = np.linspace(data.y.min(), data.y.max(), 2001)
# One row per candidate c: the 60 targets against the constant prediction c.
rows_true = np.broadcast_to(data.y, (candidates.size, 60))
rows_pred = np.broadcast_to(candidates[:, None], (candidates.size, 60))
loss_per_candidate = ops.convert_to_numpy(quantile_loss(rows_true, rows_pred))
best = candidates[np.argmin(loss_per_candidate)]
below = np.mean(data.y <= best)
print(f"best constant {best:.3f}: {below:.0%} of the targets are at or below it")
assert abs(below - QUANTILE) < 1e-9

# %% [markdown]
# ## Summary
#
# - The gradient against the residual is the pull of each point: unbounded for MSE,
#   constant for MAE, capped at `delta` for Huber, smooth `tanh` for log-cosh, and falling
#   back to 0 for Barron's loss with any `alpha < 1` (not convex there; bounded for
#   `alpha < 0`).
# - On 60 points with 6 outliers, the outliers moved the MSE line's slope by the
#   closed-form least-squares amount (to within 0.01), more than twice as far as MAE's or
#   Huber's; the Keras fits reach the loss of SciPy's minimum of the same NumPy losses.
# - MAPE explodes near 0, MSLE is flat for negative predictions, naive `log(cosh)`
#   overflows at 90 in float32, and `(B,)` targets break hand-written losses and weights.
# - Keras losses return one value per sample; so should yours (`ops.mean(..., axis=-1)`).
#
# **Next:** [02 probabilistic losses](02_probabilistic_losses.ipynb): crossentropies,
# `from_logits` and label smoothing; then [09](09_other_probabilistic_losses.ipynb): focal,
# dice, tversky and the other probabilistic losses.
