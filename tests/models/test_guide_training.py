"""The Keras guide "Training & evaluation with the built-in methods"
(keras.io/guides/training_with_built_in_methods), run with the import changed
(``import neurona as keras; from neurona import layers, ops``); MNIST is replaced by small
random arrays (marked)."""

from __future__ import annotations

import numpy as np

import neurona as keras
from neurona import layers, ops


def _data():
    # replaces keras.datasets.mnist.load_data() (and the guide's reshape of 60000 rows)
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, size=(48, 784)).astype("float32") / 255
    y_train = rng.integers(0, 10, size=48).astype("float32")
    # Reserve 16 samples for validation (the guide: 10,000)
    return x_train[:-16], y_train[:-16], x_train[-16:], y_train[-16:]


def get_uncompiled_model(keras=keras, layers=layers):
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


def test_the_api_overview_fits_evaluates_and_predicts():
    x_train, y_train, x_val, y_val = _data()
    model = get_uncompiled_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(),  # Optimizer
        # Loss function to minimize
        loss=keras.losses.SparseCategoricalCrossentropy(),
        # List of metrics to monitor
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=16,
        epochs=2,
        # We pass some validation for
        # monitoring validation loss and metrics
        # at the end of each epoch
        validation_data=(x_val, y_val),
    )
    assert sorted(history.history) == [
        "loss",
        "sparse_categorical_accuracy",
        "val_loss",
        "val_sparse_categorical_accuracy",
    ]
    results = model.evaluate(x_val, y_val, batch_size=128)
    assert len(results) == 2
    predictions = model.predict(x_val[:3])
    assert predictions.shape == (3, 10)


def test_the_guides_model_evaluates_and_trains_like_keras(guide_oracle):
    x_train, y_train, _, _ = _data()
    ours = get_uncompiled_model()
    theirs = get_uncompiled_model(guide_oracle.keras, guide_oracle.keras.layers)
    guide_oracle.copy_weights(ours, theirs)
    guide_oracle.assert_same_predict(ours, theirs, x_train)
    for model, k in ((ours, keras), (theirs, guide_oracle.keras)):
        model.compile(
            optimizer=k.optimizers.SGD(learning_rate=0.1),
            loss=k.losses.SparseCategoricalCrossentropy(),
            metrics=[k.metrics.SparseCategoricalAccuracy()],
        )
    keys = ("loss", "sparse_categorical_accuracy")
    guide_oracle.assert_same_epoch(ours, theirs, x_train, y_train, keys=keys)


def custom_mean_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


class CustomMSE(keras.losses.Loss):
    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
        reg = ops.mean(ops.square(0.5 - y_pred), axis=-1)
        return mse + reg * self.regularization_factor


def test_custom_losses_as_a_function_and_as_a_loss_subclass_train(guide_oracle):
    x_train, y_train, _, _ = _data()
    model = get_uncompiled_model()
    model.compile(optimizer=keras.optimizers.Adam(), loss=custom_mean_squared_error)

    # We need to one-hot encode the labels to use MSE
    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    model.fit(x_train, y_train_one_hot, batch_size=16, epochs=1)

    model = get_uncompiled_model()
    model.compile(optimizer=keras.optimizers.Adam(), loss=CustomMSE())

    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    model.fit(x_train, y_train_one_hot, batch_size=16, epochs=1)

    # the same loss in Keras (the class's source run with the real keras) on the same weights
    k = guide_oracle.keras
    namespace = guide_oracle.keras_versions(CustomMSE)
    theirs = get_uncompiled_model(k, k.layers)
    guide_oracle.copy_weights(model, theirs)
    for m, kk, loss in ((model, keras, CustomMSE()), (theirs, k, namespace["CustomMSE"]())):
        m.compile(optimizer=kk.optimizers.SGD(learning_rate=0.1), loss=loss)
    guide_oracle.assert_same_epoch(model, theirs, x_train, y_train_one_hot.numpy())


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, "float32")
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        # The state of the metric will be reset at the start of each epoch.
        self.true_positives.assign(0)


