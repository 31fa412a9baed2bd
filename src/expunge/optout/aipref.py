"""IETF AI Preferences (`Content-Usage`) and Cloudflare's Content Signals (`Content-Signal`).

Vocabulary: draft-ietf-aipref-vocab-08 (13 September 2026): a flat set of categories, train-ai,
ai-use and search, each y (allow) or n (disallow); unknown labels are ignored. Serialised as an
HTTP Structured Field Dictionary (RFC 9651), parsed here with `http_sf`; a field that fails to
parse states nothing. Attachment: draft-ietf-aipref-attach-05 (19 August 2026): the HTTP header
`Content-Usage` and a `Content-Usage: [path] prefs` rule inside a robots.txt group, where the
longest matching path wins, rules of the same length combine most-restrictively, and a URL the
group disallows gets no preference.

Content Signals (contentsignals.org, 24 September 2025; no versioned spec): `Content-Signal:
search=yes, ai-train=no, ai-input=no` in a robots.txt group, before any group (site-wide), or as
an HTTP header; keys and values case-insensitive, yes/no only, duplicates most-restrictive. A
`no` in the '*' group binds every crawler, also one with a group of its own (the policy states
the site's terms for whoever uses the content; a missed reservation costs more than a false
one); a `yes` there only speaks for the crawlers that read the '*' group.
"""

from __future__ import annotations

import functools

from expunge.optout.robots import (
    Extension,
    Group,
    RobotsTxt,
    canonical_pattern,
    canonical_target,
    decide_in,
    matches,
)
from expunge.optout.verdict import Evidence, Problem, Verdict, training

# vocab-08 label -> purposes it speaks for (train-ai read broadly: an opt-out of training).
USAGE_PURPOSES = {
    "train-ai": ("ai-train", "genai-train"),
    "ai-use": ("ai-input",),
    "search": ("search",),
}
SIGNAL_PURPOSES = {
    "ai-train": ("ai-train", "genai-train"),
    "ai-input": ("ai-input",),
    "search": ("search",),
}


def parse_usage(value: str | bytes) -> dict[str, Verdict] | None:
    """A Content-Usage value -> {label: allowed|disallowed} for the known labels whose value
    is the token y or n; None when the field is not a valid SF dictionary."""
    found = _parse_usage(value)
    return None if found is None else dict(found)


@functools.lru_cache(maxsize=4096)  # a site's few lines are read once per URL
def _parse_usage(value: str | bytes) -> tuple[tuple[str, Verdict], ...] | None:
    import http_sf

    raw = value.encode("latin-1", "replace") if isinstance(value, str) else value
    if not raw.strip():
        return ()
    try:
        parsed = http_sf.parse(raw, tltype="dictionary")
    except Exception:  # noqa: BLE001 - any parse failure means the field states nothing
        return None
    if not isinstance(parsed, dict):
        return None
    out: dict[str, Verdict] = {}
    for label, member in parsed.items():
        item = member[0] if isinstance(member, tuple) else None
        if label in USAGE_PURPOSES and isinstance(item, http_sf.Token):
            if str(item) == "y":
                out[label] = "allowed"
            elif str(item) == "n":
                out[label] = "disallowed"
    return tuple(out.items())


def usage_evidence(
    prefs: dict[str, Verdict], source: str, detail: str, signal: str = "content-usage"
) -> list[Evidence]:
    return [
        Evidence(signal, purpose, verdict, source, detail)
        for label, verdict in prefs.items()
        for purpose in USAGE_PURPOSES[label]
    ]


def header_usage(values: list[str]) -> tuple[list[Evidence], list[Problem]]:
    """Content-Usage header lines of a response: combined into one dictionary (RFC 9110 field
    line joining), so a later duplicate key wins, as the SF rules say."""
    if not values:
        return [], []
    joined = ", ".join(values)
    prefs = parse_usage(joined)
    if prefs is None:
        return [], [Problem("invalid-sf-dictionary", "HTTP header Content-Usage", joined[:200])]
    return usage_evidence(prefs, "HTTP header Content-Usage", joined[:200]), []


def _split_rule(value: str) -> tuple[str | None, str]:
    """'/ai-ok/ train-ai=y' -> ('/ai-ok/', 'train-ai=y'); without a leading '/', no path."""
    if value.startswith("/"):
        path, _, rest = value.replace("\t", " ").partition(" ")
        return path, rest.strip()
    return None, value


