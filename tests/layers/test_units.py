"""The course's Maxout and RBF units: hand-computed examples, float64 gradient checks of inputs
and weights (reverse and forward mode), and argument errors."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers


def as_function(layer, *names):
    """f(x, *weights) that puts the given tensors in place of the layer's weights (gradcheck)."""

    def f(x, *weights):
        for name, w in zip(names, weights):
            setattr(layer, name, w)
        return layer(x)

    return f


def test_maxout_takes_the_max_of_consecutive_groups():
    # W = I (4 linear units z = x), k = 2: g₀ = max(z₀, z₁), g₁ = max(z₂, z₃)
    layer = layers.Maxout(2, pieces=2, kernel_initializer="identity")
    out = layer(np.array([[1.0, -3.0, 0.5, 2.0]]))
    assert out.numpy().tolist() == [[1.0, 2.0]]


def test_maxout_equals_the_max_over_a_dense_layer(rng):
    x = rng.normal(size=(5, 3))
    maxout = layers.Maxout(4, pieces=3)
    dense = layers.Dense(12)
    maxout.build((None, 3))
    dense.build((None, 3))
    dense.set_weights(maxout.get_weights())
    expected = dense(x).numpy().reshape(5, 4, 3).max(axis=-1)
    np.testing.assert_allclose(maxout(x).numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 3)])
def test_maxout_gradient_matches_central_differences(shape, rng):
    layer = layers.Maxout(2, pieces=3, dtype="float64")
    layer.build(shape)
    weights = [rng.normal(size=(3, 6)), rng.normal(size=6)]
    report = nr.gradcheck(as_function(layer, "kernel", "bias"), [rng.normal(size=shape), *weights])
    assert report.ok, report


def test_rbf_by_hand():
    # centres W_{:,0} = (0, 0), W_{:,1} = (1, 1); x = (1, 0); σ = 1
    # ‖W₀ − x‖² = 1 → e⁻¹;   ‖W₁ − x‖² = 1 → e⁻¹;   with σ = 2: e^{−1/4}
    layer = layers.RBF(2, sigma=1.0)
    layer.build((None, 2))
    layer.set_weights([np.array([[0.0, 1.0], [0.0, 1.0]]), np.array([1.0, 2.0])])
    np.testing.assert_allclose(
        layer(np.array([[1.0, 0.0]])).numpy(), [[np.exp(-1), np.exp(-0.25)]], rtol=1e-6
    )


def test_rbf_matches_the_direct_formula(rng):
    x = rng.normal(size=(6, 4))
    layer = layers.RBF(3, sigma=1.5, kernel_initializer="random_normal", dtype="float64")
    out = layer(x).numpy()
    W, sigma = layer.get_weights()
    d2 = ((x[:, :, None] - W[None, :, :]) ** 2).sum(axis=1)  # ‖W_{:,i} − x‖², (6, 3)
    np.testing.assert_allclose(out, np.exp(-d2 / sigma**2), rtol=1e-10)


def test_rbf_gradient_matches_central_differences(rng):
    layer = layers.RBF(3, dtype="float64")
    layer.build((None, 2))
    x, W, sigma = rng.normal(size=(4, 2)), rng.normal(size=(2, 3)), rng.uniform(0.8, 2.0, size=3)
    report = nr.gradcheck(as_function(layer, "kernel", "widths"), [x, W, sigma])
    assert report.ok, report


def test_rbf_gamma_is_one_over_sigma_squared():
    assert layers.RBF(2, gamma=0.25).sigma == 2.0
    with pytest.raises(ValueError, match="not both"):
        layers.RBF(2, sigma=1.0, gamma=1.0)
    with pytest.raises(ValueError, match="sigma to be a positive number"):
        layers.RBF(2, sigma=0.0)


def test_units_check_the_last_axis():
    layer = layers.Maxout(2, name="mx")
    layer.build((None, 3))
    with pytest.raises(ValueError, match="Maxout 'mx' expects inputs whose last axis has size 3"):
        layer(np.ones((2, 4)))
    with pytest.raises(ValueError, match="pieces"):
        layers.Maxout(2, pieces=0)
