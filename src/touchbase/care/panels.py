"""The cards data care adds to the contact page and the call sheet."""

from __future__ import annotations

from typing import Any

from touchbase.care import selectors
from touchbase.care.forms import ConsentForm
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
