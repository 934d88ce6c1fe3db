"""Side helper of ``neurona.explain.trace``: what each layer's call leaves behind while one
training step runs.

The trace does not recompute backpropagation: it asks the tape for it. While the step runs,
every leaf layer's ``call`` is wrapped (an instance attribute, removed afterwards) so that the
tensors the course names are real nodes of the graph whose gradient the reverse sweep keeps
(``Tensor.retain_grad``):

- a layer that applies an activation inside its own node (``Dense``, ``Conv1D``/``Conv2D``,
  ``Conv2DTranspose``: one fused node for speed) runs with the activation as a node of its
  own, so z⁽ˡ⁾ = x W + b and a⁽ˡ⁾ = f(z⁽ˡ⁾) are both tensors and δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾ is z's ``.grad``;
- an activation layer (``Activation``, ``ReLU``, ``Softmax`` …) has z⁽ˡ⁾ = its input;
- a recurrent layer runs its own sequence kernel one time step at a time, h_t feeding the next
  step, with per-step views of its weights, so that ∂L/∂h_t (backpropagation through time, step
  by step) and each step's share of ∂L/∂W are gradients the sweep leaves on those tensors;
- any other layer keeps its call; its output a⁽ˡ⁾ and ∂L/∂a⁽ˡ⁾ are recorded.

f'(z⁽ˡ⁾) is the activation's forward-mode derivative (``nr.jvp`` with a tangent of ones), for
the element-wise activations (softmax's derivative is a Jacobian, so it has none).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import functional as F
from neurona.autodiff import Tensor, jvp, no_grad
from neurona.layers import activation as activation_layers
from neurona.layers._structure import flatten
from neurona.layers._tracking import layer_tree, sublayers
from neurona.layers.dense import activation_name
from neurona.layers.input import InputLayer
from neurona.layers.rnn import RecurrentLayer
from neurona.layers.simple_rnn import SimpleRNN

__all__: list[str] = []  # private helpers of neurona.explain.trace

_NOT_ELEMENTWISE = {"softmax", "log_softmax"}
_ACTIVATION_LAYERS = tuple(
    getattr(activation_layers, name)
    for name in ("Activation", "ReLU", "ELU", "LeakyReLU", "PReLU", "Softmax")
)


def _arrays(value: Any) -> list[Tensor]:
    return [t for t in flatten(value) if isinstance(t, Tensor)]


def _keep(value: Any) -> Any:
    """Ask the reverse sweep to keep ∂L/∂t on each tensor of ``value`` that is a graph node."""
    for t in _arrays(value):
        if t.requires_grad:
            t.retain_grad()
    return value


def derivative(fn: Any, z: Tensor) -> np.ndarray | None:
    """f'(z) element-wise, by forward mode (None when f is not element-wise or has no jvp)."""
    name = activation_name(fn)
    if name in _NOT_ELEMENTWISE or not callable(fn):
        return None
    data = np.asarray(z.data)
    try:
        _, slope = jvp(fn, (data,), (np.ones_like(data),))
    except (NotImplementedError, TypeError, ValueError):
        return None
    return np.array(slope.data, copy=True)


class Record:
    """What one call of one layer produced (filled in after the backward pass)."""

    def __init__(self, layer: Any, inputs: Any) -> None:
        self.layer = layer
        self.inputs = inputs
        self.z: Tensor | None = None
        self.output: Any = None
        self.fprime: np.ndarray | None = None
        self.steps: list[dict] = []  # recurrent layers: one dict of tensors per time step
        self.kind = "layer"


