"""robots.txt as RFC 9309 (September 2022) defines it, plus the lines AI preferences add.

Parsing keeps each rule's line number so a verdict can name the line that decided it. Lines of
other extensions (`Content-Usage` from draft-ietf-aipref-attach, Cloudflare's `Content-Signal`)
are kept per group for `expunge.optout.aipref` to interpret. Hostile input is bounded: at most
READ_LIMIT bytes are read, undecodable bytes are kept as the octets they are, and matching
never backtracks.

Choices where RFC 9309 is silent or where readers differ (docs/optout-specs.md §1):

* The RFC asks crawlers to read at least the first 500 KiB (PARSE_LIMIT). A file that is
  longer is read twice: as a 500 KiB reader sees it, and up to READ_LIMIT; a URL is disallowed
  when either reading disallows it (a reservation placed at the end of a long file counts).
* Keys with the typos Google accepts (`Dissallow`, `useragent`, ...) and lines missing the
  colon (`Disallow /x`) are read, as Google and protego read them.
* A user-agent line always takes part in group structure, even when its value is no valid
  product token (`008`, `"GPTBot"`, `img2dataset`): the token is matched as written.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field

from expunge.optout.agents import QUOTES as _QUOTES
from expunge.optout.agents import agents_by_token
from expunge.optout.agents import first_word as _first_word

PARSE_LIMIT = 500 * 1024  # RFC 9309 §2.5: a crawler must read at least this much
READ_LIMIT = 2 * 1024 * 1024  # the most we read at all; past PARSE_LIMIT only to restrict
ALWAYS_ALLOWED = "/robots.txt"  # RFC 9309 §2.2.2: crawlers may always fetch it
EXTENSION_KEYS = frozenset({"content-usage", "content-signal"})
# Keys as RFC 9309 spells them, plus the typos Google's parser (robots.cc) accepts.
_KEYS = {
    "user-agent": "user-agent",
    "useragent": "user-agent",
    "user agent": "user-agent",
    "allow": "allow",
    "disallow": "disallow",
    "dissallow": "disallow",
    "dissalow": "disallow",
    "disalow": "disallow",
    "diasllow": "disallow",
    "disallaw": "disallow",
    "sitemap": "sitemap",
    "site-map": "sitemap",
    "content-usage": "content-usage",
    "content-signal": "content-signal",
}
_SPELLED = frozenset(set(_KEYS.values()))  # the keys as their specs spell them
# A line without a colon: a known key, whitespace, the value ('Disallow /tmp').
_NO_COLON = re.compile(
    r"(" + "|".join(sorted((re.escape(k) for k in _KEYS), key=len, reverse=True)) + r")\s+(.+)",
    re.IGNORECASE,
)
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_AS_WRITTEN = frozenset(b"/?&=")  # structure: a raw one and its %XX are different octets
_HEX = frozenset(b"0123456789abcdefABCDEF")
_PLAIN = re.compile(r"[A-Za-z0-9\-._~/?&=]*\Z")  # nothing to encode or decode
# Words that open a browser-style User-Agent string rather than name a crawler.
_BROWSER_WORDS = frozenset(
    {"mozilla", "applewebkit", "khtml", "gecko", "like", "chrome", "safari", "mobile",
     "version", "firefox", "edg", "opera", "compatible"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rule:
    allow: bool
    pattern: str  # canonical (see canonical_pattern): '*' wildcards and an optional final '$'
    line: int
    text: str  # the line as written, for reports
    length: int = 0  # RFC 9309: the most specific (longest) match wins
    pieces: tuple[str, ...] = ()  # the pattern split at '*'
    anchored: bool = False  # ends with '$'
    past_cap: bool = False  # beyond the first PARSE_LIMIT bytes

    @classmethod
    def of(cls, allow: bool, value: str, line: int, text: str, past_cap: bool = False) -> Rule:
        pattern = canonical_pattern(value)
        anchored = pattern.endswith("$")
        pieces = tuple(pattern.removesuffix("$").split("*"))
        return cls(allow, pattern, line, text, len(pattern), pieces, anchored, past_cap)

    def test(self, target: str) -> bool:
        """Does the rule match `target` (a canonical path, see canonical_target)?"""
        if len(self.pieces) == 1 and not self.anchored:
            return target.startswith(self.pieces[0])  # most rules are plain prefixes
        return _match_pieces(self.pieces, self.anchored, target)


@dataclass(frozen=True, slots=True)
class Extension:
    key: str  # lower case: content-usage | content-signal
    value: str
    line: int
    past_cap: bool = False


@dataclass(slots=True, eq=False)  # identity: a group is one place in one file
class Group:
    # Lower-cased product tokens as written; '*' for the default group; a token with a '*'
    # in it ('*bot') is a pattern over tokens. Empty: a user-agent line naming nobody.
    agents: list[str]
    first_line: int
    rules: list[Rule] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    past_cap: bool = False  # starts beyond the first PARSE_LIMIT bytes

    @property
    def patterns(self) -> list[str]:
        return [a for a in self.agents if "*" in a and a != "*"]


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
    truncated: bool = False  # longer than PARSE_LIMIT: a second, longer reading exists
    cut: bool = False  # longer than READ_LIMIT: the rest was not read at all
    lines: int = 0
    ignored_lines: int = 0
    lenient_lines: list[int] = field(default_factory=list)  # typo'd keys, missing colons
    _named: set[str] | None = None  # see named_tokens
    _chosen: dict[tuple[str, bool], list[Group]] = field(default_factory=dict)
    _ranked: dict[tuple[str, bool], tuple[tuple[str, ...], list[Rule]]] = field(
        default_factory=dict
    )

    def groups_for(self, agent: str, full: bool = False) -> list[Group]:
        """The groups that apply to `agent` (a user-agent string or product token): every group
        naming its product token (merged, RFC 9309 §2.2.1); else every pattern group ('*bot')
        the token matches; else every '*' group. `full`: the reading past PARSE_LIMIT."""
        token = product_token(agent)
        key = (token, full)
        found = self._chosen.get(key)
        if found is None:
            found = self._chosen[key] = select_groups(self.visible_groups(full), token)
        return found

    def named_tokens(self, known: frozenset[str] | set[str]) -> set[str]:
        """Product tokens that get a decision of their own: those a group names, and the
        `known` tokens a pattern group ('*bot') reaches (`known` is the same on every call)."""
        if self._named is None:
            named = {a for g in self.groups for a in g.agents if a and "*" not in a}
            patterns = {p for g in self.groups for p in g.patterns}
            named |= {t for t in known if any(token_matches(p, t) for p in patterns)}
            self._named = named
        return self._named

    def visible_groups(self, full: bool = False) -> list[Group]:
        return self.groups if full else [g for g in self.groups if not g.past_cap]

    def decide(self, agent: str, path: str) -> Decision:
        """May `agent` fetch `path` (path and query of the URL)? Disallowed when the 500 KiB
        reading or (for a longer file) the full reading disallows it."""
        target = canonical_target(path or "/")
        token = product_token(agent)
        decision = self._decide(token, target, False)
        if decision.allowed and self.truncated:
            longer = self._decide(token, target, True)
            if not longer.allowed:
                return longer
        return decision

    def _decide(self, token: str, target: str, full: bool) -> Decision:
        key = (token, full)
        cached = self._ranked.get(key)
        if cached is None:
            groups = self.groups_for(token, full)
            agents = tuple(dict.fromkeys(a for g in groups for a in g.agents))
            cached = self._ranked[key] = (agents, ranked_rules(groups, full))
        agents, rules = cached
        return _first_match(rules, target, agents)


def select_groups(groups: list[Group], token: str) -> list[Group]:
    """RFC 9309 §2.2.1 group choice for a product token (see RobotsTxt.groups_for): the groups
    naming it, else the pattern groups ('*bot') matching it, else the '*' groups. A pattern
    names crawlers more narrowly than '*', so like a named group it replaces '*'."""
    if token and token != "*":
        named = [g for g in groups if token in g.agents]
        if named:
            return named
        matched = [g for g in groups if any(token_matches(p, token) for p in g.patterns)]
        if matched:
            return matched
    return [g for g in groups if "*" in g.agents]


def token_matches(pattern: str, token: str) -> bool:
    """'*bot' matches 'gptbot': a user-agent value with a '*' in it, read as a pattern."""
    return _match_pieces(tuple(pattern.split("*")), True, token)


def decide_in(groups: list[Group], path: str, full: bool = False) -> Decision:
    """RFC 9309 §2.2.2 over the (merged) rules of `groups`: the longest matching pattern
    decides, allow wins a tie, no match allows."""
    agents = tuple(dict.fromkeys(a for g in groups for a in g.agents))
    return _first_match(ranked_rules(groups, full), canonical_target(path or "/"), agents)


def _first_match(rules: list[Rule], target: str, agents: tuple[str, ...]) -> Decision:
    if target != ALWAYS_ALLOWED:
        for rule in rules:  # longest first, Allow before Disallow at equal length
            if rule.test(target):
                return Decision(rule.allow, rule, agents)
    return Decision(True, None, agents)


def ranked_rules(groups: list[Group], full: bool = False) -> list[Rule]:
    """The rules of `groups`, longest pattern first and Allow before Disallow at equal length:
    the first rule that matches decides."""
    rules = (r for g in groups for r in g.rules if full or not r.past_cap)
    return sorted(rules, key=lambda r: (-r.length, not r.allow))


@functools.lru_cache(maxsize=4096)  # a run asks about a few agents, many times over
def product_token(agent: str) -> str:
    """The product token a crawler name, a user-agent line or a User-Agent string stands for,
    lower-cased and as written: 'GPTBot/1.1' -> 'gptbot', 'img2dataset' -> 'img2dataset',
    '"CCBot"' -> 'ccbot', 'Brightbot 1.0' -> 'brightbot', 'Mozilla/5.0 (compatible;
    GPTBot/1.2; +https://openai.com/gptbot)' -> 'gptbot'. '*' stays '*'; '*bot' stays a
    pattern; '' when nothing is left."""
    text = agent.strip().strip(_QUOTES).strip()
    if not text:
        return ""
    if text[0] == "*":
        word = text.split()[0]
        return "*" if word == "*" else word.lower()
    first = _first_word(text)
    if first in _BROWSER_WORDS and ("(" in text or "/" in text):
        return _from_user_agent(text) or first
    return first


def _from_user_agent(text: str) -> str:
    """The crawler's token in a browser-style User-Agent string: a known AI crawler named in it,
    else the product after 'compatible;', else the first product that is no browser word."""
    comments = re.findall(r"\(([^)]*)\)", text)
    items = [i.strip() for c in comments for i in c.split(";")]
    outside = re.sub(r"\([^)]*\)", " ", text).split()
    names = [_first_word(w) for w in [*items, *outside] if w and not w.startswith("+")]
    names = [n for n in names if n and ":" not in n]
    known = agents_by_token()
    for name in names:
        if name in known:
            return name
    for comment in comments:
        parts = [p.strip() for p in comment.split(";")]
        for before, after in itertools.pairwise(parts):
            if before.lower() == "compatible" and after:
                return _first_word(after)
    return next((n for n in names if n not in _BROWSER_WORDS), "")


def parse_robots(data: bytes | str) -> RobotsTxt:
    if isinstance(data, str):
        data = to_octets(data)
    robots = RobotsTxt(truncated=len(data) > PARSE_LIMIT, cut=len(data) > READ_LIMIT)
    data = data[:READ_LIMIT]
    # A UTF-8 byte order mark, even a partial one, is skipped (as Google skips it).
    for bom in (b"\xef\xbb\xbf", b"\xef\xbb", b"\xef"):
        if data.startswith(bom):
            data = data[len(bom) :]
            break
    # Lines wholly inside the first PARSE_LIMIT bytes are what a 500 KiB reader sees.
    inside = len(re.findall(rb"\r\n|\r|\n", data[:PARSE_LIMIT])) if robots.truncated else -1
    text = data.decode("utf-8", "surrogateescape")  # bytes kept: they are encoded later
    state = _State()
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        robots.lines = number
        _parse_line(robots, state, number, raw, inside >= 0 and number > inside)
    return robots


@dataclass(slots=True)
class _State:
    current: Group | None = None
    in_agents: bool = False  # the previous record was a user-agent line (a run of them)


def _split_line(robots: RobotsTxt, number: int, line: str) -> tuple[str, str] | None:
    """'key: value' -> (canonical key, value); None for a line that is no record."""
    key, colon, value = line.partition(":")
    written = " ".join(key.split()).lower()
    if not (colon and written in _KEYS):
        loose = _NO_COLON.fullmatch(line)
        if loose is None:
            return None
        written, value = " ".join(loose.group(1).split()).lower(), loose.group(2)
        colon = ""
    if not colon or written not in _SPELLED:
        robots.lenient_lines.append(number)  # a typo or a missing colon, read as Google does
    return _KEYS[written], value.strip()


def _parse_line(robots: RobotsTxt, state: _State, number: int, raw: str, past: bool) -> None:
    line = raw.split("#", 1)[0].strip()
    if not line:
        return
    found = _split_line(robots, number, line)
    if found is None:
        robots.ignored_lines += 1  # an unknown record: it does not end a group (§2.2.4)
        return
    key, value = found
    if key == "user-agent":
        if state.current is None or not state.in_agents:
            state.current = Group([], number, past_cap=past)
            robots.groups.append(state.current)
        token = product_token(value)
        if token and token not in state.current.agents:
            state.current.agents.append(token)
        state.in_agents = True
    elif key in ("allow", "disallow", "content-usage"):
        _add_rule(robots, state, key, value, number, raw, past)
    elif key == "sitemap":
        robots.sitemaps.append(value)
    else:  # content-signal: another record, it must not end a run of user-agent lines
        ext = Extension(key, value, number, past)
        if state.current is None:
            robots.global_extensions.append(ext)
        else:
            state.current.extensions.append(ext)


def _add_rule(
    robots: RobotsTxt, state: _State, key: str, value: str, number: int, raw: str, past: bool
) -> None:
    """Allow / Disallow, and Content-Usage (a rule of its group in aipref-attach-05)."""
    state.in_agents = False
    if state.current is None:  # a rule before any user-agent line belongs to no group
        robots.ignored_lines += 1
        return
    if key == "content-usage":
        state.current.extensions.append(Extension(key, value, number, past))
    elif value:  # 'Disallow:' with no path matches nothing (allows everything)
        text = display(raw.strip())
        state.current.rules.append(Rule.of(key == "allow", value, number, text, past))


def to_octets(text: str) -> bytes:
    """A str back to the octets it was read from (undecodable bytes were kept as lone
    surrogates by 'surrogateescape')."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def display(text: str) -> str:
    """Text that is safe to print: undecodable octets become U+FFFD."""
    return to_octets(text).decode("utf-8", "replace")


