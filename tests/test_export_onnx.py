"""model.export("m.onnx", format="onnx"): the exported file runs in onnxruntime and gives what
``predict`` gives (to 1e-5) for Dense, Conv, pooling, normalisation, Dropout (inference),
Embedding, the recurrent layers and the wrappers, in Sequential and Functional models."""

from __future__ import annotations

import numpy as np
import pytest

import neurona
from neurona import layers as L
from neurona.models.onnx_export import ExportError


@pytest.fixture(scope="module")
def ort():
    from tests.conftest import _oracle

    _oracle("onnx")
    return _oracle("onnxruntime")


def _randomize(model, rng):
    values = []
    for w in model.weights:
        v = rng.normal(0, 0.5, size=w.shape).astype("float32")
        values.append(np.abs(v) + 0.5 if "variance" in w.name else v)
    model.set_weights(values)


def _run(ort, path, xs):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    xs = xs if isinstance(xs, list) else [xs]
    return session.run(None, {i.name: x for i, x in zip(session.get_inputs(), xs)})


def _check(model, xs, ort, rng, tmp_path):
    _randomize(model, rng)
    model.export(tmp_path / "m.onnx", format="onnx")
    (ours,) = _run(ort, tmp_path / "m.onnx", xs)
    np.testing.assert_allclose(ours, model.predict(xs, verbose=0), rtol=1e-5, atol=1e-5)


def _seq(shape, *stack):
    return neurona.Sequential([L.Input(shape), *stack])


MODELS = {
    "dense_activations": lambda: _seq(
        (5,),
        L.Dense(6, activation="relu"),
        L.Dense(6, activation="gelu"),
        L.Dense(6, activation="selu"),
        L.Dense(6, activation="silu"),
        L.Dense(6, activation="elu"),
        L.Dense(6, activation="tanh"),
        L.Dense(6, activation="hard_sigmoid"),
        L.Dense(6, activation="softplus"),
        L.LeakyReLU(0.1),
        L.PReLU(),
        L.ReLU(max_value=1.5),
        L.Dropout(0.5),
        L.BatchNormalization(),
        L.Dense(3, activation="softmax"),
    ),
    "conv2d_pooling": lambda: _seq(
        (11, 10, 3),
        L.ZeroPadding2D(1),
        L.UpSampling2D((2, 3)),
        L.Conv2D(4, 3, strides=2, padding="same", activation="relu"),
        L.BatchNormalization(),
        L.MaxPooling2D(2, padding="same"),
        L.Conv2D(5, 2, dilation_rate=2),
        L.AveragePooling2D(2, strides=1, padding="same"),
        L.Flatten(),
        L.Dense(2),
    ),
    "conv_transpose": lambda: _seq(
        (5, 4, 2),
        L.Conv2DTranspose(3, 3, strides=2, padding="same"),
        L.Conv2DTranspose(2, 2, strides=2, padding="valid", activation="sigmoid"),
        L.Conv2DTranspose(2, 3, strides=1, padding="same"),
        L.GlobalMaxPooling2D(),
    ),
    "conv1d": lambda: _seq(
        (12, 3),
        L.Conv1D(4, 3, padding="causal", dilation_rate=2),
        L.Conv1D(4, 3, strides=2, padding="same"),
        L.MaxPooling1D(2),
        L.AveragePooling1D(2, padding="same"),
        L.LayerNormalization(),
        L.GlobalAveragePooling1D(),
    ),
    "recurrent": lambda: _seq(
        (9,),
        L.Embedding(30, 4),
        L.LSTM(5, return_sequences=True),
        L.GRU(4, return_sequences=True, go_backwards=True),
        L.GRU(3, return_sequences=True, reset_after=False),
        L.GRU(3, return_sequences=True, reset_after=False, convention="course"),
        L.GRU(3, return_sequences=True, convention="course"),
        L.SimpleRNN(3, return_sequences=True),
        L.TimeDistributed(L.Dense(2)),
        L.Bidirectional(L.LSTM(2)),
        L.RepeatVector(3),
        L.Bidirectional(L.SimpleRNN(2, return_sequences=True), merge_mode="sum"),
        L.Reshape((2, 3)),
        L.Flatten(),
    ),
}


def _inputs(name, rng):
    shape = MODELS[name]().input_shape[1:]
    if name == "recurrent":
        return rng.integers(0, 30, size=(4, *shape)).astype("float32")  # indices as floats
    return rng.normal(size=(4, *shape)).astype("float32")


@pytest.mark.parametrize("name", sorted(MODELS))
def test_onnxruntime_gives_what_predict_gives(name, ort, rng, tmp_path):
    model = MODELS[name]()
    _check(model, _inputs(name, rng), ort, rng, tmp_path)


