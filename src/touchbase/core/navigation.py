"""Where a user starts, where they came from, and redirects that never leave the site."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from touchbase.core.capabilities import Capability, role_has
from touchbase.core.models import Membership, User


def home_url(user: User | AnonymousUser) -> str:
    """Where a member starts: the due list; a community manager without CRM their community
    overview (by URL name: core imports no product app); anyone else their settings."""
    memberships = list(Membership.objects.filter(user=user)) if isinstance(user, User) else []
    if any(role_has(m.role, Capability.CRM_VIEW) for m in memberships):
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    if any(role_has(m.role, Capability.COMMUNITY_MANAGE) for m in memberships):
        return resolve_url("community:dashboard")
    return resolve_url("core:settings")


def is_on_site(request: HttpRequest, target: str | None) -> bool:
    """Whether `target` is a URL on this site, so linking or redirecting to it is safe."""
    if not target:
        return False
    try:
        host = request.get_host()
    except DisallowedHost:
        return False
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={host}, require_https=request.is_secure()
    )


def referrer_on_site(request: HttpRequest) -> str | None:
    """The page the user came from when it is on this site and not the page itself, else None."""
    referrer = str(request.META.get("HTTP_REFERER", ""))
    if not is_on_site(request, referrer) or urlsplit(referrer).path == request.path:
        return None
    return referrer


def redirect_back(request: HttpRequest, target: str | None, fallback: str) -> HttpResponseRedirect:
    """Go to `target` when it is a path on this site, else to the fallback URL or URL name."""
    if target and is_on_site(request, target):
        return HttpResponseRedirect(target)
    return redirect(resolve_url(fallback))
