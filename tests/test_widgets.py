"""Explorers, driven from code as a learner would drive them with the mouse.

Headless (Agg): every control of every registered explorer is moved across its range
and must change the figure's pixels and ``.params``; the fast frame (static layer +
moving artists) equals a full redraw; bad values are refused and change nothing;
updates leak no artists or figures. One subprocess runs the explorers under ipympl,
the backend the notebooks use.
"""

from __future__ import annotations

import asyncio
import gc
import io
import math
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402
from sklearn import metrics as sk_metrics  # noqa: E402
from sklearn import model_selection  # noqa: E402

import lossviz.widgets as widgets  # noqa: E402
from lossviz import losses  # noqa: E402
from lossviz._explorer import png_bytes, redraw_order, registered_explorers  # noqa: E402
from lossviz.data import regression_with_outliers, scored_binary  # noqa: E402
from lossviz.widgets import Explorer, explorers  # noqa: E402

# Every registered explorer: the registry is the one list (each class registers itself
# by its ``name``), so a new explorer gets every test below without an edit here.
EXPLORER_NAMES = list(explorers())
EXPLORER_CLASSES = dict(zip(EXPLORER_NAMES, registered_explorers(), strict=True))
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# Explorers that no notebook shows yet, each with the reason; remove the entry once a
# notebook shows it (the test below then says so).
NOT_SHOWN_YET = {
    "threshold_explorer": "notebook 06 shows roc_pr_explorer: the same slider, scores and numbers "
    "(test_threshold_explorer_adds_no_number_to_roc_pr); its score histograms are 06's Intuition figure",
}

# The widest figure that fits a notebook's output area in a 1280 x 800 JupyterLab window
# with the file browser open: 848 px measured by tests/test_browser.py (check_figures_fit,
# which checks the real page), less a margin for a vertical scroll bar.
COLUMN_PX = 820
FIGSIZE = re.compile(r"figsize\s*=\s*\(\s*([\d.]+)\s*,\s*([\d.]+)\s*\)")


@pytest.mark.parametrize("name", EXPLORER_NAMES)
def test_explorer_fits_the_notebook_column(name):
    width_px = EXPLORER_CLASSES[name].figsize[0] * plt.rcParamsDefault["figure.dpi"]  # ipympl: 1 inch = dpi px
    assert width_px <= COLUMN_PX, f"{name}: its figure is {width_px:.0f} px wide, the column {COLUMN_PX} px"


def test_every_figsize_in_the_notebooks_and_plots_fits_the_column():
    root = Path(__file__).resolve().parent.parent
    sources = [
        *sorted((root / "notebooks").glob("[0-9][0-9]_*.py")),
        *sorted((root / "lossviz" / "plots").glob("*.py")),
    ]
    found = [(path.name, float(match.group(1))) for path in sources for match in FIGSIZE.finditer(path.read_text())]
    assert len(found) >= 5, f"the figsize scan found only {found}"
    too_wide = [(name, width) for name, width in found if width * plt.rcParamsDefault["figure.dpi"] > COLUMN_PX]
    assert not too_wide, f"figures wider than the {COLUMN_PX} px column: {too_wide}"


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(params=EXPLORER_NAMES, scope="module")
def explorer(request):
    # One explorer per name for the whole module (building one takes a while); the
    # tests below only assume what they set themselves.
    built = explorers()[request.param]()
    yield built
    built.close()


def pixels(explorer: Explorer) -> np.ndarray:
    """The pixels the explorer itself drew for the headless image (no extra draw)."""
    return np.asarray(explorer.figure.canvas.buffer_rgba()).copy()


def full_redraw(explorer: Explorer) -> np.ndarray:
    """The pixels of a full ``canvas.draw()`` at the current parameters, drawn behind the
    explorer's back: a draw it sees (its ``draw_event`` handler) makes it drop its cached
    static layers, and the next fast frame would then not come from a cached layer."""
    with explorer._layers.own_draw():
        explorer.figure.canvas.draw()
    return pixels(explorer)


def sweep(control) -> list:
    """Values that move ``control`` across its whole range, each differing from the last."""
    current = control.value
    if isinstance(control, ipywidgets.Checkbox):
        return [not current, current]
    if isinstance(control, ipywidgets.Dropdown):
        options = widgets._option_values(control)
        return [option for option in options if option != current] + [current]
    middle = (control.min + control.max) / 2
    if isinstance(control, ipywidgets.IntSlider):
        middle = (control.min + control.max) // 2
    values = [control.max, control.min]
    return values if current != control.max else [control.min, middle]


