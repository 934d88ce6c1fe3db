"""Floor 5: the ``.neurona`` model file and the ``.weights.npz`` weights file: saving a model,
loading it back without pickle and without running code from the file, atomic writes.

A ``.neurona`` file is a zip archive holding:

    config.json     format name and version, neurona's version, the model class and its config
                    (each layer's registered class name and get_config(), the build input
                    shape), the compile settings (optimizer config, loss and metric
                    identifiers), and the list of weights (key, name, shape, dtype) in model
                    order
    weights.npz     every weight under its key ('dense/kernel', 'dense_1/bias', …), in model
                    order, written by np.savez and read by np.load(..., allow_pickle=False)
    optimizer.npz   (only for a compiled model that has trained) the optimiser's slots and
                    step count, so that training resumes exactly where it stopped

Loading is safe with files from anywhere: nothing is unpickled (np.load with
allow_pickle=False; object arrays are refused), classes are looked up by name in the registries
and ``custom_objects`` only (never imported from a module named in the file), every member,
key, class, shape and dtype is checked, and anything unexpected raises ``ModelFileError`` (a
ValueError) saying what was expected and what was found. (A file can still ask for a very
large model: loading checks content, not size.)

A key is Keras 3's path of the weight inside the model: the layer's class in snake case,
numbered within the model ('dense', 'dense_1', …), then the weight's own name. It does not
depend on the layers' names, so weights load into a fresh model of the same architecture.
"""

from __future__ import annotations

import inspect
import json
import os
import warnings
import zipfile
from typing import Any

import numpy as np

from neurona.layers._naming import get_registered_name, snake_case
from neurona.models._files import atomic_write, open_archive, read_member, read_npz, write_npz
from neurona.models.serialization import ModelFileError, compile_config, compile_from_config

__all__ = ["FORMAT_VERSION", "save_model", "load_model", "save_weights", "load_weights",
           "weight_keys"]

FORMAT, FORMAT_VERSION = "neurona", 1
CONFIG, WEIGHTS, OPTIMIZER = "config.json", "weights.npz", "optimizer.npz"
_TOP_KEYS = {"format", "format_version", "neurona_version", "class_name", "config",
             "compile_config", "weights", "optimizer_weights"}
_MAX_CONFIG_BYTES = 64 * 2**20


def weight_keys(model: Any) -> list[str]:
    """The key of every weight in ``model.weights`` order: Keras 3's per-model path
    '<layer class in snake case, numbered in the model>/<weight name>'.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(4, name="hidden"),
        ...                     layers.BatchNormalization(), layers.Dense(1)])
        >>> weight_keys(model)[:3], weight_keys(model)[-1]
        (['dense/kernel', 'dense/bias', 'batch_normalization/gamma'], 'dense_1/bias')
    """
    slots, used = {}, {}
    for layer in [model, *model.layers]:
        if layer is model and not model._weights:
            continue
        base = snake_case(type(layer).__name__)
        slot = base if base not in used else f"{base}_{used[base]}"
        used[base] = used.get(base, 0) + 1
        for w in (layer._weights if layer is model else layer.weights):
            slots.setdefault(id(w), slot)
    keys, names = [], {}
    for j, w in enumerate(model.weights):
        slot = slots[id(w)]
        # the weight's own name; inner layers' names (a wrapper's, a nested model's) are left
        # out on purpose, as they may change when a model is rebuilt
        name = str(w.name or "").rsplit("/", 1)[-1] or f"variable_{j}"
        taken = names.setdefault(slot, set())
        name = name if name not in taken else f"{name}_{j}"
        taken.add(name)
        keys.append(f"{slot}/{name}")
    return keys


# ----- writing ------------------------------------------------------------------------------
def _check_suffix(path: str, where: str) -> None:
    lower = path.lower()
    if lower.endswith(".weights.npz"):
        raise ValueError(f"{where}: {path!r} is a weights file name; use model.save_weights for "
                         "it, or name the model file '….neurona'.")
    if lower.endswith((".keras", ".h5", ".hdf5")):
        warnings.warn(f"{where}: {path!r} will hold neurona's zip format (config.json + "
                      "weights.npz), which Keras cannot read; name it '….neurona' to say so.",
                      UserWarning, stacklevel=3)
    elif not lower.endswith(".neurona"):
        raise ValueError(f"{where}: expected a file name ending in '.neurona', got {path!r}. "
                         "Add the extension, e.g. model.save('model.neurona').")


