"""The Keras guide "The Functional API" (keras.io/guides/functional_api), run with the import
changed: ``import neurona as keras; from neurona import layers, ops``. Only the imports and the
data sizes differ from the guide; lines that need what neurona lacks (plot_model, the datasets,
keras.applications) are replaced by the nearest equivalent and marked."""

from __future__ import annotations

import numpy as np

import neurona as keras
from neurona import layers, ops


def _mnist_like(rng, n):
    # replaces keras.datasets.mnist.load_data(): random 28×28 "digits" and labels 0–9
    x = rng.integers(0, 256, size=(n, 28, 28)).astype("uint8")
    return x, rng.integers(0, 10, size=n).astype("uint8")


def _mnist_mlp(keras, layers):
    inputs = keras.Input(shape=(784,))
    dense = layers.Dense(64, activation="relu")
    x = dense(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")


def test_mnist_model_trains_evaluates_and_survives_save_and_load(tmp_path, rng):
    inputs = keras.Input(shape=(784,))
    img_inputs = keras.Input(shape=(32, 32, 3))
    assert tuple(inputs.shape) == (None, 784) and inputs.dtype == "float32"
    assert tuple(img_inputs.shape) == (None, 32, 32, 3)

    model = _mnist_mlp(keras, layers)
    model.summary()
    # keras.utils.plot_model(model, "my_first_model.png"): not in neurona, left out

    (x_train, y_train), (x_test, y_test) = _mnist_like(rng, 48), _mnist_like(rng, 16)
    x_train = x_train.reshape(48, 784).astype("float32") / 255
    x_test = x_test.reshape(16, 784).astype("float32") / 255

    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )

    history = model.fit(x_train, y_train, batch_size=16, epochs=2, validation_split=0.2)

    test_scores = model.evaluate(x_test, y_test, verbose=2)
    print("Test loss:", test_scores[0])
    print("Test accuracy:", test_scores[1])
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]

    model.save(tmp_path / "my_model.keras")
    predictions = model.predict(x_test, verbose=0)
    del model
    # Recreate the exact same model purely from the file:
    model = keras.models.load_model(tmp_path / "my_model.keras")
    np.testing.assert_allclose(model.predict(x_test, verbose=0), predictions, rtol=1e-6)


def test_mnist_model_predicts_and_trains_like_keras(guide_oracle, rng):
    ours = _mnist_mlp(keras, layers)
    theirs = _mnist_mlp(guide_oracle.keras, guide_oracle.keras.layers)
    guide_oracle.copy_weights(ours, theirs)
    x, y = _mnist_like(rng, 32)
    x = x.reshape(32, 784).astype("float32") / 255
    guide_oracle.assert_same_predict(ours, theirs, x)
    for model, k in ((ours, keras), (theirs, guide_oracle.keras)):
        model.compile(
            loss=k.losses.SparseCategoricalCrossentropy(from_logits=True),
            optimizer=k.optimizers.SGD(learning_rate=0.1),
            metrics=["accuracy"],
        )
    guide_oracle.assert_same_epoch(ours, theirs, x, y, keys=("loss", "accuracy"))


def test_one_graph_of_layers_defines_an_encoder_and_an_autoencoder():
    encoder_input = keras.Input(shape=(28, 28, 1), name="img")
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)

    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    encoder.summary()
    assert encoder.output_shape == (None, 16)

    x = layers.Reshape((4, 4, 1))(encoder_output)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)

    autoencoder = keras.Model(encoder_input, decoder_output, name="autoencoder")
    autoencoder.summary()
    assert autoencoder.output_shape == (None, 28, 28, 1)


def test_models_are_callable_like_layers_encoder_and_decoder_nest():
    encoder_input = keras.Input(shape=(28, 28, 1), name="original_img")
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)

    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    encoder.summary()

    decoder_input = keras.Input(shape=(16,), name="encoded_img")
    x = layers.Reshape((4, 4, 1))(decoder_input)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)

    decoder = keras.Model(decoder_input, decoder_output, name="decoder")
    decoder.summary()

    autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
    encoded_img = encoder(autoencoder_input)
    decoded_img = decoder(encoded_img)
    autoencoder = keras.Model(autoencoder_input, decoded_img, name="autoencoder")
    autoencoder.summary()
    assert autoencoder.output_shape == (None, 28, 28, 1)


def test_an_ensemble_averages_three_nested_models(rng):
    def get_model():
        inputs = keras.Input(shape=(128,))
        outputs = layers.Dense(1)(inputs)
        return keras.Model(inputs, outputs)

    model1 = get_model()
    model2 = get_model()
    model3 = get_model()

    inputs = keras.Input(shape=(128,))
    y1 = model1(inputs)
    y2 = model2(inputs)
    y3 = model3(inputs)
    outputs = layers.average([y1, y2, y3])
    ensemble_model = keras.Model(inputs=inputs, outputs=outputs)

    x = rng.normal(size=(4, 128)).astype("float32")
    expected = sum(m.predict(x, verbose=0) for m in (model1, model2, model3)) / 3
    np.testing.assert_allclose(ensemble_model.predict(x, verbose=0), expected, rtol=1e-5)
    assert len(ensemble_model.trainable_weights) == 6


