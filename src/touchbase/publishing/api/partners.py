"""API: partners and resellers, who download the banners offered to them.

Partners are no members: they sign in on the partner page by a link mailed to them. Each
e-mail address is one partner per workspace (a second one is a field error on "email").
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.publishing import reach_services
from touchbase.publishing.api.base import router
from touchbase.publishing.models_reach import Partner

EMAIL_LENGTH = 254


class PartnerOut(Schema):
    id: int
    name: str
    company: str
    email: str
    active: bool = Field(description="Only active partners can sign in")
    last_seen_at: dt.datetime | None = Field(description="When they last signed in")
    created_at: dt.datetime


class PartnerPage(Schema):
    items: list[PartnerOut]
    next_offset: int | None


class PartnerIn(Schema):
    name: str = Field(min_length=1, max_length=150)
    company: str = Field("", max_length=200)
    email: str = Field(min_length=1, max_length=EMAIL_LENGTH)
    active: bool = True


class PartnerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=150)
    company: str | None = Field(None, max_length=200)
    email: str | None = Field(None, min_length=1, max_length=EMAIL_LENGTH)
    active: bool | None = None


class PartnerMailIn(Schema):
    language: Literal["de", "en"] | None = Field(
        None, description="The mail's language; the caller's when left out"
    )


def _partner(request: MemberRequest, partner_id: int) -> Partner:
    return owned_or_404(Partner, partner_id, workspace=request.workspace)


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """Text stripped; a null empties the company and is refused for anything else."""
    fields = {name: value.strip() if isinstance(value, str) else value
              for name, value in values.items()}  # fmt: skip
    if "company" in fields and fields["company"] is None:
        fields["company"] = ""
    empty = [name for name, value in fields.items() if value is None]
    if empty:
        raise ValidationError({name: _("This field cannot be empty.") for name in empty})
    return fields


@router.get("/publishing/partners", response=PartnerPage,
            summary="Partners and resellers, by company and name")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def partner_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = Partner.objects.filter(workspace=request.workspace).order_by("company", "name", "id")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post("/publishing/partners", response={201: PartnerOut}, summary="Add a partner")
@api_capability(Capability.PUBLISHING_MANAGE)
def partner_create(request: MemberRequest, payload: PartnerIn) -> Status[Partner]:
    partner = reach_services.partner_save(
        workspace=request.workspace, partner=None, fields=_fields(payload.dict())
    )
    return Status(201, partner)


@router.get("/publishing/partners/{partner_id}", response=PartnerOut, summary="One partner")
@api_capability(Capability.PUBLISHING_VIEW)
def partner_get(request: MemberRequest, partner_id: Id) -> Partner:
    return _partner(request, partner_id)


@router.patch("/publishing/partners/{partner_id}", response=PartnerOut,
              summary="Change some of a partner's fields (inactive: no sign-in)")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def partner_update(request: MemberRequest, partner_id: Id, payload: PartnerPatch) -> Partner:
    partner = _partner(request, partner_id)
    return reach_services.partner_save(
        workspace=request.workspace, partner=partner,
        fields=_fields(payload.dict(exclude_unset=True)),
    )  # fmt: skip


@router.delete("/publishing/partners/{partner_id}", response={204: None},
               summary="Remove a partner: they can no longer sign in")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def partner_delete(request: MemberRequest, partner_id: Id) -> Status[None]:
    reach_services.partner_delete(partner=_partner(request, partner_id))
    return Status(204, None)


@router.post("/publishing/partners/{partner_id}/sign-in-mail", response={202: PartnerOut},
             summary="Mail the partner a sign-in link for the partner page (valid a day, "
             "once)")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def partner_mail(request: MemberRequest, partner_id: Id, payload: PartnerMailIn) -> Status[Partner]:
    partner = _partner(request, partner_id)
    if not partner.active:
        raise ValidationError({"active": _("This partner is inactive: activate them first.")})
    active = (translation.get_language() or "de")[:2]
    language = payload.language or (active if active in ("de", "en") else "de")
    reach_services.partner_link_send(partner=partner, language=language)
    return Status(202, partner)
