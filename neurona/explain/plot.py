"""Side: pictures of a backpropagation trace (matplotlib, the optional extra 'plot').

- ``kind='network'`` (small Dense networks): each neuron as a circle with its value a and its
  error δ for one sample, each connection drawn by the size and sign of its weight;
- ``kind='layers'``: per layer, the mean |δ⁽ˡ⁾| (the error that reaches the layer) and the spread
  of |∂L/∂W⁽ˡ⁾| on log scales, plus ‖∂L/∂h_t‖ per time step for recurrent layers: the
  vanishing/exploding-gradient picture of docs/course.md R9;
- ``kind='heatmaps'``: log₁₀ |δ⁽ˡ⁾| of every layer as an image (samples × units, one colour
  scale for all layers), so that a layer whose error has vanished shows dark;
- :func:`plot_gradient_flow`: mean |δ⁽ˡ⁾| per layer for several traces on one axes (e.g. a
  10-layer network with sigmoid against the same with ReLU).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.explain.render import word
from neurona.viz._mpl import new_figure

__all__ = ["error_size", "plot_gradient_flow", "plot_trace"]

_TINY = 1e-300  # log scales: an exact zero is drawn at the bottom, not dropped


def error_size(layer: Any) -> float:
    """Mean |δ⁽ˡ⁾| of a layer trace (mean |∂L/∂a⁽ˡ⁾| for a layer without z).

    Example:
        >>> from neurona.explain.result import LayerTrace
        >>> error_size(LayerTrace(1, "d", "Dense", "affine", None, [], None,
        ...                       delta=np.array([[1.0, -3.0]])))
        2.0
    """
    values = layer.delta if layer.delta is not None else layer.grad_a
    if isinstance(values, list):
        values = np.concatenate([np.ravel(v) for v in values if v is not None] or [np.zeros(1)])
    if values is None:
        return 0.0
    return float(np.mean(np.abs(np.asarray(values, dtype=np.float64))))


def _small_dense(trace: Any) -> bool:
    return (
        0 < len(trace.layers) <= 6
        and all(layer.kind in ("affine", "activation") for layer in trace.layers)
        and all(np.ndim(layer.a) == 2 and np.shape(layer.a)[1] <= 10 for layer in trace.layers)
        and np.ndim(trace.layers[0].inputs[0]) == 2
        and np.shape(trace.layers[0].inputs[0])[1] <= 10
    )


def plot_trace(trace: Any, kind: str = "auto", sample: int = 0, ax: Any = None) -> Any:
    """The figure of a trace (``Trace.plot``): 'network', 'layers' or 'auto' (network when
    every layer is a small Dense or activation layer).

    Example:
        >>> import numpy as np
        >>> from neurona import explain, layers, models
        >>> model = models.Sequential([layers.Input((2,)), layers.Dense(2, activation="tanh"),
        ...                            layers.Dense(1, activation="sigmoid")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> figure = plot_trace(explain.trace(model, np.ones((1, 2)), np.ones((1, 1))))
        >>> figure.axes[0].get_title()[:26]
        'Backpropagation, sample 0:'
    """
    if kind not in ("auto", "network", "layers", "heatmaps"):
        raise ValueError(
            f"plot_trace: expected kind 'auto', 'network', 'layers' or 'heatmaps', got {kind!r}."
        )
    if kind == "heatmaps":
        return _heatmaps(trace)
    if kind == "auto":
        kind = "network" if _small_dense(trace) else "layers"
    if kind == "network":
        if not _small_dense(trace):
            raise ValueError(
                "plot_trace(kind='network'): expected a network of at most 6 Dense or activation "
                "layers of at most 10 units, got "
                f"{[(layer.class_name, np.shape(layer.a)) for layer in trace.layers]}. "
                "Use kind='layers'."
            )
        return _network(trace, sample, ax)
    return _layers(trace, ax)


def _network(trace: Any, sample: int, ax: Any) -> Any:
    figure, ax = new_figure("plot_trace", ax=ax, size=(2.4 * (len(trace.layers) + 1), 4.2))
    columns = [np.asarray(trace.layers[0].inputs[0], dtype=np.float64)[sample]]
    deltas: list = [None]
    for layer in trace.layers:
        columns.append(np.asarray(layer.a, dtype=np.float64)[sample])
        values = layer.delta if layer.delta is not None else layer.grad_a
        deltas.append(None if values is None else np.asarray(values, dtype=np.float64)[sample])
    places = [
        [(c, (len(col) - 1) / 2 - i) for i in range(len(col))] for c, col in enumerate(columns)
    ]
    for l, layer in enumerate(trace.layers, start=1):  # connections, by |W| and sign
        w = layer.weight("W")
        if w is None:
            for (x0, y0), (x1, y1) in zip(places[l - 1], places[l]):
                ax.plot([x0, x1], [y0, y1], color="0.7", lw=1, zorder=1)
            continue
        W = np.asarray(w.value, dtype=np.float64)
        scale = np.abs(W).max() or 1.0
        for i, (x0, y0) in enumerate(places[l - 1]):
            for j, (x1, y1) in enumerate(places[l]):
                color = "tab:red" if W[i, j] < 0 else "tab:blue"
                ax.plot(
                    [x0, x1],
                    [y0, y1],
                    color=color,
                    lw=0.5 + 2.5 * abs(W[i, j]) / scale,
                    alpha=0.6,
                    zorder=1,
                )
    for c, (col, spots) in enumerate(zip(columns, places)):
        for i, (x, y) in enumerate(spots):
            ax.scatter([x], [y], s=1400, color="white", edgecolors="black", zorder=2)
            label = f"{col[i]:.3g}"
            if deltas[c] is not None:
                label += f"\nδ {deltas[c][i]:.2g}"
            ax.text(x, y, label, ha="center", va="center", fontsize=7, zorder=3)
    names = ["a⁽⁰⁾ = x"] + [f"{layer.name}\n{layer.activation or ''}" for layer in trace.layers]
    ax.set_xticks(range(len(columns)), names, fontsize=8)
    ax.set_yticks([])
    ax.set_xlim(-0.6, len(columns) - 0.4)
    height = max(len(col) for col in columns) / 2 + 0.2
    ax.set_ylim(-height, height)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(
        f"{word('Backpropagation, sample')} {sample}: {word('a (top) and δ = ∂L/∂z (below)')}, "
        f"L = {trace.loss:.4g}",
        fontsize=9,
    )
    return figure


def _layers(trace: Any, ax: Any) -> Any:
    recurrent = [layer for layer in trace.layers if layer.steps]
    panels = 3 if recurrent else 2
    if ax is None:
        figure, axes = new_figure("plot_trace", nrows=1, ncols=panels, size=(4.6 * panels, 3.6))
        axes = list(np.ravel(axes))
    else:
        figure, axes = new_figure("plot_trace", ax=ax)
        axes = [axes]
    index = [layer.index for layer in trace.layers]
    plot_gradient_flow([trace], ax=axes[0])
    if len(axes) > 1:
        data, where = [], []
        for layer in trace.layers:
            w = layer.weight("W") or next((w for w in layer.weights if w.grad is not None), None)
            if w is not None and w.grad is not None:
                data.append(np.log10(np.abs(np.ravel(w.grad)).astype(np.float64) + _TINY))
                where.append(layer.index)
        if data:
            axes[1].boxplot(data, positions=where, widths=0.6, showfliers=False)
        axes[1].set_xticks(index, [str(i) for i in index])
        axes[1].set_xlabel(word("layer l"))
        axes[1].set_ylabel("log₁₀ |∂L/∂W⁽ˡ⁾|")
        axes[1].set_title(word("spread of the weight gradients"), fontsize=9)
    if len(axes) > 2:
        for layer in recurrent:
            t = [step.t for step in layer.steps]
            size = [float(np.linalg.norm(step.grad_h)) for step in layer.steps]
            axes[2].plot(t, np.maximum(size, _TINY), marker="o", label=layer.name)
        axes[2].set_yscale("log")
        axes[2].set_xlabel(word("time step t"))
        axes[2].set_ylabel("‖∂L/∂h_t‖")
        axes[2].set_title(word("backpropagation through time"), fontsize=9)
        axes[2].legend(fontsize=8)
    return figure


def _heatmaps(trace: Any) -> Any:
    errors = []
    for layer in trace.layers:
        values = layer.delta if layer.delta is not None else layer.grad_a
        if isinstance(values, list) or values is None:
            continue
        values = np.abs(np.asarray(values, dtype=np.float64))
        errors.append((layer, np.log10(values.reshape(len(values), -1) + _TINY)))
    if not errors:
        raise ValueError("plot_trace(kind='heatmaps'): no layer of this trace has an error δ.")
    finite = np.concatenate([e[e > -300] for _, e in errors] or [np.zeros(1)])
    low, high = (finite.min(), finite.max()) if finite.size else (-1.0, 0.0)
    figure, axes = new_figure(
        "plot_trace", nrows=1, ncols=len(errors), size=(1.8 * len(errors) + 1.2, 3.4)
    )
    axes = list(np.ravel(axes))
    for ax, (layer, error) in zip(axes, errors):
        image = ax.imshow(error, aspect="auto", cmap="magma", vmin=low, vmax=high)
        ax.set_title(f"{layer.index}: {layer.class_name}", fontsize=8)
        ax.set_xlabel(word("unit"), fontsize=7)
        ax.tick_params(labelsize=6)
    axes[0].set_ylabel(word("sample"))
    figure.colorbar(image, ax=axes, label="log₁₀ |δ⁽ˡ⁾|")
    return figure


def plot_gradient_flow(traces: list, labels: list | None = None, ax: Any = None) -> Any:
    """Mean |δ⁽ˡ⁾| against the layer l, one line per trace, on a log scale: a flat line is a
    healthy network; one that falls towards the input layers has vanishing gradients.

    Example:
        >>> from neurona.explain.result import LayerTrace, Trace
        >>> layer = LayerTrace(1, "d", "Dense", "affine", None, [], None, delta=np.ones((1, 2)))
        >>> plot_gradient_flow([Trace(0.1, [layer], False, "SGD", "mse")]).axes[0].get_yscale()
        'log'
    """
    figure, ax = new_figure("plot_gradient_flow", ax=ax)
    labels = labels or [None] * len(traces)
    ticks: set = set()
    for trace, label in zip(traces, labels):
        index = [layer.index for layer in trace.layers]
        sizes = [max(error_size(layer), _TINY) for layer in trace.layers]
        ax.plot(index, sizes, marker="o", label=label)
        ticks.update(index)
    ax.set_xticks(sorted(ticks))
    ax.set_yscale("log")
    ax.set_xlabel(word("layer l (1 = nearest the input)"))
    ax.set_ylabel(word("mean |δ⁽ˡ⁾|"))
    ax.set_title(word("the error that reaches each layer"), fontsize=9)
    if any(labels):
        ax.legend(fontsize=8)
    return figure
