"""Floor 5: Keras 3's own files. ``model.save("m.keras")`` writes a real Keras 3 archive, and
``load_model`` reads one written by Keras; ``save_weights``/``load_weights`` with a
'.weights.h5' name use Keras 3's HDF5 weights file. Needs h5py (``pip install 'neurona[h5]'``).

A ``.keras`` file is a zip archive holding::

    metadata.json       {"keras_version", "date_saved"} (neurona adds "neurona_version")
    config.json         the model as ``keras.saving.serialize_keras_object`` writes it: module,
                        class_name, config (each layer's), registered_name, build_config,
                        compile_config (translated by ``neurona.models.keras_config``)
    model.weights.h5    every weight, and the optimiser's variables, in Keras's HDF5 layout
                        (``neurona.models.keras_h5``)

Loading runs no code from the file, as Keras's ``safe_mode``: classes are found by name in
neurona's registries and ``custom_objects``; a ``Lambda`` layer (Python bytecode) and unknown
classes are refused; every weight's path and shape is checked before anything is copied.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import warnings
import zipfile
from typing import Any

import numpy as np

from neurona.models._files import atomic_write, open_archive, read_member
from neurona.models.serialization import ModelFileError

__all__ = ["save_keras", "load_keras", "save_weights_h5", "load_weights_h5"]

_METADATA, _CONFIG, _WEIGHTS_H5 = "metadata.json", "config.json", "model.weights.h5"
_MAX_CONFIG_BYTES = 64 * 2**20


# ----- the optimiser's variables, in Keras's order -------------------------------------------
def _slot_groups(optimizer: Any) -> list | None:
    """Keras's ``build``: each list of slot names is one ``add_optimizer_variables`` call (its
    slots interleaved per variable); None for an optimiser whose layout is not mapped."""
    name = type(optimizer).__name__
    if getattr(optimizer, "use_ema", False) or getattr(
        optimizer, "gradient_accumulation_steps", None
    ):
        return None
    if name == "SGD":
        return [["momentum"]] if optimizer.momentum else []
    if name in ("Adam", "AdamW", "Nadam"):
        amsgrad = getattr(optimizer, "amsgrad", False)
        return [["momentum", "velocity"]] + ([["velocity_hat"]] if amsgrad else [])
    if name == "RMSprop":
        return (
            [["velocity"]]
            + ([["momentum"]] if optimizer.momentum > 0 else [])
            + ([["average_gradient"]] if optimizer.centered else [])
        )
    if name == "Adagrad":
        return [["accumulator"]]
    return None


def _tail(optimizer: Any) -> list:
    """The per-update scalars Keras keeps after the slots (Nadam's running product Π)."""
    return ["_u_product"] if type(optimizer).__name__ == "Nadam" else []


def _has_lr_variable(optimizer: Any) -> bool:
    return isinstance(optimizer._learning_rate, (int, float))


def optimizer_variables(model: Any) -> tuple | None:
    """(name, arrays): the optimiser's state as Keras keeps ``optimizer.variables``
    (iterations, learning_rate, then the slots); None when it cannot be written in Keras's
    layout (the file then holds no optimizer group and Keras starts the optimiser afresh)."""
    optimizer = model.optimizer
    groups = _slot_groups(optimizer)
    if groups is None:
        warnings.warn(
            f"save: the state of {type(optimizer).__name__} is not written to the '.keras' "
            "file (its Keras layout is not mapped); training resumes with a fresh optimiser.",
            UserWarning,
            stacklevel=4,
        )
        return None
    variables = model.trainable_weights
    state = optimizer.get_state(variables)
    arrays = [np.asarray(state["iterations"], dtype=np.int64)]
    if _has_lr_variable(optimizer):
        arrays.append(np.asarray(optimizer.learning_rate, dtype=np.float32))
    for group in groups:
        arrays += [state[f"{i}/{slot}"] for i in range(len(variables)) for slot in group]
    arrays += [np.asarray(state[name], dtype=np.float32) for name in _tail(optimizer)]
    return optimizer.name, arrays


def set_optimizer_variables(model: Any, arrays: list, where: str) -> None:
    """Restore what :func:`optimizer_variables` (or Keras) wrote; a layout that does not fit
    is skipped with a warning, as Keras does."""
    optimizer = model.optimizer
    groups = _slot_groups(optimizer)
    variables = model.trainable_weights
    head = 2 if _has_lr_variable(optimizer) else 1
    count = head + sum(len(g) for g in groups or []) * len(variables) + len(_tail(optimizer))
    if groups is None or len(arrays) != count:
        warnings.warn(
            f"{where}: the optimiser's saved variables ({len(arrays)}) do not fit "
            f"{type(optimizer).__name__} ({count if groups is not None else 'layout not mapped'}"
            "); training resumes with a fresh optimiser, as Keras does.",
            UserWarning,
            stacklevel=4,
        )
        return
    state = {"iterations": np.asarray(arrays[0], dtype=np.int64)}
    k = head
    for group in groups:
        for i in range(len(variables)):
            for slot in group:
                state[f"{i}/{slot}"] = arrays[k]
                k += 1
    for name in _tail(optimizer):
        state[name] = np.asarray(arrays[k], dtype=np.float64)
        k += 1
    try:
        optimizer.set_state(variables, state)
    except ValueError as error:
        raise ModelFileError(f"{where}: {error}") from None
    if head == 2:
        optimizer.learning_rate = float(arrays[1])


# ----- writing -------------------------------------------------------------------------------
def _weights_bytes(model: Any, include_optimizer: bool) -> bytes:
    from neurona.models.keras_h5 import write_weights_h5

    opt = None
    if include_optimizer and getattr(model, "compiled", False):
        opt = optimizer_variables(model)
    buffer = io.BytesIO()
    write_weights_h5(buffer, model, opt)
    return buffer.getvalue()


def save_keras(
    model: Any, filepath: Any, overwrite: bool = True, include_optimizer: bool = True
) -> None:
    """Write ``model`` as a Keras 3 ``.keras`` archive (layout in this module's docstring),
    atomically. Real Keras 3 loads it with ``keras.saving.load_model``.

    Raises:
        ValueError: an unbuilt model, or a layer Keras does not have (Maxout, RBF).
        ImportError: h5py is missing (the message says how to install it).

    Example:
        >>> import os, tempfile, zipfile
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "m.keras"); save_keras(model, path)
        >>> sorted(zipfile.ZipFile(path).namelist())
        ['config.json', 'metadata.json', 'model.weights.h5']
    """
    import neurona
    from neurona.models.keras_config import compile_to_keras, to_keras_config
    from neurona.models.keras_h5 import import_h5py
    from neurona.models.model_json import serialize_model

    where = "save ('.keras')"
    import_h5py(where)
    if not getattr(model, "built", False):
        raise ValueError(
            f"{where}: the model '{model.name}' is not built, so it has no weights yet. "
            "Start it with layers.Input(shape) or call it on a batch first."
        )
    config = to_keras_config(serialize_model(model), where)
    if "compile_config" in config:
        config["compile_config"] = compile_to_keras(config["compile_config"])
    metadata = {
        "keras_version": "3.0.0",
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        "neurona_version": neurona.__version__,
    }
    weights = _weights_bytes(model, include_optimizer)

    def write(file: Any) -> None:
        with zipfile.ZipFile(file, "w") as zf:
            zf.writestr(_METADATA, json.dumps(metadata))
            zf.writestr(_CONFIG, json.dumps(config))
            zf.writestr(_WEIGHTS_H5, weights)

    atomic_write(os.fspath(filepath), write, overwrite, where)


def save_weights_h5(model: Any, filepath: Any, overwrite: bool = True) -> None:
    """Write the weights (and a compiled model's optimiser state) to a Keras 3
    '.weights.h5' file, atomically; ``keras.Model.load_weights`` reads it.

    Example:
        >>> import os, tempfile, h5py
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "m.weights.h5")
        >>> save_weights_h5(model, path); h5py.File(path)["layers/dense/vars/1"].shape
        (2,)
    """
    where = "save_weights ('.weights.h5')"
    if not getattr(model, "built", False):
        raise ValueError(
            f"{where}: the model '{model.name}' is not built, so it has no weights yet. "
            "Call it on a batch or start it with layers.Input(shape)."
        )
    data = _weights_bytes(model, include_optimizer=True)
    atomic_write(os.fspath(filepath), lambda file: file.write(data), overwrite, where)


# ----- reading -------------------------------------------------------------------------------
def is_keras_archive(names: list) -> bool:
    """Whether a zip's members are those of a Keras 3 '.keras' file."""
    return _CONFIG in names and _WEIGHTS_H5 in names and "weights.npz" not in names


def load_keras(
    filepath: Any, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True
) -> Any:
    """The model in a Keras 3 '.keras' archive, written by Keras or by neurona: architecture,
    weights, compile settings and, where its layout is mapped (SGD, Adam, AdamW, Nadam,
    RMSprop, Adagrad), the optimiser's state.

    Raises:
        ModelFileError (a ValueError): a Lambda layer, an unknown class, a Keras feature
            neurona lacks, weights that do not fit; nothing from the file runs.

    Example:
        >>> import os, tempfile
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "m.keras"); save_keras(model, path)
        >>> x = np.ones((1, 3), "float32")
        >>> bool((load_keras(path).predict(x, verbose=0) == model.predict(x, verbose=0)).all())
        True
    """
    from neurona.models.keras_config import from_keras_config
    from neurona.models.keras_h5 import import_h5py, read_weights_h5
    from neurona.models.model_json import deserialize_model

    where = f"load_model ({os.fspath(filepath)!r})"
    import_h5py(where)
    path, zf = open_archive(filepath, where)
    with zf:
        names = zf.namelist()
        if not is_keras_archive(names):
            raise ModelFileError(
                f"{where}: expected a Keras 3 archive with {_CONFIG!r} and {_WEIGHTS_H5!r}, "
                f"got the members {names}."
            )
        if zf.getinfo(_CONFIG).file_size > _MAX_CONFIG_BYTES:
            raise ModelFileError(f"{where}: config.json is implausibly large.")
        try:
            entry = json.loads(read_member(zf, _CONFIG, where).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise ModelFileError(f"{where}: config.json is not valid JSON ({error!r}).") from None
        weights = read_member(zf, _WEIGHTS_H5, where)
    if not (isinstance(entry, dict) and isinstance(entry.get("class_name"), str)):
        raise ModelFileError(
            f"{where}: the config.json of this Keras 3 '.keras' file holds no model entry "
            f"{{'class_name', 'config', ...}} (got {type(entry).__name__}). The file is damaged."
        )
    try:
        entry = from_keras_config(entry, custom_objects, safe_mode, where)
    except RecursionError:
        raise ModelFileError(f"{where}: config.json is nested implausibly deep.") from None
    compiled = entry.pop("compile_config", None) if isinstance(entry, dict) else None
    model = deserialize_model(entry, custom_objects, where)
    _remember_class_names(model, entry)
    opt = read_weights_h5(io.BytesIO(weights), model, where)
    if compile and compiled is not None:
        from neurona.models.serialization import compile_from_config

        compile_from_config(model, compiled, custom_objects, where)
        if opt is not None:
            set_optimizer_variables(model, opt, where)
    return model


def _remember_class_names(model: Any, entry: Any) -> None:
    """Keras names a layer's weights group by the class named in the file; where
    ``custom_objects`` mapped that name to a class named otherwise, remember the file's name."""
    named: dict = {}

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            config = value.get("config")
            if isinstance(config, dict) and isinstance(value.get("class_name"), str):
                named.setdefault(config.get("name"), value["class_name"])
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(entry.get("config"))
    stack = list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop()
        stack.extend(
            getattr(layer, "layers", [])
            if hasattr(layer, "_nodes") or hasattr(layer, "pop")
            else []
        )
        class_name = named.get(layer.name)
        if isinstance(class_name, str) and class_name != type(layer).__name__:
            layer._keras_class_name = class_name


def load_weights_h5(model: Any, filepath: Any) -> None:
    """Load a Keras 3 '.weights.h5' file (Keras's or neurona's), or the weights inside a
    '.keras' archive, into a built model of the same architecture; the optimiser's state too
    when the model is compiled. All or nothing.

    Example:
        >>> import os, tempfile
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> a = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> b = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "a.weights.h5")
        >>> save_weights_h5(a, path); load_weights_h5(b, path)
        >>> all((u == v).all() for u, v in zip(a.get_weights(), b.get_weights()))
        True
    """
    from neurona.models.keras_h5 import read_weights_h5

    path = os.fspath(filepath)
    where = f"load_weights ({path!r})"
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{where}: no file at {path!r}. Check the path.")
    if not getattr(model, "built", False):
        raise ValueError(
            f"{where}: the model '{model.name}' is not built, so it has no weights to fill. "
            "Call it on a batch or start it with layers.Input(shape)."
        )
    if zipfile.is_zipfile(path):  # the weights inside a Keras 3 '.keras' archive
        _, zf = open_archive(path, where)
        with zf:
            path = io.BytesIO(read_member(zf, _WEIGHTS_H5, where))
    opt = read_weights_h5(path, model, where)
    if opt is not None and getattr(model, "compiled", False):
        set_optimizer_variables(model, opt, where)
