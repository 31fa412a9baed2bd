"""Wording shared by the readers for errors a user can act on."""

from __future__ import annotations

TRUNCATED_FIX = "re-download the file, or --on-error skip to keep the rows read so far"
TEXT_FIELD_FIX = "pass --text-field COLUMN"

_MAX_DETAIL = 160


def brief(exc: BaseException) -> str:
    """First line of an exception message, shortened: library messages can be pages long."""
    text = str(exc).strip() or type(exc).__name__
    first = text.splitlines()[0].strip()
    return first if len(first) <= _MAX_DETAIL else first[: _MAX_DETAIL - 3] + "..."


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
