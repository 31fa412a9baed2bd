"""Suppression registry: an append-only log of removals that never holds an identifier.

Each removal stores HMAC-SHA256(secret, kind + NUL + normal form) of every identifier of the
person, so the registry can re-apply the removal to any later dataset version or crawl without
becoming a list of the people who asked to be forgotten. The secret is created on first use,
readable by its owner only (0600).

What is hashed is what find looks up (subject/lookup.py), each with the kind find reports:
emails, every written form of each phone, profile URLs, handles and their cross forms; names,
free strings and domains as their folded text ('text' digests) plus the digest of their first
word (so a re-application hashes word sequences only where one can start). Log schema 2;
schema-1 lines (before phones were stored as forms) still re-apply their emails, profile URLs,
handles, and phones written with their country code; forgetting the person again with
--registry records the national forms too.

Photo removals (`forget --query` / `--images-report`) are lines of their own holding the
perceptual hashes of the removed images (PDQ and the confirming dHash), never pixels. A
perceptual hash cannot be replaced by an HMAC: re-finding a re-crawled copy needs the
Hamming distance between hashes, which a keyed digest destroys (one changed bit of the input
changes half the digest). So each hash is stored XORed with a mask derived from the secret:
distances are kept, and without the key the stored values are not the images' hashes. This
is weaker than an HMAC (anyone holding key and log has the hashes, which show a blurred
outline of each picture and can find other copies of it) and the README says so.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from expunge.errors import ExpungeError
from expunge.keys import create_key, keyed_digest, read_key
from expunge.subject import SubjectProfile
from expunge.subject.lookup import lookup_keys
from expunge.subject.textview import first_word

SCHEMA = 2
# What a schema-1 line still re-applies: its phone digests are of E.164 ('+4930901820'),
# found again where a text writes the number with its country code (find/registered.py).
LEGACY_KINDS = ("email", "profile", "handle", "phone")
TEXT_KINDS = ("name", "string", "domain")


@dataclass(frozen=True)
class RegistryTable:
    """What a worker needs to re-find removed identifiers: the key, and per digest the
    (removal number, kind reported) pairs it stands for."""

    key: bytes
    digests: dict[str, tuple[tuple[int, str], ...]]
    first_words: frozenset[str]
    removals: int


SECRET_FILE = "secret.key"
LOG_FILE = "removals.jsonl"


class Registry:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._key = self._load_or_create_key()

    def _load_or_create_key(self) -> bytes:
        key_path = self.path / SECRET_FILE
        if key_path.exists():
            return read_key(
                key_path, "restore it from a backup; without it past removals cannot be re-applied"
            )
        if self.path.exists() and any(self.path.iterdir()):
            raise ExpungeError(
                f"{self.path} is not an expunge registry (no {SECRET_FILE})",
                "point --registry at a registry directory or a new path",
            )
        self.path.mkdir(parents=True, exist_ok=True)
        return create_key(key_path)

    def digest(self, kind: str, key: str) -> str:
        return keyed_digest(self._key, f"{kind}\0{key}").hex()

    def digests(self, subject: SubjectProfile) -> list[dict[str, str]]:
        """{kind reported, hmac} of everything find looks up for this person."""
        pairs: dict[tuple[str, str], None] = {}
        for ident in subject.identifiers:
            found_as = lookup_keys(ident)
            for (kind, key), reported in found_as:
                pairs[(reported, self.digest(kind, key))] = None
            if ident.kind in TEXT_KINDS:
                pairs[(ident.kind, self.digest("text", ident.key))] = None
                word = first_word(ident.key)
                if word:
                    pairs[("first-word", self.digest("word", word))] = None
        return [{"kind": kind, "hmac": digest} for kind, digest in pairs]

    def record(
        self, subjects: Iterable[SubjectProfile], request_id: str, mode: str, dataset: str
    ) -> int:
        """Append one line per subject (flushed and fsynced: the log is the source of truth)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        lines = [
            json.dumps(
                {
                    "schema": SCHEMA,
                    "time": now,
                    "request_id": request_id,
                    "mode": mode,
                    "dataset": dataset,
                    "subject": self.digest("subject-id", subject.id),
                    "identifiers": self.digests(subject),
                },
                sort_keys=True,
            )
            for subject in subjects
        ]
        self._append(lines)
        return len(lines)

    def record_photos(
        self, photos: Iterable[tuple[bytes, bytes]], request_id: str, dataset: str, found_with: str
    ) -> int:
        """Append one line holding the masked (PDQ, dHash) of every removed image."""
        unique = list(dict.fromkeys(photos))
        if not unique:
            return 0
        line = json.dumps(
            {
                "schema": SCHEMA,
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
                "request_id": request_id,
                "mode": "drop",
                "dataset": dataset,
                "found_with": found_with,
                "identifiers": [],
                "photos": [
                    {"pdq": self.masked(pdq).hex(), "second": self.masked(second).hex()}
                    for pdq, second in unique
                ],
            },
            sort_keys=True,
        )
        self._append([line])
        return len(unique)

    def photo_hashes(self) -> list[tuple[bytes, bytes]]:
        """The (PDQ, dHash) of every removed image, unmasked, each once."""
        found: dict[tuple[bytes, bytes], None] = {}
        for entry in self.entries():
            for photo in entry.get("photos", ()):  # type: ignore[attr-defined]
                try:
                    pdq, second = bytes.fromhex(photo["pdq"]), bytes.fromhex(photo["second"])
                except (KeyError, TypeError, ValueError):
                    raise ExpungeError(f"{self.path / LOG_FILE}: a photo removal is damaged",
                                       "restore the log from a backup") from None  # fmt: skip
                found[(self.masked(pdq), self.masked(second))] = None
        return list(found)

    def has_text_removals(self) -> bool:
        return any(entry.get("identifiers") for entry in self.entries())

    def masked(self, value: bytes) -> bytes:
        """`value` XOR a mask made from the secret (its own inverse; keeps Hamming distances)."""
        mask = keyed_digest(self._key, f"photo-hash-mask\0{len(value)}")
        while len(mask) < len(value):
            mask += keyed_digest(self._key, mask)
        return bytes(a ^ b for a, b in zip(value, mask, strict=False))

    def _append(self, lines: list[str]) -> None:
        with open(self.path / LOG_FILE, "a", encoding="utf-8") as log:
            log.write("".join(line + "\n" for line in lines))
            log.flush()
            os.fsync(log.fileno())

    def entries(self) -> list[dict[str, object]]:
        log = self.path / LOG_FILE
        if not log.exists():
            return []
        out = []
        for number, line in enumerate(log.read_text("utf-8").splitlines(), 1):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                raise ExpungeError(
                    f"{log}: line {number} is damaged", "restore the log from a backup"
                ) from None
        return out

    def known_digests(self) -> set[str]:
        return {i["hmac"] for e in self.entries() for i in e.get("identifiers", ())}  # type: ignore[attr-defined]

    def record_digests(
        self, identifiers: list[dict[str, str]], request_id: str, mode: str, dataset: str
    ) -> None:
        """Append a removal given as the digests `digests()` made of a profile (a request
        filed through the web page keeps only those, never the profile)."""
        line = json.dumps(
            {"schema": SCHEMA, "time": datetime.now(UTC).isoformat(timespec="seconds"),
             "request_id": request_id, "mode": mode, "dataset": dataset, "subject": "",
             "identifiers": identifiers},
            sort_keys=True,
        )  # fmt: skip
        self._append([line])

    def table_of(self, identifiers: list[dict[str, str]]) -> RegistryTable:
        """Matching material for one profile's digests alone (a queued request)."""
        return self._table([{"schema": SCHEMA, "identifiers": identifiers}])

    def matching_material(self) -> RegistryTable:
        """The key and, per digest, which removals it belongs to and as what kind."""
        return self._table(self.entries())

    def _table(self, entries: list[dict[str, object]]) -> RegistryTable:
        table: dict[str, list[tuple[int, str]]] = {}
        first_words: set[str] = set()
        for number, entry in enumerate(entries):
            for ident in entry.get("identifiers", ()):  # type: ignore[attr-defined]
                kind, digest = ident["kind"], ident["hmac"]
                if kind == "first-word":
                    first_words.add(digest)
                elif int(str(entry.get("schema", 1))) >= SCHEMA or kind in LEGACY_KINDS:
                    table.setdefault(digest, []).append((number, kind))
        if not table:
            raise ExpungeError(
                f"registry {self.path} has no removals yet", "forget someone with --subject first"
            )
        return RegistryTable(
            self._key,
            {d: tuple(dict.fromkeys(v)) for d, v in table.items()},
            frozenset(first_words),
            len(entries),
        )
