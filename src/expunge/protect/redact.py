"""Reversible redaction of text before it is pasted into a chatbot, and restoring the answer.

Values are found by the project's detector (and, given subject profiles, by the subject
matcher of `expunge find`, so a person's own names and free strings count too) and replaced
by placeholders like `[EMAIL_1]`. The same value in its normal form (an email case-folded, a
phone in E.164, a name folded) gets the same placeholder for as long as the vault lives, so a
conversation over many pastes stays consistent. A placeholder stands for the first spelling
seen; restoring writes that spelling back.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from expunge.anonymize import Numbered, Span, anonymize
from expunge.detect import Detector
from expunge.detect.entities import ENTITY_TYPES, PATTERN_TYPES, TECHNICAL_TYPES
from expunge.detect.phone import check_phone_region
from expunge.errors import ExpungeError
from expunge.find.matcher import SubjectMatcher
from expunge.protect.vault import Vault
from expunge.records import Finding

if TYPE_CHECKING:
    from expunge.detect.registry import EntityType
from expunge.subject import SubjectProfile
from expunge.subject.normalize import fold, handle_key, phone_key, url_keys

# Every personal type: a `url` is a link that names a person (a home page, a profile page);
# links that name no one (documentation, code hosts) are url_technical and stay, as a chatbot
# needs them.
DEFAULT_TYPES: tuple[str, ...] = tuple(t for t in PATTERN_TYPES if t not in TECHNICAL_TYPES)
_CANDIDATES = ("email", "phone", "social_handle")  # what the subject matcher looks up

# Placeholder label per detector type and per subject identifier kind.
_TYPE_LABELS = {
    "email": "EMAIL",
    "phone": "PHONE",
    "credit_card": "CREDIT_CARD",
    "iban": "IBAN",
    "ip_address": "IP_ADDRESS",
    "us_ssn": "SSN",
    "url": "URL",
    "street_address": "ADDRESS",
    "date_of_birth": "BIRTH_DATE",
    "person": "NAME",
    "crypto_wallet": "CRYPTO_WALLET",
    "secret": "SECRET",
}
_KIND_LABELS = {
    "name": "NAME",
    "email": "EMAIL",
    "phone": "PHONE",
    "handle": "HANDLE",
    "profile": "PROFILE_URL",
    "string": "DETAIL",
    "domain": "DOMAIN",
}
LABELS = frozenset({*_TYPE_LABELS.values(), *_KIND_LABELS.values(), "HANDLE", "PROFILE_URL"})
# Which finding wins when two cover the same span: the detector's type, then the subject's.
_DETECTOR, _SUBJECT, _NER = range(3)


@dataclass(frozen=True, slots=True)
class Replacement:
    """One replaced span of the input (character offsets) and what replaced it."""

    start: int
    end: int
    label: str
    placeholder: str
    new: bool  # the vault had no placeholder for this value before


@dataclass(frozen=True, slots=True)
class RedactResult:
    text: str
    replacements: tuple[Replacement, ...]
    # whether other people's names were looked for (the `person` type: a name detector ran)
    names_checked: bool = False

    def counts(self) -> dict[str, int]:
        """Replaced occurrences per label, in order of first occurrence."""
        return dict(Counter(r.label for r in self.replacements))

    @property
    def new(self) -> int:
        """Distinct values this text added to the vault."""
        return len({r.placeholder for r in self.replacements if r.new})


@dataclass(frozen=True, slots=True)
class RestoreResult:
    text: str
    restored: int  # placeholder occurrences replaced by their values
    unknown: tuple[str, ...]  # placeholders in the text the vault does not hold (canonical form)


def names_available() -> bool:
    """Whether a name detector (spaCy with a model, extra `[ner]`) can be loaded, so that
    `redact` replaces other people's names by default."""
    from expunge.detect.ner import load_ner

    try:
        load_ner()
    except ExpungeError:
        return False
    return True


def default_types(custom: Sequence[EntityType] = ()) -> tuple[str, ...]:
    """What `redact` replaces when no types are given: every personal pattern type, the custom
    types, and `person` (names) when a name detector is installed."""
    names = tuple(t.name for t in custom)
    return (*DEFAULT_TYPES, *names, *(("person",) if names_available() else ()))


def check_types(types: Iterable[str] | None, custom: Sequence[EntityType] = ()) -> tuple[str, ...]:
    """The entity types to redact (the custom types' names are known too); ExpungeError for
    unknown names."""
    names = tuple(t.name for t in custom)
    if types is None:
        return DEFAULT_TYPES + names
    wanted = tuple(dict.fromkeys(t.strip() for t in types if t.strip()))
    known = (*ENTITY_TYPES, *names)
    unknown = [t for t in wanted if t not in known]
    if unknown or not wanted:
        raise ExpungeError(
            f"unknown type(s) in --types: {', '.join(unknown) or '(none given)'}",
            "choose from: " + ", ".join(known),
        )
    return wanted


