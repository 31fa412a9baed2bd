"""One pass per batch of records finds every subject's identifiers.

Per batch (records joined by the detector's separator into one buffer):
1. one scan of a caseless hyperscan literal database with every subject's ASCII literal
   identifiers (name variants, nicknames, free strings, domains, '@handles', emails as given)
   and the *triggers* of their emails, profile URLs and fediverse handles (literals.py);
   accented forms live in a second literal database that only scans the batch's non-ASCII
   records (an accented form cannot occur in ASCII text);
2. one scan of a small regex database of shapes: for phones either each number's last digits
   with any separators (few subjects) or the detector's digit-cluster pattern, clusters then
   kept when their digits hold the last digits of a subject's number; with many subjects also
   '+tag@' emails (few subjects: 'local+' literals in step 1);
3. only records with a trigger go through the detector (email / phone / social_handle
   candidates normalised: canonical mailbox, E.164, 'x:user' profile keys, and looked up), so
   a phone matches however a text writes it. Triggers occur in every text where the detector
   could produce a subject's key: the findings are those of running the detector on every
   record, for the price of running it on a few.
Confidence per (record, subject): a name or other weak identifier alone is weak evidence; an
email, phone or profile URL is strong; a name plus any other identifier of the same subject in
the same record is strong too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

import hyperscan

from expunge.confidence import SCORES, level
from expunge.detect.engine import SEP
from expunge.find.literals import GMAIL, LiteralPlan, build_plan
from expunge.hsdb import Compiled, compiled
from expunge.pipeline import batched_by_size, detector_for
from expunge.records import Finding, Record
from expunge.subject import SubjectProfile
from expunge.subject.lookup import lookup_keys
from expunge.subject.normalize import email_key, handle_key, url_keys
from expunge.subject.phones import digit_runs
from expunge.subject.textview import text_view

_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_IS_WORD = bytes(1 if chr(c) in _WORD else 0 for c in range(256))
# A word that runs on into a mailbox ("Doe, jane.doe@...") is part of the address, not a name.
_MAILBOX_TAIL = re.compile(rb"[.+_%-][A-Za-z0-9.+_%-]{0,63}@")
_NON_DIGITS_BUT_NL = bytes(c for c in range(256) if not 48 <= c <= 57 and c != 10)
_LOCAL_BACK = re.compile(rb"[a-z0-9._%+-]{1,64}", re.IGNORECASE)  # as the email confirmer
_SEP_LEN = len(SEP)
# The detector confirms emails and profile URLs / handles; phones are matched by their forms.
_TYPES = ("email", "social_handle")
# Up to this many distinct phone tails, each is its own regex (a scan with next to no
# matches); beyond, compiling them costs too much and digit clusters are checked instead.
_TAIL_PATTERNS_MAX = 32
# Shape ids in the regex database.
_PLUS_EMAIL, _CLUSTER, _TAIL = range(3)

Hit = tuple[str, int, int]  # (matcher kind, start, end) in characters of the record
Raw = tuple[int, str, int, int]  # (subject, kind, start, end) in bytes of the record


class _LiteralTable:
    """A caseless literal database and, per literal id: byte length, owners, trigger."""

    def __init__(self, plan: LiteralPlan, ids: list[int]) -> None:
        self.lengths = [len(plan.literals[i]) for i in ids]
        self.owners = [plan.owners[i] for i in ids]
        self.triggers = [plan.triggers[i] for i in ids]
        self._literals = [plan.literals[i] for i in ids]
        self._db: Compiled | None = None

    @property
    def db(self) -> Compiled:
        """Compiled on first use (accented forms: only once a non-ASCII record shows up).
        A literal's start is its end minus its length, so no start-of-match tracking, which
        would cost most of the compile time for many thousands of literals."""
        if self._db is None:
            self._db = compiled(self._literals, hyperscan.HS_FLAG_CASELESS, True)
        return self._db


# Between two digits of a phone as subject/phones.digit_runs reads it: up to two of
# ' ./()-' or no-break spaces (the '(0)' of '+44 (0)20' lies before the tail's digits).
_GAP = rb"(?:[ ./()-]|\xc2\xa0){0,2}"
# A run of digits with such gaps (many subjects: its digits are searched for the tails).
_CLUSTER_PATTERN = rb"\d(?:" + _GAP + rb"\d){5,}[^0-9]"


def _tail_pattern(tail: bytes) -> bytes:
    # The digits as a digit run may write them, not followed by a digit (a phone form ends
    # with the number's last digit).
    return _GAP.join(re.escape(tail[i : i + 1]) for i in range(len(tail))) + b"[^0-9]"


class SubjectMatcher:
    """Compiled once per process for a tuple of subjects."""

    def __init__(self, subjects: Sequence[SubjectProfile]) -> None:
        self.subjects = tuple(subjects)
        # (kind of normal form, normal form) -> (subject, kind reported) pairs
        self.by_key: dict[tuple[str, str], set[tuple[int, str]]] = defaultdict(set)
        for index, subject in enumerate(self.subjects):
            for ident in subject.identifiers:
                for lookup_key, reported in lookup_keys(ident):
                    self.by_key[lookup_key].add((index, reported))
        self._phones = {k[1] for k in self.by_key if k[0] == "phone"}
        plan = build_plan(self.subjects)
        self._plan = plan
        ascii_ids = [i for i, lit in enumerate(plan.literals) if lit.isascii()]
        wide_ids = [i for i, lit in enumerate(plan.literals) if not lit.isascii()]
        self._ascii = _LiteralTable(plan, ascii_ids) if ascii_ids else None
        if self._ascii is not None:
            self._ascii.db  # noqa: B018 - compile now, not in the first batch
        self._wide = _LiteralTable(plan, wide_ids) if wide_ids else None
        # Accented forms with too many case combinations to spell out: regexes.
        flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8
        self._regexes = (
            compiled([p for p, _, _ in plan.patterns], flags, False) if plan.patterns else None
        )
        self._gmail = frozenset(plan.gmail_keys)
        self._plus_locals = frozenset(plan.plus_locals)
        self._tails = {k: frozenset(v) for k, v in plan.tails.items()}
        self._shapes, self._shape_kinds, self._tail_db = self._shape_database()

    def _shape_database(self) -> tuple[Compiled | None, list[int], Compiled | None]:
        # Separate small databases scan faster than one holding both kinds of shape when
        # there are few subjects; with many, the digit-cluster pattern dominates anyway.
        expressions: list[bytes] = []
        flags: list[int] = []
        kinds: list[int] = []
        if self._plus_locals:  # 'local+tag@': its local part is looked up when it fires
            expressions.append(rb"[a-z0-9._%-]\+[a-z0-9._%+-]{0,64}@")
            flags.append(hyperscan.HS_FLAG_CASELESS)
            kinds.append(_PLUS_EMAIL)
        tails = sorted(t for group in self._tails.values() for t in group)
        tail_db = None
        if len(tails) <= _TAIL_PATTERNS_MAX:
            expressions += [_tail_pattern(t) for t in tails]
            flags += [0] * len(tails)
            kinds += [_TAIL] * len(tails)
        else:
            expressions.append(_CLUSTER_PATTERN)
            flags.append(hyperscan.HS_FLAG_SOM_LEFTMOST)
            kinds.append(_CLUSTER)
            tail_db = compiled(tails, 0, True)
        shapes = compiled(expressions, flags, False) if expressions else None
        return shapes, kinds, tail_db

    # ---- the batch path -------------------------------------------------------------------

    def match_batch(self, texts: Sequence[str], phone_region: str = "US") -> list[list[Finding]]:
        """Subject findings for each text; one buffer and one scan per database for all."""
        results: list[list[Finding]] = [[] for _ in texts]
        if not texts:
            return results
        encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
        hits: dict[int, list[Raw]] = {}  # record -> hits, bytes of the record
        flagged: set[int] = set()  # records for the detector
        buf, starts = _joined(encoded)
        if self._ascii is not None:
            self._literal_hits(self._ascii, buf, starts, None, hits, flagged)
        if self._shapes is not None:
            self._shape_triggers(buf, starts, flagged)
        if self._wide is not None or self._regexes is not None:
            wide = [i for i, t in enumerate(texts) if not t.isascii()]
            if wide:
                wbuf, wstarts = _joined([encoded[i] for i in wide])
                if self._wide is not None:  # (a profile URL trigger can be non-ASCII)
                    self._literal_hits(self._wide, wbuf, wstarts, wide, hits, flagged)
                if self._regexes is not None:
                    self._regex_hits(wbuf, wstarts, wide, hits)
        by_record: dict[int, list[tuple[int, Hit]]] = {}
        for rec, found in hits.items():
            if texts[rec].isascii():
                by_record[rec] = [(s, (k, b0, b1)) for s, k, b0, b1 in found]
            else:  # byte offsets -> character offsets
                data = encoded[rec]
                by_record[rec] = [
                    (s, (k, _chars(data, b0), _chars(data, b1))) for s, k, b0, b1 in found
                ]
        for rec, subject_hits in self._view_hits(texts).items():
            by_record.setdefault(rec, []).extend(subject_hits)
        if flagged:
            order = sorted(flagged)
            detector = detector_for(_TYPES, phone_region, 0.5)
            for rec, candidates in zip(order, detector.scan_batch([texts[i] for i in order])):
                for subject, hit in self._candidate_hits(texts[rec], candidates):
                    by_record.setdefault(rec, []).append((subject, hit))
                for subject, hit in self._phone_hits(texts[rec]):
                    by_record.setdefault(rec, []).append((subject, hit))
        for rec, subject_hits in by_record.items():
            results[rec] = self._findings(subject_hits)
        return results

    def _view_hits(self, texts: Sequence[str]) -> dict[int, list[tuple[int, Hit]]]:
        """Names, strings, domains and handles in the matching view of texts that write
        letters with separate marks (NFD, Arabic harakat, tatweel, fullwidth forms): found in
        the view, reported at their place in the text."""
        views = {i: v for i, t in enumerate(texts) if (v := text_view(t)) is not None}
        found: dict[int, list[tuple[int, Hit]]] = {}
        if not views:
            return found
        order = list(views)
        encoded = [views[i][0].encode("utf-8", "surrogatepass") for i in order]
        buf, starts = _joined(encoded)
        hits: dict[int, list[Raw]] = {}
        for table in (self._ascii, self._wide):
            if table is not None:
                self._literal_hits(table, buf, starts, order, hits, None)
        if self._regexes is not None:
            self._regex_hits(buf, starts, order, hits)
        position = {rec: n for n, rec in enumerate(order)}
        for rec, raw in hits.items():
            _, char_starts, char_ends = views[rec]
            data = encoded[position[rec]]
            found[rec] = [
                (s, (k, char_starts[_chars(data, b0)], char_ends[_chars(data, b1) - 1]))
                for s, k, b0, b1 in raw
            ]
        return found

    def _literal_hits(
        self,
        table: _LiteralTable,
        buf: bytes,
        starts: list[int],
        records: list[int] | None,
        hits: dict[int, list[Raw]],
        flagged: set[int] | None,
    ) -> None:
        """Whole-word identifier hits into `hits` (by record: `records[i]` for the i-th text
        of `buf`, or i); records with a trigger into `flagged` (unless it is None)."""
        lengths, owners, triggers, is_word = table.lengths, table.owners, table.triggers, _IS_WORD
        for lit, _, end in table.db.scan(buf):
            start = end - lengths[lit]
            trigger = triggers[lit]
            # Whole words only: "Ana Lima" must not match inside "Diana Limas". The buffer
            # has separator bytes around every record, so both neighbours exist.
            word = owners[lit] and not (is_word[buf[start - 1]] or is_word[buf[end]])
            if word and buf[end] in b".+_%-" and _MAILBOX_TAIL.match(buf, end):
                word = False
            # 'jane@example.org.evil.net' is another domain, not jane's address (an email
            # literal has its '@' inside; a handle '@jane' starts with it and may end a
            # sentence: '@jane.')
            if (
                word
                and buf[end] in b".-"
                and is_word[buf[end + 1]]
                and buf.find(b"@", start + 1, end) > 0
            ):
                word = False
            if not word and not (trigger and flagged is not None):
                continue
            i = bisect_right(starts, start) - 1
            rec = i if records is None else records[i]
            if (
                trigger
                and flagged is not None
                and (trigger != GMAIL or self._gmail_wanted(buf, start))
            ):
                flagged.add(rec)
            if word:
                lo = starts[i]
                found = hits.setdefault(rec, [])
                found.extend((subject, kind, start - lo, end - lo) for subject, kind in owners[lit])

    def _regex_hits(
        self, buf: bytes, starts: list[int], records: list[int], hits: dict[int, list[Raw]]
    ) -> None:
        assert self._regexes is not None
        patterns = self._plan.patterns
        for pid, start, end in self._regexes.scan(buf):
            if _IS_WORD[buf[start - 1]] or _IS_WORD[buf[end]]:
                continue
            _, subject, kind = patterns[pid]
            i = bisect_right(starts, start) - 1
            lo = starts[i]
            hits.setdefault(records[i], []).append((subject, kind, start - lo, end - lo))

    def _gmail_wanted(self, buf: bytes, at: int) -> bool:
        """Whether the mailbox left of this '@' (read as the email confirmer reads it) is a
        subject's Gmail address."""
        local = self._local_part(buf, at)
        return local is not None and email_key(local + "@gmail.com") in self._gmail

    @staticmethod
    def _local_part(buf: bytes, at: int) -> str | None:
        m = _LOCAL_BACK.match(buf[max(0, at - 64) : at][::-1])
        if m is None:
            return None
        return buf[at - m.end() : at].lstrip(b".%+-").decode("ascii")

    def _shape_triggers(self, buf: bytes, starts: list[int], flagged: set[int]) -> None:
        assert self._shapes is not None
        kinds = self._shape_kinds
        clusters: list[tuple[int, int, int]] = []
        for sid, start, end in self._shapes.scan(buf):
            kind = kinds[sid]
            if kind == _CLUSTER:
                clusters.append((sid, start, end))
            elif kind == _TAIL:
                flagged.add(bisect_right(starts, end - 1) - 1)
            else:  # '+tag@': the key's local part is what precedes the first '+'
                local = self._local_part(buf, end - 1)
                if local is not None and local.lower().split("+", 1)[0] in self._plus_locals:
                    flagged.add(bisect_right(starts, end - 1) - 1)
        if clusters:
            self._cluster_triggers(buf, starts, clusters, flagged)

    def _cluster_triggers(
        self,
        buf: bytes,
        starts: list[int],
        clusters: list[tuple[int, int, int]],
        flagged: set[int],
    ) -> None:
        """Records with a digit cluster holding the last digits of a subject's phone (a
        phone candidate lies inside one cluster). The clusters' digits are joined, one line
        each, and searched for the tails in one call."""
        assert self._tail_db is not None
        # A cluster match ends with one terminator byte (maybe a newline): left out.
        parts = [buf[s : e - 1] for _, s, e in clusters]
        digits = b"\n".join(parts).translate(None, _NON_DIGITS_BUT_NL)
        found = self._tail_db.scan(digits)
        if found:
            lines = list(accumulate(len(line) + 1 for line in digits.split(b"\n")))
            for _, _, end in found:
                cluster = clusters[bisect_right(lines, end - 1)]
                flagged.add(bisect_right(starts, cluster[1]) - 1)

    def _candidate_hits(
        self, text: str, candidates: Iterable[Finding]
    ) -> Iterator[tuple[int, Hit]]:
        for cand in candidates:
            if cand.type == "phone":
                continue  # phones: by their written forms (_phone_hits)
            value = text[cand.start : cand.end]
            for kind, key in candidate_keys(cand, value):
                for subject, reported in self.by_key.get((kind, key), ()):
                    yield subject, (reported, cand.start, cand.end)

    def _phone_hits(self, text: str) -> Iterator[tuple[int, Hit]]:
        """The subjects' phones wherever the text writes one of their forms."""
        if not self._phones:
            return
        for start, end, digits in digit_runs(text):
            if digits in self._phones:
                for subject, reported in self.by_key[("phone", digits)]:
                    yield subject, (reported, start, end)

    def _findings(self, subject_hits: list[tuple[int, Hit]]) -> list[Finding]:
        per_subject: dict[int, list[Hit]] = defaultdict(list)
        for subject, hit in subject_hits:
            per_subject[subject].append(hit)
        found: list[Finding] = []
        for subject, spans in per_subject.items():
            strength = level({k for k, _, _ in spans})
            sid = self.subjects[subject].id
            for kind, start, end in _outermost(spans):
                found.append(Finding(kind, start, end, SCORES[strength], "profile", sid, strength))
        found.sort(key=lambda f: (f.start, f.end, f.subject or ""))
        return found

    # ---- one text at a time ---------------------------------------------------------------

    def match(self, text: str, candidates: Sequence[Finding] | None = None) -> list[Finding]:
        """Subject findings in one text. `candidates` (the detector's email / phone /
        social_handle findings for it) are looked up instead of running the detector."""
        if candidates is None:
            return self.match_batch([text])[0]
        data = text.encode("utf-8", "surrogatepass")
        buf, starts = _joined([data])
        hits: dict[int, list[Raw]] = {}
        for table in (self._ascii, self._wide):
            if table is not None:
                self._literal_hits(table, buf, starts, None, hits, None)
        if self._regexes is not None:
            self._regex_hits(buf, starts, [0], hits)
        ascii_text = text.isascii()
        found: list[tuple[int, Hit]] = [
            (s, (k, b0, b1)) if ascii_text else (s, (k, _chars(data, b0), _chars(data, b1)))
            for s, k, b0, b1 in hits.get(0, [])
        ]
        found += self._candidate_hits(text, candidates)
        return self._findings(found + list(self._phone_hits(text)))


