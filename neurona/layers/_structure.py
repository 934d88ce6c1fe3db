"""Floor 4: nested structures of tensors (a tensor, or lists, tuples and dicts of them), as Keras
passes them between layers: flatten a structure to its leaves, and map a function over them
keeping the structure. Dicts are walked in sorted key order, as Keras's ``tree``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["flatten", "map_structure", "is_nested", "is_structure", "pack_like"]


def is_nested(value: Any) -> bool:
    """True for a list, tuple or dict (a structure), False for a leaf.

    Example:
        >>> is_nested([1, 2]), is_nested({"a": 1}), is_nested(3.0)
        (True, True, False)
    """
    return isinstance(value, (list, tuple, dict))


def is_structure(value: Any) -> bool:
    """True for a list/tuple/dict of per-output (or per-input) arrays, not for a list of numbers
    or of rows of numbers (which is data).

    Example:
        >>> import numpy as np
        >>> is_structure([np.ones(2), np.ones(2)]), is_structure([[1.0, 2.0], [3.0, 4.0]])
        (True, False)
    """
    if isinstance(value, dict):
        return True
    if not isinstance(value, (list, tuple)):
        return False
    return any(
        isinstance(item, dict)
        or getattr(item, "ndim", 0) > 0
        or hasattr(item, "to_numpy")
        or (isinstance(item, (list, tuple)) and is_structure(item))
        for item in value
    )


def flatten(value: Any) -> list:
    """The leaves of ``value`` in order (dict values by sorted key).

    Example:
        >>> flatten([1, (2, {"b": 4, "a": 3})])
        [1, 2, 3, 4]
    """
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in flatten(value[key])]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in flatten(item)]
    return [value]


def map_structure(fn: Callable, value: Any) -> Any:
    """``fn`` applied to every leaf, the lists, tuples and dicts kept as they are.

    Example:
        >>> map_structure(lambda v: v * 10, {"a": [1, 2], "b": (3,)})
        {'a': [10, 20], 'b': (30,)}
    """
    if isinstance(value, dict):
        return {key: map_structure(fn, item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(map_structure(fn, item) for item in value)
    return fn(value)


def pack_like(structure: Any, leaves: list) -> Any:
    """The inverse of :func:`flatten`: ``leaves`` put back into the shape of ``structure``.

    Example:
        >>> pack_like({"b": 0, "a": [0, 0]}, [1, 2, 3])
        {'b': 3, 'a': [1, 2]}
    """
    leaves = iter(leaves)

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            filled = {key: fill(value[key]) for key in sorted(value)}
            return {key: filled[key] for key in value}
        if isinstance(value, (list, tuple)):
            return type(value)(fill(item) for item in value)
        return next(leaves)

    return fill(structure)
