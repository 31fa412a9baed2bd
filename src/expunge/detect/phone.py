"""Phone validation: libphonenumber's own metadata, without paying for `phonenumbers.parse`.

`phonenumbers.parse` + `is_valid_number` costs ~80 µs per call, too slow for a scanner that
sees hundreds of phone-shaped candidates per MB. The validity rules live in the metadata
(per-region regexes per number type); this module compiles them once per country code and
replays `is_valid_number`'s region selection. Shapes the fast path cannot normalise (regions
whose national prefix needs a transform rule) go to the real `phonenumbers` calls, memoised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

_TYPE_FIELDS = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager",
                "uan", "voicemail", "fixed_line", "mobile")  # fmt: skip


def _metadata(region: str, cc: int) -> PhoneMetadata | None:
    if region == "001":  # non-geographic numbering plans (+800, +882, ...)
        return PhoneMetadata.metadata_for_nongeo_region(cc, None)
    return PhoneMetadata.metadata_for_region(region, None)


def _compile(pattern: str | None) -> re.Pattern[bytes] | None:
    # Bytes patterns: candidates arrive as bytes from the scan buffer, no decode needed.
    return re.compile(pattern.encode("ascii")) if pattern else None


def _union(patterns: list[str]) -> re.Pattern[bytes] | None:
    return _compile("(?:" + ")|(?:".join(patterns) + ")") if patterns else None


class _RegionRules:
    """One region's validity rules. Only `leading_digits` is compiled up front: the type
    patterns are compiled on first use, per number length (a country code such as +1 has
    25 regions and most lengths never occur, so compiling everything costs ~0.1 s per
    process for nothing)."""

    __slots__ = ("_any", "_by_length", "_by_length_src", "_general", "_general_src",
                 "_unbounded", "general_lengths", "leading_digits")  # fmt: skip

    def __init__(self, md: PhoneMetadata) -> None:
        general = md.general_desc
        lengths: dict[int, list[str]] = {}
        unbounded: list[str] = []
        for name in _TYPE_FIELDS:
            desc = getattr(md, name)
            if desc is None or not desc.national_number_pattern:
                continue
            if desc.possible_length:
                for n in desc.possible_length:
                    lengths.setdefault(n, []).append(desc.national_number_pattern)
            else:
                unbounded.append(desc.national_number_pattern)
        self.leading_digits = _compile(md.leading_digits)
        self._general_src = general.national_number_pattern if general is not None else None
        self._general: re.Pattern[bytes] | None | bool = False  # False: not compiled yet
        self.general_lengths = frozenset(general.possible_length if general is not None else ())
        self._by_length_src = lengths
        self._by_length: dict[int, re.Pattern[bytes] | None] = {}
        self._unbounded = unbounded
        self._any: re.Pattern[bytes] | None | bool = False

    def general(self) -> re.Pattern[bytes] | None:
        found = self._general
        if found is False:
            found = self._general = _compile(self._general_src)
        return found  # type: ignore[return-value]

    def by_length(self, n: int) -> re.Pattern[bytes] | None:
        """Union of the type patterns allowing length `n`."""
        try:
            return self._by_length[n]
        except KeyError:
            found = self._by_length[n] = _union(self._by_length_src.get(n, []))
            return found

    def any_length(self) -> re.Pattern[bytes] | None:
        """Union of the type patterns that carry no length list."""
        found = self._any
        if found is False:
            found = self._any = _union(self._unbounded)
        return found  # type: ignore[return-value]


def _rules_for(md: PhoneMetadata) -> _RegionRules:
    return _RegionRules(md)


@cache
def _country_rules(cc: int) -> tuple[_RegionRules, ...]:
    rules = []
    for region in COUNTRY_CODE_TO_REGION_CODE.get(cc, ()):
        md = _metadata(region, cc)
        if md is not None:
            rules.append(_rules_for(md))
    return tuple(rules)


def _type_ok(rules: _RegionRules, nsn: bytes) -> bool:
    # Mirrors is_valid_number_for_region: general description first, then any concrete type.
    n = len(nsn)
    general = rules.general()
    if general is None or (rules.general_lengths and n not in rules.general_lengths):
        return False
    if general.fullmatch(nsn) is None:
        return False
    by_len = rules.by_length(n)
    if by_len is not None and by_len.fullmatch(nsn) is not None:
        return True
    any_length = rules.any_length()
    return any_length is not None and any_length.fullmatch(nsn) is not None


def valid_national_number(cc: int, nsn: bytes) -> bool:
    """is_valid_number for (country code, national significant number), regex-only."""
    rules = _country_rules(cc)
    if not rules:
        return False
    if len(rules) == 1:
        return _type_ok(rules[0], nsn)
    for r in rules:  # same region choice as region_code_for_number
        if r.leading_digits is not None:
            if r.leading_digits.match(nsn):
                return _type_ok(r, nsn)
        elif _type_ok(r, nsn):
            return True
    return False


@dataclass(frozen=True, slots=True)
class _Home:
    """What parsing a number written without '+' needs to know about the hint region."""

    cc: int
    intl_prefix: re.Pattern[bytes] | None
    national_prefix: re.Pattern[bytes] | None
    general: re.Pattern[bytes] | None
    simple: bool  # False when a transform rule is involved: use phonenumbers.parse instead


@cache
def _home(region: str) -> _Home:
    md = PhoneMetadata.metadata_for_region(region, None)
    if md is None:
        raise ValueError(f"unknown phone region {region!r}")
    general = md.general_desc
    if md.country_code is None:
        raise ValueError(f"phone region {region!r} has no country code")
    return _Home(
        cc=md.country_code,
        intl_prefix=_compile(md.international_prefix),
        national_prefix=_compile(md.national_prefix_for_parsing),
        general=_compile(general.national_number_pattern) if general is not None else None,
        simple=not md.national_prefix_transform_rule,
    )


def country_code(region: str) -> int:
    """The region's country code (1 for the North American plan)."""
    return _home(region).cc


