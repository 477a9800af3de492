"""Dates and language names as the reader's locale writes them (Babel's CLDR data)."""

from __future__ import annotations

import datetime as dt

from django import template

from touchbase.core import locales

register = template.Library()


@register.filter
def weekday_date(value: dt.date | dt.datetime | None) -> str:
    """{{ day|weekday_date }}: "Di., 1. Dez." in German, "Tue, Dec 1" in US English."""
    return locales.weekday_date(value)


@register.filter
def language_name(code: str) -> str:
    """{{ contact.language|language_name }}: "Deutsch" for a German reader, "German" in English."""
    return locales.language_name(code) if code else ""
