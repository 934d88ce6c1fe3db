"""MNIST and Fashion-MNIST with the return values of Keras's ``load_data()``: found on disk
(a path, $NEURONA_DATA, a cache folder, Debian's package), downloaded with a checksum only
when asked."""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

from neurona.datasets.idx import parse_idx

__all__ = ["FILES", "cache_dir", "find_dataset", "load_fashion_mnist", "load_mnist"]

FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

# Where each data set can be downloaded, and the SHA-256 a download must have. MNIST: the digest
# of each .gz archive on the mirror TensorFlow uses. Fashion-MNIST: the digest of the
# *decompressed* IDX bytes (computed from Debian's dataset-fashion-mnist 0.0~git20200523, whose
# .gz files were recompressed, so archive digests differ between mirrors; the content does not).
_SOURCES = {
    "mnist": (
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        {
            "train-images-idx3-ubyte": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",  # noqa: E501 - a checksum
            "train-labels-idx1-ubyte": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",  # noqa: E501 - a checksum
            "t10k-images-idx3-ubyte": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",  # noqa: E501 - a checksum
            "t10k-labels-idx1-ubyte": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",  # noqa: E501 - a checksum
        },
    ),
    "fashion-mnist": (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
        {
            "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",  # noqa: E501 - a checksum
            "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",  # noqa: E501 - a checksum
            "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",  # noqa: E501 - a checksum
            "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",  # noqa: E501 - a checksum
        },
    ),
}


