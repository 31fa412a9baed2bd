"""Request letters: GDPR / UK GDPR, the Swiss FADP, CCPA/CPRA, other US state laws and BIPA.

Who the letter goes to and which law it cites follow from where the requester lives (the
profile's `country` and `state`) and from the company record: a Californian's CCPA letter goes
to the company's US business, a German's GDPR letter to its EU establishment, a Briton's to the
entity the policy names for the UK (`jurisdiction`). Each letter names the law's articles and
its own answer period (a letter sent by post counts from receipt, so it gives no date), asks for
confirmation that the person will be kept out of future training sets, lists the identifiers
the company needs to find them (from the subject profile), and, given an `expunge find` report,
quotes the evidence masked. Output: Markdown, plain text, an .eml ready to send, or a PDF.

The wording is in template files, one per kind and law (`data/templates/letters/`, see
`rights/templates.py`); this module makes the decisions and fills a `LetterContext`.

Legal texts the wording follows: GDPR Art. 12(3), 15(1)(a)-(h), 15(2)-(3), 16, 17(1)(a)-(d),
17(2), 19, 21(1)-(2); UK GDPR and the Data Protection Act 2018 (ss. 15, 165, 167, Schedules
2-4); FADP Art. 25, 30(2)(b), 32 and DPO Art. 18; Cal. Civ. Code §§1798.100-1798.135 and
1798.140(i), Cal. Code Regs. tit. 11 §§7021, 7024(h), 7026(f), 7027(g); the state acts in
`deadlines.STATE_LAWS`; 740 ILCS 14/10, 14/15(a)-(e) and 14/20 (as amended by Public Act
103-0769 of 2 August 2024).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from expunge.confidence import confidence_of
from expunge.errors import ExpungeError
from expunge.rights import templates
from expunge.rights.deadlines import STATE_LAWS, Deadline, StateLaw
from expunge.rights.directory import EEA, Company, Entity
from expunge.subject import SubjectProfile


@dataclass(frozen=True)
class Kind:
    law: str  # gdpr | ccpa | us-state | bipa (the family; the letter's law may be uk-gdpr/fadp)
    title: str
    basis: str  # the articles / sections relied on
    period: str  # the answer period, in words


_MONTH = "one month of receipt (Art. 12(3) GDPR)"
_CCPA_45 = (
    "45 calendar days of receipt (Cal. Civ. Code § 1798.130(a)(2)(A)); receipt to be "
    "confirmed within 10 business days (Cal. Code Regs. tit. 11, § 7021(a))"
)
KINDS: dict[str, Kind] = {
    "gdpr-access": Kind("gdpr", "Request for access (Art. 15 GDPR)", "Art. 15 and Art. 12(3) GDPR",
                        _MONTH),
    "gdpr-erasure": Kind("gdpr", "Request for erasure (Art. 17 GDPR)",
                         "Art. 17, Art. 19 and Art. 21 GDPR", _MONTH),
    "gdpr-objection-ai-training": Kind(
        "gdpr", "Objection to processing for AI model training (Art. 21(1) GDPR)",
        "Art. 21(1), Art. 18(1)(d) and Art. 17(1)(c) GDPR", _MONTH),
    "gdpr-rectification": Kind("gdpr", "Request for rectification (Art. 16 GDPR)",
                               "Art. 16, Art. 18(1)(a) and Art. 19 GDPR", _MONTH),
    "ccpa-know": Kind("ccpa", "Request to know (Cal. Civ. Code §§ 1798.110, 1798.115)",
                      "Cal. Civ. Code §§ 1798.100, 1798.110, 1798.115, 1798.130", _CCPA_45),
    "ccpa-delete": Kind("ccpa", "Request to delete (Cal. Civ. Code § 1798.105)",
                        "Cal. Civ. Code §§ 1798.105, 1798.130", _CCPA_45),
    "ccpa-correct": Kind("ccpa", "Request to correct (Cal. Civ. Code § 1798.106)",
                         "Cal. Civ. Code §§ 1798.106, 1798.130", _CCPA_45),
    "ccpa-opt-out": Kind("ccpa", "Request to opt out of sale and sharing (Cal. Civ. Code § 1798.120)",
                         "Cal. Civ. Code §§ 1798.120, 1798.135",
                         "15 business days (Cal. Code Regs. tit. 11, § 7026(f))"),
    "ccpa-limit": Kind("ccpa", "Request to limit use of sensitive personal information "
                       "(Cal. Civ. Code § 1798.121)", "Cal. Civ. Code § 1798.121",
                       "15 business days (Cal. Code Regs. tit. 11, § 7027(g))"),
    "bipa": Kind("bipa", "Biometric identifiers and information: Illinois Biometric Information "
                 "Privacy Act", "740 ILCS 14/15(a)-(e) and 14/20",
                 "no period: the Act sets none for answering letters"),
    "us-state": Kind("us-state", "Consumer privacy rights request",
                     "your state's consumer data privacy act",
                     "the period of your state's act (see deadlines.STATE_LAWS)"),
}  # fmt: skip

FORMATS = ("md", "txt", "eml", "pdf")
CHANNELS = ("email", "web-form", "post")
EEA_UK = EEA | {"gb", "ch"}
# Letter kinds as the tracker and the deadline rules know them, under the Swiss FADP.
_FADP_KIND = {
    "gdpr-access": "fadp-access",
    "gdpr-erasure": "fadp-erasure",
    "gdpr-rectification": "fadp-rectification",
    "gdpr-objection-ai-training": "fadp-objection",
}
_SWISS_ADDRESS = re.compile(r"\b(switzerland|schweiz|suisse|svizzera|svizra)\s*$", re.IGNORECASE)
_LAW_NAME = {"gdpr": "GDPR", "uk-gdpr": "UK GDPR", "fadp": "FADP"}


@dataclass(frozen=True)
class Jurisdiction:
    """The law a letter is written under and who it goes to, with the reasons (`notes`, said
    before the letter)."""

    law: str  # gdpr | uk-gdpr | fadp | ccpa | us-state | bipa
    country: str | None
    state: str | None
    addressee: Entity
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str  # Markdown-ish plain text: paragraphs and '- ' lists
    to: str | None  # email address, when the addressee has one
    web_form: str | None
    company: Company
    kind: str
    deadline: date | None  # the answer (or comply) date; None by post or when the law has none
    law: str = ""
    addressee: Entity | None = None
    channel: str | None = None  # email | web-form | post; None: the directory knows no route
    deadlines: tuple[Deadline, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()
    state: str | None = None
    country: str | None = None


def evidence_lines(report_dir: Path, subject_id: str, limit: int = 5) -> list[str]:
    """Masked quotes from an `expunge find` output directory (summary.json + findings.jsonl)."""
    summary_path, findings_path = report_dir / "summary.json", report_dir / "findings.jsonl"
    if not summary_path.is_file() or not findings_path.is_file():
        raise ExpungeError(
            f"--evidence {report_dir} is not an expunge find report",
            "pass the --out directory of `expunge find`",
        )
    summary = json.loads(summary_path.read_text("utf-8"))
    subjects = list(summary.get("by_subject") or {})
    if subject_id not in subjects and len(subjects) == 1:
        subject_id = subjects[0]  # a report about one person: that person is the requester
    rows: list[dict[str, Any]] = []
    with findings_path.open("rb") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("subject") in (subject_id, None) and confidence_of(row) == "strong":
                rows.append(row)
    if not rows:
        return []
    dataset = summary.get("dataset") or summary.get("root") or "the dataset"
    by_record: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in rows:
        by_record.setdefault((row["shard"], row["row"]), []).append(row)
    out = [
        (
            f"`expunge find` found my identifiers with strong evidence in {len(by_record)} "
            f"record(s) of {dataset} ({len({r['shard'] for r in rows})} file(s)). Examples, with my "
            "data masked:"
        )
    ]
    for (shard, number), found in list(by_record.items())[:limit]:
        kinds = ", ".join(dict.fromkeys(r["type"] for r in found))
        out.append(f'- {shard}, record {number} ({kinds}): "{found[0].get("context") or ""}"')
    return out


def _identifiers(profile: SubjectProfile) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The identifier kinds the profile gives, in the letter's order, with their values."""
    return tuple(
        (kind, tuple(values)) for kind in _IDENTIFIER_KINDS if (values := profile.given(kind))
    )


