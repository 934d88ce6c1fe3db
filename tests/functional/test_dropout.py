"""Tests of neurona/functional/dropout.py: inverted dropout keeps the mean, is the identity at
inference, and its backward and jvp use the mask of the forward pass."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F


def test_inference_and_rate_zero_return_the_input_itself(rng):
    x = nr.tensor(rng.normal(size=(4, 3)))
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0, rng=rng) is x


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.8])
def test_kept_units_are_scaled_so_the_mean_is_preserved(rate, rng):
    n = 200_000
    a = F.dropout(nr.tensor(np.ones(n)), rate, rng=rng).numpy()
    keep = 1 - rate
    assert set(np.unique(a).tolist()) == {0.0, 1 / keep}
    # E[a] = 1 with standard error √(rate / keep / n) ≈ 0.004 at rate 0.8: allow 5 of them
    assert abs(a.mean() - 1.0) < 5 * np.sqrt(rate / keep / n)
    assert abs((a == 0).mean() - rate) < 0.01


def test_backward_uses_the_forward_mask(rng):
    x = nr.tensor(rng.uniform(1.0, 2.0, size=(50, 20)), requires_grad=True)
    a = F.dropout(x, 0.3, rng=rng)
    g = rng.normal(size=a.shape)
    a.backward(g)
    mask = a.numpy() / x.numpy()  # 0 or 1/(1 − rate), exactly the forward's mask
    np.testing.assert_allclose(x.grad, g * mask, rtol=1e-12)
    assert ((mask == 0) | np.isclose(mask, 1 / 0.7)).all()


def test_jvp_uses_the_forward_mask(rng):
    x, x_dot = rng.uniform(1.0, 2.0, size=(30,)), rng.normal(size=(30,))
    a, a_dot = nr.jvp(lambda t: F.dropout(t, 0.5, rng=np.random.default_rng(7)), (x,), (x_dot,))
    np.testing.assert_allclose(a_dot.numpy(), x_dot * a.numpy() / x, rtol=1e-12)


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2)])
def test_gradient_matches_central_differences_for_a_fixed_mask(shape, rng):
    # the same seed in every call, so that every evaluation draws the same mask
    report = nr.gradcheck(
        lambda x: F.dropout(x, 0.4, rng=np.random.default_rng(3)), [rng.normal(size=shape)]
    )
    assert report.ok, report


def test_float32_stays_float32(rng):
    x = nr.tensor(np.ones((8, 8), dtype=np.float32), requires_grad=True)
    a = F.dropout(x, 0.25, rng=rng)
    a.backward(np.ones((8, 8), dtype=np.float32))
    assert a.dtype == x.grad.dtype == np.float32


def test_default_generator_is_the_shared_one():
    a = F.dropout(nr.tensor(np.ones(1000)), 0.5).numpy()
    assert set(np.unique(a).tolist()) <= {0.0, 2.0}


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, float("nan")])
def test_rate_outside_zero_to_one_is_refused(rate):
    with pytest.raises(ValueError, match="0 ≤ rate < 1"):
        F.dropout(nr.tensor([1.0]), rate)


@pytest.mark.parametrize("rate", ["0.5", True, None])
def test_rate_that_is_not_a_number_is_refused(rate):
    with pytest.raises(TypeError, match="rate to be a number"):
        F.dropout(nr.tensor([1.0]), rate)


def test_rng_must_be_a_numpy_generator():
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        F.dropout(nr.tensor([1.0]), 0.5, rng=np.random.RandomState(0))
