"""Floor 5: ``Model``, a ``Layer`` that trains. compile / fit / evaluate / predict, the training
step and saving are written here once for the three Keras kinds of model:

- ``Model(inputs, outputs)``: a graph of layers called on ``Input`` tensors (``Functional``);
- ``Sequential([...])``: a chain of layers;
- a subclass of ``Model`` that creates layers in ``__init__`` and uses them in ``call``.

The training half (compile, the step, metrics, the loops) is ``neurona.models.trainer``.
"""

from __future__ import annotations

from typing import Any

from neurona.layers import Layer
from neurona.models.trainer import Trainer, unpack_x_y_sample_weight

__all__ = ["Model", "unpack_x_y_sample_weight"]


def _functional_arguments(args: tuple, kwargs: dict) -> bool:
    """Keras's test for ``Model(inputs, outputs)`` (a Functional model) vs a subclass's init."""
    return (
        len(args) == 2
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


_FUNCTIONAL_SUBCLASSES: dict = {}


class Model(Trainer, Layer):
    """A layer with a training API: compile, fit, evaluate, predict, save (Keras's ``Model``).

    ``Model(inputs, outputs)`` builds a Functional model from a graph of layer calls; a
    subclass of Model writes ``call(inputs, training=None)`` with layers created in
    ``__init__`` (they are tracked: their weights are the model's). A subclass can override
    ``train_step(data)`` / ``test_step(data)``; with neurona's autodiff a step is::

        def train_step(self, data):
            x, y = data
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            self.zero_grad(); loss.backward()        # or grads = nr.grad(...)
            self.optimizer.apply([w.grad for w in self.trainable_weights],
                                 self.trainable_weights)
            return self.compute_metrics(x, y, y_pred)

    Example:
        >>> import numpy as np
        >>> from neurona import layers
        >>> class TwoLayers(Model):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = layers.Dense(8, activation="relu")
        ...         self.out = layers.Dense(1)
        ...     def call(self, x):
        ...         return self.out(self.hidden(x))
        >>> model = TwoLayers(); model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0)
        >>> len(model.trainable_weights), len(history.history["loss"])
        (4, 2)
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if cls is Model and _functional_arguments(args, kwargs):  # Model(inputs, outputs)
            from neurona.models.functional import Functional

            cls = Functional
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if _functional_arguments(args, kwargs):
            # a subclass given (inputs, outputs), by its caller or in its own super().__init__:
            # it becomes a Functional model with the subclass's methods (Keras does the same)
            from neurona.models.functional import Functional

            cls = type(self)
            if not isinstance(self, Functional):
                self.__class__ = _FUNCTIONAL_SUBCLASSES.setdefault(
                    cls,
                    type(
                        cls.__name__,
                        (cls, Functional),
                        {"__module__": cls.__module__, "__qualname__": cls.__qualname__},
                    ),
                )
            Functional.__init__(self, *args, **kwargs)
            return
        if args:
            raise TypeError(
                f"{type(self).__name__}: unexpected positional arguments {args}. "
                "Model(inputs, outputs) makes a functional model; a subclass passes "
                "only name=, trainable=, dtype= to super().__init__()."
            )
        super().__init__(**kwargs)
        self._reset_compile_state()

    def _build_for(self, x: Any) -> None:
        """Build before training or evaluating on ``x``: a subclassed model runs once on its
        first sample (its layers build on their first call)."""
        if not self.built:
            from neurona.autodiff import no_grad
            from neurona.layers._structure import map_structure

            with no_grad():
                self(map_structure(lambda a: a[:1], x), training=False)
            self.built = True

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The layer called ``name``, or at position ``index`` of ``layers``.

        Example:
            >>> from neurona import layers
            >>> from neurona.models import Sequential
            >>> Sequential([layers.Input((2,)), layers.Dense(1, name="out")]).get_layer("out").name
            'out'
        """
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"get_layer: index {index} is out of range; the model has {len(layers)} layers."
                )
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"get_layer: no layer named {name!r}; the layers are "
            f"{[layer.name for layer in layers]}."
        )

    def summary(
        self,
        line_length: int | None = None,
        positions: Any = None,
        print_fn: Any = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Print a table of layers, output shapes and parameter counts, with the totals."""
        from neurona.models.summary import summary

        summary(self, line_length=line_length, print_fn=print_fn)

    # ----- files ---------------------------------------------------------------------------
    def save(self, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
        """Save the whole model to a '.neurona' file (see ``neurona.models.saving``), or to a
        Keras 3 archive when the name ends in '.keras' (``neurona.models.keras_archive``)."""
        from neurona.models.saving import save_model

        save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath: Any, overwrite: bool = True) -> None:
        """Save the weights alone to a '.weights.npz' file, or Keras 3's '.weights.h5'."""
        from neurona.models.saving import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: Any, skip_mismatch: bool = False, **kwargs: Any) -> None:
        """Load weights from a '.weights.npz' or a '.neurona' file, matched by key and shape, or
        from Keras 3's '.weights.h5' (matched by Keras's paths and shapes)."""
        from neurona.models.saving import load_weights

        load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def export(
        self,
        filepath: Any,
        format: str = "tf_saved_model",
        verbose: bool | None = None,
        input_signature: Any = None,
        **kwargs: Any,
    ) -> None:
        """Export the model for serving, as Keras 3's ``model.export``; neurona writes
        ``format="onnx"`` (see ``neurona.models.onnx_export``; ``opset_version=`` in kwargs)."""
        if format != "onnx":
            raise ValueError(
                f"export: neurona exports format='onnx' only, got format={format!r} "
                "(TensorFlow SavedModel needs TensorFlow). Call "
                "model.export('model.onnx', format='onnx')."
            )
        if input_signature is not None:
            raise ValueError("export: input_signature is not supported (the model's own is used).")
        opset_version = kwargs.pop("opset_version", None)
        if kwargs:
            raise TypeError(f"export: unknown arguments {sorted(kwargs)}.")
        from neurona.models.onnx_export import export_onnx

        export_onnx(self, filepath, opset_version=opset_version)
        if verbose:
            print(f"Saved the model as ONNX to {filepath}")

    def to_json(self, **kwargs: Any) -> str:
        """The model's architecture (and compile settings) as JSON text, Keras's layout: module,
        class_name, config, registered_name, build_config, compile_config. ``kwargs`` go to
        ``json.dumps`` (``indent=2`` …); ``neurona.models.model_from_json`` reads it back.

        Example:
            >>> import json
            >>> from neurona import layers
            >>> from neurona.models import Sequential
            >>> text = Sequential([layers.Input((3,)), layers.Dense(2)]).to_json()
            >>> json.loads(text)["class_name"]
            'Sequential'
        """
        import json

        from neurona.models.model_json import serialize_model

        return json.dumps(serialize_model(self), **kwargs)

    def get_compile_config(self) -> dict | None:
        """What ``compile`` was given, as identifiers and configs (None before compile)."""
        from neurona.models.serialization import compile_config

        return compile_config(self)

    def compile_from_config(self, config: dict) -> None:
        """Compile with the settings ``get_compile_config`` returned (Keras 3's method)."""
        from neurona.models.serialization import compile_from_config

        compile_from_config(
            self, config, where=f"{type(self).__name__} '{self.name}'.compile_from_config"
        )

    def get_config(self) -> dict:
        """A subclassed model's config: name and trainable (override it, with ``from_config``,
        to save the model whole; its weights save either way)."""
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Model:
        """A new model from ``get_config()``'s dict: a functional config (with 'input_layers'
        and 'output_layers') rebuilds the graph; any other goes to the constructor."""
        if isinstance(config, dict) and "input_layers" in config and "output_layers" in config:
            from neurona.models.functional_config import functional_from_config

            inputs, outputs, name = functional_from_config(config, custom_objects)
            return cls(inputs, outputs, name=name)
        return cls(**config)
