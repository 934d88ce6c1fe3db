"""Keras 3's serialization surface: to_json / model_from_json, clone_model, layers.serialize /
deserialize, and the keras.saving namespace (custom objects, scopes, serialize_keras_object)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import neurona as nr
from neurona import initializers, layers, losses, metrics, models, optimizers, regularizers
from neurona.models import ModelFileError


def _sequential():
    return models.Sequential(
        [layers.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(2)]
    )


def _functional():
    x = layers.Input((4,), name="x")
    inner = models.Sequential([layers.Input((8,)), layers.Dense(3)], name="inner")
    shared = layers.Dense(8, activation="tanh", name="shared")
    h = shared(x)
    out = layers.Add(name="add")([inner(h), layers.Dense(3, name="skip")(h)])
    return models.Model(x, {"out": out, "h": h}, name="graph")


def _same_weights(a, b):
    return len(a.get_weights()) == len(b.get_weights()) and all(
        np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights())
    )


@nr.saving.register_keras_serializable(package="SavingApiTest")
class Scaled(models.Model):
    """A registered subclassed model with a config."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units)

    def call(self, x):
        return self.dense(x) * 2.0

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@pytest.mark.parametrize("make", [_sequential, _functional])
def test_json_round_trip_is_exact(make, rng):
    model = make()
    text = model.to_json()
    entry = json.loads(text)
    assert {"module", "class_name", "config", "registered_name"} <= set(entry)
    copy = models.model_from_json(text)
    assert type(copy) is type(model)
    assert copy.get_config() == model.get_config()
    assert copy.to_json() == text
    copy.set_weights(model.get_weights())
    assert _same_weights(copy, model)
    x = rng.normal(size=(5, 4)).astype("float32")
    ours, theirs = model.predict(x, verbose=0), copy.predict(x, verbose=0)
    for key in ours if isinstance(ours, dict) else {"y": None}:
        a = ours[key] if isinstance(ours, dict) else ours
        b = theirs[key] if isinstance(theirs, dict) else theirs
        assert np.array_equal(a, b)


def test_to_json_passes_kwargs_to_json_dumps():
    text = _sequential().to_json(indent=2)
    assert "\n  " in text and json.loads(text)["class_name"] == "Sequential"


def test_json_round_trip_registered_subclass():
    model = Scaled(units=5)
    model(np.ones((2, 4), dtype="float32"))
    entry = json.loads(model.to_json())
    assert entry["registered_name"] == "SavingApiTest>Scaled"
    copy = models.model_from_json(model.to_json())
    assert type(copy) is Scaled and copy.units == 5 and copy.built
    copy.set_weights(model.get_weights())
    assert _same_weights(copy, model)


def test_json_keeps_compile_settings():
    model = _sequential()
    model.compile(optimizer=optimizers.SGD(0.25), loss="mse", metrics=["mae"])
    copy = models.model_from_json(model.to_json())
    assert copy.get_compile_config() == model.get_compile_config()


def test_model_from_json_errors():
    with pytest.raises(ModelFileError, match="not valid JSON"):
        models.model_from_json("{not json")
    text = _sequential().to_json().replace('"Sequential"', '"NoSuchModel"')
    with pytest.raises(ModelFileError, match="NoSuchModel"):
        models.model_from_json(text)
    with pytest.raises(TypeError, match="JSON text"):
        models.model_from_json({"class_name": "Sequential"})


@pytest.mark.parametrize("make", [_sequential, _functional])
def test_clone_model_same_architecture_fresh_weights(make):
    model = make()
    clone = models.clone_model(model)
    assert type(clone) is type(model)
    assert clone.get_config() == model.get_config()
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    kernels = [(a, b) for a, b in zip(clone.get_weights(), model.get_weights()) if a.ndim == 2]
    assert kernels and all(not np.array_equal(a, b) for a, b in kernels)
    assert not any(a is b for a, b in zip(clone.weights, model.weights))
    clone.set_weights(model.get_weights())
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)
    ours, theirs = model.predict(x, verbose=0), clone.predict(x, verbose=0)
    if isinstance(ours, dict):
        assert all(np.array_equal(ours[k], theirs[k]) for k in ours)
    else:
        assert np.array_equal(ours, theirs)


