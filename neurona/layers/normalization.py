"""Floor 4: ``BatchNormalization`` (batch statistics while training, moving averages at
inference) and ``LayerNormalization`` (per-sample statistics), over ``F.batch_norm`` and
``F.layer_norm``."""

from __future__ import annotations

from typing import Any

from neurona import functional as F
from neurona import initializers, regularizers
from neurona.autodiff import Tensor
from neurona.layers.layer import Layer, serialize_object

__all__ = ["BatchNormalization", "LayerNormalization"]


def _check_epsilon(cls: str, epsilon: Any) -> float:
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or epsilon <= 0:
        raise ValueError(
            f"{cls}: expected epsilon to be a small positive float such as 1e-3, "
            f"got epsilon={epsilon!r}."
        )
    return float(epsilon)


def _axis_size(layer: Layer, input_shape: tuple, axis: int) -> int:
    """The size of ``axis`` in ``input_shape``, known and existing, or the house error."""
    ndim = len(input_shape)
    if not -ndim <= axis < ndim or input_shape[axis] is None:
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': axis {axis} is not a known axis "
            f"of inputs of shape {input_shape}. Use axis=-1 for channels-last "
            "features."
        )
    return int(input_shape[axis])


class BatchNormalization(Layer):
    """Batch normalisation (course Y8): standardise each feature over the batch, then rescale.

        training:   μ_B, σ²_B = mean and (biased) variance of the batch, per feature
                    y = γ (x − μ_B)/√(σ²_B + ε) + β
                    moving_mean ← momentum·moving_mean + (1 − momentum)·μ_B   (same for σ²)
        inference:  y = γ (x − moving_mean)/√(moving_variance + ε) + β

    The slides give the training formula; the moving averages are Keras's. PyTorch writes the
    same update with momentum_torch = 1 − momentum (0.1 ↔ Keras's 0.99), ε = 1e-5, and the
    unbiased σ² in its running variance. A frozen layer (``trainable=False``) always runs in
    inference mode, as in Keras.

    Args:
        axis: the features axis (-1 for channels-last).
        momentum: of the moving averages (Keras's 0.99).
        epsilon: added to the variance (Keras's 1e-3).
        center, scale: learn β and γ.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: Keras's defaults zeros, ones, zeros, ones.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as for any
            weight.

    Shape:
        input and output: (batch, ..., features); get_weights(): gamma, beta, moving_mean,
        moving_variance, each (features,).

    Example:
        >>> import numpy as np
        >>> bn = BatchNormalization(epsilon=1e-6)
        >>> bn(np.array([[1.0], [3.0]]), training=True).numpy().round(4).tolist()
        [[-1.0], [1.0]]
        >>> bn.get_weights()[2]  # moving_mean = 0.99·0 + 0.01·2
        array([0.02], dtype=float32)
    """

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        for keras_only in ("renorm", "synchronized"):
            if kwargs.pop(keras_only, False):
                raise ValueError(f"BatchNormalization: {keras_only}=True is not supported.")
        kwargs.pop("renorm_clipping", None), kwargs.pop("renorm_momentum", None)
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"BatchNormalization: expected axis to be an int, got {axis!r}.")
        if (
            isinstance(momentum, bool)
            or not isinstance(momentum, (int, float))
            or not 0 <= momentum <= 1
        ):
            raise ValueError(
                f"BatchNormalization: expected 0 ≤ momentum ≤ 1 (Keras's 0.99; "
                f"PyTorch's 0.1 is Keras's 0.9), got momentum={momentum!r}."
            )
        self.axis, self.momentum = axis, float(momentum)
        self.epsilon = _check_epsilon("BatchNormalization", epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.gamma = self.beta = None

    def build(self, input_shape: tuple) -> None:
        shape = (_axis_size(self, input_shape, self.axis),)
        if self.scale:
            self.gamma = self.add_weight(
                "gamma",
                shape,
                self.gamma_initializer,
                self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
        if self.center:
            self.beta = self.add_weight(
                "beta",
                shape,
                self.beta_initializer,
                self.beta_regularizer,
                constraint=self.beta_constraint,
            )
        self.moving_mean = self.add_weight(
            "moving_mean", shape, self.moving_mean_initializer, trainable=False
        )
        self.moving_variance = self.add_weight(
            "moving_variance", shape, self.moving_variance_initializer, trainable=False
        )

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        n = self.moving_mean.shape[0]
        if x.ndim != len(self._build_input_shape) or x.shape[self.axis] != n:
            raise ValueError(
                f"BatchNormalization '{self.name}' expects inputs with {n} features "
                f"on axis {self.axis} (built for {self._build_input_shape}), got "
                f"shape {tuple(x.shape)}."
            )
        if not (training and self.trainable):
            return F.batch_norm_inference(
                x,
                self.gamma,
                self.beta,
                self.moving_mean.data,
                self.moving_variance.data,
                self.axis,
                self.epsilon,
            )
        y, mean, var = F.batch_norm(x, self.gamma, self.beta, self.axis, self.epsilon)
        for moving, batch in ((self.moving_mean, mean), (self.moving_variance, var)):
            moving.data[...] = moving.data * self.momentum + batch.data * (1.0 - self.momentum)
        return y

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize_object(self.beta_initializer),
            "gamma_initializer": serialize_object(self.gamma_initializer),
            "moving_mean_initializer": serialize_object(self.moving_mean_initializer),
            "moving_variance_initializer": serialize_object(self.moving_variance_initializer),
            "beta_regularizer": serialize_object(self.beta_regularizer),
            "gamma_regularizer": serialize_object(self.gamma_regularizer),
            "beta_constraint": self.beta_constraint,
            "gamma_constraint": self.gamma_constraint,
        }


class LayerNormalization(Layer):
    """Layer normalisation (Ba et al. 2016): standardise each sample over its features.

        μ, σ² = mean and (biased) variance of x over ``axis``, per sample
        y = γ (x − μ)/√(σ² + ε) + β

    The same computation at training and inference (no moving averages).

    Args:
        axis: the axis or axes to normalise (-1: the features).
        epsilon: added to the variance (Keras's 1e-3; PyTorch's LayerNorm uses 1e-5).
        center, scale: learn β and γ (shape: the sizes of ``axis``).
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
        beta_constraint, gamma_constraint: as for any weight.

    Example:
        >>> import numpy as np
        >>> LayerNormalization(epsilon=1e-6)(np.array([[1.0, 3.0]])).numpy().round(4).tolist()
        [[-1.0, 1.0]]
    """

    def __init__(
        self,
        axis: int | list[int] = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        if kwargs.pop("rms_scaling", False):
            raise ValueError("LayerNormalization: rms_scaling=True is not supported.")
        super().__init__(**kwargs)
        axes = [axis] if isinstance(axis, int) else list(axis)
        if not axes or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
            raise ValueError(
                f"LayerNormalization: expected axis to be an int or a list of ints, got {axis!r}."
            )
        self.axis = axis if isinstance(axis, int) else axes
        self.epsilon = _check_epsilon("LayerNormalization", epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.gamma = self.beta = None

    def _axes(self) -> tuple[int, ...]:
        return (self.axis,) if isinstance(self.axis, int) else tuple(self.axis)

    def build(self, input_shape: tuple) -> None:
        shape = tuple(_axis_size(self, input_shape, a) for a in self._axes())
        if self.scale:
            self.gamma = self.add_weight(
                "gamma",
                shape,
                self.gamma_initializer,
                self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
        if self.center:
            self.beta = self.add_weight(
                "beta",
                shape,
                self.beta_initializer,
                self.beta_regularizer,
                constraint=self.beta_constraint,
            )

    def call(self, x: Tensor) -> Tensor:
        built = self._build_input_shape
        if x.ndim != len(built) or any(x.shape[a] != built[a] for a in self._axes()):
            raise ValueError(
                f"LayerNormalization '{self.name}' was built for inputs of shape "
                f"{built} (normalising axis {self.axis}), got shape "
                f"{tuple(x.shape)}."
            )
        return F.layer_norm(x, self.gamma, self.beta, self._axes(), self.epsilon)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize_object(self.beta_initializer),
            "gamma_initializer": serialize_object(self.gamma_initializer),
            "beta_regularizer": serialize_object(self.beta_regularizer),
            "gamma_regularizer": serialize_object(self.gamma_regularizer),
            "beta_constraint": self.beta_constraint,
            "gamma_constraint": self.gamma_constraint,
        }
