"""Explorers: update in place against rebuild-and-save, side by side, plus memory growth.

For every registered explorer, on the Agg backend, three medians per slider step:

* ``set+draw``: ``explorer.set(...)`` then a full ``canvas.draw()`` -- the ipympl path:
  a slider moved in the browser updates the artists and draws at once, and ``.set``
  from code updates them and asks with ``draw_idle`` (recorded here, not drawn), after
  which the front end fetches the frame.
* ``headless``: ``explorer.set(...)`` alone on Agg, which updates, draws and encodes the
  PNG shown by the ``ipywidgets.Image`` (what a reader without ipympl sees).
* ``rebuild``: the same figure built from scratch for the same values and saved as
  PNG (``Explorer.static_figure`` + ``savefig``) -- what ``ipywidgets.interact`` with
  inline plots does on every step.

Then memory over ``--updates`` (default 1000) drawn updates in the headless mode:
growth of the process RSS, of the number of live Python objects and of the figure's
artists, measured after a warm-up of 200 updates. Target: rebuild / set+draw >= 2, no
growth.

Run: ``.venv/bin/python bench/bench_widgets.py [--repeats 15] [--updates 1000] [--only NAME ...]``
"""

from __future__ import annotations

import argparse
import gc
import io
import itertools
import math
import os
import platform
import statistics
from collections import Counter
import sys
import time

os.environ["MPLBACKEND"] = "Agg"

import ipywidgets  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")

from lossviz.widgets import explorers  # noqa: E402


def steps_for(explorer) -> list[dict]:
    """A cycle of slider moves touching every control (with the context it needs)."""
    steps = []
    for name, control in explorer.controls.items():
        context = type(explorer).control_context.get(name, {})
        if isinstance(control, ipywidgets.Checkbox):
            values = [not control.value, control.value]
        elif isinstance(control, ipywidgets.Dropdown):
            values = list(control.options)
        else:
            span = control.max - control.min
            values = [control.min + span * fraction for fraction in (0.25, 0.75)]
            if isinstance(control, ipywidgets.IntSlider):
                values = [int(round(value)) for value in values]
        steps.extend({**context, name: value} for value in values)
    return steps


def median_seconds(action, steps, repeats: int) -> float:
    times = []
    for step in itertools.islice(itertools.cycle(steps), repeats):
        start = time.perf_counter()
        action(step)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def resident_kib() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _object_counts() -> Counter:
    """Live objects tracked by the garbage collector, by type name."""
    return Counter(type(obj).__name__ for obj in gc.get_objects())


def bench_one(name: str, factory, repeats: int, updates: int) -> dict:
    # set + draw: the work of one slider step under ipympl (see the module docstring).
    live = factory()
    live._png_mirror = False
    requests = []
    live.figure.canvas.draw_idle = lambda *args, **kwargs: requests.append(1)
    steps = steps_for(live)

    def set_and_draw(step):
        live.set(**step)
        live.figure.canvas.draw()

    set_and_draw(steps[-1])  # warm caches (fonts, text layout) for both paths alike
    set_draw = median_seconds(set_and_draw, steps, repeats)
    assert requests, "the explorer never asked for a redraw"

    headless = factory()
    headless_step = median_seconds(lambda step: headless.set(**step), steps, repeats)

    explorer_class = type(headless)

    def rebuild(step):
        figure = explorer_class.static_figure(**{**headless.params, **step})
        figure.savefig(io.BytesIO(), format="png")

    rebuild(steps[-1])
    rebuild_step = median_seconds(rebuild, steps, repeats)

    # Memory: warm up, then about `updates` drawn updates through the public API, in
    # whole cycles of steps so that both counts are taken in the same state (the
    # number of tick artists depends on the axes limits).
    cycles = max(1, math.ceil(updates / len(steps)))
    # The warm-up also fills matplotlib's bounded caches (text layout, fonts), which
    # would otherwise read as growth.
    for step in steps * math.ceil(200 / len(steps)):
        headless.set(**step)
    gc.collect()
    rss_before, objects_before = resident_kib(), _object_counts()
    artists_before = len(headless.figure.findobj())
    for step in steps * cycles:
        headless.set(**step)
    gc.collect()
    rss_after, objects_after = resident_kib(), _object_counts()
    grown = (objects_after - objects_before).most_common(3)
    live.close()
    headless.close()
    return {
        "name": name,
        "set_draw_ms": 1e3 * set_draw,
        "headless_ms": 1e3 * headless_step,
        "rebuild_ms": 1e3 * rebuild_step,
        "rss_growth_kib": rss_after - rss_before,
        "object_growth": objects_after.total() - objects_before.total(),
        "grown_types": grown,
        "artist_growth": len(headless.figure.findobj()) - artists_before,
        "updates": cycles * len(steps),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed steps per median")
    parser.add_argument("--updates", type=int, default=1000, help="updates for the memory check")
    parser.add_argument("--only", nargs="*", help="explorer names (default: all)")
    args = parser.parse_args(argv)
    registry = explorers()
    names = args.only or list(registry)
    print(f"lossviz explorers, Agg, matplotlib {matplotlib.__version__}, "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}; medians of {args.repeats} steps; memory over "
          f"{args.updates} updates")
    header = (f"{'explorer':30s} {'set+draw':>9s} {'headless':>9s} {'rebuild':>9s} "
              f"{'speed-up':>9s} {'(headl.)':>9s} {'RSS KiB':>8s} {'objects':>8s} {'artists':>8s}")
    print(header)
    print("-" * len(header))
    rows = []
    for name in names:
        row = bench_one(name, registry[name], args.repeats, args.updates)
        rows.append(row)
        print(f"{name:30s} {row['set_draw_ms']:7.1f}ms {row['headless_ms']:7.1f}ms "
              f"{row['rebuild_ms']:7.1f}ms {row['rebuild_ms'] / row['set_draw_ms']:8.1f}x "
              f"{row['rebuild_ms'] / row['headless_ms']:8.1f}x {row['rss_growth_kib']:8d} "
              f"{row['object_growth']:8d} {row['artist_growth']:8d}", flush=True)
        if row["object_growth"] > 0:
            print(f"{'':30s} most grown object types: {row['grown_types']}")
    speedups = [row["rebuild_ms"] / row["set_draw_ms"] for row in rows]
    print("-" * len(header))
    print(f"speed-up (rebuild / set+draw): min {min(speedups):.1f}x, "
          f"median {statistics.median(speedups):.1f}x; target >= 2x")
    slow = [row["name"] for row, speedup in zip(rows, speedups, strict=True) if speedup < 2]
    leaking = [row["name"] for row in rows if row["artist_growth"] or row["object_growth"] > 1000]
    if slow or leaking:
        print(f"below target: {slow or 'none'}; growing: {leaking or 'none'}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
