"""Detect Keras behaviours that depend on the version or the backend.

A notebook that asserts a Keras bug breaks on the upgrade that fixes it. Instead it asks
one of these functions what the installed Keras does, teaches both outcomes, and asserts
whichever holds. Each function measures the behaviour (it never reads Keras's source
files, which move between versions) and takes the Keras object under test as an
optional argument, so the tests can hand it a stand-in that behaves like the fixed
version.

Facts detected (Keras 3.15 answers in brackets):

- :func:`huber_forgets_delta`: ``Huber(delta)`` loses ``delta`` in ``get_config`` [True;
  fixed upstream by keras-team/keras#23286].
- :func:`tversky_swaps_alpha_beta`: ``tversky`` applies ``alpha`` to FN, ``beta`` to FP
  [True].
- :func:`sklearn_clone_drops_fit_kwargs`: ``sklearn.base.clone`` of a
  ``keras.wrappers.SKLearnClassifier`` forgets ``fit_kwargs`` [True].
- :func:`scores_stored_logits`: a crossentropy scores a sigmoid/softmax output from the
  logits it stores, unclipped [True on TensorFlow, False on JAX and PyTorch].

Taught in: notebooks/02_probabilistic_losses.ipynb, notebooks/03_custom_losses.ipynb,
notebooks/07_kfold_cross_validation.ipynb
"""

from __future__ import annotations

import numpy as np

from lossviz._validation import import_keras

__all__ = [
    "huber_forgets_delta",
    "tversky_swaps_alpha_beta",
    "sklearn_clone_drops_fit_kwargs",
    "scores_stored_logits",
    "TVERSKY_EXAMPLE",
]

#: The mask, soft prediction and weights the tversky check uses (notebook 02 shows them).
TVERSKY_EXAMPLE = {
    "y_true": np.array([[1.0, 1.0, 0.0, 0.0, 1.0]]),
    "y_pred": np.array([[0.9, 0.4, 0.6, 0.1, 0.8]]),
    "alpha": 0.7,
    "beta": 0.3,
}


def huber_forgets_delta(huber_class=None) -> bool:
    """Whether ``Huber(delta=0.5)`` comes back from its config with another ``delta``.

    A saved model stores its loss as ``get_config()`` and rebuilds it with
    ``from_config``; the check does that round trip and compares the loss of a residual
    of 2 before and after: ``delta |x| - delta^2 / 2`` is 0.875 with ``delta = 0.5`` and
    1.5 with the default ``delta = 1``.

    Args:
        huber_class: the loss class to test; ``keras.losses.Huber`` by default.

    Returns:
        True when the rebuilt loss computes another value (Keras <= 3.15), else False.

    Example:
        >>> huber_forgets_delta()  # Keras 3.15
        True

    Taught in: notebooks/03_custom_losses.ipynb
    """
    keras = import_keras()
    huber_class = keras.losses.Huber if huber_class is None else huber_class
    original = huber_class(delta=0.5)
    rebuilt = huber_class.from_config(original.get_config())
    y_true, y_pred = np.zeros((1, 1), "float32"), np.full((1, 1), 2.0, "float32")
    before = float(keras.ops.convert_to_numpy(original(y_true, y_pred)))
    after = float(keras.ops.convert_to_numpy(rebuilt(y_true, y_pred)))
    return bool(not np.isclose(before, after))


