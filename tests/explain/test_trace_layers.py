"""neurona.explain.trace on every layer class of neurona.layers (the trace renders as text, HTML,
JSON and a figure), and backpropagation through time step by step against the recurrent
layers' own gradients."""

from __future__ import annotations

import inspect
import json

import numpy as np
import pytest

import neurona as nr
from neurona import explain, layers, models

CLASSES = sorted(
    name
    for name in layers.__all__
    if inspect.isclass(getattr(layers, name)) and issubclass(getattr(layers, name), layers.Layer)
)

# one small model for each class: (input shape, the layers after Input); a Flatten and a Dense(1)
# are appended so that every model ends in one number per sample for the 'mse' loss
VECTOR, SEQUENCE, IMAGE = (4,), (5, 3), (6, 6, 2)
STACKS = {
    "Activation": (VECTOR, lambda: [layers.Dense(3), layers.Activation("tanh")]),
    "BatchNormalization": (VECTOR, lambda: [layers.Dense(3), layers.BatchNormalization()]),
    "Dense": (VECTOR, lambda: [layers.Dense(3, activation="relu")]),
    "Dropout": (VECTOR, lambda: [layers.Dense(3), layers.Dropout(0.5, seed=1)]),
    "ELU": (VECTOR, lambda: [layers.ELU()]),
    "Flatten": (IMAGE, lambda: [layers.Flatten()]),
    "InputLayer": (VECTOR, lambda: []),
    "Layer": (VECTOR, lambda: [layers.Layer()]),
    "LayerNormalization": (VECTOR, lambda: [layers.LayerNormalization()]),
    "LeakyReLU": (VECTOR, lambda: [layers.LeakyReLU()]),
    "Maxout": (VECTOR, lambda: [layers.Maxout(2, 2)]),
    "PReLU": (VECTOR, lambda: [layers.PReLU()]),
    "RBF": (VECTOR, lambda: [layers.RBF(3)]),
    "ReLU": (VECTOR, lambda: [layers.ReLU()]),
    "Reshape": (VECTOR, lambda: [layers.Reshape((2, 2))]),
    "Softmax": (VECTOR, lambda: [layers.Softmax()]),
    "RepeatVector": (VECTOR, lambda: [layers.RepeatVector(2)]),
    "Embedding": ("int", lambda: [layers.Embedding(10, 2)]),
    "Bidirectional": (SEQUENCE, lambda: [layers.Bidirectional(layers.LSTM(2))]),
    "TimeDistributed": (SEQUENCE, lambda: [layers.TimeDistributed(layers.Dense(2))]),
    "SimpleRNN": (SEQUENCE, lambda: [layers.SimpleRNN(3, return_sequences=True)]),
    "LSTM": (SEQUENCE, lambda: [layers.LSTM(3)]),
    "GRU": (SEQUENCE, lambda: [layers.GRU(3, go_backwards=True)]),
    "UpSampling2D": (IMAGE, lambda: [layers.UpSampling2D()]),
    "ZeroPadding2D": (IMAGE, lambda: [layers.ZeroPadding2D()]),
}
MERGES = {"Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract"}


def _stack(name: str):
    if name in STACKS:
        return STACKS[name]
    cls = getattr(layers, name)
    if "Pool" in name:
        shape = SEQUENCE if "1D" in name else IMAGE
        return shape, lambda: [cls()] if "Global" in name else [cls(2)]
    if "Conv" in name:
        shape = SEQUENCE if "1D" in name else IMAGE
        return shape, lambda: [cls(2, 2, activation="relu")]
    raise KeyError(name)


def _model(name: str):
    if name in MERGES:
        a, b = layers.Input((4,)), layers.Input((4,))
        merge = getattr(layers, name)(axes=1) if name == "Dot" else getattr(layers, name)()
        joined = merge([layers.Dense(4)(a), layers.Dense(4, activation="sigmoid")(b)])
        model = models.Model([a, b], layers.Dense(1)(layers.Flatten()(joined)))
        x = [np.linspace(-1, 1, 8).reshape(2, 4), np.linspace(1, -1, 8).reshape(2, 4)]
        return model, x
    shape, make = _stack(name)
    if shape == "int":
        inputs, x = layers.Input((3,)), np.array([[1, 2, 3], [4, 5, 9]])
    else:
        inputs, x = layers.Input(shape), np.random.default_rng(0).normal(size=(2, *shape))
    model = models.Sequential([inputs, *make(), layers.Flatten(), layers.Dense(1)])
    return model, x