def _split_country_code(digits: bytes) -> tuple[int, bytes] | None:
    if digits[:1] == b"0":  # country codes never start with 0
        return None
    for size in (1, 2, 3):
        cc = int(digits[:size]) if len(digits) >= size else 0
        if cc in COUNTRY_CODE_TO_REGION_CODE:
            return cc, digits[size:]
    return None


def _strip_national_prefix(home: _Home, number: bytes) -> bytes:
    # Same rule as libphonenumber: strip the prefix unless that turns a viable number unviable.
    if home.national_prefix is None:
        return number
    m = home.national_prefix.match(number)
    if m is None or m.end() == 0:
        return number
    stripped = number[m.end() :]
    if home.general is None:
        return stripped
    if home.general.fullmatch(number) and not home.general.fullmatch(stripped):
        return number
    return stripped


_slow_cache: dict[tuple[bytes, str], bool] = {}
_fast_cache: dict[tuple[bytes, str], bool] = {}
_SEPARATORS = b" \t()-./\xc2\xa0"


def _slow_valid(raw: bytes, region: str) -> bool:
    key = (raw, region)
    hit = _slow_cache.get(key)
    if hit is None:
        try:
            hit = phonenumbers.is_valid_number(phonenumbers.parse(raw.decode("utf-8"), region))
        except (phonenumbers.NumberParseException, UnicodeDecodeError):
            hit = False
        if len(_slow_cache) > 20_000:
            _slow_cache.clear()
        _slow_cache[key] = hit
    return hit


def is_valid_phone(raw: bytes, region: str) -> bool:
    """Whether `raw` (digits with separators, optional leading + or 00) is a valid number.

    Numbers with '+' / '00' / the region's international prefix carry their country code;
    others are read as national numbers of `region`. Same answers as
    `phonenumbers.is_valid_number(phonenumbers.parse(raw, region))` except that '00' is always
    read as the international prefix (the ITU recommendation), whatever the region dials.
    """
    key = (raw, region)
    hit = _fast_cache.get(key)
    if hit is None:
        hit = _is_valid_phone(raw, region)
        if len(_fast_cache) > 50_000:  # web text repeats footer numbers; bound the memory
            _fast_cache.clear()
        _fast_cache[key] = hit
    return hit


