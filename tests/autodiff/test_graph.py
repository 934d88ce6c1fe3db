"""The reverse sweep: accumulation, shared sub-expressions, freeing, no_grad, long chains."""

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F
from neurona.autodiff.function import Function


def test_course_graph_by_reverse_mode():
    # course [D] G8: c = a + b = 3, d = b + 1 = 2, e = c·d = 6; ∂e/∂a = d = 2, ∂e/∂b = d + c = 5
    a, b = nr.tensor(2.0, requires_grad=True), nr.tensor(1.0, requires_grad=True)
    c = a + b
    d = b + 1
    e = c * d
    e.backward()
    assert (c.item(), d.item(), e.item()) == (3.0, 2.0, 6.0)
    assert (a.grad.item(), b.grad.item()) == (2.0, 5.0)


def test_backward_accumulates_when_a_tensor_is_used_twice():
    x = nr.tensor(3.0, requires_grad=True)
    (x * x + x).backward()  # 2x + 1 = 7
    assert x.grad.item() == 7.0


def test_gradients_accumulate_across_backward_calls_like_pytorch():
    x = nr.tensor(2.0, requires_grad=True)
    (x * 3).backward()
    (x * 4).backward()
    assert x.grad.item() == 7.0
    x.zero_grad()
    assert x.grad is None


def test_diamond_graph_sums_both_paths():
    # y = f(f(w)) pattern: z = u·v with u = 2w, v = u + w  →  z = 2w(3w) = 6w², dz/dw = 12w
    w = nr.tensor(1.5, requires_grad=True)
    u = w * 2
    v = u + w
    (u * v).backward()
    assert w.grad.item() == pytest.approx(18.0)


def test_backward_of_a_non_scalar_without_grad_says_what_to_do():
    x = nr.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="expected a scalar output.*shape \\(2,\\).*mean\\(\\)"):
        (x * 2).backward()


def test_backward_with_a_gradient_of_the_wrong_shape():
    x = nr.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="gradient of the output's shape"):
        (x * 2).backward(np.ones(3))


def test_backward_on_a_tensor_without_grad_explains():
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        nr.tensor(1.0).backward()


def test_graph_is_freed_after_backward_unless_retained():
    x = nr.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 8.0
    with pytest.raises(RuntimeError, match="already freed.*retain_graph=True"):
        y.backward()
    assert y.grad_fn.saved == () and y.grad_fn.inputs == ()


def test_chain_of_100000_nodes_does_not_hit_the_recursion_limit():
    x = nr.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_no_grad_records_nothing_and_restores_the_mode():
    w = nr.tensor([1.0], requires_grad=True)
    with nr.no_grad():
        y = w * 2
        assert not nr.is_grad_enabled()
    assert nr.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None

    @nr.no_grad()
    def update(p):
        return p - 0.1

    assert not update(w).requires_grad


def test_retain_grad_keeps_an_intermediate_gradient():
    a = nr.tensor(2.0, requires_grad=True)
    c = (a + 1).retain_grad()
    (c * c).backward()
    assert c.grad.item() == 6.0 and a.grad.item() == 6.0


def test_constants_get_no_gradient():
    x = nr.tensor([1.0, 2.0], requires_grad=True)
    k = nr.tensor([5.0, 5.0])
    (x * k).backward(np.ones(2, dtype=np.float32))
    assert k.grad is None and x.grad.tolist() == [5.0, 5.0]


def test_differentiating_through_a_non_differentiable_op_raises():
    class Heaviside(Function):
        def forward(self, x):
            return (x >= 0).astype(x.dtype)

    x = nr.tensor([1.0, -1.0], requires_grad=True)
    y = Heaviside.apply(x) * x
    with pytest.raises(RuntimeError, match="Heaviside has no gradient.*detach"):
        y.backward(np.ones(2, dtype=np.float32))


def test_ops_with_several_outputs_get_zeros_for_unused_outputs():
    class SplitHalf(Function):
        def forward(self, x):
            n = x.shape[0] // 2
            return x[:n] * 2, x[n:] * 3

        def backward(self, grad_a, grad_b):
            return np.concatenate([grad_a * 2, grad_b * 3])

    x = nr.tensor([1.0, 1.0, 1.0, 1.0], requires_grad=True)
    a, b = SplitHalf.apply(x)
    (a * 1.0).backward(np.ones(2, dtype=np.float32))
    assert x.grad.tolist() == [2.0, 2.0, 0.0, 0.0]


def test_float64_inputs_keep_float64_gradients():
    x = nr.tensor(np.array([1.0, 2.0]), requires_grad=True)
    F.exp(x).backward(np.ones(2))
    assert x.grad.dtype == np.float64


def test_retain_grad_on_the_root_gives_the_seed_like_pytorch():
    x = nr.tensor([2.0, 3.0], requires_grad=True)
    e = (x * x).sum()
    e.retain_grad()
    e.backward()
    assert float(e.grad) == 1.0
    np.testing.assert_allclose(x.grad, [4.0, 6.0])
