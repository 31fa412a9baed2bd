"""Request letters: GDPR, CCPA/CPRA, other US state laws and BIPA, written by expunge.

Each letter names the law's articles and the deadline, asks for confirmation that the person
will be kept out of future training sets (not only deleted from the current one), lists the
identifiers the company needs to find them (from the subject profile), and, given an
`expunge find` report, quotes the evidence masked. Output: Markdown, plain text, an .eml ready
to send, or a PDF.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from expunge.errors import ExpungeError
from expunge.rights.directory import Company
from expunge.subject import SubjectProfile


@dataclass(frozen=True)
class Kind:
    law: str  # gdpr | ccpa | us-state | bipa
    title: str
    basis: str  # the articles / sections relied on
    period: str  # the answer period, in words


KINDS: dict[str, Kind] = {
    "gdpr-access": Kind("gdpr", "Request for access (Art. 15 GDPR)", "Art. 15 GDPR",
                        "one month of receipt (Art. 12(3) GDPR)"),
    "gdpr-erasure": Kind("gdpr", "Request for erasure (Art. 17 GDPR)", "Art. 17 and Art. 19 GDPR",
                         "one month of receipt (Art. 12(3) GDPR)"),
    "gdpr-objection-ai-training": Kind(
        "gdpr", "Objection to processing for AI model training (Art. 21(1) GDPR)",
        "Art. 21(1), Art. 18(1)(d) and Art. 17(1)(c) GDPR", "one month of receipt (Art. 12(3) GDPR)"),
    "gdpr-rectification": Kind("gdpr", "Request for rectification (Art. 16 GDPR)",
                               "Art. 16 and Art. 18(1)(a) GDPR", "one month of receipt (Art. 12(3) GDPR)"),
    "ccpa-know": Kind("ccpa", "Request to know (Cal. Civ. Code §§ 1798.110, 1798.115)",
                      "Cal. Civ. Code §§ 1798.100, 1798.110, 1798.115, 1798.130",
                      "45 calendar days (Cal. Civ. Code § 1798.130(a)(2)); receipt to be confirmed "
                      "within 10 business days (Cal. Code Regs. tit. 11, § 7021)"),
    "ccpa-delete": Kind("ccpa", "Request to delete (Cal. Civ. Code § 1798.105)",
                        "Cal. Civ. Code §§ 1798.105, 1798.130",
                        "45 calendar days (Cal. Civ. Code § 1798.130(a)(2)); receipt to be confirmed "
                        "within 10 business days (Cal. Code Regs. tit. 11, § 7021)"),
    "ccpa-opt-out": Kind("ccpa", "Request to opt out of sale and sharing (Cal. Civ. Code § 1798.120)",
                         "Cal. Civ. Code §§ 1798.120, 1798.135",
                         "15 business days (Cal. Code Regs. tit. 11, § 7026(f))"),
    "ccpa-limit": Kind("ccpa", "Request to limit use of sensitive personal information "
                       "(Cal. Civ. Code § 1798.121)", "Cal. Civ. Code § 1798.121",
                       "15 business days (Cal. Code Regs. tit. 11, § 7027(g))"),
    "bipa": Kind("bipa", "Request under the Illinois Biometric Information Privacy Act",
                 "740 ILCS 14/15(a)-(e)", "a reasonable time; the Act sets no reply period"),
    "us-state": Kind("us-state", "Consumer privacy rights request",
                     "your state's consumer data privacy act", "45 days (extendable once by 45 days)"),
}  # fmt: skip

FORMATS = ("md", "txt", "eml", "pdf")
EEA_UK = frozenset(
    [
        "at",
        "be",
        "bg",
        "hr",
        "cy",
        "cz",
        "dk",
        "ee",
        "fi",
        "fr",
        "de",
        "gr",
        "hu",
        "ie",
        "it",
        "lv",
        "lt",
        "lu",
        "mt",
        "nl",
        "pl",
        "pt",
        "ro",
        "sk",
        "si",
        "es",
        "se",
        "is",
        "li",
        "no",
        "gb",
        "ch",
    ]
)


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str  # Markdown-ish plain text: paragraphs and '- ' lists
    to: str | None  # email address, when the company has one
    web_form: str | None
    company: Company
    kind: str
    deadline: date | None


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


def _paragraphs(kind: str, company: Company, state: str | None) -> list[str]:
    suppression = (
        "Please also confirm that you will keep me out of future training, fine-tuning and "
        "evaluation datasets and future crawls (for example by keeping a minimal suppression "
        "record of the identifiers above), not only remove me from the current ones."
    )
    if kind == "gdpr-access":
        return [
            (
                "I ask for access to the personal data you process about me and for the information "
                "Art. 15(1) GDPR lists: the purposes; the categories of data; the recipients; the "
                "retention period; the source of the data where it was not collected from me "
                "(Art. 15(1)(g)); and whether automated decision-making takes place. Please send a "
                "copy of the data (Art. 15(3))."
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
            "- Where data leaves the EEA/UK, which safeguards apply (Art. 15(2))?",
        ]
    if kind == "gdpr-erasure":
        return [
            (
                "I ask you to erase all personal data about me without undue delay (Art. 17(1) GDPR): "
                "it is no longer necessary for the purpose it was collected for, or I object to the "
                "processing and there are no overriding legitimate grounds, or it was processed "
                "unlawfully. This includes copies in datasets used to train, fine-tune or evaluate "
                "AI models."
            ),
            (
                "Please tell every recipient of the data about the erasure (Art. 19 GDPR) and tell "
                "me who they are. Where my data cannot be removed from a model already trained, "
                "please say so, explain which measures you take instead (for example output filters "
                "or unlearning), and stop using such a model for my data."
            ),
            suppression,
        ]
    if kind == "gdpr-objection-ai-training":
        return [
            (
                "I object under Art. 21(1) GDPR to the processing of my personal data for developing, "
                "training, fine-tuning or evaluating AI models, which you base on legitimate "
                "interests (Art. 6(1)(f) GDPR). My situation: I did not give this data to you for "
                "that purpose and do not expect it to be used to build AI systems."
            ),
            (
                "Please stop this processing unless you demonstrate compelling legitimate grounds "
                "that override my interests, rights and freedoms, and restrict it while you assess "
                "my objection (Art. 18(1)(d)). After the objection, please erase the data used for "
                "this purpose (Art. 17(1)(c))."
            ),
            suppression,
        ]
    if kind == "gdpr-rectification":
        return [
            (
                "Personal data you process about me is inaccurate; I ask you to rectify it without "
                "undue delay (Art. 16 GDPR). This includes statements about me that your AI "
                "system produces. Please tell me what you changed, and restrict the processing "
                "while you verify accuracy (Art. 18(1)(a)). If you cannot correct what a model "
                "outputs, please say so and erase or block the inaccurate data instead."
            ),
        ]
    if kind == "ccpa-know":
        return [
            (
                "I request that you disclose (Cal. Civ. Code §§ 1798.110, 1798.115): the categories "
                "and the specific pieces of personal information you collected about me; the "
                "categories of sources; the business or commercial purposes; and the categories of "
                "third parties to whom you disclosed, sold or shared it."
            ),
            (
                "Please state in particular whether my personal information was used to train or "
                "improve AI models, which sources it came from, and how long you keep it."
            ),
        ]
    if kind == "ccpa-delete":
        return [
            (
                "I request that you delete the personal information you collected about me "
                "(Cal. Civ. Code § 1798.105), including copies in datasets used to train or improve "
                "AI models, and that you direct your service providers and contractors to delete it "
                "too, and notify third parties to whom you sold or shared it."
            ),
            suppression,
        ]
    if kind == "ccpa-opt-out":
        return [
            (
                "I opt out of the sale and sharing of my personal information "
                "(Cal. Civ. Code § 1798.120). Please also treat any disclosure of my personal "
                "information to others for training their AI models as a sale or sharing covered "
                "by this request, and notify the third parties to whom you sold or shared it."
            ),
        ]
    if kind == "ccpa-limit":
        return [
            (
                "I direct you to limit the use and disclosure of my sensitive personal information "
                "to what is necessary to provide the goods or services I requested "
                "(Cal. Civ. Code § 1798.121). This includes any use for training AI models."
            ),
        ]
    if kind == "bipa":
        return [
            "Under the Illinois Biometric Information Privacy Act (740 ILCS 14/15) I ask you to:",
            (
                "- (a) send me your written policy, available to the public, with the retention "
                "schedule and guidelines for permanently destroying biometric identifiers and "
                "information;"
            ),
            (
                "- (b) state whether you collected, captured or obtained biometric identifiers or "
                "information about me (for example face geometry from photographs or a voiceprint), "
                "from where, for what purpose and for how long, and produce the written release you "
                "relied on;"
            ),
            "- (c) confirm that you have not sold, leased, traded or otherwise profited from it;",
            "- (d) state to whom you disclosed it and on what basis;",
            "- (e) describe how you store and protect it;",
            (
                "and to permanently destroy any biometric identifier or information about me, and "
                "to confirm the destruction in writing."
            ),
            suppression,
        ]
    from expunge.rights.deadlines import STATE_LAWS

    law = STATE_LAWS.get(state or "")
    act = f"{law.name} ({law.citation})" if law else "your state's consumer data privacy act"
    return [
        (
            f"Under the {act}, I ask you to confirm whether you process my personal data and to "
            "give me access to it, to delete it, and to stop processing it for targeted "
            "advertising, sale and profiling. Please state whether my personal data was used to "
            "train AI models."
        ),
        suppression,
    ]


def applicable(kind: str, company: Company, profile: SubjectProfile) -> None:
    """Refuse a letter the requester's country or the company's records make pointless."""
    law = KINDS[kind].law
    country = profile.country
    if law == "gdpr" and country is not None and country not in EEA_UK:
        raise ExpungeError(
            f"{kind} is for people in the EEA, the UK or Switzerland; the profile says {country}",
            "for the USA use ccpa-* (California), us-state or bipa",
        )
    if law in ("ccpa", "us-state", "bipa") and country not in (None, "us"):
        raise ExpungeError(
            f"{kind} is for US residents; the profile says {country}", "use a gdpr-* kind"
        )
    if not profile.display_name:
        raise ExpungeError("the profile has no name", 'add names = ["First Last"] for letters')


def write_letter(
    company: Company,
    kind: str,
    profile: SubjectProfile,
    sent: date,
    evidence: Path | None = None,
    state: str | None = None,
) -> Letter:
    if kind not in KINDS:
        raise ExpungeError(f"unknown letter kind {kind!r}", "use one of: " + ", ".join(KINDS))
    applicable(kind, company, profile)
    if kind == "us-state":
        from expunge.rights.deadlines import STATE_LAWS

        if state not in STATE_LAWS:
            raise ExpungeError(
                f"us-state letters need --state, one of: {', '.join(sorted(STATE_LAWS))}",
                "California uses the ccpa-* kinds",
            )
    spec = KINDS[kind]
    deadline = answer_deadline(tracker_kind(kind, state), sent, profile.country)
    name = profile.display_name or ""
    quote = evidence_lines(evidence, profile.id) if evidence is not None else []
    body = [
        f"To: {company.name}" + (f"\n{company.get('address')}" if company.get("address") else ""),
        f"From: {name}" + (f"\n{profile.postal_address}" if profile.postal_address else ""),
        f"Date: {sent.isoformat()}",
        f"Subject: {spec.title}",
        "Dear Sir or Madam,",
        *_paragraphs(kind, company, state),
        "To find my data, please use these identifiers (they are mine; use them for nothing else):",
        *_identifiers(profile),
        *(["Evidence that you or your data sources process my data:", *quote] if quote else []),
        f"The law ({spec.basis}) asks you to answer within {spec.period}"
        + (f", that is by {deadline.isoformat()}" if deadline else "")
        + ". If you need more information to identify me, please ask for it at once and only "
        "for what is necessary. Please confirm receipt of this request.",
        "Yours faithfully,",
        name,
    ]
    return Letter(
        subject=f"{spec.title} - {name}",
        body="\n\n".join(body) + "\n",
        to=company.get("email"),
        web_form=company.web_form,
        company=company,
        kind=kind,
        deadline=deadline,
    )


def tracker_kind(kind: str, state: str | None) -> str | None:
    """The request kind the tracker and the deadline rules use ('us-state' + 'va' ->
    'us-state-va-access'); None when the state is unknown."""
    if kind == "us-state":
        return f"us-state-{state}-access" if state else None
    return kind


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
        message = EmailMessage()
        message["To"] = letter.to
        message["Subject"] = letter.subject
        if sender:
            message["From"] = sender
        message.set_content(letter.body.replace("`", ""))
        return bytes(message)
    if fmt == "pdf":
        return _pdf(letter)
    raise ExpungeError(f"unknown --format {fmt!r}", "use md, txt, eml or pdf")


def _pdf(letter: Letter) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(22, 20, 22)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10.5)
    # The core PDF fonts are Latin-1: other characters are replaced rather than failing.
    text = letter.body.replace("`", "").replace("—", "-").replace("’", "'")
    text = text.encode("latin-1", "replace").decode("latin-1")
    for paragraph in text.split("\n\n"):
        pdf.multi_cell(0, 5.2, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)
    return bytes(pdf.output())
