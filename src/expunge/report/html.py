"""Self-contained HTML report for `expunge scan`.

The page is built from the run's typed summary (scan/summary.py), or from a summary.json read
back through report/view.py. It loads nothing
from the network (inline CSS, inline SVG, no script), and a Content-Security-Policy forbids it
to, so opening a report of a hostile dataset cannot phone home or run code even if a value
slipped through escaping. Every string that can come from the dataset is passed through `esc`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from expunge.report._charts import (
    Segment,
    StackedRow,
    TypeBar,
    share_meter,
    stacked_bar_chart,
    type_bar_chart,
)
from expunge.report._fmt import (
    esc,
    fmt_duration,
    fmt_int,
    fmt_mb,
    fmt_pct,
    fmt_rate,
    fmt_score,
    fmt_started,
    plural,
    share,
    truncate_end,
)
from expunge.report._types import type_color, type_label
from expunge.report.page import html_document, panel
from expunge.report.view import Sample, ScanView, ShardRow, read_summary
from expunge.scan.summary import ScanSummary

__all__ = ["render_scan_report"]

# Caps keep the page readable and its size bounded for datasets with thousands of shards;
# the complete numbers stay in summary.json and findings.jsonl.
SHARD_CHART_CAP = 30
SHARD_TABLE_CAP = 500
SAMPLES_PER_TYPE = 20
SKIPPED_CAP = 50
PREVIEW_CHARS = 160
REASON_CHARS = 300

# No script, no network; inline styles only; images only as data: URIs (none are used today).

MASKING_NOTE = "Values are masked; findings.jsonl holds offsets, not values."


def render_scan_report(summary: ScanSummary | dict[str, Any]) -> str:
    """Render the summary of one `expunge scan` or `find` run as one complete, offline HTML
    document: from the run's typed summary, or from a summary.json read back (coerced)."""
    view = summary.view() if isinstance(summary, ScanSummary) else read_summary(summary)
    finding = view.command == "find"
    body = "\n".join(
        part
        for part in (
            _header(view),
            _headline(view),
            _sample_callout(view.sample),
            _subjects_section(view.by_subject) if finding else _ner_callout(view),
            _cards(view),
            _types_section(view),
            _shard_chart_section(view),
            _shard_table_section(view),
            _samples_section(view),
            _skipped_section(view),
            _footer(view),
        )
        if part
    )
    title = f"expunge scan — {view.dataset}" if view.dataset else "expunge scan report"
    return html_document(title, body)


# --- small helpers ------------------------------------------------------------------------


def _chip(type_name: str) -> str:
    return f'<span class="chip" style="background:{type_color(type_name)}"></span>'


def _type_list(types: Iterable[str]) -> str:
    return ", ".join(esc(type_label(t)) for t in types)


def _n_types_found(view: ScanView) -> int:
    return len(view.types)


_panel = panel


# --- header, headline, callout ------------------------------------------------------------


def _header(view: ScanView) -> str:
    facts = []
    if view.started:
        facts.append(f"started {esc(fmt_started(view.started))}")
    if view.elapsed_s is not None:
        facts.append(f"took {esc(fmt_duration(view.elapsed_s))}")
    if view.format:
        facts.append(f"format {esc(view.format)}")
    title = esc(view.dataset) if view.dataset else "Unnamed dataset"
    return (
        f'<header class="top"><div><div class="brand">expunge · {esc(view.command)} report</div>'
        f'<h1 class="mono">{title}</h1></div>'
        f'<div class="when">{" · ".join(facts)}</div></header>'
    )


def _headline(view: ScanView) -> str:
    if view.records == 0:
        return _headline_no_records(view)
    if view.findings == 0:
        return _headline_clean(view)
    return _headline_pii(view)


def _headline_no_records(view: ScanView) -> str:
    sub = "The dataset produced no readable records, so nothing could be checked."
    if view.skipped_rows:
        sub += f" {esc(plural(view.skipped_rows, 'row'))} could not be read: see Skipped rows."
    sub += " Check the dataset path and the --format option."
    return (
        '<div class="headline empty"><p class="lead"><strong>No records were scanned.</strong>'
        f'</p><p class="sub">{sub}</p></div>'
    )


