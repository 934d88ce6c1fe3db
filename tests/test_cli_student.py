"""The command as a student meets it (issue 13): --quiet, --lang es, --coin, the report folder
printed at the end, and what `neurona info` says about BLAS threads."""

from __future__ import annotations

import pytest

from neurona import cli


def test_a_lab_ends_by_printing_its_report_folder(tmp_path, capsys):
    assert cli.main(["lab", "xor-mlp", "--out", str(tmp_path / "r")]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == f"report folder: {(tmp_path / 'r').resolve()}"


def test_quiet_prints_nothing_but_still_writes_the_report(tmp_path, capsys):
    assert cli.main(["lab", "xor-mlp", "--quiet", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr() == ("", "")
    assert (tmp_path / "metrics.json").is_file()


def test_lang_es_prints_spanish(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NEURONA_LANG", "en")  # restored after the test: --lang sets it
    assert cli.main(["lab", "sobornos-regression", "--fast", "--lang", "es", "--out",
                     str(tmp_path)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "datos sintetizados" in out and "carpeta del informe:" in out
    assert "un modelo lineal no puede curvarse" in out


@pytest.mark.parametrize("lab", ["crypto-mlp"])
def test_coin_eth_reaches_the_crypto_labs(lab, tmp_path, capsys, monkeypatch):
    seen = {}
    module = __import__("neurona.labs.crypto_mlp", fromlist=["run"])

    def fake_run(epochs=None, out=None, seed=0, fast=False, print_fn=print, coin="btc"):
        seen.update(coin=coin, fast=fast)
        return {}

    monkeypatch.setattr(module, "run", fake_run)
    assert cli.main(["lab", lab, "--coin", "eth", "--fast", "--out", str(tmp_path)]) == 0
    assert seen["coin"] == "eth" and seen["fast"] is True


def test_coin_on_a_lab_without_coins_is_a_usage_error(capsys):
    assert cli.main(["lab", "xor-mlp", "--coin", "eth"]) == 2
    assert "takes no --coin" in capsys.readouterr().err


def test_coin_eth_runs_the_crypto_lab_on_ethereum(tmp_path):
    from neurona.labs import crypto_mlp

    results = crypto_mlp.run(fast=True, out=False, print_fn=None, coin="eth", epochs=1)
    assert results["coin"] == "eth" and len(results["actual"]) == 60


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("auto", "automatic"), ("1", "NEURONA_BLAS_THREADS=1: 1 threads"), ("none", "left alone")],
)
def test_info_says_which_blas_threads_and_why(monkeypatch, setting, expected):
    monkeypatch.setenv("NEURONA_BLAS_THREADS", setting)
    lines = cli.thread_lines()
    assert expected in lines[0]
    if setting == "auto":
        assert "now: load" in lines[1] and ("busy" in lines[1])


def test_threadpoolctl_is_a_core_dependency():
    import re
    from pathlib import Path

    text = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    dependencies = re.search(r"^dependencies = \[(.*?)\]", text, re.M | re.S).group(1)
    assert '"threadpoolctl' in dependencies


def test_lang_es_translates_result_lines_and_plot_labels(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NEURONA_LANG", "es")
    from neurona import viz
    from neurona.labs import xor_mlp

    lines = []
    xor_mlp.run(out=False, print_fn=lines.append)
    assert lines[0] == " x1 x2 | objetivo | predicción" and "XOR resuelto: True" in lines[-1]
    pytest.importorskip("matplotlib")
    figure = viz.plot_history({"loss": [1.0, 0.5]})
    assert figure.axes[0].get_xlabel() == "época"


def test_english_is_the_default(monkeypatch):
    monkeypatch.delenv("NEURONA_LANG", raising=False)
    from neurona.labs import xor_mlp

    lines = []
    xor_mlp.run(out=False, print_fn=lines.append)
    assert "XOR solved: True" in lines[-1]