def save_model(model: Any, filepath: Any, overwrite: bool = True,
               include_optimizer: bool = True, **kwargs: Any) -> None:
    """Save architecture, weights, compile settings and optimiser state to a ``.neurona`` file.

    The file layout is in this module's docstring. The write is atomic (a temporary file in the
    same folder, then ``os.replace``). Names ending in '.keras' or '.h5' are accepted with a
    warning: the file is neurona's zip, which Keras cannot read.

    Args:
        model: a built ``Sequential``.
        filepath: a path ending in '.neurona'.
        overwrite: False refuses to replace an existing file (FileExistsError).
        include_optimizer: False leaves the optimiser's state out (its config stays).

    Raises:
        ValueError: an unbuilt model, a wrong extension; TypeError: a config value JSON cannot
            hold (a custom function or constraint), with the layer and key.

    Example:
        >>> import os, tempfile
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "m.neurona")
        >>> save_model(model, path)
        >>> bool((load_model(path).predict(np.ones((1, 3)), verbose=0)
        ...       == model.predict(np.ones((1, 3)), verbose=0)).all())
        True
    """
    import neurona

    where = "save_model"
    if kwargs.pop("save_format", None) not in (None, "neurona", "keras") \
            or kwargs.pop("zipped", None) is False:
        raise ValueError(f"{where}: only neurona's own format (a zip) can be written.")
    if kwargs:
        raise TypeError(f"{where}: unknown arguments {sorted(kwargs)}; expected filepath, "
                        "overwrite and include_optimizer.")
    path = os.fspath(filepath)
    _check_suffix(path, where)
    if not getattr(model, "built", False):
        raise ValueError(f"{where}: the model '{model.name}' is not built, so it has no weights "
                         "yet. Start it with layers.Input(shape) or call it on a batch first.")
    keys = weight_keys(model)
    weights = dict(zip(keys, (np.asarray(w.data) for w in model.weights)))
    state = None
    if include_optimizer and getattr(model, "compiled", False) and model.optimizer.iterations:
        state = model.optimizer.get_state(model.trainable_weights)
    trainable = {id(w) for w in model.trainable_weights}
    config = {"format": FORMAT, "format_version": FORMAT_VERSION,
              "neurona_version": neurona.__version__,
              "class_name": get_registered_name(type(model)),
              "config": model.get_config(), "compile_config": compile_config(model),
              "weights": [{"key": key, "name": w.name, "shape": list(w.shape),
                           "dtype": str(w.data.dtype)} for key, w in zip(keys, model.weights)],
              "optimizer_weights": None if state is None else
              [key for key, w in zip(keys, model.weights) if id(w) in trainable]}
    shape = getattr(model, "_build_input_shape", None)
    if shape is not None and not hasattr(model, "_nodes") and not hasattr(model, "add"):
        config["build_config"] = {"input_shape": shape}  # a subclassed model builds on a call
    text = json.dumps(config, indent=1)

    def write(file: Any) -> None:
        with zipfile.ZipFile(file, "w") as zf:
            zf.writestr(CONFIG, text, compress_type=zipfile.ZIP_DEFLATED)
            write_npz(zf, WEIGHTS, weights)
            if state is not None:
                write_npz(zf, OPTIMIZER, state)

    atomic_write(path, write, overwrite, where)


def save_weights(model: Any, filepath: Any, overwrite: bool = True) -> None:
    """Save the weights alone to a '.weights.npz' file (keys as ``weight_keys``), atomically.

    Keras 3 writes '.weights.h5' (HDF5); neurona needs no h5py, so its weights file is an npz,
    readable with ``np.load(path)`` by anyone.

    Example:
        >>> import os, tempfile
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "m.weights.npz")
        >>> save_weights(model, path); sorted(np.load(path))
        ['dense/bias', 'dense/kernel']
    """
    where = "save_weights"
    path = os.fspath(filepath)
    lower = path.lower()
    if lower.endswith((".h5", ".hdf5")):
        raise ValueError(f"{where}: {path!r} asks for HDF5 (Keras's '.weights.h5'), which "
                         "neurona does not write. Use a name ending in '.weights.npz'.")
    if not lower.endswith(".weights.npz"):
        raise ValueError(f"{where}: expected a file name ending in '.weights.npz', got "
                         f"{path!r}. For the whole model use model.save('….neurona').")
    if not getattr(model, "built", False):
        raise ValueError(f"{where}: the model '{model.name}' is not built, so it has no weights "
                         "yet. Call it on a batch or start it with layers.Input(shape).")
    arrays = dict(zip(weight_keys(model), (np.asarray(w.data) for w in model.weights)))
    atomic_write(path, lambda file: np.savez(file, **arrays), overwrite, where)


