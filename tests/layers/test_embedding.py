"""Embedding: the oracle against torch.nn.Embedding (forward and backward with repeated
indices), a float64 gradient check of the table, Keras's initialiser, and input errors."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers


def test_lookup_returns_the_rows_of_the_table():
    layer = layers.Embedding(4, 2)
    layer.build(None)
    table = np.arange(8, dtype="float32").reshape(4, 2)
    layer.set_weights([table])
    out = layer(np.array([[3, 0], [1, 1]]))
    np.testing.assert_array_equal(out.numpy(), table[[[3, 0], [1, 1]]])


def test_matches_torch_embedding_with_repeated_indices(rng, torch, oracle_close):
    table = rng.normal(size=(6, 3))
    idx = np.array([[0, 2, 2], [5, 2, 0]])  # index 2 three times, 0 twice
    g_out = rng.normal(size=(2, 3, 3))
    layer = layers.Embedding(6, 3, dtype="float64")
    layer.build(None)
    layer.set_weights([table])
    layer(idx).backward(g_out)
    emb = torch.nn.Embedding(6, 3).double()
    with torch.no_grad():
        emb.weight.copy_(torch.tensor(table))
    out_t = emb(torch.tensor(idx))
    out_t.backward(torch.tensor(g_out))
    oracle_close(layer(idx), out_t)
    oracle_close(layer.embeddings.grad, emb.weight.grad)


def test_table_gradient_matches_central_differences(rng):
    layer = layers.Embedding(5, 2, dtype="float64")
    layer.build(None)
    idx = np.array([[1, 1, 4], [0, 1, 3]])

    def f(table):
        layer.embeddings = table
        return layer(idx)

    report = nr.gradcheck(f, [rng.normal(size=(5, 2))])
    assert report.ok, report


def test_default_initializer_is_keras_uniform():
    layer = layers.Embedding(1000, 8)
    layer.build(None)
    w = layer.get_weights()[0]
    assert w.min() >= -0.05 and w.max() < 0.05 and w.std() > 0.02
    assert layer.get_config()["embeddings_initializer"]["class_name"] == "RandomUniform"


def test_initial_weights_argument_builds_the_layer():
    table = np.ones((3, 2), dtype="float32")
    layer = layers.Embedding(3, 2, weights=[table])
    assert layer.built
    np.testing.assert_array_equal(layer.get_weights()[0], table)


def test_whole_number_floats_and_tensors_are_accepted_like_keras():
    layer = layers.Embedding(5, 2)
    expected = layer(np.array([[1, 4]])).numpy()
    np.testing.assert_array_equal(layer(np.array([[1.0, 4.0]])).numpy(), expected)
    np.testing.assert_array_equal(layer(nr.tensor([[1, 4]])).numpy(), expected)


def test_float_inputs_that_are_not_indices_are_an_error():
    with pytest.raises(TypeError, match="Embedding 'emb' expects integer indices"):
        layers.Embedding(5, 2, name="emb")(np.array([[0.5, 1.2]]))


def test_indices_out_of_range_are_an_error():
    with pytest.raises(ValueError, match=r"indices must lie in \[0, 4\], got indices from -1 to 5"):
        layers.Embedding(5, 2)(np.array([[-1, 5]]))


def test_bad_sizes_and_masks_are_reported():
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 2)
    with pytest.raises(ValueError, match="mask_zero"):
        layers.Embedding(5, 2, mask_zero=True)
