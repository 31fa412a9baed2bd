"""Visible text of an HTML page, for scanning: one line per block element.

Scripts, styles, `<noscript>` and `<template>` are dropped (code, not prose). Every block
element gets a marker before and after it; inline elements do not, so "Hello <b>World</b>"
stays one line. Whitespace runs inside a line collapse to one space.
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
_BLOCK_SELECTOR = ", ".join(sorted(_BLOCK_TAGS))
# ASCII record separator: not whitespace to our collapse regex, and never in visible text.
_BLOCK_MARK = "\x1e"
_SPACES = re.compile(r"[^\S\x1e]+")


def html_to_text(html: str) -> str:
    tree = LexborHTMLParser(html)
    tree.strip_tags(_DROPPED_TAGS)
    root = tree.root
    if root is None:
        return ""
    for node in tree.css(_BLOCK_SELECTOR):
        node.insert_before(_BLOCK_MARK)
        node.insert_after(_BLOCK_MARK)
    raw = root.text(deep=True, separator="")
    lines = (_SPACES.sub(" ", part).strip() for part in raw.split(_BLOCK_MARK))
    return "\n".join(line for line in lines if line)
