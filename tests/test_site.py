"""The static site (`make site`), read in Chromium with the network off.

A small site is built (notebook 00, which has an explorer, plus the index, the API page,
the page holding every explorer live and the snippet gallery) with docs/build_site.py, exactly as `make site` builds the full one, served from
127.0.0.1 and opened in Debian's Chromium. Every request that leaves the machine fails
the test: the pages must carry their own JavaScript (widget manager, MathJax, search).
"""

from __future__ import annotations

import functools
import gzip
import html as html_module
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

import browser_helpers as bh

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.kernel, pytest.mark.xdist_group("site")]

ROOT = Path(__file__).resolve().parent.parent
SITE_JS = ROOT / "build" / "site-js"
PAGES = ["index.html", "api.html", "notebooks/00_start_here.html", "search.html", "explorers.html"]

sys.path.insert(0, str(ROOT / "docs"))
import live_site  # noqa: E402

import build_site  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not (SITE_JS / "node_modules" / "@jupyter-widgets" / "html-manager").exists():
        bh.missing(
            f"{SITE_JS} has no npm install: run `make test` or `make site` (they install docs/package.json with npm)"
        )
    base = tmp_path_factory.mktemp("site")
    env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "docs" / "build_site.py"),
            "build",
            "--notebooks",
            "00",
            "--out",
            str(base / "site"),
            "--work",
            str(base / "work"),
            "--js",
            str(SITE_JS),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"site build failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    assert "0 broken internal links" in result.stdout
    # A docstring or notebook that Sphinx cannot parse renders wrongly on the page.
    errors = [line for line in result.stderr.splitlines() if re.search(r": (ERROR|CRITICAL): ", line)]
    assert not errors, errors
    return base / "site"


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with bh.chromium(tmp_path_factory.mktemp("chromium-profile"), width=1300) as context:
        yield context


@pytest.fixture(scope="module")
def offline(browser, server):
    """Network off: anything but the local server (and data:/blob: URLs) is aborted and
    recorded; so is every local request that fails or answers with an error status."""
    attempts, failures = [], []
    local = urllib.parse.urlsplit(server).netloc

    def route(route):
        url = urllib.parse.urlsplit(route.request.url)
        if url.scheme in {"data", "blob", "file"} or url.netloc == local:
            route.continue_()
        else:
            attempts.append(route.request.url)
            route.abort()

    browser.route("**/*", route)
    browser.on("requestfailed", lambda request: failures.append(f"{request.url}: {request.failure}"))
    browser.on(
        "response",
        lambda response: response.status >= 400 and failures.append(f"{response.url}: HTTP {response.status}"),
    )
    return attempts, failures


def open_page(browser, server, path: str):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server}/{path}", wait_until="load")
    return page, errors


IMAGES = """() => [...document.images].map((img) => ({
  src: img.currentSrc || img.src, complete: img.complete, width: img.naturalWidth,
  widget: !!img.closest('.jupyter-widgets, .widget-image, .jp-OutputArea-output')}))"""


def wait_for_images(page) -> list[dict]:
    def loaded():
        images = page.evaluate(IMAGES)
        return {"images": images} if all(image["complete"] for image in images) else None

    return bh.wait_until(loaded, 30, lambda: f"images still loading: {page.evaluate(IMAGES)}")["images"]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_with_every_image(browser, server, offline, path):
    attempts, failures = offline
    page, errors = open_page(browser, server, path)
    try:
        if path.startswith("notebooks/"):
            # The explorer's first frame: an <img> the widget manager makes from the saved state.
            bh.wait_until(
                lambda: (
                    page.locator(".cell_output .widget-image, .cell_output img.widget-image").count()
                    or page.evaluate("() => document.querySelectorAll('.jupyter-widgets img').length")
                ),
                30,
                lambda: "no widget image rendered on the page",
            )
        images = wait_for_images(page)
        broken = [image["src"][:120] for image in images if not image["width"]]
        assert not broken, f"{path}: images that did not load: {broken}"
        if path.startswith("notebooks/"):
            assert any(image["widget"] for image in images), f"no explorer frame among {images}"
        assert not errors, f"{path}: JavaScript errors {errors}"
        assert not attempts, f"{path}: requests that left the machine: {attempts}"
        assert not failures, f"{path}: failed requests: {failures}"
    finally:
        page.close()


