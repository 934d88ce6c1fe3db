"""NeuronaClassifier/NeuronaRegressor inside scikit-learn: Pipeline with StandardScaler,
cross_val_score, GridSearchCV over layer sizes and epochs, model-building functions, Sequential
configs, seeding, pickling (config + weights) and clear errors."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from tests.conftest import _oracle

_oracle("sklearn")

from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from neurona import layers, models  # noqa: E402
from neurona.sklearn import NeuronaClassifier, NeuronaRegressor  # noqa: E402


@pytest.fixture(scope="module")
def binary():
    return make_classification(120, n_features=5, n_informative=3, class_sep=2.0, random_state=0)


def test_pipeline_with_scaler_in_cross_val_score(binary):
    X, y = binary
    pipe = make_pipeline(
        StandardScaler(), NeuronaClassifier(hidden_layer_sizes=(16,), epochs=40, random_state=0)
    )
    scores = cross_val_score(pipe, X * 100.0, y, cv=StratifiedKFold(3), scoring="roc_auc")
    assert scores.shape == (3,) and scores.mean() > 0.85


def test_grid_search_tunes_layer_sizes_and_epochs(binary):
    X, y = binary
    grid = GridSearchCV(
        NeuronaClassifier(random_state=0, learning_rate=0.01),
        {"hidden_layer_sizes": [(4,), (16, 16)], "epochs": [2, 30]},
        cv=3,
    )
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_params_["epochs"] == 30  # 2 epochs is far from trained
    assert grid.best_estimator_.model_.layers[0].units == grid.best_params_["hidden_layer_sizes"][0]


def test_same_random_state_same_network_and_set_params(binary):
    X, y = binary
    a = NeuronaClassifier(hidden_layer_sizes=(8,), epochs=5, random_state=3).fit(X, y)
    b = NeuronaClassifier(hidden_layer_sizes=(8,), epochs=5, random_state=3).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    b.set_params(random_state=4).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), b.predict_proba(X))
    assert b.get_params()["random_state"] == 4


def test_default_network_has_the_layers_and_penalties_asked_for(binary):
    X, y = binary
    clf = NeuronaClassifier(hidden_layer_sizes=(102, 102, 102), l1=1e-4, l2=1e-3, epochs=1)
    model = clf.fit(X, y).model_
    dense = [layer for layer in model.layers if isinstance(layer, layers.Dense)]
    assert [d.units for d in dense] == [102, 102, 102, 1]
    assert [d.activation.__name__ for d in dense] == ["relu", "relu", "relu", "sigmoid"]
    penalty = dense[0].kernel_regularizer
    assert (penalty.l1, penalty.l2) == pytest.approx((1e-4, 1e-3))
    assert dense[-1].kernel_regularizer is None


def _builder(n_features_in, n_outputs, task, units=4):
    last = "softmax" if task == "multiclass" else "sigmoid"
    return models.Sequential(
        [layers.Input((n_features_in,)), layers.Dense(units, "tanh"), layers.Dense(n_outputs, last)]
    )


def test_model_building_function_gets_shapes_task_and_model_params():
    X, y = make_classification(
        90, n_features=4, n_informative=3, n_redundant=0, n_classes=3, random_state=1
    )
    clf = NeuronaClassifier(_builder, model_params={"units": 7}, epochs=3, random_state=0)
    clf.fit(X, y)
    assert clf.model_.layers[0].units == 7 and clf.model_.layers[-1].units == 3
    assert clf.predict_proba(X).shape == (90, 3)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_sequential_config_and_compiled_builder_are_used_as_given():
    X, y = make_regression(60, n_features=3, n_targets=2, random_state=0)
    config = models.Sequential([layers.Input((3,)), layers.Dense(5), layers.Dense(2)]).get_config()
    reg = NeuronaRegressor(config, epochs=2, random_state=0).fit(X, y)
    assert [layer.units for layer in reg.model_.layers] == [5, 2]
    assert reg.predict(X).shape == (60, 2)

    def compiled(n_features_in):
        model = models.Sequential([layers.Input((n_features_in,)), layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mae")
        return model

    reg = NeuronaRegressor(compiled, epochs=1).fit(X, y[:, 0])
    assert type(reg.model_.optimizer).__name__ == "SGD" and reg.predict(X).shape == (60,)


def test_pickle_carries_config_and_weights_not_the_object(binary):
    X, y = binary
    clf = NeuronaClassifier(hidden_layer_sizes=(6,), epochs=2, random_state=0).fit(X, y)
    state = clf.__getstate__()
    assert set(state["model_"]) == {"json", "weights"}
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"epochs": 0}, "epochs to be an int ≥ 1"),
        ({"hidden_layer_sizes": (10, 0)}, "hidden_layer_sizes to be ints ≥ 1"),
        ({"model": "mlp"}, "model-building function or a Sequential config"),
    ],
)
def test_bad_parameters_say_what_was_expected(binary, params, match):
    X, y = binary
    with pytest.raises((ValueError, TypeError), match=match):
        NeuronaClassifier(**params).fit(X, y)


def test_bad_sample_weight_and_one_class_are_refused(binary):
    X, y = binary
    with pytest.raises(ValueError, match=r"sample_weight of shape \(120,\)"):
        NeuronaClassifier(epochs=1).fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="at least 2 classes"):
        NeuronaClassifier(epochs=1).fit(X, np.zeros(len(X)))
