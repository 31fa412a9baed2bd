"""The demo dataset: deterministic bytes, exact truth, valid planted values, the subject."""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import io
import ipaddress
import itertools
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

pytest.importorskip("faker")

from expunge import demo as dd

DOCS = 600
SEED = 3


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dd.DemoInfo:
    return dd.write_demo_dataset(tmp_path_factory.mktemp("demo-a"), seed=SEED, docs=DOCS)


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _read_texts(path: Path) -> list[str]:
    name = path.name
    if name.endswith(".jsonl.zst"):
        import zstandard

        with zstandard.ZstdDecompressor().stream_reader(path.open("rb")) as fh:
            raw = fh.read()
        return [orjson.loads(line)["text"] for line in raw.splitlines()]
    if name.endswith(".jsonl.gz"):
        return [
            orjson.loads(line)["text"] for line in gzip.decompress(path.read_bytes()).splitlines()
        ]
    if name.endswith(".csv"):
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert list(rows[0]) == ["id", "url", "text"]
        return [r["text"] for r in rows]
    if name.endswith(".parquet"):
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        assert set(table.column_names) == {"text", "id", "dump", "url", "date", "language"}
        return table.column("text").to_pylist()
    raise AssertionError(f"unexpected shard {name}")


@pytest.fixture(scope="module")
def texts(demo: dd.DemoInfo) -> dict[str, list[str]]:
    return {
        name: _read_texts(demo.dataset / name)
        for name in demo.shards
        if name not in demo.truth_excluded_shards
    }


@pytest.fixture(scope="module")
def truth(demo: dd.DemoInfo) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in demo.truth.read_bytes().splitlines()]


def test_same_seed_same_bytes(demo: dd.DemoInfo, tmp_path: Path) -> None:
    again = dd.write_demo_dataset(tmp_path, seed=SEED, docs=DOCS)
    assert _digests(again.out_dir) == _digests(demo.out_dir)


