"""Floor 2: convolution of channels-last images and sequences as one node: im2col (the windows
as rows) + one matrix product, the dense layer's node applied to every window."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional import _windows as win
from neurona.functional.linalg import _FUSED, Dense, _activation_function, _operand, row_sum

__all__ = ["conv1d", "conv2d"]


class Conv(Function):
    """a = f(z),  z[b, p, q, :] = Σ_{i,j,c} x[b, s_h·p + d_h·i, s_w·q + d_w·j, c] W[i, j, c, :] + b

    computed as  X = im2col(x) (n·oh·ow, kh·kw·c_in),  z = X W₂ + b,  W₂ = W reshaped to
    (kh·kw·c_in, filters): the ``Dense`` node on every window, f fused as there.
    backward, with δ = ∂L/∂a ⊙ f'(z):   ∂L/∂W₂ = Xᵀ δ    ∂L/∂b = Σ_rows δ
                                          ∂L/∂x = col2im(δ W₂ᵀ)  (each window's share added back)
    jvp: ȧ = f'(z) ⊙ (im2col(ẋ) W₂ + X Ẇ₂ + ḃ).
    A bias rides in the products as W₂'s last row against a column of ones in X:
    ``[X 1] [W₂; b] = X W₂ + b``, and ``[X 1]ᵀ δ = [Xᵀ δ; Σ_rows δ]``.
    NOTE: that spares two passes over z and δ (the bias add and Σ_rows δ); it made the first
    convolution of bench_cnn.py (64×26×26×32 outputs) ~0.5 ms a step faster.

    A 3-D x (n, steps, c_in) with a 3-D kernel (k, c_in, filters) is a 1-D convolution, run as an
    image of height 1.

    With f = relu, ``relu_output`` is True: a max pooling that consumes a, and only it, may hand
    back ∂L/∂a with relu' = [a > 0] already applied (on its pooled maxima, a quarter of a); it
    leaves that array in ``relu_applied``, and δ is then ∂L/∂a itself."""

    relu_output = False
    relu_applied = None

    def forward(
        self, x, W, b=None, strides=(1, 1), pads=((0, 0), (0, 0)), dilation=(1, 1), activation=None
    ):
        one_d = x.ndim == 3
        if one_d:  # (n, steps, c) → (n, 1, steps, c); kernel (k, c, f) → (1, k, c, f)
            x, W = x[:, None], W[None]
        x_pad = win.pad_image(x, pads)
        kernel, filters = W.shape[:2], W.shape[3]
        out = tuple(
            (n - (k - 1) * d - 1) // s + 1
            for n, k, d, s in zip(x_pad.shape[1:3], kernel, dilation, strides)
        )
        ones = None if b is None else 1  # the bias's column
        cols = win.im2col(x_pad, kernel, out, strides, dilation, ones)  # (n·oh·ow, kh·kw·c [+1])
        W2 = _with_bias(W.reshape(-1, filters), b)
        self.dense = Dense()
        z = self.dense.forward(cols, W2, None, activation)  # (n·oh·ow, f)
        self.plan = (x_pad.shape, kernel, out, strides, dilation, pads, W.shape, one_d)
        self.biased = b is not None
        self.relu_output = activation == "relu"
        out_shape = (x.shape[0], *out, filters)
        return z.reshape(out_shape[:1] + out_shape[2:] if one_d else out_shape)

    def backward(self, grad_out):
        x_pad_shape, kernel, out, strides, dilation, pads, W_shape, one_d = self.plan
        need_x, need_W, need_b = self.needs_input_grad
        cols, W2, a = self.dense.saved[:3]  # the dense node's [X 1], [W₂; b] and output a
        g = grad_out.reshape(a.shape)
        delta = g if grad_out is self.relu_applied else self.dense._delta(a, g)  # (n·oh·ow, f)
        self.relu_applied = None
        xp = get_array_module(delta)
        k = W2.shape[0] - self.biased  # the rows of W₂
        grad_W = grad_b = None
        if need_W:  # [X 1]ᵀ δ = [Xᵀ δ; Σ_rows δ], (kh·kw·c [+1], f)
            full = xp.dot(cols.T, delta)
            grad_W = full[:k].reshape(W_shape[1:] if one_d else W_shape)
            grad_b = full[k] if need_b else None
        elif need_b:
            grad_b = row_sum(delta)
        grad_x = None
        if need_x:  # col2im(δ W₂ᵀ), W₂ᵀ offset-major: (kh·kw, f, c)
            W3 = W2[:k].reshape(kernel[0] * kernel[1], x_pad_shape[3], W_shape[-1])
            grad_x = _input_gradient(delta, W3.transpose(0, 2, 1), self.plan)
            grad_x = win.crop_image(grad_x, pads)
            grad_x = grad_x[:, 0] if one_d else grad_x
        return grad_x, grad_W, grad_b

    def release(self) -> None:
        super().release()
        self.dense = self.relu_applied = None  # the saved X (im2col) is the largest array

    def jvp(self, x_dot, W_dot, b_dot=None):
        x_pad_shape, kernel, out, strides, dilation, pads, W_shape, one_d = self.plan
        if one_d:
            x_dot, W_dot = x_dot[:, None], W_dot[None]
        zero = None if b_dot is None else 0  # the bias's column of ones has no tangent
        cols_dot = win.im2col(win.pad_image(x_dot, pads), kernel, out, strides, dilation, zero)
        a_dot = self.dense.jvp(cols_dot, _with_bias(W_dot.reshape(-1, W_shape[3]), b_dot))
        return a_dot.reshape((x_pad_shape[0], *out[one_d:], W_shape[3]))


CHUNK_BYTES = 640 * 2**10  # a chunk's δ W₂ᵀ products, sized to stay in a core's L2 cache


def _input_gradient(delta, W3t, plan):
    """∂L/∂x_pad = col2im(δ W₂ᵀ) a few images at a time: each chunk's products, offset-major
    (kh·kw, rows, c) = δ_chunk (kh·kw, f, c), go into one reused buffer of ≤ ``CHUNK_BYTES``
    and are added back (col2im) into that chunk's images while still in the cache.

    NOTE: the whole batch's products at once (9 MiB for bench_cnn's 3×3, 32 → 64 convolution)
    were written out to memory and read back nine times by col2im's adds: 4.0 ms; chunks of
    3–4 images (~0.5 MiB): 3.4 ms. In the training loop, 384/512/640/1024 KiB chunks: 4.1–4.3,
    3.7–4.1, 3.5–3.9, 4.3–4.6 ms.

    Example:
        >>> import numpy as np
        >>> plan = ((1, 3, 3, 1), (2, 2), (2, 2), (1, 1), (1, 1), None, None, False)
        >>> _input_gradient(np.ones((4, 1)), np.ones((4, 1, 1)), plan)[0, :, :, 0]
        array([[1., 2., 1.],
               [2., 4., 2.],
               [1., 2., 1.]])
    """
    x_pad_shape, kernel, out, strides, dilation = plan[:5]
    xp = get_array_module(delta)
    n, per = x_pad_shape[0], out[0] * out[1]  # images, rows (windows) per image
    step = max(1, CHUNK_BYTES // (W3t.shape[0] * per * W3t.shape[2] * delta.itemsize))
    step = min(step, n)
    W3t = xp.ascontiguousarray(W3t)
    buffer = xp.empty((W3t.shape[0], step * per, W3t.shape[2]), dtype=delta.dtype)
    grad = xp.zeros(x_pad_shape, dtype=delta.dtype)
    for start in range(0, n, step):
        stop = min(start + step, n)
        cols = xp.matmul(
            delta[start * per : stop * per], W3t, out=buffer[:, : (stop - start) * per]
        )
        win.col2im(cols, None, kernel, out, strides, dilation, into=grad[start:stop])
    return grad


def _with_bias(W2, b):
    """``[W₂; b]``, the bias as the kernel matrix's last row (W₂ itself without a bias)."""
    if b is None:
        return W2
    return get_array_module(W2).concatenate((W2, b.reshape(1, -1)))


