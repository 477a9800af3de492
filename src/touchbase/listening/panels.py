"""The cards listening adds to the contact page and the call sheet: the customer's open
feedback, and their review invitations with the way to record a delivery."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from touchbase.core.capabilities import Capability, has_capability
from touchbase.core.requests import MemberRequest
from touchbase.listening.forms import DeliveryForm
from touchbase.listening.models import ReviewInvitation
from touchbase.listening.queue import open_feedback
from touchbase.relationships.models import Contact

PANEL_ROWS = 5
# The contact page holds other cards' forms: field ids and names stay apart.
DELIVERY_PREFIX = "delivery"


def open_feedback_panel(request: MemberRequest, contact: Contact) -> dict[str, Any]:
    """What the customer wrote that nobody answered yet, negative first, to raise on a call."""
    return {"feedback": open_feedback(contact=contact), "now": timezone.now()}


def invitation_panel(request: MemberRequest, contact: Contact) -> dict[str, Any]:
    """The contact's last invitations, and the form to record a delivery (which invites)."""
    invitations = (
        ReviewInvitation.objects.filter(workspace=request.workspace, contact=contact)
        .select_related("product")
        .order_by("-created_at", "-id")[:PANEL_ROWS]
    )
    form = None
    if has_capability(request, Capability.CRM_EDIT):
        form = DeliveryForm(workspace=request.workspace, prefix=DELIVERY_PREFIX)
    return {"invitations": list(invitations), "form": form}
