"""Dense: the course's worked example, the oracle against torch.nn.Linear (weights copied across
layouts), inputs with extra axes, activations by name or callable, and the error messages."""

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F
from neurona import layers


def test_course_example_by_hand():
    # x = [1, 2], W = [[1, −1], [1, 1]] (Keras layout: column j feeds unit j), b = [0, −4]
    # z = xW + b = [1 + 2, −1 + 2] + [0, −4] = [3, −3];  relu → [3, 0]
    layer = layers.Dense(2, activation="relu")
    layer.build((None, 2))
    layer.set_weights([np.array([[1.0, -1.0], [1.0, 1.0]]), np.array([0.0, -4.0])])
    assert layer(np.array([[1.0, 2.0]])).numpy().tolist() == [[3.0, 0.0]]


@pytest.mark.parametrize("activation", [None, "relu", "tanh", "sigmoid", "softmax"])
def test_matches_torch_linear_forward_and_backward(activation, rng, torch, oracle_close):
    x, g_out = rng.normal(size=(6, 4)), rng.normal(size=(6, 3))
    layer = layers.Dense(3, activation=activation, dtype="float64")
    layer.build((None, 4))
    layer.set_weights([rng.normal(size=(4, 3)), rng.normal(size=3)])
    xt = nr.tensor(x, requires_grad=True)
    out = layer(xt)
    out.backward(g_out)

    linear = torch.nn.Linear(4, 3).double()
    with torch.no_grad():  # torch stores weight = kernelᵀ, shape (units, d_in)
        linear.weight.copy_(torch.tensor(layer.kernel.data.T))
        linear.bias.copy_(torch.tensor(layer.bias.data))
    x_t = torch.tensor(x, requires_grad=True)
    z_t = linear(x_t)
    f = {
        None: lambda z: z,
        "relu": torch.relu,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "softmax": lambda z: torch.softmax(z, -1),
    }[activation]
    out_t = f(z_t)
    out_t.backward(torch.tensor(g_out))
    oracle_close(out, out_t)
    oracle_close(xt.grad, x_t.grad)
    oracle_close(layer.kernel.grad, linear.weight.grad.T)
    oracle_close(layer.bias.grad, linear.bias.grad)


def test_works_on_inputs_with_extra_axes(rng):
    layer = layers.Dense(3)
    x = rng.normal(size=(2, 5, 4)).astype("float32")
    out = layer(x)
    assert out.shape == (2, 5, 3)
    np.testing.assert_allclose(out.numpy(), x @ layer.kernel.data + layer.bias.data, rtol=1e-5)


def test_activation_by_name_or_callable_gives_the_same_output(rng):
    x = rng.normal(size=(3, 4))
    by_name, by_callable = layers.Dense(2, activation="elu"), layers.Dense(2, activation=F.elu)
    by_name.build((None, 4))
    by_callable.build((None, 4))
    by_callable.set_weights(by_name.get_weights())
    np.testing.assert_allclose(by_name(x).numpy(), by_callable(x).numpy())
    assert by_callable.get_config()["activation"] == "elu"
    assert layers.Dense(2).get_config()["activation"] == "linear"


def test_keras_config_keys_and_defaults():
    config = layers.Dense(4).get_config()
    assert {
        "units",
        "activation",
        "use_bias",
        "kernel_initializer",
        "bias_initializer",
        "kernel_regularizer",
        "bias_regularizer",
        "kernel_constraint",
        "bias_constraint",
    } <= set(config)
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"
    assert config["bias_initializer"]["class_name"] == "Zeros"


def test_wrong_last_axis_names_the_layer_and_suggests_flatten():
    layer = layers.Dense(10, name="dense_1")
    layer.build((None, 784))
    expected = (
        "Dense 'dense_1' expects inputs whose last axis has size 784, got shape "
        "(32, 28, 28). Add layers.Flatten() before it."
    )
    with pytest.raises(ValueError) as err:
        layer(np.zeros((32, 28, 28)))
    assert str(err.value) == expected
    with pytest.raises(ValueError, match="got shape \\(32, 10\\). Check the number of features"):
        layer(np.zeros((32, 10)))


@pytest.mark.parametrize("units", [0, -3, 2.5, "8", True])
def test_units_must_be_a_positive_int(units):
    with pytest.raises(ValueError, match="Dense: expected units to be a positive int"):
        layers.Dense(units)


def test_unknown_activation_name_is_reported():
    with pytest.raises(ValueError, match="relux"):
        layers.Dense(2, activation="relux")
