"""Side lab: the McCulloch–Pitts neuron (1943, docs/course.md N1) computes logic with fixed weights.

    y = 1 if Σᵢ wᵢ xᵢ ≥ θ else 0,     xᵢ ∈ {0, 1}

AND (w = 1, θ = n), OR (w = 1, θ = 1), NOT (w = −1, θ = 0), and "x₁ AND NOT x₂" with an
absolutely inhibitory synapse; nothing is learned, the weights are chosen by hand.
"""

from __future__ import annotations

import numpy as np

from neurona.classic import McCullochPitts
from neurona.i18n import text
from neurona.labs._report import Report
from neurona.viz import plot_decision_boundary
from neurona.viz._mpl import new_figure

NAME = "mcculloch-pitts"
DESCRIPTION = "McCulloch-Pitts threshold units compute AND, OR and NOT: their truth tables"


def units() -> dict[str, tuple[McCullochPitts, object]]:
    """The lab's units and the function each must compute (on the rows of its truth table).

    Example:
        >>> unit, expected = units()["AND"]
        >>> X, y = unit.truth_table(); y.tolist() == expected(X).tolist()
        True
    """
    return {
        "AND": (McCullochPitts.AND(), lambda X: X[:, 0] & X[:, 1]),
        "OR": (McCullochPitts.OR(), lambda X: X[:, 0] | X[:, 1]),
        "NOT": (McCullochPitts.NOT(), lambda X: 1 - X[:, 0]),
        "AND3": (McCullochPitts.AND(3), lambda X: X.min(axis=1)),
        "x1 AND NOT x2": (
            McCullochPitts([1, 1], threshold=1, inhibitory=(1,)),
            lambda X: X[:, 0] & (1 - X[:, 1]),
        ),
    }


def _threshold_lines(table: dict) -> object:
    """The 2-input units' regions Σ wᵢxᵢ ≥ θ: the threshold is a line in the input plane."""
    two = {
        name: unit
        for name, (unit, _) in table.items()
        if unit.n_inputs == 2 and not unit.inhibitory
    }
    figure, axes = new_figure("mcculloch-pitts lab", nrows=1, ncols=len(two), size=(9, 3.6))
    for axis, (name, unit) in zip(np.ravel(axes), two.items()):
        X, y = unit.truth_table()
        w, theta = unit.weights, unit.threshold
        plot_decision_boundary(
            lambda P, w=w, theta=theta: (P @ w >= theta).astype(int),
            X,
            y,
            resolution=200,
            ax=axis,
            title=f"{name}: {w[0]:g}·x₁ + {w[1]:g}·x₂ ≥ {theta:g}",
        )
    return figure


def run(
    epochs: int | None = None, out=None, seed: int = 0, fast: bool = False, print_fn=print
) -> dict:
    """The lab: print each unit's weights, threshold and truth table, check it against the
    gate, and write metrics.json and thresholds.png.

    Args:
        epochs, seed, fast: unused (nothing is trained); accepted like every lab.
        out: the report folder (default ``neurona-reports/mcculloch-pitts``; False: none).
        print_fn: where the text goes.

    Returns:
        For each unit: {'weights', 'threshold', 'inhibitory', 'inputs', 'outputs', 'correct'}.

    Example:
        >>> results = run(out=False, print_fn=lambda line: None)
        >>> results["NOT"]["outputs"], all(r["correct"] for r in results.values())
        ([1, 0], True)
    """
    print_fn = print_fn or (lambda line: None)  # None: silent (neurona lab --quiet)
    table = units()
    results = {}
    for name, (unit, expected) in table.items():
        X, y = unit.truth_table()
        correct = bool((y == expected(X)).all())
        results[name] = {
            "weights": unit.weights,
            "threshold": unit.threshold,
            "inhibitory": list(unit.inhibitory),
            "inputs": X.tolist(),
            "outputs": y.tolist(),
            "correct": correct,
        }
        print_fn(f"{name}: {unit!r}")
        header = " ".join(f"x{i + 1}" for i in range(unit.n_inputs))
        print_fn(f"  {header} | Σwx | y")
        for row, out_bit in zip(X, y):
            bits = "  ".join(str(b) for b in row)
            print_fn(f"  {bits}  | {row @ unit.weights:3g} | {out_bit}")
        print_fn(
            text(
                "  the truth table of {name}: {answer}",
                name=name,
                answer=text("yes" if correct else "NO"),
            )
        )
    with Report(NAME, out) as report:
        report.write_json("metrics.json", results)
        report.plot("thresholds.png", _threshold_lines, table)
    for note in report.notes:
        print_fn(f"{text('note')}: {note}")
    if report.files:
        print_fn(f"{text('report')}: {report.folder}")
    return results
