"""Floor 4: the ``Layer`` base class. A layer is weights + config + one call into
``neurona.functional``; the base gives lazy building on the first input shape, weights
(trainable or not), ``trainable``, the ``training`` flag, Keras-ordered ``get_weights`` /
``set_weights``, ``get_config`` / ``from_config``, unique readable names and the registry of layer
classes that saving uses."""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np

from neurona import regularizers
from neurona.autodiff import Tensor
from neurona.layers._arguments import (
    check_declared_shape,
    check_last_axis,
    dtype_name,
    initial_weight,
    legacy_input_shape,
    serialize_object,
    to_tensor,
    wrap_build,
)
from neurona.layers._context import _CallContext
from neurona.layers._naming import (
    _REGISTRY,
    get_layer_class,
    register_layer,
    reset_layer_names,
    snake_case,
    unique_name,
)
from neurona.layers._structure import is_structure, map_structure
from neurona.layers._tracking import (
    assign_weights,
    collect_constraints,
    collect_weights,
    layer_tree,
    sublayers,
)
from neurona.layers.symbolic import first_node, is_symbolic, symbolic_call

__all__ = ["Layer", "register_layer", "get_layer_class", "reset_layer_names"]


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
            cls.build = wrap_build(cls.build)
        cls._call_has_training = "training" in inspect.signature(cls.call).parameters
        if cls.__module__.startswith("neurona."):  # built-in layers; custom ones register
            _REGISTRY[cls.__name__] = cls

    def __init__(
        self,
        *,
        name: str | None = None,
        dtype: Any = None,
        trainable: bool = True,
        activity_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:
        cls = type(self).__name__
        self.batch_input_shape = legacy_input_shape(cls, kwargs)
        if kwargs:
            raise TypeError(
                f"{cls}: unrecognised keyword arguments {kwargs}. Check the "
                "spelling against Keras's argument names."
            )
        if not isinstance(trainable, bool):
            raise TypeError(f"{cls}: expected trainable to be True or False, got {trainable!r}.")
        if name is not None and (not isinstance(name, str) or not name):
            raise ValueError(f"{cls}: expected name to be a non-empty string, got {name!r}.")
        self.name = name or unique_name(snake_case(cls))
        self.dtype = dtype_name(cls, dtype)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self._trainable = trainable
        self._weights: list[Tensor] = []
        self._weight_trainable: list[bool] = []
        self._penalties: list[tuple[Tensor, Any]] = []
        self._constraints: list[tuple[Tensor, Any]] = []
        self._added_losses: list[Tensor] = []
        self._losses_call_id = -1  # the outermost call during which they were added
        self._seen_call_id = -2  # the outermost call that last ran this layer
        self._build_input_shape: tuple | None = None
        self._inbound_nodes: list = []

    # ----- building ----------------------------------------------------------------------
    def build(self, input_shape: tuple) -> None:
        """Create the weights for inputs of ``input_shape`` (batch axis first, may be None).

        Called once, on the first call; a subclass with weights overrides it.
        """

    def add_weight(
        self,
        name: Any = None,
        shape: Any = None,
        initializer: Any = None,
        regularizer: Any = None,
        trainable: bool = True,
        constraint: Any = None,
        dtype: Any = None,
    ) -> Tensor:
        """Create a weight: a leaf tensor with ``requires_grad = trainable``.

        Keras 3's keyword style works too: ``add_weight(shape=(3,), initializer="zeros")``.
        ``initializer`` defaults to 'glorot_uniform' (Keras's default for float weights).
        ``constraint`` is a callable ``w ↦ w`` applied by ``apply_constraints`` after each
        optimiser step.
        """
        name, shape, value = initial_weight(self, name, shape, initializer, constraint, dtype)
        weight = Tensor(
            value, requires_grad=trainable and self._trainable, name=f"{self.name}/{name}"
        )
        self._weights.append(weight)
        self._weight_trainable.append(bool(trainable))
        if regularizer is not None:
            self._penalties.append((weight, regularizers.get(regularizer)))
        if constraint is not None:
            self._constraints.append((weight, constraint))
        return weight

    # ----- calling -----------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the layer: ``layer(x)``, ``layer([a, b])``, ``layer(a, b, training=True)``.

        Keras's calling convention: the positional and keyword arguments go to ``call``; the
        first one (the inputs: a tensor, an array or a list/dict of them) is converted to
        tensors of the layer's dtype and gives the shapes the layer is built from on its first
        call. ``training`` reaches ``call`` when its signature has it; when it is not given, the
        value of the enclosing call is used (a model called with ``training=True`` runs its
        Dropout in training mode), and ``None`` at the top means inference. On symbolic inputs
        (``layers.Input``) the call is recorded in the graph instead (``layers.symbolic``).
        """
        if not args:
            if "inputs" not in kwargs:
                raise TypeError(
                    f"{type(self).__name__} '{self.name}' was called without inputs. "
                    "Call it as layer(x), with x an array, a Tensor or an Input."
                )
            args = (kwargs.pop("inputs"),)
        training = kwargs.pop("training", None)
        inputs = args[0]
        kind = type(inputs)
        if (
            kwargs or len(args) > 1 or (kind is not Tensor and kind is not np.ndarray)
        ) and is_symbolic(args, kwargs):
            if training is not None:
                kwargs["training"] = training
            return symbolic_call(self, args, kwargs)
        x = inputs if kind is Tensor else self._convert_inputs(inputs)
        if not self.built:
            self._build_on(x)
        context = _CallContext
        if training is None:
            training = context.training
        if self._call_has_training:
            kwargs["training"] = training
        if context.depth == 0:
            context.call_id += 1
        self._seen_call_id = context.call_id
        previous = context.training
        context.training, context.depth = training, context.depth + 1
        try:
            if len(args) > 1:
                out = self.call(x, *args[1:], **kwargs)
            else:  # the usual call: no tuple slice, no empty dict unpacked
                out = self.call(x, **kwargs) if kwargs else self.call(x)
        finally:
            context.training, context.depth = previous, context.depth - 1
        if self.activity_regularizer is not None:
            self.add_loss(self.activity_regularizer(out))
        return out

    def call(self, inputs: Tensor) -> Tensor:
        """The layer's computation on a tensor (identity in the base class)."""
        return inputs

    def _convert_inputs(self, inputs: Any) -> Any:
        """A tensor, or a list/tuple/dict of tensors, from what the layer was called on (a list
        of numbers is data; a list holding arrays or tensors is several inputs)."""
        if type(inputs) is np.ndarray:  # the usual case
            return self._to_tensor(inputs)
        if is_structure(inputs):
            return map_structure(self._to_tensor, inputs)
        return self._to_tensor(inputs)

    def _build_on(self, x: Any) -> None:
        """Build from the shape(s) of the first inputs, after checking a declared input_shape."""
        if isinstance(x, Tensor):
            self._check_declared_shape(x.shape)
            self.build(tuple(x.shape))
        else:
            shapes = map_structure(lambda t: tuple(np.shape(getattr(t, "data", t))), x)
            self.build(list(shapes) if isinstance(shapes, tuple) else shapes)

    def add_loss(self, loss: Any) -> None:
        """Add a term to the loss the model minimises (Keras's ``add_loss``), usually from
        ``call``: an activity penalty, a KL divergence, any scalar tensor. The terms of one call
        replace those of the call before; ``losses`` lists them and ``fit`` adds them.

        Example:
            >>> class Penalised(Layer):
            ...     def call(self, x):
            ...         self.add_loss((x ** 2).sum() * 0.5)
            ...         return x
            >>> layer = Penalised(); _ = layer(np.ones((2, 2))); float(layer.losses[0].item())
            2.0
        """
        if self._losses_call_id != _CallContext.call_id:
            self._added_losses, self._losses_call_id = [], _CallContext.call_id
        self._added_losses.append(loss if isinstance(loss, Tensor) else Tensor(loss))

    def _to_tensor(self, inputs: Any) -> Tensor:
        """Tensors pass through; arrays, lists and DataFrames become tensors of self.dtype."""
        return inputs if isinstance(inputs, Tensor) else to_tensor(self, inputs)

    def _check_declared_shape(self, shape: tuple) -> None:
        check_declared_shape(self, shape)

    def _check_last_axis(self, x: Tensor, size: int) -> None:
        """Raise the house error when the features axis of ``x`` is not ``size``."""
        if x.ndim < 1 or x.shape[-1] != size:
            check_last_axis(self, x, size)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The output shape for inputs of ``input_shape`` (batch axis included, may be None)."""
        return tuple(input_shape)

    # ----- weights -----------------------------------------------------------------------
    @property
    def weights(self) -> list[Tensor]:
        """All weights: the layer's own in creation order (Keras's ``get_weights`` order), then
        its sub-layers' (layers held in attributes, lists and dicts), each weight once."""
        return collect_weights(self, "all")

    variables = weights

    @property
    def trainable_weights(self) -> list[Tensor]:
        """The weights an optimiser updates (none when the layer is frozen)."""
        return collect_weights(self, "trainable")

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self) -> list[Tensor]:
        """The other weights (e.g. BatchNormalization's moving averages; all when frozen)."""
        return collect_weights(self, "non_trainable")

    non_trainable_variables = non_trainable_weights

    @property
    def layers(self) -> list[Layer]:
        """The layers this one holds in its attributes (its sub-layers), in order."""
        return sublayers(self)

    @property
    def trainable(self) -> bool:
        """Whether the weights learn; setting False freezes them and every sub-layer's."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError(
                f"{type(self).__name__} '{self.name}': expected trainable to be True "
                f"or False, got {value!r}."
            )
        self._trainable = value
        for w, t in zip(self._weights, self._weight_trainable):
            w.requires_grad = value and t
        for layer in sublayers(self):
            layer.trainable = value

    @property
    def losses(self) -> list[Tensor]:
        """Terms to add to the loss: the weight penalties (computed now, on the current weights),
        then the terms added during the layer's last call (``add_loss``, activity penalties),
        its sub-layers' included."""
        return [
            loss for layer in layer_tree(self) for loss in layer._own_losses(self._seen_call_id)
        ]

    def _own_losses(self, call_id: int) -> list[Tensor]:
        """This layer's penalties and the terms it added during outermost call ``call_id``."""
        own = [reg(w) for w, reg in self._penalties] if self._penalties else []
        if self._added_losses and self._losses_call_id == call_id:
            own += self._added_losses
        return own

    def apply_constraints(self) -> None:
        """Project constrained weights in place, w ← constraint(w) (after an optimiser step),
        the sub-layers' included."""
        for w, constraint in collect_constraints(self):
            w.data[...] = np.asarray(constraint(w.data), dtype=w.dtype)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights as NumPy arrays, in Keras's order and shapes."""
        return [np.array(w.numpy(), copy=True) for w in self.weights]

    def set_weights(self, weights: list) -> None:
        """Copy ``weights`` (Keras's order and shapes) into the layer's weights, in place."""
        assign_weights(self, weights)

    def count_params(self) -> int:
        """The number of scalars in all weights (the layer must be built)."""
        if not self.built:
            raise ValueError(
                f"{type(self).__name__} '{self.name}'.count_params: the layer is not "
                "built yet, so its weights do not exist. Call it on a batch or call "
                "build(input_shape) first."
            )
        return int(sum(math.prod(w.shape) for w in self.weights))

    # ----- the graph (Functional API) -------------------------------------------------------
    @property
    def input(self) -> Any:
        """The symbolic input(s) of the layer's first call on KerasTensors."""
        return self._node_zero("input").args[0]

    @property
    def output(self) -> Any:
        """The symbolic output(s) of the layer's first call on KerasTensors."""
        return self._node_zero("output").outputs

    def _node_zero(self, what: str) -> Any:
        return first_node(self, what)

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


Layer.build = wrap_build(Layer.build)
_REGISTRY["Layer"] = Layer
