"""Floor 3: Adagrad and Adadelta, step sizes from accumulated squared gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.optimizers.optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad (Duchi et al. 2011), Keras 3's update: ε inside the root, accumulator from 0.1.

    Keras's form, computed here (s starts at ``initial_accumulator_value``):

        1. s ← s + g²
        2. x ← x − α g / √(s + ε)

    The course's form ([C], [E]; PyTorch's with its default initial_accumulator_value=0):

        1. sᵗ = Σ_{k≤t} (gᵏ)²          (s⁰ = 0)
        2. x ← x − α g / (ε + √s)       (ε outside the root)

    With ε = 0 and the same starting value the two are identical.

    Args:
        learning_rate: α (default 0.001).
        initial_accumulator_value: the starting s, ≥ 0 (default 0.1).
        epsilon: ε (default 1e-7).
        **kwargs: the base options (clipnorm, clipvalue, global_clipnorm, weight_decay, name).

    Example:
        >>> x = np.array([1.0]); opt = Adagrad(learning_rate=0.1, epsilon=0.0)
        >>> opt.apply([np.array([0.3])], [x]); x.round(6)  # s = 0.19 → x = 1 − 0.1·0.3/√0.19
        array([0.931175])
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = self._check(
            "initial_accumulator_value", initial_accumulator_value, 0.0
        )
        self.epsilon = self._check("epsilon", epsilon, 0.0)

    def build_slots(self, x):
        return {"accumulator": np.full_like(x, self.initial_accumulator_value)}

    def update_step(self, gradient, x, learning_rate, slots):
        s, t = slots["accumulator"], self._scratch(x)
        np.square(gradient, out=t)
        s += t  # 1. s ← s + g²
        np.add(s, self.epsilon, out=t)
        np.sqrt(t, out=t)
        np.divide(gradient, t, out=t)
        t *= learning_rate
        x -= t  # 2. x ← x − α g / √(s + ε)

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012), Keras 3's update (the same as PyTorch's).

    Computed here (E[g²] and E[Δx²] start at 0, ρ = ``rho``, RMS(a) = √(a + ε)):

        1. E[g²] ← ρ E[g²] + (1 − ρ) g²
        2. Δx = −RMS(E[Δx²]) / RMS(E[g²]) · g
        3. E[Δx²] ← ρ E[Δx²] + (1 − ρ) Δx²
        4. x ← x + α Δx

    The course only names AdaDelta ([C]). Zeiler's paper has no α (α = 1 there); Keras keeps
    one, with a default of 0.001, so it moves slowly unless you raise it.

    Args:
        learning_rate: α (default 0.001).
        rho: ρ, the decay rate (default 0.95).
        epsilon: ε (default 1e-7).
        **kwargs: the base options (clipnorm, clipvalue, global_clipnorm, weight_decay, name).

    Example:
        >>> x = np.array([1.0]); opt = Adadelta(learning_rate=1.0, epsilon=1e-6)
        >>> opt.apply([np.ones(1)], [x]); x.round(6)  # Δx = −√1e-6 / √(0.05 + 1e-6) ≈ −0.004472
        array([0.995528])
    """

    def __init__(
        self, learning_rate: Any = 0.001, rho: float = 0.95, epsilon: float = 1e-7, **kwargs: Any
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = self._check("rho", rho, 0.0, 1.0)
        self.epsilon = self._check("epsilon", epsilon, 0.0)

    def build_slots(self, x):
        return {"accumulated_grad": np.zeros_like(x), "accumulated_delta_var": np.zeros_like(x)}

    def update_step(self, gradient, x, learning_rate, slots):
        rho, eps = self.rho, self.epsilon
        Eg, Edx = slots["accumulated_grad"], slots["accumulated_delta_var"]
        t, u = self._scratch(x, 0), self._scratch(x, 1)
        Eg *= rho
        np.square(gradient, out=t)
        t *= 1.0 - rho
        Eg += t  # 1.
        np.add(Edx, eps, out=t)
        np.sqrt(t, out=t)
        t *= gradient
        np.add(Eg, eps, out=u)
        np.sqrt(u, out=u)
        t /= u  # 2. t = −Δx
        Edx *= rho
        np.square(t, out=u)
        u *= 1.0 - rho
        Edx += u  # 3.
        t *= learning_rate
        x -= t  # 4.

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
