"""Side lab: backpropagation made visible with ``neurona.explain.trace`` (docs/course.md G6,
G12, R9).

Part 1, the course's worked example: one hidden tanh unit and one sigmoid output,

    g = tanh(z_g),  z_g = w₁,₀ + w₁,₁ x₁ + w₁,₂ x₂        f = S(z_f),  z_f = w₂,₀ + w₂,₁ g
    e = ½(y − f)²

whose five partial derivatives the course writes out:

    ∂e/∂w₂,₀ = −(y − f) S'(z_f)             ∂e/∂w₂,₁ = −(y − f) S'(z_f) g
    ∂e/∂w₁,₀ = −(y − f) S'(z_f) w₂,₁ tanh'(z_g)      ∂e/∂w₁,ⱼ = ∂e/∂w₁,₀ · xⱼ

The trace gives them as δ⁽²⁾ = ∂e/∂z_f, δ⁽¹⁾ = ∂e/∂z_g and ∂L/∂W⁽ˡ⁾ = a⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾; the lab prints
both side by side, then the update w ← w − η ∂e/∂w.

Part 2, vanishing gradients: the same 10-layer network with sigmoid and with ReLU hidden
units, one step each on the same batch. σ' ≤ ¼, so with sigmoid the error δ⁽ˡ⁾ shrinks layer
after layer on its way back to the input (a factor of about 10⁶ over ten layers here); with
ReLU (derivative 0 or 1) it shrinks far less (with Keras's default glorot_uniform weights it
still falls by about 0.7 per layer; He initialisation would keep it level).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import explain, layers, models, optimizers
from neurona.explain.plot import error_size, plot_gradient_flow
from neurona.explain.render import word
from neurona.labs._report import Report
from neurona.utils import set_random_seed

NAME = "backprop-trace"
DESCRIPTION = (
    "backpropagation layer by layer: the course's worked example, then sigmoid vs ReLU "
    "in a 10-layer network"
)

# the worked example's numbers (the course gives the formulas; these values are ours)
X = np.array([[0.7, -1.3]])
Y = np.array([[1.0]])
WEIGHTS = {"w10": 0.1, "w11": 0.4, "w12": -0.6, "w20": -0.2, "w21": 0.9}
ETA = 0.5


def half_squared_error(y_true: Any, y_pred: Any) -> Any:
    """The course's e = ½(y − f)² per sample (summed over the outputs; not Keras's 'mse').

    Example:
        >>> import neurona as nr
        >>> half_squared_error(nr.tensor([[1.0]]), nr.tensor([[0.0]])).numpy()
        array([0.5], dtype=float32)
    """
    return 0.5 * ((y_true - y_pred) ** 2).sum(axis=-1)


def course_model() -> models.Sequential:
    """The worked example's network in float64, with the lab's weights, compiled with SGD(η) and
    e = ½(y − f)².

    Example:
        >>> course_model().count_params()  # w₁,₁ w₁,₂ w₁,₀ and w₂,₁ w₂,₀
        5
    """
    model = models.Sequential(
        [
            layers.Input((2,), dtype="float64"),
            layers.Dense(1, activation="tanh", dtype="float64", name="hidden"),
            layers.Dense(1, activation="sigmoid", dtype="float64", name="output"),
        ]
    )
    w = WEIGHTS
    model.layers[0].set_weights([np.array([[w["w11"]], [w["w12"]]]), np.array([w["w10"]])])
    model.layers[1].set_weights([np.array([[w["w21"]]]), np.array([w["w20"]])])
    model.compile(optimizer=optimizers.SGD(learning_rate=ETA), loss=half_squared_error)
    return model


def course_partials(trace: Any) -> dict:
    """The course's five formulas, evaluated on the forward values of the trace (z_g, g, z_f, f):
    what a student computes by hand, to compare with what the engine backpropagated.

    Example:
        >>> t = explain.trace(course_model(), X, Y)
        >>> round(course_partials(t)["w20"], 6)
        -0.085731
    """
    x1, x2 = X[0]
    y = Y[0, 0]
    g, f = float(trace[1].a[0, 0]), float(trace[2].a[0, 0])
    z_g = float(trace[1].z[0, 0])
    s_prime = f * (1 - f)
    tanh_prime = 1 - np.tanh(z_g) ** 2
    w10 = -(y - f) * s_prime * WEIGHTS["w21"] * tanh_prime
    partials = {
        "w20": -(y - f) * s_prime,
        "w21": -(y - f) * s_prime * g,
        "w10": w10,
        "w11": w10 * x1,
        "w12": w10 * x2,
    }
    return {key: float(value) for key, value in partials.items()}


def traced_partials(trace: Any) -> dict:
    """The same five partials as the trace holds them (∂L/∂W⁽ˡ⁾ and ∂L/∂b⁽ˡ⁾).

    Example:
        >>> sorted(traced_partials(explain.trace(course_model(), X, Y)))
        ['w10', 'w11', 'w12', 'w20', 'w21']
    """
    hidden, output = trace[1], trace[2]
    return {
        "w20": float(output.weight("b").grad[0]),
        "w21": float(output.weight("W").grad[0, 0]),
        "w10": float(hidden.weight("b").grad[0]),
        "w11": float(hidden.weight("W").grad[0, 0]),
        "w12": float(hidden.weight("W").grad[1, 0]),
    }


def deep_model(activation: str, depth: int = 10, width: int = 16, inputs: int = 8) -> Any:
    """``depth`` Dense layers of ``width`` units with ``activation`` (Keras's default
    glorot_uniform weights), then one linear output, compiled with SGD and 'mse'.

    Example:
        >>> len(deep_model("relu", depth=3).layers)
        4
    """
    stack = [layers.Input((inputs,))]
    stack += [layers.Dense(width, activation=activation) for _ in range(depth)]
    model = models.Sequential([*stack, layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
) -> dict:
    """Trace the worked example and the 10-layer sigmoid and ReLU networks; print and draw them.

    Args:
        epochs: not used (one step is traced); accepted for the lab interface.
        out: the report folder (default ``neurona-reports/backprop-trace``), or False.
        seed: seed of the 10-layer networks' weights and batch.
        fast: a batch of 16 instead of 64 (the lab takes well under a second either way).
        print_fn: where the tables go (None: silent).

    Returns:
        a dict: ``partials`` (traced), ``course_partials`` (the course's formulas),
        ``max_difference`` between them, ``updates`` (Δw = −η ∂e/∂w), and for the deep
        networks ``mean_abs_delta`` per layer and ``vanishing_ratio`` (mean |δ⁽¹⁾| over mean
        |δ⁽¹⁰⁾|) for each activation. The report folder gets metrics.json, trace.txt,
        worked_example.png and gradient_flow.png.

    Example:
        >>> results = run(out=False, print_fn=None, fast=True)
        >>> results["max_difference"] < 1e-12, results["vanishing_ratio"]["sigmoid"] < 0.01
        (True, True)
    """
    print_fn = print_fn or (lambda line: None)
    worked = explain.trace(course_model(), X, Y)
    traced, formulas = traced_partials(worked), course_partials(worked)
    difference = float(max(abs(traced[k] - formulas[k]) for k in traced))
    print_fn(word("Part 1: the course's worked example (one step of SGD, η = 0.5, not applied)"))
    print_fn(str(worked))
    print_fn("")
    print_fn(word("  partial    trace            course's formula   update −η ∂e/∂w"))
    for key in ("w20", "w21", "w10", "w11", "w12"):
        name = f"∂e/∂{key[0]}{key[1]},{key[2]}"
        print_fn(
            f"  {name:<10} {traced[key]:+.10f}  {formulas[key]:+.10f}    {-ETA * traced[key]:+.6f}"
        )
    print_fn(f"  {word('largest difference')}: {difference:.1e}")

    set_random_seed(seed)
    rng = np.random.default_rng(seed)
    batch = 16 if fast else 64
    x = rng.normal(size=(batch, 8)).astype(np.float32)
    y = np.sin(x.sum(axis=1, keepdims=True)).astype(np.float32)
    deep = {}
    for activation in ("sigmoid", "relu"):
        set_random_seed(seed)
        deep[activation] = explain.trace(deep_model(activation), x, y)
    sizes = {name: [error_size(layer) for layer in t.layers[:-1]] for name, t in deep.items()}
    ratio = {name: float(s[0] / s[-1]) for name, s in sizes.items()}
    print_fn("")
    print_fn(word("Part 2: mean |δ⁽ˡ⁾| in a 10-layer network, one step on the same batch"))
    print_fn(f"  {word('layer'):>5}   sigmoid      relu")
    for i, (a, b) in enumerate(zip(sizes["sigmoid"], sizes["relu"]), start=1):
        print_fn(f"  {i:>5}   {a:.3e}   {b:.3e}")
    print_fn(
        f"  |δ⁽¹⁾| / |δ⁽¹⁰⁾|: sigmoid {ratio['sigmoid']:.2e}, relu {ratio['relu']:.2e} "
        + word("(sigmoid's error vanishes on its way back: σ' ≤ 1/4)")
    )
    results = {
        "lab": NAME,
        "seed": seed,
        "loss": worked.loss,
        "partials": traced,
        "course_partials": formulas,
        "max_difference": difference,
        "updates": {k: -ETA * v for k, v in traced.items()},
        "mean_abs_delta": sizes,
        "vanishing_ratio": ratio,
    }
    with Report(NAME, out) as report:
        if report.enabled:
            report.write_json("metrics.json", results)
            report.write_text("trace.txt", str(worked) + "\n")
            report.plot("worked_example.png", worked.plot)
            report.plot(
                "gradient_flow.png",
                plot_gradient_flow,
                [deep["sigmoid"], deep["relu"]],
                ["sigmoid", "relu"],
            )
    return results
