"""Floor 5: what a model file may cost before ``load_model`` builds it. The config is checked
against the weight manifest and the .npy headers first (every weight's key, shape and dtype,
so a file cannot declare more numbers than it holds), then against a budget; while the model
is built, every weight and every dummy activation is checked before its memory is taken.

The budget (``LOAD_BUDGET``; override per call with ``load_model(path, budget={...})``):

    layers          at most this many layer entries in the config            (default 2000)
    parameters      at most this many numbers in all weights                 (default 2**30)
    activation      at most this many numbers in one activation built from   (default 2**22)
                    the declared input shapes (batch 1) while the model is built
    config_bytes    at most this many bytes of config.json                   (default 8 MiB)

With these defaults any file under 1 MB is loaded or refused within about a second and 100 MB
of memory. A trusted file that needs more says so in its message: pass a larger budget."""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from neurona.layers._context import _Allocations
from neurona.models.serialization import ModelFileError

__all__ = ["LOAD_BUDGET", "allocations_within", "check_manifest", "load_budget"]

_SLACK = 2**16  # weight values a build may make beyond the file's before it is stopped
LOAD_BUDGET = {"layers": 2000, "parameters": 2**30, "activation": 2**22, "config_bytes": 2**23}


def load_budget(budget: Any, where: str) -> dict:
    """``LOAD_BUDGET`` with the caller's overrides (positive integers, known keys only).

    Example:
        >>> load_budget({"layers": 10}, "demo")["layers"], load_budget(None, "demo")["layers"]
        (10, 2000)
    """
    if budget is None:
        return dict(LOAD_BUDGET)
    if not isinstance(budget, dict):
        raise TypeError(
            f"{where}: expected budget to be None or a dict such as {{'layers': 5000}}, got "
            f"{type(budget).__name__}."
        )
    unknown = sorted(map(str, set(budget) - set(LOAD_BUDGET)))
    bad = [
        k
        for k, v in budget.items()
        if k in LOAD_BUDGET and (isinstance(v, bool) or not isinstance(v, int) or v < 1)
    ]
    if unknown or bad:
        raise ValueError(
            f"{where}: expected budget keys among {sorted(LOAD_BUDGET)} with positive integer "
            f"values, got unknown keys {unknown} and bad values "
            f"{ {k: budget[k] for k in bad} }."
        )
    return {**LOAD_BUDGET, **budget}


def count_layers(config: Any) -> int:
    """The number of entries with a 'class_name' in a config (layers, nested ones included),
    counted without recursion.

    Example:
        >>> count_layers({"layers": [{"class_name": "Dense"}, {"class_name": "ReLU"}]})
        2
    """
    count, stack = 0, [config]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            count += "class_name" in item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _shape(value: Any) -> tuple | None:
    if not isinstance(value, list) or len(value) > 32:
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in value):
        return None
    return tuple(value)


def check_manifest(config: dict, headers: dict, budget: dict, where: str) -> int:
    """Check config.json's weight list against the arrays' headers (same keys in the same
    order, same shapes and dtypes) and the budget; returns the number of weight values.

    Example:
        >>> config = {"config": {}, "weights": [{"key": "d/w", "shape": [2], "dtype": "float32"}]}
        >>> check_manifest(config, {"d/w": ((2,), np.dtype("float32"))}, LOAD_BUDGET, "demo")
        2
    """
    manifest = config["weights"]
    if not isinstance(manifest, list) or not all(isinstance(e, dict) for e in manifest):
        raise ModelFileError(
            f"{where}: expected config.json's 'weights' to be a list of entries "
            f"{{key, name, shape, dtype}}, got {type(manifest).__name__}. The file was altered."
        )
    keys = [entry.get("key") for entry in manifest]
    if keys != list(headers):
        raise ModelFileError(
            f"{where}: the weight list of config.json {keys[:20]} does not match the arrays "
            f"in weights.npz {list(headers)[:20]}. The file was altered."
        )
    total = 0
    for entry in manifest:
        shape, dtype = headers[entry["key"]]
        try:
            declared = np.dtype(entry.get("dtype")) if isinstance(entry.get("dtype"), str) else None
        except TypeError:
            declared = None
        if _shape(entry.get("shape")) != shape or declared != dtype:
            raise ModelFileError(
                f"{where}: weight {entry['key']!r} is declared as {entry.get('shape')} "
                f"{entry.get('dtype')} in config.json but stored as {list(shape)} {dtype}. "
                "The file was altered."
            )
        total += math.prod(shape)
    layers = count_layers(config["config"])
    for what, n in (("layers", layers), ("parameters", total)):
        if n > budget[what]:
            raise ModelFileError(
                f"{where}: the file declares {n} {what}, more than the load budget allows "
                f"({budget[what]}). If you trust the file, pass load_model(..., "
                f"budget={{{what!r}: {n}}})."
            )
    return total


@contextlib.contextmanager
def allocations_within(weights: int, budget: dict, where: str) -> Iterator[None]:
    """While the model is built: its weights may hold at most the ``weights`` values the file
    stores (plus 2**16, so that a small mismatch gets the detailed message of the weights'
    check), and no dummy activation more than ``budget['activation']`` values; the check runs
    before each array is made, so an inflated config is refused before the memory is taken.

    Example:
        >>> from neurona import layers
        >>> with allocations_within(6, LOAD_BUDGET, "demo"):
        ...     layers.Dense(2).build((None, 2))
        >>> try:
        ...     with allocations_within(6, LOAD_BUDGET, "demo"):
        ...         layers.Dense(2000).build((None, 2000))  # 4 million values: refused
        ... except ModelFileError as error:
        ...     print(str(error)[:42])
        demo: the config builds more weight values
    """
    made = [0]

    def check(kind: str, shape: tuple, owner: Any) -> None:
        n = math.prod(int(d) for d in shape)
        name = getattr(owner, "name", "a layer")
        if kind == "weight":
            made[0] += n
            if made[0] > weights + _SLACK:  # a small excess: _assign's message is clearer
                raise ModelFileError(
                    f"{where}: the config builds more weight values than the file stores "
                    f"({made[0]} > {weights}, at layer {name!r}, shape {shape}). The config "
                    "was altered."
                )
        elif n > budget["activation"]:
            raise ModelFileError(
                f"{where}: building the model needs an activation of shape {shape} ({n} "
                f"values), more than the load budget allows ({budget['activation']}). If you "
                f"trust the file, pass load_model(..., budget={{'activation': {n}}})."
            )

    previous = (_Allocations.check, _Allocations.thread)
    _Allocations.check, _Allocations.thread = check, threading.get_ident()
    try:
        yield
    finally:
        _Allocations.check, _Allocations.thread = previous
