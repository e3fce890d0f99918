"""Paste-ready source for every reference implementation: ``standalone_source(name)``.

A reader who copies ``inspect.getsource(lossviz.losses.huber)`` gets a function that
calls helpers from three files and fails with ``NameError``. ``standalone_source``
assembles what the function really needs from the package's own code, so the block it
returns runs by itself: its imports, the constants and helpers the function uses (each
once, each before its first use), and the function last. Its code never uses lossviz.

Every block opens with a proof header (:func:`proof_header`): the SPDX licence, the
lossviz version, and what the block was tested equal to, with the tolerance, the
versions and the test's id. The header is read from ``lossviz/proofs.json``, which
``tools/proofs.py`` writes from the tests' own parameters; tests/test_proofs.py fails when
the two disagree.

How the block is assembled (the rules the library code follows):

- Names are resolved by reading the modules' source, not by importing them, so the
  Keras flavour is assembled without importing Keras.
- A name defined at module level (function, class, constant) is copied with everything
  it uses in turn; a name imported by name from another lossviz module is copied from
  there. Helpers are imported by their own name (``from lossviz.x import helper``),
  never as a module attribute or under another name.
- The library's fast paths are left out: an ``if`` in a function's body whose test calls
  a function named ``fast_..._applies`` (``if fast_sort_applies(...):`` in
  ``metrics/ranking.py``) is dropped, so the block keeps the readable code after it.
- Any other import (``numpy``, ``math``, ``keras.ops`` ...) is copied as an import.
- Argument validation is left out, and the block says so in one comment line: a
  statement of a function's body that is only a call to a function named ``check_...`` or
  ``_check_...`` is dropped, and ``y_true, y_pred = check_pair(y_true, y_pred, ...)``,
  whose validator is marked ``@returns_like(as_float_pair)``, becomes the plain
  conversion ``y_true, y_pred = as_float_pair(y_true, y_pred)`` (the validator's first
  arguments, one per name assigned). The library function keeps the checks. Everything
  else is the maths.
- Docstrings keep their formula, arguments and returns; the doctest example and the
  "Taught in" line, which speak of the package, are dropped, and so are the decorators
  that register a definition with the package (``@register_loss(...)``,
  ``@register_metric``).

Taught in: notebooks/00_start_here.ipynb
"""

from __future__ import annotations

import ast
import difflib
import importlib
import importlib.util
import io
import json
import re
import textwrap
import tokenize
from functools import cache, partial
from importlib import resources

from lossviz._validation import check_one_of, fail
from lossviz.losses import _registry as _loss_registry

__all__ = [
    "standalone_source",
    "standalone_names",
    "proof_header",
    "code_lines",
    "length_table",
    "FLAVORS",
    "SHORT_LOSSES",
    "LINE_LIMIT",
]

#: Where each flavour's functions are looked up: the NumPy twins, and the same losses
#: written with ``keras.ops`` for ``compile`` and training.
FLAVORS = {
    "numpy": ("lossviz.losses", "lossviz.metrics"),
    "keras": ("lossviz.keras_reference",),
}

#: The common losses whose NumPy block must stay at most LINE_LIMIT code lines long
#: (helpers included; docstrings, comments and blank lines excluded): those registered
#: with ``@register_loss(short=True)``.
SHORT_LOSSES = tuple(_loss_registry.SHORT)
LINE_LIMIT = 40

_DROPPED_NOTE = "# Argument validation is left out here; add your own checks if you need them."
_VALIDATION_CALL = re.compile(r"^_?check_")
_FAST_PATH_TEST = re.compile(r"^_?fast_\w*_applies$")
_DOCSTRING_DROPPED = re.compile(r"^\s*(Examples?:|Taught in:)")
_REGISTRATION = re.compile(r"^(register_\w+|gradient_of)$")


@cache
def _module_tree(module: str) -> tuple[str, ast.Module]:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        fail("module", "an importable lossviz module", f"Received: {module!r}")
    with open(spec.origin, encoding="utf-8") as handle:
        source = handle.read()
    return source, ast.parse(source)


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module
    spec = importlib.util.find_spec(module)
    package = module if spec.submodule_search_locations else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


