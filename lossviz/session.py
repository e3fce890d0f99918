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

import contextlib
import os
import platform
import re
import sys
import tempfile
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


#: The lines TensorFlow's C++ runtime (through absl) writes to the process's stderr while it
#: starts, on every import: notices, not warnings about the reader's code. Each pattern is
#: one whole line; ``TF_CPP_MIN_LOG_LEVEL=3`` does not silence them in TensorFlow 2.21, and
#: ``TF_ENABLE_ONEDNN_OPTS=0`` would change the numbers.
_ABSL_PREFIX = r"[IWE]\d{4} [\d:.]+\s+\d+ \w+\.cc:\d+\] "
STARTUP_NOISE = (
    re.compile(r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"),
    re.compile(_ABSL_PREFIX + r"oneDNN custom operations are on\..*"),
    re.compile(_ABSL_PREFIX + r"This TensorFlow binary is optimized to use available CPU instructions.*"),
    re.compile(r"To enable the following instructions: [\w ,.]+ in other operations, rebuild TensorFlow with .*"),
)


def drop_startup_noise(text: str) -> str:
    """``text`` without the lines of :data:`STARTUP_NOISE`; every other line is kept, in order.

    Example:
        >>> drop_startup_noise("WARNING: All log messages before absl::InitializeLog() is called are "
        ...                    "written to STDERR\\nUserWarning: a real one\\n")
        'UserWarning: a real one\\n'
    """
    kept = [
        line
        for line in text.splitlines(keepends=True)
        if not any(p.fullmatch(line.rstrip("\r\n")) for p in STARTUP_NOISE)
    ]
    return "".join(kept)


@contextlib.contextmanager
def _quiet_startup():
    """Capture the process's C-level stderr (file descriptor 2, where TensorFlow's runtime
    writes) while the backend starts, then write back everything but the start-up noise."""
    try:
        saved = os.dup(2)
    except OSError:  # no file descriptor 2 (some embedded interpreters): nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as capture:
        sys.stderr.flush()
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = drop_startup_noise(capture.read().decode("utf-8", "replace"))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()


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
    ``keras.utils.set_random_seed(seed)`` (Python, NumPy, backend and Keras generators)
    with the start-up notices of TensorFlow's runtime left out of stderr
    (:func:`drop_startup_noise`; every other line written meanwhile is kept), and in IPython runs ``%matplotlib`` with ``LOSSVIZ_MATPLOTLIB`` (default ``widget``).

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
    with _quiet_startup():
        keras = import_keras()
        keras.utils.set_random_seed(seed)
    _select_matplotlib_backend()
    versions = _versions(keras)
    if verbose:
        print(f"seed {seed} (from {SEED_VARIABLE})  " + "  ".join(f"{k} {v}" for k, v in versions.items()))
    return Session(seed=seed, rng=np.random.default_rng(seed), versions=versions)
