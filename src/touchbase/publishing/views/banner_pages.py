"""Banners (with their weekly views and clicks), the partners who may download them, and the
partner page itself.

Partners are no members: they sign in by a link mailed to their address, which puts their id
in the session under a key of its own. Django's login never sees them, so every workspace
page still sends them to the members' login; the partner page shows only banners offered to
partners of that one workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.models import Workspace
from touchbase.core.requests import MemberRequest
from touchbase.core.signing import LinkInvalid
from touchbase.core.tenancy import owned_or_404, workspace_scope
from touchbase.publishing import banners, reach_services
from touchbase.publishing.files import image_response
from touchbase.publishing.models_reach import Banner, Partner
from touchbase.publishing.reach_forms import BannerForm, PartnerForm, PartnerSignInForm
from touchbase.publishing.views.signature_pages import field_errors
from touchbase.visitors import services as visitors

PARTNER_SESSION_KEY = "touchbase_partner"
CHART_WEEKS = 12
CHART_WIDTH = 600
CHART_HEIGHT = 160
CHART_TOP = 16
CHART_BOTTOM = 28


# --- banners -------------------------------------------------------------------------------------


def _banner_found(request: MemberRequest, pk: int) -> Banner:
    return owned_or_404(Banner, pk, workspace=request.workspace)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    value: int
    label: str


def week_bars(totals: list[dict[str, Any]], field: str) -> list[Bar]:
    """One bar per week (all banners together), scaled to the chart's height."""
    by_week: dict[Any, int] = {}
    for row in totals:
        by_week[row["week"]] = by_week.get(row["week"], 0) + int(row[field] or 0)
    weeks = sorted(by_week)
    top = max(by_week.values(), default=0) or 1
    room = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    step = CHART_WIDTH / max(len(weeks), 1)
    bars = []
    for index, week in enumerate(weeks):
        height = round(room * by_week[week] / top, 1)
        bars.append(Bar(x=round(index * step + step * 0.15, 1), y=CHART_TOP + room - height,
                        height=height, value=by_week[week],
                        label=week.strftime("%d.%m.")))  # fmt: skip
    return bars


def _count(value: object) -> int:
    return value if isinstance(value, int) else 0


def _banner_rows(workspace: Workspace) -> list[dict[str, Any]]:
    totals: dict[int, dict[str, int]] = {}
    for row in banners.banner_totals(workspace=workspace, weeks=CHART_WEEKS):
        entry = totals.setdefault(_count(row["banner_id"]), {"views": 0, "clicks": 0})
        entry["views"] += _count(row["views"])
        entry["clicks"] += _count(row["clicks"])
    return [
        {"banner": banner, "state": reach_services.banner_state(banner),
         **totals.get(banner.pk, {"views": 0, "clicks": 0})}
        for banner in Banner.objects.filter(workspace=workspace)
    ]  # fmt: skip


@capability_required(Capability.PUBLISHING_VIEW)
def banner_list(request: MemberRequest) -> HttpResponse:
    totals = banners.banner_totals(workspace=request.workspace, weeks=CHART_WEEKS)
    context = {
        "rows": _banner_rows(request.workspace),
        "views": week_bars(totals, "views"), "clicks": week_bars(totals, "clicks"),
        "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT,
                  "bar": round(CHART_WIDTH / CHART_WEEKS * 0.7, 1),
                  "base": CHART_HEIGHT - CHART_BOTTOM},
        "weekly": totals, "weeks": CHART_WEEKS,
        "can_manage": has_capability(request, Capability.PUBLISHING_MANAGE),
    }  # fmt: skip
    return render(request, "publishing/reach/banner_list.html", context)


