"""Settings shared by every test, doctest and notebook run (loaded before anything else),
and the test tiers.

Tiers (markers, declared in pyproject.toml): a test that imports Keras, TensorFlow or JAX
is marked ``keras``; one that fits a model ``trains``; one that starts a browser
``browser``; one that starts a Jupyter kernel or server (nbmake, `make lab`, the site
build) ``kernel``; a fresh virtual environment or anything else long ``slow``. Test
modules say so with ``pytestmark``; notebooks and doctests are marked here
(``pytest_collection_modifyitems``). `make check` runs what is left
(``-m "not (keras or trains or browser or kernel or slow)"``) with ``--forbid-keras``: then
an import of Keras, TensorFlow or JAX fails the test that made it, naming it and the mark
it lacks, so that a forgotten mark cannot slow the inner loop down unnoticed.
"""

import ast
import functools
import importlib.abc
import os
import re
import sys
from pathlib import Path

import pytest

# Headless and quiet: tests draw with Agg (notebooks choose their own backend), Keras runs
# on TensorFlow, and TensorFlow's C++ start-up chatter stays out of the log.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

try:
    from hypothesis import settings
except ImportError:  # the runtime install has no hypothesis; only `make test` needs it
    pass
else:
    # Deterministic property tests: the same examples on every run and in CI.
    settings.register_profile("lossviz", derandomize=True, deadline=None, max_examples=60)
    settings.load_profile("lossviz")


ROOT = Path(__file__).resolve().parent
# The top-level packages that make a test `keras` (Keras and its backends).
KERAS_PACKAGES = frozenset({"keras", "tensorflow", "tf_keras", "jax", "jaxlib"})
# A doctest whose examples name one of these is marked `keras`.
KERAS_IN_EXAMPLE = re.compile(
    r"\b(keras|tensorflow|jax)\b|\btf\.|\bcheck_(loss|metric|fold_loop)\b"
    r"|\bcross_validate_keras\b"
)
# Modules that load Keras on first use (lossviz/__init__.py): every doctest in them is `keras`.
KERAS_MODULES = re.compile(r"lossviz\.(keras_\w+|checks|checks\.\w+|cv)")
# A doctest (pytest's id "lossviz.module.name") elsewhere that loads Keras through a call
# its text does not show; the guard's message points here.
KERAS_DOCTESTS = frozenset({"lossviz.session.setup"})
TIER_MARKS = ("keras", "trains", "browser", "kernel", "slow")


def pytest_addoption(parser):
    parser.addoption(
        "--forbid-keras",
        action="store_true",
        help="fail any test (or collection) that imports keras, tensorflow or jax: it lacks "
        "the `keras` mark (`make check` runs with this)",
    )


class KerasImportForbidden(RuntimeError):
    """Not an ImportError: code that falls back when Keras is missing must not swallow it."""


class KerasGuard(importlib.abc.MetaPathFinder):
    """First on ``sys.meta_path`` under ``--forbid-keras``: refuses Keras and its backends,
    and remembers who asked (the test running, or the file being collected)."""

    def __init__(self):
        self.where = "pytest start-up"  # set by the hooks below
        self.hint = "mark it with @pytest.mark.keras"
        self.seen: dict[str, list[str]] = {}

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top not in KERAS_PACKAGES:
            return None
        message = (
            f"{self.where} imports {name!r} under `make check` (--forbid-keras), "
            f"which runs only tests that need no Keras: {self.hint}"
        )
        self.seen.setdefault(self.where, []).append(message)
        raise KerasImportForbidden(message)


def _guard(config) -> KerasGuard | None:
    return getattr(config, "_lossviz_keras_guard", None)


def pytest_configure(config):
    if not config.getoption("--forbid-keras"):
        return
    loaded = sorted(name for name in sys.modules if name.partition(".")[0] in KERAS_PACKAGES)
    if loaded:
        raise pytest.UsageError(f"--forbid-keras: {loaded} were imported before the tests started")
    guard = KerasGuard()
    sys.meta_path.insert(0, guard)
    config._lossviz_keras_guard = guard


def pytest_unconfigure(config):
    guard = _guard(config)
    if guard is not None and guard in sys.meta_path:
        sys.meta_path.remove(guard)


_VISITING: set[Path] = set()  # keras_at_import follows imports; an import cycle ends here


@functools.cache
def keras_at_import(path: Path) -> bool:
    """Importing this file imports Keras: a top-level ``import keras`` (tensorflow, jax),
    ``import_keras()``, or a top-level import of a project module (``lossviz.*``, a test
    helper) that does so. Read from the source, never by importing it."""
    if path in _VISITING:
        return False
    _VISITING.add(path)
    try:
        return _keras_at_import(path)
    finally:
        _VISITING.discard(path)


