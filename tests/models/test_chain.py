"""fit's tape-free step (neurona/models/chain.py) against the tape: the same weights, losses,
metrics and optimiser state, bit for bit, for every kind of model the chain takes or hands back
to the tape."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import callbacks, layers, models, optimizers
from neurona.models.chain import LayerChain


def _fit_both(build, x, y, compile_args, fit_args=None, seed=0):
    """Fit two copies of one model (same initial weights and seeds), with and without the chain;
    return (chain model, tape model, chain history, tape history)."""
    runs = []
    weights = None
    for use_chain in (True, False):
        nr.utils.set_random_seed(seed)
        model = build()
        model.compile(**compile_args())
        if weights is None:
            weights = model.get_weights()
        model.set_weights(weights)
        model._use_chain = use_chain
        nr.utils.set_random_seed(seed + 1)
        history = model.fit(x, y, verbose=0, **(fit_args or {}))
        runs.append((model, history))
    (chain_model, chain_h), (tape_model, tape_h) = runs
    return chain_model, tape_model, chain_h, tape_h


def _assert_same(chain_model, tape_model, chain_h, tape_h):
    for a, b in zip(chain_model.get_weights(), tape_model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert chain_h.history == tape_h.history
    state_a = chain_model.optimizer.get_state(chain_model.trainable_weights)
    state_b = tape_model.optimizer.get_state(tape_model.trainable_weights)
    assert state_a.keys() == state_b.keys()
    for key in state_a:
        np.testing.assert_array_equal(state_a[key], state_b[key])


def _data(rng, n=50, d=6, k=3):
    x = rng.normal(size=(n, d)).astype("float32")
    return x, rng.integers(0, k, n)


def _chain_of(model, x, y, batch_size=8):
    return LayerChain.for_fit(model, x, y, batch_size)


# ----- the chain takes the whole stack: softmax + cross-entropy fused -------------------------
@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop", "nadam"])
def test_softmax_classifier_with_sparse_labels(rng, optimizer):
    x, y = _data(rng)

    def build():
        return models.Sequential([layers.Input((6,)), layers.Dense(16, activation="relu"),
                                  layers.Dense(8, activation="tanh"),
                                  layers.Dense(3, activation="softmax")])

    def compile_args():
        return {"optimizer": optimizer, "loss": "sparse_categorical_crossentropy",
                "metrics": ["accuracy"]}

    result = _fit_both(build, x, y, compile_args, {"batch_size": 8, "epochs": 3,
                                                   "validation_split": 0.2})
    chain = _chain_of(result[0], x, y)
    assert chain.body == 3 and chain.softmax_labels[0] is True
    _assert_same(*result)


def test_one_hot_labels_flatten_dropout_and_float64_inputs(rng):
    x = rng.normal(size=(40, 4, 3))  # float64: cast to float32 per batch, as the Input layer does
    y = np.eye(4)[rng.integers(0, 4, 40)]

    def build():
        return models.Sequential([layers.Input((4, 3)), layers.Flatten(),
                                  layers.Dense(10, activation="sigmoid"), layers.Dropout(0.3),
                                  layers.Dense(4, activation="softmax")])

    def compile_args():
        return {"optimizer": optimizers.SGD(0.1, momentum=0.9),
                "loss": "categorical_crossentropy", "metrics": ["accuracy"]}

    result = _fit_both(build, x, y, compile_args, {"batch_size": 7, "epochs": 2})
    chain = _chain_of(result[0], x, y)
    assert chain.body == 4 and chain.softmax_labels[0] is False
    _assert_same(*result)


def test_seeded_dropout_layer_and_labels_of_shape_n_by_1(rng):
    x, y = _data(rng, n=30)

    def build():
        return models.Sequential([layers.Dense(12, activation="relu", input_shape=(6,)),
                                  layers.Dropout(0.5, seed=3),
                                  layers.Dense(3, activation="softmax")])

    def compile_args():
        return {"optimizer": "adam", "loss": "sparse_categorical_crossentropy"}

    _assert_same(*_fit_both(build, x, y[:, None].astype("uint8"), compile_args,
                            {"batch_size": 4, "epochs": 2}))


# ----- the last layer and the loss on the tape ------------------------------------------------
def test_course_shallow_network_mse_on_sigmoid_outputs(rng):
    x = rng.random((40, 5, 5)).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, 40)]

    def build():
        return models.Sequential([layers.Flatten(input_shape=(5, 5)),
                                  layers.Dense(16, activation="tanh"),
                                  layers.Dense(10, activation="sigmoid")])

    def compile_args():
        return {"optimizer": "adam", "loss": "mse", "metrics": ["accuracy"]}

    result = _fit_both(build, x, y, compile_args, {"batch_size": 8, "epochs": 2,
                                                   "validation_data": (x[:10], y[:10])})
    chain = _chain_of(result[0], x, y)
    assert chain.body == 2 and chain.softmax_labels is None  # the last Dense on the tape
    _assert_same(*result)


@pytest.mark.parametrize("case", ["sample_weight", "class_weight", "from_logits",
                                  "label_smoothing", "binary"])
def test_losses_that_do_not_fuse_run_the_head_on_the_tape(rng, case):
    x, y = _data(rng, n=32)
    last = "linear" if case == "from_logits" else "softmax"
    loss = {"from_logits": nr.losses.SparseCategoricalCrossentropy(from_logits=True),
            "label_smoothing": nr.losses.CategoricalCrossentropy(label_smoothing=0.1),
            "binary": "binary_crossentropy"}.get(case, "sparse_categorical_crossentropy")
    targets = np.eye(3)[y] if case in ("label_smoothing", "binary") else y
    fit_args = {"batch_size": 8, "epochs": 2}
    if case == "sample_weight":
        fit_args["sample_weight"] = rng.random(32)
    if case == "class_weight":
        fit_args["class_weight"] = {0: 1.0, 1: 2.0, 2: 0.5}
    if case == "binary":
        last = "sigmoid"

    def build():
        return models.Sequential([layers.Input((6,)), layers.Dense(8, activation="relu"),
                                  layers.Dense(3, activation=last)])

    def compile_args():
        return {"optimizer": "adam", "loss": loss, "metrics": ["accuracy"]}

    _assert_same(*_fit_both(build, x, targets, compile_args, fit_args))


def test_frozen_layers_and_constraints(rng):
    x, y = _data(rng, n=24)

    def build():
        model = models.Sequential([
            layers.Input((6,)), layers.Dense(8, activation="relu"),
            layers.Dense(8, activation="relu", kernel_constraint=lambda w: np.clip(w, -0.2, 0.2)),
            layers.Dense(3, activation="softmax")])
        model.layers[0].trainable = False
        return model

    def compile_args():
        return {"optimizer": "adam", "loss": "sparse_categorical_crossentropy"}

    result = _fit_both(build, x, y, compile_args, {"batch_size": 8, "epochs": 2})
    assert _chain_of(result[0], x, y).need_x == [False, False, True]
    assert np.abs(result[0].layers[1].kernel.data).max() <= 0.2
    _assert_same(*result)


def test_a_layer_without_an_array_step_ends_the_body(rng):
    x, y = _data(rng, n=24)

    def build():
        return models.Sequential([layers.Input((6,)), layers.Dense(8, activation="relu"),
                                  layers.BatchNormalization(), layers.Dense(8, activation="elu"),
                                  layers.Dense(3, activation="softmax")])

    def compile_args():
        return {"optimizer": "adam", "loss": "sparse_categorical_crossentropy"}

    result = _fit_both(build, x, y, compile_args, {"batch_size": 8, "epochs": 2})
    chain = _chain_of(result[0], x, y)
    assert chain.body == 1 and chain.softmax_labels is None  # BatchNormalization on: the tape
    _assert_same(*result)


def test_dense_on_sequences_keeps_the_softmax_on_the_tape(rng):
    x = rng.normal(size=(16, 5, 4)).astype("float32")
    y = rng.integers(0, 3, (16, 5))

    def build():
        return models.Sequential([layers.Input((5, 4)), layers.Dense(6, activation="tanh"),
                                  layers.Dense(3, activation="softmax")])

    def compile_args():
        return {"optimizer": "adam", "loss": "sparse_categorical_crossentropy"}

    result = _fit_both(build, x, y, compile_args, {"batch_size": 4, "epochs": 2})
    assert _chain_of(result[0], x, y).softmax_labels is None
    _assert_same(*result)


# ----- when every step stays on the tape ------------------------------------------------------
def test_penalties_a_shared_layer_or_one_layer_keep_the_tape(rng):
    x, y = _data(rng, n=16)
    regularised = models.Sequential([layers.Input((6,)),
                                     layers.Dense(4, activation="relu", kernel_regularizer="l2"),
                                     layers.Dense(3, activation="softmax")])
    shared = layers.Dense(6, activation="relu")
    twice = models.Sequential([layers.Input((6,)), shared, shared,
                               layers.Dense(3, activation="softmax")])
    alone = models.Sequential([layers.Input((6,)), layers.Dense(3, activation="sigmoid")])
    custom = models.Sequential([layers.Input((6,)), layers.Dense(3, activation="elu"),
                                layers.Dense(3, activation="softmax")])
    for model in (regularised, twice, alone, custom):
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        assert _chain_of(model, x, y) is None
    frozen = models.Sequential([layers.Input((6,)), layers.Dense(4, activation="relu"),
                                layers.Dense(3, activation="softmax")])
    frozen.trainable = False
    frozen.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert _chain_of(frozen, x, y) is None


def test_a_subclass_that_overrides_call_is_not_bypassed(rng):
    class Doubled(layers.Dense):
        def call(self, x):
            return super().call(x) * 2.0

    x, y = _data(rng, n=16)
    model = models.Sequential([layers.Input((6,)), Doubled(4, activation="relu"),
                               layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert _chain_of(model, x, y) is None


def test_the_labels_are_checked_once_with_the_losss_messages(rng):
    x, y = _data(rng, n=16)
    model = models.Sequential([layers.Input((6,)), layers.Dense(4, activation="relu"),
                               layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    bad = y.copy()
    bad[-1] = 3  # only in the last batch: found before the first step
    with pytest.raises(ValueError, match=r"class labels in 0 … 2"):
        model.fit(x, bad, batch_size=8, verbose=0)
    before = model.get_weights()
    with pytest.raises(ValueError, match="not whole numbers"):
        model.fit(x, y + 0.5, batch_size=8, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # nothing trained


def test_callbacks_see_the_gradients_and_the_chain_ends_with_fit(rng):
    x, y = _data(rng, n=16)
    model = models.Sequential([layers.Input((6,)), layers.Dense(4, activation="relu"),
                               layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    seen = []
    spy = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(
        [w.grad is not None for w in model.trainable_weights]))
    model.fit(x, y, batch_size=8, verbose=0, callbacks=[spy])
    assert seen == [[True] * 4] * 2
    assert model._chain is None  # outside fit, _train_step is the tape's


@pytest.mark.parametrize("use_chain", [True, False])
def test_nan_in_a_later_batch_stops_fit_before_its_update(rng, use_chain):
    x, y = _data(rng, n=16)
    x[12, 2] = np.nan  # in the second batch of 8
    model = models.Sequential([layers.Input((6,)), layers.Dense(4, activation="relu"),
                               layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model._use_chain = use_chain
    after_first = []
    spy = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: after_first.append(
        model.get_weights()))
    with pytest.raises(ValueError, match=r"fit: x contains NaN \(1 values\)\. .*its update"):
        model.fit(x, y, batch_size=8, shuffle=False, verbose=0, callbacks=[spy])
    assert len(after_first) == 1
    for a, b in zip(after_first[0], model.get_weights()):
        np.testing.assert_array_equal(a, b)  # the NaN batch changed nothing
    assert all(np.isfinite(w).all() for w in model.get_weights())
