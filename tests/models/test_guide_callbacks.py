"""The Keras guide "Writing your own callbacks" (keras.io/guides/writing_your_own_callbacks)
and the callbacks section of "Training & evaluation with the built-in methods", run with the
import changed (``import neurona as keras``); MNIST is replaced by small random arrays."""

from __future__ import annotations

import numpy as np

import neurona as keras
from neurona import layers


# Define the Keras model to add callbacks to
def get_model():
    model = keras.Sequential()
    model.add(keras.layers.Dense(1))
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.1),
        loss="mean_squared_error",
        metrics=["mean_absolute_error"],
    )
    return model


def _mnist_regression():
    # replaces keras.datasets.mnist.load_data() and the guide's first 1000 samples
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, size=(40, 784)).astype("float32") / 255.0
    x_test = rng.integers(0, 256, size=(20, 784)).astype("float32") / 255.0
    return x_train, rng.integers(0, 10, size=40), x_test, rng.integers(0, 10, size=20)


class CustomCallback(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []  # not in the guide: what the printing hooks saw, for the asserts

    def on_train_begin(self, logs=None):
        keys = list(logs.keys())
        self.seen.append("on_train_begin")
        print(f"Starting training; got log keys: {keys}")

    def on_train_end(self, logs=None):
        keys = list(logs.keys())
        self.seen.append("on_train_end")
        print(f"Stop training; got log keys: {keys}")

    def on_epoch_begin(self, epoch, logs=None):
        keys = list(logs.keys())
        self.seen.append("on_epoch_begin")
        print(f"Start epoch {epoch} of training; got log keys: {keys}")

    def on_epoch_end(self, epoch, logs=None):
        keys = list(logs.keys())
        self.seen.append(("on_epoch_end", sorted(keys)))
        print(f"End epoch {epoch} of training; got log keys: {keys}")

    def on_test_begin(self, logs=None):
        keys = list(logs.keys())
        self.seen.append("on_test_begin")
        print(f"Start testing; got log keys: {keys}")

    def on_test_end(self, logs=None):
        keys = list(logs.keys())
        self.seen.append("on_test_end")
        print(f"Stop testing; got log keys: {keys}")

    def on_predict_begin(self, logs=None):
        keys = list(logs.keys())
        self.seen.append("on_predict_begin")
        print(f"Start predicting; got log keys: {keys}")

    def on_predict_end(self, logs=None):
        keys = list(logs.keys())
        self.seen.append("on_predict_end")
        print(f"Stop predicting; got log keys: {keys}")

    def on_train_batch_begin(self, batch, logs=None):
        keys = list(logs.keys())
        print(f"...Training: start of batch {batch}; got log keys: {keys}")

    def on_train_batch_end(self, batch, logs=None):
        keys = list(logs.keys())
        self.seen.append(("on_train_batch_end", sorted(keys)))
        print(f"...Training: end of batch {batch}; got log keys: {keys}")

    def on_test_batch_begin(self, batch, logs=None):
        keys = list(logs.keys())
        print(f"...Evaluating: start of batch {batch}; got log keys: {keys}")

    def on_test_batch_end(self, batch, logs=None):
        keys = list(logs.keys())
        print(f"...Evaluating: end of batch {batch}; got log keys: {keys}")

    def on_predict_batch_begin(self, batch, logs=None):
        keys = list(logs.keys())
        print(f"...Predicting: start of batch {batch}; got log keys: {keys}")

    def on_predict_batch_end(self, batch, logs=None):
        keys = list(logs.keys())
        print(f"...Predicting: end of batch {batch}; got log keys: {keys}")


def test_every_callback_hook_runs_in_fit_evaluate_and_predict():
    x_train, y_train, x_test, y_test = _mnist_regression()
    model = get_model()
    train = CustomCallback()
    model.fit(
        x_train,
        y_train,
        batch_size=16,
        epochs=1,
        verbose=0,
        validation_split=0.5,
        callbacks=[train],
    )
    evaluate = CustomCallback()
    res = model.evaluate(x_test, y_test, batch_size=16, verbose=0, callbacks=[evaluate])
    predict = CustomCallback()
    res = model.predict(x_test, batch_size=16, callbacks=[predict])
    assert res.shape == (20, 1)
    assert train.seen[0] == "on_train_begin" and train.seen[-1] == "on_train_end"
    assert ("on_train_batch_end", ["loss", "mean_absolute_error"]) in train.seen
    epoch_keys = ["loss", "mean_absolute_error", "val_loss", "val_mean_absolute_error"]
    assert ("on_epoch_end", epoch_keys) in train.seen
    assert evaluate.seen == ["on_test_begin", "on_test_end"]
    assert predict.seen == ["on_predict_begin", "on_predict_end"]


class LossAndErrorPrintingCallback(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        print("Up to batch {}, the average loss is {:7.2f}.".format(batch, logs["loss"]))

    def on_test_batch_end(self, batch, logs=None):
        print("Up to batch {}, the average loss is {:7.2f}.".format(batch, logs["loss"]))

    def on_epoch_end(self, epoch, logs=None):
        print(
            "The average loss for epoch {} is {:7.2f} and mean absolute error is {:7.2f}.".format(
                epoch, logs["loss"], logs["mean_absolute_error"]
            )
        )


def test_the_logs_dict_gives_the_running_loss_and_metrics(capsys):
    x_train, y_train, x_test, y_test = _mnist_regression()
    model = get_model()
    model.fit(
        x_train,
        y_train,
        batch_size=16,
        epochs=2,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback()],
    )

    res = model.evaluate(
        x_test,
        y_test,
        batch_size=16,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback()],
    )
    out = capsys.readouterr().out
    assert len(res) == 2  # [loss, mean_absolute_error]
    assert "The average loss for epoch 1 is" in out and "Up to batch 1" in out


