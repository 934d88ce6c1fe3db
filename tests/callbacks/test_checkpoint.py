"""ModelCheckpoint: file names filled from the epoch and the logs, save_best_only,
save_weights_only, save_freq in batches; with a stand-in model, and with Sequential once it
can save."""

from __future__ import annotations

import numpy as np
import pytest

from neurona import callbacks, layers, models


@pytest.fixture(autouse=True)
def _fresh_names():
    layers.reset_layer_names()


class StandIn:
    """Records what would be saved."""

    def __init__(self):
        self.saved = []

    def save(self, path, overwrite=True):
        self.saved.append(("model", path, overwrite))

    def save_weights(self, path, overwrite=True):
        self.saved.append(("weights", path, overwrite))


def _drive(checkpoint, val_losses, batches=0):
    model = StandIn()
    checkpoint.set_model(model)
    checkpoint.on_train_begin()
    for epoch, val_loss in enumerate(val_losses):
        checkpoint.on_epoch_begin(epoch)
        for batch in range(batches):
            checkpoint.on_train_batch_end(batch, {"loss": 1.0})
        checkpoint.on_epoch_end(epoch, {"loss": 1.0, "val_loss": val_loss})
    return model.saved


def test_saves_every_epoch_with_the_placeholders_filled(tmp_path):
    pattern = str(tmp_path / "ckpt" / "model-{epoch:02d}-{val_loss:.2f}.neurona")
    saved = _drive(callbacks.ModelCheckpoint(pattern), [0.5, 0.25])
    assert saved == [
        ("model", str(tmp_path / "ckpt" / "model-01-0.50.neurona"), True),
        ("model", str(tmp_path / "ckpt" / "model-02-0.25.neurona"), True),
    ]
    assert (tmp_path / "ckpt").is_dir()  # the folder is created


def test_save_best_only_saves_on_improvement(tmp_path, capsys):
    checkpoint = callbacks.ModelCheckpoint(
        str(tmp_path / "best.weights.npz"), verbose=1, save_best_only=True, save_weights_only=True
    )
    saved = _drive(checkpoint, [0.5, 0.6, 0.4, 0.4])
    assert [kind for kind, _, _ in saved] == ["weights", "weights"]
    assert checkpoint.best == 0.4
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from None to 0.50000" in out
    assert "Epoch 2: val_loss did not improve from 0.50000" in out


def test_max_mode_and_initial_value_threshold(tmp_path):
    checkpoint = callbacks.ModelCheckpoint(
        str(tmp_path / "m.neurona"),
        monitor="val_loss",
        mode="max",
        save_best_only=True,
        initial_value_threshold=0.45,
    )
    saved = _drive(checkpoint, [0.4, 0.5, 0.45, 0.7])
    assert len(saved) == 2 and checkpoint.best == 0.7


def test_save_freq_in_batches(tmp_path):
    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "m-{epoch}-{batch}.neurona"), save_freq=3)
    saved = _drive(checkpoint, [0.5, 0.5], batches=4)  # 8 batches: saves after the 3rd and 6th
    assert [path.rsplit("/", 1)[1] for _, path, _ in saved] == ["m-1-3.neurona", "m-2-2.neurona"]


def test_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="save_freq='epoch' or a positive int"):
        callbacks.ModelCheckpoint("m.neurona", save_freq="batch")
    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "m-{val_acc:.2f}.neurona"))
    with pytest.raises(KeyError, match="no value for 'val_acc'"):
        _drive(checkpoint, [0.5])
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match="is a folder"):
        _drive(callbacks.ModelCheckpoint(str(folder)), [0.5])
    with pytest.warns(UserWarning, match="can save the best model only with 'val_auc'"):
        _drive(
            callbacks.ModelCheckpoint(
                str(tmp_path / "m.neurona"), monitor="val_auc", save_best_only=True
            ),
            [0.5],
        )


@pytest.mark.skipif(
    not hasattr(models.Sequential, "save"),
    reason="Sequential.save not yet written (the saving helper adds it)",
)
def test_with_a_real_model_the_best_file_reloads_to_the_best_epoch(rng, tmp_path):
    x = rng.normal(size=(32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = models.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    path = tmp_path / "best.neurona"
    snapshots = []
    record = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights())
    )
    history = model.fit(
        x,
        y,
        epochs=4,
        verbose=0,
        validation_data=(x, y),
        callbacks=[record, callbacks.ModelCheckpoint(str(path), save_best_only=True)],
    )
    best = int(np.argmin(history.history["val_loss"]))
    loaded = models.load_model(str(path))
    for ours, want in zip(loaded.get_weights(), snapshots[best]):
        np.testing.assert_array_equal(ours, want)
