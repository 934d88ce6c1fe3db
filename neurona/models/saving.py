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
ValueError) saying what was expected and what was found. Cost is bounded before anything is
built: the config is checked against the weight manifest and the arrays' headers (a file
cannot declare more numbers than it holds) and against an overridable budget
(``neurona.models._budget.LOAD_BUDGET``), so any file under 1 MB is loaded or refused within
about a second and 100 MB. Saving keeps an existing file's permission bits.

A key is Keras 3's path of the weight inside the model: the layer's class in snake case,
numbered within the model ('dense', 'dense_1', …), then the weight's own name. It does not
depend on the layers' names, so weights load into a fresh model of the same architecture.
"""

from __future__ import annotations

import json
import os
import warnings
import zipfile
from typing import Any

import numpy as np

from neurona.layers._naming import get_registered_name, snake_case
from neurona.models._files import atomic_write, write_npz
from neurona.models.serialization import compile_config

__all__ = [
    "FORMAT_VERSION",
    "save_model",
    "load_model",
    "save_weights",
    "load_weights",
    "weight_keys",
]

FORMAT, FORMAT_VERSION = "neurona", 1
CONFIG, WEIGHTS, OPTIMIZER = "config.json", "weights.npz", "optimizer.npz"
_TOP_KEYS = {
    "format",
    "format_version",
    "neurona_version",
    "class_name",
    "config",
    "compile_config",
    "weights",
    "optimizer_weights",
}
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
        for w in layer._weights if layer is model else layer.weights:
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
        raise ValueError(
            f"{where}: {path!r} is a weights file name; use model.save_weights for "
            "it, or name the model file '….neurona'."
        )
    if lower.endswith((".h5", ".hdf5")):
        warnings.warn(
            f"{where}: {path!r} will hold neurona's zip format (config.json + "
            "weights.npz), which Keras cannot read; name it '….neurona' to say so.",
            UserWarning,
            stacklevel=3,
        )
    elif not lower.endswith(".neurona"):
        raise ValueError(
            f"{where}: expected a file name ending in '.neurona', got {path!r}. "
            "Add the extension, e.g. model.save('model.neurona')."
        )


def save_model(
    model: Any, filepath: Any, overwrite: bool = True, include_optimizer: bool = True, **kwargs: Any
) -> None:
    """Save architecture, weights, compile settings and optimiser state to a ``.neurona`` file.

    The file layout is in this module's docstring. The write is atomic (a temporary file in the
    same folder, then ``os.replace``). A name ending in '.keras' writes Keras 3's own archive
    instead (``neurona.models.keras_archive``, needs h5py); one ending in '.h5' is accepted with
    a warning: the file is neurona's zip, which Keras cannot read.

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
    if (
        kwargs.pop("save_format", None) not in (None, "neurona", "keras")
        or kwargs.pop("zipped", None) is False
    ):
        raise ValueError(f"{where}: only neurona's own format (a zip) can be written.")
    if kwargs:
        raise TypeError(
            f"{where}: unknown arguments {sorted(kwargs)}; expected filepath, "
            "overwrite and include_optimizer."
        )
    path = os.fspath(filepath)
    if path.lower().endswith(".keras"):  # Keras 3's own archive: neurona.models.keras_archive
        from neurona.models.keras_archive import save_keras

        return save_keras(model, path, overwrite, include_optimizer)
    _check_suffix(path, where)
    if not getattr(model, "built", False):
        raise ValueError(
            f"{where}: the model '{model.name}' is not built, so it has no weights "
            "yet. Start it with layers.Input(shape) or call it on a batch first."
        )
    keys = weight_keys(model)
    weights = dict(zip(keys, (np.asarray(w.data) for w in model.weights)))
    state = None
    if include_optimizer and getattr(model, "compiled", False) and model.optimizer.iterations:
        state = model.optimizer.get_state(model.trainable_weights)
    trainable = {id(w) for w in model.trainable_weights}
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "neurona_version": neurona.__version__,
        "class_name": get_registered_name(type(model)),
        "config": model.get_config(),
        "compile_config": compile_config(model),
        "weights": [
            {"key": key, "name": w.name, "shape": list(w.shape), "dtype": str(w.data.dtype)}
            for key, w in zip(keys, model.weights)
        ],
        "optimizer_weights": None
        if state is None
        else [key for key, w in zip(keys, model.weights) if id(w) in trainable],
    }
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
    if lower.endswith(".weights.h5"):  # Keras 3's HDF5 layout: neurona.models.keras_archive
        from neurona.models.keras_archive import save_weights_h5

        return save_weights_h5(model, path, overwrite)
    if lower.endswith((".h5", ".hdf5")):
        raise ValueError(
            f"{where}: {path!r} asks for HDF5; Keras 3 and neurona write it only as "
            "'….weights.h5'. Use that name (or '.weights.npz' for neurona's own file)."
        )
    if not lower.endswith(".weights.npz"):
        raise ValueError(
            f"{where}: expected a file name ending in '.weights.npz', got "
            f"{path!r}. For the whole model use model.save('….neurona')."
        )
    if not getattr(model, "built", False):
        raise ValueError(
            f"{where}: the model '{model.name}' is not built, so it has no weights "
            "yet. Call it on a batch or start it with layers.Input(shape)."
        )
    arrays = dict(zip(weight_keys(model), (np.asarray(w.data) for w in model.weights)))
    atomic_write(path, lambda file: np.savez(file, **arrays), overwrite, where)


# ----- reading ------------------------------------------------------------------------------


# the reading side (load_model, load_weights) lives in neurona.models.loading
from neurona.models.loading import load_model, load_weights  # noqa: E402
