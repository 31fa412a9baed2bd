"""Canaries (Carlini et al. 2019, "The Secret Sharer"): random secrets planted in a dataset
before training; their exposure afterwards measures how much the model memorises.

exposure = log2 |R| - log2 rank, where R is the space of possible secrets and rank is the
secret's place when all of R is ordered by the model's likelihood. R is far too large to
score, so the rank is estimated from a sample of random candidates: directly (bounded by the
sample size) and, as in the paper, by fitting a distribution to the candidates' scores (a
normal here, where the paper uses a skew-normal) and reading the secret's tail probability.
"""

from __future__ import annotations

import json
import math
import random
import secrets as system_random
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import orjson

from expunge.atomic import write_atomic
from expunge.errors import ExpungeError
from expunge.model.load import LocalModel
from expunge.model.scoring import token_stats

_SYLLABLES = ("ka", "ro", "mi", "te", "lu", "va", "zo", "ne", "pi", "sa", "dor", "vel", "quin",
              "mar", "tis", "bel", "ory", "an", "ek", "ul")  # fmt: skip
SCHEMA = "expunge.canaries/1"


@dataclass(frozen=True)
class Canary:
    id: str
    prefix: str  # fixed context; the secret follows it after one space
    secret: str  # `digits` random digits
    digits: int
    repeats: int  # how many copies are planted

    @property
    def text(self) -> str:
        return f"{self.prefix} {self.secret}"

    @property
    def space_bits(self) -> float:
        return self.digits * math.log2(10)


def _fictional_name(rng: random.Random) -> str:
    def word() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    return f"{word()} {word()}"


def make_canaries(
    repeats: Sequence[int], per_repeat: int = 2, digits: int = 9, seed: int | None = None
) -> list[Canary]:
    """`per_repeat` canaries for each repeat count (0 = a control, never planted)."""
    rng = random.Random(seed if seed is not None else system_random.randbits(64))
    made: list[Canary] = []
    for count in repeats:
        for _ in range(per_repeat):
            made.append(
                Canary(
                    id=f"canary-{len(made) + 1:03d}",
                    prefix=f"The account code of {_fictional_name(rng)} is",
                    secret="".join(rng.choice("0123456789") for _ in range(digits)),
                    digits=digits,
                    repeats=count,
                )
            )
    return made


def write_canaries(path: Path, canaries: Sequence[Canary]) -> None:
    lines = [orjson.dumps({"schema": SCHEMA, **asdict(c)}) for c in canaries]
    write_atomic(path, b"\n".join(lines) + b"\n", private=True)  # the secrets: keep them private


def read_canaries(path: Path) -> list[Canary]:
    if not path.is_file():
        raise ExpungeError(f"{path}: no such canary file",
                           "make one with: expunge audit canaries --insert --out FILE")  # fmt: skip
    canaries = []
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = orjson.loads(line)
            if row.get("schema") != SCHEMA:
                raise ValueError("not a canary line")
            canaries.append(Canary(row["id"], row["prefix"], row["secret"], int(row["digits"]),
                                   int(row["repeats"])))  # fmt: skip
        except (orjson.JSONDecodeError, ValueError, KeyError, TypeError, AttributeError):
            raise ExpungeError(f"{path}: line {number} is not a canary written by expunge",
                               "use the file that 'expunge audit canaries --insert' wrote") from None  # fmt: skip
    if not canaries:
        raise ExpungeError(f"{path}: holds no canaries", "make them with --insert")
    return canaries


def planted(
    records: Iterator[dict[str, str]], canaries: Sequence[Canary], seed: int = 0
) -> list[dict[str, str]]:
    """The records with each canary's copies inserted at random places."""
    rows = list(records)
    rng = random.Random(seed)
    for canary in canaries:
        for copy in range(canary.repeats):
            rows.insert(
                rng.randint(0, len(rows)), {"id": f"{canary.id}-{copy + 1}", "text": canary.text}
            )
    return rows


@dataclass(frozen=True)
class Exposure:
    id: str
    repeats: int
    space_bits: float
    sampled_bits: float  # from the rank among the candidates; at most log2(candidates + 1)
    extrapolated_bits: float  # from a normal fitted to the candidates, capped at space_bits
    rank: int  # 1 + candidates at least as likely as the secret


def parse_repeats(repeats: str) -> list[int]:
    """'0,1,5,20' -> [0, 1, 5, 20]: copies to plant per group (0 = the control group)."""
    try:
        counts = [int(v) for v in repeats.split(",") if v.strip()]
    except ValueError:
        raise ExpungeError(f"--repeats {repeats!r}: not a list of numbers",
                           "e.g. --repeats 0,1,5,20") from None  # fmt: skip
    if not counts or min(counts) < 0:
        raise ExpungeError(f"--repeats {repeats!r}: need counts >= 0", "e.g. --repeats 0,1,5,20")
    return counts


def plant_dataset(
    dataset: str, target: Path, canaries: Sequence[Canary], text_field: str | None = None
) -> int:
    """Write `target` (JSON Lines): the dataset's texts with `canaries` planted among them.
    Returns how many texts were read."""
    from expunge.model.texts import read_texts

    texts = read_texts(dataset, "--dataset", text_field)
    rows = planted(iter({"text": t} for t in texts), canaries)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    write_atomic(target, lines.encode("utf-8"))
    return len(texts)


def exposure(
    lm: LocalModel, canaries: Sequence[Canary], candidates: int = 1000, seed: int = 0
) -> list[Exposure]:
    """Exposure of each canary, against `candidates` random secrets of the same shape."""
    rng = random.Random(seed)
    results = []
    for canary in canaries:
        others = [
            "".join(rng.choice("0123456789") for _ in range(canary.digits))
            for _ in range(candidates)
        ]
        texts = [canary.text] + [f"{canary.prefix} {s}" for s in others if s != canary.secret]
        logp = np.array([float(s.logp.sum()) for s in token_stats(lm, texts, batch=64)])
        true, rest = logp[0], logp[1:]
        rank = 1 + int((rest >= true).sum())
        sampled = math.log2((len(rest) + 1) / rank)
        sigma = float(rest.std()) or 1e-9
        z = (true - float(rest.mean())) / sigma
        tail = 0.5 * math.erfc(z / math.sqrt(2))
        extrapolated = min(canary.space_bits, -math.log2(tail) if tail > 0 else canary.space_bits)
        results.append(
            Exposure(canary.id, canary.repeats, canary.space_bits, sampled, extrapolated, rank)
        )
    return results
