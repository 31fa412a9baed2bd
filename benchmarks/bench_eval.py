"""Precision, recall and F1 per type on text labelled by others (issue 18), expunge against
Presidio's pattern recognizers in the same run.

    python benchmarks/bench_eval.py --sources bench-data/eval-sources --json bench-data/eval.json

The sources and what each labels are in `eval_sets.py`. A finding counts when it overlaps a
label of the same type (one label, one finding); a finding of a type the source labels that
no label overlaps is a false positive; types a source does not label are not scored there.
Both detectors run as shipped: expunge's `Detector()` (default types and phone region) and
Presidio's AnalyzerEngine with its default pattern recognizers and threshold. A third run,
`expunge --all`, also reports what names no one (links, private and documentation addresses)
and counts those as url and ip_address, as the peers who labelled these texts do.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_scan import PRESIDIO_ENTITIES, build_presidio
from eval_sets import CORPORA, Record, Span, load

from expunge.detect import Detector
from expunge.detect.entities import DEFAULT_TYPES, TECHNICAL_TYPES

TYPES = ("email", "phone", "credit_card", "iban", "ip_address", "url", "us_ssn",
         "street_address", "date_of_birth")  # fmt: skip
PRESIDIO_TYPES = frozenset(PRESIDIO_ENTITIES.values())


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    tp: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    def prf(self) -> tuple[float | None, float | None, float | None]:
        p = self.tp / self.found if self.found else None
        r = self.tp / self.gold if self.gold else None
        f = 2 * p * r / (p + r) if p and r else (0.0 if p == 0 or r == 0 else None)
        return p, r, f


Scores = dict[tuple[str, str], Score]  # (source, type) -> score


def score(records: Sequence[Record], found: Sequence[list[Span]]) -> Scores:
    out: Scores = defaultdict(Score)
    for rec, spans in zip(records, found, strict=True):
        for kind in rec.judged:
            gold = [s for s in rec.spans if s[2] == kind]
            pred = [s for s in spans if s[2] == kind]
            sc = out[(rec.source, kind)]
            sc.gold += len(gold)
            sc.found += len(pred)
            used: set[int] = set()
            for ps, pe, _ in pred:
                hit = next((i for i, (gs, ge, _) in enumerate(gold)
                            if i not in used and ps < ge and gs < pe), None)  # fmt: skip
                if hit is None:
                    sc.false.append(f"{rec.id}: {_around(rec.text, ps, pe)}")
                else:
                    used.add(hit)
                    sc.tp += 1
            sc.misses += [f"{rec.id}: {_around(rec.text, gs, ge)}"
                          for i, (gs, ge, _) in enumerate(gold) if i not in used]  # fmt: skip
    return out


def _around(text: str, s: int, e: int) -> str:
    return (text[max(0, s - 40) : s] + "[[" + text[s:e] + "]]" + text[e : e + 20]).replace(
        "\n", " "
    )


# The peers label every URL and every IP address; expunge reports the ones that name no one
# (project links, private and documentation addresses) under their own labels, when asked.
AS_PEERS_LABEL = {"url_technical": "url", "ip_technical": "ip_address"}


def run_expunge(
    records: Sequence[Record], detector: Detector, rename: dict[str, str] | None = None
) -> tuple[list[list[Span]], float]:
    t0 = time.perf_counter()
    rename = rename or {}
    found = [[(f.start, f.end, rename.get(f.type, f.type)) for f in fs]
             for fs in detector.scan_batch([r.text for r in records])]  # fmt: skip
    return found, time.perf_counter() - t0


def run_presidio(records: Sequence[Record], analyzer: Any) -> tuple[list[list[Span]], float]:
    t0 = time.perf_counter()
    entities = list(PRESIDIO_ENTITIES)
    found = [[(r.start, r.end, PRESIDIO_ENTITIES[r.entity_type])
              for r in analyzer.analyze(rec.text, language="en", entities=entities)]
             for rec in records]  # fmt: skip
    return found, time.perf_counter() - t0


def total(scores: Scores, kind: str) -> Score:
    t = Score()
    for (_, k), sc in scores.items():
        if k == kind:
            t.gold, t.found, t.tp = t.gold + sc.gold, t.found + sc.found, t.tp + sc.tp
    return t


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def table(runs: dict[str, Scores], group: Callable[[Scores, str], Score], kinds: Sequence[str],
          covers: dict[str, frozenset[str]]) -> list[str]:  # fmt: skip
    names = list(runs)
    head = "| type | labels | " + " | ".join(f"{n} P | {n} R | {n} F1" for n in names) + " |"
    rows = [head, "|---|---:|" + "---:|---:|---:|" * len(names)]
    for kind in kinds:
        cells = []
        gold = None
        for n in names:
            sc = group(runs[n], kind)
            gold = sc.gold if gold is None else gold
            if kind not in covers[n]:
                cells += ["n/a"] * 3
                continue
            p, r, f = sc.prf()
            cells += [f"{_f(p)} ({sc.tp}/{sc.found})", _f(r), _f(f)]
        if gold or any(group(runs[n], kind).found for n in names):
            rows.append(f"| {kind} | {gold} | " + " | ".join(cells) + " |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=Path, default=Path("bench-data/eval-sources"))
    parser.add_argument("--json", type=Path, help="all scores and every miss and false find")
    parser.add_argument("--no-presidio", action="store_true")
    args = parser.parse_args(argv)
    records = load(args.sources)
    if not any(r.source in CORPORA for r in records):
        print(f"no corpora under {args.sources} (run benchmarks/fetch_eval_sources.py): "
              "scoring the test suites only", file=sys.stderr)  # fmt: skip
    runs: dict[str, Scores] = {}
    seconds: dict[str, float] = {}
    covers = {"expunge": frozenset(TYPES)}
    found, seconds["expunge"] = run_expunge(records, Detector())
    runs["expunge"] = score(records, found)
    every = Detector(types=[*DEFAULT_TYPES, *TECHNICAL_TYPES])
    found, seconds["expunge --all"] = run_expunge(records, every, AS_PEERS_LABEL)
    runs["expunge --all"] = score(records, found)
    covers["expunge --all"] = covers["expunge"]
    if not args.no_presidio:
        with tempfile.TemporaryDirectory() as tmp:
            analyzer, _ = build_presidio(Path(tmp))
            found, seconds["presidio"] = run_presidio(records, analyzer)
        runs["presidio"] = score(records, found)
        covers["presidio"] = PRESIDIO_TYPES
    sources = sorted({r.source for r in records})
    lines = [f"{len(records):,} records from {', '.join(sources)}; "
             + ", ".join(f"{n} {s:.1f} s" for n, s in seconds.items()), "",
             "**All sources**", ""]  # fmt: skip
    lines += table(runs, total, TYPES, covers)
    for src in sources:
        lines += ["", f"**{src}**", ""]
        lines += table(runs, lambda sc, k, src=src: sc.get((src, k), Score()), TYPES, covers)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({
            run: {f"{s}/{k}": {"gold": sc.gold, "found": sc.found, "tp": sc.tp,
                               "misses": sc.misses, "false": sc.false}
                  for (s, k), sc in sorted(scores.items())}
            for run, scores in runs.items()
        }, indent=1, ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
