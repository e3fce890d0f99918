"""Build the static lossviz site (`make site`) and check its internal links.

    python docs/build_site.py build [--out site] [--notebooks 00 04] [--js build/site-js]
    python docs/build_site.py check site

``build`` stages a Sphinx source tree in build/site-work (notebooks converted from their
jupytext sources, a generated index page and API page, the hand-written pages of
DOC_PAGES from docs/, the JavaScript the pages need, copied from the npm install that
`make site` made in --js), executes every notebook
with the inline matplotlib backend (explorers are saved as their first frame), renders
them with Sphinx and myst-nb, then checks every internal link of the result. ``check`` runs the
link check alone. Both exit non-zero on a broken link.

A partial build (--notebooks) links the notebooks it leaves out to GitHub instead, so
its internal links still all resolve.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
WORK = ROOT / "build" / "site-work"  # staging tree and Sphinx doctrees
REPO, BRANCH = "lossviz/lossviz", "main"  # as in the README's Binder badge
# A link to a notebook, with an optional JupyterLab-style anchor (the heading's text with
# spaces as hyphens, so it may hold punctuation and parentheses nested two deep).
_PARENS = r"\((?:[^()\s]|\([^()\s]*\))*\)"
NOTEBOOK_LINK = re.compile(rf"\]\((?:\./)?(\d\d_\w+)\.ipynb(#(?:[^()\s]|{_PARENS})*)?\)")
ERRATA_HEADER = re.compile(r"^\|\s*post\s*\|", re.MULTILINE)
SYMPTOMS_HEADER = re.compile(r"^\|\s*symptom\s*\|", re.MULTILINE)
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MODEL_REF = re.compile(r"^IPY_MODEL_(\w+)$")
#: Pages written by hand in docs/ (docs/<name>.md), listed after the API reference.
DOC_PAGES = ("snippets", "performance")


# ---------------------------------------------------------------------------- staging


def notebook_sources(selected: list[str] | None) -> list[Path]:
    sources = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
    if selected:
        sources = [path for path in sources if path.name[:2] in selected]
        missing = sorted(set(selected) - {path.name[:2] for path in sources})
        if missing:
            sys.exit(f"no notebook numbered {missing} in {NOTEBOOKS}")
    return sources


def relink(markdown: str, built: set[str], prefix: str) -> str:
    """Links to notebooks: to their page when built, else to the notebook on GitHub."""

    def target(match):
        stem, anchor = match.group(1), match.group(2) or ""
        if stem in built:
            # MyST resolves heading anchors by their slug (myst_heading_anchors): lower
            # case, punctuation dropped, which the JupyterLab anchor turns into directly.
            slug = "#" + re.sub(r"[^\w-]", "", anchor[1:].lower()) if anchor else ""
            return f"]({prefix}{stem}.ipynb{slug})"
        return f"](https://github.com/{REPO}/blob/{BRANCH}/notebooks/{stem}.ipynb{anchor})"

    return NOTEBOOK_LINK.sub(target, markdown)


def stage_notebook(source: Path, built: set[str]) -> nbformat.NotebookNode:
    notebook = jupytext.read(source)
    # Code cells stay as they are: lossviz.setup() reads LOSSVIZ_MATPLOTLIB=inline itself.
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = relink(cell.source, built, "")
    notebook.metadata.pop("jupytext", None)
    return notebook


def markdown_cell(notebook, pattern: re.Pattern) -> str | None:
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and pattern.search(cell.source):
            return cell.source
    return None


def index_page(built: set[str]) -> str:
    """The map of notebook 00, the tables of notebooks 08 (errata) and 13 (symptoms), and how to run live."""
    start = jupytext.read(NOTEBOOKS / "00_start_here.py")
    the_map = markdown_cell(start, re.compile(r"^## The map", re.MULTILINE))
    if the_map is None:
        sys.exit("notebooks/00_start_here.py has no '## The map' cell")
    the_map = relink(the_map.split("\n", 1)[1], built, "notebooks/")
    parts = [
        "# lossviz: how Keras losses and metrics really behave",
        "",
        "Paired Jupyter notebooks and a small NumPy package, `lossviz`, about what **Keras 3** "
        "actually computes. These pages show every notebook run to the end, with its outputs; "
        "the sliders need a running kernel (see [Run it live](#run-it-live)).",
        "",
        "## The map",
        the_map.strip(),
        "",
        "[Start here](notebooks/00_start_here.ipynb) explains how to use the sliders. "
        "The [API reference](api.rst) documents every function of `lossviz`."
        if "00_start_here" in built
        else "The [API reference](api.rst) documents every function of `lossviz`.",
        "[Code to copy](snippets.md) lists the blocks `standalone_source` hands out; "
        "[Performance](performance.md) gives what the commands and explorers cost.",
    ]
    indexes = (  # (notebook, its table's header, section title, what the table holds, its name)
        (
            "08_errata",
            ERRATA_HEADER,
            "Errata",
            "What the blog posts our readers come from get wrong about Keras 3, post by post.",
            "errata notebook",
        ),
        (
            "13_why_do_my_numbers_differ",
            SYMPTOMS_HEADER,
            "Why do my two numbers differ?",
            "Two numbers that should agree and do not: the symptom, why, and the section that measures it.",
            "symptom index",
        ),
    )
    for stem, header, title, what, name in indexes:
        path = NOTEBOOKS / f"{stem}.py"
        if not path.exists():
            continue
        table = markdown_cell(jupytext.read(path), header)
        if table is None:
            sys.exit(f"{path} has no markdown cell with a {header.pattern!r} table")
        rows = []
        for line in table[header.search(table).start() :].splitlines():
            if not line.startswith("|"):
                break
            rows.append(line)
        notebook = (
            f"notebooks/{stem}.ipynb"
            if stem in built
            else f"https://github.com/{REPO}/blob/{BRANCH}/notebooks/{stem}.ipynb"
        )
        parts += [
            "",
            f"## {title}",
            "",
            f"{what} The [{name}]({notebook}) links the section that measures each row.",
            "",
        ]
        parts.append(relink("\n".join(rows), built, "notebooks/"))
    parts += ["", (DOCS / "run_live.md").read_text().strip(), ""]
    toctree = "\n".join(f"notebooks/{stem}" for stem in sorted(built))
    parts += [
        "```{toctree}",
        ":hidden:",
        ":caption: Notebooks",
        "",
        toctree,
        "```",
        "",
        "```{toctree}",
        ":hidden:",
        ":caption: Reference",
        "",
        "api",
        *DOC_PAGES,
        "```",
        "",
    ]
    return "\n".join(parts)


def public_api() -> dict[str, list[tuple[str, str]]]:
    """Module -> [(name, 'function' | 'class')] of every public function and class of lossviz:
    in each public submodule, the names of its __all__, then every other function or class
    defined in it (or in its own submodules) whose name has no leading underscore."""
    import importlib
    import inspect

    import lossviz

    api = {}
    for module_name in sorted(lossviz._SUBMODULES):
        module = importlib.import_module(f"lossviz.{module_name}")
        names = list(getattr(module, "__all__", []))
        # A package that serves names from a registry (lossviz.widgets its explorer
        # classes, through a PEP 562 __getattr__) lists them in its own __dir__.
        own_dir = vars(module).get("__dir__")
        served = [name for name in (own_dir() if own_dir else []) if name not in vars(module)]
        names += [
            name
            for name in [*vars(module), *served]
            if not name.startswith("_")
            and name not in names
            and (inspect.isfunction(value := getattr(module, name)) or inspect.isclass(value))
            and (value.__module__ == module.__name__ or value.__module__.startswith(module.__name__ + "."))
        ]
        entries = []
        for name in names:
            value = getattr(module, name)
            if inspect.isclass(value):
                entries.append((name, "class"))
            elif callable(value):
                entries.append((name, "function"))
        api[module.__name__] = entries
    return api


def api_page() -> str:
    lines = [
        "API reference",
        "=============",
        "",
        "Every public function and class of ``lossviz``, from its docstring. Each says in which notebook it is taught.",
        "",
    ]
    for module, entries in public_api().items():
        lines += [f"``{module}``", "-" * (len(module) + 4), "", f".. automodule:: {module}", "   :no-members:", ""]
        for name, kind in entries:
            directive = "autoclass" if kind == "class" else "autofunction"
            lines += [f".. {directive}:: {module}.{name}"]
            if kind == "class":
                lines += ["   :members:"]
            lines += [""]
    return "\n".join(lines)


def stage_assets(js: Path, static: Path) -> None:
    modules = js / "node_modules"
    widgets = modules / "@jupyter-widgets" / "html-manager" / "dist"
    mathjax = modules / "mathjax" / "es5"
    for path in (widgets / "embed.js", mathjax / "tex-chtml.js"):
        if not path.exists():
            sys.exit(f"{path} is missing: run `make site` (it installs docs/package.json with npm)")
    shutil.copytree(widgets, static / "widgets", ignore=shutil.ignore_patterns("*.map", "*amd*"))
    shutil.copytree(mathjax, static / "mathjax", ignore=shutil.ignore_patterns("*.map"))
    shutil.copy(DOCS / "site.css", static / "site.css")
    shutil.copy(DOCS / "mathjax_widgets.js", static / "mathjax_widgets.js")


def stage(selected: list[str] | None, js: Path, stage_dir: Path) -> None:
    sources = notebook_sources(selected)
    built = {path.stem for path in sources}
    (stage_dir / "notebooks").mkdir(parents=True)
    for source in sources:
        nbformat.write(stage_notebook(source, built), stage_dir / "notebooks" / f"{source.stem}.ipynb")
    (stage_dir / "index.md").write_text(index_page(built))
    (stage_dir / "api.rst").write_text(api_page())
    for name in DOC_PAGES:
        shutil.copy(DOCS / f"{name}.md", stage_dir / f"{name}.md")
    shutil.copy(DOCS / "conf.py", stage_dir / "conf.py")
    (stage_dir / "site_settings.json").write_text(json.dumps({"repo": REPO, "branch": BRANCH}))
    stage_assets(js, stage_dir / "_static")


# -------------------------------------------------------------------------- execution
#
# The notebooks run here (nbclient), not inside Sphinx, so that each explorer can be saved
# as its FIRST frame: a notebook's saved widget state is the state at the end of the run,
# after later cells moved the explorer with .set(). So the state is copied right after
# each cell that displays a widget, and that view is pointed at the copy.


def _referenced(model_id: str, state: dict) -> list[str]:
    """model_id and every model its state refers to ("IPY_MODEL_<id>"), transitively."""
    seen, todo = [], [model_id]
    while todo:
        current = todo.pop()
        if current in seen or current not in state:
            continue
        seen.append(current)
        stack = [state[current]]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, str) and MODEL_REF.match(value):
                todo.append(MODEL_REF.match(value).group(1))
    return seen


def _renamed(value, names: dict[str, str]):
    if isinstance(value, dict):
        return {key: _renamed(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    if isinstance(value, str) and MODEL_REF.match(value):
        return f"IPY_MODEL_{names.get(MODEL_REF.match(value).group(1), MODEL_REF.match(value).group(1))}"
    return value


def execute_notebook(path: Path, timeout: int) -> float:
    """Run the staged notebook at ``path`` in place; return the seconds it took."""
    from nbclient import NotebookClient

    class FirstFrameClient(NotebookClient):
        snapshots: dict = {}

        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
            if any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", [])):
                self.snapshots[cell_index] = (copy.deepcopy(self.widget_state), copy.deepcopy(self.widget_buffers))
            return result

    started = time.monotonic()
    notebook = nbformat.read(path, as_version=4)
    client = FirstFrameClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.snapshots = {}
    client.execute()
    saved = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell_index, (state, buffers) in client.snapshots.items():
        for output in notebook.cells[cell_index].get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if not view:
                continue
            models = _referenced(view["model_id"], state)
            names = {model: f"{model}_cell{cell_index}" for model in models}
            for model in models:
                if "_model_name" not in state[model]:
                    continue
                frozen = client._serialize_widget_state(_renamed(state[model], names))
                if buffers.get(model):
                    frozen["buffers"] = list(buffers[model].values())
                saved[names[model]] = frozen
            view["model_id"] = names[view["model_id"]]
    nbformat.write(notebook, path)
    return time.monotonic() - started


def execute_all(paths: list[Path], jobs: int, timeout: int = 300) -> None:
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(execute_notebook, path, timeout): path for path in paths}
        for future in concurrent.futures.as_completed(futures):
            print(f"executed {futures[future].name} in {future.result():.0f} s", flush=True)


# ------------------------------------------------------------------------- link check


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key) is not None and not (tag == "a" and key == "src"):
                self.links.append((tag, key, attrs[key]))


def parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path) -> list[str]:
    """Every href/src of every page that points inside the site and does not resolve
    (missing file, or missing id for a #fragment)."""
    pages = sorted(site.rglob("*.html"))
    parsed = {page: parse(page) for page in pages}
    broken = []
    for page, links in parsed.items():
        for tag, key, value in links.links:
            url = urllib.parse.urlsplit(value)
            if url.scheme or url.netloc or value.startswith(("//", "data:", "javascript:")):
                continue  # external, checked by nobody at build time
            target = page if not url.path else (page.parent / urllib.parse.unquote(url.path))
            if url.path.endswith("/"):
                target = target / "index.html"
            target = target.resolve()
            where = f"{page.relative_to(site)}: <{tag} {key}={value!r}>"
            if not target.is_relative_to(site.resolve()) or not target.is_file():
                broken.append(f"{where}: no file {target}")
                continue
            if url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if urllib.parse.unquote(url.fragment) not in ids:
                    broken.append(f"{where}: no id {url.fragment!r} in {target.name}")
    return broken


def check(site: Path) -> int:
    pages = list(site.rglob("*.html"))
    if not pages:
        print(f"no HTML page under {site}", file=sys.stderr)
        return 1
    broken = broken_links(site)
    for line in broken:
        print(f"BROKEN LINK {line}", file=sys.stderr)
    print(f"link check: {len(pages)} pages, {len(broken)} broken internal links")
    return 1 if broken else 0


# ---------------------------------------------------------------------------- build


def build(out: Path, selected: list[str] | None, js: Path, jobs: str, work: Path) -> int:
    started = time.monotonic()
    if work.exists():
        shutil.rmtree(work)
    stage_dir = work / "src"
    stage(selected, js, stage_dir)
    os.environ["LOSSVIZ_MATPLOTLIB"] = "inline"  # the kernels inherit it
    os.environ.pop("MPLBACKEND", None)  # the notebooks choose their backend
    execute_all(sorted((stage_dir / "notebooks").glob("*.ipynb")), int(jobs))
    if out.exists():
        shutil.rmtree(out)
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-q",
        "-j",
        "1",
        "-d",
        str(work / "doctrees"),
        str(stage_dir),
        str(out),
    ]
    result = subprocess.run(command)
    if result.returncode:
        print(f"sphinx-build failed ({result.returncode})", file=sys.stderr)
        return result.returncode
    (out / ".nojekyll").touch()
    status = check(out)
    print(f"site built in {time.monotonic() - started:.0f} s: {out}/index.html")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build")
    build_parser.add_argument("--out", type=Path, default=ROOT / "site")
    build_parser.add_argument("--notebooks", nargs="*", help="numbers to build (default: all)")
    build_parser.add_argument("--js", type=Path, default=ROOT / "build" / "site-js")
    build_parser.add_argument("--jobs", default="1", help="notebooks executed at once")
    build_parser.add_argument("--work", type=Path, default=WORK, help="staging directory (emptied)")
    check_parser = commands.add_parser("check")
    check_parser.add_argument("site", type=Path)
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.site)
    return build(args.out.resolve(), args.notebooks, args.js.resolve(), args.jobs, args.work.resolve())


if __name__ == "__main__":
    sys.exit(main())
