"""A known phone number in every form a text may write it, and the digit runs of a text.

A subject's phone is matched in its own terms, never through a run's region: the number
(E.164, from the profile) fixes its country, and from that country's numbering plan come the
digit strings a writer may use:

    national significant number      11 98765-4321         (Brazil, NSN)
    trunk prefix + NSN                (011) 98765-4321      ('0' BR/GB/DE..., '1' NANP, '06' HU)
    country code + NSN                +55 11 98765-4321
    country code + (0) + NSN          +44 (0)20 7946 0958   (the trunk 0 shown in brackets)
    international prefix + CC + NSN   0055 11 ..., 011 55 11 ..., 0011 55 ...

A text's side is `digit_runs`: runs of digit groups joined by at most two separator characters
(space, dot, dash, slash, brackets, no-break space), and every contiguous range of a run's groups
(a number glued to a date or a second number by one space is still found). A run that starts
with '+' is an international number: only ranges from its first group count. A range matches
when its digits are one of the forms, exactly: a number one digit off, or the same digits inside
a longer number, do not match. find, the index and the suppression registry all use these two
functions, so they agree on which texts hold a subject's phone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

# Digit strings shorter than this are not matched: too many numbers of other kinds collide.
MIN_DIGITS = 6
MAX_DIGITS = 17
# Groups of one run at most: longer runs are tables of numbers, matched group range by range.
MAX_GROUPS = 12
_RUN = re.compile(
    r"(?<![0-9+(])(\+[ \u00a0]?)?\(?[0-9]+(?:(?:[ .\-/()\u00a0]{1,2}|[ \u00a0]?\(0\)[ \u00a0]?)[0-9]+)*"
)
_GROUP = re.compile(r"[0-9]+")


@cache
def _international_prefixes() -> tuple[str, ...]:
    """Dialling prefixes for calls abroad that are plain digit strings ('00', '011', '0011',
    '010', '810', ...), from libphonenumber's metadata of every region."""
    found = {"00"}
    for region in phonenumbers.SUPPORTED_REGIONS:
        md = PhoneMetadata.metadata_for_region(region, None)
        if md is None:
            continue
        for prefix in (md.international_prefix, md.preferred_international_prefix):
            plain = (prefix or "").replace("~", "")
            if plain.isdigit() and 2 <= len(plain) <= 4:  # "0" alone would shadow trunk forms
                found.add(plain)
    return tuple(sorted(found))


def split_e164(e164: str) -> tuple[int, str] | None:
    """(country calling code, national significant number) of '+CCNSN'."""
    digits = e164.lstrip("+")
    if not digits.isdigit():
        return None
    for size in (1, 2, 3):  # country calling codes are prefix-free
        cc = int(digits[:size])
        if cc in COUNTRY_CODE_TO_REGION_CODE:
            return cc, digits[size:]
    return None


@cache
def phone_forms(e164: str) -> frozenset[str]:
    """Every digit string (no separators, no '+') a text may write this number as."""
    split = split_e164(e164)
    if split is None:
        return frozenset()
    cc, nsn = split
    regions = COUNTRY_CODE_TO_REGION_CODE[cc]
    trunks: set[str] = set()
    for region in regions:
        md = (
            PhoneMetadata.metadata_for_nongeo_region(cc, None)
            if region == "001"
            else PhoneMetadata.metadata_for_region(region, None)
        )
        if md is not None and md.national_prefix and md.national_prefix.isdigit():
            trunks.add(md.national_prefix)
    code = str(cc)
    international = {code + nsn} | {code + "0" + nsn for t in trunks if t == "0"}
    forms = {nsn} | {t + nsn for t in trunks} | international
    forms |= {p + i for p in _international_prefixes() for i in international}
    return frozenset(f for f in forms if MIN_DIGITS <= len(f) <= MAX_DIGITS)


def digit_runs(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, digits) of every range of digit groups a phone could be written as, in
    characters of `text`; ranges of MIN_DIGITS..MAX_DIGITS digits only."""
    if not any(c.isdigit() for c in text):  # most records of most datasets: no work
        return
    for run in _RUN.finditer(text):
        groups = [(m.start(), m.end()) for m in _GROUP.finditer(run.group(0))]
        base = run.start()
        international = run.group(1) is not None
        firsts = range(1) if international else range(min(len(groups), MAX_GROUPS))
        for i in firsts:
            digits = ""
            for j in range(i, min(len(groups), i + MAX_GROUPS)):
                digits += run.group(0)[groups[j][0] : groups[j][1]]
                if len(digits) > MAX_DIGITS:
                    break
                if len(digits) >= MIN_DIGITS:
                    start = run.start() if i == 0 else base + groups[i][0]
                    yield start, base + groups[j][1], digits


def forms_of(phone: str, region: str) -> frozenset[str]:
    """Forms of a number as a profile gives it (E.164 after parsing with `region`)."""
    from expunge.subject.normalize import phone_key

    key = phone_key(phone, region)
    return phone_forms(key) if key else frozenset()
