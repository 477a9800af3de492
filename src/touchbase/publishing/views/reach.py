"""Online presences: every place customers find the company, who answers there, and what the
reachability audit found on each visit.

"Check now" does not fetch inside the request: it makes the presence due, and the worker's next
tick checks it like any other, with the same limits.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.publishing import audit, reach_services
from touchbase.publishing.models_reach import Presence
from touchbase.publishing.reach_forms import PresenceForm
from touchbase.publishing.signatures import phone_shown
from touchbase.publishing.views.signature_pages import field_errors

HISTORY_LIMIT = 50
FILTER_MINE = "mine"


def shown(findings: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Findings as this reader reads them: the stored message was written in the worker's."""
    return [{"code": str(f.get("code", "")), "message": audit.finding_text(f)} for f in findings]


def _presence_found(request: MemberRequest, pk: int) -> Presence:
    return owned_or_404(Presence, pk, workspace=request.workspace)


def _can_manage(request: MemberRequest) -> bool:
    return has_capability(request, Capability.PUBLISHING_MANAGE)


def _may_confirm(request: MemberRequest, presence: Presence) -> bool:
    """The member who answers there confirms it; managers may for anyone."""
    return presence.owner_id == request.user.pk or _can_manage(request)


@capability_required(Capability.PUBLISHING_VIEW)
def presence_list(request: MemberRequest) -> HttpResponse:
    presences = Presence.objects.filter(workspace=request.workspace).select_related("owner")
    mine = request.GET.get("filter") == FILTER_MINE
    if mine:
        presences = presences.filter(owner=request.user)
    now = timezone.now()
    rows = [{"presence": p, "overdue": shown(audit.presence_overdue(p, now))} for p in presences]
    context = {"rows": rows, "mine": mine, "can_manage": _can_manage(request)}
    return render(request, "publishing/reach/presence_list.html", context)


def _presence_form_page(request: MemberRequest, presence: Presence | None) -> HttpResponse:
    form = PresenceForm(request.POST or None, instance=presence, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            saved = reach_services.presence_save(workspace=request.workspace, presence=presence,
                                                 fields=form.fields_data())  # fmt: skip
        except ValidationError as error:
            field_errors(form, error, {})
        else:
            messages.success(request, _("Presence “%(name)s” saved.") % {"name": saved.name})
            return redirect("publishing:presence-detail", saved.pk)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "presence": presence}
    return render(request, "publishing/reach/presence_form.html", context, status=status)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def presence_new(request: MemberRequest) -> HttpResponse:
    return _presence_form_page(request, None)


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def presence_edit(request: MemberRequest, pk: int) -> HttpResponse:
    return _presence_form_page(request, _presence_found(request, pk))


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def presence_delete(request: MemberRequest, pk: int) -> HttpResponse:
    presence = _presence_found(request, pk)
    if request.method == "POST":
        presence.delete()
        messages.success(request, _("Presence “%(name)s” removed.") % {"name": presence.name})
        return redirect("publishing:presence-list")
    return render(request, "publishing/reach/presence_delete.html", {"presence": presence})


def _detail_context(request: MemberRequest, presence: Presence) -> dict[str, Any]:
    checks = list(presence.checks.order_by("-checked_at", "-pk")[:HISTORY_LIMIT])
    for check in checks:
        findings = check.findings if isinstance(check.findings, list) else []
        check.shown = shown(findings)  # type: ignore[attr-defined]
        check.phones_shown = [phone_shown(str(p)) for p in check.phones or []]  # type: ignore[attr-defined]
    return {
        "presence": presence, "latest": checks[0] if checks else None, "checks": checks,
        "overdue": shown(audit.presence_overdue(presence, timezone.now())),
        "can_manage": _can_manage(request), "may_confirm": _may_confirm(request, presence),
    }  # fmt: skip


@capability_required(Capability.PUBLISHING_VIEW)
def presence_detail(request: MemberRequest, pk: int) -> HttpResponse:
    presence = _presence_found(request, pk)
    context = _detail_context(request, presence)
    return render(request, "publishing/reach/presence_detail.html", context)


@capability_required(Capability.PUBLISHING_VIEW)
@require_POST
def presence_answered(request: MemberRequest, pk: int) -> HttpResponse:
    presence = _presence_found(request, pk)
    if not _may_confirm(request, presence):
        messages.error(request, _("Only the member who answers there can confirm this."))
    else:
        reach_services.presence_answered(presence=presence)
        messages.success(request, _("Noted: answered today."))
    return redirect("publishing:presence-detail", presence.pk)


@capability_required(Capability.PUBLISHING_VIEW)
@require_POST
def presence_check_now(request: MemberRequest, pk: int) -> HttpResponse:
    presence = _presence_found(request, pk)
    reach_services.presence_check_soon(presence=presence)
    messages.success(request, _("The check runs within a minute; reload this page then."))
    return redirect("publishing:presence-detail", presence.pk)


urlpatterns: list[URLPattern] = [
    path("publishing/presences/", presence_list, name="presence-list"),
    path("publishing/presences/new/", presence_new, name="presence-new"),
    path("publishing/presences/<id:pk>/", presence_detail, name="presence-detail"),
    path("publishing/presences/<id:pk>/edit/", presence_edit, name="presence-edit"),
    path("publishing/presences/<id:pk>/delete/", presence_delete, name="presence-delete"),
    path("publishing/presences/<id:pk>/answered/", presence_answered, name="presence-answered"),
    path("publishing/presences/<id:pk>/check/", presence_check_now, name="presence-check"),
]