def cache_dir() -> Path:
    """neurona's cache folder: ``$XDG_CACHE_HOME/neurona``, else ``~/.cache/neurona``.

    Example:
        >>> cache_dir().name
        'neurona'
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "neurona"


def _candidates(name: str, path: str | os.PathLike | None) -> list[Path]:
    folders = [Path(path)] if path is not None else []
    if os.environ.get("NEURONA_DATA"):
        folders.append(Path(os.environ["NEURONA_DATA"]) / name)
    folders += [
        cache_dir() / name,
        Path.home() / ".keras" / "datasets" / name,
        Path("/usr/share/datasets") / name,
    ]
    return folders


def _complete(folder: Path) -> dict[str, Path] | None:
    found = {}
    for stem in FILES:
        for candidate in (folder / f"{stem}.gz", folder / stem):
            if candidate.is_file():
                found[stem] = candidate
                break
    return found if len(found) == len(FILES) else None


def find_dataset(name: str, path: str | os.PathLike | None = None) -> dict[str, Path] | None:
    """The four IDX files of ``name`` ('mnist' or 'fashion-mnist') from the first folder that
    holds all of them (each as ``.gz`` or raw), or None. Folders, in order: ``path``;
    ``$NEURONA_DATA/name``; ``cache_dir()/name``; ``~/.keras/datasets/name``;
    ``/usr/share/datasets/name`` (Debian's ``dataset-fashion-mnist``).

    Example:
        >>> import tempfile
        >>> from neurona.datasets.idx import write_idx
        >>> folder = Path(tempfile.mkdtemp())
        >>> for stem in FILES:
        ...     write_idx(folder / stem, np.zeros(1, dtype=np.uint8))
        >>> sorted(find_dataset("mnist", path=folder)) == sorted(FILES)
        True
    """
    for folder in _candidates(name, path):
        found = _complete(folder)
        if found:
            return found
    return None


def _sha256_matches(data: bytes, expected: str) -> bool:
    if hashlib.sha256(data).hexdigest() == expected:
        return True
    return data[:2] == b"\x1f\x8b" and hashlib.sha256(gzip.decompress(data)).hexdigest() == expected


def _download(name: str, timeout: float = 60.0) -> dict[str, Path]:
    base, digests = _SOURCES[name]
    folder = cache_dir() / name
    folder.mkdir(parents=True, exist_ok=True)
    for stem in FILES:
        target = folder / f"{stem}.gz"
        if target.is_file():
            continue
        url = base + f"{stem}.gz"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - https
                data = response.read()
        except OSError as error:  # URLError, timeouts and refused connections are OSErrors
            raise _not_found(name, None, f"The download from {url} failed ({error}).") from None
        if not _sha256_matches(data, digests[stem]):
            raise ValueError(
                f"load_{name.replace('-', '_')}: expected SHA-256 {digests[stem]} "
                f"for {url}, got {hashlib.sha256(data).hexdigest()}. The download "
                "is damaged or the mirror changed; nothing was saved."
            )
        handle, temp = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, target)  # atomic: a file in the cache is always complete
    return _complete(folder)


def _not_found(name: str, path, reason: str = "") -> FileNotFoundError:
    looked = "\n".join(f"  - {folder}" for folder in _candidates(name, path))
    files = ", ".join(f"{stem}.gz" for stem in FILES)
    apt = (
        "\nOn Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist"
        if name == "fashion-mnist"
        else ""
    )
    func = f"load_{name.replace('-', '_')}"
    tail = f"\n{reason}" if reason else ""
    return FileNotFoundError(
        f"{func}: expected the four IDX files ({files}, or the same without .gz) in one "
        f"folder, got none complete in:\n{looked}\nPut the files in one of these folders (or "
        f"set NEURONA_DATA to a folder holding '{name}/'), or call {func}(download=True) "
        f"where a network exists (or set NEURONA_DOWNLOAD=1).{apt}{tail}"
    )


def _load(name: str, path, download: bool | None) -> tuple:
    found = find_dataset(name, path)
    if found is None:
        if download is None:
            download = os.environ.get("NEURONA_DOWNLOAD") == "1"
        if not download:
            raise _not_found(name, path)
        found = _download(name)
    arrays = {}
    for stem, file in found.items():
        arrays[stem] = parse_idx(file.read_bytes(), where=f"load_{name}({file})")
    x_train, y_train = arrays["train-images-idx3-ubyte"], arrays["train-labels-idx1-ubyte"]
    x_test, y_test = arrays["t10k-images-idx3-ubyte"], arrays["t10k-labels-idx1-ubyte"]
    for x, y, split in ((x_train, y_train, "train"), (x_test, y_test, "t10k")):
        if x.dtype != np.uint8 or x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise ValueError(
                f"load_{name}: expected {split} images (n, 28, 28) uint8 and n "
                f"labels, got {x.shape} {x.dtype} and {y.shape} {y.dtype}. The "
                f"files in {found[f'{split}-images-idx3-ubyte'].parent} are mixed up."
            )
    return (x_train, y_train), (x_test, y_test)


def load_fashion_mnist(path: str | os.PathLike | None = None, download: bool | None = None):
    """Fashion-MNIST (Xiao, Rasul & Vollgraf 2017; Zalando SE, MIT licence) as Keras's
    ``keras.datasets.fashion_mnist.load_data()`` returns it.

    Looks for the four IDX files (see ``find_dataset``) in ``path``, ``$NEURONA_DATA/
    fashion-mnist``, the cache ``~/.cache/neurona/fashion-mnist`` (or under
    ``$XDG_CACHE_HOME``), ``~/.keras/datasets/fashion-mnist`` and Debian's
    ``/usr/share/datasets/fashion-mnist`` (``apt-get install dataset-fashion-mnist``). When none
    has them it downloads them into the cache, checking SHA-256, only if ``download=True`` (or
    ``$NEURONA_DOWNLOAD=1`` and ``download`` is None); otherwise it raises FileNotFoundError
    saying where to put them.

    Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
    7 Sneaker, 8 Bag, 9 Ankle boot.

    Returns:
        ((x_train, y_train), (x_test, y_test)): images uint8 (60000, 28, 28) and
        (10000, 28, 28) with values 0–255; labels uint8 (60000,) and (10000,).

    Example:
        >>> (x, y), _ = load_fashion_mnist()  # doctest: +SKIP
        >>> x.shape, x.dtype, y[:3]  # doctest: +SKIP
        ((60000, 28, 28), dtype('uint8'), array([9, 0, 0], dtype=uint8))
    """
    return _load("fashion-mnist", path, download)


def load_mnist(path: str | os.PathLike | None = None, download: bool | None = None):
    """MNIST handwritten digits (LeCun, Cortes & Burges; CC BY-SA 3.0) as Keras's
    ``keras.datasets.mnist.load_data()`` returns it.

    Same search as ``load_fashion_mnist`` with the folder name ``mnist`` (no Debian package
    ships MNIST; put the four files from https://storage.googleapis.com/cvdf-datasets/mnist/ in
    ``~/.cache/neurona/mnist``). Downloads, with SHA-256 checks, only when allowed.

    Returns:
        ((x_train, y_train), (x_test, y_test)): images uint8 (60000, 28, 28) and
        (10000, 28, 28); labels uint8 digits 0–9.

    Example:
        >>> (x, y), _ = load_mnist()  # doctest: +SKIP
        >>> x.shape, y[:3]  # doctest: +SKIP
        ((60000, 28, 28), array([5, 0, 4], dtype=uint8))
    """
    return _load("mnist", path, download)


def load_data(path: str | os.PathLike = "mnist.npz"):
    """Keras's ``keras.datasets.mnist.load_data()``: MNIST from Keras's own ``mnist.npz`` when
    one is found (``$NEURONA_DATA``, neurona's cache, Keras's cache ``~/.keras/datasets``, or
    ``path`` itself; read without pickle), else as ``load_mnist`` finds the IDX files.

    Keras's ``path`` names its cache file; a folder holding the four IDX files may be given
    instead.

    Example:
        >>> (x, y), (x_test, y_test) = load_data()  # doctest: +SKIP
        >>> x.shape, x_test.shape  # doctest: +SKIP
        ((60000, 28, 28), (10000, 28, 28))
    """
    if str(path).endswith(".npz"):
        from neurona.datasets.keras_files import check_keys, find_file, load_npz

        found = find_file([str(path), "mnist.npz"], path)
        if found is not None and found.is_file():
            arrays = load_npz(found, "mnist.load_data")
            check_keys(arrays, ("x_train", "y_train", "x_test", "y_test"), found, "mnist.load_data")
            return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
    return load_mnist(None if str(path).endswith(".npz") else path)
