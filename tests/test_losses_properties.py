"""Properties of lossviz.losses checked with hypothesis (NumPy only, no Keras).

One registry says, for every loss, how to draw valid inputs; generic tests then
check the properties that hold for a family: non-negative, zero at a perfect
prediction, finite values and gradients on extreme valid inputs, and ValueError
(nothing else) on invalid input.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lossviz.losses as losses

# 24 losses x 3 properties: 25 examples each keeps the file at about 10 s of CPU.
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

batch_and_classes = st.tuples(st.integers(1, 4), st.integers(2, 4))


def floats(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def arrays(shape, low, high):
    return hnp.arrays(np.float64, shape, elements=floats(low, high))


# Probabilities with the exact ends 0 and 1 over-represented: that is where clipping acts.
probability = st.one_of(st.sampled_from([0.0, 1.0, 1e-7, 1 - 1e-7]), floats(0.0, 1.0))


def probability_arrays(shape):
    return hnp.arrays(np.float64, shape, elements=probability)


@st.composite
def regression(draw, low=-1e6, high=1e6):
    shape = draw(batch_and_classes)
    return draw(arrays(shape, low, high)), draw(arrays(shape, low, high)), {}


@st.composite
def non_negative(draw):
    shape = draw(batch_and_classes)
    return draw(arrays(shape, 0.0, 1e6)), draw(arrays(shape, 0.0, 1e6)), {}


@st.composite
def with_kwargs(draw, inputs, **kwarg_strategies):
    y_true, y_pred, kwargs = draw(inputs)
    return y_true, y_pred, {**kwargs, **{key: draw(value) for key, value in kwarg_strategies.items()}}


@st.composite
def binary(draw, from_logits=False):
    shape = draw(batch_and_classes)
    y_pred = draw(arrays(shape, -1e4, 1e4)) if from_logits else draw(probability_arrays(shape))
    return draw(probability_arrays(shape)), y_pred, {"from_logits": from_logits}


@st.composite
def categorical(draw, from_logits=False):
    batch, classes = draw(batch_and_classes)
    labels = draw(hnp.arrays(np.int64, batch, elements=st.integers(0, classes - 1)))
    y_true = np.eye(classes)[labels]
    if from_logits:
        y_pred = draw(arrays((batch, classes), -1e4, 1e4))
    else:
        y_pred = draw(probability_arrays((batch, classes)))
        assume(np.all(y_pred.sum(axis=-1) > 0))
    return y_true, y_pred, {"from_logits": from_logits}


@st.composite
def sparse(draw, from_logits=False):
    one_hot, y_pred, kwargs = draw(categorical(from_logits))
    return np.argmax(one_hot, axis=-1).astype(float), y_pred, kwargs


@st.composite
def signed_labels(draw):
    shape = draw(batch_and_classes)
    labels = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
    return labels, draw(arrays(shape, -1e4, 1e4)), {}


@st.composite
def one_hot_scores(draw):
    one_hot, _, _ = draw(categorical(True))
    return one_hot, draw(arrays(one_hot.shape, -1e4, 1e4)), {}


@st.composite
def distributions(draw):
    shape = draw(batch_and_classes)
    return draw(probability_arrays(shape)), draw(probability_arrays(shape)), {}


@st.composite
def sequences(draw):
    batch, classes = draw(st.integers(1, 2)), draw(st.integers(2, 4))
    max_length = draw(st.integers(1, 3))
    rows, needed = [], 1
    for _ in range(batch):
        length = draw(st.integers(0, max_length))
        labels = draw(st.lists(st.integers(1, classes - 1), min_size=length, max_size=length))
        needed = max(needed, length + sum(a == b for a, b in zip(labels, labels[1:])))
        rows.append(labels + [0] * (max_length - length))
    time_steps = draw(st.integers(needed, needed + 3))
    logits = draw(arrays((batch, time_steps, classes), -50.0, 50.0))
    return np.array(rows, dtype=float), logits, {}


@st.composite
def embeddings(draw):
    batch, dimension = draw(st.integers(2, 5)), draw(st.integers(2, 4))
    labels = draw(hnp.arrays(np.float64, batch, elements=st.sampled_from([0.0, 1.0, 2.0])))
    vectors = draw(arrays((batch, dimension), -1.0, 1.0))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    assume(np.all(norms > 1e-3))
    kwargs = {"gamma": draw(floats(0.0, 100.0)), "margin": draw(floats(0.0, 1.0))}
    return labels, vectors / norms, kwargs


smoothing = floats(0.0, 1.0)
# 0 < gamma < 1 has an infinite (true) slope at p = 0 or 1: see test_focal_vertical_slope.
focal_gamma = st.one_of(st.just(0.0), floats(1.0, 5.0))

VALID_INPUTS = {
    "mean_squared_error": regression(),
    "mean_absolute_error": regression(),
    "mean_absolute_percentage_error": regression(),
    "mean_squared_logarithmic_error": with_kwargs(regression(0.0, 1e6)),
    "huber": with_kwargs(regression(), delta=floats(1e-3, 1e3)),
    "log_cosh": regression(),
    "cosine_similarity": regression(),
    "poisson": non_negative(),
    "hinge": signed_labels(),
    "squared_hinge": signed_labels(),
    "categorical_hinge": one_hot_scores(),
    "kl_divergence": distributions(),
    "binary_crossentropy": st.one_of(
        with_kwargs(binary(False), label_smoothing=smoothing), with_kwargs(binary(True), label_smoothing=smoothing)
    ),
    "binary_focal_crossentropy": with_kwargs(
        st.one_of(binary(False), binary(True)),
        gamma=focal_gamma,
        alpha=floats(0.0, 1.0),
        apply_class_balancing=st.booleans(),
        label_smoothing=smoothing,
    ),
    "categorical_crossentropy": with_kwargs(
        st.one_of(categorical(False), categorical(True)), label_smoothing=smoothing
    ),
    "categorical_focal_crossentropy": with_kwargs(
        st.one_of(categorical(False), categorical(True)),
        gamma=floats(0.0, 5.0),
        alpha=floats(0.0, 2.0),
        label_smoothing=smoothing,
    ),
    "sparse_categorical_crossentropy": st.one_of(sparse(False), sparse(True)),
    "categorical_generalized_cross_entropy": with_kwargs(sparse(False), q=floats(0.01, 0.99)),
    "dice": distributions(),
    "tversky": with_kwargs(distributions(), alpha=floats(0.0, 5.0), beta=floats(0.0, 5.0)),
    "ctc": sequences(),
    "circle": embeddings(),
    "pseudo_huber": with_kwargs(regression(), delta=floats(1e-3, 1e3)),
    "general_robust": with_kwargs(
        regression(),
        alpha=st.one_of(st.sampled_from([-np.inf, 0.0, 2.0, 1e-300, -1e-300, 2 - 1e-15]), floats(-1e3, 2.0)),
        scale=floats(1e-2, 1e2),
    ),
}


def _without_from_logits(kwargs):
    """The generalized cross-entropy strategy reuses the sparse one, which has no logits."""
    return {key: value for key, value in kwargs.items() if key != "from_logits"}


def _call(name, inputs, function=None):
    y_true, y_pred, kwargs = inputs
    if name == "categorical_generalized_cross_entropy":
        kwargs = _without_from_logits(kwargs)
    if function is None:
        return losses.get(name)(y_true, y_pred, **kwargs)
    return function(name, y_true, y_pred, **kwargs)


def test_every_loss_has_a_strategy():
    assert set(VALID_INPUTS) == set(losses.LOSSES)


NON_NEGATIVE = set(VALID_INPUTS) - {"cosine_similarity", "poisson", "kl_divergence"}


@pytest.mark.parametrize("name", sorted(VALID_INPUTS))
@SETTINGS
@given(data=st.data())
def test_valid_extreme_inputs_give_finite_values_and_gradients(name, data):
    """Also: non-negative wherever that holds, gradients shaped like y_pred."""
    inputs = data.draw(VALID_INPUTS[name])
    values = _call(name, inputs)
    assert np.all(np.isfinite(values))
    if name in NON_NEGATIVE:
        # log_cosh = x + softplus(-2x) - log 2 rounds to about -1e-16 for tiny x.
        assert np.all(values >= -1e-15)
    gradient = _call(name, inputs, losses.gradient)
    assert gradient.shape == np.shape(inputs[1])
    if name == "categorical_generalized_cross_entropy":
        # d/dp (1 - p^q)/q = -p^(q-1) is -inf at p = 0 (true, and what TensorFlow gives).
        true_class = np.take_along_axis(inputs[1], inputs[0].astype(int)[:, None], axis=-1)
        assume(np.all(true_class > 0))
    assert np.all(np.isfinite(gradient))


def test_kl_divergence_is_non_negative_between_distributions():
    rng = np.random.default_rng(0)
    for _ in range(50):
        y_true, y_pred = rng.dirichlet(np.ones(4), size=3), rng.dirichlet(np.ones(4), size=3)
        # Clipping zeros to 1e-7 can shift the value by about 1e-7 * log(1e-7).
        assert np.all(losses.kl_divergence(y_true, y_pred) >= -2e-6)


# Each entry: draw y_true, build the perfect y_pred, and the tolerance that clipping leaves.
PERFECT = {
    "mean_squared_error": (regression(), 0.0),
    "mean_absolute_error": (regression(), 0.0),
    "mean_absolute_percentage_error": (regression(), 0.0),
    "mean_squared_logarithmic_error": (regression(0.0, 1e6), 0.0),
    "huber": (VALID_INPUTS["huber"], 0.0),
    "log_cosh": (regression(), 0.0),
    "pseudo_huber": (VALID_INPUTS["pseudo_huber"], 0.0),
    "general_robust": (VALID_INPUTS["general_robust"], 0.0),
    "hinge": (signed_labels(), 0.0),
    "squared_hinge": (signed_labels(), 0.0),
    "categorical_hinge": (one_hot_scores(), 0.0),
    "kl_divergence": (distributions(), 0.0),
    # Probabilities are clipped to 1 - 1e-7, so a perfect prediction costs -log(1 - 1e-7).
    "binary_crossentropy": (binary(False), 1.1e-7),
    "categorical_crossentropy": (categorical(False), 1.1e-7),
    "dice": (distributions(), 1e-7),
}


@pytest.mark.parametrize("name", sorted(PERFECT))
@SETTINGS
@given(data=st.data())
def test_zero_at_a_perfect_prediction(name, data):
    strategy, tolerance = PERFECT[name]
    y_true, _, kwargs = data.draw(strategy)
    if name == "dice":
        y_true = np.round(y_true)  # hard masks
        assume(y_true.sum() > 0)
    if name in ("binary_crossentropy", "categorical_crossentropy"):
        y_true = np.round(y_true) if name == "binary_crossentropy" else y_true
    values = losses.get(name)(y_true, y_true.copy(), **kwargs)
    np.testing.assert_allclose(values, 0.0, atol=tolerance, rtol=0)


def test_focal_vertical_slope():
    """0 < gamma < 1: (1 - p_t)^gamma has an infinite slope where p_t = 1."""
    gradient = losses.gradient("binary_focal_crossentropy", [[1.0]], [[1.0]], gamma=0.5)
    assert gradient[0, 0] == -np.inf or gradient[0, 0] == np.inf


# Invalid input: ValueError and nothing else.

CORRUPTIONS = ["nan", "inf", "empty", "extra-column", "scalar"]


def _corrupt(inputs, how, which, position):
    y_true, y_pred, kwargs = inputs
    arrays = {"y_true": np.array(y_true, dtype=float), "y_pred": np.array(y_pred, dtype=float)}
    target = arrays[which]
    if how in ("nan", "inf"):
        target.flat[position % target.size] = np.nan if how == "nan" else -np.inf
    elif how == "empty":
        arrays[which] = target[:0]
    elif how == "extra-column":
        arrays[which] = np.concatenate([target, target[..., :1]], axis=-1)
    elif how == "scalar":
        arrays[which] = np.float64(target.flat[0])
    return arrays["y_true"], arrays["y_pred"], kwargs


@pytest.mark.parametrize("name", sorted(VALID_INPUTS))
@SETTINGS
@given(data=st.data())
def test_invalid_input_raises_value_error_only(name, data):
    inputs = data.draw(VALID_INPUTS[name])
    how = data.draw(st.sampled_from(CORRUPTIONS))
    which = data.draw(st.sampled_from(["y_true", "y_pred"]))
    corrupted = _corrupt(inputs, how, which, data.draw(st.integers(0, 100)))
    if how == "extra-column" and (
        name in ("ctc", "circle")
        or (which == "y_pred" and name in ("sparse_categorical_crossentropy", "categorical_generalized_cross_entropy"))
    ):
        return _expect_value_error_or_valid(name, corrupted)
    with pytest.raises(ValueError):
        _call(name, corrupted)
    with pytest.raises(ValueError):
        _call(name, corrupted, losses.gradient)


def _expect_value_error_or_valid(name, inputs):
    """Some corruptions leave valid input for a loss (an extra embedding dimension for
    circle, a longer padded label for ctc, one more class for integer labels): then it
    must simply work."""
    try:
        values = _call(name, inputs)
    except ValueError:
        return
    assert np.all(np.isfinite(values))


PROBABILITY_INPUTS = {
    "binary_crossentropy": binary(False),
    "binary_focal_crossentropy": binary(False),
    "categorical_crossentropy": categorical(False),
    "categorical_focal_crossentropy": categorical(False),
    "sparse_categorical_crossentropy": sparse(False),
    "categorical_generalized_cross_entropy": with_kwargs(sparse(False), q=st.just(0.5)),
    "kl_divergence": distributions(),
}
# dice and tversky accept any values, as Keras does (with a warning): see test_losses_errors.


@settings(max_examples=50, deadline=None)
@given(
    name=st.sampled_from(sorted(PROBABILITY_INPUTS)),
    data=st.data(),
    outside=st.one_of(floats(-1e6, -1e-12), floats(1.0 + 1e-12, 1e6)),
)
def test_probabilities_outside_0_1_warn_and_give_a_finite_value(name, data, outside):
    """Keras clips (or uses) them and returns a number: so does the twin, with a warning
    naming y_pred; only where Keras's own result is NaN does the twin raise instead."""
    y_true, y_pred, kwargs = data.draw(PROBABILITY_INPUTS[name])
    y_pred = y_pred.copy()
    y_pred.flat[data.draw(st.integers(0, y_pred.size - 1))] = outside
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            values = _call(name, (y_true, y_pred, kwargs))
        except ValueError as error:
            assert re.search(r"`y_pred`. Expected .*Keras .*(returns NaN|NaN)", str(error)), str(error)
            return
    assert np.all(np.isfinite(values))
    assert any(re.match(r"y_pred: expected (probabilities|a probability distribution)", str(w.message)) for w in record)


