"""The index tables of notebooks/08_errata.ipynb (old posts) and
notebooks/13_why_do_my_numbers_differ.ipynb (symptoms): every row links a section that asserts.

A link ``NN_name.ipynb#Heading-text`` must name an existing notebook and a markdown
heading in it whose anchor, computed as JupyterLab computes it (the heading's rendered
text, spaces replaced by hyphens), is the fragment. The section under that heading (up to
the next heading of the same or a higher level) must hold a code cell with an ``assert``.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
ERRATA = NOTEBOOKS / "08_errata.ipynb"
SYMPTOMS = NOTEBOOKS / "13_why_do_my_numbers_differ.ipynb"
# The blog posts the table covers. Our copies live outside the repository, in
# ../shared/seeds/; when that folder is present, the list must match it.
SEED_POSTS = [
    "000_5801d236ba8c6e67.txt",
    "001_803acdf32417ff2e.txt",
    "002_cdc74149d41b2dbb.txt",
    "003_87e3d8cd2abdd2b2.txt",
    "004_ad06910372634a61.txt",
]
SEEDS_FOLDER = ROOT.parent / "shared" / "seeds"
LINK = re.compile(r"\[([^\]]+)\]\(([^)#\s]+\.ipynb)#((?:[^()\s]|\([^()\s]*(?:\([^()\s]*\))*[^()\s]*\))+)\)")


def heading_anchor(text: str) -> str:
    """JupyterLab's anchor of a markdown heading: its rendered text, spaces -> hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links render as their text
    text = text.replace("`", "").replace("**", "").replace("__", "")
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*]+)(?<!\s)\*", r"\1", text)  # *emphasis*
    return text.strip().replace(" ", "-")


def sections(path: Path) -> dict[str, list]:
    """Anchor -> the cells of its section (the heading's cell onwards, to the next heading
    of the same or a higher level)."""
    cells = nbformat.read(path, as_version=4).cells
    headings = []  # (cell index, level, anchor)
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        in_fence = False
        for line in cell.source.splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
            match = None if in_fence else re.match(r"(#{1,6})\s+(.*?)\s*#*\s*$", line)
            if match:
                headings.append((index, len(match.group(1)), heading_anchor(match.group(2))))
    found = {}
    for position, (index, level, anchor) in enumerate(headings):
        end = next((later for later, later_level, _ in headings[position + 1 :] if later_level <= level), len(cells))
        found[anchor] = cells[index:end] if end > index else cells[index : index + 1]
    return found


def table_rows(path: Path, header: str) -> list[list[str]]:
    """The rows of the one markdown table in ``path`` whose first line starts with ``header``."""
    cells = nbformat.read(path, as_version=4).cells
    tables = [cell for cell in cells if cell.cell_type == "markdown" and cell.source.lstrip().startswith(header)]
    assert len(tables) == 1, f"{path.name} needs exactly one markdown cell whose table starts with {header!r}"
    lines = [line for line in tables[0].source.splitlines() if line.startswith("|")]
    rows = []
    for line in lines[2:]:  # skip the header and the |---| line
        cells_of_row = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        rows.append(cells_of_row)
    return rows


def errata_rows() -> list[list[str]]:
    return table_rows(ERRATA, "| post |")


def symptom_rows() -> list[list[str]]:
    return table_rows(SYMPTOMS, "| symptom |")


ROWS = errata_rows()
SYMPTOM_ROWS = symptom_rows()
# Every row of both tables, by the link in its last column.
LINKED = [(f"08-{row[0][:3]}-{index}", row[-1]) for index, row in enumerate(ROWS)] + [
    (f"13-{index}", row[-1]) for index, row in enumerate(SYMPTOM_ROWS)
]


def test_table_has_four_columns_and_many_rows():
    assert len(ROWS) >= 30
    for row in ROWS:
        assert len(row) == 4, row
        assert all(row), f"empty cell in {row}"


def test_every_post_is_covered():
    if SEEDS_FOLDER.is_dir():
        assert sorted(path.name for path in SEEDS_FOLDER.glob("*.txt")) == SEED_POSTS
    posts = {row[0] for row in ROWS}
    assert posts <= set(SEED_POSTS), posts - set(SEED_POSTS)
    assert set(SEED_POSTS) <= posts, f"posts without a row: {set(SEED_POSTS) - posts}"


