"""fit / evaluate / predict on data that yields batches: Keras's PyDataset, generators and
iterables such as a PyTorch DataLoader."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers
from neurona.models import Model, Sequential
from neurona.utils import PyDataset


class Batches(PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended = 0

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part], self.y[part]

    def on_epoch_end(self):
        self.epochs_ended += 1


def _model():
    model = Sequential([layers.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def _data(rng, n=40):
    return rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 1)).astype("float32")


def test_a_py_dataset_trains_like_the_same_batches_from_arrays(rng):
    x, y = _data(rng)
    a, b = _model(), _model()
    b.set_weights(a.get_weights())
    data = Batches(x, y, batch_size=8, workers=2)
    history = a.fit(data, epochs=3, verbose=0, validation_data=Batches(x, y, 20))
    reference = b.fit(
        x,
        y,
        batch_size=8,
        epochs=3,
        shuffle=False,
        verbose=0,
        validation_data=(x, y),
        validation_batch_size=20,
    )
    assert set(history.history) == set(reference.history)
    for key, values in history.history.items():
        assert values == pytest.approx(reference.history[key], rel=1e-6), key
    assert data.epochs_ended == 3
    np.testing.assert_allclose(
        a.predict(Batches(x, y, 16), verbose=0), b.predict(x, verbose=0), rtol=1e-6
    )
    assert a.evaluate(data, verbose=0) == pytest.approx(b.evaluate(x, y, verbose=0), rel=1e-6)


def test_a_generator_goes_on_where_the_last_epoch_stopped(rng):
    x, y = _data(rng, 32)
    seen = []

    def batches():
        for start in range(0, 32, 8):
            seen.append(start)
            yield x[start : start + 8], y[start : start + 8]

    model = _model()
    history = model.fit(batches(), steps_per_epoch=2, epochs=2, verbose=0)
    assert seen == [0, 8, 16, 24] and len(history.history["loss"]) == 2
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(batches(), steps_per_epoch=3, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 2  # the third epoch had nothing left


def test_an_iterable_of_batches_such_as_a_torch_dataloader(rng, torch):
    x, y = _data(rng)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=10
    )
    model = _model()
    history = model.fit(loader, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(loader, verbose=0).shape == (40, 1)


def test_batches_with_several_inputs_and_sample_weights(rng):
    a_in, b_in = layers.Input((2,), name="a"), layers.Input((1,), name="b")
    model = Model([a_in, b_in], layers.Dense(1)(layers.concatenate([a_in, b_in])))
    model.compile(optimizer="sgd", loss="mse")

    def batches():
        for _ in range(3):
            yield (
                {"a": rng.normal(size=(4, 2)), "b": rng.normal(size=(4, 1))},
                rng.normal(size=(4, 1)),
                np.ones(4),
            )

    history = model.fit(batches(), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_a_dataset_carries_its_own_targets(rng):
    x, y = _data(rng)
    model = _model()
    with pytest.raises(ValueError, match="y must be None when x is a dataset"):
        model.fit(Batches(x, y, 8), y, verbose=0)
    with pytest.raises(ValueError, match="validation_split needs arrays"):
        model.fit(Batches(x, y, 8), validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match=r"x, \(x,\), \(x, y\) or \(x, y, sample_weight\)"):
        model.fit(iter([(x, y, None, None)]), verbose=0)


def test_py_dataset_defaults_say_what_to_write():
    data = PyDataset()
    assert data.num_batches is None
    with pytest.raises(NotImplementedError, match="__getitem__"):
        data[0]
    assert nr.utils.PyDataset is PyDataset
