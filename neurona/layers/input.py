"""Floor 4: ``Input`` / ``InputLayer``, the shape a model starts from (no weights; it checks
the data's shape and passes it on)."""

from __future__ import annotations

from typing import Any

from neurona.autodiff import Tensor
from neurona.layers.layer import Layer
from neurona.layers.symbolic import KerasTensor, Node

__all__ = ["Input", "InputLayer"]


class InputLayer(Layer):
    """The entry of a model: declares the shape of one sample, ``shape`` (batch axis excluded).

    Calling it checks that the data fit and returns them unchanged. ``Sequential`` reads
    ``batch_shape`` to build every following layer before the first batch arrives.

    Args:
        shape: the shape of one sample, e.g. (28, 28); None entries accept any size.
        batch_size: a fixed batch size, or None (any).
        dtype: the dtype of the data (default floatx()).
        batch_shape: alternatively, the full shape (batch, ...).
        name: default 'input_layer', 'input_layer_1', …

    Example:
        >>> import numpy as np
        >>> layer = InputLayer((28, 28))
        >>> layer.batch_shape, layer(np.zeros((2, 28, 28))).shape
        ((None, 28, 28), (2, 28, 28))
    """

    def __init__(
        self,
        shape: Any = None,
        batch_size: int | None = None,
        dtype: Any = None,
        batch_shape: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        for flag in ("sparse", "ragged"):
            if kwargs.pop(flag, None):
                raise ValueError(f"InputLayer: {flag}=True is not supported; use dense arrays.")
        kwargs.pop("optional", None)
        if shape is None and batch_shape is None:
            shape = kwargs.pop("input_shape", None)
        super().__init__(name=name, dtype=dtype, **kwargs)
        if batch_shape is not None:
            batch_shape = tuple(batch_shape)
        elif shape is not None:
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size, *shape)
        else:
            raise ValueError(
                "InputLayer: expected shape, the shape of one sample such as "
                "(28, 28), got neither shape nor batch_shape."
            )
        if not all(n is None or (isinstance(n, int) and n > 0) for n in batch_shape):
            raise ValueError(
                f"InputLayer: expected positive ints or None in the shape, got {batch_shape[1:]!r}."
            )
        self.batch_shape = batch_shape
        self.batch_input_shape = batch_shape
        self.built = True
        self._build_input_shape = batch_shape
        self._input_tensor = KerasTensor(batch_shape, self.dtype, name=self.name)
        Node(self, (), {}, self._input_tensor)

    @property
    def shape(self) -> tuple:
        """The full shape (batch, ...), as a Keras symbolic input's ``.shape``."""
        return self.batch_shape

    def call(self, x: Tensor) -> Tensor:
        want = self.batch_shape
        if x.shape[1:] == want[1:] and want[0] is None:  # the common case, one comparison
            return x
        if x.ndim != len(want) or any(w is not None and w != n for w, n in zip(want, x.shape)):
            raise ValueError(
                f"Input '{self.name}' expects data of shape {want} (None: any "
                f"size), got shape {tuple(x.shape)}. Reshape the data or change "
                f"Input(shape=...) to {tuple(x.shape[1:])}."
            )
        return x

    def get_config(self) -> dict:
        return {
            "batch_shape": self.batch_shape,
            "dtype": self.dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
        }


def Input(  # noqa: N802 - Keras's name
    shape: Any = None,
    batch_size: int | None = None,
    dtype: Any = None,  # noqa: N802
    sparse: bool | None = None,
    batch_shape: Any = None,
    name: str | None = None,
    tensor: Any = None,
    optional: bool = False,
) -> KerasTensor:
    """A model's symbolic input, as ``keras.Input``: a ``KerasTensor`` of shape (batch, *shape).

    Call layers on it to build a graph, then ``Model(inputs, outputs)`` (the Functional API);
    or put it first in a ``Sequential`` to declare the input shape.

    Args:
        shape: the shape of one sample, e.g. (28, 28); None entries accept any size.
        batch_size: a fixed batch size, or None (any).
        dtype: the data's dtype (default floatx(); 'int32' for Embedding indices).
        batch_shape: alternatively, the full shape (batch, ...).
        name: default 'input_layer', 'input_layer_1', …

    Example:
        >>> import numpy as np
        >>> from neurona import layers, models
        >>> x = Input((28, 28), name="image")
        >>> x.shape, x.name
        ((None, 28, 28), 'image')
        >>> y = layers.Dense(10)(layers.Flatten()(x))
        >>> models.Model(x, y).predict(np.zeros((2, 28, 28)), verbose=0).shape
        (2, 10)
    """
    if tensor is not None:
        raise ValueError(
            "Input: tensor= (wrapping an existing backend tensor) is not supported; "
            "pass shape= and call the model on the data."
        )
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        name=name,
        batch_shape=batch_shape,
        sparse=sparse,
    )
    return layer._input_tensor
