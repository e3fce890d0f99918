"""A person opens a notebook in JupyterLab, runs it, drags a slider, and the plot changes.

Kernel-only tests cannot see a widget that fails to render in the browser ("Error
displaying widget", "model not found"). Here Debian's Chromium, driven by Playwright,
does what a reader does in `make lab`: open the notebook, run it from the top through its
last explorer (select the cell after it, Run > Run All Above Selected Cell; Run > Run All
Cells when the explorer is the last cell), wait for the kernel, drag the explorer's first
slider that moves its figure with the mouse, and check that the figure's pixels changed
and that no cell shows an error. The cells after the last explorer display no widget:
nbmake runs every cell of every notebook, on both backends, so the browser leaves them
out (in notebook 07 they are the cross-validation and Dask cells, about 70 s). Before the drags, every
figure must fit the notebook column of a 1280 x 800 window with the file browser open
(bh.FIT_VIEWPORT; the widths go to NAME-figure-widths.txt), and a notebook with
exercise solutions opens with them collapsed. It also measures
the time from releasing the slider to the new image being on screen (median of several
drags; target under 250 ms, recorded, not asserted).

Two notebooks are run: notebook 00 as a reader runs it, from the top; and a notebook
written for the test (EVERY_EXPLORER, in notebooks/ while the test runs) that holds the
setup cell and then every explorer cell of every notebook, word for word, plus any
explorer of lossviz.widgets that no notebook shows. There each explorer is dragged in
turn. The cells before an explorer (data, Keras fits) are run by nbmake on both backends
and both seeds; the browser needs only the explorer cells, so running each topic notebook
up to its last explorer (296 s) is not repeated here.

Screenshots and latency.txt go to test-artifacts/browser/ (ignored by git).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import statistics
import time
from pathlib import Path

import pytest

import browser_helpers as bh
from browser_helpers import handle_dialogs, kernel_status

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.kernel, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
START_HERE = "00_start_here.ipynb"
# Written by the every_explorer_notebook fixture, removed after the module; git ignores it,
# nbmake and the notebook-pair check never collect it (not NN_name.ipynb, see pyproject.toml).
EVERY_EXPLORER = "_every_explorer.ipynb"
NOTEBOOKS = [START_HERE, EVERY_EXPLORER]

DRAGS = 5  # latency = median over this many drags
# The target, printed and written to latency.txt but not asserted: on the 2-core
# development machine the same explorer measured a median of 0.9 s at load 4.5 and 2-3 s
# at load 10, so a bound that never flakes would only repeat the per-drag check below (a
# drag that brings no new image within NO_CHANGE_S fails the test).
TARGET_LATENCY_MS = 250
QUIET_S = 0.4  # a figure is "settled" when the kernel is idle and no pixel changed this long
RUN_TIMEOUT_S = 240  # running one notebook through its last explorer (TensorFlow import + Keras fits) on 2 busy cores
NO_CHANGE_S = 8  # after this long idle without a new image, a slider does not move the figure


# ------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium (Debian's, never a downloaded one) for the whole module."""
    with bh.chromium(tmp_path_factory.mktemp("chromium-profile"), **bh.FIT_VIEWPORT) as context:
        yield context


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on a free port, with its own settings and workspaces (nothing shared)."""
    with bh.lab_of_its_own(tmp_path_factory.mktemp("browser-lab")) as server:
        installed = {bh.extension_key(ext["name"]): ext for ext in server.get_json("/lab/api/extensions")}
        for name, package in bh.WIDGET_EXTENSIONS.items():
            extension = installed.get(bh.extension_key(name))
            if extension is None:
                pytest.fail(
                    f"JupyterLab extension {name} not installed "
                    f"(it comes with the Python package {package}); "
                    f"installed: {sorted(installed)}",
                    pytrace=False,
                )
            if not extension.get("enabled", False):
                pytest.fail(f"JupyterLab extension {name} is installed but disabled", pytrace=False)
        yield server


def topic_notebooks() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def explorer_factories() -> list[str]:
    """The public explorer factories of lossviz.widgets (``..._explorer``)."""
    import lossviz.widgets

    return [name for name in lossviz.widgets.__all__ if name.endswith("_explorer")]


def every_explorer_cells() -> tuple[dict, list[dict]]:
    """Notebook 00's setup cell, and every distinct explorer cell of the notebooks (in
    notebook order), then one for each factory that no notebook calls."""
    start = json.loads((NOTEBOOK_DIR / START_HERE).read_text())
    setup = next(
        cell for cell in start["cells"] if cell["cell_type"] == "code" and "lossviz.setup(" in "".join(cell["source"])
    )
    cells, sources = [], set()
    for path in topic_notebooks():
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"]).strip()
            if creates_explorer(cell) and source not in sources:
                sources.add(source)
                cells.append(cell)
    shown = " ".join(sources)
    for name in explorer_factories():
        if f".{name}(" not in shown:
            cells.append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {},
                    "outputs": [],
                    "source": [
                        f"{name.removesuffix('_explorer')} = lossviz.widgets.{name}()\n",
                        name.removesuffix("_explorer"),
                    ],
                }
            )
    return setup, cells


def explorer_name(cell: dict) -> str:
    return re.search(r"\.(\w+_explorer)\(", "".join(cell["source"])).group(1)


@pytest.fixture(scope="module")
def every_explorer_notebook():
    setup, cells = every_explorer_cells()
    notebook = json.loads((NOTEBOOK_DIR / START_HERE).read_text())
    title = {
        "cell_type": "markdown",
        "metadata": {},
        "source": ["# Every explorer (written by tests/test_browser.py; not a lesson)"],
    }
    notebook["cells"] = [title, setup, *cells]
    path = NOTEBOOK_DIR / EVERY_EXPLORER
    path.write_text(json.dumps(notebook, indent=1))
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


@pytest.fixture
def artifacts(request):
    """test-artifacts/browser/, without this notebook's files from an earlier run. Other
    notebooks' files stay: under xdist another worker may be writing them."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = request.node.callspec.params["notebook"].removesuffix(".ipynb")
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    return ARTIFACTS


