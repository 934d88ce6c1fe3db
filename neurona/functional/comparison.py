"""Floor 2: comparisons. They return boolean tensors and never carry a gradient (their
derivative is 0 wherever it exists), so they are not recorded on the tape."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function

__all__ = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]


class _Compare(Function):
    """Base of the comparisons: an untracked node (no gradient, no jvp)."""

    tracked = False
    op: Any = None

    def forward(self, x, y):
        return type(self).op(x, y)

    def jvp(self, x_dot, y_dot):
        return None


class Equal(_Compare):
    """x == y elementwise."""

    op = staticmethod(lambda x, y: x == y)


class NotEqual(_Compare):
    """x != y elementwise."""

    op = staticmethod(lambda x, y: x != y)


class Less(_Compare):
    """x < y elementwise."""

    op = staticmethod(lambda x, y: x < y)


class LessEqual(_Compare):
    """x <= y elementwise."""

    op = staticmethod(lambda x, y: x <= y)


class Greater(_Compare):
    """x > y elementwise."""

    op = staticmethod(lambda x, y: x > y)


class GreaterEqual(_Compare):
    """x >= y elementwise."""

    op = staticmethod(lambda x, y: x >= y)


def equal(x: Any, y: Any):
    """Elementwise x == y as a boolean tensor (no gradient).

    Example:
        >>> import neurona as nr
        >>> equal(nr.tensor([1.0, 2.0]), 2.0)
        tensor([False,  True], dtype=bool)
    """
    return Equal.apply(x, y)


def not_equal(x: Any, y: Any):
    """Elementwise x != y as a boolean tensor (no gradient).

    Example:
        >>> import neurona as nr
        >>> not_equal(nr.tensor([1.0, 2.0]), 2.0)
        tensor([ True, False], dtype=bool)
    """
    return NotEqual.apply(x, y)


def less(x: Any, y: Any):
    """Elementwise x < y as a boolean tensor (no gradient).

    Example:
        >>> import neurona as nr
        >>> less(nr.tensor([1.0, 2.0]), 2.0)
        tensor([ True, False], dtype=bool)
    """
    return Less.apply(x, y)


def less_equal(x: Any, y: Any):
    """Elementwise x <= y as a boolean tensor (no gradient).

    Example:
        >>> import neurona as nr
        >>> less_equal(nr.tensor([1.0, 2.0]), 2.0)
        tensor([ True,  True], dtype=bool)
    """
    return LessEqual.apply(x, y)


def greater(x: Any, y: Any):
    """Elementwise x > y as a boolean tensor (no gradient).

    Example:
        >>> import neurona as nr
        >>> greater(nr.tensor([1.0, 3.0]), 2.0)
        tensor([False,  True], dtype=bool)
    """
    return Greater.apply(x, y)


def greater_equal(x: Any, y: Any):
    """Elementwise x >= y as a boolean tensor (no gradient).

    Example:
        >>> import neurona as nr
        >>> greater_equal(nr.tensor([1.0, 3.0]), 3.0)
        tensor([False,  True], dtype=bool)
    """
    return GreaterEqual.apply(x, y)
