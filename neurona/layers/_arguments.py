"""Floor 4: the arguments every layer shares, checked and normalised: shapes (one, or a list or
dict of several), Keras's legacy ``input_shape`` / ``input_dim`` / ``batch_input_shape`` and the
dtype names."""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any

import numpy as np

from neurona import initializers, regularizers
from neurona.autodiff import Tensor
from neurona.autodiff.tensor import as_array
from neurona.backend import floatx
from neurona.layers._context import check_allocation

__all__ = [
    "to_tensor",
    "initial_weight",
    "serialize_object",
    "normalize_shape",
    "batch_free",
    "shape_fits",
    "legacy_input_shape",
    "dtype_name",
    "wrap_build",
    "check_declared_shape",
    "check_last_axis",
]


def normalize_shape(shape: Any) -> Any:
    """A shape as a tuple; several shapes (a list/tuple/dict of shapes) as a list or dict.

    Example:
        >>> normalize_shape([None, 3]), normalize_shape(((None, 3), (None, 2)))
        ((None, 3), [(None, 3), (None, 2)])
    """
    if isinstance(shape, dict):
        return {key: normalize_shape(value) for key, value in shape.items()}
    if (
        isinstance(shape, (list, tuple))
        and shape
        and all(isinstance(s, (list, tuple, dict)) or s is None for s in shape)
        and not all(s is None for s in shape)
    ):
        return [normalize_shape(s) for s in shape]
    return tuple(shape)


def batch_free(shape: Any) -> Any:
    """The shape(s) with the batch axis set to None.

    Example:
        >>> batch_free((32, 3)), batch_free([(8, 2), (8, 1)])
        ((None, 3), [(None, 2), (None, 1)])
    """
    if isinstance(shape, dict):
        return {key: batch_free(value) for key, value in shape.items()}
    if isinstance(shape, list):
        return [batch_free(s) for s in shape]
    return (None, *shape[1:]) if shape else ()


def wrap_build(build):
    """Make any ``build`` (also a subclass's) mark the layer built and remember the shape.

    Example:
        >>> class Thing:
        ...     built = False
        ...     def build(self, input_shape):
        ...         self.seen = input_shape
        >>> Thing.build = wrap_build(Thing.build); thing = Thing(); thing.build([8, 3])
        >>> thing.seen, thing.built, thing._build_input_shape
        ((8, 3), True, (None, 3))
    """

    @functools.wraps(build)
    def wrapper(self, input_shape=None):
        input_shape = None if input_shape is None else normalize_shape(input_shape)
        build(self, input_shape)
        self.built = True
        if input_shape is not None:
            self._build_input_shape = batch_free(input_shape)

    wrapper._wrapped = True
    return wrapper


def shape_fits(declared: tuple, got: tuple) -> bool:
    """True when ``got`` has the declared rank and size on every axis not declared None.

    Example:
        >>> shape_fits((None, 3), (5, 3)), shape_fits((4,), (5,))
        (True, False)
    """
    return len(declared) == len(got) and all(d is None or d == g for d, g in zip(declared, got))


def legacy_input_shape(cls: str, kwargs: dict) -> tuple | None:
    """Keras's input_shape / input_dim / batch_input_shape / batch_size arguments as one batch
    shape (None, ...); Keras 3 warns but accepts them, and so do we (the course uses them).

    Example:
        >>> legacy_input_shape("Dense", {"batch_input_shape": (None, 4)})
        (None, 4)
    """
    input_dim = kwargs.pop("input_dim", None)
    input_shape = kwargs.pop("input_shape", None)
    batch_input_shape = kwargs.pop("batch_input_shape", None)
    batch_size = kwargs.pop("batch_size", None)
    if input_dim is not None:
        input_shape = (input_dim,)
    if batch_input_shape is not None:
        return tuple(batch_input_shape)
    if input_shape is None:
        return None
    shape = (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
    if not all(n is None or (isinstance(n, int) and n > 0) for n in shape):
        raise ValueError(
            f"{cls}: expected input_shape to be a tuple of positive ints (without "
            f"the batch axis), e.g. (28, 28), got {input_shape!r}."
        )
    warnings.warn(
        f"{cls}: input_shape/input_dim on a layer is Keras 2 style; prefer "
        "layers.Input(shape) as the first layer of the model.",
        UserWarning,
        stacklevel=4,
    )
    return (batch_size, *shape)


def dtype_name(cls: str, dtype: Any) -> str:
    """None → floatx(); Keras's dtype-policy dicts and numpy dtypes → their name.

    Example:
        >>> dtype_name("Dense", None), dtype_name("Dense", {"config": {"name": "float64"}})
        ('float32', 'float64')
    """
    if dtype is None:
        return floatx()
    if isinstance(dtype, dict):  # Keras 3 configs hold {"class_name": "DTypePolicy", ...}
        dtype = dtype.get("config", {}).get("name", floatx())
    try:
        return np.dtype(dtype).name
    except TypeError:
        raise TypeError(
            f"{cls}: expected dtype such as 'float32' or 'float64', got {dtype!r}."
        ) from None


def serialize_object(obj: Any) -> Any:
    """A config-friendly form of an initialiser or regulariser: its dict if it has a config,
    else the object itself (a string, None or a plain callable).

    Example:
        >>> serialize_object(None), serialize_object("zeros")
        (None, 'zeros')
    """
    if isinstance(obj, initializers.Initializer):
        return initializers.serialize(obj)
    if isinstance(obj, regularizers.Regularizer):
        return regularizers.serialize(obj)
    return obj


def check_declared_shape(layer: Any, shape: tuple) -> None:
    """Raise the house error when ``shape`` does not fit the layer's declared input_shape.

    Example:
        >>> from neurona import layers
        >>> check_declared_shape(layers.Layer(batch_input_shape=(None, 3)), (8, 3))
    """
    declared = layer.batch_input_shape
    if declared is not None and not shape_fits(declared[1:], shape[1:]):
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}' was declared with "
            f"input_shape={declared[1:]}, got inputs of shape {shape}. Pass data "
            f"of shape (batch, {', '.join(map(str, declared[1:]))}) or change "
            "input_shape."
        )