# --------------------------------------------------------------------------- jurisdiction


def _state_law_names() -> str:
    from expunge.rights.deadlines import STATE_LAWS

    return ", ".join(sorted(STATE_LAWS))


def _us_state_refusal(kind: str, state: str | None) -> ExpungeError | None:
    """Why a ccpa-* / us-state letter does not fit a US requester in `state` (None: it fits)."""
    from expunge.rights.deadlines import STATE_LAWS

    family = KINDS[kind].law
    if family == "ccpa":
        if state == "ca":
            return None
        if state is None:
            return ExpungeError(
                f"{kind} letters are for California residents (Cal. Civ. Code §1798.140(i)); "
                "the profile gives no state",
                'add state = "ca" to the profile (or pass --state ca) if you live in California',
            )
    elif family == "us-state" and state in STATE_LAWS:
        return None
    if state == "ca":
        return ExpungeError("California residents use the ccpa-* kinds, not us-state",
                            "use --kind ccpa-know, ccpa-delete, ccpa-correct, ccpa-opt-out or "
                            "ccpa-limit")  # fmt: skip
    if state == "il":
        return ExpungeError(
            "Illinois has no comprehensive consumer privacy act, so there is no "
            f"{'CCPA' if family == 'ccpa' else 'state-act'} letter for an Illinois resident",
            "for biometric data (face geometry, voiceprints) use --kind bipa (740 ILCS 14)",
        )
    if state in STATE_LAWS:
        law = STATE_LAWS[state]
        return ExpungeError(
            f"{kind} letters are for California residents (Cal. Civ. Code §1798.140(i)); "
            f"the profile says {state.upper()}",
            f"use --kind us-state: the {law.name} applies",
        )
    if state is None:
        return ExpungeError(
            'us-state letters need your state: state = "va" in the profile or --state va',
            "states with a comprehensive privacy act on file: " + _state_law_names(),
        )
    return ExpungeError(
        f"no comprehensive consumer privacy act is on file for {state.upper()}",
        "states on file: " + _state_law_names() + "; for biometric data in Illinois use bipa",
    )


