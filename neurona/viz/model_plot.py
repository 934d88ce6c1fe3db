"""Side: ``plot_model``, Keras's picture of a model's layer graph (``keras.utils.plot_model``),
drawn with matplotlib instead of pydot + Graphviz: one box per layer, an arrow per connection,
ranks by depth from the inputs, top to bottom (``rankdir="TB"``) or left to right ("LR")."""

from __future__ import annotations

import os
from typing import Any

from neurona.viz._mpl import new_figure
from neurona.viz.graph import _layers

__all__ = ["model_graph", "plot_model"]

_RANKDIRS = ("TB", "LR")


def _shape_text(shapes: list) -> str:
    """One shape as ``(None, 3)``, several (a layer with several inputs) as a list."""
    shapes = [None if s is None else tuple(s) for s in shapes]
    if not shapes or any(s is None for s in shapes):
        return "?"
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _layer_shapes(layer: Any) -> tuple[str, str]:
    """(input shape, output shape) text of a layer that says its own shapes (Sequential and
    subclassed models), '?' where it cannot."""
    texts = []
    for what in ("input_shape", "output_shape"):
        try:
            shape = getattr(layer, what)
        except Exception:  # noqa: BLE001 - a layer that cannot say its shape
            shape = None
        texts.append("?" if shape is None else str(tuple(shape)))
    return texts[0], texts[1]


def _node_shapes(nodes: list) -> tuple[str, str]:
    """(input shape, output shape) text of the calls of one layer in a functional graph: one
    text when all calls agree, else the calls' texts joined by ' | ' (a shared layer)."""
    ins, outs = [], []
    for node in nodes:
        inputs = node.input_tensors or node.output_tensors  # an InputLayer: its own shape
        ins.append(_shape_text([t.shape for t in inputs]))
        outs.append(_shape_text([t.shape for t in node.output_tensors]))
    return " | ".join(dict.fromkeys(ins)), " | ".join(dict.fromkeys(outs))


def _label(
    layer: Any,
    shapes: tuple[str, str],
    show_shapes: bool,
    show_dtype: bool,
    show_layer_names: bool,
    show_layer_activations: bool,
    show_trainable: bool,
) -> str:
    kind = type(layer).__name__
    lines = [f"{layer.name} ({kind})" if show_layer_names else kind]
    if show_shapes:
        lines += [f"Input shape: {shapes[0]}", f"Output shape: {shapes[1]}"]
    if show_dtype:
        lines.append(f"dtype: {getattr(layer, 'dtype', None) or '?'}")
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        lines.append(f"Activation: {getattr(activation, '__name__', str(activation))}")
    if show_trainable:
        lines.append(f"Trainable: {bool(getattr(layer, 'trainable', True))}")
    return "\n".join(lines)


