"""Validate the policy_eval labelled set.

Run from the repository root:

    .venv/bin/python benchmarks/data/policy_eval/check.py

Checks that
  * every label in labels.jsonl has a known document, known categories, a
    non-empty text, and that the text occurs verbatim in the document's
    normalised visible text (rule below) - and, as a warning, exactly once;
  * no (doc, text) pair is listed twice;
  * docs.jsonl has exactly one valid line per document, and nothing else;
  * every document has 30-90 sentences (simple splitter, see count_sentences).

and prints counts per category, per format, and per document.

Normalisation rule ("visible text"), applied to the document; label texts are
stored already in this form:
  * .html: parse with selectolax (lexbor backend), drop <script>, <style>,
    <noscript> and <template>, take body.text(separator=" ") - i.e. every text
    node joined by one space, entities decoded, tags removed - then collapse
    every run of whitespace to a single space and strip.
  * .txt: the raw file with every run of whitespace (including the line breaks
    of hard-wrapped paragraphs) collapsed to a single space.
  * .md: inline markup removed - [text](url) -> text, and "**", "__" and "`"
    deleted - then whitespace collapsed. Block markers ("#", "- ", "|") are
    kept; labelled sentences never start with them, so they only matter as
    surrounding context.
A label matches if its text is a substring of that normalised document text.

No project imports; needs only the standard library and selectolax.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

HERE = Path(__file__).resolve().parent
CATEGORIES = ("ai_training", "metadata", "biometrics", "opt_out", "retention", "ai_sharing")
DOC_FIELDS = {
    "trains_on_user_content": {"yes", "no", "unclear"},
    "ai_opt_out": {"yes", "no", "not_applicable"},
    "biometrics": {"yes", "no"},
    "shares_for_ai": {"yes", "no"},
}
DOC_EXTS = (".html", ".txt", ".md")
MIN_SENTENCES, MAX_SENTENCES = 30, 90
MIN_PER_CATEGORY = 40

_WS = re.compile(r"\s+")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# Sentence boundary: . ! or ? (optionally followed by a closing quote/bracket),
# whitespace, then something that can start a sentence.
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]?\s+(?=[A-Z0-9\"'\u201c(\[])")


def collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


def visible_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        tree = LexborHTMLParser(raw)
        for node in tree.css("script, style, noscript, template"):
            node.decompose()
        body = tree.body
        return collapse(body.text(separator=" ") if body is not None else "")
    if path.suffix == ".md":
        raw = _MD_LINK.sub(r"\1", raw)
        raw = raw.replace("**", "").replace("__", "").replace("`", "")
        return collapse(raw)
    return collapse(raw)


def count_sentences(text: str) -> int:
    """Rough count: split on sentence-final punctuation followed by a capital.

    Headings and table cells without final punctuation are glued to the
    following sentence, so this slightly under-counts short fragments.
    """
    return len([s for s in _SENT_SPLIT.split(text) if re.search(r"[A-Za-z]", s)])


def load_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path.name}:{n}: invalid JSON: {exc}")
    return rows


def main() -> int:
    errors: list[str] = []
    warnings: list[str] = []
    docs = sorted(p for p in HERE.iterdir() if p.suffix in DOC_EXTS and p.name != "README.md")
    texts = {p.name: visible_text(p) for p in docs}

    labels = load_jsonl(HERE / "labels.jsonl")
    seen: set[tuple[str, str]] = set()
    per_cat = Counter()
    per_cat_fmt: dict[str, Counter] = defaultdict(Counter)
    per_doc_cat: dict[str, Counter] = defaultdict(Counter)
    for n, lab in enumerate(labels, 1):
        where = f"labels.jsonl:{n}"
        if set(lab) != {"doc", "text", "categories"}:
            errors.append(f"{where}: keys must be doc, text, categories (got {sorted(lab)})")
            continue
        doc, text, cats = lab["doc"], lab["text"], lab["categories"]
        if doc not in texts:
            errors.append(f"{where}: unknown document {doc!r}")
            continue
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{where}: empty text")
            continue
        if text != collapse(text):
            errors.append(f"{where}: text is not whitespace-collapsed: {text!r}")
        if not isinstance(cats, list) or not cats:
            errors.append(f"{where}: categories must be a non-empty list")
            continue
        bad = [c for c in cats if c not in CATEGORIES]
        if bad:
            errors.append(f"{where}: unknown categories {bad}")
        if len(set(cats)) != len(cats):
            errors.append(f"{where}: duplicate categories {cats}")
        if (doc, text) in seen:
            errors.append(f"{where}: duplicate label for {doc}: {text[:60]!r}")
        seen.add((doc, text))
        occurrences = texts[doc].count(text)
        if occurrences == 0:
            errors.append(f"{where}: text not found in {doc}: {text[:90]!r}")
        elif occurrences > 1:
            warnings.append(f"{where}: text occurs {occurrences} times in {doc}: {text[:60]!r}")
        if re.search(r" [.,;:!?]", text):
            warnings.append(
                f"{where}: space before punctuation (inline tag artefact?): {text[:70]!r}"
            )
        if not re.search(r"[.!?)\w]$", text):
            warnings.append(f"{where}: text does not end like a sentence: {text[-30:]!r}")
        ext = Path(doc).suffix.lstrip(".")
        for c in set(cats) & set(CATEGORIES):
            per_cat[c] += 1
            per_cat_fmt[c][ext] += 1
            per_doc_cat[doc][c] += 1

    doc_rows = load_jsonl(HERE / "docs.jsonl")
    covered = Counter(r.get("doc") for r in doc_rows)
    for name in texts:
        if covered[name] != 1:
            errors.append(f"docs.jsonl: {name} listed {covered[name]} times (need exactly 1)")
    for r in doc_rows:
        if r.get("doc") not in texts:
            errors.append(f"docs.jsonl: unknown document {r.get('doc')!r}")
            continue
        if set(r) != {"doc", *DOC_FIELDS}:
            errors.append(f"docs.jsonl: {r['doc']}: keys must be doc + {sorted(DOC_FIELDS)}")
        for field, allowed in DOC_FIELDS.items():
            if r.get(field) not in allowed:
                errors.append(
                    f"docs.jsonl: {r['doc']}: {field}={r.get(field)!r} not in {sorted(allowed)}"
                )

    sentences = {name: count_sentences(t) for name, t in texts.items()}
    for name, n in sentences.items():
        if not MIN_SENTENCES <= n <= MAX_SENTENCES:
            errors.append(f"{name}: {n} sentences, expected {MIN_SENTENCES}-{MAX_SENTENCES}")
    for c in CATEGORIES:
        if per_cat[c] < MIN_PER_CATEGORY:
            warnings.append(
                f"category {c}: only {per_cat[c]} positives (target {MIN_PER_CATEGORY})"
            )

    fmt_docs = Counter(Path(n).suffix.lstrip(".") for n in texts)
    fmt_sents = Counter()
    for name, n in sentences.items():
        fmt_sents[Path(name).suffix.lstrip(".")] += n
    labelled_docs = Counter(lab["doc"] for lab in labels)

    print(
        f"documents: {len(texts)}  ({', '.join(f'{k}: {v}' for k, v in sorted(fmt_docs.items()))})"
    )
    print(
        f"sentences (approx.): {sum(sentences.values())}  "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(fmt_sents.items()))})"
    )
    print(f"labelled sentences: {len(labels)}")
    print()
    fmts = sorted(fmt_docs)
    print(f"{'category':<14}{'total':>7}" + "".join(f"{f:>7}" for f in fmts))
    for c in CATEGORIES:
        print(f"{c:<14}{per_cat[c]:>7}" + "".join(f"{per_cat_fmt[c][f]:>7}" for f in fmts))
    print()
    short = {
        "ai_training": "train",
        "metadata": "meta",
        "biometrics": "bio",
        "opt_out": "opt",
        "retention": "ret",
        "ai_sharing": "share",
    }
    print(
        f"{'document':<18}{'sents':>6}{'labels':>7}" + "".join(f"{short[c]:>7}" for c in CATEGORIES)
    )
    for name in texts:
        print(
            f"{name:<18}{sentences[name]:>6}{labelled_docs[name]:>7}"
            + "".join(f"{per_doc_cat[name][c]:>7}" for c in CATEGORIES)
        )

    for w in warnings:
        print("WARNING:", w, file=sys.stderr)
    if errors:
        for e in errors:
            print("ERROR:", e, file=sys.stderr)
        print(f"\nFAILED with {len(errors)} error(s)", file=sys.stderr)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
