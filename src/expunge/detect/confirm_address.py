"""Confirmers for street_address (US/UK and German layouts) and date_of_birth."""

from __future__ import annotations

import re

from expunge.detect.context import ConfirmContext
from expunge.detect.hits import Hit
from expunge.detect.spans import IS_ALNUM

_DIGIT = re.compile(rb"[0-9]")
STATES = (
    b"AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    b"NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AS|MP|FM|MH|PW|AA|AE|AP"
)
_CITY = rb"[A-Z][A-Za-z.'-]+(?: [A-Z][A-Za-z.'-]+){0,3}"
_UK_POSTCODE = rb"[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}"
# What may follow "123 Main Street": directional, unit, then a locality that proves it is an
# address (city + state/ZIP, or a UK postcode). A capitalised word alone proves nothing.
_US_TAIL = re.compile(
    rb"(?: (?:N|S|E|W|NE|NW|SE|SW)(?![A-Za-z]))?"
    rb"(?:,? (?:(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Rm|Room|Bldg)(?:\.|(?![A-Za-z]))|#) ?#? ?"
    rb"[A-Za-z0-9-]{1,6}(?![A-Za-z0-9]))?"
    rb"(?P<loc>,? ?(?:"
    + _CITY
    + rb",? )?(?:(?:"
    + STATES
    + rb")(?: \d{5}(?:-\d{4})?)?|\d{5}(?:-\d{4})?)(?![A-Za-z0-9])"
    rb"|,? ?(?:" + _CITY + rb",? )?" + _UK_POSTCODE + rb"(?![A-Za-z0-9]))?"
)
_WEAK_SUFFIXES = frozenset(
    b"way walk row run loop hill green point close square sq place pl court ct grove park "
    b"gardens gdns mews dr circle cir cove cv trail trl plaza plz crossing xing pike".split()
)


_SUFFIXES = (
    rb"Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    rb"|Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Plaza|Plz|Alley"
    rb"|Aly|Crescent|Cres|Close|Gardens|Gdns|Grove|Mews|Row|Walk|Hill|Green|Loop|Scan|Pike"
    rb"|Expressway|Expy|Freeway|Fwy|Turnpike|Tpke|Cove|Cv|Crossing|Xing|Point"
)
# House number + 1-4 capitalised (or ordinal: 5th, 42nd) words + suffix, ending at the match.
_STREET_LEFT = re.compile(
    rb"(?<![0-9A-Za-z.,/$#-])(?P<num>\d{1,6}[A-Za-z]?(?:-\d{1,4})?) "
    rb"(?:(?:[A-Z][A-Za-z'-]*\.?|\d{1,3}(?:st|nd|rd|th)) ){1,4}(?P<suffix>" + _SUFFIXES + rb")\Z"
)


# The same shape ending at a part's end, for the engine's bulk prefilter.
STREET_PREFILTER = re.compile(_STREET_LEFT.pattern.replace(rb"\Z", rb"(?![^\n])"))


