"""One pass per record finds every subject's identifiers.

Two sources of evidence, both from a single scan of the text:
- literals (name variants, nicknames, free strings, domains, @handles, emails as given) in one
  caseless hyperscan literal database, however many subjects there are;
- the foundation detector's email / phone / social_handle candidates, normalised (E.164,
  canonical mailbox, 'x:user' profile keys) and looked up, so a phone matches however a text
  writes it.
Confidence per (record, subject): a name or other weak identifier alone is weak evidence; an
email, phone or profile URL is strong; a name plus any other identifier of the same subject in
the same record is strong too.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import hyperscan

from expunge.pipeline import batched_by_size, detector_for
from expunge.records import Finding, Record
from expunge.subject import SubjectProfile
from expunge.subject.normalize import email_key, fold, handle_key, phone_key, url_keys

STRONG_KINDS = frozenset({"email", "phone", "profile"})
SCORES = {"strong": 0.95, "medium": 0.7, "weak": 0.4}
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _char_class(char: str) -> bytes:
    """A pattern for one character: ASCII as is (the database is caseless); an accented letter
    as its lower, upper or unaccented form, so 'Brandão', 'BRANDÃO' and 'Brandao' all match."""
    if char.isascii():
        return re.escape(char.encode())
    base = fold(char)
    options = {char.lower(), char.upper(), base} - {""}
    return b"(?:" + b"|".join(re.escape(o.encode("utf-8")) for o in sorted(options)) + b")"


def _pattern(text: str) -> bytes:
    return b"".join(_char_class(c) for c in unicodedata.normalize("NFC", text))


@dataclass(frozen=True)
class Literal:
    subject: int
    kind: str
    key: str


class SubjectMatcher:
    """Compiled once per process for a tuple of subjects."""

    def __init__(self, subjects: Sequence[SubjectProfile]) -> None:
        self.subjects = tuple(subjects)
        self.regions = sorted({s.region for s in self.subjects}) or ["US"]
        self.literals: list[Literal] = []
        # Plain ASCII forms go to hyperscan's literal compiler (40,000 of them compile in well
        # under a second); forms with accents need alternations, so a small regex database.
        plain: list[tuple[bytes, int]] = []
        self.lengths: dict[int, int] = {}  # literal id -> byte length, for plain literals
        accented: list[tuple[bytes, int]] = []
        self.by_key: dict[tuple[str, str], set[int]] = defaultdict(set)
        for index, subject in enumerate(self.subjects):
            for ident in subject.identifiers:
                self.by_key[(ident.kind, ident.key)].add(index)
                if ident.kind in ("phone", "profile"):
                    continue  # found through normalised detector candidates
                forms = {ident.key}
                if ident.kind in ("name", "string"):
                    forms.add(_accented_variant(ident.key, ident.given))
                elif ident.kind == "handle" and not ident.key.startswith("mastodon:"):
                    forms = {"@" + ident.key}
                elif ident.kind == "email":
                    forms.add(ident.given.lower())
                for form in forms:
                    self.literals.append(Literal(index, ident.kind, ident.key))
                    if form.isascii():
                        plain.append((form.encode(), len(self.literals) - 1))
                        self.lengths[len(self.literals) - 1] = len(form)
                    else:
                        accented.append((_pattern(form), len(self.literals) - 1))
        self.dbs = [
            _compile(group, literal)
            for group, literal in ((plain, True), (accented, False))
            if group
        ]

    def match(self, text: str, candidates: Sequence[Finding]) -> list[Finding]:
        """Subject findings in one text, given the detector's candidates for that text."""
        hits: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        if self.dbs:
            for lit_id, start, end in self._literal_hits(text):
                lit = self.literals[lit_id]
                hits[lit.subject].append((lit.kind, start, end))
        for cand in candidates:
            for kind, key in candidate_keys(cand, text[cand.start : cand.end], self.regions):
                for subject in self.by_key.get((kind, key), ()):
                    hits[subject].append((kind, cand.start, cand.end))
        found: list[Finding] = []
        for subject, spans in hits.items():
            kinds = {k for k, _, _ in spans}
            level = "strong" if kinds & STRONG_KINDS or len(kinds) >= 2 else "weak"
            if level == "weak" and kinds & {"handle", "string", "domain"}:
                level = "medium"
            sid = self.subjects[subject].id
            for kind, start, end in _outermost(spans):
                found.append(Finding(kind, start, end, SCORES[level], level, sid))
        found.sort(key=lambda f: (f.start, f.end, f.subject or ""))
        return found

    def _literal_hits(self, text: str) -> Iterator[tuple[int, int, int]]:
        data = text.encode("utf-8", "surrogatepass")
        raw: list[tuple[int, int, int]] = []

        lengths = self.lengths

        def on_match(lit_id: int, start: int, end: int, flags: int, context: object) -> None:
            raw.append((lit_id, end - lengths[lit_id] if lit_id in lengths else start, end))

        for db, scratch in self.dbs:
            db.scan(data, match_event_handler=on_match, scratch=scratch)
        ascii_text = text.isascii()
        for lit_id, start, end in raw:
            # Whole words only: "Ana Lima" must not match inside "Diana Limas".
            before = chr(data[start - 1]) if start > 0 else " "
            after = chr(data[end]) if end < len(data) else " "
            if before in _WORD or after in _WORD:
                continue
            if not ascii_text:  # byte offsets -> character offsets
                start = len(data[:start].decode("utf-8", "replace"))
                end = len(data[:end].decode("utf-8", "replace"))
            yield lit_id, start, end


