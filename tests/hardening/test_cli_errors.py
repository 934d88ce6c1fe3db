"""The command line under bad --out values, Ctrl-C, a reader that leaves and damaged data
(issue 12): one line on stderr and the conventional exit code, never a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from neurona import cli, labs
from neurona.datasets.mnist import FILES


@pytest.fixture
def lab_not_run(monkeypatch):
    """Fail the test if the lab starts (the --out check must come before any training)."""
    lab = labs.get("perceptron")

    def run(**kwargs):
        raise AssertionError("the lab ran although --out was unusable")

    monkeypatch.setattr(lab, "run", run)


@pytest.mark.parametrize("command", [["lab", "perceptron"], ["demo"]])
def test_out_that_is_a_file_is_refused_before_training(command, tmp_path, capsys, lab_not_run):
    (tmp_path / "f").write_text("x")
    assert cli.main([*command, "--out", str(tmp_path / "f")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "existing file" in err and "--out" in err


@pytest.mark.parametrize("command", [["lab", "perceptron"], ["demo"]])
def test_empty_out_is_refused(command, capsys, lab_not_run):
    assert cli.main([*command, "--out", ""]) == 2
    assert "expected a folder name" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_out_is_refused(tmp_path, capsys, lab_not_run):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert cli.main(["lab", "perceptron", "--out", str(locked / "r")]) == 2
    assert "not writable" in capsys.readouterr().err


def test_keyboard_interrupt_is_one_line_and_130(monkeypatch, tmp_path, capsys):
    def run(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(labs.get("perceptron"), "run", run)
    assert cli.main(["lab", "perceptron", "--out", str(tmp_path)]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "interrupted" in err and "Traceback" not in err


def test_damaged_dataset_is_a_message(monkeypatch, tmp_path, capsys):
    folder = tmp_path / "data" / "fashion-mnist"
    folder.mkdir(parents=True)
    for stem in FILES:
        (folder / f"{stem}.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    monkeypatch.setenv("NEURONA_DATA", str(tmp_path / "data"))
    code = cli.main(["lab", "fashion-mnist-mlp", "--fast", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 1 and "damaged data" in err and "gzip" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def _neurona(*args, **kwargs):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "neurona", *args], env=env, stderr=subprocess.PIPE, **kwargs
    )


def test_real_sigint_exits_130_with_one_line(tmp_path):
    process = _neurona(
        "demo", "--epochs", "10000000", "--out", str(tmp_path), stdout=subprocess.PIPE
    )
    assert process.stdout.readline().startswith(b"neurona demo")  # it has started training
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.decode().count("\n") == 1 and b"interrupted" in err
    assert list(tmp_path.iterdir()) == []  # no half report


def test_reader_that_leaves_is_quiet(tmp_path):
    read, write = os.pipe()
    os.close(read)  # `| head -0`: nobody reads
    process = _neurona("labs", stdout=write)
    os.close(write)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 141 and err == b""
