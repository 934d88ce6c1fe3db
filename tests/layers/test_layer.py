"""The Layer base and the contract every layer keeps: lazy build, output shape, weight count,
get/set_weights and config round trips, use inside a PyTorch-style loop, Keras's weight shapes
and names, freezing, regularisation losses and the error messages."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers, regularizers

FLOAT = (4, 5)  # (batch, features)

# (factory, input shape, Keras class name and arguments for the weight-shape comparison)
CASES = [
    (lambda: layers.Dense(3), FLOAT, ("Dense", {"units": 3})),
    (lambda: layers.Dense(3, activation="relu"), (4, 2, 5), ("Dense", {"units": 3})),
    (
        lambda: layers.Dense(3, activation="softmax", use_bias=False),
        FLOAT,
        ("Dense", {"units": 3, "use_bias": False}),
    ),
    (lambda: layers.Activation("tanh"), FLOAT, ("Activation", {"activation": "tanh"})),
    (lambda: layers.ReLU(max_value=6.0), FLOAT, ("ReLU", {"max_value": 6.0})),
    (lambda: layers.LeakyReLU(), FLOAT, ("LeakyReLU", {})),
    (lambda: layers.PReLU(), FLOAT, ("PReLU", {})),
    (lambda: layers.PReLU(shared_axes=[1]), (4, 3, 5), ("PReLU", {"shared_axes": [1]})),
    (lambda: layers.ELU(alpha=0.5), FLOAT, ("ELU", {"alpha": 0.5})),
    (lambda: layers.Softmax(), FLOAT, ("Softmax", {})),
    (lambda: layers.Flatten(), (4, 3, 2), ("Flatten", {})),
    (lambda: layers.Reshape((5, 1)), FLOAT, ("Reshape", {"target_shape": (5, 1)})),
    (lambda: layers.Dropout(0.3), FLOAT, ("Dropout", {"rate": 0.3})),
    (lambda: layers.BatchNormalization(), FLOAT, ("BatchNormalization", {})),
    (
        lambda: layers.BatchNormalization(center=False),
        (4, 3, 5),
        ("BatchNormalization", {"center": False}),
    ),
    (lambda: layers.LayerNormalization(), FLOAT, ("LayerNormalization", {})),
    (
        lambda: layers.LayerNormalization(axis=[1, 2]),
        (4, 3, 5),
        ("LayerNormalization", {"axis": [1, 2]}),
    ),
    (lambda: layers.Embedding(10, 4), (4, 6), ("Embedding", {"input_dim": 10, "output_dim": 4})),
    (lambda: layers.Maxout(3, pieces=2), FLOAT, None),
    (lambda: layers.RBF(3, sigma=2.0), FLOAT, None),
    (lambda: layers.InputLayer((5,)), FLOAT, None),
]
IDS = [f"{type(f()).__name__}-{i}" for i, (f, _, _) in enumerate(CASES)]


def _input(layer, shape, rng):
    if isinstance(layer, layers.Embedding):
        return rng.integers(0, 10, size=shape)
    return rng.normal(size=shape).astype("float32")


@pytest.mark.parametrize("factory, shape, keras_spec", CASES, ids=IDS)
def test_layer_contract(factory, shape, keras_spec, rng):
    layer = factory()
    x = _input(layer, shape, rng)
    out = layer(x)
    assert layer.built
    # output shape == compute_output_shape, with the batch axis unknown and known
    assert layer.compute_output_shape((None, *shape[1:])) == (None, *out.shape[1:])
    assert layer.compute_output_shape(shape) == out.shape
    assert layer.output_shape == (None, *out.shape[1:])
    # weight count == count_params
    assert sum(w.size for w in layer.get_weights()) == layer.count_params()
    # get/set_weights round trip (in place: the weight tensors stay the same objects)
    tensors = layer.weights
    new = [w + 0.5 for w in layer.get_weights()]
    layer.set_weights(new)
    assert all(a is b for a, b in zip(tensors, layer.weights))
    for got, want in zip(layer.get_weights(), new):
        np.testing.assert_array_equal(got, want)
    # config round trip: the clone has the same config, and with the same weights the same output
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x).numpy(), layer(x).numpy(), rtol=1e-6)


@pytest.mark.parametrize("factory, shape, keras_spec", CASES, ids=IDS)
def test_layer_works_in_a_pytorch_style_loop(factory, shape, keras_spec, rng):
    layer = factory()
    data = _input(layer, shape, rng)
    x = data if isinstance(layer, layers.Embedding) else nr.tensor(data, requires_grad=True)
    loss = (layer(x, training=True) ** 2).mean()
    loss.backward()
    for w in layer.trainable_weights:
        assert w.grad is not None and w.grad.shape == w.shape, w.name
    for w in layer.non_trainable_weights:
        assert w.grad is None
    if not isinstance(layer, layers.Embedding):
        assert x.grad is not None and x.grad.shape == x.shape


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Keras's own NumPy 2 warning
@pytest.mark.parametrize(
    "factory, shape, keras_spec",
    [c for c in CASES if c[2]],
    ids=[i for i, c in zip(IDS, CASES) if c[2]],
)
def test_get_weights_shapes_and_order_match_keras(factory, shape, keras_spec, keras):
    class_name, kwargs = keras_spec
    theirs = getattr(keras.layers, class_name)(**kwargs)
    theirs.build((None, *shape[1:]))
    ours = factory()
    ours.build((None, *shape[1:]))
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    assert [w.name.split("/")[-1] for w in ours.weights] == [w.name for w in theirs.weights]


def test_names_are_unique_and_readable_like_keras():
    layers.reset_layer_names()
    assert [layers.Dense(1).name for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    assert layers.Dense(1, name="output").name == "output"
    assert layers.Dense(1).name == "dense_3"  # explicit names do not use up a number
    assert layers.LeakyReLU().name == "leaky_re_lu"
    assert layers.BatchNormalization().name == "batch_normalization"
    assert layers.Dense(2, name="out").build((None, 3)) is None
    assert layers.Dense(2, name="w")(np.ones((1, 3))) is not None


def test_weights_are_named_by_layer_path():
    layer = layers.Dense(2, name="hidden")
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == ["hidden/kernel", "hidden/bias"]


def test_build_happens_on_the_first_call_only(rng):
    layer = layers.Dense(3)
    assert not layer.built and layer.weights == []
    layer(rng.normal(size=(2, 4)))
    kernel = layer.kernel
    layer(rng.normal(size=(7, 4)))
    assert layer.kernel is kernel and layer.input_shape == (None, 4)


def test_explicit_build_marks_the_layer_built():
    layer = layers.Dense(3)
    layer.build((None, 4))
    assert layer.built and layer.count_params() == 15


def test_freezing_stops_gradients_and_empties_trainable_weights(rng):
    layer = layers.Dense(2)
    layer.build((None, 3))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    x = nr.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    layer(x).sum().backward()
    assert layer.kernel.grad is None and x.grad is not None
    layer.trainable = True
    assert layer.kernel.requires_grad and len(layer.trainable_weights) == 2


def test_trainable_false_in_the_constructor():
    layer = layers.Dense(2, trainable=False)
    layer.build((None, 3))
    assert not layer.kernel.requires_grad and layer.trainable_weights == []
    assert layers.Dense.from_config(layer.get_config()).trainable is False


def test_losses_hold_the_penalties_of_the_current_weights(rng):
    layer = layers.Dense(
        2, kernel_regularizer=regularizers.L2(0.01), activity_regularizer=regularizers.L1(0.1)
    )
    x = rng.normal(size=(4, 3))
    out = layer(x)
    kernel_penalty, activity_penalty = layer.losses
    np.testing.assert_allclose(
        kernel_penalty.item(), 0.01 * (layer.kernel.data**2).sum(), rtol=1e-5
    )
    np.testing.assert_allclose(activity_penalty.item(), 0.1 * np.abs(out.data).sum(), rtol=1e-5)
    kernel_penalty.backward()  # the penalty is part of the graph: ∂(λΣw²)/∂w = 2λw
    np.testing.assert_allclose(layer.kernel.grad, 0.02 * layer.kernel.data, rtol=1e-5)
    assert layers.Dense(2)(x) is not None and layers.Dense(2).losses == []


def test_constraints_project_the_weights_in_place():
    layer = layers.Dense(
        2, kernel_constraint=lambda w: np.clip(w, -0.1, 0.1), kernel_initializer="ones"
    )
    layer.build((None, 3))
    layer.apply_constraints()
    assert layer.kernel.data.max() == np.float32(0.1)


def test_inputs_become_tensors_of_the_layer_dtype():
    assert layers.Dense(2)([[1, 2, 3]]).dtype == np.float32  # a list of ints
    assert layers.Dense(2)(np.ones((1, 3))).dtype == np.float32  # float64 data, float32 layer
    layer = layers.Dense(2, dtype="float64")
    assert layer(np.ones((1, 3), dtype="float32")).dtype == np.float64
    assert layer.kernel.dtype == np.float64


def test_course_input_shape_argument_is_kept_for_sequential():
    with pytest.warns(UserWarning, match="Input"):
        layer = layers.Flatten(input_shape=(28, 28))
    assert layer.batch_input_shape == layer.input_shape == (None, 28, 28)
    assert layer.output_shape == (None, 784)
    with pytest.warns(UserWarning):
        assert layers.Dense(3, input_dim=4).batch_input_shape == (None, 4)


def test_declared_input_shape_is_checked_on_the_first_call():
    with pytest.warns(UserWarning):
        layer = layers.Flatten(input_shape=(28, 28))
    with pytest.raises(ValueError, match=r"declared with input_shape=\(28, 28\)"):
        layer(np.zeros((2, 784)))


def test_custom_layer_with_keras3_add_weight_keywords(rng):
    @layers.register_layer
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.w

    layer = Scale()
    np.testing.assert_allclose(layer(np.full((2, 3), 2.0)).numpy(), 2.0)
    assert layers.get_layer_class("Scale") is Scale and layer.count_params() == 3


def test_built_in_layers_are_registered_and_unknown_names_get_a_hint():
    assert layers.get_layer_class("BatchNormalization") is layers.BatchNormalization
    with pytest.raises(ValueError, match="Did you mean 'Dense'"):
        layers.get_layer_class("Dence")
    with pytest.raises(TypeError, match="subclass of Layer"):
        layers.register_layer(int)


def test_set_weights_with_the_wrong_count_or_shape_says_what_is_expected():
    layer = layers.Dense(3, name="d")
    layer.build((None, 4))
    with pytest.raises(ValueError, match=r"expected 2 arrays with shapes \[\(4, 3\), \(3,\)\]"):
        layer.set_weights([np.zeros((4, 3))])
    with pytest.raises(ValueError, match=r"weight 'd/kernel' expects shape \(4, 3\), got \(3, 4\)"):
        layer.set_weights([np.zeros((3, 4)), np.zeros(3)])
    with pytest.raises(RuntimeError, match="Build it first"):
        layers.Dense(3).set_weights([np.zeros((4, 3)), np.zeros(3)])


def test_count_params_before_build_explains_what_to_do():
    with pytest.raises(ValueError, match="not built yet"):
        layers.Dense(3).count_params()


def test_unknown_keyword_and_bad_arguments_are_reported():
    with pytest.raises(TypeError, match="unrecognised keyword arguments"):
        layers.Dense(3, unit=4)
    with pytest.raises(TypeError, match="trainable"):
        layers.Dense(3, trainable="yes")
    with pytest.raises(TypeError, match="dtype"):
        layers.Dense(3, dtype="bogus")


def test_non_numeric_inputs_name_the_layer():
    with pytest.raises(TypeError, match="Dense 'bad' expects numbers"):
        layers.Dense(3, name="bad")(np.array([["a", "b"]], dtype=object))
