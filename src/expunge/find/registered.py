"""Re-apply a suppression registry: find removed identifiers by their keyed hashes alone.

Only the registry's key and digests reach this step, never a plaintext identifier. Per record,
everything find could look up is normalised and hashed: the detector's emails, profile URLs
and '@handles', every '@word', every digit range a phone could be written as, and the word
sequences that start with a removed name's (or string's, or domain's) first word. Hits are
grouped per removal and graded with find's rule (expunge.confidence.level), so a record is strong
here exactly when it is strong for `expunge find` with that person's profile.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from expunge.confidence import SCORES, level
from expunge.find.matcher import candidate_keys
from expunge.forget.registry import RegistryTable
from expunge.index.keys import KeyHasher
from expunge.pipeline import batched_by_size, detector_for
from expunge.records import Finding, Record
from expunge.subject.lookup import at_handles
from expunge.subject.phones import digit_runs
from expunge.subject.textview import word_sequences

REGISTRY_SUBJECT = "registry"


@dataclass(frozen=True)
class FindRegistered:
    table: RegistryTable
    phone_region: str = "US"  # unused: kept so every step takes the run's settings alike

    def __call__(self, records: Iterator[Record]) -> Iterator[Record]:
        detector = detector_for(("email", "social_handle"), "US", 0.5)
        hasher = _Hasher(self.table)
        for batch in batched_by_size(records, 1 << 20, 2048):
            for record, candidates in zip(batch, detector.scan_batch([r.text for r in batch])):
                text = record.text
                hits: list[tuple[str, int, int, str]] = []  # (kind, start, end, digest)
                for cand in candidates:
                    value = text[cand.start : cand.end]
                    for kind, key in candidate_keys(cand, value):
                        hits.append((kind, cand.start, cand.end, hasher(kind, key)))
                for start, end, at_key in at_handles(text):
                    hits.append(("handle", start, end, hasher("handle", at_key)))
                for start, end, digits in digit_runs(text):
                    hits.append(("phone", start, end, hasher("phone", digits)))
                    if text[start] == "+" or digits.startswith("00"):  # schema-1: E.164
                        e164 = "+" + digits.removeprefix("00")
                        hits.append(("phone", start, end, hasher("phone", e164)))
                for start, end, key in word_sequences(text, hasher.could_start):
                    hits.append(("text", start, end, hasher("text", key)))
                record.findings = _graded(hits, self.table)
            yield from batch


class _Hasher:
    def __init__(self, table: RegistryTable) -> None:
        self._hash = KeyHasher(table.key)
        self._first_words = table.first_words
        self._seen: dict[str, bool] = {}

    def __call__(self, kind: str, key: str) -> str:
        return _full_digest(self._hash, kind, key)

    def could_start(self, word: str) -> bool:
        found = self._seen.get(word)
        if found is None:
            found = self._seen[word] = self("word", word) in self._first_words
            if len(self._seen) > 200_000:
                self._seen.clear()
        return found


def _full_digest(hasher: KeyHasher, kind: str, key: str) -> str:
    return hasher.full(kind, key).hex()


def _graded(hits: list[tuple[str, int, int, str]], table: RegistryTable) -> list[Finding]:
    """Findings of the removals with hits in one record, graded per removal."""
    per_removal: dict[int, list[tuple[str, int, int]]] = {}
    for _, start, end, digest in hits:
        for removal, kind in table.digests.get(digest, ()):
            per_removal.setdefault(removal, []).append((kind, start, end))
    found: list[Finding] = []
    for spans in per_removal.values():
        strength = level({k for k, _, _ in spans})
        for kind, start, end in sorted(set(spans), key=lambda s: (s[1], s[2], s[0])):
            found.append(
                Finding(kind, start, end, SCORES[strength], "registry", REGISTRY_SUBJECT, strength)
            )
    found.sort(key=lambda f: (f.start, f.end, f.type))
    return found
