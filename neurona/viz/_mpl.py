"""Side: the one place where ``neurona.viz`` imports matplotlib (an optional extra), so that
``import neurona`` stays light and a missing matplotlib gives one clear message."""

from __future__ import annotations

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
    """(figure, axes) to draw on: ``ax``'s figure when an Axes is given, else a new Figure.

    New figures are plain ``matplotlib.figure.Figure`` objects, not pyplot ones: no GUI backend
    is touched and nothing stays open, and ``savefig`` renders through Agg (PNG) or the vector
    backends (SVG, PDF). ``axes`` is an array of shape (nrows, ncols) unless both are 1.

    Example:
        >>> figure, axes = new_figure("example", nrows=1, ncols=2); axes.shape
        (1, 2)
        >>> new_figure("example", ax=axes[0, 1])[0] is figure
        True
    """
    require_matplotlib(where)
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    figure = Figure(figsize=size or (4.8 * ncols, 3.6 * nrows), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=nrows * ncols == 1)
    return figure, axes


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
