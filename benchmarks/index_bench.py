"""Measure the identifier index: build speed, size, incremental rebuilds and lookup latency.

Synthetic short records (the acceptance run: lookup p95 < 20 ms over >= 5M records):

    python benchmarks/index_bench.py --records 5000000

writes (once; reused while the settings match) `bench-data/index-<N>/data/shard-NNNN.jsonl`,
JSONL shards of `--shard-records` social-media-post / comment-like records of ~60-120 bytes
({"id","text"}), plus one more shard in `extra/` for the incremental step and `people.jsonl`,
a sample of records that carry an identifier. Records are assembled from pools (synthetic
first and last names, filler words, mail domains, area codes, profile sites) with one numpy
generator per shard; names and words follow a Zipf-like law, so common first names and words
have hundreds of thousands of postings. Same seed, same bytes.

The benchmark corpus (64k web documents of ~3.5 KB, `benchmarks/make_corpus.py`):

    python benchmarks/index_bench.py --corpus bench-data/corpus

Steps: full build (seconds, MB/s, records/s, index size); rebuild with nothing changed;
(synthetic) add the extra shard, rebuild, remove it, rebuild (the merge cost of an incremental
rebuild); lookups one subject at a time, in process, page cache warm, without and with the
dataset check (`check_current`: a stat per shard when mtimes are unchanged); one
`expunge find --subject S --index IDX DATASET` CLI call (wall time of the process). Subjects:
3/4 drawn from the data (a name and an email / phone / handle / profile URL of one record),
1/4 made-up people who are not in it. MB means bytes of shard files. Prints a Markdown section
and writes `--json` (default: results.json next to the data).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing as mp
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from expunge.errors import ExpungeError
from expunge.index import IndexStats, build_index, lookup
from expunge.subject import SubjectProfile, parse_subject

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _machine import machine_info

# ------------------------------------------------------------------------- synthetic records

_CONSONANTS = "b c d f g h j k l m n p r s t v w z br ch dr gr kr sh st th tr".split()  # noqa: SIM905
_VOWELS = "a e i o u ai ea ie io ou".split()  # noqa: SIM905
_FILLER = (  # noqa: SIM905 - a list literal of 100 words is 100 lines
    "the a to and of is in it that for you this with on was are be have not but just so at my "
    "your we they what all about out like get one can if do now time new more day good great "
    "love really think people going know here there when today still back need much thanks "
    "lol yes no why how who best ever never again sure right post thread update video photo "
    "pic link game team work home night week year life world news story wow omg agree nice "
    "cool awesome amazing terrible funny sad happy hope soon later tomorrow"
).split()
_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "proton.me", "example.com", "web.de",
            "fastmail.fm", "hotmail.co.uk", "mail.example.org", "icloud.com")  # fmt: skip
_AREAS = (206, 212, 213, 303, 305, 312, 404, 415, 503, 512, 602, 617, 646, 702, 713, 718)
_SITES = ("https://twitter.com/{}", "https://www.instagram.com/{}/", "https://github.com/{}",
          "https://x.com/{}", "https://www.tiktok.com/@{}")  # fmt: skip
# Record shapes: (probability, profile key of the identifier it carries, or "").
_TEMPLATES = (
    (0.24, ""),  # First Last: filler
    (0.30, ""),  # Filler.
    (0.10, ""),  # Thanks First! filler
    (0.10, "handles"),  # filler @handle filler
    (0.08, "emails"),  # First here, write to first.last12@domain filler
    (0.07, "phones"),  # filler call First Last on (212) 734-2291
    (0.06, "urls"),  # filler https://site/handle
    (0.05, "handles"),  # First Last (@handle) filler
)
SAMPLE_EVERY = 97  # one record with an identifier in this many goes to people.jsonl
DATA_VERSION = 1


def _pools(seed: int) -> tuple[list[str], list[str], list[str]]:
    """(first names, last names, filler words): syllable words, unique, deterministic."""
    rng = random.Random(seed)
    taken = set(_FILLER)

    def unique(count: int, low: int, high: int) -> list[str]:
        out: list[str] = []
        while len(out) < count:
            word = "".join(
                rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(rng.randint(low, high))
            )
            if word not in taken:
                taken.add(word)
                out.append(word)
        return out

    first = [w.capitalize() for w in unique(4_000, 2, 3)]
    last = [w.capitalize() for w in unique(30_000, 2, 4)]
    return first, last, _FILLER + unique(20_000, 1, 3)


def _zipf(count: int, offset: float) -> np.ndarray:
    weights = 1.0 / (np.arange(count) + offset)
    return weights / weights.sum()


def _write_shard(job: tuple[str, int, int, int, int]) -> tuple[int, list[dict[str, Any]]]:
    """Write one shard of synthetic records. Returns (bytes, sampled people)."""
    path, number, count, seed, first_id = job
    first, last, words = _pools(seed)
    rng = np.random.default_rng([seed, number])
    f_idx = rng.choice(len(first), count, p=_zipf(len(first), 8.0)).tolist()
    l_idx = rng.choice(len(last), count, p=_zipf(len(last), 30.0)).tolist()
    shape = rng.choice(len(_TEMPLATES), count, p=[p for p, _ in _TEMPLATES]).tolist()
    length = rng.integers(5, 12, count).tolist()
    filler = rng.choice(len(words), (count, 12), p=_zipf(len(words), 2.0)).tolist()
    num = rng.integers(1, 9999, count).tolist()
    domain = rng.integers(0, len(_DOMAINS), count).tolist()
    area = rng.integers(0, len(_AREAS), count).tolist()
    exchange = rng.integers(200, 999, count).tolist()
    line = rng.integers(0, 9999, count).tolist()
    site = rng.integers(0, len(_SITES), count).tolist()
    style = rng.integers(0, 3, count).tolist()
    people: list[dict[str, Any]] = []
    name = os.path.basename(path)
    carrying = 0
    size = 0
    chunk: list[str] = []
    with open(path, "w", encoding="ascii") as out:
        for row in range(count):
            fn, ln, n = first[f_idx[row]], last[l_idx[row]], num[row]
            fill = [words[i] for i in filler[row][: length[row]]]
            kind = shape[row]
            # At most 15 characters: what X / Twitter accepts.
            handle = (fn + ln, f"{fn[0]}{ln}", f"{ln}{n}")[style[row]].lower()[:15]
            value = ""
            if kind == 0:
                text = f"{fn} {ln}: {' '.join(fill)}"
            elif kind == 1:
                text = " ".join(fill).capitalize() + "."
            elif kind == 2:
                text = f"Thanks {fn}! {' '.join(fill)}"
            elif kind == 3:
                value = "@" + handle
                half = len(fill) // 2
                text = " ".join([*fill[:half], value, *fill[half:]])
            elif kind == 4:
                value = f"{fn}.{ln}{n}@{_DOMAINS[domain[row]]}".lower()
                text = f"{fn} here, write to {value} {' '.join(fill)}"
            elif kind == 5:
                value = f"({_AREAS[area[row]]}) {exchange[row]}-{line[row]:04d}"
                text = f"{' '.join(fill)} call {fn} {ln} on {value}"
            elif kind == 6:
                value = _SITES[site[row]].format(handle)
                text = f"{' '.join(fill)} {value}"
            else:
                value = "@" + handle
                text = f"{fn} {ln} ({value}) {' '.join(fill)}"
            # Pools hold letters, digits and URL characters only: no JSON escaping needed.
            chunk.append(f'{{"id":"p{first_id + row}","text":"{text}"}}\n')
            key = _TEMPLATES[kind][1]
            if key:
                carrying += 1
                if carrying % SAMPLE_EVERY == 0:
                    people.append({"shard": name, "row": row, "name": f"{fn} {ln}",
                                   "key": key, "value": value})  # fmt: skip
            if len(chunk) == 20_000:
                size += out.write("".join(chunk))
                chunk = []
        size += out.write("".join(chunk))
    return size, people


def generate(
    out: Path, records: int, shard_records: int, seed: int, workers: int
) -> dict[str, Any]:
    """Write the synthetic dataset under `out` unless `out/info.json` says it is there."""
    info_path = out / "info.json"
    settings = {"records": records, "shard_records": shard_records, "seed": seed,
                "version": DATA_VERSION}  # fmt: skip
    if info_path.exists():
        info: dict[str, Any] = json.loads(info_path.read_text())
        if info.get("settings") == settings:
            return info
    started = time.perf_counter()
    for folder in ("data", "extra"):
        shutil.rmtree(out / folder, ignore_errors=True)
        (out / folder).mkdir(parents=True)
    shards = math.ceil(records / shard_records)
    jobs = []
    for number in range(shards + 1):  # the last one is the extra shard
        count = (
            min(shard_records, records - number * shard_records)
            if number < shards
            else shard_records
        )
        where = out / ("data" if number < shards else "extra")
        jobs.append((str(where / f"shard-{number:04d}.jsonl"), number, count, seed, number * shard_records))  # fmt: skip
    with mp.get_context("forkserver").Pool(workers) as pool:
        results = pool.map(_write_shard, jobs, chunksize=1)
    with open(out / "people.jsonl", "w") as handle:
        for _, people in results[:-1]:
            handle.writelines(json.dumps(p) + "\n" for p in people)
    info = {
        "settings": settings,
        "shards": shards,
        "records": records,
        "bytes": sum(size for size, _ in results[:-1]),
        "extra_shard": jobs[-1][0],
        "extra_records": shard_records,
        "extra_bytes": results[-1][0],
        "seconds": round(time.perf_counter() - started, 1),
    }
    info_path.write_text(json.dumps(info, indent=1))
    return info


def synthetic_subjects(
    out: Path, count: int, seed: int
) -> list[tuple[SubjectProfile, tuple[str, int] | None]]:
    """(subject, the record it was drawn from or None for an absent one)."""
    rng = random.Random(seed)
    people = [json.loads(line) for line in (out / "people.jsonl").read_text().splitlines()]
    rng.shuffle(people)
    subjects: list[tuple[SubjectProfile, tuple[str, int] | None]] = []
    for number in range(count):
        if number % 4 == 3:
            data = {"id": f"s{number}", "names": [f"Zq{number} Xv{number}"],
                    "emails": [f"nobody{number}@absent.example"]}  # fmt: skip
            subjects.append((parse_subject(data, "bench"), None))
            continue
        while True:
            p = people.pop()
            data = {"id": f"s{number}", "names": [p["name"]], p["key"]: [p["value"]]}
            try:
                subjects.append((parse_subject(data, "bench"), (p["shard"], p["row"])))
                break
            except ExpungeError:  # a value the profile parser rejects: draw another
                continue
    return subjects


# ----------------------------------------------------------------------------- corpus subjects


def corpus_subjects(
    corpus: Path, count: int, seed: int
) -> list[tuple[SubjectProfile, tuple[str, int] | None]]:
    """From the corpus truth: a planted email, phone or handle/URL plus two adjacent capitalised
    words of the same document as a name; every 4th a made-up person not in the corpus."""
    rng = random.Random(seed)
    truth = [
        json.loads(line)
        for line in (corpus / "truth.jsonl").read_text().splitlines()
        if '"email"' in line or '"phone"' in line or '"social_handle"' in line
    ]
    picks = rng.sample(truth, count)
    wanted: dict[str, set[int]] = {}
    for t in picks:
        wanted.setdefault(t["shard"], set()).add(t["row"])
    texts: dict[tuple[str, int], str] = {}
    for shard, rows in wanted.items():
        with open(corpus / shard, "rb") as handle:
            for row, line in enumerate(handle):
                if row in rows:
                    texts[(shard, row)] = json.loads(line)["text"]
    subjects: list[tuple[SubjectProfile, tuple[str, int] | None]] = []
    for number, t in enumerate(picks):
        if number % 4 == 3:  # not in the corpus
            data: dict[str, object] = {"id": f"s{number}", "names": [f"Zq{number} Xv{number}"],
                                       "emails": [f"nobody{number}@absent.example"]}  # fmt: skip
            subjects.append((parse_subject(data, "bench"), None))
            continue
        text = texts[(t["shard"], t["row"])]
        value = text[t["start"] : t["end"]]
        pairs = [
            f"{a} {b}"
            for a, b in itertools.pairwise(text.split())
            if a.isalpha() and b.isalpha() and a[0].isupper() and b[0].isupper()
        ]
        key = {"email": "emails", "phone": "phones"}.get(t["type"])
        if key is None:
            key = "handles" if value.startswith("@") else "urls"
        data = {"id": f"s{number}", "names": [rng.choice(pairs)] if pairs else [], key: [value]}
        try:
            subjects.append((parse_subject(data, "bench"), (t["shard"], t["row"])))
        except ExpungeError:  # a truth value the profile parser rejects (e.g. odd phone)
            pass
    return subjects


# ----------------------------------------------------------------------------------- measuring


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_figures(stats: IndexStats) -> dict[str, Any]:
    return {
        "seconds": round(stats.seconds, 2),
        "merge_seconds": round(stats.merge_seconds, 2),
        "built": len(stats.built),
        "reused": len(stats.reused),
        "removed": len(stats.removed),
        "records": stats.records,
        "mb": round(stats.bytes / 1e6, 1),
        "mb_per_s": round(stats.mb_per_s, 2),
        "records_per_s": round(stats.records / stats.seconds) if stats.seconds else 0,
        "entries": stats.entries,
    }


def percentiles(times: Sequence[float]) -> dict[str, float]:
    ordered = sorted(times)
    rank = max(0, math.ceil(len(ordered) * 0.95) - 1)  # nearest rank
    return {
        "p50_ms": round(statistics.median(ordered) * 1e3, 2),
        "p95_ms": round(ordered[rank] * 1e3, 2),
        "max_ms": round(ordered[-1] * 1e3, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1e3, 2),
    }


def time_lookups(
    index: Path,
    subjects: Sequence[tuple[SubjectProfile, tuple[str, int] | None]],
    dataset: str | None,
) -> dict[str, Any]:
    """One subject per lookup, in process. Also checks the answers: each present subject's
    source record is among its matches, an absent one has no strong match."""
    lookup(index, [subjects[0][0]], dataset_spec=dataset)  # warm: imports, page cache
    times: list[float] = []
    found = missed = false_strong = matches = 0
    for subject, source in subjects:
        started = time.perf_counter()
        result = lookup(index, [subject], dataset_spec=dataset)
        times.append(time.perf_counter() - started)
        matches += len(result)
        if source is None:
            false_strong += any(m.confidence == "strong" for m in result)
        elif any((m.shard, m.row) == source for m in result):
            found += 1
        else:
            missed += 1
    return {**percentiles(times), "subjects": len(subjects), "present_found": found,
            "present_missed": missed, "absent_with_strong": false_strong,
            "matches": matches}  # fmt: skip


def time_cli(index: Path, dataset: str, subject: SubjectProfile, repeat: int = 3) -> dict[str, Any]:
    """Wall time of `expunge find --subject S --index IDX DATASET`, process start included."""
    exe = Path(sys.executable).with_name("expunge")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "expunge.cli"]
    given: dict[str, list[str]] = {"names": [], "emails": [], "phones": [], "handles": [],
                                   "urls": []}  # fmt: skip
    for ident in subject.identifiers:
        key = {"name": "names", "email": "emails", "phone": "phones", "handle": "handles",
               "profile": "urls"}.get(ident.kind)  # fmt: skip
        if key and ident.given not in given[key]:
            given[key].append(ident.given)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "subject.json"
        profile.write_text(json.dumps({"id": subject.id, **{k: v for k, v in given.items() if v}}))
        for _ in range(repeat):
            started = time.perf_counter()
            done = subprocess.run(
                [*command, "find", "--subject", str(profile), "--index", str(index), dataset],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import expunge.cli, expunge.index"], check=True)
        imports = time.perf_counter() - started
    return {
        "first_s": round(times[0], 3),
        "median_s": round(statistics.median(times), 3),
        "python_and_imports_s": round(imports, 3),
        "output": done.stdout.splitlines()[0] if done.stdout else "",
    }


def run(
    label: str,
    dataset: str,
    index: Path,
    subjects: Sequence[tuple[SubjectProfile, tuple[str, int] | None]],
    workers: int | None,
    keep: bool,
    extra: Callable[[], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    if not keep:
        shutil.rmtree(index, ignore_errors=True)
    res: dict[str, Any] = {"dataset": label}
    print("building the index ...", file=sys.stderr)
    res["build"] = build_figures(build_index(dataset, index, workers=workers))
    manifest = json.loads((index / "manifest.json").read_text())
    res["index"] = {
        "bytes": dir_bytes(index),
        "shard_segments_bytes": dir_bytes(index / "shards"),
        "merged_bytes": dir_bytes(index / "merged"),
        "keys": manifest["merged"]["keys"],
        "entries": manifest["merged"]["entries"],
        "records": sum(s["rows"] for s in manifest["shards"]),
        "shards": len(manifest["shards"]),
    }
    print("rebuild, nothing changed ...", file=sys.stderr)
    res["rebuild_unchanged"] = build_figures(build_index(dataset, index, workers=workers))
    if extra is not None:
        res.update(extra())
    print(f"lookups of {len(subjects)} subjects ...", file=sys.stderr)
    res["lookup"] = time_lookups(index, subjects, None)
    res["lookup_checked"] = time_lookups(index, subjects, dataset)
    started = time.perf_counter()
    lookup(index, [s for s, _ in subjects])
    res["lookup_all_in_one_call_ms"] = round((time.perf_counter() - started) * 1e3, 1)
    print("CLI find --index ...", file=sys.stderr)
    present = next(s for s, source in subjects if source is not None)
    res["cli"] = time_cli(index, dataset, present)
    return res


def incremental(
    dataset_dir: Path, extra_shard: Path, index: Path, workers: int | None
) -> Callable[[], dict[str, Any]]:
    """Add the extra shard (hard link), rebuild; remove it, rebuild."""

    def step() -> dict[str, Any]:
        link = dataset_dir / extra_shard.name
        link.unlink(missing_ok=True)
        os.link(extra_shard, link)
        try:
            print("incremental rebuild: one shard added ...", file=sys.stderr)
            added = build_figures(build_index(str(dataset_dir), index, workers=workers))
        finally:
            link.unlink()
        print("incremental rebuild: that shard removed ...", file=sys.stderr)
        removed = build_figures(build_index(str(dataset_dir), index, workers=workers))
        return {"rebuild_added_shard": added, "rebuild_removed_shard": removed}

    return step


# ------------------------------------------------------------------------------------- report


def markdown(res: dict[str, Any], machine: dict[str, Any]) -> str:
    b, ix, lk, lc, cli = (
        res["build"],
        res["index"],
        res["lookup"],
        res["lookup_checked"],
        res["cli"],
    )
    lines = [
        "## Identifier index benchmark",
        "",
        (
            f"**Machine:** {machine['cpu']}, {machine['cores']} cores, {machine['ram_gb']} GB RAM, "
            f"Python {machine['python']} (shared machine: timings are noisy)  "
        ),
        f"**Dataset:** {res['dataset']}  ",
        (
            f"**Index:** {ix['records']:,} records in {ix['shards']} shards, {ix['keys']:,} distinct "
            f"keys, {ix['entries']:,} postings; {ix['bytes'] / 1e6:,.0f} MB on disk "
            f"({ix['merged_bytes'] / 1e6:,.0f} MB merged segment, "
            f"{ix['shard_segments_bytes'] / 1e6:,.0f} MB per-shard segments)"
        ),
        "",
        "| build step | seconds | of which merge s | shards indexed | MB/s | records/s |",
        "|---|---:|---:|---:|---:|---:|",
        (
            f"| full build | {b['seconds']:.1f} | {b['merge_seconds']:.1f} | {b['built']} | "
            f"{b['mb_per_s']:.1f} | {b['records_per_s']:,} |"
        ),
    ]
    for key, what in (("rebuild_unchanged", "rebuild, nothing changed"),
                      ("rebuild_added_shard", "incremental: one shard added"),
                      ("rebuild_removed_shard", "incremental: that shard removed")):  # fmt: skip
        if key in res:
            r = res[key]
            speed = f"{r['mb_per_s']:.1f} | {r['records_per_s']:,}" if r["built"] else "- | -"
            lines.append(f"| {what} | {r['seconds']:.2f} | {r['merge_seconds']:.2f} | "
                         f"{r['built']} | {speed} |")  # fmt: skip
    lines += [
        "",
        (
            f"Lookups, one subject per call, in process, {lk['subjects']} subjects (3/4 present, "
            "1/4 absent), page cache warm:"
        ),
        "",
        "| lookup | p50 ms | p95 ms | max ms | mean ms |",
        "|---|---:|---:|---:|---:|",
        f"| index only | {lk['p50_ms']} | {lk['p95_ms']} | {lk['max_ms']} | {lk['mean_ms']} |",
        (
            f"| with the dataset check (stat per shard) | {lc['p50_ms']} | {lc['p95_ms']} | "
            f"{lc['max_ms']} | {lc['mean_ms']} |"
        ),
        "",
        (
            f"Present subjects whose source record was found: {lk['present_found']} of "
            f"{lk['present_found'] + lk['present_missed']}; absent subjects with a strong match: "
            f"{lk['absent_with_strong']}. All {lk['subjects']} subjects in one call: "
            f"{res['lookup_all_in_one_call_ms']} ms."
        ),
        "",
        (
            f"CLI `expunge find --subject S --index IDX DATASET`: {cli['first_s']:.2f} s first call, "
            f"{cli['median_s']:.2f} s median of 3 (Python start + imports alone: "
            f"{cli['python_and_imports_s']:.2f} s). It printed: `{cli['output']}`"
        ),
    ]
    if "expunge_find_full_scan_s" in res:
        lines.append(
            f"\nFull `expunge find` scan of the same data: {res['expunge_find_full_scan_s']:.1f} s."
        )
    return "\n".join(lines) + "\n"


def full_find(shards: str, subject: SubjectProfile, workers: int | None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "s.json"
        profile.write_text(
            json.dumps({"emails": [i.given for i in subject.of_kind("email")] or ["a@b.example"]})
        )
        command = [sys.executable, "-m", "expunge.cli", "find", shards,
                   "--subject", str(profile), "--out", str(Path(tmp) / "out")]  # fmt: skip
        if workers:
            command += ["--workers", str(workers)]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--records", type=int, default=None, help="synthetic mode: this many records"
    )
    parser.add_argument("--shard-records", type=int, default=250_000)
    parser.add_argument(
        "--data", type=Path, default=None, help="synthetic data dir (default bench-data/index-<N>)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=Path("bench-data/corpus"))
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--subjects", type=int, default=400)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--skip-find", action="store_true", help="corpus mode: no full find scan")
    parser.add_argument("--keep", action="store_true", help="reuse an existing --index")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    if args.records:
        out = args.data or Path(f"bench-data/index-{args.records // 1000}k")
        print(f"synthetic data under {out} ...", file=sys.stderr)
        info = generate(
            out, args.records, args.shard_records, args.seed, args.workers or os.cpu_count() or 1
        )
        print(f"data: {info['records']:,} records, {info['bytes'] / 1e6:.0f} MB in {info['shards']} shards "
              f"(generated in {info['seconds']} s)", file=sys.stderr)  # fmt: skip
        index = args.index or out / "idx"
        dataset = str(out / "data")
        subjects = synthetic_subjects(out, args.subjects, 7)
        label = (f"synthetic posts, {info['records']:,} records, {info['bytes'] / 1e6:,.0f} MB JSONL "
                 f"in {info['shards']} shards of {args.shard_records:,} (seed {args.seed}; "
                 f"`--records {args.records}`)")  # fmt: skip
        step = incremental(out / "data", Path(info["extra_shard"]), index, args.workers)
        res = run(label, dataset, index, subjects, args.workers, args.keep, step)
        res["data"] = info
        json_path = args.json or out / "results.json"
    else:
        index = args.index or Path(tempfile.mkdtemp(prefix="expunge-idx-"))
        dataset = str(args.corpus / "shard-*.jsonl")
        subjects = corpus_subjects(args.corpus, args.subjects, 7)
        res = run(
            f"benchmark corpus `{args.corpus}`", dataset, index, subjects, args.workers, args.keep
        )
        if not args.skip_find:
            res["expunge_find_full_scan_s"] = round(
                full_find(dataset, subjects[0][0], args.workers), 1
            )
        json_path = args.json or args.corpus.parent / "index-results.json"
    machine = machine_info(("expunge", "numpy", "orjson", "hyperscan", "phonenumbers"))
    res["machine"] = machine
    json_path.write_text(json.dumps(res, indent=1))
    print(markdown(res, machine))
    print(f"results: {json_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
