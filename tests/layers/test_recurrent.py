"""Tests of the recurrent layers SimpleRNN, LSTM and GRU: Keras's weight shapes and outputs with
copied weights, return_sequences / return_state / go_backwards / stateful, dropout masks that
stay the same over time, config round trips, and training in Sequential (stacked, regularised,
clipped)."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import layers, models, optimizers

LAYERS = [
    (layers.SimpleRNN, {}),
    (layers.LSTM, {}),
    (layers.GRU, {}),
    (layers.GRU, {"reset_after": False}),
]


def _ids(case):
    cls, kwargs = case
    return cls.__name__ + "".join(f"-{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("case", LAYERS, ids=_ids)
def test_weight_shapes_equal_keras(case, keras):
    cls, kwargs = case
    fast = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros"}  # JAX init is slow
    ours, theirs = cls(4, **kwargs), getattr(keras.layers, cls.__name__)(4, **kwargs, **fast)
    ours.build((None, 5, 3)), theirs.build((None, 5, 3))
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    assert [w.name.split("/")[-1] for w in ours.weights] == [w.name for w in theirs.weights]


def test_gru_reset_before_equals_keras_with_copied_weights(keras, rng):
    # the course's GRU formula; PyTorch has no reset-before variant, so Keras is the oracle.
    # (One Keras call: Keras on JAX is slow to call. LSTM/GRU/SimpleRNN are checked against
    # PyTorch in tests/functional/test_recurrent.py.)
    x = rng.normal(size=(3, 6, 2)).astype("float32")
    options = {
        "reset_after": False,
        "go_backwards": True,
        "return_sequences": True,
        "return_state": True,
    }
    theirs, ours = (
        keras.layers.GRU(4, **options, recurrent_initializer="zeros"),
        layers.GRU(4, **options),
    )
    theirs.build(x.shape), ours.build(x.shape)
    ours.set_weights(
        [
            w + rng.normal(size=w.shape).astype("float32") * 0.3  # biases ≠ 0 too
            for w in theirs.get_weights()
        ]
    )
    theirs.set_weights(ours.get_weights())
    expected, got = theirs(x), ours(x)
    assert len(got) == len(expected) == 2
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g.numpy(), np.asarray(e), rtol=1e-4, atol=1e-5)


def test_lstm_forget_bias_starts_at_one_like_keras():
    layer = layers.LSTM(2)
    layer(np.ones((1, 3, 1)))
    np.testing.assert_array_equal(layer.get_weights()[2], [0, 0, 1, 1, 0, 0, 0, 0])
    layer = layers.LSTM(2, unit_forget_bias=False)
    layer(np.ones((1, 3, 1)))
    assert not layer.get_weights()[2].any()


def test_return_state_gives_the_last_output_and_the_states(rng):
    x = rng.normal(size=(2, 4, 3)).astype("float32")
    out, h, c = layers.LSTM(5, return_sequences=True, return_state=True)(x)
    assert out.shape == (2, 4, 5) and h.shape == c.shape == (2, 5)
    np.testing.assert_array_equal(out.numpy()[:, -1], h.numpy())


def test_initial_state_is_used(rng):
    layer = layers.GRU(3)
    x = rng.normal(size=(2, 4, 1)).astype("float32")
    start = layer(x, initial_state=np.ones((2, 3), dtype="float32"))
    assert not np.allclose(start.numpy(), layer(x).numpy())


def test_dropout_drops_the_same_inputs_at_every_step_and_only_in_training():
    # linear SimpleRNN with W = I, U = 0, b = 0: h_t = x_t ⊙ m, so the mask shows through
    layer = layers.SimpleRNN(
        6,
        activation=None,
        dropout=0.5,
        return_sequences=True,
        seed=1,
        kernel_initializer="identity",
        recurrent_initializer="zeros",
    )
    x = np.ones((4, 7, 6), dtype="float32")
    h = layer(x, training=True).numpy()
    assert set(np.unique(h)) == {0.0, 2.0}
    assert (h == h[:, :1]).all()  # the same mask at every step of a sequence
    assert not (h[0] == h[1]).all() or not (h[1] == h[2]).all()  # one mask per sequence
    np.testing.assert_array_equal(layer(x).numpy(), x)  # inference: no dropout


def test_recurrent_dropout_changes_the_training_output_only(rng):
    layer = layers.LSTM(4, recurrent_dropout=0.5, seed=0)
    x = rng.normal(size=(3, 5, 2)).astype("float32")
    np.testing.assert_array_equal(layer(x).numpy(), layer(x).numpy())
    assert not np.allclose(layer(x, training=True).numpy(), layer(x).numpy())


def test_stateful_continues_from_the_last_state(rng):
    x = rng.normal(size=(2, 6, 3)).astype("float32")
    whole = layers.LSTM(4)
    expected = whole(x).numpy()
    layer = layers.LSTM(4, stateful=True)
    layer(x[:, :3])
    layer.set_weights(whole.get_weights())
    layer.reset_states()
    layer(x[:, :3])
    np.testing.assert_allclose(layer(x[:, 3:]).numpy(), expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="reset_states"):
        layer(x[:1])


@pytest.mark.parametrize("case", LAYERS, ids=_ids)
def test_config_round_trip_rebuilds_the_same_layer(case):
    cls, kwargs = case
    layer = cls(3, return_sequences=True, dropout=0.1, kernel_regularizer="l2", **kwargs)
    config = layer.get_config()
    clone = cls.from_config(config)
    assert clone.get_config() == config
    assert nr.layers.get_layer_class(cls.__name__) is cls


def test_a_2d_input_says_it_expects_batch_time_features():
    with pytest.raises(
        ValueError,
        match=r"LSTM 'lstm\w*' expects inputs of shape \(batch, time, "
        r"features\), got shape \(4, 3\)",
    ):
        layers.LSTM(2)(np.ones((4, 3)))
    layer = layers.GRU(2)
    layer(np.ones((1, 3, 2)))
    with pytest.raises(ValueError, match="last axis"):
        layer(np.ones((1, 3, 5)))


def test_arguments_are_validated():
    with pytest.raises(ValueError, match="units"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match="dropout"):
        layers.GRU(2, dropout=1.5)
    with pytest.raises(ValueError, match="Unknown activation"):
        layers.SimpleRNN(2, activation="tanhh")


def test_stacked_regularised_lstm_trains_in_sequential(rng):
    x = rng.normal(size=(64, 8, 2)).astype("float32")
    y = x[:, :, :1].sum(axis=1) * 0.3  # a sum over time: needs memory
    model = models.Sequential(
        [
            layers.Input((8, 2)),
            layers.LSTM(
                8,
                return_sequences=True,
                dropout=0.1,
                recurrent_dropout=0.1,
                kernel_regularizer="l2",
            ),
            layers.GRU(6),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer=optimizers.Adam(0.01, clipnorm=1.0), loss="mse")
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]
    assert len(model.losses) == 1  # the L2 penalty on the first LSTM's kernel
    assert model.output_shape == (None, 1)
    lines = []
    model.summary(print_fn=lines.append)
    assert any("(None, 8, 8)" in line and "lstm" in line for line in lines)


def test_clipnorm_bounds_each_update_of_an_exploding_rnn(rng):
    # a large recurrent kernel over 30 steps: the gradient explodes; clipnorm caps it
    layer = layers.SimpleRNN(
        4, activation=None, recurrent_initializer=nr.initializers.Constant(0.6)
    )
    x = nr.tensor(rng.normal(size=(2, 30, 3)).astype("float32"))
    layer(x).sum().backward()
    assert np.linalg.norm(layer.recurrent_kernel.grad) > 1e3
    before = layer.recurrent_kernel.numpy().copy()
    optimizers.SGD(learning_rate=1.0, clipnorm=1.0).apply(
        [w.grad for w in layer.trainable_weights], layer.trainable_weights
    )
    assert np.linalg.norm(layer.recurrent_kernel.numpy() - before) == pytest.approx(1.0, rel=1e-4)


@pytest.mark.parametrize("case", LAYERS, ids=_ids)
def test_without_bias_there_are_two_weights_and_both_get_gradients(case):
    cls, kwargs = case
    layer = cls(3, use_bias=False, return_sequences=True, **kwargs)
    layer(nr.tensor(np.ones((2, 4, 2), dtype="float32"))).sum().backward()
    assert [w.name.split("/")[-1] for w in layer.weights] == ["kernel", "recurrent_kernel"]
    assert all(np.abs(w.grad).sum() > 0 for w in layer.trainable_weights)


def test_gru_course_convention_is_the_layer_argument_and_keras_with_z_negated(rng):
    # layers.GRU(convention="course"): h = z ⊙ h̃ + (1 − z) ⊙ h_prev, the course's update (Y7)
    x = rng.normal(size=(2, 6, 4))
    course = layers.GRU(3, reset_after=False, convention="course", return_sequences=True)
    keras = layers.GRU(3, reset_after=False, return_sequences=True)
    course(x), keras(x)
    W, Uk, b = course.get_weights()
    flip = np.concatenate([-np.ones(3), np.ones(6)])  # σ(−a) = 1 − σ(a) on the update gate
    keras.set_weights([W * flip, Uk * flip, b * flip])
    np.testing.assert_allclose(course(x).numpy(), keras(x).numpy(), rtol=1e-5, atol=1e-6)
    expected = nr.functional.gru(x, W, Uk, b, reset_after=False, convention="course")[0]
    np.testing.assert_allclose(course(x).numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    config = course.get_config()
    assert config["convention"] == "course" and "convention" not in keras.get_config()
    assert layers.GRU.from_config(config).convention == "course"
    with pytest.raises(ValueError, match="expected convention 'keras'"):
        layers.GRU(3, convention="pytorch")


def test_gru_course_convention_trains_in_sequential(rng):
    x = rng.normal(size=(64, 5, 2)).astype(np.float32)
    y = (x[:, :, 0].sum(axis=1) > 0).astype(np.float32)[:, None]
    nr.utils.set_random_seed(0)
    model = models.Sequential(
        [
            layers.Input((5, 2)),
            layers.GRU(4, reset_after=False, convention="course"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=optimizers.Adam(0.05), loss="binary_crossentropy")
    losses = model.fit(x, y, epochs=15, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < 0.5 * losses[0]
