"""Side: the decision boundary of a 2-D classifier — its output on a grid covering the data,
shaded, with the boundary line and the training points on top."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from neurona.i18n import text
from neurona.viz._mpl import new_figure, to_numpy

__all__ = ["plot_decision_boundary"]


def _predict_fn(predict: Any) -> Callable[[np.ndarray], Any]:
    if hasattr(predict, "predict"):
        method = predict.predict
        try:
            quiet = "verbose" in inspect.signature(method).parameters
        except (TypeError, ValueError):
            quiet = False
        return (lambda X: method(X, verbose=0)) if quiet else method
    if callable(predict):
        return predict
    raise TypeError(
        f"plot_decision_boundary: expected a model with .predict or a function of "
        f"an (n, 2) array, got {type(predict).__name__}."
    )


def _grid_outputs(fn: Callable, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
    grid = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
    out = to_numpy(fn(grid)).astype(np.float64)
    if out.ndim == 2 and out.shape[1] > 1:  # one column per class: the class of highest score
        out = out.argmax(axis=1).astype(np.float64)
    if out.size != grid.shape[0]:
        raise ValueError(
            f"plot_decision_boundary: expected one output (or one row of class "
            f"scores) per grid point ({grid.shape[0]}), got shape {out.shape}."
        )
    return out.reshape(xx.shape)


def plot_decision_boundary(
    predict: Any,
    X: Any,
    y: Any,
    resolution: int = 200,
    title: str | None = None,
    ax: Any = None,
    class_names: Any = None,
) -> Any:
    """The regions where a 2-D classifier answers each class, and the data on top.

    The model is evaluated on a resolution × resolution grid spanning the points (plus a 20 %
    margin). How the output is shaded depends on what it is:
        labels (few distinct integers, or argmax of a row of class scores): one colour per class;
        probabilities in [0, 1]: a colour scale with the 0.5 contour drawn (the boundary);
        real scores (e.g. a perceptron's Σ wᵢxᵢ + b): a colour scale with the 0 contour drawn.

    Args:
        predict: a model with ``.predict`` (Keras-style or scikit-learn-style) or a function
            from an (n, 2) float32 array to (n,), (n, 1) or (n, classes) outputs.
        X: the points, shape (n, 2).
        y: their labels, shape (n,) (or one-hot (n, classes)).
        resolution: grid points per axis.
        title: the axis title.
        ax: an Axes to draw on.
        class_names: the legend's name of each class (default "class 0", "class 1" …).

    Returns:
        The matplotlib Figure.

    Example:
        >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); y = np.array([0, 1, 1, 1])
        >>> fig = plot_decision_boundary(lambda P: P.sum(axis=1) - 0.5, X, y, resolution=20)
        >>> len(fig.axes[0].collections) >= 2   # shaded regions, the boundary line, the points
        True
        >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        ['class 0', 'class 1']
    """
    X = to_numpy(X).astype(np.float64)
    y = to_numpy(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"plot_decision_boundary: expected points X of shape (n, 2), got shape "
            f"{X.shape}. Project the data to 2 features first (e.g. PCA)."
        )
    if y.ndim == 2 and y.shape[1] > 1:
        y = y.argmax(axis=1)
    y = np.ravel(y)
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"plot_decision_boundary: expected one label per point ({X.shape[0]}), "
            f"got {y.shape[0]}."
        )
    if not (isinstance(resolution, (int, np.integer)) and resolution >= 2):
        raise ValueError(f"plot_decision_boundary: expected resolution >= 2, got {resolution!r}.")
    low, high = X.min(axis=0), X.max(axis=0)
    margin = 0.2 * np.maximum(high - low, 1e-12) + (high == low)
    xx, yy = np.meshgrid(
        np.linspace(low[0] - margin[0], high[0] + margin[0], resolution),
        np.linspace(low[1] - margin[1], high[1] + margin[1], resolution),
    )
    zz = _grid_outputs(_predict_fn(predict), xx, yy)
    figure, axis = new_figure("plot_decision_boundary", ax)
    values = np.unique(zz)
    if np.all(values == np.round(values)) and values.size <= 10:  # class labels
        classes = np.union1d(values, np.unique(y).astype(np.float64))
        edges = np.r_[classes - 0.5, classes[-1] + 0.5]
        axis.contourf(xx, yy, zz, levels=edges, cmap="coolwarm", alpha=0.35)
        if values.size > 1:
            axis.contour(xx, yy, zz, levels=edges[1:-1], colors="black", linewidths=1.0)
    else:
        level = 0.5 if zz.min() >= 0.0 and zz.max() <= 1.0 else 0.0
        shaded = axis.contourf(xx, yy, zz, levels=20, cmap="coolwarm", alpha=0.5)
        figure.colorbar(shaded, ax=axis, label="output")
        if zz.min() < level < zz.max():
            axis.contour(xx, yy, zz, levels=[level], colors="black", linewidths=1.5)
    points = axis.scatter(
        X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="black", s=30, zorder=3
    )
    classes = np.unique(y)
    if classes.size <= 10:  # a legend that says which colour is which class
        handles = points.legend_elements()[0]
        names = (
            [str(class_names[int(c)]) for c in classes]
            if class_names is not None
            else [f"{text('class')} {c:g}" for c in classes]
        )
        axis.legend(handles, names, fontsize="small", loc="best", framealpha=0.8)
    axis.set_xlabel("x₁")
    axis.set_ylabel("x₂")
    if title:
        axis.set_title(title)
    return figure
