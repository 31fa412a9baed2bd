"""Tests of the self-contained HTML scan report (expunge.report.html)."""

from __future__ import annotations

import copy
import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from expunge.detect.entities import DEFAULT_TYPES
from expunge.report._types import type_color
from expunge.report.html import (
    SAMPLES_PER_TYPE,
    SHARD_CHART_CAP,
    SHARD_TABLE_CAP,
    render_scan_report,
)

TYPES = list(DEFAULT_TYPES)  # what a scan looks for unless told otherwise

HOSTILE_SHARD = "<script>alert(1)</script>.jsonl"
HOSTILE_ID = '" onmouseover="x'
HOSTILE_PREVIEW = "</style><img src=x onerror=alert(1)>"


def _shard(name: str, records: int, by_type: dict[str, int], **extra: Any) -> dict[str, Any]:
    findings = sum(by_type.values())
    return {
        "shard": name,
        "format": "jsonl",
        "records": records,
        "bytes": records * 3000,
        "records_with_pii": min(records, (findings * 2) // 3),
        "findings": findings,
        "by_type": by_type,
        "skipped_rows": 0,
        "reused": False,
        **extra,
    }


def realistic_summary() -> dict[str, Any]:
    """7 shards, 10 of 12 types found, 2 skipped rows: the schema's example numbers."""
    shards = [
        _shard(
            "web-000.jsonl.zst",
            500,
            {
                "email": 120,
                "phone": 60,
                "url": 90,
                "ip_address": 40,
                "social_handle": 30,
                "street_address": 20,
            },
        ),
        _shard(
            "web-001.jsonl.zst",
            500,
            {
                "email": 80,
                "phone": 50,
                "url": 70,
                "credit_card": 12,
                "date_of_birth": 15,
                "secret": 8,
            },
        ),
        _shard(
            "web-002.jsonl.zst",
            500,
            {
                "email": 60,
                "phone": 40,
                "url": 60,
                "ip_address": 50,
                "crypto_wallet": 9,
                "us_ssn": 4,
            },
            reused=True,
        ),
        _shard(
            "forum/2024/part-00003-of-00100.jsonl.zst",
            400,
            {"email": 70, "phone": 30, "social_handle": 90, "url": 40, "street_address": 25},
        ),
        _shard(
            "forum/2024/part-00004-of-00100.jsonl.zst",
            400,
            {"email": 40, "phone": 25, "social_handle": 60, "date_of_birth": 10},
            reused=True,
        ),
        _shard(
            "code/github-000.parquet",
            450,
            {"secret": 120, "email": 30, "ip_address": 40, "url": 50, "crypto_wallet": 3},
            format="parquet",
        ),
        _shard("bad.jsonl", 250, {"email": 0, "phone": 15, "url": 5}, skipped_rows=2),
    ]
    by_type: dict[str, dict[str, int]] = {}
    for s in shards:
        for t, n in s["by_type"].items():
            entry = by_type.setdefault(t, {"findings": 0, "records": 0})
            entry["findings"] += n
            entry["records"] += (n * 7) // 8
    findings = sum(s["findings"] for s in shards)
    samples = []
    for t in by_type:
        for i in range(3):
            samples.append(
                {
                    "shard": shards[i]["shard"],
                    "row": 17 + 31 * i,
                    "id": f"doc-{17 + 31 * i}",
                    "type": t,
                    "start": 120 + i,
                    "end": 140 + i,
                    "score": 0.95 - 0.1 * i,
                    "validator": "pattern",
                    "preview": f"{t[:1]}***@e***.com",
                }
            )
    return {
        "tool": "expunge",
        "version": "0.1.0",
        "command": "scan",
        "dataset": "/data/fineweb-sample",
        "format": "auto",
        "started": "2026-11-23T10:00:00Z",
        "elapsed_s": 12.3,
        "types_scanned": TYPES,
        "ner": {
            "enabled": False,
            "note": "Names (person) were not scanned: install expunge[ner] and pass --ner.",
        },
        "totals": {
            "shards": 7,
            "records": 3000,
            "bytes": 9_100_000,
            "records_with_pii": 812,
            "findings": findings,
            "skipped_rows": 2,
            "shards_reused": 2,
        },
        "by_type": by_type,
        "shards": shards,
        "skipped": [
            {"shard": "bad.jsonl", "where": "line 3", "reason": "malformed JSON: unexpected char"},
            {"shard": "bad.jsonl", "where": "line 97", "reason": "text field is not a string"},
        ],
        "samples": samples,
    }


def zero_findings_summary() -> dict[str, Any]:
    s = realistic_summary()
    for shard in s["shards"]:
        shard.update(by_type={}, findings=0, records_with_pii=0, skipped_rows=0)
    s["totals"].update(records_with_pii=0, findings=0, skipped_rows=0, shards_reused=0)
    s.update(by_type={}, samples=[], skipped=[])
    return s


def zero_records_summary() -> dict[str, Any]:
    return {
        "tool": "expunge",
        "version": "0.1.0",
        "command": "scan",
        "dataset": "/data/empty",
        "elapsed_s": 0.0,
        "types_scanned": TYPES,
        "ner": {"enabled": False, "note": ""},
        "totals": {
            "shards": 0,
            "records": 0,
            "bytes": 0,
            "records_with_pii": 0,
            "findings": 0,
            "skipped_rows": 0,
            "shards_reused": 0,
        },
        "by_type": {},
        "shards": [],
        "skipped": [],
        "samples": [],
    }


def many_shards_summary(n: int) -> dict[str, Any]:
    s = realistic_summary()
    # Shard i has i+1 findings, so the smallest ones are those that must drop out of the chart.
    s["shards"] = [
        _shard(f"part-{i:05d}.jsonl", 100, {"email": i + 1, "phone": 1}) for i in range(n)
    ]
    s["totals"]["shards"] = n
    return s


class _TextExtractor(HTMLParser):
    """Visible text of a page, outside <style>, with whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = self._in_style or tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _TextExtractor()
    parser.feed(page)
    return re.sub(r"\s+", " ", "".join(parts for parts in parser.parts))


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parsed_tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _TagCollector()
    collector.feed(page)
    return collector.tags


def _shard_chart(page: str) -> str:
    return page.split('<div class="bars shards">', 1)[1].split("</section>", 1)[0]


# --- document shape -------------------------------------------------------------------------


def test_is_one_complete_document() -> None:
    page = render_scan_report(realistic_summary())
    assert page.startswith("<!doctype html>")
    assert page.rstrip().endswith("</html>")
    assert page.count("<html") == 1 and page.count("</body>") == 1


def test_headline_numbers() -> None:
    text = visible_text(render_scan_report(realistic_summary()))
    findings = sum(s["findings"] for s in realistic_summary()["shards"])
    assert (
        f"812 of 3,000 records (27.1%) contain personal data; {findings:,} findings of "
        "11 types in 7 shards" in text
    )


def test_headline_counts_only_types_that_were_found() -> None:
    s = realistic_summary()
    s["by_type"]["iban"] = {"findings": 0, "records": 0}
    s["by_type"]["us_ssn"] = {"findings": 0, "records": 0}
    for shard in s["shards"]:
        shard["by_type"].pop("us_ssn", None)
    text = visible_text(render_scan_report(s))
    assert "findings of 10 types in 7 shards" in text


def test_key_figures() -> None:
    text = visible_text(render_scan_report(realistic_summary()))
    assert "3,000" in text
    assert "9.1 MB" in text
    assert "27.1%" in text
    assert "12.3 s" in text
    assert "0.74 MB/s" in text  # 9.1 MB / 12.3 s
    assert "9,100,000 bytes" in text


def test_every_type_appears_with_its_stable_colour() -> None:
    s = realistic_summary()
    s["by_type"]["future_type"] = {"findings": 5, "records": 5}
    page = render_scan_report(s)
    text = visible_text(page)
    for label in [
        "Email",
        "Phone",
        "Credit card",
        "IP address",
        "US SSN",
        "URL",
        "Social handle",
        "Street address",
        "Date of birth",
        "Crypto wallet",
        "Secret",
        "Future type",
    ]:
        assert label in text, label
    # The email colour is used by the bar chart, the stacked chart, legend, table and samples.
    assert page.count("#2f6db5") >= 5


def test_types_without_findings_are_named() -> None:
    text = visible_text(render_scan_report(realistic_summary()))
    assert "No findings for: IBAN." in text


def test_type_bars_are_sorted_by_findings() -> None:
    page = render_scan_report(realistic_summary())
    chart = page.split('<div class="bars types">', 1)[1].split("</section>", 1)[0]
    counts = [int(n.replace(",", "")) for n in re.findall(r'<span class="num">([\d,]+)', chart)]
    assert len(counts) == 11
    assert counts == sorted(counts, reverse=True)


def test_shard_table_lists_shards_reuse_and_share() -> None:
    page = render_scan_report(realistic_summary())
    text = visible_text(page)
    assert "forum/2024/part-00003-of-00100.jsonl.zst" in text
    assert page.count('<span class="badge">reused</span>') == 3  # 2 rows + the legend note
    # web-000: 500 records, 240 with PII (two thirds of 360 findings) -> 48.0%
    assert "24048.0%" in text.replace(" ", "") or "240 48.0%" in text


def test_samples_grouped_by_type_with_location() -> None:
    page = render_scan_report(realistic_summary())
    text = visible_text(page)
    assert "Sample findings" in text
    assert "doc-48" in text and "121–141" in text and "0.85" in text
    # Groups follow the chart's order: email (most findings) before us_ssn (fewest).
    assert page.index("<code>email</code>") < page.index("<code>us_ssn</code>")


def test_skipped_rows_section() -> None:
    text = visible_text(render_scan_report(realistic_summary()))
    assert "Skipped rows" in text
    assert "malformed JSON: unexpected char" in text and "line 97" in text


def test_skipped_rows_capped_with_total() -> None:
    s = realistic_summary()
    s["skipped"] = [
        {"shard": "bad.jsonl", "where": f"line {i}", "reason": "bad"} for i in range(80)
    ]
    s["totals"]["skipped_rows"] = 1234
    text = visible_text(render_scan_report(s))
    assert "Showing the first 50 of 1,234 skipped rows." in text
    assert "line 49" in text and "line 50 " not in text


def test_no_skipped_section_when_nothing_skipped() -> None:
    text = visible_text(render_scan_report(zero_findings_summary()))
    assert "Skipped rows" in text  # the key-figure card is always there ...
    assert "could not be read and were not scanned" not in text  # ... the section is not


def test_ner_note_when_names_not_scanned() -> None:
    text = visible_text(render_scan_report(realistic_summary()))
    assert "person names were not scanned." in text
    assert "install expunge[ner] and pass --ner" in text


def test_no_ner_note_when_names_scanned() -> None:
    s = realistic_summary()
    s["ner"] = {"enabled": True, "note": ""}
    s["types_scanned"] = [*TYPES, "person"]
    text = visible_text(render_scan_report(s))
    assert "person names were not scanned" not in text
    assert "install expunge[ner]" not in text


def test_footer() -> None:
    text = visible_text(render_scan_report(realistic_summary()))
    assert "Generated by expunge 0.1.0 (scan)" in text
    assert "23 Nov 2026, 10:00 UTC" in text
    assert "Dataset: /data/fineweb-sample" in text
    assert "Values are masked; findings.jsonl holds offsets, not values." in text


# --- hostile input ----------------------------------------------------------------------------


def hostile_summary() -> dict[str, Any]:
    s = realistic_summary()
    s["dataset"] = "/data/<b>x</b>"
    s["shards"][0]["shard"] = HOSTILE_SHARD
    s["shards"][0]["format"] = "<i>fmt</i>"
    s["samples"][0].update(
        shard=HOSTILE_SHARD, id=HOSTILE_ID, preview=HOSTILE_PREVIEW, validator="<u>v</u>"
    )
    s["skipped"][0].update(shard=HOSTILE_SHARD, where=HOSTILE_ID, reason=HOSTILE_PREVIEW)
    s["by_type"]['"><svg onload=alert(1)>'] = {"findings": 3, "records": 1}
    s["ner"]["note"] = "<marquee>x</marquee>"
    return s


def test_hostile_values_are_escaped() -> None:
    page = render_scan_report(hostile_summary())
    for raw in [
        HOSTILE_SHARD,
        HOSTILE_ID,
        HOSTILE_PREVIEW,
        "<b>x</b>",
        "<i>fmt</i>",
        "<u>v</u>",
        "<svg onload",
        "<marquee>",
        "<script",
        "<img",
    ]:
        assert raw not in page, raw
    assert html.escape(HOSTILE_SHARD, quote=True) in page
    assert html.escape(HOSTILE_PREVIEW, quote=True) in page
    assert html.escape(HOSTILE_ID, quote=True) in page


def test_hostile_values_do_not_create_tags_or_attributes() -> None:
    tags = parsed_tags(render_scan_report(hostile_summary()))
    names = {tag for tag, _ in tags}
    assert not names & {"script", "img", "b", "i", "u", "marquee", "iframe", "link"}
    assert sum(1 for tag, _ in tags if tag == "style") == 1
    for _, attrs in tags:
        assert not any(a.startswith("on") for a in attrs), attrs


def test_hostile_shard_name_in_chart_is_escaped_in_title_and_label() -> None:
    page = render_scan_report(hostile_summary())
    chart = _shard_chart(page)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;.jsonl"
    assert f'title="{escaped}"' in chart  # attribute of the label
    assert f"<title>{escaped}: " in chart  # SVG tooltip
    assert f">{escaped}</div>" in chart  # visible label


def test_long_hostile_name_is_truncated_before_escaping() -> None:
    s = realistic_summary()
    s["shards"][0]["shard"] = "&" * 30 + "<script>" * 10
    page = render_scan_report(s)
    label = re.search(r'<div class="bars shards"><div class="lbl mono"[^>]*>(.*?)</div>', page)
    assert label is not None
    # Cut on the raw string: the label holds whole entities only.
    assert re.fullmatch(r"(?:&amp;|&lt;|&gt;|[a-z]|…)+", label.group(1)), label.group(1)


# --- offline --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [realistic_summary, zero_findings_summary, zero_records_summary, hostile_summary]
)
def test_no_network_references(make: Any) -> None:
    page = render_scan_report(make())
    lowered = page.lower()
    for needle in [
        'src="http',
        "src='http",
        'href="http',
        "href='http",
        "@import",
        "url(http",
        "url(//",
        'src="//',
        'href="//',
        "<link",
        "<script",
    ]:
        assert needle not in lowered, needle
    # Not even the SVG namespace: no absolute or protocol-relative address at all.
    assert re.search(r"https?:|ftp:|//[a-z0-9]", lowered) is None
    assert "content-security-policy" in lowered and "default-src 'none'" in page


# --- empty and degenerate summaries -------------------------------------------------------------


def test_zero_findings() -> None:
    text = visible_text(render_scan_report(zero_findings_summary()))
    assert "No personal data found in 3,000 records across 7 shards." in text
    assert "No personal data of any scanned type was found." in text
    assert "contain personal data" not in text
    assert "Sample findings" not in text


def test_zero_records() -> None:
    page = render_scan_report(zero_records_summary())
    text = visible_text(page)
    assert "No records were scanned." in text
    assert "—" in text  # share and throughput have nothing to divide by
    assert "%" not in text.replace("0.0%", "")  # no fake percentages
    # Nothing was read: the page must not reassure that no personal data was found.
    assert "No personal data" not in text
    # An empty NER note still yields an explanation.
    assert "person names were not scanned." in text and "--ner" in text


def test_zero_records_with_skipped_rows() -> None:
    s = zero_records_summary()
    s["skipped"] = [{"shard": "x.jsonl", "where": "line 1", "reason": "not JSON"}]
    s["totals"]["skipped_rows"] = 1
    text = visible_text(render_scan_report(s))
    assert "1 row could not be read" in text and "not JSON" in text


def test_minimal_and_garbage_summaries_render() -> None:
    assert "No records were scanned." in visible_text(render_scan_report({}))
    s = realistic_summary()
    s["totals"]["records"] = "lots"
    s["elapsed_s"] = None
    s["shards"][0]["by_type"] = ["not", "a", "dict"]
    s["samples"][0]["row"] = None
    page = render_scan_report(s)
    # records fall back to the sum over shards
    assert "of 3,000 records" in visible_text(page)


def test_totals_derived_from_shards_when_missing() -> None:
    s = realistic_summary()
    del s["totals"]
    text = visible_text(render_scan_report(s))
    assert "of 3,000 records" in text and "in 7 shards" in text


def test_singular_wording() -> None:
    s = zero_records_summary()
    s["totals"].update(shards=1, records=1, records_with_pii=1, findings=1, bytes=100)
    s["by_type"] = {"email": {"findings": 1, "records": 1}}
    s["shards"] = [_shard("one.jsonl", 1, {"email": 1})]
    text = visible_text(render_scan_report(s))
    assert "1 of 1 record (100.0%) contains personal data; 1 finding of 1 type in 1 shard" in text


def test_tiny_share_is_not_rounded_to_zero() -> None:
    s = realistic_summary()
    s["totals"].update(records=1_000_000, records_with_pii=3)
    text = visible_text(render_scan_report(s))
    assert "(<0.1%)" in text


# --- caps -------------------------------------------------------------------------------------


def test_more_than_30_shards_capped_in_chart() -> None:
    page = render_scan_report(many_shards_summary(45))
    assert page.count('class="bar shard-bar"') == SHARD_CHART_CAP
    text = visible_text(page)
    assert "Showing the top 30 of 45 shards with findings" in text
    # The 15 smallest (part-00000..00014, 2..16 findings) hold sum(2..16) = 135 findings.
    assert "the other 15 shards hold 135 findings" in text
    chart = _shard_chart(page)
    assert "part-00044.jsonl" in chart and "part-00014.jsonl" not in chart
    # ... but the table still lists every shard.
    assert page.count('<td class="shard">') == 45


def test_30_shards_not_capped() -> None:
    page = render_scan_report(many_shards_summary(30))
    assert page.count('class="bar shard-bar"') == 30
    assert "Showing the top" not in visible_text(page)


def test_shard_table_capped_with_note() -> None:
    page = render_scan_report(many_shards_summary(SHARD_TABLE_CAP + 3))
    assert page.count('<td class="shard">') == SHARD_TABLE_CAP
    text = visible_text(page)
    assert f"Showing the first {SHARD_TABLE_CAP} of {SHARD_TABLE_CAP + 3:,} shards" in text


def test_samples_capped_per_type() -> None:
    s = realistic_summary()
    extra = dict(s["samples"][0], type="iban", preview="DE** **** 1234")
    s["samples"] += [dict(extra, row=i) for i in range(SAMPLES_PER_TYPE + 5)]
    page = render_scan_report(s)
    group = page.split("<code>iban</code>", 1)[1].split('<div class="group">', 1)[0]
    assert group.count("DE** **** 1234") == SAMPLES_PER_TYPE
    assert f"showing {SAMPLES_PER_TYPE} of {SAMPLES_PER_TYPE + 5}" in group


def test_type_colours_distinct_and_stable() -> None:
    known = [*TYPES, "person"]
    assert len({type_color(t) for t in known}) == len(known)
    assert type_color("some_plugin_type") == type_color("some_plugin_type")
    assert re.fullmatch(r"#[0-9a-f]{6}", type_color("<script>"))


def test_summary_is_not_mutated() -> None:
    s = hostile_summary()
    before = copy.deepcopy(s)
    render_scan_report(s)
    assert s == before
