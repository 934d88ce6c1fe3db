"""Floor 2: numerically stable loss kernels, each one node of the graph with a hand-written backward
and jvp. Arguments come in Keras's order (y_true, then y_pred or logits); the result is the loss per
sample (the class axis reduced), left for ``neurona.losses`` to weight and average."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.errors import ShapeError
from neurona.functional._broadcast import shape_of, unbroadcast

__all__ = [
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
    "sigmoid_binary_cross_entropy",
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "mse",
    "mae",
    "hinge",
]

EPSILON = 1e-7  # keras.config.epsilon(): probabilities are clipped to [ε, 1 − ε]


def _same_shape(where: str, y, z):
    """Check that y_true and y_pred have the same shape; return y_true cast to y_pred's dtype."""
    if shape_of(y) != shape_of(z):
        raise ShapeError(
            f"{where}: expected y_true and y_pred of the same shape, got {shape_of(y)} and "
            f"{shape_of(z)}. Reshape the labels, or use neurona.losses, which explains the fix."
        )
    return get_array_module(z).asarray(y, dtype=z.dtype)


def _unsqueeze(g, axis: int):
    """g with the reduced ``axis`` put back (size 1), to broadcast against the inputs."""
    return g[..., None] if axis == -1 else get_array_module(g).expand_dims(g, axis)


def _log_softmax(z, axis):
    xp = get_array_module(z)
    shifted = z - z.max(axis=axis, keepdims=True)  # ≤ 0, so e^shifted never overflows
    return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))


def _one_hot(labels, k: int, axis: int, dtype):
    xp = get_array_module(labels)
    expanded = xp.expand_dims(labels, axis)
    classes = xp.arange(k).reshape(
        [k if i == axis % expanded.ndim else 1 for i in range(expanded.ndim)]
    )
    return (expanded == classes).astype(dtype)


def _clip_probabilities(p, epsilon):
    """Keras's clip to [ε, 1 − ε], with the mask of the points where the clip is inactive."""
    xp = get_array_module(p)
    lo, hi = p.dtype.type(epsilon), p.dtype.type(1.0 - epsilon)
    return xp.clip(p, lo, hi), (p >= lo) & (p <= hi)


class SoftmaxCrossEntropy(Function):
    """L = −Σ_c y_c log softmax(z)_c along ``axis``.
    backward: ∂L/∂z = g (softmax(z) Σ_c y_c − y), ∂L/∂y = −g log softmax(z).
    jvp: L̇ = Σ_c (softmax(z)_c Σy − y_c) ż_c − Σ_c ẏ_c log softmax(z)_c."""

    def forward(self, y, z, axis=-1):
        y = _same_shape("softmax_cross_entropy", y, z)
        log_p = _log_softmax(z, axis)
        self.save_for_backward(y, log_p, axis)
        return -(y * log_p).sum(axis=axis)

    def _dz(self):
        y, log_p, axis = self.saved
        return get_array_module(log_p).exp(log_p) * y.sum(axis=axis, keepdims=True) - y

    def backward(self, grad_out):
        y, log_p, axis = self.saved
        g = _unsqueeze(grad_out, axis)
        need_y, need_z = self.needs_input_grad
        return (-g * log_p if need_y else None), (g * self._dz() if need_z else None)

    def jvp(self, y_dot, z_dot):
        y, log_p, axis = self.saved
        return (self._dz() * z_dot - y_dot * log_p).sum(axis=axis)


class SparseSoftmaxCrossEntropy(Function):
    """L = −log softmax(z)_t for the integer class t of each sample (a one-hot y, never built
    in the forward pass).  backward: ∂L/∂z = g (softmax(z) − onehot(t)).
    jvp: L̇ = Σ_c softmax(z)_c ż_c − ż_t."""

    def forward(self, labels, z, axis=-1):
        xp = get_array_module(z)
        k = z.shape[axis]
        labels = _check_labels(labels, z, axis, k)
        log_p = _log_softmax(z, axis)
        self.save_for_backward(labels, log_p, axis)
        picked = xp.take_along_axis(log_p, xp.expand_dims(labels, axis), axis=axis)
        return -picked.squeeze(axis)

    def _dz(self):
        labels, log_p, axis = self.saved
        p = get_array_module(log_p).exp(log_p)
        return p - _one_hot(labels, log_p.shape[axis], axis, p.dtype)

    def backward(self, grad_out):
        axis = self.saved[2]
        return None, _unsqueeze(grad_out, axis) * self._dz()

    def jvp(self, labels_dot, z_dot):
        return (self._dz() * z_dot).sum(axis=self.saved[2])


