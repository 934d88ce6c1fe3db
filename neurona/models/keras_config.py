"""Floor 5: the ``config.json`` of a Keras 3 ``.keras`` archive and neurona's own configs, each
way. The two are nearly the same (neurona's layers take Keras's argument names and write
Keras 3's ``{"module", "class_name", "config", "registered_name"}`` entries); what differs is:

- modules: Keras writes ``keras.layers``, ``keras.initializers``, … and ``keras`` for
  ``Sequential``; neurona writes its own module paths. Classes are found *by name* in neurona's
  registries either way: no module named in a file is ever imported.
- dtypes: Keras writes a layer's ``dtype`` as a ``DTypePolicy`` entry, neurona as its name.
- a few Keras arguments neurona's layers do not have (``quantization_config``, LayerNormalization's
  ``rms_scaling``, BatchNormalization's ``renorm``, …): read only at the value that means "off",
  and refused with a clear error otherwise.
- ``Lambda`` layers hold Python bytecode; neurona has no Lambda layer and never runs code from a
  file, so they are refused (with ``safe_mode=False`` too), as are classes neurona does not know.
- Keras's compile settings carry ``run_eagerly``, ``jit_compile``, … which neurona has no use for.
"""

from __future__ import annotations

from typing import Any

from neurona.models.serialization import ModelFileError

__all__ = ["from_keras_config", "to_keras_config", "NEURONA_ONLY_LAYERS"]

# Keras's arguments that neurona's layers lack, with the values under which the layer computes
# what neurona's does (None: any value; these only matter on several devices or with masks)
_KERAS_ONLY = {
    "quantization_config": (None,),
    "lora_rank": (None,),
    "lora_alpha": None,
    "rms_scaling": (False,),
    "renorm": (False,),
    "renorm_clipping": None,
    "renorm_momentum": None,
    "synchronized": None,
    "zero_output_for_mask": None,
    "optional": (False,),
}
# Keras's compile settings that do not change what is computed
_COMPILE_IGNORED = {"run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss"}
_DTYPE_POLICIES = {"DTypePolicy", "FloatDTypePolicy"}
# neurona's layers with no class of the same name in Keras 3: a '.keras' file holding one
# would not load in Keras
NEURONA_ONLY_LAYERS = {"Maxout", "RBF"}
# neurona module prefix → Keras's public module
_MODULES = [
    ("neurona.layers", "keras.layers"),
    ("neurona.initializers", "keras.initializers"),
    ("neurona.regularizers", "keras.regularizers"),
    ("neurona.constraints", "keras.constraints"),
    ("neurona.optimizers.schedules", "keras.optimizers.schedules"),
    ("neurona.optimizers", "keras.optimizers"),
    ("neurona.losses", "keras.losses"),
    ("neurona.metrics", "keras.metrics"),
    ("neurona.activations", "keras.activations"),
]


def _is_entry(value: Any) -> bool:
    return isinstance(value, dict) and "class_name" in value and "config" in value


def _lookup(name: Any, custom_objects: dict | None) -> Any:
    from neurona.layers._naming import get_registered_object

    return get_registered_object(name, custom_objects) if isinstance(name, str) else None


def _layer_entry(entry: dict, custom_objects: dict | None, where: str) -> dict:
    """A Keras layer entry with its config made neurona's (class checked, Keras-only keys off)."""
    import inspect

    from neurona.layers import Layer

    name = entry.get("registered_name") or entry["class_name"]
    cls = _lookup(name, custom_objects) or _lookup(entry["class_name"], custom_objects)
    if not (isinstance(cls, type) and issubclass(cls, Layer)):
        raise ModelFileError(
            f"{where}: the file asks for the layer class {entry['class_name']!r} (module "
            f"{entry.get('module')!r}), which neurona does not have. Nothing from the file was "
            "run. Register a class of that name (neurona.saving.register_keras_serializable) "
            "or pass it in custom_objects."
        )
    config = entry["config"]
    if not isinstance(config, dict):
        return entry
    takes = set(inspect.signature(cls.__init__).parameters)
    kept = {}
    for key, value in config.items():
        allowed = _KERAS_ONLY.get(key, ())
        if key in _KERAS_ONLY and key not in takes:
            if allowed is None or value in allowed:
                continue
            raise ModelFileError(
                f"{where}: layer {config.get('name')!r} ({entry['class_name']}) uses Keras's "
                f"{key}={value!r}, which neurona does not implement (it reads {key} only as "
                f"{allowed[0]!r}). Save the model in Keras without it."
            )
        kept[key] = value
    return dict(entry, config=kept)


