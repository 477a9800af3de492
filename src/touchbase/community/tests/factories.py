"""Rows for community tests: plain functions with sensible defaults, keyword arguments only.

Everything happens in Munich (Marienplatz, `MUNICH`) unless told otherwise; helpers are free
every day from 08:00 to 20:00 in Europe/Berlin; requests are confirmed and open. Times are UTC
datetimes; pass `availability=[(weekday, "18:00", "20:00"), ...]` in the helper's wall-clock.
These functions write rows directly (no services, no mails): use the services where the test is
about them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import timezone

from touchbase.community.choices import BookingState, OfferState, RequestState, Side
from touchbase.community.models import (
    Availability,
    BookedHour,
    Booking,
    Helper,
    HelperSkill,
    HelpRequest,
    Holiday,
    Offer,
    Rating,
    RequestWindow,
    Skill,
)
from touchbase.core.models import Workspace

MUNICH = (48.1374, 11.5755)
EVERY_DAY = [(weekday, "08:00", "20:00") for weekday in range(7)]
_numbers = itertools.count(1)


def _time(value: str | dt.time) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


def utc(*args: int) -> dt.datetime:
    """utc(2026, 3, 28, 17) — an aware UTC datetime."""
    return dt.datetime(*args, tzinfo=dt.UTC)  # type: ignore[misc]


def make_skill(workspace: Workspace, *, name: str = "", hours: Decimal | str = "1.0",
               technician_price: Decimal | str = "80") -> Skill:  # fmt: skip
    """A skill (German and English name the same unless it matters)."""
    name = name or f"Skill {next(_numbers)}"
    return Skill.objects.create(workspace=workspace, name_de=name, name_en=name,
                                hours=Decimal(hours),
                                technician_price=Decimal(technician_price))  # fmt: skip


def make_helper(
    workspace: Workspace,
    *,
    name: str = "",
    email: str = "",
    verified: bool = True,
    skills: Sequence[Skill] = (),
    checked: bool = True,
    availability: Iterable[tuple[int, str | dt.time, str | dt.time]] | None = None,
    holidays: Iterable[tuple[dt.date, dt.date]] = (),
    location: tuple[float, float] = MUNICH,
    radius_km: int = 20,
    hourly_price: Decimal | str = "20",
    time_zone: str = "Europe/Berlin",
    **fields: object,
) -> Helper:
    """A helper with skills (checked unless `checked=False`), weekly availability and holidays.

    `availability=None` means every day 08:00–20:00; pass `[]` for none. Extra model fields
    (blocked_at, paused_until, phone …) go through `fields`."""
    number = next(_numbers)
    now = timezone.now()
    helper = Helper.objects.create(
        workspace=workspace, name=name or f"Helper {number}",
        email=email or f"helper{number}@example.com", postal_code="80331", town="München",
        latitude=location[0], longitude=location[1], radius_km=radius_km,
        hourly_price=Decimal(hourly_price), time_zone=time_zone,
        verified_at=now if verified else None, terms_version=1, terms_accepted_at=now,
        email_confirmed_at=now, **fields,
    )  # fmt: skip
    HelperSkill.objects.bulk_create([
        HelperSkill(workspace=workspace, helper=helper, skill=skill,
                    checked_at=now if checked else None)
        for skill in skills
    ])  # fmt: skip
    Availability.objects.bulk_create([
        Availability(workspace=workspace, helper=helper, weekday=weekday, starts=_time(starts),
                     ends=_time(ends))
        for weekday, starts, ends in (EVERY_DAY if availability is None else availability)
    ])  # fmt: skip
    Holiday.objects.bulk_create([
        Holiday(workspace=workspace, helper=helper, first_day=first, last_day=last)
        for first, last in holidays
    ])  # fmt: skip
    return helper


def make_request(
    workspace: Workspace,
    *,
    skill: Skill,
    windows: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    location: tuple[float, float] = MUNICH,
    budget: Decimal | str | None = None,
    state: str = RequestState.OPEN,
    **fields: object,
) -> HelpRequest:
    """A confirmed (unless `confirmed_at=None`), open help request with its windows (UTC)."""
    number = next(_numbers)
    request = HelpRequest.objects.create(
        workspace=workspace, name=f"Customer {number}", email=f"customer{number}@example.com",
        skill=skill, postal_code="80331", town="München", latitude=location[0],
        longitude=location[1], budget=None if budget is None else Decimal(budget), state=state,
        **{"confirmed_at": timezone.now(), **fields},
    )  # fmt: skip
    RequestWindow.objects.bulk_create([
        RequestWindow(workspace=workspace, request=request, starts_at=begin, ends_at=end)
        for begin, end in windows
    ])  # fmt: skip
    return request


def make_booking(
    *,
    request: HelpRequest,
    helper: Helper,
    starts_at: dt.datetime,
    hours: int = 1,
    state: str = BookingState.CONFIRMED,
) -> Booking:
    """A booking; a confirmed one holds its hours (BookedHour rows) as the services do."""
    booking = Booking.objects.create(
        workspace=request.workspace, request=request, helper=helper, starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours), state=state,
        finished_at=timezone.now() if state == BookingState.DONE else None,
    )  # fmt: skip
    if state == BookingState.CONFIRMED:
        BookedHour.objects.bulk_create([
            BookedHour(workspace=request.workspace, booking=booking, helper=helper,
                       hour=starts_at + dt.timedelta(hours=index))
            for index in range(hours)
        ])  # fmt: skip
    return booking


def make_done_jobs(*, helper: Helper, skill: Skill, count: int,
                   stars: Sequence[int] = ()) -> list[Booking]:  # fmt: skip
    """`count` finished jobs of the helper with this skill, rated by the customers with `stars`."""
    bookings = []
    start = utc(2025, 1, 6, 9)
    for index in range(count):
        request = make_request(helper.workspace, skill=skill, state=RequestState.DONE)
        bookings.append(make_booking(request=request, helper=helper, state=BookingState.DONE,
                                     starts_at=start + dt.timedelta(days=index)))  # fmt: skip
    for booking, given in zip(bookings, stars, strict=False):
        Rating.objects.create(workspace=helper.workspace, booking=booking, by=Side.CUSTOMER,
                              stars=given)  # fmt: skip
    return bookings


def make_offer(
    *,
    request: HelpRequest,
    helper: Helper,
    state: str = OfferState.PENDING,
    starts_at: dt.datetime | None = None,
    answered_after: dt.timedelta | None = None,
) -> Offer:
    """An offer of the request to the helper; `answered_after` sets when it was answered."""
    starts_at = starts_at or utc(2030, 1, 7, 9)
    offer = Offer.objects.create(
        workspace=request.workspace, request=request, helper=helper, starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1), state=state,
        deadline_at=timezone.now() + dt.timedelta(hours=24),
    )  # fmt: skip
    if answered_after is not None:
        Offer.objects.filter(pk=offer.pk).update(answered_at=offer.created_at + answered_after)
        offer.refresh_from_db()
    return offer