def jurisdiction(
    kind: str, company: Company, profile: SubjectProfile, state: str | None = None
) -> Jurisdiction:
    """The law of a letter and its addressee, from where the requester lives.

    Refuses (one ExpungeError naming the kind to use) what the residence rules out: GDPR kinds
    for people outside the EEA, UK and Switzerland; US kinds for people outside the USA; ccpa-*
    for anyone but California residents (§1798.140(i)); us-state without a state act on file.
    A UK resident's GDPR kinds become UK GDPR letters; a Swiss resident's become FADP letters
    when the addressee sits in Switzerland, else GDPR letters to the EU establishment."""
    if kind not in KINDS:
        raise ExpungeError(f"unknown letter kind {kind!r}", "use one of: " + ", ".join(KINDS))
    if not profile.display_name:
        raise ExpungeError("the profile has no name", 'add names = ["First Last"] for letters')
    family = KINDS[kind].law
    country = profile.country
    given = state.strip().lower() if state else None
    if given and profile.state and given != profile.state:
        raise ExpungeError(
            f"--state {given} contradicts the profile's state = {profile.state!r}",
            "drop --state or correct the profile",
        )
    state = given or profile.state
    _check_state(given, country if family == "gdpr" else "us")
    notes: list[str] = []
    if family == "gdpr":
        if country is not None and country not in EEA_UK:
            raise ExpungeError(
                f"{kind} is for people in the EEA, the UK or Switzerland; the profile says {country}",
                "for the USA use ccpa-* (California), us-state or bipa",
            )
        law = "uk-gdpr" if country == "gb" else "gdpr"
        addressee, note = _addressee(company, country or "eea")
        if country == "ch":
            if _in_switzerland(addressee):
                law = "fadp"
                notes.append(f"{addressee.name} is in Switzerland: the letter cites the revised "
                             "Swiss Federal Act on Data Protection (FADP)")  # fmt: skip
            else:
                notes.append(f"{addressee.name} is not a Swiss controller: the letter cites the "
                             "GDPR, which binds its EU establishment or representative")  # fmt: skip
        if law == "uk-gdpr":
            notes.append("you live in the UK: the letter cites the UK GDPR and the Data "
                         "Protection Act 2018")  # fmt: skip
    else:
        if country not in (None, "us"):
            raise ExpungeError(
                f"{kind} is for US residents; the profile says {country}", "use a gdpr-* kind"
            )
        if family in ("ccpa", "us-state"):
            refusal = _us_state_refusal(kind, state)
            if refusal is not None:
                raise refusal
        elif state == "il":
            notes.append("Illinois has no comprehensive consumer privacy act; BIPA covers "
                         "biometric identifiers and information only (740 ILCS 14)")  # fmt: skip
        elif state is not None:
            notes.append(f"BIPA protects biometric data collected in Illinois; you live in "
                         f"{state.upper()}: it helps only if your biometrics were taken there")  # fmt: skip
        law = family
        addressee, note = _addressee(company, "us")
    if note:
        notes.append(note)
    elif company.entities:
        where = {"uk-gdpr": "the UK", "ccpa": "the USA", "us-state": "the USA",
                 "bipa": "the USA", "fadp": "Switzerland"}.get(law, country.upper() if country else "the EEA")  # fmt: skip
        notes.append(f"addressed to {addressee.name}, the entity {_brand(company)}'s "
                     f"policy names for requesters in {where}")  # fmt: skip
    return Jurisdiction(law, country, state, addressee, tuple(notes))


