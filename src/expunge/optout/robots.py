"""robots.txt as RFC 9309 (September 2022) defines it, plus the lines AI preferences add.

Parsing keeps each rule's line number so a verdict can name the line that decided it. Lines of
other extensions (`Content-Usage` from draft-ietf-aipref-attach, Cloudflare's `Content-Signal`)
are kept per group for `expunge.optout.aipref` to interpret. Hostile input is bounded: only the
first PARSE_LIMIT bytes are read (RFC 9309 §2.5 asks crawlers to parse at least 500 KiB), bad
UTF-8 is replaced, lines without a colon are skipped, and matching never backtracks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PARSE_LIMIT = 500 * 1024
ALWAYS_ALLOWED = "/robots.txt"  # RFC 9309 §2.2.2: crawlers may always fetch it
EXTENSION_KEYS = frozenset({"content-usage", "content-signal"})
_TOKEN = re.compile(r"[A-Za-z_-]+")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = frozenset(b"0123456789abcdefABCDEF")


@dataclass(frozen=True, slots=True)
class Rule:
    allow: bool
    pattern: str  # normalised (see normalise_path), '*' wildcards and an optional final '$'
    line: int
    text: str  # the line as written, for reports
    length: int = 0  # RFC 9309: the most specific (longest) match wins
    pieces: tuple[str, ...] = ()  # the pattern split at '*', literal '*'/'$' decoded
    anchored: bool = False  # ends with '$'

    @classmethod
    def of(cls, allow: bool, pattern: str, line: int, text: str) -> Rule:
        anchored = pattern.endswith("$")
        return cls(allow, pattern, line, text, len(pattern), _pieces(pattern), anchored)

    def test(self, path: str) -> bool:
        if len(self.pieces) == 1 and not self.anchored:
            return path.startswith(self.pieces[0])  # most rules are plain prefixes
        return _match_pieces(self.pieces, self.anchored, path)


@dataclass(frozen=True, slots=True)
class Extension:
    key: str  # lower case: content-usage | content-signal
    value: str
    line: int


@dataclass(slots=True)
class Group:
    agents: list[str]  # lower-cased product tokens; '*' for the default group
    first_line: int
    rules: list[Rule] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    rule: Rule | None  # None: no rule matched (allowed by default)
    group_agents: tuple[str, ...]  # the agents of the group(s) that applied; () = none


@dataclass(slots=True)
class RobotsTxt:
    groups: list[Group] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    # Extension lines before any group (Content-Signal reads them as site-wide; Content-Usage,
    # a rule in the aipref draft, ignores them as RFC 9309 ignores rules outside groups).
    global_extensions: list[Extension] = field(default_factory=list)
    truncated: bool = False  # the file was longer than PARSE_LIMIT
    lines: int = 0
    ignored_lines: int = 0
    _by_token: dict[str, list[Group]] = field(default_factory=dict)
    _ranked: dict[str, tuple[tuple[str, ...], list[Rule]]] = field(default_factory=dict)

    def groups_for(self, agent: str) -> list[Group]:
        """The groups that apply to `agent` (a user-agent string or product token): every group
        naming its product token (merged, RFC 9309 §2.2.1), else every '*' group."""
        token = product_token(agent)
        found = self._by_token.get(token)
        if found is None:
            named = [g for g in self.groups if token and token in g.agents]
            found = self._by_token[token] = named or [g for g in self.groups if "*" in g.agents]
        return found

    def decide(self, agent: str, path: str) -> Decision:
        """May `agent` fetch `path` (path and query of the URL)?"""
        token = product_token(agent)
        cached = self._ranked.get(token)
        if cached is None:
            groups = self.groups_for(agent)
            agents = tuple(dict.fromkeys(a for g in groups for a in g.agents))
            cached = self._ranked[token] = (agents, ranked_rules(groups))
        agents, rules = cached
        target = normalise_path(path or "/")
        if target != ALWAYS_ALLOWED:
            for rule in rules:
                if rule.test(target):
                    return Decision(rule.allow, rule, agents)
        return Decision(True, None, agents)


def decide_in(groups: list[Group], path: str) -> Decision:
    """RFC 9309 §2.2.2 over the (merged) rules of `groups`: the longest matching pattern
    decides, allow wins a tie, no match allows."""
    agents = tuple(dict.fromkeys(a for g in groups for a in g.agents))
    target = normalise_path(path or "/")
    if target == ALWAYS_ALLOWED:
        return Decision(True, None, agents)
    for rule in ranked_rules(groups):
        if rule.test(target):  # longest first, Allow before Disallow at equal length
            return Decision(rule.allow, rule, agents)
    return Decision(True, None, agents)


def ranked_rules(groups: list[Group]) -> list[Rule]:
    """The rules of `groups`, longest pattern first and Allow before Disallow at equal length:
    the first rule that matches decides."""
    return sorted((r for g in groups for r in g.rules), key=lambda r: (-r.length, not r.allow))


def product_token(agent: str) -> str:
    """'GPTBot/1.1 (+https://openai.com/gptbot)' -> 'gptbot'; '*' stays '*'."""
    agent = agent.strip()
    if agent.startswith("*"):
        return "*"
    found = _TOKEN.match(agent)
    return found.group(0).lower() if found else ""


def parse_robots(data: bytes | str) -> RobotsTxt:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    robots = RobotsTxt(truncated=len(data) > PARSE_LIMIT)
    data = data[:PARSE_LIMIT]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", "replace")
    current: Group | None = None
    in_agents = False  # the previous meaningful line was a user-agent line
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        robots.lines = number
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, colon, value = line.partition(":")
        if not colon:
            robots.ignored_lines += 1
            continue
        key, value = key.strip().lower(), value.strip()
        if key in ("user-agent", "useragent", "user agent"):
            token = product_token(value)
            if not token:
                robots.ignored_lines += 1
                continue
            if current is None or not in_agents:
                current = Group([], number)
                robots.groups.append(current)
            if token not in current.agents:
                current.agents.append(token)
            in_agents = True
        elif key in ("allow", "disallow"):
            in_agents = False
            if current is None:  # a rule before any user-agent line belongs to no group
                robots.ignored_lines += 1
                continue
            if not value:  # 'Disallow:' with no path matches nothing (allows everything)
                continue
            current.rules.append(
                Rule.of(key == "allow", normalise_path(value), number, raw.strip())
            )
        elif key == "sitemap":
            robots.sitemaps.append(value)
        elif key in EXTENSION_KEYS:
            ext = Extension(key, value, number)
            if current is None:
                robots.global_extensions.append(ext)
            else:
                in_agents = False
                current.extensions.append(ext)
        else:
            robots.ignored_lines += 1
    return robots


def normalise_path(path: str) -> str:
    """RFC 9309 §2.2.2: non-ASCII and reserved octets percent-encoded, percent-encoded
    unreserved octets decoded, hex digits in upper case, so '/%7Ejoe' == '/~joe' and
    '/a%2fb' != '/a/b'. '*' and a final '$' are left as they are (pattern syntax)."""
    if "%" not in path and path.isascii() and path.isprintable() and " " not in path:
        return path  # the common case: nothing to encode or decode
    raw = path.encode("utf-8", "surrogatepass")
    out = bytearray()
    i = 0
    while i < len(raw):
        byte = raw[i]
        if byte == 0x25 and i + 2 < len(raw) and raw[i + 1] in _HEX and raw[i + 2] in _HEX:
            value = int(raw[i + 1 : i + 3], 16)
            if value in _UNRESERVED:
                out.append(value)
            else:
                out += b"%" + raw[i + 1 : i + 3].upper()
            i += 3
            continue
        if byte < 0x21 or byte > 0x7E:
            out += b"%%%02X" % byte
        else:
            out.append(byte)
        i += 1
    return out.decode("ascii")


def _pieces(pattern: str) -> tuple[str, ...]:
    # '%2A' and '%24' in a pattern stand for a literal '*' and '$' of the URL (RFC 9309 §2.2.3).
    body = pattern.removesuffix("$")
    return tuple(p.replace("%2A", "*").replace("%24", "$") for p in body.split("*"))


def matches(pattern: str, path: str) -> bool:
    """Does a robots.txt path pattern match from the start of `path`? '*' is any run of
    characters, a final '$' anchors the end."""
    return _match_pieces(_pieces(pattern), pattern.endswith("$"), path)


def _match_pieces(pieces: tuple[str, ...], anchored: bool, path: str) -> bool:
    """Greedy leftmost matching of the pieces between stars: exact for this syntax, and it
    never backtracks (hostile patterns stay linear)."""
    first, rest = pieces[0], pieces[1:]
    if not path.startswith(first):
        return False
    if not rest:
        return not anchored or len(path) == len(first)
    cursor = len(first)
    for piece in rest[:-1]:
        found = path.find(piece, cursor)
        if found < 0:
            return False
        cursor = found + len(piece)
    last = rest[-1]
    if anchored:
        return len(path) - len(last) >= cursor and path.endswith(last)
    return path.find(last, cursor) >= 0
