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
    "10_multi_output_and_multi_label",
    "11_segmentation_and_masks",
    "12_calibration_and_imbalance",
    "13_why_do_my_numbers_differ",
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


def _solution_cells(cells) -> list[int]:
    return [i for i, cell in enumerate(cells) if notebook_tools.SOLUTION_TAG in cell.metadata.get("tags", ())]


def _h2_above(cells, index: int) -> tuple[int, str] | None:
    """The index and text of the last level-2 heading before cell ``index``."""
    for above in range(index - 1, -1, -1):
        if cells[above].cell_type == "markdown":
            headings = re.findall(r"^## (.*)$", cells[above].source, re.M)
            if headings:
                return above, headings[-1]
    return None


@pytest.mark.parametrize("script, notebook", PAIRS, ids=[s.stem for s, _ in PAIRS])
def test_solutions_follow_their_exercise_and_open_collapsed(script, notebook):
    import jupytext
    import nbformat

    for cells, name in (
        (nbformat.read(notebook, as_version=4).cells, notebook.name),
        (jupytext.read(script).cells, script.name),
    ):
        for index in _solution_cells(cells):
            assert notebook_tools.source_hidden(cells[index]), (
                f"{name}: solution cell {index} opens expanded; run `make sync` (it hides every solution)"
            )
            heading = _h2_above(cells, index)
            assert heading and heading[1].startswith("Exercise"), (
                f"{name}: solution cell {index} is not in an '## Exercise' section (it is under {heading})"
            )
            exercise_code = [
                cell
                for cell in cells[heading[0] + 1 : index]
                if cell.cell_type == "code" and notebook_tools.SOLUTION_TAG not in cell.metadata.get("tags", ())
            ]
            assert exercise_code, f"{name}: solution cell {index} comes before any exercise code cell"


def test_every_exercise_has_a_solution():
    for script, _ in PAIRS:
        text = script.read_text()
        if re.search(r"^# ## Exercise", text, re.M):
            assert re.search(r'^# %%.*tags=\[[^\]]*"solution"', text, re.M), f"{script.name} has no solution cell"


def test_sync_hides_solutions_and_keeps_them_hidden(tmp_path):
    import jupytext
    import nbformat

    script, notebook = next((s, n) for s, n in PAIRS if _solution_cells(jupytext.read(s).cells))
    shutil.copy(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    copy = tmp_path / script.name
    shutil.copy(notebook, tmp_path / notebook.name)
    # A solution written without the flag, as an author would type it; the .py is the newer file.
    copy.write_text(script.read_text().replace('jupyter={"source_hidden": true} ', ""))
    assert 'jupyter={"source_hidden": true}' not in copy.read_text()
    notebook_tools.sync(tmp_path)
    assert not notebook_tools.problems(copy, tmp_path / notebook.name)
    for cells in (jupytext.read(copy).cells, nbformat.read(tmp_path / notebook.name, as_version=4).cells):
        assert _solution_cells(cells) and all(notebook_tools.source_hidden(cells[i]) for i in _solution_cells(cells))
    # A reader who collapses an output in JupyterLab does not change the committed files.
    nb = nbformat.read(tmp_path / notebook.name, as_version=4)
    nb.cells[0].metadata["jupyter"] = {"outputs_hidden": True}
    nbformat.write(nb, tmp_path / notebook.name)
    notebook_tools.sync(tmp_path)
    assert "outputs_hidden" not in copy.read_text() + (tmp_path / notebook.name).read_text()
    assert not notebook_tools.problems(copy, tmp_path / notebook.name)


def test_a_solution_shown_expanded_is_drift(tmp_path):
    import jupytext

    script, notebook = next((s, n) for s, n in PAIRS if _solution_cells(jupytext.read(s).cells))
    shutil.copy(notebook, tmp_path / notebook.name)
    copy = tmp_path / script.name
    copy.write_text(script.read_text().replace('jupyter={"source_hidden": true} ', ""))
    found = notebook_tools.problems(copy, tmp_path / notebook.name)
    assert len(found) == 1 and "drifted apart" in found[0]
