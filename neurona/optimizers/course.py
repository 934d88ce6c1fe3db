"""Floor 3: the course's update rules (docs/course.md O1, O3–O6, O8) as optimisers that
``model.compile`` takes. Where the course writes a rule differently from Keras, these classes
follow the course. The Keras classes (``SGD``, ``Adagrad``, ``RMSprop``, ``Adam``) keep Keras's
forms.

The design: one class per course rule, named ``Course…``, with the course's symbols and
defaults (those of ``neurona.classic.course_optimizers``, which runs the same rules on the
hand-written neurons' flat θ). ``compile`` also accepts the classic objects themselves
(``compile(optimizer=neurona.classic.Nesterov(0.1))``): ``optimizers.get`` turns them into the
class here with the same hyperparameters.

    rule            course form (per weight)                      Keras's form differs in
    CourseGD        x ← x − α g                                    nothing (SGD())
    CourseMomentum  p ← g + η p;  x ← x − α p                      v = μv − αg (same at fixed α)
    CourseNesterov  g at x̃ = x − α p;  p ← g + η p;  x ← x − α p   Sutskever's re-parameterisation
    CourseAdagrad   s ← s + g²;  x ← x − α g/(ε + √s),  s₀ = 0     √(s + ε), s₀ = 0.1
    CourseRMSProp   s ← ρ s + (1 − ρ) g²;  x ← x − α g/(ε + √s)    √(s + ε)
    CourseAdam      m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ);              ε-hat: ε/√(1 − β₂ᵗ) in place
                    x ← x − α m̂/(√v̂ + ε)                           of ε

Gradient descent, stochastic gradient descent and mini-batch gradient descent are one rule,
``CourseGD``. Only the batch differs: ``fit(batch_size=len(x))`` takes the gradient of the whole
training set at each step (GD), ``batch_size=1`` one example at a time (SGD), and anything in
between is mini-batch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.optimizers.optimizer import Optimizer

__all__ = [
    "CourseAdagrad",
    "CourseAdam",
    "CourseGD",
    "CourseMomentum",
    "CourseNesterov",
    "CourseRMSProp",
]


class CourseGD(Optimizer):
    """Gradient descent (O1): x ← x − α g; GD, SGD or mini-batch by ``fit``'s batch size.

    Example:
        >>> x = np.array([1.0]); CourseGD(learning_rate=0.1).apply([np.array([2.0])], [x]); x
        array([0.8])
    """

    def __init__(self, learning_rate: Any = 0.01, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)

    def update_step(self, gradient, x, learning_rate, slots):
        x -= learning_rate * gradient


class CourseMomentum(Optimizer):
    """Momentum in the course's form (O3): p ← g + η p; x ← x − α p (p₀ = 0). PyTorch's
    ``SGD(momentum=η)``; Keras folds α into its velocity, which differs when α changes.

    Example:
        >>> x = np.array([1.0]); opt = CourseMomentum(learning_rate=0.1, momentum=0.9)
        >>> opt.apply([np.array([2.0])], [x]); opt.apply([np.array([2.0])], [x]); x  # p = 2, 3.8
        array([0.42])
    """

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.9, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = self._check("momentum", momentum, 0.0, 1.0)

    def build_slots(self, x):
        return {"p": np.zeros_like(x)}

    def update_step(self, gradient, x, learning_rate, slots):
        p = slots["p"]
        p *= self.momentum
        p += gradient  # p ← g + η p
        x -= learning_rate * p

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum}


class CourseNesterov(CourseMomentum):
    """Nesterov's accelerated gradient in the course's look-ahead form (O4):

        1. x̃ = x − α p          (the look-ahead point; p₀ = 0, so x̃₀ = x₀)
        2. g = ∇J(x̃)
        3. p ← g + η p
        4. x ← x − α p

    ``fit`` takes the gradient at the model's weights, so the model's weights hold the
    look-ahead point x̃, where the course takes the gradient. The course's iterate x is kept
    beside it (``iterate(variable)``). After each step the weights move to the next x̃ = x − α p.
    The gradients are exactly the course's, and x and x̃ meet as p → 0.

    Example:
        >>> x = np.array([1.0]); opt = CourseNesterov(learning_rate=0.1, momentum=0.9)
        >>> opt.apply([2 * x], [x])          # J = x²: g = 2 at x̃ = x = 1; p = 2; x = 0.8
        >>> opt.iterate(x), x                # the weights now hold x̃ = 0.8 − 0.1·2
        (array([0.8]), array([0.6]))
    """

    def build_slots(self, x):
        return {"p": np.zeros_like(x), "x": np.array(x, copy=True)}

    def update_step(self, gradient, x, learning_rate, slots):
        p, iterate = slots["p"], slots["x"]
        p *= self.momentum
        p += gradient  # 3. p ← g + η p, g taken at x̃ (the weights)
        iterate -= learning_rate * p  # 4. x ← x − α p
        np.subtract(iterate, learning_rate * p, out=x)  # the weights: the next x̃ = x − α p

    def iterate(self, variable: Any) -> np.ndarray:
        """The course's iterate x of ``variable`` (its weights hold the look-ahead point)."""
        entry = self._state.get(id(variable))
        if entry is None:
            raise ValueError(
                "CourseNesterov.iterate: expected a variable this optimiser has updated, got "
                "one it has not seen. Pass one of the model's weights after a training step."
            )
        return entry[1]["x"]


