"""neurona.activations: Keras string identifiers ↔ functional activations (get, serialize,
deserialize), the re-exported names, and the values of every Keras-named one against Keras 3."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
import neurona.functional as F
from neurona import activations

KERAS_NAMES = [
    "elu",
    "exponential",
    "gelu",
    "hard_sigmoid",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_softmax",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "swish",
    "tanh",
]


def test_get_none_gives_linear_and_names_give_the_functional_op():
    assert activations.get(None) is F.linear
    assert activations.get("relu") is F.relu is activations.relu
    assert activations.get("swish") is activations.get("silu")
    assert activations.get(np.tanh) is np.tanh


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown activation 'rleu': expected one of .*relu"):
        activations.get("rleu")
    with pytest.raises(ValueError, match="Unknown activation 3"):
        activations.get(3)


@pytest.mark.parametrize("name", sorted(activations.ALL_OBJECTS_DICT))
def test_serialize_round_trip(name):
    fn = activations.get(name)
    assert activations.deserialize(activations.serialize(fn)) is fn
    assert activations.deserialize({"class_name": "function", "config": name}) is fn


def test_serialize_uses_keras_canonical_name_and_rejects_unknown_functions():
    assert activations.serialize(F.swish) == "silu"
    with pytest.raises(ValueError, match="custom_objects"):
        activations.serialize(lambda x: x)
    assert activations.deserialize("mine", custom_objects={"mine": abs}) is abs


def test_course_threshold_units_are_available_by_name():
    assert activations.get("step")(nr.tensor([-1.0, 2.0])).numpy().tolist() == [0.0, 1.0]
    assert activations.get("sign")(nr.tensor([-1.0, 2.0])).numpy().tolist() == [-1.0, 1.0]


def test_every_keras_name_matches_keras(rng, keras, oracle_close):
    x = rng.normal(size=(4, 5)).astype("float32") * 3
    for name in KERAS_NAMES:
        ours = activations.get(name)(nr.tensor(x))
        theirs = np.asarray(keras.activations.get(name)(x))
        oracle_close(ours, theirs, rtol=1e-5, atol=1e-6)
