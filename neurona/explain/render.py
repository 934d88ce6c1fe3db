"""Side: a :class:`~neurona.explain.result.Trace` as text (``print``), Markdown, HTML (notebooks)
and a JSON-serialisable dict. Small arrays are shown in full; larger ones as their shape, norm,
minimum and maximum."""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from neurona.i18n import lang

__all__ = ["quantities", "summary", "to_dict", "to_html", "to_markdown", "to_text", "word"]

FULL = 16  # arrays with at most this many numbers are shown in full

# the trace's words in Spanish (``neurona lab NAME --lang es`` or NEURONA_LANG=es); the symbols
# are the course's and stay as they are
_ES = {
    "Backpropagation trace": "Traza de retropropagación",
    "loss": "pérdida",
    "optimiser": "optimizador",
    "update applied": "actualización aplicada",
    "update not applied": "actualización no aplicada",
    "layer": "capa",
    "input": "entrada",
    "from step": "del paso",
    "quantity": "magnitud",
    "shape": "forma",
    "values": "valores",
    "Backpropagation, sample": "Retropropagación, muestra",
    "a (top) and δ = ∂L/∂z (below)": "a (arriba) y δ = ∂L/∂z (abajo)",
    "layer l": "capa l",
    "spread of the weight gradients": "dispersión de los gradientes de los pesos",
    "time step t": "paso de tiempo t",
    "backpropagation through time": "retropropagación en el tiempo",
    "unit": "unidad",
    "sample": "muestra",
    "layer l (1 = nearest the input)": "capa l (1 = la más cercana a la entrada)",
    "mean |δ⁽ˡ⁾|": "media de |δ⁽ˡ⁾|",
    "the error that reaches each layer": "el error que llega a cada capa",
    "Part 1: the course's worked example (one step of SGD, η = 0.5, not applied)": (
        "Parte 1: el ejemplo resuelto del curso (un paso de SGD, η = 0.5, sin aplicar)"
    ),
    "  partial    trace            course's formula   update −η ∂e/∂w": (
        "  parcial    traza            fórmula del curso  actualización −η ∂e/∂w"
    ),
    "largest difference": "mayor diferencia",
    "Part 2: mean |δ⁽ˡ⁾| in a 10-layer network, one step on the same batch": (
        "Parte 2: media de |δ⁽ˡ⁾| en una red de 10 capas, un paso con el mismo lote"
    ),
    "(sigmoid's error vanishes on its way back: σ' ≤ 1/4)": (
        "(el error de la sigmoide se desvanece camino atrás: σ' ≤ 1/4)"
    ),
    "W is Keras's kernel (inputs, units); ∂L/∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾, Δ = after − before": (
        "W es el kernel de Keras (entradas, unidades); ∂L/∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾, Δ = después − antes"
    ),
}


def word(english: str) -> str:
    """``english`` in the language of ``neurona.i18n.lang()`` (Spanish with NEURONA_LANG=es).

    Example:
        >>> import os; os.environ.pop("NEURONA_LANG", None) and None
        >>> word("layer")
        'layer'
    """
    return _ES.get(english, english) if lang() == "es" else english


def summary(values: Any) -> str:
    """An array in a few characters: in full when small, else shape, norm, min and max.

    Example:
        >>> summary(np.array([[0.5, -1.0]]))
        '[[ 0.5 -1. ]]'
        >>> summary(np.zeros((10, 10)))
        'shape (10, 10)  ‖·‖ = 0  min 0  max 0'
    """
    if values is None:
        return "—"
    if isinstance(values, list):
        return "; ".join(summary(v) for v in values)
    a = np.asarray(values)
    if a.size <= FULL:
        return np.array2string(a, precision=6, suppress_small=False, max_line_width=10_000)
    if a.size == 0:
        return f"shape {a.shape} (empty)"
    a64 = a.astype(np.float64)
    return (
        f"shape {a.shape}  ‖·‖ = {np.linalg.norm(a64):.4g}  "
        f"min {a64.min():.4g}  max {a64.max():.4g}"
    )


