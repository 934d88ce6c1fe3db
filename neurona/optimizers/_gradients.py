"""Floor 3 helper of the optimiser base class: the arrays an update reads and writes (each
variable's float array, each gradient in its variable's dtype and shape) and gradient clipping."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from neurona.autodiff import Tensor

__all__: list[str] = []  # private helpers of Optimizer


def array_of(variable: Any, where: str) -> Any:
    """The array an update writes into: a Tensor's ``.data``, or the array itself."""
    x = variable.data if isinstance(variable, Tensor) else variable
    if not hasattr(x, "dtype") or getattr(x.dtype, "kind", None) != "f":
        raise TypeError(
            f"{where}: expected variables that are float Tensors or float arrays "
            f"(updated in place), got {type(variable).__name__} with dtype "
            f"{getattr(x, 'dtype', None)}."
        )
    return x


def grad_array(g: Any, x: Any, i: int, where: str) -> Any:
    """Gradient ``i`` as an array of its variable's dtype; a ValueError if the shapes differ."""
    g = g.data if isinstance(g, Tensor) else g
    g = g.astype(x.dtype, copy=False) if hasattr(g, "astype") else np.asarray(g, dtype=x.dtype)
    if g.shape != x.shape:
        raise ValueError(
            f"{where}: expected gradient {i} to have its variable's shape {x.shape}, got {g.shape}."
        )
    return g


def clip_gradients(
    gs: list, clipnorm: float | None, global_clipnorm: float | None, clipvalue: float | None
) -> list:
    """Step 3 of the update (at most one of the three is set; the gradients as they are if none):

    clipnorm          g ← g · c / max(‖g‖, c)              for each variable separately
    global_clipnorm   g ← g · c / max(‖(g₁, g₂, …)‖, c)    over all together
    clipvalue         g ← clip(g, −c, c)
    """
    if clipnorm:
        c = clipnorm
        return [g * (c / max(math.sqrt(float(np.vdot(g, g))), c)) for g in gs]
    if global_clipnorm:
        c = global_clipnorm
        norm = math.sqrt(sum(float(np.vdot(g, g)) for g in gs))
        return [g * (c / max(norm, c)) for g in gs]
    if clipvalue:
        return [np.clip(g, -clipvalue, clipvalue) for g in gs]
    return gs
