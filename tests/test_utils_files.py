"""nr.utils.get_file, offline: the cache, file:// origins, hashes, the no-network error and
safe extraction (paths checked against keras.utils.get_file, which reads file:// too)."""

import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from neurona import utils
from neurona.utils_files import extract_archive, hash_file, validate_file

PAYLOAD = b"x,y\n1,2\n"


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "src" / "table.csv"
    path.parent.mkdir()
    path.write_bytes(PAYLOAD)
    return path


def _tar(path: Path, members: dict[str, bytes], links: dict[str, str] = ()) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in dict(links).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _keras_cache(tmp_path):
    (tmp_path / "keras").mkdir()  # Keras falls back to /tmp/.keras for a missing cache_dir
    return tmp_path / "keras"


def test_file_origin_is_copied_into_the_cache_like_keras(keras, tmp_path, source):
    ours = utils.get_file("t.csv", origin=source.as_uri(), cache_dir=tmp_path / "ours")
    theirs = keras.utils.get_file("t.csv", origin=source.as_uri(), cache_dir=_keras_cache(tmp_path))
    assert (
        Path(ours).relative_to(tmp_path / "ours")
        == Path(theirs).relative_to(tmp_path / "keras")
        == Path("datasets/t.csv")
    )
    assert Path(ours).read_bytes() == PAYLOAD and isinstance(ours, str)


def test_fname_defaults_to_the_origins_name_and_cache_subdir_is_honoured(tmp_path, source):
    path = utils.get_file(origin=source.as_uri(), cache_dir=tmp_path, cache_subdir="mine")
    assert Path(path) == tmp_path / "mine" / "table.csv"


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_file_hash_is_verified(tmp_path, source, algorithm):
    digest = hashlib.new(algorithm, PAYLOAD).hexdigest()
    path = utils.get_file("t.csv", source.as_uri(), file_hash=digest, cache_dir=tmp_path)
    assert hash_file(path, algorithm) == digest and validate_file(path, digest)
    with pytest.raises(ValueError, match="does not match the expected"):
        utils.get_file("u.csv", source.as_uri(), file_hash="0" * 64, cache_dir=tmp_path)


def test_md5_hash_argument_is_kept_for_old_scripts(tmp_path, source):
    digest = hashlib.md5(PAYLOAD).hexdigest()
    assert Path(
        utils.get_file("t.csv", source.as_uri(), md5_hash=digest, cache_dir=tmp_path)
    ).exists()


def test_a_cached_file_is_returned_without_any_network(tmp_path):
    cached = tmp_path / "datasets" / "big.npz"
    cached.parent.mkdir()
    cached.write_bytes(PAYLOAD)
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    path = utils.get_file(
        "big.npz", "https://example.invalid/big.npz", file_hash=digest, cache_dir=tmp_path
    )
    assert Path(path) == cached


def test_default_cache_is_keras_home(tmp_path, monkeypatch, source):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Path(utils.get_file(origin=source.as_uri())) == (
        tmp_path / ".keras" / "datasets" / "table.csv"
    )
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert Path(utils.get_file(origin=source.as_uri())) == tmp_path / "kh/datasets/table.csv"


def test_no_network_error_says_where_to_put_the_file(tmp_path):
    expected = str(tmp_path / "datasets" / "data.zip")
    with pytest.raises(ConnectionError, match=f"no network.*put it at '{expected}'"):
        utils.get_file(origin="https://example.invalid/data.zip", cache_dir=tmp_path)


def test_a_stale_cached_file_is_not_silently_used(tmp_path):
    cached = tmp_path / "datasets" / "big.npz"
    cached.parent.mkdir()
    cached.write_bytes(b"truncated")
    with pytest.raises(ValueError, match="cached .* does not match.*no network"):
        utils.get_file(
            "big.npz", "https://example.invalid/big.npz", file_hash="0" * 64, cache_dir=tmp_path
        )


