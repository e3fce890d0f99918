"""The test tiers (conftest.py) and the Makefile's list of targets.

`make check` runs the tests without a tier mark, with ``--forbid-keras``: a test that
imports Keras, TensorFlow or JAX there fails and names the mark it lacks. Here a small
test module is run in a fresh pytest with the project's conftest.py as a plugin.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import conftest as tiers

ROOT = Path(__file__).resolve().parent.parent

SAMPLE = """
import pytest

def test_unmarked_imports_keras():
    import keras  # noqa: F401

def test_unmarked_swallows_the_error():
    try:
        import jax  # noqa: F401
    except Exception:
        pass

@pytest.mark.keras
def test_marked():
    import keras  # noqa: F401

def test_numpy_only():
    import numpy
    assert numpy.add(1, 1) == 2
"""


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """A fresh pytest in ``folder`` with conftest.py loaded as a plugin (-p conftest)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "conftest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-p",
            "no:nbmake",
            "-rA",
            "--rootdir",
            str(folder),
            "-c",
            os.devnull,
            *args,
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_forbid_keras_fails_an_unmarked_test_and_names_the_mark(tmp_path):
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    run = run_pytest(tmp_path, "--forbid-keras", "-m", "not keras", "test_sample.py")
    out = run.stdout
    assert run.returncode == 1, out[-3000:]
    assert "FAILED test_sample.py::test_unmarked_imports_keras" in out
    assert "test_sample.py::test_unmarked_imports_keras imports 'keras' under `make check`" in out
    assert "@pytest.mark.keras" in out
    # Caught by the test itself (`except Exception`), the import still fails it.
    assert "FAILED test_sample.py::test_unmarked_swallows_the_error" in out
    assert "PASSED test_sample.py::test_numpy_only" in out
    assert "1 deselected" in out  # the marked one


def test_a_module_importing_keras_fails_collection_unless_marked(tmp_path):
    (tmp_path / "test_top_level.py").write_text("import keras\n\ndef test_x():\n    pass\n")
    run = run_pytest(tmp_path, "--forbid-keras", "test_top_level.py")
    assert run.returncode == 2, run.stdout[-3000:]
    assert "collecting test_top_level.py imports 'keras'" in run.stdout
    assert "pytestmark = pytest.mark.keras" in run.stdout
    # Marked, it is not even imported under --forbid-keras.
    (tmp_path / "test_top_level.py").write_text(
        "import keras\nimport pytest\n\npytestmark = pytest.mark.keras\n\ndef test_x():\n    pass\n"
    )
    # (Collected from its folder, as `make check` collects tests/: pytest imports a file
    # named on the command line whatever the conftest says.)
    run = run_pytest(tmp_path, "--forbid-keras", "-m", "not keras", ".")
    assert run.returncode == 5, run.stdout[-3000:]  # nothing collected, nothing imported


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("lossviz/keras_reference.py", True),  # import keras
        ("lossviz/keras_losses.py", True),  # keras = import_keras()
        ("lossviz/keras_models.py", True),
        ("lossviz/checks/loss.py", False),  # loads Keras on first use: KERAS_MODULES marks its doctests
        ("lossviz/losses/regression.py", False),
        ("lossviz/metrics/ranking.py", False),
        ("lossviz/widgets.py", False),
        ("tests/test_losses_out_of_range.py", True),  # from test_keras_reference import ...
        ("tests/test_metrics.py", False),
        ("tests/test_without_keras_backend.py", False),  # "import_keras()" only inside a string
    ],
)
def test_keras_at_import_reads_the_source(path, expected):
    assert tiers.keras_at_import(ROOT / path) is expected


def test_every_test_module_importing_keras_is_marked():
    """A test module that imports Keras when imported carries a tier mark (else `make check`
    would import it and fail to collect it)."""
    unmarked = [
        path.name
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        if tiers.keras_at_import(path) and not tiers.module_tier_marks(path)
    ]
    assert unmarked == [], f"mark these modules: pytestmark = pytest.mark.keras: {unmarked}"


def test_the_tier_marks_are_declared_in_pyproject():
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["markers"]
    assert sorted(line.split(":")[0] for line in declared) == sorted(tiers.TIER_MARKS)
    makefile = (ROOT / "Makefile").read_text()
    check_marks = re.search(r"^CHECK_MARKS := not \((.*)\)$", makefile, re.M).group(1)
    assert sorted(check_marks.split(" or ")) == sorted(tiers.TIER_MARKS)


# ------------------------------------------------------------------ the Makefile's targets


def makefile_targets() -> list[str]:
    phony = re.search(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    return phony.split()


def test_make_help_lists_every_target():
    shown = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    listed = set(re.findall(r"^make ([\w-]+)", shown, re.M))
    assert {"lab", "test", "check"} <= listed
    assert sorted(set(makefile_targets()) - listed) == [], "targets missing from `make help`"
    assert sorted(listed - set(makefile_targets())) == [], "`make help` lists targets that are not .PHONY"


def test_an_unknown_target_prints_the_targets_and_fails():
    run = subprocess.run(["make", "--no-print-directory", "no-such-target"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2
    assert "there is no target 'no-such-target'" in run.stderr
    assert "make check" in run.stderr and "make test" in run.stderr