@functools.lru_cache(maxsize=65536)  # a file's rules are asked about once per URL
def canonical_pattern(pattern: str) -> str:
    """A path pattern in the form both sides are compared in (RFC 9309 §2.2.2, §2.2.3): see
    _canonical. '*' stays a wildcard, a final '$' the end anchor; any other '$' is literal."""
    return _canonical(pattern, True)


def canonical_target(path: str) -> str:
    """A URL's path and query in the form patterns are compared against; a literal '*' or
    '$' of the URL becomes %2A / %24, which is how a pattern names them."""
    return _canonical(path, False)


def _canonical(text: str, pattern: bool) -> str:
    """RFC 9309 §2.2.2: non-ASCII octets and the reserved characters are percent-encoded
    before comparison and percent-encoded unreserved characters are decoded, the same way on
    both sides: '/%7Ejoe' == '/~joe', '/a%3Cb' == '/a<b', '/a%3Ab' == '/a:b', and hex digits in
    upper case. Kept as written: '/', '?', '&' and '=' (they structure paths and queries, so
    '/a%2Fb' != '/a/b'), except that inside the query '%2F' and '%3F' are the same as '/' and
    '?' (the RFC's own example encodes 'https://' in a query). A '%' that starts no escape is
    a literal '%' (%25)."""
    if _PLAIN.match(text):
        return text  # the common case: nothing to encode or decode
    raw = to_octets(text)
    out: list[str] = []
    in_query = False
    last = len(raw) - 1
    i = 0
    while i <= last:
        byte = raw[i]
        if byte == 0x25 and i + 2 <= last and raw[i + 1] in _HEX and raw[i + 2] in _HEX:
            value = int(raw[i + 1 : i + 3], 16)
            if value in _UNRESERVED or (in_query and value in (0x2F, 0x3F)):
                out.append(chr(value))
            else:
                out.append("%" + raw[i + 1 : i + 3].decode().upper())
            i += 3
            continue
        if pattern and (byte == 0x2A or (byte == 0x24 and i == last)):
            out.append(chr(byte))  # pattern syntax: wildcard, end anchor
        elif byte in _UNRESERVED or byte in _AS_WRITTEN:
            in_query = in_query or byte == 0x3F
            out.append(chr(byte))
        else:
            out.append(f"%{byte:02X}")
        i += 1
    return "".join(out)


def matches(pattern: str, target: str) -> bool:
    """Does a canonical pattern match from the start of a canonical target? '*' is any run
    of characters, a final '$' anchors the end."""
    return _match_pieces(tuple(pattern.removesuffix("$").split("*")), pattern.endswith("$"),
                         target)  # fmt: skip


def pattern_matches(pattern: str, path: str) -> bool:
    """matches() for a pattern and a path as written (both made canonical first)."""
    return matches(canonical_pattern(pattern), canonical_target(path or "/"))


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
