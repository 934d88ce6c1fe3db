"""LearningRateScheduler and ReduceLROnPlateau: the learning-rate trajectory of Keras 3 (Keras
as the oracle on value sequences), 'learning_rate' in the history, and a real fit."""

from __future__ import annotations

import numpy as np
import pytest

from neurona import callbacks, layers, models, optimizers


@pytest.fixture(autouse=True)
def _fresh_names():
    layers.reset_layer_names()


class Optimizer:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


class StandIn:
    def __init__(self, learning_rate):
        self.optimizer = Optimizer(learning_rate)
        self.stop_training = False


def _trajectory(callback, values, lr=1.0):
    model = StandIn(lr)
    callback.set_model(model)
    callback.on_train_begin()
    rates, logged = [], []
    for epoch, value in enumerate(values):
        logs = {"val_loss": value}
        callback.on_epoch_end(epoch, logs)
        rates.append(float(model.optimizer.learning_rate))
        logged.append(logs["learning_rate"])
    return rates, logged


VALUES = [1.0, 0.9, 0.9, 0.9, 0.9, 0.85, 0.85, 0.85, 0.85, 0.85, 0.2, 0.2, 0.2, 0.2]
CONFIGS = [
    dict(patience=1),
    dict(patience=2, factor=0.5),
    dict(patience=1, cooldown=2),
    dict(patience=1, min_lr=0.05),
    dict(patience=2, min_delta=0.06),
]


@pytest.mark.parametrize(
    "config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items())
)
def test_reduce_on_plateau_matches_keras(keras, config):
    ours, our_logged = _trajectory(callbacks.ReduceLROnPlateau(**config), VALUES)
    theirs, their_logged = _trajectory(keras.callbacks.ReduceLROnPlateau(**config), VALUES)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(our_logged, their_logged, rtol=1e-12)
    assert ours[-1] < 1.0  # the sequence does reduce it


def test_reduce_on_plateau_rejects_a_factor_of_one():
    with pytest.raises(ValueError, match="0 <= factor < 1"):
        callbacks.ReduceLROnPlateau(factor=1.0)


def test_scheduler_sets_the_rate_each_epoch_and_logs_it(rng):
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse")
    seen = []
    spy = callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(model.optimizer.learning_rate)
    )
    schedule = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = model.fit(
        rng.normal(size=(8, 2)),
        rng.normal(size=(8, 1)),
        epochs=3,
        verbose=0,
        callbacks=[schedule, spy],
    )
    assert seen == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])


def test_scheduler_accepts_keras_old_one_argument_schedule_and_checks_the_result():
    model = StandIn(0.5)
    old = callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    old.set_model(model)
    old.on_epoch_begin(2)
    assert model.optimizer.learning_rate == pytest.approx(0.03)
    bad = callbacks.LearningRateScheduler(lambda epoch, lr: "fast")
    bad.set_model(model)
    with pytest.raises(ValueError, match="must return a float, got 'fast' at epoch 0"):
        bad.on_epoch_begin(0)


def test_scheduler_matches_keras(keras):
    def schedule(epoch, lr):
        return lr if epoch < 2 else lr * float(np.exp(-0.5))

    ours, theirs = StandIn(0.1), StandIn(0.1)
    our_cb, their_cb = (
        callbacks.LearningRateScheduler(schedule),
        keras.callbacks.LearningRateScheduler(schedule),
    )
    our_cb.set_model(ours)
    their_cb.set_model(theirs)
    for epoch in range(5):
        our_cb.on_epoch_begin(epoch)
        their_cb.on_epoch_begin(epoch)
        assert ours.optimizer.learning_rate == pytest.approx(theirs.optimizer.learning_rate)


def test_reduce_on_plateau_in_a_real_fit_lowers_the_optimizer_rate(rng):
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(learning_rate=1e-9), loss="mse")  # a plateau
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    history = model.fit(
        rng.normal(size=(8, 2)), rng.normal(size=(8, 1)), epochs=4, verbose=0, callbacks=[reduce]
    )
    # epoch 0 sets best; each later epoch fails to improve by 1e-4 and halves the rate at its
    # end (the log holds the rate the epoch used)
    assert history.history["learning_rate"] == pytest.approx([1e-9, 1e-9, 5e-10, 2.5e-10])
    assert model.optimizer.learning_rate == pytest.approx(1.25e-10)
