"""Shard writers (byte-for-byte deterministic)."""

from __future__ import annotations

import csv
import gzip
import html
import io
import random
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from .documents import GeneratedDoc

ORJSON_OPTS = orjson.OPT_SORT_KEYS


def jsonl_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r, option=ORJSON_OPTS) + b"\n" for r in rows)


def write_jsonl_zst(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    import zstandard

    path.write_bytes(zstandard.ZstdCompressor(level=10).compress(jsonl_bytes(rows)))


def write_jsonl_gz(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    buf = io.BytesIO()
    # mtime=0 and an empty name keep the gzip header identical from run to run.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
        gz.write(jsonl_bytes(rows))
    path.write_bytes(buf.getvalue())


def write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "url", "text"])
        for r in rows:
            w.writerow([r["id"], r["url"], r["text"]])


def write_parquet(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = ("text", "id", "dump", "url", "date", "language")
    table = pa.table({c: [r[c] for r in rows] for c in cols})
    pq.write_table(table, path, compression="zstd")


def _html_page(doc: GeneratedDoc) -> str:
    blocks = doc.text.split("\n\n")
    body = "\n".join(
        "<p>" + html.escape(blk).replace("\n", "<br>\n") + "</p>" for blk in blocks[1:] if blk
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(doc.title)}</title>\n"
        "<style>body{font-family:Georgia,serif;max-width:42em;margin:0 auto}"
        ".nav a{color:#335;text-decoration:none}</style>\n"
        "<script>window.dataLayer=window.dataLayer||[];"
        "function track(e){window.dataLayer.push({event:e})}</script>\n"
        '</head><body><nav class="nav"><a href="/">Home</a> <a href="/blog/">Blog</a></nav>\n'
        f"<main><h1>{html.escape(blocks[0])}</h1>\n{body}\n</main>\n"
        "<script>track('pageview')</script></body></html>\n"
    )


def write_warc(path: Path, docs: Sequence[GeneratedDoc], rng: random.Random) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, doc in enumerate(docs):
            payload = _html_page(doc).encode("utf-8")
            http_headers = StatusAndHeaders(
                "200 OK",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(payload))),
                ],
                protocol="HTTP/1.1",
            )
            # WARC-Date and WARC-Record-ID are set here because warcio would use now() and uuid4().
            record_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            record = writer.create_warc_record(
                doc.url,
                "response",
                payload=io.BytesIO(payload),
                http_headers=http_headers,
                warc_headers_dict={
                    "WARC-Date": f"2024-02-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
                    "WARC-Record-ID": f"<urn:uuid:{record_id}>",
                },
            )
            writer.write_record(record)
