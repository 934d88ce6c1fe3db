"""NaN in, NaN out, through every activation (issue 12): relu(NaN) was 0, which let one NaN in x
silently poison a model. Each activation is compared with PyTorch (and Keras where PyTorch has
no such function) on inputs holding NaN, and the layers that use them must pass NaN on, so that
fit's NaN check fires instead of training on."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import layers
from neurona.functional import activations as A

X = np.array([[np.nan, 1.5, -1.5, 0.0, 7.0, -7.0]], dtype=np.float32)

# our name → the oracle's call (PyTorch unless marked keras)
TORCH = {
    "sigmoid": lambda t, F: t.sigmoid(),
    "tanh": lambda t, F: t.tanh(),
    "relu": lambda t, F: F.relu(t),
    "relu6": lambda t, F: F.relu6(t),
    "leaky_relu": lambda t, F: F.leaky_relu(t, 0.2),
    "elu": lambda t, F: F.elu(t),
    "selu": lambda t, F: F.selu(t),
    "gelu": lambda t, F: F.gelu(t),
    "swish": lambda t, F: F.silu(t),
    "silu": lambda t, F: F.silu(t),
    "softplus": lambda t, F: F.softplus(t),
    "softsign": lambda t, F: F.softsign(t),
    "hard_sigmoid": lambda t, F: F.hardsigmoid(t),
    "hard_tanh": lambda t, F: F.hardtanh(t),
    "softmax": lambda t, F: F.softmax(t, dim=-1),
    "log_softmax": lambda t, F: F.log_softmax(t, dim=-1),
    "linear": lambda t, F: t,
    "exponential": lambda t, F: t.exp(),
}


def test_every_activation_is_covered():
    assert set(TORCH) | {"step", "sign"} == set(A.__all__)


@pytest.mark.parametrize("name", sorted(TORCH))
def test_activation_propagates_nan_as_pytorch(name, torch):
    ours = np.asarray(getattr(A, name)(nr.tensor(X)).data)
    theirs = TORCH[name](torch.tensor(X), torch.nn.functional).numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    assert np.isnan(ours[0, 0])
    finite = ~np.isnan(theirs)
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"max_value": 6.0}, {"negative_slope": 0.1}, {"max_value": 6.0, "threshold": 0.5}],
)
def test_relu_options_propagate_nan_as_keras(kwargs, keras):
    ours = np.asarray(A.relu(nr.tensor(X), **kwargs).data)
    theirs = np.asarray(keras.activations.relu(X, **kwargs))
    assert np.isnan(ours[0, 0])
    np.testing.assert_allclose(ours[0, 1:], theirs[0, 1:], rtol=1e-6)


def test_relu_with_threshold_keeps_nan_where_keras_gives_zero(keras):
    # a deliberate difference: Keras's relu(NaN, threshold=0.5) is 0; we keep NaN visible
    assert float(keras.activations.relu(X[:, :1], threshold=0.5)[0, 0]) == 0.0
    assert np.isnan(A.relu(nr.tensor(X[:, :1]), threshold=0.5).data[0, 0])


def test_relu_gradient_at_nan_is_nan():
    x = nr.tensor(X.astype(np.float64), requires_grad=True)
    A.relu(x).sum().backward()
    assert np.isnan(x.grad[0, 0]) and x.grad[0, 1] == 1.0 and x.grad[0, 2] == 0.0


def test_step_and_sign_keep_nan_as_numpy():
    np.testing.assert_array_equal(A.step(nr.tensor(X)).data, np.heaviside(X, 1.0))
    np.testing.assert_array_equal(A.sign(nr.tensor(X)).data, np.sign(X))
    assert A.step(nr.tensor(np.array([-1, 2]))).data.tolist() == [0, 1]  # integers unchanged


@pytest.mark.parametrize(
    "layer",
    [
        lambda: layers.ReLU(),
        lambda: layers.ReLU(max_value=6.0),
        lambda: layers.ReLU(threshold=0.5),
        lambda: layers.Activation("relu"),
        lambda: layers.Activation("relu6"),
        lambda: layers.Dense(3, activation="relu6"),
        lambda: layers.Dense(3, activation="relu"),
        lambda: layers.LeakyReLU(),
        lambda: layers.ELU(),
    ],
)
def test_layers_propagate_nan(layer):
    out = np.asarray(layer()(X).data)
    assert np.isnan(out).any()


@pytest.mark.parametrize("activation", ["relu", "relu6", "elu", "hard_sigmoid"])
def test_simple_rnn_propagates_nan(activation):
    x = np.zeros((2, 3, 4), dtype=np.float32)
    x[0, 1, 2] = np.nan
    out = np.asarray(layers.SimpleRNN(5, activation=activation)(x).data)
    assert np.isnan(out[0]).all() and not np.isnan(out[1]).any()


@pytest.mark.parametrize("hidden", [lambda: layers.ReLU(), lambda: layers.Activation("relu6")])
def test_fit_refuses_nan_through_a_relu_layer(hidden, rng):
    x = rng.random((32, 4)).astype(np.float32)
    x[5, 1] = np.nan
    model = nr.models.Sequential([layers.Input((4,)), layers.Dense(8), hidden(), layers.Dense(1)])
    model.compile("sgd", "mse")
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match="NaN"):
        model.fit(x, rng.random((32, 1)), epochs=1, verbose=0)
    for w0, w1 in zip(before, model.get_weights()):
        np.testing.assert_array_equal(w0, w1)
