"""Side: what ``neurona.explain.trace`` returns — one training step, layer by layer, in the
course's notation (docs/course.md G6):

    z⁽ˡ⁾ = a⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾     a⁽ˡ⁾ = f(z⁽ˡ⁾)      δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾ = ∂L/∂a⁽ˡ⁾ ⊙ f'(z⁽ˡ⁾)
    ∂L/∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾     ∂L/∂b⁽ˡ⁾ = Σ_rows δ⁽ˡ⁾     ΔW⁽ˡ⁾ = W⁽ˡ⁾ after − W⁽ˡ⁾ before

W⁽ˡ⁾ is Keras's kernel (inputs, units), rows are samples: the slides' W (column vectors, W a)
is its transpose, so their δ⁽ˡ⁾ a⁽ˡ⁻¹⁾ᵀ is our a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾. Rendering lives in
``neurona.explain.render`` (text, HTML, dict) and ``neurona.explain.plot`` (figures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["LayerTrace", "StepTrace", "Trace", "WeightTrace", "SYMBOLS"]

# how the course writes each Keras weight
SYMBOLS = {
    "kernel": "W",
    "bias": "b",
    "recurrent_kernel": "U",
    "gamma": "γ",
    "beta": "β",
    "moving_mean": "μ_run",
    "moving_variance": "σ²_run",
    "alpha": "α",
    "embeddings": "E",
}


@dataclass
class WeightTrace:
    """One weight of a layer during the step: its value before, ∂L/∂w and the update Δw.

    ``update`` is the value after the step minus the value before (what the optimiser, the
    weight's constraint or, for BatchNormalization's running statistics, the forward pass
    changed). It is the update the step made even when the trace restored the weights
    afterwards; ``Trace.applied`` says whether it was kept.

    Example:
        >>> w = WeightTrace("kernel", np.ones(2), np.ones(2), -0.1 * np.ones(2), True)
        >>> w.symbol
        'W'
    """

    name: str
    value: np.ndarray
    grad: np.ndarray | None
    update: np.ndarray
    trainable: bool

    @property
    def symbol(self) -> str:
        """The course's letter for this weight (W, b, U, γ, β …), else its Keras name."""
        return SYMBOLS.get(self.name, self.name)


@dataclass
class StepTrace:
    """One time step t of a recurrent layer: h_t and ∂L/∂h_t (the error reaching step t from
    the loss and from every later step), for SimpleRNN also z_t, f'(z_t) and δ_t = ∂L/∂z_t,
    for LSTM the cell state c_t and ∂L/∂c_t along the cell-state path (the error that later
    steps send back through c_t; zero at the last step, which no later step reads; the path
    through h_t of the same step is inside the kernel's node), and ``grads``: this step's share
    of each ∂L/∂w (summed over the steps they give the layer's gradient).

    Example:
        >>> StepTrace(t=0, h=np.zeros((1, 2)), grad_h=np.zeros((1, 2))).t
        0
    """

    t: int
    h: np.ndarray
    grad_h: np.ndarray | None
    z: np.ndarray | None = None
    fprime: np.ndarray | None = None
    delta: np.ndarray | None = None
    c: np.ndarray | None = None
    grad_c: np.ndarray | None = None
    grads: dict = field(default_factory=dict)


