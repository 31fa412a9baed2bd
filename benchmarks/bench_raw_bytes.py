"""Real HTML pages: how often a person's email is in the markup but not in the extracted text,
and whether forget + verify remove it from the bytes that are shipped.

    python benchmarks/bench_raw_bytes.py [--html-root DIR ...] [--limit N] [--subjects K]

Input: HTML files already on this machine, written by others (default roots: /usr/share/doc,
the Python site-packages, the Rust toolchain docs; up to --limit files, sorted by path, so the
run is repeatable on one machine). They are packed into one WARC (one `response` record each,
as a crawler would store them). Per page, emails are detected (expunge's detector) in the
extracted text and in the stored record (headers + HTML source, entity and %-decoded).

Then up to --subjects emails that occur ONLY in markup are taken as people asking for removal
(in memory only: no identifier is printed or written). For each:
- text-only removal (expunge's rule before issue 12): records whose extracted text holds the
  email are dropped; how many records still hold it in their stored bytes;
- expunge forget now, then verify: records dropped, verify's result.
Only counts are printed.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _machine import machine_info
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from expunge.detect import Detector
from expunge.errors import ErrorPolicy
from expunge.executors import make_executor
from expunge.forget import forget, verify
from expunge.io import open_dataset, read_shard
from expunge.io.raw import read_raw
from expunge.records import FieldSpec
from expunge.subject import parse_subject
from expunge.subject.normalize import email_key


def default_roots() -> list[Path]:
    roots = [Path("/usr/share/doc"), Path(sys.prefix) / "lib"]
    rust = Path.home() / ".rustup" / "toolchains"
    if rust.is_dir():
        roots.append(rust)
    return [r for r in roots if r.is_dir()]


def html_files(roots: list[Path], limit: int) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        found += [p for p in root.rglob("*.htm*") if p.is_file() and p.stat().st_size > 512]
    # Spread over the roots: every k-th file of the sorted list, so one doc set does not fill it.
    found.sort()
    step = max(1, len(found) // limit)
    return found[::step][:limit]


def pack(files: list[Path], warc: Path) -> None:
    with open(warc, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number, path in enumerate(files):
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"https://docs.example/{number}.html",
                "response",
                payload=io.BytesIO(path.read_bytes()),
                http_headers=http,
            )
            writer.write_record(record)


def emails(detector: Detector, texts: list[str]) -> list[set[str]]:
    out = []
    for text, found in zip(texts, detector.scan_batch(texts), strict=True):
        keys = {email_key(text[f.start : f.end]) for f in found}
        out.append({k for k in keys if k})
    return out


def run(files: list[Path], subjects: int, work: Path) -> dict[str, Any]:
    data = work / "crawl"
    data.mkdir()
    pack(files, data / "pages.warc.gz")
    [shard] = open_dataset(str(data)).shards
    errors = ErrorPolicy("skip")
    texts = [r.text for r in read_shard(shard, FieldSpec(), errors)]
    stored = [r.text for r in read_raw(shard, FieldSpec(), ErrorPolicy("skip"))]
    detector = Detector(types=["email"])
    in_text, in_stored = emails(detector, texts), emails(detector, stored)
    only_markup = [s - t for s, t in zip(in_stored, in_text, strict=True)]
    pages_with_markup_only = sum(1 for m in only_markup if m)
    candidates = sorted({e for m in only_markup for e in m})[:subjects]
    executor = make_executor("local", 1)
    per_subject = []
    for number, email in enumerate(candidates):
        profile = parse_subject({"id": f"s{number}", "emails": [email]}, f"s{number}")
        text_rows = {i for i, t in enumerate(in_text) if email in t}
        left_by_text_only = sum(
            1 for i, s in enumerate(in_stored) if email in s and i not in text_rows
        )
        out = work / f"v{number}"
        started = time.perf_counter()
        manifest = forget(open_dataset(str(data)), [profile], out, executor)
        seconds = time.perf_counter() - started
        report = verify(out, executor, [profile])
        per_subject.append(
            {
                "records_holding": sum(1 for s in in_stored if email in s),
                "left_by_text_only_removal": left_by_text_only,
                "dropped_now": manifest["totals"]["records_dropped"],
                "verify": report["result"],
                "forget_seconds": round(seconds, 2),
            }
        )
    return {
        "pages": len(texts),
        "pages_with_email_in_text": sum(1 for t in in_text if t),
        "pages_with_email_in_stored_bytes": sum(1 for s in in_stored if s),
        "pages_with_email_only_in_markup": pages_with_markup_only,
        "subjects": per_subject,
        "warc_bytes": (data / "pages.warc.gz").stat().st_size,
    }


def markdown(res: dict[str, Any], info: dict[str, Any], roots: list[Path]) -> str:
    subjects = res["subjects"]
    left = sum(s["left_by_text_only_removal"] for s in subjects)
    holding = sum(s["records_holding"] for s in subjects)
    passed = sum(s["verify"] == "pass" for s in subjects)
    dropped = sum(s["dropped_now"] for s in subjects)
    return "\n".join(
        [
            (
                f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}. Input: "
                f"{res['pages']} HTML pages written by others, found on this machine under "
                f"{', '.join(str(r) for r in roots)}, packed into one WARC.gz "
                f"({res['warc_bytes'] / 1e6:.1f} MB)."
            ),
            "",
            "| measure | value |",
            "|---|---|",
            f"| pages with an email in the extracted text | {res['pages_with_email_in_text']} |",
            (
                f"| pages with an email in the stored record (source, headers) | "
                f"{res['pages_with_email_in_stored_bytes']} |"
            ),
            (
                f"| pages with an email **only** in markup (mailto:, meta, attributes, scripts) | "
                f"{res['pages_with_email_only_in_markup']} |"
            ),
            f"| markup-only emails taken as removal requests | {len(subjects)} |",
            f"| records holding them | {holding} |",
            f"| left behind by a text-only removal (the rule before) | {left} |",
            f"| dropped by `forget` now | {dropped} |",
            f"| `verify` PASS after `forget` | {passed} of {len(subjects)} |",
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--html-root", type=Path, action="append")
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--subjects", type=int, default=20)
    ap.add_argument("--json", type=Path, default=Path("bench-data/raw_bytes.json"))
    args = ap.parse_args()
    roots = args.html_root or default_roots()
    files = html_files(roots, args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        res = run(files, args.subjects, Path(tmp))
    info = machine_info(["expunge", "warcio", "selectolax"])
    md = markdown(res, info, roots)
    print(md)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": info, "result": res, "markdown": md}, indent=1))
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
