"""The ranking metrics' two paths: the readable counts that snippets copy, and the library's fast ones.

``ranking._counts_at_thresholds`` hands float scores to ``_fast_sort`` in an
``if fast_sort_applies(...)``, and ``ranking._binary_roc_auc`` in an
``if fast_roc_auc_applies(...)``; ``standalone_source`` drops both. Here both paths
must give identical counts, thresholds and areas, and the public functions
scikit-learn's results, on the inputs that break sorts: ties, constant scores, signed
zeros, subnormals, extremes, a single class, weights with and without zeros,
float16/32/64 and integers.
"""

from __future__ import annotations

import ast
import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk

import lossviz
import lossviz.metrics as lv
from lossviz.metrics import _fast_sort, ranking
from lossviz.standalone import standalone_source

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RANKING_NAMES = (
    "roc_curve",
    "roc_auc_score",
    "precision_recall_curve",
    "average_precision_score",
    "precision_at_recall",
)

#: Values that break sorts and bit tricks: signed zeros, subnormals (float32 and
#: float64), the extremes of float16/32/64, and ordinary ties.
SPECIAL = [0.0, -0.0, 1e-40, -1e-40, 1e-45, -1e-45, 5e-324, -5e-324, 6e4, -6e4, 3e38, -3e38, 1e308, -1e308, 0.5, 1.0]
DTYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64, "int8": np.int8, "int64": np.int64}


@cache
def readable_counts():
    """``_counts_at_thresholds`` as the roc_curve snippet defines it: the readable path only."""
    namespace = {}
    exec(standalone_source("roc_curve"), namespace)
    return namespace["_counts_at_thresholds"]


@cache
def readable_roc_auc():
    """``_binary_roc_auc`` as the roc_auc_score snippet defines it: the area from the readable counts."""
    namespace = {}
    exec(standalone_source("roc_auc_score"), namespace)
    return namespace["_binary_roc_auc"]


@cache
def readable(name, function):
    """``function`` as the snippet of the public ``name`` defines it: the readable path only."""
    namespace = {}
    exec(standalone_source(name), namespace)
    return namespace[function]


