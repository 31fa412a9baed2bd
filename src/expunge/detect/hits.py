"""The shapes passed between the engine, the confirmers and the resolver."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# (type, start, end, score, validator) with byte offsets into the scan buffer.
Hit = tuple[str, int, int, float, str]


@dataclass(frozen=True, slots=True)
class Run:
    """Per-Detector options a confirmer may need."""

    region: str  # phonenumbers region hint for numbers written without '+'
    types: frozenset[str]  # entity types the caller asked for


# confirm(buf, start, ends, lo, hi, run) -> Hit | list[Hit] | None
#   start: leftmost start (-1 when the pattern is compiled without start-of-match)
#   ends: the candidate's possible ends, ascending, terminator already removed
#   lo, hi: byte range of the record the candidate lies in
Confirm = Callable[[bytes, int, list[int], int, int, Run], Hit | list[Hit] | None]
