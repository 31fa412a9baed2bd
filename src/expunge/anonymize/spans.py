"""Spans of a text to replace, and the one rule for spans that overlap.

The rule (`resolve`): spans are taken by start, the longer first, then by `rank`, then in the
order given. A span that shares a character with the kept span before it is merged into it:
the kept span grows to cover both and keeps its type, so nothing of either stays readable and
the span that starts first (the longer, the better ranked) names what was replaced. A span
inside another therefore disappears into it. Spans that only touch stay apart ('[EMAIL][PHONE]'
for 'a@b.example+12125550123'). Empty spans replace nothing and are left out.

Every caller uses this rule. Before it, forget's typed placeholders and find's context
snippets dropped a span that crossed an earlier one, so the crossing span's tail stayed
readable ('Jane Doe' and 'Doe Bakery Street' in 'Jane Doe Bakery Street' gave '[PERSON] Bakery
Street'); they now merge, as redact always did.

One caller needs a variant, and says so where it calls it:
- `touching=True`: the forget set of model unlearning (`model/forget_set.py`) also joins spans
  that touch: a look-alike replaces each joined run as one value, and the evaluation's numbers
  depend on that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Span:
    """Characters [start, end) of a text: str offsets (code points), as `Finding` offsets are.
    `type` is what the operator is told: a detector type, a subject's kind or a label. `rank`
    decides between spans with the same start and end: the lower keeps its type."""

    start: int
    end: int
    type: str = ""
    rank: int = 0


def _order(span: Span) -> tuple[int, int, int]:
    return span.start, -span.end, span.rank


def resolve(spans: Iterable[Span], *, touching: bool = False) -> list[Span]:
    """Disjoint spans sorted by start, by the rule in this module's docstring."""
    kept: list[Span] = []
    for span in sorted(spans, key=_order):  # sorted() is stable: given order breaks ties
        if span.start >= span.end:
            continue
        if kept and (span.start < kept[-1].end or (touching and span.start == kept[-1].end)):
            if span.end > kept[-1].end:
                kept[-1] = replace(kept[-1], end=span.end)
            continue
        kept.append(span)
    return kept
