"""Floor 4: layers that change an image's size without weights (channels last, Keras's
arguments): ``ZeroPadding2D`` (a border of zeros, ``F.pad``) and ``UpSampling2D`` (nearest
neighbour, ``F.upsample2d``)."""

from __future__ import annotations

from typing import Any

from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.layers.conv import check_data_format, check_rank, int_tuple
from neurona.layers.layer import Layer

__all__ = ["ZeroPadding2D", "UpSampling2D"]


def _padding_pairs(padding: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    """Keras's three forms: p, (p_h, p_w), ((top, bottom), (left, right))."""
    error = ValueError(
        f"ZeroPadding2D: expected padding to be an int, a tuple (rows, columns) or "
        f"((top, bottom), (left, right)) of non-negative ints, got {padding!r}."
    )

    def ok(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and v >= 0

    if ok(padding):
        return (padding, padding), (padding, padding)
    if not isinstance(padding, (tuple, list)) or len(padding) != 2:
        raise error
    if all(ok(v) for v in padding):
        return (padding[0], padding[0]), (padding[1], padding[1])
    pairs = [tuple(p) if isinstance(p, (tuple, list)) else () for p in padding]
    if all(len(p) == 2 and ok(p[0]) and ok(p[1]) for p in pairs):
        return pairs[0], pairs[1]
    raise error


class ZeroPadding2D(Layer):
    """Adds rows and columns of zeros around each image (no weights).

        z[b, top + p, left + q, c] = x[b, p, q, c], 0 on the border;  ∂L/∂x = ∂L/∂z inside

    Args:
        padding: p (all sides), (p_h, p_w) (symmetric), or ((top, bottom), (left, right)).
        data_format: None or 'channels_last'.

    Shape:
        (batch, h, w, c) → (batch, h + top + bottom, w + left + right, c)

    Example:
        >>> import numpy as np
        >>> ZeroPadding2D(((1, 0), (2, 2)))(np.ones((2, 5, 5, 3))).shape
        (2, 6, 9, 3)
    """

    def __init__(
        self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.padding = _padding_pairs(padding)
        self.data_format = check_data_format("ZeroPadding2D", data_format)

    def call(self, x: Tensor) -> Tensor:
        check_rank(self, x.shape, 2)
        return F.pad(x, ((0, 0), *self.padding, (0, 0)))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        n, h, w, c = tuple(input_shape)
        (top, bottom), (left, right) = self.padding
        return (
            n,
            None if h is None else h + top + bottom,
            None if w is None else w + left + right,
            c,
        )

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class UpSampling2D(Layer):
    """Repeats each pixel into an s_h × s_w block (nearest-neighbour upsampling, no weights).

        z[b, s_h·p + i, s_w·q + j, c] = x[b, p, q, c]      ∂L/∂x = the block sums of ∂L/∂z

    Args:
        size: an int or (s_h, s_w), default (2, 2).
        data_format: None or 'channels_last'.
        interpolation: 'nearest' (bilinear is not supported).

    Shape:
        (batch, h, w, c) → (batch, s_h·h, s_w·w, c)

    Example:
        >>> import numpy as np
        >>> UpSampling2D()(np.ones((2, 7, 7, 3))).shape
        (2, 14, 14, 3)
    """

    def __init__(
        self,
        size: Any = (2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.size = int_tuple("UpSampling2D", "size", size, 2)
        self.data_format = check_data_format("UpSampling2D", data_format)
        if interpolation != "nearest":
            raise ValueError(
                f"UpSampling2D: only interpolation='nearest' is supported, got "
                f"interpolation={interpolation!r}."
            )
        self.interpolation = interpolation

    def call(self, x: Tensor) -> Tensor:
        check_rank(self, x.shape, 2)
        return F.upsample2d(x, self.size)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        n, h, w, c = tuple(input_shape)
        return (
            n,
            None if h is None else h * self.size[0],
            None if w is None else w * self.size[1],
            c,
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }
