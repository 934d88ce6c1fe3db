"""The course's update rules (docs/course.md O1, O3–O6, O8): the first two steps on J(θ) = θ²
(g = 2θ) from θ⁰ = 1 with α = 0.1, against hand computations."""

import numpy as np
import pytest

from neurona.classic import course_optimizers as co


def grad(theta):
    return 2 * theta  # J(θ) = θ², ∇J = 2θ


def two_steps(optimizer, theta0=1.0):
    theta = np.array([theta0])
    first = optimizer.step(theta, grad)[0]
    second = optimizer.step(theta, grad)[0]
    return first, second


def test_gd_first_two_steps():
    # θ¹ = 1 − 0.1·2 = 0.8;  θ² = 0.8 − 0.1·1.6 = 0.64
    assert two_steps(co.GD(learning_rate=0.1)) == pytest.approx((0.8, 0.64), rel=1e-12)


def test_momentum_first_two_steps_as_the_course_writes_it():
    # p¹ = g¹ + η p⁰ = 2 + 0 = 2;          θ¹ = 1 − 0.1·2 = 0.8
    # p² = g² + η p¹ = 1.6 + 0.9·2 = 3.4;  θ² = 0.8 − 0.1·3.4 = 0.46
    result = two_steps(co.Momentum(learning_rate=0.1, momentum=0.9))
    assert result == pytest.approx((0.8, 0.46), rel=1e-12)


def test_nesterov_first_two_steps_take_the_gradient_at_the_look_ahead_point():
    # step 1: x̃ = 1 − 0.1·0 = 1,     g = 2,   p¹ = 2,               θ¹ = 1 − 0.2 = 0.8
    # step 2: x̃ = 0.8 − 0.1·2 = 0.6, g = 1.2, p² = 1.2 + 0.9·2 = 3.0, θ² = 0.8 − 0.3 = 0.5
    # (plain momentum would give 0.46: the gradient is taken at x̃, not at θ¹)
    result = two_steps(co.Nesterov(learning_rate=0.1, momentum=0.9))
    assert result == pytest.approx((0.8, 0.5), rel=1e-12)


def test_adagrad_first_two_steps_with_epsilon_outside_the_root():
    # ε = 0.1 so that its placement shows:
    # s¹ = 4;  θ¹ = 1 − 0.1/(0.1 + √4)·2 = 1 − 0.2/2.1 = 0.9047619
    # g² = 1.8095238;  s² = 4 + 1.8095238² = 7.2743764;  θ² = θ¹ − 0.1/(0.1 + 2.6971)·g² = 0.8400692
    result = two_steps(co.Adagrad(learning_rate=0.1, epsilon=0.1))
    assert result == pytest.approx((0.9047619047619048, 0.8400691711944708), rel=1e-12)
    assert result[0] != pytest.approx(1 - 0.1 / np.sqrt(4 + 0.1) * 2)  # not Keras's √(s + ε)


def test_rmsprop_first_two_steps_with_epsilon_outside_the_root():
    # ŝ¹ = 0.9·0 + 0.1·4 = 0.4;  θ¹ = 1 − 0.1/(0.1 + √0.4)·2 = 0.7269459
    # g² = 1.4538918;  ŝ² = 0.9·0.4 + 0.1·g²² = 0.5713801;  θ² = θ¹ − 0.1/(0.1 + √ŝ²)·g² = 0.5570783
    result = two_steps(co.RMSProp(learning_rate=0.1, rho=0.9, epsilon=0.1))
    assert result == pytest.approx((0.7269458810083713, 0.5570782533050529), rel=1e-12)


def test_adam_first_two_steps_with_bias_correction():
    # step 1: m = 0.1·2 = 0.2, v = 0.001·4 = 0.004, m̂ = 0.2/0.1 = 2, v̂ = 0.004/0.001 = 4,
    #         θ¹ = 1 − 0.1·2/(2 + 1e-8) = 0.9
    # step 2: g = 1.8, m = 0.18 + 0.18 = 0.36, v = 0.003996 + 0.00324 = 0.007236,
    #         m̂ = 0.36/0.19 = 1.8947368, v̂ = 0.007236/0.001999 = 3.6198099,
    #         θ² = 0.9 − 0.1·1.8947368/(1.9025798 + 1e-8) = 0.8004122
    result = two_steps(co.Adam(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8))
    assert result == pytest.approx((0.9000000005, 0.8004122286917927), rel=1e-12)


def test_adagrad_scales_each_component_by_its_own_history():
    theta = np.array([1.0, -3.0])
    co.Adagrad(learning_rate=0.1, epsilon=0.0).step(theta, grad)
    # first step of Adagrad moves every component by α·sign(g): 1 − 0.1, −3 + 0.1
    np.testing.assert_allclose(theta, [0.9, -2.9], rtol=1e-12)


def test_reset_forgets_the_state():
    opt = co.Momentum(learning_rate=0.1)
    first = two_steps(opt)
    opt.reset()
    assert two_steps(opt) == first


def test_get_optimizer_names_and_error():
    assert isinstance(co.get_optimizer("nesterov", 0.5), co.Nesterov)
    assert co.get_optimizer("nesterov", 0.5).learning_rate == 0.5
    with pytest.raises(ValueError, match="expected one of"):
        co.get_optimizer("lbfgs")
    with pytest.raises(ValueError, match="learning_rate > 0"):
        co.Adam(learning_rate=-1)
