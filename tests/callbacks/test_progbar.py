"""The progress display: verbose 0 silent, 2 one line per epoch, 1 a tqdm bar on a terminal
(one line per epoch elsewhere, or without tqdm); evaluate's line."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

from neurona import callbacks, layers, models
from neurona.callbacks import progbar


@pytest.fixture(autouse=True)
def _fresh_names():
    layers.reset_layer_names()


def _fit(rng, verbose, epochs=2, **kwargs):
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = rng.normal(size=(12, 2)), rng.normal(size=(12, 1))
    return model, model.fit(
        x, y, batch_size=4, epochs=epochs, verbose=verbose, validation_data=(x, y), **kwargs
    )


def test_verbose_0_prints_nothing(rng, capsys):
    model, _ = _fit(rng, 0)
    model.evaluate(np.ones((3, 2)), np.ones((3, 1)), verbose=0)
    model.predict(np.ones((3, 2)), verbose=0)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("verbose", [2, 1, "auto"])
def test_one_line_per_epoch_when_not_a_terminal(rng, capsys, verbose):
    _, history = _fit(rng, verbose)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    pattern = (
        r"Epoch 2/2 - loss: (\d\.\d{4}) - mae: \d\.\d{4} - val_loss: \d\.\d{4} - "
        r"val_mae: \d\.\d{4} - \d+\.\ds, \d+ms/step"
    )
    match = re.fullmatch(pattern, lines[1])
    assert match, lines[1]
    assert float(match.group(1)) == pytest.approx(history.history["loss"][1], abs=1e-4)


def test_evaluate_prints_its_results_on_one_line(rng, capsys):
    model, _ = _fit(rng, 0)
    model.evaluate(np.ones((3, 2)), np.ones((3, 1)))
    assert re.fullmatch(r"loss: \d+\.\d{4} - mae: \d+\.\d{4}", capsys.readouterr().out.strip())


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_a_tqdm_bar_on_a_terminal(rng, monkeypatch):
    pytest.importorskip("tqdm")
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stdout", terminal)
    _fit(rng, 1, epochs=2)
    text = terminal.getvalue()
    assert "Epoch 1/2" in text and "Epoch 2/2" in text
    assert "3/3" in text  # the bar reached its total of 3 steps
    final = text.rsplit("Epoch 2/2", 1)[1]
    assert "val_loss=" in final or "val_loss:" in final  # validation shown at the epoch's end


def test_without_tqdm_the_bar_falls_back_to_lines(rng, monkeypatch):
    monkeypatch.setattr(progbar, "_tqdm", lambda: None)
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stdout", terminal)
    _fit(rng, 1, epochs=3)
    assert [line.split(" - ")[0] for line in terminal.getvalue().strip().splitlines()] == [
        "Epoch 1/3",
        "Epoch 2/3",
        "Epoch 3/3",
    ]


def test_format_logs_uses_e_notation_for_tiny_values():
    assert progbar.format_logs({"loss": 0.5, "learning_rate": 1e-4, "zero": 0.0}) == (
        "loss: 0.5000 - learning_rate: 1.0000e-04 - zero: 0.0000"
    )


def test_a_user_progbar_is_not_doubled(rng, capsys):
    _fit(rng, 2, callbacks=[callbacks.ProgbarLogger()])
    assert len(capsys.readouterr().out.strip().splitlines()) == 2
