"""Context words near a candidate: they raise or lower confidence, never create a finding alone.

Only candidates that already have the right shape ask for context, so the check runs on a
small byte window around them: the window is lower-cased and cut into words by one
`bytes.translate` + `split` (C speed), then intersected with the kind's word set. Windows
are clamped to the candidate's record, so a word in a neighbouring record never counts.
(Measured: finding these words in the hyperscan pass instead costs more, because words like
"call", "order" or "address" are frequent in web text and every hit is a Python callback.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from expunge.detect.spans import IS_ALNUM

# Context kinds.
PHONE, PHONE_NEGATIVE, CARD_POSITIVE, CARD_NEGATIVE, SSN, IP_POSITIVE, VERSION, SOCIAL, SOCIAL_X = (
    range(9)
)
ACCOUNT = 9


def _words(text: str) -> frozenset[bytes]:
    return frozenset(w.encode("utf-8") for w in text.split())


# Lower-case words; non-ASCII letters are kept (é, ü), every other byte splits words.
_KIND_WORDS: tuple[frozenset[bytes], ...] = (
    _words(
        "tel phone phones telephone call calls called calling mobile cell cellphone fax "
        "whatsapp contact contacts contacting hotline sms text texting telefon telefono "
        "téléphone tél handy dial ring reach "
        # es, pt, fr, de, it, nl, pl, sv/da/no, ru/uk, tr: labels and 'call me' verbs
        "teléfono teléfonos telefonos tfno tfnos tfn telf telfs tlf tlfs tlfn tlfno tlfnos tf telef "
        "móvil movil telemóvel telemovel tlm "
        "celular cel llamar llame llamé llamada llámame llamanos telefone telefones ligue "
        "ligar téléphones tel portable appeler appelez appelle telefonnummer mobil "
        "mobilnummer anrufen rufnummer festnetz telefax cellulare chiamare chiamami "
        "telefoon telefoonnummer mobiel bellen gsm telefonu telefonów telefonie komórka "
        "komórkowy kom zadzwoń faks telefonnr mobilnr телефон телефона тел моб тлф "
        "телефону cep هاتف الهاتف جوال טלפון τηλέφωνο τηλ"
    ),
    _words("isbn order invoice serial tracking ref sku"),
    _words(
        "card cards credit debit visa mastercard master amex cvv cvc cvv2 payment payments "
        "expiry expires expiration exp maestro jcb diners unionpay cc ccn discover charged "
        "charge paid pay billed refund purchase"
    ),
    _words(
        "isbn tracking track order invoice serial ref reference ups fedex usps dhl shipment "
        "parcel barcode sku upc ean imei receipt ticket"
    ),
    _words("ssn ssns ss# social taxpayer"),
    _words(
        "ip ips ipv4 ipv6 v6 address addr server servers host hosts hostname ping connect "
        "connected connecting connection gateway dns subnet router proxy nameserver client "
        "clients login logged route routes routing netmask broadcast firewall endereço "
        "dirección direccion adresse indirizzo adres adresa"
    ),
    _words(
        "v ver version versions release released releases build builds update updated updates "
        "firmware driver drivers sdk patch kernel rev revision beta upgrade upgraded "
        "changelog section sections chapter clause appendix v8"
    ),
    # 'handle' is not among them: 'file handle and @handler' in C documentation
    _words(
        "twitter tweet tweets follow following instagram insta ig tiktok threads bluesky "
        "bsky mastodon telegram snapchat snap twitch youtube github dm dms fb facebook "
        "linkedin reddit"
    ),
    # X (the network) only right next to the handle: 'on X @jdoe', '@jdoe on X'; further
    # away an x is a variable, a size, a letter ('"@MMK_R_XGroup" : ["X"]')
    _words("x"),
    # a bank account, for account numbers written without their IBAN country code
    _words(
        "account acct iban nrb blz bic swift routing kontonummer rachunek rachunku rachunkiem "
        "konto konta bankowy bankowego"
    ),
)
# Found inside a window as they are (no spaces around them in Chinese and Japanese text):
# telephone signs and the words for phone, mobile and fax.
_PHONE_SIGNS = tuple(
    s.encode()
    for s in ("\u260e", "\U0001f4de", "\U0001f4f1", "电话", "電話", "手机", "手機", "传真",
              "傳真", "携帯", "전화", "휴대폰", "팩스", "फ़ोन", "फोन", "मोबाइल", "โทร")
)  # fmt: skip
# A character of three or four UTF-8 bytes: in a window, a word break ('我电脑IP是' -> ' IP ')
_WIDE_CHAR = re.compile(rb"[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")

# A-Z -> a-z, keep a-z 0-9 # and bytes >= 0x80, everything else becomes a word break.
_FOLD = bytes(
    c + 32
    if 65 <= c <= 90
    else c
    if (97 <= c <= 122 or 48 <= c <= 57 or c >= 128 or c == 35)
    else 32
    for c in range(256)
)


@dataclass(frozen=True, slots=True)
class ConfirmContext:
    """What the confirmers need besides the candidate: options and the scanned buffer."""

    region: str  # phonenumbers region hint for numbers written without '+'
    types: frozenset[str]  # entity types the caller asked for
    buf: bytes = b""  # the batch buffer this scan call is confirming
    # record start -> the regions its text points to (phone_region), read when first needed
    cues: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def near(
        self, kind: int, start: int, end: int, lo: int, hi: int, left: int = 40, right: int = 24
    ) -> bool:
        """A `kind` word within `left` bytes before `start` or `right` bytes after `end`
        (clamped to the record [lo, hi))."""
        words = _KIND_WORDS[kind]
        buf = self.buf
        # Whole words only: a window cut inside 'server' must not read as 'ver', nor 'v6' as 'v'
        first = max(lo, start - left)
        if first > lo and IS_ALNUM[buf[first - 1]]:
            while first < start and IS_ALNUM[buf[first]] and buf[first] < 0x80:
                first += 1
        window = buf[first:start]
        if right:
            stop = min(hi, end + right)
            if stop < hi and IS_ALNUM[buf[stop]]:
                while stop > end and IS_ALNUM[buf[stop - 1]] and buf[stop - 1] < 0x80:
                    stop -= 1
            window += b" " + buf[end:stop]
        if not window.isascii():  # Chinese, Japanese: words without spaces
            if kind == PHONE and any(sign in window for sign in _PHONE_SIGNS):
                return True  # the signs are all non-ASCII
            window = _WIDE_CHAR.sub(b" ", window)
        return not words.isdisjoint(window.translate(_FOLD).split())

    def near_words(self, words: frozenset[bytes], start: int, end: int, lo: int, hi: int) -> bool:
        """`near` for a custom type's own words (context_word forms), same window."""
        window = self.buf[max(lo, start - 40) : start] + b" " + self.buf[end : min(hi, end + 24)]
        return not words.isdisjoint(window.translate(_FOLD).split())


def context_word(word: str) -> bytes | None:
    """A context word as windows are cut into words (lower-case ASCII, other letters as
    written), or None when the window could never hold it as one word ('e-mail')."""
    folded = word.lower().encode("utf-8").translate(_FOLD).split()
    return folded[0] if len(folded) == 1 and folded[0] == word.lower().encode("utf-8") else None


def phone_signals() -> tuple[bytes, ...]:
    """Every phone word and sign `near(PHONE, ...)` can find, as the bytes it looks for."""
    return tuple(sorted(_KIND_WORDS[PHONE] | frozenset(_PHONE_SIGNS)))


def platform_words() -> frozenset[bytes]:
    """The words `near(SOCIAL, ...)` and `near(SOCIAL_X, ...)` look for (ASCII, lower case)."""
    return _KIND_WORDS[SOCIAL] | _KIND_WORDS[SOCIAL_X]


def version_words() -> frozenset[bytes]:
    """The words that make a dotted number a version ('version', 'release', 'v', ...)."""
    return _KIND_WORDS[VERSION]
