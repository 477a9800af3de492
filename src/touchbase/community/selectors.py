"""Reads for the community manager's pages: filtered lists and the dashboard's figures.

Every figure is aggregated in the database (grouped counts and sums) in a fixed number of
queries, whatever the number of helpers, requests or bookings; only the medians of response
times are taken in Python, over one query's (helper, seconds) pairs of the last year.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    QuerySet,
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
from touchbase.community.matching import RATING_PRIOR_COUNT, RATING_PRIOR_STARS
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
from touchbase.core.search import search_filter

HELPER_WAITING = "waiting"
HELPER_VERIFIED = "verified"
HELPER_BLOCKED = "blocked"
BOOKINGS_UPCOMING = "upcoming"
BOOKINGS_DONE = "done"
BOOKINGS_ESCALATED = "escalated"
BOOKINGS_CANCELLED = "cancelled"
OPEN_STATES = (RequestState.OPEN, RequestState.OFFERED)
ACTIVE_DAYS = 30
RESPONSE_DAYS = 365
MONTHS = 12
RECOGNITION_SIZE = 5
# Fewer ratings than this say too little for a place among the best-rated.
RECOGNITION_MIN_RATINGS = 3
LIST_LIMIT = 200
DASHBOARD_ROWS = 20
ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=12, decimal_places=2)


# --- lists ------------------------------------------------------------------------------------


def helper_rows(*, workspace: Workspace, state: str = "", query: str = "") -> QuerySet[Helper]:
    """Helpers of the workspace: waiting for verification, verified or blocked; by name or town."""
    rows = Helper.objects.filter(workspace=workspace)
    if state == HELPER_WAITING:
        rows = rows.filter(verified_at=None, blocked_at=None)
    elif state == HELPER_VERIFIED:
        rows = rows.filter(verified_at__isnull=False, blocked_at=None)
    elif state == HELPER_BLOCKED:
        rows = rows.filter(blocked_at__isnull=False)
    query = query.strip()
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(town__icontains=query))
    return rows.annotate(
        skills_count=Count("helper_skills", distinct=True),
        checked_count=Count(
            "helper_skills", filter=Q(helper_skills__checked_at__isnull=False), distinct=True
        ),
    ).order_by("name", "pk")


def request_rows(*, workspace: Workspace, state: str = "") -> QuerySet[HelpRequest]:
    """Help requests, oldest first; by default the ones still waiting for a helper."""
    rows = HelpRequest.objects.filter(workspace=workspace).select_related("skill")
    if state in RequestState.values:
        rows = rows.filter(state=state)
    else:
        rows = rows.filter(state__in=OPEN_STATES)
    return rows.order_by("created_at", "pk")


def booking_rows(*, workspace: Workspace, kind: str, now: dt.datetime) -> QuerySet[Booking]:
    """Bookings by kind: upcoming (confirmed, soonest first), done, escalated or cancelled
    (latest first), with the request and helper."""
    rows = Booking.objects.filter(workspace=workspace).select_related("request__skill", "helper")
    if kind == BOOKINGS_DONE:
        return rows.filter(state=BookingState.DONE).order_by("-starts_at", "-pk")
    if kind == BOOKINGS_ESCALATED:
        return rows.filter(state=BookingState.ESCALATED).order_by("-starts_at", "-pk")
    if kind == BOOKINGS_CANCELLED:
        return rows.filter(state=BookingState.CANCELLED).order_by("-starts_at", "-pk")
    return rows.filter(state=BookingState.CONFIRMED).order_by("starts_at", "pk")


def contact_choices(*, workspace: Workspace, query: str, limit: int) -> list[object]:
    """Customers (contacts, not erased) the search finds, to ask a helper for one of them."""
    from touchbase.relationships.models import Contact

    rows = Contact.objects.filter(workspace=workspace, erased_at=None)
    found = search_filter(rows, query, home_country=workspace.home_country)
    return list(found.select_related("account").order_by("last_name", "first_name", "id")[:limit])


# --- the dashboard ------------------------------------------------------------------------------


@dataclass
class WaitingRequest:
    request: HelpRequest
    age: dt.timedelta
    unmatched: bool


@dataclass
class HelperFigures:
    """One helper's track record for the dashboard."""

    helper_id: int
    name: str
    jobs_recent: int = 0
    jobs_done: int = 0
    last_active: dt.datetime | None = None
    offers_answered: int = 0
    offers_accepted: int = 0
    response_hours: float | None = None
    ratings: int = 0
    stars: int = 0

    @property
    def acceptance(self) -> float | None:
        """Accepted offers among those answered or left to expire (None without any)."""
        return self.offers_accepted / self.offers_answered if self.offers_answered else None

    @property
    def rating_mean(self) -> float | None:
        return self.stars / self.ratings if self.ratings else None

    @property
    def rating_bayes(self) -> float:
        """The average with the same prior as matching: a few stars do not beat many."""
        return (RATING_PRIOR_COUNT * RATING_PRIOR_STARS + self.stars) / (
            RATING_PRIOR_COUNT + self.ratings
        )


