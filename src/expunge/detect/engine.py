"""One hyperscan pass over a batch buffer; candidates go to their confirmers.

A batch is encoded as SEP + rec0 + SEP + rec1 + ... + SEP. No pattern can cross SEP, every
record has a neutral byte on both sides (so boundary checks need no special case), and
confirmers get the record's byte range so context never leaks into a neighbour.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING

import hyperscan

from expunge.detect.context import ConfirmContext
from expunge.detect.hits import Hit
from expunge.detect.patterns import PatternSpec, patterns_for
from expunge.errors import ExpungeError
from expunge.hsdb import Compiled, compiled

if TYPE_CHECKING:  # the registry loads only for custom types: a plain scan starts as before
    from expunge.detect.registry import EntityType

SEP = b"\n\x00\n"

# How the engine groups a pattern's raw matches into candidates.
_PLAIN, _PREFILTERED, _MULTI_END, _CUSTOM = range(4)
_FAR_LEFT, _FAR_RIGHT = -(1 << 62), 1 << 62


@dataclass(frozen=True, slots=True)
class CompiledSet:
    """A compiled database and the specs its expression ids index into."""

    database: Compiled  # the database and its per-thread scratch spaces
    specs: tuple[PatternSpec, ...]
    # custom types' pattern ids -> (expression, flags), to scan one record alone again
    custom: dict[int, tuple[bytes, int]] = field(default_factory=dict)

    @property
    def db(self) -> hyperscan.Database:
        return self.database.db


_compiled: dict[tuple[frozenset[str], tuple[EntityType, ...]], CompiledSet] = {}
_compile_lock = threading.Lock()


def compiled_for(types: frozenset[str], custom: tuple[EntityType, ...] = ()) -> CompiledSet:
    """The database for the built-in `types` and the `custom` types, compiled once per process
    (~0.5 s for all built-ins). Custom expressions come after the built-ins, so a built-in
    pattern's id is the same with or without them."""
    key = (types, custom)
    found = _compiled.get(key)
    if found is not None:
        return found
    with _compile_lock:
        found = _compiled.get(key)
        if found is None:
            specs = patterns_for(types)
            flags = [
                (hyperscan.HS_FLAG_CASELESS if p.caseless else 0)
                | (hyperscan.HS_FLAG_SOM_LEFTMOST if p.som else 0)
                for p in specs
            ]
            alone: dict[int, tuple[bytes, int]] = {}
            if custom:
                from expunge.detect.registry import custom_specs
            for spec, spec_flags in custom_specs(custom) if custom else ():
                alone[len(specs)] = (spec.expression, spec_flags)
                specs += (spec,)
                flags.append(spec_flags)
            try:
                # the built-in patterns hold no one's data: cached on disk by default; a
                # user's own types (word lists) are not written anywhere
                database = compiled(
                    [p.expression for p in specs], flags, disk_cache=not custom, holds_no_one=True
                )
            except hyperscan.error as error:  # each custom type compiled alone when declared
                names = ", ".join(c.name for c in custom)
                raise ExpungeError(
                    f"the custom types ({names}) do not compile together with the built-ins: "
                    f"{error}",
                    "simplify the largest custom regex or split its word list",
                ) from None
            if len(_compiled) >= 32:  # many custom sets in one process: hold a few
                _compiled.clear()
            found = _compiled[key] = CompiledSet(database, specs, alone)
    return found


_NON_DIGITS = bytes(c for c in range(256) if not 48 <= c <= 57)