def test_rows_do_not_repeat():
    claims = [(row[0], row[1]) for row in ROWS]
    assert len(claims) == len(set(claims))


def test_symptom_table_has_three_columns_and_the_rows_the_index_promises():
    assert len(SYMPTOM_ROWS) >= 15
    for row in SYMPTOM_ROWS:
        assert len(row) == 3, row
        assert all(row), f"empty cell in {row}"
    symptoms = [row[0] for row in SYMPTOM_ROWS]
    assert len(symptoms) == len(set(symptoms))
    linked = " ".join(row[2] for row in SYMPTOM_ROWS)
    for target in (  # the pairs issue 26 lists, each with its section
        "05_custom_metrics.ipynb#The-training-log-is-a-running-average",
        "05_custom_metrics.ipynb#Dropout-and-batch-normalisation:-fit's-log-against-evaluate",
        "04_weighting.ipynb#Regularisation-and-add_loss-in-the-reported-loss",
        "05_custom_metrics.ipynb#The-right-ways",
        "06_roc_pr_curves.ipynb#Keras's-AUC-is-an-approximation",
        "04_weighting.ipynb#sample_weight-in-evaluate-(and-fit),-metrics=-against-weighted_metrics=",
        "02_probabilistic_losses.ipynb#from_logits-that-does-not-match-the-output-layer",
        "06_roc_pr_curves.ipynb#Logits-into-thresholded-metrics",
        "04_weighting.ipynb#Masks-and-ignore_class-in-the-reduction",
        "05_custom_metrics.ipynb#Why-a-metric-of-one-batch-is-wrong",
    ):
        assert f"({target})" in linked, f"no symptom row links {target}"


@pytest.mark.parametrize("link_cell", [cell for _, cell in LINKED], ids=[name for name, _ in LINKED])
def test_row_links_a_section_that_asserts(link_cell):
    links = LINK.findall(link_cell)
    assert len(links) == 1, f"expected one notebook#heading link in {link_cell!r}"
    _, notebook, anchor = links[0]
    path = NOTEBOOKS / notebook
    assert path.exists(), f"{notebook} does not exist"
    found = sections(path)
    assert anchor in found, f"{notebook} has no heading with anchor {anchor!r}; it has {sorted(found)}"
    code = [cell.source for cell in found[anchor] if cell.cell_type == "code"]
    assert any(re.search(r"^\s*assert\b", source, re.M) for source in code), (
        f"the section {notebook}#{anchor} has no code cell with an assert"
    )


def test_anchor_rules():
    assert (
        heading_anchor("`class_weight` is `sample_weight` built from the classes")
        == "class_weight-is-sample_weight-built-from-the-classes"
    )
    assert heading_anchor("Naive `log(cosh(x))` overflows") == "Naive-log(cosh(x))-overflows"
    assert heading_anchor("**Bold** and *italic* [link](x.ipynb)") == "Bold-and-italic-link"


def test_section_ends_at_a_heading_of_the_same_level(tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("## A"),
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_markdown_cell("### A sub"),
            nbformat.v4.new_code_cell("assert x"),
            nbformat.v4.new_markdown_cell("## B"),
            nbformat.v4.new_code_cell("assert True"),
        ]
    )
    nbformat.write(notebook, tmp_path / "99_x.ipynb")
    found = sections(tmp_path / "99_x.ipynb")
    assert [cell.source for cell in found["A"]] == ["## A", "x = 1", "### A sub", "assert x"]
    assert [cell.source for cell in found["A-sub"]] == ["### A sub", "assert x"]
    assert [cell.source for cell in found["B"]] == ["## B", "assert True"]


def test_link_pattern_reads_parentheses_in_anchors():
    text = "[03 From Keras 2](03_custom_losses.ipynb#From-Keras-2-(and-the-blog-posts))"
    assert LINK.findall(text) == [("03 From Keras 2", "03_custom_losses.ipynb", "From-Keras-2-(and-the-blog-posts)")]
    text = "[01](01_regression_losses.ipynb#Naive-log(cosh(x))-overflows)"
    assert LINK.findall(text)[0][2] == "Naive-log(cosh(x))-overflows"
