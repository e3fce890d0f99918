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
# # 12 Calibration and imbalance: are the probabilities right?
#
# **After this notebook you can**
# - check whether a model's probabilities mean what they say (reliability diagram, Brier
#   score, log loss, expected calibration error) and fix them on validation data
#   (temperature scaling, Platt, isotonic);
# - say what `class_weight`, oversampling, focal loss and label smoothing do to the
#   probabilities, and move the threshold instead;
# - run an imbalanced problem as one workflow: initial output bias, metrics with a
#   baseline, `zero_division`, and a threshold chosen on validation folds.
#
# Related material stays where it is: weighting and oversampling in
# [04](04_weighting.ipynb#Oversampling-against-weighting), the class-weight explorer in
# [04](04_weighting.ipynb#Explore:-class-weight-against-the-decision-boundary), ROC against
# PR under imbalance in [06](06_roc_pr_curves.ipynb#ROC-against-PR-under-class-imbalance)
# and thresholds from costs in [06](06_roc_pr_curves.ipynb#Choosing-a-threshold).

# %% [markdown]
# ## Setup

# %%
import lossviz

session = lossviz.setup()  # seed from LOSSVIZ_SEED (default 0), versions
seed = session.seed

import warnings

import keras
import matplotlib.pyplot as plt
import numpy as np
import sklearn.metrics
from keras.wrappers import SKLearnClassifier
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

import lossviz.data
import lossviz.metrics

# %% [markdown]
# ## Data whose true probabilities we know
#
# `lossviz.data.imbalanced_binary` draws two Gaussian classes in 2-D, 10 % positives, means
# `separation` apart along the diagonal. Bayes' rule gives the true probability of every
# point: the log-odds are linear, `separation / sqrt(2) * (x1 + x2) - separation^2 / 2 +
# log(0.1 / 0.9)`. So a logistic model is the right model here, and any miscalibration we
# see is made by how we train or by how we measure.

# %%
SEPARATION, PREVALENCE = 2.0, 0.1


def make_data(n, seed):
    X, y = lossviz.data.imbalanced_binary(n=n, positive_fraction=PREVALENCE, separation=SEPARATION, seed=seed)
    true_logit = SEPARATION / np.sqrt(2) * X.sum(axis=1) - SEPARATION**2 / 2 + np.log(PREVALENCE / (1 - PREVALENCE))
    return X.astype("float32"), y, true_logit


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


X_train, y_train, _ = make_data(2000, seed)
X_val, y_val, _ = make_data(2000, seed + 1)
X_test, y_test, test_logit = make_data(20000, seed + 2)
true_prob = sigmoid(test_logit)
print(f"test: {len(y_test)} samples, {y_test.mean():.0%} positive; mean true probability {true_prob.mean():.4f}")
assert abs(true_prob.mean() - PREVALENCE) < 0.01

# %% [markdown]
# ## Intuition: same ranking, different probabilities
#
# Three scorers on the same test points: the true probability, an **overconfident** one
# (its log-odds doubled, what an overfitted model does) and a **shifted** one (log-odds
# plus log 9, what `class_weight={1: 9}` does, measured below). The reliability diagram
# plots, in bins of the score, the fraction of positives against the mean score: a
# calibrated scorer lies on the diagonal. All three rank the points identically, so their
# ROC AUC is the same number; Brier score and log loss see the difference.

# %%
scorers = {"true probability": true_prob, "overconfident (2 x log-odds)": sigmoid(2 * test_logit),
           "shifted (log-odds + log 9)": sigmoid(test_logit + np.log(9))}
figure, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
ax.plot([0, 1], [0, 1], "k:", label="perfectly calibrated")
aucs = {}
for name, score in scorers.items():
    fraction_positive, mean_score = calibration_curve(y_test, score, n_bins=10)
    aucs[name] = sklearn.metrics.roc_auc_score(y_test, score)
    brier = sklearn.metrics.brier_score_loss(y_test, score)
    ax.plot(mean_score, fraction_positive, "o-", label=f"{name}: AUC {aucs[name]:.4f}, Brier {brier:.4f}")
ax.set(xlabel="mean score in the bin", ylabel="fraction of positives in the bin")
ax.legend(fontsize=7)
assert np.ptp(list(aucs.values())) < 1e-12  # a monotone distortion leaves AUC unchanged

