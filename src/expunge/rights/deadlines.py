"""When a company must answer a rights request: pure date arithmetic from the law and the sent date.

Every function here takes and returns `datetime.date`s and touches nothing else. The sent date is
treated as the date of *receipt* (true for email and web forms; for post, pass the delivery date).

Sources (as stored copies were read; see docs in the tracker module for the full list):

- GDPR Art. 12(3): "without undue delay and in any event within one month of receipt of the
  request", extendable "by two further months where necessary".
- Council Regulation (EEC, Euratom) No 1182/71 Art. 3: the day of receipt is not counted
  (3(1)); a period in months ends on the same date of the last month, or on its last day when
  that date does not exist (3(2)(c)); a last day falling on a public holiday, Saturday or Sunday
  moves to the following working day (3(4)). The ICO applies the same rule to UK GDPR
  ("from the day you receive the request ... until the corresponding calendar date in the next
  month ... If the corresponding date falls on a weekend or a public holiday, you have until the
  next working day", ico.org.uk SAR checklist).
- CCPA/CPRA: Cal. Civ. Code §1798.130(a)(2)(A) (45 days, extendable once by 45); Cal. Code Regs.
  tit. 11 §7021(a) (confirm receipt within 10 business days), §7021(b) (45 calendar days from
  the day of receipt, 90 at most), §7026(f) (opt-out of sale/sharing: no later than 15 business
  days), §7027(g) (limit use of sensitive PI: no later than 15 business days).
- US state comprehensive privacy laws: `STATE_LAWS` (statute, response and appeal periods).
- Swiss FADP (revised, in force 1 September 2023): Data Protection Ordinance (DPO/DSV, SR 235.11)
  Art. 18: access "within 30 days of receipt of the request"; a controller that cannot answer in
  time must tell the person within that period by when it will (read in a stored copy of the
  Ordinance's Art. 18, datenschutzpartner.ch/dsv/dsv-18/). The Act sets no period for erasure,
  rectification or objection.
- BIPA 740 ILCS 14/15(a): destroy biometric identifiers when the initial purpose is satisfied or
  within 3 years of the individual's last interaction with the private entity, whichever first.

Business days are Monday to Friday minus holidays: US federal holidays (with their observed
days) from the `holidays` package for the CCPA; for GDPR roll-over, the holidays of the
requester's country when one is given (Art. 2(1) of Reg. 1182/71 speaks of the Member State
where the action is taken; the requester's country is what expunge knows).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from expunge.errors import ExpungeError

DeadlineKind = Literal["confirm", "answer", "extended", "comply", "destroy"]

GDPR_BASIS = "GDPR Art. 12(3); periods per Reg. (EEC, Euratom) 1182/71 Art. 3"
UK_GDPR_BASIS = "UK GDPR Art. 12(3); ICO guidance on calculating one month"
BIPA_BASIS = "740 ILCS 14/15(a)"


@dataclass(frozen=True, slots=True)
class Deadline:
    """One date a company must meet. `basis` names the article/section; `note` says how the
    date was reached when that is not obvious (a roll-over past a weekend or holiday)."""

    kind: DeadlineKind
    due: date
    basis: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class StateLaw:
    """A US state comprehensive privacy law as far as deadlines go.

    `answer_days` / `extension_days`: the controller's response period and its one extension
    (calendar days from receipt). `appeal_days` / `appeal_extension_days`: the period to decide an
    appeal of a refusal (None: the law has no appeal right). `rights`: request kinds the law
    gives (beyond `appeal`)."""

    code: str
    state: str
    name: str
    citation: str
    effective: date
    answer_days: int = 45
    extension_days: int = 45
    appeal_days: int | None = 60
    appeal_extension_days: int = 0
    rights: tuple[str, ...] = ("access", "delete", "correct", "portability", "opt-out")
    appeal_citation: str = ""  # default: the same section as `citation`
    # What the opt-out right covers ('profiling': in furtherance of decisions with legal or
    # similarly significant effects), and whose data the deletion right reaches.
    opt_outs: tuple[str, ...] = ("targeted advertising", "sale", "profiling")
    delete_scope: str = "provided by me or obtained about me"


_COMMON_RIGHTS = ("access", "delete", "correct", "portability", "opt-out")
_NO_CORRECT = ("access", "delete", "portability", "opt-out")
_PROVIDED_BY_ME = "provided by me"

# Response periods (45 days + one 45-day extension; Iowa 90 + 45) as listed by the Mayer Brown
# state privacy law tracker and, for Virginia, New Jersey, Iowa and Minnesota, as read in the
# statute text or the AG's guidance. Appeal periods: 60 days unless noted (Colorado and Minnesota
# 45 + 60, Oregon 45 + 45, Utah none), per the statutes read (Iowa §715D.3(3), Oregon
# 646A.576(6)(d), Maryland) and a published per-state summary for the rest. Effective dates as
# listed by law-firm trackers. Citations marked "et seq." name the Act, not the subsection.
# Rights: Utah (Utah Code §13-61-201) and Iowa (Iowa Code §715D.3(1)) give no right to correct
# and no opt-out of profiling, and their deletion right covers only data the consumer provided;
# Iowa's opt-out is of sale only (§715D.3(1)(d)). The other acts give all five rights and the
# opt-out of targeted advertising, sale and profiling (law-firm summaries of each act).
STATE_LAWS: dict[str, StateLaw] = {
    law.code: law
    for law in (
        StateLaw("va", "Virginia", "Virginia Consumer Data Protection Act",
                 "Va. Code Ann. §59.1-577(B)(1)", date(2023, 1, 1),
                 appeal_citation="Va. Code Ann. §59.1-577(C)"),
        StateLaw("co", "Colorado", "Colorado Privacy Act", "C.R.S. §6-1-1306(2)",
                 date(2023, 7, 1), appeal_days=45, appeal_extension_days=60,
                 appeal_citation="C.R.S. §6-1-1306(3)"),
        StateLaw("ct", "Connecticut", "Connecticut Data Privacy Act", "Conn. Gen. Stat. §42-518",
                 date(2023, 7, 1)),
        StateLaw("ut", "Utah", "Utah Consumer Privacy Act", "Utah Code Ann. §13-61-203",
                 date(2023, 12, 31), appeal_days=None, rights=_NO_CORRECT,
                 opt_outs=("targeted advertising", "sale"), delete_scope=_PROVIDED_BY_ME),
        StateLaw("tx", "Texas", "Texas Data Privacy and Security Act",
                 "Tex. Bus. & Com. Code §541.052", date(2024, 7, 1),
                 appeal_citation="Tex. Bus. & Com. Code §541.053"),
        StateLaw("or", "Oregon", "Oregon Consumer Privacy Act", "ORS 646A.576", date(2024, 7, 1),
                 appeal_days=45, appeal_extension_days=45, appeal_citation="ORS 646A.576(6)(d)"),
        StateLaw("mt", "Montana", "Montana Consumer Data Privacy Act",
                 "Mont. Code Ann. §30-14-2801 et seq.", date(2024, 10, 1)),
        StateLaw("ia", "Iowa", "Iowa Consumer Data Protection Act", "Iowa Code §715D.3(2)",
                 date(2025, 1, 1), answer_days=90, extension_days=45, rights=_NO_CORRECT,
                 appeal_citation="Iowa Code §715D.3(3)", opt_outs=("sale",),
                 delete_scope=_PROVIDED_BY_ME),
        StateLaw("de", "Delaware", "Delaware Personal Data Privacy Act",
                 "Del. Code Ann. tit. 6, §12D-101 et seq.", date(2025, 1, 1)),
        StateLaw("nj", "New Jersey", "New Jersey Data Privacy Act", "N.J. Stat. Ann. §56:8-166.7",
                 date(2025, 1, 15)),
        StateLaw("nh", "New Hampshire", "New Hampshire Privacy Act",
                 "N.H. Rev. Stat. Ann. ch. 507-H", date(2025, 1, 1)),
        StateLaw("ky", "Kentucky", "Kentucky Consumer Data Protection Act",
                 "Ky. Rev. Stat. §367.3611 et seq.", date(2026, 1, 1)),
        StateLaw("tn", "Tennessee", "Tennessee Information Protection Act",
                 "Tenn. Code Ann. §47-18-3201 et seq.", date(2025, 7, 1)),
        StateLaw("mn", "Minnesota", "Minnesota Consumer Data Privacy Act", "Minn. Stat. §325M.14",
                 date(2025, 7, 31), appeal_days=45, appeal_extension_days=60),
        StateLaw("md", "Maryland", "Maryland Online Data Privacy Act",
                 "Md. Code Ann., Com. Law §14-4605", date(2025, 10, 1)),
        StateLaw("in", "Indiana", "Indiana Consumer Data Protection Act",
                 "Ind. Code §24-15-1-1 et seq.", date(2026, 1, 1)),
        StateLaw("ri", "Rhode Island", "Rhode Island Data Transparency and Privacy Protection Act",
                 "R.I. Gen. Laws §6-48.1-1 et seq.", date(2026, 1, 1)),
        StateLaw("ne", "Nebraska", "Nebraska Data Privacy Act", "Neb. Rev. Stat. §87-1101 et seq.",
                 date(2025, 1, 1)),
    )
}  # fmt: skip

GDPR_RIGHTS = (
    "access",
    "erasure",
    "rectification",
    "restriction",
    "portability",
    "objection",
    "objection-ai-training",
)
CCPA_RIGHTS = ("know", "delete", "correct", "opt-out", "limit")
STATE_RIGHTS = (*_COMMON_RIGHTS, "appeal")

FADP_RIGHTS = ("access", "erasure", "rectification", "objection")
FADP_BASIS = "Swiss Data Protection Ordinance (DPO) Art. 18(1)"

LAWS: tuple[str, ...] = (
    "gdpr", "uk-gdpr", "fadp", "ccpa", "bipa", *(f"us-{c}" for c in STATE_LAWS)
)  # fmt: skip

# Which article/section grants each right (used in letters).
RIGHT_BASIS = {
    "gdpr-access": "Art. 15",
    "gdpr-erasure": "Art. 17",
    "gdpr-rectification": "Art. 16",
    "gdpr-restriction": "Art. 18",
    "gdpr-portability": "Art. 20",
    "gdpr-objection": "Art. 21",
    "gdpr-objection-ai-training": "Art. 21",
    "ccpa-know": "Cal. Civ. Code §§1798.100, 1798.110, 1798.115",
    "ccpa-delete": "Cal. Civ. Code §1798.105",
    "ccpa-correct": "Cal. Civ. Code §1798.106",
    "ccpa-opt-out": "Cal. Civ. Code §1798.120",
    "ccpa-limit": "Cal. Civ. Code §1798.121",
    "bipa": "740 ILCS 14/15",
    "fadp-access": "FADP Art. 25",
    "fadp-erasure": "FADP Art. 32(2)(c)",
    "fadp-rectification": "FADP Art. 32(1)",
    "fadp-objection": "FADP Art. 30(2)(b), 32(2)(a)",
}


# --------------------------------------------------------------------------- calendars


def _holidays_module():  # type: ignore[no-untyped-def]
    try:
        import holidays
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ExpungeError(
            "business-day deadlines need the 'holidays' package", "pip install 'holidays>=0.30'"
        ) from error
    return holidays


@lru_cache(maxsize=1)
def us_federal_holidays() -> Container[date]:
    """US federal holidays with their observed days (New Year, MLK, Washington's Birthday,
    Memorial Day, Juneteenth, Independence Day, Labor Day, Columbus Day, Veterans Day,
    Thanksgiving, Christmas): `holidays.US()`, which grows to any year on lookup."""
    return _holidays_module().US()  # type: ignore[no-any-return]


@lru_cache(maxsize=64)
def country_holidays(country: str) -> Container[date]:
    """Public holidays of a country (ISO 3166 alpha-2, any case; 'uk' means 'gb')."""
    code = normalize_country(country).upper()
    try:
        return _holidays_module().country_holidays(code)  # type: ignore[no-any-return]
    except NotImplementedError as error:
        raise ExpungeError(
            f"no public-holiday calendar for country {country!r}",
            "use a two-letter country code such as ie, de, fr, gb",
        ) from error


def normalize_country(country: str) -> str:
    code = country.strip().lower()
    if code == "uk":
        code = "gb"
    if not re.fullmatch(r"[a-z]{2}", code):
        raise ExpungeError(
            f"bad country code {country!r}", "use a two-letter code such as ie, de, fr, gb, us"
        )
    return code


def is_working_day(day: date, holidays: Container[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: date, holidays: Container[date] = ()) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def add_business_days(start: date, days: int, holidays: Container[date] = ()) -> date:
    """The `days`-th working day after `start` (the start day itself is not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def add_months(start: date, months: int) -> date:
    """Same day `months` later; the last day of that month when the day does not exist
    (Reg. 1182/71 Art. 3(2)(c): 31 January + 1 month = 28/29 February)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_years(start: date, years: int) -> date:
    return add_months(start, 12 * years)


# --------------------------------------------------------------------------- per law


def _month_deadline(
    kind: DeadlineKind, received: date, months: int, basis: str, holidays: Container[date]
) -> Deadline:
    nominal = add_months(received, months)
    due = next_working_day(nominal, holidays)
    note = ""
    if due != nominal:
        why = "a weekend" if nominal.weekday() >= 5 else "a public holiday"
        note = f"{nominal.isoformat()} is {why}; moved to the next working day"
    return Deadline(kind, due, basis, note)


def gdpr_deadlines(
    received: date, country: str | None = None, *, uk: bool = False
) -> list[Deadline]:
    """[answer (one month), extended (three months)] under GDPR / UK GDPR Art. 12(3).

    Both end on the same date of the later month (or its last day) and move past Saturdays,
    Sundays and, when `country` is given, that country's public holidays."""
    holidays: Container[date] = country_holidays(country) if country else ()
    basis = UK_GDPR_BASIS if uk else GDPR_BASIS
    return [
        _month_deadline("answer", received, 1, basis + " (one month)", holidays),
        _month_deadline(
            "extended", received, 3, basis + " (extended by two further months)", holidays
        ),
    ]


def fadp_deadlines(received: date, right: str) -> list[Deadline]:
    """Swiss FADP: access is answered within 30 days of receipt (DPO Art. 18(1)); the other
    rights have no period in the Act or the Ordinance (an empty list)."""
    if right not in FADP_RIGHTS:
        raise ExpungeError(f"unknown FADP request kind {right!r}", _choices("fadp"))
    if right != "access":
        return []
    return [
        Deadline(
            "answer",
            received + timedelta(days=30),
            f"{FADP_BASIS} (30 days); a longer period must be announced within them (Art. 18(2))",
        )
    ]


def ccpa_deadlines(received: date, right: str) -> list[Deadline]:
    """CCPA/CPRA deadlines for a request of `right` (know, delete, correct, opt-out, limit)."""
    if right in ("opt-out", "limit"):
        section = "§7026(f)" if right == "opt-out" else "§7027(g)"
        due = add_business_days(received, 15, us_federal_holidays())
        return [
            Deadline(
                "comply",
                due,
                f"Cal. Code Regs. tit. 11 {section} (15 business days)",
                "business days exclude weekends and US federal holidays",
            )
        ]
    if right not in CCPA_RIGHTS:
        raise ExpungeError(f"unknown CCPA request kind {right!r}", _choices("ccpa"))
    return [
        Deadline(
            "confirm",
            add_business_days(received, 10, us_federal_holidays()),
            "Cal. Code Regs. tit. 11 §7021(a) (confirm receipt within 10 business days)",
            "business days exclude weekends and US federal holidays",
        ),
        Deadline(
            "answer",
            received + timedelta(days=45),
            "Cal. Civ. Code §1798.130(a)(2)(A); Cal. Code Regs. tit. 11 §7021(b) (45 days)",
        ),
        Deadline(
            "extended",
            received + timedelta(days=90),
            "Cal. Civ. Code §1798.130(a)(2)(A); Cal. Code Regs. tit. 11 §7021(b) "
            "(extended once by 45 days, 90 in total)",
        ),
    ]


def us_state_deadlines(received: date, state: str, right: str) -> list[Deadline]:
    """Deadlines under a US state comprehensive privacy law (`state`: two-letter code)."""
    law = STATE_LAWS.get(state.lower())
    if law is None:
        raise ExpungeError(
            f"no comprehensive privacy law on file for US state {state!r}",
            "states: " + ", ".join(sorted(STATE_LAWS)),
        )
    if received < law.effective:
        raise ExpungeError(
            f"the {law.name} took effect on {law.effective.isoformat()}; a request sent on "
            f"{received.isoformat()} has no deadline under it",
            "check the sent date (YYYY-MM-DD) or the law",
        )
    if right == "appeal":
        if law.appeal_days is None:
            raise ExpungeError(
                f"the {law.name} gives no right to appeal a refusal",
                "track the original request instead",
            )
        out = [
            Deadline(
                "answer",
                received + timedelta(days=law.appeal_days),
                f"{law.name}, {law.appeal_citation or law.citation} "
                f"(appeal decided within {law.appeal_days} days)",
            )
        ]
        if law.appeal_extension_days:
            total = law.appeal_days + law.appeal_extension_days
            out.append(
                Deadline(
                    "extended",
                    received + timedelta(days=total),
                    f"{law.name}, {law.appeal_citation or law.citation} (appeal period "
                    f"extended by {law.appeal_extension_days} days)",
                )
            )
        return out
    if right not in law.rights:
        raise ExpungeError(
            f"the {law.name} gives no right of kind {right!r}",
            "kinds: " + ", ".join(f"us-state-{law.code}-{r}" for r in (*law.rights, "appeal")),
        )
    return [
        Deadline(
            "answer",
            received + timedelta(days=law.answer_days),
            f"{law.name}, {law.citation} ({law.answer_days} days)",
        ),
        Deadline(
            "extended",
            received + timedelta(days=law.answer_days + law.extension_days),
            f"{law.name}, {law.citation} (extended once by {law.extension_days} days)",
        ),
    ]


def bipa_destruction_deadline(
    last_interaction: date, purpose_satisfied: date | None = None
) -> Deadline:
    """Latest date a private entity may keep a person's biometric identifiers under BIPA:
    3 years after the last interaction, or earlier when the initial purpose was satisfied."""
    three_years = add_years(last_interaction, 3)
    if purpose_satisfied is not None and purpose_satisfied < three_years:
        return Deadline(
            "destroy", purpose_satisfied, BIPA_BASIS, "initial purpose satisfied (earlier)"
        )
    return Deadline(
        "destroy", three_years, BIPA_BASIS, "3 years after the individual's last interaction"
    )


# --------------------------------------------------------------------------- dispatch


def kinds_for(law: str) -> tuple[str, ...]:
    """Request kinds valid under `law`."""
    if law in ("gdpr", "uk-gdpr"):
        return tuple(f"gdpr-{r}" for r in GDPR_RIGHTS)
    if law == "fadp":
        return tuple(f"fadp-{r}" for r in FADP_RIGHTS)
    if law == "ccpa":
        return tuple(f"ccpa-{r}" for r in CCPA_RIGHTS)
    if law == "bipa":
        return ("bipa",)
    state = _state_of(law)
    if state is not None:
        rights = (*STATE_LAWS[state].rights, "appeal")
        if STATE_LAWS[state].appeal_days is None:
            rights = STATE_LAWS[state].rights
        return tuple(f"us-state-{state}-{r}" for r in rights)
    if law == "us-ca":
        raise ExpungeError("California requests use law 'ccpa'", "pass --law ccpa")
    raise ExpungeError(f"unknown law {law!r}", "laws: " + ", ".join(LAWS))


def law_for_kind(kind: str) -> str:
    """The law a kind belongs to when none is given (gdpr-* -> gdpr, not uk-gdpr)."""
    if kind.startswith("gdpr-"):
        return "gdpr"
    if kind.startswith("fadp-"):
        return "fadp"
    if kind.startswith("ccpa-"):
        return "ccpa"
    if kind == "bipa":
        return "bipa"
    match = re.fullmatch(r"us-state-([a-z]{2})-.+", kind)
    if match:
        return f"us-{match.group(1)}"
    raise ExpungeError(
        f"unknown request kind {kind!r}",
        "kinds look like gdpr-access, ccpa-delete, us-state-va-access, bipa",
    )


def check_law_kind(law: str, kind: str) -> None:
    """Raise one ExpungeError naming the valid choices unless `kind` belongs to `law`."""
    valid = kinds_for(law)
    if kind not in valid:
        raise ExpungeError(
            f"request kind {kind!r} does not belong to law {law!r}", _choices(law, valid)
        )


def deadlines_for(law: str, kind: str, sent: date, country: str | None = None) -> list[Deadline]:
    """Every deadline of a request (including the `extended` one, where the law allows one).

    `country` is the requester's country; it only matters for GDPR / UK GDPR holiday roll-over."""
    check_law_kind(law, kind)
    if law in ("gdpr", "uk-gdpr"):
        return gdpr_deadlines(sent, country, uk=law == "uk-gdpr")
    if law == "fadp":
        return fadp_deadlines(sent, kind.removeprefix("fadp-"))
    if law == "ccpa":
        return ccpa_deadlines(sent, kind.removeprefix("ccpa-"))
    if law == "bipa":
        return []  # BIPA sets no deadline to answer a request; see bipa_destruction_deadline
    state = _state_of(law)
    assert state is not None  # check_law_kind accepted it
    return us_state_deadlines(sent, state, kind.removeprefix(f"us-state-{state}-"))


def _state_of(law: str) -> str | None:
    match = re.fullmatch(r"us-([a-z]{2})", law)
    return match.group(1) if match and match.group(1) in STATE_LAWS else None


def _choices(law: str, valid: tuple[str, ...] | None = None) -> str:
    return "valid kinds for " + law + ": " + ", ".join(valid or kinds_for(law))
