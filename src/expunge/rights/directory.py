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
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from expunge.errors import ExpungeError

_WORD = re.compile(r"[a-z0-9]+")

# A directory record checked longer ago than this may be out of date (as the guides).
STALE_DAYS = 180
# The 'eea' token of an entity's `serves`: the EU 27 and Iceland, Liechtenstein, Norway.
EEA = frozenset({
    "at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr", "hu", "ie", "it",
    "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se", "is", "li", "no",
})  # fmt: skip


@dataclass(frozen=True)
class Entity:
    """The company (controller, or its representative) that takes requests from one region.

    `serves`: country codes, 'eea', or '*' (everyone no other entity of the record serves).
    `role`: 'controller' or 'representative'. `source` / `checked`: where and when the policy
    that names it was read."""

    name: str
    serves: tuple[str, ...]
    address: str | None = None
    email: str | None = None
    web_form: str | None = None
    role: str = "controller"
    source: str | None = None
    checked: str | None = None
    note: str | None = None

    def covers(self, country: str) -> bool:
        """True if the entity serves requesters in `country` ('eea': somewhere in the EEA)."""
        if country == "eea":
            return "eea" in self.serves or any(c in EEA for c in self.serves)
        return country in self.serves or ("eea" in self.serves and country in EEA)


@dataclass(frozen=True)
class QuickRoute:
    """A setting or form that does part of what a letter asks, faster (one click or one form)."""

    what: str
    url: str
    covers: str
    serves: tuple[str, ...] = ("*",)
    source: str | None = None
    checked: str | None = None
    note: str | None = None

    def applies(self, country: str | None) -> bool:
        """True if the route is open to requesters in `country` ('eea': in the EEA)."""
        if "*" in self.serves or country is None:
            return True
        if country == "eea":
            return "eea" in self.serves or any(c in EEA for c in self.serves)
        return country in self.serves or ("eea" in self.serves and country in EEA)


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

    @property
    def entities(self) -> list[Entity]:
        """Which entity serves which region, as the record's policy says (may be empty)."""
        out = []
        for e in self.record.get("entities") or []:
            out.append(Entity(name=e["name"], serves=tuple(e["serves"]), address=e.get("address"),
                              email=e.get("email"), web_form=e.get("web-form"),
                              role=e.get("role", "controller"), source=e.get("source"),
                              checked=e.get("checked"), note=e.get("note")))  # fmt: skip
        return out

    def entity_for(self, country: str | None) -> Entity | None:
        """The entity that serves a requester living in `country` (ISO code, lower case): the
        one listing the country (or 'eea'), else the '*' one. None when the record names no
        entities or none serves that country (the caller falls back to the record itself)."""
        entities = self.entities
        if country is not None:
            for entity in entities:
                if entity.covers(country):
                    return entity
        for entity in entities:
            if "*" in entity.serves:
                return entity
        return None

    def as_entity(self) -> Entity:
        """The record itself as an addressee (records without per-region entities)."""
        return Entity(name=self.name, serves=tuple(self.countries), address=self.get("address"),
                      email=self.email, web_form=self.web_form, source=None,
                      checked=self.get("checked"))  # fmt: skip

    def quick_routes(self, country: str | None) -> list[QuickRoute]:
        """One-click settings or forms that do part of what a letter asks, for `country`."""
        routes = []
        for r in self.record.get("quick-routes") or []:
            route = QuickRoute(what=r["what"], url=r["url"], covers=r["covers"],
                               serves=tuple(r.get("serves") or ("*",)), source=r.get("source"),
                               checked=r.get("checked"), note=r.get("note"))  # fmt: skip
            if route.applies(country):
                routes.append(route)
        return routes

    def checked(self) -> date | None:
        value = self.record.get("checked")
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    def stale(self, today: date) -> bool:
        """True for expunge's own records checked more than STALE_DAYS ago."""
        checked = self.checked()
        return (
            self.source == "expunge"
            and checked is not None
            and ((today - checked).days > STALE_DAYS)
        )


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


def _words(text: str) -> tuple[str, ...]:
    """Lower-case ASCII words of a name: accents folded ('Régie' -> 'regie'), punctuation gone."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return tuple(_WORD.findall(plain))


@dataclass(frozen=True)
class _SearchIndex:
    keys: list[str]  # per searchable text: its words run together ('openaiirelandlimited')
    words: list[tuple[str, ...]]  # per text: its words
    slugs: list[str]  # per text: the company it names
    vocabulary: list[str]  # every word once
    texts_with: dict[str, list[int]]  # word -> the texts holding it


@cache
def _search_index() -> _SearchIndex:
    """Every company's slug, name and 'runs' entries (brands, products) as searchable texts."""
    keys: list[str] = []
    words: list[tuple[str, ...]] = []
    slugs: list[str] = []
    texts_with: dict[str, list[int]] = {}
    for slug, found in companies().items():
        for text in dict.fromkeys((slug, found.name, *found.also_known_as)):
            parts = _words(text)
            if not parts:
                continue
            for word in set(parts):
                texts_with.setdefault(word, []).append(len(keys))
            keys.append("".join(parts))
            words.append(parts)
            slugs.append(slug)
    return _SearchIndex(keys, words, slugs, list(texts_with), texts_with)


