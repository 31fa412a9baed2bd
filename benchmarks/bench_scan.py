"""Measure expunge against the benchmark corpus and print a section for BENCHMARKS.md.

    python benchmarks/bench_scan.py --corpus bench-data/corpus --json bench-data/results.json

In one run, on this machine:
1. I/O ceilings: read + JSON-parse the shards with stdlib json and with orjson.
2. `expunge scan` with --workers 1 and --workers <cores>: wall time, MB/s, docs/s.
3. Presidio's AnalyzerEngine, pattern recognizers only, on the first --presidio-mb MB.
4. Precision / recall / F1 per type against truth.jsonl, for expunge on the whole corpus and
   for both tools on the Presidio subset.

MB means 1e6 bytes of UTF-8 text (the `text` fields), not of files.
`--findings FILE` evaluates an existing findings.jsonl instead of running the CLI;
`--expunge-cmd` replaces the command (e.g. to try the harness against a stand-in).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
from _machine import machine_info as shared_machine_info

# Planted types (person is never planted, so it cannot be scored).
TYPES: tuple[str, ...] = (
    "email", "phone", "credit_card", "iban", "ip_address", "us_ssn", "url", "social_handle",
    "street_address", "date_of_birth", "crypto_wallet", "secret",
)  # fmt: skip
PRESIDIO_ENTITIES: dict[str, str] = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "CREDIT_CARD": "credit_card",
    "IBAN_CODE": "iban",
    "IP_ADDRESS": "ip_address",
    "US_SSN": "us_ssn",
    "URL": "url",
    "CRYPTO": "crypto_wallet",
}
PACKAGES = ("expunge", "orjson", "zstandard", "pyarrow", "hyperscan", "google-re2", "phonenumbers",
            "selectolax", "presidio-analyzer", "spacy", "faker")  # fmt: skip

DocKey = tuple[str, int]  # (shard, row)

# --------------------------------------------------------------------------------------------
# Machine and corpus
# --------------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    return shared_machine_info(PACKAGES)


def corpus_shards(corpus: Path) -> list[Path]:
    """Data shards only: the truth files live in the same directory and are not data."""
    # Side files: truth.jsonl by name, the rest start with "_" (as expunge's discovery skips).
    return sorted(
        p
        for p in corpus.rglob("*.jsonl")
        if p.name != "truth.jsonl" and not p.name.startswith((".", "_"))
    )


def iter_docs(shards: Sequence[Path], corpus: Path) -> Iterator[tuple[DocKey, str]]:
    for path in shards:
        name = path.relative_to(corpus).as_posix()
        with path.open("rb") as fh:
            for row, line in enumerate(fh):
                yield (name, row), orjson.loads(line)["text"]


@dataclass
class CorpusSize:
    docs: int
    text_bytes: int
    file_bytes: int


def measure_corpus(shards: Sequence[Path], corpus: Path) -> CorpusSize:
    # This pass also warms the page cache, so the ceilings below measure parsing, not the disk.
    docs = text = 0
    for _, t in iter_docs(shards, corpus):
        docs += 1
        text += len(t.encode("utf-8"))
    return CorpusSize(docs, text, sum(p.stat().st_size for p in shards))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as fh:
        return [orjson.loads(line) for line in fh if line.strip()]


# --------------------------------------------------------------------------------------------
# 1. I/O ceilings
# --------------------------------------------------------------------------------------------


def ceiling(
    shards: Sequence[Path], loads: Callable[[bytes], Any], size: CorpusSize
) -> dict[str, float]:
    t0 = time.perf_counter()
    n = 0
    for path in shards:
        with path.open("rb") as fh:
            for line in fh:
                # Touch the field like a reader would; sizes were counted once beforehand.
                n += len(loads(line)["text"]) > 0
    secs = time.perf_counter() - t0
    return {"seconds": secs, "mb_s": size.text_bytes / 1e6 / secs, "docs_s": size.docs / secs}


# --------------------------------------------------------------------------------------------
# 2. expunge scan
# --------------------------------------------------------------------------------------------


def default_expunge_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "expunge"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "expunge.cli"]


def scan_view(corpus: Path, shards: Sequence[Path], where: Path) -> Path:
    """A directory with only the data shards (hard links, else symlinks), so the scan does not
    read truth.jsonl; shard names relative to it are the same as relative to the corpus."""
    view = where / "scan-view"
    for path in shards:
        dst = view / path.relative_to(corpus)
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dst)
        except OSError:
            dst.symlink_to(path.resolve())
    return view


@dataclass
class ScanRun:
    workers: int
    command: str
    returncode: int
    wall_s: float
    cpu_s: float
    max_rss_mb: float
    mb_s: float
    docs_s: float
    findings: int
    stderr_tail: str


def group_usage(pgid: int) -> dict[int, tuple[float, int]]:
    """CPU seconds (user + system) and RSS bytes of each live process in a process group.

    rusage would miss pool workers that the CLI does not reap itself (forkserver children),
    so the whole group is sampled from /proc instead."""
    tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    out: dict[int, tuple[float, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        # Fields after "(comm)": state ppid pgrp ... utime(14) stime(15) ... rss(24), 1-based.
        f = raw[raw.rindex(")") + 2 :].split()
        if int(f[2]) == pgid:
            out[int(entry.name)] = ((int(f[11]) + int(f[12])) / tick, int(f[21]) * page)
    return out


def sample_group(pgid: int, stop: threading.Event, cpu: dict[int, float], rss: list[int]) -> None:
    """Until `stop`: keep each process's latest CPU seconds and the peak of summed RSS."""
    while not stop.is_set():
        snap = group_usage(pgid)
        for pid, (secs, _) in snap.items():
            cpu[pid] = max(cpu.get(pid, 0.0), secs)
        rss[0] = max(rss[0], sum(r for _, r in snap.values()))
        stop.wait(0.1)


