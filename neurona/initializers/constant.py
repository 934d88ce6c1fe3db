"""Floor 3: the initialiser base class and the constant initialisers (zeros, ones, constant,
identity)."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import backend


def _shape_and_dtype(where: str, shape: Any, dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
    try:
        shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        shape = None
    if shape is None or any(d < 0 for d in shape):
        raise ValueError(f"{where}: expected a shape such as (784, 128), got {shape!r}.")
    return shape, backend.default_dtype() if dtype is None else np.dtype(dtype)


class Initializer:
    """Base class: ``init(shape, dtype=None)`` returns a new array; ``get_config()`` describes it.

    Example:
        >>> class Twos(Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return np.full(shape, 2.0, dtype=dtype or "float32")
        >>> Twos()((2,))
        array([2., 2.], dtype=float32)
    """

    def __call__(self, shape: tuple[int, ...], dtype: Any = None) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype).")

    def get_config(self) -> dict:
        """The constructor arguments as a JSON-friendly dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        """Rebuild an initialiser from ``get_config()``'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """All zeros (Keras's default for biases, ``'zeros'``).

    Example:
        >>> Zeros()((2,))
        array([0., 0.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape_and_dtype("Zeros", shape, dtype)
        return np.zeros(shape, dtype=dtype)


class Ones(Initializer):
    """All ones (``'ones'``).

    Example:
        >>> Ones()((2,))
        array([1., 1.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape_and_dtype("Ones", shape, dtype)
        return np.ones(shape, dtype=dtype)


class Constant(Initializer):
    """Every entry equals ``value`` (``'constant'``, default 0.0 as in Keras).

    Example:
        >>> Constant(0.5)((2,))
        array([0.5, 0.5], dtype=float32)
    """

    def __init__(self, value: float = 0.0) -> None:
        self.value = value

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape_and_dtype("Constant", shape, dtype)
        return np.full(shape, self.value, dtype=dtype)

    def get_config(self):
        return {"value": self.value}


class Identity(Initializer):
    """``gain`` times the identity matrix, for 2-D shapes only (``'identity'``).

    Example:
        >>> Identity()((2, 2))
        array([[1., 0.],
               [0., 1.]], dtype=float32)
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape_and_dtype("Identity", shape, dtype)
        if len(shape) != 2:
            raise ValueError(
                f"Identity: expected a 2-D shape, got {shape}. Use Orthogonal for higher ranks."
            )
        return (self.gain * np.eye(*shape)).astype(dtype)

    def get_config(self):
        return {"gain": self.gain}
