"""The Keras guide "Customizing what happens in fit() with PyTorch"
(keras.io/guides/custom_train_step_in_torch), run with the import changed
(``import neurona as keras; from neurona import layers, ops``) and small data. The PyTorch
gradient block becomes neurona's autodiff, marked where it is: ``loss.backward()`` fills each
weight's ``.grad`` (the guide's ``v.value.grad`` is ``v.grad``), and no ``torch.no_grad()`` is
needed around the optimizer's update (it works on arrays)."""

from __future__ import annotations

import numpy as np

import neurona as keras


class CustomModel(keras.Model):
    def train_step(self, data):
        # Unpack the data. Its structure depends on your model and
        # on what you pass to `fit()`.
        x, y = data

        # Call torch.nn.Module.zero_grad() to clear the leftover gradients
        # for the weights from the previous train step.
        self.zero_grad()

        # Compute loss
        y_pred = self(x, training=True)  # Forward pass
        loss = self.compute_loss(y=y, y_pred=y_pred)

        # Call torch.Tensor.backward() on the loss to compute gradients
        # for the weights.
        loss.backward()

        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.grad for v in trainable_weights]  # neurona: v.grad (torch: v.value.grad)

        # Update weights (torch: inside `with torch.no_grad():`)
        self.optimizer.apply(gradients, trainable_weights)

        # Update metrics (includes the metric that tracks the loss)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)

        # Return a dict mapping metric names to current value
        # Note that it will include the loss (tracked in self.metrics).
        return {m.name: m.result() for m in self.metrics}


def _first_custom_model(keras, model_class):
    # Construct and compile an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = model_class(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def test_a_custom_train_step_with_compute_loss_and_self_metrics_trains():
    model = _first_custom_model(keras, CustomModel)

    # Just use `fit` as usual (the guide: 1000 samples, 3 epochs)
    x = np.random.random((48, 32))
    y = np.random.random((48, 1))
    history = model.fit(x, y, epochs=2)
    assert {"loss", "mae"} <= set(history.history)


def test_a_custom_train_step_gives_the_loss_and_mae_of_keras_builtin_step(guide_oracle):
    # Keras's built-in step on the same weights, with SGD (the guide's step, but Keras's own
    # train_step: its TF/JAX/torch gradient code is backend specific)
    rng = np.random.default_rng(0)
    x, y = rng.random((24, 32)).astype("float32"), rng.random((24, 1)).astype("float32")
    ours = _first_custom_model(keras, CustomModel)
    theirs = _first_custom_model(guide_oracle.keras, guide_oracle.keras.Model)
    guide_oracle.copy_weights(ours, theirs)
    for model, k in ((ours, keras), (theirs, guide_oracle.keras)):
        model.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss="mse", metrics=["mae"])
    guide_oracle.assert_same_epoch(ours, theirs, x, y, keys=("loss", "mae"))


class LowLevelModel(keras.Model):  # the guide's second `CustomModel`: its own metrics
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def train_step(self, data):
        x, y = data

        # Call torch.nn.Module.zero_grad() to clear the leftover gradients
        # for the weights from the previous train step.
        self.zero_grad()

        # Compute loss
        y_pred = self(x, training=True)  # Forward pass
        loss = self.loss_fn(y, y_pred)

        # Call torch.Tensor.backward() on the loss to compute gradients
        # for the weights.
        loss.backward()

        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.grad for v in trainable_weights]  # neurona: v.grad (torch: v.value.grad)

        # Update weights (torch: inside `with torch.no_grad():`)
        self.optimizer.apply(gradients, trainable_weights)

        # Compute our own metrics
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {
            "loss": self.loss_tracker.result(),
            "mae": self.mae_metric.result(),
        }

    @property
    def metrics(self):
        # We list our `Metric` objects here so that `reset_states()` can be
        # called automatically at the start of each epoch
        # or at the start of `evaluate()`.
        return [self.loss_tracker, self.mae_metric]


def test_a_lower_level_train_step_with_its_own_loss_and_metrics_trains():
    # Construct an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = LowLevelModel(inputs, outputs)

    # We don't pass a loss or metrics here.
    model.compile(optimizer="adam")

    # Just use `fit` as usual -- you can use callbacks, etc.
    x = np.random.random((48, 32))
    y = np.random.random((48, 1))
    history = model.fit(x, y, epochs=2)
    assert sorted(history.history) == ["loss", "mae"]


class WeightedModel(keras.Model):  # the guide's `CustomModel` supporting sample_weight
    def train_step(self, data):
        # Unpack the data. Its structure depends on your model and
        # on what you pass to `fit()`.
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data

        # Call torch.nn.Module.zero_grad() to clear the leftover gradients
        # for the weights from the previous train step.
        self.zero_grad()

        # Compute loss
        y_pred = self(x, training=True)  # Forward pass
        loss = self.compute_loss(
            y=y,
            y_pred=y_pred,
            sample_weight=sample_weight,
        )

        # Call torch.Tensor.backward() on the loss to compute gradients
        # for the weights.
        loss.backward()

        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.grad for v in trainable_weights]  # neurona: v.grad (torch: v.value.grad)

        # Update weights (torch: inside `with torch.no_grad():`)
        self.optimizer.apply(gradients, trainable_weights)

        # Update metrics (includes the metric that tracks the loss)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)

        # Return a dict mapping metric names to current value
        # Note that it will include the loss (tracked in self.metrics).
        return {m.name: m.result() for m in self.metrics}


def test_a_custom_train_step_passes_sample_weight_to_compute_loss():
    # Construct and compile an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = WeightedModel(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])

    # You can now use sample_weight argument
    x = np.random.random((48, 32))
    y = np.random.random((48, 1))
    sw = np.random.random((48, 1))
    history = model.fit(x, y, sample_weight=sw, epochs=2)
    assert {"loss", "mae"} <= set(history.history)


class EvaluatedModel(keras.Model):  # the guide's `CustomModel` with its own test_step
    def test_step(self, data):
        # Unpack the data
        x, y = data
        # Compute predictions
        y_pred = self(x, training=False)
        # Updates the metrics tracking the loss
        loss = self.compute_loss(y=y, y_pred=y_pred)
        # Update the metrics.
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        # Return a dict mapping metric names to current value.
        # Note that it will include the loss (tracked in self.metrics).
        return {m.name: m.result() for m in self.metrics}


def test_a_custom_test_step_drives_evaluate(guide_oracle):
    def build(keras, model_class):
        # Construct an instance of CustomModel
        inputs = keras.Input(shape=(32,))
        outputs = keras.layers.Dense(1)(inputs)
        model = model_class(inputs, outputs)
        model.compile(loss="mse", metrics=["mae"])
        return model

    # Evaluate with our custom test_step
    x = np.random.default_rng(0).random((48, 32)).astype("float32")
    y = np.random.default_rng(1).random((48, 1)).astype("float32")
    model = build(keras, EvaluatedModel)
    # Keras's built-in test_step on the same weights (the guide's is written for torch's
    # test_step(data); JAX's is test_step(state, data)); one batch, so that the guide's
    # unweighted mean over batches equals Keras's mean over samples
    theirs = build(guide_oracle.keras, guide_oracle.keras.Model)
    guide_oracle.copy_weights(model, theirs)
    ours = model.evaluate(x, y, batch_size=48, return_dict=True)
    expected = theirs.evaluate(x, y, batch_size=48, return_dict=True, verbose=0)
    assert set(ours) == set(expected)
    for key in expected:
        np.testing.assert_allclose(ours[key], expected[key], rtol=1e-5, err_msg=key)
