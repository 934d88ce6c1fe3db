"""Floor 2: max and average pooling of channels-last images and sequences, each one node whose
forward and backward loop over the pool's offsets (kh·kw of them), never over pixels, batch or
channels. Global pooling is ``F.mean`` / ``F.max`` over the spatial axes."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional import _windows as win
from neurona.functional.linalg import _operand

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d"]


class _Pool(Function):
    """Shared bookkeeping: the padded input, the output size, the offsets of the pool."""

    def _setup(self, x, pool, strides, pads, value):
        self.one_d = x.ndim == 3
        x = x[:, None] if self.one_d else x  # (n, steps, c) as an image of height 1
        self.x_shape, self.pads, self.pool, self.strides = x.shape, pads, pool, strides
        x_pad = win.pad_image(x, pads, value)
        self.pad_shape = x_pad.shape
        self.out = tuple((n - k) // s + 1 for n, k, s in zip(x_pad.shape[1:3], pool, strides))
        # windows that do not overlap (stride ≥ pool) let backward assign instead of add
        self.disjoint = all(s >= k for s, k in zip(strides, pool))
        return x_pad

    def _views(self, x_pad):
        """The (offset number, strided view) of every pool offset: kh·kw views (n, oh, ow, c)."""
        kh, kw = self.pool
        return [
            (i * kw + j, win.offset_view(x_pad, i, j, self.out, self.strides, (1, 1)))
            for i in range(kh)
            for j in range(kw)
        ]

    def _scatter(self, g, masks=None):
        """∂L/∂x: g (n, oh, ow, c), times each offset's mask when given, added back where the
        offset looked."""
        xp = get_array_module(g)
        grad = (xp.empty if self._tiled() else xp.zeros)(self.pad_shape, dtype=g.dtype)
        for k, view in self._views(grad):
            if self.disjoint and masks is not None:  # windows side by side: written once
                xp.multiply(g, masks[k], out=view)
            elif self.disjoint:
                view[...] = g
            else:
                view += g if masks is None else g * masks[k]
        grad = win.crop_image(grad, self.pads)
        return grad[:, 0] if self.one_d else grad

    def _tiled(self) -> bool:
        """Whether the windows tile the padded image exactly (side by side, none left over)."""
        return self.strides == self.pool and all(
            o * s == n for o, s, n in zip(self.out, self.strides, self.pad_shape[1:3])
        )

    def _shaped(self, z):
        return z[:, 0] if self.one_d else z


class MaxPool(_Pool):
    """z[b, p, q, c] = max_{i, j} x[b, s_h·p + i, s_w·q + j, c]  (padding = −∞, never chosen).
    backward: ∂L/∂z goes to the first maximum of each window (PyTorch's and TensorFlow's choice
    for ties), 0 elsewhere.  jvp: ż = ẋ at that maximum."""

    def forward(self, x, pool=(2, 2), strides=(2, 2), pads=((0, 0), (0, 0))):
        xp = get_array_module(x)
        x_pad = self._setup(x, pool, strides, pads, -xp.inf)
        views = [view for _, view in self._views(x_pad)]
        z = xp.maximum(views[0], views[1]) if len(views) > 1 else views[0].copy()
        for view in views[2:]:
            xp.maximum(z, view, out=z)  # NOTE: masked copies (copyto where=) are ~10x slower
        self.save_for_backward(x_pad, z)
        return self._shaped(z)

    def _first_hits(self, z=None):
        """(offset, mask of the windows whose first maximum sits at that offset), in order;
        ``z``: the maxima to look for (default the saved output; NaN finds none)."""
        x_pad, z_saved = self.saved
        z = z_saved if z is None else z
        xp = get_array_module(z)
        views = self._views(x_pad)
        taken = None
        for k, view in views:
            hit = view == z
            if taken is None:
                taken = hit.copy()
            else:  # a tie goes to the first offset that holds the maximum: hit ∧ ¬taken
                xp.greater(hit, taken, out=hit)
                if k < len(views) - 1:
                    taken |= hit
            yield k, hit

    def backward(self, grad_out):
        g = grad_out.reshape(self.saved[1].shape)
        relu = self._relu_producer()
        z = self._positive(self.saved[1]) if relu is not None else self.saved[1]
        if not self._tiled():
            grad = self._scatter(g, dict(self._first_hits(z)))
        else:
            grad = self._tiled_backward(g, z)
        if relu is not None:
            relu.relu_applied = grad  # ∂L/∂x ⊙ [x > 0] already: the producer skips its mask
        return grad

    def _relu_producer(self):
        """The node that made x when its backward multiplies by relu' = [x > 0] (a convolution
        with a fused ReLU: ``relu_output``) and x keeps no ``.grad`` of its own, else None.

        NOTE: the gradient reaches x only at the windows' maxima, where x = z, so relu'(x) is
        [z > 0] there: applied on the pooled z (a quarter of x for 2×2 pools) instead of on the
        whole of x by the producer, it saved ~0.8 ms of a bench_cnn step; the result is the same
        array of numbers either way (the mask is idempotent), only cheaper."""
        x = self.inputs[0] if self.inputs else None
        producer = getattr(x, "_ctx", None)
        if producer is None or x._retains_grad or not getattr(producer, "relu_output", False):
            return None
        return producer

    @staticmethod
    def _positive(z):
        """z where z > 0, NaN elsewhere (NaN equals nothing, so those windows get no gradient:
        relu'(z) = 0). A division by the mask: ~10x faster than np.where here."""
        xp = get_array_module(z)
        with xp.errstate(invalid="ignore", divide="ignore"):
            return z / (z > 0)  # z/1 = z, 0/0 = NaN (z ≥ 0 for a ReLU's output)

    def _tiled_backward(self, g, z):
        """Windows that tile the image: cut into (n, oh, kh, ow, kw, c) tiles, the mask of first
        maxima is one comparison with z and the gradient one product, both over whole tiles.

        NOTE: 1.91 → 1.58 ms for 64×26×26×32 ReLU outputs against per-offset masks and writes;
        with pixels left over (64×11×11×64) it was 0.48 → 0.55 ms, so those keep them. The
        first-maximum pass over the offsets (~0.4 ms there) runs only when a window holds its
        maximum twice (the hits outnumber the windows that have one); bench_cnn's first layer
        has such windows every step (its blank background is a plateau of ReLU(bias))."""
        x_pad = self.saved[0]
        xp = get_array_module(z)
        hits = self._tiles(x_pad) == z[:, :, None, :, None]
        kh, kw = self.pool
        if xp.count_nonzero(hits) != xp.count_nonzero(z == z):  # a tie: keep the first maximum
            taken = hits[:, :, 0, :, 0].copy()
            for k in range(1, kh * kw):
                hit = hits[:, :, k // kw, :, k % kw]
                xp.greater(hit, taken, out=hit)  # hit ∧ ¬taken
                if k < kh * kw - 1:
                    taken |= hit
        grad = xp.empty(self.pad_shape, dtype=g.dtype)
        xp.multiply(g[:, :, None, :, None], hits, out=self._tiles(grad))
        grad = win.crop_image(grad, self.pads)
        return grad[:, 0] if self.one_d else grad

    def _tiles(self, a):
        """a (n, oh·kh, ow·kw, c) cut into the pool's tiles (n, oh, kh, ow, kw, c), a view."""
        (oh, ow), (kh, kw) = self.out, self.pool
        return a.reshape(a.shape[0], oh, kh, ow, kw, a.shape[3])

    def jvp(self, x_dot):
        x_pad = win.pad_image(x_dot[:, None] if self.one_d else x_dot, self.pads)
        views = dict(self._views(x_pad))
        z_dot = sum(views[k] * hit for k, hit in self._first_hits())
        return self._shaped(z_dot)


class AvgPool(_Pool):
    """z[b, p, q, c] = (1/m_pq) Σ_{i, j} x[b, s_h·p + i, s_w·q + j, c], m_pq = the number of real
    (not padding) pixels in the window, as Keras/TensorFlow count them.
    backward: each pixel of the window gets ∂L/∂z / m_pq.  jvp: ż = the average of ẋ."""

    def forward(self, x, pool=(2, 2), strides=(2, 2), pads=((0, 0), (0, 0))):
        x_pad = self._setup(x, pool, strides, pads, 0.0)
        self.scale = self._inverse_counts(x_pad)
        return self._shaped(self._mean(x_pad))

    def _inverse_counts(self, x_pad):
        """1/m per output position: a float, or an (oh, ow, 1) array when padding is counted out."""
        (top, bottom), (left, right) = self.pads
        if not (top or bottom or left or right):
            return 1.0 / (self.pool[0] * self.pool[1])
        xp = get_array_module(x_pad)
        real = win.pad_image(xp.ones((1, *self.x_shape[1:3], 1), dtype=x_pad.dtype), self.pads)
        counts = sum(view for _, view in self._views(real))  # (1, oh, ow, 1)
        return 1.0 / counts[0]

    def _mean(self, x_pad):
        views = self._views(x_pad)
        z = views[0][1].copy()
        for _, view in views[1:]:
            z += view
        z *= self.scale
        return z

    def backward(self, grad_out):
        g = grad_out.reshape(self.x_shape[:1] + self.out + self.x_shape[3:]) * self.scale
        return self._scatter(g)

    def jvp(self, x_dot):
        return self._shaped(
            self._mean(win.pad_image(x_dot[:, None] if self.one_d else x_dot, self.pads))
        )


def _pool(cls, where: str, x: Any, pool_size: Any, strides: Any, padding: str, n: int):
    x = _operand(x)
    if x.ndim != n + 2:
        layout = "(batch, height, width, channels)" if n == 2 else "(batch, steps, channels)"
        raise ValueError(
            f"{where}: expected x of shape {layout} (channels last), got shape {tuple(x.shape)}."
        )
    pool = win.int_tuple(where, "pool_size", pool_size, n)
    strides = pool if strides is None else win.int_tuple(where, "strides", strides, n)
    padding = win.check_padding(where, padding)
    _, pads = win.plan(where, tuple(x.shape[1:-1]), pool, strides, (1,) * n, padding)
    if n == 1:
        pool, strides, pads = (1, *pool), (1, *strides), ((0, 0), *pads)
    return cls.apply(x, pool=pool, strides=strides, pads=pads)


def max_pool2d(
    x: Any,
    pool_size: int | tuple[int, int] = 2,
    strides: int | tuple[int, int] | None = None,
    padding: str = "valid",
):
    """Max pooling of channels-last images: the largest value of each window, per channel.

        z[b, p, q, c] = max_{i < kh, j < kw} x[b, s_h·p + i, s_w·q + j, c]
        ∂L/∂x = ∂L/∂z at the (first) maximum of each window, 0 elsewhere

    Args:
        x: (batch, height, width, channels).
        pool_size: window size, an int or (kh, kw).
        strides: step, default ``pool_size`` (windows side by side), as in Keras.
        padding: 'valid' or 'same' (Keras's rule; padding never wins the max).

    Shape:
        output: (batch, out_h, out_w, channels); valid: ⌊(in − k)/s⌋ + 1; same: ⌈in/s⌉.

    Example:
        >>> import numpy as np, neurona as nr
        >>> max_pool2d(nr.tensor(np.arange(16.0).reshape(1, 4, 4, 1)))[0, :, :, 0]
        tensor([[ 5.,  7.],
                [13., 15.]], dtype=float64)
    """
    return _pool(MaxPool, "max_pool2d", x, pool_size, strides, padding, 2)


def avg_pool2d(
    x: Any,
    pool_size: int | tuple[int, int] = 2,
    strides: int | tuple[int, int] | None = None,
    padding: str = "valid",
):
    """Average pooling of channels-last images: the mean of each window, per channel.

        z[b, p, q, c] = (1/m) Σ_{i < kh, j < kw} x[b, s_h·p + i, s_w·q + j, c]
        ∂L/∂x[pixel] = Σ over the windows w holding it of ∂L/∂z_w / m_w

    With padding='same', m counts only the real pixels of the window (Keras/TensorFlow); that is
    PyTorch's AvgPool2d with ``count_include_pad=False``.

    Args:
        x: (batch, height, width, channels).
        pool_size: window size, an int or (kh, kw).
        strides: step, default ``pool_size``.
        padding: 'valid' or 'same'.

    Example:
        >>> import numpy as np, neurona as nr
        >>> avg_pool2d(nr.tensor(np.arange(16.0).reshape(1, 4, 4, 1)))[0, :, :, 0]
        tensor([[ 2.5,  4.5],
                [10.5, 12.5]], dtype=float64)
    """
    return _pool(AvgPool, "avg_pool2d", x, pool_size, strides, padding, 2)


def max_pool1d(x: Any, pool_size: int = 2, strides: int | None = None, padding: str = "valid"):
    """Max pooling of channels-last sequences (batch, steps, channels), over time.

        z[b, t, c] = max_{i < k} x[b, s·t + i, c]

    Example:
        >>> import numpy as np, neurona as nr
        >>> max_pool1d(nr.tensor(np.array([[[1.0], [3.0], [2.0], [0.0]]])))[0, :, 0]
        tensor([3., 2.], dtype=float64)
    """
    return _pool(MaxPool, "max_pool1d", x, pool_size, strides, padding, 1)


def avg_pool1d(x: Any, pool_size: int = 2, strides: int | None = None, padding: str = "valid"):
    """Average pooling of channels-last sequences (batch, steps, channels), over time.

        z[b, t, c] = (1/m) Σ_{i < k} x[b, s·t + i, c]   (m: real steps in the window)

    Example:
        >>> import numpy as np, neurona as nr
        >>> avg_pool1d(nr.tensor(np.array([[[1.0], [3.0], [2.0], [0.0]]])))[0, :, 0]
        tensor([2., 1.], dtype=float64)
    """
    return _pool(AvgPool, "avg_pool1d", x, pool_size, strides, padding, 1)
