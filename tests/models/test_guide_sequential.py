"""The Keras guide "The Sequential model" (keras.io/guides/sequential_model), run with the import
changed: ``import neurona as keras; from neurona import layers, ops``. Only the imports and the
data sizes differ from the guide (and lines that need what neurona lacks, marked)."""

from __future__ import annotations

import numpy as np

import neurona as keras
from neurona import layers, ops


def test_a_sequential_model_equals_its_layers_called_in_turn():
    # Define Sequential model with 3 layers
    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu", name="layer1"),
            layers.Dense(3, activation="relu", name="layer2"),
            layers.Dense(4, name="layer3"),
        ]
    )
    # Call model on a test input
    x = ops.ones((3, 3))
    y = model(x)

    # Create 3 layers
    layer1 = model.layers[0]
    layer2 = model.layers[1]
    layer3 = model.layers[2]
    # Call layers on a test input
    y_chained = layer3(layer2(layer1(x)))
    np.testing.assert_allclose(y.numpy(), y_chained.numpy())
    assert y.shape == (3, 4)


def test_sequential_add_and_pop_change_the_layers():
    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu"),
            layers.Dense(3, activation="relu"),
            layers.Dense(4),
        ]
    )
    assert len(model.layers) == 3

    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu"))
    model.add(layers.Dense(3, activation="relu"))
    model.add(layers.Dense(4))
    model.pop()
    assert len(model.layers) == 2

    model = keras.Sequential(name="my_sequential")
    model.add(layers.Dense(2, activation="relu", name="layer1"))
    model.add(layers.Dense(3, activation="relu", name="layer2"))
    model.add(layers.Dense(4, name="layer3"))
    assert model.name == "my_sequential"
    assert [layer.name for layer in model.layers] == ["layer1", "layer2", "layer3"]


def test_weights_are_created_on_the_first_call_and_with_an_input_shape_at_once():
    layer = layers.Dense(3)
    assert layer.weights == []  # Empty
    # Call layer on a test input
    x = ops.ones((1, 4))
    y = layer(x)
    assert [w.shape for w in layer.weights] == [(4, 3), (3,)]
    assert y.shape == (1, 3)

    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu"),
            layers.Dense(3, activation="relu"),
            layers.Dense(4),
        ]
    )  # No weights at this stage!
    # At this point, you can't do this:
    # model.weights
    # You also can't do this:
    # model.summary()
    # Call the model on a test input
    x = ops.ones((1, 4))
    y = model(x)
    assert len(model.weights) == 6

    model = keras.Sequential()
    model.add(keras.Input(shape=(4,)))
    model.add(layers.Dense(2, activation="relu"))
    model.summary()
    assert len(model.layers) == 1  # the Input object is not part of model.layers

    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu", input_shape=(4,)))
    model.summary()
    assert len(model.weights) == 2


def test_the_add_then_summary_debugging_workflow_builds_a_small_convnet(capsys):
    # the guide's input is 250×250×3; 40×40×3 keeps the shapes valid and the test fast
    model = keras.Sequential()
    model.add(keras.Input(shape=(40, 40, 3)))  # 40x40 RGB images
    model.add(layers.Conv2D(32, 5, strides=2, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))

    # Can you guess what the current output shape is at this point? Probably not.
    # Let's just print it:
    model.summary()

    # The answer was: (15, 15, 32), so we can keep downsampling...
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(2))

    # Now that we have 2x2 feature maps, time to apply global max pooling.
    model.add(layers.GlobalMaxPooling2D())

    # Finally, we add a classification layer.
    model.add(layers.Dense(10))
    assert model.output_shape == (None, 10)
    assert model.predict(np.random.default_rng(0).random((2, 40, 40, 3)), verbose=0).shape == (
        2,
        10,
    )
    assert "Total params" in capsys.readouterr().out


def test_feature_extraction_model_returns_every_layer_output():
    initial_model = keras.Sequential(
        [
            keras.Input(shape=(25, 25, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=[layer.output for layer in initial_model.layers],
    )

    # Call feature extractor on test input.
    x = ops.ones((1, 25, 25, 3))
    features = feature_extractor(x)
    assert [tuple(f.shape) for f in features] == [(1, 11, 11, 32), (1, 9, 9, 32), (1, 7, 7, 32)]

    initial_model = keras.Sequential(
        [
            keras.Input(shape=(25, 25, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu", name="my_intermediate_layer"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=initial_model.get_layer(name="my_intermediate_layer").output,
    )
    # Call feature extractor on test input.
    x = ops.ones((1, 25, 25, 3))
    features = feature_extractor(x)
    assert tuple(features.shape) == (1, 9, 9, 32)


def test_transfer_learning_freezes_all_layers_but_the_last():
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(10),
        ]
    )

    # Presumably you would want to first load pre-trained weights.
    # (the guide calls model.load_weights(...) here; the weights stay as initialised)
    # Freeze all layers except the last one.
    for layer in model.layers[:-1]:
        layer.trainable = False

    # Recompile and train (this will only update the weights of the last layer).
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    rng = np.random.default_rng(0)
    model.fit(rng.random((16, 784)), rng.random((16, 10)), epochs=1, verbose=0)
    after = model.get_weights()
    assert len(model.trainable_weights) == 2
    assert all(np.array_equal(a, b) for a, b in zip(before[:6], after[:6]))
    assert not np.array_equal(before[6], after[6])


def test_the_guides_sequential_model_predicts_and_trains_like_keras(guide_oracle):
    def build(keras, layers):
        return keras.Sequential(
            [
                keras.Input(shape=(4,)),
                layers.Dense(2, activation="relu", name="layer1"),
                layers.Dense(3, activation="relu", name="layer2"),
                layers.Dense(4, name="layer3"),
            ]
        )

    ours, theirs = build(keras, layers), build(guide_oracle.keras, guide_oracle.keras.layers)
    guide_oracle.copy_weights(ours, theirs)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(24, 4)).astype("float32"), rng.normal(size=(24, 4)).astype("float32")
    guide_oracle.assert_same_predict(ours, theirs, x)
    for model, k in ((ours, keras), (theirs, guide_oracle.keras)):
        model.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss="mse")
    guide_oracle.assert_same_epoch(ours, theirs, x, y)
