"""Floor 5: the file mechanics under saving: atomic writes (temporary file + ``os.replace``) and
reading zip archives and npz arrays defensively (``allow_pickle=False``, damaged or foreign
files become a ``ModelFileError`` that says what was found)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import os
import secrets
import stat
import time
import zipfile
import zlib
from typing import Any

import numpy as np

from neurona.models.serialization import ModelFileError

__all__ = [
    "atomic_write",
    "npz_headers",
    "open_archive",
    "read_member",
    "read_npz",
    "remove_stale_temporaries",
    "write_npz",
]


def _temp_tag(path: str) -> str:
    """The start of the temporary names for ``path``: short (a legal 255-byte name still has
    room), hidden, and the same for every save of that file: '.nrtmp-<8 hex of its name>-'."""
    digest = hashlib.sha256(os.path.basename(path).encode("utf-8", "surrogateescape"))
    return f".nrtmp-{digest.hexdigest()[:8]}-"


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (a temporary's writer may still be busy).
    Only asked on POSIX (signal 0 tests for the process); elsewhere the answer is yes, and a
    temporary is left until it is a day old."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it runs, as another user
        return True
    return True


def remove_stale_temporaries(folder: str, tag: str) -> list[str]:
    """Remove the temporaries ``atomic_write`` left in ``folder`` for one file (names starting
    with ``tag``) when the process that wrote them is gone (killed mid-save) or they are over a
    day old; returns them.

    Example:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp(); tag = _temp_tag("m.neurona")
        >>> _ = open(os.path.join(folder, tag + "999999999-ab12cd34.tmp"), "w")
        >>> [os.path.basename(p)[-22:] for p in remove_stale_temporaries(folder, tag)]
        ['999999999-ab12cd34.tmp']
    """
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not (entry.name.startswith(tag) and entry.name.endswith(".tmp")):
                continue
            pid = entry.name[len(tag) :].split("-", 1)[0]
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            old = False
            with contextlib.suppress(OSError):
                old = time.time() - entry.stat().st_mtime > 86400
            if old or not _alive(int(pid)):
                with contextlib.suppress(OSError):
                    os.remove(entry.path)
                    removed.append(entry.path)
    return removed


def atomic_write(filepath: Any, write: Any, overwrite: bool, where: str) -> None:
    """Write through ``write(file)`` into a temporary file in the target's folder, then move it
    into place in one step (``os.replace``): a failed or interrupted save leaves the old file
    as it was, never half a file.

    A file saved again keeps its permission bits; a new one gets the process umask's. The
    temporary is '.nrtmp-<8 hex>-<pid>-<8 hex>.tmp' in the same folder (short, so any legal
    file name can be saved); those left by a process killed mid-save are removed by the next
    save of the same file.

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
    tag = _temp_tag(path)
    remove_stale_temporaries(folder, tag)
    temp = os.path.join(folder, f"{tag}{os.getpid()}-{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode as umask allows
    try:
        with contextlib.suppress(FileNotFoundError):  # a file saved again keeps its mode
            os.fchmod(fd, stat.S_IMODE(os.stat(path).st_mode))
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


def _check_ratio(info: zipfile.ZipInfo, where: str, factor: int = 100, slack: int = 2**20) -> None:
    """Refuse a member that would inflate far beyond its stored size (a "zip bomb"): neurona
    stores arrays uncompressed (arrays: at most 2× + 64 KiB is let through) and only
    config.json deflated (JSON shrinks ~10×; 100× + 1 MiB is let through)."""
    if info.filename.endswith((".npy", ".npz")):
        factor, slack = min(factor, 2), min(slack, 2**16)
    if info.file_size > factor * info.compress_size + slack:
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


def npz_headers(data: bytes, where: str) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """The shape and dtype of every array of an npz held in ``data``, read from the .npy
    headers alone (no array is made): each must be numeric and exactly as long as
    its member, so a file cannot declare more numbers than it holds.

    Example:
        >>> buffer = io.BytesIO(); np.savez(buffer, w=np.ones((2, 3), dtype="float32"))
        >>> npz_headers(buffer.getvalue(), "demo")
        {'w': ((2, 3), dtype('float32'))}
    """
    fmt = np.lib.format
    headers = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            infos = inner.infolist()
            names = [info.filename for info in infos]
            odd = [n for n in names if not n.endswith(".npy")]
            if odd or len(set(names)) != len(names):
                raise ModelFileError(
                    f"{where}: expected only .npy arrays with distinct names, found "
                    f"{odd or names}. The file was altered."
                )
            for info in infos:
                _check_ratio(info, where)
                with inner.open(info) as file:
                    version = fmt.read_magic(file)
                    if version not in ((1, 0), (2, 0)):
                        raise ModelFileError(f"{where}: unknown .npy version {version}.")
                    read = (
                        fmt.read_array_header_1_0
                        if version == (1, 0)
                        else (fmt.read_array_header_2_0)
                    )
                    shape, _, dtype = read(file, max_header_size=2**14)
                    start = file.tell()
                if dtype.hasobject or dtype.kind not in "fiub":
                    raise ModelFileError(
                        f"{where}: refused to load {info.filename!r}: expected numbers, got "
                        f"dtype {dtype}. Model files hold numbers only; an object (pickled) "
                        "array means the file was tampered with, and neurona never unpickles."
                    )
                nbytes = math.prod(int(n) for n in shape) * dtype.itemsize
                if start + nbytes != info.file_size:
                    raise ModelFileError(
                        f"{where}: {info.filename!r} declares shape {tuple(shape)} of {dtype} "
                        f"({nbytes} bytes) but holds {info.file_size - start}. The file was "
                        "truncated or altered."
                    )
                headers[info.filename[:-4]] = (tuple(int(n) for n in shape), dtype)
    except ModelFileError:
        raise
    except Exception as error:  # zip damage, a malformed header (TokenError, SyntaxError, …)
        raise ModelFileError(
            f"{where}: the arrays' headers are damaged ({type(error).__name__}: {error}). "
            "Save the model again."
        ) from None
    return headers


def read_npz(data: bytes, where: str) -> dict[str, np.ndarray]:
    """The arrays of an npz held in ``data``, read with allow_pickle=False (nothing is
    unpickled: an object array is refused before any of its bytes are interpreted).

    Example:
        >>> buffer = io.BytesIO(); np.savez(buffer, w=np.ones(2, dtype="float32"))
        >>> read_npz(buffer.getvalue(), "demo")
        {'w': array([1., 1.], dtype=float32)}
    """
    npz_headers(data, where)  # every array's size and type checked before it is read
    try:
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
    except Exception as error:  # zip damage, a malformed header, …: never a raw error
        raise ModelFileError(
            f"{where}: the arrays are damaged ({type(error).__name__}: {error}). Save again."
        ) from None
    bad = {k: str(a.dtype) for k, a in arrays.items() if a.dtype.kind not in "fiub"}
    if bad:
        raise ModelFileError(f"{where}: expected numeric arrays, got dtypes {bad}.")
    return arrays
