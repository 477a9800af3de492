"""API: the launch monitor (hourly series, earlier launches, alert state)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from ninja import Field, Schema

from touchbase.catalogue.models import Product
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.listening import launches
from touchbase.listening.api.alerts import AlertOut
from touchbase.listening.api.base import router


class HourOut(Schema):
    hour: int = Field(description="Hours since the launch: 0 is the first hour")
    starts_at: dt.datetime
    total: int
    negative: int
    neutral: int
    positive: int
    earlier_total: float | None = Field(description="Median of earlier launches, this hour")
    earlier_negative: float | None = Field(description="Median negatives of earlier launches")


class BaselineOut(Schema):
    total: int = Field(description="Analysed mentions in the 90 days before the launch")
    negative: int
    share: float | None


class WindowOut(Schema):
    start: dt.datetime
    end: dt.datetime
    total: int
    negative: int
    share: float | None
    p_value: float = Field(description="One-sided Fisher exact test against the baseline")
    significant: bool = Field(description="p < 0.01 with at least 10 mentions, 5 negative")


class LaunchOut(Schema):
    product_id: int
    name: str
    launched_at: dt.datetime
    ends_at: dt.datetime
    is_live: bool
    hours: list[HourOut] = Field(description="The hours begun so far, up to 72")
    earlier_launches: int
    baseline: BaselineOut | None = Field(description="Only during the first 72 hours")
    window: WindowOut | None = Field(description="The last 3 hours; only during the first 72")
    alerts: list[AlertOut]


@router.get(
    "/listening/launches/{product_id}", response=LaunchOut,
    summary="A launch's first 72 hours per hour, earlier launches' medians, the alert state",
)  # fmt: skip
@api_capability(Capability.LISTENING_VIEW)
def launch_get(request: MemberRequest, product_id: Id) -> dict[str, Any]:
    product = owned_or_404(Product, product_id, workspace=request.workspace)
    if product.launched_at is None:
        raise Http404("This product has no launch.")
    monitor = launches.launch_monitor(product=product)
    check = monitor.check
    return {
        "product_id": product.pk, "name": product.name, "launched_at": monitor.launched_at,
        "ends_at": monitor.ends_at, "is_live": monitor.is_live,
        "hours": [{**hour.__dict__, "total": hour.total} for hour in monitor.elapsed],
        "earlier_launches": monitor.earlier_launches,
        "baseline": {"total": check.baseline_total, "negative": check.baseline_negative,
                     "share": check.usual_share} if check else None,
        "window": {"start": check.window_start, "end": check.window_end, "total": check.total,
                   "negative": check.negative, "share": check.share, "p_value": check.p_value,
                   "significant": check.is_significant} if check else None,
        "alerts": monitor.alerts,
    }  # fmt: skip
