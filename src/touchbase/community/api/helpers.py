"""API: helpers as the community manager sees them, and what only the manager may change.

The manager checks skills, sees the identity and verifies, blocks and unblocks; they may
correct radius, price, pause and coordinates, and the weekly availability and holidays. What
a helper says about themselves (name, address, about) is theirs to change on their own pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Schema

from touchbase.community import helpers as services
from touchbase.community.api.base import WallClock, router
from touchbase.community.choices import BookingState, Side
from touchbase.community.models import (
    MAX_HOURLY_PRICE,
    MAX_RADIUS_KM,
    Helper,
    HelperSkill,
    Rating,
    Skill,
)
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404, owned_ref

MAX_QUERY_LENGTH = 100


class HelperState(models.TextChoices):
    """Where a helper stands with the community manager."""

    WAITING = "waiting", gettext_lazy("Waiting for verification")
    VERIFIED = "verified", gettext_lazy("Verified")
    BLOCKED = "blocked", gettext_lazy("Blocked")


def helper_state(helper: Helper) -> HelperState:
    if helper.blocked_at is not None:
        return HelperState.BLOCKED
    return HelperState.VERIFIED if helper.verified_at is not None else HelperState.WAITING


class HelperOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    language: str
    country: str
    postal_code: str
    town: str
    radius_km: int
    hourly_price: Decimal
    time_zone: str
    state: HelperState = Field(description="waiting (not yet verified), verified or blocked")
    email_confirmed_at: dt.datetime | None
    verified_at: dt.datetime | None
    blocked_at: dt.datetime | None
    paused_until: dt.date | None = Field(description="No offers up to and including this day")
    created_at: dt.datetime

    @staticmethod
    def resolve_state(helper: Helper | dict[str, Any]) -> HelperState:
        # The detail arrives as a dict that carries its state already.
        return helper["state"] if isinstance(helper, dict) else helper_state(helper)


class HelperPage(Schema):
    items: list[HelperOut]
    next_offset: int | None


class HelperSkillOut(Schema):
    skill_id: int
    name_de: str
    name_en: str
    checked: bool = Field(description="Checked skills count for matching")
    checked_at: dt.datetime | None
    check_note: str


class AvailabilityOut(Schema):
    weekday: int = Field(description="0 is Monday")
    starts: dt.time = Field(description="Wall-clock time in the helper's time zone")
    ends: dt.time = Field(description="An end at or before the start runs past midnight")


class HolidayOut(Schema):
    first_day: dt.date
    last_day: dt.date


class HelperDetail(HelperOut):
    about: str
    latitude: float
    longitude: float
    terms_version: int
    terms_accepted_at: dt.datetime | None
    identity_checked_at: dt.datetime | None
    identity_note: str
    block_reason: str
    last_seen_at: dt.datetime | None
    skills: list[HelperSkillOut]
    availability: list[AvailabilityOut]
    holidays: list[HolidayOut]
    rating_average: float | None = Field(description="Stars the customers gave (1–5)")
    rating_count: int
    job_count: int = Field(description="Jobs done")
    escalated_count: int = Field(description="Jobs the helper could not solve")
    verification_missing: list[str] = Field(description="What keeps them from being verified")


class HelperFilters(PageParams):
    state: HelperState | None = None
    skill_id: int | None = Field(None, description="Helpers who named this skill")
    q: str = Field("", max_length=MAX_QUERY_LENGTH, description="Words in name, e-mail or town")


class HelperPatch(Schema):
    radius_km: int | None = Field(None, ge=1, le=MAX_RADIUS_KM)
    hourly_price: Decimal | None = Field(None, ge=0, le=MAX_HOURLY_PRICE, decimal_places=2)
    paused_until: dt.date | None = Field(None, description="null: offers again from today")
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)


class SkillCheckIn(Schema):
    note: str = Field(max_length=1000, description="How the skill was checked")


class VerifyIn(Schema):
    identity_note: str = Field(max_length=1000, description="Which identity document was seen")


class BlockIn(Schema):
    reason: str = Field(max_length=1000)


class AvailabilityIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 is Monday")
    starts: WallClock
    ends: WallClock


class AvailabilityReplaceIn(Schema):
    windows: list[AvailabilityIn] = Field(
        max_length=100, description=f"At most {services.MAX_WINDOWS} weekly windows"
    )


class HolidayIn(Schema):
    first_day: dt.date
    last_day: dt.date


class HolidaysReplaceIn(Schema):
    holidays: list[HolidayIn] = Field(
        max_length=500, description=f"At most {services.MAX_HOLIDAYS} holidays"
    )


def helper_row(request: MemberRequest, helper_id: int) -> Helper:
    return owned_or_404(Helper, helper_id, workspace=request.workspace)


def helper_detail(helper: Helper) -> dict[str, Any]:
    """The helper with skills, calendar, track record and what verification still needs."""
    rated = Rating.objects.filter(booking__helper=helper, by=Side.CUSTOMER).aggregate(
        average=Avg("stars"), count=Count("pk")
    )
    jobs = helper.bookings.aggregate(
        done=Count("pk", filter=Q(state=BookingState.DONE)),
        escalated=Count("pk", filter=Q(state=BookingState.ESCALATED)),
    )
    skills = helper.helper_skills.select_related("skill").order_by("skill__name_de", "pk")
    related = {"skills", "availability", "holidays"}
    fields = {field: getattr(helper, field) for field in HelperDetail.model_fields
              if field not in related and hasattr(helper, field)}  # fmt: skip
    return {
        **fields,
        "state": helper_state(helper),
        "skills": [
            {
                "skill_id": row.skill_id,
                "name_de": row.skill.name_de,
                "name_en": row.skill.name_en,
                "checked": row.checked_at is not None,
                "checked_at": row.checked_at,
                "check_note": row.check_note,
            }
            for row in skills
        ],  # fmt: skip
        "availability": list(helper.availability.values("weekday", "starts", "ends")),
        "holidays": list(helper.holidays.values("first_day", "last_day")),
        "rating_average": round(rated["average"], 2) if rated["average"] is not None else None,
        "rating_count": rated["count"],
        "job_count": jobs["done"],
        "escalated_count": jobs["escalated"],
        "verification_missing": []
        if helper.verified_at is not None
        else [str(text) for text in services.verification_missing(helper)],
    }


def _listed(request: MemberRequest, filters: HelperFilters) -> QuerySet[Helper]:
    rows = Helper.objects.filter(workspace=request.workspace)
    if filters.state == HelperState.WAITING:
        rows = rows.filter(verified_at=None, blocked_at=None)
    elif filters.state == HelperState.VERIFIED:
        rows = rows.filter(verified_at__isnull=False, blocked_at=None)
    elif filters.state == HelperState.BLOCKED:
        rows = rows.filter(blocked_at__isnull=False)
    if filters.skill_id is not None:
        skill = owned_ref(Skill, filters.skill_id, workspace=request.workspace, field="skill_id")
        rows = rows.filter(helper_skills__skill=skill)
    for word in filters.q.split()[:10]:
        rows = rows.filter(
            Q(name__icontains=word) | Q(email__icontains=word) | Q(town__icontains=word)
            | Q(postal_code__startswith=word)
        )  # fmt: skip
    return rows.order_by("name", "pk")


@router.get("/community/helpers", response=HelperPage,
            summary="Helpers by name; filter by state, skill and words")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def helper_list(request: MemberRequest, filters: Query[HelperFilters]) -> dict[str, Any]:
    rows = _listed(request, filters)
    return page_of_rows(list(rows[filters.offset : filters.offset + filters.limit + 1]), filters)


@router.get(
    "/community/helpers/{helper_id}", response=HelperDetail,
    summary="One helper: profile, skills, availability, holidays and track record",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def helper_get(request: MemberRequest, helper_id: Id) -> dict[str, Any]:
    return helper_detail(helper_row(request, helper_id))


@router.patch(
    "/community/helpers/{helper_id}", response=HelperDetail,
    summary="Correct a helper's radius, hourly price, pause or coordinates",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def helper_update(request: MemberRequest, helper_id: Id, payload: HelperPatch) -> dict[str, Any]:
    helper = helper_row(request, helper_id)
    fields = payload.dict(exclude_unset=True)
    empty = [name for name, value in fields.items() if value is None and name != "paused_until"]
    if empty:
        raise ValidationError({name: _("This field cannot be empty.") for name in empty})
    if fields:
        helper = services.helper_profile_save(helper=helper, fields=fields)
    return helper_detail(helper)


@router.post(
    "/community/helpers/{helper_id}/skills/{skill_id}/check", response=HelperDetail,
    summary="Record how one of the helper's skills was checked: then it counts for matching",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def helper_skill_check(
    request: MemberRequest, helper_id: Id, skill_id: Id, payload: SkillCheckIn
) -> dict[str, Any]:
    helper = helper_row(request, helper_id)
    helper_skill = HelperSkill.objects.filter(
        workspace=request.workspace, helper=helper, skill_id=skill_id
    ).first()
    if helper_skill is None:
        raise Http404(_("Not found."))
    services.skill_check(helper_skill=helper_skill, by=request.user, note=payload.note)
    return helper_detail(helper)


@router.post(
    "/community/helpers/{helper_id}/verify", response=HelperDetail,
    summary="Record the identity seen and verify the helper (422 says what is missing)",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def helper_verify(request: MemberRequest, helper_id: Id, payload: VerifyIn) -> dict[str, Any]:
    helper = helper_row(request, helper_id)
    helper = services.helper_verify(
        helper=helper, by=request.user, identity_note=payload.identity_note
    )
    return helper_detail(helper)


@router.post(
    "/community/helpers/{helper_id}/block", response=HelperDetail,
    summary="Block a helper: waiting offers go to the next helper, future bookings are "
    "cancelled and the customers told",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def helper_block(request: MemberRequest, helper_id: Id, payload: BlockIn) -> dict[str, Any]:
    helper = helper_row(request, helper_id)
    return helper_detail(services.helper_block(helper=helper, by=request.user,
                                               reason=payload.reason))  # fmt: skip


@router.post("/community/helpers/{helper_id}/unblock", response=HelperDetail,
             summary="Lift a helper's block")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def helper_unblock(request: MemberRequest, helper_id: Id) -> dict[str, Any]:
    helper = helper_row(request, helper_id)
    return helper_detail(services.helper_unblock(helper=helper, by=request.user))


@router.put(
    "/community/helpers/{helper_id}/availability", response=HelperDetail,
    summary="Replace the helper's weekly availability (wall-clock, the helper's time zone)",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def helper_availability(
    request: MemberRequest, helper_id: Id, payload: AvailabilityReplaceIn
) -> dict[str, Any]:
    helper = helper_row(request, helper_id)
    services.availability_replace(
        helper=helper,
        windows=[(window.weekday, window.starts, window.ends) for window in payload.windows],
    )
    return helper_detail(helper)


@router.put("/community/helpers/{helper_id}/holidays", response=HelperDetail,
            summary="Replace the helper's holidays (first and last day included)")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def helper_holidays(
    request: MemberRequest, helper_id: Id, payload: HolidaysReplaceIn
) -> dict[str, Any]:
    helper = helper_row(request, helper_id)
    services.holidays_replace(
        helper=helper, holidays=[(day.first_day, day.last_day) for day in payload.holidays]
    )
    return helper_detail(helper)
