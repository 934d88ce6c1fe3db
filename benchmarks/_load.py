"""A competing NumPy job for the benchmarks (``--compete N``): what users get on a machine that
also runs something else. N processes each multiply two 384×384 float64 matrices in a loop with
one BLAS thread (as another NumPy program would) while the timed runs go; the benchmark itself
is unchanged, its libraries interleaved as usual, so the load hits them alike.

Run: .venv/bin/python benchmarks/bench_rnn.py --compete 1   (any benchmark with the option)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time

_ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _multiply_until(stop) -> None:
    import numpy as np

    a = np.random.default_rng(0).random((384, 384))
    b = a.copy()
    while not stop.is_set():
        for _ in range(20):
            a @ b


@contextlib.contextmanager
def competing(n: int):
    """Run ``n`` NumPy processes in the background for the duration of the block."""
    if n <= 0:
        yield
        return
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    saved = {k: os.environ.get(k) for k in _ONE_THREAD}
    os.environ.update(dict.fromkeys(_ONE_THREAD, "1"))  # inherited by the spawned processes
    try:
        workers = [
            context.Process(target=_multiply_until, args=(stop,), daemon=True) for _ in range(n)
        ]
        for w in workers:
            w.start()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    time.sleep(1.0)  # let them start (spawn imports NumPy) before anything is timed
    try:
        yield
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=5)
            if w.is_alive():
                w.terminate()


def describe(n: int) -> str:
    """The line the benchmarks print about the load."""
    if n <= 0:
        return "no competing job"
    return f"{n} competing NumPy process(es) (384×384 matrix products, one thread each)"
