"""Labelled text written by others, read into one shape for `bench_eval.py` (issue 18).

Each source is a public corpus or a peer's test suite with its own labels; none was made by
expunge's generator. The corpora are not kept here: `fetch_eval_sources.py` clones each at the
commit below into `bench-data/eval-sources/NAME/`. The test suites' cases are kept in
`benchmarks/data/eval/NAME/` (cases.jsonl, SOURCE.md, the licence), re-expressed from each
suite by `benchmarks/eval_builders/build_NAME.py`.

| name | repository @ commit | licence | what it is |
|---|---|---|---|
| meddocan | PlanTL-GOB-ES/SPACCC_MEDDOCAN @ 783a6df | CC BY 4.0 | 1,000 Spanish clinical case reports with invented personal data, labelled by hand (IberLEF 2019) |
| pl-pii-bench | pl-pii-bench/pl-pii-bench @ ddd2a81 | CC BY 4.0 (data) | Polish administrative, legal and financial documents, synthetic, checksum-valid identifiers |
| piisa | piisa/pii-extract-plg-regex @ fbcbe54 | Apache-2.0 | the PIISA project's test sentences for 14 countries' phones, ids, cards, emails |
| recognizers-text-sequence | microsoft/Recognizers-Text @ 90e968e | MIT | Specs/Sequence: phones, IPs, URLs, emails in sentences of 12 languages |
| datafog-python | DataFog/datafog-python @ b34c04c | MIT | its tests' corpus and templated sentences (emails, phones, SSNs, cards, IPs) |
| scrubadub | LeapBeyond/scrubadub @ 53772cb | Apache-2.0 | its detector tests (emails, phones, URLs, cards, SSNs) |
| redact-pii | solvvy/redact-pii @ 392a69a | MIT | its redactor tests (URLs, cards, phones, IPs, names) |

The last four are test suites: each test's sentence and the matches it expects, with the
types the suite labels.

A record is {id, source, text, spans: [(start, end, type)], judged: frozenset of types}. A
detector's finding of a type outside `judged` cannot be scored in that record (the source does
not label it) and is left out; inside `judged`, a finding no label overlaps is a false
positive.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

Span = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Record:
    id: str
    source: str
    text: str
    spans: tuple[Span, ...]
    judged: frozenset[str]


# --- MEDDOCAN: BRAT standoff, character offsets ---------------------------------------------

_MEDDOCAN_TYPES = {
    "CORREO_ELECTRONICO": "email",
    "NUMERO_TELEFONO": "phone",
    "NUMERO_FAX": "phone",
    "CALLE": "street_address",
    "URL_WEB": "url",
    "DIREC_PROT_INTERNET": "ip_address",
}
# Its scheme labels every identifier of a person (ids, insurance and licence numbers, web
# addresses, IP addresses): a card, IBAN, SSN, URL or IP that no label covers is a false one.
_MEDDOCAN_JUDGED = frozenset(
    {"email", "phone", "street_address", "url", "ip_address", "credit_card", "iban", "us_ssn"}
)


def meddocan(root: Path) -> Iterator[Record]:
    for ann in sorted(root.glob("corpus/*/brat/*.ann")):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        spans = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            if not line.startswith("T"):
                continue
            _, label_range, value = line.split("\t", 2)
            label, start, end = label_range.split(" ")[:3]
            if label in _MEDDOCAN_TYPES:
                s, e = int(start), int(end)
                assert text[s:e] == value, (ann, line)
                spans.append((s, e, _MEDDOCAN_TYPES[label]))
        yield Record(f"{ann.parent.parent.name}/{ann.stem}", "meddocan", text, tuple(spans),
                     _MEDDOCAN_JUDGED)  # fmt: skip


# --- pl-pii-bench: one JSON per document, character offsets ---------------------------------

_PL_TYPES = {
    "EMAIL": "email",
    "PHONE": "phone",
    "PAYMENT_CARD": "credit_card",
    "IBAN": "iban",
    "DOB": "date_of_birth",
}
_PL_JUDGED = frozenset({"email", "phone", "credit_card", "iban", "us_ssn", "date_of_birth"})
# robustness/ holds perturbed copies of core/ (not independent); inflection/ only names.
_PL_LANES = ("core", "identifiers", "address", "pdf", "negative")


def pl_pii_bench(root: Path) -> Iterator[Record]:
    for lane in _PL_LANES:
        for path in sorted((root / "corpus" / lane).glob("*.json")):
            doc = json.loads(path.read_text(encoding="utf-8"))
            text = doc["text"]
            spans = []
            for ent in doc.get("entities", []):
                if ent["label"] in _PL_TYPES:
                    assert text[ent["start"] : ent["end"]] == ent["text"], path
                    spans.append((ent["start"], ent["end"], _PL_TYPES[ent["label"]]))
            yield Record(f"{lane}/{path.stem}", "pl-pii-bench", text, tuple(spans), _PL_JUDGED)


# --- PIISA: test tuples (input, expected with <TYPE:value> tags) -----------------------------

_PIISA_TYPES = {
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "CREDIT_CARD": "credit_card",
    "IP_ADDRESS": "ip_address",
}
# Which of our types a test file judges: the type it tests (each file tests one detector).
_PIISA_FILE_TYPES = (
    ("phone_number", "phone"), ("ipn", "phone"), ("email", "email"), ("credit_card", "credit_card"),
    ("ip_address", "ip_address"), ("ssn", "us_ssn"),
)  # fmt: skip
_TAG = re.compile(r"<([A-Z_]+):([^<>]*)>")
# Negative cases that say what their detector leaves out, not what is no phone: 'missing
# context' (a valid number with no word near), 'no valid contexts' ('number: +34983453999'),
# and a country file's 'invalid numbers', which include other countries' valid ones
# (+34983453999 in the US, UK and Mexican files). Negatives for a bad checksum, a bad country
# code, a wrong length or a malformed address are kept.
_PIISA_SCOPE = ("context", "invalid numbers")


def piisa(root: Path) -> Iterator[Record]:
    for path in sorted(root.glob("test/unit/B_modules/**/test_*.py")):
        judged = frozenset(t for key, t in _PIISA_FILE_TYPES if key in path.stem)
        if not judged:
            continue  # ids of other countries, ages, zip codes: no type of ours to score
        source = path.read_text(encoding="utf-8")
        for n, (text, expected, comment) in enumerate(_piisa_cases(source)):
            if text == expected and any(w in comment.lower() for w in _PIISA_SCOPE):
                continue  # a valid value outside their detector's scope (see _PIISA_SCOPE)
            spans = _untag(text, expected)
            if spans is None:
                continue
            rel = path.relative_to(root / "test/unit/B_modules")
            ssn_file = judged == {"us_ssn"}  # its GOV_ID tags are US social security numbers
            yield Record(f"{rel}:{n}", "piisa", text,
                         tuple((s, e, "us_ssn" if ssn_file and t == "GOV_ID"
                                else _PIISA_TYPES.get(t, "other")) for s, e, t in spans),
                         judged)  # fmt: skip


def _piisa_cases(source: str) -> Iterator[tuple[str, str, str]]:
    """(input, expected, the comment line above the tuple) of TESTCASES."""
    lines = source.splitlines()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "TESTCASES" for t in node.targets
        ):
            assert isinstance(node.value, ast.List)
            comment = ""
            for item in node.value.elts:
                above = lines[item.lineno - 2].strip()
                if above.startswith("#"):
                    comment = above
                if not isinstance(item, ast.Tuple) or len(item.elts) < 2:
                    continue
                a, b = item.elts[0], item.elts[1]
                if isinstance(a, ast.Constant) and isinstance(b, ast.Constant):
                    yield str(a.value), str(b.value), comment


def _untag(text: str, expected: str) -> list[Span] | None:
    """Spans in `text` of the <TYPE:value> tags of `expected`; None if they do not line up."""
    spans, plain, pos = [], [], 0
    for m in _TAG.finditer(expected):
        plain.append(expected[pos : m.start()])
        start = sum(len(p) for p in plain)
        plain.append(m.group(2))
        spans.append((start, start + len(m.group(2)), m.group(1)))
        pos = m.end()
    plain.append(expected[pos:])
    return spans if "".join(plain) == text else None


# --- peers' test suites, re-expressed as cases.jsonl (text, spans, labelled_types) ----------


def cases(root: Path) -> Iterator[Record]:
    """A test suite's cases, written out by the builder script kept next to them
    (`build_cases.py`: the test's own sentences and the spans it expects)."""
    for line in (root / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        text = case["text"]
        spans = []
        for span in case["spans"]:
            assert text[span["start"] : span["end"]] == span["value"], case["id"]
            spans.append((span["start"], span["end"], span["type"]))
        yield Record(case["id"], root.name, text, tuple(spans), frozenset(case["labelled_types"]))


CORPORA = {"meddocan": meddocan, "pl-pii-bench": pl_pii_bench, "piisa": piisa}
SUITES = ("recognizers-text-sequence", "datafog-python", "scrubadub", "redact-pii")
SUITES_DIR = Path(__file__).resolve().parent / "data" / "eval"


def load(root: Path) -> list[Record]:
    """Every record: the test suites in benchmarks/data/eval, and the corpora found under
    `root` (bench-data/eval-sources, filled by fetch_eval_sources.py)."""
    out: list[Record] = []
    for name, reader in CORPORA.items():
        if (root / name).is_dir():
            out.extend(reader(root / name))
    for name in SUITES:
        out.extend(cases(SUITES_DIR / name))
    return out