def test_clone_model_keeps_shared_layers_shared():
    x = layers.Input((3,))
    shared = layers.Dense(3)
    model = models.Model(x, shared(shared(x)))
    clone = models.clone_model(model)
    assert len(clone.weights) == 2 and len(clone.layers) == 2


def test_clone_model_functions_and_input_tensors():
    model = _sequential()
    model.compile(optimizer="adam", loss="mse")
    same = models.clone_model(model, clone_function=lambda layer: layer)
    assert all(a is b for a, b in zip(same.layers, model.layers))
    assert same.compiled and same.get_compile_config() == model.get_compile_config()
    x = layers.Input((4,), name="new_input")
    on_x = models.clone_model(model, input_tensors=x)
    assert on_x.layers[0].name == "dense" or on_x.input is x
    with pytest.raises(ValueError, match="call_function"):
        models.clone_model(model, call_function=lambda layer, *a, **k: layer(*a, **k))

    graph = models.Model(*_in_out())
    calls = []

    def call_function(layer, *args, **kwargs):
        calls.append(layer.name)
        return layer(*args, **kwargs)

    clone = models.clone_model(graph, call_function=call_function)
    assert calls == ["d"] and clone.output_shape == (None, 2)


def _in_out():
    x = layers.Input((3,))
    return x, layers.Dense(2, name="d")(x)


def test_clone_subclassed_model_from_config():
    model = Scaled(units=2)
    model(np.ones((1, 4), dtype="float32"))
    clone = models.clone_model(model)
    assert type(clone) is Scaled and clone.units == 2
    with pytest.raises(ValueError, match="subclassed"):
        models.clone_model(model, clone_function=lambda layer: layer)


def test_layers_serialize_deserialize():
    dense = layers.Dense(3, activation="relu", name="d")
    entry = layers.serialize(dense)
    assert set(entry) == {"module", "class_name", "config", "registered_name"}
    copy = layers.deserialize(entry)
    assert type(copy) is layers.Dense and copy.get_config() == dense.get_config()
    with pytest.raises(ModelFileError, match="NoSuchLayer"):
        layers.deserialize({"class_name": "NoSuchLayer", "config": {}})
    with pytest.raises(TypeError, match="expected a Layer"):
        layers.serialize(losses.MeanSquaredError())


def test_layers_serialize_keys_match_keras(keras):
    ours = layers.serialize(layers.Dense(3))
    theirs = keras.layers.serialize(keras.layers.Dense(3))
    assert set(ours) == set(theirs)
    assert ours["class_name"] == theirs["class_name"] and ours["registered_name"] is None
    assert set(ours["config"]) <= set(theirs["config"])


def test_to_json_keys_match_keras(keras):
    model = _sequential()
    model.compile(optimizer="adam", loss="mse")
    theirs_model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(2)])
    theirs_model.compile(optimizer="adam", loss="mse")
    ours, theirs = json.loads(model.to_json()), json.loads(theirs_model.to_json())
    assert set(ours) == set(theirs)
    assert ours["class_name"] == theirs["class_name"] == "Sequential"
    assert set(ours["config"]) <= set(theirs["config"]) | {"dtype"}


def test_custom_object_scope_loads_an_unknown_name_and_is_undone(tmp_path):
    model = models.Sequential([layers.Input((2,)), layers.Dense(2)])
    entry = json.loads(model.to_json())
    entry["config"]["layers"][1]["class_name"] = "CourseDense"
    text = json.dumps(entry)
    with pytest.raises(ModelFileError, match="CourseDense"):
        models.model_from_json(text)
    with nr.saving.custom_object_scope({"CourseDense": layers.Dense}):
        assert type(models.model_from_json(text).layers[-1]) is layers.Dense
        assert nr.saving.get_registered_object("CourseDense") is layers.Dense
    assert nr.saving.get_registered_object("CourseDense") is None
    with pytest.raises(ModelFileError, match="CourseDense"):
        models.model_from_json(text)
    with pytest.raises(TypeError, match="dicts"):
        nr.saving.custom_object_scope(["CourseDense"])


