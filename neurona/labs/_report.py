"""Side: the report folder a lab writes — metrics.json, plots (when matplotlib is installed) and
the trained model — so that every lab leaves the same kind of evidence behind."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from neurona.models._files import atomic_write

__all__ = ["Report", "check_out", "to_jsonable"]


def check_out(out: Any, where: str = "report") -> None:
    """Refuse a report folder that cannot be written, before any work is done: an empty name,
    an existing file, or a folder (or the nearest existing parent) without write permission.

    Example:
        >>> import tempfile
        >>> check_out(tempfile.mkdtemp())
        >>> try:
        ...     check_out("")
        ... except ValueError as error:
        ...     print(str(error).split(",")[0])
        report: expected a folder name for the report
    """
    if out in (None, False):
        return
    if not isinstance(out, (str, os.PathLike)) or not os.fspath(out).strip():
        raise ValueError(
            f"{where}: expected a folder name for the report, got {out!r}. Pass a folder "
            "such as 'neurona-reports/run1' (it is created if missing)."
        )
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ValueError(
            f"{where}: expected a folder for the report, got the existing file {str(folder)!r}. "
            "Choose a folder name (it is created if missing)."
        )
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise ValueError(
            f"{where}: cannot create the report folder {str(folder)!r}: {str(existing)!r} is a "
            "file. Choose another folder."
        )
    if not os.access(existing if str(existing) else ".", os.W_OK | os.X_OK):
        raise ValueError(
            f"{where}: cannot write the report folder {str(folder)!r}: {str(existing)!r} is not "
            "writable. Choose a folder you may write to."
        )


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) for the few renames that publish a report; it is raised
    right after them, so an interrupted lab leaves either the old report or the new one."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[Any] = []
    previous = signal.signal(signal.SIGINT, lambda *frame: caught.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):
            previous(*caught[0])


def to_jsonable(value: Any) -> Any:
    """NumPy scalars and arrays (and containers of them) as plain Python values for JSON.

    Example:
        >>> to_jsonable({"acc": np.float32(0.5), "curve": np.arange(3)})
        {'acc': 0.5, 'curve': [0, 1, 2]}
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return value


class Report:
    """The folder where one lab run leaves its results.

    Used as a context manager (``with Report(NAME, out) as report:``) the report is written as
    one unit: every file goes to a hidden staging folder inside the report folder and is moved
    into place only when the block ends without an error, with Ctrl-C held back during those
    renames; an interrupted or failed lab leaves the previous report as it was. Without
    ``with``, each file is written in place (atomically, one by one).

    Args:
        lab: the lab's NAME; the default folder is ``neurona-reports/<lab>`` in the current
            directory.
        out: another folder, or ``False`` to write nothing (tests, notebooks).

    Example:
        >>> import tempfile
        >>> report = Report("demo", out=tempfile.mkdtemp())
        >>> report.write_json("metrics.json", {"loss": np.float32(0.25)}).name
        'metrics.json'
        >>> Report("demo", out=False).write_json("metrics.json", {}) is None
        True
    """

    def __init__(self, lab: str, out: Any = None) -> None:
        check_out(out, f"lab {lab}")
        self.lab = lab
        self.enabled = out is not False
        self.folder = Path(out) if out not in (None, False) else Path("neurona-reports") / lab
        self.files: list[Path] = []
        self.notes: list[str] = []
        self._staging: Path | None = None

    def __enter__(self) -> Report:
        if self.enabled:  # staged inside the folder: only the folder itself must be writable
            self.folder.mkdir(parents=True, exist_ok=True)
            for stale in self.folder.glob(".partial-*"):
                if not _alive(stale.name.split("-")[1]):  # left by a killed lab
                    shutil.rmtree(stale, ignore_errors=True)
            self._staging = self.folder / f".partial-{os.getpid()}-{secrets.token_hex(3)}"
            self._staging.mkdir()
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        staging, self._staging = self._staging, None
        if staging is None:
            return
        try:
            if kind is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                with _interrupts_deferred():
                    for item in sorted(staging.iterdir()):
                        os.replace(item, self.folder / item.name)
                self.files = [
                    self.folder / Path(p).name if Path(p).parent == staging else p
                    for p in self.files
                ]
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def path(self, name: str) -> Path:
        """The path of file ``name`` inside the report folder (the folder is created).

        Example:
            >>> import tempfile
            >>> Report("demo", out=tempfile.mkdtemp()).path("loss.png").name
            'loss.png'
        """
        if self._staging is not None:
            return self._staging / name
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / name

    def _record(self, target: Path) -> Path:
        """Note a written file (in ``files``; staged paths become final ones at the end)."""
        self.files.append(target)
        return target

    def write_json(self, name: str, data: Any) -> Path | None:
        """Write ``data`` as indented JSON, atomically (temp file + rename); None when disabled.

        Example:
            >>> import tempfile
            >>> r = Report("demo", out=tempfile.mkdtemp())
            >>> json.loads(r.write_json("m.json", {"a": 1}).read_text())
            {'a': 1}
        """
        if not self.enabled:
            return None
        target = self.path(name)
        text = json.dumps(to_jsonable(data), indent=2, sort_keys=True) + "\n"
        atomic_write(target, lambda handle: handle.write(text.encode("utf-8")), True, "report")
        return self._record(target)

    def write_text(self, name: str, text: str) -> Path | None:
        """Write ``text`` (UTF-8; e.g. a Markdown table), atomically; None when disabled.

        Example:
            >>> import tempfile
            >>> r = Report("demo", out=tempfile.mkdtemp())
            >>> r.write_text("table.md", "| a |").read_text()
            '| a |'
        """
        if not self.enabled:
            return None
        target = self.path(name)
        atomic_write(target, lambda handle: handle.write(text.encode("utf-8")), True, "report")
        return self._record(target)

    def plot(self, name: str, draw: Callable[..., Any], *args: Any, **kwargs: Any) -> Path | None:
        """Call ``draw(*args, **kwargs)`` (a ``neurona.viz`` function returning a matplotlib
        Figure) and save the figure as ``name``; when matplotlib is missing, note it and go on.

        Example:
            >>> Report("demo", out=False).plot("x.png", lambda: None) is None
            True
        """
        if not self.enabled:
            return None
        try:
            figure = draw(*args, **kwargs)
        except ImportError as error:
            self.notes.append(f"{name} not drawn: {error}")
            return None
        target = self.path(name)
        figure.savefig(target, dpi=100, bbox_inches="tight")
        from neurona.viz._mpl import close_figure

        close_figure(figure)  # a pyplot figure (pyplot in use) must not stay open
        return self._record(target)

    def save_model(self, model: Any, name: str = "model.neurona") -> Path | None:
        """Save a trained Keras-style model (``model.save``) in the report folder.

        Example:
            >>> Report("demo", out=False).save_model(object()) is None
            True
        """
        if not self.enabled:
            return None
        target = self.path(name)
        model.save(target)
        return self._record(target)


def _alive(pid: str) -> bool:
    """Whether the process ``pid`` (a staging folder's writer) still runs on this machine (asked
    on POSIX only: elsewhere signal 0 is not a harmless test, and the answer is yes)."""
    if os.name != "posix":
        return True
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True
