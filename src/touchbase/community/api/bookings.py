"""API: bookings — the agreed jobs — cancelled for a side, finished (done or escalated) with
the price paid beside the technician's, and the ratings both sides gave."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Query, Schema

from touchbase.community import bookings as services
from touchbase.community.api.base import BookingBrief, router
from touchbase.community.choices import BookingState, Side
from touchbase.community.models import Booking, Helper, Rating
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404, owned_ref


class BookingOut(BookingBrief):
    skill_name: str = Field(description="The topic in the caller's language")
    customer_name: str
    town: str
    notes: str = Field(description="The helper's notes from the job")
    saving: Decimal | None = Field(description="Technician's price minus the price paid")
    reminded_at: dt.datetime | None
    touchpoint_id: int | None = Field(description="The help on the customer's timeline")

    @staticmethod
    def resolve_skill_name(booking: Booking) -> str:
        return str(booking.request.skill)

    @staticmethod
    def resolve_customer_name(booking: Booking) -> str:
        return booking.request.name

    @staticmethod
    def resolve_town(booking: Booking) -> str:
        return booking.request.town

    @staticmethod
    def resolve_saving(booking: Booking) -> Decimal | None:
        if booking.price_paid is None or booking.technician_price is None:
            return None
        return booking.technician_price - booking.price_paid


class BookingPage(Schema):
    items: list[BookingOut]
    next_offset: int | None


class BookingFilters(PageParams):
    state: BookingState | None = None
    helper_id: int | None = None


class BookingCancelIn(Schema):
    side: Side = Field(description="The side the manager cancels for")
    reason: str = Field(max_length=1000, description="Told to the other side")


class BookingFinishIn(Schema):
    solved: bool = Field(description="false escalates the job to the company's support")
    notes: str = Field("", max_length=10000, description="Required when not solved")
    price_paid: Decimal | None = Field(
        None, ge=0, le=services.MAX_PRICE_PAID, decimal_places=2, description="In euros"
    )


class RatingOut(Schema):
    id: int
    by: Side = Field(description="The side that gave the rating")
    stars: int
    comment: str
    created_at: dt.datetime


def booking_row(request: MemberRequest, booking_id: int) -> Booking:
    rows = Booking.objects.select_related("helper", "request__skill")
    return owned_or_404(rows, booking_id, workspace=request.workspace)


def _listed(request: MemberRequest, filters: BookingFilters) -> QuerySet[Booking]:
    rows = Booking.objects.filter(workspace=request.workspace)
    if filters.state is not None:
        rows = rows.filter(state=filters.state)
    if filters.helper_id is not None:
        helper = owned_ref(Helper, filters.helper_id, workspace=request.workspace,
                           field="helper_id")  # fmt: skip
        rows = rows.filter(helper=helper)
    return rows.select_related("helper", "request__skill").order_by("-starts_at", "-pk")


@router.get("/community/bookings", response=BookingPage,
            summary="Bookings, latest job first; filter by state and helper")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def booking_list(request: MemberRequest, filters: Query[BookingFilters]) -> dict[str, Any]:
    rows = _listed(request, filters)
    return page_of_rows(list(rows[filters.offset : filters.offset + filters.limit + 1]), filters)


@router.get("/community/bookings/{booking_id}", response=BookingOut, summary="One booking")
@api_capability(Capability.COMMUNITY_MANAGE)
def booking_get(request: MemberRequest, booking_id: Id) -> Booking:
    return booking_row(request, booking_id)


@router.post(
    "/community/bookings/{booking_id}/cancel", response=BookingOut,
    summary="Cancel a confirmed booking on behalf of a side; the other side is told. The "
    "helper cancelling opens the request again",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def booking_cancel(request: MemberRequest, booking_id: Id, payload: BookingCancelIn) -> Booking:
    booking = booking_row(request, booking_id)
    services.booking_cancel(booking=booking, side=payload.side, reason=payload.reason)
    return booking_row(request, booking_id)


@router.post(
    "/community/bookings/{booking_id}/finish", response=BookingOut,
    summary="Close a started job: done with the price paid, or not solved and escalated to "
    "support (a due touchpoint on the customer)",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def booking_finish(request: MemberRequest, booking_id: Id, payload: BookingFinishIn) -> Booking:
    booking = booking_row(request, booking_id)
    services.booking_finish(
        booking=booking, solved=payload.solved, notes=payload.notes,
        price_paid=payload.price_paid, by=request.user,
    )  # fmt: skip
    return booking_row(request, booking_id)


@router.get("/community/bookings/{booking_id}/ratings", response=list[RatingOut],
            summary="The ratings of a booking: at most one per side")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def booking_ratings(request: MemberRequest, booking_id: Id) -> list[Rating]:
    booking = booking_row(request, booking_id)
    return list(booking.ratings.order_by("created_at", "pk"))
