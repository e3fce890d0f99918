"""The package itself: a light import, a version, no heavy dependency at import time."""

import subprocess
import sys

import pytest

import lossviz


def test_version_is_a_string():
    assert isinstance(lossviz.__version__, str) and lossviz.__version__.count(".") == 2


@pytest.mark.parametrize("module", ["lossviz", "lossviz.losses", "lossviz.metrics", "lossviz.reduction"])
def test_import_does_not_load_tensorflow_keras_or_matplotlib(module):
    """`import lossviz` and the maths modules stay NumPy-only (the layering rule)."""
    code = (
        f"import sys, {module}; heavy = sorted(m for m in ('tensorflow', 'keras', 'matplotlib', 'sklearn') "
        "if m in sys.modules); print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"import {module} loaded {result.stdout.strip()}"


def test_lazy_attributes_resolve_to_the_real_objects():
    import lossviz.checks
    import lossviz.losses

    assert lossviz.losses is lossviz.losses
    assert lossviz.check_loss is lossviz.checks.check_loss
    assert lossviz.check_metric is lossviz.checks.check_metric


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        lossviz.nope


def test_every_taught_in_line_names_an_existing_notebook():
    import re
    from pathlib import Path

    root = Path(lossviz.__file__).parent
    named = {  # every notebook on a line, e.g. "Taught in: notebooks/05_x.ipynb, notebooks/06_y.ipynb"
        (path.name, match)
        for path in root.rglob("*.py")
        for line in re.findall(r"Taught in: .*", path.read_text())
        for match in re.findall(r"notebooks/([\w.]+?\.ipynb)", line)
    }
    assert named, "no docstring says where it is taught"
    missing = sorted((file, nb) for file, nb in named if not (root.parent / "notebooks" / nb).exists())
    assert not missing, f"'Taught in' names notebooks that do not exist: {missing}"
