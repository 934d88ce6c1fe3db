"""Rosenblatt's perceptron: the learning rule by hand, convergence on AND/OR, none on XOR."""

import warnings

import numpy as np
import pytest

from neurona.classic import ConvergenceWarning, Perceptron
from neurona.datasets import logic_gate


def test_update_rule_on_hand_computed_steps_with_0_1_labels():
    p = Perceptron(learning_rate=0.5)
    # w = (0, 0), b = 0; x = (1, 1), d = 1: s = 0 → y = 0, d − y = 1
    # w ← (0, 0) + 0.5·1·(1, 1) = (0.5, 0.5);  b ← 0 + 0.5·1 = 0.5
    assert p.update([1.0, 1.0], 1) is True
    np.testing.assert_allclose(p.weights_, [0.5, 0.5])
    assert p.bias_ == 0.5
    # x = (1, 0), d = 0: s = 0.5 + 0.5 = 1 > 0 → y = 1, d − y = −1
    # w ← (0.5, 0.5) − 0.5·(1, 0) = (0, 0.5);  b ← 0.5 − 0.5 = 0
    assert p.update([1.0, 0.0], 0) is True
    np.testing.assert_allclose(p.weights_, [0.0, 0.5])
    assert p.bias_ == 0.0
    # x = (0, 1), d = 1: s = 0.5 > 0 → y = 1 = d, no change
    assert p.update([0.0, 1.0], 1) is False
    np.testing.assert_allclose(p.weights_, [0.0, 0.5])


def test_update_rule_on_hand_computed_steps_with_plus_minus_1_labels():
    p = Perceptron(learning_rate=1.0, labels="-1/+1")
    # x = (2, 1), d = −1: s = 0 → sign gives −1 = d: well classified, no change
    assert p.update([2.0, 1.0], -1) is False
    # x = (1, 1), d = +1: s = 0 → −1 ≠ d: w ← 0 + 1·(+1)·(1, 1) = (1, 1), b ← 1
    assert p.update([1.0, 1.0], 1) is True
    np.testing.assert_allclose(p.weights_, [1.0, 1.0])
    assert p.bias_ == 1.0
    # x = (2, 1), d = −1: s = 2 + 1 + 1 = 4 → +1 ≠ d: w ← (1, 1) − (2, 1) = (−1, 0), b ← 0
    assert p.update([2.0, 1.0], -1) is True
    np.testing.assert_allclose(p.weights_, [-1.0, 0.0])
    assert p.bias_ == 0.0


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor"])
@pytest.mark.parametrize("signed", [False, True])
def test_converges_on_linearly_separable_gates(gate, signed):
    X, y = logic_gate(gate, signed=signed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning
        p = Perceptron(max_epochs=50).fit(X, y)
    assert p.converged_
    assert p.errors_[-1] == 0 and all(e > 0 for e in p.errors_[:-1])
    assert p.n_epochs_ == len(p.errors_)
    np.testing.assert_array_equal(p.predict(X), y)
    assert p.score(X, y) == 1.0
    assert p.classes_.tolist() == ([-1, 1] if signed else [0, 1])


def test_and_errors_per_epoch_from_zero_weights():
    # epoch 1: only (1,1) is misclassified (s = 0 → 0) → w = (1,1), b = 1; …
    X, y = logic_gate("and")
    assert Perceptron().fit(X, y).errors_ == [1, 3, 3, 2, 1, 0]


@pytest.mark.parametrize("signed", [False, True])
def test_does_not_converge_on_xor_and_warns(signed):
    X, y = logic_gate("xor", signed=signed)
    with pytest.warns(ConvergenceWarning, match="linearly"):
        p = Perceptron(max_epochs=30).fit(X, y)
    assert p.converged_ is False
    assert len(p.errors_) == 30 and min(p.errors_) > 0
    assert p.score(X, y) < 1.0


def test_shuffle_is_reproducible_with_random_state():
    X, y = logic_gate("or", n_inputs=3)
    a = Perceptron(shuffle=True, random_state=3).fit(X, y)
    b = Perceptron(shuffle=True, random_state=3).fit(X, y)
    assert a.errors_ == b.errors_ and a.converged_
    np.testing.assert_array_equal(a.weights_, b.weights_)


def test_refit_starts_from_zero():
    X, y = logic_gate("and")
    p = Perceptron().fit(X, y)
    first = (p.weights_.copy(), p.bias_, list(p.errors_))
    p.fit(X, y)
    np.testing.assert_array_equal(first[0], p.weights_)
    assert (first[1], first[2]) == (p.bias_, p.errors_)


def test_clear_errors():
    with pytest.raises(ValueError, match="0/1 or ±1 labels"):
        Perceptron().fit([[0.0], [1.0]], [0, 2])
    with pytest.raises(ValueError, match="learning_rate > 0"):
        Perceptron(learning_rate=0)
    with pytest.raises(ValueError, match="labels in"):
        Perceptron(labels="yes/no")
    with pytest.raises(RuntimeError, match="Call fit"):
        Perceptron().predict([[0.0, 1.0]])
    p = Perceptron().fit(*logic_gate("and"))
    with pytest.raises(ValueError, match="expected 2 features"):
        p.predict([[0.0, 1.0, 1.0]])
