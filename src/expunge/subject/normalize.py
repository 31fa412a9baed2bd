"""Normal forms of a person's identifiers, so that every way of writing one compares equal."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import phonenumbers

from expunge.detect.social import FLICKR_NSID, profile_keys

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"  # no label starts or ends with '-'
_EMAIL = re.compile(
    rf"[A-Za-z0-9._%+'-]+@{_LABEL}(?:\.{_LABEL})*\.(?:[A-Za-z]{{2,24}}|xn--[A-Za-z0-9-]{{1,58}}[A-Za-z0-9])"
)
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}")
_HANDLE = re.compile(r"@?[A-Za-z0-9_][A-Za-z0-9_.]{0,39}")
_GMAIL = ("gmail.com", "googlemail.com")


# Arabic tatweel (kashida) only stretches a word: 'مـحـمـد' is 'محمد'.
TATWEEL = "\u0640"


def fold(text: str) -> str:
    """Case, diacritics (Arabic harakat too) and compatibility forms folded, tatweel dropped,
    spaces collapsed: 'José  MÜLLER' -> 'jose muller', NFC and NFD spellings alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c) and c != TATWEEL)
    return " ".join(plain.casefold().split())


def email_key(email: str) -> str | None:
    """Canonical mailbox: lower case, '+tag' dropped, Gmail dots dropped; None if not an email."""
    email = email.strip()
    if "@" in email and not email.isascii():  # an internationalised domain: its punycode
        local, _, domain = email.rpartition("@")
        try:
            email = f"{local}@{domain.encode('idna').decode('ascii')}"
        except (UnicodeError, ValueError):
            return None
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
    """'x:jdoe'-style keys of a social profile URL; [] if it is not a profile URL. A bare
    Flickr NSID ('12345678@N00') is the account's key as a profile URL of it would give."""
    text = url.strip()
    if FLICKR_NSID.fullmatch(text):
        return [f"flickr:{text.lower()}"]
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


# Family names first in these countries' own order, often either way round in Latin script.
FAMILY_FIRST_COUNTRIES = frozenset({"cn", "tw", "hk", "mo", "sg", "kr", "kp", "vn", "hu", "jp"})
# Common family names of those countries (romanised), so a profile without a country still
# gets both orders: Chinese (pinyin, Wade-Giles, Cantonese), Korean, Vietnamese, Hungarian.
FAMILY_FIRST_SURNAMES = frozenset(
    [
        "wang",
        "li",
        "zhang",
        "liu",
        "chen",
        "yang",
        "huang",
        "zhao",
        "wu",
        "zhou",
        "xu",
        "sun",
        "ma",
        "zhu",
        "hu",
        "guo",
        "he",
        "gao",
        "lin",
        "luo",
        "zheng",
        "liang",
        "xie",
        "song",
        "tang",
        "han",
        "feng",
        "deng",
        "cao",
        "peng",
        "zeng",
        "xiao",
        "tian",
        "dong",
        "pan",
        "yuan",
        "cai",
        "jiang",
        "yu",
        "du",
        "ye",
        "cheng",
        "wei",
        "su",
        "lu",
        "ding",
        "ren",
        "shen",
        "yao",
        "zhong",
        "cui",
        "tan",
        "fan",
        "jin",
        "chang",
        "chan",
        "cheung",
        "chow",
        "chu",
        "chung",
        "fong",
        "ho",
        "hui",
        "kwok",
        "lai",
        "lam",
        "lau",
        "leung",
        "lo",
        "mak",
        "ng",
        "tsang",
        "tse",
        "wong",
        "yeung",
        "yip",
        "kim",
        "lee",
        "park",
        "choi",
        "jung",
        "jeong",
        "kang",
        "cho",
        "yoon",
        "yun",
        "jang",
        "lim",
        "han",
        "oh",
        "seo",
        "shin",
        "kwon",
        "hwang",
        "ahn",
        "an",
        "song",
        "hong",
        "ko",
        "moon",
        "nguyen",
        "tran",
        "le",
        "pham",
        "hoang",
        "phan",
        "vu",
        "vo",
        "dang",
        "bui",
        "do",
        "ngo",
        "duong",
        "ly",
        "nagy",
        "kovacs",
        "toth",
        "szabo",
        "horvath",
        "varga",
        "kiss",
        "molnar",
        "nemeth",
        "farkas",
        "balogh",
        "papp",
        "takacs",
        "juhasz",
        "lakatos",
        "meszaros",
        "olah",
        "racz",
        "fekete",
        "sato",
        "suzuki",
        "takahashi",
        "tanaka",
        "watanabe",
        "ito",
        "yamamoto",
        "nakamura",
        "kobayashi",
        "kato",
    ]
)
_ARTICLES = ("al", "el")  # Arabic 'al-' written joined, hyphenated or apart
_ABD = re.compile(r"abd(?:[ -]?(?:al|el|ul|ol|ul-|al-|el-))?[ -]?([a-z]{2,})")
_ABD_ALLAH = re.compile(r"abd(?:ul|al|el|ol)?[ -]?(?:al)?[ -]?la(?:h)?")
_MAX_SPELLINGS = 12


