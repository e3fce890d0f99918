"""One seed for a whole notebook, read in one place: ``lossviz.setup()``.

Every notebook's first code cell is ``session = lossviz.setup()``. It reads the seed from
the ``LOSSVIZ_SEED`` environment variable (default 0), seeds Keras, picks the matplotlib
backend for notebooks, and prints the versions the numbers below it depend on. Cells then
derive every data set, shuffle and Keras seed from ``session.seed`` (``seed``, ``seed + 1``,
...) or draw from ``session.rng``, so ``LOSSVIZ_SEED=3 pytest notebooks/`` reruns every
claim on other data::

    session = lossviz.setup()          # prints: seed 0, keras 3.15.0 (tensorflow) ...
    data = lossviz.data.scored_binary(seed=session.seed)

Taught in: notebooks/00_start_here.ipynb
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass, field

import numpy as np

from lossviz._validation import fail

__all__ = ["Session", "read_seed", "setup", "SEED_VARIABLE", "MATPLOTLIB_VARIABLE"]

#: The environment variable every notebook's seed comes from.
SEED_VARIABLE = "LOSSVIZ_SEED"
#: The environment variable naming the matplotlib backend of notebooks (default "widget").
MATPLOTLIB_VARIABLE = "LOSSVIZ_MATPLOTLIB"


@dataclass(frozen=True)
class Session:
    """What ``setup()`` chose: the seed, a NumPy generator drawn from it, the versions."""

    seed: int
    rng: np.random.Generator = field(repr=False)
    versions: dict = field(default_factory=dict)


def read_seed(environ=None) -> int:
    """The seed in ``LOSSVIZ_SEED``: a non-negative integer, 0 when unset or empty.

    Args:
        environ: mapping to read from; ``os.environ`` by default.

    Returns:
        The seed as an int.

    Raises:
        ValueError: naming LOSSVIZ_SEED when the value is not a non-negative integer.

    Example:
        >>> read_seed({"LOSSVIZ_SEED": "7"})
        7
        >>> read_seed({})
        0
    """
    environ = os.environ if environ is None else environ
    text = environ.get(SEED_VARIABLE, "").strip()
    if text == "":
        return 0
    try:
        seed = int(text)
    except ValueError:
        seed = -1
    if seed < 0 or seed >= 2**32:
        fail(SEED_VARIABLE, "a non-negative integer below 2**32", f"Received: {SEED_VARIABLE}={text!r}")
    return seed


def _versions(keras) -> dict:
    import sklearn

    from lossviz import __version__

    versions = {
        "lossviz": __version__,
        "python": platform.python_version(),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
    }
    # Report the backend libraries that are loaded, without importing any.
    for module in ("tensorflow", "jax"):
        if module in sys.modules:
            versions[module] = sys.modules[module].__version__
    versions["numpy"] = np.__version__
    versions["scikit-learn"] = sklearn.__version__
    return versions


def _select_matplotlib_backend() -> str | None:
    """Run ``%matplotlib <LOSSVIZ_MATPLOTLIB or widget>`` when inside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None:
        return None
    backend = os.environ.get(MATPLOTLIB_VARIABLE, "widget")
    shell.run_line_magic("matplotlib", backend)
    return backend


def setup(*, verbose: bool = True) -> Session:
    """Seed a notebook from ``LOSSVIZ_SEED`` and report the versions its numbers depend on.

    Reads the seed (:func:`read_seed`), imports Keras through
    ``lossviz._validation.import_keras`` (which sets the default backend), calls
    ``keras.utils.set_random_seed(seed)`` (Python, NumPy, backend and Keras generators),
    and in IPython runs ``%matplotlib`` with ``LOSSVIZ_MATPLOTLIB`` (default ``widget``).

    Args:
        verbose: print the seed and versions (default True).

    Returns:
        A :class:`Session` with ``seed``, ``rng = np.random.default_rng(seed)`` and
        ``versions`` (python, keras, backend, tensorflow/jax when loaded, numpy,
        scikit-learn).

    Raises:
        ValueError: LOSSVIZ_SEED is not a non-negative integer, or KERAS_BACKEND names a
            backend that is unknown or not installed.

    Example:
        >>> session = setup(verbose=False)
        >>> session.seed == read_seed()
        True

    Taught in: notebooks/00_start_here.ipynb
    """
    from lossviz._validation import import_keras

    seed = read_seed()
    keras = import_keras()
    keras.utils.set_random_seed(seed)
    _select_matplotlib_backend()
    versions = _versions(keras)
    if verbose:
        print(f"seed {seed} (from {SEED_VARIABLE})  " + "  ".join(f"{k} {v}" for k, v in versions.items()))
    return Session(seed=seed, rng=np.random.default_rng(seed), versions=versions)
