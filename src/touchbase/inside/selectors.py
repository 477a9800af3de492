"""Reads of the inside area: question lists, sessions, follow-ups, coffee groups."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from touchbase.core.capabilities import Capability, role_has
from touchbase.core.models import Membership, User, Workspace
from touchbase.inside.choices import GroupState, QuestionState
from touchbase.inside.models import (
    AmaFollowUp,
    AmaParticipant,
    AmaQuestion,
    AmaSession,
    AmaVote,
    CoffeeGroup,
    CoffeeParticipant,
    CoffeeRound,
    CoffeeSeat,
)

LISTED_STATES = (QuestionState.OPEN, QuestionState.ANSWERED)


def can_moderate(*, session: AmaSession, membership: Membership | None) -> bool:
    """The session's leader, its moderators, and whoever may run AMAs in the workspace."""
    if membership is None or membership.workspace_id != session.workspace_id:
        return False
    if role_has(membership.role, Capability.INSIDE_MANAGE):
        return True
    user_id = membership.user_id
    return session.leader_id == user_id or session.moderators.filter(pk=user_id).exists()


def questions(*, session: AmaSession, moderator: bool = False) -> QuerySet[AmaQuestion]:
    """The list as participants see it: pinned first, then by votes, then oldest first.
    Moderators also see hidden questions (marked); merged ones live on in their target."""
    states = [*LISTED_STATES, QuestionState.HIDDEN] if moderator else list(LISTED_STATES)
    return (
        AmaQuestion.objects.filter(session=session, state__in=states)
        .select_related("author__user")
        .order_by("-pinned", "state", "-votes", "created_at", "pk")
    )


def answered(*, session: AmaSession) -> QuerySet[AmaQuestion]:
    """What stays as the session's page after it: the answered questions, most voted first."""
    return (
        AmaQuestion.objects.filter(session=session, state=QuestionState.ANSWERED)
        .select_related("author__user", "answered_by")
        .order_by("-votes", "answered_at", "pk")
    )


def voted_ids(*, participant: AmaParticipant | None) -> set[int]:
    if participant is None:
        return set()
    return set(
        AmaVote.objects.filter(participant=participant).values_list("question_id", flat=True)
    )


def session_fresh(*, session: AmaSession) -> int:
    """The list's version read again, with whether the session is closed, from one row: a list
    is kept under its version, so what it shows must be of that same moment."""
    # Deleted this very moment: the list as it was.
    with contextlib.suppress(AmaSession.DoesNotExist):
        session.refresh_from_db(fields=["version", "closed_at"])
    return session.version


@dataclass
class SessionLists:
    live: list[AmaSession]
    upcoming: list[AmaSession]
    past: list[AmaSession]


def sessions(*, workspace: Workspace, now: dt.datetime | None = None) -> SessionLists:
    now = now or timezone.now()
    rows = list(AmaSession.objects.filter(workspace=workspace).select_related("leader"))
    live = [s for s in rows if not s.is_closed and s.starts_at <= now]
    upcoming = sorted(
        (s for s in rows if not s.is_closed and s.starts_at > now), key=lambda s: s.starts_at
    )
    past = [s for s in rows if s.is_closed]
    return SessionLists(live=live, upcoming=upcoming, past=past)


def follow_ups(
    *, workspace: Workspace, owner: User | None = None, open_only: bool = True
) -> QuerySet[AmaFollowUp]:
    found = AmaFollowUp.objects.filter(workspace=workspace).select_related(
        "owner", "question__session", "question__author__user"
    )
    if owner is not None:
        found = found.filter(owner=owner)
    if open_only:
        found = found.filter(done_at=None)
    return found.order_by("due_on", "pk")


def coffee_participant(*, workspace: Workspace, user: User) -> CoffeeParticipant | None:
    return CoffeeParticipant.objects.filter(workspace=workspace, user=user).first()


def upcoming_seats(
    *, participant: CoffeeParticipant, today: dt.date | None = None
) -> QuerySet[CoffeeSeat]:
    """The participant's groups from today on that are still to happen."""
    today = today or timezone.localdate()
    return (
        CoffeeSeat.objects.filter(
            participant=participant,
            left_at=None,
            group__state=GroupState.PROPOSED,
            group__round__on__gte=today,
        )
        .select_related("group__round")
        .prefetch_related("group__seats__participant__user", "group__seats__participant__contact")
        .order_by("group__round__on")
    )


def to_confirm(*, participant: CoffeeParticipant) -> QuerySet[CoffeeGroup]:
    """Groups of this participant whose time has passed and nobody said whether they met."""
    return (
        CoffeeGroup.objects.filter(
            seats__participant=participant,
            seats__left_at=None,
            state=GroupState.PROPOSED,
            starts_at__lt=timezone.now(),
        )
        .select_related("round")
        .prefetch_related("seats__participant__user", "seats__participant__contact")
        .distinct()
    )