@cache
def _namespace(module: str) -> tuple[dict, dict]:
    """Module-level definitions (name -> node) and imports (name -> (module, name) or line)."""
    source, tree = _module_tree(module)
    definitions, imports = {}, {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            definitions[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        definitions[name.id] = node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                line = f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
                imports[alias.asname or alias.name.partition(".")[0]] = line
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            origin = _absolute(module, node)
            for alias in node.names:
                if origin.split(".")[0] == "lossviz":
                    if alias.asname and alias.asname != alias.name:
                        raise RuntimeError(f"{module} imports {alias.name} as {alias.asname}: snippets need own names")
                    imports[alias.name] = (origin, alias.name)
                else:
                    imports[alias.asname or alias.name] = f"from {origin} import {alias.name}" + (
                        f" as {alias.asname}" if alias.asname else ""
                    )
    return definitions, imports


def _is_fast_path(statement: ast.stmt) -> bool:
    """``if fast_..._applies(...): ...`` without ``else``: the library's fast path."""
    if not (isinstance(statement, ast.If) and not statement.orelse and isinstance(statement.test, ast.Call)):
        return False
    callee = statement.test.func
    return isinstance(callee, ast.Name) and bool(_FAST_PATH_TEST.match(callee.id))


def _is_validation(statement: ast.stmt) -> bool:
    if _is_fast_path(statement):  # left out with the checks: the block keeps the readable code
        return True
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    callee = statement.value.func
    name = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", "")
    return bool(_VALIDATION_CALL.match(name))


def _definition(module: str, name: str) -> tuple[str, ast.AST] | None:
    """Where ``name``, as ``module`` sees it, is defined: (module, node), through lossviz imports."""
    definitions, imports = _namespace(module)
    if name in definitions:
        return module, definitions[name]
    target = imports.get(name)
    return _definition(*target) if isinstance(target, tuple) else None


def _conversion(module: str, statement: ast.stmt) -> tuple[str, str, str] | None:
    """For ``y_true, y_pred = check_...(y_true, y_pred, ...)`` whose validator carries
    ``@returns_like(conversion)``: (the validator's module, the conversion's name, the
    plain statement ``y_true, y_pred = conversion(y_true, y_pred)``, unindented)."""
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Name)
        and _VALIDATION_CALL.match(statement.value.func.id)
    ):
        return None
    found = _definition(module, statement.value.func.id)
    decorators = getattr(found[1], "decorator_list", []) if found else []
    for decorator in decorators:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Name)
            and decorator.func.id == "returns_like"
            and isinstance(decorator.args[0], ast.Name)
        ):
            source, _ = _module_tree(module)
            target = statement.targets[0]
            # The validator's first arguments, one per name assigned, are what it converts.
            count = len(target.elts) if isinstance(target, ast.Tuple) else 1
            arguments = ", ".join(ast.get_source_segment(source, argument) for argument in statement.value.args[:count])
            conversion = decorator.args[0].id
            return found[0], conversion, f"{ast.get_source_segment(source, target)} = {conversion}({arguments})"
    return None


def _validation_statements(module: str, node: ast.AST) -> list[ast.stmt]:
    """Bare ``check_...()`` calls, and validators assigned whose plain conversion replaces them."""
    if not isinstance(node, ast.FunctionDef):
        return []
    # Only statements of the function's own body: dropping one inside a block could
    # leave the block empty.
    return [statement for statement in node.body if _is_validation(statement) or _conversion(module, statement)]


def _registrations(node: ast.AST) -> list[ast.expr]:
    """The decorators that register a definition with the package (``@register_loss(...)``)."""
    found = []
    for decorator in getattr(node, "decorator_list", []):
        callee = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(callee, ast.Name) and _REGISTRATION.match(callee.id):
            found.append(decorator)
    return found


def _used_names(node: ast.AST, dropped: list[ast.stmt]) -> set[str]:
    skip = {id(inner) for statement in dropped for inner in ast.walk(statement)}
    return {
        name.id
        for name in ast.walk(node)
        if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load) and id(name) not in skip
    }


def _segment(module: str, node: ast.AST, dropped: list[ast.stmt]) -> str:
    """The node's source, without dropped statements, example sections or package lines;
    a validator assigned becomes its plain conversion."""
    source, _ = _module_tree(module)
    lines = source.splitlines()
    registrations = _registrations(node)
    decorators = [d for d in getattr(node, "decorator_list", []) if d not in registrations]
    first = min([node.lineno] + [d.lineno for d in decorators])
    removed = {
        line for statement in [*dropped, *registrations] for line in range(statement.lineno, statement.end_lineno + 1)
    }
    for statement in dropped:
        converted = _conversion(module, statement)
        if converted:  # its first line becomes the plain conversion
            lines[statement.lineno - 1] = lines[statement.lineno - 1][: statement.col_offset] + converted[2]
            removed.discard(statement.lineno)
    has_docstring = isinstance(node, ast.FunctionDef | ast.ClassDef) and ast.get_docstring(node) is not None
    docstring = has_docstring and node.body[0]
    if docstring:
        doc_lines = range(docstring.lineno, docstring.end_lineno + 1)
        cutting, indent = False, 0
        for number in doc_lines[1:-1]:
            text = lines[number - 1]
            if _DOCSTRING_DROPPED.match(text):
                cutting, indent = True, len(text) - len(text.lstrip())
                removed.add(number)
            elif cutting and text.strip() and len(text) - len(text.lstrip()) <= indent:
                cutting = False
            elif cutting:
                removed.add(number)
    kept = [lines[n - 1] for n in range(first, node.end_lineno + 1) if n not in removed]
    # A docstring that lost its last section may end in blank lines before the quotes.
    text = "\n".join(kept)
    return re.sub(r"\n(\s*\n)+(\s*\"\"\")", r"\n\2", text)