class CourseAdagrad(Optimizer):
    """Adagrad in the course's form (O5): s ← s + g²; x ← x − α g / (ε + √s), s₀ = 0.

    ε is outside the root and s starts at 0, as in the course and PyTorch. Keras's ``Adagrad``
    computes α g / √(s + ε) from s₀ = 0.1.

    Example:
        >>> x = np.array([1.0]); CourseAdagrad(learning_rate=0.1, epsilon=0.0).apply(
        ...     [np.array([2.0])], [x]); x  # 1 − 0.1·2/2
        array([0.9])
    """

    def __init__(self, learning_rate: Any = 0.01, epsilon: float = 1e-8, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.epsilon = self._check("epsilon", epsilon, 0.0)

    def build_slots(self, x):
        return {"s": np.zeros_like(x)}

    def update_step(self, gradient, x, learning_rate, slots):
        s = slots["s"]
        s += gradient * gradient
        x -= learning_rate * gradient / (self.epsilon + np.sqrt(s))

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


class CourseRMSProp(Optimizer):
    """RMSProp in the course's form (O6): s ← ρ s + (1 − ρ) g²; x ← x − α g / (ε + √s).

    ε is outside the root, as in the course and PyTorch; Keras's ``RMSprop`` uses √(s + ε).
    The course's decay η is ``rho`` here (Keras's name), 0.9 by default.

    Example:
        >>> x = np.array([1.0]); CourseRMSProp(learning_rate=0.1, epsilon=0.0).apply(
        ...     [np.array([2.0])], [x]); x.round(6)  # s = 0.4; 1 − 0.1·2/√0.4
        array([0.683772])
    """

    def __init__(
        self, learning_rate: Any = 0.001, rho: float = 0.9, epsilon: float = 1e-8, **kwargs: Any
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = self._check("rho", rho, 0.0, 1.0)
        self.epsilon = self._check("epsilon", epsilon, 0.0)

    def build_slots(self, x):
        return {"s": np.zeros_like(x)}

    def update_step(self, gradient, x, learning_rate, slots):
        s = slots["s"]
        s *= self.rho
        s += (1.0 - self.rho) * gradient * gradient
        x -= learning_rate * gradient / (self.epsilon + np.sqrt(s))

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class CourseAdam(Optimizer):
    """Adam in the course's form (O8), PyTorch's too:

        m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  m̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ)
        x ← x − α m̂ / (√v̂ + ε)

    Keras's ``Adam`` computes α√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m/(√v + ε) = α m̂/(√v̂ + ε/√(1 − β₂ᵗ)):
    the same with ε divided by √(1 − β₂ᵗ), so the two differ only where √v̂ is comparable with
    that ε.

    Example:
        >>> x = np.array([1.0]); CourseAdam(learning_rate=0.1).apply([np.array([2.0])], [x])
        >>> x.round(6)  # m̂ = 2, v̂ = 4: the first step moves by α·sign(g)
        array([0.9])
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = self._check("beta_1", beta_1, 0.0, 1.0)
        self.beta_2 = self._check("beta_2", beta_2, 0.0, 1.0)
        self.epsilon = self._check("epsilon", epsilon, 0.0)

    def build_slots(self, x):
        return {"m": np.zeros_like(x), "v": np.zeros_like(x)}

    def update_step(self, gradient, x, learning_rate, slots):
        t = self._iterations + 1
        m, v = slots["m"], slots["v"]
        m *= self.beta_1
        m += (1.0 - self.beta_1) * gradient
        v *= self.beta_2
        v += (1.0 - self.beta_2) * gradient * gradient
        m_hat = m / (1.0 - self.beta_1**t)
        v_hat = v / (1.0 - self.beta_2**t)
        x -= learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}  # fmt: skip
