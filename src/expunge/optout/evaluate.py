"""Put every signal of a site and a page together into one assessment per URL.

`assess(page, site, agent)` evaluates as `agent` (a product token or user-agent string); with
no agent, as a generic crawler (the robots.txt '*' group). With `crawlers=True` it also reads
robots.txt for every known AI crawler (expunge.optout.agents): a purpose is disallowed when the
site blocks a crawler that serves it ("GPTBot (OpenAI, ai-train): disallowed by line 12"). An
allowed fetch is never read as permission to train.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from expunge.optout import aipref
from expunge.optout.agents import Agent, agent_tokens, agents_by_token
from expunge.optout.aitxt import aitxt_evidence
from expunge.optout.c2pa_signal import c2pa_evidence
from expunge.optout.page_meta import PageMeta, noai_evidence, read_meta
from expunge.optout.robots import (
    Decision,
    Group,
    RobotsTxt,
    parse_robots,
    product_token,
)
from expunge.optout.tdmrep import TdmRule, parse_tdmrep_json, tdmrep_evidence
from expunge.optout.verdict import Assessment, Evidence, Problem

MAX_REDIRECTS = 5  # RFC 9309 §2.3.1.2: follow at least five; more -> unavailable


@dataclass(slots=True)
class SiteSignals:
    """What a site says for all its URLs (one per scheme + host)."""

    origin: str
    robots: RobotsTxt | None = None  # None: no robots.txt known
    robots_status: int | str | None = None  # HTTP status, 'unreachable', or None (not fetched)
    robots_redirects: int = 0
    tdmrep: list[TdmRule] | None = None
    tdmrep_problems: list[Problem] = field(default_factory=list)
    ai_txt: bytes | None = None

    @classmethod
    def from_texts(
        cls,
        origin: str,
        robots_txt: bytes | str | None = None,
        tdmrep_json: bytes | str | None = None,
        ai_txt: bytes | str | None = None,
        robots_status: int | str | None = None,
        robots_redirects: int = 0,
    ) -> SiteSignals:
        site = cls(origin, robots_status=robots_status, robots_redirects=robots_redirects)
        if robots_txt is not None:
            site.robots = parse_robots(robots_txt)
            if site.robots_status is None:
                site.robots_status = 200
        if tdmrep_json is not None:
            site.tdmrep, site.tdmrep_problems = parse_tdmrep_json(tdmrep_json)
        if ai_txt is not None:
            site.ai_txt = ai_txt.encode() if isinstance(ai_txt, str) else ai_txt
        return site


@dataclass(slots=True)
class PageSignals:
    """What one response says about itself."""

    url: str
    headers: dict[str, list[str]] = field(default_factory=dict)  # lower-case names
    html: str | bytes | None = None
    c2pa_store: str | dict[str, Any] | None = None
    meta: PageMeta | None = None  # the tags read from `html` already (sources keep only these)
    notes: list[str] = field(default_factory=list)  # what could not be read, for the report

    def page_meta(self) -> PageMeta | None:
        if self.meta is None and self.html:
            self.meta = read_meta(self.html)
        return self.meta

    def header(self, name: str) -> list[str]:
        return self.headers.get(name.lower(), [])


def headers_from(pairs: Any) -> dict[str, list[str]]:
    """{'X-Robots-Tag': 'noai'} or [('X-Robots-Tag', 'noai'), ...] or lists as values ->
    lower-case name -> field lines in order."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    out: dict[str, list[str]] = {}
    for name, value in items:
        values = value if isinstance(value, list) else [value]
        out.setdefault(str(name).lower(), []).extend(str(v) for v in values)
    return out


def url_path(url: str) -> str:
    """Path and query of `url`, an empty query kept ('/page?' is not '/page'), no fragment."""
    parts = urlsplit(url)
    has_query = "?" in url.partition("#")[0]
    return (parts.path or "/") + (f"?{parts.query}" if has_query else "")


