"""Side package: the history chapter of the course, written by hand (no autodiff) with
scikit-learn's estimator conventions (``fit`` returns ``self``, fitted attributes end in ``_``).

    >>> from neurona.classic import Perceptron
    >>> Perceptron().fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 1]).converged_
    True
"""

from neurona.classic.course_optimizers import (
    GD,
    Adagrad,
    Adam,
    CourseOptimizer,
    Momentum,
    Nesterov,
    RMSProp,
    get_optimizer,
)
from neurona.classic.mcculloch_pitts import McCullochPitts
from neurona.classic.neuron import LinearNeuron, LogisticNeuron
from neurona.classic.perceptron import ConvergenceWarning, Perceptron

__all__ = [
    "GD",
    "Adagrad",
    "Adam",
    "ConvergenceWarning",
    "CourseOptimizer",
    "LinearNeuron",
    "LogisticNeuron",
    "McCullochPitts",
    "Momentum",
    "Nesterov",
    "Perceptron",
    "RMSProp",
    "get_optimizer",
]
