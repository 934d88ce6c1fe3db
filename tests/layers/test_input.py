"""Input / InputLayer: the declared shape, the check on data, names and config like Keras."""

import numpy as np
import pytest

from neurona import layers


def test_input_declares_the_shape_with_an_unknown_batch():
    inp = layers.Input((28, 28))  # Keras 3: a symbolic tensor, made by an InputLayer
    assert isinstance(inp, layers.KerasTensor) and inp.dtype == "float32"
    layer = inp._keras_history.operation
    assert isinstance(layer, layers.InputLayer) and layer.output is inp
    assert inp.shape == layer.batch_shape == layer.output_shape == (None, 28, 28)
    assert layer.built and layer.count_params() == 0


def test_batch_size_and_batch_shape():
    assert layers.Input((3,), batch_size=8).shape == (8, 3)
    assert layers.InputLayer(batch_shape=(None, 5)).shape == (None, 5)
    assert layers.Input(4).shape == (None, 4)


def test_data_pass_through_unchanged():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(layers.InputLayer((3,))(x).numpy(), x)
    assert layers.InputLayer((None, 3))(np.zeros((2, 7, 3))).shape == (2, 7, 3)  # None: any


def test_wrong_data_shape_says_what_input_expects():
    with pytest.raises(ValueError, match=r"Input 'img' expects data of shape \(None, 28, 28\)"):
        layers.InputLayer((28, 28), name="img")(np.zeros((4, 784)))


def test_keras_name_and_config():
    layers.reset_layer_names()
    inp = layers.Input((2,))
    assert inp.name == "input_layer"
    config = inp._keras_history.operation.get_config()
    assert config == {
        "batch_shape": (None, 2),
        "dtype": "float32",
        "sparse": False,
        "ragged": False,
        "name": "input_layer",
    }
    assert layers.InputLayer.from_config(config).shape == (None, 2)


def test_shape_is_required_and_checked():
    with pytest.raises(ValueError, match="expected shape"):
        layers.InputLayer()
    with pytest.raises(ValueError, match="positive ints"):
        layers.Input((0, 3))
    with pytest.raises(ValueError, match="sparse"):
        layers.InputLayer((3,), sparse=True)
