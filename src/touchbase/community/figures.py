"""The community manager's numbers: open requests by age, acceptance and response, ratings,
savings against the technician's price, twelve months of figures and the helpers to thank.

Everything is counted by the database (aggregates over indexed columns), in a fixed number of
queries whatever the workspace's size; the lists are bounded (12 months, 5 helpers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from touchbase.community.choices import (
    BookingState,
    OfferState,
    ReportState,
    RequestState,
    Side,
)
from touchbase.community.models import (
    Booking,
    CustomerBlock,
    Helper,
    HelpRequest,
    Offer,
    Rating,
    Report,
)
from touchbase.core.models import Workspace

# (code, from days, until days): the age of an open request since it was confirmed.
AGE_BUCKETS = (("under_1_day", 0, 1), ("1_to_3_days", 1, 3), ("3_to_7_days", 3, 7),
               ("over_7_days", 7, None))  # fmt: skip
MONTHS = 12
TOP = 5
BEST_RATED_MIN = 3  # ratings a helper needs before counting among the best rated
OPEN_STATES = (RequestState.OPEN, RequestState.OFFERED)
MONEY = DecimalField(max_digits=14, decimal_places=2)
CENT = Decimal("0.01")


def _money(value: Decimal | None) -> Decimal:
    """A sum in euros and cents (SQLite's sums come back without their decimal places)."""
    return Decimal(value or 0).quantize(CENT)


@dataclass
class Figures:
    """The dashboard's numbers (money in euros, durations in hours, ratings in stars)."""

    open_by_age: list[dict[str, Any]]
    helpers: dict[str, int]
    open_reports: int
    blocked_customers: int
    offers: dict[str, int]
    acceptance_rate: float | None
    median_response_hours: float | None
    rating_of_helpers: float | None
    ratings_of_helpers: int
    rating_of_customers: float | None
    ratings_of_customers: int
    savings_month: Decimal
    savings_total: Decimal
    jobs_with_price: int
    months: list[dict[str, Any]] = field(default_factory=list)
    most_active: list[dict[str, Any]] = field(default_factory=list)
    best_rated: list[dict[str, Any]] = field(default_factory=list)


def _month_start(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    local = moment.astimezone(zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _months_back(start: dt.datetime, count: int) -> dt.datetime:
    year, month = divmod(start.year * 12 + start.month - 1 - count, 12)
    return start.replace(year=year, month=month + 1)


def _key(moment: dt.datetime | dt.date, zone: dt.tzinfo) -> str:
    if isinstance(moment, dt.datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return f"{moment.year:04d}-{moment.month:02d}"


def _open_by_age(workspace: Workspace, now: dt.datetime) -> list[dict[str, Any]]:
    since = Coalesce("confirmed_at", "created_at")
    counts: dict[str, Any] = {}
    for code, first, last in AGE_BUCKETS:
        age = Q(since_at__lte=now - dt.timedelta(days=first))
        if last is not None:
            age &= Q(since_at__gt=now - dt.timedelta(days=last))
        counts[f"open_{code}"] = Count("pk", filter=age)
        counts[f"unmatched_{code}"] = Count("pk", filter=age & Q(state=RequestState.OPEN))
    found = (
        HelpRequest.objects.filter(workspace=workspace, state__in=OPEN_STATES)
        .annotate(since_at=since)
        .aggregate(**counts)
    )
    return [
        {"bucket": code, "open": found[f"open_{code}"], "unmatched": found[f"unmatched_{code}"]}
        for code, _first, _last in AGE_BUCKETS
    ]


def _median_response_hours(workspace: Workspace, since: dt.datetime) -> float | None:
    """The median time from offer to answer: the middle row(s) of the answers in wait order."""
    answered = Offer.objects.filter(
        workspace=workspace, created_at__gte=since, answered_at__isnull=False,
        state__in=[OfferState.ACCEPTED, OfferState.DECLINED],
    ).annotate(
        wait=ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField())
    )  # fmt: skip
    total = answered.count()
    if not total:
        return None
    ordered = answered.order_by("wait", "pk").values_list("wait", flat=True)
    middle = list(ordered[(total - 1) // 2 : total // 2 + 1])
    seconds = sum(wait.total_seconds() for wait in middle) / len(middle)
    return round(max(0.0, float(seconds)) / 3600, 1)


def _ratings(workspace: Workspace) -> dict[str, Any]:
    return Rating.objects.filter(workspace=workspace).aggregate(
        of_helpers=Avg("stars", filter=Q(by=Side.CUSTOMER)),
        of_helpers_count=Count("pk", filter=Q(by=Side.CUSTOMER)),
        of_customers=Avg("stars", filter=Q(by=Side.HELPER)),
        of_customers_count=Count("pk", filter=Q(by=Side.HELPER)),
    )


def _saving() -> Any:
    return ExpressionWrapper(F("technician_price") - F("price_paid"), output_field=MONEY)


def _priced() -> Q:
    return Q(state=BookingState.DONE, price_paid__isnull=False, technician_price__isnull=False)


def _months(workspace: Workspace, first: dt.datetime, zone: dt.tzinfo) -> list[dict[str, Any]]:
    keys = [_key(_months_back(first, -index), zone) for index in range(MONTHS)]
    rows: dict[str, dict[str, Any]] = {
        key: {"month": key, "requests": 0, "new_helpers": 0, "done": 0, "escalated": 0,
              "cancelled": 0, "savings": _money(None), "rating_of_helpers": None}
        for key in keys
    }  # fmt: skip

    def month_of(field_name: str) -> TruncMonth:
        return TruncMonth(field_name, tzinfo=zone)

    made: Any = (
        HelpRequest.objects.filter(workspace=workspace, created_at__gte=first)
        .annotate(month=month_of("created_at")).values("month").annotate(count=Count("pk"))
    )  # fmt: skip
    for row in made:
        rows.get(_key(row["month"], zone), {})["requests"] = row["count"]
    applied: Any = (
        Helper.objects.filter(workspace=workspace, created_at__gte=first)
        .annotate(month=month_of("created_at")).values("month").annotate(count=Count("pk"))
    )  # fmt: skip
    for row in applied:
        rows.get(_key(row["month"], zone), {})["new_helpers"] = row["count"]
    jobs: Any = (
        Booking.objects.filter(workspace=workspace, starts_at__gte=first,
                               starts_at__lt=_months_back(first, -MONTHS))
        .annotate(month=month_of("starts_at")).values("month")
        .annotate(
            done=Count("pk", filter=Q(state=BookingState.DONE)),
            escalated=Count("pk", filter=Q(state=BookingState.ESCALATED)),
            cancelled=Count("pk", filter=Q(state=BookingState.CANCELLED)),
            savings=Sum(_saving(), filter=_priced()),
        )
    )  # fmt: skip
    for row in jobs:
        target = rows.get(_key(row["month"], zone))
        if target is not None:
            target.update(
                done=row["done"], escalated=row["escalated"], cancelled=row["cancelled"],
                savings=_money(row["savings"]),
            )  # fmt: skip
    rated: Any = (
        Rating.objects.filter(workspace=workspace, by=Side.CUSTOMER, created_at__gte=first)
        .annotate(month=month_of("created_at")).values("month").annotate(stars=Avg("stars"))
    )  # fmt: skip
    for row in rated:
        target = rows.get(_key(row["month"], zone))
        if target is not None:
            target["rating_of_helpers"] = round(row["stars"], 2)
    return [rows[key] for key in keys]


def _helper_row(row: Mapping[str, Any]) -> dict[str, Any]:
    average = row.get("stars")
    return {"helper_id": row["helper_id"], "name": row["name"], "jobs": row.get("jobs", 0),
            "rating_average": round(average, 2) if average is not None else None,
            "ratings": row.get("ratings", 0)}  # fmt: skip


def _top_helpers(workspace: Workspace, since: dt.datetime) -> tuple[list[Any], list[Any]]:
    """The most active helpers (jobs done in the last year) and the best rated (all time, at
    least BEST_RATED_MIN ratings); blocked helpers are left out of both."""
    done = Q(bookings__state=BookingState.DONE, bookings__starts_at__gte=since)
    rated = Q(bookings__ratings__by=Side.CUSTOMER)
    helpers = Helper.objects.filter(workspace=workspace, blocked_at=None)
    active = (
        helpers.annotate(jobs=Count("bookings", filter=done, distinct=True))
        .filter(jobs__gt=0)
        .order_by("-jobs", "name", "pk")
        .values("jobs", "name", helper_id=F("pk"))[:TOP]
    )
    ratings = dict.fromkeys([row["helper_id"] for row in active])
    for helper_id, stars, count in (
        Rating.objects.filter(booking__helper_id__in=list(ratings), by=Side.CUSTOMER)
        .values_list("booking__helper_id").annotate(Avg("stars"), Count("pk"))
    ):  # fmt: skip
        ratings[helper_id] = (stars, count)
    most_active = []
    for row in active:
        stars, count = ratings.get(row["helper_id"]) or (None, 0)
        most_active.append(_helper_row({**dict(row), "stars": stars, "ratings": count}))
    best = (
        helpers.annotate(stars=Avg("bookings__ratings__stars", filter=rated),
                         ratings=Count("bookings__ratings", filter=rated),
                         jobs=Count("bookings", filter=Q(bookings__state=BookingState.DONE),
                                    distinct=True))
        .filter(ratings__gte=BEST_RATED_MIN)
        .order_by("-stars", "-ratings", "name", "pk")
        .values("stars", "ratings", "jobs", "name", helper_id=F("pk"))[:TOP]
    )  # fmt: skip
    return most_active, [_helper_row(row) for row in best]


def community_figures(*, workspace: Workspace, now: dt.datetime | None = None) -> Figures:
    """The dashboard's figures for the workspace, as of `now`.

    Steps: open and unmatched requests by age; helpers by state, open reports, blocked
    customers; offers of the last year (acceptance rate = accepted of those answered or
    expired; median response over the answered); average ratings both ways; savings this
    month and all time (done jobs with a price paid); twelve months of figures; the five most
    active and five best-rated helpers."""
    now = now or timezone.now()
    zone = workspace.zone
    year_ago = now - dt.timedelta(days=365)
    month = _month_start(now, zone)
    first = _months_back(month, MONTHS - 1)
    helpers = Helper.objects.filter(workspace=workspace).aggregate(
        waiting=Count("pk", filter=Q(verified_at=None, blocked_at=None)),
        verified=Count("pk", filter=Q(verified_at__isnull=False, blocked_at=None)),
        blocked=Count("pk", filter=Q(blocked_at__isnull=False)),
    )
    offers = Offer.objects.filter(workspace=workspace, created_at__gte=year_ago).aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in OfferState.values}
    )
    decided = offers[OfferState.ACCEPTED] + offers[OfferState.DECLINED] + offers[OfferState.EXPIRED]
    ratings = _ratings(workspace)
    savings = Booking.objects.filter(_priced(), workspace=workspace).aggregate(
        total=Sum(_saving()), month=Sum(_saving(), filter=Q(starts_at__gte=month)),
        jobs=Count("pk"),
    )  # fmt: skip
    most_active, best_rated = _top_helpers(workspace, year_ago)

    def stars(value: float | None) -> float | None:
        return round(value, 2) if value is not None else None

    return Figures(
        open_by_age=_open_by_age(workspace, now),
        helpers=helpers,
        open_reports=Report.objects.filter(workspace=workspace, state=ReportState.OPEN).count(),
        blocked_customers=CustomerBlock.objects.filter(workspace=workspace).count(),
        offers=offers,
        acceptance_rate=round(offers[OfferState.ACCEPTED] / decided, 3) if decided else None,
        median_response_hours=_median_response_hours(workspace, year_ago),
        rating_of_helpers=stars(ratings["of_helpers"]),
        ratings_of_helpers=ratings["of_helpers_count"],
        rating_of_customers=stars(ratings["of_customers"]),
        ratings_of_customers=ratings["of_customers_count"],
        savings_month=_money(savings["month"]),
        savings_total=_money(savings["total"]),
        jobs_with_price=savings["jobs"],
        months=_months(workspace, first, zone),
        most_active=most_active,
        best_rated=best_rated,
    )
