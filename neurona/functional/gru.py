"""Floor 2: the GRU over a whole sequence as one node of the tape, with a hand-written
backpropagation through time, in both of Keras's variants: ``reset_after=True`` (Keras's default,
PyTorch's formula) and ``reset_after=False`` (the course's formula, Y7), and in either update
convention: Keras's h = z ⊙ h_prev + (1 − z) ⊙ h̃ or the course's h = z ⊙ h̃ + (1 − z) ⊙ h_prev."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional import _recurrent as R
from neurona.functional.linalg import row_sum

__all__ = ["gru"]


class GRUSequence(Function):
    """The GRU recurrence over all steps (see ``gru`` for the formulas): the input part of the
    three gates for all steps in one product before the loop, one recurrent product per step
    (two when ``reset_after=False``), the reverse loop of BPTT, and the weight gradients as one
    product each after it."""

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
        B, T, _ = x.shape
        u = U.shape[0]
        xt = R.time_major(x, x_mask, go_backwards)  # (T, B, D)
        dtype = xp.result_type(xt.dtype, W.dtype)
        # NOTE: σ for z and r as one tanh, σ(a) = (1 + tanh(a/2))/2, the 1/2 folded into the z, r
        # columns of W, U and the biases (tanh and two cheap passes instead of four with exp)
        fused = f_g.kind == "sigmoid"
        half = xp.concatenate([xp.full(2 * u, 0.5 if fused else 1.0), xp.ones(u)]).astype(dtype)
        Z = (xt.reshape(T * B, -1) @ (W * half)).reshape(T, B, 3 * u)  # x_t W: gates z, r, h
        b_in, b_rec = (b[0], b[1]) if b is not None and reset_after else (b, None)
        if b_in is not None:
            Z += b_in * half
        if b_rec is not None:  # b'_z, b'_r add to the pre-activations as b_z, b_r do
            Z[:, :, : 2 * u] += b_rec[: 2 * u] * half[: 2 * u]
            b_rec = b_rec[2 * u :]  # b'_h sits inside r ⊙ (h U_h + b'_h)
        keep_z = f_h.needs_z or f_g.needs_z
        G = xp.empty_like(Z) if keep_z else Z  # z, r, h̃
        H = xp.empty((T + 1, B, u), dtype=dtype)
        H[0] = R.initial_state(h0, B, u, Z)
        Hm = H if h_mask is None else xp.empty((T, B, u), dtype=dtype)  # h_{t−1} ⊙ m_h
        # h U for every step (after: U_h's part is kept for backward) or r ⊙ h (before)
        REC = xp.empty((T, B, 3 * u), dtype=dtype) if reset_after else None
        RH = REC[:, :, 2 * u :] if reset_after else xp.empty((T, B, u), dtype=dtype)
        rec = xp.empty((B, 2 * u), dtype=dtype)
        tmp = xp.empty((B, u), dtype=dtype)
        Uh = U * half  # z, r columns halved
        U_zr, U_h = xp.ascontiguousarray(Uh[:, : 2 * u]), xp.ascontiguousarray(U[:, 2 * u :])
        with xp.errstate(over="ignore"):
            for t in range(T):
                z, g = Z[t], G[t]
                start = t == 0 and h0 is None  # h_0 = 0 adds nothing to the products
                h_prev = H[t] if h_mask is None else xp.multiply(H[t], h_mask, out=Hm[t])
                if reset_after:
                    if start:
                        REC[0] = 0
                    else:
                        xp.dot(h_prev, Uh, out=REC[t])
                        z[:, : 2 * u] += REC[t, :, : 2 * u]
                    if b_rec is not None:
                        RH[t] += b_rec
                elif not start:
                    xp.dot(h_prev, U_zr, out=rec)
                    z[:, : 2 * u] += rec
                if fused:
                    xp.tanh(z[:, : 2 * u], out=g[:, : 2 * u])
                    g[:, : 2 * u] *= 0.5
                    g[:, : 2 * u] += 0.5  # z_t, r_t = σ(·)
                else:
                    f_g.apply(z[:, : 2 * u], g[:, : 2 * u])
                r = g[:, u : 2 * u]
                if reset_after:  # h̃ = tanh(x W_h + b_h + r ⊙ (h U_h + b'_h))
                    xp.multiply(r, RH[t], out=tmp)
                    z[:, 2 * u :] += tmp
                elif not start:  # h̃ = tanh(x W_h + (r ⊙ h) U_h + b_h)
                    xp.multiply(r, h_prev, out=RH[t])
                    xp.dot(RH[t], U_h, out=tmp)
                    z[:, 2 * u :] += tmp
                else:
                    RH[t] = 0
                f_h.apply(z[:, 2 * u :], g[:, 2 * u :])
                hh = g[:, 2 * u :]
                # h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃  (the course: z ⊙ h̃ + (1 − z) ⊙ h_{t−1})
                keep, new = (hh, H[t]) if course else (H[t], hh)
                xp.subtract(keep, new, out=H[t + 1])
                H[t + 1] *= g[:, :u]
                H[t + 1] += new
        self.save_for_backward(
            xt,
            W,
            U,
            G,
            Z if keep_z else None,
            H,
            Hm,
            RH,
            (f_h, f_g),
            x.shape,
            x_mask,
            h_mask,
            go_backwards,
            reset_after,
            course,
            REC,
            h0 is None,
        )
        return H[1:].transpose(1, 0, 2), H[T]

    def fill_zero_grads(self, grads_out: list) -> list:
        """Keep None for an output no path reached: backward skips it (no zeros to add)."""
        return grads_out

    def backward(self, grad_hs, grad_hT):
        (
            xt,
            W,
            U,
            G,
            Z,
            H,
            Hm,
            RH,
            (f_h, f_g),
            x_shape,
            x_mask,
            h_mask,
            go_backwards,
            reset_after,
            course,
            REC,
            zero_start,
        ) = self.saved
        xp = get_array_module(H)
        T, B, u = RH.shape
        need_x, need_h0, need_W, need_U, need_b = self.needs_input_grad
        dH = None if grad_hs is None else grad_hs.transpose(1, 0, 2)  # (T, B, u), in order
        dZ = xp.empty_like(G)  # ∂L/∂(pre-activations) of z, r, h̃
        dR = xp.empty_like(REC) if reset_after else None  # ∂L/∂(h U + b')
        dh = (
            xp.zeros((B, u), dtype=G.dtype) if grad_hT is None else xp.array(grad_hT, dtype=G.dtype)
        )
        direct = xp.empty((B, u), dtype=G.dtype)
        d_rh = xp.empty((B, u), dtype=G.dtype)
        scratch = xp.empty((B, 3 * u), dtype=G.dtype)
        UT = xp.ascontiguousarray(U.T)
        U_zrT, U_hT = UT[: 2 * u], UT[2 * u :]
        for t in range(T - 1, -1, -1):
            g, d = G[t], dZ[t]
            z, r, hh = g[:, :u], g[:, u : 2 * u], g[:, 2 * u :]
            pre = None if Z is None else Z[t]
            start = t == 0 and zero_start  # h_0 = 0
            if dH is not None:
                dh += dH[t]
            # h_t = z ⊙ keep + (1 − z) ⊙ new: keep, new = h_{t−1}, h̃ (Keras) or h̃, h_{t−1}
            keep, new = (hh, H[t]) if course else (H[t], hh)
            into_keep, into_new = (d[:, 2 * u :], direct) if course else (direct, d[:, 2 * u :])
            xp.subtract(keep, new, out=d[:, :u])  # ∂L/∂z = ∂L/∂h ⊙ (keep − new)
            d[:, :u] *= dh
            xp.multiply(dh, z, out=into_keep)  # ∂L/∂keep = ∂L/∂h ⊙ z
            xp.subtract(1, z, out=into_new)  # ∂L/∂new = ∂L/∂h ⊙ (1 − z)
            into_new *= dh
            f_h.backprop(
                d[:, 2 * u :], None if pre is None else pre[:, 2 * u :], hh, scratch[:, :u]
            )
            da_h = d[:, 2 * u :]
            if reset_after:
                xp.multiply(da_h, RH[t], out=d[:, u : 2 * u])  # ∂L/∂r = δh̃ ⊙ (h U_h + b'_h)
            elif start:
                d[:, u : 2 * u] = 0  # r ⊙ h_0 = 0
            else:
                xp.dot(da_h, U_hT, out=d_rh)  # ∂L/∂(r ⊙ h) = δh̃ U_hᵀ
                xp.multiply(d_rh, Hm[t], out=d[:, u : 2 * u])
            f_g.backprop(
                d[:, : 2 * u],
                None if pre is None else pre[:, : 2 * u],
                g[:, : 2 * u],
                scratch[:, : 2 * u],
            )
            if reset_after:
                dR[t, :, : 2 * u] = d[:, : 2 * u]
                xp.multiply(da_h, r, out=dR[t, :, 2 * u :])
            if t == 0 and not need_h0:
                break  # ∂L/∂h_0 only when asked for
            if reset_after:
                xp.dot(dR[t], UT, out=dh)
            else:
                xp.dot(d[:, : 2 * u], U_zrT, out=dh)
                if not start:
                    d_rh *= r
                    dh += d_rh
            if h_mask is not None:
                dh *= h_mask
            dh += direct
        first = 1 if zero_start else 0  # h_0 = 0 adds nothing to Σ_t h_{t−1}ᵀ δ_t
        grad_x = R.grad_input(dZ, W, x_shape, x_mask, go_backwards) if need_x else None
        grad_W = R.weight_grad(xt, dZ) if need_W else None
        grad_U = grad_b = None
        if reset_after:
            grad_U = R.weight_grad(Hm[first:T], dR[first:]) if need_U else None
            if need_b:
                grad_b = xp.stack([row_sum(dZ.reshape(T * B, -1)), row_sum(dR.reshape(T * B, -1))])
        else:
            if need_U:
                grad_U = xp.concatenate(
                    [
                        R.weight_grad(Hm[first:T], dZ[first:, :, : 2 * u]),
                        R.weight_grad(RH[first:], dZ[first:, :, 2 * u :]),
                    ],
                    axis=1,
                )
            grad_b = row_sum(dZ.reshape(T * B, -1)) if need_b else None
        return grad_x, dh if need_h0 else None, grad_W, grad_U, grad_b


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
