"""Redirects to where the user came from, never to another site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request: HttpRequest, target: str | None, fallback: str) -> HttpResponseRedirect:
    """Go to `target` when it is a path on this site, else to the fallback URL or URL name."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(resolve_url(fallback))
