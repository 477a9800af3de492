"""Review invitations for the team: the list with its figures, the settings, a delivery."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.core.capabilities import Capability, capability_required
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.listening import invitations, selectors, services
from touchbase.listening.choices import InvitationSkip, InvitationStatus
from touchbase.listening.forms import DeliveryForm, InvitationSettingsForm
from touchbase.listening.panels import DELIVERY_PREFIX
from touchbase.relationships.models import Contact

PAGE_SIZE = 100
PERIODS = (30, 90, 365)


def _list_context(
    request: MemberRequest, form: InvitationSettingsForm | None = None
) -> dict[str, Any]:
    days = _period(request.GET.get("days", ""))
    status = request.GET.get("status", "")
    status = status if status in InvitationStatus.values else ""
    page = _page(request.GET.get("page", ""))
    rows = selectors.invitation_list(
        workspace=request.workspace, status=status, limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )  # fmt: skip
    figures = selectors.invitation_figures(
        workspace=request.workspace, since=timezone.now() - dt.timedelta(days=days)
    )
    settings = services.listening_settings(workspace=request.workspace)
    return {
        "invitations": rows[:PAGE_SIZE],
        "next_page": page + 1 if len(rows) > PAGE_SIZE else None,
        "previous_page": page - 1 if page > 1 else None,
        "figures": figures,
        "skip_reasons": [
            (InvitationSkip(reason).label, count)
            for reason, count in sorted(figures.skipped.items())
        ],
        "days": days,
        "periods": PERIODS,
        "status": status,
        "statuses": InvitationStatus.choices,
        "form": form
        or InvitationSettingsForm(
            initial={
                "invitations_enabled": settings.invitations_enabled,
                "invitation_gap_days": settings.invitation_gap_days,
            }
        ),
    }


def _period(value: str) -> int:
    return int(value) if value.isdigit() and int(value) in PERIODS else 90


def _page(value: str) -> int:
    return min(int(value), 10_000) if value.isdigit() and int(value) > 0 else 1


@capability_required(Capability.LISTENING_MANAGE)
def invitation_list(request: MemberRequest) -> HttpResponse:
    """Invitations offered, newest first, and how many were sent and answered."""
    return render(request, "listening/invitation_list.html", _list_context(request))


@capability_required(Capability.LISTENING_MANAGE)
@require_POST
def invitation_settings(request: MemberRequest) -> HttpResponse:
    form = InvitationSettingsForm(request.POST)
    if form.is_valid():
        try:
            invitations.invitation_settings_save(workspace=request.workspace, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("listening:invitation-list")
    context = _list_context(request, form)
    return render(request, "listening/invitation_list.html", context, status=422)


@capability_required(Capability.CRM_EDIT)
@require_POST
def delivery_record(request: MemberRequest, pk: int) -> HttpResponse:
    """From the contact page: a product was delivered; the customer is offered an invitation."""
    contact = owned_or_404(Contact, pk, workspace=request.workspace)
    form = DeliveryForm(request.POST, workspace=request.workspace, prefix=DELIVERY_PREFIX)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("relationships:contact-detail", contact.pk)
    try:
        invitation = invitations.delivery_record(
            workspace=request.workspace, contact=contact, product=form.cleaned_data["product"],
            delivered_at=form.cleaned_data["delivered_at"], by=request.user,
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if invitation.status == InvitationStatus.SKIPPED:
            messages.info(
                request,
                _("Delivery recorded; no invitation sent: %(reason)s.")
                % {"reason": invitation.get_skip_reason_display()},
            )
        else:
            messages.success(request, _("Delivery recorded; an invitation to rate is on its way."))
    return redirect("relationships:contact-detail", contact.pk)


urlpatterns = [
    path("listening/invitations/", invitation_list, name="invitation-list"),
    path("listening/invitations/settings/", invitation_settings, name="invitation-settings"),
    path("listening/contacts/<id:pk>/delivery/", delivery_record, name="delivery-record"),
]
