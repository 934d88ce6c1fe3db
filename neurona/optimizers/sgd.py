"""Floor 3: stochastic gradient descent, plain, with momentum, or with Nesterov momentum."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum, Keras 3's update.

    Keras's form, computed here (v starts at 0, μ = ``momentum``, α = ``learning_rate``):

        momentum = 0:   1. x ← x − α g
        momentum > 0:   1. v ← μ v − α g
                        2. x ← x + v                     (nesterov=False)
                           x ← x + μ v − α g             (nesterov=True, Sutskever et al. 2013)

    The course's form ([E]; PyTorch's ``SGD(momentum)`` with dampening 0):

        1. p ← g + η p
        2. x ← x − α p

    With a constant α the two give the same trajectory (v = −α p); they differ when α changes
    during training (a schedule), because Keras folds α into v. For Nesterov the course writes the
    look-ahead form (gradient at x − αηp); Keras and PyTorch use the equivalent re-parameterised
    form above, which evaluates the gradient at the current x.

    Args:
        learning_rate: α (default 0.01), a float or a schedule.
        momentum: μ in [0, 1] (default 0.0).
        nesterov: use Nesterov momentum (default False).
        **kwargs: the base options (clipnorm, clipvalue, global_clipnorm, weight_decay, name).

    Example:
        >>> x = np.array([1.0, 1.0]); opt = SGD(learning_rate=0.1, momentum=0.9)
        >>> opt.apply([np.array([1.0, 0.0])], [x]); x   # v = −0.1 → x = 0.9
        array([0.9, 1. ])
        >>> opt.apply([np.array([1.0, 0.0])], [x]); x   # v = 0.9·(−0.1) − 0.1 = −0.19
        array([0.71, 1.  ])
    """

    def __init__(
        self,
        learning_rate: Any = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = self._check("momentum", momentum, 0.0, 1.0)
        self.nesterov = bool(nesterov)

    def build_slots(self, x):
        return {"momentum": np.zeros_like(x)} if self.momentum else {}

    def update_step(self, gradient, x, learning_rate, slots):
        step = self._scratch(x)
        np.multiply(gradient, learning_rate, out=step)  # α g
        if not self.momentum:
            x -= step
            return
        v = slots["momentum"]
        v *= self.momentum
        v -= step  # v ← μ v − α g
        if self.nesterov:
            x -= step
            np.multiply(v, self.momentum, out=step)
            x += step  # x ← x + μ v − α g
        else:
            x += v

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
