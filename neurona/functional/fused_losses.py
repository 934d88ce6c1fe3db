"""Floor 2: the cross-entropy of a softmax output as one node from the logits (what a classifier
ending in ``Dense(k, activation="softmax")`` trains with), Keras's numbers kept: the loss is
computed from the probabilities with Keras's clipping, the gradient goes straight to the logits,
and the batch mean can be taken inside the node (fewer nodes = less Python per step)."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.autodiff.tensor import Tensor
from neurona.backend import get_array_module
from neurona.functional.linalg import row_sum
from neurona.functional.losses import EPSILON, _check_labels, _log_softmax, _same_shape

__all__ = ["softmax_output_cross_entropy", "dense_softmax_cross_entropy"]


class SoftmaxOutputCrossEntropy(Function):
    """Cross-entropy of p = softmax(z) along the last axis, one node from the logits z.

    Probabilities (Keras's formula, ``from_logits=False``), with S = Σ_c p_c, q = p / S and
    q̃ = clip(q, ε, 1 − ε):
        L = −Σ_c y_c log q̃_c          (sparse labels t: L = −log q̃_t)
        backward, chained through the clip, the normalisation and the softmax:
        sparse:  ∂L/∂z = g [ε ≤ q_t ≤ 1 − ε] (q − onehot(t))
        dense:   a = −[ε ≤ q ≤ 1 − ε] y / q̃,  ∂L/∂p = (a − Σ a q) / S,
                 ∂L/∂z = p ⊙ (∂L/∂p − Σ p ∂L/∂p)
    Logits (``from_logits=True``): L = −Σ_c y_c log softmax(z)_c, ∂L/∂z = g (p Σ_c y_c − y).
    With ``mean=True`` the node returns the mean over all samples (g is then 1/n per sample).
    jvp: L̇ = Σ_c (∂L/∂z_c) ż_c (with g = 1, averaged when ``mean``)."""

    def forward(
        self,
        y,
        z,
        p=None,
        sparse=True,
        from_logits=False,
        mean=True,
        epsilon=EPSILON,
        checked=False,
    ):
        xp = get_array_module(z if p is None else p)
        log_p = None
        if from_logits or p is None:
            log_p = _log_softmax(z, -1)
            p = xp.exp(log_p)
        k = p.shape[-1]
        p2 = p.reshape(-1, k)  # (n, k): one row per sample
        if sparse:
            t = (y if checked else _check_labels(y, p, -1, k)).reshape(-1)
            rows = xp.arange(len(t))
            if from_logits:
                values = -log_p.reshape(-1, k)[rows, t]
                self.save_for_backward("sparse logits", p2, t, rows)
            else:
                total = xp.add.reduce(p2, axis=1)  # Σ_c p_c (= p2.sum(axis=1), no wrapper)
                q_t = p2[rows, t] / total
                lo, hi = q_t.dtype.type(epsilon), q_t.dtype.type(1.0 - epsilon)
                clipped = xp.minimum(xp.maximum(q_t, lo), hi)  # np.clip, without its wrapper
                inside = clipped == q_t  # where the clip lets the gradient through
                values = xp.log(clipped)
                xp.negative(values, out=values)
                self.save_for_backward("sparse", p2, t, rows, total, inside)
        else:
            y2 = y if checked else _same_shape("softmax_output_cross_entropy", y, p)
            y2 = xp.asarray(y2, dtype=p.dtype).reshape(-1, k)
            if from_logits:
                values = -(y2 * log_p.reshape(-1, k)).sum(axis=1)
                self.save_for_backward("dense logits", p2, y2)
            else:
                total = p2.sum(axis=1, keepdims=True)
                q = p2 / total
                lo, hi = q.dtype.type(epsilon), q.dtype.type(1.0 - epsilon)
                q_clip = xp.clip(q, lo, hi)
                values = -(y2 * xp.log(q_clip)).sum(axis=1)
                a = -(((q >= lo) & (q <= hi)) * y2) / q_clip
                self.save_for_backward("dense", p2, total, q, a)
        self.shape, self.mean = p.shape, mean
        if mean:  # = values.mean() (a float32 sum divided by n), without NumPy's wrapper
            n = len(values)
            return xp.asarray(
                xp.add.reduce(values) / values.dtype.type(n) if n else 0.0, dtype=p.dtype
            )
        return values.reshape(p.shape[:-1])

    def _dz(self):
        """∂L_i/∂z for each sample i, a fresh (n, k) array."""
        mode, p2, *rest = self.saved
        if mode == "sparse":  # [inside] (q − onehot(t))
            t, rows, total, inside = rest
            dz = p2 / total[:, None]
            dz[rows, t] -= 1
            dz *= inside[:, None]
            return dz
        if mode == "sparse logits":  # p − onehot(t)
            t, rows = rest
            dz = p2.copy()
            dz[rows, t] -= 1
            return dz
        if mode == "dense logits":  # p Σy − y
            (y2,) = rest
            return p2 * y2.sum(axis=1, keepdims=True) - y2
        total, q, a = rest  # dense probabilities: through the clip, p / S and the softmax
        grad_p = (a - (a * q).sum(axis=1, keepdims=True)) / total
        return p2 * (grad_p - (grad_p * p2).sum(axis=1, keepdims=True))

    def backward(self, grad_out):
        dz = self._dz()
        if self.mean:
            dz *= grad_out / max(len(dz), 1)
        else:
            dz *= grad_out.reshape(-1, 1)
        return None, dz.reshape(self.shape)

    def jvp(self, y_dot, z_dot):
        values = (self._dz() * z_dot.reshape(-1, self.shape[-1])).sum(axis=1)
        return values.mean() if self.mean else values.reshape(self.shape[:-1])


class DenseSoftmaxCrossEntropy(SoftmaxOutputCrossEntropy):
    """The same loss of p = softmax(z), z = x W + b (a Dense layer with activation="softmax"),
    one node from the layer's input, kernel and bias (the layer's own node is skipped backward).
    backward: δ = ∂L/∂z as in SoftmaxOutputCrossEntropy, then the Dense rules
        ∂L/∂W = xᵀ δ     ∂L/∂b = Σ_rows δ     ∂L/∂x = δ Wᵀ.
    jvp: L̇ = Σ (∂L/∂z) ⊙ ż with ż = ẋ W + x Ẇ + ḃ."""

    def forward(
        self, y, x, W, b=None, p=None, sparse=True, mean=True, epsilon=EPSILON, checked=False
    ):
        self.layer = (x.reshape(-1, W.shape[0]), W, x.shape)  # x as rows (n, d_in)
        return super().forward(y, None, p, sparse, False, mean, epsilon, checked)

    def backward(self, grad_out):
        x2, W, x_shape = self.layer
        _, need_x, need_W, need_b = self.needs_input_grad
        delta = super().backward(grad_out)[1].reshape(-1, W.shape[1])  # (n, units)
        xp = get_array_module(delta)
        return (
            None,
            (delta @ W.T).reshape(x_shape) if need_x else None,
            xp.dot(x2.T, delta) if need_W else None,  # xp.dot: see linalg.Dense
            row_sum(delta) if need_b else None,
        )

    def jvp(self, y_dot, x_dot, W_dot, b_dot=None):
        x2, W, _ = self.layer
        z_dot = x_dot.reshape(x2.shape) @ W + x2 @ W_dot
        return super().jvp(y_dot, z_dot if b_dot is None else z_dot + b_dot)


def softmax_output_cross_entropy(
    y_true: Any,
    logits: Any,
    probabilities: Any = None,
    sparse: bool = True,
    from_logits: bool = False,
    mean: bool = True,
    epsilon: float = EPSILON,
    checked: bool = False,
):
    """Cross-entropy of softmax(z) as one node from the logits z, Keras's numbers.

        from_logits=False:  q = p / Σ p,  L = −Σ_c y_c log clip(q_c, ε, 1 − ε)   (p = softmax(z))
        from_logits=True:   L = −Σ_c y_c log softmax(z)_c
        ∂L/∂z = q − y where the clip is inactive (0 for a sample whose q_t is clipped)

    ``probabilities`` is softmax(z) when it is already computed (the output of a softmax layer),
    so that the loss reuses it. ``sparse=True`` takes integer labels t (shape of z without the
    last axis), else one-hot or soft labels y (the shape of z). ``mean=True`` returns the mean
    over the samples (Keras's 'sum_over_batch_size'), else one value per sample.
    ``checked=True`` skips the label checks (integer labels in range, or y of z's shape) when
    the caller made them (``neurona.losses`` does, with its own messages).

    Example:
        >>> import numpy as np, neurona as nr
        >>> z = nr.tensor([[2.0, 0.0, 0.0]], requires_grad=True)
        >>> loss = softmax_output_cross_entropy(np.array([0]), z)
        >>> loss.backward(); round(loss.item(), 4), z.grad.round(3)
        (0.2395, array([[-0.213,  0.107,  0.107]], dtype=float32))
    """
    return SoftmaxOutputCrossEntropy.apply(
        y_true,
        logits,
        p=probabilities,
        sparse=sparse,
        from_logits=from_logits,
        mean=mean,
        epsilon=epsilon,
        checked=checked,
    )


def dense_softmax_cross_entropy(
    y_true: Any,
    x: Any,
    W: Any,
    b: Any = None,
    probabilities: Any = None,
    sparse: bool = True,
    mean: bool = True,
    epsilon: float = EPSILON,
    checked: bool = False,
):
    """Keras's cross-entropy of p = softmax(x W + b) as one node from x, W and b: what a
    classifier's last ``Dense(k, activation="softmax")`` and its loss amount to.

        L = −Σ_c y_c log clip(q_c, ε, 1 − ε),  q = p / Σ p
        δ = ∂L/∂z = q − y (0 for a clipped sample);  ∂L/∂W = xᵀ δ,  ∂L/∂b = Σ_rows δ,  ∂L/∂x = δ Wᵀ

    ``probabilities`` is p when the layer already computed it (it is then reused); the other
    arguments are those of :func:`softmax_output_cross_entropy`.

    Example:
        >>> import numpy as np, neurona as nr
        >>> W = nr.tensor(np.zeros((2, 3)), requires_grad=True)
        >>> loss = dense_softmax_cross_entropy(np.array([0]), np.ones((1, 2)), W)
        >>> loss.backward(); round(loss.item(), 4), W.grad.round(3)[0]
        (1.0986, array([-0.667,  0.333,  0.333]))
    """
    if probabilities is None:  # the layer's softmax, computed here
        x_, W_, b_ = (a.data if isinstance(a, Tensor) else a for a in (x, W, b))
        z = x_.reshape(-1, W_.shape[0]) @ W_ + (0 if b_ is None else b_)
        p = get_array_module(z).exp(_log_softmax(z, -1))
        probabilities = p.reshape((*x_.shape[:-1], W_.shape[1]))
    return DenseSoftmaxCrossEntropy.apply(
        y_true, x, W, b, p=probabilities, sparse=sparse, mean=mean, epsilon=epsilon, checked=checked
    )