# --------------------------------------------------------------------------- steps


# Input prompt of every cell in notebook order ('' for markdown): "[3]:", "[*]:" or "[ ]:".
PROMPTS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')]
                    .map((cell) => (cell.querySelector('.jp-InputPrompt') || {}).textContent || '')"""
EXECUTED = re.compile(r"\[\d+\]:")
STALLED_S = 3  # kernel idle this long with no new cell executed: Run All has stopped


def code_cell_indices(notebook_json: dict) -> list[int]:
    """Cells JupyterLab executes on Run All (empty code cells are skipped)."""
    return [
        index
        for index, cell in enumerate(notebook_json["cells"])
        if cell["cell_type"] == "code" and "".join(cell.get("source", "")).strip()
    ]


def creates_explorer(cell: dict) -> bool:
    """A code cell that calls an explorer factory (``..._explorer(``)."""
    return cell["cell_type"] == "code" and "_explorer(" in "".join(cell["source"])


def last_explorer_cell(notebook_json: dict) -> int:
    """Index of the last cell that creates an explorer."""
    found = [index for index, cell in enumerate(notebook_json["cells"]) if creates_explorer(cell)]
    assert found, "no cell calls an explorer factory: the scan for `_explorer(` is broken"
    return found[-1]


def run_through(page, notebook_json: dict, last: int, dialogs: list[str]) -> None:
    """Run every cell from the top through cell ``last``, then wait until each code cell
    among them has run or the run stopped.

    Through the final cell: Run > Run All Cells. Otherwise: click the next cell's prompt
    (that selects it) and Run > Run All Above Selected Cell. JupyterLab sends all those
    cells at once; after an error reply (even from a cell tagged raises-exception, which
    the kernel runs past) it blanks the "[*]" of the cells still queued, so "no [*] left"
    does not mean done. Done is: every code cell numbered and the
    kernel idle; or, once a cell has run, the kernel idle for STALLED_S with no new cell
    numbered (an error stopped the run; cell_problems then says which).
    """
    if last + 1 < len(notebook_json["cells"]):
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(last + 1).locator(".jp-InputPrompt").click()
        command = "Run All Above Selected Cell"
    else:
        command = "Run All Cells"
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=command, exact=True).click()
    expected = [index for index in code_cell_indices(notebook_json) if index <= last]
    progress = {"executed": -1, "since": time.monotonic()}

    def finished():
        handle_dialogs(page, dialogs)
        prompts = page.evaluate(PROMPTS)
        executed = sum(1 for index in expected if index < len(prompts) and EXECUTED.fullmatch(prompts[index].strip()))
        idle = kernel_status(page) == "Idle"
        if executed != progress["executed"] or not idle:
            progress.update(executed=executed, since=time.monotonic())
        stalled = executed > 0 and time.monotonic() - progress["since"] >= STALLED_S
        return idle and (executed == len(expected) or stalled)

    bh.wait_until(
        finished,
        RUN_TIMEOUT_S,
        lambda: (
            f"{command} did not finish; prompts {page.evaluate(PROMPTS)}, "
            f"kernel {kernel_status(page)!r}, dialogs {dialogs}"
        ),
    )


def cell_problems(page, notebook_json: dict, last: int) -> list[str]:
    """Errors and widget-rendering failures shown by the cells, as readable lines; a code
    cell up to ``last`` that did not run is one, a later one must not have run."""
    cells = page.evaluate(bh.CELLS_SCRIPT)
    sources = notebook_json["cells"]
    if len(cells) != len(sources):
        return [f"JupyterLab shows {len(cells)} cells, the file has {len(sources)}"]
    problems = []
    for index, (cell, source) in enumerate(zip(cells, sources)):
        tags = source.get("metadata", {}).get("tags", [])
        code = "".join(source.get("source", "")).strip()
        where = f"cell {index} ({code.splitlines()[0][:60] if code else 'empty'!r})"
        executed = EXECUTED.fullmatch(cell["prompt"].strip())
        if source["cell_type"] == "code" and code and not executed and index <= last:
            problems.append(f"{where} was not executed (prompt {cell['prompt']!r})")
        if executed and index > last:
            problems.append(f"{where} ran, but the browser runs the cells through {last} only")
        for output in cell["outputs"]:
            text = " ".join(output["text"].split())
            failure = next((bad for bad in bh.WIDGET_FAILURES if bad in text), None)
            if failure:
                problems.append(f"{where} shows {failure!r}: {text[:300]}")
            elif "raises-exception" in tags:
                continue  # a deliberate error, tagged so
            elif output["mime"] == "application/vnd.jupyter.stderr" and bh.ERROR_IN_STDERR.search(text):
                problems.append(f"{where} shows an error: {text[:300]}")
            elif "Traceback" in text:
                problems.append(f"{where} prints a traceback: {text[:300]}")
    return problems


def wait_for_settled_figure(page, figure, console_errors: list[str]) -> str:
    """Wait until the figure has been drawn (not blank) and stopped changing; its signature."""
    state = {"signature": None, "since": time.monotonic()}

    def settled():
        signature = figure.evaluate("(el) => window.__lossvizSignature(el)")
        if signature != state["signature"]:
            state.update(signature=signature, since=time.monotonic())
        quiet = time.monotonic() - state["since"] >= QUIET_S
        return signature if signature and quiet and kernel_status(page) == "Idle" else None

    def blank():
        width, height = figure.evaluate("(el) => [el.width, el.height]")
        message = (
            f"the explorer's figure stayed blank in the browser (canvas {width}x{height} px, "
            f"kernel {kernel_status(page)!r}); browser console errors: {console_errors}"
        )
        if any("'broken' state" in error for error in console_errors):
            # ipympl syncs a base64 string without its "data:image/png;base64," prefix when
            # the canvas is drawn before the browser has set it up (Run All does that).
            message += (
                "\nipympl received a broken initial image: something called "
                "figure.canvas.draw() before the browser showed the canvas "
                "(matplotlib/ipympl#472); set canvas.syncing_data_url = False "
                "when creating the figure"
            )
        return message

    return bh.wait_until(settled, 60, blank)


def wait_for_explorers(page, notebook_json: dict, last: int):
    """Explorers rendered after Run All (widgets render asynchronously), or fail saying why."""

    def rendered():
        return explorer_outputs(page) or None

    def why():
        problems = cell_problems(page, notebook_json, last)
        return "no explorer (an output with an ipywidgets slider and a figure) rendered" + (
            ":\n" + "\n".join(problems) if problems else ""
        )

    return bh.wait_until(rendered, 60, why)


def drag(page, slider, figure, fraction: float) -> bh.DragResult:
    """Drag the slider's handle to ``fraction`` of its track with the mouse; time the redraw."""
    handle, track = slider.locator(".noUi-handle").first, slider.locator(".noUi-target").first
    handle.scroll_into_view_if_needed()
    value_before = handle.get_attribute("aria-valuenow")
    figure.evaluate("(el) => window.__lossvizWatch(el)")
    handle_box, track_box = handle.bounding_box(), track.bounding_box()
    y = handle_box["y"] + handle_box["height"] / 2
    page.mouse.move(handle_box["x"] + handle_box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track_box["x"] + fraction * track_box["width"], y, steps=4)
    page.mouse.up()
    released = time.monotonic()

    def settled():
        probe = page.evaluate(bh.PROBE_STATE)
        if probe["up"] is None or probe["down"] is None or kernel_status(page) != "Idle":
            return None
        new_images = [t for t in probe["changes"] if t >= probe["down"]]
        if new_images and probe["now"] - new_images[-1] >= QUIET_S * 1000:
            return probe, new_images
        if not new_images and time.monotonic() - released >= NO_CHANGE_S:
            return probe, new_images
        return None

    probe, new_images = bh.wait_until(
        settled, 60, lambda: f"the kernel never settled after a drag: {kernel_status(page)!r}"
    )
    page.evaluate("() => { window.__lossvizProbe.stop = true; }")
    value_after = handle.get_attribute("aria-valuenow")
    if not new_images:
        return bh.DragResult(value_before, value_after, changed=False, latency_ms=None)
    # Clipped at 0: the last new image may come before the release (drawn mid-drag).
    return bh.DragResult(value_before, value_after, changed=True, latency_ms=max(new_images[-1] - probe["up"], 0.0))


def drag_targets(slider) -> list[float]:
    """Far-apart positions on the track, the first on the side away from the handle."""
    handle, track = (
        slider.locator(".noUi-handle").first.bounding_box(),
        slider.locator(".noUi-target").first.bounding_box(),
    )
    position = (handle["x"] + handle["width"] / 2 - track["x"]) / track["width"]
    targets = [0.85, 0.15, 0.7, 0.3, 0.6, 0.2, 0.8][:DRAGS]
    return targets if position < 0.5 else [1 - target for target in targets]


def explorer_outputs(page):
    """Outputs holding both a horizontal slider and a figure (an explorer), in order."""
    outputs = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-hslider"))
    found = []
    for index in range(outputs.count()):
        output = outputs.nth(index)
        canvas = output.locator(".jupyter-matplotlib-canvas-div canvas")
        image = output.locator("img.widget-image")
        if canvas.count():
            found.append((output, canvas.first, output.locator(".jupyter-matplotlib-canvas-div").first))
        elif image.count():
            found.append((output, image.first, image.first))
    return found


def screenshots_differ(first: Path, second: Path) -> bool:
    from PIL import Image, ImageChops

    with Image.open(first) as a, Image.open(second) as b:
        return a.size != b.size or ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is not None


def open_notebook(page, lab, notebook: str, dialogs: list[str]) -> None:
    # A workspace of its own, reset: JupyterLab restores no other notebook (or kernel).
    workspace = f"browser-{notebook.removesuffix('.ipynb')}-{secrets.token_hex(4)}"
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{notebook}?token={lab.token}&reset")
    page.wait_for_selector("#jp-main-dock-panel .jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
    page.evaluate(bh.PAGE_SCRIPT)
    bh.wait_until(
        lambda: handle_dialogs(page, dialogs) or kernel_status(page) == "Idle",
        120,
        lambda: f"the kernel never became idle: {kernel_status(page)!r}, dialogs {dialogs}",
    )
    panels = page.locator("#jp-main-dock-panel .jp-NotebookPanel").count()
    assert panels == 1, f"expected only {notebook} open, found {panels} notebooks (workspace restore?)"


def first_slider_that_moves_its_figure(page, explorers, name: str, artifacts: Path, console_errors: list[str]):
    """Drag each explorer slider in turn (some only act with other settings) until one
    redraws the figure; screenshots of the figure before and after that first drag."""
    tried = []
    for output, figure, view in explorers:
        sliders = output.locator(".widget-hslider")
        for index in range(sliders.count()):
            slider = sliders.nth(index)
            label = " ".join((slider.locator(".widget-label").first.text_content() or "?").split())
            wait_for_settled_figure(page, figure, console_errors)
            view.screenshot(path=artifacts / f"{name}-figure-before.png")
            targets = drag_targets(slider)
            first = drag(page, slider, figure, targets[0])
            tried.append(
                f"{label}: {first.value_before} -> {first.value_after}, "
                f"figure {'changed' if first.changed else 'unchanged'}"
            )
            if first.changed:
                wait_for_settled_figure(page, figure, console_errors)
                view.screenshot(path=artifacts / f"{name}-figure-after.png")
                return output, figure, slider, label, targets, first
    pytest.fail(f"{name}: no slider redrew its figure; tried: {tried}", pytrace=False)


# --------------------------------------------------------------------------- tests


def check_figures_fit(page, notebook_json: dict, name: str, artifacts: Path) -> None:
    """Every figure of the page fits its output area at bh.FIT_VIEWPORT with the file
    browser open; the measured widths are written to NAME-figure-widths.txt."""
    page.set_viewport_size(bh.FIT_VIEWPORT)
    bh.open_file_browser(page)
    state = {"measured": None, "since": time.monotonic()}

    def stable():  # the layout settles after the side panel opens
        measured = page.evaluate(bh.FIGURE_FIT_SCRIPT)
        if measured != state["measured"]:
            state.update(measured=measured, since=time.monotonic())
        return measured if measured and time.monotonic() - state["since"] >= QUIET_S else None

    measured = bh.wait_until(stable, 30, lambda: f"no figure measured in {name}: {state['measured']}")
    explorers = {
        index: explorer_name(cell) for index, cell in enumerate(notebook_json["cells"]) if creates_explorer(cell)
    }
    lines = [
        f"{name} cell {figure['cell']} ({explorers.get(figure['cell'], 'figure')}): {figure['tag']} "
        f"{figure['width']} px in an output area of {figure['areaWidth']} px"
        for figure in measured
    ]
    print("\n".join(lines))
    (artifacts / f"{name}-figure-widths.txt").write_text("\n".join(lines) + "\n")
    page.screenshot(path=artifacts / f"{name}-fit.png")
    too_wide = bh.figures_too_wide(measured)
    assert not too_wide, (
        f"{name}: figures wider than the notebook column at "
        f"{bh.FIT_VIEWPORT['width']}x{bh.FIT_VIEWPORT['height']} with the file browser open:\n" + "\n".join(too_wide)
    )


def notebooks_creating_an_explorer() -> list[str]:
    """Notebooks with a code cell that calls an explorer factory (``..._explorer(``)."""
    found = []
    for path in topic_notebooks():
        cells = json.loads(path.read_text())["cells"]
        if any(creates_explorer(cell) for cell in cells):
            found.append(path.name)
    return found


def test_every_explorer_is_dragged_in_the_browser():
    """Each explorer cell of each notebook, and each explorer factory, is in EVERY_EXPLORER."""
    assert NOTEBOOKS[0] == START_HERE and (NOTEBOOK_DIR / START_HERE).exists()
    with_explorer = notebooks_creating_an_explorer()
    assert START_HERE in with_explorer and len(with_explorer) >= 8, (
        f"the scan for `_explorer(` found only {with_explorer}"
    )
    setup, cells = every_explorer_cells()
    assert "lossviz.setup(" in "".join(setup["source"])
    sources = {"".join(cell["source"]).strip() for cell in cells}
    for notebook in with_explorer:
        for cell in json.loads((NOTEBOOK_DIR / notebook).read_text())["cells"]:
            if creates_explorer(cell):
                assert "".join(cell["source"]).strip() in sources, f"{notebook}: an explorer cell not dragged"
    factories = explorer_factories()
    assert len(factories) >= 10
    assert sorted({explorer_name(cell) for cell in cells}) == sorted(factories)


def drag_and_time(
    page, explorers, name: str, artifacts: Path, console_errors: list[str], timings: dict
) -> tuple[str, str]:
    """Find the first slider of ``explorers`` that moves its figure, drag it DRAGS times,
    and return (its label, the latency line for latency.txt)."""
    start = time.monotonic()
    output, figure, slider, label, targets, first = first_slider_that_moves_its_figure(
        page, explorers, name, artifacts, console_errors
    )
    assert first.value_after != first.value_before, f"dragging {label!r} did not change its value"
    assert screenshots_differ(artifacts / f"{name}-figure-before.png", artifacts / f"{name}-figure-after.png"), (
        f"{name}: the figure's screenshot did not change after dragging {label!r}"
    )
    drags = [first]
    for fraction in targets[1:]:
        result = drag(page, slider, figure, fraction)
        assert result.changed, (
            f"{name}: dragging {label!r} {result.value_before} -> {result.value_after} did not redraw the figure"
        )
        drags.append(result)
    timings = {**timings, "drags": time.monotonic() - start}
    output.screenshot(path=artifacts / f"{name}-explorer.png")
    latencies = [result.latency_ms for result in drags]
    median = statistics.median(latencies)
    line = (
        f"{name}: slider {label!r}, median {median:.0f} ms "
        f"({'meets' if median < TARGET_LATENCY_MS else 'MISSES'} the {TARGET_LATENCY_MS} ms target); "
        f"drags {', '.join(f'{value:.0f}' for value in latencies)} ms; "
        + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in timings.items())
        + f"; load average {os.getloadavg()[0]:.1f}"
    )
    print(line)
    bh.record_latency(
        artifacts / "latency.txt",
        name,
        line,
        header=f"# release of a slider -> new figure image on screen, median of "
        f"{DRAGS} drags (target < {TARGET_LATENCY_MS} ms)",
    )
    return label, line


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_dragging_a_slider_redraws_the_figure(notebook, browser, lab, artifacts, request):
    """Notebook 00: its first explorer that a slider redraws. EVERY_EXPLORER: each one."""
    if notebook == EVERY_EXPLORER:
        request.getfixturevalue("every_explorer_notebook")
    name = notebook.removesuffix(".ipynb")
    notebook_json = json.loads((NOTEBOOK_DIR / notebook).read_text())
    timings, dialogs, page_errors, console_errors, blocked_writes = {}, [], [], [], []
    page = browser.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("console", lambda message: console_errors.append(message.text[:300]) if message.type == "error" else None)

    def block_writes(route):
        # Run All fills the notebook with outputs: the test must never save it. Opening a
        # notebook creates a checkpoint (a copy under the git-ignored .ipynb_checkpoints/).
        request = route.request
        checkpoint = request.method == "POST" and request.url.split("?")[0].endswith("/checkpoints")
        if request.method != "GET" and not checkpoint:
            blocked_writes.append(f"{request.method} {request.url.split('?')[0]}")
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r".*/api/contents/.*"), block_writes)
    try:
        start = time.monotonic()
        open_notebook(page, lab, notebook, dialogs)
        timings["open"] = time.monotonic() - start

        start = time.monotonic()
        last = last_explorer_cell(notebook_json)
        run_through(page, notebook_json, last, dialogs)
        timings[f"run cells 0-{last}"] = time.monotonic() - start
        problems = cell_problems(page, notebook_json, last)
        assert not problems, f"{notebook} after running cells 0 to {last}:\n" + "\n".join(problems)

        explorers = wait_for_explorers(page, notebook_json, last)
        if notebook == EVERY_EXPLORER:
            names = [explorer_name(cell) for cell in notebook_json["cells"] if creates_explorer(cell)]
            explorers = bh.wait_until(
                lambda: len(found := explorer_outputs(page)) == len(names) and found,
                60,
                lambda: f"{len(explorer_outputs(page))} of {len(names)} explorers rendered",
            )
            for _, figure, _ in explorers:
                wait_for_settled_figure(page, figure, console_errors)
            check_figures_fit(page, notebook_json, name, artifacts)
            dragged = [
                drag_and_time(page, [explorer], f"{name}-{explorer_name_}", artifacts, console_errors, timings)
                for explorer, explorer_name_ in zip(explorers, names, strict=True)
            ]
            label = ", ".join(label for label, _ in dragged)
        else:
            wait_for_settled_figure(page, explorers[0][1], console_errors)
            check_figures_fit(page, notebook_json, name, artifacts)
            label, _ = drag_and_time(page, explorers, name, artifacts, console_errors, timings)
        page.screenshot(path=artifacts / f"{name}-page.png")

        problems = cell_problems(page, notebook_json, last)
        assert not problems, f"{notebook} after dragging {label!r}:\n" + "\n".join(problems)
        assert all("Select Kernel" in text for text in dialogs), f"unexpected dialogs: {dialogs}"
        assert not blocked_writes, f"JupyterLab tried to save the notebook: {blocked_writes}"
    except BaseException:
        screenshot = artifacts / f"{name}-failure.png"
        with contextlib.suppress(Exception):  # the page may be gone; the original error matters
            sliders = page.locator(".jp-OutputArea-output .widget-hslider")
            if sliders.count():  # show the explorer, if one rendered
                sliders.first.scroll_into_view_if_needed(timeout=5000)
            page.screenshot(path=screenshot)
        print(
            f"page errors: {page_errors}\nconsole errors: {console_errors}\n"
            f"blocked writes: {blocked_writes}\ndialogs: {dialogs}\n"
            f"JupyterLab log: {lab.log}\nscreenshot: {screenshot}"
        )
        raise
    finally:
        with contextlib.suppress(Exception):
            page.close()
        with contextlib.suppress(OSError):
            bh.shut_down_sessions(lab, notebook)