def _headline_clean(view: ScanView) -> str:
    shards = plural(view.shards_total, "shard")
    what = "No subject found" if view.command == "find" else "No personal data found"
    lead = (
        f"<strong>{what}</strong> in "
        f"{_strong_count(view.records, 'record')} across {_strong_count_text(shards)}."
    )
    scanned = len(view.types_scanned)
    sub = f"Scanned for {plural(scanned, 'type')} of personal data." if scanned else ""
    if not view.names_scanned:
        sub += " Person names were not part of this scan (see the note below)."
    return (
        f'<div class="headline ok"><p class="lead">{lead}</p><p class="sub">{sub.strip()}</p></div>'
    )


def _strong_count(n: int, word: str) -> str:
    return _strong_count_text(plural(n, word))


def _strong_count_text(counted: str) -> str:
    """'<strong>3,000</strong> records' from '3,000 records'."""
    number, _, word = counted.partition(" ")
    return f"<strong>{number}</strong> {word}"


def _headline_pii(view: ScanView) -> str:
    pct = fmt_pct(share(view.records_with_pii, view.records))
    verb = "contains" if view.records_with_pii == 1 else "contain"
    record_word = "record" if view.records == 1 else "records"
    lead = (
        f'<strong class="hot">{fmt_int(view.records_with_pii)}</strong> of '
        f"<strong>{fmt_int(view.records)}</strong> {record_word} "
        f'(<strong class="hot">{pct}</strong>) '
        + ("mention a subject; " if view.command == "find" else f"{verb} personal data; ")
        + f"{_strong_count(view.findings, 'finding')} of "
        f"{_strong_count(_n_types_found(view), 'type')} in "
        f"{_strong_count(view.shards_total, 'shard')}."
    )
    top = ", ".join(f"{esc(type_label(t.type))} ({fmt_int(t.findings)})" for t in view.types[:3])
    sub = f"Most frequent: {top}." if top else ""
    worst = next((s for s in view.shards if s.findings > 0), None)
    if worst is not None and len(view.shards) > 1:
        sub += (
            f' Most affected shard: <span class="mono">{esc(worst.name)}</span> '
            f"({plural(worst.findings, 'finding')})."
        )
    return (
        f'<div class="headline pii"><p class="lead">{lead}</p>'
        f'<p class="sub">{sub.strip()}</p></div>'
    )


def _sample_callout(sample: float | None) -> str:
    if sample is None or sample >= 1:
        return ""
    return (
        '<div class="callout" role="note"><strong>A sample: '
        f"{sample:.1%} of the records were read</strong> (--sample). Every count on this page is "
        "of the sample, not of the dataset.</div>"
    )


def _ner_callout(view: ScanView) -> str:
    if view.names_scanned:
        return ""
    return (
        '<div class="callout" role="note"><strong>Coverage gap: person names were not '
        f"scanned.</strong> {esc(view.ner_note)} Names may be present even where this report "
        "shows no findings.</div>"
    )


# --- key figures ----------------------------------------------------------------------------


def _card(key: str, value: str, sub: str, extra: str = "", cls: str = "") -> str:
    return (
        f'<div class="card {cls}"><div class="k">{key}</div><div class="v">{value}</div>'
        f'<div class="s">{sub}</div>{extra}</div>'
    )


def _cards(view: ScanView) -> str:
    pct = share(view.records_with_pii, view.records)
    with_pii_sub = plural(view.records_with_pii, "record") if view.records else "no records"
    types_sub = (
        f"of {plural(_n_types_found(view), 'type')}" if view.findings else "nothing detected"
    )
    skipped_sub = "unreadable, not scanned" if view.skipped_rows else "all rows were read"
    cards = [
        _card("Records", fmt_int(view.records), f"in {plural(view.shards_total, 'shard')}"),
        _card("Scanned", fmt_mb(view.bytes), f"{fmt_int(view.bytes)} bytes"),
        _card(
            "With PII",
            fmt_pct(pct),
            with_pii_sub,
            share_meter(pct),
            "hot" if view.records_with_pii else "",
        ),
        _card("Findings", fmt_int(view.findings), types_sub, cls=_findings_class(view)),
        _card(
            "Skipped rows",
            fmt_int(view.skipped_rows),
            skipped_sub,
            cls="warn" if view.skipped_rows else "",
        ),
        _card("Time", fmt_duration(view.elapsed_s), fmt_rate(view.bytes, view.elapsed_s)),
    ]
    return f'<div class="cards">{"".join(cards)}</div>'