# %% [markdown]
# ## Formula
#
# For labels $y_i \in \{0, 1\}$ and predicted probabilities $p_i$, $n$ samples:
#
# - **Brier score** $= \frac{1}{n}\sum_i (p_i - y_i)^2$ (`brier_score_loss`).
# - **Log loss** $= -\frac{1}{n}\sum_i \big(y_i \log p_i + (1 - y_i)\log(1 - p_i)\big)$
#   (`log_loss`, Keras's binary crossentropy).
# - **Proper**: when $y \sim \text{Bernoulli}(q)$, the expected score
#   $q\,S(p, 1) + (1 - q)\,S(p, 0)$ is smallest at $p = q$. Both scores above are (strictly)
#   proper; accuracy and AUC are not.
# - **Reliability diagram and ECE**: split the scores into $B$ bins $b$ with $n_b$ samples,
#   $\bar y_b$ the fraction of positives and $\bar p_b$ the mean score in bin $b$;
#   $\text{ECE} = \sum_b \frac{n_b}{n}\,\lvert \bar y_b - \bar p_b \rvert$. Equal-width bins
#   split $[0, 1]$ into $B$ equal intervals (`strategy="uniform"`), equal-mass bins at the
#   quantiles of the scores (`strategy="quantile"`).
# - **Brier decomposition** (Murphy): with $\bar y$ the overall fraction of positives,
#   Brier $=$ REL $-$ RES $+$ UNC, with reliability
#   $\text{REL} = \sum_b \frac{n_b}{n}(\bar p_b - \bar y_b)^2$, resolution
#   $\text{RES} = \sum_b \frac{n_b}{n}(\bar y_b - \bar y)^2$, uncertainty
#   $\text{UNC} = \bar y (1 - \bar y)$; exact when the scores inside a bin are equal.

# %% [markdown]
# ## Code: the scores beside scikit-learn and Keras
#
# Keras's `binary_crossentropy` is the log loss and `MeanSquaredError` on probabilities is
# the Brier score; they compute in float32, so they agree to float32 precision. (Keras also
# clips probabilities to [1e-7, 1 - 1e-7], so on scores closer to 0 or 1 than that its log
# loss is capped: [02](02_probabilistic_losses.ipynb) measures it. The true probabilities
# here stay inside.)

# %%
score = scorers["true probability"]
assert score.min() > 1e-6 and score.max() < 1 - 1e-6
twin = {"log loss": lossviz.metrics.log_loss(y_test, score), "Brier": lossviz.metrics.brier_score_loss(y_test, score)}
sk = {"log loss": sklearn.metrics.log_loss(y_test, score), "Brier": sklearn.metrics.brier_score_loss(y_test, score)}
from_keras = {"log loss": float(keras.losses.BinaryCrossentropy()(y_test[:, None], score[:, None])),
              "Brier": float(keras.metrics.MeanSquaredError()(y_test[:, None], score[:, None]))}
for name in twin:
    print(f"{name}: lossviz {twin[name]:.8f}, scikit-learn {sk[name]:.8f}, Keras (float32) {from_keras[name]:.8f}")
    assert np.isclose(twin[name], sk[name], rtol=1e-12) and np.isclose(from_keras[name], sk[name], rtol=1e-4)
for strategy in ("uniform", "quantile"):
    ours = lossviz.metrics.calibration_curve(y_test, score, n_bins=10, strategy=strategy)
    theirs = calibration_curve(y_test, score, n_bins=10, strategy=strategy)
    assert all(np.allclose(a, b, rtol=1e-12) for a, b in zip(ours, theirs))


# %% [markdown]
# The ECE written out as a loop over the bins, with scikit-learn's bin edges
# (`calibration_curve` puts a score equal to an inner edge in the lower bin), against
# `lossviz.metrics.expected_calibration_error` and against the ECE rebuilt from
# `calibration_curve`'s output and the bin counts. From here on the notebook uses the twin.

# %%
def ece_by_loop(y_true, y_prob, n_bins=10, strategy="uniform"):
    if strategy == "uniform":
        edges = np.linspace(0, 1, n_bins + 1)
    else:
        edges = np.percentile(y_prob, np.linspace(0, 100, n_bins + 1))
    bin_of = np.searchsorted(edges[1:-1], y_prob)
    total = 0.0
    for b in range(n_bins):
        in_bin = bin_of == b
        if in_bin.any():
            total += in_bin.mean() * abs(y_true[in_bin].mean() - y_prob[in_bin].mean())
    return total


