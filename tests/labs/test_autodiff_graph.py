"""The autodiff-graph lab: the course's c = a + b, d = b + 1, e = c·d by both modes, drawn."""

import json

import pytest

from neurona.labs import autodiff_graph, get


def test_values_and_gradients_are_the_course_s(tmp_path):
    pytest.importorskip("matplotlib")
    results = autodiff_graph.run(out=tmp_path, print_fn=lambda line: None)
    # c = 3, d = 2, e = 6; ∂e/∂c = d = 2, ∂e/∂d = c = 3, ∂e/∂a = 2, ∂e/∂b = d + c = 5
    assert results["values"] == {"a": 2.0, "b": 1.0, "c": 3.0, "d": 2.0, "e": 6.0}
    assert results["reverse"] == {"de/da": 2.0, "de/db": 5.0, "de/dc": 2.0, "de/dd": 3.0}
    assert results["forward"] == {"de/da": 2.0, "de/db": 5.0} and results["modes_agree"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.dot", "graph.svg", "metrics.json"]
    dot = (tmp_path / "graph.dot").read_text()
    assert "c\\nscalar\\nvalue 3\\ngrad 2" in dot and "b\\nscalar\\nvalue 1\\ngrad 5" in dot
    assert "<svg" in (tmp_path / "graph.svg").read_text()
    assert json.loads((tmp_path / "metrics.json").read_text())["reverse"]["de/db"] == 5.0
    assert get("autodiff-graph") is autodiff_graph
