"""One home for keys and atomic writes (issue 15 §3): every directory's key is made and read the
same way, the digests stay what existing indexes, registries and SISA directories hold, and an
atomic write leaves the old file or the whole new one."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import pytest

from expunge.atomic import open_atomic, replace_atomic, write_atomic
from expunge.errors import ExpungeError
from expunge.forget.registry import Registry
from expunge.index.keys import KeyHasher, key_hash
from expunge.index.store import load_secret
from expunge.keys import create_key, keyed_digest, read_key


def test_a_key_is_32_private_bytes_made_once(tmp_path: Path) -> None:
    key = create_key(tmp_path / "secret.key")
    assert len(key) == 32 and (tmp_path / "secret.key").read_bytes() == key
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600
    with pytest.raises(ExpungeError, match="already exists"):
        create_key(tmp_path / "secret.key")
    assert read_key(tmp_path / "secret.key", "fix") == key
    (tmp_path / "short.key").write_bytes(b"x" * 31)
    with pytest.raises(ExpungeError, match=r"not a 32-byte key \(it has 31 bytes\)"):
        read_key(tmp_path / "short.key", "restore it")


def test_each_store_uses_the_shared_key_rules(tmp_path: Path) -> None:
    index_key = load_secret(tmp_path / "idx", create=True)
    assert load_secret(tmp_path / "idx", create=False) == index_key
    assert stat.S_IMODE((tmp_path / "idx" / "secret.key").stat().st_mode) == 0o600
    registry = Registry(tmp_path / "reg")
    assert stat.S_IMODE((tmp_path / "reg" / "secret.key").stat().st_mode) == 0o600
    (tmp_path / "reg" / "secret.key").write_bytes(b"\0" * 5)
    with pytest.raises(ExpungeError, match="not a 32-byte key"):
        Registry(tmp_path / "reg")
    assert registry.digest("email", "a@b.c")


def test_digests_are_the_ones_stored_before(tmp_path: Path) -> None:
    """The formulas the index, registry and SISA wrote with stdlib hmac: unchanged."""
    key = os.urandom(32)
    assert key_hash(key, "email", "jane@example.com") == hmac.new(
        key, b"email\0jane@example.com", hashlib.sha256).digest()[:16]  # fmt: skip
    assert KeyHasher(key)("email", "jane@example.com") == key_hash(key, "email", "jane@example.com")
    registry = Registry(tmp_path / "reg")
    stored = registry._key
    assert registry.digest("phone", "+12125550123") == hmac.new(
        stored, b"phone\0+12125550123", hashlib.sha256).hexdigest()  # fmt: skip
    from expunge.model.sisa_store import record_hash

    assert record_hash(key, "Jane  Doe\n") == hmac.new(key, b"Jane Doe", hashlib.sha256).hexdigest()
    assert keyed_digest(key, "\udcff") == hmac.new(key, b"\xed\xb3\xbf", hashlib.sha256).digest()


def test_an_interrupted_atomic_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    write_atomic(target, b"old")
    with pytest.raises(RuntimeError), open_atomic(target) as out:
        out.write(b"half of the new")
        raise RuntimeError("disk gone")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
    with open_atomic(target, private=True) as out:
        out.write(b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(ExpungeError, match="does not exist"):
        write_atomic(tmp_path / "no" / "such" / "file", b"x")


def test_replace_atomic_gives_a_path_for_writers_that_open_by_name(tmp_path: Path) -> None:
    target = tmp_path / "shard.parquet"
    with replace_atomic(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_bytes(b"rewritten")
    assert target.read_bytes() == b"rewritten"
    with pytest.raises(ValueError), replace_atomic(target) as tmp:
        tmp.write_bytes(b"partial")
        raise ValueError
    assert target.read_bytes() == b"rewritten"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shard.parquet"]
