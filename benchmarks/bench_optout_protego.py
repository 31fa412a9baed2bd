"""expunge's robots.txt reader against protego (Scrapy's parser) on real robots.txt files.

    git -C MIRROR archive HEAD tests/test_data | tar -x -C /tmp/protego-corpus
    python benchmarks/bench_optout_protego.py /tmp/protego-corpus/tests/test_data

The corpus is protego's own test data: the robots.txt files of about 4,200 popular sites
(github.com/scrapy/protego, tests/test_data, BSD-3-Clause). Each file is asked, for a fixed
set of crawlers plus every known AI crawler it names, about paths made from its own rules
(wildcards filled in, anchors dropped) and a few common ones. Every decision on which the two
readers differ is put in one cause class, found by looking at the group each reader chose
and at the deciding rule; the counts, and examples of each class, are printed (and written as
JSON with --json). docs/optout-specs.md §10 explains each class.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _machine import machine_info

FIXED_AGENTS = ["GPTBot", "CCBot", "ClaudeBot", "Google-Extended", "img2dataset", "Googlebot",
                "ExampleBot"]  # fmt: skip
FIXED_PATHS = ["/", "/index.html", "/search?q=a", "/a/b/c.html", "/wp-admin/"]
MAX_PATHS = 20


def load(folder: Path) -> tuple[list[tuple[str, bytes, str]], int]:
    """(name, bytes, text) of every file protego can read (it wants UTF-8 text)."""
    files, skipped = [], 0
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        try:
            files.append((path.name, data, data.decode("utf-8")))
        except UnicodeDecodeError:
            skipped += 1
    return files, skipped


def paths_of(text: str) -> list[str]:
    """Concrete paths from the file's own Allow/Disallow values, then the fixed ones."""
    out: list[str] = []
    for match in re.finditer(r"(?im)^\s*(?:dis)?allow\s*:\s*(\S+)", text):
        value = match.group(1).split("#", 1)[0].removesuffix("$").replace("*", "x")
        if value.startswith("/") and value not in out:
            out.append(value)
        if len(out) >= MAX_PATHS:
            break
    return out + [p for p in FIXED_PATHS if p not in out]


def agents_of(text: str) -> list[str]:
    from expunge.optout.agents import agents_by_token
    from expunge.optout.robots import product_token

    known = agents_by_token()
    named = {product_token(v) for v in re.findall(r"(?im)^\s*user-?agent\s*:\s*(.+)$", text)}
    return FIXED_AGENTS + sorted({known[t].name for t in named if t in known} - set(FIXED_AGENTS))


def cause(robots: Any, parsed: Any, text: str, agent: str, path: str) -> str:
    """The class of a difference (see docs/optout-specs.md §10)."""
    from expunge.optout.robots import product_token

    if text.startswith("\ufeff"):
        return "file: protego does not skip a byte order mark"
    groups = robots.groups_for(agent)
    token = product_token(agent)
    how = "named" if any(token in g.agents for g in groups) else "star"
    if how == "star" and groups and not any("*" in g.agents for g in groups):
        how = "pattern"
    rule_set = parsed._get_matching_rule_set(agent)  # private, but the only view of its choice
    theirs = rule_set.user_agent if rule_set is not None else None
    if how == "pattern":
        return "group: user-agent pattern ('*bot')"
    if how == "named" and theirs in (None, "*"):
        return "group: a user-agent value with spaces or a version, read as its first word"
    if how == "star" and theirs not in (None, "*"):
        return "group: protego matches a group name inside the agent name"
    if any(_split_run(text, g.first_line) for g in groups):
        return "group: run of user-agent lines split by another record"
    rule = robots.decide(agent, path).rule
    line = rule.text if rule else ""
    if path.endswith("/") and re.search(r"(?im)^\s*allow\s*:\s*\S*/index\.html?\s*$", text):
        return "rule: protego's index.html rule"
    if rule is not None and rule.past_cap:
        return "rule: past the 500 KiB limit"
    if "$" in path or "%24" in path or re.search(r"\$\S", line):
        return "rule: '$' read as anchor / literal"
    if rule is not None and rule.line in robots.lenient_lines:
        return "rule: typo'd key or missing colon"
    if re.search(r"[^A-Za-z0-9\-._~/?&=*$]", path + line.split(":", 1)[-1].strip()):
        return "rule: percent-encoding"
    return "rule: other"


def _split_run(text: str, first_line: int) -> bool:
    """Does another record (Crawl-delay, Sitemap, ...) sit inside the run of user-agent lines
    that starts the group at `first_line`? RFC 9309 §2.2.4 keeps the run going; protego ends it."""
    lines = re.split(r"\r\n|\r|\n", text)[first_line - 1 :]
    other = False
    for raw in lines[1:]:
        line = raw.split("#", 1)[0].strip().lower()
        if not line:
            continue
        if re.match(r"(dis)?allow\b|content-usage\b", line):
            return False
        if re.match(r"user[- ]?agent\b", line):
            if other:
                return True
            continue
        other = True
    return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "corpus", type=Path, help="folder of robots.txt files (protego tests/test_data)"
    )
    ap.add_argument("--examples", type=int, default=3, help="examples printed per cause")
    ap.add_argument("--json", type=Path, help="write every difference here")
    args = ap.parse_args()
    import protego

    from expunge.optout.robots import parse_robots

    files, skipped = load(args.corpus)
    differences: list[dict[str, Any]] = []
    decisions = 0
    started = time.perf_counter()
    for name, data, text in files:
        robots, parsed = parse_robots(data), protego.Protego.parse(text)
        for agent in agents_of(text):
            for path in paths_of(text):
                decisions += 1
                ours = robots.decide(agent, path).allowed
                theirs = parsed.can_fetch("https://example.com" + path, agent)
                if ours != theirs:
                    differences.append({
                        "file": name, "agent": agent, "path": path, "expunge": ours,
                        "protego": theirs, "cause": cause(robots, parsed, text, agent, path),
                    })  # fmt: skip
    seconds = time.perf_counter() - started
    causes = Counter(d["cause"] for d in differences)
    files_differ = len({d["file"] for d in differences})
    machine = machine_info(("expunge", "protego"))
    print(f"""## expunge vs protego on real robots.txt files (`benchmarks/bench_optout_protego.py`)

protego {machine["packages"]["protego"]}; {len(files):,} files ({skipped} not UTF-8, skipped),
{decisions:,} decisions in {seconds:.0f} s; {len(differences):,} differ
({100 * len(differences) / max(decisions, 1):.2f}%) in {files_differ} files.

| cause | decisions | files | expunge stricter |
|---|---:|---:|---:|""")
    for label, count in causes.most_common():
        rows = [d for d in differences if d["cause"] == label]
        stricter = sum(not d["expunge"] for d in rows)
        print(f"| {label} | {count:,} | {len({d['file'] for d in rows})} | {stricter:,} |")
    for label, _ in causes.most_common():
        print(f"\n{label}:")
        for d in [d for d in differences if d["cause"] == label][: args.examples]:
            verdict = "allowed" if d["expunge"] else "disallowed"
            print(f"  {d['file']}: {d['agent']} {d['path']} -> expunge {verdict}")
    if args.json:
        args.json.write_text(json.dumps(differences, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
