"""Floor 2: the GRU over a whole sequence as one node of the tape, with a hand-written
backpropagation through time, in both of Keras's variants: ``reset_after=True`` (Keras's default,
PyTorch's formula) and ``reset_after=False`` (the course's formula, Y7), and in either update
convention: Keras's h = z ⊙ h_prev + (1 − z) ⊙ h̃ or the course's h = z ⊙ h̃ + (1 − z) ⊙ h_prev."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional import _recurrent as R
from neurona.functional import _workspace as workspace

__all__ = ["gru"]


class GRUSequence(Function):
    """The GRU recurrence over all steps (see ``gru`` for the formulas), feature-major: the
    input part of the three gates for all steps before the loop (one batched product into
    (3u, batch) blocks per step, the bias through a row of ones), one recurrent product per step
    (two when ``reset_after=False``), the gates and states as contiguous (u, batch) blocks, the
    reverse loop of BPTT, and the weight gradients as one product each after it."""

    def forward(
        self,
        x,
        h0,
        W,
        U,
        b,
        activation="tanh",
        recurrent_activation="sigmoid",
        go_backwards=False,
        x_mask=None,
        h_mask=None,
        reset_after=True,
        course=False,
    ):
        xp = get_array_module(x, W)
        f_h = R.activation("gru", activation)
        f_g = R.activation("gru", recurrent_activation)
        B, T, D = x.shape
        u = U.shape[0]
        dtype, (x, h0, W, U, b) = R.common_dtype(x, h0, W, U, b)
        # NOTE: σ for z and r as one tanh, σ(a) = (1 + tanh(a/2))/2, the 1/2 folded into the z, r
        # rows of the weights and biases (tanh and two cheap passes instead of four with exp)
        fused = f_g.kind == "sigmoid"
        half = xp.concatenate([xp.full(2 * u, 0.5 if fused else 1.0), xp.ones(u)]).astype(dtype)
        b_in, b_rec = (b[0], b[1]) if b is not None and reset_after else (b, None)
        b_in = xp.zeros(3 * u, dtype) if b_in is None else b_in
        X1 = R.stacked_inputs(x, x_mask, go_backwards, 0, dtype)  # (T, D + 1, B): x_t and 1
        Mx = xp.concatenate([W.T, b_in[:, None]], axis=1) * half[:, None]  # (3u, D + 1)
        Zx = xp.matmul(Mx, X1, out=workspace.take((T, 3 * u, B), dtype, xp))  # W x_t + b
        # h_{t−1} (⊙ m_h) as the products see it, with a row of ones for b' when reset_after
        ones = 1 if reset_after else 0
        HH = xp.empty((T + 1, u + ones, B), dtype=dtype)
        if ones:
            HH[:, u] = 1
        mask = None if h_mask is None else xp.ascontiguousarray(h_mask.T, dtype=dtype)
        H = HH[:, :u] if mask is None else xp.empty((T + 1, u, B), dtype=dtype)
        H[0] = 0 if h0 is None else h0.T
        if mask is not None:
            xp.multiply(H[0], mask, out=HH[0, :u])
        keep_z = f_h.needs_z or f_g.needs_z
        G = workspace.take((T, 3 * u, B), dtype, xp)  # z, r, h̃
        Z = workspace.take(G.shape, dtype, xp) if keep_z else G  # pre-activations, when needed
        if reset_after:  # U_r = [Uᵀ b'] (3u, u + 1): h U + b' for every step, kept for backward
            b_rec = xp.zeros(3 * u, dtype) if b_rec is None else b_rec
            Ur = xp.concatenate([U.T, b_rec[:, None]], axis=1) * half[:, None]
            REC = RH = workspace.take((T, 3 * u, B), dtype, xp)
        else:  # r ⊙ h_{t−1} for every step, kept for backward
            U_zr, U_h = U[:, : 2 * u].T * half[: 2 * u, None], xp.ascontiguousarray(U[:, 2 * u :].T)
            REC, RH = xp.empty((2 * u, B), dtype=dtype), workspace.take((T, u, B), dtype, xp)
        tmp = xp.empty((u, B), dtype=dtype)
        with xp.errstate(over="ignore"):
            for t in range(T):
                z, g, hp = Z[t], G[t], HH[t]
                start = t == 0 and h0 is None  # h_0 = 0 adds nothing to the products
                if reset_after:
                    rec = REC[t]
                    if start:
                        rec[...] = Ur[:, u:]  # h_0 U + b' = b'
                    else:
                        xp.dot(Ur, hp, out=rec)
                    xp.add(Zx[t, : 2 * u], rec[: 2 * u], out=z[: 2 * u])
                elif start:
                    z[: 2 * u] = Zx[t, : 2 * u]
                else:
                    xp.dot(U_zr, hp, out=REC)
                    xp.add(Zx[t, : 2 * u], REC, out=z[: 2 * u])
                if fused:
                    xp.tanh(z[: 2 * u], out=g[: 2 * u])
                    g[: 2 * u] *= 0.5
                    g[: 2 * u] += 0.5  # z_t, r_t = σ(·)
                else:
                    f_g.apply(z[: 2 * u], g[: 2 * u])
                r = g[u : 2 * u]
                if reset_after:  # h̃ = tanh(W_h x + b_h + r ⊙ (U_h h + b'_h))
                    xp.multiply(r, RH[t, 2 * u :], out=tmp)
                elif start:  # h̃ = tanh(W_h x + U_h (r ⊙ h) + b_h), r ⊙ h_0 = 0
                    RH[0] = 0
                    tmp[...] = 0
                else:
                    xp.multiply(r, hp, out=RH[t])
                    xp.dot(U_h, RH[t], out=tmp)
                xp.add(Zx[t, 2 * u :], tmp, out=z[2 * u :])
                f_h.apply(z[2 * u :], g[2 * u :])
                hh = g[2 * u :]
                # h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃  (the course: z ⊙ h̃ + (1 − z) ⊙ h_{t−1})
                keep, new = (hh, H[t]) if course else (H[t], hh)
                xp.subtract(keep, new, out=H[t + 1])
                H[t + 1] *= g[:u]
                H[t + 1] += new
                if mask is not None:
                    xp.multiply(H[t + 1], mask, out=HH[t + 1, :u])
        workspace.give(Zx)
        self.save_for_backward(
            X1,
            W,
            U,
            G,
            Z if keep_z else None,
            H,
            HH,
            RH,
            (f_h, f_g),
            x.shape,
            x_mask,
            mask,
            go_backwards,
            reset_after,
            course,
        )
        return H[1:].transpose(2, 0, 1), H[T].T

    def fill_zero_grads(self, grads_out: list) -> list:
        """Keep None for an output no path reached: backward skips it (no zeros to add)."""
        return grads_out

    def release(self) -> None:
        """Free the saved arrays; the kernel's own buffers go back to the work pool."""
        if self.saved:
            _, _, _, G, Z, _, _, RH, *_ = self.saved
            workspace.give(G, Z, RH)
        super().release()

    def backward(self, grad_hs, grad_hT):
        (
            X1,
            W,
            U,
            G,
            Z,
            H,
            HH,
            RH,
            (f_h, f_g),
            x_shape,
            x_mask,
            mask,
            go_backwards,
            after,
            course,
        ) = self.saved
        xp = get_array_module(G)
        T, B, u = G.shape[0], G.shape[2], U.shape[0]
        need_x, need_h0, need_W, need_U, need_b = self.needs_input_grad
        # ∂L/∂h_t from the outputs, (T, u, B) in processing order
        dH = None if grad_hs is None else xp.ascontiguousarray(grad_hs.transpose(1, 2, 0))
        dZ = workspace.take(G.shape, G.dtype, xp)  # ∂L/∂(pre-activations) of z, r, h̃
        dR = workspace.take(G.shape, G.dtype, xp) if after else None  # ∂L/∂(U h + b')
        dh = (
            xp.zeros((u, B), G.dtype)
            if grad_hT is None
            else xp.array(grad_hT.T, G.dtype, order="C")
        )
        direct = xp.empty((u, B), dtype=G.dtype)
        d_rh = xp.empty((u, B), dtype=G.dtype)
        scratch = xp.empty((2 * u, B), dtype=G.dtype)
        if after:  # ∂L/∂h_{t−1} = U δ_R
            Uc = xp.ascontiguousarray(U)
        else:  # ∂L/∂h_{t−1} = U_zr δ_zr + (U_h δh̃) ⊙ r
            U_zr, U_h = xp.ascontiguousarray(U[:, : 2 * u]), xp.ascontiguousarray(U[:, 2 * u :])
        for t in range(T - 1, -1, -1):
            g, d = G[t], dZ[t]
            z, r, hh = g[:u], g[u : 2 * u], g[2 * u :]
            pre = None if Z is None else Z[t]
            if dH is not None:
                dh += dH[t]
            # h_t = z ⊙ keep + (1 − z) ⊙ new: keep, new = h_{t−1}, h̃ (Keras) or h̃, h_{t−1}
            keep, new = (hh, H[t]) if course else (H[t], hh)
            into_keep, into_new = (d[2 * u :], direct) if course else (direct, d[2 * u :])
            xp.subtract(keep, new, out=d[:u])  # ∂L/∂z = ∂L/∂h ⊙ (keep − new)
            d[:u] *= dh
            xp.multiply(dh, z, out=into_keep)  # ∂L/∂keep = ∂L/∂h ⊙ z
            xp.subtract(1, z, out=into_new)  # ∂L/∂new = ∂L/∂h ⊙ (1 − z)
            into_new *= dh
            f_h.backprop(d[2 * u :], None if pre is None else pre[2 * u :], hh, scratch[:u])
            da_h = d[2 * u :]
            if after:
                xp.multiply(da_h, RH[t, 2 * u :], out=d[u : 2 * u])  # ∂L/∂r = δh̃ ⊙ (U_h h + b'_h)
            else:
                xp.dot(U_h, da_h, out=d_rh)  # ∂L/∂(r ⊙ h) = U_h δh̃
                xp.multiply(d_rh, HH[t], out=d[u : 2 * u])
            f_g.backprop(
                d[: 2 * u], None if pre is None else pre[: 2 * u], g[: 2 * u], scratch[: 2 * u]
            )
            if after:
                dR[t, : 2 * u] = d[: 2 * u]
                xp.multiply(da_h, r, out=dR[t, 2 * u :])
            if t == 0 and not need_h0:
                break  # ∂L/∂h_0 only when asked for
            if after:
                xp.dot(Uc, dR[t], out=dh)
            else:
                xp.dot(U_zr, d[: 2 * u], out=dh)
                d_rh *= r
                dh += d_rh
            if mask is not None:
                dh *= mask
            dh += direct
        grad_x = grad_W = grad_U = grad_b = None
        flat = R.steps_flat(dZ)  # (3u, T·B)
        workspace.give(dZ)
        if need_W or need_b:
            rows = R.steps_flat(X1)
            grad_Wb = flat @ rows.T  # (3u, D + 1): ∂L/∂W, ∂L/∂b
            workspace.give(rows)
            grad_W, grad_b = grad_Wb[:, :-1].T, grad_Wb[:, -1]
        if need_x:
            grad_x = R.stacked_grad_input(flat, W, B, x_mask, go_backwards)
        # h_0 = 0 (zeros in HH and RH) adds nothing to the recurrent sums
        if after and (need_U or need_b):
            grad_Ub, flat_r = R.stacked_grad(dR, HH[:T])  # (3u, u + 1): ∂L/∂U, ∂L/∂b'
            workspace.give(flat_r)
            grad_U = grad_Ub[:, :u].T
            grad_b = xp.stack([grad_b, grad_Ub[:, u]]) if need_b else None
        elif need_U:
            hs, rhs = R.steps_flat(HH[:T]), R.steps_flat(RH)
            grad_U = xp.concatenate([hs @ flat[: 2 * u].T, rhs @ flat[2 * u :].T], axis=1)
            workspace.give(hs, rhs)
        workspace.give(flat, dR)
        return grad_x, dh.T if need_h0 else None, grad_W, grad_U, grad_b


