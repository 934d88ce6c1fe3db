"""Toy sets: truth tables, shapes, dtypes, class balance and determinism."""

import numpy as np
import pytest

from neurona.datasets import toy


def test_logic_gates_truth_tables():
    X, y = toy.xor()
    assert X.dtype == np.float32 and X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [0, 1, 1, 0]
    assert toy.and_()[1].tolist() == [0, 0, 0, 1]
    assert toy.or_()[1].tolist() == [0, 1, 1, 1]
    assert toy.logic_gate("NAND")[1].tolist() == [1, 1, 1, 0]
    assert toy.logic_gate("nor")[1].tolist() == [1, 0, 0, 0]
    assert toy.logic_gate("xnor")[1].tolist() == [1, 0, 0, 1]
    X3, y3 = toy.xor(n_inputs=3)
    assert X3.shape == (8, 3) and y3.tolist() == [0, 1, 1, 0, 1, 0, 0, 1]  # odd parity


def test_signed_gates_use_plus_minus_one():
    X, y = toy.logic_gate("and", signed=True)
    assert X.tolist() == [[-1, -1], [-1, 1], [1, -1], [1, 1]] and y.tolist() == [-1, -1, -1, 1]


def test_unknown_gate_is_a_clear_error():
    with pytest.raises(ValueError, match="expected a gate in"):
        toy.logic_gate("implies")


GENERATORS = [
    (toy.make_moons, {"noise": 0.1}, 2),
    (toy.make_circles, {"noise": 0.05}, 2),
    (toy.make_spirals, {"n_classes": 3, "noise": 0.1}, 3),
    (toy.make_gaussians, {"centers": 4}, 4),
]


@pytest.mark.parametrize("make, kwargs, n_classes", GENERATORS)
def test_classification_sets_shapes_dtypes_balance_and_determinism(make, kwargs, n_classes):
    X, y = make(101, random_state=7, **kwargs)
    assert X.shape == (101, 2) and X.dtype == np.float32 and y.dtype == np.int64
    counts = np.bincount(y)
    assert len(counts) == n_classes and counts.max() - counts.min() <= 1
    X2, y2 = make(101, random_state=7, **kwargs)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(101, random_state=8, **kwargs)
    assert not np.array_equal(X, X3)


def test_noise_free_moons_lie_on_their_half_circles():
    X, y = toy.make_moons(50, random_state=0)
    r0 = np.hypot(X[y == 0, 0], X[y == 0, 1])
    r1 = np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5)
    np.testing.assert_allclose(r0, 1, atol=1e-6)
    np.testing.assert_allclose(r1, 1, atol=1e-6)


def test_gaussians_with_given_centres():
    X, y = toy.make_gaussians(
        400, centers=[[0, 0, 0], [10, 10, 10]], cluster_std=0.5, random_state=0
    )
    assert X.shape == (400, 3)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [10, 10, 10], atol=0.15)


def test_regression_1d():
    x, y = toy.make_regression_1d(200, noise=0.1, random_state=0)
    assert x.shape == (200, 1) and y.shape == (200,) and x.dtype == y.dtype == np.float32
    residual = y - np.sin(x[:, 0])
    assert abs(residual.std() - 0.1) < 0.02
    x2, y2 = toy.make_regression_1d(200, noise=0.1, random_state=0)
    np.testing.assert_array_equal(y, y2)
    _, y_cubic = toy.make_regression_1d(5, noise=0, function=lambda t: t**3, random_state=1)
    assert y_cubic.dtype == np.float32
    with pytest.raises(ValueError, match="expected function in"):
        toy.make_regression_1d(function="tan")


def test_bad_sizes_are_clear_errors():
    with pytest.raises(ValueError, match="n_samples to be an int >= 2"):
        toy.make_moons(1)
    with pytest.raises(ValueError, match="0 < factor < 1"):
        toy.make_circles(10, factor=1.5)
