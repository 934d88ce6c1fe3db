"""Merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot): values by
hand, Keras's broadcasting, gradient checks, the oracle against Keras 3 (outputs and symbolic
shapes), the error messages, config round trips and the Functional API's two-input model."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers

ELEMENTWISE = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]

# (class name, constructor kwargs, input shapes): every case the oracle and gradcheck cover
CASES = [
    *[(name, {}, [(4, 3), (4, 3)]) for name in ELEMENTWISE],
    *[(name, {}, [(4, 3), (4, 3), (4, 3)]) for name in ELEMENTWISE if name != "Subtract"],
    *[(name, {}, [(2, 3, 4), (2, 4)]) for name in ELEMENTWISE],  # lower rank: axis after batch
    *[(name, {}, [(2, 3, 4), (2, 1, 4)]) for name in ELEMENTWISE],  # size-1 axis broadcasts
    ("Concatenate", {}, [(4, 3), (4, 2), (4, 1)]),
    ("Concatenate", {"axis": 1}, [(2, 3, 4), (2, 1, 4)]),
    ("Concatenate", {"axis": 1}, [(4, 3), (4, 5)]),
    ("Dot", {"axes": 1}, [(4, 3), (4, 3)]),
    ("Dot", {"axes": (1, 2)}, [(2, 3, 5), (2, 4, 3)]),
    ("Dot", {"axes": 1, "normalize": True}, [(4, 3), (4, 3)]),
    ("Dot", {"axes": (1, 2), "normalize": True}, [(2, 3, 5), (2, 4, 3)]),
    ("Dot", {"axes": -1}, [(2, 3, 5), (2, 5)]),
    ("Dot", {"axes": (2, 1)}, [(2, 3, 4, 5), (2, 4, 6)]),
]
IDS = [f"{name}-{kwargs}-{shapes}" for name, kwargs, shapes in CASES]


def distinct_inputs(shapes, rng):
    """Inputs whose values all differ (no ties for Maximum/Minimum), away from 0."""
    sizes = [int(np.prod(s)) for s in shapes]
    values = rng.permutation(np.arange(1, sum(sizes) + 1)) * 0.1 * rng.choice([-1, 1], sum(sizes))
    parts = np.split(values, np.cumsum(sizes)[:-1])
    return [p.reshape(s) for p, s in zip(parts, shapes)]


# ----- values by hand ------------------------------------------------------------------------
def test_elementwise_layers_by_hand():
    # a = [1, 6], b = [4, 2], c = [3, 3]:  sum [8, 11], product [12, 36], mean [8/3, 11/3],
    # max [4, 6], min [1, 2];  a − b = [−3, 4]
    a, b, c = np.array([[1.0, 6.0]]), np.array([[4.0, 2.0]]), np.array([[3.0, 3.0]])
    assert layers.Add()([a, b, c]).numpy().tolist() == [[8.0, 11.0]]
    assert layers.Multiply()([a, b, c]).numpy().tolist() == [[12.0, 36.0]]
    np.testing.assert_allclose(layers.Average()([a, b, c]).numpy(), [[8 / 3, 11 / 3]], rtol=1e-6)
    assert layers.Maximum()([a, b, c]).numpy().tolist() == [[4.0, 6.0]]
    assert layers.Minimum()([a, b, c]).numpy().tolist() == [[1.0, 2.0]]
    assert layers.Subtract()([a, b]).numpy().tolist() == [[-3.0, 4.0]]


def test_concatenate_joins_along_the_axis():
    x, y = np.arange(6.0).reshape(2, 3), np.array([[10.0], [20.0]])
    out = layers.Concatenate()([x, y]).numpy()
    assert out.tolist() == [[0.0, 1.0, 2.0, 10.0], [3.0, 4.0, 5.0, 20.0]]
    assert layers.Concatenate(axis=0)([x, np.ones((1, 3))]).shape == (3, 3)  # Keras allows it


def test_dot_by_hand_and_cosine_similarity():
    # x = [1, 2], y = [3, 4]:  x·y = 3 + 8 = 11;  cos = 11 / (√5 · 5) = 0.98387…
    x, y = np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])
    assert layers.Dot(axes=1)([x, y]).numpy().tolist() == [[11.0]]
    cosine = layers.Dot(axes=1, normalize=True, dtype="float64")([x, y]).numpy()
    np.testing.assert_allclose(cosine, [[11 / (np.sqrt(5) * 5)]], rtol=1e-12)


def test_dot_matches_einsum_for_each_axes_form(rng):
    x, y = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 5, 6))
    out = layers.Dot(axes=(3, 1), dtype="float64")([x, y]).numpy()
    np.testing.assert_allclose(out, np.einsum("bijk,bkl->bijl", x, y), rtol=1e-12)
    x, y = rng.normal(size=(2, 3, 5)), rng.normal(size=(2, 4, 3))
    out = layers.Dot(axes=(1, 2), dtype="float64")([x, y]).numpy()
    np.testing.assert_allclose(out, np.einsum("bkm,bnk->bmn", x, y), rtol=1e-12)


def test_lower_rank_input_gets_its_missing_axes_after_the_batch_axis(rng):
    x, y = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4))
    out = layers.Add(dtype="float64")([x, y]).numpy()
    np.testing.assert_allclose(out, x + y[:, None, :])


def test_a_single_input_passes_through_as_in_keras_3():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(layers.Add()([x]).numpy(), x)
    np.testing.assert_array_equal(layers.Concatenate()([x]).numpy(), x)


def test_functional_forms_build_the_layer_with_its_arguments():
    x, y = np.ones((2, 3)), np.full((2, 3), 2.0)
    forms = {
        "add": [[3.0] * 3] * 2,
        "subtract": [[-1.0] * 3] * 2,
        "multiply": [[2.0] * 3] * 2,
        "average": [[1.5] * 3] * 2,
        "maximum": [[2.0] * 3] * 2,
        "minimum": [[1.0] * 3] * 2,
    }
    for name, expected in forms.items():
        assert getattr(layers, name)([x, y], name=f"my_{name}").numpy().tolist() == expected
    assert layers.concatenate([x, y], axis=0).shape == (4, 3)
    assert layers.dot([x, y], axes=1).numpy().tolist() == [[6.0], [6.0]]
    assert layers.dot([x, y]).numpy().tolist() == [[6.0], [6.0]]  # Keras's default axes=-1
    np.testing.assert_allclose(layers.dot([x, y], axes=1, normalize=True).numpy(), 1.0, rtol=1e-6)


# ----- gradients -----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "kwargs", "shapes"), CASES, ids=IDS)
def test_gradient_through_the_layer_matches_central_differences(name, kwargs, shapes, rng):
    layer = getattr(layers, name)(dtype="float64", **kwargs)
    report = nr.gradcheck(lambda *xs: layer(list(xs)), distinct_inputs(shapes, rng))
    assert report.ok, report


def test_normalized_dot_of_a_zero_vector_is_zero_with_a_finite_gradient():
    x = nr.tensor(np.zeros((1, 3)), requires_grad=True)
    out = layers.Dot(axes=1, normalize=True, dtype="float64")([x, np.ones((1, 3))])
    out.backward(np.ones((1, 1)))
    assert out.numpy().tolist() == [[0.0]]
    assert np.all(np.isfinite(x.grad))


# ----- oracle: Keras 3 -----------------------------------------------------------------------
@pytest.mark.parametrize(("name", "kwargs", "shapes"), CASES, ids=IDS)
def test_output_matches_keras(name, kwargs, shapes, rng, keras, oracle_close):
    xs = [x.astype("float32") for x in distinct_inputs(shapes, rng)]
    ours = getattr(layers, name)(**kwargs)(xs)
    theirs = getattr(keras.layers, name)(**kwargs)(xs)
    assert ours.dtype == np.float32
    oracle_close(ours, np.asarray(theirs))


@pytest.mark.parametrize(("name", "kwargs", "shapes"), CASES, ids=IDS)
def test_symbolic_output_shape_matches_keras(name, kwargs, shapes, keras):
    ours = getattr(layers, name)(**kwargs)([layers.Input(s[1:]) for s in shapes])
    theirs = getattr(keras.layers, name)(**kwargs)([keras.Input(s[1:]) for s in shapes])
    assert ours.shape == tuple(theirs.shape)


def test_functional_forms_and_defaults_match_keras(keras):
    import inspect

    for name in ["add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate"]:
        ours, theirs = (
            inspect.signature(getattr(layers, name)),
            inspect.signature(getattr(keras.layers, name)),
        )
        assert list(ours.parameters) == list(theirs.parameters), name
    assert layers.Concatenate().axis == keras.layers.Concatenate().axis == -1
    assert layers.Dot(1).normalize is keras.layers.Dot(1).normalize is False
    dot_default = inspect.signature(keras.layers.dot).parameters["axes"].default
    assert inspect.signature(layers.dot).parameters["axes"].default == dot_default == -1


# ----- errors --------------------------------------------------------------------------------
ERRORS = [
    ("Subtract", {}, [(2, 3)] * 3, "Subtract 'm' expects exactly 2 inputs, got 3"),
    ("Dot", {"axes": 1}, [(2, 3)] * 3, "Dot 'm' expects exactly 2 inputs, got 3"),
    ("Add", {}, [(2, 3), (3, 3)], "expects inputs with one batch size, got shapes"),
    ("Multiply", {}, [(2, 3), (2, 4)], r"whose shapes broadcast .* axis -1 has sizes \[3, 4\]"),
    ("Maximum", {}, [(2, 3, 4), (2, 3)], r"axis -1 has sizes \[3, 4\]"),
    ("Concatenate", {}, [(2, 3), (2, 4, 3)], "expects inputs of one rank"),
    ("Concatenate", {"axis": 1}, [(2, 3, 4), (2, 3, 5)], r"axis 2 has sizes \[4, 5\]"),
    ("Concatenate", {"axis": 3}, [(2, 3), (2, 3)], r"axis=3, but its inputs have 2 axes"),
    ("Dot", {"axes": 1}, [(2, 3), (2, 4)], r"dot axes to have one size, got 3 .* and 4"),
    ("Dot", {"axes": 0}, [(2, 3), (2, 3)], "names axis 0: the batch axis"),
    ("Dot", {"axes": (1, 2)}, [(2, 3), (2, 3)], "names axis 2"),
    ("Dot", {"axes": 1}, [(2,), (2,)], "at least one more"),
]


@pytest.mark.parametrize(("name", "kwargs", "shapes", "message"), ERRORS)
def test_invalid_inputs_are_reported_and_keras_rejects_them_too(
    name, kwargs, shapes, message, keras
):
    with pytest.raises(ValueError, match=message):
        getattr(layers, name)(name="m", **kwargs)([np.ones(s) for s in shapes])
    with pytest.raises((ValueError, IndexError)):  # Keras: IndexError for an axis past the end
        getattr(keras.layers, name)(**kwargs)([np.ones(s, dtype="float32") for s in shapes])


def test_symbolic_inputs_are_checked_when_the_layer_is_called():
    a, b = layers.Input((3,)), layers.Input((4,))
    with pytest.raises(ValueError, match="Add 'add_ab' expects inputs whose shapes broadcast"):
        layers.Add(name="add_ab")([a, b])


def test_a_single_tensor_instead_of_a_list_is_reported():
    with pytest.raises(ValueError, match=r"Add 'm' expects a list of inputs, got input shape"):
        layers.Add(name="m")(np.ones((2, 3)))


def test_a_built_layer_checks_later_inputs_too():
    layer = layers.Add(name="m")
    layer([np.ones((2, 3)), np.ones((2, 3))])
    with pytest.raises(ValueError, match="whose shapes broadcast"):
        layer([np.ones((2, 3)), np.ones((2, 5))])


@pytest.mark.parametrize(
    ("axes", "error", "message"),
    [
        ("1", TypeError, "expected axes to be an int or a pair of ints"),
        (True, TypeError, "expected axes to be an int or a pair of ints"),
        ((1, 2, 3), ValueError, r"pair of ints \(axis of x, axis of y\), got axes=\(1, 2, 3\)"),
        ((1.0, 2), ValueError, "pair of ints"),
    ],
)
def test_dot_axes_argument_is_checked(axes, error, message):
    with pytest.raises(error, match=message):
        layers.Dot(axes=axes)


def test_concatenate_axis_must_be_an_int():
    with pytest.raises(TypeError, match="Concatenate: expected axis to be an int, got axis='1'"):
        layers.Concatenate(axis="1")


# ----- config --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        *[(name, {}) for name in ELEMENTWISE],
        ("Concatenate", {"axis": 1}),
        ("Dot", {"axes": (1, 2), "normalize": True}),
    ],
)
def test_config_round_trip_and_keras_keys(name, kwargs, keras):
    cls = getattr(layers, name)
    config = cls(name="m", **kwargs).get_config()
    clone = cls.from_config(config)
    assert clone.get_config() == config and clone.name == "m"
    assert {**config, **kwargs} == config  # the arguments, under Keras's names
    keras_keys = set(getattr(keras.layers, name)(**kwargs).get_config())
    assert keras_keys - {"dtype"} <= set(config)
    assert layers.get_layer_class(name) is cls


# ----- Functional API ------------------------------------------------------------------------
def test_two_input_functional_model_predicts_and_fits(rng):
    # the Keras functional guide's pattern: two inputs, a Dense branch each, added
    a, b = layers.Input((3,)), layers.Input((3,))
    out = layers.add([layers.Dense(4)(a), layers.Dense(4)(b)])
    assert out.shape == (None, 4)
    model = nr.models.Model([a, b], out)
    xa, xb = rng.normal(size=(16, 3)), rng.normal(size=(16, 3))
    assert model.predict([xa, xb], verbose=0).shape == (16, 4)
    model.compile(optimizer="sgd", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit([xa, xb], rng.normal(size=(16, 4)), epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert all(not np.allclose(w, v) for w, v in zip(model.get_weights(), before) if w.ndim == 2)


def test_functional_model_with_concatenate_and_dot():
    a, b = layers.Input((5, 3)), layers.Input((4, 3))
    joined = layers.concatenate([a, b], axis=1)  # (None, 9, 3)
    scores = layers.Dot(axes=(2, 2))([joined, b])  # (None, 9, 4)
    model = nr.models.Model([a, b], [joined, scores])
    outs = model.predict([np.ones((2, 5, 3)), np.ones((2, 4, 3))], verbose=0)
    assert [o.shape for o in outs] == [(2, 9, 3), (2, 9, 4)]
    np.testing.assert_allclose(outs[1], 3.0)


def test_functional_model_with_every_merge_layer_saves_and_loads(rng, tmp_path):
    a, b = layers.Input((5, 3)), layers.Input((4, 3))
    scores = layers.Dot(axes=(2, 2), normalize=True)([layers.concatenate([a, b], axis=1), b])
    flat = layers.Flatten()(scores)  # (None, 36)
    d = layers.subtract([layers.Dense(2)(flat), layers.Dense(2)(flat)])
    merged = [layers.maximum([d, d]), layers.minimum([d, d]), layers.multiply([d, d])]
    model = nr.models.Model([a, b], layers.average([*merged, layers.add([d, d])]))
    x = [rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4, 3))]
    model.save(tmp_path / "m.neurona")
    loaded = nr.models.load_model(tmp_path / "m.neurona")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_layer(model.layers[3].name).axes == [2, 2]  # a tuple comes back a list
