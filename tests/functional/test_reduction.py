"""Reductions: float64 gradient checks (reverse and forward mode) over several axes, oracle tests
against PyTorch, ties of max/min, the stability of logsumexp and the error messages."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import neurona as nr
from neurona import functional as F

OPS = [F.sum, F.mean, F.max, F.min, F.logsumexp, F.var]
# (shape, axis, keepdims)
CASES = [
    ((5,), None, False),
    ((3, 4), 0, False),
    ((3, 4), 1, True),
    ((2, 3, 4), (0, 2), False),
    ((2, 3, 4), -1, True),
    ((2, 3, 4), None, True),
    ((2, 3, 4), (2, 0, 1), False),
    ((), None, False),
]


def distinct(rng, shape):
    """Values at least 0.3 apart (no ties, so max and min are differentiable)."""
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.3 - 0.15 * n + rng.uniform(0, 0.01, n)).reshape(shape)


def torch_dim(shape, axis):
    return tuple(range(len(shape))) if axis is None else axis


def torch_op(torch, name):
    return {
        "sum": torch.sum,
        "mean": torch.mean,
        "max": torch.amax,
        "min": torch.amin,
        "logsumexp": torch.logsumexp,
        "var": lambda x, dim, keepdim: torch.var(x, dim=dim, keepdim=keepdim, correction=0),
    }[name]


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.__name__)
@pytest.mark.parametrize("shape, axis, keepdims", CASES)
def test_reduction_gradients_match_central_differences(op, shape, axis, keepdims, rng):
    x = distinct(rng, shape)
    report = nr.gradcheck(lambda x: op(x, axis=axis, keepdims=keepdims), [x])
    assert report.ok, report


def test_sample_variance_gradient(rng):
    report = nr.gradcheck(lambda x: F.var(x, axis=0, ddof=1), [rng.normal(size=(4, 3))])
    assert report.ok, report


@settings(max_examples=25, deadline=None)
@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
def test_random_axes_gradients_and_shapes(shape, data):
    axis = tuple(data.draw(st.sets(st.integers(0, len(shape) - 1))))
    keepdims = data.draw(st.booleans())
    op = data.draw(st.sampled_from(OPS))
    x = distinct(np.random.default_rng(len(shape)), shape)
    report = nr.gradcheck(lambda x: op(x, axis=axis, keepdims=keepdims), [x])
    assert report.ok, report
    t = nr.tensor(x, requires_grad=True)
    z = op(t, axis=axis, keepdims=keepdims)
    assert z.shape == np.sum(x, axis=axis, keepdims=keepdims).shape
    z.backward(np.ones(z.shape))
    assert t.grad.shape == t.shape


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp", "var"])
@pytest.mark.parametrize("shape, axis, keepdims", CASES[:-1])
def test_reductions_match_torch(name, shape, axis, keepdims, rng, torch, oracle_close):
    x = distinct(rng, shape)
    cotangent = rng.normal(size=np.sum(x, axis=axis, keepdims=keepdims).shape)
    ours = nr.tensor(x, requires_grad=True)
    out = getattr(F, name)(ours, axis=axis, keepdims=keepdims)
    out.backward(cotangent)
    tx = torch.tensor(x, requires_grad=True)
    theirs = torch_op(torch, name)(tx, dim=torch_dim(shape, axis), keepdim=keepdims)
    theirs.backward(torch.tensor(cotangent))
    oracle_close(out, theirs)
    oracle_close(ours.grad, tx.grad)


def test_sample_variance_matches_torch(rng, torch, oracle_close):
    x = rng.normal(size=(5, 3))
    ours, tx = nr.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, theirs = F.var(ours, axis=0, ddof=1), torch.var(tx, dim=0)  # torch: correction=1
    out.sum().backward()
    theirs.sum().backward()
    oracle_close(out, theirs)
    oracle_close(ours.grad, tx.grad)


@pytest.mark.parametrize("op, torch_name", [(F.max, "amax"), (F.min, "amin")])
def test_ties_share_the_gradient_equally_like_torch(op, torch_name, torch, oracle_close):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [-1.0, 0.0, -1.0]])
    ours = nr.tensor(x, requires_grad=True)
    op(ours, axis=1).sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    getattr(torch, torch_name)(tx, dim=1).sum().backward()
    oracle_close(ours.grad, tx.grad)


def test_max_ties_by_hand_in_both_modes():
    # max of [1, 3, 3] is 3, reached twice: each 3 gets half of ∂L/∂z, the 1 gets nothing
    x = nr.tensor([1.0, 3.0, 3.0], requires_grad=True)
    F.max(x).backward()
    np.testing.assert_allclose(x.grad, [0.0, 0.5, 0.5])
    # ż = ½ ẋ₂ + ½ ẋ₃ = ½·2 + ½·4 = 3
    _, z_dot = nr.jvp(
        lambda x: F.max(x), (np.array([1.0, 3.0, 3.0]),), (np.array([9.0, 2.0, 4.0]),)
    )
    assert z_dot.item() == 3.0


def test_mean_of_the_course_example():
    # mean of [1, 2, 3, 4] = 10 / 4 = 2.5; every ∂mean/∂xᵢ = 1/4
    x = nr.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    m = x.mean()
    m.backward()
    assert m.item() == 2.5
    np.testing.assert_allclose(x.grad, [0.25] * 4)


def test_tensor_methods_call_the_reductions(rng):
    x = rng.normal(size=(3, 4))
    t = nr.tensor(x)
    np.testing.assert_allclose(t.sum(axis=0).numpy(), x.sum(axis=0))
    np.testing.assert_allclose(t.mean(axis=1, keepdims=True).numpy(), x.mean(1, keepdims=True))
    np.testing.assert_allclose(t.max().numpy(), x.max())
    np.testing.assert_allclose(t.min(axis=(0, 1)).numpy(), x.min())


def test_float32_stays_float32(rng):
    x = nr.tensor(rng.normal(size=(3, 4)).astype("float32"), requires_grad=True)
    for op in OPS:
        x.grad = None
        z = op(x, axis=1)
        z.sum().backward()
        assert z.dtype == np.float32 and x.grad.dtype == np.float32, op.__name__


def test_full_reduction_gives_a_zero_dimensional_array():
    z = F.sum(nr.tensor([1.0, 2.0]))
    assert isinstance(z.data, np.ndarray) and z.shape == ()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logsumexp_is_stable_at_large_inputs(dtype):
    x = nr.tensor(np.array([[1e4, -1e4, 1e4], [-1e4, -1e4, -1e4]], dtype=dtype), requires_grad=True)
    z = F.logsumexp(x, axis=1)
    z.sum().backward()
    np.testing.assert_allclose(z.numpy(), [1e4 + np.log(2), -1e4 + np.log(3)], rtol=1e-6)
    np.testing.assert_allclose(x.grad, [[0.5, 0.0, 0.5], [1 / 3] * 3], rtol=1e-6)
    assert np.isfinite(z.numpy()).all() and np.isfinite(x.grad).all()


def test_logsumexp_of_minus_infinity_is_minus_infinity():
    x = nr.tensor([[-np.inf, -np.inf], [0.0, -np.inf]], requires_grad=True)
    z = F.logsumexp(x, axis=1)
    z.sum().backward()
    np.testing.assert_allclose(z.numpy(), [-np.inf, 0.0])
    np.testing.assert_allclose(x.grad, [[0.0, 0.0], [1.0, 0.0]])


@settings(max_examples=30, deadline=None)
@given(
    arrays(
        np.float64, array_shapes(min_dims=1, max_dims=2, max_side=5), elements=st.floats(-1e4, 1e4)
    )
)
def test_logsumexp_lies_between_max_and_max_plus_log_n(x):
    t = nr.tensor(x, requires_grad=True)
    z = F.logsumexp(t, axis=-1)
    z.backward(np.ones(z.shape))
    m, n = x.max(axis=-1), x.shape[-1]
    assert np.all(z.numpy() >= m - 1e-9) and np.all(z.numpy() <= m + np.log(n) + 1e-9)
    np.testing.assert_allclose(t.grad.sum(axis=-1), 1.0)  # the gradient is a softmax


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.__name__)
def test_axis_out_of_range_is_a_clear_error(op):
    with pytest.raises(ValueError, match=rf"{op.__name__}\(\): axis 2 is out of range.*\[-2, 1\]"):
        op(nr.tensor(np.ones((2, 3))), axis=2)


def test_repeated_or_non_integer_axis_is_a_clear_error():
    with pytest.raises(ValueError, match="names an axis twice"):
        F.sum(nr.tensor(np.ones((2, 3))), axis=(1, -1))
    with pytest.raises(TypeError, match=r"mean\(\): expected axis"):
        F.mean(nr.tensor(np.ones((2, 3))), axis=1.0)


def test_max_of_an_empty_axis_is_a_clear_error():
    with pytest.raises(ValueError, match=r"max\(\): cannot reduce an empty input of shape"):
        F.max(nr.tensor(np.ones((0, 3))), axis=0)


def test_var_rejects_a_bad_ddof():
    with pytest.raises(ValueError, match="ddof"):
        F.var(nr.tensor([1.0, 2.0]), ddof=-1)
