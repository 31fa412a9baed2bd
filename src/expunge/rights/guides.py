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


def guide(name: str) -> Guide:
    key = name.strip().lower()
    found = guides().get(key) or next(
        (g for g in guides().values() if key in (g.data.get("platform", "").lower(), g.slug)), None
    )
    if found is None:
        raise ExpungeError(
            f"no guide for {name!r}", "known platforms: " + ", ".join(sorted(guides()))
        )
    return found
