"""The McCulloch–Pitts lab: hand-set threshold units reproduce the AND, OR and NOT truth tables
(and an inhibitory synapse gives x₁ AND NOT x₂)."""

import json

import pytest

from neurona.labs import get, mcculloch_pitts


def test_truth_tables_are_those_of_the_gates(tmp_path):
    pytest.importorskip("matplotlib")
    lines = []
    results = mcculloch_pitts.run(out=tmp_path, print_fn=lines.append)
    assert results["AND"]["outputs"] == [0, 0, 0, 1]
    assert results["OR"]["outputs"] == [0, 1, 1, 1]
    assert results["NOT"]["outputs"] == [1, 0] and results["NOT"]["threshold"] == 0.0
    assert results["AND3"]["outputs"] == [0] * 7 + [1]
    assert results["x1 AND NOT x2"]["outputs"] == [0, 0, 1, 0]
    assert all(r["correct"] for r in results.values())
    assert "  1  1  |   2 | 1" in lines  # the AND row: Σwx = 2 ≥ θ = 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json", "thresholds.png"]
    assert json.loads((tmp_path / "metrics.json").read_text())["OR"]["weights"] == [1.0, 1.0]
    assert get("mcculloch-pitts") is mcculloch_pitts
