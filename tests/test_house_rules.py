"""The house rules of docs/design.md, checked: small modules, floors that import downward only, and
an Example in the docstring of every public callable."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "neurona"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "static" not in p.parts)

# floor of each top-level part of the package (docs/design.md); side packages sit above them all
FLOORS = {
    "backend": 0,
    "errors": 0,
    "autodiff": 1,
    "functional": 2,
    "activations": 3,
    "losses": 3,
    "metrics": 3,
    "initializers": 3,
    "regularizers": 3,
    "optimizers": 3,
    "layers": 4,
    "models": 5,
    "callbacks": 5,
}
SIDE = 9
# NOTE: Tensor's operators forward to floor 2 (imported at the end of tensor.py, documented there)
# NOTE: an Operation node naming an ops function imports neurona.ops (layers/operation.py)
ALLOWED_UPWARD = {("autodiff/tensor.py", "functional"), ("layers/operation.py", "ops")}


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _floor(top: str) -> int:
    return FLOORS.get(top, SIDE)


def _imported_tops(tree: ast.AST) -> set[str]:
    tops = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("neurona"):
            parts = node.module.split(".")
            if len(parts) > 1:
                tops.add(parts[1])
            else:
                tops.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "neurona" and len(parts) > 1:
                    tops.add(parts[1])
    return tops


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_module_is_at_most_400_lines(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= 400, f"{_rel(path)} has {n} lines: split it (one concept per module)"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_floors_import_downward_only(path):
    rel = _rel(path)
    if rel == "__init__.py":
        return  # the public surface re-exports every floor
    own = _floor(rel.split("/")[0].removesuffix(".py"))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for top in _imported_tops(tree):
        if (rel, top) in ALLOWED_UPWARD:
            continue
        floor = _floor(top)
        assert floor <= own, f"{rel} (floor {own}) imports neurona.{top} (floor {floor})"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_every_public_callable_has_a_docstring_with_an_example(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{_rel(path)} needs a module docstring (concept and floor)"
    exported = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            try:
                exported = set(ast.literal_eval(node.value))
            except ValueError:  # a computed __all__ (the package root): check every public def
                exported = None
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "__all__":
            exported = set(ast.literal_eval(node.value)) if node.value else set()
    missing = []
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or node.name.startswith("_"):
            continue
        if exported is not None and node.name not in exported:
            continue
        doc = ast.get_docstring(node) or ""
        if ">>>" not in doc:
            missing.append(node.name)
    assert not missing, f"{_rel(path)}: public callables without an Example: {missing}"


def test_import_neurona_does_no_heavy_work():
    import subprocess
    import sys

    code = (
        "import sys, neurona; heavy = [m for m in ('torch', 'matplotlib', 'pandas', 'sklearn',"
        " 'scipy', 'tqdm', 'cupy') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_this_file_reads_the_whole_package():
    assert inspect.getsourcefile(test_floors_import_downward_only)
    assert any(_rel(p) == "autodiff/tensor.py" for p in MODULES)
