"""`expunge rights track ...`: the person's own rights requests and their deadlines."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from expunge.errors import ExpungeError

if TYPE_CHECKING:
    from expunge.rights.tracker import DueItem, Request, Tracker

track_app = typer.Typer(
    help="Track rights requests: deadlines by law, status, history, reminders and complaints.",
    no_args_is_help=True,
)

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="EXPUNGE_RIGHTS_DB",
        show_envvar=True,
        help="Request database (default ~/.local/share/expunge/rights.db).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
AttachOpt = Annotated[
    list[Path] | None,
    typer.Option("--attach", help="A file to record with the request (path stored; repeatable)."),
]


def _open(db: Path | None) -> Tracker:
    from expunge.rights.tracker import Tracker

    return Tracker(db)


def _request_id(text: str) -> int:
    if not text.isdigit():
        raise ExpungeError(f"bad request id {text!r}", "ids are numbers: expunge rights track list")
    return int(text)


def _print_json(data: object) -> None:
    import json

    print(json.dumps(data, indent=2, ensure_ascii=False))


def _days(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "due today"
    return f"in {days} day{'s' if days != 1 else ''}"


def _describe(request: Request) -> str:
    lines = [
        (
            f"request {request.id}: {request.kind} ({request.law}) to {request.company_name}, "
            f"sent {request.sent.isoformat()} by {request.channel}; status {request.status}"
        )
    ]
    active = request.active_deadlines()
    for d in request.deadlines:
        mark = ""
        if d not in active and not request.final:
            mark = "  (met)" if d.kind == "confirm" else "  (replaced by the extension)"
        lines.append(f"  {d.kind:<8} {d.due.isoformat()}  {d.basis}{mark}")
        if d.note:
            lines.append(f"           {d.note}")
    for late in request.late_extensions:
        lines.append(f"  {late.text}")
    nxt = request.next_due()
    if nxt is not None:
        lines.append(f"  next: {nxt.kind} {_days((nxt.due - date.today()).days)}")
    elif not request.deadlines:
        lines.append("  the law sets no response deadline for this request")
    return "\n".join(lines)


@track_app.command(
    "add",
    epilog="Example: expunge rights track add --company openai --kind gdpr-objection-ai-training "
    "--sent 2025-01-31 --country ie",
)
def add_cmd(
    company: Annotated[str, typer.Option(help="Company slug (see expunge rights company).")],
    kind: Annotated[
        str,
        typer.Option(
            help="gdpr-access|-erasure|-rectification|-restriction|-portability|-objection|"
            "-objection-ai-training, ccpa-know|-delete|-correct|-opt-out|-limit, "
            "us-state-<code>-access|-delete|-correct|-portability|-opt-out|-appeal, bipa"
        ),
    ],
    law: Annotated[
        str | None,
        typer.Option(help="gdpr | uk-gdpr | ccpa | us-<state> | bipa (default: from --kind)."),
    ] = None,
    sent: Annotated[
        str | None, typer.Option(help="Date the company received it, YYYY-MM-DD (default today).")
    ] = None,
    channel: Annotated[str, typer.Option(help="email | web-form | post | other")] = "email",
    name: Annotated[
        str | None, typer.Option(help="Company name (default: from the company directory).")
    ] = None,
    country: Annotated[
        str | None,
        typer.Option(help="Your country (two letters): GDPR holidays and the complaint authority."),
    ] = None,
    state: Annotated[
        str | None,
        typer.Option(help="Your US state or German Land (two letters): the complaint authority."),
    ] = None,
    note: Annotated[str | None, typer.Option(help="A first note for the history.")] = None,
    attach: AttachOpt = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Record a request you sent, with the deadlines the law gives the company."""
    with _open(db) as tracker:
        request = tracker.add(
            company, kind, law, sent, channel, name, country, note, list(attach or []), state
        )
    if json_out:
        _print_json(request.to_json())
        return
    print(_describe(request))


