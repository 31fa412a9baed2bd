"""Atomic file writes: readers see the old file or the new one, never half of it."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from expunge.errors import ExpungeError


def _temp_beside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)  # the rename itself survives a crash
    finally:
        os.close(fd)


def _commit(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)
    _fsync_folder(path.parent)


def _write_error(path: Path, error: OSError) -> ExpungeError:
    if isinstance(error, FileNotFoundError) and not path.parent.is_dir():
        return ExpungeError(f"the folder of {path} does not exist", "create it first")
    return ExpungeError(f"cannot write {path}: {error.strerror}", "check the folder")


@contextmanager
def open_atomic(path: Path, private: bool = False) -> Iterator[BinaryIO]:
    """A binary file to stream into; it becomes `path` (fsync, rename, fsync the folder) only
    when the block ends without an exception, and is removed otherwise, so readers see the
    old file or the whole new one. `private`: mode 0600 whatever the umask (files that hold
    a person's data or a key); otherwise the umask decides. A failing write (missing folder,
    full disk) is one ExpungeError and leaves no temporary file."""
    tmp = _temp_beside(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
    except OSError as error:
        raise _write_error(path, error) from None
    try:
        with os.fdopen(fd, "wb") as out:
            if private:
                os.fchmod(out.fileno(), 0o600)
            yield out
            out.flush()
            os.fsync(out.fileno())
        _commit(tmp, path)
    except BaseException as error:
        tmp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _write_error(path, error) from None
        raise


@contextmanager
def replace_atomic(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` for a writer that opens files by name (the shard
    rewriters, copy2); when the block succeeds the file is fsynced and renamed to `path`,
    otherwise removed."""
    tmp = _temp_beside(path)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        _commit(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, private: bool = False) -> None:
    """Write `data` to `path` through open_atomic: the old file or the new one, never half."""
    with open_atomic(path, private) as out:
        out.write(data)


def write_json_atomic(path: Path, value: Any, *, indent: int = 2, sort_keys: bool = False) -> None:
    text = json.dumps(value, indent=indent, sort_keys=sort_keys, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))


def need_empty_dir(out: Path) -> None:
    """`out` may be written as a new directory: absent, or an empty directory."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExpungeError(f"{out} exists and is not an empty directory", "choose a new --out")


@contextmanager
def staged_dir(out: Path) -> Iterator[Path]:
    """A hidden sibling directory to write into; renamed to `out` only when the block
    succeeds, removed when it fails (Ctrl-C included), so `out` is whole or absent."""
    staging = out.with_name(f".{out.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        yield staging
        if out.exists():
            out.rmdir()  # need_empty_dir allowed only an empty one
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
