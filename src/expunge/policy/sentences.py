"""Sentence splitting for policy prose.

A sentence ends at '.', '!', '?' or '…' (with closing quotes or brackets after it) followed by
white space and a capital, a digit, a quote or a bracket; it does not end after abbreviations
("e.g.", "i.e.", "U.S.", "No. 5", "Art.", initials), and after "Inc.", "Ltd.", "etc." or "U.S." it
ends only when a common sentence opener follows ("... Acme Inc. We collect"). Inline bullets
("•") and semicolon-separated enumerations keep list items apart only where a bullet stands.
"""

from __future__ import annotations

import re

# Never end a sentence.
_ABBREVIATIONS = frozenset(
    ["e.g", "i.e", "eg", "ie", "cf", "viz", "vs", "v", "mr", "mrs", "ms", "dr", "prof", "st", "jr",
     "sr",
     "approx", "incl", "esp", "ca", "al", "ave", "blvd", "dept", "est", "ref", "resp", "min",
     "max", "govt", "ss", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
     "nov", "dec", "regs", "cal", "civ", "stat", "ann", "rev", "ill", "comp", "subd",
     "seq", "et", "tel", "ph", "fax", "ext", "a.k.a", "aka", "d/b/a", "dba", "op"]
)  # fmt: skip
# Abbreviations only before a number: "No. 5", "Art. 6", "Sec. 15", "p. 3".
_BEFORE_NUMBER = frozenset(
    ["no", "nos", "nr", "art", "arts", "sec", "secs", "para", "paras", "p", "pp", "fig", "vol",
     "ch", "chap", "pt", "reg", "rule", "tab", "app"]
)  # fmt: skip
# End a sentence only before a common opener.
_SOMETIMES = frozenset(
    ["inc", "ltd", "llc", "l.l.c", "co", "corp", "plc", "gmbh", "ag", "s.a", "b.v", "n.v", "pty",
     "etc", "u.s", "u.k", "e.u", "u.s.a", "u.n", "l.p", "lp", "llp"]
)  # fmt: skip
_OPENERS = frozenset(
    ["we", "you", "our", "your", "this", "these", "those", "if", "in", "the", "for", "when", "it",
     "they", "please", "to", "as", "any", "all", "such", "some", "where", "unless", "note",
     "however", "learn", "see", "each", "a", "an", "by", "under", "with", "after", "before",
     "depending", "except", "there", "what", "how", "why", "who", "no", "none", "many", "most",
     "residents", "users", "customers", "personal", "information", "data", "california"]
)  # fmt: skip
_END = re.compile(r"[.!?…]+['\"’”)\]]*(?=\s+)|\s[•▪●·]\s")
_NEXT_START = re.compile(r"\s+(['\"‘“(\[]?)(\S)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of one block of text, stripped."""
    spans: list[tuple[int, int]] = []
    start = 0
    for found in _END.finditer(text):
        end = found.end()
        mark = found.group()
        if mark.strip() in ("•", "▪", "●", "·"):
            _add(spans, text, start, found.start())
            start = found.end()
            continue
        nxt = _NEXT_START.match(text, end)
        if nxt is None:
            continue
        first = nxt.group(2)
        if not (first.isupper() or first.isdigit() or nxt.group(1) or first in "§•"):
            continue
        if mark[0] == "." and not _breaks_after(text, start, found.start(), nxt.end(2) - 1):
            continue
        _add(spans, text, start, end)
        start = end
    _add(spans, text, start, len(text))
    if len(spans) > 1 and _run_in_heading(text[spans[0][0] : spans[0][1]]):
        # A run-in heading ("Retention. We keep logs for 30 days.") reads with its sentence.
        spans[:2] = [(spans[0][0], spans[1][1])]
    return spans


def _breaks_after(text: str, start: int, dot: int, next_at: int) -> bool:
    """Is the '.' at `dot` the end of a sentence (not an abbreviation or initial)?"""
    word_start = dot
    while word_start > start and not text[word_start - 1].isspace() and text[word_start - 1] != "(":
        word_start -= 1
    word = text[word_start:dot].lower().strip("\"'“‘([")
    if not word:
        return True
    if word in _ABBREVIATIONS:
        return False
    if word in _BEFORE_NUMBER and text[next_at : next_at + 1].isdigit():
        return False
    if len(word) == 1 and word.isalpha():
        return False  # an initial: "J. Smith", "(a)."? rare at a sentence end
    if word in _SOMETIMES or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
        following = re.match(r"[A-Za-z]+", text[next_at:])
        return bool(following and following.group().lower() in _OPENERS)
    return True


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalnum() for ch in text[start:end]):
        spans.append((start, end))


_NOT_A_HEADING = re.compile(
    r"\b(?:we|you|i|our|us|is|are|was|were|will|may|can|do|does|not|no|yes)\b", re.IGNORECASE
)


def _run_in_heading(first: str) -> bool:
    """'Account data.' or 'Usage and device data.': a few words, a full stop, no verb-ish word."""
    words = first.split()
    return len(words) <= 5 and first.endswith(".") and not _NOT_A_HEADING.search(first)
