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
