"""Floor 4: ``Flatten``, ``Reshape`` and ``RepeatVector``: the same numbers in another shape
(the batch axis is kept), or repeated; one ``F`` shape op each."""

from __future__ import annotations

import math
from typing import Any

from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.layers.layer import Layer

__all__ = ["Flatten", "RepeatVector", "Reshape"]


class Flatten(Layer):
    """Flattens each sample into a vector: (batch, d₁, d₂, …) → (batch, d₁·d₂·…).

    The course's first layer for images: ``Flatten(input_shape=(28, 28))`` turns a 28×28 image
    into 784 inputs for a Dense layer (row by row, C order).

    Args:
        data_format: 'channels_last' (default) or 'channels_first'; with channels_first the
            channels are moved last before flattening, as Keras does, so the order is the same.

    Shape:
        input:  (batch, ...)
        output: (batch, product of the other sizes)

    Example:
        >>> import numpy as np
        >>> Flatten()(np.zeros((32, 28, 28))).shape
        (32, 784)
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        data_format = data_format or "channels_last"
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"Flatten: expected data_format 'channels_last' or "
                f"'channels_first', got {data_format!r}."
            )
        self.data_format = data_format

    def call(self, x: Tensor) -> Tensor:
        if x.ndim == 0:
            raise ValueError(f"Flatten '{self.name}' expects a batch (batch, ...), got a scalar.")
        if self.data_format == "channels_first" and x.ndim > 2:
            x = F.transpose(x, (0, *range(2, x.ndim), 1))
        return F.reshape(x, (x.shape[0], -1))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        rest = tuple(input_shape[1:])
        return (input_shape[0], None if None in rest else math.prod(rest))

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Gives each sample the shape ``target_shape``: (batch, ...) → (batch, *target_shape).

    One entry of ``target_shape`` may be -1: it is inferred from the others.

    Args:
        target_shape: the new shape of one sample (without the batch axis).

    Example:
        >>> import numpy as np
        >>> Reshape((2, -1))(np.zeros((5, 6))).shape
        (5, 2, 3)
    """

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(target_shape, int):
            shape = (target_shape,)
        else:
            shape = tuple(target_shape) if isinstance(target_shape, (tuple, list)) else (None,)
        if (
            not shape
            or not all(
                isinstance(n, int) and not isinstance(n, bool) and (n > 0 or n == -1) for n in shape
            )
            or shape.count(-1) > 1
        ):
            raise ValueError(
                f"Reshape: expected target_shape to be a tuple of positive ints with "
                f"at most one -1 (batch axis excluded), got {target_shape!r}."
            )
        self.target_shape = shape

    def _resolve(self, rest: tuple) -> tuple:
        """target_shape with -1 inferred for samples of shape ``rest``, or the house error."""
        size, known = math.prod(rest), math.prod(n for n in self.target_shape if n != -1)
        if -1 in self.target_shape and size % known == 0:
            return tuple(size // known if n == -1 else n for n in self.target_shape)
        if known == size and -1 not in self.target_shape:
            return self.target_shape
        raise ValueError(
            f"Reshape '{self.name}' cannot reshape samples of shape {rest} ({size} "
            f"values) to {self.target_shape}. Choose a target_shape whose sizes "
            f"multiply to {size}, or put -1 on one axis."
        )

    def call(self, x: Tensor) -> Tensor:
        return F.reshape(x, (x.shape[0], *self._resolve(tuple(x.shape[1:]))))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        rest = tuple(input_shape[1:])
        if None in rest:
            return (input_shape[0], *(None if n == -1 else n for n in self.target_shape))
        return (input_shape[0], *self._resolve(rest))

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": self.target_shape}


class RepeatVector(Layer):
    """Repeats each sample's vector n times: (batch, features) → (batch, n, features).

        z[b, t, :] = x[b, :] for t < n        ∂L/∂x[b, :] = Σ_t ∂L/∂z[b, t, :]

    The bridge from a vector to a sequence, e.g. an encoder's code fed to a decoder RNN at every
    step (Keras's seq2seq example).

    Args:
        n: the number of repetitions, a positive int.

    Shape:
        input:  (batch, features)
        output: (batch, n, features)

    Example:
        >>> import numpy as np
        >>> RepeatVector(3)(np.array([[1.0, 2.0]])).numpy()
        array([[[1., 2.],
                [1., 2.],
                [1., 2.]]], dtype=float32)
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(
                f"RepeatVector: expected n to be an int, got {n!r} of type {type(n).__name__}."
            )
        if n <= 0:
            raise ValueError(f"RepeatVector: expected n to be a positive int, got n={n}.")
        self.n = n

    def _check_rank(self, shape: tuple) -> None:
        """Raise the house error unless ``shape`` is (batch, features)."""
        if len(shape) != 2:
            raise ValueError(
                f"RepeatVector '{self.name}' expects inputs of shape (batch, "
                f"features), got shape {tuple(shape)}. Add layers.Flatten() "
                "before this layer for samples with more than one axis."
            )

    def call(self, x: Tensor) -> Tensor:
        self._check_rank(x.shape)
        return F.stack([x] * self.n, axis=1)  # (batch, n, features); backward sums the copies

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        self._check_rank(tuple(input_shape))
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}