def robots_decision(site: SiteSignals, agent: str, path: str) -> tuple[Decision, str]:
    """May `agent` fetch `path`, and why, with RFC 9309 §2.3.1's fetch outcomes."""
    status = site.robots_status
    if site.robots_redirects > MAX_REDIRECTS:
        return Decision(True, None, ()), f"robots.txt behind {site.robots_redirects} redirects"
    if status == "unreachable" or (isinstance(status, int) and status >= 500):
        # RFC 9309 §2.3.1.4 MUST; kept for every purpose (docs/optout-specs.md §1, decisions).
        return Decision(False, None, ()), f"robots.txt unreachable ({status}): complete disallow"
    if isinstance(status, int) and 400 <= status < 500:
        return Decision(True, None, ()), f"robots.txt unavailable ({status})"
    if site.robots is None:
        return Decision(True, None, ()), "no robots.txt"
    decision = site.robots.decide(agent, path)
    if decision.rule is None:
        return decision, "no rule matched"
    return decision, f"robots.txt line {decision.rule.line}: {decision.rule.text}"


def _crawler_evidence(crawler: Agent, decision: Decision, why: str) -> list[Evidence]:
    if decision.allowed:
        return []
    if decision.rule is not None:
        source = f"robots.txt line {decision.rule.line}"
        detail = f"{crawler.label} may not fetch it: {decision.rule.text}"
    else:
        source, detail = "robots.txt", f"{crawler.label} may not fetch it: {why}"
    out: list[Evidence] = []
    for purpose in crawler.purposes:
        if purpose == "other":
            continue
        targets = ("ai-train", "genai-train") if purpose == "ai-train" else (purpose,)
        out += [Evidence("robots", p, "disallowed", source, detail) for p in targets]
    return out


def assess(
    page: PageSignals,
    site: SiteSignals | None = None,
    agent: str | None = None,
    crawlers: bool = False,
) -> Assessment:
    site = site or SiteSignals(page.url)
    path = url_path(page.url)
    result = Assessment(page.url, agent)
    generic = agent or "*"

    # robots.txt: may this agent fetch it, and what its group says about usage.
    decision, why = robots_decision(site, generic, path)
    result.robots_allowed, result.robots_rule = decision.allowed, why
    if "unreachable" in why:
        result.notes.append(
            "robots.txt could not be read (5xx or network error): RFC 9309 asks crawlers to "
            "assume complete disallow, so every purpose of every crawler reads as disallowed "
            "until the site answers; re-check later"
        )
    if agent is not None:
        crawler = agents_by_token().get(product_token(agent))
        if crawler is not None:
            result.evidence += _crawler_evidence(crawler, decision, why)
    if crawlers:
        shared = (decision, why) if agent is None else robots_decision(site, "*", path)
        result.evidence += _all_crawlers(site, path, shared)
    if site.robots is not None and site.robots_status == 200:
        _robots_preferences(result, site.robots, generic, path)
        if crawlers:
            result.evidence += _named_crawler_signals(site.robots, path)
    # The response's own headers and markup.
    usage, problems = aipref.header_usage(page.header("content-usage"))
    result.evidence += usage
    result.problems += problems
    result.evidence += aipref.header_signals(page.header("content-signal"))
    meta = page.page_meta()
    result.evidence += noai_evidence(path, meta, page.header("x-robots-tag"), agent)
    tdm_header = page.header("tdm-reservation")
    tdm, problems = tdmrep_evidence(
        path,
        site.tdmrep,
        tdm_header[-1] if tdm_header else None,
        meta.tdm_reservation if meta else None,
    )
    result.evidence += tdm
    result.problems += site.tdmrep_problems + problems
    if site.ai_txt is not None:
        result.evidence += aitxt_evidence(site.ai_txt, path, agent)
    result.notes += page.notes
    evidence, problems = c2pa_evidence(page.c2pa_store)
    result.evidence += evidence
    result.problems += problems
    return result


