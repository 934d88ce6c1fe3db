"""Side floor: ``keras.ops``, the names the Keras guides use, each one call into
``neurona.functional`` (or a Tensor method) so that gradients flow through them. Keras's
argument names and defaults; NumPy arrays and numbers are accepted wherever a tensor is.

Called on symbolic tensors (``layers.Input``), each function records an ``Operation`` node
instead, so Functional models can use ops between layers as in Keras."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from neurona import functional as F
from neurona.autodiff import Function, Tensor
from neurona.backend import floatx
from neurona.layers.operation import record_op, register_op
from neurona.layers.symbolic import KerasTensor

__all__ = [
    "abs",
    "add",
    "argmax",
    "cast",
    "concatenate",
    "convert_to_tensor",
    "divide",
    "exp",
    "log",
    "matmul",
    "max",
    "mean",
    "multiply",
    "one_hot",
    "ones",
    "relu",
    "reshape",
    "shape",
    "sigmoid",
    "softmax",
    "sqrt",
    "square",
    "stack",
    "subtract",
    "sum",
    "tanh",
    "zeros",
]


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def convert_to_tensor(x: Any, dtype: str | None = None, sparse: bool | None = None) -> Tensor:
    """A Tensor from an array, a list or a number (a Tensor of the same dtype passes through).
    Python floats become ``floatx()`` ('float32'), as in Keras.

    Example:
        >>> convert_to_tensor([1.0, 2.0]).dtype, convert_to_tensor(np.arange(2)).dtype
        (dtype('float32'), dtype('int64'))
    """
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == np.dtype(dtype) else cast(x, dtype)
    array = np.asarray(x)
    if dtype is None and not isinstance(x, np.ndarray):  # Python numbers: Keras's defaults
        dtype = {"f": floatx(), "i": "int32"}.get(array.dtype.kind)
    array = array if dtype is None else array.astype(dtype)
    return Tensor(array, dtype=array.dtype)


def zeros(shape: Any, dtype: str | None = None) -> Tensor:
    """A tensor of zeros (dtype default ``floatx()``).

    Example:
        >>> zeros((2, 3)).shape
        (2, 3)
    """
    return Tensor(np.zeros(shape, dtype=dtype or floatx()))


def ones(shape: Any, dtype: str | None = None) -> Tensor:
    """A tensor of ones (dtype default ``floatx()``).

    Example:
        >>> ones((2,)).numpy()
        array([1., 1.], dtype=float32)
    """
    return Tensor(np.ones(shape, dtype=dtype or floatx()))


def shape(x: Any) -> tuple:
    """The shape as a tuple of ints.

    Example:
        >>> shape(ones((4, 2)))[0]
        4
    """
    if isinstance(x, KerasTensor):
        return tuple(x.shape)  # Keras: the symbolic shape, None for free axes
    return tuple(np.shape(getattr(x, "data", x)))


class _Cast(Function):
    """z = x in another float dtype.  backward: ∂L/∂x = ∂L/∂z in x's dtype.  jvp: ż = ẋ."""

    def forward(self, x, dtype=None):
        self.save_for_backward(x.dtype)
        return x.astype(dtype)

    def backward(self, grad_out):
        (dtype,) = self.saved
        return grad_out.astype(dtype)

    def jvp(self, x_dot):
        return x_dot


def cast(x: Any, dtype: str) -> Tensor:
    """``x`` converted to ``dtype``; the gradient flows through a cast between float dtypes
    (a cast to an integer or bool dtype carries none).

    Example:
        >>> cast(np.array([1.7, -0.2]), "int32").numpy()
        array([1, 0], dtype=int32)
    """
    x = _tensor(x)
    if np.dtype(dtype).kind == "f" and x.dtype.kind == "f":
        return _Cast.apply(x, dtype=np.dtype(dtype))
    return Tensor(x.data.astype(dtype), dtype=dtype)


def add(x1: Any, x2: Any) -> Tensor:
    """x1 + x2, broadcast.

    Example:
        >>> add(ones((2,)), 1.0).numpy()
        array([2., 2.], dtype=float32)
    """
    return F.add(_tensor(x1), x2)


def subtract(x1: Any, x2: Any) -> Tensor:
    """x1 − x2, broadcast.

    Example:
        >>> subtract(ones((2,)), 1.0).numpy()
        array([0., 0.], dtype=float32)
    """
    return F.sub(_tensor(x1), x2)


def multiply(x1: Any, x2: Any) -> Tensor:
    """x1 ⊙ x2, broadcast.

    Example:
        >>> multiply(ones((2,)), 3.0).numpy()
        array([3., 3.], dtype=float32)
    """
    return F.mul(_tensor(x1), x2)


def divide(x1: Any, x2: Any) -> Tensor:
    """x1 / x2, broadcast.

    Example:
        >>> divide(ones((2,)), 4.0).numpy()
        array([0.25, 0.25], dtype=float32)
    """
    return F.div(_tensor(x1), x2)


def matmul(x1: Any, x2: Any) -> Tensor:
    """The matrix product x1 @ x2 (batched over leading axes).

    Example:
        >>> matmul(ones((2, 3)), ones((3, 4))).shape
        (2, 4)
    """
    return F.matmul(_tensor(x1), _tensor(x2))


