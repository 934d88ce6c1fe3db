"""Floor 4: the ``Layer`` base class. A layer is weights + config + one call into
``neurona.functional``; the base gives lazy building on the first input shape, weights
(trainable or not), ``trainable``, the ``training`` flag, Keras-ordered ``get_weights`` /
``set_weights``, ``get_config`` / ``from_config``, unique readable names and the registry of layer
classes that saving uses."""

from __future__ import annotations

import functools
import inspect
import math
import warnings
from typing import Any

import numpy as np

from neurona import initializers, regularizers
from neurona.autodiff import Tensor
from neurona.autodiff.tensor import as_array
from neurona.backend import floatx
from neurona.layers._naming import (
    _REGISTRY,
    get_layer_class,
    register_layer,
    reset_layer_names,
    snake_case,
    unique_name,
)

__all__ = ["Layer", "register_layer", "get_layer_class", "reset_layer_names"]

def _wrap_build(build):
    """Make any ``build`` (also a subclass's) mark the layer built and remember the shape."""
    @functools.wraps(build)
    def wrapper(self, input_shape=None):
        input_shape = None if input_shape is None else tuple(input_shape)
        build(self, input_shape)
        self.built = True
        if input_shape is not None:
            self._build_input_shape = (None, *input_shape[1:]) if input_shape else ()
    wrapper._wrapped = True
    return wrapper


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


