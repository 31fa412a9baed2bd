"""Where a phone number written without '+' is from, read from its record (issue 18).

A number under a phone word that is no valid number of the scan's `--phone-region` may be one
of another country's, written the national way ('Tfno. 981 221 822' in a Spanish text, 'numer
telefonu 510-070-889' in a Polish one). The record says which country, from the strongest cue
to the weakest:

1. `code`: another number in it written with its country code ('+34 93 693 29 05');
2. `domain`: the country-code top-level domain of its email addresses and links ('@uv.es');
3. `country`: a country named in it, in 27 languages ('España', 'Polska', 'Deutschland');
4. `language`: the language it is written in (function words), whose regions are tried
   most likely first (Spanish: Spain, Mexico, Colombia, Argentina, ...).

Country names and the regions of each language come from the Unicode CLDR
(data/phone_cues, made by scripts/make_phone_cues.py). The cues are read once per record,
and only for a record that has such a number.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

import phonenumbers

Cue = tuple[str, str]  # (region, how it was found: code / domain / country / language)

# Function words by language: frequent, short and rare in the other languages listed.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to is that with for are this was have from",
        "es": "el los las del que por una para con como pero más está su sus y",
        "pt": "não uma os das dos para com que em é ao pelo pela você também",
        "fr": "le les des est une pour avec dans sur du au aux qui pas sont",
        "de": "der die das und ist nicht mit für ein eine den von dem sich auch",
        "it": "il della che per con gli una sono non è delle nel alla anche",
        "nl": "het een van de en niet met voor zijn op dat ook wordt",
        "pl": "się nie jest na że do przez oraz dla jak od po są",
        "sv": "och att det är som för med inte till på har av",
        "da": "og at det er som for med ikke til på har af",
        "fi": "ja on ei se että oli mutta kun niin myös",
        "cs": "je se na že to jako pro jsou nebo být",
        "ro": "și este să nu cu pentru care din în la sunt",
        "hu": "az és hogy nem egy van meg mint csak",
        "tr": "ve bir bu için ile çok olarak daha gibi",
        "ru": "и в не на что с по это как для он",
        "uk": "і в не на що з та це як для він",
        "id": "dan yang di ini itu dengan untuk tidak dari",
    }.items()
}
_WORD = re.compile(r"[^\W\d_]+")
_CODE = re.compile(rb"(?<![0-9A-Za-z])\+ ?\(?([1-9](?:[ .()-]{0,2}\d){3,})")
_TLD = re.compile(rb"(?:@|://|www\.)[A-Za-z0-9.-]+\.([A-Za-z]{2})(?![A-Za-z0-9-])")
_MOST_WORDS = 400  # function words are counted in the first 400 words


@cache
def _cues_data() -> tuple[dict[str, str], dict[str, tuple[int, ...]], dict[str, tuple[str, ...]]]:
    """Country names, the word counts of the names each first word starts, the regions of
    each language."""
    raw = (resources.files("expunge") / "data" / "phone_cues" / "cues.json").read_text("utf-8")
    data = json.loads(raw)
    names: dict[str, str] = data["names"]
    starts: dict[str, set[int]] = {}
    for name in names:
        words = name.split()
        starts.setdefault(words[0], set()).add(len(words))
    lengths = {w: tuple(sorted(n, reverse=True)) for w, n in starts.items()}
    return names, lengths, {k: tuple(v) for k, v in data["languages"].items()}


@cache
def _word_languages() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for lang, vocab in _FUNCTION_WORDS.items():
        for word in vocab:
            out.setdefault(word, []).append(lang)
    return {w: tuple(langs) for w, langs in out.items()}


def record_regions(buf: bytes, lo: int, hi: int) -> tuple[Cue, ...]:
    """The regions the record [lo, hi) points to, strongest cue first, each once."""
    names, lengths, languages = _cues_data()
    text = buf[lo:hi]
    found: list[Cue] = []
    for m in _CODE.finditer(text):
        region = _code_region(m.group(1))
        if region is not None:
            found.append((region, "code"))
    for m in _TLD.finditer(text):
        tld = m.group(1).decode("ascii").upper()
        region = "GB" if tld == "UK" else tld
        if region in phonenumbers.SUPPORTED_REGIONS:
            found.append((region, "domain"))
    words = [w.lower() for w in _WORD.findall(text.decode("utf-8", "replace"))]
    for i, word in enumerate(words):
        for n in lengths.get(word, ()):  # the longest name first: 'south africa'
            named = names.get(" ".join(words[i : i + n]))
            if named is not None:
                found.append((named, "country"))
                break
    lang = _language(words[:_MOST_WORDS])
    if lang is not None and lang != "en":  # English is written everywhere: no clue where
        found.extend((r, "language") for r in languages.get(lang, ()))
    first: dict[str, str] = {}
    for region, how in found:
        first.setdefault(region, how)
    return tuple(first.items())


def _code_region(number: bytes) -> str | None:
    """The main region of the country code a number written after '+' starts with (country
    codes are prefix-free: the first of 1, 2 or 3 digits that is one is it)."""
    digits = number.translate(None, b" .()-")
    for n in (1, 2, 3):
        for region in phonenumbers.region_codes_for_country_code(int(digits[:n])):
            if region != "001":
                return region
    return None


def _language(words: list[str]) -> str | None:
    """The language most of the function words belong to: at least two of them, and more
    than of any other language."""
    of_word = _word_languages()
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in words:
        for lang in of_word.get(word, ()):
            counts[lang] += 1
    ranked = sorted(((n, lang) for lang, n in counts.items()), reverse=True)
    (hits, best), (second, _) = ranked[0], ranked[1]
    return best if hits >= 2 and hits > second else None
