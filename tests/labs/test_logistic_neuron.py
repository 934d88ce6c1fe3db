"""The logistic-neuron lab: breast cancer Wisconsin through scikit-learn (Coimbra without it),
accuracy, AUC and confusion rates consistent with the counts."""

import json

import pytest

from neurona.labs import get, logistic_neuron


def test_wisconsin_is_classified_well(tmp_path, sklearn):
    pytest.importorskip("matplotlib")
    lines = []
    results = logistic_neuron.run(out=tmp_path, fast=True, print_fn=lines.append)
    assert "Wisconsin" in results["data"] and lines[0].startswith("data: breast cancer Wisconsin")
    c = results["confusion"]
    assert c["TP"] + c["TN"] + c["FP"] + c["FN"] == 143  # 25 % of 569, rounded up
    assert c["TP"] + c["FN"] == 53  # malignant tumours in the stratified test part (212·0.25)
    assert c["TPR"] == pytest.approx(c["TP"] / (c["TP"] + c["FN"]))
    assert results["test_accuracy"] == pytest.approx(c["accuracy"])
    assert results["test_accuracy"] > 0.93 and results["test_auc"] > 0.97
    assert results["loss_history"][-1] < results["loss_history"][0] < 0.7
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["confusion"]["TN"] == c["TN"] and (tmp_path / "loss.png").is_file()


def test_without_scikit_learn_the_shipped_coimbra_set_is_used(monkeypatch):
    def missing():
        raise ImportError("no module named sklearn")

    monkeypatch.setattr(logistic_neuron, "load_breast_cancer_wisconsin", missing)
    lines = []
    results = logistic_neuron.run(fast=True, out=False, print_fn=lines.append)
    assert results["data"].startswith("Breast Cancer Coimbra") and "Coimbra" in lines[0]
    c = results["confusion"]
    assert c["TP"] + c["TN"] + c["FP"] + c["FN"] == 29  # 25 % of 116
    assert results["test_accuracy"] > 0.7
    assert get("logistic-neuron") is logistic_neuron