def _banner_form_page(request: MemberRequest, banner: Banner | None) -> HttpResponse:
    form = BannerForm(request.POST or None, request.FILES or None, instance=banner)
    if request.method == "POST" and form.is_valid():
        image = form.cleaned_data.get("image_file")
        try:
            fields = form.fields_data()
            if banner is None:
                saved = reach_services.banner_create(
                    workspace=request.workspace, fields=fields, image=image
                )
            else:
                saved = reach_services.banner_update(banner=banner, fields=fields, image=image)
        except ValidationError as error:
            field_errors(form, error, {"image": "image_file"})
        else:
            messages.success(request, _("Banner “%(name)s” saved.") % {"name": saved.name})
            return redirect("publishing:banner-list")
    status = 422 if request.method == "POST" else 200
    if banner is not None:
        banner.refresh_from_db()
    context = {"form": form, "banner": banner}
    return render(request, "publishing/reach/banner_form.html", context, status=status)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def banner_new(request: MemberRequest) -> HttpResponse:
    return _banner_form_page(request, None)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def banner_edit(request: MemberRequest, pk: int) -> HttpResponse:
    return _banner_form_page(request, _banner_found(request, pk))


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def banner_delete(request: MemberRequest, pk: int) -> HttpResponse:
    banner = _banner_found(request, pk)
    if request.method == "POST":
        banners.banner_delete(banner=banner)
        messages.success(request, _("Banner “%(name)s” deleted.") % {"name": banner.name})
        return redirect("publishing:banner-list")
    return render(request, "publishing/reach/banner_delete.html", {"banner": banner})


@capability_required(Capability.PUBLISHING_VIEW)
@require_safe
def banner_image(request: MemberRequest, pk: int) -> FileResponse:
    banner = _banner_found(request, pk)
    return image_response(banner.image.name or "", cache_control="private, max-age=300")


# --- partners ------------------------------------------------------------------------------------


def _partner_found(request: MemberRequest, pk: int) -> Partner:
    return owned_or_404(Partner, pk, workspace=request.workspace)


@capability_required(Capability.PUBLISHING_MANAGE)
def partner_list(request: MemberRequest) -> HttpResponse:
    context = {
        "partners": Partner.objects.filter(workspace=request.workspace),
        "offered": reach_services.partner_banners(request.workspace).count(),
    }  # fmt: skip
    return render(request, "publishing/reach/partner_list.html", context)


def _partner_form_page(request: MemberRequest, partner: Partner | None) -> HttpResponse:
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            saved = reach_services.partner_save(workspace=request.workspace, partner=partner,
                                                fields=form.fields_data())  # fmt: skip
        except ValidationError as error:
            field_errors(form, error, {})
        else:
            messages.success(request, _("Partner “%(name)s” saved.") % {"name": saved.name})
            return redirect("publishing:partner-list")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "partner": partner}
    return render(request, "publishing/reach/partner_form.html", context, status=status)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def partner_new(request: MemberRequest) -> HttpResponse:
    return _partner_form_page(request, None)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def partner_edit(request: MemberRequest, pk: int) -> HttpResponse:
    return _partner_form_page(request, _partner_found(request, pk))


@capability_required(Capability.PUBLISHING_MANAGE)
@require_POST
def partner_delete(request: MemberRequest, pk: int) -> HttpResponse:
    partner = _partner_found(request, pk)
    partner.delete()
    messages.success(request, _("Partner “%(name)s” removed.") % {"name": partner.name})
    return redirect("publishing:partner-list")


@capability_required(Capability.PUBLISHING_MANAGE)
@require_POST
def partner_invite(request: MemberRequest, pk: int) -> HttpResponse:
    partner = _partner_found(request, pk)
    if not partner.active:
        messages.error(request, _("Activate the partner first."))
    else:
        reach_services.partner_link_send(partner=partner, language=request.LANGUAGE_CODE or "de")
        messages.success(request, _("A sign-in link is on its way to %(email)s.")
                         % {"email": partner.email})  # fmt: skip
    return redirect("publishing:partner-list")


# --- the partner page (public, behind the partner's own sign-in) ---------------------------------


def _workspace(slug: str) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug[:60]).first()
    if workspace is None:
        raise Http404(_("Not found."))
    return workspace


def _signed_in_partner(request: HttpRequest, workspace: Workspace) -> Partner | None:
    entry = request.session.get(PARTNER_SESSION_KEY)
    if not isinstance(entry, dict) or entry.get("w") != workspace.pk:
        return None
    partner_id = entry.get("p")
    if not isinstance(partner_id, int):
        return None
    return Partner.objects.filter(workspace=workspace, pk=partner_id, active=True).first()


def _partner_banners(workspace: Workspace) -> QuerySet[Banner]:
    return reach_services.partner_banners(workspace)


