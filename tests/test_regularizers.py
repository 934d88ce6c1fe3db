"""Regularisers: penalty values (by hand and against Keras), gradients by central differences,
Keras defaults and string ids, config round trips and error messages."""

import numpy as np
import pytest

import neurona as nr
from neurona import regularizers


def test_course_example_by_hand():
    # w = (1, −2, 3): Σ|w| = 6, Σw² = 14 → L1(0.1) = 0.6, L2(0.01) = 0.14, L1L2 = 0.74
    w = nr.tensor(np.array([1.0, -2.0, 3.0]))
    assert regularizers.L1(0.1)(w).item() == pytest.approx(0.6, rel=1e-12)
    assert regularizers.L2(0.01)(w).item() == pytest.approx(0.14, rel=1e-12)
    assert regularizers.L1L2(0.1, 0.01)(w).item() == pytest.approx(0.74, rel=1e-12)


def test_penalty_is_a_scalar_tensor_of_the_weight_dtype(rng):
    for dtype in ("float32", "float64"):
        w = nr.tensor(rng.normal(size=(4, 3)).astype(dtype))
        for reg in (regularizers.L1(), regularizers.L2(), regularizers.L1L2(0.1, 0.2)):
            penalty = reg(w)
            assert isinstance(penalty, nr.Tensor) and penalty.shape == ()
            assert penalty.data.dtype == np.dtype(dtype), (reg, dtype)


@pytest.mark.parametrize(
    "reg", [regularizers.L1(0.3), regularizers.L2(0.2), regularizers.L1L2(l1=0.05, l2=0.4)]
)
@pytest.mark.parametrize("shape", [(5,), (4, 3), (2, 2, 3, 4)])
def test_penalty_gradient_matches_central_differences(reg, shape, rng):
    w = rng.uniform(0.1, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)  # |w| ≥ 0.1
    report = nr.gradcheck(reg, [w])
    assert report.ok, report


def test_gradient_flows_into_the_weight_like_the_formula(rng):
    w_np = rng.normal(size=(3, 4)) + 0.01
    w = nr.tensor(w_np, requires_grad=True)
    regularizers.L1L2(l1=0.1, l2=0.2)(w).backward()
    np.testing.assert_allclose(w.grad, 0.1 * np.sign(w_np) + 2 * 0.2 * w_np, rtol=1e-12)


def test_values_match_keras(rng, keras):
    w = rng.normal(size=(6, 5)).astype("float32")
    pairs = [
        (regularizers.L1(0.03), keras.regularizers.L1(0.03)),
        (regularizers.L2(0.02), keras.regularizers.L2(0.02)),
        (regularizers.L1L2(0.01, 0.05), keras.regularizers.L1L2(0.01, 0.05)),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours(nr.tensor(w)).item(), float(theirs(w)), rtol=1e-5)


@pytest.mark.parametrize("name", ["l1", "l2", "l1l2", "L1", "L2", "L1L2"])
def test_string_ids_give_keras_defaults(name, keras):
    ours, theirs = regularizers.get(name), keras.regularizers.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.get_config() == pytest.approx(theirs.get_config())  # Keras's L1 keeps a float32


def test_defaults_are_keras_3s():
    assert regularizers.L1().get_config() == {"l1": 0.01}
    assert regularizers.L2().get_config() == {"l2": 0.01}
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.0, "l2": 0.0}  # alias


@pytest.mark.parametrize(
    "reg", [regularizers.L1(0.2), regularizers.L2(0.003), regularizers.L1L2(0.1, 0.02)]
)
def test_config_round_trip(reg):
    again = regularizers.deserialize(regularizers.serialize(reg))
    assert type(again) is type(reg) and again.get_config() == reg.get_config()
    assert type(reg).from_config(reg.get_config()).get_config() == reg.get_config()


def test_keras_serialized_configs_load(keras):
    config = keras.regularizers.serialize(keras.regularizers.L1L2(l1=0.5, l2=0.25))
    assert regularizers.deserialize(config).get_config() == {"l1": 0.5, "l2": 0.25}


def test_get_accepts_none_classes_instances_and_callables():
    assert regularizers.get(None) is None
    assert isinstance(regularizers.get(regularizers.L2), regularizers.L2)
    reg = regularizers.L1(0.5)
    assert regularizers.get(reg) is reg
    assert regularizers.get({"class_name": "L2", "config": {"l2": 0.5}}).l2 == 0.5


def test_errors_name_the_problem_and_the_fix():
    with pytest.raises(ValueError, match="Did you mean 'l2'"):
        regularizers.get("l22")
    with pytest.raises(ValueError, match="expected l2 to be a non-negative float"):
        regularizers.L2(-0.1)
    with pytest.raises(ValueError, match="non-negative float"):
        regularizers.L1L2(l1=float("nan"))
    with pytest.raises(TypeError, match="expected a name such as 'l2'"):
        regularizers.get(0.01)
