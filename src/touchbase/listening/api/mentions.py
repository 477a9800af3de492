"""API: mentions (list with filters, get, enter by hand, link to a customer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Query, Schema, Status

from touchbase.core.api.refs import Id
from touchbase.core.api.types import Instant
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404, owned_ref
from touchbase.listening import selectors, services
from touchbase.listening.api.base import router
from touchbase.listening.choices import MentionSentiment
from touchbase.listening.models import MAX_TEXT_LENGTH, Mention, Source
from touchbase.relationships.models import Contact


class MentionOut(Schema):
    id: int
    source_id: int
    channel: str
    author: str
    author_email: str
    author_handle: str
    url: str
    published_at: dt.datetime
    received_at: dt.datetime
    language: str
    title: str
    text: str
    stars: float | None
    stars_estimated: float | None
    sentiment: str = Field(description="negative, neutral, positive; empty until analysed")
    sentiment_score: float | None
    product_ids: list[int]
    contact_id: int | None
    owner_id: int | None
    due_at: dt.datetime | None
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_reason: str = Field(description="spam or irrelevant when closed without an answer")
    reply_text: str
    analysed: bool

    @staticmethod
    def resolve_product_ids(mention: Mention) -> list[int]:
        return sorted(product.pk for product in mention.products.all())

    @staticmethod
    def resolve_analysed(mention: Mention) -> bool:
        return mention.analysed_at is not None


class MentionPage(Schema):
    items: list[MentionOut]
    next_before: str | None = Field(description="Pass as `before` for the next (older) page")


class MentionFilters(Schema):
    search: str = Field("", max_length=200)
    sentiment: MentionSentiment | None = None
    source_id: int | None = None
    product_id: int | None = None
    before: str = Field("", max_length=100, description="The cursor a page gave as next_before")
    limit: int = Field(50, ge=1, le=200)


class MentionIn(Schema):
    source_id: int
    text: str = Field("", max_length=MAX_TEXT_LENGTH)
    title: str = Field("", max_length=300)
    stars: float | None = Field(None, ge=1, le=5)
    author: str = Field("", max_length=200)
    author_email: str = Field("", max_length=254)
    author_handle: str = Field("", max_length=200)
    url: str = Field("", max_length=2000)
    language: str = Field("", max_length=8)
    published_at: Instant | None = None


class LinkIn(Schema):
    contact_id: int


@router.get("/listening/mentions", response=MentionPage, summary="Mentions, newest first")
@api_capability(Capability.LISTENING_VIEW)
def mention_list(request: MemberRequest, filters: Query[MentionFilters]) -> dict[str, Any]:
    source = (
        owned_ref(Source, filters.source_id, workspace=request.workspace, field="source_id")
        if filters.source_id
        else None
    )
    page = selectors.mention_page(
        workspace=request.workspace, search=filters.search, sentiment=filters.sentiment or "",
        source=source, product_id=filters.product_id, before=filters.before, size=filters.limit,
    )  # fmt: skip
    return {"items": page.rows, "next_before": page.next_before or None}


@router.get("/listening/mentions/{mention_id}", response=MentionOut, summary="One mention")
@api_capability(Capability.LISTENING_VIEW)
def mention_get(request: MemberRequest, mention_id: Id) -> Mention:
    return owned_or_404(Mention, mention_id, workspace=request.workspace)


@router.post("/listening/mentions", response={201: MentionOut}, summary="Enter a mention")
@api_capability(Capability.LISTENING_ANSWER)
def mention_create(request: MemberRequest, payload: MentionIn) -> Status[Mention]:
    source = owned_ref(Source, payload.source_id, workspace=request.workspace, field="source_id")
    fields = payload.dict()
    fields.pop("source_id")
    return Status(201, services.mention_enter(source=source, **fields))


@router.post(
    "/listening/mentions/{mention_id}/customer", response=MentionOut,
    summary="Name the customer who wrote it (their handle's next mentions follow)",
)  # fmt: skip
@api_capability(Capability.CRM_EDIT)
def mention_link(request: MemberRequest, mention_id: Id, payload: LinkIn) -> Mention:
    mention = owned_or_404(Mention, mention_id, workspace=request.workspace)
    contact = owned_ref(
        Contact, payload.contact_id, workspace=request.workspace, field="contact_id"
    )
    return services.author_link(mention=mention, contact=contact, by=request.user)
