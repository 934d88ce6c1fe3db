"""Argument checks of fit/evaluate/compile, the layer constructors and set_floatx (issue 12):
each bad value gets neurona's ValueError/TypeError in the house form, never a raw Python error
or a silent default; where Keras refuses the same thing, the test checks that it does."""

from __future__ import annotations

import numpy as np
import pytest

import neurona as nr
from neurona import layers
from neurona.models import Model, Sequential


def _model():
    model = Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


X = np.random.default_rng(0).random((12, 4)).astype("float32")
Y = np.arange(12) % 3


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"epochs": 2.5}, ValueError, "epochs to be an int ≥ 0, got 2.5"),
        ({"epochs": "2"}, TypeError, "epochs to be an int ≥ 0, got '2'"),
        ({"epochs": None}, TypeError, "epochs to be an int ≥ 0, got None"),
        ({"epochs": -1}, ValueError, "epochs to be an int ≥ 0, got -1"),
        ({"epochs": True}, TypeError, "epochs"),
        ({"epochs": 3, "initial_epoch": 1.5}, ValueError, "initial_epoch"),
        ({"epochs": 2, "initial_epoch": 3}, ValueError, "initial_epoch ≤ epochs"),
        ({"validation_split": "0.2"}, TypeError, "validation_split to be a number"),
        ({"validation_split": 1.0}, ValueError, "validation_split in \\[0, 1\\)"),
        ({"verbose": "abc"}, ValueError, "verbose to be 'auto', 0"),
        ({"verbose": 5}, ValueError, "verbose"),
        ({"batch_size": 0}, ValueError, "batch_size to be a positive int, got 0"),
        ({"batch_size": "32"}, TypeError, "batch_size"),
        ({"shuffle": "yes"}, TypeError, "shuffle to be True, False or 'batch'"),
        ({"class_weight": {0: 1.0, 7: 3.0}}, ValueError, "unknown classes \\[7\\]"),
        ({"class_weight": {0: -1.0}}, TypeError, "class_weight"),
        ({"class_weight": {"0": 1.0}}, TypeError, "class_weight"),
    ],
)
def test_fit_refuses_bad_arguments_before_training(kwargs, error, match):
    model = _model()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(error, match=f"^fit: .*{match}"):
        model.fit(X, Y, **{"verbose": 0, **kwargs})
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_no_samples_is_an_error_as_in_keras(keras):
    with pytest.raises(ValueError, match="^fit: expected at least one sample, got 0"):
        _model().fit(X[:0], Y[:0], verbose=0)
    with pytest.raises(ValueError, match="^evaluate: expected at least one sample"):
        _model().evaluate(X[:0], Y[:0], verbose=0)
    reference = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    reference.compile("sgd", "mse")
    with pytest.raises(Exception):  # Keras 3 fails too (a raw StopIteration)  # noqa: B017
        reference.fit(X[:0], np.zeros((0, 3)), verbose=0)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"batch_size": 0}, "batch_size"), ({"verbose": "loud"}, "verbose")],
)
def test_evaluate_refuses_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=f"^evaluate: expected {match}"):
        _model().evaluate(X, Y, **kwargs)


@pytest.mark.parametrize("loss_weights", ["x", [1, "a"], float("nan"), {"out": None, "b": []}])
def test_compile_refuses_bad_loss_weights(loss_weights):
    model = Sequential([layers.Input((4,)), layers.Dense(3)])
    with pytest.raises(TypeError, match="^compile: expected loss_weights"):
        model.compile("sgd", "mse", loss_weights=loss_weights)


def test_duplicate_layer_names_are_refused_as_in_keras(keras):
    with pytest.raises(ValueError, match="its own name.*'a'"):
        Sequential([layers.Input((4,)), layers.Dense(3, name="a"), layers.Dense(3, name="a")])
    x = layers.Input((3,))
    y = layers.Dense(2, name="b")(layers.Dense(2, name="b")(x))
    with pytest.raises(ValueError, match="\\['b'\\] used more than once"):
        Model(x, y)
    with pytest.raises(ValueError):
        keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(3, name="a"), keras.layers.Dense(3, name="a")]
        )


@pytest.mark.parametrize("value", [None, "abc", int, "int32"])
def test_set_floatx_refuses_non_floats_as_keras(value, keras):
    before = nr.floatx()
    with pytest.raises(ValueError, match="set_floatx expects a float dtype"):
        nr.backend.set_floatx(value)
    assert nr.floatx() == before
    with pytest.raises((ValueError, TypeError)):
        keras.config.set_floatx(value)


@pytest.mark.parametrize(
    "build, keras_build",
    [
        (
            lambda: Sequential([layers.Input((3, 3, 1)), layers.Conv2D(2, 5)]),
            lambda k: k.Sequential([k.Input((3, 3, 1)), k.layers.Conv2D(2, 5)]),
        ),
        (
            lambda: Sequential([layers.Input((3, 1)), layers.Conv1D(2, 2, dilation_rate=3)]),
            lambda k: k.Sequential([k.Input((3, 1)), k.layers.Conv1D(2, 2, dilation_rate=3)]),
        ),
        (
            lambda: Sequential([layers.Input((2, 2, 1)), layers.MaxPooling2D(3)]),
            lambda k: k.Sequential([k.Input((2, 2, 1)), k.layers.MaxPooling2D(3)]),
        ),
    ],
)
def test_a_window_larger_than_its_input_is_refused_at_build_as_in_keras(build, keras_build, keras):
    with pytest.raises(ValueError, match="larger than the input"):
        build()
    with pytest.raises(ValueError):
        keras_build(keras)


def test_same_padding_and_a_fitting_kernel_still_build():
    model = Sequential([layers.Input((3, 3, 1)), layers.Conv2D(2, 5, padding="same")])
    assert model.output_shape == (None, 3, 3, 2)
    assert Sequential([layers.Input((3, 3, 1)), layers.Conv2D(2, 3)]).output_shape[1:3] == (1, 1)


@pytest.mark.parametrize("kwargs", [{"batch_size": 0}, {"verbose": "abc"}, {"batch_size": 1.5}])
def test_predict_refuses_bad_arguments(kwargs):
    with pytest.raises((ValueError, TypeError), match="^predict: expected"):
        _model().predict(X, **kwargs)
