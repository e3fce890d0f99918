"""Live explorers: a matplotlib figure plus ipywidgets controls, one call from a notebook.

Put an explorer as the last expression of a cell to show it::

    from lossviz.widgets import regression_loss_explorer
    explorer = regression_loss_explorer()
    explorer                      # sliders + live figure
    explorer.set(loss="huber", delta=0.5)   # moves the sliders from code
    explorer.params               # {'loss': 'huber', 'delta': 0.5, ...}

Each explorer is a class whose docstring describes its controls;
``<name>_explorer(seed=None, **params)`` builds one with those initial values (the data
follow ``seed``, by default the session's ``LOSSVIZ_SEED``), and
:func:`explorers` lists them all (name -> factory). How an update redraws only what
moves, on ipympl (``%matplotlib widget``) and headless (an ``ipywidgets.Image`` PNG), is
in :mod:`lossviz._explorer`.

One module per notebook topic (``regression`` for notebook 01, ``probabilistic`` 02,
``weighting`` 04, ``custom_metrics`` 05, ``roc_pr`` 06, ``kfold`` 07, ``calibration`` 12;
``_common`` holds the controls and figure helpers they share). A class that sets ``name`` is registered
where it is defined (``Explorer.__init_subclass__``); this package serves its factory
``<name>_explorer`` and its class by name, so a new explorer needs no line here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from lossviz._explorer import Explorer, option_values, registered_explorers

# Importing a topic module defines, and so registers, its explorers. This order is the
# order of explorers().
from lossviz.widgets import calibration, custom_metrics, kfold, probabilistic, regression, roc_pr, weighting  # noqa: F401, I001
from lossviz.widgets.kfold import SPLITTERS  # noqa: F401
from lossviz.widgets.regression import OUTLIER_FIT_LOSSES, REGRESSION_LOSSES  # noqa: F401

_option_values = option_values  # the tests' name for it


@functools.cache
def _factory(explorer_class: type[Explorer]) -> Callable[..., Explorer]:
    """``<name>_explorer(**params)``: a new ``explorer_class`` with these initial values."""

    def factory(**params: Any) -> Explorer:
        return explorer_class(**params)

    factory.__name__ = factory.__qualname__ = f"{explorer_class.name}_explorer"
    summary = explorer_class.__doc__.strip().splitlines()[0]
    factory.__doc__ = (
        f"{summary}\n\n    Builds a :class:`{explorer_class.__name__}`, whose docstring "
        f"describes the controls.\n\n    Args:\n        seed: seed of the data (default: "
        f"the session's, LOSSVIZ_SEED).\n        **params: initial control values.\n\n"
        f"    Returns:\n        {explorer_class.__name__}.\n\n    Raises:\n"
        f"        ValueError: for an unknown parameter, a value out of range or a bad seed.\n"
    )
    return factory


def explorers() -> dict[str, Callable[..., Explorer]]:
    """All explorers, {name: factory}; each factory builds a ready explorer with no argument.

    Returns:
        dict name -> callable returning an :class:`Explorer` (keyword arguments set
        initial control values).

    Example:
        >>> "regression_loss_explorer" in explorers()
        True

    Taught in: notebooks/00_start_here.ipynb
    """
    return {f"{explorer_class.name}_explorer": _factory(explorer_class) for explorer_class in registered_explorers()}


def __getattr__(name: str):
    # PEP 562: `<name>_explorer` and the explorer classes come from the registry, so a new
    # explorer needs no line here.
    factory = explorers().get(name) if name.endswith("_explorer") else None
    if factory is not None:
        return factory
    for explorer_class in registered_explorers():
        if explorer_class.__name__ == name:
            return explorer_class
    raise AttributeError(f"module 'lossviz.widgets' has no attribute {name!r}")


def __dir__():
    # In the registry's order (dir() sorts it; the site's API page keeps it).
    return [*globals(), *explorers(), *(explorer_class.__name__ for explorer_class in registered_explorers())]


__all__ = ["Explorer", "explorers", *explorers()]
