"""Custom types' raw matches grouped into candidates that stay inside one record.

The built-in patterns are written so that none can match across the separator between
records (engine.SEP); a user's regex such as `Q[^,]*Z` can. Hyperscan reports, for each end,
only the leftmost start, so a match running in from an earlier record would also hide the
record's own matches that end there. Such a record is scanned again alone for that pattern:
rare (only when a match crossed), and the result is what scanning the record by itself gives.
"""

from __future__ import annotations

from bisect import bisect_right

from expunge.hsdb import compiled


def custom_candidates(
    raw: list[tuple[int, int, int]],
    buf: bytes,
    starts: list[int],
    stops: list[int],
    patterns: dict[int, tuple[bytes, int]],
) -> dict[tuple[int, int], list[int]]:
    """(pattern id, start) -> ends, ascending, for the custom patterns' raw (pid, start, end)
    matches; `starts[i]:stops[i]` is record i's byte range in `buf`, `patterns` the custom
    pattern ids' (expression, flags)."""
    inside: list[tuple[int, int, int]] = []
    crossed: set[tuple[int, int]] = set()  # (pattern id, record) to scan again alone
    for pid, start, end in raw:
        rec = bisect_right(starts, end - 1) - 1
        if rec < 0:
            continue
        if start < starts[rec] or end > stops[rec]:
            crossed.add((pid, rec))
        else:
            inside.append((pid, start, end))
    groups: dict[tuple[int, int], list[int]] = {}
    for pid, start, end in inside:
        if crossed and (pid, bisect_right(starts, start) - 1) in crossed:
            continue  # that record's matches come from scanning it alone
        groups.setdefault((pid, start), []).append(end)
    for pid, rec in sorted(crossed):
        lo, hi = starts[rec], stops[rec]
        expression, flags = patterns[pid]
        # the opt-in disk cache is for find's subject databases, not for these
        alone = compiled([expression], [flags], disk_cache=False)
        for _, start, end in alone.scan(buf[lo:hi]):
            groups.setdefault((pid, lo + start), []).append(lo + end)
    for ends in groups.values():
        ends.sort()
    return groups
