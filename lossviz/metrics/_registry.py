"""The one registry of the metrics and curves: each registers itself where it is defined.

``@register_metric`` on a public function of a family module (``labels``,
``precision_recall`` ...) puts it in :data:`METRICS`; :mod:`lossviz.metrics` exports
every registered function, ``standalone_source`` hands out a block for each (and leaves
the decorator out of it), and the tests run each one against its reference.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["register_metric", "registered_in"]

#: Every metric and curve by name, in the order the family modules define them.
METRICS: dict[str, Callable] = {}


def register_metric(function: Callable) -> Callable:
    """Register the decorated function as a metric or curve of :mod:`lossviz.metrics`.

    Returns:
        The function, unchanged.

    Raises:
        RuntimeError: When a metric of that name is registered already.

    Taught in: notebooks/05_custom_metrics.ipynb
    """
    if function.__name__ in METRICS:
        raise RuntimeError(f"a metric named {function.__name__!r} is registered already")
    METRICS[function.__name__] = function
    return function


def registered_in(*modules: str) -> list[str]:
    """Names of the metrics defined in ``modules``, in order: a family module's ``__all__``."""
    return [name for name, function in METRICS.items() if function.__module__ in modules]
