"""Display label and colour per PII type.

Colours are fixed per type name, never per position, so 'email' has the same colour in every
chart, legend and table of a report and across reports of different datasets.
"""

from __future__ import annotations

import zlib

# Chosen to be distinguishable from each other and dark enough to read against white; values
# on bars are drawn next to the bar, not inside it, so light colours stay legible too.
_KNOWN: dict[str, tuple[str, str]] = {
    "email": ("Email", "#2f6db5"),
    "phone": ("Phone", "#e07b1a"),
    "credit_card": ("Credit card", "#c9302c"),
    "iban": ("IBAN", "#2a9d8f"),
    "ip_address": ("IP address", "#4f9a3a"),
    "us_ssn": ("US SSN", "#8e44ad"),
    "url": ("URL", "#7f8c8d"),
    "social_handle": ("Social handle", "#d6589f"),
    "street_address": ("Street address", "#8c5a3c"),
    "date_of_birth": ("Date of birth", "#c9a227"),
    "crypto_wallet": ("Crypto wallet", "#1b9fc6"),
    "secret": ("Secret", "#3b3b98"),
    "person": ("Person name", "#0f766e"),
    # Identifier kinds of subject search (expunge find).
    "name": ("Name", "#0f766e"),
    "handle": ("Handle", "#d6589f"),
    "profile": ("Profile URL", "#8e44ad"),
    "string": ("Free text", "#8c5a3c"),
    "domain": ("Domain", "#7f8c8d"),
}

# For types this version does not know about (plugins, newer detectors).
_FALLBACK = ("#6d597a", "#b56576", "#355070", "#588157", "#bc6c25", "#5e548e", "#9a8c98")


_MAX_LABEL = 24


def type_label(name: str) -> str:
    known = _KNOWN.get(name)
    if known:
        return known[0]
    # Unknown names are shortened: they label chart rows and rotated table headers.
    text = name.replace("_", " ").strip()
    if len(text) > _MAX_LABEL:
        text = text[: _MAX_LABEL - 1] + "…"
    return text[:1].upper() + text[1:] if text else "?"


def type_color(name: str) -> str:
    """A hex colour that depends only on the type name (crc32, not hash(): stable across runs)."""
    known = _KNOWN.get(name)
    if known:
        return known[1]
    return _FALLBACK[zlib.crc32(name.encode("utf-8", "surrogatepass")) % len(_FALLBACK)]
