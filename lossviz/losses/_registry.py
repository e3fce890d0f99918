"""The one registry of the loss twins: each loss registers itself where it is defined.

A loss carries its registration on its definition, as Keras's
``register_keras_serializable`` does, and its gradient says which loss it belongs to::

    @register_loss(aliases=("mse",), short=True)
    def mean_squared_error(y_true, y_pred): ...

    @gradient_of(mean_squared_error)
    def _mean_squared_error_gradient(y_true, y_pred): ...

:mod:`lossviz.losses` (``LOSSES``, ``ALIASES``, ``get``, ``gradient``), the standalone
blocks (``lossviz.standalone``) and the tests read these tables; there is no other list
of losses to keep in step. ``standalone_source`` leaves ``@register_loss(...)`` out of the
blocks it copies.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["register_loss", "gradient_of", "registered_in", "gradients_in"]

#: Every loss by its snake-case name (the Keras function name for Keras losses), in the
#: order the family modules define them.
LOSSES: dict[str, Callable] = {}
#: Shorthand -> full name (the Keras shorthands such as ``"mse"``).
ALIASES: dict[str, str] = {}
#: Loss function -> its hand-written gradient.
GRADIENTS: dict[Callable, Callable] = {}
#: Names of the losses Keras does not have (``register_loss(keras=False)``).
BEYOND_KERAS: list[str] = []
#: Names of the common losses whose NumPy block must stay short (``register_loss(short=True)``).
SHORT: list[str] = []


def register_loss(*, aliases: tuple[str, ...] = (), keras: bool = True, short: bool = False):
    """Register the decorated function as a loss twin, under its own name and ``aliases``.

    Args:
        aliases: Shorthand names (``("mse",)``), also module attributes of
            :mod:`lossviz.losses`.
        keras: Whether ``keras.losses`` has a function of the same name; tests compare
            the twin with it. Defaults to True.
        short: Whether its ``standalone_source`` block must stay within
            ``lossviz.standalone.LINE_LIMIT`` code lines. Defaults to False.

    Returns:
        A decorator that registers the function and returns it unchanged.

    Raises:
        RuntimeError: When the name or an alias is taken already.

    Taught in: notebooks/01_regression_losses.ipynb
    """

    def register(function: Callable) -> Callable:
        name = function.__name__
        for taken in (name, *aliases):
            if taken in LOSSES or taken in ALIASES:
                raise RuntimeError(f"a loss named {taken!r} is registered already")
        LOSSES[name] = function
        ALIASES.update((alias, name) for alias in aliases)
        if not keras:
            BEYOND_KERAS.append(name)
        if short:
            SHORT.append(name)
        return function

    return register


def gradient_of(loss: Callable):
    """Register the decorated function as the gradient of ``loss``, a registered loss.

    The gradient takes the loss's arguments and returns d(sum of per-sample losses)/d
    ``y_pred``, with ``y_pred``'s shape; :func:`lossviz.losses.gradient` calls it.

    Raises:
        RuntimeError: When ``loss`` is not registered, or has a gradient already.

    Taught in: notebooks/01_regression_losses.ipynb
    """
    if LOSSES.get(getattr(loss, "__name__", None)) is not loss:
        raise RuntimeError(f"{loss!r} is not a registered loss: decorate it with @register_loss first")
    if loss in GRADIENTS:
        raise RuntimeError(f"{loss.__name__} has a gradient already")

    def register(gradient: Callable) -> Callable:
        GRADIENTS[loss] = gradient
        return gradient

    return register


def registered_in(*modules: str) -> list[str]:
    """Names of the losses defined in ``modules``, in order: a family module's ``__all__``."""
    return [name for name, function in LOSSES.items() if function.__module__ in modules]


def gradients_in(*modules: str) -> dict[Callable, Callable]:
    """Loss -> gradient for the losses defined in ``modules``: a family module's ``GRADIENTS``."""
    return {LOSSES[name]: GRADIENTS[LOSSES[name]] for name in registered_in(*modules) if LOSSES[name] in GRADIENTS}