def quantities(layer: Any) -> list[tuple[str, Any]]:
    """(the course's symbol, the array) for each quantity a layer trace holds, in the order a
    backpropagation is written: forward values, then δ, then gradients and updates.

    Example:
        >>> from neurona.explain.result import LayerTrace
        >>> [s for s, _ in quantities(LayerTrace(2, "d", "Dense", "affine", "relu", [], 0.0))]
        ['a⁽¹⁾ (input)', 'a⁽²⁾', '∂L/∂a⁽²⁾']
    """
    up = layer.superscript
    below = "⁽" + str(layer.index - 1).translate(_SUPERSCRIPT) + "⁾"
    rows: list[tuple[str, Any]] = [(f"a{below} ({word('input')})", _one(layer.inputs))]
    if layer.z is not None:
        rows.append((f"z{up}", layer.z))
    rows.append((f"a{up}", layer.a))
    if layer.fprime is not None:
        rows.append((f"f'(z{up})", layer.fprime))
    rows.append((f"∂L/∂a{up}", layer.grad_a))
    if layer.delta is not None:
        rows.append((f"δ{up} = ∂L/∂z{up}", layer.delta))
    for w in layer.weights:
        rows.append((f"{w.symbol}{up}", w.value))
        if w.grad is not None:
            rows.append((f"∂L/∂{w.symbol}{up}", w.grad))
        rows.append((f"Δ{w.symbol}{up}", w.update))
    for step in layer.steps:
        rows.extend(_step_rows(step))
    return rows


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _one(values: list) -> Any:
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def _step_rows(step: Any) -> list[tuple[str, Any]]:
    t = f"t={step.t}"
    rows = []
    if step.z is not None:
        rows.append((f"z_t ({t})", step.z))
    rows.append((f"h_t ({t})", step.h))
    if step.fprime is not None:
        rows.append((f"f'(z_t) ({t})", step.fprime))
    rows.append((f"∂L/∂h_t ({t})", step.grad_h))
    if step.delta is not None:
        rows.append((f"δ_t = ∂L/∂z_t ({t})", step.delta))
    if step.c is not None:
        rows.append((f"c_t ({t})", step.c))
        rows.append((f"∂L/∂c_t ({t})", step.grad_c))
    for name, grad in step.grads.items():
        symbol = {"kernel": "W", "recurrent_kernel": "U", "bias": "b"}.get(name, name)
        rows.append((f"∂L/∂{symbol} {word('from step')} {step.t}", grad))
    return rows


def _title(layer: Any) -> str:
    activation = f", {layer.activation}" if layer.activation else ""
    name = f"{layer.name} ({layer.class_name}{activation})"
    return f"{word('layer')} {layer.index} · {name} · {layer.kind}"


def _header(trace: Any) -> str:
    return (
        f"{word('loss')} L = {trace.loss:.10g} ({trace.loss_name}), "
        f"{word('optimiser')} {trace.optimizer}, "
        + word("update applied" if trace.applied else "update not applied")
    )


def to_text(trace: Any) -> str:
    """The text table ``print(trace)`` shows: one block per layer, one line per quantity.

    Example:
        >>> from neurona.explain.result import Trace
        >>> print(to_text(Trace(0.25, [], False, "SGD", "mse")))
        Backpropagation trace: loss L = 0.25 (mse), optimiser SGD, update not applied
        W is Keras's kernel (inputs, units); ∂L/∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾, Δ = after − before
    """
    lines = [
        f"{word('Backpropagation trace')}: {_header(trace)}",
        word("W is Keras's kernel (inputs, units); ∂L/∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾, Δ = after − before"),
    ]
    for layer in trace.layers:
        lines.append("")
        lines.append(_title(layer))
        rows = quantities(layer)
        width = max(len(symbol) for symbol, _ in rows)
        for symbol, values in rows:
            text = summary(values).replace("\n", "\n" + " " * (width + 5))
            lines.append(f"  {symbol:<{width}} = {text}")
    return "\n".join(lines)


