"""The Functional API: symbolic inputs, recorded graphs, shared layers, nested models, several
inputs and outputs, config round trips and files."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers, models
from neurona.models import Model, Sequential, load_model


def _mlp_functional(seed_weights=None):
    x = layers.Input((4,), name="x")
    h = layers.Dense(8, activation="tanh", name="hidden")(x)
    y = layers.Dense(3, activation="softmax", name="out")(h)
    model = Model(x, y, name="mlp")
    if seed_weights is not None:
        model.set_weights(seed_weights)
    return model


def test_input_gives_a_symbolic_tensor_and_layers_infer_shapes():
    x = layers.Input((28, 28), name="image")
    assert (x.shape, x.dtype, x.name) == ((None, 28, 28), "float32", "image")
    h = layers.Flatten()(x)
    assert h.shape == (None, 784)
    assert layers.Dense(10)(h).shape == (None, 10)
    assert layers.Input((None, 5), batch_size=4).shape == (4, None, 5)


def test_model_of_inputs_and_outputs_is_functional_and_runs(rng):
    model = _mlp_functional()
    assert type(model).__name__ == "Functional" and isinstance(model, Model)
    assert [layer.name for layer in model.layers] == ["x", "hidden", "out"]
    assert model.input_shape == (None, 4) and model.output_shape == (None, 3)
    assert model.count_params() == 4 * 8 + 8 + 8 * 3 + 3
    x = rng.normal(size=(5, 4)).astype("float32")
    expected = model.get_layer("out")(model.get_layer("hidden")(x)).numpy()
    np.testing.assert_array_equal(model.predict(x, verbose=0), expected)
    assert model.get_layer("hidden").output.shape == (None, 8)
    assert model.get_layer("hidden").input is model.input


def test_functional_and_sequential_with_the_same_weights_train_bit_for_bit(rng):
    x = rng.normal(size=(64, 4)).astype("float32")
    y = rng.integers(0, 3, size=64)
    seq = Sequential(
        [
            layers.Input((4,)),
            layers.Dense(8, activation="tanh"),
            layers.Dense(3, activation="softmax"),
        ]
    )
    fun = _mlp_functional(seq.get_weights())
    for model in (seq, fun):
        model.compile(
            optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
    nr.utils.set_random_seed(3)
    h1 = seq.fit(x, y, epochs=3, batch_size=16, verbose=0)
    nr.utils.set_random_seed(3)
    h2 = fun.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert h1.history == h2.history
    for a, b in zip(seq.get_weights(), fun.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_shared_layer_has_one_set_of_weights_and_its_gradients_add_up(rng):
    shared = layers.Dense(2, use_bias=False, name="shared")
    a, b = layers.Input((3,)), layers.Input((3,))
    model = Model([a, b], layers.add([shared(a), shared(b)]))
    assert len(model.weights) == 1 and len(shared._inbound_nodes) == 2
    xa, xb = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    out = model([xa, xb])
    out.sum().backward()
    # ∂Σ(xa W + xb W)/∂W = xaᵀ1 + xbᵀ1: the two calls' gradients summed
    expected = (xa.sum(axis=0) + xb.sum(axis=0))[:, None].repeat(2, axis=1)
    np.testing.assert_allclose(shared.kernel.grad, expected, rtol=1e-5)


def test_a_shared_layer_gradient_matches_central_differences(rng):
    shared = layers.Dense(2, activation="tanh", dtype="float64")
    a, b = layers.Input((3,), dtype="float64"), layers.Input((3,), dtype="float64")
    model = Model([a, b], layers.multiply([shared(a), shared(b)]))
    xa, xb = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))

    def through_model(kernel):  # the model's own computation, as a function of W
        shared.kernel = kernel
        return model([xa, xb]).sum()

    report = nr.gradcheck(through_model, [shared.kernel.data.copy()])
    assert report.ok, report


def test_several_inputs_and_outputs_with_dicts_lists_and_loss_weights(rng):
    title, tags = layers.Input((5,), name="title"), layers.Input((3,), name="tags")
    x = layers.concatenate([layers.Dense(4, activation="relu")(title), tags])
    priority = layers.Dense(1, name="priority")(x)
    department = layers.Dense(3, activation="softmax", name="department")(x)
    model = Model(inputs=[title, tags], outputs=[priority, department])
    assert model.output_names == ["priority", "department"]
    model.compile(
        optimizer="sgd",
        loss=["mse", "categorical_crossentropy"],
        loss_weights=[1.0, 0.2],
        metrics=[["mae"], ["accuracy"]],
    )
    data = {"title": rng.normal(size=(16, 5)), "tags": rng.normal(size=(16, 3))}
    targets = {
        "priority": rng.normal(size=(16, 1)),
        "department": np.eye(3)[rng.integers(0, 3, 16)],
    }
    history = model.fit(data, targets, epochs=2, batch_size=16, verbose=0)
    assert set(history.history) == {
        "loss",
        "priority_loss",
        "department_loss",
        "priority_mae",
        "department_accuracy",
    }
    logs = model.evaluate(
        [data["title"], data["tags"]],
        [targets["priority"], targets["department"]],
        verbose=0,
        return_dict=True,
    )
    assert logs["loss"] == pytest.approx(
        logs["priority_loss"] + 0.2 * logs["department_loss"], rel=1e-6
    )
    out = model.predict(data, verbose=0)
    assert [o.shape for o in out] == [(16, 1), (16, 3)]


def test_dict_outputs_name_the_losses(rng):
    x = layers.Input((3,), name="x")
    model = Model(x, {"b": layers.Dense(1)(x), "a": layers.Dense(2)(x)})
    assert model.output_names == ["a", "b"]
    model.compile(optimizer="sgd", loss={"a": "mse", "b": "mae"}, loss_weights={"a": 0.5})
    h = model.fit(
        rng.normal(size=(8, 3)),
        {"a": np.zeros((8, 2)), "b": np.zeros((8, 1))},
        verbose=0,
        batch_size=8,
    )
    assert h.history["loss"][0] == pytest.approx(
        0.5 * h.history["a_loss"][0] + h.history["b_loss"][0], rel=1e-6
    )
    assert set(model.predict(np.ones((2, 3)), verbose=0)) == {"a", "b"}


def test_models_nest_inside_models_and_sequentials(rng):
    inner = _mlp_functional()
    x = layers.Input((4,))
    outer = Model(x, layers.Dense(1)(inner(x)))
    assert len(outer.weights) == len(inner.weights) + 2
    stack = Sequential([layers.Input((4,)), inner, layers.Dense(2)])
    assert stack.output_shape == (None, 2)
    data = rng.normal(size=(6, 4)).astype("float32")
    np.testing.assert_array_equal(
        stack.predict(data, verbose=0), stack.layers[1](inner(data)).numpy()
    )
    stack.compile(optimizer="adam", loss="mse")
    before = inner.get_weights()[0].copy()
    stack.fit(data, np.zeros((6, 2)), verbose=0, epochs=2)
    assert not np.array_equal(before, inner.get_weights()[0])  # the nested model trained


def test_nested_and_functional_models_save_and_load_bit_for_bit(rng, tmp_path):
    inner = Sequential([layers.Input((4,)), layers.Dense(5, activation="relu")], name="block")
    a, b = layers.Input((4,), name="a"), layers.Input((4,), name="b")
    shared = inner(a)
    merged = layers.Concatenate(name="merge")([shared, inner(b), b * 2.0])
    out = layers.Dense(2, name="head")(layers.Dropout(0.1)(merged))
    model = Model([a, b], out, name="twin")
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    xa, xb = rng.normal(size=(8, 4)), rng.normal(size=(8, 4))
    model.fit([xa, xb], np.zeros((8, 2)), verbose=0)
    model.save(tmp_path / "twin.neurona")
    loaded = load_model(tmp_path / "twin.neurona")
    assert type(loaded).__name__ == "Functional" and loaded.name == "twin"
    for u, v in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(u, v)
    np.testing.assert_array_equal(
        loaded.predict([xa, xb], verbose=0), model.predict([xa, xb], verbose=0)
    )
    assert loaded.get_config() == model.get_config()
    copy = Model.from_config(model.get_config())
    assert [layer.name for layer in copy.layers] == [layer.name for layer in model.layers]


def test_operators_on_symbolic_tensors_are_recorded(rng):
    x = layers.Input((3,))
    h = layers.Dense(3)(x)
    model = Model(x, (h + x) * 0.5 - 1.0)
    data = rng.normal(size=(2, 3)).astype("float32")
    h_value = model.layers[1](data).numpy()
    np.testing.assert_allclose(
        model.predict(data, verbose=0), (h_value + data) * 0.5 - 1.0, rtol=1e-6
    )


def test_graph_errors_are_clear():
    a, b = layers.Input((3,)), layers.Input((3,))
    with pytest.raises(ValueError, match="graph disconnected.*not among the model's inputs"):
        Model(a, layers.add([a, b]))
    with pytest.raises(TypeError, match="expected inputs to be symbolic tensors"):
        Model(np.ones((2, 3)), a)
    model = Model([a, b], layers.add([a, b]))
    with pytest.raises(ValueError, match="has 2 inputs"):
        model.predict(np.ones((2, 3)), verbose=0)
    with pytest.raises(TypeError, match="symbolic"):
        np.asarray(a)


def test_summary_shows_what_each_layer_is_connected_to():
    a, b = layers.Input((3,), name="a"), layers.Input((2,), name="b")
    merged = layers.Concatenate(name="merge")([a, b])
    model = Model([a, b], layers.Dense(1, name="out")(merged))
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Connected to" in text
    assert any("merge (Concatenate)" in line and "a[0][0], b[0][0]" in line for line in lines)
    assert any("out (Dense)" in line and "merge[0][0]" in line for line in lines)


def test_models_namespace_and_top_level_names():
    import neurona

    assert neurona.Model is models.Model and neurona.Sequential is models.Sequential
    assert neurona.Input is layers.Input


def test_inputs_keep_the_dtype_of_their_input_layer(rng):
    x = layers.Input((3,), dtype="float64")
    dense = layers.Dense(2, activation="tanh", dtype="float64")
    model = Model(x, dense(x))
    data = rng.normal(size=(4, 3))
    expected = np.tanh(data @ dense.kernel.data + dense.bias.data)
    np.testing.assert_array_equal(model(data).numpy(), expected)  # not cast to float32 first
    stack = Sequential([layers.Input((3,), dtype="float64"), layers.Dense(2, dtype="float64")])
    assert stack(data).dtype == np.float64
