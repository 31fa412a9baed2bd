"""What the index stores per record, and how a subject's identifiers become the same hashes.

Kinds of entries (each one a keyed hash of `kind + "\\0" + normal form`, never the text):
- email:   canonical mailbox (`email_key`) of each email candidate of the detector
- phone:   the digits of every range of digit groups a phone could be written as
           (`subject/phones.digit_runs`): region-free, looked up by the number's forms
- profile: 'x:user' keys (`url_keys`) of each social profile URL candidate
- handle:  `handle_key` of each '@handle' candidate, and of every '@word' written after a
           non-word character (what find's literal '@handle' search also matches)
- word:    every folded word of >= 2 letters of the text, as a set per record
- initial: every single letter written as an initial ('J.'), so the name variant 'j. doe'
           can still be required in full
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from expunge.keys import keyed_digest
from expunge.records import Finding
from expunge.subject import SubjectProfile
from expunge.subject.lookup import at_handles, lookup_keys
from expunge.subject.normalize import email_key, fold, handle_key, url_keys
from expunge.subject.phones import digit_runs

KINDS = ("email", "phone", "profile", "handle", "word", "initial")
KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
HASH_BYTES = 16

_LETTERS = re.compile(r"[^\W\d_]{2,}")  # maximal runs: the scan never starts mid-run
_INITIAL = re.compile(r"(?<![^\W\d_])([^\W\d_])\.")
# ASCII text: letters lowered, '.' kept, everything else a space, in one C-level pass.
_ASCII_FOLD = bytes(
    c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or c == 46 else 32 for c in range(256)
)
_ONE_LETTER = frozenset(bytes([c]) for c in range(97, 123))


def key_hash(secret: bytes, kind: str, normal: str | bytes) -> bytes:
    """HMAC-SHA256(secret, kind + NUL + normal form as UTF-8), truncated to 16 bytes."""
    if isinstance(normal, str):
        normal = normal.encode("utf-8", "surrogatepass")
    return keyed_digest(secret, kind.encode() + b"\0" + normal)[:HASH_BYTES]


class KeyHasher:
    """`key_hash` under one secret, 2-3x faster per key: the HMAC's inner and outer SHA-256
    states after the padded key block (RFC 2104) are computed once and copied per key, where
    `hmac.digest` sets up both again for every call."""

    def __init__(self, secret: bytes) -> None:
        block = hashlib.sha256().block_size
        if len(secret) > block:
            secret = hashlib.sha256(secret).digest()
        padded = secret.ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))
        probe = b"word\0probe"
        if self._digest(probe) != keyed_digest(secret, probe)[:HASH_BYTES]:
            raise AssertionError("KeyHasher disagrees with hmac")  # cannot happen: RFC 2104

    def _digest(self, message: bytes) -> bytes:
        return self._mac(message)[:HASH_BYTES]

    def _mac(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def full(self, kind: str, normal: str) -> bytes:
        """The whole 32-byte HMAC-SHA256 (the suppression registry's digests)."""
        return self._mac(kind.encode() + b"\0" + normal.encode("utf-8", "surrogatepass"))

    def word(self, word: bytes) -> bytes:
        return self._digest(b"word\0" + word)

    def __call__(self, kind: str, normal: str | bytes) -> bytes:
        if isinstance(normal, str):
            normal = normal.encode("utf-8", "surrogatepass")
        return self._digest(kind.encode() + b"\0" + normal)


def words_and_initials(text: str) -> tuple[set[bytes], set[bytes]]:
    """Folded words of at least 2 letters, and single letters written as initials ('J.' ->
    b'j': a letter after a non-letter, before a '.'), both UTF-8: what `fold` and a split on
    non-letters give, computed at C speed for ASCII text."""
    found: set[bytes]
    marks: set[bytes]
    if text.isascii():
        data = text.encode().translate(_ASCII_FOLD)
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        extra = {c for c in set(decomposed) if not c.isascii()}
        if not any(c.isalnum() and not unicodedata.combining(c) for c in extra):
            # Beyond ASCII only accents (dropped, as `fold` does) and non-word characters
            # such as dashes and quotes (separators): the ASCII path gives the same words.
            table = {ord(c): None if unicodedata.combining(c) else " " for c in extra}
            data = decomposed.translate(table).encode().translate(_ASCII_FOLD)
        else:
            text = fold(text)
            found = {w.encode("utf-8", "surrogatepass") for w in _LETTERS.findall(text)}
            marks = {i.encode("utf-8", "surrogatepass") for i in _INITIAL.findall(text)}
            return found, marks
    found = set(data.replace(b".", b" ").split())
    found.difference_update(_ONE_LETTER)
    marks = set()
    dot = data.find(b".")
    while dot != -1:  # a few per text: cheaper than a regex over every position
        if dot >= 1 and data[dot - 1] not in (32, 46) and (dot == 1 or data[dot - 2] in (32, 46)):
            marks.add(data[dot - 1 : dot])
        dot = data.find(b".", dot + 1)
    return found, marks


def words(text: str) -> set[bytes]:
    return words_and_initials(text)[0]


def initials(text: str) -> set[bytes]:
    return words_and_initials(text)[1]


def record_keys(text: str, candidates: Sequence[Finding]) -> set[tuple[str, str]]:
    """(kind, normal form) of the email, phone, profile and handle entries of a record (its
    words and initials come from `words` and `initials`)."""
    keys: set[tuple[str, str]] = {("phone", digits) for _, _, digits in digit_runs(text)}
    for cand in candidates:
        value = text[cand.start : cand.end]
        if cand.type == "email":
            key = email_key(value)
            if key:
                keys.add(("email", key))
        elif cand.type == "social_handle":
            if value.startswith("@"):
                key = handle_key(value)
                if key:
                    keys.add(("handle", key))
            else:
                keys.update(("profile", k) for k in url_keys(value))
    keys.update(("handle", key) for _, _, key in at_handles(text))
    return keys


@dataclass(frozen=True)
class Requirement:
    """One subject identifier as index entries: present in a record when ALL `keys` are."""

    subject: int
    kind: str  # the matcher's kind: name | email | phone | handle | profile | string | domain
    keys: frozenset[tuple[str, str | bytes]]


def subject_requirements(subjects: Sequence[SubjectProfile]) -> list[Requirement]:
    """Index entries that stand for each identifier of each subject.

    Names, strings and domains are matched by their words (and initials for names): a record
    has the identifier when it holds all of them, anywhere in the text. This is a superset of
    find's phrase match. Identifiers with no word of >= 2 letters cannot be looked up."""
    out: list[Requirement] = []
    for index, subject in enumerate(subjects):
        seen: set[tuple[str, frozenset[tuple[str, str | bytes]]]] = set()
        for ident in subject.identifiers:
            keys: set[tuple[str, str | bytes]]
            found_as = lookup_keys(ident)
            if found_as:  # email, phone (each form), profile, handle and the derived kinds
                for key, reported in found_as:
                    if (reported, frozenset([key])) not in seen:
                        seen.add((reported, frozenset([key])))
                        out.append(Requirement(index, reported, frozenset([key])))
                continue
            else:  # name | string | domain
                keys = {("word", w) for w in words(ident.key)}
                if not keys:
                    continue
                if ident.kind == "name":
                    keys |= {("initial", i) for i in initials(ident.key)}
            frozen = frozenset(keys)
            if (ident.kind, frozen) not in seen:
                seen.add((ident.kind, frozen))
                out.append(Requirement(index, ident.kind, frozen))
    return out
