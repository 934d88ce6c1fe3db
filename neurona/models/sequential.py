"""Floor 5: ``Sequential``, a plain stack of layers where each layer's output is the next one's
input; it builds every layer from the declared input shape and trains with compile/fit."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from neurona.autodiff import Tensor
from neurona.layers import InputLayer, Layer
from neurona.layers._naming import unique_name
from neurona.models.saving import load_weights, save_model, save_weights
from neurona.models.serialization import (
    ModelFileError,
    compile_config,
    compile_from_config,
    deserialize_layer,
    serialize_layer,
)
from neurona.models.summary import summary as _summary
from neurona.models.training import TrainingMixin

__all__ = ["Sequential"]


class Sequential(TrainingMixin):
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

    def __init__(self, layers: list | None = None, trainable: bool = True,
                 name: str | None = None) -> None:
        self.name = name or unique_name("sequential")
        self._layers: list[Layer] = []
        self._input_layer: InputLayer | None = None
        self._output_shape: tuple | None = None
        self.built = False
        self.history = None
        self.compiled = False
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
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError(f"Sequential '{self.name}': an Input can only be the first "
                                 "entry of the model; remove the extra layers.Input.")
            self._input_layer = layer
        elif isinstance(layer, Layer):
            self._layers.append(layer)
        else:
            raise TypeError(f"Sequential '{self.name}'.add: expected a layer such as "
                            f"layers.Dense(10), got {layer!r} of type {type(layer).__name__}.")
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
            raise ValueError(f"Sequential '{self.name}': the input shape is unknown. Start the "
                             "model with layers.Input(shape), or call it on a batch first.")
        self._build_input_shape = (None, *shape[1:])
        shape = self._build_input_shape
        for layer in self._layers:
            if not layer.built:
                layer.build(shape)
            shape = tuple(layer.compute_output_shape(shape))
        self._output_shape = shape
        self.built = True

    def __call__(self, inputs: Any, training: bool | None = None) -> Tensor:
        """Run the stack: x → layer_1 → … → layer_L (``training=True`` inside ``fit``).

        Example:
            >>> from neurona import layers
            >>> Sequential([layers.Dense(2)])(np.ones((5, 3))).shape
            (5, 2)
        """
        x = inputs
        if not self.built:
            self.build((None, *np.shape(getattr(inputs, "data", inputs))[1:]))
        if self._input_layer is not None:
            x = self._input_layer(x)
        for layer in self._layers:
            x = layer(x, training=training)
        return x

    call = __call__

    # ----- shapes --------------------------------------------------------------------------
    @property
    def input_shape(self) -> tuple | None:
        """The input shape (None for the batch axis), once known."""
        return getattr(self, "_build_input_shape", None) or self._declared_input_shape()

    @property
    def output_shape(self) -> tuple | None:
        """The output shape (None for the batch axis), once built."""
        return self._output_shape

    # ----- weights -------------------------------------------------------------------------
    @property
    def weights(self) -> list[Tensor]:
        """All weights, layer after layer, each in Keras's order."""
        return [w for layer in self._layers for w in layer.weights]

    variables = weights

    @property
    def trainable_weights(self) -> list[Tensor]:
        """The weights the optimiser updates."""
        return [w for layer in self._layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> list[Tensor]:
        """The frozen weights and the statistics (e.g. BatchNormalization's moving averages)."""
        return [w for layer in self._layers for w in layer.non_trainable_weights]

    @property
    def trainable(self) -> bool:
        """Whether any layer learns; setting it freezes or unfreezes every layer."""
        return any(layer.trainable for layer in self._layers)

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for layer in self._layers:
            layer.trainable = value

    @property
    def losses(self) -> list[Tensor]:
        """The regularisation penalties of every layer (added to the loss by ``fit``)."""
        return [penalty for layer in self._layers for penalty in layer.losses]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of all weights as NumPy arrays (Keras's order and shapes).

        Example:
            >>> from neurona import layers
            >>> [w.shape for w in Sequential([layers.Input((3,)), layers.Dense(2)]).get_weights()]
            [(3, 2), (2,)]
        """
        return [w for layer in self._layers for w in layer.get_weights()]

    def set_weights(self, weights: list) -> None:
        """Copy ``weights`` (the list ``get_weights`` gives) into the layers, in place.

        Example:
            >>> from neurona import layers
            >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
            >>> model.set_weights([np.ones((3, 2)), np.zeros(2)]); model(np.ones((1, 3))).numpy()
            array([[3., 3.]], dtype=float32)
        """
        weights = list(weights)
        expected = len(self.weights)
        if len(weights) != expected:
            raise ValueError(f"Sequential '{self.name}'.set_weights: expected {expected} arrays "
                             f"(shapes {[tuple(w.shape) for w in self.weights]}), got "
                             f"{len(weights)}. Pass the list get_weights() returns.")
        start = 0
        for layer in self._layers:
            n = len(layer.weights)
            layer.set_weights(weights[start:start + n])
            start += n

    def count_params(self) -> int:
        """The number of scalars in all weights (the model must be built).

        Example:
            >>> from neurona import layers
            >>> model = Sequential([layers.Input((28, 28)), layers.Flatten(), layers.Dense(8)])
            >>> model.count_params()  # 784·8 + 8
            6280
        """
        if not self.built:
            raise ValueError(f"Sequential '{self.name}'.count_params: the model is not built yet. "
                             "Start it with layers.Input(shape) or call it on a batch first.")
        return int(sum(math.prod(w.shape) for w in self.weights))

    def summary(self, line_length: int | None = None, print_fn: Any = None, **kwargs: Any) -> None:
        """Print a table of layers, output shapes and parameter counts, with the totals.

        Example:
            >>> from neurona import layers
            >>> model = Sequential([layers.Input((3,)), layers.Dense(2, name="out")])
            >>> model.summary(print_fn=lambda line: print(line) if "params" in line else None)
            Total params: 8
            Trainable params: 8
            Non-trainable params: 0
        """
        _summary(self, line_length=line_length, print_fn=print_fn)

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
            raise ModelFileError(f"Sequential.from_config: expected a dict with a 'layers' list "
                                 f"(from get_config()), got {type(config).__name__} with keys "
                                 f"{sorted(config) if isinstance(config, dict) else None}.")
        layers = [deserialize_layer(entry, custom_objects, f"Sequential.from_config: layer {i}")
                  for i, entry in enumerate(config["layers"])]
        try:
            model = cls(layers, trainable=bool(config.get("trainable", True)),
                        name=config.get("name"))
            shape = config.get("build_input_shape")
            if shape is not None and not model.built:
                model.build(tuple(shape))
        except (TypeError, ValueError) as error:
            raise ModelFileError(f"Sequential.from_config: the saved layers do not fit together "
                                 f"({error}).") from None
        return model

    def get_compile_config(self) -> dict | None:
        """What ``compile`` was given, as identifiers and configs (None before compile).

        Example:
            >>> from neurona import layers
            >>> model = Sequential([layers.Input((2,)), layers.Dense(1)])
            >>> model.compile(optimizer="sgd", loss="mae"); model.get_compile_config()["loss"]
            'mae'
        """
        return compile_config(self)

    def compile_from_config(self, config: dict) -> None:
        """Compile with the settings ``get_compile_config`` returned (Keras 3's method).

        Example:
            >>> from neurona import layers
            >>> a = Sequential([layers.Input((2,)), layers.Dense(1)]); a.compile("adam", "mse")
            >>> b = Sequential([layers.Input((2,)), layers.Dense(1)])
            >>> b.compile_from_config(a.get_compile_config()); type(b.optimizer).__name__
            'Adam'
        """
        compile_from_config(self, config, where=f"Sequential '{self.name}'.compile_from_config")

    def save(self, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
        """Save the whole model to a '.neurona' file (see ``neurona.models.saving``).

        Example:
            >>> import os, tempfile
            >>> from neurona import layers, models
            >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
            >>> path = os.path.join(tempfile.mkdtemp(), "m.neurona"); model.save(path)
            >>> models.load_model(path).count_params()
            8
        """
        save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath: Any, overwrite: bool = True) -> None:
        """Save the weights alone to a '.weights.npz' file.

        Example:
            >>> import os, tempfile
            >>> from neurona import layers
            >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
            >>> path = os.path.join(tempfile.mkdtemp(), "m.weights.npz")
            >>> model.save_weights(path); model.load_weights(path)
        """
        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: Any, skip_mismatch: bool = False, **kwargs: Any) -> None:
        """Load weights from a '.weights.npz' or a '.neurona' file, matched by key and shape.

        Example:
            >>> import os, tempfile
            >>> from neurona import layers
            >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
            >>> path = os.path.join(tempfile.mkdtemp(), "m.weights.npz")
            >>> model.save_weights(path); model.load_weights(path)
        """
        load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def __repr__(self) -> str:
        return f"<Sequential name={self.name!r}, built={self.built}>"
