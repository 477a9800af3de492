"""The card listening adds to the contact page and the call sheet: the customer's open feedback."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from touchbase.core.requests import MemberRequest
from touchbase.listening.queue import open_feedback
from touchbase.relationships.models import Contact


def open_feedback_panel(request: MemberRequest, contact: Contact) -> dict[str, Any]:
    """What the customer wrote that nobody answered yet, negative first, to raise on a call."""
    return {"feedback": open_feedback(contact=contact), "now": timezone.now()}
