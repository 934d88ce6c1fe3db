"""predict on one batch (the latency a served model sees) takes a direct path: the same outputs
as the batch loop, a fresh array even when a layer hands its input through, and the structure of
a model with several outputs."""

from __future__ import annotations

import numpy as np

from neurona import layers, models


def test_one_sample_equals_the_batch_loop_and_the_call(rng):
    model = models.Sequential([layers.Input((5,)), layers.Dense(4, activation="relu")])
    x = rng.random((40, 5)).astype(np.float32)
    whole = model.predict(x, batch_size=8, verbose=0)  # five batches: the loop
    one = model.predict(x[:1], verbose=0)  # one batch: the direct path
    np.testing.assert_array_equal(one, whole[:1])
    np.testing.assert_array_equal(one, model(x[:1]).numpy())
    assert isinstance(one, np.ndarray) and one.shape == (1, 4)


def test_an_output_that_is_the_input_comes_back_as_a_copy():
    model = models.Sequential([layers.Input((3,)), layers.Activation("linear")])
    x = np.ones((2, 3), dtype=np.float32)
    out = model.predict(x, verbose=0)
    out[...] = 7
    assert np.all(x == 1)


def test_several_outputs_keep_their_structure(rng):
    inputs = layers.Input((3,))
    model = models.Model(inputs, {"a": layers.Dense(2)(inputs), "b": layers.Dense(1)(inputs)})
    x = rng.random((2, 3)).astype(np.float32)
    one, loop = model.predict(x, verbose=0), model.predict(x, batch_size=1, verbose=0)
    assert sorted(one) == ["a", "b"]
    for key in one:
        np.testing.assert_allclose(one[key], loop[key], rtol=1e-6)
