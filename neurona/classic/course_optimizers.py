"""The course's update rules (docs/course.md O1, O3–O6, O8) on one flat parameter vector θ, for the
hand-written neurons of ``neurona.classic``: each docstring writes the rule as the decks do, and
the arithmetic is the one ``model.compile`` runs (``neurona.optimizers.Course…``'s
``update_step``), so each rule is written once."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

GradFn = Callable[[np.ndarray], np.ndarray]

__all__ = [
    "GD",
    "Momentum",
    "Nesterov",
    "Adagrad",
    "RMSProp",
    "Adam",
    "OPTIMIZERS",
    "get_optimizer",
]


class CourseOptimizer:
    """Base of the course's update rules: ``step(θ, grad_fn)`` updates θ in place.

    The rule receives the gradient *function* g(θ) = ∇J(θ) rather than one gradient, because
    Nesterov's rule evaluates the gradient at a look-ahead point, not at θ. Every other rule
    calls it once, at θ. State (p, s, m, v, t) starts at zero and lives on the object;
    ``reset()`` forgets it.

    Args:
        learning_rate: α, the step size (the decks also write η or ε).

    Example:
        >>> opt = GD(learning_rate=0.1)
        >>> opt.step(np.array([1.0]), lambda theta: 2 * theta)   # J = θ², g = 2θ
        array([0.8])
    """

    def __init__(self, learning_rate: float = 0.01) -> None:
        if not (isinstance(learning_rate, (int, float)) and learning_rate > 0):
            raise ValueError(
                f"{type(self).__name__}: expected learning_rate > 0, got "
                f"{learning_rate!r}. Try 0.01."
            )
        self.learning_rate = float(learning_rate)
        self.reset()

    def reset(self) -> None:
        """Forget the state (moving averages, step count): the next step is step 1."""
        self.t = 0
        self._slots: dict | None = None  # the rule's state (p, s, m, v), shaped like θ
        self._rule: tuple | None = None  # (settings, the optimiser that does the arithmetic)

    def step(self, theta: np.ndarray, grad_fn: GradFn) -> np.ndarray:
        """Apply one update to θ in place and return θ."""
        self.t += 1
        rule = self._arithmetic()
        if self._slots is None:
            self._slots = rule.build_slots(theta)
        rule.iterations = self.t - 1  # Adam's bias correction reads the step number
        rule.update_step(self._gradient(theta, grad_fn), theta, rule.learning_rate, self._slots)
        return theta

    def _gradient(self, theta: np.ndarray, grad_fn: GradFn) -> np.ndarray:
        """g = ∇J(θ): where the rule takes its gradient."""
        return grad_fn(theta)

    def _arithmetic(self) -> Any:
        """The optimiser whose ``update_step`` computes this rule, with the current settings."""
        settings = self._settings()
        if self._rule is None or self._rule[0] != settings:
            self._rule = (settings, self._arithmetic_class()(**settings))
        return self._rule[1]

    def _arithmetic_class(self) -> type:
        from neurona import optimizers

        return getattr(optimizers, f"Course{type(self).__name__}")

    def as_optimizer(self) -> Any:
        """The same rule and settings as an optimiser that ``model.compile`` takes:
        ``neurona.optimizers.Course<Name>`` (``compile`` calls this itself).

        Example:
            >>> Nesterov(learning_rate=0.1).as_optimizer()
            CourseNesterov(name='course_nesterov', learning_rate=0.1)
        """
        from neurona import optimizers

        return getattr(optimizers, f"Course{type(self).__name__}")(**self._settings())

    def _settings(self) -> dict:
        return {name: getattr(self, name) for name in _setting_names(type(self))}


@functools.cache
def _setting_names(rule: type) -> tuple[str, ...]:
    """The hyperparameters of a rule: its constructor's arguments."""
    return tuple(n for n in inspect.signature(rule.__init__).parameters if n != "self")


class GD(CourseOptimizer):
    """Gradient descent (O1):  θ ← θ − α g,  g = ∇J(θ).

    NOTE: deck [E] writes w^{t+1} = w^t + α∇J (docs/course.md §1.11 #1, a sign erratum); descent is
    minus, as here.

    Example:
        >>> GD(learning_rate=0.5).step(np.array([2.0]), lambda theta: theta)
        array([1.])
    """