score = scorers["overconfident (2 x log-odds)"]
for strategy in ("uniform", "quantile"):
    fraction_positive, mean_score = calibration_curve(y_test, score, n_bins=10, strategy=strategy)
    edges = np.linspace(0, 1, 11) if strategy == "uniform" else np.percentile(score, np.linspace(0, 100, 11))
    counts = np.bincount(np.searchsorted(edges[1:-1], score), minlength=10)
    from_curve = np.sum(counts[counts > 0] / len(score) * np.abs(fraction_positive - mean_score))
    twin_ece = lossviz.metrics.expected_calibration_error(y_test, score, n_bins=10, strategy=strategy)
    print(f"{strategy}: ECE by loop {ece_by_loop(y_test, score, strategy=strategy):.6f}, "
          f"lossviz {twin_ece:.6f}, from calibration_curve {from_curve:.6f}")
    assert np.isclose(ece_by_loop(y_test, score, strategy=strategy), twin_ece, rtol=1e-12)
    assert np.isclose(twin_ece, from_curve, rtol=1e-12)
ece = lossviz.metrics.expected_calibration_error

# %% [markdown]
# ## Proper scores: the true probability wins, in expectation
#
# For a label that is 1 with probability q, the expected log loss and Brier score of a
# prediction p, on a grid of 999 values of p. Both are smallest exactly at p = q. The
# expected 0-1 error of thresholding p at 0.5 is flat on each side of 0.5: every p on the
# right side is "best", so accuracy cannot tell a calibrated model from a shifted one.

# %%
grid = np.linspace(0.001, 0.999, 999)
for q in (0.1, 0.3, 0.7):
    expected_log_loss = -(q * np.log(grid) + (1 - q) * np.log(1 - grid))
    expected_brier = q * (1 - grid) ** 2 + (1 - q) * grid**2
    expected_error = np.where(grid > 0.5, 1 - q, q)
    best_for_error = np.sum(expected_error == expected_error.min())
    print(f"q={q}: log loss best at p={grid[expected_log_loss.argmin()]:.3f}, Brier at "
          f"p={grid[expected_brier.argmin()]:.3f}; 0-1 error: {best_for_error} values of p tie")
    assert np.isclose(grid[expected_log_loss.argmin()], q) and np.isclose(grid[expected_brier.argmin()], q)
    assert best_for_error >= 499

# %% [markdown]
# On the sampled test labels the same holds: the true probability has the lowest Brier
# score and log loss of the three scorers, while their AUC is one number.

# %%
scores_table = {name: (sklearn.metrics.brier_score_loss(y_test, s), sklearn.metrics.log_loss(y_test, s))
                for name, s in scorers.items()}
for name, (brier, log_loss) in scores_table.items():
    print(f"{name:>30}: Brier {brier:.4f}, log loss {log_loss:.4f}, AUC {aucs[name]:.4f}")
best = scores_table["true probability"]
assert all(best[0] < brier and best[1] < log_loss for name, (brier, log_loss) in scores_table.items()
           if name != "true probability")

# %% [markdown]
# ## The Brier decomposition
#
# Round each score to the centre of its tenth of [0, 1]: the scores inside a bin are then
# equal, and Brier = REL - RES + UNC holds exactly. The shifted scorer loses on
# reliability; the resolution (how far the bins' outcomes are from the base rate) is
# almost the same, because the ranking is the same.

# %%
def brier_decomposition(y_true, y_prob, n_bins=10):
    bin_of = np.minimum((y_prob * n_bins).astype(int), n_bins - 1)
    base_rate, rel, res = y_true.mean(), 0.0, 0.0
    for b in np.unique(bin_of):
        in_bin = bin_of == b
        rel += in_bin.mean() * (y_prob[in_bin].mean() - y_true[in_bin].mean()) ** 2
        res += in_bin.mean() * (y_true[in_bin].mean() - base_rate) ** 2
    return rel, res, base_rate * (1 - base_rate)


parts = {}
for name in ("true probability", "shifted (log-odds + log 9)"):
    rounded = (np.minimum((scorers[name] * 10).astype(int), 9) + 0.5) / 10
    parts[name] = rel, res, unc = brier_decomposition(y_test, rounded)
    brier = sklearn.metrics.brier_score_loss(y_test, rounded)
    print(f"{name:>27}: Brier {brier:.5f} = REL {rel:.5f} - RES {res:.5f} + UNC {unc:.5f}")
    assert np.isclose(brier, rel - res + unc)