def test_no_output_holds_a_traceback(browser, server):
    page, _ = open_page(browser, server, "notebooks/00_start_here.html")
    try:
        outputs = page.locator(".cell_output").all_text_contents()
        assert len(outputs) >= 3, "the notebook page shows no outputs"
        assert not [text[:300] for text in outputs if "Traceback" in text]
        assert page.locator(".cell_output .traceback, .cell_output .output.error").count() == 0
    finally:
        page.close()


def test_explorer_shows_its_first_frame_and_the_live_note(browser, server):
    """The frame is the explorer as first displayed (delta 1.0), not as the later .set(
    delta=0.5) left it; under it a note says the sliders need a kernel and links to one."""
    page, _ = open_page(browser, server, "notebooks/00_start_here.html")
    try:
        bh.wait_until(lambda: page.locator(".widget-readout").count(), 30, lambda: "no slider rendered")
        readouts = [text.strip() for text in page.locator(".widget-readout").all_text_contents()]
        assert any(float(text) == 1.0 for text in readouts if text), readouts
        assert not any(float(text) == 0.5 for text in readouts if text), readouts
        note = page.locator(".lossviz-live-note").first
        assert note.is_visible()
        text = note.text_content()
        assert "running Python kernel" in text and "make lab" in text
        hrefs = [link.get_attribute("href") for link in note.locator("a").all()]
        assert any(href.startswith("https://mybinder.org/") and "00_start_here.ipynb" in href for href in hrefs)
        assert any(href.startswith("https://colab.research.google.com/github/") for href in hrefs)
    finally:
        page.close()


def test_every_internal_link_resolves(browser, server, site):
    """Every link between the built pages, followed in the browser: the page exists and
    holds the element its #fragment names. (Each target page is opened once.)"""
    assert build_site.broken_links(site) == []
    targets: dict[str, set[tuple[str, str]]] = {}
    for path in PAGES:
        page, _ = open_page(browser, server, path)
        try:
            hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map((a) => a.href)")
        finally:
            page.close()
        for href in hrefs:
            if href.startswith(server):
                target, _, fragment = href.partition("#")
                targets.setdefault(target, set()).add((path, urllib.parse.unquote(fragment)))
    assert sum(map(len, targets.values())) > 20, f"only {targets} internal links found"
    broken = []
    for target, uses in sorted(targets.items()):
        page = browser.new_page()
        try:
            response = page.goto(target, wait_until="domcontentloaded")
            if response is None or not response.ok:
                broken += [f"{path} -> {target}: HTTP {response and response.status}" for path, _ in uses]
                continue
            fragments = sorted({fragment for _, fragment in uses if fragment})
            found = page.evaluate("(ids) => ids.filter((id) => !!document.getElementById(id))", fragments)
            broken += [
                f"{path} -> {target}#{fragment}: no such element"
                for path, fragment in uses
                if fragment and fragment not in found
            ]
        finally:
            page.close()
    assert not broken, broken


def public_functions_and_classes() -> set[str]:
    """Every function and class a public lossviz module defines (or exports in __all__)
    under a name without a leading underscore, as "lossviz.module.name"."""
    import importlib
    import inspect

    import lossviz

    found = set()
    for name in lossviz._SUBMODULES:
        module = importlib.import_module(f"lossviz.{name}")
        for attr, value in vars(module).items():
            if attr.startswith("_") or not (inspect.isfunction(value) or inspect.isclass(value)):
                continue
            owner = value.__module__ or ""
            if (
                attr in getattr(module, "__all__", ())
                or owner == module.__name__
                or owner.startswith(module.__name__ + ".")
            ):
                found.add(f"{module.__name__}.{attr}")
    return found


