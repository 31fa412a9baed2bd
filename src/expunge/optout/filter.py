"""`expunge optout filter`: a new dataset version without the records whose source URL is
opted out for a purpose. Shards are read as jobs on any executor (UrlShardJob: the URLs and
their rows); each distinct URL is then assessed once in the main process, sites cached, so
--fetch stays polite whatever the workers. The version is written by expunge.version, as
forget's is (rewritten shards where records go, hard links elsewhere, manifest.json last)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from expunge.errors import BadRow, ErrorPolicy, ExpungeError, OnError
from expunge.executors import Executor, ProgressFn
from expunge.optout.evaluate import assess
from expunge.optout.sources import SignalSource, describe
from expunge.optout.verdict import PURPOSES, Assessment, strongest
from expunge.records import Dataset, FieldSpec, Shard


@dataclass
class FilterReport:
    purpose: str
    agent: str | None
    signals: str
    records: int = 0
    without_url: int = 0
    dropped: int = 0
    by_domain: Counter[str] = field(default_factory=Counter)  # dropped records per host
    by_signal: Counter[str] = field(default_factory=Counter)  # dropped records per signal kind
    checked_domains: set[str] = field(default_factory=set)

    def as_json(self, top: int = 100) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "agent": self.agent,
            "signals": self.signals,
            "records_checked": self.records,
            "records_without_url": self.without_url,
            "records_dropped": self.dropped,
            "domains_checked": len(self.checked_domains),
            "domains_opted_out": len(self.by_domain),
            "dropped_by_signal": dict(self.by_signal.most_common()),
            "dropped_by_domain": dict(self.by_domain.most_common(top)),
        }


def verdict_for(result: Assessment, purpose: str) -> tuple[str, set[str]]:
    """The verdict for `purpose` and the signal kinds behind it. A generative-model trainer
    must respect both training purposes, so genai-train takes the stricter of the two."""
    purposes = ("ai-train", "genai-train") if purpose == "genai-train" else (purpose,)
    verdict = strongest(result.verdict(p) for p in purposes)
    kinds = {e.signal for p in purposes for e in result.deciding(p) if e.verdict == verdict}
    return verdict, kinds


@dataclass(slots=True)
class ShardUrls:
    """What one shard's reading gives the evaluation: its records' URLs and where they are."""

    shard: str
    records: int = 0
    without_url: int = 0  # records with no http(s) URL: kept
    rows: dict[str, list[int]] = field(default_factory=dict)  # URL -> rows, in file order
    skipped: list[BadRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UrlShardJob:
    """Read one shard's URLs (a job any executor runs: readers in parallel, or on Ray). The
    signals are evaluated afterwards in the main process, where sites are cached and --fetch
    keeps to one request per host per second."""

    shard: Shard
    fields: FieldSpec
    on_error: OnError = "stop"

    small = False

    def run(self, progress: ProgressFn | None = None) -> ShardUrls:
        from expunge.io import read_shard

        errors = ErrorPolicy(self.on_error)
        found = ShardUrls(self.shard.label)
        for record in read_shard(self.shard, self.fields, errors):
            found.records += 1
            url = (record.url or "").strip()
            if url.startswith(("http://", "https://")):
                found.rows.setdefault(url, []).append(record.location.row)
            else:
                found.without_url += 1
        found.skipped = errors.skipped
        if progress is not None:
            progress(found.records, 0, 0)
        return found


def opted_out_rows(
    dataset: Dataset,
    source: SignalSource,
    purpose: str,
    agent: str | None = None,
    fields: FieldSpec | None = None,
    on_error: OnError = "stop",
    executor: Executor | None = None,
) -> tuple[dict[str, list[int]], FilterReport]:
    """Shard -> rows whose URL opted out of `purpose` (sorted), and the counts. Shards are
    read as jobs on `executor` (default: in this process); each distinct URL is assessed
    once, in dataset order, so the result is the same for any executor."""
    from expunge.executors.local import LocalExecutor

    if purpose not in PURPOSES:
        raise ExpungeError(f"unknown --purpose {purpose!r}", "use one of: " + ", ".join(PURPOSES))
    report = FilterReport(purpose, agent, describe(source))
    jobs = [UrlShardJob(shard, fields or FieldSpec(), on_error) for shard in dataset.shards]
    read = {r.shard: r for r in (executor or LocalExecutor(1)).map_jobs(jobs, None)}
    sites: dict[str, Any] = {}
    decided: dict[str, tuple[str, set[str]] | None] = {}  # URL -> verdict, kinds (None: no origin)
    rows: dict[str, list[int]] = {}
    for shard in dataset.shards:
        urls = read[shard.label]
        report.records += urls.records
        report.without_url += urls.without_url
        dropped: list[int] = []
        for url, at in urls.rows.items():
            if url not in decided:
                if len(decided) > 1_000_000:  # a bound on memory for huge crawls
                    decided.clear()
                decided[url] = _decide(url, source, sites, purpose, agent)
            outcome = decided[url]
            if outcome is None:  # not a URL with an origin: like a record without one
                report.without_url += len(at)
                continue
            verdict, kinds = outcome
            host = urlsplit(url).netloc.lower()
            report.checked_domains.add(host)
            if verdict == "disallowed":
                dropped.extend(at)
                report.dropped += len(at)
                report.by_domain[host] += len(at)
                for kind in kinds:
                    report.by_signal[kind] += len(at)
        if dropped:
            rows[shard.label] = sorted(dropped)
    return rows, report


def _decide(
    url: str, source: SignalSource, sites: dict[str, Any], purpose: str, agent: str | None
) -> tuple[str, set[str]] | None:
    from expunge.optout.sources import origin_of

    try:
        origin = origin_of(url)
    except ExpungeError:
        return None
    if origin not in sites:
        sites[origin] = source.site(origin)
    result = assess(source.page(url), sites[origin], agent, crawlers=agent is None)
    return verdict_for(result, purpose)


def filter_dataset(
    dataset: Dataset,
    source: SignalSource,
    purpose: str,
    out_dir: Path,
    agent: str | None = None,
    fields: FieldSpec | None = None,
    on_error: OnError = "stop",
    executor: Executor | None = None,
) -> tuple[dict[str, Any], FilterReport]:
    from expunge.version import ShardEdits, check_out_dir, write_version

    check_out_dir(dataset, out_dir)
    rows, report = opted_out_rows(dataset, source, purpose, agent, fields, on_error, executor)
    edits = {label: ShardEdits({row: [] for row in found}) for label, found in rows.items()}
    manifest = write_version(
        dataset,
        edits,
        out_dir,
        fields=fields or FieldSpec(),
        mode="drop",
        extra={"request_ids": [], "found_with": "opt-out signals", "optout": report.as_json()},
    )
    return manifest, report