def test_a_custom_metric_with_add_variable_counts_true_positives():
    x_train, y_train, _, _ = _data()
    model = get_uncompiled_model()
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[CategoricalTruePositives()],
    )
    history = model.fit(x_train, y_train, batch_size=16, epochs=2)
    assert "categorical_true_positives" in history.history


class ActivityRegularizationLayer(layers.Layer):
    def call(self, inputs):
        self.add_loss(ops.sum(inputs) * 0.1)
        return inputs  # Pass-through layer.


def test_an_activity_regularization_layer_adds_its_loss_in_a_functional_model():
    x_train, y_train, _, _ = _data()
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)

    # Insert activity regularization as a layer
    x = ActivityRegularizationLayer()(x)

    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, name="predictions")(x)

    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )

    # The displayed loss will be much higher than before
    # due to the regularization component.
    model.fit(x_train, y_train, batch_size=16, epochs=1)


class LogisticEndpoint(keras.layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def call(self, targets, logits, sample_weights=None):
        # Compute the training-time loss value and add it
        # to the layer using `self.add_loss()`.
        loss = self.loss_fn(targets, logits, sample_weights)
        self.add_loss(loss)

        # Return the inference-time prediction tensor (for `.predict()`).
        return ops.softmax(logits)


def test_an_endpoint_layer_takes_the_targets_as_an_input_and_adds_the_loss():
    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = keras.layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")(targets, logits)

    model = keras.Model(inputs=[inputs, targets], outputs=predictions)
    model.compile(optimizer="adam")  # No loss argument!

    data = {
        "inputs": np.random.random((3, 3)),
        "targets": np.random.random((3, 10)),
    }
    history = model.fit(data)
    assert np.isfinite(history.history["loss"][0])


def test_validation_split_class_weight_and_sample_weight_train():
    x_train, y_train, _, _ = _data()
    model = get_uncompiled_model()
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    model.fit(x_train, y_train, batch_size=16, validation_split=0.2, epochs=1)

    class_weight = {
        0: 1.0,
        1: 1.0,
        2: 1.0,
        3: 1.0,
        4: 1.0,
        # Set weight "2" for class "5",
        # making this class 2x more important
        5: 2.0,
        6: 1.0,
        7: 1.0,
        8: 1.0,
        9: 1.0,
    }
    print("Fit with class weight")
    model.fit(x_train, y_train, class_weight=class_weight, batch_size=16, epochs=1)

    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0
    print("Fit with sample weight")
    model.fit(x_train, y_train, sample_weight=sample_weight, batch_size=16, epochs=1)


class ExamplePyDataset(keras.utils.PyDataset if hasattr(keras.utils, "PyDataset") else object):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x = x
        self.y = y
        self.batch_size = batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / float(self.batch_size)))

    def __getitem__(self, idx):
        batch_x = self.x[idx * self.batch_size : (idx + 1) * self.batch_size]
        batch_y = self.y[idx * self.batch_size : (idx + 1) * self.batch_size]
        return batch_x, batch_y


def test_a_py_dataset_feeds_fit_batch_by_batch():
    x_train, y_train, x_val, y_val = _data()
    assert hasattr(keras.utils, "PyDataset")
    train_py_dataset = ExamplePyDataset(x_train, y_train, batch_size=16)
    val_py_dataset = ExamplePyDataset(x_val, y_val, batch_size=16)
    model = get_uncompiled_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    model.fit(train_py_dataset, batch_size=64, validation_data=val_py_dataset, epochs=1)


def _image_ts_model(keras, layers):
    image_input = keras.Input(shape=(32, 32, 3), name="img_input")
    timeseries_input = keras.Input(shape=(None, 10), name="ts_input")

    x1 = layers.Conv2D(3, 3)(image_input)
    x1 = layers.GlobalMaxPooling2D()(x1)

    x2 = layers.Conv1D(3, 3)(timeseries_input)
    x2 = layers.GlobalMaxPooling1D()(x2)

    x = layers.concatenate([x1, x2])

    score_output = layers.Dense(1, name="score_output")(x)
    class_output = layers.Dense(5, name="class_output")(x)

    return keras.Model(inputs=[image_input, timeseries_input], outputs=[score_output, class_output])


