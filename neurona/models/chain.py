"""Floor 5: ``fit``'s training step without the tape, for a stack of layers that can run on arrays:
backpropagation as the course writes it, layer by layer.

    forward:   a₀ = x,  aᵢ = layer_i(aᵢ₋₁)            (each layer keeps its node)
    loss:      L(y, a_L);  δ = ∂L/∂a_L
    backward:  for i = L … 1:  (δ, ∂L/∂Wᵢ) = node_i.backward(δ)      (δ becomes ∂L/∂aᵢ₋₁)

Each layer runs the very node it records on the tape (``Layer._chain_forward``: Dense's
``linalg.Dense``, Flatten's ``Reshape``, Dropout's ``F.dropout``), so the numbers are the tape's,
bit for bit (tested); what goes away is the bookkeeping of a general graph (tensor objects, the
topological order, routing of gradients), which at batch 32 costs as much as the arithmetic of a
small network. The layers after the first one that cannot run on arrays, or at least the last
layer, run on the tape together with the loss (the "head"), unless the last layer is
``Dense(k, activation="softmax")`` trained with (sparse) categorical cross-entropy: then layer and
loss are one fused node, as on the tape, and the labels were checked once per ``fit``.

``fit`` uses the chain when the model has a prefix of such layers, no weight or activity penalty
and something to train; otherwise every step runs on the tape (``TrainingMixin._tape_step``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.autodiff import Tensor
from neurona.autodiff.tensor import as_array
from neurona.functional.fused_losses import DenseSoftmaxCrossEntropy
from neurona.layers import Dense
from neurona.losses.fused_head import softmax_cross_entropy_labels

__all__ = ["LayerChain"]


class LayerChain:
    """The tape-free training step of one ``fit`` (built by :meth:`for_fit`).

    Args:
        model: the compiled, built model (a ``Sequential``).
        body: how many leading layers run on arrays.
        dtype: the dtype the inputs are cast to (the Input layer's, else the first layer's).
        softmax_labels: (sparse, labels) from ``losses.fused_head`` when the whole stack runs on
            arrays and ends in a fused softmax cross-entropy, else None.

    Example:
        >>> from neurona import layers, models
        >>> model = models.Sequential([layers.Input((4,)), layers.Dense(8, activation="relu"),
        ...                            layers.Dense(3, activation="softmax")])
        >>> model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        >>> x, y = np.ones((6, 4), dtype="float32"), np.array([0, 1, 2, 0, 1, 2])
        >>> chain = LayerChain.for_fit(model, x, y, batch_size=3)
        >>> chain.body, chain.softmax_labels is not None   # both layers, fused with the loss
        (2, True)
        >>> loss, p = chain.step(x[:3], y[:3], None); p.shape
        (3, 3)
    """

    def __init__(self, model: Any, body: int, dtype: Any, softmax_labels: tuple | None) -> None:
        self.model, self.layers, self.body, self.dtype = model, model.layers, body, dtype
        self.softmax_labels = softmax_labels
        self.weights = model.trainable_weights
        self.constrained = [layer for layer in self.layers if layer._constraints]
        trains = [any(w.requires_grad for w in layer.weights) for layer in self.layers]
        # layer i needs ∂L/∂(its input) when a layer before it has something to train
        self.need_x = [any(trains[:i]) for i in range(len(self.layers))]
        self.seed = np.ones((), dtype=dtype)

    @classmethod
    def for_fit(cls, model: Any, x: np.ndarray, y: np.ndarray, batch_size: int
                ) -> LayerChain | None:
        """The chain for fitting ``model`` on (x, y) in batches of ``batch_size``, or None when
        every step must use the tape."""
        layers = model.layers
        if not layers or not model.trainable_weights or model.losses:
            return None
        if len(set(map(id, layers))) != len(layers):  # a layer used twice shares gradients
            return None
        body = 0
        while body < len(layers) and layers[body]._chain_ready():
            body += 1
        labels = None
        last = layers[-1]
        if (body == len(layers) and type(last) is Dense and last._fused == "softmax"
                and len(model.output_shape) == 2):
            labels = softmax_cross_entropy_labels(model.loss, y, last.units, last.dtype)
        if labels is None:
            body = min(body, len(layers) - 1)  # the head: at least the last layer, on the tape
        if body == 0:
            return None
        first = getattr(model, "_input_layer", None) or layers[0]
        if first is not layers[0]:
            first(x[:batch_size])  # the Input layer's check, once: every batch has x's rows
        return cls(model, body, first.dtype, labels)

    def step(self, x_b: np.ndarray, y_b: np.ndarray, w_b: Any) -> tuple[float, np.ndarray]:
        """One optimiser step on a batch; returns (loss, the model's output array)."""
        if x_b.dtype != self.dtype:
            x_b = as_array(x_b, self.dtype)
        fused = self.softmax_labels is not None and w_b is None
        body = len(self.layers) if fused else min(self.body, len(self.layers) - 1)
        a, records = x_b, []
        for layer, need_x in zip(self.layers[:body], self.need_x):
            a, node, weights = layer._chain_forward(a, True, need_x)
            records.append((node, weights))
        if fused:
            value, delta, y_pred = self._softmax_head(a, records, y_b)
        else:
            value, delta, y_pred = self._tape_head(a, body, y_b, w_b)
        for node, weights in reversed(records):
            if delta is None:
                break
            if node is None:  # the identity (e.g. Dropout with rate 0)
                continue
            grads = node.backward(delta)
            if not isinstance(grads, tuple):
                grads = (grads,)
            delta = grads[0]
            _set_grads(weights, grads[1:])
        self.model._update_weights(self.weights, self.constrained, value, x_b, y_b, w_b)
        return value, y_pred

    def _softmax_head(self, x: np.ndarray, records: list, y_b: np.ndarray) -> tuple:
        """The last Dense's softmax output p (n, k) and the cross-entropy as the tape's fused
        node: δ = ∂L/∂(the Dense's input); the Dense's own node is skipped backward, as on the
        tape."""
        p = x
        dense_node, weights = records.pop()
        x_in, kernel, _, _, _ = dense_node.saved
        sparse, labels = self.softmax_labels
        node = DenseSoftmaxCrossEntropy()
        node.needs_input_grad = (False, *dense_node.needs_input_grad)
        bias = weights[1]
        value = node.forward(labels(y_b), x_in, kernel, None if bias is None else bias.data,
                             p=p, sparse=sparse, mean=True, checked=True)
        _, delta, *grads = node.backward(self.seed)
        _set_grads(weights, grads)
        return float(value), delta, p

    def _tape_head(self, x: np.ndarray, body: int, y_b: np.ndarray, w_b: Any) -> tuple:
        """The layers from ``body`` on and the loss, on the tape, from a leaf holding the body's
        output; δ = that leaf's gradient."""
        leaf = out = Tensor(x, requires_grad=self.need_x[body])
        for layer in self.layers[body:]:
            for w in layer.trainable_weights:
                w.grad = None
            out = layer(out, training=True)
        value = self.model._total_loss(y_b, out, w_b)
        value.backward()
        return float(value.item()), leaf.grad, out.data


def _set_grads(weights: tuple, grads: Any) -> None:
    """w.grad = ∂L/∂w in w's dtype, for each weight that got a gradient (as the tape's leaves)."""
    for w, g in zip(weights, grads):
        if g is not None:
            w.grad = g if g.dtype == w.data.dtype else g.astype(w.data.dtype)
