"""Who takes a complaint when a company misses a deadline.

- GDPR: the supervisory authority of the requester's country (GDPR Art. 77(1) lets a person
  complain in the Member State of habitual residence), from the Datenanfragen supervisory
  authority records (CC0), bundled as `expunge/data/datarequests/authorities.jsonl`.
  Germany has a federal commissioner (BfDI) and 16 Land authorities: the Land authorities
  supervise private companies (§40(1) BDSG), the BfDI public federal bodies and telecoms and
  postal companies. A German requester's complaint about a company goes to the authority of
  their Land (`GERMAN_LAND_AUTHORITY`, the requester's `state`), not to the BfDI. In Bavaria
  that is the BayLDA (the BayLfD supervises Bavarian public bodies).
- UK GDPR: the Information Commissioner's Office (record `gbico`).
- Swiss FADP: the Federal Data Protection and Information Commissioner (EDÖB/FDPIC, record
  `chedoeb`), who opens investigations on reports (FADP Art. 49); claims against a company go
  to the civil courts (FADP Art. 32).
- CCPA: the California Privacy Protection Agency (complaint form at
  https://cppa.ca.gov/webapplications/complaint, seen in a stored copy of the page), or the
  California Attorney General (https://oag.ca.gov/contact/consumer-complaint-against-business-or-company).
- Other US states: the state attorney general, who enforces each of those laws (`STATE_AGS`).
  Complaint URLs are given only where a stored page or two independent listings confirmed them;
  `None` means look for the consumer complaint page on the AG's own site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from expunge.errors import ExpungeError
from expunge.rights.deadlines import STATE_LAWS, normalize_country

_PACKAGE_PARTS = ("data", "datarequests", "authorities.jsonl")

# German records that are not the general authority for companies: church and broadcaster
# data-protection officers, and the federal and Bavarian public-sector commissioners.
_NOT_GENERAL = ("dekath", "deekd", "derf", "debfdi", "debayldb")

# The supervisory authority for private companies of each German Land (§40(1) BDSG), keyed by
# ISO 3166-2:DE code without the prefix, as the Datenanfragen records name them.
GERMAN_LAND_AUTHORITY = {
    "bw": "debawueldb",  # Baden-Württemberg
    "by": "debaylda",  # Bayern: Bayerisches Landesamt für Datenschutzaufsicht (private sector)
    "be": "deberlbdi",  # Berlin
    "bb": "debralda",  # Brandenburg
    "hb": "debrelfdi",  # Bremen
    "hh": "dehmbbfdi",  # Hamburg
    "he": "dehessbdi",  # Hessen
    "mv": "demvldi",  # Mecklenburg-Vorpommern
    "ni": "dendslfd",  # Niedersachsen
    "nw": "denrwldi",  # Nordrhein-Westfalen
    "rp": "derlpbdi",  # Rheinland-Pfalz
    "sl": "desaarudz",  # Saarland
    "sn": "desaechsdsb",  # Sachsen
    "st": "desalbd",  # Sachsen-Anhalt
    "sh": "deshuld",  # Schleswig-Holstein
    "th": "detlfdi",  # Thüringen
}
# Countries whose complaint authority depends on the requester's region: {country: {state: slug}}.
REGIONAL_AUTHORITIES = {"de": GERMAN_LAND_AUTHORITY}


@dataclass(frozen=True, slots=True)
class Authority:
    """Where a complaint goes. `source` says where the record came from."""

    slug: str
    name: str
    countries: tuple[str, ...] = ()
    address: str | None = None
    email: str | None = None
    webform: str | None = None
    web: str | None = None
    complaint_language: str | None = None
    comments: tuple[str, ...] = ()
    source: str = ""
    alternatives: tuple[str, ...] = field(default_factory=tuple)


def _bundled_lines() -> list[str]:
    """The bundled supervisory-authority records (read through importlib.resources, so a
    zipped install works too)."""
    from importlib import resources

    try:
        text = resources.files("expunge").joinpath(*_PACKAGE_PARTS).read_text("utf-8")
    except FileNotFoundError:
        raise ExpungeError("expunge/" + "/".join(_PACKAGE_PARTS) + " is missing",
                           "reinstall expunge") from None  # fmt: skip
    return text.splitlines()


@lru_cache(maxsize=4)
def load_authorities(path: Path | None = None) -> tuple[Authority, ...]:
    """Every supervisory-authority record (Datenanfragen format, one JSON object a line)."""
    where = str(path) if path else "expunge/" + "/".join(_PACKAGE_PARTS)
    lines = path.read_text("utf-8").splitlines() if path else _bundled_lines()
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError as error:
            raise ExpungeError(
                f"{where}: line {number}: not JSON ({error.msg})", "restore the file"
            ) from error
        out.append(
            Authority(
                slug=record["slug"],
                name=record["name"],
                countries=tuple(record.get("relevant-countries", ())),
                address=record.get("address"),
                email=record.get("email"),
                webform=record.get("webform"),
                web=record.get("web"),
                complaint_language=record.get("complaint-language"),
                comments=tuple(record.get("comments", ())),
                source=f"{where.rsplit('/', 1)[-1]} (Datenanfragen, CC0), record {record['slug']}",
            )
        )
    return tuple(out)


def supervisory_authority(
    country: str, slug: str | None = None, state: str | None = None
) -> Authority:
    """The GDPR supervisory authority for a requester living in `country` (and, where a
    country has one authority per region, `state`: Germany's Länder), or record `slug`."""
    records = load_authorities()
    if slug:
        return _by_slug(records, slug)
    code = normalize_country(country)
    regional = REGIONAL_AUTHORITIES.get(code)
    if regional is not None:
        region = (state or "").strip().lower().removeprefix(f"{code}-")
        if region not in regional:
            raise ExpungeError(
                (
                    "a complaint about a company goes to the data protection authority of your "
                    "Land (§40(1) BDSG), not the federal commissioner; "
                    + (f"{state!r} is not a German Land" if state else "no Land is given")
                ),
                'give your Land: state = "be" in the profile (or --state be); codes: '
                + ", ".join(sorted(regional)),
            )
        chosen = _by_slug(records, regional[region])
        why = (
            f"competent for private companies in {region.upper()} (§40(1) BDSG); the requester "
            "may complain where they live (Art. 77(1) GDPR)"
        )
        return Authority(**{**_as_dict(chosen), "comments": (*chosen.comments, why)})
    matches = [r for r in records if code in r.countries]
    general = [r for r in matches if not r.slug.startswith(_NOT_GENERAL)] or matches
    if not general:
        raise ExpungeError(
            f"no supervisory authority on file for country {code!r}",
            "give the EU/EEA country you live in (e.g. ie, de, fr), or pick one by slug",
        )
    chosen = general[0]
    others = tuple(f"{r.name} ({r.slug})" for r in general if r is not chosen)
    if others:
        return Authority(**{**_as_dict(chosen), "alternatives": others})
    return chosen


def _by_slug(records: tuple[Authority, ...], slug: str) -> Authority:
    for record in records:
        if record.slug == slug:
            return record
    raise ExpungeError(f"no supervisory authority with slug {slug!r}", _slugs_hint(records))


def _as_dict(authority: Authority) -> dict[str, Any]:
    return {name: getattr(authority, name) for name in Authority.__slots__}


def _slugs_hint(records: tuple[Authority, ...]) -> str:
    return "known slugs: " + ", ".join(r.slug for r in records)


CPPA = Authority(
    slug="us-ca-cppa",
    name="California Privacy Protection Agency (CalPrivacy)",
    countries=("us",),
    email="info@cppa.ca.gov",
    webform="https://cppa.ca.gov/webapplications/complaint",
    web="https://cppa.ca.gov/",
    source="stored copies of https://cppa.ca.gov/webapplications/complaint and "
    "https://ca.gov/departments/315 (email info@cppa.ca.gov)",
    alternatives=(
        (
            "California Attorney General, Public Inquiry Unit: "
            "https://oag.ca.gov/contact/consumer-complaint-against-business-or-company"
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class StateAG:
    code: str
    office: str
    complaint_url: str | None
    web: str
    source: str = ""


# Consumer-complaint pages of the attorneys general who enforce the state privacy laws.
STATE_AGS: dict[str, StateAG] = {
    ag.code: ag
    for ag in (
        StateAG("ca", "California Attorney General (Public Inquiry Unit)",
                "https://oag.ca.gov/contact/consumer-complaint-against-business-or-company",
                "https://oag.ca.gov/privacy/ccpa",
                "URL given by two independent third-party listings"),
        StateAG("va", "Office of the Attorney General of Virginia, Consumer Protection Section",
                None, "https://www.oag.state.va.us/consumer-protection/",
                "stored page oag.state.va.us/consumer-protection/about-us; complaint page "
                "URL not confirmed"),
        StateAG("co", "Colorado Attorney General",
                "https://coag.gov/file-complaint/", "https://coag.gov/resources/colorado-privacy-act/",
                "stored page https://coag.gov/file-complaint/"),
        StateAG("ct", "Connecticut Attorney General, Privacy Section", None,
                "https://portal.ct.gov/ag", "the AG's breach form links an 'e-Complaint Form'; "
                "its URL was not confirmed"),
        StateAG("ut", "Utah Attorney General / Division of Consumer Protection", None,
                "https://attorneygeneral.utah.gov/", "complaint URL not confirmed"),
        StateAG("tx", "Texas Attorney General, Consumer Protection Division",
                "https://www.texasattorneygeneral.gov/consumer-protection/file-consumer-complaint",
                "https://www.texasattorneygeneral.gov/consumer-protection/file-consumer-complaint/"
                "consumer-privacy-rights/texas-data-privacy-and-security-act",
                "URL given by several independent listings; the AG's TDPSA page sits under it"),
        StateAG("or", "Oregon Department of Justice, Privacy Unit", None,
                "https://www.doj.state.or.us/consumer-protection/",
                "stored pages on doj.state.or.us; privacy questions: oregonprivacy@doj.oregon.gov"),
        StateAG("mt", "Montana Department of Justice, Office of Consumer Protection", None,
                "https://dojmt.gov/consumer/", "complaint URL not confirmed"),
        StateAG("ia", "Iowa Attorney General, Consumer Protection Division",
                "https://www.iowaattorneygeneral.gov/for-consumers/file-a-consumer-complaint",
                "https://www.iowaattorneygeneral.gov/",
                "URL given by two independent listings"),
        StateAG("de", "Delaware Department of Justice, Consumer Protection Unit", None,
                "https://attorneygeneral.delaware.gov/", "complaint URL not confirmed"),
        StateAG("nj", "New Jersey Division of Consumer Affairs (Office of the Attorney General)",
                None, "https://www.njconsumeraffairs.gov/",
                "stored pages on njconsumeraffairs.gov (the Division enforces the NJ Data "
                "Privacy Act); complaint URL not confirmed"),
        StateAG("nh", "New Hampshire Department of Justice, Consumer Protection Bureau", None,
                "https://www.doj.nh.gov/", "complaint URL not confirmed"),
        StateAG("ky", "Kentucky Attorney General, Office of Consumer Protection", None,
                "https://www.ag.ky.gov/", "complaint URL not confirmed"),
        StateAG("tn", "Tennessee Attorney General, Consumer Protection Division", None,
                "https://www.tn.gov/attorneygeneral.html", "complaint URL not confirmed"),
        StateAG("mn", "Minnesota Attorney General", None,
                "https://www.ag.state.mn.us/Data-Privacy/",
                "stored pages ag.state.mn.us/Data-Privacy/...; complaint URL not confirmed"),
        StateAG("md", "Maryland Attorney General, Consumer Protection Division", None,
                "https://www.marylandattorneygeneral.gov/", "complaint URL not confirmed"),
        StateAG("in", "Indiana Attorney General, Consumer Protection Division", None,
                "https://www.in.gov/attorneygeneral/", "complaint URL not confirmed"),
        StateAG("ri", "Rhode Island Attorney General, Consumer Protection Unit", None,
                "https://riag.ri.gov/", "complaint URL not confirmed"),
        StateAG("ne", "Nebraska Attorney General, Consumer Protection Division", None,
                "https://ago.nebraska.gov/", "complaint URL not confirmed"),
    )
}  # fmt: skip


def state_attorney_general(code: str) -> Authority:
    """The attorney general who takes complaints under a state's privacy law."""
    ag = STATE_AGS.get(code.lower())
    if ag is None:
        raise ExpungeError(
            f"no attorney general on file for US state {code!r}",
            "states: " + ", ".join(sorted(STATE_AGS)),
        )
    law = STATE_LAWS.get(ag.code)
    comments = (f"enforces the {law.name}",) if law else ()
    return Authority(
        slug=f"us-{ag.code}-ag",
        name=ag.office,
        countries=("us",),
        webform=ag.complaint_url,
        web=ag.web,
        comments=comments,
        source=ag.source,
    )


def complaint_authority(
    law: str, requester_country: str | None, slug: str | None = None, state: str | None = None
) -> Authority:
    """The authority for a complaint about a request under `law` (`state`: the requester's
    German Land, where the country has one authority per region)."""
    if law == "gdpr":
        if not requester_country and not slug:
            raise ExpungeError(
                "a GDPR complaint goes to the authority of the country you live in",
                "pass the requester's country (e.g. --country ie)",
            )
        return supervisory_authority(requester_country or "", slug, state)
    if law == "uk-gdpr":
        return supervisory_authority("gb", slug or "gbico")
    if law == "fadp":
        return supervisory_authority("ch", slug or "chedoeb")
    if law == "ccpa":
        return CPPA
    if law.startswith("us-"):
        return state_attorney_general(law.removeprefix("us-"))
    if law == "bipa":
        raise ExpungeError(
            "BIPA has no complaint authority for a missed answer (it sets no response deadline)",
            "BIPA is enforced by private lawsuits (740 ILCS 14/20); ask a lawyer",
        )
    raise ExpungeError(f"unknown law {law!r}", "laws: gdpr, uk-gdpr, fadp, ccpa, us-<state>, bipa")
