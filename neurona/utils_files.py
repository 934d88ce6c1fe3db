"""Side module (any floor): Keras's ``get_file``, offline. A file is taken from the cache
(``~/.keras/datasets``) or copied from a ``file://`` origin; neurona never downloads."""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

__all__ = ["extract_archive", "get_file", "hash_file", "validate_file"]


def hash_file(fpath: str | os.PathLike, algorithm: str = "sha256", chunk_size: int = 65535) -> str:
    """The sha256 (default) or md5 hex digest of a file, read in chunks (Keras's hash_file).

    Example:
        >>> path = Path(tempfile.mkdtemp()) / "empty.txt"; _ = path.write_bytes(b"")
        >>> hash_file(path)[:16], hash_file(path, "md5")[:8]
        ('e3b0c44298fc1c14', 'd41d8cd9')
    """
    if algorithm not in ("sha256", "md5", "auto"):
        raise ValueError(
            f"hash_file: expected algorithm 'sha256', 'md5' or 'auto', got {algorithm!r}."
        )
    hasher = hashlib.md5() if algorithm == "md5" else hashlib.sha256()
    with open(fpath, "rb") as file:
        for chunk in iter(lambda: file.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(
    fpath: str | os.PathLike, file_hash: str, algorithm: str = "auto", chunk_size: int = 65535
) -> bool:
    """Whether a file has the given hash; "auto" takes a 64-digit hash as sha256, any other
    as md5 (Keras's rule).

    Example:
        >>> path = Path(tempfile.mkdtemp()) / "empty.txt"; _ = path.write_bytes(b"")
        >>> validate_file(path, "d41d8cd98f00b204e9800998ecf8427e")
        True
    """
    if algorithm == "auto":
        algorithm = "sha256" if len(str(file_hash)) == 64 else "md5"
    return hash_file(fpath, algorithm, chunk_size) == str(file_hash).lower()


def _inside(base: Path, name: str) -> bool:
    target = os.path.realpath(base / name)
    return os.path.commonpath([target, str(base)]) == str(base)


def _unsafe_members(archive, base: Path) -> list[str]:
    """Members that would land outside ``base``: ``../`` or absolute names, links that point
    out, devices."""
    if isinstance(archive, zipfile.ZipFile):
        return [info.filename for info in archive.infolist() if not _inside(base, info.filename)]
    unsafe = []
    for info in archive.getmembers():
        ok = _inside(base, info.name) and (
            info.isfile() or info.isdir() or info.issym() or info.islnk()
        )
        if ok and info.issym():  # a symlink resolves from its own folder
            ok = _inside(base, os.path.join(os.path.dirname(info.name), info.linkname))
        elif ok and info.islnk():  # a hard link from the archive's root
            ok = _inside(base, info.linkname)
        if not ok:
            unsafe.append(info.name)
    return unsafe


def extract_archive(
    file_path: str | os.PathLike,
    path: str | os.PathLike = ".",
    archive_format: str | list[str] | None = "auto",
) -> bool:
    """Extract a .tar (.tar.gz, .tgz, .tar.bz2) or .zip archive into ``path``; False when the
    file is none of ``archive_format`` ("auto" = tar then zip, as Keras).

    Unlike Keras, which skips unsafe members with a warning, an archive with a member that
    would be written outside ``path`` (``../x``, ``/etc/x``, a link pointing out, a device)
    is refused whole: ValueError, nothing extracted.

    Example:
        >>> folder = Path(tempfile.mkdtemp())
        >>> with zipfile.ZipFile(folder / "a.zip", "w") as z:
        ...     z.writestr("data/hello.txt", "hi")
        >>> extract_archive(folder / "a.zip", folder / "out"), (folder / "out/data").is_dir()
        (True, True)
    """
    if archive_format is None:
        return False
    formats = (
        ["tar", "zip"]
        if archive_format == "auto"
        else ([archive_format] if isinstance(archive_format, str) else list(archive_format))
    )
    for kind in formats:
        if kind not in ("tar", "zip"):
            raise ValueError(
                f"extract_archive: expected archive_format 'auto', 'tar', 'zip' or "
                f"None, got {kind!r}."
            )
        is_match, opener = (
            (tarfile.is_tarfile, tarfile.open)
            if kind == "tar"
            else (zipfile.is_zipfile, zipfile.ZipFile)
        )
        if not is_match(file_path):
            continue
        base = Path(os.path.realpath(path))
        with opener(file_path) as archive:
            unsafe = _unsafe_members(archive, base)
            if unsafe:
                raise ValueError(
                    f"extract_archive: refusing {os.fspath(file_path)!r}: members "
                    f"{unsafe[:5]} would be written outside {str(base)!r}. "
                    "Extract it by hand if you trust it."
                )
            base.mkdir(parents=True, exist_ok=True)
            if kind == "tar" and hasattr(tarfile, "data_filter"):  # Python ≥ 3.11.4
                archive.extractall(base, filter="data")
            else:
                archive.extractall(base)
        return True
    return False


def _cache_folder(cache_dir, cache_subdir: str) -> Path:
    if cache_dir is None:  # Keras: $KERAS_HOME, else ~/.keras
        cache_dir = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    base = os.path.expanduser(os.fspath(cache_dir))
    if os.path.isdir(base) and not os.access(base, os.W_OK):  # Keras falls back to /tmp/.keras
        base = os.path.join(tempfile.gettempdir(), ".keras")
    folder = Path(base) / cache_subdir  # an absolute cache_subdir replaces base, as in Keras
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _targets(folder: Path, fname, origin: str, extract: bool) -> tuple[Path, Path | None]:
    """Where the file is stored and (with extract) the folder it is extracted to: Keras's
    names (``name.tar.gz`` → ``name_extracted/``; without fname, ``name_archive``)."""
    if not extract:
        return folder / (fname or _origin_name(origin)), None
    if fname is not None and "." in fname:
        return folder / fname, folder / f"{fname[: fname.find('.')]}_extracted"
    return folder / f"{fname or _origin_name(origin)}_archive", folder / (
        fname or _origin_name(origin)
    )


def _origin_name(origin: str) -> str:
    return os.path.basename(urllib.parse.urlsplit(origin).path)


def _fetch(origin: str, target: Path) -> None:
    """Copy a file:// origin to ``target``; anything else needs a network: a clear error."""
    parts = urllib.parse.urlsplit(origin)
    if parts.scheme == "file":
        source = Path(urllib.request.url2pathname(parts.path))
        if not source.is_file():
            raise FileNotFoundError(
                f"get_file: origin {origin!r} names {str(source)!r}, which is not a file."
            )
        shutil.copyfile(source, target)
        return
    raise ConnectionError(
        f"get_file: cannot fetch {origin!r}: neurona works offline (no "
        f"network). Download it yourself and put it at {str(target)!r} (the "
        "cache, where get_file looks first), or pass "
        f"origin='file:///path/to/{target.name}'."
    )


def get_file(
    fname: str | os.PathLike | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: str | None = "auto",
    cache_dir: str | os.PathLike | None = None,
    force_download: bool = False,
) -> str:
    """The local path of a file, Keras's ``get_file`` without the download.

    The file lives at ``cache_dir/cache_subdir/fname`` (``~/.keras/datasets/fname`` by
    default, ``$KERAS_HOME`` when set; fname defaults to the origin's file name). If it is
    there (and matches ``file_hash``), its path is returned; a ``file://`` origin is copied
    there; any other origin raises ConnectionError naming where to put the file.
    ``file_hash`` is checked after the copy (sha256 for 64 hex digits, else md5, or as
    ``hash_algorithm`` says). With ``extract`` (or ``untar``) a tar/zip archive is extracted
    (refusing members that would leave the folder) and the folder's path is returned, named
    as Keras does: ``fname="data.tar.gz"`` → ``.../data_extracted``; no fname → the origin's
    name, the archive kept as ``name_archive``.

    Returns:
        The path of the file, or of the extracted folder, as a str.

    Raises:
        ValueError: no origin, an fname with a folder, a hash that does not match, an unsafe
            archive. ConnectionError: a file that must be downloaded.

    Example:
        >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "a.csv").write_text("x\\n1\\n")
        >>> path = get_file("a.csv", origin=(folder / "a.csv").as_uri(), cache_dir=folder / "c")
        >>> Path(path).relative_to(folder).as_posix(), Path(path).read_text()
        ('c/datasets/a.csv', 'x\\n1\\n')
    """
    if origin is None:
        raise ValueError(
            "get_file: expected an origin (the file's URL, or file:///path), got None."
        )
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if fname is not None:
        fname = os.fspath(fname)
        if os.sep in fname:
            raise ValueError(
                f"get_file: expected a file name without folders, got "
                f"fname={fname!r}. Pass the folder as cache_dir."
            )
    elif not _origin_name(origin):
        raise ValueError(f"get_file: cannot take a file name from origin {origin!r}. Pass fname.")
    folder = _cache_folder(cache_dir, cache_subdir)
    target, extraction_dir = _targets(folder, fname, origin, extract or untar)
    stale = (
        target.exists()
        and file_hash is not None
        and not validate_file(target, file_hash, hash_algorithm)
    )
    if stale and urllib.parse.urlsplit(origin).scheme != "file":
        raise ValueError(
            f"get_file: the cached {str(target)!r} does not match the expected "
            f"{hash_algorithm} hash {file_hash!r} (its sha256 is "
            f"{hash_file(target)!r}) and neurona does not download (no network). "
            f"Replace it with the file from {origin!r}."
        )
    if force_download or stale or not target.exists():
        _fetch(origin, target)
        if file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
            raise ValueError(
                f"get_file: the file from {origin!r} does not match the expected "
                f"{hash_algorithm} hash {file_hash!r} (its sha256 is "
                f"{hash_file(target)!r}). Check the origin and the hash."
            )
    if extract or untar:
        formats = "tar" if untar else archive_format
        if not extract_archive(target, extraction_dir, formats):
            raise ValueError(
                f"get_file: could not extract {str(target)!r}: not a {formats} archive."
            )
        return str(extraction_dir)
    return str(target)