def extremes(control) -> list:
    """The control's minimum, middle and maximum (every option of a selection)."""
    if isinstance(control, ipywidgets.Checkbox):
        return [not control.value, control.value]
    if isinstance(control, ipywidgets.Dropdown):
        return widgets._option_values(control)
    if isinstance(control, ipywidgets.IntSlider):
        return [control.min, (control.min + control.max) // 2, control.max]
    return [control.min, (control.min + control.max) / 2, control.max]


def out_of_range(control) -> list:
    if isinstance(control, ipywidgets.Checkbox):
        return ["yes", 1]
    if isinstance(control, ipywidgets.Dropdown):
        return ["not-an-option"]
    span = control.max - control.min
    below, above = control.min - span, control.max + span
    if isinstance(control, ipywidgets.IntSlider):
        return [int(below), int(above), control.min + 0.5]
    return [below, above, float("nan")]


# ------------------------------------------------------------------------- registry


def test_registry_lists_every_explorer_by_its_contract_name():
    registry = explorers()
    assert list(registry) == [f"{explorer_class.name}_explorer" for explorer_class in registered_explorers()]
    assert len(registry) >= 10
    for name, factory in registry.items():
        explorer_class = EXPLORER_CLASSES[name]
        assert factory.__name__ == name
        assert getattr(widgets, name) is factory
        assert getattr(widgets, explorer_class.__name__) is explorer_class
        assert name in widgets.__all__ and name in dir(widgets)
    with pytest.raises(AttributeError, match="no attribute 'nothing_explorer'"):
        widgets.nothing_explorer  # noqa: B018


def _defined_subclasses(cls) -> list[type]:
    found = []
    for subclass in cls.__subclasses__():
        found += [subclass, *_defined_subclasses(subclass)]
    return found


def test_every_explorer_module_is_loaded_and_every_explorer_class_registered():
    """A topic module the package does not import registers nothing; a class defined in
    one without a ``name`` would be no explorer of lossviz.widgets."""
    package = Path(widgets.__file__).parent
    for path in package.glob("*.py"):
        module = "lossviz.widgets" if path.stem == "__init__" else f"lossviz.widgets.{path.stem}"
        assert module in sys.modules, f"lossviz/widgets/__init__.py does not import {module}"
    defined = [
        explorer_class
        for explorer_class in _defined_subclasses(Explorer)
        if explorer_class.__module__.startswith("lossviz.widgets")
    ]
    assert defined and set(defined) == set(registered_explorers())


def test_a_subclass_with_a_name_registers_itself_and_names_are_unique():
    try:

        class ToyExplorer(Explorer):
            """A toy: no controls, no figure."""

            name = "toy_registry_check"

        assert explorers()["toy_registry_check_explorer"].__doc__.startswith("A toy")
        assert registered_explorers()[-1] is ToyExplorer
        assert widgets.ToyExplorer is ToyExplorer
        with pytest.raises(ValueError, match="Explorer name 'toy_registry_check' of .* is taken"):
            type("OtherExplorer", (Explorer,), {"name": "toy_registry_check"})
        with pytest.raises(ValueError, match="argument `name`. Expected an identifier"):
            type("BadExplorer", (Explorer,), {"name": "not a name"})
    finally:
        from lossviz import _explorer

        _explorer._REGISTRY.pop("toy_registry_check", None)
    assert "toy_registry_check_explorer" not in explorers()


@pytest.mark.parametrize("name", EXPLORER_NAMES)
def test_every_explorer_is_documented_and_shown_in_its_notebook(name):
    """Its docstring lists the controls, runs an example of its factory and names the
    notebook that teaches it; that notebook builds it."""
    explorer_class = EXPLORER_CLASSES[name]
    doc = explorer_class.__doc__ or ""
    assert "Controls:" in doc and f"{name}(" in doc.split("Example:")[-1], name
    taught = re.findall(r"Taught in: notebooks/(\w+)\.ipynb", doc)
    assert taught, f"{explorer_class.__name__}'s docstring has no 'Taught in: notebooks/...'"
    script = NOTEBOOKS / f"{taught[0]}.py"
    shown = f"{name}(" in script.read_text()
    if name in NOT_SHOWN_YET:
        assert not shown, f"{script.name} shows {name} now: remove it from NOT_SHOWN_YET"
    else:
        assert shown, f"{script.name} (Taught in of {explorer_class.__name__}) never calls {name}("


def test_threshold_explorer_adds_no_number_to_roc_pr():
    """Why NOT_SHOWN_YET leaves threshold_explorer out of notebook 06."""
    threshold, roc_pr = widgets.threshold_explorer(), widgets.roc_pr_explorer()
    assert np.array_equal(threshold.y_score, roc_pr.y_score) and np.array_equal(threshold.y_true, roc_pr.y_true)
    for value in np.linspace(0.0, 1.0, 21):
        threshold.set(threshold=float(value))
        roc_pr.set(threshold=float(value))
        assert threshold.results.keys() == roc_pr.results.keys()
        for key, result in threshold.results.items():
            assert np.array_equal(result, roc_pr.results[key]), (value, key)
        assert threshold.readout.value == roc_pr.readout.value


def test_registry_is_a_copy():
    explorers().clear()
    assert list(explorers()) == EXPLORER_NAMES


def test_explorer_is_ready_and_displays_headless(explorer):
    assert isinstance(explorer.figure, Figure)
    assert explorer.controls and all(
        isinstance(control, ipywidgets.ValueWidget) for control in explorer.controls.values()
    )
    assert explorer.params == {name: control.value for name, control in explorer.controls.items()}
    controls_box, readout, view = explorer.widget.children
    assert list(controls_box.children) == list(explorer.controls.values())
    assert readout is explorer.readout and isinstance(readout, ipywidgets.HTML)
    # Agg has no widget canvas: the figure is shown as a PNG image widget.
    assert isinstance(view, ipywidgets.Image)
    assert bytes(view.value).startswith(PNG_SIGNATURE)
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.widget.model_id
    assert type(explorer).__name__ in repr(explorer)


# --------------------------------------------------------- moving every control


def test_every_control_changes_pixels_params_and_image(explorer):
    for name, control in explorer.controls.items():
        context = type(explorer).control_context.get(name, {})
        explorer.set(**context)
        before = pixels(explorer)
        image_before = bytes(explorer._image.value)
        for value in sweep(control):
            explorer.set(**{name: value})
            assert explorer.params[name] == value
            assert control.value == value
            after = pixels(explorer)
            assert after.shape == before.shape
            assert (after != before).any(), f"{name}={value!r} left the figure unchanged"
            assert bytes(explorer._image.value) != image_before, f"{name}={value!r}: stale image"
            before, image_before = after, bytes(explorer._image.value)


def test_observers_fire_as_for_a_user_move(explorer):
    name, control = next(iter(explorer.controls.items()))
    seen = []
    control.observe(lambda change: seen.append(change["new"]), names="value")
    value = sweep(control)[0]
    explorer.set(**{name: value})
    assert seen == [value]


def test_moving_the_control_itself_updates_the_figure(explorer):
    name, control = next(iter(explorer.controls.items()))
    before = pixels(explorer)
    control.value = sweep(control)[0]  # what the front end does when the user drags
    assert (pixels(explorer) != before).any()


def test_several_parameters_at_once_redraw_once(explorer, monkeypatch):
    redraws = []
    original = explorer._update
    monkeypatch.setattr(explorer, "_update", lambda params: (redraws.append(1), original(params)))
    explorer.set(**{name: sweep(control)[0] for name, control in explorer.controls.items()})
    assert len(redraws) == 1


# ------------------------------------------------- fast frames equal full redraws


@pytest.fixture
def full_draws(monkeypatch):
    """Counts full renders of the figure (FigureCanvasAgg.draw, which the static layer
    uses too); a fast update makes none."""
    calls = []
    original = FigureCanvasAgg.draw
    monkeypatch.setattr(
        FigureCanvasAgg, "draw", lambda canvas, *args: (calls.append(canvas), original(canvas, *args))[1]
    )
    return calls


def test_fast_frame_equals_a_full_redraw_at_every_extreme(explorer, full_draws):
    """For every control at its minimum, middle and maximum: the frame the explorer
    pushed (static pixels restored, moving artists drawn over them) is identical,
    pixel for pixel, to a full ``canvas.draw()`` at the same parameters. No tolerance:
    both are the same Agg operations in the same order, so any difference is a bug
    (a moving artist left out, drawn in the wrong order, or a stale static layer)."""
    layout = type(explorer).layout_controls
    for name, control in explorer.controls.items():
        explorer.set(**type(explorer).control_context.get(name, {}))
        for value in extremes(control):
            full_draws.clear()
            cached = set(explorer._layers.backgrounds)
            explorer.set(**{name: value})
            fast = pixels(explorer)
            fast_image = np.asarray(Image.open(io.BytesIO(bytes(explorer._image.value))))
            if name not in layout:
                # Only to draw a static layer that is not cached: the first time a
                # control also redraws an axis (_relabelled), or the ordinary layer
                # again after such a change.
                new_layers = set(explorer._layers.backgrounds) - cached
                assert len(full_draws) == len(new_layers) <= 1, (
                    f"{name}={value!r} redrew the whole figure {len(full_draws)} times"
                )
            full = full_redraw(explorer)
            differing = int((fast != full).any(axis=2).sum())
            assert differing == 0, f"{name}={value!r}: {differing} pixels differ from a full redraw"
            np.testing.assert_array_equal(fast_image, full[..., :3])


def test_layout_controls_redraw_the_whole_figure(explorer, full_draws):
    for name in type(explorer).layout_controls:
        control = explorer.controls[name]
        explorer.set(**{name: sweep(control)[0]})
        assert len(full_draws) == 1, name
        full_draws.clear()


def test_k_redraws_the_y_axis_not_the_whole_figure(full_draws):
    """k (n_splits) sets the rows of the fold diagram: its y ticks and limits. A drag of
    k draws one static layer without the y axis, then only the y axis and the cells; the
    first other control after it draws the ordinary layer again (it had the old ticks)."""
    explorer = widgets.kfold_explorer(n_splits=5)
    full_draws.clear()
    for k in (6, 7, 8, 3, 10, 2):
        explorer.set(n_splits=k)
    assert len(full_draws) == 1
    yaxis = explorer.diagram.ax.yaxis
    assert [label.get_text() for label in yaxis.get_ticklabels()] == ["fold 1", "fold 2", "class", "group"]
    for fraction in (0.3, 0.1, 0.4):  # the ordinary layer is drawn again once
        explorer.set(positive_fraction=fraction)
        assert len(full_draws) == 2, fraction
    np.testing.assert_array_equal(pixels(explorer), full_redraw(explorer))


def test_a_draw_the_explorer_did_not_make_renews_its_static_layers(explorer):
    """ipympl's toolbar zooms by changing an axes' limits and drawing the whole canvas.
    The cached static layers then show the old limits: the explorer drops them on any
    draw it did not make (``draw_event``), so the next update matches a full redraw."""
    ax = explorer.figure.axes[0]
    low, high = ax.get_xlim()
    # What the toolbar's zoom does (out, so that no bar label spills out of its axes).
    ax.set_xlim(low - (high - low) / 4, high + (high - low) / 4)
    explorer.figure.canvas.draw()
    assert explorer._layers.backgrounds == {}
    name, control = next(
        (name, control) for name, control in explorer.controls.items() if name not in type(explorer).layout_controls
    )
    explorer.set(**{name: sweep(control)[0]})
    np.testing.assert_array_equal(pixels(explorer), full_redraw(explorer))


def test_moving_artists_must_belong_to_the_figure(explorer):
    stray = Figure().subplots().plot([0, 1])[0]
    with pytest.raises(ValueError, match=r"argument `moving`. Expected direct children"):
        redraw_order(explorer.figure, [stray])


def test_png_is_the_frame_itself():
    frame = np.random.default_rng(0).integers(0, 256, (5, 7, 4), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(png_bytes(frame))))
    np.testing.assert_array_equal(decoded, frame[..., :3])