def test_argument_errors(tmp_path, source):
    with pytest.raises(ValueError, match="expected an origin"):
        utils.get_file("a.csv", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="without folders"):
        utils.get_file("sub/a.csv", source.as_uri(), cache_dir=tmp_path)
    with pytest.raises(ValueError, match="Pass fname"):
        utils.get_file(origin="https://example.invalid/", cache_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="not a file"):
        utils.get_file(origin=(tmp_path / "missing.csv").as_uri(), cache_dir=tmp_path)


@pytest.mark.parametrize("fname", ["pack.tar.gz", "pack", None])
def test_extract_tar_gz_into_keras_folders(keras, tmp_path, fname):
    archive = _tar(tmp_path / "pack.tar.gz", {"pack/a.txt": b"A", "pack/sub/b.txt": b"B"})
    ours = utils.get_file(fname, archive.as_uri(), extract=True, cache_dir=tmp_path / "ours")
    theirs = keras.utils.get_file(
        fname, archive.as_uri(), extract=True, cache_dir=_keras_cache(tmp_path)
    )
    assert Path(ours).relative_to(tmp_path / "ours") == Path(theirs).relative_to(tmp_path / "keras")
    assert (Path(ours) / "pack" / "sub" / "b.txt").read_bytes() == b"B"


def test_extract_zip_and_untar(tmp_path):
    archive = _zip(tmp_path / "z.zip", {"d/x.txt": b"X"})
    folder = utils.get_file("z.zip", archive.as_uri(), extract=True, cache_dir=tmp_path / "c")
    assert Path(folder) == tmp_path / "c/datasets/z_extracted"
    assert (Path(folder) / "d/x.txt").read_bytes() == b"X"
    tar = _tar(tmp_path / "t.tgz", {"y.txt": b"Y"})
    folder = utils.get_file("t.tgz", tar.as_uri(), untar=True, cache_dir=tmp_path / "c")
    assert (Path(folder) / "y.txt").read_bytes() == b"Y"
    with pytest.raises(ValueError, match="could not extract"):
        utils.get_file("z2.zip", archive.as_uri(), untar=True, cache_dir=tmp_path / "c")


def test_an_archive_put_in_the_cache_by_hand_is_extracted_offline(tmp_path):
    origin = "https://example.invalid/hand.zip"
    with pytest.raises(ConnectionError, match="hand.zip_archive"):  # Keras's archive name
        utils.get_file(origin=origin, extract=True, cache_dir=tmp_path)
    _zip(tmp_path / "datasets" / "hand.zip_archive", {"h.txt": b"H"})
    folder = utils.get_file(origin=origin, extract=True, cache_dir=tmp_path)
    assert Path(folder) == tmp_path / "datasets" / "hand.zip"
    assert (Path(folder) / "h.txt").read_bytes() == b"H"


@pytest.mark.parametrize(
    "make",
    [
        lambda p: _zip(p / "evil.zip", {"ok.txt": b"1", "../escape.txt": b"2"}),
        lambda p: _tar(p / "evil.tar.gz", {"ok.txt": b"1", "../escape.txt": b"2"}),
        lambda p: _tar(p / "abs.tar.gz", {"/tmp/neurona-escape.txt": b"2"}),
        lambda p: _tar(p / "link.tar.gz", {"ok.txt": b"1"}, links={"out": "../../etc"}),
    ],
    ids=["zip-dotdot", "tar-dotdot", "tar-absolute", "tar-symlink-out"],
)
def test_extraction_refuses_members_escaping_the_folder(tmp_path, make):
    archive = make(tmp_path)
    target = tmp_path / "out" / "inner"
    with pytest.raises(ValueError, match="outside"):
        extract_archive(archive, target)
    assert not (tmp_path / "out" / "escape.txt").exists()
    assert not target.exists()  # nothing extracted, not even the safe members
    with pytest.raises(ValueError, match="refusing"):
        utils.get_file("evil.bin", archive.as_uri(), extract=True, cache_dir=tmp_path / "c")


def test_extract_archive_says_false_for_other_files(tmp_path, source):
    assert extract_archive(source, tmp_path / "o") is False
    assert extract_archive(source, tmp_path / "o", archive_format=None) is False
    with pytest.raises(ValueError, match="archive_format"):
        extract_archive(source, tmp_path / "o", archive_format="rar")
