"""Keras 3 on JAX in the benchmarks: the library the course uses, side by side with neurona and
PyTorch in the same process, on the same data and from the same initial weights (issue 15).

``setup(threads)`` imports Keras with the JAX backend (one XLA thread when ``threads`` is 1: XLA's
flags must be set before JAX starts, so call it before anything imports JAX). ``KerasRun`` keeps
one compiled model per benchmark: each run restores the initial weights and zeroes the optimiser's
state (moments and step count), so that an epoch reuses the compiled train function — compiling
is paid once, in the warm-up, as a Keras user pays it once per model. The timed call is
``model.fit(x, y, batch_size, epochs=1, shuffle=True, verbose=0)``, what a Keras user writes.
"""

from __future__ import annotations

import os
import time

import numpy as np


def setup(threads: int):
    """Keras with the JAX backend, XLA on one thread when ``threads == 1``; None (with a note)
    when Keras or JAX is missing."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    if threads == 1:
        flags = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {flags}".strip()
    try:
        import keras
    except ImportError as error:  # an optional comparison: the benchmark still runs without it
        print(f"(Keras/JAX not measured: {error})")
        return None
    if keras.backend.backend() != "jax":
        print(f"(Keras runs on {keras.backend.backend()}, not JAX: set KERAS_BACKEND=jax)")
    return keras


class KerasRun:
    """One compiled Keras model, reset to the same initial weights before each timed run."""

    def __init__(
        self, keras, build, weights: list, metrics=None, loss="sparse_categorical_crossentropy"
    ) -> None:
        self.keras, self.weights = keras, [np.asarray(w) for w in weights]
        self.model = build()
        self.model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss=loss, metrics=metrics
        )
        self.model.set_weights(self.weights)

    def reset(self, seed: int) -> None:
        """The initial weights, zero moments and step count, Keras's shuffling seeded."""
        self.keras.utils.set_random_seed(seed)
        self.model.set_weights(self.weights)
        for v in self.model.optimizer.variables:
            if not v.path.endswith("learning_rate"):
                v.assign(np.zeros(v.shape, dtype=v.dtype))

    def fit(self, x, y, batch: int, seed: int, epochs: int = 1) -> tuple[float, float]:
        """(wall seconds per epoch, CPU seconds per epoch) of ``fit`` from the initial weights."""
        self.reset(seed)
        wall, cpu = time.perf_counter(), time.process_time()
        self.model.fit(x, y, batch_size=batch, epochs=epochs, shuffle=True, verbose=0)
        return (time.perf_counter() - wall) / epochs, (time.process_time() - cpu) / epochs

    def scores(self, x) -> np.ndarray:
        """The model's outputs on x (batches of 1000)."""
        return np.asarray(self.model.predict(x, batch_size=1000, verbose=0))

    def warm_up(self, x, y, batch: int) -> None:
        """Compile for the batch shapes of an epoch on x (full batches and the last one)."""
        self.fit(x, y, batch, seed=0)