def _is_valid_phone(raw: bytes, region: str) -> bool:
    trunk_written = b"(0)" in raw  # "+44 (0)20 ...": the trunk 0 is shown but never dialled
    digits = raw.replace(b"(0)", b"").translate(None, _SEPARATORS).lstrip(b"+")
    if not digits.isdigit() or not 6 <= len(digits) <= 17:
        return False
    if raw.startswith(b"+"):
        split = _split_country_code(digits)
    elif digits.startswith(b"00"):
        split = _split_country_code(digits[2:])
    else:
        local = _home(region)
        m = local.intl_prefix.match(digits) if local.intl_prefix is not None else None
        if m is not None and m.end() > 0:
            split = _split_country_code(digits[m.end() :])
        elif not local.simple:
            return _slow_valid(raw, region)
        else:
            return _valid_home_number(local, digits)
    if split is None:
        return False
    cc, rest = split
    regions = COUNTRY_CODE_TO_REGION_CODE[cc]
    home = _home(regions[0]) if regions[0] != "001" else None
    if home is not None and not home.simple:
        return _slow_valid(b"+%d%s" % (cc, rest), "ZZ")
    if home is not None and not trunk_written:
        rest = _strip_national_prefix(home, rest)
    return valid_national_number(cc, rest)


def _valid_home_number(home: _Home, digits: bytes) -> bool:
    if valid_national_number(home.cc, _strip_national_prefix(home, digits)):
        return True
    # libphonenumber also accepts the home country code written without '+' ("49 30 ...").
    cc = b"%d" % home.cc
    if not digits.startswith(cc) or home.general is None or home.general.fullmatch(digits):
        return False
    rest = _strip_national_prefix(home, digits[len(cc) :])
    return home.general.fullmatch(rest) is not None and valid_national_number(home.cc, rest)


def check_region(region: str) -> str:
    """Upper-cased region code, or ValueError when libphonenumber does not know it."""
    code = region.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown phone region {region!r}; use an ISO 3166 code such as 'US'")
    return code


# --- how the region writes its national numbers ----------------------------------------------

_DIGIT_GROUPS = re.compile(rb"\d+")
_FIRST_GROUP_ONLY = re.compile(r"\(?\\1\)?")  # national prefix rule "(\1)": no prefix in it


@dataclass(frozen=True, slots=True)
class _Format:
    pattern: re.Pattern[str]
    leading: re.Pattern[str] | None
    format: str
    national_rule: str | None  # "0\1", "(0\1)", "0 \1", "(\1)" ...; None when there is none
    prefix_optional: bool
    national: bool  # False: an international-only format


@cache
def _formats(region: str) -> tuple[tuple[_Format, ...], str]:
    """The region's number formats (national ones first, then international-only ones) and
    its national prefix."""
    md = PhoneMetadata.metadata_for_region(region, None)
    if md is None:
        return (), ""
    out = []
    national = len(md.number_format)
    for i, fmt in enumerate((*md.number_format, *(md.intl_number_format or ()))):
        if fmt.format == "NA":
            continue
        leading = fmt.leading_digits_pattern
        out.append(_Format(
            pattern=re.compile(fmt.pattern),
            leading=re.compile(leading[-1]) if leading else None,
            format=fmt.format,
            national_rule=fmt.national_prefix_formatting_rule or None,
            prefix_optional=bool(fmt.national_prefix_optional_when_formatting),
            national=i < national,
        ))  # fmt: skip
    return tuple(out), md.national_prefix or ""


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(len(g) for g in re.findall(r"\d+", text))


def _coarsens(written: tuple[int, ...], layout: tuple[int, ...]) -> bool:
    """`written` is `layout` with some neighbouring groups run together (or equal to it)."""
    i = 0
    for size in written:
        total = 0
        while total < size and i < len(layout):
            total += layout[i]
            i += 1
        if total != size:
            return False
    return i == len(layout)


def _prefix_required(formats: tuple[_Format, ...], nsn: str) -> bool:
    """libphonenumber's matcher rule: a national number of this format must show its national
    prefix unless the format's rule makes it optional or only brackets the first group."""
    for fmt in formats:
        if not fmt.national:
            break
        if fmt.leading is not None and fmt.leading.match(nsn) is None:
            continue
        if fmt.pattern.fullmatch(nsn) is None:
            continue
        rule = fmt.national_rule
        optional = rule is None or fmt.prefix_optional or _FIRST_GROUP_ONLY.fullmatch(rule)
        return not optional
    return False


