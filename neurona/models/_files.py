"""Floor 5: the file mechanics under saving: atomic writes (temporary file + ``os.replace``) and
reading zip archives and npz arrays defensively (``allow_pickle=False``, damaged or foreign
files become a ``ModelFileError`` that says what was found)."""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import zipfile
import zlib
from typing import Any

import numpy as np

from neurona.models.serialization import ModelFileError

__all__ = ["atomic_write", "open_archive", "read_member", "read_npz", "write_npz"]


def atomic_write(filepath: Any, write: Any, overwrite: bool, where: str) -> None:
    """Write through ``write(file)`` into a temporary file in the target's folder, then move it
    into place in one step (``os.replace``): a failed or interrupted save leaves the old file
    as it was, never half a file.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "a.txt")
        >>> atomic_write(path, lambda f: f.write(b"hi"), True, "demo"); open(path).read()
        'hi'
        >>> try:
        ...     atomic_write(path, lambda f: f.write(b"no"), False, "demo")
        ... except FileExistsError:
        ...     print("refused:", open(path).read())
        refused: hi
    """
    path = os.fspath(filepath)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(
            f"{where}: {path!r} exists and overwrite=False. Choose another "
            "name or pass overwrite=True."
        )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"{where}: the folder {folder!r} does not exist. Create it "
            "first (os.makedirs(folder, exist_ok=True))."
        )
    temp = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode as umask allows
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        if overwrite:
            os.replace(temp, path)
        else:  # a hard link fails if the name appeared meanwhile: no race with another writer
            os.link(temp, path)
            os.remove(temp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise


def write_npz(zf: zipfile.ZipFile, member: str, arrays: dict) -> None:
    """Write ``arrays`` with ``np.savez`` straight into the member ``member`` of an open zip.

    Example:
        >>> buffer = io.BytesIO()
        >>> with zipfile.ZipFile(buffer, "w") as zf:
        ...     write_npz(zf, "w.npz", {"a": np.zeros(2)})
        >>> sorted(read_npz(zipfile.ZipFile(buffer).read("w.npz"), "demo"))
        ['a']
    """
    with zf.open(member, "w", force_zip64=True) as file:
        np.savez(file, **arrays)


def open_archive(filepath: Any, where: str) -> tuple[str, zipfile.ZipFile]:
    """(path, the open zip) or a clear error: no file, an HDF5 file, not a zip, truncated.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "m.neurona"); _ = open(path, "w").write("x")
        >>> try:
        ...     open_archive(path, "demo")
        ... except ModelFileError as error:
        ...     print(str(error).split("(")[0].endswith("is not a complete zip archive "))
        True
    """
    path = os.fspath(filepath)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{where}: no file at {path!r}. Check the path.")
    with open(path, "rb") as file:
        head = file.read(8)
    if head.startswith(b"\x89HDF"):
        raise ModelFileError(
            f"{where}: {path!r} is an HDF5 file (Keras's '.h5'); neurona reads "
            "only its own zip format. Rebuild the model in neurona and copy "
            "the weights with set_weights."
        )
    try:
        return path, zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ModelFileError(
            f"{where}: {path!r} is not a complete zip archive ({error}). "
            "Expected a file written by model.save or save_weights; it may be "
            "truncated or from another program."
        ) from None


def _check_ratio(info: zipfile.ZipInfo, where: str) -> None:
    """Refuse a member that would inflate far beyond its stored size (a "zip bomb"): neurona
    stores arrays uncompressed and only config.json deflated (JSON shrinks ~10×)."""
    if info.file_size > 100 * info.compress_size + 2**20:
        raise ModelFileError(
            f"{where}: the member {info.filename!r} would inflate from "
            f"{info.compress_size} to {info.file_size} bytes; neurona never "
            "writes such files. Refusing to read it."
        )


def read_member(zf: zipfile.ZipFile, member: str, where: str) -> bytes:
    """The bytes of ``member`` (its CRC checked), or a ``ModelFileError`` when damaged.

    Example:
        >>> buffer = io.BytesIO()
        >>> with zipfile.ZipFile(buffer, "w") as zf:
        ...     zf.writestr("config.json", "{}")
        >>> read_member(zipfile.ZipFile(buffer), "config.json", "demo")
        b'{}'
    """
    _check_ratio(zf.getinfo(member), where)
    try:
        return zf.read(member)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
        NotImplementedError,
    ) as error:
        raise ModelFileError(
            f"{where}: the member {member!r} is damaged ({error}). The file "
            "was truncated or altered; save the model again."
        ) from None


def read_npz(data: bytes, where: str) -> dict[str, np.ndarray]:
    """The arrays of an npz held in ``data``, read with allow_pickle=False (nothing is
    unpickled: an object array is refused before any of its bytes are interpreted).

    Example:
        >>> buffer = io.BytesIO(); np.savez(buffer, w=np.ones(2, dtype="float32"))
        >>> read_npz(buffer.getvalue(), "demo")
        {'w': array([1., 1.], dtype=float32)}
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            names = inner.namelist()
            for info in inner.infolist():
                _check_ratio(info, where)
        odd = [n for n in names if not n.endswith(".npy")]
        if odd or len(set(names)) != len(names):
            raise ModelFileError(
                f"{where}: expected only .npy arrays with distinct names, found "
                f"{odd or names}. The file was altered."
            )
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except ModelFileError:
        raise
    except ValueError as error:  # numpy: "Object arrays cannot be loaded when allow_pickle=False"
        raise ModelFileError(
            f"{where}: refused to load an array ({error}). Model files hold "
            "numbers only; a pickled object array means the file was tampered "
            "with, and neurona never unpickles."
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise ModelFileError(f"{where}: the arrays are damaged ({error}). Save again.") from None
    bad = {k: str(a.dtype) for k, a in arrays.items() if a.dtype.kind not in "fiub"}
    if bad:
        raise ModelFileError(f"{where}: expected numeric arrays, got dtypes {bad}.")
    return arrays
