"""The .neurona model file and the .weights.npz weights file: round trips for every layer, compiled
models, resuming training bit for bit, atomic writes, and tampered or foreign files that must be
refused without running anything."""

from __future__ import annotations

import io
import json
import os
import warnings
import zipfile

import numpy as np
import pytest

from neurona import layers, losses, metrics, optimizers, regularizers
from neurona.models import (
    ModelFileError,
    Sequential,
    load_model,
    register_keras_serializable,
    save_model,
)
from neurona.models.saving import weight_keys


@pytest.fixture(autouse=True)
def _fresh_names():
    layers.reset_layer_names()
    warnings.simplefilter("ignore", UserWarning)  # input_shape= on a layer is Keras 2 style


def _json(config):
    """A config as JSON stores it (tuples become lists): what 'identical config' means."""
    return json.loads(json.dumps(config))


def _randomize(model, rng):
    """Random weights everywhere (variances positive), so that a lost weight shows."""
    values = []
    for key, w in zip(weight_keys(model), model.weights):
        v = rng.normal(size=w.shape)
        values.append(np.abs(v) + 0.5 if "variance" in key else v)
    model.set_weights([v.astype(w.dtype) for v, w in zip(values, model.weights)])


# (layers, input of one batch): every layer class of neurona.layers appears at least once
CASES = {
    "dense_options": (
        lambda: [
            layers.Input((5,)),
            layers.Dense(
                4,
                activation="relu",
                kernel_initializer="he_normal",
                bias_initializer="ones",
                kernel_regularizer=regularizers.L2(0.01),
                bias_regularizer="l1",
                activity_regularizer=regularizers.L1L2(0.1, 0.2),
            ),
            layers.Dense(3, use_bias=False, activation="softmax", name="probabilities"),
        ],
        lambda rng: rng.normal(size=(6, 5)),
    ),
    "batchnorm_dropout": (
        lambda: [
            layers.Dense(6, input_shape=(4,)),
            layers.BatchNormalization(momentum=0.9, epsilon=1e-2),
            layers.Dropout(0.3, seed=1),
            layers.Activation("tanh"),
            layers.Dense(2),
        ],
        lambda rng: rng.normal(size=(5, 4)),
    ),
    "embedding": (
        lambda: [
            layers.Input((3,)),
            layers.Embedding(10, 4),
            layers.Flatten(),
            layers.LayerNormalization(epsilon=1e-5),
            layers.Dense(2, activation="sigmoid"),
        ],
        lambda rng: rng.integers(0, 10, size=(4, 3)),
    ),
    "activations": (
        lambda: [
            layers.Input((2, 6)),
            layers.PReLU(alpha_initializer="ones", shared_axes=[1]),
            layers.LeakyReLU(negative_slope=0.1),
            layers.ELU(alpha=0.5),
            layers.ReLU(max_value=6.0, negative_slope=0.01),
            layers.Reshape((3, 4)),
            layers.Softmax(axis=-1),
            layers.Flatten(),
        ],
        lambda rng: rng.normal(size=(3, 2, 6)),
    ),
    "course_units": (
        lambda: [
            layers.Input((4,)),
            layers.Maxout(3, pieces=4),
            layers.RBF(5, sigma=0.7),
            layers.Dense(1),
        ],
        lambda rng: rng.normal(size=(7, 4)),
    ),
    "images": (
        lambda: [
            layers.Input((6, 6, 2)),
            layers.ZeroPadding2D(1),
            layers.Conv2D(3, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.UpSampling2D(2),
            layers.AveragePooling2D(2),
            layers.Conv2D(2, (2, 2), padding="same"),
            layers.GlobalMaxPooling2D(),
        ],
        lambda rng: rng.normal(size=(2, 6, 6, 2)),
    ),
    "images_average": (
        lambda: [layers.Input((4, 4, 1)), layers.Conv2D(2, 2), layers.GlobalAveragePooling2D()],
        lambda rng: rng.normal(size=(2, 4, 4, 1)),
    ),
    "sequences_conv": (
        lambda: [
            layers.Input((8, 3)),
            layers.Conv1D(4, 3, activation="tanh"),
            layers.MaxPooling1D(2),
            layers.AveragePooling1D(1),
            layers.GlobalAveragePooling1D(),
        ],
        lambda rng: rng.normal(size=(2, 8, 3)),
    ),
    "sequences_conv_max": (
        lambda: [layers.Input((5, 2)), layers.Conv1D(3, 2), layers.GlobalMaxPooling1D()],
        lambda rng: rng.normal(size=(2, 5, 2)),
    ),
    "recurrent": (
        lambda: [
            layers.Input((5, 3)),
            layers.SimpleRNN(4, return_sequences=True),
            layers.LSTM(3, return_sequences=True),
            layers.GRU(2, reset_after=False),
        ],
        lambda rng: rng.normal(size=(2, 5, 3)),
    ),
    "wrappers": (
        lambda: [
            layers.Input((4, 3)),
            layers.Bidirectional(layers.GRU(2, return_sequences=True)),
            layers.TimeDistributed(layers.Dense(2)),
        ],
        lambda rng: rng.normal(size=(2, 4, 3)),
    ),
    "lazy_build": (
        lambda: [layers.Dense(3, activation="gelu"), layers.Dense(1)],
        lambda rng: rng.normal(size=(2, 8)),
    ),
    "transposed_conv": (
        lambda: [
            layers.Input((3, 3, 2)),
            layers.Conv2DTranspose(
                3,
                3,
                strides=2,
                padding="same",
                output_padding=1,
                activation="relu",
                kernel_regularizer="l2",
            ),
            layers.Conv2DTranspose(2, (2, 3), use_bias=False),
            layers.GlobalMaxPooling2D(),
        ],
        lambda rng: rng.normal(size=(2, 3, 3, 2)),
    ),
    "repeat_vector": (
        lambda: [layers.Input((4,)), layers.RepeatVector(3), layers.SimpleRNN(2)],
        lambda rng: rng.normal(size=(2, 4)),
    ),
}


def test_the_cases_cover_every_layer_class():
    used = set()
    for make, _ in CASES.values():
        used.update(
            type(
                getattr(layer, "_keras_history", None)  # Input → its InputLayer
                and layer._keras_history.operation
                or layer
            ).__name__
            for layer in make()
        )
    every = {
        getattr(layers, name).__name__
        for name in layers.__all__
        if isinstance(getattr(layers, name), type)
        and issubclass(getattr(layers, name), layers.Layer)
    }
    merging = {
        "Add",
        "Subtract",
        "Multiply",
        "Average",
        "Maximum",
        "Minimum",
        "Concatenate",
        "Dot",
    }  # several inputs: saved in Functional models (tests/layers/test_merge.py)
    assert every - used - merging <= {"Layer", "KerasTensor"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_round_trip_gives_identical_predictions_weights_and_config(case, rng, tmp_path):
    make, data = CASES[case]
    model, x = Sequential(make()), data(rng)
    if not model.built:
        model(x)
    _randomize(model, rng)
    path = tmp_path / "m.neurona"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for ours, theirs in zip(loaded.get_weights(), model.get_weights(), strict=True):
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)
    assert _json(loaded.get_config()) == _json(model.get_config())
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert len(loaded.losses) == len(model.losses)  # regularisers came back
    assert not loaded.compiled


def test_from_config_rebuilds_the_architecture_with_fresh_weights(rng):
    model = Sequential(CASES["batchnorm_dropout"][0]())
    copy = Sequential.from_config(model.get_config())
    assert copy.get_config() == model.get_config()
    assert [w.shape for w in copy.get_weights()] == [w.shape for w in model.get_weights()]
    assert copy.layers[0] is not model.layers[0]


def test_a_compiled_model_comes_back_compiled(rng, tmp_path):
    schedule = optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.5)
    model = Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(
        optimizer=optimizers.Adam(learning_rate=schedule, amsgrad=True),
        loss=losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
        metrics=["accuracy", metrics.AUC(name="auc"), "mse"],
    )
    x, y = rng.normal(size=(16, 3)), rng.integers(0, 2, size=(16, 1)).astype("float32")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "m.neurona")
    loaded = load_model(tmp_path / "m.neurona")
    assert loaded.compiled
    assert type(loaded.optimizer) is optimizers.Adam
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.optimizer.iterations == 2
    assert loaded.loss.get_config() == model.loss.get_config()
    assert type(loaded.loss) is losses.BinaryCrossentropy
    assert loaded.evaluate(x, y, verbose=0, return_dict=True) == model.evaluate(
        x, y, verbose=0, return_dict=True
    )
    assert not load_model(tmp_path / "m.neurona", compile=False).compiled


