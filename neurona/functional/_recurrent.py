"""Floor 2: what the recurrent kernels (``simple_rnn``, ``lstm``, ``gru``) share: activations on
plain arrays with their derivatives (a fast path for tanh and sigmoid), the inputs with their
dropout mask (time-major for ``simple_rnn``; feature-major for the gated cells, whose gate
blocks are then contiguous) with the products over all steps, and the shape checks that run
before any arithmetic."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.forward import jvp
from neurona.autodiff.graph import no_grad
from neurona.autodiff.tensor import Tensor
from neurona.backend import get_array_module
from neurona.functional import _workspace as workspace
from neurona.functional import activations

__all__: list[str] = []  # a private module: helpers of the kernels, nothing public

_FAST = ("tanh", "sigmoid", "linear")


class _Activation:
    """f and f' on arrays, for the gates of a recurrent cell.

    tanh, sigmoid and linear run in place with f' read from the output a (tanh' = 1 − a²,
    σ' = a(1 − a)); any other Keras name (``functional.activations``) or an elementwise callable
    on tensors runs through the tape, its derivative f'(z) taken by forward mode (a jvp along
    ones), so the kernel must keep z (``needs_z``).
    """

    def __init__(self, where: str, identifier: Any) -> None:
        name = getattr(identifier, "__name__", None) if callable(identifier) else identifier
        if identifier is None:
            name = "linear"
        if name in _FAST and (
            isinstance(identifier, str)
            or identifier is None
            or identifier is getattr(activations, name)
        ):
            self.kind, self.fn = name, None
        elif isinstance(identifier, str):
            if identifier not in activations.__all__:
                raise ValueError(
                    f"{where}: expected an activation name among "
                    f"{sorted(activations.__all__)} or a callable, got "
                    f"{identifier!r}. Keras's names are lower case, e.g. 'tanh'."
                )
            self.kind, self.fn = "generic", getattr(activations, identifier)
        elif callable(identifier):
            self.kind, self.fn = "generic", identifier
        else:
            raise TypeError(
                f"{where}: expected an activation name or a callable, got {identifier!r}."
            )
        self.needs_z = self.kind == "generic"

    def apply(self, z, out) -> None:
        """out = f(z); ``out`` may be ``z`` itself (then z is overwritten)."""
        xp = get_array_module(z)
        if self.kind == "tanh":
            xp.tanh(z, out=out)
        elif self.kind == "sigmoid":  # σ(z) = 1/(1 + e^{−z}); e^{−z} = inf gives exactly 0
            xp.negative(z, out=out)
            xp.exp(out, out=out)
            out += 1
            xp.reciprocal(out, out=out)
        elif self.kind == "linear":
            if out is not z:
                out[...] = z
        else:
            with no_grad():
                a = self.fn(z)
                out[...] = a.data if isinstance(a, Tensor) else a

    def backprop(self, grad, z, a, scratch) -> None:
        """grad ← grad ⊙ f'(z), in place; f' from the output a when it can (``scratch`` is a
        buffer of grad's shape)."""
        xp = get_array_module(grad)
        if self.kind == "tanh":  # tanh' = 1 − a²
            xp.multiply(a, a, out=scratch)
            xp.subtract(1, scratch, out=scratch)
            grad *= scratch
        elif self.kind == "sigmoid":  # σ' = a(1 − a)
            xp.subtract(1, a, out=scratch)
            scratch *= a
            grad *= scratch
        elif self.kind == "generic":
            _, slope = jvp(self.fn, (z,), (xp.ones_like(z),))
            grad *= slope.data


def activation(where: str, identifier: Any) -> _Activation:
    """The activation helper for a kernel (raises the house error for an unknown name)."""
    return _Activation(where, identifier)


def time_major(x, x_mask, go_backwards: bool):
    """The input as a contiguous (time, batch, features) array, in processing order (reversed
    when ``go_backwards``), multiplied by the per-sequence input dropout mask (batch, features)."""
    xp = get_array_module(x)
    xt = x[:, ::-1] if go_backwards else x
    if x_mask is not None:
        xt = xt * x_mask[:, None, :]
    return xp.ascontiguousarray(xt.transpose(1, 0, 2))  # (T, B, D)


def grad_input(dZ, W, x_shape: tuple, x_mask, go_backwards: bool):
    """∂L/∂x from the gates' pre-activation gradients of all steps in one product:
    ∂L/∂x_t = (∂L/∂z_t Wᵀ) ⊙ m_x, back in (batch, time, features) and in the input's order."""
    T, B = dZ.shape[:2]
    dx = (dZ.reshape(T * B, -1) @ W.T).reshape(T, B, -1).transpose(1, 0, 2)  # (B, T, D)
    if x_mask is not None:
        dx = dx * x_mask[:, None, :]
    return dx[:, ::-1] if go_backwards else dx


def weight_grad(inputs, dZ):
    """Σ_t inputs_tᵀ ∂L/∂z_t over all steps in one product: (T, B, k), (T, B, m) → (k, m)."""
    xp = get_array_module(dZ)
    k, m = inputs.shape[-1], dZ.shape[-1]
    return xp.dot(inputs.reshape(-1, k).T, dZ.reshape(-1, m))


def common_dtype(*arrays):
    """The dtype every array of a kernel is computed in (NumPy's promotion over those given),
    and the arrays in it (None stays None; an array of that dtype is not copied)."""
    xp = get_array_module(*(a for a in arrays if a is not None))
    dtype = xp.result_type(*(a.dtype for a in arrays if a is not None))
    return dtype, [None if a is None else a.astype(dtype, copy=False) for a in arrays]


def stacked_inputs(x, x_mask, go_backwards: bool, rows_after: int, dtype):
    """The inputs feature-major, one contiguous (features + 1 + rows_after, batch) block per
    step, in processing order: the rows x_tᵀ (⊙ the dropout mask), a row of ones (the bias's
    input, so that one product gives x_t W + b) and ``rows_after`` rows left to the kernel (the
    LSTM writes h_{t−1} there). Shape (time + 1, ·, batch) when ``rows_after`` (block t + 1
    receives h_t), else (time, ·, batch).

    NOTE: the kernels run feature-major, a gate block (units, batch) being then contiguous:
    NumPy's ufuncs on contiguous blocks run about 3× faster than on the column slices
    (batch, units) of a batch-major (batch, gates·units) array."""
    xp = get_array_module(x)
    B, T, D = x.shape
    xs = x[:, ::-1] if go_backwards else x
    if x_mask is not None:
        xs = xs * x_mask[:, None, :]
    out = xp.empty((T + (1 if rows_after else 0), D + 1 + rows_after, B), dtype=dtype)
    out[:T, :D] = xs.transpose(1, 2, 0)
    out[:, D] = 1
    return out


def steps_flat(A):
    """All steps of a feature-major (T, m, B) array side by side as one (m, T·B) matrix (a copy
    from the work pool: give it back when done)."""
    xp = get_array_module(A)
    T, m, B = A.shape
    flat = workspace.take((m, T * B), A.dtype, xp)
    flat.reshape(m, T, B)[...] = A.transpose(1, 0, 2)
    return flat


def stacked_grad(dZ, inputs):
    """Σ_t ∂L/∂z_t inputs_tᵀ over all steps and rows in one product, feature-major:
    dZ (T, m, B) and inputs (T, k, B) → (m, k). Also returns dZ as one (m, T·B) matrix
    (``steps_flat``), for ``stacked_grad_input``."""
    flat, rows = steps_flat(dZ), steps_flat(inputs)
    grad = flat @ rows.T
    workspace.give(rows)
    return grad, flat


def stacked_grad_input(flat, W, batch: int, x_mask, go_backwards: bool):
    """∂L/∂x from all steps' gradients flat (m, T·B) and the kernel W (features, m) in one
    product: ∂L/∂x_t = (W ∂L/∂z_t)ᵀ ⊙ m_x, back in (batch, time, features), in input order."""
    D = W.shape[0]
    dx = (W @ flat).reshape(D, -1, batch).transpose(2, 1, 0)  # (B, T, D)
    if x_mask is not None:
        dx = dx * x_mask[:, None, :]
    return dx[:, ::-1] if go_backwards else dx


def initial_state(state, batch: int, units: int, like):
    """The given initial state, or zeros (batch, units) in ``like``'s dtype."""
    xp = get_array_module(like)
    if state is None:
        return xp.zeros((batch, units), dtype=like.dtype)
    return state


def check_sequence(
    where: str,
    x_shape: tuple,
    W_shape: tuple,
    U_shape: tuple,
    gates: int,
    states: dict,
    masks: dict,
) -> tuple[int, int, int, int]:
    """Check x (batch, time, features), W (features, gates·u), U (u, gates·u), the initial
    states (batch, u) and the masks; return (batch, time, features, units)."""
    if len(x_shape) != 3:
        raise ValueError(
            f"{where}: expected x of shape (batch, time, features), got shape "
            f"{x_shape}. Reshape a single sequence to (1, time, features), or a "
            "batch of vectors to (batch, 1, features)."
        )
    B, T, D = x_shape
    if T == 0:
        raise ValueError(f"{where}: expected at least one time step, got x of shape {x_shape}.")
    if len(U_shape) != 2 or U_shape[1] != gates * U_shape[0]:
        raise ValueError(
            f"{where}: expected a recurrent kernel U of shape (units, {gates}·units), "
            f"got shape {U_shape}."
        )
    u = U_shape[0]
    if tuple(W_shape) != (D, gates * u):
        raise ValueError(
            f"{where}: expected a kernel W of shape ({D}, {gates * u}) for x of "
            f"shape {x_shape} and {u} units, got shape {W_shape}. Keras's layout "
            "is (features, gates·units)."
        )
    for name, shape in states.items():
        if shape is not None and tuple(shape) != (B, u):
            raise ValueError(
                f"{where}: expected the initial state {name} of shape ({B}, {u}), "
                f"got shape {shape}."
            )
    for name, (shape, size) in masks.items():
        if shape is not None and tuple(shape) != (B, size):
            raise ValueError(
                f"{where}: expected the dropout mask {name} of shape ({B}, {size}) "
                f"(one mask per sequence, the same at every step), got {shape}."
            )
    return B, T, D, u


def operand(a: Any) -> Any:
    """A tensor or array as it is, None as None; anything else as an array."""
    if a is None or hasattr(a, "shape"):
        return a
    return get_array_module(a).asarray(a)


def shape_of(a: Any) -> tuple | None:
    """The shape of a tensor or array, or None."""
    return None if a is None else tuple(a.shape)


def mask_array(m: Any) -> Any:
    """A dropout mask as a plain array (masks are constants, never differentiated)."""
    return m.data if isinstance(m, Tensor) else m
