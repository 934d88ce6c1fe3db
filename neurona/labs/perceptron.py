"""Side lab: Rosenblatt's perceptron learns AND and OR, and cannot learn XOR (docs/course.md N2–N5).

    y = 1 if w·x + b > 0 else 0          w ← w + η (d − y) x,   b ← b + η (d − y)

The rule converges on linearly separable data (Novikoff 1962); on XOR no line separates the
classes (Minsky & Papert 1969), so the mistakes never reach zero: ``converged_`` stays False and
``fit`` warns.
"""

from __future__ import annotations

import warnings

import numpy as np

from neurona.classic import ConvergenceWarning, Perceptron
from neurona.datasets import logic_gate
from neurona.i18n import text
from neurona.labs._report import Report
from neurona.viz import plot_decision_boundary, plot_perceptron_errors
from neurona.viz._mpl import new_figure

NAME = "perceptron"
DESCRIPTION = "Rosenblatt's perceptron converges on AND and OR and cannot converge on XOR"

GATES = ("and", "or", "xor")


def _boundaries(perceptrons: dict) -> object:
    """One figure, one panel per gate: the sign of w·x + b and the four points."""
    figure, axes = new_figure("perceptron lab", nrows=1, ncols=len(perceptrons), size=(12, 3.6))
    for axis, (gate, p) in zip(np.ravel(axes), perceptrons.items()):
        X, y = logic_gate(gate)
        status = "converged" if p.converged_ else "did not converge"
        plot_decision_boundary(
            p.predict, X, y, resolution=200, ax=axis, title=f"{gate.upper()}: {status}"
        )
    return figure


def fit_gate(gate: str, max_epochs: int = 100) -> tuple[Perceptron, str | None]:
    """Fit a perceptron (η = 1, weights from 0) on a 2-input logic gate; return it and the
    text of its ConvergenceWarning (None when it converged).

    Example:
        >>> p, warning = fit_gate("and"); p.converged_, p.errors_, warning
        (True, [1, 3, 3, 2, 1, 0], None)
        >>> p, warning = fit_gate("xor", max_epochs=10); p.converged_, "separable" in warning
        (False, True)
    """
    X, y = logic_gate(gate)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        p = Perceptron(learning_rate=1.0, max_epochs=max_epochs).fit(X, y)
    messages = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    return p, (messages[0] if messages else None)


def run(
    epochs: int | None = None, out=None, seed: int = 0, fast: bool = False, print_fn=print
) -> dict:
    """The lab: fit AND, OR and XOR, print each rule's weights, mistakes per epoch and the
    warning, and write metrics.json, errors.png (mistakes per epoch) and boundaries.png.

    Args:
        epochs: the perceptron's ``max_epochs`` (default 100; 20 with ``fast``).
        out: the report folder (default ``neurona-reports/perceptron``; False: none).
        seed: unused (the rule visits the samples in order from w = 0: no randomness).
        fast: fewer epochs.
        print_fn: where the text goes.

    Returns:
        For each gate: {'converged', 'epochs', 'errors', 'weights', 'bias', 'accuracy',
        'warning'}.

    Example:
        >>> results = run(epochs=10, out=False, print_fn=lambda line: None)
        >>> [results[g]["converged"] for g in ("and", "or", "xor")]
        [True, True, False]
    """
    print_fn = print_fn or (lambda line: None)  # None: silent (neurona lab --quiet)
    max_epochs = epochs or (20 if fast else 100)
    results, perceptrons = {}, {}
    for gate in GATES:
        p, warning = fit_gate(gate, max_epochs)
        X, y = logic_gate(gate)
        perceptrons[gate] = p
        results[gate] = {
            "converged": p.converged_,
            "epochs": p.n_epochs_,
            "errors": p.errors_,
            "weights": p.weights_,
            "bias": p.bias_,
            "accuracy": p.score(X, y),
            "warning": warning,
        }
        print_fn(
            f"{gate.upper():>3}: w = {p.weights_.tolist()}, b = {p.bias_:g}, "
            + text(
                "{state} after {epochs} epochs, accuracy {accuracy:.2f}; mistakes per epoch "
                "{errors}",
                state=text("converged" if p.converged_ else "NOT converged"),
                epochs=p.n_epochs_,
                accuracy=p.score(X, y),
                errors=f"{p.errors_[:12]}{' …' if len(p.errors_) > 12 else ''}",
            )
        )
        if warning:
            print_fn(f"     warning: {warning}")
    with Report(NAME, out) as report:
        report.write_json("metrics.json", results)
        report.plot(
            "errors.png",
            plot_perceptron_errors,
            {gate.upper(): p for gate, p in perceptrons.items()},
            title="perceptron: mistakes per epoch (0 = converged)",
        )
        report.plot("boundaries.png", _boundaries, perceptrons)
    for note in report.notes:
        print_fn(f"{text('note')}: {note}")
    if report.files:
        print_fn(f"{text('report')}: {report.folder}")
    return results
