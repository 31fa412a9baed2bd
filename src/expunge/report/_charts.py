"""Bar charts as HTML rows with inline SVG bars: no JavaScript, no external assets.

Labels and numbers are HTML text so they keep their size on any screen (a single scaled SVG
shrinks its text to ~8px on a phone); the bars are SVG so their colours survive printing even
when the browser drops background colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from expunge.report._fmt import esc, fmt_int, plural, truncate_middle
from expunge.report._types import type_color, type_label

SHARD_LABEL_CHARS = 44


@dataclass(frozen=True, slots=True)
class Segment:
    type: str
    count: int


@dataclass(frozen=True, slots=True)
class TypeBar:
    type: str
    findings: int
    records: int | None


@dataclass(frozen=True, slots=True)
class StackedRow:
    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.segments)


def _bar_svg(segments: Sequence[Segment], scale: int, reserve: str, tip: str) -> str:
    """One bar, `reserve` narrower than its row at full scale so the number after it fits.

    The viewBox is in finding units and stretched (preserveAspectRatio=none), so segment
    widths are exact counts; the element's CSS width carries the bar's length.
    """
    total = sum(s.count for s in segments)
    if total <= 0 or scale <= 0:
        return ""
    fraction = total / scale
    rects, x = [], 0
    for seg in segments:
        if seg.count <= 0:
            continue
        seg_tip = f"{type_label(seg.type)}: {fmt_int(seg.count)}"
        rects.append(
            f'<rect x="{x}" y="0" width="{seg.count}" height="1" '
            f'fill="{type_color(seg.type)}"><title>{esc(seg_tip)}</title></rect>'
        )
        x += seg.count
    # max(3px, …): a non-zero count must never look like zero.
    style = f"width:max(3px, calc((100% - {reserve}) * {fraction:.4f}))"
    return (
        f'<svg class="fill" viewBox="0 0 {total} 1" preserveAspectRatio="none" '
        f'height="18" style="{style}" role="img" aria-label="{esc(tip)}">'
        f"<title>{esc(tip)}</title>{''.join(rects)}</svg>"
    )


def type_bar_chart(bars: Sequence[TypeBar]) -> str:
    """One horizontal bar per type in the given order, its count at the end of the bar."""
    scale = max((b.findings for b in bars), default=0)
    rows = []
    for bar in bars:
        label = type_label(bar.type)
        in_records = "" if bar.records is None else f" in {plural(bar.records, 'record')}"
        tip = f"{label} ({bar.type}): {plural(bar.findings, 'finding')}{in_records}"
        svg = _bar_svg([Segment(bar.type, bar.findings)], scale, "11em", tip)
        rows.append(
            f'<div class="lbl">{esc(label)}</div>'
            f'<div class="bar type-bar">{svg}<span class="v"><span class="num">'
            f'{fmt_int(bar.findings)}</span><span class="sub">{esc(in_records)}</span></span></div>'
        )
    return f'<div class="bars types">{"".join(rows)}</div>'


def stacked_bar_chart(rows: Sequence[StackedRow]) -> str:
    """One stacked bar per row (shard), all on one scale so a shorter bar means fewer findings."""
    scale = max((r.total for r in rows), default=0)
    out = []
    for row in rows:
        tip = f"{row.label}: {plural(row.total, 'finding')}"
        short = truncate_middle(row.label, SHARD_LABEL_CHARS)  # raw text: cut before escaping
        out.append(
            f'<div class="lbl mono" title="{esc(row.label)}">{esc(short)}</div>'
            f'<div class="bar shard-bar">{_bar_svg(row.segments, scale, "4.5em", tip)}'
            f'<span class="v"><span class="num">{fmt_int(row.total)}</span></span></div>'
        )
    return f'<div class="bars shards">{"".join(out)}</div>'


def share_meter(pct: float | None) -> str:
    """A thin progress bar for the 'share with PII' card."""
    filled = 0.0 if pct is None else min(100.0, max(0.0, pct))
    if filled > 0:
        filled = max(filled, 1.5)  # a sliver must stay visible: 0.05% is not "none"
    return (
        '<svg class="meter" viewBox="0 0 100 6" preserveAspectRatio="none" '
        'width="100%" height="6" aria-hidden="true">'
        '<rect class="track" x="0" y="0" width="100" height="6"/>'
        f'<rect class="fill" x="0" y="0" width="{filled:.2f}" height="6"/></svg>'
    )
