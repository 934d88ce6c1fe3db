"""The McCulloch–Pitts threshold unit: y = 1 if Σ wᵢxᵢ ≥ θ else 0."""

import numpy as np
import pytest

from neurona.classic import McCullochPitts
from neurona.datasets import logic_gate


@pytest.mark.parametrize("gate, unit", [("and", McCullochPitts.AND()), ("or", McCullochPitts.OR())])
def test_ready_made_gates_reproduce_their_truth_tables(gate, unit):
    X, y = logic_gate(gate)
    np.testing.assert_array_equal(unit.predict(X), y)


def test_not_and_three_input_and():
    np.testing.assert_array_equal(McCullochPitts.NOT().predict([[0], [1]]), [1, 0])
    X, y = McCullochPitts.AND(3).truth_table()
    assert X.shape == (8, 3) and y.tolist() == [0] * 7 + [1]


def test_threshold_is_inclusive():
    # Σ wᵢxᵢ = 0.5 + 0.5 = 1 ≥ θ = 1 → 1
    assert McCullochPitts([0.5, 0.5], threshold=1).predict([1, 1]) == 1


def test_absolute_inhibition_silences_the_unit():
    unit = McCullochPitts([1, 1, 0], threshold=1, inhibitory=(2,))
    np.testing.assert_array_equal(unit([[1, 1, 0], [1, 1, 1]]), [1, 0])


def test_clear_errors():
    with pytest.raises(ValueError, match="binary inputs"):
        McCullochPitts.OR().predict([[0.5, 1]])
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        McCullochPitts.OR().predict([[0, 1, 1]])
    with pytest.raises(ValueError, match="inhibitory indices"):
        McCullochPitts([1, 1], 1, inhibitory=(5,))
