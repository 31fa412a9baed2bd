"""What the subject search looks for, as byte strings for caseless hyperscan literal databases.

Two roles share the literals:
- *identifier literals* are matches in their own right (name variants, nicknames, free strings,
  domains, '@handle', emails as given): whole-word hits become findings directly;
- *triggers* only say "this record may hold one of the subjects' emails, profile URLs or
  fediverse handles": such records (and only those) go through the detector, whose
  candidates are normalised and looked up as before. A trigger must occur in every text in
  which the detector could find a candidate normalising to the subject's key; it may occur in
  more (that costs a detector call, never a finding).
Phones have no literal form (any separators, any prefix): their triggers are the last digits
of the national number (`phone_tail`), checked against the detector's digit clusters.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from expunge.detect.social import FLICKR_NSID
from expunge.subject import SubjectProfile
from expunge.subject.normalize import fold
from expunge.subject.phones import split_e164

GMAIL_DOMAINS = ("gmail.com", "googlemail.com")
# Accented forms are spelled out as literals (one per case combination) up to this many
# combinations; beyond it they go to a small regex database.
MAX_COMBINATIONS = 64
# Phone triggers compare this many trailing digits of the national significant number.
TAIL_DIGITS = 7
# Up to this many emails (not Gmail), 'local+' is a literal trigger each; beyond, the matcher's
# one '+tag@' pattern (whose local part is looked up) is cheaper than thousands of literals.
PLUS_LITERALS_MAX = 256

# Trigger kinds.
FLAG = 1  # the record goes to the detector
GMAIL = 2  # ... if the mailbox in front of this '@gmail.com' is a subject's


@dataclass
class LiteralPlan:
    """Literal byte strings (ASCII lower-cased, unique) with what a hit on each one means."""

    literals: list[bytes] = field(default_factory=list)
    # per literal id: (subject index, matcher kind) pairs it is an identifier of
    owners: list[tuple[tuple[int, str], ...]] = field(default_factory=list)
    triggers: list[int] = field(default_factory=list)  # per literal id: 0, FLAG or GMAIL
    # accented forms with too many case combinations: (regex, subject, kind)
    patterns: list[tuple[bytes, int, str]] = field(default_factory=list)
    gmail_keys: set[str] = field(default_factory=set)  # canonical Gmail mailboxes wanted
    plus_locals: set[str] = field(default_factory=set)  # local parts of the other emails
    tails: dict[int, set[bytes]] = field(default_factory=dict)  # digits -> phone tails
    _owners_of: dict[bytes, list[tuple[int, str]]] = field(default_factory=dict)
    _trigger_of: dict[bytes, int] = field(default_factory=dict)

    def add(self, form: str, owner: tuple[int, str] | None, trigger: int = 0) -> None:
        data = form.encode("utf-8").lower()
        owners = self._owners_of.get(data)
        if owners is None:
            owners = self._owners_of[data] = []
        if owner is not None:
            owners.append(owner)
        if trigger and trigger > self._trigger_of.get(data, 0):
            self._trigger_of[data] = trigger

    def finish(self) -> LiteralPlan:
        self.literals = list(self._owners_of)
        self.owners = [tuple(dict.fromkeys(o)) for o in self._owners_of.values()]
        self.triggers = [self._trigger_of.get(lit, 0) for lit in self.literals]
        return self


def build_plan(subjects: Sequence[SubjectProfile]) -> LiteralPlan:
    plan = LiteralPlan()
    add = plan.add
    owners_of = plan._owners_of
    for index, subject in enumerate(subjects):
        for ident in subject.identifiers:
            kind, key = ident.kind, ident.key
            if kind == "name":  # most identifiers: the common case first, inline
                owner = (index, kind)
                if key.isascii():  # folded, so lower case already
                    data = key.encode()
                    found = owners_of.get(data)
                    if found is None:
                        owners_of[data] = [owner]
                    else:
                        found.append(owner)
                else:
                    _add_accented(plan, key, owner)
                if not ident.given.isascii():
                    variant = accented_variant(key, ident.given)
                    if variant != key:
                        _add_text(plan, variant, owner)
            elif kind == "phone":
                tail = phone_tail(key)
                if tail:
                    plan.tails.setdefault(len(tail), set()).add(tail.encode())
            elif kind in ("profile", "handle_profile"):
                add(profile_trigger(key), None, FLAG)
            elif kind == "string":
                owner = (index, kind)
                _add_text(plan, key, owner)
                variant = accented_variant(key, ident.given)
                if variant != key:
                    _add_text(plan, variant, owner)
            elif kind in ("handle", "profile_handle"):  # both found as a handle
                if key.startswith("mastodon:"):
                    add(key, (index, "handle"))  # as the text would spell the key itself
                    add("@" + key.removeprefix("mastodon:"), None, FLAG)
                else:
                    add("@" + key, (index, "handle"))
            elif kind == "email":
                for form in dict.fromkeys((key, ident.given.lower())):
                    _add_text(plan, form, (index, kind))
                _add_email_triggers(plan, key)
            else:  # domain
                _add_text(plan, key, (index, kind))
    if len(plan.plus_locals) <= PLUS_LITERALS_MAX:
        for local in sorted(plan.plus_locals):
            add(local + "+", None, FLAG)
        plan.plus_locals.clear()
    return plan.finish()


def _add_text(plan: LiteralPlan, form: str, owner: tuple[int, str]) -> None:
    if form.isascii():
        plan.add(form, owner)
    else:
        _add_accented(plan, form, owner)


def _add_email_triggers(plan: LiteralPlan, key: str) -> None:
    """The detector's email candidate keeps the whole local part left of '@' and its key
    drops a '+tag' (and, for Gmail, every dot). So a text giving this key contains
    'local@domain' (caseless), or 'local+' (a literal, or with many subjects the matcher's
    '+tag@' pattern, whose local part is then looked up in `plus_locals`), or for Gmail
    '@gmail.com' / '@googlemail.com' with the mailbox in front (checked when it fires)."""
    local, _, domain = key.rpartition("@")
    if domain in GMAIL_DOMAINS:
        plan.gmail_keys.add(key)
        for host in GMAIL_DOMAINS:
            plan.add("@" + host, None, GMAIL)
        return
    plan.add(key, None, FLAG)
    plan.plus_locals.add(local)


def profile_trigger(key: str) -> str:
    """A piece of every profile URL whose `url_keys` give `key` ('x:jdoe' -> '/jdoe'): the
    user part is always a whole path segment (or the id= of a Facebook profile.php)."""
    platform, _, rest = key.partition(":")
    if platform == "facebook" and rest.startswith("id="):
        return rest
    if platform == "mastodon":
        return "/@" + rest.split("@", 1)[0]
    if platform == "tiktok" or (platform == "youtube" and "/" not in rest):
        return "/@" + rest
    if platform == "flickr" and FLICKR_NSID.fullmatch(rest):
        return rest  # also written bare, without a URL ('"owner": "12345678@N00"')
    return "/" + rest


def phone_tail(e164: str) -> str | None:
    """The last TAIL_DIGITS digits of the national significant number of '+CCNSN' (all of it
    when shorter). Every form of the number (subject/phones.phone_forms) ends with them."""
    split = split_e164(e164)
    return split[1][-TAIL_DIGITS:] or None if split else None


@lru_cache(maxsize=4096)
def _spelled(given: str) -> dict[str, str]:
    return {fold(w): w.casefold() for w in given.replace(",", " ").split()}


def accented_variant(key: str, given: str) -> str:
    """The variant `key` spelled with the given name's accents, word by word ('i. brandao'
    from 'Inès K. Brandão' -> 'i. brandão'), so accented text matches too."""
    if given.isascii():
        return key
    spelled = _spelled(given)
    words = []
    for word in key.split(" "):
        bare = word.rstrip(",")
        words.append(spelled.get(bare, bare) + word[len(bare) :])
    return " ".join(words)


@lru_cache(maxsize=4096)
def char_options(char: str) -> tuple[str, ...]:
    """Ways a text writes one character of an accented form: itself, lower, upper and title
    case, unaccented; ASCII stays as is (the database is caseless for ASCII)."""
    if char.isascii():
        return (char,)
    options = {char, char.lower(), char.upper(), char.title(), fold(char)}
    options.update(_EXTRA_CASES.get(char.lower(), ()))
    return tuple(sorted(o for o in options if o))


# Case pairs Python's str methods do not give as single characters.
_EXTRA_CASES = {"ß": ("ẞ",)}


def _add_accented(plan: LiteralPlan, form: str, owner: tuple[int, str]) -> None:
    form = unicodedata.normalize("NFC", form)
    options = [char_options(c) for c in form]
    count = 1
    for o in options:
        count *= len(o)
    if count > MAX_COMBINATIONS:
        plan.patterns.append((regex_of(options), *owner))
        return
    for combination in itertools.product(*options):
        plan.add("".join(combination), owner)


def regex_of(options: Sequence[Sequence[str]]) -> bytes:
    return b"".join(
        re.escape(o[0].encode())
        if len(o) == 1
        else b"(?:" + b"|".join(re.escape(x.encode("utf-8")) for x in o) + b")"
        for o in options
    )
