"""The documentation site (docs/, mkdocs.yml): every Python block of every page runs, every
tutorial page exists in English and in Spanish, and the site builds with
``mkdocs build --strict`` (no broken link, no missing page, offline)."""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
# the pages every reader meets: each in both languages (the API reference stays in English)
BILINGUAL = [
    *sorted(p for p in (DOCS / "tutorial").glob("*.md") if not p.name.endswith(".es.md")),
    DOCS / "index.md",
    DOCS / "formulas.md",
    DOCS / "from-keras-pytorch.md",
]
CHAPTERS = ["neuron", "mlp", "optimisers", "backprop", "regularisation", "cnn", "rnn", "validation"]


def _blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


def _runnable(page: Path) -> list[str]:
    """The blocks the test runs: all but those whose first line says ``# not run`` and why
    (a cluster's address, an hour-long study), which the reader sees too."""
    return [b for b in _blocks(page) if not b.lstrip().startswith("# not run")]


def _require(module: str):
    """The module, or a skip where it is missing; a failure in CI (NEURONA_REQUIRE_ORACLES=1)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("NEURONA_REQUIRE_ORACLES") == "1":
            pytest.fail(f"{module} is missing but NEURONA_REQUIRE_ORACLES=1 (extra 'docs')")
        pytest.skip(f"{module} is not installed (pip install -e '.[docs]')")


@pytest.mark.parametrize(
    "page", [p for p in PAGES if _runnable(p)], ids=lambda p: p.relative_to(DOCS).as_posix()
)
def test_every_python_block_runs(page, tmp_path, monkeypatch, capsys):
    if "plot" in page.read_text(encoding="utf-8"):
        pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)  # anything a block writes lands here
    namespace = {"__name__": "__docs__"}
    with _time_limit(PAGE_SECONDS, page):
        for i, block in enumerate(_runnable(page), start=1):
            code = compile(block, f"{page.relative_to(ROOT)} (python block {i})", "exec")
            exec(code, namespace)  # noqa: S102 - running the documentation is the point
    assert capsys.readouterr().out  # the pages print what they claim


PAGE_SECONDS = 120  # a page's blocks together; a slower page would stall CI (2 shared cores)


@contextlib.contextmanager
def _time_limit(seconds: int, page: Path):
    """Fail (rather than hang CI) when a page's blocks run longer than ``seconds``."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def stop(*_: object) -> None:
        raise TimeoutError(
            f"{page.relative_to(ROOT)}: its Python blocks ran for more than {seconds} s. Make "
            "the example smaller, or start the block with '# not run' and say why."
        )

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_the_tutorial_follows_the_course_in_both_languages():
    tutorial = [p.stem for p in BILINGUAL if p.parent.name == "tutorial"]
    assert [name.split("-", 1)[1] for name in tutorial] == CHAPTERS
    for page in BILINGUAL:
        spanish = page.with_name(page.stem + ".es.md")
        assert spanish.is_file(), f"{page.relative_to(ROOT)} has no Spanish twin {spanish.name}"
        # the same code on both sides (comments and printed words may be translated)
        assert len(_blocks(spanish)) == len(_blocks(page)), spanish.name
        for block in _blocks(page):
            calls = re.findall(r"\b(?:explain|layers|models|classic|metrics)\.\w+", block)
            assert all(call in spanish.read_text(encoding="utf-8") for call in calls), spanish


def test_the_site_builds_strict_and_offline(tmp_path):
    _require("mkdocs")
    _require("mkdocstrings")
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", site],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    for page in BILINGUAL:
        relative = page.relative_to(DOCS).with_suffix(".html")
        english, spanish = site / relative, site / "es" / relative
        assert english.is_file() and spanish.is_file(), relative
        title = page.with_name(page.stem + ".es.md").read_text(encoding="utf-8").splitlines()[0]
        assert title.lstrip("# ").split()[-1] in spanish.read_text(encoding="utf-8")
    assert (site / "api" / "explain.html").is_file()
    built = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "fonts.googleapis.com" not in built  # no fonts fetched from a CDN


def test_the_figures_are_the_ones_the_script_draws(tmp_path):
    pytest.importorskip("matplotlib")
    sys.path.insert(0, str(DOCS))
    try:
        make_figures = importlib.import_module("make_figures")
    finally:
        sys.path.remove(str(DOCS))
    make_figures.main(["--out", str(tmp_path)])
    drawn = sorted(p.name for p in tmp_path.glob("*.png"))
    assert drawn == sorted(p.name for p in (DOCS / "figures").glob("*.png"))
    pages = "".join(p.read_text(encoding="utf-8") for p in PAGES)
    assert all(f"figures/{name}" in pages for name in drawn)
