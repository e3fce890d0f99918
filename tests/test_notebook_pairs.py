"""Each notebooks/NN_name.ipynb is paired with notebooks/NN_name.py and they must agree."""

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TOPICS = [
    "00_start_here",
    "01_regression_losses",
    "02_probabilistic_losses",
    "03_custom_losses",
    "04_weighting",
    "05_custom_metrics",
    "06_roc_pr_curves",
    "07_kfold_cross_validation",
    "08_errata",
    "09_other_probabilistic_losses",
]

_spec = importlib.util.spec_from_file_location("notebook_tools", ROOT / "tools" / "notebooks.py")
notebook_tools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notebook_tools)

PAIRS = notebook_tools.pairs(NOTEBOOKS)


def test_every_notebook_is_a_known_topic():
    stems = [script.stem for script, _ in PAIRS]
    assert "00_start_here" in stems
    assert set(stems) <= set(TOPICS), f"unknown notebooks {set(stems) - set(TOPICS)}"


@pytest.mark.parametrize("script, notebook", PAIRS, ids=[s.stem for s, _ in PAIRS])
def test_pair_is_in_sync(script, notebook):
    found = notebook_tools.problems(script, notebook)
    assert not found, "\n".join(found)


def test_drift_is_detected_on_an_edited_copy(tmp_path):
    script, notebook = NOTEBOOKS / "00_start_here.py", NOTEBOOKS / "00_start_here.ipynb"
    shutil.copy(script, tmp_path / script.name)
    shutil.copy(notebook, tmp_path / notebook.name)
    copy = tmp_path / script.name
    assert notebook_tools.problems(copy, tmp_path / notebook.name) == []
    copy.write_text(copy.read_text() + "\n# %%\nprint('an edit that was never synced')\n")
    found = notebook_tools.problems(copy, tmp_path / notebook.name)
    assert len(found) == 1
    assert "00_start_here.py and 00_start_here.ipynb have drifted apart" in found[0]
    assert "make sync" in found[0]


def test_a_missing_half_is_reported(tmp_path):
    shutil.copy(NOTEBOOKS / "00_start_here.py", tmp_path / "00_start_here.py")
    [(script, notebook)] = notebook_tools.pairs(tmp_path)
    assert notebook_tools.problems(script, notebook) == [
        "00_start_here.py has no paired 00_start_here.ipynb: edit either file, then run `make sync`"
    ]


def test_outputs_are_reported(tmp_path):
    import nbformat

    shutil.copy(NOTEBOOKS / "00_start_here.py", tmp_path / "00_start_here.py")
    nb = nbformat.read(NOTEBOOKS / "00_start_here.ipynb", as_version=4)
    code = next(cell for cell in nb.cells if cell.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", text="hello")]
    code.execution_count = 1
    nbformat.write(nb, tmp_path / "00_start_here.ipynb")
    found = notebook_tools.problems(tmp_path / "00_start_here.py", tmp_path / "00_start_here.ipynb")
    assert any("committed with outputs" in line for line in found)


def test_start_here_links_every_topic():
    text = (NOTEBOOKS / "00_start_here.py").read_text()
    for topic in TOPICS[1:]:
        written = (NOTEBOOKS / f"{topic}.ipynb").exists()
        link = re.search(rf"\[[^\]]+\]\({topic}\.ipynb\)", text)
        assert link, f"00_start_here does not link {topic}.ipynb"
        line = text[link.start() : text.index("\n", link.start())]
        assert ("coming" in line) != written, f"{topic}: marked coming={not written!r} is wrong"
