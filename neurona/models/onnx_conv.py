"""Floor 5: convolution and pooling layers as ONNX operators (opset 17), for
``neurona.models.onnx_export``. Data stays channels-last between layers; each of these layers
transposes to ONNX's channels-first around its one operator.

Kernels: Conv (k…, in, out) → (out, in, k…); ConvTranspose (k…, out, in) → (in, out, k…).
Keras's 'same' padding (TensorFlow's: the extra pad at the end) is written as explicit pads from
the known input sizes; Conv2DTranspose's crops come from neurona's own ``transpose_plan``.
"""

from __future__ import annotations

from typing import Any

from neurona.models.onnx_layers import ExportError, Graph, _w, activation

__all__ = ["convolution", "pooling", "global_pooling"]


def _to_channels_first(g: Graph, x: str, rank: int) -> str:
    return g.op("Transpose", [x], "nchw", perm=[0, rank + 1, *range(1, rank + 1)])


def _to_channels_last(g: Graph, x: str, rank: int) -> str:
    return g.op("Transpose", [x], "nhwc", perm=[0, *range(2, rank + 2), 1])


def _check_channels_last(layer: Any) -> None:
    if getattr(layer, "data_format", "channels_last") not in (None, "channels_last"):
        raise ExportError(f"{layer.name}: only data_format='channels_last' is exported.")


def _same(sizes: tuple, kernel: tuple, strides: tuple, dilations: tuple) -> dict:
    """Keras's (TensorFlow's) 'same' padding as ONNX attributes: explicit pads, the extra one at
    the end (out = ⌈in / s⌉); SAME_UPPER where a size is unknown (no dilation there)."""
    if any(n is None for n in sizes):
        if any(d != 1 for d in dilations):
            raise ExportError("'same' padding with dilation needs the input's sizes to be known.")
        return {"auto_pad": "SAME_UPPER"}
    totals = [
        max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
        for n, k, s, d in zip(sizes, kernel, strides, dilations)
    ]
    return {"pads": [t // 2 for t in totals] + [t - t // 2 for t in totals]}


def convolution(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    """Conv1D, Conv2D or Conv2DTranspose on ``xs[0]`` (channels last) as one ONNX operator
    between two transposes.

    Example:
        >>> from neurona import layers
        >>> g = Graph("float32"); conv = layers.Conv2D(2, 3); conv.build((None, 5, 5, 1))
        >>> _ = convolution(g, conv, ["x"], [(None, 5, 5, 1)])
        >>> [n.op_type for n in g.nodes]
        ['Transpose', 'Conv', 'Transpose']
    """
    _check_channels_last(layer)
    n = len(layer.kernel_size)
    kernel = _w(layer.kernel)
    attrs: dict = {
        "kernel_shape": list(layer.kernel_size),
        "strides": list(layer.strides),
        "dilations": list(layer.dilation_rate),
    }
    if type(layer).__name__ == "Conv2DTranspose":
        w = kernel.transpose(n + 1, n, *range(n))  # (k…, out, in) → (in, out, k…)
        # neurona crops the full transposed output by Keras's rules (F.transpose_plan); ONNX
        # crops with pads, and a negative crop at the end is its output_padding
        from neurona.functional.conv_transpose import transpose_plan

        size = tuple(64 if d is None else d for d in shapes[0][1 : n + 1])
        _, crops = transpose_plan(
            layer.name,
            size,
            tuple(layer.kernel_size),
            tuple(layer.strides),
            tuple(layer.dilation_rate),
            layer.padding,
            None if layer.output_padding is None else tuple(layer.output_padding),
        )
        begin = [before for before, _ in crops]
        end = [max(after, 0) for _, after in crops]
        extra = [max(-after, 0) for _, after in crops]
        attrs["pads"], attrs["output_padding"] = begin + end, extra
        op_type = "ConvTranspose"
    else:
        w = kernel.transpose(n + 1, n, *range(n))  # (k…, in, out) → (out, in, k…)
        if layer.padding == "same":
            attrs.update(
                _same(shapes[0][1 : n + 1], layer.kernel_size, layer.strides, layer.dilation_rate)
            )
        elif layer.padding == "causal":
            attrs["pads"] = [(layer.kernel_size[0] - 1) * layer.dilation_rate[0], 0]
        else:
            attrs["pads"] = [0] * (2 * n)
        op_type = "Conv"
    inputs = [_to_channels_first(g, xs[0], n), g.const(w, "kernel")]
    if layer.use_bias:
        inputs.append(g.const(_w(layer.bias), "bias"))
    y = _to_channels_last(g, g.op(op_type, inputs, op_type.lower(), **attrs), n)
    return [activation(g, layer.activation, y, layer.name)]


def pooling(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    """Max or average pooling (1D or 2D) as ONNX's MaxPool / AveragePool.

    Example:
        >>> from neurona import layers
        >>> g = Graph("float32")
        >>> _ = pooling(g, layers.MaxPooling2D(), ["x"], [(None, 4, 4, 1)])
        >>> [n.op_type for n in g.nodes]
        ['Transpose', 'MaxPool', 'Transpose']
    """
    _check_channels_last(layer)
    n = len(layer.pool_size)
    op_type = "MaxPool" if "Max" in type(layer).__name__ else "AveragePool"
    attrs: dict = {"kernel_shape": list(layer.pool_size), "strides": list(layer.strides)}
    if layer.padding == "same":  # AveragePool leaves the padding out of the mean
        attrs.update(_same(shapes[0][1 : n + 1], layer.pool_size, layer.strides, (1,) * n))
    else:
        attrs["pads"] = [0] * (2 * n)
    y = g.op(op_type, [_to_channels_first(g, xs[0], n)], op_type.lower(), **attrs)
    return [_to_channels_last(g, y, n)]


def global_pooling(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    """Global average or max pooling as a reduction over the spatial axes.

    Example:
        >>> from neurona import layers
        >>> g = Graph("float32")
        >>> _ = global_pooling(g, layers.GlobalAveragePooling2D(), ["x"], [(None, 4, 4, 1)])
        >>> g.nodes[0].op_type
        'ReduceMean'
    """
    _check_channels_last(layer)
    axes = list(range(1, len(shapes[0]) - 1))
    op_type = "ReduceMax" if "Max" in type(layer).__name__ else "ReduceMean"
    return [g.op(op_type, [xs[0]], "global_pool", axes=axes, keepdims=int(layer.keepdims))]