def test_an_ensemble_of_nested_models_predicts_like_keras(guide_oracle, rng):
    def build(keras, layers):
        def get_model():
            inputs = keras.Input(shape=(128,))
            outputs = layers.Dense(1)(inputs)
            return keras.Model(inputs, outputs)

        model1 = get_model()
        model2 = get_model()
        model3 = get_model()

        inputs = keras.Input(shape=(128,))
        y1 = model1(inputs)
        y2 = model2(inputs)
        y3 = model3(inputs)
        outputs = layers.average([y1, y2, y3])
        return keras.Model(inputs=inputs, outputs=outputs)

    ours, theirs = build(keras, layers), build(guide_oracle.keras, guide_oracle.keras.layers)
    guide_oracle.copy_weights(ours, theirs)
    x, y = rng.normal(size=(16, 128)).astype("float32"), rng.normal(size=(16, 1))
    guide_oracle.assert_same_predict(ours, theirs, x)
    for model, k in ((ours, keras), (theirs, guide_oracle.keras)):
        model.compile(optimizer=k.optimizers.SGD(learning_rate=0.01), loss="mse")
    guide_oracle.assert_same_epoch(ours, theirs, x, y)


def test_a_shared_embedding_encodes_two_inputs_with_one_set_of_weights(rng):
    # Embedding for 1000 unique words mapped to 128-dimensional vectors
    shared_embedding = layers.Embedding(1000, 128)

    # Variable-length sequence of integers
    text_input_a = keras.Input(shape=(None,), dtype="int32")

    # Variable-length sequence of integers
    text_input_b = keras.Input(shape=(None,), dtype="int32")

    # Reuse the same layer to encode both inputs
    encoded_input_a = shared_embedding(text_input_a)
    encoded_input_b = shared_embedding(text_input_b)

    model = keras.Model([text_input_a, text_input_b], [encoded_input_a, encoded_input_b])
    a, b = model.predict(
        [rng.integers(1000, size=(2, 5)), rng.integers(1000, size=(2, 7))], verbose=0
    )
    assert a.shape == (2, 5, 128) and b.shape == (2, 7, 128)
    assert len(model.weights) == 1


def test_extracting_the_nodes_of_a_graph_gives_a_feature_extractor(rng):
    # the guide uses keras.applications.VGG19(), a functional model; a small one stands in
    image = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(8, 3, activation="relu")(image)
    x = layers.MaxPooling2D(2)(x)
    vgg19 = keras.Model(image, layers.Conv2D(8, 3, activation="relu")(x))
    features_list = [layer.output for layer in vgg19.layers]
    feat_extraction_model = keras.Model(inputs=vgg19.input, outputs=features_list)

    img = np.random.random((1, 32, 32, 3)).astype("float32")
    extracted_features = feat_extraction_model(img)
    assert len(extracted_features) == 4  # the InputLayer's output included


class CustomDense(layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {"units": self.units}


def test_a_custom_layer_in_a_functional_model_round_trips_through_its_config():
    inputs = keras.Input((4,))
    outputs = CustomDense(10)(inputs)

    model = keras.Model(inputs, outputs)
    config = model.get_config()

    new_model = keras.Model.from_config(config, custom_objects={"CustomDense": CustomDense})
    assert new_model.output_shape == (None, 10)
    assert new_model.predict(np.ones((2, 4)), verbose=0).shape == (2, 10)


units = 32
timesteps = 10
input_dim = 5


def test_a_custom_layer_can_hold_a_functional_model():
    # Define a Functional model
    inputs = keras.Input((None, units))
    x = layers.GlobalAveragePooling1D()(inputs)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)

    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = units
            self.projection_1 = layers.Dense(units=units, activation="tanh")
            self.projection_2 = layers.Dense(units=units, activation="tanh")
            # Our previously-defined Functional model
            self.classifier = model

        def call(self, inputs):
            outputs = []
            state = ops.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                x = inputs[:, t, :]
                h = self.projection_1(x)
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            features = ops.stack(outputs, axis=1)
            print(features.shape)
            return self.classifier(features)

    rnn_model = CustomRNN()
    out = rnn_model(ops.zeros((1, timesteps, input_dim)))
    assert tuple(out.shape) == (1, 1)
    assert len(rnn_model.trainable_weights) == 6


def test_a_functional_model_can_use_a_custom_layer_with_a_static_batch_size():
    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = units
            self.projection_1 = layers.Dense(units=units, activation="tanh")
            self.projection_2 = layers.Dense(units=units, activation="tanh")
            self.classifier = layers.Dense(1)

        def call(self, inputs):
            outputs = []
            state = ops.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                x = inputs[:, t, :]
                h = self.projection_1(x)
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            features = ops.stack(outputs, axis=1)
            return self.classifier(features)

    # Note that you specify a static batch size for the inputs with the `batch_shape`
    # arg, because the inner computation of `CustomRNN` requires a static batch size
    # (when you create the `state` zeros tensor).
    inputs = keras.Input(batch_shape=(1, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(inputs)
    outputs = CustomRNN()(x)

    model = keras.Model(inputs, outputs)

    rnn_model = CustomRNN()
    _ = rnn_model(ops.zeros((1, 10, 5)))
    assert model.output_shape == (1, 8, 1)
    assert model.predict(np.ones((1, 10, 5)), verbose=0).shape == (1, 8, 1)
