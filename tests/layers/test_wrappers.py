"""Tests of Bidirectional and TimeDistributed: Keras's output with copied weights, merge modes,
time order of the backward half, states, weight order, gradients, config round trips."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import layers, models


def test_bidirectional_equals_keras_with_copied_weights(keras, rng):
    x = rng.normal(size=(3, 5, 2)).astype("float32")
    zeros = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros"}  # JAX init is slow
    theirs = keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True, **zeros))
    ours = layers.Bidirectional(layers.LSTM(4, return_sequences=True))
    theirs.build(x.shape), ours.build(x.shape)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    ours.set_weights(
        [w + rng.normal(size=w.shape).astype("float32") * 0.3 for w in ours.get_weights()]
    )
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours(x).numpy(), np.asarray(theirs(x)), rtol=1e-4, atol=1e-5)


def _halves(rng, **kwargs):
    """A Bidirectional GRU and two plain GRUs holding the same weights."""
    x = rng.normal(size=(2, 6, 3)).astype("float32")
    both = layers.Bidirectional(layers.GRU(4, **kwargs), merge_mode=None)
    both(x)
    forward, backward = layers.GRU(4, **kwargs), layers.GRU(4, go_backwards=True, **kwargs)
    forward(x), backward(x)
    weights = both.get_weights()
    forward.set_weights(weights[:3]), backward.set_weights(weights[3:])
    return x, both, forward, backward


def test_backward_half_is_the_layer_read_backwards_and_flipped_back_in_time(rng):
    x, both, forward, backward = _halves(rng, return_sequences=True)
    y, y_rev = both(x)
    np.testing.assert_allclose(y.numpy(), forward(x).numpy(), rtol=1e-6)
    np.testing.assert_allclose(y_rev.numpy(), backward(x).numpy()[:, ::-1], rtol=1e-6)
    assert both.forward_layer.name.startswith("forward_")
    assert both.backward_layer.name.startswith("backward_") and both.backward_layer.go_backwards


@pytest.mark.parametrize(
    "mode, combine",
    [
        ("concat", lambda a, b: np.concatenate([a, b], -1)),
        ("sum", np.add),
        ("mul", np.multiply),
        ("ave", lambda a, b: (a + b) / 2),
    ],
)
def test_merge_modes_combine_both_directions(mode, combine, rng):
    x, both, forward, backward = _halves(rng)
    merged = layers.Bidirectional(layers.GRU(4), merge_mode=mode)
    merged(x)
    merged.set_weights(both.get_weights())
    expected = combine(forward(x).numpy(), backward(x).numpy())
    np.testing.assert_allclose(merged(x).numpy(), expected, rtol=1e-5, atol=1e-6)
    assert merged.compute_output_shape((None, 6, 3)) == (None, expected.shape[-1])


def test_return_state_lists_forward_then_backward_states(rng):
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    out, h_f, c_f, h_b, c_b = layers.Bidirectional(layers.LSTM(3, return_state=True))(x)
    assert out.shape == (2, 6) and h_f.shape == c_b.shape == (2, 3)
    np.testing.assert_array_equal(out.numpy(), np.concatenate([h_f.numpy(), h_b.numpy()], -1))


def test_bidirectional_trains_in_sequential_and_round_trips_its_config(rng):
    x = rng.normal(size=(32, 6, 2)).astype("float32")
    y = x[:, :, :1].sum(axis=1)
    model = models.Sequential(
        [
            layers.Input((6, 2)),
            layers.Bidirectional(layers.SimpleRNN(4, kernel_regularizer="l2")),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    assert model.output_shape == (None, 1)
    assert len(model.trainable_weights) == 8 and len(model.losses) == 2
    before = [w.copy() for w in model.get_weights()]
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    bidirectional = model.layers[0]
    clone = layers.Bidirectional.from_config(bidirectional.get_config())
    assert clone.get_config() == bidirectional.get_config()


def test_bidirectional_rejects_bad_arguments():
    with pytest.raises(ValueError, match="merge_mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(TypeError, match="recurrent layer"):
        layers.Bidirectional(layers.Dense(2))
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))


def test_time_distributed_applies_the_same_layer_at_every_step(rng):
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    wrapper = layers.TimeDistributed(layers.Dense(4, activation="tanh"))
    y = wrapper(x)
    W, b = wrapper.get_weights()
    np.testing.assert_allclose(y.numpy(), np.tanh(x @ W + b), rtol=1e-5, atol=1e-6)
    assert wrapper.compute_output_shape((None, 5, 3)) == (None, 5, 4)


def test_time_distributed_after_lstm_trains_and_gets_gradients(rng):
    x = nr.tensor(rng.normal(size=(2, 5, 3)).astype("float32"))
    model = models.Sequential(
        [
            layers.Input((5, 3)),
            layers.LSTM(4, return_sequences=True),
            layers.TimeDistributed(layers.Dense(1)),
        ]
    )
    model(x).sum().backward()
    assert all(w.grad is not None and np.abs(w.grad).sum() > 0 for w in model.trainable_weights)
    config = model.layers[1].get_config()
    assert layers.TimeDistributed.from_config(config).get_config()["layer"] == config["layer"]


def test_time_distributed_needs_a_time_axis():
    with pytest.raises(ValueError, match=r"\(batch, time, \.\.\.\)"):
        layers.TimeDistributed(layers.Dense(2))(np.ones((4, 3)))


def test_recurrent_layers_and_wrappers_survive_save_and_load(tmp_path, rng):
    x = rng.normal(size=(4, 6, 3)).astype("float32")
    model = models.Sequential(
        [
            layers.Input((6, 3)),
            layers.Bidirectional(layers.LSTM(4, return_sequences=True), merge_mode="ave"),
            layers.TimeDistributed(layers.Dense(2)),
            layers.GRU(3, reset_after=False),
            layers.Dense(1),
        ]
    )
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "model.neurona")
    loaded = models.load_model(tmp_path / "model.neurona")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)
    assert [type(layer).__name__ for layer in loaded.layers] == [
        "Bidirectional",
        "TimeDistributed",
        "GRU",
        "Dense",
    ]


def test_bidirectional_takes_the_input_shape_of_the_wrapped_layer():
    with pytest.warns(UserWarning, match="Keras 2 style"):
        model = models.Sequential(
            [layers.Bidirectional(layers.LSTM(4, input_shape=(10, 1))), layers.Dense(1)]
        )
    model.build()
    assert model.layers[0].output_shape == (None, 8) and model.count_params() == 192 + 9
