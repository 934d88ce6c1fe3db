"""Initialisers: Keras's names and configs, shapes and dtypes, statistics, fan rules for dense
and conv kernels, orthogonality, seeding, config round trips and error messages."""

import numpy as np
import pytest

from neurona import backend, initializers
from neurona.initializers import compute_fans

IDS = [
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "random_uniform",
    "random_normal",
    "truncated_normal",
    "orthogonal",
    "zeros",
    "ones",
    "constant",
    "variance_scaling",
    "identity",
]
SHAPES = [(7, 5), (3, 3, 4, 8), (16,)]


def _applies(name, shape):
    return not (
        (name == "orthogonal" and len(shape) < 2) or (name == "identity" and len(shape) != 2)
    )


@pytest.mark.parametrize("name, shape", [(n, s) for n in IDS for s in SHAPES if _applies(n, s)])
def test_every_id_gives_float32_by_default_and_the_asked_dtype(name, shape):
    init = initializers.get(name)
    w = init(shape)
    assert w.shape == shape and w.dtype == np.float32
    assert init(shape, dtype="float64").dtype == np.float64


@pytest.mark.parametrize("name", IDS + ["GlorotUniform", "normal", "uniform", "one", "zero"])
def test_ids_resolve_to_the_same_class_and_config_as_keras(name, keras):
    ours = initializers.get(name)
    if name == "constant":  # Keras 3.15's get('constant') raises KeyError 'value'; ours works
        theirs = keras.initializers.Constant()
    else:
        theirs = keras.initializers.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    if name != "identity":  # Keras's Identity.get_config() forgets its gain; ours keeps it
        assert ours.get_config() == theirs.get_config()


def test_dense_default_is_glorot_uniform_with_seed_none():
    assert initializers.get("glorot_uniform").get_config() == {
        "seed": None,
        "input_axes": None,
        "output_axes": None,
    }


def test_fans_follow_keras_for_dense_conv_and_vectors():
    assert compute_fans((784, 128)) == (784, 128)
    assert compute_fans((3, 3, 16, 32)) == (3 * 3 * 16, 3 * 3 * 32)  # receptive field × channels
    assert compute_fans((5, 8, 4)) == (40, 20)  # Conv1D kernel (k, c_in, filters)
    assert compute_fans((10,)) == (10, 10)
    assert compute_fans(()) == (1, 1)
    assert compute_fans((2, 3, 4), input_axes=(0, 1), output_axes=(2,)) == (6, 4)


# (initialiser, fan used, scale) → expected variance scale / fan; uniform limit √(3·scale/fan)
FAMILY = {
    "glorot_uniform": ("avg", 1.0, "u"),
    "glorot_normal": ("avg", 1.0, "n"),
    "he_uniform": ("in", 2.0, "u"),
    "he_normal": ("in", 2.0, "n"),
    "lecun_uniform": ("in", 1.0, "u"),
    "lecun_normal": ("in", 1.0, "n"),
}


@pytest.mark.parametrize("name", sorted(FAMILY))
@pytest.mark.parametrize("shape", [(300, 500), (5, 5, 32, 64)])
def test_variance_scaling_family_has_keras_variance_and_limits(name, shape):
    mode, scale, kind = FAMILY[name]
    fan_in, fan_out = compute_fans(shape)
    variance = scale / (fan_in if mode == "in" else (fan_in + fan_out) / 2)
    w = initializers.get({"class_name": name, "config": {"seed": 1}})(shape, dtype="float64")
    assert abs(w.mean()) < 0.01 * np.sqrt(variance) * 3
    assert w.std() == pytest.approx(np.sqrt(variance), rel=0.02)
    if kind == "u":
        limit = np.sqrt(3 * variance)
        assert -limit <= w.min() and w.max() <= limit and w.max() > 0.99 * limit
    else:  # truncated at 2σ of the pre-truncation normal, σ = √variance / 0.8796…
        assert np.abs(w).max() <= 2 * np.sqrt(variance) / 0.87962566103423978


def test_variance_scaling_matches_keras_statistics_on_a_conv_kernel(keras):
    shape = (3, 3, 64, 32)
    for args in [
        (2.0, "fan_out", "uniform"),
        (0.5, "fan_avg", "truncated_normal"),
        (1.0, "fan_in", "untruncated_normal"),
    ]:
        ours = initializers.VarianceScaling(*args, seed=0)(shape)
        theirs = np.asarray(keras.initializers.VarianceScaling(*args, seed=0)(shape))
        assert ours.std() == pytest.approx(theirs.std(), rel=0.03), args
        assert np.abs(ours).max() <= np.abs(theirs).max() * 1.05 or args[2] != "uniform"


