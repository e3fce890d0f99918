"""How the site build rewrites links between notebooks (fast; the slow build is test_site.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs"))

import build_site  # noqa: E402


def test_a_built_notebooks_jupyterlab_anchor_becomes_its_myst_slug():
    text = "[a](01_regression_losses.ipynb#Naive-log(cosh(x))-overflows) [b](03_custom_losses.ipynb#Pitfalls,-measured)"
    assert build_site.relink(text, {"01_regression_losses", "03_custom_losses"}, "") == (
        "[a](01_regression_losses.ipynb#naive-logcoshx-overflows) [b](03_custom_losses.ipynb#pitfalls-measured)"
    )


def test_a_notebook_left_out_of_the_build_links_to_github_with_its_anchor_whole():
    text = "[c](07_kfold_cross_validation.ipynb#Read-results-by-name:-evaluate(return_dict=True))"
    assert build_site.relink(text, set(), "") == (
        "[c](https://github.com/lossviz/lossviz/blob/main/notebooks/07_kfold_cross_validation.ipynb"
        "#Read-results-by-name:-evaluate(return_dict=True))"
    )


def test_the_hand_written_pages_are_on_the_site():
    """docs/performance.md and docs/snippets.md exist and sit in the site's navigation."""
    assert {"performance", "snippets"} <= set(build_site.DOC_PAGES)
    index = build_site.index_page(set())
    reference = index.split(":caption: Reference", 1)[1].split("```", 1)[0].split()
    for name in build_site.DOC_PAGES:
        assert (build_site.DOCS / f"{name}.md").is_file(), f"docs/{name}.md is missing"
        assert name in reference, f"{name} is not in the Reference toctree"
        assert f"]({name}.md)" in index, f"the index page does not link {name}.md"