class EarlyStoppingAtMinLoss(keras.callbacks.Callback):
    """Stop training when the loss is at its min, i.e. the loss stops decreasing.

    Arguments:
        patience: Number of epochs to wait after min has been hit. After this
        number of no improvement, training stops.
    """

    def __init__(self, patience=0):
        super().__init__()
        self.patience = patience
        # best_weights to store the weights at which the minimum loss occurs.
        self.best_weights = None

    def on_train_begin(self, logs=None):
        # The number of epoch it has waited when loss is no longer minimum.
        self.wait = 0
        # The epoch the training stops at.
        self.stopped_epoch = 0
        # Initialize the best as infinity.
        self.best = np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = logs.get("loss")
        if np.less(current, self.best):
            self.best = current
            self.wait = 0
            # Record the best weights if current results is better (less).
            self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                print("Restoring model weights from the end of the best epoch.")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")


def test_a_callback_stops_training_and_restores_the_best_weights():
    x_train, y_train, _, _ = _mnist_regression()
    model = get_model()
    stopper = EarlyStoppingAtMinLoss()
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        steps_per_epoch=5,
        epochs=30,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback(), stopper],
    )
    # RMSprop at 0.1 on this regression overshoots: the loss rises, training stops early
    assert len(history.history["loss"]) < 30
    assert stopper.stopped_epoch == len(history.history["loss"]) - 1


class CustomLearningRateScheduler(keras.callbacks.Callback):
    """Learning rate scheduler which sets the learning rate according to schedule.

    Arguments:
        schedule: a function that takes an epoch index
            (integer, indexed from 0) and current learning rate
            as inputs and returns a new learning rate as output (float).
    """

    def __init__(self, schedule):
        super().__init__()
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self.model.optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        # Get the current learning rate from model's optimizer.
        lr = self.model.optimizer.learning_rate
        # Call schedule function to get the scheduled learning rate.
        scheduled_lr = self.schedule(epoch, lr)
        # Set the value back to the optimizer before this epoch starts
        self.model.optimizer.learning_rate = scheduled_lr
        print(f"\nEpoch {epoch}: Learning rate is {float(np.array(scheduled_lr))}.")


LR_SCHEDULE = [
    # (epoch to start, learning rate) tuples
    (3, 0.05),
    (6, 0.01),
    (9, 0.005),
    (12, 0.001),
]


def lr_schedule(epoch, lr):
    """Helper function to retrieve the scheduled learning rate based on epoch."""
    if epoch < LR_SCHEDULE[0][0] or epoch > LR_SCHEDULE[-1][0]:
        return lr
    for i in range(len(LR_SCHEDULE)):
        if epoch == LR_SCHEDULE[i][0]:
            return LR_SCHEDULE[i][1]
    return lr


def test_a_callback_sets_the_learning_rate_of_each_epoch():
    x_train, y_train, _, _ = _mnist_regression()
    model = get_model()
    model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=7,  # the guide: 15
        verbose=0,
        callbacks=[
            LossAndErrorPrintingCallback(),
            CustomLearningRateScheduler(lr_schedule),
        ],
    )
    assert float(np.array(model.optimizer.learning_rate)) == 0.01


class LossHistory(keras.callbacks.Callback):
    def on_train_begin(self, logs):
        self.per_batch_losses = []

    def on_batch_end(self, batch, logs):
        self.per_batch_losses.append(logs.get("loss"))


def _get_compiled_model():  # the training guide's get_compiled_model()
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    return model


def test_the_training_guides_callbacks_early_stopping_checkpoints_and_batch_losses(tmp_path):
    x_train, y_train, _, _ = _mnist_regression()
    model = _get_compiled_model()
    callbacks = [
        keras.callbacks.EarlyStopping(
            # Stop training when `val_loss` is no longer improving
            monitor="val_loss",
            # "no longer improving" being defined as "no better than 1e-2 less"
            min_delta=1e-2,
            # "no longer improving" being further defined as "for at least 2 epochs"
            patience=2,
            verbose=1,
        )
    ]
    model.fit(
        x_train,
        y_train,
        epochs=3,  # the guide: 20
        batch_size=16,
        callbacks=callbacks,
        validation_split=0.2,
    )

    history = LossHistory()
    model.fit(x_train, y_train, epochs=1, batch_size=16, callbacks=[history])
    assert len(history.per_batch_losses) == 3

    model = _get_compiled_model()
    callbacks = [
        keras.callbacks.ModelCheckpoint(
            # Path where to save the model
            # The two parameters below mean that we will overwrite
            # the current checkpoint if and only if
            # the `val_loss` score has improved.
            # The saved model name will include the current epoch.
            filepath=str(tmp_path / "mymodel_{epoch}.keras"),
            save_best_only=True,  # Only save a model if `val_loss` has improved.
            monitor="val_loss",
            verbose=1,
        )
    ]
    model.fit(
        x_train,
        y_train,
        epochs=2,
        batch_size=16,
        callbacks=callbacks,
        validation_split=0.2,
    )
    assert (tmp_path / "mymodel_1.keras").exists()


def test_an_exponential_decay_schedule_drives_the_optimizer():
    initial_learning_rate = 0.1
    lr_schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate, decay_steps=100000, decay_rate=0.96, staircase=True
    )

    optimizer = keras.optimizers.RMSprop(learning_rate=lr_schedule)
    x_train, y_train, _, _ = _mnist_regression()
    model = get_model()
    model.compile(optimizer=optimizer, loss="mean_squared_error")
    model.fit(x_train, y_train, batch_size=16, epochs=1, verbose=0)
    assert float(lr_schedule(0)) == 0.1
