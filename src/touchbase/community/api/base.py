"""The community router, and what its operations share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Router, Schema
from pydantic import AfterValidator

from touchbase.community.choices import BookingState, OfferState
from touchbase.community.models import Booking, Offer

router = Router(tags=["community"])


def _wall_clock(value: dt.time) -> dt.time:
    """Availability is wall-clock time in the helper's zone: an offset has no meaning here
    (and SQLite cannot store one)."""
    if value.tzinfo is not None:
        raise ValueError("Give a time of day without a time zone.")
    return value


WallClock = Annotated[dt.time, AfterValidator(_wall_clock)]


class ConflictOut(Schema):
    """Refused because of the row's state: `detail` says why in words."""

    detail: str


class ReasonOut(Schema):
    code: str
    label: str
    points: float


class OfferOut(Schema):
    id: int
    request_id: int
    helper_id: int
    helper_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    score: float
    reasons: list[ReasonOut] = Field(description="The score's parts when the offer was made")
    state: OfferState
    deadline_at: dt.datetime = Field(description="The helper answers by then, else it expires")
    answered_at: dt.datetime | None
    decline_reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_helper_name(offer: Offer) -> str:
        return offer.helper.name


class BookingBrief(Schema):
    id: int
    request_id: int
    helper_id: int
    helper_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: BookingState
    cancelled_by: str = Field(description="customer or helper, when cancelled")
    cancel_reason: str
    price_paid: Decimal | None
    technician_price: Decimal | None = Field(description="A regular technician's price for it")
    finished_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_helper_name(booking: Booking) -> str:
        return booking.helper.name
