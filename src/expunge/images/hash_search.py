"""Exact Hamming-radius search over 256-bit hashes: multi-index hashing with a scan fallback.

Multi-index hashing (Norouzi, Punjani, Fleet 2012): the 256 bits are cut into CHUNKS = 16
chunks of 16 bits. If two hashes differ in at most d bits, some chunk differs in at most
d // 16 bits (pigeonhole: 16 chunks each differing in d // 16 + 1 or more would add up to
more than d). So every hash within d of a query sits in one of the buckets of the values
within d // 16 bits of a query chunk: for d <= 31 that is the chunk value itself and its 16
one-bit flips, 17 buckets per chunk, 272 per query. Each bucket holds N / 65536 hashes on
balanced data (15 at 1M), so a query checks ~4,000 candidates instead of N; each candidate's
full distance is computed (popcount of XOR) and kept when <= d. The search is exact.

The tables (per chunk, the entries sorted by chunk value, and where each value's run starts)
are built once when the merged segment is written (`build_tables`) and memory-mapped when
searched. Chosen by measurement (benchmarks/bench_images_index.py, one photo = 8 variants at
31, 2-core EPYC): 1M hashes p50 1.9 ms, against faiss IndexBinaryFlat 4.5 ms, faiss
IndexBinaryMultiHash 26 ms, 8 chunks of 32 bits 35 ms, a numpy scan 90 ms; 10M: 24 ms against
49 / 485 / 89 / 896 ms. The cost is the random reads of the candidates' hashes: it grows with
N and with how unevenly real hashes fill the buckets.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from functools import cache

import numpy as np

HASH_BYTES = 32
CHUNKS = 16
VALUES = 1 << 16  # values of one 16-bit chunk
STARTS = VALUES + 1  # run starts per chunk, the total last
MAX_FLIPS = 2  # above d = 47 the probes outnumber a scan's work: scan instead
SCAN_BLOCK = 1 << 13  # entries per step of a scan: (queries x block x 4) uint64 temporaries
TABLE_BUDGET = 256 << 20  # bytes of table columns built per pass over the hashes


def table_dtype(entries: int) -> np.dtype[np.unsignedinteger]:
    """Positions fit 32 bits below 4G entries: half the size of the tables."""
    return np.dtype("<u4") if entries < 1 << 32 else np.dtype("<u8")


def chunk_values(hashes: np.ndarray) -> np.ndarray:
    """(n, 16) uint16: chunk c of a hash is its bytes 2c, 2c+1 read little-endian."""
    return np.ascontiguousarray(hashes, np.uint8).reshape(-1, HASH_BYTES).view("<u2")


def count_chunks(blocks: Iterable[np.ndarray]) -> np.ndarray:
    """Per chunk, how many hashes have each value: int64 (16, 65536)."""
    counts = np.zeros((CHUNKS, VALUES), np.int64)
    for block in blocks:
        values = chunk_values(block)
        for chunk in range(CHUNKS):
            counts[chunk] += np.bincount(values[:, chunk], minlength=VALUES)
    return counts


def starts_of(counts: np.ndarray) -> np.ndarray:
    """(16, 65537) run starts from the counts."""
    starts = np.zeros((CHUNKS, STARTS), np.int64)
    np.cumsum(counts, axis=1, out=starts[:, 1:])
    return starts


def build_tables(
    blocks: Callable[[], Iterator[np.ndarray]], starts: np.ndarray, entries: int
) -> Iterator[np.ndarray]:
    """Yield the table of each chunk in order (positions of the entries sorted by the chunk's
    value, stable), by a counting sort over `blocks()` (the hashes in order, in blocks; called
    once per pass). Memory: the columns of one pass, as many chunks as fit TABLE_BUDGET but at
    least one (4 bytes per entry: 400 MB at 100M entries), plus one block."""
    dtype = table_dtype(entries)
    per_pass = max(1, min(CHUNKS, TABLE_BUDGET // max(1, entries * dtype.itemsize)))
    for first in range(0, CHUNKS, per_pass):
        chunks = range(first, min(CHUNKS, first + per_pass))
        columns = {c: np.empty(entries, dtype) for c in chunks}
        cursor = {c: starts[c, :-1].copy() for c in chunks}
        at = 0
        for block in blocks():
            values = chunk_values(block)
            for c in chunks:
                _place(values[:, c], at, cursor[c], columns[c])
            at += len(values)
        for c in chunks:
            yield columns.pop(c)


def _place(values: np.ndarray, at: int, cursor: np.ndarray, column: np.ndarray) -> None:
    """Counting-sort step: put positions at..at+len(values) after the ones already placed."""
    order = np.argsort(values, kind="stable")  # radix sort for uint16
    ordered = values[order]
    counts = np.bincount(values, minlength=VALUES)
    first_of_value = np.cumsum(counts) - counts
    rank = np.arange(len(values)) - first_of_value[ordered]
    column[cursor[ordered] + rank] = order + at
    cursor += counts


@cache
def _flips(radius: int) -> np.ndarray:
    """Every 16-bit mask with at most `radius` bits set, fewest first."""
    masks = [0]
    for bits in range(1, radius + 1):
        masks += [sum(1 << b for b in combo) for combo in itertools.combinations(range(16), bits)]
    return np.array(masks, np.uint16)


def probe_count(max_distance: int) -> int:
    """Buckets probed per query."""
    return CHUNKS * len(_flips(max_distance // CHUNKS))


def uses_tables(max_distance: int) -> bool:
    return max_distance // CHUNKS <= MAX_FLIPS


def candidates(
    queries: np.ndarray, starts: np.ndarray, table: np.ndarray, entries: int, max_distance: int
) -> tuple[np.ndarray, np.ndarray]:
    """(positions, counts): the entries in the probed buckets of each query, query after
    query (counts[q] of them for query q), with repeats: a superset of the entries within
    `max_distance`. `starts` and `table` flat, as stored."""
    flips = _flips(max_distance // CHUNKS)
    probes = chunk_values(queries)[:, :, None] ^ flips[None, None, :]  # (Q, 16, F)
    bucket = np.arange(CHUNKS, dtype=np.int64)[None, :, None] * STARTS + probes
    begin = np.take(starts, bucket).astype(np.int64)
    lengths = np.take(starts, bucket + 1).astype(np.int64) - begin
    counts = lengths.reshape(len(queries), -1).sum(axis=1)
    begin = (begin + np.arange(CHUNKS, dtype=np.int64)[None, :, None] * entries).ravel()
    lengths = lengths.ravel()
    # One index array for all runs: run k covers table[begin[k] : begin[k] + lengths[k]].
    into_runs = np.cumsum(lengths) - lengths
    where = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(into_runs - begin, lengths)
    return np.take(table, where).astype(np.intp), counts


def distances(
    hashes: np.ndarray, queries: np.ndarray, positions: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Hamming distances of the entries at `positions` (hashes: (N, 32) uint8) to the
    queries: the first counts[0] to query 0, the next counts[1] to query 1, ..."""
    words = hashes.view(np.uint64)
    out = np.empty(len(positions), np.int64)
    at = 0
    for query, count in zip(queries.view(np.uint64), counts.tolist(), strict=True):
        part = np.take(words, positions[at : at + count], axis=0)  # (count, 4): the cost
        part ^= query
        np.bitwise_count(part, out=part)
        out[at : at + count] = part[:, 0] + part[:, 1] + part[:, 2] + part[:, 3]
        at += count
    return out


