"""Overlap resolution: at most one finding per stretch of text."""

from __future__ import annotations

from bisect import bisect_left
from operator import itemgetter

from expunge.detect.hits import Hit

# Tie-break after score: the more specific type wins (an IBAN over a card/phone inside it,
# an email over a url on its domain, a profile over a plain url).
SPECIFICITY: dict[str, int] = {
    "secret": 12, "iban": 11, "credit_card": 10, "crypto_wallet": 9, "email": 8, "us_ssn": 7,
    "social_handle": 6, "phone": 5, "ip_address": 4, "date_of_birth": 3, "street_address": 2,
    "url": 1,
}  # fmt: skip


_START = itemgetter(1)


def resolve(hits: list[Hit], min_score: float) -> list[Hit]:
    """Drop hits under `min_score`, then keep the best of each overlapping group
    (higher score, then more specific type, then longer), sorted by start."""
    kept = [h for h in hits if h[3] >= min_score]
    if len(kept) <= 1:
        return kept
    # Common case: no two hits overlap. Then every hit survives whatever the priority order,
    # and the answer is just the hits by start (distinct non-empty spans, so no ties).
    by_start = sorted(kept, key=_START)
    prev_end = -1
    for h in by_start:
        if h[1] < prev_end or h[1] >= h[2]:
            break
        prev_end = h[2]
    else:
        return by_start
    kept.sort(key=lambda h: (-h[3], -SPECIFICITY.get(h[0], 0), h[1] - h[2], h[1]))
    starts: list[int] = []
    chosen: list[Hit] = []  # sorted by start, pairwise disjoint
    for h in kept:
        i = bisect_left(starts, h[1])
        if i > 0 and chosen[i - 1][2] > h[1]:
            continue  # overlaps the chosen span starting before it
        if i < len(chosen) and chosen[i][1] < h[2]:
            continue  # overlaps the chosen span starting at/after it
        starts.insert(i, h[1])
        chosen.insert(i, h)
    return chosen
