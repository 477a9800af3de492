"""API: product ratings (figures, interval, flag, weekly trend) and the removal decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Query, Schema

from touchbase.catalogue.choices import ProductStatus
from touchbase.catalogue.models import Product
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.listening import ratings
from touchbase.listening.api.base import router
from touchbase.listening.choices import RemovalStep
from touchbase.listening.models import RemovalDecision


class RatingOut(Schema):
    product_id: int
    name: str
    status: ProductStatus
    count: int = Field(description="Ratings counted: given stars plus estimated stars")
    given: int = Field(description="Ratings with stars their authors gave")
    estimated: int = Field(description="Ratings with stars the analyser estimated")
    average: float | None
    low: float | None = Field(description="95 % interval (Wilson score on the average), low end")
    high: float | None = Field(description="95 % interval, high end")
    is_unrated: bool = Field(description="On sale for 30 days or more without any rating")
    unrated_since: dt.datetime | None


class RatingPage(Schema):
    items: list[RatingOut]
    next_offset: int | None


class WeekOut(Schema):
    week: str = Field(description="ISO week, e.g. 2026-W14")
    starts_on: dt.date
    count: int
    average: float | None
    low: float | None
    high: float | None


class DecisionOut(Schema):
    step: RemovalStep
    ratings: int
    average: float | None
    reason: str
    decided_by_id: int | None
    decided_at: dt.datetime


class RatingDetailOut(RatingOut):
    weeks: list[WeekOut]
    decisions: list[DecisionOut]
    override_until_ratings: int | None = Field(
        description="While a leader's override holds: the rating count at which the rule "
        "judges again"
    )


class OverrideIn(Schema):
    reason: str = Field(description="Why the product stays on sale (required)")


def _rating(figures: ratings.RatingFigures) -> dict[str, Any]:
    product = figures.product
    return {
        "product_id": product.pk, "name": product.name, "status": product.status,
        "count": figures.count, "given": figures.given, "estimated": figures.estimated,
        "average": figures.average, "low": figures.low, "high": figures.high,
        "is_unrated": figures.is_unrated, "unrated_since": figures.unrated_since,
    }  # fmt: skip


def _detail(request: MemberRequest, product: Product) -> dict[str, Any]:
    from touchbase.listening.services import listening_settings

    history: list[RemovalDecision] = list(ratings.removal_history(product=product))
    last = history[0] if history else None
    min_ratings = listening_settings(workspace=request.workspace).removal_min_ratings
    held = last is not None and last.step == RemovalStep.OVERRIDDEN
    return {
        **_rating(ratings.product_rating(product=product)),
        "weeks": [
            {
                "week": week.label,
                "starts_on": week.starts_on,
                "count": week.count,
                "average": week.average,
                "low": week.low,
                "high": week.high,
            }
            for week in ratings.weekly_trend(product=product)
        ],  # fmt: skip
        "decisions": history,
        "override_until_ratings": (
            ratings.override_until(decision=last, min_ratings=min_ratings)
            if held and last
            else None
        ),
    }


@router.get("/listening/ratings", response=RatingPage, summary="Ratings per product, by name")
@api_capability(Capability.LISTENING_VIEW)
def rating_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    products = list(
        Product.objects.filter(workspace=request.workspace).order_by("name", "id")[
            page.offset : page.offset + page.limit + 1
        ]
    )
    figures = ratings.product_ratings(workspace=request.workspace, products=products)
    return page_of_rows([_rating(item) for item in figures], page)


@router.get(
    "/listening/ratings/{product_id}", response=RatingDetailOut,
    summary="One product's ratings with its weekly trend (12 ISO weeks) and removal steps",
)  # fmt: skip
@api_capability(Capability.LISTENING_VIEW)
def rating_get(request: MemberRequest, product_id: Id) -> dict[str, Any]:
    product = owned_or_404(Product, product_id, workspace=request.workspace)
    return _detail(request, product)


@router.post(
    "/listening/ratings/{product_id}/removal", response=RatingDetailOut,
    summary="Confirm a proposed removal: the product is removed from the range",
)  # fmt: skip
@api_capability(Capability.CATALOGUE_MANAGE)
def removal_confirm(request: MemberRequest, product_id: Id) -> dict[str, Any]:
    product = owned_or_404(Product, product_id, workspace=request.workspace)
    ratings.removal_confirm(product=product, by=request.user)
    return _detail(request, product)


@router.post(
    "/listening/ratings/{product_id}/override", response=RatingDetailOut,
    summary="Keep a product proposed for removal on sale, with a reason",
)  # fmt: skip
@api_capability(Capability.CATALOGUE_MANAGE)
def removal_override(request: MemberRequest, product_id: Id, payload: OverrideIn) -> dict[str, Any]:
    product = owned_or_404(Product, product_id, workspace=request.workspace)
    ratings.removal_override(product=product, by=request.user, reason=payload.reason)
    return _detail(request, product)
