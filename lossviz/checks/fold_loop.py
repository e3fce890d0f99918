"""``check_fold_loop``: the fold-loop checks (``FOLD_LOOP_CHECKS``), in the order they run.

The learner's k-fold loop is compared with :func:`lossviz.cv.cross_validate_keras`;
``lossviz.cv`` is imported inside the functions, on first use (it loads scikit-learn's
model selection, which ``check_loss`` and ``check_metric`` never need).
Taught in: notebooks/07_kfold_cross_validation.ipynb
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np

from lossviz._validation import check_integer, fail
from lossviz.checks._common import _name
from lossviz.checks._framework import FAIL, PASS, CheckResult, _check, _codes, _error_text, _run_checks, _Stop


def check_fold_loop(
    fold_loop: Callable,
    build_model: Callable,
    X,
    y,
    *,
    cv,
    metric: Callable,
    preprocess=None,
    fit_kwargs=None,
    seed: int = 0,
    atol: float = 1e-6,
    verbose: bool = True,
) -> CheckResult:
    """Check a hand-written k-fold loop against :func:`lossviz.cv.cross_validate_keras`.

    The learner writes ``fold_loop(build_model, X, y, splits) -> one score per fold``
    that, for fold i and ``(train, test) = splits[i]``, calls
    ``keras.utils.set_random_seed(seed + i)``, fits a fresh ``preprocess`` on
    ``X[train]``, builds a model with ``build_model()``, fits it with ``fit_kwargs``
    and returns ``metric(y[test], predictions)``. The checks (``FOLD_LOOP_CHECKS``):
    the loop runs ("runs"), returns one score per fold ("scores"), builds one model per
    fold ("fresh_models"), and each score is within ``atol`` of ``cross_validate_keras``
    on the same splits ("reference"). The learner's exceptions become findings.

    Args:
        fold_loop: the learner's function.
        build_model: zero-argument function returning a new compiled model.
        X: inputs (n_samples, ...).
        y: targets (n_samples, ...).
        cv: number of folds or splitter; its splits are passed as a list of
            (train, test) index pairs.
        metric: ``metric(y_true, y_score) -> float``.
        preprocess: as in ``cross_validate_keras``. Defaults to None.
        fit_kwargs: as in ``cross_validate_keras``. Defaults to None.
        seed: base seed. Defaults to 0.
        atol: largest accepted difference per fold. Defaults to 1e-6.
        verbose: print the short report. Defaults to True.

    Returns:
        CheckResult: truthy iff every check passed; ``.values`` holds ``scores`` (the
        learner's, or None), ``reference`` and ``builds`` (models built).

    Raises:
        ValueError: for invalid checker arguments (never for the learner's code).

    Example:
        >>> import numpy as np, keras
        >>> keras.utils.set_random_seed(0)  # the untrained model's weights decide "reference"
        >>> def build_model():
        ...     model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
        ...     model.compile(optimizer="sgd", loss="binary_crossentropy")
        ...     return model
        >>> X = np.random.default_rng(0).normal(size=(30, 2)); y = (X[:, 0] > 0).astype(int)
        >>> def one_model_for_all_folds(build_model, X, y, splits):
        ...     model = build_model()
        ...     return [float(np.mean((model.predict(X[test], verbose=0)[:, 0] > 0.5) == y[test]))
        ...             for train, test in splits]
        >>> check = check_fold_loop(one_model_for_all_folds, build_model, X, y, cv=2, verbose=False,
        ...                         metric=lambda y, y_score: float(np.mean((y_score > 0.5) == y)))
        >>> bool(check), check.codes, check.values["builds"]
        (False, ['fresh_models', 'reference'], 1)

    Taught in: notebooks/07_kfold_cross_validation.ipynb
    """
    from lossviz import cv as _cv

    if not callable(fold_loop):
        fail("fold_loop", "your function fold_loop(build_model, X, y, splits)", fold_loop)
    if not callable(metric):
        fail("metric", "a function metric(y_true, y_score) -> float", metric)
    X, y = _cv._as_samples(X, "X"), _cv._as_samples(y, "y")
    if len(X) != len(y):
        fail("y", f"the same number of samples as `X` ({len(X)})", f"Received: {len(y)}")
    _, labels = _cv._task(y)
    seed = check_integer(seed, "seed", minimum=0)
    splitter = _cv._splitter(cv, classification=labels is not None, grouped=False, seed=seed)
    splits = [
        (np.asarray(train), np.asarray(test)) for train, test in splitter.split(X, y if labels is None else labels)
    ]
    context = SimpleNamespace(
        fold_loop=fold_loop,
        build_model=build_model,
        X=X,
        y=y,
        splits=splits,
        metric=metric,
        preprocess=preprocess,
        fit_kwargs=fit_kwargs,
        seed=seed,
        atol=atol,
        values={"scores": None, "reference": None, "builds": 0},
    )
    return _run_checks("fold_loop", f"check_fold_loop({_name(fold_loop)})", context, verbose)


@_check("fold_loop", "runs")
def _fold_loop_runs(c) -> tuple[str, str]:
    built = []

    def counting_build_model():
        model = c.build_model()
        built.append(model)
        return model

    try:
        c.scores = c.fold_loop(counting_build_model, c.X, c.y, c.splits)
    except Exception as error:
        raise _Stop(FAIL, f"fold_loop raised {_error_text(error)}", "fold_loop did not run") from error
    finally:
        c.values["builds"] = len(built)
    return PASS, f"fold_loop ran on {len(c.splits)} folds"


@_check("fold_loop", "scores")
def _fold_loop_scores(c) -> tuple[str, str]:
    scores = np.asarray(c.scores, dtype=np.float64).reshape(-1)
    if scores.shape != (len(c.splits),):
        raise _Stop(
            FAIL,
            f"fold_loop returned {scores.size} score(s) for {len(c.splits)} folds: return one score per fold",
            "no score per fold to compare",
        )
    c.values["scores"] = scores
    return PASS, f"one score per fold: {np.round(scores, 4).tolist()}"


@_check("fold_loop", "fresh_models")
def _fold_loop_fresh_models(c) -> tuple[str, str]:
    builds, folds = c.values["builds"], len(c.splits)
    if builds != folds:
        return FAIL, (
            f"build_model was called {builds} time(s) for {folds} folds: call it inside the loop, "
            "so that every fold starts from fresh weights (a model re-fitted across folds has "
            "already trained on the later test folds)"
        )
    return PASS, f"{builds} fresh models, one per fold"


@_check("fold_loop", "reference")
def _fold_loop_reference(c) -> tuple[str, str]:
    from lossviz.cv import cross_validate_keras

    reference = cross_validate_keras(
        c.build_model,
        c.X,
        c.y,
        cv=c.splits,
        metrics={"score": c.metric},
        preprocess=c.preprocess,
        fit_kwargs=c.fit_kwargs,
        seed=c.seed,
        n_jobs=1,
    ).scores("score")
    c.values["reference"] = reference
    wrong = [
        f"fold {fold}: your score {mine:.4f}, cross_validate_keras {theirs:.4f}"
        for fold, (mine, theirs) in enumerate(zip(c.values["scores"], reference))
        if not abs(mine - theirs) <= c.atol
    ]
    if wrong:
        return FAIL, (
            "; ".join(wrong) + f". Seed each fold with keras.utils.set_random_seed({c.seed} + fold) "
            "before building, fit the preprocessing on X[train] only, and train with the given fit_kwargs"
        )
    return PASS, f"every score equals cross_validate_keras's (within {c.atol:g})"


FOLD_LOOP_CHECKS = _codes("fold_loop")
