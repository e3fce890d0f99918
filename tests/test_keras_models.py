"""lossviz.keras_models: the breast cancer scorer of notebooks 05 and 06."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from lossviz.data import breast_cancer_split  # noqa: E402
from lossviz.keras_models import fit_logistic_regression, predict_scores  # noqa: E402

# Tier (conftest.py): drives Keras and fits models
pytestmark = [pytest.mark.keras, pytest.mark.trains]


@pytest.fixture(scope="module")
def split():
    return breast_cancer_split(positive="malignant")


@pytest.fixture(scope="module")
def model(split):
    X_train, _, y_train, _ = split
    return fit_logistic_regression(X_train, y_train)


def test_model_is_one_sigmoid_unit(model):
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert len(model.layers) == 1 and len(dense) == 1
    assert dense[0].units == 1 and dense[0].activation is keras.activations.sigmoid
    assert model.loss == "binary_crossentropy" and isinstance(model.optimizer, keras.optimizers.Adam)
    assert int(model.optimizer.iterations) == 5 * int(np.ceil(426 / 64))  # 5 epochs of batch 64


def test_scores_are_the_logistic_formula(model, split):
    _, X_test, _, _ = split
    weights, bias = model.layers[0].get_weights()
    expected = 1.0 / (1.0 + np.exp(-(X_test @ weights[:, 0].astype(np.float64) + bias[0])))
    y_score = predict_scores(model, X_test)
    assert y_score.shape == (len(X_test),) and y_score.dtype == np.float64
    np.testing.assert_allclose(y_score, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y_score, model.predict(X_test, verbose=0)[:, 0], rtol=1e-6)


def test_fit_is_deterministic_for_a_seed(model, split):
    X_train, X_test, y_train, _ = split
    again = fit_logistic_regression(X_train, y_train, seed=0)
    np.testing.assert_array_equal(predict_scores(again, X_test), predict_scores(model, X_test))
    other = fit_logistic_regression(X_train, y_train, seed=1)
    assert not np.allclose(predict_scores(other, X_test), predict_scores(model, X_test))


def test_it_learns_about_as_well_as_scikit_learn(model, split):
    X_train, X_test, y_train, y_test = split
    ours = np.mean((predict_scores(model, X_test) > 0.5) == y_test)
    theirs = LogisticRegression().fit(X_train, y_train).score(X_test, y_test)
    assert ours > 0.93 and abs(ours - theirs) < 0.04


def test_labels_code_malignant_as_one_with_the_same_split():
    benign = breast_cancer_split()
    malignant = breast_cancer_split(positive="malignant")
    np.testing.assert_array_equal(benign[0], malignant[0])
    np.testing.assert_array_equal(benign[3], 1 - malignant[3])
    assert malignant[3].sum() == 53  # 212 of the 569 tumours are malignant


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda X, y: fit_logistic_regression(X[:, 0], y),
            r"argument `X_train`. Expected a 2-D array \(n_samples, n_features\). Received: shape \(426,\)\.$",
        ),
        (
            lambda X, y: fit_logistic_regression(X, y + 1),
            r"argument `y_train`. Expected a 1-D array of labels in \{0, 1\}. Received: shape \(426,\) with values \[1, 2\]\.$",
        ),
        (
            lambda X, y: fit_logistic_regression(X, y[:, None]),
            r"argument `y_train`.*Received: shape \(426, 1\) with values \[0, 1\]\.$",
        ),
        (lambda X, y: fit_logistic_regression(X, y[:-1]), r"argument `y_train`. Expected the same number of samples"),
        (lambda X, y: fit_logistic_regression(np.full_like(X, np.nan), y), r"argument `X_train`"),
        (
            lambda X, y: breast_cancer_split(positive="cancer"),
            r"argument `positive`. Expected one of \{'benign', 'malignant'\}",
        ),
    ],
)
def test_bad_input_fails_loudly(split, call, message):
    X_train, _, y_train, _ = split
    with pytest.raises(ValueError, match=message):
        call(X_train, y_train)


def test_predict_scores_refuses_a_multi_output_model(split):
    softmax = keras.Sequential([keras.Input((30,)), keras.layers.Dense(2, activation="softmax")])
    with pytest.raises(
        ValueError,
        match=r"argument `model`. Expected a model with one sigmoid output, shape \(n, 1\). Received: output of shape \(143, 2\)\.$",
    ):
        predict_scores(softmax, split[1])


def test_fit_steps_equals_fit_with_one_batch_per_epoch():
    from lossviz.keras_models import fit_steps

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(12, 2)).astype("float32"), rng.normal(size=(12, 1)).astype("float32")

    def fresh():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        return model

    slow = fresh()
    slow.fit(x, y, batch_size=6, epochs=5, shuffle=False, verbose=0)  # 10 steps
    fast = fit_steps(fresh(), x, y, steps=10, batch_size=6)
    for a, b in zip(slow.get_weights(), fast.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="argument `batch_size`. Expected a divisor of len"):
        fit_steps(fresh(), x, y, steps=2, batch_size=5)
