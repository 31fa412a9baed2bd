"""Subject search at scale: one batch pass finds what running the detector on every record
finds, however identifiers are written, for many subjects at once."""

from __future__ import annotations

import os
import random
import stat
from pathlib import Path

import phonenumbers
import pytest

from expunge import hsdb
from expunge.find import matcher as find_matcher
from expunge.find.literals import build_plan, phone_tail, profile_trigger
from expunge.find.matcher import SubjectMatcher
from expunge.pipeline import detector_for
from expunge.records import Finding
from expunge.subject import SubjectProfile, parse_subject
from expunge.subject.normalize import url_keys

TYPES = ("email", "phone", "social_handle")


def subject(**fields: object) -> SubjectProfile:
    return parse_subject(fields, "test", default_id=str(fields.get("id", "subject")))


ANA = subject(
    id="ana",
    names=["Ana Lima"],
    emails=["ana.lima@gmail.com", "ana.lima@example.org"],
    phones=["+1 415 555 0132"],
    urls=["https://x.com/analima"],
    handles=["analima@mastodon.example"],
)
JOAO = subject(
    id="joao",
    names=["João Brandão"],
    emails=["jb@correio.example.pt"],
    phones=["+44 20 7946 0958"],
    region="GB",
)


def reference(matcher: SubjectMatcher, text: str, region: str = "US") -> list[Finding]:
    """What the search finds when the detector runs on the whole text (the old path)."""
    return matcher.match(text, detector_for(TYPES, region, 0.5).scan(text))


def levels(found: list[Finding], text: str) -> dict[str, tuple[str, str | None]]:
    return {text[f.start : f.end]: (f.confidence, f.subject) for f in found}


TEXTS = [
    # phones, any writing
    "Call (415) 555-0132 today",
    "Call +1 415.555.0132 or 415 555 0132",
    "tel: 001 415 555 0132",
    "Ring 020 7946 0958 or +44 (0)20 7946 0958 or 0044 20 7946 0958",
    "a near miss: 415 555 0133, and 7946 0958 alone",
    "numbers 12.415.555.0132.7 and 4155550132999 are not phones",
    # emails: case, +tag, Gmail dots
    "Write to AnaLima@gmail.com or a.n.a.l.i.m.a+news@googlemail.com",
    "ANA.LIMA+X@EXAMPLE.ORG replied; ana.lima@example.org.uk did not",
    "xana.lima@gmail.com and ana.lima@gmail.co and ana.lim@gmail.com are others",
    "mail jb+pt@correio.example.pt, not jb@correio.example.ptx",
    "only a tagged one: ana.lima+news@example.org",
    # profiles and handles
    "see https://twitter.com/AnaLima and https://mobile.x.com/analima/status/1",
    "follow @analima@mastodon.example or https://mastodon.example/@analima",
    "https://x.com/analimas is someone else; so is x.com/home",
    # names
    "Ana Lima, João Brandão and JOÃO BRANDÃO and Joao Brandao and BRANDÃO, João met.",
    "Diana Limas and Ana Limaye; Brandãoo Joãoo",
    "Ana Lima wrote from ana.lima@example.org and (415) 555-0132.",
]


@pytest.fixture(scope="module")
def two() -> SubjectMatcher:
    return SubjectMatcher([ANA, JOAO])