class Layer:
    """Base class of every layer: weights + config + one call into ``neurona.functional``.

    A subclass writes ``build(input_shape)`` (create weights with ``add_weight``), ``call(x)``
    (or ``call(x, training=None)``), ``compute_output_shape`` and ``get_config``. The base builds
    the layer on its first call, converts NumPy arrays and lists to tensors (in the layer's
    dtype), collects the regularisation penalties in ``losses`` and keeps the names unique.

    Args:
        name: a unique name; default the class name in snake case ('dense', 'dense_1', …).
        dtype: the weights' dtype, default ``neurona.floatx()`` ('float32').
        trainable: False freezes the weights (no gradient, not in ``trainable_weights``).
        input_shape, input_dim, batch_input_shape, batch_size: the input shape of a model's
            first layer (Keras accepts them, the course writes ``Flatten(input_shape=(28, 28))``);
            kept in ``batch_input_shape`` so that ``Sequential`` can build.
        activity_regularizer: a penalty on the layer's output, added to ``losses``.

    Example:
        >>> class Scale(Layer):
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight("w", (input_shape[-1],), "ones")
        ...     def call(self, x):
        ...         return x * self.w
        >>> layer = Scale()
        >>> layer(np.ones((2, 3))).shape, layer.count_params(), layer.built
        ((2, 3), 3, True)
    """

    _call_has_training = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__ and not getattr(cls.build, "_wrapped", False):
            cls.build = _wrap_build(cls.build)
        cls._call_has_training = "training" in inspect.signature(cls.call).parameters
        if cls.__module__.startswith("neurona."):  # built-in layers; custom ones register
            _REGISTRY[cls.__name__] = cls

    def __init__(self, *, name: str | None = None, dtype: Any = None, trainable: bool = True,
                 activity_regularizer: Any = None, **kwargs: Any) -> None:
        cls = type(self).__name__
        self.batch_input_shape = _legacy_input_shape(cls, kwargs)
        if kwargs:
            raise TypeError(f"{cls}: unrecognised keyword arguments {kwargs}. Check the "
                            "spelling against Keras's argument names.")
        if not isinstance(trainable, bool):
            raise TypeError(f"{cls}: expected trainable to be True or False, got {trainable!r}.")
        if name is not None and (not isinstance(name, str) or not name):
            raise ValueError(f"{cls}: expected name to be a non-empty string, got {name!r}.")
        self.name = name or unique_name(snake_case(cls))
        self.dtype = _dtype_name(cls, dtype)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self._trainable = trainable
        self._weights: list[Tensor] = []
        self._weight_trainable: list[bool] = []
        self._penalties: list[tuple[Tensor, Any]] = []
        self._constraints: list[tuple[Tensor, Any]] = []
        self._activity_losses: list[Tensor] = []
        self._build_input_shape: tuple | None = None

    # ----- building ----------------------------------------------------------------------
    def build(self, input_shape: tuple) -> None:
        """Create the weights for inputs of ``input_shape`` (batch axis first, may be None).

        Called once, on the first call; a subclass with weights overrides it.
        """

    def add_weight(self, name: Any = None, shape: Any = None, initializer: Any = None,
                   regularizer: Any = None, trainable: bool = True, constraint: Any = None,
                   dtype: Any = None) -> Tensor:
        """Create a weight: a leaf tensor with ``requires_grad = trainable``.

        Keras 3's keyword style works too: ``add_weight(shape=(3,), initializer="zeros")``.
        ``initializer`` defaults to 'glorot_uniform' (Keras's default for float weights).
        ``constraint`` is a callable ``w ↦ w`` applied by ``apply_constraints`` after each
        optimiser step.
        """
        if isinstance(name, (tuple, list)) and shape is None:  # add_weight((3, 4), ...)
            name, shape = None, name
        name = name or f"variable_{len(self._weights)}"
        shape = tuple(int(n) for n in ((shape,) if isinstance(shape, int) else shape or ()))
        init = initializers.get("glorot_uniform" if initializer is None else initializer)
        value = np.asarray(init(shape, dtype or self.dtype), dtype=dtype or self.dtype)
        if value.shape != shape:
            raise ValueError(f"{type(self).__name__} '{self.name}': the initializer of weight "
                             f"'{name}' returned shape {value.shape}, expected {shape}.")
        if constraint is not None and not callable(constraint):
            raise TypeError(f"{type(self).__name__} '{self.name}': expected the constraint of "
                            f"'{name}' to be None or a callable w -> w, got {constraint!r}.")
        weight = Tensor(value, requires_grad=trainable and self._trainable,
                        name=f"{self.name}/{name}")
        self._weights.append(weight)
        self._weight_trainable.append(bool(trainable))
        if regularizer is not None:
            self._penalties.append((weight, regularizers.get(regularizer)))
        if constraint is not None:
            self._constraints.append((weight, constraint))
        return weight

    # ----- calling -----------------------------------------------------------------------
    def __call__(self, inputs: Any, training: bool | None = None, **kwargs: Any) -> Tensor:
        """Convert ``inputs``, build on first use, run ``call`` and record activity penalties.

        ``training=None`` means inference (Keras's rule); ``fit`` passes ``training=True``.
        """
        x = self._to_tensor(inputs)
        if not self.built:
            self._check_declared_shape(x.shape)
            self.build(tuple(x.shape))
        if self._call_has_training:
            kwargs["training"] = training
        out = self.call(x, **kwargs)
        if self.activity_regularizer is not None:
            self._activity_losses = [self.activity_regularizer(out)]
        return out

    def call(self, inputs: Tensor) -> Tensor:
        """The layer's computation on a tensor (identity in the base class)."""
        return inputs

    # ----- fit's tape-free step (neurona.models.chain) ------------------------------------
    def _chain_ready(self) -> bool:
        """Whether ``_chain_forward`` computes exactly what ``call`` records on the tape (False
        here: a layer runs on the tape unless its class says otherwise)."""
        return False

    def _chain_forward(self, x: Any, training: bool, need_x: bool) -> tuple:
        """The layer's training forward on arrays, for ``fit``: (output, node, weights), where
        ``node.backward(∂L/∂output)`` returns ∂L/∂x (None unless ``need_x``) and then ∂L/∂w for
        each of ``weights`` (None for a frozen one); node None means the identity."""
        raise NotImplementedError(f"{type(self).__name__} has no tape-free training step.")

    def _to_tensor(self, inputs: Any) -> Tensor:
        """Tensors pass through; arrays, lists and DataFrames become tensors of self.dtype."""
        if isinstance(inputs, Tensor):
            return inputs
        try:
            return Tensor(as_array(np.asarray(inputs) if hasattr(inputs, "to_numpy") else inputs,
                                   self.dtype))
        except TypeError:
            raise TypeError(f"{type(self).__name__} '{self.name}' expects numbers (an array, a "
                            f"list or a Tensor), got {type(inputs).__name__}. Convert the data "
                            "with np.asarray(..., dtype='float32') first.") from None

    def _check_declared_shape(self, shape: tuple) -> None:
        declared = self.batch_input_shape
        if declared is not None and not _shape_fits(declared[1:], shape[1:]):
            raise ValueError(f"{type(self).__name__} '{self.name}' was declared with "
                             f"input_shape={declared[1:]}, got inputs of shape {shape}. Pass data "
                             f"of shape (batch, {', '.join(map(str, declared[1:]))}) or change "
                             "input_shape.")

    def _check_last_axis(self, x: Tensor, size: int) -> None:
        """Raise the house error when the features axis of ``x`` is not ``size``."""
        if x.ndim >= 1 and x.shape[-1] == size:
            return
        fix = ("Add layers.Flatten() before it." if x.ndim > 2 else
               "Check the number of features of the data or the units of the layer before.")
        raise ValueError(f"{type(self).__name__} '{self.name}' expects inputs whose last axis has "
                         f"size {size}, got shape {tuple(x.shape)}. {fix}")

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The output shape for inputs of ``input_shape`` (batch axis included, may be None)."""
        return tuple(input_shape)

    # ----- weights -----------------------------------------------------------------------
    @property
    def weights(self) -> list[Tensor]:
        """All weights in creation order (Keras's ``get_weights`` order)."""
        return list(self._weights)

    variables = weights

    @property
    def trainable_weights(self) -> list[Tensor]:
        """The weights an optimiser updates (none when the layer is frozen)."""
        if not self._trainable:
            return []
        return [w for w, t in zip(self._weights, self._weight_trainable) if t]

    @property
    def non_trainable_weights(self) -> list[Tensor]:
        """The other weights (e.g. BatchNormalization's moving averages; all when frozen)."""
        if not self._trainable:
            return list(self._weights)
        return [w for w, t in zip(self._weights, self._weight_trainable) if not t]

    @property
    def trainable(self) -> bool:
        """Whether the weights learn; setting False freezes them (requires_grad = False)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError(f"{type(self).__name__} '{self.name}': expected trainable to be True "
                            f"or False, got {value!r}.")
        self._trainable = value
        for w, t in zip(self._weights, self._weight_trainable):
            w.requires_grad = value and t

    @property
    def losses(self) -> list[Tensor]:
        """Regularisation penalties to add to the loss: the weight penalties (computed now, on
        the current weights) and the activity penalties of the last call."""
        return [reg(w) for w, reg in self._penalties] + list(self._activity_losses)

    def apply_constraints(self) -> None:
        """Project constrained weights in place, w ← constraint(w) (after an optimiser step)."""
        for w, constraint in self._constraints:
            w.data[...] = np.asarray(constraint(w.data), dtype=w.dtype)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights as NumPy arrays, in Keras's order and shapes."""
        return [np.array(w.numpy(), copy=True) for w in self._weights]

    def set_weights(self, weights: list) -> None:
        """Copy ``weights`` (Keras's order and shapes) into the layer's weights, in place."""
        where = f"{type(self).__name__} '{self.name}'"
        if not self.built and len(weights):
            raise RuntimeError(f"{where}.set_weights: the layer has no weights yet. Build it "
                               "first: call it on a batch or call build(input_shape).")
        expected = [tuple(w.shape) for w in self._weights]
        if len(weights) != len(expected):
            raise ValueError(f"{where}.set_weights: expected {len(expected)} arrays with shapes "
                             f"{expected}, got {len(weights)}. Pass the list get_weights() "
                             "returns.")
        values = [np.asarray(getattr(v, "data", v)) for v in weights]
        for w, v in zip(self._weights, values):
            if tuple(v.shape) != tuple(w.shape):
                raise ValueError(f"{where}.set_weights: weight '{w.name}' expects shape "
                                 f"{tuple(w.shape)}, got {tuple(v.shape)}. Expected shapes, in "
                                 f"order: {expected}.")
        for w, v in zip(self._weights, values):
            w.data[...] = v

    def count_params(self) -> int:
        """The number of scalars in all weights (the layer must be built)."""
        if not self.built:
            raise ValueError(f"{type(self).__name__} '{self.name}'.count_params: the layer is not "
                             "built yet, so its weights do not exist. Call it on a batch or call "
                             "build(input_shape) first.")
        return int(sum(math.prod(w.shape) for w in self._weights))

    # ----- shapes and config -------------------------------------------------------------
    @property
    def input_shape(self) -> tuple | None:
        """The input shape (batch axis None) it was built for, or the declared one, or None."""
        return self._build_input_shape or self.batch_input_shape

    @property
    def output_shape(self) -> tuple | None:
        """``compute_output_shape(input_shape)`` when the input shape is known, else None."""
        shape = self.input_shape
        return None if shape is None else self.compute_output_shape(shape)

    def get_config(self) -> dict:
        """The constructor arguments as a dict; ``type(layer).from_config(config)`` rebuilds it."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self.batch_input_shape is not None:
            config["batch_input_shape"] = self.batch_input_shape
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = serialize_object(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        """A new, unbuilt layer with the configuration ``config`` (from ``get_config``)."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"


Layer.build = _wrap_build(Layer.build)
_REGISTRY["Layer"] = Layer


def _shape_fits(declared: tuple, got: tuple) -> bool:
    return len(declared) == len(got) and all(d is None or d == g for d, g in zip(declared, got))


def _legacy_input_shape(cls: str, kwargs: dict) -> tuple | None:
    """Keras's input_shape / input_dim / batch_input_shape / batch_size arguments as one batch
    shape (None, ...); Keras 3 warns but accepts them, and so do we (the course uses them)."""
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
        raise ValueError(f"{cls}: expected input_shape to be a tuple of positive ints (without "
                         f"the batch axis), e.g. (28, 28), got {input_shape!r}.")
    warnings.warn(f"{cls}: input_shape/input_dim on a layer is Keras 2 style; prefer "
                  "layers.Input(shape) as the first layer of the model.", UserWarning,
                  stacklevel=4)
    return (batch_size, *shape)


def _dtype_name(cls: str, dtype: Any) -> str:
    """None → floatx(); Keras's dtype-policy dicts and numpy dtypes → their name."""
    if dtype is None:
        return floatx()
    if isinstance(dtype, dict):  # Keras 3 configs hold {"class_name": "DTypePolicy", ...}
        dtype = dtype.get("config", {}).get("name", floatx())
    try:
        return np.dtype(dtype).name
    except TypeError:
        raise TypeError(f"{cls}: expected dtype such as 'float32' or 'float64', got "
                        f"{dtype!r}.") from None
