"""The rest of fit's arguments: class_weight (Keras's rule as oracle), pandas and lists as
input, validation_freq / validation_batch_size / validation_steps, steps_per_epoch,
stop_training, and the BLAS-thread choice."""

from __future__ import annotations

import numpy as np
import pytest

from neurona import backend, callbacks, layers, models, optimizers
from neurona.models import data, threads


@pytest.fixture(autouse=True)
def _fresh_names():
    layers.reset_layer_names()


def _model(units=1, activation=None, loss="mse", lr=0.1, metrics=None):
    model = models.Sequential([layers.Input((3,)), layers.Dense(units, activation=activation)])
    model.compile(optimizer=optimizers.SGD(learning_rate=lr), loss=loss, metrics=metrics)
    return model


@pytest.mark.parametrize("kind", ["integers", "one_hot", "column", "floats_0_1"])
def test_class_weight_to_sample_weight_matches_keras(keras, rng, kind):
    from keras.src.trainers.data_adapters import data_adapter_utils

    labels = rng.integers(0, 3, 20)
    y = {
        "integers": labels,
        "one_hot": np.eye(3)[labels],
        "column": labels[:, None] % 2,
        "floats_0_1": (labels % 2).astype("float32")[:, None] * 0.9 + 0.05,
    }[kind]
    class_weight = {0: 0.5, 1: 4.0}  # class 2 absent: weight 1
    ours = data.class_weight_to_sample_weight(y, class_weight)
    theirs = data_adapter_utils.class_weight_to_sample_weights(y, class_weight)
    np.testing.assert_array_equal(ours, np.asarray(theirs))


def test_class_weight_equals_the_same_sample_weight(rng):
    x = rng.normal(size=(16, 3)).astype("float32")
    labels = rng.integers(0, 2, 16)
    y = labels[:, None].astype("float32")
    weighted, reference = _model(activation="sigmoid", loss="binary_crossentropy"), None
    reference = _model(activation="sigmoid", loss="binary_crossentropy")
    reference.set_weights(weighted.get_weights())
    h1 = weighted.fit(x, y, class_weight={0: 1.0, 1: 3.0}, epochs=2, shuffle=False, verbose=0)
    h2 = reference.fit(
        x, y, sample_weight=np.where(labels == 1, 3.0, 1.0), epochs=2, shuffle=False, verbose=0
    )
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-6)
    for a, b in zip(weighted.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    unweighted = _model(activation="sigmoid", loss="binary_crossentropy")
    unweighted.set_weights(reference.get_weights())
    assert not np.allclose(
        unweighted.fit(x, y, epochs=1, verbose=0).history["loss"],
        weighted.fit(x, y, class_weight={0: 1.0, 1: 3.0}, epochs=1, verbose=0).history["loss"],
    )


def test_class_weight_times_sample_weight_and_clear_errors(rng):
    y = np.array([0, 1, 1])
    model = _model()
    with pytest.raises(TypeError, match="class_weight to be a dict"):
        model.fit(np.ones((3, 3)), y, class_weight=[1.0, 2.0], verbose=0)
    with pytest.raises(ValueError, match="one class per sample"):
        data.class_weight_to_sample_weight(np.zeros((3, 2, 2)), {0: 1.0})
    x, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 1))
    a, b = _model(), _model()
    b.set_weights(a.get_weights())
    both = a.fit(
        x,
        (y > 0).astype(float),
        class_weight={1: 2.0},
        sample_weight=np.full(6, 0.5),
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    product = b.fit(
        x,
        (y > 0).astype(float),
        sample_weight=np.where(y[:, 0] > 0, 1.0, 0.5),
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    assert both.history["loss"] == pytest.approx(product.history["loss"])


def test_pandas_and_lists_give_the_same_training_as_arrays(rng):
    pd = pytest.importorskip("pandas")
    x = rng.normal(size=(10, 3)).astype("float32")
    y = rng.normal(size=10).astype("float32")
    models_ = [_model() for _ in range(3)]
    for m in models_[1:]:
        m.set_weights(models_[0].get_weights())
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    histories = [
        models_[0].fit(x, y[:, None], epochs=2, shuffle=False, verbose=0),
        models_[1].fit(
            frame,
            pd.Series(y),
            epochs=2,
            shuffle=False,
            verbose=0,
            validation_data=(frame, pd.Series(y)),
        ),
        models_[2].fit(x.tolist(), y.tolist(), epochs=2, shuffle=False, verbose=0),
    ]
    for h in histories[1:]:
        # a DataFrame's array may be laid out in columns: BLAS then sums in another order,
        # so equal up to float32 rounding, not bit for bit
        np.testing.assert_allclose(h.history["loss"], histories[0].history["loss"], rtol=1e-5)
    np.testing.assert_allclose(
        models_[1].predict(frame, verbose=0), models_[0].predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )
    assert models_[1].evaluate(frame, pd.Series(y), verbose=0) == pytest.approx(
        models_[0].evaluate(x, y[:, None], verbose=0)
    )
    with pytest.raises(TypeError, match="numeric DataFrame"):
        models_[0].fit(pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]}), [0.0, 1.0], verbose=0)


