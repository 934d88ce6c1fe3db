"""Floor 5: ``model.export("model.onnx", format="onnx")`` (Keras 3's signature): the model as an
ONNX graph for inference, written with ``onnx.helper`` (the optional extra ``neurona[onnx]``).

The graph has one input per model input (the batch axis dynamic, named 'batch') and one output
per model output; each layer becomes a few ONNX operators (``neurona.models.onnx_layers``).
Opset 17 and IR version 8, which onnxruntime 1.14 and later load. The file is checked with
``onnx.checker`` and written atomically. Weights, inputs and outputs are float32, the precision
onnxruntime's kernels have (it has no float64 convolution): a float64 model is exported in
float32.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from neurona.models.onnx_layers import ExportError, Graph, convert_layer

__all__ = ["export_onnx", "convert_model", "ExportError"]

OPSET, IR_VERSION = 17, 8


def _import_onnx(where: str) -> Any:
    try:
        import onnx
    except ImportError:
        raise ImportError(
            f"{where}: ONNX export needs the onnx package. Install it with "
            "pip install 'neurona[onnx]' (onnx, and onnxruntime to run the file)."
        ) from None
    return onnx


def _model_inputs(model: Any) -> list:
    """(name, shape, dtype) of each input of a Sequential or Functional model."""
    tensors = getattr(model, "inputs", None)
    if tensors:
        return [(t.name, tuple(t.shape), str(t.dtype)) for t in tensors]
    layer = getattr(model, "_input_layer", None)
    if layer is not None:
        return [(layer.name, tuple(layer.batch_shape), str(layer.dtype))]
    shape = getattr(model, "_build_input_shape", None)
    if shape is None:
        raise ExportError(
            f"export: the model '{model.name}' has no known input shape. Start it with "
            "layers.Input(shape) or call it on a batch first."
        )
    return [("input", tuple(shape), model.dtype)]


def convert_model(g: Graph, model: Any, xs: list, shapes: list) -> list:
    """The operators of a Sequential or Functional ``model`` on the values ``xs``; returns the
    names of its outputs (nested models are converted inline).

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2), layers.Dropout(0.5)])
        >>> g = Graph(np.float32); out = convert_model(g, model, ["x"], [(None, 3)])
        >>> [n.op_type for n in g.nodes]
        ['MatMul', 'Add']
    """
    return _convert(g, model, xs, shapes)[0]


def _convert(g: Graph, model: Any, xs: list, shapes: list) -> tuple:
    """(output names, output shapes) of :func:`convert_model`."""
    if hasattr(model, "_nodes"):  # Functional: replay the recorded calls
        values = {id(t): (x, tuple(t.shape)) for t, x in zip(model.inputs, xs)}
        for node in model._nodes:
            names = [values[id(t)][0] for t in node.input_tensors]
            in_shapes = [values[id(t)][1] for t in node.input_tensors]
            outs = convert_layer(g, node.layer, names, in_shapes)
            if len(outs) != len(node.output_tensors):
                raise ExportError(
                    f"{node.layer.name}: layers with several outputs are not exported."
                )
            for t, y in zip(node.output_tensors, outs):
                values[id(t)] = (y, tuple(t.shape))
        return [values[id(t)][0] for t in model.outputs], [tuple(t.shape) for t in model.outputs]
    if not hasattr(model, "pop"):
        raise ExportError(
            f"export: '{model.name}' is a subclassed model; only Sequential and Functional "
            "models have a graph to export. Rebuild it with the Functional API."
        )
    x, shape = xs[0], tuple(shapes[0])
    for layer in model.layers:
        x = convert_layer(g, layer, [x], [shape])[0]
        shape = tuple(layer.compute_output_shape(shape))
    return [x], [shape]


def export_onnx(model: Any, filepath: Any, opset_version: int | None = None) -> None:
    """Write ``model`` (Sequential or Functional, built) as an ONNX file for inference.

    Raises:
        ExportError (a ValueError): a layer or an option with no ONNX form here (the message
            names it), a subclassed model.
        ImportError: onnx is not installed (the message says how to install it).

    Example:
        >>> import os, tempfile, onnxruntime
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2, activation="relu")])
        >>> path = os.path.join(tempfile.mkdtemp(), "m.onnx"); export_onnx(model, path)
        >>> session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        >>> x = np.ones((4, 3), "float32")
        >>> feed = {session.get_inputs()[0].name: x}
        >>> np.allclose(session.run(None, feed)[0], model.predict(x, verbose=0))
        True
    """
    where = "export (format='onnx')"
    onnx = _import_onnx(where)
    from onnx import TensorProto, helper

    from neurona.models._files import atomic_write

    opset = OPSET if opset_version is None else int(opset_version)
    if opset < OPSET:
        raise ValueError(f"{where}: expected opset_version >= {OPSET}, got {opset_version!r}.")
    if not getattr(model, "built", False):
        raise ValueError(
            f"{where}: the model '{model.name}' is not built. Start it with "
            "layers.Input(shape) or call it on a batch first."
        )
    g = Graph(np.float32)  # onnxruntime's kernels are float32 (no float64 Conv): so is the file
    types = {
        "float32": TensorProto.FLOAT,
        "float64": TensorProto.DOUBLE,
        "int32": TensorProto.INT32,
        "int64": TensorProto.INT64,
    }
    inputs = _model_inputs(model)
    graph_inputs, names = [], []
    for name, shape, dt in inputs:
        if dt not in types:
            raise ExportError(f"{where}: input '{name}' has dtype {dt}, not exported.")
        dims = [
            "batch",
            *[d if d is not None else f"{name}_dim{i}" for i, d in enumerate(shape[1:], 1)],
        ]
        onnx_type = TensorProto.FLOAT if dt == "float64" else types[dt]
        graph_inputs.append(helper.make_tensor_value_info(name, onnx_type, dims))
        names.append(name)
    outs, out_shapes = _convert(g, model, names, [shape for _, shape, _ in inputs])
    out_type = TensorProto.FLOAT
    graph_outputs = []
    for i, (y, shape) in enumerate(zip(outs, out_shapes)):
        name = f"output_{i}"
        g.nodes.append(helper.make_node("Identity", [y], [name]))
        dims = [
            "batch",
            *[d if d is not None else f"out{i}_dim{j}" for j, d in enumerate(shape[1:], 1)],
        ]
        graph_outputs.append(helper.make_tensor_value_info(name, out_type, dims))
    graph = helper.make_graph(g.nodes, model.name, graph_inputs, graph_outputs, g.initializers)
    proto = helper.make_model(
        graph, producer_name="neurona", opset_imports=[helper.make_opsetid("", opset)]
    )
    proto.ir_version = IR_VERSION
    onnx.checker.check_model(proto)
    data = proto.SerializeToString()
    atomic_write(os.fspath(filepath), lambda file: file.write(data), True, where)