def _check_labels(labels, z, axis: int, k: int):
    xp = get_array_module(z)
    labels = xp.asarray(labels)
    expected = tuple(n for i, n in enumerate(z.shape) if i != axis % z.ndim)
    if labels.shape != expected:
        raise ShapeError(
            f"sparse_softmax_cross_entropy: expected integer labels of shape {expected} for "
            f"logits of shape {z.shape}, got shape {labels.shape}."
        )
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind != "f" or (labels.size and bool((labels != xp.round(labels)).any())):
            raise ValueError(
                "sparse_softmax_cross_entropy: expected integer class labels, got values of dtype "
                f"{labels.dtype} that are not whole numbers. Pass class indices 0 … {k - 1}."
            )
        labels = labels.astype(xp.int64)
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= k):
        raise ValueError(
            f"sparse_softmax_cross_entropy: expected class labels in [0, {k - 1}] (the logits "
            f"have {k} classes), got labels from {int(labels.min())} to {int(labels.max())}."
        )
    return labels


class SigmoidBinaryCrossEntropy(Function):
    """Elementwise L = −y log σ(z) − (1 − y) log(1 − σ(z)), computed as
    max(z, 0) − z y + log(1 + e^{−|z|}) (no overflow, no log 0).
    backward: ∂L/∂z = g (σ(z) − y), ∂L/∂y = −g z.  jvp: L̇ = (σ(z) − y) ż − z ẏ."""

    def forward(self, y, z):
        y = _same_shape("sigmoid_binary_cross_entropy", y, z)
        xp = get_array_module(z)
        e = xp.exp(-xp.abs(z))  # in (0, 1]
        sigma = xp.where(z >= 0, 1 / (1 + e), e / (1 + e))
        self.save_for_backward(y, z, sigma)
        return xp.maximum(z, 0) - z * y + xp.log1p(e)

    def backward(self, grad_out):
        y, z, sigma = self.saved
        need_y, need_z = self.needs_input_grad
        return (-grad_out * z if need_y else None), (grad_out * (sigma - y) if need_z else None)

    def jvp(self, y_dot, z_dot):
        y, z, sigma = self.saved
        return (sigma - y) * z_dot - z * y_dot


class BinaryCrossEntropy(Function):
    """Elementwise L = −y log p̃ − (1 − y) log(1 − p̃) with p̃ = clip(p, ε, 1 − ε) (Keras).
    backward: ∂L/∂p = g (p̃ − y) / (p̃ (1 − p̃)) where the clip is inactive, else 0;
    ∂L/∂y = g (log(1 − p̃) − log p̃).  jvp: the same two derivatives times ṗ and ẏ."""

    def forward(self, y, p, epsilon=EPSILON):
        y = _same_shape("binary_cross_entropy", y, p)
        xp = get_array_module(p)
        p_clip, inside = _clip_probabilities(p, epsilon)
        log_p, log_q = xp.log(p_clip), xp.log1p(-p_clip)
        self.save_for_backward(y, p_clip, inside, log_p, log_q)
        return -(y * log_p + (1 - y) * log_q)

    def _dp(self):
        y, p_clip, inside, _, _ = self.saved
        return inside * (p_clip - y) / (p_clip * (1 - p_clip))

    def backward(self, grad_out):
        log_p, log_q = self.saved[3:]
        need_y, need_p = self.needs_input_grad
        return (grad_out * (log_q - log_p) if need_y else None), (
            grad_out * self._dp() if need_p else None
        )

    def jvp(self, y_dot, p_dot):
        log_p, log_q = self.saved[3:]
        return self._dp() * p_dot + (log_q - log_p) * y_dot


class CategoricalCrossEntropy(Function):
    """L = −Σ_c y_c log q̃_c with q = p / Σ_c p_c and q̃ = clip(q, ε, 1 − ε) (Keras's formula for
    probabilities).  With a_c = −y_c / q̃_c where the clip is inactive (else 0) and S = Σ_c p_c:
    backward: ∂L/∂p_c = g (a_c − Σ_j a_j q_j) / S, ∂L/∂y = −g log q̃.
    jvp: L̇ = Σ_c a_c q̇_c − Σ_c ẏ_c log q̃_c with q̇ = (ṗ − q Σ ṗ) / S."""

    def forward(self, y, p, axis=-1, epsilon=EPSILON):
        y = _same_shape("categorical_cross_entropy", y, p)
        xp = get_array_module(p)
        total = p.sum(axis=axis, keepdims=True)
        q = p / total
        q_clip, inside = _clip_probabilities(q, epsilon)
        log_q = xp.log(q_clip)
        a = -(inside * y) / q_clip
        self.save_for_backward(log_q, a, q, total, axis)
        return -(y * log_q).sum(axis=axis)

    def backward(self, grad_out):
        log_q, a, q, total, axis = self.saved
        g = _unsqueeze(grad_out, axis)
        need_y, need_p = self.needs_input_grad
        grad_p = g * (a - (a * q).sum(axis=axis, keepdims=True)) / total if need_p else None
        return (-g * log_q if need_y else None), grad_p

    def jvp(self, y_dot, p_dot):
        log_q, a, q, total, axis = self.saved
        q_dot = (p_dot - q * p_dot.sum(axis=axis, keepdims=True)) / total
        return (a * q_dot - y_dot * log_q).sum(axis=axis)


