"""Context snippets for subject matches: enough text to judge a match, masked by default."""

from __future__ import annotations

from collections.abc import Sequence

from expunge.anonymize import Mask, Span, anonymize, resolve
from expunge.pipeline import detector_for
from expunge.records import Finding

WINDOW = 40


def context_snippet(
    text: str,
    match: Finding,
    record_findings: Sequence[Finding],
    show_values: bool,
    text_end: int | None = None,
    phone_region: str = "US",
) -> str:
    """Up to 40 characters either side of the match. Masked (the default): every match of the
    subject in the window and any personal data the detector finds there are masked. With
    `text_end` (a record read with its stored material, io/raw.py), the window stays on the
    match's side of the boundary between the text and the rest. National phone numbers in the
    window are read in `phone_region`, the region the find ran with."""
    floor, ceiling = 0, len(text)
    if text_end is not None:
        if match.start < text_end:
            ceiling = text_end
        else:
            floor = text_end
    lo, hi = max(floor, match.start - WINDOW), min(ceiling, match.end + WINDOW)
    window = text[lo:hi]
    if not show_values:
        spans = [
            Span(f.start - lo, f.end - lo, f.type)
            for f in record_findings
            if f.start < hi and lo < f.end
        ]
        spans += [
            Span(f.start, f.end, f.type) for f in detector_for(None, phone_region, 0.5).scan(window)
        ]
        # Overlaps resolved before the spans are cut to the window: a span that starts before
        # it still masks what it covers inside it.
        kept = [Span(max(0, s.start), min(len(window), s.end), s.type) for s in resolve(spans)]
        window = anonymize(window, kept, Mask()).text
    snippet = " ".join(window.split())
    return ("…" if lo > floor else "") + snippet + ("…" if hi < ceiling else "")