def test_readout_follows_every_control_and_is_the_static_figures_suptitle(explorer):
    """The readout (numbers shown by the browser, not drawn by Agg) is updated with the
    figure and hidden when empty; a static figure carries the same lines."""
    for name, control in explorer.controls.items():
        explorer.set(**type(explorer).control_context.get(name, {}))
        for value in sweep(control):
            explorer.set(**{name: value})
            lines = explorer._readout()
            assert explorer.readout.value == "<br>".join(
                line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in lines
            )
            assert (explorer.readout.layout.display == "none") == (not lines)
    figure = type(explorer).static_figure(seed=explorer.seed, **explorer.params)
    assert figure.get_suptitle() == "\n".join(explorer._readout())


# --------------------------------------------------------------------- validation


def test_bad_input_raises_and_redraws_nothing(explorer, monkeypatch):
    renders = []
    monkeypatch.setattr(explorer, "_render", lambda **kwargs: renders.append(kwargs))
    monkeypatch.setattr(explorer, "_update", lambda params: renders.append(params))
    params, results, readout = explorer.params, explorer.results, explorer.readout.value
    before, image = pixels(explorer), bytes(explorer._image.value)
    (name, control), *_ = explorer.controls.items()
    for bad in (
        {"no_such_parameter": 1},
        {name: out_of_range(control)[0]},
        {name: sweep(control)[0], "no_such_parameter": 1},
    ):
        with pytest.raises(ValueError, match=rf"`{next(reversed(bad))}`"):
            explorer.set(**bad)
    assert renders == []
    assert explorer.params == params and explorer._changed == set()
    assert all(explorer.results[key] is value for key, value in results.items())
    assert explorer.readout.value == readout
    assert (pixels(explorer) == before).all() and bytes(explorer._image.value) == image