def _check_state(state: str | None, country: str | None) -> None:
    """A --state must be a code of the requester's country (US states, German Länder)."""
    from expunge.subject.profile import STATES

    if state is None:
        return
    codes = STATES.get(country or "")
    if codes is None:
        raise ExpungeError(
            f'--state {state} needs a profile with country = "us" or "de"',
            "state is a US state or a German Land; drop --state",
        )
    if state not in codes:
        raise ExpungeError(
            f"--state {state!r} is not a two-letter code of {(country or '').upper()}",
            "codes: " + ", ".join(sorted(codes)),
        )


def _addressee(company: Company, country: str) -> tuple[Entity, str | None]:
    entity = company.entity_for(country)
    if entity is not None:
        return entity, None
    fallback = company.as_entity()
    if company.entities:
        where = "the EEA" if country == "eea" else country.upper()
        return fallback, (
            f"the directory does not say which {_brand(company)} entity serves {where}; the "
            f"letter goes to {fallback.name}: check the company's privacy policy"
        )
    return fallback, None


def _brand(company: Company) -> str:
    return company.name.split(" ")[0]


def _in_switzerland(entity: Entity) -> bool:
    lines = [line for line in (entity.address or "").splitlines() if line.strip()]
    if lines:
        return bool(_SWISS_ADDRESS.search(lines[-1])) or bool(
            re.search(r"\bCH-\d{4}\b", entity.address or "")
        )
    return entity.serves == ("ch",)


def applicable(kind: str, company: Company, profile: SubjectProfile) -> None:
    """Refuse a letter the requester's residence makes pointless (see `jurisdiction`)."""
    jurisdiction(kind, company, profile)


# --------------------------------------------------------------------------- wording

# The wording is in data/templates/letters/ (rendered by rights/templates.py); this module
# only decides which template and fills its context.
_IDENTIFIER_KINDS = ("name", "email", "phone", "handle", "profile", "string")
_CORRECTION_KINDS = ("gdpr-rectification", "ccpa-correct")
_FADP_TITLES = {
    "gdpr-access": "Request for access (Art. 25 FADP)",
    "gdpr-erasure": "Request for deletion (Art. 32(2)(c) FADP)",
    "gdpr-objection-ai-training": "Objection to processing for AI model training "
    "(Art. 30(2)(b) FADP)",
    "gdpr-rectification": "Request for correction (Art. 32(1) FADP)",
}


