"""Keras 3's own files, against real Keras 3 (on JAX): '.keras' archives and '.weights.h5' files
written by each side and read by the other give the same predictions (to 1e-6), for Dense, Conv,
pooling, BatchNormalization, Dropout, Embedding, LSTM, GRU, SimpleRNN, wrappers, Sequential and
Functional models; the optimiser's state crosses too, so training continues on the other side."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

import neurona
from neurona.models import ModelFileError, load_model


@pytest.fixture(scope="module")
def h5py():
    from tests.conftest import _oracle

    return _oracle("h5py")


def architectures(lib):
    """The same models written with Keras's API: ``lib`` is keras or neurona."""
    L = lib.layers
    yield (
        "dense_bn_dropout",
        lib.Sequential(
            [
                lib.Input((6,)),
                L.Dense(5, activation="relu", kernel_regularizer="l2", activity_regularizer="l1"),
                L.Dropout(0.3),
                L.BatchNormalization(),
                L.Dense(2, activation="softmax"),
            ]
        ),
    )
    yield (
        "conv_pool",
        lib.Sequential(
            [
                lib.Input((9, 9, 2)),
                L.Conv2D(3, 3, padding="same", activation="relu"),
                L.MaxPooling2D(),
                L.Conv2D(4, 2, strides=2),
                L.AveragePooling2D(1),
                L.Flatten(),
                L.Dense(3),
            ]
        ),
    )
    yield (
        "recurrent",
        lib.Sequential(
            [
                lib.Input((7,), dtype="int32"),
                L.Embedding(20, 4),
                L.LSTM(5, return_sequences=True),
                L.GRU(3, return_sequences=True),
                L.SimpleRNN(2),
            ]
        ),
    )
    a, b = lib.Input((6, 3), name="seq"), lib.Input((4,), name="tab")
    x = L.Bidirectional(L.GRU(2, return_sequences=True))(a)
    x = L.TimeDistributed(L.Dense(3))(x)
    x = L.Conv1D(2, 3)(x)
    x = L.GlobalAveragePooling1D()(x)
    inner = lib.Sequential([L.Dense(3, activation="tanh"), L.LayerNormalization()])
    y = inner(b)
    yield "functional", lib.Model([a, b], L.Dense(2)(L.Concatenate()([x, y])))


def _randomize(model, rng):
    """Random weights (variances positive), so that a weight lost or misplaced shows."""
    values = []
    for v in model.weights:
        w = rng.normal(0, 0.5, size=tuple(v.shape)).astype("float32")
        name = str(getattr(v, "path", None) or v.name)
        values.append(np.abs(w) + 0.5 if "variance" in name else w)
    model.set_weights(values)


def _inputs(name, rng):
    if name == "dense_bn_dropout":
        return rng.normal(size=(4, 6)).astype("float32")
    if name == "conv_pool":
        return rng.normal(size=(4, 9, 9, 2)).astype("float32")
    if name == "recurrent":
        return rng.integers(0, 20, size=(4, 7)).astype("int32")
    return [rng.normal(size=(4, 6, 3)).astype("float32"), rng.normal(size=(4, 4)).astype("float32")]


def _close(ours, theirs):
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6, atol=1e-6)


CASES = ["dense_bn_dropout", "conv_pool", "recurrent", "functional"]


@pytest.mark.parametrize("case", CASES)
def test_a_keras_file_written_by_keras_loads_in_neurona(case, keras, h5py, rng, tmp_path):
    model = dict(architectures(keras))[case]
    _randomize(model, rng)
    model.save(tmp_path / "k.keras")
    model.save_weights(tmp_path / "k.weights.h5")
    x = _inputs(case, rng)
    expected = model.predict(x, verbose=0)
    ours = load_model(tmp_path / "k.keras")
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in model.weights]
    _close(ours.predict(x, verbose=0), expected)
    fresh = dict(architectures(neurona))[case]  # the same architecture built in neurona
    fresh.load_weights(tmp_path / "k.weights.h5")
    _close(fresh.predict(x, verbose=0), expected)
    other = dict(architectures(neurona))[case]
    other.load_weights(tmp_path / "k.keras")  # the weights inside the archive
    _close(other.predict(x, verbose=0), expected)


