"""Floor 4: the course's hidden units that Keras lacks (Goodfellow et al. ch. 6, course A13 and
A14): ``Maxout`` (the max over groups of k linear units) and ``RBF`` (Gaussian radial basis
function units)."""

from __future__ import annotations

import math
from typing import Any

from neurona import functional as F
from neurona import initializers, regularizers
from neurona.autodiff import Tensor
from neurona.layers.dense import check_units
from neurona.layers.layer import Layer, serialize_object

__all__ = ["Maxout", "RBF"]


class Maxout(Layer):
    """Maxout units (course A13; Goodfellow et al. 2013): ``units`` outputs, each the maximum of
    ``pieces`` linear pieces.

        z = x W + b                          (units·pieces linear units)
        g(z)ᵢ = max_{j ∈ G⁽ⁱ⁾} zⱼ,   G⁽ⁱ⁾ = {i·k, …, i·k + k − 1}   (k = pieces, consecutive)

    The gradient reaches only the winning piece of each group (ties share it). W is
    ``kernel`` (d_in, units·pieces) in Keras's layout, b is ``bias`` (units·pieces,).

    Args:
        units: number of maxout outputs.
        pieces: k, the number of linear pieces per output (≥ 2; 1 is a Dense layer).
        use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        kernel_constraint, bias_constraint: as for Dense.

    Shape:
        input:  (batch, ..., d_in)
        output: (batch, ..., units)

    Example:
        >>> import numpy as np
        >>> layer = Maxout(2, pieces=3)
        >>> layer(np.ones((4, 5))).shape, layer.get_weights()[0].shape
        ((4, 2), (5, 6))
    """

    def __init__(
        self,
        units: int,
        pieces: int = 2,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.units = check_units("Maxout", "units", units)
        self.pieces = check_units("Maxout", "pieces", pieces)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.bias = None

    def build(self, input_shape: tuple) -> None:
        d_in = input_shape[-1]
        if d_in is None:
            raise ValueError(
                f"Maxout '{self.name}' needs inputs whose last axis has a known size, "
                f"got input shape {input_shape}. Add layers.Flatten() before it."
            )
        n = self.units * self.pieces
        self.kernel = self.add_weight(
            "kernel",
            (d_in, n),
            self.kernel_initializer,
            self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                (n,),
                self.bias_initializer,
                self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def call(self, x: Tensor) -> Tensor:
        self._check_last_axis(x, self.kernel.shape[0])
        z = F.dense(x, self.kernel, self.bias)  # (..., units·pieces)
        groups = F.reshape(z, (*x.shape[:-1], self.units, self.pieces))  # row i = G⁽ⁱ⁾
        return F.max(groups, axis=-1)  # (..., units)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "pieces": self.pieces,
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
            "kernel_constraint": self.kernel_constraint,
            "bias_constraint": self.bias_constraint,
        }


class RBF(Layer):
    """Radial basis function units (course A14): each unit i responds to inputs near its
    centre W_{:,i}, with width σᵢ.

        hᵢ = exp(−‖W_{:,i} − x‖² / σᵢ²)
        ‖W_{:,i} − x‖² = ‖x‖² − 2 x·W_{:,i} + ‖W_{:,i}‖²   (one matrix product for all units)

    The centres are the columns of ``kernel`` (d_in, units) — Keras's layout, and the course's
    W_{:,i}; the widths ``sigma`` (units,) are learned too. Give either ``sigma`` (the initial
    width of every unit) or ``gamma`` = 1/σ² (scikit-learn's name for the RBF kernel).

    Args:
        units: number of RBF units.
        sigma: initial σ of every unit (default 1.0).
        gamma: alternatively, the initial 1/σ².
        kernel_initializer: for the centres (default 'random_uniform', ±0.05; set centres from
            the data with set_weights for a classic RBF network).
        kernel_regularizer, kernel_constraint: as for any weight.

    Shape:
        input:  (batch, ..., d_in)
        output: (batch, ..., units), values in (0, 1]

    Example:
        >>> import numpy as np
        >>> layer = RBF(2, sigma=1.0, kernel_initializer="zeros")
        >>> layer(np.zeros((1, 3))).numpy().tolist()  # x is at both centres: h = e⁰ = 1
        [[1.0, 1.0]]
    """

    def __init__(
        self,
        units: int,
        sigma: float | None = None,
        gamma: float | None = None,
        kernel_initializer: Any = "random_uniform",
        kernel_regularizer: Any = None,
        kernel_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.units = check_units("RBF", "units", units)
        if sigma is not None and gamma is not None:
            raise ValueError(
                f"RBF: give sigma or gamma = 1/sigma², not both; got sigma={sigma!r}"
                f" and gamma={gamma!r}."
            )
        for name, value in (("sigma", sigma), ("gamma", gamma)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0
            ):
                raise ValueError(
                    f"RBF: expected {name} to be a positive number, got {name}={value!r}."
                )
        self.sigma = (
            1.0
            if sigma is None and gamma is None
            else (float(sigma) if sigma is not None else 1.0 / math.sqrt(gamma))
        )
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = kernel_constraint

    def build(self, input_shape: tuple) -> None:
        d_in = input_shape[-1]
        if d_in is None:
            raise ValueError(
                f"RBF '{self.name}' needs inputs whose last axis has a known size, "
                f"got input shape {input_shape}. Add layers.Flatten() before it."
            )
        self.kernel = self.add_weight(
            "kernel",
            (d_in, self.units),
            self.kernel_initializer,
            self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.widths = self.add_weight(
            "sigma", (self.units,), {"class_name": "Constant", "config": {"value": self.sigma}}
        )

    def call(self, x: Tensor) -> Tensor:
        self._check_last_axis(x, self.kernel.shape[0])
        W, sigma = self.kernel, self.widths
        d2 = (
            F.sum(x * x, axis=-1, keepdims=True) - 2.0 * F.matmul(x, W) + F.sum(W * W, axis=0)
        )  # ‖W_{:,i} − x‖², (..., units)
        return F.exp(-d2 / (sigma * sigma))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "sigma": self.sigma,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "kernel_constraint": self.kernel_constraint,
        }
