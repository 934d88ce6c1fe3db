"""Side package: the course's pictures, drawn with matplotlib (the optional extra ``plot``:
``pip install "neurona[plot]"``). Every function returns a matplotlib ``Figure`` (or draws on
the ``ax=`` it is given); save it with ``fig.savefig("name.png")``. matplotlib is imported only
when a function is called, and figures are plain ``Figure`` objects (no GUI backend needed).

    >>> from neurona import viz
    >>> fig = viz.plot_curves({"loss": [1.0, 0.5, 0.25]})
    >>> type(fig).__name__
    'Figure'
"""

from neurona.viz.activations import activation_and_derivative, plot_activations
from neurona.viz.boundary import plot_decision_boundary
from neurona.viz.curves import plot_curves, plot_forecast, plot_history, plot_perceptron_errors
from neurona.viz.graph import draw_graph, parse_dot, render_graph
from neurona.viz.model_plot import model_graph, plot_model

__all__ = [
    "activation_and_derivative",
    "draw_graph",
    "model_graph",
    "parse_dot",
    "plot_activations",
    "plot_curves",
    "plot_decision_boundary",
    "plot_forecast",
    "plot_history",
    "plot_model",
    "plot_perceptron_errors",
    "render_graph",
]
