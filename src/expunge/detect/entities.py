"""The entity types expunge knows, and which of them the pattern detector handles."""

from __future__ import annotations

ENTITY_TYPES: tuple[str, ...] = (
    "email",
    "phone",
    "credit_card",
    "iban",
    "ip_address",
    "us_ssn",
    "url",
    "social_handle",
    "street_address",
    "date_of_birth",
    "person",
    "crypto_wallet",
    "secret",
    "url_technical",
    "ip_technical",
)

# "person" needs a NER model; the optional NER stage finds it, the pattern detector never does.
PATTERN_TYPES: tuple[str, ...] = tuple(t for t in ENTITY_TYPES if t != "person")
# Technical values that look like personal data but name no one: XML namespaces, schemas,
# standards and licence URLs; loopback, private, link-local, multicast, reserved, netmask and
# unspecified IP addresses. Reported only when asked for (--types, --all), under their own
# label, and never counted in the share of records that contain personal data.
TECHNICAL_TYPES: frozenset[str] = frozenset({"url_technical", "ip_technical"})
DEFAULT_TYPES: tuple[str, ...] = tuple(t for t in PATTERN_TYPES if t not in TECHNICAL_TYPES)
