"""Floor 5: ``Sequential``, a plain stack of layers where each layer's output is the next one's
input; a ``Model`` (so it trains with compile/fit and nests inside other models) that builds
every layer from the declared input shape."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from neurona.autodiff import Tensor
from neurona.layers import InputLayer, Layer
from neurona.layers.symbolic import KerasTensor
from neurona.models.model import Model
from neurona.models.serialization import ModelFileError, deserialize_layer, serialize_layer

__all__ = ["Sequential"]


class Sequential(Model):
    """A linear stack of layers, as Keras's ``Sequential``: a = f_L(… f_2(f_1(x)) …).

    The input shape comes from a leading ``layers.Input(shape)`` or from ``input_shape=`` on the
    first layer (the course's style); then the model builds all its layers at once, so that
    ``summary()`` and ``count_params()`` work before any data is seen. Otherwise it builds on
    the first batch.

    Args:
        layers: a list of layers (an ``Input`` first, optionally), or None to ``add`` them later.
        trainable: False freezes every layer.
        name: default 'sequential', 'sequential_1', …

    Example:
        >>> import numpy as np
        >>> from neurona import layers
        >>> model = Sequential([layers.Input((4,)), layers.Dense(3, activation="relu"),
        ...                     layers.Dense(1)])
        >>> model.count_params(), model(np.ones((2, 4))).shape
        (19, (2, 1))
    """

    def __init__(
        self,
        layers: list | None = None,
        trainable: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        Layer.__init__(self, name=name, **kwargs)
        self._reset_compile_state()
        self._input_layer: InputLayer | None = None
        self._layers: list[Layer] = []
        self._layer_names: set[str] = set()
        self._input: KerasTensor | None = None
        self._output: KerasTensor | None = None
        for layer in layers or []:
            self.add(layer)
        if not trainable:
            self.trainable = False

    def add(self, layer: Layer) -> None:
        """Append a layer at the top of the stack (an ``Input`` only as the first entry).

        Example:
            >>> from neurona import layers
            >>> model = Sequential(); model.add(layers.Input((2,))); model.add(layers.Dense(1))
            >>> [layer.name.split("_")[0] for layer in model.layers], model.count_params()
            (['dense'], 3)
        """
        if isinstance(layer, KerasTensor):  # keras.Input(shape) as the first entry
            history = layer._keras_history
            if history is None or not isinstance(history.operation, InputLayer):
                raise TypeError(
                    f"Sequential '{self.name}'.add: a symbolic tensor can only be "
                    "the model's Input (layers.Input(shape)), first in the list."
                )
            layer = history.operation
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError(
                    f"Sequential '{self.name}': an Input can only be the first "
                    "entry of the model; remove the extra layers.Input."
                )
            self._input_layer = layer
        elif isinstance(layer, Layer):
            if layer.name in self._layer_names:  # as Keras (a set: add stays O(1))
                raise ValueError(
                    f"Sequential '{self.name}': expected every layer to have its own name, got "
                    f"a second layer named {layer.name!r}. Pass a unique name= to it."
                )
            self._layers.append(layer)
            self._layer_names.add(layer.name)
            if self.built:  # only the new layer needs building (no rebuild of the stack)
                self._output = self._chain_symbolically(self._output, [layer])
                return
        else:
            raise TypeError(
                f"Sequential '{self.name}'.add: expected a layer such as "
                f"layers.Dense(10), got {layer!r} of type {type(layer).__name__}."
            )
        self.built = False
        if self._declared_input_shape() is not None:
            self.build()

    @property
    def layers(self) -> list[Layer]:
        """The layers in order (a leading Input is not listed, as in Keras)."""
        return list(self._layers)

    def _declared_input_shape(self) -> tuple | None:
        if self._input_layer is not None:
            return tuple(self._input_layer.batch_shape)
        if self._layers and self._layers[0].batch_input_shape is not None:
            return tuple(self._layers[0].batch_input_shape)
        return None

    def build(self, input_shape: tuple | None = None) -> None:
        """Build each layer in turn from ``input_shape`` (batch axis first, may be None).

        Example:
            >>> from neurona import layers
            >>> model = Sequential([layers.Dense(2)]); model.build((None, 3)); model.output_shape
            (None, 2)
        """
        shape = tuple(input_shape) if input_shape is not None else self._declared_input_shape()
        if shape is None:
            raise ValueError(
                f"Sequential '{self.name}': the input shape is unknown. Start the "
                "model with layers.Input(shape), or call it on a batch first."
            )
        self._build_input_shape = (None, *shape[1:])
        first = self._input_layer or (self._layers[0] if self._layers else None)
        dtype = first.dtype if first is not None else "float32"
        self._input = (
            self._input_layer._input_tensor
            if self._input_layer is not None
            else KerasTensor(self._build_input_shape, dtype)
        )
        self._output = self._chain_symbolically(self._input, self._layers)
        self.built = True

    def _chain_symbolically(self, x: KerasTensor, layers: list) -> KerasTensor:
        """Build ``layers`` in turn by calling them on symbolic tensors: each output shape comes
        from the layer itself (its compute_output_shape, or a run on zeros)."""
        for layer in layers:
            x = layer(x)
            if not isinstance(x, KerasTensor):
                raise ValueError(
                    f"Sequential '{self.name}': every layer must have one output, "
                    f"but {type(layer).__name__} '{layer.name}' gives "
                    f"{type(x).__name__} of {len(x)}. Use the Functional API "
                    "(Model(inputs, outputs)) for layers with several outputs."
                )
        return x

    def call(self, inputs: Any, training: bool | None = None) -> Tensor:
        """Run the stack: x → layer_1 → … → layer_L (``training=True`` inside ``fit``).

        Example:
            >>> from neurona import layers
            >>> Sequential([layers.Dense(2)])(np.ones((5, 3))).shape
            (5, 2)
        """
        x = inputs
        if self._input_layer is not None:  # the Input's check of the data, without a layer call
            x = self._input_layer.call(self._input_layer._convert_inputs(x))
        for layer in self._layers:
            x = layer(x)
        return x

    def _convert_inputs(self, inputs: Any) -> Any:
        """Data as it is: the Input (or the first layer) converts it to its own dtype."""
        return inputs

    def _build_on(self, x: Any) -> None:
        self.build((None, *np.shape(getattr(x, "data", x))[1:]))

    def _build_for(self, x: Any) -> None:
        if not self.built:
            self.build((None, *np.shape(x)[1:]))

    def _output_shapes(self) -> list | None:
        return [self.output_shape] if self.built else None

    @property
    def output_names(self) -> list[str]:
        """The name of the output (the last layer's)."""
        return [self._layers[-1].name] if self._layers else ["output"]

    # ----- shapes --------------------------------------------------------------------------
    @property
    def input_shape(self) -> tuple | None:
        """The input shape (None for the batch axis), once known."""
        return getattr(self, "_build_input_shape", None) or self._declared_input_shape()

    @property
    def output_shape(self) -> tuple | None:
        """The output shape (None for the batch axis), once built."""
        return self._output.shape if self.built else None

    @property
    def inputs(self) -> list:
        """[the symbolic input] once built (a model started with ``Input`` can feed a
        Functional model: ``Model(seq.inputs, [layer.output for layer in seq.layers])``)."""
        return [self._input] if self.built else []

    @property
    def outputs(self) -> list:
        """[the symbolic output] once built."""
        return [self._output] if self.built else []

    @property
    def input(self) -> KerasTensor:
        """The symbolic input, once built."""
        return self._built_symbol("input", self._input)

    @property
    def output(self) -> KerasTensor:
        """The symbolic output, once built."""
        return self._built_symbol("output", self._output)

    def _built_symbol(self, what: str, value: Any) -> KerasTensor:
        if not self.built:
            raise AttributeError(
                f"Sequential '{self.name}' has no {what} yet: start it with "
                "layers.Input(shape) or build it."
            )
        return value

    def pop(self) -> Layer:
        """Remove and return the last layer (Keras's ``Sequential.pop``).

        Example:
            >>> from neurona import layers
            >>> model = Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(1)])
            >>> model.pop().units, model.output_shape
            (1, (None, 4))
        """
        if not self._layers:
            raise IndexError(f"Sequential '{self.name}'.pop: there are no layers to remove.")
        layer = self._layers.pop()
        self._layer_names.discard(layer.name)
        self.built = False
        if self._declared_input_shape() is not None and self._layers:
            self.build()
        return layer

    def count_params(self) -> int:
        """The number of scalars in all weights (the model must be built).

        Example:
            >>> from neurona import layers
            >>> model = Sequential([layers.Input((28, 28)), layers.Flatten(), layers.Dense(8)])
            >>> model.count_params()  # 784·8 + 8
            6280
        """
        if not self.built:
            raise ValueError(
                f"Sequential '{self.name}'.count_params: the model is not built yet. "
                "Start it with layers.Input(shape) or call it on a batch first."
            )
        return int(sum(math.prod(w.shape) for w in self.weights))

    # ----- config and files ----------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras's Sequential config: name, trainable, each layer (a leading Input included) as
        class_name + config, and the build input shape once built.

        Example:
            >>> from neurona import layers
            >>> config = Sequential([layers.Input((3,)), layers.Dense(2)]).get_config()
            >>> [entry["class_name"] for entry in config["layers"]], config["build_input_shape"]
            (['InputLayer', 'Dense'], [None, 3])
        """
        entries = [] if self._input_layer is None else [serialize_layer(self._input_layer)]
        entries += [serialize_layer(layer) for layer in self._layers]
        config = {"name": self.name, "trainable": self.trainable, "layers": entries}
        if self.built:
            config["build_input_shape"] = list(self._build_input_shape)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Sequential:
        """A new model with fresh weights from ``get_config()``'s dict; layer classes come from
        ``custom_objects`` or the layer registry, never from code named in the config.

        Example:
            >>> from neurona import layers
            >>> model = Sequential([layers.Input((3,)), layers.Dense(2, activation="tanh")])
            >>> copy = Sequential.from_config(model.get_config())
            >>> copy.get_config() == model.get_config(), copy.count_params()
            (True, 8)
        """
        if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
            raise ModelFileError(
                f"Sequential.from_config: expected a dict with a 'layers' list "
                f"(from get_config()), got {type(config).__name__} with keys "
                f"{sorted(config) if isinstance(config, dict) else None}."
            )
        layers = [
            deserialize_layer(entry, custom_objects, f"Sequential.from_config: layer {i}")
            for i, entry in enumerate(config["layers"])
        ]
        try:
            model = cls(
                layers, trainable=bool(config.get("trainable", True)), name=config.get("name")
            )
            shape = config.get("build_input_shape")
            if shape is not None and not model.built:
                model.build(tuple(shape))
        except ModelFileError:  # load_model's budget: its message says it all
            raise
        except (TypeError, ValueError) as error:
            raise ModelFileError(
                f"Sequential.from_config: the saved layers do not fit together ({error})."
            ) from None
        return model

    def __repr__(self) -> str:
        return f"<Sequential name={self.name!r}, built={self.built}>"
