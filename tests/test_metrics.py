"""neurona.metrics: the accuracy family, Precision, Recall, the confusion counts (TruePositives …),
MAPE and the regression metrics against Keras 3, Keras's metric-state API (add_variable), the exact
AUC against scikit-learn, the confusion-matrix report by hand, resolve_accuracy against Keras's
compile rule, state handling and the registry."""

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
        "TruePositives",
        "FalseNegatives",
        "MeanAbsolutePercentageError",
        "mape",
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
        "true_positives",
        "FalsePositives",
        "true_negatives",
        "false_negatives",
        "mape",
        "MAPE",
        "mean_absolute_percentage_error",
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


# ----- Keras 3's metric-state API -------------------------------------------------------------
class _KerasStyleSum(metrics.Metric):
    """A Keras-style metric: variables made after super().__init__(), its own reset_state."""

    def __init__(self, name="weighted_sum", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.calls = self.add_variable(shape=(2,), initializer="ones", dtype="int32", name="n")

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = nr.ops.abs(nr.ops.subtract(y_pred, nr.ops.cast(y_true, "float32")))
        if sample_weight is not None:
            values = nr.ops.multiply(values, nr.ops.reshape(sample_weight, (-1, 1)))
        self.total.assign_add(nr.ops.sum(values))
        self.calls.assign_add([1, 1])

    def result(self):
        return self.total


def test_a_keras_style_metric_makes_variables_after_init_and_resets_to_initial_values():
    m = _KerasStyleSum()
    assert [v.name for v in m.variables] == ["total", "n"]
    assert m.calls.dtype == np.int32 and m.total.shape == ()
    m.update_state(np.ones((2, 1)), nr.tensor([[3.0], [0.5]]))  # |3 − 1| + |0.5 − 1| = 2.5
    m.total.assign_sub(0.5)
    assert float(m.result()) == 2.0 and m.calls.numpy().tolist() == [2, 2]
    m.reset_state()  # the default: back to the initial values (zeros and ones)
    assert float(m.result()) == 0.0 and m.calls.numpy().tolist() == [1, 1]


def test_a_neurona_style_metric_still_gets_its_state_from_reset_state():
    class Count(metrics.Metric):
        def reset_state(self):
            self.n = 0

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.n += len(y_true)

        def result(self):
            return float(self.n)

    m = Count()
    m.update_state([1, 2, 3], [1, 2, 3])
    assert m.result() == 3.0 and m.variables == []


def test_add_variable_before_super_init_says_to_call_it_first():
    class Early(metrics.Metric):
        def __init__(self):
            self.v = self.add_variable(())
            super().__init__()

    with pytest.raises(RuntimeError, match=r"Call super\(\).__init__"):
        Early()


def test_a_keras_style_metric_matches_keras_and_serves_fit_and_evaluate(rng, keras):
    y, p, w = rng.integers(0, 2, size=(12, 1)), rng.uniform(size=(12, 1)), rng.uniform(size=12)

    class KerasSum(keras.metrics.Metric):
        def __init__(self, name="weighted_sum", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_variable(shape=(), initializer="zeros", name="total")

        def update_state(self, y_true, y_pred, sample_weight=None):
            values = keras.ops.abs(y_pred - keras.ops.cast(y_true, "float32"))
            values = values * keras.ops.reshape(sample_weight, (-1, 1))
            self.total.assign_add(keras.ops.sum(values))

        def result(self):
            return self.total

    ours, theirs = _KerasStyleSum(), KerasSum()
    for part in np.array_split(np.arange(12), 2):
        ours.update_state(y[part], p[part].astype("float32"), w[part].astype("float32"))
        theirs.update_state(y[part], p[part].astype("float32"), w[part].astype("float32"))
    assert float(ours.result()) == pytest.approx(float(theirs.result()), rel=1e-6)

    model = nr.Sequential([nr.layers.Input((3,)), nr.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", metrics=[_KerasStyleSum(), metrics.TruePositives()])
    x = rng.normal(size=(12, 3)).astype("float32")
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    assert len(history.history["weighted_sum"]) == 2
    logs = model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    scores = model.predict(x, verbose=0)
    assert logs["true_positives"] == metrics.TruePositives()(y, scores)
    assert logs["weighted_sum"] == pytest.approx(float(np.abs(scores - y).sum()), rel=1e-5)


# ----- the confusion counts and MAPE against Keras ----------------------------------------------
@pytest.mark.parametrize(
    "name", ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"]
)
@pytest.mark.parametrize("thresholds", [None, 0.3, [0.0, 0.25, 0.5, 0.9, 1.0]])
@pytest.mark.parametrize(
    "shape, weight_shape",
    [((16, 1), (16,)), ((16,), (16,)), ((16, 3), (16,)), ((16, 3), (16, 3)), ((16, 1), None)],
)
def test_confusion_counts_match_keras_over_batches_with_weights(
    name, thresholds, shape, weight_shape, rng, keras
):
    batches = []
    for _ in range(3):
        y = rng.integers(0, 2, size=shape).astype("float32")
        s = rng.uniform(size=shape).astype("float32")
        w = None if weight_shape is None else rng.uniform(0, 2, size=weight_shape).astype("float32")
        batches.append((y, s, w))
    ours = getattr(metrics, name)(thresholds=thresholds)
    theirs = getattr(keras.metrics, name)(thresholds=thresholds)
    for y, s, w in batches:
        ours.update_state(y, nr.tensor(s), sample_weight=w)
        theirs.update_state(y, s, sample_weight=w)
    expected = np.asarray(theirs.result())
    got = ours.result()
    assert np.shape(got) == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert ours.get_config() == theirs.get_config() | {"name": ours.name}
    ours.reset_state()
    assert np.all(np.asarray(ours.result()) == 0)


def test_confusion_counts_by_hand_and_their_config_round_trip():
    # labels 1 1 0 0 ; scores .9 .4 .7 .2 ; weights 1 2 3 4, threshold 0.5 → positive: .9, .7
    # TP = w₁ = 1, FN = w₂ = 2, FP = w₃ = 3, TN = w₄ = 4
    args = ([1, 1, 0, 0], [0.9, 0.4, 0.7, 0.2], [1.0, 2.0, 3.0, 4.0])
    counts = [
        getattr(metrics, n)()(*args)
        for n in ("TruePositives", "FalseNegatives", "FalsePositives", "TrueNegatives")
    ]
    assert counts == [1.0, 2.0, 3.0, 4.0]
    m = metrics.FalsePositives(thresholds=[0.1, 0.8], name="fp")
    again = metrics.deserialize(metrics.serialize(m))
    assert type(again) is metrics.FalsePositives and again.get_config() == m.get_config()
    assert again(*args).tolist() == [7.0, 0.0]  # ŷ > 0.1: both negatives (3 + 4); ŷ > 0.8: none
    assert [v.name for v in again.variables] == ["accumulator"]


def test_confusion_count_thresholds_outside_zero_one_are_refused():
    with pytest.raises(
        ValueError, match=r"TruePositives: expected thresholds .* in \[0, 1\], got 1.5"
    ):
        metrics.TruePositives(thresholds=1.5)
    with pytest.raises(ValueError, match="got \\[0.5, -0.1\\]"):
        metrics.FalseNegatives(thresholds=[0.5, -0.1])


def test_mean_absolute_percentage_error_matches_keras(rng, keras):
    ours, theirs = metrics.get("mape"), keras.metrics.get("mape")
    assert type(ours).__name__ == type(theirs).__name__ == "MeanAbsolutePercentageError"
    assert ours.name == theirs.name == "mean_absolute_percentage_error"
    for _ in range(2):
        y = rng.normal(size=(10, 3)).astype("float32")
        y[0, 0] = 0.0  # divides by ε, as in Keras
        p = rng.normal(size=(10, 3)).astype("float32")
        w = rng.uniform(0.5, 2, size=10).astype("float32")
        ours.update_state(y, p, sample_weight=w)
        theirs.update_state(y, p, sample_weight=w)
    assert ours.result() == pytest.approx(float(theirs.result()), rel=1e-5)
    y, p = rng.uniform(1, 2, size=(6, 1)), rng.uniform(size=(6,))
    np.testing.assert_allclose(
        metrics.mean_absolute_percentage_error(y, p),
        keras.metrics.mean_absolute_percentage_error(y, p),
        rtol=1e-6,
    )