@dataclass(frozen=True)
class LetterContext:
    """What a letter template is filled with: the decisions, no wording (the variables are
    listed in data/templates/letters/base.j2)."""

    kind: str
    law: str  # gdpr | uk-gdpr | fadp | ccpa | us-state | bipa
    law_name: str  # "GDPR" / "UK GDPR" in the GDPR letters' article citations
    title: str
    sent: date
    name: str
    postal_address: str | None  # as the profile writes it (the From block)
    postal_line: str | None  # on one line (the identifiers)
    addressee: Entity
    address_lines: tuple[str, ...]
    channel: str | None  # email | web-form | post; None: the directory knows no route
    identifiers: tuple[tuple[str, tuple[str, ...]], ...]
    evidence: tuple[str, ...]
    by_post: bool  # the period runs from delivery: the letter gives no dates
    due: dict[str, date]  # deadline kind -> date
    says: str | None
    should_say: str | None
    publishes_datasets: bool  # Art. 17(2): the company made the data public in datasets
    act: StateLaw | None  # the state act of a us-state letter


def letter_template(kind: str, law: str) -> str:
    """The template of a `kind` letter under `law`: one file per kind and law, UK GDPR letters
    share the GDPR ones (`law_name` tells them apart), FADP ones keep the GDPR kind names."""
    folder = "gdpr" if law == "uk-gdpr" else law
    right = kind.partition("-")[2] if folder in ("gdpr", "fadp", "ccpa") else "request"
    return f"letters/{folder}/{right}.j2"


def _check_correction(kind: str, says: str | None, should_say: str | None) -> None:
    if not says or not should_say:
        raise ExpungeError(
            f"{kind} needs the inaccurate statement and its correction",
            "add --says 'what they hold or their AI outputs about you' and "
            "--should-say 'what is correct'",
        )


def _title(kind: str, law: str, state: str | None) -> str:
    spec = KINDS[kind]
    if law == "uk-gdpr":
        return spec.title.replace(" GDPR)", " UK GDPR)")
    if law == "fadp":
        return _FADP_TITLES[kind]
    if law == "us-state" and state in STATE_LAWS:
        return f"Consumer privacy rights request ({STATE_LAWS[state].name})"
    return spec.title


# --------------------------------------------------------------------------- the letter


def choose_channel(addressee: Entity, wanted: str | None = None) -> str | None:
    """How to send: `wanted` if the addressee has that route, else email, web form, post;
    None when the directory knows no route at all."""
    routes = {"email": addressee.email, "web-form": addressee.web_form,
              "post": addressee.address}  # fmt: skip
    if wanted is not None:
        if wanted not in routes:
            raise ExpungeError(f"unknown --channel {wanted!r}", "use email, web-form or post")
        if not routes[wanted]:
            have = ", ".join(k for k, v in routes.items() if v) or "none"
            raise ExpungeError(
                f"the directory has no {wanted.replace('-', ' ')} for {addressee.name}",
                f"routes on file: {have}",
            )
        return wanted
    return next((k for k, v in routes.items() if v), None)


