"""The few exception types neurona raises, and one helper that writes their messages in the
house form: where, what was expected, what was got, how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ShapeError(ValueError):
    """Shapes that do not fit together (a ``ValueError``, so ``except ValueError`` catches it).

    Example:
        >>> issubclass(ShapeError, ValueError)
        True
    """


class DataFileError(ValueError):
    """A data set file that is damaged, truncated or of the wrong kind (a ``ValueError``); the
    message names the file and says how to get a good copy.

    Example:
        >>> issubclass(DataFileError, ValueError)
        True
    """


class NotDifferentiableError(RuntimeError):
    """Raised when a backward pass reaches an op that has no gradient (step, sign, comparisons).

    Example:
        >>> issubclass(NotDifferentiableError, RuntimeError)
        True
    """


def message(where: str, expected: str, got: str, fix: str = "") -> str:
    """Format an error message: ``"where: expected …, got …. fix"``.

    Example:
        >>> message("matmul", "a (n, k) and a (k, m) array", "(2, 3) and (4, 5)", "Transpose one.")
        'matmul: expected a (n, k) and a (k, m) array, got (2, 3) and (4, 5). Transpose one.'
    """
    text = f"{where}: expected {expected}, got {got}."
    return f"{text} {fix}" if fix else text


def did_you_mean(name: object, valid: Iterable[str]) -> str:
    """A hint naming the closest valid spelling, or ``""`` when none is close.

    Example:
        >>> did_you_mean("adamm", ["adam", "sgd"])
        " Did you mean 'adam'?"
    """
    close = difflib.get_close_matches(str(name), list(valid), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""
