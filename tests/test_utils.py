"""nr.utils against keras.utils: pad_sequences, to_categorical, normalize and
timeseries_dataset_from_array (Keras's windows computed by hand: its tf.data dataset needs
TensorFlow, which the oracle environment lacks)."""

import numpy as np
import pytest

import neurona as nr
from neurona import layers, utils
from neurona.models import Sequential


def _random_sequences(rng, n=12, max_len=9, step_shape=()):
    return [
        rng.integers(1, 50, size=(int(k),) + step_shape).tolist()
        for k in rng.integers(0, max_len, size=n)
    ]


# --- pad_sequences -----------------------------------------------------------------------


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("maxlen", [None, 1, 4, 12])
def test_pad_sequences_matches_keras_in_every_mode(keras, rng, padding, truncating, maxlen):
    seqs = _random_sequences(rng)
    kwargs = dict(maxlen=maxlen, padding=padding, truncating=truncating, value=-3)
    ours, theirs = utils.pad_sequences(seqs, **kwargs), keras.utils.pad_sequences(seqs, **kwargs)
    assert ours.dtype == theirs.dtype == np.int32
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", ["float32", "int64", "float64"])
def test_pad_sequences_matches_keras_for_dtypes_and_vector_steps(keras, rng, dtype):
    seqs = _random_sequences(rng, step_shape=(3,))
    ours = utils.pad_sequences(seqs, maxlen=5, dtype=dtype, value=0.5, padding="post")
    theirs = keras.utils.pad_sequences(seqs, maxlen=5, dtype=dtype, value=0.5, padding="post")
    assert ours.shape == theirs.shape == (12, 5, 3) and ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_pad_sequences_pads_strings_with_object_dtype(keras):
    seqs = [["a", "b"], ["c"], []]
    ours = utils.pad_sequences(seqs, dtype=object, value="<pad>")
    theirs = keras.utils.pad_sequences(seqs, dtype=object, value="<pad>")
    assert ours.tolist() == theirs.tolist() == [["a", "b"], ["<pad>", "c"], ["<pad>", "<pad>"]]


def test_pad_sequences_keras_docstring_example():
    # Keras's docstring: [[1], [2, 3], [4, 5, 6]] with maxlen=2 keeps the last two of [4, 5, 6]
    assert utils.pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2).tolist() == [
        [0, 1],
        [2, 3],
        [5, 6],
    ]


def test_pad_sequences_errors_say_what_to_pass():
    with pytest.raises(ValueError, match='padding "pre" or "post"'):
        utils.pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match='truncating "pre" or "post"'):
        utils.pad_sequences([[1]], truncating="both")
    with pytest.raises(ValueError, match="non-sequence 3 at position 1"):
        utils.pad_sequences([[1], 3])
    with pytest.raises(ValueError, match="dtype=object"):
        utils.pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match=r"steps of shape \(2,\).*position 1"):
        utils.pad_sequences([[[1, 2]], [[1, 2, 3]]])
    with pytest.raises(ValueError, match="list of sequences"):
        utils.pad_sequences(iter([[1]]))


# --- to_categorical ----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(7,), (7, 1), (4, 3), (2, 3, 1), (1,), ()])
@pytest.mark.parametrize("num_classes", [None, 0, 6])
def test_to_categorical_matches_keras_shapes_and_float64(keras, rng, shape, num_classes):
    x = rng.integers(0, 6, size=shape)
    ours, theirs = utils.to_categorical(x, num_classes), keras.utils.to_categorical(x, num_classes)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype == np.float64
    np.testing.assert_array_equal(ours, theirs)


def test_to_categorical_accepts_lists_of_float_labels_like_keras(keras):
    ours, theirs = utils.to_categorical([0.0, 2.0]), keras.utils.to_categorical([0.0, 2.0])
    np.testing.assert_array_equal(ours, theirs)
    assert ours.dtype == theirs.dtype


def test_datasets_to_categorical_stays_float32_for_the_labs():
    assert nr.datasets.to_categorical([0, 1]).dtype == np.float32
    assert utils.to_categorical([0, 1]).dtype == np.float64


def test_to_categorical_refuses_what_keras_silently_mangles():
    with pytest.raises(ValueError, match="labels in"):
        utils.to_categorical([-1, 0])  # Keras wraps -1 to the last class
    with pytest.raises(ValueError, match="integer class labels"):
        utils.to_categorical([1.5])  # Keras truncates to 1


# --- normalize ---------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [-1, 1, None])
@pytest.mark.parametrize("order", [1, 2, np.inf])
def test_normalize_matches_keras(keras, rng, axis, order):
    x = rng.normal(size=(5, 4))
    x[2] = 0.0  # a zero row stays zero (norm taken as 1)
    ours, theirs = (
        utils.normalize(x, axis=axis, order=order),
        keras.utils.normalize(x, axis=axis, order=order),
    )
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_normalize_dtype_follows_keras(keras, rng, dtype):
    x = rng.integers(-5, 6, size=(3, 2, 4)).astype(dtype)
    ours, theirs = utils.normalize(x), keras.utils.normalize(x)
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_normalize_along_axis_0_normalises_columns(rng):
    # Keras's own axis=0 is broken (it expands the norms on the last axis); ours is not
    x = rng.normal(size=(3, 5))
    np.testing.assert_allclose(np.linalg.norm(utils.normalize(x, axis=0), axis=0), np.ones(5))


# --- timeseries_dataset_from_array -------------------------------------------------------


