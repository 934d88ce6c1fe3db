"""Floor 2 (private): the window arithmetic shared by convolution and pooling on channels-last
images (batch, height, width, channels): argument checks, Keras/TensorFlow padding, output
sizes, the strided window view, im2col and its adjoint col2im.

A 1-D input (batch, steps, channels) is handled as an image of height 1."""

from __future__ import annotations

import math
from typing import Any

from neurona.backend import get_array_module


def int_tuple(where: str, name: str, value: Any, n: int) -> tuple[int, ...]:
    """``value`` (an int or n ints, each ≥ 1) as a tuple of n ints, or the house error.

    Example:
        >>> int_tuple("conv2d", "strides", 2, 2)
        (2, 2)
    """

    def is_int(v: Any) -> bool:
        return hasattr(v, "__index__") and not isinstance(v, bool)

    items = (value,) * n if is_int(value) else value
    items = tuple(items) if isinstance(items, (tuple, list)) else ()
    if len(items) != n or not all(is_int(v) and int(v) >= 1 for v in items):
        raise ValueError(
            f"{where}: expected {name} to be a positive int or a tuple of {n} "
            f"positive ints, got {name}={value!r}."
        )
    return tuple(int(v) for v in items)


def check_padding(where: str, padding: Any, allowed: tuple[str, ...] = ("valid", "same")) -> str:
    """The padding name in lower case ('valid', 'same', …), or the house error.

    Example:
        >>> check_padding("conv2d", "SAME")
        'same'
    """
    name = padding.lower() if isinstance(padding, str) else padding
    if name not in allowed:
        raise ValueError(
            f"{where}: expected padding to be one of {list(allowed)}, got padding={padding!r}."
        )
    return name