def _joined(encoded: Sequence[bytes]) -> tuple[bytes, list[int]]:
    """SEP + text0 + SEP + text1 + ... + SEP (as the detector's batches), and where each
    text starts."""
    buf = SEP + SEP.join(encoded) + SEP
    starts = list(accumulate([len(b) + _SEP_LEN for b in encoded], initial=_SEP_LEN))
    starts.pop()
    return buf, starts


def _chars(data: bytes, offset: int) -> int:
    return len(data[:offset].decode("utf-8", "replace"))


_KIND_ORDER = {k: n for n, k in enumerate(("email", "phone", "profile", "handle", "string",
                                           "domain", "name"))}  # fmt: skip


def _outermost(spans: list[Hit]) -> list[Hit]:
    """Drop spans inside a longer span ('Brandão, Inès' inside 'Kowalczyk-Brandão, Inès');
    of one span found as two kinds (a profile URL that is also a handle's page), the
    stronger kind stays."""
    kept: list[Hit] = []
    for span in sorted(set(spans), key=lambda s: (s[1], -s[2], _KIND_ORDER.get(s[0], 9))):
        if kept and span[2] <= kept[-1][2]:
            continue
        kept.append(span)
    return kept


def candidate_keys(cand: Finding, value: str) -> list[tuple[str, str]]:
    """Normal forms of a detector email / social_handle candidate, as (kind, key) pairs."""
    if cand.type == "email":
        key = email_key(value)
        return [("email", key)] if key else []
    if cand.type == "social_handle":
        if value.startswith("@"):
            key = handle_key(value)
            return [("handle", key)] if key else []
        return [("profile", k) for k in url_keys(value)]
    return []


