"""Elementwise primitives: float64 gradient checks (reverse and forward mode) with broadcasting,
oracle tests against PyTorch, and the course's small examples."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes

import neurona as nr
from neurona import functional as F

BROADCAST_PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((5,), ())]


@pytest.mark.parametrize("op", [F.add, F.sub, F.mul, F.div, F.maximum, F.minimum])
@pytest.mark.parametrize("shapes", BROADCAST_PAIRS)
def test_binary_op_gradients_match_central_differences(op, shapes, rng):
    x = rng.normal(size=shapes[0])
    y = rng.normal(size=shapes[1]) + 3.0  # keep y away from 0 (div) and from x (max ties)
    report = nr.gradcheck(op, [x, y])
    assert report.ok, report


@pytest.mark.parametrize(
    "op, low",
    [(F.exp, -2.0), (F.log, 0.5), (F.sqrt, 0.5), (F.square, -2.0), (F.neg, -2.0), (F.abs, 0.1)],
)
def test_unary_op_gradients_match_central_differences(op, low, rng):
    x = rng.uniform(low, 2.5, size=(3, 4))
    if op is F.abs:
        x *= rng.choice([-1.0, 1.0], size=x.shape)  # both signs, away from the kink at 0
    report = nr.gradcheck(op, [x])
    assert report.ok, report


def test_pow_gradient_for_base_and_tensor_exponent(rng):
    x = rng.uniform(0.5, 2.0, size=(3, 4))
    y = rng.normal(size=(4,))
    assert nr.gradcheck(F.pow, [x, y]).ok
    assert nr.gradcheck(lambda x: x**3, [x]).ok
    assert nr.gradcheck(lambda y: 2.0**y, [y]).ok


def test_clip_and_where_gradients(rng):
    x = rng.normal(size=(4, 5))
    x[np.abs(np.abs(x) - 0.5) < 1e-3] = 0.2  # away from the clip edges
    assert nr.gradcheck(lambda x: F.clip(x, -0.5, 0.5), [x]).ok
    cond = x > 0
    assert nr.gradcheck(lambda a, b: F.where(cond, a, b), [x, rng.normal(size=(5,))]).ok


@settings(max_examples=30, deadline=None)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
def test_broadcast_gradient_has_the_input_shape(shapes):
    x = nr.tensor(np.ones(shapes.input_shapes[0]), requires_grad=True)
    y = nr.tensor(np.full(shapes.input_shapes[1], 2.0), requires_grad=True)
    (x * y + x / y).backward(np.ones(shapes.result_shape))
    assert x.grad.shape == x.shape and y.grad.shape == y.shape
    # ∂/∂x Σ(x y + x / y) = Σ over broadcast copies of (y + 1/y) = 2.5 · copies
    copies = int(np.prod(shapes.result_shape)) // max(x.size, 1)
    np.testing.assert_allclose(x.grad, 2.5 * copies)


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-3, 3)))
def test_python_scalars_on_either_side(values):
    x = nr.tensor(values, requires_grad=True)
    y = 2.0 * x + 1.0 - x / 4.0 + (3.0 - x) * 0.5
    y.backward(np.ones_like(values))
    np.testing.assert_allclose(x.grad, 2.0 - 0.25 - 0.5)
    np.testing.assert_allclose(y.numpy(), 1.25 * values + 2.5)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow", "maximum", "minimum"])
def test_binary_ops_match_torch(name, rng, torch, oracle_close):
    x = rng.uniform(0.5, 2.0, size=(3, 4))
    y = rng.uniform(0.5, 2.0, size=(4,))
    ours_x, ours_y = nr.tensor(x, requires_grad=True), nr.tensor(y, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.tensor(y, requires_grad=True)
    out = getattr(F, name)(ours_x, ours_y)
    theirs = getattr(torch, name)(tx, ty)
    out.backward(np.ones(out.shape))
    theirs.backward(torch.ones_like(theirs))
    oracle_close(out, theirs)
    oracle_close(ours_x.grad, tx.grad)
    oracle_close(ours_y.grad, ty.grad)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "square", "abs", "neg"])
def test_unary_ops_match_torch(name, rng, torch, oracle_close):
    x = rng.uniform(0.2, 2.0, size=(2, 3, 4)) * rng.choice([1.0, -1.0], size=(2, 3, 4))
    if name in ("log", "sqrt"):
        x = np.abs(x)
    ours = nr.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    out, theirs = getattr(F, name)(ours), getattr(torch, name)(tx)
    out.backward(np.ones(out.shape))
    theirs.backward(torch.ones_like(theirs))
    oracle_close(out, theirs)
    oracle_close(ours.grad, tx.grad)


def test_clip_and_where_match_torch(rng, torch, oracle_close):
    x = rng.normal(size=(5, 3))
    ours = nr.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    out = F.where(ours > 0, F.clip(ours, -0.5, 0.5), ours * 3.0)
    theirs = torch.where(tx > 0, torch.clamp(tx, -0.5, 0.5), tx * 3.0)
    out.backward(np.ones(out.shape))
    theirs.backward(torch.ones_like(theirs))
    oracle_close(out, theirs)
    oracle_close(ours.grad, tx.grad)


def test_maximum_splits_the_gradient_on_ties():
    x, y = nr.tensor([1.0, 2.0], requires_grad=True), nr.tensor([1.0, 0.0], requires_grad=True)
    F.maximum(x, y).backward(np.ones(2, dtype="float32"))
    assert x.grad.tolist() == [0.5, 1.0] and y.grad.tolist() == [0.5, 0.0]


def test_comparisons_give_booleans_and_no_gradient():
    x = nr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for mask, expected in [
        (x > 2, [0, 0, 1]),
        (x >= 2, [0, 1, 1]),
        (x < 2, [1, 0, 0]),
        (x <= 2, [1, 1, 0]),
        (x == 2, [0, 1, 0]),
        (x != 2, [1, 0, 1]),
    ]:
        assert mask.dtype == bool and not mask.requires_grad
        assert mask.numpy().astype(int).tolist() == expected


def test_float32_stays_float32_with_python_scalars():
    x = nr.tensor([1.0, 2.0])
    for y in (x + 1, 2.0 * x, x / 3, x**2, 1 - x, F.exp(x)):
        assert y.dtype == np.float32


def test_clip_needs_a_bound():
    with pytest.raises(ValueError, match="clip.*min_value"):
        F.clip(nr.tensor([1.0]))
