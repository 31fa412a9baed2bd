"""Normal forms of a person's identifiers, so that every way of writing one compares equal."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import phonenumbers

from expunge.detect.social import profile_keys

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}")
_HANDLE = re.compile(r"@?[A-Za-z0-9_][A-Za-z0-9_.]{0,39}")
_GMAIL = ("gmail.com", "googlemail.com")


def fold(text: str) -> str:
    """Case and diacritics folded, spaces collapsed: 'José  MÜLLER' -> 'jose muller'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def email_key(email: str) -> str | None:
    """Canonical mailbox: lower case, '+tag' dropped, Gmail dots dropped; None if not an email."""
    email = email.strip()
    if not _EMAIL.fullmatch(email):
        return None
    local, domain = email.lower().rsplit("@", 1)
    local = local.split("+", 1)[0] or local
    if domain in _GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def phone_key(phone: str, region: str) -> str | None:
    """E.164 ('+14155550123') of a valid number; `region` applies to numbers without '+'."""
    text = phone.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def url_keys(url: str) -> list[str]:
    """'x:jdoe'-style keys of a social profile URL; [] if it is not a profile URL."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if not parts.hostname:
        return []
    return profile_keys(parts.hostname, parts.path, parts.query)


def handle_key(handle: str) -> str | None:
    """'@JDoe' -> 'jdoe'; 'user@host.social' (fediverse) -> 'mastodon:user@host.social'."""
    text = handle.strip()
    if text.count("@") == 2 or (text.count("@") == 1 and not text.startswith("@")):
        user, _, host = text.lstrip("@").partition("@")
        if _HANDLE.fullmatch(user) and _DOMAIN.fullmatch(host.lower()):
            return f"mastodon:{user.lower()}@{host.lower()}"
        return None
    if not _HANDLE.fullmatch(text):
        return None
    return text.lstrip("@").lower()


def domain_key(domain: str) -> str | None:
    text = domain.strip().lower().removeprefix("www.").rstrip(".")
    return text if _DOMAIN.fullmatch(text) else None


def name_variants(name: str) -> list[str]:
    """Folded forms of a name as texts write it: 'First Last', 'Last, First', 'F. Last',
    'First M. Last', 'First Middle Last'. A name given as 'Last, First' is read that way."""
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}"
    words = fold(name).replace(" .", ".").split()
    if len(words) < 2:
        return [" ".join(words)] if words else []
    first, middles, last = words[0], words[1:-1], words[-1]
    variants = [
        " ".join(words),
        f"{first} {last}",
        f"{last}, {first}",
        f"{first[0]}. {last}",
    ]
    if middles:
        variants.append(f"{first} {' '.join(m[0] + '.' for m in middles)} {last}")
        variants.append(f"{last}, {first} {' '.join(middles)}")
    return list(dict.fromkeys(variants))
