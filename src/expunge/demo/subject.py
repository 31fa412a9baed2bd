"""The fictional subject (for subject search) and the documents about them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import orjson

from .documents import DocFactory, GeneratedDoc
from .text import TextBuilder


@dataclass(frozen=True)
class Subject:
    names: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # every written form used; all valid
    handles: tuple[str, ...]
    urls: tuple[str, ...]


SUBJECT = Subject(
    names=(
        "Inès Kowalczyk-Brandão",
        "Kowalczyk-Brandão, Inès",
        "I. Kowalczyk-Brandão",
        "Ines Kowalczyk-Brandao",
        "KOWALCZYK-BRANDÃO, Inès",
        "Inès K. Brandão",
    ),
    emails=("ines.kbrandao@example.org", "ikb@kowalczyk-brandao.example.net"),
    phones=(
        "+49 30 90182745",
        "+49 (0)30 9018 2745",
        "+49-30-9018-2745",
        "+493090182745",
        "+351 913 427 586",
        "+351913427586",
    ),
    handles=("@inesk_brandao", "@ikbrandao"),
    urls=(
        "https://www.instagram.com/inesk_brandao/",
        "https://x.com/inesk_brandao",
        "https://twitter.com/inesk_brandao",
        "https://github.com/ikbrandao",
        "https://www.flickr.com/photos/ikbrandao/",
    ),
)


def subject_doc(f: DocFactory, k: int) -> GeneratedDoc:
    """Document number k about the subject; the form rotates so every variant shows up."""
    s = SUBJECT
    b = TextBuilder()
    name = s.names[k % len(s.names)]
    phone = s.phones[k % len(s.phones)]
    form = k % 8
    title = f.p.titles[f.rng.randrange(len(f.p.titles))]
    b.add(f"{title}\n\n{f.paragraph()}\n\n")
    if form == 0:
        b.add(f"About me\nHi, I'm {name}, a photographer based in Lisbon. Follow me on Instagram ")
        b.pii("social_handle", s.handles[0])
        b.add(" or see ")
        b.pii("social_handle", s.urls[0])
        b.add(".\n\n")
    elif form == 1:
        b.add(f"Speakers\n{name} (Berlin). Contact: ")
        b.pii("email", s.emails[0])
        b.add("\n\n")
    elif form == 2:
        b.add(f"Photo: {name} / ")
        b.pii("social_handle", s.urls[4])
        b.add("\n\n")
    elif form == 3:
        b.add(f"{name} wrote:\n{f.paragraph(1, 3)} Call me on ")
        b.pii("phone", phone)
        b.add(" any evening.\n\n")
    elif form == 4:
        b.add(f"Maintainer: {name} (")
        b.pii("social_handle", s.handles[1])
        b.add(" on GitHub), ")
        b.pii("social_handle", s.urls[3])
        b.add("\n\n")
    elif form == 5:
        b.add(f"{f.paragraph(1, 2)}\n\u2014 {name} (")
        b.pii("social_handle", s.handles[0])
        b.add(") on X\n")
        b.pii("social_handle", s.urls[1] if k % 2 else s.urls[2])
        b.add("\n\n")
    elif form == 6:
        b.add(f"Directory\n{name}, Tel. ")
        b.pii("phone", phone)
        b.add(", E-Mail: ")
        b.pii("email", s.emails[k % 2])
        b.add("\n\n")
    else:
        b.add(f"Organised by {name} (")
        b.pii("email", s.emails[1])
        b.add("). Tickets via Twitter ")
        b.pii("social_handle", s.urls[2])
        b.add("\n\n")
    b.add(f.paragraph())
    b.add("\n\n")
    f.footer(b)
    return GeneratedDoc(b.text(), b.spans, b.decoys, "profile", title, f.url(), subject=True)


def _toml_list(values: Sequence[str]) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return "[" + ", ".join(orjson.dumps(v).decode() for v in values) + "]"


def subject_toml(subject: Subject = SUBJECT) -> str:
    return (
        "# The fictional person planted in the demo dataset, for subject search.\n"
        f"names = {_toml_list(subject.names)}\n"
        f"emails = {_toml_list(subject.emails)}\n"
        f"phones = {_toml_list(subject.phones)}\n"
        f"handles = {_toml_list(subject.handles)}\n"
        f"urls = {_toml_list(subject.urls)}\n"
    )
