"""Request tracker: the person's own rights requests, their deadlines and what happened.

One SQLite file (stdlib `sqlite3`), created with mode 0600 in a 0700 directory because it holds
the person's own requests: `--db`, else `$EXPUNGE_RIGHTS_DB`, else
`~/.local/share/expunge/rights.db`.

Statuses follow the Data Rights Protocol (consumer-reports-innovation-lab/data-rights-protocol,
§3.02 "Request Statuses"): `open` -> `in_progress` -> `fulfilled` | `denied` | `expired`, or
straight from `open` to one of those; DRP's user-side final state `revoked` (the person withdrew
the request) is accepted too. Final states never change.

Every change appends a timestamped note; notes cannot be edited or deleted (SQLite triggers).
Each command runs in one transaction: a rejected change leaves the file as it was.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from expunge.errors import ExpungeError
from expunge.rights.deadlines import (
    RIGHT_BASIS,
    STATE_LAWS,
    Deadline,
    check_law_kind,
    deadlines_for,
    law_for_kind,
    normalize_country,
)
from expunge.rights.templates import render
from expunge.subject.profile import normalize_state

if TYPE_CHECKING:
    from expunge.rights.authorities import Authority

SCHEMA_VERSION = 2  # 2: requests.state (the requester's US state or German Land)
ENV_VAR = "EXPUNGE_RIGHTS_DB"
STATUSES = ("open", "in_progress", "fulfilled", "denied", "expired", "revoked")
FINAL_STATUSES = frozenset({"fulfilled", "denied", "expired", "revoked"})
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"in_progress", "fulfilled", "denied", "expired", "revoked"}),
    "in_progress": frozenset({"fulfilled", "denied", "expired", "revoked"}),
}
CHANNELS = ("email", "web-form", "post", "other")
DUE_WINDOW_DAYS = 7
FOLLOWUP_DAYS = 14
# The history note that flags an extension notified after the answer was due (see update()).
LATE_EXTENSION = "late extension notice"

_SCHEMA = f"""
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_slug TEXT NOT NULL,
    company_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    law TEXT NOT NULL,
    sent TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ({", ".join(repr(c) for c in CHANNELS)})),
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ({", ".join(repr(s) for s in STATUSES)})),
    country TEXT,
    state TEXT,
    extended INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE deadlines (
    request_id INTEGER NOT NULL REFERENCES requests(id),
    kind TEXT NOT NULL,
    due TEXT NOT NULL,
    basis TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (request_id, kind)
);
CREATE TABLE notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    at TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    path TEXT NOT NULL,
    added TEXT NOT NULL
);
CREATE INDEX deadlines_due ON deadlines (due);
CREATE TRIGGER notes_append_only_update BEFORE UPDATE ON notes
    BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;
CREATE TRIGGER notes_append_only_delete BEFORE DELETE ON notes
    BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;