def write_letter(
    company: Company,
    kind: str,
    profile: SubjectProfile,
    sent: date,
    evidence: Path | None = None,
    state: str | None = None,
    *,
    channel: str | None = None,
    says: str | None = None,
    should_say: str | None = None,
) -> Letter:
    """The letter of `kind` from the person in `profile` to `company`, dated `sent`.

    `state` fills or confirms the profile's state; `channel` (email, web-form, post) defaults
    to the addressee's first route; by post the answer period runs from receipt, so the letter
    and `Letter.deadline` give no date. `says` / `should_say`: the inaccurate statement and its
    correction (gdpr-rectification, ccpa-correct)."""
    where = jurisdiction(kind, company, profile, state)
    law, addressee = where.law, where.addressee
    how = choose_channel(addressee, channel)
    track = tracker_kind(kind, where.state, law)
    deadlines = _deadlines(law, track, sent, where.country)
    answer = next((d.due for d in deadlines if d.kind in ("answer", "comply")), None)
    if how in ("post", None):  # from delivery: no date can be given (None: not sendable yet)
        answer = None
    name = profile.display_name or ""
    quote = evidence_lines(evidence, profile.id) if evidence is not None else []
    if kind in _CORRECTION_KINDS:
        _check_correction(kind, says, should_say)
    title = _title(kind, law, where.state)
    postal = profile.postal_address
    context = LetterContext(
        kind=kind,
        law=law,
        law_name=_LAW_NAME.get(law, ""),
        title=title,
        sent=sent,
        name=name,
        postal_address=postal,
        postal_line=" ".join(postal.split()) if postal else None,
        addressee=addressee,
        address_lines=tuple((addressee.address or "").splitlines()),
        channel=how,
        identifiers=_identifiers(profile),
        evidence=tuple(quote),
        by_post=how in ("post", None),
        due={d.kind: d.due for d in deadlines},
        says=says,
        should_say=should_say,
        publishes_datasets=bool(company.get("publishes-datasets")),
        act=STATE_LAWS.get(where.state or "") if law == "us-state" else None,
    )
    body = templates.render(letter_template(kind, law), context)
    return Letter(
        subject=f"{title} - {name}",
        body=body,
        to=addressee.email,
        web_form=addressee.web_form,
        company=company,
        kind=kind,
        deadline=answer,
        law=law,
        addressee=addressee,
        channel=how,
        deadlines=tuple(deadlines),
        notes=where.notes,
        state=where.state,
        country=where.country,
    )


def _deadlines(law: str, kind: str | None, sent: date, country: str | None) -> list[Deadline]:
    from expunge.rights.deadlines import deadlines_for

    if kind is None:
        return []
    holiday_country = country if law in ("gdpr", "uk-gdpr") else None
    return deadlines_for(_tracker_law(law, kind), kind, sent, holiday_country)


def _tracker_law(law: str, kind: str) -> str:
    if law == "us-state":
        return "us-" + kind.removeprefix("us-state-")[:2]
    return law


def tracker_kind(kind: str, state: str | None, law: str | None = None) -> str | None:
    """The request kind the tracker and the deadline rules use ('us-state' + 'va' ->
    'us-state-va-access'; a Swiss FADP letter 'gdpr-access' -> 'fadp-access'); None when the
    state is unknown."""
    if kind == "us-state":
        return f"us-state-{state}-access" if state else None
    if law == "fadp":
        return _FADP_KIND[kind]
    return kind


def tracker_law(letter: Letter) -> str:
    """The law a letter's tracker entry is recorded under (gdpr, uk-gdpr, fadp, ccpa, us-xx)."""
    kind = tracker_kind(letter.kind, letter.state, letter.law)
    return _tracker_law(letter.law, kind or "")


def answer_deadline(kind: str | None, sent: date, country: str | None) -> date | None:
    """When the company must answer (or comply), by expunge.rights.deadlines."""
    from expunge.rights.deadlines import deadlines_for, law_for_kind

    if kind is None:
        return None
    law = law_for_kind(kind)
    if law == "gdpr" and country == "gb":
        law = "uk-gdpr"
    for deadline in deadlines_for(law, kind, sent, country):
        if deadline.kind in ("answer", "comply"):
            return deadline.due
    return None


def how_to_send(letter: Letter) -> str:
    """Where to send the letter, in one sentence; says plainly when the directory knows no
    address, email or web form, and how to find one."""
    entity = letter.addressee or letter.company.as_entity()
    if letter.channel == "email":
        return f"email it to {entity.email}"
    if letter.channel == "web-form":
        return f"paste it into the web form {entity.web_form}"
    if letter.channel == "post":
        return f"post it to {entity.name}, " + ", ".join((entity.address or "").splitlines())
    web = letter.company.get("web")
    look = (
        f"look on {web} for its privacy policy, a contact or legal-notice (imprint) page"
        if web
        else "look for the company's website, privacy policy or legal notice (imprint)"
    )
    return (
        f"the directory has no postal address, email or web form for {entity.name}. To find "
        f"one: {look}; or search the company register of the country where it is established "
        "(EU companies must publish their address and email). Add the address to the letter "
        "before you send it"
    )


