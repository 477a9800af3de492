"""The card community help adds to the contact page: the customer's help requests and a way
to ask a helper for them (register in CommunityConfig.ready, capability community.manage)."""

from __future__ import annotations

from typing import Any

from touchbase.community.models import HelpRequest
from touchbase.core.requests import MemberRequest
from touchbase.relationships.models import Contact

PANEL_ROWS = 5


def help_requests_panel(request: MemberRequest, contact: Contact) -> dict[str, Any]:
    """The contact's latest help requests (theirs, or from their address)."""
    rows = HelpRequest.objects.filter(workspace=request.workspace, contact=contact)
    return {
        "help_requests": list(
            rows.select_related("skill").order_by("-created_at", "-pk")[:PANEL_ROWS]
        )
    }
