"""Detector: the public entry point of the pattern stage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from expunge.detect.engine import SEP, Engine
from expunge.detect.entities import DEFAULT_TYPES, ENTITY_TYPES, PATTERN_TYPES
from expunge.detect.hits import Hit
from expunge.detect.phone import check_region
from expunge.detect.resolve import resolve
from expunge.records import Finding

if TYPE_CHECKING:  # the registry loads only for custom types: a plain scan starts as before
    from expunge.detect.registry import EntityType

_SEP_LEN = len(SEP)
_CONTINUATION = bytes(range(0x80, 0xC0))


def _check_types(types: Iterable[str] | None, custom: tuple[EntityType, ...]) -> tuple[str, ...]:
    """The pattern types to look for: built-ins in their order, then custom types in theirs."""
    names = PATTERN_TYPES + tuple(c.name for c in custom)
    if types is None:  # personal data only: technical look-alikes only when asked for
        return DEFAULT_TYPES + tuple(c.name for c in custom)
    if isinstance(types, str):
        types = [types]
    wanted = set(types)
    unknown = sorted(wanted.difference(ENTITY_TYPES, names))
    if unknown:
        valid = ENTITY_TYPES + tuple(c.name for c in custom)
        raise ValueError(
            f"unknown entity type(s) {', '.join(map(repr, unknown))}; valid: {', '.join(valid)}"
        )
    # "person" is valid but belongs to the NER stage: accepted here and ignored.
    return tuple(t for t in names if t in wanted)


def _snap(buf: bytes, b: int, lo: int, hi: int, left: bool) -> int:
    # Keep offsets on UTF-8 character boundaries (continuation bytes are 10xxxxxx).
    if left:
        while b > lo and (buf[b] & 0xC0) == 0x80:
            b -= 1
    else:
        while b < hi and (buf[b] & 0xC0) == 0x80:
            b += 1
    return b


# round(x, 3) costs ~0.6 µs; confirmers use a handful of distinct scores, so memoise it.
_rounded: dict[float, float] = {}


def _round(score: float) -> float:
    found = _rounded.get(score)
    if found is None:
        found = round(score, 3)
        if len(_rounded) < 4096:
            _rounded[score] = found
    return found


def _findings(text: str, buf: bytes, lo: int, hi: int, hits: list[Hit]) -> list[Finding]:
    if text.isascii():  # byte offset == character offset
        get = _rounded.get
        return [
            Finding(t, s - lo, e - lo, get(score) or _round(score), v) for t, s, e, score, v in hits
        ]
    spans = [(_snap(buf, s, lo, hi, True), _snap(buf, e, lo, hi, False)) for _, s, e, _, _ in hits]
    # characters before byte b = bytes before b that do not continue a UTF-8 sequence (also
    # true of lone surrogates, which "surrogatepass" encodes as 3 bytes)
    chars: dict[int, int] = {}
    pos_b, pos_c = lo, 0
    for b in sorted({b for span in spans for b in span}):
        pos_c += len(buf[pos_b:b].translate(None, _CONTINUATION))
        pos_b = b
        chars[b] = pos_c
    return [
        Finding(h[0], chars[s], chars[e], _round(h[3]), h[4])
        for h, (s, e) in zip(hits, spans, strict=True)
    ]


class Detector:
    """Finds personal data in text with one multi-pattern pass plus cheap validators.

    `custom`: the user's own entity types (registry.EntityType), matched in the same pass;
    `types` (default: every built-in pattern type and every custom one) may name them too.

    Safe to share across threads (each thread gets its own hyperscan scratch). Pickles as
    its options, so process pools rebuild it; the compiled database is cached per process
    and per set of types, so building a Detector in every worker is cheap after the first
    (~0.5 s compile).
    """

    def __init__(
        self,
        types: Iterable[str] | None = None,
        phone_region: str = "US",
        min_score: float = 0.5,
        custom: Iterable[EntityType] = (),
    ) -> None:
        self.custom: tuple[EntityType, ...] = ()
        if custom:
            from expunge.detect.registry import check_custom

            self.custom = check_custom(custom)
        self.types: tuple[str, ...] = _check_types(types, self.custom)
        self.phone_region: str = check_region(phone_region)
        if not 0.0 <= float(min_score) <= 1.0:
            raise ValueError(f"min_score must be within 0..1, got {min_score!r}")
        self.min_score: float = float(min_score)
        wanted = frozenset(self.types)
        self._engine = (
            Engine(
                wanted.intersection(PATTERN_TYPES),
                self.phone_region,
                tuple(c for c in self.custom if c.name in wanted),
            )
            if self.types
            else None
        )

    def __repr__(self) -> str:
        custom = f", custom={self.custom!r}" if self.custom else ""
        return (
            f"Detector(types={self.types!r}, phone_region={self.phone_region!r}, "
            f"min_score={self.min_score!r}{custom})"
        )

    def __getstate__(self) -> dict[str, Any]:
        return {
            "types": self.types,
            "phone_region": self.phone_region,
            "min_score": self.min_score,
            "custom": self.custom,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["types"], state["phone_region"], state["min_score"], state.get("custom", ())
        )

    def scan(self, text: str) -> list[Finding]:
        """Findings in one text, sorted by start, non-overlapping, score >= min_score."""
        return self.scan_batch([text])[0]

    def scan_batch(
        self, texts: Sequence[str], sizes: list[int] | None = None
    ) -> list[list[Finding]]:
        """scan() for many texts in one hyperscan call: the fast path for pipelines. `sizes`,
        when given, receives each text's UTF-8 size (the texts are encoded here anyway)."""
        results: list[list[Finding]] = [[] for _ in texts]
        if self._engine is None or not texts:
            return results
        encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
        if sizes is not None:
            sizes.extend(map(len, encoded))
        buf = SEP + SEP.join(encoded) + SEP
        stops = list(accumulate((len(b) + _SEP_LEN for b in encoded), initial=_SEP_LEN))
        starts = stops[:-1]
        stops = [s + len(b) for s, b in zip(starts, encoded, strict=True)]
        for rec, hits in self._engine.scan(buf, starts, stops).items():
            kept = resolve(hits, self.min_score)
            if kept:
                results[rec] = _findings(texts[rec], buf, starts[rec], stops[rec], kept)
        return results
