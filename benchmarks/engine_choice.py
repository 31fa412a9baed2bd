"""Engine choice for expunge.detect: hyperscan (one multi-pattern pass) vs RE2.

Generates ~50 MB of web-like text (2-5 KB documents: prose in several languages, dates,
prices, versions, URLs, code, and a realistic sprinkle of personal data), then measures
on one core:

  hs-candidates     hyperscan pass only (callbacks collecting raw matches)
  re2-finditer      the same expressions, one RE2 finditer per pattern over the buffer
  re2-set+finditer  RE2::Set per document to find which patterns occur, then finditer
                    of just those on just that document
  hs-scan_batch     Detector.scan_batch end to end (candidates + confirmers + offsets)
  re2-confirmed     the same confirmers fed by the RE2 finditer candidates

Two corpus profiles: "number-heavy" (many dates, ids, versions, prices per document) and
"prose" (mostly paragraphs). Usage:
  python benchmarks/engine_choice.py [--mb 50] [--batch 1000] [--profile number-heavy,prose]
"""

from __future__ import annotations

import argparse
import random
import time
import timeit
from collections.abc import Callable
from itertools import accumulate

import re2
from faker import Faker

from expunge.detect import Detector
from expunge.detect.engine import SEP, Engine

# ---------------------------------------------------------------- corpus ------------------


def _noise(rng: random.Random, fake: Faker) -> str:
    """One non-PII snippet of the kind web text is full of (and detectors trip over)."""
    pick = rng.randrange(22)
    if pick == 0:
        return fake.date(pattern=rng.choice(["%Y-%m-%d", "%d/%m/%Y", "%B %d, %Y", "%d.%m.%Y"]))
    if pick == 1:
        return f"{fake.date(pattern='%Y-%m-%d')} {fake.time()}"
    if pick == 2:
        return f"${rng.randint(1, 9999):,}.{rng.randint(0, 99):02d}"
    if pick == 3:
        return f"version {rng.randint(0, 20)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}"
    if pick == 4:
        return f"{rng.randint(1, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}"
    if pick == 5:
        slug = "-".join(fake.words(rng.randint(2, 5)))
        return f"https://www.{fake.domain_name()}/{fake.word()}/{rng.randint(2000, 2024)}/{slug}"
    if pick == 6:
        return f"[{fake.word()}](https://{fake.domain_name()}/{fake.uri_path()}?id={rng.randint(1, 10**6)})"
    if pick == 7:
        return f"{rng.randint(1, 99_999):,} views · {rng.randint(1, 59)} min read"
    if pick == 8:
        return f"#{fake.word()} #{fake.word()}{rng.randint(1, 99)}"
    if pick == 9:
        return f"Order #{rng.randint(10**7, 10**9)} shipped, tracking {rng.randint(10**15, 10**16)}"
    if pick == 10:
        return f"ISBN 978-{rng.randint(0, 9)}-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-{rng.randint(0, 9)}"
    if pick == 11:
        return f"std::vector<int> v; auto x = ns::{fake.word()}(0x{rng.getrandbits(32):08x});"
    if pick == 12:
        return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if pick == 13:
        return f"{rng.randint(1, 500)} {fake.word().capitalize()} {rng.choice(['Street', 'Road', 'Prize', 'Winners'])}"
    if pick == 14:
        return f"sha256 {rng.getrandbits(256):064x}"
    if pick == 15:
        return f"{rng.uniform(-90, 90):.4f}, {rng.uniform(-180, 180):.4f}"
    if pick == 16:
        return f"@media (max-width: {rng.randint(300, 1200)}px) {{ .{fake.word()} {{ color: #{rng.getrandbits(24):06x}; }} }}"
    if pick == 17:
        return f"Posted {rng.randint(1, 28)} {fake.month_name()} {rng.randint(1995, 2024)} by {fake.user_name()}"
    if pick == 18:
        return f"{rng.randint(1, 100)}% off – {rng.randint(1, 12)}x{rng.randint(1, 12)} cm, {rng.randint(1, 5000)} g"
    if pick == 19:
        return f"Copyright © {rng.randint(2000, 2024)} {fake.company()}. All rights reserved."
    if pick == 20:
        return f"{fake.word()}@2x.png {fake.word()}-{rng.randint(1, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}.tar.gz"
    return f"Tel. hotline open {rng.randint(7, 10)}:00–{rng.randint(16, 20)}:00, ref {rng.randint(10**5, 10**6)}"


