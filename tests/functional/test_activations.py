"""Tests of neurona/functional/activations.py (with softmax.py, threshold.py and _erf.py, which it
re-exports): numeric gradients, PyTorch and Keras oracles, properties, the course's worked
example and the errors of the non-differentiable units."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import neurona as nr
from neurona import functional as F
from neurona.errors import NotDifferentiableError
from neurona.functional._erf import erf, erfc

SHAPES = [(5,), (3, 4), (2, 1, 3)]

# name, our function, its kinks (kept at least 0.05 away in gradient checks)
ACTIVATIONS = [
    ("sigmoid", F.sigmoid, ()),
    ("tanh", F.tanh, ()),
    ("relu", F.relu, (0.0,)),
    (
        "relu_keras_params",
        lambda x: F.relu(x, negative_slope=0.1, max_value=4.0, threshold=-1.0),
        (-1.0, 0.0, 4.0),
    ),
    ("relu_threshold", lambda x: F.relu(x, threshold=1.5), (1.5,)),
    ("relu6", F.relu6, (0.0, 6.0)),
    ("leaky_relu", F.leaky_relu, (0.0,)),
    ("elu", F.elu, (0.0,)),
    ("elu_alpha", lambda x: F.elu(x, alpha=0.5), (0.0,)),
    ("selu", F.selu, (0.0,)),
    ("gelu", F.gelu, ()),
    ("gelu_tanh", lambda x: F.gelu(x, approximate=True), ()),
    ("swish", F.swish, ()),
    ("silu", F.silu, ()),
    ("softplus", F.softplus, ()),
    ("softsign", F.softsign, (0.0,)),
    ("hard_sigmoid", F.hard_sigmoid, (-3.0, 3.0)),
    ("hard_tanh", F.hard_tanh, (-1.0, 1.0)),
    ("softmax", F.softmax, ()),
    ("softmax_axis0", lambda x: F.softmax(x, axis=0), ()),
    ("log_softmax", F.log_softmax, ()),
    ("log_softmax_axis0", lambda x: F.log_softmax(x, axis=0), ()),
    ("linear", F.linear, ()),
    ("exponential", F.exponential, ()),
]


def away_from_kinks(x: np.ndarray, kinks: tuple) -> np.ndarray:
    """Move points that lie within 0.05 of a kink by 0.1, so central differences are valid."""
    for k in kinks:
        x = np.where(np.abs(x - k) < 0.05, x + 0.1, x)
    return x


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name, f, kinks", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_gradient_matches_central_differences_in_both_modes(name, f, kinks, shape, rng):
    x = away_from_kinks(rng.uniform(-7.0, 7.0, size=shape), kinks)
    report = nr.gradcheck(f, [x])
    assert report.ok, report


@pytest.mark.parametrize("name, f, kinks", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_float32_stays_float32_in_value_and_gradient(name, f, kinks, rng):
    x = nr.tensor(rng.normal(size=(4, 3)).astype(np.float32), requires_grad=True)
    out = f(x)
    out.backward(np.ones(out.shape, dtype=np.float32))
    assert out.dtype == np.float32 and x.grad.dtype == np.float32


def _torch_oracles(torch):
    tf = torch.nn.functional
    return {
        "sigmoid": (F.sigmoid, torch.sigmoid),
        "tanh": (F.tanh, torch.tanh),
        "relu": (F.relu, torch.relu),
        "relu6": (F.relu6, tf.relu6),
        # NOTE: Keras's leaky_relu slope defaults to 0.2, PyTorch's to 0.01: pass it explicitly
        "leaky_relu": (F.leaky_relu, lambda x: tf.leaky_relu(x, negative_slope=0.2)),
        "leaky_relu_course": (lambda x: F.leaky_relu(x, negative_slope=0.01), tf.leaky_relu),
        "elu": (F.elu, tf.elu),
        "elu_alpha": (lambda x: F.elu(x, alpha=0.5), lambda x: tf.elu(x, alpha=0.5)),
        "selu": (F.selu, torch.selu),
        "gelu": (F.gelu, tf.gelu),
        "gelu_tanh": (
            lambda x: F.gelu(x, approximate=True),
            lambda x: tf.gelu(x, approximate="tanh"),
        ),
        "swish": (F.swish, tf.silu),
        "silu": (F.silu, tf.silu),
        "softplus": (F.softplus, tf.softplus),
        "softsign": (F.softsign, tf.softsign),
        # Keras 3's hard_sigmoid is clip(x/6 + 1/2, 0, 1), which is PyTorch's hardsigmoid
        "hard_sigmoid": (F.hard_sigmoid, tf.hardsigmoid),
        "hard_tanh": (F.hard_tanh, tf.hardtanh),
        "softmax": (F.softmax, lambda x: torch.softmax(x, dim=-1)),
        "softmax_axis0": (lambda x: F.softmax(x, axis=0), lambda x: torch.softmax(x, dim=0)),
        "log_softmax": (F.log_softmax, lambda x: torch.log_softmax(x, dim=-1)),
        "log_softmax_axis0": (
            lambda x: F.log_softmax(x, axis=0),
            lambda x: torch.log_softmax(x, dim=0),
        ),
        "exponential": (F.exponential, torch.exp),
        "relu_keras_params": (
            lambda x: F.relu(x, negative_slope=0.1, max_value=4.0, threshold=-1.0),
            lambda x: torch.where(x > -1.0, x.clamp(0.0, 4.0), 0.1 * (x + 1.0)),
        ),
    }


ORACLE_NAMES = [
    "sigmoid",
    "tanh",
    "relu",
    "relu6",
    "leaky_relu",
    "leaky_relu_course",
    "elu",
    "elu_alpha",
    "selu",
    "gelu",
    "gelu_tanh",
    "swish",
    "silu",
    "softplus",
    "softsign",
    "hard_sigmoid",
    "hard_tanh",
    "softmax",
    "softmax_axis0",
    "log_softmax",
    "log_softmax_axis0",
    "exponential",
    "relu_keras_params",
]


@pytest.mark.parametrize("name", ORACLE_NAMES)
def test_value_and_gradient_match_torch(name, rng, torch, oracle_close):
    ours, theirs = _torch_oracles(torch)[name]
    x = away_from_kinks(rng.uniform(-8.0, 8.0, size=(6, 5)), (-3.0, -1.0, 0.0, 1.0, 3.0, 4.0, 6.0))
    cotangent = rng.normal(size=x.shape)
    x_ours = nr.tensor(x, requires_grad=True)
    out = ours(x_ours)
    out.backward(cotangent)
    x_theirs = torch.tensor(x, requires_grad=True)
    out_theirs = theirs(x_theirs)
    out_theirs.backward(torch.tensor(cotangent))
    oracle_close(out, out_theirs)
    oracle_close(x_ours.grad, x_theirs.grad)


def test_keras_formulas_for_relu_parameters_and_hard_sigmoid(rng, keras, oracle_close):
    x = np.array([-10.0, -5.0, -1.5, -0.5, 0.0, 0.5, 2.0, 5.0, 10.0])
    A = keras.activations
    cases = [
        (F.relu(x), A.relu(x)),
        (F.relu(x, negative_slope=0.5), A.relu(x, negative_slope=0.5)),
        (F.relu(x, max_value=5.0), A.relu(x, max_value=5.0)),
        (F.relu(x, threshold=5.0), A.relu(x, threshold=5.0)),
        (
            F.relu(x, negative_slope=0.1, threshold=-1.0, max_value=4.0),
            A.relu(x, negative_slope=0.1, threshold=-1.0, max_value=4.0),
        ),
        (F.leaky_relu(x), A.leaky_relu(x)),
        (F.hard_sigmoid(x), A.hard_sigmoid(x)),
        (F.hard_tanh(x), A.hard_tanh(x)),
        (F.gelu(x), A.gelu(x)),
        (F.gelu(x, approximate=True), A.gelu(x, approximate=True)),
        (F.selu(x), A.selu(x)),
    ]
    for ours, theirs in cases:
        oracle_close(ours, np.asarray(theirs, dtype=np.float64), rtol=1e-6, atol=1e-6)


def test_relu_takes_zero_derivative_at_the_kink():
    x = nr.tensor([0.0, 1.0], requires_grad=True)
    F.relu(x).backward(np.ones(2, dtype=np.float32))
    assert x.grad.tolist() == [0.0, 1.0]


def test_selu_constants_are_klambauers():
    assert F.selu(nr.tensor([1.0], dtype="float64")).item() == pytest.approx(1.0507009873554805)
    assert F.selu(nr.tensor([-50.0], dtype="float64")).item() == pytest.approx(
        -1.0507009873554805 * 1.6732632423543772
    )


def test_erf_and_erfc_match_math_to_float64_accuracy():
    x = np.concatenate([np.linspace(-8.0, 8.0, 4001), np.geomspace(1e-12, 1.0, 200)])
    ref_erf = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(erf(x), ref_erf, rtol=1e-14, atol=0)
    x = np.linspace(-8.0, 26.0, 4001)
    ref_erfc = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(erfc(x), ref_erfc, rtol=1e-14, atol=0)
    assert erf(np.array([np.inf, -np.inf])).tolist() == [1.0, -1.0]


@pytest.mark.parametrize(
    "f",
    [
        F.sigmoid,
        F.tanh,
        F.softplus,
        F.elu,
        F.selu,
        F.gelu,
        F.swish,
        F.softsign,
        F.softmax,
        F.log_softmax,
    ],
)
def test_huge_inputs_give_finite_values_and_gradients(f):
    x = nr.tensor([[-1e4, 0.0, 1e4], [1e4, 1e4, -1e4]], requires_grad=True)
    out = f(x)
    out.backward(np.ones(out.shape, dtype=np.float32))
    assert np.isfinite(out.numpy()).all() and np.isfinite(x.grad).all()


finite_rows = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
    elements=st.floats(-1e4, 1e4),
)


@settings(max_examples=30, deadline=None)
@given(x=finite_rows)
def test_softmax_rows_are_distributions(x):
    s = F.softmax(nr.tensor(x)).numpy()
    assert np.isfinite(s).all() and (s >= 0).all()
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(x=hnp.arrays(np.float64, (3, 4), elements=st.floats(-50, 50)), c=st.floats(-100, 100))
def test_softmax_is_unchanged_by_adding_a_constant(x, c):
    np.testing.assert_allclose(
        F.softmax(nr.tensor(x + c)).numpy(), F.softmax(nr.tensor(x)).numpy(), rtol=1e-9, atol=1e-15
    )


@settings(max_examples=25, deadline=None)
@given(x=finite_rows, axis=st.sampled_from([0, -1]))
def test_softmax_and_log_softmax_are_finite_and_gradient_has_input_shape(x, axis):
    for f in (F.softmax, F.log_softmax):
        t = nr.tensor(x, requires_grad=True)
        out = f(t, axis=axis)
        out.backward(np.ones(x.shape))
        assert t.grad.shape == x.shape
        assert np.isfinite(out.numpy()).all() and np.isfinite(t.grad).all()


def test_log_softmax_equals_log_of_softmax(rng):
    x = rng.normal(size=(4, 7))
    np.testing.assert_allclose(
        F.log_softmax(nr.tensor(x)).numpy(), np.log(F.softmax(nr.tensor(x)).numpy()), rtol=1e-12
    )


def test_step_and_sign_values_follow_the_course():
    x = nr.tensor([-2.0, 0.0, 3.0])
    assert F.step(x).numpy().tolist() == [0.0, 1.0, 1.0]  # Heaviside: 1 if x ≥ 0
    assert F.sign(x).numpy().tolist() == [-1.0, 0.0, 1.0]


@pytest.mark.parametrize("f", [F.step, F.sign])
def test_backward_through_step_or_sign_raises_with_advice(f):
    x = nr.tensor([-1.0, 2.0], requires_grad=True)
    out = f(x) * 2.0
    with pytest.raises(NotDifferentiableError, match="smooth stand-in"):
        out.backward(np.ones(2, dtype=np.float32))
    with pytest.raises(NotDifferentiableError, match="has no gradient"):
        nr.jvp(f, (np.array([1.0]),), (np.array([1.0]),))


def test_linear_returns_its_input():
    x = nr.tensor([1.0, 2.0])
    assert F.linear(x) is x


def test_course_worked_example_g12_gradients_match_the_hand_derivation():
    # f = S(z_f), z_f = w20 + w21 g, g = tanh(z_g), z_g = w10 + w11 x1 + w12 x2, e = ½(y − f)²
    x1, x2, y = 0.7, -1.2, 1.0
    w = {"w10": 0.1, "w11": -0.4, "w12": 0.25, "w20": -0.3, "w21": 0.8}
    t = {k: nr.tensor(v, dtype="float64", requires_grad=True) for k, v in w.items()}
    g_t = F.tanh(t["w10"] + t["w11"] * x1 + t["w12"] * x2)
    f_t = F.sigmoid(t["w20"] + t["w21"] * g_t)
    e = 0.5 * (y - f_t) ** 2
    e.backward()
    # by hand: S' = S(1 − S), tanh' = 1 − tanh²
    z_g = w["w10"] + w["w11"] * x1 + w["w12"] * x2
    g = math.tanh(z_g)
    z_f = w["w20"] + w["w21"] * g
    f = 1 / (1 + math.exp(-z_f))
    s_prime, tanh_prime = f * (1 - f), 1 - g * g
    d_w20 = -(y - f) * s_prime
    d_w21 = -(y - f) * s_prime * g
    d_w10 = -(y - f) * s_prime * w["w21"] * tanh_prime
    hand = {"w20": d_w20, "w21": d_w21, "w10": d_w10, "w11": d_w10 * x1, "w12": d_w10 * x2}
    assert f_t.item() == pytest.approx(f, rel=1e-12)
    for k, expected in hand.items():
        assert t[k].grad.item() == pytest.approx(expected, rel=1e-12), k
