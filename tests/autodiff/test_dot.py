"""to_dot: the computational graph as Graphviz text."""

import neurona as nr
from neurona.autodiff import to_dot


def test_course_graph_shows_ops_values_and_gradients():
    a, b = nr.tensor(2.0, requires_grad=True), nr.tensor(1.0, requires_grad=True)
    a.name, b.name = "a", "b"
    c = (a + b).retain_grad()
    d = (b + 1).retain_grad()
    e = c * d
    e.name = "e"
    e.backward(retain_graph=True)
    text = to_dot(e)
    assert text.startswith("digraph") and text.rstrip().endswith("}")
    assert text.count('label="Add"') == 2 and text.count('label="Mul"') == 1
    assert "value 6" in text and "grad 5" in text and "grad 2" in text  # e = 6, ∂e/∂b = 5
    assert 'label="1"' in text  # the constant in d = b + 1
    assert text.count("->") == 9  # a,b→Add, b,1→Add, c,d→Mul, 3 ops→their outputs


def test_a_leaf_alone_is_one_node():
    text = to_dot(nr.tensor([1.0, 2.0]))
    assert "shape (2,)" in text and "->" not in text
