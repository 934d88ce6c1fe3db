"""Optimisers against their oracles: step-by-step trajectories on the same gradients compared with
Keras 3 itself (every optimiser, clipping, weight decay, schedules; float32) and with PyTorch where
the formula is the same (float64), plus the course's momentum formula."""

import numpy as np
import pytest

import neurona as nr
from neurona import optimizers

STEPS = 6
SHAPES = [(3, 4), (4,)]  # two variables, so global_clipnorm sees more than one gradient


def _problem(dtype, seed=0):
    """Initial values and a fixed sequence of gradients (a few entries tiny, so ε matters)."""
    rng = np.random.default_rng(seed)
    x0 = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    grads = [[rng.normal(size=s).astype(dtype) for s in SHAPES] for _ in range(STEPS)]
    grads[2][0][0, :2] = 1e-4
    return x0, grads


def _schedule(module, spec):
    name, kwargs = spec
    return getattr(module, name)(**kwargs)


def _make(lib, name, kwargs):
    """The same optimiser in neurona or Keras: the argument names are identical by design."""
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("learning_rate"), tuple):
        kwargs["learning_rate"] = _schedule(lib.optimizers.schedules, kwargs["learning_rate"])
    return getattr(lib.optimizers, name)(**kwargs)


def _ours(name, kwargs, x0, grads, api="apply"):
    opt = _make(nr, name, kwargs)
    variables = [nr.tensor(x.copy()) for x in x0]
    trajectory = []
    for g in grads:
        if api == "apply":
            opt.apply(g, variables)
        elif api == "apply_gradients":
            opt.apply_gradients(zip(g, variables))
        else:  # PyTorch style: gradients live on the tensors
            for v, gi in zip(variables, g):
                v.grad = gi
            opt.step(variables)
            opt.zero_grad(variables)
        trajectory.append([v.data.copy() for v in variables])
    return trajectory


def _keras(keras, name, kwargs, x0, grads):
    opt = _make(keras, name, kwargs)
    variables = [keras.Variable(x.copy()) for x in x0]
    trajectory = []
    for g in grads:
        opt.apply(g, variables)
        trajectory.append([np.asarray(v.value) for v in variables])
    return trajectory


KERAS_CASES = {
    "sgd": ("SGD", {"learning_rate": 0.1}),
    "sgd_momentum": ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    "rmsprop": ("RMSprop", {"learning_rate": 0.01}),
    "rmsprop_centered_momentum": (
        "RMSprop",
        {"learning_rate": 0.01, "rho": 0.8, "momentum": 0.5, "centered": True},
    ),
    "adagrad": ("Adagrad", {"learning_rate": 0.1}),
    "adadelta": ("Adadelta", {"learning_rate": 1.0}),
    "adam": ("Adam", {"learning_rate": 0.01}),
    "adam_amsgrad": ("Adam", {"learning_rate": 0.01, "beta_1": 0.8, "amsgrad": True}),
    "adamw": ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1}),
    "nadam": ("Nadam", {"learning_rate": 0.01}),
    "sgd_clipnorm": ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "clipnorm": 0.5}),
    "adam_clipvalue": ("Adam", {"learning_rate": 0.01, "clipvalue": 0.3}),
    "rmsprop_global_clipnorm": ("RMSprop", {"learning_rate": 0.01, "global_clipnorm": 1.0}),
    "sgd_weight_decay": ("SGD", {"learning_rate": 0.1, "weight_decay": 0.2}),
    "adagrad_weight_decay": ("Adagrad", {"learning_rate": 0.1, "weight_decay": 0.05}),
    "nadam_weight_decay": ("Nadam", {"learning_rate": 0.01, "weight_decay": 0.05}),
    "adam_exponential_decay": (
        "Adam",
        {
            "learning_rate": (
                "ExponentialDecay",
                {"initial_learning_rate": 0.05, "decay_steps": 2, "decay_rate": 0.5},
            )
        },
    ),
    "sgd_momentum_piecewise": (
        "SGD",
        {
            "momentum": 0.9,
            "learning_rate": (
                "PiecewiseConstantDecay",
                {"boundaries": [1, 3], "values": [0.1, 0.05, 0.01]},
            ),
        },
    ),
    "adamw_cosine_warmup": (
        "AdamW",
        {
            "learning_rate": (
                "CosineDecay",
                {
                    "initial_learning_rate": 0.0,
                    "decay_steps": 4,
                    "warmup_steps": 2,
                    "warmup_target": 0.02,
                },
            )
        },
    ),
}