def run_scan(
    cmd: Sequence[str], data_dir: Path, workers: int, out: Path, size: CorpusSize
) -> ScanRun:
    args = [*cmd, "scan", str(data_dir), "--workers", str(workers), "--out", str(out)]
    cpu: dict[int, float] = {}
    peak_rss = [0]
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        try:
            # A new session makes the CLI and all its workers one process group to sample.
            proc = subprocess.Popen(
                args, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
            )
        except OSError as exc:
            return ScanRun(workers, shlex.join(args), -1, 0, 0, 0, 0, 0, 0, str(exc))
        # Sampling runs beside the wait so that wall time is not rounded to the sample period.
        stop = threading.Event()
        sampler = threading.Thread(target=sample_group, args=(proc.pid, stop, cpu, peak_rss))
        sampler.start()
        proc.wait()
        wall = time.perf_counter() - t0
        stop.set()
        sampler.join()
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    rc = proc.returncode
    findings_path = out / "findings.jsonl"
    n = sum(1 for _ in findings_path.open("rb")) if rc == 0 and findings_path.exists() else 0
    return ScanRun(
        workers=workers,
        command=shlex.join(args),
        returncode=rc,
        wall_s=wall,
        cpu_s=sum(cpu.values()),
        max_rss_mb=peak_rss[0] / 1e6,
        mb_s=size.text_bytes / 1e6 / wall,
        docs_s=size.docs / wall,
        findings=n,
        stderr_tail=tail if rc != 0 else "",
    )


# --------------------------------------------------------------------------------------------
# 3. Presidio
# --------------------------------------------------------------------------------------------


def build_presidio(tmp: Path) -> tuple[Any, dict[str, Any]]:
    """AnalyzerEngine with pattern recognizers only.

    No NER model can be downloaded here, so the spaCy engine gets a blank English pipeline
    saved to disk (tokenizer only); SpacyRecognizer, which would read its empty NER output, is
    removed. Without a lemmatizer Presidio's context enhancer never fires, which only changes
    scores — with the default threshold of 0 every pattern match is returned anyway.
    """
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # tldextract (used by the email recognizer) tries to fetch the public suffix list once and
    # logs a traceback when offline before falling back to its bundled copy.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

    t0 = time.perf_counter()
    model_dir = tmp / "spacy-blank-en"
    spacy.blank("en").to_disk(model_dir)
    config = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": str(model_dir)}],
    }
    nlp_engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    analyzer.registry.remove_recognizer("SpacyRecognizer")
    analyzer.analyze(
        "warm-up: mail a.b@example.org", language="en", entities=list(PRESIDIO_ENTITIES)
    )
    setup = {
        "nlp_engine": "spacy, blank('en') pipeline saved to a temp dir (tokenizer only)",
        "recognizers": sorted({r.name for r in analyzer.get_recognizers("en")}),
        "entities": list(PRESIDIO_ENTITIES),
        "score_threshold": analyzer.default_score_threshold,
        "load_seconds": round(time.perf_counter() - t0, 2),
    }
    return analyzer, setup


