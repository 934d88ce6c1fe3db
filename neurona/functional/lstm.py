"""Floor 2: the LSTM over a whole sequence as one node of the tape, with a hand-written
backpropagation through time (course Y6; Keras's layout and gate order i, f, c, o)."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional import _recurrent as R
from neurona.functional import _workspace as workspace

__all__ = ["lstm"]


def _sigmoid_first(xp, u: int):
    """Column order i, f, o, c of Keras's i, f, c, o: the three σ gates side by side, so that
    one call applies σ to all of them (and tanh to c̃)."""
    return xp.concatenate([xp.arange(2 * u), xp.arange(3 * u, 4 * u), xp.arange(2 * u, 3 * u)])


class LSTMSequence(Function):
    """The LSTM recurrence over all steps (see ``lstm`` for the formulas), feature-major.

    forward: per step one product z_t = M [x_t; 1; h_{t−1}] with M = [Wᵀ b Uᵀ] (4u, D + 1 + u),
    rows in the gate order i, f, o, c̃ (the σ gates side by side), into a (4u, batch) block;
    the gates, c_t and h_t as contiguous (u, batch) blocks; h_t is written straight into the
    next step's input block. backward: per step, in reverse, the gates' pre-activation
    gradients δz_t and δh_{t−1} = U δz_t; after the loop ∂L/∂M = Σ_t δz_t [x_t; 1; h_{t−1}]ᵀ
    (W's, b's and U's gradients at once) and ∂L/∂x are one product each.
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
        B, T, D = x.shape
        u, s = U.shape[0], 3 * U.shape[0]
        perm = _sigmoid_first(xp, u)
        dtype, (x, h0, c0, W, U, b) = R.common_dtype(x, h0, c0, W, U, b)
        # NOTE: the default activations take one tanh for all four gates: σ(z) = (1 + tanh(z/2))/2,
        # the 1/2 folded into the σ rows of M (one pass over (4u, batch) instead of exp, add and
        # reciprocal for the σ gates and tanh for c̃)
        fused = f_g.kind == "sigmoid" and f_c.kind == "tanh"
        scale = xp.concatenate([xp.full(s, 0.5 if fused else 1.0), xp.ones(u)]).astype(dtype)
        bias = xp.zeros((4 * u, 1), dtype) if b is None else b[perm][:, None]
        M = xp.concatenate([W[:, perm].T, bias, U[:, perm].T], axis=1) * scale[:, None]
        XH = R.stacked_inputs(x, x_mask, go_backwards, u, dtype)  # (T + 1, D + 1 + u, B)
        mask = None if h_mask is None else xp.ascontiguousarray(h_mask.T, dtype=dtype)
        H = XH[:, D + 1 :] if mask is None else xp.empty((T + 1, u, B), dtype=dtype)
        H[0] = 0 if h0 is None else h0.T
        if mask is not None:
            xp.multiply(H[0], mask, out=XH[0, D + 1 :])  # the products see h_{t−1} ⊙ m_h
        keep_z = f_c.needs_z or f_g.needs_z
        G = workspace.take((T, 4 * u, B), dtype, xp)  # gates i, f, o, c̃
        Z = workspace.take(G.shape, dtype, xp) if keep_z else G  # pre-activations, when needed
        C = workspace.take((T + 1, u, B), dtype, xp)
        C[0] = 0 if c0 is None else c0.T
        TC = workspace.take((T, u, B), dtype, xp)  # f(c_t)
        tmp = xp.empty((u, B), dtype=dtype)
        with xp.errstate(over="ignore"):  # e^{−z} = inf gives σ = 0 (other activations)
            for t in range(T):
                z, g = Z[t], G[t]
                if t or h0 is not None:  # z_t = W x_t + b + U h_{t−1}, all four gates
                    xp.dot(M, XH[t], out=z)
                else:  # h_0 = 0 adds nothing
                    xp.dot(M[:, : D + 1], XH[0, : D + 1], out=z)
                if fused:
                    xp.tanh(z, out=g)
                    g[:s] *= 0.5
                    g[:s] += 0.5  # i, f, o = σ(·) = (1 + tanh(·/2))/2;  c̃ = tanh(·)
                else:
                    f_g.apply(z[:s], g[:s])  # i, f, o = σ(·)
                    f_c.apply(z[s:], g[s:])  # c̃ = tanh(·)
                xp.multiply(g[u : 2 * u], C[t], out=C[t + 1])  # c_t = f ⊙ c_{t−1} + i ⊙ c̃
                xp.multiply(g[:u], g[s:], out=tmp)
                C[t + 1] += tmp
                f_c.apply(C[t + 1], TC[t])
                xp.multiply(g[2 * u : s], TC[t], out=H[t + 1])  # h_t = o ⊙ tanh(c_t)
                if mask is not None:
                    xp.multiply(H[t + 1], mask, out=XH[t + 1, D + 1 :])
        self.save_for_backward(
            XH,
            W,
            U,
            perm,
            G,
            Z if keep_z else None,
            C,
            TC,
            (f_c, f_g, fused),
            x.shape,
            x_mask,
            mask,
            go_backwards,
        )
        return H[1:].transpose(2, 0, 1), H[T].T, C[T].T.copy()  # C goes back to the pool

    def release(self) -> None:
        """Free the saved arrays; the kernel's own buffers go back to the work pool."""
        if self.saved:
            _, _, _, _, G, Z, C, TC, *_ = self.saved
            workspace.give(G, Z, C, TC)
        super().release()

    def fill_zero_grads(self, grads_out: list) -> list:
        """Keep None for an output no path reached: backward skips it (no zeros to add)."""
        return grads_out

    def backward(self, grad_hs, grad_hT, grad_cT):
        (XH, W, U, perm, G, Z, C, TC, (f_c, f_g, fused), x_shape, x_mask, mask, go_backwards) = (
            self.saved
        )
        xp = get_array_module(G)
        T, u, B = TC.shape
        s = 3 * u
        need_x, need_h0, need_c0, need_W, need_U, need_b = self.needs_input_grad
        # ∂L/∂h_t from the outputs, (T, u, B) in processing order
        dH = None if grad_hs is None else xp.ascontiguousarray(grad_hs.transpose(1, 2, 0))
        dZ = workspace.take(G.shape, G.dtype, xp)
        dh, dc = (
            xp.zeros((u, B), dtype=G.dtype) if g is None else xp.array(g.T, G.dtype, order="C")
            for g in (grad_hT, grad_cT)
        )
        tmp = xp.empty((u, B), dtype=G.dtype)
        scratch = xp.empty((4 * u, B), dtype=G.dtype)
        Up = xp.ascontiguousarray(U[:, perm])  # U's columns i, f, o, c̃
        for t in range(T - 1, -1, -1):
            g, d = G[t], dZ[t]
            if dH is not None:
                dh += dH[t]
            xp.multiply(dh, TC[t], out=d[2 * u : s])  # ∂L/∂o = ∂L/∂h ⊙ tanh(c_t)
            xp.multiply(dh, g[2 * u : s], out=tmp)  # ∂L/∂c_t += ∂L/∂h ⊙ o ⊙ tanh'(c_t)
            f_c.backprop(tmp, C[t + 1], TC[t], scratch[:u])
            dc += tmp
            xp.multiply(dc, g[s:], out=d[:u])  # ∂L/∂i = ∂L/∂c ⊙ c̃
            xp.multiply(dc, C[t], out=d[u : 2 * u])  # ∂L/∂f = ∂L/∂c ⊙ c_{t−1}
            xp.multiply(dc, g[:u], out=d[s:])  # ∂L/∂c̃ = ∂L/∂c ⊙ i
            dc *= g[u : 2 * u]  # ∂L/∂c_{t−1} = ∂L/∂c_t ⊙ f
            if fused:  # one pass: σ' = a − a² for i, f, o and tanh' = 1 − c̃² for c̃
                xp.multiply(g, g, out=scratch)
                xp.subtract(g[:s], scratch[:s], out=scratch[:s])
                xp.subtract(1, scratch[s:], out=scratch[s:])
                d *= scratch
            else:
                z = None if Z is None else Z[t]
                f_g.backprop(d[:s], None if z is None else z[:s], g[:s], scratch[:s])
                f_c.backprop(d[s:], None if z is None else z[s:], g[s:], scratch[s:])
            if t or need_h0:  # ∂L/∂h_0 only when asked for
                xp.dot(Up, d, out=dh)  # ∂L/∂h_{t−1} = U δz_t
                if mask is not None:
                    dh *= mask
        inv = xp.argsort(perm)
        D = W.shape[0]
        grad_W = grad_U = grad_b = grad_x = flat = None
        if need_W or need_U or need_b:  # h_0 = 0 (rows of zeros) adds nothing
            grad_M, flat = R.stacked_grad(dZ, XH[:T])  # (4u, D + 1 + u), rows i, f, o, c̃
            grad_M = grad_M[inv]
            grad_W = grad_M[:, :D].T if need_W else None
            grad_b = grad_M[:, D] if need_b else None
            grad_U = grad_M[:, D + 1 :].T if need_U else None
        if need_x:
            if flat is None:
                flat = R.steps_flat(dZ)
            grad_x = R.stacked_grad_input(flat, W[:, perm], B, x_mask, go_backwards)
        workspace.give(dZ, flat)
        return (
            grad_x,
            dh.T if need_h0 else None,
            dc.T if need_c0 else None,
            grad_W,
            grad_U,
            grad_b,
        )


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
