"""The course's optimiser forms usable in compile (issue 13): each rule against the course's
formula (neurona.classic's flat-θ rules and a by-hand computation), against Keras where the
forms agree (ε = 0, s₀ = 0) and by the predicted amount where they differ, against PyTorch where
PyTorch writes the course's form; compile takes the classic objects and the names."""

import numpy as np
import pytest

import neurona
from neurona import classic, layers, models, optimizers
from neurona.classic import course_optimizers as course

A = np.diag([1.0, 10.0, 0.1])  # J(θ) = ½ θᵀAθ + sin θ₀: curved and not quadratic


def _grad(theta):
    return A @ theta + np.array([np.cos(theta[0]), 0.0, 0.0])


SETTINGS = {
    "GD": {"learning_rate": 0.05},
    "Momentum": {"learning_rate": 0.05, "momentum": 0.9},
    "Nesterov": {"learning_rate": 0.05, "momentum": 0.9},
    "Adagrad": {"learning_rate": 0.3, "epsilon": 1e-8},
    "RMSProp": {"learning_rate": 0.05, "rho": 0.9, "epsilon": 1e-8},
    "Adam": {"learning_rate": 0.1, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8},
}


@pytest.mark.parametrize("name", list(SETTINGS))
def test_each_form_follows_the_course_formula_step_by_step(name):
    theta = np.array([1.0, -2.0, 3.0])
    flat = getattr(course, name)(**SETTINGS[name])
    ours = getattr(optimizers, f"Course{name}")(**SETTINGS[name])
    x = theta.copy()  # the weights; Nesterov's hold the look-ahead point
    for _ in range(25):
        flat.step(theta, _grad)
        ours.apply([_grad(x)], [x])
        iterate = ours.iterate(x) if name == "Nesterov" else x
        np.testing.assert_allclose(iterate, theta, rtol=1e-12, atol=1e-12)


def test_nesterov_takes_the_gradient_at_the_look_ahead_point():
    # by hand, J = ½x²: step 1 at x̃ = x₀ = 1: p = 1, x = 0.9; step 2 at x̃ = 0.9 − 0.1·1 = 0.8:
    # p = 0.8 + 0.9·1 = 1.7, x = 0.9 − 0.17 = 0.73; the weights hold x̃ = 0.73 − 0.17 = 0.56
    x = np.array([1.0])
    opt = optimizers.CourseNesterov(learning_rate=0.1, momentum=0.9)
    seen = []
    for _ in range(2):
        seen.append(float(x[0]))
        opt.apply([x.copy()], [x])  # g = x̃
    assert seen == pytest.approx([1.0, 0.8])
    assert float(opt.iterate(x)[0]) == pytest.approx(0.73) and float(x[0]) == pytest.approx(0.56)


def test_adam_adagrad_rmsprop_by_hand_on_one_weight():
    g1, g2 = 0.5, -0.25
    x = np.array([1.0])
    opt = optimizers.CourseAdam(learning_rate=0.1, epsilon=1e-3)
    opt.apply([np.array([g1])], [x])
    opt.apply([np.array([g2])], [x])
    m1, v1 = 0.1 * g1, 0.001 * g1**2
    x1 = 1 - 0.1 * (m1 / 0.1) / (np.sqrt(v1 / 0.001) + 1e-3)
    m2, v2 = 0.9 * m1 + 0.1 * g2, 0.999 * v1 + 0.001 * g2**2
    x2 = x1 - 0.1 * (m2 / (1 - 0.81)) / (np.sqrt(v2 / (1 - 0.999**2)) + 1e-3)
    assert float(x[0]) == pytest.approx(x2, rel=1e-12)
    y = np.array([1.0])
    optimizers.CourseAdagrad(learning_rate=0.1, epsilon=0.5).apply([np.array([g1])], [y])
    assert float(y[0]) == pytest.approx(1 - 0.1 * g1 / (0.5 + abs(g1)))  # s₀ = 0, ε outside
    z = np.array([1.0])
    optimizers.CourseRMSProp(learning_rate=0.1, rho=0.9, epsilon=0.5).apply([np.array([g1])], [z])
    assert float(z[0]) == pytest.approx(1 - 0.1 * g1 / (0.5 + np.sqrt(0.1) * abs(g1)))


def _keras_run(keras, opt, x0, grads):
    variable = keras.Variable(x0.astype("float32"))
    for g in grads:
        opt.apply([g.astype("float32")], [variable])
    return np.asarray(variable.value, dtype=np.float64)


def _ours_run(opt, x0, grads):
    x = x0.astype(np.float64).copy()
    for g in grads:
        opt.apply([g.astype(np.float64)], [x])
    return x


@pytest.fixture
def problem(rng):
    x0 = rng.normal(size=5)
    grads = [rng.normal(size=5) for _ in range(6)]
    grads[1][0] = grads[2][0] = 1e-4  # tiny gradients: where ε's place matters
    return x0, grads


