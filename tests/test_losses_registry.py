"""The loss registry: each loss registers itself where it is defined, and everything reads it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import lossviz.losses as losses
from lossviz.losses import _registry

FAMILY_MODULES = [
    importlib.import_module(f"lossviz.losses.{info.name}")
    for info in pkgutil.iter_modules(losses.__path__)
    if not info.name.startswith("_")
]


def test_every_loss_has_a_gradient_and_every_gradient_a_loss():
    assert set(_registry.GRADIENTS) == set(losses.LOSSES.values())
    for function in losses.LOSSES.values():
        assert losses.get(function) is function


def test_every_loss_and_alias_is_a_public_attribute():
    for name, function in losses.LOSSES.items():
        assert getattr(losses, name) is function and name in losses.__all__
    for alias, name in losses.ALIASES.items():
        assert getattr(losses, alias) is losses.LOSSES[name] and alias in losses.__all__


def test_every_family_module_is_imported_by_the_package():
    """A new family module registers nothing until lossviz/losses/__init__.py imports it."""
    for module in FAMILY_MODULES:
        assert getattr(losses, module.__name__.rpartition(".")[2]) is module


def test_every_public_loss_shaped_function_is_registered():
    """A function of a family module taking (y_true, y_pred, ...) is a loss unless it is a check:
    forgetting @register_loss fails here."""
    for module in FAMILY_MODULES:
        for name, value in vars(module).items():
            if name.startswith(("_", "check_")) or not inspect.isfunction(value) or value.__module__ != module.__name__:
                continue
            if list(inspect.signature(value).parameters)[:2] == ["y_true", "y_pred"]:
                assert losses.LOSSES.get(name) is value, f"{module.__name__}.{name} is not registered"
                assert name in module.__all__


def test_registration_refuses_a_taken_name_and_an_unregistered_loss():
    def huber(y_true, y_pred):
        return y_pred

    with pytest.raises(RuntimeError, match="'huber' is registered already"):
        _registry.register_loss()(huber)
    with pytest.raises(RuntimeError, match="not a registered loss"):
        _registry.gradient_of(huber)
    with pytest.raises(RuntimeError, match="has a gradient already"):
        _registry.gradient_of(losses.huber)
    assert losses.LOSSES["huber"] is not huber
