"""API: the idea portal's settings and the visitors blocked from writing on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.ideas import services
from touchbase.ideas.api.base import router
from touchbase.ideas.models import PortalSettings, new_webhook_secret
from touchbase.visitors import services as visitors
from touchbase.visitors.models import Visitor

MAX_REASON_LENGTH = 200


class PortalSettingsOut(Schema):
    enabled: bool = Field(description="When false, the public portal answers “not found”")
    intro: str = Field(description="Shown above the ideas; plain text")
    webhook_url: str = Field(description="Receives new ideas and status changes as signed JSON")


class PortalSettingsPatch(Schema):
    enabled: bool | None = None
    intro: str | None = Field(None, max_length=1000)
    webhook_url: str | None = Field(None, max_length=200, description="Empty turns it off")


class PortalSecretOut(Schema):
    webhook_secret: str = Field(description="Shown once, now: keep it to check signatures")


class BlockedVisitorOut(Schema):
    id: int
    email: str
    name: str
    reason: str
    blocked_at: dt.datetime

    @staticmethod
    def resolve_reason(visitor: Visitor) -> str:
        return visitor.block_reason


class BlockedVisitorPage(Schema):
    items: list[BlockedVisitorOut]
    next_offset: int | None


class VisitorBlockIn(Schema):
    email: str = Field(max_length=254)
    reason: str = Field("", max_length=MAX_REASON_LENGTH)


@router.get("/ideas/settings", response=PortalSettingsOut, summary="The idea portal's settings")
@api_capability(Capability.IDEAS_MANAGE)
def settings_get(request: MemberRequest) -> PortalSettings:
    return services.portal_settings(workspace=request.workspace)


@router.patch("/ideas/settings", response=PortalSettingsOut, summary="Change the idea portal")
@api_capability(Capability.IDEAS_MANAGE)
def settings_update(request: MemberRequest, payload: PortalSettingsPatch) -> PortalSettings:
    changes = {name: value for name, value in payload.dict(exclude_unset=True).items()
               if value is not None}  # fmt: skip
    row = services.portal_settings(workspace=request.workspace)
    return services.portal_settings_save(row=row, changes=changes)


@router.post(
    "/ideas/settings/rotate-secret", response=PortalSecretOut,
    summary="A new webhook secret (the old one stops working); shown in this answer only",
)  # fmt: skip
@api_capability(Capability.IDEAS_MANAGE)
def settings_rotate_secret(request: MemberRequest) -> dict[str, str]:
    row = services.portal_settings(workspace=request.workspace)
    row = services.portal_settings_save(row=row, changes={"webhook_secret": new_webhook_secret()})
    return {"webhook_secret": row.webhook_secret}


@router.get("/ideas/blocked-visitors", response=BlockedVisitorPage,
            summary="Visitors who may not write on the portal, latest first")  # fmt: skip
@api_capability(Capability.IDEAS_MANAGE)
def blocked_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = Visitor.objects.filter(workspace=request.workspace, blocked_at__isnull=False)
    rows = rows.order_by("-blocked_at", "-id")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post("/ideas/blocked-visitors", response={201: BlockedVisitorOut},
             summary="Block an address from writing on the portal (known or not yet)")  # fmt: skip
@api_capability(Capability.IDEAS_MANAGE)
def blocked_create(request: MemberRequest, payload: VisitorBlockIn) -> Status[Visitor]:
    email = payload.email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from error
    visitor = visitors.visitor_block(
        workspace=request.workspace, email=email, reason=payload.reason.strip()
    )
    return Status(201, visitor)


@router.delete("/ideas/blocked-visitors/{visitor_id}", response={204: None},
               summary="Let a blocked visitor write again")  # fmt: skip
@api_capability(Capability.IDEAS_MANAGE)
def blocked_delete(request: MemberRequest, visitor_id: Id) -> Status[None]:
    rows = Visitor.objects.filter(blocked_at__isnull=False)
    visitors.visitor_unblock(visitor=owned_or_404(rows, visitor_id, workspace=request.workspace))
    return Status(204, None)
