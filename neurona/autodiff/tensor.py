"""Floor 1: ``Tensor``, an array that remembers how it was computed.

A tensor holds ``data`` (a NumPy or CuPy array), ``grad`` (∂L/∂data after a backward pass, None
before), ``requires_grad`` and, when it is the result of an op, the node that made it. Its
operators (``+ - * / ** @``, indexing, ``.sum()`` …) forward to the primitives of
``neurona.functional``, where the maths lives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.autodiff import graph
from neurona.backend import default_dtype, get_array_module


def as_array(data: Any, dtype: Any = None, copy: bool = False):
    """Turn ``data`` into an array for a tensor.

    With ``dtype=None``: float arrays keep their dtype (float64 stays float64, as in PyTorch);
    lists, Python numbers, integer and boolean arrays become the default float dtype (float32).

    Example:
        >>> as_array([1, 2]).dtype, as_array(np.zeros(2)).dtype
        (dtype('float32'), dtype('float64'))
    """
    if isinstance(data, Tensor):
        data = data.data
    xp = get_array_module(data)
    if dtype is None:
        kind = getattr(getattr(data, "dtype", None), "kind", None)
        dtype = data.dtype if kind == "f" else default_dtype()
    try:
        return xp.array(data, dtype=dtype, copy=True) if copy else xp.asarray(data, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"tensor(): expected numbers, a (nested) list of numbers or an array, got "
            f"{type(data).__name__} ({err}). Convert the data with np.asarray(...) first."
        ) from None


class Tensor:
    """A differentiable array: ``data``, ``grad``, ``requires_grad`` and its place in the graph.

    ``Tensor(data)`` shares ``data`` when it already is an array of the right dtype;
    :func:`tensor` always copies (like ``torch.tensor``).

    Args:
        data: numbers, nested lists or an array.
        requires_grad: record the ops on this tensor so that ``backward()`` fills ``.grad``.
        dtype: the float dtype; None keeps a float array's dtype, else float32.
        name: an optional label, shown by ``to_dot``.

    Example:
        >>> x = Tensor([3.0], requires_grad=True)
        >>> y = x ** 2
        >>> y.backward()
        >>> x.grad
        array([6.], dtype=float32)
    """

    __slots__ = (
        "data",
        "grad",
        "requires_grad",
        "_ctx",
        "_index",
        "tangent",
        "name",
        "_retains_grad",
        "__weakref__",
    )
    __array_ufunc__ = None  # ndarray ∘ Tensor defers to Tensor's reflected operators
    __hash__ = object.__hash__  # == is elementwise, so hash by identity

    def __init__(
        self, data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None
    ) -> None:
        self.data = as_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"Only float tensors can require grad, got dtype {self.data.dtype}.")
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self._ctx = None
        self._index = 0
        self.tangent = None
        self.name = name
        self._retains_grad = False

    @classmethod
    def _make(cls, data: Any, requires_grad: bool, ctx: Any, index: int) -> Tensor:
        """Fast constructor used by ops (no conversion, no checks)."""
        t = cls.__new__(cls)
        t.data, t.grad, t.requires_grad, t._ctx, t._index = data, None, requires_grad, ctx, index
        t.tangent, t.name, t._retains_grad = None, None, False
        return t

    # ----- facts -------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of ``data``."""
        return self.data.shape

    @property
    def dtype(self):
        """The dtype of ``data``."""
        return self.data.dtype

    @property
    def ndim(self) -> int:
        """The number of axes."""
        return self.data.ndim

    @property
    def size(self) -> int:
        """The number of elements."""
        return self.data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than by an op (their ``.grad`` is kept)."""
        return self._ctx is None

    @property
    def grad_fn(self):
        """The node (``Function``) that produced this tensor, or None for a leaf."""
        return self._ctx

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        body = np.array2string(np.asarray(self.numpy()), separator=", ", prefix="tensor(")
        extra = f", dtype={self.dtype}" if self.dtype != default_dtype() else ""
        if self._ctx is not None:
            extra += f", grad_fn={type(self._ctx).__name__}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    def __bool__(self) -> bool:
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.data)

    # ----- conversion and graph control ---------------------------------------------------
    def numpy(self) -> np.ndarray:
        """The data as a NumPy array (copied from the GPU when it lives there)."""
        data = self.data
        return data.get() if hasattr(data, "get") and not isinstance(data, np.ndarray) else data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """``np.asarray(tensor)`` gives the values (no gradient), as for a Keras tensor.

        Example:
            >>> np.asarray(Tensor([1.0, 2.0]))
            array([1., 2.], dtype=float32)
        """
        data = np.asarray(self.numpy())  # a 0-d result may hold a NumPy scalar, not an array
        if dtype is not None and data.dtype != dtype:
            return data.astype(dtype)
        return np.array(data, copy=True) if copy else data

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item(): expected a tensor with one element, got shape {self.shape}. "
                "Index it or reduce it (.sum(), .mean()) first."
            )
        return self.data.item()

    # ----- Keras's variable API: in-place updates of a weight -----------------------------
    def assign(self, value: Any) -> Tensor:
        """Set the values in place, ``w ← value`` (Keras's ``Variable.assign``); no gradient.

        Example:
            >>> w = Tensor([1.0, 2.0]); w.assign([5.0, 6.0]).numpy()
            array([5., 6.], dtype=float32)
        """
        self.data[...] = getattr(value, "data", value)
        return self

    def assign_add(self, delta: Any) -> Tensor:
        """``w ← w + delta`` in place (Keras's ``Variable.assign_add``).

        Example:
            >>> Tensor([1.0]).assign_add(2.0).numpy()
            array([3.], dtype=float32)
        """
        self.data += getattr(delta, "data", delta)
        return self

    def assign_sub(self, delta: Any) -> Tensor:
        """``w ← w − delta`` in place (Keras's ``Variable.assign_sub``).

        Example:
            >>> Tensor([1.0]).assign_sub(2.0).numpy()
            array([-1.], dtype=float32)
        """
        self.data -= getattr(delta, "data", delta)
        return self

    def detach(self) -> Tensor:
        """A new leaf sharing ``data`` but cut from the graph (no gradient flows through it)."""
        return Tensor._make(self.data, False, None, 0)

    def retain_grad(self) -> Tensor:
        """Keep ``.grad`` on this intermediate tensor after backward (leaves always keep it)."""
        self._retains_grad = True
        return self

    def backward(self, grad: Any = None, retain_graph: bool = False) -> None:
        """Fill ``.grad`` of the leaves this tensor depends on (see ``graph.backward``).

        Args:
            grad: ∂L/∂self; may be omitted only for a one-element tensor (it is then 1).
            retain_graph: keep the graph so that backward can run through it again.
        """
        graph.backward(self, grad, retain_graph)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad = None``)."""
        self.grad = None

    # ----- arithmetic (forward to neurona.functional) ----------------------------------------
    def __add__(self, other: Any) -> Tensor:
        return F.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return F.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return F.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return F.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return F.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return F.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return F.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return F.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return F.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return F.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return F.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return F.matmul(other, self)

    def __neg__(self) -> Tensor:
        return F.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return F.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return F.getitem(self, index)

    # comparisons give boolean tensors and never carry a gradient
    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return F.equal(self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return F.not_equal(self, other)

    def __lt__(self, other: Any) -> Tensor:
        return F.less(self, other)

    def __le__(self, other: Any) -> Tensor:
        return F.less_equal(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return F.greater(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return F.greater_equal(self, other)

    # ----- methods ------------------------------------------------------------------------
    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Σ over ``axis`` (all axes when None)."""
        return F.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (all axes when None)."""
        return F.mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis``; the gradient is shared equally among ties."""
        return F.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis``; the gradient is shared equally among ties."""
        return F.min(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape: Any) -> Tensor:
        """The same data with a new shape (``-1`` infers one axis)."""
        return F.reshape(self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes: Any) -> Tensor:
        """Permute axes (reverse them when none are given)."""
        return F.transpose(self, (axes[0] if len(axes) == 1 else axes) or None)

    @property
    def T(self) -> Tensor:  # noqa: N802 - NumPy's name
        """The transpose (axes reversed)."""
        return F.transpose(self)

    def exp(self) -> Tensor:
        """eˣ elementwise."""
        return F.exp(self)

    def log(self) -> Tensor:
        """Natural logarithm elementwise."""
        return F.log(self)

    def sqrt(self) -> Tensor:
        """√x elementwise."""
        return F.sqrt(self)

    def abs(self) -> Tensor:
        """|x| elementwise."""
        return F.abs(self)

    def clip(self, min_value: Any = None, max_value: Any = None) -> Tensor:
        """Limit values to [min_value, max_value]."""
        return F.clip(self, min_value, max_value)


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Create a leaf tensor from a copy of ``data``.

    Lists and Python numbers become float32 (the default dtype); a float array keeps its dtype
    (float64 stays float64); ``dtype=`` chooses explicitly.

    Example:
        >>> tensor([1, 2]).dtype
        dtype('float32')
        >>> tensor(np.zeros(2)).dtype, tensor(np.zeros(2), dtype="float32").dtype
        (dtype('float64'), dtype('float32'))
    """
    t = Tensor.__new__(Tensor)
    Tensor.__init__(t, as_array(data, dtype, copy=True), requires_grad)
    return t


# NOTE: the one upward reference in the house. The operators above forward to floor 2, whose
# modules import this one; importing it last (when Tensor exists) breaks the cycle.
from neurona import functional as F  # noqa: E402