def check_last_axis(layer: Any, x: Any, size: int) -> None:
    """Raise the house error when the features axis of ``x`` is not ``size``.

    Example:
        >>> from neurona import layers
        >>> check_last_axis(layers.Dense(2), np.ones((4, 3)), 3)
    """
    if x.ndim >= 1 and x.shape[-1] == size:
        return
    fix = (
        "Add layers.Flatten() before it."
        if x.ndim > 2
        else "Check the number of features of the data or the units of the layer before."
    )
    raise ValueError(
        f"{type(layer).__name__} '{layer.name}' expects inputs whose last axis has "
        f"size {size}, got shape {tuple(x.shape)}. {fix}"
    )


def initial_weight(
    layer: Any, name: Any, shape: Any, initializer: Any, constraint: Any, dtype: Any
) -> tuple:
    """(name, shape, initial array) of a new weight of ``layer``, from ``add_weight``'s arguments
    (Keras 3's keyword style included), checked: the initializer must give the shape asked for
    and a constraint must be callable.

    Example:
        >>> from neurona import layers
        >>> name, shape, value = initial_weight(layers.Dense(2), "w", (2, 3), "ones", None, None)
        >>> name, shape, value.dtype
        ('w', (2, 3), dtype('float32'))
    """
    if isinstance(name, (tuple, list)) and shape is None:  # add_weight((3, 4), ...)
        name, shape = None, name
    name = name or f"variable_{len(layer._weights)}"
    shape = tuple(int(n) for n in ((shape,) if isinstance(shape, int) else shape or ()))
    check_allocation("weight", shape, layer)  # load_model's budget, before any memory is taken
    init = initializers.get("glorot_uniform" if initializer is None else initializer)
    try:
        value = np.asarray(init(shape, dtype or layer.dtype), dtype=dtype or layer.dtype)
    except (MemoryError, ValueError) as error:  # e.g. units=10**12: say which weight and why
        if all(n >= 0 for n in shape) and math.prod(shape) < 2**31:
            raise
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': expected a weight '{name}' that fits in "
            f"memory, got shape {shape} ({math.prod(shape):.3g} values; {error}). Check the "
            "layer's sizes (units, filters, kernel_size, input_dim)."
        ) from None
    if value.shape != shape:
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': the initializer of weight "
            f"'{name}' returned shape {value.shape}, expected {shape}."
        )
    if constraint is not None and not callable(constraint):
        raise TypeError(
            f"{type(layer).__name__} '{layer.name}': expected the constraint of "
            f"'{name}' to be None or a callable w -> w, got {constraint!r}."
        )
    return name, shape, value


def to_tensor(layer: Any, inputs: Any) -> Tensor:
    """``inputs`` (an array, a list of numbers, a DataFrame) as a tensor of the layer's dtype, or
    the house error naming the layer.

    Example:
        >>> from neurona import layers
        >>> to_tensor(layers.Dense(2), [[1, 2]]).dtype
        dtype('float32')
    """
    try:
        if type(inputs) is np.ndarray:  # the usual case: one conversion, no second look
            data = as_array(inputs, layer.dtype)
            if data.dtype.kind == "f":  # Tensor(data) would keep it as it is
                return Tensor._make(data, False, None, 0)
            return Tensor(data)
        return Tensor(
            as_array(np.asarray(inputs) if hasattr(inputs, "to_numpy") else inputs, layer.dtype)
        )
    except TypeError:
        raise TypeError(
            f"{type(layer).__name__} '{layer.name}' expects numbers (an array, a "
            f"list or a Tensor), got {type(inputs).__name__}. Convert the data "
            "with np.asarray(..., dtype='float32') first."
        ) from None