@pytest.mark.parametrize("tail_patterns", [32, 0])  # phones: tail regexes, digit clusters
def test_batch_finds_what_the_detector_on_every_record_finds(
    tail_patterns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(find_matcher, "_TAIL_PATTERNS_MAX", tail_patterns)
    two = SubjectMatcher([ANA, JOAO])
    assert two.match_batch(TEXTS) == [reference(two, t) for t in TEXTS]
    for region in ("GB", "DE"):
        assert two.match_batch(TEXTS, region) == [reference(two, t, region) for t in TEXTS]


def test_phones_match_however_written(two: SubjectMatcher) -> None:
    text = "Ring 020 7946 0958 or +44 (0)20 7946 0958 or 0044 20 7946 0958 or (415) 555-0132"
    found = levels(two.match_batch([text])[0], text)
    assert found == {
        "020 7946 0958": ("strong", "joao"),
        "+44 (0)20 7946 0958": ("strong", "joao"),
        "0044 20 7946 0958": ("strong", "joao"),
        "(415) 555-0132": ("strong", "ana"),
    }
    miss = "a near miss: 415 555 0133 and 20 7946 0959"
    assert two.match_batch([miss]) == [[]]


def test_email_variants(two: SubjectMatcher) -> None:
    # One writing per record: each must be found on its own, not thanks to a neighbour.
    found = [
        "AnaLima@gmail.com",
        "a.n.a.l.i.m.a+news@googlemail.com",
        "ANA.LIMA+X@EXAMPLE.ORG",
        "Ana.Lima@Example.org",
        "jb+pt@correio.example.pt",
    ]
    results = two.match_batch([f"write to {email} today" for email in found])
    for email, findings in zip(found, results, strict=True):
        assert [(f.end - f.start, f.confidence) for f in findings] == [(len(email), "strong")]
    others = [
        "xana.lima@gmail.com",
        "ana.lima@gmail.co",
        "ana.lima@example.com",
        "ana.lim@gmail.com",
        "jb@correio.example.ptx",
    ]
    assert two.match_batch([f"write to {email} today" for email in others]) == [[]] * 5


def test_accented_names_and_character_offsets(two: SubjectMatcher) -> None:
    text = "«JOÃO BRANDÃO» — Brandão, João; joão brandao; JoÃo BrandÃo; Joãozinho Brandão"
    found = two.match_batch([text])[0]
    spans = [text[f.start : f.end] for f in found]
    assert spans == ["JOÃO BRANDÃO", "Brandão, João", "joão brandao", "JoÃo BrandÃo"]
    assert {f.subject for f in found} == {"joao"} and {f.confidence for f in found} == {"weak"}
    assert found == reference(two, text)


def test_non_ascii_profile_url() -> None:
    person = subject(id="yt", urls=["https://www.youtube.com/c/Café-Olé"])
    matcher = SubjectMatcher([person])
    texts = ["watch https://youtube.com/c/Café-Olé now", "not https://youtube.com/c/Cafe-Ole"]
    found = matcher.match_batch(texts)
    assert [(f.type, f.confidence) for f in found[0]] == [("profile", "strong")]
    assert found == [reference(matcher, t) for t in texts]


def test_names_with_many_accents_use_the_regex_path() -> None:
    name = "Ľéöñäüïç Ôâêîûàèìò"  # far more case combinations than are spelled out
    person = subject(id="many", names=[name])
    plan = build_plan([person])
    assert plan.patterns  # more than MAX_COMBINATIONS case combinations: not spelled out
    assert all(lit.isascii() for lit in plan.literals)
    matcher = SubjectMatcher([person])
    text = f"by {name.upper()} and {name.lower()} and {name}."
    found = matcher.match_batch([text])[0]
    assert [text[f.start : f.end] for f in found] == [name.upper(), name.lower(), name]


def test_many_subjects_in_one_pass_find_each_ones_records() -> None:
    rng = random.Random(5)
    regions = ["US", "GB", "DE", "FR", "IT", "ES", "NL", "BR"]
    people: list[SubjectProfile] = []
    writings: list[tuple[str, str]] = []  # (subject id, text mentioning them strongly)
    for i in range(400):
        region = regions[i % len(regions)]
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        assert example is not None
        national = str(example.national_number)
        while True:
            number = phonenumbers.parse(
                f"+{example.country_code}{national[:-4]}{rng.randrange(10_000):04d}"
            )
            if phonenumbers.is_valid_number(number):
                break
        local = f"person.{i}.x"
        domain = "gmail.com" if i % 3 == 0 else f"mail{i % 7}.example.com"
        people.append(
            subject(
                id=f"p{i}",
                names=[f"Given{i} Family{i}"],
                emails=[f"{local}@{domain}"],
                phones=[phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)],
                urls=[f"https://github.com/user-{i}"],
                region=region,
            )
        )
        if i % 8 == 0:
            national_form = phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.NATIONAL
            )
            writings.append((f"p{i}", f"Reach me at {national_form} please"))
        elif i % 8 == 1:
            mailbox = local.replace(".", "") if domain == "gmail.com" else local.upper()
            writings.append((f"p{i}", f"mail {mailbox}+tag@{domain} now"))
        elif i % 8 == 2:
            writings.append((f"p{i}", f"profile: https://www.github.com/User-{i}"))
        elif i % 8 == 3:
            writings.append((f"p{i}", f"GIVEN{i} FAMILY{i} spoke"))  # name alone: weak
    texts = ["nothing here " * 20] + [t for _, t in writings]
    matcher = SubjectMatcher(people)
    results = matcher.match_batch(texts)
    assert results[0] == []
    for (sid, text), found in zip(writings, results[1:], strict=True):
        assert {f.subject for f in found} == {sid}, text
        wanted = "weak" if "spoke" in text else "strong"
        assert {f.confidence for f in found} == {wanted}, text
    # The same as running the detector on every record (per record region: US)
    assert results == [reference(matcher, t) for t in texts]