@dataclass
class MonthFigures:
    month: dt.date
    requests: int = 0
    bookings_done: int = 0
    savings: Decimal = ZERO


@dataclass
class Dashboard:
    """Everything the community manager's overview shows."""

    waiting: list[WaitingRequest]
    open_count: int
    unmatched_count: int
    helpers: list[HelperFigures]
    helpers_verified: int
    helpers_waiting: int
    offers_answered: int
    offers_accepted: int
    response_hours: float | None
    rating_by_customers: float | None
    ratings_by_customers: int
    rating_by_helpers: float | None
    ratings_by_helpers: int
    open_reports: list[Report]
    open_reports_count: int
    blocked_helpers: int
    blocked_customers: int
    savings_month: Decimal
    savings_total: Decimal
    months: list[MonthFigures]
    most_active: list[HelperFigures] = field(default_factory=list)
    best_rated: list[HelperFigures] = field(default_factory=list)

    @property
    def acceptance(self) -> float | None:
        return self.offers_accepted / self.offers_answered if self.offers_answered else None


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months_back(first_of_month: dt.date, count: int) -> list[dt.date]:
    months = [first_of_month]
    while len(months) < count:
        previous = months[-1] - dt.timedelta(days=1)
        months.append(previous.replace(day=1))
    return list(reversed(months))


