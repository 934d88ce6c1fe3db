"""Floor 2: the matrix product and the fused dense node a = f(x W + b), one node on the tape with
a hand-written backward: the course's backpropagation equations for one layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional import activations
from neurona.functional._broadcast import unbroadcast

__all__ = ["matmul", "dense"]

_FUSED = (None, "linear", "relu", "sigmoid", "tanh")  # activations dense applies in place


class MatMul(Function):
    """z = x y (np.matmul: 1-D operands are promoted, leading axes broadcast).
    backward: ∂L/∂x = ∂L/∂z yᵀ, ∂L/∂y = xᵀ ∂L/∂z (summed over broadcast axes).
    jvp: ż = ẋ y + x ẏ."""

    def forward(self, x, y):
        self.save_for_backward(x, y)
        return x @ y

    def backward(self, grad_out):
        x, y = self.saved
        need_x, need_y = self.needs_input_grad
        xp = get_array_module(grad_out)
        if x.ndim == 2 and y.ndim == 2:  # the common case: one product each (xp.dot: see Dense)
            return (grad_out @ y.T if need_x else None), (xp.dot(x.T, grad_out) if need_y else None)
        # promote 1-D operands as np.matmul does: x (k,) → (1, k), y (k,) → (k, 1)
        x2 = x.reshape(1, -1) if x.ndim == 1 else x
        y2 = y.reshape(-1, 1) if y.ndim == 1 else y
        g = xp.asarray(grad_out)
        g = g[..., None] if y.ndim == 1 else g
        g = xp.expand_dims(g, -2) if x.ndim == 1 else g
        grad_x = grad_y = None
        if need_x:
            grad_x = unbroadcast(g @ xp.swapaxes(y2, -1, -2), x2.shape).reshape(x.shape)
        if need_y:
            grad_y = unbroadcast(xp.swapaxes(x2, -1, -2) @ g, y2.shape).reshape(y.shape)
        return grad_x, grad_y

    def jvp(self, x_dot, y_dot):
        x, y = self.saved
        return x_dot @ y + x @ y_dot


def _check_matmul(x_shape: tuple, y_shape: tuple) -> None:
    """Raise a ValueError naming both shapes before np.matmul would fail."""
    if not x_shape or not y_shape:
        raise ValueError(
            f"matmul: expected operands with at least one axis; got shapes {x_shape} and "
            f"{y_shape}. Use * (F.mul) to multiply by a scalar."
        )
    k_x = x_shape[-1]
    k_y, where_y = (y_shape[-2], "second-to-last") if len(y_shape) > 1 else (y_shape[0], "only")
    if k_x != k_y:
        raise ValueError(
            f"matmul: expected the last axis of x ({k_x}) to equal the {where_y} axis of y "
            f"({k_y}); got shapes {x_shape} and {y_shape}. Transpose one operand or check the "
            "layer sizes."
        )
    batch_x, batch_y = x_shape[:-2], y_shape[:-2]
    for n, m in zip(reversed(batch_x), reversed(batch_y)):
        if n != m and n != 1 and m != 1:
            raise ValueError(
                f"matmul: expected leading (batch) axes that broadcast; got shapes {x_shape} "
                f"and {y_shape}, whose batch axes {batch_x} and {batch_y} do not. Make them "
                "equal, or 1 where one operand is shared."
            )


def matmul(x: Any, y: Any):
    """Matrix product x y with NumPy's rules: 2-D @ 2-D, 1-D operands promoted, batches broadcast.

        z = x y,  zᵢⱼ = Σₖ xᵢₖ yₖⱼ          ∂L/∂x = ∂L/∂z yᵀ     ∂L/∂y = xᵀ ∂L/∂z

    ``x @ y`` on tensors calls this.

    Shape:
        x: (..., n, k) or (k,);  y: (..., k, m) or (k,);  z: (..., n, m) without promoted axes.

    Raises:
        ValueError: when the inner axes differ or the batch axes do not broadcast (checked
            before any arithmetic).

    Example:
        >>> import neurona as nr
        >>> matmul(nr.tensor([[1.0, 2.0]]), nr.tensor([[3.0], [4.0]]))
        tensor([[11.]])
    """
    x, y = _operand(x), _operand(y)
    _check_matmul(x.shape, y.shape)
    return MatMul.apply(x, y)


def row_sum(delta):
    """Σ over the rows of a 2-D array, ∂L/∂b = Σ_rows δ of a bias added to every row, as one
    product 1ᵀ δ (BLAS): 1.3–5× faster than ``delta.sum(axis=0)`` for the tall δ of dense and
    convolution layers (measured for 256–43,264 rows).

    Example:
        >>> import numpy as np
        >>> row_sum(np.arange(6.0).reshape(3, 2))
        array([6., 9.])
    """
    xp = get_array_module(delta)
    return xp.dot(xp.ones(delta.shape[0], dtype=delta.dtype), delta)


def _operand(a: Any) -> Any:
    """A tensor or array as it is; anything else (lists, numbers) as an array."""
    return a if hasattr(a, "shape") else get_array_module(a).asarray(a)


class Dense(Function):
    """a = f(z), z = x W + b, for f in (identity, relu, sigmoid, tanh, softmax over the units),
    applied in place.  backward, with δ = ∂L/∂a ⊙ f'(z) and f' read from the saved output a
    (softmax: δ = a ⊙ (∂L/∂a − Σ_units ∂L/∂a ⊙ a)):
        ∂L/∂W = xᵀ δ     ∂L/∂b = Σ_rows δ     ∂L/∂x = δ Wᵀ (only when x needs it).
    jvp: ȧ = f'(z) ⊙ (ẋ W + x Ẇ + ḃ) (the same δ formula: softmax's Jacobian is symmetric)."""

    def forward(self, x, W, b=None, activation=None):
        xp = get_array_module(x, W)
        x2 = x if x.ndim == 2 else x.reshape(-1, W.shape[0])  # (n, d_in), rows are samples
        z = x2 @ W  # (n, units), a fresh buffer: the activation may overwrite it
        if b is not None:
            if b.dtype == z.dtype:
                z += b
            else:
                z = z + b
        if activation == "relu":
            xp.maximum(z, 0, out=z)
        elif activation == "sigmoid":
            xp.negative(z, out=z)
            with xp.errstate(over="ignore"):  # e^{−z} = inf gives σ = 0 exactly
                xp.exp(z, out=z)
            z += 1
            xp.reciprocal(z, out=z)
        elif activation == "tanh":
            xp.tanh(z, out=z)
        elif activation == "softmax":  # as F.softmax: e^{z − max} / Σ e^{z − max}, in place
            z -= z.max(axis=1, keepdims=True)
            xp.exp(z, out=z)
            z /= z.sum(axis=1, keepdims=True)
        self.save_for_backward(x2, W, z, activation, x.shape)
        return z if x.ndim == 2 else z.reshape(x.shape[:-1] + (W.shape[1],))

    def _delta(self, a, grad_a):
        """δ = ∂L/∂a ⊙ f'(z), with f' read from the output a = f(z) (a fresh buffer)."""
        activation = self.saved[3]
        if activation == "relu":
            return grad_a * (a > 0)  # relu' = 1 where z > 0, else 0 (relu'(0) = 0)
        if activation == "sigmoid":
            delta = 1 - a
            delta *= a  # σ' = a(1 − a)
        elif activation == "tanh":
            delta = a * a
            get_array_module(a).subtract(1, delta, out=delta)  # tanh' = 1 − a²
        elif activation == "softmax":  # J g = a ⊙ (g − Σ g a), J symmetric
            return a * (grad_a - (grad_a * a).sum(axis=1, keepdims=True))
        else:
            return grad_a  # identity: δ = ∂L/∂a
        delta *= grad_a
        return delta

    def backward(self, grad_out):
        x2, W, a, _, x_shape = self.saved
        need_x, need_W, need_b = self.needs_input_grad
        delta = self._delta(a, grad_out.reshape(a.shape))  # (n, units)
        grad_x = (delta @ W.T).reshape(x_shape) if need_x else None  # (n, d_in), δ Wᵀ
        # NOTE: xp.dot, not @: NumPy's matmul of a (d_in, 1) view by a (1, units) array (batch
        # of one, the course's one-sample SGD) skips BLAS and is ~5x slower
        grad_W = get_array_module(a).dot(x2.T, delta) if need_W else None  # (d_in, units), xᵀ δ
        grad_b = row_sum(delta) if need_b else None  # (units,), Σ_rows δ
        return grad_x, grad_W, grad_b

    def jvp(self, x_dot, W_dot, b_dot=None):
        x2, W, a, _, x_shape = self.saved
        z_dot = x_dot.reshape(x2.shape) @ W + x2 @ W_dot
        if b_dot is not None:
            z_dot = z_dot + b_dot
        return self._delta(a, z_dot).reshape(x_shape[:-1] + (W.shape[1],))  # ȧ = f'(z) ż


def _check_dense(x_shape: tuple, W_shape: tuple, b_shape: tuple | None) -> None:
    """Raise a ValueError naming the shapes before any arithmetic."""
    if len(W_shape) != 2:
        raise ValueError(
            f"dense: expected a kernel W of shape (d_in, units), got shape {W_shape}. Keras's "
            "layout is (inputs, units): the slides' W is our Wᵀ."
        )
    d_in, units = W_shape
    if not x_shape or x_shape[-1] != d_in:
        raise ValueError(
            f"dense: expected inputs x whose last axis has size {d_in} (W has shape {W_shape}), "
            f"got x of shape {x_shape}. Flatten the input to (batch, {d_in}) or check the "
            "layer sizes."
        )
    if b_shape is not None and b_shape != (units,):
        raise ValueError(
            f"dense: expected a bias b of shape ({units},), got shape {b_shape}. Use one bias "
            "per unit."
        )


def _activation_function(activation: str | Callable) -> Callable:
    """The activation to apply after a non-fused dense node: a callable or a known name."""
    if callable(activation):
        return activation
    if isinstance(activation, str) and activation in activations.__all__:
        return getattr(activations, activation)
    raise ValueError(
        f"dense: expected activation None, a callable or one of {sorted(activations.__all__)}, "
        f"got {activation!r}. Check the spelling (Keras's names are lower case)."
    )


def dense(x: Any, W: Any, b: Any = None, activation: str | Callable | None = None):
    """Fully connected layer as one node: every output unit sees every input unit.

        z = x W + b          a = f(z)
        with δ = ∂L/∂a ⊙ f'(z):   ∂L/∂W = xᵀ δ    ∂L/∂b = Σ_rows δ    ∂L/∂x = δ Wᵀ

    The course's δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ f'(z_l) is this backward applied layer after layer.
    W is Keras's kernel (d_in, units): the slides' W x with column vectors is our x W, W ↦ Wᵀ.
    For f in None/'linear', 'relu', 'sigmoid' and 'tanh' the activation is fused into the node
    (computed in place, f' read from the output: relu' = [a > 0], σ' = a(1 − a),
    tanh' = 1 − a²); any other activation name (``functional.activations``) or a callable
    is applied after the node.

    Args:
        x: inputs, (batch, d_in) or (batch, ..., d_in).
        W: kernel, (d_in, units).
        b: bias, (units,), or None for no bias.
        activation: None, a name such as "relu", or a callable on tensors.

    Shape:
        output: (batch, ..., units)

    Raises:
        ValueError: when the shapes do not fit or the activation name is unknown.

    Example:
        >>> import numpy as np, neurona as nr
        >>> x, W = nr.tensor(np.ones((2, 3))), nr.tensor(np.full((3, 4), 0.5))
        >>> dense(x, W, nr.tensor(-np.ones(4)), activation="relu")
        tensor([[0.5, 0.5, 0.5, 0.5],
                [0.5, 0.5, 0.5, 0.5]], dtype=float64)
    """
    x, W, b = _operand(x), _operand(W), None if b is None else _operand(b)
    _check_dense(x.shape, W.shape, None if b is None else b.shape)
    if activation in _FUSED:
        return Dense.apply(x, W, b, activation=None if activation == "linear" else activation)
    f = _activation_function(activation)
    return f(Dense.apply(x, W, b, activation=None))