def to_markdown(trace: Any) -> str:
    """Markdown: a header line, then one table per layer (quantity | shape | values).

    Example:
        >>> from neurona.explain.result import Trace
        >>> to_markdown(Trace(0.25, [], True, "Adam", "mse")).endswith("update applied")
        True
    """
    parts = [f"**{word('Backpropagation trace')}** — {_header(trace)}"]
    head = f"| {word('quantity')} | {word('shape')} | {word('values')} |\n| --- | --- | --- |"
    for layer in trace.layers:
        parts.append(f"\n**{_title(layer)}**\n\n{head}")
        for symbol, values in quantities(layer):
            text = summary(values).replace("\n", " ").replace("|", "\\|")
            parts.append(f"| {symbol} | {_shape(values)} | `{text}` |")
    return "\n".join(parts)


def to_html(trace: Any) -> str:
    """HTML for notebooks (``Trace._repr_html_``): one table per layer.

    Example:
        >>> from neurona.explain.result import Trace
        >>> to_html(Trace(0.25, [], False, "SGD", "mse"))[:30]
        '<div class="neurona-trace"><p>'
    """
    parts = [
        f'<div class="neurona-trace"><p><b>{word("Backpropagation trace")}</b>: '
        f"{_e(_header(trace))}</p>"
    ]
    for layer in trace.layers:
        parts.append(f"<p><b>{_e(_title(layer))}</b></p><table>")
        parts.append(
            f"<tr><th>{word('quantity')}</th><th>{word('shape')}</th><th>{word('values')}</th></tr>"
        )
        for symbol, values in quantities(layer):
            parts.append(
                f"<tr><td>{_e(symbol)}</td><td>{_e(_shape(values))}</td>"
                f"<td><pre>{_e(summary(values))}</pre></td></tr>"
            )
        parts.append("</table>")
    parts.append("</div>")
    return "".join(parts)


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _shape(values: Any) -> str:
    if values is None:
        return ""
    if isinstance(values, list):
        return ", ".join(_shape(v) for v in values)
    return str(np.shape(values))


def _plain(values: Any) -> Any:
    if values is None:
        return None
    if isinstance(values, list):
        return [_plain(v) for v in values]
    a = np.asarray(values, dtype=np.float64)
    return {"shape": list(a.shape), "values": a.tolist()}


def to_dict(trace: Any) -> dict:
    """Every number of the trace as plain lists and floats (``json.dumps`` takes it): the loss,
    the settings and, per layer, each quantity as {'shape': [...], 'values': [...]}.

    Example:
        >>> from neurona.explain.result import Trace
        >>> to_dict(Trace(0.25, [], False, "SGD", "mse"))
        {'loss': 0.25, 'loss_name': 'mse', 'optimizer': 'SGD', 'applied': False, 'layers': []}
    """
    layers = []
    for layer in trace.layers:
        layers.append(
            {
                "index": layer.index,
                "name": layer.name,
                "class": layer.class_name,
                "kind": layer.kind,
                "activation": layer.activation,
                "input": _plain(_one(layer.inputs)),
                "z": _plain(layer.z),
                "a": _plain(layer.a),
                "fprime": _plain(layer.fprime),
                "grad_a": _plain(layer.grad_a),
                "delta": _plain(layer.delta),
                "weights": [
                    {
                        "name": w.name,
                        "symbol": w.symbol,
                        "trainable": w.trainable,
                        "value": _plain(w.value),
                        "grad": _plain(w.grad),
                        "update": _plain(w.update),
                    }
                    for w in layer.weights
                ],
                "steps": [
                    {
                        "t": s.t,
                        "h": _plain(s.h),
                        "grad_h": _plain(s.grad_h),
                        "z": _plain(s.z),
                        "fprime": _plain(s.fprime),
                        "delta": _plain(s.delta),
                        "c": _plain(s.c),
                        "grad_c": _plain(s.grad_c),
                        "grads": {k: _plain(v) for k, v in s.grads.items()},
                    }
                    for s in layer.steps
                ],
            }
        )
    return {
        "loss": float(trace.loss),
        "loss_name": trace.loss_name,
        "optimizer": trace.optimizer,
        "applied": bool(trace.applied),
        "layers": layers,
    }
