"""Get the labelled corpora of `eval_sets.py` into bench-data/eval-sources/ (needs git and
network; about 12 MB). The peers' test suites are already in benchmarks/data/eval/.

    python benchmarks/fetch_eval_sources.py [--out bench-data/eval-sources]
    python benchmarks/fetch_eval_sources.py --from '/work/.mirror/{owner}+{name}/repo'

Each repository is read at the commit the figures in BENCHMARKS.md were measured on; only the
paths below are copied, with the repository's licence.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# name -> (owner, repository, commit, paths to copy, licence file)
CORPORA = {
    "meddocan": ("PlanTL-GOB-ES", "SPACCC_MEDDOCAN", "783a6df385c975b328c99bcffb54196a9ba4078a",
                 ("corpus/train/brat", "corpus/dev/brat", "corpus/test/brat"), "LICENSE"),
    "pl-pii-bench": ("pl-pii-bench", "pl-pii-bench", "ddd2a8148d1b4b45789bf4d016cf286aced8f984",
                     ("corpus",), "DATA_LICENSE"),
    "piisa": ("piisa", "pii-extract-plg-regex", "fbcbe545e7dcb1f1a23baa0d274603ee630b2e42",
              ("test/unit/B_modules",), "LICENSE"),
}  # fmt: skip


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def fetch(name: str, origin: str, out: Path) -> None:
    owner, repo, commit, paths, licence = CORPORA[name]
    where = origin.format(owner=owner, name=repo)
    target = out / name
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "repo"
        _git("clone", "--quiet", "--no-checkout", where, str(work))
        _git("-C", str(work), "checkout", "--quiet", commit, "--", *paths, licence)
        if target.exists():
            shutil.rmtree(target)
        for path in (*paths, licence):
            dest = target / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            if (work / path).is_dir():
                shutil.copytree(work / path, dest)
            else:
                shutil.copy2(work / path, dest)
    (target / "SOURCE.md").write_text(
        f"# {name}\n\n{owner}/{repo} at {commit}: {', '.join(paths)}; licence in {licence}.\n"
    )
    print(f"{name}: {owner}/{repo}@{commit[:7]} -> {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench-data/eval-sources"))
    parser.add_argument("--from", dest="origin", default="https://github.com/{owner}/{name}",
                        help="where to clone from: a pattern with {owner} and {name}")  # fmt: skip
    parser.add_argument("names", nargs="*", default=list(CORPORA))
    args = parser.parse_args(argv)
    for name in args.names:
        if name not in CORPORA:
            print(f"unknown corpus {name!r}: one of {', '.join(CORPORA)}", file=sys.stderr)
            return 2
        try:
            fetch(name, args.origin, args.out)
        except subprocess.CalledProcessError as error:
            why = (error.stderr or "").strip().splitlines()[-1:] or ["git failed"]
            print(f"{name}: cannot fetch from {args.origin}: {why[0]}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
