"""Side: the figures of ``neurona.selection`` (matplotlib, the optional extra 'plot'): box plots
of a score per model, and a validation curve per epoch as mean ± one standard deviation."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.viz._mpl import new_figure

__all__ = ["plot_fold_curves", "plot_scores"]


def plot_scores(
    values: dict[str, Any], ylabel: str = "AUC", ax: Any = None, title: str | None = None
) -> Any:
    """One box plot per model of its scores (e.g. the AUC of each repetition): the box spans
    the quartiles, the line is the median, the whiskers reach 1.5 × IQR, the dots are outliers;
    the white diamond is the mean.

    Args:
        values: model name → its scores, drawn left to right in this order.
        ylabel: the axis label.
        ax: a matplotlib Axes to draw on (a new Figure otherwise).

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_scores({"DL": [0.85, 0.9, 0.88], "NB": [0.7, 0.75, 0.78]})
        >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
        ['DL', 'NB']
    """
    figure, ax = new_figure("plot_scores", ax=ax, size=(max(4.8, 0.9 * len(values) + 2), 3.8))
    data = [
        np.asarray(v, dtype=np.float64)[~np.isnan(np.asarray(v, dtype=np.float64))]
        for v in values.values()
    ]
    ax.boxplot(
        data,
        tick_labels=list(values),
        showmeans=True,
        meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": "k"},
    )
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title)
    return figure


def plot_fold_curves(
    curves: Any,
    chosen: int | None = None,
    ylabel: str = "validation MAE",
    ax: Any = None,
    title: str | None = None,
    skip: int = 0,
) -> Any:
    """The mean over folds of a per-epoch curve (one row per fold), with a band of ± one
    standard deviation, and the chosen epoch marked.

    Args:
        curves: (folds, epochs) values, e.g. each fold's validation MAE after each epoch.
        chosen: an epoch (1-based) to mark with a vertical line.
        skip: leave out the first ``skip`` epochs (their large errors squash the rest).

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_fold_curves([[3.0, 2.0, 1.5], [3.2, 2.2, 1.7]], chosen=3)
        >>> len(fig.axes[0].lines)
        2
    """
    curves = np.asarray(curves, dtype=np.float64)
    epochs = np.arange(1, curves.shape[1] + 1)[skip:]
    mean, std = curves.mean(axis=0), curves.std(axis=0, ddof=1 if len(curves) > 1 else 0)
    mean, std = mean[skip:], std[skip:]
    figure, ax = new_figure("plot_fold_curves", ax=ax)
    ax.plot(epochs, mean, label=f"mean of {len(curves)} folds")
    ax.fill_between(epochs, mean - std, mean + std, alpha=0.25, label="± 1 sd")
    if chosen is not None:
        ax.axvline(chosen, color="k", linestyle="--", linewidth=1, label=f"epoch {chosen}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.legend()
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return figure
