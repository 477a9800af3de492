"""The card virtual coffee adds to a customer's page: whether they take part, their next and
past coffees, and the invitation (registered in InsideConfig.ready)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from touchbase.core.requests import MemberRequest
from touchbase.inside import ama, selectors
from touchbase.inside.models import CoffeeParticipant
from touchbase.relationships.models import Contact

PANEL_ROWS = 5


@dataclass(frozen=True)
class CoffeePanel:
    participant: CoffeeParticipant | None
    upcoming: list[selectors.Coffee] = field(default_factory=list)
    past: list[selectors.Coffee] = field(default_factory=list)
    can_invite: bool = False


def coffee_panel(request: MemberRequest, contact: Contact) -> dict[str, Any]:
    """The customer's coffees: the panel's template reads them as panel.coffee."""
    participant = selectors.customer_participant(workspace=request.workspace, contact_id=contact.pk)
    can_invite = bool(contact.email) and (participant is None or not participant.active)
    if participant is None:
        return {"coffee": CoffeePanel(participant=None, can_invite=can_invite)}
    minutes = ama.inside_settings(workspace=request.workspace).coffee_minutes
    upcoming = selectors.coffee_next(participant=participant)[:PANEL_ROWS]
    past = selectors.coffee_history(participant=participant, limit=PANEL_ROWS)
    return {
        "coffee": CoffeePanel(
            participant=participant,
            upcoming=selectors.coffee_rows(
                participant=participant, groups=upcoming, minutes=minutes
            ),
            past=selectors.coffee_rows(participant=participant, groups=past, minutes=minutes),
            can_invite=can_invite,
        )
    }