# ----- reading ------------------------------------------------------------------------------
def _assign(model: Any, arrays: dict, where: str) -> None:
    """Check every name and shape first, then copy: all weights load, or none."""
    keys = weight_keys(model)
    missing = [k for k in keys if k not in arrays]
    unexpected = [k for k in arrays if k not in set(keys)]
    shapes = [f"{k}: model {tuple(w.shape)}, file {arrays[k].shape}"
              for k, w in zip(keys, model.weights) if k in arrays and arrays[k].shape != w.shape]
    if missing or unexpected or shapes:
        raise ModelFileError(f"{where}: the file's weights do not fit model '{model.name}'. "
                             f"Missing in the file: {missing}; not in the model: {unexpected}; "
                             f"shape mismatches: {shapes}. Build the same architecture (layer "
                             "classes, order and sizes) as the saved model.")
    for key, w in zip(keys, model.weights):
        w.data[...] = arrays[key]


def load_weights(model: Any, filepath: Any, skip_mismatch: bool = False) -> None:
    """Load weights saved by ``save_weights`` (a '.weights.npz') or ``save`` (a '.neurona')
    into a built model of the same architecture, matching them by key and shape.

    Raises:
        ModelFileError: a damaged or foreign file, or weights that do not fit (the message
            lists the missing, unexpected and mismatched keys); nothing is changed then.

    Example:
        >>> import os, tempfile
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> a = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> b = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "a.weights.npz")
        >>> save_weights(a, path); load_weights(b, path)
        >>> all((u == v).all() for u, v in zip(a.get_weights(), b.get_weights()))
        True
    """
    where = "load_weights"
    if skip_mismatch:
        raise NotImplementedError(f"{where}: skip_mismatch=True is not supported; load into a "
                                  "model of the same architecture.")
    path, zf = open_archive(filepath, where)
    with zf:
        names = zf.namelist()
        if CONFIG in names and WEIGHTS in names:  # a whole-model file
            data = read_member(zf, WEIGHTS, where)
        else:
            data = None
    if data is None:
        with open(path, "rb") as file:
            data = file.read()
    if not getattr(model, "built", False):
        raise ValueError(f"{where}: the model '{model.name}' is not built, so it has no weights "
                         "to fill. Call it on a batch or start it with layers.Input(shape).")
    _assign(model, read_npz(data, f"{where} ({path!r})"), f"{where} ({path!r})")


def _read_config(zf: zipfile.ZipFile, where: str) -> dict:
    names = zf.namelist()
    if "metadata.json" in names and "model.weights.h5" in names:
        raise ModelFileError(f"{where}: this is a Keras 3 '.keras' file (HDF5 weights inside); "
                             "neurona reads only its own format.")
    required, allowed = {CONFIG, WEIGHTS}, {CONFIG, WEIGHTS, OPTIMIZER}
    missing, extra = sorted(required - set(names)), sorted(set(names) - allowed)
    if missing or extra or len(set(names)) != len(names):
        raise ModelFileError(f"{where}: expected the members {sorted(required)} (and optionally "
                             f"{OPTIMIZER!r}), got {names}: missing {missing}, unknown {extra}. "
                             "The file is not a neurona model file or was altered.")
    if zf.getinfo(CONFIG).file_size > _MAX_CONFIG_BYTES:
        raise ModelFileError(f"{where}: config.json is implausibly large.")
    try:
        config = json.loads(read_member(zf, CONFIG, where).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{where}: config.json is not valid JSON ({error}).") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        got = config.get("format") if isinstance(config, dict) else type(config).__name__
        raise ModelFileError(f"{where}: expected config.json with format 'neurona', got "
                             f"{got!r}. The file was not written by neurona.")
    missing = sorted(_TOP_KEYS - set(config))
    extra = sorted(set(config) - _TOP_KEYS - {"build_config"})
    if missing or extra:
        raise ModelFileError(f"{where}: config.json has missing keys {missing} and unknown keys "
                             f"{extra}. The file was altered or comes from another version.")
    version = config["format_version"]
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise ModelFileError(f"{where}: format_version {version!r} is not one this neurona "
                             f"reads (1 to {FORMAT_VERSION}); the file was written by neurona "
                             f"{config['neurona_version']!r}. Upgrade neurona.")
    return config


def _build_from_config(model: Any, build_config: dict, where: str) -> None:
    """Build a subclassed model as it was saved: one call on zeros of its input shape(s)."""
    from neurona.layers._structure import map_structure

    shape = build_config.get("input_shape")
    try:
        zeros = map_structure(lambda d: 1 if d is None else int(d), shape)
        sizes = [d for d in map_structure(lambda d: d, zeros)] if isinstance(zeros, list) else []
        if any(isinstance(d, int) and not 0 < d <= 2**24 for d in sizes):
            raise ValueError("an axis size outside 1 … 2**24")
        if isinstance(zeros, list) and all(isinstance(d, int) for d in zeros):
            zeros = np.zeros(zeros, dtype="float32")
        else:
            zeros = [np.zeros(s, dtype="float32") for s in zeros]
        model._build_for(zeros)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{where}: the model could not be built from the saved input shape "
                             f"{shape!r} ({error}).") from None


