"""`expunge optout emit`: the files and lines a site owner adds to say "do not train on this".

Every signal expunge reads, written for the purposes blocked and allowed, with a README that
says what each one does and does not guarantee. The output is checked by evaluating it with
expunge's own reader before it is written (tests do the same).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from expunge import __version__
from expunge.errors import ExpungeError
from expunge.optout.agents import Agent, agents
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


@dataclass(frozen=True)
class Plan:
    block: tuple[str, ...]
    allow: tuple[str, ...]
    blocked_agents: tuple[Agent, ...]
    mixed_agents: tuple[Agent, ...]  # serve a blocked and an allowed purpose: left alone


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
    return Plan(
        tuple(dict.fromkeys(block)), tuple(dict.fromkeys(allow)), tuple(blocked), tuple(mixed)
    )


def _prefs(p: Plan, table: dict[str, str], no: str, yes: str) -> str:
    values: dict[str, str] = {}
    for purpose in p.allow:
        values[table[purpose]] = yes
    for purpose in p.block:
        values[table[purpose]] = no
    return ", ".join(f"{k}={v}" for k, v in values.items())


def render(p: Plan, policy_url: str | None = None) -> dict[str, str]:
    """File name -> content."""
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
            f"# {len(p.blocked_agents)} AI crawlers that serve a blocked purpose"
            " (list: ai.robots.txt, MIT)"
        ),
    ]
    lines += [f"User-agent: {token}" for token in _tokens(p.blocked_agents)]
    lines += ["Disallow: /", ""]
    if p.mixed_agents:
        lines.append("# Not blocked: they also serve a purpose you allow -- " +
                     ", ".join(a.name for a in p.mixed_agents))  # fmt: skip
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
            meta.append(f'<meta name="tdm-policy" content="{policy_url}">')
    files["headers.txt"] = "\n".join(headers) + "\n"
    files["nginx.conf"] = "".join(
        f'add_header {h.split(":", 1)[0]} "{h.split(":", 1)[1].strip()}" always;\n' for h in headers
    )
    files["apache.conf"] = "".join(
        f'Header always set {h.split(":", 1)[0]} "{h.split(":", 1)[1].strip()}"\n' for h in headers
    )
    if meta:
        files["meta.html"] = "\n".join(meta) + "\n"
    files["README.md"] = _readme(p, training)
    return files


def _tokens(crawlers: tuple[Agent, ...]) -> list[str]:
    """Valid, distinct product tokens ('Brightbot 1.0' -> 'Brightbot', written once)."""
    import re

    out: dict[str, str] = {}
    for crawler in crawlers:
        token = re.match(r"[A-Za-z_-]*", crawler.name).group(0)  # type: ignore[union-attr]
        if token:
            out.setdefault(token.lower(), token)
    return list(out.values())


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
            " preference for every crawler | crawlers not on the list, or that ignore robots.txt,"
            " are not stopped; blocking a crawler does not remove what it already took |"
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
        f"{len(p.blocked_agents)} crawlers blocked by name (from ai.robots.txt, MIT licence).",
    ]
    if p.mixed_agents:
        parts.append(
            "Not blocked because they also serve a purpose you allow: "
            + ", ".join(a.name for a in p.mixed_agents) + "."
        )  # fmt: skip
    parts.append("Check the result: `expunge optout check https://your.site/ --fetch`.")
    return "\n".join(parts) + "\n"


def write(files: dict[str, str], out_dir: Path) -> None:
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ExpungeError(f"--out {out_dir} exists and is not empty", "choose a new directory")
    staging = out_dir.with_name(f".{out_dir.name}.tmp")
    if staging.exists():
        import shutil

        shutil.rmtree(staging)
    for name, text in files.items():
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    if out_dir.exists():
        out_dir.rmdir()
    staging.rename(out_dir)
