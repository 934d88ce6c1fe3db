"""Side: curves against epochs or time — learning curves (train vs validation), several named
curves on one axis, a perceptron's mistakes per epoch, and price forecasts against the truth."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from neurona.i18n import text
from neurona.viz._mpl import epoch_axis, new_figure, to_numpy

__all__ = ["plot_curves", "plot_forecast", "plot_history", "plot_perceptron_errors"]


def _history_dict(history: Any) -> dict[str, list]:
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(
            f"plot_history: expected a History (what fit returns) or its .history "
            f"dict, got {type(history).__name__}. Pass model.fit(...)'s result."
        )
    return {str(k): [float(v) for v in np.ravel(to_numpy(list(vals)))] for k, vals in logs.items()}


def plot_history(
    history: Any, metrics: Sequence[str] | None = None, title: str | None = None, ax: Any = None
) -> Any:
    """Learning curves: one panel per metric, the training curve and its ``val_`` twin.

    The picture the course uses to spot over-fitting: the training loss keeps falling while the
    validation loss turns up. A dotted vertical line marks the epoch of the lowest validation
    loss, where early stopping (``EarlyStopping(restore_best_weights=True)``) keeps the weights.
    Epochs are counted from 1.

    Args:
        history: a ``History`` (what ``fit`` returns) or its ``.history`` dict of lists.
        metrics: the metrics to draw (names without ``val_``); default: every training metric.
        title: the figure's title.
        ax: one Axes (one metric) or a sequence of Axes (one per metric) to draw on.

    Returns:
        The matplotlib Figure.

    Example:
        >>> logs = {"loss": [1.0, 0.6, 0.4, 0.3], "val_loss": [1.1, 0.7, 0.65, 0.8],
        ...         "accuracy": [0.5, 0.7, 0.8, 0.9], "val_accuracy": [0.5, 0.6, 0.7, 0.6]}
        >>> fig = plot_history(logs)
        >>> [a.get_ylabel() for a in fig.axes], fig.axes[0].get_legend_handles_labels()[1]
        (['loss', 'accuracy'], ['loss', 'val_loss', 'best val_loss (epoch 3)'])
    """
    logs = _history_dict(history)
    names = list(metrics) if metrics is not None else [k for k in logs if not k.startswith("val_")]
    names = names or [k.removeprefix("val_") for k in logs]
    missing = [m for m in names if m not in logs and f"val_{m}" not in logs]
    if missing or not names:
        raise ValueError(
            f"plot_history: expected metrics among {sorted(logs)}, got "
            f"{missing or names}. Pass names that fit() recorded."
        )
    if ax is not None:
        axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
        if len(axes) != len(names):
            raise ValueError(
                f"plot_history: expected one Axes per metric ({len(names)}: "
                f"{names}), got {len(axes)}. Pass metrics=[...] or more Axes."
            )
        figure = axes[0].figure
    else:
        figure, grid = new_figure("plot_history", nrows=1, ncols=len(names))
        axes = list(np.ravel(grid))
    best = None
    if logs.get("val_loss"):
        best = int(np.nanargmin(logs["val_loss"])) + 1
    for axis, name in zip(axes, names):
        for key, style in ((name, "-"), (f"val_{name}", "--")):
            if key in logs:
                values = logs[key]
                axis.plot(np.arange(1, len(values) + 1), values, style, label=key,
                          **epoch_axis(axis, len(values)))  # fmt: skip
        if best is not None:
            axis.axvline(best, color="grey", linestyle=":", label=f"best val_loss (epoch {best})")
        axis.set_xlabel(text("epoch"))
        axis.set_ylabel(name)
        axis.legend()
    if title:
        figure.suptitle(title, wrap=True)
    return figure


def plot_curves(
    curves: Mapping[str, Sequence[float]],
    xlabel: str = "epoch",
    ylabel: str = "loss",
    title: str | None = None,
    logy: bool = False,
    ax: Any = None,
    start: int = 1,
) -> Any:
    """Several named curves on one axis, each against 1, 2, … (e.g. optimisers compared).

    Args:
        curves: name → values; the x value of ``values[k]`` is k + ``start``.
        xlabel, ylabel, title: the axis labels and the title.
        logy: a logarithmic y axis (losses spanning decades).
        ax: an Axes to draw on.
        start: the x value of the first point (0 when the first value is before training).

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_curves({"gd": [1.0, 0.5, 0.3], "adam": [1.0, 0.2, 0.1]}, logy=True)
        >>> ax = fig.axes[0]; len(ax.lines), ax.get_yscale(), ax.get_legend_handles_labels()[1]
        (2, 'log', ['gd', 'adam'])
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError(
            f"plot_curves: expected a non-empty dict name → values, got "
            f"{type(curves).__name__}. Example: {{'adam': history}}."
        )
    figure, axis = new_figure("plot_curves", ax, size=(6.4, 4.0))
    for name, values in curves.items():
        values = np.ravel(to_numpy(values)).astype(np.float64)
        axis.plot(np.arange(start, len(values) + start), values, label=str(name),
                  **epoch_axis(axis, len(values)))  # fmt: skip
    if logy:
        axis.set_yscale("log")
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    if len(curves) > 3:  # many curves: the legend beside the axes, never over the data
        axis.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        axis.legend(fontsize="small")
    if title:
        axis.set_title(title, wrap=True)  # a long title wraps, it is never cut
    return figure


