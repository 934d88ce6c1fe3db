"""BatchNormalization and LayerNormalization layers against PyTorch (training and inference,
forward and backward, weights copied across layouts) and Keras (the moving variance)."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers

EPS = 1e-3  # Keras's default; torch is given the same ε


def _torch_bn(torch, layer, n):
    """torch.nn.BatchNorm1d with the layer's weights: momentum_torch = 1 − momentum_keras."""
    bn = torch.nn.BatchNorm1d(n, eps=layer.epsilon, momentum=1 - layer.momentum).double()
    gamma, beta, mean, var = layer.get_weights()
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(gamma))
        bn.bias.copy_(torch.tensor(beta))
        bn.running_mean.copy_(torch.tensor(mean))
        bn.running_var.copy_(torch.tensor(var))
    return bn


def _bn_layer(rng, n, **kwargs):
    layer = layers.BatchNormalization(dtype="float64", **kwargs)
    layer.build((None, n))
    layer.set_weights(
        [rng.normal(size=n), rng.normal(size=n), rng.normal(size=n), rng.uniform(0.5, 2.0, size=n)]
    )
    return layer


def test_batch_norm_training_matches_torch(rng, torch, oracle_close):
    x, g_out = rng.normal(size=(16, 4)) * 3 + 1, rng.normal(size=(16, 4))
    layer = _bn_layer(rng, 4)
    bn = _torch_bn(torch, layer, 4).train()
    old_var = layer.moving_variance.data.copy()
    xt = nr.tensor(x, requires_grad=True)
    out = layer(xt, training=True)
    out.backward(g_out)
    x_t = torch.tensor(x, requires_grad=True)
    out_t = bn(x_t)
    out_t.backward(torch.tensor(g_out))
    oracle_close(out, out_t)
    oracle_close(xt.grad, x_t.grad)
    oracle_close(layer.gamma.grad, bn.weight.grad)
    oracle_close(layer.beta.grad, bn.bias.grad)
    oracle_close(layer.moving_mean.data, bn.running_mean)
    # Keras's moving variance uses the biased batch variance (torch's running_var the unbiased)
    oracle_close(layer.moving_variance.data, 0.99 * old_var + 0.01 * x.var(axis=0))
    assert layer.moving_mean.grad is None and layer.moving_variance.grad is None


def test_batch_norm_inference_matches_torch_eval(rng, torch, oracle_close):
    x, g_out = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
    layer = _bn_layer(rng, 3)
    bn = _torch_bn(torch, layer, 3).eval()
    moving = layer.get_weights()[2:]
    xt = nr.tensor(x, requires_grad=True)
    out = layer(xt)  # training=None: inference, like Keras
    out.backward(g_out)
    x_t = torch.tensor(x, requires_grad=True)
    out_t = bn(x_t)
    out_t.backward(torch.tensor(g_out))
    oracle_close(out, out_t)
    oracle_close(xt.grad, x_t.grad)
    oracle_close(layer.gamma.grad, bn.weight.grad)
    oracle_close(layer.beta.grad, bn.bias.grad)
    for before, after in zip(moving, layer.get_weights()[2:]):
        np.testing.assert_array_equal(before, after)  # inference leaves the averages alone


def test_batch_norm_on_images_matches_torch_batchnorm2d(rng, torch, oracle_close):
    x = rng.normal(size=(4, 5, 5, 3))  # channels last
    layer = layers.BatchNormalization(dtype="float64", momentum=0.9)
    out = layer(x, training=True)
    bn = torch.nn.BatchNorm2d(3, eps=EPS, momentum=0.1).double().train()
    out_t = bn(torch.tensor(x.transpose(0, 3, 1, 2))).permute(0, 2, 3, 1)
    oracle_close(out, out_t)
    oracle_close(layer.moving_mean.data, bn.running_mean)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Keras's own NumPy 2 warning
def test_batch_norm_training_step_matches_keras(rng, keras, oracle_close):
    x = rng.normal(size=(10, 3)).astype("float32") * 2 + 1
    theirs = keras.layers.BatchNormalization()
    out_k = theirs(x, training=True)
    ours = layers.BatchNormalization()
    oracle_close(ours(x, training=True), np.asarray(out_k))
    for a, b in zip(ours.get_weights(), theirs.get_weights()):  # incl. the moving variance
        oracle_close(a, b)


def test_frozen_batch_norm_runs_in_inference_mode(rng):
    layer = layers.BatchNormalization()
    x = rng.normal(size=(6, 2)) + 5
    layer.build((None, 2))
    layer.trainable = False
    out = layer(x, training=True)
    np.testing.assert_allclose(out.numpy(), x / np.sqrt(1 + EPS), rtol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.data, 0.0)


def test_batch_norm_feature_mismatch_names_the_layer():
    layer = layers.BatchNormalization(name="bn")
    layer.build((None, 4))
    with pytest.raises(ValueError, match="BatchNormalization 'bn' expects inputs with 4 features"):
        layer(np.ones((2, 5)))


@pytest.mark.parametrize(
    "kwargs, match",
    [({"momentum": 1.5}, "momentum"), ({"epsilon": 0}, "epsilon"), ({"axis": "last"}, "axis")],
)
def test_batch_norm_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.BatchNormalization(**kwargs)


def test_layer_norm_matches_torch(rng, torch, oracle_close):
    x, g_out = rng.normal(size=(3, 4, 6)), rng.normal(size=(3, 4, 6))
    layer = layers.LayerNormalization(dtype="float64")
    layer.build((None, 4, 6))
    gamma, beta = rng.normal(size=6), rng.normal(size=6)
    layer.set_weights([gamma, beta])
    xt = nr.tensor(x, requires_grad=True)
    out = layer(xt, training=True)
    out.backward(g_out)
    ln = torch.nn.LayerNorm(6, eps=EPS).double()
    with torch.no_grad():
        ln.weight.copy_(torch.tensor(gamma))
        ln.bias.copy_(torch.tensor(beta))
    x_t = torch.tensor(x, requires_grad=True)
    out_t = ln(x_t)
    out_t.backward(torch.tensor(g_out))
    oracle_close(out, out_t)
    oracle_close(xt.grad, x_t.grad)
    oracle_close(layer.gamma.grad, ln.weight.grad)
    oracle_close(layer.beta.grad, ln.bias.grad)


def test_layer_norm_over_two_axes_matches_torch(rng, torch, oracle_close):
    x = rng.normal(size=(2, 3, 4))
    layer = layers.LayerNormalization(axis=[1, 2], dtype="float64")
    out = layer(x)
    oracle_close(out, torch.nn.functional.layer_norm(torch.tensor(x), (3, 4), eps=EPS))


def test_layer_norm_shape_mismatch_names_the_layer():
    layer = layers.LayerNormalization(name="ln")
    layer.build((None, 4))
    with pytest.raises(ValueError, match="LayerNormalization 'ln' was built for"):
        layer(np.ones((2, 5)))
