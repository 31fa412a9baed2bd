"""Number, size, time and text formatting for the report. Pure functions, no HTML."""

from __future__ import annotations

import html
from datetime import UTC, datetime


def esc(value: object) -> str:
    """Escape for HTML text *and* attribute values; every dataset-derived string goes through it."""
    return html.escape(str(value), quote=True)


def fmt_int(n: int) -> str:
    return f"{n:,}"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'1 record', '3,000 records'."""
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{fmt_int(n)} {word}"


def share(part: int, whole: int) -> float | None:
    """part/whole as a percentage, or None when there is no whole to divide by."""
    return None if whole <= 0 else 100.0 * part / whole


def fmt_pct(pct: float | None) -> str:
    """One decimal, but never round a non-zero share to 0% or a partial one to 100%."""
    if pct is None:
        return "—"
    if 0 < pct < 0.1:
        return "<0.1%"
    if 99.9 < pct < 100:
        return ">99.9%"
    return f"{pct:.1f}%"


def fmt_mb(n_bytes: int) -> str:
    """Decimal megabytes (what disks and dataset cards use); GB once MB gets unwieldy."""
    mb = n_bytes / 1e6
    if mb >= 10_000:
        return f"{mb / 1000:,.1f} GB"
    if mb >= 100:
        return f"{mb:,.0f} MB"
    if mb >= 1 or n_bytes == 0:
        return f"{mb:.1f} MB"
    return f"{mb:.2f} MB"


def fmt_duration(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def fmt_rate(n_bytes: int, seconds: float | None) -> str:
    """Throughput in MB/s; a dash rather than a division by zero for instant or unknown runs."""
    if seconds is None or seconds <= 0 or n_bytes <= 0:
        return "—"
    rate = n_bytes / 1e6 / seconds
    return f"{rate:,.0f} MB/s" if rate >= 100 else f"{rate:.2f} MB/s"


def fmt_started(raw: str) -> str:
    """ISO timestamp → '23 Nov 2026, 10:00 UTC'; anything unparseable is shown as given."""
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if when.tzinfo is not None:
        return when.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")
    return when.strftime("%d %b %Y, %H:%M")


def fmt_score(score: float | None) -> str:
    return "—" if score is None else f"{score:.2f}"


def truncate_middle(text: str, limit: int) -> str:
    """Shorten from the middle: shard names differ at the end (part numbers, extensions).

    Must run on the raw string, before escaping, so an entity is never cut in half.
    """
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    tail = limit - 1 - head
    return text[:head] + "…" + text[-tail:]


def truncate_end(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
