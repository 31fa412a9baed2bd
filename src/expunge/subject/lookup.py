"""Under which normal forms a text's candidates find each identifier, and with what weight.

One home for find, the index and the suppression registry: an identifier is found when a
candidate of the text (an email, profile URL or '@handle' the detector confirms, or a digit
range of `phones.digit_runs`) normalises to one of these (kind, key) pairs. Names, free strings
and domains are not listed: they are found as literals (find) or words (index, registry).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from expunge.subject.normalize import handle_key
from expunge.subject.phones import phone_forms
from expunge.subject.profile import Identifier


def lookup_keys(ident: Identifier) -> list[tuple[tuple[str, str], str]]:
    """((kind of normal form, normal form), kind reported) pairs of one identifier."""
    if ident.kind == "phone":
        return [(("phone", form), "phone") for form in sorted(phone_forms(ident.key))]
    if ident.kind in ("email", "profile", "handle"):
        return [((ident.kind, ident.key), ident.kind)]
    if ident.kind == "handle_profile":  # a handle's profile page: a handle's weight
        return [(("profile", ident.key), "handle")]
    if ident.kind == "profile_handle":  # a profile URL's '@user'
        return [(("handle", ident.key), "handle")]
    return []


# '@handle' as find's literal search sees it: not glued to a word character before it.
_AT_HANDLE = re.compile(r"(?<![A-Za-z0-9_])@([A-Za-z0-9_][A-Za-z0-9_.]{0,39})")


def at_handles(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, handle key) of every '@handle' find could match in `text`. find matches
    '@name' followed by any non-word character, '.' included, so every dot-separated prefix
    of '@jane.doe.' counts ('jane', 'jane.doe'). The index and the registry read texts so."""
    if "@" not in text:
        return
    for m in _AT_HANDLE.finditer(text):
        end = m.start() + 1
        for part in m.group(1).split("."):
            end += len(part)
            key = handle_key(text[m.start() + 1 : end])
            if key:
                yield m.start(), end, key
            end += 1  # the dot
