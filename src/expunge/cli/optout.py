"""`expunge optout ...`: check, filter and emit AI-training opt-out signals."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from expunge.cli.options import CORES, EngineOpt, OnErrorOpt, RayAddressOpt, WorkersOpt
from expunge.errors import ExpungeError

if TYPE_CHECKING:
    from expunge.optout import Assessment
    from expunge.optout.sources import SignalSource

optout_app = typer.Typer(
    help="AI-training opt-out signals: check URLs, filter a dataset, emit files for a site.",
    no_args_is_help=True,
)

SnapshotOpt = Annotated[
    Path | None, typer.Option(help="Directory with a site snapshot (host/robots.txt, pages...).")
]
WarcOpt = Annotated[
    list[Path] | None, typer.Option(help="WARC file with the responses (repeatable).")
]
FetchOpt = Annotated[
    bool, typer.Option("--fetch", help="Go online (politely, cached) to read the signals.")
]
CacheOpt = Annotated[
    Path | None, typer.Option(help="Cache for --fetch (default ~/.cache/expunge/optout).")
]
AgentOpt = Annotated[
    str | None,
    typer.Option(help="Evaluate as this crawler (e.g. GPTBot); default: every known AI crawler."),
]


def signal_source(
    snapshot: Path | None, warc: list[Path] | None, fetch: bool, cache: Path | None
) -> SignalSource:
    given = sum(x for x in (snapshot is not None, bool(warc), fetch))
    if given != 1:
        raise ExpungeError(
            "give exactly one signal source",
            "pass --snapshot DIR, --warc FILE (repeatable) or --fetch",
        )
    if snapshot is not None:
        from expunge.optout.sources import SnapshotSource

        return SnapshotSource(snapshot)
    if warc:
        from expunge.optout.sources import WarcSource

        return WarcSource(list(warc))
    from expunge.optout.fetch import Fetcher, FetchSource, default_cache

    return FetchSource(Fetcher(cache or default_cache()))


def assess_urls(urls: list[str], source: SignalSource, agent: str | None) -> list[Assessment]:
    from expunge.optout import assess
    from expunge.optout.sources import origin_of

    sites: dict[str, Any] = {}
    out = []
    for url in urls:
        origin = origin_of(url)
        if origin not in sites:
            sites[origin] = source.site(origin)
        out.append(assess(source.page(url), sites[origin], agent, crawlers=agent is None))
    return out


def assessment_json(result: Assessment) -> dict[str, Any]:
    from dataclasses import asdict

    from expunge.optout import PURPOSES

    return {
        "url": result.url,
        "agent": result.agent,
        "fetch_allowed": result.robots_allowed,
        "fetch_rule": result.robots_rule,
        "purposes": {
            p: {
                "verdict": result.verdict(p),
                "deciding": [asdict(e) for e in result.deciding(p)][:20],
            }
            for p in PURPOSES
        },
        "evidence": [asdict(e) for e in result.evidence],
        "problems": [asdict(p) for p in result.problems],
        "notes": result.notes,
    }


_STYLE = {"disallowed": "bold red", "allowed": "green", "unspecified": "dim"}


def print_assessment(result: Assessment) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from expunge.optout import PURPOSES

    console = Console(highlight=False)
    who = "for every known AI crawler"
    if result.agent:
        from expunge.optout.robots import product_token

        token = product_token(result.agent)
        who = f"as {result.agent}"
        if token.lower() != result.agent.strip().lower():
            who = f"as product token {token!r}, read from {result.agent!r}"
    fetch = "may fetch" if result.robots_allowed else "may NOT fetch"
    console.print(Text(f"{result.url}  ({who})", style="bold"))
    console.print(
        Text(f"  robots.txt: a {'generic ' if not result.agent else ''}crawler {fetch} it "
             f"({result.robots_rule})")
    )  # fmt: skip
    table = Table(show_header=True, box=None, padding=(0, 2))
    table.add_column("purpose")
    table.add_column("verdict")
    table.add_column("deciding signal (source: what it says)", overflow="fold")
    for purpose in PURPOSES:
        verdict = result.verdict(purpose)
        deciding = result.deciding(purpose)
        first = deciding[0] if deciding else None
        why = f"{first.source}: {first.detail}" if first else "no signal"
        also = sorted(
            {f"{e.signal} ({e.source})" for e in deciding[1:]}
            - {f"{first.signal} ({first.source})" if first else ""}
        )
        others = sum(1 for e in result.evidence if e.purpose == purpose) - len(deciding)
        if also:
            why += "; also: " + ", ".join(also[:6]) + (" ..." if len(also) > 6 else "")
        if others > 0:
            why += f"; {others} less restrictive signal(s) overruled"
        table.add_row(purpose, Text(verdict, style=_STYLE[verdict]), Text(why))
    console.print(table)
    for problem in result.problems:
        console.print(
            Text(f"  ignored, malformed: {problem.source} ({problem.code})", style="yellow")
        )
    for note in result.notes:
        console.print(Text(f"  note: {note}", style="dim"))


@optout_app.command(
    "check",
    epilog="Example: expunge optout check https://example.com/blog/post --snapshot demo-data/sites",
)
def check(
    urls: Annotated[list[str], typer.Argument(help="URLs to check.")],
    snapshot: SnapshotOpt = None,
    warc: WarcOpt = None,
    fetch: FetchOpt = False,
    cache: CacheOpt = None,
    agent: AgentOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Which AI uses each URL's site and page allow, with the signal and line that decided."""
    import json

    source = signal_source(snapshot, warc, fetch, cache)
    results = assess_urls(urls, source, agent)
    if json_out:
        print(json.dumps([assessment_json(r) for r in results], indent=2))
        return
    for result in results:
        print_assessment(result)


