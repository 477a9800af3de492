"""API: safety — the reports both sides file, and the customers who may no longer ask for help.

Blocking helpers is on the helper (/community/helpers/{id}/block).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from touchbase.community import bookings as services
from touchbase.community.api.base import router
from touchbase.community.choices import ReportState, Side
from touchbase.community.models import CustomerBlock, Report
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404

EMAIL_LENGTH = 254


class ReportOut(Schema):
    id: int
    by: Side = Field(description="The side that filed it")
    text: str
    state: ReportState
    booking_id: int | None
    helper_id: int | None = Field(description="The helper the report concerns or comes from")
    helper_name: str | None
    request_id: int | None
    customer_name: str | None
    outcome: str = Field(description="What was done, once closed")
    handled_by_id: int | None
    created_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_helper_name(report: Report) -> str | None:
        return report.helper.name if report.helper else None

    @staticmethod
    def resolve_customer_name(report: Report) -> str | None:
        return report.request.name if report.request else None


class ReportPage(Schema):
    items: list[ReportOut]
    next_offset: int | None


class ReportFilters(PageParams):
    state: ReportState | None = None


class ReportCloseIn(Schema):
    outcome: str = Field(max_length=1000, description="What was done")


class CustomerBlockOut(Schema):
    id: int
    email: str
    reason: str
    created_by_id: int | None
    created_at: dt.datetime


class CustomerBlockPage(Schema):
    items: list[CustomerBlockOut]
    next_offset: int | None


class CustomerBlockIn(Schema):
    email: str = Field(max_length=EMAIL_LENGTH)
    reason: str = Field(max_length=500)


def _report(request: MemberRequest, report_id: int) -> Report:
    rows = Report.objects.select_related("helper", "request")
    return owned_or_404(rows, report_id, workspace=request.workspace)


@router.get("/community/reports", response=ReportPage,
            summary="Safety reports, latest first; filter by state")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def report_list(request: MemberRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
    rows = Report.objects.filter(workspace=request.workspace).select_related("helper", "request")
    if filters.state is not None:
        rows = rows.filter(state=filters.state)
    rows = rows.order_by("-created_at", "-pk")
    return page_of_rows(list(rows[filters.offset : filters.offset + filters.limit + 1]), filters)


@router.get("/community/reports/{report_id}", response=ReportOut, summary="One report")
@api_capability(Capability.COMMUNITY_MANAGE)
def report_get(request: MemberRequest, report_id: Id) -> Report:
    return _report(request, report_id)


@router.post("/community/reports/{report_id}/close", response=ReportOut,
             summary="Close a report, saying what was done")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def report_close(request: MemberRequest, report_id: Id, payload: ReportCloseIn) -> Report:
    report = _report(request, report_id)
    if report.state == ReportState.CLOSED:
        raise ValidationError(_("This report is closed already."))
    services.report_close(report=report, by=request.user, outcome=payload.outcome)
    return _report(request, report_id)


@router.get("/community/customer-blocks", response=CustomerBlockPage,
            summary="Customers (by e-mail address) who may no longer ask for help")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def block_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = CustomerBlock.objects.filter(workspace=request.workspace).order_by("-created_at", "-pk")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post(
    "/community/customer-blocks", response={201: CustomerBlockOut},
    summary="Block a customer's address: open requests close, waiting offers are withdrawn, "
    "future bookings cancelled (helpers told)",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def block_create(request: MemberRequest, payload: CustomerBlockIn) -> Status[CustomerBlock]:
    email = payload.email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from error
    block = services.customer_block(
        workspace=request.workspace, email=email, reason=payload.reason, by=request.user
    )
    return Status(201, block)


@router.delete("/community/customer-blocks/{block_id}", response={204: None},
               summary="Let a blocked customer ask for help again")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def block_delete(request: MemberRequest, block_id: Id) -> Status[None]:
    block = owned_or_404(CustomerBlock, block_id, workspace=request.workspace)
    services.customer_unblock(block=block)
    return Status(204, None)