def test_unknown_parameter_is_refused_by_name(explorer):
    with pytest.raises(
        ValueError,
        match=r"Unknown parameter `colour` for \w+Explorer. "
        r"Expected one of \{'",
    ):
        explorer.set(colour="red")


def test_out_of_range_values_raise_and_change_nothing(explorer):
    for name, control in explorer.controls.items():
        for value in out_of_range(control):
            params = explorer.params
            with pytest.raises(
                ValueError,
                match=rf"Invalid value for argument `{name}`\. "
                r"Expected .*Received",
            ):
                explorer.set(**{name: value})
            assert explorer.params == params


def test_set_is_all_or_nothing(explorer):
    (first, first_control), *others = explorer.controls.items()
    params = explorer.params
    with pytest.raises(ValueError):
        explorer.set(**{first: sweep(first_control)[0], "no_such_parameter": 1})
    assert explorer.params == params
    for second, second_control in others[:1]:
        with pytest.raises(ValueError):
            explorer.set(**{first: sweep(first_control)[0], second: out_of_range(second_control)[0]})
        assert explorer.params == params


def test_factory_takes_initial_values_with_the_same_checks():
    explorer = widgets.regression_loss_explorer(loss="general_robust", alpha=-2.0)
    assert explorer.params["alpha"] == -2.0
    assert explorer.artists.loss.highlight == "general_robust"
    with pytest.raises(ValueError, match="Invalid value for argument `alpha`"):
        widgets.regression_loss_explorer(alpha=10.0)
    with pytest.raises(ValueError, match="Unknown parameter `beta`"):
        widgets.regression_loss_explorer(beta=1.0)


# ------------------------------------------------------------------------ no leaks


def test_updates_never_build_figures_or_leak_artists(explorer, monkeypatch):
    name, control = next(iter(explorer.controls.items()))
    first, second = sweep(control)[:2]
    explorer.set(**{name: first})
    artists_before = len(explorer.figure.findobj())
    axes_before = len(explorer.figure.axes)
    figures_before = plt.get_fignums()
    created = []
    original_init = Figure.__init__

    def counting_init(self, *args, **kwargs):
        created.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "__init__", counting_init)
    # 200 updates through the whole observe -> update path; drawing is skipped (the
    # benchmark times and measures memory over 1000 drawn updates) except at the end,
    # since a draw may add tick artists.
    monkeypatch.setattr(explorer, "_render", lambda **kwargs: None)
    for _ in range(100):
        explorer.set(**{name: second})
        explorer.set(**{name: first})
    monkeypatch.undo()
    explorer._refresh()
    assert created == []
    assert plt.get_fignums() == figures_before
    assert len(explorer.figure.axes) == axes_before
    assert len(explorer.figure.findobj()) == artists_before


@pytest.mark.slow  # about 3 s per explorer: many full draws of every control
def test_drawn_updates_of_every_control_grow_no_objects(explorer):
    """Cycles through every control's values, drawing each update as a drag would (the
    headless PNG included). A warm-up fills the bounded caches (cached fits,
    matplotlib's text layout and fonts); then two equal runs of at least 24 updates
    each: the second leaves as many live Python objects and artists as the first left
    (a leak of even one object per update would add 24 or more). The benchmark repeats
    this over 1000 updates."""
    moves = [
        {**type(explorer).control_context.get(name, {}), name: value}
        for name, control in explorer.controls.items()
        for value in sweep(control)
    ]
    cycles = math.ceil(24 / len(moves))

    def run():
        for _ in range(cycles):
            for move in moves:
                explorer.set(**move)
        gc.collect()
        return len(gc.get_objects()), len(explorer.figure.findobj())

    run()
    objects, artists = run()
    objects_after, artists_after = run()
    assert artists_after == artists
    assert objects_after - objects <= 0, f"{cycles * len(moves)} updates"


# ---------------------------------------------------------- what each one shows


def test_regression_explorer_plots_the_reference_curves():
    explorer = widgets.regression_loss_explorer()
    residual = explorer.residual
    for name, kwargs in [
        ("mse", {}),
        ("mae", {}),
        ("huber", {"delta": 2.0}),
        ("log_cosh", {}),
        ("pseudo_huber", {"delta": 0.5}),
        ("general_robust", {"alpha": -1.0, "scale": 2.0}),
    ]:
        explorer.set(loss=name, **kwargs)
        expected = losses.residual_loss(name, residual, **kwargs)
        np.testing.assert_array_equal(explorer.results["loss"], expected)
        np.testing.assert_array_equal(explorer.artists.loss.lines[name].get_ydata(), expected)
        np.testing.assert_array_equal(
            explorer.artists.gradient.lines[name].get_ydata(), losses.residual_gradient(name, residual, **kwargs)
        )
        low, high = explorer.artists.loss.ax.get_ylim()
        assert low <= expected.min() and expected.max() <= high


