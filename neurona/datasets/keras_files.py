"""Side package helper: finding the files of Keras's datasets offline first, downloading them
only when asked (with Keras's URLs and checksums), and reading Keras's pickled arrays without
running code.

Where a file is looked for, in order: the ``path`` given (when it names an existing file or
folder), ``$NEURONA_DATA``, neurona's cache (``~/.cache/neurona``), Keras's own cache
(``~/.keras/datasets``, where ``keras.datasets.X.load_data()`` leaves its downloads) and Debian's
``/usr/share/datasets``. A download happens only with ``download=True`` (or ``$NEURONA_DOWNLOAD=1``
and ``download`` None), goes into neurona's cache, and is kept only when its checksum matches.

Two of Keras's files hold *pickled* arrays (IMDB's ragged sequences, CIFAR's Python batches).
They are read as Keras 3 reads them: numeric arrays with pickling off; object arrays with an
unpickler that can build nothing but NumPy arrays and dtypes (any other class in the stream is
refused), so a crafted file cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from neurona.datasets.mnist import cache_dir

__all__ = ["search_folders", "find_file", "fetch_file", "safe_unpickle", "load_npz"]

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_ALLOWED = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
}


def search_folders() -> list[Path]:
    """The folders searched for a data file, in order.

    Example:
        >>> [p.name for p in search_folders()][-2:]
        ['datasets', 'datasets']
    """
    folders = [Path(os.environ["NEURONA_DATA"])] if os.environ.get("NEURONA_DATA") else []
    return folders + [
        cache_dir(),
        Path.home() / ".keras" / "datasets",
        Path("/usr/share/datasets"),
    ]


def find_file(names: list[str], path: Any = None) -> Path | None:
    """The first existing file or folder among ``names`` (relative names, tried in order in
    each folder of ``search_folders()``), or ``path`` itself when it exists; None if none.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "a.npz").write_bytes(b"")
        >>> find_file(["a.npz"], path=folder / "a.npz") == folder / "a.npz"
        True
    """
    if (
        path is not None
        and Path(path).exists()
        and (Path(path).is_absolute() or os.sep in str(path))
    ):
        return Path(path)
    for folder in search_folders():
        for name in names:
            if (folder / name).exists():
                return folder / name
    return None


def _digest(data: bytes, expected: str) -> str:
    algorithm = hashlib.md5 if len(expected) == 32 else hashlib.sha256
    return algorithm(data).hexdigest()


def fetch_file(
    func: str,
    names: list[str],
    path: Any,
    url: str,
    checksum: str,
    download: bool | None,
    timeout: float = 120.0,
) -> Path:
    """The local copy of a dataset file (``find_file``), or, when allowed, a download of
    ``url`` into neurona's cache kept only if its SHA-256 (or MD5, as Keras gives some) is
    ``checksum``; otherwise a FileNotFoundError that says where to put the file.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "x.npz").write_bytes(b"")
        >>> fetch_file("demo", ["x.npz"], folder / "x.npz", "https://example.org/x.npz",
        ...            "0" * 64, download=False).name
        'x.npz'
    """
    found = find_file(names, path)
    if found is not None:
        return found
    if download is None:
        download = os.environ.get("NEURONA_DOWNLOAD") == "1"
    looked = "\n".join(f"  - {folder}" for folder in search_folders())
    if not download:
        raise FileNotFoundError(
            f"{func}: expected the file {names[0]!r} (from {url}), found it in none of:\n"
            f"{looked}\nDownload it yourself and put it in one of these folders (or set "
            "NEURONA_DATA to a folder holding it), or call with download=True where a network "
            "exists (or set NEURONA_DOWNLOAD=1). Keras's own copy in ~/.keras/datasets is used "
            "as it is."
        )
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - https
            data = response.read()
    except OSError as error:
        raise FileNotFoundError(
            f"{func}: the download from {url} failed ({error}). Put the file {names[0]!r} in "
            f"one of:\n{looked}"
        ) from None
    if _digest(data, checksum) != checksum:
        raise ValueError(
            f"{func}: expected checksum {checksum} for {url}, got {_digest(data, checksum)}. "
            "The download is damaged or the server changed; nothing was saved."
        )
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    target = folder / Path(url).name
    os.replace(temp, target)  # atomic: a file in the cache is always complete
    return target


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """An unpickler that builds NumPy arrays, dtypes and plain Python values only."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"refused to build {module}.{name} while reading a dataset: only NumPy arrays are "
            "allowed. The file is damaged or hostile."
        )


def safe_unpickle(file: Any, encoding: str = "ASCII") -> Any:
    """Read one pickle that may hold only NumPy arrays, dtypes, lists, dicts, strings and
    numbers (Keras 3's ``RestrictedUnpickler``); anything else raises UnpicklingError.

    Example:
        >>> import pickle
        >>> safe_unpickle(io.BytesIO(pickle.dumps({"a": np.arange(3)})))["a"]
        array([0, 1, 2])
        >>> try:
        ...     safe_unpickle(io.BytesIO(pickle.dumps(print)))
        ... except pickle.UnpicklingError as error:
        ...     print(str(error)[:37])
        refused to build builtins.print while
    """
    return _NumpyOnlyUnpickler(file, encoding=encoding).load()


def _read_npy(raw: bytes) -> np.ndarray:
    buffer = io.BytesIO(raw)
    try:
        return np.lib.format.read_array(buffer, allow_pickle=False)
    except ValueError:  # an object array: its payload is a pickle after the header
        buffer.seek(0)
        major, _ = np.lib.format.read_magic(buffer)
        if major == 1:
            np.lib.format.read_array_header_1_0(buffer)
        else:
            np.lib.format.read_array_header_2_0(buffer)
        array = safe_unpickle(buffer)
        if not isinstance(array, np.ndarray):
            raise ValueError(f"expected an array, got {type(array).__name__}") from None
        return array


def load_npz(path: Any, where: str) -> dict[str, np.ndarray]:
    """The arrays of an npz file, object arrays (ragged sequences) included, without running
    code (``safe_unpickle``).

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "r.npz"
        >>> ragged = np.empty(2, dtype=object); ragged[:] = [[1, 2], [3]]
        >>> np.savez(path, x=ragged, y=np.array([0, 1]))
        >>> load_npz(path, "demo")["x"].tolist()
        [[1, 2], [3]]
    """
    arrays = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".npy"):
                    arrays[member[: -len(".npy")]] = _read_npy(archive.read(member))
    except (zipfile.BadZipFile, ValueError, pickle.UnpicklingError, EOFError) as error:
        raise ValueError(
            f"{where}: {os.fspath(path)!r} is not a readable npz file ({error}). Delete it and "
            "fetch it again."
        ) from None
    return arrays


def check_keys(arrays: dict, keys: tuple, path: Any, where: str) -> None:
    """Raise a ValueError naming what is missing when ``arrays`` lacks one of ``keys``.

    Example:
        >>> try:
        ...     check_keys({"x": 1}, ("x", "y"), "d.npz", "demo")
        ... except ValueError as error:
        ...     print(str(error)[-40:])
        missing ['y']). The file is not Keras's.
    """
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise ValueError(
            f"{where}: expected the arrays {list(keys)} in {os.fspath(path)!r}, got "
            f"{sorted(arrays)} (missing {missing}). The file is not Keras's."
        )
