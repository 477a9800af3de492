"""API: virtual coffee — one's own participation, holidays and groups; for managers the
settings, who takes part, the rounds, and inviting customers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Status

from touchbase.core.api.errors import fields_named
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404, owned_ref
from touchbase.inside import ama, coffee, selectors
from touchbase.inside.api.base import group_out, name_of, router
from touchbase.inside.choices import GroupState
from touchbase.inside.models import (
    CoffeeAbsence,
    CoffeeGroup,
    CoffeeParticipant,
    CoffeeRound,
    CoffeeSeat,
    InsideSettings,
)
from touchbase.inside.schemas import (
    CoffeeActiveIn,
    CoffeeConfirmIn,
    CoffeeGroupOut,
    CoffeeHolidayIn,
    CoffeeHolidayOut,
    CoffeeInviteIn,
    CoffeeMeOut,
    CoffeeMyGroupsOut,
    CoffeeParticipantOut,
    CoffeeParticipantPage,
    CoffeePauseIn,
    CoffeeRoundOut,
    CoffeeRoundPage,
    InsideSettingsIn,
    InsideSettingsOut,
)
from touchbase.relationships.models import Contact

SEATS = ("seats__participant__user", "seats__participant__contact")


def _mine(request: MemberRequest) -> CoffeeParticipant | None:
    return selectors.coffee_participant(workspace=request.workspace, user=request.user)


def _mine_or_error(request: MemberRequest) -> CoffeeParticipant:
    participant = _mine(request)
    if participant is None:
        raise ValidationError(_("Opt in to virtual coffee first."))
    return participant


def _me_out(participant: CoffeeParticipant | None) -> dict[str, Any]:
    if participant is None:
        return {"taking_part": False, "paused_until": None, "holidays": [], "joined_at": None}
    holidays = CoffeeAbsence.objects.filter(participant=participant).order_by("starts_on", "pk")
    return {
        "taking_part": participant.active,
        "paused_until": participant.paused_until,
        "holidays": list(holidays),
        "joined_at": participant.joined_at,
    }


# --- one's own participation ------------------------------------------------------------------


@router.get("/inside/coffee/me", response=CoffeeMeOut,
            summary="Whether I take part in virtual coffee, my pause and holidays")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def coffee_me(request: MemberRequest) -> dict[str, Any]:
    return _me_out(_mine(request))


@router.put("/inside/coffee/me", response=CoffeeMeOut,
            summary="Opt in or out (out: I leave the groups ahead)")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def coffee_me_set(request: MemberRequest, payload: CoffeeActiveIn) -> dict[str, Any]:
    if payload.taking_part:
        return _me_out(coffee.coffee_join(workspace=request.workspace, user=request.user))
    participant = _mine(request)
    if participant is not None:
        participant = coffee.coffee_active_set(participant=participant, active=False)
    return _me_out(participant)


@router.put("/inside/coffee/me/pause", response=CoffeeMeOut,
            summary="Pause up to a day (null ends the pause)")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def coffee_me_pause(request: MemberRequest, payload: CoffeePauseIn) -> dict[str, Any]:
    participant = _mine_or_error(request)
    return _me_out(coffee.coffee_pause(participant=participant, until=payload.until))


@router.post("/inside/coffee/me/holidays", response={201: CoffeeHolidayOut},
             summary="Days I am away: no coffee on them")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def holiday_add(request: MemberRequest, payload: CoffeeHolidayIn) -> Status[CoffeeAbsence]:
    participant = _mine_or_error(request)
    absence = coffee.coffee_absence_add(participant=participant, starts_on=payload.starts_on,
                                        ends_on=payload.ends_on)  # fmt: skip
    return Status(201, absence)


@router.delete("/inside/coffee/me/holidays/{holiday_id}", response={204: None},
               summary="Take a holiday back")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def holiday_delete(request: MemberRequest, holiday_id: Id) -> Status[None]:
    absence = owned_or_404(CoffeeAbsence, holiday_id, workspace=request.workspace)
    participant = _mine(request)
    if participant is None or absence.participant_id != participant.pk:
        raise Http404(_("Not found."))  # another member's holiday is theirs alone
    coffee.coffee_absence_remove(absence=absence)
    return Status(204, None)


# --- one's own groups -------------------------------------------------------------------------


@router.get("/inside/coffee/me/groups", response=CoffeeMyGroupsOut,
            summary="My coffees ahead, and past ones nobody confirmed yet")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def my_groups(request: MemberRequest) -> dict[str, Any]:
    participant = _mine(request)
    if participant is None:
        return {"upcoming": [], "to_confirm": []}
    seats = selectors.upcoming_seats(participant=participant)
    return {
        "upcoming": [group_out(seat.group) for seat in seats],
        "to_confirm": [group_out(group) for group in selectors.to_confirm(participant=participant)],
    }


def _my_seat(request: MemberRequest, group_id: int) -> CoffeeSeat:
    """The caller's seat in a group of their workspace; someone else's group is 404."""
    group = owned_or_404(CoffeeGroup, group_id, workspace=request.workspace)
    seat = CoffeeSeat.objects.filter(
        group=group, participant__user=request.user, left_at=None
    ).first()
    if seat is None:
        raise Http404(_("Not found."))
    return seat


def _group(request: MemberRequest, group_id: int) -> dict[str, Any]:
    rows = CoffeeGroup.objects.select_related("round").prefetch_related(*SEATS)
    return group_out(owned_or_404(rows, group_id, workspace=request.workspace))


@router.post("/inside/coffee/groups/{group_id}/leave", response=CoffeeGroupOut,
             summary="Leave a coffee ahead (the others are told)")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def group_leave(request: MemberRequest, group_id: Id) -> dict[str, Any]:
    seat = _my_seat(request, group_id)
    group = seat.group
    if group.state != GroupState.PROPOSED or group.round.on < timezone.localdate():
        raise ValidationError(_("Only a coffee still ahead can be left."))
    coffee.seat_leave(seat=seat)
    return _group(request, group_id)


@router.post("/inside/coffee/groups/{group_id}/confirm", response=CoffeeGroupOut,
             summary="Say whether a past coffee took place")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def group_confirm(request: MemberRequest, group_id: Id, payload: CoffeeConfirmIn) -> dict[str, Any]:
    seat = _my_seat(request, group_id)
    coffee.group_confirm(group=seat.group, met=payload.met, by=request.user)
    return _group(request, group_id)


# --- managers ---------------------------------------------------------------------------------


@router.get("/inside/settings", response=InsideSettingsOut,
            summary="How the workspace runs virtual coffee and AMA follow-ups")  # fmt: skip
@api_capability(Capability.INSIDE_MANAGE)
def settings_get(request: MemberRequest) -> InsideSettings:
    return ama.inside_settings(workspace=request.workspace)


@router.put("/inside/settings", response=InsideSettingsOut,
            summary="Change how virtual coffee and AMA follow-ups run")  # fmt: skip
@api_capability(Capability.INSIDE_MANAGE)
def settings_put(request: MemberRequest, payload: InsideSettingsIn) -> InsideSettings:
    return ama.inside_settings_save(workspace=request.workspace, fields=payload.dict())


def _participant_out(participant: CoffeeParticipant) -> dict[str, Any]:
    return {
        "id": participant.pk,
        "customer": participant.is_customer,
        "user_id": participant.user_id,
        "contact_id": participant.contact_id,
        "name": participant.display_name,
        "active": participant.active,
        "paused_until": participant.paused_until,
        "invited_by_name": name_of(participant.invited_by),
        "joined_at": participant.joined_at,
    }


@router.get("/inside/coffee/participants", response=CoffeeParticipantPage,
            summary="Who takes part in virtual coffee, members and customers")  # fmt: skip
@api_capability(Capability.INSIDE_MANAGE)
def participant_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = selectors.coffee_participants(workspace=request.workspace)
    listed = page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)
    listed["items"] = [_participant_out(row) for row in listed["items"]]
    return listed


@router.post("/inside/coffee/invitations", response={201: CoffeeParticipantOut},
             summary="Invite a customer (contact id) to virtual coffee by mail")  # fmt: skip
@api_capability(Capability.INSIDE_MANAGE)
def customer_invite(request: MemberRequest, payload: CoffeeInviteIn) -> Status[dict[str, Any]]:
    contact = owned_ref(Contact, payload.contact_id, workspace=request.workspace,
                        field="contact_id")  # fmt: skip
    with fields_named(contact="contact_id"):
        participant = coffee.coffee_customer_invite(workspace=request.workspace,
                                                    contact=contact, by=request.user)  # fmt: skip
    return Status(201, _participant_out(participant))


def _rounds(request: MemberRequest) -> QuerySet[CoffeeRound]:
    groups = CoffeeGroup.objects.select_related("round").prefetch_related(*SEATS)
    return CoffeeRound.objects.filter(workspace=request.workspace).prefetch_related(
        Prefetch("groups", queryset=groups.order_by("pk"))
    )


def _round_out(round_: CoffeeRound) -> dict[str, Any]:
    return {"id": round_.pk, "number": round_.number, "on": round_.on,
            "created_at": round_.created_at,
            "groups": [group_out(group) for group in round_.groups.all()]}  # fmt: skip


@router.get("/inside/coffee/rounds", response=CoffeeRoundPage,
            summary="Coffee rounds, latest first, with their groups")  # fmt: skip
@api_capability(Capability.INSIDE_MANAGE)
def round_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = _rounds(request).order_by("-number")
    listed = page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)
    listed["items"] = [_round_out(row) for row in listed["items"]]
    return listed


@router.post(
    "/inside/coffee/rounds", response={200: CoffeeRoundOut, 201: CoffeeRoundOut},
    summary="Make the next round now and send its invitations (201); the round of that day "
    "exists already: 200 with it",
)  # fmt: skip
@api_capability(Capability.INSIDE_MANAGE)
def round_make(request: MemberRequest) -> Status[dict[str, Any]]:
    workspace = request.workspace
    today = timezone.localdate(timezone.now(), workspace.zone)
    day = coffee.next_round_day(workspace=workspace, today=today)
    round_, result = coffee.coffee_round_make(workspace=workspace, on=day)
    made = _rounds(request).get(pk=round_.pk)
    return Status(201 if result is not None else 200, _round_out(made))
