"""Batch and layer normalisation: float64 gradient checks (reverse and forward mode), oracle
tests against PyTorch, the course's formula on a tiny batch, and error messages."""

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F


def test_batch_norm_course_formula_on_two_samples():
    # x = [1, 3]: μ = 2, σ² = ((1−2)² + (3−2)²)/2 = 1, x̂ = [−1, 1]; y = 2x̂ + 0.5 = [−1.5, 2.5]
    y, mean, var = F.batch_norm(nr.tensor([[1.0], [3.0]]), [2.0], [0.5], epsilon=0.0)
    np.testing.assert_allclose(y.numpy().ravel(), [-1.5, 2.5])
    assert (mean.item(), var.item()) == (2.0, 1.0)


@pytest.mark.parametrize("shape, axis", [((6, 3), -1), ((4, 3, 2), -1), ((4, 3, 2), 1)])
def test_batch_norm_gradients_match_central_differences(shape, axis, rng):
    x = rng.normal(size=shape)
    n = shape[axis]
    gamma, beta = rng.normal(size=n), rng.normal(size=n)
    report = nr.gradcheck(lambda x, g, b: F.batch_norm(x, g, b, axis=axis)[0], [x, gamma, beta])
    assert report.ok, report


def test_batch_norm_statistics_outputs_are_differentiable(rng):
    x = rng.normal(size=(5, 3))

    def f(x):
        _, mean, var = F.batch_norm(x)
        return mean * 2.0 + var * 3.0

    report = nr.gradcheck(f, [x])
    assert report.ok, report


def test_batch_norm_without_scale_and_offset(rng):
    report = nr.gradcheck(lambda x: F.batch_norm(x, None, None)[0], [rng.normal(size=(5, 2))])
    assert report.ok, report


def test_batch_norm_inference_gradients_match_central_differences(rng):
    x, gamma, beta = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=3)
    mean, var = rng.normal(size=3), rng.uniform(0.5, 2.0, size=3)
    report = nr.gradcheck(
        lambda x, g, b: F.batch_norm_inference(x, g, b, mean, var), [x, gamma, beta]
    )
    assert report.ok, report


@pytest.mark.parametrize("shape, axis", [((4, 5), -1), ((2, 3, 4), -1), ((2, 3, 4), (1, 2))])
def test_layer_norm_gradients_match_central_differences(shape, axis, rng):
    x = rng.normal(size=shape)
    pshape = tuple(shape[a] for a in ((axis,) if isinstance(axis, int) else axis))
    gamma, beta = rng.normal(size=pshape), rng.normal(size=pshape)
    report = nr.gradcheck(lambda x, g, b: F.layer_norm(x, g, b, axis=axis), [x, gamma, beta])
    assert report.ok, report


def test_batch_norm_matches_torch_forward_and_backward(rng, torch, oracle_close):
    x, gamma, beta = rng.normal(size=(8, 4)), rng.normal(size=4), rng.normal(size=4)
    g_out = rng.normal(size=(8, 4))
    xs = [nr.tensor(a, requires_grad=True) for a in (x, gamma, beta)]
    y, mean, var = F.batch_norm(*xs, epsilon=1e-5)
    y.backward(g_out)
    ts = [torch.tensor(a, requires_grad=True) for a in (x, gamma, beta)]
    y_t = torch.nn.functional.batch_norm(ts[0], None, None, ts[1], ts[2], training=True, eps=1e-5)
    y_t.backward(torch.tensor(g_out))
    oracle_close(y, y_t)
    oracle_close(mean, x.mean(0))
    oracle_close(var, x.var(0))  # biased, like Keras
    for ours, theirs in zip(xs, ts):
        oracle_close(ours.grad, theirs.grad)


def test_layer_norm_matches_torch_forward_and_backward(rng, torch, oracle_close):
    x, gamma, beta = rng.normal(size=(3, 5, 6)), rng.normal(size=6), rng.normal(size=6)
    g_out = rng.normal(size=x.shape)
    xs = [nr.tensor(a, requires_grad=True) for a in (x, gamma, beta)]
    F.layer_norm(*xs, epsilon=1e-5).backward(g_out)
    ts = [torch.tensor(a, requires_grad=True) for a in (x, gamma, beta)]
    y_t = torch.nn.functional.layer_norm(ts[0], (6,), ts[1], ts[2], eps=1e-5)
    y_t.backward(torch.tensor(g_out))
    oracle_close(F.layer_norm(*(a.detach() for a in xs), epsilon=1e-5), y_t)
    for ours, theirs in zip(xs, ts):
        oracle_close(ours.grad, theirs.grad)


def test_float32_stays_float32(rng):
    x = nr.tensor(rng.normal(size=(4, 3)).astype("float32"))
    y, mean, var = F.batch_norm(x, np.ones(3, "float32"), np.zeros(3, "float32"))
    assert y.dtype == mean.dtype == var.dtype == np.float32
    assert F.layer_norm(x).dtype == np.float32


def test_wrong_gamma_size_names_the_function():
    with pytest.raises(ValueError, match="batch_norm: expected gamma with 3 values"):
        F.batch_norm(np.ones((2, 3)), np.ones(4))


def test_axis_out_of_range_says_which_axes_exist():
    with pytest.raises(ValueError, match=r"layer_norm: expected axis .* in \[-2, 1\]"):
        F.layer_norm(np.ones((2, 3)), axis=2)
