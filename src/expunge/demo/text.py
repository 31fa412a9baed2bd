"""Text assembly with span tracking: planted values are located while they are written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    type: str
    start: int
    end: int


class TextBuilder:
    """Concatenates pieces and remembers where each planted value starts and ends.

    Offsets are counted in Python characters (code points) — the unit expunge reports.
    """

    __slots__ = ("_len", "_parts", "decoy_spans", "decoys", "spans")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.spans: list[Span] = []
        self.decoys: dict[str, int] = {}
        # Where decoys sit (type = decoy kind): lets a benchmark say what a false positive hit.
        self.decoy_spans: list[Span] = []

    def add(self, piece: str) -> None:
        self._parts.append(piece)
        self._len += len(piece)

    def pii(self, type_: str, value: str) -> None:
        self.spans.append(Span(type_, self._len, self._len + len(value)))
        self.add(value)

    def decoy(self, kind: str, value: str) -> None:
        self.decoys[kind] = self.decoys.get(kind, 0) + 1
        self.decoy_spans.append(Span(kind, self._len, self._len + len(value)))
        self.add(value)

    def __len__(self) -> int:
        return self._len

    def text(self) -> str:
        return "".join(self._parts)
