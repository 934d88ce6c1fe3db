"""Cost of refusing hostile model files (issue 12): build the issue's small hostile `.neurona`
files and load each in a fresh process, printing the wall time of load_model, the tracemalloc
peak, the rise of the process's max RSS and the outcome (loaded or the ModelFileError).

    .venv/bin/python benchmarks/bench_hostile_files.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fuzz"))
from _hostile import (  # noqa: E402
    activation_layers,
    huge_npy_header,
    members,
    npz,
    small_model,
    with_config,
    write_members,
)

LOAD = r"""
import resource, sys, time, tracemalloc
from neurona.models import load_model
from neurona.models.serialization import ModelFileError
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
start = time.perf_counter()
try:
    load_model(sys.argv[1])
    outcome = "loaded"
except ModelFileError as error:
    outcome = "refused: " + str(error)[:90]
seconds = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
print(f"{seconds:.3f}\t{peak / 2**20:.1f}\t{rss / 1024:.1f}\t{outcome}")
"""


def _deeper(n: int):
    def edit(config: dict) -> None:
        config["config"]["layers"][1:1] = activation_layers(n)

    return edit


def _wide(units: int):
    def edit(config: dict) -> None:
        config["config"]["layers"][0]["config"]["batch_shape"] = [None, units]
        config["config"]["layers"][1]["config"]["units"] = units

    return edit


def hostile_files(folder: str) -> dict:
    base = os.path.join(folder, "m.neurona")
    small_model().save(base)

    def tampered(name, edit):
        return with_config(base, os.path.join(folder, name), edit)

    items = members(base)
    zeros = npz(**{"dense/kernel": np.zeros(2**24, "float32")})
    return {
        "12000 layers": tampered("l12k.neurona", _deeper(12000)),
        "20000 layers": tampered("l20k.neurona", _deeper(20000)),
        "Dense(8000) on 8000 inputs": tampered("d8k.neurona", _wide(8000)),
        "Dense(20000) on 20000 inputs": tampered("d20k.neurona", _wide(20000)),
        "batch_shape (None, 10**12)": tampered(
            "bs.neurona",
            lambda c: c["config"]["layers"][0]["config"].__setitem__("batch_shape", [None, 10**12]),
        ),
        "'['*100000 config": tampered("deep.neurona", lambda c: "[" * 100000),
        "npy header shape (10**10,)": write_members(
            os.path.join(folder, "npy.neurona"),
            {**items, "weights.npz": huge_npy_header(items["weights.npz"])},
        ),
        "deflated 64 MB of zero weights": write_members(
            os.path.join(folder, "bomb.neurona"),
            {**items, "weights.npz": zeros},
            deflate=("config.json", "weights.npz"),
        ),
        "unaltered file": base,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        print("file\tbytes\twall s\ttraced MiB\tRSS rise MiB\toutcome")
        for name, path in hostile_files(folder).items():
            result = subprocess.run(
                [sys.executable, "-c", LOAD, str(path)], capture_output=True, text=True
            )
            measured = result.stdout.strip() or result.stderr[-300:]
            print(f"{name}\t{os.path.getsize(path)}\t{measured}")


if __name__ == "__main__":
    main()