def _image_ts_data():
    # Generate dummy NumPy data (the guide: 100 samples)
    rng = np.random.default_rng(0)
    img_data = rng.random(size=(20, 32, 32, 3))
    ts_data = rng.random(size=(20, 20, 10))
    score_targets = rng.random(size=(20, 1))
    class_targets = rng.random(size=(20, 5))
    return img_data, ts_data, score_targets, class_targets


def test_the_multi_input_multi_output_model_trains_on_lists_and_dicts():
    model = _image_ts_model(keras, layers)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[keras.losses.MeanSquaredError(), keras.losses.CategoricalCrossentropy()],
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "score_output": keras.losses.MeanSquaredError(),
            "class_output": keras.losses.CategoricalCrossentropy(),
        },
        loss_weights={"score_output": 2.0, "class_output": 1.0},
    )
    img_data, ts_data, score_targets, class_targets = _image_ts_data()
    # Fit on lists
    model.fit([img_data, ts_data], [score_targets, class_targets], batch_size=8, epochs=1)

    # Alternatively, fit on dicts
    history = model.fit(
        {"img_input": img_data, "ts_input": ts_data},
        {"score_output": score_targets, "class_output": class_targets},
        batch_size=8,
        epochs=1,
    )
    assert {"loss", "score_output_loss", "class_output_loss"} <= set(history.history)

    # List loss version
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[None, keras.losses.CategoricalCrossentropy()],
    )

    # Or dict loss version
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={"class_output": keras.losses.CategoricalCrossentropy()},
    )
    model.fit([img_data, ts_data], [score_targets, class_targets], batch_size=8, epochs=1)


def test_the_multi_output_model_takes_per_output_metric_lists():
    model = _image_ts_model(keras, layers)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[keras.losses.MeanSquaredError(), keras.losses.CategoricalCrossentropy()],
        metrics=[
            [
                keras.metrics.MeanAbsolutePercentageError(),
                keras.metrics.MeanAbsoluteError(),
            ],
            [keras.metrics.CategoricalAccuracy()],
        ],
    )
    img_data, ts_data, score_targets, class_targets = _image_ts_data()
    model.fit([img_data, ts_data], [score_targets, class_targets], batch_size=8, epochs=1)


def test_the_multi_output_model_with_loss_weights_trains_like_keras(guide_oracle):
    keras.utils.set_random_seed(0)  # the same start whatever ran before (max-pooling near-ties)
    ours = _image_ts_model(keras, layers)
    theirs = _image_ts_model(guide_oracle.keras, guide_oracle.keras.layers)
    # weights are copied layer by layer (by class and creation order), whatever each lists
    guide_oracle.copy_weights_layer_by_layer(ours, theirs)
    img_data, ts_data, score_targets, class_targets = _image_ts_data()
    x, y = [img_data, ts_data], [score_targets, class_targets]
    guide_oracle.assert_same_predict(ours, theirs, x)
    for model, k in ((ours, keras), (theirs, guide_oracle.keras)):
        model.compile(
            optimizer=k.optimizers.SGD(learning_rate=0.01),
            loss={
                "score_output": k.losses.MeanSquaredError(),
                "class_output": k.losses.CategoricalCrossentropy(),
            },
            loss_weights={"score_output": 2.0, "class_output": 1.0},
            metrics={
                "score_output": [k.metrics.MeanAbsoluteError()],
                "class_output": [k.metrics.CategoricalAccuracy()],
            },
        )
    keys = ("loss", "score_output_loss", "class_output_loss")
    guide_oracle.assert_same_epoch(ours, theirs, x, y, keys=keys, layer_by_layer=True)
