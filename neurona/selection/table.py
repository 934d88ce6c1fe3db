"""Side: ``Table``, the small DataFrame-like result of ``neurona.selection``: named columns of
equal length, rows as dicts, Markdown for reports, and ``to_pandas()`` when pandas is there."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["Table"]


def _cell(value: Any, digits: int) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) or hasattr(value, "dtype"):
        value = float(value)
        return "nan" if math.isnan(value) else f"{value:.{digits}f}"
    return str(value)


class Table:
    """Rows of results under named columns (a light stand-in for a pandas DataFrame).

    Args:
        columns: the column names, in order.
        rows: one sequence of values per row, in column order.

    ``table["AUC mean"]`` is a column (a list), ``table.rows()`` the rows as dicts,
    ``table.to_markdown()`` a Markdown table and ``table.to_pandas()`` a DataFrame.

    Example:
        >>> t = Table(["model", "AUC"], [["DL", 0.87], ["SVM", 0.834]])
        >>> t["AUC"], len(t)
        ([0.87, 0.834], 2)
        >>> print(t.to_markdown(digits=2))
        | model | AUC |
        | --- | ---: |
        | DL | 0.87 |
        | SVM | 0.83 |
    """

    def __init__(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.columns = [str(c) for c in columns]
        self._rows = [list(row) for row in rows]
        for i, row in enumerate(self._rows):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"Table: expected {len(self.columns)} values per row (columns "
                    f"{self.columns}), got {len(row)} in row {i}."
                )

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, column: str) -> list:
        if column not in self.columns:
            raise KeyError(f"Table: expected one of the columns {self.columns}, got {column!r}.")
        j = self.columns.index(column)
        return [row[j] for row in self._rows]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Table) and self.columns == other.columns and self._rows == other._rows
        )

    def rows(self) -> list[dict]:
        """The rows as dicts, column name → value.

        Example:
            >>> Table(["a", "b"], [[1, 2]]).rows()
            [{'a': 1, 'b': 2}]
        """
        return [dict(zip(self.columns, row)) for row in self._rows]

    def to_dict(self) -> dict:
        """{'columns': [...], 'rows': [[...], ...]}, ready for JSON.

        Example:
            >>> Table(["a"], [[1]]).to_dict()
            {'columns': ['a'], 'rows': [[1]]}
        """
        return {"columns": list(self.columns), "rows": [list(row) for row in self._rows]}

    def to_markdown(self, digits: int = 4) -> str:
        """A Markdown table; floats with ``digits`` decimals, numeric columns right-aligned.

        Example:
            >>> print(Table(["x"], [[0.5]]).to_markdown(digits=1))
            | x |
            | --- |
            | 0.5 |
        """
        numeric = [
            j > 0 and all(isinstance(row[j], (int, float)) for row in self._rows)
            for j in range(len(self.columns))
        ]
        lines = ["| " + " | ".join(self.columns) + " |"]
        lines.append("| " + " | ".join("---:" if n else "---" for n in numeric) + " |")
        for row in self._rows:
            lines.append("| " + " | ".join(_cell(value, digits) for value in row) + " |")
        return "\n".join(lines)

    def to_pandas(self) -> Any:
        """A pandas DataFrame of the table (pandas is in the 'data' extra).

        Example:
            >>> Table(["a"], [[1], [2]]).to_pandas()["a"].tolist()
            [1, 2]
        """
        try:
            import pandas
        except ImportError:
            raise ImportError(
                "Table.to_pandas: expected pandas, got no module 'pandas'. Install it with: "
                'pip install "neurona[data]"; or use rows(), to_dict() or to_markdown().'
            ) from None
        return pandas.DataFrame(self._rows, columns=self.columns)

    def __repr__(self) -> str:
        return self.to_markdown()
