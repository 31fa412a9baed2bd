"""Deadlines from the law and the sent date: GDPR months, US business days, state laws, BIPA."""

from __future__ import annotations

from datetime import date

import pytest

from expunge.errors import ExpungeError
from expunge.rights.deadlines import (
    LAWS,
    STATE_LAWS,
    add_business_days,
    add_months,
    bipa_destruction_deadline,
    ccpa_deadlines,
    check_law_kind,
    deadlines_for,
    gdpr_deadlines,
    kinds_for,
    law_for_kind,
    next_working_day,
    us_federal_holidays,
    us_state_deadlines,
)


@pytest.fixture
def us_holidays():  # type: ignore[no-untyped-def]
    pytest.importorskip("holidays")
    return us_federal_holidays()


def _due(deadlines, kind):  # type: ignore[no-untyped-def]
    return next(d.due for d in deadlines if d.kind == kind)


# --------------------------------------------------------------------------- GDPR months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 1, 30), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 5, 15), 1, date(2025, 6, 15)),
    ],
)
def test_add_months_ends_on_same_day_or_last_day(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_gdpr_one_month_across_month_ends() -> None:
    # Jan 31 -> Feb 28 (Fri), leap year Feb 29 (Thu), Mar 31 -> Apr 30 (Wed): all working days.
    assert _due(gdpr_deadlines(date(2025, 1, 31)), "answer") == date(2025, 2, 28)
    assert _due(gdpr_deadlines(date(2024, 1, 31)), "answer") == date(2024, 2, 29)
    assert _due(gdpr_deadlines(date(2025, 3, 31)), "answer") == date(2025, 4, 30)


def test_gdpr_extended_is_three_months_from_receipt() -> None:
    deadlines = gdpr_deadlines(date(2025, 1, 31))
    assert [d.kind for d in deadlines] == ["answer", "extended"]
    assert _due(deadlines, "extended") == date(2025, 4, 30)
    assert "Art. 12(3)" in deadlines[1].basis and "1182/71" in deadlines[1].basis


def test_gdpr_weekend_rolls_to_monday() -> None:
    # 1 Feb 2025 is a Saturday: the period ends on Monday 3 Feb (Reg. 1182/71 Art. 3(4)).
    answer = gdpr_deadlines(date(2025, 1, 1))[0]
    assert answer.due == date(2025, 2, 3)
    assert "weekend" in answer.note
    # Sunday 1 June 2025 -> Monday 2 June
    assert _due(gdpr_deadlines(date(2025, 5, 1)), "answer") == date(2025, 6, 2)


def test_gdpr_public_holiday_of_requester_country() -> None:
    pytest.importorskip("holidays")
    # 17 March 2025 (Monday) is St Patrick's Day in Ireland, an ordinary day elsewhere.
    assert _due(gdpr_deadlines(date(2025, 2, 17)), "answer") == date(2025, 3, 17)
    irish = gdpr_deadlines(date(2025, 2, 17), "ie")[0]
    assert irish.due == date(2025, 3, 18)
    assert "public holiday" in irish.note
    # Christmas in Germany: 25 Dec 2025 (Thu) and 26 Dec (Fri) -> Monday 29 Dec
    assert _due(gdpr_deadlines(date(2025, 11, 25), "de"), "answer") == date(2025, 12, 29)


def test_uk_gdpr_cites_uk_law_and_uses_uk_holidays() -> None:
    pytest.importorskip("holidays")
    # Boxing Day 2025 is a Friday: 26 Nov + 1 month -> Monday 29 Dec
    answer = gdpr_deadlines(date(2025, 11, 26), "gb", uk=True)[0]
    assert answer.due == date(2025, 12, 29)
    assert answer.basis.startswith("UK GDPR")
    assert deadlines_for("uk-gdpr", "gdpr-erasure", date(2025, 11, 26), "uk")[0].due == answer.due


def test_bad_country_is_one_error() -> None:
    pytest.importorskip("holidays")
    with pytest.raises(ExpungeError, match="no public-holiday calendar"):
        gdpr_deadlines(date(2025, 1, 1), "zz")
    with pytest.raises(ExpungeError, match="bad country code"):
        gdpr_deadlines(date(2025, 1, 1), "ireland")


# --------------------------------------------------------------------------- US business days


def test_business_days_skip_weekends(us_holidays) -> None:  # type: ignore[no-untyped-def]
    # Friday 7 March 2025 + 10 business days -> Friday 21 March
    assert add_business_days(date(2025, 3, 7), 10, us_holidays) == date(2025, 3, 21)
    # received on a Saturday: Monday is business day 1
    assert add_business_days(date(2025, 3, 8), 1, us_holidays) == date(2025, 3, 10)
    assert next_working_day(date(2025, 3, 8)) == date(2025, 3, 10)


def test_business_days_across_thanksgiving(us_holidays) -> None:  # type: ignore[no-untyped-def]
    # Wed 20 Nov 2024: Thanksgiving (28 Nov) is skipped, the Friday after is a business day.
    assert add_business_days(date(2024, 11, 20), 15, us_holidays) == date(2024, 12, 12)
    comply = ccpa_deadlines(date(2024, 11, 20), "opt-out")
    assert [d.kind for d in comply] == ["comply"]
    assert comply[0].due == date(2024, 12, 12)
    assert "§7026(f)" in comply[0].basis


def test_business_days_across_christmas_and_new_year(us_holidays) -> None:  # type: ignore[no-untyped-def]
    # Fri 20 Dec 2024 + 10 business days, skipping 25 Dec and 1 Jan -> Tue 7 Jan 2025
    confirm = ccpa_deadlines(date(2024, 12, 20), "know")[0]
    assert confirm.kind == "confirm"
    assert confirm.due == date(2025, 1, 7)
    assert "§7021(a)" in confirm.basis


def test_business_days_across_juneteenth(us_holidays) -> None:  # type: ignore[no-untyped-def]
    assert date(2025, 6, 19) in us_holidays
    # Mon 16 June 2025 + 10 business days, skipping Juneteenth -> Tue 1 July
    assert add_business_days(date(2025, 6, 16), 10, us_holidays) == date(2025, 7, 1)
    # + 15 also skips Independence Day (Fri 4 July) -> Wed 9 July
    limit = ccpa_deadlines(date(2025, 6, 16), "limit")[0]
    assert limit.due == date(2025, 7, 9)
    assert "§7027(g)" in limit.basis


def test_observed_federal_holiday(us_holidays) -> None:  # type: ignore[no-untyped-def]
    # 4 July 2026 is a Saturday; Friday 3 July is the observed holiday.
    assert add_business_days(date(2026, 7, 2), 1, us_holidays) == date(2026, 7, 6)


def test_ccpa_45_and_90_calendar_days(us_holidays) -> None:  # type: ignore[no-untyped-def]
    deadlines = deadlines_for("ccpa", "ccpa-delete", date(2025, 1, 15))
    assert [d.kind for d in deadlines] == ["confirm", "answer", "extended"]
    assert _due(deadlines, "answer") == date(2025, 3, 1)  # a Saturday: calendar days, no roll
    assert _due(deadlines, "extended") == date(2025, 4, 15)
    assert "§1798.130" in deadlines[1].basis and "§7021(b)" in deadlines[1].basis


def test_ccpa_opt_out_and_limit_have_no_extension(us_holidays) -> None:  # type: ignore[no-untyped-def]
    for kind in ("ccpa-opt-out", "ccpa-limit"):
        assert [d.kind for d in deadlines_for("ccpa", kind, date(2025, 1, 15))] == ["comply"]


# --------------------------------------------------------------------------- US states


def test_all_state_laws_listed() -> None:
    assert set(STATE_LAWS) == {
        "va", "co", "ct", "ut", "tx", "or", "mt", "ia", "de",
        "nj", "nh", "ky", "tn", "mn", "md", "in", "ri", "ne",
    }  # fmt: skip
    for law in STATE_LAWS.values():
        assert law.name and law.citation and law.effective
        assert f"us-{law.code}" in LAWS


def test_state_45_plus_45() -> None:
    deadlines = us_state_deadlines(date(2025, 2, 1), "va", "access")
    assert _due(deadlines, "answer") == date(2025, 3, 18)
    assert _due(deadlines, "extended") == date(2025, 5, 2)
    assert "Virginia Consumer Data Protection Act" in deadlines[0].basis
    assert "§59.1-577" in deadlines[0].basis


def test_iowa_differs_90_plus_45() -> None:
    deadlines = deadlines_for("us-ia", "us-state-ia-delete", date(2025, 2, 1))
    assert _due(deadlines, "answer") == date(2025, 5, 2)
    assert _due(deadlines, "extended") == date(2025, 6, 16)
    assert "715D" in deadlines[0].basis


def test_appeal_windows() -> None:
    virginia = deadlines_for("us-va", "us-state-va-appeal", date(2025, 3, 1))
    assert [(d.kind, d.due) for d in virginia] == [("answer", date(2025, 4, 30))]
    colorado = deadlines_for("us-co", "us-state-co-appeal", date(2025, 3, 1))
    assert [(d.kind, d.due) for d in colorado] == [
        ("answer", date(2025, 4, 15)),
        ("extended", date(2025, 6, 14)),
    ]
    assert "§6-1-1306(3)" in colorado[0].basis
    with pytest.raises(ExpungeError, match="no right to appeal"):
        us_state_deadlines(date(2025, 3, 1), "ut", "appeal")
    with pytest.raises(ExpungeError, match="does not belong to law 'us-ut'"):
        deadlines_for("us-ut", "us-state-ut-appeal", date(2025, 3, 1))


def test_state_rights_and_dates_checked() -> None:
    with pytest.raises(ExpungeError, match="does not belong"):
        check_law_kind("us-ia", "us-state-ia-correct")  # Iowa has no right to correct
    with pytest.raises(ExpungeError, match="took effect on 2026-01-01"):
        deadlines_for("us-ky", "us-state-ky-access", date(2025, 6, 1))
    assert deadlines_for("us-ky", "us-state-ky-access", date(2026, 1, 2))


# --------------------------------------------------------------------------- laws and kinds


def test_kinds_and_laws() -> None:
    assert "gdpr-objection-ai-training" in kinds_for("gdpr")
    assert kinds_for("uk-gdpr") == kinds_for("gdpr")
    assert set(kinds_for("ccpa")) == {
        "ccpa-know", "ccpa-delete", "ccpa-correct", "ccpa-opt-out", "ccpa-limit"
    }  # fmt: skip
    assert "us-state-tx-appeal" in kinds_for("us-tx")
    assert "us-state-ut-appeal" not in kinds_for("us-ut")
    assert law_for_kind("gdpr-access") == "gdpr"
    assert law_for_kind("us-state-nj-delete") == "us-nj"
    assert law_for_kind("bipa") == "bipa"
    with pytest.raises(ExpungeError, match="unknown request kind"):
        law_for_kind("pdpa-access")
    with pytest.raises(ExpungeError, match="unknown law"):
        kinds_for("us-zz")
    with pytest.raises(ExpungeError, match="use law 'ccpa'"):
        kinds_for("us-ca")
    with pytest.raises(ExpungeError, match="does not belong to law 'ccpa'"):
        deadlines_for("ccpa", "gdpr-access", date(2025, 1, 1))


# --------------------------------------------------------------------------- BIPA


def test_bipa_sets_no_response_deadline() -> None:
    assert deadlines_for("bipa", "bipa", date(2025, 1, 1)) == []


def test_bipa_destruction_three_years_or_purpose() -> None:
    latest = bipa_destruction_deadline(date(2024, 2, 29))
    assert (latest.kind, latest.due) == ("destroy", date(2027, 2, 28))
    assert latest.basis == "740 ILCS 14/15(a)"
    assert bipa_destruction_deadline(date(2024, 5, 1), date(2025, 1, 1)).due == date(2025, 1, 1)
    assert bipa_destruction_deadline(date(2024, 5, 1), date(2030, 1, 1)).due == date(2027, 5, 1)