@dataclass
class LayerTrace:
    """Layer l of the step: its input a⁽ˡ⁻¹⁾, z⁽ˡ⁾, a⁽ˡ⁾, f'(z⁽ˡ⁾), δ⁽ˡ⁾, ∂L/∂a⁽ˡ⁾, its weights
    (value, gradient, update) and, for a recurrent layer, its time steps.

    ``kind``: 'affine' (Dense, Conv: z = a W + b inside the layer), 'activation' (an activation
    layer: z is its input), 'recurrent', or 'layer' (no z: pooling, Dropout, BatchNormalization,
    Flatten …; δ is then None and ``grad_a`` = ∂L/∂a⁽ˡ⁾ is the error at its output).

    Example:
        >>> layer = LayerTrace(1, "dense", "Dense", "affine", "tanh", [np.ones((1, 2))],
        ...                    np.zeros((1, 1)))
        >>> layer.superscript
        '⁽¹⁾'
    """

    index: int
    name: str
    class_name: str
    kind: str
    activation: str | None
    inputs: list
    a: Any
    grad_a: Any = None
    z: np.ndarray | None = None
    fprime: np.ndarray | None = None
    delta: np.ndarray | None = None
    weights: list = field(default_factory=list)
    steps: list = field(default_factory=list)

    @property
    def superscript(self) -> str:
        """⁽ˡ⁾ for this layer's index."""
        return "⁽" + str(self.index).translate(_SUPERSCRIPT) + "⁾"

    def weight(self, name: str) -> WeightTrace | None:
        """The weight called ``name`` (Keras's name, 'kernel', or the course's letter, 'W')."""
        for w in self.weights:
            if name in (w.name, w.symbol):
                return w
        return None


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass
class Trace:
    """One training step of a model, layer by layer (what ``neurona.explain.trace`` returns).

    ``print(trace)`` gives a text table, ``trace`` in a notebook an HTML one, ``to_dict()`` a
    JSON-serialisable dict, ``plot()`` a figure (the network with each neuron's a and δ for a
    small Dense network, else ‖δ⁽ˡ⁾‖ and the spread of ∂L/∂W⁽ˡ⁾ per layer).

    Example:
        >>> Trace(loss=0.5, layers=[], applied=False, optimizer="SGD", loss_name="mse").loss
        0.5
    """

    loss: float
    layers: list
    applied: bool
    optimizer: str
    loss_name: str
    x: Any = None
    y: Any = None

    def __getitem__(self, key: Any) -> LayerTrace:
        """``trace[1]`` is layer 1 (the course counts from 1), ``trace['dense']`` by name."""
        for layer in self.layers:
            if key in (layer.index, layer.name):
                return layer
        keys = [layer.index for layer in self.layers] + [layer.name for layer in self.layers]
        raise KeyError(f"trace: no layer {key!r}; the layers are {keys}.")

    def __len__(self) -> int:
        return len(self.layers)

    def __str__(self) -> str:
        from neurona.explain.render import to_text

        return to_text(self)

    def __repr__(self) -> str:
        return (
            f"<Trace of {len(self.layers)} layers, loss {self.loss:.6g}, "
            f"{'applied' if self.applied else 'not applied'}>"
        )

    def _repr_html_(self) -> str:
        from neurona.explain.render import to_html

        return to_html(self)

    def to_markdown(self) -> str:
        """The trace as Markdown tables (one per layer).

        Example:
            >>> Trace(0.5, [], False, "SGD", "mse").to_markdown().splitlines()[0]
            '**Backpropagation trace** — loss L = 0.5 (mse), optimiser SGD, update not applied'
        """
        from neurona.explain.render import to_markdown

        return to_markdown(self)

    def to_dict(self) -> dict:
        """Every quantity as plain Python numbers and lists (JSON-serialisable).

        Example:
            >>> import json
            >>> json.dumps(Trace(0.5, [], False, "SGD", "mse").to_dict())[:13]
            '{"loss": 0.5,'
        """
        from neurona.explain.render import to_dict

        return to_dict(self)

    def plot(self, kind: str = "auto", sample: int = 0, ax: Any = None) -> Any:
        """The figure of the step: ``kind='network'`` draws each neuron with its a and δ (for
        sample ``sample``; small Dense networks), ``kind='layers'`` the size of δ⁽ˡ⁾ and of
        ∂L/∂W⁽ˡ⁾ per layer (the vanishing/exploding-gradient picture), ``kind='heatmaps'``
        log |δ⁽ˡ⁾| of every layer as an image; 'auto' chooses between the first two.

        Example:
            >>> Trace(0.5, [], False, "SGD", "mse").plot().__class__.__name__  # doctest: +SKIP
            'Figure'
        """
        from neurona.explain.plot import plot_trace

        return plot_trace(self, kind=kind, sample=sample, ax=ax)
