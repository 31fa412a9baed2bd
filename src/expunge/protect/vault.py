"""The redaction vault: placeholder -> original value, encrypted at rest.

File layout (all of it but the ciphertext is the AES-GCM associated data, so a changed header
fails authentication like a changed ciphertext):

    b"expunge-vault\\n"  version (1 byte)  log2(N), r, p of scrypt (1 byte each)
    salt (16 bytes)  nonce (12 bytes)  ciphertext + tag (JSON of the entries)

The key is scrypt(passphrase NFC-normalised, salt); the file is written to a temporary file
with mode 0600 and renamed over the old one, so a reader sees the old vault or the new one.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from expunge.atomic import write_atomic
from expunge.errors import ExpungeError

MAGIC = b"expunge-vault\n"
VERSION = 1
# OWASP's scrypt recommendation (N=2^17, r=8, p=1): 128 MiB and ~0.4 s per derivation.
SCRYPT_LOG2_N = 17
SCRYPT_R = 8
SCRYPT_P = 1
# A crafted header must not make us allocate gigabytes before the tag check can fail.
_LOG2_N_RANGE = range(10, 21)
_SALT_LEN = 16
_NONCE_LEN = 12
_HEADER_LEN = len(MAGIC) + 4 + _SALT_LEN + _NONCE_LEN
_PLACEHOLDER = re.compile(r"\[([A-Z]+(?:_[A-Z]+)*)_([1-9][0-9]*)\]")
PASSPHRASE_ENV = "EXPUNGE_VAULT_PASSPHRASE"


@dataclass(frozen=True, slots=True)
class Entry:
    """One placeholder and the value it stands for. `key` is the value's normal form, so
    other spellings of the same value get the same placeholder."""

    placeholder: str
    label: str
    key: str = field(repr=False)  # never in a log or traceback
    value: str = field(repr=False)


def placeholder_parts(placeholder: str) -> tuple[str, int] | None:
    """'[EMAIL_12]' -> ('EMAIL', 12); None for anything else."""
    m = _PLACEHOLDER.fullmatch(placeholder)
    return (m.group(1), int(m.group(2))) if m else None


class Vault:
    """The mapping of one session. Without a file it is a one-way, in-memory session."""

    def __init__(self, entries: Collection[Entry] = ()) -> None:
        self._entries: dict[str, Entry] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        self._last: dict[str, int] = {}  # label -> highest number used
        self._kdf: tuple[str, int, int, int, bytes, bytes] | None = None
        for entry in entries:
            self._add(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def _add(self, entry: Entry) -> None:
        parts = placeholder_parts(entry.placeholder)
        if parts is None or parts[0] != entry.label or entry.placeholder in self._entries:
            raise ValueError(f"bad vault entry {entry.placeholder!r}")
        self._entries[entry.placeholder] = entry
        self._by_key.setdefault((entry.label, entry.key), entry.placeholder)
        self._last[entry.label] = max(self._last.get(entry.label, 0), parts[1])

    def labels(self) -> frozenset[str]:
        return frozenset(self._last)

    def value(self, placeholder: str) -> str | None:
        entry = self._entries.get(placeholder)
        return entry.value if entry else None

    def assign(
        self, label: str, key: str, value: str, reserved: Collection[str] = ()
    ) -> tuple[str, bool]:
        """The placeholder for (label, key), and whether it is new. New numbers continue the
        label's highest and skip `reserved` placeholders (ones the text already holds)."""
        found = self._by_key.get((label, key))
        if found is not None:
            return found, False
        number = self._last.get(label, 0) + 1
        while f"[{label}_{number}]" in reserved:
            number += 1
        entry = Entry(f"[{label}_{number}]", label, key, value)
        self._add(entry)
        return entry.placeholder, True

    # ---- on disk ----------------------------------------------------------------------------

    def to_json(self) -> bytes:
        rows = [[e.placeholder, e.label, e.key, e.value] for e in self._entries.values()]
        return json.dumps({"format": VERSION, "entries": rows}, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Vault:
        """Raises ValueError or TypeError when the data is not a vault's."""
        doc = json.loads(data)
        if not isinstance(doc, dict) or doc.get("format") != VERSION:
            raise ValueError("unknown vault format")
        rows = doc.get("entries")
        if not isinstance(rows, list):
            raise TypeError("no entries")
        entries = []
        for row in rows:
            if not (
                isinstance(row, list) and len(row) == 4 and all(isinstance(x, str) for x in row)
            ):
                raise TypeError("bad entry")
            entries.append(Entry(*row))
        return cls(entries)

    @classmethod
    def load(cls, path: Path, passphrase: str) -> Vault:
        blob = _read(path)
        header, body = _parse(blob, path)
        log2n, r, p = header[len(MAGIC) + 1 : len(MAGIC) + 4]
        salt = header[len(MAGIC) + 4 : len(MAGIC) + 4 + _SALT_LEN]
        key = _derive(passphrase, salt, log2n, r, p)
        try:
            plain = AESGCM(key).decrypt(header[-_NONCE_LEN:], body, header)
            vault = cls.from_json(plain)
        except (InvalidTag, ValueError, TypeError):
            raise ExpungeError(
                f"wrong passphrase or corrupt vault {path}",
                f"check {PASSPHRASE_ENV} or the passphrase you typed",
            ) from None
        vault._kdf = (passphrase, log2n, r, p, salt, key)  # save() reuses it: one scrypt per run
        return vault

    def save(self, path: Path, passphrase: str) -> None:
        """Encrypt and write atomically with mode 0600."""
        if not passphrase:
            raise ExpungeError("the vault passphrase is empty", f"set {PASSPHRASE_ENV}")
        if self._kdf is not None and self._kdf[0] == passphrase:
            _, log2n, r, p, salt, key = self._kdf
        else:
            log2n, r, p = SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P
            salt = secrets.token_bytes(_SALT_LEN)
            key = _derive(passphrase, salt, log2n, r, p)
            self._kdf = (passphrase, log2n, r, p, salt, key)
        header = MAGIC + bytes((VERSION, log2n, r, p)) + salt + secrets.token_bytes(_NONCE_LEN)
        body = AESGCM(key).encrypt(header[-_NONCE_LEN:], self.to_json(), header)
        write_atomic(path, header + body, private=True)


def _derive(passphrase: str, salt: bytes, log2n: int, r: int, p: int) -> bytes:
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return Scrypt(salt=salt, length=32, n=1 << log2n, r=r, p=p).derive(secret)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ExpungeError(f"no such vault: {path}", "check the --vault path") from None
    except IsADirectoryError:
        raise ExpungeError(f"{path} is a directory, not a vault", "give a file path") from None
    except OSError as error:
        raise ExpungeError(
            f"cannot read vault {path}: {error.strerror}", "check its permissions"
        ) from None


def _parse(blob: bytes, path: Path) -> tuple[bytes, bytes]:
    if not blob.startswith(MAGIC):
        raise ExpungeError(
            f"{path} is not an expunge vault", "give the file an earlier --reversible run wrote"
        )
    header, body = blob[:_HEADER_LEN], blob[_HEADER_LEN:]
    if len(header) > len(MAGIC) and header[len(MAGIC)] != VERSION:
        raise ExpungeError(
            f"{path}: unsupported vault version {header[len(MAGIC)]}",
            "use the expunge version that wrote it",
        )
    if len(header) < _HEADER_LEN or len(body) < 16:  # 16: the GCM tag
        raise ExpungeError(f"wrong passphrase or corrupt vault {path}", "the file is cut short")
    log2n, r, p = header[len(MAGIC) + 1 : len(MAGIC) + 4]
    if log2n not in _LOG2_N_RANGE or not (1 <= r <= 32 and 1 <= p <= 16):
        raise ExpungeError(f"wrong passphrase or corrupt vault {path}", "the file is damaged")
    return header, body


def check_vault_path(path: Path) -> None:
    """Refuse, before any work, a vault that could not be written: a missing folder, a
    directory, or an existing file that is not a vault (never overwrite someone's file)."""
    if not path.parent.is_dir():
        raise ExpungeError(
            f"the folder of the vault {path} does not exist", "create it or choose another --vault"
        )
    if path.is_dir():
        raise ExpungeError(f"{path} is a directory, not a vault", "give a file path")
    if path.exists():
        try:
            with path.open("rb") as f:
                start = f.read(len(MAGIC))
        except OSError as error:
            raise ExpungeError(
                f"cannot read vault {path}: {error.strerror}", "check its permissions"
            ) from None
        if start != MAGIC:
            raise ExpungeError(
                f"{path} is not an expunge vault", "choose a new file name for --vault"
            )
