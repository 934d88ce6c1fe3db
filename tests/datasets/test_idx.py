"""The IDX reader on small files written here: gzip and raw, several element types, and the
errors for a wrong magic number and a truncated file."""

import gzip
import struct

import numpy as np
import pytest

from neurona.datasets import parse_idx, read_idx, write_idx


def idx_bytes(code: int, array: np.ndarray, big_endian_dtype: str) -> bytes:
    """An IDX file built by hand with struct, independent of write_idx."""
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(big_endian_dtype).tobytes()


@pytest.mark.parametrize("compressed", [False, True])
def test_reads_uint8_images_raw_and_gzip(tmp_path, rng, compressed):
    images = rng.integers(0, 256, size=(3, 4, 5), dtype=np.uint8)
    data = idx_bytes(0x08, images, "u1")
    path = tmp_path / ("images-idx3-ubyte" + (".gz" if compressed else ""))
    path.write_bytes(gzip.compress(data) if compressed else data)
    out = read_idx(path)
    assert out.dtype == np.uint8 and out.shape == (3, 4, 5)
    np.testing.assert_array_equal(out, images)


@pytest.mark.parametrize("compressed", [False, True])
def test_reads_big_endian_float32_into_native_order(tmp_path, rng, compressed):
    values = rng.normal(size=(2, 3)).astype(np.float32)
    data = idx_bytes(0x0D, values, ">f4")
    path = tmp_path / "values.idx"  # gzip is detected from the bytes, not from the name
    path.write_bytes(gzip.compress(data) if compressed else data)
    out = read_idx(path)
    assert out.dtype == np.dtype("float32") and out.dtype.isnative
    np.testing.assert_array_equal(out, values)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_write_then_read_round_trips_every_idx_type(tmp_path, dtype, suffix):
    array = (np.arange(24).reshape(2, 3, 4) - (0 if dtype == "uint8" else 12)).astype(dtype)
    path = tmp_path / f"a{suffix}"
    write_idx(path, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == (suffix == ".gz")
    out = read_idx(path)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, array)


def test_labels_one_dimensional():
    # magic 00 00 08 01, one size 3, then the bytes 7 2 1
    assert parse_idx(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])).tolist() == [7, 2, 1]


def test_wrong_magic_number_is_a_clear_error(tmp_path):
    path = tmp_path / "not-idx"
    path.write_bytes(b"PK\x03\x04" + bytes(20))  # a zip (npz) header
    with pytest.raises(ValueError, match="expected an IDX magic number .* got 50 4b 03 04"):
        read_idx(path)
    with pytest.raises(ValueError, match="IDX magic number"):
        parse_idx(bytes([0, 0, 0x07, 1, 0, 0, 0, 1, 0]))  # unknown element type 07


@pytest.mark.parametrize("cut", [2, 6, 14])
def test_truncated_file_is_a_clear_error(cut):
    data = idx_bytes(0x08, np.zeros((2, 2), np.uint8), "u1")[:cut]  # header is 12 bytes
    with pytest.raises(ValueError, match="truncated"):
        parse_idx(data)


def test_truncated_gzip_and_extra_bytes_are_clear_errors():
    data = idx_bytes(0x08, np.zeros((4, 4), np.uint8), "u1")
    with pytest.raises(ValueError, match="truncated"):
        parse_idx(gzip.compress(data)[:-10])
    with pytest.raises(ValueError, match="extra bytes"):
        parse_idx(data + b"\x00")


def test_write_rejects_unsupported_dtype(tmp_path):
    with pytest.raises(ValueError, match="uint8, int8"):
        write_idx(tmp_path / "x", np.zeros(2, dtype=np.uint16))
