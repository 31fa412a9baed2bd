"""Word pools (faker, once) — assembling documents afterwards only needs random.Random."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .values import ascii_fold


@dataclass(frozen=True)
class Pools:
    sentences: tuple[str, ...]
    titles: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    usernames: tuple[str, ...]
    companies: tuple[str, ...]
    domains: tuple[str, ...]
    words: tuple[str, ...]
    us_streets: tuple[str, ...]  # faker names with any USPS suffix: the long tail
    us_street_words: tuple[str, ...]  # "Oak", "Washington", "Miller" ... before a common suffix
    us_places: tuple[tuple[str, str, str], ...]  # (city, state, ZIP code in that state)
    gb_streets: tuple[str, ...]
    gb_places: tuple[tuple[str, str], ...]  # (city, postcode)
    de_streets: tuple[str, ...]
    de_places: tuple[tuple[str, str], ...]  # (postcode, city)

    @classmethod
    def build(cls, seed: int, size: int = 3000) -> Pools:
        """Draw every pool from faker seeded with `seed` (needs the `expunge[demo]` extra)."""
        from faker import Faker

        def faker(locale: str) -> Any:
            f = Faker(locale)
            f.seed_instance(seed)
            return f

        us, gb, de = faker("en_US"), faker("en_GB"), faker("de_DE")
        people = [
            faker(loc) for loc in ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "pl_PL", "pt_PT")
        ]
        sentences = [us.sentence(nb_words=us.random_int(5, 18)) for _ in range(size)]
        sentences += [us.catch_phrase().capitalize() + "." for _ in range(size // 10)]
        titles = [us.sentence(nb_words=us.random_int(3, 8)).rstrip(".") for _ in range(size // 3)]
        titles += [us.catch_phrase().title() for _ in range(size // 6)]
        first = [p.first_name() for p in people for _ in range(size // 20)]
        last = [p.last_name() for p in people for _ in range(size // 20)]
        # <= 15 characters: the longest name X/Twitter allows.
        users = [
            u for u in (handle_safe(us.user_name()) for _ in range(size // 3)) if 2 < len(u) <= 15
        ]
        return cls(
            sentences=tuple(sentences),
            titles=tuple(titles),
            first_names=tuple(first),
            last_names=tuple(last),
            usernames=tuple(users),
            companies=tuple(us.company() for _ in range(size // 6)),
            domains=tuple(us.domain_name() for _ in range(size // 6)),
            words=tuple(sorted({w.lower() for w in us.words(nb=size // 2)})),
            us_streets=tuple(us.street_name() for _ in range(size // 6)),
            us_street_words=_COMMON_STREETS + tuple(us.last_name() for _ in range(size // 10)),
            us_places=tuple(_us_place(us) for _ in range(size // 6)),
            gb_streets=tuple(gb.street_name() for _ in range(size // 20)),
            gb_places=tuple((gb.city(), gb.postcode()) for _ in range(size // 20)),
            de_streets=tuple(de.street_name() for _ in range(size // 20)),
            de_places=tuple((de.postcode(), de.city()) for _ in range(size // 20)),
        )


# Real street names are dominated by a few suffixes; faker draws all ~200 USPS ones uniformly.
_COMMON_STREETS = (
    "Main", "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park",
    "Church", "Highland", "Sunset", "Lincoln", "Jefferson", "Madison", "Franklin", "Walnut",
    "Spring", "River", "Center", "Mill", "Ridge", "Meadow", "Jackson", "1st", "2nd", "3rd",
    "5th", "12th",
)  # fmt: skip


def _us_place(us: Any) -> tuple[str, str, str]:
    # The 50 states and DC only, and a ZIP code that belongs to the state.
    state = us.state_abbr(include_territories=False, include_freely_associated_states=False)
    return us.city(), state, us.zipcode_in_state(state)


def handle_safe(name: str) -> str:
    return "".join(c for c in ascii_fold(name).lower() if c.isalnum() or c == "_")
