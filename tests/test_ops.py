"""neurona.ops (keras.ops) and neurona.random (keras.random): gradients through every
differentiable op, values against NumPy, Keras's seeding rules."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import ops
from neurona import random as nr_random

# (name, function of tensors, input shapes); inputs kept away from kinks and from log/sqrt's 0
DIFFERENTIABLE = [
    ("add", ops.add, [(3, 4), (4,)]),
    ("subtract", ops.subtract, [(3, 4), (3, 1)]),
    ("multiply", ops.multiply, [(3, 4), (4,)]),
    ("divide", ops.divide, [(3, 4), (4,)]),
    ("matmul", ops.matmul, [(3, 4), (4, 2)]),
    ("square", ops.square, [(3, 4)]),
    ("sqrt", ops.sqrt, [(3, 4)]),
    ("exp", ops.exp, [(3, 4)]),
    ("log", ops.log, [(3, 4)]),
    ("abs", ops.abs, [(3, 4)]),
    ("relu", ops.relu, [(3, 4)]),
    ("sigmoid", ops.sigmoid, [(3, 4)]),
    ("tanh", ops.tanh, [(3, 4)]),
    ("softmax", ops.softmax, [(3, 4)]),
    ("sum", lambda x: ops.sum(x, axis=0), [(3, 4)]),
    ("mean", lambda x: ops.mean(x, axis=-1, keepdims=True), [(3, 4)]),
    ("max", lambda x: ops.max(x, axis=1), [(3, 4)]),
    ("reshape", lambda x: ops.reshape(x, (4, -1)), [(3, 4)]),
    ("concatenate", lambda a, b: ops.concatenate([a, b], axis=1), [(3, 4), (3, 2)]),
    ("stack", lambda a, b: ops.stack([a, b], axis=1), [(3, 4), (3, 4)]),
    ("cast", lambda x: ops.cast(x, "float32") * 1.0, [(3, 4)]),
]


@pytest.mark.parametrize("name, f, shapes", DIFFERENTIABLE, ids=[d[0] for d in DIFFERENTIABLE])
def test_op_gradient_matches_central_differences(name, f, shapes, rng):
    # positive, distinct values: no kink of abs/relu/max, log and sqrt defined, divide safe
    inputs = [rng.uniform(0.5, 2.0, size=shape) for shape in shapes]
    if name == "cast":  # through float32 the differences are float32's: a looser check
        report = nr.gradcheck(f, inputs, eps=1e-3, rtol=1e-2, atol=1e-3)
    else:
        report = nr.gradcheck(f, inputs)
    assert report.ok, report


def test_ops_match_numpy(rng):
    x = rng.normal(size=(3, 4))
    np.testing.assert_allclose(ops.matmul(x, x.T).numpy(), x @ x.T)
    np.testing.assert_allclose(ops.softmax(x).numpy().sum(axis=-1), np.ones(3))
    np.testing.assert_allclose(ops.mean(ops.square(x), axis=-1).numpy(), (x**2).mean(axis=-1))
    assert ops.shape(x) == (3, 4) and ops.reshape(x, (2, 6)).shape == (2, 6)
    np.testing.assert_array_equal(ops.argmax(x, axis=1).numpy(), np.argmax(x, axis=1))


def test_creation_ops_use_floatx_and_keep_integer_dtypes():
    assert ops.zeros((2, 3)).dtype == np.float32 and ops.ones((2,)).dtype == np.float32
    assert ops.convert_to_tensor([1.5]).dtype == np.float32
    assert ops.convert_to_tensor(np.arange(3)).dtype == np.int64
    assert ops.cast(np.array([1.7]), "int32").dtype == np.int32


def test_one_hot_puts_a_one_at_each_label():
    np.testing.assert_array_equal(
        ops.one_hot(np.array([2, 0]), num_classes=3).numpy(), [[0, 0, 1], [1, 0, 0]]
    )


def test_cast_to_int_carries_no_gradient():
    x = nr.tensor([1.7, 2.2], requires_grad=True)
    assert not ops.cast(x, "int32").requires_grad
    assert ops.cast(x, "float64").requires_grad


def test_seed_generator_gives_new_draws_each_call_and_the_same_sequence_per_seed():
    a, b = nr_random.SeedGenerator(1337), nr_random.SeedGenerator(1337)
    first, second = nr_random.normal((4,), seed=a), nr_random.normal((4,), seed=a)
    assert not np.array_equal(first.numpy(), second.numpy())
    np.testing.assert_array_equal(first.numpy(), nr_random.normal((4,), seed=b).numpy())


def test_an_int_seed_gives_the_same_draw_every_call():
    one = nr_random.uniform((5,), minval=-1.0, maxval=1.0, seed=3)
    np.testing.assert_array_equal(one.numpy(), nr_random.uniform((5,), -1.0, 1.0, seed=3).numpy())
    assert one.dtype == np.float32 and (np.abs(one.numpy()) < 1).all()


def test_normal_has_the_requested_mean_and_stddev():
    draw = nr_random.normal((20000,), mean=2.0, stddev=0.5, seed=0).numpy()
    assert abs(draw.mean() - 2.0) < 0.02 and abs(draw.std() - 0.5) < 0.02


def test_random_dropout_zeroes_and_rescales():
    out = nr_random.dropout(np.ones(1000), rate=0.25, seed=nr_random.SeedGenerator(0)).numpy()
    assert set(np.unique(out)) <= {0.0, 1 / 0.75}


def test_random_rejects_a_seed_of_the_wrong_kind():
    with pytest.raises(TypeError, match="expected seed to be None, an int or"):
        nr_random.normal((2,), seed="abc")
