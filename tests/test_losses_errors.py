"""Bad input to lossviz.losses fails loudly: ValueError naming the argument, the
expectation and what arrived. Every message is matched; the gradient refuses the
same input as its loss."""

from __future__ import annotations

import re

import numpy as np
import pytest

import lossviz.losses as losses

GOOD_2D = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
GOOD_PROBABILITIES = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
LABELS = np.array([1.0, 0.0])


def _raises(pattern):
    return pytest.raises(ValueError, match=pattern)


def _both(loss, y_true, y_pred, pattern, **kwargs):
    """The loss and its gradient refuse the input with the same message."""
    with _raises(pattern):
        losses.get(loss)(y_true, y_pred, **kwargs)
    with _raises(pattern):
        losses.gradient(loss, y_true, y_pred, **kwargs)


ELEMENTWISE_LOSSES = [
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "huber",
    "log_cosh",
    "cosine_similarity",
    "poisson",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "kl_divergence",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "dice",
    "tversky",
    "pseudo_huber",
    "general_robust",
]


# Shapes.


@pytest.mark.parametrize("loss", ELEMENTWISE_LOSSES)
def test_unalignable_shapes(loss):
    pattern = re.escape("Invalid value for argument `y_pred`. Expected a shape that matches `y_true` (2, 3)")
    _both(loss, GOOD_2D, np.full((3, 3), 0.5), pattern + r".*Received: y_pred.shape=\(3, 3\)")


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy", "hinge"])
def test_no_surprise_broadcast_of_b_against_b_c(loss):
    """keras.losses.mean_squared_error broadcasts (3,) against (3, 3) without a word."""
    _both(
        loss,
        np.array([0.0, 1.0, 1.0]),
        np.full((3, 3), 0.5),
        r"`y_pred`.*never broadcasts.*Received: y_pred.shape=\(3, 3\)",
    )


def test_one_hot_width_mismatch():
    pattern = (
        r"`y_true`. Expected one-hot targets with as many classes as `y_pred` along axis -1 \(3\). Received: 4 classes"
    )
    for loss in ("categorical_crossentropy", "categorical_focal_crossentropy", "categorical_hinge"):
        _both(loss, np.eye(4)[[0, 1]], GOOD_PROBABILITIES, pattern)


def test_a_single_class_warns_like_keras():
    with pytest.warns(UserWarning, match="single class along axis -1.*use binary_crossentropy"):
        value = losses.categorical_crossentropy([[1.0], [0.0]], [[0.3], [0.9]])
    np.testing.assert_allclose(value, [-np.log(1 - 1e-7), 0.0])


def test_integer_labels_given_to_categorical_crossentropy():
    _both(
        "categorical_crossentropy",
        LABELS,
        GOOD_PROBABILITIES,
        r"integer class labels need sparse_categorical_crossentropy",
    )


def test_sparse_label_shape_mismatch():
    pattern = r"`y_true`. Expected integer class labels of shape \(2,\).*one-hot targets need categorical_crossentropy. Received: y_true.shape=\(2, 3\)"
    _both("sparse_categorical_crossentropy", GOOD_2D, GOOD_PROBABILITIES, pattern)


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy", "dice"])
def test_scalars_are_refused(loss):
    _both(loss, 0.5, 0.5, r"`y_true`. Expected an array with at least one dimension")


def test_ctc_shapes():
    logits = np.zeros((1, 4, 3))
    _both(
        "ctc",
        np.array([1.0, 2.0]),
        logits,
        r"`y_true`. Expected integer labels of shape \(batch_size, max_length\). Received: y_true.shape=\(2,\)",
    )
    _both(
        "ctc",
        np.array([[1.0]]),
        np.zeros((1, 3)),
        r"`y_pred`. Expected logits of shape \(batch_size, time_steps, num_classes\)",
    )
    _both("ctc", np.array([[1.0], [2.0]]), logits, r"`y_pred`. Expected the batch size of `y_true` \(2\). Received: 1")


def test_circle_shapes():
    embeddings = np.eye(3)
    _both("circle", np.array([0.0, 1.0]), embeddings, r"`y_pred`. Expected embeddings of shape \(2, embedding_dim\)")
    _both(
        "circle",
        np.array([0.0, 1.0, 1.0]),
        embeddings,
        r"`ref_labels`. Expected one label per reference embedding \(2\)",
        ref_labels=[0, 1, 1],
        ref_embeddings=np.eye(3)[:2],
    )
    _both(
        "circle",
        np.array([0.0, 1.0, 1.0]),
        embeddings,
        r"`ref_embeddings`. Expected embeddings of shape \(n_references, 3\)",
        ref_embeddings=np.eye(2),
    )