class MeanPowerError(Function):
    """L = mean_c |ŷ_c − y_c|ᵖ along ``axis`` for p = 2 (MSE) or p = 1 (MAE), with broadcasting.
    With d = ŷ − y and k the size of the axis:  backward: ∂L/∂ŷ = g · 2d / k (p = 2) or
    g · sign(d) / k (p = 1, sign(0) = 0), ∂L/∂y = −∂L/∂ŷ.  jvp: L̇ = Σ_c (∂L/∂ŷ_c)(ẏ̂_c − ẏ_c).
    ``mean=True`` also averages over the samples (n of them): g/n replaces g."""

    def forward(self, y, y_pred, axis=-1, power=2, mean=False):
        xp = get_array_module(y_pred)
        d = y_pred - xp.asarray(y, dtype=y_pred.dtype)
        self.save_for_backward(shape_of(y), shape_of(y_pred), d, axis, power)
        values = (d * d if power == 2 else xp.abs(d)).sum(axis=axis) / d.shape[axis]
        self.n = values.size if mean else 0  # mean=True: the batch mean, = values.mean()
        return (
            xp.asarray(xp.add.reduce(values, axis=None) / values.dtype.type(self.n))
            if (self.n)
            else values
        )

    def _dd(self):
        d, axis, power = self.saved[2:]
        slope = 2 * d if power == 2 else get_array_module(d).sign(d)
        return slope / d.shape[axis]

    def backward(self, grad_out):
        y_shape, pred_shape, d, axis, _ = self.saved
        g = grad_out / self.n if self.n else _unsqueeze(grad_out, axis)
        grad_d = g * self._dd()
        need_y, need_pred = self.needs_input_grad
        return (unbroadcast(-grad_d, y_shape) if need_y else None), (
            unbroadcast(grad_d, pred_shape) if need_pred else None
        )

    def jvp(self, y_dot, pred_dot):
        values = (self._dd() * (pred_dot - y_dot)).sum(axis=self.saved[3])
        return get_array_module(values).asarray(values.mean()) if self.n else values


class Hinge(Function):
    """L = mean_c max(0, m − y_c ŷ_c)ᵖ along ``axis`` (p = 1 hinge, p = 2 squared hinge; m = 1 is
    the SVM hinge, m = 0 the course's perceptron criterion).  With h = max(0, m − y ŷ), active
    where y ŷ ≤ m (a point on the margin counts as a mistake, so training can start at ŷ = 0):
    backward: ∂L/∂ŷ = −g y s / k with s = 1 (p = 1) or 2h (p = 2), ∂L/∂y = −g ŷ s / k.
    jvp: L̇ = −Σ_c s_c (y_c ẏ̂_c + ŷ_c ẏ_c) / k."""

    def forward(self, y, y_pred, margin=1.0, power=1, axis=-1):
        y = _same_shape("hinge", y, y_pred)
        xp = get_array_module(y_pred)
        h = xp.maximum(margin - y * y_pred, 0)
        active = y * y_pred <= margin
        slope = (active.astype(h.dtype) if power == 1 else 2 * h) / y_pred.shape[axis]
        self.save_for_backward(y, y_pred, slope, axis)
        return (h if power == 1 else h * h).sum(axis=axis) / h.shape[axis]

    def backward(self, grad_out):
        y, y_pred, slope, axis = self.saved
        g = _unsqueeze(grad_out, axis) * slope
        need_y, need_pred = self.needs_input_grad
        return (-g * y_pred if need_y else None), (-g * y if need_pred else None)

    def jvp(self, y_dot, pred_dot):
        y, y_pred, slope, axis = self.saved
        return -(slope * (y * pred_dot + y_pred * y_dot)).sum(axis=axis)


def softmax_cross_entropy(y_true: Any, logits: Any, axis: int = -1):
    """Cross-entropy of a softmax output, fused: −Σ_c y_c log softmax(z)_c = Σ_c y_c (lse(z) − z_c).

        ∂L/∂z = softmax(z) − y      (for labels that sum to 1)

    One node instead of softmax → log → multiply → sum; log-softmax is shifted by max(z), so
    logits of ±1e4 give finite values and gradients.

    Example:
        >>> z = nr.tensor([[1e4, 0.0, -1e4]], requires_grad=True)
        >>> loss = softmax_cross_entropy(np.array([[0.0, 1.0, 0.0]], dtype="float32"), z)
        >>> loss.backward(np.ones(1, dtype="float32")); loss, z.grad
        (tensor([10000.], grad_fn=SoftmaxCrossEntropy), array([[ 1., -1.,  0.]], dtype=float32))
    """
    return SoftmaxCrossEntropy.apply(y_true, logits, axis=axis)


