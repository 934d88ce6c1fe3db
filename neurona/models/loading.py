"""Floor 5: reading ``.neurona`` model files and ``.weights.npz`` weights files back (the layout
and the safety rules are in ``neurona.models.saving``): every member, key, class, shape and dtype
is checked before use, nothing is unpickled, no code named in a file runs."""

from __future__ import annotations

import inspect
import json
import os
import zipfile
from typing import Any

import numpy as np

from neurona.layers._context import check_allocation
from neurona.models._budget import (
    allocations_within,
    check_manifest,
    count_layers,
    load_budget,
)
from neurona.models._files import npz_headers, open_archive, read_member, read_npz
from neurona.models.saving import (
    _MAX_CONFIG_BYTES,
    _TOP_KEYS,
    CONFIG,
    FORMAT,
    FORMAT_VERSION,
    OPTIMIZER,
    WEIGHTS,
    weight_keys,
)
from neurona.models.serialization import ModelFileError, compile_from_config

__all__ = ["load_model", "load_weights"]


def _assign(model: Any, arrays: dict, where: str) -> None:
    """Check every name and shape first, then copy: all weights load, or none."""
    keys = weight_keys(model)
    missing = [k for k in keys if k not in arrays]
    unexpected = [k for k in arrays if k not in set(keys)]
    shapes = [
        f"{k}: model {tuple(w.shape)}, file {arrays[k].shape}"
        for k, w in zip(keys, model.weights)
        if k in arrays and arrays[k].shape != w.shape
    ]
    if missing or unexpected or shapes:
        raise ModelFileError(
            f"{where}: the file's weights do not fit model '{model.name}'. "
            f"Missing in the file: {missing}; not in the model: {unexpected}; "
            f"shape mismatches: {shapes}. Build the same architecture (layer "
            "classes, order and sizes) as the saved model."
        )
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
        >>> from neurona.models.saving import save_weights
        >>> a = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> b = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "a.weights.npz")
        >>> save_weights(a, path); load_weights(b, path)
        >>> all((u == v).all() for u, v in zip(a.get_weights(), b.get_weights()))
        True
    """
    where = "load_weights"
    if skip_mismatch:
        raise NotImplementedError(
            f"{where}: skip_mismatch=True is not supported; load into a "
            "model of the same architecture."
        )
    if os.fspath(filepath).lower().endswith((".h5", ".hdf5")):  # Keras 3's '.weights.h5'
        from neurona.models.keras_archive import load_weights_h5

        return load_weights_h5(model, filepath)
    path, zf = open_archive(filepath, where)
    from neurona.models.keras_archive import is_keras_archive, load_weights_h5

    if is_keras_archive(zf.namelist()):  # a Keras 3 '.keras' file: its model.weights.h5
        zf.close()
        return load_weights_h5(model, path)
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
        raise ValueError(
            f"{where}: the model '{model.name}' is not built, so it has no weights "
            "to fill. Call it on a batch or start it with layers.Input(shape)."
        )
    _assign(model, read_npz(data, f"{where} ({path!r})"), f"{where} ({path!r})")


def _read_config(zf: zipfile.ZipFile, where: str) -> dict:
    names = zf.namelist()
    if "metadata.json" in names and "model.weights.h5" in names:
        raise ModelFileError(
            f"{where}: this is a Keras 3 '.keras' file (HDF5 weights inside); "
            "neurona reads only its own format."
        )
    required, allowed = {CONFIG, WEIGHTS}, {CONFIG, WEIGHTS, OPTIMIZER}
    missing, extra = sorted(required - set(names)), sorted(set(names) - allowed)
    if missing or extra or len(set(names)) != len(names):
        raise ModelFileError(
            f"{where}: expected the members {sorted(required)} (and optionally "
            f"{OPTIMIZER!r}), got {names}: missing {missing}, unknown {extra}. "
            "The file is not a neurona model file or was altered."
        )
    if zf.getinfo(CONFIG).file_size > _MAX_CONFIG_BYTES:
        raise ModelFileError(f"{where}: config.json is implausibly large.")
    try:
        config = json.loads(read_member(zf, CONFIG, where).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{where}: config.json is not valid JSON ({error}).") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        got = config.get("format") if isinstance(config, dict) else type(config).__name__
        raise ModelFileError(
            f"{where}: expected config.json with format 'neurona', got "
            f"{got!r}. The file was not written by neurona."
        )
    missing = sorted(_TOP_KEYS - set(config))
    extra = sorted(set(config) - _TOP_KEYS - {"build_config"})
    if missing or extra:
        raise ModelFileError(
            f"{where}: config.json has missing keys {missing} and unknown keys "
            f"{extra}. The file was altered or comes from another version."
        )
    version = config["format_version"]
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise ModelFileError(
            f"{where}: format_version {version!r} is not one this neurona "
            f"reads (1 to {FORMAT_VERSION}); the file was written by neurona "
            f"{config['neurona_version']!r}. Upgrade neurona."
        )
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
            check_allocation("activation", tuple(zeros), model)  # load_model's budget
            zeros = np.zeros(zeros, dtype="float32")
        else:
            for s in zeros:
                check_allocation("activation", tuple(s), model)
            zeros = [np.zeros(s, dtype="float32") for s in zeros]
        model._build_for(zeros)
    except (TypeError, ValueError) as error:
        raise ModelFileError(
            f"{where}: the model could not be built from the saved input shape {shape!r} ({error})."
        ) from None


def _model_from_config(config: dict, custom_objects: dict | None, where: str) -> Any:
    """The model class named in the file (looked up by name, never imported) from its config."""
    from neurona.layers._naming import get_registered_object
    from neurona.models.model import Model

    name = config["class_name"]
    cls = get_registered_object(name, custom_objects) if isinstance(name, str) else None
    if not (isinstance(cls, type) and issubclass(cls, Model)):
        raise ModelFileError(
            f"{where}: expected a model class such as 'Sequential' or "
            f"'Functional', got {name!r}. A subclassed model must be registered "
            "(@register_keras_serializable) or passed in custom_objects."
        )
    takes = "custom_objects" in inspect.signature(cls.from_config).parameters
    try:
        return cls.from_config(
            config["config"], **({"custom_objects": custom_objects} if takes else {})
        )
    except ModelFileError:
        raise
    except (TypeError, ValueError, KeyError) as error:
        raise ModelFileError(
            f"{where}: the saved {name} config could not be rebuilt ({error})."
        ) from None


def load_model(
    filepath: Any,
    custom_objects: dict | None = None,
    compile: bool = True,
    safe_mode: bool = True,
    budget: dict | None = None,
) -> Any:
    """Rebuild a model saved by ``model.save``: architecture, weights, compile settings and,
    when saved, the optimiser's state (so ``fit`` continues as if never interrupted).

    Loading runs no code from the file: classes are looked up by name in ``custom_objects``
    and the registries (``register_keras_serializable``), arrays are read with
    ``allow_pickle=False``, and every part is checked before use. ``safe_mode`` is accepted
    for Keras compatibility; neurona is always safe.

    Cost is bounded before anything is built (``neurona.models._budget``): the config is
    checked against the weight manifest and the arrays' headers, and against ``budget``
    (default ``LOAD_BUDGET``: 2000 layers, 2**30 weight values, 2**22 values per activation
    at build time, 8 MiB of config.json); pass e.g. ``budget={"layers": 5000}`` for a trusted
    file that needs more.

    Raises:
        FileNotFoundError: no such file. TypeError/ValueError: bad ``custom_objects`` or
            ``budget`` arguments.
        ModelFileError (a ValueError): anything wrong with the file's content: not a zip, a
            truncated zip, missing or unknown members, a pickled array, wrong or missing config
            keys, an unknown class, weights that do not fit the rebuilt model, a file over
            budget. The message says what was expected and what was found. No other error
            escapes from a file's content.

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
    budget = load_budget(budget, where)
    if custom_objects is not None and not isinstance(custom_objects, dict):
        raise TypeError(
            f"{where}: expected custom_objects to be None or a dict of name → class or "
            f"function, got {type(custom_objects).__name__} {custom_objects!r}."
        )
    path, zf = open_archive(filepath, where)
    from neurona.models.keras_archive import is_keras_archive, load_keras

    try:
        if is_keras_archive(zf.namelist()):  # Keras 3's '.keras' file: models.keras_archive
            with zf:
                stored = _keras_budget(zf, where, budget)
            with allocations_within(stored, budget, where):
                return load_keras(path, custom_objects, compile, safe_mode)
        with zf:
            return _load_neurona(zf, where, custom_objects, compile, budget)
    except ModelFileError:
        raise
    except Exception as error:  # whatever else a hostile file provokes is still a file error
        raise ModelFileError(
            f"{where}: the file could not be loaded ({type(error).__name__}: {error}). It is "
            "damaged, altered or from an incompatible version; save the model again."
        ) from None