# Values: NaN, inf, empty, non-numeric.


@pytest.mark.parametrize("loss", ELEMENTWISE_LOSSES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values(loss, bad):
    y_pred = GOOD_PROBABILITIES.copy()
    y_pred[1, 2] = bad
    pattern = r"`y_pred`. Expected finite values \(no NaN or inf\). Received: 1 non-finite value\(s\), the first .* at index \(1, 2\)"
    _both(loss, GOOD_2D, y_pred, pattern)
    y_true = GOOD_2D.copy()
    y_true[0, 0] = bad
    _both(loss, y_true, GOOD_PROBABILITIES, pattern.replace("y_pred", "y_true").replace(r"\(1, 2\)", r"\(0, 0\)"))


@pytest.mark.parametrize("loss", ELEMENTWISE_LOSSES)
def test_empty_arrays(loss):
    _both(
        loss,
        np.zeros((0, 3)),
        np.zeros((0, 3)),
        r"`y_true`. Expected a non-empty array. Received: y_true=an empty array of shape \(0, 3\)",
    )


def test_non_numeric_input():
    _both("mse", [["a", "b"]], [[1.0, 2.0]], r"`y_true`. Expected a numeric array")
    _both(
        "sparse_categorical_crossentropy",
        LABELS,
        [["x", 1.0, 0.0], [0.5, 0.5, 0.0]],
        r"`y_pred`. Expected a numeric array",
    )


# Probabilities and labels.

PROBABILITY_LOSSES = [
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
]


@pytest.mark.parametrize("loss", PROBABILITY_LOSSES + ["sparse_categorical_crossentropy", "kl_divergence"])
@pytest.mark.parametrize("bad", [-0.3, 1.2])
def test_probabilities_outside_0_1_warn_not_raise(loss, bad):
    """Keras clips them and returns a number (compared with Keras in test_losses_out_of_range.py)."""
    y_pred = GOOD_PROBABILITIES.copy()
    y_pred[0, 1] = bad
    y_true = LABELS if loss.startswith("sparse") else GOOD_2D
    got = f"down to {bad:g}" if bad < 0 else f"up to {bad:g}"
    pattern = rf"^y_pred: expected (probabilities in|a probability distribution, values in) \[0, 1\]; got values {got}\. Keras .*clips"
    with pytest.warns(UserWarning, match=pattern):
        assert np.all(np.isfinite(losses.get(loss)(y_true, y_pred)))
    with pytest.warns(UserWarning, match=pattern):
        assert np.all(np.isfinite(losses.gradient(loss, y_true, y_pred)))
    if loss != "kl_divergence":  # the same numbers are fine as logits
        assert np.all(np.isfinite(losses.get(loss)(y_true, y_pred, from_logits=True)))


@pytest.mark.parametrize("loss", PROBABILITY_LOSSES + ["kl_divergence"])
def test_targets_outside_0_1_warn_not_raise(loss):
    with pytest.warns(UserWarning, match=r"^y_true: expected .*\[0, 1\]; got values up to 2\. Keras"):
        assert np.all(np.isfinite(losses.get(loss)(GOOD_2D * 2.0, GOOD_PROBABILITIES)))


@pytest.mark.parametrize("loss", ["dice", "tversky"])
@pytest.mark.parametrize("which", ["y_true", "y_pred"])
def test_masks_outside_0_1_warn_not_raise(loss, which):
    """Keras scores them as they are (compared with Keras in test_losses.py)."""
    arrays = {"y_true": GOOD_2D.copy(), "y_pred": GOOD_PROBABILITIES.copy()}
    arrays[which][1, 0] = 1.5
    what = "a mask" if which == "y_true" else "probabilities"
    pattern = rf"^{which}: expected {what} in \[0, 1\]; got values up to 1\.5\. Keras's {loss} uses them as they are"
    with pytest.warns(UserWarning, match=pattern):
        assert np.isfinite(losses.get(loss)(arrays["y_true"], arrays["y_pred"]))
    with pytest.warns(UserWarning, match=pattern):
        assert np.all(np.isfinite(losses.gradient(loss, arrays["y_true"], arrays["y_pred"])))


def test_probability_rows_summing_to_zero():
    y_pred = GOOD_PROBABILITIES.copy()
    y_pred[1] = 0.0
    for loss in ("categorical_crossentropy", "categorical_focal_crossentropy"):
        _both(
            loss,
            GOOD_2D,
            y_pred,
            r"`y_pred`. Expected probabilities with a non-zero sum along axis -1 \(Keras divides by it and returns NaN\). Received: a row of zeros",
        )


@pytest.mark.parametrize(
    ("labels", "pattern"),
    [
        (np.array([1.0, 3.0]), r"class labels in \[0, 2\] for 3 classes. Received: label 3 \(min=1, max=3\)"),
        (np.array([-1.0, 0.0]), r"class labels in \[0, 2\] for 3 classes. Received: label -1"),
    ],
    ids=["too-large", "negative"],
)
def test_sparse_labels_out_of_range(labels, pattern):
    """Keras on TensorFlow raises (InvalidArgumentError); JAX silently scores 0."""
    _both("sparse_categorical_crossentropy", labels, GOOD_PROBABILITIES, pattern)


@pytest.mark.parametrize(
    "loss, kwargs", [("sparse_categorical_crossentropy", {}), ("categorical_generalized_cross_entropy", {"q": 0.5})]
)
def test_float_labels_are_truncated_with_a_warning(loss, kwargs):
    pattern = r"^y_true: expected integer class labels; got 1\.5 and 1 more non-integer value\(s\)\. Keras casts labels to integers, truncating toward zero, so 1\.5 becomes class 1"
    with pytest.warns(UserWarning, match=pattern):
        value = losses.get(loss)(np.array([1.5, 0.9]), GOOD_PROBABILITIES, **kwargs)
    np.testing.assert_array_equal(value, losses.get(loss)(np.array([1, 0]), GOOD_PROBABILITIES, **kwargs))


def test_generalized_labels_out_of_range_score_one_over_q_with_a_warning():
    """Keras one-hot encodes them as a row of zeros: p = 0, loss (1 - 0 ** q) / q."""
    with pytest.warns(
        UserWarning, match=r"^y_true: expected class labels in \[0, 2\] for 3 classes; got 3\. Keras one-hot"
    ):
        value = losses.categorical_generalized_cross_entropy(np.array([3, -1]), GOOD_PROBABILITIES, q=0.25)
    np.testing.assert_array_equal(value, [4.0, 4.0])


def test_ignore_class_is_the_only_label_allowed_out_of_range():
    labels = np.array([-1.0, 2.0])
    np.testing.assert_array_equal(
        losses.sparse_categorical_crossentropy(labels, GOOD_PROBABILITIES, ignore_class=-1)[0], 0.0
    )
    _both(
        "sparse_categorical_crossentropy",
        np.array([-2.0, 2.0]),
        GOOD_PROBABILITIES,
        r"class labels in \[0, 2\] for 3 classes \(or ignore_class=-1\). Received: label -2",
        ignore_class=-1,
    )


def test_ctc_labels():
    logits = np.zeros((1, 5, 4))
    pattern = r"ctc: a row of `y_true` has a 0 \(the blank/padding\) inside its labels: \[1, 0, 2\]\. Keras counts its 2 non-zero labels and reads the first 2 entries, \[1, 0\]"
    with pytest.warns(UserWarning, match=pattern):
        losses.ctc(np.array([[1.0, 0.0, 2.0]]), logits)
    with pytest.warns(UserWarning, match=pattern):
        losses.gradient("ctc", np.array([[1.0, 0.0, 2.0]]), logits)
    with pytest.warns(
        UserWarning, match=r"^y_true: expected class labels in \[1, 3\] for 4 classes \(0 is the blank\); got 4"
    ):
        assert np.isfinite(losses.ctc(np.array([[4.0]]), logits)).all()
    _both(
        "ctc",
        np.array([[1.0, 1.0, 2.0, 2.0]]),
        logits,
        r"`y_pred`. Expected at least 6 time steps to emit the labels \[1, 1, 2, 2\].*Keras returns a finite stand-in.*Received: 5 time steps",
    )


def test_circle_float_labels_are_truncated_with_a_warning():
    with pytest.warns(
        UserWarning, match=r"^y_true: expected integer class labels; got 0\.5\. Keras casts labels to integers"
    ):
        value = losses.circle(np.array([0.5, 1.0]), np.eye(2))
    np.testing.assert_array_equal(value, losses.circle(np.array([0, 1]), np.eye(2)))


# Domains of the regression losses.


def test_msle_negative_targets_warn_and_are_clipped():
    pattern = r"^y_true: expected non-negative targets; got values down to -1\. Keras's mean_squared_logarithmic_error clips them to 1e-7"
    with pytest.warns(UserWarning, match=pattern):
        value = losses.msle(np.array([[-1.0, 2.0]]), np.array([[1.0, 2.0]]))
    np.testing.assert_allclose(value, losses.msle(np.array([[1e-7, 2.0]]), np.array([[1.0, 2.0]])), rtol=1e-12)


def test_msle_negative_predictions_are_clipped_not_refused():
    value = losses.msle(np.array([[0.0, 1.0]]), np.array([[-5.0, 1.0]]))
    np.testing.assert_allclose(value, (np.log1p(1e-7) - np.log1p(1e-7)) ** 2 / 2)
    np.testing.assert_array_equal(losses.gradient("msle", np.array([[0.0, 1.0]]), np.array([[-5.0, 1.0]])), 0.0)


def test_poisson_negative_rates_are_refused():
    _both(
        "poisson",
        np.array([[1.0, 0.0]]),
        np.array([[1.0, -0.1]]),
        r"`y_pred`. Expected non-negative rates \(Keras takes log\(y_pred \+ 1e-7\) and returns NaN or inf at or below -1e-7\). Received: min=-0.1",
    )


def test_poisson_negative_counts_warn_not_raise():
    with pytest.warns(
        UserWarning, match=r"^y_true: expected non-negative counts; got values down to -1\. Keras uses them as they are"
    ):
        value = losses.poisson(np.array([[-1.0, 0.0]]), np.array([[1.0, 1.0]]))
    np.testing.assert_allclose(value, [1.0 + 0.5 * np.log(1.0 + 1e-7)])


# Hyperparameters.


@pytest.mark.parametrize("delta", [0.0, -1.0, np.nan, "one"])
@pytest.mark.parametrize("loss", ["huber", "pseudo_huber"])
def test_delta_must_be_positive(loss, delta):
    """Except in huber's twin, where Keras computes with any finite delta (a warning)."""
    pattern = r"`delta`. Expected (a number in \(0, inf\]|a real number|a finite number > 0)"
    if loss == "huber" and delta in (0.0, -1.0):
        with pytest.warns(UserWarning, match=r"^delta: expected a number > 0"):
            assert np.all(np.isfinite(losses.huber(GOOD_2D, GOOD_PROBABILITIES, delta=delta)))
    else:
        _both(loss, GOOD_2D, GOOD_PROBABILITIES, pattern, delta=delta)
    with _raises(pattern):
        losses.residual_loss(loss, np.zeros(3), delta=delta)


@pytest.mark.parametrize("q", [0.0, np.nan, np.inf, "half"])
def test_q_must_be_a_non_zero_number(q):
    _both(
        "categorical_generalized_cross_entropy",
        LABELS,
        GOOD_PROBABILITIES,
        r"`q`. Expected (a number in \(0, 1\)|a real number).*Received: q=",
        q=q,
    )


@pytest.mark.parametrize("q", [1.0, -0.5, 1.5])
def test_q_outside_0_1_warns_as_keras_function_computes(q):
    with pytest.warns(
        UserWarning,
        match=r"^q: expected a number in \(0, 1\); got .*\(its class CategoricalGeneralizedCrossEntropy refuses it\)",
    ):
        assert np.all(np.isfinite(losses.categorical_generalized_cross_entropy(LABELS, GOOD_PROBABILITIES, q=q)))


@pytest.mark.parametrize(
    ("loss", "y_true", "y_pred"),
    [
        ("binary_focal_crossentropy", GOOD_2D, GOOD_PROBABILITIES),
        ("categorical_focal_crossentropy", GOOD_2D, GOOD_PROBABILITIES),
        ("circle", np.array([0.0, 1.0, 0.0]), np.eye(3)),
    ],
)
def test_negative_gamma_warns_and_nan_gamma_raises(loss, y_true, y_pred):
    with pytest.warns(UserWarning, match=r"^gamma: expected a number in \[0, inf\]; got -1\. Keras"):
        assert np.all(np.isfinite(losses.get(loss)(y_true, y_pred, gamma=-1.0)))
    _both(loss, y_true, y_pred, r"`gamma`. Expected a finite number. Received: gamma=nan", gamma=np.nan)


@pytest.mark.parametrize("label_smoothing", [-0.1, 1.5])
@pytest.mark.parametrize("loss", PROBABILITY_LOSSES)
def test_label_smoothing_outside_0_1_warns(loss, label_smoothing):
    pattern = rf"^label_smoothing: expected a number in \[0, 1\]; got {label_smoothing:g}\. Keras applies it as it is"
    with pytest.warns(UserWarning, match=pattern):
        assert np.all(np.isfinite(losses.get(loss)(GOOD_2D, GOOD_PROBABILITIES, label_smoothing=label_smoothing)))
    _both(loss, GOOD_2D, GOOD_PROBABILITIES, r"`label_smoothing`. Expected a real number", label_smoothing="some")


def test_focal_alpha():
    with pytest.warns(UserWarning, match=r"^alpha: expected a number in \[0, 1\]; got 1\.5\. Keras weights class 1"):
        losses.binary_focal_crossentropy(GOOD_2D, GOOD_PROBABILITIES, alpha=1.5)
    _both(
        "categorical_focal_crossentropy",
        GOOD_2D,
        GOOD_PROBABILITIES,
        r"`alpha`. Expected a number or a sequence of 3 class weights",
        alpha=[0.5, 0.5],
    )
    _both(
        "categorical_focal_crossentropy",
        GOOD_2D,
        GOOD_PROBABILITIES,
        r"`alpha`. Expected finite weights",
        alpha=[0.5, np.inf, 1.0],
    )
    with pytest.warns(UserWarning, match=r"^alpha: expected non-negative class weights; got -0\.5\. Keras multiplies"):
        losses.categorical_focal_crossentropy(GOOD_2D, GOOD_PROBABILITIES, alpha=[0.5, -0.5, 1.0])


def test_tversky_weights():
    for name in ("alpha", "beta"):
        with pytest.warns(
            UserWarning, match=rf"^{name}: expected a number in \[0, inf\]; got -0\.1\. Keras uses it as it is"
        ):
            losses.tversky(GOOD_2D, GOOD_PROBABILITIES, **{name: -0.1})
        _both("tversky", GOOD_2D, GOOD_PROBABILITIES, rf"`{name}`. Expected a finite number", **{name: np.nan})


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"alpha": 2.5}, r"`alpha`. Expected a number in \[-inf, 2\]. Received: alpha=2.5"),
        ({"alpha": np.nan}, r"`alpha`. Expected a number in \[-inf, 2\]"),
        ({"scale": 0.0}, r"`scale`. Expected a number in \(0, inf\]. Received: scale=0.0"),
    ],
)
def test_general_robust_parameters(kwargs, pattern):
    _both("general_robust", GOOD_2D, GOOD_PROBABILITIES, pattern, **kwargs)
    with _raises(pattern):
        losses.residual_gradient("general_robust", np.zeros(3), **kwargs)


