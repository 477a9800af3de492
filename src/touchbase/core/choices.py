"""Choices shared by the whole platform."""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale, UnknownLocaleError
from django.db import models
from django.utils.translation import get_language, pgettext_lazy, to_locale
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # "Owner" of a customer is someone else (German: Betreuer/in); this is the workspace role.
    OWNER = "owner", pgettext_lazy("workspace role", "Owner")
    LEADER = "leader", _("Leader")
    STAFF = "staff", _("Staff")
    COMMUNITY_MANAGER = "community_manager", _("Community manager")
    HELPER = "helper", _("Helper")


class DigestFrequency(models.TextChoices):
    OFF = "off", _("No digest")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class Language(models.TextChoices):
    # English (UK) speaks the English texts with British dates (23/11/2026).
    ENGLISH = "en", _("English")
    ENGLISH_UK = "en-gb", _("English (UK)")
    GERMAN = "de", _("German")


class Country(models.TextChoices):
    """The countries the app knows: addresses, phone numbers and a workspace's home country."""

    GERMANY = "DE", _("Germany")
    AUSTRIA = "AT", _("Austria")
    SWITZERLAND = "CH", _("Switzerland")
    ITALY = "IT", _("Italy")
    LIECHTENSTEIN = "LI", _("Liechtenstein")
    LUXEMBOURG = "LU", _("Luxembourg")
    FRANCE = "FR", _("France")
    NETHERLANDS = "NL", _("Netherlands")
    BELGIUM = "BE", _("Belgium")
    UNITED_KINGDOM = "GB", _("United Kingdom")
    UNITED_STATES = "US", _("United States")


# Babel's territories that are no country: the EU, the euro zone, the UN, "unknown" and
# pseudo-locales.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166 country for an address, named in the active language: the app's own
    countries first, then the rest by name. Imports keep any country a file names (Poland,
    Japan), and forms must not refuse or overwrite them. A callable, so the names follow the
    reader's language."""
    return list(_country_choices(get_language() or "en"))


@cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    try:
        locale = Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    known = [(str(value), str(label)) for value, label in Country.choices]
    names = {code: name for code, name in locale.territories.items()
             if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES}  # fmt: skip
    rest = sorted(((code, name) for code, name in names.items() if code not in Country.values),
                  key=lambda item: strxfrm_key(item[1]))  # fmt: skip
    return tuple(known + rest)


def strxfrm_key(name: str) -> str:
    """Sort key without accents: "Österreich" beside "Oman", not after "Zypern"."""
    text = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in text if not unicodedata.combining(char))


# The IANA zones of the countries above; any other zone falls back to Germany.
COUNTRY_BY_TIME_ZONE: dict[str, Country] = {
    "Europe/Berlin": Country.GERMANY,
    "Europe/Busingen": Country.GERMANY,
    "Europe/Vienna": Country.AUSTRIA,
    "Europe/Zurich": Country.SWITZERLAND,
    "Europe/Rome": Country.ITALY,
    "Europe/Vaduz": Country.LIECHTENSTEIN,
    "Europe/Luxembourg": Country.LUXEMBOURG,
    "Europe/Paris": Country.FRANCE,
    "Europe/Amsterdam": Country.NETHERLANDS,
    "Europe/Brussels": Country.BELGIUM,
    "Europe/London": Country.UNITED_KINGDOM,
    "America/New_York": Country.UNITED_STATES,
    "America/Chicago": Country.UNITED_STATES,
    "America/Denver": Country.UNITED_STATES,
    "America/Phoenix": Country.UNITED_STATES,
    "America/Los_Angeles": Country.UNITED_STATES,
    "America/Anchorage": Country.UNITED_STATES,
    "Pacific/Honolulu": Country.UNITED_STATES,
}


def country_for_time_zone(time_zone: str) -> Country:
    """The home country a workspace in this time zone most likely has; Germany if unsure."""
    return COUNTRY_BY_TIME_ZONE.get(time_zone, Country.GERMANY)


class WebhookStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class CalendarMethod(models.TextChoices):
    # iTIP methods (RFC 5546) of the invitations we send.
    REQUEST = "REQUEST", _("Invitation")
    CANCEL = "CANCEL", _("Cancellation")


LEADER_ROLES = (Role.OWNER, Role.LEADER)