@pytest.mark.parametrize("case", CASES)
def test_a_keras_file_written_by_neurona_loads_in_keras(case, keras, h5py, rng, tmp_path):
    model = dict(architectures(neurona))[case]
    _randomize(model, rng)
    model.save(tmp_path / "n.keras")
    model.save_weights(tmp_path / "n.weights.h5")
    x = _inputs(case, rng)
    expected = model.predict(x, verbose=0)
    theirs = keras.saving.load_model(tmp_path / "n.keras")
    _close(theirs.predict(x, verbose=0), expected)
    fresh = dict(architectures(keras))[case]
    fresh.load_weights(tmp_path / "n.weights.h5")
    _close(fresh.predict(x, verbose=0), expected)
    again = load_model(tmp_path / "n.keras")  # and neurona reads its own '.keras' back
    assert again.get_config() == model.get_config()
    _close(again.predict(x, verbose=0), expected)


def every_other_layer(lib):
    """The layer classes the cases above leave out, in one Functional model."""
    L = lib.layers
    a, b, c = lib.Input((8, 6, 2)), lib.Input((5,)), lib.Input((7, 3))
    x = L.Conv2DTranspose(2, 3, strides=2, padding="same")(a)
    x = L.UpSampling2D(2)(L.ZeroPadding2D(1)(L.MaxPooling2D(2)(x)))
    x = L.GlobalMaxPooling2D()(L.Activation("elu")(x))
    y1, y2 = L.ELU()(L.Dense(4)(b)), L.LeakyReLU(0.3)(L.Dense(4)(b))
    y3, y4 = L.PReLU()(L.Dense(4)(b)), L.ReLU(max_value=2.0)(L.Dense(4)(b))
    m, n = L.Maximum()([y1, y2]), L.Minimum()([y3, y4])
    s = L.Subtract()([m, n])
    added = L.Add()([L.Multiply()([L.Average()([m, n, s]), y1]), s])
    dot = L.Dot(axes=1)([added, y1])
    z = L.AveragePooling1D(1)(L.MaxPooling1D(2)(L.Conv1D(3, 2, padding="causal")(c)))
    z = L.Bidirectional(L.SimpleRNN(2))(L.TimeDistributed(L.Dense(2))(L.LayerNormalization()(z)))
    r = L.Flatten()(L.Reshape((2, 2))(L.Softmax()(added)))
    r = L.Flatten()(L.RepeatVector(2)(r))
    pooled = [L.GlobalMaxPooling1D()(c), L.GlobalAveragePooling1D()(c)]
    return lib.Model([a, b, c], L.Concatenate()([x, dot, z, r, *pooled]))


def test_every_other_layer_class_crosses_both_ways(keras, h5py, rng, tmp_path):
    theirs, ours = every_other_layer(keras), every_other_layer(neurona)
    values = [rng.normal(0, 0.5, size=tuple(w.shape)).astype("float32") for w in theirs.weights]
    theirs.set_weights(values)
    ours.set_weights(values)
    xs = [rng.normal(size=(3, *i.shape[1:])).astype("float32") for i in theirs.inputs]
    expected = theirs.predict(xs, verbose=0)
    _close(ours.predict(xs, verbose=0), expected)  # the same model on both sides
    theirs.save(tmp_path / "k.keras")
    _close(load_model(tmp_path / "k.keras").predict(xs, verbose=0), expected)
    ours.save(tmp_path / "n.keras")
    _close(keras.saving.load_model(tmp_path / "n.keras").predict(xs, verbose=0), expected)


def test_a_registered_custom_layer_crosses(keras, h5py, tmp_path):
    @keras.saving.register_keras_serializable(package="demo")
    class KerasOnlyScale(keras.layers.Layer):  # a name no neurona class has
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return x * self.w * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    class NeuronaScale(neurona.layers.Layer):  # another class name, mapped by custom_objects
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return x * self.w * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3), KerasOnlyScale(3.0)])
    model.layers[1].set_weights([np.array([0.5, 1.0, 2.0], "float32")])
    model.save(tmp_path / "c.keras")
    with pytest.raises(ModelFileError, match="'KerasOnlyScale'.*custom_objects"):
        load_model(tmp_path / "c.keras")
    ours = load_model(tmp_path / "c.keras", custom_objects={"demo>KerasOnlyScale": NeuronaScale})
    assert ours.layers[1].factor == 3.0
    x = np.ones((2, 3), "float32")
    _close(ours.predict(x, verbose=0), model.predict(x, verbose=0))