@require_http_methods(["GET", "POST"])
def partner_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Signed in: the banners to download. Otherwise: ask for a sign-in link by e-mail."""
    workspace = _workspace(slug)
    with workspace_scope(workspace):
        partner = _signed_in_partner(request, workspace)
        if partner is not None and request.method == "GET":
            context = {"workspace": workspace, "partner": partner,
                       "banners": _partner_banners(workspace)}  # fmt: skip
            return _private(render(request, "publishing/partner/page.html", context))
        return _sign_in(request, workspace)


def _sign_in(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = PartnerSignInForm(request.POST or None)
    context: dict[str, Any] = {"workspace": workspace, "form": form}
    if request.method != "POST" or not form.is_valid():
        status = 422 if request.method == "POST" else 200
        return _private(render(request, "publishing/partner/sign_in.html", context, status=status))
    email = form.cleaned_data["email"].strip().lower()
    if not form.cleaned_data.get("website"):
        if not visitors.attempt_allowed(request, workspace=workspace, action="sign-in",
                                        email=email):  # fmt: skip
            return _private(render(request, "publishing/partner/sign_in.html",
                                   {**context, "throttled": True}, status=429))  # fmt: skip
        partner = Partner.objects.filter(workspace=workspace, email=email, active=True).first()
        if partner is not None:
            reach_services.partner_link_send(partner=partner,
                                             language=request.LANGUAGE_CODE or "de")  # fmt: skip
    # The same answer whether or not the address belongs to a partner: nobody learns who does.
    return _private(render(request, "publishing/partner/sign_in.html", {**context, "sent": email}))


@require_safe
def partner_enter(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    workspace = _workspace(slug)
    with workspace_scope(workspace):
        try:
            partner = reach_services.partner_link_open(workspace=workspace, token=token[:600])
        except LinkInvalid as error:
            context = {"workspace": workspace, "reason": str(error)}
            return _private(render(request, "publishing/partner/link_invalid.html", context,
                                   status=404))  # fmt: skip
    request.session.cycle_key()
    request.session[PARTNER_SESSION_KEY] = {"w": workspace.pk, "p": partner.pk}
    return redirect("publishing:partner-page", workspace.slug)


@require_POST
def partner_leave(request: HttpRequest, slug: str) -> HttpResponse:
    request.session.pop(PARTNER_SESSION_KEY, None)
    return redirect("publishing:partner-page", _workspace(slug).slug)


@require_safe
def partner_download(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    workspace = _workspace(slug)
    with workspace_scope(workspace):
        if _signed_in_partner(request, workspace) is None:
            return redirect("publishing:partner-page", workspace.slug)
        banner = owned_or_404(_partner_banners(workspace), pk, workspace=workspace)
        response = image_response(banner.image.name or "", cache_control="private, no-store")
    extension = (banner.image.name or "").rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'attachment; filename="banner-{banner.pk}.{extension}"'
    return response


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "no-referrer"
    return response


urlpatterns: list[URLPattern] = [
    path("publishing/banners/", banner_list, name="banner-list"),
    path("publishing/banners/new/", banner_new, name="banner-new"),
    path("publishing/banners/<id:pk>/edit/", banner_edit, name="banner-edit"),
    path("publishing/banners/<id:pk>/delete/", banner_delete, name="banner-delete"),
    path("publishing/banners/<id:pk>/image/", banner_image, name="banner-image"),
    path("publishing/partners/", partner_list, name="partner-list"),
    path("publishing/partners/new/", partner_new, name="partner-new"),
    path("publishing/partners/<id:pk>/edit/", partner_edit, name="partner-edit"),
    path("publishing/partners/<id:pk>/delete/", partner_delete, name="partner-delete"),
    path("publishing/partners/<id:pk>/invite/", partner_invite, name="partner-invite"),
    path("partners/<slug:slug>/", partner_page, name="partner-page"),
    path("partners/<slug:slug>/in/<str:token>/", partner_enter, name="partner-enter"),
    path("partners/<slug:slug>/out/", partner_leave, name="partner-leave"),
    path("partners/<slug:slug>/banners/<id:pk>/", partner_download, name="partner-download"),
]