def _findings_class(view: ScanView) -> str:
    if view.findings:
        return "hot"
    return "ok" if view.records else ""


# --- charts ------------------------------------------------------------------------------


def _types_section(view: ScanView) -> str:
    if view.records == 0:
        return ""  # nothing was read, so "no types found" would be a false reassurance
    found = set(view.type_order)
    missing = [t for t in view.types_scanned if t not in found]
    scanned_note = (
        f"{plural(len(view.types_scanned), 'type')} scanned" if view.types_scanned else ""
    )
    if not view.types:
        body = '<p class="empty-msg">No personal data of any scanned type was found.</p>'
        if view.types_scanned:
            body += f'<p class="note">Types scanned: {_type_list(view.types_scanned)}.</p>'
        return _panel("Findings by type", scanned_note, body)
    chart = type_bar_chart([TypeBar(t.type, t.findings, t.records) for t in view.types])
    body = chart
    if missing:
        body += f'<p class="note">No findings for: {_type_list(missing)}.</p>'
    head = f"{plural(view.findings, 'finding')} of {plural(len(view.types), 'type')}"
    if scanned_note:
        head += f" · {scanned_note}"
    return _panel("Findings by type", head, body)


def _shard_chart_section(view: ScanView) -> str:
    with_findings = [s for s in view.shards if s.findings > 0]
    if not with_findings:
        return ""
    shown = with_findings[:SHARD_CHART_CAP]
    order = view.type_order
    rows = [StackedRow(s.name, _segments(s, order)) for s in shown]
    present = [t for t in order if any(s.by_type.get(t) for s in shown)]
    legend = "".join(f"<li>{_chip(t)}{esc(type_label(t))}</li>" for t in present)
    body = (
        f'<ul class="legend" aria-label="Types">{legend}</ul>'
        f"{stacked_bar_chart(rows)}"
        f"{_shard_chart_note(view.shards, shown, with_findings)}"
    )
    head = "Stacked by type; longest bar = most findings"
    return _panel("Findings per shard", head, body)


def _segments(shard: ShardRow, order: Sequence[str]) -> tuple[Segment, ...]:
    """Segments in the page-wide type order; counts not broken down by type go to 'other'."""
    segs = [Segment(t, shard.by_type[t]) for t in order if shard.by_type.get(t)]
    segs += [Segment(t, c) for t, c in shard.by_type.items() if t not in order and c]
    rest = shard.findings - sum(s.count for s in segs)
    if rest > 0:
        segs.append(Segment("other", rest))
    return tuple(segs)


def _shard_chart_note(
    all_shards: Sequence[ShardRow], shown: Sequence[ShardRow], with_findings: Sequence[ShardRow]
) -> str:
    notes = []
    if len(with_findings) > len(shown):
        hidden = with_findings[len(shown) :]
        notes.append(
            f"Showing the top {len(shown)} of {fmt_int(len(with_findings))} shards with "
            f"findings; the other {plural(len(hidden), 'shard')} hold "
            f"{plural(sum(s.findings for s in hidden), 'finding')} (all are in the table below)."
        )
    clean = len(all_shards) - len(with_findings)
    if clean:
        notes.append(f"{plural(clean, 'shard')} without findings not drawn.")
    if not notes:
        return ""
    return f'<p class="note cap">{" ".join(notes)}</p>'


# --- tables --------------------------------------------------------------------------------


def _count_cell(n: int) -> str:
    # Zeros are faded so the eye lands on the non-zero cells of a wide table.
    return '<td class="n zero">·</td>' if n == 0 else f'<td class="n">{fmt_int(n)}</td>'


