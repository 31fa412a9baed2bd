"""`anonymize`: the text with each span replaced by what an operator makes of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from expunge.anonymize.spans import Span, resolve

# What replaces one span: given the span (after the overlap rule) and the text it covers.
Operator = Callable[[Span, str], str]


@dataclass(frozen=True, slots=True)
class Replaced:
    """One replaced span: where it was in the input, what replaced it, and where that starts
    in the output."""

    span: Span
    replacement: str
    at: int

    @property
    def end(self) -> int:
        """Where the replacement ends in the output."""
        return self.at + len(self.replacement)


@dataclass(frozen=True, slots=True)
class Anonymized:
    text: str
    replaced: tuple[Replaced, ...]


def anonymize(text: str, spans: Iterable[Span], operator: Operator) -> Anonymized:
    """`text` with every span, after the overlap rule (`spans.resolve`), replaced by
    `operator(span, covered text)`. The operator is called once per span, left to right, so a
    stateful one (numbered placeholders, look-alike values) numbers by first occurrence."""
    kept = resolve(spans)
    for span in kept:  # checked before any call: a vault must not gain entries for a failure
        if span.start < 0 or span.end > len(text):
            raise ValueError(f"span {span.start}-{span.end} is outside a text of {len(text)}")
    parts: list[str] = []
    done: list[Replaced] = []
    pos = out = 0
    for span in kept:
        new = operator(span, text[span.start : span.end])
        out += span.start - pos
        parts += [text[pos : span.start], new]
        done.append(Replaced(span, new, out))
        out += len(new)
        pos = span.end
    parts.append(text[pos:])
    return Anonymized("".join(parts), tuple(done))