def _check(where: str, x_shape: tuple, W_shape: tuple, b_shape: tuple | None, ndim: int) -> None:
    """Raise the house error for inputs, kernel or bias of the wrong shape."""
    layout = "(batch, height, width, channels)" if ndim == 4 else "(batch, steps, channels)"
    k_layout = "(kh, kw, in_channels, filters)" if ndim == 4 else "(k, in_channels, filters)"
    if len(x_shape) != ndim:
        raise ValueError(
            f"{where}: expected x of shape {layout} (channels last), got shape {x_shape}."
        )
    if len(W_shape) != ndim:
        raise ValueError(
            f"{where}: expected a kernel of shape {k_layout} (Keras's layout), got "
            f"shape {W_shape}. PyTorch's (filters, in_channels, kh, kw) is "
            "weight.permute(2, 3, 1, 0)."
        )
    if W_shape[-2] != x_shape[-1]:
        raise ValueError(
            f"{where}: the kernel {W_shape} expects {W_shape[-2]} input channels, "
            f"got x of shape {x_shape} with {x_shape[-1]}. Check the channels axis "
            "(last) or the kernel's in_channels."
        )
    if b_shape is not None and b_shape != (W_shape[-1],):
        raise ValueError(
            f"{where}: expected a bias of shape ({W_shape[-1]},), one per filter, "
            f"got shape {b_shape}."
        )


