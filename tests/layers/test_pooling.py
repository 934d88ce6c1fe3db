"""Pooling layers against Keras (outputs, output shapes, 'same' padding), their gradients, config
round trips, the aliases and the error messages."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers

CASES = [  # class name, constructor kwargs, input shape
    ("MaxPooling2D", {}, (2, 7, 6, 3)),
    ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 6, 3)),
    ("AveragePooling2D", {"pool_size": (2, 3), "padding": "same"}, (2, 7, 8, 3)),
    ("AveragePooling2D", {"pool_size": 3, "strides": 1}, (2, 7, 6, 3)),
    ("MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 9, 3)),
    ("AveragePooling1D", {"pool_size": 2, "padding": "same"}, (2, 9, 3)),
    ("GlobalAveragePooling2D", {}, (2, 5, 4, 3)),
    ("GlobalMaxPooling2D", {"keepdims": True}, (2, 5, 4, 3)),
    ("GlobalAveragePooling1D", {"keepdims": True}, (2, 9, 3)),
    ("GlobalMaxPooling1D", {}, (2, 9, 3)),
]


@pytest.mark.parametrize("name, kwargs, shape", CASES)
def test_matches_keras_outputs_and_output_shapes(name, kwargs, shape, rng, keras, oracle_close):
    x = rng.normal(size=shape).astype(np.float32)
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    oracle_close(ours(x), np.asarray(theirs(x)))
    batchless = (None, *shape[1:])
    assert ours.compute_output_shape(batchless) == theirs.compute_output_shape(batchless)


@pytest.mark.parametrize("name, kwargs, shape", CASES)
def test_gradients_match_central_differences(name, kwargs, shape, rng):
    layer = getattr(layers, name)(**kwargs)
    x = rng.permutation(int(np.prod(shape))).reshape(shape) / 10.0  # distinct: no ties
    report = nr.gradcheck(lambda x: layer(x), [x])
    assert report.ok, report


def test_defaults_config_round_trip_and_aliases():
    layer = layers.MaxPooling2D()
    assert (layer.pool_size, layer.strides, layer.padding) == ((2, 2), (2, 2), "valid")
    assert layers.MaxPooling1D().pool_size == (2,)
    config = layers.AveragePooling2D(3, strides=(1, 2), padding="SAME").get_config()
    assert config["pool_size"] == (3, 3) and config["strides"] == (1, 2)
    assert config["padding"] == "same" and config["data_format"] == "channels_last"
    assert layers.AveragePooling2D.from_config(config).get_config() == config
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.get_layer_class("GlobalMaxPooling2D") is layers.GlobalMaxPooling2D
    config = layers.GlobalAveragePooling2D(keepdims=True).get_config()
    assert layers.GlobalAveragePooling2D.from_config(config).keepdims is True


def test_errors_name_the_layer_and_the_expected_shape():
    with pytest.raises(
        ValueError,
        match=r"MaxPooling2D 'pool' expects inputs of shape \(batch, "
        r"height, width, channels\), got shape \(4, 28, 28\)",
    ):
        layers.MaxPooling2D(name="pool")(np.zeros((4, 28, 28), dtype=np.float32))
    with pytest.raises(ValueError, match=r"expects inputs of shape \(batch, steps, channels\)"):
        layers.GlobalMaxPooling1D()(np.zeros((4, 28), dtype=np.float32))
    with pytest.raises(ValueError, match="padding 'valid' or 'same'"):
        layers.MaxPooling2D(padding="causal")
    with pytest.raises(ValueError, match="channels_last"):
        layers.GlobalAveragePooling2D(data_format="channels_first")
