"""Keras's datasets the Keras way, offline first: imdb, cifar10 and boston_housing read small
synthetic files in Keras's own formats from a temporary $NEURONA_DATA, and give what Keras 3's
``load_data`` gives on the same files (Keras's download step replaced by the same path); no
local copy means a clear FileNotFoundError and no network; downloads are checksummed."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import tarfile

import numpy as np
import pytest

from neurona.datasets import boston_housing, cifar10, imdb, keras_files, mnist


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty $NEURONA_DATA, and a home and cache with nothing in them."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("NEURONA_DATA", str(folder))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("NEURONA_DOWNLOAD", raising=False)

    def no_network(*args, **kwargs):
        raise AssertionError("nothing may be downloaded")

    monkeypatch.setattr(keras_files.urllib.request, "urlopen", no_network)
    return folder


def _ragged(rng, n):
    out = np.empty(n, dtype=object)
    out[:] = [[int(v) for v in rng.integers(1, 60, size=rng.integers(2, 25))] for _ in range(n)]
    return out


@pytest.fixture
def imdb_file(data_dir, rng):
    path = data_dir / "imdb.npz"
    np.savez(
        path,
        x_train=_ragged(rng, 40),
        y_train=rng.integers(0, 2, 40),
        x_test=_ragged(rng, 30),
        y_test=rng.integers(0, 2, 30),
    )
    return path


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_words": 30},
        {"num_words": 40, "skip_top": 5, "maxlen": 15, "seed": 7},
        {"oov_char": None, "num_words": 20, "start_char": None, "index_from": 0},
    ],
)
def test_imdb_matches_keras_on_the_same_file(kwargs, imdb_file, keras, monkeypatch):
    import keras.src.datasets.imdb as keras_imdb

    monkeypatch.setattr(keras_imdb, "get_file", lambda *a, **k: str(imdb_file))
    (x, y), (xt, yt) = imdb.load_data(**kwargs)
    (kx, ky), (kxt, kyt) = keras.datasets.imdb.load_data(**kwargs)
    assert x.dtype == object and len(x) == len(kx)
    assert [list(map(int, s)) for s in x] == [list(map(int, s)) for s in kx]
    assert [list(map(int, s)) for s in xt] == [list(map(int, s)) for s in kxt]
    np.testing.assert_array_equal(y, ky)
    np.testing.assert_array_equal(yt, kyt)
    assert y.dtype == ky.dtype


def test_imdb_word_index(data_dir):
    (data_dir / "imdb_word_index.json").write_text(json.dumps({"the": 1, "and": 2}))
    assert imdb.get_word_index() == {"the": 1, "and": 2}


def test_imdb_refuses_a_pickle_that_would_run_code(data_dir):
    class Evil:
        def __reduce__(self):
            return (os.system, ("touch hacked",))

    bad = np.empty(1, dtype=object)
    bad[0] = Evil()
    np.savez(data_dir / "imdb.npz", x_train=bad, y_train=[0], x_test=bad, y_test=[0])
    with pytest.raises(ValueError, match="refused to build posix.system|refused to build"):
        imdb.load_data()
    assert not os.path.exists("hacked")


def _cifar_batches(rng, n=3):
    """Six batches of ``n`` images in CIFAR-10's Python layout (pickles with bytes keys)."""
    return {
        name: {
            b"data": rng.integers(0, 256, size=(n, 3072), dtype=np.uint8),
            b"labels": [int(v) for v in rng.integers(0, 10, size=n)],
        }
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    }


