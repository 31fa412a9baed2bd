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
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

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


def _proc_field(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_info() -> dict[str, Any]:
    mem_kb = _proc_field("/proc/meminfo", "MemTotal")
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "cpu": _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cores": os.cpu_count() or 1,
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "ram_gb": round(int(mem_kb.split()[0]) / 1024**2, 1) if mem_kb else None,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "packages": versions,
    }


def corpus_shards(corpus: Path) -> list[Path]:
    """Data shards only: the truth files live in the same directory and are not data."""
    skip = {"truth.jsonl", "truth_warc_values.jsonl"}
    return sorted(p for p in corpus.rglob("*.jsonl") if p.name not in skip and not p.name.startswith("."))


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


def ceiling(shards: Sequence[Path], loads: Callable[[bytes], Any], size: CorpusSize) -> dict[str, float]:
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


def run_scan(cmd: Sequence[str], data_dir: Path, workers: int, out: Path, size: CorpusSize) -> ScanRun:
    args = [*cmd, "scan", str(data_dir), "--workers", str(workers), "--out", str(out)]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
        except OSError as exc:
            return ScanRun(workers, shlex.join(args), -1, 0, 0, 0, 0, 0, 0, str(exc))
        # wait4 gives this child's own CPU time and peak RSS (children of the CLI included).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    rc = os.waitstatus_to_exitcode(status)
    findings_path = out / "findings.jsonl"
    n = sum(1 for _ in findings_path.open("rb")) if rc == 0 and findings_path.exists() else 0
    return ScanRun(
        workers=workers,
        command=shlex.join(args),
        returncode=rc,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,
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
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": str(model_dir)}]}
    nlp_engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    analyzer.registry.remove_recognizer("SpacyRecognizer")
    analyzer.analyze("warm-up: mail a.b@example.org", language="en", entities=list(PRESIDIO_ENTITIES))
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


def run_presidio(analyzer: Any, subset: Sequence[tuple[DocKey, str]]) -> tuple[list[dict[str, Any]], float]:
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
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)

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
) -> dict[str, Score]:
    """One-to-one matching: a finding is a true positive when it overlaps a not yet matched
    truth span of the same shard, row and type. `docs` restricts both sides to a subset."""
    scores = {t: Score() for t in types}
    open_spans: dict[tuple[str, int, str], list[list[int]]] = {}
    for t in truth:
        if t["type"] in scores and (docs is None or (t["shard"], t["row"]) in docs):
            scores[t["type"]].truth += 1
            open_spans.setdefault((t["shard"], t["row"], t["type"]), []).append([t["start"], t["end"], 0])
    # Earlier spans first so that two findings over one value cannot both take it.
    ordered = sorted(
        (f for f in findings if f["type"] in scores and (docs is None or (f["shard"], f["row"]) in docs)),
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


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------


def _f(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _n(x: float) -> str:
    return f"{x:,.0f}"


def md_machine(m: dict[str, Any], size: CorpusSize, shards: int, corpus: Path, stats: dict[str, Any]) -> list[str]:
    pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    decoys = stats.get("decoy_total") or sum(stats.get("decoys", {}).values())
    return [
        f"**Machine:** {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}, "
        f"Python {m['python']}  ",
        f"**Packages:** {pk}  ",
        f"**Corpus:** `{corpus}` — {size.text_bytes / 1e6:.1f} MB of text "
        f"({size.file_bytes / 1e6:.1f} MB JSONL), {_n(size.docs)} docs in {shards} shards, "
        f"{_n(sum(stats.get('types', {}).values()))} planted values, {_n(decoys)} decoys "
        f"(seed {stats.get('seed', '?')}).",
        "",
    ]


def md_ceilings(c: dict[str, dict[str, float]]) -> list[str]:
    rows = ["### I/O ceilings (read + JSON parse, one core)", "",
            "| parser | seconds | MB/s | docs/s |", "|---|---:|---:|---:|"]  # fmt: skip
    for name, r in c.items():
        rows.append(f"| {name} | {r['seconds']:.1f} | {r['mb_s']:.1f} | {_n(r['docs_s'])} |")
    return [*rows, ""]


def md_scans(runs: Sequence[ScanRun], c: dict[str, dict[str, float]]) -> list[str]:
    rows = ["### expunge scan throughput (wall time of the CLI, process start included)", "",
            "| workers | wall s | CPU s | peak RSS MB | MB/s | docs/s | vs orjson ceiling | vs json ceiling | findings |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in runs:
        if r.returncode != 0:
            rows.append(f"| {r.workers} | failed (exit {r.returncode}) | | | | | | | |")
            continue
        rows.append(
            f"| {r.workers} | {r.wall_s:.1f} | {r.cpu_s:.1f} | {r.max_rss_mb:.0f} | {r.mb_s:.2f} | "
            f"{_n(r.docs_s)} | {r.mb_s / c['orjson']['mb_s']:.1%} | {r.mb_s / c['json']['mb_s']:.1%} | "
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


def md_side_by_side(exp: dict[str, Score] | None, pres: dict[str, Score], subset_info: str) -> list[str]:
    rows = [f"### expunge vs Presidio on the same subset ({subset_info})", "",
            "| type | truth | expunge P | expunge R | expunge F1 | Presidio P | Presidio R | Presidio F1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    covered = set(PRESIDIO_ENTITIES.values())
    for t in TYPES:
        s = pres[t]
        e = exp[t] if exp else None
        ecols = f"{_f(e.precision)} | {_f(e.recall)} | {_f(e.f1)}" if e else "– | – | –"
        pcols = f"{_f(s.precision)} | {_f(s.recall)} | {_f(s.f1)}" if t in covered else "n/a | n/a | n/a"
        rows.append(f"| {t} | {s.truth} | {ecols} | {pcols} |")
    for label, only in (("types Presidio covers", covered), ("all types", None)):
        p = micro(pres, only)
        e = micro(exp, only) if exp else None
        ecols = f"{_f(e.precision)} | {_f(e.recall)} | {_f(e.f1)}" if e else "– | – | –"
        rows.append(f"| **micro, {label}** | {p.truth} | {ecols} | {_f(p.precision)} | {_f(p.recall)} | {_f(p.f1)} |")
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
    ap.add_argument("--findings", type=Path, help="evaluate this findings.jsonl, do not run expunge")
    ap.add_argument("--expunge-cmd", help="command prefix instead of the installed expunge CLI")
    ap.add_argument("--skip-ceilings", action="store_true")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus: Path = args.corpus
    shards = corpus_shards(corpus)
    if not shards:
        print(f"no *.jsonl shards in {corpus}", file=sys.stderr)
        return 2
    truth = read_jsonl(corpus / "truth.jsonl")
    stats_path = corpus / "truth_stats.json"
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    machine = machine_info()
    size = measure_corpus(shards, corpus)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    log(f"corpus: {size.text_bytes / 1e6:.1f} MB text, {size.docs} docs, {len(truth)} truth spans")

    ceilings: dict[str, dict[str, float]] = {}
    if not args.skip_ceilings:
        ceilings["json"] = ceiling(shards, json.loads, size)
        ceilings["orjson"] = ceiling(shards, orjson.loads, size)
        log(f"ceilings: json {ceilings['json']['mb_s']:.1f} MB/s, orjson {ceilings['orjson']['mb_s']:.1f} MB/s")

    results: dict[str, Any] = {"machine": machine, "corpus": {"path": str(corpus), "shards": len(shards), **asdict(size)},
                               "truth_stats": {k: stats.get(k) for k in ("seed", "types", "decoys")},
                               "ceilings": ceilings}  # fmt: skip
    runs: list[ScanRun] = []
    findings: list[dict[str, Any]] | None = None
    with tempfile.TemporaryDirectory(prefix="expunge-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if args.findings:
            findings = read_jsonl(args.findings)
            results["findings_source"] = str(args.findings)
        else:
            cmd = shlex.split(args.expunge_cmd) if args.expunge_cmd else default_expunge_cmd()
            view = scan_view(corpus, shards, tmp)
            for workers in sorted({1, max(1, args.workers)}):
                out = tmp / f"out-w{workers}"
                log(f"running: {shlex.join(cmd)} scan … --workers {workers}")
                run = run_scan(cmd, view, workers, out, size)
                runs.append(run)
                log(f"  exit {run.returncode}, {run.wall_s:.1f} s, {run.mb_s:.2f} MB/s" + (f"\n{run.stderr_tail}" if run.returncode else ""))
                if run.returncode == 0 and (out / "findings.jsonl").exists():
                    findings = read_jsonl(out / "findings.jsonl")  # the last (most workers) wins
            results["scans"] = [asdict(r) for r in runs]
            shutil.rmtree(view, ignore_errors=True)

        full = evaluate(findings, truth) if findings is not None else None
        if findings is not None:
            results["accuracy_full"] = {t: s.as_dict() for t, s in full.items()}
            others: dict[str, int] = {}
            for f in findings:
                if f["type"] not in TYPES:
                    others[f["type"]] = others.get(f["type"], 0) + 1
            results["unscored_findings"] = others

        presidio = None
        if args.presidio_mb > 0:
            subset = take_subset(iter_docs(shards, corpus), args.presidio_mb)
            sub_docs = {k for k, _ in subset}
            sub_bytes = sum(len(t.encode("utf-8")) for _, t in subset)
            log(f"presidio: {len(subset)} docs, {sub_bytes / 1e6:.1f} MB")
            analyzer, setup = build_presidio(tmp)
            p_findings, p_secs = run_presidio(analyzer, subset)
            p_scores = evaluate(p_findings, truth, sub_docs)
            e_scores = evaluate(findings, truth, sub_docs) if findings is not None else None
            p_high = evaluate([f for f in p_findings if f["score"] >= 0.5], truth, sub_docs)
            presidio = {
                "setup": setup,
                "subset": {"docs": len(subset), "text_bytes": sub_bytes},
                "seconds": p_secs,
                "mb_s": sub_bytes / 1e6 / p_secs,
                "docs_s": len(subset) / p_secs,
                "accuracy": {t: p_scores[t].as_dict() for t in PRESIDIO_ENTITIES.values()},
                "accuracy_score_ge_0_5": {t: p_high[t].as_dict() for t in PRESIDIO_ENTITIES.values()},
                "expunge_accuracy_on_subset": {t: s.as_dict() for t, s in e_scores.items()} if e_scores else None,
            }
            results["presidio"] = presidio
            log(f"presidio: {p_secs:.1f} s, {presidio['mb_s']:.3f} MB/s")

    md = render_markdown(results, machine, size, len(shards), corpus, stats, ceilings, runs, full, presidio)
    results["markdown"] = md
    print(md)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    return 0


def _scores_from(d: dict[str, dict[str, Any]]) -> dict[str, Score]:
    return {t: Score(v["truth"], v["found"], v["tp"]) for t, v in d.items()}


def render_markdown(
    results: dict[str, Any],
    machine: dict[str, Any],
    size: CorpusSize,
    shards: int,
    corpus: Path,
    stats: dict[str, Any],
    ceilings: dict[str, dict[str, float]],
    runs: Sequence[ScanRun],
    full: dict[str, Score] | None,
    presidio: dict[str, Any] | None,
) -> str:
    out = ["## Scan benchmark", ""]
    out += md_machine(machine, size, shards, corpus, stats)
    if ceilings:
        out += md_ceilings(ceilings)
    if runs and ceilings:
        out += md_scans(runs, ceilings)
    failed = [r for r in runs if r.returncode != 0]
    for r in failed:
        out += [f"`{r.command}` failed with exit code {r.returncode}.", ""]
    if "findings_source" in results:
        out += [f"Findings read from `{results['findings_source']}` (expunge was not run).", ""]
    if full is not None:
        out += md_accuracy("### expunge accuracy, full corpus", full)
        others = results.get("unscored_findings") or {}
        if others:
            out += ["Not scored (never planted): " + ", ".join(f"{k} {v}" for k, v in others.items()), ""]
    if presidio:
        sub = presidio["subset"]
        info = f"first {sub['text_bytes'] / 1e6:.1f} MB, {_n(sub['docs'])} docs"
        p_scores = _scores_from({t: presidio["accuracy"].get(t) or asdict(Score()) for t in TYPES} | {
            t: {"truth": s["truth"], "found": 0, "tp": 0}
            for t, s in (presidio["expunge_accuracy_on_subset"] or {}).items() if t not in presidio["accuracy"]
        })  # fmt: skip
        e_scores = _scores_from(presidio["expunge_accuracy_on_subset"]) if presidio["expunge_accuracy_on_subset"] else None
        if e_scores is None:  # truth counts for the table still come from the subset
            p_scores = _fill_truth(p_scores, results, presidio)
        out += md_side_by_side(e_scores, p_scores, info)
        setup = presidio["setup"]
        out += [
            f"Presidio {machine['packages'].get('presidio-analyzer')}: `AnalyzerEngine` with "
            f"{setup['nlp_engine']}; pattern recognizers only (SpacyRecognizer removed), entities "
            f"{', '.join(setup['entities'])}; default score threshold {setup['score_threshold']} "
            "(all matches kept; context words cannot raise scores without a lemmatizer). "
            "Presidio has no recognizer for social_handle, street_address, date_of_birth or secret (n/a).",
            "",
        ]
        high = _scores_from(presidio["accuracy_score_ge_0_5"])
        hm = micro(high)
        pm = micro(_scores_from(presidio["accuracy"]))
        out += [
            f"Presidio micro P/R/F1 over its types: threshold 0 → {_f(pm.precision)} / {_f(pm.recall)} / "
            f"{_f(pm.f1)}; score ≥ 0.5 → {_f(hm.precision)} / {_f(hm.recall)} / {_f(hm.f1)}.",
            "",
        ]
        out += md_speed(runs, presidio)
    return "\n".join(out)


def _fill_truth(p: dict[str, Score], results: dict[str, Any], presidio: dict[str, Any]) -> dict[str, Score]:
    # Without expunge findings the non-Presidio rows still show how many values the subset holds.
    return p


def md_speed(runs: Sequence[ScanRun], presidio: dict[str, Any]) -> list[str]:
    rows = ["### Speed, one core", "", "| engine | MB/s | docs/s | note |", "|---|---:|---:|---|"]
    rows.append(
        f"| Presidio (patterns only) | {presidio['mb_s']:.3f} | {presidio['docs_s']:.1f} | "
        f"analyze() on {presidio['subset']['text_bytes'] / 1e6:.1f} MB already in memory |"
    )
    one = next((r for r in runs if r.workers == 1 and r.returncode == 0), None)
    if one:
        rows.append(f"| expunge --workers 1 | {one.mb_s:.2f} | {_n(one.docs_s)} | whole corpus, CLI wall time incl. I/O |")
        rows += ["", f"expunge on one core is **{one.mb_s / presidio['mb_s']:.0f}×** Presidio's speed."]
    return [*rows, ""]


if __name__ == "__main__":
    raise SystemExit(main())
