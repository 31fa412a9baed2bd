"""AI crawlers: who operates them and what for.

The list is ai.robots.txt's robots.json (MIT, bundled with its LICENSE and SOURCE.md under
expunge/data/ai_robots/). Its `function` field is free text, so each agent's purposes come
from our own table, agent_purposes.json in the same folder: ai-train, search, ai-input
(assistants, user-triggered fetches, retrieval for answers) or other.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

PURPOSES = ("ai-train", "genai-train", "search", "ai-input")
# Names of general scraping tools rather than of one operator's AI crawler: a site that blocks
# them may be refusing scraping in general. Still read as an opt-out (a missed opt-out costs
# the people it protects more than a false one), but the verdict says so.
GENERIC_TOKENS = frozenset({"scrapy", "spider", "lightpanda"})
AGENT_PURPOSES = ("ai-train", "search", "ai-input", "other")
# Product tokens of the major web-search crawlers, as each engine documents them (Google:
# developers.google.com/search/docs/crawling-indexing/google-common-crawlers; Bing:
# bing.com/webmasters/help/which-crawlers-does-bing-use-8c184ec0; Baidu, Yandex, DuckDuckGo,
# Apple (support.apple.com/119829), Yahoo Slurp, Sogou, Naver Yeti, Seznam, Qwant, Huawei
# Petal, Mojeek: their crawler help pages). `emit` keeps them unblocked when search is allowed.
SEARCH_CRAWLERS = ("Googlebot", "Bingbot", "Baiduspider", "YandexBot", "DuckDuckBot", "Applebot",
                   "Slurp", "Sogou web spider", "Yeti", "SeznamBot", "Qwantbot", "PetalBot",
                   "MojeekBot")  # fmt: skip
QUOTES = "\"'`\u2018\u2019\u201c\u201d"  # straight and curly quotes around a name
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")  # '[OpenAI](https://...)' -> 'OpenAI'


@dataclass(frozen=True, slots=True)
class Agent:
    name: str  # the robots.txt product token as the operator documents it
    operator: str
    purposes: tuple[str, ...]
    respects_robots: str  # the list's own words: 'Yes', 'No', 'Unclear at this time.'
    function: str

    @property
    def label(self) -> str:
        """'GPTBot (OpenAI, ai-train)' for verdict lines."""
        generic = ", a generic scraping tool" if self.generic else ""
        return f"{self.name} ({self.operator}, {'/'.join(self.purposes)}{generic})"

    @property
    def token(self) -> str:
        """The robots.txt product token: the name up to a space or '/' ('Brightbot 1.0' ->
        'brightbot'), lower case, digits and dots kept ('img2dataset', 'bigsur.ai')."""
        return simple_token(self.name)

    @property
    def generic(self) -> bool:
        return self.token in GENERIC_TOKENS


def simple_token(name: str) -> str:
    """product_token without reading browser-style strings: for names in the crawler list."""
    text = name.strip().strip(QUOTES).strip()
    return "*" if text == "*" else first_word(text)


def first_word(text: str) -> str:
    # The name ends at whitespace, '/' (a version), or punctuation that lists or comments.
    return re.split(r"[\s/(),;]", text, maxsplit=1)[0].strip(QUOTES + ":").lower()


def _data(name: str) -> str:
    return (resources.files("expunge") / "data" / "ai_robots" / name).read_text("utf-8")


@cache
def agents() -> dict[str, Agent]:
    """Every known AI crawler by lower-case product token."""
    listed = json.loads(_data("robots.json"))
    purposes = json.loads(_data("agent_purposes.json"))
    out: dict[str, Agent] = {}
    for name, info in listed.items():
        operator = _LINK.sub(r"\1", str(info.get("operator", ""))).strip() or "unknown"
        if operator.lower().startswith("unclear"):
            operator = "operator unclear"
        chosen = purposes.get(name, {}).get("purposes") or ["other"]
        out[name.lower()] = Agent(
            name,
            operator,
            tuple(p for p in AGENT_PURPOSES if p in chosen),
            str(info.get("respect", "")),
            str(info.get("function", "")),
        )
    return out


@cache
def agents_by_token() -> dict[str, Agent]:
    """Every known AI crawler by robots.txt product token. Names that share a token
    ('Brightbot' and 'Brightbot 1.0', 'MistralAI-User' and 'MistralAI-User/1.0') are one
    crawler for robots.txt: their purposes are merged and the shorter name is kept."""
    out: dict[str, Agent] = {}
    for agent in sorted(agents().values(), key=lambda a: len(a.name)):
        token = agent.token
        seen = out.get(token)
        if seen is None:
            out[token] = agent
            continue
        merged = tuple(p for p in AGENT_PURPOSES if p in seen.purposes or p in agent.purposes)
        if "other" in merged and len(merged) > 1:
            merged = tuple(p for p in merged if p != "other")
        out[token] = Agent(seen.name, seen.operator, merged, seen.respects_robots, seen.function)
    return out


@cache
def agent_tokens() -> frozenset[str]:
    """The product tokens of agents_by_token(), built once (asked once per URL)."""
    return frozenset(agents_by_token())
