"""The Conv2DTranspose layer: Keras oracles with the same weights (outputs,
weight shapes, output shapes), a float64 gradient check through the layer, config round trips,
the error messages, and a small decoder training in Sequential."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers, models

KERAS_CASES = [  # (kwargs, input shape)
    (dict(filters=3, kernel_size=3), (2, 4, 5, 2)),
    (
        dict(filters=4, kernel_size=(3, 2), strides=2, padding="same", activation="relu"),
        (2, 4, 3, 3),
    ),
    (
        dict(filters=2, kernel_size=4, strides=(2, 3), padding="valid", output_padding=(1, 2)),
        (1, 3, 3, 2),
    ),
    (
        dict(
            filters=2,
            kernel_size=3,
            strides=3,
            padding="same",
            output_padding=1,
            use_bias=False,
            activation="tanh",
        ),
        (2, 2, 3, 1),
    ),
    (dict(filters=3, kernel_size=2, dilation_rate=2, padding="same"), (2, 5, 4, 2)),
]


@pytest.mark.parametrize("kwargs, shape", KERAS_CASES)
def test_outputs_and_shapes_match_keras_with_the_same_weights(
    kwargs, shape, rng, keras, oracle_close
):
    ours, theirs = layers.Conv2DTranspose(**kwargs), keras.layers.Conv2DTranspose(**kwargs)
    ours.build(shape)
    theirs.build(shape)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    ours.set_weights([rng.normal(size=w.shape).astype(np.float32) for w in ours.weights])
    theirs.set_weights(ours.get_weights())
    x = rng.normal(size=shape).astype(np.float32)
    oracle_close(ours(x), np.asarray(theirs(x)), rtol=1e-5, atol=1e-5)
    for batch_shape in [(None, *shape[1:]), (None, None, shape[2], shape[3])]:
        assert ours.compute_output_shape(batch_shape) == tuple(
            theirs.compute_output_shape(batch_shape)
        )


@pytest.mark.parametrize(
    "n, k, s, padding, op",
    [
        (7, 3, 2, "same", None),
        (7, 3, 2, "valid", None),
        (5, 1, 3, "valid", None),
        (6, 4, 2, "same", 1),
        (6, 5, 3, "valid", 2),
        (1, 2, 1, "valid", 0),
        (4, 2, 4, "same", 3),
    ],
)
def test_compute_output_shape_matches_keras_formula(n, k, s, padding, op, keras):
    kwargs = dict(filters=2, kernel_size=k, strides=s, padding=padding, output_padding=op)
    ours = layers.Conv2DTranspose(**kwargs).compute_output_shape((None, n, n + 1, 3))
    theirs = keras.layers.Conv2DTranspose(**kwargs).compute_output_shape((None, n, n + 1, 3))
    assert ours == tuple(theirs)
    assert layers.Conv2DTranspose(**kwargs)(np.zeros((1, n, n + 1, 3))).shape == (1, *ours[1:])


def test_gradients_through_the_layer_match_central_differences(rng):
    layer = layers.Conv2DTranspose(
        2, 3, strides=2, padding="same", output_padding=1, activation="sigmoid", dtype="float64"
    )
    layer.build((None, 3, 2, 2))

    def f(x, kernel, bias):
        layer.kernel, layer.bias = kernel, bias  # differentiate through the layer's own call
        return layer(x)

    report = nr.gradcheck(
        f, [rng.normal(size=(2, 3, 2, 2)), rng.normal(size=(3, 3, 2, 2)), rng.normal(size=2)]
    )
    assert report.ok, report


def test_config_round_trip_and_registration():
    layer = layers.Conv2DTranspose(
        8,
        (3, 5),
        strides=2,
        padding="same",
        output_padding=(1, 0),
        activation="relu",
        use_bias=False,
        kernel_regularizer="l2",
        name="up",
    )
    config = layer.get_config()
    assert config["kernel_size"] == (3, 5) and config["strides"] == (2, 2)
    assert config["output_padding"] == (1, 0) and config["padding"] == "same"
    assert config["activation"] == "relu" and config["dilation_rate"] == (1, 1)
    clone = layers.Conv2DTranspose.from_config(config)
    assert clone.get_config() == config
    assert layers.get_layer_class("Conv2DTranspose") is layers.Conv2DTranspose
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layers.Conv2DTranspose(2, 3).get_config()["output_padding"] is None


def test_config_keys_match_keras(keras):
    ours = set(layers.Conv2DTranspose(2, 3).get_config())
    theirs = set(keras.layers.Conv2DTranspose(2, 3).get_config())
    # the base Layer writes activity_regularizer only when one is set (Keras: always, None)
    assert theirs - ours <= {"dtype", "trainable", "name", "activity_regularizer"}
    assert ours - theirs <= {"dtype", "trainable", "name"}


def test_argument_errors_are_clear():
    with pytest.raises(ValueError, match="output_padding .* smaller than strides"):
        layers.Conv2DTranspose(4, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="strides > 1 together with dilation_rate > 1"):
        layers.Conv2DTranspose(4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="only data_format='channels_last'"):
        layers.Conv2DTranspose(4, 3, data_format="channels_first")
    with pytest.raises(ValueError, match="padding to be one of"):
        layers.Conv2DTranspose(4, 3, padding="causal")
    with pytest.raises(ValueError, match="filters to be a positive int"):
        layers.Conv2DTranspose(0, 3)
    with pytest.raises(ValueError, match="non-negative int"):
        layers.Conv2DTranspose(4, 3, output_padding=(1, -1))


def test_input_errors_name_the_layer():
    layer = layers.Conv2DTranspose(4, 3, name="up_7")
    with pytest.raises(
        ValueError,
        match=r"Conv2DTranspose 'up_7' expects inputs of shape "
        r"\(batch, height, width, channels\)",
    ):
        layer(np.zeros((2, 7, 7), dtype=np.float32))
    layer(np.zeros((1, 5, 5, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="'up_7' expects inputs whose last axis has size 3"):
        layer(np.zeros((1, 5, 5, 1), dtype=np.float32))


def test_a_small_decoder_trains_in_sequential(rng):
    nr.utils.set_random_seed(0)
    x = rng.normal(size=(32, 8)).astype(np.float32)
    y = np.repeat(np.repeat(x[:, :4].reshape(32, 2, 2, 1), 4, axis=1), 4, axis=2)
    model = models.Sequential(
        [
            layers.Input((8,)),
            layers.Dense(16),
            layers.Reshape((2, 2, 4)),
            layers.Conv2DTranspose(4, 3, strides=2, padding="same", activation="tanh"),
            layers.Conv2DTranspose(1, 3, strides=2, padding="same"),
        ]
    )
    assert model.output_shape == (None, 8, 8, 1)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, epochs=10, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
