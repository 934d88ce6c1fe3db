"""Floor 1: the tape's bookkeeping. Gradient mode (``no_grad``), the iterative topological order of
a graph and the reverse sweep that accumulates ``.grad`` (reverse-mode automatic differentiation).

The reverse sweep is the course's Algorithm 6.2 (Goodfellow et al.): visit the nodes from the
output back to the inputs, and at each node turn ∂L/∂output into ∂L/∂inputs with the node's own
backward rule (the chain rule, ∇ₓL = (∂y/∂x)ᵀ ∇_y L), summing where a value feeds several nodes.
"""

from __future__ import annotations

import functools
from typing import Any

from neurona.backend import get_array_module


class _State:
    """Process-wide switches read by every op (a class, so the lookup stays one attribute)."""

    grad_enabled = True  # record the graph for reverse mode
    forward_mode = 0  # > 0 while nr.jvp pushes tangents through the ops


def is_grad_enabled() -> bool:
    """True when new ops are recorded for ``backward()``.

    Example:
        >>> with no_grad():
        ...     is_grad_enabled()
        False
    """
    return _State.grad_enabled


class no_grad:  # noqa: N801 - named like torch.no_grad, which users know
    """Context manager (and decorator) that stops recording the graph, like ``torch.no_grad``.

    Inside it, results have ``requires_grad=False``: use it for inference and weight updates.

    Example:
        >>> import neurona as nr
        >>> w = nr.tensor([1.0], requires_grad=True)
        >>> with nr.no_grad():
        ...     (w * 2).requires_grad
        False
    """

    def __enter__(self) -> None:
        self._previous = _State.grad_enabled
        _State.grad_enabled = False

    def __exit__(self, *exc: Any) -> None:
        _State.grad_enabled = self._previous

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with no_grad():
                return func(*args, **kwargs)

        return wrapper


class enable_grad(no_grad):  # noqa: N801
    """Context manager that turns recording back on inside a ``no_grad`` block.

    Example:
        >>> with no_grad():
        ...     with enable_grad():
        ...         is_grad_enabled()
        True
    """

    def __enter__(self) -> None:
        self._previous = _State.grad_enabled
        _State.grad_enabled = True


def topological_order(root_fn) -> list:
    """Nodes (``Function`` objects) reachable from ``root_fn``, producers before consumers.

    Iterative post-order depth-first search: no recursion, so a chain of 100,000 ops is fine.

    Example:
        >>> import neurona as nr
        >>> x = nr.tensor(1.0, requires_grad=True)
        >>> [type(f).__name__ for f in topological_order(((x * 2) + 1).grad_fn)]
        ['Mul', 'Add']
    """
    order, visited = [], set()
    stack = [(root_fn, False)]
    pop, push = stack.pop, stack.append
    while stack:
        fn, expanded = pop()
        if expanded:
            order.append(fn)
            continue
        if fn in visited:
            continue
        visited.add(fn)
        push((fn, True))
        for t, need in zip(fn.inputs, fn.needs_input_grad):  # the inputs that carry a gradient
            if need:
                producer = t._ctx
                if producer is not None and producer not in visited:
                    push((producer, False))
    return order


def _accumulate_leaf(t, g) -> None:
    """``t.grad += g`` without touching ``g`` (it may be shared with another input)."""
    if g.dtype != t.data.dtype or g.ndim == 0:  # 0-d ops give NumPy scalars: keep arrays
        g = get_array_module(g).asarray(g, dtype=t.data.dtype)
    t.grad = g if t.grad is None else t.grad + g


def _seed_gradient(root, grad):
    """The starting ∂L/∂root: 1 for a scalar, else the ``grad`` the caller gives."""
    xp = get_array_module(root.data)
    if grad is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward(): expected a scalar output (one element) when no gradient is given, "
                f"got a tensor of shape {root.shape}. Reduce it first (e.g. loss.mean() or "
                f".sum()), or pass grad= an array of shape {root.shape} (∂L/∂output)."
            )
        return xp.asarray(1, dtype=root.data.dtype).reshape(root.data.shape)  # 1, no wrapper
    grad = grad.data if hasattr(grad, "requires_grad") else xp.asarray(grad, dtype=root.dtype)
    if grad.shape != root.shape:
        raise ValueError(
            f"backward(grad=...): expected a gradient of the output's shape {root.shape}, "
            f"got shape {grad.shape}. Pass an array of shape {root.shape}."
        )
    return grad


def backward(root, grad=None, retain_graph: bool = False) -> None:
    """Reverse sweep: fill ``.grad`` of every leaf that ``root`` depends on (accumulating).

        for each node, outputs to inputs:   ∂L/∂input += backward(∂L/∂output)

    Gradients add up across calls like PyTorch (set ``.grad = None`` to reset). The graph's
    saved arrays are freed afterwards unless ``retain_graph=True``.

    Example:
        >>> import neurona as nr
        >>> x = nr.tensor([3.0], requires_grad=True)
        >>> backward((x ** 2).sum()); x.grad
        array([6.], dtype=float32)
    """
    if not root.requires_grad:
        raise RuntimeError(
            "backward(): this tensor does not require grad, so there is nothing to differentiate. "
            "Create the inputs with requires_grad=True (nr.tensor(x, requires_grad=True)) and do "
            "not compute it under nr.no_grad()."
        )
    grad = _seed_gradient(root, grad)
    root_fn = root._ctx
    if root_fn is None:  # the root is itself a leaf
        _accumulate_leaf(root, grad)
        return
    if root._retains_grad:  # as PyTorch: the root's own .grad is the seed (1 for a scalar)
        _accumulate_leaf(root, grad)
    order = topological_order(root_fn)
    pending = {root_fn: [None] * root_fn.n_outputs}
    pending[root_fn][root._index] = grad
    for fn in reversed(order):
        grads_out = pending.pop(fn, None)
        if grads_out is None:
            continue
        _run_node(fn, grads_out, pending)
        if not retain_graph:
            fn.release()


def _run_node(fn, grads_out: list, pending: dict) -> None:
    """Apply one node's backward rule; each input's gradient goes into its ``.grad`` (a leaf, or
    a tensor that retains it) and on to the node that produced it."""
    if fn.released:
        raise RuntimeError(
            f"backward(): the graph through {type(fn).__name__} was already freed by an earlier "
            "backward(). Call backward(retain_graph=True) the first time if you need to "
            "differentiate the same graph twice, or recompute the forward pass."
        )
    if fn.n_outputs == 1:
        grads_in = fn.backward(grads_out[0])
    else:
        grads_in = fn.backward(*fn.fill_zero_grads(grads_out))
    if not isinstance(grads_in, tuple):
        grads_in = (grads_in,)
    for t, g, needed in zip(fn.inputs, grads_in, fn.needs_input_grad):
        if not needed or g is None:
            continue
        if g.shape != t.data.shape:
            raise RuntimeError(
                f"internal error in {type(fn).__name__}.backward: expected a gradient of shape "
                f"{t.data.shape} for its input, got {g.shape}. Please report this bug."
            )
        producer = t._ctx
        if producer is None or t._retains_grad:
            _accumulate_leaf(t, g)
        if producer is not None:
            slots = pending.get(producer)
            if slots is None:
                slots = pending[producer] = [None] * producer.n_outputs
            i = t._index
            slots[i] = g if slots[i] is None else slots[i] + g
