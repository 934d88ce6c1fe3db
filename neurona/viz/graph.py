"""Side: pictures of computational graphs. ``render_graph`` turns ``neurona.autodiff.to_dot``
text into SVG/PNG with Graphviz's ``dot`` when it is installed, and otherwise draws the same
nodes and edges with matplotlib in a simple layered layout (inputs on the left)."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

from neurona.viz._mpl import new_figure

__all__ = ["draw_graph", "parse_dot", "render_graph"]

_NODE = re.compile(r"^\s*(\w+)\s*\[(.*)\]\s*;?\s*$")
_EDGE = re.compile(r"^\s*(\w+)\s*->\s*(\w+)")
_ATTR = re.compile(r'(\w+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\]\s]+)')
_FORMATS = ("svg", "png", "pdf")


def parse_dot(text: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str]]]:
    """The nodes (id → attributes, label unescaped) and edges (tail, head) of simple DOT text,
    the subset ``to_dot`` writes: one ``id [key=value, …];`` or ``a -> b;`` per line.

    Example:
        >>> text = 'digraph g {\\n a [shape=box, label="x\\\\n2"];\\n a -> b;\\n}'
        >>> nodes, edges = parse_dot(text); nodes["a"]["label"], nodes["b"], edges
        ('x\\n2', {}, [('a', 'b')])
    """
    nodes: dict[str, dict[str, str]] = {}
    edges: list[tuple[str, str]] = []
    for line in text.splitlines():
        edge = _EDGE.match(line)
        if edge:
            tail, head = edge.groups()
            edges.append((tail, head))
            nodes.setdefault(tail, {})
            nodes.setdefault(head, {})
            continue
        node = _NODE.match(line)
        if node and node.group(1) not in ("node", "edge", "graph"):
            attrs = {}
            for key, value in _ATTR.findall(node.group(2)):
                if value.startswith('"'):
                    value = value[1:-1].replace("\\n", "\n").replace('\\"', '"')
                attrs[key] = value
            nodes.setdefault(node.group(1), {}).update(attrs)
    return nodes, edges


def _layers(nodes: dict, edges: list[tuple[str, str]]) -> list[list[str]]:
    """Nodes by rank = the longest path from a source, each rank ordered by its parents' rows."""
    parents: dict[str, list[str]] = {n: [] for n in nodes}
    for tail, head in edges:
        parents[head].append(tail)
    rank: dict[str, int] = {}

    def depth(n: str, seen: frozenset = frozenset()) -> int:
        if n not in rank:
            rank[n] = 1 + max(
                (depth(p, seen | {n}) for p in parents[n] if p not in seen), default=-1
            )
        return rank[n]

    for n in nodes:
        depth(n)
    layers: list[list[str]] = [[] for _ in range(max(rank.values(), default=-1) + 1)]
    for n in nodes:  # DOT order inside a rank first, then by the mean row of the parents
        layers[rank[n]].append(n)
    children: dict[str, list[str]] = {n: [] for n in nodes}
    for tail, head in edges:
        children[tail].append(head)
    row: dict[str, float] = {}

    def sweep(order: list[list[str]], neighbours: dict[str, list[str]]) -> None:
        for layer in order:  # barycentre heuristic: fewer crossing arrows
            known = {n: [row[m] for m in neighbours[n] if m in row] for n in layer}
            layer.sort(key=lambda n: sum(known[n]) / len(known[n]) if known[n] else row.get(n, 0))
            row.update({n: float(i) for i, n in enumerate(layer)})

    sweep(layers, parents)
    sweep(layers[::-1], children)
    sweep(layers, parents)
    return layers


