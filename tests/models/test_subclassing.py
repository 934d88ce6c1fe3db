"""Subclassed layers and models: tracked sub-layers, Keras's calling convention, the training
context, add_loss, overridden train_step / test_step, and the silent mistakes that now fail."""

import numpy as np
import pytest

import neurona as nr
from neurona import callbacks, layers, metrics
from neurona.models import Model, Sequential


class Block(layers.Layer):
    """A layer made of layers, held in an attribute, a list and a dict."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = layers.Dense(4, activation="relu")
        self.stack = [layers.Dense(4), layers.Dropout(0.5)]
        self.heads = {"out": layers.Dense(2)}

    def call(self, x):
        x = self.first(x)
        for layer in self.stack:
            x = layer(x)
        return self.heads["out"](x)


class TwoLayers(Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(8, activation="tanh")
        self.out = layers.Dense(1)

    def call(self, x, training=None):
        return self.out(self.hidden(x))


def test_a_layer_of_layers_reports_and_trains_every_weight(rng):
    block = Block()
    block(np.ones((2, 3)))
    assert len(block.weights) == 6 and len(block.trainable_weights) == 6
    assert [type(layer).__name__ for layer in block.layers] == [
        "Dense",
        "Dense",
        "Dropout",
        "Dense",
    ]
    model = Sequential([layers.Input((3,)), block])
    model.compile(optimizer="sgd", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    model.fit(rng.normal(size=(16, 3)), rng.normal(size=(16, 2)), verbose=0)
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 6
    assert all(not w.requires_grad for w in block.weights)


def test_a_custom_layer_that_changes_the_shape_builds_the_next_layer_right():
    class Halve(layers.Layer):  # no compute_output_shape: the shape comes from a dry run
        def call(self, x):
            return x[:, : x.shape[1] // 2]

    model = Sequential([layers.Input((6,)), Halve(), layers.Dense(1)])
    assert model.layers[1].kernel.shape == (3, 1)
    assert model.output_shape == (None, 1)


def test_positional_arguments_follow_keras_calling_convention():
    class Mix(layers.Layer):
        def call(self, a, b, scale=1.0):
            return (a + b) * scale

    out = Mix()(np.ones((2, 2)), np.full((2, 2), 2.0), scale=0.5)
    np.testing.assert_allclose(out.numpy(), 1.5)
    x, y = layers.Input((2,)), layers.Input((2,))
    model = Model([x, y], Mix()(x, y, scale=2.0))
    np.testing.assert_allclose(model.predict([np.ones((1, 2)), np.ones((1, 2))], verbose=0), 4.0)


def test_training_reaches_nested_layers_through_the_call_context():
    class Noisy(Model):
        def __init__(self):
            super().__init__()
            self.drop = layers.Dropout(0.5)

        def call(self, x):  # no training argument: Dropout still sees fit's training=True
            return self.drop(x)

    model = Noisy()
    x = np.ones((200, 10), dtype="float32")
    assert np.array_equal(model(x).numpy(), x)
    assert (model(x, training=True).numpy() == 0).mean() > 0.3


def test_subclassed_model_fits_evaluates_predicts_and_saves_weights(rng, tmp_path):
    model = TwoLayers()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x, y = rng.normal(size=(32, 3)), rng.normal(size=(32, 1))
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "mae", "val_loss", "val_mae"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(x, verbose=0).shape == (32, 1)
    path = tmp_path / "two.weights.npz"
    model.save_weights(path)
    other = TwoLayers()
    other(x[:1])
    other.load_weights(path)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def test_add_loss_alone_trains_a_model_compiled_without_a_loss(rng):
    class ToZero(Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            out = self.dense(x)
            self.add_loss(nr.functional.mean(out * out))
            return out

    model = ToZero()
    model.compile(optimizer="sgd")
    x = rng.normal(size=(16, 3))
    history = model.fit(x, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model(x[:2])
    assert len(model.losses) == 1  # the terms of the last call only


def test_activity_penalties_are_counted_once_per_call(rng):
    layer = layers.Dense(2, activity_regularizer="l2")
    model = Sequential([layers.Input((3,)), layer])
    model(np.ones((2, 3)))
    model(np.ones((2, 3)))
    assert len(model.losses) == 1
    other = Sequential([layers.Input((3,)), layers.Dense(2)])
    other(np.ones((2, 3)))  # another model's call does not drop this one's terms
    assert len(model.losses) == 1


def test_custom_train_step_with_neurona_autodiff_and_custom_metrics(rng):
    loss_tracker = metrics.Mean(name="loss")
    mae_metric = metrics.MeanAbsoluteError(name="mae")

    class CustomModel(Model):
        def train_step(self, data):
            x, y = data
            y_pred = self(x, training=True)
            loss = nr.functional.mean((y_pred - y) ** 2)
            self.zero_grad()
            loss.backward()
            self.optimizer.apply(
                [v.grad for v in self.trainable_variables], self.trainable_variables
            )
            loss_tracker.update_state(loss)
            mae_metric.update_state(y, y_pred)
            return {"loss": loss_tracker.result(), "mae": mae_metric.result()}

        @property
        def metrics(self):
            return [loss_tracker, mae_metric]  # reset at each epoch's start

    inputs = layers.Input((4,))
    model = CustomModel(inputs, layers.Dense(1)(inputs))
    assert isinstance(model, CustomModel) and model.output_names
    model.compile(optimizer="adam")
    x, y = rng.normal(size=(64, 4)), rng.normal(size=(64, 1))
    history = model.fit(x, y, epochs=3, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert loss_tracker.count == 2  # two batches: reset at the start of the last epoch


def test_custom_test_step_and_the_compiled_helpers(rng):
    class Evaluated(TwoLayers):
        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            self.compute_loss(y=y, y_pred=y_pred)
            return self.compute_metrics(x, y, y_pred)

    model = Evaluated()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 1))
    model.fit(x, y, verbose=0)
    ours = model.evaluate(x, y, verbose=0, return_dict=True)
    y_pred = model.predict(x, verbose=0)
    assert ours["mae"] == pytest.approx(float(np.abs(y_pred - y).mean()), rel=1e-5)
    assert [m.name for m in model.metrics][:2] == ["loss", "compile_metrics"]


def test_unknown_keyword_arguments_name_the_accepted_ones(rng):
    model = TwoLayers()
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((2, 3)), np.ones((2, 1))
    with pytest.raises(
        TypeError,
        match=r"fit: unexpected keyword argument\(s\) \['epoch'\]"
        r".*Did you mean 'epochs'",
    ):
        model.fit(x, y, epoch=2)
    with pytest.raises(TypeError, match="evaluate: unexpected.*'batchsize'"):
        model.evaluate(x, y, batchsize=2)
    with pytest.raises(TypeError, match="predict: unexpected.*accepts"):
        model.predict(x, use_multiprocessing=True)
    with pytest.raises(TypeError, match="compile: unexpected"):
        model.compile(optimizer="sgd", loss="mse", lossweights=[1.0])


def test_callback_hooks_get_empty_logs_not_none(rng):
    seen = []

    class Recorder(callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(("train_begin", logs))

        def on_epoch_begin(self, epoch, logs=None):
            seen.append(("epoch_begin", logs))

        def on_train_batch_begin(self, batch, logs=None):
            seen.append(("batch_begin", logs))

        def on_test_begin(self, logs=None):
            seen.append(("test_begin", logs))

        def on_predict_begin(self, logs=None):
            seen.append(("predict_begin", logs))

    model = TwoLayers()
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 3)), np.ones((4, 1))
    model.fit(x, y, verbose=0, callbacks=[Recorder()], validation_data=(x, y))
    model.predict(x, verbose=0, callbacks=[Recorder()])
    assert {name for name, _ in seen} == {
        "train_begin",
        "epoch_begin",
        "batch_begin",
        "test_begin",
        "predict_begin",
    }
    assert all(logs == {} for _, logs in seen)


def test_model_without_y_or_loss_says_what_is_missing(rng):
    model = TwoLayers()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="expected y, the targets, got None"):
        model.fit(np.ones((4, 3)), verbose=0)
    with pytest.raises(TypeError, match="Model\\(inputs, outputs\\) makes a functional model"):
        Model(3)


def test_a_registered_subclassed_model_saves_and_loads_whole(rng, tmp_path):
    @nr.models.register_keras_serializable(package="Tests")
    class Scaled(Model):
        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.hidden = layers.Dense(units, activation="tanh")
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    model = Scaled(3)
    model.compile(optimizer="adam", loss="mse")
    x = rng.normal(size=(8, 5))
    model.fit(x, np.ones((8, 1)), verbose=0)
    model.save(tmp_path / "scaled.neurona")
    loaded = nr.models.load_model(tmp_path / "scaled.neurona")
    assert type(loaded) is Scaled and loaded.units == 3
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.optimizer.iterations == model.optimizer.iterations
