"""neurona.ops on symbolic tensors: each call records an Operation node, so a Functional model can
use ops between layers as Keras guides do (``x = keras.ops.relu(dense(inputs))``); the model
predicts, trains, saves and loads (in a process that never imported ops) like any other."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import neurona as nr
from neurona import layers, ops


def _model():
    inputs = nr.Input((3,), name="x")
    h = layers.Dense(4, name="dense")(inputs)
    a = ops.relu(h)
    joined = ops.concatenate([a, inputs * 2.0], axis=-1)
    energy = ops.sum(ops.square(joined), axis=-1, keepdims=True)
    probs = ops.softmax(ops.matmul(joined, np.ones((7, 2), np.float32)))
    flat = ops.reshape(ops.stack([a, a], axis=1), (-1, 8))
    return nr.Model(inputs, [energy, probs, ops.mean(flat, axis=1)])


def _by_hand(model, x):
    kernel, bias = model.get_layer("dense").get_weights()
    a = np.maximum(x @ kernel + bias, 0)
    joined = np.concatenate([a, x * 2.0], axis=-1)
    logits = joined @ np.ones((7, 2), np.float32)
    probs = np.exp(logits - logits.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    return (joined**2).sum(-1, keepdims=True), probs, a.mean(axis=1)


def test_ops_on_keras_tensors_record_nodes_with_keras_shapes():
    inputs = nr.Input((3,))
    assert ops.shape(inputs) == (None, 3)  # Keras: the symbolic shape
    assert ops.concatenate([inputs, inputs], axis=-1).shape == (None, 6)
    assert ops.sum(inputs, axis=-1).shape == (None,)
    assert ops.one_hot(ops.argmax(inputs, axis=-1), 5).shape == (None, 5)


def test_a_functional_model_with_ops_predicts_as_the_formulas(rng):
    model = _model()
    x = rng.normal(size=(5, 3)).astype(np.float32)
    for ours, expected in zip(model.predict(x, verbose=0), _by_hand(model, x)):
        np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)


def test_gradients_flow_through_recorded_ops(rng):
    inputs = nr.Input((3,))
    outputs = ops.sum(ops.tanh(layers.Dense(2)(inputs)), axis=-1, keepdims=True)
    model = nr.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    before = [w.copy() for w in model.get_weights()]
    model.fit(x, y, epochs=1, verbose=0)
    assert all(not np.allclose(b, w) for b, w in zip(before, model.get_weights()))


def test_same_predictions_as_keras_ops_with_the_same_weights(keras, rng):
    k_inputs = keras.Input((3,))
    k_h = keras.ops.relu(keras.layers.Dense(4)(k_inputs))
    k_out = keras.ops.mean(keras.ops.concatenate([k_h, k_inputs], axis=-1), axis=-1)
    k_model = keras.Model(k_inputs, k_out)
    inputs = nr.Input((3,))
    h = ops.relu(layers.Dense(4)(inputs))
    model = nr.Model(inputs, ops.mean(ops.concatenate([h, inputs], axis=-1), axis=-1))
    model.set_weights(k_model.get_weights())
    x = rng.normal(size=(6, 3)).astype(np.float32)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), k_model.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )


def test_a_model_with_ops_loads_where_ops_was_never_imported(tmp_path, rng):
    model = _model()
    path = tmp_path / "m.neurona"
    model.save(path)
    x = rng.normal(size=(2, 3)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    script = (
        "import sys, numpy as np\n"
        "from neurona.models import load_model\n"
        f"m = load_model({str(path)!r})\n"
        "assert 'neurona.ops' in sys.modules\n"
        f"out = m.predict(np.load({str(tmp_path / 'x.npy')!r}), verbose=0)\n"
        f"np.save({str(tmp_path / 'out.npy')!r}, out[0])\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), model.predict(x, verbose=0)[0])


def test_a_constant_that_cannot_be_stored_is_refused_clearly():
    inputs = nr.Input((3,))
    with pytest.raises(TypeError, match=r"ops\.add on a KerasTensor: expected constant"):
        ops.add(inputs, object())
