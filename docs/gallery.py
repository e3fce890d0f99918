"""The snippet gallery of the site (used by docs/build_site.py): one page per name of
``lossviz.standalone_names()``, with NumPy and ``keras.ops`` tabs (sphinx-design), a copy
button on every block (sphinx-copybutton), a download link, the tests that prove it,
the notebook section that teaches it, its deliberate differences from Keras and the
errata rows that name it; and an index with every snippet's line count.

The proof is the block's own header (``lossviz.standalone.proof_header``), read from
lossviz/proofs.json, which tools/proofs.py writes from the tests' own parameters.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAUGHT_IN = re.compile(r"Taught in:\s*notebooks/(\w+)\.ipynb")
#: Headings MyST gives an anchor to (conf.py: myst_heading_anchors = 3).
HEADING = re.compile(r"^# (#{1,3}) (.+)$")


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


def proof(name: str, flavor: str) -> list[str]:
    """Lines that say which tests prove the block: its header's proof, in prose."""
    from lossviz.standalone import _proofs, _public

    block = _proofs()["blocks"][f"{flavor}:{_public(flavor)[name][1]}"]
    lines = [
        f"Equal to {claim['against']}" + (f" ({claim['on']})" if claim["on"] else "") + f": {claim['how']}, "
        f"on {claim['cases']} cases."
        for claim in block["claims"]
    ]
    lines.append(f"Test: `{block['test']}`" + (f"; run alone by `{block['alone']}`." if block["alone"] else "."))
    return lines


def teaching_section(name: str, stem: str) -> str | None:
    """The heading of the section of notebook ``stem`` that teaches ``name``: the first
    heading that names it (capitalised too), else the section whose code first calls it
    (imports aside), else the section whose text first names it in backticks."""
    path = ROOT / "notebooks" / f"{stem}.py"
    if not path.exists():
        return None
    word = re.compile(rf"\b{re.escape(name)}\b")
    # A heading may open with the name capitalised ("Tversky: ...", "Hinge losses ...").
    titled = re.compile(rf"\b(?:{re.escape(name)}|{re.escape(name.capitalize())})\b")
    heading, first_used, first_named = None, None, None
    for cell in path.read_text().split("\n# %%")[1:]:
        markdown = cell.startswith(" [markdown]")
        for line in cell.splitlines()[1:]:
            found = HEADING.match(line) if markdown else None
            if found and len(found.group(1)) > 1:
                heading = found.group(2).strip()
                if titled.search(heading):
                    return heading
            elif not heading:
                continue
            elif markdown and first_named is None and re.search(rf"`[^`]*{word.pattern}[^`]*`", line):
                first_named = heading
            elif not markdown and first_used is None and not re.match(r"\s*(#|import |from )", line):
                first_used = heading if word.search(line) else None
    return first_used or first_named


def page(name: str, built: set[str], flavors: dict[str, list[str]]) -> str:
    from lossviz.standalone import code_lines, standalone_source

    function = _function(name, "numpy")
    taught = TAUGHT_IN.search(inspect.getdoc(function) or "")
    parts = [f"# `{name}`", ""]
    summary = (inspect.getdoc(function) or "").splitlines()[0] if inspect.getdoc(function) else ""
    if summary:
        parts += [summary, ""]
    if taught:
        stem = taught.group(1)
        section = teaching_section(name, stem)
        anchor = "#" + section.replace(" ", "-") if section else ""
        label = f"{stem}: {section}" if section else stem
        parts += [_relinked(f"Taught in [{label}]({stem}.ipynb{anchor}).", built), ""]
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
            *(f"- {line}" for line in proof(name, flavor)),
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

    flavors = {flavor: standalone_names(flavor) for flavor in ("numpy", "keras")}
    # Aliases give their target's block: one page per block, under the registered name.
    names = sorted({name for name in flavors["numpy"] if _function(name, "numpy").__name__ == name})
    folder = stage_dir / "gallery"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in names:
        (folder / f"{name}.md").write_text(page(name, built, flavors))
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