def test_api_page_lists_every_public_function_with_taught_in_links(browser, server):
    page, _ = open_page(browser, server, "api.html")
    try:
        ids = set(page.evaluate("() => [...document.querySelectorAll('dt[id]')].map((dt) => dt.id)"))
        public = public_functions_and_classes()
        assert len(public) > 100
        assert sorted(public - ids) == [], "public functions missing from the API page"
        # notebook 00 is built: its "Taught in" links go to its page
        local = page.evaluate("""() => [...document.querySelectorAll('a')]
            .filter((a) => a.closest('dd') && a.closest('dd').textContent.includes('Taught in'))
            .map((a) => a.getAttribute('href'))""")
        assert "notebooks/00_start_here.html" in local, local
    finally:
        page.close()


def test_index_has_the_map_and_how_to_run_live(browser, server):
    page, _ = open_page(browser, server, "index.html")
    try:
        text = page.locator("[role=main]").first.text_content()
        for phrase in ("The map", "Regression losses", "Run it live", "make lab", "Binder", "Colab"):
            assert phrase in text, phrase
        assert page.locator("input[name=q]").count() == 1, "no search box"
        if (ROOT / "notebooks" / "08_errata.py").exists():
            assert page.locator("table th", has_text="post").count() >= 1
    finally:
        page.close()


@pytest.mark.parametrize("query", ["huber", "roc_auc_score"])
def test_search_finds_a_function_and_its_gallery_page_offline(browser, server, offline, query):
    attempts, _ = offline
    page, _ = open_page(browser, server, f"search.html?q={query}")
    try:
        bh.wait_until(lambda: page.locator("#search-results li").count(), 30, lambda: "no search results")
        hrefs = page.evaluate("() => [...document.querySelectorAll('#search-results li a')].map((a) => a.href)")
        assert any(href.split("#")[0].endswith(f"gallery/{query}.html") for href in hrefs), hrefs
        assert not attempts
    finally:
        page.close()


# ------------------------------------------------------------- the explorers, live

# Installed before a control moves: resolves with the milliseconds from the control's
# input event to the first animation frame whose canvas pixels differ from before, once
# the explorer has drawn again (-1 after 10 s without a change).
WATCH = """(id) => {
  const root = document.getElementById(id);
  const canvas = () => root.querySelector('canvas');
  const hash = () => {
    const cv = canvas();
    const pixels = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    let h = 0;
    for (let i = 0; i < pixels.length; i += 3) h = (Math.imul(h, 31) + pixels[i]) | 0;
    return h;
  };
  const before = hash();
  const drawn = root.dataset.drawn;
  window.__inputAt = null;
  const mark = () => { if (window.__inputAt === null) window.__inputAt = performance.now(); };
  root.addEventListener('input', mark, { capture: true, once: true });
  root.addEventListener('change', mark, { capture: true, once: true });
  window.__watch = new Promise((resolve) => {
    const started = performance.now();
    const check = () => {
      if (window.__inputAt !== null && root.dataset.drawn !== drawn && canvas() && hash() !== before) {
        resolve(performance.now() - window.__inputAt);
      } else if (performance.now() - started > 10000) resolve(-1);
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}"""


def move(control) -> None:
    """Move a control as a reader does: a slider by keyboard to its far end (or back to its
    start), the next option of a list, a click on a checkbox."""
    tag = control.evaluate("(element) => element.tagName + ':' + element.type")
    if tag.startswith("SELECT"):
        count = control.evaluate("(element) => element.options.length")
        current = control.evaluate("(element) => element.selectedIndex")
        control.select_option(index=(current + 1) % count)
    elif tag.endswith("checkbox"):
        control.click()
    else:
        at_end = control.evaluate("(element) => element.value === element.max")
        control.focus()
        control.press("Home" if at_end else "End")


