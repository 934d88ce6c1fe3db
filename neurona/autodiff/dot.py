"""Floor 1: the computational graph as Graphviz DOT text. Tensors are boxes (name, shape, the
value of a scalar, its gradient when known); ops are ellipses; arrows follow the forward pass."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.autodiff.tensor import Tensor


def _fmt(value: Any) -> str:
    arr = np.asarray(value)
    if arr.size == 1:
        return f"{arr.item():.4g}"
    return f"array{arr.shape}"


def _tensor_label(t: Tensor) -> str:
    head = t.name or ("leaf" if t._ctx is None else "")
    parts = [head] if head else []
    parts.append(f"shape {t.shape}" if t.shape else "scalar")
    if t.data.size == 1:
        parts.append(f"value {_fmt(t.data)}")
    if t.grad is not None:
        parts.append(f"grad {_fmt(t.grad)}")
    return "\\n".join(parts)


def to_dot(root: Tensor, title: str = "graph") -> str:
    """Graphviz DOT text of the graph that computed ``root``.

    Call it before ``backward()``, or after ``backward(retain_graph=True)`` to see gradients
    (intermediate tensors show theirs when ``.retain_grad()`` was called): a plain backward
    frees the graph. Render with ``dot -Tsvg`` or ``neurona.viz``.

    Example:
        >>> import neurona as nr
        >>> a = nr.tensor(2.0, requires_grad=True); a.name = "a"
        >>> text = to_dot(a * 3)
        >>> text.startswith("digraph") and "Mul" in text
        True
    """
    lines = [f'digraph "{title}" {{', "  rankdir=LR;", '  node [fontname="Helvetica"];']
    seen: set[int] = set()
    stack: list[Any] = [root]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        lines.append(f'  t{id(t)} [shape=box, label="{_tensor_label(t)}"];')
        fn = t._ctx
        if fn is None:
            continue
        if id(fn) not in seen:
            seen.add(id(fn))
            lines.append(f'  f{id(fn)} [shape=ellipse, label="{type(fn).__name__}"];')
            for k, arg in enumerate(fn.inputs):
                if isinstance(arg, Tensor):
                    lines.append(f"  t{id(arg)} -> f{id(fn)};")
                    stack.append(arg)
                elif np.ndim(arg) == 0 and arg is not None and not isinstance(arg, str):
                    lines.append(f'  c{id(fn)}_{k} [shape=plaintext, label="{_fmt(arg)}"];')
                    lines.append(f"  c{id(fn)}_{k} -> f{id(fn)};")
        lines.append(f"  f{id(fn)} -> t{id(t)};")
    lines.append("}")
    return "\n".join(lines) + "\n"
