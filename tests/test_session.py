"""lossviz.setup(): one seed from LOSSVIZ_SEED, the matplotlib backend, the versions."""

import os
import subprocess
import sys

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


# What TensorFlow 2.21's runtime writes to stderr when it starts (seen on every import).
STARTUP_LINES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796540359.751354   15345 port.cc:153] oneDNN custom operations are on. You may see slightly "
    "different numerical results due to floating-point round-off errors from different computation orders. "
    "To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.",
    "I0000 00:00:1796540359.806969   15345 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use "
    "available CPU instructions in performance-critical operations.",
    "To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 FMA, in other operations, "
    "rebuild TensorFlow with the appropriate compiler flags.",
]
REAL_LINES = [
    "W0000 00:00:1796540359.806969   15345 op_level_cost_estimator.cc:699] Error in PredictCost() for the op",
    "/x.py:3: UserWarning: y_pred holds values outside [0, 1]",
    "oneDNN custom operations are on, said a reader's own print",
    "",
]


@pytest.mark.parametrize("line", STARTUP_LINES)
def test_a_known_start_up_line_is_dropped(line):
    assert session.drop_startup_noise(f"{line}\n") == ""
    assert session.drop_startup_noise(f"before\n{line}\r\nafter") == "before\nafter"


@pytest.mark.parametrize("line", REAL_LINES)
def test_an_unknown_line_is_kept(line):
    text = "\n".join([*STARTUP_LINES[:2], line, *STARTUP_LINES[2:]]) + "\n"
    assert session.drop_startup_noise(text) == f"{line}\n"


def test_quiet_startup_filters_file_descriptor_2_and_keeps_the_rest(capfd):
    with session._quiet_startup():
        os.write(2, ("\n".join([STARTUP_LINES[0], REAL_LINES[0], STARTUP_LINES[1]]) + "\n").encode())
    os.write(2, b"after\n")
    assert capfd.readouterr().err == f"{REAL_LINES[0]}\nafter\n"


def test_quiet_startup_restores_stderr_when_the_import_fails(capfd):
    with pytest.raises(ValueError), session._quiet_startup():
        os.write(2, b"kept\n")
        raise ValueError("no such backend")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "kept\nafter\n"


@pytest.mark.keras
@pytest.mark.slow  # two fresh interpreters import TensorFlow
def test_setup_in_a_fresh_process_prints_no_start_up_noise():
    use = "import keras; keras.ops.sum(keras.ops.ones(3))"
    noise = {}
    for label, code in [("setup", f"import lossviz; lossviz.setup(verbose=False); {use}"), ("bare", use)]:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        noise[label] = [p.pattern for p in session.STARTUP_NOISE if p.search(result.stderr)]
    assert noise["setup"] == [], noise
    # on TensorFlow the filter is needed: the same code without setup() prints the lines
    if os.environ.get("KERAS_BACKEND", "tensorflow") == "tensorflow":
        assert noise["bare"], "TensorFlow printed no start-up lines: update STARTUP_NOISE's comment"