def test_where_the_forms_agree_they_match_keras(keras, problem):
    x0, grads = problem
    pairs = [
        (keras.optimizers.Adam(learning_rate=0.01, epsilon=0.0),
         optimizers.CourseAdam(learning_rate=0.01, epsilon=0.0)),
        (keras.optimizers.RMSprop(learning_rate=0.01, rho=0.9, epsilon=0.0),
         optimizers.CourseRMSProp(learning_rate=0.01, rho=0.9, epsilon=0.0)),
        (keras.optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=0.0),
         optimizers.CourseAdagrad(learning_rate=0.1, epsilon=0.0)),
        (keras.optimizers.SGD(learning_rate=0.1), optimizers.CourseGD(learning_rate=0.1)),
    ]  # fmt: skip
    for theirs, ours in pairs:
        np.testing.assert_allclose(
            _ours_run(ours, x0, grads), _keras_run(keras, theirs, x0, grads), rtol=2e-5, atol=2e-6
        )


def test_where_the_forms_differ_the_gap_is_the_one_the_formulas_predict(keras):
    # one step from g: the course moves α g/(ε + |g|); Keras's Adagrad α g/√(0.1 + g² + ε),
    # Keras's RMSprop α g/√(0.1 g² + ε), Keras's Adam α g/(|g| + ε/√(1 − β₂))
    g, eps, lr = 1e-3, 1e-4, 0.1
    x0, grads = np.array([0.0]), [np.array([g])]
    k, c = keras.optimizers, optimizers
    cases = [
        (k.Adagrad(learning_rate=lr, epsilon=eps), c.CourseAdagrad(learning_rate=lr, epsilon=eps),
         lr * g / np.sqrt(0.1 + g * g + eps), lr * g / (eps + g)),
        (k.RMSprop(learning_rate=lr, epsilon=eps), c.CourseRMSProp(learning_rate=lr, epsilon=eps),
         lr * g / np.sqrt(0.1 * g * g + eps), lr * g / (eps + np.sqrt(0.1) * g)),
        (k.Adam(learning_rate=lr, epsilon=eps), c.CourseAdam(learning_rate=lr, epsilon=eps),
         lr * g / (g + eps / np.sqrt(0.001)), lr * g / (g + eps)),
    ]  # fmt: skip
    for theirs, ours, keras_step, course_step in cases:
        assert -_keras_run(keras, theirs, x0, grads)[0] == pytest.approx(keras_step, rel=1e-4)
        assert -_ours_run(ours, x0, grads)[0] == pytest.approx(course_step, rel=1e-12)
        assert abs(keras_step - course_step) > 0.05 * course_step  # the forms really differ


def test_course_momentum_is_pytorchs_sgd_with_momentum(torch, problem):
    x0, grads = problem
    ours = _ours_run(optimizers.CourseMomentum(learning_rate=0.1, momentum=0.9), x0, grads)
    w = torch.tensor(x0.copy(), requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    for g in grads:
        w.grad = torch.tensor(g)
        opt.step()
    np.testing.assert_allclose(ours, w.detach().numpy(), rtol=1e-12)


def test_compile_takes_the_classic_rules_and_the_names(rng):
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    for optimizer in (classic.Nesterov(0.05), "coursenesterov", classic.Adam(0.05),
                      optimizers.CourseRMSProp(0.01)):  # fmt: skip
        model = models.Sequential([layers.Input((3,)), layers.Dense(1)])
        model.compile(optimizer=optimizer, loss="mse")
        history = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
        assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    model = models.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=classic.Nesterov(0.05, momentum=0.8), loss="mse")
    assert type(model.optimizer).__name__ == "CourseNesterov" and model.optimizer.momentum == 0.8


def test_gd_sgd_and_mini_batch_are_coursegd_with_three_batch_sizes(rng):
    x = rng.normal(size=(32, 2)).astype("float32")
    y = (x @ np.array([[1.0], [-1.0]], dtype="float32")).astype("float32")
    for batch_size in (32, 8, 1):  # GD, mini-batch, SGD: the same rule as Keras's SGD()
        weights = []
        for optimizer in (optimizers.CourseGD(0.05), optimizers.SGD(0.05)):
            neurona.utils.set_random_seed(0)
            model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
            model.compile(optimizer=optimizer, loss="mse")
            model.fit(x, y, epochs=2, batch_size=batch_size, shuffle=False, verbose=0)
            weights.append(model.get_weights()[0])
        np.testing.assert_allclose(weights[0], weights[1], rtol=1e-6)


def test_a_model_with_a_course_optimiser_saves_and_loads(tmp_path, rng):
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer=optimizers.CourseAdam(learning_rate=0.02, epsilon=1e-6), loss="mse")
    model.fit(rng.normal(size=(8, 2)), rng.normal(size=(8, 1)), epochs=2, verbose=0)
    model.save(tmp_path / "m.neurona")
    loaded = models.load_model(tmp_path / "m.neurona")
    assert type(loaded.optimizer).__name__ == "CourseAdam"
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