def test_custom_object_scope_and_get_custom_objects_reach_load_model(tmp_path):
    def course_loss(y_true, y_pred):
        return ((y_true - y_pred) ** 2).mean()

    model = _sequential()
    model.compile(optimizer="sgd", loss=course_loss)
    path = os.fspath(tmp_path / "m.neurona")
    nr.saving.save_model(model, path)
    with pytest.raises(ModelFileError, match="course_loss"):
        nr.saving.load_model(path)
    with nr.saving.custom_object_scope({"course_loss": course_loss}):
        loaded = nr.saving.load_model(path)
    assert loaded.loss.fn is course_loss if hasattr(loaded.loss, "fn") else True
    assert _same_weights(loaded, model)
    nr.saving.get_custom_objects()["course_loss"] = course_loss
    try:
        assert _same_weights(nr.saving.load_model(path), model)
    finally:
        del nr.saving.get_custom_objects()["course_loss"]
    with pytest.raises(ModelFileError):
        nr.saving.load_model(path)


def test_registered_objects_are_custom_objects():
    assert nr.saving.get_custom_objects()["SavingApiTest>Scaled"] is Scaled
    assert nr.saving.get_registered_name(Scaled) == "SavingApiTest>Scaled"
    assert nr.saving.get_registered_object("SavingApiTest>Scaled") is Scaled


@pytest.mark.parametrize(
    "obj",
    [
        losses.MeanSquaredError(),
        losses.BinaryCrossentropy(from_logits=True),
        metrics.MeanAbsoluteError(),
        metrics.Accuracy(),
        optimizers.Adam(0.01),
        optimizers.SGD(0.1, momentum=0.9),
        initializers.GlorotUniform(seed=3),
        initializers.Constant(0.5),
        regularizers.L2(0.1),
        layers.Dense(3, name="d"),
    ],
    ids=lambda obj: type(obj).__name__,
)
def test_serialize_keras_object_round_trip(obj):
    entry = nr.saving.serialize_keras_object(obj)
    assert set(entry) == {"module", "class_name", "config", "registered_name"}
    json.dumps(entry)
    copy = nr.saving.deserialize_keras_object(entry)
    assert type(copy) is type(obj)
    assert nr.saving.serialize_keras_object(copy) == entry


def test_serialize_keras_object_models_functions_and_errors():
    model = _functional()
    entry = nr.saving.serialize_keras_object(model)
    copy = nr.saving.deserialize_keras_object(entry)
    assert copy.get_config() == model.get_config()
    fn = nr.saving.serialize_keras_object(losses.mean_squared_error)
    assert fn["class_name"] == "function"
    assert nr.saving.deserialize_keras_object(fn) is losses.mean_squared_error
    assert nr.saving.serialize_keras_object({"a": [1, "x", None]}) == {"a": [1, "x", None]}
    with pytest.raises(TypeError, match="lambda"):
        nr.saving.serialize_keras_object(lambda x: x)
    with pytest.raises(ModelFileError, match="NoSuchThing"):
        nr.saving.deserialize_keras_object({"class_name": "NoSuchThing", "config": {}})


def test_serialize_keras_object_matches_keras_layout(keras):
    for ours, theirs in [
        (losses.MeanSquaredError(), keras.losses.MeanSquaredError()),
        (regularizers.L2(0.1), keras.regularizers.L2(0.1)),
        (initializers.GlorotUniform(), keras.initializers.GlorotUniform()),
    ]:
        a = nr.saving.serialize_keras_object(ours)
        b = keras.saving.serialize_keras_object(theirs)
        assert set(a) == set(b) and a["class_name"] == b["class_name"]
        assert a["config"] == b["config"]
    fn = keras.saving.serialize_keras_object(keras.losses.mean_squared_error)
    assert nr.saving.serialize_keras_object(losses.mean_squared_error) == fn


def test_saving_namespace_is_lazy_and_complete():
    import neurona

    assert "saving" in neurona._SUBMODULES
    for name in nr.saving.__all__:
        assert callable(getattr(nr.saving, name))
