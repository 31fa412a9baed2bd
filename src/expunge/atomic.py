"""Atomic file writes: readers see the old file or the new one, never half of it."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from expunge.errors import ExpungeError


def write_atomic(path: Path, data: bytes, private: bool = False) -> None:
    """Write `data` to `path` via a temporary file in the same folder, fsync, rename, fsync the
    folder. `private`: mode 0600 whatever the umask; otherwise the umask decides. A failing
    write (missing folder, full disk) is one ExpungeError and leaves no temporary file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
    except FileNotFoundError:
        raise ExpungeError(f"the folder of {path} does not exist", "create it first") from None
    except OSError as error:
        raise ExpungeError(f"cannot write {path}: {error.strerror}", "check the folder") from None
    try:
        with os.fdopen(fd, "wb") as out:
            if private:
                os.fchmod(out.fileno(), 0o600)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException as error:
        tmp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ExpungeError(f"cannot write {path}: {error.strerror}", "check the path") from None
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a crash
    finally:
        os.close(folder)


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