def from_keras_config(
    value: Any, custom_objects: dict | None = None, safe_mode: bool = True, where: str = "load"
) -> Any:
    """A Keras 3 ``config.json`` tree made into the config neurona's ``from_config`` reads.

    Raises:
        ModelFileError: a ``Lambda`` layer (in any mode: neurona runs no code from a file, and
            says so louder when ``safe_mode`` is on), a layer class neurona does not know, a
            Keras argument neurona does not implement at a value other than "off".

    Example:
        >>> entry = {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
        ...          "config": {"units": 2, "quantization_config": None, "dtype": {
        ...              "module": "keras", "class_name": "DTypePolicy",
        ...              "config": {"name": "float64"}, "registered_name": None}}}
        >>> from_keras_config(entry)["config"]
        {'units': 2, 'dtype': 'float64'}
    """
    if isinstance(value, list):
        return [from_keras_config(v, custom_objects, safe_mode, where) for v in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("inbound_nodes"), list):
        value = dict(value, inbound_nodes=[_node(n, where) for n in value["inbound_nodes"]])
    for key in ("input_layers", "output_layers"):  # Keras writes one tensor as one reference
        ref = value.get(key)
        if isinstance(ref, list) and len(ref) == 3 and isinstance(ref[0], str):
            value = dict(value, **{key: [ref]})
    if _is_entry(value):
        name = value["class_name"]
        if name in _DTYPE_POLICIES and isinstance(value["config"], dict):
            return value["config"].get("name")
        if name == "Lambda":
            config = value["config"] if isinstance(value["config"], dict) else {}
            raise ModelFileError(
                f"{where}: the file holds a Lambda layer "
                f"({config.get('name')!r}), whose function is Python bytecode. "
                + (
                    "Loading it would run code from the file, which safe_mode=True forbids "
                    "(as in Keras). "
                    if safe_mode
                    else ""
                )
                + "neurona has no Lambda layer and never runs code from a file: write the "
                "function as a Layer subclass, register it (register_keras_serializable) and "
                "use it in both libraries."
            )
        module = value.get("module")
        value = {
            k: from_keras_config(v, custom_objects, safe_mode, where) for k, v in value.items()
        }
        if isinstance(module, str) and module.startswith("keras.layers"):
            value = _layer_entry(value, custom_objects, where)
        config = value.get("config")
        if isinstance(config, dict) and isinstance(config.get("layers"), list):
            layers = [
                _layer_entry(e, custom_objects, where) if _is_entry(e) else e
                for e in config["layers"]
            ]  # every member of a model's layer list must be a layer class neurona has
            value = dict(value, config=dict(config, layers=layers))
        if "compile_config" in value:
            compiled = compile_from_keras(value.pop("compile_config"))
            if isinstance(compiled, dict) and compiled.get("optimizer") is not None:
                value["compile_config"] = compiled
        return value
    return {k: from_keras_config(v, custom_objects, safe_mode, where) for k, v in value.items()}


def _node(node: Any, where: str) -> Any:
    """One call of a layer in a functional config, with Keras's ``mask=None`` left out (neurona
    has no masks; a real mask is refused)."""
    if not isinstance(node, dict) or not isinstance(node.get("kwargs"), dict):
        return node
    kwargs = dict(node["kwargs"])
    if kwargs.pop("mask", None) is not None:
        raise ModelFileError(
            f"{where}: the model passes a mask between layers (Embedding(mask_zero=True) or a "
            "Masking layer); neurona has no masks, so it would compute something else. Save "
            "the model in Keras without masking."
        )
    return dict(node, kwargs=kwargs)


