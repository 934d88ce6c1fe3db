"""Helpers shared by the hostile-file tests and the fuzz suite: a small saved model, rewriting
one member of a .neurona file, and running a load under a time and memory budget."""

from __future__ import annotations

import io
import json
import time
import tracemalloc
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from neurona import layers
from neurona.models import Sequential, load_model
from neurona.models.serialization import ModelFileError

TIME_BUDGET_S = 1.0
MEMORY_BUDGET = 100 * 2**20
FUZZ_COUNTS: dict[str, Counter] = defaultdict(Counter)  # suite → outcome → examples
WORST: dict = {"seconds": 0.0, "peak_bytes": 0.0, "slowest": ""}  # over every fuzzed file


def small_model(seed: int = 0) -> Sequential:
    """A compiled, trained 4-8-3 classifier with an optimiser state (every member present)."""
    rng = np.random.default_rng(seed)
    model = Sequential(
        [layers.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(3, "softmax")]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(rng.random((16, 4)), rng.integers(0, 3, 16), epochs=1, verbose=0)
    return model


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_members(path: Path, items: dict, deflate: tuple = ("config.json",)) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in items.items():
            kind = zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED
            zf.writestr(name, data, compress_type=kind)
    return path


def with_config(path: Path, out: Path, change) -> Path:
    """A copy of ``path`` whose config.json is ``change(config)`` (or the config changed in
    place when ``change`` returns None); bytes are written as they are."""
    items = members(path)
    config = json.loads(items["config.json"])
    new = change(config)
    new = config if new is None else new
    items["config.json"] = new if isinstance(new, (bytes, str)) else json.dumps(new)
    return write_members(out, items)


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def activation_layers(n: int) -> list:
    """n linear Activation layers as config entries (a model made very deep)."""
    entry = {"class_name": "Activation", "config": {"activation": "linear"}}
    return [{**entry, "config": {**entry["config"], "name": f"a{i}"}} for i in range(n)]


def huge_npy_header(weights_npz: bytes, member: str = "dense/kernel.npy") -> bytes:
    """weights.npz with ``member``'s .npy header declaring 10,000,000,000 float32 values (and
    no data)."""
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (10000000000,), }"
    header += b" " * (118 - len(header)) + b"\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(weights_npz)) as weights, zipfile.ZipFile(buffer, "w") as out:
        for name in weights.namelist():
            data = weights.read(name)
            if name == member:
                data = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header
            out.writestr(name, data)
    return buffer.getvalue()


def timed_load(path: Path, **kwargs) -> tuple[str, float, int, object]:
    """(outcome, CPU seconds, peak traced bytes, model or error): outcome is 'loaded' or
    'refused' (a ModelFileError); anything else propagates and fails the caller."""
    tracemalloc.start()
    start = time.process_time()  # CPU time: other processes on a busy machine do not count
    try:
        result, outcome = load_model(path, **kwargs), "loaded"
    except ModelFileError as error:
        result, outcome = error, "refused"
    finally:
        seconds = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return outcome, seconds, peak, result
