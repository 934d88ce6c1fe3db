"""Floor 4: activation layers — ``Activation(f)`` and the configurable ``ReLU``, ``LeakyReLU``,
``PReLU`` (slope learned), ``ELU`` and ``Softmax``; each one call into ``neurona.functional``."""

from __future__ import annotations

import warnings
from typing import Any

from neurona import activations, initializers, regularizers
from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.layers.dense import activation_name
from neurona.layers.layer import Layer, serialize_object

__all__ = ["Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax"]


def _non_negative(cls: str, name: str, value: Any, allow_none: bool = False) -> Any:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(
            f"{cls}: expected {name} to be a non-negative number"
            f"{' or None' if allow_none else ''}, got {name}={value!r}."
        )
    return float(value)


class Activation(Layer):
    """Applies an activation function: a = f(x).

    Args:
        activation: a name such as "relu", "softmax", "tanh", or a callable on tensors.

    Shape:
        output: the input's shape.

    Example:
        >>> import numpy as np
        >>> Activation("relu")(np.array([[-1.0, 2.0]])).numpy().tolist()
        [[0.0, 2.0]]
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, x: Tensor) -> Tensor:
        return self.activation(x)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activation_name(self.activation)}


class ReLU(Layer):
    """Rectified linear unit with Keras's options (course A3, A9):

        a = min(x, max_value)            if x ≥ threshold
        a = negative_slope (x − threshold)  otherwise

    Defaults give relu(x) = max(0, x);  relu'(x) = 1 if x > 0 else 0 (relu'(0) = 0).

    Args:
        max_value: upper clip (None: no clip); ReLU(max_value=6.0) is relu6.
        negative_slope: slope below the threshold (0: plain ReLU).
        threshold: where the unit switches on.

    Example:
        >>> import numpy as np
        >>> ReLU(max_value=1.0)(np.array([[-1.0, 0.5, 3.0]])).numpy().tolist()
        [[0.0, 0.5, 1.0]]
    """

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_value = _non_negative("ReLU", "max_value", max_value, allow_none=True)
        self.negative_slope = _non_negative("ReLU", "negative_slope", negative_slope)
        self.threshold = _non_negative("ReLU", "threshold", threshold)

    def call(self, x: Tensor) -> Tensor:
        return F.relu(
            x,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


class LeakyReLU(Layer):
    """Leaky ReLU (course A9): a = x if x > 0 else α x;  a' = 1 if x > 0 else α.

    Keras 3's layer default is negative_slope=0.3 (the function ``F.leaky_relu`` defaults to
    0.2, as ``keras.ops.leaky_relu``); the course uses α = 0.01 or 0.1. Keras 2's ``alpha=``
    is accepted with a warning, as Keras 3 does.

    Example:
        >>> import numpy as np
        >>> LeakyReLU(negative_slope=0.5)(np.array([[-2.0, 3.0]])).numpy().tolist()
        [[-1.0, 3.0]]
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "LeakyReLU: argument alpha is deprecated (Keras 3); use negative_slope.",
                UserWarning,
                stacklevel=2,
            )
        super().__init__(**kwargs)
        self.negative_slope = _non_negative("LeakyReLU", "negative_slope", negative_slope)

    def call(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, negative_slope=self.negative_slope)

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(Layer):
    """Parametric ReLU (course A10): a leaky ReLU whose slope α is learned.

        a = x if x > 0 else α ⊙ x;   ∂a/∂x = 1 or α;   ∂a/∂α = 0 or x

    α (``alpha``) has one entry per input position (shape input_shape[1:]), shared along
    ``shared_axes`` (axes of the full input, batch = 0, as Keras: ``shared_axes=[1, 2]`` gives
    one α per channel of an image).

    Args:
        alpha_initializer: Keras's default 'zeros' (starts as a ReLU).
        alpha_regularizer, alpha_constraint: as for any weight.
        shared_axes: axes along which α is shared.

    Example:
        >>> import numpy as np
        >>> layer = PReLU(alpha_initializer="ones")
        >>> layer(np.array([[-2.0, 3.0]])).numpy().tolist(), layer.get_weights()[0].shape
        ([[-2.0, 3.0]], (2,))
    """

    def __init__(
        self,
        alpha_initializer: Any = "zeros",
        alpha_regularizer: Any = None,
        alpha_constraint: Any = None,
        shared_axes: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = alpha_constraint
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = [shared_axes] if isinstance(shared_axes, int) else list(shared_axes)
            if not all(isinstance(a, int) and a >= 1 for a in axes):
                raise ValueError(
                    f"PReLU: expected shared_axes to be axes ≥ 1 of the input "
                    f"(0 is the batch), got shared_axes={shared_axes!r}."
                )
            self.shared_axes = axes

    def build(self, input_shape: tuple) -> None:
        shape = list(input_shape[1:])
        for a in self.shared_axes or ():
            if a > len(shape):
                raise ValueError(
                    f"PReLU '{self.name}': shared axis {a} does not exist for inputs "
                    f"of shape {input_shape}. Use axes 1..{len(shape)}."
                )
            shape[a - 1] = 1
        if any(n is None for n in shape):
            raise ValueError(
                f"PReLU '{self.name}' needs known sizes on every unshared axis, got "
                f"input shape {input_shape}. Share the unknown axes (shared_axes)."
            )
        self.alpha = self.add_weight(
            "alpha",
            tuple(shape),
            self.alpha_initializer,
            self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )

    def call(self, x: Tensor) -> Tensor:
        if tuple(x.shape[1:]) != tuple(self._build_input_shape[1:]):
            raise ValueError(
                f"PReLU '{self.name}' was built for inputs of shape "
                f"{self._build_input_shape}, got {tuple(x.shape)}."
            )
        return F.where(x > 0, x, self.alpha * x)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "alpha_initializer": serialize_object(self.alpha_initializer),
            "alpha_regularizer": serialize_object(self.alpha_regularizer),
            "alpha_constraint": self.alpha_constraint,
            "shared_axes": self.shared_axes,
        }


class ELU(Layer):
    """Exponential linear unit (course A6): a = x if x > 0 else α(eˣ − 1);
    a' = 1 if x > 0 else α eˣ.

    Example:
        >>> import numpy as np
        >>> ELU()(np.array([[0.0, 2.0]])).numpy().tolist()
        [[0.0, 2.0]]
    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, x: Tensor) -> Tensor:
        return F.elu(x, alpha=self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """Softmax over ``axis`` (course A4): aᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}, computed stably as
    e^{xᵢ − max x} / Σⱼ e^{xⱼ − max x}; every row sums to 1.

    Example:
        >>> import numpy as np
        >>> Softmax()(np.array([[0.0, 0.0]])).numpy().tolist()
        [[0.5, 0.5]]
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"Softmax: expected axis to be an int such as -1, got {axis!r}.")
        self.axis = axis

    def call(self, x: Tensor) -> Tensor:
        if not -x.ndim <= self.axis < x.ndim:
            raise ValueError(
                f"Softmax '{self.name}': axis {self.axis} does not exist for inputs "
                f"of shape {tuple(x.shape)}. Use axis=-1 for the last axis."
            )
        return F.softmax(x, axis=self.axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
