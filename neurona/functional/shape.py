"""Floor 2: shape ops (reshape, transpose, indexing, concatenate, stack, expand_dims, squeeze,
flatten, pad). They move values without changing them, so each backward moves ∂L/∂z back to
where its values came from: the inverse reshape or permutation, a scatter-add, a split."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from neurona.autodiff.function import Function
from neurona.autodiff.tensor import Tensor, as_array
from neurona.backend import get_array_module

__all__ = [
    "reshape",
    "transpose",
    "getitem",
    "concatenate",
    "stack",
    "expand_dims",
    "squeeze",
    "flatten",
    "pad",
]


def _input(x: Any):
    """A tensor stays a tensor; anything else (lists, numbers, arrays) becomes an array."""
    return x if isinstance(x, Tensor) else as_array(x)


def _int(value: Any) -> bool:
    return hasattr(value, "__index__") and not isinstance(value, bool)


def _axis(where: str, axis: Any, ndim: int) -> int:
    """One axis in [−ndim, ndim) as a non-negative int, or a clear error."""
    if not _int(axis) or not -ndim <= int(axis) < ndim:
        raise ValueError(
            f"{where}(): axis {axis!r} is out of range for {ndim} axes; expected an "
            f"int in [{-ndim}, {ndim - 1}]. Check the inputs' shapes."
        )
    return int(axis) % ndim


class Reshape(Function):
    """z = x with a new shape (same values, same order).  backward: ∂L/∂x = ∂L/∂z reshaped
    to x's shape.  jvp: ż = ẋ reshaped."""

    def forward(self, x, shape=()):
        self.x_shape, self.shape = x.shape, shape
        return x.reshape(shape)

    def backward(self, grad_out):
        return grad_out.reshape(self.x_shape)

    def jvp(self, x_dot):
        return x_dot.reshape(self.shape)


class Transpose(Function):
    """z = x with its axes permuted: z.shape[i] = x.shape[axes[i]].  backward: ∂L/∂x = ∂L/∂z
    permuted back (by the inverse permutation).  jvp: ż = ẋ permuted."""

    def forward(self, x, axes=()):
        self.axes = axes
        return x.transpose(axes)

    def backward(self, grad_out):
        inverse = sorted(range(len(self.axes)), key=self.axes.__getitem__)
        return grad_out.transpose(inverse)

    def jvp(self, x_dot):
        return x_dot.transpose(self.axes)


class GetItem(Function):
    """z = x[index].  backward: ∂L/∂x = zeros with ∂L/∂z added at the indexed places; an
    element picked k times gets k contributions (scatter-add).  jvp: ż = ẋ[index]."""

    def forward(self, x, index=()):
        self.x_shape, self.index = x.shape, index
        parts = index if isinstance(index, tuple) else (index,)
        # integer arrays may repeat an element: plain assignment would keep only the last one
        self.scatter = any(
            getattr(getattr(p, "dtype", None), "kind", "") in ("i", "u") for p in parts
        )
        return get_array_module(x).asarray(x[index])

    def backward(self, grad_out):
        xp = get_array_module(grad_out)
        grad_x = xp.zeros(self.x_shape, dtype=grad_out.dtype)
        if self.scatter:
            xp.add.at(grad_x, self.index, grad_out)
        else:
            grad_x[self.index] = grad_out
        return grad_x

    def jvp(self, x_dot):
        return get_array_module(x_dot).asarray(x_dot[self.index])


class Pad(Function):
    """z = x surrounded by ``value``: z[b₀ : b₀ + n₀, …] = x, the border is constant.
    backward: ∂L/∂x = ∂L/∂z without the border (the border's values do not depend on x).
    jvp: ż = ẋ padded with zeros."""

    def forward(self, x, pairs=(), value=0.0):
        self.inner = tuple(slice(b, b + n) for (b, _), n in zip(pairs, x.shape))
        self.shape = tuple(b + n + a for (b, a), n in zip(pairs, x.shape))
        return self._fill(x, value)

    def _fill(self, x, value):
        z = get_array_module(x).full(self.shape, value, dtype=x.dtype)  # faster than np.pad
        z[self.inner] = x
        return z

    def backward(self, grad_out):
        return grad_out[self.inner]

    def jvp(self, x_dot):
        return self._fill(x_dot, 0)


