"""Languages and time zones as choices, named in the reader's language (Babel's CLDR data).

Free text let people type "Deutsch", "german" or "Europe/Berlinn"; a choice stores the code
the rest of touchbase understands and shows it by name in the language of whoever reads it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo
from functools import lru_cache

import babel
import babel.dates
import babel.localedata
from babel.core import get_global
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# (value, label) pairs, or (group label, pairs) for an <optgroup>.
Choices = list[tuple[str, str] | tuple[str, list[tuple[str, str]]]]

# Offered first: the languages customers of a Central European company speak most.
COMMON_LANGUAGES = ("de", "en", "fr", "it", "es", "nl", "pl", "cs", "tr")
# The IANA areas people live in; Etc/, US/ and other legacy names are left out.
ZONE_AREAS = (
    "Europe", "America", "Asia", "Africa", "Atlantic", "Australia", "Indian", "Pacific",
    "Antarctica", "Arctic",
)  # fmt: skip
UTC = "UTC"


def _reader_locale() -> babel.Locale:
    """Babel's locale for the active Django language (en-gb → en_GB)."""
    try:
        return babel.Locale.parse(translation.get_language() or "en", sep="-")
    except (ValueError, babel.UnknownLocaleError):
        return babel.Locale("en")


def _sort_key(label: str) -> str:
    """Alphabetical as a reader expects it: Ä beside A, not after Z."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _capitalised(name: str) -> str:
    # Some languages write language names in lower case ("allemand"); in a list they start upper.
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=8)
def _languages(locale_name: str) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    locale = babel.Locale.parse(locale_name)
    names = {
        code: _capitalised(name)
        for code, name in locale.languages.items()
        if len(code) == 2 and code.isalpha() and babel.localedata.exists(code)
    }
    common = tuple((code, names[code]) for code in COMMON_LANGUAGES if code in names)
    others = tuple(
        sorted(
            ((code, name) for code, name in names.items() if code not in COMMON_LANGUAGES),
            key=lambda pair: _sort_key(pair[1]),
        )
    )
    return common, others


def language_codes() -> frozenset[str]:
    """Every language code the choices offer (two letters, ISO 639-1)."""
    common, others = _languages("en")
    return frozenset(code for code, _name in (*common, *others))


def language_choices(*, keep: str = "") -> Choices:
    """Languages by name in the reader's language: the common ones first, then all others.

    A stored value outside the list (an import's "de-AT", say) is kept as a choice of its
    own, so editing something else on the record never fails on it.
    """
    common, others = _languages(str(_reader_locale()))
    # The same empty choice as every other select (core/apps.py sets Django's to it).
    choices: Choices = [("", _("— choose —"))]
    if keep and keep not in language_codes():
        choices.append((keep, keep))
    choices.append((pgettext("languages", "Frequently used"), list(common)))
    choices.append((pgettext("languages", "All languages"), list(others)))
    return choices


def language_name(code: str) -> str:
    """The language's name in the reader's language ("de" → "Deutsch"); an unknown code as is."""
    common, others = _languages(str(_reader_locale()))
    return dict((*common, *others)).get(code, code)


def likely_language(country: str) -> str:
    """The language most people in this country speak (AT → de, BE → nl), or German."""
    try:
        language = babel.Locale.parse(f"und_{country}").language
    except (ValueError, babel.UnknownLocaleError):
        return "de"
    return language if language in language_codes() else "de"


def _area_names() -> dict[str, str]:
    return {
        "Europe": _("Europe"), "America": _("America"), "Asia": _("Asia"),
        "Africa": _("Africa"), "Atlantic": _("Atlantic"), "Australia": _("Australia"),
        "Indian": _("Indian Ocean"), "Pacific": _("Pacific"), "Antarctica": _("Antarctica"),
        "Arctic": _("Arctic"),
    }  # fmt: skip


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    # Babel's aliases are the old names of renamed zones (Europe/Kiev → Europe/Kyiv).
    aliases = get_global("zone_aliases")
    return tuple(
        sorted(
            zone
            for zone in zoneinfo.available_timezones()
            if zone.split("/", 1)[0] in ZONE_AREAS and zone not in aliases
        )
    )


@lru_cache(maxsize=8)
def _zone_labels(locale_name: str) -> tuple[tuple[str, str], ...]:
    locale = babel.Locale.parse(locale_name)
    return tuple(
        (zone, babel.dates.get_timezone_location(zone, locale=locale, return_city=True))
        for zone in _zones()
    )


def time_zone_choices(*, keep: str = "") -> Choices:
    """Time zones by city in the reader's language, grouped by area, UTC first.

    A stored zone outside the list (a legacy name such as US/Eastern) stays a choice.
    """
    areas = _area_names()
    grouped: dict[str, list[tuple[str, str]]] = {area: [] for area in ZONE_AREAS}
    for zone, city in _zone_labels(str(_reader_locale())):
        grouped[zone.split("/", 1)[0]].append((zone, city))
    choices: Choices = [(UTC, "UTC")]
    if keep and keep != UTC and keep not in _zones():
        choices.append((keep, keep))
    for area in ZONE_AREAS:
        choices.append((areas[area], sorted(grouped[area], key=lambda pair: _sort_key(pair[1]))))
    return choices


def weekday_date(value: dt.date | dt.datetime | None) -> str:
    """A day with its weekday, short, as the reader's locale writes it (CLDR's "MMMEd").

    Django's formats have no such pattern: "D j M" reads "Di 1 Dez" in German, where one
    writes "Di., 1. Dez."; US English writes "Tue, Dec 1", British "Tue 1 Dec".
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        # The day in the reader's time zone, as Django's own date filter shows it.
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return babel.dates.format_skeleton("MMMEd", value, locale=_reader_locale())


def day_month(value: dt.date, *, today: dt.date) -> str:
    """A day as the reader's locale writes it in running text, the year only when not this one.

    "3. März" in German, "March 3" in US English, "3 March" in British; "3. März 2025".
    """
    skeleton = "MMMMd" if value.year == today.year else "yMMMMd"
    return babel.dates.format_skeleton(skeleton, value, locale=_reader_locale())