def draw_graph(text: str, title: str | None = None, ax: Any = None) -> Any:
    """A matplotlib drawing of DOT text: tensors as boxes, ops as rounded boxes, arrows in the
    direction of the forward pass, ranks from left (inputs) to right (the output).

    Example:
        >>> dot = 'digraph g {\\n a [shape=box, label="a"];\\n f [label="Add"];\\n a -> f;\\n}'
        >>> fig = draw_graph(dot)
        >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_text())  # + 1 arrow
        ['Add', 'a']
    """
    nodes, edges = parse_dot(text)
    if not nodes:
        raise ValueError(
            "draw_graph: expected DOT text with at least one node, got none. Pass "
            "neurona.autodiff.to_dot(tensor)."
        )
    layers = _layers(nodes, edges)
    height = max(len(layer) for layer in layers)
    figure, axis = new_figure("draw_graph", ax, size=(2.2 * len(layers) + 1, 1.3 * height + 1))
    position = {}
    for x, layer in enumerate(layers):
        for i, n in enumerate(layer):
            position[n] = (x, (len(layer) - 1) / 2 - i)  # each rank centred on y = 0
    artists = {}
    for n, attrs in nodes.items():
        shape = attrs.get("shape", "ellipse")
        style = {
            "box": dict(boxstyle="square,pad=0.4", fc="#e8f0fe", ec="#3366cc"),
            "plaintext": dict(boxstyle="square,pad=0.2", fc="white", ec="white"),
        }.get(shape, dict(boxstyle="round,pad=0.5", fc="#fff4e0", ec="#cc7a00"))
        artists[n] = axis.text(
            *position[n],
            attrs.get("label", n),
            ha="center",
            va="center",
            fontsize=8,
            bbox=style,
            zorder=3,
        )
    for tail, head in edges:
        axis.annotate(
            "",
            xy=position[head],
            xytext=position[tail],
            arrowprops=dict(
                arrowstyle="-|>",
                color="#555555",
                shrinkA=0,
                shrinkB=0,
                patchA=artists[tail].get_bbox_patch(),
                patchB=artists[head].get_bbox_patch(),
            ),
            zorder=2,
        )
    axis.set_xlim(-0.6, len(layers) - 0.4)
    axis.set_ylim(-(height - 1) / 2 - 0.7, (height - 1) / 2 + 0.7)
    axis.axis("off")
    if title:
        axis.set_title(title)
    return figure


def _dot_text(tensor_or_dot: Any) -> str:
    if isinstance(tensor_or_dot, str):
        if "{" not in tensor_or_dot:
            raise ValueError(
                "render_graph: expected DOT text ('digraph … { … }') or a Tensor, "
                f"got the string {tensor_or_dot[:40]!r}."
            )
        return tensor_or_dot
    from neurona.autodiff import Tensor, to_dot

    if isinstance(tensor_or_dot, Tensor):
        return to_dot(tensor_or_dot)
    raise TypeError(
        f"render_graph: expected a Tensor or DOT text, got {type(tensor_or_dot).__name__}."
    )


def render_graph(tensor_or_dot: Any, path: str | Path, format: str | None = None) -> Path:
    """Write a computational graph as a picture (and always its ``.dot`` text beside it).

    With Graphviz's ``dot`` on the PATH the picture is ``dot -T<format>``'s; without it (or if
    it fails, with a warning) :func:`draw_graph` draws it with matplotlib, so a picture exists
    either way.

    Args:
        tensor_or_dot: the output Tensor of a computation (its graph must still exist: call
            ``backward(retain_graph=True)`` to see gradients) or DOT text from ``to_dot``.
        path: the picture's path; its suffix gives the format unless ``format`` is given.
        format: 'svg', 'png' or 'pdf' (default: the suffix, else 'svg').

    Returns:
        The path of the picture written.

    Raises:
        ImportError: neither Graphviz nor matplotlib is installed (the .dot file is written).

    Example:
        >>> import tempfile, neurona as nr
        >>> a = nr.tensor(2.0, requires_grad=True)
        >>> picture = render_graph(a * 3, Path(tempfile.mkdtemp()) / "graph.svg")
        >>> picture.name, picture.with_suffix(".dot").read_text().startswith("digraph")
        ('graph.svg', True)
    """
    text = _dot_text(tensor_or_dot)
    path = Path(path)
    format = (format or path.suffix.lstrip(".") or "svg").lower()
    if format not in _FORMATS:
        raise ValueError(
            f"render_graph: expected a format in {_FORMATS}, got {format!r}. Name "
            "the file graph.svg or graph.png."
        )
    if path.suffix.lstrip(".").lower() != format:
        path = path.with_name(path.name + f".{format}")
    path.parent.mkdir(parents=True, exist_ok=True)
    dot_path = path.with_suffix(".dot")
    dot_path.write_text(text, encoding="utf-8")
    graphviz = shutil.which("dot")
    if graphviz:
        done = subprocess.run(
            [graphviz, f"-T{format}", str(dot_path), "-o", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode == 0 and path.is_file():
            return path
        warnings.warn(
            f"render_graph: Graphviz's dot failed (exit {done.returncode}: "
            f"{done.stderr.strip()[:200]}); drawing the graph with matplotlib instead.",
            UserWarning,
            stacklevel=2,
        )
    try:
        figure = draw_graph(text)
    except ImportError as error:
        raise ImportError(
            f"render_graph: wrote {dot_path} but cannot draw it: Graphviz's dot is "
            f"not on the PATH (apt install graphviz) and {error}"
        ) from None
    figure.savefig(path, format=format, dpi=100, bbox_inches="tight")
    return path