def _target_shape(shape: Any, x_shape: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` as a tuple of ints, with a −1 resolved, or an error naming both shapes."""
    shape = (shape,) if _int(shape) else tuple(shape)
    if not all(_int(n) and int(n) >= -1 for n in shape) or shape.count(-1) > 1:
        raise ValueError(
            f"reshape(): expected a shape of non-negative ints with at most one -1, "
            f"got {shape!r}. Pass e.g. (2, -1)."
        )
    shape = tuple(int(n) for n in shape)
    size, known = math.prod(x_shape), math.prod(n for n in shape if n != -1)
    if -1 in shape and known and size % known == 0:
        return tuple(size // known if n == -1 else n for n in shape)
    if -1 not in shape and known == size:
        return shape
    got = f"{'a multiple of ' if -1 in shape else ''}{known} elements"
    raise ValueError(
        f"reshape(): cannot reshape an input of shape {x_shape} ({size} elements) to "
        f"{shape} ({got}). Choose sizes whose product is {size}, or put -1 on one "
        f"axis to infer it, e.g. reshape(x, (-1, {x_shape[-1] if x_shape else 1}))."
    )


def reshape(x: Any, shape: int | Sequence[int]):
    """The same values in the same (row-major) order, with a new shape; −1 infers one size.

        z = x viewed with shape ``shape``;   ∂L/∂x = ∂L/∂z reshaped back to x.shape

    Raises:
        ValueError: when the sizes of ``shape`` do not multiply to x's number of elements.

    Example:
        >>> import neurona as nr
        >>> reshape(nr.tensor([1.0, 2.0, 3.0, 4.0]), (2, -1))
        tensor([[1., 2.],
                [3., 4.]])
    """
    x = _input(x)
    return Reshape.apply(x, shape=_target_shape(shape, x.shape))


def transpose(x: Any, axes: Sequence[int] | None = None):
    """Permute the axes of x: ``z.shape[i] = x.shape[axes[i]]``; reverse them when None.

        for a matrix: zᵢⱼ = xⱼᵢ (xᵀ);   ∂L/∂x = (∂L/∂z) permuted back

    Example:
        >>> import neurona as nr
        >>> transpose(nr.tensor([[1.0, 2.0, 3.0]]))
        tensor([[1.],
                [2.],
                [3.]])
    """
    x = _input(x)
    ndim = x.ndim
    perm = range(ndim)[::-1] if axes is None else (axes,) if _int(axes) else tuple(axes)
    valid = all(_int(a) and -ndim <= int(a) < ndim for a in perm)
    if not valid or sorted(int(a) % ndim for a in perm) != list(range(ndim)):
        raise ValueError(
            f"transpose(): axes {axes!r} are not a permutation of the {ndim} axes "
            f"of an input of shape {x.shape}; expected each of 0..{ndim - 1} once, "
            f"e.g. {tuple(range(ndim)[::-1])}."
        )
    return Transpose.apply(x, axes=tuple(int(a) % ndim for a in perm))


def _index_part(part: Any, xp) -> Any:
    """One piece of an index as NumPy/CuPy understands it: tensors and lists become arrays,
    integral float arrays become integer arrays (``nr.tensor([0, 2])`` is float32)."""
    if isinstance(part, Tensor):
        part = part.data
    elif isinstance(part, list):
        part = xp.asarray([p.data if isinstance(p, Tensor) else p for p in part])
    if getattr(part, "dtype", None) is None or part.dtype.kind not in "fiub":
        return part
    part = xp.asarray(part)
    if part.dtype.kind == "f":
        as_int = part.astype(xp.intp)
        if not bool((as_int == part).all()):
            raise IndexError(
                f"getitem(): index arrays must hold integers or booleans, got "
                f"non-integral floats {part!r}. Round them or use a boolean mask."
            )
        part = as_int
    return part


def getitem(x: Any, index: Any):
    """``x[index]`` with NumPy's rules: ints, slices, None, Ellipsis, boolean masks and integer
    arrays (tensors and lists are turned into arrays).

        z = x[index];   ∂L/∂x = zeros(x.shape) with ∂L/∂z added at the indexed places

    An element picked several times (``x[[0, 0, 2]]``) receives the sum of its gradients.

    Example:
        >>> import neurona as nr
        >>> x = nr.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> x[[0, 0, 2]].sum().backward(); x.grad
        array([2., 0., 1.], dtype=float32)
    """
    x = _input(x)
    xp = get_array_module(x.data if isinstance(x, Tensor) else x)
    parts = tuple(_index_part(p, xp) for p in (index if isinstance(index, tuple) else (index,)))
    try:
        return GetItem.apply(x, index=parts if isinstance(index, tuple) else parts[0])
    except IndexError as err:
        raise IndexError(
            f"getitem(): index {index!r} does not fit an input of shape {x.shape} "
            f"({err}). Check the index against the shape."
        ) from None


def expand_dims(x: Any, axis: int | Sequence[int]):
    """Insert axes of size 1 at ``axis`` (positions in the result), like ``np.expand_dims``.

    Example:
        >>> import neurona as nr
        >>> expand_dims(nr.tensor([1.0, 2.0]), 0).shape
        (1, 2)
    """
    x = _input(x)
    axes = (axis,) if _int(axis) else tuple(axis)
    ndim = x.ndim + len(axes)
    new = {_axis("expand_dims", a, ndim) for a in axes}
    if len(new) != len(axes):
        raise ValueError(f"expand_dims(): axis {axis!r} names a position twice; list each once.")
    sizes = iter(x.shape)
    return reshape(x, tuple(1 if i in new else next(sizes) for i in range(ndim)))


def squeeze(x: Any, axis: int | Sequence[int] | None = None):
    """Remove axes of size 1 (all of them when ``axis`` is None), like ``np.squeeze``.

    Example:
        >>> import neurona as nr
        >>> squeeze(nr.tensor([[1.0], [2.0]])).shape
        (2,)
    """
    x = _input(x)
    axes = (
        {i for i, n in enumerate(x.shape) if n == 1}
        if axis is None
        else {_axis("squeeze", a, x.ndim) for a in ((axis,) if _int(axis) else axis)}
    )
    for a in sorted(axes):
        if x.shape[a] != 1:
            raise ValueError(
                f"squeeze(): axis {a} has size {x.shape[a]} in an input of shape "
                f"{x.shape}; only axes of size 1 can be removed. Pick one of those "
                "or leave axis=None."
            )
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in axes))


def flatten(x: Any, start_axis: int = 0):
    """Merge the axes from ``start_axis`` on into one: (batch, h, w, c) → (batch, h·w·c) with
    ``start_axis=1`` (what ``layers.Flatten`` does); all axes into one with 0.

    Example:
        >>> import neurona as nr
        >>> import numpy as np
        >>> flatten(nr.tensor(np.ones((2, 3, 4))), start_axis=1).shape
        (2, 12)
    """
    x = _input(x)
    start = _axis("flatten", start_axis, x.ndim) if x.ndim else 0
    return reshape(x, x.shape[:start] + (math.prod(x.shape[start:]),))


def _pad_pairs(pad_width: Any, ndim: int) -> tuple[tuple[int, int], ...]:
    """NumPy's ``pad_width`` forms (n, (before, after), or one pair per axis) as pairs."""
    items = [pad_width] if _int(pad_width) else list(pad_width)
    if items and all(_int(p) for p in items) and len(items) <= 2:
        pairs = [(items[0], items[-1])] * ndim
    elif len(items) == ndim and all(hasattr(p, "__len__") and len(p) in (1, 2) for p in items):
        pairs = [(p[0], p[-1]) for p in items]
    else:
        pairs = None
    if pairs is None or not all(_int(b) and _int(a) and b >= 0 and a >= 0 for b, a in pairs):
        raise ValueError(
            f"pad(): expected pad_width to be n, (before, after) or one (before, "
            f"after) pair of non-negative ints per axis ({ndim} axes), got "
            f"{pad_width!r}. E.g. ((0, 0), (1, 1), (1, 1), (0, 0)) for images."
        )
    return tuple((int(b), int(a)) for b, a in pairs)


def pad(x: Any, pad_width: Any, constant_values: float = 0.0):
    """Surround x with a constant border (zeros by default), like ``np.pad(mode='constant')``.

        z = x with pad_width[i] = (before, after) extra entries on axis i;
        ∂L/∂x = ∂L/∂z without the border

    Convolutions with ``padding='same'`` pad the image axes of (batch, h, w, c) this way.

    Example:
        >>> import neurona as nr
        >>> pad(nr.tensor([1.0, 2.0]), (1, 2))
        tensor([0., 1., 2., 0., 0.])
    """
    x = _input(x)
    return Pad.apply(x, pairs=_pad_pairs(pad_width, x.ndim), value=constant_values)


from neurona.functional.joining import concatenate, stack  # noqa: E402 (split out, re-exported)
