"""Request letters: GDPR / UK GDPR, the Swiss FADP, CCPA/CPRA, other US state laws and BIPA.

Who the letter goes to and which law it cites follow from where the requester lives (the
profile's `country` and `state`) and from the company record: a Californian's CCPA letter goes
to the company's US business, a German's GDPR letter to its EU establishment, a Briton's to the
entity the policy names for the UK (`jurisdiction`). Each letter names the law's articles and
its own answer period (a letter sent by post counts from receipt, so it gives no date), asks for
confirmation that the person will be kept out of future training sets, lists the identifiers
the company needs to find them (from the subject profile), and, given an `expunge find` report,
quotes the evidence masked. Output: Markdown, plain text, an .eml ready to send, or a PDF.

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

from expunge.errors import ExpungeError
from expunge.rights.deadlines import Deadline
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
            if row.get("subject") in (subject_id, None) and row.get("validator") == "strong":
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


def _identifiers(profile: SubjectProfile) -> list[str]:
    lines = []
    for kind, label in (("name", "Name"), ("email", "Email"), ("phone", "Phone"),
                        ("handle", "Handle"), ("profile", "Profile URL"), ("string", "Other")):  # fmt: skip
        values = profile.given(kind)
        if values:
            lines.append(f"- {label}: {', '.join(values)}")
    if profile.postal_address:
        lines.append(f"- Postal address: {' '.join(profile.postal_address.split())}")
    return lines


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


def _name(law: str) -> str:
    return _LAW_NAME.get(law, "GDPR")


def _suppression() -> str:
    return (
        "Please also confirm that you will keep me out of future training, fine-tuning and "
        "evaluation datasets and future crawls (for example by keeping a minimal suppression "
        "record of the identifiers listed here), not only remove me from the current ones."
    )


def _correction(says: str | None, should_say: str | None, kind: str) -> list[str]:
    if not says or not should_say:
        raise ExpungeError(
            f"{kind} needs the inaccurate statement and its correction",
            "add --says 'what they hold or their AI outputs about you' and "
            "--should-say 'what is correct'",
        )
    return [
        f'- What you hold or your AI system outputs about me: "{says}"',
        f'- What is correct: "{should_say}"',
    ]


def _gdpr_paragraphs(kind: str, company: Company, law: str, says: str | None,
                     should_say: str | None) -> list[str]:  # fmt: skip
    g = _name(law)
    if kind == "gdpr-access":
        out = [
            (
                f"I ask you to confirm whether you process personal data about me and, if so, to "
                f"give me access to it and to the following information (Art. 15(1) {g}):"
            ),
            "- (a) the purposes of the processing;",
            "- (b) the categories of personal data concerned;",
            (
                "- (c) the recipients or categories of recipient to whom the data have been or "
                "will be disclosed, in particular recipients in third countries;"
            ),
            "- (d) how long the data will be stored, or the criteria used to decide that;",
            (
                "- (e) that I may ask you to rectify or erase the data, to restrict its "
                "processing, and may object to it;"
            ),
            "- (f) that I may lodge a complaint with a supervisory authority;",
            (
                "- (g) where the data were not collected from me, all available information on "
                "their source;"
            ),
            (
                "- (h) whether automated decision-making, including profiling, takes place "
                "(Art. 22(1) and (4)), and at least in those cases meaningful information about "
                "the logic involved and the significance and envisaged consequences of that "
                "processing for me."
            ),
            (
                f"Where data are transferred to a third country, please name the safeguards "
                f"(Art. 15(2) {g}), and send me a copy of the personal data (Art. 15(3) {g})."
            ),
            "Because you develop or operate AI models, please answer in particular:",
            (
                "- Is my personal data, or content about me, in any dataset you use to train, "
                "fine-tune or evaluate AI models? Which datasets, and from which sources (web crawls, "
                "licensed data, user content, data brokers)?"
            ),
            "- Which models were trained on it, and are they still in use?",
            (
                "- Have you tested whether those models memorise or can reproduce my data (for "
                "example my name with my email address or phone number)? With what result?"
            ),
            "- How long do you keep training data, and does that include my data?",
        ]
        if law == "uk-gdpr":
            out.append(
                "If you withhold any of it relying on an exemption in the Data Protection Act "
                "2018 (section 15 and Schedules 2 to 4), please name the exemption and say what "
                "it covers."
            )
        return out
    if kind == "gdpr-erasure":
        out = [
            (
                f"I ask you to erase all personal data about me without undue delay (Art. 17(1) "
                f"{g}), including copies in datasets used to train, fine-tune or evaluate AI "
                "models. At least one of these grounds applies:"
            ),
            (
                "- (a) the data are no longer necessary for the purposes for which they were "
                "collected or otherwise processed;"
            ),
            (
                "- (b) where you rely on my consent (Art. 6(1)(a) or 9(2)(a)), I withdraw it, and "
                "there is no other legal ground for the processing;"
            ),
            (
                "- (c) I object to the processing (see below) and there are no overriding "
                "legitimate grounds for it;"
            ),
            "- (d) the data have been processed unlawfully.",
            (
                f"My objection (Art. 21 {g}): I object under Art. 21(1), on grounds relating to "
                "my particular situation, to all processing of my personal data that you base on "
                "legitimate interests or a task in the public interest (Art. 6(1)(e) or (f)), in "
                "particular for developing and training AI models: I did not give you this data "
                "for that purpose and do not expect it to be used to build AI systems. I also "
                "object under Art. 21(2) to any processing for direct marketing."
            ),
        ]
        if company.get("publishes-datasets"):
            out.append(
                f"You have made my personal data public by publishing datasets that contain it or "
                f"link to it. Art. 17(2) {g} therefore requires you, taking account of available "
                "technology and the cost, to take reasonable steps, including technical measures, "
                "to inform the controllers who process those data (for example those who "
                "downloaded, mirror or train on your datasets) that I have asked them to erase "
                "any links to, copies or replications of my personal data. Please tell me which "
                "steps you took and whom you informed."
            )
        out += [
            (
                f"Please tell every recipient of the data about the erasure (Art. 19 {g}) and "
                "tell me who they are. Where my data cannot be removed from a model already "
                "trained, please say so, explain which measures you take instead (for example "
                "output filters or unlearning), and stop using such a model for my data."
            ),
            _suppression(),
        ]
        return out
    if kind == "gdpr-objection-ai-training":
        return [
            (
                f"I object under Art. 21(1) {g}, on grounds relating to my particular situation, "
                "to the processing of my personal data for developing, training, fine-tuning or "
                "evaluating AI models, which you base on legitimate interests (Art. 6(1)(f)). My "
                "situation: I did not give this data to you for that purpose and do not expect it "
                "to be used to build AI systems."
            ),
            (
                "Art. 21(1) requires you to stop this processing unless you demonstrate compelling "
                "legitimate grounds that override my interests, rights and freedoms. Please "
                "restrict it while you assess my objection (Art. 18(1)(d)), and afterwards erase "
                "the data used for this purpose (Art. 17(1)(c))."
            ),
            _suppression(),
        ]
    # gdpr-rectification
    return [
        (
            f"Personal data you process about me is inaccurate. I ask you to rectify it without "
            f"undue delay (Art. 16 {g}); where it is incomplete, to complete it, if need be with "
            "this statement as a supplement:"
        ),
        *_correction(says, should_say, kind),
        (
            "This includes statements about me that your AI systems produce. Please restrict the "
            f"processing while you verify the accuracy (Art. 18(1)(a) {g}), tell me what you "
            f"changed, and tell every recipient of the data about the rectification (Art. 19 {g}). "
            "If you cannot correct what a model outputs, please say so and erase or block the "
            "inaccurate data instead."
        ),
    ]


def _fadp_paragraphs(kind: str, says: str | None, should_say: str | None) -> list[str]:
    if kind == "gdpr-access":
        return [
            (
                "I ask you, under Art. 25 of the Swiss Federal Act on Data Protection (FADP), "
                "to tell me whether you process personal data about me and, if so, to give me "
                "(Art. 25(2)): your identity and contact details; the personal data processed as "
                "such; the purpose of the processing; how long the data are kept, or the criteria "
                "for that; available information about the origin of data not collected from me; "
                "whether an automated individual decision is made, and the logic on which it is "
                "based; and the recipients or categories of recipients, with the states to which "
                "data are disclosed abroad and the safeguards."
            ),
            (
                "In particular: is my personal data, or content about me, in any dataset you use "
                "to train or evaluate AI models? From which sources, for which models?"
            ),
        ]
    if kind == "gdpr-erasure":
        return [
            (
                "I ask you to delete the personal data you hold about me (FADP Art. 32(2)(c)), "
                "including copies in datasets used to train or evaluate AI models. I do not "
                "consent to their further processing; processing against my express will is a "
                "breach of my personality rights unless justified (FADP Art. 30(2)(b), 31)."
            ),
            _suppression(),
        ]
    if kind == "gdpr-objection-ai-training":
        return [
            (
                "I expressly object to the processing of my personal data for developing, "
                "training or evaluating AI models. Processing against my express will breaches my "
                "personality rights unless justified (FADP Art. 30(2)(b), 31); I ask you to stop "
                "it and to delete the data used for it (FADP Art. 32(2)(a) and (c))."
            ),
            _suppression(),
        ]
    return [
        "Personal data you process about me is inaccurate; I ask you to correct it (FADP Art. 32(1)):",
        *_correction(says, should_say, kind),
        "This includes statements about me that your AI systems produce.",
    ]


def _ccpa_paragraphs(kind: str, says: str | None, should_say: str | None) -> list[str]:
    resident = ("I am a California resident, a consumer within the meaning of Cal. Civ. Code "
                "§ 1798.140(i).")  # fmt: skip
    if kind == "ccpa-know":
        return [
            resident,
            (
                "I request that you disclose to me (Cal. Civ. Code §§ 1798.100, 1798.110, "
                "1798.115): the categories and the specific pieces of personal information you "
                "collected about me; the categories of sources; the business or commercial "
                "purposes for collecting, selling or sharing it; and the categories of third "
                "parties to whom you disclosed, sold or shared it."
            ),
            (
                "Please do not stop at the 12 months before you received this request: I ask for "
                "the personal information you collected about me on or after 1 January 2022 "
                "(Cal. Civ. Code § 1798.130(a)(2)(B); Cal. Code Regs. tit. 11, § 7024(h)). If you "
                "claim that this is impossible or would involve disproportionate effort, § 7024(h) "
                "requires a detailed explanation."
            ),
            (
                "Please state in particular whether my personal information was used to train or "
                "improve AI models, which sources it came from, and how long you keep it."
            ),
        ]
    if kind == "ccpa-delete":
        return [
            resident,
            (
                "I request that you delete the personal information you collected about me "
                "(Cal. Civ. Code § 1798.105), including copies in datasets used to train or improve "
                "AI models, and that you direct your service providers and contractors to delete it "
                "too, and notify third parties to whom you sold or shared it."
            ),
            _suppression(),
        ]
    if kind == "ccpa-correct":
        return [
            resident,
            (
                "You maintain inaccurate personal information about me. I request that you "
                "correct it (Cal. Civ. Code § 1798.106), using commercially reasonable efforts, "
                "as follows:"
            ),
            *_correction(says, should_say, kind),
            (
                "This includes statements about me that your AI systems produce. Please tell me "
                "what you corrected, and make sure the correction stays in place."
            ),
        ]
    if kind == "ccpa-opt-out":
        return [
            resident,
            (
                "I opt out of the sale and sharing of my personal information "
                "(Cal. Civ. Code § 1798.120). Please also treat any disclosure of my personal "
                "information to others for training their AI models as a sale or sharing covered "
                "by this request, and notify the third parties to whom you sold or shared it."
            ),
        ]
    return [
        resident,
        (
            "I direct you to limit the use and disclosure of my sensitive personal information "
            "to what is necessary to provide the goods or services I requested "
            "(Cal. Civ. Code § 1798.121). This includes any use for training AI models."
        ),
    ]


def _state_paragraphs(state: str) -> list[str]:
    from expunge.rights.deadlines import STATE_LAWS

    law = STATE_LAWS[state]
    asks = ["- confirm whether you process my personal data, and give me access to it;"]
    if "correct" in law.rights:
        asks.append("- correct inaccuracies in my personal data;")
    asks.append(f"- delete the personal data {law.delete_scope};")
    if "portability" in law.rights:
        asks.append("- give me a copy of my personal data in a portable, readily usable format;")
    words = {
        "targeted advertising": "the processing of my personal data for targeted advertising",
        "sale": "the sale of my personal data",
        "profiling": "profiling in furtherance of decisions that produce legal or similarly "
        "significant effects concerning me",
    }
    opt = [words.get(o, o) for o in law.opt_outs]
    joined = opt[0] if len(opt) == 1 else ", ".join(opt[:-1]) + " and " + opt[-1]
    asks.append(f"- opt me out of {joined}.")
    return [
        (f"I live in {law.state}. Under the {law.name} ({law.citation}), I ask you to:"),
        *asks,
        "Please state whether my personal data was used to train AI models.",
        _suppression(),
    ]


def _bipa_paragraphs() -> list[str]:
    return [
        (
            "I write about biometric identifiers and biometric information about me (740 ILCS "
            "14/10), such as a scan of my face geometry taken from photographs of me or a "
            "voiceprint, that you may have collected, captured or otherwise obtained, including "
            "for training or running AI models. The Illinois Biometric Information Privacy Act "
            "imposes these duties on you:"
        ),
        (
            "- Section 15(a): a private entity in possession of biometric identifiers or "
            "information must have a written policy, available to the public, with a retention "
            "schedule and guidelines for permanently destroying them when the initial purpose "
            "for collecting them has been satisfied or within 3 years of the individual's last "
            "interaction with the entity, whichever occurs first, and must comply with it. "
            "Please tell me where your policy is published, and permanently destroy every "
            "biometric identifier and all biometric information about me that this rule "
            "requires you to destroy."
        ),
        (
            "- Section 15(b): no private entity may collect, capture, purchase, receive through "
            "trade or otherwise obtain a person's biometric identifier or information unless it "
            "first informs the person in writing of that and of the purpose and length of term, "
            "and receives a written release. As far as I know, I never gave you one. If you rely on a "
            "written release from me, please send me a copy."
        ),
        (
            "- Section 15(c): no private entity may sell, lease, trade or otherwise profit from "
            "a person's biometric identifier or information."
        ),
        (
            "- Section 15(d): no private entity may disclose, redisclose or otherwise disseminate "
            "it without the person's consent or another ground the section lists."
        ),
        (
            "- Section 15(e): it must be stored, transmitted and protected with the reasonable "
            "standard of care of the entity's industry."
        ),
        (
            "Section 20 lets a person aggrieved by a violation sue: a prevailing party may recover, "
            "for each violation, liquidated damages of $1,000 or actual damages, whichever is "
            "greater, where the violation was negligent, and $5,000 or actual damages, whichever "
            "is greater, where it was intentional or reckless, with reasonable attorneys' fees and "
            "costs and other relief such as an injunction (740 ILCS 14/20; since Public Act "
            "103-0769 of 2 August 2024, collecting or disclosing the same identifier of the same "
            "person by the same method more than once counts as one violation)."
        ),
        (
            "I therefore ask you to confirm in writing whether you hold biometric identifiers or "
            "information about me, from where and for what purpose; whether you sold, leased, "
            "traded or otherwise profited from them, or disclosed them, and to whom; and that you "
            "have destroyed them."
        ),
        _suppression(),
    ]


def _closing(spec: Kind, kind: str, law: str, state: str | None, channel: str | None,
             deadlines: list[Deadline]) -> list[str]:  # fmt: skip
    """The answer period in the act's own words, with dates where they can be known."""
    from expunge.rights.deadlines import STATE_LAWS

    by_post = channel in ("post", None)
    due = {d.kind: d.due for d in deadlines}

    def by(kind_: str) -> str:
        return "" if by_post or kind_ not in due else f", that is by {due[kind_].isoformat()}"

    receipt = "receipt of this letter" if by_post else "receipt of this request"
    identify = ("If you need more information to identify me, please ask for it at once and only "
                "for what is necessary.")  # fmt: skip
    if law in ("gdpr", "uk-gdpr"):
        g = _name(law)
        out = [
            (
                f"Art. 12(3) {g} requires you to answer without undue delay and in any event "
                f"within one month of {receipt}{by('answer')}. The period may be extended by two "
                "further months only where necessary, taking into account the complexity and "
                "number of requests, and you must tell me of any extension, with the reasons for "
                f"the delay, within one month of {receipt}. {identify} Please confirm receipt of "
                "this request."
            ),
        ]
        if law == "uk-gdpr":
            out.append(
                "If you do not answer, I may complain to the Information Commissioner (Art. 77 "
                "UK GDPR; section 165 Data Protection Act 2018) and apply to court for an order "
                "that you comply (section 167 Data Protection Act 2018)."
            )
        return out
    if law == "fadp":
        if kind == "gdpr-access":
            return [
                (
                    "Art. 18(1) of the Data Protection Ordinance (DPO) requires you to give the "
                    f"information within 30 days of {receipt}{by('answer')}. If you cannot, you "
                    "must tell me so within that period and say by when you will (Art. 18(2)); a "
                    "refusal, restriction or deferral must be communicated within the same period "
                    f"(Art. 18(3)). {identify}"
                )
            ]
        return [
            (
                "The FADP sets no period for this request; I ask you to answer within 30 days of "
                f"{receipt}. {identify}"
            )
        ]
    if law == "ccpa":
        if kind in ("ccpa-opt-out", "ccpa-limit"):
            section = "§ 7026(f)" if kind == "ccpa-opt-out" else "§ 7027(g)"
            return [
                (
                    "Please comply as soon as feasibly possible and no later than 15 business days "
                    f"from {receipt} (Cal. Code Regs. tit. 11, {section}){by('comply')}."
                )
            ]
        return [
            (
                f"Please confirm receipt of this {'letter' if by_post else 'request'} within 10 "
                f"business days (Cal. Code Regs. tit. 11, § 7021(a)){by('confirm')}."
            ),
            (
                f"Please answer within 45 calendar days of receiving it (Cal. Civ. Code "
                f"§ 1798.130(a)(2)(A); Cal. Code Regs. tit. 11, § 7021(b)){by('answer')}. The "
                "period may be extended once by 45 days, only when reasonably necessary and if "
                "you tell me so within the first 45 days. " + identify
            ),
        ]
    if law == "us-state" and state in STATE_LAWS:
        act = STATE_LAWS[state]
        appeal = ""
        if act.appeal_days is not None:
            appeal = (f" If you decline to act, please tell me how to appeal "
                      f"({act.appeal_citation or act.citation}).")  # fmt: skip
        return [
            (
                f"The {act.name} requires you to answer within {act.answer_days} days of "
                f"{receipt} ({act.citation}){by('answer')}. The period may be extended once by "
                f"{act.extension_days} days when reasonably necessary, if you tell me so, with "
                f"the reason, within the first {act.answer_days} days.{appeal} {identify}"
            )
        ]
    # BIPA: the Act sets no period for answering a letter; ask, do not invent a duty
    return [
        (
            "The Act sets no period for answering this letter. I ask you to reply within 30 "
            "days; otherwise I will consider the remedies section 20 provides."
        )
    ]