def street_us(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """street_address (US/UK): number + 1-4 capitalised words + USPS suffix, optional unit,
    city/state/ZIP or UK postcode; weak suffixes and year-like numbers need the locality."""
    e = ends[-1]
    m = _STREET_LEFT.search(buf, max(lo, e - 96), e)
    if m is None:
        return None
    start = m.start()
    house = m.group("num")
    if house.lstrip(b"0")[:1].isdigit() is False:
        return None
    if start > lo and buf[start - 1] in b":.,/":  # '12:30:45 UTC Road': the end of a time
        return None
    tail = _US_TAIL.match(buf, e, min(hi, e + 90))
    end = tail.end() if tail is not None else e
    if tail is not None and tail.group("loc") is not None:
        return ("street_address", start, end, 0.85, "pattern+locality")
    digits = house.rstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz").split(b"-")[0]
    year_like = len(digits) == 4 and digits[:2] in (b"19", b"20")
    if m.group("suffix").lower() in _WEAK_SUFFIXES or year_like:
        return ("street_address", start, end, 0.4, "pattern")
    return ("street_address", start, end, 0.6, "pattern")


_DE_STRONG = (b"stra\xc3\x9fe", b"strasse", b"str.", b"allee", b"gasse", b"platz")
_DE_TAIL = re.compile(
    rb",? (?:D-|A-|CH-)?\d{4,5} (?:[A-Z]|\xc3[\x84\x96\x9c])(?:[a-z-]|\xc3[\x9f\xa4\xb6\xbc])+"
    rb"(?: (?:am|an der|im|in der|bei) (?:[A-Z]|\xc3[\x84\x96\x9c])(?:[a-z-]|\xc3[\x9f\xa4\xb6\xbc])+)?"
)
_UPPER_LEAD = (0xC3,)  # Ä Ö Ü start with 0xC3 (followed by 0x84 / 0x96 / 0x9C)


def _word_start(buf: bytes, i: int, lo: int) -> int:
    """Start of the word ending at i (letters, '-', '.', and any non-ASCII byte)."""
    while i > lo and (IS_ALNUM[buf[i - 1]] or buf[i - 1] in b"-."):
        i -= 1
    return i


def _capitalised(buf: bytes, i: int) -> bool:
    c = buf[i]
    return 0x41 <= c <= 0x5A or (c in _UPPER_LEAD and buf[i + 1] in (0x84, 0x96, 0x9C))


# "<number> <capitalised words>[ unit], <City>, <ST> <ZIP>" ending at the ZIP: any street
# suffix (Island, Field, Heights, ...) is fine when a US locality follows.
_US_LOCATED = re.compile(
    rb"(?<![0-9A-Za-z.,/$#-])\d{1,6}[A-Za-z]?(?:-\d{1,4})? "
    rb"(?:(?:[A-Z][A-Za-z'-]*\.?|\d{1,3}(?:st|nd|rd|th)) ){0,4}[A-Z][A-Za-z'-]*\.?"
    rb"(?: (?:N|S|E|W|NE|NW|SE|SW))?"
    rb"(?:,? (?:(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Rm|Room|Bldg)(?:\.|(?![A-Za-z]))|#)"
    rb" ?#? ?[A-Za-z0-9-]{1,6})?"
    rb"(?:, |,?\n)" + _CITY + rb",? (?:" + STATES + rb") \d{5}\Z"
)
_ZIP4 = re.compile(rb"-\d{4}(?![0-9])")


def street_us_located(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """street_address (US) anchored on ', ST 12345': number + capitalised words (any USPS
    suffix) + optional unit + city before a state code and ZIP."""
    e = ends[-1]
    m = _US_LOCATED.search(buf, max(lo, e - 150), e)
    if m is None:
        return None
    plus4 = _ZIP4.match(buf, e, min(hi, e + 5))
    return ("street_address", m.start(), plus4.end() if plus4 else e, 0.85, "pattern+locality")


# "<number> <capitalised words>, <Town> <UK postcode>" ending at the postcode: the postcode
# proves the locality, so any street word (Forges, Skyway, Mall) is accepted.
_UK_LOCATED = re.compile(
    rb"(?<![0-9A-Za-z.,/$#-])\d{1,5}[A-Za-z]?(?:-\d{1,4})? "
    rb"(?:[A-Z][A-Za-z'-]*\.? ){0,3}[A-Z][A-Za-z'-]*"
    rb"(?:, |,?\n)" + _CITY + rb",? " + _UK_POSTCODE + rb"\Z"
)


def street_uk_located(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """street_address (UK) anchored on the postcode: number + capitalised words + town."""
    e = ends[-1]
    m = _UK_LOCATED.search(buf, max(lo, e - 120), e)
    if m is None:
        return None
    return ("street_address", m.start(), e, 0.85, "pattern+postcode")


_DE_NUMBER = re.compile(rb"\d{0,3}[a-h]?(?![A-Za-z0-9])")
_DE_SUFFIXES = (b"stra\xc3\x9fe", b"strasse", b"str.")


def street_de(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """street_address (German layout): 'Hauptstraße 12', 'Berliner Str. 5', optional
    ', 10115 Berlin'; -weg/-platz/-damm... streets only count with the postcode."""
    e = ends[-1]  # just after the first digit of the house number
    num = _DE_NUMBER.match(buf, e, min(hi, e + 8))
    if num is None:
        return None
    end = num.end()
    suffix_end = e - 2 if buf[e - 2] == 0x20 else e - 1
    start = _word_start(buf, suffix_end, lo)
    if start >= suffix_end or not _capitalised(buf, start):
        return None
    word = buf[start:suffix_end].lower()
    if word in _DE_SUFFIXES and start - 1 > lo and buf[start - 1] == 0x20:
        prev = _word_start(buf, start - 1, lo)  # "Berliner Straße": take the adjective too
        if prev < start - 1 and _capitalised(buf, prev):
            start = prev
    elif not word.endswith(_DE_SUFFIXES) and len(word) < 6:
        return None  # a bare "Weg 5" / "Platz 3" is too ambiguous
    tail = _DE_TAIL.match(buf, end, min(hi, end + 60))
    if tail is not None:
        return ("street_address", start, tail.end(), 0.85, "pattern+postcode")
    strong = word.endswith(_DE_STRONG)
    return ("street_address", start, end, 0.65 if strong else 0.4, "pattern")


_MONTHS = (
    rb"jan(?:uary|uar|vier)?|feb(?:ruary|ruar)?|f\xc3\xa9vrier|m(?:ar(?:ch|s)?|\xc3\xa4rz)|apr(?:il)?|avril"
    rb"|ma[iy]|june?|juni|juin|july?|juli|juillet|aug(?:ust)?|ao\xc3\xbbt|sep(?:t|tember|tembre)?"
    rb"|o[ck]t(?:ober|obre)?|nov(?:ember|embre)?|de[cz](?:ember)?|d\xc3\xa9cembre"
)
_DATE = re.compile(
    rb"(?P<y1>(?:19|20)\d\d)[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})(?!\d)"
    rb"|(?P<a2>\d{1,2})[-/.](?P<b2>\d{1,2})[-/.](?P<y2>(?:19|20)\d\d|\d\d)(?!\d)"
    rb"|(?P<mon3>"
    + _MONTHS
    + rb")\.? (?P<d3>\d{1,2})(?:st|nd|rd|th)?,? (?P<y3>(?:19|20)\d\d)(?!\d)"
    rb"|(?P<d4>\d{1,2})(?:st|nd|rd|th|er)?\.?(?: of)? (?P<mon4>"
    + _MONTHS
    + rb")\.?,? (?P<y4>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(rb"[\n;!?]|\.\s")


def _plausible(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= (
        29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
    )


def _date_ok(m: re.Match[bytes]) -> bool:
    g = m.groupdict()
    if g["y1"]:
        return _plausible(int(g["d1"]), int(g["m1"]))
    if g["y2"]:
        a, b = int(g["a2"]), int(g["b2"])
        return _plausible(a, b) or _plausible(b, a)  # day-first or month-first
    return _plausible(int(g["d3"] or g["d4"]), 1)


_BIRTH_WORDS = frozenset(
    (
        b"born",
        b"birth",
        b"birthday",
        b"birthdate",
        b"dob",
        b"d.o.b",
        b"geboren",
        b"geburtsdatum",
        b"geburtstag",
        b"geb.",
        b"n\xc3\xa9",
        b"n\xc3\xa9e",
    )
)


def _birth_word(buf: bytes, e: int, lo: int) -> bool:
    start = e
    while start > lo and (IS_ALNUM[buf[start - 1]] or buf[start - 1] == 0x2E):
        start -= 1
    word = buf[start:e].lower().lstrip(b".")
    return word in _BIRTH_WORDS or word.rstrip(b".") in _BIRTH_WORDS


def dob(buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext) -> Hit | None:
    """date_of_birth: a valid date within ~40 chars after a birth word (born, DOB, date of
    birth, birthday, geboren, née...) in the same sentence; other dates are never findings."""
    e = ends[-1]
    if _DIGIT.search(buf, e, min(hi, e + 48)) is None:
        return None  # "born in Paris", "birthday party": no date follows
    if not _birth_word(buf, e, lo):
        return None  # stubborn, rebirth, ...
    if e < hi and buf[e] == 0x2E:  # the dot of "d.o.b." is no sentence end
        e += 1
    m = _DATE.search(buf, e, min(hi, e + 72))
    if m is None or m.start() - e > 40 or _SENTENCE_END.search(buf, e, m.start()):
        return None
    if IS_ALNUM[buf[m.start() - 1]] or not _date_ok(m):
        return None
    return ("date_of_birth", m.start(), m.end(), 0.85, "context+date")


# --- streets whose type comes first: Spain, Portugal, Latin America, Italy, Poland; France ---

# 'Calle Mayor, 3', 'C/ José Mª Haro, 51-13', 'Avda. de la Constitución 12, 3º B', 'Rua
# Augusta, 100', 'Via Roma 12', 'ul. Marszałkowska 10/12'. The type word, a name of up to six
# words (capitalised, or particles such as 'de la', 'dos', 'di'), then a house number or 's/n';
# read on the decoded window with Unicode letters.
_PARTICLES = r"(?:de|del|la|las|los|el|da|do|dos|das|di|della|delle|dei|y|i|e|d'|l'|en|of)"
_NAME_WORD = r"(?:[A-ZÁÉÍÓÚÑÇÀÈÌÒÙÜÂÊÔÃÕŁŚŻŹĆŃÓ0-9][\w'’.ºª-]*)"
_LOWER_WORD = r"(?:[^\W\d_][\w'’.ºª-]*)"  # 'calle monforte de lemos 141' (after a capital type)
_HOUSE = (
    r"(?P<num>(?:n[ºo°]\.?\s?)?\d{1,4}[A-Za-z]?(?:\s?[-/]\s?\d{1,4}[A-Za-z]?)?|s/n|S/N"
    r"|[Kk]m\.?\s?\d{1,4}(?:[,.]\d{1,3})?)"  # 'Ctra. de Colmenar, km. 9,100'
    r"(?P<rest>(?:,?\s?(?:\d{1,2}\s?(?:[ºª°]|\.?º|\.o)?\s?-?\s?[A-Z](?![\w])|\d{1,2}\s?[ºª°]"
    r"|\d{1,2}(?![\w-])|[A-Z](?![\w])|(?:piso|planta|puerta|esc|bajo|izq|izda|dcha|der|dto"
    r"|andar|esq)\.?(?![\w])))*)(?![\w/])"
)


def _lead_street(word: str) -> re.Pattern[str]:
    return re.compile(
        r"(?P<name>(?:" + _PARTICLES + r"\s)*" + word + r"(?:\s(?:" + _PARTICLES + r"|" + word
        + r")){0,6}?)(?:,\s?|\s)" + _HOUSE
    )  # fmt: skip


_LEAD_STREET = _lead_street(_NAME_WORD)
_LEAD_STREET_ANY_CASE = _lead_street(r"(?:" + _NAME_WORD + r"|" + _LOWER_WORD + r")")
# Where the address goes on: a postcode and a place ('28034 Madrid', '4450-117 Matosinhos',
# '00-950 Warszawa', '20121 Milano').
_POSTCODE_PLACE = re.compile(r"[.,]?\s?(?:-\s)?(?:\d{5}|\d{4}-\d{3}|\d{2}-\d{3})\s[A-ZÁÉÍÓÚÑŁŚŻ]")


def street_lead(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """street_address with the street type first ('Calle', 'C/', 'Avda.', 'Rua', 'Via',
    'ul.'): a name and a house number (or 's/n'); 0.85 with a postcode and place after it."""
    s += 1  # the pattern's leading word boundary
    if buf.startswith(b"al.", s) and buf[max(lo, s - 4) : s].lower() in (b" et ", b"\net "):
        return None  # 'et al. 2019': the Polish 'al.' (aleja) is also the Latin abbreviation
    type_end = ends[-1]
    stop = min(hi, type_end + 160)
    window = buf[type_end:stop].decode("utf-8", "ignore")
    capital = buf[s] < 0x61  # 'Calle vitrubio 3': after a capitalised type, any name
    m = (_LEAD_STREET_ANY_CASE if capital else _LEAD_STREET).match(window.lstrip(" "))
    if m is None or not m.group("name").strip(" ,") or not (capital or _named(m.group("name"))):
        return None
    skipped = len(window) - len(window.lstrip(" "))
    end_chars = skipped + m.end()
    while end_chars > 0 and window[end_chars - 1] in " ,.-":
        end_chars -= 1
    e = type_end + len(window[:end_chars].encode("utf-8"))
    place = _POSTCODE_PLACE.match(window, skipped + m.end())
    kind = buf[s:type_end].decode("utf-8", "ignore").strip().lower()
    if kind in _WORDS_IN_ENGLISH_TOO and not place and "," not in m.group(0)[: m.start("num")]:
        return None  # 'Via Twitter 2 weeks ago': these need 'Via Roma, 12' or a postcode
    return ("street_address", s, e, 0.85 if place else 0.7, "pattern-lead")


# Street types that are also English words or names: only with a comma before the number or
# a postcode after it.
_WORDS_IN_ENGLISH_TOO = frozenset((
    "via", "viale", "piazza", "corso", "largo", "plaza", "ronda", "camino", "glorieta", "plac",
    "al.", "ulica", "aleja",
))  # fmt: skip


def _named(name: str) -> bool:
    """A street name has a capitalised word, not only particles or digits."""
    return any(w[:1].isupper() for w in name.replace(",", " ").split())


# '12 rue de la Paix', '3, avenue Foch', '27 bis boulevard Haussmann': France and Belgium
# write the number first.
_FR_STREET = re.compile(
    r"(?<![\w,.-])(?P<num>\d{1,4}(?:\s?(?:bis|ter|[A-Z]))?),?\s"
    r"(?:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours|square)"
    r"\s(?:(?:de|du|des|de la|d'|l'|la|le)\s?)?"
    + _NAME_WORD
    + r"(?:[\s-](?:"
    + _PARTICLES
    + r"|"
    + _NAME_WORD
    + r")){0,5}"
)


def street_fr(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """street_address (France, Belgium): number, street type, name."""
    e = ends[-1]
    start = max(lo, e - 24)
    window = buf[start : min(hi, e + 120)].decode("utf-8", "ignore")
    head = len(buf[start:e].decode("utf-8", "ignore"))
    for m in _FR_STREET.finditer(window):
        if m.start() <= head <= m.end():
            s_byte = start + len(window[: m.start()].encode("utf-8"))
            e_byte = start + len(window[: m.end()].encode("utf-8"))
            place = _POSTCODE_PLACE.match(window, m.end())
            return ("street_address", s_byte, e_byte, 0.85 if place else 0.7, "pattern-fr")
    return None


# 'Domicilio: Serrano 34', 'Dirección: Los Alisos, 10': after a label for a home address, a
# name and a house number are a street even without a street type.
_LABELLED = _lead_street(r"(?:" + _NAME_WORD + r"|" + _LOWER_WORD + r")")


def street_labelled(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """street_address after an address label ('Domicilio:', 'Address:', 'Anschrift:')."""
    start = ends[-1]
    while start < hi and buf[start] == 0x20:
        start += 1
    window = buf[start : min(hi, start + 160)].decode("utf-8", "ignore")
    m = _LABELLED.match(window)
    if m is None or not window[:1].isupper():  # a name, not '81.2.69.160 port 22'
        return None
    end_chars = m.end()
    while end_chars > 0 and window[end_chars - 1] in " ,.-":
        end_chars -= 1
    place = _POSTCODE_PLACE.match(window, m.end())
    e = start + len(window[:end_chars].encode("utf-8"))
    return ("street_address", start, e, 0.85 if place else 0.75, "pattern-label")


# 'Los Alisos, 10. 13002 Ciudad Real', 'Hermanos Falcó, s/n - 02006 Albacete': a name and a
# house number right before a postcode and its place are a street, with or without a type.
_CAP_WORD = r"(?:[A-ZÁÉÍÓÚÑÇÀÈÌÒÙÜÂÊÔÃÕŁŚŻŹĆŃ][\w'’ºª-]*)"  # no '.': 'Carnicer. Los Alisos'
_BEFORE_POSTCODE = re.compile(
    r"(?P<street>" + _CAP_WORD + r"(?:\s(?:" + _PARTICLES + r"|" + _CAP_WORD + r")){0,3}"
    r",?\s(?:n[ºo°]\.?\s?)?(?:\d{1,4}[A-Za-z]?(?:-\d{1,4})?|s/n|S/N))[.,]?\s?(?:-\s)?(?:E-)?\Z"
)


def street_located_eu(
    buf: bytes, s: int, ends: list[int], lo: int, hi: int, run: ConfirmContext
) -> Hit | None:
    """street_address: a name and a house number right before a five-digit postcode and a
    capitalised place (Spain, France, Italy, Germany write their postcodes so)."""
    e = ends[-1]  # just after the postcode's first letter of the place
    code = e - 7  # 'NNNNN X': the postcode starts 7 bytes before the end
    if code <= lo or not buf[code : code + 5].isdigit() or IS_ALNUM[buf[code - 1]]:
        return None  # 'Invoice 1187608 GPS': the postcode is no run's tail
    start = max(lo, code - 90)
    window = buf[start:code].decode("utf-8", "ignore")
    m = _BEFORE_POSTCODE.search(window)
    if m is None:
        return None
    street = m.group("street")
    s_byte = code - len(window[m.start("street") :].encode("utf-8"))
    e_byte = s_byte + len(street.encode("utf-8"))
    return ("street_address", s_byte, e_byte, 0.75, "pattern+postcode")