def test_validation_freq_and_validation_batch_size(rng):
    x, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 1))
    batches = []
    counter = callbacks.LambdaCallback(on_test_batch_end=lambda b, logs: batches.append(b))
    model = _model()
    history = model.fit(
        x,
        y,
        epochs=4,
        verbose=0,
        validation_data=(x, y),
        validation_freq=2,
        validation_batch_size=4,
        callbacks=[counter],
    )
    assert len(history.history["val_loss"]) == 2 and history.epoch == [0, 1, 2, 3]
    assert batches == [0, 1, 2] * 2  # 10 samples in batches of 4, at epochs 2 and 4
    history = model.fit(
        x,
        y,
        epochs=3,
        verbose=0,
        validation_data=(x, y),
        validation_freq=[1, 3],
        validation_steps=1,
        validation_batch_size=5,
    )
    assert len(history.history["val_loss"]) == 2
    assert history.history["val_loss"][-1] == pytest.approx(model.evaluate(x[:5], y[:5], verbose=0))
    with pytest.raises(ValueError, match="validation_freq"):
        model.fit(x, y, verbose=0, validation_data=(x, y), validation_freq=0)


def test_steps_per_epoch_continues_where_the_last_epoch_stopped(rng):
    x = np.arange(8, dtype="float32")[:, None].repeat(3, axis=1)
    seen = []
    spy = callbacks.LambdaCallback(on_train_batch_begin=lambda b, logs: None)
    model = _model()
    original = model._train_batch

    def record(x_b, y_b, w_b):
        seen.append(x_b[:, 0].tolist())
        return original(x_b, y_b, w_b)

    model._train_batch = record
    model.fit(
        x,
        np.zeros((8, 1)),
        batch_size=2,
        epochs=3,
        steps_per_epoch=2,
        shuffle=False,
        verbose=0,
        callbacks=[spy],
    )
    assert seen == [[0, 1], [2, 3], [4, 5], [6, 7], [0, 1], [2, 3]]
    with pytest.warns(UserWarning, match="the data ran out after 4 batches"):
        model.fit(x, np.zeros((8, 1)), batch_size=2, epochs=1, steps_per_epoch=5, verbose=0)


def test_stop_training_set_by_a_callback_ends_fit_after_that_epoch(rng):
    model = _model()
    stopper = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: setattr(model, "stop_training", epoch == 1)
    )
    history = model.fit(
        rng.normal(size=(4, 3)), np.zeros((4, 1)), epochs=5, verbose=0, callbacks=[stopper]
    )
    assert history.epoch == [0, 1]


def test_unknown_keyword_is_an_error(rng):
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['epoch'\]"):
        _model().fit(np.ones((2, 3)), np.ones((2, 1)), epoch=3, verbose=0)


def test_choose_blas_threads_by_work_and_environment(monkeypatch):
    monkeypatch.setattr(threads, "_machine_is_busy", lambda: False)
    monkeypatch.delenv("NEURONA_BLAS_THREADS", raising=False)
    assert threads.choose_blas_threads(32, 101_770) == 1  # 3.3M: one thread
    assert threads.choose_blas_threads(256, 101_770) is None  # 26M: BLAS's own choice
    monkeypatch.setattr(threads, "_machine_is_busy", lambda: True)
    assert threads.choose_blas_threads(256, 101_770) == 1
    monkeypatch.setenv("NEURONA_BLAS_THREADS", "3")
    assert threads.choose_blas_threads(32, 10) == 3
    monkeypatch.setenv("NEURONA_BLAS_THREADS", "none")
    assert threads.choose_blas_threads(32, 10) is None
    monkeypatch.setenv("NEURONA_BLAS_THREADS", "many")
    with pytest.raises(ValueError, match="NEURONA_BLAS_THREADS: expected a positive int"):
        threads.choose_blas_threads(32, 10)


def test_blas_threads_limits_blas_inside_the_block_only():
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_counts():  # every BLAS library loaded (torch or jax may add their own)
        return {
            pool["filepath"]: pool["num_threads"]
            for pool in threadpoolctl.threadpool_info()
            if pool["user_api"] == "blas"
        }

    before = blas_counts()
    if not before:
        pytest.skip("no BLAS library found by threadpoolctl")
    with backend.blas_threads(1):
        inside = blas_counts()
        controlled = {
            lib.filepath
            for lib in backend._BLAS_CONTROLLER.lib_controllers
            if lib.user_api == "blas"
        }  # NumPy's BLAS, loaded before neurona
        assert controlled and all(inside[path] == 1 for path in controlled)
    assert blas_counts() == before
    with backend.blas_threads(None):
        assert blas_counts() == before


def test_fit_runs_small_steps_on_one_blas_thread(rng, monkeypatch):
    used = []
    real = backend.blas_threads

    def spy(n):
        used.append(n)
        return real(n)

    monkeypatch.setattr("neurona.models.engine.blas_threads", spy)
    monkeypatch.setattr("neurona.models.prediction.blas_threads", spy)
    monkeypatch.setattr("neurona.models.evaluation.blas_threads", spy)
    monkeypatch.delenv("NEURONA_BLAS_THREADS", raising=False)
    model = models.Sequential([layers.Input((784,)), layers.Dense(128), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = rng.random((128, 784)).astype("float32"), rng.random((128, 1)).astype("float32")
    model.fit(x, y, batch_size=32, verbose=0)  # 128 · 100,609 weights: worth a switch
    model.evaluate(x, y, batch_size=32, verbose=0)  # steps of 32 · 100,609 = 3.2M: one thread
    model.predict(x[:4], verbose=0)  # 4 samples: too little work to switch at all
    assert used == [1, 1, None]
