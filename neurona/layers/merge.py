"""Floor 4: Keras's merge layers, which combine a list of inputs into one tensor: elementwise
(Add, Subtract, Multiply, Average, Maximum, Minimum) and Concatenate, each with its functional
form (``add([a, b])`` = ``Add()([a, b])``). ``Dot`` builds on the same base in ``dot.py``."""

from __future__ import annotations

from functools import reduce
from typing import Any

from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.layers.layer import Layer

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"]
__all__ += ["add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate"]


class _Merge(Layer):
    """Shared checks of the merge layers (Keras's ``Merge``): a list of inputs with one batch
    size, whose other axes broadcast when aligned on the right (NumPy's rule); an input of lower
    rank gets axes of size 1 inserted after its batch axis."""

    min_inputs, max_inputs = 1, None  # Keras 3 accepts a list of one input

    def _shapes(self, input_shape: Any, same_batch: bool = True) -> list[tuple]:
        """The list of input shapes, checked for count, rank ≥ 1 and one batch size."""
        cls = type(self).__name__
        shapes = input_shape if isinstance(input_shape, (list, tuple)) else None
        if not shapes or not all(isinstance(s, (list, tuple)) for s in shapes):
            raise ValueError(
                f"{cls} '{self.name}' expects a list of inputs, got input shape {input_shape}. "
                f"Call it on a list: layers.{cls}()([a, b])."
            )
        shapes = [tuple(s) for s in shapes]
        n, low, high = len(shapes), self.min_inputs, self.max_inputs
        if n < low or (high is not None and n > high):
            wanted = f"exactly {low}" if low == high else f"at least {low}"
            raise ValueError(
                f"{cls} '{self.name}' expects {wanted} inputs, got {n} (shapes {shapes}). "
                "Pass a list of that many tensors."
            )
        if any(len(s) == 0 for s in shapes):
            raise ValueError(
                f"{cls} '{self.name}' expects inputs with a batch axis, got shapes {shapes}. "
                "Add a leading batch axis to the scalar inputs."
            )
        if same_batch and len({s[0] for s in shapes} - {None}) > 1:
            raise ValueError(
                f"{cls} '{self.name}' expects inputs with one batch size, got shapes {shapes}. "
                "Give every input the same number of samples."
            )
        return shapes

    def _merged_shape(self, input_shape: Any) -> tuple:
        """The output shape: the non-batch axes broadcast on the right (None: unknown)."""
        shapes = self._shapes(input_shape)
        batch = next((s[0] for s in shapes if s[0] is not None), None)
        rank = max(len(s) for s in shapes) - 1
        out = []
        for i in range(-rank, 0):  # negative positions: right-aligned, as Keras and NumPy
            sizes = [s[i] for s in shapes if len(s) - 1 >= -i]
            known = {n for n in sizes if n is not None and n != 1}
            if len(known) > 1:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}' expects inputs whose shapes broadcast "
                    f"(after the batch axis, aligned on the right), got shapes {shapes}: axis {i} "
                    f"has sizes {sorted(known)}. Make those sizes equal or 1."
                )
            out.append(None if None in sizes else max(sizes))
        return (batch, *out)

    def build(self, input_shape: Any) -> None:
        self._merged_shape(input_shape)  # only validates: merge layers have no weights

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return self._merged_shape(input_shape)

    def call(self, inputs: Any) -> Tensor:
        xs = self._as_list(inputs)
        self._merged_shape([tuple(x.shape) for x in xs])
        rank = max(x.ndim for x in xs)
        # Keras inserts the missing axes after the batch axis: (b, 4) meets (b, 3, 4) as (b, 1, 4)
        xs = [
            x if x.ndim == rank else F.expand_dims(x, tuple(range(1, 1 + rank - x.ndim)))
            for x in xs
        ]
        return self._merge(xs)

    def _as_list(self, inputs: Any) -> list:
        if not isinstance(inputs, (list, tuple)):
            self._shapes(tuple(inputs.shape))  # raises the "expects a list" error
        return list(inputs)

    def _merge(self, xs: list[Tensor]) -> Tensor:
        raise NotImplementedError


