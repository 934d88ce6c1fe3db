"""CallbackList and History: Keras's order (user callbacks, then History, then the bar), hooks
called only on the callbacks that define them, and the hooks fit / evaluate / predict call."""

from __future__ import annotations

import numpy as np
import pytest

from neurona import callbacks, layers, models


@pytest.fixture(autouse=True)
def _fresh_names():
    layers.reset_layer_names()


_HOOKS = [
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
]


def _recording_hook(name):
    def hook(self, *args):
        self.calls.append((name, *args[:-1]) if len(args) > 1 else (name,))

    return hook


class Recorder(callbacks.Callback):
    """Records every hook with its arguments (the batch or epoch index, not the logs)."""

    def __init__(self):
        super().__init__()
        self.calls = []


for _name in _HOOKS:
    setattr(Recorder, _name, _recording_hook(_name))


def _model():
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def test_history_comes_after_user_callbacks_so_it_sees_their_log_entries(rng):
    class AddEntry(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["extra"] = 10.0 * epoch

    model = _model()
    history = model.fit(
        rng.normal(size=(8, 2)),
        rng.normal(size=(8, 1)),
        epochs=2,
        verbose=0,
        callbacks=[AddEntry()],
    )
    assert history.history["extra"] == [0.0, 10.0]
    assert model.history is history


def test_only_callbacks_that_override_a_hook_are_called():
    class EpochOnly(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    class OldStyle(callbacks.Callback):  # Keras 2's on_batch_end counts as a batch hook
        def on_batch_end(self, batch, logs=None):
            self.seen = batch

    plain = callbacks.CallbackList([EpochOnly()], add_history=True)
    assert not plain.has("on_train_batch_end") and plain.has("on_epoch_end")
    old = OldStyle()
    both = callbacks.CallbackList([EpochOnly(), old])
    assert both.has("on_train_batch_end") and not both.has("on_train_batch_begin")
    both.on_train_batch_end(4, {"loss": 1.0})
    assert old.seen == 4
    lam = callbacks.CallbackList([callbacks.LambdaCallback(on_train_batch_begin=print)])
    assert lam.has("on_train_batch_begin") and not lam.has("on_epoch_end")


def test_fit_calls_the_hooks_in_keras_order(rng):
    recorder = Recorder()
    model = _model()
    x, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    model.fit(
        x,
        y,
        batch_size=4,
        epochs=1,
        verbose=0,
        validation_data=(x[:3], y[:3]),
        validation_batch_size=2,
        callbacks=[recorder],
    )
    assert recorder.calls == [
        ("on_train_begin",),
        ("on_epoch_begin", 0),
        ("on_train_batch_begin", 0),
        ("on_train_batch_end", 0),
        ("on_train_batch_begin", 1),
        ("on_train_batch_end", 1),
        ("on_test_begin",),
        ("on_test_batch_begin", 0),
        ("on_test_batch_end", 0),
        ("on_test_batch_begin", 1),
        ("on_test_batch_end", 1),
        ("on_test_end",),
        ("on_epoch_end", 0),
        ("on_train_end",),
    ]


def test_evaluate_and_predict_call_their_hooks(rng):
    model = _model()
    x, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    recorder = Recorder()
    model.evaluate(x, y, batch_size=2, verbose=0, callbacks=[recorder])
    assert [c[0] for c in recorder.calls] == ["on_test_begin"] + [
        "on_test_batch_begin",
        "on_test_batch_end",
    ] * 3 + ["on_test_end"]
    recorder.calls.clear()
    model.predict(x, batch_size=4, verbose=0, callbacks=[recorder])
    assert [c[0] for c in recorder.calls] == ["on_predict_begin"] + [
        "on_predict_batch_begin",
        "on_predict_batch_end",
    ] * 2 + ["on_predict_end"]


def test_batch_logs_are_the_running_means_of_the_epoch(rng):
    seen = []
    logger = callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(dict(logs)))
    model = _model()
    x, y = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    history = model.fit(x, y, batch_size=3, epochs=1, shuffle=False, verbose=0, callbacks=[logger])
    assert len(seen) == 3 and set(seen[0]) == {"loss", "mae"}
    assert seen[-1]["loss"] == pytest.approx(history.history["loss"][0])
    assert seen[-1]["mae"] == pytest.approx(history.history["mae"][0])


def test_no_batch_logs_are_built_without_batch_hooks(rng, monkeypatch):
    model = _model()
    calls = []
    original = model.get_metrics_result
    monkeypatch.setattr(model, "get_metrics_result", lambda: calls.append(1) or original())
    model.fit(rng.normal(size=(64, 2)), rng.normal(size=(64, 1)), batch_size=4, epochs=2, verbose=0)
    assert len(calls) == 2  # once per epoch, not once per batch (16 batches)


def test_a_non_callback_is_refused():
    with pytest.raises(TypeError, match="expected a list of Callback objects"):
        callbacks.CallbackList([print])


def test_model_history_holds_the_latest_history(rng):
    model = _model()
    first = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, verbose=0)
    second = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, verbose=0)
    assert model.history is second and first is not second
