"""The IDX file format of MNIST and Fashion-MNIST: a reader (gzip or raw, detected by magic
bytes; every IDX element type; big-endian) and a writer."""

from __future__ import annotations

import gzip
import os
import zlib

import numpy as np
from numpy.typing import ArrayLike

from neurona.errors import DataFileError

__all__ = ["IDX_DTYPES", "parse_idx", "read_idx", "write_idx"]

#: IDX element-type code (third magic byte) → big-endian NumPy dtype (LeCun's format notes).
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def _gunzip(data: bytes, where: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error) as error:
        raise DataFileError(
            f"{where}: expected a complete gzip stream, got a damaged or truncated "
            f"one ({error}). Download or copy the file again."
        ) from None


def parse_idx(data: bytes, where: str = "parse_idx") -> np.ndarray:
    """Decode the bytes of an IDX file (gzip-compressed or raw) into an array.

    Layout (all integers big-endian):
        bytes 0–1   0x00 0x00
        byte 2      element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                    0x0D float32, 0x0E float64
        byte 3      number of dimensions k
        next 4k     the k sizes, uint32 each
        the rest    the elements in C order (last index fastest)

    Returns an array in native byte order with the element type above (uint8 for MNIST).

    Raises:
        DataFileError (a ValueError): a wrong magic number, an unknown element type, or a
            truncated file.

    Example:
        >>> parse_idx(bytes([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]))
        array([[1, 2, 3],
               [4, 5, 6]], dtype=uint8)
    """
    if data[:2] == _GZIP_MAGIC:
        data = _gunzip(data, where)
    fix = "Check that this is an IDX file (e.g. train-images-idx3-ubyte[.gz]), not HTML or npz."
    if len(data) < 4:
        raise DataFileError(
            f"{where}: expected at least the 4-byte IDX magic number, got "
            f"{len(data)} bytes. The file is truncated or empty."
        )
    zero, code, ndim = data[:2], data[2], data[3]
    if zero != b"\x00\x00" or code not in IDX_DTYPES:
        raise DataFileError(
            f"{where}: expected an IDX magic number 00 00 TT KK with type TT in "
            f"{{08, 09, 0B, 0C, 0D, 0E}}, got {data[:4].hex(' ')}. {fix}"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataFileError(
            f"{where}: expected a {header}-byte header for {ndim} dimensions, got "
            f"{len(data)} bytes. The file is truncated; copy or download it again."
        )
    shape = tuple(int(s) for s in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    got = len(data) - header
    if got != expected:
        state = "truncated" if got < expected else "followed by extra bytes"
        raise DataFileError(
            f"{where}: expected {expected} data bytes for shape {shape} of "
            f"{dtype.name}, got {got}: the file is {state}. Copy or download it "
            "again."
        )
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # native byte order, and a writable copy


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file, gzip-compressed or raw (told apart by the gzip magic bytes 1f 8b, not by
    the file name). See ``parse_idx`` for the format.

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "tiny-idx1-ubyte.gz")
        >>> write_idx(path, np.array([7, 2, 1], dtype=np.uint8))
        >>> read_idx(path)
        array([7, 2, 1], dtype=uint8)
    """
    with open(path, "rb") as file:
        data = file.read()
    return parse_idx(data, where=f"read_idx({os.fspath(path)!r})")


def write_idx(path: str | os.PathLike, array: ArrayLike, compress: bool | None = None) -> None:
    """Write an array as an IDX file (big-endian), gzip-compressed when ``compress`` is True or,
    by default, when the file name ends in ``.gz``.

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "x-idx2-float")
        >>> write_idx(path, np.eye(2, dtype=np.float32)); read_idx(path)
        array([[1., 0.],
               [0., 1.]], dtype=float32)
    """
    array = np.asarray(array)
    codes = {dtype.str.lstrip("<>|="): code for code, dtype in IDX_DTYPES.items()}
    kind = array.dtype.str.lstrip("<>|=")
    if kind not in codes:
        raise ValueError(
            f"write_idx: expected an array of uint8, int8, int16, int32, float32 or "
            f"float64, got {array.dtype}. Convert it with .astype(...)."
        )
    big = array.astype(IDX_DTYPES[codes[kind]], copy=False)
    head = bytes([0, 0, codes[kind], array.ndim])
    head += np.asarray(array.shape, dtype=">u4").tobytes()
    data = head + np.ascontiguousarray(big).tobytes()
    if compress if compress is not None else os.fspath(path).endswith(".gz"):
        data = gzip.compress(data)
    with open(path, "wb") as file:
        file.write(data)
