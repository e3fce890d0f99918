"""The snippet gallery of the site (used by docs/build_site.py): one page per name of
``lossviz.standalone_names()``, with NumPy and ``keras.ops`` tabs (sphinx-design), a copy
button on every block (sphinx-copybutton), a download link, the tests that prove it,
the notebook that teaches it, its deliberate differences from Keras and the errata rows
that name it; and an index with every snippet's line count.

The proof is read from the tests themselves: the test ids that run each block alone
(tests/test_standalone.py, tests/test_standalone_metrics.py, tests/test_keras_reference.py)
and, for a loss compared with Keras, the tolerance of its ``Spec`` in tests/test_losses.py.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
TAUGHT_IN = re.compile(r"Taught in:\s*notebooks/(\w+)\.ipynb")


def _loss_specs() -> dict[str, list]:
    """{loss name: its Specs} from tests/test_losses.py (its tolerances, its cases)."""
    sys.path.insert(0, str(TESTS))
    try:
        test_losses = importlib.import_module("test_losses")
    finally:
        sys.path.remove(str(TESTS))
    specs: dict[str, list] = {}
    for spec in [*test_losses.SPECS, *test_losses.OWN_SPECS]:
        specs.setdefault(spec.name, []).append(spec)
    return specs, {spec.name for spec in test_losses.SPECS}


def _function(name: str, flavor: str):
    from lossviz.standalone import _public

    module, attribute = _public(flavor)[name]
    return getattr(importlib.import_module(module), attribute)


def _warned_arguments(function) -> list[str]:
    """The arguments for which the twin warns instead of refusing (its warn_outside calls)."""
    try:
        tree = ast.parse(inspect.getsource(inspect.unwrap(function)).lstrip())
    except (OSError, TypeError, SyntaxError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "warn_outside":
            for argument in node.args[1:2]:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.append(argument.value)
    return sorted(set(found))


def errata_rows(name: str) -> list[str]:
    """Rows of the errata table of notebook 08 that name ``name`` in code."""
    path = ROOT / "notebooks" / "08_errata.py"
    if not path.exists():
        return []
    rows = [line[2:] for line in path.read_text().splitlines() if line.startswith("# | ") and "---" not in line]
    return [row for row in rows[1:] if re.search(rf"`[^`]*\b{re.escape(name)}\b[^`]*`", row)]


def proof(name: str, specs: dict, keras_named: set[str], flavor: str) -> list[str]:
    """Lines that say which tests prove the block, from the tests' own parameters."""
    import lossviz

    lines = []
    if flavor == "keras":
        lines.append(
            "`tests/test_keras_reference.py::test_every_keras_block_runs_alone` runs this block alone; "
            "`test_value_and_gradient_equal_the_keras_builtin` holds its value and gradient to the built-in."
        )
        return lines
    if name in specs:
        for spec in specs[name][:1]:
            against = f"`keras.losses.{name}`" if name in keras_named else "the library function (Keras has none)"
            lines.append(
                f"`tests/test_standalone.py::test_numpy_loss_block_alone_equals_the_library_and_keras[{name}]` "
                f"runs this block alone on {len(spec.cases)} named cases x {len(spec.grid)} option sets: equal to "
                f"`lossviz.losses.{name}` exactly in float64 and float32, and in float64 to {against} within "
                f"rtol {spec.rtol:g}, atol {spec.atol:g}."
            )
    elif name in getattr(lossviz.metrics, "METRICS", {}) or hasattr(lossviz.metrics, name):
        lines.append(
            f"`tests/test_standalone_metrics.py::test_block_alone_equals_the_library_and_the_reference[{name}-...]` "
            "runs this block alone on every case of the metric: equal to the library, and to scikit-learn "
            "(rtol 1e-12) or to Keras's float32 counts (atol 1e-6)."
        )
    return lines


