"""Learning-rate schedules: values against Keras 3 at many steps, hand-computed examples,
config round trips and error messages."""

import numpy as np
import pytest

from neurona.optimizers import schedules

CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.8}),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.8, "staircase": True},
    ),
    ("PiecewiseConstantDecay", {"boundaries": [5, 12, 20], "values": [1.0, 0.5, 0.1, 0.01]}),
    ("CosineDecay", {"initial_learning_rate": 0.2, "decay_steps": 15}),
    ("CosineDecay", {"initial_learning_rate": 0.2, "decay_steps": 15, "alpha": 0.1}),
    (
        "CosineDecay",
        {
            "initial_learning_rate": 0.0,
            "decay_steps": 15,
            "warmup_steps": 5,
            "warmup_target": 0.3,
            "alpha": 0.05,
        },
    ),
]


@pytest.mark.parametrize("name, kwargs", CASES)
def test_values_match_keras_at_every_step(name, kwargs, keras):
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    steps = range(30)
    np.testing.assert_allclose(
        [ours(s) for s in steps], [float(theirs(s)) for s in steps], rtol=1e-6, atol=1e-8
    )
    assert ours.get_config() == theirs.get_config()


def test_hand_computed_examples():
    # 0.1 · 0.5^(3/2) = 0.035355…; staircase: 0.1 · 0.5^⌊1.5⌋ = 0.05
    assert schedules.ExponentialDecay(0.1, 2, 0.5)(3) == pytest.approx(0.1 * 0.5**1.5)
    assert schedules.ExponentialDecay(0.1, 2, 0.5, staircase=True)(3) == pytest.approx(0.05)
    # half way through the cosine: ½(1 + cos(π/2)) = ½ → α₀/2; past the end it stays at α·α₀
    assert schedules.CosineDecay(0.2, 10)(5) == pytest.approx(0.1)
    assert schedules.CosineDecay(0.2, 10, alpha=0.1)(50) == pytest.approx(0.02)
    # warmup rises linearly from 0 to 0.3 in 5 steps: step 2 → 0.12
    assert schedules.CosineDecay(0.0, 10, warmup_steps=5, warmup_target=0.3)(2) == pytest.approx(
        0.12
    )


@pytest.mark.parametrize("name, kwargs", CASES)
def test_config_round_trip(name, kwargs):
    schedule = getattr(schedules, name)(**kwargs)
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is type(schedule) and again.get_config() == schedule.get_config()
    assert [again(s) for s in range(25)] == [schedule(s) for s in range(25)]


def test_keras_serialized_schedules_load(keras):
    config = keras.optimizers.schedules.serialize(
        keras.optimizers.schedules.ExponentialDecay(0.1, 100, 0.96, staircase=True)
    )
    ours = schedules.deserialize(config)
    assert ours(250) == pytest.approx(0.1 * 0.96**2)


def test_errors_name_the_problem_and_the_fix():
    with pytest.raises(ValueError, match="decay_steps > 0"):
        schedules.ExponentialDecay(0.1, 0, 0.9)
    with pytest.raises(ValueError, match="decay_steps > 0"):
        schedules.CosineDecay(0.1, -5)
    with pytest.raises(ValueError, match="one more value than boundaries"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.01])
    with pytest.raises(ValueError, match="increasing boundaries"):
        schedules.PiecewiseConstantDecay([5, 2], [0.1, 0.01, 0.001])
    with pytest.raises(ValueError, match="Did you mean 'CosineDecay'"):
        schedules.deserialize({"class_name": "CosinDecay", "config": {}})
    with pytest.raises(NotImplementedError, match="must implement __call__"):
        schedules.LearningRateSchedule()(0)
