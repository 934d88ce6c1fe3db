"""ZeroPadding2D and UpSampling2D against Keras, their gradients, configs and errors."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers


@pytest.mark.parametrize(
    "make",
    [
        lambda k: k.ZeroPadding2D(),
        lambda k: k.ZeroPadding2D((1, 2)),
        lambda k: k.ZeroPadding2D(((1, 0), (0, 3))),
        lambda k: k.UpSampling2D(),
        lambda k: k.UpSampling2D((3, 1)),
    ],
)
def test_matches_keras_outputs_and_output_shapes(make, rng, keras, oracle_close):
    x = rng.normal(size=(2, 4, 5, 3)).astype(np.float32)
    ours, theirs = make(layers), make(keras.layers)
    oracle_close(ours(x), np.asarray(theirs(x)))
    assert ours.compute_output_shape((None, 4, 5, 3)) == theirs.compute_output_shape(
        (None, 4, 5, 3)
    )


def test_gradients_are_the_inner_part_and_the_block_sums(rng):
    x = rng.normal(size=(2, 3, 4, 2))
    for layer in (layers.ZeroPadding2D(((1, 2), (0, 1))), layers.UpSampling2D((2, 3))):
        report = nr.gradcheck(layer, [x])
        assert report.ok, report
    xt = nr.tensor(x, requires_grad=True)
    layers.UpSampling2D()(xt).sum().backward()
    np.testing.assert_array_equal(xt.grad, np.full(x.shape, 4.0))  # each pixel feeds 2×2


def test_config_round_trip():
    for layer in (layers.ZeroPadding2D(((1, 0), (2, 3))), layers.UpSampling2D(3)):
        config = layer.get_config()
        assert type(layer).from_config(config).get_config() == config
    assert layers.ZeroPadding2D(2).padding == ((2, 2), (2, 2))
    assert layers.UpSampling2D(3).size == (3, 3)


def test_errors_are_clear():
    with pytest.raises(ValueError, match="ZeroPadding2D: expected padding"):
        layers.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="interpolation='nearest'"):
        layers.UpSampling2D(interpolation="bilinear")
    with pytest.raises(ValueError, match=r"\(batch, height, width, channels\)"):
        layers.UpSampling2D()(np.zeros((2, 4, 4), dtype=np.float32))
