"""Floor 4: convolution layers ``Conv1D`` and ``Conv2D`` (channels last, Keras's arguments,
defaults and kernel layout), each one call into ``F.conv1d`` / ``F.conv2d``."""

from __future__ import annotations

from typing import Any

from neurona import functional as F
from neurona import initializers, regularizers
from neurona.autodiff import Tensor
from neurona.functional._windows import int_tuple
from neurona.layers.dense import activation_name, activation_pair, check_units
from neurona.layers.layer import Layer, serialize_object

__all__ = ["Conv1D", "Conv2D", "Convolution1D", "Convolution2D"]


def check_data_format(where: str, data_format: Any) -> str:
    """'channels_last' (also for None), or a clear error: neurona's images are channels-last.

    Example:
        >>> check_data_format("Conv2D", None)
        'channels_last'
    """
    if data_format in (None, "channels_last"):
        return "channels_last"
    raise ValueError(
        f"{where}: only data_format='channels_last' (Keras's default) is supported, "
        f"got data_format={data_format!r}. Move the channels last, e.g. "
        "x.transpose(0, 2, 3, 1) for (batch, channels, height, width) images."
    )


def check_rank(layer: Layer, shape: tuple, rank: int) -> None:
    """Raise the house error when a spatial layer gets inputs of the wrong number of axes.

    Example:
        >>> check_rank(Conv2D(2, 3), (8, 28, 28, 1), 2)
    """
    if len(shape) == rank + 2:
        return
    where = f"{type(layer).__name__} '{layer.name}'"
    if rank == 2:
        h, w = shape[1:3] if len(shape) == 3 else ("h", "w")
        fix = (
            f" For grey-scale images of shape (batch, {h}, {w}), add the channels axis: "
            f"layers.Reshape(({h}, {w}, 1)) before this layer, or x[..., None] on the data."
            if len(shape) == 3
            else ""
        )
        raise ValueError(
            f"{where} expects inputs of shape (batch, height, width, channels), "
            f"got shape {tuple(shape)}.{fix}"
        )
    steps = shape[1] if len(shape) == 2 else "steps"
    fix = (
        f" For one series per sample, of shape (batch, {steps}), add the channels axis: "
        f"layers.Reshape(({steps}, 1)) before this layer, or x[..., None] on the data."
        if len(shape) == 2
        else ""
    )
    raise ValueError(
        f"{where} expects inputs of shape (batch, steps, channels), got shape {tuple(shape)}.{fix}"
    )


