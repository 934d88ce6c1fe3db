"""neurona.metrics: the accuracy family, Precision, Recall and the regression metrics against
Keras 3, the exact AUC against scikit-learn, the confusion-matrix report by hand, resolve_accuracy
against Keras's compile rule, state handling and the registry."""

from __future__ import annotations

import re

import numpy as np
import pytest

import neurona as nr
from neurona import metrics


def _keras_result(metric, batches):
    for args in batches:
        metric.update_state(*args)
    return float(metric.result())


def _ours_result(metric, batches):
    for args in batches:
        metric.update_state(*args)
    return metric.result()


def test_stateful_metrics_match_keras_over_several_batches(rng, keras):
    n, k = 20, 4
    onehot = np.eye(k, dtype="float32")
    probs = [rng.dirichlet(np.ones(k), size=n).astype("float32") for _ in range(2)]
    labels = [rng.integers(0, k, size=n) for _ in range(2)]
    y01 = [rng.integers(0, 2, size=(n, 1)).astype("float32") for _ in range(2)]
    scores = [rng.uniform(size=(n, 1)).astype("float32") for _ in range(2)]
    weights = [rng.uniform(0.5, 2, size=n).astype("float32") for _ in range(2)]
    cases = [
        ("BinaryAccuracy", {}, [(y01[i], scores[i]) for i in range(2)]),
        ("BinaryAccuracy", {"threshold": 0.7}, [(y01[i], scores[i], weights[i]) for i in range(2)]),
        ("CategoricalAccuracy", {}, [(onehot[labels[i]], probs[i], weights[i]) for i in range(2)]),
        ("SparseCategoricalAccuracy", {}, [(labels[i][:, None], probs[i]) for i in range(2)]),
        ("Accuracy", {}, [(labels[i], probs[i].argmax(-1)) for i in range(2)]),
        ("MeanSquaredError", {}, [(onehot[labels[i]], probs[i], weights[i]) for i in range(2)]),
        ("MeanAbsoluteError", {}, [(onehot[labels[i]], probs[i]) for i in range(2)]),
        ("CategoricalCrossentropy", {}, [(onehot[labels[i]], probs[i]) for i in range(2)]),
        ("SparseCategoricalCrossentropy", {}, [(labels[i], probs[i]) for i in range(2)]),
        ("BinaryCrossentropy", {}, [(y01[i], scores[i]) for i in range(2)]),
        ("Precision", {}, [(y01[i], scores[i], weights[i]) for i in range(2)]),
        ("Recall", {"thresholds": 0.3}, [(y01[i], scores[i]) for i in range(2)]),
        ("Precision", {"class_id": 2}, [(onehot[labels[i]], probs[i]) for i in range(2)]),
        ("Recall", {"top_k": 2}, [(onehot[labels[i]], probs[i]) for i in range(2)]),
    ]
    for name, kwargs, batches in cases:
        ours = _ours_result(getattr(metrics, name)(**kwargs), batches)
        theirs = _keras_result(getattr(keras.metrics, name)(**kwargs), batches)
        assert ours == pytest.approx(theirs, rel=1e-5, abs=1e-6), (name, kwargs)


def test_metric_configs_and_names_equal_keras(keras):
    for name in [
        "BinaryAccuracy",
        "CategoricalAccuracy",
        "SparseCategoricalAccuracy",
        "Accuracy",
        "MeanSquaredError",
        "MeanAbsoluteError",
        "Mean",
        "Precision",
        "Recall",
    ]:
        ours, theirs = metrics.get(name).get_config(), keras.metrics.get(name).get_config()
        theirs["name"] = re.sub(r"_\d+$", "", theirs["name"])  # Keras numbers repeated names
        assert ours == theirs, name
    assert metrics.AUC().get_config() == keras.metrics.AUC().get_config()


def test_auc_is_exact_and_equals_sklearn(rng, sklearn):
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = rng.integers(0, 2, size=300)
    s = np.round(rng.uniform(size=300) + 0.3 * y, 2)  # rounding makes ties
    w = rng.uniform(0.1, 3, size=300)
    m = metrics.AUC()
    for part in np.array_split(np.arange(300), 3):  # three batches
        m.update_state(y[part], s[part], sample_weight=w[part])
    assert m.result() == pytest.approx(roc_auc_score(y, s, sample_weight=w), abs=1e-12)
    pr = metrics.AUC(curve="PR")
    pr.update_state(y, s)
    assert pr.result() == pytest.approx(average_precision_score(y, s), abs=1e-12)
    y2, s2 = rng.integers(0, 2, size=(50, 3)), rng.uniform(size=(50, 3))
    multi = metrics.AUC(multi_label=True)
    multi.update_state(y2, s2)
    assert multi.result() == pytest.approx(roc_auc_score(y2, s2, average="macro"), abs=1e-12)
    pooled = metrics.AUC()
    pooled.update_state(y2, s2)
    assert pooled.result() == pytest.approx(roc_auc_score(y2.ravel(), s2.ravel()), abs=1e-12)


