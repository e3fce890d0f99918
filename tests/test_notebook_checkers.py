"""Every loss or metric a notebook shows as right is run through lossviz's own checker.

The rule (issue 26): a ``Loss`` or ``Metric`` subclass, or a loss function, that a
notebook presents as correct is passed to ``check_loss`` or ``check_metric`` in the
notebook; code that is wrong on purpose (a blog's version, an exercise starter) sits in a
code cell tagged ``wrong-on-purpose``, under a heading or sentence that says so.

This is a pure AST pass over the code cells of each ``.ipynb`` (tags live in the cells'
metadata); it imports no Keras, so it runs in ``make check``. What it finds:

- **classes**: ``class X(...)`` with a base that is a loss or a metric class: a dotted
  name whose last part ends in ``Loss`` or ``Metric`` (``keras.losses.Loss``,
  ``keras.metrics.Metric``, ``StreamingMetric``), a class reached through a loss or
  metric module under any name the notebook gives it (a module called ``losses``,
  ``metrics``, ``*_losses`` or ``*_metrics``: ``keras.metrics.Mean``,
  ``tf.keras.losses.Huber``, ``losses.Huber`` after ``from keras import losses``,
  ``km.Mean`` after ``import keras.metrics as km``; scikit-learn's ``metrics`` holds no
  such class), a capitalised name imported from such a module, a class the notebook
  instantiates as a loss or metric (below), or a class the notebook defined earlier that
  is one of these. A class the notebook itself passes as a loss or metric is one whatever
  its bases. A ``keras.layers.Layer`` that calls ``add_loss`` is not a loss.
- **functions and lambdas**: ``def f(y_true, y_pred, ...)`` and ``lambda y_true, y_pred:
  ...``, by the names of their first two parameters; and, whatever their parameters are
  called, every function or lambda the notebook passes as a loss or metric: to
  ``compile(...)`` as ``loss=``, ``metrics=`` or ``weighted_metrics=`` (or in their
  positions), bare, in a list, tuple or dict, or through ``functools.partial``; and to
  ``LossFunctionWrapper`` / ``MeanMetricWrapper`` (first argument or ``fn=``). A function
  named there counts when the name is passed after its ``def`` and before it is defined
  again; a function called there (``loss=make_loss(0.5)``) is a factory of the loss and
  counts too. A lambda assigned to a name (``f = lambda t, p: ...``) is named by it.

A definition is covered when

- a later call to a checker (``check_loss`` / ``check_metric``, bare or as an attribute
  such as ``lossviz.check_loss``), made before the name is defined again, mentions the
  name anywhere in its arguments: ``check_loss(f)``, ``check_metric(X())``,
  ``check_loss(g, reference=f)`` (a reference is checked against the thing it checks),
  ``check_metric(lambda: X())``; a lambda is covered when it is itself inside such a call;
- or a covered function or class of the notebook calls it (a helper of a checked loss,
  such as the pasted ``huber``'s ``as_float_pair`` in 00, runs inside the check);
- or it is defined in a cell tagged ``wrong-on-purpose``.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

CHECKERS = frozenset({"check_loss", "check_metric"})
WRONG_TAG = "wrong-on-purpose"
SUFFIXES = ("Loss", "Metric")
LOSS_MODULE_NAMES = ("losses", "metrics")  # a module called so, or *_losses / *_metrics
NOT_LOSS_MODULES = frozenset({"sklearn"})  # sklearn.metrics holds functions and Display classes
NOT_LOSS_SUFFIXES = ("Warning", "Error", "Display")
# Calls that take losses or metrics: callee's last name -> {keyword: position}.
SLOTS = {
    "compile": {"loss": 1, "metrics": 3, "weighted_metrics": 4},
    "LossFunctionWrapper": {"fn": 0},
    "MeanMetricWrapper": {"fn": 0},
}
PARTIALS = frozenset({"partial"})
NEVER = (float("inf"), 0)


@dataclass
class Definition:
    """One class, function or lambda the rule applies to, where it is in the notebook."""

    kind: str  # "class", "function" or "lambda"
    name: str  # "<lambda>" for a lambda not assigned to a name
    cell: int  # index among all the notebook's cells
    first_line: str
    order: tuple[int, int]  # (cell, line): where it is defined, in running order
    wrong_on_purpose: bool
    calls: frozenset[str] = frozenset()  # names its body calls
    in_checker_call: bool = False  # unnamed lambdas only
    by_shape: bool = True  # its bases or parameter names make it one (else only its use does)
    until: tuple = NEVER  # where its name is defined again


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):  # a base built by a call: judge what is called
        return _dotted(node.func)
    return ""


def _code_cells(notebook: dict):
    """(cell index, source, tags) of each code cell; IPython magics and shell lines blanked."""
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        lines = [("pass" if line.lstrip().startswith(("%", "!")) else line) for line in source.splitlines()]
        yield index, "\n".join(lines), tuple(cell.get("metadata", {}).get("tags", ()))


def _is_checker_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name in CHECKERS


def _mentioned(call: ast.Call) -> set[str]:
    names = set()
    for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
        names |= {node.id for node in ast.walk(argument) if isinstance(node, ast.Name)}
    return names


def _called(node: ast.AST) -> frozenset[str]:
    return frozenset(_dotted(n.func).split(".")[-1] for n in ast.walk(node) if isinstance(n, ast.Call))


def _takes_y_true_y_pred(arguments: ast.arguments) -> bool:
    names = [a.arg for a in [*arguments.posonlyargs, *arguments.args]]
    return names[:2] == ["y_true", "y_pred"]


def _slot_arguments(call: ast.Call) -> list[ast.AST]:
    """The arguments of ``compile(...)`` or a loss/metric wrapper that hold losses or metrics."""
    slots = SLOTS.get(_dotted(call.func).split(".")[-1], {})
    return [a for n, a in enumerate(call.args) if n in slots.values()] + [
        k.value for k in call.keywords if k.arg in slots
    ]


def _held(value: ast.AST):
    """What one slot holds, through lists, tuples, dicts and ``functools.partial``: names and
    lambdas passed, and the callee of a call (a class instantiated, a factory called)."""
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        for element in value.elts:
            yield from _held(element)
    elif isinstance(value, ast.Dict):
        for element in value.values:
            yield from _held(element)
    elif isinstance(value, ast.Call):
        callee = _dotted(value.func).split(".")[-1]
        inner = value.args[:1] if callee in PARTIALS else _slot_arguments(value) if callee in SLOTS else None
        if inner is None:
            yield value.func
        for argument in inner or ():
            yield from _held(argument)
    elif isinstance(value, ast.Name | ast.Attribute | ast.Lambda):
        yield value


def _resolve(dotted: str, imported: dict[str, str]) -> str:
    head, dot, rest = dotted.partition(".")
    return imported.get(head, head) + dot + rest


def _imports(node: ast.Import | ast.ImportFrom) -> dict[str, str]:
    """The local names an import binds, each with the dotted path it stands for."""
    if isinstance(node, ast.ImportFrom):
        return (
            {} if node.level or not node.module else {a.asname or a.name: f"{node.module}.{a.name}" for a in node.names}
        )
    return {a.asname: a.name for a in node.names if a.asname} | {
        a.name.split(".")[0]: a.name.split(".")[0] for a in node.names if not a.asname
    }


def _is_loss_module(module: str) -> bool:
    parts = module.split(".")
    return parts[0] not in NOT_LOSS_MODULES and any(p.endswith(LOSS_MODULE_NAMES) for p in parts)


def _is_loss_class(base: str, imported: dict[str, str], known: set[str]) -> bool:
    full = _resolve(base, imported)
    module, _, name = full.rpartition(".")
    from_module = name[:1].isupper() and not name.endswith(NOT_LOSS_SUFFIXES) and _is_loss_module(module)
    return base.endswith(SUFFIXES) or base in known or full in known or bool(module and from_module)


def _loss_uses(cells) -> tuple[list[tuple[tuple[int, int], str]], set[int]]:
    """Every name the notebook passes (or calls) as a loss or metric, with where; and the
    ids of the lambdas it passes."""
    uses, lambdas = [], set()
    for index, tree, *_ in cells:
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            for argument in _slot_arguments(call):
                for held in _held(argument):
                    if isinstance(held, ast.Lambda):
                        lambdas.add(id(held))
                    else:
                        uses.append(((index, call.lineno), _dotted(held)))
    return uses, lambdas


def scan(notebook: dict) -> tuple[list[Definition], list[tuple[tuple[int, int], set[str]]]]:
    """The definitions the rule applies to, and each checker call's (place, names mentioned)."""
    cells = [(index, ast.parse(source), source, tags) for index, source, tags in _code_cells(notebook)]
    uses, passed_lambdas = _loss_uses(cells)
    candidates, checker_calls = [], []
    imported: dict[str, str] = {}  # local name -> the dotted path it was imported as
    loss_classes = {name for _, name in uses}  # names used as losses or metrics, and loss classes so far
    for index, tree, source, tags in cells:
        wrong = WRONG_TAG in tags
        first = {n + 1: line for n, line in enumerate(source.splitlines())}
        inside_checker = {id(n) for call in ast.walk(tree) if _is_checker_call(call) for n in ast.walk(call)}
        lambda_names = {
            id(n.value): n.targets[0].id
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Lambda) and isinstance(n.targets[0], ast.Name)
        }
        # Statements in running order: imports and classes update what counts as a loss class.
        for node in sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
            order = (index, getattr(node, "lineno", 0))
            if isinstance(node, ast.Import | ast.ImportFrom):
                imported |= _imports(node)
            elif isinstance(node, ast.ClassDef):
                is_loss = any(_is_loss_class(_dotted(base), imported, loss_classes) for base in node.bases)
                if is_loss:
                    loss_classes.add(node.name)
                line = first[node.lineno]
                candidates.append(
                    Definition("class", node.name, index, line, order, wrong, _called(node), by_shape=is_loss)
                )
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                shape = _takes_y_true_y_pred(node.args)
                line = first[node.lineno]
                candidates.append(
                    Definition("function", node.name, index, line, order, wrong, _called(node), by_shape=shape)
                )
            elif isinstance(node, ast.Lambda):
                name = lambda_names.get(id(node), "<lambda>")
                shape = _takes_y_true_y_pred(node.args) or id(node) in passed_lambdas
                lambda_ = Definition(
                    "lambda", name, index, first[node.lineno], order, wrong, _called(node), by_shape=shape
                )
                lambda_.in_checker_call = id(node) in inside_checker
                candidates.append(lambda_)
            elif _is_checker_call(node):
                checker_calls.append((order, _mentioned(node)))
    named = [c for c in candidates if c.name != "<lambda>"]
    for position, candidate in enumerate(named):
        candidate.until = min((c.order for c in named[position + 1 :] if c.name == candidate.name), default=NEVER)
    used = {id(c) for c in named if any(c.order <= where < c.until and name == c.name for where, name in uses)}
    definitions = [c for c in candidates if c.by_shape or id(c) in used]
    return definitions, checker_calls


