"""The progress display: verbose 0 silent, 2 one line per epoch, 1 a live Keras-style bar on a
terminal with no extra installed (one line per epoch elsewhere), wrapped so that every metric
stays visible at 80 columns; tqdm only when asked for; evaluate's line."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from neurona import callbacks, layers, models
from neurona.callbacks import display as progbar_display
from neurona.callbacks import progbar
from tests.conftest import _oracle

# a value as Keras prints it: 4 decimals, or scientific notation below 1e-3 ("5.1812e-04")
NUMBER = r"\d+\.\d{4}(?:e[+-]\d+)?"


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
        rf"Epoch 2/2 - loss: ({NUMBER}) - mae: {NUMBER} - val_loss: {NUMBER} - "
        rf"val_mae: {NUMBER} - \d+\.\ds, \d+ms/step"
    )
    match = re.fullmatch(pattern, lines[1])
    assert match, lines[1]
    assert float(match.group(1)) == pytest.approx(history.history["loss"][1], abs=1e-4)


def test_evaluate_prints_its_results_on_one_line(rng, capsys):
    model, _ = _fit(rng, 0)
    model.evaluate(np.ones((3, 2)), np.ones((3, 1)))
    out = capsys.readouterr().out.strip()
    assert re.fullmatch(rf"loss: {NUMBER} - mae: {NUMBER}", out), out


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_a_live_bar_on_a_terminal_without_any_extra(rng, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("NEURONA_PROGRESS", raising=False)
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stdout", terminal)
    _fit(rng, 1, epochs=2)
    text = terminal.getvalue()
    assert "Epoch 1/2\n" in text and "Epoch 2/2\n" in text
    final = text.rsplit("Epoch 2/2", 1)[1].split("\r\x1b[J")[-1]
    pattern = (
        rf"3/3 \[=+\] - \d+s \d+(us|ms)/step - loss: {NUMBER} - mae: {NUMBER} - "
        rf"val_loss: {NUMBER} - val_mae: {NUMBER}\n"
    )
    assert re.fullmatch(pattern, final), final


def test_the_bar_wraps_to_keep_every_metric_at_80_columns():
    bar = progbar_display.Progbar(60, stream=FakeTerminal(), columns=80)
    bar.update(60, {f"{p}{m}": 0.25 for p in ("", "val_") for m in ("loss", "accuracy", "mae")})
    lines = bar.lines(final=True)
    assert len(lines) == 2 and all(len(line) < 80 for line in lines)
    text = " ".join(lines)
    for name in ("loss", "accuracy", "mae", "val_loss", "val_accuracy", "val_mae"):
        assert f" {name}: 0.2500" in text
    assert "[==========]" in lines[0]  # the bar shrank to its least width before wrapping


def test_the_live_bar_in_a_pseudo_terminal_of_80_columns(tmp_path):
    """fit in a real pseudo-terminal (COLUMNS=80): every line drawn fits and the epoch's final
    lines hold every metric, validation included."""
    pty = pytest.importorskip("pty")  # POSIX only
    script = tmp_path / "fit.py"
    script.write_text(
        "import numpy as np\n"
        "from neurona import layers, models\n"
        "m = models.Sequential([layers.Input((2,)), layers.Dense(3, activation='softmax')])\n"
        "m.compile(optimizer='adam', loss='sparse_categorical_crossentropy',\n"
        "          metrics=['accuracy', 'sparse_categorical_crossentropy'])\n"
        "x = np.random.rand(400, 2); y = np.random.randint(0, 3, 400)\n"
        "m.fit(x, y, epochs=2, batch_size=8, validation_split=0.25)\n"
    )
    leader, follower = pty.openpty()  # a subprocess, not a fork: this process has threads
    env = {**os.environ, "COLUMNS": "80", "NEURONA_PROGRESS": ""}
    child = subprocess.Popen([sys.executable, str(script)], stdout=follower, stderr=follower,
                             env=env)  # fmt: skip
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert child.wait(timeout=60) == 0, output.decode(errors="replace")
    drawings = re.split(r"\x1b\[\d*[A-Za-z]", output.decode())  # each redraw of the bar
    lines = [line for d in drawings for line in re.split("[\r\n]+", d) if line.strip()]
    assert all(len(line) < 80 for line in lines), max(lines, key=len)
    final = drawings[-1].replace("\r", "")  # the last drawing: epoch 2's final lines
    assert final.startswith("38/38 [") and final.count("\n") >= 2, final
    for name in ("loss", "accuracy", "sparse_categorical_crossentropy", "val_loss",
                 "val_accuracy", "val_sparse_categorical_crossentropy"):  # fmt: skip
        assert re.search(rf"(^|\s){name}: \d\.\d{{4}}", final), (name, final)


def test_tqdm_is_an_optional_renderer(rng, monkeypatch):
    _oracle("tqdm")
    monkeypatch.setenv("NEURONA_PROGRESS", "tqdm")
    monkeypatch.setenv("COLUMNS", "80")
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stdout", terminal)
    _fit(rng, 1, epochs=2)
    text = terminal.getvalue()
    assert "Epoch 2/2" in text and "3/3" in text
    final = text.rsplit("Epoch 2/2", 1)[1]
    assert "val_loss: " in final and "val_mae: " in final  # tqdm would cut them: printed below


def test_a_long_epoch_off_a_terminal_prints_a_line_now_and_then(monkeypatch):
    out = io.StringIO()
    bar = progbar_display.Progbar(100, stream=out, heartbeat=0.0)
    bar.update(10, {"loss": 0.5})
    assert out.getvalue().startswith(" 10/100 [===>") and "ETA" in out.getvalue()


def test_epoch_progbar_is_one_bar_over_the_epochs(rng):
    out = io.StringIO()
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(rng.normal(size=(4, 2)), np.ones((4, 1)), epochs=30, verbose=0,
              callbacks=[callbacks.EpochProgbar(stream=out)])  # fmt: skip
    assert re.fullmatch(r"30/30 \[=+\] - \d+s \d+(us|ms)/epoch - loss: \S+\n", out.getvalue())


def test_format_logs_uses_e_notation_for_tiny_values():
    assert progbar.format_logs({"loss": 0.5, "learning_rate": 1e-4, "zero": 0.0}) == (
        "loss: 0.5000 - learning_rate: 1.0000e-04 - zero: 0.0000"
    )


def test_a_user_progbar_is_not_doubled(rng, capsys):
    _fit(rng, 2, callbacks=[callbacks.ProgbarLogger()])
    assert len(capsys.readouterr().out.strip().splitlines()) == 2
