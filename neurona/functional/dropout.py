"""Floor 2: inverted dropout (course Y9/R4: "apaga aleatoriamente" a fraction of the units while
training), with an explicit random generator and training flag."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.backend import rng as default_rng

__all__ = ["dropout"]


class Dropout(Function):
    """a = x ⊙ m, with m = 1/(1 − rate) for kept units and 0 for dropped ones.
    backward: ∂L/∂x = ∂L/∂a ⊙ m.  jvp: ȧ = ẋ ⊙ m (the same mask)."""

    def forward(self, x, rate=0.5, rng=None):
        xp = get_array_module(x)
        keep = 1.0 - rate
        # each unit is kept with probability 1 − rate: P(u ≥ rate) = 1 − rate for u ~ U[0, 1)
        u = xp.asarray(rng.random(x.shape, dtype=np.float32 if x.dtype == np.float32 else None))
        mask = xp.greater_equal(u, rate)
        m = xp.multiply(mask, xp.asarray(1.0 / keep, dtype=x.dtype))  # scaled mask, x's dtype
        self.save_for_backward(m)
        return x * m

    def backward(self, grad_out):
        (m,) = self.saved
        return grad_out * m

    def jvp(self, x_dot):
        (m,) = self.saved
        return x_dot * m


def dropout(x: Any, rate: float, training: bool = True, rng: np.random.Generator | None = None):
    """Inverted dropout: drop each unit with probability ``rate``, scale the kept ones by
    1/(1 − rate) so that the expected value is unchanged, E[a] = x.

        a = x ⊙ m / (1 − rate),   mᵢ ~ Bernoulli(1 − rate)
        ∂L/∂x = ∂L/∂a ⊙ m / (1 − rate)   (the mask of the forward pass)

    The course describes dropout as switching off random units while training (typical rate
    0.2–0.5); "inverted" scales at training time, so inference needs no change: with
    ``training=False`` (or rate 0) it returns ``x`` itself, like Keras's Dropout at inference.

    Args:
        x: the activations.
        rate: fraction of units to drop, 0 ≤ rate < 1 (Keras's name).
        training: drop only when True.
        rng: a ``numpy.random.Generator``; default the shared one (``neurona.backend.rng()``,
            reseeded by ``set_random_seed``).

    Raises:
        ValueError: when rate is outside [0, 1).
        TypeError: when rate is not a number or rng is not a numpy Generator.

    Example:
        >>> import numpy as np, neurona as nr
        >>> a = dropout(nr.tensor(np.ones(6)), 0.5, rng=np.random.default_rng(0))
        >>> sorted(set(a.numpy().tolist()))  # dropped units are 0, kept ones 1/(1 − 0.5)
        [0.0, 2.0]
        >>> dropout(nr.tensor([1.0, 2.0]), 0.5, training=False)
        tensor([1., 2.])
    """
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating, np.integer)):
        raise TypeError(
            f"dropout: expected rate to be a number (the fraction of units to drop), got "
            f"{type(rate).__name__} {rate!r}. Pass a float such as rate=0.5."
        )
    if not 0 <= rate < 1:
        raise ValueError(
            f"dropout: expected a rate (fraction of units to drop) with 0 ≤ rate < 1, got "
            f"{rate!r}. Use e.g. rate=0.2 to 0.5; rate=1 would drop every unit."
        )
    if not training or rate == 0:
        return x
    if rng is None:
        rng = default_rng()
    elif not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"dropout: expected rng to be a numpy.random.Generator, got {type(rng).__name__}. "
            "Pass np.random.default_rng(seed), or None for neurona's shared generator."
        )
    return Dropout.apply(x, rate=float(rate), rng=rng)
