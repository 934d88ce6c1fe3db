"""CSVLogger (the file Keras 3 writes), TerminateOnNaN (in a real fit, with fit's own warning)
and LambdaCallback."""

from __future__ import annotations

import csv
import warnings

import numpy as np
import pytest

from neurona import callbacks, layers, models, optimizers


@pytest.fixture(autouse=True)
def _fresh_names():
    layers.reset_layer_names()


def _rows(path, sep=","):
    with open(path, newline="") as f:
        return list(csv.reader(f, delimiter=sep))


def _write(logger, epochs):
    logger.on_train_begin()
    for epoch, logs in enumerate(epochs):
        logger.on_epoch_end(epoch, dict(logs))
    logger.on_train_end()


EPOCHS = [{"loss": 0.5, "accuracy": 0.75}, {"loss": 0.25, "accuracy": 0.875}]


@pytest.mark.parametrize("separator", [",", ";"])
def test_csv_logger_writes_what_keras_writes(keras, tmp_path, separator):
    ours, theirs = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    _write(callbacks.CSVLogger(ours, separator=separator), EPOCHS)
    _write(keras.callbacks.CSVLogger(str(theirs), separator=separator), EPOCHS)
    assert _rows(ours, separator) == _rows(theirs, separator)
    assert _rows(ours, separator)[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]


def test_csv_logger_appends_without_repeating_the_header(keras, tmp_path):
    path = tmp_path / "log.csv"
    _write(callbacks.CSVLogger(path), EPOCHS[:1])
    _write(callbacks.CSVLogger(path, append=True), EPOCHS[1:])
    rows = _rows(path)
    assert len(rows) == 3 and rows[0][0] == "epoch"
    assert rows[2][:3] == ["0", "0.875", "0.25"] and rows[2][3:] == ["NA", "NA"]


def test_csv_logger_in_fit_has_one_row_per_epoch(rng, tmp_path):
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    history = model.fit(
        x,
        y,
        epochs=3,
        verbose=0,
        validation_data=(x, y),
        callbacks=[callbacks.CSVLogger(tmp_path / "fit.csv")],
    )
    rows = _rows(tmp_path / "fit.csv")
    assert rows[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [float(r[1]) for r in rows[1:]] == pytest.approx(history.history["loss"])


def _diverging_fit(rng, extra_callbacks, epochs=3):
    """A weight is made NaN at the end of epoch 2's batch 2, so batch 3 has a NaN loss."""
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(learning_rate=0.01), loss="mse")
    spoil = callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: (
            model.layers[0].kernel.data.fill(np.nan) if (state["epoch"], batch) == (1, 1) else None
        ),
        on_epoch_begin=lambda epoch, logs: state.update(epoch=epoch),
    )
    state = {"epoch": 0}
    seen = []
    count = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        history = model.fit(
            rng.normal(size=(32, 2)),
            rng.normal(size=(32, 1)),
            batch_size=8,
            epochs=epochs,
            verbose=0,
            callbacks=[spoil, count, *extra_callbacks],
        )
    return history, seen, [str(w.message) for w in caught]


def test_fit_warns_once_naming_the_epoch_and_batch_of_a_nan_loss(rng):
    history, seen, messages = _diverging_fit(rng, [])
    diverged = [m for m in messages if "training has diverged" in m]
    assert len(diverged) == 1 and "the loss is nan at epoch 2, batch 3" in diverged[0]
    assert "TerminateOnNaN" in diverged[0]
    assert len(history.history["loss"]) == 3 and len(seen) == 12  # training went on


def test_terminate_on_nan_stops_at_that_batch(rng, capsys):
    history, seen, _ = _diverging_fit(rng, [callbacks.TerminateOnNaN()])
    assert seen == [0, 1, 2, 3, 0, 1, 2]  # epoch 2 stops after its batch 3 (index 2)
    assert len(history.history["loss"]) == 2 and np.isnan(history.history["loss"][1])
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_can_raise(rng):
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 2"):
        _diverging_fit(rng, [callbacks.TerminateOnNaN(raise_error=True)])


def test_lambda_callback_runs_each_given_function(rng):
    calls = []
    callback = callbacks.LambdaCallback(
        on_train_begin=lambda logs: calls.append("begin"),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch", epoch, sorted(logs))),
        on_train_end=lambda logs: calls.append("end"),
        on_test_end=lambda logs: calls.append("test"),
    )  # any other hook by keyword
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    model.fit(x, y, epochs=2, verbose=0, validation_data=(x, y), callbacks=[callback])
    assert calls == [
        "begin",
        "test",
        ("epoch", 0, ["loss", "val_loss"]),
        "test",
        ("epoch", 1, ["loss", "val_loss"]),
        "end",
    ]