def take_subset(docs: Iterable[tuple[DocKey, str]], mb: float) -> list[tuple[DocKey, str]]:
    """The first documents, in shard and row order, until `mb` MB of text."""
    out, total = [], 0
    for key, text in docs:
        if total >= mb * 1e6:
            break
        out.append((key, text))
        total += len(text.encode("utf-8"))
    return out


def run_presidio(
    analyzer: Any, subset: Sequence[tuple[DocKey, str]]
) -> tuple[list[dict[str, Any]], float]:
    entities = list(PRESIDIO_ENTITIES)
    findings: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    for (shard, row), text in subset:
        for r in analyzer.analyze(text, language="en", entities=entities):
            findings.append({
                "shard": shard, "row": row, "type": PRESIDIO_ENTITIES[r.entity_type],
                "start": r.start, "end": r.end, "score": r.score,
            })  # fmt: skip
    return findings, time.perf_counter() - t0


# --------------------------------------------------------------------------------------------
# 4. Accuracy
# --------------------------------------------------------------------------------------------


@dataclass
class Score:
    truth: int = 0
    found: int = 0
    tp: int = 0

    @property
    def fp(self) -> int:
        return self.found - self.tp

    @property
    def fn(self) -> int:
        return self.truth - self.tp

    @property
    def precision(self) -> float | None:
        return self.tp / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.truth if self.truth else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return (
            2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "truth": self.truth, "found": self.found, "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
        }  # fmt: skip


def evaluate(
    findings: Iterable[dict[str, Any]],
    truth: Iterable[dict[str, Any]],
    docs: set[DocKey] | None = None,
    types: Sequence[str] = TYPES,
    false_positives: list[dict[str, Any]] | None = None,
) -> dict[str, Score]:
    """One-to-one matching: a finding is a true positive when it overlaps a not yet matched
    truth span of the same shard, row and type. `docs` restricts both sides to a subset;
    false positives are appended to `false_positives` when it is given."""
    scores = {t: Score() for t in types}
    open_spans: dict[tuple[str, int, str], list[list[int]]] = {}
    for t in truth:
        if t["type"] in scores and (docs is None or (t["shard"], t["row"]) in docs):
            scores[t["type"]].truth += 1
            open_spans.setdefault((t["shard"], t["row"], t["type"]), []).append(
                [t["start"], t["end"], 0]
            )
    # Earlier spans first so that two findings over one value cannot both take it.
    ordered = sorted(
        (
            f
            for f in findings
            if f["type"] in scores and (docs is None or (f["shard"], f["row"]) in docs)
        ),
        key=lambda f: (f["shard"], f["row"], f["type"], f["start"], f["end"]),
    )
    for f in ordered:
        s = scores[f["type"]]
        s.found += 1
        for span in open_spans.get((f["shard"], f["row"], f["type"]), ()):
            if not span[2] and f["start"] < span[1] and span[0] < f["end"]:
                span[2] = 1
                s.tp += 1
                break
        else:
            if false_positives is not None:
                false_positives.append(f)
    return scores


def micro(scores: dict[str, Score], only: Iterable[str] | None = None) -> Score:
    keep = set(only) if only is not None else set(scores)
    total = Score()
    for t, s in scores.items():
        if t in keep:
            total.truth += s.truth
            total.found += s.found
            total.tp += s.tp
    return total


Spans = dict[DocKey, list[tuple[str, int, int]]]


def index_spans(rows: Iterable[dict[str, Any]], key: str) -> Spans:
    out: Spans = {}
    for r in rows:
        out.setdefault((r["shard"], r["row"]), []).append((r[key], r["start"], r["end"]))
    return out


