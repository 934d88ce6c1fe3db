"""Floor 0: array module, default dtype, seeding."""

import numpy as np
import pytest

import neurona as nr
from neurona import backend


def test_numpy_is_the_array_module_of_numpy_arrays_and_numbers():
    assert backend.get_array_module(np.ones(2), 3.0) is np


def test_default_dtype_is_float32_and_can_be_changed_and_restored():
    assert backend.floatx() == "float32"
    backend.set_floatx("float64")
    try:
        assert nr.tensor([1.0]).dtype == np.float64
    finally:
        backend.set_floatx("float32")
    assert nr.tensor([1.0]).dtype == np.float32


def test_set_floatx_rejects_integers():
    with pytest.raises(ValueError, match="float dtype"):
        backend.set_floatx("int32")


def test_set_random_seed_makes_every_source_repeatable():
    nr.utils.set_random_seed(7)
    a = (backend.rng().normal(), np.random.rand())
    nr.utils.set_random_seed(7)
    assert a == (backend.rng().normal(), np.random.rand())


def test_set_random_seed_rejects_a_negative_seed():
    with pytest.raises(ValueError, match="non-negative int"):
        nr.utils.set_random_seed(-1)


def test_clear_session_restarts_automatic_names_as_keras():
    from neurona import backend, layers

    layers.Dense(2), layers.Dense(2)
    backend.clear_session()
    assert layers.Dense(2).name == "dense"
    assert layers.Input((3,)).name == "input_layer"
    assert layers.Dense(1)(layers.Input((3,))).name == "keras_tensor"