def test_cifar10_reads_every_layout_and_matches_keras(data_dir, rng, keras, tmp_path):
    from keras.src.datasets.cifar import load_batch  # Keras's reader of one Python batch

    batches = _cifar_batches(rng)
    keras_dir = tmp_path / "keras_cache"
    (keras_dir / "cifar-10-batches-py").mkdir(parents=True)
    for name, batch in batches.items():
        (keras_dir / "cifar-10-batches-py" / name).write_bytes(pickle.dumps(batch))
    # Keras's load_data assumes 10,000 images a batch; its steps on these small batches:
    read = [load_batch(str(keras_dir / "cifar-10-batches-py" / name)) for name in batches]
    x_train = np.concatenate([x for x, _ in read[:5]]).transpose(0, 2, 3, 1)
    y_train = np.concatenate([np.asarray(y, "uint8") for _, y in read[:5]]).reshape(-1, 1)
    x_test = read[5][0].transpose(0, 2, 3, 1).astype(x_train.dtype)
    y_test = np.asarray(read[5][1], "uint8").reshape(-1, 1)
    expected = (x_train, y_train), (x_test, y_test)

    def same(got):
        for ours, theirs in zip(
            (got[0][0], got[0][1], got[1][0], got[1][1]),
            (expected[0][0], expected[0][1], expected[1][0], expected[1][1]),
        ):
            assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
            np.testing.assert_array_equal(ours, theirs)

    # Keras's cache layout, in Keras's cache folder
    keras_cache = tmp_path / "home" / ".keras" / "datasets" / "cifar-10-batches-py-target"
    keras_cache.mkdir(parents=True)
    os.symlink(keras_dir / "cifar-10-batches-py", keras_cache / "cifar-10-batches-py")
    got = cifar10.load_data()
    assert got[0][0].shape == (15, 32, 32, 3) and got[0][1].shape == (15, 1)
    same(got)
    # the official archive, read in place
    with tarfile.open(data_dir / "cifar-10-python.tar.gz", "w:gz") as archive:
        for name, batch in batches.items():
            data = pickle.dumps(batch)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    same(cifar10.load_data())
    # the binary version (label byte + 3072 pixel bytes per record)
    binary = data_dir / "cifar-10-batches-bin"
    binary.mkdir()
    for name, batch in batches.items():
        labels = np.array(batch[b"labels"], dtype=np.uint8)[:, None]
        records = np.concatenate([labels, batch[b"data"]], axis=1)
        (binary / f"{name}.bin").write_bytes(records.tobytes())
    same(cifar10.load_data())
    # plain arrays
    (x, y), (xt, yt) = expected
    np.savez(data_dir / "cifar10.npz", x_train=x, y_train=y, x_test=xt, y_test=yt)
    same(cifar10.load_data())


def test_boston_housing_matches_keras_and_works_from_the_shipped_copy(
    data_dir, rng, keras, monkeypatch
):
    import keras.src.datasets.boston_housing as keras_boston

    # no file anywhere: the copy shipped with neurona, split as Keras splits it
    (x, y), (xt, yt) = boston_housing.load_data()
    assert x.shape == (404, 13) and xt.shape == (102, 13) and y.dtype == np.float64
    # Keras's first ten training targets (Chollet, Deep Learning with Python, 3.6)
    np.testing.assert_array_equal(
        y[:10], [15.2, 42.3, 50.0, 21.1, 17.7, 18.5, 11.3, 15.6, 15.6, 14.4]
    )
    # a Keras npz is read first, with the same split as Keras's
    path = data_dir / "boston_housing.npz"
    np.savez(path, x=rng.normal(size=(50, 13)), y=rng.normal(size=50))
    monkeypatch.setattr(keras_boston, "get_file", lambda *a, **k: str(path))
    ours = boston_housing.load_data(test_split=0.3, seed=5)
    theirs = keras.datasets.boston_housing.load_data(test_split=0.3, seed=5)
    for a, b in zip((*ours[0], *ours[1]), (*theirs[0], *theirs[1])):
        np.testing.assert_array_equal(a, b)


def test_mnist_reads_keras_own_npz_from_keras_cache(data_dir, rng, tmp_path):
    cache = tmp_path / "home" / ".keras" / "datasets"
    cache.mkdir(parents=True)
    arrays = {
        "x_train": rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, size=6, dtype=np.uint8),
        "x_test": rng.integers(0, 256, size=(2, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, size=2, dtype=np.uint8),
    }
    np.savez(cache / "mnist.npz", **arrays)
    (x, y), (xt, yt) = mnist.load_data()
    for got, key in ((x, "x_train"), (y, "y_train"), (xt, "x_test"), (yt, "y_test")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[key])


def test_a_missing_file_says_where_to_put_it_and_downloads_nothing(data_dir):
    with pytest.raises(FileNotFoundError, match=r"(?s)'imdb.npz'.*data.*download=True"):
        imdb.load_data()
    with pytest.raises(FileNotFoundError, match=r"(?s)cifar10.npz.*\.keras.*NEURONA_DATA"):
        cifar10.load_data()


def test_downloads_are_checked_and_kept_only_when_they_match(data_dir, monkeypatch, tmp_path):
    payload = b"dataset bytes"
    good = hashlib.sha256(payload).hexdigest()

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(
        keras_files.urllib.request, "urlopen", lambda url, timeout: Response(payload)
    )
    url = "https://example.org/files/thing.npz"
    with pytest.raises(ValueError, match="expected checksum"):
        keras_files.fetch_file("demo", ["thing.npz"], None, url, "0" * 64, download=True)
    assert not (tmp_path / "cache" / "neurona" / "thing.npz").exists()
    got = keras_files.fetch_file("demo", ["thing.npz"], None, url, good, download=True)
    assert got == tmp_path / "cache" / "neurona" / "thing.npz" and got.read_bytes() == payload
    md5 = hashlib.md5(payload).hexdigest()  # Keras gives some checksums as MD5
    got.unlink()
    assert keras_files.fetch_file("demo", ["thing.npz"], None, url, md5, download=True) == got