def gru(
    x: Any,
    W: Any,
    U: Any,
    b: Any = None,
    h0: Any = None,
    activation: Any = "tanh",
    recurrent_activation: Any = "sigmoid",
    go_backwards: bool = False,
    x_mask: Any = None,
    h_mask: Any = None,
    reset_after: bool = True,
    convention: str = "keras",
):
    """Gated recurrent unit over a whole sequence, one node with a hand-written BPTT.

        z_t = σ(x_t W_z + h_{t−1} U_z + b_z)        (update gate)
        r_t = σ(x_t W_r + h_{t−1} U_r + b_r)        (reset gate)
        reset_after=True  (Keras's default, PyTorch):
            h̃_t = tanh(x_t W_h + b_h + r_t ⊙ (h_{t−1} U_h + b'_h))
        reset_after=False (the course's formula, Y7; Cho et al. 2014):
            h̃_t = tanh(x_t W_h + (r_t ⊙ h_{t−1}) U_h + b_h)
        h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ h̃_t        (convention="keras": Keras, PyTorch)
        h_t = z_t ⊙ h̃_t + (1 − z_t) ⊙ h_{t−1}        (convention="course": the course, Y7)
        backward, step t in reverse (Keras's convention; the course's swaps h_{t−1} and h̃ in
        the update): δz = δh_t ⊙ (h_{t−1} − h̃_t) σ',  δh̃ = δh_t ⊙ (1 − z_t) tanh',
        δr = δh̃ ⊙ (h_{t−1} U_h + b'_h) σ'  (after)  or  (δh̃ U_hᵀ ⊙ h_{t−1}) σ'  (before),
        δh_{t−1} = δh_t ⊙ z_t + [δz, δr, δh̃ ⊙ r_t] Uᵀ  (after)
                 = δh_t ⊙ z_t + [δz, δr] U_zrᵀ + (δh̃ U_hᵀ) ⊙ r_t  (before)

    NOTE: the course writes h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t: its z is Keras's 1 − z.
    ``convention="course"`` computes that formula (with the same weights, its z gate learns the
    opposite sign); the course's whole GRU is ``reset_after=False, convention="course"``. With
    σ as the gate activation it equals Keras's GRU with the update gate's weights and bias
    negated (σ(−a) = 1 − σ(a)). PyTorch's ``nn.GRU`` is ``reset_after=True`` with gate order
    r, z, n and Keras's convention.

    Layout (Keras): W (features, 3u), U (u, 3u), columns in the order z, r, h; b (2, 3u) when
    ``reset_after`` (row 0 the input bias b, row 1 the recurrent bias b') else (3u,). Dropout
    masks ``x_mask`` (batch, features) and ``h_mask`` (batch, u) multiply x_t and the h_{t−1}
    entering the recurrent products, the same at every step (see ``lstm``).
    The node is for reverse mode (backward); forward mode (``nr.jvp``) is not implemented for it.

    Args:
        x: inputs (batch, time, features).
        W, U, b: kernel, recurrent kernel, bias (or None), as above.
        h0: initial state (batch, u); None for zeros.
        activation, recurrent_activation: for h̃ and for z, r (names or callables).
        go_backwards: process the steps from last to first (outputs in processing order).
        x_mask, h_mask: dropout masks or None.
        reset_after: which formula for h̃, as above.
        convention: "keras" (default) or "course": which update formula, as above.

    Returns:
        (h, h_T): all hidden states (batch, time, u) and the last one (batch, u).

    Raises:
        ValueError: when a shape does not fit, e.g. a 2-D x.

    Example:
        >>> import numpy as np
        >>> x, W, U = np.ones((2, 5, 3)), np.full((3, 6), 0.1), np.zeros((2, 6))
        >>> h, h_T = gru(x, W, U)
        >>> h.shape, round(float(h_T.data[0, 0]), 4)
        ((2, 5, 2), 0.2731)
    """
    x, W, U, b, h0 = (R.operand(a) for a in (x, W, U, b, h0))
    x_mask, h_mask = R.mask_array(x_mask), R.mask_array(h_mask)
    _, _, _, u = R.check_sequence(
        "gru",
        x.shape,
        W.shape,
        U.shape,
        3,
        {"h0": R.shape_of(h0)},
        {
            "x_mask": (R.shape_of(x_mask), x.shape[-1] if x.ndim else 0),
            "h_mask": (R.shape_of(h_mask), U.shape[0]),
        },
    )
    if convention not in ("keras", "course"):
        raise ValueError(
            f"gru: expected convention 'keras' (h = z ⊙ h_prev + (1 − z) ⊙ h̃) or 'course' "
            f"(h = z ⊙ h̃ + (1 − z) ⊙ h_prev), got {convention!r}."
        )
    expected = (2, 3 * u) if reset_after else (3 * u,)
    if b is not None and tuple(b.shape) != expected:
        raise ValueError(
            f"gru: expected a bias b of shape {expected} with reset_after="
            f"{bool(reset_after)}, got shape {tuple(b.shape)}. Keras's GRU "
            "keeps (2, 3u) (input and recurrent bias) when reset_after=True."
        )
    return GRUSequence.apply(
        x,
        h0,
        W,
        U,
        b,
        activation=activation,
        recurrent_activation=recurrent_activation,
        go_backwards=bool(go_backwards),
        x_mask=x_mask,
        h_mask=h_mask,
        reset_after=bool(reset_after),
        course=convention == "course",
    )
