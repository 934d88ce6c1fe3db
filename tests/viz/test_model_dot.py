"""plot_model through pydot and Graphviz, as Keras: model_to_dot's nodes and edges are
model_graph's, a '.dot' file holds the DOT text, Graphviz renders when its program is present,
and matplotlib draws when it is not."""

from __future__ import annotations

import shutil

import pytest

import neurona as nr
from neurona.viz import model_dot
from neurona.viz.model_plot import model_graph


@pytest.fixture(scope="module")
def pydot():
    from tests.conftest import _oracle

    return _oracle("pydot")


def _functional():
    x = nr.Input((4,), name="x")
    shared = nr.layers.Dense(3, name="shared")
    a, b = shared(x), shared(nr.layers.Dense(4, name="pre")(x))
    out = nr.layers.Dense(1, name="out")(nr.layers.Concatenate(name="join")([a, b]))
    return nr.Model(x, out)


def _nodes(graph):
    return {
        n.get_name(): n.get_label().strip('"')
        for n in graph.get_nodes()
        if n.get_name()[1:].isdigit()
    }


def test_model_to_dot_draws_model_graph(pydot):
    model = _functional()
    graph = nr.utils.model_to_dot(model, show_shapes=True, rankdir="LR")
    boxes, edges = model_graph(model, show_shapes=True)
    labels = _nodes(graph)
    assert [label.replace("\\n", "\n") for label in labels.values()] == list(boxes.values())
    names = dict(zip(labels, boxes))  # node id → layer name
    got = {(names[e.get_source()], names[e.get_destination()]) for e in graph.get_edges()}
    assert got == set(edges) and ("pre", "shared") in got and ("shared", "join") in got
    assert graph.get_rankdir() == "LR"


def test_a_dot_file_holds_the_graph_text(pydot, tmp_path):
    path = tmp_path / "model.dot"
    nr.utils.plot_model(_functional(), to_file=str(path), show_shapes=True)
    (parsed,) = pydot.graph_from_dot_data(path.read_text())
    assert len(_nodes(parsed)) == 5 and len(parsed.get_edges()) == 5


def test_graphviz_renders_when_present_else_matplotlib(pydot, tmp_path, monkeypatch):
    import sys

    if "matplotlib.pyplot" in sys.modules:  # figures other tests left open in pyplot
        sys.modules["matplotlib.pyplot"].close("all")
    model = nr.Sequential([nr.Input((3,)), nr.layers.Dense(2)])
    if shutil.which("dot"):  # the real Graphviz
        nr.utils.plot_model(model, to_file=str(tmp_path / "real.svg"))
        assert "<svg" in (tmp_path / "real.svg").read_text()
    written = []
    monkeypatch.setattr(model_dot, "graphviz_available", lambda: True)
    monkeypatch.setattr(
        pydot.Dot, "write", lambda self, path, format: written.append((path, format))
    )
    nr.utils.plot_model(model, to_file=str(tmp_path / "m.pdf"))
    assert written == [(str(tmp_path / "m.pdf"), "pdf")]
    monkeypatch.setattr(model_dot, "graphviz_available", lambda: False)
    nr.utils.plot_model(model, to_file=str(tmp_path / "m.png"), dpi=40)
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"  # matplotlib's drawing


def test_without_pydot_model_to_dot_says_how_to_install_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pydot", None)
    assert model_dot.graphviz_available() is False
    with pytest.raises(ImportError, match=r"neurona\[plot\]"):
        nr.utils.model_to_dot(nr.Sequential([nr.Input((3,)), nr.layers.Dense(2)]))