def _collect(module: str, name: str, seen: dict, imports: dict, stack: tuple = ()) -> None:
    """Depth first: every dependency of ``module.name`` enters ``seen`` before it does."""
    if (module, name) in seen:
        return
    definitions, module_imports = _namespace(module)
    if name not in definitions:
        if name in module_imports and isinstance(module_imports[name], tuple):
            _collect(*module_imports[name], seen, imports, stack)
            return
        raise RuntimeError(f"{name!r} is not defined at module level in {module}")
    node = definitions[name]
    dropped = _validation_statements(module, node)
    # The plain conversions that replace validators are found in the validator's module.
    conversions = {found[1]: found[0] for found in map(partial(_conversion, module), dropped) if found}
    for used in sorted(_used_names(node, dropped + _registrations(node)) | set(conversions)):
        if used == name or (module, used) in stack:
            continue
        if used in conversions and used not in definitions and used not in module_imports:
            _collect(conversions[used], used, seen, imports, stack + ((module, name),))
        elif used in definitions:
            _collect(module, used, seen, imports, stack + ((module, name),))
        elif used in module_imports:
            target = module_imports[used]
            if isinstance(target, tuple):
                _collect(*target, seen, imports, stack + ((module, name),))
            else:
                imports.setdefault(target, None)
        # Anything else is a local variable or a builtin; the test that runs every
        # block by itself catches a name this reading missed.
    text = _segment(module, node, dropped)
    for (other_module, other), other_text in seen.items():
        if other == name and other_text != text:
            raise RuntimeError(f"{name!r} is defined differently in {other_module} and {module}")
    seen[(module, name)] = text


@cache
def _public(flavor: str) -> dict[str, tuple[str, str]]:
    """Public name (aliases included) -> (defining module, function name)."""
    found = {}
    if flavor == "numpy":
        losses = importlib.import_module("lossviz.losses")
        metrics = importlib.import_module("lossviz.metrics")
        named = {**losses.LOSSES, **{alias: losses.LOSSES[target] for alias, target in losses.ALIASES.items()}}
        named.update(metrics.METRICS)
        for public, function in named.items():
            found[public] = (function.__module__, function.__name__)
    else:
        numpy_names = _public("numpy")
        # Only the losses themselves: the flavour's helpers (rank alignment ...) are
        # copied into the blocks that use them, never handed out alone.
        losses = importlib.import_module("lossviz.losses").LOSSES
        for module in FLAVORS[flavor]:
            definitions, _ = _namespace(module)
            found.update(
                (name, (module, name))
                for name, node in definitions.items()
                if isinstance(node, ast.FunctionDef) and name in losses
            )
        # The aliases of a loss name the same function in every flavour.
        found.update(
            (alias, found[target])
            for alias, (_, target) in numpy_names.items()
            if alias not in found and target in found and alias != target
        )
    return found


def standalone_names(flavor: str = "numpy") -> list[str]:
    """Every name :func:`standalone_source` accepts for ``flavor``, aliases included."""
    check_one_of(flavor, "flavor", FLAVORS)
    return sorted(_public(flavor))


def standalone_source(name: str, flavor: str = "numpy") -> str:
    """A block of Python source that defines ``name`` and runs by itself.

    Args:
        name: A loss (Keras name or shorthand such as ``"mse"``, or ``"pseudo_huber"``,
            ``"general_robust"``) or a metric or curve of :mod:`lossviz.metrics`.
        flavor: ``"numpy"`` for the NumPy reference, or ``"keras"`` for the same loss
            written with ``keras.ops``, which ``model.compile(loss=...)`` can train with.

    Returns:
        The source, as a string: imports, constants, helpers, then the function.

    Raises:
        ValueError: For an unknown flavour, or a name it does not cover (with the
            closest names it does).

    Example:
        >>> source = standalone_source("mse")
        >>> namespace = {}
        >>> exec(source, namespace)
        >>> namespace["mean_squared_error"]([[0.0, 1.0]], [[1.0, 1.0]])
        array([0.5])
    """
    check_one_of(flavor, "flavor", FLAVORS)
    public = _public(flavor)
    if name not in public:
        close = difflib.get_close_matches(str(name), public, n=3, cutoff=0.5)
        hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
        fail(
            "name", f"one of the {len(public)} names of standalone_names({flavor!r}){hint}", f"Received: name={name!r}"
        )
    module, function = public[name]
    seen, imports = {}, {}
    _collect(module, function, seen, imports)
    dropped_any = any(_validation_statements(m, _namespace(m)[0][n]) for m, n in seen if n in _namespace(m)[0])
    plain = sorted(line for line in imports if line.startswith("import "))
    froms = sorted(line for line in imports if line.startswith("from "))
    header = [proof_header(name, flavor).rstrip("\n")]
    if dropped_any:
        header.append(_DROPPED_NOTE)
    blocks = ["\n".join(header + plain + froms), *seen.values()]
    return "\n\n\n".join(blocks) + "\n"


