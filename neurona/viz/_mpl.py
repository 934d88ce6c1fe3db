"""Side: the one place where ``neurona.viz`` imports matplotlib (an optional extra), so that
``import neurona`` stays light and a missing matplotlib gives one clear message."""

from __future__ import annotations

import sys
from typing import Any


def require_matplotlib(where: str) -> Any:
    """The ``matplotlib`` module, imported now; ImportError saying how to install it otherwise.

    Example:
        >>> require_matplotlib("plot_curves").__name__
        'matplotlib'
    """
    try:
        import matplotlib
    except ImportError:
        raise ImportError(
            f"{where}: expected matplotlib (the optional extra 'plot'), got no "
            'module named matplotlib. Install it with: pip install "neurona[plot]"'
        ) from None
    return matplotlib


def new_figure(
    where: str,
    ax: Any = None,
    nrows: int = 1,
    ncols: int = 1,
    size: tuple[float, float] | None = None,
) -> tuple[Any, Any]:
    """(figure, axes) to draw on: ``ax``'s figure when an Axes is given; else, when pyplot is
    in use (imported), pyplot's current figure if it is still empty (one the user made with
    ``plt.figure(figsize=...)``) or a new pyplot figure, so that ``plt.savefig`` and
    ``plt.show`` see the drawing; else a plain ``matplotlib.figure.Figure``.

    Plain figures touch no GUI backend and stay open nowhere; ``savefig`` renders them through
    Agg (PNG) or the vector backends (SVG, PDF). ``axes`` is an array of shape (nrows, ncols)
    unless both are 1.

    Example:
        >>> figure, axes = new_figure("example", nrows=1, ncols=2); axes.shape
        (1, 2)
        >>> new_figure("example", ax=axes[0, 1])[0] is figure
        True
    """
    require_matplotlib(where)
    if ax is not None:
        return ax.figure, ax
    figsize = size or (4.8 * ncols, 3.6 * nrows)
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # the user works with pyplot: draw where plt.savefig/show look
        current = pyplot.gcf() if pyplot.get_fignums() else None
        if current is not None and not current.axes:
            figure = current
            figure.set_layout_engine("constrained")
        else:
            figure = pyplot.figure(figsize=figsize, layout="constrained")
    else:
        from matplotlib.figure import Figure

        figure = Figure(figsize=figsize, layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=nrows * ncols == 1)
    return figure, axes


def close_figure(figure: Any) -> None:
    """Close ``figure`` in pyplot when pyplot manages it (a saved report plot must not stay
    open there); plain figures need nothing.

    Example:
        >>> figure, _ = new_figure("example"); close_figure(figure)
    """
    pyplot = sys.modules.get("matplotlib.pyplot")
    number = getattr(figure, "number", None)  # set by pyplot on the figures it manages
    if pyplot is not None and number is not None and number in pyplot.get_fignums():
        pyplot.close(figure)


def epoch_axis(axis: Any, n_points: int) -> dict:
    """Integer ticks on an epoch (or step) x axis; returns the plot style for ``n_points``
    points: markers when there are few (a one-epoch curve is then a visible dot).

    Example:
        >>> figure, axis = new_figure("example")
        >>> epoch_axis(axis, 3), epoch_axis(axis, 500)
        ({'marker': 'o', 'markersize': 4}, {})
    """
    from matplotlib.ticker import MaxNLocator

    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    return {"marker": "o", "markersize": 4} if n_points <= 30 else {}


def to_numpy(values: Any) -> Any:
    """A NumPy array from an array, a list or a neurona Tensor (``.numpy()``).

    Example:
        >>> import neurona as nr
        >>> to_numpy(nr.tensor([1.0, 2.0])).tolist(), to_numpy([3]).tolist()
        ([1.0, 2.0], [3])
    """
    import numpy as np

    if hasattr(values, "numpy") and not isinstance(values, np.ndarray):
        values = values.numpy()
    return np.asarray(values)
