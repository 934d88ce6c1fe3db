"""Floor 1: forward-mode automatic differentiation.

Forward mode pushes a tangent (a direction ẋ in input space) through the graph together with
the values: each primitive maps its inputs' tangents to its output's tangent with its ``jvp``
rule, so one sweep gives J ẋ, the derivative of *all outputs* along *one input direction*.
Reverse mode (``backward``) is the mirror image: one sweep gives the derivative of *one
output* with respect to *all inputs*, which is why training (one loss, many weights) uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neurona.autodiff.graph import _State, no_grad
from neurona.autodiff.tensor import Tensor, as_array


def _as_tuple(values: Any) -> tuple:
    return tuple(values) if isinstance(values, (tuple, list)) else (values,)


def jvp(f: Callable, primals: Any, tangents: Any) -> tuple[Any, Any]:
    """Evaluate ``f(*primals)`` and its directional derivative J·tangents in one forward sweep.

        for each primitive z = g(x, y):   ż = ∂g/∂x ẋ + ∂g/∂y ẏ

    Args:
        f: a function of tensors returning a tensor (or a tuple of tensors).
        primals: the point, one value per argument of ``f`` (a tuple, or a single value).
        tangents: the direction, one value per primal, of the same shapes.

    Returns:
        ``(outputs, output_tangents)``: tensors shaped like ``f``'s outputs.

    Raises:
        ValueError: when the numbers or shapes of primals and tangents differ.

    Example:
        >>> # the course graph e = (a + b)(b + 1) at a = 2, b = 1, direction ḃ = 1: ∂e/∂b = 5
        >>> e, e_dot = jvp(lambda a, b: (a + b) * (b + 1), (2.0, 1.0), (0.0, 1.0))
        >>> e.item(), e_dot.item()
        (6.0, 5.0)
    """
    primals, tangents = _as_tuple(primals), _as_tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp(): expected one tangent per primal, got {len(primals)} primals and "
            f"{len(tangents)} tangents. Pass tuples of the same length."
        )
    inputs = []
    for i, (p, t) in enumerate(zip(primals, tangents)):
        x = Tensor(as_array(p))
        x.tangent = as_array(t, dtype=x.dtype)
        if x.tangent.shape != x.shape:
            raise ValueError(
                f"jvp(): tangent {i} must have the shape of primal {i}, {x.shape}; got "
                f"{x.tangent.shape}."
            )
        inputs.append(x)
    _State.forward_mode += 1
    try:
        with no_grad():
            outputs = f(*inputs)
    finally:
        _State.forward_mode -= 1
    if isinstance(outputs, tuple):
        return outputs, tuple(_tangent_of(o) for o in outputs)
    return outputs, _tangent_of(outputs)


def _tangent_of(out: Any) -> Tensor:
    """The tangent an output carries, zeros when it does not depend on the inputs."""
    if not isinstance(out, Tensor):
        raise TypeError(f"jvp(): f must return tensors, got {type(out).__name__}.")
    if out.tangent is None:
        return Tensor._make(out.data * 0, False, None, 0)
    return Tensor._make(as_array(out.tangent, dtype=out.dtype), False, None, 0)