MIN_SCORE = 75.0  # below this a match is noise ('acme widgets' -> 'meapp'), not shown
_MIN_SIMILAR = 85.0  # edit similarity that counts as a typo ('antropic'); 'wetter' ~ 'twitter' 77
_WORD_WEIGHT = 0.9  # a name that holds the query as one of its words ranks below an exact match


def _prefix_score(part: str, whole: str) -> float:
    """'micro' begins 'microsoft': 70-90 by how much of the word it covers (3+ letters)."""
    if len(part) >= 3 and len(whole) > len(part) and whole.startswith(part):
        return 70.0 + 20.0 * len(part) / len(whole)
    return 0.0


def name_score(query: str, name: str) -> float:
    """How well `query` names `name` (0-100), by find_companies' rules for one pair: 100 for
    the same words, the whole-name similarity or prefix score, or 90 times the mean best match
    of each query word among the name's words. Used for short lists (platform guides)."""
    from rapidfuzz import fuzz

    wanted_words, words = _words(query), _words(name)
    wanted, key = "".join(wanted_words), "".join(words)
    if not wanted or not key:
        return 0.0
    if wanted == key:
        return 100.0

    def similar(a: str, b: str) -> float:
        if a == b:
            return 100.0
        ratio = fuzz.ratio(a, b)
        return max(ratio if ratio >= _MIN_SIMILAR else 0.0, _prefix_score(a, b))

    per_word = [max(similar(w, x) for x in words) for w in wanted_words]
    return max(similar(wanted, key), _WORD_WEIGHT * sum(per_word) / len(per_word))


def find_companies(query: str, limit: int = 5) -> list[tuple[Company, float]]:
    """Companies whose slug, name or brands resemble `query`, best first, with a 0-100 score,
    one entry per company ('open ai' finds OpenAI; 'chatgpt' finds it through its brands;
    'google' finds Google LLC and the Gemini record). Scores: 100 for an exact name, brand or
    slug; the edit similarity of the whole name (typos) or a prefix of it; 90 for a name that
    has every query word as one of its words (less for near or partial words). Matches under
    MIN_SCORE are left out, and a query nothing resembles is an ExpungeError saying so."""
    from rapidfuzz import fuzz, process

    wanted_words = _words(query)
    wanted = "".join(wanted_words)
    if not wanted:
        raise ExpungeError(
            "empty company name", 'give a name, e.g. expunge rights company "open ai"'
        )
    index = _search_index()
    best: dict[str, float] = {}

    def offer(text: int, score: float) -> None:
        slug = index.slugs[text]
        if score >= MIN_SCORE and score > best.get(slug, 0.0):
            best[slug] = score

    # the whole name: exact, similar (typos), or begun by the query
    for _, score, text in process.extract(
        wanted, index.keys, scorer=fuzz.ratio, score_cutoff=_MIN_SIMILAR, limit=None
    ):
        offer(text, 100.0 if index.keys[text] == wanted else score)
    for text, key in enumerate(index.keys):
        if key.startswith(wanted):
            offer(text, _prefix_score(wanted, key))
    # word by word: each query word against the words of a name
    similar: list[dict[str, float]] = []
    for word in wanted_words:
        near = {
            w: score
            for w, score, _ in process.extract(
                word, index.vocabulary, scorer=fuzz.ratio, score_cutoff=_MIN_SIMILAR, limit=None
            )
        }
        for w in index.vocabulary:
            if w.startswith(word):
                near[w] = max(near.get(w, 0.0), _prefix_score(word, w))
        near[word] = 100.0 if word in index.texts_with else near.get(word, 0.0)
        similar.append(near)
    candidates = {t for near in similar for w in near for t in index.texts_with.get(w, ())}
    for text in candidates:
        words = index.words[text]
        per_word = [max((near.get(w, 0.0) for w in words), default=0.0) for near in similar]
        offer(text, _WORD_WEIGHT * sum(per_word) / len(per_word))
    if not best:
        raise ExpungeError(
            f"unknown company {query!r}: no name, brand or slug in the directory resembles it",
            "try the company's legal or brand name (e.g. 'Meta', 'ChatGPT'); a company that is "
            "not in the directory can still be written to: find its privacy contact in its "
            "privacy policy",
        )
    every = companies()
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], every[kv[0]].source != "expunge", kv[0]))
    return [(every[slug], round(score, 1)) for slug, score in ranked[:limit]]


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
