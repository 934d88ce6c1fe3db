"""Tests of the kernels' work pool (``neurona.functional._workspace``): what is taken and given
back, its bounds, and that a recurrent node's outputs and gradients stay right when its
buffers go back to the pool and are handed to the next call."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F
from neurona.functional import _workspace as workspace

BIG = (512, 1024)  # 2 MiB of float32: above the pool's minimum size


@pytest.fixture(autouse=True)
def _empty_pool():
    workspace.clear()
    yield
    workspace.clear()


def test_a_given_array_is_taken_again_for_the_same_shape_and_dtype_only():
    a = workspace.take(BIG, np.float32)
    workspace.give(a)
    assert workspace.held_bytes() == a.nbytes
    assert workspace.take(BIG, np.float64) is not a
    assert workspace.take((1024, 512), np.float32) is not a
    assert workspace.take(BIG, np.float32) is a
    assert workspace.held_bytes() == 0


def test_views_small_arrays_and_twice_given_arrays_are_not_pooled():
    a = np.empty(BIG, np.float32)
    workspace.give(a[:256], a.T, np.empty((4, 4)), None)
    assert workspace.held_bytes() == 0
    workspace.give(a, a)
    assert workspace.held_bytes() == a.nbytes


def test_the_pool_keeps_at_most_its_limit(monkeypatch):
    monkeypatch.setattr(workspace, "LIMIT_BYTES", 5 * 2**20)
    arrays = [np.empty(BIG, np.float32) for _ in range(3)]
    workspace.give(*arrays)
    assert workspace.held_bytes() == 2 * 2**21  # 2 MiB each: a third would pass 5 MiB
    nr.backend.clear_session()
    assert workspace.held_bytes() == 0


KERNELS = {  # name: (gates, bias shape, run)
    "lstm": (4, lambda g, u: (g * u,), lambda x, W, U, b: F.lstm(x, W, U, b)),
    "gru": (3, lambda g, u: (2, g * u), lambda x, W, U, b: F.gru(x, W, U, b)),
    "gru_before": (
        3,
        lambda g, u: (g * u,),
        lambda x, W, U, b: F.gru(x, W, U, b, reset_after=False),
    ),
}


def _inputs(rng, kernel, batch=32, steps=12, features=5, units=96):
    gates, bias_shape, run = KERNELS[kernel]
    x = rng.normal(size=(batch, steps, features)).astype(np.float32)
    W = nr.tensor(rng.normal(size=(features, gates * units)).astype(np.float32) * 0.3, True)
    U = nr.tensor(rng.normal(size=(units, gates * units)).astype(np.float32) * 0.3, True)
    b = nr.tensor(rng.normal(size=bias_shape(gates, units)).astype(np.float32) * 0.1, True)
    return run, x, W, U, b


@pytest.mark.parametrize("kernel", list(KERNELS))
def test_outputs_stay_right_when_the_buffers_are_reused(kernel, rng):
    run, x, W, U, b = _inputs(rng, kernel)
    first = run(x, W, U, b)
    expected = [o.data.copy() for o in first]
    first[1].sum().backward()  # the node is released: its gate buffers go to the pool
    assert workspace.held_bytes() > 0
    second = run(x[::-1] * 2, W, U, b)  # takes the same buffers and overwrites them
    second[0].sum().backward()
    for got, want in zip(first, expected):
        np.testing.assert_array_equal(got.data, want)


@pytest.mark.parametrize("kernel", list(KERNELS))
def test_gradients_equal_across_calls_and_with_a_retained_graph(kernel, rng):
    run, x, W, U, b = _inputs(rng, kernel)
    run(x, W, U, b)[0].sum().backward()
    once = [t.grad.copy() for t in (W, U, b)]
    for t in (W, U, b):
        t.grad = None
    out = run(x, W, U, b)[0].sum()  # pooled buffers this time
    out.backward(retain_graph=True)
    out.backward()  # the saved buffers were kept for the second pass
    for t, g in zip((W, U, b), once):
        np.testing.assert_allclose(t.grad, 2 * g, rtol=1e-5, atol=1e-6)
