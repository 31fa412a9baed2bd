"""`expunge rights ...` (company directory, letters, tracker) and `expunge optout guide`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from expunge.errors import ExpungeError

rights_app = typer.Typer(
    help="Requests under GDPR, CCPA, US state laws and BIPA: find the company, write the letter, "
    "track the deadline.",
    no_args_is_help=True,
)


def _mount_track() -> None:
    from expunge.cli_track import track_app

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
            "gdpr-rectification | ccpa-know | ccpa-delete | ccpa-opt-out | "
            "ccpa-limit | bipa | us-state"
        ),
    ],
    me: Annotated[Path, typer.Option(help="Your subject profile (.toml/.json/.yaml).")],
    evidence: Annotated[
        Path | None, typer.Option(help="An `expunge find --out` directory to quote (masked).")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="md | txt | eml | pdf")] = "md",
    out: Annotated[Path | None, typer.Option(help="Write here (default: print md/txt).")] = None,
    state: Annotated[
        str | None, typer.Option(help="us-state letters: your state's two-letter code.")
    ] = None,
) -> None:
    """Write a request letter naming the law, the deadline and the evidence."""
    import sys

    from expunge.rights.directory import company as find_company
    from expunge.rights.letters import render, write_letter
    from expunge.subject import load_subject

    profile = load_subject(me)
    letter = write_letter(find_company(company), kind, profile, date.today(), evidence,
                          state.lower() if state else None)  # fmt: skip
    emails = profile.given("email")
    data = render(letter, format, emails[0] if emails else None)
    if out is None:
        if format in ("eml", "pdf"):
            raise ExpungeError(f"--format {format} needs --out FILE", "add --out letter." + format)
        sys.stdout.write(data.decode())
    else:
        if out.exists():
            raise ExpungeError(f"{out} already exists", "choose another --out")
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(out)
        print(f"wrote {out}")
    send = letter.to or letter.web_form or "the postal address above"
    deadline = f"; answer due by {letter.deadline.isoformat()}" if letter.deadline else ""
    from expunge.rights.letters import tracker_kind

    print(f"send to: {send}{deadline}. Track it: expunge rights track add --company "
          f"{letter.company.slug} --kind {tracker_kind(kind, state) or kind}", file=sys.stderr)  # fmt: skip


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