@track_app.command("list", epilog="Example: expunge rights track list --status open --law gdpr")
def list_cmd(
    status: Annotated[
        str | None,
        typer.Option(help="Only this status: open|in_progress|fulfilled|denied|expired|revoked."),
    ] = None,
    law: Annotated[str | None, typer.Option(help="Only this law (gdpr, ccpa, us-va...).")] = None,
    company: Annotated[str | None, typer.Option(help="Only this company slug.")] = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List tracked requests with their status and next deadline."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    with _open(db) as tracker:
        requests = tracker.requests(status, law, company)
    if json_out:
        _print_json([r.to_json() for r in requests])
        return
    console = Console(highlight=False)
    if not requests:
        console.print("no requests tracked" + (" matching the filters" if status or law or company
                                                 else "; add one: expunge rights track add"))  # fmt: skip
        return
    today = date.today()
    table = Table(box=None, padding=(0, 1))
    for column in ("id", "company", "kind", "law", "sent", "status", "next deadline"):
        table.add_column(column, overflow="fold", justify="right" if column == "id" else "left")
    for r in requests:
        nxt = r.next_due()
        when = Text("")
        if nxt is not None:
            days = (nxt.due - today).days
            style = "bold red" if days < 0 else "yellow" if days <= 7 else ""
            when = Text(f"{nxt.kind} {nxt.due.isoformat()} ({_days(days)})", style=style)
        table.add_row(str(r.id), Text(r.company_name), r.kind, r.law, r.sent.isoformat(),
                      r.status + (" (extended)" if r.extended else ""), when)  # fmt: skip
    console.print(table)


@track_app.command(
    "update",
    epilog="Example: expunge rights track update 3 --status in_progress "
    '--note "they confirmed receipt" --attach reply.eml; '
    "expunge rights track update 3 --extended --notified 2025-02-20",
)
def update_cmd(
    request_id: Annotated[str, typer.Argument(metavar="ID", help="Request id (see list).")],
    status: Annotated[
        str | None,
        typer.Option(help="New status: in_progress|fulfilled|denied|expired|revoked."),
    ] = None,
    extended: Annotated[
        bool, typer.Option("--extended", help="The company extended its deadline (once).")
    ] = False,
    notified: Annotated[
        str | None,
        typer.Option(
            help="With --extended: the day their extension notice arrived, YYYY-MM-DD (asked "
            "for on a terminal). A notice after the answer date does not count."
        ),
    ] = None,
    note: Annotated[str | None, typer.Option(help="Add a note to the history.")] = None,
    attach: AttachOpt = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Change a request's status, record an extension, add notes or attachments."""
    import sys

    rid = _request_id(request_id)
    notified = _notice_date(extended, notified)
    with _open(db) as tracker:
        before = len(tracker.get(rid).late_extensions)
        request = tracker.update(rid, status, extended, note, list(attach or []), notified)
    late = request.late_extensions[before:]
    if late:
        print(
            "warning: the extension notice came after the answer was due, so it does not count; "
            "the request is overdue (reminder and complaint: expunge rights track due --drafts DIR)",
            file=sys.stderr,
        )
    if json_out:
        _print_json(request.to_json())
        return
    print(_describe(request))
    print(f"  history: {len(request.notes)} entries; last: {request.notes[-1].text}")


def _notice_date(extended: bool, notified: str | None) -> str | None:
    """The day the extension notice arrived: --notified, else asked on a terminal (without
    one, the tracker's error asks for --notified)."""
    import sys

    if notified is not None and not extended:
        raise ExpungeError("--notified goes with --extended", "add --extended, or drop --notified")
    if extended and notified is None and sys.stdin.isatty():
        return str(
            typer.prompt(
                "When did the company's extension notice arrive? (YYYY-MM-DD)",
                default=date.today().isoformat(),
                err=True,
            )
        )
    return notified


@track_app.command(
    "due",
    epilog="Example: expunge rights track due --drafts letters/ --country ie",
)
def due_cmd(
    today: Annotated[
        str | None, typer.Option(help="Check as of this date, YYYY-MM-DD (default today).")
    ] = None,
    within: Annotated[int, typer.Option(min=0, help="Also show what is due in N days.")] = 7,
    drafts: Annotated[
        Path | None,
        typer.Option(help="Write a follow-up and a complaint draft per overdue request here."),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option(help="Your country, for GDPR complaints (default: the one recorded)."),
    ] = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Overdue requests and those due within a week; drafts of reminders and complaints."""
    from expunge.rights.tracker import parse_date

    day = parse_date(today, "--today date") if today else date.today()
    with _open(db) as tracker:
        items = tracker.due(day, within)
    written = _write_drafts(drafts, [i for i in items if i.overdue], day, country) if drafts else []
    if json_out:
        _print_json({"today": day.isoformat(), "items": [i.to_json() for i in items],
                     "drafts": [str(p) for p in written]})  # fmt: skip
        return
    _print_due(items, day, within)
    for path in written:
        print(f"wrote {path}")


def _print_due(items: list[DueItem], day: date, within: int) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    if not items:
        console.print(f"nothing overdue or due within {within} days (as of {day})")
        return
    table = Table(box=None, padding=(0, 1))
    for column in ("id", "company", "kind", "deadline", "due", "when", "law"):
        table.add_column(column, overflow="fold", justify="right" if column == "id" else "left")
    for item in items:
        r, d = item.request, item.deadline
        style = "bold red" if item.overdue else "yellow"
        table.add_row(str(r.id), Text(r.company_name), r.kind, d.kind, d.due.isoformat(),
                      Text(_days(item.days_left), style=style), r.law)  # fmt: skip
    console.print(table)
    overdue = sum(1 for i in items if i.overdue)
    if overdue:
        console.print(
            f"{overdue} overdue: write a reminder and a complaint with --drafts DIR "
            "(add --country XX for GDPR complaints)"
        )


def _write_drafts(folder: Path, items: list[DueItem], day: date, country: str | None) -> list[Path]:
    from expunge.rights.tracker import draft_complaint, draft_followup

    letters: list[tuple[Path, str]] = []
    for item in items:
        r = item.request
        letters.append((folder / f"request-{r.id}-followup.md", draft_followup(r, day)))
        try:
            letters.append((folder / f"request-{r.id}-complaint.md",
                            draft_complaint(r, country, day)))  # fmt: skip
        except ExpungeError as error:
            print(f"request {r.id}: no complaint draft: {error}")
    clash = [p for p, _ in letters if p.exists()]
    if clash:
        raise ExpungeError(f"{clash[0]} already exists", "choose another --drafts directory")
    if letters:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for path, text in letters:
        _write_private(path, text)
    return [p for p, _ in letters]


def _write_private(path: Path, text: str) -> None:
    """Write by rename, owner-readable only (the text is about the person's own requests)."""
    from expunge.atomic import write_atomic

    write_atomic(path, text.encode("utf-8"), private=True)


@track_app.command(
    "export", epilog="Example: expunge rights track export --format csv --out requests.csv"
)
def export_cmd(
    format: Annotated[str, typer.Option("--format", help="csv | json")] = "json",
    out: Annotated[Path | None, typer.Option(help="Write here (default: print).")] = None,
    db: DbOpt = None,
) -> None:
    """Export every request (deadlines, history, attachments) as CSV or JSON."""
    import sys

    if format not in ("csv", "json"):
        raise ExpungeError(f"unknown --format {format!r}", "use csv or json")
    with _open(db) as tracker:
        text = tracker.export(format)
    if out is None:
        sys.stdout.write(text)
        return
    if out.exists():
        raise ExpungeError(f"{out} already exists", "choose another --out")
    _write_private(out, text)
    print(f"wrote {out}")
