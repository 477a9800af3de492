"""API: help requests — taken on the phone for a known customer, offered, cancelled — and
the offers of a reviewed batch proposal.

An offer goes to a helper only where matching would put them: the helper must be a candidate
for the request (skill checked, verified, not blocked or paused, within their radius, not
having turned it down) and free at the start asked for, inside one of the customer's windows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from touchbase.community import bookings, requests
from touchbase.community.api.base import BookingBrief, OfferOut, router
from touchbase.community.choices import Country, OfferState, RequestState, Side
from touchbase.community.matching import Candidate, candidate_at
from touchbase.community.models import MAX_HOURLY_PRICE, Helper, HelpRequest, Offer, Skill
from touchbase.core.api.errors import fields_named
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.api.types import Instant
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import id_or_none, owned_or_404, owned_ref
from touchbase.relationships.models import Contact

MAX_BATCH_PAIRS = 500
OFFERABLE = (RequestState.OPEN, RequestState.OFFERED)


class WindowOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime


class RequestOut(Schema):
    id: int
    state: RequestState
    skill_id: int
    skill_name: str = Field(description="The topic in the caller's language")
    contact_id: int | None = Field(description="The customer in the relationship core")
    name: str
    email: str
    phone: str
    language: str
    description: str
    country: str
    postal_code: str
    town: str
    address: str
    budget: Decimal | None = Field(description="Budget per hour")
    windows: list[WindowOut] = Field(description="Times the customer could receive the helper")
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_skill_name(request: HelpRequest) -> str:
        return str(request.skill)

    @staticmethod
    def resolve_windows(request: HelpRequest) -> list[Any]:
        return list(request.windows.all())


class RequestPage(Schema):
    items: list[RequestOut]
    next_offset: int | None


class RequestDetail(RequestOut):
    offers: list[OfferOut] = Field(description="Latest first")
    booking: BookingBrief | None = Field(description="The latest booking, if any")

    @staticmethod
    def resolve_offers(request: HelpRequest) -> list[Offer]:
        return request.offers_listed  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_booking(request: HelpRequest) -> Any:
        return request.booking_latest  # type: ignore[attr-defined]


class RequestFilters(PageParams):
    state: RequestState | None = None
    skill_id: int | None = None


class WindowIn(Schema):
    starts_at: Instant
    ends_at: Instant


class RequestIn(Schema):
    contact_id: int = Field(
        description="The customer; name, e-mail, phone and language come from them"
    )
    skill_id: int = Field(description="The topic")
    description: str = Field("", max_length=2000)
    windows: list[WindowIn] = Field(
        max_length=50, description=f"At most {requests.MAX_WINDOWS} times, within 90 days"
    )
    country: Country | None = Field(None, description="The customer's country when left out")
    postal_code: str | None = Field(None, max_length=100, description="The customer's if left out")
    town: str | None = Field(None, max_length=1000, description="The customer's city if left out")
    address: str | None = Field(None, max_length=1000, description="The customer's street if "
                                "left out; shown to the helper once booked")  # fmt: skip
    phone: str = Field("", max_length=100, description="Used when the customer has none")
    budget: Decimal | None = Field(None, ge=0, le=MAX_HOURLY_PRICE, decimal_places=2)


class OfferIn(Schema):
    helper_id: int
    starts_at: Instant = Field(description="A full hour inside a window when the helper is free")


class CancelIn(Schema):
    reason: str = Field("", max_length=1000, description="Told to the helper if one is booked")


class WithdrawIn(Schema):
    offer_next: bool = Field(True, description="Offer the request to the next candidate")


class PairIn(Schema):
    request_id: int
    helper_id: int
    starts_at: Instant


class BatchOffersIn(Schema):
    pairs: list[PairIn] = Field(
        max_length=MAX_BATCH_PAIRS, description="From a reviewed proposal; send more in parts"
    )


class SkippedOut(Schema):
    request_id: int
    helper_id: int
    starts_at: dt.datetime
    reason: str


class BatchOffersOut(Schema):
    offers: list[OfferOut]
    skipped: list[SkippedOut]


def request_row(request: MemberRequest, request_id: int) -> HelpRequest:
    rows = HelpRequest.objects.select_related("skill")
    return owned_or_404(rows, request_id, workspace=request.workspace)


def request_detail(help_request: HelpRequest) -> HelpRequest:
    """The request with its offers and latest booking attached for RequestDetail."""
    help_request.offers_listed = list(  # type: ignore[attr-defined]
        help_request.offers.select_related("helper").order_by("-created_at", "-pk")[:100]
    )
    help_request.booking_latest = (  # type: ignore[attr-defined]
        help_request.bookings.select_related("helper").order_by("-created_at", "-pk").first()
    )
    return help_request


def _listed(request: MemberRequest, filters: RequestFilters) -> QuerySet[HelpRequest]:
    rows = HelpRequest.objects.filter(workspace=request.workspace)
    if filters.state is not None:
        rows = rows.filter(state=filters.state)
    if filters.skill_id is not None:
        skill = owned_ref(Skill, filters.skill_id, workspace=request.workspace, field="skill_id")
        rows = rows.filter(skill=skill)
    return rows.select_related("skill").prefetch_related("windows").order_by("created_at", "pk")


# Literal paths first: /community/batch/offers before any path with an id.


@router.post(
    "/community/batch/offers", response=BatchOffersOut,
    summary="Send the offers of a reviewed batch proposal; pairs that no longer fit are "
    "skipped with the reason",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def batch_offers(request: MemberRequest, payload: BatchOffersIn) -> dict[str, Any]:
    workspace = request.workspace
    skipped: list[dict[str, Any]] = []
    ready: list[tuple[HelpRequest, Candidate, PairIn]] = []

    def skip(pair: PairIn, reason: str) -> None:
        skipped.append({"request_id": pair.request_id, "helper_id": pair.helper_id,
                        "starts_at": pair.starts_at, "reason": reason})  # fmt: skip

    seen: set[int] = set()
    for pair in payload.pairs:
        request_pk, helper_pk = id_or_none(pair.request_id), id_or_none(pair.helper_id)
        help_request = (
            HelpRequest.objects.select_related("skill")
            .filter(workspace=workspace, pk=request_pk)
            .first()
            if request_pk
            else None
        )
        helper = (
            Helper.objects.filter(workspace=workspace, pk=helper_pk).first() if helper_pk else None
        )
        if help_request is None:
            skip(pair, _("No such request."))
        elif help_request.pk in seen:
            skip(pair, _("The request is in this batch already."))
        elif helper is None:
            skip(pair, _("No such helper."))
        elif help_request.state != RequestState.OPEN:
            skip(pair, _("The request is no longer open."))
        elif (found := candidate_at(help_request, helper, pair.starts_at)) is None:
            skip(pair, _("The helper can no longer take this request at that time."))
        else:
            ready.append((help_request, found, pair))
        if help_request is not None:
            seen.add(help_request.pk)
    offers = bookings.batch_offer(
        workspace, [(help_request, found) for help_request, found, _pair in ready],
        by=request.user,
    )  # fmt: skip
    offered = {offer.request_id for offer in offers}
    for help_request, _found, pair in ready:
        if help_request.pk not in offered:
            skip(pair, _("The request changed or the helper is offered it already."))
    listed = Offer.objects.select_related("helper").filter(pk__in=[offer.pk for offer in offers])
    return {"offers": list(listed.order_by("pk")), "skipped": skipped}


@router.get("/community/requests", response=RequestPage,
            summary="Help requests, oldest first; filter by state and topic")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def request_list(request: MemberRequest, filters: Query[RequestFilters]) -> dict[str, Any]:
    rows = _listed(request, filters)
    return page_of_rows(list(rows[filters.offset : filters.offset + filters.limit + 1]), filters)


@router.post(
    "/community/requests", response={201: RequestDetail},
    summary="Take a help request for a known customer (open at once, no confirmation mail)",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def request_create(request: MemberRequest, payload: RequestIn) -> Status[HelpRequest]:
    workspace = request.workspace
    errors: dict[str, list[str]] = {}
    contact = skill = None
    try:
        contact = owned_ref(Contact, payload.contact_id, workspace=workspace, field="contact_id")
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        skill = owned_ref(Skill, payload.skill_id, workspace=workspace, field="skill_id")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors or contact is None:
        raise ValidationError(errors)
    country = payload.country or (contact.country if contact.country in Country.values else "DE")
    with fields_named(contact="contact_id", skill="skill_id"):
        created = requests.request_create(
            workspace=workspace, name=contact.full_name, email=contact.email,
            phone=payload.phone, language="de", skill=skill,
            description=payload.description, country=country,
            postal_code=payload.postal_code if payload.postal_code is not None
            else contact.postal_code,
            town=payload.town if payload.town is not None else contact.city,
            address=payload.address if payload.address is not None else contact.street,
            budget=payload.budget,
            windows=[(window.starts_at, window.ends_at) for window in payload.windows],
            contact=contact, by=request.user,
        )  # fmt: skip
    return Status(201, request_detail(request_row(request, created.pk)))


@router.get("/community/requests/{request_id}", response=RequestDetail,
            summary="One help request with its times, offers and booking")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def request_get(request: MemberRequest, request_id: Id) -> HelpRequest:
    return request_detail(request_row(request, request_id))


@router.post(
    "/community/requests/{request_id}/offers", response={201: OfferOut},
    summary="Offer the request to a helper at a start where matching finds them free "
    "(see /candidates)",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def request_offer(request: MemberRequest, request_id: Id, payload: OfferIn) -> Status[Offer]:
    help_request = request_row(request, request_id)
    helper = owned_ref(Helper, payload.helper_id, workspace=request.workspace, field="helper_id")
    if help_request.state not in OFFERABLE:
        raise ValidationError(_("This request is not open for offers."))
    if help_request.offers.filter(state=OfferState.PENDING).exists():
        raise ValidationError(
            _("This request is offered to a helper already: withdraw that offer first.")
        )
    found = candidate_at(help_request, helper, payload.starts_at)
    if found is None:
        raise ValidationError({"helper_id": _(
            "This helper is no candidate for this request at that time: they need the skill "
            "checked, verification, the place within their radius and that hour free inside "
            "one of the customer's times."
        )})  # fmt: skip
    with fields_named(helper="helper_id"):
        offer = bookings.offer_make(request=help_request, candidate=found, by=request.user)
    return Status(201, Offer.objects.select_related("helper").get(pk=offer.pk))


@router.post(
    "/community/requests/{request_id}/cancel", response=RequestDetail,
    summary="Cancel a request for the customer: a waiting offer is withdrawn, a booking "
    "cancelled (its helper told, with the reason)",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def request_cancel(request: MemberRequest, request_id: Id, payload: CancelIn) -> HelpRequest:
    help_request = request_row(request, request_id)
    requests.request_cancel(request=help_request, side=Side.CUSTOMER, reason=payload.reason)
    return request_detail(request_row(request, request_id))


@router.post(
    "/community/offers/{offer_id}/withdraw", response=OfferOut,
    summary="Take back a waiting offer; the request goes to the next candidate unless told "
    "otherwise",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def offer_withdraw(request: MemberRequest, offer_id: Id, payload: WithdrawIn) -> Offer:
    offer = owned_or_404(Offer.objects.select_related("helper", "request"), offer_id,
                         workspace=request.workspace)  # fmt: skip
    if offer.state != OfferState.PENDING:
        raise ValidationError(_("Only a waiting offer can be withdrawn."))
    bookings.offer_withdraw(offer=offer, offer_next=payload.offer_next)
    return Offer.objects.select_related("helper").get(pk=offer.pk)