def _keras_at_import(path: Path) -> bool:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError):
        return False
    for node in tree.body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: inside a package next to this file
                package = path.parent
                for _ in range(node.level - 1):
                    package = package.parent
                parts = package.relative_to(ROOT).parts if package.is_relative_to(ROOT) else ()
                base = ".".join([*parts, *base.split(".")]).strip(".")
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Assign | ast.Expr) and any(
            isinstance(call, ast.Call) and getattr(call.func, "id", getattr(call.func, "attr", "")) == "import_keras"
            for call in ast.walk(node)
        ):
            return True
        else:
            continue
        for name in names:
            if name.partition(".")[0] in KERAS_PACKAGES:
                return True
            source = _project_file(name, path)
            if source is not None and source != path and keras_at_import(source):
                return True
    return False


def _project_file(module: str, importer: Path) -> Path | None:
    """The file of a project module (``lossviz.x.y``, or a test helper beside the importer)."""
    parts = module.split(".")
    for base in (ROOT, importer.parent):
        for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")):
            if candidate.is_file() and (parts[0] == "lossviz" or base == importer.parent):
                return candidate
    return None


def module_tier_marks(path: Path) -> set[str]:
    """The tier marks a test module's top-level ``pytestmark = ...`` gives, read from source."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError):
        return set()
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in node.targets):
            found |= set(re.findall(r"pytest\.mark\.(\w+)", ast.unparse(node.value))) & set(TIER_MARKS)
    return found


def pytest_ignore_collect(collection_path, config):
    """Under --forbid-keras, files whose tests are all deselected are not even imported: a
    test module whose ``pytestmark`` has a tier mark, and a package module that imports
    Keras when imported (its doctests are all `keras`). A test module that imports Keras
    without the mark is imported, and the guard fails its collection."""
    if _guard(config) is None or collection_path.suffix != ".py":
        return None
    if (ROOT / "lossviz") in collection_path.parents:
        return True if keras_at_import(collection_path) else None
    if collection_path.name.startswith("test_") and module_tier_marks(collection_path):
        return True
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    guard = _guard(collector.config)
    if guard is None:
        yield
        return
    where, hint = guard.where, guard.hint
    guard.where = f"collecting {collector.nodeid or 'the session'}"
    guard.hint = (
        "mark the module (pytestmark = pytest.mark.keras: then `make check` does not "
        "import it), or import Keras inside the tests that need it and mark those"
    )
    try:
        yield
    finally:
        guard.where, guard.hint = where, hint


def _hint(item) -> str:
    if isinstance(item, pytest.DoctestItem):
        return (
            f"show Keras in the example (e.g. `import keras`), or add {item.name!r} to "
            f"KERAS_DOCTESTS in conftest.py, so that it is marked `keras`"
        )
    return (
        "mark it with @pytest.mark.keras (or the module: pytestmark = pytest.mark.keras; "
        "add `trains` if it fits a model)"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    guard = _guard(item.config)
    if guard is not None:
        guard.where, guard.hint = item.nodeid, _hint(item)
    try:
        yield
    finally:
        if guard is not None:
            guard.where, guard.hint = "between tests", "import it inside a test marked `keras`"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that imported Keras fails even if it caught the error (``except Exception``)."""
    outcome = yield
    guard = _guard(item.config)
    report = outcome.get_result()
    if guard is None or call.when != "call" or not report.passed:
        return
    messages = guard.seen.get(item.nodeid)
    if messages:
        report.outcome = "failed"
        report.longrepr = "\n".join(dict.fromkeys(messages))


def doctest_needs_keras(item) -> bool:
    """A doctest that shows Keras in its examples, is listed in KERAS_DOCTESTS, or lives in
    a module that loads Keras (KERAS_MODULES, or one that imports it when imported)."""
    if item.name in KERAS_DOCTESTS or KERAS_MODULES.fullmatch(item.dtest.globs.get("__name__", "")):
        return True
    if any(KERAS_IN_EXAMPLE.search(example.source) for example in item.dtest.examples):
        return True
    return keras_at_import(Path(item.path))


@pytest.hookimpl(tryfirst=True)  # before -m deselects by these marks
def pytest_collection_modifyitems(config, items):
    for item in items:
        if isinstance(item, pytest.DoctestItem):
            if doctest_needs_keras(item):
                item.add_marker(pytest.mark.keras)
        elif item.path.suffix == ".ipynb":  # nbmake: every notebook runs a kernel, Keras and fits
            for mark in ("kernel", "keras", "trains", "slow"):
                item.add_marker(mark)
