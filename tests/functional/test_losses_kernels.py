"""Loss kernels of neurona/functional/losses.py: float64 gradient checks (reverse and forward mode,
for predictions and labels), PyTorch oracles, stability at logits of ±1e4 and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona.functional import losses as K


def _probs(rng, shape):
    p = rng.uniform(0.1, 1.0, size=shape)
    return p / p.sum(axis=-1, keepdims=True)


def _check(f, inputs):
    report = nr.gradcheck(f, inputs)
    assert report.ok, report


@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_cross_entropy_gradients_for_logits_and_soft_labels(axis, rng):
    y, z = _probs(rng, (4, 3)), rng.normal(size=(4, 3)) * 2
    _check(lambda y, z: K.softmax_cross_entropy(y, z, axis=axis), [y, z])


def test_sparse_softmax_cross_entropy_gradient(rng):
    labels, z = rng.integers(0, 5, size=6), rng.normal(size=(6, 5)) * 3
    _check(lambda z: K.sparse_softmax_cross_entropy(labels, z), [z])
    _check(lambda z: K.sparse_softmax_cross_entropy(labels[:3], z, axis=0), [z[:, :3]])


def test_sigmoid_binary_cross_entropy_gradient(rng):
    y, z = rng.uniform(size=(5, 2)), rng.normal(size=(5, 2)) * 3
    _check(K.sigmoid_binary_cross_entropy, [y, z])


def test_binary_cross_entropy_of_probabilities_gradient(rng):
    y, p = rng.uniform(size=(5, 2)), rng.uniform(0.05, 0.95, size=(5, 2))
    _check(K.binary_cross_entropy, [y, p])


@pytest.mark.parametrize("axis", [-1, 0])
def test_categorical_cross_entropy_of_unnormalised_probabilities_gradient(axis, rng):
    y, p = _probs(rng, (4, 3)), rng.uniform(0.2, 2.0, size=(4, 3))
    _check(lambda y, p: K.categorical_cross_entropy(y, p, axis=axis), [y, p])


@pytest.mark.parametrize("kernel", [K.mse, K.mae])
def test_mean_errors_gradients_with_broadcast_labels(kernel, rng):
    y, y_pred = rng.normal(size=(4, 1)), rng.normal(size=(4, 3))
    y_pred += np.sign(y_pred - y) * 0.01  # away from the kink of |·|
    _check(kernel, [y, y_pred])


@pytest.mark.parametrize("margin, squared", [(1.0, False), (1.0, True), (0.0, False)])
def test_hinge_family_gradients(margin, squared, rng):
    y = rng.choice([-1.0, 1.0], size=(6, 2))
    y_pred = rng.normal(size=(6, 2))
    y_pred[np.abs(margin - y * y_pred) < 0.05] += 0.2  # away from the kink
    _check(lambda y, p: K.hinge(y, p, margin=margin, squared=squared), [y, y_pred])


def test_perceptron_margin_counts_the_boundary_as_a_mistake():
    # ŷ = 0 for both samples: loss 0, but the gradient −y/k lets training leave w = 0
    y_pred = nr.tensor([[0.0], [0.0]], requires_grad=True)
    loss = K.hinge(np.array([[1.0], [-1.0]]), y_pred, margin=0.0)
    loss.sum().backward()
    assert loss.numpy().tolist() == [0.0, 0.0]
    assert y_pred.grad.ravel().tolist() == [-1.0, 1.0]


def test_fused_cross_entropies_are_finite_at_logits_of_1e4():
    z = nr.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], requires_grad=True)
    y = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]], dtype="float32")
    losses = [
        K.softmax_cross_entropy(y, z),
        K.sparse_softmax_cross_entropy(np.array([1, 2]), z),
        K.sigmoid_binary_cross_entropy(y, z),
    ]
    for loss in losses:
        z.grad = None
        loss.sum().backward()
        assert np.isfinite(loss.numpy()).all() and np.isfinite(z.grad).all()
    np.testing.assert_allclose(losses[0].numpy(), [2e4, 0.0])  # lse(z) − z_1
    np.testing.assert_allclose(losses[2].numpy()[0], [1e4, 1e4, np.log(2)], rtol=1e-6)


def test_probability_kernels_clip_like_keras():
    # p = 0 and p = 1 are clipped to ε and 1 − ε: finite loss, zero gradient where clipped
    p = nr.tensor([0.0, 1.0], requires_grad=True)
    loss = K.binary_cross_entropy(np.array([1.0, 0.0], dtype="float32"), p)
    loss.sum().backward()
    hi = np.float32(1 - 1e-7)  # 0.99999988 in float32, as in Keras: −log(1 − hi) ≈ 15.94
    np.testing.assert_allclose(loss.numpy(), [-np.log(np.float32(1e-7)), -np.log1p(-hi)], rtol=1e-5)
    assert p.grad.tolist() == [0.0, 0.0]


def test_kernels_match_torch(rng, torch, oracle_close):
    tf = torch.nn.functional
    y, z = _probs(rng, (6, 4)), rng.normal(size=(6, 4)) * 3
    labels = rng.integers(0, 4, size=6)
    y01, p = rng.integers(0, 2, size=(6, 4)).astype(float), rng.uniform(0.05, 0.95, size=(6, 4))
    cases = [
        (K.softmax_cross_entropy, (y, z), lambda a, b: tf.cross_entropy(b, a, reduction="none")),
        (
            K.sparse_softmax_cross_entropy,
            (labels, z),
            lambda a, b: tf.cross_entropy(b, a, reduction="none"),
        ),
        (
            K.sigmoid_binary_cross_entropy,
            (y01, z),
            lambda a, b: tf.binary_cross_entropy_with_logits(b, a, reduction="none"),
        ),
        (
            K.binary_cross_entropy,
            (y01, p),
            lambda a, b: tf.binary_cross_entropy(b, a, reduction="none"),
        ),
        (K.mse, (y, z), lambda a, b: tf.mse_loss(b, a, reduction="none").mean(-1)),
        (K.mae, (y, z), lambda a, b: tf.l1_loss(b, a, reduction="none").mean(-1)),
    ]
    for ours_fn, (a, b), theirs_fn in cases:
        b_ours = nr.tensor(b, requires_grad=True)
        ours = ours_fn(a, b_ours)
        ours.sum().backward()
        b_torch = torch.tensor(b, requires_grad=True)
        theirs = theirs_fn(torch.tensor(a), b_torch)
        theirs.sum().backward()
        oracle_close(ours, theirs)
        oracle_close(b_ours.grad, b_torch.grad)


def test_kernel_errors_say_what_was_expected():
    with pytest.raises(ValueError, match="same shape, got \\(2, 3\\) and \\(2, 4\\)"):
        K.softmax_cross_entropy(np.zeros((2, 3)), nr.tensor(np.zeros((2, 4))))
    with pytest.raises(ValueError, match="class labels in \\[0, 2\\].*got labels from 0 to 3"):
        K.sparse_softmax_cross_entropy(np.array([0, 3]), nr.tensor(np.zeros((2, 3))))
    with pytest.raises(ValueError, match="not whole numbers"):
        K.sparse_softmax_cross_entropy(np.array([0.5, 1.0]), nr.tensor(np.zeros((2, 3))))
    with pytest.raises(ValueError, match="labels of shape \\(2,\\).*got shape \\(2, 3\\)"):
        K.sparse_softmax_cross_entropy(np.zeros((2, 3)), nr.tensor(np.zeros((2, 3))))
