"""{{ number|phone:workspace.home_country }}: a stored number shown so it dials right."""

from __future__ import annotations

from django import template

from touchbase.core.phone import phone_display

register = template.Library()


@register.filter
def phone(e164: str, home_country: str) -> str:
    """National format for numbers of the home country, international for all others."""
    return phone_display(e164, home_country=home_country)
