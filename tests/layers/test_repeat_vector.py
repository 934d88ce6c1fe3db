"""The RepeatVector layer (neurona/layers/reshaping.py): Keras oracle, gradient, output
shapes, config round trip, errors, and a vector fed to a recurrent decoder."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers, models


def test_repeat_vector_matches_keras_and_sums_gradients(rng, keras, oracle_close):
    x = rng.normal(size=(4, 5)).astype(np.float32)
    ours, theirs = layers.RepeatVector(3), keras.layers.RepeatVector(3)
    oracle_close(ours(x), np.asarray(theirs(x)))
    assert ours.compute_output_shape((None, 5)) == tuple(theirs.compute_output_shape((None, 5)))
    assert ours.compute_output_shape((None, None)) == (None, 3, None)
    xt = nr.tensor(x.astype(np.float64), requires_grad=True)
    layers.RepeatVector(3)(xt).sum().backward()
    np.testing.assert_array_equal(xt.grad, np.full(x.shape, 3.0))  # ∂/∂x of Σ_t x = 3


def test_repeat_vector_config_and_errors():
    layer = layers.RepeatVector(4, name="rep")
    config = layer.get_config()
    assert config["n"] == 4 and layers.RepeatVector.from_config(config).get_config() == config
    assert layers.get_layer_class("RepeatVector") is layers.RepeatVector
    with pytest.raises(TypeError, match="expected n to be an int"):
        layers.RepeatVector(2.0)
    with pytest.raises(ValueError, match="positive int"):
        layers.RepeatVector(0)
    with pytest.raises(
        ValueError,
        match=r"RepeatVector 'rep' expects inputs of shape \(batch, "
        r"features\), got shape \(2, 3, 4\)",
    ):
        layer(np.zeros((2, 3, 4), dtype=np.float32))


def test_repeat_vector_feeds_a_recurrent_decoder(rng):
    model = models.Sequential(
        [
            layers.Input((6,)),
            layers.Dense(4),
            layers.RepeatVector(5),
            layers.SimpleRNN(3, return_sequences=True),
        ]
    )
    assert model.output_shape == (None, 5, 3)
    assert model(rng.normal(size=(2, 6)).astype(np.float32)).shape == (2, 5, 3)