def scan(
    hashes: np.ndarray, queries: np.ndarray, max_distance: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query number, entry position, distance) of every entry within `max_distance`, by
    computing every distance: for small indexes and large distances."""
    query_words = queries.view(np.uint64)[:, None, :]  # (Q, 1, 4)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for at in range(0, len(hashes), SCAN_BLOCK):
        words = hashes[at : at + SCAN_BLOCK].view(np.uint64)[None, :, :] ^ query_words
        np.bitwise_count(words, out=words)
        distance = words[:, :, 0] + words[:, :, 1] + words[:, :, 2] + words[:, :, 3]
        query_of, position = np.nonzero(distance <= max_distance)
        found.append((query_of, position + at, distance[query_of, position]))
    return _joined(found)


def search_tables(
    hashes: np.ndarray,
    starts: np.ndarray,
    table: np.ndarray,
    queries: np.ndarray,
    max_distance: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(query number, entry position, distance, candidates checked) of every entry within
    `max_distance`, through the tables; sorted by query, then position, no repeats."""
    positions, counts = candidates(queries, starts, table, len(hashes), max_distance)
    distance = distances(hashes, queries, positions, counts)
    query_of = np.repeat(np.arange(len(queries), dtype=np.intp), counts)
    keep = distance <= max_distance
    query_of, positions, distance = query_of[keep], positions[keep], distance[keep]
    # A hash close to a query is usually in several of its buckets: keep one of each.
    key = query_of.astype(np.int64) * len(hashes) + positions
    _, first = np.unique(key, return_index=True)
    return query_of[first], positions[first], distance[first], len(keep)


def _joined(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not parts:
        empty = np.empty(0, np.int64)
        return empty, empty, empty
    query_of, positions, distance = (np.concatenate(p).astype(np.int64) for p in zip(*parts))
    order = np.lexsort((positions, query_of))
    return query_of[order], positions[order], distance[order]