def _model_from_config(config: dict, custom_objects: dict | None, where: str) -> Any:
    """The model class named in the file (looked up by name, never imported) from its config."""
    from neurona.layers._naming import get_registered_object
    from neurona.models.model import Model

    name = config["class_name"]
    cls = get_registered_object(name, custom_objects) if isinstance(name, str) else None
    if not (isinstance(cls, type) and issubclass(cls, Model)):
        raise ModelFileError(f"{where}: expected a model class such as 'Sequential' or "
                             f"'Functional', got {name!r}. A subclassed model must be registered "
                             "(@register_keras_serializable) or passed in custom_objects.")
    takes = "custom_objects" in inspect.signature(cls.from_config).parameters
    try:
        return cls.from_config(config["config"], **(
            {"custom_objects": custom_objects} if takes else {}))
    except ModelFileError:
        raise
    except (TypeError, ValueError, KeyError) as error:
        raise ModelFileError(f"{where}: the saved {name} config could not be rebuilt "
                             f"({error}).") from None


def load_model(filepath: Any, custom_objects: dict | None = None, compile: bool = True,
               safe_mode: bool = True) -> Any:
    """Rebuild a model saved by ``model.save``: architecture, weights, compile settings and,
    when saved, the optimiser's state (so ``fit`` continues as if never interrupted).

    Loading runs no code from the file: classes are looked up by name in ``custom_objects``
    and the registries (``register_keras_serializable``), arrays are read with
    ``allow_pickle=False``, and every part is checked before use. ``safe_mode`` is accepted
    for Keras compatibility; neurona is always safe.

    Raises:
        FileNotFoundError: no such file.
        ModelFileError (a ValueError): not a zip, a truncated zip, missing or unknown members,
            a pickled array, wrong or missing config keys, an unknown class, weights that do not
            fit the rebuilt model. The message says what was expected and what was found.

    Example:
        >>> import os, tempfile
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((4,)), layers.Dense(3, activation="relu")])
        >>> model.compile(optimizer="adam", loss="mse")
        >>> path = os.path.join(tempfile.mkdtemp(), "m.neurona"); model.save(path)
        >>> loaded = load_model(path)
        >>> loaded.optimizer.get_config() == model.optimizer.get_config(), loaded.loss.name
        (True, 'mse')
    """
    where = f"load_model ({os.fspath(filepath)!r})"
    path, zf = open_archive(filepath, where)
    with zf:
        config = _read_config(zf, where)
        model = _model_from_config(config, custom_objects, where)
        if not model.built and isinstance(config.get("build_config"), dict):
            _build_from_config(model, config["build_config"], where)
        arrays = read_npz(read_member(zf, WEIGHTS, where), where)
        manifest = config["weights"]
        keys = [entry.get("key") for entry in manifest] if isinstance(manifest, list) and all(
            isinstance(entry, dict) for entry in manifest) else None
        if keys != list(arrays):
            raise ModelFileError(f"{where}: the weight list of config.json {keys} does not match "
                                 f"the arrays in weights.npz {list(arrays)}. The file was altered.")
        _assign(model, arrays, where)
        state_keys = config["optimizer_weights"]
        state = read_npz(read_member(zf, OPTIMIZER, where), where) \
            if OPTIMIZER in zf.namelist() else None
    if (state is None) != (state_keys is None):
        raise ModelFileError(f"{where}: config.json and the members disagree on whether the "
                             "optimiser's state is saved. The file was altered.")
    if compile and config["compile_config"] is not None:
        compile_from_config(model, config["compile_config"], custom_objects, where)
        if state is not None:
            trainable = [k for k, w in zip(weight_keys(model), model.weights)
                         if any(w is t for t in model.trainable_weights)]
            if trainable != state_keys:
                raise ModelFileError(f"{where}: the optimiser's state is for the weights "
                                     f"{state_keys}, but the model trains {trainable}.")
            try:
                model.optimizer.set_state(model.trainable_weights, state)
            except (ValueError, TypeError) as error:
                raise ModelFileError(f"{where}: {error}") from None
    return model
