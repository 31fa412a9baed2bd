"""A policy's text with its structure: blocks (paragraphs, list items, table rows), each located
by its section heading path and paragraph number, and for PDFs by page.

HTML: walked with selectolax (lexbor); navigation, footers, scripts, styles and hidden elements
are skipped; headings build the section path; list items and table rows become blocks of their
own (a list item remembers the lead-in sentence ending in ':' before it, a table row its header
row); links keep their target. Plain text and Markdown: blank lines and list markers separate
blocks, hard-wrapped lines are joined, headings are Markdown `#` / underlined lines or short
unpunctuated lines ("3. HOW WE USE INFORMATION"). PDF: pypdf text per page, then the same line
parser, with page numbers kept and page-number lines and repeated page headers dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from expunge.errors import ExpungeError

SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text", ".md": "text",
            ".markdown": "text", ".pdf": "pdf"}  # fmt: skip
SUPPORTED = ".html, .htm, .txt, .md or .pdf"

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "svg", "nav", "footer", "iframe", "object",
     "canvas", "select", "button", "head", "title", "meta", "link", "input", "textarea", "math"]
)  # fmt: skip
_SKIP_ROLES = frozenset(["navigation", "contentinfo", "banner", "search", "dialog", "alertdialog"])
_BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog", "div",
     "dl", "dt", "fieldset", "figcaption", "figure", "form", "header", "li", "main", "ol", "p",
     "pre", "section", "summary", "ul", "body", "html", "center", "legend", "menu", "hgroup"]
)  # fmt: skip
_BREAK_TAGS = frozenset(["br", "hr"])
_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
_COOKIE_BANNER = re.compile(r"cookie[-_ ]?(?:banner|consent|notice|popup|modal|bar)", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_TITLE_WORDS = re.compile(
    r"privacy|policy|notice|statement|terms|addendum|supplement", re.IGNORECASE
)
_SECTION_NUMBER = re.compile(
    r"^(?:(?:section|part|article|art\.|§)\s*)?(?:(\d{1,3}(?:\.\d{1,3})*)\.?(?:[):]\s*|\s+)"
    r"|([IVXLC]{1,6}|[A-Z])[.):]\s+)(?=\S)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink inside a block: characters start..end of the block text point to url."""

    start: int
    end: int
    url: str


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph, list item or table row, with where it is."""

    text: str
    section: tuple[str, ...]
    section_no: str
    paragraph: int
    page: int | None = None
    kind: str = "p"  # p | li | row
    lead: str = ""  # list item: the lead-in sentence ending in ':'; table row: the header row
    links: tuple[Link, ...] = ()

    def location(self) -> str:
        """'§3 "How we use information", ¶2' (HTML, text) or 'page 4, ¶1' (PDF)."""
        parts = []
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.section:
            path = " › ".join(f'"{heading}"' for heading in self.section)
            parts.append(f"§{self.section_no} {path}" if self.section_no else path)
        parts.append(f"¶{self.paragraph}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class PolicyText:
    path: Path
    format: str  # html | text | pdf
    title: str
    blocks: tuple[Block, ...]
    pages: int | None = None


def read_policy(path: Path) -> PolicyText:
    """Read one policy file; every problem is an ExpungeError naming the file and the fix."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ExpungeError(
            f"{path}: unsupported file type {path.suffix or '(no extension)'!r}",
            f"expunge reads {SUPPORTED}; save the policy in one of those",
        )
    if not path.is_file():
        raise ExpungeError(f"{path} does not exist or is not a file", "check the path")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExpungeError(
            f"{path} cannot be read ({error.strerror})", "check its permissions"
        ) from None
    if not data.strip():
        raise ExpungeError(f"{path} is empty", "save the policy's text into it")
    if kind == "pdf":
        policy = _read_pdf(path, data)
    elif kind == "html":
        policy = read_html_text(_decode(data, html=True), path)
    else:
        text = _decode(data, html=False)
        if "\x00" in text:
            raise ExpungeError(f"{path} is not a text file", f"expunge reads {SUPPORTED}")
        policy = read_plain_text(text, path)
    if not policy.blocks:
        raise ExpungeError(f"{path} has no readable text", "check that it is a privacy policy")
    return policy


