"""neurona.viz graph pictures: DOT parsing and layout, the matplotlib fallback when Graphviz is
missing (as on these machines), and the Graphviz path with a fake ``dot`` on the PATH."""

import os
import stat
import sys

import numpy as np
import pytest

import neurona as nr
from neurona.autodiff import to_dot
from neurona.viz import parse_dot, render_graph
from neurona.viz.graph import _layers


def _course_dot():
    a = nr.tensor(2.0, requires_grad=True)
    b = nr.tensor(1.0, requires_grad=True)
    a.name, b.name = "a", "b"
    e = (a + b) * (b + 1)
    e.name = "e"
    e.backward(retain_graph=True)
    return to_dot(e)


def _fake_dot(folder, exit_code=0):
    """A stand-in for Graphviz's dot: records its arguments, writes a marker to -o's file."""
    script = folder / "dot"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{folder}/args.txt"\n'
        'out=""\n'
        'while [ $# -gt 0 ]; do [ "$1" = "-o" ] && out="$2"; shift; done\n'
        f'[ {exit_code} -ne 0 ] && {{ echo "syntax error" >&2; exit {exit_code}; }}\n'
        'echo "<svg>drawn by fake graphviz</svg>" > "$out"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_parse_dot_reads_the_nodes_and_edges_of_to_dot():
    nodes, edges = parse_dot(_course_dot())
    labels = sorted(attrs["label"].split("\n")[0] for attrs in nodes.values())
    # tensors a, b, e and the unnamed a + b, b + 1 ("scalar"); ops Add, Add, Mul; the constant 1
    assert labels == ["1", "Add", "Add", "Mul", "a", "b", "e", "scalar", "scalar"]
    assert len(nodes) == 9 and len(edges) == 9
    b_node = next(n for n, attrs in nodes.items() if attrs["label"].startswith("b\n"))
    assert "grad 5" in nodes[b_node]["label"] and nodes[b_node]["shape"] == "box"


def test_layers_put_inputs_first_and_the_output_last():
    nodes, edges = parse_dot(_course_dot())
    layers = _layers(nodes, edges)
    first = {nodes[n]["label"].split("\n")[0] for n in layers[0]}
    assert first == {"a", "b", "1"}
    assert [nodes[n]["label"].split("\n")[0] for n in layers[-1]] == ["e"]
    assert len(layers) == 5  # inputs → Add → c, d → Mul → e


def test_without_graphviz_matplotlib_draws_the_graph(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no dot anywhere
    picture = render_graph(_course_dot(), tmp_path / "out" / "graph.svg")
    assert picture == tmp_path / "out" / "graph.svg"
    svg = picture.read_text()
    assert "<svg" in svg and "Mul" in svg and "grad 5" in svg
    assert (tmp_path / "out" / "graph.dot").read_text().startswith("digraph")
    png = render_graph(_course_dot(), tmp_path / "graph", format="png")
    assert png.name == "graph.png" and png.read_bytes()[:4] == b"\x89PNG"


def test_with_graphviz_dot_renders_the_picture(tmp_path, monkeypatch):
    _fake_dot(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    a = nr.tensor(2.0, requires_grad=True)
    picture = render_graph(a * 3, tmp_path / "g.svg")  # a Tensor is turned into DOT text
    assert picture.read_text() == "<svg>drawn by fake graphviz</svg>\n"
    assert (tmp_path / "args.txt").read_text().split() == [
        "-Tsvg",
        str(tmp_path / "g.dot"),
        "-o",
        str(tmp_path / "g.svg"),
    ]
    assert "Mul" in (tmp_path / "g.dot").read_text()


def test_a_failing_graphviz_warns_and_falls_back(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    _fake_dot(tmp_path, exit_code=3)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.warns(UserWarning, match=r"dot failed \(exit 3: syntax error\)"):
        picture = render_graph(_course_dot(), tmp_path / "g.svg")
    assert "Mul" in picture.read_text()


def test_no_graphviz_and_no_matplotlib_still_leaves_the_dot_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"apt install graphviz.*neurona\[plot\]"):
        render_graph(_course_dot(), tmp_path / "g.svg")
    assert (tmp_path / "g.dot").is_file()


def test_bad_inputs_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="format in"):
        render_graph("digraph g { }", "g.gif")
    with pytest.raises(ValueError, match="expected DOT text"):
        render_graph("not a graph", "g.svg")
    with pytest.raises(TypeError, match="a Tensor or DOT text"):
        render_graph(np.ones(3), "g.svg")
