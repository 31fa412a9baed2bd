"""Company directory: who to write to.

Two sources, both bundled: datarequests.org's open company database (CC0, ~3,000 data
controllers with privacy contacts; data/datarequests/, with its LICENSE and SOURCE.md) and
expunge's own records for AI companies (data/rights/ai_companies.jsonl: privacy contact, web
form, training opt-out, the date each fact was checked and its public source). Where both
have a company, expunge's record wins and the datarequests one stays findable under its slug.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from expunge.errors import ExpungeError

_PUNCT = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Company:
    slug: str
    name: str
    record: dict[str, Any]  # the full record, as in the source file
    source: str  # 'expunge' | 'datarequests'

    def get(self, key: str) -> Any:
        return self.record.get(key)

    @property
    def email(self) -> str | None:
        return self.record.get("email")

    @property
    def web_form(self) -> str | None:
        return self.record.get("web-form") or self.record.get("webform")

    @property
    def countries(self) -> list[str]:
        return list(self.record.get("relevant-countries") or ["all"])

    @property
    def also_known_as(self) -> list[str]:
        return [str(x) for x in self.record.get("runs") or []]


def _lines(*parts: str) -> list[dict[str, Any]]:
    text = (resources.files("expunge") / "data").joinpath(*parts).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@cache
def companies() -> dict[str, Company]:
    out = {
        r["slug"]: Company(r["slug"], r["name"], r, "datarequests")
        for r in _lines("datarequests", "companies.jsonl")
    }
    for record in _lines("rights", "ai_companies.jsonl"):
        out[record["slug"]] = Company(record["slug"], record["name"], record, "expunge")
    return out


@cache
def authorities() -> list[dict[str, Any]]:
    return _lines("datarequests", "authorities.jsonl")


def _key(text: str) -> str:
    return _PUNCT.sub("", text.lower())


@cache
def _search_index() -> tuple[list[str], list[str]]:
    """(searchable string, slug) pairs: slug, name, and every 'runs' entry (brands)."""
    texts, slugs = [], []
    for slug, company in companies().items():
        for text in {slug, company.name, *company.also_known_as}:
            texts.append(_key(text))
            slugs.append(slug)
    return texts, slugs


def find_companies(query: str, limit: int = 5) -> list[tuple[Company, float]]:
    """Companies whose slug, name or brands resemble `query`, best first, with a 0-100
    score ('open ai' finds OpenAI; 'chatgpt' finds it through its brands)."""
    from rapidfuzz import fuzz, process

    wanted = _key(query)
    if not wanted:
        raise ExpungeError(
            "empty company name", 'give a name, e.g. expunge rights company "open ai"'
        )
    texts, slugs = _search_index()
    best: dict[str, float] = {}
    for _text, score, index in process.extract(wanted, texts, scorer=fuzz.WRatio, limit=limit * 8):
        slug = slugs[index]
        exact = 100.0 if texts[index] == wanted else score
        best[slug] = max(best.get(slug, 0.0), exact)
    ranked = sorted(
        best.items(), key=lambda kv: (-kv[1], companies()[kv[0]].source != "expunge", kv[0])
    )
    return [(companies()[slug], score) for slug, score in ranked[:limit]]


def company(slug_or_name: str) -> Company:
    """Exactly one company: by slug, or the single clear best fuzzy match."""
    found = companies().get(slug_or_name)
    if found is not None:
        return found
    matches = find_companies(slug_or_name, limit=3)
    if matches and matches[0][1] >= 95 and (len(matches) == 1 or matches[1][1] < matches[0][1]):
        return matches[0][0]
    hint = ", ".join(c.slug for c, _ in matches) or "none"
    raise ExpungeError(
        f"unknown company {slug_or_name!r} (closest: {hint})",
        f'look it up: expunge rights company "{slug_or_name}", then pass its slug',
    )


def authority_for(country: str) -> dict[str, Any] | None:
    """The data-protection supervisory authority of a country (ISO code, lower case)."""
    country = country.lower()
    for record in authorities():
        if country in (record.get("relevant-countries") or []):
            return record
    return None
