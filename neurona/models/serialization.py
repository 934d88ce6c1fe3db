"""Floor 5: models as JSON-friendly dicts: each layer by its registered class name and config, the
compile settings (optimiser, loss, metrics) by identifier, and the way back, looking classes up
by name only (never importing or running code named in a file)."""

from __future__ import annotations

from typing import Any

from neurona import losses, metrics, optimizers
from neurona.layers import Layer
from neurona.layers._naming import get_registered_name, get_registered_object
from neurona.layers.serialization import ModelFileError, _short, check_json, deserialize, serialize

__all__ = [
    "ModelFileError",
    "serialize_layer",
    "deserialize_layer",
    "check_json",
    "compile_config",
    "compile_from_config",
]


def serialize_layer(layer: Layer) -> dict:
    """A layer as Keras 3 writes it (``neurona.layers.serialize``, which this calls).

    Example:
        >>> from neurona import layers
        >>> serialize_layer(layers.Dense(2, name="out"))["class_name"]
        'Dense'
    """
    return serialize(layer, _stacklevel=3)


def deserialize_layer(
    entry: Any, custom_objects: dict | None = None, where: str = "deserialize_layer"
) -> Layer:
    """A new, unbuilt layer from :func:`serialize_layer`'s dict (``neurona.layers.deserialize``,
    with ``where`` naming the caller in errors).

    Example:
        >>> from neurona import layers
        >>> deserialize_layer(serialize_layer(layers.Dense(2))).units
        2
    """
    return deserialize(entry, custom_objects, _where=where)


# ----- compile settings ---------------------------------------------------------------------
def _function_name(fn: Any, known: dict) -> str:
    name = getattr(fn, "__name__", None)
    if not name or name == "<lambda>":
        raise TypeError(
            f"saving: the function {fn!r} has no name to save. Use a def with a "
            "name (and pass it through custom_objects when loading) or a built-in "
            "identifier such as 'mse'."
        )
    registered = get_registered_name(fn)
    return registered if known.get(name) is not fn else name


def _serialize_loss(loss: Any) -> Any:
    if isinstance(loss, str):
        return loss
    if type(loss) is losses.LossFunctionWrapper:  # subclasses (BinaryCrossentropy…) save by class
        fn = _function_name(loss.fn, losses.ALL_OBJECTS_DICT)
        if losses.ALL_OBJECTS_DICT.get(loss.name) is loss.fn and loss.get_config() == {
            "name": loss.name,
            "reduction": "sum_over_batch_size",
        }:
            return loss.name  # compile(loss="mse") comes back as compile(loss="mse")
        return {"class_name": "LossFunctionWrapper", "config": {"fn": fn, **loss.get_config()}}
    if isinstance(loss, losses.Loss):
        return {"class_name": get_registered_name(type(loss)), "config": loss.get_config()}
    return _function_name(loss, losses.ALL_OBJECTS_DICT)


def _serialize_metric(spec: Any) -> Any:
    if isinstance(spec, str):
        return spec
    if isinstance(spec, metrics.Metric):
        return {"class_name": get_registered_name(type(spec)), "config": spec.get_config()}
    if isinstance(spec, dict):
        return spec
    return _function_name(spec, metrics.ALL_OBJECTS_DICT)


