"""Every loss or metric a notebook shows as right is run through lossviz's own checker.

The rule (issue 26): a ``Loss`` or ``Metric`` subclass, or a loss function, that a
notebook presents as correct is passed to ``check_loss`` or ``check_metric`` in the
notebook; code that is wrong on purpose (a blog's version, an exercise starter) sits in a
code cell tagged ``wrong-on-purpose``, under a heading or sentence that says so.

This is a pure AST pass over the code cells of each ``.ipynb`` (tags live in the cells'
metadata); it imports no Keras, so it runs in ``make check``. What it finds:

- **classes**: ``class X(...)`` with a base that is a loss or a metric class: a dotted
  name whose last part ends in ``Loss`` or ``Metric`` (``keras.losses.Loss``,
  ``keras.metrics.Metric``, ``StreamingMetric``), any class reached through
  ``keras.losses.`` / ``keras.metrics.`` (``keras.metrics.Mean``, ``keras.losses.Huber``),
  a name imported from ``keras.losses``, ``keras.metrics``, ``lossviz.keras_losses`` or
  ``lossviz.keras_metrics``, or a class the notebook defined earlier that is one of these.
  A ``keras.layers.Layer`` that calls ``add_loss`` is not a loss.
- **functions**: ``def f(y_true, y_pred, ...)`` and ``lambda y_true, y_pred: ...``, by
  the names of their first two parameters.

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
KERAS_PREFIXES = ("keras.losses.", "keras.metrics.")
CLASS_MODULES = frozenset({"keras.losses", "keras.metrics", "lossviz.keras_losses", "lossviz.keras_metrics"})


@dataclass
class Definition:
    """One class, function or lambda the rule applies to, where it is in the notebook."""

    kind: str  # "class", "function" or "lambda"
    name: str  # "<lambda>" for a lambda
    cell: int  # index among all the notebook's cells
    first_line: str
    order: tuple[int, int]  # (cell, line): where it is defined, in running order
    wrong_on_purpose: bool
    calls: frozenset[str] = frozenset()  # names its body calls
    in_checker_call: bool = False  # lambdas only


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


def scan(notebook: dict) -> tuple[list[Definition], list[tuple[tuple[int, int], set[str]]]]:
    """The definitions the rule applies to, and each checker call's (place, names mentioned)."""
    definitions, checker_calls = [], []
    loss_classes: set[str] = set()  # names known to be loss or metric classes, so far
    for index, source, tags in _code_cells(notebook):
        tree = ast.parse(source)
        wrong = WRONG_TAG in tags
        first = {n + 1: line for n, line in enumerate(source.splitlines())}
        inside_checker = {id(n) for call in ast.walk(tree) if _is_checker_call(call) for n in ast.walk(call)}
        # Statements in running order: imports and classes update what counts as a loss class.
        for node in sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
            order = (index, getattr(node, "lineno", 0))
            if isinstance(node, ast.ImportFrom) and node.module in CLASS_MODULES:
                loss_classes |= {alias.asname or alias.name for alias in node.names if alias.name[:1].isupper()}
            elif isinstance(node, ast.ClassDef):
                bases = [_dotted(base) for base in node.bases]
                if any(
                    base.endswith(SUFFIXES) or base.startswith(KERAS_PREFIXES) or base in loss_classes for base in bases
                ):
                    loss_classes.add(node.name)
                    definitions.append(
                        Definition("class", node.name, index, first[node.lineno], order, wrong, _called(node))
                    )
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _takes_y_true_y_pred(node.args):
                definitions.append(
                    Definition("function", node.name, index, first[node.lineno], order, wrong, _called(node))
                )
            elif isinstance(node, ast.Lambda) and _takes_y_true_y_pred(node.args):
                lambda_ = Definition("lambda", "<lambda>", index, first[node.lineno], order, wrong, _called(node))
                lambda_.in_checker_call = id(node) in inside_checker
                definitions.append(lambda_)
            elif _is_checker_call(node):
                checker_calls.append((order, _mentioned(node)))
    return definitions, checker_calls


def uncovered(notebook: dict) -> list[Definition]:
    """The definitions that are neither checked (directly or as a helper) nor tagged."""
    definitions, checker_calls = scan(notebook)
    named = [d for d in definitions if d.kind != "lambda"]
    covered = set()
    for position, definition in enumerate(named):
        redefined = [d.order for d in named[position + 1 :] if d.name == definition.name]
        until = min(redefined, default=(float("inf"), 0))
        if any(definition.order <= where < until and definition.name in names for where, names in checker_calls):
            covered.add(position)
    # A helper of a covered definition runs inside its check.
    growing = True
    while growing:
        calls = set().union(*(named[p].calls for p in covered)) if covered else set()
        more = {p for p, d in enumerate(named) if p not in covered and d.name in calls}
        covered |= more
        growing = bool(more)
    unchecked = [d for p, d in enumerate(named) if p not in covered]
    unchecked += [d for d in definitions if d.kind == "lambda" and not d.in_checker_call]
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
