"""Personal data in text that has none: software documentation HTML and source files that are
on this machine, scanned as a dataset. How many records does `expunge scan` say contain
personal data, and which types say so? (issue 18: target <= 1 % of records.)

    python benchmarks/bench_technical_text.py /usr/share/doc .venv/lib/python3.11/site-packages \\
        --limit 4000 --out bench-data/technical

Each file is one record: its raw text (HTML with its markup, as a crawl stores it), at most
`--max-kb` of it. The scan runs twice through the CLI: as by default (personal data only) and
with `--all` (technical look-alikes too, under their own labels), and the script prints the
share of records flagged and the findings per type of each run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from _machine import expunge_bin

SUFFIXES = (".html", ".htm", ".xml", ".xsd", ".rst", ".md", ".txt", ".py")


def collect(roots: list[str], limit: int, max_kb: int, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(out / "records.jsonl", "w", encoding="utf-8") as sink:
        for root in roots:
            for folder, _, names in sorted(os.walk(root)):
                for name in sorted(names):
                    if written >= limit:
                        return written
                    if not name.endswith(SUFFIXES):
                        continue
                    path = os.path.join(folder, name)
                    try:
                        with open(path, encoding="utf-8") as handle:
                            text = handle.read(max_kb << 10)
                    except (OSError, UnicodeDecodeError):
                        continue
                    if text.strip():
                        sink.write(json.dumps({"id": path, "text": text}) + "\n")
                        written += 1
    return written


def scan(out: Path, extra: list[str]) -> dict[str, Any]:
    target = out / ("scan-all" if extra else "scan")
    subprocess.run([expunge_bin(), "scan", str(out / "records.jsonl"), "--out", str(target),
                    "-q", *extra], check=True, capture_output=True)  # fmt: skip
    summary = json.loads((target / "summary.json").read_text())
    totals = summary["totals"]
    return {
        "records": totals["records"],
        "records_with_personal_data": totals["records_with_pii"],
        "share": round(totals["records_with_pii"] / max(1, totals["records"]), 4),
        "by_type": {t: v["findings"] for t, v in summary["by_type"].items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("roots", nargs="+")
    parser.add_argument("--limit", type=int, default=4000)
    parser.add_argument("--max-kb", type=int, default=64)
    parser.add_argument("--out", type=Path, default=Path("bench-data/technical"))
    args = parser.parse_args()
    count = collect(args.roots, args.limit, args.max_kb, args.out)
    result = {"files": count, "default": scan(args.out, []), "with_all": scan(args.out, ["--all"])}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    sys.exit(main())
