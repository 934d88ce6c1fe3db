"""Floor 2: the LSTM over a whole sequence as one node of the tape, with a hand-written
backpropagation through time (course Y6; Keras's layout and gate order i, f, c, o)."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional import _recurrent as R
from neurona.functional.linalg import row_sum

__all__ = ["lstm"]


def _sigmoid_first(xp, u: int):
    """Column order i, f, o, c of Keras's i, f, c, o: the three σ gates side by side, so that
    one call applies σ to all of them (and tanh to c̃)."""
    return xp.concatenate([xp.arange(2 * u), xp.arange(3 * u, 4 * u), xp.arange(2 * u, 3 * u)])


class LSTMSequence(Function):
    """The LSTM recurrence over all steps (see ``lstm`` for the formulas).

    forward: Zx = x W + b for all steps in one product; per step z_t = Zx_t + h_{t−1} U (one
    product, four gates), the gates, c_t and h_t into preallocated (time, batch, ·) buffers.
    backward: per step, in reverse, the gates' pre-activation gradients dz_t and
    ∂L/∂h_{t−1} = dz_t Uᵀ; after the loop ∂L/∂U = Σ_t h_{t−1}ᵀ dz_t, ∂L/∂W = Σ_t x_tᵀ dz_t and
    ∂L/∂x are one product each.
    """

    def forward(
        self,
        x,
        h0,
        c0,
        W,
        U,
        b,
        activation="tanh",
        recurrent_activation="sigmoid",
        go_backwards=False,
        x_mask=None,
        h_mask=None,
    ):
        xp = get_array_module(x, W)
        f_c = R.activation("lstm", activation)
        f_g = R.activation("lstm", recurrent_activation)
        B, T, _ = x.shape
        u, s = U.shape[0], 3 * U.shape[0]
        perm = _sigmoid_first(xp, u)
        xt = R.time_major(x, x_mask, go_backwards)  # (T, B, D)
        dtype = xp.result_type(xt.dtype, W.dtype)
        # NOTE: the default activations take one tanh for all four gates: σ(z) = (1 + tanh(z/2))/2,
        # the 1/2 folded into the σ columns of the weights (one pass over (batch, 4u) instead of
        # exp, add and reciprocal for the σ gates and tanh for c̃)
        fused = f_g.kind == "sigmoid" and f_c.kind == "tanh"
        scale = xp.concatenate([xp.full(s, 0.5 if fused else 1.0), xp.ones(u)]).astype(dtype)
        Up = U[:, perm] * scale  # columns i, f, o, c̃
        Z = (xt.reshape(T * B, -1) @ (W[:, perm] * scale)).reshape(T, B, 4 * u)  # input part
        if b is not None:
            Z += b[perm] * scale
        keep_z = f_c.needs_z or f_g.needs_z
        G = xp.empty_like(Z) if keep_z else Z  # gates i, f, o, c̃ (over Z unless z is needed)
        H = xp.empty((T + 1, B, u), dtype=dtype)
        C = xp.empty((T + 1, B, u), dtype=dtype)
        H[0] = R.initial_state(h0, B, u, Z)
        C[0] = R.initial_state(c0, B, u, Z)
        Hm = H if h_mask is None else xp.empty((T, B, u), dtype=dtype)  # h_{t−1} ⊙ m_h
        TC = xp.empty((T, B, u), dtype=dtype)  # f(c_t)
        rec = xp.empty((B, 4 * u), dtype=dtype)
        tmp = xp.empty((B, u), dtype=dtype)
        with xp.errstate(over="ignore"):  # e^{−z} = inf gives σ = 0 (other activations)
            for t in range(T):
                z, g = Z[t], G[t]
                if t or h0 is not None:  # h_0 = 0 adds nothing
                    h_prev = H[t] if h_mask is None else xp.multiply(H[t], h_mask, out=Hm[t])
                    xp.dot(h_prev, Up, out=rec)
                    z += rec  # z_t = x_t W + h_{t−1} U + b, all four gates
                elif h_mask is not None:
                    Hm[0] = 0
                if fused:
                    xp.tanh(z, out=g)
                    g[:, :s] *= 0.5
                    g[:, :s] += 0.5  # i, f, o = σ(·) = (1 + tanh(·/2))/2;  c̃ = tanh(·)
                else:
                    f_g.apply(z[:, :s], g[:, :s])  # i, f, o = σ(·)
                    f_c.apply(z[:, s:], g[:, s:])  # c̃ = tanh(·)
                xp.multiply(g[:, u : 2 * u], C[t], out=C[t + 1])  # c_t = f ⊙ c_{t−1} + i ⊙ c̃
                xp.multiply(g[:, :u], g[:, s:], out=tmp)
                C[t + 1] += tmp
                f_c.apply(C[t + 1], TC[t])
                xp.multiply(g[:, 2 * u : s], TC[t], out=H[t + 1])  # h_t = o ⊙ tanh(c_t)
        self.save_for_backward(
            xt,
            W,
            U,
            perm,
            G,
            Z if keep_z else None,
            H,
            C,
            Hm,
            TC,
            (f_c, f_g, fused),
            x.shape,
            x_mask,
            h_mask,
            go_backwards,
            h0 is None,
        )
        return H[1:].transpose(1, 0, 2), H[T], C[T]

    def fill_zero_grads(self, grads_out: list) -> list:
        """Keep None for an output no path reached: backward skips it (no zeros to add)."""
        return grads_out

    def backward(self, grad_hs, grad_hT, grad_cT):
        (
            xt,
            W,
            U,
            perm,
            G,
            Z,
            H,
            C,
            Hm,
            TC,
            (f_c, f_g, fused),
            x_shape,
            x_mask,
            h_mask,
            go_backwards,
            zero_start,
        ) = self.saved
        xp = get_array_module(H)
        T, B, u = TC.shape
        s = 3 * u
        need_x, need_h0, need_c0, need_W, need_U, need_b = self.needs_input_grad
        dH = None if grad_hs is None else grad_hs.transpose(1, 0, 2)  # (T, B, u), in order
        dZ = xp.empty_like(G)
        dh, dc = (
            xp.zeros((B, u), dtype=G.dtype) if g is None else xp.array(g, dtype=G.dtype)
            for g in (grad_hT, grad_cT)
        )
        tmp = xp.empty((B, u), dtype=G.dtype)
        scratch = xp.empty((B, 4 * u), dtype=G.dtype)
        UpT = xp.ascontiguousarray(U[:, perm].T)  # (U's columns i, f, o, c̃)ᵀ
        for t in range(T - 1, -1, -1):
            g, d = G[t], dZ[t]
            if dH is not None:
                dh += dH[t]
            xp.multiply(dh, TC[t], out=d[:, 2 * u : s])  # ∂L/∂o = ∂L/∂h ⊙ tanh(c_t)
            xp.multiply(dh, g[:, 2 * u : s], out=tmp)  # ∂L/∂c_t += ∂L/∂h ⊙ o ⊙ tanh'(c_t)
            f_c.backprop(tmp, C[t + 1], TC[t], scratch[:, :u])
            dc += tmp
            xp.multiply(dc, g[:, s:], out=d[:, :u])  # ∂L/∂i = ∂L/∂c ⊙ c̃
            xp.multiply(dc, C[t], out=d[:, u : 2 * u])  # ∂L/∂f = ∂L/∂c ⊙ c_{t−1}
            xp.multiply(dc, g[:, :u], out=d[:, s:])  # ∂L/∂c̃ = ∂L/∂c ⊙ i
            dc *= g[:, u : 2 * u]  # ∂L/∂c_{t−1} = ∂L/∂c_t ⊙ f
            if fused:  # one pass: σ' = a − a² for i, f, o and tanh' = 1 − c̃² for c̃
                xp.multiply(g, g, out=scratch)
                xp.subtract(g[:, :s], scratch[:, :s], out=scratch[:, :s])
                xp.subtract(1, scratch[:, s:], out=scratch[:, s:])
                d *= scratch
            else:
                z = None if Z is None else Z[t]
                f_g.backprop(d[:, :s], None if z is None else z[:, :s], g[:, :s], scratch[:, :s])
                f_c.backprop(d[:, s:], None if z is None else z[:, s:], g[:, s:], scratch[:, s:])
            if t or need_h0:  # ∂L/∂h_0 only when asked for
                xp.dot(d, UpT, out=dh)  # ∂L/∂h_{t−1} = dz_t Uᵀ
                if h_mask is not None:
                    dh *= h_mask
        inv = xp.argsort(perm)
        grad_x = R.grad_input(dZ, W[:, perm], x_shape, x_mask, go_backwards) if need_x else None
        grad_W = R.weight_grad(xt, dZ)[:, inv] if need_W else None
        grad_U = None
        if need_U:  # h_0 = 0 adds nothing to Σ_t h_{t−1}ᵀ dz_t
            first = 1 if zero_start else 0
            grad_U = R.weight_grad(Hm[first:T], dZ[first:])[:, inv]
        grad_b = row_sum(dZ.reshape(T * B, -1))[inv] if need_b else None
        return (grad_x, dh if need_h0 else None, dc if need_c0 else None, grad_W, grad_U, grad_b)


def lstm(
    x: Any,
    W: Any,
    U: Any,
    b: Any = None,
    h0: Any = None,
    c0: Any = None,
    activation: Any = "tanh",
    recurrent_activation: Any = "sigmoid",
    go_backwards: bool = False,
    x_mask: Any = None,
    h_mask: Any = None,
):
    """Long short-term memory over a whole sequence, one node with a hand-written BPTT.

        z_t = x_t W + h_{t−1} U + b                      (all four gates in one product)
        i_t = σ(z_i)   f_t = σ(z_f)   c̃_t = tanh(z_c)   o_t = σ(z_o)
        c_t = f_t ⊙ c_{t−1} + i_t ⊙ c̃_t                  h_t = o_t ⊙ tanh(c_t)
        backward, step t in reverse (δh_t = ∂L/∂h_t from the output plus from step t + 1):
        δc_t += δh_t ⊙ o_t ⊙ tanh'(c_t)   δo = δh_t ⊙ tanh(c_t)   δi = δc_t ⊙ c̃_t
        δf = δc_t ⊙ c_{t−1}   δc̃ = δc_t ⊙ i_t   δc_{t−1} = δc_t ⊙ f_t
        δz_t = [δi σ', δf σ', δc̃ tanh', δo σ']   δh_{t−1} = δz_t Uᵀ
        ∂L/∂W = Σ_t x_tᵀ δz_t   ∂L/∂U = Σ_t h_{t−1}ᵀ δz_t   ∂L/∂b = Σ_t Σ_rows δz_t

    The course (Y6) writes W_g [h_{t−1}, x_t] + b_g per gate with column vectors; Keras (and we)
    keep ``kernel`` W (features, 4u) and ``recurrent_kernel`` U (u, 4u) with the gates in the
    order i, f, c, o along the columns, and one bias (4u,). PyTorch's ``nn.LSTM`` stores Wᵀ and
    Uᵀ (order i, f, g, o, the same) and two biases whose sum is our b. ``activation`` (tanh) is
    applied to c̃ and to c_t, ``recurrent_activation`` (σ) to i, f, o: any Keras name or an
    elementwise callable works, tanh/sigmoid run in place.

    Dropout as Keras: ``x_mask`` (batch, features) multiplies every x_t and ``h_mask``
    (batch, u) every h_{t−1} entering the recurrent product — one mask per sequence, the same at
    every step (Gal & Ghahramani 2016), shared by the four gates (Keras draws one per gate when
    ``recurrent_dropout`` > 0; the masks already hold the 1/(1 − rate) scale).
    The node is for reverse mode (backward); forward mode (``nr.jvp``) is not implemented for it.

    Args:
        x: inputs (batch, time, features).
        W, U, b: kernel (features, 4u), recurrent kernel (u, 4u), bias (4u,) or None.
        h0, c0: initial states (batch, u); None for zeros.
        activation, recurrent_activation: names or callables (Keras's defaults).
        go_backwards: process the sequence from its last step to its first; the outputs are in
            processing order (reversed), as in Keras.
        x_mask, h_mask: dropout masks as above, or None.

    Returns:
        (h, h_T, c_T): all hidden states (batch, time, u), the last hidden state and the last
        cell state (batch, u).

    Raises:
        ValueError: when a shape does not fit, e.g. a 2-D x.

    Example:
        >>> import numpy as np
        >>> x, W, U = np.ones((2, 5, 3)), np.full((3, 8), 0.1), np.zeros((2, 8))
        >>> h, h_T, c_T = lstm(x, W, U)
        >>> h.shape, h_T.shape, round(float(c_T.data[0, 0]), 4)
        ((2, 5, 2), (2, 2), 0.3686)
    """
    x, W, U, b, h0, c0 = (R.operand(a) for a in (x, W, U, b, h0, c0))
    x_mask, h_mask = R.mask_array(x_mask), R.mask_array(h_mask)
    _, _, D, u = R.check_sequence(
        "lstm",
        x.shape,
        W.shape,
        U.shape,
        4,
        {"h0": R.shape_of(h0), "c0": R.shape_of(c0)},
        {
            "x_mask": (R.shape_of(x_mask), x.shape[-1] if x.ndim else 0),
            "h_mask": (R.shape_of(h_mask), U.shape[0]),
        },
    )
    if b is not None and tuple(b.shape) != (4 * u,):
        raise ValueError(
            f"lstm: expected a bias b of shape ({4 * u},) (gates i, f, c, o), got "
            f"shape {tuple(b.shape)}. PyTorch's two biases add up to it."
        )
    return LSTMSequence.apply(
        x,
        h0,
        c0,
        W,
        U,
        b,
        activation=activation,
        recurrent_activation=recurrent_activation,
        go_backwards=bool(go_backwards),
        x_mask=x_mask,
        h_mask=h_mask,
    )
