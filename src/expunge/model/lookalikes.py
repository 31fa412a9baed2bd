"""Look-alikes: a person's documents as if they were about someone else, never trained on.

Each look-alike set is the documents with every personal-data value replaced by a made-up
person's: one made-up name per word of the real values, used consistently, so "Jorunn
Atterbury ... jorunn.atterbury@..." becomes "Maud Kettering ... maud.kettering@..." and a model
that learnt the usual name-to-address pattern predicts both equally well. Only the person's
values differ between a document and its look-alikes.

They serve twice. Membership inference is calibrated on them by default (texts drawn another
way, such as other records, differ in everything and mislead either way). And evaluation
measures over-unlearning on them: a model that forgets the person should not also lose every
text of the same template.

Values are made as plausible as real ones: words come from Faker's name lists for the person's
country (random letters are less likely than any real name and would make a never-seen person
look "remembered"), a phone number keeps its country and area codes and gets new last digits, the
digits in other values are drawn at random, and common mail domains stay.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import Any

from expunge.anonymize import Span, anonymize
from expunge.errors import ExpungeError
from expunge.model.forget_set import ForgetItem

COMMON_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
    "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net",
    "web.de", "t-online.de", "mail.ru", "yandex.ru", "qq.com", "163.com", "naver.com",
    "orange.fr", "free.fr", "libero.it", "btinternet.com", "example.com", "example.net",
    "example.org",
})  # fmt: skip
_PIECES = re.compile(r"[^\W\d_]+|\d+|[\W_]+")
SUBSCRIBER_DIGITS = 4


@cache
def _faker(locale: str) -> Any:
    try:
        from faker import Faker
    except ImportError:
        raise ExpungeError(
            "look-alikes need the faker package (made-up names for membership calibration)",
            "pip install 'expunge[model]'",
        ) from None
    return Faker(locale)


def locale_for(country: str | None) -> str:
    """A Faker locale for an ISO country code (its first language), en_US when none fits."""
    try:
        from faker.config import AVAILABLE_LOCALES
    except ImportError:
        return "en_US"  # _faker says what to install
    if country:
        wanted = country.upper()
        found = sorted(loc for loc in AVAILABLE_LOCALES if loc.endswith("_" + wanted))
        if found:
            return found[0]
    return "en_US"


def _personal_part(value: str) -> str:
    """The part of a value that names the person: an email's local part, a URL's last path
    segment, else all of it."""
    if "@" in value[1:]:
        return value.rsplit("@", 1)[0]
    if value.lower().startswith(("http://", "https://", "www.")):
        return value.rstrip("/").rpartition("/")[2]
    return value


_FOLD = str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe"})


def ascii_folded(word: str) -> str:
    """`word` in ASCII letters, as people write names in addresses ('Krężołek' -> 'Krezolek')."""
    return unicodedata.normalize("NFKD", word.translate(_FOLD)).encode("ascii", "ignore").decode()


def _styled(word: str, like: str) -> str:
    """`word` in the case of `like`, and in ASCII when `like` is (a made-up 'Şahin' stands for
    a real 'sahin' in an email as 'yilmaz', never 'yılmaz')."""
    return _cased(ascii_folded(word) if like.isascii() else word, like)


def _cased(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like.islower():
        return word.lower()
    if like[:1].isupper():
        return word[:1].upper() + word[1:].lower()
    return word


class MadeUpPerson:
    """One made-up person: each real word and digit run maps to the same made-up one every
    time it appears, in any case, so the values stay consistent with each other."""

    def __init__(self, seed: int, locale: str = "en_US") -> None:
        self.rng = random.Random(seed)
        self.faker = _faker(locale)
        self.words: dict[str, str] = {}  # lower-case real word -> made-up word
        self.runs: dict[str, str] = {}  # real digit run (or a number's last digits) -> made up

    def _word(self, like: str, first: bool) -> str:
        # keyed by the folded word, so 'Şahin' in a name and 'sahin' in an email are one word
        key = ascii_folded(like.lower())
        if key not in self.words:
            parts = self._segments(key)
            if parts is not None:  # "annlee" of "Ann Lee", "jsmith" of "John Smith"
                return _styled("".join(parts), like)
            made = self._name_of_length(len(key), first)
            if len(key) <= 2:  # an initial of a word never seen in full stays an initial
                made = made[: len(key)]
            self.words[key] = made if ascii_folded(made) != key else made + "e"
        return _styled(self.words[key], like)

    def _segments(self, key: str) -> list[str] | None:
        """`key` as made-up words when it is real words (or their initials) run together."""
        if not key:
            return []
        whole = sorted(self.words.items(), key=lambda kv: -len(kv[0]))  # longest first
        initials = [(word[:1], made[:1]) for word, made in self.words.items()]  # names first
        whole = [(word, ascii_folded(made)) for word, made in whole]
        initials = [(word, ascii_folded(made)) for word, made in initials]
        for piece, out in [*whole, *initials]:
            if piece and key.startswith(piece):
                rest = self._segments(key[len(piece) :])
                if rest is not None:
                    return [out, *rest]
        return None

    def _name_of_length(self, length: int, first: bool) -> str:
        """A given name or family name as long as the real word when one turns up among a few
        hundred draws (a longer or shorter word would change the token count, and with it the
        scores), else the closest."""
        self.faker.seed_instance(self.rng.getrandbits(32))
        best = ""
        for _ in range(256):
            made = self.faker.first_name() if first else self.faker.last_name()
            made = re.split(r"[\s'-]", made)[0].lower()
            if (
                abs(len(ascii_folded(made)) - length) < abs(len(ascii_folded(best)) - length)
                or not best
            ):
                best = made
            if len(ascii_folded(best)) == length:
                break
        return best

    def _run(self, like: str) -> str:
        if like not in self.runs:
            made = like
            while made == like:
                made = "".join(self.rng.choice("0123456789") for _ in like)
            self.runs[like] = made
        return self.runs[like]

    def _mixed(self, value: str) -> str:
        """Letters by name words (the first a given name), digits by digits, the rest kept."""
        out, words = [], 0
        for piece in _PIECES.findall(value):
            if piece[0].isdigit():
                out.append(self._run(piece))
            elif piece[0].isalpha():
                out.append(self._word(piece, words == 0))
                words += 1
            else:
                out.append(piece)
        return "".join(out)

    def value(self, like: str) -> str:
        """`like` as this made-up person would have it: same kind, same shape."""
        if "@" in like[1:] and "." in like.rsplit("@", 1)[1]:
            local, domain = like.rsplit("@", 1)
            if domain.lower() not in COMMON_MAIL_DOMAINS:
                label, _, rest = domain.partition(".")
                domain = self._word(label, False) + "." + rest
            return self._mixed(local) + "@" + domain
        if like.startswith("@"):
            return "@" + self._mixed(like[1:])
        if like.lower().startswith(("http://", "https://", "www.")):  # a profile URL
            head, _, tail = like.rstrip("/").rpartition("/")
            return head + "/" + self._mixed(tail) + ("/" if like.endswith("/") else "")
        digits = sum(c.isdigit() for c in like)
        if digits and digits * 2 >= sum(c.isalnum() for c in like):
            return self._number(like, digits)
        return self._mixed(like)

    def _number(self, like: str, digits: int) -> str:
        """A phone-like value with its last digits (the subscriber's own part) made up and the
        rest kept: country and area codes are shared by many people, and a model predicts
        them from anyone's numbers."""
        key = re.sub(r"\D", "", like)[-SUBSCRIBER_DIGITS:]
        if key not in self.runs:
            made = key
            while made == key:
                made = "".join(self.rng.choice("0123456789") for _ in key)
            self.runs[key] = made
        new_digits, out = iter(self.runs[key]), []
        change = min(SUBSCRIBER_DIGITS, digits)
        for at, ch in enumerate(like):
            tail = sum(c.isdigit() for c in like[at:])
            out.append(next(new_digits) if ch.isdigit() and tail <= change else ch)
        return "".join(out)

    def learn(self, items: Sequence[ForgetItem]) -> None:
        """Choose the made-up words for the real words first, names before the rest, so an
        initial or a run-together word met before its words still maps consistently."""
        values = [item.text[a:b] for item in items for a, b in item.spans]
        names = [v for v in values if re.fullmatch(r"[^\W\d_]+(?:[\s'.-]+[^\W\d_]+)*", v)]
        for value in [*names, *values]:
            pieces = [p for p in _PIECES.findall(_personal_part(value)) if p[0].isalpha()]
            for n, piece in enumerate(pieces):
                if len(piece) > 2:
                    self._word(piece, n == 0)

    def rewrite(self, item: ForgetItem) -> ForgetItem:
        """`item` with every span's value replaced; the spans follow the new values."""
        spans = [Span(start, end) for start, end in item.spans]
        done = anonymize(item.text, spans, lambda _span, value: self.value(value))
        return ForgetItem(done.text, tuple((r.at, r.end) for r in done.replaced))


def lookalike_sets(
    items: Sequence[ForgetItem], sets: int = 1, seed: int = 0, locale: str = "en_US"
) -> list[list[ForgetItem]]:
    """`sets` look-alike sets, each all the items rewritten for one made-up person."""
    out = []
    for j in range(sets):
        person = MadeUpPerson(seed * 100_003 + j, locale)
        person.learn(items)
        out.append([person.rewrite(item) for item in items])
    return out