def _lines(groups: list[Group], key: str, full: bool) -> list[Extension]:
    return [e for g in groups for e in g.extensions if e.key == key and (full or not e.past_cap)]


def robots_usage(
    robots: RobotsTxt, groups: list[Group], path: str, full: bool = False
) -> tuple[list[Evidence], list[Problem]]:
    """The Content-Usage rules of the applicable groups for `path` (attach-05 §3). `full`:
    the reading past the first 500 KiB of a longer file."""
    rules = _lines(groups, "content-usage", full)
    if not rules or not decide_in(groups, path, full).allowed:
        return [], []
    target = canonical_target(path or "/")
    best_length, best = -1, list[tuple[Extension, str]]()
    for rule in rules:
        rule_path, prefs = _split_rule(rule.value)
        pattern = canonical_pattern(rule_path) if rule_path else ""
        if rule_path and not matches(pattern, target):
            continue
        if len(pattern) > best_length:
            best_length, best = len(pattern), [(rule, prefs)]
        elif len(pattern) == best_length:
            best.append((rule, prefs))
    evidence: list[Evidence] = []
    problems: list[Problem] = []
    for rule, text in best:
        source = f"robots.txt line {rule.line}"
        parsed = parse_usage(text)
        if parsed is None:
            problems.append(Problem("invalid-sf-dictionary", source, rule.value[:200]))
            continue
        evidence += usage_evidence(parsed, source, f"Content-Usage: {rule.value}"[:200])
    return evidence, problems


def parse_signal(value: str) -> tuple[str | None, dict[str, Verdict], str | None]:
    """'[/path] search=yes, ai-train=no, use=reference' -> (path, {key: verdict}, use)."""
    path, rest = _split_rule(value.strip())
    found: dict[str, Verdict] = {}
    use = None
    for part in rest.split(","):
        key, eq, val = part.partition("=")
        key, val = key.strip().lower(), val.strip().lower()
        if not eq:
            continue
        if key == "use":
            use = val
        elif key in SIGNAL_PURPOSES and val in ("yes", "no"):
            verdict: Verdict = "disallowed" if val == "no" else "allowed"
            if found.get(key) != "disallowed":  # duplicates: the most restrictive stays
                found[key] = verdict
    return path, found, use


def signal_evidence(found: dict[str, Verdict], source: str, detail: str) -> list[Evidence]:
    out: list[Evidence] = []
    for key, verdict in found.items():
        if key == "ai-train":
            out += training(verdict, "content-signal", source, detail)
        else:
            out += [
                Evidence("content-signal", p, verdict, source, detail) for p in SIGNAL_PURPOSES[key]
            ]
    return out


def robots_signals(
    robots: RobotsTxt, groups: list[Group], path: str, full: bool = False, shared: bool = True
) -> tuple[list[Evidence], list[str]]:
    """Content-Signal lines that cover `path`: those of the applicable groups and, with
    `shared`, the site-wide ones and the restrictions (`no`) of the '*' group when the
    crawler has a group of its own. Returns evidence and any `use=` values seen."""
    target = canonical_target(path or "/")
    evidence: list[Evidence] = []
    uses: list[str] = []
    own = _lines(groups, "content-signal", full)
    star: list[Group] = []
    if shared:
        own += [
            e
            for e in robots.global_extensions
            if e.key == "content-signal" and (full or not e.past_cap)
        ]
        # by identity: Group compares field by field, rules and all
        star = [g for g in robots.groups_for("*", full) if all(g is not h for h in groups)]
    for ext, only_no in [(e, False) for e in own] + [
        (e, True) for e in _lines(star, "content-signal", full)
    ]:
        rule_path, found, use = parse_signal(ext.value)
        if rule_path and not matches(canonical_pattern(rule_path), target):
            continue
        if use and not only_no:
            uses.append(use)
        if only_no:
            found = {k: v for k, v in found.items() if v == "disallowed"}
        where = f"robots.txt line {ext.line}" + (" ('*' group, binds every crawler)" * only_no)
        evidence += signal_evidence(found, where, f"Content-Signal: {ext.value}"[:200])
    return evidence, uses


def header_signals(values: list[str]) -> list[Evidence]:
    evidence: list[Evidence] = []
    for value in values:
        _, found, _ = parse_signal(value)
        evidence += signal_evidence(found, "HTTP header Content-Signal", value[:200])
    return evidence
