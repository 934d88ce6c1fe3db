"""predict on one batch (the latency a served model sees) takes a direct path: the same outputs
as the batch loop, a fresh array even when a layer hands its input through, and the structure of
a model with several outputs."""

from __future__ import annotations

import numpy as np
import pytest

from neurona import layers, models
from neurona.models._inference import dense_chain


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


# ----- a Sequential of Dense layers: their nodes one after the other (models/_inference.py) -----
def _mlp(*extra, activation="relu", with_input=True):
    stack = [layers.Dense(6, activation=activation), *extra, layers.Dense(3, activation="softmax")]
    return models.Sequential(([layers.Input((5,))] if with_input else []) + stack)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "linear", "softmax"])
def test_a_dense_stack_predicts_what_the_layer_calls_compute(activation, rng):
    model = _mlp(layers.Dropout(0.5), activation=activation)
    assert len(dense_chain(model)) == 2  # the short path is taken
    x = rng.random((7, 5)).astype(np.float32)
    np.testing.assert_array_equal(model.predict(x, verbose=0), model(x).numpy())


def test_the_short_path_converts_the_data_as_the_input_layer_does(rng):
    model = _mlp()
    x = rng.random((3, 5))  # float64 data, a float32 model
    out = model.predict(x, verbose=0)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, model(x.astype(np.float32)).numpy())
    bare = _mlp(with_input=False)
    bare(x)  # built by a first call, no Input layer
    assert dense_chain(bare) is not None
    np.testing.assert_array_equal(bare.predict(x, verbose=0), bare(x).numpy())


def test_data_of_another_shape_gets_the_general_paths_error(rng):
    model = _mlp()
    with pytest.raises(ValueError, match="expects data of shape"):
        model.predict(rng.random((2, 4)), verbose=0)


class _Doubled(layers.Dense):
    def call(self, x):
        return super().call(x) * 2


@pytest.mark.parametrize(
    "model",
    [
        pytest.param(lambda: _mlp(layers.Activation("relu")), id="another layer"),
        pytest.param(lambda: _mlp(activation="elu"), id="an activation outside the node"),
        pytest.param(
            lambda: models.Sequential([layers.Input((5,)), _Doubled(3)]), id="a Dense subclass"
        ),
        pytest.param(
            lambda: models.Sequential(
                [layers.Input((5,)), layers.Dense(3, activity_regularizer="l2")]
            ),
            id="an activity regulariser",
        ),
    ],
)
def test_other_models_take_the_general_path_with_the_same_outputs(model, rng):
    model = model()
    assert dense_chain(model) is None
    x = rng.random((4, 5)).astype(np.float32)
    np.testing.assert_allclose(model.predict(x, verbose=0), model(x).numpy(), rtol=1e-6)


def test_an_instrumented_call_is_not_bypassed(rng):
    model = _mlp()
    seen = []
    dense = model.layers[0]
    original = dense.call
    dense.call = lambda x: seen.append(1) or original(x)  # what explain's trace does
    assert dense_chain(model) is None
    model.predict(rng.random((1, 5)), verbose=0)
    assert seen == [1]