def _shard_table_section(view: ScanView) -> str:
    if not view.shards:
        return ""
    order = list(view.type_order)
    extra = sorted({t for s in view.shards for t in s.by_type} - set(order))
    columns = order + extra
    any_skipped = any(s.skipped_rows for s in view.shards)
    # Type headers are rotated so a dozen type columns fit next to the shard name at 1280px.
    type_heads = "".join(
        f'<th class="t"><span class="vh">{_chip(t)}{esc(type_label(t))}</span></th>'
        for t in columns
    )
    head = (
        '<tr><th>Shard</th><th class="n">Records</th><th class="n">With PII</th>'
        f'<th class="n">Findings</th>{type_heads}'
        + ('<th class="n">Skipped</th>' if any_skipped else "")
        + "</tr>"
    )
    shown = view.shards[:SHARD_TABLE_CAP]
    rows = "".join(_shard_row(s, columns, any_skipped) for s in shown)
    body = (
        '<div class="table-wrap"><table class="shards">'
        f"<thead>{head}</thead><tbody>{rows}</tbody></table></div>"
    )
    notes = []
    if len(view.shards) > len(shown):
        notes.append(
            f"Showing the first {fmt_int(len(shown))} of {fmt_int(len(view.shards))} shards; "
            "every shard is listed in summary.json."
        )
    reused = sum(1 for s in view.shards if s.reused)  # counted here so it matches the badges
    if reused:
        notes.append(
            f'<span class="badge">reused</span> {plural(reused, "shard")} unchanged '
            "since the previous run: results were taken from it, not rescanned."
        )
    body += "".join(f'<p class="note">{n}</p>' for n in notes)
    head_note = f"{plural(len(view.shards), 'shard')}, most findings first"
    return _panel("Shards", head_note, body, long=True)


def _shard_cell(s: ShardRow) -> str:
    """Name, then format and size on a quieter second line; a badge when the result was reused."""
    facts = " · ".join(x for x in (esc(s.format), fmt_mb(s.bytes)) if x)
    badge = ' <span class="badge">reused</span>' if s.reused else ""
    return (
        f'<td class="shard"><span class="name">{esc(s.name)}</span>{badge}'
        f'<span class="facts">{facts}</span></td>'
    )


def _shard_row(s: ShardRow, columns: Sequence[str], skipped: bool) -> str:
    pct = share(s.records_with_pii, s.records)
    with_pii = (
        f'<td class="n">{fmt_int(s.records_with_pii)}<span class="pct">{fmt_pct(pct)}</span></td>'
        if s.records_with_pii
        else '<td class="n zero">·</td>'
    )
    cells = [
        _shard_cell(s),
        f'<td class="n">{fmt_int(s.records)}</td>',
        with_pii,
        f'<td class="n total">{fmt_int(s.findings)}</td>' if s.findings else _count_cell(0),
        *(_count_cell(s.by_type.get(t, 0)) for t in columns),
    ]
    if skipped:
        cells.append(_count_cell(s.skipped_rows))
    return f"<tr>{''.join(cells)}</tr>"


def _samples_section(view: ScanView) -> str:
    if not view.samples:
        return ""
    order = list(view.type_order)
    by_type: dict[str, list[Sample]] = {}
    for sample in view.samples:
        by_type.setdefault(sample.type, []).append(sample)
    ordered = [t for t in order if t in by_type] + sorted(t for t in by_type if t not in order)
    groups = "".join(_sample_group(t, by_type[t]) for t in ordered)
    head = f"{plural(len(view.samples), 'example')}, grouped by type. {MASKING_NOTE}"
    return _panel("Sample findings", head, groups, long=True)


def _sample_group(type_name: str, samples: Sequence[Sample]) -> str:
    shown = samples[:SAMPLES_PER_TYPE]
    count = (
        f"showing {len(shown)} of {fmt_int(len(samples))}"
        if len(samples) > len(shown)
        else plural(len(samples), "sample")
    )
    rows = "".join(_sample_row(s) for s in shown)
    # a subject's finding is confirmed by the profile; how sure the match is says more
    last = "Confidence" if any(s.confidence for s in shown) else "Validator"
    return (
        f'<div class="group"><div class="group-head">{_chip(type_name)}'
        f"<h3>{esc(type_label(type_name))}</h3><code>{esc(type_name)}</code>"
        f'<span class="count">{count}</span></div>'
        '<div class="table-wrap"><table class="samples">'
        '<colgroup><col class="c-preview"><col class="c-shard"><col class="c-row">'
        '<col class="c-id"><col class="c-off"><col class="c-score"><col class="c-val"></colgroup>'
        "<thead><tr><th>Masked preview</th><th>Shard</th>"
        '<th class="n">Row</th><th>ID</th><th class="n">Offsets</th><th class="n">Score</th>'
        f"<th>{last}</th></tr></thead><tbody>{rows}</tbody></table></div></div>"
    )


