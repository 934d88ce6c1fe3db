"""Forward mode: the course's graph by two sweeps, and jvp = Jacobian · direction."""

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F


def test_course_graph_by_forward_mode_needs_two_sweeps():
    # course [D] G8: direction ȧ = 1 gives ∂e/∂a = 2; direction ḃ = 1 gives ∂e/∂b = 5
    def e(a, b):
        return (a + b) * (b + 1)

    value, de_da = nr.jvp(e, (2.0, 1.0), (1.0, 0.0))
    _, de_db = nr.jvp(e, (2.0, 1.0), (0.0, 1.0))
    assert (value.item(), de_da.item(), de_db.item()) == (6.0, 2.0, 5.0)


def test_jvp_equals_jacobian_times_direction(rng):
    x, v = rng.normal(size=3), rng.normal(size=3)

    def f(x):
        return F.exp(x) * 2.0 + x * x

    _, out_dot = nr.jvp(f, (x,), (v,))
    jacobian = np.diag(2 * np.exp(x) + 2 * x)
    np.testing.assert_allclose(out_dot.numpy(), jacobian @ v, rtol=1e-12)


def test_jvp_of_an_output_that_ignores_the_input_is_zero():
    _, out_dot = nr.jvp(lambda x, y: y * 2.0, (1.0, 3.0), (1.0, 0.0))
    assert out_dot.item() == 0.0


def test_jvp_with_several_outputs():
    outs, dots = nr.jvp(lambda x: (x * 2.0, x * x), (3.0,), (1.0,))
    assert [d.item() for d in dots] == [2.0, 6.0]
    assert [o.item() for o in outs] == [6.0, 9.0]


def test_jvp_records_no_reverse_graph():
    out, _ = nr.jvp(lambda x: x * x, (3.0,), (1.0,))
    assert out.grad_fn is None


def test_jvp_errors_name_the_mismatch():
    with pytest.raises(ValueError, match="one tangent per primal"):
        nr.jvp(lambda x: x, (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError, match="tangent 0 must have the shape"):
        nr.jvp(lambda x: x, (np.ones(3),), (np.ones(2),))
