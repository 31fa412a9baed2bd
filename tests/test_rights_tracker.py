"""Request tracker: state machine, stored deadlines, due list, drafts, file mode, CLI."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import sys
from datetime import date
from pathlib import Path

import pytest
import typer
from conftest import CliResult, run_cli
from typer.testing import CliRunner

from expunge.errors import ExpungeError
from expunge.rights.tracker import (
    STATUSES,
    Tracker,
    allowed_transitions,
    default_db_path,
    draft_complaint,
    draft_followup,
    resolve_db_path,
)

NOW = "2025-03-01T12:00:00Z"


@pytest.fixture
def tracker(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Tracker(tmp_path / "db" / "rights.db", clock=lambda: NOW) as t:
        yield t


def _row(t: Tracker, rid: int) -> tuple[object, ...]:
    r = t.get(rid)
    return (r.status, r.extended, r.updated, r.deadlines, r.notes, r.attachments)


def _gdpr(t: Tracker, sent: str = "2025-01-31", country: str | None = "ie") -> int:
    return t.add("openai", "gdpr-access", sent=sent, country=country).id


# --------------------------------------------------------------------------- file and schema


def test_db_file_is_private_and_versioned(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "rights.db"
    with Tracker(path):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(2,)]


def test_db_mode_tightened_when_created_by_someone_else(tmp_path: Path) -> None:
    path = tmp_path / "rights.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    with Tracker(path) as t:
        t.add("x", "gdpr-access", sent="2025-01-31", company_name="X Ltd")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_db_path_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXPUNGE_RIGHTS_DB", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_db_path() == tmp_path / ".local" / "share" / "expunge" / "rights.db"
    assert resolve_db_path() == default_db_path()
    monkeypatch.setenv("EXPUNGE_RIGHTS_DB", str(tmp_path / "env.db"))
    assert resolve_db_path() == tmp_path / "env.db"
    assert resolve_db_path(tmp_path / "flag.db") == tmp_path / "flag.db"


def test_not_a_database_and_newer_schema(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ExpungeError, match="not an expunge request database"):
        Tracker(junk)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(ExpungeError, match="not an expunge request database"):
        Tracker(other)
    newer = tmp_path / "newer.db"
    Tracker(newer).close()
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(ExpungeError, match="schema version 99"):
        Tracker(newer)


# --------------------------------------------------------------------------- adding


def test_add_stores_computed_deadlines(tracker: Tracker) -> None:
    request = tracker.get(_gdpr(tracker))
    assert request.company_name == "OpenAI Ireland Limited"  # from the company directory
    assert (request.law, request.status, request.country) == ("gdpr", "open", "ie")
    assert [(d.kind, d.due) for d in request.deadlines] == [("answer", date(2025, 2, 28))]
    assert "Art. 12(3)" in request.deadlines[0].basis
    assert request.notes[0].at == NOW and request.notes[0].text.startswith("created:")


def test_add_infers_law_and_accepts_uk_gdpr(tracker: Tracker) -> None:
    uk = tracker.add("openai", "gdpr-erasure", law="uk-gdpr", sent="2025-01-31")
    assert uk.law == "uk-gdpr" and uk.deadlines[0].basis.startswith("UK GDPR")
    state = tracker.add("acme", "us-state-va-delete", sent="2025-02-01", company_name="Acme")
    assert state.law == "us-va"
    assert [(d.kind, d.due) for d in state.deadlines] == [("answer", date(2025, 3, 18))]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"kind": "gdpr-hug"}, "does not belong to law 'gdpr'"),
        ({"kind": "gdpr-access", "law": "pdpa"}, "unknown law 'pdpa'"),
        ({"kind": "ccpa-know", "law": "gdpr"}, "does not belong to law 'gdpr'"),
        ({"kind": "frobnicate"}, "unknown request kind"),
        ({"kind": "us-state"}, "us-state-<code>-<right>"),
        ({"kind": "gdpr-access", "sent": "31/01/2025"}, "malformed sent date"),
        ({"kind": "gdpr-access", "sent": "2025-02-30"}, "malformed sent date"),
        ({"kind": "gdpr-access", "channel": "pigeon"}, "unknown channel"),
        ({"kind": "gdpr-access", "country": "ireland"}, "bad country code"),
        ({"kind": "gdpr-access", "attachments": ["/nonexistent/reply.eml"]}, "not found"),
    ],
)
def test_add_rejects_bad_input_and_writes_nothing(
    tracker: Tracker, args: dict[str, object], message: str
) -> None:
    with pytest.raises(ExpungeError, match=message):
        tracker.add("openai", **args)  # type: ignore[arg-type]
    assert tracker.requests() == []


def test_unknown_company_needs_a_name(tracker: Tracker) -> None:
    with pytest.raises(ExpungeError, match="unknown company slug 'no-such-co'"):
        tracker.add("no-such-co", "gdpr-access", sent="2025-01-31")
    assert tracker.add("no-such-co", "gdpr-access", sent="2025-01-31", company_name="No Such Co")


# --------------------------------------------------------------------------- state machine


LEGAL = [
    ("open", "in_progress"),
    ("open", "fulfilled"),
    ("open", "denied"),
    ("open", "expired"),
    ("open", "revoked"),
    ("in_progress", "fulfilled"),
    ("in_progress", "denied"),
    ("in_progress", "expired"),
    ("in_progress", "revoked"),
]


@pytest.mark.parametrize(("start", "target"), LEGAL)
def test_legal_transitions(tracker: Tracker, start: str, target: str) -> None:
    rid = _gdpr(tracker)
    if start != "open":
        tracker.update(rid, status=start)
    updated = tracker.update(rid, status=target.replace("_", "-"))  # in-progress accepted too
    assert updated.status == target
    assert updated.notes[-1].text == f"status {start} -> {target}"


ILLEGAL = [
    ("in_progress", "open"),
    *[(final, other) for final in ("fulfilled", "denied", "expired", "revoked")
      for other in STATUSES if other != final],
]  # fmt: skip


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
def test_illegal_transitions_leave_the_row_alone(tracker: Tracker, start: str, target: str) -> None:
    rid = _gdpr(tracker)
    tracker.update(rid, status=start)
    before = _row(tracker, rid)
    with pytest.raises(ExpungeError) as caught:
        tracker.update(rid, status=target, note="should not be stored")
    message = str(caught.value)
    assert f"cannot go from {start} to {target}" in message
    if start == "in_progress":
        assert "fulfilled, denied, expired, revoked" in message  # names the allowed ones
    else:
        assert "final" in message
    assert "\n" not in message
    assert _row(tracker, rid) == before


def test_unknown_status_and_id(tracker: Tracker) -> None:
    rid = _gdpr(tracker)
    before = _row(tracker, rid)
    with pytest.raises(ExpungeError, match="unknown status 'done'.*open, in_progress"):
        tracker.update(rid, status="done")
    with pytest.raises(ExpungeError, match="already open"):
        tracker.update(rid, status="open")
    with pytest.raises(ExpungeError, match="nothing to update"):
        tracker.update(rid)
    with pytest.raises(ExpungeError, match="no request with id 42"):
        tracker.update(42, status="fulfilled")
    assert _row(tracker, rid) == before
    assert allowed_transitions("fulfilled") == ()


def test_failure_inside_the_transaction_rolls_back(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = _gdpr(tracker)
    before = _row(tracker, rid)
    reply = tmp_path / "reply.eml"
    reply.write_text("hello")

    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Tracker, "_attach", broken)
    with pytest.raises(RuntimeError):
        tracker.update(
            rid, status="in_progress", extended=True, attachments=[reply], notified="2025-02-20"
        )
    assert _row(tracker, rid) == before


def test_notes_are_append_only(tracker: Tracker) -> None:
    rid = _gdpr(tracker)
    tracker.update(rid, note="called them")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        tracker._db.execute("UPDATE notes SET text = 'edited'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        tracker._db.execute("DELETE FROM notes")
    assert [n.text for n in tracker.get(rid).notes][-1] == "called them"


def test_attachments_stored_as_paths(tracker: Tracker, tmp_path: Path) -> None:
    reply = tmp_path / "reply.eml"
    reply.write_text("We received your request.")
    request = tracker.update(_gdpr(tracker), attachments=[reply], note="their reply")
    assert request.attachments == (str(reply.resolve()),)
    assert any(str(reply.resolve()) in n.text for n in request.notes)


# --------------------------------------------------------------------------- extensions


def test_extension_stored_once(tracker: Tracker) -> None:
    rid = _gdpr(tracker)
    request = tracker.update(rid, extended=True, notified="2025-02-27")
    assert request.extended
    assert [(d.kind, d.due) for d in request.deadlines] == [
        ("answer", date(2025, 2, 28)),
        ("extended", date(2025, 4, 30)),
    ]
    assert request.next_due() is not None and request.next_due().kind == "extended"  # type: ignore[union-attr]
    assert "extended the deadline" in request.notes[-1].text
    with pytest.raises(ExpungeError, match="already extended"):
        tracker.update(rid, extended=True)


def test_extension_refused_where_the_law_has_none(tracker: Tracker) -> None:
    pytest.importorskip("holidays")
    opt_out = tracker.add("acme", "ccpa-opt-out", sent="2025-01-15", company_name="Acme")
    with pytest.raises(ExpungeError, match="cannot be extended"):
        tracker.update(opt_out.id, extended=True)
    bipa = tracker.add("acme", "bipa", sent="2025-01-15", company_name="Acme")
    assert bipa.deadlines == () and bipa.next_due() is None
    done = _gdpr(tracker)
    tracker.update(done, status="fulfilled")
    with pytest.raises(ExpungeError, match="fulfilled; its deadline cannot be extended"):
        tracker.update(done, extended=True)


def test_extension_notified_after_the_answer_date_does_not_count(tmp_path: Path) -> None:
    # GDPR access received 2025-01-31: answer due 2025-02-28. The company's "we need two more
    # months" arrives on 2025-04-02, 33 days later: Art. 12(3) wants it within the month.
    with Tracker(tmp_path / "rights.db", clock=lambda: "2025-04-02T09:00:00Z") as t:
        rid = _gdpr(t)
        request = t.update(rid, extended=True, notified="2025-04-02")
        assert not request.extended
        assert request.deadline("extended") is None
        assert request.next_due() is not None and request.next_due().kind == "answer"  # type: ignore[union-attr]
        (late,) = request.late_extensions
        assert "33 days after the answer was due (2025-02-28)" in late.text
        assert "does not count" in late.text and "Art. 12(3)" in late.text
        (item,) = t.due(date(2025, 4, 2))
        assert (item.deadline.kind, item.days_left, item.overdue) == ("answer", -33, True)
        followup = draft_followup(request, date(2025, 4, 2))
        assert "2 April 2025" in followup and "does not extend it" in followup
        complaint = draft_complaint(request, None, date(2025, 4, 2))
        assert "after the answer was due (28 February 2025)" in complaint
        # a later, genuine extension cannot be recorded with an invented early date either
        with pytest.raises(ExpungeError, match="in the future"):
            t.update(rid, extended=True, notified="2025-04-03")


def test_ccpa_extension_after_45_days_does_not_count(tmp_path: Path) -> None:
    pytest.importorskip("holidays")
    with Tracker(tmp_path / "rights.db", clock=lambda: "2025-03-10T09:00:00Z") as t:
        rid = t.add("acme", "ccpa-delete", sent="2025-01-02", company_name="Acme").id
        # answer due 2025-02-16 (45 days); the notice came on day 49
        request = t.update(rid, status="in_progress", extended=True, notified="2025-02-20")
        assert request.status == "in_progress" and not request.extended
        assert "§1798.130(a)(2)(A)" in request.late_extensions[0].text
        assert t.due(date(2025, 3, 10))[0].days_left == -22
        # one notified on the 45th day counts
        other = t.add("acme", "ccpa-delete", sent="2025-01-02", company_name="Acme").id
        extended = t.update(other, extended=True, notified="2025-02-16")
        assert extended.extended and extended.late_extensions == ()
        assert extended.deadline("extended").due == date(2025, 4, 2)  # type: ignore[union-attr]
        assert "notice received 2025-02-16" in extended.notes[-1].text


def test_extension_needs_a_plausible_notice_date(tracker: Tracker) -> None:
    rid = _gdpr(tracker)
    before = _row(tracker, rid)
    with pytest.raises(ExpungeError, match="when did the company's extension notice arrive"):
        tracker.update(rid, extended=True)
    with pytest.raises(ExpungeError, match="before the request was sent"):
        tracker.update(rid, extended=True, notified="2025-01-30")
    with pytest.raises(ExpungeError, match="malformed extension notice date"):
        tracker.update(rid, extended=True, notified="28.02.2025")
    assert _row(tracker, rid) == before
    # notified on the answer date itself: in time
    assert tracker.update(rid, extended=True, notified="2025-02-28").extended


# --------------------------------------------------------------------------- due


def test_due_lists_overdue_and_this_week(tracker: Tracker) -> None:
    overdue = _gdpr(tracker, "2025-01-31")  # answer 2025-02-28
    this_week = _gdpr(tracker, "2025-02-05")  # answer 2025-03-05
    later = _gdpr(tracker, "2025-02-20")  # answer 2025-03-20
    done = _gdpr(tracker, "2025-01-10")  # answer 2025-02-10, but fulfilled
    tracker.update(done, status="fulfilled")
    items = tracker.due(date(2025, 3, 1))
    assert [(i.request.id, i.days_left, i.overdue) for i in items] == [
        (overdue, -1, True),
        (this_week, 4, False),
    ]
    assert later not in [i.request.id for i in items]
    assert [i.request.id for i in tracker.due(date(2025, 3, 14))] == [overdue, this_week, later]
    # on the due date itself the request is not overdue yet
    assert tracker.due(date(2025, 2, 28))[0].days_left == 0


def test_due_follows_confirmation_then_extension(tracker: Tracker) -> None:
    pytest.importorskip("holidays")
    rid = tracker.add("acme", "ccpa-know", sent="2024-12-20", company_name="Acme").id
    first = tracker.due(date(2025, 1, 8))
    assert [(i.deadline.kind, i.overdue) for i in first] == [("confirm", True)]
    tracker.update(rid, status="in_progress")  # they confirmed receipt
    assert [i.deadline.kind for i in tracker.due(date(2025, 1, 30))] == ["answer"]
    tracker.update(rid, extended=True, notified="2025-01-30")
    assert tracker.due(date(2025, 2, 10)) == []  # answer replaced by 2025-03-20
    assert tracker.due(date(2025, 3, 21))[0].deadline.kind == "extended"


# --------------------------------------------------------------------------- letters


def test_followup_names_law_and_missed_date(tracker: Tracker) -> None:
    request = tracker.get(_gdpr(tracker))
    letter = draft_followup(request, date(2025, 3, 10))
    assert "General Data Protection Regulation" in letter
    assert "31 January 2025" in letter and "28 February 2025" in letter
    assert "Art. 12(3)" in letter and "Art. 15" in letter
    assert "24 March 2025" in letter  # 14 days to reply
    assert "dsar@openai.com" in letter  # company contact from the directory


def test_complaint_goes_to_the_irish_dpc(tracker: Tracker) -> None:
    request = tracker.get(_gdpr(tracker, country=None))
    complaint = draft_complaint(request, "ie", date(2025, 3, 10))
    assert "Irish Data Protection Commission" in complaint
    assert "Article 77" in complaint
    assert "28 February 2025" in complaint and "31 January 2025" in complaint
    assert "OpenAI Ireland Limited" in complaint
    assert "iedpc" in complaint  # the record it came from


def test_complaint_authority_by_law(tracker: Tracker) -> None:
    pytest.importorskip("holidays")
    day = date(2025, 12, 1)
    recorded = tracker.get(_gdpr(tracker, country="fr"))
    assert "Commission Nationale de l'Informatique" in draft_complaint(recorded, today=day)
    uk = tracker.add("openai", "gdpr-access", law="uk-gdpr", sent="2025-01-31")
    assert "Information Commissioner" in draft_complaint(uk, today=day)
    ccpa = tracker.add("acme", "ccpa-delete", sent="2025-01-15", company_name="Acme")
    text = draft_complaint(ccpa, today=day)
    assert "California Privacy Protection Agency" in text
    assert "cppa.ca.gov/webapplications/complaint" in text
    assert "California Attorney General" in text
    va = tracker.add("acme", "us-state-va-access", sent="2025-02-01", company_name="Acme")
    text = draft_complaint(va, today=day)
    assert "Attorney General of Virginia" in text and "Virginia Consumer Data Protection" in text
    tx = tracker.add("acme", "us-state-tx-delete", sent="2025-02-01", company_name="Acme")
    assert "texasattorneygeneral.gov" in draft_complaint(tx, today=day)


def test_drafts_refused_when_not_due(tracker: Tracker) -> None:
    request = tracker.get(_gdpr(tracker))
    with pytest.raises(ExpungeError, match="not overdue"):
        draft_followup(request, date(2025, 2, 20))
    no_country = tracker.get(_gdpr(tracker, country=None))
    with pytest.raises(ExpungeError, match="country you live in"):
        draft_complaint(no_country, None, date(2025, 3, 10))
    bipa = tracker.add("acme", "bipa", sent="2025-01-15", company_name="Acme")
    with pytest.raises(ExpungeError, match="not overdue"):
        draft_followup(bipa, date(2026, 1, 1))
    done = tracker.update(request.id, status="fulfilled")
    with pytest.raises(ExpungeError, match="fulfilled"):
        draft_followup(done, date(2025, 3, 10))


def test_denied_request_can_be_complained_about(tracker: Tracker) -> None:
    rid = _gdpr(tracker)
    denied = tracker.update(rid, status="denied", note="they said no")
    text = draft_complaint(denied, None, date(2025, 2, 10))
    assert "refused" in text and "they said no" in text


# --------------------------------------------------------------------------- export


def test_export_csv_and_json(tracker: Tracker) -> None:
    rid = _gdpr(tracker)
    tracker.update(rid, extended=True, note='said "soon", maybe', notified="2025-02-28")
    data = json.loads(tracker.export("json"))
    assert data[0]["id"] == rid and data[0]["extended"] is True
    assert {d["kind"] for d in data[0]["deadlines"]} == {"answer", "extended"}
    assert data[0]["notes"][-1]["text"] == 'said "soon", maybe'
    lines = tracker.export("csv").splitlines()
    assert lines[0].startswith("id,company_slug,company_name,kind,law,sent")
    assert "answer=2025-02-28; extended=2025-04-30" in lines[1]
    with pytest.raises(ExpungeError, match="csv or json"):
        tracker.export("xml")


# --------------------------------------------------------------------------- CLI


def track(*args: str) -> CliResult:
    """`expunge rights track ...` as a user runs it."""
    return run_cli("rights", "track", *args)


def _one_line_error(result: CliResult, text: str) -> None:
    assert result.code == 1, result
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error:") and text in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_round_trip(tmp_path: Path) -> None:
    db = str(tmp_path / "rights.db")
    added = track("add", "--company", "openai", "--kind", "gdpr-objection-ai-training",
                  "--sent", "2025-01-31", "--country", "ie", "--db", db, "--json")  # fmt: skip
    assert added.code == 0, added.stderr
    rid = json.loads(added.stdout)["id"]
    assert json.loads(added.stdout)["deadlines"][0]["due"] == "2025-02-28"

    listed = track("list", "--db", db)
    assert listed.code == 0 and "OpenAI" in listed.stdout and "gdpr" in listed.stdout

    moved = track("update", str(rid), "--status", "in_progress", "--extended",
                  "--notified", "2025-02-25", "--note", "they asked for more time",
                  "--db", db)  # fmt: skip
    assert moved.code == 0, moved.stderr
    assert "2025-04-30" in moved.stdout

    due = track("due", "--today", "2025-05-02", "--db", db, "--drafts", str(tmp_path / "d"))
    assert due.code == 0, due.stderr
    assert "overdue" in due.stdout
    complaint = (tmp_path / "d" / f"request-{rid}-complaint.md").read_text()
    assert "Irish Data Protection Commission" in complaint
    assert "30 April 2025" in complaint

    exported = track("export", "--format", "csv", "--db", db)
    assert exported.code == 0 and "they asked for more time" in exported.stdout
    assert stat.S_IMODE(Path(db).stat().st_mode) == 0o600


def test_cli_bad_input_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "rights.db")
    assert track("add", "--company", "openai", "--kind", "gdpr-access", "--sent", "2025-01-31",
                 "--db", db).code == 0  # fmt: skip
    before = track("export", "--format", "json", "--db", db).stdout

    _one_line_error(track("update", "1", "--status", "done", "--db", db), "unknown status")
    _one_line_error(track("update", "1", "--status", "open", "--db", db), "already open")
    assert track("update", "1", "--status", "fulfilled", "--db", db).code == 0
    after_fulfil = track("export", "--format", "json", "--db", db).stdout
    _one_line_error(
        track("update", "1", "--status", "in_progress", "--note", "x", "--db", db),
        "cannot go from fulfilled to in_progress",
    )
    _one_line_error(track("update", "7", "--note", "x", "--db", db), "no request with id 7")
    _one_line_error(track("update", "seven", "--db", db), "bad request id")
    _one_line_error(
        track("add", "--company", "openai", "--kind", "gdpr-hug", "--db", db), "does not belong"
    )
    _one_line_error(
        track("add", "--company", "openai", "--kind", "gdpr-access", "--law", "nope", "--db", db),
        "unknown law",
    )
    _one_line_error(
        track(
            "add",
            "--company",
            "openai",
            "--kind",
            "gdpr-access",
            "--sent",
            "2025-13-01",
            "--db",
            db,
        ),
        "malformed sent date",
    )
    _one_line_error(track("due", "--today", "tomorrow", "--db", db), "malformed --today date")
    _one_line_error(track("export", "--format", "xml", "--db", db), "unknown --format")
    assert track("export", "--format", "json", "--db", db).stdout == after_fulfil
    assert json.loads(before)[0]["status"] == "open"


def test_cli_late_extension_is_flagged_and_the_request_shown_overdue(tmp_path: Path) -> None:
    db = str(tmp_path / "rights.db")
    sent = date.fromordinal(date.today().toordinal() - 61).isoformat()  # answer due ~30 days ago
    added = track("add", "--company", "openai", "--kind", "gdpr-access", "--sent", sent,
                  "--country", "ie", "--db", db, "--json")  # fmt: skip
    assert added.code == 0, added.stderr
    due = json.loads(added.stdout)["deadlines"][0]["due"]
    _one_line_error(track("update", "1", "--extended", "--db", db), "extension notice arrive")
    _one_line_error(
        track("update", "1", "--notified", due, "--db", db), "--notified goes with --extended"
    )
    late = track("update", "1", "--extended", "--notified", date.today().isoformat(), "--db", db)
    assert late.code == 0, late.stderr
    assert "does not count" in late.stderr and "overdue" in late.stderr
    assert "days overdue" in late.stdout and "next: answer" in late.stdout
    assert "next: extended" not in late.stdout
    listed = json.loads(track("list", "--db", db, "--json").stdout)
    assert listed[0]["extended"] is False and listed[0]["next_due"] == due


def test_cli_asks_when_the_extension_notice_arrived(monkeypatch: pytest.MonkeyPatch) -> None:
    from expunge.cli import track as cli_track

    asked: list[str] = []

    def prompt(text: str, **options: object) -> str:
        asked.append(text)
        return "2025-02-20"

    monkeypatch.setattr(cli_track.typer, "prompt", prompt)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    assert cli_track._notice_date(True, None) == "2025-02-20"
    assert asked == ["When did the company's extension notice arrive? (YYYY-MM-DD)"]
    assert cli_track._notice_date(True, "2025-02-01") == "2025-02-01" and len(asked) == 1
    assert cli_track._notice_date(False, None) is None and len(asked) == 1
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert cli_track._notice_date(True, None) is None  # the tracker's error asks for --notified


def test_cli_in_process_with_env_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from expunge.cli.track import track_app

    monkeypatch.setenv("EXPUNGE_RIGHTS_DB", str(tmp_path / "env" / "rights.db"))
    app = typer.Typer()
    app.add_typer(track_app, name="track")
    runner = CliRunner()
    result = runner.invoke(app, ["track", "add", "--company", "acme", "--name", "Acme Inc",
                                 "--kind", "us-state-co-delete", "--sent", "2025-03-01"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Colorado Privacy Act" in result.output and "2025-04-15" in result.output
    result = runner.invoke(app, ["track", "due", "--today", "2025-04-10", "--json"])
    assert json.loads(result.output)["items"][0]["due"] == "2025-04-15"
    result = runner.invoke(app, ["track", "list", "--status", "nope"])
    assert isinstance(result.exception, ExpungeError)
    assert (tmp_path / "env" / "rights.db").exists()
    for command in ("add", "list", "update", "due", "export"):
        assert "Example: expunge rights track " + command in runner.invoke(
            app, ["track", command, "--help"]
        ).output.replace("\n", " ")


# --------------------------------------------------------------------------- the requester's Land


def test_a_german_request_keeps_the_land_for_its_complaint(tracker: Tracker) -> None:
    """§40 BDSG: the Land authority of the requester's residence, not the federal commissioner;
    the tracker must remember the Land the letter was written for."""
    rid = tracker.add("openai", "gdpr-access", sent="2025-01-02", country="de", state="BE").id
    request = tracker.get(rid)
    assert request.state == "be" and request.to_json()["state"] == "be"
    complaint = draft_complaint(request, today=date(2025, 3, 1))
    assert "Berliner Beauftragte für Datenschutz" in complaint
    assert "Bundesbeauftragte" not in complaint
    with pytest.raises(ExpungeError, match="not a two-letter code of DE"):
        tracker.add("openai", "gdpr-access", country="de", state="zz")
    with pytest.raises(ExpungeError, match='needs country "us" or "de"'):
        tracker.add("openai", "gdpr-access", country="fr", state="be")


def test_a_version_1_database_gains_the_state_column(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Tracker(path, clock=lambda: NOW) as t:
        rid = t.add("openai", "gdpr-access", sent="2025-01-31", country="ie").id
    with sqlite3.connect(path) as db:  # make it a version-1 file, as earlier expunge wrote
        db.execute("ALTER TABLE requests DROP COLUMN state")
        db.execute("DELETE FROM schema_version")
        db.execute("INSERT INTO schema_version (version) VALUES (1)")
    with Tracker(path, clock=lambda: NOW) as t:
        assert t.get(rid).state is None and t.get(rid).country == "ie"
        new = t.add("openai", "gdpr-access", sent="2025-01-31", country="de", state="by").id
        assert t.get(new).state == "by"


def test_cli_track_add_takes_the_state(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    result = run_cli("rights", "track", "add", "--company", "openai", "--kind", "gdpr-access",
                     "--sent", "2025-01-02", "--country", "de", "--state", "by", "--db", str(db),
                     "--json")  # fmt: skip
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["state"] == "by"
