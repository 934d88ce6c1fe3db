"""grad and value_and_grad: function-level reverse mode."""

import numpy as np
import pytest

import neurona as nr
from neurona import functional as F


def test_grad_of_a_cube():
    assert nr.grad(lambda x: x**3)(2.0).item() == 12.0


def test_grad_with_several_argnums(rng):
    x, y = rng.normal(size=3), rng.normal(size=3)

    def f(x, y):
        return F.exp(x * y).sum()

    gx, gy = nr.grad(f, argnums=(0, 1))(x, y)
    np.testing.assert_allclose(gx, y * np.exp(x * y))
    np.testing.assert_allclose(gy, x * np.exp(x * y))


def test_value_and_grad_returns_both_and_leaves_inputs_untouched():
    x = np.array([1.0, 2.0])
    value, g = nr.value_and_grad(lambda x: (x * x * 0.5).sum())(x)
    assert value.item() == 2.5 and g.tolist() == [1.0, 2.0] and x.tolist() == [1.0, 2.0]


def test_grad_of_an_unused_argument_is_zero():
    gx, gy = nr.grad(lambda x, y: x * 2.0, argnums=(0, 1))(1.0, 5.0)
    assert (gx.item(), gy.item()) == (2.0, 0.0)


def test_grad_errors():
    with pytest.raises(TypeError, match="argnums"):
        nr.grad(lambda x: x, argnums="0")(1.0)
    with pytest.raises(ValueError, match="argument 2"):
        nr.grad(lambda x: x, argnums=2)(1.0)
    with pytest.raises(TypeError, match="must return a tensor"):
        nr.grad(lambda x: 3.0)(1.0)