def _as_date(value: dt.datetime | dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _saving() -> Coalesce:
    return Coalesce(
        Sum(ExpressionWrapper(F("technician_price") - F("price_paid"), output_field=MONEY)),
        ZERO,
        output_field=MONEY,
    )


def median_hours(seconds: list[float]) -> float | None:
    """The median of response times given in seconds, in hours (None for none)."""
    return statistics.median(seconds) / 3600 if seconds else None


def dashboard(*, workspace: Workspace, now: dt.datetime | None = None) -> Dashboard:
    """The figures of community help (see the module docstring for the bounded queries).

    Steps: waiting requests, oldest first; helpers' jobs, last activity, offers answered and
    accepted, response medians and ratings, grouped per helper; ratings both ways; reports
    and blocks; savings (technician's price − price paid, over done bookings with both
    recorded) this month and overall; twelve months of requests, done jobs and savings;
    recognition: most done jobs in the last 30 days, best Bayesian-averaged ratings."""
    now = now or timezone.now()
    zone = workspace.zone
    this_month = _month_start(now.astimezone(zone).date())
    month_begins = dt.datetime.combine(this_month, dt.time(), tzinfo=zone)
    months = _months_back(this_month, MONTHS)
    first_month = dt.datetime.combine(months[0], dt.time(), tzinfo=zone)

    # Requests waiting for a helper, oldest first.
    open_requests = HelpRequest.objects.filter(workspace=workspace, state__in=OPEN_STATES)
    counts = open_requests.aggregate(
        total=Count("pk"), unmatched=Count("pk", filter=Q(state=RequestState.OPEN))
    )
    waiting = [
        WaitingRequest(request=row, age=now - row.created_at,
                       unmatched=row.state == RequestState.OPEN)
        for row in open_requests.select_related("skill").order_by("created_at", "pk")[
            :DASHBOARD_ROWS
        ]
    ]  # fmt: skip

    # Helpers, one grouped query per fact.
    since = now - dt.timedelta(days=ACTIVE_DAYS)
    finished = [BookingState.DONE, BookingState.ESCALATED]
    helper_stats = Helper.objects.filter(workspace=workspace).aggregate(
        verified=Count("pk", filter=Q(verified_at__isnull=False, blocked_at=None)),
        waiting=Count("pk", filter=Q(verified_at=None, blocked_at=None)),
        blocked=Count("pk", filter=Q(blocked_at__isnull=False)),
    )
    figures: dict[int, HelperFigures] = {
        pk: HelperFigures(helper_id=pk, name=name, last_active=seen)
        for pk, name, seen in Helper.objects.filter(workspace=workspace, blocked_at=None)
        .exclude(verified_at=None)
        .values_list("pk", "name", "last_seen_at")
    }
    jobs = (
        Booking.objects.filter(workspace=workspace, state__in=finished)
        .values_list("helper_id")
        .annotate(
            recent=Count("pk", filter=Q(starts_at__gte=since)),
            done=Count("pk"),
            last=Max("starts_at"),
        )
    )
    for helper_id, recent, done, last in jobs:
        if helper_id in figures:
            entry = figures[helper_id]
            entry.jobs_recent, entry.jobs_done = recent, done
            if entry.last_active is None or (last and last > entry.last_active):
                entry.last_active = min(last, now) if last else entry.last_active
    answered = Q(state__in=[OfferState.ACCEPTED, OfferState.DECLINED, OfferState.EXPIRED])
    offers = (
        Offer.objects.filter(answered, workspace=workspace)
        .values_list("helper_id")
        .annotate(answered=Count("pk"), accepted=Count("pk", filter=Q(state=OfferState.ACCEPTED)))
    )
    offers_answered = offers_accepted = 0
    for helper_id, count, accepted in offers:
        offers_answered += count
        offers_accepted += accepted
        if helper_id in figures:
            figures[helper_id].offers_answered = count
            figures[helper_id].offers_accepted = accepted
    waits: dict[int, list[float]] = defaultdict(list)
    everyone: list[float] = []
    for helper_id, created, answered_at in Offer.objects.filter(
        workspace=workspace, state__in=[OfferState.ACCEPTED, OfferState.DECLINED],
        answered_at__isnull=False, created_at__gte=now - dt.timedelta(days=RESPONSE_DAYS),
    ).values_list("helper_id", "created_at", "answered_at"):  # fmt: skip
        if answered_at is None:
            continue
        seconds = max(0.0, (answered_at - created).total_seconds())
        waits[helper_id].append(seconds)
        everyone.append(seconds)
    for helper_id, seconds_list in waits.items():
        if helper_id in figures:
            figures[helper_id].response_hours = median_hours(seconds_list)
    for helper_id, count, stars in (
        Rating.objects.filter(workspace=workspace, by=Side.CUSTOMER)
        .values_list("booking__helper_id")
        .annotate(count=Count("pk"), stars=Sum("stars"))
    ):
        if helper_id in figures:
            figures[helper_id].ratings, figures[helper_id].stars = count, stars or 0
    by_side = {
        side: (average, count)
        for side, average, count in Rating.objects.filter(workspace=workspace)
        .values_list("by")
        .annotate(average=Avg("stars"), count=Count("pk"))
    }

    # Safety.
    reports = Report.objects.filter(workspace=workspace, state=ReportState.OPEN)

    # Savings and months.
    done = Booking.objects.filter(
        workspace=workspace, state=BookingState.DONE, price_paid__isnull=False,
        technician_price__isnull=False,
    )  # fmt: skip
    savings = done.aggregate(
        total=_saving(),
        month=Coalesce(
            Sum(
                ExpressionWrapper(F("technician_price") - F("price_paid"), output_field=MONEY),
                filter=Q(finished_at__gte=month_begins),
            ),
            ZERO,
            output_field=MONEY,
        ),
    )
    by_month = {month: MonthFigures(month=month) for month in months}
    for month, count in (
        HelpRequest.objects.filter(workspace=workspace, confirmed_at__gte=first_month)
        .annotate(month=TruncMonth("confirmed_at", tzinfo=zone))
        .values_list("month")
        .annotate(count=Count("pk"))
    ):
        if (key := _as_date(month)) in by_month:
            by_month[key].requests = count
    for month, count, saved in (
        Booking.objects.filter(
            workspace=workspace, state=BookingState.DONE, finished_at__gte=first_month
        )
        .annotate(month=TruncMonth("finished_at", tzinfo=zone))
        .values_list("month")
        .annotate(
            count=Count("pk"),
            saved=Coalesce(
                Sum(
                    ExpressionWrapper(F("technician_price") - F("price_paid"), output_field=MONEY),
                    filter=Q(price_paid__isnull=False, technician_price__isnull=False),
                ),
                ZERO,
                output_field=MONEY,
            ),
        )
    ):
        if (key := _as_date(month)) in by_month:
            by_month[key].bookings_done = count
            by_month[key].savings = Decimal(saved)

    listed = sorted(
        figures.values(),
        key=lambda item: (-item.jobs_recent, -(item.last_active or now).timestamp(), item.name),
    )
    most_active = [item for item in listed if item.jobs_recent][:RECOGNITION_SIZE]
    best_rated = sorted(
        (item for item in figures.values() if item.ratings >= RECOGNITION_MIN_RATINGS),
        key=lambda item: (-item.rating_bayes, -item.ratings, item.name),
    )[:RECOGNITION_SIZE]
    customers = by_side.get(Side.CUSTOMER, (None, 0))
    helpers_side = by_side.get(Side.HELPER, (None, 0))
    return Dashboard(
        waiting=waiting, open_count=counts["total"], unmatched_count=counts["unmatched"],
        helpers=listed[:DASHBOARD_ROWS], helpers_verified=helper_stats["verified"],
        helpers_waiting=helper_stats["waiting"], offers_answered=offers_answered,
        offers_accepted=offers_accepted, response_hours=median_hours(everyone),
        rating_by_customers=float(customers[0]) if customers[0] is not None else None,
        ratings_by_customers=customers[1],
        rating_by_helpers=float(helpers_side[0]) if helpers_side[0] is not None else None,
        ratings_by_helpers=helpers_side[1],
        open_reports=list(reports.select_related("helper", "request")[:5]),
        open_reports_count=reports.count(), blocked_helpers=helper_stats["blocked"],
        blocked_customers=CustomerBlock.objects.filter(workspace=workspace).count(),
        savings_month=Decimal(savings["month"]), savings_total=Decimal(savings["total"]),
        months=[by_month[month] for month in months], most_active=most_active,
        best_rated=best_rated,
    )  # fmt: skip