def _convolve(
    where: str,
    x: Any,
    kernel: Any,
    bias: Any,
    strides: Any,
    padding: str,
    dilation_rate: Any,
    activation: Any,
    n: int,
):
    x, W = _operand(x), _operand(kernel)
    b = None if bias is None else _operand(bias)
    _check(where, tuple(x.shape), tuple(W.shape), None if b is None else tuple(b.shape), n + 2)
    allowed = ("valid", "same", "causal") if n == 1 else ("valid", "same")
    padding = win.check_padding(where, padding, allowed)
    strides = win.int_tuple(where, "strides", strides, n)
    dilation = win.int_tuple(where, "dilation_rate", dilation_rate, n)
    size, k = tuple(x.shape[1:-1]), tuple(W.shape[:n])
    _, pads = win.plan(where, size, k, strides, dilation, padding)
    if n == 1:  # the 1-D case runs as an image of height 1
        strides, dilation, pads = (1, *strides), (1, *dilation), ((0, 0), *pads)
    fused = activation in _FUSED
    z = Conv.apply(
        x,
        W,
        b,
        strides=strides,
        pads=pads,
        dilation=dilation,
        activation=(None if activation == "linear" else activation) if fused else None,
    )
    return z if fused else _activation_function(activation)(z)


def conv2d(
    x: Any,
    kernel: Any,
    bias: Any = None,
    strides: int | tuple[int, int] = 1,
    padding: str = "valid",
    dilation_rate: int | tuple[int, int] = 1,
    activation: str | Callable | None = None,
):
    """2-D convolution (cross-correlation, as in every deep-learning library) of channels-last
    images, bias and activation in the same node.

        z[b, p, q, :] = Σ_{i, j, c} x[b, s_h·p + d_h·i, s_w·q + d_w·j, c] W[i, j, c, :] + b
        a = f(z)
        ∂L/∂W = im2col(x)ᵀ δ   ∂L/∂b = Σ δ   ∂L/∂x = col2im(δ W₂ᵀ)   (δ = ∂L/∂a ⊙ f'(z))

    Computed as im2col (every window a row) and one matrix product with the kernel reshaped to
    (kh·kw·c_in, filters). ``padding='same'`` pads like Keras/TensorFlow: output ⌈in/s⌉, with the
    odd extra pixel at the bottom/right (PyTorch's ``padding='same'`` allows stride 1 only).

    Args:
        x: images (batch, height, width, in_channels).
        kernel: (kh, kw, in_channels, filters), Keras's layout; PyTorch's Conv2d.weight
            (filters, in_channels, kh, kw) is ``kernel.transpose(3, 2, 0, 1)``.
        bias: (filters,) or None.
        strides: step of the window, an int or (s_h, s_w).
        padding: 'valid' (no padding) or 'same'.
        dilation_rate: spacing d of the kernel's taps, an int or (d_h, d_w).
        activation: None, a name such as 'relu' (fused for relu/sigmoid/tanh) or a callable.

    Shape:
        output: (batch, out_h, out_w, filters); valid: out = ⌊(in − (k − 1)·d − 1)/s⌋ + 1,
        same: out = ⌈in/s⌉.

    Raises:
        ValueError: for shapes that do not fit, unknown padding, or an empty output.

    Example:
        >>> import numpy as np, neurona as nr
        >>> x = nr.tensor(np.arange(16.0).reshape(1, 4, 4, 1))
        >>> conv2d(x, np.ones((2, 2, 1, 1)), strides=2)[0, :, :, 0]  # sums of 2×2 blocks
        tensor([[10., 18.],
                [42., 50.]], dtype=float64)
    """
    return _convolve("conv2d", x, kernel, bias, strides, padding, dilation_rate, activation, 2)


def conv1d(
    x: Any,
    kernel: Any,
    bias: Any = None,
    strides: int = 1,
    padding: str = "valid",
    dilation_rate: int = 1,
    activation: str | Callable | None = None,
):
    """1-D convolution of channels-last sequences (batch, steps, channels), one node.

        z[b, t, :] = Σ_{i, c} x[b, s·t + d·i, c] W[i, c, :] + b,    a = f(z)

    The same node as ``conv2d`` on an image of height 1. ``padding='causal'`` (Keras's Conv1D)
    pads (k − 1)·d zeros at the start, so that z[t] sees only x[≤ t].

    Args:
        x: sequences (batch, steps, in_channels).
        kernel: (k, in_channels, filters), Keras's layout; PyTorch's Conv1d.weight is
            ``kernel.transpose(2, 1, 0)``.
        bias: (filters,) or None.
        strides, dilation_rate: ints (or 1-tuples).
        padding: 'valid', 'same' or 'causal'.
        activation: None, a name such as 'relu', or a callable.

    Shape:
        output: (batch, out_steps, filters).

    Example:
        >>> import numpy as np, neurona as nr
        >>> conv1d(nr.tensor(np.array([[[1.0], [2.0], [3.0]]])), np.ones((2, 1, 1)))[0, :, 0]
        tensor([3., 5.], dtype=float64)
    """
    return _convolve("conv1d", x, kernel, bias, strides, padding, dilation_rate, activation, 1)
