"""The small Keras model that scores the breast cancer data in notebooks 05 and 06.

Both notebooks need the same thing: test-set scores from a real Keras model, to compute
metrics and curves on. :func:`fit_logistic_regression` builds and fits it (one sigmoid
unit on the 30 standardised features: logistic regression trained with Keras), and
:func:`predict_scores` turns its output into the 1-D float64 scores that the metrics in
``lossviz.metrics`` and scikit-learn take. The model is the point of neither notebook,
so it lives here, once; the source below is the whole recipe.

This module imports Keras (after ``KERAS_BACKEND`` defaults to TensorFlow); the
``lossviz`` package never imports it by itself.
"""

from __future__ import annotations

import numpy as np

from lossviz._validation import as_float_array, check_integer, check_same_length, fail, import_keras

keras = import_keras()

__all__ = ["fit_logistic_regression", "fit_steps", "predict_scores"]


def fit_logistic_regression(
    X_train, y_train, *, epochs: int = 5, batch_size: int = 64, learning_rate: float = 0.1, seed: int = 0
) -> keras.Model:
    """Fit logistic regression as a Keras model: ``Dense(1, activation="sigmoid")``.

    p(x) = sigmoid(w . x + b), trained on binary crossentropy with Adam. The weights
    are initialised after ``keras.utils.set_random_seed(seed)``, so a seed gives the
    same model on every run.

    Args:
        X_train: features, shape (n_samples, n_features); standardise them first.
        y_train: labels in {0, 1}, shape (n_samples,).
        epochs: passes over the training data (default 5).
        batch_size: samples per gradient step (default 64).
        learning_rate: Adam's step size (default 0.1).
        seed: seed for the initial weights and the shuffling (default 0).

    Returns:
        The fitted, compiled ``keras.Model``.

    Raises:
        ValueError: if X_train is not 2-D, y_train is not 1-D labels in {0, 1},
            their lengths differ, or epochs, batch_size or seed is not an integer in
            its range.

    Example:
        >>> from lossviz.data import breast_cancer_split
        >>> X_train, X_test, y_train, y_test = breast_cancer_split(positive="malignant")
        >>> model = fit_logistic_regression(X_train, y_train)
        >>> y_score = predict_scores(model, X_test)
        >>> y_score.shape, bool(np.mean((y_score > 0.5) == y_test) > 0.9)
        ((143,), True)

    Taught in: notebooks/05_custom_metrics.ipynb, notebooks/06_roc_pr_curves.ipynb
    """
    X_train = as_float_array(X_train, "X_train")
    if X_train.ndim != 2:
        fail("X_train", "a 2-D array (n_samples, n_features)", f"Received: shape {X_train.shape}")
    y_train = np.asarray(y_train)
    if y_train.ndim != 1 or not np.isin(y_train, (0, 1)).all():
        fail(
            "y_train",
            "a 1-D array of labels in {0, 1}",
            f"Received: shape {y_train.shape} with values {np.unique(y_train)[:5].tolist()}",
        )
    check_same_length(X_train, y_train, ("X_train", "y_train"))
    epochs = check_integer(epochs, "epochs", minimum=1)
    batch_size = check_integer(batch_size, "batch_size", minimum=1)
    keras.utils.set_random_seed(check_integer(seed, "seed", minimum=0))
    model = keras.Sequential([keras.Input((X_train.shape[1],)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(learning_rate), "binary_crossentropy")
    # (n, 1) targets match the (n, 1) output, so nothing is broadcast.
    model.fit(X_train, y_train[:, None], epochs=epochs, batch_size=batch_size, verbose=0)
    return model


def predict_scores(model: keras.Model, X) -> np.ndarray:
    """P(class 1) for every row of X, as a 1-D float64 array.

    Calls the model directly (inference mode, no progress bar) and drops the output's
    last axis of size 1, so the result goes straight into ``lossviz.metrics`` or
    scikit-learn.

    Args:
        model: a Keras model with one sigmoid output, shape (n, 1).
        X: features, shape (n_samples, n_features).

    Returns:
        Scores, shape (n_samples,), float64.

    Raises:
        ValueError: if the model's output is not one column.

    Taught in: notebooks/05_custom_metrics.ipynb, notebooks/06_roc_pr_curves.ipynb
    """
    output = keras.ops.convert_to_numpy(model(as_float_array(X, "X"), training=False))
    if output.ndim != 2 or output.shape[1] != 1:
        fail("model", "a model with one sigmoid output, shape (n, 1)", f"Received: output of shape {output.shape}")
    return output[:, 0].astype(np.float64)


def fit_steps(model: keras.Model, x, y, *, steps: int, batch_size: int | None = None) -> keras.Model:
    """Train ``steps`` batches in order in one epoch: the weights of ``steps`` short epochs, faster.

    A speed trick, not a lesson: ``steps`` epochs of one batch each pay Keras's per-epoch
    overhead ``steps`` times. Stacking copies of the data and running one epoch without
    shuffling gives the same batches in the same order, so the same weights, in a
    fraction of the time. With ``batch_size=None`` (the whole data) it is
    ``model.fit(x, y, batch_size=len(x), epochs=steps, shuffle=False)``.

    Args:
        model: a compiled Keras model.
        x: inputs, shape (n, ...).
        y: targets, shape (n, ...).
        steps: how many batches to train on, >= 1.
        batch_size: samples per step; must divide len(x). Defaults to None (len(x)).

    Returns:
        The model, trained.

    Raises:
        ValueError: if ``steps`` < 1 or ``batch_size`` does not divide len(x).

    Taught in: notebooks/01_regression_losses.ipynb
    """
    x, y = np.asarray(x), np.asarray(y)
    check_same_length(x, y, ("x", "y"))
    steps = check_integer(steps, "steps", minimum=1)
    batch_size = len(x) if batch_size is None else check_integer(batch_size, "batch_size", minimum=1)
    if len(x) % batch_size:
        fail("batch_size", f"a divisor of len(x) = {len(x)}", f"Received: batch_size={batch_size}")
    copies = -(-steps * batch_size // len(x))  # enough copies for `steps` batches
    tiled = [np.concatenate([array] * copies)[: steps * batch_size] for array in (x, y)]
    model.fit(*tiled, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return model
