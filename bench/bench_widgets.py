"""Explorers: an update against a full redraw of the same figure, per control, plus memory.

For every control of every registered explorer, on Agg, medians over slider steps
that cycle through the control's range, measured side by side in one run:

* ``update``: ``explorer.set(...)`` as on ipympl: the explorer updates its artists,
  restores the cached static layer and draws the moving artists (``canvas.blit``
  then sends the changed pixels; on Agg it has nothing to send);
* ``headless``: the same ``.set(...)`` plus the PNG that an ``ipywidgets.Image`` shows
  where ipympl is absent (inline backend, nbmake);
* ``full draw``: ``canvas.draw()`` of the same figure at the same parameters.

Targets (issue 16): full draw / update >= 4 for every control except the explorers'
``layout_controls`` (they rescale an axis, so they redraw everything; listed by name);
the worst explorer's median headless update <= 50 ms; no growth of Python objects or
artists over ``--updates`` (default 1000) headless updates after a warm-up of 400.
Times are wall-clock (``perf_counter``); ``cpu`` columns are this thread's CPU time
(``thread_time``), which other processes on a shared machine disturb less.

Run: ``.venv/bin/python bench/bench_widgets.py [--repeats 8] [--updates 1000] [--only NAME ...]``
(point ``PYTHONPATH`` at another checkout's package to measure it the same way).
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import statistics
import sys
import time
from collections import Counter

os.environ["MPLBACKEND"] = "Agg"

import ipywidgets  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")

from lossviz.widgets import explorers  # noqa: E402

RATIO_TARGET = 4.0
UPDATE_TARGET_MS = 50.0
WARM_UP = 400  # updates before the memory check


def steps_for(explorer, name: str) -> list[dict]:
    """Slider moves of one control across its range (with the context it needs)."""
    control = explorer.controls[name]
    context = type(explorer).control_context.get(name, {})
    if isinstance(control, ipywidgets.Checkbox):
        values = [not control.value, control.value]
    elif isinstance(control, ipywidgets.Dropdown):
        values = [option[1] if isinstance(option, tuple) else option
                  for option in control.options]
    else:
        span = control.max - control.min
        values = [control.min + span * fraction for fraction in (0.25, 0.75, 0.4, 0.9)]
        if isinstance(control, ipywidgets.IntSlider):
            values = [int(round(value)) for value in values]
    return [{**context, name: value} for value in values]


def timed(action) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.thread_time()
    action()
    return time.perf_counter() - wall, time.thread_time() - cpu


def bench_control(explorer, name: str, repeats: int) -> dict:
    steps = steps_for(explorer, name)
    explorer.set(**steps[-1])
    explorer.figure.canvas.draw()  # warm caches (fonts, text layout) for both paths alike
    rows = {"update": [], "headless": [], "full draw": []}
    for index in range(repeats):
        # Consecutive steps differ, so that every .set() changes a value.
        explorer._png_mirror = False
        rows["update"].append(timed(lambda: explorer.set(**steps[2 * index % len(steps)])))
        rows["full draw"].append(timed(explorer.figure.canvas.draw))
        explorer._png_mirror = True
        rows["headless"].append(timed(lambda: explorer.set(**steps[(2 * index + 1) % len(steps)])))
    return {kind: (1e3 * statistics.median(wall for wall, _ in samples),
                   1e3 * statistics.median(cpu for _, cpu in samples))
            for kind, samples in rows.items()}


def _object_counts() -> Counter:
    """Live objects tracked by the garbage collector, by type name."""
    return Counter(type(obj).__name__ for obj in gc.get_objects())


def memory_growth(explorer, updates: int) -> dict:
    steps = [step for name in explorer.controls for step in steps_for(explorer, name)]
    # The warm-up also fills matplotlib's bounded caches (text layout, fonts,
    # transforms), which would otherwise read as growth: on roc_pr about 27 weak
    # references appear once between the 200th and 300th update, then never again.
    # Whole cycles, so that both counts are taken in the same state (the number of tick
    # artists depends on the axes limits).
    for step in steps * math.ceil(WARM_UP / len(steps)):
        explorer.set(**step)
    # The first count itself leaves about 27 weak references and their callbacks in
    # the ABC caches that Counter's isinstance checks fill: count once before.
    _object_counts()
    gc.collect()
    objects_before, artists_before = _object_counts(), len(explorer.figure.findobj())
    cycles = max(1, math.ceil(updates / len(steps)))
    for step in steps * cycles:
        explorer.set(**step)
    gc.collect()
    objects_after = _object_counts()
    return {"updates": cycles * len(steps),
            # - 1: the Counter objects_before, alive during the second count.
            "objects": objects_after.total() - objects_before.total() - 1,
            "grown": (objects_after - objects_before).most_common(3),
            "artists": len(explorer.figure.findobj()) - artists_before}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=8, help="timed steps per median")
    parser.add_argument("--updates", type=int, default=1000, help="updates for the memory check (0: skip it)")
    parser.add_argument("--only", nargs="*", help="explorer names (default: all)")
    args = parser.parse_args(argv)
    registry = explorers()
    names = args.only or list(registry)
    print(f"lossviz explorers ({os.path.dirname(sys.modules['lossviz.widgets'].__file__)}), "
          f"Agg, matplotlib {matplotlib.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; medians of {args.repeats} "
          f"steps (wall ms, cpu ms); memory over {args.updates} updates")
    header = (f"{'explorer':22s} {'control':22s} {'update':>14s} {'headless':>14s} "
              f"{'full draw':>14s} {'ratio':>6s}")
    print(header)
    print("-" * len(header))
    slow, layout, leaking, worst = [], [], [], (0.0, "")
    for name in names:
        explorer = registry[name]()
        short = name.removesuffix("_explorer")
        layout_controls = getattr(type(explorer), "layout_controls", frozenset())
        headless_medians = []
        for control in explorer.controls:
            row = bench_control(explorer, control, args.repeats)
            ratio = row["full draw"][0] / row["update"][0]
            headless_medians.append(row["headless"][0])
            mark = ""
            if control in layout_controls:
                layout.append(f"{short}.{control}")
                mark = "  (layout: full redraw)"
            elif ratio < RATIO_TARGET:
                slow.append(f"{short}.{control}")
                mark = f"  below {RATIO_TARGET:g}x"
            print(f"{short:22s} {control:22s} " + " ".join(
                f"{row[kind][0]:6.1f} ({row[kind][1]:5.1f})" for kind in row)
                + f" {ratio:5.1f}x{mark}", flush=True)
        median = statistics.median(headless_medians)
        worst = max(worst, (median, short))
        memory = memory_growth(explorer, args.updates) if args.updates else None
        explorer.close()
        if memory is None:  # --updates 0: timings only
            print(f"{short:22s} {'(median headless)':22s} {median:6.1f} ms", flush=True)
            continue
        print(f"{short:22s} {'(median headless)':22s} {median:6.1f} ms; after {memory['updates']} "
              f"updates: {memory['objects']:+d} objects, {memory['artists']:+d} artists"
              + (f", most grown {memory['grown']}" if memory["objects"] > 0 else ""), flush=True)
        if memory["artists"] or memory["objects"] > 0:
            leaking.append(short)
    print("-" * len(header))
    print(f"worst explorer median headless update: {worst[0]:.1f} ms ({worst[1]}); "
          f"target <= {UPDATE_TARGET_MS:g} ms")
    print(f"layout controls (full redraw, not held to {RATIO_TARGET:g}x): {', '.join(layout) or 'none'}")
    print(f"below {RATIO_TARGET:g}x: {', '.join(slow) or 'none'}; growing: {', '.join(leaking) or 'none'}")
    return 1 if slow or leaking or worst[0] > UPDATE_TARGET_MS else 0


if __name__ == "__main__":
    sys.exit(main())
