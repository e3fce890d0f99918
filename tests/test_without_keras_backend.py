"""The NumPy half of lossviz runs when the chosen Keras backend is not installed.

PyTorch is the case in point: Keras 3 supports it, but its PyPI wheel pulls several GB of
CUDA packages, so it is not installed or tested here (CONTRIBUTING.md, "Backends and
front ends"). A user with ``KERAS_BACKEND=torch`` still gets the twins, the metrics, the
standalone snippets and the plots, and a clear error from the first call that needs Keras.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Runs in a fresh interpreter: every NumPy-only entry point once, with its value checked,
# then proof that none of them loaded Keras or a backend.
NUMPY_ONLY = """
import sys, warnings
import numpy as np
import lossviz
from lossviz import losses, metrics, reduction

y_true = np.array([[0.0, 1.0], [1.0, 0.0]])
y_pred = np.array([[0.5, 2.0], [1.0, -1.0]])
assert np.allclose(losses.mean_squared_error(y_true, y_pred), [0.625, 0.5])
assert np.allclose(losses.huber(y_true, y_pred, delta=1.0), [0.3125, 0.25])
labels = np.array([0, 0, 1, 1])
scores = np.array([0.1, 0.4, 0.35, 0.8])
assert metrics.roc_auc_score(labels, scores) == 0.75
assert metrics.precision_score(labels, scores > 0.3) == 2 / 3
namespace = {}
exec(lossviz.standalone_source("huber"), namespace)
assert np.allclose(namespace["huber"](y_true, y_pred, delta=1.0), [0.3125, 0.25])
import matplotlib
matplotlib.use("Agg")
from lossviz import plots
loaded = sorted(name for name in ("keras", "tensorflow", "jax", "torch") if name in sys.modules)
print("loaded:", loaded)
from lossviz._validation import import_keras
import_keras()
"""


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is not None,
    reason="torch is installed here; this test is about a backend that is missing",
)
def test_numpy_parts_run_with_keras_backend_torch_missing():
    env = dict(os.environ, KERAS_BACKEND="torch", MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    run = subprocess.run([sys.executable, "-c", NUMPY_ONLY], capture_output=True, text=True, env=env, timeout=300)
    # Everything NumPy-only ran and passed its asserts, without loading any backend ...
    assert "loaded: []" in run.stdout, run.stdout + run.stderr
    # ... and the first call that needs Keras refuses with lossviz's message, not a traceback
    # from inside Keras.
    assert run.returncode != 0
    assert (
        run.stderr.strip()
        .splitlines()[-1]
        .startswith(
            "ValueError: Invalid value for argument `KERAS_BACKEND`. Expected an installed backend; 'torch' is not installed"
        )
    )
