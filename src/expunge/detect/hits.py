"""The shapes passed between the engine, the confirmers and the resolver."""

from __future__ import annotations

from collections.abc import Callable

from expunge.detect.context import ConfirmContext

# (type, start, end, score, validator) with byte offsets into the scan buffer.
Hit = tuple[str, int, int, float, str]


# confirm(buf, start, ends, lo, hi, scan) -> Hit | list[Hit] | None
#   start: leftmost start (-1 when the pattern is compiled without start-of-match)
#   ends: the candidate's possible ends, ascending, terminator already removed
#   lo, hi: byte range of the record the candidate lies in
#   scan: options, and the buffer that context windows are read from
Confirm = Callable[[bytes, int, list[int], int, int, ConfirmContext], Hit | list[Hit] | None]
