"""Floor 4: ``Embedding``, a lookup table from integer indices to learned vectors
(``F.getitem`` on the table; repeated indices add up their gradients)."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import functional as F
from neurona import initializers, regularizers
from neurona.autodiff import Tensor
from neurona.layers.dense import check_units
from neurona.layers.layer import Layer, serialize_object

__all__ = ["Embedding"]


class Embedding(Layer):
    """Maps each integer index i in [0, input_dim) to row i of a learned table E.

        a[..., :] = E[i, :]            ∂L/∂E[i] = Σ over the positions holding i of ∂L/∂a

    Equivalent to a one-hot vector times E (a Dense layer without bias on one-hot inputs),
    without building the one-hot matrix.

    Args:
        input_dim: the number of distinct indices (vocabulary size).
        output_dim: the length of each vector.
        embeddings_initializer: Keras's default 'uniform' = RandomUniform(−0.05, 0.05).
        embeddings_regularizer, embeddings_constraint: as for any weight.
        weights: optional initial table, [array of shape (input_dim, output_dim)].

    Shape:
        input:  (batch, ...) integers; floats holding whole numbers are accepted (Keras casts
                them), other floats are an error.
        output: (batch, ..., output_dim)

    Example:
        >>> layer = Embedding(10, 3)
        >>> layer(np.array([[1, 2, 2]])).shape
        (1, 3, 3)
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        weights: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("input_length", None)  # Keras 2's argument; the shape comes from the data
        if mask_zero:
            raise ValueError(
                "Embedding: mask_zero=True needs masks, which neurona does not "
                "have. Use mask_zero=False and pad with an ordinary index."
            )
        super().__init__(**kwargs)
        self.input_dim = check_units("Embedding", "input_dim", input_dim)
        self.output_dim = check_units("Embedding", "output_dim", output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = embeddings_constraint
        self.mask_zero = False
        if weights is not None:
            self.build(None)
            self.set_weights(weights)

    def build(self, input_shape: tuple | None) -> None:
        self.embeddings = self.add_weight(
            "embeddings",
            (self.input_dim, self.output_dim),
            self.embeddings_initializer,
            self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )

    def _to_tensor(self, inputs: Any) -> Any:
        """Indices stay integer arrays (a Tensor would turn them into floats)."""
        data = inputs.data if isinstance(inputs, Tensor) else inputs
        data = np.asarray(data) if not hasattr(data, "dtype") else data
        if data.dtype.kind == "f":
            as_int = data.astype(np.intp)
            if not bool((as_int == data).all()):
                raise TypeError(
                    f"Embedding '{self.name}' expects integer indices in [0, "
                    f"{self.input_dim}), got floats such as {data.ravel()[:3]}. Map "
                    "the categories to integers first (e.g. np.unique(..., "
                    "return_inverse=True))."
                )
            data = as_int
        elif data.dtype.kind not in "iu":
            raise TypeError(
                f"Embedding '{self.name}' expects integer indices, got an array of "
                f"dtype {data.dtype}. Convert it with .astype('int64')."
            )
        if data.size and (data.min() < 0 or data.max() >= self.input_dim):
            raise ValueError(
                f"Embedding '{self.name}' has input_dim={self.input_dim}, so "
                f"indices must lie in [0, {self.input_dim - 1}], got indices from "
                f"{data.min()} to {data.max()}. Increase input_dim or re-index."
            )
        return data

    def call(self, indices: Any) -> Tensor:
        return F.getitem(self.embeddings, indices)  # (..., output_dim)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*tuple(input_shape), self.output_dim)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": serialize_object(self.embeddings_initializer),
            "embeddings_regularizer": serialize_object(self.embeddings_regularizer),
            "embeddings_constraint": self.embeddings_constraint,
            "mask_zero": self.mask_zero,
        }
