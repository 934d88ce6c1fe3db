"""Floor 2: reusable work arrays for the kernels that allocate large temporaries every call
(the recurrent kernels' gate buffers and gradients).

NOTE: why a pool: a fresh array of a few MiB is mapped by the operating system page by page on
its first write (a fault and a zeroed 4 KiB page each, about 1 µs): an LSTM(128) step at batch
64 over 28 steps allocates about 15 MiB of such buffers, 1.5–2 ms of a 10 ms training step
spent in page faults. A buffer handed back with ``give`` is handed out again by ``take`` for
the next call of the same shape and dtype, already mapped. Only arrays nothing else can still
see may be given back (a kernel gives its own scratch, and a node's saved buffers when the
graph releases it); the pool holds at most ``LIMIT_BYTES`` in all.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from neurona.backend import on_clear_session

__all__: list[str] = []  # private: used by the kernels of this floor

LIMIT_BYTES = 256 * 2**20  # what the pool may keep in all
_PER_KEY = 4  # arrays kept per (shape, dtype)
_MIN_BYTES = 256 * 2**10  # smaller arrays come from malloc's own free lists cheaply

_free: dict[tuple, list] = {}
_held = [0]
_lock = threading.Lock()


def take(shape: tuple, dtype: Any, xp: Any = np) -> Any:
    """An uninitialised array of ``shape`` and ``dtype``: a pooled one when there is one
    (NumPy only), else a new one (``xp.empty``).

    Example:
        >>> a = take((2, 3), np.float32); a.shape, a.dtype
        ((2, 3), dtype('float32'))
    """
    if xp is np:
        key = (tuple(shape), np.dtype(dtype).str)
        with _lock:
            arrays = _free.get(key)
            if arrays:
                a = arrays.pop()
                _held[0] -= a.nbytes
                return a
    return xp.empty(shape, dtype=dtype)


def give(*arrays: Any) -> None:
    """Hand arrays back for a later ``take``: NumPy arrays that own their C-contiguous data;
    views, small arrays, others and None are ignored (left to the garbage collector).

    Example:
        >>> a = take((512, 1024), np.float32); give(a); take((512, 1024), np.float32) is a
        True
    """
    for a in arrays:
        if (
            type(a) is not np.ndarray
            or a.base is not None
            or not a.flags.c_contiguous
            or a.nbytes < _MIN_BYTES
        ):
            continue
        key = (a.shape, a.dtype.str)
        with _lock:
            arrays_of_key = _free.setdefault(key, [])
            if len(arrays_of_key) >= _PER_KEY or _held[0] + a.nbytes > LIMIT_BYTES:
                continue
            if any(b is a for b in arrays_of_key):
                continue
            arrays_of_key.append(a)
            _held[0] += a.nbytes


def clear() -> None:
    """Drop every pooled array (memory back to the allocator).

    Example:
        >>> clear(); held_bytes()
        0
    """
    with _lock:
        _free.clear()
        _held[0] = 0


on_clear_session(clear)  # keras.backend.clear_session() frees the pool too


def held_bytes() -> int:
    """How many bytes the pool keeps now.

    Example:
        >>> clear(); give(np.empty((512, 1024), np.float32)); held_bytes()
        2097152
    """
    return _held[0]