def model_graph(
    model: Any,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The boxes and arrows ``plot_model`` draws, without drawing them.

    A functional model gives one box per layer (its inputs included; a shared layer is one box
    with the arrows of all its calls) and an arrow from the layer that made each input tensor of
    each call; a Sequential or subclassed model gives the chain of ``model.layers``.

    Args:
        model: a built model (Sequential, functional ``Model(inputs, outputs)`` or subclassed).
        show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable: what
            each box says, as in :func:`plot_model`.

    Returns:
        (boxes, edges): layer name → box text, in the model's order; (tail, head) layer names,
        each connection once.

    Raises:
        ValueError: the model is not built yet, or has no layers.

    Example:
        >>> import neurona as nr
        >>> model = nr.Sequential([nr.Input((3,)), nr.layers.Dense(2, name="out")])
        >>> model_graph(model, show_shapes=True)
        ({'out': 'out (Dense)\\nInput shape: (None, 3)\\nOutput shape: (None, 2)'}, [])
    """
    if not getattr(model, "built", False):
        raise ValueError(
            f"plot_model: the model '{model.name}' has not been built yet, so its "
            "layers have no shapes or connections to draw. Build it first: start "
            "it with keras.Input(shape), call model.build(input_shape), or call it "
            "on a batch of data."
        )
    show = (show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable)
    nodes = getattr(model, "_nodes", None)
    if nodes is None:  # Sequential and subclassed models: a chain of their layers
        layers = list(model.layers)
        if not layers:
            raise ValueError(f"plot_model: the model '{model.name}' has no layers to draw.")
        boxes = {layer.name: _label(layer, _layer_shapes(layer), *show) for layer in layers}
        names = [layer.name for layer in layers]
        return boxes, list(zip(names[:-1], names[1:]))
    calls: dict[int, tuple[Any, list]] = {}
    for layer in model._input_layers:
        calls[id(layer)] = (layer, [layer._inbound_nodes[0]])
    for node in nodes:
        calls.setdefault(id(node.layer), (node.layer, []))[1].append(node)
    boxes = {
        layer.name: _label(layer, _node_shapes(layer_nodes), *show)
        for layer, layer_nodes in calls.values()
    }
    edges: dict[tuple[str, str], None] = {}
    for node in nodes:
        for tensor in node.input_tensors:
            edges[(tensor._keras_history.operation.name, node.layer.name)] = None
    return boxes, list(edges)


def _draw(boxes: dict[str, str], edges: list[tuple[str, str]], rankdir: str) -> Any:
    """A matplotlib Figure of the boxes and arrows, ranks along y (TB) or x (LR)."""
    ranks = _layers(boxes, edges)
    widest = max(len(rank) for rank in ranks)
    chars = max(len(line) for text in boxes.values() for line in text.splitlines())
    lines = max(len(text.splitlines()) for text in boxes.values())
    box_w, box_h = 0.09 * chars + 0.6, 0.22 * lines + 0.5  # inches, roughly
    step_across, step_along = box_w + 0.4, box_h + 0.5
    if rankdir == "LR":
        step_across, step_along = box_h + 0.4, box_w + 0.6
    size_across, size_along = step_across * widest, step_along * len(ranks)
    size = (size_along, size_across) if rankdir == "LR" else (size_across, size_along)
    figure, axis = new_figure("plot_model", size=size)
    position = {}
    for r, rank in enumerate(ranks):
        for i, name in enumerate(rank):
            across = (i - (len(rank) - 1) / 2) * step_across  # each rank centred
            position[name] = (
                (r * step_along, -across) if rankdir == "LR" else (across, -r * step_along)
            )
    artists = {
        name: axis.text(
            *position[name],
            text,
            ha="center",
            va="center",
            fontsize=8,
            bbox=dict(boxstyle="round,pad=0.5", fc="#e8f0fe", ec="#3366cc"),
            zorder=3,
        )
        for name, text in boxes.items()
    }
    for tail, head in edges:
        axis.annotate(
            "",
            xy=position[head],
            xytext=position[tail],
            arrowprops=dict(
                arrowstyle="-|>",
                color="#555555",
                shrinkA=0,
                shrinkB=2,
                mutation_scale=14,
                patchA=artists[tail].get_bbox_patch(),
                patchB=artists[head].get_bbox_patch(),
            ),
            zorder=2,
        )
    xs = [x for x, _ in position.values()]
    ys = [y for _, y in position.values()]
    axis.set_xlim(min(xs) - box_w / 2 - 0.3, max(xs) + box_w / 2 + 0.3)
    axis.set_ylim(min(ys) - box_h / 2 - 0.3, max(ys) + box_h / 2 + 0.3)
    axis.axis("off")
    return figure


def plot_model(
    model: Any,
    to_file: str = "model.png",
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
    """Draw a model's layer graph to ``to_file``, as ``keras.utils.plot_model``.

    One box per layer ("name (ClassName)", then what the ``show_*`` flags ask for), an arrow
    per connection, ranks by depth from the inputs. With pydot and Graphviz's ``dot`` program
    installed it renders through them, as Keras does ('.dot' writes the DOT text with pydot
    alone; ``neurona.viz.model_dot``); otherwise it draws with matplotlib (the optional extra
    ``plot``), in any format matplotlib saves, chosen by the file's extension (PNG when there
    is none).

    Args:
        model: a built Sequential, functional or subclassed model.
        to_file: the picture's path ("model.png", "model.svg", "model.pdf", …).
        show_shapes: add each layer's input and output shapes.
        show_dtype: add each layer's dtype.
        show_layer_names: start each box with the layer's name (else only its class).
        rankdir: "TB" (top to bottom) or "LR" (left to right).
        expand_nested: accepted for Keras compatibility; a nested model is drawn as one box.
        dpi: dots per inch of raster formats.
        show_layer_activations: add the activation of layers that have one.
        show_trainable: add whether each layer is trainable.
        **kwargs: Keras's legacy ``subgraph`` (ignored); anything else is an error.

    Returns:
        An ``IPython.display.Image`` of the file when IPython is installed and the format is
        not PDF (what Keras returns, shown inline in a notebook), else None.

    Raises:
        ValueError: ``rankdir`` is not "TB" or "LR", an unknown keyword, or an unbuilt model.
        ImportError: matplotlib is not installed.

    Example:
        >>> import tempfile, pathlib, neurona as nr
        >>> model = nr.Sequential([nr.Input((3,)), nr.layers.Dense(2)])
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.png"
        >>> _ = plot_model(model, to_file=str(path), show_shapes=True, dpi=50)
        >>> path.stat().st_size > 0
        True
    """
    kwargs.pop("subgraph", None)
    if kwargs:
        raise ValueError(f"plot_model: unrecognized keyword arguments {sorted(kwargs)}.")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"plot_model: expected rankdir in {_RANKDIRS}, got {rankdir!r}.")
    boxes, edges = model_graph(
        model, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable
    )
    extension = os.path.splitext(str(to_file))[1].lstrip(".").lower() or "png"
    from neurona.viz.model_dot import graphviz_available, write_with_graphviz

    if extension in ("dot", "gv") or graphviz_available():  # pydot + Graphviz, as Keras
        write_with_graphviz(boxes, edges, rankdir, dpi, to_file, extension)
    else:
        figure = _draw(boxes, edges, rankdir)
        figure.savefig(to_file, format=extension, dpi=dpi, bbox_inches="tight")
    if extension == "pdf":
        return None
    try:
        from IPython import display
    except ImportError:
        return None
    return display.Image(filename=str(to_file))