_layout_cache: dict[tuple[bytes, str, bool], bool] = {}


def national_layout_ok(raw: bytes, region: str, strict: bool = False) -> bool:
    """Whether `raw` (a valid national number of `region`, without '+') is written the way
    the region writes numbers: its digit groups are those of one of the region's number
    formats for these digits (any of them, whatever digits they are meant for; neighbouring
    groups may run together), with the national prefix shown as the format's rule shows it, run
    into the first group or as a group of its own. Without its national prefix it passes only
    where the numbering plan lets the prefix go (libphonenumber's matcher rule).
    So '(11) 96123-4567' is Brazilian, '98765 43210' Indian and '612 34 56 78' Spanish, while
    a CPF '123.456.789-09' or an ISBN's groups are no layout, and a French or German number
    without its 0 is not found. `strict` (for a region the text is only guessed to be from):
    only the formats meant for these leading digits count."""
    key = (raw, region, strict)
    hit = _layout_cache.get(key)
    if hit is None:
        hit = _layout_ok(raw, region, strict)
        if len(_layout_cache) > 20_000:
            _layout_cache.clear()
        _layout_cache[key] = hit
    return hit


def _layout_ok(raw: bytes, region: str, strict: bool) -> bool:
    formats, prefix = _formats(region)
    try:
        num = phonenumbers.parse(raw.decode("ascii"), region)
    except (phonenumbers.NumberParseException, UnicodeDecodeError):
        return False
    nsn = phonenumbers.national_significant_number(num)
    digits = b"".join(_DIGIT_GROUPS.findall(raw)).decode("ascii")
    if not digits.endswith(nsn):
        return False
    written_prefix = digits[: len(digits) - len(nsn)]
    if written_prefix not in ("", prefix):  # a country code or carrier code: not national
        return False
    if not written_prefix and _prefix_required(formats, nsn):
        return False
    written = tuple(len(g) for g in _DIGIT_GROUPS.findall(raw))
    for fmt in formats:
        m = fmt.pattern.fullmatch(nsn)
        if m is None or (strict and fmt.leading is not None and not fmt.leading.match(nsn)):
            continue
        layout = _sizes(m.expand(fmt.format))
        if not written_prefix:
            candidates = [layout]
        else:
            n = len(written_prefix)
            candidates = [(layout[0] + n, *layout[1:]), (n, *layout)]
            if fmt.national_rule:
                rule = fmt.national_rule.replace("$NP", prefix).replace("$FG", "\\1")
                candidates.append(_sizes(m.expand(fmt.format.replace("\\1", rule, 1))))
        if any(_coarsens(written, c) for c in candidates):
            return True
    return not written_prefix and any(
        leading.match(nsn) and _coarsens(written, layout)
        for leading, layout in _WRITTEN_LAYOUTS.get(region, ())
    )


# Layouts people write that libphonenumber's formats lack, per region: (leading digits of the
# national number, groups). Spain: Madrid's and Barcelona's two-digit codes (91/81, 93/83)
# written apart, '91 336 87 85' (Spanish numbering guides: "+34 91 XXX XX XX"; the MEDDOCAN
# case reports, benchmarks/eval_sets.py); landlines and mobiles in threes, '912 345 678',
# '612 345 678' (sent.dm's Spanish numbering guide; PIISA's Spanish test 'Tf. 913 444 111').
# The formats alone have '913 36 87 85' and '612 34 56 78'.
_WRITTEN_LAYOUTS: dict[str, tuple[tuple[re.Pattern[str], tuple[int, ...]], ...]] = {
    "ES": ((re.compile(r"[89][13]"), (2, 3, 2, 2)), (re.compile(r"[6-9]"), (3, 3, 3))),
}


def check_phone_region(region: str) -> str:
    """check_region for user input: ExpungeError (one line, with the fix) when unknown."""
    from expunge.errors import ExpungeError

    try:
        return check_region(region)
    except ValueError:
        raise ExpungeError(
            f"unknown phone region {region!r}", "use a region code such as US, GB, DE, BR, IN"
        ) from None