@pytest.mark.parametrize(
    "padding, kernel, strides, output_padding",
    [
        ("same", 3, 2, 1),
        ("same", 4, 2, 1),
        ("same", 3, 3, 2),
        ("same", 1, 2, None),
        ("valid", 1, 2, None),
        ("valid", 4, 3, 2),
    ],
)
def test_conv_transpose_sizes_and_crops(
    padding, kernel, strides, output_padding, ort, rng, tmp_path
):
    model = _seq(
        (5, 4, 2),
        L.Conv2DTranspose(
            3, kernel, strides=strides, padding=padding, output_padding=output_padding
        ),
    )
    _check(model, rng.normal(size=(2, 5, 4, 2)).astype("float32"), ort, rng, tmp_path)


@pytest.mark.parametrize(
    "shape, make",
    [
        ((9, 3), lambda: L.Conv1D(2, 3, padding="same", dilation_rate=2)),
        ((9, 3), lambda: L.Conv1D(2, 4, padding="same", strides=2)),
        ((7, 8, 3), lambda: L.Conv2D(2, (3, 2), padding="same", strides=(2, 3))),
        ((7, 8, 3), lambda: L.Conv2D(2, 3, padding="same", dilation_rate=2)),
        ((7, 8, 3), lambda: L.MaxPooling2D(3, strides=2, padding="same")),
        ((7, 8, 3), lambda: L.AveragePooling2D(3, strides=2, padding="same")),
        ((9, 3), lambda: L.MaxPooling1D(3, strides=2, padding="same")),
        ((7, 8, 3), lambda: L.GlobalAveragePooling2D(keepdims=True)),
    ],
)
def test_same_padding_strides_and_dilation(shape, make, ort, rng, tmp_path):
    model = _seq(shape, make())
    _check(model, rng.normal(size=(2, *shape)).astype("float32"), ort, rng, tmp_path)


def test_a_functional_model_with_several_inputs_and_a_nested_model(ort, rng, tmp_path):
    a, b = L.Input((6, 3), name="seq"), L.Input((4,), name="tab")
    x = L.Bidirectional(L.GRU(2, return_sequences=True))(a)
    x = L.GlobalAveragePooling1D()(L.Conv1D(2, 3)(x))
    inner = neurona.Sequential([L.Dense(3, activation="tanh"), L.LayerNormalization()])
    y = inner(b)
    merged = L.Concatenate()([x, y, L.Multiply()([y, y]), L.Subtract()([y, L.Dense(3)(b)])])
    summed = L.Add()([L.Dense(2)(merged), L.Average()([L.Dense(2)(merged), L.Dense(2)(b)])])
    out = L.Maximum()([summed, L.Minimum()([summed, L.Dense(2)(b)])])
    cosine = L.Dot(axes=1, normalize=True)([out, L.Dense(2)(b)])
    pairs = L.Dot(axes=(2, 2))([a, L.Dense(3)(a)])  # (batch, 6, 6)
    out = L.Concatenate()([out, cosine, L.Flatten()(pairs)])
    model = neurona.Model([a, b], [out, L.Activation("softmax")(out)])
    _randomize(model, rng)
    xs = [rng.normal(size=(5, 6, 3)).astype("float32"), rng.normal(size=(5, 4)).astype("float32")]
    model.export(tmp_path / "f.onnx", format="onnx")
    got = _run(ort, tmp_path / "f.onnx", xs)
    for ours, theirs in zip(got, model.predict(xs, verbose=0), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_a_float64_model_is_exported_in_float32(ort, rng, tmp_path):
    model = neurona.Sequential(
        [
            L.Input((5, 3), dtype="float64"),
            L.LSTM(4, dtype="float64", return_sequences=True),
            L.Conv1D(2, 2, dtype="float64"),  # onnxruntime has no float64 Conv
            L.Flatten(),
            L.Dense(2, dtype="float64"),
        ]
    )
    model.export(tmp_path / "d.onnx", format="onnx")
    x = rng.normal(size=(3, 5, 3))
    (ours,) = _run(ort, tmp_path / "d.onnx", x.astype("float32"))
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, model.predict(x, verbose=0), rtol=1e-5, atol=1e-5)


def test_what_cannot_be_exported_says_so(ort, tmp_path):
    with pytest.raises(ExportError, match="no ONNX export for RBF"):
        _seq((3,), L.RBF(2)).export(tmp_path / "r.onnx", format="onnx")
    with pytest.raises(ValueError, match="format='onnx' only"):
        _seq((3,), L.Dense(2)).export(tmp_path / "m")

    class Sub(neurona.Model):
        def __init__(self):
            super().__init__()
            self.dense = L.Dense(2)

        def call(self, x):
            return self.dense(x)

    sub = Sub()
    sub(np.ones((1, 3), "float32"))
    with pytest.raises(ExportError, match="subclassed"):
        sub.export(tmp_path / "s.onnx", format="onnx")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_without_onnx_the_error_says_how_to_install_it(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"neurona\[onnx\]"):
        _seq((3,), L.Dense(2)).export(tmp_path / "m.onnx", format="onnx")
