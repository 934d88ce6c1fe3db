"""Side: the report folder a lab writes — metrics.json, plots (when matplotlib is installed) and
the trained model — so that every lab leaves the same kind of evidence behind."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Report", "to_jsonable"]


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
        self.lab = lab
        self.enabled = out is not False
        self.folder = Path(out) if out not in (None, False) else Path("neurona-reports") / lab
        self.files: list[Path] = []
        self.notes: list[str] = []

    def path(self, name: str) -> Path:
        """The path of file ``name`` inside the report folder (the folder is created).

        Example:
            >>> import tempfile
            >>> Report("demo", out=tempfile.mkdtemp()).path("loss.png").name
            'loss.png'
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / name

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
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(to_jsonable(data), handle, indent=2, sort_keys=True)
                handle.write("\n")
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.files.append(target)
        return target

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
        self.files.append(target)
        return target

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
        self.files.append(target)
        return target