def _keras_budget(zf: zipfile.ZipFile, where: str, budget: dict) -> int:
    """The budget checks a '.keras' file gets before it is built: config.json's size and
    layer count; returns the most weight values its model.weights.h5 can hold (1 per byte)."""
    config_size = zf.getinfo("config.json").file_size
    if config_size > budget["config_bytes"]:
        raise ModelFileError(
            f"{where}: config.json holds {config_size} bytes, more than the load budget "
            f"allows ({budget['config_bytes']}). If you trust the file, pass "
            "load_model(..., budget={'config_bytes': ...})."
        )
    layers = count_layers(json.loads(read_member(zf, "config.json", where).decode("utf-8")))
    if layers > budget["layers"]:
        raise ModelFileError(
            f"{where}: the file declares {layers} layers, more than the load budget allows "
            f"({budget['layers']}). If you trust the file, pass load_model(..., "
            f"budget={{'layers': {layers}}})."
        )
    return min(zf.getinfo("model.weights.h5").file_size, budget["parameters"])


def _load_neurona(
    zf: zipfile.ZipFile, where: str, custom_objects: Any, compile: bool, budget: dict
) -> Any:
    """The checks in order: members and config size, config keys, the weight manifest against
    the .npy headers and the budget, then the build (each allocation checked), then the
    weights (dtypes too), then compile settings and optimiser state."""
    if CONFIG in zf.namelist() and zf.getinfo(CONFIG).file_size > budget["config_bytes"]:
        raise ModelFileError(
            f"{where}: config.json holds {zf.getinfo(CONFIG).file_size} bytes, more than the "
            f"load budget allows ({budget['config_bytes']}). If you trust the file, pass "
            "load_model(..., budget={'config_bytes': ...})."
        )
    config = _read_config(zf, where)
    data = read_member(zf, WEIGHTS, where)
    total = check_manifest(config, npz_headers(data, where), budget, where)
    with allocations_within(total, budget, where):
        model = _model_from_config(config, custom_objects, where)
        if not model.built and isinstance(config.get("build_config"), dict):
            _build_from_config(model, config["build_config"], where)
    arrays = read_npz(data, where)
    keys = weight_keys(model)
    dtypes = [
        f"{k}: model {w.data.dtype}, file {arrays[k].dtype}"
        for k, w in zip(keys, model.weights)
        if k in arrays and arrays[k].dtype != w.data.dtype
    ]
    if dtypes:  # a tampered layer dtype would silently round the stored weights
        raise ModelFileError(
            f"{where}: the rebuilt model's weight dtypes differ from the stored ones "
            f"({dtypes[:5]}). The config was altered."
        )
    _assign(model, arrays, where)
    state_keys = config["optimizer_weights"]
    state = (
        read_npz(read_member(zf, OPTIMIZER, where), where) if OPTIMIZER in zf.namelist() else None
    )
    if (state is None) != (state_keys is None):
        raise ModelFileError(
            f"{where}: config.json and the members disagree on whether the "
            "optimiser's state is saved. The file was altered."
        )
    if compile and config["compile_config"] is not None:
        compile_from_config(model, config["compile_config"], custom_objects, where)
        if state is not None:
            trainable = [
                k
                for k, w in zip(keys, model.weights)
                if any(w is t for t in model.trainable_weights)
            ]
            if trainable != state_keys:
                raise ModelFileError(
                    f"{where}: the optimiser's state is for the weights "
                    f"{state_keys}, but the model trains {trainable}."
                )
            steps = state.get("iterations")
            if steps is None or steps.shape != () or not float(steps).is_integer() or steps < 0:
                raise ModelFileError(
                    f"{where}: expected the optimiser's step count 'iterations' to be a "
                    f"whole number ≥ 0, got {steps!r}. The file was altered."
                )
            try:
                model.optimizer.set_state(model.trainable_weights, state)
            except (ValueError, TypeError) as error:
                raise ModelFileError(f"{where}: {error}") from None
    return model
