"""Figures of notebook 07 (k-fold cross-validation): the fold diagram of a splitter."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.text import Text

from lossviz.plots._common import (
    ABOVE_TICKS,
    CLASS_0_COLOR,
    POSITIVE_COLOR,
    TEST_COLOR,
    TRAIN_COLOR,
    UNUSED_COLOR,
    _axes,
)

# ------------------------------------------------------------------ k-fold diagram


@dataclass
class CvSplitArtists:
    """The fold diagram of :func:`plot_cv_splits`.

    ``splits`` holds the (train indices, test indices) pairs last drawn, so a notebook
    can assert what the figure shows. ``row_notes`` are the texts right of the rows
    (each test fold's size and positives); notes beyond the current rows are hidden.
    With ``notes=False`` there are none (an explorer shows the numbers elsewhere: each
    text costs a redraw).
    """

    ax: Axes
    cells: PolyCollection
    row_notes: list[Text] = field(default_factory=list)
    picture: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 3)))
    splits: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    notes: bool = True

    def update(self, cv, X, y=None, groups=None, *, title: str | None = None) -> None:
        """Draw the folds of another splitter (or the same on other data); the title is
        ``title``, by default the splitter's name and number of splits."""
        with warnings.catch_warnings():
            # The diagram passes groups to every splitter to draw them; only the
            # splitter's own warnings (e.g. too few members per class) are news.
            warnings.filterwarnings("ignore", message="The groups parameter is ignored")
            splits = [(np.asarray(train), np.asarray(test)) for train, test in cv.split(X, y, groups)]
        n_samples = len(X)
        rows = [_fold_row(train, test, n_samples) for train, test in splits]
        labels = [f"fold {index + 1}" for index in range(len(splits))]
        notes = [_fold_summary(test, y) for _, test in splits]
        if y is not None:
            rows.append(_class_row(np.asarray(y)))
            labels.append("class")
            notes.append(f"{np.mean(np.asarray(y) == 1):.0%} positive")
        if groups is not None:
            rows.append(_group_row(np.asarray(groups)))
            labels.append("group")
            notes.append(f"{len(np.unique(groups))} groups")
        picture = np.stack(rows)
        # One square per sample and row: filling a few hundred squares costs a tenth of
        # resampling an image to the axes' size. Their places change with the shape only.
        if picture.shape != self.picture.shape:
            self.cells.set_verts(_cell_squares(*picture.shape[:2]))
        self.cells.set_facecolor(picture.reshape(-1, 3))
        self.picture = picture
        self.ax.set_yticks(range(len(rows)), labels)
        self.ax.set_ylim(len(rows) - 0.5, -0.5)
        self.ax.set_xlim(-0.5, n_samples - 0.5)
        # Plain texts in the axes (x in axes fraction, y in rows), not tick labels of a
        # twin axes: changing them then redraws a few texts, not a whole axes.
        while self.notes and len(self.row_notes) < len(notes):
            self.row_notes.append(
                self.ax.text(
                    1.01,
                    0.0,
                    "",
                    transform=self.ax.get_yaxis_transform(),
                    ha="left",
                    va="center",
                    fontsize="medium",
                    clip_on=False,
                )
            )
        for row, note in enumerate(self.row_notes):
            note.set(y=row, text=notes[row] if row < len(notes) else "", visible=row < len(notes))
        # The colour key lives in the x label, drawn with the axis under the cells: the
        # title then has only the few glyphs that change (each costs a draw).
        self.ax.title.set_text(f"{type(cv).__name__}: {len(splits)} splits" if title is None else title)
        self.splits = splits


def _cell_squares(n_rows: int, n_columns: int) -> np.ndarray:
    """Corners of unit squares centred on (column, row), row by row: (n, 4, 2)."""
    rows, columns = np.divmod(np.arange(n_rows * n_columns), n_columns)
    corners = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])
    return np.stack([columns, rows], axis=1)[:, None, :] + corners


def _fold_row(train, test, n_samples: int) -> np.ndarray:
    row = np.tile(to_rgb(UNUSED_COLOR), (n_samples, 1))
    row[train] = to_rgb(TRAIN_COLOR)
    row[test] = to_rgb(TEST_COLOR)
    return row


def _class_row(y: np.ndarray) -> np.ndarray:
    return np.where((y == 1)[:, None], to_rgb(POSITIVE_COLOR), to_rgb(CLASS_0_COLOR))


def _group_row(groups: np.ndarray) -> np.ndarray:
    _, codes = np.unique(groups, return_inverse=True)
    palette = plt.get_cmap("tab20").colors
    return np.array([palette[code % len(palette)] for code in codes])


def _fold_summary(test, y) -> str:
    if y is None:
        return f"test {len(test)}"
    positives = int(np.sum(np.asarray(y)[test] == 1))
    return f"test {len(test)}, {positives} pos"


def plot_cv_splits(cv, X, y=None, groups=None, ax: Axes | None = None, *, notes: bool = True) -> CvSplitArtists:
    """Draw which samples each fold of a scikit-learn splitter trains and tests on.

    One row per split (light blue = train, red = test, light grey = unused, as in
    TimeSeriesSplit), then a row of class labels (grey 0, orange 1) and a row of groups
    when given; the
    right-hand labels count each test fold's samples and positives, which shows at a
    glance whether a fold has no positive at all.

    Args:
        cv: any object with ``split(X, y, groups)`` (KFold, StratifiedKFold,
            GroupKFold, TimeSeriesSplit, ...).
        X: array-like (n_samples, ...) passed to ``cv.split``.
        y: optional labels (n_samples,), 0/1 for the class row.
        groups: optional group ids (n_samples,).
        ax: axes to draw on; None creates a new figure.
        notes: write each row's counts right of it (False: no ``row_notes``).

    Returns:
        CvSplitArtists (cells, picture, row_notes, splits) with an ``update`` method.

    Raises:
        ValueError: whatever the splitter raises for impossible settings.

    Example:
        >>> import numpy as np
        >>> from sklearn.model_selection import KFold
        >>> artists = plot_cv_splits(KFold(3), np.zeros((9, 1)))
        >>> [test.tolist() for _, test in artists.splits]
        [[0, 1, 2], [3, 4, 5], [6, 7, 8]]

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    ax = _axes(ax)
    # Not antialiased: squares sharing an edge then tile the rows without seams.
    cells = ax.add_collection(
        PolyCollection([], edgecolors="none", antialiased=False, zorder=ABOVE_TICKS), autolim=False
    )
    ax.set_xlabel("sample index (light blue = train, red = test)")
    artists = CvSplitArtists(ax=ax, cells=cells, notes=notes)
    artists.update(cv, X, y, groups)
    return artists
