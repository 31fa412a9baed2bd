"""`expunge rights ...` (company directory, letters, tracker) and `expunge optout guide`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from expunge.errors import ExpungeError

if TYPE_CHECKING:
    from expunge.rights.letters import Letter

rights_app = typer.Typer(
    help="Requests under GDPR, CCPA, US state laws and BIPA: find the company, write the letter, "
    "track the deadline.",
    no_args_is_help=True,
)


def _mount_track() -> None:
    from expunge.cli.track import track_app

    rights_app.add_typer(track_app, name="track", help="Track sent requests and their deadlines.")


_mount_track()


@rights_app.command("company", epilog='Example: expunge rights company "open ai"')
def company_cmd(
    name: Annotated[str, typer.Argument(help="A company name, brand or slug (fuzzy).")],
    limit: Annotated[int, typer.Option(min=1, help="How many matches to show.")] = 5,
) -> None:
    """Find companies by name, with their privacy contacts."""
    from rich.console import Console
    from rich.text import Text

    from expunge.rights.directory import find_companies

    console = Console(highlight=False)
    for company, score in find_companies(name, limit):
        origin = (
            f"expunge record, checked {company.get('checked')}"
            + (" STALE (over 180 days ago)" if company.stale(date.today()) else "")
            if company.source == "expunge"
            else f"datarequests.org record ({company.get('quality')})"
        )
        console.print(Text(f"{company.slug}", style="bold") + Text(f"  {company.name}"))
        console.print(Text(f"  match {score:.0f}%; {origin}", style="dim"))
        if company.email:
            console.print(Text(f"  email: {company.email}"))
        if company.web_form:
            console.print(Text(f"  web form: {company.web_form}"))
        if not company.email and not company.web_form and company.get("address"):
            console.print(Text("  post: " + " / ".join(str(company.get("address")).splitlines())))
        opt_out = company.get("ai-training-opt-out") or company.get("ai-training-opt-out-help")
        if opt_out:
            console.print(Text(f"  AI training opt-out: {opt_out}"))
        for entity in company.entities:
            where = ", ".join("everyone else" if s == "*" else s.upper() for s in entity.serves)
            if len(entity.serves) > 5:
                where = f"{len(entity.serves)} European countries"
            console.print(Text(f"  for {where}: {entity.name}", style="dim"))


@rights_app.command(
    "letter",
    epilog="Example: expunge rights letter --company openai --kind gdpr-objection-ai-training "
    "--me me.toml --evidence find-out --format eml --out letter.eml",
)
def letter_cmd(
    company: Annotated[str, typer.Option(help="Company slug (see expunge rights company).")],
    kind: Annotated[
        str,
        typer.Option(
            help="gdpr-access | gdpr-erasure | gdpr-objection-ai-training | "
            "gdpr-rectification | ccpa-know | ccpa-delete | ccpa-correct | ccpa-opt-out | "
            "ccpa-limit | bipa | us-state"
        ),
    ],
    me: Annotated[
        Path,
        typer.Option(
            help="Your subject profile (.toml/.json/.yaml); its country and state decide the "
            "law and the addressee."
        ),
    ],
    evidence: Annotated[
        Path | None, typer.Option(help="An `expunge find --out` directory to quote (masked).")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="md | txt | eml | pdf")] = "md",
    out: Annotated[Path | None, typer.Option(help="Write here (default: print md/txt).")] = None,
    state: Annotated[
        str | None,
        typer.Option(help="Your US state or German Land, two letters (default: the profile's)."),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            help="email | web-form | post (default: eml -> email, else the company's first "
            "route). By post the deadline runs from delivery."
        ),
    ] = None,
    says: Annotated[
        str | None,
        typer.Option(help="gdpr-rectification / ccpa-correct: the inaccurate statement."),
    ] = None,
    should_say: Annotated[
        str | None, typer.Option(help="gdpr-rectification / ccpa-correct: what is correct.")
    ] = None,
) -> None:
    """Write a request letter naming the law, the deadline and the evidence."""
    import sys

    from expunge.rights.directory import company as find_company
    from expunge.rights.letters import render, write_letter
    from expunge.subject import load_subject

    profile = load_subject(me)
    found = find_company(company)
    if channel is None and format == "eml":
        channel = "email"
    letter = write_letter(found, kind, profile, date.today(), evidence, state,
                          channel=channel, says=says, should_say=should_say)  # fmt: skip
    _before_letter(letter, date.today())
    emails = profile.given("email")
    data = render(letter, format, emails[0] if emails else None)
    if out is None:
        if format in ("eml", "pdf"):
            raise ExpungeError(f"--format {format} needs --out FILE", "add --out letter." + format)
        sys.stdout.write(data.decode())
        sys.stdout.flush()
    else:
        if out.exists():
            raise ExpungeError(f"{out} already exists", "choose another --out")
        from expunge.atomic import write_atomic

        write_atomic(out, data, private=True)  # a letter holds the person's data: 0600
        print(f"wrote {out}")
    _after_letter(letter, date.today())


def _before_letter(letter: Letter, today: date) -> None:
    """Said on stderr before the letter: the quickest route, why this law and addressee, and
    whether the directory record is stale."""
    import sys

    from expunge.rights.directory import STALE_DAYS

    company = letter.company
    region = letter.country or ("eea" if letter.law in ("gdpr", "uk-gdpr", "fadp") else "us")
    routes = company.quick_routes(region)
    if routes:
        print("Quickest route first (a setting or form that does part of this in one step):",
              file=sys.stderr)  # fmt: skip
        for route in routes:
            print(f"  - {route.what}: {route.url}", file=sys.stderr)
            print(f"    {route.covers}", file=sys.stderr)
            if route.note:
                print(f"    note: {route.note}", file=sys.stderr)
        print("  The letter below asks for more (what they hold, erasure, future datasets).",
              file=sys.stderr)  # fmt: skip
    for note in letter.notes:
        print(f"note: {note}", file=sys.stderr)
    if company.stale(today):
        print(f"note: {company.name}'s directory record was checked on "
              f"{company.get('checked')}, over {STALE_DAYS} days ago (STALE): check the address "
              "on the company's privacy policy before sending", file=sys.stderr)  # fmt: skip


def _after_letter(letter: Letter, today: date) -> None:
    """Where to send it (or, plainly, that the directory knows nowhere), the deadlines, and
    the tracker command with the law, country/state, sent date and channel."""
    import shlex
    import sys

    from expunge.rights.letters import how_to_send, tracker_kind, tracker_law

    lines = [f"send: {how_to_send(letter)}."]
    if letter.channel is None:
        lines.append("the answer period starts when the company receives the letter.")
    elif letter.channel == "post":
        lines.append("by post the answer period runs from the day the letter is delivered: "
                     "send it with proof of delivery and track it from that day.")  # fmt: skip
    else:
        for d in letter.deadlines:
            if d.kind != "extended":
                lines.append(f"{d.kind} due by {d.due.isoformat()} ({d.basis})")
    if not letter.deadlines and letter.law == "bipa":
        lines.append("BIPA sets no deadline for answering; the letter asks for a reply in 30 days.")
    complaint = _complaint_line(letter)
    if complaint:
        lines.append(complaint)
    kind = tracker_kind(letter.kind, letter.state, letter.law)
    if kind is not None and letter.channel is not None:
        name = letter.addressee.name if letter.addressee else letter.company.name
        sent = "YYYY-MM-DD" if letter.channel == "post" else today.isoformat()
        command = ["expunge", "rights", "track", "add", "--company", letter.company.slug,
                   "--kind", kind, "--law", tracker_law(letter), "--name", name,
                   "--sent", sent, "--channel", letter.channel]  # fmt: skip
        if letter.country:
            command += ["--country", letter.country]
        if letter.state:
            command += ["--state", letter.state]
        hint = " ".join(shlex.quote(part) for part in command)
        if letter.channel == "post":
            hint += "   (YYYY-MM-DD: the day it is delivered)"
        lines.append(f"track it: {hint}")
    for line in lines:
        print(line, file=sys.stderr)


def _complaint_line(letter: Letter) -> str | None:
    """Who takes a complaint if the company does not answer (the Land authority for Germans)."""
    from expunge.rights.authorities import complaint_authority
    from expunge.rights.letters import tracker_law

    if letter.law == "bipa":
        return "no authority takes BIPA complaints: it is enforced by lawsuits (740 ILCS 14/20)"
    if letter.law == "gdpr" and letter.country == "ch":
        return (
            "if they do not answer: a GDPR complaint goes to an EU supervisory authority (Art. 77 "
            "GDPR), such as the one where the addressee is established; in Switzerland the "
            "EDÖB can act under the FADP (https://www.edoeb.admin.ch)"
        )
    try:
        authority = complaint_authority(tracker_law(letter), letter.country, state=letter.state)
    except ExpungeError as error:
        return f"complaints: {error}"
    where = authority.webform or authority.email or authority.web or ""
    return f"if they do not answer, complain to: {authority.name}" + (
        f" ({where})" if where else ""
    )


def guide_cmd(
    platform: Annotated[
        str | None, typer.Option(help="One platform (default: list them all).")
    ] = None,
) -> None:
    """How to switch off AI training on each platform, what it covers and what it does not."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from expunge.rights.guides import STALE_DAYS, guide, guides

    console = Console(highlight=False)
    today = date.today()
    if platform is None:
        table = Table(box=None, padding=(0, 1))
        for column in ("platform", "checked", "where the switch is"):
            table.add_column(column, overflow="fold", no_wrap=column != "where the switch is")
        for g in guides().values():
            stale = " STALE" if g.stale(today) else ""
            table.add_row(g.slug, Text(f"{g.checked}{stale}", style="yellow" if stale else ""),
                          Text(str(g.data["switch"]["path"])))  # fmt: skip
        console.print(table)
        console.print(f"STALE: checked over {STALE_DAYS} days ago, the setting may have moved. "
                      "Details: expunge optout guide --platform NAME")  # fmt: skip
        return
    g = guide(platform)
    d = g.data
    console.print(Text(f"{d['platform']} ({d.get('operator', '')})", style="bold"))
    console.print(
        Text(
            f"where: {d['switch']['path']}"
            + (f"  {d['switch']['url']}" if d["switch"].get("url") else "")
        )
    )
    for number, step in enumerate(d.get("steps") or [], 1):
        console.print(Text(f"  {number}. {step}"))
    for title, key in (("covers", "covers"), ("does not cover", "does_not_cover")):
        console.print(Text(f"{title}:", style="bold"))
        for item in d.get(key) or []:
            console.print(Text(f"  - {item}"))
    console.print(Text(f"regions: {', '.join(d.get('regions') or [])}"))
    if d.get("notes"):
        console.print(Text(f"notes: {d['notes']}", style="dim"))
    age = f"checked {g.checked} ({g.age_days(today)} days ago)"
    if g.stale(today):
        age += f": older than {STALE_DAYS} days, the setting may have moved"
    console.print(Text(age, style="yellow" if g.stale(today) else "dim"))
    console.print(Text("sources: " + ", ".join(d.get("sources") or []), style="dim"))
