"""`expunge optout filter`: a new dataset version without the records whose source URL is
opted out for a purpose. The evaluation reads each record's URL once (sites and pages are
evaluated once each and cached); the version is written by expunge.version, as forget's is
(rewritten shards where records go, hard links elsewhere, manifest.json last)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from expunge.errors import ErrorPolicy, ExpungeError, OnError
from expunge.optout.evaluate import assess
from expunge.optout.sources import SignalSource, describe
from expunge.optout.verdict import PURPOSES, Assessment, strongest
from expunge.records import Dataset, FieldSpec


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


def opted_out_rows(
    dataset: Dataset,
    source: SignalSource,
    purpose: str,
    agent: str | None = None,
    fields: FieldSpec | None = None,
    on_error: OnError = "stop",
) -> tuple[dict[str, list[int]], FilterReport]:
    from expunge.io import read_shard
    from expunge.optout.sources import origin_of

    if purpose not in PURPOSES:
        raise ExpungeError(f"unknown --purpose {purpose!r}", "use one of: " + ", ".join(PURPOSES))
    report = FilterReport(purpose, agent, describe(source))
    sites: dict[str, Any] = {}
    decided: dict[str, tuple[str, set[str]]] = {}  # url -> (verdict, signal kinds)
    rows: dict[str, list[int]] = {}
    errors = ErrorPolicy(on_error)
    for shard in dataset.shards:
        for record in read_shard(shard, fields or FieldSpec(), errors):
            report.records += 1
            url = (record.url or "").strip()
            if not url.startswith(("http://", "https://")):
                report.without_url += 1
                continue
            if url not in decided:
                try:
                    origin = origin_of(url)
                except ExpungeError:
                    report.without_url += 1
                    continue
                if origin not in sites:
                    sites[origin] = source.site(origin)
                result = assess(source.page(url), sites[origin], agent, crawlers=agent is None)
                decided[url] = verdict_for(result, purpose)
                if len(decided) > 1_000_000:  # a bound on memory for huge crawls
                    decided.clear()
            verdict, kinds = decided[url]
            host = urlsplit(url).netloc.lower()
            report.checked_domains.add(host)
            if verdict == "disallowed":
                rows.setdefault(shard.label, []).append(record.location.row)
                report.dropped += 1
                report.by_domain[host] += 1
                report.by_signal.update(kinds)
    return rows, report


def filter_dataset(
    dataset: Dataset,
    source: SignalSource,
    purpose: str,
    out_dir: Path,
    agent: str | None = None,
    fields: FieldSpec | None = None,
) -> tuple[dict[str, Any], FilterReport]:
    from expunge.version import ShardEdits, check_out_dir, write_version

    check_out_dir(dataset, out_dir)
    rows, report = opted_out_rows(dataset, source, purpose, agent, fields)
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
