"""Inputs Keras accepts although they are almost surely mistakes: the twin returns Keras's
number and warns, naming the argument, what was expected and what Keras did with it.

Probabilities outside [0, 1], targets outside [0, 1], negative Poisson counts, float or
out-of-range class labels: Keras clips, casts or uses them as they are and returns a
number; each case below is built on purpose and compared with Keras (values in float64
and float32, gradients from the backend's own autodiff). What Keras turns into NaN stays
a ValueError. The file runs on the backend KERAS_BACKEND names (TensorFlow by default);
`make test` runs it again with KERAS_BACKEND=jax (BACKEND_TESTS in the Makefile).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from test_keras_reference import builtin, value_and_gradient

import lossviz.losses as losses
from lossviz._validation import import_keras

# Tier (conftest.py): compares with Keras
pytestmark = pytest.mark.keras

keras = import_keras()

TRUE_2D = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
PROBABILITIES = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
LABELS = np.array([1.0, 0.0])


def _set(array, index, value):
    changed = array.copy()
    changed[index] = value
    return changed


PRED_ABOVE_1 = _set(PROBABILITIES, (0, 1), 1.7)
PRED_BELOW_0 = _set(PROBABILITIES, (0, 1), -0.3)
NEGATIVE_ROW = _set(PROBABILITIES, 1, -0.2)  # a whole row below 0: its sum is negative
TRUE_ABOVE_1 = TRUE_2D * 2.0
TRUE_BELOW_0 = _set(TRUE_2D, (0, 0), -1.0)

CLIPS = r"Keras clips them to \[1e-7, 1 - 1e-7\]"
NORMALIZES = r"Keras divides each row by its sum, then clips to \[1e-7, 1 - 1e-7\]"
CLIPS_THEN_NORMALIZES = r"Keras clips them to \[1e-7, 1 - 1e-7\], then divides each row by its sum \(on TensorFlow, as this twin; on JAX it divides first"
UNCLIPPED_TARGETS = r"Keras uses them as they are, unclipped, so the loss can even be negative"
ABOVE = r"got values up to 1\.7\. "
BELOW = r"got values down to -0\.3\. "


def _case(loss, y_true, y_pred, pattern, case_id, **kwargs):
    return pytest.param(loss, y_true, y_pred, kwargs, pattern, id=f"{loss}-{case_id}")


CASES = [
    # Binary cross-entropies: probabilities clipped, targets used as they are.
    *(
        _case(loss, TRUE_2D, y_pred, r"y_pred: expected probabilities in \[0, 1\]; " + got + CLIPS, case_id, **kwargs)
        for loss, kwargs in (
            ("binary_crossentropy", {}),
            ("binary_focal_crossentropy", {}),
            ("binary_focal_crossentropy", {"gamma": 3.0, "apply_class_balancing": True}),
        )
        for y_pred, got, case_id in (
            (PRED_ABOVE_1, ABOVE, "pred-above-1"),
            (PRED_BELOW_0, BELOW, "pred-below-0"),
            (NEGATIVE_ROW, r"got values down to -0\.2\. ", "negative-row"),
        )
    ),
    *(
        _case(
            loss,
            y_true,
            PROBABILITIES,
            rf"y_true: expected {what} in \[0, 1\]; got values {got}\. " + UNCLIPPED_TARGETS,
            case_id,
        )
        for loss, what in (
            ("binary_crossentropy", "binary targets or soft labels"),
            ("binary_focal_crossentropy", "binary targets or soft labels"),
            ("categorical_crossentropy", "one-hot or soft labels"),
            ("categorical_focal_crossentropy", "one-hot or soft labels"),
        )
        for y_true, got, case_id in (
            (TRUE_ABOVE_1, "up to 2", "true-above-1"),
            (TRUE_BELOW_0, "down to -1", "true-below-0"),
        )
    ),
    # Categorical cross-entropies: rows renormalised, then clipped; a negative row flips sign.
    *(
        _case(loss, TRUE_2D, y_pred, r"y_pred: expected probabilities in \[0, 1\]; " + got + NORMALIZES, case_id)
        for loss in ("categorical_crossentropy", "categorical_focal_crossentropy")
        for y_pred, got, case_id in (
            (PRED_ABOVE_1, ABOVE, "pred-above-1"),
            (PRED_BELOW_0, BELOW, "pred-below-0"),
            (NEGATIVE_ROW, r"got values down to -0\.2\. ", "negative-row"),
        )
    ),
    *(
        _case(
            "sparse_categorical_crossentropy",
            LABELS,
            y_pred,
            r"y_pred: expected probabilities in \[0, 1\]; " + got + CLIPS_THEN_NORMALIZES,
            case_id,
        )
        for y_pred, got, case_id in (
            (PRED_ABOVE_1, ABOVE, "pred-above-1"),
            (PRED_BELOW_0, BELOW, "pred-below-0"),
            (_set(PROBABILITIES, (0, 0), -0.3), BELOW, "other-class-below-0"),
        )
    ),
    # Float labels: Keras casts them to integers, truncating toward zero.
    *(
        _case(
            loss,
            labels,
            PROBABILITIES,
            rf"y_true: expected integer class labels; got {first}\. Keras casts labels to integers, truncating "
            rf"toward zero, so {first} becomes class {to}",
            case_id,
            **kwargs,
        )
        for loss, kwargs in (
            ("sparse_categorical_crossentropy", {}),
            ("categorical_generalized_cross_entropy", {"q": 0.5}),
        )
        for labels, first, to, case_id in (
            (np.array([0.5, 0.0]), "0.5", 0, "label-0.5"),
            (np.array([1.7, 0.0]), "1.7", 1, "label-1.7"),
        )
    ),
    # Generalized cross-entropy: no clipping; an out-of-range label is a row of zeros, p = 0.
    _case(
        "categorical_generalized_cross_entropy",
        LABELS,
        PRED_ABOVE_1,
        r"y_pred: expected probabilities in \[0, 1\]; got values up to 1\.7\. Keras does not clip them here",
        "pred-above-1",
        q=0.5,
    ),
    _case(
        "categorical_generalized_cross_entropy",
        np.array([3.0, 0.0]),
        PROBABILITIES,
        r"y_true: expected class labels in \[0, 2\] for 3 classes; got 3\. Keras one-hot encodes such a label as a "
        r"row of zeros, so its probability is 0 and its loss 1/q = 2",
        "label-3",
        q=0.5,
    ),
    _case(
        "categorical_generalized_cross_entropy",
        np.array([-1.0, 0.0]),
        PROBABILITIES,
        r"y_true: expected class labels in \[0, 2\] for 3 classes; got -1\. Keras one-hot",
        "label-minus-1",
        q=0.5,
    ),
    # Kullback-Leibler: both clipped to [1e-7, 1].
    *(
        _case(
            "kl_divergence",
            y_true,
            y_pred,
            rf"{name}: expected a probability distribution, values in \[0, 1\]; {got}Keras clips them to \[1e-7, 1\]",
            case_id,
        )
        for y_true, y_pred, name, got, case_id in (
            (TRUE_2D, PRED_ABOVE_1, "y_pred", ABOVE, "pred-above-1"),
            (TRUE_2D, PRED_BELOW_0, "y_pred", BELOW, "pred-below-0"),
            (TRUE_ABOVE_1, PROBABILITIES, "y_true", r"got values up to 2\. ", "true-above-1"),
            (TRUE_BELOW_0, PROBABILITIES, "y_true", r"got values down to -1\. ", "true-below-0"),
        )
    ),
    # Poisson: negative counts used as they are; rates just below 0 still have a finite log.
    _case(
        "poisson",
        TRUE_BELOW_0,
        PROBABILITIES,
        r"y_true: expected non-negative counts; got values down to -1\. Keras uses them as they are",
        "negative-count",
    ),
    _case(
        "poisson",
        TRUE_2D,
        _set(PROBABILITIES, (0, 0), -5e-8),
        r"y_pred: expected non-negative rates; got values down to -5e-08\. Keras takes log\(y_pred \+ 1e-7\)",
        "rate-just-below-0",
    ),
    # Hyperparameters outside their documented range: Keras computes with them as they are.
    *(
        _case(
            loss,
            y_true,
            PROBABILITIES,
            rf"{parameter}: expected a number in {interval}; got {shown}\. Keras",
            f"{parameter}={value}",
            **{parameter: value, **extra},
        )
        for loss, y_true, parameter, value, shown, interval, extra in (
            ("binary_crossentropy", TRUE_2D, "label_smoothing", 1.5, "1.5", r"\[0, 1\]", {}),
            ("binary_crossentropy", TRUE_2D, "label_smoothing", -0.1, "-0.1", r"\[0, 1\]", {}),
            ("categorical_crossentropy", TRUE_2D, "label_smoothing", 1.5, "1.5", r"\[0, 1\]", {}),
            ("binary_focal_crossentropy", TRUE_2D, "alpha", 1.5, "1.5", r"\[0, 1\]", {"apply_class_balancing": True}),
            ("binary_focal_crossentropy", TRUE_2D, "gamma", -1.0, "-1", r"\[0, inf\]", {}),
            ("categorical_focal_crossentropy", TRUE_2D, "gamma", -1.0, "-1", r"\[0, inf\]", {}),
            ("tversky", TRUE_2D, "alpha", -0.1, "-0.1", r"\[0, inf\]", {"beta": -0.1}),
        )
    ),
    _case(
        "categorical_focal_crossentropy",
        TRUE_2D,
        PROBABILITIES,
        r"alpha: expected non-negative class weights; got -0\.5\. Keras multiplies",
        "alpha=-0.5",
        alpha=-0.5,
    ),
    *(
        _case(
            "huber",
            TRUE_2D,
            PROBABILITIES,
            rf"delta: expected a number > 0; got {shown}\. Keras computes with it",
            f"delta={delta}",
            delta=delta,
        )
        for delta, shown in ((0.0, "0"), (-1.0, "-1"))
    ),
    *(
        _case(
            "categorical_generalized_cross_entropy",
            LABELS,
            PROBABILITIES,
            rf"q: expected a number in \(0, 1\); got {shown}\. Keras's function computes",
            f"q={q}",
            q=q,
        )
        for q, shown in ((1.0, "1"), (1.5, "1.5"), (-0.5, "-0.5"))
    ),
    # ctc: a label outside [0, C) is a row of zeros in Keras's one-hot: log-probability 0.
    *(
        _case(
            "ctc",
            labels,
            np.random.default_rng(0).normal(size=(len(labels), 6, 4)),
            rf"y_true: expected class labels in \[1, 3\] for 4 classes \(0 is the blank\); got {first}\. Keras one-hot",
            case_id,
        )
        for labels, first, case_id in (
            (np.array([[4.0]]), "4", "label-4"),
            (np.array([[2.0, -1.0], [1.0, 0.0]]), "-1", "label-minus-1"),
            (np.array([[5.0, 1.0]]), "5", "label-5-then-1"),
        )
    ),
    _case(
        "circle",
        np.array([0.0, 1.0, 0.0]),
        np.eye(3),
        r"gamma: expected a number in \[0, inf\]; got -1\. Keras scales",
        "gamma=-1",
        gamma=-1.0,
    ),
    _case(
        "circle",
        np.array([0.5, 1.0, 0.5]),
        np.eye(3),
        r"y_true: expected integer class labels; got 0\.5 and 1 more non-integer value\(s\)\. Keras casts",
        "label-0.5",
    ),
]


def _loss(name, y_true, y_pred, kwargs):
    return getattr(losses, name)(y_true, y_pred, **kwargs)


#: Backend-dependent: for probabilities outside [0, 1] Keras's sparse crossentropy
#: clips, then renormalises on TensorFlow (the twin's order), but renormalises, then
#: clips on JAX, as categorical_crossentropy does on both.
SPARSE_ORDER_DIFFERS = {
    "sparse_categorical_crossentropy-pred-above-1",
    "sparse_categorical_crossentropy-pred-below-0",
    "sparse_categorical_crossentropy-other-class-below-0",
}


def _keras_order_differs_on_this_backend(request):
    return keras.backend.backend() == "jax" and request.node.callspec.id in SPARSE_ORDER_DIFFERS


def _check_jax_sparse_order(y_true, y_pred, ours, expected):
    """On JAX, Keras's sparse value is the categorical one of the one-hot labels, not the twin's."""
    one_hot = np.eye(y_pred.shape[-1], dtype=y_pred.dtype)[y_true.astype(int)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        categorical = losses.categorical_crossentropy(one_hot, y_pred)
    np.testing.assert_allclose(categorical, expected, rtol=2e-5, atol=2e-6)
    assert np.abs(ours - expected).max() > 1e-3


@pytest.mark.parametrize(("name", "y_true", "y_pred", "kwargs", "pattern"), CASES)
def test_twin_returns_keras_value_and_warns(request, name, y_true, y_pred, kwargs, pattern):
    expected, _ = value_and_gradient(builtin(name), y_true, y_pred, kwargs)
    if expected.dtype == np.float32:  # JAX without x64 computes float64 input in float32
        y_true, y_pred = y_true.astype(np.float32), y_pred.astype(np.float32)
    with pytest.warns(UserWarning, match=pattern) as record:
        ours = _loss(name, y_true, y_pred, kwargs)
    assert all(Path(warning.filename).resolve() == Path(__file__).resolve() for warning in record)
    assert np.all(np.isfinite(ours)) and ours.shape == expected.shape and ours.dtype == expected.dtype
    if _keras_order_differs_on_this_backend(request):
        return _check_jax_sparse_order(y_true, y_pred, ours, expected)
    rtol = 1e-6 if expected.dtype == np.float64 else 2e-5
    np.testing.assert_allclose(ours, expected, rtol=rtol, atol=1e-6)


@pytest.mark.parametrize(("name", "y_true", "y_pred", "kwargs", "pattern"), CASES)
def test_float32_input_gives_keras_float32_value(request, name, y_true, y_pred, kwargs, pattern):
    y_true, y_pred = y_true.astype(np.float32), y_pred.astype(np.float32)
    expected, _ = value_and_gradient(builtin(name), y_true, y_pred, kwargs)
    with pytest.warns(UserWarning, match=pattern):
        ours = _loss(name, y_true, y_pred, kwargs)
    assert ours.dtype == np.float32 == expected.dtype
    if _keras_order_differs_on_this_backend(request):
        return _check_jax_sparse_order(y_true, y_pred, ours, expected)
    np.testing.assert_allclose(ours, expected, rtol=2e-5, atol=2e-6)


#: Cases whose gradient Keras's autodiff may not define (NaN on TensorFlow): d p**q / dp at p = 0 is inf,
#: and the one-hot zeros multiply it into NaN; the twin's gradient there is 0.
NO_KERAS_GRADIENT = {
    "categorical_generalized_cross_entropy-label-3",
    "categorical_generalized_cross_entropy-label-minus-1",
}


TF_CTC_GRADIENT_DIFFERS = {"ctc-label-4", "ctc-label-minus-1", "ctc-label-5-then-1"}


def _central_differences(name, y_true, y_pred, step=1e-6):
    differences = np.zeros_like(y_pred)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for index in np.ndindex(y_pred.shape):
            shift = np.zeros_like(y_pred)
            shift[index] = step
            plus, minus = losses.get(name)(y_true, y_pred + shift), losses.get(name)(y_true, y_pred - shift)
            differences[index] = (plus - minus).sum() / (2 * step)
    return differences


@pytest.mark.parametrize(("name", "y_true", "y_pred", "kwargs", "pattern"), CASES)
def test_gradient_matches_keras_autodiff(request, name, y_true, y_pred, kwargs, pattern):
    _, expected = value_and_gradient(builtin(name), y_true, y_pred, kwargs)
    if expected.dtype == np.float32:
        y_true, y_pred = y_true.astype(np.float32), y_pred.astype(np.float32)
    with pytest.warns(UserWarning, match=pattern):
        ours = losses.gradient(name, y_true, y_pred, **kwargs)
    if _keras_order_differs_on_this_backend(request):
        assert np.abs(ours - expected).max() > 1e-3  # the value differs (see above), so does its slope
        return
    if keras.backend.backend() == "tensorflow" and request.node.callspec.id in TF_CTC_GRADIENT_DIFFERS:
        # TensorFlow's ctc gradient assumes labels in [0, C): it is not the slope of its
        # own value there. The twin's is (central differences), and so is jax.grad's.
        assert np.abs(ours - expected).max() > 0.1
        np.testing.assert_allclose(ours, _central_differences(name, y_true, y_pred), rtol=1e-5, atol=1e-7)
        return
    if request.node.callspec.id in NO_KERAS_GRADIENT and not np.all(np.isfinite(expected)):
        # Measured, not assumed by backend: eager TensorFlow's autodiff gives NaN here,
        # the twin a finite slope; where the backend's gradient is finite (jax.grad under
        # jit), it is compared below like any other.
        assert np.all(np.isfinite(ours))
        return
    rtol = 1e-6 if expected.dtype == np.float64 else 2e-5
    np.testing.assert_allclose(ours, expected, rtol=rtol, atol=1e-6)


@pytest.mark.parametrize(("name", "y_true", "y_pred", "kwargs", "pattern"), CASES)
def test_keras_flavour_snippet_gives_the_builtin_value(request, name, y_true, y_pred, kwargs, pattern):
    """lossviz.keras_reference (standalone_source(name, flavor="keras")) on the same inputs;
    its sparse crossentropy clips before renormalising on every backend, as the twin."""
    import lossviz.keras_reference as reference

    y_true, y_pred = y_true.astype(np.float32), y_pred.astype(np.float32)
    expected, expected_gradient = value_and_gradient(builtin(name), y_true, y_pred, kwargs)
    ours, gradient = value_and_gradient(getattr(reference, name), y_true, y_pred, kwargs)
    if _keras_order_differs_on_this_backend(request):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            np.testing.assert_allclose(ours, _loss(name, y_true, y_pred, kwargs), rtol=2e-5, atol=2e-6)
        return _check_jax_sparse_order(y_true, y_pred, ours, expected)
    np.testing.assert_allclose(ours, expected, rtol=2e-5, atol=2e-6)
    finite = np.isfinite(expected_gradient)  # see NO_KERAS_GRADIENT
    np.testing.assert_allclose(gradient[finite], expected_gradient[finite], rtol=2e-5, atol=2e-6)


def test_the_warning_says_what_arrived_on_both_sides():
    with pytest.warns(
        UserWarning, match=r"y_pred: expected probabilities in \[0, 1\]; got values down to -0\.5 and up to 1\.5\. "
    ):
        losses.binary_crossentropy([[0.0, 1.0]], [[-0.5, 1.5]])


def test_logits_are_not_probabilities_and_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("binary_crossentropy", "categorical_crossentropy", "categorical_focal_crossentropy"):
            assert np.all(np.isfinite(losses.get(name)(TRUE_2D, PRED_ABOVE_1 * 3.0, from_logits=True)))
        losses.sparse_categorical_crossentropy(LABELS, PRED_BELOW_0 * 3.0, from_logits=True)


# Where Keras returns NaN, the twin still raises, naming the argument.


def _keras_is_nan(name, y_true, y_pred, kwargs):
    expected, _ = value_and_gradient(builtin(name), y_true, y_pred, kwargs)
    return bool(np.any(np.isnan(expected)))


@pytest.mark.parametrize(
    ("name", "y_true", "y_pred", "kwargs", "pattern"),
    [
        (
            "categorical_crossentropy",
            TRUE_2D,
            _set(PROBABILITIES, 1, 0.0),
            {},
            r"`y_pred`. Expected probabilities with a non-zero sum along axis -1 \(Keras divides by it and returns NaN\). "
            r"Received: a row of zeros",
        ),
        (
            "categorical_focal_crossentropy",
            TRUE_2D,
            _set(PROBABILITIES, 1, [0.5, -0.5, 0.0]),
            {},
            r"`y_pred`. Expected probabilities with a non-zero sum.*Received: a row summing to 0",
        ),
        (
            "poisson",
            TRUE_2D,
            _set(PROBABILITIES, (0, 1), -0.5),
            {},
            r"`y_pred`. Expected non-negative rates \(Keras takes log\(y_pred \+ 1e-7\) and returns NaN",
        ),
        (
            "categorical_generalized_cross_entropy",
            LABELS,
            _set(PROBABILITIES, (0, 1), -0.3),
            {"q": 0.5},
            r"`y_pred`. Expected probabilities in \[0, 1\]: Keras raises a negative probability of the true class",
        ),
        (
            "binary_focal_crossentropy",
            TRUE_2D,
            PRED_ABOVE_1,
            {"gamma": 1.5},
            r"`y_pred`. Expected probabilities in \[0, 1\]: with gamma=1.5 \(not an integer\) Keras raises",
        ),
    ],
    ids=[
        "cce-zero-row",
        "focal-zero-sum-row",
        "poisson-negative-rate",
        "gce-negative-true-class",
        "focal-fractional-gamma",
    ],
)
def test_where_keras_returns_nan_the_twin_raises(name, y_true, y_pred, kwargs, pattern):
    assert _keras_is_nan(name, y_true, y_pred, kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(ValueError, match=pattern):
            _loss(name, y_true, y_pred, kwargs)
        with pytest.raises(ValueError, match=pattern):
            losses.gradient(name, y_true, y_pred, **kwargs)


def test_binary_focal_with_fractional_gamma_is_fine_on_the_harmless_side():
    """1.7 against a 0 target: 1 - p_t = 1.7 > 0, so Keras's power is finite."""
    y_pred = _set(PROBABILITIES, (0, 0), 1.7).astype(np.float32)
    expected, _ = value_and_gradient(builtin("binary_focal_crossentropy"), TRUE_2D, y_pred, {"gamma": 1.5})
    with pytest.warns(UserWarning, match=r"y_pred: expected probabilities"):
        ours = losses.binary_focal_crossentropy(TRUE_2D, y_pred, gamma=1.5)
    np.testing.assert_allclose(ours, expected, rtol=2e-5)