class Add(_Merge):
    """Elementwise sum of a list of inputs:  z = x₁ + x₂ + … + xₙ;   ∂L/∂xₖ = ∂L/∂z.

    Shape:
        inputs: a list of tensors whose shapes broadcast (same batch size).
        output: the broadcast shape.

    Example:
        >>> import numpy as np
        >>> Add()([np.ones((2, 3)), np.full((2, 3), 2.0)]).numpy()[0].tolist()
        [3.0, 3.0, 3.0]
    """

    def _merge(self, xs: list[Tensor]) -> Tensor:
        return reduce(F.add, xs)  # ((x₁ + x₂) + x₃) + …: Keras's order of the sums


class Subtract(_Merge):
    """Difference of exactly two inputs:  z = x₁ − x₂;   ∂L/∂x₁ = ∂L/∂z,  ∂L/∂x₂ = −∂L/∂z.

    Example:
        >>> import numpy as np
        >>> Subtract()([np.full((1, 2), 5.0), np.ones((1, 2))]).numpy().tolist()
        [[4.0, 4.0]]
    """

    min_inputs = max_inputs = 2

    def _merge(self, xs: list[Tensor]) -> Tensor:
        return F.sub(xs[0], xs[1])


class Multiply(_Merge):
    """Elementwise product:  z = x₁ ⊙ x₂ ⊙ … ⊙ xₙ;   ∂L/∂xₖ = ∂L/∂z ⊙ Π_{j≠k} xⱼ.

    Example:
        >>> import numpy as np
        >>> Multiply()([np.full((1, 2), 3.0), np.full((1, 2), 2.0)]).numpy().tolist()
        [[6.0, 6.0]]
    """

    def _merge(self, xs: list[Tensor]) -> Tensor:
        return reduce(F.mul, xs)


class Average(_Merge):
    """Elementwise mean:  z = (x₁ + … + xₙ) / n;   ∂L/∂xₖ = ∂L/∂z / n.

    Example:
        >>> import numpy as np
        >>> Average()([np.ones((1, 2)), np.full((1, 2), 4.0)]).numpy().tolist()
        [[2.5, 2.5]]
    """

    def _merge(self, xs: list[Tensor]) -> Tensor:
        return F.div(reduce(F.add, xs), len(xs))  # Keras: the sum, then / n


class Maximum(_Merge):
    """Elementwise maximum:  z = max(x₁, …, xₙ);   ∂L/∂z goes to the largest input (split
    equally on ties, PyTorch's convention).

    Example:
        >>> import numpy as np
        >>> Maximum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])]).numpy().tolist()
        [[3.0, 5.0]]
    """

    def _merge(self, xs: list[Tensor]) -> Tensor:
        return reduce(F.maximum, xs)


class Minimum(_Merge):
    """Elementwise minimum:  z = min(x₁, …, xₙ);   ∂L/∂z goes to the smallest input (split
    equally on ties).

    Example:
        >>> import numpy as np
        >>> Minimum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])]).numpy().tolist()
        [[1.0, 2.0]]
    """

    def _merge(self, xs: list[Tensor]) -> Tensor:
        return reduce(F.minimum, xs)


