"""Floor 4: ``Dense``, the fully connected layer a = f(x W + b), one fused node of
``neurona.functional`` (``F.dense``)."""

from __future__ import annotations

from typing import Any

from neurona import activations, initializers, regularizers
from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.functional import linalg
from neurona.layers.layer import Layer, serialize_object

__all__ = ["Dense"]

# activations the Dense node applies itself; softmax too (over the units), so that a loss can
# see the layer's node and fuse with it (see neurona.losses.probabilistic)
_IN_NODE = (*linalg._FUSED, "softmax")


def check_units(cls: str, name: str, value: Any) -> int:
    """A positive int argument (units, pieces, output_dim …), or the house error.

    Example:
        >>> import numpy as np
        >>> check_units("Dense", "units", 3)
        3
    """
    if isinstance(value, bool) or not hasattr(value, "__index__") or int(value) <= 0:
        raise ValueError(f"{cls}: expected {name} to be a positive int, got {name}={value!r}.")
    return int(value)


def activation_name(fn: Any) -> Any:
    """An activation's config value: its Keras name, or the callable itself when it has none
    (a custom function; saving must then be told about it).

    Example:
        >>> import numpy as np
        >>> activation_name(F.relu), activation_name(None)
        ('relu', 'linear')
    """
    if fn is None:
        return "linear"
    try:
        return activations.serialize(fn)
    except ValueError:
        return fn


def activation_pair(identifier: Any) -> tuple[Any, Any]:
    """(what F.dense is given, the callable): a known activation is passed by name, so that
    F.dense can fuse it into its node (relu, sigmoid, tanh); None/'linear' gives None.

    Example:
        >>> import numpy as np
        >>> activation_pair("relu")[0], activation_pair(None)[0]
        ('relu', None)
    """
    fn = activations.get(identifier)
    name = activation_name(fn)
    if name == "linear":
        return None, fn
    return (name if isinstance(name, str) and hasattr(F, name) else fn), fn


class Dense(Layer):
    """Fully connected layer: every output unit sees every input unit.

        z = x W + b            a = f(z)
        with δ = ∂L/∂z:   ∂L/∂W = xᵀ δ    ∂L/∂b = Σ_rows δ    ∂L/∂x = δ Wᵀ

    W is ``kernel`` (d_in, units) — Keras's layout; the slides' W x with column vectors uses our
    Wᵀ, and PyTorch's ``Linear.weight`` is Wᵀ too. b is ``bias`` (units,), f is ``activation``
    (the identity when None). The whole forward is one node (``F.dense``) with the course's
    backpropagation as its hand-written backward (relu, sigmoid, tanh and softmax inside it).

    Args:
        units: number of output units, a positive int.
        activation: a name such as "relu", a callable, or None.
        use_bias: whether to add b.
        kernel_initializer, bias_initializer: Keras's defaults 'glorot_uniform' and 'zeros'.
        kernel_regularizer, bias_regularizer: penalties added to ``losses`` (e.g. L2(0.01)).
        activity_regularizer: a penalty on the output a.
        kernel_constraint, bias_constraint: callables w ↦ w applied after each update.

    Shape:
        input:  (batch, ..., d_in)
        output: (batch, ..., units)

    Example:
        >>> import numpy as np
        >>> Dense(3, activation="relu")(np.ones((2, 4), dtype="float32")).shape
        (2, 3)
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = check_units("Dense", "units", units)
        self._fused, self.activation = activation_pair(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.kernel: Tensor | None = None
        self.bias: Tensor | None = None

    def build(self, input_shape: tuple) -> None:
        d_in = input_shape[-1] if input_shape else None
        if d_in is None:
            raise ValueError(
                f"Dense '{self.name}' needs inputs whose last axis has a known size, "
                f"got input shape {input_shape}. Add layers.Flatten() before it."
            )
        self.kernel = self.add_weight(
            "kernel",
            (d_in, self.units),
            self.kernel_initializer,
            self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                (self.units,),
                self.bias_initializer,
                self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def call(self, x: Tensor) -> Tensor:
        self._check_last_axis(x, self.kernel.shape[0])
        if self._fused in _IN_NODE:  # the node itself: kernel and bias fit by construction
            return linalg.Dense.apply(x, self.kernel, self.bias, activation=self._fused)
        return F.dense(x, self.kernel, self.bias, activation=self._fused)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activation_name(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
            "kernel_constraint": self.kernel_constraint,
            "bias_constraint": self.bias_constraint,
        }