assert parts["shifted (log-odds + log 9)"][0] > 10 * parts["true probability"][0]

# %% [markdown]
# ## Checking calibration: the ECE of a perfect model is not 0
#
# Give a scorer the true probabilities and draw the labels from them: it is perfectly
# calibrated, its population ECE is 0. Measured on n samples, each bin's fraction of
# positives is noisy and the absolute value turns noise into a positive number. So the ECE
# is biased upwards, by roughly 1/sqrt(n). Measured over 100 draws per n, with 10 bins of
# each kind:

# %%
sizes, draws = (100, 1000, 10000), 100
mean_ece = {strategy: [] for strategy in ("uniform", "quantile")}
for n in sizes:
    values = {strategy: [] for strategy in mean_ece}
    for _ in range(draws):
        prob = session.rng.choice(true_prob, n)
        labels = (session.rng.random(n) < prob).astype(int)
        for strategy in mean_ece:
            values[strategy].append(ece(labels, prob, strategy=strategy))
    for strategy in mean_ece:
        mean_ece[strategy].append(np.mean(values[strategy]))
    print(f"n={n:>5}: mean ECE equal-width {mean_ece['uniform'][-1]:.4f}, equal-mass {mean_ece['quantile'][-1]:.4f}")

# %% [markdown]
# Ten times the samples, about sqrt(10) = 3.2 times less bias: the slope of log ECE against
# log n is close to -1/2. An ECE is only meaningful next to the ECE a perfect model
# would get on the same number of samples.

# %%
for strategy, values in mean_ece.items():
    slope = np.polyfit(np.log(sizes), np.log(values), 1)[0]
    print(f"{strategy}: slope {slope:.2f}")
    assert -0.65 < slope < -0.35 and values[0] > 2 * values[1] > 4 * values[2]

# %% [markdown]
# ## Fixing calibration on validation data
#
# An overconfident Keras model on purpose: 30 features of pure noise next to the two real
# ones, and only 300 training samples (30 positives). Logistic regression (`Dense(2)`
# logits, softmax crossentropy) fitted until it nearly separates the training set learns the
# noise, so its log-odds are too large. It is wrapped in `keras.wrappers.SKLearnClassifier`
# so that scikit-learn's calibrators can use it.

# %%
NOISE_FEATURES = 30


def with_noise(X, seed):
    noise = np.random.default_rng(seed).normal(size=(len(X), NOISE_FEATURES)).astype("float32")
    return np.hstack([X, noise])


X_small, y_small, _ = make_data(300, seed + 3)
X_small, X_val_noisy, X_test_noisy = with_noise(X_small, seed + 4), with_noise(X_val, seed + 5), with_noise(X_test, seed + 6)


def build_logits_model(X, y):
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(2)])
    model.compile(keras.optimizers.Adam(0.05), keras.losses.CategoricalCrossentropy(from_logits=True))
    return model


FIT = dict(epochs=20, batch_size=20, verbose=0)

# %% [markdown]
# **`SKLearnClassifier.decision_function` returns the raw `(n, 2)` output.** scikit-learn
# expects one log-odds per row for two classes; `CalibratedClassifierCV` reads the two
# columns as twice as many samples and stops. Measured here (one epoch is enough to see
# it), then the fix: a subclass whose `decision_function` returns the class-1 logit minus
# the class-0 logit (and predicts without a progress bar).

# %%
keras.utils.set_random_seed(seed)
plain = SKLearnClassifier(build_logits_model, fit_kwargs=dict(FIT, epochs=1)).fit(X_small, y_small)
print("decision_function shape:", plain.decision_function(X_val_noisy[:5]).shape)
try:
    CalibratedClassifierCV(FrozenEstimator(plain), method="sigmoid").fit(X_val_noisy, y_val)
    plain_calibrates = True
except ValueError as error:
    plain_calibrates = False
    print("ValueError:", str(error)[:90])
print("a plain SKLearnClassifier calibrates:", plain_calibrates)


# %%
class BinaryKerasClassifier(SKLearnClassifier):
    """SKLearnClassifier with one log-odds per row, as scikit-learn expects for two classes."""

    def decision_function(self, X):
        logits = self.model_.predict(np.asarray(X, "float32"), verbose=0)
        return logits[:, 1] - logits[:, 0]


