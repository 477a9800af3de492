"""The way back from a page that could not be shown: the start page and the page before."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.template.context import Context

from touchbase.core.navigation import home_url, referrer_on_site

register = template.Library()


@register.inclusion_tag("partials/_way_back.html", takes_context=True)
def way_back(context: Context) -> dict[str, object]:
    """Links to the user's start page and, when signed in, back to where they were on this site."""
    request: HttpRequest | None = context.get("request")
    # Anonymous visitors (and pages rendered without a request) start at "/", which signs in.
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"start_url": "/", "back_url": None}
    return {"start_url": home_url(user), "back_url": referrer_on_site(request)}
