"""Floor 4: pooling layers (channels last, Keras's arguments and defaults): ``MaxPooling1D/2D``,
``AveragePooling1D/2D`` over ``F.max_pool*`` / ``F.avg_pool*``, and the global poolings
``GlobalAveragePooling1D/2D``, ``GlobalMaxPooling1D/2D`` over ``F.mean`` / ``F.max``."""

from __future__ import annotations

from typing import Any

from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.layers.conv import check_data_format, check_rank, int_tuple
from neurona.layers.layer import Layer

__all__ = [
    "MaxPooling1D",
    "MaxPooling2D",
    "AveragePooling1D",
    "AveragePooling2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "MaxPool1D",
    "MaxPool2D",
    "AvgPool1D",
    "AvgPool2D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
]


class _Pooling(Layer):
    """What the window poolings share; ``rank`` is 1 or 2, ``mode`` 'max' or 'avg'."""

    rank, mode = 2, "max"

    def __init__(
        self,
        pool_size: Any = 2,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.pool_size = int_tuple(cls, "pool_size", pool_size, self.rank)
        self.strides = (
            self.pool_size if strides is None else int_tuple(cls, "strides", strides, self.rank)
        )
        padding_name = padding.lower() if isinstance(padding, str) else padding
        if padding_name not in ("valid", "same"):
            raise ValueError(f"{cls}: expected padding 'valid' or 'same', got padding={padding!r}.")
        self.padding = padding_name
        self.data_format = check_data_format(cls, data_format)

    def call(self, x: Tensor) -> Tensor:
        check_rank(self, x.shape, self.rank)
        pool = getattr(F, f"{self.mode}_pool{self.rank}d")
        return pool(x, self.pool_size, self.strides, self.padding)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        check_rank(self, input_shape, self.rank)
        sizes = [
            None if n is None else -(-n // s) if self.padding == "same" else (n - k) // s + 1
            for n, k, s in zip(input_shape[1:-1], self.pool_size, self.strides)
        ]
        if any(size is not None and size <= 0 for size in sizes):  # Keras refuses it too
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the pool {self.pool_size} is larger "
                f"than the input {input_shape[1:-1]} with padding='valid', so the output would "
                "be empty. Use a smaller pool_size, padding='same' or fewer pooling layers."
            )
        return (input_shape[0], *sizes, input_shape[-1])

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
        }


class MaxPooling2D(_Pooling):
    """Max pooling over channels-last images: the largest value of each kh × kw window.

        z[b, p, q, c] = max_{i, j} x[b, s_h·p + i, s_w·q + j, c]
        ∂L/∂x = ∂L/∂z at each window's (first) maximum, 0 elsewhere

    Args:
        pool_size: an int or (kh, kw), default (2, 2).
        strides: default None = pool_size (windows side by side).
        padding: 'valid' or 'same'.
        data_format: None or 'channels_last'.

    Shape:
        input (batch, h, w, c) → output (batch, out_h, out_w, c); valid: ⌊(in − k)/s⌋ + 1,
        same: ⌈in/s⌉.

    Example:
        >>> import numpy as np
        >>> MaxPooling2D()(np.ones((2, 26, 26, 8), dtype="float32")).shape
        (2, 13, 13, 8)
    """

    def __init__(
        self,
        pool_size: Any = (2, 2),
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(MaxPooling2D):
    """Average pooling over channels-last images: the mean of each kh × kw window.

        z[b, p, q, c] = (1/m) Σ_{i, j} x[b, s_h·p + i, s_w·q + j, c]   (m: real pixels in the
        window; with 'same' padding the padding is not counted, as in Keras)

    Arguments and shapes as for MaxPooling2D.

    Example:
        >>> import numpy as np
        >>> AveragePooling2D(3, strides=1, padding="same")(np.ones((1, 5, 5, 2))).shape
        (1, 5, 5, 2)
    """

    mode = "avg"


class MaxPooling1D(_Pooling):
    """Max pooling over channels-last sequences (batch, steps, channels), along time.

        z[b, t, c] = max_{i < k} x[b, s·t + i, c]

    Args:
        pool_size: an int, default 2.
        strides: default None = pool_size.
        padding: 'valid' or 'same'.

    Example:
        >>> import numpy as np
        >>> MaxPooling1D()(np.ones((2, 10, 3), dtype="float32")).shape
        (2, 5, 3)
    """

    rank = 1


class AveragePooling1D(MaxPooling1D):
    """Average pooling over channels-last sequences (batch, steps, channels), along time.

        z[b, t, c] = (1/m) Σ_{i < k} x[b, s·t + i, c]

    Example:
        >>> import numpy as np
        >>> AveragePooling1D(3, strides=1)(np.ones((2, 10, 3), dtype="float32")).shape
        (2, 8, 3)
    """

    mode = "avg"


class _GlobalPooling(Layer):
    """What the global poolings share: a reduction over every spatial axis."""

    rank, mode = 2, "mean"

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = check_data_format(type(self).__name__, data_format)
        self.keepdims = bool(keepdims)

    def call(self, x: Tensor) -> Tensor:
        check_rank(self, x.shape, self.rank)
        axes = tuple(range(1, self.rank + 1))
        return getattr(F, self.mode)(x, axis=axes, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        check_rank(self, input_shape, self.rank)
        if self.keepdims:
            return (input_shape[0], *(1,) * self.rank, input_shape[-1])
        return (input_shape[0], input_shape[-1])

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean of each channel over the whole image: (batch, h, w, c) → (batch, c).

        z[b, c] = (1/(h·w)) Σ_{p, q} x[b, p, q, c]        ∂L/∂x[b, p, q, c] = ∂L/∂z[b, c]/(h·w)

    Args:
        data_format: None or 'channels_last'.
        keepdims: keep the spatial axes as size 1, (batch, 1, 1, c).

    Example:
        >>> import numpy as np
        >>> GlobalAveragePooling2D()(np.ones((2, 7, 7, 16))).shape
        (2, 16)
    """


class GlobalMaxPooling2D(_GlobalPooling):
    """The largest value of each channel over the whole image: (batch, h, w, c) → (batch, c).

        z[b, c] = max_{p, q} x[b, p, q, c]   (ties share the gradient, as in ``F.max``)

    Example:
        >>> import numpy as np
        >>> GlobalMaxPooling2D(keepdims=True)(np.ones((2, 7, 7, 16))).shape
        (2, 1, 1, 16)
    """

    mode = "max"


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean of each channel over time: (batch, steps, c) → (batch, c).

        z[b, c] = (1/T) Σ_t x[b, t, c]

    Example:
        >>> import numpy as np
        >>> GlobalAveragePooling1D()(np.ones((2, 10, 3))).shape
        (2, 3)
    """

    rank = 1


class GlobalMaxPooling1D(_GlobalPooling):
    """The largest value of each channel over time: (batch, steps, c) → (batch, c).

        z[b, c] = max_t x[b, t, c]

    Example:
        >>> import numpy as np
        >>> GlobalMaxPooling1D()(np.ones((2, 10, 3))).shape
        (2, 3)
    """

    rank, mode = 1, "max"


# Keras's aliases
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = (
    MaxPooling1D,
    MaxPooling2D,
    AveragePooling1D,
    AveragePooling2D,
)
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