class _Conv(Layer):
    """What Conv1D, Conv2D and Conv2DTranspose share: arguments, weights, config; ``rank`` is 1
    or 2."""

    rank = 2
    paddings = ("valid", "same")

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls, n = type(self).__name__, self.rank
        self.filters = check_units(cls, "filters", filters)
        self.kernel_size = int_tuple(cls, "kernel_size", kernel_size, n)
        self.strides = int_tuple(cls, "strides", strides, n)
        self.dilation_rate = int_tuple(cls, "dilation_rate", dilation_rate, n)
        padding_name = padding.lower() if isinstance(padding, str) else padding
        if padding_name not in self.paddings:
            raise ValueError(
                f"{cls}: expected padding to be one of {list(self.paddings)}, got "
                f"padding={padding!r}."
            )
        self.padding = padding_name
        self.data_format = check_data_format(cls, data_format)
        if groups != 1:
            raise ValueError(
                f"{cls}: only groups=1 is supported, got groups={groups!r}. For a "
                "depthwise or grouped convolution, split the channels and use one "
                "convolution per group."
            )
        self.groups = 1
        self._fused, self.activation = activation_pair(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.kernel: Tensor | None = None
        self.bias: Tensor | None = None

    def _kernel_shape(self, c_in: int) -> tuple:
        """Keras's kernel layout: (*kernel_size, in_channels, filters)."""
        return (*self.kernel_size, c_in, self.filters)

    def build(self, input_shape: tuple) -> None:
        check_rank(self, input_shape, self.rank)
        c_in = input_shape[-1]
        if c_in is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' needs inputs whose channels "
                f"axis (last) has a known size, got input shape {input_shape}."
            )
        self.kernel = self.add_weight(
            "kernel",
            self._kernel_shape(c_in),
            self.kernel_initializer,
            self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                (self.filters,),
                self.bias_initializer,
                self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def call(self, x: Tensor) -> Tensor:
        check_rank(self, x.shape, self.rank)
        self._check_last_axis(x, self.kernel.shape[-2])
        conv = F.conv2d if self.rank == 2 else F.conv1d
        return conv(
            x,
            self.kernel,
            self.bias,
            self.strides,
            self.padding,
            self.dilation_rate,
            activation=self._fused,
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        check_rank(self, input_shape, self.rank)
        sizes = []
        for n, k, s, d in zip(
            input_shape[1:-1], self.kernel_size, self.strides, self.dilation_rate
        ):
            if n is None:
                sizes.append(None)
            elif self.padding in ("same", "causal"):
                sizes.append(-(-n // s))
            else:
                size = (n - (k - 1) * d - 1) // s + 1
                if size <= 0:  # Keras refuses it too ("output size would be negative")
                    raise ValueError(
                        f"{type(self).__name__} '{self.name}': the kernel {self.kernel_size} "
                        f"(dilation {self.dilation_rate}) is larger than the input "
                        f"{input_shape[1:-1]} with padding='valid', so the output would be "
                        "empty. Use a smaller kernel_size or padding='same'."
                    )
                sizes.append(size)
        return (input_shape[0], *sizes, self.filters)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activation_name(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
            "kernel_constraint": self.kernel_constraint,
            "bias_constraint": self.bias_constraint,
        }


class Conv2D(_Conv):
    """2-D convolution layer over channels-last images: ``filters`` learned kh × kw × c_in
    kernels slid over the image, a = f(conv(x, W) + b).

        z[b, p, q, :] = Σ_{i, j, c} x[b, s_h·p + d_h·i, s_w·q + d_w·j, c] W[i, j, c, :] + b
        a = f(z)          (one node: im2col + one matrix product, see ``F.conv2d``)

    W is ``kernel`` (kh, kw, in_channels, filters) — Keras's layout; PyTorch's Conv2d.weight is
    W.transpose(3, 2, 0, 1). ``padding='same'`` keeps ⌈in/stride⌉ pixels and pads like
    TensorFlow (the odd extra pixel at the bottom/right).

    Args:
        filters: number of kernels (output channels).
        kernel_size: an int or (kh, kw).
        strides: an int or (s_h, s_w), default 1.
        padding: 'valid' (no padding, Keras's default) or 'same'.
        data_format: None or 'channels_last' (the only layout supported).
        dilation_rate: an int or (d_h, d_w), default 1.
        groups: 1 (grouped convolutions are not supported).
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as for
            Dense (Keras's defaults: no activation, a bias, glorot_uniform, zeros).

    Shape:
        input:  (batch, height, width, channels)
        output: (batch, out_h, out_w, filters); valid: ⌊(in − (k − 1)·d − 1)/s⌋ + 1, same: ⌈in/s⌉.

    Example:
        >>> import numpy as np
        >>> Conv2D(8, 3, activation="relu")(np.ones((2, 28, 28, 1), dtype="float32")).shape
        (2, 26, 26, 8)
    """


class Conv1D(_Conv):
    """1-D convolution layer over channels-last sequences (batch, steps, channels):
    ``filters`` learned kernels of ``kernel_size`` steps slid over time.

        z[b, t, :] = Σ_{i, c} x[b, s·t + d·i, c] W[i, c, :] + b,    a = f(z)

    W is ``kernel`` (k, in_channels, filters) — Keras's layout. ``padding='causal'`` pads
    (k − 1)·d steps at the start, so that the output at t sees only inputs up to t (WaveNet).

    Args:
        filters, kernel_size, strides, dilation_rate: ints (or 1-tuples).
        padding: 'valid', 'same' or 'causal'.
        other arguments: as for Conv2D.

    Shape:
        input:  (batch, steps, channels)
        output: (batch, out_steps, filters)

    Example:
        >>> import numpy as np
        >>> Conv1D(4, 3, padding="causal")(np.ones((2, 10, 1), dtype="float32")).shape
        (2, 10, 4)
    """

    rank = 1
    paddings = ("valid", "same", "causal")


Convolution1D, Convolution2D = Conv1D, Conv2D  # Keras's aliases
