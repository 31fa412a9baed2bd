"""W3C TDM Reservation Protocol (TDMRep), Final Community Group Report of 10 May 2024.

Three sources, read in this order, each one present superseding the one before: the site's
/.well-known/tdmrep.json (a JSON array of {location, tdm-reservation, tdm-policy}; the FIRST
rule whose location pattern matches wins; robots.txt path syntax), the HTTP headers
`tdm-reservation` / `tdm-policy` of the response, and the HTML `<meta name="tdm-reservation">`.
`1` reserves text-and-data-mining rights (EU DSM Directive Art. 4), which covers AI training;
`0` does not; any other value is a protocol error and counts as unset.

Locations are matched with robots.txt's canonical percent-encoding (RFC 9309 §2.2.2). The spec
matches a location against "the path" while the Google rules it points to match path and
query; we read both and keep the stricter outcome, so `/*.jpg$` still reserves
`/photo.jpg?w=200` (docs/optout-specs.md §4).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from expunge.optout.robots import canonical_pattern, canonical_target, matches
from expunge.optout.verdict import Evidence, Problem, Verdict, training


@dataclass(frozen=True, slots=True)
class TdmRule:
    location: str
    reservation: int | None  # None: invalid value (protocol error)
    policy: str | None
    index: int  # position in the array, 1-based, for reports


def parse_tdmrep_json(data: bytes | str) -> tuple[list[TdmRule], list[Problem]]:
    source = "/.well-known/tdmrep.json"
    try:
        parsed = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return [], [Problem("invalid-json", source, "not valid JSON")]
    if not isinstance(parsed, list):
        return [], [Problem("tdmrep-not-an-array", source, f"top level is {type(parsed).__name__}")]
    rules: list[TdmRule] = []
    problems: list[Problem] = []
    for index, item in enumerate(parsed, start=1):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("location"), str)
            or "tdm-reservation" not in item
        ):
            problems.append(
                Problem("invalid-tdmrep-rule", f"{source} rule {index}", str(item)[:200])
            )
            continue
        value = item["tdm-reservation"]
        reservation = value if type(value) is int and value in (0, 1) else None
        policy = item.get("tdm-policy")
        rules.append(
            TdmRule(
                item["location"], reservation, policy if isinstance(policy, str) else None, index
            )
        )
    return rules, problems


def first_match(target: str, rules: list[TdmRule]) -> TdmRule | None:
    """The first rule in array order whose location matches (the spec's "most specific")."""
    for rule in rules:
        if matches(canonical_pattern(rule.location), target):
            return rule
    return None


def file_rule(path: str, rules: list[TdmRule]) -> TdmRule | None:
    """The deciding tdmrep.json rule for `path` (path and query): read against the path with
    its query and against the path alone; a reservation from either reading wins."""
    target = canonical_target(path or "/")
    with_query = first_match(target, rules)
    if "?" not in target:
        return with_query
    path_only = first_match(target.split("?", 1)[0], rules)
    for rule in (with_query, path_only):
        if rule is not None and rule.reservation == 1:
            return rule
    return with_query or path_only


def _reservation(value: str) -> int | None:
    value = value.strip()
    return int(value) if value in ("0", "1") else None


def tdmrep_evidence(
    path: str,
    rules: list[TdmRule] | None,
    header: str | None,
    meta: str | None,
) -> tuple[list[Evidence], list[Problem]]:
    """The TDMRep value for one resource, with the source that set it last."""
    problems: list[Problem] = []
    value: int | None = None
    source = detail = ""
    chosen = file_rule(path, rules or [])
    if chosen is not None:
        where = f"/.well-known/tdmrep.json rule {chosen.index}"
        if chosen.reservation is None:
            problems.append(Problem("invalid-tdm-reservation", where, chosen.location))
        else:
            value, source = chosen.reservation, where
            detail = f'location "{chosen.location}", tdm-reservation {chosen.reservation}'
    for raw, where in (
        (header, "HTTP header tdm-reservation"),
        (meta, '<meta name="tdm-reservation">'),
    ):
        if raw is None:
            continue
        parsed = _reservation(raw)
        if parsed is None:
            problems.append(Problem("invalid-tdm-reservation", where, raw[:100]))
            continue
        value, source, detail = parsed, where, f"tdm-reservation: {raw.strip()}"
    if value is None:
        return [], problems
    verdict: Verdict = "disallowed" if value == 1 else "allowed"
    return training(verdict, "tdmrep", source, detail), problems