def _subclassed(lib, register):
    @register(package="test_keras_format")
    class Net(lib.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.encoder = lib.layers.Dense(units, activation="tanh")
            self._head = lib.layers.Dense(1)  # private: Keras files it under layers/
            self.blocks = [lib.layers.Dense(2), lib.layers.Dense(2)]

        def call(self, x):
            h = self.encoder(x)
            for block in self.blocks:
                h = block(h)
            return self._head(h)

        def get_config(self):
            return {"units": self.units, "name": self.name}

    return Net


def test_a_registered_subclassed_model_crosses_both_ways(keras, h5py, rng, tmp_path):
    theirs = _subclassed(keras, keras.saving.register_keras_serializable)(units=4)
    ours_cls = _subclassed(neurona, neurona.saving.register_keras_serializable)
    x = rng.normal(size=(3, 5)).astype("float32")
    theirs(x)
    _randomize(theirs, rng)
    theirs.save(tmp_path / "k.keras")
    loaded = load_model(tmp_path / "k.keras")
    assert isinstance(loaded, ours_cls) and loaded.units == 4
    _close(loaded.predict(x, verbose=0), theirs.predict(x, verbose=0))
    ours = ours_cls(units=2)
    ours(x)
    _randomize(ours, rng)
    ours.save(tmp_path / "n.keras")
    back = keras.saving.load_model(tmp_path / "n.keras")
    _close(back.predict(x, verbose=0), ours.predict(x, verbose=0))


def _data(rng):
    return rng.normal(size=(8, 6)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")


@pytest.mark.parametrize(
    "optimizer, kwargs",
    [
        ("Adam", {"learning_rate": 0.01}),
        ("RMSprop", {"momentum": 0.5, "centered": True}),
        ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
        ("Nadam", {"learning_rate": 0.01}),
        ("Adagrad", {"learning_rate": 0.1}),
    ],
)
def test_training_continues_on_the_other_side_with_the_optimiser_state(
    optimizer, kwargs, keras, h5py, rng, tmp_path
):
    x, y = _data(rng)

    def small(lib):
        L = lib.layers
        return lib.Sequential(
            [lib.Input((6,)), L.Dense(5, activation="relu"), L.BatchNormalization(), L.Dense(2)]
        )

    theirs = small(keras)
    _randomize(theirs, rng)
    theirs.compile(optimizer=getattr(keras.optimizers, optimizer)(**kwargs), loss="mse")
    for _ in range(3):
        theirs.train_on_batch(x, y)
    theirs.save(tmp_path / "k.keras")
    ours = load_model(tmp_path / "k.keras")
    assert type(ours.optimizer).__name__ == optimizer
    assert ours.optimizer.iterations == 3
    # one more step on each side, from the same state
    ours.train_on_batch(x, y)
    theirs.train_on_batch(x, y)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-5, atol=1e-6)
    # and back: neurona's file, Keras continues
    ours.save(tmp_path / "n.keras")
    back = keras.saving.load_model(tmp_path / "n.keras")
    assert int(back.optimizer.iterations) == 4
    back.train_on_batch(x, y)
    ours.train_on_batch(x, y)
    for a, b in zip(ours.get_weights(), back.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-5, atol=1e-6)


def test_the_archive_has_keras_layout(h5py, tmp_path):
    model = dict(architectures(neurona))["recurrent"]
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "m.keras")
    assert os.listdir(tmp_path) == ["m.keras"]  # written in place atomically, nothing else
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        assert sorted(zf.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        import io
        import json

        config = json.loads(zf.read("config.json"))
        h5 = h5py.File(io.BytesIO(zf.read("model.weights.h5")), "r")
        assert config["module"] == "keras" and config["class_name"] == "Sequential"
        dense = config["config"]["layers"][1]
        assert dense["module"] == "keras.layers" and dense["config"]["dtype"]["class_name"] == (
            "DTypePolicy"
        )
        assert config["compile_config"]["optimizer"]["module"] == "keras.optimizers"
        assert h5["layers/lstm/cell/vars/0"].shape == (4, 20)
        assert h5["layers/gru/cell/vars/2"].shape == (2, 9)  # reset_after: bias (2, 3u)
        assert h5["layers/embedding/vars"].attrs["name"] == model.layers[0].name
        assert int(h5["optimizer/vars/0"][()]) == 0 and len(h5["optimizer/vars"]) == 2 + 2 * 10


# ----- safety --------------------------------------------------------------------------------
def test_lambda_layers_are_refused_and_never_run(keras, h5py, tmp_path):
    marker = tmp_path / "ran.txt"

    def side_effect(t):  # would leave a file behind if the loader ever ran it
        open(marker, "w").close()
        return t

    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(side_effect)])
    model.save(tmp_path / "lambda.keras")
    marker.unlink(missing_ok=True)
    before = sorted(os.listdir(tmp_path))
    for safe_mode in (True, False):
        with pytest.raises(ModelFileError, match="Lambda layer.*never runs code") as info:
            load_model(tmp_path / "lambda.keras", safe_mode=safe_mode)
        assert ("safe_mode=True forbids" in str(info.value)) == safe_mode
    assert not marker.exists()
    assert sorted(os.listdir(tmp_path)) == before  # nothing written anywhere near