@st.composite
def ranking_problems(draw):
    """(is_positive, y_score, sample_weight): float16/32/64 or integer scores, ties and special values, maybe one class."""
    n = draw(st.integers(1, 40))
    dtype = draw(st.sampled_from(sorted(DTYPES)))
    pool = draw(st.sampled_from(["special", "few", "constant", "wide"]))
    if pool == "special":
        values = draw(st.lists(st.sampled_from(SPECIAL), min_size=n, max_size=n))
    elif pool == "few":  # many ties
        values = draw(st.lists(st.sampled_from([-1.0, -0.25, 0.0, 0.25, 1.0]), min_size=n, max_size=n))
    elif pool == "constant":
        values = [draw(st.sampled_from(SPECIAL))] * n
    else:
        values = draw(st.lists(st.floats(-1e300, 1e300, allow_subnormal=True), min_size=n, max_size=n))
    with np.errstate(over="ignore", invalid="ignore"):
        scores = np.array(values).astype(DTYPES[dtype]) if dtype.startswith("float") else np.array(values)
        scores = np.where(np.isfinite(scores), scores, 0)  # what overflowed the dtype
    if dtype.startswith("float"):
        scores = scores.astype(DTYPES[dtype])
    else:
        info = np.iinfo(DTYPES[dtype])
        scores = np.round(np.clip(scores, info.min // 2, info.max // 2)).astype(DTYPES[dtype])
    labels = draw(st.sampled_from(["mixed", "all positive", "all negative"]))
    if labels == "mixed":
        is_positive = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    else:
        is_positive = np.full(n, labels == "all positive")
    weight = None
    if draw(st.booleans()):
        weights = st.sampled_from([0.0, 0.5, 1.0, 2.0, 0.1, 3.7])
        weight = np.array(draw(st.lists(weights, min_size=n, max_size=n)))
        if not weight.any():
            weight[0] = 1.0
    return is_positive, scores, weight


def _as_library_scores(scores):
    return scores if scores.dtype.kind == "f" else scores.astype(np.float64)  # as _as_scores does


@SETTINGS
@given(ranking_problems())
def test_readable_and_fast_counts_are_identical(problem):
    is_positive, scores, weight = problem
    scores = _as_library_scores(scores)
    readable = readable_counts()(is_positive, scores, weight)
    library = ranking._counts_at_thresholds(is_positive, scores, weight)
    for mine, other in zip(readable, library, strict=True):
        np.testing.assert_array_equal(mine, other)
        assert mine.dtype == other.dtype
    kept = slice(None) if weight is None else weight != 0
    if fast_applies := _fast_sort.fast_sort_applies(scores, weight):
        fast = _fast_sort.fast_counts_at_thresholds(
            is_positive[kept], scores[kept], None if weight is None else weight[kept]
        )
        for mine, other in zip(readable, fast, strict=True):
            np.testing.assert_array_equal(mine, other)
    assert fast_applies == (scores.dtype != np.float64 or weight is None)
    if weight is None and 0 < is_positive.sum() < len(is_positive):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert _fast_sort.fast_roc_auc(is_positive, scores) == readable_roc_auc()(is_positive, scores)


def assert_fast_curves_equal_readable(is_positive, scores):
    """fast_roc_curve and fast_average_precision, where they apply, give the readable arrays and float exactly."""
    if _fast_sort.fast_roc_curve_applies(is_positive, scores, None, True):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            expected = readable("roc_curve", "roc_curve")(is_positive, scores)
        for mine, other in zip(_fast_sort.fast_roc_curve(is_positive, scores), expected, strict=True):
            np.testing.assert_array_equal(mine, other)
            assert mine.dtype == other.dtype
    if _fast_sort.fast_average_precision_applies(is_positive, scores, None):
        expected = readable("average_precision_score", "_binary_average_precision")(is_positive, scores)
        for chunk in (1, 3, 1 << 16):  # runs of ties across the chunks' edges
            assert _fast_sort.fast_average_precision(is_positive, scores, chunk) == expected


@SETTINGS
@given(ranking_problems())
def test_fast_curves_equal_the_readable_ones(problem):
    is_positive, scores, _ = problem
    assert_fast_curves_equal_readable(is_positive, _as_library_scores(scores))


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("pool", ["distinct", "ties", "few", "runs", "signs"])
def test_fast_curves_on_large_inputs(dtype, pool):
    """Long runs of one label, ties among them, few distinct scores (ties across AP's chunks), both signs
    far apart (64-bit keys)."""
    rng = np.random.default_rng(3)
    n = 30_000
    is_positive = rng.random(n) < 0.3
    raw = {
        "distinct": rng.random(n) + is_positive,
        "ties": np.round(rng.random(n) + is_positive, 3),
        "few": rng.integers(0, 4, n) / 4,
        "runs": np.sort(rng.random(n)) + np.repeat(rng.random(n // 100) < 0.5, 100) * 0.01,
        "signs": rng.normal(size=n) * np.where(rng.random(n) < 0.5, 1e30, 1e-30),
    }[pool]
    with np.errstate(over="ignore"):
        scores = raw.astype(dtype)
    scores = np.where(np.isfinite(scores), scores, 0).astype(dtype)
    assert_fast_curves_equal_readable(is_positive, scores)
    for ours, theirs in zip(lv.roc_curve(is_positive, scores), sk.roc_curve(is_positive, scores), strict=True):
        np.testing.assert_array_equal(ours, theirs)


@SETTINGS
@given(ranking_problems())
def test_public_functions_equal_scikit_learn(problem):
    is_positive, scores, weight = problem
    y_true = is_positive.astype(np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ours, theirs in zip(
            lv.roc_curve(y_true, scores, sample_weight=weight), sk.roc_curve(y_true, scores, sample_weight=weight)
        ):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
        for ours, theirs in zip(
            lv.precision_recall_curve(y_true, scores, sample_weight=weight),
            sk.precision_recall_curve(y_true, scores, sample_weight=weight),
        ):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
        ours = lv.average_precision_score(y_true, scores, sample_weight=weight)
        assert ours == pytest.approx(
            sk.average_precision_score(y_true, scores, sample_weight=weight), rel=1e-12, abs=1e-15
        )
        if 0 < is_positive.sum() < len(is_positive):
            ours = lv.roc_auc_score(y_true, scores, sample_weight=weight)
            theirs = sk.roc_auc_score(y_true, scores, sample_weight=weight)
            assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15, nan_ok=True)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("spread", ["probabilities", "logits", "wide"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_both_paths_agree_on_large_inputs(dtype, spread, weighted):
    """Every key width: 32-bit keys (one sign), 64-bit keys (float32 of both signs, far apart), float64."""
    rng = np.random.default_rng(7)
    n = 20_000
    is_positive = rng.random(n) < 0.3
    scale = {"probabilities": None, "logits": 10.0, "wide": 1e30}[spread]
    raw = rng.random(n) if scale is None else rng.normal(size=n) * scale
    with np.errstate(over="ignore"):
        scores = np.round(raw, 3).astype(dtype)
    scores = np.where(np.isfinite(scores), scores, 0).astype(dtype)
    weight = rng.uniform(0, 2, n) if weighted else None
    readable = readable_counts()(is_positive, scores, weight)
    library = ranking._counts_at_thresholds(is_positive, scores, weight)
    for mine, other in zip(readable, library, strict=True):
        np.testing.assert_array_equal(mine, other)
    if not weighted:
        assert _fast_sort.fast_roc_auc(is_positive, scores) == readable_roc_auc()(is_positive, scores)
    expected = sk.roc_curve(is_positive, scores, sample_weight=weight)
    for ours, theirs in zip(lv.roc_curve(is_positive, scores, sample_weight=weight), expected):
        np.testing.assert_array_equal(ours, theirs)


def test_fast_path_does_not_change_its_input():
    scores = np.float32([0.5, -0.0, 0.25, 0.5])
    is_positive = np.array([True, False, True, False])
    before = scores.copy()
    _fast_sort.fast_counts_at_thresholds(is_positive, scores)
    _fast_sort.fast_counts_at_thresholds(is_positive, scores, np.ones(4))
    np.testing.assert_array_equal(scores.view(np.int32), before.view(np.int32))


@pytest.mark.parametrize("name", RANKING_NAMES)
def test_snippets_keep_the_readable_sort_and_leave_the_fast_path_out(name):
    source = standalone_source(name)
    assert 'argsort(-y_score, kind="stable")' in source
    assert "fast_" not in source and "_fast_sort" not in source


def test_the_fast_path_is_chosen_where_the_counts_are_taken():
    """The call site names the fast path: ranking's own function runs, nothing replaced it."""
    assert ranking._counts_at_thresholds.__module__ == ranking.__name__
    assert ranking._sorted_by_score.__module__ == ranking.__name__
    tree = ast.parse(Path(ranking.__file__).read_text(encoding="utf-8"))
    for function, test in [
        ("_counts_at_thresholds", "fast_sort_applies"),
        ("_binary_roc_auc", "fast_roc_auc_applies"),
        ("roc_curve", "fast_roc_curve_applies"),
        ("_binary_average_precision", "fast_average_precision_applies"),
    ]:
        node = next(node for node in tree.body if getattr(node, "name", "") == function)
        branches = [branch for branch in node.body if isinstance(branch, ast.If) and test in ast.unparse(branch.test)]
        assert len(branches) == 1, function


def test_no_module_assigns_into_another_at_import():
    """No import-time monkeypatching: no module-level ``module.attribute = ...`` anywhere in lossviz."""
    offenders = []
    for path in sorted(Path(lossviz.__file__).parent.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                if isinstance(target, ast.Attribute):
                    offenders.append(f"{path.name}:{node.lineno} {ast.unparse(target)}")
    assert offenders == []
