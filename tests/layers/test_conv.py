"""Conv1D / Conv2D layers: PyTorch oracles with weights copied across layouts (forward and
backward), Keras oracles (weight shapes, outputs with copied weights), config round trips,
output shapes, the error messages, training in Sequential; BatchNormalization on images
against torch.nn.BatchNorm2d."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers, models


def _built(layer, shape, rng):
    layer.build(shape)
    layer.set_weights([rng.normal(size=w.shape) for w in layer.weights])
    return layer


def test_conv2d_matches_torch_conv2d_forward_and_backward(rng, torch, oracle_close):
    layer = _built(
        layers.Conv2D(5, (3, 2), strides=2, padding="same", activation="tanh", dtype="float64"),
        (None, 8, 7, 3),
        rng,
    )
    x = rng.normal(size=(4, 8, 7, 3))
    xt = nr.tensor(x, requires_grad=True)
    out = layer(xt)
    g = rng.normal(size=out.shape)
    out.backward(g)

    conv = torch.nn.Conv2d(3, 5, (3, 2), stride=2).double()
    with torch.no_grad():  # torch's weight is (filters, in, kh, kw): kernel.transpose(3, 2, 0, 1)
        conv.weight.copy_(torch.tensor(layer.kernel.data.transpose(3, 2, 0, 1)))
        conv.bias.copy_(torch.tensor(layer.bias.data))
    X = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    # Keras 'same', stride 2: out = (4, 4); pad rows 0 + 1 (bottom), columns 0 + 1 (right)
    theirs = torch.tanh(conv(torch.nn.functional.pad(X, (0, 1, 0, 1)))).permute(0, 2, 3, 1)
    theirs.backward(torch.tensor(g))
    oracle_close(out, theirs)
    oracle_close(xt.grad, X.grad.permute(0, 2, 3, 1))
    oracle_close(layer.kernel.grad, conv.weight.grad.permute(2, 3, 1, 0))
    oracle_close(layer.bias.grad, conv.bias.grad)


def test_conv1d_matches_torch_conv1d_with_dilation(rng, torch, oracle_close):
    layer = _built(layers.Conv1D(4, 3, dilation_rate=2, dtype="float64"), (None, 12, 2), rng)
    x = rng.normal(size=(3, 12, 2))
    xt = nr.tensor(x, requires_grad=True)
    out = layer(xt)
    g = rng.normal(size=out.shape)
    out.backward(g)
    conv = torch.nn.Conv1d(2, 4, 3, dilation=2).double()
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(layer.kernel.data.transpose(2, 1, 0)))
        conv.bias.copy_(torch.tensor(layer.bias.data))
    X = torch.tensor(x.transpose(0, 2, 1), requires_grad=True)
    theirs = conv(X).permute(0, 2, 1)
    theirs.backward(torch.tensor(g))
    oracle_close(out, theirs)
    oracle_close(xt.grad, X.grad.permute(0, 2, 1))
    oracle_close(layer.kernel.grad, conv.weight.grad.permute(2, 1, 0))


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda k: k.Conv2D(4, (3, 2), strides=2, padding="same", activation="relu"), (2, 9, 8, 3)),
        (lambda k: k.Conv1D(3, 3, padding="causal", dilation_rate=2), (2, 10, 2)),
    ],
)  # two cases only: each Keras (JAX) convolution compiles for seconds; torch covers the rest
def test_outputs_and_weight_shapes_match_keras(make, shape, rng, keras, oracle_close):
    ours, theirs = make(layers), make(keras.layers)
    x = rng.normal(size=shape).astype(np.float32)
    ours.build(shape)
    theirs.build(shape)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    ours.set_weights([rng.normal(size=w.shape).astype(np.float32) for w in ours.weights])
    theirs.set_weights(ours.get_weights())
    oracle_close(ours(x), np.asarray(theirs(x)))
    assert ours.compute_output_shape((None, *shape[1:])) == theirs.compute_output_shape(
        (None, *shape[1:])
    )


def test_gradients_of_a_small_conv_layer_match_central_differences(rng):
    layer = layers.Conv2D(2, 2, strides=(1, 2), padding="same", activation="tanh", dtype="float64")
    layer.build((None, 4, 5, 2))

    def f(x, kernel, bias):
        layer.kernel, layer.bias = kernel, bias  # differentiate through the layer's own call
        return layer(x)

    report = nr.gradcheck(
        f, [rng.normal(size=(2, 4, 5, 2)), rng.normal(size=(2, 2, 2, 2)), rng.normal(size=2)]
    )
    assert report.ok, report


def test_config_round_trip_and_registration():
    layer = layers.Conv2D(
        8,
        (3, 5),
        strides=2,
        padding="same",
        dilation_rate=1,
        activation="relu",
        use_bias=False,
        kernel_regularizer="l2",
        name="c",
    )
    config = layer.get_config()
    assert config["kernel_size"] == (3, 5) and config["strides"] == (2, 2)
    assert config["padding"] == "same" and config["activation"] == "relu"
    clone = layers.Conv2D.from_config(config)
    assert clone.get_config() == config
    assert layers.get_layer_class("Conv2D") is layers.Conv2D
    assert layers.get_layer_class("Conv1D") is layers.Conv1D
    assert layers.Conv1D(2, 3).get_config()["dilation_rate"] == (1,)


def test_conv2d_gets_3d_images_and_says_how_to_add_the_channels_axis():
    layer = layers.Conv2D(8, 3, name="conv2d_7")
    with pytest.raises(ValueError) as err:
        layer(np.zeros((32, 28, 28), dtype=np.float32))
    message = str(err.value)
    assert "Conv2D 'conv2d_7' expects inputs of shape (batch, height, width, channels)" in message
    assert "got shape (32, 28, 28)" in message and "Reshape((28, 28, 1))" in message
    assert "x[..., None]" in message


def test_argument_errors_are_clear():
    with pytest.raises(ValueError, match="only data_format='channels_last'"):
        layers.Conv2D(4, 3, data_format="channels_first")
    with pytest.raises(ValueError, match="only groups=1"):
        layers.Conv2D(4, 3, groups=2)
    with pytest.raises(ValueError, match="kernel_size to be a positive int"):
        layers.Conv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match="padding to be one of"):
        layers.Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match="filters to be a positive int"):
        layers.Conv1D(0, 3)
    layer = layers.Conv2D(4, 3, name="c2")
    layer(np.zeros((1, 5, 5, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="Conv2D 'c2' expects inputs whose last axis has size 3"):
        layer(np.zeros((1, 5, 5, 1), dtype=np.float32))


def test_a_small_cnn_trains_in_sequential_and_summarises(rng, capsys):
    nr.utils.set_random_seed(0)
    x = rng.normal(size=(64, 8, 8, 1)).astype(np.float32)
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype(np.int64)
    model = models.Sequential(
        [
            layers.Input((8, 8, 1)),
            layers.Conv2D(4, 3, padding="same", activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(),
            layers.Conv2D(4, 3),
            layers.GlobalAveragePooling2D(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.summary()
    out = capsys.readouterr().out
    assert "(None, 8, 8, 4)" in out and "(None, 2, 2, 4)" in out and "148" in out


def test_a_model_of_every_spatial_layer_saves_and_loads(rng, tmp_path):
    model = models.Sequential(
        [
            layers.Input((12, 12, 1)),
            layers.ZeroPadding2D(((1, 0), (2, 1))),
            layers.Conv2D(4, 3, strides=2, padding="same", activation="relu"),
            layers.AveragePooling2D(2, padding="same"),
            layers.UpSampling2D(2),
            layers.MaxPooling2D(),
            layers.GlobalMaxPooling2D(),
            layers.Dense(3),
        ]
    )
    path = tmp_path / "cnn.neurona"
    model.save(path)
    loaded = models.load_model(path)
    x = rng.normal(size=(5, 12, 12, 1)).astype(np.float32)
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())
    sequence = models.Sequential(
        [
            layers.Input((20, 2)),
            layers.Conv1D(3, 3, padding="causal", dilation_rate=2),
            layers.MaxPooling1D(),
            layers.AveragePooling1D(2),
            layers.GlobalAveragePooling1D(),
        ]
    )
    sequence.save(path)
    x = rng.normal(size=(5, 20, 2)).astype(np.float32)
    np.testing.assert_array_equal(models.load_model(path)(x).numpy(), sequence(x).numpy())


def _torch_bn2d(torch, layer, n):
    bn = torch.nn.BatchNorm2d(n, eps=layer.epsilon, momentum=1 - layer.momentum).double()
    gamma, beta, mean, var = layer.get_weights()
    with torch.no_grad():
        for p, v in (
            (bn.weight, gamma),
            (bn.bias, beta),
            (bn.running_mean, mean),
            (bn.running_var, var),
        ):
            p.copy_(torch.tensor(v))
    return bn


@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_on_images_matches_torch_batchnorm2d(
    training, rng, torch, oracle_close
):
    layer = layers.BatchNormalization(dtype="float64")
    layer.build((None, 5, 4, 3))
    layer.set_weights(
        [rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), rng.uniform(0.5, 2.0, size=3)]
    )
    bn = _torch_bn2d(torch, layer, 3).train(training)
    x, g = rng.normal(size=(6, 5, 4, 3)) * 2 + 1, rng.normal(size=(6, 5, 4, 3))
    xt = nr.tensor(x, requires_grad=True)
    out = layer(xt, training=training)
    out.backward(g)
    X = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    theirs = bn(X).permute(0, 2, 3, 1)
    theirs.backward(torch.tensor(g.copy()))
    oracle_close(out, theirs)
    oracle_close(xt.grad, X.grad.permute(0, 2, 3, 1))
    oracle_close(layer.gamma.grad, bn.weight.grad)
    oracle_close(layer.beta.grad, bn.bias.grad)
    oracle_close(layer.moving_mean.data, bn.running_mean)  # per channel over (batch, h, w)
