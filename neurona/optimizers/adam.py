"""Floor 3: Adam and its variants AdamW (decoupled weight decay) and Nadam (Nesterov momentum)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from neurona.optimizers.optimizer import Optimizer


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015), Keras 3's "ε-hat" form.

    Keras's form, computed here (m, v start at 0; t = iterations + 1):

        1. m ← m + (1 − β₁)(g − m)                     (= β₁ m + (1 − β₁) g)
        2. v ← v + (1 − β₂)(g² − v)                    (= β₂ v + (1 − β₂) g²)
        3. v ← max(v̂_max, v)                           (amsgrad=True only, Reddi et al. 2018)
        4. α_t = α √(1 − β₂ᵗ) / (1 − β₁ᵗ)
        5. x ← x − α_t m / (√v + ε)

    The course's form ([A], [E]; PyTorch's, the paper's Algorithm 1):

        1. m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²
        2. m̂ = m / (1 − β₁ᵗ);       v̂ = v / (1 − β₂ᵗ)
        3. x ← x − α m̂ / (√v̂ + ε)

    Both are the same for ε = 0. Otherwise Keras's ε acts like ε·√(1 − β₂ᵗ) in the course's
    form (the paper's section 2 "ε-hat"), so early steps divide by a smaller ε. As in Keras, t
    counts the optimiser's updates, shared by all variables (PyTorch counts per parameter, which
    differs only for a variable that joins after the first step).

    Args:
        learning_rate: α (default 0.001).
        beta_1: β₁, the decay of the first moment (default 0.9).
        beta_2: β₂, the decay of the second moment (default 0.999).
        epsilon: ε (default 1e-7).
        amsgrad: use the running maximum of v (default False).
        **kwargs: the base options (clipnorm, clipvalue, global_clipnorm, weight_decay, name).

    Example:
        >>> x = np.array([1.0]); Adam(learning_rate=0.1).apply([np.array([0.5])], [x])
        >>> x.round(5)  # first step: m̂/(√v̂ + ε) ≈ g/|g| = 1, so x moves by α
        array([0.9])
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = self._check("beta_1", beta_1, 0.0, 1.0)
        self.beta_2 = self._check("beta_2", beta_2, 0.0, 1.0)
        self.epsilon = self._check("epsilon", epsilon, 0.0)
        self.amsgrad = bool(amsgrad)

    def build_slots(self, x):
        slots = {"momentum": np.zeros_like(x), "velocity": np.zeros_like(x)}
        if self.amsgrad:
            slots["velocity_hat"] = np.zeros_like(x)
        return slots

    def _moments(self, gradient, slots, t) -> tuple:
        """Steps 1–2 in place: m and v updated; returns them."""
        m, v = slots["momentum"], slots["velocity"]
        np.subtract(gradient, m, out=t)
        t *= 1.0 - self.beta_1
        m += t
        np.square(gradient, out=t)
        t -= v
        t *= 1.0 - self.beta_2
        v += t
        return m, v

    def update_step(self, gradient, x, learning_rate, slots):
        t = self._scratch(x)
        m, v = self._moments(gradient, slots, t)
        if self.amsgrad:
            np.maximum(slots["velocity_hat"], v, out=slots["velocity_hat"])
            v = slots["velocity_hat"]
        step = self._iterations + 1
        alpha = learning_rate * math.sqrt(1.0 - self.beta_2**step) / (1.0 - self.beta_1**step)
        np.sqrt(v, out=t)
        t += self.epsilon
        np.divide(m, t, out=t)
        t *= alpha
        x -= t  # 5. x ← x − α_t m / (√v + ε)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019), Keras 3's AdamW.

    Before Adam's steps (see :class:`Adam`), every variable decays:

        0. x ← x − α · weight_decay · x

    This is not an L2 penalty added to the loss: the decay bypasses Adam's scaling by 1/√v.
    PyTorch's ``AdamW`` does the same (its default weight_decay is 0.01, Keras's 0.004).

    Args:
        learning_rate: α (default 0.001).
        weight_decay: the decay factor (default 0.004); must be a float.
        beta_1, beta_2, epsilon, amsgrad: as in :class:`Adam`.
        **kwargs: the base options (clipnorm, clipvalue, global_clipnorm, name).

    Example:
        >>> x = np.array([1.0]); opt = AdamW(learning_rate=0.1, weight_decay=0.5)
        >>> opt.apply([np.ones(1)], [x])
        >>> x.round(6)  # decay: 1 − 0.1·0.5 = 0.95, then Adam's first step of −α
        array([0.85])
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        if weight_decay is None:
            raise ValueError(
                "AdamW: expected weight_decay to be a float such as 0.004, got "
                "None. Use Adam for no weight decay."
            )
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            **kwargs,
        )


class Nadam(Adam):
    """Nadam: Adam with Nesterov momentum (Dozat 2016), Keras 3's update (= PyTorch's NAdam with
    momentum_decay=1).

    Computed here (m, v start at 0; t = iterations + 1; Π starts at 1):

        1. u_t = β₁ (1 − ½·0.96ᵗ);   u_{t+1} = β₁ (1 − ½·0.96ᵗ⁺¹)
        2. Π ← Π · u_t                                  (once per update, shared by all variables)
        3. m ← m + (1 − β₁)(g − m);   v ← v + (1 − β₂)(g² − v)
        4. m̂ = u_{t+1} m / (1 − Π u_{t+1}) + (1 − u_t) g / (1 − Π)
        5. v̂ = v / (1 − β₂ᵗ)
        6. x ← x − α m̂ / (√v̂ + ε)

    Unlike Adam, Keras's Nadam puts ε outside the root of the bias-corrected v̂ (the course's
    placement). The course does not teach Nadam.

    Args:
        learning_rate: α (default 0.001).
        beta_1, beta_2, epsilon: as in :class:`Adam` (0.9, 0.999, 1e-7).
        **kwargs: the base options (clipnorm, clipvalue, global_clipnorm, weight_decay, name).

    Example:
        >>> x = np.array([1.0]); Nadam(learning_rate=0.1).apply([np.array([0.5])], [x])
        >>> x.round(4)
        array([0.8937])
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, **kwargs
        )
        self._u_product = 1.0

    def _u(self, step: int) -> float:
        return self.beta_1 * (1.0 - 0.5 * 0.96**step)

    def _prepare_step(self):
        self._u_product *= self._u(self._iterations + 1)  # 2. Π ← Π · u_t

    def update_step(self, gradient, x, learning_rate, slots):
        step = self._iterations + 1
        u_t, u_next = self._u(step), self._u(step + 1)
        product, product_next = self._u_product, self._u_product * u_next
        t, w = self._scratch(x, 0), self._scratch(x, 1)
        m, v = self._moments(gradient, slots, t)
        np.multiply(m, u_next / (1.0 - product_next), out=t)
        np.multiply(gradient, (1.0 - u_t) / (1.0 - product), out=w)
        t += w  # 4. m̂
        np.divide(v, 1.0 - self.beta_2**step, out=w)
        np.sqrt(w, out=w)
        w += self.epsilon
        t /= w
        t *= learning_rate
        x -= t  # 6. x ← x − α m̂ / (√v̂ + ε)

    def get_config(self):
        config = super().get_config()
        del config["amsgrad"]
        return config