def sparse_softmax_cross_entropy(labels: Any, logits: Any, axis: int = -1):
    """Softmax cross-entropy with integer class labels t: −log softmax(z)_t = lse(z) − z_t.

        ∂L/∂z = softmax(z) − onehot(t)

    Example:
        >>> sparse_softmax_cross_entropy(np.array([0, 1]), nr.tensor([[0.0, 0.0], [0.0, 0.0]]))
        tensor([0.6931472, 0.6931472])
    """
    return SparseSoftmaxCrossEntropy.apply(labels, logits, axis=axis)


def sigmoid_binary_cross_entropy(y_true: Any, logits: Any):
    """Elementwise binary cross-entropy of σ(z), fused and stable.

        L = −y log σ(z) − (1 − y) log(1 − σ(z)) = max(z, 0) − z y + log(1 + e^{−|z|})

        ∂L/∂z = σ(z) − y

    Example:
        >>> sigmoid_binary_cross_entropy(np.array([1.0, 0.0]), nr.tensor([1e4, 1e4]))
        tensor([    0., 10000.])
    """
    return SigmoidBinaryCrossEntropy.apply(y_true, logits)


def binary_cross_entropy(y_true: Any, y_pred: Any, epsilon: float = EPSILON):
    """Elementwise binary cross-entropy of probabilities, clipped to [ε, 1 − ε] as Keras does.

        L = −y log p̃ − (1 − y) log(1 − p̃)      ∂L/∂p = (p̃ − y) / (p̃(1 − p̃))  (0 where clipped)

    Example:
        >>> binary_cross_entropy(np.array([1.0, 1.0]), nr.tensor([0.5, 0.0]))
        tensor([ 0.6931472, 16.118095 ])
    """
    return BinaryCrossEntropy.apply(y_true, y_pred, epsilon=epsilon)


def categorical_cross_entropy(y_true: Any, y_pred: Any, axis: int = -1, epsilon: float = EPSILON):
    """Cross-entropy of probabilities, Keras's way: rescaled to sum to 1, clipped to [ε, 1 − ε].

        L = −Σ_c y_c log q̃_c,   q = p / Σ p,   q̃ = clip(q, ε, 1 − ε)

    Example:
        >>> categorical_cross_entropy(np.array([[0.0, 1.0]]), nr.tensor([[0.5, 0.5]]))
        tensor([0.6931472])
    """
    return CategoricalCrossEntropy.apply(y_true, y_pred, axis=axis, epsilon=epsilon)


def mse(y_true: Any, y_pred: Any, axis: int = -1, mean: bool = False):
    """Mean squared error per sample, one node: mean_c (ŷ_c − y_c)²;  ∂L/∂ŷ = 2(ŷ − y)/k.
    ``mean=True``: the mean over the samples too, in the same node (Keras's batch loss).

    Example:
        >>> mse(np.array([[1.0, 0.0]]), nr.tensor([[0.0, 0.0]]))
        tensor([0.5])
    """
    return MeanPowerError.apply(y_true, y_pred, axis=axis, power=2, mean=mean)


def mae(y_true: Any, y_pred: Any, axis: int = -1):
    """Mean absolute error per sample, one node: mean_c |ŷ_c − y_c|;  ∂L/∂ŷ = sign(ŷ − y)/k.

    Example:
        >>> mae(np.array([[1.0, 0.0]]), nr.tensor([[0.0, 3.0]]))
        tensor([2.])
    """
    return MeanPowerError.apply(y_true, y_pred, axis=axis, power=1)


def hinge(y_true: Any, y_pred: Any, margin: float = 1.0, squared: bool = False, axis: int = -1):
    """Hinge family per sample, labels ±1: mean_c max(0, m − y_c ŷ_c), squared when asked.

        margin = 1: the SVM hinge (Keras's 'hinge');  margin = 0: the perceptron criterion
        max(0, −y ŷ) (course L5, which the slides call "hinge").
        ∂L/∂ŷ = −y/k where y ŷ ≤ m, else 0  (squared: −2 y max(0, m − y ŷ)/k)

    Example:
        >>> hinge(np.array([[1.0, -1.0]]), nr.tensor([[0.5, 0.5]]))
        tensor([1.])
        >>> hinge(np.array([[1.0, -1.0]]), nr.tensor([[0.5, 0.5]]), margin=0.0)
        tensor([0.25])
    """
    return Hinge.apply(y_true, y_pred, margin=margin, power=2 if squared else 1, axis=axis)