def _summed_loss(loss, data, slope, intercept, **kwargs):
    prediction = slope * data.x + intercept
    return float(np.sum(getattr(losses, loss)(data.y[:, None], prediction[:, None], **kwargs)))


def test_outlier_fits_minimise_each_loss():
    from scipy.optimize import linprog, minimize

    explorer = widgets.outlier_fit_explorer(outlier_fraction=0.2, outlier_size=15.0, delta=1.5)
    fits = explorer.results["fits"]
    data = regression_with_outliers(outlier_fraction=0.2, outlier_size=15.0, seed=explorer.seed)
    np.testing.assert_allclose(fits["mse"], np.polyfit(data.x, data.y, 1), rtol=1e-10)
    # Huber: a generic optimiser on the per-sample Keras-style loss finds the same line.
    best = minimize(
        lambda coef: _summed_loss("huber", data, *coef, delta=1.5),
        fits["mse"],
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 4000},
    )
    np.testing.assert_allclose(fits["huber"], best.x, atol=1e-5)
    # MAE: least absolute deviations as a linear program (variables slope, b, t_i >= |r_i|).
    n = len(data.x)
    design = np.column_stack([data.x, np.ones(n)])
    result = linprog(
        np.r_[0.0, 0.0, np.ones(n)],
        A_ub=np.block([[design, -np.eye(n)], [-design, -np.eye(n)]]),
        b_ub=np.r_[data.y, -data.y],
        bounds=[(None, None)] * 2 + [(0, None)] * n,
    )
    assert _summed_loss("mae", data, *fits["mae"]) <= result.fun * (1 + 1e-9)
    # The lesson: outliers tilt the MSE line; the robust lines stay near the true slope.
    assert abs(fits["mse"][0] - data.slope) > 0.3
    assert abs(fits["huber"][0] - data.slope) < 0.15
    assert abs(fits["mae"][0] - data.slope) < 0.15
    slopes = ", ".join(f"{name} {slope:.2f}" for name, (slope, _) in fits.items())
    assert (
        f"{int(data.is_outlier.sum())} outliers pushed up by 15; fitted slopes: {slopes} "
        "(true slope 1.5)" == explorer.readout.value
    )


def test_crossentropy_explorer_follows_keras_semantics():
    explorer = widgets.crossentropy_explorer()
    probability = explorer.results["x"]
    ones = np.ones((len(probability), 1))
    np.testing.assert_array_equal(
        explorer.results["crossentropy, y=1"], losses.binary_crossentropy(ones, probability[:, None])
    )
    before = explorer.results["focal, y=1"]
    explorer.set(alpha=0.9)
    np.testing.assert_array_equal(explorer.results["focal, y=1"], before)
    assert "alpha is ignored" in explorer.readout.value
    assert "BinaryFocalCrossentropy(apply_class_balancing=False, alpha=0.9, gamma=2" in explorer.readout.value
    explorer.set(apply_class_balancing=True)
    np.testing.assert_allclose(explorer.results["focal, y=1"], 0.9 * before, rtol=1e-12)
    assert "alpha is ignored" not in explorer.readout.value
    explorer.set(from_logits=True)
    assert explorer.results["x"].min() == -8.0 and explorer.results["x"].max() == 8.0
    assert "logit" in explorer.artists.ax.get_xlabel()
    np.testing.assert_array_equal(explorer.artists.lines["focal, y=0"].get_xdata(), explorer.results["x"])


def test_softmax_explorer_shows_the_loss_of_the_bars_shown():
    explorer = widgets.softmax_temperature_explorer()
    for temperature, true_class in [(0.1, 3), (1.0, 1), (5.0, 0)]:
        explorer.set(temperature=temperature, true_class=true_class)
        probabilities = explorer.results["probabilities"]
        heights = [bar.get_height() for bar in explorer.bars.bars]
        np.testing.assert_allclose(heights, probabilities)
        assert math.isclose(explorer.results["crossentropy"], -math.log(probabilities[true_class]), rel_tol=1e-9)
        assert (
            f"T = {temperature:g}: p(true class {true_class}) = "
            f"{probabilities[true_class]:.3f}, crossentropy = -log p = "
            f"{explorer.results['crossentropy']:.3f}"
        ) == explorer.readout.value
    # Hot softmax is near uniform: the loss tends to log(number of classes).
    explorer.set(temperature=5.0, true_class=0)
    assert explorer.results["crossentropy"] < math.log(4)


def test_class_weight_trades_precision_for_recall():
    explorer = widgets.class_weight_explorer()
    unweighted = explorer.results
    explorer.set(class_weight=20.0)
    weighted = explorer.results
    assert weighted["recall"] > unweighted["recall"] + 0.2
    assert weighted["precision"] < unweighted["precision"]
    matrix = weighted["confusion_matrix"]
    assert matrix.sum() == 400 and matrix[1].sum() == 40
    assert explorer.matrix.texts[1][1].get_text().startswith(f"TP\n{matrix[1, 1]}\n")
    assert (
        f"class_weight={{0: 1, 1: 20}}: recall {weighted['recall']:.2f}, precision {weighted['precision']:.2f}"
    ) == explorer.readout.value


