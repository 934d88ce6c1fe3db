"""Side package: a model's layer graph as a Graphviz graph built with ``pydot`` (Keras's
``keras.utils.model_to_dot``), and ``plot_model``'s Graphviz path: when pydot and Graphviz's
``dot`` program are both installed, ``plot_model`` renders with them as Keras does; a '.dot' file
name writes the graph's DOT text (pydot only, no Graphviz needed). Otherwise ``plot_model``
draws with matplotlib (``neurona.viz.model_plot``).

The boxes and arrows are :func:`neurona.viz.model_plot.model_graph`'s, so both drawings say the
same thing."""

from __future__ import annotations

import shutil
from typing import Any

__all__ = ["model_to_dot", "graphviz_available", "write_with_graphviz"]


def _pydot(where: str) -> Any:
    try:
        import pydot
    except ImportError:
        raise ImportError(
            f"{where}: Graphviz graphs are built with pydot. Install it with "
            "pip install 'neurona[plot]' (or pip install pydot); plot_model draws with "
            "matplotlib without it."
        ) from None
    return pydot


def graphviz_available() -> bool:
    """Whether ``plot_model`` can render through Graphviz: pydot importable and Graphviz's
    ``dot`` program on the PATH.

    Example:
        >>> isinstance(graphviz_available(), bool)
        True
    """
    try:
        import pydot  # noqa: F401
    except ImportError:
        return False
    return shutil.which("dot") is not None


def _dot(boxes: dict, edges: list, rankdir: str, dpi: int) -> Any:
    pydot = _pydot("model_to_dot")
    graph = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=str(dpi), concentrate="true")
    graph.set_node_defaults(shape="record")
    for i, text in enumerate(boxes.values()):
        # record labels treat {}|<> as structure: escape them, keep the lines
        label = text
        for char in "{}|<>":
            label = label.replace(char, "\\" + char)
        graph.add_node(pydot.Node(f"n{i}", label=label.replace("\n", "\\n")))
    index = {name: f"n{i}" for i, name in enumerate(boxes)}
    for tail, head in edges:
        graph.add_edge(pydot.Edge(index[tail], index[head]))
    return graph


def model_to_dot(
    model: Any,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    **kwargs: Any,
) -> Any:
    """The model's layer graph as a ``pydot.Dot`` (Keras's ``keras.utils.model_to_dot``): one
    record node per layer, labelled as ``plot_model`` labels it, one edge per connection.

    Raises:
        ImportError: pydot is missing (the message says how to install it).

    Example:
        >>> import neurona as nr
        >>> model = nr.Sequential([nr.Input((3,)), nr.layers.Dense(2, name="a"),
        ...                        nr.layers.Dense(1, name="b")])
        >>> graph = model_to_dot(model)
        >>> [n.get_label().strip('"') for n in graph.get_nodes() if n.get_name()[1:].isdigit()]
        ['a (Dense)', 'b (Dense)']
        >>> [(e.get_source(), e.get_destination()) for e in graph.get_edges()]
        [('n0', 'n1')]
    """
    from neurona.viz.model_plot import model_graph

    kwargs.pop("subgraph", None)
    if kwargs:
        raise ValueError(f"model_to_dot: unrecognized keyword arguments {sorted(kwargs)}.")
    boxes, edges = model_graph(
        model, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable
    )
    return _dot(boxes, edges, rankdir, dpi)


def write_with_graphviz(
    boxes: dict, edges: list, rankdir: str, dpi: int, to_file: Any, extension: str
) -> None:
    """Write the graph to ``to_file``: DOT text for '.dot' (pydot only), else rendered by
    Graphviz in the format of the extension.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "g.dot")
        >>> write_with_graphviz({"a": "a (Dense)", "b": "b (Dense)"}, [("a", "b")], "TB", 72,
        ...                     path, "dot")
        >>> "n0 -> n1" in open(path).read()
        True
    """
    graph = _dot(boxes, edges, rankdir, dpi)
    if extension in ("dot", "gv"):
        with open(to_file, "w", encoding="utf-8") as file:
            file.write(graph.to_string())
        return
    graph.write(str(to_file), format=extension)
