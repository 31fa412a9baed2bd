"""Secret keys and keyed digests: the one way expunge stores an identifier without storing it.

The index, the suppression registry, registered find and SISA each keep a 32-byte random key
in their own directory (mode 0600, created once, never logged) and store HMAC-SHA256 digests
under it, so their files name no person and cannot be matched against another installation's.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from expunge.atomic import write_atomic
from expunge.errors import ExpungeError

KEY_BYTES = 32


def create_key(path: Path) -> bytes:
    """A new random key at `path` (0600, written atomically); an existing key is never
    replaced: what was stored under it could no longer be found."""
    if path.exists():
        raise ExpungeError(f"{path} already exists", "keep it: the stored digests need it")
    key = os.urandom(KEY_BYTES)
    write_atomic(path, key, private=True)
    return key


def read_key(path: Path, fix: str) -> bytes:
    """The key at `path`, or one error line naming the file and `fix`."""
    try:
        key = path.read_bytes()
    except OSError as error:
        raise ExpungeError(f"{path}: cannot read the key ({error.strerror})", fix) from None
    if len(key) != KEY_BYTES:
        raise ExpungeError(f"{path} is not a {KEY_BYTES}-byte key (it has {len(key)} bytes)", fix)
    return key


def keyed_digest(key: bytes, message: bytes | str) -> bytes:
    """HMAC-SHA256 of `message` (str as UTF-8, lone surrogates kept) under `key`."""
    if isinstance(message, str):
        message = message.encode("utf-8", "surrogatepass")
    return hmac.digest(key, message, hashlib.sha256)
