"""Floor 1: function transforms over the reverse sweep. ``grad(f)`` is the function x ↦ ∇f(x),
``value_and_grad(f)`` returns f(x) and ∇f(x) together (JAX's names)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neurona.autodiff.graph import enable_grad
from neurona.autodiff.tensor import Tensor, as_array


def _argnums_tuple(argnums: int | tuple[int, ...]) -> tuple[int, ...]:
    if isinstance(argnums, int):
        return (argnums,)
    if isinstance(argnums, (tuple, list)) and all(isinstance(i, int) for i in argnums):
        return tuple(argnums)
    raise TypeError(f"grad(): argnums must be an int or a tuple of ints, got {argnums!r}.")


def value_and_grad(f: Callable, argnums: int | tuple[int, ...] = 0) -> Callable:
    """Return a function computing ``(f(*args), ∂f/∂args[argnums])`` by one reverse sweep.

    Args:
        f: a function returning a one-element tensor (a scalar loss).
        argnums: which positional argument(s) to differentiate.

    Returns:
        A function of the same arguments returning ``(value, grads)``; ``grads`` is one array
        when ``argnums`` is an int, a tuple of arrays when it is a tuple.

    Example:
        >>> value, g = value_and_grad(lambda x: (x ** 2).sum())(np.array([1.0, 2.0]))
        >>> value.item(), g
        (5.0, array([2., 4.]))
    """
    nums = _argnums_tuple(argnums)

    def wrapped(*args: Any, **kwargs: Any):
        for i in nums:
            if i >= len(args):
                raise ValueError(
                    f"grad(): argnums asks for argument {i}, but the function was called with "
                    f"{len(args)} positional argument(s)."
                )
        args = list(args)
        watched = []
        for i in nums:
            x = Tensor(as_array(args[i], copy=True), requires_grad=True)
            args[i] = x
            watched.append(x)
        with enable_grad():
            value = f(*args, **kwargs)
        if not isinstance(value, Tensor):
            raise TypeError(f"grad(): f must return a tensor, got {type(value).__name__}.")
        if value.requires_grad:
            value.backward()
        grads = tuple(x.grad if x.grad is not None else x.data * 0 for x in watched)
        return value.detach(), grads[0] if isinstance(argnums, int) else grads

    return wrapped


def grad(f: Callable, argnums: int | tuple[int, ...] = 0) -> Callable:
    """Return the gradient function of ``f`` (reverse mode): x ↦ ∂f/∂x.

    Args:
        f: a function returning a one-element tensor.
        argnums: which positional argument(s) to differentiate (an int or a tuple).

    Example:
        >>> dfdx = grad(lambda x: x ** 3)
        >>> dfdx(2.0)  # 3 x² at x = 2
        array(12., dtype=float32)
    """
    value_and_grad_f = value_and_grad(f, argnums)

    def gradient(*args: Any, **kwargs: Any):
        return value_and_grad_f(*args, **kwargs)[1]

    return gradient