def plot_perceptron_errors(
    perceptron_or_errors: Any, title: str | None = None, ax: Any = None
) -> Any:
    """Misclassified samples (updates) per epoch of Rosenblatt's rule.

    The curve reaches 0 on linearly separable data (the perceptron has converged) and never
    does on XOR. Pass one perceptron, one list of counts, or a dict name → either to compare.

    Args:
        perceptron_or_errors: a fitted ``neurona.classic.Perceptron`` (its ``errors_``), a
            sequence of counts, or a dict of those.
        title: the axis title.
        ax: an Axes to draw on.

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_perceptron_errors({"AND": [1, 3, 3, 2, 1, 0], "XOR": [2, 3, 4, 4, 4, 4]})
        >>> [line.get_label() for line in fig.axes[0].lines]
        ['AND', 'XOR']
    """
    items = perceptron_or_errors
    if not isinstance(items, Mapping):
        items = {"errors": items}
    figure, axis = new_figure("plot_perceptron_errors", ax)
    for name, errors in items.items():
        errors = np.ravel(to_numpy(getattr(errors, "errors_", errors)))
        axis.plot(
            np.arange(1, len(errors) + 1),
            errors,
            marker="o" if len(errors) <= 30 else None,
            label=str(name),
        )
    axis.set_xlabel("epoch")
    axis.set_ylabel("misclassified samples")
    axis.set_ylim(bottom=0)
    from matplotlib.ticker import MaxNLocator

    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    axis.legend()
    axis.set_title(title or "perceptron: mistakes per epoch")
    return figure


def plot_forecast(
    actual: Sequence[float],
    forecasts: Mapping[str, Sequence[float]],
    index: Sequence[Any] | None = None,
    title: str | None = None,
    ax: Any = None,
) -> Any:
    """Actual prices against one or more forecasts (the price-forecasting labs).

    A forecast shorter than ``actual`` is aligned with its end (the test period); NaN leaves a
    gap.

    Args:
        actual: the true series, shape (n,).
        forecasts: name → predicted series of length ≤ n.
        index: the x values (dates as ``datetime64``, or numbers); default 0 … n − 1.
        title: the axis title.
        ax: an Axes to draw on.

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_forecast([1.0, 2.0, 3.0, 4.0], {"naive": [2.0, 3.0]})
        >>> fig.axes[0].lines[1].get_xdata().tolist()
        [2, 3]
    """
    actual = np.ravel(to_numpy(actual)).astype(np.float64)
    n = actual.shape[0]
    x = np.arange(n) if index is None else np.asarray(index)
    if x.shape[0] != n:
        raise ValueError(
            f"plot_forecast: expected an index of length {n} (one per actual "
            f"value), got length {x.shape[0]}."
        )
    figure, axis = new_figure("plot_forecast", ax, size=(8.0, 3.6))
    axis.plot(x, actual, color="black", linewidth=1.2, label=text("actual"))
    for name, values in forecasts.items():
        values = np.ravel(to_numpy(values)).astype(np.float64)
        if values.shape[0] > n:
            raise ValueError(
                f"plot_forecast: forecast {name!r} has {values.shape[0]} values, "
                f"more than the {n} actual ones. Align it with actual first."
            )
        axis.plot(x[n - values.shape[0] :], values, linewidth=1.0, label=str(name))
    if np.issubdtype(x.dtype, np.datetime64):  # dates that never overlap: concise labels
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        locator = AutoDateLocator(maxticks=8)
        axis.xaxis.set_major_locator(locator)
        axis.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axis.set_xlabel(text("date"))
    else:
        axis.set_xlabel(text("step"))
        epoch_axis(axis, n)
    axis.set_ylabel(text("price (USD)"))
    axis.legend()
    if title:
        axis.set_title(title)
    return figure
