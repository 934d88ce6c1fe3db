"""MNIST/Fashion-MNIST loading: the search order, Keras's return values, the error that says
where to put the files, and the real Debian Fashion-MNIST files when installed. No download."""

import hashlib
from pathlib import Path

import numpy as np
import pytest

from neurona.datasets import mnist
from neurona.datasets.idx import write_idx

DEBIAN = Path("/usr/share/datasets/fashion-mnist")
_real_download = mnist._download  # kept before the fixtures replace it


def write_fake_set(folder: Path, n_train=6, n_test=4, gz=True):
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    rng = np.random.default_rng(0)
    for split, n in (("train", n_train), ("t10k", n_test)):
        write_idx(
            folder / f"{split}-images-idx3-ubyte{suffix}",
            rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
        )
        write_idx(folder / f"{split}-labels-idx1-ubyte{suffix}", np.arange(n, dtype=np.uint8))


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No $NEURONA_DATA, an empty cache and home: only what the test writes is found."""
    monkeypatch.delenv("NEURONA_DATA", raising=False)
    monkeypatch.delenv("NEURONA_DOWNLOAD", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(mnist, "_download", _no_download)
    return tmp_path


def _no_download(name, timeout=60.0):
    raise AssertionError("a test tried to download")


@pytest.mark.parametrize("gz", [True, False])
def test_explicit_path_returns_keras_shapes_and_dtypes(isolated, gz):
    write_fake_set(isolated / "here", gz=gz)
    (x_train, y_train), (x_test, y_test) = mnist.load_mnist(path=isolated / "here")
    assert x_train.shape == (6, 28, 28) and x_test.shape == (4, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert y_test.tolist() == [0, 1, 2, 3]


def test_search_order_env_then_cache(isolated, monkeypatch):
    write_fake_set(isolated / "cache" / "neurona" / "mnist", n_train=3)
    assert len(mnist.load_mnist()[0][0]) == 3  # found in $XDG_CACHE_HOME/neurona/mnist
    write_fake_set(isolated / "data" / "mnist", n_train=5)
    monkeypatch.setenv("NEURONA_DATA", str(isolated / "data"))
    assert len(mnist.load_mnist()[0][0]) == 5  # $NEURONA_DATA/mnist comes first


def test_missing_files_give_a_clear_error_and_no_download(isolated, monkeypatch):
    monkeypatch.setattr(mnist, "_candidates", lambda name, path: [isolated / "nowhere"])
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        mnist.load_fashion_mnist()
    with pytest.raises(FileNotFoundError, match=r"download=True"):
        mnist.load_mnist(download=False)


def test_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert mnist.cache_dir() == tmp_path / "neurona"


def test_checksum_accepts_archive_or_content_digest():
    import gzip

    payload = b"\x00\x00\x08\x01\x00\x00\x00\x01\x07"
    archive = gzip.compress(payload)
    assert mnist._sha256_matches(archive, hashlib.sha256(archive).hexdigest())
    assert mnist._sha256_matches(archive, hashlib.sha256(payload).hexdigest())
    assert not mnist._sha256_matches(archive, "0" * 64)


@pytest.mark.skipif(
    not (DEBIAN / "train-images-idx3-ubyte.gz").is_file(),
    reason="Debian's dataset-fashion-mnist is not installed",
)
def test_real_fashion_mnist_from_debian():
    (x_train, y_train), (x_test, y_test) = mnist.load_fashion_mnist(path=DEBIAN)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == x_test.dtype == y_train.dtype == np.uint8
    assert y_train.min() == 0 and y_train.max() == 9
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert y_train[:3].tolist() == [9, 0, 0]  # ankle boot, T-shirt, T-shirt (Keras's first rows)


@pytest.mark.skipif(
    not (DEBIAN / "t10k-labels-idx1-ubyte.gz").is_file(),
    reason="Debian's dataset-fashion-mnist is not installed",
)
def test_download_digests_match_the_debian_content():
    import gzip

    _, digests = mnist._SOURCES["fashion-mnist"]
    stem = "t10k-labels-idx1-ubyte"
    content = gzip.decompress((DEBIAN / f"{stem}.gz").read_bytes())
    assert hashlib.sha256(content).hexdigest() == digests[stem]


class FakeResponse:
    def __init__(self, data):
        self.data = data

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self):
        return self.data


def test_download_checks_sha256_and_fills_the_cache(isolated, monkeypatch):
    import gzip
    import urllib.request

    from neurona.datasets.idx import parse_idx

    monkeypatch.setattr(mnist, "_download", _real_download)
    monkeypatch.setattr(mnist, "_candidates", lambda name, path: [mnist.cache_dir() / name])
    source = isolated / "source"
    write_fake_set(source)
    archives = {stem: (source / f"{stem}.gz").read_bytes() for stem in mnist.FILES}
    digests = {stem: hashlib.sha256(data).hexdigest() for stem, data in archives.items()}
    monkeypatch.setitem(mnist._SOURCES, "mnist", ("https://example.invalid/", digests))
    served = []

    def fake_urlopen(url, timeout):
        served.append(url)
        return FakeResponse(archives[url.rsplit("/", 1)[1][:-3]])

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    with pytest.raises(FileNotFoundError):
        mnist.load_mnist()  # download is off unless asked
    (x_train, _), _ = mnist.load_mnist(download=True)
    assert len(served) == 4 and x_train.shape == (6, 28, 28)
    cached = mnist.cache_dir() / "mnist" / "train-labels-idx1-ubyte.gz"
    assert parse_idx(cached.read_bytes()).tolist() == list(range(6))
    assert not list((mnist.cache_dir() / "mnist").glob("*.part"))

    (mnist.cache_dir() / "mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    archives["t10k-labels-idx1-ubyte"] = gzip.compress(b"tampered")
    with pytest.raises(ValueError, match="expected SHA-256"):
        mnist.load_mnist(download=True)
    assert not (mnist.cache_dir() / "mnist" / "t10k-labels-idx1-ubyte.gz").exists()


def test_failed_download_says_where_to_put_the_files(isolated, monkeypatch):
    import urllib.error
    import urllib.request

    def offline(url, timeout):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(mnist, "_download", _real_download)
    monkeypatch.setattr(mnist, "_candidates", lambda name, path: [mnist.cache_dir() / name])
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(FileNotFoundError, match="(?s)Put the files.*download from .* failed"):
        mnist.load_mnist(download=True)


def test_keras_dataset_namespaces_load_the_same_arrays(tmp_path, monkeypatch):
    from neurona import datasets

    monkeypatch.setenv("NEURONA_DATA", str(tmp_path))
    for name, size in (("mnist", 3), ("fashion-mnist", 4)):
        folder = tmp_path / name
        folder.mkdir()
        for split, n in (("train", size), ("t10k", 2)):
            write_idx(
                folder / f"{split}-images-idx3-ubyte", np.full((n, 28, 28), 7, dtype=np.uint8)
            )
            write_idx(folder / f"{split}-labels-idx1-ubyte", np.arange(n, dtype=np.uint8))
    (x, y), (x_test, _) = datasets.mnist.load_data()
    assert x.shape == (3, 28, 28) and x_test.shape == (2, 28, 28) and y.dtype == np.uint8
    (x, _), _ = datasets.fashion_mnist.load_data()
    assert x.shape == (4, 28, 28)
