"""What a page or a response says about itself: robots meta tags and X-Robots-Tag directives
(noai / noimageai, the DeviantArt and Spawning convention of November 2022, plus noindex), and
the TDMRep meta tags.

Directive syntax follows Google's robots meta / X-Robots-Tag specification: comma-separated,
case-insensitive; a `<meta name="GPTBot">` or an `X-Robots-Tag: GPTBot: noai` line addresses one
crawler, and the agent prefix covers the rest of that header line. Values such as
`unavailable_after: 25 Jun 2010` or `max-snippet:0` are directives with a colon, not agents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from expunge.optout.robots import product_token
from expunge.optout.verdict import Evidence, training

IMAGE_EXTENSIONS = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".avif",
    ".bmp",
    ".tif",
    ".tiff",
    ".svg",
    ".heic",
)
_KNOWN_COLON_DIRECTIVES = frozenset(
    {"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"}
)
_AGENT_PREFIX = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*:(.*)$", re.DOTALL)


@dataclass(slots=True)
class PageMeta:
    robots: list[tuple[str, str]] = field(default_factory=list)  # (meta name lower, content)
    tdm_reservation: str | None = None  # the last tdm-reservation meta's content
    tdm_policy: str | None = None


def read_meta(html: str | bytes) -> PageMeta:
    """The meta tags that matter here, from the whole document (selectolax: tolerant of any
    markup, fast, no network)."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    meta = PageMeta()
    for node in HTMLParser(html).css("meta[name]"):
        name = (node.attributes.get("name") or "").strip().lower()
        content = node.attributes.get("content") or ""
        if name == "tdm-reservation":
            meta.tdm_reservation = content
        elif name == "tdm-policy":
            meta.tdm_policy = content
        elif name:
            meta.robots.append((name, content))
    return meta


def _directives(text: str) -> set[str]:
    return {d.strip().lower() for d in text.split(",") if d.strip()}


def _agent_of(text: str) -> tuple[str, str] | None:
    """'GPTBot: noai' -> ('gptbot', ' noai'); None when there is no agent prefix."""
    found = _AGENT_PREFIX.match(text)
    if found is None or found.group(1).lower() in _KNOWN_COLON_DIRECTIVES:
        return None
    return found.group(1).lower(), found.group(2)


def header_directives(values: list[str], agent: str | None) -> list[tuple[str, str]]:
    """(directive, header line) for the X-Robots-Tag lines that apply to `agent`: lines with
    no agent prefix apply to all; a prefixed part ('demobot: noai, examplebot: noai' has two)
    only to that agent."""
    token = product_token(agent) if agent else None
    out: list[tuple[str, str]] = []
    for value in values:
        if _agent_of(value) is None:
            out += [(d, value) for d in _directives(value)]
            continue
        for part in re.split(r",\s*(?=[A-Za-z0-9_.-]+\s*:)", value):
            addressed = _agent_of(part)
            if addressed is not None and token is not None and addressed[0] == token:
                out += [(d, value) for d in _directives(addressed[1])]
    return out


def noai_evidence(
    url_path: str, meta: PageMeta | None, x_robots: list[str], agent: str | None
) -> list[Evidence]:
    """noai -> no AI training; noimageai -> no training on images (this resource when it is
    an image); noindex -> no search."""
    token = product_token(agent) if agent else None
    is_image = url_path.split("?", 1)[0].lower().endswith(IMAGE_EXTENSIONS)
    said: list[tuple[str, str, str]] = []  # (directive, source, detail)
    if meta is not None:
        for name, content in meta.robots:
            if name == "robots" or (token and product_token(name) == token):
                said += [(d, f'<meta name="{name}">', content[:200]) for d in _directives(content)]
    said += [
        (d, "HTTP header X-Robots-Tag", line[:200])
        for d, line in header_directives(x_robots, agent)
    ]
    evidence: list[Evidence] = []
    for directive, source, detail in said:
        if directive == "noai" or (directive == "noimageai" and is_image):
            evidence += training("disallowed", "noai", source, detail)
        elif directive in ("noindex", "none"):
            evidence.append(Evidence("noai", "search", "disallowed", source, detail))
    return evidence