# The residual curves used by the explorers.


@pytest.mark.parametrize("name", losses.RESIDUAL_LOSSES)
@SETTINGS
@given(residual=arrays(st.integers(1, 20), -1e6, 1e6), data=st.data())
def test_residual_curves_are_even_with_odd_slopes_pointing_away_from_zero(name, residual, data):
    kwargs = {}
    if name in ("huber", "pseudo_huber"):
        kwargs = {"delta": data.draw(floats(1e-3, 1e3))}
    elif name == "general_robust":
        kwargs = {"alpha": data.draw(floats(-1e3, 2.0)), "scale": data.draw(floats(1e-2, 1e2))}
    values = losses.residual_loss(name, residual, **kwargs)
    slopes = losses.residual_gradient(name, residual, **kwargs)
    assert values.shape == slopes.shape == residual.shape
    assert np.all(values >= -1e-15) and np.all(np.isfinite(values))
    # Exactly even except for log_cosh's x + softplus(-2x) - log 2, which rounds asymmetrically.
    np.testing.assert_allclose(losses.residual_loss(name, -residual, **kwargs), values, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(losses.residual_gradient(name, -residual, **kwargs), -slopes, rtol=1e-12, atol=1e-15)
    assert np.all(slopes * residual >= 0.0)
    np.testing.assert_array_equal(losses.residual_loss(name, np.zeros(3), **kwargs), 0.0)