def tversky_swaps_alpha_beta(tversky=None) -> bool:
    """Whether ``tversky`` weights false negatives by ``alpha`` (documented: false positives).

    Documented: ``1 - TP / (TP + alpha FP + beta FN + eps)``. The check scores
    :data:`TVERSKY_EXAMPLE` (alpha 0.7, beta 0.3, so the two readings differ) and says
    which of the two formulas the value matches.

    Args:
        tversky: the function to test, ``(y_true, y_pred, alpha=, beta=)``;
            ``keras.losses.tversky`` by default.

    Returns:
        True when alpha and beta are swapped (Keras <= 3.15), False when the value is the
        documented one.

    Raises:
        RuntimeError: the value matches neither formula (the loss changed in another way).

    Example:
        >>> tversky_swaps_alpha_beta()  # Keras 3.15
        True

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    keras = import_keras()
    tversky = keras.losses.tversky if tversky is None else tversky
    y_true, y_pred = TVERSKY_EXAMPLE["y_true"], TVERSKY_EXAMPLE["y_pred"]
    alpha, beta = TVERSKY_EXAMPLE["alpha"], TVERSKY_EXAMPLE["beta"]
    tp, fp, fn = np.sum(y_true * y_pred), np.sum((1 - y_true) * y_pred), np.sum(y_true * (1 - y_pred))
    epsilon = keras.backend.epsilon()
    documented = 1 - tp / (tp + alpha * fp + beta * fn + epsilon)
    swapped = 1 - tp / (tp + beta * fp + alpha * fn + epsilon)
    value = float(keras.ops.convert_to_numpy(tversky(y_true, y_pred, alpha=alpha, beta=beta)))
    if np.isclose(value, documented, rtol=1e-5):
        return False
    if np.isclose(value, swapped, rtol=1e-5):
        return True
    raise RuntimeError(f"tversky gave {value:.6f}: neither the documented {documented:.6f} "
                       f"nor the swapped {swapped:.6f}")


def _tiny_classifier(X, y):
    keras = import_keras()
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(y.shape[1], activation="softmax")])
    model.compile(loss="categorical_crossentropy")
    return model


def sklearn_clone_drops_fit_kwargs(wrapper_class=None) -> bool:
    """Whether ``sklearn.base.clone`` of a Keras scikit-learn wrapper loses ``fit_kwargs``.

    ``cross_validate`` clones the estimator for every fold, so fit arguments that the
    clone loses (epochs, batch size) are silently replaced by Keras's defaults.

    Args:
        wrapper_class: the wrapper to test; ``keras.wrappers.SKLearnClassifier`` by
            default (needs Keras >= 3.8).

    Returns:
        True when the clone's ``fit_kwargs`` differ from the original's (Keras 3.15).

    Example:
        >>> sklearn_clone_drops_fit_kwargs()  # Keras 3.15
        True

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    from sklearn.base import clone

    keras = import_keras()
    wrapper_class = keras.wrappers.SKLearnClassifier if wrapper_class is None else wrapper_class
    fit_kwargs = {"epochs": 2, "batch_size": 8}
    return bool(clone(wrapper_class(_tiny_classifier, fit_kwargs=dict(fit_kwargs))).fit_kwargs != fit_kwargs)


def scores_stored_logits(binary_crossentropy=None, sigmoid=None) -> bool:
    """Whether a crossentropy scores a sigmoid output from its stored logits (no clipping).

    ``binary_crossentropy([[0]], sigmoid([[50]]))``: clipped probabilities give at most
    ``-log(1e-7 float32 distance from 1) = 15.94``; scoring the stored logit 50 gives 50.

    Args:
        binary_crossentropy: the loss function to test; ``keras.losses.binary_crossentropy``.
        sigmoid: the activation producing its input; ``keras.activations.sigmoid``.

    Returns:
        True when the value exceeds every clipped value, that is the loss read the logits
        (TensorFlow backend); False when the probabilities were clipped (JAX, PyTorch).

    Example:
        >>> import os
        >>> scores_stored_logits() == (os.environ["KERAS_BACKEND"] == "tensorflow")
        True

    Taught in: notebooks/02_probabilistic_losses.ipynb
    """
    keras = import_keras()
    binary_crossentropy = keras.losses.binary_crossentropy if binary_crossentropy is None else binary_crossentropy
    sigmoid = keras.activations.sigmoid if sigmoid is None else sigmoid
    probability = sigmoid(keras.ops.convert_to_tensor([[50.0]]))
    value = float(np.squeeze(keras.ops.convert_to_numpy(binary_crossentropy(np.zeros((1, 1), "float32"), probability))))
    return bool(value > -np.log(keras.backend.epsilon()) + 1.0)
