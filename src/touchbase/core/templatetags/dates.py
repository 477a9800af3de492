"""Dates as the reader's locale writes them, where Django's formats have no pattern."""

from __future__ import annotations

import datetime as dt

from django import template

from touchbase.core.locales import weekday_date as _weekday_date

register = template.Library()


@register.filter
def weekday_date(value: dt.date | dt.datetime | None) -> str:
    """{{ day|weekday_date }}: "Di., 1. Dez." in German, "Tue, Dec 1" in US English."""
    return _weekday_date(value)
