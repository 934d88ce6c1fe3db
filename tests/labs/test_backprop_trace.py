"""The backprop-trace lab: the course's worked example traced to the course's own formulas, and
the vanishing error of a 10-layer sigmoid network against ReLU."""

import json

import pytest

from neurona.labs import backprop_trace, get


def test_the_worked_example_matches_the_course_s_formulas():
    results = backprop_trace.run(out=False, print_fn=None, fast=True)
    assert results["max_difference"] < 1e-12
    for key, value in results["partials"].items():
        assert results["updates"][key] == pytest.approx(-backprop_trace.ETA * value)
    sigmoid, relu = results["mean_abs_delta"]["sigmoid"], results["mean_abs_delta"]["relu"]
    assert len(sigmoid) == len(relu) == 10
    assert all(a < b for a, b in zip(sigmoid, sigmoid[1:]))  # shrinks towards the input
    assert results["vanishing_ratio"]["sigmoid"] < 1e-4 < results["vanishing_ratio"]["relu"]


def test_run_prints_and_writes_the_report(tmp_path):
    pytest.importorskip("matplotlib")
    lines = []
    results = backprop_trace.run(out=tmp_path, fast=True, print_fn=lines.append)
    text = "\n".join(lines)
    assert "δ⁽²⁾ = ∂L/∂z⁽²⁾" in text and "∂e/∂w1,2" in text and "Part 2" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "gradient_flow.png",
        "metrics.json",
        "trace.txt",
        "worked_example.png",
    ]
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["partials"] == pytest.approx(results["partials"])
    assert get("backprop-trace") is backprop_trace
