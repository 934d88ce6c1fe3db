"""neurona.losses.checked_labels: labels checked once, then the same numbers bit for bit (values
and gradients, through the fused softmax node too), the per-batch errors raised on entry, and
losses it cannot check ahead left unchanged."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import losses
from neurona.errors import ShapeError
from neurona.functional import linalg

N, D, K = 12, 5, 4


def _step(loss, y, x, W, b, sample_weight=None, softmax=True):
    """Value and gradients of loss(y, dense(x, W, b)) on fresh leaves (the fit step's graph)."""
    W, b = nr.tensor(W, requires_grad=True), nr.tensor(b, requires_grad=True)
    x = nr.tensor(x, requires_grad=True)
    y_pred = linalg.Dense.apply(x, W, b, activation="softmax" if softmax else None)
    value = loss(y, y_pred, sample_weight=sample_weight)
    value.backward()
    return [value.data, x.grad, W.grad, b.grad]


def _assert_bit_identical(inside, outside):
    for a, b in zip(inside, outside, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def _sparse_labels(rng, n=N):
    return rng.integers(0, K, size=n)


def _onehot_labels(rng, n=N):
    return np.eye(K, dtype="float32")[rng.integers(0, K, size=n)]


CASES = [  # (loss, labels, logits instead of a softmax output?)
    (lambda: losses.SparseCategoricalCrossentropy(), _sparse_labels, False),
    (
        lambda: losses.LossFunctionWrapper(losses.sparse_categorical_crossentropy),
        _sparse_labels,
        False,
    ),
    (lambda: losses.SparseCategoricalCrossentropy(from_logits=True), _sparse_labels, True),
    (lambda: losses.CategoricalCrossentropy(), _onehot_labels, False),
    (lambda: losses.CategoricalCrossentropy(label_smoothing=0.1), _onehot_labels, False),
    (
        lambda: losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2),
        _onehot_labels,
        True,
    ),
]


@pytest.mark.parametrize("make_loss, make_labels, logits", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_values_and_gradients_are_bit_identical_inside_the_block(
    make_loss, make_labels, logits, weighted, rng
):
    y = make_labels(rng, 3 * N)
    x = rng.normal(size=(N, D)).astype("float32")
    W = rng.normal(size=(D, K)).astype("float32")
    b = rng.normal(size=K).astype("float32")
    w_b = rng.uniform(0.5, 2.0, size=N) if weighted else None
    loss = make_loss()
    batch = y[N : 2 * N]
    outside = _step(loss, batch, x, W, b, w_b, softmax=not logits)
    with losses.checked_labels(loss, y, (None, K)) as checked:
        assert checked and loss._labels_checked
        inside = _step(loss, batch, x, W, b, w_b, softmax=not logits)
    assert not loss._labels_checked
    _assert_bit_identical(inside, outside)


@pytest.mark.parametrize("shape", [(N,), (N, 1)])
def test_sparse_labels_of_either_shape_give_the_same_numbers(shape, rng):
    y = _sparse_labels(rng).reshape(shape).astype("float64")  # whole floats are labels too
    x, W, b = rng.normal(size=(N, D)), rng.normal(size=(D, K)), rng.normal(size=K)
    loss = losses.SparseCategoricalCrossentropy()
    outside = _step(loss, y, x, W, b)
    with losses.checked_labels(loss, y, (None, K)):
        inside = _step(loss, y, x, W, b)
    _assert_bit_identical(inside, outside)


BAD_LABELS = [  # (loss, labels, error, message); the same per batch and on entry
    (
        losses.SparseCategoricalCrossentropy,
        np.array([0, 1, K, 2]),
        ValueError,
        "expected class labels in 0",
    ),
    (
        losses.SparseCategoricalCrossentropy,
        np.array([0, -1, 1, 2]),
        ValueError,
        "expected class labels in 0",
    ),
    (
        losses.SparseCategoricalCrossentropy,
        np.array([0.0, 1.5, 1.0, 2.0]),
        ValueError,
        "not whole numbers",
    ),
    (losses.SparseCategoricalCrossentropy, np.eye(K)[[0, 1, 2, 3]], ShapeError, "one-hot"),
    (
        losses.SparseCategoricalCrossentropy,
        np.zeros((4, 2)),
        ShapeError,
        "expected integer class labels of shape",
    ),
    (losses.CategoricalCrossentropy, np.array([0, 1, 2, 3]), ShapeError, "expected one-hot labels"),
    (
        losses.CategoricalCrossentropy,
        np.zeros((4, K + 1)),
        ShapeError,
        "expected y_true of the same shape",
    ),
]


@pytest.mark.parametrize("make_loss, y, error, match", BAD_LABELS)
def test_bad_labels_raise_on_entry_the_error_of_a_batch(make_loss, y, error, match, rng):
    loss = make_loss()
    y_pred = nr.tensor(rng.uniform(0.1, 1.0, size=(len(y), K)))
    with pytest.raises(error, match=match) as per_batch:
        loss(y, y_pred)
    with pytest.raises(error, match=match) as on_entry:
        with losses.checked_labels(loss, y, (None, K)):
            pass  # pragma: no cover - never reached
    assert str(on_entry.value) == str(per_batch.value)  # the batch is the whole y here
    assert not loss._labels_checked


def test_the_flag_is_restored_when_the_block_raises(rng):
    loss = losses.SparseCategoricalCrossentropy()
    with pytest.raises(RuntimeError, match="stop"):
        with losses.checked_labels(loss, _sparse_labels(rng), (None, K)):
            raise RuntimeError("stop")
    assert not loss._labels_checked


def test_nested_blocks_keep_the_outer_one_checked(rng):
    loss, y = losses.SparseCategoricalCrossentropy(), _sparse_labels(rng)
    with losses.checked_labels(loss, y, (None, K)):
        with losses.checked_labels(loss, y, (None, K)):
            pass
        assert loss._labels_checked
    assert not loss._labels_checked


UNCHANGED = [  # losses without label checks to skip, or that cannot be checked ahead
    (losses.MeanSquaredError(), 1),
    (losses.BinaryCrossentropy(), 1),
    (losses.LossFunctionWrapper(losses.mean_absolute_error), 1),
    (losses.SparseCategoricalCrossentropy(ignore_class=0), K),
]


@pytest.mark.parametrize("loss, k", UNCHANGED, ids=lambda case: getattr(case, "name", ""))
def test_a_loss_it_cannot_check_ahead_runs_unchanged(loss, k, rng):
    y = rng.integers(0, 2, size=(N, 1)).astype("float32")
    y_pred = rng.uniform(0.1, 0.9, size=(N, k))
    outside = loss(y, nr.tensor(y_pred)).data
    with losses.checked_labels(loss, y, (None, k)) as checked:
        assert not checked and not loss._labels_checked
        inside = loss(y, nr.tensor(y_pred)).data
    np.testing.assert_array_equal(inside, outside)


def test_an_output_axis_of_unknown_size_is_checked_per_batch(rng):
    loss = losses.SparseCategoricalCrossentropy()
    with losses.checked_labels(loss, _sparse_labels(rng), (None, None)) as checked:
        assert not checked


def test_categorical_labels_with_an_extra_axis_are_checked_per_batch(rng):
    y = _onehot_labels(rng)[..., None]  # (n, k, 1): Keras squeezes it per batch
    loss = losses.CategoricalCrossentropy(label_smoothing=0.1)
    with losses.checked_labels(loss, y, (None, K)) as checked:
        assert not checked
        loss(y, nr.tensor(rng.uniform(0.1, 1.0, size=(N, K))))
