"""The explorers live on the static site (used by docs/build_site.py).

At build time each explorer shown in a notebook is exported by its own Python code
(:func:`lossviz.widgets._static.export`: every position the page offers) into
``_static/live/<name>-<seed>-<hash>.json``, and a ``<div class="lossviz-live">`` naming
that file goes under the explorer's output; docs/lossviz_live.js draws it with
Vega-Lite (npm: vega, vega-lite, vega-embed, served from ``_static/vega``). The page
``explorers`` holds every registered explorer at its defaults: the site test moves
them all there without building every notebook.
"""

from __future__ import annotations

import concurrent.futures
import gzip
import json
import shutil
import sys
from pathlib import Path

import nbformat

DOCS = Path(__file__).resolve().parent
EXPLORER_MIME = "application/vnd.lossviz.explorer+json"
LIVE_DIR = "live"  # under _static
VEGA_FILES = {
    "vega": "vega/build/vega.min.js",
    "vega-lite": "vega-lite/build/vega-lite.min.js",
    "vega-embed": "vega-embed/build/vega-embed.min.js",
}
#: The JavaScript of a page with an explorer, in load order (under _static).
LIVE_JS = [f"vega/{name}.min.js" for name in VEGA_FILES] + ["lossviz_live.js"]
#: Budget of one notebook page, everything it loads, as gzip would transfer it.
PAGE_BUDGET_BYTES = 3_000_000


def stage_live_assets(js: Path, static: Path) -> None:
    modules = js / "node_modules"
    (static / "vega").mkdir(parents=True, exist_ok=True)
    for name, path in VEGA_FILES.items():
        if not (modules / path).exists():
            sys.exit(f"{modules / path} is missing: run `make site` (it installs docs/package.json with npm)")
        shutil.copy(modules / path, static / "vega" / f"{name}.min.js")
    shutil.copy(DOCS / "lossviz_live.js", static / "lossviz_live.js")
    (static / LIVE_DIR).mkdir(exist_ok=True)


def _export_one(name: str, seed: int, params: dict, target: str) -> tuple[str, int, float]:
    import time

    import lossviz.widgets  # noqa: F401  (imports, and so registers, every explorer)
    from lossviz._explorer import _REGISTRY
    from lossviz.widgets import _static

    started = time.monotonic()
    data = _static.export(_REGISTRY[name], seed=seed, **params)
    Path(target).write_text(json.dumps(data, separators=(",", ":")))
    # The first frame, for a reader without JavaScript (the <noscript> of live_div).
    _static._snapshot(_REGISTRY[name], seed, params).figure.savefig(Path(target).with_suffix(".png"))
    return target, len(data["positions"]), time.monotonic() - started


def export_all(requests: dict[str, tuple[str, int, dict]], static: Path, jobs: int) -> dict[str, int]:
    """{file name: (explorer name, seed, params)} -> the files in _static/live; returns
    {file name: positions}."""
    positions = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            pool.submit(_export_one, name, seed, params, str(static / LIVE_DIR / file_name)): file_name
            for file_name, (name, seed, params) in requests.items()
        }
        for future in concurrent.futures.as_completed(futures):
            target, count, seconds = future.result()
            positions[futures[future]] = count
            print(f"exported {Path(target).name}: {count} positions in {seconds:.0f} s", flush=True)
    return positions


def live_div(file_name: str, prefix: str, element_id: str = "") -> str:
    """The element lossviz_live.js fills; without JavaScript, its <noscript> shows the
    explorer's first frame (a PNG written beside the data)."""
    source = f"{prefix}_static/{LIVE_DIR}/{file_name}"
    first_frame = source.removesuffix(".json") + ".png"
    attribute = f' id="{element_id}"' if element_id else ""
    return (
        f'<div class="lossviz-live"{attribute} data-src="{source}"><noscript>'
        f'<img src="{first_frame}" alt="the explorer at its first position"></noscript></div>'
    )


