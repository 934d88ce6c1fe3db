"""compile / fit / evaluate / predict: Keras's conventions, a PyTorch oracle for three SGD steps,
learning on a toy problem and clear errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import neurona as nr
from neurona import layers, optimizers
from neurona.models import Callback, Sequential


@pytest.fixture(autouse=True)
def _fresh_names():
    layers.reset_layer_names()
    warnings.simplefilter("ignore", UserWarning)  # input_shape= on a layer is Keras 2 style


def _images(rng, n):
    x = rng.random((n, 28, 28)).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, n)]
    return x, y


def test_course_snippet_fits_with_validation_data(rng):
    model = Sequential(
        [
            layers.Flatten(input_shape=(28, 28)),
            layers.Dense(128, activation="tanh"),
            layers.Dense(10, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    x, y = _images(rng, 40)
    xv, yv = _images(rng, 10)
    history = model.fit(x, y, epochs=3, batch_size=16, validation_data=(xv, yv), verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in history.history.values())
    assert type(model.compiled_metrics.flat[0]).__name__ == "CategoricalAccuracy"
    assert history.epoch == [0, 1, 2] and model.history is history


def test_softmax_snippet_with_sparse_labels_and_validation_split(rng):
    model = Sequential(
        [
            layers.Flatten(input_shape=(28, 28)),
            layers.Dense(8, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = rng.random((30, 28, 28)).astype("float32")
    y = rng.integers(0, 10, 30)
    history = model.fit(x, y, epochs=2, validation_split=0.2, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert type(model.compiled_metrics.flat[0]).__name__ == "SparseCategoricalAccuracy"
    assert model.predict(x, verbose=0).shape == (30, 10)


def test_three_sgd_steps_match_pytorch(rng, torch):
    x = rng.normal(size=(12, 4)).astype("float32")
    y = rng.normal(size=(12, 2)).astype("float32")
    model = Sequential([layers.Input((4,)), layers.Dense(5, activation="tanh"), layers.Dense(2)])
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse")
    W1, b1, W2, b2 = model.get_weights()

    net = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    with torch.no_grad():  # our kernel (d_in, units) is torch's weightᵀ
        for linear, W, b in ((net[0], W1, b1), (net[2], W2, b2)):
            linear.weight.copy_(torch.tensor(W.T))
            linear.bias.copy_(torch.tensor(b))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    torch_losses = []
    for start in range(0, 12, 4):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(
            net(torch.tensor(x[start : start + 4])), torch.tensor(y[start : start + 4])
        )
        loss.backward()
        opt.step()
        torch_losses.append(loss.item())

    history = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    got = model.get_weights()
    want = [
        net[0].weight.detach().numpy().T,
        net[0].bias.detach().numpy(),
        net[2].weight.detach().numpy().T,
        net[2].bias.detach().numpy(),
    ]
    for ours, theirs in zip(got, want):
        np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(history.history["loss"][0], np.mean(torch_losses), atol=1e-5)


def test_loss_falls_on_a_separable_problem(rng):
    nr.utils.set_random_seed(0)  # the initial weights and the batch order
    x = rng.normal(size=(64, 2)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")[:, None]
    model = Sequential([layers.Input((2,)), layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer=optimizers.SGD(learning_rate=0.5),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.9 and loss < history.history["loss"][0]


def test_evaluate_return_conventions(rng):
    x = np.ones((6, 1), dtype="float32")
    y = np.zeros((6, 1), dtype="float32")
    model = Sequential([layers.Input((1,)), layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="mse")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(1.0)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert model.evaluate(x, y, verbose=0) == pytest.approx([1.0, 1.0])
    assert model.evaluate(x, y, return_dict=True, verbose=0) == pytest.approx(
        {"loss": 1.0, "mae": 1.0}
    )


def test_regularisation_penalty_is_added_to_the_loss():
    x = np.ones((4, 1), dtype="float32")
    y = np.zeros((4, 1), dtype="float32")
    model = Sequential(
        [layers.Input((1,)), layers.Dense(1, kernel_initializer="ones", kernel_regularizer="l2")]
    )
    model.compile(optimizer="sgd", loss="mse")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(1.0 + 0.01)


def test_predict_accepts_lists_and_runs_without_a_graph():
    model = Sequential([layers.Input((2,)), layers.Dense(3)])
    out = model.predict([[1.0, 2.0], [3.0, 4.0]], batch_size=1, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (2, 3)


def test_sample_weight_zero_ignores_samples(rng):
    x = rng.normal(size=(8, 2)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    model = Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse")
    before = model.get_weights()
    model.fit(x, y, sample_weight=np.zeros(8), epochs=1, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_callbacks_see_the_hooks_and_verbose_prints(rng, capsys):
    class Recorder(Callback):
        def __init__(self):
            super().__init__()
            self.calls = []

        def on_train_begin(self, logs=None):
            self.calls.append("train_begin")

        def on_epoch_end(self, epoch, logs=None):
            self.calls.append(("epoch_end", epoch, sorted(logs)))

        def on_train_batch_end(self, batch, logs=None):
            self.calls.append("batch")

    recorder = Recorder()
    model = Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(
        rng.normal(size=(8, 2)),
        rng.normal(size=(8, 1)),
        batch_size=4,
        epochs=2,
        initial_epoch=1,
        callbacks=[recorder],
    )
    assert recorder.calls == ["train_begin", "batch", "batch", ("epoch_end", 1, ["loss"])]
    assert recorder.model is model
    assert "Epoch 2/2 - loss:" in capsys.readouterr().out


def test_clear_errors(rng):
    model = Sequential([layers.Input((2,)), layers.Dense(1)])
    x = rng.normal(size=(4, 2))
    with pytest.raises(RuntimeError, match="must be compiled first"):
        model.fit(x, np.zeros((4, 1)))
    model.compile(optimizer="sgd")  # Keras 3: no loss is allowed (add_loss may bring one)
    with pytest.raises(ValueError, match="there is no loss to minimise"):
        model.fit(x, np.zeros((4, 1)), verbose=0)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="expected y, the targets, got None"):
        model.fit(x, verbose=0)
    with pytest.raises(ValueError, match="same number of samples; x has 4, y has 3"):
        model.fit(x, np.zeros((3, 1)), verbose=0)
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="fit: x contains NaN"):
        model.fit(bad, np.zeros((4, 1)), verbose=0)
    with pytest.raises(ValueError, match="y contains NaN"):
        model.fit(x, np.full((4, 1), np.nan), verbose=0)
    with pytest.raises(ValueError, match="validation_data"):
        model.fit(x, np.zeros((4, 1)), validation_data=(x, np.zeros((4, 1)), None, None), verbose=0)