@pytest.mark.parametrize("name", CLASSES)
def test_every_layer_class_traces_and_renders(name, tmp_path):
    nr.utils.set_random_seed(0)
    model, x = _model(name)
    model.compile(optimizer="sgd", loss="mse")
    y = np.ones((2, 1))
    before = [w.copy() for w in model.get_weights()]
    t = explain.trace(model, x, y)
    assert np.isfinite(t.loss)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    classes = {layer.class_name for layer in t.layers}
    wanted = {"Bidirectional": "LSTM", "TimeDistributed": "Dense", "InputLayer": "Dense"}
    cls = getattr(layers, name)
    assert wanted.get(name, cls.__name__) in classes
    assert str(t) and "<table>" in t._repr_html_() and t.to_markdown()
    json.dumps(t.to_dict())
    for layer in t.layers:  # every trainable weight got its gradient from the sweep
        for w in layer.weights:
            assert w.grad is not None or not w.trainable, (layer.name, w.name)
    pytest.importorskip("matplotlib")
    t.plot().savefig(tmp_path / "trace.png", dpi=40)


@pytest.mark.parametrize("cls", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_bptt_step_by_step_sums_to_the_layer_s_own_gradients(cls, go_backwards, rng):
    x, y = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 1))

    def build():
        nr.utils.set_random_seed(1)
        rnn = getattr(layers, cls)(3, go_backwards=go_backwards, dtype="float64")
        model = models.Sequential(
            [layers.Input((4, 2), dtype="float64"), rnn, layers.Dense(1, dtype="float64")]
        )
        model.compile(optimizer="sgd", loss="mse")
        return model

    traced, plain = build(), build()
    t = explain.trace(traced, x, y)
    # the layer's own gradients: its fused sequence node, one ordinary backward pass
    loss = plain.compute_loss(x, nr.tensor(y), plain(x, training=True))
    loss.backward()
    np.testing.assert_allclose(t.loss, loss.item(), rtol=1e-12)
    layer_trace, layer = t[1], plain.layers[0]
    assert [s.t for s in layer_trace.steps] == ([3, 2, 1, 0] if go_backwards else [0, 1, 2, 3])
    for attr in ("kernel", "recurrent_kernel", "bias"):
        own = getattr(layer, attr).grad
        per_step = sum(step.grads[attr] for step in layer_trace.steps)
        np.testing.assert_allclose(per_step, own, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(layer_trace.weight(attr).grad, own, rtol=1e-10, atol=1e-14)
    # the first step has no previous state (h₀ = 0): no share of ∂L/∂U
    assert np.all(layer_trace.steps[0].grads["recurrent_kernel"] == 0)
    # the last step's error is the loss's own: ∂L/∂h_T = δ⁽²⁾ W⁽²⁾ᵀ
    W2 = plain.layers[1].kernel.numpy()
    np.testing.assert_allclose(
        layer_trace.steps[-1].grad_h, t[2].delta @ W2.T, rtol=1e-10, atol=1e-14
    )
    if cls == "SimpleRNN":  # δ_t = ∂L/∂h_t ⊙ f'(z_t), and ∂L/∂h_{t−1} = δ_t Uᵀ
        U = layer.recurrent_kernel.numpy()
        for earlier, later in zip(layer_trace.steps, layer_trace.steps[1:]):
            np.testing.assert_allclose(later.delta, later.grad_h * later.fprime, rtol=1e-10)
            np.testing.assert_allclose(earlier.grad_h, later.delta @ U.T, rtol=1e-10)


def test_dropout_and_batch_norm_run_in_training_mode_and_are_restored(rng):
    nr.utils.set_random_seed(0)
    model = models.Sequential(
        [
            layers.Input((4,)),
            layers.Dense(6),
            layers.BatchNormalization(name="bn"),
            layers.Dropout(0.5, name="dropout"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    x, y = rng.normal(size=(8, 4)), rng.normal(size=(8, 1))
    t1, t2 = explain.trace(model, x, y), explain.trace(model, x, y)
    dropout = t1["dropout"]
    assert np.any(dropout.a == 0)  # training mode: units dropped
    np.testing.assert_array_equal(dropout.a, t2["dropout"].a)  # the generator was restored
    moving = t1["bn"].weight("moving_mean")
    assert not moving.trainable and np.any(moving.update != 0) and moving.grad is None
    assert np.array_equal(model.layers[1].moving_mean.numpy(), moving.value)
