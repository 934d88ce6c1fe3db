"""The fused cross-entropy of a softmax output (neurona/functional/fused_losses.py and its use by
neurona.losses): float64 gradient checks, the same numbers as the unfused graph (softmax → Keras's
clipped cross-entropy → mean), clipped samples, a PyTorch oracle, and when fusion must not
happen."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F
from neurona import losses
from neurona.functional import losses as K
from neurona.functional.fused_losses import SoftmaxOutputCrossEntropy, softmax_output_cross_entropy


def _soft_labels(rng, shape):
    y = rng.uniform(0.0, 1.0, size=shape)
    return y / y.sum(axis=-1, keepdims=True)


def _unfused(y, z, sparse, mean=True):
    """The graph before fusion: softmax node, Keras's clipped cross-entropy node, mean node."""
    p = F.softmax(z)
    k = z.shape[-1]
    onehot = K._one_hot(y, k, -1, p.dtype) if sparse else y
    values = K.categorical_cross_entropy(onehot, p)
    return values.mean() if mean else values


def _value_and_grad(f, z0):
    z = nr.tensor(z0, requires_grad=True)
    out = f(z)
    out.backward(np.ones(out.shape, dtype=z0.dtype))
    return out.data, z.grad


@pytest.mark.parametrize("sparse", [True, False])
@pytest.mark.parametrize("mean", [True, False])
def test_fused_equals_the_unfused_graph_including_clipped_samples(sparse, mean, rng):
    z0 = rng.normal(size=(6, 4)) * 2
    z0[0] = [40.0, 0.0, 0.0, 0.0]  # q ≈ 1 for class 0: clipped at 1 − ε (sparse label 0)
    z0[1] = [-40.0, 0.0, 0.0, 0.0]  # q < ε for class 0: clipped at ε
    labels = np.array([0, 0, 1, 2, 3, 1])
    y = labels if sparse else _soft_labels(rng, (6, 4))
    if not sparse:
        y[0], y[1] = np.eye(4)[0], np.eye(4)[0]

    def fused(z):
        return softmax_output_cross_entropy(y, z, F.softmax(z).data, sparse=sparse, mean=mean)

    ours, ours_grad = _value_and_grad(fused, z0)
    theirs, theirs_grad = _value_and_grad(lambda z: _unfused(y, z, sparse, mean), z0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(ours_grad, theirs_grad, rtol=1e-9, atol=1e-15)
    if sparse:  # Keras's clip stops the gradient of the clipped samples
        assert np.all(ours_grad[:2] == 0) and np.any(ours_grad[2:] != 0)


@pytest.mark.parametrize("sparse", [True, False])
@pytest.mark.parametrize("from_logits", [True, False])
def test_fused_gradients_reverse_and_forward_mode(sparse, from_logits, rng):
    z0 = rng.normal(size=(5, 3))
    y = rng.integers(0, 3, size=5) if sparse else _soft_labels(rng, (5, 3))
    for mean in (True, False):
        report = nr.gradcheck(
            lambda z, m=mean: softmax_output_cross_entropy(
                y, z, sparse=sparse, from_logits=from_logits, mean=m
            ),
            [z0],
        )
        assert report.ok, report


def test_from_logits_equals_the_existing_kernels(rng):
    z0 = rng.normal(size=(4, 5)) * 3
    labels, soft = rng.integers(0, 5, size=4), _soft_labels(rng, (4, 5))
    pairs = [
        (
            lambda z: softmax_output_cross_entropy(labels, z, from_logits=True, mean=False),
            lambda z: K.sparse_softmax_cross_entropy(labels, z),
        ),
        (
            lambda z: softmax_output_cross_entropy(
                soft, z, sparse=False, from_logits=True, mean=False
            ),
            lambda z: K.softmax_cross_entropy(soft, z),
        ),
    ]
    for fused, plain in pairs:
        ours, ours_grad = _value_and_grad(fused, z0)
        theirs, theirs_grad = _value_and_grad(plain, z0)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
        np.testing.assert_allclose(ours_grad, theirs_grad, rtol=1e-12)


def test_loss_objects_fuse_a_softmax_output_and_keep_the_numbers(rng):
    z0 = rng.normal(size=(8, 10)).astype(np.float32) * 3
    labels = rng.integers(0, 10, size=8)
    one_hot = np.eye(10, dtype=np.float32)[labels]
    cases = [
        (losses.SparseCategoricalCrossentropy(), labels),
        (losses.LossFunctionWrapper(losses.sparse_categorical_crossentropy), labels),
        (losses.CategoricalCrossentropy(), one_hot),
        (losses.CategoricalCrossentropy(label_smoothing=0.1), one_hot),
    ]
    for loss, y in cases:
        z = nr.tensor(z0, requires_grad=True)
        value = loss(y, F.softmax(z))
        assert type(value.grad_fn) is SoftmaxOutputCrossEntropy, loss
        value.backward()
        z_ref = nr.tensor(z0, requires_grad=True)
        p_ref = F.softmax(z_ref)
        p_ref.retain_grad()  # someone reads ∂L/∂p: no fusion, the graph of separate nodes
        reference = loss(y, p_ref)
        assert type(reference.grad_fn) is not SoftmaxOutputCrossEntropy
        reference.backward()
        assert value.dtype == np.float32
        np.testing.assert_allclose(value.item(), reference.item(), rtol=1e-6)
        np.testing.assert_allclose(z.grad, z_ref.grad, rtol=1e-4, atol=1e-7)


def test_per_sample_functions_and_evaluation_use_the_same_numbers(rng):
    z0 = rng.normal(size=(6, 3))
    labels = rng.integers(0, 3, size=6)
    p = F.softmax(nr.tensor(z0, requires_grad=True))
    fused = losses.sparse_categorical_crossentropy(labels, p)
    assert type(fused.grad_fn) is SoftmaxOutputCrossEntropy
    plain = losses.sparse_categorical_crossentropy(labels, p.data)  # constant probabilities
    with nr.no_grad():
        evaluated = losses.SparseCategoricalCrossentropy()(labels, p.detach())
    np.testing.assert_allclose(fused.data, plain.data, rtol=1e-12)
    np.testing.assert_allclose(evaluated.item(), fused.data.mean(), rtol=1e-12)


def test_no_fusion_for_weights_ignore_class_or_a_non_softmax_output(rng):
    z = nr.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    labels = np.array([0, 1, 2, 1])
    loss = losses.SparseCategoricalCrossentropy()
    weighted = loss(labels, F.softmax(z), sample_weight=np.array([1.0, 0.0, 1.0, 1.0]))
    ignoring = losses.SparseCategoricalCrossentropy(ignore_class=1)(labels, F.softmax(z))
    sigmoid = loss(labels, F.sigmoid(z))
    for value in (weighted, ignoring, sigmoid):
        assert type(value.grad_fn) is not SoftmaxOutputCrossEntropy


def test_matches_torch_cross_entropy_when_nothing_is_clipped(rng, torch):
    z0 = rng.normal(size=(16, 10))
    labels = rng.integers(0, 10, size=16)
    ours, ours_grad = _value_and_grad(
        lambda z: losses.SparseCategoricalCrossentropy()(labels, F.softmax(z)), z0
    )
    zt = torch.tensor(z0, requires_grad=True)
    theirs = torch.nn.functional.cross_entropy(zt, torch.tensor(labels))
    theirs.backward()
    np.testing.assert_allclose(ours, theirs.item(), rtol=1e-10)
    np.testing.assert_allclose(ours_grad, zt.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_bad_labels_get_the_house_errors():
    z = nr.tensor(np.zeros((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match="class labels in"):
        softmax_output_cross_entropy(np.array([0, 3]), z)
    with pytest.raises(nr.errors.ShapeError, match="same shape"):
        softmax_output_cross_entropy(np.zeros((2, 2)), z, sparse=False)


def test_mse_with_the_batch_mean_in_its_node_keeps_the_numbers(rng):
    y, pred0 = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    report = nr.gradcheck(lambda p: K.mse(y, p, mean=True), [pred0])
    assert report.ok, report
    ours, ours_grad = _value_and_grad(lambda p: losses.MeanSquaredError()(y, p), pred0)
    theirs, theirs_grad = _value_and_grad(lambda p: K.mse(y, p).mean(), pred0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(ours_grad, theirs_grad, rtol=1e-12)
    p32 = nr.tensor(pred0.astype(np.float32), requires_grad=True)
    value = losses.MeanSquaredError()(y.astype(np.float32), p32)
    assert value.dtype == np.float32 and value.shape == ()
    assert value.item() == K.mse(y.astype(np.float32), p32).mean().item()  # bit for bit


@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_softmax_head_is_one_node_with_the_unfused_numbers(use_bias, rng):
    from neurona import layers

    x0 = rng.normal(size=(7, 5)).astype(np.float32)
    labels = rng.integers(0, 4, size=7)
    layer = layers.Dense(4, activation="softmax", use_bias=use_bias)
    layer.build((None, 5))
    weights = layer.trainable_weights
    grads = []
    for fuse in (True, False):
        x = nr.tensor(x0, requires_grad=True)
        for w in weights:
            w.grad = None
        y_pred = layer(x)
        if not fuse:
            y_pred.retain_grad()  # ∂L/∂p is wanted: the loss stays separate
        value = losses.SparseCategoricalCrossentropy()(labels, y_pred)
        assert (type(value.grad_fn).__name__ == "DenseSoftmaxCrossEntropy") == fuse
        value.backward()
        grads.append([value.item(), x.grad] + [w.grad for w in weights])
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=1e-7)


def test_dense_softmax_head_gradients_reverse_and_forward_mode(rng):
    from neurona.functional.fused_losses import dense_softmax_cross_entropy

    x0, W0, b0 = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    labels, soft = rng.integers(0, 5, size=4), _soft_labels(rng, (4, 5))
    for y, sparse in ((labels, True), (soft, False)):
        report = nr.gradcheck(
            lambda x, W, b, y=y, s=sparse: dense_softmax_cross_entropy(y, x, W, b, sparse=s),
            [x0, W0, b0],
        )
        assert report.ok, report


def test_a_model_ending_in_softmax_trains_like_torch(rng, torch):
    """Dense(relu) → Dense(softmax) with sparse cross-entropy (the fused head): the gradients of
    every weight equal PyTorch's Linear → ReLU → Linear with CrossEntropyLoss on the logits, and
    three Adam steps follow the same losses."""
    from neurona import initializers, layers, models, optimizers

    x = rng.normal(size=(16, 6)).astype(np.float32)
    labels = rng.integers(0, 3, size=16)
    model = models.Sequential(
        [
            layers.Input((6,)),
            layers.Dense(
                5, activation="relu", kernel_initializer=initializers.GlorotUniform(seed=1)
            ),
            layers.Dense(
                3, activation="softmax", kernel_initializer=initializers.GlorotUniform(seed=2)
            ),
        ]
    )
    model.compile(
        optimizer=optimizers.Adam(1e-2, epsilon=1e-8), loss="sparse_categorical_crossentropy"
    )
    model.build()
    net = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    W1, b1, W2, b2 = model.get_weights()
    with torch.no_grad():
        for lin, W, b in ((net[0], W1, b1), (net[2], W2, b2)):
            lin.weight.copy_(torch.tensor(W.T))
            lin.bias.copy_(torch.tensor(b))
    value = model.loss(labels, model(x, training=True))
    assert type(value.grad_fn).__name__ == "DenseSoftmaxCrossEntropy"
    value.backward()
    theirs = torch.nn.functional.cross_entropy(net(torch.tensor(x)), torch.tensor(labels))
    theirs.backward()
    torch_grads = [net[0].weight.grad.T, net[0].bias.grad, net[2].weight.grad.T, net[2].bias.grad]
    for w, g in zip(model.trainable_weights, torch_grads):
        np.testing.assert_allclose(w.grad, g.numpy(), rtol=1e-4, atol=1e-6)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2, eps=1e-8)
    for _ in range(3):
        ours = model._train_batch(x, labels, None)[0]
        opt.zero_grad()
        theirs = torch.nn.functional.cross_entropy(net(torch.tensor(x)), torch.tensor(labels))
        theirs.backward()
        opt.step()
        np.testing.assert_allclose(ours, theirs.item(), rtol=1e-5)