def _sample_row(s: Sample) -> str:
    offsets = (
        f"{fmt_int(s.start)}–{fmt_int(s.end)}" if s.start is not None and s.end is not None else "—"
    )
    row = "—" if s.row is None else fmt_int(s.row)
    return (
        f'<tr><td class="preview">{esc(truncate_end(s.preview, PREVIEW_CHARS))}</td>'
        f'<td class="loc">{esc(s.shard)}</td><td class="n">{row}</td>'
        f'<td class="loc">{esc(s.id) if s.id is not None else "—"}</td>'
        f'<td class="n">{offsets}</td><td class="n">{fmt_score(s.score)}</td>'
        f"<td>{esc(s.confidence or s.validator) or '—'}</td></tr>"
    )


def _subjects_section(by_subject: dict[str, dict[str, int]] | None) -> str:
    """`expunge find`: records per subject and confidence (subject ids come from the user)."""
    if not by_subject:
        return ""
    levels = ("strong", "medium", "weak")
    rows = "".join(
        f'<tr><td class="loc">{esc(str(subject))}</td>'
        + "".join(f'<td class="num">{fmt_int(counts.get(level, 0))}</td>' for level in levels)
        + "</tr>"
        for subject, counts in by_subject.items()
    )
    body = (
        '<div class="table-wrap"><table><thead><tr><th>Subject</th>'
        + "".join(f'<th class="num">{level} records</th>' for level in levels)
        + f"</tr></thead><tbody>{rows}</tbody></table></div>"
        '<p class="note">strong: an email, phone or profile URL of theirs, or a name with another '
        "of their identifiers; medium: a handle, string or domain alone; weak: a name alone.</p>"
    )
    return _panel("Subjects found", f"{plural(len(by_subject), 'subject')}", body)


def _skipped_section(view: ScanView) -> str:
    total = max(view.skipped_rows, len(view.skipped))
    if total == 0:
        return ""
    shown = view.skipped[:SKIPPED_CAP]
    head_note = f"{plural(total, 'row')} could not be read and were not scanned"
    if not shown:
        body = '<p class="empty-msg">The summary does not list which rows were skipped.</p>'
        return _panel("Skipped rows", head_note, body)
    rows = "".join(
        f'<tr><td class="loc">{esc(r.shard)}</td><td class="loc">{esc(r.where)}</td>'
        f'<td class="reason">{esc(truncate_end(r.reason, REASON_CHARS))}</td></tr>'
        for r in shown
    )
    body = (
        '<div class="table-wrap"><table class="skipped">'
        '<colgroup><col class="c-shard"><col class="c-where"><col></colgroup>'
        "<thead><tr><th>Shard</th><th>Where</th>"
        f"<th>Reason</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )
    if total > len(shown):
        body += (
            f'<p class="note cap">Showing the first {fmt_int(len(shown))} of '
            f"{fmt_int(total)} skipped rows.</p>"
        )
    return _panel("Skipped rows", head_note, body, long=True)


# --- footer --------------------------------------------------------------------------------


def _footer(view: ScanView) -> str:
    tool = esc(f"{view.tool} {view.version}".strip())
    when = f" · started {esc(fmt_started(view.started))}" if view.started else ""
    took = f" · took {esc(fmt_duration(view.elapsed_s))}" if view.elapsed_s is not None else ""
    dataset = esc(view.dataset) if view.dataset else "—"
    return (
        f"<footer><p>Generated by {tool} ({esc(view.command)}){when}{took}.</p>"
        f'<p>Dataset: <span class="path">{dataset}</span></p>'
        f"<p>{MASKING_NOTE} This page is self-contained and loads nothing from the network.</p>"
        "</footer>"
    )