def test_other_seed_other_bytes(tmp_path: Path) -> None:
    a = dd.write_demo_dataset(tmp_path / "a", seed=SEED, docs=DOCS // 4)
    b = dd.write_demo_dataset(tmp_path / "b", seed=SEED + 1, docs=DOCS // 4)
    assert _digests(a.out_dir)["truth.jsonl"] != _digests(b.out_dir)["truth.jsonl"]


def test_layout(demo: dd.DemoInfo, texts: dict[str, list[str]]) -> None:
    names = list(demo.shards)
    assert sum(n.endswith(".jsonl.zst") for n in names) >= 2
    assert sum(n.endswith(".parquet") for n in names) >= 2
    assert any(n.endswith(".jsonl.gz") for n in names)
    assert any(n.endswith(".csv") for n in names)
    assert any(n.endswith(".warc.gz") for n in names)
    assert sum(demo.shards.values()) == DOCS
    for name, rows in texts.items():
        assert len(rows) == demo.shards[name]
    pii_share = demo.pii_docs / DOCS
    assert 0.15 < pii_share < 0.4


def _card_ok(v: str) -> bool:
    digits = re.sub(r"[ -]", "", v)
    return (
        digits.isdigit()
        and len(digits) in (15, 16)
        and digits[0] in "23456"
        and dd.luhn_valid(digits)
    )


def _wallet_ok(v: str) -> bool:
    if v.startswith("0x"):
        return re.fullmatch(r"0x[0-9a-f]{40}", v) is not None
    if v.startswith("bc1"):
        return dd.bech32_valid(v)
    return v.startswith("1") and dd.base58check_valid(v)


def _ip_ok(v: str) -> bool:
    try:
        ipaddress.ip_address(v)
    except ValueError:
        return False
    return True


SHAPES: dict[str, Callable[[str], bool]] = {
    "email": lambda v: re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)*\.[a-z]{2,}", v) is not None,
    "phone": lambda v: dd.phone_valid(v, "US"),
    "credit_card": _card_ok,
    "iban": dd.iban_valid,
    "ip_address": _ip_ok,
    "us_ssn": dd.ssn_valid,
    "url": lambda v: re.fullmatch(r"https?://[^\s<>\"]+", v) is not None and not v.endswith("."),
    "social_handle": lambda v: re.fullmatch(r"@[A-Za-z0-9_.]{2,30}|https://\S+/\S*", v) is not None,
    "street_address": lambda v: re.match(r"\d|\D+ \d", v) is not None and "," in v,
    "date_of_birth": lambda v: re.search(r"\b(19[3-9]\d|200\d)\b", v) is not None,
    "crypto_wallet": _wallet_ok,
    "secret": lambda v: (
        v.startswith(dd.SECRET_PREFIXES)
        and (v.endswith("-----END RSA PRIVATE KEY-----") or re.search(r"\s", v) is None)
    ),
}


def test_truth_spans_are_the_planted_values(
    truth: list[dict[str, Any]], texts: dict[str, list[str]]
) -> None:
    assert truth
    bad = []
    for t in truth:
        value = texts[t["shard"]][t["row"]][t["start"] : t["end"]]
        if not value or value != value.strip() or not SHAPES[t["type"]](value):
            bad.append((t, value))
    assert not bad, bad[:5]


def test_every_planted_type_present(demo: dd.DemoInfo, truth: list[dict[str, Any]]) -> None:
    assert {t["type"] for t in truth} == set(dd.PLANTED_TYPES)
    assert "person" not in demo.type_counts
    assert all(n > 0 for n in demo.decoy_counts.values())
    assert set(demo.decoy_counts) == set(dd.DECOY_KINDS)


def test_spans_do_not_overlap(truth: list[dict[str, Any]]) -> None:
    by_doc: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for t in truth:
        by_doc.setdefault((t["shard"], t["row"]), []).append((t["start"], t["end"]))
    for spans in by_doc.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_subject(
    demo: dd.DemoInfo, texts: dict[str, list[str]], truth: list[dict[str, Any]]
) -> None:
    subject = tomllib.loads(demo.subject.read_text(encoding="utf-8"))
    assert set(subject) == {"names", "emails", "phones", "handles", "urls"}
    assert any(not n.isascii() for n in subject["names"])
    assert all(dd.phone_valid(p) for p in subject["phones"])

    docs_with_name = [
        (shard, row)
        for shard, rows in texts.items()
        for row, text in enumerate(rows)
        if any(n in text for n in subject["names"])
    ]
    assert len(docs_with_name) >= 10
    assert len({shard for shard, _ in docs_with_name}) >= 4

    planted = {
        texts[t["shard"]][t["row"]][t["start"] : t["end"]]
        for t in truth
        if (t["shard"], t["row"]) in set(docs_with_name)
    }
    wanted = set(subject["emails"]) | set(subject["handles"]) | set(subject["urls"])
    assert wanted <= planted
    assert len(planted & set(subject["phones"])) >= 3
    assert any("twitter.com" in u for u in planted) and any("x.com" in u for u in planted)


def test_warc_shard(demo: dd.DemoInfo) -> None:
    from warcio.archiveiterator import ArchiveIterator

    pages = []
    with (demo.dataset / dd.WARC_SHARD).open("rb") as fh:
        for record in ArchiveIterator(fh):
            assert record.rec_type == "response"
            pages.append(record.content_stream().read().decode("utf-8"))
    assert len(pages) == demo.shards[dd.WARC_SHARD]
    assert all("<script>" in p and "<style>" in p for p in pages)
    values = [orjson.loads(line) for line in demo.warc_values.read_bytes().splitlines()]
    assert values
    for v in values:
        if "\n" not in v["value"]:
            assert html.escape(v["value"]) in pages[v["row"]]


@pytest.mark.parametrize(
    ("check", "value", "ok"),
    [
        (dd.luhn_valid, "4111 1111 1111 1111", True),
        (dd.luhn_valid, "4111 1111 1111 1112", False),
        (dd.iban_valid, "DE89 3704 0044 0532 0130 00", True),
        (dd.iban_valid, "GB82 WEST 1234 5698 7654 32", True),
        (dd.iban_valid, "DE89 3704 0044 0532 0130 01", False),
        (dd.base58check_valid, "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", True),
        (dd.base58check_valid, "1BoatSLRHtKNngkdXEeobR76b53LETtpyU", False),
        (dd.bech32_valid, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", True),
        (dd.bech32_valid, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", False),
        (dd.ssn_valid, "666-12-3456", False),
        (dd.ssn_valid, "123-00-4567", False),
        (dd.ssn_valid, "536-22-1234", True),
    ],
)
def test_validators_on_known_vectors(check: Callable[[str], bool], value: str, ok: bool) -> None:
    assert check(value) is ok


def test_generators_make_valid_values() -> None:
    import random

    rng = random.Random(0)
    for _ in range(200):
        assert _card_ok(dd.make_card(rng))
        assert dd.iban_valid(dd.make_iban(rng))
        assert dd.phone_valid(dd.make_phone(rng))
        assert not dd.phone_valid(dd.make_invalid_phone(rng))
        assert _wallet_ok(dd.make_wallet(rng))
        isbn = dd.make_isbn13(rng)
        assert sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(isbn)) % 10 == 0


def test_text_builder_tracks_offsets() -> None:
    b = dd.TextBuilder()
    b.add("Zoë says: ")
    b.pii("email", "zoë@example.org")
    b.decoy("price", " $5")
    text = b.text()
    (span,) = b.spans
    assert text[span.start : span.end] == "zoë@example.org"
    assert b.decoys == {"price": 1}
    assert len(b) == len(text)


def test_csv_roundtrip_keeps_newlines(demo: dd.DemoInfo) -> None:
    raw = (demo.dataset / "comments-00000.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert any("\n" in r[2] for r in rows[1:])
