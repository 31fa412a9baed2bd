"""A person's profile: the identifiers to look for, read from TOML, JSON or YAML.

names = ["José Müller"]            # variants are generated (see normalize.name_variants)
nicknames = ["Pepe Müller"]
emails = ["jose.muller@example.org"]
phones = ["+49 30 901820", "(555) 123-4567"]
handles = ["@jmuller"]
urls = ["https://x.com/jmuller", "https://www.flickr.com/photos/12345678@N00/"]
strings = ["12 Example Road"]       # free text: an address, an employee id
domains = ["jose-muller.example"]
region = "DE"                       # for phones written without +country code (default:
                                    # the run's --phone-region, else US)
country = "us"                      # letters only (expunge rights letter): where you live,
state = "ca"                        # which decides the law; state: a US state or a German Land
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from expunge.errors import ExpungeError
from expunge.subject import normalize

LIST_KEYS = ("names", "nicknames", "emails", "phones", "handles", "urls", "strings", "domains")
# Only for letters (expunge rights letter), never matched: where to answer, which law applies.
LETTER_KEYS = ("postal_address", "country", "state")
# Two-letter states a profile may give: US states, DC and territories (USPS codes), and the
# German Länder (ISO 3166-2:DE without the prefix), which decide the competent authority.
US_STATES = frozenset({
    "al", "ak", "az", "ar", "ca", "co", "ct", "de", "dc", "fl", "ga", "hi", "id", "il", "in",
    "ia", "ks", "ky", "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh",
    "nj", "nm", "ny", "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut",
    "vt", "va", "wa", "wv", "wi", "wy", "pr", "gu", "vi", "as", "mp",
})  # fmt: skip
GERMAN_LAENDER = frozenset({
    "bw", "by", "be", "bb", "hb", "hh", "he", "mv", "ni", "nw", "rp", "sl", "sn", "st", "sh", "th",
})  # fmt: skip
STATES = {"us": US_STATES, "de": GERMAN_LAENDER}
KNOWN_KEYS = (*LIST_KEYS, "region", "id", *LETTER_KEYS)


@dataclass(frozen=True)
class Identifier:
    """One normalised identifier and the text the profile gave for it."""

    # name | email | phone | handle | profile | string | domain, and two derived kinds that
    # carry a handle's weight: handle_profile (a handle's profile URL on a platform, key
    # 'x:user') and profile_handle (a profile URL's '@user', key 'user').
    kind: str
    key: str  # normal form compared against normalised text
    given: str


@dataclass(frozen=True)
class SubjectProfile:
    id: str
    region: str
    identifiers: tuple[Identifier, ...] = field(default_factory=tuple)
    postal_address: str | None = None
    country: str | None = None  # ISO 3166 alpha-2, lower case; the requester's residence
    state: str | None = None  # lower case: a US state (USPS code) or a German Land (ISO 3166-2)

    @property
    def display_name(self) -> str | None:
        """The first name as the profile wrote it."""
        names = self.of_kind("name")
        return names[0].given if names else None

    def given(self, kind: str) -> list[str]:
        """Identifiers of `kind` as the profile wrote them, each once."""
        return list(dict.fromkeys(i.given for i in self.of_kind(kind)))

    def of_kind(self, kind: str) -> list[Identifier]:
        return [i for i in self.identifiers if i.kind == kind]


def _read(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ExpungeError(f"no such profile file: {path}", "check the path") from None
    except OSError as error:
        raise ExpungeError(
            f"cannot read {path}: {error.strerror}", "check its permissions"
        ) from None
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        import yaml  # loaded only for profiles written in YAML

        errors: tuple[type[Exception], ...] = (yaml.YAMLError, UnicodeDecodeError)
    else:
        errors = (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError)
    try:
        if suffix == ".toml":
            return tomllib.loads(raw.decode("utf-8"))
        if suffix == ".json":
            return json.loads(raw)
        if suffix in (".yaml", ".yml"):
            return yaml.safe_load(raw)
    except errors as error:
        kind = suffix[1:].upper()
        raise ExpungeError(f"{path}: not valid {kind}: {error}", "fix the syntax") from None
    raise ExpungeError(f"{path}: unknown profile format {suffix!r}", "use .toml, .json or .yaml")


def load_subject(path: Path | str, default_region: str = "US") -> SubjectProfile:
    path = Path(path)
    return parse_subject(
        _read(path), str(path), default_id=path.stem, default_region=default_region
    )


# A free string this short is part of every text: it would make any name mention "strong".
MIN_STRING_CHARS = 3
# Platforms whose user names are '@handles': a handle stands for its profile page there.
HANDLE_PLATFORMS = ("x", "instagram", "tiktok", "youtube", "github", "reddit")


def parse_subject(
    data: Any, source: str, default_id: str = "subject", default_region: str = "US"
) -> SubjectProfile:
    """Validate and normalise a profile mapping; every problem names the key and the value.
    `default_region` reads national phone numbers of a profile that gives no region."""
    if not isinstance(data, dict):
        raise ExpungeError(
            f"{source}: a profile is a table of keys", "see the example in the README"
        )
    unknown = [k for k in data if k not in KNOWN_KEYS]
    if unknown:
        raise ExpungeError(
            f"{source}: unknown key {unknown[0]!r}", "known keys: " + ", ".join(KNOWN_KEYS)
        )
    region = str(data.get("region", default_region)).upper()
    if region not in normalize.phonenumbers.SUPPORTED_REGIONS:
        raise ExpungeError(
            f"{source}: unknown region {region!r}", "use a region code like US, GB, DE"
        )
    lists: dict[str, list[str]] = {}
    for key in LIST_KEYS:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ExpungeError(
                f"{source}: {key} must be a list of strings", f'write {key} = ["..."]'
            )
        lists[key] = value
    for given in lists["strings"]:
        if len(normalize.fold(given)) < MIN_STRING_CHARS:
            raise ExpungeError(
                f"{source}: strings: {given!r} is shorter than {MIN_STRING_CHARS} characters",
                "it would match in almost every text; remove it or write it in full",
            )
    order_hint = str(data.get("country") or data.get("region") or "")
    identifiers: list[Identifier] = []
    for key in ("names", "nicknames"):
        for given in lists[key]:
            identifiers += [
                Identifier("name", v, given) for v in normalize.name_variants(given, order_hint)
            ]

    def one(kind: str, key: str, key_of: Any, problem: str) -> None:
        for given in lists[key]:
            identifiers.append(
                Identifier(kind, _need(key_of(given), source, key, given, problem), given)
            )

    one("email", "emails", normalize.email_key, "not an email address")
    one(
        "phone",
        "phones",
        lambda given: normalize.phone_key(given, region),
        f"not a valid phone number for region {region} (write it with +country code)",
    )
    one("handle", "handles", normalize.handle_key, "not a handle like @name or user@host")
    one("string", "strings", lambda given: normalize.fold(given) or None, "empty")
    one("domain", "domains", normalize.domain_key, "not a domain name")
    for given in lists["urls"]:
        keys = normalize.url_keys(given)
        if not keys:
            _need(
                None, source, "urls", given, "not a profile URL of a known platform or /@user page"
            )
        identifiers += [Identifier("profile", k, given) for k in keys]
    identifiers += _cross_identifiers(identifiers)
    if not identifiers:
        raise ExpungeError(
            f"{source}: the profile has no identifiers", "add names, emails, phones, ..."
        )
    unique = tuple(dict.fromkeys(identifiers))
    for key in LETTER_KEYS:
        if key in data and not isinstance(data[key], str):
            raise ExpungeError(f"{source}: {key} must be a string", f'write {key} = "..."')
    country = str(data["country"]).strip().lower() if "country" in data else None
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise ExpungeError(
            f"{source}: country {data['country']!r} is not a two-letter code", 'e.g. country = "de"'
        )
    state = _state(data, source, country)
    return SubjectProfile(
        id=str(data.get("id", default_id)),
        region=region,
        identifiers=unique,
        postal_address=data.get("postal_address"),
        country=country,
        state=state,
    )


def _state(data: dict[str, Any], source: str, country: str | None) -> str | None:
    """The profile's `state`: a US state or a German Land, checked against `country`."""
    if "state" not in data:
        return None
    return normalize_state(str(data["state"]), country, f"{source}: state")