@cache
def _proofs() -> dict:
    return json.loads(resources.files("lossviz").joinpath("proofs.json").read_text(encoding="utf-8"))


def proof_header(name: str, flavor: str = "numpy") -> str:
    """The comment lines that open the block of ``name``: licence, origin and proof.

    Read from ``lossviz/proofs.json`` (written by ``tools/proofs.py`` from the tests):
    which test runs the block alone, what it was compared with, on which versions and
    backends, and within which tolerance.

    Example:
        >>> print(proof_header("mse").splitlines()[0])
        # SPDX-License-Identifier: MIT
    """
    check_one_of(flavor, "flavor", FLAVORS)
    if name not in _public(flavor):
        standalone_source(name, flavor)  # raises the ValueError that names close names
    function = _public(flavor)[name][1]
    proofs = _proofs()
    proof = proofs["blocks"].get(f"{flavor}:{function}")
    if proof is None:
        raise RuntimeError(f"lossviz/proofs.json has no proof of {flavor}:{function}: run tools/proofs.py")
    call = f"{function!r}" + ("" if flavor == "numpy" else f", flavor={flavor!r}")
    wrap = partial(textwrap.wrap, width=88, break_long_words=False, break_on_hyphens=False)
    lines = [f"# SPDX-License-Identifier: {proofs['license']}"]
    lines += wrap(
        f"{function}, from lossviz {proofs['lossviz']}: lossviz.standalone_source({call}).",
        initial_indent="# ",
        subsequent_indent="# ",
    )
    if proof["alone"]:
        lines += wrap(f"It runs by itself ({proof['alone']}).", initial_indent="# ", subsequent_indent="# ")
        lines += ["# Run alone (exec'd in an empty namespace), it was tested equal to:"]
    else:
        lines += ["# It runs by itself. Run alone, it was tested equal to:"]
    for claim in proof["claims"]:
        on = f" ({claim['on']})" if claim["on"] else ""
        claim_text = f"{claim['against']}{on}: {claim['how']}; {claim['cases']} cases"
        lines += wrap(claim_text, initial_indent="#   ", subsequent_indent="#     ")
    lines.append(f"# by {proof['test']}")
    return "\n".join(lines) + "\n"


def code_lines(source: str) -> int:
    """Lines of code in ``source``: not blank, not comments, not docstrings."""
    tree = ast.parse(source)
    docstring_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and ast.get_docstring(node) is not None:
            first = node.body[0]
            docstring_lines.update(range(first.lineno, first.end_lineno + 1))
    code = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            continue
        if token.type == tokenize.ENDMARKER:
            break
        code.update(line for line in range(token.start[0], token.end[0] + 1) if line not in docstring_lines)
    return len(code)


def length_table() -> str:
    """The Markdown table of docs/snippets.md: code lines of every block, per name and flavour.

    One row per function (aliases named beside their target), with :func:`code_lines`
    of its numpy block and, for losses, of its keras block. ``tools/snippets.py``
    writes it into docs/snippets.md and a test keeps the two equal.
    """
    numpy_names, keras_names = _public("numpy"), _public("keras")
    aliases: dict[str, list[str]] = {}
    for name, target in numpy_names.items():
        if name != target[1]:
            aliases.setdefault(target[1], []).append(name)
    rows = ["| name | numpy lines | keras lines |", "|---|---:|---:|"]
    for name in sorted({target[1] for target in numpy_names.values()}):
        label = f"`{name}`" + "".join(f" / `{alias}`" for alias in sorted(aliases.get(name, [])))
        if name in SHORT_LOSSES:
            label += " *"
        keras_lines = code_lines(standalone_source(name, "keras")) if name in keras_names else "-"
        rows.append(f"| {label} | {code_lines(standalone_source(name))} | {keras_lines} |")
    return "\n".join(rows) + "\n"