def _title(kind: str, law: str, state: str | None) -> str:
    from expunge.rights.deadlines import STATE_LAWS

    spec = KINDS[kind]
    if law == "uk-gdpr":
        return spec.title.replace(" GDPR)", " UK GDPR)")
    if law == "fadp":
        return {
            "gdpr-access": "Request for access (Art. 25 FADP)",
            "gdpr-erasure": "Request for deletion (Art. 32(2)(c) FADP)",
            "gdpr-objection-ai-training": "Objection to processing for AI model training "
            "(Art. 30(2)(b) FADP)",
            "gdpr-rectification": "Request for correction (Art. 32(1) FADP)",
        }[kind]
    if law == "us-state" and state in STATE_LAWS:
        return f"Consumer privacy rights request ({STATE_LAWS[state].name})"
    return spec.title


def _basis(kind: str, law: str, state: str | None) -> str:
    from expunge.rights.deadlines import RIGHT_BASIS, STATE_LAWS

    if law == "uk-gdpr":
        return KINDS[kind].basis.replace(" GDPR", " UK GDPR") + "; Data Protection Act 2018"
    if law == "fadp":
        return RIGHT_BASIS[_FADP_KIND[kind]]
    if law == "us-state" and state in STATE_LAWS:
        return STATE_LAWS[state].citation
    return KINDS[kind].basis


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
    spec = KINDS[kind]
    track = tracker_kind(kind, where.state, law)
    deadlines = _deadlines(law, track, sent, where.country)
    answer = next((d.due for d in deadlines if d.kind in ("answer", "comply")), None)
    if how in ("post", None):  # from delivery: no date can be given (None: not sendable yet)
        answer = None
    name = profile.display_name or ""
    quote = evidence_lines(evidence, profile.id) if evidence is not None else []
    if law in ("gdpr", "uk-gdpr"):
        paragraphs = _gdpr_paragraphs(kind, company, law, says, should_say)
    elif law == "fadp":
        paragraphs = _fadp_paragraphs(kind, says, should_say)
    elif law == "ccpa":
        paragraphs = _ccpa_paragraphs(kind, says, should_say)
    elif law == "us-state":
        paragraphs = _state_paragraphs(where.state or "")
    else:
        paragraphs = _bipa_paragraphs()
    title = _title(kind, law, where.state)
    body = [
        "To: " + "\n".join([addressee.name, *_route_lines(addressee, how)]),
        f"From: {name}" + (f"\n{profile.postal_address}" if profile.postal_address else ""),
        f"Date: {sent.isoformat()}",
        f"Subject: {title}",
        "Dear Sir or Madam,",
        *paragraphs,
        "To find my data, please use these identifiers (they are mine; use them for nothing else):",
        *_identifiers(profile),
        *(["Evidence that you or your data sources process my data:", *quote] if quote else []),
        *_closing(spec, kind, law, where.state, how, deadlines),
        "Yours faithfully,",
        name,
    ]
    return Letter(
        subject=f"{title} - {name}",
        body="\n\n".join(body) + "\n",
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


def _route_lines(addressee: Entity, channel: str | None) -> list[str]:
    lines = (addressee.address or "").splitlines()
    if channel == "email":
        lines.append(f"By email: {addressee.email}")
    elif channel == "web-form":
        lines.append(f"Through the web form: {addressee.web_form}")
    elif channel is None:
        lines.append("[address: not in expunge's directory - add it before sending]")
    return lines


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
