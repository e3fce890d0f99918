"""NumPy twins of every Keras 3 built-in loss, with hand-written gradients.

Each function has the name, positional ``(y_true, y_pred)``, keyword arguments and
defaults of its ``keras.losses`` counterpart (Keras 3.15), and returns the same
per-sample values (``reduction=None``). Each computes in ``y_pred``'s float dtype, as
Keras's function form does on TensorFlow: float32 input gives Keras's float32 result,
its clipping included (``1 - 1e-7`` is ``1 - 1.19e-7`` in float32), float64 gives
float64, and integer input is computed in float32 as Keras's loss classes cast it
(``ctc`` runs its recursion in float64 and returns the input's dtype). Where Keras's
code disagrees with its own documentation the twin follows the documented mathematics
and says so (:func:`tversky`, label smoothing with ``axis != -1``, generalized
cross-entropy with ``(B, 1)`` labels). Where Keras accepts an input that is almost surely
a mistake (probabilities or targets outside [0, 1] in the crossentropies and
``kl_divergence``, float class labels, negative Poisson counts or MSLE targets, masks
outside [0, 1], a 0 inside a ctc label row) the twin returns Keras's value with a
``UserWarning`` that names the argument and says what Keras did with it; only what
Keras turns into NaN (a probability row summing to 0, a negative Poisson rate ...),
NaN/inf input and wrong shapes raise ``ValueError``.

Each public function starts with its argument checks (calls named ``check_...``; the
first, ``y_true, y_pred = check_pair(...)`` or a family's ``check_..._inputs``, returns the
pair it checked, converted once), then the formula, inline:
``lossviz.standalone_source(name)`` copies the formula without the checks (the assigned
check becomes the plain conversion ``as_float_pair``) as a block that runs by itself.

=========================  ==================================================  ========
module                     losses                                              notebook
=========================  ==================================================  ========
``regression``             Keras's regression losses (mse, mae, huber ...)     01
``robust`` (not Keras)     pseudo_huber, general_robust (Barron)               01
``crossentropy``           the binary cross-entropies; re-exports the others   02
``categorical``            cross-entropies of one-hot or soft targets          02
``sparse``                 cross-entropies of integer class labels             02
``probabilistic``          poisson, kl_divergence (kld), ctc                   02
``margin``                 the hinge losses                                    02
``overlap``                dice, tversky                                       02
``metric_learning``        circle                                              02
=========================  ==================================================  ========

Each loss registers itself where it is defined (``@register_loss(aliases=...)`` on the
loss, ``@gradient_of(loss)`` on its gradient; see ``lossviz.losses._registry``):
:data:`LOSSES` lists every loss by name, :data:`ALIASES` the Keras shorthands, and each
is an attribute of this module.

:func:`gradient` gives d(sum of per-sample losses)/d y_pred for any of them;
:func:`residual_loss` and :func:`residual_gradient` give the elementwise curves of the
regression losses as functions of the residual ``y_pred - y_true``, for plots.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lossviz._validation import as_float_array, fail

# Importing a family module registers its losses (``@register_loss`` on each definition).
from lossviz.losses import crossentropy, margin, metric_learning, overlap, probabilistic, regression, robust  # noqa: F401, I001
from lossviz.losses._registry import ALIASES, LOSSES, gradient_of, register_loss
from lossviz.losses._registry import GRADIENTS as _GRADIENTS

# Every loss and every shorthand is an attribute of this module: ``losses.huber``, ``losses.mse``.
globals().update(LOSSES)
globals().update((alias, LOSSES[name]) for alias, name in ALIASES.items())

__all__ = [
    *LOSSES,
    *ALIASES,
    "ALIASES",
    "LOSSES",
    "RESIDUAL_LOSSES",
    "get",
    "gradient",
    "residual_loss",
    "residual_gradient",
    "register_loss",
    "gradient_of",
]


def get(loss) -> Callable:
    """The loss function for a name (full or shorthand) or a loss function itself.

    Args:
        loss: A name such as ``"huber"`` or ``"mse"``, or one of this module's functions.

    Returns:
        The loss function.

    Raises:
        ValueError: If ``loss`` is not one of this module's losses.

    Example:
        >>> get("mse") is mean_squared_error
        True

    Taught in: notebooks/01_regression_losses.ipynb
    """
    if callable(loss):
        if LOSSES.get(getattr(loss, "__name__", None)) is loss:
            return loss
        fail("loss", "one of the lossviz.losses functions", f"Received: loss={loss!r}")
    if isinstance(loss, str) and ALIASES.get(loss, loss) in LOSSES:
        return LOSSES[ALIASES.get(loss, loss)]
    fail("loss", f"a loss name, one of {sorted(LOSSES) + sorted(ALIASES)}", f"Received: loss={loss!r}")


def gradient(loss, y_true, y_pred, **kwargs) -> np.ndarray:
    """Analytic gradient of the summed per-sample loss with respect to ``y_pred``.

    ``gradient(loss, y_true, y_pred, **kwargs) = d sum(loss(y_true, y_pred, **kwargs)) / d y_pred``

    Every derivative is written by hand next to its loss (no numeric differencing) and
    matches what ``tf.GradientTape`` gives for the Keras loss, including its clipping
    conventions: where Keras clips a probability to ``[1e-7, 1 - 1e-7]`` (or a
    prediction to ``>= 1e-7`` in MSLE) the loss is flat and the gradient is exactly 0.
    Summing over samples means ``reduction="sum"``; divide by the number of samples
    for Keras's default ``"sum_over_batch_size"``.

    Args:
        loss: A loss name (``"huber"``, ``"bce"`` ...) or a function of this module.
        y_true: Targets, as for the loss.
        y_pred: Predictions, as for the loss.
        **kwargs: The loss's keyword arguments (``delta=``, ``from_logits=`` ...).

    Returns:
        Array of the same shape as ``y_pred``.

    Raises:
        ValueError: On an unknown ``loss``, and on any input the loss itself refuses.

    Example:
        >>> import numpy as np
        >>> gradient("mse", [[0.0, 0.0]], [[1.0, -2.0]])  # 2 (y_pred - y_true) / 2
        array([[ 1., -2.]])
        >>> gradient("binary_crossentropy", [[1.0]], [[0.0]], from_logits=True)
        array([[-0.5]])

    Taught in: notebooks/01_regression_losses.ipynb
    """
    function = get(loss)
    result = _GRADIENTS[function](y_true, y_pred, **kwargs)
    # Rank alignment may have added or dropped a trailing axis of size 1.
    return np.reshape(result, np.shape(np.asarray(y_pred)))


# Elementwise loss curves of the regression losses, for plots: (loss, derivative, check).
def _no_parameters(**kwargs):
    if kwargs:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(kwargs)}")
    return {}


def _delta_parameters(delta=1.0):
    return {"delta": regression.check_delta(delta)}


def _robust_parameters(alpha=1.0, scale=1.0):
    alpha, scale = robust.check_robust_parameters(alpha, scale)
    return {"alpha": alpha, "scale": scale}


_RESIDUAL_CURVES = {
    "mean_squared_error": (regression.squared_error, regression.squared_error_gradient, _no_parameters),
    "mean_absolute_error": (regression.absolute_error, regression.absolute_error_gradient, _no_parameters),
    "huber": (regression.huber_elementwise, regression.huber_elementwise_gradient, _delta_parameters),
    "log_cosh": (regression.log_cosh_elementwise, regression.log_cosh_elementwise_gradient, _no_parameters),
    "pseudo_huber": (robust.pseudo_huber_elementwise, robust.pseudo_huber_elementwise_gradient, _delta_parameters),
    "general_robust": (
        robust.general_robust_elementwise,
        robust.general_robust_elementwise_gradient,
        _robust_parameters,
    ),
}

#: Names accepted by :func:`residual_loss` and :func:`residual_gradient`.
RESIDUAL_LOSSES = tuple(_RESIDUAL_CURVES) + ("mse", "mae")


def _residual_curve(name, residual, kwargs, which):
    key = ALIASES.get(name, name) if isinstance(name, str) else name
    if key not in _RESIDUAL_CURVES:
        fail("name", f"a regression loss with an elementwise curve, one of {list(RESIDUAL_LOSSES)}", name)
    curve, derivative, parameters = _RESIDUAL_CURVES[key]
    parameters = parameters(**kwargs)
    residual = as_float_array(residual, "residual")
    return np.asarray((curve, derivative)[which](residual, **parameters))


def residual_loss(name, residual, **kwargs) -> np.ndarray:
    """Elementwise loss of a residual ``x = y_pred - y_true``, for plotting loss curves.

    Uses the same elementwise maths as the per-sample losses (before the mean over the
    last axis): ``"mse"`` gives ``x**2``, ``"mae"`` ``|x|``, ``"huber"`` the Huber
    curve and so on.

    Args:
        name: One of ``"mean_squared_error"``/``"mse"``, ``"mean_absolute_error"``/
            ``"mae"``, ``"huber"``, ``"log_cosh"``, ``"pseudo_huber"``, ``"general_robust"``.
        residual: Array of residuals, any shape.
        **kwargs: The loss's hyperparameters: ``delta`` (huber, pseudo_huber),
            ``alpha`` and ``scale`` (general_robust).

    Returns:
        Array of the same shape as ``residual``.

    Raises:
        ValueError: On any other ``name`` (classification losses have no residual),
            an invalid hyperparameter, NaN/inf or empty ``residual``.

    Example:
        >>> import numpy as np
        >>> residual_loss("huber", np.array([-3.0, 0.5, 3.0]), delta=1.0)
        array([2.5  , 0.125, 2.5  ])

    Taught in: notebooks/01_regression_losses.ipynb
    """
    return _residual_curve(name, residual, kwargs, 0)


def residual_gradient(name, residual, **kwargs) -> np.ndarray:
    """Derivative of :func:`residual_loss` with respect to the residual ``x``.

    Args:
        name: As for :func:`residual_loss`.
        residual: Array of residuals, any shape.
        **kwargs: As for :func:`residual_loss`.

    Returns:
        Array of the same shape as ``residual``.

    Raises:
        ValueError: As for :func:`residual_loss`.

    Example:
        >>> import numpy as np
        >>> residual_gradient("huber", np.array([-3.0, 0.5, 3.0]), delta=1.0)
        array([-1. ,  0.5,  1. ])

    Taught in: notebooks/01_regression_losses.ipynb
    """
    return _residual_curve(name, residual, kwargs, 1)