def fp_causes(
    fps: Iterable[dict[str, Any]], truth: Spans, decoys: Spans
) -> dict[str, dict[str, int]]:
    """What each false positive overlaps: a decoy (the benchmark's traps), a value of another
    type (type confusion), a value of its own type already matched (duplicate) or nothing."""
    causes: dict[str, dict[str, int]] = {}
    for f in fps:
        key = (f["shard"], f["row"])
        hit = [(k, a, b) for k, a, b in truth.get(key, ()) if f["start"] < b and a < f["end"]]
        if any(k == f["type"] for k, _, _ in hit):
            cause = "duplicate"
        elif hit:
            cause = f"inside {hit[0][0]}"
        else:
            dec = [k for k, a, b in decoys.get(key, ()) if f["start"] < b and a < f["end"]]
            cause = f"decoy {dec[0]}" if dec else "unexplained"
        per_type = causes.setdefault(f["type"], {})
        per_type[cause] = per_type.get(cause, 0) + 1
    return {t: dict(sorted(c.items(), key=lambda kv: -kv[1])) for t, c in sorted(causes.items())}


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------


def _f(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _n(x: float) -> str:
    return f"{x:,.0f}"


def md_machine(
    m: dict[str, Any], size: CorpusSize, shards: int, corpus: Path, stats: dict[str, Any]
) -> list[str]:
    pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    decoys = stats.get("decoy_total") or sum(stats.get("decoys", {}).values())
    planted = _n(sum(stats.get("types", {}).values()))
    return [
        (
            f"**Machine:** {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}, "
            f"Python {m['python']}  "
        ),
        f"**Packages:** {pk}  ",
        (
            f"**Corpus:** `{corpus}` — {size.text_bytes / 1e6:.1f} MB of text "
            f"({size.file_bytes / 1e6:.1f} MB JSONL), {_n(size.docs)} docs in {shards} shards, "
            f"{planted} planted values, {_n(decoys)} decoys "
            f"(seed {stats.get('seed', '?')})."
        ),
        "",
    ]


def md_ceilings(c: dict[str, dict[str, float]]) -> list[str]:
    rows = ["### I/O ceilings (read + JSON parse, one core)", "",
            "| parser | seconds | MB/s | docs/s |", "|---|---:|---:|---:|"]  # fmt: skip
    for name, r in c.items():
        rows.append(f"| {name} | {r['seconds']:.1f} | {r['mb_s']:.1f} | {_n(r['docs_s'])} |")
    return [*rows, ""]


def md_scans(runs: Sequence[ScanRun], c: dict[str, dict[str, float]]) -> list[str]:
    rows = [
        "### expunge scan throughput (wall time of the CLI, process start included)",
        "",
        "CPU s and RSS are sampled every 0.1 s over the CLI's process group (workers included).",
        "",
        (
            "| workers | wall s | CPU s | peak RSS MB (sum) | MB/s | docs/s | vs orjson ceiling "
            "| vs json ceiling | findings |"
        ),
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        if r.returncode != 0:
            rows.append(f"| {r.workers} | failed (exit {r.returncode}) | | | | | | | |")
            continue
        rows.append(
            f"| {r.workers} | {r.wall_s:.1f} | {r.cpu_s:.1f} | {r.max_rss_mb:.0f} | {r.mb_s:.2f} | "
            f"{_n(r.docs_s)} | {r.mb_s / c['orjson']['mb_s']:.1%} | "
            f"{r.mb_s / c['json']['mb_s']:.1%} | "
            f"{_n(r.findings)} |"
        )
    return [*rows, ""]


def md_accuracy(title: str, scores: dict[str, Score]) -> list[str]:
    rows = [title, "", "| type | truth | found | TP | FP | FN | precision | recall | F1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for t, s in [*scores.items(), ("**all (micro)**", micro(scores))]:
        rows.append(
            f"| {t} | {s.truth} | {s.found} | {s.tp} | {s.fp} | {s.fn} | "
            f"{_f(s.precision)} | {_f(s.recall)} | {_f(s.f1)} |"
        )
    return [*rows, ""]


def md_side_by_side(
    exp: dict[str, Score] | None, pres: dict[str, Score], subset_info: str
) -> list[str]:
    rows = [
        f"### expunge vs Presidio on the same subset ({subset_info})",
        "",
        (
            "| type | truth | expunge P | expunge R | expunge F1 | Presidio P | Presidio R "
            "| Presidio F1 |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    covered = set(PRESIDIO_ENTITIES.values())
    for t in TYPES:
        s = pres[t]
        e = exp[t] if exp else None
        ecols = f"{_f(e.precision)} | {_f(e.recall)} | {_f(e.f1)}" if e else "– | – | –"
        pcols = (
            f"{_f(s.precision)} | {_f(s.recall)} | {_f(s.f1)}"
            if t in covered
            else "n/a | n/a | n/a"
        )
        rows.append(f"| {t} | {s.truth} | {ecols} | {pcols} |")
    for label, only in (("types Presidio covers", covered), ("all types", None)):
        p = micro(pres, only)
        e = micro(exp, only) if exp else None
        ecols = f"{_f(e.precision)} | {_f(e.recall)} | {_f(e.f1)}" if e else "– | – | –"
        pcols = f"{_f(p.precision)} | {_f(p.recall)} | {_f(p.f1)}"
        rows.append(f"| **micro, {label}** | {p.truth} | {ecols} | {pcols} |")
    return [*rows, ""]


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--json", type=Path, help="write all results here")
    ap.add_argument("--presidio-mb", type=float, default=5.0, help="0 skips Presidio")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="the multi-worker run")
    ap.add_argument(
        "--findings", type=Path, help="evaluate this findings.jsonl, do not run expunge"
    )
    ap.add_argument("--expunge-cmd", help="command prefix instead of the installed expunge CLI")
    ap.add_argument("--skip-ceilings", action="store_true")
    return ap.parse_args(argv)


@dataclass
class PresidioResult:
    setup: dict[str, Any]
    docs: int
    text_bytes: int
    seconds: float
    scores: dict[str, Score]  # every type; only PRESIDIO_ENTITIES values are meaningful
    scores_ge_05: dict[str, Score]
    fp_causes: dict[str, dict[str, int]]
    expunge_scores: dict[str, Score] | None  # expunge on the same documents

    @property
    def mb_s(self) -> float:
        return self.text_bytes / 1e6 / self.seconds

    @property
    def docs_s(self) -> float:
        return self.docs / self.seconds

    def as_dict(self) -> dict[str, Any]:
        covered = PRESIDIO_ENTITIES.values()
        return {
            "setup": self.setup,
            "subset": {"docs": self.docs, "text_bytes": self.text_bytes},
            "seconds": self.seconds,
            "mb_s": self.mb_s,
            "docs_s": self.docs_s,
            "accuracy": {t: self.scores[t].as_dict() for t in covered},
            "accuracy_score_ge_0_5": {t: self.scores_ge_05[t].as_dict() for t in covered},
            "false_positive_causes": self.fp_causes,
            "expunge_accuracy_on_subset": (
                {t: s.as_dict() for t, s in self.expunge_scores.items()}
                if self.expunge_scores
                else None
            ),
        }


def bench_presidio(
    shards: Sequence[Path],
    corpus: Path,
    gt: GroundTruth,
    findings: Sequence[dict[str, Any]] | None,
    mb: float,
    tmp: Path,
) -> PresidioResult:
    subset = take_subset(iter_docs(shards, corpus), mb)
    docs = {k for k, _ in subset}
    analyzer, setup = build_presidio(tmp)
    p_findings, secs = run_presidio(analyzer, subset)
    fps: list[dict[str, Any]] = []
    scores = evaluate(p_findings, gt.rows, docs, false_positives=fps)
    return PresidioResult(
        setup=setup,
        docs=len(subset),
        text_bytes=sum(len(t.encode("utf-8")) for _, t in subset),
        seconds=secs,
        scores=scores,
        scores_ge_05=evaluate([f for f in p_findings if f["score"] >= 0.5], gt.rows, docs),
        fp_causes=fp_causes(fps, gt.by_doc, gt.decoys),
        expunge_scores=evaluate(findings, gt.rows, docs) if findings is not None else None,
    )


@dataclass
class GroundTruth:
    rows: list[dict[str, Any]]
    by_doc: Spans
    decoys: Spans  # empty when the corpus has no _decoys.jsonl
    stats: dict[str, Any]

    @classmethod
    def load(cls, corpus: Path) -> GroundTruth:
        rows = read_jsonl(corpus / "truth.jsonl")
        decoys = corpus / "_decoys.jsonl"
        stats = corpus / "truth_stats.json"
        return cls(
            rows=rows,
            by_doc=index_spans(rows, "type"),
            decoys=index_spans(read_jsonl(decoys), "kind") if decoys.exists() else {},
            stats=json.loads(stats.read_text()) if stats.exists() else {},
        )


def run_expunge(
    args: argparse.Namespace, corpus: Path, shards: Sequence[Path], size: CorpusSize, tmp: Path
) -> tuple[list[ScanRun], list[dict[str, Any]] | None]:
    cmd = shlex.split(args.expunge_cmd) if args.expunge_cmd else default_expunge_cmd()
    view = scan_view(corpus, shards, tmp)
    runs: list[ScanRun] = []
    findings = None
    for workers in sorted({1, max(1, args.workers)}):
        out = tmp / f"out-w{workers}"
        _log(f"running: {shlex.join(cmd)} scan {view} --workers {workers} --out {out}")
        run = run_scan(cmd, view, workers, out, size)
        runs.append(run)
        _log(f"  exit {run.returncode}, {run.wall_s:.1f} s, {run.mb_s:.2f} MB/s")
        if run.returncode != 0:
            _log(run.stderr_tail)
        elif (out / "findings.jsonl").exists():
            findings = read_jsonl(out / "findings.jsonl")  # the run with most workers is scored
    shutil.rmtree(view, ignore_errors=True)
    return runs, findings


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus: Path = args.corpus
    shards = corpus_shards(corpus)
    if not shards:
        _log(f"no *.jsonl shards in {corpus}")
        return 2
    gt = GroundTruth.load(corpus)
    rep = Report(machine=machine_info(), corpus=corpus, shards=len(shards), stats=gt.stats,
                 size=measure_corpus(shards, corpus))  # fmt: skip
    mb = rep.size.text_bytes / 1e6
    _log(f"corpus: {mb:.1f} MB text, {rep.size.docs} docs, {len(gt.rows)} truth spans")

    if not args.skip_ceilings:
        rep.ceilings["json"] = ceiling(shards, json.loads, rep.size)
        rep.ceilings["orjson"] = ceiling(shards, orjson.loads, rep.size)
        speeds = ", ".join(f"{k} {v['mb_s']:.1f} MB/s" for k, v in rep.ceilings.items())
        _log(f"ceilings: {speeds}")

    findings: list[dict[str, Any]] | None = None
    with tempfile.TemporaryDirectory(prefix="expunge-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if args.findings:
            findings = read_jsonl(args.findings)
            rep.findings_source = str(args.findings)
        else:
            rep.runs, findings = run_expunge(args, corpus, shards, rep.size, tmp)
        if findings is not None:
            fps: list[dict[str, Any]] = []
            rep.full = evaluate(findings, gt.rows, false_positives=fps)
            rep.fp_causes = fp_causes(fps, gt.by_doc, gt.decoys)
            for f in findings:
                if f["type"] not in TYPES:
                    rep.unscored[f["type"]] = rep.unscored.get(f["type"], 0) + 1
        if args.presidio_mb > 0:
            _log(f"presidio: analysing the first {args.presidio_mb} MB")
            rep.presidio = bench_presidio(shards, corpus, gt, findings, args.presidio_mb, tmp)
            _log(f"presidio: {rep.presidio.seconds:.1f} s, {rep.presidio.mb_s:.3f} MB/s")

    md = rep.markdown()
    print(md)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = rep.as_dict() | {"markdown": md}
        args.json.write_bytes(
            orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
        )
    return 0


@dataclass
class Report:
    machine: dict[str, Any]
    corpus: Path
    shards: int
    stats: dict[str, Any]
    size: CorpusSize
    ceilings: dict[str, dict[str, float]] = field(default_factory=dict)
    runs: list[ScanRun] = field(default_factory=list)
    findings_source: str | None = None
    full: dict[str, Score] | None = None
    fp_causes: dict[str, dict[str, int]] = field(default_factory=dict)
    unscored: dict[str, int] = field(default_factory=dict)
    presidio: PresidioResult | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine,
            "corpus": {"path": str(self.corpus), "shards": self.shards, **asdict(self.size)},
            "truth_stats": {k: self.stats.get(k) for k in ("seed", "types", "decoys")},
            "ceilings": self.ceilings,
            "scans": [asdict(r) for r in self.runs],
            "findings_source": self.findings_source,
            "accuracy_full": {t: s.as_dict() for t, s in self.full.items()} if self.full else None,
            "false_positive_causes": self.fp_causes,
            "unscored_findings": self.unscored,
            "presidio": self.presidio.as_dict() if self.presidio else None,
        }

    def markdown(self) -> str:
        out = ["## Scan benchmark", ""]
        out += md_machine(self.machine, self.size, self.shards, self.corpus, self.stats)
        if self.ceilings:
            out += md_ceilings(self.ceilings)
        if self.runs and self.ceilings:
            out += md_scans(self.runs, self.ceilings)
        for r in self.runs:
            if r.returncode != 0:
                last = (r.stderr_tail.strip().splitlines() or [""])[-1]
                out += [f"`{r.command}` failed with exit code {r.returncode}: `{last}`", ""]
        if self.findings_source:
            out += [f"Findings read from `{self.findings_source}` (expunge was not run).", ""]
        if self.full is not None:
            out += md_accuracy("### expunge accuracy, full corpus", self.full)
            if self.unscored:
                out += [
                    "Not scored (never planted): "
                    + ", ".join(f"{k} {v}" for k, v in self.unscored.items()),
                    "",
                ]
            out += md_fp_causes(
                "### What expunge's false positives hit, full corpus", self.fp_causes
            )
        if self.presidio:
            out += md_presidio(self.presidio, self.machine, self.runs)
        return "\n".join(out)


def md_presidio(p: PresidioResult, machine: dict[str, Any], runs: Sequence[ScanRun]) -> list[str]:
    info = f"first {p.text_bytes / 1e6:.1f} MB, {_n(p.docs)} docs"
    out = md_side_by_side(p.expunge_scores, p.scores, info)
    setup = p.setup
    covered = PRESIDIO_ENTITIES.values()
    pm, hm = micro(p.scores, covered), micro(p.scores_ge_05, covered)
    note = (
        f"Presidio {machine['packages'].get('presidio-analyzer')}: `AnalyzerEngine` with "
        f"{setup['nlp_engine']}; pattern recognizers only (SpacyRecognizer removed); entities "
        f"{', '.join(setup['entities'])}; default score threshold {setup['score_threshold']} "
        "(every match kept; context words cannot raise scores without a lemmatizer). "
        "Presidio has no recognizer for social_handle, street_address, date_of_birth or "
        "secret (n/a). Social profile URLs are social_handle in the truth (as expunge reports "
        "them), so Presidio's URL matches on them count as url false positives "
        "('inside social_handle' below). Micro P/R/F1 over its types: threshold 0 → "
        f"{_f(pm.precision)} / {_f(pm.recall)} / {_f(pm.f1)}; score ≥ 0.5 → "
        f"{_f(hm.precision)} / {_f(hm.recall)} / {_f(hm.f1)}."
    )
    out += [note, ""]
    out += md_fp_causes(f"### What Presidio's false positives hit ({info})", p.fp_causes)
    return out + md_speed(runs, p)


def md_fp_causes(title: str, causes: dict[str, dict[str, int]], top: int = 6) -> list[str]:
    """'decoy X' = one of the planted traps; 'inside T' = part of a value of type T;
    'duplicate' = a second finding on an already matched value; 'unexplained' = none of these."""
    if not causes:
        return []
    rows = [title, "", "| type | FP | overlaps (most frequent first) |", "|---|---:|---|"]
    for t, c in causes.items():
        shown = ", ".join(f"{k} {v}" for k, v in list(c.items())[:top])
        more = len(c) - top
        rows.append(
            f"| {t} | {sum(c.values())} | {shown}{f', … {more} more' if more > 0 else ''} |"
        )
    return [*rows, ""]


def md_speed(runs: Sequence[ScanRun], p: PresidioResult) -> list[str]:
    rows = [
        "### Speed on one core",
        "",
        "| engine | MB/s | docs/s | measured on |",
        "|---|---:|---:|---|",
    ]
    rows.append(
        f"| Presidio (patterns only) | {p.mb_s:.3f} | {p.docs_s:.1f} | "
        f"analyze() over {p.text_bytes / 1e6:.1f} MB held in memory |"
    )
    one = next((r for r in runs if r.workers == 1 and r.returncode == 0), None)
    if one:
        rows.append(
            f"| expunge --workers 1 | {one.mb_s:.2f} | {_n(one.docs_s)} "
            "| CLI wall time over the whole corpus, I/O included |"
        )
        rows += ["", f"expunge on one core: **{one.mb_s / p.mb_s:,.0f}×** Presidio's throughput."]
    return [*rows, ""]


if __name__ == "__main__":
    raise SystemExit(main())