def _pii(rng: random.Random, fake: Faker, us: Faker) -> str:
    """One personal-data snippet, in the shapes people write them (`fake`: the document's
    locale, `us`: en_US for the US-only shapes)."""
    pick = rng.randrange(14)
    if pick == 0:
        return f"email me at {fake.email()}"
    if pick == 1:
        return f"call {fake.phone_number()}"
    if pick == 2:
        return f"Contact: {rng.choice(['+44 20 7946 ', '+49 30 1234 ', '(212) 555-'])}{rng.randint(1000, 9999)}"
    if pick == 3:
        return f"I live at {us.street_address()}, {us.city()}, {us.state_abbr()} {us.zipcode()}"
    if pick == 4:
        return f"card {us.credit_card_number()}"
    if pick == 5:
        return f"IBAN {fake.iban()}"
    if pick == 6:
        return f"client {fake.ipv4_public()} connected"
    if pick == 7:
        return f"SSN {us.ssn()}"
    if pick == 8:
        return f"born {fake.date_of_birth().strftime('%B %d, %Y')}"
    if pick == 9:
        return f"follow me on twitter @{fake.user_name()}"
    if pick == 10:
        return f"https://github.com/{fake.user_name()}"
    if pick == 11:
        return f"server {fake.ipv6()}"
    if pick == 12:
        return f"send to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 or {fake.email()}"
    return f"AKIA{''.join(rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') for _ in range(16))}"


def make_corpus(
    megabytes: float, seed: int = 7, noise: float = 0.27, pii: float = 0.03
) -> list[str]:
    """Documents of 2-5 KB until `megabytes` of UTF-8. Each piece is a prose paragraph, a
    noise snippet (share `noise`: dates, prices, versions, URLs, ids, code...) or a PII
    snippet (share `pii`). The default is number-heavy: ~3 noise snippets and ~0.4 PII
    snippets per document."""
    rng = random.Random(seed)
    fakers = [Faker(loc) for loc in ("en_US", "en_US", "en_US", "en_GB", "de_DE", "fr_FR")]
    for i, f in enumerate(fakers):
        f.seed_instance(seed + i)
    us = fakers[0]
    docs: list[str] = []
    total, target = 0, int(megabytes * 1_000_000)
    while total < target:
        fake = rng.choice(fakers)
        size = rng.randint(2000, 5000)
        parts: list[str] = []
        length = 0
        while length < size:
            roll = rng.random()
            if roll < 1.0 - noise - pii:
                piece = fake.paragraph(nb_sentences=rng.randint(2, 6))
            elif roll < 1.0 - pii:
                piece = _noise(rng, fake)
            else:
                piece = _pii(rng, fake, us)
            if rng.random() < 0.02:
                piece += " 😀"
            parts.append(piece)
            length += len(piece) + 1
        doc = " ".join(parts)
        docs.append(doc)
        total += len(doc.encode("utf-8"))
    return docs


# ---------------------------------------------------------------- RE2 side ----------------


def _re2_options() -> re2.Options:
    opts = re2.Options()
    opts.encoding = re2.Options.Encoding.LATIN1  # byte semantics, like hyperscan without UTF8
    opts.max_mem = 256 << 20
    return opts


