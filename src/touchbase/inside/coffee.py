"""Virtual coffee: opting in and out, rounds, groups, invitations and the touchpoint.

A round is made for a day (the workspace's weekday, every week or every other week) two days
ahead, so the invitations arrive in time. Making a round for a day twice gives the same round.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.core.capabilities import Capability, roles_with
from touchbase.core.models import Membership, User, Workspace
from touchbase.core.signing import link_sign, link_verify
from touchbase.inside.ama import inside_settings
from touchbase.inside.choices import GroupState
from touchbase.inside.models import (
    CoffeeAbsence,
    CoffeeGroup,
    CoffeeParticipant,
    CoffeeRound,
    CoffeeSeat,
    InsideSettings,
)
from touchbase.inside.pairing import PairingInput, PairingResult, pair
from touchbase.relationships.choices import Channel
from touchbase.relationships.models import Account, Contact, Touchpoint
from touchbase.relationships.services import touchpoint_log

# A round is made this many days before its day.
ROUND_LEAD = dt.timedelta(days=2)
SHARED_LOOKBACK = dt.timedelta(days=365)
# An account with more people on it than this says nothing about who shares a customer.
SHARED_ACCOUNT_MAX_PEOPLE = 30
CUSTOMER_PURPOSE = "coffee-customer"
CUSTOMER_LINK_AGE = dt.timedelta(days=120)
TOUCHPOINT_SOURCE = "inside.coffee"


# --- taking part ------------------------------------------------------------------------------


@transaction.atomic
def coffee_join(*, workspace: Workspace, user: User) -> CoffeeParticipant:
    """A member opts in (again)."""
    participant, _created = CoffeeParticipant.objects.get_or_create(
        workspace=workspace, user=user, defaults={"active": True}
    )
    if not participant.active:
        participant.active = True
        participant.save(update_fields=["active"])
    return participant


@transaction.atomic
def coffee_customer_invite(
    *, workspace: Workspace, contact: Contact, by: User
) -> CoffeeParticipant:
    """Invite a customer: they take part once they accept by the link in the mail."""
    if not contact.email:
        raise ValidationError({"contact": _("This customer has no e-mail address.")})
    participant, created = CoffeeParticipant.objects.get_or_create(
        workspace=workspace, contact=contact, defaults={"active": False, "invited_by": by}
    )
    if not created and participant.active:
        raise ValidationError({"contact": _("This customer already takes part.")})
    participant.invited_by = by
    participant.save(update_fields=["invited_by"])
    from touchbase.inside.tasks import coffee_customer_invite_task

    participant_id = participant.pk
    transaction.on_commit(
        lambda: coffee_customer_invite_task.enqueue(participant_id=participant_id)
    )
    return participant


def customer_token(*, participant: CoffeeParticipant) -> str:
    return link_sign(
        purpose=CUSTOMER_PURPOSE,
        payload={"p": participant.pk, "n": participant.nonce},
        max_age=CUSTOMER_LINK_AGE,
    )


def customer_verify(*, workspace: Workspace, token: str) -> CoffeeParticipant:
    """The customer a coffee link is for; LinkInvalid or ValidationError else."""
    payload = link_verify(purpose=CUSTOMER_PURPOSE, token=token)
    participant = (
        CoffeeParticipant.objects.filter(
            workspace=workspace, pk=int(payload.get("p") or 0), contact__isnull=False
        )
        .select_related("contact")
        .first()
    )
    if participant is None or participant.nonce != payload.get("n"):
        raise ValidationError(_("This link has been withdrawn."))
    return participant


@transaction.atomic
def coffee_active_set(*, participant: CoffeeParticipant, active: bool) -> CoffeeParticipant:
    """Opt in or out; who opts out leaves the groups of rounds still ahead."""
    participant.active = active
    participant.save(update_fields=["active"])
    if not active:
        _leave_upcoming(participant, since=timezone.localdate())
    return participant


@transaction.atomic
def coffee_pause(*, participant: CoffeeParticipant, until: dt.date | None) -> CoffeeParticipant:
    """Pause until a day (None ends the pause); groups ahead on paused days are left."""
    today = timezone.localdate()
    if until is not None and until < today:
        raise ValidationError({"paused_until": _("Choose a day from today on.")})
    participant.paused_until = until
    participant.save(update_fields=["paused_until"])
    if until is not None:
        _leave_upcoming(participant, since=today, until=until)
    return participant


@transaction.atomic
def coffee_absence_add(
    *, participant: CoffeeParticipant, starts_on: dt.date, ends_on: dt.date
) -> CoffeeAbsence:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The absence must end on or after its first day.")})
    if (ends_on - starts_on).days > 366:
        raise ValidationError({"ends_on": _("An absence lasts at most a year.")})
    absence = CoffeeAbsence.objects.create(
        workspace_id=participant.workspace_id,
        participant=participant,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _leave_upcoming(participant, since=starts_on, until=ends_on)
    return absence


def _leave_upcoming(
    participant: CoffeeParticipant, *, since: dt.date, until: dt.date | None = None
) -> None:
    seats = CoffeeSeat.objects.filter(
        participant=participant,
        left_at=None,
        group__state=GroupState.PROPOSED,
        group__round__on__gte=max(since, timezone.localdate()),
    ).select_related("group")
    if until is not None:
        seats = seats.filter(group__round__on__lte=until)
    for seat in seats:
        seat_leave(seat=seat)


@transaction.atomic
def seat_leave(*, seat: CoffeeSeat) -> CoffeeGroup:
    """Someone leaves their group before the coffee. A group of three goes on as two; who is
    left alone joins another pair of the round as a third, or their group is cancelled. Those
    affected are told."""
    seat = CoffeeSeat.objects.select_for_update().select_related("group").get(pk=seat.pk)
    group = seat.group
    if seat.left_at is not None:
        return group
    seat.left_at = timezone.now()
    seat.save(update_fields=["left_at"])
    remaining = list(group.seats.filter(left_at=None).select_related("participant"))
    if len(remaining) >= 2:
        _tell_later("left", [s.pk for s in remaining])
        return group
    group.state = GroupState.CANCELLED
    group.save(update_fields=["state"])
    if remaining:
        alone = remaining[0]
        alone.left_at = timezone.now()
        alone.save(update_fields=["left_at"])
        moved = _move_into_other_group(alone.participant, group)
        _tell_later("moved" if moved else "cancelled", [moved.pk if moved else alone.pk])
    return group


def _move_into_other_group(participant: CoffeeParticipant, old: CoffeeGroup) -> CoffeeSeat | None:
    """A pair of the same round this person may join (not with a second customer, not with
    someone met recently), as its third."""
    recent = _recent_partners(old.workspace, participant_ids=[participant.pk])
    candidates = (
        CoffeeGroup.objects.filter(round=old.round, state=GroupState.PROPOSED)
        .exclude(pk=old.pk)
        .prefetch_related("seats__participant")
    )
    for group in candidates:
        seated = [s.participant for s in group.seats.all() if s.left_at is None]
        if len(seated) != 2:
            continue
        if participant.is_customer and any(p.is_customer for p in seated):
            continue
        if any(p.is_customer for p in seated) and not _works_with_customers(participant):
            continue
        if participant.is_customer and not all(_works_with_customers(p) for p in seated):
            continue
        if any(p.pk in recent.get(participant.pk, set()) for p in seated):
            continue
        return CoffeeSeat.objects.create(
            workspace_id=group.workspace_id, group=group, participant=participant
        )
    return None


def _works_with_customers(participant: CoffeeParticipant) -> bool:
    return (
        participant.user_id is not None
        and Membership.objects.filter(
            workspace_id=participant.workspace_id,
            user_id=participant.user_id,
            role__in=roles_with(Capability.CRM_VIEW),
        ).exists()
    )


def _tell_later(kind: str, seat_ids: list[int]) -> None:
    from touchbase.inside.tasks import coffee_change_mail_task

    transaction.on_commit(lambda: coffee_change_mail_task.enqueue(kind=kind, seat_ids=seat_ids))


# --- rounds -----------------------------------------------------------------------------------


def eligible(*, workspace: Workspace, on: dt.date) -> list[CoffeeParticipant]:
    """Who takes part in a round on this day: opted in, not paused or away, still a member
    (or a customer with an address)."""
    members = Membership.objects.filter(workspace=workspace).values("user_id")
    away = CoffeeAbsence.objects.filter(starts_on__lte=on, ends_on__gte=on).values("participant_id")
    return list(
        CoffeeParticipant.objects.filter(workspace=workspace, active=True)
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=on))
        .filter(Q(user_id__in=members) | (Q(contact__isnull=False) & ~Q(contact__email="")))
        .exclude(pk__in=away)
        .only("id", "workspace_id", "user_id", "contact_id")
    )


def _recent_partners(
    workspace: Workspace, *, rounds: int | None = None, participant_ids: Iterable[int] | None = None
) -> dict[int, set[int]]:
    """Who sat with whom in the last `rounds` rounds (the workspace's setting by default)."""
    if rounds is None:
        rounds = inside_settings(workspace=workspace).coffee_avoid_rounds
    if rounds <= 0:
        return {}
    last = CoffeeRound.objects.filter(workspace=workspace).aggregate(n=Max("number"))["n"] or 0
    return _partners(
        CoffeeSeat.objects.filter(
            workspace=workspace, group__round__number__gt=last - rounds
        ).exclude(group__state=GroupState.CANCELLED),
        participant_ids,
    )


def _partners(seats: Any, participant_ids: Iterable[int] | None = None) -> dict[int, set[int]]:
    by_group: dict[int, list[int]] = defaultdict(list)
    if participant_ids is not None:
        wanted = list(participant_ids)
        groups = seats.filter(participant_id__in=wanted).values("group_id")
        seats = seats.filter(group_id__in=groups)
    for group_id, participant_id in seats.values_list("group_id", "participant_id").iterator():
        by_group[group_id].append(participant_id)
    met: dict[int, set[int]] = defaultdict(set)
    for members in by_group.values():
        if len(members) == 2:  # nearly every group: the general way costs thrice as much
            first, second = members
            met[first].add(second)
            met[second].add(first)
            continue
        for person in members:
            met[person].update(other for other in members if other != person)
    return met


def _shared_customers(workspace: Workspace, people: list[CoffeeParticipant]) -> dict[int, set[int]]:
    """Colleagues who share customers: they own accounts or contacts of the same account, or
    logged a touchpoint with it in the last year."""
    by_user = {p.user_id: p.pk for p in people if p.user_id is not None}
    users = list(by_user)
    since = timezone.now() - SHARED_LOOKBACK
    pairs: set[tuple[int, int]] = set()
    pairs.update(
        Account.objects.filter(workspace=workspace, owner_id__in=users).values_list(
            "pk", "owner_id"
        )
    )
    pairs.update(
        Contact.objects.filter(workspace=workspace, owner_id__in=users, account__isnull=False)
        .values_list("account_id", "owner_id")
        .distinct()
    )
    pairs.update(
        Touchpoint.objects.filter(
            workspace=workspace,
            logged_by_id__in=users,
            occurred_at__gte=since,
            account__isnull=False,
        )
        .values_list("account_id", "logged_by_id")
        .distinct()
    )
    on_account: dict[int, set[int]] = defaultdict(set)
    for account_id, user_id in pairs:
        on_account[account_id].add(by_user[user_id])
    shared: dict[int, set[int]] = defaultdict(set)
    for people_on in on_account.values():
        if 2 <= len(people_on) <= SHARED_ACCOUNT_MAX_PEOPLE:
            for person in people_on:
                shared[person].update(people_on - {person})
    return shared


def pairing_input(
    *, workspace: Workspace, people: list[CoffeeParticipant], settings: InsideSettings
) -> PairingInput:
    ids = [p.pk for p in people]
    # Everyone's recent partners, not only those of the people here: nearly everyone takes
    # part, and a list of ten thousand ids would cost more than the few rows it leaves out.
    recent = _recent_partners(workspace, rounds=settings.coffee_avoid_rounds)
    shared: dict[int, set[int]] = {}
    ever: set[frozenset[int]] = set()
    if settings.coffee_prefer_shared:
        shared = _shared_customers(workspace, people)
        if shared:
            met = _partners(CoffeeSeat.objects.filter(workspace=workspace), list(shared))
            ever = {frozenset((a, b)) for a, others in met.items() for b in others}
    hosts = set(
        Membership.objects.filter(
            workspace=workspace, role__in=roles_with(Capability.CRM_VIEW)
        ).values_list("user_id", flat=True)
    )
    return PairingInput(
        may_meet_customers={p.pk for p in people if p.user_id in hosts},
        people=ids,
        customers={p.pk for p in people if p.is_customer},
        recent=recent,
        shared=shared,
        ever_met=ever,
    )


def round_starts_at(*, workspace: Workspace, on: dt.date, settings: InsideSettings) -> dt.datetime:
    return dt.datetime.combine(on, settings.coffee_time, tzinfo=workspace.zone)


@transaction.atomic
def coffee_round_make(
    *, workspace: Workspace, on: dt.date, rng: random.Random | None = None
) -> tuple[CoffeeRound, PairingResult | None]:
    """Group everyone taking part on this day and send the invitations; the same day twice
    gives the round already made."""
    existing = CoffeeRound.objects.filter(workspace=workspace, on=on).first()
    if existing is not None:
        return existing, None
    settings = inside_settings(workspace=workspace)
    people = eligible(workspace=workspace, on=on)
    result = pair(pairing_input(workspace=workspace, people=people, settings=settings), rng=rng)
    last = CoffeeRound.objects.filter(workspace=workspace).aggregate(n=Max("number"))["n"] or 0
    try:
        with transaction.atomic():
            round_ = CoffeeRound.objects.create(workspace=workspace, number=last + 1, on=on)
    except IntegrityError:  # another worker made it at the same moment
        return CoffeeRound.objects.get(workspace=workspace, on=on), None
    starts_at = round_starts_at(workspace=workspace, on=on, settings=settings)
    groups = CoffeeGroup.objects.bulk_create(
        [
            CoffeeGroup(
                workspace=workspace,
                round=round_,
                starts_at=starts_at,
                shared_customers=tuple(sorted(members)) in result.shared,
            )
            for members in result.groups
        ]
    )
    _seats_write(workspace, [
        (group.pk, person)
        for group, members in zip(groups, result.groups, strict=True)
        for person in members
    ])  # fmt: skip
    round_id = round_.pk
    from touchbase.inside.tasks import coffee_invites_task

    transaction.on_commit(lambda: coffee_invites_task.enqueue(round_id=round_id))
    return round_, result


def _seats_write(workspace: Workspace, seats: list[tuple[int, int]]) -> None:
    """Ten thousand seats in one statement run many times: building as many model objects
    for bulk_create took longer than the rest of a round together."""
    table = connection.ops.quote_name(CoffeeSeat._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (workspace_id, group_id, participant_id) VALUES (%s, %s, %s)",
            [(workspace.pk, group_id, participant_id) for group_id, participant_id in seats],
        )


def next_round_day(*, workspace: Workspace, today: dt.date) -> dt.date:
    """The day of the next round: every one or two weeks after the last, on the weekday."""
    settings = inside_settings(workspace=workspace)
    last = CoffeeRound.objects.filter(workspace=workspace).order_by("-on").first()
    earliest = today + ROUND_LEAD
    if last is not None:
        day = last.on + dt.timedelta(weeks=settings.coffee_every)
        day += dt.timedelta(days=(settings.coffee_weekday - day.weekday()) % 7)
        if day >= today:
            return day
        earliest = today
    return earliest + dt.timedelta(days=(settings.coffee_weekday - earliest.weekday()) % 7)


def coffee_rounds_due(*, today: dt.date | None = None) -> int:
    """Make the rounds whose day is two days or less ahead (the worker's periodic job)."""
    from touchbase.core.tenancy import scopes_disabled, workspace_scope

    made = 0
    with scopes_disabled():
        workspace_ids = list(
            CoffeeParticipant.objects.filter(active=True)
            .values_list("workspace_id", flat=True)
            .distinct()
        )
        workspaces = list(Workspace.objects.filter(pk__in=workspace_ids))
    for workspace in workspaces:
        with workspace_scope(workspace):
            local_today = today or timezone.localdate(timezone.now(), workspace.zone)
            day = next_round_day(workspace=workspace, today=local_today)
            if day - local_today <= ROUND_LEAD:
                _round, result = coffee_round_make(workspace=workspace, on=day)
                made += result is not None
    return made


# --- after the coffee -------------------------------------------------------------------------


@transaction.atomic
def group_confirm(*, group: CoffeeGroup, met: bool, by: User | None = None) -> CoffeeGroup:
    """Someone of the group says whether the coffee took place. A coffee with a customer then
    becomes a touchpoint on the customer's timeline (once, whoever confirms)."""
    group = CoffeeGroup.objects.select_for_update().get(pk=group.pk)
    if group.state == GroupState.CANCELLED:
        raise ValidationError(_("This coffee was cancelled."))
    if group.state == GroupState.MET:
        return group
    if timezone.now() < group.starts_at:
        raise ValidationError(_("The coffee has not taken place yet."))
    group.state = GroupState.MET if met else GroupState.SKIPPED
    group.confirmed_at = timezone.now()
    group.confirmed_by = by
    group.save(update_fields=["state", "confirmed_at", "confirmed_by"])
    if met:
        _record_touchpoints(group, by)
    return group


def _record_touchpoints(group: CoffeeGroup, by: User | None) -> None:
    seats = list(
        group.seats.filter(left_at=None).select_related("participant__contact", "participant__user")
    )
    hosts = Membership.objects.filter(
        workspace=group.workspace, role__in=roles_with(Capability.CRM_VIEW)
    ).values_list("user_id", flat=True)
    host_ids = set(hosts)
    colleagues = [
        s.participant.user
        for s in seats
        if s.participant.user is not None and s.participant.user_id in host_ids
    ]
    for seat in seats:
        contact = seat.participant.contact
        if contact is None:
            continue
        if Touchpoint.objects.filter(
            source_kind=TOUCHPOINT_SOURCE, source_id=group.pk, contact=contact
        ).exists():
            continue
        names = ", ".join(u.get_full_name() or u.get_username() for u in colleagues)
        touchpoint_log(
            workspace=group.workspace,
            channel=Channel.COFFEE,
            occurred_at=group.starts_at,
            logged_by=by,
            contact=contact,
            account=contact.account,
            summary=names,
            participants=colleagues,
            source_kind=TOUCHPOINT_SOURCE,
            source_id=group.pk,
        )


@transaction.atomic
def coffee_absence_remove(*, absence: CoffeeAbsence) -> None:
    """Take back a holiday; rounds already made stay as they are (the person can be grouped
    again from the next round on)."""
    absence.delete()
