"""The candidate patterns: one hyperscan expression per shape, each tied to a confirmer.

Measured on this machine (benchmarks/engine_choice.py), what costs hyperscan time is
start-of-match tracking on unbounded prefixes and engines that must run on every digit, not
literal-led patterns. So:
- Patterns end with a terminator (a byte the candidate cannot contain, sometimes two) so
  hyperscan reports one end per candidate; the engine strips one byte, confirmers the rest.
- `som` (HS_FLAG_SOM_LEFTMOST) only where it is cheap; the others report just the end and
  their confirmer recovers the start from a small window (email local part, street words,
  base58 run, fixed-length tokens).
- All digit-shaped types share ONE cluster pattern ("digits with single/double separators",
  or a dotted quad); the confirmer decides phone / SSN / card / IPv4 from its shape.
- Frequent candidates with a rare success rate (digit clusters, street suffixes) carry a
  `prefilter`: one regex run over all of a batch's candidates joined, so only promising
  ones cost a Python call.
- No pattern can match across b"\\n\\x00\\n", the separator between records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from expunge.detect import confirm_address as addr
from expunge.detect import confirm_contact as contact
from expunge.detect import confirm_numbers as num
from expunge.detect import confirm_secret as sec
from expunge.detect.hits import Confirm
from expunge.detect.url_kinds import PERSON_MARKERS


@dataclass(frozen=True, slots=True)
class PatternSpec:
    name: str
    types: tuple[str, ...]  # entity types the confirmer can emit: compiled if any is wanted
    expression: bytes
    confirm: Confirm
    caseless: bool = False
    som: bool = True
    term: int = 1  # terminator bytes the engine strips from the reported end
    # Optional bulk prefilter: the engine joins every candidate's bytes (som patterns: from
    # 3 bytes before the start to the last digit; others: `prefilter_window` bytes up to the
    # end) and runs this regex once over the lot; only candidates it matches inside go to
    # `confirm`. It must match wherever `confirm` could succeed.
    prefilter: re.Pattern[bytes] | None = None
    prefilter_window: int = 0
    # Applied to the joined bytes before the prefilter runs (the same length kept)
    prefilter_prepare: Callable[[bytes], bytes] | None = None
    # A rule over all of a batch's candidates at once, before the prefilter: drops candidates
    # the confirmer would reject (bare decimals, code's '@' words)
    bulk_rule: Callable[[bytes, list[tuple[int, int]]], list[tuple[int, int]]] | None = None
    # Left out when this type is asked for: another pattern then finds a superset (links)
    unless: str | None = None
    multi_end: bool = False  # som pattern whose candidates can end at several places


# '|' and '\\' are never raw in a URL (RFC 3986): where one follows, the URL has ended
_URL_CHARS = rb"[^\s<>\"'`|\\\x00]"
_URL_END = rb"[\s<>\"'`|\\\x00]"
_SOCIAL_HOSTS = rb"twitter|x|instagram|facebook|fb|linkedin|tiktok|github|flickr|reddit|youtube"
_STREET_SUFFIXES = (
    rb"Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    rb"|Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Plaza|Plz|Alley"
    rb"|Aly|Crescent|Cres|Close|Gardens|Gdns|Grove|Mews|Row|Walk|Hill|Green|Loop|Run|Pike"
    rb"|Expressway|Expy|Freeway|Fwy|Turnpike|Tpke|Cove|Cv|Crossing|Xing|Point"
)
# A link that `contact.url` can report without url_technical: it holds a marker of a
# person's page (url_kinds.PERSON_MARKERS) or a platform's host, or is a one-segment page on
# github.com / instagram.com (the rest there is repositories and posts; trailing punctuation
# and Chinese or Japanese text right after are cut by the confirmer, so they may follow).
# Each alternative starts where `url` would (a scheme, 'www.', a platform's host) and ends at
# the same byte, so hyperscan's leftmost start is the same. (The one-segment rule is tried
# only where the platform is the host, all _is_social reads: github.com anywhere in a link
# costs hyperscan a fifth more time.)
_NOT_URL = rb"\s<>\"'`|\\\x00"
_OTHER_PLATFORMS = rb"twitter|x|facebook|fb|linkedin|tiktok|flickr|reddit|youtube"
_AFTER = rb"(?:" + _URL_END + rb"|[?#\x80-\xff]" + _URL_CHARS + rb"*" + _URL_END + rb")"
_ONE_SEGMENT = b"".join(  # after the host: a segment, then only slashes and punctuation
    (rb"/+[^/?#\x80-\xff", _NOT_URL, rb"]{SEG}(?:", _AFTER, rb"|/+[^a-z0-9/?#\x80-\xff", _NOT_URL,
     rb"]*(?:", _URL_END, rb"|[/?#\x80-\xff]", _URL_CHARS, rb"*", _URL_END, rb"))")
)  # fmt: skip
_LINK_MARKERS = b"|".join(
    (*PERSON_MARKERS, rb"(?:" + _OTHER_PLATFORMS + rb")\.com", rb"static\.?flickr\.com",
     rb"hooks\.slack\.com")
)  # fmt: skip
_PLATFORM_HOST = b"".join(  # as confirm_contact reads the host: after a userinfo, a 'www.'
    (rb"(?:(?:https?://|s?ftps?://)(?:[^/?#@", _NOT_URL, rb"]*@)?(?:",
     b"|".join(re.escape(p) for p in contact.HOST_PREFIXES), rb")?|www\.)")
)  # fmt: skip
_PERSON_LINK = b"".join(
    (rb"(?:https?://|s?ftps?://|www\.)", _URL_CHARS, rb"*?(?:", _LINK_MARKERS, rb")", _URL_CHARS,
     rb"*", _URL_END,
     # the platform as the host: its path may be a profile
     rb"|", _PLATFORM_HOST, rb"(?:github|instagram)\.com(?::\d*)?(?:", _AFTER, rb"|",
     _ONE_SEGMENT.replace(rb"{SEG}", rb"*"), rb")",
     rb"|(?:", _OTHER_PLATFORMS, rb")\.com/", _URL_CHARS, rb"+", _URL_END,
     rb"|(?:github|instagram)\.com", _ONE_SEGMENT.replace(rb"{SEG}", rb"+"))
)  # fmt: skip
# A digit cluster ends where no digit follows within two separator bytes.
_CLUSTER_END = rb"(?:[^0-9 ./()-]|[ ./()-][^0-9 ./()-]|[ ./()-]{2}[^0-9])"
_B58 = rb"[1-9A-HJ-NP-Za-km-z]"

PATTERNS: tuple[PatternSpec, ...] = (
    # Domains may be internationalised: Unicode labels (UTF-8 bytes) or their punycode, and
    # a punycode ('xn--p1ai') or Unicode ('рф') TLD; the confirmer checks the punycode form.
    PatternSpec("email", ("email",),
                rb"[a-z0-9_%+\x80-\xff-]@[a-z0-9\x80-\xff-]+(?:\.[a-z0-9\x80-\xff-]+)*"
                rb"\.(?:[a-z]{2,24}|xn--[a-z0-9-]{2,59}|[\x80-\xff]{4,64})"
                rb"(?:[^a-z0-9_.\x80-\xff-]|\.[^a-z0-9\x80-\xff])",
                contact.email, caseless=True, som=False),
    PatternSpec("digits", ("phone", "us_ssn", "credit_card", "ip_address", "ip_technical"),
                rb"(?:\d(?:[ ./()-]{0,2}\d){8,}|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?:/\d{1,2})?)"
                + _CLUSTER_END,
                num.cluster, prefilter=num.SHAPES, prefilter_prepare=num.blank_escapes,
                bulk_rule=num.without_bare_decimals),
    PatternSpec("ipv6", ("ip_address", "ip_technical"),
                rb"[0-9a-f]{0,4}(?:(?::[0-9a-f]{0,4}){3,7}|::[0-9a-f]{1,4})(?:\.\d{1,3}){0,3}"
                rb"[^0-9a-z:]", num.ipv6, caseless=True, multi_end=True),
    PatternSpec("iban", ("iban",), rb"[A-Z]{2}\d{2}[A-Z0-9 -]{11,46}[^A-Za-z0-9]", num.iban,
                multi_end=True),
    # every link: when url_technical is asked for (the links that name no one)
    PatternSpec("url", ("url_technical",),
                rb"(?:https?://|s?ftps?://|www\.|(?:" + _SOCIAL_HOSTS + rb")\.com/)" + _URL_CHARS + rb"+"
                + _URL_END, contact.url, caseless=True),
    PatternSpec("handle", ("social_handle",),
                rb"[^a-z0-9_@.\x00/]@[a-z0-9_][a-z0-9_.]{0,40}[^a-z0-9_.]", contact.handle,
                caseless=True, bulk_rule=contact.handles_that_may_be_people),
    PatternSpec("street_us", ("street_address",),
                rb"[A-Za-z0-9]\.? (?:" + _STREET_SUFFIXES + rb")[^A-Za-z0-9\x80-\xff]",
                addr.street_us, som=False, prefilter=addr.STREET_PREFILTER,
                prefilter_window=96),
    PatternSpec("street_us_zip", ("street_address",),
                rb", (?:" + addr.STATES + rb") \d{5}[^0-9]", addr.street_us_located, som=False),
    PatternSpec("street_uk_postcode", ("street_address",),
                rb"[a-z] [A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}[^A-Za-z0-9]",
                addr.street_uk_located, som=False),
    PatternSpec("street_de", ("street_address",),
                rb"[a-z](?:stra\xc3\x9fe|strasse) ?\d|[Ss]tra\xc3\x9fe \d|[Ss]tr\. ?\d"
                rb"|(?:weg|allee|platz|gasse|damm|ufer|ring) \d"
                rb"|-(?:Weg|Allee|Platz|Gasse|Damm|Ufer|Ring) \d", addr.street_de, som=False, term=0),
    # Spain, Portugal, Latin America, Italy, Poland: the street type first ('Calle Mayor, 3')
    PatternSpec("street_lead", ("street_address",),
                # a word boundary first (the confirmer skips that byte); word types need a
                # space after them, abbreviations ('C/', 'Avda.', 'ul.') may run on
                rb"[^A-Za-z0-9\x80-\xff](?:(?:Calle|CALLE|calle|Avenida|AVENIDA|avenida|Paseo|paseo"
                rb"|Plaza|plaza|Carretera|carretera|Ronda|Glorieta|Traves\xc3\xada|Camino|Carrer"
                rb"|carrer|Passeig|Pla\xc3\xa7a|Avinguda|R\xc3\xbaa|Rua|rua|Pra\xc3\xa7a|Praza|Travessa"
                rb"|Largo|Via|Viale|Piazza|Corso|Urbanizaci\xc3\xb3n|Pasaje|Rambla|Bulevar|ulica"
                rb"|aleja|plac) |(?:C/\.?|Avda\.?|AVDA\.?|Av\.|AV\.|Av/|P\xc2\xba|Pza\.|Ctra\.|Urb\."
                rb"|ul\.|al\.) ?)(?:[A-Za-z0-9\xc3\xc5\xc4]"
                rb"|(?:(?:de|del|da|do|dos|das|di|la|las|los|el|d') ){1,2}[A-Z\xc3])",
                addr.street_lead),
    # a home address after its label, with or without a street type ('Domicilio: Serrano 34')
    PatternSpec("street_label", ("street_address",),
                rb"(?:domicilio|direcci\xc3\xb3n|direccion|adresse|indirizzo|endere\xc3\xa7o|morada"
                rb"|adres|anschrift|home address|postal address) ?: ?",
                addr.street_labelled, caseless=True, som=False, term=0),
    # a name and a house number before a postcode and its place ('Los Alisos, 10. 13002 Ciudad')
    PatternSpec("street_located_eu", ("street_address",),
                rb"(?:\d|s/n|S/N)(?:[.,] ?| - | )(?:E-)?\d{5} [A-Z\xc3\xc5]",
                addr.street_located_eu, som=False, term=0),
    # France and Belgium: the number first ('12 rue de la Paix')
    PatternSpec("street_fr", ("street_address",),
                rb"\d,? (?:rue|avenue|av\.|boulevard|bd|place|chemin|all\xc3\xa9e|impasse|quai"
                rb"|route|cours|square) ", addr.street_fr, som=False, term=0),
    PatternSpec("dob", ("date_of_birth",),
                rb"(?:born|birth(?:day|date)?|dob|d\.o\.b|geboren|geb\.|geburtsdatum|geburtstag)[^a-z\x80-\xff]", addr.dob,
                caseless=True, som=False),
    PatternSpec("nee", ("date_of_birth",), rb"n\xc3\xa9e?[ ,:;)]", addr.dob, som=False),
    PatternSpec("btc_legacy", ("crypto_wallet",), rb"[13]" + _B58 + rb"{25,34}[^0-9A-Za-z]",
                sec.btc_legacy, som=False),
    PatternSpec("btc_bech32", ("crypto_wallet",), rb"bc1[ac-hj-np-z02-9]{11,87}[^0-9a-z]",
                sec.btc_bech32, caseless=True),
    PatternSpec("eth", ("crypto_wallet",), rb"0x[0-9a-fA-F]{40}[^0-9A-Za-z]", sec.eth, som=False),
    PatternSpec("aws_key_id", ("secret",),
                rb"(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}[^A-Za-z0-9]",
                sec.aws_key_id, som=False),
    PatternSpec("aws_secret", ("secret",), rb"secret[ _]?access[ _]?key|aws[ _-]?secret", sec.aws_secret,
                caseless=True, som=False, term=0),
    PatternSpec("github_token", ("secret",),
                rb"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})[^A-Za-z0-9_]",
                sec.github),
    PatternSpec("google_api_key", ("secret",), rb"AIza[0-9A-Za-z_-]{35}[^0-9A-Za-z_-]",
                sec.google_api, som=False),
    PatternSpec("slack_token", ("secret",), rb"xox[abprs]-[0-9A-Za-z-]{10,}[^0-9A-Za-z-]",
                sec.slack_token),
    PatternSpec("openai_key", ("secret",),
                rb"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}[^A-Za-z0-9_-]", sec.openai_key),
    PatternSpec("stripe_key", ("secret",), rb"[sr]k_live_[0-9A-Za-z]{20,}[^0-9A-Za-z]",
                sec.stripe),
    PatternSpec("private_key", ("secret",), rb"-----BEGIN [A-Z0-9 ]{0,30}PRIVATE KEY",
                sec.private_key, som=False, term=0),
    PatternSpec("jwt", ("secret",),
                rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}[^A-Za-z0-9_-]",
                sec.jwt),
    # appended, so the ids of the patterns above do not move
    PatternSpec("flickr_nsid", ("social_handle",),
                rb"[^0-9A-Za-z_/@.+%-]\d{5,12}@[Nn]\d\d[^0-9A-Za-z_]", contact.flickr_nsid),
    # only the links that can name someone (_PERSON_LINK): the same candidates `url` gives
    # for them, and none for the 97 % of links in documentation that name no one
    PatternSpec("url_person", ("url", "social_handle", "secret"), _PERSON_LINK, contact.url,
                caseless=True, unless="url_technical"),
)  # fmt: skip


def patterns_for(types: frozenset[str]) -> tuple[PatternSpec, ...]:
    """The patterns whose confirmers can emit at least one of `types`."""
    return tuple(p for p in PATTERNS if types.intersection(p.types) and p.unless not in types)
