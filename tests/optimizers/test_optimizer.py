"""The optimiser base class and the package's contract: get/serialize, Keras's configs and
defaults, learning rates and schedules, the PyTorch-style API, in-place updates without per-step
allocation, lazily created state, and error messages."""

import tracemalloc

import numpy as np
import pytest

import neurona as nr
from neurona import optimizers
from neurona.optimizers import schedules

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

NAMES = ["sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamw", "nadam"]


@pytest.mark.parametrize("name", NAMES)
def test_get_resolves_every_name_in_any_case(name):
    opt = optimizers.get(name)
    assert type(opt).__name__.lower() == name
    assert type(optimizers.get(name.upper())) is type(opt)
    assert optimizers.get(opt) is opt


@pytest.mark.parametrize("name", NAMES)
def test_defaults_and_config_keys_are_keras_3s(name, keras):
    keras.backend.clear_session()  # Keras numbers its names per session ('adam_1' after one)
    ours, theirs = optimizers.get(name).get_config(), keras.optimizers.get(name).get_config()
    assert set(ours) == set(theirs)
    for key, value in theirs.items():
        if isinstance(value, float):  # Keras stores the learning rate as float32
            assert ours[key] == pytest.approx(value, rel=1e-6), key
        else:
            assert ours[key] == value, key


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trip_through_serialize_and_from_config(name):
    opt = optimizers.get(name)
    opt.learning_rate = 0.05
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert type(again) is type(opt) and again.get_config() == opt.get_config()
    assert type(opt).from_config(opt.get_config()).get_config() == opt.get_config()


def test_config_with_a_schedule_round_trips_and_keras_configs_load(keras):
    schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.9)
    opt = optimizers.Adam(learning_rate=schedule, clipnorm=1.0)
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert again.get_config() == opt.get_config()
    assert isinstance(again._learning_rate, schedules.ExponentialDecay)
    theirs = keras.optimizers.SGD(
        learning_rate=keras.optimizers.schedules.CosineDecay(0.1, 100), momentum=0.9
    )
    ours = optimizers.deserialize(keras.optimizers.serialize(theirs))
    assert isinstance(ours, optimizers.SGD) and ours.momentum == 0.9
    assert ours.learning_rate == pytest.approx(0.1)


def test_learning_rate_is_readable_settable_and_schedules_use_iterations():
    opt = optimizers.SGD(learning_rate=schedules.PiecewiseConstantDecay([0], [1.0, 0.5]))
    x = np.zeros(1)
    assert opt.learning_rate == 1.0  # iterations = 0
    opt.apply([np.ones(1)], [x])
    assert (opt.iterations, opt.learning_rate, x[0]) == (1, 0.5, -1.0)
    opt.learning_rate = 0.25
    opt.apply([np.ones(1)], [x])
    assert x[0] == -1.25
    opt.learning_rate = lambda: 0.5  # Keras also accepts a callable without arguments
    assert opt.learning_rate == 0.5


def test_step_uses_grad_skips_none_and_zero_grad_clears():
    w, b = nr.tensor([1.0, 2.0]), nr.tensor([3.0])
    w.grad = np.array([1.0, 1.0], dtype="float32")
    opt = optimizers.SGD(learning_rate=0.5)
    opt.step([w, b])  # b.grad is None: b is left alone, as in Keras and PyTorch
    np.testing.assert_array_equal(w.data, [0.5, 1.5])
    assert b.data[0] == 3.0 and opt.iterations == 1
    opt.zero_grad([w, b])
    assert w.grad is None and b.grad is None
    opt.step([w, b])  # nothing to do, but the counter still moves (Keras's apply does the same)
    assert opt.iterations == 2


def test_apply_without_variables_uses_the_built_ones():
    opt = optimizers.SGD(learning_rate=1.0)
    with pytest.raises(RuntimeError, match="build"):
        opt.apply([np.ones(2)])
    x = np.zeros(2)
    opt.build([x])
    opt.apply([np.ones(2)])
    np.testing.assert_array_equal(x, [-1.0, -1.0])


@pytest.mark.parametrize("name", NAMES)
def test_updates_are_in_place_and_keep_the_dtype(name):
    for dtype in ("float32", "float64"):
        w = nr.tensor(np.ones((3, 2), dtype=dtype))
        array = w.data
        optimizers.get(name).apply([np.full((3, 2), 0.5)], [w])  # float64 gradient
        assert w.data is array and w.data.dtype == np.dtype(dtype)
        assert (w.data < 1).all()


@pytest.mark.parametrize("name", NAMES)
def test_a_step_allocates_no_parameter_sized_arrays(name):
    size = 250_000  # 1 MB of float32
    w = nr.tensor(np.zeros(size, dtype="float32"))
    g = np.random.default_rng(0).normal(size=size).astype("float32")
    opt = optimizers.get(name)
    opt.apply([g], [w])  # creates the state and work buffers
    tracemalloc.start()
    opt.apply([g], [w])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4 * size // 4, f"{name}: a step allocated {peak} bytes"