def test_auc_from_logits_and_keras_approximation_agree(rng, keras):
    y, z = rng.integers(0, 2, size=200), rng.normal(size=200)
    ours = metrics.AUC(from_logits=True)
    ours.update_state(y, nr.tensor(z))
    theirs = keras.metrics.AUC(from_logits=True)
    theirs.update_state(y, z.astype("float32"))
    assert ours.result() == pytest.approx(float(theirs.result()), abs=1e-2)  # 200 thresholds


def test_confusion_matrix_report_by_hand():
    # labels  1    1    1    0    0    0    0 ;  scores > 0.5 → predicted 1 1 0 1 0 0 0
    # TP = 2, FN = 1, FP = 1, TN = 3
    y = [1, 1, 1, 0, 0, 0, 0]
    s = [0.9, 0.6, 0.4, 0.8, 0.5, 0.1, 0.2]
    r = metrics.confusion_matrix_report(y, s)
    assert (r["TP"], r["FN"], r["FP"], r["TN"]) == (2, 1, 1, 3)
    assert r["TPR"] == pytest.approx(2 / 3) and r["FNR"] == pytest.approx(1 / 3)
    assert r["TNR"] == pytest.approx(3 / 4) and r["FPR"] == pytest.approx(1 / 4)
    assert r["FDR"] == pytest.approx(1 / 3) and r["FOR"] == pytest.approx(1 / 4)
    assert r["accuracy"] == pytest.approx(5 / 7)
    assert np.isnan(metrics.confusion_matrix_report([0, 0], [0.1, 0.2])["TPR"])  # no positives


def test_precision_and_recall_equal_sklearn(rng, sklearn):
    from sklearn.metrics import precision_score, recall_score

    y, s = rng.integers(0, 2, size=100), rng.uniform(size=100)
    assert metrics.Precision()(y, s) == pytest.approx(precision_score(y, s > 0.5))
    assert metrics.Recall()(y, s) == pytest.approx(recall_score(y, s > 0.5))


@pytest.mark.parametrize(
    "y_true_shape, output_shape",
    [
        ((32, 1), (32, 1)),
        ((32,), (32, 1)),
        ((32,), (32, 10)),
        ((32, 1), (32, 10)),
        ((32, 10), (32, 10)),
    ],
)
def test_resolve_accuracy_follows_keras_compile(y_true_shape, output_shape, keras):
    from keras.src.trainers.compile_utils import get_metric

    theirs = get_metric("accuracy", np.zeros(y_true_shape), np.zeros(output_shape))
    ours = metrics.resolve_accuracy(output_shape=output_shape, y_true_shape=y_true_shape)
    assert type(ours).__name__ == type(theirs).__name__ and ours.name == "accuracy"


def test_resolve_accuracy_from_the_loss_when_labels_are_unknown():
    assert isinstance(
        metrics.resolve_accuracy("sparse_categorical_crossentropy", (None, 10)),
        metrics.SparseCategoricalAccuracy,
    )
    from neurona.losses import SparseCategoricalCrossentropy

    assert isinstance(
        metrics.resolve_accuracy(SparseCategoricalCrossentropy(), (None, 10)),
        metrics.SparseCategoricalAccuracy,
    )
    assert isinstance(
        metrics.resolve_accuracy("categorical_crossentropy", (None, 10)),
        metrics.CategoricalAccuracy,
    )
    assert isinstance(metrics.resolve_accuracy("mse", (None, 1)), metrics.BinaryAccuracy)
    assert isinstance(metrics.resolve_accuracy("binary_crossentropy"), metrics.BinaryAccuracy)


def test_mean_tracks_a_weighted_running_mean_and_resets():
    m = metrics.Mean(name="loss")
    m.update_state(nr.tensor(2.0))
    m.update_state([4.0, 6.0], sample_weight=[1.0, 3.0])
    assert m.result() == pytest.approx((2 + 4 + 18) / 5)
    m.reset_state()
    assert m.result() == 0.0


def test_registry_and_config_round_trips():
    for name in [
        "accuracy",
        "binary_accuracy",
        "categorical_accuracy",
        "mse",
        "mae",
        "auc",
        "precision",
        "recall",
        "sparse_categorical_accuracy",
        "BinaryCrossentropy",
    ]:
        metric = metrics.get(name)
        again = metrics.deserialize(metrics.serialize(metric))
        assert type(again) is type(metric) and again.get_config() == metric.get_config()
    with pytest.raises(ValueError, match="Unknown metric 'acuracy': expected one of .*accuracy"):
        metrics.get("acuracy")


def test_label_errors_say_how_to_fix():
    with pytest.raises(ValueError, match="sparse_categorical_accuracy.*to_categorical"):
        metrics.CategoricalAccuracy()([0, 1, 2], np.eye(3))
    with pytest.raises(ValueError, match="They look one-hot: use 'categorical_accuracy'"):
        metrics.SparseCategoricalAccuracy()(np.eye(3), np.eye(3) * 0.9)
