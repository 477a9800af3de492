"""The cards data care adds to the contact page and the call sheet."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from touchbase.care import selectors
from touchbase.care.forms import ConsentForm
from touchbase.care.models import DuplicateCandidate
from touchbase.core.requests import MemberRequest
from touchbase.core.timeutil import local_today
from touchbase.relationships.models import Contact


def consent_panel(request: MemberRequest, contact: Contact) -> dict[str, Any]:
    """Consent history with the form to record a change, and the bounce button."""
    consents = contact.consents.select_related("recorded_by").order_by("-recorded_at", "-id")
    return {"consents": list(consents), "form": ConsentForm()}


def voucher_panel(request: MemberRequest, contact: Contact) -> dict[str, Any]:
    """The contact's vouchers, with the way to issue another."""
    return {"vouchers": list(contact.vouchers.order_by("-issued_at"))}


def personal_data_panel(request: MemberRequest, contact: Contact) -> dict[str, Any]:
    return {}


def advice_panel(request: MemberRequest, contact: Contact) -> dict[str, Any]:
    """Regional advice valid today for where the contact lives."""
    today = local_today(request.workspace.zone)
    return {"advice": list(selectors.advice_for(contact=contact, today=today))}


def duplicate_panel(request: MemberRequest, contact: Contact) -> dict[str, Any]:
    """Who the last duplicate search thought might be the same person, to compare and merge."""
    candidates = (
        DuplicateCandidate.objects.filter(workspace=request.workspace, is_dismissed=False)
        .filter(Q(first_contact=contact) | Q(second_contact=contact))
        .select_related("first_contact", "second_contact")
        .order_by("-score")[:5]
    )
    return {
        "candidates": [
            (candidate, candidate.second_contact
             if candidate.first_contact_id == contact.pk else candidate.first_contact)
            for candidate in candidates
        ]
    }  # fmt: skip
