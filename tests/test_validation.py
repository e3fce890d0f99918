"""lossviz._validation: check_integer and import_keras, both outcomes of each."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lossviz._validation import BACKEND_INSTALL_HINTS, check_integer

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "value, bounds, expected",
    [
        pytest.param(3, {}, 3, id="plain"),
        pytest.param(np.int64(7), {"minimum": 0}, 7, id="numpy-integer"),
        pytest.param(2, {"minimum": 2, "maximum": 2}, 2, id="both-bounds-inclusive"),
        pytest.param(-5, {"maximum": -5}, -5, id="maximum-only"),
    ],
)
def test_check_integer_returns_a_python_int(value, bounds, expected):
    result = check_integer(value, "n", **bounds)
    assert result == expected and type(result) is int


@pytest.mark.parametrize(
    "value, bounds, message",
    [
        pytest.param(True, {}, r"Expected an integer. Received: n=True\.$", id="bool"),
        pytest.param(np.True_, {"minimum": 0}, r"Expected an integer >= 0. Received: n=np.True_", id="numpy-bool"),
        pytest.param(2.0, {}, r"Expected an integer. Received: n=2.0\.$", id="float"),
        pytest.param("3", {}, r"Expected an integer. Received: n='3'\.$", id="string"),
        pytest.param(1, {"minimum": 2}, r"Expected an integer >= 2. Received: n=1\.$", id="below-minimum"),
        pytest.param(9, {"maximum": 8}, r"Expected an integer <= 8. Received: n=9\.$", id="above-maximum"),
        pytest.param(
            0, {"minimum": 1, "maximum": 3}, r"Expected an integer in \[1, 3\]. Received: n=0\.$", id="outside-interval"
        ),
    ],
)
def test_check_integer_refuses_naming_the_argument(value, bounds, message):
    with pytest.raises(ValueError, match=r"^Invalid value for argument `n`\. .*" + message):
        check_integer(value, "n", **bounds)


def _import_keras_in(backend: str | None) -> subprocess.CompletedProcess:
    """Run import_keras in a fresh interpreter, KERAS_BACKEND unset or set to ``backend``."""
    env = {key: value for key, value in os.environ.items() if key != "KERAS_BACKEND"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    if backend is not None:
        env["KERAS_BACKEND"] = backend
    code = (
        "import os, sys; from lossviz._validation import import_keras; keras = import_keras(); "
        "print(keras.backend.backend(), os.environ['KERAS_BACKEND'])"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.keras  # a fresh Python imports Keras
def test_import_keras_defaults_to_tensorflow():
    run = _import_keras_in(None)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["tensorflow", "tensorflow"]


@pytest.mark.keras  # a fresh Python imports Keras
def test_import_keras_refuses_an_unknown_backend_naming_it():
    run = _import_keras_in("nonsense")
    assert run.returncode != 0
    assert (
        "ValueError: Invalid value for argument `KERAS_BACKEND`. Expected one of "
        "{'tensorflow', 'jax', 'torch', 'numpy', 'openvino'}. Received: KERAS_BACKEND='nonsense'."
    ) in run.stderr
    # Refused by lossviz with its own message, not by a traceback from deep inside Keras.
    assert run.stderr.strip().splitlines()[-1].startswith("ValueError: Invalid value for argument `KERAS_BACKEND`")


@pytest.mark.keras  # a fresh Python imports Keras
def test_import_keras_refuses_a_backend_that_is_not_installed():
    missing = [name for name in ("openvino", "torch", "jax") if _not_installed(name)]
    assert missing, "every optional backend is installed here: no missing one to test with"
    run = _import_keras_in(missing[0])
    assert run.returncode != 0
    assert (
        f"Invalid value for argument `KERAS_BACKEND`. Expected an installed backend; {missing[0]!r} is not "
        f"installed here ({BACKEND_INSTALL_HINTS[missing[0]]}). Received: KERAS_BACKEND={missing[0]!r}."
    ) in run.stderr


def _not_installed(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is None
