"""Side: where ``neurona.selection`` runs its fits — through joblib, so one switch moves them from
this process to a local pool of processes (``n_jobs``), a Dask cluster (``backend="dask"``) or a
Ray cluster (``backend="ray"``). Each task carries its own seed, so the results do not depend on
where or in which order the tasks run."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = ["BACKENDS", "execution", "run_tasks"]

BACKENDS = ("local", "dask", "ray")


def _joblib():
    try:
        import joblib
    except ImportError:
        raise ImportError(
            "neurona.selection: expected joblib (installed with scikit-learn), got no module "
            "'joblib'. Install it with: pip install \"neurona[data]\"."
        ) from None
    return joblib


@contextlib.contextmanager
def _dask(address: Any, n_jobs: int | None) -> Iterator[None]:
    try:
        from distributed import Client, get_client
    except ImportError:
        raise ImportError(
            "neurona.selection: backend='dask' expected dask.distributed, got no module "
            "'distributed'. Install it with: pip install \"neurona[cluster]\"."
        ) from None
    joblib = _joblib()
    own = None
    if address is None:
        try:
            client = get_client()  # a Client the caller made (Client(...) sets the default)
        except ValueError:
            raise ValueError(
                "neurona.selection: backend='dask' expected address= (a scheduler address such "
                "as 'tcp://10.0.0.5:8786', a Client or a LocalCluster) or an open "
                "dask.distributed.Client, got neither. Start one with Client(LocalCluster()) or "
                "pass the scheduler's address."
            ) from None
    elif isinstance(address, Client):
        client = address
    else:  # an address string or a cluster object (LocalCluster, SLURMCluster …)
        client = own = Client(address, set_as_default=False)
    try:
        with joblib.parallel_config(backend="dask", client=client, n_jobs=n_jobs or -1):
            yield
    finally:
        if own is not None:
            own.close()


@contextlib.contextmanager
def _ray(address: Any, n_jobs: int | None) -> Iterator[None]:
    try:
        import ray
        from ray.util.joblib import register_ray
    except ImportError:
        raise ImportError(
            "neurona.selection: backend='ray' expected ray, got no module 'ray'. Install it "
            'with: pip install "neurona[cluster]".'
        ) from None
    joblib = _joblib()
    register_ray()
    started = False
    if not ray.is_initialized():  # connect to address (or RAY_ADDRESS), else start a local one
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
        started = True
    try:
        with joblib.parallel_config(backend="ray", n_jobs=n_jobs or -1):
            yield
    finally:
        if started:
            ray.shutdown()


@contextlib.contextmanager
def execution(backend: str | None = None, n_jobs: int | None = None, address: Any = None):
    """Run the joblib work inside the block on ``backend``.

    Args:
        backend: 'local' (None): this process when ``n_jobs`` is None or 1, else a pool of
            ``n_jobs`` worker processes (joblib's loky; -1 = one per core). 'dask': the Dask
            cluster at ``address`` (a scheduler address such as 'tcp://host:8786', a
            ``Client`` or a cluster object), or the open default Client. 'ray': the Ray cluster
            at ``address`` ('auto', 'ray://host:10001'; None: RAY_ADDRESS or a new local Ray);
            a Ray that this call starts is shut down at the end.
        n_jobs: how many tasks run at once (for Dask and Ray, None uses every worker).
        address: where the cluster is (see ``backend``).

    Example:
        >>> with execution(n_jobs=1):
        ...     run_tasks(pow, [(2, 3), (3, 2)])
        [8, 9]
    """
    joblib = _joblib()
    if backend in (None, "local", "loky"):
        with joblib.parallel_config(backend="loky", n_jobs=n_jobs or 1):
            yield
    elif backend == "dask":
        with _dask(address, n_jobs):
            yield
    elif backend == "ray":
        with _ray(address, n_jobs):
            yield
    else:
        raise ValueError(
            f"neurona.selection: expected backend among {list(BACKENDS)} (or None), got "
            f"{backend!r}."
        )


def run_tasks(function: Callable, tasks: Sequence[tuple], **where: Any) -> list:
    """``[function(*task) for task in tasks]``, run where ``execution`` says (the results in
    the order of ``tasks``). ``where`` (backend, n_jobs, address) opens an ``execution`` for
    this call; without it, the one the caller opened is used (or this process).

    ``function`` and the tasks travel to the workers by pickle (cloudpickle for Dask and Ray):
    define functions at module level, or use scikit-learn estimators and neurona's wrappers.

    Example:
        >>> run_tasks(divmod, [(7, 2), (9, 4)], n_jobs=1)
        [(3, 1), (2, 1)]
    """
    joblib = _joblib()
    jobs = (joblib.delayed(function)(*task) for task in tasks)
    if where:
        with execution(**where):
            return list(joblib.Parallel()(jobs))
    return list(joblib.Parallel()(jobs))
