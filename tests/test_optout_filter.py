"""optout filter (a new version without opted-out records) and optout emit (files for site
owners, read back by expunge's own evaluator)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import run_cli

from expunge.demo import DemoInfo, write_demo_dataset
from expunge.errors import ErrorPolicy
from expunge.io import open_dataset, read_shard
from expunge.optout import PageSignals, SiteSignals, assess
from expunge.records import FieldSpec


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoInfo:
    return write_demo_dataset(tmp_path_factory.mktemp("optout") / "demo", docs=600)


def _hosts(root: Path) -> Counter[str]:
    return Counter(
        urlsplit(r.url or "").netloc
        for s in open_dataset(str(root)).shards
        for r in read_shard(s, FieldSpec(), ErrorPolicy("stop"))
    )


def test_filter_drops_exactly_the_opted_out_sites(demo: DemoInfo, tmp_path: Path) -> None:
    assert demo.sites is not None and demo.sites_truth is not None
    truth = json.loads(demo.sites_truth.read_text())
    out = tmp_path / "v2"
    result = run_cli("optout", "filter", str(demo.dataset), "--signals", str(demo.sites),
                     "--purpose", "ai-train", "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    before, after = _hosts(demo.dataset), _hosts(out)
    opted_out = {h for h, t in truth.items() if t["ai-train"] == "disallowed"}
    assert opted_out and before.keys() - opted_out  # the demo has both kinds
    for host, count in before.items():
        assert after.get(host, 0) == (0 if host in opted_out else count), host
    manifest = json.loads((out / "manifest.json").read_text())
    report = manifest["optout"]
    assert report["records_dropped"] == sum(before[h] for h in opted_out)
    assert set(report["dropped_by_signal"]) == {"robots", "content-signal", "tdmrep", "ai-txt"}
    assert "top opted-out domains" in result.stdout
    check = run_cli("verify", str(out))
    assert check.code == 0, check.stdout


def test_search_purpose_keeps_everything_here(demo: DemoInfo, tmp_path: Path) -> None:
    result = run_cli("optout", "filter", str(demo.dataset), "--signals", str(demo.sites),
                     "--purpose", "search", "--out", str(tmp_path / "v"))  # fmt: skip
    assert result.code == 0, result.stderr
    assert json.loads((tmp_path / "v" / "manifest.json").read_text())["totals"]["rewritten"] == 0


def _version_bytes(root: Path) -> dict[str, bytes]:
    manifest = json.loads((root / "manifest.json").read_text())
    for volatile in ("created", "seconds", "elapsed_s"):
        manifest.pop(volatile, None)
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
             if p.is_file() and p.name != "manifest.json"}  # fmt: skip
    return {**files, "manifest": json.dumps(manifest, sort_keys=True).encode()}


def test_filter_reads_shards_as_jobs_and_the_version_is_the_same_for_any_workers(
    demo: DemoInfo, tmp_path: Path
) -> None:
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        result = run_cli("optout", "filter", str(demo.dataset), "--signals", str(demo.sites),
                         "--purpose", "ai-train", "--out", str(out), "--workers", workers,
                         process=True)  # fmt: skip
        assert result.code == 0, result.stderr
        outs.append(_version_bytes(out))
    assert outs[0] == outs[1]
    assert len(outs[0]) > 2


def test_each_url_is_assessed_once_across_shards(tmp_path: Path) -> None:
    from expunge.optout.filter import opted_out_rows
    from expunge.optout.robots import parse_robots

    data = tmp_path / "data"
    data.mkdir()
    urls = ["https://blocked.example/a", "https://open.example/b", "https://blocked.example/a"]
    for n in range(3):  # the same URLs in every shard, and one record without a URL
        rows = [{"text": "t", "url": u} for u in urls] + [{"text": "no url"}]
        (data / f"s{n}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    pages: list[str] = []

    class Source:
        def site(self, origin: str) -> SiteSignals:
            robots = "User-agent: *\nDisallow: /\n" if "blocked" in origin else ""
            return SiteSignals(origin, parse_robots(robots), robots_status=200)

        def page(self, url: str) -> PageSignals:
            pages.append(url)
            return PageSignals(url)

    rows, report = opted_out_rows(open_dataset(str(data)), Source(), "ai-train")
    assert sorted(pages) == sorted(set(urls))  # two distinct URLs, each assessed once
    assert rows == {f"s{n}.jsonl": [0, 2] for n in range(3)}
    assert (report.records, report.without_url, report.dropped) == (12, 3, 6)
    assert report.by_domain == {"blocked.example": 6}


def test_filter_bad_input_writes_nothing(demo: DemoInfo, tmp_path: Path) -> None:
    sites = ["--signals", str(demo.sites)]
    for args, message in [
        ([*sites, "--purpose", "ai-training"], "unknown --purpose"),
        (["--signals", str(tmp_path / "missing.warc")], "no such file"),
        ([], "give exactly one signal source"),
    ]:
        out = tmp_path / "never"
        bad = run_cli("optout", "filter", str(demo.dataset), *args, "--out", str(out))
        assert bad.code == 1 and message in bad.stderr and not out.exists(), bad.stderr


@pytest.mark.parametrize(
    ("block", "allow"),
    [(["ai-train"], ["search"]), (["ai-train", "ai-input"], []), (["search"], [])],
)
def test_emitted_files_say_what_was_asked(
    tmp_path: Path, block: list[str], allow: list[str]
) -> None:
    out = tmp_path / "site"
    args = [x for p in block for x in ("--block", p)] + [x for p in allow for x in ("--allow", p)]
    result = run_cli("optout", "emit", *args, "--out", str(out))
    assert result.code == 0, result.stderr
    headers = {}
    for line in (out / "headers.txt").read_text().splitlines():
        name, _, value = line.partition(":")
        headers.setdefault(name, []).append(value.strip())
    meta = (out / "meta.html").read_text() if (out / "meta.html").exists() else None
    site = SiteSignals.from_texts(
        "https://example.com",
        robots_txt=(out / "robots.txt").read_text(),
        tdmrep_json=(
            p.read_text() if (p := out / ".well-known" / "tdmrep.json").exists() else None
        ),
        ai_txt=(p.read_text() if (p := out / "ai.txt").exists() else None),
    )
    for agent in (None, "GPTBot", "ExampleBot"):
        page = PageSignals(
            "https://example.com/a.html", {k.lower(): v for k, v in headers.items()}, meta
        )
        verdicts = assess(page, site, agent, crawlers=agent is None).verdicts()
        for purpose in block:
            assert verdicts[purpose] == "disallowed", (agent, purpose, verdicts)
        for purpose in allow:
            assert verdicts[purpose] == "allowed", (agent, purpose, verdicts)
    robots = (out / "robots.txt").read_text()
    tokens = [
        line.split(":", 1)[1].strip()
        for line in robots.splitlines()
        if line.startswith("User-agent:")
    ]
    assert len(tokens) == len({t.lower() for t in tokens})  # each crawler once
    assert ("GPTBot" in tokens) == ("ai-train" in block)
    assert "do not" in (out / "README.md").read_text()


def test_emit_refuses_contradictions_and_non_empty_output(tmp_path: Path) -> None:
    both = run_cli(
        "optout", "emit", "--block", "search", "--allow", "search", "--out", str(tmp_path / "a")
    )
    assert both.code == 1 and "both blocked and allowed" in both.stderr
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep").write_text("x")
    full = run_cli("optout", "emit", "--block", "ai-train", "--out", str(tmp_path / "b"))
    assert full.code == 1 and "not empty" in full.stderr and (tmp_path / "b" / "keep").exists()
