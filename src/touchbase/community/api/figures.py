"""API: the community manager's dashboard figures (counted by the database, bounded)."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from touchbase.community.api.base import router
from touchbase.community.figures import community_figures
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest


class AgeBucketOut(Schema):
    bucket: str = Field(description="under_1_day, 1_to_3_days, 3_to_7_days or over_7_days")
    open: int = Field(description="Open requests (waiting for an offer or an answer)")
    unmatched: int = Field(description="Of those, the ones no offer waits for")


class HelperCountsOut(Schema):
    waiting: int
    verified: int
    blocked: int


class OfferCountsOut(Schema):
    pending: int
    accepted: int
    declined: int
    expired: int
    withdrawn: int


class MonthOut(Schema):
    month: str = Field(description="YYYY-MM in the workspace's time zone")
    requests: int = Field(description="Requests made")
    new_helpers: int = Field(description="Helpers who applied")
    done: int = Field(description="Jobs (by their day) done")
    escalated: int
    cancelled: int
    savings: Decimal = Field(description="Technician's prices minus prices paid, done jobs")
    rating_of_helpers: float | None = Field(description="Average stars customers gave")


class HelperFigureOut(Schema):
    helper_id: int
    name: str
    jobs: int = Field(description="Jobs done (most active: in the last year)")
    rating_average: float | None
    ratings: int


class FiguresOut(Schema):
    open_by_age: list[AgeBucketOut] = Field(description="Age since the request was confirmed")
    helpers: HelperCountsOut
    open_reports: int
    blocked_customers: int
    offers: OfferCountsOut = Field(description="Offers made in the last year, by state")
    acceptance_rate: float | None = Field(
        description="Accepted of the offers answered or expired in the last year (0–1)"
    )
    median_response_hours: float | None = Field(
        description="Median hours from offer to answer, last year"
    )
    rating_of_helpers: float | None = Field(description="Average stars customers gave helpers")
    ratings_of_helpers: int
    rating_of_customers: float | None = Field(description="Average stars helpers gave customers")
    ratings_of_customers: int
    savings_month: Decimal = Field(description="Saved against technicians on this month's jobs")
    savings_total: Decimal = Field(description="Saved against technicians, all time")
    jobs_with_price: int = Field(description="Done jobs with the price paid recorded")
    months: list[MonthOut] = Field(description="The last 12 months, oldest first")
    most_active: list[HelperFigureOut] = Field(description="Most jobs done in the last year")
    best_rated: list[HelperFigureOut] = Field(description="Best average with 3+ ratings")


@router.get("/community/figures", response=FiguresOut,
            summary="The dashboard's figures: open requests by age, offers, ratings, savings, "
            "12 months, the helpers to thank")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def figures_get(request: MemberRequest) -> dict[str, Any]:
    return asdict(community_figures(workspace=request.workspace))
