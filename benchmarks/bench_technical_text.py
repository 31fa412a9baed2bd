"""Personal data in text that has none: software documentation HTML and source files that are
on this machine, scanned as a dataset. How many records does `expunge scan` say contain
personal data, and which types say so? (issue 18: target <= 1 % of records.)

    python benchmarks/bench_technical_text.py /usr/share/doc .venv/lib/python3.11/site-packages \\
        --limit 4000 --out bench-data/technical

Each file is one record: its raw text (HTML with its markup, as a crawl stores it), at most
`--max-kb` of it. The scan runs twice through the CLI: as by default (personal data only) and
with `--all` (technical look-alikes too, under their own labels), and the script prints the
share of records flagged and the findings per type of each run, and why the records of the
default run were flagged: only people's contact data (package authors' and maintainers' email
addresses and profiles, which are personal data), only addresses at the reserved example
domains (which are not), or other types, listed record by record for reading.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


# RFC 2606 / 6761 names reserved for examples: an address there names no one.
_RESERVED = re.compile(
    r"(?:^|\.)(?:example\.(?:com|org|net)|[^.]+\.(?:example|test|invalid|localhost))$"
)


def breakdown(out: Path) -> dict[str, Any]:
    """The flagged records by why: only people's contact data (email addresses outside the
    reserved example domains, social profiles), only example addresses, or other types (each
    listed, to be read one by one)."""
    texts = {}
    with open(out / "records.jsonl", encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            texts[rec["id"]] = rec["text"]
    found: dict[str, list[tuple[str, str]]] = {}
    with open(out / "scan" / "findings.jsonl", encoding="utf-8") as handle:
        for line in handle:
            f = json.loads(line)
            value = texts[f["id"]][f["start"] : f["end"]]
            found.setdefault(f["id"], []).append((f["type"], value))
    contacts, examples, other = 0, 0, {}
    for rid, items in sorted(found.items()):
        kinds = {t for t, _ in items}
        if kinds == {"email"} and all(
            _RESERVED.search(v.rsplit("@", 1)[1].lower()) for _, v in items
        ):
            examples += 1
        elif kinds <= {"email", "social_handle"}:
            contacts += 1
        else:
            other[rid] = sorted({(t, v) for t, v in items if t not in ("email", "social_handle")})
    return {"contacts_only": contacts, "example_emails_only": examples, "other": other}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("roots", nargs="+")
    parser.add_argument("--limit", type=int, default=4000)
    parser.add_argument("--max-kb", type=int, default=64)
    parser.add_argument("--out", type=Path, default=Path("bench-data/technical"))
    args = parser.parse_args()
    count = collect(args.roots, args.limit, args.max_kb, args.out)
    result = {"files": count, "default": scan(args.out, [])}
    result["why_flagged"] = breakdown(args.out)
    result["with_all"] = scan(args.out, ["--all"])
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    sys.exit(main())