def render(letter: Letter, fmt: str, sender: str | None = None) -> bytes:
    if fmt == "md":
        return letter.body.encode()
    if fmt == "txt":
        return letter.body.replace("`", "").encode()
    if fmt == "eml":
        if not letter.to:
            raise ExpungeError(
                f"{letter.company.name} has no email address in the directory",
                f"use --format md/txt/pdf and send it via {letter.web_form or 'its web form or by post'}",
            )
        return _eml(letter, sender)
    if fmt == "pdf":
        return _pdf(letter)
    raise ExpungeError(f"unknown --format {fmt!r}", "use md, txt, eml or pdf")


def _eml(letter: Letter, sender: str | None = None, now: datetime | None = None) -> bytes:
    """The letter as an RFC 5322 message with Date and Message-ID. Headers with non-ASCII
    text (a Polish name, a Greek subject) are RFC 2047 encoded words made by
    `email.header.Header`, which encodes the spaces between words with them: the default
    policy's folder drops the space between two adjacent encoded words on Python 3.11."""
    from email.header import Header
    from email.utils import format_datetime, formataddr, make_msgid, parseaddr

    message = EmailMessage()

    def put(name: str, value: str) -> None:
        if value.isascii():
            message[name] = value
        else:  # stored as encoded (lines under 78 characters), so never refolded
            message.set_raw(name, Header(value, "utf-8", header_name=name).encode(linesep="\n"))

    put("To", letter.to or "")
    if sender:
        name, address = parseaddr(sender)
        if name.isascii():
            message["From"] = formataddr((name, address))
        else:
            header = Header(header_name="From")
            header.append(name, "utf-8")
            header.append(f"<{address}>", "us-ascii")
            message.set_raw("From", header.encode(linesep="\n"))
    put("Subject", letter.subject)
    message["Date"] = format_datetime((now or datetime.now(UTC)).astimezone())
    domain = parseaddr(sender or "")[1].rpartition("@")[2] or "expunge.invalid"
    message["Message-ID"] = make_msgid(domain=domain)  # never the machine's host name
    body = letter.body.replace("`", "")
    message.set_content(body, cte=None if body.isascii() else "quoted-printable")
    return bytes(message)


PDF_FONT = "DejaVuSans.ttf"  # data/fonts/, with its licence: Latin, Greek, Cyrillic and more


def _pdf(letter: Letter) -> bytes:
    """The letter as an A4 PDF in DejaVu Sans (embedded as a subset), so every name and
    address is drawn as written; characters the font lacks are an ExpungeError, never '?'."""
    from importlib import resources

    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(22, 20, 22)
    pdf.set_title(letter.subject)
    pdf.set_creator("expunge")
    font = resources.files("expunge") / "data" / "fonts" / PDF_FONT
    with resources.as_file(font) as path:
        pdf.add_font("DejaVuSans", fname=str(path))
    pdf.set_font("DejaVuSans", size=10.5)
    text = letter.body.replace("`", "")
    cmap = pdf.current_font.cmap  # type: ignore[union-attr]
    missing = sorted({c for c in text if ord(c) not in cmap and not c.isspace()})
    if missing:
        shown = ", ".join(f"U+{ord(c):04X}" for c in missing[:8])
        raise ExpungeError(
            f"the PDF font (DejaVu Sans) has no glyph for {len(missing)} character(s) of the "
            f"letter ({shown})",
            "use --format md, txt or eml, which keep every character",
        )
    pdf.add_page()
    for paragraph in text.split("\n\n"):
        pdf.multi_cell(0, 5.2, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)
    return bytes(pdf.output())
