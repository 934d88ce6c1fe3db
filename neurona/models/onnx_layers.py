"""Floor 5: each layer as ONNX operators (opset 17), for ``neurona.models.onnx_export``.

Data stays channels-last (NHWC) between layers, as in neurona and Keras; a convolution or a
pooling layer transposes to ONNX's channels-first around its one operator. Inference only:
Dropout is the identity, BatchNormalization uses its moving statistics (folded into one scale
and one shift), recurrent layers run ONNX's RNN/LSTM/GRU over the whole sequence.

Weight layouts, Keras → ONNX:

    Dense        kernel (in, u)                → MatMul's B as it is
    Conv1D/2D    kernel (k…, in, out)          → W (out, in, k…)
    ConvTranspose kernel (k…, out, in)         → W (in, out, k…)
    LSTM         gates i f c o, kernel (in, 4u) → W (1, 4u, in) in ONNX's order i o f c
    GRU          gates z r h (the same order); reset_after ↔ linear_before_reset=1, bias[0] the
                 input bias Wb, bias[1] the recurrent bias Rb

Convolution and pooling layers are in ``neurona.models.onnx_conv``, the recurrent layers in
``neurona.models.onnx_recurrent``; ``convert_layer`` sends each layer to its converter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["convert_layer", "Graph", "ExportError"]


class ExportError(ValueError):
    """A model part that cannot be written as ONNX (the message says which and why).

    Example:
        >>> issubclass(ExportError, ValueError)
        True
    """


class Graph:
    """The nodes and initializers being written, and fresh names for values.

    Example:
        >>> g = Graph(np.float32)
        >>> g.op("Relu", [g.const(np.ones(2), "c")], "r")
        'r_2'
    """

    def __init__(self, dtype: Any) -> None:
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.dtype = np.dtype(dtype)
        self.nodes: list = []
        self.initializers: list = []
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, array: Any, hint: str, dtype: Any = None) -> str:
        array = np.asarray(array, dtype=dtype or self.dtype)
        name = self.name(hint)
        self.initializers.append(self.numpy_helper.from_array(array, name))
        return name

    def ints(self, values: Any, hint: str = "shape") -> str:
        return self.const(np.asarray(values, dtype=np.int64), hint, np.int64)

    def op(self, op_type: str, inputs: list, hint: str, outputs: int = 1, **attrs: Any) -> Any:
        names = [self.name(hint) for _ in range(outputs)]
        self.nodes.append(self.helper.make_node(op_type, inputs, names, **attrs))
        return names[0] if outputs == 1 else names


# ----- activations -----------------------------------------------------------------------------
def activation(g: Graph, fn: Any, x: str, where: str) -> str:
    """``fn`` (one of neurona's activations) applied to the value ``x``."""
    from neurona import activations

    name = fn if isinstance(fn, str) else activations.serialize(fn)
    simple = {
        "relu": "Relu",
        "sigmoid": "Sigmoid",
        "tanh": "Tanh",
        "softplus": "Softplus",
        "softsign": "Softsign",
        "exponential": "Exp",
        "elu": "Elu",
    }
    if name == "linear":
        return x
    if name in simple:
        return g.op(simple[name], [x], name)
    if name in ("softmax", "log_softmax"):
        return g.op("Softmax" if name == "softmax" else "LogSoftmax", [x], name, axis=-1)
    if name == "selu":
        return g.op("Selu", [x], name, alpha=1.6732632423543772, gamma=1.0507009873554805)
    if name in ("silu", "swish"):
        return g.op("Mul", [x, g.op("Sigmoid", [x], "sigmoid")], name)
    if name == "gelu":  # ½x(1 + erf(x/√2)), Keras's default (exact) form
        erf = g.op("Erf", [g.op("Div", [x, g.const(np.sqrt(2.0), "sqrt2")], "scaled")], "erf")
        half = g.op("Mul", [x, g.const(0.5, "half")], "half_x")
        return g.op("Mul", [half, g.op("Add", [erf, g.const(1.0, "one")], "plus1")], name)
    if name == "hard_sigmoid":  # Keras 3: relu6(x + 3) / 6
        return g.op("HardSigmoid", [x], name, alpha=1.0 / 6.0, beta=0.5)
    if name in ("relu6", "hard_tanh"):
        low, high = (0.0, 6.0) if name == "relu6" else (-1.0, 1.0)
        return g.op("Clip", [x, g.const(low, "low"), g.const(high, "high")], name)
    if name == "leaky_relu":
        return g.op("LeakyRelu", [x], name, alpha=0.2)
    raise ExportError(f"{where}: the activation {name!r} has no ONNX form here.")


# ----- converters, one per layer kind --------------------------------------------------------
def _w(tensor: Any) -> np.ndarray:
    return np.asarray(tensor.data)


def _dense(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    y = g.op("MatMul", [xs[0], g.const(_w(layer.kernel), "kernel")], "dense")
    if layer.use_bias:
        y = g.op("Add", [y, g.const(_w(layer.bias), "bias")], "dense_bias")
    return [activation(g, layer.activation, y, layer.name)]


def _batch_norm(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    rank = len(shapes[0])
    axis = layer.axis % rank
    std = np.sqrt(_w(layer.moving_variance).astype(np.float64) + layer.epsilon)
    scale = (_w(layer.gamma) if layer.scale else 1.0) / std
    shift = (_w(layer.beta) if layer.center else 0.0) - _w(layer.moving_mean) * scale
    shape = [1] * rank
    shape[axis] = -1
    y = g.op("Mul", [xs[0], g.const(scale.reshape(shape), "bn_scale")], "bn")
    return [g.op("Add", [y, g.const(shift.reshape(shape), "bn_shift")], "bn")]


def _layer_norm(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    rank = len(shapes[0])
    axes = sorted(a % rank for a in ([layer.axis] if isinstance(layer.axis, int) else layer.axis))
    if axes != list(range(axes[0], rank)):
        raise ExportError(f"{layer.name}: LayerNormalization is exported over the last axes only.")
    size = [int(d) for d in shapes[0][axes[0] :]]
    gamma = _w(layer.gamma) if layer.scale else np.ones(size)
    beta = _w(layer.beta) if layer.center else np.zeros(size)
    inputs = [
        xs[0],
        g.const(np.reshape(gamma, size), "ln_scale"),
        g.const(np.reshape(beta, size), "ln_bias"),
    ]
    return [g.op("LayerNormalization", inputs, "ln", axis=axes[0], epsilon=layer.epsilon)]


def _time_distributed(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    shape = shapes[0]
    inner_shape = (None, *shape[2:])
    folded = g.op("Reshape", [xs[0], g.ints([-1, *shape[2:]])], "fold")
    y = convert_layer(g, layer.layer, [folded], [inner_shape])[0]
    out = layer.layer.compute_output_shape(inner_shape)
    return [g.op("Reshape", [y, g.ints([-1, shape[1], *out[1:]])], "unfold")]


def _merge(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    kind = type(layer).__name__
    if kind == "Concatenate":
        return [g.op("Concat", xs, "concat", axis=layer.axis % len(shapes[0]))]
    if kind == "Subtract":
        return [g.op("Sub", xs, "sub")]
    op_type = {
        "Add": "Sum",
        "Multiply": "Mul",
        "Average": "Mean",
        "Maximum": "Max",
        "Minimum": "Min",
    }[kind]
    if op_type == "Mul":
        y = xs[0]
        for x in xs[1:]:
            y = g.op("Mul", [y, x], "mul")
        return [y]
    return [g.op(op_type, xs, op_type.lower())]


def _dot(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    """Keras's batch_dot as one Einsum, the inputs first L2-normalised when asked."""
    a_x, a_y = layer._axes([tuple(s) for s in shapes])
    x, y = xs
    if layer.normalize:
        normed = []
        for value, axis in ((x, a_x), (y, a_y)):
            sum_sq = g.op("ReduceSumSquare", [value], "sum_sq", axes=[axis], keepdims=1)
            floor = g.const(1e-7**2, "eps2")
            norm = g.op("Sqrt", [g.op("Max", [sum_sq, floor], "floor")], "norm")
            normed.append(g.op("Div", [value, norm], "normalized"))
        x, y = normed
    letters = iter("bcdefghijklmnopqrstuvwxyz")
    x_sub = ["a"] + [next(letters) for _ in shapes[0][1:]]
    y_sub = ["a"] + [next(letters) for _ in shapes[1][1:]]
    y_sub[a_y] = x_sub[a_x]
    out = [c for i, c in enumerate(x_sub) if i != a_x] + [
        c for i, c in enumerate(y_sub) if i not in (0, a_y)
    ]
    equation = f"{''.join(x_sub)},{''.join(y_sub)}->{''.join(out)}"
    z = g.op("Einsum", [x, y], "dot", equation=equation)
    if len(out) == 1:  # Keras keeps a feature axis of size 1
        z = g.op("Unsqueeze", [z, g.ints([1])], "dot_axis")
    return [z]


def _simple(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    kind, x = type(layer).__name__, xs[0]
    if kind in ("Dropout", "InputLayer"):
        return [x]
    if kind == "Flatten":
        return [g.op("Flatten", [x], "flatten", axis=1)]
    if kind == "Reshape":
        return [g.op("Reshape", [x, g.ints([0, *layer.target_shape])], "reshape")]
    if kind == "RepeatVector":
        y = g.op("Unsqueeze", [x, g.ints([1])], "unsqueeze")
        return [g.op("Expand", [y, g.ints([1, layer.n, 1])], "repeat")]
    if kind == "Activation":
        return [activation(g, layer.activation, x, layer.name)]
    if kind == "Softmax":
        return [g.op("Softmax", [x], "softmax", axis=layer.axis)]
    if kind == "LeakyReLU":
        return [g.op("LeakyRelu", [x], "leaky_relu", alpha=layer.negative_slope)]
    if kind == "ELU":
        return [g.op("Elu", [x], "elu", alpha=layer.alpha)]
    if kind == "PReLU":
        return [g.op("PRelu", [x, g.const(_w(layer.alpha), "alpha")], "prelu")]
    if kind == "ReLU":
        if layer.negative_slope or layer.threshold:
            raise ExportError(
                f"{layer.name}: ReLU with negative_slope or threshold is not exported."
            )
        y = g.op("Relu", [x], "relu")
        if layer.max_value is not None:
            y = g.op("Clip", [y, g.const(0.0, "low"), g.const(layer.max_value, "high")], "relu_max")
        return [y]
    if kind == "Embedding":
        indices = g.op("Cast", [x], "indices", to=7)  # int64, whatever the input's dtype
        table = g.const(_w(layer.embeddings), "embeddings")
        return [g.op("Gather", [table, indices], "embedding", axis=0)]
    if kind == "UpSampling2D":  # nearest: each pixel repeated size[0] × size[1] times
        scales = g.const([1.0, *layer.size, 1.0], "scales", np.float32)
        return [
            g.op(
                "Resize",
                [x, "", scales],
                "upsample",
                mode="nearest",
                coordinate_transformation_mode="asymmetric",
                nearest_mode="floor",
            )
        ]
    if kind == "ZeroPadding2D":
        (top, bottom), (left, right) = layer.padding
        pads = g.ints([0, top, left, 0, 0, bottom, right, 0])
        return [g.op("Pad", [x, pads], "pad")]
    raise ExportError(
        f"{layer.name}: no ONNX export for {kind} layers yet. Exported: Dense, Conv1D/2D, "
        "Conv2DTranspose, pooling, BatchNormalization, LayerNormalization, Dropout, Embedding, "
        "SimpleRNN, LSTM, GRU, Bidirectional, TimeDistributed, merges, Dot, reshapes, "
        "UpSampling2D, ZeroPadding2D, activations."
    )


_CONV_KINDS = {  # converted in neurona.models.onnx_conv
    **dict.fromkeys(("Conv1D", "Conv2D", "Conv2DTranspose"), "conv"),
    **dict.fromkeys(
        ("MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D"), "pool"
    ),
    **dict.fromkeys(
        (
            "GlobalAveragePooling1D",
            "GlobalAveragePooling2D",
            "GlobalMaxPooling1D",
            "GlobalMaxPooling2D",
        ),
        "global",
    ),
}
_CONVERTERS = {
    "Dense": _dense,
    "BatchNormalization": _batch_norm,
    "LayerNormalization": _layer_norm,
    "TimeDistributed": _time_distributed,
    "Dot": _dot,
    **{
        k: _merge
        for k in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate")
    },
}


def convert_layer(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    """Append the operators of ``layer`` applied to the values ``xs`` (of ``shapes``, batch
    axis None) to ``g``; returns the names of its outputs.

    Example:
        >>> from neurona import layers
        >>> g = Graph(np.float32); dense = layers.Dense(2); dense.build((None, 3))
        >>> convert_layer(g, dense, ["x"], [(None, 3)]), [n.op_type for n in g.nodes]
        (['dense_bias_4'], ['MatMul', 'Add'])
    """
    from neurona.models.model import Model

    if isinstance(layer, Model):  # a nested model: its graph inline
        from neurona.models.onnx_export import convert_model

        return convert_model(g, layer, xs, shapes)
    kind = type(layer).__name__
    if kind in _CONV_KINDS:
        from neurona.models.onnx_conv import convolution, global_pooling, pooling

        convert = {"conv": convolution, "pool": pooling, "global": global_pooling}
        return convert[_CONV_KINDS[kind]](g, layer, xs, shapes)
    if type(layer).__name__ in ("SimpleRNN", "LSTM", "GRU", "Bidirectional"):
        from neurona.models.onnx_recurrent import bidirectional, recurrent

        return (bidirectional if type(layer).__name__ == "Bidirectional" else recurrent)(
            g, layer, xs, shapes
        )
    convert = _CONVERTERS.get(type(layer).__name__, _simple)  # exact classes: a subclass may
    return convert(g, layer, xs, shapes)  # compute something else in its call