def _label(finding: Finding, value: str, source: int) -> str:
    if source == _SUBJECT:
        return _KIND_LABELS.get(finding.type, "DETAIL")
    if source == _NER:
        return "NAME"
    if finding.type == "social_handle":  # '@name' / 'user@host' or a profile URL
        return "PROFILE_URL" if "/" in value else "HANDLE"
    return _TYPE_LABELS.get(finding.type, finding.type.upper())


def normal_form(label: str, value: str, region: str) -> str:
    """The key under which a value gets its placeholder: spellings of one value agree."""
    text = value.strip()
    if label == "EMAIL":
        return text.casefold()
    if label == "PHONE":
        digits = re.sub(r"[^0-9]", "", text)
        return phone_key(text, region) or ("+" + digits if text.startswith("+") else digits)
    if label == "HANDLE":
        return handle_key(text) or text.casefold()
    if label == "PROFILE_URL":
        keys = url_keys(text)
        return keys[0] if keys else text.casefold()
    if label in ("CREDIT_CARD", "IBAN", "SSN"):
        return re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if label == "IP_ADDRESS":
        try:
            return ipaddress.ip_address(text).compressed
        except ValueError:
            return text.casefold()
    if label in ("NAME", "ADDRESS", "DETAIL", "DOMAIN"):
        return fold(text)
    return text  # secrets, wallets, URLs, dates: exact


def _outside(text: str, start: int, end: int, found: Sequence[Finding]) -> list[tuple[int, int]]:
    """The parts of a name-like span (subject identifier, NER name) outside the detector's
    findings it crosses. 'Doe, jane' in 'Jane Doe, jane.doe@example.com' is an artefact of
    adjacent words: merged with the email it would swallow it; cut, it leaves 'Doe', which
    'Jane Doe' covers. A finding wholly inside the span does not cut it (the span covers it)."""
    pieces = [(start, end)]
    for f in found:
        if not (f.start < end and start < f.end) or (start <= f.start and f.end <= end):
            continue
        pieces = [
            part
            for s, e in pieces
            for part in ((s, min(e, f.start)), (max(s, f.end), e))
            if part[0] < part[1]
        ]
    kept = []
    for s, e in pieces:  # strip ', ' left at a cut; the span's own edges ('@') stay
        while s < e and s != start and not text[s].isalnum():
            s += 1
        while e > s and e != end and not text[e - 1].isalnum():
            e -= 1
        if s < e:
            kept.append((s, e))
    return kept


def _names(text: str) -> list[Finding]:
    """PERSON entities of the optional spaCy stage (type 'person'), as `scan --ner` finds them."""
    from expunge.detect.ner import DetectNames
    from expunge.records import Location, Record

    for done in DetectNames()(iter([Record(text, Location("-", 0))])):
        return list(done.findings)
    return []


def redact(
    text: str,
    vault: Vault | None = None,
    *,
    types: Iterable[str] | None = None,
    subjects: Sequence[SubjectProfile] = (),
    phone_region: str | None = None,
    custom: Sequence[EntityType] = (),
) -> RedactResult:
    """Replace personal data in `text` with placeholders from `vault` (new ones are added to
    it; None: a fresh one-way session). `types` limits the detector (default: default_types(),
    which adds names, 'person', when expunge[ner] is installed; 'person' given explicitly
    needs it); the subjects' identifiers are replaced whatever `types` says. `custom` types
    (`detect.load_patterns`) are detected too, their placeholder the name in capitals."""
    wanted = check_types(types, custom) if types is not None else default_types(custom)
    vault = Vault() if vault is None else vault
    region = check_phone_region(phone_region or (subjects[0].region if subjects else "US"))
    pattern_types = [t for t in wanted if t != "person"]
    scan_types = set(pattern_types) | (set(_CANDIDATES) if subjects else set())
    found = (
        Detector(types=sorted(scan_types), phone_region=region, custom=custom).scan(text)
        if scan_types
        else []
    )
    # Span types are placeholder labels; on the same stretch the detector's label wins (rank).
    spans = [
        Span(f.start, f.end, _label(f, text[f.start : f.end], _DETECTOR), _DETECTOR)
        for f in found
        if f.type in pattern_types
    ]
    extra: list[tuple[Finding, int]] = []
    if subjects:
        matcher = SubjectMatcher(tuple(subjects))
        candidates = [f for f in found if f.type in _CANDIDATES]
        extra += [(f, _SUBJECT) for f in matcher.match(text, candidates)]
    if "person" in wanted:
        extra += [(f, _NER) for f in _names(text)]
    for f, source in extra:
        label = _label(f, "", source)
        spans += [Span(s, e, label, source) for s, e in _outside(text, f.start, f.end, found)]
    # Numbers already written in the text as placeholders (a pasted answer) are not reused.
    numbered = Numbered(
        vault, lambda label, value: normal_form(label, value, region), _placeholders_in(text)
    )
    # The one overlap rule: spans that overlap become one covering both, nothing left readable.
    result = anonymize(text, spans, numbered)
    done = tuple(
        Replacement(r.span.start, r.span.end, r.span.type, r.replacement, new)
        for r, new in zip(result.replaced, numbered.new, strict=True)
    )
    return RedactResult(result.text, done, "person" in wanted)


