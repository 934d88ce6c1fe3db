"""Floor 2: batch and layer normalisation, each one fused node with the standard hand-written
backward (Ioffe & Szegedy 2015) and its jvp. Both standardise x over some axes R and rescale:

    μ = mean_R(x)    σ² = mean_R((x − μ)²)  (biased, as Keras)    x̂ = (x − μ)/√(σ² + ε)
    y = γ ⊙ x̂ + β

Batch norm reduces over every axis except the feature ``axis`` (γ, β, μ, σ² have one entry per
feature); layer norm reduces over ``axis`` itself (γ, β have the shape of those axes)."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.autodiff.tensor import Tensor, as_array
from neurona.backend import get_array_module

__all__ = ["batch_norm", "batch_norm_inference", "layer_norm"]


def _normalize(x, reduce_axes: tuple[int, ...], epsilon: float):
    """μ, σ², 1/√(σ² + ε) and x̂ over ``reduce_axes`` (kept as size-1 axes for broadcasting)."""
    xp = get_array_module(x)
    mu = x.mean(axis=reduce_axes, keepdims=True)
    centered = x - mu
    var = (centered * centered).mean(axis=reduce_axes, keepdims=True)
    inv_std = 1 / xp.sqrt(var + epsilon)
    return mu, var, inv_std, centered * inv_std


def _affine(x_hat, gamma, beta, param_shape):
    """y = γ ⊙ x̂ + β, γ and β (either may be None) reshaped to broadcast against x̂."""
    y = x_hat if gamma is None else x_hat * gamma.reshape(param_shape)
    return y if beta is None else y + beta.reshape(param_shape)


class _Normalization(Function):
    """The shared rules. With δ̂ = ∂L/∂x̂ = γ ⊙ ∂L/∂y and m = the number of reduced elements:

        ∂L/∂β = Σ ∂L/∂y    ∂L/∂γ = Σ ∂L/∂y ⊙ x̂    (Σ over the axes γ does not span)
        ∂L/∂x = (1/√(σ² + ε)) · (δ̂ − mean_R(δ̂) − x̂ ⊙ mean_R(δ̂ ⊙ x̂))

    jvp: μ̇ = mean_R(ẋ), σ̇² = mean_R(2(x − μ) ẋ), x̂̇ = (ẋ − μ̇)/√(σ² + ε) − ½ x̂ σ̇²/(σ² + ε),
    ẏ = γ̇ x̂ + γ x̂̇ + β̇."""

    def _forward(self, x, gamma, beta, reduce_axes, param_shape, epsilon):
        mu, var, inv_std, x_hat = _normalize(x, reduce_axes, epsilon)
        self.reduce_axes, self.param_shape = reduce_axes, param_shape
        # axes γ does not span: the ones ∂L/∂γ and ∂L/∂β are summed over
        self.sum_axes = tuple(i for i, n in enumerate(param_shape) if n == 1)
        self.save_for_backward(x_hat, inv_std, gamma, beta)
        return mu, var, _affine(x_hat, gamma, beta, param_shape)

    def _grads(self, grad_y, grad_mu=None, grad_var=None):
        x_hat, inv_std, gamma, beta = self.saved
        axes = self.reduce_axes
        need_gamma = gamma is not None and self.needs_input_grad[1]
        need_beta = beta is not None and self.needs_input_grad[2]
        grad_gamma = (
            (grad_y * x_hat).sum(axis=self.sum_axes).reshape(gamma.shape) if need_gamma else None
        )
        grad_beta = grad_y.sum(axis=self.sum_axes).reshape(beta.shape) if need_beta else None
        grad_x = None
        if self.needs_input_grad[0]:
            d_hat = grad_y if gamma is None else grad_y * gamma.reshape(self.param_shape)
            grad_x = inv_std * (
                d_hat
                - d_hat.mean(axis=axes, keepdims=True)
                - x_hat * (d_hat * x_hat).mean(axis=axes, keepdims=True)
            )
            m = x_hat.size // inv_std.size
            if grad_mu is not None and grad_mu.any():  # μ = mean_R(x):  ∂μ/∂x = 1/m
                grad_x = grad_x + grad_mu.reshape(inv_std.shape) / m
            if grad_var is not None and grad_var.any():  # ∂σ²/∂x = 2(x − μ)/m
                grad_x = grad_x + grad_var.reshape(inv_std.shape) * (2 / m) * x_hat / inv_std
        return grad_x, grad_gamma, grad_beta

    def _tangents(self, x_dot, gamma_dot, beta_dot):
        x_hat, inv_std, gamma, beta = self.saved
        axes = self.reduce_axes
        mu_dot = x_dot.mean(axis=axes, keepdims=True)
        var_dot = 2 * (x_hat / inv_std * x_dot).mean(axis=axes, keepdims=True)
        x_hat_dot = (x_dot - mu_dot) * inv_std - 0.5 * x_hat * inv_std * inv_std * var_dot
        y_dot = x_hat_dot if gamma is None else x_hat_dot * gamma.reshape(self.param_shape)
        if gamma_dot is not None and gamma is not None:
            y_dot = y_dot + x_hat * gamma_dot.reshape(self.param_shape)
        if beta_dot is not None and beta is not None:
            y_dot = y_dot + beta_dot.reshape(self.param_shape)
        return mu_dot, var_dot, y_dot


class BatchNorm(_Normalization):
    """Training-mode batch norm: outputs y and the batch statistics μ, σ² (one per feature), so
    that a layer can update its moving averages. See ``_Normalization`` for the rules."""

    def forward(self, x, gamma, beta, reduce_axes=(0,), param_shape=(1,), epsilon=1e-3):
        mu, var, y = self._forward(x, gamma, beta, reduce_axes, param_shape, epsilon)
        n_features = mu.size
        return y, mu.reshape(n_features), var.reshape(n_features)

    def backward(self, grad_y, grad_mu, grad_var):
        if grad_y is None:
            grad_y = get_array_module(self.saved[0]).zeros_like(self.saved[0])
        return self._grads(grad_y, grad_mu, grad_var)

    def jvp(self, x_dot, gamma_dot, beta_dot):
        mu_dot, var_dot, y_dot = self._tangents(x_dot, gamma_dot, beta_dot)
        return y_dot, mu_dot.reshape(-1), var_dot.reshape(-1)


class LayerNorm(_Normalization):
    """Layer norm: y only. See ``_Normalization`` for the rules."""

    def forward(self, x, gamma, beta, reduce_axes=(-1,), param_shape=(1,), epsilon=1e-3):
        return self._forward(x, gamma, beta, reduce_axes, param_shape, epsilon)[2]

    def backward(self, grad_y):
        return self._grads(grad_y)

    def jvp(self, x_dot, gamma_dot, beta_dot):
        return self._tangents(x_dot, gamma_dot, beta_dot)[2]


class BatchNormInference(Function):
    """y = γ (x − μ)/√(σ² + ε) + β = x ⊙ s + t with constant μ, σ² (the moving averages),
    s = γ/√(σ² + ε), t = β − μ s.  backward: ∂L/∂x = ∂L/∂y ⊙ s, ∂L/∂γ = Σ ∂L/∂y ⊙ x̂,
    ∂L/∂β = Σ ∂L/∂y.  jvp: ẏ = ẋ s + γ̇ x̂ + β̇."""

    def forward(self, x, gamma, beta, mean=None, variance=None, param_shape=(1,), epsilon=1e-3):
        xp = get_array_module(x)
        self.param_shape = param_shape
        self.sum_axes = tuple(i for i, n in enumerate(param_shape) if n == 1)
        inv_std = (1 / xp.sqrt(variance + epsilon)).astype(x.dtype).reshape(param_shape)
        x_hat = (x - mean.reshape(param_shape).astype(x.dtype)) * inv_std
        self.save_for_backward(x_hat, inv_std, gamma, beta)
        return _affine(x_hat, gamma, beta, param_shape)

    def backward(self, grad_y):
        x_hat, inv_std, gamma, beta = self.saved
        scale = inv_std if gamma is None else inv_std * gamma.reshape(self.param_shape)
        need = self.needs_input_grad
        return (
            grad_y * scale if need[0] else None,
            (grad_y * x_hat).sum(axis=self.sum_axes).reshape(gamma.shape)
            if gamma is not None and need[1]
            else None,
            grad_y.sum(axis=self.sum_axes).reshape(beta.shape)
            if beta is not None and need[2]
            else None,
        )

    def jvp(self, x_dot, gamma_dot, beta_dot):
        x_hat, inv_std, gamma, beta = self.saved
        y_dot = x_dot * inv_std
        if gamma is not None:
            y_dot = y_dot * gamma.reshape(self.param_shape)
            if gamma_dot is not None:
                y_dot = y_dot + x_hat * gamma_dot.reshape(self.param_shape)
        if beta is not None and beta_dot is not None:
            y_dot = y_dot + beta_dot.reshape(self.param_shape)
        return y_dot


def _check_axes(where: str, x_shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    """``axis`` (an int or a sequence of ints) as sorted non-negative axes of x, or an error."""
    ndim = len(x_shape)
    items = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    if not items or not all(
        isinstance(a, int) and not isinstance(a, bool) and -ndim <= a < ndim for a in items
    ):
        raise ValueError(
            f"{where}: expected axis to be an int (or ints) in [{-ndim}, {ndim - 1}] "
            f"for an input of shape {x_shape}, got axis={axis!r}. Use axis=-1 for "
            "the last (features) axis."
        )
    return tuple(sorted({a % ndim for a in items}))


def _check_param(where: str, name: str, p: Any, shape: tuple[int, ...]):
    """γ or β: None, or a tensor/array holding one value per normalised position."""
    if p is None:
        return None
    p = p if isinstance(p, Tensor) else as_array(p)
    if int(p.size) != int(_prod(shape)):
        raise ValueError(
            f"{where}: expected {name} with {_prod(shape)} values (shape {shape}), "
            f"got shape {tuple(p.shape)}. Give {name} one value per feature."
        )
    return p


def _prod(shape: tuple[int, ...]) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _input(x: Any):
    return x if isinstance(x, Tensor) else as_array(x)


def batch_norm(x: Any, gamma: Any = None, beta: Any = None, axis: int = -1, epsilon: float = 1e-3):
    """Batch normalisation with the statistics of this batch (training mode), one fused node.

        μ = mean(x)   σ² = mean((x − μ)²)   over every axis but ``axis`` (biased σ², as Keras)
        y = γ ⊙ (x − μ)/√(σ² + ε) + β

    The layer updates its moving averages from the returned μ and σ² (Keras's rule:
    moving = momentum·moving + (1 − momentum)·batch, with the biased σ²; PyTorch's running
    variance uses the unbiased one). μ and σ² are differentiable outputs too.

    Args:
        x: the batch, features on ``axis``.
        gamma, beta: scale and offset, one per feature (None: no scale / no offset).
        axis: the features axis (-1 for channels-last).
        epsilon: ε added to σ² (Keras's default 1e-3; PyTorch's is 1e-5).

    Shape:
        x, y: (batch, ..., features);  gamma, beta, mean, variance: (features,)

    Returns:
        ``(y, mean, variance)``, three tensors.

    Example:
        >>> import neurona as nr
        >>> y, mean, var = batch_norm(nr.tensor([[1.0], [3.0]]), epsilon=0.0)
        >>> y.numpy().ravel().tolist(), mean.item(), var.item()
        ([-1.0, 1.0], 2.0, 1.0)
    """
    x = _input(x)
    (feature_axis,) = _check_axes("batch_norm", x.shape, axis)
    param_shape = tuple(n if i == feature_axis else 1 for i, n in enumerate(x.shape))
    n = (x.shape[feature_axis],)
    gamma = _check_param("batch_norm", "gamma", gamma, n)
    beta = _check_param("batch_norm", "beta", beta, n)
    reduce_axes = tuple(i for i in range(x.ndim) if i != feature_axis)
    return BatchNorm.apply(
        x, gamma, beta, reduce_axes=reduce_axes, param_shape=param_shape, epsilon=float(epsilon)
    )


def batch_norm_inference(
    x: Any, gamma: Any, beta: Any, mean: Any, variance: Any, axis: int = -1, epsilon: float = 1e-3
):
    """Batch normalisation with fixed statistics (inference mode: the moving averages).

        y = γ ⊙ (x − μ)/√(σ² + ε) + β    with μ, σ² constants (no gradient flows to them)

    Args:
        x: the batch, features on ``axis``.
        gamma, beta: scale and offset, one per feature (None: no scale / no offset).
        mean, variance: the moving mean and variance, one per feature (arrays or tensors).
        axis: the features axis.
        epsilon: ε added to σ².

    Shape:
        x, y: (batch, ..., features);  gamma, beta, mean, variance: (features,)

    Example:
        >>> import neurona as nr
        >>> y = batch_norm_inference(nr.tensor([[3.0]]), None, None, [1.0], [4.0], epsilon=0.0)
        >>> y.item()
        1.0
    """
    x = _input(x)
    (feature_axis,) = _check_axes("batch_norm_inference", x.shape, axis)
    param_shape = tuple(n if i == feature_axis else 1 for i, n in enumerate(x.shape))
    n = (x.shape[feature_axis],)
    gamma = _check_param("batch_norm_inference", "gamma", gamma, n)
    beta = _check_param("batch_norm_inference", "beta", beta, n)
    mean, variance = (
        as_array(_check_param("batch_norm_inference", name, v, n))
        for name, v in (("mean", mean), ("variance", variance))
    )
    return BatchNormInference.apply(
        x,
        gamma,
        beta,
        mean=mean,
        variance=variance,
        param_shape=param_shape,
        epsilon=float(epsilon),
    )


def layer_norm(
    x: Any,
    gamma: Any = None,
    beta: Any = None,
    axis: int | tuple[int, ...] = -1,
    epsilon: float = 1e-3,
):
    """Layer normalisation: each sample standardised over ``axis`` (its features), one node.

        μ = mean_axis(x)   σ² = mean_axis((x − μ)²)   y = γ ⊙ (x − μ)/√(σ² + ε) + β

    Same statistics at training and inference (no moving averages), as in Keras and PyTorch.

    Args:
        x: the input.
        gamma, beta: scale and offset with the shape of the normalised axes (or None).
        axis: the axis or axes to normalise over (-1: the features).
        epsilon: ε added to σ² (Keras's default 1e-3; PyTorch's is 1e-5).

    Shape:
        x, y: (batch, ..., features);  gamma, beta: (features,) for axis=-1

    Example:
        >>> import neurona as nr
        >>> layer_norm(nr.tensor([[1.0, 3.0]]), epsilon=0.0)
        tensor([[-1.,  1.]])
    """
    x = _input(x)
    axes = _check_axes("layer_norm", x.shape, axis)
    param_shape = tuple(n if i in axes else 1 for i, n in enumerate(x.shape))
    shape = tuple(x.shape[i] for i in axes)
    gamma = _check_param("layer_norm", "gamma", gamma, shape)
    beta = _check_param("layer_norm", "beta", beta, shape)
    return LayerNorm.apply(
        x, gamma, beta, reduce_axes=axes, param_shape=param_shape, epsilon=float(epsilon)
    )
