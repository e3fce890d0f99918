"""The explorer's two layers: static pixels cached once, moving artists drawn over them.

:func:`redraw_order` says which artists a frame must draw again (and in which order),
``_Layers`` keeps the static pixels per set of hidden artists, and :func:`png_bytes`
encodes a frame for the headless ``ipywidgets.Image``. Why an explorer draws this way
is in :mod:`lossviz._explorer`, which uses them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from lossviz._validation import fail

__all__ = ["png_bytes", "redraw_order"]


def _drawn_children(parent: Figure | Axes) -> list[Artist]:
    """The children ``parent.draw`` draws, in its order (stable sort on z-order)."""
    children = [child for child in parent.get_children() if child is not parent.patch]
    if isinstance(parent, Axes):
        if not (parent.axison and parent.get_frame_on()):
            children = [child for child in children if child not in parent.spines.values()]
        if not parent.axison:
            children = [child for child in children if child not in parent._axis_map.values()]
    return sorted((child for child in children if not child.get_animated()), key=lambda child: child.get_zorder())


def redraw_order(figure: Figure, moving: Sequence[Artist]) -> list[Artist]:
    """What to hide from the static layer and draw on top of it, in the full draw's order.

    ``moving`` are direct children of one of the figure's axes, or of the figure (an
    axes may itself be moving). In each axes, every child from its first moving one on
    is redrawn; at the figure level, a moving child, any later axes overlapping an axes
    with moving children, and everything drawn after either of them.

    Raises:
        ValueError: if a moving artist is not a direct child of an axes or the figure.
    """
    wanted = {id(artist) for artist in moving}
    found: set[int] = set()
    order: list[Artist] = []
    partly_moving: list[Axes] = []
    rest_moves = False
    for child in _drawn_children(figure):
        overlaps = isinstance(child, Axes) and any(child.bbox.overlaps(other.bbox) for other in partly_moving)
        if rest_moves or id(child) in wanted or overlaps:
            found.add(id(child))
            order.append(child)
            rest_moves = True
        elif isinstance(child, Axes):
            children = _drawn_children(child)
            first = next((index for index, artist in enumerate(children) if id(artist) in wanted), None)
            if first is not None:
                order.extend(children[first:])
                found.update(id(artist) for artist in children)
                partly_moving.append(child)
    missing = [artist for artist in moving if id(artist) not in found]
    if missing:
        fail("moving", "direct children of the figure or of one of its axes", f"Received: {missing[0]!r} elsewhere")
    return order


class _Layers:
    """Static layers as pixels, and the moving artists drawn over them.

    One static layer is cached per set of hidden artists: an update that also redraws an
    axis (:meth:`Explorer._relabelled`) hides more than an ordinary one, so it has a
    layer of its own. After a frame, a cached layer stays only if it hides every artist
    just drawn: one with such an artist in its pixels shows it as it was.
    """

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        # {(figure bounds, ids of the hidden artists): the pixels of everything else}
        self.backgrounds: dict[tuple, Any] = {}
        self._drawing = False
        # As in matplotlib's blitting guide: a draw someone else makes (ipympl's toolbar
        # zooming or panning, a resize, a user's canvas.draw() after changing the figure)
        # may change what the static layers show, so they are drawn again.
        figure.canvas.mpl_connect("draw_event", self._on_draw)

    def _on_draw(self, event) -> None:
        if not self._drawing:
            self.backgrounds.clear()

    @contextmanager
    def own_draw(self) -> Iterator[None]:
        """Draws in this block keep the cached layers: the layers' own, and a full redraw
        of the unchanged figure to compare or time against (tests, benchmark)."""
        drawing, self._drawing = self._drawing, True
        try:
            yield
        finally:
            self._drawing = drawing

    def draw(self, moving: Sequence[Artist], *, full: bool) -> None:
        canvas = self.figure.canvas
        order = redraw_order(self.figure, moving)
        hidden = frozenset(id(artist) for artist in order)
        key = (tuple(self.figure.bbox.bounds), hidden)
        if full:
            self.backgrounds.clear()
        background = self.backgrounds.get(key)
        if background is None:
            # Left out of the static layer as animated artists: a hidden title would be
            # placed off the axes by Axes.draw. Images are hidden instead, because
            # matplotlib < 3.11 draws animated images too.
            flags = [(artist.get_visible(), artist.get_animated()) for artist in order]
            for artist in order:
                if isinstance(artist, AxesImage):
                    artist.set_visible(False)
                else:
                    artist.set_animated(True)
            try:
                # Agg's own draw: on ipympl, canvas.draw() would also send this frame.
                with self.own_draw():
                    FigureCanvasAgg.draw(canvas)
            finally:
                for artist, (visible, animated) in zip(order, flags, strict=True):
                    artist.set_visible(visible)
                    artist.set_animated(animated)
            background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(background)
        self.backgrounds = {
            other: pixels for other, pixels in self.backgrounds.items() if other[0] == key[0] and hidden <= other[1]
        }
        self.backgrounds[key] = background
        renderer = canvas.get_renderer()
        for artist in order:
            artist.draw(renderer)


def png_bytes(rgba: np.ndarray) -> bytes:
    """An RGB PNG of an (height, width, 4) uint8 frame (its alpha dropped: figures are opaque).

    Pillow (matplotlib's own dependency) at zlib level 1: the headless image is re-encoded
    on every slider step, and level 1 takes about 16 ms for an 1100 x 380 frame against
    23 ms at the default level, for a file a few per cent larger. Pillow reads the RGBA
    buffer as it is and drops the alpha itself, which saves a strided copy (1 to 4 ms here).
    """
    height, width, _ = rgba.shape
    image = PIL.Image.frombuffer("RGBA", (width, height), np.ascontiguousarray(rgba), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
