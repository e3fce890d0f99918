"""lossviz: exact NumPy reference implementations of Keras 3 losses and metrics.

``import lossviz`` is light: it imports NumPy only. The maths modules (``losses``,
``metrics``, ``reduction``) are NumPy only too; ``plots`` and ``widgets`` load matplotlib
and ipywidgets, and ``checks``, ``cv`` and the ``keras_*`` modules load Keras, each on
first use::

    import lossviz
    lossviz.losses.huber(y_true, y_pred, delta=1.0)     # NumPy twin of keras.losses.huber
    lossviz.check_loss(my_loss, reference=lossviz.losses.huber)   # loads Keras now
    print(lossviz.standalone_source("huber"))           # paste-ready, runs by itself
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "losses",
    "metrics",
    "reduction",
    "data",
    "plots",
    "widgets",
    "checks",
    "cv",
    "keras_losses",
    "keras_metrics",
    "keras_models",
    "keras_reference",
    "keras_facts",
    "keras_on_backend",
    "standalone",
    "session",
}
_FUNCTIONS = {
    "check_loss": "checks",
    "check_metric": "checks",
    "cross_validate_keras": "cv",
    "standalone_source": "standalone",
    "setup": "session",
}

__all__ = sorted(_SUBMODULES | set(_FUNCTIONS) | {"__version__"})


def __getattr__(name):
    # PEP 562: load heavy submodules only when they are first used.
    if name in _SUBMODULES:
        return importlib.import_module(f"lossviz.{name}")
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(f"lossviz.{_FUNCTIONS[name]}"), name)
    raise AttributeError(f"module 'lossviz' has no attribute {name!r}")


def __dir__():
    return __all__
