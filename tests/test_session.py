"""lossviz.setup(): one seed from LOSSVIZ_SEED, the matplotlib backend, the versions."""

import IPython
import numpy as np
import pytest

import lossviz
from lossviz import session


@pytest.mark.parametrize("text, expected", [("", 0), ("0", 0), ("7", 7), (" 12 ", 12), ("4294967295", 2**32 - 1)])
def test_read_seed_accepts_non_negative_integers(text, expected):
    assert session.read_seed({"LOSSVIZ_SEED": text}) == expected


def test_read_seed_defaults_to_zero():
    assert session.read_seed({}) == 0


@pytest.mark.parametrize("text", ["-1", "1.5", "abc", "4294967296", "0x10"])
def test_read_seed_rejects_bad_values_naming_the_variable(text):
    message = (
        r"Invalid value for argument `LOSSVIZ_SEED`\. Expected a non-negative integer "
        rf"below 2\*\*32\. Received: LOSSVIZ_SEED='{text}'\."
    )
    with pytest.raises(ValueError, match=message):
        session.read_seed({"LOSSVIZ_SEED": text})


def test_setup_rejects_a_bad_seed_before_importing_anything(monkeypatch):
    monkeypatch.setenv("LOSSVIZ_SEED", "seven")
    with pytest.raises(ValueError, match="LOSSVIZ_SEED='seven'"):
        lossviz.setup()


@pytest.mark.keras
def test_setup_seeds_keras_and_numpy_from_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("LOSSVIZ_SEED", "5")
    first = lossviz.setup()
    draws = np.random.random(3), first.rng.random(3)
    second = lossviz.setup(verbose=False)
    assert first.seed == second.seed == 5
    # set_random_seed reseeded NumPy's global generator; rng is default_rng(seed).
    np.testing.assert_array_equal(np.random.default_rng(5).random(3), draws[1])
    lossviz.setup(verbose=False)
    np.testing.assert_array_equal(np.random.random(3), draws[0])
    printed = capsys.readouterr().out
    assert printed.startswith("seed 5 (from LOSSVIZ_SEED)")
    for name in ("python", "keras", "backend", "numpy", "scikit-learn"):
        assert f"{name} " in printed and name in first.versions
    assert first.versions["backend"] in printed


@pytest.mark.keras
def test_setup_reports_loaded_backend_library(monkeypatch):
    monkeypatch.delenv("LOSSVIZ_SEED", raising=False)
    result = lossviz.setup(verbose=False)
    assert result.seed == 0
    backend = result.versions["backend"]
    if backend in ("tensorflow", "jax"):
        assert backend in result.versions


class _FakeShell:
    def __init__(self):
        self.calls = []

    def run_line_magic(self, name, line):
        self.calls.append((name, line))


@pytest.mark.keras  # setup() seeds Keras
@pytest.mark.parametrize("variable, expected", [(None, "widget"), ("inline", "inline")])
def test_setup_selects_the_matplotlib_backend_in_ipython(monkeypatch, variable, expected):
    shell = _FakeShell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    if variable is None:
        monkeypatch.delenv("LOSSVIZ_MATPLOTLIB", raising=False)
    else:
        monkeypatch.setenv("LOSSVIZ_MATPLOTLIB", variable)
    lossviz.setup(verbose=False)
    assert shell.calls == [("matplotlib", expected)]


def test_setup_outside_ipython_leaves_matplotlib_alone(monkeypatch):
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert session._select_matplotlib_backend() is None