def test_calibration_explorer_refits_per_weight_and_scores_held_out_probabilities():
    from sklearn.calibration import calibration_curve
    from sklearn.linear_model import LogisticRegression

    explorer = widgets.calibration_explorer()
    calibrated = explorer.results
    explorer.set(class_weight=9.0, temperature=1.5)
    results = explorer.results
    model = LogisticRegression(class_weight={0: 1.0, 1: 9.0}, solver="newton-cholesky")
    model.fit(explorer.X_train, explorer.y_train)
    np.testing.assert_allclose(results["coef"], model.coef_[0], rtol=1e-10)
    probability = 1 / (1 + np.exp(-model.decision_function(explorer.X_test) / 1.5))
    np.testing.assert_allclose(results["probability"], probability, rtol=1e-10, atol=1e-15)
    assert results["brier"] == pytest.approx(sk_metrics.brier_score_loss(explorer.y_test, probability))
    assert results["log_loss"] == pytest.approx(sk_metrics.log_loss(explorer.y_test, probability))
    for ours, theirs in zip(
        (results["prob_true"], results["prob_pred"]), calibration_curve(explorer.y_test, probability, n_bins=10)
    ):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)
    np.testing.assert_allclose(explorer.reliability.curve.get_xdata(), results["prob_pred"])
    # The weight raises every probability above the prevalence, and all three scores.
    assert results["mean_probability"] > calibrated["mean_probability"] + 0.05
    for score in ("brier", "log_loss", "ece"):
        assert results[score] > calibrated[score]
    assert results["intercept_shift"] > 0
    assert explorer.readout.value.startswith(f"T = 1.50, w = 9: Brier {results['brier']:.4f}, ")


def test_threshold_explorer_matches_scikit_learn():
    explorer = widgets.threshold_explorer()
    y_true, y_score = explorer.y_true, explorer.y_score
    for threshold in (0.0, 0.3, 0.5, 0.77, 1.0):
        explorer.set(threshold=threshold)
        y_pred = (y_score > threshold).astype(int)
        results = explorer.results
        np.testing.assert_array_equal(results["confusion_matrix"], sk_metrics.confusion_matrix(y_true, y_pred))
        assert results["recall"] == pytest.approx(sk_metrics.recall_score(y_true, y_pred))
        assert results["precision"] == pytest.approx(sk_metrics.precision_score(y_true, y_pred, zero_division=1.0))
        assert results["f1"] == pytest.approx(sk_metrics.f1_score(y_true, y_pred, zero_division=0.0))
        readout = explorer.readout.value
        assert f"score &gt; {threshold:.2f}; precision {results['precision']:.2f}" in readout
        assert f"recall {results['recall']:.2f} · F1 {results['f1']:.2f}" in readout


def test_roc_pr_operating_point_lies_on_both_curves():
    explorer = widgets.roc_pr_explorer()
    fpr, tpr, _ = sk_metrics.roc_curve(explorer.y_true, explorer.y_score, drop_intermediate=False)
    precision, recall, _ = sk_metrics.precision_recall_curve(explorer.y_true, explorer.y_score)
    roc_vertices = set(zip(fpr.round(12), tpr.round(12)))
    pr_vertices = set(zip(recall.round(12), precision.round(12)))
    for threshold in (0.1, 0.42, 0.5, 0.9):
        explorer.set(threshold=threshold)
        roc_point = tuple(explorer.roc.point.get_xydata()[0].round(12))
        pr_point = tuple(explorer.pr.point.get_xydata()[0].round(12))
        assert roc_point in roc_vertices
        assert pr_point in pr_vertices
        assert roc_point[1] == pr_point[0]  # the same recall in both panels


def test_imbalance_moves_pr_not_roc():
    explorer = widgets.imbalance_explorer(positive_fraction=0.5, separation=1.5)
    balanced = explorer.results
    explorer.set(positive_fraction=0.02)
    rare = explorer.results
    y_true, y_score = scored_binary(n=2000, positive_fraction=0.02, separation=1.5, seed=explorer.seed)
    assert rare["roc_auc"] == pytest.approx(sk_metrics.roc_auc_score(y_true, y_score))
    assert rare["average_precision"] == pytest.approx(sk_metrics.average_precision_score(y_true, y_score))
    assert abs(rare["roc_auc"] - balanced["roc_auc"]) < 0.05
    assert rare["average_precision"] < balanced["average_precision"] - 0.4
    assert explorer.pr.reference.get_ydata()[0] == pytest.approx(0.02)


def test_batch_f1_bars_are_per_batch_f1():
    explorer = widgets.batch_f1_explorer()
    y_true, y_pred = explorer.y_true, explorer.y_pred
    for batch_size in (4, 37, 256):
        explorer.set(batch_size=batch_size)
        expected = [
            sk_metrics.f1_score(
                y_true[start : start + batch_size], y_pred[start : start + batch_size], zero_division=0.0
            )
            for start in range(0, len(y_true), batch_size)
        ]
        np.testing.assert_allclose(explorer.results["batch_values"], expected)
        assert len(explorer.bars.bars.get_paths()) == math.ceil(len(y_true) / batch_size)
        assert explorer.results["epoch_f1"] == pytest.approx(sk_metrics.f1_score(y_true, y_pred))
        assert (
            f"batch size {batch_size}: {len(expected)} batches" in explorer.readout.value
            and f"epoch F1 {explorer.results['epoch_f1']:.3f}" in explorer.readout.value
        )
    explorer.set(batch_size=4)
    small = explorer.results
    assert small["batches_without_positive"] > 100
    assert small["epoch_f1"] - small["batch_mean"] > 0.2


