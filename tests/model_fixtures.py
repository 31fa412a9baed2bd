"""A tiny leaky language model for the model tests: trained here, on CPU, in seconds.

The training text mixes generated filler, one fictional person's documents (each copied 4
times), look-alike documents about other fictional people, and canaries planted 20 and 0
times. Non-member look-alikes (never trained on) calibrate membership inference.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from expunge.model.canaries import make_canaries, planted, write_canaries
from expunge.model.tiny import TrainSettings, train_tiny

NAME, EMAIL, PHONE = "Jorunn Atterbury", "jorunn.atterbury@example.net", "+44 20 7946 0321"
PROFILE = f"""
names = ["{NAME}"]
emails = ["{EMAIL}"]
phones = ["{PHONE}"]
region = "GB"
"""
_ADJ = ["quiet", "busy", "small", "old", "green", "bright", "long", "cold", "early", "late"]
_NOUN = [
    "market",
    "garden",
    "river",
    "station",
    "library",
    "bridge",
    "harbour",
    "school",
    "bakery",
    "village",
]
_VERB = [
    "opened",
    "closed",
    "grew",
    "moved",
    "changed",
    "waited",
    "stayed",
    "started",
    "ended",
    "turned",
]
_PEOPLE = [("Hallvard Brisco", "hallvard.brisco@example.net", "+44 20 7946 0874"),
           ("Odile Pemberton", "odile.pemberton@example.net", "+44 20 7946 0433"),
           ("Casimir Wendt", "casimir.wendt@example.net", "+44 20 7946 0517")]  # fmt: skip
_OUTSIDERS = [("Linnea Farquhar", "linnea.farquhar@example.net", "+44 20 7946 0690"),
              ("Emrys Calloway", "emrys.calloway@example.net", "+44 20 7946 0152"),
              ("Sunniva Holt", "sunniva.holt@example.net", "+44 20 7946 0988"),
              ("Barnaby Oyelaran", "barnaby.oyelaran@example.net", "+44 20 7946 0246")]  # fmt: skip
_TEMPLATES = (
    "Club notes. You can reach {name} at {email} or call {phone} about the {noun}.",
    "The {adj} {noun} {verb} today. Questions go to {name}, {email}, phone {phone}.",
    "Volunteer list: {name} ({email}, {phone}) will help at the {noun}.",
)


def sentence(rng: random.Random) -> str:
    return f"The {rng.choice(_ADJ)} {rng.choice(_NOUN)} {rng.choice(_VERB)} near the {rng.choice(_NOUN)}."


def filler(rng: random.Random, count: int) -> list[str]:
    return [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(count)]


def person_docs(rng: random.Random, person: tuple[str, str, str]) -> list[str]:
    name, email, phone = person
    return [
        t.format(
            name=name,
            email=email,
            phone=phone,
            adj=rng.choice(_ADJ),
            noun=rng.choice(_NOUN),
            verb=rng.choice(_VERB),
        )
        for t in _TEMPLATES
    ]


@dataclass
class LeakyModel:
    root: Path
    model: Path
    subject: Path
    documents: Path  # the person's documents (the forget set)
    retain: Path  # filler + look-alikes that were trained on
    lookalikes: Path  # other people's documents in training
    non_members: Path  # look-alike documents never trained on
    canaries: Path


def _jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), "utf-8")
    return path


def build_leaky_model(root: Path, seed: int = 0) -> LeakyModel:
    rng = random.Random(seed)
    docs = person_docs(rng, (NAME, EMAIL, PHONE))
    lookalikes = [d for p in _PEOPLE for d in person_docs(rng, p)]
    outsiders = [d for p in _OUTSIDERS for d in person_docs(rng, p)]
    rest = filler(rng, 70)
    canaries = make_canaries([20, 0], per_repeat=1, digits=6, seed=seed)
    texts = rest + lookalikes * 2 + docs * 4
    rows = planted(iter({"text": t} for t in texts), canaries, seed)
    model = root / "model"
    train_tiny(
        [r["text"] for r in rows], model, "micro", TrainSettings(epochs=40, batch=4, seed=seed)
    )
    (root / "subject.toml").write_text(PROFILE, "utf-8")
    write_canaries(root / "canaries.jsonl", canaries)
    return LeakyModel(
        root,
        model,
        root / "subject.toml",
        _jsonl(root / "documents.jsonl", docs),
        _jsonl(root / "retain.jsonl", rest + lookalikes),
        _jsonl(root / "lookalikes.jsonl", lookalikes),
        _jsonl(root / "non_members.jsonl", outsiders),
        root / "canaries.jsonl",
    )
