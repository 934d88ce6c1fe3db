"""Floor 4: the transposed convolution layer ``Conv2DTranspose`` (channels last, Keras's
arguments, defaults and kernel layout), one call into ``F.conv2d_transpose``."""

from __future__ import annotations

from typing import Any

from neurona.autodiff import Tensor
from neurona.functional.conv_transpose import (
    conv2d_transpose,
    output_padding_pair,
    transpose_plan,
)
from neurona.layers.conv import _Conv, check_rank

__all__ = ["Conv2DTranspose", "Convolution2DTranspose"]


class Conv2DTranspose(_Conv):
    """2-D transposed convolution layer ("deconvolution"): the adjoint of a Conv2D, which maps a
    Conv2D's output shape back to its input shape; a learned upsampling in decoders and GANs.

        y[b, s_h·p + d_h·i, s_w·q + d_w·j, f] += Σ_c x[b, p, q, c] W[i, j, f, c]
        z = y cropped to Keras's output window + b,      a = f(z)

    Every input pixel stamps a copy of the kernel, weighted by its channels, s pixels from its
    neighbour's; overlaps add up (see ``F.conv2d_transpose``). W is ``kernel``
    (kh, kw, filters, in_channels) — Keras's layout, filters and in_channels swapped with respect
    to Conv2D's; PyTorch's ConvTranspose2d.weight is W.transpose(3, 2, 0, 1).

    Args:
        filters: number of output channels.
        kernel_size: an int or (kh, kw).
        strides: the upsampling factor, an int or (s_h, s_w), default 1.
        padding: 'valid' (Keras's default) or 'same' (out = in·s when output_padding is None).
        output_padding: None or an int or (op_h, op_w), each smaller than its stride: the
            output size is then (in − 1)·s + k_eff + op (valid) or (in − 1)·s + k_eff mod 2 + op
            (same), the extra rows/columns at the bottom/right.
        data_format: None or 'channels_last' (the only layout supported).
        dilation_rate: an int or (d_h, d_w), default 1; above 1 only with strides 1 (Keras's
            rule).
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as for
            Conv2D (Keras's defaults: no activation, a bias, glorot_uniform, zeros).

    Shape:
        input:  (batch, height, width, in_channels)
        output: (batch, out_h, out_w, filters), with k_eff = (k − 1)·d + 1:
        valid: (in − 1)·s + max(k_eff, s); same: in·s (output_padding None).

    Example:
        >>> import numpy as np
        >>> Conv2DTranspose(8, 3, strides=2, padding="same")(np.ones((2, 7, 7, 4))).shape
        (2, 14, 14, 8)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
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
        super().__init__(
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
        cls = type(self).__name__
        self.output_padding = (
            None if output_padding is None else output_padding_pair(cls, output_padding)
        )
        self._check_strides(cls)

    def _check_strides(self, cls: str) -> None:
        """Keras's two rules: output_padding < strides, and no dilation with strides > 1."""
        if self.output_padding is not None and any(
            op >= s for op, s in zip(self.output_padding, self.strides)
        ):
            raise ValueError(
                f"{cls}: expected output_padding {self.output_padding} to be "
                f"smaller than strides {self.strides} on every axis (Keras's "
                "rule). Use output_padding=None for the default output size."
            )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{cls}: strides > 1 together with dilation_rate > 1 is not "
                f"supported (as in Keras), got strides={self.strides} and "
                f"dilation_rate={self.dilation_rate}. Set one of them to 1."
            )

    def _kernel_shape(self, c_in: int) -> tuple:
        """Keras's layout: (kh, kw, filters, in_channels), Conv2D's last two axes swapped."""
        return (*self.kernel_size, self.filters, c_in)

    def call(self, x: Tensor) -> Tensor:
        check_rank(self, x.shape, 2)
        self._check_last_axis(x, self.kernel.shape[-1])
        return conv2d_transpose(
            x,
            self.kernel,
            self.bias,
            self.strides,
            self.padding,
            self.output_padding,
            self.dilation_rate,
            activation=self._fused,
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        check_rank(self, input_shape, 2)
        sizes = []
        for i, n in enumerate(input_shape[1:3]):
            if n is None:
                sizes.append(None)
                continue
            op = None if self.output_padding is None else (self.output_padding[i],)
            out, _ = transpose_plan(
                f"Conv2DTranspose '{self.name}'",
                (n,),
                self.kernel_size[i : i + 1],
                self.strides[i : i + 1],
                self.dilation_rate[i : i + 1],
                self.padding,
                op,
            )
            sizes.append(out[0])
        return (input_shape[0], *sizes, self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["groups"]  # Keras's Conv2DTranspose has no groups argument
        return {**config, "output_padding": self.output_padding}


Convolution2DTranspose = Conv2DTranspose  # Keras's alias