def _decode(data: bytes, *, html: bool) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if html:
        found = re.search(rb"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", data[:4096])
        if found:
            try:
                return data.decode(found.group(1).decode("ascii"), errors="replace")
            except LookupError:
                pass
    return data.decode("cp1252", errors="replace")


# --- building blocks -------------------------------------------------------------------------

_INTRODUCES = re.compile(r"\b(?:the\s+following|as\s+follows|listed\s+below|set\s+out\s+below|"
                         r"below)\b[^.:]{0,60}\.$", re.IGNORECASE)  # fmt: skip


def introduces(sentence: str) -> bool:
    """Does the sentence introduce what follows ("We use it to:", "... the following
    purposes.")?"""
    sentence = sentence.rstrip()
    return sentence.endswith(":") or bool(_INTRODUCES.search(sentence))


class _Builder:
    """Keeps the heading stack, section number and paragraph counter while blocks arrive."""

    def __init__(self, *, per_page: bool = False) -> None:
        self.per_page = per_page
        self.stack: list[tuple[int, str, str]] = []  # (level, heading, number)
        self.counters: list[int] = []  # headings seen per depth under the current parents
        self.paragraph = 0
        self.page: int | None = None
        self.blocks: list[Block] = []
        self.title = ""
        self.lead = ""

    def heading(self, level: int, raw: str) -> None:
        text = " ".join(_INVISIBLE.sub("", raw).split()).strip(" :")
        if not text:
            return
        if (not self.title and not self.stack and _TITLE_WORDS.search(text)
                and (level == 1 or not self.blocks) and len(self.blocks) <= 3):  # fmt: skip
            self.title = text
            return
        number = ""
        found = _SECTION_NUMBER.match(text)
        if found and len(text) > found.end():
            number = found.group(1) or found.group(2) or ""
            text = text[found.end() :]
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        depth = len(self.stack)
        self.counters = self.counters[: depth + 1]
        if len(self.counters) == depth + 1:
            self.counters[depth] += 1
        else:
            self.counters += [1] * (depth + 1 - len(self.counters))
        if not number:
            # Unnumbered headings are numbered by position: 2, 2.1, 2.2 (under the parent's).
            own = str(self.counters[depth])
            number = f"{self.stack[-1][2]}.{own}" if self.stack else own
        self.stack.append((level, text, number))
        self.paragraph = 0
        self.lead = ""

    def set_page(self, page: int | None) -> None:
        if page != self.page:
            self.page = page
            if self.per_page:
                self.paragraph = 0

    def block(self, text: str, kind: str = "p", links: tuple[Link, ...] = (),
              lead: str = "") -> None:  # fmt: skip
        if not any(ch.isalnum() for ch in text):
            return
        from expunge.policy.sentences import split_sentences

        if kind == "li" and not lead:
            lead = self.lead
        self.paragraph += 1
        section = tuple(h for _, h, _ in self.stack)
        number = self.stack[-1][2] if self.stack else ""
        self.blocks.append(
            Block(text, section, number, self.paragraph, self.page, kind, lead, links)
        )
        if kind == "p":
            spans = split_sentences(text)
            last = text[spans[-1][0] : spans[-1][1]] if spans else ""
            self.lead = last if introduces(last) else ""