"""


@dataclass(frozen=True, slots=True)
class Note:
    at: str  # UTC, ISO 8601 with seconds
    text: str


@dataclass(frozen=True, slots=True)
class Request:
    id: int
    company_slug: str
    company_name: str
    kind: str
    law: str
    sent: date
    channel: str
    status: str
    country: str | None
    extended: bool
    created: str
    updated: str
    deadlines: tuple[Deadline, ...]
    notes: tuple[Note, ...] = ()
    attachments: tuple[str, ...] = ()
    state: str | None = None  # the requester's US state or German Land (two letters)

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES

    def deadline(self, kind: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.kind == kind), None)

    def active_deadlines(self) -> list[Deadline]:
        """Deadlines the company still has to meet, given the status: none once final; the
        confirmation only while `open`; the extended date replaces the first answer date."""
        if self.final:
            return []
        out = []
        for d in self.deadlines:
            if d.kind == "confirm" and self.status != "open":
                continue
            if d.kind == "answer" and self.deadline("extended") is not None:
                continue
            out.append(d)
        return sorted(out, key=lambda d: d.due)

    def next_due(self) -> Deadline | None:
        active = self.active_deadlines()
        return active[0] if active else None

    @property
    def late_extensions(self) -> tuple[Note, ...]:
        """History notes of extension notices that came after the answer was due (not
        counted: the request stays overdue from the first answer date)."""
        return tuple(n for n in self.notes if n.text.startswith(LATE_EXTENSION))

    def missed(self, today: date) -> list[Deadline]:
        """Deadlines passed without an answer. Counts for open/in_progress requests and for
        ones the person marked `expired`; a `denied` request was answered (with a refusal)."""
        if self.status in ("fulfilled", "revoked", "denied"):
            return []
        candidates = self.active_deadlines()
        if self.status == "expired":
            candidates = [
                d
                for d in self.deadlines
                if not (d.kind == "answer" and self.deadline("extended") is not None)
            ]
        return [d for d in candidates if d.due < today]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "company_slug": self.company_slug,
            "company_name": self.company_name,
            "kind": self.kind,
            "law": self.law,
            "sent": self.sent.isoformat(),
            "channel": self.channel,
            "status": self.status,
            "country": self.country,
            "state": self.state,
            "extended": self.extended,
            "created": self.created,
            "updated": self.updated,
            "deadlines": [
                {"kind": d.kind, "due": d.due.isoformat(), "basis": d.basis, "note": d.note}
                for d in self.deadlines
            ],
            "next_due": (n.due.isoformat() if (n := self.next_due()) else None),
            "notes": [{"at": n.at, "text": n.text} for n in self.notes],
            "attachments": list(self.attachments),
        }


@dataclass(frozen=True, slots=True)
class DueItem:
    """A request whose next deadline has passed (`days_left` < 0) or comes within the window."""

    request: Request
    deadline: Deadline
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.request.id,
            "company": self.request.company_name,
            "kind": self.request.kind,
            "law": self.request.law,
            "status": self.request.status,
            "deadline": self.deadline.kind,
            "due": self.deadline.due.isoformat(),
            "basis": self.deadline.basis,
            "days_left": self.days_left,
            "overdue": self.overdue,
        }


# --------------------------------------------------------------------------- paths and input


def default_db_path() -> Path:
    return Path.home() / ".local" / "share" / "expunge" / "rights.db"


def resolve_db_path(db: str | os.PathLike[str] | None = None) -> Path:
    """`db` if given, else $EXPUNGE_RIGHTS_DB, else ~/.local/share/expunge/rights.db."""
    if db:
        return Path(db).expanduser()
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else default_db_path()


def parse_date(text: str | date, what: str = "date") -> date:
    """A strict YYYY-MM-DD date (or a `date`), as one ExpungeError when malformed."""
    if isinstance(text, date):
        return text
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as error:
        raise ExpungeError(
            f"malformed {what} {text!r}", "use YYYY-MM-DD, e.g. 2025-01-31"
        ) from error


def normalize_status(status: str) -> str:
    value = status.strip().lower().replace("-", "_")
    if value not in STATUSES:
        raise ExpungeError(f"unknown status {status!r}", "statuses: " + ", ".join(STATUSES))
    return value


def allowed_transitions(status: str) -> tuple[str, ...]:
    return tuple(s for s in STATUSES if s in TRANSITIONS.get(status, frozenset()))


def _utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _company_record(slug: str) -> Any | None:
    """The company directory's record for `slug`, or None (directory optional)."""
    try:
        from expunge.rights.directory import companies
    except ImportError:  # pragma: no cover - the directory ships with expunge
        return None
    return companies().get(slug)


# --------------------------------------------------------------------------- the tracker