def test_every_explorer_moves_offline_and_the_figure_changes(browser, server, offline, site):
    """On the page holding every explorer, each one's first two controls are moved; the
    figure must change each time. The median latency from input to changed pixels is
    written to build/site_latency.json (recorded in docs/performance.md; not asserted)."""
    attempts, failures = offline
    page, errors = open_page(browser, server, "explorers.html")
    try:
        ids = page.evaluate("() => [...document.querySelectorAll('.lossviz-live')].map((element) => element.id)")
        from lossviz._explorer import registered_explorers

        assert sorted(ids) == sorted(f"live-{cls.name}" for cls in registered_explorers())
        bh.wait_until(
            lambda: page.locator(".lossviz-live.lossviz-live-ready").count() == len(ids),
            60,
            lambda: page.evaluate(
                "() => [...document.querySelectorAll('.lossviz-live')].map((e) => [e.id, e.className, e.dataset.error])"
            ),
        )
        latencies, unchanged = {}, []
        for element_id in ids:
            controls = page.locator(f"#{element_id} .lossviz-live-controls").locator("input, select")
            for index in range(min(2, controls.count())):
                for _ in range(3):  # there and back, and there again: three samples a control
                    page.evaluate(WATCH, element_id)
                    move(controls.nth(index))
                    elapsed = page.evaluate("() => window.__watch")
                    if elapsed < 0:
                        unchanged.append(f"{element_id} control {index}")
                        break
                    latencies.setdefault(element_id, []).append(elapsed)
        assert not unchanged, f"controls that did not change the figure: {unchanged}"
        every = sorted(value for values in latencies.values() for value in values)
        record = {
            "median_ms": every[len(every) // 2],
            "moves": len(every),
            "median_ms_per_explorer": {key: sorted(values)[len(values) // 2] for key, values in latencies.items()},
        }
        (ROOT / "build").mkdir(exist_ok=True)
        (ROOT / "build" / "site_latency.json").write_text(json.dumps(record, indent=1))
        print("static-page latency, input to changed pixels:", record)
        assert not errors, errors
        assert not attempts, f"requests that left the machine: {attempts}"
        assert not failures, failures
    finally:
        page.close()


@pytest.mark.parametrize("path", ["explorers.html", "notebooks/00_start_here.html"])
def test_without_javascript_every_explorer_shows_its_first_frame(browser, server, path):
    page = browser.new_page()
    try:
        page.context.new_cdp_session(page).send("Emulation.setScriptExecutionDisabled", {"value": True})
        page.goto(f"{server}/{path}", wait_until="load")
        boxes = page.locator(".lossviz-live").count()
        widths = page.evaluate("() => [...document.querySelectorAll('.lossviz-live img')].map((i) => i.naturalWidth)")
        assert boxes >= 1 and len(widths) == boxes and min(widths) > 300, (boxes, widths)
    finally:
        page.close()


def test_notebook_page_payload_within_budget(browser, server, site):
    """Everything a notebook page loads (HTML, scripts, styles, fonts, the explorers' data),
    each file gzip-compressed as a web server sends it: at most 3 MB."""
    loaded = []
    page = browser.new_page()
    page.on("requestfinished", lambda request: loaded.append(request.url))
    try:
        page.goto(f"{server}/notebooks/00_start_here.html", wait_until="load")
        bh.wait_until(lambda: page.locator(".lossviz-live.lossviz-live-ready").count(), 60, lambda: "no live explorer")
        page.wait_for_load_state("networkidle")
    finally:
        page.close()
    sizes = {}
    for url in loaded:
        path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")
        target = site / path
        if target.is_file():
            sizes[path] = len(gzip.compress(target.read_bytes(), 6))
    assert any(path.endswith(".json") and "/live/" in path for path in sizes), sizes
    total = sum(sizes.values())
    print(f"notebooks/00_start_here.html transfers {total / 1e6:.2f} MB gzip in {len(sizes)} files")
    assert total <= live_site.PAGE_BUDGET_BYTES, sorted(sizes.items(), key=lambda item: -item[1])[:10]


def test_live_data_of_every_page_within_budget(site):
    """The budget for every page of this site, from its HTML (scripts, styles, live data)."""
    for page in sorted(site.rglob("*.html")):
        sizes = live_site.page_payload(site, page)
        assert sum(sizes.values()) <= live_site.PAGE_BUDGET_BYTES, (page.name, sum(sizes.values()))


# ------------------------------------------------------------------ snippet gallery


def test_gallery_lists_every_snippet_and_copies_it_exactly(browser, server):
    """The gallery index names every block; on a block's page the copy button puts
    exactly standalone_source(name) on the clipboard (NumPy tab)."""
    from lossviz.standalone import standalone_source

    page, errors = open_page(browser, server, "gallery/index.html")
    try:
        listed = page.evaluate(
            "() => [...document.querySelectorAll('#gallery-table td:first-child')].map((td) => td.textContent.trim())"
        )
        assert {"huber", "roc_auc_score", "mean_squared_error"} <= set(listed), listed
        page.fill("#gallery-filter", "huber")
        visible = page.evaluate(
            "() => [...document.querySelectorAll('#gallery-table tbody tr')].filter((row) => row.style.display !== 'none').length"
        )
        assert 1 <= visible < len(listed)
    finally:
        page.close()
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page, errors = open_page(browser, server, "gallery/huber.html")
    try:
        page.locator(".sd-tab-content .highlight").first.hover()
        page.locator(".sd-tab-content button.copybtn").first.click()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.rstrip("\n") == standalone_source("huber").rstrip("\n")
        assert copied.startswith("# SPDX-License-Identifier: MIT\n# huber, from lossviz ")  # its proof header
        assert page.locator("a.download, a[download], a.reference.download").count() >= 1
        taught = page.locator("p:has-text('Taught in') a").first.get_attribute("href")
        assert "01_regression_losses" in taught and "#" in taught, taught  # the section, not only the notebook
        assert not errors, errors
    finally:
        page.close()


def test_no_page_shows_backend_start_up_noise_or_loads_from_the_network(site):
    """lossviz.setup() keeps TensorFlow's start-up lines out of every output, and no page
    (theme included) loads a script, style sheet or font from outside the site."""
    from lossviz.session import STARTUP_NOISE

    external = re.compile(r"<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)=\"(?:https?:)?//[^\"]*\"")
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= len(PAGES)
    for path in pages:
        html = path.read_text()
        assert not [p.pattern for p in STARTUP_NOISE if p.search(html)], path
        assert not external.findall(html), (path, external.findall(html))


def test_every_notebook_page_opens_live_on_binder_colab_and_make_lab(site):
    install = re.search(r"^\s*(!pip install .*)$", (ROOT / "README.md").read_text(), re.M).group(1)
    for path in sorted((site / "notebooks").glob("*.html")):
        html = path.read_text()
        note = re.search(r'<div class="[^"]*lossviz-open-live[^"]*">(.*?)</div>', html, re.S)
        assert note, f"{path.name} has no links to open it live"
        hrefs = re.findall(r'href="([^"]+)"', note.group(1))
        name = f"notebooks/{path.stem}.ipynb"
        assert [h for h in hrefs if h.startswith("https://mybinder.org/") and h.endswith(name)], hrefs
        assert [h for h in hrefs if h.startswith("https://colab.research.google.com/github/") and h.endswith(name)]
        text = html_module.unescape(re.sub(r"<[^>]+>", "", note.group(1)))
        assert install in text and "make lab" in text, text
