"""Floor 5: predict's short path for the model most often served, a ``Sequential`` of plain
``Dense`` layers (and ``Dropout``, the identity at inference): the layers' own nodes
(``functional.linalg.Dense``: z = x W + b and the activation in place) run one after the
other on arrays, without the per-layer call machinery (conversions, training context, graph
recording) that inference on one batch does not need.

NOTE: why: on one sample of the 784-128-10 MLP the arithmetic is ~11 µs and the layer calls
~10 µs more; PyTorch's no_grad forward takes ~25 µs. Any model this path does not recognise
exactly (another layer, a subclass, an activity regulariser, an instrumented ``call``, data of
another shape) returns None and takes the general path, which checks and reports.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.autodiff.tensor import as_array
from neurona.functional import linalg
from neurona.layers.dense import _IN_NODE, Dense
from neurona.layers.dropout import Dropout
from neurona.layers.layer import Layer

__all__: list[str] = []  # private: predict's helper


def dense_chain(model: Any) -> list | None:
    """The Dense layers of a Sequential made only of plain Dense and Dropout layers (Dropout
    left out: the identity at inference), or None when the model is anything else.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(4), layers.Dropout(0.5)])
        >>> [layer.units for layer in dense_chain(model)]
        [4]
    """
    from neurona.models.sequential import Sequential

    if type(model) is not Sequential or "call" in model.__dict__ or not model.built:
        return None
    chain = []
    for layer in model._layers:
        kind = type(layer)
        if (
            kind not in (Dense, Dropout)
            or kind.__call__ is not Layer.__call__
            or "call" in layer.__dict__  # instrumented (explain's trace wraps call)
            or layer.activity_regularizer is not None
            or not layer.built
        ):
            return None
        if kind is Dense:
            if layer._fused not in _IN_NODE:
                return None
            chain.append(layer)
    return chain


def predict_dense_chain(model: Any, x: np.ndarray) -> np.ndarray | None:
    """The outputs of ``dense_chain(model)`` on the batch x (a new array), or None when the
    general path must run (another model, or x not of the shape the model takes).

        a₀ = x (in the input's dtype),   a_l = f_l(a_{l−1} W_l + b_l)

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2, kernel_initializer="ones")])
        >>> predict_dense_chain(model, np.ones((1, 3)))
        array([[3., 3.]], dtype=float32)
    """
    chain = dense_chain(model)
    if not chain:
        return None
    first = model._input_layer
    if first is not None:
        want = first.batch_shape
        if want[0] is not None or x.shape[1:] != want[1:]:
            return None
    elif x.ndim != 2:
        return None
    a = as_array(x, (first or chain[0]).dtype)
    for layer in chain:
        W, b = layer.kernel.data, layer.bias
        if a.shape[-1] != W.shape[0]:
            return None
        a = linalg.Dense().forward(a, W, None if b is None else b.data, layer._fused)
    return a
