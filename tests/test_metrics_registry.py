"""The metric registry: each metric registers itself where it is defined, and everything reads it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import lossviz.metrics as metrics
from lossviz.metrics._registry import register_metric

FAMILY_MODULES = [
    importlib.import_module(f"lossviz.metrics.{info.name}")
    for info in pkgutil.iter_modules(metrics.__path__)
    if not info.name.startswith("_")
]


def test_every_metric_is_a_public_attribute():
    for name, function in metrics.METRICS.items():
        assert getattr(metrics, name) is function and name in metrics.__all__
    callables = [name for name in metrics.__all__ if inspect.isfunction(getattr(metrics, name))]
    assert callables == [*metrics.METRICS, "register_metric"]


def test_every_public_function_of_a_family_module_is_registered():
    """Forgetting @register_metric on a new metric fails here."""
    for module in FAMILY_MODULES:
        assert getattr(metrics, module.__name__.rpartition(".")[2]) is module
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value) or value.__module__ != module.__name__:
                continue
            assert metrics.METRICS.get(name) is value, f"{module.__name__}.{name} is not registered"


def test_registration_refuses_a_taken_name():
    def f1_score(y_true, y_pred):
        return 0.0

    with pytest.raises(RuntimeError, match="'f1_score' is registered already"):
        register_metric(f1_score)
    assert metrics.f1_score is not f1_score