_matchers: dict[int, tuple[tuple[SubjectProfile, ...], SubjectMatcher]] = {}


def _matcher(subjects: tuple[SubjectProfile, ...]) -> SubjectMatcher:
    """One matcher per subjects tuple per process. Looked up by identity first: hashing ten
    thousand profiles for every shard costs more than the lookup saves."""
    found = _matchers.get(id(subjects))
    if found is not None and found[0] is subjects:
        return found[1]
    for kept, matcher in _matchers.values():
        if kept == subjects:
            break
    else:
        matcher = SubjectMatcher(subjects)
    if len(_matchers) >= 4:
        _matchers.clear()
    _matchers[id(subjects)] = (subjects, matcher)
    return matcher


@dataclass(frozen=True)
class FindSubjects:
    """Step: replace each record's findings with the subjects' identifiers found in it."""

    subjects: tuple[SubjectProfile, ...]
    phone_region: str = "US"
    batch_chars: int = 1 << 20

    def __call__(self, records: Iterator[Record]) -> Iterator[Record]:
        matcher = _matcher(self.subjects)
        for batch in batched_by_size(records, self.batch_chars, 2048):
            texts = [r.text for r in batch]
            for record, found in zip(batch, matcher.match_batch(texts, self.phone_region)):
                record.findings = found
            yield from batch
