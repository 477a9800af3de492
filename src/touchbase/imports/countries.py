"""Countries as customer files write them: every ISO 3166 country by code and by name.

A country cell may hold the alpha-2 or alpha-3 code ("AT", "AUT"), the name in German,
English, French or Italian (from Babel's CLDR data, also Spanish, Dutch, Portuguese and
the country's own languages), the
official or common name (from pycountry: "United States of America", "Korea, Republic of"),
or what people write on envelopes: the vehicle letters ("D", "A", "CH", "I"), "BRD", "UK",
"Großbritannien", "Holland". Case, accents, blanks and punctuation do not count. A cell such
as "Deutschland (DE)" or "AT - Österreich" is read by its parts when the whole is unknown.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Languages whose country names are known, most important first: an earlier name wins a clash.
NAME_LANGUAGES = ("de", "en", "fr", "it", "es", "nl", "pt")
# Each country's name in its own languages too ("Polska", "Česká republika", "日本").
OWN_LANGUAGES = (
    "pl", "cs", "sk", "hu", "sl", "hr", "ro", "bg", "el", "sv", "da", "nb", "fi", "et", "lv",
    "lt", "ru", "uk", "tr", "ja", "zh", "ko", "ar", "he",
)  # fmt: skip
# What people write besides the names of the standard, by normalised key.
COMMON_NAMES = {
    # Vehicle letters, written before postal codes ("D-80331 München") and in country cells.
    "d": "DE", "a": "AT", "i": "IT", "f": "FR", "e": "ES", "b": "BE", "l": "LU", "fl": "LI",
    "nl": "NL", "s": "SE", "n": "NO", "h": "HU", "p": "PT", "fin": "FI", "slo": "SI",
    "irl": "IE", "gr": "GR", "cz": "CZ", "sk": "SK", "pl": "PL", "hr": "HR", "dk": "DK",
    "ger": "DE", "brd": "DE", "bundesrepublikdeutschland": "DE", "deutschlandde": "DE",
    "westdeutschland": "DE", "republikosterreich": "AT", "osterreichat": "AT",
    "schweizerischeeidgenossenschaft": "CH", "confoederatiohelvetica": "CH", "helvetia": "CH",
    "uk": "GB", "grossbritannien": "GB", "greatbritain": "GB", "england": "GB",
    "scotland": "GB", "schottland": "GB", "wales": "GB", "northernireland": "GB",
    "nordirland": "GB", "britain": "GB", "granbretagna": "GB", "grandebretagne": "GB",
    "vereinigtestaatenvonamerika": "US", "usamerika": "US", "amerika": "US", "america": "US",
    "unitedstatesofamerica": "US", "statiunitidamerica": "US", "etatsunisdamerique": "US",
    "holland": "NL", "dieniederlande": "NL", "turkei": "TR", "turkey": "TR", "turkiye": "TR",
    "tschechischerepublik": "CZ", "czechrepublic": "CZ", "tschechei": "CZ",
    "republiquetcheque": "CZ", "repubblicaceca": "CZ", "russland": "RU",
    "russia": "RU", "weissrussland": "BY", "belarus": "BY", "ivorycoast": "CI",
    "elfenbeinkuste": "CI", "vatikan": "VA", "vatikanstadt": "VA", "vaticancity": "VA",
    "uae": "AE", "vae": "AE", "southkorea": "KR", "korea": "KR", "northkorea": "KP",
    "macedonia": "MK", "mazedonien": "MK", "burma": "MM", "swaziland": "SZ",
    "hongkong": "HK", "macau": "MO", "macao": "MO", "taiwan": "TW", "prc": "CN",
    "volksrepublikchina": "CN", "russischefoderation": "RU", "ceskarepublika": "CZ",
    "slovenskarepublika": "SK", "peoplesrepublicofchina": "CN", "kosovo": "XK",
    "southtyrol": "IT", "sudtirol": "IT", "suedtirol": "IT", "altoadige": "IT",
}  # fmt: skip
# What people write for "no country": read as no country at all, never as Namibia ("n/a").
PLACEHOLDERS = frozenset({
    "na", "nv", "ka", "keineangabe", "keineangaben", "unbekannt", "unknown", "none", "null",
    "nil", "leer", "empty", "tbd", "xx", "xxx", "0", "00", "nichtbekannt",
})  # fmt: skip
PARTS = re.compile(r"[()\[\]/,;|]|\s[-–]\s")


def country_code(raw: str) -> str | None:
    """The ISO 3166 alpha-2 code for what a cell says, None when it names no country."""
    key = normalize(raw)
    if is_placeholder(raw):
        return None
    lookup = _lookup()
    if key in lookup:
        return lookup[key]
    for part in PARTS.split(raw):
        code = lookup.get(normalize(part or ""))
        if code:
            return code
    return None


def is_placeholder(raw: str) -> bool:
    """Whether a cell only says that the country is unknown: "n/a", "k. A.", "-", "unbekannt".

    A bare "NA" is Namibia's code; "n/a" and "N.A." are placeholders.
    """
    key = normalize(raw)
    if key == "na":
        return raw.strip().upper() != "NA"
    return not key or key in PLACEHOLDERS


def normalize(text: str) -> str:
    """Letters and digits without accents: "Côte d’Ivoire" → "cotedivoire", "Groß" → "gross"."""
    text = unicodedata.normalize("NFKD", text.strip().casefold().replace("ß", "ss"))
    return "".join(char for char in text.replace("&", "and") if char.isalnum())


@cache
def _lookup() -> dict[str, str]:
    """Key → code, built once: common names, then codes, then names in each language."""
    import pycountry
    from babel import Locale

    codes = {country.alpha_2 for country in pycountry.countries} | {"XK"}
    lookup: dict[str, str] = {}

    def add(name: str, code: str) -> None:
        if code not in codes:
            return
        # "Österreich" is also written "Oesterreich".
        spelled = name.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
        for key in {normalize(name), normalize(spelled)}:
            if key:
                lookup.setdefault(key, code)

    for key, code in COMMON_NAMES.items():
        add(key, code)
    for country in pycountry.countries:
        add(country.alpha_2, country.alpha_2)
        add(country.alpha_3, country.alpha_2)
    for language in NAME_LANGUAGES:
        for code, name in Locale(language).territories.items():
            add(name, code)
    for language in OWN_LANGUAGES:
        for code, name in Locale(language).territories.items():
            add(name, code)
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            add(getattr(country, attribute, "") or "", country.alpha_2)
    return lookup