def _map_spec(fn: Any, spec: Any) -> Any:
    """``fn`` on every entry of a compile argument (one, a list, a dict by output, nested)."""
    if spec is None:
        return None
    if isinstance(spec, dict) and "class_name" not in spec:  # a dict by output name
        return {key: _map_spec(fn, value) for key, value in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [_map_spec(fn, value) for value in spec]
    return fn(spec)


def compile_config(model: Any) -> dict | None:
    """The settings of ``model.compile``: optimiser (class_name + config), loss and metrics as
    identifiers (names or class_name + config); None for a model that was not compiled.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((2,)), layers.Dense(1)])
        >>> model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        >>> config = compile_config(model)
        >>> config["optimizer"]["class_name"], config["loss"], config["metrics"]
        ('Adam', 'mse', ['mae'])
    """
    if not getattr(model, "compiled", False):
        return None
    optimizer = model.optimizer
    metric_spec = model._metric_spec
    config = {
        "optimizer": {
            "class_name": get_registered_name(type(optimizer)),
            "config": optimizer.get_config(),
        },
        "loss": _map_spec(
            _serialize_loss,
            model._loss_spec if isinstance(model._loss_spec, (list, tuple, dict)) else model.loss,
        ),
        "metrics": _map_spec(_serialize_metric, [] if metric_spec is None else metric_spec),
    }
    if model._loss_weights is not None:
        config["loss_weights"] = model._loss_weights
    check_json(config, f"model '{model.name}' compile settings")
    return config


def _lookup(kind: str, name: Any, custom_objects: dict | None, known: dict, where: str) -> Any:
    obj = get_registered_object(name, custom_objects) if isinstance(name, str) else None
    obj = obj if obj is not None else known.get(name) if isinstance(name, str) else None
    if obj is None:
        raise ModelFileError(
            f"{where}: unknown {kind} {name!r}. Pass it through "
            f"custom_objects={{{name!r}: ...}}, or load with compile=False and "
            "compile the model yourself."
        )
    return obj


def _from_entry(kind: str, entry: Any, custom_objects: dict | None, known: dict, where: str) -> Any:
    """A name → the object (a class → an instance); a {'class_name', 'config'} dict → an
    instance from ``from_config``."""
    if isinstance(entry, str):
        obj = _lookup(kind, entry, custom_objects, known, where)
        return obj() if isinstance(obj, type) else obj
    if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
        raise ModelFileError(
            f"{where}: expected the {kind} as a name or a dict with "
            f"'class_name' and 'config', got {_short(entry)}."
        )
    config = dict(entry["config"])
    if entry.get("class_name") == "LossFunctionWrapper":
        fn = _lookup(kind, config.pop("fn", None), custom_objects, known, where)
        return losses.LossFunctionWrapper(fn, **config)
    cls = _lookup(kind, entry.get("class_name"), custom_objects, known, where)
    try:
        return cls.from_config(config)
    except (TypeError, ValueError) as error:
        raise ModelFileError(
            f"{where}: the saved {kind} config does not fit "
            f"{getattr(cls, '__name__', cls)} ({error})."
        ) from None


def compile_from_config(
    model: Any, config: dict, custom_objects: dict | None = None, where: str = "compile_from_config"
) -> None:
    """Call ``model.compile`` with the settings :func:`compile_config` returned.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((2,)), layers.Dense(1)])
        >>> compile_from_config(model, {"optimizer": {"class_name": "SGD", "config":
        ...     {"learning_rate": 0.5}}, "loss": "mae", "metrics": []})
        >>> model.optimizer.learning_rate, model.loss.name
        (0.5, 'mae')
    """
    if (
        not isinstance(config, dict)
        or not {"optimizer", "loss", "metrics"} <= set(config)
        or not set(config) <= {"optimizer", "loss", "metrics", "loss_weights"}
        or not isinstance(config["metrics"], (list, dict))
    ):
        raise ModelFileError(
            f"{where}: expected the compile settings {{'optimizer', 'loss', "
            f"'metrics': [...]}}, got {_short(config)}."
        )
    known_optimizers = {
        cls.__name__: cls
        for cls in vars(optimizers).values()
        if isinstance(cls, type) and issubclass(cls, optimizers.Optimizer)
    }
    optimizer = _from_entry(
        "optimizer", config["optimizer"], custom_objects, known_optimizers, where
    )
    if not isinstance(optimizer, optimizers.Optimizer):
        raise ModelFileError(f"{where}: expected an optimizer, got {optimizer!r}.")

    # Built-in names go back to compile as names, which resolves them as it did the first time.
    def loss_entry(loss: Any) -> Any:
        if isinstance(loss, str) and loss in losses.ALL_OBJECTS_DICT:
            return loss
        return _from_entry("loss", loss, custom_objects, losses.ALL_OBJECTS_DICT, where)

    names = {"accuracy", "acc", *metrics.ALL_OBJECTS_DICT}

    def metric_entry(spec: Any) -> Any:
        if isinstance(spec, str) and spec in names:
            return spec
        return _from_entry("metric", spec, custom_objects, metrics.ALL_OBJECTS_DICT, where)

    loss = config["loss"]
    loss = _map_spec(loss_entry, loss)
    model.compile(
        optimizer=optimizer,
        loss=loss,
        loss_weights=config.get("loss_weights"),
        metrics=_map_spec(metric_entry, config["metrics"]),
    )