def uncovered(notebook: dict) -> list[Definition]:
    """The definitions that are neither checked (directly or as a helper) nor tagged."""
    definitions, checker_calls = scan(notebook)
    named = [d for d in definitions if d.name != "<lambda>"]
    covered = {
        p
        for p, d in enumerate(named)
        if any(d.order <= where < d.until and d.name in names for where, names in checker_calls)
    }
    # A helper of a covered definition runs inside its check.
    growing = True
    while growing:
        calls = set().union(*(named[p].calls for p in covered)) if covered else set()
        more = {p for p, d in enumerate(named) if p not in covered and d.name in calls}
        covered |= more
        growing = bool(more)
    unchecked = [d for p, d in enumerate(named) if p not in covered]
    unchecked += [d for d in definitions if d.name == "<lambda>" and not d.in_checker_call]
    return [d for d in unchecked if not d.wrong_on_purpose]


def problems(path: Path, notebook: dict | None = None) -> list[str]:
    notebook = notebook if notebook is not None else json.loads(path.read_text())
    return [
        f"{path.name}: {d.kind} {d.name} (cell {d.cell}: {d.first_line.strip()!r}) is neither passed to "
        f"check_loss / check_metric in the notebook nor in a cell tagged {WRONG_TAG!r}: check it and assert "
        f"the result, or, if it is wrong on purpose, tag its cell and say so in the text above it"
        for d in uncovered(notebook)
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_loss_and_metric_shown_as_right_is_checked(path):
    found = problems(path)
    assert not found, "\n".join(found)


def test_every_notebook_is_scanned():
    assert len(NOTEBOOKS) >= 9


# ----------------------------------------------------------------------------------------
# The detector itself, on small synthetic notebooks


def _notebook(*cells: tuple[str, list[str]]) -> dict:
    return {
        "cells": [
            {"cell_type": "code", "source": source, "metadata": {"tags": tags}, "outputs": []} for source, tags in cells
        ]
        + [{"cell_type": "markdown", "source": "## not code", "metadata": {}}]
    }


CORRECT = """
import keras
from lossviz.keras_losses import PseudoHuber

def helper(y_true, y_pred):
    return y_true - y_pred

def my_loss(y_true, y_pred):
    return keras.ops.mean(keras.ops.square(helper(y_true, y_pred)), axis=-1)

class MyMetric(keras.metrics.Mean):
    pass

class Tuned(PseudoHuber):
    pass
"""


def test_a_notebook_that_checks_everything_passes():
    notebook = _notebook(
        (CORRECT, []),
        ("%matplotlib inline\nlossviz.check_loss(my_loss)\nassert check_metric(lambda: MyMetric())", []),
        ("assert lossviz.checks.check_loss(Tuned(delta=0.5), reference=lambda y_true, y_pred: 0)", []),
        ("def blog_loss(y_true, y_pred):\n    return 0\nclass Old(keras.losses.Loss):\n    pass", [WRONG_TAG]),
        ("model.compile(loss=lambda y_true, y_pred: 0)", ["raises-exception", WRONG_TAG]),
        ("class Block(keras.layers.Layer):\n    pass\ndef pairwise(y_true, scores):\n    pass", []),
    )
    assert problems(Path("00_synthetic.ipynb"), notebook) == []


def test_a_notebook_that_skips_the_checker_fails_and_says_where():
    notebook = _notebook(
        (CORRECT, []),
        ("check_loss(my_loss)", []),  # MyMetric and Tuned are never checked
        ("model.compile(loss=lambda y_true, y_pred: 0)", ["raises-exception"]),
        ("def my_loss(y_true, y_pred):\n    return 0", []),  # redefined after its check
    )
    found = problems(Path("09_synthetic.ipynb"), notebook)
    named = [line.split(" (cell")[0] for line in found]
    assert named == [
        "09_synthetic.ipynb: class MyMetric",
        "09_synthetic.ipynb: class Tuned",
        "09_synthetic.ipynb: function my_loss",
        "09_synthetic.ipynb: lambda <lambda>",
    ]
    assert "(cell 0: 'class MyMetric(keras.metrics.Mean):')" in found[0]
    assert "(cell 3: 'def my_loss(y_true, y_pred):')" in found[2]
    assert "(cell 2: 'model.compile(loss=lambda y_true, y_pred: 0)')" in found[3]
    assert all("wrong-on-purpose" in line for line in found)


def test_a_checker_call_before_the_definition_does_not_count():
    notebook = _notebook(("check_loss(later)", []), ("def later(y_true, y_pred):\n    return 0", []))
    assert [d.name for d in uncovered(notebook)] == ["later"]


# Whatever their parameters are called, what a notebook passes as a loss or a metric is a
# definition the rule applies to; a loss or metric class is one under any import.
CAUGHT = {
    "def, other names, loss=": (
        "def my_loss(target, output):\n    return 0\nmodel.compile(loss=my_loss)",
        "function my_loss",
    ),
    "lambda, other names, loss=": ("model.compile(optimizer='sgd', loss=lambda t, p: 0)", "lambda <lambda>"),
    "def in metrics=[...]": (
        "def rmse(a, b):\n    return 0\nmodel.compile(loss='mse', metrics=['mae', rmse])",
        "function rmse",
    ),
    "weighted_metrics dict": (
        "def wm(a, b):\n    return 0\nm.compile(loss='mse', weighted_metrics={'out': [wm]})",
        "function wm",
    ),
    "positional loss": ("def my_loss(t, p):\n    return 0\nmodel.compile('sgd', my_loss)", "function my_loss"),
    "positional metrics": ("def acc(t, p):\n    return 0\nmodel.compile('sgd', 'mse', None, [acc])", "function acc"),
    "named lambda": ("rmse = lambda t, p: 0\nmodel.compile(loss='mse', metrics=[rmse])", "lambda rmse"),
    "functools.partial": (
        "def pinball(t, p, q):\n    return 0\nmodel.compile(loss=functools.partial(pinball, q=0.9))",
        "function pinball",
    ),
    "factory called": (
        "def make_loss(delta):\n    return lambda t, p: delta\nmodel.compile(loss=make_loss(0.5))",
        "function make_loss",
    ),
    "LossFunctionWrapper": (
        "def f(t, p):\n    return 0\nwrapped = keras.losses.LossFunctionWrapper(f, name='f')",
        "function f",
    ),
    "MeanMetricWrapper fn=": ("def m(t, p):\n    return 0\nw = keras.metrics.MeanMetricWrapper(fn=m)", "function m"),
    "wrapper lambda in metrics": (
        "m.compile(metrics=[keras.metrics.MeanMetricWrapper(lambda a, b: 0)])",
        "lambda <lambda>",
    ),
    "from keras import losses": ("from keras import losses\nclass Mine(losses.Huber):\n    pass", "class Mine"),
    "import keras.metrics as km": ("import keras.metrics as km\nclass Mine(km.Mean):\n    pass", "class Mine"),
    "tf.keras.metrics": ("import tensorflow as tf\nclass Mine(tf.keras.metrics.Mean):\n    pass", "class Mine"),
    "from lossviz import keras_losses": (
        "from lossviz import keras_losses as kl\nclass Mine(kl.PseudoHuber):\n    pass",
        "class Mine",
    ),
    "class passed as a loss": (
        "class Scaled:\n    def __call__(self, t, p):\n        return 0\nmodel.compile(loss=Scaled(2.0))",
        "class Scaled",
    ),
    "subclass of a class instantiated as a loss": (
        "from mylib import Focal\nclass Mine(Focal):\n    pass\nmodel.compile(loss=Focal(2.0))",
        "class Mine",
    ),
}
CLEAN = {
    "def, other names, checked": "def my_loss(t, p):\n    return 0\nassert check_loss(my_loss)\nmodel.compile(loss=my_loss)",
    "named lambda checked": "rmse = lambda t, p: 0\nassert check_metric(rmse)\nmodel.compile(metrics=[rmse])",
    "factory checked": "def make(d):\n    return lambda t, p: d\nassert check_loss(make(0.5))\nm.compile(loss=make(0.5))",
    "helper of a checked loss": "def gap(a, b):\n    return a - b\ndef f(t, p):\n    return gap(t, p)\ncheck_loss(f)\nm.compile(loss=f)",
    "builtins and strings only": "m.compile('sgd', loss='mse', metrics=['mae', keras.metrics.AUC(), keras.losses.mse])",
    "a loop variable": "for loss in ('mse', 'mae'):\n    model.compile(loss=loss)",
    "two-argument helpers not passed": "def plot(a, b):\n    pass\ncross_validate_keras(lambda: model, X, y)",
    "passed before it is defined again": "def f(t, p):\n    return 0\ncheck_loss(f)\nm.compile(loss=f)\ndef f(a, b):\n    pass",
    "scikit-learn's metrics": "from sklearn.metrics import RocCurveDisplay\nclass Mine(RocCurveDisplay):\n    pass",
    "a warning in lossviz.metrics": "import lossviz.metrics\nclass W(lossviz.metrics.UndefinedMetricWarning):\n    pass",
    "re.compile": "import re\ndef flags(a, b):\n    pass\npattern = re.compile('x', re.I)",
}


@pytest.mark.parametrize("source, expected", CAUGHT.values(), ids=CAUGHT.keys())
def test_what_is_passed_as_a_loss_or_metric_is_caught_whatever_its_parameters(source, expected):
    found = problems(Path("00_synthetic.ipynb"), _notebook((source, [])))
    assert [line.split(" (cell")[0] for line in found] == [f"00_synthetic.ipynb: {expected}"]
    assert problems(Path("00_synthetic.ipynb"), _notebook((source, [WRONG_TAG]))) == []


@pytest.mark.parametrize("source", CLEAN.values(), ids=CLEAN.keys())
def test_what_is_checked_or_not_a_loss_stays_clean(source):
    assert problems(Path("00_synthetic.ipynb"), _notebook((source, []))) == []