def square(x: Any) -> Tensor:
    """x², elementwise.

    Example:
        >>> square(np.array([3.0])).numpy()
        array([9.])
    """
    return F.square(_tensor(x))


def sqrt(x: Any) -> Tensor:
    """√x, elementwise.

    Example:
        >>> sqrt(np.array([9.0])).numpy()
        array([3.])
    """
    return F.sqrt(_tensor(x))


def exp(x: Any) -> Tensor:
    """eˣ, elementwise.

    Example:
        >>> exp(np.array([0.0])).numpy()
        array([1.])
    """
    return F.exp(_tensor(x))


def log(x: Any) -> Tensor:
    """ln x, elementwise.

    Example:
        >>> log(np.array([1.0])).numpy()
        array([0.])
    """
    return F.log(_tensor(x))


def abs(x: Any) -> Tensor:  # noqa: A001 - Keras's name
    """|x|, elementwise.

    Example:
        >>> abs(np.array([-2.0])).numpy()
        array([2.])
    """
    return F.abs(_tensor(x))


def relu(x: Any) -> Tensor:
    """max(0, x), elementwise.

    Example:
        >>> relu(np.array([-1.0, 2.0])).numpy()
        array([0., 2.])
    """
    return F.relu(_tensor(x))


def sigmoid(x: Any) -> Tensor:
    """σ(x) = 1 / (1 + e⁻ˣ), elementwise.

    Example:
        >>> sigmoid(np.array([0.0])).numpy()
        array([0.5])
    """
    return F.sigmoid(_tensor(x))


def tanh(x: Any) -> Tensor:
    """tanh x, elementwise.

    Example:
        >>> tanh(np.array([0.0])).numpy()
        array([0.])
    """
    return F.tanh(_tensor(x))


def softmax(x: Any, axis: int = -1) -> Tensor:
    """softmax(x)ᵢ = e^xᵢ / Σⱼ e^xⱼ along ``axis``.

    Example:
        >>> softmax(np.zeros((1, 4))).numpy()
        array([[0.25, 0.25, 0.25, 0.25]])
    """
    return F.softmax(_tensor(x), axis=axis)


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Σ over ``axis`` (all axes when None).

    Example:
        >>> sum(ones((2, 3)), axis=0).numpy()
        array([2., 2., 2.], dtype=float32)
    """
    return F.sum(_tensor(x), axis=axis, keepdims=keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The mean over ``axis`` (all axes when None).

    Example:
        >>> float(mean(np.array([1.0, 3.0])).item())
        2.0
    """
    return F.mean(_tensor(x), axis=axis, keepdims=keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """The maximum over ``axis`` (all axes when None).

    Example:
        >>> float(max(np.array([1.0, 3.0])).item())
        3.0
    """
    return F.max(_tensor(x), axis=axis, keepdims=keepdims)


def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """The index of the maximum along ``axis`` (of the flattened array when None); int32, no
    gradient.

    Example:
        >>> argmax(np.array([[1.0, 3.0], [5.0, 2.0]]), axis=1).numpy()
        array([1, 0], dtype=int32)
    """
    index = np.argmax(np.asarray(getattr(x, "data", x)), axis=axis, keepdims=keepdims)
    return Tensor(np.asarray(index, dtype="int32"), dtype="int32")


def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: str | None = None) -> Tensor:
    """One-hot vectors of length ``num_classes`` for integer labels ``x`` (new axis ``axis``).

    Example:
        >>> one_hot(np.array([0, 2]), 3).numpy()
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    labels = np.asarray(getattr(x, "data", x)).astype("int64")
    out = (labels[..., None] == np.arange(num_classes)).astype(dtype or floatx())
    return Tensor(np.moveaxis(out, -1, axis))


def reshape(x: Any, newshape: Any) -> Tensor:
    """``x`` with the shape ``newshape`` (one axis may be -1).

    Example:
        >>> reshape(ones((2, 3)), (-1,)).shape
        (6,)
    """
    return F.reshape(_tensor(x), newshape)


def concatenate(xs: Any, axis: int = 0) -> Tensor:
    """The tensors ``xs`` joined along an existing ``axis``.

    Example:
        >>> concatenate([ones((2, 1)), zeros((2, 2))], axis=1).shape
        (2, 3)
    """
    return F.concatenate([_tensor(x) for x in xs], axis=axis)


def stack(x: Any, axis: int = 0) -> Tensor:
    """The tensors ``x`` (same shape) stacked along a new ``axis``.

    Example:
        >>> stack([ones((2,)), zeros((2,))], axis=1).shape
        (2, 2)
    """
    return F.stack([_tensor(t) for t in x], axis=axis)


def _symbolic(name: str, function: Any) -> Any:
    """``function`` that records an Operation node when any argument holds a KerasTensor."""

    @functools.wraps(function)
    def op(*args: Any, **kwargs: Any) -> Any:
        if _holds_keras_tensor((args, kwargs)):
            return record_op(name, args, kwargs)
        return function(*args, **kwargs)

    return op


def _holds_keras_tensor(value: Any) -> bool:
    if isinstance(value, KerasTensor):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds_keras_tensor(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_keras_tensor(v) for v in value.values())
    return False


for _name in __all__:
    if _name not in ("shape", "zeros", "ones", "convert_to_tensor"):
        register_op(_name, globals()[_name])
        globals()[_name] = _symbolic(_name, globals()[_name])
del _name