class Re2Engine:
    """Candidates from RE2 instead of hyperscan; same expressions, same confirmers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        opts = _re2_options()
        self.regexes = []
        for spec in engine.specs:
            pattern = spec.expression.decode("latin-1")
            if spec.caseless:
                pattern = "(?i)" + pattern
            self.regexes.append(re2.compile(pattern.encode("latin-1"), opts))
        self.set = re2.Set.SearchSet(opts)
        for spec in engine.specs:
            self.set.Add(("(?i)" if spec.caseless else "").encode() + spec.expression)
        self.set.Compile()

    def candidates(self, buf: bytes) -> list[tuple[int, int, int]]:
        raw: list[tuple[int, int, int]] = []
        for pid, rx in enumerate(self.regexes):
            raw.extend((pid, m.start(), m.end()) for m in rx.finditer(buf))
        return raw

    def set_candidates(self, docs: list[bytes]) -> int:
        count = 0
        for doc in docs:
            for pid in self.set.Match(doc) or ():
                count += sum(1 for _ in self.regexes[pid].finditer(doc))
        return count


# ---------------------------------------------------------------- harness -----------------


def _batches(docs: list[str], size: int) -> list[list[str]]:
    return [docs[i : i + size] for i in range(0, len(docs), size)]


def _buffer(batch: list[str]) -> tuple[bytes, list[int], list[int]]:
    encoded = [t.encode("utf-8", "surrogatepass") for t in batch]
    buf = SEP + SEP.join(encoded) + SEP
    starts = list(accumulate((len(b) + len(SEP) for b in encoded[:-1]), initial=len(SEP)))
    stops = [s + len(b) for s, b in zip(starts, encoded, strict=True)]
    return buf, starts, stops


def _timed(label: str, megabytes: float, fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    print(f"{label:<18} {megabytes / seconds:8.1f} MB/s   ({seconds:6.2f} s)   -> {result}")
    return megabytes / seconds


PROFILES = {
    # ~3 noise snippets (dates, prices, versions, ids, URLs, code) + ~0.4 PII per document
    "number-heavy": {"noise": 0.27, "pii": 0.03},
    # ~1 noise snippet + ~0.15 PII per document: mostly prose, like cleaned web text
    "prose": {"noise": 0.08, "pii": 0.01},
}


def run_profile(name: str, megabytes: float, batch: int, seed: int, re2_finditer: bool) -> None:
    t0 = time.perf_counter()
    docs = make_corpus(megabytes, seed, **PROFILES[name])
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(
        f"\n== {name}: {len(docs)} docs, {mb:.1f} MB (generated in {time.perf_counter() - t0:.0f} s)"
    )

    detector = Detector()
    engine = detector._engine
    assert engine is not None
    batches = _batches(docs, batch)
    buffers = [_buffer(b) for b in batches]
    re2_engine = Re2Engine(engine)
    for b in batches[:2]:
        detector.scan_batch(b)  # warm caches (phone metadata regexes compile lazily)

    print("-- candidate generation only --")
    _timed("hs-candidates", mb, lambda: sum(len(engine.candidates(b)) for b, _, _ in buffers))
    if re2_finditer:
        _timed(
            "re2-finditer", mb, lambda: sum(len(re2_engine.candidates(b)) for b, _, _ in buffers)
        )
    encoded_docs = [d.encode("utf-8") for d in docs]
    _timed("re2-set+finditer", mb, lambda: re2_engine.set_candidates(encoded_docs))

    print("-- end to end (candidates + confirmers + overlap + offsets) --")
    _timed(
        "hs-scan_batch", mb, lambda: sum(len(f) for b in batches for f in detector.scan_batch(b))
    )
    if re2_finditer:

        def re2_end_to_end() -> int:
            n = 0
            for buf, starts, stops in buffers:
                for hits in engine.confirm(re2_engine.candidates(buf), buf, starts, stops).values():
                    n += len(hits)
            return n

        _timed("re2-confirmed*", mb, re2_end_to_end)
        print("  * confirmed hits, before overlap resolution and offset mapping")

    found: dict[str, int] = {}
    for b in batches:
        for findings in detector.scan_batch(b):
            for f in findings:
                found[f.type] = found.get(f.type, 0) + 1
    print("findings by type:", dict(sorted(found.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size per profile")
    parser.add_argument("--batch", type=int, default=1000, help="documents per scan_batch call")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", default="number-heavy,prose", help="comma-separated")
    parser.add_argument("--skip-re2-finditer", action="store_true")
    args = parser.parse_args()
    # One line to compare machines: CPython speed differs a lot between hosts.
    loop = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6
    print(f"calibration: sum(range(1000)) = {loop:.1f} us")
    for name in args.profile.split(","):
        run_profile(name, args.mb, args.batch, args.seed, not args.skip_re2_finditer)


if __name__ == "__main__":
    main()