keras.utils.set_random_seed(seed)
overfit = BinaryKerasClassifier(build_logits_model, fit_kwargs=FIT).fit(X_small, y_small)
val_logit, test_logit_model = overfit.decision_function(X_val_noisy), overfit.decision_function(X_test_noisy)
before = sigmoid(test_logit_model)
print(f"ECE on the test set {ece(y_test, before):.4f}; mean |log-odds| model "
      f"{np.abs(test_logit_model).mean():.2f}, true {np.abs(test_logit).mean():.2f}")
assert np.abs(test_logit_model).mean() > np.abs(test_logit).mean()  # overconfident

# %% [markdown]
# **Temperature scaling in Keras.** Divide the log-odds by one number T > 0, fitted on the
# validation set by minimising its log loss: a one-weight model, `Dense(1, use_bias=False)`
# on the logit, whose weight is 1 / T. T > 1 softens an overconfident model; the ranking,
# hence the AUC, does not change. SciPy's one-dimensional minimiser checks the optimum.

# %%
from scipy.optimize import minimize_scalar

keras.utils.set_random_seed(seed)
scaler = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
learning_rate = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=100)  # small steps at the end
scaler.compile(keras.optimizers.Adam(learning_rate), keras.losses.BinaryCrossentropy(from_logits=True))
scaler.fit(val_logit[:, None], y_val[:, None], epochs=25, batch_size=500, verbose=0)
temperature = 1 / float(keras.ops.convert_to_numpy(scaler.layers[0].kernel)[0, 0])
best_temperature = minimize_scalar(lambda t: sklearn.metrics.log_loss(y_val, sigmoid(val_logit / t)),
                                   bounds=(0.1, 10), method="bounded").x
print(f"temperature: Keras {temperature:.3f}, SciPy {best_temperature:.3f}")
assert temperature > 1 and abs(temperature - best_temperature) < 0.03 * best_temperature

# %% [markdown]
# **Platt scaling and isotonic regression** through scikit-learn: `CalibratedClassifierCV`
# around the fitted model frozen by `FrozenEstimator` (scikit-learn >= 1.6 has no
# `cv="prefit"`; `cv=5` would refit the Keras model five times). Platt fits
# sigmoid(a z + b) on the validation logits z (a slope and a shift), isotonic any increasing
# step function. Every number below is on the **test** set, which none of them saw.

# %%
calibrated = {"before": before, "temperature (Keras)": sigmoid(test_logit_model / temperature)}
for method, label in (("sigmoid", "Platt"), ("isotonic", "isotonic")):
    calibrator = CalibratedClassifierCV(FrozenEstimator(overfit), method=method).fit(X_val_noisy, y_val)
    calibrated[label] = calibrator.predict_proba(X_test_noisy)[:, 1]
fix_table = {}
for name, prob in calibrated.items():
    fix_table[name] = (ece(y_test, prob), ece(y_test, prob, strategy="quantile"),
                       sklearn.metrics.brier_score_loss(y_test, prob), sklearn.metrics.roc_auc_score(y_test, prob))
    print(f"{name:>20}: ECE equal-width {fix_table[name][0]:.4f}, equal-mass {fix_table[name][1]:.4f}, "
          f"Brier {fix_table[name][2]:.4f}, AUC {fix_table[name][3]:.4f}")

# %% [markdown]
# Temperature scaling has one parameter, a scale: it minimises the log loss over that scale
# and cannot move the probabilities by a shift. When the overfitted model is also off by a
# shift (its mean probability away from the base rate: seeds 3 and 7 here), scaling the
# log-odds can even raise the ECE (seed 7). What it fits, the log loss, it lowers on the
# test set too. Platt has the scale and the shift; isotonic regression any increasing map,
# at the price of ties (its steps), a slightly different AUC, and steps at exactly 0 that
# a positive landing there pays for in log loss (clipped to a large finite value).
# Both more than halve the test ECE, and Platt's mean probability is the base rate.

# %%
log_losses = {name: lossviz.metrics.log_loss(y_test, prob) for name, prob in calibrated.items()}
for name, prob in calibrated.items():
    print(f"{name:>20}: mean probability {prob.mean():.4f} (positives {y_test.mean():.2f}), "
          f"log loss {log_losses[name]:.4f}, exactly 0: {np.mean(prob == 0):.1%}")
