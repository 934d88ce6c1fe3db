"""Floor 2: nearest-neighbour upsampling of channels-last images (each pixel repeated into an
s_h × s_w block), the adjoint of sum pooling."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional import _windows as win
from neurona.functional.linalg import _operand

__all__ = ["upsample2d"]


class UpSample(Function):
    """z[b, s_h·p + i, s_w·q + j, c] = x[b, p, q, c] for i < s_h, j < s_w.
    backward: ∂L/∂x[b, p, q, c] = Σ_{i, j} ∂L/∂z over the block (a sum pooling).
    jvp: ż = the upsampled ẋ."""

    def forward(self, x, size=(2, 2)):
        self.size = size
        return self._repeat(x)

    def _repeat(self, x):
        (n, h, w, c), (sh, sw) = x.shape, self.size
        xp = get_array_module(x)
        blocks = xp.broadcast_to(x[:, :, None, :, None], (n, h, sh, w, sw, c))
        return blocks.reshape(n, h * sh, w * sw, c)  # one copy

    def backward(self, grad_out):
        (n, H, W, c), (sh, sw) = grad_out.shape, self.size
        return grad_out.reshape(n, H // sh, sh, W // sw, sw, c).sum(axis=(2, 4))

    def jvp(self, x_dot):
        return self._repeat(x_dot)


def upsample2d(x: Any, size: int | tuple[int, int] = 2):
    """Nearest-neighbour upsampling: every pixel becomes an s_h × s_w block (Keras's
    UpSampling2D with interpolation='nearest').

        z[b, s_h·p + i, s_w·q + j, c] = x[b, p, q, c]      ∂L/∂x = the block sums of ∂L/∂z

    Args:
        x: (batch, height, width, channels).
        size: the factors (s_h, s_w), or one int for both.

    Shape:
        output: (batch, s_h·height, s_w·width, channels).

    Example:
        >>> import numpy as np, neurona as nr
        >>> upsample2d(nr.tensor(np.array([[[[1.0], [2.0]]]])))[0, :, :, 0]
        tensor([[1., 1., 2., 2.],
                [1., 1., 2., 2.]], dtype=float64)
    """
    x = _operand(x)
    size = win.int_tuple("upsample2d", "size", size, 2)
    if x.ndim != 4:
        raise ValueError(
            f"upsample2d: expected x of shape (batch, height, width, channels), "
            f"got shape {tuple(x.shape)}."
        )
    return UpSample.apply(x, size=size)