def _compile(
    group: list[tuple[bytes, int]], literal: bool
) -> tuple[hyperscan.Database, hyperscan.Scratch]:
    db = hyperscan.Database()
    # A plain literal's start is its end minus its length, so it needs no start-of-match
    # tracking, which costs most of the compile time for many thousands of literals.
    flags = (
        hyperscan.HS_FLAG_CASELESS
        if literal
        else hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8
    )
    db.compile(
        expressions=[pattern for pattern, _ in group],
        ids=[lit_id for _, lit_id in group],
        elements=len(group),
        flags=flags,
        literal=literal,
    )
    return db, hyperscan.Scratch(db)


def _outermost(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Drop spans inside a longer span ('Brandão, Inès' inside 'Kowalczyk-Brandão, Inès')."""
    kept: list[tuple[str, int, int]] = []
    for span in sorted(set(spans), key=lambda s: (s[1], -s[2])):
        if kept and span[2] <= kept[-1][2]:
            continue
        kept.append(span)
    return kept


def _accented_variant(key: str, given: str) -> str:
    """The variant `key` spelled with the given name's accents, word by word ('i. brandao'
    from 'Inès K. Brandão' -> 'i. brandão'), so accented text matches too."""
    spelled = {fold(w): w.casefold() for w in given.replace(",", " ").split()}
    words = []
    for word in key.split(" "):
        bare = word.rstrip(",")
        words.append(spelled.get(bare, bare) + word[len(bare) :])
    return " ".join(words)


def candidate_keys(cand: Finding, value: str, regions: Iterable[str]) -> list[tuple[str, str]]:
    """Normal forms of a detector candidate, as (identifier kind, key) pairs."""
    if cand.type == "email":
        key = email_key(value)
        return [("email", key)] if key else []
    if cand.type == "phone":
        keys = {phone_key(value, r) for r in regions}
        return [("phone", k) for k in keys if k]
    if cand.type == "social_handle":
        if value.startswith("@"):
            key = handle_key(value)
            return [("handle", key)] if key else []
        return [("profile", k) for k in url_keys(value)]
    return []


@lru_cache(maxsize=4)
def _matcher(subjects: tuple[SubjectProfile, ...]) -> SubjectMatcher:
    return SubjectMatcher(subjects)


@dataclass(frozen=True)
class FindSubjects:
    """Step: replace each record's findings with the subjects' identifiers found in it."""

    subjects: tuple[SubjectProfile, ...]
    phone_region: str = "US"
    batch_chars: int = 1 << 20

    def __call__(self, records: Iterator[Record]) -> Iterator[Record]:
        matcher = _matcher(self.subjects)
        detector = detector_for(("email", "phone", "social_handle"), self.phone_region, 0.5)
        for batch in batched_by_size(records, self.batch_chars, 2048):
            for record, candidates in zip(batch, detector.scan_batch([r.text for r in batch])):
                record.findings = matcher.match(record.text, candidates)
            yield from batch