class Momentum(CourseOptimizer):
    """Momentum as deck [E] writes it (O3):

        1. g^t = ∇J(x^t)
        2. p^t = g^t + η p^{t−1}        (p⁰ = 0)
        3. x^{t+1} = x^t − α p^t

    Same trajectory as PyTorch ``SGD(momentum=η)``; Keras writes v = μv − αg (equal for a
    constant α).

    Args:
        learning_rate: α.
        momentum: η, the decay of the accumulated direction p (deck default 0.9).

    Example:
        >>> opt = Momentum(learning_rate=0.1, momentum=0.9)
        >>> theta = np.array([1.0]); _ = opt.step(theta, lambda x: 2 * x); theta  # p = 2
        array([0.8])
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.9) -> None:
        self.momentum = float(momentum)
        super().__init__(learning_rate)


class Nesterov(Momentum):
    """Nesterov accelerated gradient in deck [E]'s look-ahead form (O4):

        1. x̃^t = x^t − α p^{t−1}          (the look-ahead point)
        2. g^t = ∇J(x̃^t)
        3. p^t = g^t + η p^{t−1}
        4. x^{t+1} = x^t − α p^t

    NOTE: Keras, PyTorch and scikit-learn store the look-ahead point instead (Sutskever's
    re-parameterisation); the iterates differ, the method is the same (docs/course.md §1.11 #10).

    Example:
        >>> opt = Nesterov(learning_rate=0.1, momentum=0.9)
        >>> theta = np.array([1.0]); _ = opt.step(theta, lambda x: 2 * x); theta  # p⁰ = 0
        array([0.8])
    """

    def _gradient(self, theta, grad_fn):
        return grad_fn(theta - self.learning_rate * self._slots["p"])  # at x̃ = x − α p

    def _arithmetic_class(self) -> type:
        from neurona import optimizers

        return optimizers.CourseMomentum  # steps 3–4 are momentum's, with g taken at x̃


class Adagrad(CourseOptimizer):
    """Adagrad (O5), per component i:

        1. s_i^t = s_i^{t−1} + (g_i^t)²            (s⁰ = 0, so s^t = Σ_{k≤t} (g^k)²)
        2. x_i^{t+1} = x_i^t − α / (ε + √s_i^t) · g_i^t

    ε is OUTSIDE the square root, as in the course and PyTorch; Keras writes √(s + ε) and starts
    s at 0.1.

    Example:
        >>> opt = Adagrad(learning_rate=0.1, epsilon=0.0)
        >>> theta = np.array([1.0]); _ = opt.step(theta, lambda x: 2 * x); theta  # 1 − 0.1·2/2
        array([0.9])
    """

    def __init__(self, learning_rate: float = 0.01, epsilon: float = 1e-8) -> None:
        self.epsilon = float(epsilon)
        super().__init__(learning_rate)


class RMSProp(CourseOptimizer):
    """RMSProp (O6):

        1. ŝ^t = η ŝ^{t−1} + (1 − η) g^t ⊙ g^t       (ŝ⁰ = 0, η = 0.9 in the deck)
        2. x^{t+1} = x^t − α / (ε + √ŝ^t) ⊙ g^t

    ε is OUTSIDE the square root, as in the course, PyTorch and nnfs; Keras writes √(ŝ + ε).
    The decay η is called ``rho`` here, Keras's name.

    Example:
        >>> opt = RMSProp(learning_rate=0.1, rho=0.9, epsilon=0.0)
        >>> theta = np.array([1.0]); _ = opt.step(theta, lambda x: 2 * x)
        >>> theta.round(6)  # ŝ = 0.1·4 = 0.4;  1 − 0.1·2/√0.4
        array([0.683772])
    """

    def __init__(
        self, learning_rate: float = 0.001, rho: float = 0.9, epsilon: float = 1e-8
    ) -> None:
        self.rho, self.epsilon = float(rho), float(epsilon)
        super().__init__(learning_rate)


class Adam(CourseOptimizer):
    """Adam with bias correction (O8), as decks [A] and [E] write it:

        1. m_t = β₁ m_{t−1} + (1 − β₁) g_t               (m₀ = 0)
        2. v_t = β₂ v_{t−1} + (1 − β₂) g_t²              (v₀ = 0)
        3. m̂_t = m_t / (1 − β₁ᵗ);   v̂_t = v_t / (1 − β₂ᵗ)
        4. θ_t = θ_{t−1} − α m̂_t / (√v̂_t + ε)

    This is PyTorch's form. Keras computes α √(1 − β₂ᵗ)/(1 − β₁ᵗ) · m_t / (√v_t + ε̂), which
    differs only in where ε enters.

    Example:
        >>> opt = Adam(learning_rate=0.1)
        >>> theta = np.array([1.0]); _ = opt.step(theta, lambda x: 2 * x)
        >>> theta.round(6)  # m̂ = 2, v̂ = 4: the first step moves by α·sign(g)
        array([0.9])
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        super().__init__(learning_rate)


OPTIMIZERS: dict[str, type[CourseOptimizer]] = {
    "gd": GD,
    "sgd": GD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": Adagrad,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def get_optimizer(
    optimizer: str | CourseOptimizer, learning_rate: float | None = None, **kwargs
) -> CourseOptimizer:
    """Return a course optimiser from its name ('gd', 'momentum', 'nesterov', 'adagrad',
    'rmsprop', 'adam') or pass an instance through unchanged.

    Example:
        >>> type(get_optimizer("adam", learning_rate=0.01)).__name__
        'Adam'
    """
    if isinstance(optimizer, CourseOptimizer):
        return optimizer
    key = str(optimizer).lower()
    if key not in OPTIMIZERS:
        raise ValueError(
            f"get_optimizer: expected one of {sorted(OPTIMIZERS)}, got "
            f"{optimizer!r}. Pick a name from that list."
        )
    if learning_rate is not None:
        kwargs["learning_rate"] = learning_rate
    return OPTIMIZERS[key](**kwargs)
