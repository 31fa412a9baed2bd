"""How surely a record is about a person: the one strong / medium / weak rule.

find, the index and the registry grade a record by the kinds of the person's identifiers it
holds; findings and index matches carry the grade in their own `confidence` field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LEVELS = ("strong", "medium", "weak")
STRONG_KINDS = frozenset({"email", "phone", "profile"})
MEDIUM_KINDS = frozenset({"handle", "string", "domain"})
# A finding's score for each level (findings.jsonl `score`).
SCORES = {"strong": 0.95, "medium": 0.7, "weak": 0.4}


def level(kinds: set[str] | frozenset[str]) -> str:
    """An email, phone or profile URL, or two kinds of identifier of the same person in one
    record -> strong; a handle, free string or domain alone -> medium; a name alone -> weak."""
    if kinds & STRONG_KINDS or len(kinds) >= 2:
        return "strong"
    return "medium" if kinds & MEDIUM_KINDS else "weak"


def confidence_of(row: Mapping[str, Any]) -> str | None:
    """The level of one line of a find report (findings.jsonl / samples), else None. Reports
    written before the `confidence` field kept the level in `validator`: read the same way."""
    value = row.get("confidence", row.get("validator"))
    return value if value in LEVELS else None
