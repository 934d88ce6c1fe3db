"""Dropout layer: identity at inference, inverted dropout while training, seeds, noise_shape,
the gradient through the mask, and the rate check."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers


def test_inference_is_the_identity():
    layer = layers.Dropout(0.5)
    x = np.ones((3, 4), dtype="float32")
    for training in (None, False):
        np.testing.assert_array_equal(layer(x, training=training).numpy(), x)


def test_training_drops_and_rescales_keeping_the_mean():
    out = layers.Dropout(0.25, seed=1)(np.ones((200, 100)), training=True).numpy()
    assert set(np.unique(out).tolist()) == {0.0, np.float32(1 / 0.75)}
    assert abs((out == 0).mean() - 0.25) < 0.02
    assert abs(out.mean() - 1.0) < 0.03  # E[a] = x


def test_seed_makes_the_masks_reproducible():
    a = layers.Dropout(0.5, seed=3)(np.ones((4, 8)), training=True).numpy()
    b = layers.Dropout(0.5, seed=3)(np.ones((4, 8)), training=True).numpy()
    np.testing.assert_array_equal(a, b)


def test_noise_shape_shares_the_mask_along_axes_of_size_one():
    layer = layers.Dropout(0.5, noise_shape=(None, 1, 6), seed=0)
    out = layer(np.ones((2, 5, 6)), training=True).numpy()
    np.testing.assert_array_equal(out, np.broadcast_to(out[:, :1, :], out.shape))
    with pytest.raises(ValueError, match="noise_shape"):
        layers.Dropout(0.5, noise_shape=(2, 3))(np.ones((2, 5, 6)), training=True)


def test_gradient_flows_through_the_kept_units_only(rng):
    x = nr.tensor(rng.normal(size=(4, 6)), requires_grad=True)
    out = layers.Dropout(0.5, seed=0)(x, training=True)
    out.sum().backward()
    kept = out.data != 0
    np.testing.assert_allclose(x.grad, np.where(kept, 2.0, 0.0))


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "0.5", None])
def test_rate_out_of_range_is_reported(rate):
    with pytest.raises(ValueError, match="expected rate .* 0 ≤ rate < 1"):
        layers.Dropout(rate)
