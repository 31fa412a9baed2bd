"""Documents: web-like pages of pooled sentences with values planted while writing."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from .entity_types import DECOY_KINDS, PLANTED_TYPES
from .planter import Planter, Writer
from .pools import Pools
from .text import Span, TextBuilder

KINDS: tuple[str, ...] = (
    "article",
    "comments",
    "forum",
    "contact",
    "code",
    "shop",
    "log",
    "profile",
)
_BOILERPLATE = (
    "Share this:", "Subscribe to our newsletter.", "Read more", "Related posts", "Accept cookies",
    "Privacy Policy | Terms of Use", "Skip to content", "Leave a reply", "Back to top",
)  # fmt: skip


_KIND_PII: dict[str, tuple[str, ...]] = {
    "contact": ("phone", "email", "street_address"),
    "code": ("secret", "secret", "ip_address"),
    "log": ("ip_address", "ip_address", "email"),
    "profile": ("social_handle", "url", "date_of_birth", "crypto_wallet"),
    "comments": ("email", "social_handle", "phone"),
    "forum": ("secret", "ip_address", "url"),
    "shop": ("credit_card", "street_address", "iban"),
}
_KIND_DECOYS: dict[str, tuple[str, ...]] = {
    "shop": ("price", "price", "isbn13", "order_number", "tracking_number", "invalid_luhn16"),
    "code": (
        "placeholder_secret",
        "code_annotation",
        "git_sha",
        "version_string",
        "uuid",
        "technical_ip",
    ),
    "log": ("timestamp", "uuid", "version_string", "invalid_phone", "technical_ip"),
    "article": ("plain_date", "coordinates", "web_link"),
    "forum": ("plain_date", "version_string", "site_path", "web_link"),
    "contact": ("invalid_phone", "iban_tail", "email_like_filename"),
}


@dataclass(slots=True)
class GeneratedDoc:
    text: str
    spans: list[Span]
    decoys: dict[str, int]
    kind: str
    title: str
    url: str
    subject: bool = False
    decoy_spans: list[Span] = field(default_factory=list)


@dataclass(frozen=True)
class DocPlan:
    """What one document holds: its kind, target size, planted types and decoys."""

    kind: str
    chars: int
    pii: tuple[str, ...]
    decoys: tuple[str, ...]


class DocFactory:
    """Assembles web-like documents from pooled sentences, planting values while writing."""

    def __init__(self, pools: Pools, rng: random.Random) -> None:
        self.p = pools
        self.rng = rng
        self.plant = Planter(pools, rng)

    def plan(
        self,
        *,
        kinds: Sequence[str] = KINDS,
        size: tuple[int, int] = (400, 5000),
        pii_fraction: float = 0.25,
        pii_per_doc: Sequence[int] = (1, 1, 1, 2, 2, 3),
        decoy_fraction: float = 0.35,
        types: Sequence[str] = PLANTED_TYPES,
    ) -> DocPlan:
        rng = self.rng
        kind = rng.choice(kinds)
        lo, hi = size
        # Log-uniform: web pages are mostly short with a long tail of long ones.
        chars = int(lo * (hi / lo) ** rng.random())
        pii: list[str] = []
        if rng.random() < pii_fraction:
            pii = rng.choices(types, k=rng.choice(pii_per_doc))
            # Pages of a kind tend to hold its kind of data: contact pages phone numbers, ...
            typical = [t for t in _KIND_PII.get(kind, ()) if t in types]
            if typical and rng.random() < 0.6:
                pii[0] = rng.choice(typical)
        decoys: list[str] = []
        if rng.random() < decoy_fraction:
            decoys = rng.choices(DECOY_KINDS, k=rng.randint(1, 4))
        if kind in _KIND_DECOYS and rng.random() < 0.6:  # prices in shops, hashes in code, ...
            decoys += rng.choices(_KIND_DECOYS[kind], k=rng.randint(1, 2))
        return DocPlan(kind, chars, tuple(pii), tuple(decoys))

    def url(self) -> str:
        w = self.p.words
        slug = "-".join(w[self.rng.randrange(len(w))] for _ in range(self.rng.randint(2, 5)))
        return f"https://{self.p.domains[self.rng.randrange(len(self.p.domains))]}/{slug}"

    def paragraph(self, lo: int = 2, hi: int = 7) -> str:
        s = self.p.sentences
        return " ".join(s[self.rng.randrange(len(s))] for _ in range(self.rng.randint(lo, hi)))

    def build(self, plan: DocPlan) -> GeneratedDoc:
        rng = self.rng
        title = self.p.titles[rng.randrange(len(self.p.titles))]
        writers: list[Writer] = [self.plant.pii_writers[t] for t in plan.pii]
        writers += [self.plant.decoy_writers[k] for k in plan.decoys]
        rng.shuffle(writers)

        # Filler is drawn first (plain strings, no spans), then values are slotted between.
        # The budget leaves room for header, footer and planted sentences so that `plan.chars`
        # is roughly the final size rather than a floor.
        blocks: list[str] = []
        budget = plan.chars - len(title) - 120 - 70 * len(writers)
        while True:
            para = self.paragraph()
            if blocks and len(para) + 2 > budget:
                break
            blocks.append(para)
            budget -= len(para) + 2
        slots: dict[int, list[Writer]] = {}
        for w in writers:
            slots.setdefault(rng.randrange(len(blocks)), []).append(w)

        b = TextBuilder()
        self._header(b, plan.kind, title)
        for i, para in enumerate(blocks):
            self._block_prefix(b, plan.kind, i)
            b.add(para)
            for w in slots.get(i, ()):
                b.add(" " if rng.random() < 0.6 else "\n")
                w(b)
            b.add("\n\n")
        self.footer(b)
        text = b.text()
        return GeneratedDoc(
            text, b.spans, b.decoys, plan.kind, title, self.url(), False, b.decoy_spans
        )

    def _header(self, b: TextBuilder, kind: str, title: str) -> None:
        rng = self.rng
        name = self.plant.name()
        company = self.p.companies[rng.randrange(len(self.p.companies))]
        if kind == "article":
            b.add(f"{title}\n\nBy {name} | {rng.randint(2, 14)} min read\n\n")
        elif kind == "comments":
            b.add(f"{title}\n\n{self.paragraph()}\n\n{rng.randint(2, 60)} Comments\n\n")
        elif kind == "forum":
            b.add(
                f"Re: {title}\nForum > {self.p.words[rng.randrange(len(self.p.words))].title()}\n\n"
            )
        elif kind == "contact":
            b.add(f"Contact {company}\n\nWe are happy to help. {self.paragraph(1, 2)}\n\n")
        elif kind == "code":
            b.add(f"{title} (solved)\n\nAsked by {self._user()}\n\n")
        elif kind == "shop":
            b.add(f"{title} | {company} Store\n\nIn stock. Free shipping over fifty dollars.\n\n")
        elif kind == "log":
            b.add(f"Support ticket: {title}\nStatus: open\n\n")
        else:
            b.add(f"About {name}\n\n")

    def _block_prefix(self, b: TextBuilder, kind: str, i: int) -> None:
        if kind in ("comments", "forum") and i > 0:
            b.add(f"{self._user()} {self.rng.choice(('wrote', 'said', 'replied'))}:\n")
        elif kind == "shop" and i > 0 and self.rng.random() < 0.5:
            b.add(f"{'*' * self.rng.randint(1, 5)} Review by {self._user()}\n")

    def footer(self, b: TextBuilder) -> None:
        rng = self.rng
        b.add(rng.choice(_BOILERPLATE))
        b.add("\n")
        b.add(f"(c) {self.p.companies[rng.randrange(len(self.p.companies))]}. All rights reserved.")

    def _user(self) -> str:
        return self.p.usernames[self.rng.randrange(len(self.p.usernames))]