def normalize_state(value: str, country: str | None, where: str = "--state") -> str:
    """A US state or German Land as two lower-case letters ('DE-BE' -> 'be'), checked against
    the country; the one rule for profiles and the request tracker."""
    state = value.strip().lower().removeprefix(f"{country}-")
    if country not in STATES:
        raise ExpungeError(
            f'{where} {value!r} needs country "us" or "de"'
            + (f" (the country given is {country!r})" if country else ""),
            "state is a US state (ca, va, il, ...) or a German Land (be, by, nw, ...)",
        )
    if state not in STATES[country]:
        raise ExpungeError(
            f"{where} {value!r} is not a two-letter code of {country.upper()}",
            "codes: " + ", ".join(sorted(STATES[country])),
        )
    return state


def _cross_identifiers(identifiers: list[Identifier]) -> list[Identifier]:
    """A handle also matches its profile pages on the '@handle' platforms, and a profile URL
    there also matches its '@handle'; both with a handle's (medium) weight."""
    out: list[Identifier] = []
    for ident in identifiers:
        if ident.kind == "handle":
            if ident.key.startswith("mastodon:"):
                out.append(Identifier("handle_profile", ident.key, ident.given))
            else:
                out += [
                    Identifier("handle_profile", f"{p}:{ident.key}", ident.given)
                    for p in HANDLE_PLATFORMS
                ]
        elif ident.kind == "profile":
            platform, _, user = ident.key.partition(":")
            if platform == "mastodon":
                out.append(Identifier("profile_handle", ident.key, ident.given))
            elif platform in HANDLE_PLATFORMS and normalize.handle_key(user):
                out.append(Identifier("profile_handle", user, ident.given))
    return out


def _need(key: str | None, source: str, field_name: str, given: str, problem: str) -> str:
    if key is None:
        raise ExpungeError(
            f"{source}: {field_name}: {given!r} is {problem}", "correct or remove it"
        )
    return key


def load_subjects_jsonl(path: Path, default_region: str = "US") -> list[SubjectProfile]:
    """Many subjects, one JSON profile per line (ids default to 'line-N')."""
    try:
        lines = path.read_bytes().splitlines()
    except FileNotFoundError:
        raise ExpungeError(f"no such subjects file: {path}", "check the path") from None
    profiles = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ExpungeError(
                f"{path}: line {number}: not valid JSON: {error}", "fix the line"
            ) from None
        profiles.append(
            parse_subject(
                data,
                f"{path}: line {number}",
                default_id=f"line-{number}",
                default_region=default_region,
            )
        )
    ids = [p.id for p in profiles]
    if len(set(ids)) != len(ids):
        raise ExpungeError(f"{path}: subject ids repeat", "give every line a unique 'id'")
    return profiles
