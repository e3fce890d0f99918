"""Keras's masked reduction: lossviz.reduction.reduce_weighted_values and apply_mask against Keras 3.

Three references on the backend KERAS_BACKEND names: Keras's own
``keras.src.losses.loss.reduce_weighted_values`` on the same arrays (hypothesis), a
real ``Loss.__call__`` whose ``y_pred`` carries a mask set by a ``Masking`` layer, and a
hand computation of what each reduction divides by.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lossviz._validation import import_keras
from lossviz.reduction import REDUCTIONS, apply_mask, reduce_weighted_values

# Tier (conftest.py): compares with Keras
pytestmark = pytest.mark.keras

keras = import_keras()
from keras.src.backend import get_keras_mask  # noqa: E402
from keras.src.losses.loss import apply_mask as keras_apply_mask  # noqa: E402
from keras.src.losses.loss import reduce_weighted_values as keras_reduce_weighted_values  # noqa: E402


def to_numpy(value):
    return np.asarray(keras.ops.convert_to_numpy(value))


@st.composite
def masked_batches(draw):
    """Per-step losses (B, T), a boolean mask (B, T) and weights of shape None, (B,), (B, 1) or (B, T)."""
    batch, steps = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    values = draw(arrays(np.float32, (batch, steps), elements=st.floats(0, 100, width=32, allow_subnormal=False)))
    mask = draw(arrays(np.bool_, (batch, steps)))
    shape = draw(st.sampled_from([None, (batch,), (batch, 1), (batch, steps)]))
    weight = (
        None
        if shape is None
        else draw(arrays(np.float32, shape, elements=st.floats(0, 5, width=32, allow_subnormal=False)))
    )
    return values, mask, weight


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(masked_batches(), st.sampled_from(REDUCTIONS))
def test_reduce_weighted_values_equals_keras(batch, reduction):
    values, mask, weight = batch
    try:
        expected = to_numpy(keras_reduce_weighted_values(values, sample_weight=weight, mask=mask, reduction=reduction))
    except Exception:  # (B,) weights against (B, T) with B != T: Keras cannot broadcast them
        with pytest.raises(ValueError, match=r"argument `sample_weight`.*a shape that broadcasts"):
            reduce_weighted_values(values, weight, mask, reduction)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # (B,) weights broadcast along T when B == T, on purpose
        ours = reduce_weighted_values(values, weight, mask, reduction)
        folded = apply_mask(weight, mask, reduction=reduction)
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-4)
    keras_folded = keras_apply_mask(weight, keras.ops.convert_to_tensor(mask), "float32", reduction)
    np.testing.assert_allclose(folded, to_numpy(keras_folded), rtol=1e-6)


PADDED = np.array(
    [[[1.0, 2.0], [3.0, 1.0], [0.0, 0.0]], [[2.0, 2.0], [0.0, 0.0], [0.0, 0.0]], [[1.0, 0.5], [2.0, 1.0], [4.0, 1.0]]],
    np.float32,
)  # three sequences of 2, 1 and 3 steps, padded with zero steps
TARGETS = np.random.default_rng(0).normal(size=PADDED.shape).astype(np.float32)
WEIGHTS = {
    "none": None,
    "per-sequence": np.array([[1.0], [3.0], [0.5]], np.float32),
    "per-step": np.random.default_rng(1).uniform(0, 2, (3, 3)).astype(np.float32),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", WEIGHTS.values(), ids=WEIGHTS.keys())
def test_a_loss_called_on_masked_predictions_reduces_like_the_twin(reduction, weight):
    """The mask reaches the loss on ``y_pred._keras_mask``, set by a Masking layer."""
    y_pred = keras.layers.Masking(mask_value=0.0)(keras.ops.convert_to_tensor(PADDED))
    mask = to_numpy(get_keras_mask(y_pred))
    np.testing.assert_array_equal(mask, np.any(PADDED != 0, axis=-1))
    expected = to_numpy(keras.losses.MeanSquaredError(reduction=reduction)(TARGETS, y_pred, sample_weight=weight))
    per_step = np.mean((TARGETS - PADDED) ** 2, axis=-1)
    np.testing.assert_allclose(reduce_weighted_values(per_step, weight, mask, reduction), expected, rtol=1e-6)


def test_each_reduction_divides_by_what_the_docstring_says():
    """Hand computation, float32: the masked mean runs over the valid steps, not the weights."""
    y_pred = keras.layers.Masking(mask_value=0.0)(keras.ops.convert_to_tensor(PADDED))
    per_step = np.mean((TARGETS - PADDED) ** 2, axis=-1)
    kept = np.any(PADDED != 0, axis=-1)
    weight = WEIGHTS["per-step"]
    weighted_sum = np.sum(per_step * weight * kept)
    expected = {
        "sum_over_batch_size": weighted_sum / kept.sum(),  # 6 valid steps, whatever the weights
        "mean_with_sample_weight": weighted_sum / np.sum(weight * kept),
        "sum": weighted_sum,
    }
    for reduction, by_hand in expected.items():
        keras_loss = to_numpy(keras.losses.MeanSquaredError(reduction=reduction)(TARGETS, y_pred, sample_weight=weight))
        np.testing.assert_allclose(keras_loss, by_hand, rtol=1e-6)
        np.testing.assert_allclose(reduce_weighted_values(per_step, weight, kept, reduction), by_hand, rtol=1e-6)
    unmasked = reduce_weighted_values(per_step, weight, None, "sum_over_batch_size")
    assert unmasked < expected["sum_over_batch_size"]  # padded steps counted as zeros lower the mean


def test_a_mask_that_keeps_nothing_gives_zero_like_keras():
    values, mask = np.ones((2, 3), np.float32), np.zeros((2, 3), bool)
    for reduction in ("sum_over_batch_size", "mean_with_sample_weight", "sum"):
        expected = float(to_numpy(keras_reduce_weighted_values(values, mask=mask, reduction=reduction)))
        assert reduce_weighted_values(values, None, mask, reduction) == expected == 0.0


def test_a_non_boolean_mask_gives_keras_number_and_a_warning():
    values, mask = np.arange(6, dtype=np.float32).reshape(2, 3), np.array([[1.0, 0.5, 0.0], [2.0, 1.0, 1.0]])
    for reduction in ("sum_over_batch_size", "sum"):
        expected = float(to_numpy(keras_reduce_weighted_values(values, mask=mask, reduction=reduction)))
        with pytest.warns(UserWarning, match=r"^mask: expected booleans .*Keras casts them"):
            ours = reduce_weighted_values(values, None, mask, reduction)
        np.testing.assert_allclose(ours, expected, rtol=1e-6)


def test_one_dimensional_weights_broadcast_along_the_steps_like_keras_with_a_warning():
    """(B,) weights against (B, T) steps: Keras weights step t by w[t] when B == T, not sequence b by w[b]."""
    y_pred = keras.layers.Masking(mask_value=0.0)(keras.ops.convert_to_tensor(PADDED))
    weight = np.array([1.0, 3.0, 0.5], np.float32)
    expected = to_numpy(keras.losses.MeanSquaredError()(TARGETS, y_pred, sample_weight=weight))
    per_step, kept = np.mean((TARGETS - PADDED) ** 2, axis=-1), np.any(PADDED != 0, axis=-1)
    with pytest.warns(UserWarning, match=r"^sample_weight: expected one weight per sample, shape \(3, 1\)"):
        ours = reduce_weighted_values(per_step, weight, kept)
    np.testing.assert_allclose(ours, expected, rtol=1e-6)
    per_sequence = reduce_weighted_values(per_step, weight[:, None], kept)
    assert abs(ours - per_sequence) > 1e-3  # not what a per-sample weight means