def page(name: str, specs: dict, keras_named: set[str], built: set[str], flavors: dict[str, list[str]]) -> str:
    from lossviz.standalone import code_lines, standalone_source

    function = _function(name, "numpy")
    taught = TAUGHT_IN.search(inspect.getdoc(function) or "")
    parts = [f"# `{name}`", ""]
    summary = (inspect.getdoc(function) or "").splitlines()[0] if inspect.getdoc(function) else ""
    if summary:
        parts += [summary, ""]
    if taught:
        stem = taught.group(1)
        target = f"../notebooks/{stem}.ipynb" if stem in built else None
        parts += [f"Taught in [{stem}]({target})." if target else f"Taught in `notebooks/{stem}.ipynb`.", ""]
    parts += ["::::{tab-set}", ""]
    for flavor, label in (("numpy", "NumPy"), ("keras", "keras.ops")):
        if name not in flavors[flavor]:
            continue
        source = standalone_source(name, flavor)
        file_name = f"{name}{'' if flavor == 'numpy' else '_keras'}.py"
        parts += [
            f":::{{tab-item}} {label}",
            "",
            f"```python\n{source.rstrip()}\n```",
            "",
            f"{{download}}`Download {file_name} <{file_name}>` ({code_lines(source)} lines of code). "
            f"The same text as `lossviz.standalone_source({name!r}{'' if flavor == 'numpy' else ', flavor=' + repr(flavor)})`.",
            "",
            *(f"- {line}" for line in proof(name, specs, keras_named, flavor)),
            "",
            ":::",
            "",
        ]
    parts += ["::::", ""]
    warned = _warned_arguments(function)
    parts += [
        "## Deliberate differences from Keras",
        "",
        "The block leaves the library's argument checks out (one comment line says so). It computes in the "
        "input's float dtype, as Keras's function form does on TensorFlow.",
    ]
    if warned:
        parts += [
            "",
            "Where Keras accepts a dubious value, the library function returns Keras's number and warns "
            f"(`UserWarning`) instead of refusing, for: {', '.join(f'`{argument}`' for argument in warned)}.",
        ]
    rows = errata_rows(name)
    if rows:
        parts += ["", "## Wrong versions that circulate", "", "From the errata (notebook 08):", ""]
        parts += ["| post | what it says | what is true now | shown in |", "|---|---|---|---|"]
        parts += [_relinked(row, built) for row in rows]
    return "\n".join(parts) + "\n"


def _relinked(row: str, built: set[str]) -> str:
    import build_site

    return build_site.relink(row, built, "../notebooks/")


def stage_gallery(stage_dir: Path, built: set[str]) -> list[str]:
    """Write gallery/<name>.md, its downloads and gallery/index.md; return the page names."""
    from lossviz.standalone import code_lines, standalone_names, standalone_source

    specs, keras_named = _loss_specs()
    flavors = {flavor: standalone_names(flavor) for flavor in ("numpy", "keras")}
    # Aliases give their target's block: one page per block, under the registered name.
    names = sorted({name for name in flavors["numpy"] if _function(name, "numpy").__name__ == name})
    folder = stage_dir / "gallery"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in names:
        (folder / f"{name}.md").write_text(page(name, specs, keras_named, built, flavors))
        (folder / f"{name}.py").write_text(standalone_source(name))
        keras_lines = ""
        if name in flavors["keras"]:
            (folder / f"{name}_keras.py").write_text(standalone_source(name, "keras"))
            keras_lines = str(code_lines(standalone_source(name, "keras")))
        rows.append(f"| [`{name}`]({name}.md) | {code_lines(standalone_source(name))} | {keras_lines or '-'} |")
    index = [
        "# Snippet gallery",
        "",
        "Every block `lossviz.standalone_source(name)` hands out, with the tests that prove it. Each runs "
        "by itself; copy it with the button on the block or download it. Type in the box to filter by name.",
        "",
        '<input id="gallery-filter" type="search" placeholder="filter by name" '
        "oninput=\"document.querySelectorAll('#gallery-table tbody tr').forEach((row) => "
        "{row.style.display = row.textContent.includes(this.value) ? '' : 'none';})\">",
        "",
        '<div id="gallery-table">',
        "",
        "| snippet | NumPy lines | keras.ops lines |",
        "|---|---:|---:|",
        *rows,
        "",
        "</div>",
        "",
        "```{toctree}",
        ":hidden:",
        "",
        *names,
        "```",
        "",
    ]
    (folder / "index.md").write_text("\n".join(index))
    return names
