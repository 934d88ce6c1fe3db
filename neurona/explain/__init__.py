"""Side (floor 9): explanations of what a network does while it learns.

``trace(model, x, y)`` runs one training step of a compiled model (the step ``fit`` runs) and
returns, layer by layer and in the course's notation, z⁽ˡ⁾, a⁽ˡ⁾, f'(z⁽ˡ⁾), δ⁽ˡ⁾, the gradients
∂L/∂W⁽ˡ⁾, ∂L/∂b⁽ˡ⁾, the updates ΔW⁽ˡ⁾ and the loss: backpropagation made visible
(docs/course.md G6, G12; lab ``backprop-trace``).

    >>> import numpy as np
    >>> from neurona import explain, layers, models
    >>> model = models.Sequential([layers.Input((2,)), layers.Dense(2, activation="tanh"),
    ...                            layers.Dense(1, activation="sigmoid")])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> t = explain.trace(model, np.ones((1, 2)), np.ones((1, 1)))
    >>> [layer.delta.shape for layer in t.layers]
    [(1, 2), (1, 1)]
"""

from neurona.explain.plot import plot_gradient_flow
from neurona.explain.result import LayerTrace, StepTrace, Trace, WeightTrace
from neurona.explain.tracing import trace

__all__ = ["LayerTrace", "StepTrace", "Trace", "WeightTrace", "plot_gradient_flow", "trace"]
