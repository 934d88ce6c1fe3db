"""Side: the small result tables the experiment labs print (one row per setting)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["format_table"]


def _cell(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        if value != value or abs(value) == float("inf"):
            return str(value)
        return f"{value:.4g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"
    return str(value)


def format_table(rows: Sequence[dict], columns: Sequence[str], headers: Sequence[str] = ()) -> str:
    """``rows`` (dicts) as an aligned text table of ``columns`` (titled ``headers``, default the
    column names); floats with 4 significant digits.

    Example:
        >>> print(format_table([{"lr": 0.1, "loss": 0.012345}, {"lr": 2.0, "loss": float("nan")}],
        ...                    ["lr", "loss"]))
        lr   loss
        0.1  0.01235
        2    nan
    """
    headers = list(headers) or list(columns)
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)