def _prefilter(
    spec: PatternSpec, buf: bytes, items: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The (start, end) items that pass `spec.bulk_rule`, then in whose bytes
    `spec.prefilter` finds something: one regex run over all of them joined, instead of one
    Python call per candidate. `end` excludes the terminator; `start` is -1 for patterns
    without start of match."""
    if spec.bulk_rule is not None:
        items = spec.bulk_rule(buf, items)
    prefilter = spec.prefilter
    if prefilter is None or not items:
        return items
    if spec.som:
        # From 3 bytes before the start (a '(+' prefix, or the '%2C' of a URL escape the
        # shapes look behind for) to the last digit.
        term = spec.term
        parts = [buf[max(0, s - 3) : e + term].rstrip(_NON_DIGITS) for s, e in items]
    else:
        window = spec.prefilter_window
        parts = [buf[max(0, e - window) : e] for _, e in items]
    offsets = list(accumulate(len(p) + 1 for p in parts))
    joined = (
        spec.prefilter_prepare(b"\n".join(parts)) if spec.prefilter_prepare else b"\n".join(parts)
    )
    return _kept(items, offsets, (m.start() for m in prefilter.finditer(joined)))


def _kept(
    items: list[tuple[int, int]], offsets: list[int], positions: Iterable[int]
) -> list[tuple[int, int]]:
    """The items whose part of the joined bytes holds one of `positions` (in order)."""
    keep: list[tuple[int, int]] = []
    last = -1
    for position in positions:
        k = bisect_right(offsets, position)
        if k != last:
            keep.append(items[k])
            last = k
    return keep


def _mode(spec: PatternSpec, custom: bool) -> int:
    if custom:
        return _CUSTOM
    if spec.multi_end:
        return _MULTI_END
    bulk = spec.prefilter is not None or spec.bulk_rule is not None
    return _PREFILTERED if bulk else _PLAIN


def _collect(pid: int, start: int, end: int, flags: int, hits: list[tuple[int, int, int]]) -> None:
    hits.append((pid, start, end))


class Engine:
    """Scans batch buffers for one set of types. One scratch per thread (hyperscan rule)."""

    def __init__(
        self, types: frozenset[str], region: str, custom: tuple[EntityType, ...] = ()
    ) -> None:
        self._set = compiled_for(types, custom)
        self._types = types
        self._region = region
        # Per pattern id: (spec, grouping mode, terminator bytes, start-of-match reported).
        self._plan: tuple[tuple[PatternSpec, int, int, bool], ...] = tuple(
            (p, _mode(p, pid in self._set.custom), p.term, p.som)
            for pid, p in enumerate(self._set.specs)
        )

    @property
    def specs(self) -> tuple[PatternSpec, ...]:
        return self._set.specs

    def _scratch(self) -> hyperscan.Scratch:
        return self._set.database.scratch()

    def candidates(self, buf: bytes) -> list[tuple[int, int, int]]:
        """Raw (pattern id, start, end) matches of the one hyperscan pass, terminators included."""
        raw: list[tuple[int, int, int]] = []
        self._set.db.scan(
            buf,
            match_event_handler=_collect,  # type: ignore[arg-type]  # stub is too narrow
            context=raw,
            scratch=self._scratch(),
        )
        return raw

    def scan(self, buf: bytes, starts: list[int], stops: list[int]) -> dict[int, list[Hit]]:
        """Confirmed hits (byte offsets into `buf`) per record index; records without any
        are absent. `starts[i]:stops[i]` is record i's byte range."""
        return self.confirm(self.candidates(buf), buf, starts, stops)

    def confirm(
        self, raw: list[tuple[int, int, int]], buf: bytes, starts: list[int], stops: list[int]
    ) -> dict[int, list[Hit]]:
        """Group raw matches into candidates and run each through its pattern's confirmer."""
        if not raw:
            return {}
        specs = self._set.specs
        plan = self._plan
        scan = ConfirmContext(self._region, self._types, buf)
        out: dict[int, list[Hit]] = {}
        todo: list[tuple[PatternSpec, int, list[int]]] = []
        add = todo.append
        multi: dict[tuple[int, int], list[int]] = {}
        prefiltered: dict[int, list[tuple[int, int]]] = {}
        custom: list[tuple[int, int, int]] = []
        for pid, start, end in raw:
            spec, mode, term, som = plan[pid]
            if mode == _PLAIN:
                add((spec, start if som else -1, [end - term]))
            elif mode == _PREFILTERED:
                items = prefiltered.get(pid)
                if items is None:
                    items = prefiltered[pid] = []
                items.append((start if som else -1, end - term))
            elif mode == _MULTI_END:  # group every end hyperscan reported for this (pattern, start)
                found_ends = multi.get((pid, start))
                if found_ends is None:
                    multi[(pid, start)] = [end - term]
                else:
                    found_ends.append(end - term)
            else:
                custom.append((pid, start, end))
        if custom:  # grouped like multi-end patterns, kept inside their records
            from expunge.detect.custom_candidates import custom_candidates

            multi.update(custom_candidates(custom, buf, starts, stops, self._set.custom))
        for (pid, start), ends in multi.items():
            ends.sort()
            add((specs[pid], start, ends))
        for pid, items in prefiltered.items():
            spec = specs[pid]
            todo.extend((spec, start, [end]) for start, end in _prefilter(spec, buf, items))
        # Record of each candidate (the last one starting at or before its first end byte):
        # candidates come roughly in end order, so bisect only when one leaves [a, b).
        n_records = len(starts)
        rec = lo = hi = 0
        a = b = -1
        for spec, start, ends in todo:
            x = ends[0] - 1
            if not a <= x < b:
                rec = bisect_right(starts, x) - 1
                a = starts[rec] if rec >= 0 else _FAR_LEFT
                b = starts[rec + 1] if rec + 1 < n_records else _FAR_RIGHT
                lo, hi = starts[rec], stops[rec]
            hit = spec.confirm(buf, start, ends, lo, hi, scan)
            if hit is None:
                continue
            found = out.get(rec)
            if found is None:
                found = out[rec] = []
            if type(hit) is list:  # a digit cluster can hold several findings
                found.extend(hit)
            else:
                found.append(hit)  # type: ignore[arg-type]
        return out
