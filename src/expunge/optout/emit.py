"""`expunge optout emit`: the files and lines a site owner adds to say "do not train on this".

Every signal expunge reads, written for the purposes blocked and allowed, with a README that
says what each one does and does not guarantee. The output is checked by evaluating it with
expunge's own reader before it is written (tests do the same).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from expunge import __version__
from expunge.atomic import staged_dir
from expunge.errors import ExpungeError
from expunge.optout.agents import SEARCH_CRAWLERS, Agent, agents
from expunge.optout.verdict import PURPOSES

USAGE_LABEL = {
    "ai-train": "train-ai",
    "genai-train": "train-ai",
    "ai-input": "ai-use",
    "search": "search",
}
SIGNAL_KEY = {
    "ai-train": "ai-train",
    "genai-train": "ai-train",
    "ai-input": "ai-input",
    "search": "search",
}


# Characters RFC 3986 allows in a URL (besides letters and digits), minus '$', which nginx
# would read as a variable in the add_header value and which has no escape there.
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!&'()*+,;=%]+\Z")


@dataclass(frozen=True)
class Plan:
    block: tuple[str, ...]
    allow: tuple[str, ...]
    blocked_agents: tuple[Agent, ...]
    mixed_agents: tuple[Agent, ...]  # serve a blocked and an allowed purpose: left alone
    # Their token is part of the name of a crawler you allow ('Spider' in 'Baiduspider'):
    # readers that match by substring (CPython's robotparser, protego) would block it too.
    overreaching: tuple[tuple[Agent, str], ...] = ()

    @property
    def tokens(self) -> list[str]:
        """The `User-agent:` lines robots.txt gets: one per product token, as the list spells
        it ('Brightbot' and 'Brightbot 1.0' are one line)."""
        return robots_tokens(self.blocked_agents)


def plan(block: list[str], allow: list[str]) -> Plan:
    for purpose in [*block, *allow]:
        if purpose not in PURPOSES:
            raise ExpungeError(f"unknown purpose {purpose!r}", "use: " + ", ".join(PURPOSES))
    if not block:
        raise ExpungeError("nothing to block", "pass --block ai-train (repeatable)")
    both = set(block) & set(allow)
    if both:
        raise ExpungeError(f"{', '.join(sorted(both))} is both blocked and allowed", "pick one")
    wanted = {"ai-train" if p == "genai-train" else p for p in block}
    allowed = {"ai-train" if p == "genai-train" else p for p in allow}
    blocked: list[Agent] = []
    mixed: list[Agent] = []
    for agent in sorted(agents().values(), key=lambda a: a.name.lower()):
        purposes = set(agent.purposes)
        if purposes & wanted:
            (mixed if purposes & allowed else blocked).append(agent)
    kept = _allowed_names(allowed, {a.name for a in blocked})
    overreaching = [(a, hit) for a in blocked if (hit := _inside_another(a, kept))]
    blocked = [a for a in blocked if not any(a is o for o, _ in overreaching)]
    return Plan(tuple(dict.fromkeys(block)), tuple(dict.fromkeys(allow)), tuple(blocked),
                tuple(mixed), tuple(overreaching))  # fmt: skip


def _allowed_names(allowed: set[str], blocked: set[str]) -> list[str]:
    """The crawlers a user allows by name: the listed ones serving an allowed purpose, and
    the major search crawlers when search is allowed."""
    names = [a.name for a in agents().values()
             if set(a.purposes) & allowed and a.name not in blocked]  # fmt: skip
    return (list(SEARCH_CRAWLERS) if "search" in allowed else []) + names


def _inside_another(agent: Agent, names: list[str]) -> str:
    """The first allowed crawler whose name holds this agent's token as a part ('Spider' in
    'Baiduspider'), or ''."""
    token = re.split(r"[\s/]", agent.name.strip(), maxsplit=1)[0].lower()
    return next((n for n in names if token in n.lower() and token != n.lower().split()[0]), "")


def _prefs(p: Plan, table: dict[str, str], no: str, yes: str) -> str:
    values: dict[str, str] = {}
    for purpose in p.allow:
        values[table[purpose]] = yes
    for purpose in p.block:
        values[table[purpose]] = no
    return ", ".join(f"{k}={v}" for k, v in values.items())


def check_policy_url(url: str) -> str:
    """The --policy URL, or one error line: an absolute http(s) URL with nothing that would
    break out of the quotes of the meta tag or the nginx / Apache header lines."""
    url = url.strip()
    bad = next((c for c in url if not _URL_CHARS.match(c)), None)
    if bad is not None:
        raise ExpungeError(
            f"--policy contains {bad!r}, which a URL cannot hold as written",
            "percent-encode it (a space is %20, a quote %22, '$' %24)",
        )
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ExpungeError(
            f"--policy {url!r} is not an http(s) URL", "e.g. --policy https://example.com/tdm"
        )
    return url


def render(p: Plan, policy_url: str | None = None) -> dict[str, str]:
    """File name -> content."""
    policy_url = check_policy_url(policy_url) if policy_url is not None else None
    today = datetime.now(UTC).date().isoformat()
    usage = _prefs(p, USAGE_LABEL, "n", "y")
    signal = _prefs(p, SIGNAL_KEY, "no", "yes")
    training = any(x in p.block for x in ("ai-train", "genai-train"))
    lines = [
        f"# AI preferences written by expunge {__version__} on {today}",
        f"# blocked: {', '.join(p.block)}; allowed: {', '.join(p.allow) or '-'}",
        "",
        "User-agent: *",
        f"Content-Usage: {usage}",
        f"Content-Signal: {signal}",
        "Allow: /",
        "",
        (
            f"# {len(p.tokens)} user-agent tokens for the {len(p.blocked_agents)} AI crawlers"
            " that serve a blocked purpose (list: ai.robots.txt, MIT)"
        ),
    ]
    lines += [f"User-agent: {token}" for token in p.tokens]
    lines += ["Disallow: /", ""]
    if p.mixed_agents:
        lines.append("# Not blocked: they also serve a purpose you allow -- " +
                     ", ".join(a.name for a in p.mixed_agents))  # fmt: skip
    if p.overreaching:
        lines.append("# Not written: readers that match by substring would also block a crawler"
                     " you allow -- " + _overreach_list(p))  # fmt: skip
    files = {"robots.txt": "\n".join(lines) + "\n"}
    headers = [f"Content-Usage: {usage}"]
    meta = []
    if training:
        rule: dict[str, object] = {"location": "/", "tdm-reservation": 1}
        if policy_url:
            rule["tdm-policy"] = policy_url
        files[".well-known/tdmrep.json"] = json.dumps([rule], indent=2) + "\n"
        files["ai.txt"] = (
            "# Spawning ai.txt: no AI training on any file of this site\nUser-Agent: *\nDisallow: /\n"
        )
        headers += ["X-Robots-Tag: noai, noimageai", "tdm-reservation: 1"]
        meta += [
            '<meta name="robots" content="noai, noimageai">',
            '<meta name="tdm-reservation" content="1">',
        ]
        if policy_url:
            headers.append(f"tdm-policy: {policy_url}")
            meta.append(f'<meta name="tdm-policy" content="{html.escape(policy_url)}">')
    files["headers.txt"] = "\n".join(headers) + "\n"
    pairs = [(h.split(":", 1)[0], h.split(":", 1)[1].strip()) for h in headers]
    files["nginx.conf"] = "".join(
        f'add_header {name} "{_quoted(value)}" always;\n' for name, value in pairs
    )
    # mod_headers reads '%' as the start of a format specifier ('%D', '%{VAR}e'): '%%' is one.
    files["apache.conf"] = "".join(
        f'Header always set {name} "{_quoted(value).replace("%", "%%")}"\n' for name, value in pairs
    )
    if meta:
        files["meta.html"] = "\n".join(meta) + "\n"
    files["README.md"] = _readme(p, training)
    return files


def _quoted(value: str) -> str:
    """A value for a double-quoted nginx / Apache string (the URL check keeps '"', '\\' and
    '$' out already; this is the belt to that check's braces)."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def robots_tokens(crawlers: tuple[Agent, ...]) -> list[str]:
    """Distinct product tokens as the list spells them, digits included ('img2dataset',
    'AI2Bot'); a name with a space or version is written up to it ('Brightbot 1.0' ->
    'Brightbot'), which is the token every RFC 9309 reader matches."""
    out: dict[str, str] = {}
    for crawler in crawlers:
        token = re.split(r"[\s/]", crawler.name.strip(), maxsplit=1)[0]
        if token:
            out.setdefault(token.lower(), token)
    return list(out.values())


def preference_lines(robots_txt: str) -> list[str]:
    """The Content-Usage / Content-Signal lines of the '*' group of an emitted robots.txt."""
    return [
        line
        for line in robots_txt.splitlines()
        if line.lower().startswith(("content-usage:", "content-signal:"))
    ]


def repeat_in_groups(existing: str, lines: list[str]) -> str:
    """`existing` robots.txt with `lines` added after every run of user-agent lines that does
    not state them already. A crawler with a group of its own does not read the '*' group's
    Content-Usage (aipref-attach) and may not read its Content-Signal, so a site that keeps
    named groups repeats the preference in each of them."""
    out: list[str] = []
    source = existing.splitlines()
    for index, line in enumerate(source):
        out.append(line)
        if not _is_agent_line(line):
            continue
        following = next((x for x in source[index + 1 :] if x.split("#", 1)[0].strip()), "")
        if _is_agent_line(following):
            continue  # the run goes on
        group = _group_text(source, index + 1).lower()
        out += [x for x in lines if x.lower() not in group]
    return "\n".join(out) + "\n"


def merge_robots(existing: str, emitted: str) -> str:
    """A site's robots.txt merged with the emitted one: the preference lines repeated in each of
    the site's groups, then the emitted groups (the RFC merges the two '*' groups)."""
    merged = repeat_in_groups(existing, preference_lines(emitted)) if existing.strip() else ""
    return merged + ("\n" if merged else "") + emitted


def _is_agent_line(line: str) -> bool:
    return line.split("#", 1)[0].strip().lower().startswith("user-agent")


def _group_text(lines: list[str], start: int) -> str:
    """The lines of the group that starts at `start`, up to the next user-agent line."""
    end = next((i for i in range(start, len(lines)) if _is_agent_line(lines[i])), len(lines))
    return "\n".join(x.strip() for x in lines[start:end])


def _readme(p: Plan, training: bool) -> str:
    parts = [
        "# Your AI-use preferences, in every format crawlers read",
        "",
        f"Blocked: {', '.join(p.block)}. Allowed: {', '.join(p.allow) or 'nothing stated'}.",
        "",
        "These are requests, not locks: a crawler that ignores them still gets your pages.",
        "They also do not reach copies of your content that are already in datasets or",
        "models; for that, send requests (`expunge rights`) and check datasets (`expunge find`).",
        "",
        "| file | put it | what it does | what it does not do |",
        "|---|---|---|---|",
        (
            "| robots.txt | merge into /robots.txt | blocks the listed AI crawlers (RFC 9309);"
            " `Content-Usage` (IETF aipref draft) and `Content-Signal` (Cloudflare) state your"
            " preference in the `*` group | crawlers not on the list, or that ignore robots.txt,"
            " are not stopped; blocking a crawler does not remove what it already took; a"
            " crawler with a group of its own in your file does not read the `*` group (see"
            " below) |"
        ),
    ]
    if training:
        parts += [
            (
                "| .well-known/tdmrep.json | serve at /.well-known/tdmrep.json | W3C TDMRep:"
                " reserves text-and-data-mining rights (EU DSM Directive Art. 4) for the whole site"
                " | outside the EU the reservation has no settled legal force |"
            ),
            (
                "| ai.txt | serve at /ai.txt | Spawning's file-level opt-out, read by their API"
                " and tools built on it | few crawlers read it |"
            ),
            (
                "| meta.html | in the `<head>` of every page | `noai`/`noimageai` (DeviantArt"
                " convention) and TDMRep per page | only readers that parse HTML see it; not images |"
            ),
        ]
    parts += [
        (
            "| headers.txt, nginx.conf, apache.conf | HTTP response headers | the same statements"
            " on every response, images and PDFs included | headers are lost when a file is"
            " copied elsewhere |"
        ),
        "",
        (
            f"{len(p.blocked_agents)} crawlers of the ai.robots.txt list (MIT licence) are"
            f" blocked by name, on {len(p.tokens)} `User-agent` lines (names that differ only"
            " by a version or a second word share one product token)."
        ),
        "",
        (
            "The `Content-Usage` and `Content-Signal` lines sit in the `*` group, which only"
            " the crawlers without a group of their own read. If your robots.txt already has"
            " groups for named crawlers (`User-agent: Googlebot` ...), repeat the two lines in"
            " each of them, or those crawlers will not see your preference."
        ),
    ]
    if p.mixed_agents:
        parts.append(
            "Not blocked because they also serve a purpose you allow: "
            + ", ".join(a.name for a in p.mixed_agents) + "."
        )  # fmt: skip
    if p.overreaching:
        parts.append(
            "Not written, because readers that match user-agent names by substring (CPython's"
            " `urllib.robotparser`, Scrapy's protego) would also block a crawler you allow: "
            + _overreach_list(p) + ". Add them yourself if that is acceptable."
        )  # fmt: skip
    parts.append("Check the result: `expunge optout check https://your.site/ --fetch`.")
    return "\n".join(parts) + "\n"


def _overreach_list(p: Plan) -> str:
    return ", ".join(f"{a.name} (part of {name})" for a, name in p.overreaching)


def write(files: dict[str, str], out_dir: Path) -> None:
    """The files into `out_dir` (new or empty), all of them or none."""
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ExpungeError(f"--out {out_dir} exists and is not empty", "choose a new directory")
    with staged_dir(out_dir) as staging:
        for name, text in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
