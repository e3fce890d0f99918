"""The package itself: a light import, a version, no heavy dependency at import time."""

import subprocess
import sys

import pytest

import lossviz


def test_version_is_a_release_version():
    from packaging.version import Version

    assert str(Version(lossviz.__version__)) == lossviz.__version__ and lossviz.__version__.count(".") == 2


NUMPY_ONLY = ("tensorflow", "keras", "matplotlib", "sklearn")
NO_KERAS = ("tensorflow", "keras", "jax")


@pytest.mark.parametrize(
    "module, forbidden",
    [
        ("lossviz", NUMPY_ONLY),
        ("lossviz.losses", NUMPY_ONLY),
        ("lossviz.metrics", NUMPY_ONLY),
        ("lossviz.reduction", NUMPY_ONLY),
        # Keras is imported on first use, inside the functions.
        ("lossviz.checks", NO_KERAS),
        ("lossviz.cv", NO_KERAS),
    ],
)
def test_import_does_not_load_heavy_modules(module, forbidden):
    """`import lossviz` and the maths modules stay NumPy-only; checks and cv load Keras on first use."""
    code = f"import sys, {module}; heavy = sorted(m for m in {forbidden!r} if m in sys.modules); print(','.join(heavy))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"import {module} loaded {result.stdout.strip()}"


def test_every_public_module_is_a_lazy_attribute():
    from pathlib import Path

    root = Path(lossviz.__file__).parent
    public = {
        path.stem
        for path in root.iterdir()
        if not path.name.startswith("_") and (path.suffix == ".py" or (path / "__init__.py").exists())
    }
    assert public == lossviz._SUBMODULES
    assert dir(lossviz) == sorted(lossviz.__all__)


@pytest.mark.keras  # a fresh Python resolves every name, the keras_* modules too
def test_every_lazy_name_resolves_in_a_fresh_interpreter():
    """Each name in ``lossviz.__all__`` loads: a submodule of that name, or the function of its module
    (defined there or in one of its own submodules, as ``lossviz.checks.loss.check_loss``)."""
    code = (
        "import inspect, lossviz\n"
        "for name in lossviz.__all__:\n"
        "    value = getattr(lossviz, name)\n"
        "    if name in lossviz._SUBMODULES:\n"
        "        assert inspect.ismodule(value) and value.__name__ == f'lossviz.{name}', name\n"
        "    elif name in lossviz._FUNCTIONS:\n"
        "        module = lossviz._FUNCTIONS[name]\n"
        "        owner = value.__module__\n"
        "        assert callable(value) and (owner == f'lossviz.{module}' or owner.startswith(f'lossviz.{module}.')), name\n"
        "        assert value is getattr(getattr(lossviz, module), name), name\n"
        "print(len(lossviz.__all__))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.split()[-1]) == len(lossviz.__all__)


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