# ---- restoring ----------------------------------------------------------------------------
# Chatbots echo placeholders imperfectly. Restored: square brackets with any case, '_', '-' or
# ' ' between words and number, and spaces inside ('[email 1]', '[ Email-1 ]'); the exact
# spelling in other brackets ('{EMAIL_1}', '<EMAIL_1>', '(EMAIL_1)') or none ('EMAIL_1' as a
# whole word). Not restored: lower-case forms without square brackets ('{email_1}',
# 'email_1'), which templates and code use for their own purposes. Markdown escapes ('\[',
# '\_') are allowed everywhere. Only labels redact() produces count.
_SEP = r"\\?[ _-]"
_RESTORE = re.compile(
    rf"(?P<sq>\\?\[[ \t]*(?P<sl>[A-Za-z]+(?:{_SEP}[A-Za-z]+)*)(?:{_SEP})?[ \t]*"
    r"(?P<sn>[0-9]{1,9})[ \t]*\\?\])"
    r"|(?P<ob>\\?[{<(])(?P<ol>[A-Z]+(?:\\?_[A-Z]+)*)\\?_(?P<on>[0-9]{1,9})(?P<cb>\\?[}>)])"
    r"|(?<![A-Za-z0-9_])(?P<bl>[A-Z]+(?:\\?_[A-Z]+)*)\\?_(?P<bn>[0-9]{1,9})(?![A-Za-z0-9_])"
)
_PAIRS = {"{": "}", "<": ">", "(": ")"}


def _canonical(match: re.Match[str], known: Collection[str] = LABELS) -> tuple[str, bool] | None:
    """('[LABEL_N]', whether an unknown one is worth reporting) for a match that names one of
    our labels, else None. Bare words are not reported: 'ISO_9001' is no placeholder."""
    if match.group("sq"):
        label, number, report = match.group("sl"), match.group("sn"), True
    elif match.group("ob"):
        if _PAIRS[match.group("ob")[-1]] != match.group("cb")[-1]:
            return None
        label, number, report = match.group("ol"), match.group("on"), True
    else:
        label, number, report = match.group("bl"), match.group("bn"), False
    label = re.sub(r"[ -]", "_", label.replace("\\", "")).upper()
    if label not in known:
        return None
    return f"[{label}_{int(number)}]", report


def _placeholders_in(text: str) -> set[str]:
    """Placeholders (canonical) the text already holds, in any spelling restore() accepts."""
    found = (_canonical(match) for match in _RESTORE.finditer(text))
    return {c[0] for c in found if c is not None}


def restore(text: str, vault: Vault) -> RestoreResult:
    """Put the vault's values back in place of its placeholders (and their variants)."""
    parts: list[str] = []
    restored = 0
    unknown: dict[str, None] = {}
    pos = 0
    known = LABELS | vault.labels()  # a vault from a later version may hold other labels
    for match in _RESTORE.finditer(text):
        canonical = _canonical(match, known)
        if canonical is None:
            continue
        value = vault.value(canonical[0])
        if value is None:
            if canonical[1]:
                unknown[canonical[0]] = None
            continue
        parts += [text[pos : match.start()], value]
        pos = match.end()
        restored += 1
    parts.append(text[pos:])
    return RestoreResult("".join(parts), restored, tuple(unknown))


def describe(counts: dict[str, int]) -> str:
    """'3 values: 1 email, 1 phone, 1 name' (labels in words, never values)."""
    total = sum(counts.values())
    head = f"{total} value" + ("" if total == 1 else "s")
    if not counts:
        return head
    words = []
    for label, n in counts.items():
        word = label.lower().replace("_", " ")
        if n != 1:
            word += "es" if word.endswith("s") else "s"
        words.append(f"{n} {word}")
    return f"{head}: {', '.join(words)}"
