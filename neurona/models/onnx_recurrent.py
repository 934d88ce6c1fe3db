"""Floor 5: the recurrent layers as ONNX's RNN, LSTM and GRU operators (opset 17), for
``neurona.models.onnx_export``: the whole sequence is one operator, run time-major.

Keras → ONNX: kernels are transposed to (1, gates·u, in) and (1, gates·u, u); LSTM's gates go
from Keras's order i f c o to ONNX's i o f c; GRU's z r h are the same in both, and
``reset_after=True`` is ONNX's ``linear_before_reset=1`` with bias[0] the input bias and bias[1]
the recurrent one. ``go_backwards`` reverses the sequence first (Keras then returns the outputs in
the reversed order, and so does the export); Bidirectional lines the backward outputs up in time
again, as Keras does, then merges.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.models.onnx_layers import ExportError, Graph, _w

__all__ = ["recurrent", "bidirectional"]

_INT64_MIN = -(2**63)


def recurrent(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    """SimpleRNN, LSTM or GRU ``layer`` on ``xs[0]`` (batch, time, features).

    Example:
        >>> from neurona import layers
        >>> g = Graph(np.float32); lstm = layers.LSTM(2); lstm.build((None, 5, 3))
        >>> _ = recurrent(g, lstm, ["x"], [(None, 5, 3)])
        >>> [n.op_type for n in g.nodes]
        ['Transpose', 'LSTM', 'Squeeze']
    """
    kind = type(layer).__name__
    if layer.return_state or layer.stateful:
        raise ExportError(f"{layer.name}: return_state and stateful are not exported.")
    u = layer.units
    gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[kind]
    kernel, recurrent = _w(layer.kernel), _w(layer.recurrent_kernel)
    bias = _w(layer.bias) if layer.use_bias else np.zeros((gates * u,), kernel.dtype)
    input_bias, recurrent_bias = (bias[0], bias[1]) if bias.ndim == 2 else (bias, 0 * bias)
    if getattr(layer, "convention", "keras") == "course":  # h = z h̃ + (1 − z) h_prev is
        # Keras's (ONNX's) update with z ↦ 1 − z = σ(−a): the z block of every weight negated
        kernel, recurrent = kernel.copy(), recurrent.copy()
        input_bias, recurrent_bias = np.array(input_bias), np.array(recurrent_bias)
        for array in (kernel, recurrent, input_bias, recurrent_bias):
            array[..., :u] *= -1
    if kind == "LSTM":  # Keras i f c o → ONNX i o f c

        def order(a: np.ndarray) -> np.ndarray:
            blocks = np.split(a, 4, axis=-1)
            return np.concatenate([blocks[0], blocks[3], blocks[1], blocks[2]], axis=-1)

        kernel, recurrent = order(kernel), order(recurrent)
        input_bias, recurrent_bias = order(input_bias), order(recurrent_bias)
    names = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}
    from neurona import activations

    wanted = [layer.activation] if kind == "SimpleRNN" else [layer.recurrent_activation]
    wanted += [] if kind == "SimpleRNN" else [layer.activation] * (2 if kind == "LSTM" else 1)
    acts = [names.get(activations.serialize(fn)) for fn in wanted]
    if None in acts:
        raise ExportError(f"{layer.name}: ONNX recurrent operators take sigmoid, tanh or relu.")
    x = xs[0]
    if layer.go_backwards:
        x = g.op(
            "Slice",
            [x, g.ints([-1]), g.ints([_INT64_MIN]), g.ints([1]), g.ints([-1])],
            "reversed",
        )
    attrs: dict = {"hidden_size": u, "activations": acts}
    if kind == "GRU":
        attrs["linear_before_reset"] = int(layer.reset_after)
    inputs = [
        g.op("Transpose", [x], "time_major", perm=[1, 0, 2]),
        g.const(kernel.T[None], "W"),
        g.const(recurrent.T[None], "R"),
        g.const(np.concatenate([input_bias, recurrent_bias])[None], "B"),
    ]
    op_type = {"SimpleRNN": "RNN", "LSTM": "LSTM", "GRU": "GRU"}[kind]
    y, y_h = g.op(op_type, inputs, op_type.lower(), outputs=2, **attrs)
    if layer.return_sequences:  # Y (time, 1, batch, u) → (batch, time, u)
        y = g.op("Squeeze", [y, g.ints([1])], "seq")
        return [g.op("Transpose", [y], "batch_major", perm=[1, 0, 2])]
    return [g.op("Squeeze", [y_h, g.ints([0])], "last")]


def bidirectional(g: Graph, layer: Any, xs: list, shapes: list) -> list:
    """A Bidirectional wrapper: both recurrent layers, the backward outputs re-aligned in
    time, then merged as ``merge_mode`` says.

    Example:
        >>> from neurona import layers
        >>> g = Graph(np.float32); bi = layers.Bidirectional(layers.GRU(2))
        >>> bi.build((None, 5, 3)); _ = bidirectional(g, bi, ["x"], [(None, 5, 3)])
        >>> [n.op_type for n in g.nodes].count("GRU"), g.nodes[-1].op_type
        (2, 'Concat')
    """
    forward = recurrent(g, layer.forward_layer, xs, shapes)[0]
    backward = recurrent(g, layer.backward_layer, xs, shapes)[0]
    if layer.forward_layer.return_sequences:  # Keras lines the backward outputs up in time
        backward = g.op(
            "Slice",
            [backward, g.ints([-1]), g.ints([_INT64_MIN]), g.ints([1]), g.ints([-1])],
            "aligned",
        )
    mode = layer.merge_mode
    if mode == "concat":
        return [g.op("Concat", [forward, backward], "bidirectional", axis=-1)]
    if mode in ("sum", "mul"):
        return [g.op("Add" if mode == "sum" else "Mul", [forward, backward], "bidirectional")]
    if mode == "ave":
        return [g.op("Mean", [forward, backward], "bidirectional")]
    raise ExportError(f"{layer.name}: merge_mode={mode!r} is not exported.")
