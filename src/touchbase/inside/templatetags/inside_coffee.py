"""The coffee card of the inside home page finds its own data: the page that includes it
passes no coffee context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from touchbase.core.capabilities import Capability, has_capability
from touchbase.inside import ama, selectors
from touchbase.inside.models import CoffeeParticipant

register = template.Library()


@dataclass(frozen=True)
class CoffeeCard:
    participant: CoffeeParticipant | None
    next: selectors.Coffee | None
    to_confirm: int


@register.simple_tag(takes_context=True)
def coffee_card(context: template.Context) -> CoffeeCard | None:
    """The signed-in member's coffee at a glance, or None for whoever may not take part."""
    request: Any = context.get("request")
    if request is None or not has_capability(request, Capability.INSIDE_TAKE_PART):
        return None
    workspace = request.workspace
    participant = selectors.coffee_participant(workspace=workspace, user=request.user)
    if participant is None:
        return CoffeeCard(participant=None, next=None, to_confirm=0)
    upcoming = selectors.coffee_next(participant=participant)[:1]
    minutes = ama.inside_settings(workspace=workspace).coffee_minutes
    rows = selectors.coffee_rows(participant=participant, groups=upcoming, minutes=minutes)
    return CoffeeCard(
        participant=participant,
        next=rows[0] if rows else None,
        to_confirm=selectors.to_confirm(participant=participant).count(),
    )
