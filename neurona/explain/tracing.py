"""Side: ``trace(model, x, y)``, one training step of a compiled model made visible layer by
layer (docs/course.md G6, G12).

It runs the very step ``fit`` runs on a batch — ``Trainer._train_batch``: the forward pass in
training mode, the compiled loss with every penalty, ``backward()``, the optimiser's update and
the weights' constraints — while the layers' calls are wrapped so that z⁽ˡ⁾, a⁽ˡ⁾ and (for
recurrent layers) every h_t are tensors whose gradients the reverse sweep keeps
(``neurona.explain._hooks``). The numbers are the engine's: nothing here differentiates by hand.
With ``apply=False`` (the default) the weights, the optimiser's state and the random generators
are put back afterwards, so tracing leaves the model as it found it.

One public entry: ``neurona.explain.trace``. Model has no ``trace_step`` method: models sit on
floor 5 and may not import this side package, and one entry point keeps one documentation.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from neurona.backend import rng
from neurona.explain._hooks import Recorder, _arrays
from neurona.explain.result import LayerTrace, StepTrace, Trace, WeightTrace
from neurona.layers._tracking import layer_tree
from neurona.layers.dense import activation_name
from neurona.models.data import check_inputs

__all__ = ["trace"]


def trace(model: Any, x: Any, y: Any = None, sample_weight: Any = None, apply: bool = False):
    """One training step of ``model`` on the batch (x, y), layer by layer, in the course's
    notation: z⁽ˡ⁾, a⁽ˡ⁾, f'(z⁽ˡ⁾), δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾, ∂L/∂W⁽ˡ⁾, ∂L/∂b⁽ˡ⁾, the update ΔW⁽ˡ⁾ and the
    loss L.

    The step is ``fit``'s own (same loss, same optimiser, training-mode Dropout and
    BatchNormalization). The one difference in the graph: a layer that fuses its activation
    into one node (Dense, Conv) runs it as a separate node, and a recurrent layer runs its
    kernel one time step at a time, so that z⁽ˡ⁾ and h_t exist as tensors; the results equal
    the fused ones to rounding (tests/explain checks ΔW against ``train_on_batch`` to 1e-12 in
    float64).

    Args:
        model: a compiled model (Sequential, Functional or subclassed).
        x, y, sample_weight: one batch, as ``train_on_batch`` takes it (one sample: x[:1]).
        apply: keep the update (the model has then taken one training step); by default the
            weights, the optimiser's state and the random generators are restored.

    Returns:
        a :class:`~neurona.explain.result.Trace`: ``print`` it, show it in a notebook, call
        ``.to_dict()`` or ``.plot()``; ``trace[l]`` is layer l (from 1), ``trace['name']`` by
        name, with ``.z``, ``.a``, ``.fprime``, ``.delta``, ``.grad_a``, ``.weight('W')``.

    Raises:
        RuntimeError: the model is not compiled.

    Example:
        >>> import numpy as np
        >>> from neurona import layers, models
        >>> model = models.Sequential([layers.Input((2,)), layers.Dense(1, activation="sigmoid",
        ...                            kernel_initializer="ones")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> t = trace(model, np.array([[1.0, 2.0]]), np.array([[1.0]]))
        >>> t[1].z, t[1].delta.round(4)   # z = 1 + 2, δ = 2(a − y)·σ'(z)
        (array([[3.]], dtype=float32), array([[-0.0043]], dtype=float32))
        >>> model.layers[0].kernel.numpy().ravel()   # apply=False: unchanged
        array([1., 1.], dtype=float32)
    """
    if not getattr(model, "compiled", False):
        raise RuntimeError(
            "trace: the model must be compiled first (the trace runs fit's training step, "
            "with the compiled loss and optimiser). Call model.compile(optimizer='sgd', "
            "loss='mse') before trace(model, x, y)."
        )
    x, y, sample_weight = check_inputs("trace", x, y, sample_weight, finite=False)
    model._build_for(x)
    saved = _Snapshot(model)
    try:
        with Recorder(model) as recorder:
            loss, _ = model._train_batch(x, y, sample_weight)
        layers = _collect(recorder.records, saved)
    finally:
        if not apply:
            saved.restore()
    return Trace(
        loss=float(loss),
        layers=layers,
        applied=bool(apply),
        optimizer=type(model.optimizer).__name__,
        loss_name=_loss_name(model),
        x=x,
        y=y,
    )


def _loss_name(model: Any) -> str:
    loss = getattr(model, "loss", None)
    return str(getattr(loss, "name", None) or getattr(loss, "__name__", None) or loss)


class _Snapshot:
    """Copies of what one step changes: every weight, the optimiser's state, the random
    generators and stateful layers' states; ``restore()`` puts them back in place."""

    def __init__(self, model: Any) -> None:
        self.weights = [(w, np.array(w.data, copy=True)) for w in model.weights]
        keep = {}
        for w, _ in self.weights:  # the optimiser refers to the weights: keep those, not copies
            keep[id(w)], keep[id(w.data)] = w, w.data
        self.optimizer = model.optimizer
        self.optimizer_vars = copy.deepcopy(vars(model.optimizer), keep)
        generators = [rng()] + [
            layer._rng for layer in layer_tree(model) if getattr(layer, "_rng", None) is not None
        ]
        self.generators = [(g, copy.deepcopy(g.bit_generator.state)) for g in generators]
        self.states = [
            (layer, copy.deepcopy(layer.states))
            for layer in layer_tree(model)
            if getattr(layer, "stateful", False)
        ]

    def before(self, w: Any) -> np.ndarray:
        for weight, value in self.weights:
            if weight is w:
                return value
        raise KeyError(w)

    def restore(self) -> None:
        for w, value in self.weights:
            w.data[...] = value
        state = vars(self.optimizer)
        state.clear()
        state.update(self.optimizer_vars)
        for generator, value in self.generators:
            generator.bit_generator.state = value
        for layer, states in self.states:
            layer.states = states


def _array(t: Any) -> np.ndarray | None:
    return None if t is None else np.array(getattr(t, "data", t), copy=True)


def _grad(t: Any) -> np.ndarray | None:
    g = getattr(t, "grad", None)
    return None if g is None else np.array(g, copy=True)


def _one_or_list(values: list) -> Any:
    return values[0] if len(values) == 1 else values


def _collect(records: list, saved: _Snapshot) -> list[LayerTrace]:
    """LayerTraces from the recorder's records, read after the backward pass and the update."""
    layers, seen = [], {}
    for index, record in enumerate(records, start=1):
        layer = record.layer
        seen[layer.name] = seen.get(layer.name, 0) + 1
        name = layer.name if seen[layer.name] == 1 else f"{layer.name}#{seen[layer.name]}"
        outputs = _arrays(record.output)
        fn = getattr(layer, "activation", None)
        weights = [
            WeightTrace(
                name=w.name.split("/")[-1],
                value=saved.before(w),
                grad=_grad(w),
                update=np.asarray(w.data) - saved.before(w),
                trainable=bool(w.requires_grad),
            )
            for w in layer.weights
        ]
        trace = LayerTrace(
            index=index,
            name=name,
            class_name=type(layer).__name__,
            kind=record.kind,
            activation=activation_name(fn) if callable(fn) else None,
            inputs=[_array(t) for t in _arrays(record.inputs)],
            a=_one_or_list([_array(t) for t in outputs]),
            grad_a=_one_or_list([_grad(t) for t in outputs]),
            z=_array(record.z),
            fprime=record.fprime,
            delta=_grad(record.z) if record.z is not None else None,
            weights=weights,
            steps=[_step(step) for step in record.steps],
        )
        layers.append(trace)
    return layers


def _zero_if_unread(t: Any) -> np.ndarray | None:
    """∂L/∂t, or zeros when no later node read t (an LSTM's last cell state c_T)."""
    if t is None:
        return None
    g = _grad(t)
    return np.zeros_like(np.asarray(t.data)) if g is None else g


def _step(step: dict) -> StepTrace:
    return StepTrace(
        t=step["t"],
        h=_array(step["h"]),
        grad_h=_zero_if_unread(step["h"]),
        z=_array(step.get("z")),
        fprime=step.get("fprime"),
        delta=_grad(step.get("z")),
        c=_array(step.get("c")),
        grad_c=_zero_if_unread(step.get("c")),
        grads={name: _grad(view) for name, view in step["weights"].items()},
    )