def _count_compiles(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time a hyperscan database is compiled."""
    compiled: list[int] = []
    real = hsdb.hyperscan.Database

    def counting(*args: object, **kwargs: object) -> object:
        compiled.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hsdb.hyperscan, "Database", counting)
    return compiled


def test_compiled_databases_are_cached_on_disk_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [*TEXTS, "nothing at all"]
    expected = SubjectMatcher([ANA, JOAO]).match_batch(texts)
    cache = tmp_path / "cache"
    monkeypatch.setenv(hsdb.CACHE_ENV, str(cache))
    monkeypatch.setattr(hsdb, "_held", {})
    assert SubjectMatcher([ANA, JOAO]).match_batch(texts) == expected
    files = sorted(cache.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    # A fresh process (no in-memory databases) loads them instead of compiling.
    monkeypatch.setattr(hsdb, "_held", {})
    compiled = _count_compiles(monkeypatch)
    assert SubjectMatcher([ANA, JOAO]).match_batch(texts) == expected
    assert not compiled
    # A damaged file is compiled again and replaced.
    for f in files:
        f.write_bytes(b"not a database")
    monkeypatch.setattr(hsdb, "_held", {})
    assert SubjectMatcher([ANA, JOAO]).match_batch(texts) == expected
    assert compiled and all(f.read_bytes() != b"not a database" for f in files)


def test_no_cache_files_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hsdb.CACHE_ENV, raising=False)
    monkeypatch.setattr(hsdb, "_held", {})
    monkeypatch.chdir(tmp_path)
    SubjectMatcher([ANA]).match_batch(TEXTS)
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/JDoe",
        "https://mobile.twitter.com/jdoe/status/123",
        "twitter.com//jdoe",
        "https://www.instagram.com/j.doe/",
        "https://www.facebook.com/profile.php?id=1234567",
        "https://fb.com/jane.doe.5",
        "https://www.linkedin.com/in/Jane-Doe-1a2b/",
        "https://old.reddit.com/u/JaneDoe",
        "https://www.flickr.com/photos/12345678@N00/51234567890",
        "https://www.youtube.com/@JaneDoe",
        "https://www.youtube.com/channel/UCabcDEF123",
        "https://www.tiktok.com/@jane.doe",
        "https://github.com/jane-doe",
        "https://mastodon.example/@jane",
    ],
)
def test_profile_triggers_are_in_every_profile_url(url: str) -> None:
    keys = url_keys(url)
    assert keys
    for key in keys:
        assert profile_trigger(key).lower() in url.lower(), key


@pytest.mark.parametrize("region", ["US", "GB", "DE", "FR", "IT", "AR", "MX", "BR", "JP", "IN"])
def test_phone_tails_end_every_writing_of_the_number(region: str) -> None:
    for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
        number = phonenumbers.example_number_for_type(region, kind)
        assert number is not None
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        tail = phone_tail(e164)
        assert tail
        for style in phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.E164:
            written = phonenumbers.format_number(number, style)
            assert "".join(c for c in written if c.isdigit()).endswith(tail), written


def test_the_detectors_own_database_is_cached_and_nothing_with_anyones_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The built-in patterns hold no one's data: cached in the user's cache folder by default
    (a one-record scan starts ~0.1 s sooner); find's databases and a user's own types never."""
    from expunge.detect import Detector, EntityType, engine

    monkeypatch.delenv(hsdb.CACHE_ENV, raising=False)
    monkeypatch.delenv(hsdb.NO_CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(hsdb, "_held", {})
    monkeypatch.setattr(engine, "_compiled", {})
    Detector().scan("mail jane@example.org")
    folder = tmp_path / "expunge" / "hyperscan"
    files = sorted(folder.iterdir())
    assert [f.name.split("-")[0] for f in files] == ["detect"]
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    # find's own databases (the subjects' identifiers) and a user's types are never written;
    # the detectors find builds for its context are (built-in patterns and link markers)
    SubjectMatcher([ANA]).match_batch(TEXTS)
    Detector(custom=[EntityType("codename", literals=("Bluebird",))]).scan("Bluebird")
    written = sorted(folder.iterdir())
    assert all(f.name.startswith("detect-") for f in written), written
    for found in written:
        data = found.read_bytes().lower()
        assert b"bluebird" not in data and b"analima" not in data and b"ana.lima" not in data
        if found != files[0]:
            found.unlink()
    # a fresh process loads it instead of compiling
    monkeypatch.setattr(hsdb, "_held", {})
    monkeypatch.setattr(engine, "_compiled", {})
    compiled = _count_compiles(monkeypatch)
    assert [f.type for f in Detector().scan("mail jane@example.org")] == ["email"]
    assert not compiled
    # EXPUNGE_NO_CACHE: compiled, nothing read or written
    monkeypatch.setenv(hsdb.NO_CACHE_ENV, "1")
    monkeypatch.setattr(hsdb, "_held", {})
    monkeypatch.setattr(engine, "_compiled", {})
    files[0].unlink()
    Detector().scan("mail jane@example.org")
    assert compiled and not any(folder.iterdir())
