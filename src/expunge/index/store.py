"""The index directory: secret key, manifest, one Parquet file per shard; atomic writes.

IDX/secret.key          32 random bytes (0600), the HMAC key; never leaves the directory
IDX/manifest.json       written last: settings + per shard name, size, sha256, rows, file
IDX/shards/<key>.parquet  (hash BLOB[16], kind TINYINT, row INT), sorted by hash
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from expunge.errors import ExpungeError

MANIFEST = "manifest.json"
SECRET = "secret.key"
SHARDS = "shards"
VERSION = 1


def load_secret(out_dir: Path, create: bool) -> bytes:
    path = out_dir / SECRET
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if not create:
            raise ExpungeError(
                f"{out_dir} is not an index (no {SECRET})", "build it: expunge index build"
            ) from None
        data = secrets.token_bytes(32)
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".secret-")  # mkstemp creates it 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return data
    if len(data) != 32:
        raise ExpungeError(
            f"{path} is damaged (not 32 bytes)", "delete the index and build it again"
        )
    return data


def load_manifest(out_dir: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads((out_dir / MANIFEST).read_bytes())
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ExpungeError(
            f"{out_dir / MANIFEST} is damaged", "delete the index and build it again"
        ) from None
    if data.get("version") != VERSION:
        return None
    return data


def write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    write_atomic(out_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())


def index_file_name(shard_name: str, checksum: str) -> str:
    """Name of a shard's index file: no shard name in it (names can hold '/'), and a new file
    per content, so a rebuild never overwrites the file the current manifest points at."""
    label = hashlib.sha256(shard_name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{label}-{checksum.removeprefix('sha256:')[:16]}.parquet"
