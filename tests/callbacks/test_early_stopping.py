"""EarlyStopping: Keras 3's rule step by step (Keras itself as the oracle on value sequences),
restore_best_weights in a real fit, and the warning for a missing key."""

from __future__ import annotations

import numpy as np
import pytest

from neurona import callbacks, layers, models, optimizers


@pytest.fixture(autouse=True)
def _fresh_names():
    layers.reset_layer_names()


class StandIn:
    """The part of a model a callback touches: stop_training and the weights."""

    def __init__(self):
        self.stop_training = False
        self.weights = [np.zeros(1)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def _run(callback, values, key):
    model = StandIn()
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, value in enumerate(values):
        model.weights = [np.array([float(epoch)])]  # the weights "of" each epoch
        callback.on_epoch_end(epoch, {key: value})
        if model.stop_training:
            break
    callback.on_train_end()
    return epoch, model


SEQUENCES = [
    [1.0, 0.9, 0.95, 0.97, 0.85, 0.99, 1.0, 1.1],
    [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    [0.9, 0.8, 0.7, 0.6, 0.55, 0.54, 0.539, 0.5389],
]
CONFIGS = [
    dict(patience=0),
    dict(patience=2),
    dict(patience=1, min_delta=0.02),
    dict(patience=2, baseline=0.8),
    dict(patience=1, start_from_epoch=3),
    dict(patience=2, restore_best_weights=True),
    dict(patience=1, baseline=0.6, restore_best_weights=True),
]


@pytest.mark.parametrize(
    "config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items())
)
@pytest.mark.parametrize("sequence", SEQUENCES, ids=["bumpy", "flat", "slowing"])
@pytest.mark.parametrize("mode", ["min", "max"])
def test_matches_keras_on_value_sequences(keras, config, sequence, mode):
    values = sequence if mode == "min" else [-v for v in sequence]
    if mode == "max" and "baseline" in config:
        config = {**config, "baseline": -config["baseline"]}
    ours = callbacks.EarlyStopping(monitor="val_loss", mode=mode, **config)
    theirs = keras.callbacks.EarlyStopping(monitor="val_loss", mode=mode, **config)
    our_last, our_model = _run(ours, values, "val_loss")
    their_last, their_model = _run(theirs, values, "val_loss")
    assert our_last == their_last
    assert (ours.stopped_epoch, ours.wait, ours.best_epoch) == (
        theirs.stopped_epoch,
        theirs.wait,
        theirs.best_epoch,
    )
    assert ours.best == pytest.approx(float(theirs.best))
    np.testing.assert_array_equal(our_model.weights[0], their_model.weights[0])


def test_auto_mode_maximises_accuracy_and_minimises_losses():
    assert callbacks.EarlyStopping(monitor="val_accuracy").is_improvement(0.9, 0.8)
    assert callbacks.EarlyStopping(monitor="auc").is_improvement(0.9, 0.8)
    assert callbacks.EarlyStopping(monitor="val_loss").is_improvement(0.8, 0.9)
    assert callbacks.EarlyStopping(monitor="mean_absolute_error").is_improvement(0.8, 0.9)
    with pytest.raises(ValueError, match="mode='max'"):
        callbacks.EarlyStopping(monitor="val_strangeness").is_improvement(0.8, 0.9)
    with pytest.warns(UserWarning, match="mode 'maximum' is unknown"):
        callbacks.EarlyStopping(mode="maximum")


def test_missing_key_warns_with_the_available_keys(rng):
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    stop = callbacks.EarlyStopping()  # watches val_loss, but there is no validation data
    with pytest.warns(
        UserWarning, match="'val_loss', which is not in the logs. Available keys: loss"
    ):
        history = model.fit(
            rng.normal(size=(8, 2)), rng.normal(size=(8, 1)), epochs=3, verbose=0, callbacks=[stop]
        )
    assert len(history.history["loss"]) == 3 and stop.stopped_epoch == 0


def _fit_recording_weights(rng, stop, epochs=12):
    x = rng.normal(size=(32, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    xv = rng.normal(size=(16, 3)).astype("float32")
    yv = xv @ np.array([[1.0], [-2.0], [0.5]], dtype="float32") + 2.0  # off: val_loss bounces
    model = models.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(learning_rate=0.3, momentum=0.9), loss="mse")
    snapshots = []
    record = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights())
    )
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=epochs,
        verbose=0,
        shuffle=False,
        validation_data=(xv, yv),
        callbacks=[record, stop],
    )
    return model, history, snapshots


def test_restore_best_weights_when_training_runs_all_epochs(rng):
    stop = callbacks.EarlyStopping(patience=100, restore_best_weights=True)
    model, history, snapshots = _fit_recording_weights(rng, stop)
    val = history.history["val_loss"]
    best = int(np.argmin(val))
    assert len(val) == 12 and stop.stopped_epoch == 0
    assert best != len(val) - 1  # the test means something: the last epoch is not the best
    assert stop.best_epoch == best and stop.best == val[best]
    for ours, want in zip(model.get_weights(), snapshots[best]):
        np.testing.assert_array_equal(ours, want)


def test_stops_early_and_restores_the_best_epoch(rng):
    stop = callbacks.EarlyStopping(patience=2, restore_best_weights=True, verbose=1)
    model, history, snapshots = _fit_recording_weights(rng, stop, epochs=40)
    val = history.history["val_loss"]
    assert stop.stopped_epoch == len(val) - 1 < 39
    assert stop.stopped_epoch - stop.best_epoch == 2
    for ours, want in zip(model.get_weights(), snapshots[int(np.argmin(val))]):
        np.testing.assert_array_equal(ours, want)