def _signals_source(signals: list[Path] | None, fetch: bool, cache: Path | None) -> SignalSource:
    """--signals DIR (a snapshot) or --signals FILE.warc[.gz] (repeatable), or --fetch."""
    if signals and all(p.is_dir() for p in signals) and len(signals) == 1:
        return signal_source(signals[0], None, fetch, cache)
    if signals and any(p.is_dir() for p in signals):
        raise ExpungeError("--signals takes one snapshot directory or WARC files", "not both")
    return signal_source(None, signals, fetch, cache)


@optout_app.command(
    "filter",
    epilog="Example: expunge optout filter demo-data/dataset --signals demo-data/sites "
    "--purpose ai-train --out demo-optout",
)
def filter_cmd(
    dataset: Annotated[str, typer.Argument(help="A file, a directory or a glob of shards.")],
    out: Annotated[Path, typer.Option(help="Directory for the new version (must not exist).")],
    signals: Annotated[
        list[Path] | None,
        typer.Option(help="A site snapshot directory, or WARC files (repeatable)."),
    ] = None,
    fetch: FetchOpt = False,
    cache: CacheOpt = None,
    purpose: Annotated[
        str, typer.Option(help="ai-train | genai-train | search | ai-input")
    ] = "ai-train",
    agent: AgentOpt = None,
    format: Annotated[
        str, typer.Option("--format", help="auto|jsonl|parquet|csv|tsv|warc|wet|hf")
    ] = "auto",
    text_field: Annotated[str | None, typer.Option(help="Column/key holding the text.")] = None,
    url_field: Annotated[
        str | None, typer.Option(help="Column/key holding the source URL.")
    ] = None,
    on_error: OnErrorOpt = "stop",
    workers: WorkersOpt = CORES,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
) -> None:
    """Write a new version of DATASET without the records whose URL opted out of PURPOSE.

    Shards are read in parallel (--workers, or Ray); the signals are checked in this process,
    one request per host per second with --fetch."""
    from rich.console import Console
    from rich.table import Table

    from expunge.executors import make_executor
    from expunge.io import open_dataset
    from expunge.optout.filter import filter_dataset
    from expunge.records import FieldSpec

    source = _signals_source(signals, fetch, cache)
    data = open_dataset(dataset, format)
    manifest, report = filter_dataset(
        data,
        source,
        purpose,
        out,
        agent,
        FieldSpec(text=text_field, url=url_field),
        on_error,
        make_executor(engine, workers, ray_address),
    )
    console = Console(highlight=False)
    t = manifest["totals"]
    console.print(
        f"new version: {out} ({t['shards']} shards, {t['rewritten']} rewritten, the rest linked); "
        f"{report.dropped:,} of {report.records:,} records dropped as opted out of {purpose} "
        f"({report.without_url:,} had no URL and were kept); manifest: {out / 'manifest.json'}"
    )
    if report.by_signal:
        console.print("dropped records by deciding signal:")
        table = Table(box=None)
        table.add_column("signal")
        table.add_column("records", justify="right")
        for kind, count in report.by_signal.most_common():
            table.add_row(kind, f"{count:,}")
        console.print(table)
        console.print("top opted-out domains:")
        table = Table(box=None)
        table.add_column("domain")
        table.add_column("records dropped", justify="right")
        for host, count in report.by_domain.most_common(10):
            table.add_row(host, f"{count:,}")
        console.print(table)


@optout_app.command(
    "emit",
    epilog="Example: expunge optout emit --block ai-train --allow search --out my-site-optout",
)
def emit_cmd(
    out: Annotated[Path, typer.Option(help="Directory to write the files to (new or empty).")],
    block: Annotated[
        list[str],
        typer.Option(
            help="Purpose to refuse (repeatable): ai-train, genai-train, ai-input, search."
        ),
    ],
    allow: Annotated[
        list[str] | None, typer.Option(help="Purpose to allow explicitly (repeatable).")
    ] = None,
    policy: Annotated[
        str | None, typer.Option(help="URL of your TDM licensing policy (TDMRep tdm-policy).")
    ] = None,
    merge_into: Annotated[
        Path | None,
        typer.Option(
            "--merge-into",
            help="Your current robots.txt: write it merged (preference lines repeated in each "
            "of its groups, then the new groups) as robots.txt.",
        ),
    ] = None,
) -> None:
    """Write robots.txt lines, tdmrep.json, ai.txt, headers and meta tags for a site."""
    from expunge.optout.emit import merge_robots, plan, render, write

    chosen = plan(block, allow or [])
    files = render(chosen, policy)
    if merge_into is not None:
        files["robots.txt"] = merge_robots(read_site_file(merge_into), files["robots.txt"])
    write(files, out)
    merged = f" (merged into a copy of {merge_into})" if merge_into is not None else ""
    print(
        f"wrote {len(files)} files to {out}: {', '.join(sorted(files))}\n"
        f"{len(chosen.blocked_agents)} AI crawlers blocked by name on {len(chosen.tokens)} "
        f"User-agent lines in robots.txt{merged}; "
        f"read {out / 'README.md'} for what each file does and does not guarantee."
    )


def read_site_file(path: Path) -> str:
    """An existing robots.txt to merge into, or one error line."""
    if not path.is_file():
        problem = "is a directory" if path.is_dir() else "not found"
        raise ExpungeError(f"{path} {problem}", "pass the robots.txt your site serves now")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise ExpungeError(f"{path} is not a text file", "pass the robots.txt your site serves")
    return data.decode("utf-8", "replace")


# The guide lives with the rights commands (it is about asking people), listed under optout.
def _mount_guide() -> None:
    from expunge.cli.rights import guide_cmd

    optout_app.command("guide", epilog="Example: expunge optout guide --platform linkedin")(
        guide_cmd
    )


_mount_guide()
