"""The breast-cancer-study lab in fast mode: every model on the same folds, both tables and the
box plot written, the same seed giving the same tables."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import _oracle

_oracle("sklearn")

from neurona.labs import breast_cancer_study  # noqa: E402
from neurona.selection import RATES  # noqa: E402


def test_fast_run_writes_both_tables_and_the_plot(tmp_path):
    lines = []
    results = breast_cancer_study.run(fast=True, out=tmp_path, print_fn=lines.append)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "auc.md",
        "auc_boxplot.png",
        "metrics.json",
        "rates.md",
    ]
    saved = json.loads((tmp_path / "metrics.json").read_text())
    auc = saved["auc_table"]
    names = [row[0] for row in auc["rows"]]
    assert {"DL", "SVM", "NN", "LR", "RF", "NB", "SGD"} <= set(names)
    assert [row[1] for row in auc["rows"]] == sorted((row[1] for row in auc["rows"]), reverse=True)
    assert all(0.5 < row[1] <= 1 for row in auc["rows"] if row[0] != "SGD")
    for name in names:  # 1 × 3-fold: the table describes the 3 folds, the same for every model
        folds = saved["models"][name]["folds"]
        assert len(folds["rows"]) == 3
        assert [row[2] for row in folds["rows"]] == [
            row[2] for row in saved["models"]["DL"]["folds"]["rows"]
        ]
    rates = saved["rates_table"]
    assert rates["columns"][1:] == [f"{r} {s}" for r in RATES for s in ("mean", "std")]
    for row in rates["rows"]:
        tpr, fnr = row[1], row[5]
        assert tpr + fnr == pytest.approx(1.0)
    assert "| model | AUC mean |" in (tmp_path / "auc.md").read_text()
    assert "| model | TPR | TNR | FNR | FPR | FDR | FOR |" in (tmp_path / "rates.md").read_text()
    assert any("published AUC means: DL 0.8699" in line for line in lines)
    assert results["settings"]["deep_network"]["hidden_layer_sizes"] == (102, 102, 102)


def test_same_seed_same_auc_table():
    a = breast_cancer_study.run(fast=True, out=False, print_fn=None, seed=4)
    b = breast_cancer_study.run(fast=True, out=False, print_fn=None, seed=4)
    assert a["auc_table"] == b["auc_table"] and a["rates_table"] == b["rates_table"]
    assert np.isfinite([row[1] for row in a["auc_table"]["rows"]]).all()


def test_the_command_passes_repeats_and_n_jobs_and_refuses_them_elsewhere(tmp_path, capsys):
    from neurona import cli

    argv = ["lab", "breast-cancer-study", "--fast", "--repeats", "2", "--n-jobs", "1"]
    assert cli.main([*argv, "--quiet", "--out", str(tmp_path)]) == 0
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["settings"]["repeats"] == 2
    assert len(saved["models"]["DL"]["folds"]["rows"]) == 6  # 2 repetitions × 3 folds
    assert cli.main(["lab", "house-prices", "--fast", "--repeats", "2", "--out", "x"]) == 2
    assert "takes no --repeats" in capsys.readouterr().err
