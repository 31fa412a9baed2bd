"""Write src/expunge/data/phone_cues/cues.json from the Unicode CLDR (through babel).

    .venv/bin/pip install "babel>=2.14" && .venv/bin/python scripts/make_phone_cues.py

The detector uses it to guess where a phone number written without '+' is from (issue 18):
the names of countries in 27 languages, and for each language the regions where it is
official, the most likely first. Run again only to take a newer CLDR; babel is not needed
at run time.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import babel
import phonenumbers
from babel import Locale
from babel.core import get_global

# Languages whose country names are looked for; scripts written without spaces between
# words (Chinese, Japanese, Thai) cannot be found word by word and are left out.
LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "nl", "pl", "sv", "da", "nb", "fi", "cs",
             "sk", "ro", "hu", "el", "ru", "uk", "bg", "tr", "ar", "he", "id", "vi", "ms",
             "hr")  # fmt: skip
# Names that are first names or common words more often than countries in running text.
SKIP_NAMES = frozenset((
    "chad", "jordan", "georgia", "jersey", "guinea", "niger", "mali", "man", "turkey", "china",
    "india", "israel", "panama", "cuba", "peru", "chile", "malta", "monaco", "samoa", "tonga",
))  # fmt: skip
# The most populous regions, largest first (UN estimates, rounded): among the regions of one
# language, where a number from a text in it most likely comes from.
POPULOUS = ("IN", "CN", "US", "ID", "PK", "NG", "BR", "BD", "RU", "ET", "MX", "JP", "EG",
            "PH", "CD", "VN", "IR", "TR", "DE", "TH", "GB", "TZ", "FR", "ZA", "IT", "KE",
            "MM", "CO", "KR", "UG", "SD", "ES", "DZ", "AR", "IQ", "AF", "PL", "CA", "MA",
            "SA", "UA", "AO", "UZ", "YE", "PE", "MY", "GH", "MZ", "NP", "VE", "MG", "AU",
            "KP", "CM", "CI", "NE", "TW", "LK", "BF", "ML", "CL", "RO", "KZ", "MW", "ZM",
            "SY", "EC", "NL", "SN", "GT", "TD", "SO", "ZW", "KH", "SS", "RW", "GN", "BI",
            "BJ", "BO", "TN", "HT", "BE", "CU", "JO", "GR", "DO", "CZ", "SE", "PT", "AZ",
            "HU", "AE", "BY", "HN", "IL", "TJ", "AT", "PG", "CH", "TG", "SL", "HK", "LA",
            "PY", "BG", "LY", "RS", "SV", "NI", "KG", "LB", "TM", "SG", "DK", "FI", "CG",
            "SK", "NO", "PS", "OM", "CR", "LR", "IE", "NZ", "CF", "MR", "PA", "KW", "HR",
            "GE", "UY", "BA", "MN", "AM", "AL", "LT", "JM", "QA")  # fmt: skip
OUT = Path(__file__).resolve().parent.parent / "src/expunge/data/phone_cues"


def fold(name: str) -> str:
    """A name as detect.phone_region reads words: runs of letters, lower case, one space."""
    return " ".join(re.findall(r"[^\W\d_]+", name.lower()))


def main() -> int:
    regions = set(phonenumbers.SUPPORTED_REGIONS)
    names: dict[str, str] = {}
    for lang in LANGUAGES:
        for code, name in Locale(lang).territories.items():
            if code not in regions:
                continue
            key = fold(name)
            if len(key) >= 4 and key not in SKIP_NAMES:
                names.setdefault(key, code)
    names.update({"uk": "GB", "usa": "US", "u s a": "US", "brasil": "BR", "méxico": "MX"})
    likely = get_global("likely_subtags")
    by_language: dict[str, list[str]] = {}
    for region, langs in get_global("territory_languages").items():
        if region not in regions:
            continue
        for lang, info in langs.items():
            official = info.get("official_status") == "official"
            if info["population_percent"] >= (10 if official else 50):
                by_language.setdefault(lang, []).append(region)
    ordered = {}
    for lang, found in sorted(by_language.items()):
        first = likely.get(lang, "").split("_")[-1]
        ordered[lang] = sorted(
            found,
            key=lambda r, first=first: (
                r != first,
                POPULOUS.index(r) if r in POPULOUS else len(POPULOUS),
                r,
            ),
        )
    OUT.mkdir(parents=True, exist_ok=True)
    data = {"cldr": babel.__version__, "names": dict(sorted(names.items())),
            "languages": ordered}  # fmt: skip
    (OUT / "cues.json").write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n")
    shutil.copy(Path(babel.__file__).parent / "locale-data/LICENSE.unicode", OUT / "LICENSE")
    print(f"{len(names)} names, {len(ordered)} languages -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