def _static_grid(name: str):
    import lossviz.widgets  # noqa: F401  (imports, and so registers, every explorer)
    from lossviz._explorer import _REGISTRY

    return getattr(_REGISTRY.get(name), "static_grid", None)


def link_notebook(path: Path, requests: dict) -> None:
    """Under each explorer output of the executed notebook at ``path``: the live div.
    The explorer named itself in the output (EXPLORER_MIME); that entry is removed."""
    from lossviz.widgets._static import export_name

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        outputs = []
        for output in cell.get("outputs", []):
            outputs.append(output)
            described = output.get("data", {}).pop(EXPLORER_MIME, None)
            if described is None:
                continue
            if _static_grid(described["name"]) is None:
                print(f"{path.name}: explorer {described['name']} has no static_grid: its still frame stays")
                continue
            file_name = export_name(described["name"], described["seed"], described["params"])
            requests[file_name] = (described["name"], described["seed"], described["params"])
            outputs.append(
                nbformat.v4.new_output("display_data", data={"text/html": live_div(file_name, "../")}, metadata={})
            )
        if "outputs" in cell:
            cell.outputs = outputs
    nbformat.write(notebook, path)


def explorers_page(requests: dict) -> str:
    """Every registered explorer at its defaults, live: the page the site test moves."""
    from lossviz._explorer import registered_explorers
    from lossviz.session import read_seed
    from lossviz.widgets import explorers  # noqa: F401  (imports every explorer module)
    from lossviz.widgets._static import _snapshot, export_name

    parts = [
        "# Every explorer, live",
        "",
        "Each explorer of the notebooks at its first position, moved with no kernel: the data for every "
        "position the page offers were computed by the explorer's own code when the site was built "
        "(`lossviz.widgets._static`). Where a joint grid is coarser, the readout says which position is shown.",
        "",
    ]
    seed = read_seed()
    for explorer_class in registered_explorers():
        if explorer_class.static_grid is None:
            continue  # tests/test_static_site.py fails for it
        params = _snapshot(explorer_class, seed, {}).params
        file_name = export_name(explorer_class.name, seed, params)
        requests[file_name] = (explorer_class.name, seed, params)
        summary = explorer_class.__doc__.strip().splitlines()[0]
        parts += [
            f"## `{explorer_class.name}`",
            "",
            summary,
            "",
            live_div(file_name, "", f"live-{explorer_class.name}"),
            "",
        ]
    return "\n".join(parts)


def page_payload(site: Path, page: Path) -> dict[str, int]:
    """What opening ``page`` transfers, gzip-compressed (level 6, as web servers do):
    the HTML, every script, style sheet and image it names, and the live data it loads."""
    import re
    import urllib.parse

    html = page.read_text(encoding="utf-8")
    # What a <noscript> names loads only without JavaScript, when nothing else does.
    html_loaded = re.sub(r"<noscript>.*?</noscript>", "", html, flags=re.S)
    names = set(re.findall(r'(?:src|href)="([^"#?]+)', html_loaded))
    names |= set(re.findall(r'data-src="([^"]+)"', html_loaded))
    sizes = {page.relative_to(site).as_posix(): len(gzip.compress(html.encode(), 6))}
    for name in names:
        if urllib.parse.urlsplit(name).scheme:
            continue
        target = (page.parent / urllib.parse.unquote(name)).resolve()
        if target.is_file() and target.suffix in {".js", ".css", ".json", ".png", ".svg", ".woff2", ".woff"}:
            sizes[target.relative_to(site.resolve()).as_posix()] = len(gzip.compress(target.read_bytes(), 6))
    return sizes


def site_size(site: Path) -> tuple[int, int]:
    """(bytes on disk, bytes gzip-compressed) of every file of the site."""
    files = [path for path in site.rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), sum(len(gzip.compress(path.read_bytes(), 6)) for path in files)
