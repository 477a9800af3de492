"""API: deliveries (which offer a review invitation) and the invitations offered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Query, Schema, Status

from touchbase.catalogue.models import Product
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.api.types import Instant
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404, owned_ref
from touchbase.listening import invitations, selectors
from touchbase.listening.api.base import router
from touchbase.listening.choices import InvitationSkip, InvitationStatus, InvitationTrigger
from touchbase.listening.models import ReviewInvitation
from touchbase.relationships.models import Contact


class InvitationOut(Schema):
    id: int
    contact_id: int
    product_id: int | None
    touchpoint_id: int | None
    trigger: InvitationTrigger
    status: InvitationStatus
    skip_reason: InvitationSkip
    delivered_at: dt.datetime | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    answered_at: dt.datetime | None
    mention_id: int | None
    opted_out_at: dt.datetime | None


class InvitationPage(Schema):
    items: list[InvitationOut]
    next_offset: int | None


class InvitationFilters(PageParams):
    status: InvitationStatus | None = None


class DeliveryIn(Schema):
    contact_id: int
    product_id: int | None = None
    delivered_at: Instant | None = None


def _references(request: MemberRequest, payload: DeliveryIn) -> tuple[Contact, Product | None]:
    """The delivery's contact and product; every wrong reference named at once."""
    errors: dict[str, Any] = {}
    contact = product = None
    try:
        contact = owned_ref(
            Contact, payload.contact_id, workspace=request.workspace, field="contact_id"
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if payload.product_id is not None:
        try:
            product = owned_ref(
                Product, payload.product_id, workspace=request.workspace, field="product_id"
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors or contact is None:
        raise ValidationError(errors)
    return contact, product


@router.post(
    "/listening/deliveries", response={201: InvitationOut},
    summary="Record a delivery: the customer is offered an invitation to rate the product",
    description="Answers with the invitation offered: `status` pending (being sent), or "
    "skipped with the `skip_reason` (consent, bounced address, frequency cap …).",
)  # fmt: skip
@api_capability(Capability.CRM_EDIT)
def delivery_create(request: MemberRequest, payload: DeliveryIn) -> Status[ReviewInvitation]:
    contact, product = _references(request, payload)
    invitation = invitations.delivery_record(
        workspace=request.workspace, contact=contact, product=product,
        delivered_at=payload.delivered_at, by=request.user,
    )  # fmt: skip
    return Status(201, invitation)


@router.get(
    "/listening/invitations", response=InvitationPage, summary="Review invitations, newest first"
)
@api_capability(Capability.LISTENING_MANAGE)
def invitation_list(request: MemberRequest, filters: Query[InvitationFilters]) -> dict[str, Any]:
    rows = selectors.invitation_list(
        workspace=request.workspace, status=filters.status or "", limit=filters.limit + 1,
        offset=filters.offset,
    )  # fmt: skip
    return page_of_rows(rows, filters)


@router.get(
    "/listening/invitations/{invitation_id}", response=InvitationOut, summary="One invitation"
)
@api_capability(Capability.LISTENING_MANAGE)
def invitation_get(request: MemberRequest, invitation_id: Id) -> ReviewInvitation:
    return owned_or_404(ReviewInvitation, invitation_id, workspace=request.workspace)