@pytest.mark.parametrize(
    "cls, args, mean, std, low, high",
    [
        (initializers.RandomUniform, {}, 0.0, 0.1 / np.sqrt(12), -0.05, 0.05),
        (
            initializers.RandomUniform,
            {"minval": 1.0, "maxval": 3.0},
            2.0,
            2 / np.sqrt(12),
            1.0,
            3.0,
        ),
        (initializers.RandomNormal, {"mean": 1.0, "stddev": 0.5}, 1.0, 0.5, -np.inf, np.inf),
        (initializers.TruncatedNormal, {}, 0.0, 0.05 * 0.87962566103423978, -0.1, 0.1),
    ],
)
def test_random_initialisers_have_their_documented_statistics(cls, args, mean, std, low, high):
    w = cls(seed=3, **args)((200_000,), dtype="float64")
    assert w.mean() == pytest.approx(mean, abs=0.01 * std * 3)
    assert w.std() == pytest.approx(std, rel=0.01)
    assert low <= w.min() and w.max() <= high


def test_constant_initialisers():
    assert (initializers.Zeros()((2, 3)) == 0).all()
    assert (initializers.Ones()((2, 3)) == 1).all()
    assert (initializers.Constant(0.25)((4,)) == 0.25).all()
    np.testing.assert_array_equal(initializers.Identity(gain=2.0)((2, 3)), 2 * np.eye(2, 3))


@pytest.mark.parametrize("shape", [(6, 6), (10, 4), (4, 10), (3, 3, 4, 8)])
def test_orthogonal_has_orthonormal_rows_or_columns(shape):
    Q = initializers.Orthogonal(gain=1.5, seed=0)(shape, dtype="float64").reshape(-1, shape[-1])
    rows, cols = Q.shape
    gram = Q.T @ Q if rows >= cols else Q @ Q.T
    np.testing.assert_allclose(gram, 1.5**2 * np.eye(min(rows, cols)), atol=1e-12)


@pytest.mark.parametrize(
    "name",
    [
        "glorot_uniform",
        "he_normal",
        "random_normal",
        "orthogonal",
        "truncated_normal",
        "random_uniform",
    ],
)
def test_seed_makes_every_call_reproducible_and_seeds_differ(name):
    a = initializers.get({"class_name": name, "config": {"seed": 7}})
    b = initializers.get({"class_name": name, "config": {"seed": 7}})
    c = initializers.get({"class_name": name, "config": {"seed": 8}})
    np.testing.assert_array_equal(a((6, 5)), b((6, 5)))
    np.testing.assert_array_equal(a((6, 5)), a((6, 5)))  # Keras 3: a seeded call repeats
    assert not np.array_equal(a((6, 5)), c((6, 5)))


def test_unseeded_initialisers_draw_from_the_backend_generator():
    init = initializers.GlorotUniform()
    backend.set_random_seed(123)
    first, second = init((4, 4)), init((4, 4))
    assert not np.array_equal(first, second)
    backend.set_random_seed(123)
    np.testing.assert_array_equal(init((4, 4)), first)


@pytest.mark.parametrize(
    "init",
    [
        initializers.GlorotUniform(seed=1),
        initializers.HeNormal(seed=2),
        initializers.VarianceScaling(3.0, "fan_out", "uniform", seed=4),
        initializers.RandomUniform(-1.0, 2.0, seed=5),
        initializers.RandomNormal(0.5, 2.0, seed=6),
        initializers.TruncatedNormal(0.0, 1.0, seed=7),
        initializers.Orthogonal(2.0, seed=8),
        initializers.Constant(3.5),
        initializers.Zeros(),
        initializers.Ones(),
        initializers.Identity(0.5),
    ],
)
def test_config_round_trip_rebuilds_the_same_initialiser(init):
    again = initializers.deserialize(initializers.serialize(init))
    assert type(again) is type(init) and again.get_config() == init.get_config()
    again = type(init).from_config(init.get_config())
    np.testing.assert_array_equal(again((5, 5)), init((5, 5)))


def test_keras_serialized_configs_load(keras):
    config = keras.initializers.serialize(keras.initializers.HeUniform(seed=3))
    assert initializers.deserialize(config).get_config() == {
        "seed": 3,
        "input_axes": None,
        "output_axes": None,
    }


def test_get_accepts_none_classes_instances_callables_and_arrays():
    assert initializers.get(None) is None
    assert isinstance(initializers.get(initializers.Ones), initializers.Ones)
    inst = initializers.Zeros()
    assert initializers.get(inst) is inst

    def fn(shape, dtype=None):
        return np.full(shape, 2.0)

    assert initializers.get(fn) is fn
    value = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(initializers.get(value)((2, 3)), value)
    with pytest.raises(ValueError, match=r"expected shape \(2, 3\)"):
        initializers.get(value)((3, 2))


def test_errors_name_the_problem_and_the_fix():
    with pytest.raises(ValueError, match="Did you mean 'glorot_uniform'"):
        initializers.get("glorot_unifrom")
    with pytest.raises(TypeError, match="expected a name such as 'glorot_uniform'"):
        initializers.get(3)
    with pytest.raises(ValueError, match="expected mode in"):
        initializers.VarianceScaling(mode="fan_sum")
    with pytest.raises(ValueError, match="expected scale > 0"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="rank 2 or more"):
        initializers.Orthogonal()((5,))
    with pytest.raises(ValueError, match="non-negative int"):
        initializers.RandomNormal(seed=-1)
    with pytest.raises(ValueError, match="expected a shape"):
        initializers.Zeros()("abc")
