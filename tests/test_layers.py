"""The package's imports point one way, down the layers, and no module is too long to read.

Every module of ``lossviz`` is read with ``ast`` (nothing is imported): each
``import lossviz...`` / ``from lossviz... import`` / relative import, at module level or
inside a function, and each ``importlib.import_module("lossviz...")`` with a literal
name, is an edge from the importing module to the module it names (``from lossviz
import plots`` names ``lossviz.plots``; ``from lossviz.checks import check_loss`` names
the package ``lossviz.checks``). The tests fail on

* an import cycle between modules, or between the top-level modules and packages
  ("units": ``lossviz.losses.regression`` belongs to ``losses``);
* an upward import: a unit importing a unit of a higher layer in ``LAYERS``;
* a unit that ``LAYERS`` does not place (a new module must be placed);
* a module over ``MAX_LINES`` lines.

The layers, lowest first; a unit may import its own layer and the layers below::

    1. lossviz (the package's __init__: the version; imports nothing of lossviz on load)
       _validation
    2. losses  metrics  reduction                       the maths, NumPy only
    3. data  session  keras_reference  keras_losses  keras_metrics  keras_models  keras_facts  keras_on_backend
    4. standalone  _cv_fold  _cv_result  cv
    5. checks
    6. plots
    7. _layers  _explorer
    8. widgets

One kind of upward reference is allowed, and listed in ``LAZY_REEXPORTS``: an import
inside a module's PEP 562 ``__getattr__``, which runs when the name is first used,
after both modules have loaded (``lossviz.cv.check_fold_loop`` comes from
``lossviz.checks``, whose fold-loop checker imports ``lossviz.cv``). The package's own
``__getattr__`` (``lossviz.losses`` on first use) names its modules by a computed
string, which this walk does not see.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lossviz"
MAX_LINES = 500

LAYERS = [
    ["lossviz", "_validation"],
    ["losses", "metrics", "reduction"],
    [
        "data",
        "session",
        "keras_reference",
        "keras_losses",
        "keras_metrics",
        "keras_models",
        "keras_facts",
        "keras_on_backend",
    ],
    ["standalone", "_cv_fold", "_cv_result", "cv"],
    ["checks"],
    ["plots"],
    ["_layers", "_explorer"],
    ["widgets"],
]
LAYER = {unit: index for index, units in enumerate(LAYERS) for unit in units}

# {module: modules its PEP 562 __getattr__ may import}: lazy re-exports, not edges.
LAZY_REEXPORTS = {"lossviz.cv": {"lossviz.checks"}}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def unit(module: str) -> str:
    """``lossviz.losses.regression`` -> ``losses``; the package itself -> ``lossviz``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _target(base: str, name: str) -> str:
    """What ``from base import name`` names: the submodule if there is one, else base."""
    return f"{base}.{name}" if f"{base}.{name}" in MODULES else base


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """lossviz modules named by the import statements and literal import_module calls
    anywhere under ``tree``."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "lossviz"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{node.module}" if node.module else anchor
            if base.split(".")[0] == "lossviz":
                found |= {_target(base, alias.name) for alias in node.names}
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and str(node.args[0].value).split(".")[0] == "lossviz"
        ):
            found.add(node.args[0].value)
    return found - {module}


def _read(module: str) -> tuple[set[str], set[str]]:
    """(edges, lazy re-exports) of one module."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    lazy_functions = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "__getattr__"]
    lazy = set().union(*(_imports(function, module, is_package) for function in lazy_functions))
    for function in lazy_functions:
        tree.body.remove(function)
    return _imports(tree, module, is_package), lazy


GRAPH = {module: _read(module) for module in MODULES}
EDGES = {module: edges for module, (edges, _) in GRAPH.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_the_imports_it_must():
    """The walk itself: absolute, relative, function-level and lazy imports all count."""
    assert "lossviz._validation" in EDGES["lossviz.losses.regression"]
    assert "lossviz.plots" in EDGES["lossviz.widgets.regression"]  # from lossviz import plots
    assert "lossviz.cv" in EDGES["lossviz.checks.fold_loop"]  # inside a function
    assert "lossviz" in EDGES["lossviz.session"]  # from lossviz import __version__
    assert "lossviz.losses" in EDGES["lossviz.standalone"]  # importlib.import_module
    assert GRAPH["lossviz.cv"][1] == {"lossviz.checks"}  # the lazy re-export
    assert len(MODULES) > 40


def test_no_import_cycle_between_modules():
    assert _cycles(EDGES) == []


def test_no_import_cycle_between_packages():
    units = {}
    for module, edges in EDGES.items():
        units.setdefault(unit(module), set()).update(unit(other) for other in edges if unit(other) != unit(module))
    assert _cycles(units) == []


def test_every_module_has_a_layer():
    unplaced = sorted({unit(module) for module in MODULES} - set(LAYER))
    assert unplaced == [], f"place these in LAYERS (tests/test_layers.py): {unplaced}"
    assert sorted(set(LAYER) - {unit(module) for module in MODULES}) == [], "stale LAYERS entries"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module):
    upward = sorted(
        other for other in EDGES[module] if LAYER.get(unit(other), -1) > LAYER.get(unit(module), len(LAYERS))
    )
    assert upward == [], f"{module} (layer {LAYER.get(unit(module))}) imports a higher layer: {upward}"


def test_lazy_reexports_are_the_listed_ones():
    lazy = {module: found for module, (_, found) in GRAPH.items() if found}
    assert lazy == LAZY_REEXPORTS


def test_no_module_is_over_500_lines():
    """Split a module when it stops fitting in one reading."""
    long = {
        str(path.relative_to(PACKAGE.parent)): length
        for path in MODULES.values()
        if (length := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, f"modules over {MAX_LINES} lines: {long}"


def test_the_docstring_states_these_layers():
    written = __doc__.split("lowest first", 1)[1].split("One kind", 1)[0]
    for number, units in enumerate(LAYERS, start=1):
        block = written.split(f"{number}. ", 1)[1].split(f"{number + 1}. ", 1)[0]
        assert set(block.replace("(", " ").split()) >= set(units), number
