"""Sphinx configuration of the lossviz site (built by `make site`, see docs/build_site.py).

docs/build_site.py copies this file into the staging directory next to the generated
index.md, api.rst and notebooks/*.ipynb, so every path below is relative to that
directory. Everything a page loads (widget manager, MathJax, Sphinx's own search) is
served from the site itself: no page and no build step reaches the network.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from docutils import nodes

STAGE = Path(__file__).resolve().parent
SETTINGS = json.loads((STAGE / "site_settings.json").read_text())
LIVE_JS = SETTINGS.get("live_js", [])
REPO, BRANCH = SETTINGS["repo"], SETTINGS["branch"]

project = "lossviz"
author = "the lossviz authors"
copyright = "the lossviz authors, MIT License"
extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    # the snippet gallery (docs/gallery.py): NumPy and keras.ops tabs, a copy button on each block
    "sphinx_design",
    "sphinx_copybutton",
]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "site_settings.json"]
root_doc = "index"

# Notebooks: build_site.py has executed them already, on every build (never from a cache
# that could outlive a change in lossviz), with the kernel the environment provides; an
# error fails the build unless the cell is tagged raises-exception.
nb_execution_mode = "off"
nb_merge_streams = True
# The widget manager that renders saved ipywidgets state, served from _static (no CDN),
# after a bridge from its MathJax 2 call to MathJax 3 (docs/mathjax_widgets.js).
nb_ipywidgets_js = {"mathjax_widgets.js": {}, "widgets/embed.js": {}}
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
mathjax_path = "mathjax/tex-chtml.js"

autodoc_member_order = "bysource"
autodoc_default_options = {"show-inheritance": False}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# pydata-sphinx-theme (the theme of NumPy's and scikit-learn's sites): its fonts, icons and
# scripts are in the package and served from _static, so a page still loads nothing from
# the network. Light only: the explorers' figures and widget outputs are drawn on white.
html_theme = "pydata_sphinx_theme"
html_title = "lossviz"
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_copy_source = False
html_show_sourcelink = False
html_context = {"default_mode": "light"}
html_theme_options = {
    "navbar_end": ["navbar-icon-links"],
    "icon_links": [{"name": "GitHub", "url": f"https://github.com/{REPO}", "icon": "fa-brands fa-github"}],
    "secondary_sidebar_items": ["page-toc"],
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": []}


def notebook_urls(name: str) -> dict[str, str]:
    """Where a reader runs notebook ``name`` ("04_weighting.ipynb") live."""
    return {
        "Binder": f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/notebooks/{name}",
        "Colab": f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/notebooks/{name}",
    }


def colab_install_line() -> str:
    """The first cell of a notebook on Colab, as README.md shows it."""
    return f'!pip install -q "lossviz @ git+https://github.com/{REPO}"'


def open_live_note(name: str) -> nodes.container:
    """The links at the top of notebook page ``name`` ("04_weighting.ipynb") that open it live."""
    urls = notebook_urls(name)
    paragraph = nodes.paragraph()
    paragraph += nodes.strong(text="Run this notebook live: ")
    paragraph += nodes.reference(text="Binder", refuri=urls["Binder"])
    paragraph += nodes.Text(" (nothing to install) · ")
    paragraph += nodes.reference(text="Colab", refuri=urls["Colab"])
    paragraph += nodes.Text(" (first cell: ")
    paragraph += nodes.literal(text=colab_install_line())
    paragraph += nodes.Text(") · on your machine, from a clone of the repository: ")
    paragraph += nodes.literal(text="make lab")
    paragraph += nodes.Text(f", then open notebooks/{name}.")
    note = nodes.container(classes=["lossviz-open-live"])
    note += paragraph
    return note


def add_open_live(app, doctree, docname):
    """Every notebook page starts, under its title, with the ways to run it live."""
    if not docname.startswith("notebooks/"):
        return
    section = doctree.next_node(nodes.section)
    note = open_live_note(docname.split("/", 1)[1] + ".ipynb")
    if section is None:
        doctree.insert(0, note)
    else:
        section.insert(1 if section.children and isinstance(section[0], nodes.title) else 0, note)


TAUGHT_IN = re.compile(r"notebooks/(\w+)\.ipynb")


def link_taught_in(app, what, name, obj, options, lines):
    """Turn "Taught in: notebooks/NN_x.ipynb" into links to the notebook's page (or, in a
    partial build without that page, to the notebook on GitHub)."""
    for index, line in enumerate(lines):
        if "Taught in:" not in line:
            continue

        def link(match):
            docname = f"notebooks/{match.group(1)}"
            if docname in app.env.found_docs:
                return f":doc:`{match.group(1)} </{docname}>`"
            return f"`{match.group(1)} <https://github.com/{REPO}/blob/{BRANCH}/{docname}.ipynb>`__"

        lines[index] = TAUGHT_IN.sub(link, line)


def note_live_widgets(app, doctree, docname):
    """Under every widget output of a notebook page: the sliders need a running kernel."""
    if not docname.startswith("notebooks/"):
        return
    name = docname.split("/", 1)[1] + ".ipynb"
    for raw in list(doctree.findall(nodes.raw)):
        if "application/vnd.jupyter.widget-view+json" not in raw.astext():
            continue
        paragraph = nodes.paragraph()
        paragraph += nodes.strong(text="Live without a kernel. ")
        paragraph += nodes.Text(
            "With JavaScript on, the explorer below moves on this page: every position was computed by its "
            "Python code when the site was built (a still frame otherwise). To change the code, run it with a "
            "running Python kernel: open this notebook on "
        )
        for position, (label, url) in enumerate(notebook_urls(name).items()):
            if position:
                paragraph += nodes.Text(" or ")
            paragraph += nodes.reference(text=label, refuri=url)
        paragraph += nodes.Text(", or run it on your machine with ")
        paragraph += nodes.literal(text="make lab")
        paragraph += nodes.Text(".")
        note = nodes.container(classes=["lossviz-live-note"])
        note += paragraph
        raw.parent.insert(raw.parent.index(raw) + 1, note)


def plain_problematic(app, doctree, docname):
    """Docstring markup that docutils could not parse (e.g. "|y_true - y_pred|" read as a
    substitution) becomes a link to an error message the page does not show: keep the
    text, drop the dead link. The build log still prints the warning."""
    for node in list(doctree.findall(nodes.problematic)):
        node.replace_self(nodes.inline(node.astext(), node.astext(), ids=node["ids"]))


def live_scripts(app, pagename, templatename, context, doctree):
    """The charting library and the glue, on the pages that hold a live explorer only."""
    if 'class="lossviz-live"' in context.get("body", ""):
        for position, path in enumerate(LIVE_JS):
            app.add_js_file(path, priority=600 + position, defer="defer")


def drop_theme_leftovers(app, exception):
    """The theme copies a Jinja template and its source maps into _static: not pages."""
    if exception is None:
        static = Path(app.outdir) / "_static"
        for path in [static / "webpack-macros.html", *static.glob("scripts/*.map"), *static.glob("styles/*.map")]:
            path.unlink(missing_ok=True)


def setup(app):
    app.connect("build-finished", drop_theme_leftovers)
    app.connect("html-page-context", live_scripts)
    app.connect("doctree-resolved", plain_problematic)
    app.connect("autodoc-process-docstring", link_taught_in)
    app.connect("doctree-resolved", note_live_widgets)
    app.connect("doctree-resolved", add_open_live)
    os.environ.setdefault("LOSSVIZ_MATPLOTLIB", "inline")
    return {"parallel_read_safe": True}