def _keras_windows(
    data,
    targets,
    sequence_length,
    sequence_stride=1,
    sampling_rate=1,
    batch_size=128,
    start_index=None,
    end_index=None,
):
    """Keras 3's _timeseries_dataset_tf without tf.data, line by line (shuffle=False)."""
    start = start_index or 0
    end = len(data) if end_index is None else end_index
    num_seqs = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    positions = np.arange(0, num_seqs, sequence_stride)
    windows = [
        data[start:end][p : p + sequence_length * sampling_rate : sampling_rate] for p in positions
    ]
    tails = None if targets is None else [targets[start:end][p] for p in positions]
    out = []
    for i in range(0, len(positions), batch_size or 1):
        x = np.stack(windows[i : i + (batch_size or 1)])
        y = None if tails is None else np.stack(tails[i : i + (batch_size or 1)])
        if batch_size is None:
            x, y = x[0], None if y is None else y[0]
        out.append(x if y is None else (x, y))
    return out


def _assert_same_batches(ours, expected):
    assert len(ours) == len(expected) == len(list(ours))
    for got, want in zip(ours, expected):
        got, want = (got, want) if isinstance(want, tuple) else ((got,), (want,))
        for a, b in zip(got, want):
            assert a.shape == b.shape and a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "case",
    [
        dict(sequence_length=10, sequence_stride=3, sampling_rate=2, batch_size=4),
        dict(sequence_length=1, batch_size=7),
        dict(sequence_length=5, sequence_stride=2, batch_size=3, start_index=4, end_index=40),
        dict(sequence_length=4, sampling_rate=3, batch_size=None, start_index=0),
        dict(sequence_length=6, batch_size=128, end_index=30),
    ],
)
@pytest.mark.parametrize("with_targets", [True, False])
def test_timeseries_windows_match_keras_semantics(rng, case, with_targets):
    data = rng.normal(size=(50, 3)).astype("float32")
    targets = rng.integers(0, 9, size=47) if with_targets else None  # shorter than data
    ours = utils.timeseries_dataset_from_array(data, targets, **case)
    _assert_same_batches(ours, _keras_windows(data, targets, **case))


def test_timeseries_keras_docstring_example_1():
    # indices 0…98, sequence_length=10, sampling_rate=2, sequence_stride=3: first window
    # [0 2 … 18], second [3 5 … 21], last [78 80 … 96] (the next would need index 99)
    data = utils.timeseries_dataset_from_array(
        np.arange(99), None, sequence_length=10, sequence_stride=3, sampling_rate=2
    )
    windows = np.concatenate(list(data))
    assert windows[0].tolist() == list(range(0, 20, 2))
    assert windows[1].tolist() == list(range(3, 23, 2))
    assert windows[-1].tolist() == list(range(78, 98, 2))


def test_timeseries_keras_docstring_example_2_targets_follow_the_window():
    series = np.arange(100.0)
    x, y = next(
        iter(utils.timeseries_dataset_from_array(series[:-10], series[10:], sequence_length=10))
    )
    np.testing.assert_array_equal(x[0], series[:10])
    assert y[0] == series[10] and x.shape == (81, 10) and y.shape == (81,)


def test_timeseries_shuffle_keeps_the_windows_in_keras_start_order(rng):
    data, targets = np.arange(40), np.arange(40) * 10
    ours = utils.timeseries_dataset_from_array(
        data, targets, sequence_length=5, batch_size=8, shuffle=True, seed=3
    )
    x, y = (np.concatenate(part) for part in zip(*ours))
    starts = np.arange(36)
    np.random.RandomState(3).shuffle(starts)  # Keras's first shuffle, before tf.data's buffer
    np.testing.assert_array_equal(x[:, 0], starts)
    np.testing.assert_array_equal(y, starts * 10)
    ours.on_epoch_end()  # a new order each epoch, the same windows
    x2 = np.concatenate([batch[0] for batch in ours])
    assert not np.array_equal(x2[:, 0], starts) and sorted(x2[:, 0]) == list(range(36))


def test_fit_and_predict_read_a_timeseries_dataset(rng):
    series = np.sin(np.arange(300) * 0.2).astype("float32")[:, None]  # (300, 1)
    train = utils.timeseries_dataset_from_array(
        series[:-8], series[8:], sequence_length=8, batch_size=32, shuffle=True, seed=0
    )
    nr.utils.set_random_seed(0)
    model = Sequential(
        [layers.Input((8, 1)), layers.Flatten(), layers.Dense(16, "tanh"), layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(train, epochs=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    inputs = utils.timeseries_dataset_from_array(series, None, sequence_length=8, batch_size=50)
    assert model.predict(inputs, verbose=0).shape == (293, 1)
    assert np.isfinite(model.evaluate(train, verbose=0))


def test_timeseries_errors_name_the_argument():
    data = np.arange(20)
    bad = [
        (dict(start_index=25), "start_index in"),
        (dict(end_index=20), "end_index in"),
        (dict(start_index=5, end_index=3), "end_index > start_index"),
        (dict(sampling_rate=0), "sampling_rate in"),
        (dict(sequence_stride=20), "sequence_stride in"),
        (dict(sequence_length=0), "sequence_length"),
        (dict(batch_size=0), "batch_size"),
    ]
    for kwargs, message in bad:
        kwargs = {"sequence_length": 3, **kwargs}
        with pytest.raises(ValueError, match=message):
            utils.timeseries_dataset_from_array(data, None, **kwargs)
    with pytest.raises(ValueError, match="a target for each"):
        utils.timeseries_dataset_from_array(data, np.arange(12), 3, start_index=5)
    with pytest.raises(IndexError, match="out of range"):
        utils.timeseries_dataset_from_array(data, None, 3, batch_size=8)[3]
