"""A text as names are compared: combining marks and tatweel out, compatibility forms folded.

'José' written in NFD ('Jose' + U+0301), 'مُحَمَّد' with harakat, 'مـحـمـد' with tatweel and
fullwidth 'Ｊａｎｅ' all hold the same name as their plain spelling. `text_view` gives the text
with those differences removed and, per character of the view, where it came from, so a match
in the view is reported at the right place of the original.

`word_sequences` reads a text as the suppression registry must (it has no names, only keyed
hashes of them): every run of up to MAX_WORDS words, folded as `normalize.fold` folds a
profile's names, starting where `starts` allows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache

from expunge.subject.normalize import TATWEEL, fold

MAX_WORDS = 8
_WORD = re.compile(r"\w+")
# Between two words of a name as find matches it: one space, optionally after ',' or '.',
# or a hyphen / apostrophe joining the words ('al-rashid', "o'neil").
_JOINER = re.compile(r"[,.]? |[-'’]")


@cache
def _changed_chars() -> re.Pattern[str]:
    """A character class of what the view changes: combining marks, tatweel, and characters
    with a compatibility decomposition (fullwidth forms, ligatures); precomposed letters such
    as 'é' are left alone (find spells them out as literals)."""
    ranges: list[str] = []
    for code in range(0x80, 0x10000):
        c = chr(code)
        if (
            unicodedata.combining(c)
            or c == TATWEEL
            or unicodedata.normalize("NFKD", c) != unicodedata.normalize("NFD", c)
        ):
            ranges.append(re.escape(c))
    return re.compile("[" + "".join(ranges) + "]")


def text_view(text: str) -> tuple[str, list[int], list[int]] | None:
    """(view, start, end): view[k] comes from text[start[k]:end[k]]; None when the view is
    the text itself (all ASCII text, and most other text)."""
    if text.isascii() or not _changed_chars().search(text):
        return None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, c in enumerate(text):
        if c.isascii():
            pieces: str = c
        else:
            pieces = "".join(
                p for p in unicodedata.normalize("NFKD", c)
                if not unicodedata.combining(p) and p != TATWEEL
            )  # fmt: skip
        if not pieces:  # a mark: it belongs to the character before it
            if ends:
                ends[-1] = i + 1
            continue
        for p in pieces:
            out.append(p)
            starts.append(i)
            ends.append(i + 1)
    return "".join(out), starts, ends


def first_word(key: str) -> str | None:
    """The first word of a folded identifier ('doe, jane' -> 'doe')."""
    found = _WORD.search(key)
    return found.group(0) if found else None


def word_sequences(
    text: str, starts: Callable[[str], bool], max_words: int = MAX_WORDS
) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded) of runs of 1..max_words words of `text` whose first folded word
    passes `starts`, joined as names are written (see _JOINER); offsets in `text`."""
    view = text_view(text)
    plain = view[0] if view is not None else text
    words = [(m.start(), m.end(), fold(m.group(0))) for m in _WORD.finditer(plain)]
    for i, (w_start, _, folded) in enumerate(words):
        if not folded or not starts(folded):
            continue
        key = folded
        end = words[i][1]
        yield _span(view, w_start, end, key)
        for j in range(i + 1, min(len(words), i + max_words)):
            gap = plain[end : words[j][0]]
            if not _JOINER.fullmatch(gap):
                break
            key += gap + words[j][2]
            end = words[j][1]
            yield _span(view, w_start, end, key)


def _span(
    view: tuple[str, list[int], list[int]] | None, start: int, end: int, key: str
) -> tuple[int, int, str]:
    if view is None:
        return start, end, key
    return view[1][start], view[2][end - 1], key