class _Inline:
    """Collects inline text with whitespace collapsed, and the links inside it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pending_space = False
        self.links: list[Link] = []
        self.open: list[tuple[int, str]] = []

    def add(self, raw: str) -> None:
        raw = _INVISIBLE.sub("", raw)
        words = raw.split()
        if not words:
            self.pending_space = self.pending_space or bool(raw)
            return
        if self.length and (self.pending_space or raw[0].isspace()):
            self._put(" ")
        self._put(" ".join(words))
        self.pending_space = raw[-1].isspace()

    def space(self) -> None:
        self.pending_space = True

    def _put(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def open_link(self, url: str) -> None:
        self.open.append((self.length + (1 if self.length and self.pending_space else 0), url))

    def close_link(self) -> None:
        if self.open:
            start, url = self.open.pop()
            if self.length > start:
                self.links.append(Link(start, self.length, url))

    def take(self) -> tuple[str, tuple[Link, ...]]:
        text = "".join(self.parts)
        stripped = text.lstrip()
        shift = len(text) - len(stripped)
        text = stripped.rstrip()
        links = tuple(
            Link(max(0, lk.start - shift), min(len(text), lk.end - shift), lk.url)
            for lk in self.links
            if lk.end - shift > 0 and lk.start - shift < len(text)
        )
        self.parts, self.length, self.pending_space, self.links = [], 0, False, []
        self.open = [(0, url) for _, url in self.open]
        return text, links


# --- HTML ------------------------------------------------------------------------------------


def read_html_text(html: str, path: Path) -> PolicyText:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    builder = _Builder()
    root = tree.body or tree.root
    if root is not None:
        _walk_html(root, builder)
    if not builder.blocks:
        raise ExpungeError(
            f"{path} has no visible text",
            "if the page builds its text with JavaScript, open it in a browser and save the "
            "text as a .txt file",
        )
    title_node = tree.css_first("title")
    title = (title_node.text(strip=True) if title_node else "") or builder.title or path.stem
    return PolicyText(path, "html", " ".join(title.split()), tuple(builder.blocks))


def _children(node):  # type: ignore[no-untyped-def]
    child = node.child
    while child is not None:
        yield child
        child = child.next


def _skipped(node) -> bool:  # type: ignore[no-untyped-def]
    tag = node.tag
    if tag in _SKIP_TAGS or (tag.startswith("-") and tag != "-text"):
        return True
    attrs = node.attributes
    if not attrs:
        return False
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    if (attrs.get("role") or "").lower() in _SKIP_ROLES:
        return True
    if _COOKIE_BANNER.search(f"{attrs.get('id') or ''} {attrs.get('class') or ''}"):
        return True
    return bool(_HIDDEN_STYLE.search(attrs.get("style") or ""))


def _bold_heading(node) -> str | None:  # type: ignore[no-untyped-def]
    """`<p><strong>2. How we use data</strong></p>`: a paragraph that is one short bold run
    without a full stop is a heading in disguise."""
    if node.tag not in ("p", "div"):
        return None
    parts = [c for c in _children(node) if c.tag != "-comment"
             and not (c.tag == "-text" and not (c.text_content or "").strip())]  # fmt: skip
    if len(parts) != 1 or parts[0].tag not in ("strong", "b"):
        return None
    text = " ".join(parts[0].text(deep=True).split())
    if not text or len(text) > 90 or text[-1] in ".,;!" or len(text.split()) > 12:
        return None
    return text


def _href(node) -> str | None:  # type: ignore[no-untyped-def]
    href = (node.attributes.get("href") or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "data:")):
        return None
    return href


def _walk_html(root, builder: _Builder) -> None:  # type: ignore[no-untyped-def]
    inline = _Inline()
    kinds = ["p"]

    def flush() -> None:
        text, links = inline.take()
        if text:
            builder.block(text, kinds[-1], links)

    # Iterative walk (deep pages would overflow recursion): ("enter", node) / ("exit", tag).
    todo: list[tuple[str, object]] = [("enter", root)]
    while todo:
        event, item = todo.pop()
        if event == "exit":
            if item == "a":
                inline.close_link()
            else:
                flush()
                kinds.pop()
            continue
        node = item
        tag = node.tag  # type: ignore[attr-defined]
        if tag == "-text":
            inline.add(node.text_content or "")  # type: ignore[attr-defined]
            continue
        if _skipped(node):
            continue
        if tag in _HEADING_TAGS:
            flush()
            text, _ = _flat_text(node)
            builder.heading(_HEADING_TAGS[tag], text)
            continue
        if tag == "table":
            flush()
            _table(node, builder)
            continue
        if tag in _BREAK_TAGS:
            flush()
            continue
        if tag == "a":
            href = _href(node)
            if href:
                inline.open_link(href)
                todo.append(("exit", "a"))
        elif tag in _BLOCK_TAGS:
            flush()
            bold = _bold_heading(node)
            if bold is not None:
                builder.heading(5, bold)
                continue
            kinds.append("li" if tag == "li" else "p")
            todo.append(("exit", tag))
        todo.extend(("enter", child) for child in reversed(list(_children(node))))
    flush()


def _flat_text(root) -> tuple[str, tuple[Link, ...]]:  # type: ignore[no-untyped-def]
    """All visible text under root on one line (headings, table cells)."""
    inline = _Inline()
    todo: list[tuple[str, object]] = [("enter", root)]
    while todo:
        event, node = todo.pop()
        if event == "exit":
            inline.close_link()
            continue
        tag = node.tag  # type: ignore[attr-defined]
        if tag == "-text":
            inline.add(node.text_content or "")  # type: ignore[attr-defined]
            continue
        if _skipped(node):
            continue
        if tag in _BLOCK_TAGS or tag in _BREAK_TAGS or tag in ("td", "th", "tr"):
            inline.space()
        if tag == "a" and _href(node):
            inline.open_link(_href(node) or "")
            todo.append(("exit", node))
        todo.extend(("enter", child) for child in reversed(list(_children(node))))
    return inline.take()


def _table(table, builder: _Builder) -> None:  # type: ignore[no-untyped-def]
    """Each row becomes one block: its cells joined with '; ', the header row as lead."""
    header = ""
    for number, row in enumerate(table.css("tr")):
        if _skipped(row):
            continue
        cells = [c for c in _children(row) if c.tag in ("td", "th") and not _skipped(c)]
        texts = [_flat_text(c) for c in cells]
        if number == 0 and cells and all(c.tag == "th" for c in cells):
            header = "; ".join(t for t, _ in texts if t)
            continue
        text = ""
        links: list[Link] = []
        for cell_text, cell_links in texts:
            if not cell_text:
                continue
            if text:
                text += " " if text[-1] in ".;:!?" else "; "
            links.extend(Link(lk.start + len(text), lk.end + len(text), lk.url)
                         for lk in cell_links)  # fmt: skip
            text += cell_text
        if text:
            builder.block(text, "row", tuple(links), header)


# --- plain text, Markdown and PDF lines ---------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_RULE = re.compile(r"^\s*([-*_=~])(?:\s*\1){2,}\s*$")
_BULLET = re.compile(
    r"^\s*(?:[-*+•·◦‣▪●■□➢►–]|\(?\d{1,3}[.)]|\(?[a-z]{1,2}\)|\([ivx]{1,5}\)|[a-z]\.)\s+(?=\S)"
)
_QUESTION = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*\.?\s+)?(?:what|how|why|who|when|where|which|do|does|is|are|"
    r"can|will|should)\b",
    re.IGNORECASE,
)
_NUMBERED_ITEM = re.compile(r"^\(?\d{1,3}[.)]\s")
_NUMBERED_HEADING = re.compile(r"^(?:(?:section|part|article)\s+)?\d{1,3}(?:\.\d{1,3})*\.?\s+\S",
                               re.IGNORECASE)  # fmt: skip
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:/|of)\s*\d{1,4})?\s*$",
                          re.IGNORECASE)  # fmt: skip
_MD_INLINE = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_KEEP_HYPHEN = frozenset(
    ["opt", "e", "non", "third", "self", "co", "re", "pre", "de", "sub", "multi", "cross",
     "long", "short", "built", "well", "end", "real", "fine", "in", "on", "off", "sign", "log",
     "first", "open", "set", "up", "high", "low", "auto", "anti", "post", "semi", "user"]
)  # fmt: skip


def read_plain_text(text: str, path: Path) -> PolicyText:
    lines = [(line, None) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    builder = _Builder()
    _parse_lines(lines, builder, markdown=path.suffix.lower() in (".md", ".markdown"))
    if not builder.blocks:
        raise ExpungeError(f"{path} has no readable text", "check that it is a privacy policy")
    return PolicyText(path, "text", builder.title or path.stem, tuple(builder.blocks))


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith((".", "!", "?", ":", ";", '."', ".”", ".)"))


def _looks_like_heading(line: str, after_break: bool, following: str | None, width: int) -> bool:
    s = line.strip()
    if not after_break or len(s) > 90 or not any(c.isalpha() for c in s):
        return False
    if s[-1] == "?" and _QUESTION.match(s) and len(s.split()) <= 12:
        return following is None or not following.strip() or following.strip()[0].isupper()
    if s[-1] in '.,;:!?)"”' or ":" in s or "@" in s or "://" in s:
        return False
    if not (s[0].isupper() or s[0].isdigit() or s[0] == "§"):
        return False
    if len(s.split()) > 12:
        return False
    if following is not None and following.strip():
        nxt = following.strip()
        if not (nxt[0].isupper() or nxt[0].isdigit() or _BULLET.match(following)):
            return False
        if _NUMBERED_ITEM.match(s) and _NUMBERED_ITEM.match(nxt):
            return False  # one item of a list
    letters = [c for c in s if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / len(letters)
    if upper > 0.8 or _NUMBERED_HEADING.match(s):
        return True
    blank_after = following is None or not following.strip()
    return blank_after or len(s) < 0.6 * width


def _join(lines: list[str]) -> str:
    out = ""
    for line in lines:
        line = line.strip()
        if not out:
            out = line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            word = re.split(r"\W", out[:-1])[-1].lower()
            out = out + line if word in _KEEP_HYPHEN else out[:-1] + line
        else:
            out += " " + line
    return " ".join(out.split())


def _markdown_inline(text: str) -> tuple[str, tuple[Link, ...]]:
    links: list[Link] = []
    out = ""
    pos = 0
    for found in _MD_LINK.finditer(text):
        out += _MD_INLINE.sub("", text[pos : found.start()])
        label = _MD_INLINE.sub("", found.group(1))
        links.append(Link(len(out), len(out) + len(label), found.group(2)))
        out += label
        pos = found.end()
    out += _MD_INLINE.sub("", text[pos:])
    return out, tuple(links)


_MD_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_TABLE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")
_MD_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MD_CELL_BULLET = re.compile(r"^(?:[-*+•]|\\-)\s+")


def _table_cell(raw: str) -> str:
    """A Markdown table cell as text: `<br>` line breaks and the bullets after them become
    sentence ends, so a cell holding a list reads as one sentence per item."""
    parts = [_MD_CELL_BULLET.sub("", part.strip()) for part in _MD_BREAK.split(raw)]
    out = ""
    for part in (p for p in parts if p):
        if out:
            out += " " if out.rstrip("*_`")[-1:] in (".", ";", ":", "!", "?", ",") else ". "
        out += part
    return out


def _table_cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|")
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [_table_cell(cell) for cell in re.split(r"(?<!\\)\|", body)]


def _parse_lines(lines: Sequence[tuple[str, int | None]], builder: _Builder, *,
                 markdown: bool) -> None:  # fmt: skip
    lengths = sorted(len(line.strip()) for line, _ in lines if line.strip())
    width = lengths[int(len(lengths) * 0.9)] if lengths else 80
    current: list[str] = []
    kind = "p"
    page: int | None = None
    header = ""  # Markdown table: the header row of the table being read

    def flush() -> None:
        nonlocal current, kind
        if current:
            builder.set_page(page)
            text = _join(current)
            links: tuple[Link, ...] = ()
            if markdown:
                text, links = _markdown_inline(text)
            builder.block(text, kind, links)
        current, kind = [], "p"

    skip_next = False
    for i, (raw, line_page) in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        stripped = raw.strip()
        following = lines[i + 1][0] if i + 1 < len(lines) else None
        if not stripped:
            flush()
            header = ""
            continue
        if markdown and _MD_TABLE_ROW.match(stripped):
            # A Markdown table row becomes one block (cells joined with '; ', like HTML rows),
            # the row above the |---| rule is the header and every row's lead.
            flush()
            if _MD_TABLE_RULE.match(stripped):
                continue
            cells = [c for c in _table_cells(stripped) if c]
            if following is not None and _MD_TABLE_RULE.match(following.strip()):
                header = "; ".join(cells)
                continue
            text = ""
            for cell in cells:
                if text:
                    text += " " if text[-1] in ".;:!?" else "; "
                text += cell
            if text:
                text, links = _markdown_inline(text)
                builder.set_page(line_page)
                builder.block(text, "row", links, header)
            continue
        if current and line_page != page and _ends_sentence(current[-1]):
            flush()
        if not current:
            page = line_page
        md = _MD_HEADING.match(stripped) if markdown or stripped.startswith("#") else None
        if md and (markdown or len(md.group(2)) < 90):
            flush()
            builder.set_page(line_page)
            builder.heading(len(md.group(1)), _markdown_inline(md.group(2))[0])
            continue
        if _RULE.match(stripped) and not current:
            continue
        if (not current and following is not None and _UNDERLINE.match(following)
                and len(following.strip()) >= 3 and len(stripped) < 90):  # fmt: skip
            builder.set_page(line_page)
            builder.heading(
                1 if following.strip()[0] == "=" else 2,
                _markdown_inline(stripped)[0] if markdown else stripped,
            )
            skip_next = True
            continue
        after_break = not current or _ends_sentence(current[-1])
        if _looks_like_heading(stripped, after_break, following, width):
            flush()
            builder.set_page(line_page)
            number = _NUMBERED_HEADING.match(stripped)
            level = stripped.split()[0].rstrip(".").count(".") + 1 if number else 1
            builder.heading(level, _markdown_inline(stripped)[0] if markdown else stripped)
            continue
        bullet = _BULLET.match(raw)
        if bullet:
            flush()
            page = line_page
            kind = "li"
            current = [raw[bullet.end() :]]
            continue
        # A short line ending a sentence, then more text: a paragraph break without a blank
        # line (PDF text, or text without blank lines between paragraphs).
        if (current and _ends_sentence(current[-1]) and len(current[-1].strip()) < 0.8 * width
                and (kind != "li" or not raw[:1].isspace())):  # fmt: skip
            flush()
            page = line_page
        current.append(stripped)
    flush()


# --- PDF -------------------------------------------------------------------------------------


def _read_pdf(path: Path, data: bytes) -> PolicyText:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _encrypted(path)
        page_texts = [page.extract_text() or "" for page in reader.pages]
    except ExpungeError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        if "decrypt" in str(error).lower() or "encrypt" in str(error).lower():
            raise _encrypted(path) from None
        raise ExpungeError(
            f"{path} is not a readable PDF ({type(error).__name__}: {error})",
            "check the file, or paste the policy's text into a .txt file",
        ) from None
    except Exception as error:  # noqa: BLE001 - pypdf raises assorted types on broken files
        raise ExpungeError(
            f"{path} is not a readable PDF ({type(error).__name__})",
            "check the file, or paste the policy's text into a .txt file",
        ) from None
    if not page_texts:
        raise ExpungeError(f"{path} has no pages", "check the file")
    letters = sum(ch.isalpha() for text in page_texts for ch in text)
    if letters < 20:
        raise ExpungeError(
            f"{path} has no text layer (a scanned image?)",
            f"run OCR first, e.g. `ocrmypdf {path.name} out.pdf`, or paste the text into a "
            ".txt file",
        )
    lines = list(_pdf_lines(page_texts))
    builder = _Builder(per_page=True)
    _parse_lines(lines, builder, markdown=False)
    if not builder.blocks:
        raise ExpungeError(f"{path} has no readable text", "check that it is a privacy policy")
    meta_title = ""
    try:
        meta_title = str(reader.metadata.get("/Title") or "") if reader.metadata else ""
    except Exception:  # noqa: BLE001 - broken metadata is no reason to fail
        meta_title = ""
    return PolicyText(path, "pdf", builder.title or meta_title or path.stem,
                      tuple(builder.blocks), len(page_texts))  # fmt: skip


def _encrypted(path: Path) -> ExpungeError:
    return ExpungeError(
        f"{path} is encrypted (password-protected)",
        f"remove the password first, e.g. `qpdf --decrypt --password=PASSWORD {path.name} "
        "out.pdf`, or paste the text into a .txt file",
    )


def _pdf_lines(page_texts: list[str]) -> Iterator[tuple[str, int | None]]:
    """Lines with their page number; page numbers and repeated running headers dropped."""
    pages = [[line for line in text.splitlines()] for text in page_texts]

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split()).lower())

    edges: Counter[str] = Counter()
    for lines in pages:
        nonblank = [line for line in lines if line.strip()]
        for line in set(nonblank[:2] + nonblank[-2:]):
            edges[key(line)] += 1
    repeated = {k for k, n in edges.items() if len(pages) >= 3 and n >= max(3, len(pages) / 2)}
    for number, lines in enumerate(pages, 1):
        for line in lines:
            if _PAGE_NUMBER.match(line) or key(line) in repeated:
                continue
            yield line, number
