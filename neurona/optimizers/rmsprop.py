"""Floor 3: RMSprop, gradient descent scaled by a moving average of squared gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop (Hinton, lecture 6e), Keras 3's update with ε inside the square root.

    Keras's form, computed here (ρ = ``rho``, s, ḡ and p start at 0):

        1. s ← ρ s + (1 − ρ) g²
        2. ḡ ← ρ ḡ + (1 − ρ) g                           (centered=True only)
        3. Δ = α g / √(s + ε)        or  α g / √(s − ḡ² + ε)   (centered)
        4. x ← x − Δ                 or, with momentum μ > 0:  p ← μ p + Δ;  x ← x − p

    The course's form ([C], [E]; PyTorch's and nnfs's; η = 0.9 in the decks):

        1. ŝ ← η ŝ + (1 − η) g²
        2. x ← x − α g / (ε + √ŝ)                         (ε outside the root)

    The two coincide when ε = 0; with Keras's ε = 1e-7 they differ only where s is tiny.
    PyTorch's ``RMSprop`` uses the course's ε placement but ``alpha=0.99`` by default.

    Args:
        learning_rate: α (default 0.001).
        rho: ρ, the decay of the average (default 0.9).
        momentum: μ ≥ 0 (default 0.0).
        epsilon: ε (default 1e-7).
        centered: divide by the estimated variance instead of the raw second moment.
        **kwargs: the base options (clipnorm, clipvalue, global_clipnorm, weight_decay, name).

    Example:
        >>> x = np.array([1.0]); opt = RMSprop(learning_rate=0.1, epsilon=0.0)
        >>> opt.apply([np.array([2.0])], [x]); x  # s = 0.1·4 = 0.4 → Δ = 0.1·2/√0.4 ≈ 0.3162
        array([0.68377223])
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = self._check("rho", rho, 0.0, 1.0)
        self.momentum = self._check("momentum", momentum, 0.0)
        self.epsilon = self._check("epsilon", epsilon, 0.0)
        self.centered = bool(centered)

    def build_slots(self, x):
        slots = {"velocity": np.zeros_like(x)}
        if self.momentum > 0:
            slots["momentum"] = np.zeros_like(x)
        if self.centered:
            slots["average_gradient"] = np.zeros_like(x)
        return slots

    def update_step(self, gradient, x, learning_rate, slots):
        rho, s, t = self.rho, slots["velocity"], self._scratch(x)
        s *= rho
        np.square(gradient, out=t)
        t *= 1.0 - rho
        s += t  # 1. s ← ρ s + (1 − ρ) g²
        if self.centered:
            mean = slots["average_gradient"]
            mean *= rho
            np.multiply(gradient, 1.0 - rho, out=t)
            mean += t  # 2. ḡ ← ρ ḡ + (1 − ρ) g
            np.square(mean, out=t)
            np.subtract(s, t, out=t)
            t += self.epsilon
        else:
            np.add(s, self.epsilon, out=t)
        np.sqrt(t, out=t)
        np.divide(gradient, t, out=t)
        t *= learning_rate  # 3. Δ = α g / √(s + ε)
        if self.momentum > 0:
            p = slots["momentum"]
            p *= self.momentum
            p += t
            x -= p
        else:
            x -= t

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
