"""Synthetic web-like datasets with planted personal data and exact ground truth.

Two users share this package: `write_demo_dataset` (a small dataset in every supported format,
with one fictional person to search for) and `benchmarks/make_corpus.py` (hundreds of MB of
JSONL), which imports the generators and `DocFactory` from here so both agree on what each
PII type looks like.

Truth is exact by construction: every text is assembled piece by piece in a `TextBuilder`,
which records the character span of each planted value while appending it. Nothing is searched
for afterwards. Decoys (strings that look like PII to a plain pattern but are not) are counted,
never put in the truth.

Conventions of the truth:
- `url` covers http(s) URLs that are not social profiles; bare site paths such as
  `github.com/features` are decoys.
- `social_handle` covers "@handle" (with the "@") written next to a platform name, and social
  profile URLs (https://x.com/name, https://github.com/name, ...), as expunge reports them.
- `date_of_birth` covers the date only, never the "born on" words around it.
- `secret` covers the key itself (for a PEM block: BEGIN to END lines inclusive).
- `person` is never planted: names occur all over the text and are not in the truth.
- The WARC shard of the demo dataset is not in `truth.jsonl`: its offsets would depend on how
  HTML is turned into text. Its planted values are listed in `_truth_warc_values.jsonl`.
"""

from .dataset import (
    DATASET_DIR,
    STATS_FILE,
    SUBJECT_FILE,
    TRUTH_FILE,
    WARC_SHARD,
    WARC_VALUES_FILE,
    DemoInfo,
    main,
    write_demo_dataset,
)
from .documents import KINDS, DocFactory, DocPlan, GeneratedDoc
from .entity_types import DECOY_KINDS, ENTITY_TYPES, PLANTED_TYPES
from .pools import Pools
from .subject import SUBJECT, Subject, subject_toml
from .text import Span, TextBuilder
from .truth import count_types, merge_counts, truth_conventions, truth_rows
from .values import (
    SECRET_PREFIXES,
    base58check_valid,
    bech32_valid,
    iban_valid,
    luhn_valid,
    make_card,
    make_iban,
    make_invalid_phone,
    make_isbn13,
    make_phone,
    make_wallet,
    phone_valid,
    ssn_valid,
)
from .writers import jsonl_bytes

__all__ = [
    "DATASET_DIR",
    "DECOY_KINDS",
    "ENTITY_TYPES",
    "KINDS",
    "PLANTED_TYPES",
    "SECRET_PREFIXES",
    "STATS_FILE",
    "SUBJECT",
    "SUBJECT_FILE",
    "TRUTH_FILE",
    "WARC_SHARD",
    "WARC_VALUES_FILE",
    "DemoInfo",
    "DocFactory",
    "DocPlan",
    "GeneratedDoc",
    "Pools",
    "Span",
    "Subject",
    "TextBuilder",
    "base58check_valid",
    "bech32_valid",
    "count_types",
    "iban_valid",
    "jsonl_bytes",
    "luhn_valid",
    "main",
    "make_card",
    "make_iban",
    "make_invalid_phone",
    "make_isbn13",
    "make_phone",
    "make_wallet",
    "merge_counts",
    "phone_valid",
    "ssn_valid",
    "subject_toml",
    "truth_conventions",
    "truth_rows",
    "write_demo_dataset",
]
