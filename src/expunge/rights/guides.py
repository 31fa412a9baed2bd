"""Platform opt-out guides: where each service's "do not train on my data" switch is, what it
covers and what it does not, with the date the facts were checked and their sources
(data/guides/<platform>.yaml, expunge's own compilation). Guides older than STALE_DAYS are
flagged: platforms move these switches often."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from expunge.errors import ExpungeError

STALE_DAYS = 180


@dataclass(frozen=True)
class Guide:
    slug: str
    data: dict[str, Any]

    @property
    def checked(self) -> date:
        value = self.data["checked"]
        return value if isinstance(value, date) else date.fromisoformat(str(value))

    def age_days(self, today: date) -> int:
        return (today - self.checked).days

    def stale(self, today: date) -> bool:
        return self.age_days(today) > STALE_DAYS

    @property
    def names(self) -> list[str]:
        """What a person may call the platform: slug, name, `aliases` (brands, the company's
        name, former names) and the operator's names."""
        operator = str(self.data.get("operator") or "")
        operators = [part.split("(")[0] for part in operator.split(";")]
        return [self.slug, str(self.data.get("platform", "")), *self.data.get("aliases", []),
                *operators]  # fmt: skip


@cache
def guides() -> dict[str, Guide]:
    import yaml

    folder = resources.files("expunge") / "data" / "guides"
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            data = yaml.safe_load(entry.read_text("utf-8"))
            out[data["slug"]] = Guide(data["slug"], data)
    return out


def find_guides(name: str) -> list[tuple[Guide, float]]:
    """Guides whose names resemble `name`, best first, scored as `expunge rights company`
    scores companies ('meta' finds Facebook and Instagram, 'gemini' Google's guide, 'twitter'
    X's, 'copilot' Microsoft's)."""
    from expunge.rights.directory import MIN_SCORE, name_score

    scored = []
    for g in guides().values():
        score = max(name_score(name, n) for n in g.names if n)
        if score >= MIN_SCORE:
            scored.append((g, score))
    return sorted(scored, key=lambda gs: (-gs[1], gs[0].slug))


def guide(name: str) -> Guide:
    """The guide for a platform: by slug, or the best fuzzy match of its names."""
    key = name.strip().lower()
    if key in guides():
        return guides()[key]
    found = find_guides(name) if key else []
    if not found:
        raise ExpungeError(
            f"no guide for {name!r}", "known platforms: " + ", ".join(sorted(guides()))
        )
    return found[0][0]
