"""Floor 4: a layer's sub-layers, found as Keras finds them: every ``Layer`` held in an
attribute, or in a list, tuple or dict held in an attribute (looked up when asked, so a layer
appended to a list later counts too). Weights, penalties and constraints are collected through
them recursively, each weight once even when a layer is shared."""

from __future__ import annotations

from typing import Any

__all__ = ["sublayers", "collect_weights", "collect_constraints", "layer_tree", "assign_weights"]


def sublayers(owner: Any) -> list:
    """The layers ``owner`` holds directly, in the order of its attributes (each once).

    Example:
        >>> from neurona import layers
        >>> block = layers.Layer(); block.inner = [layers.Dense(2), {"out": layers.Dense(1)}]
        >>> [type(layer).__name__ for layer in sublayers(block)]
        ['Dense', 'Dense']
    """
    from neurona.layers.layer import Layer

    found: list = []
    seen = {id(owner)}

    def visit(value: Any) -> None:
        if isinstance(value, Layer):
            if id(value) not in seen:
                seen.add(id(value))
                found.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)

    for name, value in vars(owner).items():
        if name not in _NOT_CHILDREN:
            visit(value)
    return found


# attributes that point at layers without owning them (graph bookkeeping)
_NOT_CHILDREN = frozenset({"_inbound_nodes", "_keras_history"})


def collect_weights(owner: Any, which: str) -> list:
    """``owner``'s own weights of kind ``which`` ('all', 'trainable', 'non_trainable'), then
    those of its sub-layers, recursively, each weight once.

    A frozen layer (``trainable=False``) has no trainable weights: all of its weights, and its
    sub-layers', are non-trainable (Keras's rule).

    Example:
        >>> import numpy as np
        >>> from neurona import layers
        >>> block = layers.Layer(); block.a = layers.Dense(2, name="a")
        >>> _ = block.a(np.ones((1, 3)))
        >>> [w.name for w in collect_weights(block, "all")]
        ['a/kernel', 'a/bias']
    """
    out: list = []
    seen: set = set()
    _collect(owner, which, out, seen)
    return out


def _collect(layer: Any, which: str, out: list, seen: set) -> None:
    if which == "trainable" and not layer._trainable:
        return
    if which == "non_trainable" and not layer._trainable:
        which = "all"  # everything under a frozen layer is non-trainable
    for w, trainable in zip(layer._weights, layer._weight_trainable):
        if id(w) in seen:
            continue
        if which == "all" or (which == "trainable") == trainable:
            seen.add(id(w))
            out.append(w)
    for child in sublayers(layer):
        _collect(child, which, out, seen)


def collect_constraints(owner: Any) -> list:
    """(weight, constraint) pairs of ``owner`` and its sub-layers, recursively.

    Example:
        >>> from neurona import layers
        >>> collect_constraints(layers.Dense(2))
        []
    """
    pairs = list(owner._constraints)
    seen = {id(w) for w, _ in pairs}
    for child in sublayers(owner):
        for w, constraint in collect_constraints(child):
            if id(w) not in seen:
                seen.add(id(w))
                pairs.append((w, constraint))
    return pairs


def layer_tree(layer: Any) -> list:
    """``layer`` and every layer under it, each once (the owners of penalties and add_loss).

    Example:
        >>> from neurona import layers
        >>> block = layers.Layer(); block.inner = [layers.Dense(2)]
        >>> [type(layer).__name__ for layer in layer_tree(block)]
        ['Layer', 'Dense']
    """
    found, stack, seen = [], [layer], {id(layer)}
    while stack:
        current = stack.pop()
        found.append(current)
        for child in reversed(sublayers(current)):
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return found


def assign_weights(layer: Any, weights: list) -> None:
    """Copy ``weights`` (the list ``get_weights`` gives) into ``layer.weights``, in place, after
    checking the count and every shape (nothing changes when one does not fit).

    Example:
        >>> import numpy as np
        >>> from neurona import layers
        >>> dense = layers.Dense(1); _ = dense(np.ones((1, 2)))
        >>> assign_weights(dense, [np.ones((2, 1)), np.zeros(1)]); dense.kernel.numpy().ravel()
        array([1., 1.], dtype=float32)
    """
    import numpy as np

    where = f"{type(layer).__name__} '{layer.name}'"
    weights = list(weights)
    own = layer.weights
    if not layer.built and len(weights) and not own:
        raise RuntimeError(
            f"{where}.set_weights: the layer has no weights yet. Build it "
            "first: call it on a batch or call build(input_shape)."
        )
    expected = [tuple(w.shape) for w in own]
    if len(weights) != len(expected):
        raise ValueError(
            f"{where}.set_weights: expected {len(expected)} arrays with shapes "
            f"{expected}, got {len(weights)}. Pass the list get_weights() returns."
        )
    values = [np.asarray(getattr(v, "data", v)) for v in weights]
    for w, v in zip(own, values):
        if tuple(v.shape) != tuple(w.shape):
            raise ValueError(
                f"{where}.set_weights: weight '{w.name}' expects shape "
                f"{tuple(w.shape)}, got {tuple(v.shape)}. Expected shapes, in "
                f"order: {expected}."
            )
    for w, v in zip(own, values):
        w.data[...] = v