class Concatenate(_Merge):
    """Join a list of inputs along ``axis``:  z = [x₁ x₂ … xₙ];   ∂L/∂xₖ = the block of ∂L/∂z
    that xₖ filled.

    Args:
        axis: the axis to join along (Keras's default −1, the features); every other axis, the
            batch axis included, must have the same size in all inputs.

    Shape:
        inputs: (batch, ..., dₖ, ...) of one rank.
        output: (batch, ..., Σ dₖ, ...).

    Example:
        >>> import numpy as np
        >>> Concatenate()([np.ones((2, 3)), np.zeros((2, 1))]).shape
        (2, 4)
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not hasattr(axis, "__index__"):
            raise TypeError(f"Concatenate: expected axis to be an int, got axis={axis!r}.")
        self.axis = int(axis)

    def _merged_shape(self, input_shape: Any) -> tuple:
        shapes = self._shapes(input_shape, same_batch=False)  # axis=0 joins batches (Keras)
        rank = len(shapes[0])
        where = f"Concatenate '{self.name}'"
        if any(len(s) != rank for s in shapes):
            raise ValueError(
                f"{where} expects inputs of one rank, got shapes {shapes}. Reshape the inputs "
                "(e.g. layers.Reshape or Flatten) so that they have the same number of axes."
            )
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"{where} was given axis={self.axis}, but its inputs have {rank} axes "
                f"(shapes {shapes}). Choose an axis in [{-rank}, {rank - 1}]."
            )
        axis = self.axis % rank
        out = list(shapes[0])
        for i in range(rank):
            sizes = [s[i] for s in shapes]
            known = {n for n in sizes if n is not None}
            if i == axis:
                out[i] = None if None in sizes else sum(sizes)
            elif len(known) > 1:
                raise ValueError(
                    f"{where} expects inputs whose shapes match except along axis {self.axis}, "
                    f"got shapes {shapes} (axis {i} has sizes {sorted(known)}). Make them equal, "
                    "or choose the axis on which they differ."
                )
            else:
                out[i] = known.pop() if known else None
        return tuple(out)

    def call(self, inputs: Any) -> Tensor:
        xs = self._as_list(inputs)
        self._merged_shape([tuple(x.shape) for x in xs])
        return F.concatenate(xs, axis=self.axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def add(inputs: list, **kwargs: Any) -> Any:
    """``Add(**kwargs)(inputs)``: the elementwise sum x₁ + … + xₙ.

    Example:
        >>> import numpy as np
        >>> add([np.ones((1, 2)), np.ones((1, 2))]).numpy().tolist()
        [[2.0, 2.0]]
    """
    return Add(**kwargs)(inputs)


def subtract(inputs: list, **kwargs: Any) -> Any:
    """``Subtract(**kwargs)(inputs)``: x₁ − x₂.

    Example:
        >>> import numpy as np
        >>> subtract([np.ones((1, 2)), np.ones((1, 2))]).numpy().tolist()
        [[0.0, 0.0]]
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list, **kwargs: Any) -> Any:
    """``Multiply(**kwargs)(inputs)``: the elementwise product x₁ ⊙ … ⊙ xₙ.

    Example:
        >>> import numpy as np
        >>> multiply([np.full((1, 2), 2.0), np.full((1, 2), 3.0)]).numpy().tolist()
        [[6.0, 6.0]]
    """
    return Multiply(**kwargs)(inputs)


def average(inputs: list, **kwargs: Any) -> Any:
    """``Average(**kwargs)(inputs)``: the elementwise mean (x₁ + … + xₙ) / n.

    Example:
        >>> import numpy as np
        >>> average([np.zeros((1, 2)), np.ones((1, 2))]).numpy().tolist()
        [[0.5, 0.5]]
    """
    return Average(**kwargs)(inputs)


def maximum(inputs: list, **kwargs: Any) -> Any:
    """``Maximum(**kwargs)(inputs)``: the elementwise max(x₁, …, xₙ).

    Example:
        >>> import numpy as np
        >>> maximum([np.array([[1.0, 4.0]]), np.array([[2.0, 3.0]])]).numpy().tolist()
        [[2.0, 4.0]]
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list, **kwargs: Any) -> Any:
    """``Minimum(**kwargs)(inputs)``: the elementwise min(x₁, …, xₙ).

    Example:
        >>> import numpy as np
        >>> minimum([np.array([[1.0, 4.0]]), np.array([[2.0, 3.0]])]).numpy().tolist()
        [[1.0, 3.0]]
    """
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: list, axis: int = -1, **kwargs: Any) -> Any:
    """``Concatenate(axis, **kwargs)(inputs)``: the inputs joined along ``axis``.

    Example:
        >>> import numpy as np
        >>> concatenate([np.ones((2, 3)), np.ones((2, 3))], axis=0).shape
        (4, 3)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