@pytest.mark.parametrize(
    ("loss", "axis", "pattern"),
    [
        (
            "binary_crossentropy",
            2,
            r"`axis`. Expected an axis of an array with 2 dimension\(s\), in \[-2, 1\]. Received: axis=2",
        ),
        ("cosine_similarity", (0, -2), r"`axis`. Expected distinct axes"),
        ("dice", "rows", r"`axis`. Expected an integer or a tuple of integers"),
        ("categorical_crossentropy", True, r"`axis`. Expected an integer axis. Received: axis=True"),
        ("categorical_crossentropy", (0, 1), r"`axis`. Expected an integer axis"),
        ("sparse_categorical_crossentropy", 3, r"`axis`. Expected an axis of an array with 2 dimension\(s\)"),
    ],
)
def test_bad_axis(loss, axis, pattern):
    y_true = LABELS if loss.startswith("sparse") else GOOD_2D
    _both(loss, y_true, GOOD_PROBABILITIES, pattern, axis=axis)


# The registry and the residual helpers.


def test_unknown_loss_names():
    with _raises(r"`loss`. Expected a loss name, one of \[.*'tversky'.*\]. Received: loss='focal'"):
        losses.gradient("focal", GOOD_2D, GOOD_PROBABILITIES)
    with _raises(r"`loss`. Expected one of the lossviz.losses functions. Received: loss=<built-in function max>"):
        losses.gradient(max, GOOD_2D, GOOD_PROBABILITIES)


@pytest.mark.parametrize("name", ["binary_crossentropy", "cosine_similarity", "msle", "nope"])
def test_residual_helpers_refuse_non_regression_losses(name):
    pattern = rf"`name`. Expected a regression loss with an elementwise curve, one of \[.*'huber'.*\]. Received: name='{name}'"
    with _raises(pattern):
        losses.residual_loss(name, np.linspace(-1, 1, 5))
    with _raises(pattern):
        losses.residual_gradient(name, np.linspace(-1, 1, 5))


@pytest.mark.parametrize(
    ("residual", "pattern"),
    [([], r"`residual`. Expected a non-empty array"), ([0.0, np.nan], r"`residual`. Expected finite values")],
)
def test_residual_helpers_refuse_bad_residuals(residual, pattern):
    with _raises(pattern):
        losses.residual_loss("huber", residual)
