"""The public addresses a signature carries: its banner slot (image and link), the photo, and
the install page sent to the employee; and the website's banner slot.

Every open of a mail asks for the banner image, so the path is short: the signature by its
token (one plain indexed SELECT), the live banners from a short cache, one UPDATE for the
count, the image's bytes from memory. The link redirects only to the banner's own stored target:
nothing in the request names where to go, so it cannot be turned into an open redirect.
"""

from __future__ import annotations

from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from touchbase.core.models import Workspace
from touchbase.core.tenancy import scopes_disabled, workspace_scope
from touchbase.publishing import banners, signatures
from touchbase.publishing.choices import BannerTarget
from touchbase.publishing.files import image_response
from touchbase.publishing.models_reach import SignatureProfile

MAX_TOKEN = 40


def _profile(token: str) -> SignatureProfile:
    with scopes_disabled():
        profile = (
            SignatureProfile.objects.filter(token=token[:MAX_TOKEN])
            .select_related("workspace")
            .first()
        )
    if profile is None:
        raise Http404(_("Not found."))
    return profile


def _banner_slot(token: str) -> tuple[int, str, str]:
    """The workspace, token and language of the signature whose banner is asked for, read by
    one plain SELECT: building the ORM query would cost more than running it, on every open."""
    table = SignatureProfile._meta.db_table
    with connection.cursor() as cursor:
        # The table name is ours; the token goes in as a parameter.
        cursor.execute(f"SELECT workspace_id, token, language FROM {table} WHERE token = %s",
                       [token[:MAX_TOKEN]])  # fmt: skip
        row = cursor.fetchone()
    if row is None:
        raise Http404(_("Not found."))
    return row[0], row[1], row[2]


def _image(banner: banners.LiveBanner | None, workspace_id: int) -> HttpResponse:
    if banner is None:
        body, kind = banners.EMPTY_GIF, "image/gif"
    else:
        try:
            body, kind = banners.banner_bytes(banner.image), banner.content_type
        except OSError:
            body, kind = banners.EMPTY_GIF, "image/gif"
        else:
            banners.banner_count(banner_id=banner.pk, workspace_id=workspace_id, field="views")
    response = HttpResponse(body, content_type=kind)
    # Each open must reach us to be counted and to rotate.
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _click(banner: banners.LiveBanner | None, workspace_id: int, fallback: str) -> HttpResponse:
    if banner is None:
        if not fallback:
            raise Http404(_("Not found."))
        return HttpResponseRedirect(fallback)
    banners.banner_count(banner_id=banner.pk, workspace_id=workspace_id, field="clicks")
    response = HttpResponseRedirect(banner.link_url)
    response["Cache-Control"] = "no-store"
    return response


def _choice(request: HttpRequest, workspace: Workspace | int, target: str, slot: str,
            fallback_language: str) -> banners.LiveBanner | None:  # fmt: skip
    with workspace_scope(workspace):
        live = banners.live_banners(workspace=workspace, target=target)
    language = banners.reader_language(request.headers.get("Accept-Language", ""),
                                       fallback_language)  # fmt: skip
    return banners.banner_choose(live, slot=slot, language=language)


@require_safe
def signature_banner(request: HttpRequest, token: str) -> HttpResponse:
    workspace_id, token, language = _banner_slot(token)
    chosen = _choice(request, workspace_id, BannerTarget.EMAIL, token, language)
    with workspace_scope(workspace_id):
        return _image(chosen, workspace_id)


@require_safe
def signature_click(request: HttpRequest, token: str) -> HttpResponse:
    profile = _profile(token)
    chosen = _choice(request, profile.workspace, BannerTarget.EMAIL, profile.token,
                     profile.language)  # fmt: skip
    with workspace_scope(profile.workspace):
        website = signatures.company_profile(workspace=profile.workspace).website
        return _click(chosen, profile.workspace_id, website)


@require_safe
def signature_photo(request: HttpRequest, token: str) -> FileResponse:
    profile = _profile(token)
    if not profile.photo:
        raise Http404(_("Not found."))
    return image_response(profile.photo.name or "", cache_control="public, max-age=86400")


@require_safe
def website_banner(request: HttpRequest, slug: str) -> HttpResponse:
    workspace_id = _workspace_id(slug)
    chosen = _choice(request, workspace_id, BannerTarget.WEBSITE, f"web:{workspace_id}", "")
    with workspace_scope(workspace_id):
        return _image(chosen, workspace_id)


@require_safe
def website_click(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(slug)
    chosen = _choice(request, workspace, BannerTarget.WEBSITE, f"web:{workspace.pk}", "")
    with workspace_scope(workspace):
        website = signatures.company_profile(workspace=workspace).website
        return _click(chosen, workspace.pk, website)


def _workspace_id(slug: str) -> int:
    """The slug's workspace by one plain SELECT: the website's banner is asked for on every
    page view there."""
    with connection.cursor() as cursor:
        # The table name is ours; the slug goes in as a parameter.
        cursor.execute(f"SELECT id FROM {Workspace._meta.db_table} WHERE slug = %s", [slug[:60]])
        row = cursor.fetchone()
    if row is None:
        raise Http404(_("Not found."))
    return int(row[0])


def _workspace(slug: str) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug[:60]).first()
    if workspace is None:
        raise Http404(_("Not found."))
    return workspace


@require_safe
def signature_install(request: HttpRequest, value: str) -> HttpResponse:
    """The employee's own signature, ready to copy into their mail program (signed link)."""
    profile = signatures.install_open(value[:500])
    if profile is None:
        return render(request, "publishing/signature/install_invalid.html", status=404)
    with workspace_scope(profile.workspace):
        context = {
            "profile": profile, "workspace": profile.workspace,
            "html": signatures.signature_html(profile), "text": signatures.signature_text(profile),
        }  # fmt: skip
        response = render(request, "publishing/signature/install.html", context)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("sig/<str:token>/banner.gif", signature_banner, name="signature-banner"),
    path("sig/<str:token>/click/", signature_click, name="signature-click"),
    path("sig/<str:token>/photo/", signature_photo, name="signature-photo"),
    path("sig/install/<str:value>/", signature_install, name="signature-install"),
    path("banners/<slug:slug>/image/", website_banner, name="website-banner"),
    path("banners/<slug:slug>/click/", website_click, name="website-click"),
]
