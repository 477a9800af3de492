"""API: the community manager's dashboard figures — the same numbers as the dashboard page
(selectors.dashboard), plus the open requests counted by age."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from ninja import Field, Schema

from touchbase.community.api.base import router
from touchbase.community.choices import RequestState
from touchbase.community.models import HelpRequest
from touchbase.community.selectors import OPEN_STATES, HelperFigures, dashboard
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.models import Workspace
from touchbase.core.requests import MemberRequest

# (code, from days, until days): how long an open request has waited since it was confirmed.
AGE_BUCKETS = (("under_1_day", 0, 1), ("1_to_3_days", 1, 3), ("3_to_7_days", 3, 7),
               ("over_7_days", 7, None))  # fmt: skip


class AgeBucketOut(Schema):
    bucket: str = Field(description="under_1_day, 1_to_3_days, 3_to_7_days or over_7_days")
    open: int = Field(description="Open requests (waiting for an offer or an answer)")
    unmatched: int = Field(description="Of those, the ones no offer waits for")


class HelperCountsOut(Schema):
    waiting: int
    verified: int
    blocked: int


class MonthOut(Schema):
    month: str = Field(description="YYYY-MM in the workspace's time zone")
    requests: int = Field(description="Requests confirmed")
    done: int = Field(description="Jobs finished as done")
    savings: Decimal = Field(description="Technician's prices minus prices paid of those jobs")


class HelperFigureOut(Schema):
    helper_id: int
    name: str
    jobs_recent: int = Field(description="Jobs finished in the last 30 days")
    jobs_done: int = Field(description="Jobs finished, all time")
    rating_average: float | None = Field(description="Stars customers gave (1–5)")
    ratings: int
    acceptance_rate: float | None = Field(description="Accepted of the offers answered (0–1)")
    response_hours: float | None = Field(description="Median hours to answer an offer")


class FiguresOut(Schema):
    open_count: int
    unmatched_count: int = Field(description="Open requests no offer waits for")
    open_by_age: list[AgeBucketOut] = Field(description="Age since the request was confirmed")
    helpers: HelperCountsOut
    open_reports: int
    blocked_customers: int
    offers_answered: int = Field(description="Offers accepted, declined or left to expire")
    offers_accepted: int
    acceptance_rate: float | None = Field(description="Accepted of the offers answered (0–1)")
    median_response_hours: float | None = Field(
        description="Median hours from offer to answer over the last year"
    )
    rating_of_helpers: float | None = Field(description="Average stars customers gave helpers")
    ratings_of_helpers: int
    rating_of_customers: float | None = Field(description="Average stars helpers gave customers")
    ratings_of_customers: int
    savings_month: Decimal = Field(description="Saved against technicians on jobs finished "
                                   "this month")  # fmt: skip
    savings_total: Decimal = Field(description="Saved against technicians, all time")
    months: list[MonthOut] = Field(description="The last 12 months, oldest first")
    most_active: list[HelperFigureOut] = Field(description="Most jobs in the last 30 days")
    best_rated: list[HelperFigureOut] = Field(description="Best average with 3+ ratings")


def open_by_age(workspace: Workspace, now: dt.datetime) -> list[dict[str, Any]]:
    """Open and unmatched requests per age bucket: one aggregate query."""
    counts: dict[str, Any] = {}
    for code, first, last in AGE_BUCKETS:
        age = Q(since_at__lte=now - dt.timedelta(days=first))
        if last is not None:
            age &= Q(since_at__gt=now - dt.timedelta(days=last))
        counts[f"open_{code}"] = Count("pk", filter=age)
        counts[f"unmatched_{code}"] = Count("pk", filter=age & Q(state=RequestState.OPEN))
    found = (
        HelpRequest.objects.filter(workspace=workspace, state__in=OPEN_STATES)
        .annotate(since_at=Coalesce("confirmed_at", "created_at"))
        .aggregate(**counts)
    )
    return [
        {"bucket": code, "open": found[f"open_{code}"], "unmatched": found[f"unmatched_{code}"]}
        for code, _first, _last in AGE_BUCKETS
    ]


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return round(value, digits) if value is not None else None


def _helper(figures: HelperFigures) -> dict[str, Any]:
    return {
        "helper_id": figures.helper_id, "name": figures.name,
        "jobs_recent": figures.jobs_recent, "jobs_done": figures.jobs_done,
        "rating_average": _rounded(figures.rating_mean), "ratings": figures.ratings,
        "acceptance_rate": _rounded(figures.acceptance, 3),
        "response_hours": _rounded(figures.response_hours, 1),
    }  # fmt: skip


@router.get("/community/figures", response=FiguresOut,
            summary="The dashboard's figures: open requests by age, offers, ratings, savings, "
            "12 months, the helpers to thank")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def figures_get(request: MemberRequest) -> dict[str, Any]:
    now = timezone.now()
    found = dashboard(workspace=request.workspace, now=now)
    cent = Decimal("0.01")
    return {
        "open_count": found.open_count, "unmatched_count": found.unmatched_count,
        "open_by_age": open_by_age(request.workspace, now),
        "helpers": {"waiting": found.helpers_waiting, "verified": found.helpers_verified,
                    "blocked": found.blocked_helpers},
        "open_reports": found.open_reports_count, "blocked_customers": found.blocked_customers,
        "offers_answered": found.offers_answered, "offers_accepted": found.offers_accepted,
        "acceptance_rate": _rounded(found.acceptance, 3),
        "median_response_hours": _rounded(found.response_hours, 1),
        "rating_of_helpers": _rounded(found.rating_by_customers),
        "ratings_of_helpers": found.ratings_by_customers,
        "rating_of_customers": _rounded(found.rating_by_helpers),
        "ratings_of_customers": found.ratings_by_helpers,
        "savings_month": found.savings_month.quantize(cent),
        "savings_total": found.savings_total.quantize(cent),
        "months": [
            {"month": month.month.strftime("%Y-%m"), "requests": month.requests,
             "done": month.bookings_done, "savings": Decimal(month.savings).quantize(cent)}
            for month in found.months
        ],
        "most_active": [_helper(item) for item in found.most_active],
        "best_rated": [_helper(item) for item in found.best_rated],
    }  # fmt: skip