@pytest.mark.parametrize(
    "optimizer", ["adam", "nadam", "rmsprop", "adagrad", "adadelta", "momentum"]
)
def test_fit_save_load_fit_equals_one_long_fit_bit_for_bit(optimizer, rng, tmp_path):
    def fresh():
        layers.reset_layer_names()
        model = Sequential(
            [
                layers.Input((4,)),
                layers.Dense(8, activation="tanh"),
                layers.BatchNormalization(),
                layers.Dense(3, activation="softmax"),
            ]
        )
        opt = optimizers.SGD(0.1, momentum=0.9) if optimizer == "momentum" else optimizer
        model.compile(optimizer=opt, loss="categorical_crossentropy", metrics=["accuracy"])
        return model

    x = rng.normal(size=(40, 4)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 40)]
    straight, resumed = fresh(), fresh()
    resumed.set_weights(straight.get_weights())
    straight.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    resumed.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    resumed.save(tmp_path / "m.neurona")
    resumed = load_model(tmp_path / "m.neurona")
    resumed.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    assert resumed.optimizer.iterations == straight.optimizer.iterations == 9
    for ours, theirs in zip(resumed.get_weights(), straight.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_without_the_optimizer_state_training_restarts_the_moments(rng, tmp_path):
    model = Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(rng.normal(size=(8, 2)), rng.normal(size=(8, 1)), epochs=1, verbose=0)
    model.save(tmp_path / "m.neurona", include_optimizer=False)
    assert "optimizer.npz" not in zipfile.ZipFile(tmp_path / "m.neurona").namelist()
    assert load_model(tmp_path / "m.neurona").optimizer.iterations == 0


# ----- files: names, atomic writes --------------------------------------------------------
def _small(rng=None):
    model = Sequential([layers.Input((3,)), layers.Dense(2)])
    if rng is not None:
        _randomize(model, rng)
    return model


def test_the_file_is_a_zip_of_config_and_weights(tmp_path):
    model = _small()
    model.save(tmp_path / "m.neurona")
    with zipfile.ZipFile(tmp_path / "m.neurona") as zf:
        assert zf.namelist() == ["config.json", "weights.npz"]
        config = json.loads(zf.read("config.json"))
        with np.load(io.BytesIO(zf.read("weights.npz")), allow_pickle=False) as npz:
            assert npz.files == ["dense/kernel", "dense/bias"]
            np.testing.assert_array_equal(npz["dense/kernel"], model.get_weights()[0])
    assert (config["format"], config["format_version"], config["class_name"]) == (
        "neurona",
        1,
        "Sequential",
    )
    assert config["config"]["layers"][1]["class_name"] == "Dense"
    assert config["weights"][0] == {
        "key": "dense/kernel",
        "name": "dense/kernel",
        "shape": [3, 2],
        "dtype": "float32",
    }


def test_overwrite_false_refuses_and_keeps_the_old_file(rng, tmp_path):
    path = tmp_path / "m.neurona"
    _small().save(path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite=False"):
        _small().save(path, overwrite=False)
    assert path.read_bytes() == before
    _small().save(tmp_path / "new.neurona", overwrite=False)  # a new name is fine


def test_an_interrupted_save_leaves_the_old_file_whole(rng, tmp_path, monkeypatch):
    path = tmp_path / "m.neurona"
    old = _small(rng)
    old.save(path)
    import neurona.models.saving as saving

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C in the middle of the write

    monkeypatch.setattr(saving, "write_npz", crash)
    with pytest.raises(KeyboardInterrupt):
        _small(rng).save(path)
    assert os.listdir(tmp_path) == ["m.neurona"]  # no temporary file left behind
    x = rng.normal(size=(2, 3))
    np.testing.assert_array_equal(load_model(path).predict(x, verbose=0), old.predict(x, verbose=0))


def test_h5_names_write_the_neurona_format_with_a_warning(tmp_path):
    model = _small()  # ('.keras' writes Keras 3's archive: tests/models/test_keras_format.py)
    with pytest.warns(UserWarning, match="Keras cannot read"):
        model.save(tmp_path / "m.h5")
    assert load_model(tmp_path / "m.h5").count_params() == 8
    with pytest.raises(ValueError, match="ending in '.neurona'"):
        model.save(tmp_path / "m.pkl")
    with pytest.raises(ValueError, match="not built"):
        Sequential([layers.Dense(2)]).save(tmp_path / "lazy.neurona")


def test_a_config_json_cannot_hold_is_refused_before_writing(tmp_path):
    model = Sequential([layers.Input((2,)), layers.Dense(2, activation=lambda z: z * 2.0)])
    with pytest.raises(TypeError, match=r"config\['activation'\].*cannot be saved as JSON"):
        model.save(tmp_path / "m.neurona")
    assert not os.listdir(tmp_path)


# ----- weights files ------------------------------------------------------------------------
def test_save_weights_load_weights_into_a_fresh_model(rng, tmp_path):
    model = _small(rng)
    model.save_weights(tmp_path / "m.weights.npz")
    other = _small()  # its layers are named dense_1: keys do not depend on layer names
    other.load_weights(tmp_path / "m.weights.npz")
    for ours, theirs in zip(other.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    model.save(tmp_path / "m.neurona")
    third = _small()
    third.load_weights(tmp_path / "m.neurona")  # a whole-model file holds the weights too
    np.testing.assert_array_equal(third.get_weights()[0], model.get_weights()[0])


def test_weights_names_are_checked_and_nothing_changes_on_a_mismatch(rng, tmp_path):
    _small(rng).save_weights(tmp_path / "m.weights.npz")
    other = Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(1)])
    before = other.get_weights()
    with pytest.raises(
        ModelFileError,
        match=r"Missing in the file: \['dense_1/kernel', "
        r"'dense_1/bias'\].*dense/kernel: model \(3, 4\)",
    ):
        other.load_weights(tmp_path / "m.weights.npz")
    for ours, theirs in zip(other.get_weights(), before, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_hdf5_weights_names_point_to_weights_h5_or_npz(tmp_path):
    with pytest.raises(ValueError, match=r"HDF5.*'….weights\.h5'.*'\.weights\.npz'"):
        _small().save_weights(tmp_path / "m.h5")
    with pytest.raises(ValueError, match="ending in '.weights.npz'"):
        _small().save_weights(tmp_path / "m.npz")


# ----- custom layers: by registered name only -----------------------------------------------
@register_keras_serializable(package="Tests")
class Scale(layers.Layer):
    """y = x ⊙ w, one learned factor per feature."""

    def __init__(self, init: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.init = init

    def build(self, input_shape):
        self.w = self.add_weight("w", (input_shape[-1],), "ones")

    def call(self, x):
        return x * self.w * self.init

    def get_config(self):
        return {**super().get_config(), "init": self.init}


class Unregistered(Scale):
    pass


def test_a_registered_custom_layer_round_trips(rng, tmp_path):
    model = Sequential([layers.Input((3,)), Scale(2.0), layers.Dense(1)])
    _randomize(model, rng)
    model.save(tmp_path / "m.neurona")
    entry = model.get_config()["layers"][1]
    assert (entry["class_name"], entry["registered_name"]) == ("Scale", "Tests>Scale")
    loaded = load_model(tmp_path / "m.neurona")
    assert type(loaded.layers[0]) is Scale and loaded.layers[0].init == 2.0
    x = rng.normal(size=(4, 3))
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_an_unregistered_layer_needs_custom_objects(rng, tmp_path):
    model = Sequential([layers.Input((3,)), Unregistered()])
    with pytest.warns(UserWarning, match="not registered"):
        model.save(tmp_path / "m.neurona")
    with pytest.raises(
        ModelFileError,
        match=r"no layer class is registered as 'Unregistered'.*"
        r"custom_objects=\{'Unregistered'",
    ):
        load_model(tmp_path / "m.neurona")
    loaded = load_model(tmp_path / "m.neurona", custom_objects={"Unregistered": Unregistered})
    assert type(loaded.layers[0]) is Unregistered


def test_custom_loss_and_metric_functions_come_back_by_name(rng, tmp_path):
    @register_keras_serializable(package="Tests", name="doubled_mse")
    def doubled_mse(y_true, y_pred):
        return losses.mean_squared_error(y_true, y_pred) * 2.0

    def half_mae(y_true, y_pred):
        return losses.mean_absolute_error(y_true, y_pred) * 0.5

    model = Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss=doubled_mse, metrics=[half_mae])
    model.save(tmp_path / "m.neurona")
    with pytest.raises(ModelFileError, match="unknown metric 'half_mae'.*custom_objects"):
        load_model(tmp_path / "m.neurona")
    loaded = load_model(tmp_path / "m.neurona", custom_objects={"half_mae": half_mae})
    assert loaded.loss.fn is doubled_mse and loaded.loss.name == "doubled_mse"
    x, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)


# ----- tampered and foreign files: a clear error, nothing executed -----------------------------
class Marker:
    """Unpickling this would write a file: the proof that code ran."""

    path = ""

    def __reduce__(self):
        return (open, (self.path, "w"))  # open(path, "w") creates the marker file


def _rezip(src, dst, replace=None, drop=(), add=None):
    """Copy the members of the zip ``src`` to ``dst``, replacing, dropping or adding some."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            if name not in drop:
                zout.writestr(name, (replace or {}).get(name, zin.read(name)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)


@pytest.fixture
def saved(tmp_path, rng):
    path = tmp_path / "good.neurona"
    _small(rng).save(path)
    return path


def _config(saved):
    with zipfile.ZipFile(saved) as zf:
        return json.loads(zf.read("config.json"))


def _evil_npz(marker_path):
    """An npz whose 'dense/kernel' is a pickled object that creates ``marker_path``."""
    Marker.path = str(marker_path)  # read by __reduce__ when np.savez pickles the object
    payload = np.empty(1, dtype=object)
    payload[0] = Marker()
    buffer = io.BytesIO()
    np.savez(buffer, **{"dense/kernel": payload, "dense/bias": np.zeros(2, "float32")})
    return buffer.getvalue()


def test_a_pickled_object_array_is_refused_and_never_unpickled(saved, tmp_path):
    probe = tmp_path / "probe.txt"  # the payload is live: unpickling it does write a file
    with np.load(io.BytesIO(_evil_npz(probe)), allow_pickle=True) as npz:
        npz["dense/kernel"]
    assert probe.exists()
    marker = tmp_path / "code_ran.txt"
    evil = _evil_npz(marker)
    _rezip(saved, tmp_path / "evil.neurona", replace={"weights.npz": evil})
    with pytest.raises(ModelFileError, match="never unpickles"):
        load_model(tmp_path / "evil.neurona")
    (tmp_path / "evil.weights.npz").write_bytes(evil)
    with pytest.raises(ModelFileError, match="never unpickles"):
        _small().load_weights(tmp_path / "evil.weights.npz")
    assert not marker.exists()


def test_not_a_zip_or_a_truncated_zip(saved, tmp_path):
    (tmp_path / "text.neurona").write_text("hello")
    with pytest.raises(ModelFileError, match="not a complete zip archive"):
        load_model(tmp_path / "text.neurona")
    data = saved.read_bytes()
    (tmp_path / "cut.neurona").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="not a complete zip archive"):
        load_model(tmp_path / "cut.neurona")
    (tmp_path / "m.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(100))
    with pytest.raises(ModelFileError, match="HDF5 file"):
        load_model(tmp_path / "m.h5")
    with pytest.raises(FileNotFoundError, match="no file at"):
        load_model(tmp_path / "missing.neurona")


def test_damaged_bytes_inside_a_member_are_caught(saved, tmp_path):
    data = bytearray(saved.read_bytes())
    at = data.index(b"\x93NUMPY") + 200  # inside the first array's bytes
    data[at] ^= 0xFF
    (tmp_path / "flipped.neurona").write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="damaged"):
        load_model(tmp_path / "flipped.neurona")


def test_missing_and_unknown_members(saved, tmp_path):
    _rezip(saved, tmp_path / "a.neurona", drop={"weights.npz"})
    with pytest.raises(ModelFileError, match=r"missing \['weights.npz'\]"):
        load_model(tmp_path / "a.neurona")
    _rezip(saved, tmp_path / "b.neurona", add={"evil.py": b"import os"})
    with pytest.raises(ModelFileError, match=r"unknown \['evil.py'\]"):
        load_model(tmp_path / "b.neurona")
    keras_like = tmp_path / "c.keras"
    with zipfile.ZipFile(keras_like, "w") as zf:
        for name in ("metadata.json", "config.json", "model.weights.h5"):
            zf.writestr(name, "{}")
    with pytest.raises(ModelFileError, match="Keras 3 '.keras' file"):
        load_model(keras_like)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda c: c.pop("weights"), r"missing keys \['weights'\]"),
        (lambda c: c.update(run="os.system('x')"), r"unknown keys \['run'\]"),
        (lambda c: c.update(format="keras"), "format 'neurona', got 'keras'"),
        (lambda c: c.update(format_version=99), "format_version 99"),
        (
            lambda c: c["config"]["layers"][1].update(class_name="os.system"),
            "no layer class is registered as 'os.system'",
        ),
        (
            lambda c: c["config"]["layers"][1]["config"].update(units=3),
            r"dense/kernel: model \(3, 3\), file \(3, 2\)",
        ),
        (
            lambda c: c["config"]["layers"][1]["config"].update(bogus=1),
            "Dense.from_config rejected the saved config",
        ),
        (lambda c: c["config"].update(layers="Dense"), "expected a dict with a 'layers' list"),
        (lambda c: c["weights"].reverse(), "weight list of config.json"),
        (lambda c: c.update(compile_config={"optimizer": "adam"}), "expected the compile settings"),
    ],
)
def test_a_wrong_config_gets_a_clear_error(saved, tmp_path, edit, message):
    config = _config(saved)
    edit(config)
    _rezip(saved, tmp_path / "edited.neurona", replace={"config.json": json.dumps(config)})
    with pytest.raises(ModelFileError, match=message):
        load_model(tmp_path / "edited.neurona")


def test_config_that_is_not_json(saved, tmp_path):
    _rezip(saved, tmp_path / "x.neurona", replace={"config.json": b"\xff{not json"})
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_model(tmp_path / "x.neurona")


def test_an_optimizer_state_that_does_not_fit_is_refused(rng, tmp_path):
    model = Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(rng.normal(size=(4, 2)), rng.normal(size=(4, 1)), verbose=0)
    model.save(tmp_path / "m.neurona")
    state = io.BytesIO()
    np.savez(state, iterations=np.array(1), **{"0/momentum": np.zeros((5, 5), "float32")})
    _rezip(
        tmp_path / "m.neurona",
        tmp_path / "bad.neurona",
        replace={"optimizer.npz": state.getvalue()},
    )
    with pytest.raises(ModelFileError, match="the state does not fit"):
        load_model(tmp_path / "bad.neurona")
    assert load_model(tmp_path / "bad.neurona", compile=False).count_params() == 3


def test_save_model_function_and_its_argument_checks(tmp_path):
    model = _small()
    save_model(model, str(tmp_path / "m.neurona"))
    assert load_model(str(tmp_path / "m.neurona")).count_params() == 8
    with pytest.raises(TypeError, match=r"unknown arguments \['options'\]"):
        save_model(model, tmp_path / "n.neurona", options=1)
    with pytest.raises(ValueError, match="only neurona's own format"):
        save_model(model, tmp_path / "n.neurona", save_format="tf")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save_model(model, tmp_path / "no" / "such" / "m.neurona")


def test_a_zip_bomb_member_is_refused(saved, tmp_path):
    config = _config(saved)
    config["optimizer_weights"] = ["dense/kernel", "dense/bias"]
    with zipfile.ZipFile(saved) as zin, zipfile.ZipFile(tmp_path / "bomb.neurona", "w") as zout:
        zout.writestr("config.json", json.dumps(config))
        zout.writestr("weights.npz", zin.read("weights.npz"))
        zout.writestr("optimizer.npz", bytes(50 * 2**20), compress_type=zipfile.ZIP_DEFLATED)
    with pytest.raises(ModelFileError, match="would inflate from"):
        load_model(tmp_path / "bomb.neurona")
