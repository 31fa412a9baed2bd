"""Visible text of an HTML page, for scanning: one line per block element.

Scripts, styles, `<noscript>` and `<template>` are dropped (code, not prose). Block elements
start and end lines; inline elements do not, so "Hello <b>World</b>" stays one line.
Whitespace runs inside a line collapse to one space.

How: a marker character is put in front of every block tag in the HTML source, the page is
parsed with lexbor, and its text is split at the markers. Marking the source with one regex
is several times faster than inserting marker nodes into the parsed tree one by one. A marker
that lands where no text is extracted (an attribute, a comment, a script) simply vanishes.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_DROPPED_TAGS = ["script", "style", "noscript", "template"]
# Elements that start a new line of text; everything else is inline.
_BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog",
     "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
     "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "option", "p", "pre",
     "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul"]
)  # fmt: skip
# A control character: never visible text, and (unlike \x1c-\x1f) not whitespace to
# str.split(), so it survives the whitespace collapse below.
_BLOCK_MARK = "\x02"
_BLOCK_BREAK = re.compile("\x02[\x02 ]*")  # starts with a literal, so the search is fast
# Lower- and upper-case names spelled out: re.IGNORECASE makes this pass ~3x slower.
_BLOCK_TAG_START = re.compile(
    "<(?=/?(?:{})[\\s/>])".format(
        "|".join(sorted(_BLOCK_TAGS | {tag.upper() for tag in _BLOCK_TAGS}, key=len, reverse=True))
    )
)


def html_to_text(html: str) -> str:
    tree = LexborHTMLParser(_BLOCK_TAG_START.sub(_BLOCK_MARK + "<", html))
    tree.strip_tags(_DROPPED_TAGS)
    root = tree.root
    if root is None:
        return ""
    raw = root.text(deep=True, separator="")
    # Whole-string passes in C: collapse whitespace runs to one space, then turn each run of
    # block marks (with the spaces around them) into one newline.
    spaced = " ".join(raw.split()).replace(" " + _BLOCK_MARK, _BLOCK_MARK)
    return _BLOCK_BREAK.sub("\n", spaced).strip("\n")
