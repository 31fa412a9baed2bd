"""Personal-data detection: one hyperscan pass, cheap validators, context scoring.

    from expunge.detect import Detector, mask
    det = Detector(types=["email", "phone"], phone_region="US")
    for f in det.scan("mail jane@example.com or call (212) 555-0123"):
        print(f.type, f.start, f.end, f.score, f.validator, mask(f.type, "jane@example.com"))

How each type is decided (candidates come from patterns.py, confirmers from confirm_*.py):
- email: local@domain.tld, alphabetic TLD that is no file extension (logo@2x.png), no
  version spec (pkg@1.2.3-rc.x), not the host of a @user@host handle. 0.95
- phone: +intl / 00 intl / NANP / trunk-0 national shapes in a digit cluster, and other
  groupings that are one of the region's own layouts ('(11) 96123-4567', '98765 43210'),
  valid per libphonenumber metadata for the region hint, the national prefix shown where the
  plan requires it; bare 9-13 digits only next to a phone word; dates, parts of bigger
  numbers, glued tokens rejected. 0.85 (+0.1 phone word, -0.4 id word); another region's
  national number next to a phone word, or a North American one in a non-NANP scan, 0.7
- credit_card: 12-19 digits, contiguous or 4-4-4-4 / 4-6-5 groups, Luhn AND issuer
  prefix/length; not inside an IBAN or longer run; tracking/ISBN/order words -> 0.45. 0.9-0.98
- iban: country length table AND mod-97 == 1, with or without 4-groups. 1.0
- ip_address: IPv4 octets <= 255 without leading zeros, not in a longer dotted run, not
  next to version/release/build words; all-small octets need an ip/server word. IPv6 via
  the stdlib parser plus a hex letter, '::' or >= 6 groups. 0.85
- us_ssn: AAA-GG-SSSS with SSA range rules and no sample numbers; space-separated or bare
  nine digits need an ssn word. 0.8-0.95
- url: http(s):// or www. with a real-looking host, trailing punctuation stripped. 0.6
- social_handle: profile URLs (x/twitter, instagram, facebook, linkedin /in/, tiktok @,
  github user, flickr, reddit /u/, youtube @ /channel/ /c/, https://host/@user) with
  per-site stoplists; @user@host.tld; bare @user next to a platform word; a bare Flickr
  NSID ('12345678@N00', how Flickr-derived datasets name uploaders). 0.7-0.9
- street_address: number + capitalised words + USPS suffix (+ unit, city, state, ZIP or UK
  postcode), any suffix before ', ST 12345', German 'Hauptstraße 12[, 10115 Berlin]'. 0.6-0.85
- date_of_birth: a valid date within ~40 chars after born/birth/DOB/geboren/né(e). 0.85
- crypto_wallet: BTC base58check, bech32/bech32m, ETH 0x+40 hex (EIP-55 checked with a
  bundled Keccak when mixed case). 0.75-0.95
- secret: AWS key ids (+ secret keys after an aws/secret word), GitHub, Google, Slack tokens
  and webhooks, OpenAI-style, Stripe live keys, PEM private key blocks, JWTs; entropy and
  placeholder checks drop examples. 0.9-1.0

Custom types (registry.py): `EntityType(name, regex=... | literals=[...], score, context,
validator)`, from Python or a YAML file (`load_patterns`, patterns_file.py), go into the same
hyperscan database: `Detector(custom=[...])`; a built-in check by name (NAMED_VALIDATORS) or
a function confirms them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expunge.detect.detector import Detector
from expunge.detect.entities import ENTITY_TYPES, PATTERN_TYPES
from expunge.detect.mask import mask

if TYPE_CHECKING:
    from expunge.detect.named_validators import NAMED_VALIDATORS
    from expunge.detect.patterns_file import load_patterns
    from expunge.detect.registry import EntityType

# The open registry (and PyYAML) load on first use: a scan without custom types imports
# what it always did, in the main process and in every worker.
_LAZY = {
    "EntityType": "expunge.detect.registry",
    "NAMED_VALIDATORS": "expunge.detect.named_validators",
    "load_patterns": "expunge.detect.patterns_file",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ENTITY_TYPES",
    "NAMED_VALIDATORS",
    "PATTERN_TYPES",
    "Detector",
    "EntityType",
    "load_patterns",
    "mask",
]
