"""Floor 0: the array module (NumPy, or CuPy when the inputs live on a GPU), the default float
dtype and the random generator shared by initialisers, dropout and shuffling."""

from __future__ import annotations

import contextlib
import random
import sys
from typing import Any

import numpy as np

_FLOATX = np.dtype("float32")  # Keras's default (keras.config.floatx())
_RNG = np.random.default_rng()
_SESSION_RESETS: list = []  # what clear_session resets, registered by the floors above


def on_clear_session(reset: Any) -> Any:
    """Register ``reset()`` to run on :func:`clear_session` (the layers register their name
    counters; floor 0 cannot import them). Returns ``reset``, so it works as a decorator.

    Example:
        >>> calls = []; _ = on_clear_session(lambda: calls.append(1)); clear_session(); calls
        [1]
    """
    _SESSION_RESETS.append(reset)
    return reset


def clear_session(free_memory: bool = True) -> None:
    """Keras's ``keras.backend.clear_session()``: automatic names start again ('dense',
    'dense_1' …, 'keras_tensor' …) and, with ``free_memory``, Python's garbage collector runs.
    Models and layers that exist keep working.

    Example:
        >>> from neurona import layers
        >>> clear_session(); layers.Dense(2).name
        'dense'
    """
    import gc

    for reset in list(_SESSION_RESETS):
        reset()
    if free_memory:
        gc.collect()


def get_array_module(*arrays: Any):
    """Return the array module (``numpy`` or ``cupy``) that owns ``arrays``.

    Ops never hard-code ``numpy``: they ask their inputs, so CuPy arrays run unchanged on a GPU.
    CuPy is only looked up when an input's type comes from it, so importing it costs nothing.

    Example:
        >>> get_array_module(np.ones(3)).__name__
        'numpy'
    """
    for a in arrays:
        kind = type(a)
        if kind is not np.ndarray and kind.__module__.startswith("cupy"):
            return sys.modules["cupy"]
    return np


def floatx() -> str:
    """The default float dtype name, ``'float32'`` as in Keras.

    Example:
        >>> floatx()
        'float32'
    """
    return _FLOATX.name


def set_floatx(dtype: str) -> None:
    """Set the default float dtype (``'float16'``, ``'float32'`` or ``'float64'``).

    Example:
        >>> set_floatx("float64"); floatx()
        'float64'
        >>> set_floatx("float32")
    """
    global _FLOATX
    try:  # np.dtype(None) is float64: None must not pass as a dtype
        d = np.dtype(dtype) if dtype is not None else None
    except TypeError:
        d = None
    if d is None or d.kind != "f":
        raise ValueError(
            f"set_floatx expects a float dtype such as 'float32' or 'float64', got {dtype!r}."
        )
    _FLOATX = d


def default_dtype() -> np.dtype:
    """The default float dtype as a ``numpy.dtype``.

    Example:
        >>> default_dtype()
        dtype('float32')
    """
    return _FLOATX


def set_random_seed(seed: int) -> None:
    """Seed every random source neurona uses: its generator, NumPy's global one and ``random``.

    Like ``keras.utils.set_random_seed``: call it once at the top of a script for repeatable runs.

    Example:
        >>> set_random_seed(0); a = rng().normal()
        >>> set_random_seed(0); a == rng().normal()
        True
    """
    global _RNG
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"set_random_seed expects a non-negative int, got {seed!r}.")
    _RNG = np.random.default_rng(int(seed))
    np.random.seed(int(seed) % 2**32)
    random.seed(int(seed))


def rng() -> np.random.Generator:
    """The shared ``numpy.random.Generator`` (reseeded by :func:`set_random_seed`).

    Example:
        >>> isinstance(rng(), np.random.Generator)
        True
    """
    return _RNG


_BLAS_CONTROLLER: Any = None  # a threadpoolctl.ThreadpoolController, made on first use


def blas_threads(n: int | None) -> Any:
    """Run the block with at most ``n`` BLAS threads (NumPy's matrix products), then restore.

    Uses threadpoolctl (the optional extra ``neurona[fast]``); without it, or with n None, the
    block runs unchanged. One thread is faster for small matrix products, where starting
    threads costs more than it saves (``fit`` chooses by the batch size).

    Example:
        >>> with blas_threads(1):
        ...     float((np.ones((64, 64)) @ np.ones((64, 64)))[0, 0])
        64.0
    """
    if n is None:  # no generator to make: a served model's predict passes here on every call
        return _UNCHANGED
    return _limited_blas(n)


_UNCHANGED = contextlib.nullcontext()


@contextlib.contextmanager
def _limited_blas(n: int) -> Any:
    global _BLAS_CONTROLLER
    if _BLAS_CONTROLLER is None:
        try:
            from threadpoolctl import ThreadpoolController  # optional extra 'fast'
        except ImportError:
            yield
            return
        _BLAS_CONTROLLER = ThreadpoolController()  # lists the loaded BLAS libraries once
    with _BLAS_CONTROLLER.limit(limits=int(n), user_api="blas"):
        yield