def test_solutions_open_collapsed(browser, lab):
    """A notebook with exercise solutions opens with each solution's code collapsed
    (``jupyter.source_hidden``, set by `make sync`): JupyterLab shows a placeholder for
    it, and the code of every other code cell."""
    import nbformat

    notebook_path = next(
        path
        for path in topic_notebooks()
        if any("solution" in cell.metadata.get("tags", ()) for cell in nbformat.read(path, as_version=4).cells)
    )
    cells = nbformat.read(notebook_path, as_version=4).cells
    solutions = [index for index, cell in enumerate(cells) if "solution" in cell.metadata.get("tags", ())]
    dialogs = []
    page = browser.new_page()
    try:
        open_notebook(page, lab, notebook_path.name, dialogs)
        shown = page.evaluate(
            """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')].map((cell) => ({
                 placeholder: !!cell.querySelector('.jp-InputPlaceholder'),
                 editor: !!cell.querySelector('.jp-InputArea-editor'),
               }))"""
        )
        assert len(shown) == len(cells)
        collapsed = [index for index, cell in enumerate(shown) if cell["placeholder"] and not cell["editor"]]
        assert collapsed == solutions, f"{notebook_path.name}: collapsed cells {collapsed}, solutions {solutions}"
    finally:
        with contextlib.suppress(Exception):
            page.close()
        with contextlib.suppress(OSError):
            bh.shut_down_sessions(lab, notebook_path.name)