def compile_from_keras(config: Any) -> Any:
    """Keras's compile settings with the keys neurona's ``compile_from_config`` does not take
    (``run_eagerly``, ``jit_compile``, … and a ``weighted_metrics`` of None) left out.

    Example:
        >>> compile_from_keras({"optimizer": "adam", "loss": "mse", "metrics": None,
        ...                     "jit_compile": True, "weighted_metrics": None})
        {'optimizer': 'adam', 'loss': 'mse', 'metrics': []}
    """
    if not isinstance(config, dict):
        return config
    config = {k: v for k, v in config.items() if k not in _COMPILE_IGNORED}
    if config.get("weighted_metrics") is None:
        config.pop("weighted_metrics", None)
    if config.get("metrics") is None:
        config["metrics"] = []
    if config.get("loss_weights", 0) is None:
        config.pop("loss_weights")
    return config


def to_keras_config(value: Any, where: str = "save") -> Any:
    """neurona's ``serialize_model`` tree made into what Keras 3's ``config.json`` holds:
    Keras's module names, dtypes as ``DTypePolicy`` entries, ``Sequential``/``Functional``
    named as Keras names them. Custom (registered) classes keep their registered name.

    Raises:
        ValueError: a layer neurona has and Keras does not (Maxout, RBF): Keras could not load
            the file; save it as '.neurona'.

    Example:
        >>> to_keras_config({"module": "neurona.layers.dense", "class_name": "Dense",
        ...                  "registered_name": None, "config": {"dtype": "float32"}})["module"]
        'keras.layers'
    """
    if isinstance(value, list):
        return [to_keras_config(v, where) for v in value]
    if not isinstance(value, dict):
        return value
    value = {k: to_keras_config(v, where) for k, v in value.items()}
    if not _is_entry(value) or value.get("registered_name"):
        return value
    module, name = value.get("module"), value["class_name"]
    if not isinstance(module, str) or not module.startswith("neurona"):
        return value
    if name in NEURONA_ONLY_LAYERS:
        raise ValueError(
            f"{where}: the model has a {name} layer, which Keras 3 does not have, so Keras "
            "could not load the '.keras' file. Save it in neurona's format ('….neurona')."
        )
    if name == "Sequential":
        value["module"] = "keras"
    elif name == "Functional":
        value["module"], value["registered_name"] = "keras.src.models.functional", "Functional"
    else:
        value["module"] = next((k for n, k in _MODULES if module.startswith(n)), module)
    config = value["config"]
    if isinstance(config, dict) and config.get("convention", "keras") != "keras":
        raise ValueError(
            f"{where}: layer {config.get('name')!r} ({name}) uses neurona's "
            f"convention={config['convention']!r}, which Keras 3 does not have, so Keras could "
            "not load the '.keras' file. Save it in neurona's format ('….neurona')."
        )
    if module.startswith("neurona.layers") and isinstance(config, dict):
        if isinstance(config.get("dtype"), str) and name != "InputLayer":
            config["dtype"] = {
                "module": "keras",
                "class_name": "DTypePolicy",
                "config": {"name": config["dtype"]},
                "registered_name": None,
            }
    return value


def compile_to_keras(config: Any) -> Any:
    """neurona's compile settings as Keras writes them (optimizer, loss and metric entries with
    Keras's modules).

    Example:
        >>> compile_to_keras({"optimizer": {"class_name": "SGD", "config": {}},
        ...                   "loss": "mse", "metrics": []})["optimizer"]["module"]
        'keras.optimizers'
    """
    if not isinstance(config, dict):
        return config

    def named(entry: Any, module: str) -> Any:
        if isinstance(entry, list):
            return [named(e, module) for e in entry]
        if isinstance(entry, dict) and _is_entry(entry):
            return {"module": module, "registered_name": None, **entry}
        if isinstance(entry, dict):
            return {k: named(v, module) for k, v in entry.items()}
        return entry

    out = dict(config)
    out["optimizer"] = named(config.get("optimizer"), "keras.optimizers")
    out["loss"] = named(config.get("loss"), "keras.losses")
    out["metrics"] = named(config.get("metrics"), "keras.metrics")
    out.setdefault("loss_weights", None)
    return out
