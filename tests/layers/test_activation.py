"""Activation layers: Keras's defaults, the formulas on small inputs, PReLU's gradient check and
oracle against torch.nn.PReLU, and argument errors."""

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


def test_activation_layer_applies_the_named_function():
    x = np.array([[-1.0, 0.0, 2.0]])
    np.testing.assert_allclose(layers.Activation("tanh")(x).numpy(), np.tanh(x), rtol=1e-6)
    np.testing.assert_allclose(layers.Activation(None)(x).numpy(), x)
    assert layers.Activation("softmax").get_config()["activation"] == "softmax"


def test_relu_options_follow_keras_formula():
    # threshold 1, slope 0.5, clip 3:  x = −1 → 0.5(−1 − 1) = −1;  0.5 → 0.5(0.5 − 1) = −0.25;
    # 2 → 2;  5 → 3
    layer = layers.ReLU(max_value=3.0, negative_slope=0.5, threshold=1.0)
    assert layer(np.array([[-1.0, 0.5, 2.0, 5.0]])).numpy().tolist() == [[-1.0, -0.25, 2.0, 3.0]]


def test_leaky_relu_default_slope_is_keras_layer_default(keras):
    assert layers.LeakyReLU().negative_slope == keras.layers.LeakyReLU().negative_slope == 0.3
    assert layers.LeakyReLU()(np.array([[-10.0]])).item() == pytest.approx(-3.0)


def test_leaky_relu_accepts_keras2_alpha_with_a_warning():
    with pytest.warns(UserWarning, match="negative_slope"):
        layer = layers.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1


def test_elu_and_softmax_formulas():
    x = np.array([[-1.0, 0.0, 1.0]])
    np.testing.assert_allclose(
        layers.ELU(alpha=2.0)(x).numpy(), [[2 * (np.exp(-1) - 1), 0, 1]], rtol=1e-6
    )
    s = layers.Softmax(axis=0)(x.T).numpy()
    np.testing.assert_allclose(s.sum(axis=0), [1.0], rtol=1e-6)
    np.testing.assert_allclose(s.ravel(), (np.exp(x) / np.exp(x).sum()).ravel(), rtol=1e-6)


@pytest.mark.parametrize(
    "shape, shared_axes, alpha_shape",
    [((4, 3), None, (3,)), ((2, 3, 4), [1], (1, 4)), ((2, 3, 4, 2), [1, 2], (1, 1, 2))],
)
def test_prelu_gradient_matches_central_differences(shape, shared_axes, alpha_shape, rng):
    layer = layers.PReLU(shared_axes=shared_axes, dtype="float64")
    x = rng.uniform(0.1, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)  # away from 0
    layer.build(shape)
    assert layer.alpha.shape == alpha_shape
    report = nr.gradcheck(as_function(layer, "alpha"), [x, rng.normal(size=alpha_shape)])
    assert report.ok, report


def test_prelu_matches_torch(rng, torch, oracle_close):
    x, g_out = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    alpha = rng.uniform(0.1, 0.5, size=3)
    layer = layers.PReLU(dtype="float64")
    layer.build((None, 3))
    layer.set_weights([alpha])
    xt = nr.tensor(x, requires_grad=True)
    layer(xt).backward(g_out)
    prelu = torch.nn.PReLU(num_parameters=3).double()
    with torch.no_grad():
        prelu.weight.copy_(torch.tensor(alpha))
    x_t = torch.tensor(x, requires_grad=True)
    out_t = prelu(x_t)
    out_t.backward(torch.tensor(g_out))
    oracle_close(layer(x), out_t)
    oracle_close(xt.grad, x_t.grad)
    oracle_close(layer.alpha.grad, prelu.weight.grad)


def test_prelu_starts_as_relu_by_default():
    assert layers.PReLU()(np.array([[-2.0, 3.0]])).numpy().tolist() == [[0.0, 3.0]]


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: layers.ReLU(max_value=-1.0), "max_value"),
        (lambda: layers.ReLU(negative_slope=-0.1), "negative_slope"),
        (lambda: layers.LeakyReLU(negative_slope="a"), "negative_slope"),
        (lambda: layers.PReLU(shared_axes=[0]), "shared_axes"),
        (lambda: layers.Softmax(axis=1.5), "axis"),
    ],
)
def test_bad_arguments_are_reported(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_softmax_axis_out_of_range_names_the_layer():
    with pytest.raises(ValueError, match="Softmax 'sm': axis 3 does not exist"):
        layers.Softmax(axis=3, name="sm")(np.ones((2, 3)))
