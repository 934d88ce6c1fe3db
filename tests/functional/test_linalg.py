"""Tests of neurona/functional/linalg.py: matmul (1-D, 2-D, batched with broadcasting) and the
fused dense node, against central differences and PyTorch, and their error messages."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F

MATMUL_SHAPES = [
    ((3, 4), (4, 5)),
    ((4,), (4, 5)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((5, 3, 4), (5, 4, 2)),
    ((2, 1, 3, 4), (3, 4, 5)),
    ((4,), (2, 4, 3)),
    ((2, 3, 4), (4,)),
]
IDS = [f"{a}@{b}" for a, b in MATMUL_SHAPES]


@pytest.mark.parametrize("x_shape, y_shape", MATMUL_SHAPES, ids=IDS)
def test_matmul_gradient_matches_central_differences(x_shape, y_shape, rng):
    x, y = rng.normal(size=x_shape), rng.normal(size=y_shape)
    report = nr.gradcheck(F.matmul, [x, y])
    assert report.ok, report


@pytest.mark.parametrize("x_shape, y_shape", MATMUL_SHAPES, ids=IDS)
def test_matmul_value_and_gradients_match_torch(x_shape, y_shape, rng, torch, oracle_close):
    x, y = rng.normal(size=x_shape), rng.normal(size=y_shape)
    xt, yt = nr.tensor(x, requires_grad=True), nr.tensor(y, requires_grad=True)
    out = xt @ yt
    cotangent = rng.normal(size=out.shape)
    out.backward(cotangent)
    x_th, y_th = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    out_th = torch.matmul(x_th, y_th)
    out_th.backward(torch.tensor(cotangent))
    oracle_close(out, out_th)
    oracle_close(xt.grad, x_th.grad)
    oracle_close(yt.grad, y_th.grad)


def test_matmul_with_a_constant_operand_computes_only_the_needed_gradient(rng):
    x = nr.tensor(rng.normal(size=(3, 4)))
    W = nr.tensor(rng.normal(size=(4, 2)), requires_grad=True)
    out = x @ W
    grad_x, grad_W = out.grad_fn.backward(np.ones((3, 2)))
    assert grad_x is None
    np.testing.assert_allclose(grad_W, x.numpy().T @ np.ones((3, 2)))


def test_matmul_of_incompatible_shapes_says_which_axes_differ():
    x, y = nr.tensor(np.ones((2, 3))), nr.tensor(np.ones((4, 5)))
    expected = (
        r"matmul: expected the last axis of x \(3\) to equal the second-to-last axis of "
        r"y \(4\); got shapes \(2, 3\) and \(4, 5\)\. Transpose one operand or check the "
        r"layer sizes\."
    )
    with pytest.raises(ValueError, match=expected):
        F.matmul(x, y)
    with pytest.raises(ValueError, match=r"the only axis of y \(4\)"):
        F.matmul(x, np.ones(4))


def test_matmul_of_batches_that_do_not_broadcast_is_refused():
    with pytest.raises(ValueError, match="batch axes .* do not"):
        F.matmul(np.ones((2, 3, 4)), np.ones((5, 4, 2)))


def test_matmul_of_a_scalar_is_refused():
    with pytest.raises(ValueError, match=r"at least one axis.*F\.mul"):
        F.matmul(nr.tensor(2.0), nr.tensor([1.0]))


# ----- dense --------------------------------------------------------------------------------
FUSED = [None, "linear", "relu", "sigmoid", "tanh"]
UNFUSED = ["elu", "softmax", "gelu", F.swish]


def _dense_inputs(rng, x_shape=(5, 4), units=3):
    x = rng.normal(size=x_shape)
    W = rng.normal(size=(x_shape[-1], units))
    b = rng.normal(size=units)
    z = x @ W + b
    assert np.abs(z).min() > 1e-3, "keep z away from relu's kink"
    return x, W, b


@pytest.mark.parametrize("activation", FUSED + UNFUSED, ids=str)
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_gradient_matches_central_differences(activation, use_bias, rng):
    x, W, b = _dense_inputs(rng)
    if use_bias:
        report = nr.gradcheck(lambda x, W, b: F.dense(x, W, b, activation=activation), [x, W, b])
    else:
        report = nr.gradcheck(lambda x, W: F.dense(x, W, activation=activation), [x, W])
    assert report.ok, report


@pytest.mark.parametrize("activation", ["relu", "tanh", None])
def test_dense_on_sequences_treats_leading_axes_as_batch(activation, rng):
    x, W, b = _dense_inputs(rng, x_shape=(2, 3, 4))
    report = nr.gradcheck(lambda x, W, b: F.dense(x, W, b, activation=activation), [x, W, b])
    assert report.ok, report
    assert F.dense(nr.tensor(x), W, b).shape == (2, 3, 3)


def test_dense_skips_the_input_gradient_when_the_input_is_data(rng):
    x, W, b = _dense_inputs(rng)
    W_t, b_t = nr.tensor(W, requires_grad=True), nr.tensor(b, requires_grad=True)
    out = F.dense(nr.tensor(x), W_t, b_t, activation="tanh")
    grads = out.grad_fn.backward(np.ones(out.shape))
    assert grads[0] is None  # δ Wᵀ is never computed for the data
    expected_delta = 1 - out.numpy() ** 2
    np.testing.assert_allclose(grads[1], x.T @ expected_delta, rtol=1e-12)
    np.testing.assert_allclose(grads[2], expected_delta.sum(axis=0), rtol=1e-12)


@pytest.mark.parametrize("activation", FUSED + UNFUSED, ids=str)
def test_dense_matches_torch_linear_with_the_kernel_transposed(
    activation, rng, torch, oracle_close
):
    x, W, b = _dense_inputs(rng, x_shape=(8, 4))
    cotangent = rng.normal(size=(8, 3))
    xs = [nr.tensor(a, requires_grad=True) for a in (x, W, b)]
    out = F.dense(*xs, activation=activation)
    out.backward(cotangent)
    ts = [torch.tensor(a, requires_grad=True) for a in (x, W.T.copy(), b)]  # torch stores Wᵀ
    z = torch.nn.functional.linear(*ts)
    tf = torch.nn.functional
    after = {
        None: lambda z: z,
        "linear": lambda z: z,
        "relu": torch.relu,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "elu": tf.elu,
        "softmax": lambda z: torch.softmax(z, dim=-1),
        "gelu": tf.gelu,
        F.swish: tf.silu,
    }
    out_th = after[activation](z)
    out_th.backward(torch.tensor(cotangent))
    oracle_close(out, out_th)
    oracle_close(xs[0].grad, ts[0].grad)
    oracle_close(xs[1].grad, ts[1].grad.T)
    oracle_close(xs[2].grad, ts[2].grad)


@pytest.mark.parametrize("activation", FUSED, ids=str)
def test_dense_keeps_float32(activation, rng):
    x = nr.tensor(rng.normal(size=(4, 3)).astype(np.float32))
    W = nr.tensor(rng.normal(size=(3, 2)).astype(np.float32), requires_grad=True)
    b = nr.tensor(np.zeros(2, dtype=np.float32), requires_grad=True)
    out = F.dense(x, W, b, activation=activation)
    out.backward(np.ones((4, 2), dtype=np.float32))
    assert out.dtype == W.grad.dtype == b.grad.dtype == np.float32


def test_dense_sigmoid_saturates_without_nan_or_warning():
    x = nr.tensor(np.array([[1e4], [-1e4]]))
    W = nr.tensor(np.ones((1, 1)), requires_grad=True)
    out = F.dense(x, W, activation="sigmoid")
    out.backward(np.ones((2, 1)))
    assert out.numpy().ravel().tolist() == [1.0, 0.0]
    assert W.grad.tolist() == [[0.0]]


def test_dense_with_the_wrong_input_size_says_what_to_do():
    x, W = np.ones((32, 28, 28)), np.ones((784, 128))
    with pytest.raises(
        ValueError,
        match=r"last axis has size 784 .* got x of shape "
        r"\(32, 28, 28\)\. Flatten the input",
    ):
        F.dense(x, W)


def test_dense_with_a_wrong_bias_or_kernel_is_refused():
    with pytest.raises(ValueError, match=r"bias b of shape \(3,\), got shape \(4,\)"):
        F.dense(np.ones((2, 4)), np.ones((4, 3)), np.ones(4))
    with pytest.raises(ValueError, match=r"kernel W of shape \(d_in, units\)"):
        F.dense(np.ones((2, 4)), np.ones(4))


def test_dense_with_an_unknown_activation_lists_the_known_ones():
    with pytest.raises(ValueError, match="one of .*'relu'.*got 'rleu'"):
        F.dense(np.ones((2, 4)), np.ones((4, 3)), activation="rleu")
