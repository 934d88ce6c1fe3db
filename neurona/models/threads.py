"""Floor 5: how many BLAS threads ``fit``/``evaluate``/``predict`` use, chosen by the work of
one step, with the environment variable NEURONA_BLAS_THREADS as the user's override."""

from __future__ import annotations

import os

__all__ = ["SMALL_STEP_WORK", "choose_blas_threads"]

# batch_size × number of weights under which a step runs on one BLAS thread. Measured on the
# 2-core machines (fit of 784-w-w-10 MLPs, Adam; figures in the closing note of issue 3): at
# 3.8M (784-128-128-10, batch 32) two threads were no faster (1.07×), at 15M (batch 128) they
# took 0.84× the time, from 60M on 0.64–0.9×. But while other processes ran, two threads
# collapsed: 5.5× slower at 86M, 4× at 26M (784-128-10, batch 256), 10–20× at batch 32.
SMALL_STEP_WORK = 8_000_000


def _machine_is_busy() -> bool:
    """More runnable processes than cores besides ours (1-minute load average ≥ cores + 1)."""
    try:
        return os.getloadavg()[0] >= (os.cpu_count() or 1) + 1
    except (AttributeError, OSError):  # no load average (Windows)
        return False


def choose_blas_threads(batch_size: int, n_params: int, n_samples: int | None = None) -> int | None:
    """The BLAS thread count for steps of ``batch_size`` samples through ``n_params`` weights:
    1 when batch_size · n_params < SMALL_STEP_WORK or when the machine is busy (other
    processes keep every core running: extra BLAS threads then wait for each other), None
    (leave BLAS as it is) otherwise. None also when the whole call is tiny (``n_samples`` ·
    n_params < SMALL_STEP_WORK, e.g. predict on a few samples): switching costs ~20 µs.

    NEURONA_BLAS_THREADS overrides: a positive int forces that count, 'auto' (or unset) is
    the rule above, '0' or 'none' leaves BLAS alone always.

    Example:
        >>> choose_blas_threads(32, 101_770)     # the 784-128-10 MLP at batch 32: 3.3M
        1
        >>> choose_blas_threads(256, 101_770) in (1, None)   # 26M: 1 only on a busy machine
        True
        >>> choose_blas_threads(32, 101_770, n_samples=10) is None   # predict on 10 samples
        True
    """
    setting = os.environ.get("NEURONA_BLAS_THREADS", "auto").strip().lower()
    if setting in ("", "auto"):
        if n_samples is not None and n_samples * n_params < SMALL_STEP_WORK:
            return None
        small = batch_size * n_params < SMALL_STEP_WORK
        return 1 if small or _machine_is_busy() else None
    if setting in ("0", "none"):
        return None
    try:
        threads = int(setting)
    except ValueError:
        threads = 0
    if threads <= 0:
        raise ValueError(
            f"NEURONA_BLAS_THREADS: expected a positive int, 'auto' or 'none', got {setting!r}."
        )
    return threads