def _robots_preferences(result: Assessment, robots: RobotsTxt, agent: str, path: str) -> None:
    """Content-Usage and Content-Signal lines for `agent`. For a file longer than 500 KiB the
    lines past that point are read too, but only their restrictions are kept: a 500 KiB
    reader never sees them, and they can only add a reservation."""
    readings = [False, True] if robots.truncated else [False]
    for full in readings:
        groups: list[Group] = robots.groups_for(agent, full)
        usage, problems = aipref.robots_usage(robots, groups, path, full)
        signals, uses = aipref.robots_signals(robots, groups, path, full)
        if full:
            result.evidence += [e for e in usage + signals if e.verdict == "disallowed"]
            continue
        result.evidence += usage + signals
        result.problems += problems
        result.notes += [f"Content-Signal use={u}" for u in uses]
    if robots.truncated:
        result.notes.append(
            "robots.txt longer than 500 KiB: read as a 500 KiB reader reads it, and up to "
            "2 MiB for restrictions only" + ("; the rest was not read" if robots.cut else "")
        )
    if robots.lenient_lines:
        lines = ", ".join(map(str, robots.lenient_lines[:5]))
        result.notes.append(
            f"robots.txt lines read leniently (typo'd key or missing colon, as Google reads "
            f"them): {lines}" + (" ..." if len(robots.lenient_lines) > 5 else "")
        )


def _named_crawler_signals(robots: RobotsTxt, path: str) -> list[Evidence]:
    """The restrictions that the groups of known AI crawlers state for them (Content-Usage
    n, Content-Signal no): without --agent the verdict speaks for every known crawler, so
    'User-agent: GPTBot' + 'Content-Signal: ai-train=no' counts as it does with --agent."""
    out: list[Evidence] = []
    known = agents_by_token()
    for token in sorted(_named_tokens(robots) & known.keys()):
        own = [g for g in robots.groups_for(token) if "*" not in g.agents]
        usage, _ = aipref.robots_usage(robots, own, path)
        signals, _ = aipref.robots_signals(robots, own, path, shared=False)
        label = known[token].name
        out += [
            Evidence(e.signal, e.purpose, e.verdict, f"{e.source}, for {label}", e.detail)
            for e in usage + signals
            if e.verdict == "disallowed"
        ]
    return out


def _named_tokens(robots: RobotsTxt) -> set[str]:
    return robots.named_tokens(agent_tokens())


def _all_crawlers(site: SiteSignals, path: str, shared: tuple[Decision, str]) -> list[Evidence]:
    """robots.txt read for every known AI crawler. Crawlers without a group of their own share
    the '*' decision: it is computed once and reported once per purpose ("N AI crawlers without
    a group of their own, e.g. ..."), so a site costs one decision per named group."""
    out: list[Evidence] = []
    named = (
        _named_tokens(site.robots)
        if site.robots is not None and site.robots_status == 200
        else set()
    )
    known = agents_by_token()
    for token in sorted(named & known.keys()):
        decision, why = robots_decision(site, token, path)
        out += _crawler_evidence(known[token], decision, why)
    decision, why = shared  # the '*' decision, computed once by the caller
    if decision.allowed:
        return out
    rest = [a for t, a in known.items() if t not in named]
    source = f"robots.txt line {decision.rule.line}" if decision.rule else "robots.txt"
    rule = decision.rule.text if decision.rule else why
    for purpose in ("ai-train", "search", "ai-input"):
        serving = [a.name for a in rest if purpose in a.purposes]
        if not serving:
            continue
        detail = (
            f"{len(serving)} AI crawlers ({purpose}) without a group of their own, e.g. "
            f"{', '.join(serving[:3])}, may not fetch it: {rule}"
        )
        targets = ("ai-train", "genai-train") if purpose == "ai-train" else (purpose,)
        out += [Evidence("robots", p, "disallowed", source, detail) for p in targets]
    return out