def _rewrite(path, target, edit):
    import json

    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(target, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_unknown_classes_and_missing_features_are_refused(h5py, tmp_path):
    model = neurona.Sequential([neurona.Input((3,)), neurona.layers.Dense(2)])
    model.save(tmp_path / "m.keras")

    def evil(config):
        config["config"]["layers"][1].update(module="os", class_name="system")

    _rewrite(tmp_path / "m.keras", tmp_path / "evil.keras", evil)
    with pytest.raises(ModelFileError, match="'system'.*Nothing from the file was run"):
        load_model(tmp_path / "evil.keras", safe_mode=False)

    def quantized(config):
        config["config"]["layers"][1]["config"]["quantization_config"] = {"mode": "int8"}

    _rewrite(tmp_path / "m.keras", tmp_path / "q.keras", quantized)
    with pytest.raises(ModelFileError, match="quantization_config.*does not implement"):
        load_model(tmp_path / "q.keras")

    with (
        zipfile.ZipFile(tmp_path / "m.keras") as zf,
        zipfile.ZipFile(tmp_path / "deep.keras", "w") as out,
    ):  # a config.json nested 100,000 deep
        for name in set(zf.namelist()) - {"config.json"}:
            out.writestr(name, zf.read(name))
        deep = '{"class_name": "Dense", "config": ' * 100_000 + "{}" + "}" * 100_000
        out.writestr("config.json", deep)
    with pytest.raises(ModelFileError, match="JSON|deep"):
        load_model(tmp_path / "deep.keras")
    course_gru = neurona.Sequential(
        [neurona.Input((4, 2)), neurona.layers.GRU(2, convention="course")]
    )
    with pytest.raises(ValueError, match="convention='course', which Keras 3 does not have"):
        course_gru.save(tmp_path / "g.keras")
    with pytest.raises(ValueError, match="RBF layer, which Keras 3 does not have"):
        neurona.Sequential([neurona.Input((3,)), neurona.layers.RBF(2)]).save(tmp_path / "r.keras")
    assert not (tmp_path / "r.keras").exists()


def test_hostile_hdf5_files_are_refused(h5py, tmp_path):
    model = neurona.Sequential([neurona.Input((3,)), neurona.layers.Dense(2)])
    before = model.get_weights()
    (tmp_path / "secret.h5").write_bytes(b"")
    with h5py.File(tmp_path / "link.weights.h5", "w") as h5:
        h5["layers/dense/vars"] = h5py.ExternalLink(str(tmp_path / "secret.h5"), "/x")
    with pytest.raises(ModelFileError, match="ExternalLink"):
        model.load_weights(tmp_path / "link.weights.h5")
    with h5py.File(tmp_path / "str.weights.h5", "w") as h5:
        group = h5.create_group("layers/dense/vars")
        group["0"], group["1"] = np.zeros((3, 2), "float32"), np.array([b"a", b"b"])
    with pytest.raises(ModelFileError, match="not a plain numeric array"):
        model.load_weights(tmp_path / "str.weights.h5")
    with h5py.File(tmp_path / "shape.weights.h5", "w") as h5:
        group = h5.create_group("layers/dense/vars")
        group["0"], group["1"] = np.zeros((4, 2), "float32"), np.zeros(2, "float32")
        h5.create_group("layers/dense_9/vars")["0"] = np.zeros(1)
    with pytest.raises(ModelFileError, match=r"file \(4, 2\), model \(3, 2\).*dense_9"):
        model.load_weights(tmp_path / "shape.weights.h5")
    for a, b in zip(model.get_weights(), before):  # all or nothing
        np.testing.assert_array_equal(a, b)


def test_without_h5py_the_error_says_how_to_install_it(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "h5py", None)
    model = neurona.Sequential([neurona.Input((3,)), neurona.layers.Dense(2)])
    with pytest.raises(ImportError, match=r"neurona\[h5\]"):
        model.save(tmp_path / "m.keras")
    with pytest.raises(ImportError, match=r"neurona\[h5\]"):
        model.save_weights(tmp_path / "m.weights.h5")
    assert not os.listdir(tmp_path)
