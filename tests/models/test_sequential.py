"""Sequential: building from Input or input_shape, calling, weights and summary."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from neurona import layers
from neurona.models import Sequential


@pytest.fixture(autouse=True)
def _fresh_names():
    layers.reset_layer_names()
    warnings.simplefilter("ignore", UserWarning)  # input_shape= on a layer is Keras 2 style


def course_model():
    return Sequential(
        [
            layers.Flatten(input_shape=(28, 28)),
            layers.Dense(8, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def test_the_course_snippet_builds_from_input_shape():
    model = course_model()
    assert model.built
    assert model.output_shape == (None, 10)
    assert model.count_params() == 784 * 8 + 8 + 8 * 10 + 10
    assert [tuple(w.shape) for w in model.get_weights()] == [(784, 8), (8,), (8, 10), (10,)]


def test_input_layer_builds_and_is_not_listed():
    model = Sequential(
        [
            layers.Input((28, 28)),
            layers.Flatten(),
            layers.Dense(128, activation="tanh"),
            layers.Dense(10, activation="sigmoid"),
        ]
    )
    assert len(model.layers) == 3
    assert model.count_params() == 784 * 128 + 128 + 1290


def test_add_and_lazy_build_on_the_first_batch(rng):
    model = Sequential()
    model.add(layers.Dense(4, activation="relu"))
    model.add(layers.Dense(2))
    assert not model.built
    out = model(rng.normal(size=(5, 3)))
    assert out.shape == (5, 2) and model.built
    assert len(model.weights) == len(model.trainable_weights) == 4


def test_call_matches_the_layers_in_turn(rng):
    model = course_model()
    x = rng.normal(size=(3, 28, 28)).astype("float32")
    a = x
    for layer in model.layers:
        a = layer(a)
    np.testing.assert_allclose(model(x).numpy(), a.numpy())


def test_set_weights_round_trip(rng):
    model = course_model()
    new = [rng.normal(size=w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(new)
    for got, want in zip(model.get_weights(), new):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="expected 4 arrays"):
        model.set_weights(new[:2])


def test_summary_lists_layers_and_param_counts():
    model = course_model()
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "flatten (Flatten)" in text and "(None, 784)" in text
    assert "dense (Dense)" in text and "6,280" in text
    assert "dense_1 (Dense)" in text and "90" in text
    assert "Total params: 6,370" in text and "Non-trainable params: 0" in text


def test_summary_prints_by_default(capsys):
    course_model().summary()
    assert "Total params: 6,370" in capsys.readouterr().out


def test_errors_are_clear():
    with pytest.raises(TypeError, match="expected a layer"):
        Sequential([np.ones(3)])
    with pytest.raises(ValueError, match="Input can only be the first"):
        Sequential([layers.Dense(2), layers.Input((3,))])
    with pytest.raises(ValueError, match="not built yet"):
        Sequential([layers.Dense(2)]).count_params()
    model = Sequential([layers.Input((3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match="expects data of shape"):
        model(np.ones((2, 4)))


def test_trainable_false_freezes_every_layer():
    model = course_model()
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 4


def test_get_config_lists_the_input_and_every_layer_and_from_config_rebuilds_it():
    model = Sequential(
        [
            layers.Input((28, 28)),
            layers.Flatten(),
            layers.Dense(8, activation="relu", name="hidden"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    config = model.get_config()
    assert [e["class_name"] for e in config["layers"]] == [
        "InputLayer",
        "Flatten",
        "Dense",
        "Dense",
    ]
    assert config["build_input_shape"] == [None, 28, 28]
    assert config["layers"][2]["config"]["activation"] == "relu"
    copy = Sequential.from_config(config)
    assert copy.get_config() == config
    assert copy.count_params() == model.count_params() == 784 * 8 + 8 + 8 * 10 + 10
    assert copy.layers[1].name == "hidden" and copy.layers[1] is not model.layers[1]


def test_from_config_of_a_lazily_built_model_builds_from_the_saved_shape():
    model = Sequential([layers.Dense(3), layers.Dense(1)])
    assert "build_input_shape" not in model.get_config()
    model(np.ones((2, 5)))
    copy = Sequential.from_config(model.get_config())
    assert copy.built and copy.input_shape == (None, 5) and copy.count_params() == 22


def test_from_config_errors_are_clear():
    from neurona.models import ModelFileError

    with pytest.raises(ModelFileError, match="expected a dict with a 'layers' list"):
        Sequential.from_config({"name": "m"})
    with pytest.raises(
        ModelFileError,
        match="layer 0: .*no layer class is registered as 'Dnese'. Did you mean 'Dense'",
    ):
        Sequential.from_config({"layers": [{"class_name": "Dnese", "config": {}}]})
