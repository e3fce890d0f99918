"""Shared input checks, with one message style for the whole package.

Every check raises ``ValueError`` with a message of the form Keras uses::

    Invalid value for argument `y_pred`. Expected values in [0, 1]
    (probabilities; pass from_logits=True for logits). Received: min=-0.3, max=1.2.

The argument name comes first, then what was expected, then what arrived, so a
learner can fix the call without reading our source.
"""

from __future__ import annotations

import importlib.util
import numbers
import os
import sys
import warnings
from collections.abc import Iterable

import numpy as np

__all__ = [
    "fail",
    "as_float_array",
    "check_finite",
    "check_probabilities",
    "check_interval",
    "check_one_of",
    "check_same_length",
    "check_integer",
    "describe",
    "import_keras",
    "warn_user",
    "returns_like",
]

#: The Keras backend lossviz uses when the user has not chosen one (``KERAS_BACKEND``).
DEFAULT_KERAS_BACKEND = "tensorflow"
#: How to install each backend Keras 3 knows, for the error a missing one raises.
BACKEND_INSTALL_HINTS = {
    "tensorflow": "pip install tensorflow-cpu (Linux x86_64) or pip install tensorflow",
    "jax": 'pip install "jax[cpu]"',
    "torch": "pip install torch (see https://pytorch.org for a CPU-only wheel)",
    "numpy": "nothing to install, but the numpy backend cannot train or take gradients",
    "openvino": "pip install openvino (inference only)",
}


def describe(value) -> str:
    """A short description of what arrived, for error messages."""
    if isinstance(value, np.ndarray):
        if value.size == 0:
            return f"an empty array of shape {value.shape}"
        if value.size <= 6:
            return f"array of shape {value.shape}: {np.array2string(value.ravel(), precision=4)}"
        return f"array of shape {value.shape}"
    return f"{value!r}"


_PACKAGE_DIRECTORY = os.path.dirname(os.path.abspath(__file__))


def warn_user(message: str) -> None:
    """A ``UserWarning`` attributed to the first caller outside lossviz (the user's line).

    For input Keras accepts although it is almost surely a mistake; the message says
    ``"name: expected ...; got ...; what Keras does with it"``.
    """
    frame, level = sys._getframe(1), 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIRECTORY + os.sep):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, UserWarning, stacklevel=level)


def returns_like(conversion):
    """Mark a validator that returns what it checked, converted as ``conversion`` converts it.

    ``y_true, y_pred = check_pair(y_true, y_pred)`` validates and converts once.
    ``lossviz.standalone_source`` reads the mark and writes the plain conversion in the
    copied block instead (``y_true, y_pred = as_float_pair(y_true, y_pred)``, the
    validator's first arguments), as it drops a bare ``check_...()`` call.

    Args:
        conversion: The function that converts the validator's first arguments the same
            way without checking them.

    Returns:
        A decorator that returns the validator unchanged.
    """

    def mark(validator):
        validator.returns_like = conversion
        return validator

    return mark


def fail(name: str, expected: str, received) -> None:
    """Raise the package's ValueError for argument ``name``.

    ``received`` is either a ready string (starting with ``"Received"``) or a value,
    which is described with :func:`describe`.
    """
    if not (isinstance(received, str) and received.startswith("Received")):
        received = f"Received: {name}={describe(received)}"
    raise ValueError(f"Invalid value for argument `{name}`. Expected {expected}. {received}.")


def as_float_array(value, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """``np.asarray(value, float64)``, refusing empty, non-numeric and non-finite input."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        fail(name, "a numeric array", value)
    if array.size == 0 and not allow_empty:
        fail(name, "a non-empty array", array)
    check_finite(array, name)
    return array


def check_finite(array: np.ndarray, name: str) -> None:
    """Refuse NaN and +-inf, saying how many and where the first one is."""
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        fail(
            name,
            "finite values (no NaN or inf)",
            f"Received: {int(bad.sum())} non-finite value(s), the first {float(array[first])!r} at index {first}",
        )


def check_probabilities(array: np.ndarray, name: str, *, hint: str = "") -> None:
    """Refuse values outside [0, 1]."""
    low, high = float(array.min()), float(array.max())
    if low < 0.0 or high > 1.0:
        fail(name, f"values in [0, 1]{hint}", f"Received: min={low:.6g}, max={high:.6g}")


def check_interval(
    value,
    name: str,
    low: float = -np.inf,
    high: float = np.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Check a scalar hyperparameter against an interval and return it as float."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        fail(name, "a real number", value)
    below = number <= low if low_open else number < low
    above = number >= high if high_open else number > high
    if not np.isfinite(number) and not (np.isinf(number) and np.isinf(low if number < 0 else high)):
        below = True
    if below or above or np.isnan(number):
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        fail(name, f"a number in {interval}", value)
    return number


def check_one_of(value, name: str, options: Iterable) -> None:
    """Refuse a value outside a fixed set of options."""
    options = list(options)
    if value not in options:
        fail(name, f"one of {{{', '.join(repr(o) for o in options)}}}", value)


def check_same_length(first: np.ndarray, second: np.ndarray, names: tuple[str, str]) -> None:
    """Refuse arrays whose first dimensions differ."""
    if len(first) != len(second):
        fail(
            names[1],
            f"the same number of samples as `{names[0]}` ({len(first)})",
            f"Received: {len(second)}",
        )


def check_integer(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Refuse anything but an integer (``bool`` included) in ``[minimum, maximum]``; return it as ``int``."""
    if minimum is not None and maximum is not None:
        bounds = f" in [{minimum}, {maximum}]"
    elif minimum is not None:
        bounds = f" >= {minimum}"
    else:
        bounds = "" if maximum is None else f" <= {maximum}"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        fail(name, f"an integer{bounds}", value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        fail(name, f"an integer{bounds}", value)
    return int(value)


def import_keras():
    """Import Keras on ``KERAS_BACKEND`` (TensorFlow when unset) and return the module.

    The one place lossviz chooses a default backend. A backend Keras does not know, or
    one that is not installed, raises a ValueError naming it and how to install it,
    instead of a deep traceback from inside Keras.
    """
    backend = os.environ.setdefault("KERAS_BACKEND", DEFAULT_KERAS_BACKEND)
    if backend not in BACKEND_INSTALL_HINTS:
        fail(
            "KERAS_BACKEND",
            f"one of {{{', '.join(map(repr, BACKEND_INSTALL_HINTS))}}}",
            f"Received: KERAS_BACKEND={backend!r}",
        )
    # Each backend's Python package has the backend's own name.
    if importlib.util.find_spec(backend) is None:
        fail(
            "KERAS_BACKEND",
            f"an installed backend; {backend!r} is not installed here ({BACKEND_INSTALL_HINTS[backend]})",
            f"Received: KERAS_BACKEND={backend!r}",
        )
    import keras

    return keras
