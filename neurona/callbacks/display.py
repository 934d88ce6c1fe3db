"""Floor 5: ``Progbar``, the Keras-style progress bar drawn with nothing but the standard library.

    12/60 [=====>........................] - ETA: 3s - loss: 0.4172 - accuracy: 0.8510
    60/60 [==============================] - 4s 61ms/step - loss: 0.4011 - accuracy: 0.8562
        - val_loss: 0.4410 - val_accuracy: 0.8431

On a terminal the bar is redrawn in place (at most every ``interval`` seconds, so that it never
slows small batches). When the line would not fit the terminal's width, the bar shrinks and the
items that still do not fit wrap onto indented continuation lines: every metric, ``val_*``
included, stays visible at 80 columns. In a Jupyter kernel the bar is one line redrawn with
``\\r``. Elsewhere (a log file, CI, a pipe) only the final line is written, plus a progress line
every ``heartbeat`` seconds, so that long epochs do not run in silence.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from typing import Any

__all__ = ["Progbar", "format_duration", "format_value", "interactive", "layout"]

_MIN_BAR = 10  # the narrowest bar worth drawing


def format_value(key: str, value: Any) -> str | None:
    """'loss: 0.1235', Keras's display of one value (tiny values in e-notation); None when the
    value is not a number.

    Example:
        >>> format_value("loss", 0.123456), format_value("lr", 1e-05), format_value("x", "a")
        ('loss: 0.1235', 'lr: 1.0000e-05', None)
    """
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return f"{key}: {value:.4f}" if abs(value) > 1e-3 or value == 0 else f"{key}: {value:.4e}"


def format_duration(seconds: float) -> str:
    """Keras's ETA format: '7s', '1:05' (m:ss) or '1:01:05' (h:mm:ss).

    Example:
        >>> format_duration(7.2), format_duration(65), format_duration(3665)
        ('7s', '1:05', '1:01:05')
    """
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if seconds >= 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds}s"


def _per_unit(seconds: float, unit: str) -> str:
    if seconds >= 1:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def interactive(stream: Any) -> bool:
    """True on a terminal or in a Jupyter kernel, where a bar redrawn in place reads well.

    Example:
        >>> import io
        >>> interactive(io.StringIO())
        False
    """
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) or "ipykernel" in sys.modules


def layout(head: str, items: list[str], columns: int | None, indent: str = "    ") -> list[str]:
    """Join ``head`` and ``items`` with ' - ' into lines of fewer than ``columns`` characters:
    as many items as fit on each line, the others on indented continuation lines (an item is
    never cut). ``columns=None``: one line.

    Example:
        >>> layout("3/3", ["loss: 0.1000", "val_loss: 0.2000"], 30)
        ['3/3 - loss: 0.1000', '    - val_loss: 0.2000']
        >>> layout("3/3", ["loss: 0.1000"], None)
        ['3/3 - loss: 0.1000']
    """
    lines = [head]
    for item in items:
        candidate = f"{lines[-1]} - {item}"
        if columns is None or len(candidate) < columns:
            lines[-1] = candidate
        else:
            lines.append(f"{indent}- {item}")
    return lines


class Progbar:
    """A progress bar over ``target`` steps (Keras's ``keras.utils.Progbar``, drawn by hand).

    Args:
        target: the number of steps, or None when unknown (a generator): then the step count
            is shown without a bar.
        width: the bar's width in characters (it shrinks to fit the terminal).
        verbose: 1 the bar, 2 only the final line, 0 nothing.
        interval: the least time in seconds between two redraws.
        unit_name: 'step' in '61ms/step'.
        stream: where to write (default ``sys.stdout`` at each write).
        columns: the width to fit; default the terminal's (``$COLUMNS`` first).
        heartbeat: off a terminal, seconds between two progress lines (None: none).

    ``update(current, values, finalize)`` takes the running values to show (a dict, e.g. the
    batch logs of ``fit``: their running means) as they are; ``add(n, values)`` moves by n.

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> bar = Progbar(4, stream=out, columns=80)
        >>> for step in range(1, 5):
        ...     bar.update(step, {"loss": 1 / step})
        >>> print(out.getvalue().strip())  # doctest: +ELLIPSIS
        4/4 [==============================] - 0s ...s/step - loss: 0.2500
    """

    def __init__(
        self,
        target: int | None,
        width: int = 30,
        verbose: int = 1,
        interval: float = 0.05,
        unit_name: str = "step",
        stream: Any = None,
        columns: int | None = None,
        heartbeat: float | None = 10.0,
    ) -> None:
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self._stream = stream
        self._columns = columns
        self.heartbeat = heartbeat
        self.current = 0
        self.values: dict = {}
        self._start = time.perf_counter()
        self._last_draw = 0.0
        self._drawn_lines = 0  # lines of the bar on screen (a terminal redraws them)
        self.finalized = False

    @property
    def stream(self) -> Any:
        return self._stream if self._stream is not None else sys.stdout

    def _terminal(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def columns(self) -> int | None:
        """The width to fit: the argument, else ``$COLUMNS``/the terminal's; None in Jupyter
        (the notebook wraps) and off a terminal (a log line is never wrapped)."""
        if self._columns is not None:
            return self._columns
        if not self._terminal():
            return None
        env = os.environ.get("COLUMNS", "")
        if env.isdigit() and int(env) > 0:
            return int(env)
        return shutil.get_terminal_size((80, 24)).columns

    # ----- the text --------------------------------------------------------------------------
    def lines(self, final: bool) -> list[str]:
        """The bar's text now: the step count, the bar, the ETA (or the time taken when final,
        with the time per step) and every value, laid out to fit ``columns()``."""
        elapsed = time.perf_counter() - self._start
        items = []
        if final or not self.target:
            per = elapsed / max(self.current, 1)
            items.append(f"{elapsed:.0f}s {_per_unit(per, self.unit_name)}")
        else:
            eta = elapsed / max(self.current, 1) * (self.target - self.current)
            items.append(f"ETA: {format_duration(eta)}")
        items += [t for t in (format_value(k, v) for k, v in self.values.items()) if t]
        columns = self.columns()
        if not self.target:
            return layout(f"{self.current}/Unknown", items, columns)
        digits = len(str(self.target))
        count = f"{self.current:>{digits}}/{self.target}"
        width = self.width
        if columns is not None:  # shrink the bar (not below 10) before wrapping
            without_bar = len(f"{count} []") + sum(len(f" - {item}") for item in items)
            width = max(_MIN_BAR, min(width, columns - 1 - without_bar))
        done = int(width * min(self.current, self.target) / self.target)
        bar = "=" * done
        if done < width:
            bar = (bar + ">" if self.current > 0 else bar).ljust(width, ".")
        return layout(f"{count} [{bar[:width]}]", items, columns)

    # ----- drawing ---------------------------------------------------------------------------
    def _draw(self, lines: list[str]) -> None:
        stream = self.stream
        if self._drawn_lines > 1:  # back to the first line of the previous drawing
            stream.write(f"\x1b[{self._drawn_lines - 1}F")
        if self._terminal():
            stream.write("\r\x1b[J" + "\n".join(lines))
        else:  # Jupyter: one line, overwritten
            text = " ".join(line.strip() for line in lines)
            stream.write("\r" + text.ljust(getattr(self, "_previous_len", 0)))
            self._previous_len = len(text)
            lines = [text]
        self._drawn_lines = len(lines) if self._terminal() else 1
        stream.flush()

    def update(self, current: int, values: dict | None = None, finalize: bool | None = None):
        """Move to step ``current`` showing ``values``; ``finalize`` (default: current reached
        the target) draws the final line and ends it with a newline."""
        self.current = current
        if values is not None:
            self.values = dict(values)
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if self.verbose == 0 or self.finalized:
            return
        now = time.perf_counter()
        if finalize:
            self.finalized = True
            if self.verbose == 1 and interactive(self.stream):
                self._draw(self.lines(final=True))
                self.stream.write("\n")
            else:
                self.stream.write("\n".join(self.lines(final=True)) + "\n")
            self.stream.flush()
            return
        if self.verbose != 1:
            return
        if interactive(self.stream):
            if now - self._last_draw >= self.interval:
                self._last_draw = now
                self._draw(self.lines(final=False))
        elif self.heartbeat is not None:
            if now - max(self._last_draw, self._start) >= self.heartbeat:
                self._last_draw = now
                self.stream.write("\n".join(self.lines(final=False)) + "\n")
                self.stream.flush()

    def add(self, n: int, values: dict | None = None) -> None:
        """Move by ``n`` steps.

        Example:
            >>> import io
            >>> bar = Progbar(None, stream=io.StringIO()); bar.add(3); bar.current
            3
        """
        self.update(self.current + n, values)
