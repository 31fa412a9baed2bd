"""The entity types expunge reports and the decoy kinds the demo data plants."""

from __future__ import annotations

# `person` is found by NER and never planted here.
from expunge.detect.entities import DEFAULT_TYPES, ENTITY_TYPES

# Personal data only: technical look-alikes (namespace URLs) are no one's.
PLANTED_TYPES: tuple[str, ...] = DEFAULT_TYPES
__all__ = ["DECOY_KINDS", "ENTITY_TYPES", "PLANTED_TYPES"]

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
    "technical_ip",
    "web_link",
)