class Tracker:
    """The request database. Use as a context manager, or call close()."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        clock: Callable[[], str] = _utc_now,
    ) -> None:
        self.path = resolve_db_path(path)
        self._clock = clock
        self._db = self._open(self.path)

    # -- plumbing

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        if path.exists() and path.is_dir():
            raise ExpungeError(f"{path} is a directory", "give --db a file path")
        new = not path.exists() or path.stat().st_size == 0
        if new:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
        if path.stat().st_mode & 0o077:
            try:
                os.chmod(path, 0o600)  # the person's own requests: owner only
            except PermissionError:
                pass
        try:
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("PRAGMA foreign_keys = ON")
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as error:
            raise ExpungeError(
                f"{path} is not an expunge request database ({error})", "check --db"
            ) from error
        if not tables:
            db.executescript(
                "BEGIN IMMEDIATE;"
                + _SCHEMA
                + f"INSERT INTO schema_version (version) VALUES ({SCHEMA_VERSION}); COMMIT;"
            )
        elif "schema_version" not in tables:
            db.close()
            raise ExpungeError(f"{path} is not an expunge request database", "check --db")
        else:
            row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
            if row[0] is None or row[0] > SCHEMA_VERSION:
                db.close()
                raise ExpungeError(
                    f"{path} has schema version {row[0]}, this expunge reads {SCHEMA_VERSION}",
                    "upgrade expunge",
                )
            if row[0] == 1:  # add the state column; nothing else changed
                db.executescript(
                    "BEGIN IMMEDIATE; ALTER TABLE requests ADD COLUMN state TEXT; "
                    "INSERT INTO schema_version (version) VALUES (2); COMMIT;"
                )
        return db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading

    def _load(self, row: sqlite3.Row | tuple[Any, ...]) -> Request:
        (rid, slug, name, kind, law, sent, channel, status, country, extended, created,
         updated, state) = row  # fmt: skip
        deadlines = tuple(
            Deadline(k, date.fromisoformat(due), basis, note)
            for k, due, basis, note in self._db.execute(
                "SELECT kind, due, basis, note FROM deadlines WHERE request_id = ? "
                "ORDER BY due, kind",
                (rid,),
            )
        )
        notes = tuple(
            Note(at, text)
            for at, text in self._db.execute(
                "SELECT at, text FROM notes WHERE request_id = ? ORDER BY id", (rid,)
            )
        )
        attachments = tuple(
            p
            for (p,) in self._db.execute(
                "SELECT path FROM attachments WHERE request_id = ? ORDER BY id", (rid,)
            )
        )
        return Request(
            rid, slug, name, kind, law, date.fromisoformat(sent), channel, status, country,
            bool(extended), created, updated, deadlines, notes, attachments, state,
        )  # fmt: skip

    _COLUMNS = (
        "id, company_slug, company_name, kind, law, sent, channel, status, country, extended, "
        "created, updated, state"
    )

    def get(self, request_id: int) -> Request:
        row = self._db.execute(
            f"SELECT {self._COLUMNS} FROM requests WHERE id = ?", (request_id,)
        ).fetchone()
        if row is None:
            raise ExpungeError(
                f"no request with id {request_id} in {self.path}",
                "see the ids with: expunge rights track list",
            )
        return self._load(row)

    def requests(
        self, status: str | None = None, law: str | None = None, company: str | None = None
    ) -> list[Request]:
        where, args = [], []
        if status:
            where.append("status = ?")
            args.append(normalize_status(status))
        if law:
            where.append("law = ?")
            args.append(law.lower())
        if company:
            where.append("company_slug = ?")
            args.append(company)
        sql = f"SELECT {self._COLUMNS} FROM requests"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [self._load(r) for r in self._db.execute(sql + " ORDER BY id", args).fetchall()]

    # -- writing

    def add(
        self,
        company_slug: str,
        kind: str,
        law: str | None = None,
        sent: date | str | None = None,
        channel: str = "email",
        company_name: str | None = None,
        country: str | None = None,
        note: str | None = None,
        attachments: Sequence[str | os.PathLike[str]] = (),
        state: str | None = None,
    ) -> Request:
        """Record a request sent to a company and compute its deadlines."""
        slug = company_slug.strip()
        if not slug:
            raise ExpungeError("empty company slug", "pass --company SLUG")
        kind = kind.strip().lower()
        if kind == "us-state":
            raise ExpungeError(
                "the tracker needs the state and the right in the kind",
                "use us-state-<code>-<right>, e.g. us-state-va-access or us-state-co-delete",
            )
        law = law.strip().lower() if law else law_for_kind(kind)
        check_law_kind(law, kind)
        if channel not in CHANNELS:
            raise ExpungeError(f"unknown channel {channel!r}", "channels: " + ", ".join(CHANNELS))
        sent_day = parse_date(sent, "sent date") if sent is not None else date.today()
        code = normalize_country(country) if country else None
        region = normalize_state(state, code) if state else None
        name = (company_name or "").strip()
        if not name:
            record = _company_record(slug)
            if record is None:
                raise ExpungeError(
                    f"unknown company slug {slug!r}",
                    "pass --name 'Company name' to track a company that is not in the directory",
                )
            name = record.name
        paths = [self._attachment(p) for p in attachments]
        deadlines = [d for d in deadlines_for(law, kind, sent_day, code) if d.kind != "extended"]
        now = self._clock()
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO requests (company_slug, company_name, kind, law, sent, channel, "
                "status, country, state, extended, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, 0, ?, ?)",
                (slug, name, kind, law, sent_day.isoformat(), channel, code, region, now, now),
            )
            rid = cursor.lastrowid
            assert rid is not None
            for d in deadlines:
                self._put_deadline(db, rid, d)
            summary = ", ".join(f"{d.kind} by {d.due.isoformat()}" for d in deadlines)
            self._note(db, rid, now, f"created: {kind} ({law}) sent {sent_day.isoformat()} by "
                       f"{channel}; " + (summary or "the law sets no response deadline"))  # fmt: skip
            if note:
                self._note(db, rid, now, note)
            for p in paths:
                self._attach(db, rid, now, p)
        return self.get(rid)

    def update(
        self,
        request_id: int,
        status: str | None = None,
        extended: bool = False,
        note: str | None = None,
        attachments: Sequence[str | os.PathLike[str]] = (),
        notified: date | str | None = None,
    ) -> Request:
        """Change status, record an extension, add a note or attachments: all or nothing.

        An extension needs `notified`, the day the company's extension notice arrived. The
        laws allow an extension only when the person is told within the first period (GDPR
        Art. 12(3): within one month of receipt; CCPA §1798.130(a)(2)(A): within the first 45
        days; the state acts likewise), so a notice that came after the answer date is not
        recorded as an extension: it is kept in the history as a late notice
        (`Request.late_extensions`) and the request stays overdue from the answer date."""
        current = self.get(request_id)
        new_status = normalize_status(status) if status else None
        if new_status is not None and new_status != current.status:
            allowed = allowed_transitions(current.status)
            if new_status not in allowed:
                hint = (
                    f"from {current.status} you can go to: {', '.join(allowed)}"
                    if allowed
                    else f"{current.status} is final; no status change is possible"
                )
                raise ExpungeError(
                    f"request {request_id} cannot go from {current.status} to {new_status}", hint
                )
        elif new_status is not None:
            raise ExpungeError(
                f"request {request_id} is already {current.status}", "nothing to change"
            )
        extension: Deadline | None = None
        late: str | None = None
        notice_day = current.sent
        if extended:
            if current.final:
                raise ExpungeError(
                    f"request {request_id} is {current.status}; its deadline cannot be extended",
                    "extensions apply to open or in_progress requests",
                )
            if current.extended:
                raise ExpungeError(
                    f"request {request_id} was already extended "
                    f"(to {current.deadline('extended').due.isoformat()})",  # type: ignore[union-attr]
                    "the laws allow one extension",
                )
            extension = next(
                (
                    d
                    for d in deadlines_for(current.law, current.kind, current.sent, current.country)
                    if d.kind == "extended"
                ),
                None,
            )
            if extension is None:
                raise ExpungeError(
                    f"{current.kind} requests under {current.law} cannot be extended",
                    "the law allows no extension for this kind of request",
                )
            notice_day, late = self._extension_notice(current, notified)
            if late is not None:
                extension = None
        if new_status is None and not extended and not note and not attachments:
            raise ExpungeError("nothing to update", "pass --status, --extended, --note or --attach")
        paths = [self._attachment(p) for p in attachments]
        now = self._clock()
        with self._tx() as db:
            if new_status is not None:
                db.execute(
                    "UPDATE requests SET status = ?, updated = ? WHERE id = ?",
                    (new_status, now, request_id),
                )
                self._note(db, request_id, now, f"status {current.status} -> {new_status}")
            if extension is not None:
                self._put_deadline(db, request_id, extension)
                db.execute(
                    "UPDATE requests SET extended = 1, updated = ? WHERE id = ?", (now, request_id)
                )
                self._note(db, request_id, now, "the company extended the deadline (notice "
                           f"received {notice_day.isoformat()}): "
                           f"answer now due {extension.due.isoformat()} ({extension.basis})")  # fmt: skip
            if late is not None:
                self._note(db, request_id, now, late)
            if note:
                self._note(db, request_id, now, note)
            for p in paths:
                self._attach(db, request_id, now, p)
            db.execute("UPDATE requests SET updated = ? WHERE id = ?", (now, request_id))
        return self.get(request_id)

    def _extension_notice(
        self, current: Request, notified: date | str | None
    ) -> tuple[date, str | None]:
        """(the day the extension notice arrived, None when it counts, else the history note
        that flags it as late). ExpungeError when the date is missing or impossible."""
        if notified is None:
            raise ExpungeError(
                "when did the company's extension notice arrive?",
                "pass --notified YYYY-MM-DD (the date of their message): an extension counts "
                "only when it was notified before the answer was due",
            )
        day = parse_date(notified, "extension notice date")
        today = date.fromisoformat(self._clock()[:10])
        if day < current.sent:
            raise ExpungeError(
                f"the extension notice ({day.isoformat()}) is dated before the request was sent "
                f"({current.sent.isoformat()})",
                "check --notified",
            )
        if day > today:
            raise ExpungeError(
                f"the extension notice date {day.isoformat()} is in the future", "check --notified"
            )
        answer = current.deadline("answer")
        if answer is None or day <= answer.due:
            return day, None
        late_by = (day - answer.due).days
        return day, (
            f"{LATE_EXTENSION}: on {day.isoformat()} the company said it needed more time, "
            f"{late_by} day{'s' if late_by != 1 else ''} after the answer was due "
            f"({answer.due.isoformat()}). An extension must be notified within the first period "
            f"({answer.basis}), so it does not count: the request is overdue since "
            f"{answer.due.isoformat()}"
        )

    @staticmethod
    def _attachment(path: str | os.PathLike[str]) -> str:
        p = Path(path).expanduser()
        if not p.is_file():
            raise ExpungeError(f"attachment {p} not found", "give the path of an existing file")
        return str(p.resolve())

    @staticmethod
    def _put_deadline(db: sqlite3.Connection, rid: int, d: Deadline) -> None:
        db.execute(
            "INSERT INTO deadlines (request_id, kind, due, basis, note) VALUES (?, ?, ?, ?, ?)",
            (rid, d.kind, d.due.isoformat(), d.basis, d.note),
        )

    @staticmethod
    def _note(db: sqlite3.Connection, rid: int, at: str, text: str) -> None:
        db.execute("INSERT INTO notes (request_id, at, text) VALUES (?, ?, ?)", (rid, at, text))

    def _attach(self, db: sqlite3.Connection, rid: int, at: str, path: str) -> None:
        db.execute(
            "INSERT INTO attachments (request_id, path, added) VALUES (?, ?, ?)", (rid, path, at)
        )
        self._note(db, rid, at, f"attachment added: {path}")

    # -- deadlines

    def due(self, today: date | None = None, within_days: int = DUE_WINDOW_DAYS) -> list[DueItem]:
        """Open/in-progress requests whose next deadline has passed or comes within
        `within_days` days, most urgent first."""
        today = today or date.today()
        out = []
        for request in self.requests():
            upcoming = request.next_due()
            if upcoming is None:
                continue
            days_left = (upcoming.due - today).days
            if days_left <= within_days:
                out.append(DueItem(request, upcoming, days_left))
        return sorted(out, key=lambda item: (item.deadline.due, item.request.id))

    # -- export

    def export(self, fmt: str) -> str:
        """Every request as JSON (full records) or CSV (one row each)."""
        requests = self.requests()
        if fmt == "json":
            return json.dumps([r.to_json() for r in requests], indent=2, ensure_ascii=False) + "\n"
        if fmt != "csv":
            raise ExpungeError(f"unknown export format {fmt!r}", "use csv or json")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            ["id", "company_slug", "company_name", "kind", "law", "sent", "channel", "status",
             "country", "extended", "next_due", "deadlines", "attachments", "last_note",
             "created", "updated"]
        )  # fmt: skip
        for r in requests:
            nxt = r.next_due()
            writer.writerow(
                [r.id, r.company_slug, r.company_name, r.kind, r.law, r.sent.isoformat(),
                 r.channel, r.status, r.country or "", int(r.extended),
                 nxt.due.isoformat() if nxt else "",
                 "; ".join(f"{d.kind}={d.due.isoformat()}" for d in r.deadlines),
                 "; ".join(r.attachments), r.notes[-1].text if r.notes else "",
                 r.created, r.updated]
            )  # fmt: skip
        return buffer.getvalue()


# --------------------------------------------------------------------------- letters

# The wording of the drafts is in data/templates/drafts/ (rendered by rights/templates.py);
# here are the facts and choices they are filled with.


@dataclass(frozen=True, slots=True)
class DraftContext:
    """What both drafts say about the request (variables of data/templates/drafts/)."""

    request: Request
    act_name: str | None  # the state act's name, for a us-xx request
    right: str  # the right asked for: access, erasure, know, opt-out, ...
    basis: str | None  # the articles the request relies on
    today: date
    sender: str | None
    late_notices: tuple[date, ...]  # extension notices that came after the answer date


@dataclass(frozen=True, slots=True)
class FollowupContext(DraftContext):
    last: Deadline  # the latest missed deadline
    confirm_only: bool  # only the confirmation of receipt is missing
    reply_by: date
    to: str | None  # the company's email or web form, when the directory has one


@dataclass(frozen=True, slots=True)
class ComplaintContext(DraftContext):
    missed: tuple[Deadline, ...]
    answer: Deadline | None  # the first answer deadline
    country: str | None  # where the requester lives
    authority: Authority
    enclosed: tuple[str, ...]  # the attachments' file names


def _request_facts(request: Request, today: date, sender: str | None) -> dict[str, Any]:
    """The DraftContext fields: the request's right and basis, the state act's name, and the
    dates of extension notices that came too late."""
    right = request.kind.split("-", 1)[1] if "-" in request.kind else request.kind
    if request.law.startswith("us-"):
        right = request.kind.removeprefix(f"us-state-{request.law.removeprefix('us-')}-")
    act = STATE_LAWS.get(request.law.removeprefix("us-"))
    return {
        "request": request,
        "act_name": act.name if act else None,
        "right": right,
        "basis": RIGHT_BASIS.get(request.kind),
        "today": today,
        "sender": sender,
        "late_notices": tuple(_late_extension_days(request)),
    }


def _missed_or_fail(request: Request, today: date, what: str) -> list[Deadline]:
    if request.status in ("fulfilled", "revoked"):
        raise ExpungeError(
            f"request {request.id} is {request.status}; no {what} is needed",
            "drafts are for requests the company has not answered",
        )
    missed = request.missed(today)
    if not missed and not (what == "complaint" and request.status == "denied"):
        upcoming = request.next_due()
        when = (
            f"next deadline {upcoming.due.isoformat()}"
            if upcoming
            else "the law sets no deadline for this request"
        )
        raise ExpungeError(f"request {request.id} is not overdue ({when})", f"no {what} yet")
    return missed


def _late_extension_days(request: Request) -> list[date]:
    """The dates of extension notices that came too late (from their history notes)."""
    out = []
    for note in request.late_extensions:
        found = re.search(r"\bon (\d{4}-\d{2}-\d{2})\b", note.text)
        if found:
            out.append(date.fromisoformat(found.group(1)))
    return out


def draft_followup(request: Request, today: date | None = None, sender: str | None = None) -> str:
    """A polite reminder citing the law and the missed date (plain text / Markdown)."""
    today = today or date.today()
    missed = _missed_or_fail(request, today, "follow-up")
    record = _company_record(request.company_slug)
    context = FollowupContext(
        **_request_facts(request, today, sender),
        last=max(missed, key=lambda d: d.due),
        confirm_only=all(d.kind == "confirm" for d in missed),
        reply_by=today + timedelta(days=FOLLOWUP_DAYS),
        to=getattr(record, "email", None) or getattr(record, "web_form", None),
    )
    return render("drafts/followup.j2", context)


def draft_complaint(
    request: Request,
    requester_country: str | None = None,
    today: date | None = None,
    authority_slug: str | None = None,
    sender: str | None = None,
) -> str:
    """A complaint to the authority for the request's law (Markdown).

    GDPR: the supervisory authority of the requester's country (default: the country recorded
    with the request); UK GDPR: the ICO; CCPA: the California Privacy Protection Agency (or the
    Attorney General); other US states: that state's attorney general."""
    from expunge.rights.authorities import complaint_authority

    today = today or date.today()
    missed = _missed_or_fail(request, today, "complaint")
    country = requester_country or request.country
    state = request.state if country == request.country else None
    context = ComplaintContext(
        **_request_facts(request, today, sender),
        missed=tuple(missed),
        answer=request.deadline("answer"),
        country=country,
        authority=complaint_authority(request.law, country, authority_slug, state),
        enclosed=tuple(Path(p).name for p in request.attachments),
    )
    return render("drafts/complaint.j2", context)
