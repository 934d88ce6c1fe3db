"""callbacks.TensorBoard: the event files hold what Keras 3's callback writes (epoch and batch
scalars under Keras's tags, validation logs in their own run, weight histograms), read back here
record by record; without tensorboardX the error names CSVLogger."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from neurona import callbacks, layers, models


@pytest.fixture(scope="module")
def event_pb2():
    from tests.conftest import _oracle

    _oracle("tensorboardX")
    from tensorboardX.proto import event_pb2

    return event_pb2


def _events(folder: Path, event_pb2) -> list:
    """Every Event in the TFRecord files of ``folder`` (length, CRC, data, CRC per record)."""
    out = []
    for path in sorted(folder.glob("events.out.tfevents.*")):
        data = path.read_bytes()
        at = 0
        while at < len(data):
            (length,) = struct.unpack("<Q", data[at : at + 8])
            event = event_pb2.Event()
            event.ParseFromString(data[at + 12 : at + 12 + length])
            out.append(event)
            at += 12 + length + 4
    return out


def _scalars(folder: Path, event_pb2) -> dict:
    found: dict = {}
    for event in _events(folder, event_pb2):
        for value in event.summary.value:
            if value.HasField("simple_value"):
                found.setdefault(value.tag, []).append((event.step, value.simple_value))
    return found


def test_epoch_batch_validation_and_histograms(event_pb2, tmp_path, rng):
    model = models.Sequential([layers.Input((3,)), layers.Dense(4, name="hidden"), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 1))
    board = callbacks.TensorBoard(
        tmp_path, histogram_freq=2, update_freq=2, write_steps_per_second=True
    )
    history = model.fit(
        x, y, epochs=3, batch_size=4, validation_split=0.2, verbose=0, callbacks=[board]
    )
    train = _scalars(tmp_path / "train", event_pb2)
    validation = _scalars(tmp_path / "validation", event_pb2)
    for key in ("loss", "mae"):
        assert [s for s, _ in train[f"epoch_{key}"]] == [0, 1, 2]
        np.testing.assert_allclose(
            [v for _, v in train[f"epoch_{key}"]], history.history[key], rtol=1e-6
        )
        np.testing.assert_allclose(
            [v for _, v in validation[f"epoch_{key}"]], history.history[f"val_{key}"], rtol=1e-6
        )
    assert [s for s, _ in train["batch_loss"]] == [2, 4, 6, 8, 10, 12]  # 4 batches an epoch
    assert [v for _, v in train["epoch_learning_rate"]] == pytest.approx([0.01] * 3)
    assert len(train["epoch_steps_per_second"]) == 3
    histograms = {
        (value.tag, event.step)
        for event in _events(tmp_path / "train", event_pb2)
        for value in event.summary.value
        if value.HasField("histo")
    }
    assert ("hidden/kernel/histogram", 0) in histograms
    assert ("hidden/bias/histogram", 2) in histograms
    assert len(train["batch_steps_per_second"]) == 6
    assert not any(step == 1 for _, step in histograms)


def test_tensorflow_only_options_are_refused(event_pb2, tmp_path):
    with pytest.raises(ValueError, match="profile_batch.*TensorFlow"):
        callbacks.TensorBoard(tmp_path, profile_batch=2)
    with pytest.raises(ValueError, match="update_freq"):
        callbacks.TensorBoard(tmp_path, update_freq="often")


def test_without_tensorboardx_the_error_names_csvlogger(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    with pytest.raises(ImportError, match=r"neurona\[tensorboard\].*CSVLogger"):
        callbacks.TensorBoard(tmp_path)