def plan(
    where: str,
    size: tuple[int, ...],
    kernel: tuple[int, ...],
    strides: tuple[int, ...],
    dilation: tuple[int, ...],
    padding: str,
):
    """Output sizes and (before, after) pads per spatial axis, by Keras/TensorFlow's rules.

        k_eff = (k − 1)·d + 1                       (the dilated window's extent)
        valid:  out = ⌊(in − k_eff)/s⌋ + 1,  no padding
        same:   out = ⌈in/s⌉,  total pad = max((out − 1)·s + k_eff − in, 0),
                before = ⌊total/2⌋, after = total − before (the extra one at the bottom/right)
        causal: out = in (s = 1), pad k_eff − 1 before (1-D, Keras's Conv1D)

    Example:
        >>> plan("conv2d", (28, 28), (3, 3), (2, 2), (1, 1), "same")  # odd pad at bottom/right
        ((14, 14), ((0, 1), (0, 1)))
    """
    out, pads = [], []
    for n, k, s, d in zip(size, kernel, strides, dilation):
        k_eff = (k - 1) * d + 1
        if padding == "same":
            o = -(-n // s)
            total = max((o - 1) * s + k_eff - n, 0)
            pad = (total // 2, total - total // 2)
        elif padding == "causal":
            o, pad = (n - 1) // s + 1, (k_eff - 1, 0)
        else:
            o, pad = (n - k_eff) // s + 1 if n >= k_eff else 0, (0, 0)
        if o <= 0:
            raise ValueError(
                f"{where}: the window (size {kernel}, dilation {dilation}) is larger "
                f"than the input's spatial size {size} with padding='{padding}', "
                "so the output would be empty. Use padding='same', a smaller "
                "kernel or pool size, or fewer pooling layers before this one."
            )
        out.append(o)
        pads.append(pad)
    return tuple(out), tuple(pads)


def pad_image(x, pads, value: float = 0.0):
    """x (n, h, w, c) with pads ((top, bottom), (left, right)) of ``value`` (x itself if none).

    Example:
        >>> import numpy as np
        >>> pad_image(np.ones((1, 2, 2, 1)), ((1, 0), (0, 1))).shape
        (1, 3, 3, 1)
    """
    (top, bottom), (left, right) = pads
    if not (top or bottom or left or right):
        return x
    n, h, w, c = x.shape
    z = get_array_module(x).full((n, h + top + bottom, w + left + right, c), value, dtype=x.dtype)
    z[:, top : top + h, left : left + w] = x
    return z


def crop_image(g, pads):
    """The inverse of ``pad_image``: the border cut off (a view).

    Example:
        >>> import numpy as np
        >>> crop_image(np.ones((1, 3, 3, 1)), ((1, 0), (0, 1))).shape
        (1, 2, 2, 1)
    """
    (top, bottom), (left, right) = pads
    if not (top or bottom or left or right):
        return g
    return g[:, top : g.shape[1] - bottom, left : g.shape[2] - right]


def offset_view(x, i: int, j: int, out: tuple[int, int], strides, dilation):
    """The pixels that kernel offset (i, j) sees at every output position, (n, oh, ow, c):
    x[:, i·dh + s_h·p, j·dw + s_w·q] for p < oh, q < ow (a strided view, no copy).

    Example:
        >>> import numpy as np
        >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
        >>> offset_view(x, 1, 1, (2, 2), (2, 2), (1, 1))[0, :, :, 0]  # bottom-right of each 2×2
        array([[ 5.,  7.],
               [13., 15.]])
    """
    (oh, ow), (sh, sw), (dh, dw) = out, strides, dilation
    return x[:, i * dh : i * dh + sh * (oh - 1) + 1 : sh, j * dw : j * dw + sw * (ow - 1) + 1 : sw]


def windows(x, kernel, out, strides, dilation):
    """All windows as one strided view (n, oh, ow, kh, kw, c), no copy:
    windows[b, p, q, i, j] = x[b, s_h·p + d_h·i, s_w·q + d_w·j].

    Example:
        >>> import numpy as np
        >>> windows(np.zeros((2, 5, 5, 3)), (3, 3), (3, 3), (1, 1), (1, 1)).shape
        (2, 3, 3, 3, 3, 3)
    """
    xp = get_array_module(x)
    sn, sy, sx, sc = x.strides
    shape = (x.shape[0], *out, *kernel, x.shape[3])
    steps = (sn, sy * strides[0], sx * strides[1], sy * dilation[0], sx * dilation[1], sc)
    return xp.lib.stride_tricks.as_strided(x, shape, steps, writeable=False)


def im2col(x, kernel, out, strides, dilation, extra=None):
    """The windows laid out as rows, one copy (n·oh·ow, kh·kw·c): a convolution is
    then one matrix product with the kernel reshaped to (kh·kw·c, filters).

    ``extra``: a number, appended to every row as one more column (ones: the column that a
    bias, the kernel's extra last row, multiplies, so that the bias rides in the same product).

    Example:
        >>> import numpy as np
        >>> im2col(np.arange(9.0).reshape(1, 3, 3, 1), (2, 2), (2, 2), (1, 1), (1, 1), extra=1)
        array([[0., 1., 3., 4., 1.],
               [1., 2., 4., 5., 1.],
               [3., 4., 6., 7., 1.],
               [4., 5., 7., 8., 1.]])
    """
    xp = get_array_module(x)
    k = kernel[0] * kernel[1]
    n_cols = k * x.shape[3] + (extra is not None)
    if x.shape[3] == 1:  # one channel: the columns, one per offset, are contiguous runs
        # NOTE: the strided view's copy moves one float at a time here; kh·kw offset copies
        # into the transposed matrix (a Fortran-ordered result) made a 3×3 im2col of 64
        # 28×28 images ~8x faster
        cols = xp.empty((n_cols, x.shape[0], *out), dtype=x.dtype)
        for i in range(kernel[0]):
            for j in range(kernel[1]):
                cols[i * kernel[1] + j] = offset_view(x, i, j, out, strides, dilation)[..., 0]
        cols = cols.reshape(n_cols, -1).T
    else:
        view = windows(x, kernel, out, strides, dilation)
        if extra is None:
            return view.reshape(x.shape[0] * math.prod(out), -1)
        cols = xp.empty((x.shape[0] * math.prod(out), n_cols), dtype=x.dtype)
        cols[:, :-1].reshape(view.shape)[...] = view  # splitting axes: a view, never a copy
    if extra is not None:
        cols[:, -1] = extra
    return cols


def col2im(cols, x_shape, kernel, out, strides, dilation, into=None):
    """The adjoint of ``im2col``: each window's entries added back to the pixels they came from.

    ``into``: an array of ``x_shape`` to add into (a zeroed one is made when None; its shape is
    then the one used, and ``x_shape`` may be None).

    ``cols`` is offset-major, (kh·kw, n·oh·ow, c): cols[k] holds what kernel offset k = i·kw + j
    sends back to its pixels. One vectorised add of a contiguous block per offset (kh·kw of
    them), no loop over pixels, batch or channels.
    NOTE: the row layout of ``im2col`` (n·oh·ow, kh·kw·c) would make every add gather runs of
    only c floats; offset-major blocks made the backward of a 3×3, 32 → 64 convolution ~4x
    faster here.

    Example:
        >>> import numpy as np
        >>> col2im(np.ones((4, 4, 1)), (1, 3, 3, 1), (2, 2), (2, 2), (1, 1), (1, 1))[0, :, :, 0]
        array([[1., 2., 1.],
               [2., 4., 2.],
               [1., 2., 1.]])
    """
    xp = get_array_module(cols)
    grad = xp.zeros(x_shape, dtype=cols.dtype) if into is None else into
    block = (grad.shape[0], *out, grad.shape[3])
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            offset_view(grad, i, j, out, strides, dilation)[...] += cols[i * kernel[1] + j].reshape(
                block
            )
    return grad
