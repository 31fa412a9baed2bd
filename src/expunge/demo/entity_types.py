"""The entity types expunge reports and the decoy kinds the demo data plants."""

from __future__ import annotations

# Every entity type expunge knows; `person` is found by NER and never planted here.
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
)
PLANTED_TYPES: tuple[str, ...] = tuple(t for t in ENTITY_TYPES if t != "person")

DECOY_KINDS: tuple[str, ...] = (
    "isbn13",
    "iban_tail",
    "tracking_number",
    "order_number",
    "version_string",
    "price",
    "coordinates",
    "timestamp",
    "plain_date",
    "invalid_luhn16",
    "invalid_ssn",
    "invalid_phone",
    "email_like_filename",
    "site_path",
    "placeholder_secret",
    "code_annotation",
    "git_sha",
    "tx_hash",
    "uuid",
)
