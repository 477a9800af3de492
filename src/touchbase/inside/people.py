"""What the inside area holds on a customer or a member: export, erasure, a member leaving."""

from __future__ import annotations

from typing import Any

from touchbase.inside import coffee
from touchbase.inside.models import AmaParticipant, AmaQuestion, CoffeeParticipant


def contact_export(contact: Any) -> dict[str, Any]:
    """A customer's coffee participation and AMA places; anonymous questions are nobody's."""
    places = AmaParticipant.objects.filter(contact=contact).select_related("session")
    coffee_rows = CoffeeParticipant.objects.filter(contact=contact)
    return {
        "coffee": [
            {
                "active": p.active,
                "paused_until": p.paused_until and p.paused_until.isoformat(),
                "joined_at": p.joined_at.isoformat(),
                "groups": [
                    {"on": s.group.round.on.isoformat(), "state": s.group.state}
                    for s in p.seats.select_related("group__round")
                ],
            }
            for p in coffee_rows
        ],
        "ama": [
            {
                "session": place.session.title,
                "name": place.name,
                "email": place.email,
                "questions": list(
                    AmaQuestion.objects.filter(author=place).values_list("text", flat=True)
                ),
            }
            for place in places
        ],
    }


def contact_erase(contact: Any) -> None:
    """Forget the customer here: coffee participation goes (leaving groups ahead), their named
    questions lose their author, guest places lose name and address."""
    for participant in CoffeeParticipant.objects.filter(contact=contact):
        coffee.coffee_active_set(participant=participant, active=False)
        participant.delete()
    AmaParticipant.objects.filter(contact=contact).update(name="", email="", contact=None)


def member_changed(*, membership: Any, removed: bool) -> None:
    """A member who leaves leaves coffee too (groups ahead included)."""
    if not removed:
        return
    participant = CoffeeParticipant.objects.filter(
        workspace=membership.workspace, user=membership.user
    ).first()
    if participant is not None and participant.active:
        coffee.coffee_active_set(participant=participant, active=False)
