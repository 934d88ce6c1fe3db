"""The neurona command: demo, labs, lab NAME, info; exit codes 0 (done), 1 (a lab failed),
2 (bad arguments) and messages that say what to do, without a traceback."""

import json
import subprocess
import sys

import pytest

from neurona import cli, labs
from neurona.labs import perceptron


def test_demo_prints_the_loss_and_four_predictions_and_writes_plots(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["demo", "--epochs", "1500"]) == 0
    out = capsys.readouterr().out
    assert "XOR solved: True" in out and out.count("|") >= 10
    assert "epoch  1500" in out  # progress every epochs/10
    folder = tmp_path / "neurona-reports" / "demo"
    assert json.loads((folder / "metrics.json").read_text())["epochs"] == 1500
    if cli._version("matplotlib"):
        assert (folder / "loss.png").is_file() and (folder / "boundary.png").is_file()


def test_python_dash_m_neurona_runs_the_demo(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "neurona", "demo", "--fast", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "XOR solved: True" in done.stdout and (tmp_path / "metrics.json").is_file()


def test_no_command_prints_the_help_and_writes_nothing(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "_demo", lambda args: pytest.fail("a plain `neurona` ran the demo"))
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: neurona") and "demo" in out and "lab" in out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv, message",
    [
        (["demo", "--epochs", "many"], "invalid _positive value: 'many'"),
        (["demo", "--epochs", "0"], "expected a positive integer, got 0"),
        (["lab"], "the following arguments are required: NAME"),
        (["lab", "perceptron", "--seed", "x"], "invalid int value: 'x'"),
        (["train"], "invalid choice: 'train'"),
    ],
)
def test_bad_arguments_exit_2_with_usage(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("usage: neurona")


def test_labs_lists_every_lab_with_its_description(capsys):
    assert cli.main(["labs"]) == 0
    out = capsys.readouterr().out
    for name, description in labs.available().items():
        assert any(
            line.split()[0] == name and line.endswith(description) for line in out.splitlines()[1:]
        )
    assert {
        "perceptron",
        "mcculloch-pitts",
        "linear-neuron",
        "logistic-neuron",
        "autodiff-graph",
        "xor-autodiff",
    } <= set(labs.available())


def test_an_unknown_lab_exits_2_with_the_names_and_the_closest(capsys):
    assert cli.main(["lab", "perceptrn"]) == 2
    captured = capsys.readouterr()
    assert "unknown lab 'perceptrn'" in captured.err and "'perceptron'" in captured.err
    assert "neurona labs" in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


def test_a_lab_with_missing_data_exits_1_with_the_fix_and_no_traceback(capsys, monkeypatch):
    def no_data(**kwargs):
        raise FileNotFoundError("load_mnist: put the IDX files in $NEURONA_DATA/mnist/")

    monkeypatch.setattr(perceptron, "run", no_data)
    assert cli.main(["lab", "perceptron"]) == 1
    err = capsys.readouterr().err
    assert "neurona lab perceptron: missing data: load_mnist: put the IDX files in" in err
    assert "$NEURONA_DATA/mnist/" in err and "Traceback" not in err


def test_a_lab_missing_an_optional_package_exits_1_and_says_what_to_install(capsys, monkeypatch):
    def no_matplotlib(**kwargs):
        raise ImportError('expected matplotlib. Install it with: pip install "neurona[plot]"')

    monkeypatch.setattr(perceptron, "run", no_matplotlib)
    assert cli.main(["lab", "perceptron"]) == 1
    err = capsys.readouterr().err
    assert "missing package" in err and 'pip install "neurona[plot]"' in err
    assert "Traceback" not in err


def test_a_lab_that_crashes_exits_1_and_shows_where(capsys, monkeypatch):
    def broken(**kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(perceptron, "run", broken)
    assert cli.main(["lab", "perceptron"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "ZeroDivisionError" in err
    assert err.rstrip().endswith("neurona lab perceptron: failed (the traceback above says where).")


def test_lab_options_reach_run(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(perceptron, "run", lambda **kwargs: seen.update(kwargs) or {})
    assert (
        cli.main(
            ["lab", "perceptron", "--epochs", "5", "--out", str(tmp_path), "--seed", "3", "--fast"]
        )
        == 0
    )
    assert seen == {"epochs": 5, "out": str(tmp_path), "seed": 3, "fast": True}


def test_info_prints_versions_extras_blas_and_data(capsys):
    import numpy as np

    import neurona

    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"neurona {neurona.__version__}")
    assert f"NumPy {np.__version__}" in out and "float dtype: float32" in out
    assert "  plot      matplotlib" in out and "BLAS:" in out
    assert "  fashion-mnist " in out and "  mnist " in out


@pytest.mark.parametrize("name", sorted(labs.available()))
def test_every_lab_runs_fast(name, tmp_path, capsys):
    code = cli.main(["lab", name, "--fast", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    if code == 1 and f"neurona lab {name}: missing data:" in captured.err:  # not installed here
        pytest.skip(f"{name}: {captured.err.strip()}")
    assert code == 0, captured.err
    assert (tmp_path / "metrics.json").is_file()
