"""Helpers for the browser tests (tests/test_browser*.py, tests/test_site.py): what a
person does in JupyterLab, done by Playwright.

Everything waits for an explicit condition (polled every POLL seconds), never for a
fixed time: the kernel status in the status bar, the cells' execution counts, the
pixels of the figure canvas (hashed in the page after each paint).
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import re
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from lab_server import running_lab

CHROMIUM = Path("/usr/bin/chromium")
# Headless, no sandbox (root in containers), and nothing that talks to the network on its
# own (component updates, sync, QUIC, first-run pings).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# JupyterLab extension -> the Python package that ships it prebuilt.
WIDGET_EXTENSIONS = {
    "@jupyter-widgets/jupyterlab-manager": "jupyterlab_widgets (a dependency of ipywidgets)",
    "jupyter-matplotlib": "ipympl",
}
# JupyterLab user settings for the test server only (JUPYTERLAB_SETTINGS_DIR): never
# save a notebook (Run All fills it with outputs), never ask about news, and attach every
# cell to the DOM so that all prompts and outputs can be read.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
POLL = 0.05
# Texts that ipywidgets / ipympl show in place of a widget they could not render.
WIDGET_FAILURES = (
    "Error displaying widget",
    "model not found",
    "Failed to load model class",
    "Could not create a view",
    "Could not create a model",
)
ERROR_IN_STDERR = re.compile(r"Traceback|\w*Error\b|\w*Exception\b")


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing(what: str) -> None:
    """Fail (CI, or root who could have installed it) or skip naming what is missing."""
    if running_in_ci() or os.geteuid() == 0:
        pytest.fail(what, pytrace=False)
    pytest.skip(what)


def write_lab_settings(settings_dir: Path, *, shipped: tuple[str, ...] = ()) -> None:
    """LAB_SETTINGS as user settings, except the plugins in ``shipped`` (those keep the
    defaults the project ships, so a test can check them)."""
    for plugin, values in LAB_SETTINGS.items():
        if plugin in shipped:
            continue
        package, name = plugin.split(":")
        path = settings_dir / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@contextmanager
def lab_of_its_own(base: Path, *, shipped: tuple[str, ...] = (), **environment: str):
    """`make lab` on a free port with user settings and workspaces under ``base`` (nothing
    read from or written to ~/.jupyter; see write_lab_settings for ``shipped``).

    lab_server passes os.environ on to `make lab`: none of the variables conftest.py sets
    for the tests reach it, so the kernel starts as a reader's would, with ``environment``
    added (e.g. LOSSVIZ_MATPLOTLIB="inline").
    """
    write_lab_settings(base / "settings", shipped=shipped)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("JUPYTERLAB_SETTINGS_DIR", str(base / "settings"))
        env.setenv("JUPYTERLAB_WORKSPACES_DIR", str(base / "workspaces"))
        for name, value in environment.items():
            env.setenv(name, value)
        for name in ("MPLBACKEND", "KERAS_BACKEND", "TF_CPP_MIN_LOG_LEVEL"):
            env.delenv(name, raising=False)
        with running_lab(base) as server:
            yield server


def extension_key(name: str) -> str:
    """/lab/api/extensions lists "@jupyter-widgets/jupyterlab-manager" as
    "jupyter-widgets-jupyterlab-manager": compare names in that normal form."""
    return re.sub(r"[/_.]+", "-", name.lstrip("@")).lower()


def lab_request(lab, path: str, method: str = "GET"):
    request = urllib.request.Request(f"{lab.url}{path}", method=method, headers={"Authorization": f"token {lab.token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


def shut_down_sessions(lab, notebook: str) -> None:
    """Stop the kernel JupyterLab started for ``notebook`` (frees TensorFlow's memory)."""
    for session in lab_request(lab, "/api/sessions"):
        if Path(session.get("path", "")).name == notebook:
            lab_request(lab, f"/api/sessions/{session['id']}", method="DELETE")


def wait_until(condition, timeout: float, describe) -> object:
    """Poll ``condition()`` until it returns something truthy; fail with ``describe()``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s: {describe()}", pytrace=False)
        time.sleep(POLL)


# ------------------------------------------------------------------ JupyterLab's page


def kernel_status(page) -> str:
    """Text after '|' in the status bar's kernel item ('Idle', 'Busy', 'Initializing')."""
    item = page.locator('.jp-StatusBar-TextItem[title^="Change kernel"]')
    if not item.count():
        return ""
    text = item.first.text_content() or ""
    return "" if "No Kernel" in text else text.rsplit("|", 1)[-1].strip()


def handle_dialogs(page, seen: list[str]) -> None:
    """Answer a JupyterLab dialog as a reader would (called from every wait loop); each
    one is remembered, and any but "Select Kernel" fails the test at the end."""
    dialog = page.locator(".jp-Dialog").first
    if not dialog.count():
        return
    text = " ".join((dialog.text_content() or "").split())
    if not seen or seen[-1] != text:
        seen.append(text)
    if "Select Kernel" in text:
        dialog.locator(".jp-mod-accept").click()
    else:
        page.keyboard.press("Escape")


def record_latency(path: Path, name: str, line: str, header: str) -> None:
    """Put ``line`` (dated) in ``path`` as the one line for notebook ``name``; the file is
    locked because two pytest-xdist workers may write it at once."""
    with open(path, "a+") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        file.seek(0)
        kept = [
            old
            for old in file.read().splitlines()
            if old.strip() and not old.startswith("#") and not old.startswith(f"{name}:")
        ]
        file.seek(0)
        file.truncate()
        stamp = time.strftime("%Y-%m-%d %H:%M")
        file.write("\n".join([header, *sorted([*kept, f"{line} [{stamp}]"])]) + "\n")


# ------------------------------------------------------------------ in-page scripts

# Signature of a figure's pixels: FNV-1a over the canvas's RGBA words ('' while blank),
# or the <img>'s source once decoded. Defined once per page as window.__lossvizSignature.
# Hashing a 1300x400 canvas costs ~10 ms (no GPU), too much for every animation frame on
# 2 cores, so the watcher hooks the canvas's drawImage / putImageData (how ipympl paints)
# and hashes only after a paint, plus every 30th frame in case something paints otherwise.
PAGE_SCRIPT = """
() => {
  window.__lossvizSignature = (el) => {
    if (el.tagName === 'IMG') return el.complete && el.naturalWidth ? el.currentSrc || el.src : '';
    if (!el.width || !el.height) return '';
    const words = new Uint32Array(
      el.getContext('2d').getImageData(0, 0, el.width, el.height).data.buffer);
    let hash = 0x811c9dc5, uniform = true;
    for (let i = 0; i < words.length; i++) {
      hash = Math.imul(hash ^ words[i], 16777619);
      if (words[i] !== words[0]) uniform = false;
    }
    return uniform ? '' : `${el.width}x${el.height}:${(hash >>> 0).toString(16)}`;
  };
  const hookPaints = (el) => {
    if (el.tagName !== 'CANVAS' || el.__lossvizPainted !== undefined) return;
    el.__lossvizPainted = 0;
    const context = el.getContext('2d');
    for (const name of ['drawImage', 'putImageData']) {
      const paint = context[name];
      context[name] = function (...args) {
        el.__lossvizPainted = performance.now();
        return paint.apply(this, args);
      };
    }
  };
  // Watch a figure: record when its pixels change (the paint's time) and the timestamps of
  // the next mouse press and release (event.timeStamp: the same clock as performance.now()).
  window.__lossvizWatch = (el) => {
    if (window.__lossvizProbe) window.__lossvizProbe.stop = true;
    hookPaints(el);
    const probe = {changes: [], down: null, up: null, stop: false,
                   last: window.__lossvizSignature(el)};
    window.__lossvizProbe = probe;
    window.addEventListener('mousedown', (e) => { probe.down = e.timeStamp; },
                            {capture: true, once: true});
    window.addEventListener('mouseup', (e) => { probe.up = e.timeStamp; },
                            {capture: true, once: true});
    let checked = performance.now(), frame = 0;
    const tick = () => {
      if (probe.stop) return;
      const freshPaint = el.tagName === 'CANVAS' && el.__lossvizPainted > checked;
      if (el.tagName === 'IMG' || freshPaint || ++frame % 30 === 0) {
        const now = performance.now();
        const signature = window.__lossvizSignature(el);
        if (signature !== probe.last) {
          probe.changes.push(freshPaint ? el.__lossvizPainted : now);
          probe.last = signature;
        }
        checked = now;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
}
"""

PROBE_STATE = """
() => { const p = window.__lossvizProbe;
        return {changes: p.changes, down: p.down, up: p.up, signature: p.last, now: performance.now()}; }
"""

# Per cell (in notebook order): its kind, input prompt, and every output's mime type + text.
CELLS_SCRIPT = """
() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')].map((cell) => ({
  code: cell.classList.contains('jp-CodeCell'),
  prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
  outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map((out) => ({
    mime: out.getAttribute('data-mime-type') || '',
    text: out.textContent || '',
  })),
}))
"""


# The smallest window every figure and explorer must fit: a 1280 x 800 laptop screen with
# JupyterLab's file browser open beside the notebook.
FIT_VIEWPORT = {"width": 1280, "height": 800}
# Every figure (ipympl canvas, inline <img>, SVG) in a notebook output: its width and right
# edge against the output area's box, and the output area's right edge against the
# notebook panel's. Hidden elements (zero width) are left out.
FIGURE_FIT_SCRIPT = """
() => {
  const panel = document.querySelector('#jp-main-dock-panel .jp-NotebookPanel').getBoundingClientRect();
  const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')];
  const found = [];
  cells.forEach((cell, index) => {
    for (const out of cell.querySelectorAll('.jp-OutputArea-output')) {
      const area = out.getBoundingClientRect();
      for (const el of out.querySelectorAll('canvas, img, svg')) {
        if (el.closest('svg') !== el && el.tagName.toLowerCase() === 'svg') continue;
        const box = el.getBoundingClientRect();
        if (!box.width) continue;
        found.push({cell: index, tag: el.tagName.toLowerCase(), width: Math.round(box.width),
                    right: Math.round(box.right), left: Math.round(box.left),
                    areaWidth: Math.round(out.clientWidth), areaRight: Math.round(area.right),
                    areaLeft: Math.round(area.left), panelRight: Math.round(panel.right)});
      }
    }
  });
  return found;
}
"""


def open_file_browser(page) -> None:
    """Show JupyterLab's file browser in the left side panel (a click on its tab when it
    is collapsed), and wait until the panel has its width."""
    browser_panel = page.locator("#filebrowser")
    if not (browser_panel.count() and browser_panel.first.is_visible()):
        page.locator('.jp-SideBar.jp-mod-left [data-id="filebrowser"]').first.click()
    wait_until(
        lambda: (
            browser_panel.count()
            and browser_panel.first.is_visible()
            and browser_panel.first.bounding_box()["width"] > 100
        ),
        10,
        lambda: "the file browser did not open",
    )


def figures_too_wide(measured: list[dict]) -> list[str]:
    """The figures of FIGURE_FIT_SCRIPT's measurement that stick out of their output area
    (by more than one pixel: rounding), or whose output area sticks out of the notebook."""
    problems = []
    for figure in measured:
        where = f"cell {figure['cell']}: {figure['tag']} {figure['width']} px wide"
        if figure["right"] > figure["areaRight"] + 1 or figure["width"] > figure["areaWidth"] + 1:
            problems.append(f"{where}, its output area {figure['areaWidth']} px")
        elif figure["areaRight"] > figure["panelRight"] + 1:
            problems.append(
                f"{where}: the output area ends at {figure['areaRight']} px, the notebook at {figure['panelRight']} px"
            )
    return problems


@dataclass
class DragResult:
    value_before: str
    value_after: str
    changed: bool
    latency_ms: float | None  # release -> last new image; None when nothing changed


@contextmanager
def chromium(profile: Path, *, width: int = 1400, height: int = 1000):
    """Debian's headless Chromium (never a downloaded one) driven by Playwright, with a fresh
    profile; says what is missing instead of failing deep inside Playwright."""
    if importlib.util.find_spec("playwright") is None:
        missing(
            "Python package playwright not installed in .venv: "
            "run `make test` (it installs the dev extra, `pip install -e '.[dev]'`)"
        )
    if not CHROMIUM.exists():
        missing(
            f"{CHROMIUM} not found: install Debian's chromium "
            "(apt-get install chromium; `make test` does it when run as root)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
        )
        try:
            yield context
        finally:
            context.close()
