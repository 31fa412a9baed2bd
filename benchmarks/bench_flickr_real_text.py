"""Flickr identifiers on real text nobody wrote for this: how often does the detector call
something a Flickr NSID or a Flickr photo's file URL in documentation and source code?

    python benchmarks/bench_flickr_real_text.py /usr/share/doc .venv/lib/python3.11/site-packages

Reads every .html .txt .py .md .rst .json file under the roots (first 2 MB of each), runs the
social_handle detector and lists each Flickr hit (validator `flickr-nsid`, or a profile URL on
Flickr's image servers) with its file, so each can be judged by eye.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from expunge.detect import Detector

SUFFIXES = (".html", ".txt", ".py", ".md", ".rst", ".json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("roots", nargs="+")
    args = parser.parse_args()
    detector = Detector(types=["social_handle"])
    files = size = 0
    hits = []
    started = time.perf_counter()
    for root in args.roots:
        for folder, _, names in os.walk(root):
            for name in names:
                if not name.endswith(SUFFIXES):
                    continue
                path = os.path.join(folder, name)
                try:
                    with open(path, encoding="utf-8") as handle:
                        text = handle.read(2_000_000)
                except (OSError, UnicodeDecodeError):
                    continue
                files += 1
                size += len(text)
                for found in detector.scan(text):
                    value = text[found.start : found.end]
                    if found.validator == "flickr-nsid" or "staticflickr" in value:
                        hits.append({"file": path, "value": value, "validator": found.validator})
    print(json.dumps({"files": files, "mb": round(size / 1e6, 1), "flickr_hits": hits,
                      "seconds": round(time.perf_counter() - started, 1)}, indent=1))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
