"""Keep each notebook pair (``NN_name.py`` percent script + ``NN_name.ipynb``) in sync.

Usage::

    python tools/notebooks.py sync    # what `make sync` runs
    python tools/notebooks.py check   # exit 1 and say which pair drifted

``sync`` lets jupytext bring the older file of each pair up to date with the newer one
(edit either, then sync), then strips outputs, execution counts and volatile metadata
from the ``.ipynb`` so that it is committed clean. ``check`` compares the *parsed*
notebooks (cell types, sources, tags, hidden sources), never file times;
``tests/test_notebook_pairs.py`` runs it.

A cell tagged ``solution`` opens collapsed in JupyterLab: its source is hidden
(``jupyter: {source_hidden: true}`` in the cell metadata). In the ``.py`` that reads
``# %% tags=["solution"] jupyter={"source_hidden": true}``; ``sync`` writes it into both
files when a solution cell lacks it, and keeps no other ``jupyter`` cell metadata
(collapsed outputs are a reader's view, not the lesson).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# Notebook-level metadata we commit; everything else (widget state, language_info, ...)
# is volatile and stripped.
KEPT_NOTEBOOK_METADATA = ("kernelspec", "jupytext")
# Cell metadata we commit: tags, and `jupyter.source_hidden` (see `strip`).
KEPT_CELL_METADATA = ("tags",)
SOLUTION_TAG = "solution"


def source_hidden(cell) -> bool:
    """Whether JupyterLab opens this cell with its source collapsed."""
    return bool(cell.metadata.get("jupyter", {}).get("source_hidden", False))


def pairs(folder: Path = NOTEBOOKS) -> list[tuple[Path, Path]]:
    """Every (script, notebook) pair in ``folder``, by stem; a missing half is still listed."""
    stems = sorted(
        {p.stem for p in folder.glob("[0-9][0-9]_*.py")} | {p.stem for p in folder.glob("[0-9][0-9]_*.ipynb")}
    )
    return [(folder / f"{stem}.py", folder / f"{stem}.ipynb") for stem in stems]


def _cells(notebook) -> list[tuple[str, str, tuple[str, ...], bool]]:
    return [
        (cell.cell_type, cell.source.strip(), tuple(cell.metadata.get("tags", ())), source_hidden(cell))
        for cell in notebook.cells
    ]


def problems(script: Path, notebook: Path) -> list[str]:
    """What is wrong with one pair, as sentences naming the file and the fix."""
    fix = "edit either file, then run `make sync`"
    if not script.exists():
        return [f"{notebook.name} has no paired {script.name}: {fix}"]
    if not notebook.exists():
        return [f"{script.name} has no paired {notebook.name}: {fix}"]
    found = []
    from_script = _cells(jupytext.read(script))
    ipynb = nbformat.read(notebook, as_version=4)
    from_ipynb = _cells(ipynb)
    if from_script != from_ipynb:
        first = next(
            (i for i, (a, b) in enumerate(zip(from_script, from_ipynb)) if a != b),
            min(len(from_script), len(from_ipynb)),
        )
        found.append(
            f"{script.name} and {notebook.name} have drifted apart (first difference at "
            f"cell {first}; {len(from_script)} cells in the script, {len(from_ipynb)} in the "
            f"notebook): {fix}"
        )
    executed = [i for i, cell in enumerate(ipynb.cells) if cell.get("outputs") or cell.get("execution_count")]
    if executed:
        found.append(f"{notebook.name} is committed with outputs (cells {executed[:5]}): run `make sync`")
    volatile = sorted(set(ipynb.metadata) - set(KEPT_NOTEBOOK_METADATA))
    if volatile:
        found.append(f"{notebook.name} carries volatile metadata {volatile}: run `make sync`")
    return found


def strip(notebook: Path) -> bool:
    """Remove outputs, execution counts and volatile metadata from an .ipynb, in place, and
    hide the source of every solution cell. Returns whether a cell's ``jupyter`` metadata
    changed (then the script, which carries it too, must be written again)."""
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in KEPT_NOTEBOOK_METADATA}
    changed = False
    for cell in nb.cells:
        before = cell.metadata.get("jupyter")
        hidden = source_hidden(cell) or SOLUTION_TAG in cell.metadata.get("tags", ())
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA}
        if hidden:
            cell.metadata["jupyter"] = {"source_hidden": True}
        changed |= cell.metadata.get("jupyter") != before
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, notebook)
    return changed


def _jupytext_sync(path: Path) -> None:
    subprocess.run([sys.executable, "-m", "jupytext", "--sync", "--quiet", str(path)], check=True)


def sync(folder: Path = NOTEBOOKS) -> None:
    for script, notebook in pairs(folder):
        _jupytext_sync(script if script.exists() else notebook)
        if strip(notebook):
            _jupytext_sync(notebook)  # the .ipynb is now the newer file: the script gets the flag


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "sync":
        sync()
        return 0
    if command == "check":
        found = [p for script, notebook in pairs() for p in problems(script, notebook)]
        print("\n".join(found) or "every notebook pair is in sync")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
