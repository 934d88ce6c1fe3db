"""Floor 2: the transposed convolution of channels-last images ("deconvolution"): the adjoint of
``conv2d`` as one node, col2im of every pixel's kernel-weighted copy, then Keras's crop/pad."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional import _windows as win
from neurona.functional.linalg import _activation_function, _operand

__all__ = ["conv2d_transpose"]


class ConvTranspose(Function):
    """z = fit(y) + b,  y[b, s_h·p + d_h·i, s_w·q + d_w·j, f] += Σ_c x[b, p, q, c] W[i, j, f, c]

    y (n, H, W_, filters) is the "full" output, H = (h − 1)·s_h + (kh − 1)·d_h + 1: every input
    pixel stamps its kernel-weighted copy, and overlaps add up. It is col2im of
    C = x₂ W₃ᵀ (kh·kw, n·h·w, filters), x₂ = x reshaped to (n·h·w, c_in), W₃ = W reshaped to
    (kh·kw, filters, c_in): exactly conv2d's ∂L/∂x with x in the place of δ.
    ``fit`` crops ``crops`` = ((top, bottom), (left, right)) pixels off y; a negative amount pads
    that many zeros instead (Keras's padding and output_padding, see ``transpose_plan``).
    backward, with g = fit⁻¹(∂L/∂z) (the adjoint: pad where fit cropped, crop where it padded)
    and G = im2col(g) (n·h·w, kh·kw·filters), the windows that each input pixel stamped:
        ∂L/∂x = G W₂   (a plain convolution of g with W)      ∂L/∂W₂ = Gᵀ x₂      ∂L/∂b = Σ g
    with W₂ = W reshaped to (kh·kw·filters, c_in).
    jvp: ż = fit(convT(ẋ, W) + convT(x, Ẇ)) + ḃ (bilinear in x and W)."""

    def forward(self, x, W, b=None, strides=(1, 1), crops=((0, 0), (0, 0)), dilation=(1, 1)):
        self.save_for_backward(x, W)
        self.plan = (strides, crops, dilation)
        z = self._fit(self._full(x, W))  # (n, out_h, out_w, filters)
        if b is not None:
            z += b
        return z

    def _full(self, x, W):
        """y: every pixel's kernel-weighted copy added into the full output (col2im)."""
        strides, _, dilation = self.plan
        (n, h, w, c_in), (kh, kw, filters) = x.shape, W.shape[:3]
        xp = get_array_module(x, W)
        W3 = W.reshape(kh * kw, filters, c_in)
        cols = xp.matmul(x.reshape(n * h * w, c_in), W3.transpose(0, 2, 1))  # (kh·kw, n·h·w, f)
        full = tuple(
            (m - 1) * s + (k - 1) * d + 1 for m, k, s, d in zip((h, w), (kh, kw), strides, dilation)
        )
        return win.col2im(cols, (n, *full, filters), (kh, kw), (h, w), strides, dilation)

    def _fit(self, y):
        """Keras's output window of the full y: crop the positive amounts, pad the negative."""
        cut, grow = _split(self.plan[1])
        return win.pad_image(win.crop_image(y, cut), grow)

    def backward(self, grad_out):
        x, W = self.saved
        strides, crops, dilation = self.plan
        need_x, need_W, need_b = self.needs_input_grad
        (h, w, c_in), kernel = x.shape[1:], W.shape[:2]
        cut, grow = _split(crops)
        g = win.pad_image(win.crop_image(grad_out, grow), cut)  # fit's adjoint, (n, H, W_, f)
        G = win.im2col(g, kernel, (h, w), strides, dilation)  # (n·h·w, kh·kw·f)
        xp = get_array_module(G)
        grad_x = xp.dot(G, W.reshape(-1, c_in)).reshape(x.shape) if need_x else None
        grad_W = xp.dot(G.T, x.reshape(-1, c_in)).reshape(W.shape) if need_W else None
        grad_b = grad_out.sum(axis=(0, 1, 2)) if need_b else None
        return grad_x, grad_W, grad_b

    def jvp(self, x_dot, W_dot, b_dot=None):
        x, W = self.saved
        z_dot = self._fit(self._full(x_dot, W) + self._full(x, W_dot))
        return z_dot if b_dot is None else z_dot + b_dot


def _split(crops):
    """(what to crop, what to pad): the positive and the negative parts of ``crops``."""
    cut = tuple((max(a, 0), max(b, 0)) for a, b in crops)
    grow = tuple((max(-a, 0), max(-b, 0)) for a, b in crops)
    return cut, grow


def transpose_plan(
    where: str,
    size: tuple[int, ...],
    kernel: tuple[int, ...],
    strides: tuple[int, ...],
    dilation: tuple[int, ...],
    padding: str,
    output_padding: tuple[int, ...] | None,
):
    """Output sizes and the (before, after) crops of the full output, by Keras's rules.

        k_eff = (k − 1)·d + 1,  full = (in − 1)·s + k_eff
        valid:  out = (in − 1)·s + k_eff + op,   op = max(k_eff, s) − k_eff when None
        same:   out = in·s when op is None, else (in − 1)·s + k_eff mod 2 + op

    Keras (its JAX backend) pads the stride-dilated input by (L, R) before a stride-1
    convolution; the output is then the full one with k_eff − 1 − L cropped before and
    k_eff − 1 − R after (negative: zeros added). valid: L = k_eff − 1, R = L + op; same:
    P = s + k_eff − 2 (op None) or k_eff + k_eff mod 2 − 2 + op, L = min(⌈P/2⌉, k_eff − 1),
    R = P − L.

    Example:
        >>> transpose_plan("conv2d_transpose", (4, 4), (3, 3), (2, 2), (1, 1), "same", None)
        ((8, 8), ((0, 1), (0, 1)))
    """
    out, crops = [], []
    for i, (n, k, s, d) in enumerate(zip(size, kernel, strides, dilation)):
        k_eff = (k - 1) * d + 1
        op = None if output_padding is None else output_padding[i]
        if padding == "valid":
            left = k_eff - 1
            right = left + (max(k_eff, s) - k_eff if op is None else op)
        else:
            total = s + k_eff - 2 if op is None else k_eff + k_eff % 2 - 2 + op
            left = min(total // 2 + total % 2, k_eff - 1)
            right = total - left
        o = (n - 1) * s + left + right - k_eff + 2
        if o <= 0:
            raise ValueError(
                f"{where}: input size {size} with kernel {kernel}, strides "
                f"{strides}, padding='{padding}' and output_padding "
                f"{output_padding} gives an empty output. Use a larger "
                "output_padding, an odd kernel size or padding='valid'."
            )
        out.append(o)
        crops.append((k_eff - 1 - left, k_eff - 1 - right))
    return tuple(out), tuple(crops)


def _check(where: str, x_shape: tuple, W_shape: tuple, b_shape: tuple | None) -> None:
    """Raise the house error for inputs, kernel or bias of the wrong shape."""
    if len(x_shape) != 4:
        raise ValueError(
            f"{where}: expected x of shape (batch, height, width, channels) "
            f"(channels last), got shape {x_shape}."
        )
    if len(W_shape) != 4:
        raise ValueError(
            f"{where}: expected a kernel of shape (kh, kw, filters, in_channels) "
            f"(Keras's layout for a transposed convolution), got shape {W_shape}. "
            "PyTorch's ConvTranspose2d.weight (in_channels, filters, kh, kw) is "
            "weight.permute(2, 3, 1, 0)."
        )
    if W_shape[3] != x_shape[3]:
        raise ValueError(
            f"{where}: the kernel {W_shape} expects {W_shape[3]} input channels "
            f"(its last axis), got x of shape {x_shape} with {x_shape[3]}. Check "
            "the channels axis (last) or the kernel's layout (kh, kw, filters, "
            "in_channels)."
        )
    if b_shape is not None and b_shape != (W_shape[2],):
        raise ValueError(
            f"{where}: expected a bias of shape ({W_shape[2]},), one per filter, "
            f"got shape {b_shape}."
        )


def conv2d_transpose(
    x: Any,
    kernel: Any,
    bias: Any = None,
    strides: int | tuple[int, int] = 1,
    padding: str = "valid",
    output_padding: int | tuple[int, int] | None = None,
    dilation_rate: int | tuple[int, int] = 1,
    activation: str | Callable | None = None,
):
    """2-D transposed convolution of channels-last images (Keras's ``ops.conv_transpose``): the
    adjoint of conv2d, which maps a conv2d's output shape back to its input shape (upsampling
    with a learned kernel).

        y[b, s_h·p + d_h·i, s_w·q + d_w·j, f] += Σ_c x[b, p, q, c] W[i, j, f, c]
        z = y cropped to Keras's output window + b,      a = f(z)
        ∂L/∂x = conv2d(∂L/∂y, W)    ∂L/∂W = im2col(∂L/∂y)ᵀ x    ∂L/∂b = Σ ∂L/∂z

    Every input pixel stamps a kernel-weighted copy s pixels from its neighbour's; where the
    copies overlap they add up. ``conv2d_transpose(δ, W)`` with ``W`` of conv2d's layout read
    as (kh, kw, filters, in_channels) is conv2d's ∂L/∂x (before Keras's cropping).

    Args:
        x: images (batch, height, width, in_channels).
        kernel: (kh, kw, filters, in_channels), Keras's layout; PyTorch's ConvTranspose2d.weight
            (in_channels, filters, kh, kw) is ``kernel.transpose(3, 2, 0, 1)``.
        bias: (filters,) or None.
        strides: the upsampling step, an int or (s_h, s_w).
        padding: 'valid' or 'same' (Keras's meaning, see Shape).
        output_padding: None, an int or (op_h, op_w), each < its stride: extra rows/columns
            at the bottom/right.
        dilation_rate: spacing d of the kernel's taps, an int or (d_h, d_w).
        activation: None, a name such as 'relu', or a callable.

    Shape:
        output: (batch, out_h, out_w, filters), k_eff = (k − 1)·d + 1;
        valid: out = (in − 1)·s + k_eff + op, op = max(k_eff, s) − k_eff when None;
        same: out = in·s when op is None, else (in − 1)·s + k_eff mod 2 + op.

    Raises:
        ValueError: for shapes that do not fit, unknown padding, output_padding ≥ strides, or
            an empty output.

    Example:
        >>> import numpy as np, neurona as nr
        >>> x = nr.tensor(np.array([[[[1.0], [2.0]]]]))  # one row of two pixels
        >>> conv2d_transpose(x, np.ones((1, 3, 1, 1)), strides=(1, 2))[0, :, :, 0]  # overlap adds
        tensor([[1., 1., 3., 2., 2.]], dtype=float64)
    """
    where = "conv2d_transpose"
    x, W = _operand(x), _operand(kernel)
    b = None if bias is None else _operand(bias)
    _check(where, tuple(x.shape), tuple(W.shape), None if b is None else tuple(b.shape))
    padding = win.check_padding(where, padding)
    strides = win.int_tuple(where, "strides", strides, 2)
    dilation = win.int_tuple(where, "dilation_rate", dilation_rate, 2)
    if output_padding is not None:
        output_padding = output_padding_pair(where, output_padding)
        if any(op >= s for op, s in zip(output_padding, strides)):
            raise ValueError(
                f"{where}: expected output_padding {output_padding} to be smaller "
                f"than strides {strides} on every axis (Keras's rule). Use "
                "output_padding=None for the default sizes."
            )
    _, crops = transpose_plan(
        where, tuple(x.shape[1:3]), tuple(W.shape[:2]), strides, dilation, padding, output_padding
    )
    z = ConvTranspose.apply(x, W, b, strides=strides, crops=crops, dilation=dilation)
    return z if activation in (None, "linear") else _activation_function(activation)(z)


def output_padding_pair(where: str, value: Any) -> tuple[int, int]:
    """``output_padding`` (an int or 2 ints, each ≥ 0) as a pair, or the house error.

    Example:
        >>> output_padding_pair("Conv2DTranspose", 1)
        (1, 1)
    """

    def is_int(v: Any) -> bool:
        return hasattr(v, "__index__") and not isinstance(v, bool)

    items = (value, value) if is_int(value) else value
    items = tuple(items) if isinstance(items, (tuple, list)) else ()
    if len(items) != 2 or not all(is_int(v) and int(v) >= 0 for v in items):
        raise ValueError(
            f"{where}: expected output_padding to be None, a non-negative int or a "
            f"tuple of 2 non-negative ints, got output_padding={value!r}."
        )
    return tuple(int(v) for v in items)