def test_state_is_created_lazily_per_variable():
    opt = optimizers.Adam(learning_rate=0.1)
    a, b = nr.tensor([1.0]), nr.tensor([1.0])
    opt.apply([np.array([1.0])], [a])
    opt.apply([np.array([1.0]), np.array([1.0])], [a, b])
    assert len(opt._state) == 2
    # b starts from m = v = 0 while a goes on from its own m, v. As in Keras, t is the optimiser's
    # step (here 2) for every variable (PyTorch counts steps per parameter): b's update is
    # α √(1 − β₂²)/(1 − β₁²) · m/(√v + ε) with m = 0.1, v = 0.001
    expected = 0.1 * np.sqrt(1 - 0.999**2) / (1 - 0.9**2) * 0.1 / (np.sqrt(0.001) + 1e-7)
    assert b.data[0] == pytest.approx(1 - expected, rel=1e-6)
    assert a.data[0] < b.data[0] - 0.05


def test_exclude_from_weight_decay_by_name():
    kernel, bias = nr.Tensor([1.0], name="dense/kernel"), nr.Tensor([1.0], name="dense/bias")
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply([np.zeros(1), np.zeros(1)], [kernel, bias])
    assert kernel.data[0] == pytest.approx(0.95) and bias.data[0] == 1.0


def test_loss_scale_factor_divides_the_gradients():
    x = np.zeros(1)
    optimizers.SGD(learning_rate=1.0, loss_scale_factor=4.0).apply([np.array([2.0])], [x])
    assert x[0] == -0.5


def test_unknown_identifier_lists_the_valid_names():
    with pytest.raises(
        ValueError,
        match=r"expected one of \['adadelta', 'adagrad', 'adam'.*"
        r"got 'adamm'.*Did you mean 'adam'",
    ):
        optimizers.get("adamm")
    with pytest.raises(TypeError, match="expected a name such as 'adam'"):
        optimizers.get(0.1)


@pytest.mark.parametrize(
    "cls, kwargs, message",
    [
        (
            optimizers.SGD,
            {"learning_rate": -0.1},
            r"expected learning_rate ≥ 0.0, got "
            r"learning_rate=-0\.1",
        ),
        (optimizers.Adam, {"learning_rate": "fast"}, "expected learning_rate"),
        (optimizers.SGD, {"momentum": 1.5}, r"expected momentum ≥ 0.0 and ≤ 1.0"),
        (optimizers.RMSprop, {"rho": -0.1}, "expected rho"),
        (optimizers.Adam, {"beta_1": 2.0}, "expected beta_1"),
        (optimizers.Adam, {"epsilon": -1e-7}, "expected epsilon"),
        (optimizers.SGD, {"clipnorm": 1.0, "clipvalue": 1.0}, "at most one of clipnorm"),
        (optimizers.SGD, {"lr": 0.1}, r"unknown argument\(s\) \['lr'\]"),
        (optimizers.AdamW, {"weight_decay": None}, "Use Adam for no weight decay"),
    ],
)
def test_bad_hyperparameters_are_rejected_with_clear_messages(cls, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        cls(**kwargs)


def test_negative_learning_rate_is_a_value_error_also_when_set_later():
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match="learning_rate"):
        opt.learning_rate = -1.0


def test_gradient_and_variable_mismatches_are_reported():
    opt = optimizers.SGD()
    with pytest.raises(
        ValueError,
        match=r"gradient 0 to have its variable's shape \(3,\), "
        r"got \(2,\)",
    ):
        opt.apply([np.ones(2)], [np.zeros(3)])
    with pytest.raises(ValueError, match="one gradient per variable"):
        opt.apply([np.ones(3)], [np.zeros(3), np.zeros(3)])
    with pytest.raises(TypeError, match="float Tensors or float arrays"):
        opt.apply([np.ones(3)], [np.zeros(3, dtype=int)])


def test_a_variable_that_changes_shape_is_reported():
    w, opt = nr.tensor(np.zeros(3)), optimizers.Adam()
    opt.apply([np.ones(3)], [w])
    w.data = np.zeros(4)
    with pytest.raises(ValueError, match=r"changed shape from \(3,\) to \(4,\)"):
        opt.apply([np.ones(4)], [w])


def test_a_replaced_data_array_is_updated_and_keeps_its_slots():
    from neurona.optimizers import Adam

    w = nr.tensor(np.ones(3, dtype="float32"), requires_grad=True)
    reference = np.ones(3, dtype="float32")
    ours, theirs = Adam(learning_rate=0.1), Adam(learning_rate=0.1)
    grad = np.array([0.5, -1.0, 2.0])  # float64: cast to the variable's dtype
    ours.apply([grad], [w])
    theirs.apply([grad], [reference])
    w.data = w.data.copy()  # a new array object for the same variable
    ours.apply([grad], [w])
    theirs.apply([grad], [reference])
    np.testing.assert_array_equal(w.data, reference)
    with pytest.raises(ValueError, match="changed shape"):
        w.data = np.ones(4, dtype="float32")
        ours.apply([np.ones(4)], [w])