@pytest.mark.parametrize("case", sorted(KERAS_CASES))
def test_trajectory_matches_keras(case, keras, oracle_close):
    name, kwargs = KERAS_CASES[case]
    x0, grads = _problem("float32")
    ours, theirs = _ours(name, kwargs, x0, grads), _keras(keras, name, kwargs, x0, grads)
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for v, (va, vb) in enumerate(zip(a, b)):
            try:
                oracle_close(va, vb, rtol=2e-5, atol=1e-6)
            except AssertionError as err:
                raise AssertionError(f"{case}: step {step + 1}, variable {v}: {err}") from None


@pytest.mark.parametrize("api", ["apply_gradients", "step"])
def test_apply_gradients_and_step_give_the_same_trajectory_as_apply(api):
    x0, grads = _problem("float64")
    for name, kwargs in [("Adam", {}), ("SGD", {"momentum": 0.9, "clipnorm": 1.0})]:
        expected = _ours(name, kwargs, x0, grads)
        got = _ours(name, kwargs, x0, grads, api=api)
        for a, b in zip(expected, got):
            for va, vb in zip(a, b):
                np.testing.assert_array_equal(va, vb)


# PyTorch has the same formula where ε is outside the root with ε = 0 (RMSprop, Adagrad, Adam:
# there the course's form, PyTorch's and Keras's coincide), or the same ε placement (Adadelta,
# Nadam with momentum_decay=1). SGD's momentum differs in form but not in trajectory (constant α).
# Clipping is compared with Keras only (PyTorch's clip_grad_norm_ adds 1e-6 to the norm).
TORCH_CASES = {
    "sgd": ("SGD", {"learning_rate": 0.1}, "SGD", {"lr": 0.1}),
    "sgd_momentum": (
        "SGD",
        {"learning_rate": 0.1, "momentum": 0.9},
        "SGD",
        {"lr": 0.1, "momentum": 0.9},
    ),
    "sgd_nesterov": (
        "SGD",
        {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
        "SGD",
        {"lr": 0.1, "momentum": 0.9, "nesterov": True},
    ),
    "rmsprop_eps0": (
        "RMSprop",
        {"learning_rate": 0.01, "epsilon": 0.0},
        "RMSprop",
        {"lr": 0.01, "alpha": 0.9, "eps": 0.0},
    ),
    "rmsprop_centered_momentum_eps0": (
        "RMSprop",
        {"learning_rate": 0.01, "momentum": 0.5, "centered": True, "epsilon": 0.0},
        "RMSprop",
        {"lr": 0.01, "alpha": 0.9, "eps": 0.0, "momentum": 0.5, "centered": True},
    ),
    "adagrad_eps0": (
        "Adagrad",
        {"learning_rate": 0.1, "epsilon": 0.0},
        "Adagrad",
        {"lr": 0.1, "initial_accumulator_value": 0.1, "eps": 0.0},
    ),
    "adadelta": (
        "Adadelta",
        {"learning_rate": 1.0, "epsilon": 1e-6},
        "Adadelta",
        {"lr": 1.0, "rho": 0.95, "eps": 1e-6},
    ),
    "adam_eps0": (
        "Adam",
        {"learning_rate": 0.01, "epsilon": 0.0},
        "Adam",
        {"lr": 0.01, "eps": 0.0},
    ),
    "adam_amsgrad_eps0": (
        "Adam",
        {"learning_rate": 0.01, "epsilon": 0.0, "amsgrad": True},
        "Adam",
        {"lr": 0.01, "eps": 0.0, "amsgrad": True},
    ),
    "adamw_eps0": (
        "AdamW",
        {"learning_rate": 0.01, "weight_decay": 0.1, "epsilon": 0.0},
        "AdamW",
        {"lr": 0.01, "weight_decay": 0.1, "eps": 0.0},
    ),
    "nadam": (
        "Nadam",
        {"learning_rate": 0.01},
        "NAdam",
        {"lr": 0.01, "eps": 1e-7, "momentum_decay": 1.0},
    ),
}
# NOTE: PyTorch keeps NAdam's running product Π in float32 (its "scalar dtype"), so its float64
# trajectory carries a ~1e-8 relative error there.
TORCH_RTOL = {"nadam": 1e-7}


@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_trajectory_matches_torch_where_the_formula_is_the_same(case, torch, oracle_close):
    name, kwargs, torch_name, torch_kwargs = TORCH_CASES[case]
    x0, grads = _problem("float64")
    ours = _ours(name, kwargs, x0, grads)
    params = [torch.tensor(x.copy(), requires_grad=True) for x in x0]
    opt = getattr(torch.optim, torch_name)(params, **torch_kwargs)
    for step, g in enumerate(grads):
        for p, gi in zip(params, g):
            p.grad = torch.tensor(gi)
        opt.step()
        for v, p in enumerate(params):
            try:
                oracle_close(ours[step][v], p, rtol=TORCH_RTOL.get(case, 1e-10), atol=1e-12)
            except AssertionError as err:
                raise AssertionError(f"{case}: step {step + 1}, variable {v}: {err}") from None


def test_rmsprop_differs_from_torch_only_through_epsilon_placement(torch):
    # Keras: α g / √(s + ε); PyTorch and the course: α g / (√s + ε). Visible where s is tiny.
    x, g = np.zeros(1), np.array([1e-4])
    optimizers.RMSprop(learning_rate=1.0, epsilon=1e-7).apply([g], [x])
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor(g)
    torch.optim.RMSprop([p], lr=1.0, alpha=0.9, eps=1e-7).step()
    s = 0.1 * 1e-8
    assert x[0] == pytest.approx(-1e-4 / np.sqrt(s + 1e-7), rel=1e-12)
    assert p.item() == pytest.approx(-1e-4 / (np.sqrt(s) + 1e-7), rel=1e-12)
    assert abs(x[0] - p.item()) > 0.1


def test_sgd_momentum_equals_the_course_formula_for_constant_learning_rate():
    # course [E]: p ← g + η p;  x ← x − α p      Keras: v ← μ v − α g;  x ← x + v   (v = −α p)
    x0, grads = _problem("float64")
    alpha, eta = 0.05, 0.8
    ours = _ours("SGD", {"learning_rate": alpha, "momentum": eta}, x0, grads)
    x, p = [a.copy() for a in x0], [np.zeros_like(a) for a in x0]
    for step, g in enumerate(grads):
        for i in range(len(x)):
            p[i] = g[i] + eta * p[i]
            x[i] = x[i] - alpha * p[i]
            np.testing.assert_allclose(ours[step][i], x[i], rtol=1e-12, atol=1e-14)


def test_adam_with_zero_epsilon_equals_the_course_formula():
    # course [A]: m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), x ← x − α m̂/(√v̂ + ε); Keras's ε-hat form
    # is the same when ε = 0
    x0, grads = _problem("float64")
    ours = _ours("Adam", {"learning_rate": 0.01, "epsilon": 0.0}, x0, grads)
    x, m, v = x0[0].copy(), np.zeros(SHAPES[0]), np.zeros(SHAPES[0])
    for t, g in enumerate(grads, start=1):
        m = 0.9 * m + 0.1 * g[0]
        v = 0.999 * v + 0.001 * g[0] ** 2
        x = x - 0.01 * (m / (1 - 0.9**t)) / np.sqrt(v / (1 - 0.999**t))
        np.testing.assert_allclose(ours[t - 1][0], x, rtol=1e-12)
