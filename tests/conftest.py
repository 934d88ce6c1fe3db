"""Shared fixtures: a seeded generator per test, the oracle libraries (skipped locally when
missing, a failure in CI where NEURONA_REQUIRE_ORACLES=1), and the oracle comparison helper."""

from __future__ import annotations

import importlib
import os

import numpy as np
import pytest

REQUIRE_ORACLES = os.environ.get("NEURONA_REQUIRE_ORACLES") == "1"


def _oracle(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ImportError:
        if REQUIRE_ORACLES:
            pytest.fail(f"oracle library {module_name!r} is missing but NEURONA_REQUIRE_ORACLES=1")
        pytest.skip(f"{module_name} is not installed")


@pytest.fixture
def rng() -> np.random.Generator:
    """Each test draws from its own generator; no global seeds."""
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def torch():
    """PyTorch, the oracle for ops, layers, losses and optimisers (float64 by default here)."""
    return _oracle("torch")


@pytest.fixture(scope="session")
def keras():
    """Keras 3 on the JAX backend, the oracle where Keras's formula differs from PyTorch's."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return _oracle("keras")


@pytest.fixture(scope="session")
def sklearn():
    """scikit-learn, the oracle for classic models and metrics."""
    return _oracle("sklearn")


def assert_close(ours, theirs, rtol: float | None = None, atol: float | None = None) -> None:
    """Compare shape, dtype kind and values of ``ours`` with an oracle's result.

    Tolerances follow docs/design.md: float64 rtol 1e-7; float32 rtol 1e-4, atol 1e-5.
    """
    ours = np.asarray(getattr(ours, "data", ours))
    if hasattr(theirs, "detach"):
        theirs = theirs.detach().cpu().numpy()
    theirs = np.asarray(theirs)
    assert ours.shape == theirs.shape, f"shape {ours.shape} != oracle's {theirs.shape}"
    if ours.dtype == np.float64:
        rtol = 1e-7 if rtol is None else rtol
        atol = 1e-12 if atol is None else atol
    else:
        rtol = 1e-4 if rtol is None else rtol
        atol = 1e-5 if atol is None else atol
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


@pytest.fixture
def oracle_close():
    """The oracle comparison helper as a fixture: ``oracle_close(ours, theirs)``."""
    return assert_close
