"""The Keras guide "The Functional API" (keras.io/guides/functional_api), second half: the
multi-input, multi-output ticket model and the toy ResNet, run with the import changed
(``import neurona as keras; from neurona import layers``) and small data."""

from __future__ import annotations

import numpy as np

import neurona as keras
import neurona as keras_ours
from neurona import layers

num_tags = 12  # Number of unique issue tags
num_words = 10000  # Size of vocabulary obtained when preprocessing text data
num_departments = 4  # Number of departments for predictions


def _ticket_model(keras, layers):
    title_input = keras.Input(shape=(None,), name="title")  # Variable-length sequence of ints
    body_input = keras.Input(shape=(None,), name="body")  # Variable-length sequence of ints
    tags_input = keras.Input(shape=(num_tags,), name="tags")  # Binary vectors of size `num_tags`

    # Embed each word in the title into a 64-dimensional vector
    title_features = layers.Embedding(num_words, 64)(title_input)
    # Embed each word in the text into a 64-dimensional vector
    body_features = layers.Embedding(num_words, 64)(body_input)

    # Reduce sequence of embedded words in the title into a single 128-dimensional vector
    title_features = layers.LSTM(128)(title_features)
    # Reduce sequence of embedded words in the body into a single 32-dimensional vector
    body_features = layers.LSTM(32)(body_features)

    # Merge all available features into a single large vector via concatenation
    x = layers.concatenate([title_features, body_features, tags_input])

    # Stick a logistic regression for priority prediction on top of the features
    priority_pred = layers.Dense(1, name="priority")(x)
    # Stick a department classifier on top of the features
    department_pred = layers.Dense(num_departments, name="department")(x)

    # Instantiate an end-to-end model predicting both priority and department
    return keras.Model(
        inputs=[title_input, body_input, tags_input],
        outputs={"priority": priority_pred, "department": department_pred},
    )


def _ticket_data(n=32):
    # Dummy input data (the guide: 1280 samples, bodies of 100 words)
    rng = np.random.default_rng(0)
    title_data = rng.integers(num_words, size=(n, 10))
    body_data = rng.integers(num_words, size=(n, 20))
    tags_data = rng.integers(2, size=(n, num_tags)).astype("float32")
    # Dummy target data
    priority_targets = rng.random(size=(n, 1))
    dept_targets = rng.integers(2, size=(n, num_departments))
    inputs = {"title": title_data, "body": body_data, "tags": tags_data}
    return inputs, {"priority": priority_targets, "department": dept_targets}


def test_the_ticket_model_trains_with_losses_as_a_list_and_as_a_dict():
    model = _ticket_model(keras, layers)
    model.summary()
    # keras.utils.plot_model(model, "multi_input_and_output_model.png"): not in neurona

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[
            keras.losses.BinaryCrossentropy(from_logits=True),
            keras.losses.CategoricalCrossentropy(from_logits=True),
        ],
        loss_weights=[1.0, 0.2],
    )

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )

    inputs, targets = _ticket_data()
    history = model.fit(
        {"title": inputs["title"], "body": inputs["body"], "tags": inputs["tags"]},
        {"priority": targets["priority"], "department": targets["department"]},
        epochs=2,
        batch_size=16,
    )
    assert sorted(history.history) == ["department_loss", "loss", "priority_loss"]
    losses = history.history
    total = np.add(losses["priority_loss"], np.multiply(0.2, losses["department_loss"]))
    np.testing.assert_allclose(losses["loss"], total, rtol=1e-5)


def _compare_ticket_models(guide_oracle, compile_args):
    ours = _ticket_model(keras, layers)
    theirs = _ticket_model(guide_oracle.keras, guide_oracle.keras.layers)
    guide_oracle.copy_weights_layer_by_layer(ours, theirs)
    inputs, targets = _ticket_data(24)
    guide_oracle.assert_same_predict(ours, theirs, inputs)
    for model, k in ((ours, keras), (theirs, guide_oracle.keras)):
        model.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), **compile_args(k))
    keys = ("loss", "priority_loss", "department_loss")
    guide_oracle.assert_same_epoch(ours, theirs, inputs, targets, keys=keys, layer_by_layer=True)


def test_the_ticket_model_with_dict_losses_and_loss_weights_trains_like_keras(guide_oracle):
    def compile_args(k):
        return {
            "loss": {
                "priority": k.losses.BinaryCrossentropy(from_logits=True),
                "department": k.losses.CategoricalCrossentropy(from_logits=True),
            },
            "loss_weights": {"priority": 1.0, "department": 0.2},
        }

    _compare_ticket_models(guide_oracle, compile_args)


def test_the_ticket_model_with_list_losses_and_loss_weights_trains_like_keras(guide_oracle):
    # NOTE: Keras flattens the dict of outputs in sorted key order (department, priority), so
    # the guide's list gives BinaryCrossentropy to 'department'; neurona must do the same
    def compile_args(k):
        return {
            "loss": [
                k.losses.BinaryCrossentropy(from_logits=True),
                k.losses.CategoricalCrossentropy(from_logits=True),
            ],
            "loss_weights": [1.0, 0.2],
        }

    _compare_ticket_models(guide_oracle, compile_args)


def test_the_ticket_model_lists_its_layers_and_weights_in_keras_order(keras):
    ours, theirs = _ticket_model(keras_ours, layers), _ticket_model(keras, keras.layers)
    assert [type(layer).__name__ for layer in ours.layers] == [
        type(layer).__name__ for layer in theirs.layers
    ]
    theirs.set_weights(ours.get_weights())


def _toy_resnet(keras, layers):
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])

    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)

    return keras.Model(inputs, outputs, name="toy_resnet")


def test_the_toy_resnet_with_residual_connections_trains():
    model = _toy_resnet(keras, layers)
    model.summary()
    assert model.output_shape == (None, 10)

    # replaces keras.datasets.cifar10.load_data(): random images and labels
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, size=(20, 32, 32, 3)).astype("uint8")
    y_train = rng.integers(0, 10, size=(20, 1))
    x_train = x_train.astype("float32") / 255.0
    y_train = keras.utils.to_categorical(y_train, 10)

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["acc"],
    )
    # We restrict the data to the first 1000 samples so as to limit execution time
    # on Colab. Try to train on the entire dataset until convergence!
    history = model.fit(
        x_train[:1000],
        y_train[:1000],
        batch_size=8,
        epochs=1,
        validation_split=0.2,
    )
    assert sorted(history.history) == ["acc", "loss", "val_acc", "val_loss"]


def test_the_toy_resnet_predicts_like_keras(guide_oracle):
    ours = _toy_resnet(keras, layers)
    theirs = _toy_resnet(guide_oracle.keras, guide_oracle.keras.layers)
    guide_oracle.copy_weights(ours, theirs)
    x = np.random.default_rng(0).random((4, 32, 32, 3)).astype("float32")
    guide_oracle.assert_same_predict(ours, theirs, x, rtol=1e-4)
