"""Side lab: the course's computational graph (docs/course.md, automatic differentiation), by both
modes of the engine, drawn with its values and gradients.

    c = a + b,   d = b + 1,   e = c · d          at a = 2, b = 1:  c = 3, d = 2, e = 6
    reverse mode (one sweep from e):  ∂e/∂c = d = 2,  ∂e/∂d = c = 3,
                                      ∂e/∂a = ∂e/∂c · 1 = 2,  ∂e/∂b = ∂e/∂c · 1 + ∂e/∂d · 1 = 5
    forward mode (one sweep per input direction):  ė along ȧ = 1 is 2, along ḃ = 1 is 5
"""

from __future__ import annotations

import neurona as nr
from neurona.autodiff import to_dot
from neurona.i18n import text
from neurona.labs._report import Report
from neurona.viz import render_graph

NAME = "autodiff-graph"
DESCRIPTION = (
    "the course's graph c = a + b, d = b + 1, e = c·d: values and gradients by "
    "reverse and forward mode, drawn"
)


def course_graph(a: float = 2.0, b: float = 1.0) -> dict:
    """Build the graph, run one reverse sweep (keeping the graph) and return its tensors.

    Example:
        >>> t = course_graph()
        >>> t["e"].item(), t["a"].grad.item(), t["b"].grad.item(), t["c"].grad.item()
        (6.0, 2.0, 5.0, 2.0)
    """
    a = nr.tensor(a, requires_grad=True, dtype="float64")
    b = nr.tensor(b, requires_grad=True, dtype="float64")
    c = a + b
    d = b + 1
    e = c * d
    for name, t in {"a": a, "b": b, "c": c, "d": d, "e": e}.items():
        t.name = name
        if name in "cde":
            t.retain_grad()  # intermediate gradients are freed unless asked for
    e.backward(retain_graph=True)  # keep the graph so that to_dot can still draw it
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def run(
    epochs: int | None = None, out=None, seed: int = 0, fast: bool = False, print_fn=print
) -> dict:
    """The lab: print values and gradients by reverse mode and by forward mode (``nr.jvp``),
    and write metrics.json, graph.dot and graph.svg (Graphviz, or matplotlib without it).

    Args:
        epochs, seed, fast: unused (nothing is trained); accepted like every lab.
        out: the report folder (default ``neurona-reports/autodiff-graph``; False: none).
        print_fn: where the text goes.

    Returns:
        {'values': {a…e}, 'reverse': {'de/da', 'de/db', 'de/dc', 'de/dd'},
        'forward': {'de/da', 'de/db'}, 'modes_agree'}.

    Example:
        >>> results = run(out=False, print_fn=lambda line: None)
        >>> results["values"]["e"], results["reverse"]["de/db"], results["forward"]["de/db"]
        (6.0, 5.0, 5.0)
    """
    print_fn = print_fn or (lambda line: None)  # None: silent (neurona lab --quiet)
    t = course_graph()
    values = {name: tensor.item() for name, tensor in t.items()}
    reverse = {f"de/d{name}": t[name].grad.item() for name in "abcd"}

    def e_of(a, b):
        return (a + b) * (b + 1)

    forward = {}
    for name, direction in (("a", (1.0, 0.0)), ("b", (0.0, 1.0))):
        _, e_dot = nr.jvp(e_of, (2.0, 1.0), direction)  # one forward sweep per input
        forward[f"de/d{name}"] = e_dot.item()
    agree = all(forward[k] == reverse[k] for k in forward)
    print_fn("c = a + b,  d = b + 1,  e = c·d   at a = 2, b = 1")
    print_fn("values:  " + ",  ".join(f"{k} = {v:g}" for k, v in values.items()))
    print_fn(
        "reverse mode (one backward sweep from e): "
        + ",  ".join(f"{k} = {v:g}" for k, v in reverse.items())
    )
    print_fn(
        "forward mode (one jvp per input):         "
        + ",  ".join(f"{k} = {v:g}" for k, v in forward.items())
    )
    print_fn(
        text("both modes agree: {agree}  (by hand: ∂e/∂a = d = 2, ∂e/∂b = d + c = 5)", agree=agree)
    )
    results = {"values": values, "reverse": reverse, "forward": forward, "modes_agree": agree}
    with Report(NAME, out) as report:
        report.write_json("metrics.json", results)
        if report.enabled:
            try:
                picture = render_graph(
                    to_dot(t["e"], title="e = (a + b)(b + 1)"), report.path("graph.svg")
                )
                report.files += [picture.with_suffix(".dot"), picture]
            except ImportError as error:  # neither Graphviz nor matplotlib: the .dot is written
                report.notes.append(str(error))
                report.files.append(report.path("graph.dot"))
    for note in report.notes:
        print_fn(f"{text('note')}: {note}")
    if report.files:
        print_fn(f"{text('report')}: {', '.join(str(p) for p in report.files)}")
    return results