def _spellings(word: str) -> list[str]:
    """Written forms of one name unit: 'al-rashid' -> al-rashid, al rashid, alrashid;
    'abd allah' -> abdullah, abdallah, abd allah, abd-allah, abdulla; 'abd al-rahman' ->
    abdulrahman, abdelrahman, abd al-rahman, abdul rahman, ..."""
    if _ABD_ALLAH.fullmatch(word):
        return ["abdullah", "abdallah", "abd allah", "abd-allah", "abdulla", "abd al-lah"]
    abd = _ABD.fullmatch(word)
    if abd and len(abd.group(1)) >= 4:  # 'Abdou', 'Abdi' are names of their own
        rest = abd.group(1)
        joined = [f"abd{a}{rest}" for a in ("ul", "el", "al")]
        apart = [f"abd al-{rest}", f"abd al {rest}", f"abd-al-{rest}", f"abdul {rest}",
                 f"abdel {rest}", f"abd el-{rest}"]  # fmt: skip
        return list(dict.fromkeys([word, *joined, *apart]))
    for article in _ARTICLES:
        for sep in ("-", " "):
            if word.startswith(article + sep) and len(word) > len(article) + 2:
                rest = word[len(article) + 1 :]
                return [f"{article}-{rest}", f"{article} {rest}", f"{article}{rest}"]
    return [word]


def _units(words: list[str]) -> list[str]:
    """Words with Arabic particles attached to what follows them ('abd', 'al', 'el' not
    first): 'mohammed al rashid' -> ['mohammed', 'al-rashid']."""
    units: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "abd" and i + 1 < len(words):
            nxt = words[i + 1]
            if nxt in _ARTICLES and i + 2 < len(words):
                units.append(f"abd al-{words[i + 2]}")
                i += 3
                continue
            units.append(f"abd {nxt}")
            i += 2
            continue
        if word in _ARTICLES and units and i + 1 < len(words):
            units.append(f"{word}-{words[i + 1]}")
            i += 2
            continue
        units.append(word)
        i += 1
    return units


def _templates(words: list[str]) -> list[str]:
    """'First Last', 'Last, First', 'F. Last', 'First M. Last', 'Last, First Middle'."""
    if len(words) < 2:
        return [" ".join(words)] if words else []
    first, middles, last = words[0], words[1:-1], words[-1]
    variants = [" ".join(words), f"{first} {last}", f"{last}, {first}", f"{first[0]}. {last}"]
    if middles:
        variants.append(f"{first} {' '.join(m[0] + '.' for m in middles)} {last}")
        variants.append(f"{last}, {first} {' '.join(middles)}")
    return variants


def name_variants(name: str, country: str | None = None) -> list[str]:
    """Folded forms of a name as texts write it: 'First Last', 'Last, First', 'F. Last',
    'First M. Last', 'First Middle Last'. A name given as 'Last, First' is read that way.
    Arabic particles in their joined and split spellings ('Abdullah' / 'Abd Allah', 'al-' /
    'al ' / 'al'); both word orders for names from countries that write the family name
    first (by `country`, or a common family name of those countries at either end)."""
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}"
    words = fold(name).replace(" .", ".").split()
    units = _units(words)
    spelled: list[list[str]] = [[]]
    for unit in units:
        spelled = [done + [s] for done in spelled for s in _spellings(unit)][:_MAX_SPELLINGS]
    both = len(units) >= 2 and (
        (country or "").lower() in FAMILY_FIRST_COUNTRIES
        or units[0] in FAMILY_FIRST_SURNAMES
        or units[-1] in FAMILY_FIRST_SURNAMES
    )
    variants: list[str] = []
    for form in spelled:
        variants += _templates(form)
        if both:
            variants += _templates(form[::-1])
    return list(dict.fromkeys(variants))