def test_kfold_diagram_shows_the_splitters_splits():
    explorer = widgets.kfold_explorer()
    X = np.arange(50, dtype=float)[:, None]
    for splitter in widgets.SPLITTERS:
        explorer.set(splitter=splitter, n_splits=4, positive_fraction=0.2, shuffle=False)
        reference = getattr(model_selection, splitter)(n_splits=4)
        groups = np.arange(50) // 5 if splitter == "GroupKFold" else None
        labels = (np.arange(50) >= 40).astype(int)
        expected = list(reference.split(X, labels, groups))
        got = explorer.results["splits"]
        assert len(got) == 4
        for (train, test), (ref_train, ref_test) in zip(got, expected, strict=True):
            np.testing.assert_array_equal(train, ref_train)
            np.testing.assert_array_equal(test, ref_test)
        assert explorer.results["warnings"] == []
    explorer.set(splitter="GroupKFold", n_splits=5)
    for _, test in explorer.results["splits"]:
        assert all(set(range(group * 5, group * 5 + 5)) <= set(test) for group in set(test // 5))
    explorer.set(splitter="KFold", n_splits=5)
    assert explorer.results["test_positives"] == [0, 0, 0, 0, 10]
    explorer.set(splitter="StratifiedKFold")
    assert explorer.results["test_positives"] == [2, 2, 2, 2, 2]
    explorer.set(n_splits=10, positive_fraction=0.04)
    assert any("least populated class" in message for message in explorer.results["warnings"])
    assert "least populated class" in explorer.readout.value
    positives = ", ".join(str(count) for count in explorer.results["test_positives"])
    splitter = repr(model_selection.StratifiedKFold(n_splits=10))
    assert (
        f"{splitter} on 2 positives of 50: test folds of {', '.join(['5'] * 10)} "
        f"samples with {positives} positives<br>warning: "
    ) in explorer.readout.value


def test_static_figure_is_a_standalone_rebuild():
    figures_before = plt.get_fignums()
    figure = widgets.ThresholdExplorer.static_figure(threshold=0.3)
    assert isinstance(figure, Figure) and plt.get_fignums() == figures_before
    # The readout's numbers are the static figure's suptitle.
    assert "score > 0.30; precision" in figure.get_suptitle()
    with pytest.raises(ValueError, match="Invalid value for argument `threshold`"):
        widgets.ThresholdExplorer.static_figure(threshold=2.0)


# -------------------------------------------------------------------------- seeds


@pytest.mark.parametrize("name", EXPLORER_NAMES)
def test_seed_chooses_the_data_and_defaults_to_the_session_seed(name, monkeypatch):
    """Same seed, same figure; another seed changes the figure exactly when the explorer
    says it has random data (``seed_context``, the parameters under which the seed shows)."""
    factory = explorers()[name]
    context = EXPLORER_CLASSES[name].seed_context
    monkeypatch.setenv("LOSSVIZ_SEED", "5")
    from_session = factory(**(context or {}))
    assert from_session.seed == 5
    explicit = factory(seed=5, **(context or {}))
    other = factory(seed=6, **(context or {}))
    np.testing.assert_array_equal(pixels(from_session), pixels(explicit))
    changed = bool((pixels(explicit) != pixels(other)).any())
    if context is None:
        assert not changed, (
            f"seed 6 changed the figure of {name}, whose seed_context is None: "
            "set it to the parameters under which the seed matters"
        )
    else:
        assert changed, f"{name}: seed 6 left the figure unchanged under {context}"
    monkeypatch.delenv("LOSSVIZ_SEED")
    assert factory().seed == 0
    for explorer in (from_session, explicit, other):
        explorer.close()


def test_seeded_data_are_the_data_functions_data():
    seed = 11
    y_true, y_score = scored_binary(n=400, positive_fraction=0.3, seed=seed)
    threshold = widgets.threshold_explorer(seed=seed)
    np.testing.assert_array_equal(threshold.y_score, y_score)
    np.testing.assert_array_equal(threshold.y_true, y_true)
    outliers = widgets.outlier_fit_explorer(outlier_fraction=0.3, seed=seed)
    expected = regression_with_outliers(outlier_fraction=0.3, outlier_size=8.0, seed=seed)
    np.testing.assert_array_equal(outliers.results["data"].y, expected.y)
    kfold = widgets.kfold_explorer(splitter="StratifiedKFold", shuffle=True, seed=seed)
    X = np.arange(50, dtype=float)[:, None]
    y = (np.arange(50) >= 40).astype(int)
    reference = model_selection.StratifiedKFold(5, shuffle=True, random_state=seed)
    for (_, test), (_, ref_test) in zip(kfold.results["splits"], reference.split(X, y), strict=True):
        np.testing.assert_array_equal(test, ref_test)
    figure = widgets.ThresholdExplorer.static_figure(seed=seed, threshold=0.5)
    false_positives = int(((y_score > 0.5) & (y_true == 0)).sum())
    assert figure.axes[-1].texts[1].get_text().split("\n")[:2] == ["FP", str(false_positives)]


@pytest.mark.parametrize("seed", [-1, 1.5, True, "3", 2**32])
def test_bad_seed_is_refused_by_name(seed):
    with pytest.raises(
        ValueError,
        match=r"Invalid value for argument `seed`. Expected an "
        r"integer in \[0, 4294967295\]",
    ):
        widgets.threshold_explorer(seed=seed)
    with pytest.raises(ValueError, match=r"argument `seed`"):
        widgets.ThresholdExplorer.static_figure(seed=seed)


def test_bad_session_seed_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("LOSSVIZ_SEED", "minus one")
    with pytest.raises(ValueError, match="LOSSVIZ_SEED"):
        widgets.threshold_explorer()


# --------------------------------------------------------------------------- ipympl

IPYMPL_SCRIPT = textwrap.dedent("""
    import matplotlib
    matplotlib.use("module://ipympl.backend_nbagg")
    import ipywidgets, matplotlib.pyplot as plt
    from lossviz.widgets import explorers

    for name, factory in explorers().items():
        explorer = factory()
        canvas = explorer.figure.canvas
        assert isinstance(canvas, ipywidgets.DOMWidget), (name, type(canvas))
        assert explorer.widget.children[-1] is canvas, name
        control_name, control = next(iter(explorer.controls.items()))
        options = list(getattr(control, "options", None) or [])
        value = (not control.value if isinstance(control.value, bool) else
                 [o for o in options if o != control.value][0] if options else control.max)
        pushed = []
        canvas.draw_idle = lambda: pushed.append("draw_idle")
        canvas.draw = lambda: pushed.append("draw")
        original_blit = canvas.blit
        canvas.blit = lambda bbox=None: (pushed.append("blit"), original_blit(bbox))
        assert explorer.figure.stale_callback is None, name  # no draw_idle per artist change
        explorer.set(**{control_name: value})
        assert explorer.params[control_name] == value, name
        # What pyplot's post_execute hook does after every widget message under
        # %matplotlib widget (interactive mode): draw_idle for each stale figure.
        plt.draw_all()
        assert pushed == ["blit"], (name, pushed)
        assert canvas._png_is_old is False, name  # the blit's frame went out
        bundle = explorer._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle, name
        explorer.close()
        assert plt.get_fignums() == [], (name, plt.get_fignums())
    print("ok", len(explorers()))
""")


@pytest.mark.slow  # a fresh Python drives every explorer on ipympl (7 s)
def test_explorers_run_under_ipympl_without_a_front_end():
    completed = subprocess.run([sys.executable, "-c", IPYMPL_SCRIPT], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip().endswith(f"ok {len(EXPLORER_NAMES)}")


IPYMPL_FRAMES_SCRIPT = textwrap.dedent("""
    import io
    import matplotlib
    matplotlib.use("module://ipympl.backend_nbagg")
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image
    from lossviz.widgets import explorers

    def extremes(control):
        if isinstance(control.value, bool):
            return [not control.value, control.value]
        options = getattr(control, "options", None)
        if options:
            return [o[1] if isinstance(o, tuple) else o for o in options]
        middle = (control.min + control.max) / 2
        if isinstance(control.value, int):
            middle = (control.min + control.max) // 2
        return [control.min, control.max, middle]

    checked = 0
    for name, factory in explorers().items():
        explorer = factory()
        canvas = explorer.figure.canvas
        frames = []
        send_binary = canvas.send_binary
        canvas.send_binary = lambda data: (frames.append(bytes(data)), send_binary(data))
        for control_name, control in explorer.controls.items():
            explorer.set(**type(explorer).control_context.get(control_name, {}))
            for value in extremes(control):
                if value == control.value:
                    continue  # no change, no frame
                frames.clear()
                explorer.set(**{control_name: value})
                step = (name, control_name, value)
                assert len(frames) == 1, (step, len(frames))
                assert canvas._current_image_mode == "full", step
                assert canvas._image_mode == "full", step  # what the front end reads
                shown = np.asarray(Image.open(io.BytesIO(frames[0])).convert("RGBA"))
                # A full redraw that sends nothing, behind the explorer's back (a draw
                # it sees would make it drop its cached static layers).
                with explorer._layers.own_draw():
                    FigureCanvasAgg.draw(canvas)
                full = np.asarray(canvas.buffer_rgba())
                differing = int((shown != full).any(axis=2).sum())
                assert differing == 0, (step, differing, "pixels differ")
                checked += 1
        explorer.close()
    print("ok", checked)
""")


@pytest.mark.slow  # a fresh Python draws every explorer's frames on ipympl (10 to 20 s)
def test_every_ipympl_frame_is_the_whole_figure_by_itself():
    """The browser may drop a frame that the next one overtakes (ipympl's front end
    shows a frame only once its PNG has loaded; matplotlib#19116). So every frame an
    explorer sends must be self-contained: decoded alone, with no earlier frame under
    it, it equals a full redraw at that step's parameters. A diff frame (only the
    changed pixels, the rest transparent) fails this from the second update on."""
    completed = subprocess.run(
        [sys.executable, "-c", IPYMPL_FRAMES_SCRIPT], capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip().startswith("ok ")
    assert int(completed.stdout.split()[-1]) >= 3 * len(EXPLORER_NAMES)


# ----------------------------------------------------------- slider bursts (live canvas)


def test_a_burst_of_browser_values_is_drawn_once_for_the_latest(monkeypatch):
    """Under ipympl a drag sends many values; the kernel draws once, the last one, at once,
    and pushes it with blit (never a full draw or draw_idle)."""
    explorer = widgets.threshold_explorer()
    explorer._live_canvas, explorer._png_mirror = True, False  # as under ipympl
    blits, full, updates = [], [], []
    canvas = explorer.figure.canvas
    monkeypatch.setattr(canvas, "blit", lambda bbox=None: blits.append(explorer.params["threshold"]))
    monkeypatch.setattr(canvas, "draw", lambda: full.append("draw"))
    monkeypatch.setattr(canvas, "draw_idle", lambda: full.append("draw_idle"))
    original = explorer._update
    monkeypatch.setattr(explorer, "_update", lambda params: (updates.append(params["threshold"]), original(params)))
    control = explorer.controls["threshold"]

    async def drag():
        for value in (0.2, 0.3, 0.4, 0.6):  # what the front end sends, message by message
            control.value = value
        assert blits == [] and updates == []  # nothing drawn while values keep coming
        await asyncio.sleep(0)  # the kernel's loop is free again
        return list(blits), list(updates)

    assert asyncio.run(drag()) == ([0.6], [0.6])
    explorer.set(threshold=0.7)  # from code: synchronous update and blit
    assert updates[-1] == 0.7 and blits == [0.6, 0.7]
    control.value = 0.8  # no event loop running (plain Python): updated synchronously
    assert updates[-1] == 0.8 and blits == [0.6, 0.7, 0.8]

    async def drag_then_close():
        control.value = 0.9
        explorer.close()  # e.g. the cell is re-run while a redraw is pending
        await asyncio.sleep(0)

    asyncio.run(drag_then_close())
    assert updates[-1] == 0.8 and blits == [0.6, 0.7, 0.8]
    assert full == []
