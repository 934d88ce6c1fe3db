"""The neurona command: the demo runs and exits 0; bad arguments exit 2 with a message."""

import subprocess
import sys

import pytest

from neurona import cli


def test_demo_prints_the_loss_and_four_predictions(capsys):
    assert cli.main(["demo", "--epochs", "1500"]) == 0
    out = capsys.readouterr().out
    assert "XOR solved: True" in out and out.count("|") >= 10


def test_python_dash_m_neurona_runs_the_demo():
    done = subprocess.run([sys.executable, "-m", "neurona", "demo", "--epochs", "1500"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "XOR solved: True" in done.stdout


def test_bad_arguments_exit_2_with_usage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["demo", "--epochs", "many"])
    assert exit_info.value.code == 2
    assert "invalid int value" in capsys.readouterr().err
