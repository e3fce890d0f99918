"""lossviz.plots: an ax in, artists out, updates in place, never show()."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit  # noqa: E402

from lossviz import plots  # noqa: E402


@pytest.fixture(autouse=True)
def no_show_and_closed_figures(monkeypatch):
    def refuse_show(*args, **kwargs):
        raise AssertionError("lossviz.plots must never call show()")

    monkeypatch.setattr(plt, "show", refuse_show)
    monkeypatch.setattr(matplotlib.figure.Figure, "show", refuse_show)
    yield
    plt.close("all")


def draw(ax) -> np.ndarray:
    ax.figure.canvas.draw()
    return np.asarray(ax.figure.canvas.buffer_rgba()).copy()


X = np.linspace(-2.0, 2.0, 9)

# Each case: a call on a given ax, returning artists; used for the shared properties.
CASES = {
    "curve_family": lambda ax: plots.plot_curve_family(X, {"a": X**2, "b": abs(X)}, ax),
    "roc": lambda ax: plots.plot_roc_curve([0, 0.2, 1], [0, 0.7, 1], ax, operating_point=(0.2, 0.7)),
    "pr": lambda ax: plots.plot_pr_curve([1, 0.7, 0], [0.4, 0.8, 1], ax, baseline=0.4),
    "confusion_matrix": lambda ax: plots.plot_confusion_matrix([[5, 1], [2, 7]], ax),
    "cv_splits": lambda ax: plots.plot_cv_splits(KFold(3), np.zeros((12, 1)), np.r_[np.zeros(8), np.ones(4)], ax=ax),
    "fitted_lines": lambda ax: plots.plot_fitted_lines([0, 1, 2], [0, 1, 5], {"MSE": (2, 0)}, ax, is_outlier=[0, 0, 1]),
    "batch_metric": lambda ax: plots.plot_batch_metric([0.2, 0.9, 0.5], ax, epoch_value=0.7),
    "score_histograms": lambda ax: plots.plot_score_histograms([0, 1, 1], [0.1, 0.6, 0.9], ax, threshold=0.5),
    "linear_boundary": lambda ax: plots.plot_linear_boundary([[0, 0], [2, 2]], [0, 1], [1, 1], -2, ax),
    "probability_bars": lambda ax: plots.plot_probability_bars([0.5, 0.3, 0.2], ax),
    "reliability_diagram": lambda ax: plots.plot_reliability_diagram([0.1, 0.6], [0.2, 0.5], ax, reference=([0], [0])),
    "probability_histograms": lambda ax: plots.plot_probability_histograms([0, 1, 1], [0.1, 0.6, 0.9], ax),
}


@pytest.mark.parametrize("case", CASES)
def test_draws_on_the_given_axes_and_returns_its_artists(case):
    figures_before = plt.get_fignums()
    figure, ax = plt.subplots()
    artists = CASES[case](ax)
    assert artists.__dataclass_fields__  # a dataclass of named artists
    owned = [value for value in vars(artists).values() if isinstance(value, matplotlib.artist.Artist)]
    assert owned, "returns at least one artist"
    for artist in owned:
        assert artist.figure is figure
    assert plt.get_fignums() == [*figures_before, figure.number]  # no figure of its own
    assert draw(ax).std() > 0  # something was drawn


@pytest.mark.parametrize(
    "function, args",
    [
        (plots.plot_curve_family, (X, {"a": X})),
        (plots.plot_roc_curve, ([0, 1], [0, 1])),
        (plots.plot_confusion_matrix, ([[1, 0], [0, 1]],)),
        (plots.plot_batch_metric, ([0.5],)),
        (plots.plot_probability_bars, ([1.0],)),
    ],
)
def test_without_ax_a_new_figure_is_made(function, args):
    figures_before = plt.get_fignums()
    artists = function(*args)
    assert plt.get_fignums() == [*figures_before, artists.ax.figure.number]


def test_loss_and_gradient_makes_two_panels_and_updates_in_place():
    artists = plots.plot_loss_and_gradient(
        X, {"mse": X**2, "mae": abs(X)}, {"mse": 2 * X, "mae": np.sign(X)}, highlight="mse"
    )
    assert artists.loss.ax is not artists.gradient.ax
    assert artists.loss.ax.get_legend() is not None and artists.gradient.ax.get_legend() is None
    line = artists.gradient.lines["mse"]
    assert line.get_linewidth() > artists.gradient.lines["mae"].get_linewidth()
    before = draw(artists.loss.ax)
    artists.update({"mse": 3 * X**2}, {"mse": 6 * X}, highlight="mae")
    assert artists.gradient.lines["mse"] is line
    np.testing.assert_array_equal(line.get_ydata(), 6 * X)
    assert artists.loss.highlight == "mae"
    # Limits follow the highlighted curve.
    assert artists.loss.ax.get_ylim()[1] == pytest.approx(2 + 0.08 * 2)
    assert (draw(artists.loss.ax) != before).any()


def test_single_loss_arrays_are_accepted():
    artists = plots.plot_loss_and_gradient(X, X**2, 2 * X, label="mse")
    assert list(artists.loss.lines) == ["mse"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plots.plot_curve_family(X, {"a": X[:-1]}), r"argument `a`. Expected the same number"),
        (lambda: plots.plot_curve_family(X, {"a": X}, highlight="b"), r"argument `highlight`"),
        (lambda: plots.plot_curve_family(X, {}), r"argument `curves`. Expected at least one"),
        (lambda: plots.plot_curve_family(X, {"a": X * np.nan}), r"argument `a`. Expected finite"),
        (lambda: plots.plot_curve_family(X, {"a": X}, ax="left"), r"argument `ax`"),
        (lambda: plots.plot_loss_and_gradient(X, {"a": X}, {"b": X}), r"argument `gradient`"),
        (lambda: plots.plot_roc_curve([0, 1], [0, 0.5, 1]), r"argument `y`. Expected the same"),
        (lambda: plots.plot_confusion_matrix([[1, 2, 3]]), r"argument `matrix`. Expected a square"),
        (lambda: plots.plot_confusion_matrix([[1, -2], [0, 1]]), r"non-negative integer counts"),
        (lambda: plots.plot_confusion_matrix([[1, 0], [0, 1]], normalize="rows"), r"`normalize`"),
        (lambda: plots.plot_confusion_matrix([[1, 0], [0, 1]], labels=["a"]), r"`labels`"),
        (lambda: plots.plot_linear_boundary([[0, 0, 0]], [0], [1, 1], 0), r"shape \(n, 2\)"),
        (lambda: plots.plot_probability_bars([[0.5, 0.5]]), r"Expected a 1-D array"),
        (lambda: plots.plot_reliability_diagram([0.1, 0.2], [0.3]), r"argument `prob_pred`. Expected the same"),
        (lambda: plots.plot_reliability_diagram([1.2], [0.3]), r"argument `prob_true`. Expected fractions in \[0, 1\]"),
        (lambda: plots.plot_probability_histograms([0, 1], [0.2, 0.4], bins=0), r"argument `bins`"),
        (lambda: plots.plot_probability_histograms([0, 1], [0.2]), r"argument `y_prob`. Expected the same"),
    ],
)
def test_bad_input_fails_loudly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_curve_update_rejects_unknown_names():
    artists = plots.plot_curve_family(X, {"a": X})
    with pytest.raises(ValueError, match="argument `curves`"):
        artists.update({"b": X})


def test_roc_and_pr_operating_point_and_baseline():
    roc = plots.plot_roc_curve([0, 1], [0, 1])
    assert not roc.point.get_visible()
    roc.update(operating_point=(0.3, 0.8), title="AUC 0.9")
    assert roc.point.get_visible() and roc.point.get_xydata().tolist() == [[0.3, 0.8]]
    assert roc.ax.get_title() == "AUC 0.9"
    pr = plots.plot_pr_curve([1, 0], [0.5, 1], baseline=0.5)
    pr.update(reference=0.05)
    assert list(pr.reference.get_ydata()) == [0.05, 0.05]
    assert pr.curve.get_drawstyle() == "steps-post"
    assert not plots.plot_pr_curve([1, 0], [0.5, 1]).reference.get_visible()


def test_confusion_matrix_counts_rates_and_updates():
    artists = plots.plot_confusion_matrix([[90, 10], [3, 7]])
    texts = [[text.get_text() for text in row] for row in artists.texts]
    assert texts == [["TN\n90\n90%", "FP\n10\n10%"], ["FN\n3\n30%", "TP\n7\n70%"]]
    np.testing.assert_allclose(artists.image.get_array(), [[0.9, 0.1], [0.3, 0.7]])
    assert artists.image.get_clim() == (0.0, 1.0)
    artists.update([[0, 0], [5, 5]])
    assert artists.texts[0][0].get_text() == "TN\n0\n0%"  # empty row: rate 0, no NaN
    assert artists.texts[1][0].get_text() == "FN\n5\n50%"
    with pytest.raises(ValueError, match=r"Expected a \(2, 2\) matrix"):
        artists.update([[1, 2, 3], [1, 2, 3], [1, 2, 3]])
    by_column = plots.plot_confusion_matrix([[90, 10], [30, 70]], normalize="pred")
    assert by_column.texts[1][1].get_text() == "TP\n70\n88%"
    three = plots.plot_confusion_matrix(np.eye(3, dtype=int) * 4, labels=["a", "b", "c"])
    assert three.texts[2][2].get_text() == "4\n100%"
    assert [label.get_text() for label in three.ax.get_xticklabels()] == ["a", "b", "c"]


@pytest.mark.parametrize(
    "splitter", [KFold(4), StratifiedKFold(4), GroupKFold(4), TimeSeriesSplit(4)], ids=lambda cv: type(cv).__name__
)
def test_cv_diagram_draws_every_split(splitter):
    X = np.zeros((20, 1))
    y = np.r_[np.zeros(15, int), np.ones(5, int)]
    groups = np.arange(20) // 4
    artists = plots.plot_cv_splits(splitter, X, y, groups)
    expected = list(splitter.split(X, y, groups if isinstance(splitter, GroupKFold) else None))
    assert len(artists.splits) == len(expected)
    for (train, test), (ref_train, ref_test) in zip(artists.splits, expected, strict=True):
        np.testing.assert_array_equal(train, ref_train)
        np.testing.assert_array_equal(test, ref_test)
    picture = artists.picture
    assert picture.shape == (len(expected) + 2, 20, 3)  # folds, class row, group row
    np.testing.assert_array_equal(artists.cells.get_facecolor()[:, :3], picture.reshape(-1, 3))
    test_colour = matplotlib.colors.to_rgb(plots.TEST_COLOR)
    for row, (_, test) in enumerate(expected):
        in_test = np.all(np.isclose(picture[row], test_colour), axis=1)
        np.testing.assert_array_equal(np.flatnonzero(in_test), np.sort(test))
    notes = [note.get_text() for note in artists.row_notes]
    assert notes[0] == f"test {len(expected[0][1])}, {int(y[expected[0][1]].sum())} pos"
    assert notes[-1] == "5 groups"


def test_cv_diagram_updates_to_another_number_of_folds():
    artists = plots.plot_cv_splits(KFold(2), np.zeros((10, 1)))
    cells = artists.cells
    artists.update(KFold(5), np.zeros((10, 1)))
    assert artists.cells is cells and artists.picture.shape == (5, 10, 3)
    assert len(cells.get_paths()) == 50
    assert [label.get_text() for label in artists.ax.get_yticklabels()][-1] == "fold 5"
    assert artists.ax.get_ylim() == (4.5, -0.5)
    assert [note.get_text() for note in artists.row_notes if note.get_visible()] == ["test 2"] * 5
    assert artists.ax.get_title() == "KFold: 5 splits"
    artists.update(KFold(3), np.zeros((10, 1)), title="three folds")
    assert [note.get_visible() for note in artists.row_notes] == [True] * 3 + [False] * 2
    assert artists.ax.get_title() == "three folds"


def test_fitted_lines_move_points_and_lines():
    artists = plots.plot_fitted_lines(
        [0, 1, 2, 3], [0, 1, 2, 9], {"MSE": (2.6, -0.6), "MAE": (1.0, 0.0)}, is_outlier=[0, 0, 0, 1]
    )
    assert artists.outliers.get_offsets().tolist() == [[3.0, 9.0]]
    assert len(artists.inliers.get_offsets()) == 3
    line = artists.lines["MAE"]
    x_grid, y_grid = line.get_data()
    np.testing.assert_allclose(y_grid, 1.0 * np.asarray(x_grid))
    artists.update(lines={"MAE": (0.5, 1.0)})
    assert artists.lines["MAE"] is line and line.get_label() == "MAE: slope 0.50"
    with pytest.raises(ValueError, match="argument `lines`"):
        artists.update(lines={"Huber": (1, 0)})


def test_batch_bars_change_in_number():
    artists = plots.plot_batch_metric([0.5, 1.0, 0.0], epoch_value=0.8)
    assert len(artists.bars.get_paths()) == 3
    assert artists.mean_line.get_ydata()[0] == pytest.approx(0.5)
    artists.update(np.linspace(0, 1, 11), epoch_value=None)
    assert len(artists.bars.get_paths()) == 11
    assert not artists.epoch_line.get_visible()
    heights = [path.vertices[:, 1].max() for path in artists.bars.get_paths()]
    np.testing.assert_allclose(heights, np.linspace(0, 1, 11))
    assert artists.ax.get_xlim() == (0.5, 11.5)


def test_score_histograms_count_each_class():
    y_true = np.r_[np.zeros(30, int), np.ones(10, int)]
    y_score = np.r_[np.full(30, 0.2), np.full(10, 0.8)]
    artists = plots.plot_score_histograms(y_true, y_score, bins=10, threshold=0.5)
    assert artists.negatives.get_data().values.sum() == 30
    assert artists.positives.get_data().values.sum() == 10
    artists.update(threshold=0.7)
    assert artists.threshold_line.get_xdata() == [0.7, 0.7]


def test_boundary_is_where_the_score_is_zero():
    artists = plots.plot_linear_boundary([[-1, -1], [1, 1]], [0, 1], [1.0, 2.0], -0.5)
    x, y = artists.boundary.get_data()
    np.testing.assert_allclose(1.0 * np.asarray(x) + 2.0 * np.asarray(y) - 0.5, 0.0, atol=1e-12)
    artists.update([3.0, 0.0], 1.5)  # vertical: 3 x1 + 1.5 = 0
    assert artists.boundary.get_xdata() == [-0.5, -0.5]


def test_probability_bars_update_heights_and_highlight():
    artists = plots.plot_probability_bars([0.5, 0.3, 0.2], highlight=2)
    assert artists.bars[2].get_facecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb(plots.POSITIVE_COLOR))
    artists.update([0.1, 0.1, 0.8], highlight=0)
    assert [bar.get_height() for bar in artists.bars] == [0.1, 0.1, 0.8]
    assert artists.labels[2].get_text() == "0.800"
    with pytest.raises(ValueError, match="Expected 3 values"):
        artists.update([0.5, 0.5])


def test_batch_bars_stand_over_their_samples_and_keep_the_axis():
    artists = plots.plot_batch_metric([0.5, 1.0, 0.25], batch_size=4, n_samples=10)
    spans = [(path.vertices[:, 0].min(), path.vertices[:, 0].max()) for path in artists.bars.get_paths()]
    np.testing.assert_allclose(spans, [(0.4, 3.6), (4.4, 7.6), (8.2, 9.8)])  # 80 % of each batch
    assert artists.ax.get_xlim() == (0.0, 10.0)
    labels = [text.get_text() for text in artists.legend.get_texts()]
    artists.update([0.1], batch_size=10, n_samples=10, epoch_value=0.3, relabel=False)
    assert [text.get_text() for text in artists.legend.get_texts()] == labels
    assert len(artists.bars.get_paths()) == 1 and artists.ax.get_xlim() == (0.0, 10.0)
    with pytest.raises(ValueError, match="argument `batch_size`"):
        artists.update([0.1], batch_size=0)


def test_fitted_lines_can_keep_limits_and_labels():
    artists = plots.plot_fitted_lines([0, 1, 2], [0, 1, 2], {"MSE": (1.0, 0.0)})
    limits, label = (artists.ax.get_xlim(), artists.ax.get_ylim()), artists.legend.get_texts()[2].get_text()
    artists.update([0, 10], [0, 50], {"MSE": (5.0, 0.0)}, rescale=False, relabel=False)
    assert (artists.ax.get_xlim(), artists.ax.get_ylim()) == limits
    assert artists.legend.get_texts()[2].get_text() == label == "MSE: slope 1.00"
    np.testing.assert_allclose(artists.lines["MSE"].get_ydata(), 5.0 * np.asarray(limits[0]))


def test_reliability_diagram_plots_fraction_against_mean_probability_on_fixed_axes():
    artists = plots.plot_reliability_diagram([0.1, 0.6], [0.2, 0.5], reference=([0.3], [0.4]))
    np.testing.assert_array_equal(artists.curve.get_xdata(), [0.2, 0.5])
    np.testing.assert_array_equal(artists.curve.get_ydata(), [0.1, 0.6])
    np.testing.assert_array_equal(artists.reference.get_xydata(), [[0.4, 0.3]])
    before = draw(artists.ax)
    artists.update([0.0, 0.5, 0.9], [0.1, 0.4, 0.8])  # one bin more
    assert len(artists.curve.get_xdata()) == 3
    assert artists.ax.get_xlim() == artists.ax.get_ylim() == (0.0, 1.0)
    assert (draw(artists.ax) != before).any()


def test_probability_histograms_show_each_class_as_shares_of_itself():
    y_true = np.r_[np.zeros(90, int), np.ones(10, int)]
    y_prob = np.r_[np.full(60, 0.12), np.full(30, 0.47), np.full(10, 0.93)]
    artists = plots.plot_probability_histograms(y_true, y_prob, bins=10)
    negatives, positives = artists.negatives.get_data().values, artists.positives.get_data().values
    assert negatives.sum() == pytest.approx(1.0) and positives.sum() == pytest.approx(1.0)
    assert negatives[1] == pytest.approx(60 / 90) and negatives[4] == pytest.approx(30 / 90) and positives[9] == 1.0
    artists.update(y_true, np.full(100, 0.55))
    assert artists.positives.get_data().values[5] == 1.0 and artists.negatives.get_data().values[5] == 1.0
    assert artists.ax.get_ylim() == (0.0, 1.0)