assert log_losses["temperature (Keras)"] < log_losses["before"]
assert max(fix_table["Platt"][0], fix_table["isotonic"][0]) < fix_table["before"][0] / 2
assert abs(calibrated["Platt"].mean() - PREVALENCE) < 0.01 and np.any(calibrated["isotonic"] == 0)
assert np.isclose(fix_table["temperature (Keras)"][3], fix_table["before"][3])  # same ranking

# %% [markdown]
# ## What training choices do to the probabilities
#
# One model (logistic regression in Keras: `Dense(1, activation="sigmoid")`), one training
# set (2000 samples, 10 % positives, the two real features), five ways to train it:
# plain binary crossentropy; `class_weight={0: 1, 1: 9}`; the positives repeated 9 times;
# focal loss (gamma 2); label smoothing 0.2. The test set measures each.

# %%
WEIGHT = 9.0


def train_logistic(X, y, loss="binary_crossentropy", **fit_options):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.05), loss)
    model.fit(X, y[:, None].astype("float32"), epochs=10, batch_size=100, verbose=0, **fit_options)
    return model


repeats = np.where(y_train == 1, int(WEIGHT), 1)
models = {
    "plain": train_logistic(X_train, y_train),
    "class_weight 9": train_logistic(X_train, y_train, class_weight={0: 1.0, 1: WEIGHT}),
    "oversampled x9": train_logistic(np.repeat(X_train, repeats, axis=0), np.repeat(y_train, repeats)),
    "focal, gamma 2": train_logistic(X_train, y_train, loss=keras.losses.BinaryFocalCrossentropy(gamma=2.0)),
    "label smoothing 0.2": train_logistic(X_train, y_train, loss=keras.losses.BinaryCrossentropy(label_smoothing=0.2)),
}
test_prob = {name: keras.ops.convert_to_numpy(model(X_test))[:, 0].astype("float64") for name, model in models.items()}

# %%
effects = {}
for name, prob in test_prob.items():
    effects[name] = dict(mean=prob.mean(), ece=ece(y_test, prob), brier=lossviz.metrics.brier_score_loss(y_test, prob),
                         auc=sklearn.metrics.roc_auc_score(y_test, prob), low=np.quantile(prob, 0.01),
                         high=np.quantile(prob, 0.99), recall=np.mean(prob[y_test == 1] > 0.5))
    print(f"{name:>20}: mean p {effects[name]['mean']:.3f}, ECE {effects[name]['ece']:.4f}, "
          f"Brier {effects[name]['brier']:.4f}, AUC {effects[name]['auc']:.4f}, "
          f"p from {effects[name]['low']:.3f} to {effects[name]['high']:.3f} (1st-99th pct), "
          f"recall at 0.5 {effects[name]['recall']:.2f}")

# %% [markdown]
# Read across: the ranking (AUC) barely moves, the probabilities move a lot.
# - `class_weight` and oversampling are the same thing (as [04](04_weighting.ipynb#Oversampling-against-weighting)
#   shows for the loss): both push every probability up, the mean far above the 10 % base
#   rate, and more positives cross 0.5.
# - Focal loss down-weights the easy, confident samples: the probabilities are squeezed
#   towards the middle, underconfident at both ends.
# - Label smoothing 0.2 trains on targets 0.1 and 0.9: no probability needs to go below
#   0.1 or above 0.9, and the 99th percentile stays below 0.9.
# Plain crossentropy, a proper score, is the only one of the five whose ECE is small.

# %%
plain = effects["plain"]
for name, effect in effects.items():
    assert abs(effect["auc"] - plain["auc"]) < 0.005
    if name != "plain":
        assert effect["ece"] > 3 * plain["ece"] and effect["mean"] > plain["mean"] + 0.03
for name in ("class_weight 9", "oversampled x9"):
    assert effects[name]["mean"] > 2 * PREVALENCE and effects[name]["recall"] > plain["recall"] + 0.2
assert abs(effects["class_weight 9"]["mean"] - effects["oversampled x9"]["mean"]) < 0.03
for name in ("focal, gamma 2", "label smoothing 0.2"):
    assert effects[name]["low"] > plain["low"] and effects[name]["high"] < plain["high"]
assert effects["label smoothing 0.2"]["high"] < 0.9
