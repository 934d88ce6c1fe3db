"""Floor 2: the simple (Elman) recurrent network over a whole sequence as one node of the tape,
with a hand-written backpropagation through time (course Y5)."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional import _recurrent as R
from neurona.functional.linalg import row_sum

__all__ = ["simple_rnn"]


class SimpleRNNSequence(Function):
    """h_t = f(x_t W + h_{t−1} U + b) over all steps (see ``simple_rnn``): x W + b for all steps
    in one product before the loop, one recurrent product per step, BPTT in reverse, and the
    weight gradients as one product each after the loop."""

    def forward(
        self, x, h0, W, U, b, activation="tanh", go_backwards=False, x_mask=None, h_mask=None
    ):
        xp = get_array_module(x, W)
        f = R.activation("simple_rnn", activation)
        _, (x, h0, W, U, b) = R.common_dtype(x, h0, W, U, b)
        B, T, _ = x.shape
        u = U.shape[0]
        xt = R.time_major(x, x_mask, go_backwards)  # (T, B, D)
        Z = (xt.reshape(T * B, -1) @ W).reshape(T, B, u)  # x_t W for all t
        if b is not None:
            Z += b
        H = xp.empty((T + 1, B, u), dtype=Z.dtype)
        H[0] = R.initial_state(h0, B, u, Z)
        Hm = H if h_mask is None else xp.empty((T, B, u), dtype=Z.dtype)
        rec = xp.empty((B, u), dtype=Z.dtype)
        with xp.errstate(over="ignore"):
            for t in range(T):
                h_prev = H[t]
                if h_mask is not None:
                    h_prev = xp.multiply(H[t], h_mask, out=Hm[t])
                if t or h0 is not None:  # h_0 = 0 adds nothing
                    xp.dot(h_prev, U, out=rec)
                    Z[t] += rec  # z_t = x_t W + h_{t−1} U + b
                f.apply(Z[t], H[t + 1])  # h_t = f(z_t)
        self.save_for_backward(
            xt,
            W,
            U,
            Z if f.needs_z else None,
            H,
            Hm,
            f,
            x.shape,
            x_mask,
            h_mask,
            go_backwards,
            h0 is None,
        )
        return H[1:].transpose(1, 0, 2), H[T]

    def fill_zero_grads(self, grads_out: list) -> list:
        """Keep None for an output no path reached: backward skips it (no zeros to add)."""
        return grads_out

    def backward(self, grad_hs, grad_hT):
        xt, W, U, Z, H, Hm, f, x_shape, x_mask, h_mask, go_backwards, zero_start = self.saved
        need_x, need_h0, need_W, need_U, need_b = self.needs_input_grad
        xp = get_array_module(H)
        T, B, u = H.shape[0] - 1, H.shape[1], H.shape[2]
        dH = None if grad_hs is None else grad_hs.transpose(1, 0, 2)  # (T, B, u), in order
        dZ = xp.empty((T, B, u), dtype=H.dtype)
        dh = (
            xp.zeros((B, u), dtype=H.dtype) if grad_hT is None else xp.array(grad_hT, dtype=H.dtype)
        )
        scratch = xp.empty((B, u), dtype=H.dtype)
        UT = xp.ascontiguousarray(U.T)
        for t in range(T - 1, -1, -1):
            if dH is None:  # δh_t: from the output and from step t + 1
                dZ[t] = dh
            else:
                xp.add(dh, dH[t], out=dZ[t])
            f.backprop(dZ[t], None if Z is None else Z[t], H[t + 1], scratch)  # δz_t
            if t or need_h0:  # ∂L/∂h_0 only when asked for
                xp.dot(dZ[t], UT, out=dh)  # δh_{t−1} = δz_t Uᵀ
                if h_mask is not None:
                    dh *= h_mask
        first = 1 if zero_start else 0  # h_0 = 0 adds nothing to Σ_t h_{t−1}ᵀ δz_t
        grad_x = R.grad_input(dZ, W, x_shape, x_mask, go_backwards) if need_x else None
        grad_W = R.weight_grad(xt, dZ) if need_W else None
        grad_U = R.weight_grad(Hm[first:T], dZ[first:]) if need_U else None
        grad_b = row_sum(dZ.reshape(T * B, -1)) if need_b else None
        return grad_x, dh if need_h0 else None, grad_W, grad_U, grad_b


def simple_rnn(
    x: Any,
    W: Any,
    U: Any,
    b: Any = None,
    h0: Any = None,
    activation: Any = "tanh",
    go_backwards: bool = False,
    x_mask: Any = None,
    h_mask: Any = None,
):
    """Simple recurrent network over a whole sequence, one node with a hand-written BPTT.

        h_t = f(z_t),   z_t = x_t W + h_{t−1} U + b
        backward, step t in reverse:  δz_t = (∂L/∂h_t + δh_t) ⊙ f'(z_t),  δh_{t−1} = δz_t Uᵀ
        ∂L/∂W = Σ_t x_tᵀ δz_t    ∂L/∂U = Σ_t h_{t−1}ᵀ δz_t    ∂L/∂b = Σ_t Σ_rows δz_t

    The course (Y5) writes h_t = f(W_hx x_t + W_hh h_{t−1} + b_h) with column vectors: its W_hx
    is our Wᵀ, W_hh our Uᵀ (PyTorch's ``weight_ih``/``weight_hh``; PyTorch adds two biases, the
    course and Keras one). Repeated products by Uᵀ in δh_{t−1} are why gradients vanish or
    explode over long sequences (clip them with the optimiser's ``clipnorm``).
    The node is for reverse mode (backward); forward mode (``nr.jvp``) is not implemented for it.

    Args:
        x: inputs (batch, time, features).
        W, U, b: kernel (features, u), recurrent kernel (u, u), bias (u,) or None.
        h0: initial state (batch, u); None for zeros.
        activation: f, Keras's default tanh (a name or a callable).
        go_backwards: process the steps from last to first (outputs in processing order).
        x_mask, h_mask: dropout masks (batch, features) and (batch, u), the same at every step.

    Returns:
        (h, h_T): all hidden states (batch, time, u) and the last one (batch, u).

    Raises:
        ValueError: when a shape does not fit, e.g. a 2-D x.

    Example:
        >>> import numpy as np
        >>> h, h_T = simple_rnn(np.ones((1, 3, 1)), np.ones((1, 1)), np.zeros((1, 1)))
        >>> h.numpy().ravel().round(4).tolist()  # tanh(1) at every step, U = 0
        [0.7616, 0.7616, 0.7616]
    """
    x, W, U, b, h0 = (R.operand(a) for a in (x, W, U, b, h0))
    x_mask, h_mask = R.mask_array(x_mask), R.mask_array(h_mask)
    _, _, _, u = R.check_sequence(
        "simple_rnn",
        x.shape,
        W.shape,
        U.shape,
        1,
        {"h0": R.shape_of(h0)},
        {
            "x_mask": (R.shape_of(x_mask), x.shape[-1] if x.ndim else 0),
            "h_mask": (R.shape_of(h_mask), U.shape[0]),
        },
    )
    if b is not None and tuple(b.shape) != (u,):
        raise ValueError(
            f"simple_rnn: expected a bias b of shape ({u},), got shape {tuple(b.shape)}."
        )
    return SimpleRNNSequence.apply(
        x,
        h0,
        W,
        U,
        b,
        activation=activation,
        go_backwards=bool(go_backwards),
        x_mask=x_mask,
        h_mask=h_mask,
    )
