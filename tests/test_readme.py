"""The README, CONTRIBUTING.md and the docs promise things; keep them honest.

The README is for learners: at most 160 lines, its sections in one order, every notebook
linked, every relative link pointing at a file. CONTRIBUTING.md has a recipe for each kind
of addition. The docs say what is true now, not what was before.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
MAKEFILE = (ROOT / "Makefile").read_text()

README_SECTIONS = [
    "The notebooks",
    "Getting started",
    "Three examples",
    "How it is checked",
    "Supported setups",
    "The package",
    "Contributing",
    "License",
]
RECIPES = ["a loss", "a metric", "an explorer", "a check", "a notebook"]


def section(text: str, heading: str) -> str:
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def docs_pages() -> list[Path]:
    return [ROOT / "README.md", CONTRIBUTING, ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_readme_is_at_most_160_lines():
    assert len(README.splitlines()) <= 160, f"README.md has {len(README.splitlines())} lines"


def test_readme_sections_come_in_order_after_what_it_is():
    headings = re.findall(r"^## (.+)$", README, re.M)
    assert headings == README_SECTIONS
    introduction = README.split("\n## ", 1)[0]
    assert introduction.startswith("# lossviz") and "Keras 3" in introduction


def test_getting_started_starts_with_the_two_make_commands():
    block = re.search(r"```bash\n(.*?)```", section(README, "Getting started"), re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make lab", "make test"]


@pytest.mark.parametrize("way_in", ["make check", "Binder", "conda", "pip install", "Colab", "make site"])
def test_getting_started_names_every_way_in(way_in):
    assert way_in in section(README, "Getting started")


def test_three_examples_are_python_blocks():
    blocks = re.findall(r"```python\n(.*?)```", section(README, "Three examples"), re.S)
    assert len(blocks) == 3
    assert "_explorer()" in blocks[0] and "keras.losses." in blocks[1] and "standalone_source" in blocks[2]


def test_notebook_table_links_every_notebook():
    table = section(README, "The notebooks")
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert f"(notebooks/{notebook.name})" in table, f"README does not link {notebook.name}"


@pytest.mark.parametrize("page", docs_pages(), ids=lambda path: path.name)
def test_relative_links_point_at_files(page):
    text = re.sub(r"```.*?```|`[^`\n]*`", "", page.read_text(), flags=re.S)  # code is not a link
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    relative = [link.split("#")[0] for link in links if not re.match(r"[a-z]+:", link) and not link.startswith("#")]
    missing = [link for link in relative if link and not (page.parent / link).exists()]
    assert not missing, f"{page.name} links files that do not exist: {missing}"


def test_every_make_target_the_docs_name_exists():
    named = set()
    for page in (ROOT / "README.md", CONTRIBUTING):
        named |= set(re.findall(r"`make ([a-z][a-z-]*)", page.read_text()))
    defined = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, re.M))
    assert {"lab", "test", "sync", "bench", "site", "seed-sweep", "check"} <= named
    assert named <= defined, f"no Makefile target for {sorted(named - defined)}"


def test_readme_links_the_contributors_guide_and_the_performance_page():
    assert "(CONTRIBUTING.md)" in section(README, "Contributing")
    assert "(docs/performance.md)" in README


@pytest.mark.parametrize("kind", RECIPES)
def test_contributing_has_a_numbered_recipe_for_each_kind(kind):
    text = CONTRIBUTING.read_text()
    assert f"\n### Add {kind}\n" in text, f"CONTRIBUTING.md has no recipe 'Add {kind}'"
    recipe = text.split(f"\n### Add {kind}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    assert re.search(r"^1\. ", recipe, re.M) and re.search(r"^2\. ", recipe, re.M)


def test_contributing_lists_every_command():
    commands = section(CONTRIBUTING.read_text(), "Commands")
    for target in ("lab", "check", "test", "sync", "bench", "site", "seed-sweep"):
        assert f"`make {target}`" in commands


@pytest.mark.parametrize("page", docs_pages(), ids=lambda path: path.name)
def test_docs_describe_the_present(page):
    text = page.read_text().lower()
    assert "before this change" not in text
    assert "../shared" not in text, f"{page.name} points outside the repository"


def test_each_performance_table_has_a_date_or_a_marked_place():
    text = (ROOT / "docs" / "performance.md").read_text()
    for part in text.split("\n## ")[1:]:
        heading = part.splitlines()[0]
        assert re.search(r"\b20\d\d-\d\d-\d\d\b", part) or "TODO(" in part, f"'{heading}' has no date"
        assert "|---" in part, f"'{heading}' has no table"
