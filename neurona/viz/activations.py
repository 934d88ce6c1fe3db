"""Side: the activation functions of ``neurona.activations`` and their derivatives, the
derivatives computed by the autodiff engine (one backward pass), not written by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from neurona.viz._mpl import new_figure

__all__ = ["activation_and_derivative", "plot_activations"]

DEFAULT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus")
_NOT_ELEMENTWISE = ("softmax", "log_softmax")


def activation_and_derivative(name: str, x: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """f(x) and f'(x) for an activation named as in Keras, f' from the autodiff engine.

    For an elementwise f, ∂(Σᵢ f(xᵢ))/∂xⱼ = f'(xⱼ): one backward pass of the sum gives the
    derivative at every point. f' is None for the threshold units (step, sign), which have no
    gradient.

    Example:
        >>> f, df = activation_and_derivative("tanh", [0.0, 1.0])
        >>> f.round(4).tolist(), df.round(4).tolist()      # tanh'(x) = 1 − tanh²(x)
        ([0.0, 0.7616], [1.0, 0.42])
    """
    import neurona as nr
    from neurona import activations
    from neurona.errors import NotDifferentiableError

    if name in _NOT_ELEMENTWISE:
        raise ValueError(
            f"plot_activations: expected elementwise activations, got {name!r} "
            "(it normalises across a row, so it has no 1-D curve). Leave it out."
        )
    fn = activations.get(name)
    x = nr.tensor(np.asarray(x, dtype=np.float64), requires_grad=True, dtype="float64")
    y = fn(x)
    try:
        y.sum().backward()
    except NotDifferentiableError:
        return y.numpy(), None
    return y.numpy(), np.asarray(x.grad)


def plot_activations(
    names: Sequence[str] = DEFAULT_ACTIVATIONS,
    x_range: tuple[float, float] = (-5.0, 5.0),
    derivatives: bool = True,
    ax: Any = None,
) -> Any:
    """Each activation f (solid) and its derivative f' (dashed), one panel per activation.

    The derivative comes from the autodiff engine (:func:`activation_and_derivative`), so the
    picture also checks the engine: σ' peaks at ¼, tanh' at 1, relu' jumps from 0 to 1.

    Args:
        names: activation names of ``neurona.activations`` (elementwise ones).
        x_range: the interval of x.
        derivatives: also draw f'.
        ax: one Axes to draw every curve on (default: a grid of panels).

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_activations(("sigmoid", "relu"))
        >>> [a.get_title() for a in fig.axes], fig.axes[0].get_legend_handles_labels()[1]
        (['sigmoid', 'relu'], ['f(x)', "f'(x) (autodiff)"])
    """
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ValueError("plot_activations: expected at least one activation name, got none.")
    x = np.linspace(float(x_range[0]), float(x_range[1]), 401)
    curves = {name: activation_and_derivative(name, x) for name in names}
    if ax is not None:
        figure, axes = new_figure("plot_activations", ax)
        axes = [ax] * len(names)
    else:
        ncols = min(3, len(names))
        nrows = -(-len(names) // ncols)
        figure, grid = new_figure(
            "plot_activations", nrows=nrows, ncols=ncols, size=(3.6 * ncols, 2.8 * nrows)
        )
        axes = list(np.ravel(grid))
        for extra in axes[len(names) :]:
            extra.set_visible(False)
    single = ax is not None
    for axis, name in zip(axes, names):
        f, df = curves[name]
        line = axis.plot(x, f, label=name if single else "f(x)")[0]
        if derivatives and df is not None:
            axis.plot(
                x,
                df,
                "--",
                color=line.get_color(),
                label=f"{name}'" if single else "f'(x) (autodiff)",
            )
        elif derivatives:
            axis.text(0.02, 0.9, "no gradient", transform=axis.transAxes, fontsize=8)
        axis.axhline(0, color="grey", linewidth=0.5)
        axis.axvline(0, color="grey", linewidth=0.5)
        if not single:
            axis.set_title(name)
            axis.set_xlabel("x")
    if single:
        ax.legend()
    else:
        axes[0].legend(fontsize=8)
    return figure
