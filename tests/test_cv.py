"""lossviz.cv: k-fold cross-validation of Keras models, sequential, in joblib workers and on Dask.

Tiny models and data (120 samples, 3 folds, 2-3 epochs) keep the file fast; the
parallel tests pay for starting workers that import TensorFlow.
"""

import os
import random
import threading

import joblib
import numpy as np
import pytest
import sklearn.metrics
from sklearn.datasets import load_breast_cancer
from sklearn.feature_selection import SelectKBest
from sklearn.model_selection import KFold, StratifiedGroupKFold, StratifiedKFold, StratifiedShuffleSplit
from sklearn.preprocessing import StandardScaler

from lossviz import cv
from lossviz._validation import import_keras
from lossviz.cv import check_fold_loop, cross_validate_keras, default_metrics

# Tier (conftest.py): drives Keras and fits models
pytestmark = [pytest.mark.keras, pytest.mark.trains]

keras = import_keras()

N_FEATURES = 4
FIT = {"epochs": 2, "batch_size": 16}


def build_model():
    model = keras.Sequential(
        [
            keras.Input((N_FEATURES,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    return model


def make_data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    # Features on very different scales, so that scaling matters and differs per fold.
    X = rng.normal(size=(n, N_FEATURES)) * [1.0, 10.0, 100.0, 0.1] + [0.0, 5.0, -50.0, 1.0]
    y = (X[:, 0] + 0.02 * X[:, 2] + rng.normal(scale=0.5, size=n) > -1.0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def data():
    return make_data()


class WeightRecorder(keras.callbacks.Callback):
    """Keeps the weights at the start and the end of every fit it takes part in."""

    def __init__(self):
        super().__init__()
        self.start, self.end = [], []

    def on_train_begin(self, logs=None):
        self.start.append([w.copy() for w in self.model.get_weights()])

    def on_train_end(self, logs=None):
        self.end.append([w.copy() for w in self.model.get_weights()])


@pytest.fixture(scope="module")
def recorder():
    return WeightRecorder()


@pytest.fixture(scope="module")
def sequential(data, recorder):
    X, y = data
    # With n_jobs=1 the folds run here, so the one recorder sees every fold's fit.
    return cross_validate_keras(
        build_model,
        X,
        y,
        cv=3,
        fit_kwargs={**FIT, "callbacks": [recorder]},
        preprocess=StandardScaler,
        seed=7,
        n_jobs=1,
        return_models=True,
    )


# ------------------------------------------------------------------ determinism


def test_same_seed_gives_the_same_numbers(data, sequential):
    X, y = data
    again = cross_validate_keras(build_model, X, y, cv=3, fit_kwargs=FIT, preprocess=StandardScaler, seed=7, n_jobs=1)
    for name in sequential.metric_names:
        np.testing.assert_array_equal(again.scores(name), sequential.scores(name))
    assert again.histories == sequential.histories


# The tests that start loky's two worker processes share one xdist worker, so the second
# finds joblib's reusable executor there, TensorFlow already imported.
LOKY_WORKERS = pytest.mark.xdist_group("cv-loky-workers")


@LOKY_WORKERS
def test_two_workers_give_the_same_numbers_as_one(data, sequential):
    X, y = data
    parallel = cross_validate_keras(
        build_model, X, y, cv=3, fit_kwargs=FIT, preprocess=StandardScaler, seed=7, n_jobs=2, return_models=True
    )
    for name in sequential.metric_names:
        np.testing.assert_allclose(parallel.scores(name), sequential.scores(name), rtol=0, atol=1e-12)
    for mine, theirs in zip(parallel.histories, sequential.histories):
        np.testing.assert_allclose(mine["loss"], theirs["loss"], rtol=1e-7)
    # The folds really ran in other processes, each with TensorFlow's threads limited.
    pids = {worker["pid"] for worker in parallel.workers}
    assert os.getpid() not in pids and len(pids) == 2
    assert {worker["tf_threads"] for worker in parallel.workers} == {max(1, joblib.cpu_count() // 2)}
    assert {worker["pid"] for worker in sequential.workers} == {os.getpid()}
    assert {worker["tf_threads"] for worker in sequential.workers} == {None}
    # The models trained in the workers come back whole, with the same weights.
    for mine, theirs in zip(parallel.models, sequential.models):
        for got, expected in zip(mine.get_weights(), theirs.get_weights()):
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-7)


def another_thread_draws_from_random():
    """What a Dask worker's event loop does while a fold runs (dask.sizeof calls random.sample)."""
    thread = threading.Thread(target=lambda: random.sample(range(100), 10))
    thread.start()
    thread.join()


def build_model_amid_other_threads():
    another_thread_draws_from_random()
    return build_model()


def test_other_threads_drawing_from_random_do_not_change_a_fold(data, sequential):
    X, y = data
    noisy = cross_validate_keras(
        build_model_amid_other_threads, X, y, cv=3, fit_kwargs=FIT, preprocess=StandardScaler, seed=7, n_jobs=1
    )
    assert noisy.histories == sequential.histories
    # The same draws in this thread are the fold's own business: they change its weights.
    keras.utils.set_random_seed(0)
    quiet = build_model().get_weights()[0]
    keras.utils.set_random_seed(0)
    random.random()
    assert not np.array_equal(build_model().get_weights()[0], quiet)


def build_issue_model():
    """The case of issue 17: one sigmoid unit on breast cancer, SGD 0.1."""
    model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
    return model


@pytest.mark.slow
@LOKY_WORKERS
def test_loky_and_a_dask_cluster_give_the_sequential_numbers():
    import distributed

    X, y = load_breast_cancer(return_X_y=True)
    settings = {"cv": 4, "preprocess": StandardScaler, "fit_kwargs": {"epochs": 3, "batch_size": 32}, "seed": 0}
    sequential = cross_validate_keras(build_issue_model, X, y, n_jobs=1, **settings)
    runs = {"loky": cross_validate_keras(build_issue_model, X, y, n_jobs=2, **settings)}
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster),
    ):
        with joblib.parallel_config(backend="dask"):
            runs["dask"] = cross_validate_keras(build_issue_model, X, y, **settings)
    for engine, result in runs.items():
        pids = [worker["pid"] for worker in result.workers]
        assert os.getpid() not in pids and len(set(pids)) == 2, engine
        for name in sequential.metric_names:
            np.testing.assert_allclose(
                result.scores(name), sequential.scores(name), rtol=0, atol=1e-9, err_msg=f"{engine}: {name}"
            )
        for mine, theirs in zip(result.histories, sequential.histories):
            np.testing.assert_allclose(mine["loss"], theirs["loss"], rtol=1e-7, err_msg=engine)


# ------------------------------------------------------------ a fresh model per fold


def test_every_fold_starts_from_a_fresh_build(sequential, recorder):
    assert len(recorder.start) == 3
    for fold, start in enumerate(recorder.start):
        keras.utils.set_random_seed(7 + fold)
        fresh = build_model().get_weights()
        for got, expected in zip(start, fresh):
            np.testing.assert_array_equal(got, expected)
        if fold:
            assert not np.array_equal(start[0], recorder.end[fold - 1][0]), "fold re-used trained weights"
            # Fold i is seeded with seed + i: each fold starts from its own initial weights.
            assert not np.array_equal(start[0], recorder.start[fold - 1][0])


def test_a_builder_returning_one_trained_model_is_refused(data):
    X, y = data
    shared = build_model()

    def same_model_every_time():
        return shared

    with pytest.raises(ValueError, match=r"`build_model`.*already trained for \d+ steps"):
        cross_validate_keras(same_model_every_time, X, y, cv=3, fit_kwargs=FIT, n_jobs=1)


# ------------------------------------------------------ preprocessing inside the folds


def test_preprocessing_is_fitted_on_each_training_fold_only(data, sequential):
    X, y = data
    means = [scaler.mean_ for scaler in sequential.preprocessors]
    for scaler, (train, _test) in zip(sequential.preprocessors, sequential.indices):
        np.testing.assert_allclose(scaler.mean_, X[train].mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(scaler.scale_, X[train].std(axis=0), rtol=1e-12)
        assert not np.allclose(scaler.mean_, X.mean(axis=0), rtol=1e-6)
    assert not np.allclose(means[0], means[1]) and not np.allclose(means[1], means[2])
    # The splits are a shuffled StratifiedKFold of the seed, and partition the rows.
    expected = StratifiedKFold(3, shuffle=True, random_state=7).split(X, y)
    for (train, test), (train_ref, test_ref) in zip(sequential.indices, expected):
        np.testing.assert_array_equal(test, test_ref)
        np.testing.assert_array_equal(train, train_ref)
    assert sorted(np.concatenate([test for _, test in sequential.indices]).tolist()) == list(range(len(X)))


def test_scores_are_the_metrics_of_each_folds_own_model(data, sequential):
    X, y = data
    for fold, ((train, test), model, scaler) in enumerate(
        zip(sequential.indices, sequential.models, sequential.preprocessors)
    ):
        y_score = model.predict(scaler.transform(X[test]), verbose=0)[:, 0]
        assert sequential.folds[fold]["roc_auc"] == pytest.approx(
            sklearn.metrics.roc_auc_score(y[test], y_score), abs=1e-9
        )
        assert sequential.folds[fold]["accuracy"] == pytest.approx(
            sklearn.metrics.accuracy_score(y[test], y_score > 0.5), abs=1e-9
        )
        assert sequential.folds[fold]["n_train"] == len(train) == 80
    summary = sequential.summary
    assert summary["f1"]["mean"] == pytest.approx(np.mean(sequential.scores("f1")))
    assert summary["f1"]["std"] == pytest.approx(np.std(sequential.scores("f1")))


def test_supervised_preprocessing_sees_the_training_labels_only(data):
    X, y = data
    result = cross_validate_keras(
        build_model_two_features,
        X,
        y,
        cv=[(np.arange(60), np.arange(60, 120))],
        preprocess=SelectKBest(k=2),
        fit_kwargs=FIT,
        n_jobs=1,
    )
    selector = result.preprocessors[0]
    reference = SelectKBest(k=2).fit(X[:60], y[:60])
    np.testing.assert_array_equal(selector.scores_, reference.scores_)
    assert result.splitter == "given splits" and result.folds[0]["n_test"] == 60


def build_model_two_features():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


# --------------------------------------------------------------- best weights per fold


def test_best_weights_are_restored_from_the_checkpoint(data):
    X, y = data
    X = StandardScaler().fit_transform(X)

    def jumpy_model():
        # A learning rate far too large: the validation loss jumps around, so the best
        # epoch is rarely the last one.
        model = build_model()
        model.compile(optimizer=keras.optimizers.SGD(3.0), loss="binary_crossentropy")
        return model

    result = cross_validate_keras(
        jumpy_model,
        X,
        y,
        cv=2,
        fit_kwargs={"epochs": 5, "batch_size": 8},
        best_weights=True,
        return_models=True,
        seed=1,
        n_jobs=1,
    )
    restored_before_last = 0
    for fold, ((train, _), model) in enumerate(zip(result.indices, result.models)):
        val_loss = result.histories[fold]["val_loss"]
        best_epoch = result.folds[fold]["best_epoch"]
        assert best_epoch == int(np.argmin(val_loss)) + 1
        restored_before_last += best_epoch < len(val_loss)
        # The inner validation rows: 20 % of the training fold, stratified, seeded per fold.
        inner_split = StratifiedShuffleSplit(n_splits=1, test_size=0.2, random_state=1 + fold)
        _, validation = next(inner_split.split(X[train], y[train]))
        loss = model.evaluate(X[train][validation], y[train][validation], verbose=0)
        assert loss == pytest.approx(min(val_loss), rel=1e-5)
    assert restored_before_last >= 1, "no fold had a best epoch before the last: weak test"


# ------------------------------------------------------------------------ splitters


def test_an_integer_cv_picks_the_splitter_of_the_target():
    y_binary = np.array([0, 1] * 10)
    assert isinstance(cv._splitter(4, classification=True, grouped=False, seed=0), StratifiedKFold)
    assert isinstance(cv._splitter(4, classification=False, grouped=False, seed=0), KFold)
    grouped = cv._splitter(2, classification=True, grouped=True, seed=0)
    assert isinstance(grouped, StratifiedGroupKFold)
    groups = np.repeat(np.arange(5), 4)
    for train, test in grouped.split(np.zeros(20), y_binary, groups):
        assert not set(groups[train]) & set(groups[test])
    assert cv._task(np.array([0.5, 1.5, 2.0]))[0] == "regression"
    task, labels = cv._task(np.eye(3)[[0, 1, 2, 1]])
    assert task == "multiclass" and labels.tolist() == [0, 1, 2, 1]


# ------------------------------------------------------------------- default metrics


def test_default_metrics_are_scikit_learn_scorers_and_metrics():
    assert default_metrics("binary") == {name: name for name in ("accuracy", "precision", "recall", "f1", "roc_auc")}
    assert default_metrics("multiclass") == {"accuracy": "accuracy", "f1_macro": "f1_macro"}
    assert default_metrics("regression") == {
        "mse": sklearn.metrics.mean_squared_error,
        "mae": sklearn.metrics.mean_absolute_error,
        "r2": "r2",
    }
    with pytest.raises(ValueError, match="`task`"):
        default_metrics("ranking")


def build_regressor():
    model = keras.Sequential([keras.Input((N_FEATURES,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


def build_three_classes():
    model = keras.Sequential([keras.Input((N_FEATURES,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy")
    return model


def test_regression_and_one_hot_multiclass_scores_equal_scikit_learn(data):
    X, _ = data
    X = StandardScaler().fit_transform(X)
    target = X @ [1.0, -2.0, 0.5, 0.0] + 0.3
    result = cross_validate_keras(build_regressor, X, target, cv=2, fit_kwargs=FIT, n_jobs=1, return_models=True)
    assert result.splitter == "KFold" and result.metric_names == ("mse", "mae", "r2")
    for fold, ((_, test), model) in enumerate(zip(result.indices, result.models)):
        prediction = keras.ops.convert_to_numpy(model(X[test]))[:, 0]
        for name, metric in [
            ("mse", sklearn.metrics.mean_squared_error),
            ("mae", sklearn.metrics.mean_absolute_error),
            ("r2", sklearn.metrics.r2_score),
        ]:
            assert result.folds[fold][name] == pytest.approx(metric(target[test], prediction), rel=1e-9), name
    assert result.folds[0]["mse"] > 0  # an error, not scikit-learn's negated score
    labels = np.digitize(X[:, 0], [-0.5, 0.5])
    result = cross_validate_keras(
        build_three_classes, X, np.eye(3)[labels], cv=2, fit_kwargs=FIT, n_jobs=1, return_models=True
    )
    assert result.splitter == "StratifiedKFold" and result.metric_names == ("accuracy", "f1_macro")
    for fold, ((_, test), model) in enumerate(zip(result.indices, result.models)):
        predicted = keras.ops.convert_to_numpy(model(X[test])).argmax(axis=1)
        assert result.folds[fold]["accuracy"] == pytest.approx(sklearn.metrics.accuracy_score(labels[test], predicted))
        assert result.folds[fold]["f1_macro"] == pytest.approx(
            sklearn.metrics.f1_score(labels[test], predicted, average="macro")
        )


def test_default_metrics_refuse_logits_naming_the_model(data):
    X, y = data

    def logits_model():
        model = keras.Sequential([keras.Input((N_FEATURES,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss=keras.losses.BinaryCrossentropy(from_logits=True))
        return model

    with pytest.raises(ValueError, match=r"`build_model`.*probabilities.*Received: predictions in \[-?\d"):
        cross_validate_keras(logits_model, X, y, cv=2, fit_kwargs={"epochs": 1}, n_jobs=1)
    # Metric functions receive the raw outputs, logits included.
    result = cross_validate_keras(
        logits_model,
        X,
        y,
        cv=2,
        fit_kwargs={"epochs": 1},
        n_jobs=1,
        metrics={"roc_auc": sklearn.metrics.roc_auc_score, "ap": sklearn.metrics.average_precision_score},
    )
    assert result.metric_names == ("roc_auc", "ap")


# ------------------------------------------------------------------------- the result


def test_the_result_reads_as_a_table(sequential):
    text = str(sequential)
    lines = text.splitlines()
    assert lines[0].startswith("3-fold cross-validation (StratifiedKFold, seed=7)")
    assert lines[1].split()[:5] == ["fold", "n_train", "n_test", "accuracy", "precision"]
    assert lines[-2].split()[0] == "mean" and lines[-1].split()[0] == "std"
    assert f"{sequential.summary['accuracy']['mean']:.4f}" in lines[-2]
    markdown = sequential._repr_markdown_()
    assert "| fold | n_train | n_test | accuracy |" in markdown
    assert markdown.count("\n|") == 2 + 3 + 2  # header, rule, 3 folds, mean, std
    assert repr(sequential) == text
    with pytest.raises(ValueError, match="`name`"):
        sequential.scores("auc")


# ---------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    "kwargs, message",
    [
        pytest.param(
            {"y": np.zeros(119)},
            r"`y`. Expected the same number of samples as `X` \(120\). Received: 119",
            id="length-mismatch",
        ),
        pytest.param({"cv": 1}, r"`cv`. Expected an integer >= 2. Received: cv=1", id="one-fold"),
        pytest.param({"cv": 2.5}, r"`cv`. Expected an integer >= 2, a scikit-learn splitter", id="float-cv"),
        pytest.param(
            {"cv": [(np.arange(60), np.arange(60, 90)), (np.arange(60), np.arange(90, 120))]},
            r"`cv`. Expected folds with different training rows",
            id="same-training-rows",
        ),
        pytest.param(
            {"metrics": {"auc": "roc_auc_typo"}}, r"`metrics`. Expected scikit-learn scorer names", id="unknown-scorer"
        ),
        pytest.param(
            {"y": np.tile([1, 2], 60)},
            r"`y`. Expected 0/1 labels.*Received: labels \[1, 2\]",
            id="binary-labels-not-0-1",
        ),
        pytest.param({"cv": True}, r"`cv`", id="boolean-cv"),
        pytest.param({"cv": "five"}, r"`cv`", id="string-cv"),
        pytest.param({"build_model": "model"}, r"`build_model`. Expected a function returning", id="not-callable"),
        pytest.param({"groups": np.zeros(3)}, r"`groups`", id="groups-length"),
        pytest.param({"metrics": {"acc": 0.5}}, r"`metrics`.*Received: metrics\['acc'\]=0.5", id="metric-not-callable"),
        pytest.param({"metrics": {"fold": len}}, r"`metrics`.*named 'fold'", id="metric-name-reserved"),
        pytest.param({"metrics": ["accuracy"]}, r"`metrics`", id="metrics-not-a-dict"),
        pytest.param({"fit_kwargs": {"x": 1}}, r"`fit_kwargs`", id="fit-kwargs-x"),
        pytest.param(
            {"fit_kwargs": {"sample_weight": np.ones(3)}}, r"`fit_kwargs`.*shape \(120,\)", id="weights-shape"
        ),
        pytest.param(
            {"fit_kwargs": {"validation_split": 0.2}, "best_weights": True},
            r"`fit_kwargs`.*validation_split",
            id="validation-with-best-weights",
        ),
        pytest.param({"preprocess": 3}, r"`preprocess`. Expected a scikit-learn transformer", id="preprocess"),
        pytest.param({"n_jobs": 0}, r"`n_jobs`", id="n-jobs-zero"),
        pytest.param({"n_jobs": 1.5}, r"`n_jobs`. Expected an integer", id="n-jobs-float"),
        pytest.param({"seed": -1}, r"`seed`. Expected an integer >= 0", id="negative-seed"),
        pytest.param({"validation_fraction": 1.0}, r"`validation_fraction`", id="fraction"),
        pytest.param({"X": np.full((120, 4), np.nan)}, r"`X`. Expected finite values", id="nan"),
    ],
)
def test_bad_arguments_fail_before_any_fit(data, kwargs, message):
    X, y = data
    arguments = {"build_model": build_model, "X": X, "y": y, **kwargs}
    with pytest.raises(ValueError, match=message):
        cross_validate_keras(arguments.pop("build_model"), arguments.pop("X"), arguments.pop("y"), **arguments)


@pytest.mark.parametrize(
    "builder, message",
    [
        pytest.param(
            lambda: "a model", r"`build_model`.*Received: build_model\(\) returned 'a model'", id="not-a-model"
        ),
        pytest.param(
            lambda: keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]),
            r"`build_model`.*uncompiled model",
            id="not-compiled",
        ),
    ],
)
def test_a_builder_not_returning_a_compiled_model_is_refused(data, builder, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        cross_validate_keras(builder, X, y, cv=2, n_jobs=1)


def test_an_unknown_monitor_is_named(data):
    X, y = data
    # Keras itself refuses a monitor it cannot find, naming it.
    with pytest.raises(ValueError, match=r"monitor=val_accuracy"):
        cross_validate_keras(
            build_model, X, y, cv=2, fit_kwargs={"epochs": 1}, best_weights=True, monitor="val_accuracy", n_jobs=1
        )


def test_sample_weight_is_split_with_the_folds(data):
    X, y = data
    X = StandardScaler().fit_transform(X)
    weights = np.random.default_rng(5).uniform(0.1, 3.0, size=len(y))
    train, test = np.arange(0, 120, 2), np.arange(1, 120, 2)
    result = cross_validate_keras(
        build_model, X, y, cv=[(train, test)], seed=4, n_jobs=1, fit_kwargs={**FIT, "sample_weight": weights}
    )
    keras.utils.set_random_seed(4)
    model = build_model()
    history = model.fit(X[train], y[train], sample_weight=weights[train], verbose=0, **FIT)
    np.testing.assert_allclose(result.histories[0]["loss"], history.history["loss"], rtol=1e-6)


# ------------------------------------------------------------------ the exercise checker


def correct_fold_loop(build_model, X, y, splits):
    scores = []
    for fold, (train, test) in enumerate(splits):
        keras.utils.set_random_seed(fold)
        scaler = StandardScaler().fit(X[train])
        model = build_model()
        model.fit(scaler.transform(X[train]), y[train], verbose=0, **FIT)
        y_score = model.predict(scaler.transform(X[test]), verbose=0)
        scores.append(sklearn.metrics.roc_auc_score(y[test], y_score))
    return scores


def untrained_fold_loop(build_model, X, y, splits):
    scores = []
    for train, test in splits:
        model = build_model()  # a fresh model per fold, but never fitted
        y_score = model(StandardScaler().fit(X[train]).transform(X[test]), training=False)
        scores.append(sklearn.metrics.roc_auc_score(y[test], np.asarray(y_score)))
    return scores


def test_the_checker_passes_a_correct_loop_and_reports_a_wrong_one(data, capsys):
    X, y = data
    X, y = X[:60], y[:60]
    settings = {"cv": 2, "metric": sklearn.metrics.roc_auc_score, "preprocess": StandardScaler, "fit_kwargs": FIT}
    good = check_fold_loop(correct_fold_loop, build_model, X, y, **settings)
    assert good and good.values["builds"] == 2 and good.findings == []
    assert [check.code for check in good.checks] == ["runs", "scores", "fresh_models", "reference"]
    np.testing.assert_allclose(good.values["scores"], good.values["reference"], atol=1e-6)
    assert "check_fold_loop(correct_fold_loop): all checks passed" in capsys.readouterr().out

    bad = check_fold_loop(untrained_fold_loop, build_model, X, y, **settings)
    assert not bad and bad.values["builds"] == 2 and bad.codes == ["reference"]
    message = bad["reference"].message
    assert message.startswith("fold ") and "cross_validate_keras" in message and "set_random_seed(0 + fold)" in message

    def broken(build_model, X, y, splits):
        raise NotImplementedError("write your loop here")

    crashed = check_fold_loop(broken, build_model, X, y, **settings)
    assert crashed.codes == ["runs"]
    assert crashed["runs"].message == "fold_loop raised NotImplementedError: write your loop here"
    assert {check.status for check in crashed.checks[1:]} == {"skip"}
    assert "check_fold_loop(broken): 1 problem" in capsys.readouterr().out