def coffee_participants(*, workspace: Workspace) -> QuerySet[CoffeeParticipant]:
    return (
        CoffeeParticipant.objects.filter(workspace=workspace)
        .select_related("user", "contact", "invited_by")
        .order_by("-active", "contact_id", "user__last_name", "pk")
    )


def customer_groups(*, participant: CoffeeParticipant) -> QuerySet[CoffeeGroup]:
    return (
        CoffeeGroup.objects.filter(seats__participant=participant)
        .exclude(Q(state=GroupState.CANCELLED))
        .select_related("round")
        .prefetch_related("seats__participant__user")
        .order_by("-starts_at")
        .distinct()
    )


# --- the coffee pages -------------------------------------------------------------------------

COFFEE_HISTORY_ROWS = 20
COFFEE_ROUNDS_SHOWN = 8
SEATED = ("seats__participant__user", "seats__participant__contact")


@dataclass(frozen=True)
class Coffee:
    """One coffee as a participant sees it: the group, their seat, who else sits in it."""

    group: CoffeeGroup
    seat: CoffeeSeat | None
    others: list[CoffeeParticipant]
    ends_at: dt.datetime


def coffee_rows(
    *, participant: CoffeeParticipant, groups: list[CoffeeGroup], minutes: int
) -> list[Coffee]:
    """The groups with the participant's own seat and the others still seated; the groups'
    seats must be prefetched (SEATED)."""
    rows = []
    for group in groups:
        seated = [seat for seat in group.seats.all() if seat.left_at is None]
        mine = next((seat for seat in seated if seat.participant_id == participant.pk), None)
        others = [seat.participant for seat in seated if seat.participant_id != participant.pk]
        ends_at = group.starts_at + dt.timedelta(minutes=minutes)
        rows.append(Coffee(group=group, seat=mine, others=others, ends_at=ends_at))
    return rows


def coffee_next(*, participant: CoffeeParticipant) -> list[CoffeeGroup]:
    """The participant's coffees still ahead (the time not yet passed), soonest first."""
    return list(
        CoffeeGroup.objects.filter(
            seats__participant=participant,
            seats__left_at=None,
            state=GroupState.PROPOSED,
            starts_at__gt=timezone.now(),
        )
        .select_related("round")
        .prefetch_related(*SEATED)
        .order_by("starts_at", "pk")
        .distinct()
    )


def coffee_history(
    *, participant: CoffeeParticipant, limit: int = COFFEE_HISTORY_ROWS
) -> list[CoffeeGroup]:
    """The participant's coffees somebody confirmed (took place or not), latest first."""
    return list(
        CoffeeGroup.objects.filter(
            seats__participant=participant,
            seats__left_at=None,
            state__in=[GroupState.MET, GroupState.SKIPPED],
        )
        .select_related("round")
        .prefetch_related(*SEATED)
        .order_by("-starts_at", "-pk")
        .distinct()[:limit]
    )


def coffee_rounds(*, workspace: Workspace, limit: int = COFFEE_ROUNDS_SHOWN) -> list[CoffeeRound]:
    """The latest rounds with their groups and who sits in them, for the managers' page."""
    return list(
        CoffeeRound.objects.filter(workspace=workspace)
        .prefetch_related("groups__seats__participant__user", "groups__seats__participant__contact")
        .order_by("-on")[:limit]
    )


def customer_participant(*, workspace: Workspace, contact_id: int) -> CoffeeParticipant | None:
    """The customer's place in virtual coffee, if a member ever invited them."""
    return (
        CoffeeParticipant.objects.filter(workspace=workspace, contact_id=contact_id)
        .select_related("invited_by")
        .first()
    )


def session_rows(
    *, workspace: Workspace, when: str | None = None, now: dt.datetime | None = None
) -> QuerySet[AmaSession]:
    """Sessions as the API pages them, split like `sessions`: live (started, not closed),
    upcoming (soonest first) or past (closed, latest first); all of them latest first."""
    now = now or timezone.now()
    rows = AmaSession.objects.filter(workspace=workspace).select_related("leader")
    if when == "live":
        return rows.filter(closed_at=None, starts_at__lte=now).order_by("-starts_at", "-pk")
    if when == "upcoming":
        return rows.filter(closed_at=None, starts_at__gt=now).order_by("starts_at", "pk")
    if when == "past":
        rows = rows.filter(closed_at__isnull=False)
    return rows.order_by("-starts_at", "-pk")