class Recorder:
    """Wraps the leaf layers of a model while one step runs; ``records`` in call order."""

    def __init__(self, model: Any) -> None:
        self.records: list[Record] = []
        self.layers = [
            layer
            for layer in layer_tree(model)
            if layer is not model and not sublayers(layer) and not isinstance(layer, InputLayer)
        ]

    def __enter__(self) -> Recorder:
        self._own = {}  # a call set on the instance itself, put back afterwards
        for layer in self.layers:
            if "call" in vars(layer):
                self._own[id(layer)] = vars(layer)["call"]
            layer.call = self._wrap(layer, layer.call)
        return self

    def __exit__(self, *exc: Any) -> None:
        for layer in self.layers:
            vars(layer).pop("call", None)
            if id(layer) in self._own:
                layer.call = self._own[id(layer)]

    def _wrap(self, layer: Any, original: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            record = Record(layer, args[0])
            if isinstance(layer, RecurrentLayer):
                out = _unrolled(layer, record, *args, **kwargs)
            elif _fuses_activation(layer):
                out = _split_activation(layer, record, original, *args, **kwargs)
            elif hasattr(layer, "_fused"):  # a linear Dense or Conv: a⁽ˡ⁾ = z⁽ˡ⁾, f' = 1
                out = original(*args, **kwargs)
                record.kind, record.z = "affine", _keep(out)
                record.fprime = np.ones_like(np.asarray(out.data))
            elif isinstance(layer, _ACTIVATION_LAYERS) and isinstance(args[0], Tensor):
                out = original(*args, **kwargs)
                record.kind, record.z = "activation", _keep(args[0])
                fn = getattr(layer, "activation", None) or (lambda t: original(t))
                if not isinstance(layer, activation_layers.Softmax):
                    record.fprime = derivative(fn, args[0])
            else:
                out = original(*args, **kwargs)
            record.output = _keep(out)
            self.records.append(record)
            return out

        return call


def _fuses_activation(layer: Any) -> bool:
    return hasattr(layer, "_fused") and activation_name(layer.activation) != "linear"


def _split_activation(layer: Any, record: Record, original: Any, *args: Any, **kwargs: Any):
    """z = the layer's node without its activation, a = f(z) as a node of its own."""
    fused = layer._fused
    layer._fused = None
    try:
        z = original(*args, **kwargs)
    finally:
        layer._fused = fused
    record.kind, record.z = "affine", _keep(z)
    record.fprime = derivative(layer.activation, z)
    return layer.activation(z)


def _step_views(weights: dict) -> dict:
    """Per-step views w·1 of the weights: their ``.grad`` is that step's share of ∂L/∂w."""
    views = {}
    for attr, w in weights.items():
        if w is not None:
            views[attr] = (w * 1.0).retain_grad() if w.requires_grad else w
    return views


def _unrolled(
    layer: Any, record: Record, x: Tensor, training: Any = None, initial_state: Any = None
) -> Any:
    """The layer's own kernel on one time step at a time (what ``RecurrentLayer.call`` runs on
    the whole sequence at once): h_t is a tensor the next step reads, so ∂L/∂h_t is the error
    that reaches step t from the loss and from every later step."""
    layer._check_shape(tuple(x.shape))
    x_mask, h_mask = layer._masks(x, training)
    states = layer._initial_states(x, initial_state)
    steps = range(x.shape[1] - 1, -1, -1) if layer.go_backwards else range(x.shape[1])
    simple = isinstance(layer, SimpleRNN)
    originals = {attr: getattr(layer, attr) for attr in ("kernel", "recurrent_kernel", "bias")}
    activation = layer.activation
    record.kind = "recurrent"
    hs = []
    try:
        for t in steps:
            views = _step_views(originals)
            for attr, view in views.items():
                setattr(layer, attr, view)
            if simple:
                layer.activation = F.linear
            _, *new_states = layer._run(x[:, t : t + 1], states, x_mask, h_mask)
            step = {"t": t, "weights": views}
            if simple:  # z_t = x_t W + h_{t−1} U + b, then h_t = f(z_t) as its own node
                layer.activation = activation
                z = _keep(new_states[0])
                step["z"], step["fprime"] = z, derivative(activation, z)
                new_states[0] = activation(z)
            step["h"] = _keep(new_states[0])
            if len(new_states) > 1:
                step["c"] = _keep(new_states[1])
            record.steps.append(step)
            hs.append(new_states[0])
            states = new_states
    finally:
        layer.activation = activation
        for attr, w in originals.items():
            setattr(layer, attr, w)
    if layer.stateful:
        with no_grad():
            layer.states = [np.array(s.data, copy=True) for s in states]
    out = F.stack(hs, axis=1) if layer.return_sequences else states[0]
    return [out, *states] if layer.return_state else out
