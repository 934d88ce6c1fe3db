"""Flatten and Reshape: the course's snippet, C order, channels_first, -1, and errors."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers


def test_course_flatten_of_28_by_28_images():
    with pytest.warns(UserWarning):
        layer = layers.Flatten(input_shape=(28, 28))
    x = np.arange(2 * 28 * 28, dtype="float32").reshape(2, 28, 28)
    out = layer(x)
    assert out.shape == (2, 784)
    np.testing.assert_array_equal(out.numpy(), x.reshape(2, -1))  # row by row (C order)


def test_flatten_channels_first_gives_the_channels_last_order(rng):
    x = rng.normal(size=(2, 3, 4, 5))  # (batch, channels, height, width)
    out = layers.Flatten(data_format="channels_first")(x).numpy()
    np.testing.assert_allclose(out, x.transpose(0, 2, 3, 1).reshape(2, -1), rtol=1e-6)


def test_flatten_of_a_vector_batch_adds_an_axis():
    assert layers.Flatten()(np.ones(3)).shape == (3, 1)


def test_flatten_gradient_has_the_input_shape(rng):
    x = nr.tensor(rng.normal(size=(2, 3, 4)), requires_grad=True)
    layers.Flatten()(x).sum().backward()
    assert x.grad.shape == (2, 3, 4)


def test_reshape_infers_minus_one_and_keeps_the_batch():
    layer = layers.Reshape((-1, 2))
    assert layer(np.zeros((4, 6))).shape == (4, 3, 2)
    assert layer.compute_output_shape((None, 6)) == (None, 3, 2)
    assert layer.compute_output_shape((None, None)) == (None, None, 2)


def test_reshape_to_incompatible_size_names_the_layer():
    with pytest.raises(ValueError, match=r"Reshape 'r' cannot reshape samples of shape \(6,\)"):
        layers.Reshape((4,), name="r")(np.zeros((2, 6)))


@pytest.mark.parametrize("target", [(0, 2), (-1, -1), ("a",), (2.5,)])
def test_reshape_rejects_bad_target_shapes(target):
    with pytest.raises(ValueError, match="target_shape"):
        layers.Reshape(target)


def test_flatten_rejects_unknown_data_format():
    with pytest.raises(ValueError, match="data_format"):
        layers.Flatten(data_format="channels_middle")
