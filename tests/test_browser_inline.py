"""Front ends without ipympl: an explorer on the inline backend, dragged in a real browser.

Colab, VS Code without the ipympl extension and static viewers run `%matplotlib inline`.
There an explorer draws on an Agg canvas and shows the PNG in an ``ipywidgets.Image``.
Here JupyterLab is started by `make lab` with ``LOSSVIZ_MATPLOTLIB=inline`` in its
environment (the kernel inherits it, and the setup cell reads it), notebook 00 is run in
Debian's Chromium, the explorer's first slider is dragged with the mouse, and the test
checks that the image's pixels changed. It also checks the first launch is quiet: no
"get notified about official Jupyter news?" prompt (the project's shipped JupyterLab
defaults, not this test's settings, turn it off).
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import pytest

import browser_helpers as bh
from browser_helpers import handle_dialogs, kernel_status

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.kernel, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "00_start_here.ipynb"
ARTIFACTS = ROOT / "test-artifacts" / "browser-inline"
NEWS_PLUGIN = "@jupyterlab/apputils-extension:notification"

# Pixels of an <img>, hashed (FNV-1a over RGBA words) after drawing it on a canvas.
IMAGE_HASH = """(img) => {
  if (!img.complete || !img.naturalWidth) return '';
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const words = new Uint32Array(context.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
  let hash = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i], 16777619);
  return `${canvas.width}x${canvas.height}:${(hash >>> 0).toString(16)}`;
}"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with bh.chromium(tmp_path_factory.mktemp("chromium-profile-inline"), width=1400) as context:
        yield context


@pytest.fixture(scope="module")
def inline_lab(tmp_path_factory):
    """`make lab` with LOSSVIZ_MATPLOTLIB=inline, its own user settings (the test's usual
    ones, except the news setting: that one must come from what the project ships)."""
    with bh.lab_of_its_own(
        tmp_path_factory.mktemp("inline-lab"), shipped=(NEWS_PLUGIN,), LOSSVIZ_MATPLOTLIB="inline"
    ) as server:
        yield server


def test_explorer_image_changes_when_dragged_on_the_inline_backend(browser, inline_lab):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    notebook_json = json.loads((ROOT / "notebooks" / NOTEBOOK).read_text())
    code_cells = sum(
        1 for cell in notebook_json["cells"] if cell["cell_type"] == "code" and "".join(cell["source"]).strip()
    )
    page = browser.new_page()
    dialogs: list[str] = []
    try:
        workspace = f"inline-{secrets.token_hex(4)}"
        page.goto(f"{inline_lab.url}/lab/workspaces/{workspace}/tree/{NOTEBOOK}?token={inline_lab.token}&reset")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
        bh.wait_until(
            lambda: handle_dialogs(page, dialogs) or kernel_status(page) == "Idle",
            120,
            lambda: f"kernel never idle: {kernel_status(page)!r}, dialogs {dialogs}",
        )
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

        def all_ran():
            handle_dialogs(page, dialogs)
            prompts = page.evaluate("""() => [...document.querySelectorAll(
                '.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent.trim())""")
            done = sum(1 for prompt in prompts if prompt[1:-2].isdigit())
            return done >= code_cells and kernel_status(page) == "Idle"

        bh.wait_until(all_ran, 240, lambda: f"Run All did not finish: kernel {kernel_status(page)!r}")
        outputs = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-hslider"))
        bh.wait_until(lambda: outputs.count(), 60, lambda: "no explorer rendered")
        explorer = outputs.first
        # The inline path: an <img> widget, and no ipympl canvas anywhere in the notebook.
        image = explorer.locator("img.widget-image").first
        assert page.locator(".jupyter-matplotlib").count() == 0, "an ipympl canvas: not the inline backend"
        text = " ".join(page.locator(".jp-OutputArea-output").all_text_contents())
        assert "Traceback" not in text and not any(bad in text for bad in bh.WIDGET_FAILURES), text[-2000:]
        before = bh.wait_until(lambda: image.evaluate(IMAGE_HASH), 30, lambda: "the explorer's image never loaded")
        page.screenshot(path=str(ARTIFACTS / "before.png"))

        slider = explorer.locator(".widget-hslider").first
        handle, track = slider.locator(".noUi-handle").first, slider.locator(".noUi-target").first
        handle.scroll_into_view_if_needed()
        value_before = handle.get_attribute("aria-valuenow")
        handle_box, track_box = handle.bounding_box(), track.bounding_box()
        position = (handle_box["x"] + handle_box["width"] / 2 - track_box["x"]) / track_box["width"]
        target = 0.85 if position < 0.5 else 0.15
        y = handle_box["y"] + handle_box["height"] / 2
        page.mouse.move(handle_box["x"] + handle_box["width"] / 2, y)
        page.mouse.down()
        page.mouse.move(track_box["x"] + target * track_box["width"], y, steps=8)
        page.mouse.up()
        released = time.monotonic()
        value_after = handle.get_attribute("aria-valuenow")
        assert value_after != value_before, f"the slider did not move ({value_before})"

        after = bh.wait_until(
            lambda: (
                image.evaluate(IMAGE_HASH) not in {"", before}
                and kernel_status(page) == "Idle"
                and image.evaluate(IMAGE_HASH)
            ),
            30,
            lambda: f"the image did not change after dragging {value_before} -> {value_after}",
        )
        print(
            f"inline explorer: slider {value_before} -> {value_after}, new image after "
            f"{time.monotonic() - released:.2f} s"
        )
        page.screenshot(path=str(ARTIFACTS / "after.png"))
        assert after != before
        # A quiet first launch: no "get notified about official Jupyter news?" prompt.
        assert "Jupyter news" not in page.locator("body").inner_text()
        assert not [dialog for dialog in dialogs if "Select Kernel" not in dialog], dialogs
    finally:
        page.close()
